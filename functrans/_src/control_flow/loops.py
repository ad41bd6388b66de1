"""Loops on traced values, as in ``jax.lax``: ``scan``, ``fori_loop``, ``while_loop``, ``map``.

The loop body is traced once to a program (see :mod:`.common`) and bound as a
higher-order primitive (:mod:`.scan`, :mod:`.while_loop`), so loops compose with grad,
vmap and jit, and a jitted loop of ``T`` steps holds one copy of the body, not ``T``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src.control_flow.common import check_carry, first_arg_name, trace_fun, type_str
from functrans._src.control_flow.scan import _params as _scan_params
from functrans._src.control_flow.scan import scan_p
from functrans._src.control_flow.while_loop import _params as _while_params
from functrans._src.control_flow.while_loop import while_p
from functrans._src.core import ShapedArray, Tracer, bind, get_aval
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

__all__ = ["fori_loop", "map", "scan", "while_loop"]


def _leaf_aval(x: Any, what: str) -> ShapedArray:
    try:
        return get_aval(x)
    except TypeError:
        raise TypeError(f"{what}: leaves must be arrays or scalars, got a value of type {type(x).__name__}") from None


def _promote_weak(init: list[Any], in_avals: list[ShapedArray], out_avals: list[ShapedArray]) -> list[Any] | None:
    """As JAX: a weakly typed initial carry leaf (a Python scalar) whose step output has another
    dtype takes that dtype. Returns the converted leaves, or None if nothing changes."""
    from functrans._src.lax import convert_element_type

    changed = False
    new = []
    for x, a, b in zip(init, in_avals, out_avals):
        if a.weak_type and a.shape == b.shape and a.dtype != b.dtype:
            x = convert_element_type(x, b.dtype) if isinstance(x, Tracer) else np.asarray(x, b.dtype)
            changed = True
        new.append(x)
    return new if changed else None


def _check_pair(out: Any) -> tuple[Any, Any]:
    if not isinstance(out, tuple | list) or len(out) != 2:
        desc = f"a {type(out).__name__} of length {len(out)}" if isinstance(out, tuple | list) else type(out).__name__
        raise TypeError(f"scan body output must be a pair (carry, y), got {desc}.")
    return out[0], out[1]


def scan(
    f: Callable[[Any, Any], tuple[Any, Any]],
    init: Any,
    xs: Any = None,
    length: int | None = None,
    reverse: bool = False,
    unroll: int | bool = 1,
    *,
    _root: str | None = None,
) -> tuple[Any, Any]:
    """Loop ``f`` over the leading axis of ``xs``, carrying state, as ``jax.lax.scan``::

        def scan(f, init, xs, length=None):
            carry, ys = init, []
            for x in xs:
                carry, y = f(carry, x)
                ys.append(y)
            return carry, stack(ys)

    ``init``, ``xs`` and the outputs are pytrees; ``xs=None`` with ``length`` scans over
    nothing; ``reverse=True`` runs from the last element to the first (``ys`` stay in
    order). ``f`` is traced once (under ``functrans.disable_jit()`` it is called step by step
    on values instead, for debugging). The carry must keep its structure, shapes and dtypes
    (else a TypeError names the leaf). Differentiable in both modes (reverse mode stores
    one set of residuals per step and runs a reversed scan), batched by vmap, compiled by
    jit. ``unroll`` is accepted for compatibility and has no effect on the results.
    """
    if not callable(f):
        raise TypeError(f"scan: f must be callable, got {type(f).__name__}")
    if isinstance(unroll, bool):
        unroll = 1 if not unroll else max(int(length or 1), 1)
    if not isinstance(unroll, int | np.integer) or unroll < 0:
        raise TypeError(f"scan: unroll must be a non-negative int or a bool, got {unroll!r}")
    xs_flat, xs_tree = tree_flatten(xs)
    x_avals_full = [_leaf_aval(x, "scan xs") for x in xs_flat]
    for x, a in zip(xs_flat, x_avals_full):
        if a.ndim == 0:
            raise ValueError(f"scan got value with no leading axis to scan over: {x!r}.")
    lengths = [a.shape[0] for a in x_avals_full]
    if length is not None:
        try:
            length = int(length)
        except TypeError:
            raise TypeError("scan: length must be a concrete int (it fixes the number of steps)") from None
        if any(n != length for n in lengths) or length < 0:
            raise ValueError(
                f"scan got `length` argument of {length} which disagrees with leading axis sizes {lengths}."
            )
    elif not lengths:
        raise ValueError("scan got no values to scan over and `length` not provided.")
    elif len(set(lengths)) > 1:
        raise ValueError(f"scan got values with different leading axis sizes: {', '.join(str(n) for n in lengths)}.")
    else:
        length = lengths[0]
    if _jit_disabled() and length > 0:
        return _scan_eagerly(f, init, xs, length, bool(reverse))
    init_flat, init_tree = tree_flatten(init)
    in_avals = [_leaf_aval(c, "scan init") for c in init_flat]
    x_avals = [ShapedArray(a.shape[1:], a.dtype) for a in x_avals_full]
    root = _root or first_arg_name(f, "carry")
    ncar = len(init_flat)
    y_tree_box: list[PyTreeDef] = []

    def step(carry: Any, x: Any) -> Any:
        c, y = _check_pair(f(carry, x))
        y_flat, y_tree = tree_flatten(y)
        y_tree_box.append(y_tree)
        return c, y_flat

    pair_tree = tree_flatten((tree_unflatten(init_tree, [0] * ncar), tree_unflatten(xs_tree, [0] * len(xs_flat))))[1]
    for attempt in range(2):
        body, consts, out_tree, out_avals = trace_fun(step, pair_tree, in_avals + x_avals)
        carry_tree = _carry_tree(out_tree)
        promoted = (
            _promote_weak(init_flat, in_avals, out_avals[:ncar]) if attempt == 0 and carry_tree == init_tree else None
        )
        if promoted is None:
            check_carry("scan body function", root, init_tree, in_avals, carry_tree, out_avals[:ncar])
            break
        init_flat = promoted
        in_avals = [get_aval(c) for c in init_flat]
    outs = bind(
        scan_p,
        [*consts, *init_flat, *xs_flat],
        _scan_params(body, len(consts), ncar, length, bool(reverse), int(unroll)),
    )
    return tree_unflatten(init_tree, outs[:ncar]), tree_unflatten(y_tree_box[-1], outs[ncar:])


def _jit_disabled() -> bool:
    from functrans._src.jit import jit_is_disabled

    return jit_is_disabled()


def _scan_eagerly(f: Callable[[Any, Any], Any], init: Any, xs: Any, length: int, reverse: bool) -> tuple[Any, Any]:
    """Under ``functrans.disable_jit()``: a Python loop calling ``f`` on values, as JAX does."""
    from functrans._src.lax import index
    from functrans._src.numpy.lax_numpy import stack
    from functrans._src.tree_util import tree_map

    carry, ys = init, []
    for i in range(length - 1, -1, -1) if reverse else range(length):
        carry, y = _check_pair(f(carry, tree_map(lambda a, i=i: index(a, (i,)), xs)))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, tree_map(lambda *leaves: stack(leaves), ys[0], *ys[1:])


def _carry_tree(out_tree: PyTreeDef) -> PyTreeDef:
    """The carry's structure, from the structure of ``(carry, [y leaves])``."""
    from functrans._src import tree_util as tu

    return out_tree._children[0] if out_tree._kind == tu._TUPLE else out_tree


