"""Shared rule builders for the primitive families of :mod:`functrans._src.lax`.

Every family module declares its primitives with :func:`_prim` and sets all of their
rules in one place:

* ``impl``: the NumPy implementation,
* ``abstract_eval``: the shape/dtype rule,
* ``jvp``: the forward-mode rule (reverse mode is derived from it by transposition),
* ``transpose``: for primitives linear in some inputs,
* ``batch``: the vmap rule, applying the primitive once to the whole batch.

Rules are written with the families' public wrappers (``mul``, ``reduce_sum``, ...),
which call :func:`~functrans._src.core.bind`, so every rule can itself be
differentiated: that is what makes derivatives of any order work. This module holds
what the families share: the registry, shape/dtype helpers, and builders of JVP,
linear and batching rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, Tracer, bind, get_aval

_BY_NAME: dict[str, Primitive] = {}


def _prim(name: str, multiple_results: bool = False) -> Primitive:
    if name in _BY_NAME:
        raise ValueError(f"a primitive named {name!r} is already declared")
    p = Primitive(name, multiple_results)
    _BY_NAME[name] = p
    return p


def allow_complex(*prims: Primitive) -> None:
    """Mark primitives whose rules have been checked for complex operands (JAX's conventions:
    JVPs are R-linear maps of the tangent, transposes are taken under the pairing Re(a * b),
    with no conjugation). Every other primitive rejects complex operands with a TypeError."""
    for p in prims:
        p.complex_ok = True


def all_primitives() -> list[Primitive]:
    """Every primitive declared in the lax families (used by the rule-coverage test)."""
    return list(_BY_NAME.values())


# --------------------------------------------------------------------------- primitives of other families
# This module sits below every family, so the few rule builders that need another
# family's primitive (summing tangents, the transpose of broadcasting, moving an axis)
# bind it by name. Each mirrors its family's public wrapper for the arguments used here.


def _add(x: Any, y: Any) -> Any:
    return bind(_BY_NAME["add"], (x, y), {})


def _reduce_sum(x: Any, axes: tuple[int, ...]) -> Any:
    return bind(_BY_NAME["reduce_sum"], (x,), {"axes": axes, "keepdims": False})


def _reshape(x: Any, shape: tuple[int, ...]) -> Any:
    shape = tuple(int(d) for d in shape)
    return x if _is_array(x) and x.shape == shape else bind(_BY_NAME["reshape"], (x,), {"new_shape": shape})


def _broadcast_to(x: Any, shape: tuple[int, ...]) -> Any:
    return bind(_BY_NAME["broadcast_to"], (x,), {"shape": tuple(int(d) for d in shape)})


def _transpose(x: Any, perm: Sequence[int]) -> Any:
    return bind(_BY_NAME["transpose"], (x,), {"permutation": tuple(int(i) for i in perm)})


# --------------------------------------------------------------------------- shape/dtype helpers


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy broadcasting of shapes, with a fast path for equal shapes."""
    s0 = shapes[0]
    for s in shapes[1:]:
        if s != s0:
            break
    else:
        return s0
    nd = len(s0)
    for s in shapes:
        if len(s) > nd:
            nd = len(s)
    out = [1] * nd
    for s in shapes:
        off = nd - len(s)
        for i, d in enumerate(s):
            o = out[off + i]
            if d != o:
                if o == 1:
                    out[off + i] = d
                elif d != 1:
                    raise ValueError(
                        "operands could not be broadcast together with shapes "
                        + " ".join(str(tuple(s)) for s in shapes)
                    )
    return tuple(out)


_PY_ZERO = {np.dtype(bool): False, np.dtype(np.int64): 0, np.dtype(np.float64): 0.0, np.dtype(np.complex128): 0j}


_F32, _F64, _I32 = np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int32)


def inexact_dtype(dt: np.dtype) -> np.dtype:
    """The floating dtype JAX computes an integer or boolean ``dt`` in: float64 for 64-bit
    integers, float32 for narrower ones and booleans; floating and complex dtypes unchanged."""
    if dt.kind in "fc":
        return dt
    return _F64 if dt.itemsize == 8 else _F32


