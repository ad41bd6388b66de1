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


def searchsorted(a: Any, v: Any, side: str = "left", sorter: Any = None) -> Any:
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
    """The sorted unique elements of the flattened array (``numpy.unique``; zero derivatives,
    as in JAX). The number of results depends on the values: on concrete values (eagerly, under
    grad/jvp) NumPy decides it; under jit/vmap pass ``size=`` (and ``fill_value=``, default the
    smallest element), as in JAX."""
    from functrans._src.core import ConcretizationTypeError, Tracer
    from functrans._src.numpy.indexing import nonzero, take
    from functrans._src.numpy.lax_numpy import concatenate, ravel

    x = _arr(ar)
    extras = return_index or return_inverse or return_counts
    if not isinstance(x, Tracer):
        if size is None:
            return np.unique(x, return_index, return_inverse, return_counts, axis, equal_nan=equal_nan)
        if extras or axis is not None:
            raise NotImplementedError("unique(size=...) supports only the values (no return_* or axis)")
    elif extras or axis is not None:
        raise NotImplementedError("unique of traced values supports only the values (no return_* or axis)")
    flat = ravel(x)
    srt = sort(flat)
    n = _shape(srt)[0]
    if n == 0:
        return srt
    later, earlier = lax.index(srt, (slice(1, None),)), lax.index(srt, (slice(0, n - 1),))
    first = concatenate([np.ones(1, bool), lax.ne(later, earlier)])
    if size is None:
        try:
            mask = first._trace.concrete(first, "unique") if isinstance(first, Tracer) else first
            positions = np.flatnonzero(np.asarray(mask))
        except ConcretizationTypeError:
            raise ConcretizationTypeError(
                "unique: the number of unique elements depends on the values of a traced array. Pass "
                "size= (and fill_value=) to get a fixed-size result under jit or vmap, as in JAX."
            ) from None
        return lax.stop_gradient(take(srt, positions))  # JAX's unique has zero derivatives
    (idx,) = nonzero(first, size=size, fill_value=0)
    vals = take(srt, idx)
    count = lax.reduce_sum(lax.convert_element_type(first, np.int64), (0,))
    fill = lax.index(srt, (0,)) if fill_value is None else fill_value
    fill = lax.broadcast_to(lax.convert_element_type(fill, get_aval(vals).dtype), (size,))
    return lax.stop_gradient(lax.select(lax.lt(np.arange(size), count), vals, fill))