def while_loop(cond_fun: Callable[[Any], Any], body_fun: Callable[[Any], Any], init_val: Any) -> Any:
    """``while cond_fun(val): val = body_fun(val)``, for traced values, as ``jax.lax.while_loop``.

    ``cond_fun`` returns a boolean scalar; ``body_fun`` returns a value of the same structure,
    shapes and dtypes as ``init_val``. Forward-mode differentiable (jvp, jacfwd), including
    trip counts that depend on the values; reverse mode raises a ValueError (use ``scan`` or
    ``fori_loop`` with static bounds). Under vmap with a predicate that differs between
    examples the loop runs until every example is done; finished examples keep their values.
    """
    if not (callable(cond_fun) and callable(body_fun)):
        raise TypeError("while_loop: cond_fun and body_fun must be callable")
    if _jit_disabled():
        from functrans._src.core import ConcretizationTypeError

        try:  # a Python loop, as JAX; under vmap the predicate has no single value: fall back
            val = init_val
            while cond_fun(val):
                val = body_fun(val)
            return val
        except ConcretizationTypeError:
            pass
    init_flat, init_tree = tree_flatten(init_val)
    in_avals = [_leaf_aval(c, "while_loop init_val") for c in init_flat]
    root = first_arg_name(body_fun, "val")
    in_tree_node = tree_flatten((tree_unflatten(init_tree, [0] * len(init_flat)),))[1]
    for attempt in range(2):
        cond_ir, cconsts, c_tree, c_avals = trace_fun(cond_fun, in_tree_node, in_avals)
        if len(c_avals) != 1 or c_avals[0].shape != () or c_avals[0].dtype != np.dtype(bool):
            raise TypeError(
                "cond_fun must return a boolean scalar, but got output type(s) "
                f"[{', '.join(type_str(a) for a in c_avals)}]."
            )
        body_ir, bconsts, b_tree, b_avals = trace_fun(body_fun, in_tree_node, in_avals)
        promoted = _promote_weak(init_flat, in_avals, b_avals) if attempt == 0 and b_tree == init_tree else None
        if promoted is None:
            check_carry("while_loop body function", root, init_tree, in_avals, b_tree, b_avals)
            break
        init_flat = promoted
        in_avals = [get_aval(c) for c in init_flat]
    outs = bind(while_p, [*cconsts, *bconsts, *init_flat], _while_params(cond_ir, body_ir, len(cconsts), len(bconsts)))
    return tree_unflatten(init_tree, outs)