@lru_cache(maxsize=4096)
def _elementwise_dtype(fn: Callable[..., Any], sig: tuple[tuple[np.dtype, bool], ...]) -> np.dtype:
    # The output dtype is whatever NumPy's own function produces for these
    # input dtypes (Python scalars, flagged weak, promote as in NEP 50).
    samples = [_PY_ZERO[d] if weak else np.ones((), d) for d, weak in sig]
    with np.errstate(all="ignore"):
        return np.asarray(fn(*samples)).dtype


@lru_cache(maxsize=4096)
def _jax_elementwise_dtype(fn: Callable[..., Any], sig: tuple[tuple[np.dtype, bool], ...]) -> np.dtype:
    """:func:`_elementwise_dtype`, except where JAX differs from NumPy: a floating result of
    integer/boolean arrays only is float32 unless an integer operand is 64-bit (NumPy: float16
    for int8/bool, float64 for int32), and an integer result of booleans only is int32. The
    rule of the elementwise primitives (their impls cast such operands: :func:`jax_dtype_impl`)."""
    dt = _elementwise_dtype(fn, sig)
    if dt.kind not in "fiu":
        return dt
    strong = [d for d, weak in sig if not weak]
    if not strong or any(d.kind not in "biu" for d, _ in sig):
        return dt
    if dt.kind == "f":
        return inexact_dtype(np.result_type(*strong))
    if all(d.kind == "b" for d, _ in sig):
        return _I32
    return dt


def jax_dtype_impl(fn: Callable[..., Any], nin: int) -> Callable[..., Any]:
    """``fn`` (a NumPy function of ``nin`` arrays) as the impl of a primitive whose dtype rule is
    :func:`_elementwise_dtype`: where JAX's result dtype differs from NumPy's (integer or
    boolean operands only), the operands are cast to it first, so values are computed in that
    precision. ``fn`` itself when no such operands exist."""
    differs = False
    for d in (np.dtype(bool), np.dtype(np.int8), np.dtype(np.int32)):
        try:
            with np.errstate(all="ignore"):
                sig = ((d, False),) * nin
                differs |= _jax_elementwise_dtype(fn, sig) != _elementwise_dtype(fn, sig)
        except (TypeError, ValueError):  # not defined for these operands: NumPy's error stays
            pass
    if not differs:
        return fn

    def impl(*xs: Any, **params: Any) -> Any:
        for x in xs:
            if (type(x) is np.ndarray or isinstance(x, np.generic)) and x.dtype.kind in "biu":
                break
        else:
            return fn(*xs, **params)
        sig = tuple((x.dtype, False) if isinstance(x, np.ndarray | np.generic) else (_dtype(x), True) for x in xs)
        dt = _jax_elementwise_dtype(fn, sig)
        if dt.kind in "fc" or dt == _I32:
            xs = tuple(x.astype(dt) if isinstance(x, np.ndarray | np.generic) and x.dtype.kind in "biu" else x
                       for x in xs)  # fmt: skip
        out = fn(*xs, **params)
        return out if np.asarray(out).dtype == dt else np.asarray(out).astype(dt)

    impl.__name__ = getattr(fn, "__name__", "impl")
    impl.ufunc = fn  # type: ignore[attr-defined]  (the ufunc itself, for float operands: ufunc_of)
    return impl


def ufunc_of(impl: Any, in_avals: Sequence[Any]) -> Any:
    """The NumPy ufunc a primitive with ``impl`` computes for operands of ``in_avals``: ``impl``
    itself, or for the wrapper :func:`jax_dtype_impl` makes, its ufunc when no operand is an
    integer or boolean (where the wrapper casts first); None otherwise."""
    uf = getattr(impl, "ufunc", impl)
    if uf is not impl and any(a.dtype.kind in "biu" for a in in_avals):
        return None
    return uf if isinstance(uf, np.ufunc) else None


def _sig(avals: Sequence[ShapedArray]) -> tuple[tuple[np.dtype, bool], ...]:
    return tuple((a.dtype, a.weak_type) for a in avals)


def _shape(x: Any) -> tuple[int, ...]:
    if type(x) in _PY_DTYPES:
        return ()
    return x.shape if hasattr(x, "shape") else ()


def _is_array(x: Any) -> bool:
    """An array or a traced value (not a Python scalar, which must keep its weak type)."""
    return isinstance(x, np.ndarray | Tracer)


