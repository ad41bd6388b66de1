"""Sorting and searching in ``functrans.numpy``: sort, argsort, searchsorted, partition."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.util import _arr, _axis, _count, _shape

__all__ = ["sort", "argsort", "searchsorted", "partition", "unique"]


def _flat_or(a: Any, axis: Any) -> tuple[Any, int]:
    a = _arr(a)
    if axis is None:
        shape = _shape(a)
        return lax.reshape(a, (_count(shape, tuple(range(len(shape)))),)), 0
    return a, _axis(axis, len(_shape(a)))


def _check_kind(kind: Any, order: Any, name: str) -> None:
    if order is not None:
        raise NotImplementedError(f"functrans.numpy.{name} does not support order= (structured arrays)")
    if kind not in (None, "quicksort", "mergesort", "heapsort", "stable"):
        raise ValueError(f"functrans.numpy.{name}: unknown kind {kind!r}")


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None,
         descending: bool = False) -> Any:  # fmt: skip
    """A sorted copy along ``axis`` (flattened if None); NaNs last. Always stable; ties
    keep their order, and the derivative follows each element to its place."""
    _check_kind(kind, order, "sort")
    a, ax = _flat_or(a, axis)
    if _shape(a) == ():
        raise np.exceptions.AxisError("axis -1 is out of bounds for array of dimension 0")
    out = lax.sort(a, ax)
    if descending:  # the ascending sort reversed (so tied elements' derivatives go as in JAX)
        nd = len(_shape(out))
        return lax.index(out, (slice(None),) * ax + (slice(None, None, -1),) + (slice(None),) * (nd - ax - 1))
    return out


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *, stable: Any = None,
            descending: bool = False) -> Any:  # fmt: skip
    """Indices (int64) that sort ``a`` along ``axis``: stable, NaNs last; zero derivative."""
    _check_kind(kind, order, "argsort")
    a, ax = _flat_or(a, axis)
    if _shape(a) == ():
        raise np.exceptions.AxisError("axis -1 is out of bounds for array of dimension 0")
    return lax.argsort(a, ax, descending=descending)


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None, *, method: str = "scan") -> Any:
    """Insertion indices (int64) of ``v`` into the sorted 1-d ``a``; zero derivative."""
    a, v = _arr(a), _arr(v)
    if len(_shape(a)) != 1:
        raise ValueError(f"searchsorted: a must be one-dimensional, got shape {_shape(a)}")
    if sorter is not None:
        sorter = _arr(sorter)
        if get_aval(sorter).dtype.kind not in "iu":
            raise TypeError("searchsorted: sorter must be an array of integer indices")
        # a[sorter]: sorting a by the inverse permutation of sorter places a[sorter[i]] at i
        inverse = lax.argsort(sorter, 0)
        a = lax.sort([inverse, a], 0, num_keys=1)[1]
    return lax.searchsorted(a, v, side)


def partition(a: Any, kth: Any, axis: Any = -1) -> Any:
    """Elements rearranged so that the ``kth`` is where a sort would put it, smaller ones
    before and larger ones after. Computed by a full (stable) sort, so the result is also
    sorted; NumPy's own order of the other elements is unspecified and may differ."""
    a, ax = _flat_or(a, axis)
    n = _shape(a)[ax]
    ks = np.atleast_1d(np.asarray(kth))
    if ks.dtype.kind not in "iu":
        raise TypeError("Partition index must be integer")
    for k in ks:
        if not -n <= int(k) < n:
            raise ValueError(f"kth(={int(k)}) out of bounds ({n})")
    if ks.size != 1:
        return lax.sort(a, ax)
    # as JAX: the kth+1 smallest in ascending order, then the rest in descending order
    # (equal values in index order, as top_k takes them)
    k = int(ks[0]) % n
    nd = len(_shape(a))

    def part(x: Any, start: int, stop: int) -> Any:
        idx = tuple(slice(start, stop) if d == ax else slice(None) for d in range(nd))
        return lax.index(x, idx)

    low = part(lax.sort(a, ax), 0, k + 1)
    if n - k - 1 == 0:
        return low
    # the rest: the n-k-1 largest, decreasing (NaN first, ties in index order), as JAX's top_k
    moved = lax.moveaxis(a, ax, nd - 1) if ax != nd - 1 else a
    high = lax.top_k(moved, n - k - 1)[0]
    high = lax.moveaxis(high, nd - 1, ax) if ax != nd - 1 else high
    return lax.concatenate([low, high], ax)


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: Any = None,
    *,
    equal_nan: bool = True,
    size: int | None = None,
    fill_value: Any = None,
) -> Any:
    """The sorted unique elements of the flattened array (``numpy.unique``).

    The number of results depends on the values: without ``size`` the values must be
    concrete (eagerly, under grad/jvp) and NumPy decides, with zero derivatives (as JAX).
    With ``size=`` (needed under jit/vmap) the results are truncated or padded, as JAX: the
    values with ``fill_value`` (default: the smallest element), ``return_index`` with the
    index of the smallest element, ``return_counts`` with 0; the values are then
    differentiable (each unique value is its first occurrence, as JAX's)."""
    from functrans._src.core import ConcretizationTypeError, Tracer

    x = _arr(ar)
    if size is None:
        if isinstance(x, Tracer):
            try:
                x = np.asarray(x._trace.concrete(x, "unique"))
            except ConcretizationTypeError:
                raise ConcretizationTypeError(
                    "unique: the number of unique elements depends on the values of a traced array. Pass "
                    "size= (and fill_value=) to get a fixed-size result under jit or vmap, as in JAX."
                ) from None
        # JAX's unique without size has zero derivatives: a constant
        return np.unique(x, return_index, return_inverse, return_counts, axis, equal_nan=equal_nan)
    if axis is not None:
        return _unique_axis_sized(x, axis, int(size), fill_value, equal_nan, return_index, return_inverse,
                                  return_counts)  # fmt: skip
    return _unique_sized(x, int(size), fill_value, equal_nan, return_index, return_inverse, return_counts)