def fori_loop(lower: Any, upper: Any, body_fun: Callable[[Any, Any], Any], init_val: Any, *, unroll: Any = None) -> Any:
    """``for i in range(lower, upper): val = body_fun(i, val)``, as ``jax.lax.fori_loop``.

    With concrete bounds (Python or NumPy integers) this is a ``scan`` of ``upper - lower``
    steps, differentiable in both modes; with traced bounds a ``while_loop`` (forward mode
    only). With concrete bounds ``i`` is a weakly typed default integer (as JAX, whatever the
    bounds' dtype); with traced bounds it has their integer dtype.
    """
    if not callable(body_fun):
        raise TypeError("fori_loop: body_fun must be callable")
    la, ua = get_aval(lower), get_aval(upper)
    concrete = not isinstance(lower, Tracer) and not isinstance(upper, Tracer)
    # as JAX: equal dtypes (any, when the bounds are concrete), or a weak (Python) integer bound
    # taking the other's integer type
    if not (la.dtype == ua.dtype and (concrete or la.dtype.kind in "iu")) and not (
        la.dtype.kind in "iu" and ua.dtype.kind in "iu" and la.weak_type != ua.weak_type
    ):
        raise TypeError(
            f"lower and upper arguments to fori_loop must have equal types, got {la.dtype.name} and {ua.dtype.name}"
        )
    if la.shape != () or ua.shape != ():
        raise TypeError(f"fori_loop: lower and upper must be scalars, got shapes {la.shape} and {ua.shape}")
    dtype = _bound_dtype(la, ua)
    if concrete:
        # as JAX: concrete bounds become Python ints, so ``i`` is a weakly typed default int
        lo, hi = int(lower), int(upper)

        def step(carry: Any, _: Any) -> Any:
            i, x = carry
            return (i + 1, body_fun(i, x)), None

        init = (lo, init_val)
        (_, out), _ = scan(
            step, init, None, max(hi - lo, 0), unroll=1 if unroll is None else unroll, _root="loop_carry"
        )
        return out
    from functrans._src.lax import convert_element_type, lt

    lo_t = convert_element_type(lower, dtype) if get_aval(lower).dtype != dtype else lower
    hi_t = convert_element_type(upper, dtype) if get_aval(upper).dtype != dtype else upper
    if not isinstance(lo_t, Tracer):
        lo_t = np.asarray(lo_t, dtype)

    def cond(loop_carry: Any) -> Any:
        return lt(loop_carry[0], hi_t)

    def body(loop_carry: Any) -> Any:
        i, x = loop_carry
        return (i + np.asarray(1, dtype), body_fun(i, x))

    return while_loop(cond, body, (lo_t, init_val))[1]


def _bound_dtype(la: ShapedArray, ua: ShapedArray) -> np.dtype:
    if la.weak_type and not ua.weak_type:
        return ua.dtype
    if ua.weak_type and not la.weak_type:
        return la.dtype
    return np.result_type(la.dtype, ua.dtype)


def map(f: Callable[[Any], Any], xs: Any, *, batch_size: int | None = None) -> Any:  # noqa: A001
    """``stack([f(x) for x in xs])`` over the leading axis of the pytree ``xs``, as
    ``jax.lax.map`` (a scan with no carry). With ``batch_size``, ``f`` is vmapped over
    chunks of that many elements (the remainder in one more vmapped call)."""
    if not callable(f):
        raise TypeError("map: f must be callable")
    if batch_size is None:
        return scan(lambda _, x: ((), f(x)), (), xs)[1]
    from functrans._src.api import vmap
    from functrans._src.lax import concatenate, index, reshape

    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"map: batch_size must be a positive int, got {batch_size!r}")
    leaves, tree = tree_flatten(xs)
    n = get_aval(leaves[0]).shape[0] if leaves else 0
    nb, rem = divmod(n, batch_size)
    main = [reshape(index(x, (slice(0, nb * batch_size),)), (nb, batch_size) + get_aval(x).shape[1:]) for x in leaves]
    ys = scan(lambda _, x: ((), vmap(f)(x)), (), tree_unflatten(tree, main))[1]
    y_leaves, y_tree = tree_flatten(ys)
    y_leaves = [reshape(y, (nb * batch_size,) + get_aval(y).shape[2:]) for y in y_leaves]
    if rem:
        rest = vmap(f)(tree_unflatten(tree, [index(x, (slice(nb * batch_size, n),)) for x in leaves]))
        r_leaves = tree_flatten(rest)[0]
        y_leaves = [concatenate([a, b], 0) for a, b in zip(y_leaves, r_leaves)]
    return tree_unflatten(y_tree, y_leaves)
