"""Collectives over a named ``vmap`` axis: ``psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``,
``ppermute``, ``axis_index``, ``axis_size``, as in ``jax.lax`` under ``jax.vmap(..., axis_name=)``.

Each collective is a primitive carrying the axis name. Its batching rule (``named_batch``, which
receives the batch trace) reduces over the batch axis when the trace's axis is the named one,
and otherwise maps the collective over that trace's batch. A value that does not vary along the
named axis reaches the implementation, which knows the axis only by its size: ``psum`` of such
a value is ``size * x``, ``pmax``/``pmin``/``ppermute`` are the identity, ``all_gather`` repeats it.
An axis name with no enclosing ``vmap`` raises ``NameError`` (``unbound axis name``), as JAX.

``psum``, ``all_gather`` and ``ppermute`` are linear (their transposes are ``psum``, a psum then
this example's block, and the inverse permutation); ``pmax`` and ``pmin`` have no derivative
rule, as in JAX.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.batching import AXIS_ENV, BatchTrace, BatchTracer
from functrans._src.core import Primitive, ShapedArray, bind
from functrans._src.lax.comparisons import convert_element_type, eq
from functrans._src.lax.contraction import dot_general
from functrans._src.lax.reductions import reduce_sum
from functrans._src.lax.rules import _dtype, _shape, allow_complex, deflinear, moveaxis
from functrans._src.lax.shape import concatenate, reshape
from functrans._src.lax.slicing import index
from functrans._src.tree_util import tree_map

__all__ = ["psum", "pmean", "pmax", "pmin", "all_gather", "ppermute", "axis_index", "axis_size",
           "psum_p", "pmax_p", "pmin_p", "all_gather_p", "ppermute_p", "parallel_primitives"]


def _frame(name: Any) -> tuple[Any, int, BatchTrace]:
    for entry in reversed(AXIS_ENV):
        if entry[0] == name:
            return entry
    raise NameError(f"unbound axis name: {name}. The axis names of the enclosing vmaps are "
                    f"{[e[0] for e in AXIS_ENV]}; name an axis with vmap(..., axis_name=...).")


def _names(axis_name: Any) -> tuple[Any, ...]:
    return tuple(axis_name) if isinstance(axis_name, tuple | list) else (axis_name,)


def _no_groups(axis_index_groups: Any, what: str) -> None:
    if axis_index_groups is not None:
        raise NotImplementedError(f"{what}: axis_index_groups is not supported under vmap (as in JAX)")


def _same_aval(x: ShapedArray, **_: Any) -> ShapedArray:
    return x


# --------------------------------------------------------------------------- psum / pmax / pmin


def _reducer(name: str, reduce: Any, on_constant: Any, positional: Any = None) -> Any:
    p = Primitive(name)

    def impl(x: Any, axis_name: Any, axis_size: int, axes: tuple[int, ...] = ()) -> Any:
        return positional(np.asarray(x), axes) if axes else on_constant(x, axis_size)

    def abstract_eval(x: ShapedArray, axis_name: Any, axis_size: int, axes: tuple[int, ...] = ()) -> ShapedArray:
        if not axes:
            return x
        return ShapedArray(tuple(n for i, n in enumerate(x.shape) if i not in axes), x.dtype, x.weak_type)

    def named_batch(trace: BatchTrace, vals: Sequence[Any], dims: Sequence[int | None], axis_name: Any,
                    axis_size: int, axes: tuple[int, ...] = ()) -> tuple[Any, int | None]:
        (x,), (d,) = vals, dims
        assert d is not None
        if axes:  # the reduction over an axis that was named: its axes are the example's own
            new = tuple(a + (a >= d) for a in axes)
            return bind(p, (x,), {"axis_name": axis_name, "axis_size": axis_size, "axes": new}), d - sum(
                1 for a in new if a < d)
        if trace.axis_name == axis_name:
            if positional is not None:
                # as JAX: the reduction stays this primitive (which has no derivative rule)
                return bind(p, (x,), {"axis_name": axis_name, "axis_size": axis_size, "axes": (d,)}), None
            return reduce(x, (d,)), None
        return bind(p, (x,), {"axis_name": axis_name, "axis_size": axis_size}), d

    p.impl, p.abstract_eval, p.named_batch = impl, abstract_eval, named_batch
    return p


psum_p = _reducer("psum", reduce_sum, lambda x, n: x * n)
pmax_p = _reducer("pmax", None, lambda x, n: x, lambda x, axes: np.max(x, axes))
pmin_p = _reducer("pmin", None, lambda x, n: x, lambda x, axes: np.min(x, axes))
deflinear(psum_p, lambda ct, x, **params: [bind(psum_p, (ct,), params)])
allow_complex(psum_p)


def psum(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """Sum of ``x`` over the named vmap axis (or axes), the same for every example, as
    ``jax.lax.psum`` (``x`` may be a pytree)."""
    _no_groups(axis_index_groups, "psum")

    def one(v: Any) -> Any:
        for n in _names(axis_name):
            v = bind(psum_p, (v,), {"axis_name": n, "axis_size": _frame(n)[1]})
        return v

    return tree_map(one, x)


def pmean(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """Mean of ``x`` over the named vmap axis (or axes), as ``jax.lax.pmean``."""
    _no_groups(axis_index_groups, "pmean")
    n = axis_size(axis_name)
    return tree_map(lambda v: v / n, psum(x, axis_name))


def _reduce_tree(p: Any, x: Any, axis_name: Any) -> Any:
    def one(v: Any) -> Any:
        for n in _names(axis_name):
            v = bind(p, (v,), {"axis_name": n, "axis_size": _frame(n)[1]})
        return v

    return tree_map(one, x)


def pmax(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """Maximum of ``x`` over the named vmap axis (or axes), as ``jax.lax.pmax`` (not differentiable,
    as in JAX)."""
    _no_groups(axis_index_groups, "pmax")
    return _reduce_tree(pmax_p, x, axis_name)


def pmin(x: Any, axis_name: Any, *, axis_index_groups: Any = None) -> Any:
    """Minimum of ``x`` over the named vmap axis (or axes), as ``jax.lax.pmin``."""
    _no_groups(axis_index_groups, "pmin")
    return _reduce_tree(pmin_p, x, axis_name)


# --------------------------------------------------------------------------- axis_index / axis_size


def axis_size(axis_name: Any) -> int:
    """The size of the named vmap axis (the product over a tuple of names), as ``jax.lax.axis_size``."""
    size = 1
    for n in _names(axis_name):
        size *= _frame(n)[1]
    return size


def axis_index(axis_name: Any) -> Any:
    """This example's position along the named vmap axis (int32), as ``jax.lax.axis_index``; for
    a tuple of names, the row-major position over all of them."""
    out: Any = np.int32(0)
    for n in _names(axis_name):
        _, size, trace = _frame(n)
        out = out * size + BatchTracer(trace, np.arange(size, dtype=np.int32), 0)
    return out


# --------------------------------------------------------------------------- all_gather


all_gather_p = Primitive("all_gather")


def _gather_shape(shape: tuple[int, ...], size: int, axis: int, tiled: bool) -> tuple[int, ...]:
    if tiled:
        return shape[:axis] + (shape[axis] * size,) + shape[axis + 1 :]
    return shape[:axis] + (size,) + shape[axis:]


def _all_gather_impl(x: Any, *, axis_name: Any, axis_size: int, axis: int, tiled: bool) -> np.ndarray:
    x = np.asarray(x)
    if tiled:
        return np.concatenate([x] * axis_size, axis)
    return np.ascontiguousarray(np.broadcast_to(np.expand_dims(x, axis), _gather_shape(x.shape, axis_size, axis,
                                                                                          False)))


def _all_gather_abstract_eval(x: ShapedArray, *, axis_name: Any, axis_size: int, axis: int, tiled: bool
                              ) -> ShapedArray:
    return ShapedArray(_gather_shape(x.shape, axis_size, axis, tiled), x.dtype, x.weak_type)


def _all_gather_named_batch(trace: BatchTrace, vals: Sequence[Any], dims: Sequence[int | None], *, axis_name: Any,
                            axis_size: int, axis: int, tiled: bool) -> tuple[Any, int | None]:
    (x,), (d,) = vals, dims
    if trace.axis_name == axis_name:
        out = moveaxis(x, d, axis)
        if tiled:
            s = _shape(out)
            out = reshape(out, s[:axis] + (s[axis] * s[axis + 1],) + s[axis + 2 :])
        return out, None
    params = {"axis_name": axis_name, "axis_size": axis_size, "axis": axis + 1, "tiled": tiled}
    return bind(all_gather_p, (moveaxis(x, d, 0),), params), 0


def _all_gather_transpose(ct: Any, x: Any, *, axis_name: Any, axis_size: int, axis: int, tiled: bool) -> list[Any]:
    s = _shape(ct)
    if tiled:
        ct = reshape(ct, s[:axis] + (axis_size, s[axis] // axis_size) + s[axis + 1 :])
    if not any(e[0] == axis_name for e in AXIS_ENV):
        # evaluated outside the vmap (the equation of an operand that did not vary along the
        # axis, recorded by an enclosing grad): the stack of copies, whose transpose sums them
        return [reduce_sum(ct, (axis,))]
    # per example: every example receives the whole stack, so this example's block of the
    # cotangent summed over the examples
    total = bind(psum_p, (ct,), {"axis_name": axis_name, "axis_size": axis_size})
    hot = convert_element_type(eq(axis_index(axis_name), np.arange(axis_size, dtype=np.int32)), _dtype(total))
    return [dot_general(hot, total, (((0,), (axis,)), ((), ())))]


all_gather_p.impl = _all_gather_impl
all_gather_p.abstract_eval = _all_gather_abstract_eval
all_gather_p.named_batch = _all_gather_named_batch
deflinear(all_gather_p, _all_gather_transpose)
allow_complex(all_gather_p)


def all_gather(x: Any, axis_name: Any, *, axis_index_groups: Any = None, axis: int = 0, tiled: bool = False) -> Any:
    """Every example's ``x`` stacked along a new axis ``axis`` (concatenated if ``tiled``), the same
    for every example, as ``jax.lax.all_gather``."""
    _no_groups(axis_index_groups, "all_gather")

    def one(v: Any) -> Any:
        for n in reversed(_names(axis_name)):
            nd = len(_shape(v))
            ax = axis + (nd + (not tiled)) if axis < 0 else axis
            if not 0 <= ax < nd + (not tiled):
                raise ValueError(f"all_gather: axis {axis} is out of bounds for an operand of rank {nd}")
            v = bind(all_gather_p, (v,), {"axis_name": n, "axis_size": _frame(n)[1], "axis": ax,
                                          "tiled": bool(tiled)})
        return v

    return tree_map(one, x)


# --------------------------------------------------------------------------- ppermute


ppermute_p = Primitive("ppermute")
ppermute_p.impl = lambda x, axis_name, perm: x
ppermute_p.abstract_eval = _same_aval


def _ppermute_named_batch(trace: BatchTrace, vals: Sequence[Any], dims: Sequence[int | None], *, axis_name: Any,
                          perm: tuple[tuple[int, int], ...]) -> tuple[Any, int | None]:
    (x,), (d,) = vals, dims
    if trace.axis_name != axis_name:
        return bind(ppermute_p, (x,), {"axis_name": axis_name, "perm": perm}), d
    size = trace.axis_size
    if len(perm) != size:
        raise ValueError(f"ppermute under vmap needs a permutation of the whole axis {axis_name!r} (size {size}), "
                         f"got {len(perm)} pairs: {perm}")
    src = [0] * size
    for s, t in perm:
        src[t] = s
    nd = len(_shape(x))
    parts = [index(x, (slice(None),) * d + (slice(s, s + 1),) + (slice(None),) * (nd - d - 1)) for s in src]
    return concatenate(parts, d), d


ppermute_p.named_batch = _ppermute_named_batch
deflinear(ppermute_p, lambda ct, x, axis_name, perm: [
    bind(ppermute_p, (ct,), {"axis_name": axis_name, "perm": tuple((t, s) for s, t in perm)})])
allow_complex(ppermute_p)


def ppermute(x: Any, axis_name: Any, perm: Sequence[tuple[int, int]]) -> Any:
    """Send example ``src``'s ``x`` to example ``dst`` for every ``(src, dst)`` in ``perm``, as
    ``jax.lax.ppermute`` (under vmap ``perm`` must cover the whole axis, as in JAX)."""
    pairs = tuple((int(s), int(t)) for s, t in perm)
    srcs, dsts = [s for s, _ in pairs], [t for _, t in pairs]
    if len(set(srcs)) != len(srcs) or len(set(dsts)) != len(dsts):
        raise ValueError(f"ppermute sources and destinations must be unique, got perm={perm}")
    names = _names(axis_name)
    if len(names) != 1:
        raise NotImplementedError("ppermute over several axis names is not supported")
    return tree_map(lambda v: bind(ppermute_p, (v,), {"axis_name": names[0], "perm": pairs}), x)


def parallel_primitives() -> list[Any]:
    """The collectives' primitives (their own registry: they act only under a named vmap, so the
    rule-coverage cases of the lax families do not apply; tests/test_laxconv_rules.py walks this)."""
    return [psum_p, pmax_p, pmin_p, all_gather_p, ppermute_p]
