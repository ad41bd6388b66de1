"""``jax.lax`` construction and shape names composed from the shape primitives (no new
primitives, so every derivative and batching rule comes from the primitives used):
``full``, ``full_like``, ``empty``, ``iota``, ``broadcasted_iota``, ``broadcast``,
``broadcast_in_dim``, ``broadcast_to_rank``, ``broadcast_shapes``, ``pad``, ``rev``,
``collapse``, ``split``, ``tile``, ``stack``, ``unstack``.

``pad`` follows ``jax.lax.pad``: per axis ``(low, high, interior)``; interior padding goes
between elements first, then ``low``/``high`` are added (a negative amount removes elements,
padding included). It is linear in the operand and in the padding value: the padding value's
gradient is the sum of the cotangent over the padded positions.
"""

from __future__ import annotations

import builtins
import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import Tracer, get_aval
from functrans._src.lax.comparisons import convert_element_type
from functrans._src.lax.rules import _dtype, _shape, broadcast_shapes
from functrans._src.lax.shape import broadcast_to, concatenate, reshape
from functrans._src.lax.slicing import index

__all__ = ["full", "full_like", "empty", "iota", "broadcasted_iota", "broadcast", "broadcast_in_dim",
           "broadcast_to_rank", "broadcast_shapes", "pad", "rev", "collapse", "split", "tile", "stack",
           "unstack"]


def canonical_shape(
    shape: Any, what: str, expected: str = "a sequence of integers", negative: type[Exception] = TypeError
) -> tuple[int, ...]:
    """``shape`` (an int or a sequence of ints) as a tuple of Python ints: a TypeError saying
    it must be ``expected`` otherwise, and a ``negative`` error for a negative size."""
    if isinstance(shape, int | np.integer):
        shape = (shape,)
    try:
        out = tuple(int(operator_index(d)) for d in shape)
    except TypeError:
        raise TypeError(f"{what}: shape must be {expected}, got {shape!r}") from None
    if any(d < 0 for d in out):
        if negative is TypeError:
            raise TypeError(f"{what}: shape must have non-negative sizes, got {out}")
        raise negative(f"{what}: shape must be {expected}, got {shape!r}")
    return out





def operator_index(d: Any) -> int:
    """``d`` as a Python int (integers only: a float or an array of several elements raises TypeError)."""
    if isinstance(d, Tracer):
        raise TypeError("shapes must be static: got a traced value where a Python int is expected")
    return operator.index(d)


def _np_dtype(dtype: Any) -> np.dtype:
    if dtype is None:
        return np.dtype(np.float64)
    return np.dtype(dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None, *, sharding: Any = None) -> Any:
    """An array of ``shape`` filled with the scalar ``fill_value`` (``dtype``: the fill value's)."""
    shape = canonical_shape(shape, "full")
    if _shape(fill_value) != ():
        raise TypeError(f"full must be called with scalar fill_value, got fill_value.shape {_shape(fill_value)}.")
    dt = _dtype(fill_value) if dtype is None else np.dtype(dtype)
    if isinstance(fill_value, Tracer):
        if _dtype(fill_value) != dt:
            fill_value = convert_element_type(fill_value, dt)
        return broadcast_to(fill_value, shape)
    return np.full(shape, fill_value, dt)


def full_like(x: Any, fill_value: Any, dtype: Any = None, shape: Any = None, sharding: Any = None) -> Any:
    """An array like ``x`` (its dtype and shape unless given) filled with ``fill_value``."""
    aval = get_aval(x) if not isinstance(x, np.ndarray | np.generic) else None
    xdtype = aval.dtype if aval is not None else x.dtype
    xshape = aval.shape if aval is not None else x.shape
    return full(xshape if shape is None else shape, fill_value, xdtype if dtype is None else dtype)


def empty(shape: Any, dtype: Any, *, out_sharding: Any = None) -> Any:
    """An array of ``shape`` and ``dtype`` (zeros: the contents are unspecified in JAX)."""
    return np.zeros(canonical_shape(shape, "empty"), _np_dtype(dtype))


def iota(dtype: Any, size: int) -> np.ndarray:
    """``[0, 1, ..., size - 1]`` in ``dtype``."""
    n = operator_index(size)
    if n < 0:
        raise TypeError(f"iota shape must have every element be nonnegative, got ({n},).")
    return np.arange(n, dtype=np.dtype(dtype))


def broadcasted_iota(dtype: Any, shape: Any, dimension: int, *, out_sharding: Any = None) -> np.ndarray:
    """An array of ``shape`` whose entries are their index along ``dimension``."""
    shape = canonical_shape(shape, "broadcasted_iota")
    d = operator_index(dimension)
    if not 0 <= d < len(shape):
        raise ValueError(f"broadcasted_iota: dimension {d} is out of range for shape {shape}")
    ramp = np.arange(shape[d], dtype=np.dtype(dtype)).reshape((-1,) + (1,) * (len(shape) - d - 1))
    return np.broadcast_to(ramp, shape).copy()


