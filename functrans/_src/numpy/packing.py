"""Bits and flat indices in ``functrans.numpy``: packbits, unpackbits, ravel_multi_index.

Built on integer arithmetic of other ``functrans.numpy`` functions (so they trace under jit
and vmap); results follow ``jax.numpy``: ``packbits``/``unpackbits`` give uint8, and
``ravel_multi_index`` int64 by default (x64).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import ConcretizationTypeError, Tracer, get_aval
from functrans._src.numpy.families import FAMILIES as fnp
from functrans._src.numpy.util import _axis, _shape

__all__ = ["packbits", "unpackbits", "ravel_multi_index"]


def _check_bitorder(bitorder: str) -> None:
    if bitorder not in ("little", "big"):
        raise ValueError("'order' must be either 'little' or 'big'")


def _last(arr: Any, axis: int | None) -> tuple[Any, int]:
    """``arr`` with ``axis`` swapped to the end (flattened if None), and that axis."""
    if axis is None:
        return fnp.ravel(arr), 0
    ax = _axis(axis, len(_shape(arr)))
    return fnp.swapaxes(arr, ax, -1), ax


def packbits(a: Any, axis: int | None = None, bitorder: str = "big") -> Any:
    """The truth values of ``a`` packed eight to a uint8 along ``axis`` (flattened if None),
    zero-padded at the end; bit order ``"big"`` (first element in the top bit) or
    ``"little"``."""
    arr = fnp.asarray(a)
    if get_aval(arr).dtype.kind not in "iub":
        raise TypeError("Expected an input array of integer or boolean data type")
    _check_bitorder(bitorder)
    arr, ax = _last(fnp.asarray(arr != 0, dtype=np.int64), axis)
    shape = _shape(arr)
    rem = shape[-1] % 8
    if rem:
        arr = fnp.pad(arr, [(0, 0)] * (len(shape) - 1) + [(0, 8 - rem)])
    arr = fnp.reshape(arr, shape[:-1] + ((shape[-1] + 7) // 8, 8))
    weights = 2 ** np.arange(8, dtype=np.int64)
    if bitorder == "big":
        weights = weights[::-1].copy()
    packed = fnp.asarray(fnp.sum(arr * weights, axis=-1), dtype=np.uint8)
    return packed if axis is None else fnp.swapaxes(packed, ax, -1)


def unpackbits(a: Any, axis: int | None = None, count: int | None = None, bitorder: str = "big") -> Any:
    """The bits of the uint8 array ``a`` as uint8 zeros and ones along ``axis`` (flattened if
    None); ``count`` keeps that many (a negative count drops from the end; more pads with 0)."""
    arr = fnp.asarray(a)
    if get_aval(arr).dtype != np.uint8:
        raise TypeError("Expected an input array of unsigned byte data type")
    _check_bitorder(bitorder)
    arr, ax = _last(arr, axis)
    powers = 2 ** np.arange(8, dtype=np.int64)
    if bitorder == "big":
        powers = powers[::-1].copy()
    wide = fnp.asarray(arr, dtype=np.int64)[..., None]
    bits = fnp.asarray(fnp.remainder(fnp.floor_divide(wide, powers), 2), dtype=np.uint8)
    shape = _shape(bits)
    bits = fnp.reshape(bits, shape[:-2] + (shape[-2] * 8,))
    if count is not None:
        count = int(count)
        total = _shape(bits)[-1]
        if count > total:
            bits = fnp.pad(bits, [(0, 0)] * (len(_shape(bits)) - 1) + [(0, count - total)])
        else:
            bits = bits[..., :count]
    return bits if axis is None else fnp.swapaxes(bits, ax, -1)


def ravel_multi_index(multi_index: Sequence[Any], dims: Sequence[int], mode: str = "raise",
                      order: str = "C", *, dtype: Any = None) -> Any:  # fmt: skip
    """Flat indices into an array of shape ``dims`` of the index arrays ``multi_index``.
    ``mode``: ``"raise"`` (needs concrete indices; ValueError if out of bounds), ``"wrap"``,
    ``"clip"`` or ``"ignore"``; ``order`` ``"C"`` (row-major) or ``"F"``."""
    if len(multi_index) != len(dims):
        raise ValueError(
            f"ravel_multi_index: multi_index has {len(multi_index)} index arrays but dims has {len(dims)} entries"
        )
    dims = tuple(int(d.__index__()) for d in dims)
    idx = [fnp.asarray(i) for i in multi_index]
    if dtype is None:  # as JAX: Python's int is weakly typed, so int32 indices give int32
        dt = np.result_type(*(get_aval(i).dtype for i in idx)) if idx else np.dtype(np.int64)
    else:
        dt = np.dtype(dtype)
    if dt.kind not in "iu":
        raise ValueError(f"dtype={dt} is not an integer type.")
    if math.prod(dims) - 1 > np.iinfo(dt).max:
        raise ValueError(
            f"functrans.numpy.ravel_multi_index: dtype={dt} not large enough to hold flattened index for "
            f"dims={dims}. Use the dtype argument to pass a suitable dtype."
        )
    for i in idx:
        if get_aval(i).dtype.kind not in "iu":
            raise TypeError("only int indices permitted")
    if mode == "raise":
        conc = []
        for i in idx:
            if isinstance(i, Tracer):
                try:
                    i = i._trace.concrete(i, "ravel_multi_index")
                except ConcretizationTypeError:
                    raise ConcretizationTypeError(
                        "ravel_multi_index with mode='raise' needs concrete index values (under jit or vmap "
                        "they are not known). Use mode='wrap' or mode='clip' instead."
                    ) from None
            conc.append(np.asarray(i))
        if any(((c < 0) | (c >= d)).any() for c, d in zip(conc, dims)):
            raise ValueError("invalid entry in coordinates array")
    elif mode == "clip":
        idx = [fnp.clip(i, 0, d - 1) for i, d in zip(idx, dims)]
    elif mode == "wrap":
        idx = [fnp.remainder(i, d) for i, d in zip(idx, dims)]
    elif mode != "ignore":
        raise ValueError(f"invalid mode={mode!r}. Expected 'raise', 'wrap', 'clip', or 'ignore'.")
    if order == "F":
        strides = np.cumprod((1,) + dims[:-1])
    elif order == "C":
        strides = np.cumprod((1,) + dims[1:][::-1])[::-1]
    else:
        raise ValueError(f"invalid order={order!r}. Expected 'C' or 'F'")
    out: Any = np.zeros((), dt)
    for i, s in zip(idx, strides):
        out = out + lax.convert_element_type(i, dt) * np.asarray(int(s), dt)
    return out