def _unique_sized(
    x: Any, size: int, fill_value: Any, equal_nan: bool, return_index: bool, return_inverse: bool,
    return_counts: bool,
) -> Any:  # fmt: skip
    from functrans._src.numpy.indexing import nonzero, take

    shape = _shape(x)
    dt = get_aval(x).dtype
    n = _count(shape, tuple(range(len(shape))))
    flat = lax.reshape(x, (n,))
    extras: list[Any] = []
    if n == 0:
        if fill_value is None:
            raise ValueError("unique: for zero-sized input with nonzero size argument, fill_value must be specified")
        vals = lax.broadcast_to(lax.convert_element_type(_arr(fill_value), dt), (size,))
        # as JAX: the index, inverse and counts of an empty input stay empty
        extras = [np.zeros(0, np.int64)] * (return_index + return_inverse + return_counts)
        return (vals, *extras) if extras else vals
    srt, perm = lax.sort([flat, np.arange(n, dtype=np.int64)], 0, num_keys=1)
    later, earlier = lax.index(srt, (slice(1, None),)), lax.index(srt, (slice(0, n - 1),))
    new = lax.ne(later, earlier)
    if equal_nan and dt.kind in "fc":  # NaNs (sorted last) count as one value
        new = lax.logical_and(new, lax.logical_not(lax.logical_and(lax.ne(later, later), lax.ne(earlier, earlier))))
    first = lax.concatenate([np.ones(1, bool), new], 0)
    (pos,) = nonzero(first, size=size, fill_value=0)
    count = lax.reduce_sum(lax.convert_element_type(first, np.int64), (0,))
    valid = lax.lt(np.arange(size), count)
    vals = take(srt, pos)
    fill = lax.index(srt, (0,)) if fill_value is None else lax.convert_element_type(_arr(fill_value), dt)
    vals = lax.select(valid, vals, lax.broadcast_to(fill, (size,)))
    ids = lax.sub(lax.cumsum(lax.convert_element_type(first, np.int64), 0), 1)  # unique number per sorted entry
    if return_index:
        extras.append(lax.stop_gradient(take(perm, pos)))
    if return_inverse:
        inv = lax.scatter(np.zeros(n, np.int64), [perm], ids, (0,), "set")
        extras.append(lax.stop_gradient(lax.reshape(inv, shape)))
    if return_counts:
        counts = lax.scatter(np.zeros(size, np.int64), [ids], np.ones(n, np.int64), (0,), "add")
        extras.append(lax.stop_gradient(counts))
    return (vals, *extras) if extras else vals