def broadcast(operand: Any, sizes: Sequence[int], *, out_sharding: Any = None) -> Any:
    """``operand`` broadcast with new leading axes ``sizes``."""
    sizes = canonical_shape(sizes, "broadcast")
    if not sizes:
        return operand
    return broadcast_to(operand, sizes + tuple(_shape(operand)))


def broadcast_in_dim(operand: Any, shape: Any, broadcast_dimensions: Sequence[int], *,
                     out_sharding: Any = None) -> Any:
    """``operand`` broadcast to ``shape``, its axis ``i`` becoming the result's axis
    ``broadcast_dimensions[i]`` (strictly increasing; each of size 1 or the target's size)."""
    shape = canonical_shape(shape, "broadcast_in_dim")
    bd = tuple(operator_index(d) for d in broadcast_dimensions)
    oshape = tuple(_shape(operand))
    if len(bd) != len(oshape) or any(not 0 <= d < len(shape) for d in bd) or len(set(bd)) != len(bd):
        raise TypeError(f"broadcast_in_dim: broadcast_dimensions must be distinct positions in shape {shape}, "
                        f"one per operand axis (operand shape {oshape}), got {bd}")
    for i, d in enumerate(bd):
        if oshape[i] not in (1, shape[d]):
            raise TypeError(f"broadcast_in_dim: operand dimension {i} of size {oshape[i]} cannot be broadcast "
                            f"to size {shape[d]} (operand shape {oshape}, target shape {shape})")
    if oshape == shape and bd == tuple(range(len(shape))):
        return operand
    order = sorted(range(len(bd)), key=lambda i: bd[i])
    x = operand
    if order != list(range(len(bd))):
        from functrans._src.lax.shape import transpose

        x = transpose(x, order)
        oshape = tuple(oshape[i] for i in order)
        bd = tuple(bd[i] for i in order)
    mid = [1] * len(shape)
    for i, d in enumerate(bd):
        mid[d] = oshape[i]
    x = reshape(x, tuple(mid)) if tuple(mid) != oshape else x
    return broadcast_to(x, shape)


def broadcast_to_rank(x: Any, rank: int) -> Any:
    """``x`` with leading axes of size 1 added up to ``rank`` axes (unchanged if it has as many)."""
    nd = len(_shape(x))
    if nd >= rank:
        return x
    return broadcast(x, (1,) * (rank - nd))


def _full_index(nd: int) -> list[Any]:
    return [builtins.slice(None)] * nd


def pad(operand: Any, padding_value: Any, padding_config: Sequence[tuple[int, int, int]]) -> Any:
    """``operand`` padded with the scalar ``padding_value``: ``padding_config`` holds one
    ``(low, high, interior)`` per axis (negative low/high remove elements)."""
    shape = tuple(_shape(operand))
    config = [tuple(operator_index(v) for v in c) for c in padding_config]
    if len(config) != len(shape) or any(len(c) != 3 for c in config):
        raise ValueError(f"pad: padding_config must hold one (low, high, interior) triple per operand axis "
                         f"(operand shape {shape}), got {padding_config!r}")
    if _shape(padding_value) != ():
        raise TypeError(f"pad: padding_value must be a scalar, got shape {_shape(padding_value)}")
    dt = _dtype(operand)
    if _dtype(padding_value) != dt:  # a Python scalar counts as int64/float64/..., as in jax.lax
        raise TypeError(f"pad operand and padding_value must be same dtype: got {dt} and {_dtype(padding_value)}")
    if type(padding_value) in (bool, int, float, complex):
        padding_value = np.asarray(padding_value, dt)
    for _lo, _hi, interior in config:
        if interior < 0:
            raise ValueError(f"pad: interior padding must be non-negative, got {interior}")
    for n, (lo, hi, interior) in zip(shape, config):
        if lo + hi + n + builtins.max(n - 1, 0) * interior < 0:
            raise ValueError(f"pad: padding_config {tuple(config)} gives a negative size for shape {shape}")
    x = operand
    for ax, (lo, hi, interior) in enumerate(config):
        x = _pad_axis(x, padding_value, ax, lo, hi, interior)
    return x


def _fill(pv: Any, shape: tuple[int, ...]) -> Any:
    return broadcast_to(pv, shape)


def _pad_axis(x: Any, pv: Any, ax: int, lo: int, hi: int, interior: int) -> Any:
    shape = tuple(_shape(x))
    nd = len(shape)
    n = shape[ax]
    if interior and n > 1:
        xe = reshape(x, shape[:ax + 1] + (1,) + shape[ax + 1:])
        gaps = _fill(pv, shape[:ax + 1] + (interior,) + shape[ax + 1:])
        both = concatenate([xe, gaps], ax + 1)
        x = reshape(both, shape[:ax] + (n * (1 + interior),) + shape[ax + 1:])
        m = n + (n - 1) * interior
        idx = _full_index(nd)
        idx[ax] = builtins.slice(0, m)
        x = index(x, tuple(idx))
        shape = tuple(_shape(x))
        n = m
    parts = []
    if lo > 0:
        parts.append(_fill(pv, shape[:ax] + (lo,) + shape[ax + 1:]))
    parts.append(x)
    if hi > 0:
        parts.append(_fill(pv, shape[:ax] + (hi,) + shape[ax + 1:]))
    if len(parts) > 1:
        x = concatenate(parts, ax)
        n = tuple(_shape(x))[ax]
    if lo < 0 or hi < 0:
        start, stop = builtins.max(-lo, 0), n - builtins.max(-hi, 0)
        idx = _full_index(nd)
        idx[ax] = builtins.slice(start, builtins.max(stop, start))
        x = index(x, tuple(idx))
    return x


