"""``jax.lax.gather`` and the ``jax.lax.scatter*`` family with JAX's dimension numbers
(``GatherDimensionNumbers``, ``ScatterDimensionNumbers``, ``GatherScatterMode``), lowered to
functrans' own point ``gather``/``scatter`` primitives (:mod:`functrans._src.lax.gather`), so
every derivative and batching rule comes from those.

Lowering: every element of the result (gather) or of ``updates`` (scatter) is given its full
operand index, ``start + window offset``: the start comes from the index vector (the last axis
of the indices) through ``start_index_map``/``scatter_dims_to_operand_dims`` (and from the
batch position for ``operand_batching_dims``), the offset is the element's position in the
window. The index arrays are built with primitives from the (possibly traced) indices.

Out-of-bounds windows follow JAX on CPU: ``mode="clip"`` (and, for gather, the default and
``promise_in_bounds``) clamps each start so the whole window fits; ``fill``/``drop`` (scatter's
default, and ``promise_in_bounds`` for scatter) fills the whole gathered window with
``fill_value`` (NaN for floats, as JAX) or drops the whole update window when any part of it
is out of bounds. Negative indices are out of bounds (no wrap-around), as in JAX.

``scatter_apply`` applies ``func`` once per occurrence of a position among the indices (a
repeated position gets ``func(func(x))``), as XLA does.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from functrans._src.core import Tracer
from functrans._src.lax.comparisons import convert_element_type, ge, le, logical_and, select
from functrans._src.lax.construction import broadcasted_iota
from functrans._src.lax.elementwise import add, maximum, minimum, neg
from functrans._src.lax.gather import _default_fill
from functrans._src.lax.gather import gather as _gather
from functrans._src.lax.gather import scatter as _scatter
from functrans._src.lax.gather import scatter_add as _scatter_add
from functrans._src.lax.rules import _dtype, _shape
from functrans._src.lax.shape import broadcast_to, reshape
from functrans._src.lax.slicing import index

__all__ = ["GatherDimensionNumbers", "ScatterDimensionNumbers", "GatherScatterMode", "jax_gather",
           "jax_scatter", "jax_scatter_add", "scatter_sub", "scatter_mul", "scatter_min", "scatter_max",
           "scatter_apply", "lax_gather", "lax_scatter", "lax_scatter_add"]


class GatherDimensionNumbers(NamedTuple):
    """How ``gather`` reads windows (``jax.lax.GatherDimensionNumbers``)."""

    offset_dims: tuple[int, ...]
    collapsed_slice_dims: tuple[int, ...]
    start_index_map: tuple[int, ...]
    operand_batching_dims: tuple[int, ...] = ()
    start_indices_batching_dims: tuple[int, ...] = ()


class ScatterDimensionNumbers(NamedTuple):
    """How ``scatter`` writes windows (``jax.lax.ScatterDimensionNumbers``)."""

    update_window_dims: Sequence[int]
    inserted_window_dims: Sequence[int]
    scatter_dims_to_operand_dims: Sequence[int]
    operand_batching_dims: Sequence[int] = ()
    scatter_indices_batching_dims: Sequence[int] = ()


class GatherScatterMode(enum.Enum):
    """Out-of-bounds handling of gather/scatter (``jax.lax.GatherScatterMode``)."""

    CLIP = 1
    FILL_OR_DROP = 2
    PROMISE_IN_BOUNDS = 3
    ONE_HOT = 4

    @staticmethod
    def from_any(s: str | GatherScatterMode | None) -> GatherScatterMode:
        """The mode named by ``s`` (None: FILL_OR_DROP)."""
        if isinstance(s, GatherScatterMode):
            return s
        if s == "clip":
            return GatherScatterMode.CLIP
        if s is None or s == "fill" or s == "drop":
            return GatherScatterMode.FILL_OR_DROP
        if s == "promise_in_bounds":
            return GatherScatterMode.PROMISE_IN_BOUNDS
        if s == "one_hot":
            return GatherScatterMode.ONE_HOT
        raise ValueError(f'Unknown gather mode "{s}"')


def _mode(mode: Any, gather: bool) -> str:
    m = GatherScatterMode.from_any(mode) if mode is not None else (
        GatherScatterMode.CLIP if gather else GatherScatterMode.FILL_OR_DROP)
    if m is GatherScatterMode.ONE_HOT:
        raise NotImplementedError("mode='one_hot' is not supported by functrans.lax gather/scatter")
    if m is GatherScatterMode.PROMISE_IN_BOUNDS:
        return "clip" if gather else "drop"
    return "clip" if m is GatherScatterMode.CLIP else "drop"


def _ints(v: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(d) for d in v)


def _points(operand_shape: tuple[int, ...], indices: Any, out_shape: tuple[int, ...],
            window_pos: tuple[int, ...], window_dims: tuple[int, ...], index_map: tuple[int, ...],
            batching: tuple[tuple[int, ...], tuple[int, ...]], sizes: tuple[int, ...], mode: str,
            what: str) -> tuple[list[Any], Any]:
    """Operand index arrays (each of ``out_shape``) for every element, and the in-bounds mask
    of the windows (None if every window is clamped into bounds)."""
    ishape = tuple(_shape(indices))
    if _dtype(indices).kind not in "iu":
        raise TypeError(f"{what}: indices must have an integer type, got {_dtype(indices)}")
    if not ishape or ishape[-1] != len(index_map):
        raise TypeError(f"{what}: the last axis of the indices (shape {ishape}) must hold one index per entry "
                        f"of the index map {index_map}")
    batch_shape = ishape[:-1]
    batch_pos = tuple(d for d in range(len(out_shape)) if d not in window_pos)
    if tuple(out_shape[d] for d in batch_pos) != batch_shape:
        raise TypeError(f"{what}: the batch dimensions of the indices {batch_shape} do not match the "
                        f"result/updates batch dimensions {tuple(out_shape[d] for d in batch_pos)}")
    mid = [1] * len(out_shape)
    for p, n in zip(batch_pos, batch_shape):
        mid[p] = n

    def expand(v: Any) -> Any:
        return broadcast_to(reshape(v, tuple(mid)), out_shape)

    op_batch, idx_batch = batching
    valid = None
    points = []
    nb = len(batch_shape)
    for d, n in enumerate(operand_shape):
        size = sizes[d]
        if d in index_map:
            k = index_map.index(d)
            start = index(indices, (builtins.slice(None),) * nb + (k,))
            if _dtype(start) != np.int64:
                start = convert_element_type(start, np.int64)
        elif d in op_batch:
            start = broadcasted_iota(np.int64, batch_shape, idx_batch[op_batch.index(d)])
        else:
            start = None
        if start is not None:
            hi = np.int64(builtins.max(n - size, 0))
            if mode == "clip":
                start = minimum(maximum(start, np.int64(0)), hi)
            else:
                ok = logical_and(ge(start, np.int64(0)), le(start, hi))
                valid = ok if valid is None else logical_and(valid, ok)
            pt = expand(start)
        else:
            pt = np.zeros(out_shape, np.int64)
        if d in window_dims:
            pt = add(pt, broadcasted_iota(np.int64, out_shape, window_pos[window_dims.index(d)]))
        points.append(pt)
    return points, (None if valid is None else expand(valid))


def jax_gather(operand: Any, start_indices: Any, dimension_numbers: GatherDimensionNumbers,
               slice_sizes: Sequence[int], *, unique_indices: bool = False, indices_are_sorted: bool = False,
               mode: Any = None, fill_value: Any = None) -> Any:
    """``jax.lax.gather``: windows of ``slice_sizes`` read at ``start_indices``."""
    dn = dimension_numbers
    oshape = tuple(_shape(operand))
    sizes = _ints(slice_sizes)
    offset, collapsed, smap = _ints(dn.offset_dims), _ints(dn.collapsed_slice_dims), _ints(dn.start_index_map)
    obatch, ibatch = _ints(dn.operand_batching_dims), _ints(dn.start_indices_batching_dims)
    if len(sizes) != len(oshape) or any(not 0 <= s <= n for s, n in zip(sizes, oshape)):
        raise TypeError(f"gather: slice_sizes {sizes} must have one entry per operand axis, each at most its "
                        f"size (operand shape {oshape})")
    for d in collapsed + obatch:
        if sizes[d] != 1:
            raise TypeError(f"gather: slice_sizes[collapsed_slice_dims/operand_batching_dims] must be 1, got "
                            f"slice_sizes[{d}] = {sizes[d]}")
    window_dims = tuple(d for d in range(len(oshape)) if d not in collapsed and d not in obatch)
    if len(window_dims) != len(offset):
        raise TypeError(f"gather: offset_dims {offset} must have one entry per non-collapsed operand axis "
                        f"{window_dims}")
    ishape = tuple(_shape(start_indices))
    out_rank = len(ishape) - 1 + len(offset)
    out_shape = [0] * out_rank
    batch_pos = [d for d in range(out_rank) if d not in offset]
    for p, n in zip(batch_pos, ishape[:-1]):
        out_shape[p] = n
    for p, d in zip(offset, window_dims):
        out_shape[p] = sizes[d]
    m = _mode(mode, gather=True)
    pts, valid = _points(oshape, start_indices, tuple(out_shape), offset, window_dims, smap, (obatch, ibatch),
                         sizes, m if m == "clip" else "fill", "gather")
    if valid is not None:
        pts = [select(valid, p, np.zeros((), np.int64)) for p in pts]
    if not oshape:
        return operand
    out = _gather(operand, pts, tuple(range(len(oshape))), "clip")
    if valid is not None:
        fv = _default_fill(np.dtype(_dtype(operand))) if fill_value is None else fill_value
        out = select(valid, out, np.asarray(fv).astype(_dtype(operand)))
    return out


def _scatter_points(operand: Any, indices: Any, updates: Any, dn: ScatterDimensionNumbers, mode: Any,
                    what: str) -> tuple[list[Any], str]:
    oshape, ushape = tuple(_shape(operand)), tuple(_shape(updates))
    uwin, inserted, sd2od = _ints(dn.update_window_dims), _ints(dn.inserted_window_dims), _ints(
        dn.scatter_dims_to_operand_dims)
    obatch, ibatch = _ints(dn.operand_batching_dims), _ints(dn.scatter_indices_batching_dims)
    window_dims = tuple(d for d in range(len(oshape)) if d not in inserted and d not in obatch)
    if len(window_dims) != len(uwin):
        raise TypeError(f"{what}: update_window_dims {uwin} must have one entry per operand axis not in "
                        f"inserted_window_dims/operand_batching_dims {window_dims}")
    sizes = [1] * len(oshape)
    for p, d in zip(uwin, window_dims):
        if not 0 <= p < len(ushape) or ushape[p] > oshape[d]:
            raise TypeError(f"{what}: update window of shape {ushape} does not fit the operand shape {oshape}")
        sizes[d] = ushape[p]
    m = _mode(mode, gather=False)
    pts, valid = _points(oshape, indices, ushape, uwin, window_dims, sd2od, (obatch, ibatch), tuple(sizes), m,
                         what)
    if valid is not None:  # a dropped window: every index of it out of range
        pts = [select(valid, p, np.int64(n)) for p, n in zip(pts, oshape)]
    return pts, m


def _check_scatter(operand: Any, updates: Any, what: str) -> None:
    if _dtype(operand) != _dtype(updates) and type(updates) not in (int, float, bool):
        raise TypeError(f"{what}: updates dtype {_dtype(updates)} must match the operand dtype {_dtype(operand)}")


def _scatter_op(op: str) -> Callable[..., Any]:
    name = {"set": "scatter", "add": "scatter_add", "sub": "scatter_sub"}.get(op, f"scatter_{op}")

    def f(operand: Any, scatter_indices: Any, updates: Any, dimension_numbers: ScatterDimensionNumbers, *,
          indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None) -> Any:
        _check_scatter(operand, updates, name)
        if not _shape(operand):
            raise TypeError(f"{name}: the operand must have at least one axis")
        pts, m = _scatter_points(operand, scatter_indices, updates, dimension_numbers, mode, name)
        axes = tuple(range(len(_shape(operand))))
        if op == "add":
            return _scatter_add(operand, pts, updates, axes, m)
        if op == "sub":
            return _scatter_add(operand, pts, neg(updates), axes, m)
        return _scatter(operand, pts, updates, axes, op, m)

    f.__name__ = name
    f.__doc__ = (f"``jax.lax.{name}``: ``operand`` with ``updates`` combined ({op}) into the windows at "
                 "``scatter_indices`` (see the module docstring for out-of-bounds windows).")
    return f


jax_scatter = _scatter_op("set")
jax_scatter_add = _scatter_op("add")
scatter_sub = _scatter_op("sub")
scatter_mul = _scatter_op("mul")
scatter_min = _scatter_op("min")
scatter_max = _scatter_op("max")


def scatter_apply(operand: Any, scatter_indices: Any, func: Callable[[Any], Any],
                  dimension_numbers: ScatterDimensionNumbers, *, update_shape: Sequence[int] = (),
                  indices_are_sorted: bool = False, unique_indices: bool = False, mode: Any = None) -> Any:
    """``jax.lax.scatter_apply``: ``func`` (elementwise) applied to ``operand`` at the scattered
    positions, once per occurrence of a position."""
    ushape = _ints(update_shape)
    dummy = np.zeros(ushape, np.int64)
    pts, m = _scatter_points(operand, scatter_indices, dummy, dimension_numbers, mode, "scatter_apply")
    axes = tuple(range(len(_shape(operand))))
    counts = _scatter_add(np.zeros(_shape(operand), np.int64), pts, np.ones(ushape, np.int64), axes, m)
    if isinstance(counts, Tracer):
        rounds = int(np.prod(ushape)) if ushape else 1
    else:
        rounds = int(np.max(counts)) if np.size(counts) else 0
    out = operand
    for k in range(rounds):
        hit = ge(counts, np.int64(k + 1))
        out = select(hit, func(out), out)
    return out


def lax_gather(operand: Any, *args: Any, **kwargs: Any) -> Any:
    """``gather``: with ``GatherDimensionNumbers`` (``jax.lax.gather(operand, start_indices,
    dimension_numbers, slice_sizes, *, mode, fill_value, ...)``) JAX's windowed gather; otherwise
    functrans' point form ``gather(x, idx, axes, mode="clip", fill_value=None)``."""
    if "dimension_numbers" in kwargs or "slice_sizes" in kwargs or (
            len(args) >= 2 and isinstance(args[1], GatherDimensionNumbers)):
        return jax_gather(operand, *args, **kwargs)
    return _gather(operand, *args, **kwargs)


def _jax_scatter_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return "dimension_numbers" in kwargs or (len(args) >= 3 and isinstance(args[2], ScatterDimensionNumbers))


def lax_scatter(operand: Any, *args: Any, **kwargs: Any) -> Any:
    """``scatter``: with ``ScatterDimensionNumbers`` JAX's ``jax.lax.scatter`` (the last update of a
    repeated position wins); otherwise functrans' point form ``scatter(x, idx, updates, axes, op,
    mode="drop")``."""
    if _jax_scatter_call(args, kwargs):
        return jax_scatter(operand, *args, **kwargs)
    return _scatter(operand, *args, **kwargs)


def lax_scatter_add(operand: Any, *args: Any, **kwargs: Any) -> Any:
    """``scatter_add``: with ``ScatterDimensionNumbers`` JAX's ``jax.lax.scatter_add``; otherwise
    functrans' point form ``scatter_add(x, idx, updates, axes, mode="drop")``."""
    if _jax_scatter_call(args, kwargs):
        return jax_scatter_add(operand, *args, **kwargs)
    return _scatter_add(operand, *args, **kwargs)