def _dtype(x: Any) -> np.dtype:
    d = _PY_DTYPES.get(type(x))
    if d is not None:
        return d
    return x.dtype if hasattr(x, "dtype") else get_aval(x).dtype


_PY_DTYPES = {t: get_aval(t()).dtype for t in (bool, int, float, complex)}


# --------------------------------------------------------------------------- generic rule builders


def add_tangents(a: Any, b: Any) -> Any:
    """Sum of two tangents, either possibly a symbolic zero (``None``)."""
    if a is None:
        return b
    if b is None:
        return a
    return _add(a, b)


def defjvp(prim: Primitive, *derivs: Callable[..., Any] | None) -> None:
    """Set ``prim.jvp`` from one function per input.

    ``derivs[i](g, ans, *primals, **params)`` returns the output tangent's part
    due to input ``i`` whose tangent is ``g``; ``None`` marks an input the output
    does not depend on smoothly. Parts are summed, skipping zero tangents.
    """

    if len(derivs) == 1 and derivs[0] is not None:
        d0 = derivs[0]

        def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
            ans = bind(prim, primals, params)
            return ans, d0(tangents[0], ans, *primals, **params)

    elif len(derivs) == 2 and derivs[0] is not None and derivs[1] is not None:
        d0, d1 = derivs

        def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
            ans = bind(prim, primals, params)
            g0, g1 = tangents
            if g1 is None:
                return ans, d0(g0, ans, *primals, **params)
            if g0 is None:
                return ans, d1(g1, ans, *primals, **params)
            return ans, _add(d0(g0, ans, *primals, **params), d1(g1, ans, *primals, **params))

    else:

        def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
            ans = bind(prim, primals, params)
            out = None
            for d, g in zip(derivs, tangents):
                if g is not None and d is not None:
                    out = add_tangents(out, d(g, ans, *primals, **params))
            return ans, out

    prim.jvp = rule


def defjvp_zero(prim: Primitive) -> None:
    """The output is piecewise constant (or integer): its tangent is zero."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        out = bind(prim, primals, params)
        return out, ([None] * len(out) if prim.multiple_results else None)

    prim.jvp = rule


def deflinear(prim: Primitive, transpose: Callable[..., Any]) -> None:
    """A primitive linear in all of its inputs: the JVP applies it to the tangents."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = bind(prim, primals, params)
        ts = [zeros_like_tangent(p) if t is None else t for p, t in zip(primals, tangents)]
        return ans, bind(prim, ts, params)

    prim.jvp = rule
    prim.transpose = transpose


def zeros_like_tangent(x: Any) -> np.ndarray:
    """A concrete zero array shaped like ``x`` (used where a rule needs a real operand)."""
    aval = get_aval(x)
    return np.zeros(aval.shape, aval.dtype if aval.dtype.kind in "fc" else np.float64)


def _unary(name: str, fn: Callable[..., Any]) -> Primitive:
    p = _prim(name)
    p.impl = jax_dtype_impl(fn, 1)
    cache: dict[tuple[np.dtype, bool], np.dtype] = {}

    def abstract_eval(x: ShapedArray) -> ShapedArray:
        key = (x.dtype, x.weak_type)
        dt = cache.get(key)
        if dt is None:
            dt = cache[key] = _jax_elementwise_dtype(fn, (key,))
        if x.dtype is dt and not x.weak_type:  # abstract values are never mutated: share it
            return x
        return ShapedArray(x.shape, dt)

    p.abstract_eval = abstract_eval
    p.batch = _batch_same_dim(p)
    return p


def _nary(name: str, fn: Callable[..., Any]) -> Primitive:
    p = _prim(name)
    p.impl = jax_dtype_impl(fn, 2)
    cache: dict[tuple[Any, ...], np.dtype] = {}

    def abstract_eval(*avals: ShapedArray) -> ShapedArray:
        # hot while recording reverse mode: a dict lookup per distinct dtype signature
        if len(avals) == 2:
            x, y = avals
            key: tuple[Any, ...] = (x.dtype, y.dtype, x.weak_type, y.weak_type)
            dt = cache.get(key)
            if dt is None:
                dt = cache[key] = _jax_elementwise_dtype(fn, _sig(avals))
            if x.shape == y.shape:
                # abstract values are never mutated: an operand's own serves when it is the result's
                if x.dtype is dt and not x.weak_type:
                    return x
                if y.dtype is dt and not y.weak_type:
                    return y
                return ShapedArray(x.shape, dt)
            return ShapedArray(broadcast_shapes(x.shape, y.shape), dt)
        key = tuple([a.dtype for a in avals] + [a.weak_type for a in avals])
        dt = cache.get(key)
        if dt is None:
            dt = cache[key] = _jax_elementwise_dtype(fn, _sig(avals))
        s0 = avals[0].shape
        for a in avals:
            if a.shape != s0:
                return ShapedArray(broadcast_shapes(*[a.shape for a in avals]), dt)
        return ShapedArray(s0, dt)

    p.abstract_eval = abstract_eval
    p.batch = _batch_elementwise(p)
    return p