def _unique_axis_sized(
    x: Any, axis: int, size: int, fill_value: Any, equal_nan: bool, return_index: bool, return_inverse: bool,
    return_counts: bool,
) -> Any:  # fmt: skip
    """``unique(x, axis=axis, size=size)``: the unique slices along ``axis`` in lexicographic
    order, truncated or padded to ``size`` (with ``fill_value``, else the smallest slice), as
    JAX; each slice's derivative goes to its first occurrence."""
    from functrans._src.numpy.indexing import nonzero, take

    shape = _shape(x)
    ax = _axis(axis, len(shape))
    n, rest = shape[ax], _count(shape, tuple(i for i in range(len(shape)) if i != ax))
    if n == 0 and fill_value is None:
        raise ValueError("unique: for zero-sized input with nonzero size argument, fill_value must be specified")
    if n == 0 or rest == 0:
        raise NotImplementedError("unique(axis=..., size=...) of an array with no elements is not supported")
    moved = lax.moveaxis(x, ax, 0) if ax else x
    rows = lax.reshape(moved, (n, rest))
    keys = [lax.index(rows, (slice(None), j)) for j in range(rest)]
    perm = lax.sort([*keys, np.arange(n, dtype=np.int64)], 0, num_keys=rest)[-1]  # rows in lexicographic order
    aux = take(moved, perm, axis=0)
    flat = lax.reshape(aux, (n, rest))
    later, earlier = lax.index(flat, (slice(1, None),)), lax.index(flat, (slice(0, n - 1),))
    differ = lax.ne(later, earlier)
    if equal_nan and get_aval(x).dtype.kind in "fc":
        both_nan = lax.logical_and(lax.ne(later, later), lax.ne(earlier, earlier))
        differ = lax.logical_and(differ, lax.logical_not(both_nan))
    new_row = lax.ne(lax.reduce_sum(lax.convert_element_type(differ, np.int64), (1,)), 0)
    first = lax.concatenate([np.ones(1, bool), new_row], 0)
    (ind,) = nonzero(first, size=size, fill_value=0)
    res = take(aux, ind, axis=0)
    if fill_value is not None:
        count = lax.reduce_sum(lax.convert_element_type(first, np.int64), (0,))
        valid = lax.broadcast_to(
            lax.reshape(lax.lt(np.arange(size), count), (size,) + (1,) * (len(shape) - 1)), _shape(res)
        )
        fill = lax.broadcast_to(lax.convert_element_type(_arr(fill_value), get_aval(res).dtype), _shape(res))
        res = lax.select(valid, res, fill)
    out = [lax.moveaxis(res, 0, ax) if ax else res]
    if return_index:
        out.append(lax.stop_gradient(take(perm, ind)))
    if return_inverse:
        ids = lax.sub(lax.cumsum(lax.convert_element_type(first, np.int64), 0), 1)
        out.append(lax.stop_gradient(lax.scatter(np.zeros(n, np.int64), [perm], ids, (0,), "set")))
    if return_counts:
        (starts,) = nonzero(first, size=size + 1, fill_value=0)
        tail = lax.index(starts, (slice(1, None),))
        ends = lax.select(lax.ne(tail, 0), tail, np.full(size, n, np.int64))
        bounds = lax.concatenate([lax.index(starts, (slice(0, 1),)), ends], 0)  # padding: n (count 0)
        out.append(lax.stop_gradient(lax.sub(ends, lax.index(bounds, (slice(0, size),)))))
    return out[0] if len(out) == 1 else tuple(out)

