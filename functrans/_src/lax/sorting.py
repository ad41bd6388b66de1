"""Sorting and searching: ``sort`` (several operands sorted by the first ``num_keys``),
``argmax``/``argmin`` and ``searchsorted``; ``top_k`` and ``argsort`` are built on ``sort``.

``sort`` is stable and puts NaNs last (as NumPy and JAX). It is linear in its non-key
operands, which are only permuted: the JVP sorts the tangents with the primal keys, and
the transpose undoes the permutation by sorting the cotangents by the permutation itself.
So every derivative of a sort is itself a sort, and ties go where the stable order puts
them (as JAX). ``argmax``, ``argmin`` and ``searchsorted`` have integer results and zero
derivatives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind, get_aval, is_undefined
from functrans._src.lax.comparisons import eq, logical_and, logical_not, stop_gradient
from functrans._src.lax.elementwise import neg
from functrans._src.lax.elementwise_extra import signbit
from functrans._src.lax.rules import _dtype, _prim, _shape, allow_complex, defjvp_zero, moveaxis
from functrans._src.lax.shape import broadcast_to, reshape
from functrans._src.lax.slicing import index

__all__ = [
    "sort", "argsort", "top_k", "argmax", "argmin", "searchsorted", "iota_along",
    "sort_p", "argmax_p", "argmin_p", "searchsorted_p",
]  # fmt: skip

# --------------------------------------------------------------------------- sort

sort_p = _prim("sort", multiple_results=True)


def _sort_impl(*operands: Any, dimension: int, is_stable: bool, num_keys: int) -> list[np.ndarray]:
    ops = [np.asarray(o) for o in operands]
    if num_keys == 1:
        perm = np.argsort(ops[0], axis=dimension, kind="stable")
    else:  # lexsort's primary key is its last
        keys = [np.moveaxis(k, dimension, -1) for k in ops[:num_keys]]
        perm = np.moveaxis(np.lexsort(keys[::-1], axis=-1), -1, dimension)
    return [np.take_along_axis(o, perm, axis=dimension) for o in ops]


def _sort_abstract_eval(*avals: ShapedArray, dimension: int, is_stable: bool, num_keys: int) -> list[ShapedArray]:
    shape = avals[0].shape
    for a in avals:
        if a.shape != shape:
            raise ValueError(
                f"sort: all operands must have the same shape, got {', '.join(str(b.shape) for b in avals)}"
            )
    if not 0 <= dimension < len(shape):
        raise ValueError(f"sort: dimension {dimension} is out of bounds for an array of dimension {len(shape)}")
    if not 1 <= num_keys <= len(avals):
        raise ValueError(f"sort: num_keys={num_keys} must be between 1 and the number of operands {len(avals)}")
    return [ShapedArray(a.shape, a.dtype) for a in avals]


sort_p.impl = _sort_impl
sort_p.abstract_eval = _sort_abstract_eval


def sort(operand: Any, dimension: int = -1, is_stable: bool = True, num_keys: int = 1) -> Any:
    """Sort along ``dimension`` (stable, NaNs last).

    ``operand`` is one array, or a sequence of arrays of one shape: then all are permuted
    by the lexicographic order of the first ``num_keys`` of them, and a list is returned.
    """
    single = not isinstance(operand, list | tuple)
    ops = [operand] if single else list(operand)
    nd = len(_shape(ops[0]))
    if not -nd <= dimension < nd:
        raise np.exceptions.AxisError(f"sort: dimension {dimension} is out of bounds for array of dimension {nd}")
    params = {"dimension": dimension % nd, "is_stable": bool(is_stable), "num_keys": int(num_keys)}
    out = bind(sort_p, ops, params)
    return out[0] if single else out


def iota_along(shape: tuple[int, ...], dimension: int) -> np.ndarray:
    """0, 1, ..., n-1 along ``dimension``, broadcast to ``shape`` (int64)."""
    n = shape[dimension]
    return np.broadcast_to(np.arange(n).reshape((n,) + (1,) * (len(shape) - dimension - 1)), shape)


def _sort_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], dimension: int, is_stable: bool, num_keys: int
) -> tuple[list[Any], list[Any]]:
    params = {"dimension": dimension, "is_stable": is_stable, "num_keys": num_keys}
    out = bind(sort_p, primals, params)
    which = [i for i, t in enumerate(tangents) if t is not None]
    touts: list[Any] = [None] * len(primals)
    if which:
        sorted_ts = bind(sort_p, list(primals[:num_keys]) + [tangents[i] for i in which], params)[num_keys:]
        for i, t in zip(which, sorted_ts):
            touts[i] = t
    return out, touts


def _sort_transpose(cts: Sequence[Any], *operands: Any, dimension: int, is_stable: bool, num_keys: int) -> list[Any]:
    keys = operands[:num_keys]
    if any(is_undefined(k) for k in keys):
        raise NotImplementedError("sort is linear only in its non-key operands")
    params = {"dimension": dimension, "is_stable": is_stable, "num_keys": num_keys}
    shape = _shape(keys[0])
    perm = bind(sort_p, list(keys) + [iota_along(shape, dimension)], params)[-1]
    which = [i for i, (o, c) in enumerate(zip(operands, cts)) if is_undefined(o) and c is not None]
    out: list[Any] = [None] * len(operands)
    if which:
        inv = {"dimension": dimension, "is_stable": True, "num_keys": 1}
        # element k of the result came from position perm[k]: sorting by perm sends it back
        back = bind(sort_p, [perm] + [cts[i] for i in which], inv)[1:]
        for i, c in zip(which, back):
            out[i] = c
    return out


def _sort_batch(
    vals: Sequence[Any], dims: Sequence[Any], dimension: int, is_stable: bool, num_keys: int
) -> tuple[list[Any], list[int]]:
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    moved = []
    for v, d in zip(vals, dims):
        if d is None:
            s = _shape(v)
            moved.append(broadcast_to(reshape(v, (1,) + s), (size,) + s))
        else:
            moved.append(moveaxis(v, d, 0))
    params = {"dimension": dimension + 1, "is_stable": is_stable, "num_keys": num_keys}
    return bind(sort_p, moved, params), [0] * len(vals)


sort_p.jvp, sort_p.transpose, sort_p.batch = _sort_jvp, _sort_transpose, _sort_batch


def _descending(operand: Any, others: list[Any], dimension: int) -> list[Any]:
    """``others`` sorted by ``operand`` in decreasing order along ``dimension``, as JAX: the
    ascending stable sort of the reversed order, reversed (NaNs first, equal entries in
    their original order). No negation, so bool, unsigned and the most negative integer
    sort correctly."""
    shape = _shape(operand)
    iota = iota_along(shape, dimension)
    out = sort([operand, neg(iota)] + others, dimension, num_keys=2)[2:]
    rev = (slice(None),) * dimension + (slice(None, None, -1),)
    return [index(o, rev) for o in out]


def argsort(operand: Any, dimension: int = -1, descending: bool = False) -> Any:
    """Indices that sort ``operand`` along ``dimension`` (stable; int64). Descending: NaNs
    first and equal elements in their original order, as JAX."""
    nd = len(_shape(operand))
    if not -nd <= dimension < nd:
        raise np.exceptions.AxisError(f"argsort: axis {dimension} is out of bounds for array of dimension {nd}")
    dimension %= nd
    iota = iota_along(_shape(operand), dimension)
    if descending:
        return _descending(operand, [iota], dimension)[0]
    return sort([operand, iota], dimension, num_keys=1)[1]


def top_k(operand: Any, k: int, *, axis: int = -1) -> list[Any]:
    """The ``k`` largest entries along ``axis`` (the last by default), in decreasing order, and
    their indices (int32), as a list ``[values, indices]`` as JAX; NaN ranks above ``inf`` and
    ``+0`` above ``-0``, and among equal entries the lower index comes first."""
    shape = _shape(operand)
    if not shape:
        raise ValueError("top_k: the operand must have at least one dimension")
    nd = len(shape)
    if not -nd <= int(axis) < nd:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {nd}")
    axis = int(axis) % nd
    if axis != nd - 1:
        vals, idx = top_k(moveaxis(operand, axis, nd - 1), k)
        return [moveaxis(vals, nd - 1, axis), moveaxis(idx, nd - 1, axis)]
    n = shape[-1]
    k = int(k)
    if not 0 <= k <= n:
        raise ValueError(f"top_k: k={k} must be between 0 and the size of the last axis, {n}")
    dim = len(shape) - 1
    # JAX's total order: NaN above +inf, +0 above -0; equal entries keep the lower index first.
    # Sort ascending by (value, [not signbit], -index) and read the result backwards: no
    # negation of the values, which would wrap for unsigned and the minimum signed integer.
    iota = iota_along(shape, dim).astype(np.int32)
    key = stop_gradient(operand)
    keys = [key]
    if _dtype(operand).kind == "f":
        keys.append(logical_not(logical_and(signbit(key), eq(key, key))))
    out = sort([*keys, neg(iota), operand, iota], dim, num_keys=len(keys) + 1)
    head = (slice(None),) * dim + (slice(None, None, -1),)
    first = (slice(None),) * dim + (slice(0, k),)
    return [index(index(out[-2], head), first), index(index(out[-1], head), first)]


# --------------------------------------------------------------------------- argmax, argmin

argmax_p = _prim("argmax")
argmin_p = _prim("argmin")


def _arg_impl(fn: Any) -> Any:
    def impl(x: Any, axis: int, index_dtype: np.dtype) -> np.ndarray:
        return np.asarray(fn(x, axis=axis)).astype(index_dtype)

    return impl


def _arg_abstract_eval(x: ShapedArray, axis: int, index_dtype: np.dtype) -> ShapedArray:
    if not 0 <= axis < x.ndim:
        raise ValueError(f"argmax/argmin: axis {axis} is out of bounds for an array of dimension {x.ndim}")
    if x.shape[axis] == 0:
        raise ValueError("attempt to get argmax/argmin of an empty sequence")
    return ShapedArray(x.shape[:axis] + x.shape[axis + 1 :], np.dtype(index_dtype))


def _arg_batch(p: Any) -> Any:
    def rule(vals: Sequence[Any], dims: Sequence[Any], axis: int, index_dtype: np.dtype) -> tuple[Any, int]:
        (x,), (d,) = vals, dims
        new_axis = axis + (d <= axis)
        return bind(p, (x,), {"axis": new_axis, "index_dtype": index_dtype}), d - (axis < d)

    return rule


for _p, _fn in ((argmax_p, np.argmax), (argmin_p, np.argmin)):
    _p.impl = _arg_impl(_fn)
    _p.abstract_eval = _arg_abstract_eval
    _p.batch = _arg_batch(_p)
    defjvp_zero(_p)


def _no_complex_arg(operand: Any, name: str) -> None:
    dt = _dtype(operand)
    if dt.kind == "c":  # as JAX (TypeError); NumPy would order lexicographically
        raise TypeError(
            f"{name} does not accept complex values (got dtype {dt}), as in JAX: take it of the real part, "
            "the imaginary part or the absolute value"
        )


def argmax(operand: Any, axis: int, index_dtype: Any = np.int64) -> Any:
    """Index of the maximum along ``axis`` (the first one among ties and NaNs, as NumPy)."""
    _no_complex_arg(operand, "argmax")
    return bind(argmax_p, (operand,), {"axis": int(axis), "index_dtype": np.dtype(index_dtype)})


def argmin(operand: Any, axis: int, index_dtype: Any = np.int64) -> Any:
    """Index of the minimum along ``axis`` (the first one among ties and NaNs, as NumPy)."""
    _no_complex_arg(operand, "argmin")
    return bind(argmin_p, (operand,), {"axis": int(axis), "index_dtype": np.dtype(index_dtype)})


# --------------------------------------------------------------------------- searchsorted

searchsorted_p = _prim("searchsorted")


def _searchsorted_impl(a: Any, v: Any, side: str, batch_dims: int = 0) -> np.ndarray:
    a, v = np.asarray(a), np.asarray(v)
    if batch_dims == 0:
        return np.asarray(np.searchsorted(a, v, side=side), dtype=np.int64)
    # one search per leading index (a loop of NumPy searches, each O(m log n))
    lead = a.shape[:batch_dims]
    a2 = a.reshape((-1, a.shape[-1]))
    v2 = v.reshape((a2.shape[0], -1))
    out = np.empty(v2.shape, np.int64)
    for i in range(a2.shape[0]):
        out[i] = np.searchsorted(a2[i], v2[i], side=side)
    return out.reshape(lead + v.shape[batch_dims:])


def _searchsorted_abstract_eval(a: ShapedArray, v: ShapedArray, side: str, batch_dims: int = 0) -> ShapedArray:
    if a.ndim != batch_dims + 1:
        raise ValueError(f"searchsorted: the sorted array must be one-dimensional, got shape {a.shape[batch_dims:]}")
    if v.shape[:batch_dims] != a.shape[:batch_dims]:
        raise ValueError(f"searchsorted: leading dimensions differ: {a.shape} and {v.shape}")
    return ShapedArray(v.shape, np.dtype(np.int64))


searchsorted_p.impl = _searchsorted_impl
searchsorted_p.abstract_eval = _searchsorted_abstract_eval
defjvp_zero(searchsorted_p)


def _lead(x: Any, d: int | None, size: int) -> Any:
    if d is None:
        s = _shape(x)
        return broadcast_to(reshape(x, (1,) + s), (size,) + s)
    return moveaxis(x, d, 0)


def _searchsorted_batch(vals: Sequence[Any], dims: Sequence[Any], side: str, batch_dims: int = 0) -> tuple[Any, Any]:
    (a, v), (da, dv) = vals, dims
    if da is None and batch_dims == 0:  # one sorted array for every example: a single search
        return bind(searchsorted_p, (a, v), {"side": side, "batch_dims": 0}), dv
    size = _shape(a)[da] if da is not None else _shape(v)[dv]
    params = {"side": side, "batch_dims": batch_dims + 1}
    return bind(searchsorted_p, (_lead(a, da, size), _lead(v, dv, size)), params), 0


searchsorted_p.batch = _searchsorted_batch


def searchsorted(a: Any, v: Any, side: str = "left") -> Any:
    """Indices where ``v`` would be inserted into the sorted 1-d ``a`` to keep it sorted (int64)."""
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    if len(get_aval(a).shape) != 1:
        raise ValueError(f"searchsorted: a must be one-dimensional, got shape {get_aval(a).shape}")
    return bind(searchsorted_p, (a, v), {"side": side, "batch_dims": 0})

# complex operands: sort (lexicographic: real part, then imaginary, as NumPy and JAX; its JVP and
# transpose only permute) and searchsorted (an integer result). argmax/argmin reject complex
# operands, as JAX does (TypeError).
allow_complex(sort_p, searchsorted_p)