def _un(p: Primitive) -> Callable[..., Any]:
    def f(x: Any, accuracy: Any = None) -> Any:  # accuracy: jax.lax's, accepted and ignored
        return bind(p, (x,), {})

    f.__name__ = p.name
    f.__doc__ = f"Elementwise ``{p.name}`` (primitive)."
    return f


def unbroadcast(x: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``x`` down to ``shape``: the transpose of NumPy broadcasting."""
    xshape = _shape(x)
    if xshape == shape:
        return x
    lead = len(xshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape) if d == 1 and xshape[i + lead] != 1)
    if axes:
        x = _reduce_sum(x, axes)
    if _shape(x) != shape:
        x = _reshape(x, shape)
    return x


def _bcast(g: Any, shape: tuple[int, ...]) -> Any:
    return g if _shape(g) == shape else _broadcast_to(g, shape)


# --------------------------------------------------------------------------- batching rule builders
# A batching rule maps (vals, dims, **params) to (out, out_dim), where dims[i] is the batch
# axis of vals[i] or None (see functrans._src.batching). Rules apply the primitive once to
# the whole batch; they insert size-1 axes (cheap views) rather than move data where they can.


def moveaxis(x: Any, src: int, dst: int) -> Any:
    """Move axis ``src`` of ``x`` to position ``dst`` (a transpose; nothing if equal)."""
    if src == dst:
        return x
    perm = [i for i in range(len(_shape(x))) if i != src]
    perm.insert(dst, src)
    return _transpose(x, perm)


def _batch_same_dim(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """For primitives acting on each element of one operand: the batch axis stays put."""

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        return bind(prim, vals, params), dims[0]

    return rule


def _batch_elementwise(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """For broadcasting elementwise primitives.

    The result's batch axis goes where the first batched operand has it (after
    NumPy's left-padding to the common rank); other batched operands are moved
    there, and unbatched ones get a size-1 axis at that position if their own
    axes reach past it.
    """

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        if len(vals) == 2:  # fast paths: nothing to move
            (x, y), (dx, dy) = vals, dims
            if dy is None:
                ny = len(_shape(y))
                if ny == 0 or (dx == 0 and len(_shape(x)) > ny):
                    return bind(prim, vals, params), dx
            elif dx is None:
                nx = len(_shape(x))
                if nx == 0 or (dy == 0 and len(_shape(y)) > nx):
                    return bind(prim, vals, params), dy
            elif dx == dy and len(_shape(x)) == len(_shape(y)):
                return bind(prim, vals, params), dx
        shapes = [_shape(v) for v in vals]
        ranks = [len(s) - (d is not None) for s, d in zip(shapes, dims)]
        rank = max(ranks)
        pos = next(d + rank - r for r, d in zip(ranks, dims) if d is not None)
        new = []
        for v, s, r, d in zip(vals, shapes, ranks, dims):
            if d is None:
                k = pos - (rank - r)  # where the batch axis falls among v's own axes
                if k > 0:
                    v = _reshape(v, s[:k] + (1,) + s[k:])
            else:
                k = max(0, min(r, pos - (rank - r)))  # how many of v's own axes precede the batch axis
                v = moveaxis(v, d, k)
                if r < rank:  # pad with size-1 axes so its own axes stay aligned to the right
                    s = _shape(v)
                    v = _reshape(v, (1,) * (pos - k) + s[: k + 1] + (1,) * (rank - r - pos + k) + s[k + 1 :])
            new.append(v)
        return bind(prim, new, params), pos

    return rule