def rev(operand: Any, dimensions: Sequence[int]) -> Any:
    """``operand`` reversed along each axis in ``dimensions``."""
    nd = len(_shape(operand))
    dims = [operator_index(d) for d in dimensions]
    if len(set(dims)) != len(dims) or any(not 0 <= d < nd for d in dims):
        raise TypeError(f"rev: dimensions must be unique axes of an array of rank {nd}, got {tuple(dims)}")
    if not dims:
        return operand
    idx = _full_index(nd)
    for d in dims:
        idx[d] = builtins.slice(None, None, -1)
    return index(operand, tuple(idx))


def collapse(operand: Any, start_dimension: int, stop_dimension: int | None = None) -> Any:
    """Merge the axes ``start_dimension:stop_dimension`` into one."""
    shape = tuple(_shape(operand))
    nd = len(shape)
    lo = start_dimension + nd if start_dimension < 0 else start_dimension
    hi = nd if stop_dimension is None else (stop_dimension + nd if stop_dimension < 0 else stop_dimension)
    if not 0 <= lo <= hi <= nd:
        raise ValueError(f"collapse: invalid dimensions [{start_dimension}, {stop_dimension}) for shape {shape}")
    return reshape(operand, shape[:lo] + (math.prod(shape[lo:hi]),) + shape[hi:])


def split(operand: Any, sizes: Sequence[int], axis: int = 0) -> list[Any]:
    """Consecutive pieces of ``operand`` along ``axis`` of the given ``sizes`` (summing to its size)."""
    shape = tuple(_shape(operand))
    nd = len(shape)
    if not -nd <= axis < nd:
        raise ValueError(f"split: axis {axis} is out of bounds for an array of rank {nd}")
    axis %= nd
    sizes = [operator_index(s) for s in sizes]
    if any(s < 0 for s in sizes) or sum(sizes) != shape[axis]:
        raise ValueError(f"split: sizes must be non-negative and sum to the axis size {shape[axis]}, got {sizes}")
    out = []
    start = 0
    for s in sizes:
        idx = _full_index(nd)
        idx[axis] = builtins.slice(start, start + s)
        out.append(index(operand, tuple(idx)))
        start += s
    return out


def tile(operand: Any, reps: Sequence[int]) -> Any:
    """``operand`` repeated ``reps[i]`` times along axis ``i`` (one rep per axis)."""
    shape = tuple(_shape(operand))
    reps = tuple(operator_index(r) for r in reps)
    if len(reps) != len(shape):
        raise TypeError(f"reps length must be equal to the ndim of x, got len(reps)={len(reps)} and "
                        f"x.ndim={len(shape)}.")
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: reps must be non-negative, got {reps}")
    if all(r == 1 for r in reps):
        return operand
    inter = tuple(v for n in shape for v in (1, n))
    target = tuple(v for r, n in zip(reps, shape) for v in (r, n))
    x = broadcast_to(reshape(operand, inter), target)
    return reshape(x, tuple(r * n for r, n in zip(reps, shape)))


def stack(operands: Sequence[Any], axis: int = 0) -> Any:
    """The ``operands`` (all of one shape) stacked along a new ``axis``."""
    if not operands:
        raise ValueError("stack requires at least one operand")
    shape = tuple(_shape(operands[0]))
    nd = len(shape) + 1
    if not -nd <= axis < nd:
        raise ValueError(f"stack: axis {axis} is out of bounds for a result of rank {nd}")
    axis %= nd
    for o in operands:
        if tuple(_shape(o)) != shape:
            raise TypeError(f"stack: all operands must have the same shape, got {[_shape(o) for o in operands]}")
    new = shape[:axis] + (1,) + shape[axis:]
    return concatenate([reshape(o, new) for o in operands], axis)


def unstack(x: Any, axis: int = 0) -> tuple[Any, ...]:
    """The slices of ``x`` along ``axis``, as a tuple."""
    shape = tuple(_shape(x))
    nd = len(shape)
    if not -nd <= axis < nd:
        raise ValueError(f"unstack: axis {axis} is out of bounds for an array of rank {nd}")
    axis %= nd
    out = []
    for i in range(shape[axis]):
        idx = _full_index(nd)
        idx[axis] = i
        out.append(index(x, tuple(idx)))
    return tuple(out)


broadcast_shapes = broadcast_shapes  # re-exported: NumPy broadcasting of shapes (ValueError if incompatible)
