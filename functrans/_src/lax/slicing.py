"""Basic indexing: ``index`` (a static NumPy index) and its transpose ``index_put``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind
from functrans._src.lax.rules import (
    _dtype,
    _prim,
    _shape,
    allow_complex,
    deflinear,
    moveaxis,
)

# --------------------------------------------------------------------------- indexing and concatenation

Index = tuple[Any, ...]  # normalised: ints, None, and (start, stop, step) triples


def _to_numpy_index(idx: Index) -> tuple[Any, ...]:
    return tuple(slice(*i) if type(i) is tuple else i for i in idx)


index_p = _prim("index")
index_p.impl = lambda x, idx: np.asarray(x)[_to_numpy_index(idx)]


def _index_shape(shape: tuple[int, ...], idx: Index) -> tuple[int, ...]:
    out: list[int] = []
    dim = 0
    for i in idx:
        if i is None:
            out.append(1)
            continue
        if type(i) is tuple:
            start, stop, step = i
            out.append(len(range(start, -1 if stop is None else stop, step)))
        dim += 1
    return tuple(out) + shape[dim:]


index_p.abstract_eval = lambda x, idx: ShapedArray(_index_shape(x.shape, idx), x.dtype)


def normalize_index(idx: Any, shape: tuple[int, ...]) -> Index:
    """Turn a basic NumPy index (ints, slices, ``...``, ``None``) into a hashable static form.

    An out-of-bounds int is clamped into range, as JAX does when reading (NumPy raises)."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    n_consumed = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if sum(1 for i in idx if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_consumed > len(shape):
        raise IndexError(
            f"too many indices for array: array is {len(shape)}-dimensional, but {n_consumed} were indexed"
        )
    if Ellipsis in idx:
        k = idx.index(Ellipsis)
        idx = idx[:k] + (slice(None),) * (len(shape) - n_consumed) + idx[k + 1 :]
    out: list[Any] = []
    dim = 0
    for i in idx:
        if i is None:
            out.append(None)
            continue
        size = shape[dim]
        if isinstance(i, slice):
            start, stop, step = i.indices(size)
            if not len(range(start, stop, step)):
                out.append((0, 0, 1))  # empty; a negative start/stop would wrap around in NumPy
            else:
                out.append((start, None if (step < 0 and stop < 0) else stop, step))
        elif isinstance(i, bool | np.bool_):
            raise TypeError("boolean scalars are not supported as indices")
        else:
            try:
                k = i.__index__()
            except (AttributeError, TypeError):
                raise TypeError(
                    f"unsupported index {i!r} of type {type(i).__name__}: functrans supports ints, "
                    "slices, '...' and None (basic indexing)"
                ) from None
            if size == 0:
                raise IndexError(f"index {k} is out of bounds for axis {dim} with size 0")
            out.append(min(max(k + size if k < 0 else k, 0), size - 1))  # out of bounds: clamped, as JAX
        dim += 1
    return tuple(out)


def index(x: Any, idx: Any) -> Any:
    """Basic NumPy indexing ``x[idx]`` with a static index."""
    return bind(index_p, (x,), {"idx": normalize_index(idx, _shape(x))})


index_put_p = _prim("index_put")  # the transpose of index: scatter into zeros


def _index_put_impl(ct: Any, idx: Index, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, _dtype(ct))
    out[_to_numpy_index(idx)] = ct
    return out


index_put_p.impl = _index_put_impl
index_put_p.abstract_eval = lambda ct, idx, shape: ShapedArray(shape, ct.dtype)
deflinear(index_p, lambda ct, x, idx: [bind(index_put_p, (ct,), {"idx": idx, "shape": x.aval.shape})])
deflinear(index_put_p, lambda ct, x, idx, shape: [bind(index_p, (ct,), {"idx": idx})])


def _index_batch(vals: Sequence[Any], dims: Sequence[Any], idx: Index) -> tuple[Any, int]:
    # a full slice over the batch axis goes in front of the index entry for that axis
    (x,), (d,) = vals, dims
    full = (0, _shape(x)[d], 1)
    new: list[Any] = []
    consumed = produced = 0
    out_d = -1
    for i in idx:
        if out_d < 0 and i is not None and consumed == d:
            new.append(full)
            out_d = produced
            produced += 1
        new.append(i)
        if i is None:
            produced += 1
        else:
            consumed += 1
            produced += type(i) is tuple
    if out_d < 0:  # the batch axis is among the trailing axes the index leaves alone
        out_d = produced + d - consumed
    return bind(index_p, (x,), {"idx": tuple(new)}), out_d


def _index_put_batch(
    vals: Sequence[Any], dims: Sequence[Any], idx: Index, shape: tuple[int, ...]
) -> tuple[Any, int]:
    (ct,), (d,) = vals, dims
    size = _shape(ct)[d]
    params = {"idx": ((0, size, 1),) + idx, "shape": (size,) + shape}
    return bind(index_put_p, (moveaxis(ct, d, 0),), params), 0


index_p.batch, index_put_p.batch = _index_batch, _index_put_batch

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(index_p, index_put_p)
