"""``jax.lax``'s dynamic slicing names, composed from ``index``/``index_put`` (static starts)
and ``gather``/``scatter`` (traced starts), so their derivatives and batching rules come from
those primitives: ``dynamic_slice``, ``dynamic_update_slice`` and their ``*_in_dim`` /
``*_index_in_dim`` forms, ``slice_in_dim``, ``index_in_dim``, ``index_take``.

As in JAX, a negative start counts from the end (``allow_negative_indices=True``), and every
start is then clamped so that the whole slice fits in the operand (``dynamic_slice(x, (-1,),
(2,))`` of a length-5 ``x`` reads ``x[3:5]``). Concrete starts (Python or NumPy integers) take
a static slice; traced starts (under ``jit``/``vmap``, or a traced value) build the index grid
``start + iota`` and ``gather`` it (its transpose is ``scatter_add``).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import Tracer, bind
from functrans._src.lax.comparisons import convert_element_type, lt, select
from functrans._src.lax.construction import broadcasted_iota, operator_index
from functrans._src.lax.elementwise import add, maximum, minimum
from functrans._src.lax.gather import gather, scatter
from functrans._src.lax.rules import _dtype, _shape
from functrans._src.lax.shape import broadcast_to, reshape
from functrans._src.lax.slicing import index, index_put_p, normalize_index

__all__ = ["dynamic_slice", "dynamic_update_slice", "dynamic_slice_in_dim", "dynamic_update_slice_in_dim",
           "dynamic_index_in_dim", "dynamic_update_index_in_dim", "index_in_dim", "slice_in_dim",
           "index_take"]


def _start_list(operand_shape: tuple[int, ...], start_indices: Any, what: str) -> list[Any]:
    if isinstance(start_indices, np.ndarray | Tracer) and not isinstance(start_indices, list | tuple):
        if len(_shape(start_indices)) != 1:
            raise ValueError(f"Slice indices must be a 1D sequence, got {_shape(start_indices)}")
        n = _shape(start_indices)[0]
        starts = [index(start_indices, i) for i in range(n)]
    else:
        starts = list(start_indices)
    if len(starts) != len(operand_shape):
        raise ValueError(f"Length of slice indices must match number of operand dimensions "
                         f"({len(starts)} vs {operand_shape})")
    dts = set()
    for s in starts:
        if _shape(s) != ():
            raise TypeError(f"{what}: each start index must be a scalar, got shape {_shape(s)}")
        dt = _dtype(s)
        if dt.kind not in "iu":
            raise TypeError(f"index arguments to {what} must be integers, got {dt}")
        dts.add(dt)
    if len(dts) > 1:
        raise TypeError(f"index arguments to {what} must be integers of the same type, got: "
                        + ", ".join(str(_dtype(s)) for s in starts))
    return starts


def _negatives(starts: list[Any], allow: bool | Sequence[bool]) -> list[bool]:
    return [bool(allow)] * len(starts) if isinstance(allow, bool | np.bool_) else [bool(a) for a in allow]


def _static_starts(shape: tuple[int, ...], starts: list[Any], sizes: tuple[int, ...],
                   allow: list[bool]) -> list[int] | None:
    """The clamped starts as Python ints when all are concrete, else None."""
    if any(isinstance(s, Tracer) for s in starts):
        return None
    out = []
    for s, n, k, neg in zip(starts, shape, sizes, allow):
        v = int(np.asarray(s))
        if v < 0:
            if not neg and _dtype(s).kind == "i":
                raise ValueError(f"Index {v} is out of bounds for dimension {n} if allow_negative_indices=False")
            if _dtype(s).kind == "i":
                v += n
        out.append(builtins.min(builtins.max(v, 0), n - k))
    return out


def _traced_grid(shape: tuple[int, ...], starts: list[Any], sizes: tuple[int, ...],
                 allow: list[bool]) -> list[Any]:
    """Index arrays of shape ``sizes``: the clamped start plus the position along each axis."""
    grid = []
    for k, (s, n, size, neg) in enumerate(zip(starts, shape, sizes, allow)):
        dt = _dtype(s)
        if type(s) is int:
            s = np.int64(s)
        if neg and dt.kind == "i":
            s = select(lt(s, np.zeros((), dt)), add(s, np.asarray(n, dt)), s)
        s = minimum(maximum(s, np.zeros((), dt)), np.asarray(builtins.max(n - size, 0), dt))
        s = convert_element_type(s, np.int64) if dt != np.int64 else s
        grid.append(add(broadcast_to(s, sizes), broadcasted_iota(np.int64, sizes, k)))
    return grid


def dynamic_slice(operand: Any, start_indices: Any, slice_sizes: Sequence[int], *,
                  allow_negative_indices: bool | Sequence[bool] = True) -> Any:
    """The block of ``operand`` of shape ``slice_sizes`` starting at ``start_indices`` (scalars, traced
    or not); starts are clamped so the block fits, as ``jax.lax.dynamic_slice``."""
    shape = tuple(_shape(operand))
    starts = _start_list(shape, start_indices, "dynamic_slice")
    sizes = tuple(operator_index(k) for k in slice_sizes)
    if len(sizes) != len(shape) or any(not 0 <= k <= n for k, n in zip(sizes, shape)):
        raise TypeError(f"slice_sizes must be non-negative and at most the operand shape {shape}, got {sizes}")
    if not shape:
        return operand
    allow = _negatives(starts, allow_negative_indices)
    static = _static_starts(shape, starts, sizes, allow)
    if static is not None:
        return index(operand, tuple(builtins.slice(s, s + k) for s, k in zip(static, sizes)))
    grid = _traced_grid(shape, starts, sizes, allow)
    return gather(operand, grid, tuple(range(len(shape))), "clip")


def dynamic_update_slice(operand: Any, update: Any, start_indices: Any, *,
                         allow_negative_indices: bool | Sequence[bool] = True) -> Any:
    """``operand`` with the block at ``start_indices`` replaced by ``update`` (starts clamped so
    that ``update`` fits, as ``jax.lax.dynamic_update_slice``)."""
    shape, ushape = tuple(_shape(operand)), tuple(_shape(update))
    if _dtype(operand) != _dtype(update):
        raise TypeError(f"dynamic_update_slice update and operand dtypes must match, got {_dtype(operand)} "
                        f"and {_dtype(update)}")
    if len(ushape) != len(shape) or any(u > n for u, n in zip(ushape, shape)):
        raise TypeError(f"dynamic_update_slice update shape {ushape} must have the operand's rank and fit "
                        f"in the operand shape {shape}")
    starts = _start_list(shape, start_indices, "dynamic_update_slice")
    if not shape:
        return update
    allow = _negatives(starts, allow_negative_indices)
    static = _static_starts(shape, starts, ushape, allow)
    if static is not None:
        slc = tuple(builtins.slice(s, s + k) for s, k in zip(static, ushape))
        mask = np.zeros(shape, bool)
        mask[slc] = True
        placed = bind(index_put_p, (update,), {"idx": normalize_index(slc, shape), "shape": shape})
        return select(mask, placed, operand)
    grid = _traced_grid(shape, starts, ushape, allow)
    return scatter(operand, grid, update, tuple(range(len(shape))), "set", "clip")


def _axis(axis: int, nd: int) -> int:
    axis = operator_index(axis)
    if not 0 <= axis < nd:
        raise ValueError(f"axis {axis} is out of bounds for an array of dimension {nd}")
    return axis


def _zero_like_index(s: Any) -> Any:
    return 0 if type(s) is int else np.zeros((), _dtype(s))


def dynamic_slice_in_dim(operand: Any, start_index: Any, slice_size: int, axis: int = 0, *,
                         allow_negative_indices: bool = True) -> Any:
    """``dynamic_slice`` along one ``axis`` (the other axes whole)."""
    shape = tuple(_shape(operand))
    axis = _axis(axis, len(shape))
    starts = [_zero_like_index(start_index)] * len(shape)
    starts[axis] = start_index
    sizes = list(shape)
    sizes[axis] = slice_size
    return dynamic_slice(operand, starts, sizes, allow_negative_indices=allow_negative_indices)


def dynamic_update_slice_in_dim(operand: Any, update: Any, start_index: Any, axis: int, *,
                                allow_negative_indices: bool = True) -> Any:
    """``dynamic_update_slice`` along one ``axis``."""
    shape = tuple(_shape(operand))
    axis = _axis(axis, len(shape))
    starts = [_zero_like_index(start_index)] * len(shape)
    starts[axis] = start_index
    return dynamic_update_slice(operand, update, starts, allow_negative_indices=allow_negative_indices)


def dynamic_index_in_dim(operand: Any, index: Any, axis: int = 0, keepdims: bool = True, *,  # noqa: A002
                         allow_negative_indices: bool = True) -> Any:
    """The slice at ``index`` along ``axis`` (kept as an axis of size 1 if ``keepdims``)."""
    shape = tuple(_shape(operand))
    out = dynamic_slice_in_dim(operand, index, 1, axis, allow_negative_indices=allow_negative_indices)
    if keepdims:
        return out
    axis = _axis(axis, len(shape))
    return reshape(out, shape[:axis] + shape[axis + 1:])


def dynamic_update_index_in_dim(operand: Any, update: Any, index: Any, axis: int, *,  # noqa: A002
                                allow_negative_indices: bool = True) -> Any:
    """``operand`` with the slice at ``index`` along ``axis`` replaced by ``update`` (which may
    lack that axis)."""
    shape = tuple(_shape(operand))
    axis = _axis(axis, len(shape))
    ushape = tuple(_shape(update))
    if len(ushape) == len(shape) - 1:
        update = reshape(update, ushape[:axis] + (1,) + ushape[axis:])
    return dynamic_update_slice_in_dim(operand, update, index, axis,
                                       allow_negative_indices=allow_negative_indices)


def slice_in_dim(operand: Any, start_index: int | None, limit_index: int | None, stride: int = 1,
                 axis: int = 0) -> Any:
    """``operand[..., start:limit:stride]`` along ``axis`` (negative bounds count from the end)."""
    from functrans._src.lax.jax_surface import slice as lax_slice

    shape = tuple(_shape(operand))
    axis = int(axis)
    n = shape[axis]
    lo = 0 if start_index is None else operator_index(start_index)
    hi = n if limit_index is None else operator_index(limit_index)
    lo, hi = (lo + n if lo < 0 else lo), (hi + n if hi < 0 else hi)
    starts, limits, strides = [0] * len(shape), list(shape), [1] * len(shape)
    starts[axis], limits[axis], strides[axis] = lo, hi, operator_index(stride)
    return lax_slice(operand, starts, limits, strides)


def index_in_dim(operand: Any, index: int, axis: int = 0, keepdims: bool = True) -> Any:  # noqa: A002
    """The slice at the static ``index`` along ``axis`` (IndexError if out of bounds)."""
    shape = tuple(_shape(operand))
    i, axis = operator_index(index), int(axis)
    n = shape[axis]
    w = i + n if i < 0 else i
    if not 0 <= w < n:
        raise IndexError(f"index {i} is out of bounds for axis {axis} with size {n}")
    out = slice_in_dim(operand, w, w + 1, 1, axis)
    return out if keepdims else reshape(out, shape[:axis] + shape[axis + 1:])


def index_take(src: Any, idxs: Sequence[Any], axes: Sequence[int]) -> Any:
    """``src`` at the integer index arrays ``idxs`` (one per axis in ``axes``, taken modulo the
    axis size, as ``jax.lax.index_take``); the result has the indices' shape then the other axes."""
    from functrans._src.lax.elementwise import rem

    shape = tuple(_shape(src))
    axes = tuple(operator_index(a) for a in axes)
    if len(idxs) != len(axes):
        raise ValueError(f"index_take: one index array per axis is required, got {len(idxs)} for axes {axes}")
    wrapped = [rem(i, np.asarray(shape[a], _dtype(i))) for i, a in zip(idxs, axes)]
    if len({_shape(i) for i in wrapped}) > 1:
        raise TypeError(f"index_take: the index arrays must share one shape, got {[_shape(i) for i in wrapped]}")
    return gather(src, wrapped, axes, "clip")
