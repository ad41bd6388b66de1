"""Array-API names of ``functrans.numpy`` and the bitwise functions.

The array API renames several NumPy functions (``acos`` for ``arccos``, ``pow`` for ``power``,
``concat`` for ``concatenate``, ``permute_dims`` for ``transpose``, ...); as in JAX they are
the same functions under a second name, with the array API's positional-only signatures.
The bitwise functions are integer (and boolean) operations with zero derivatives (the
``discrete_ufunc`` primitive); shifts follow JAX: shifting by a negative amount or by at
least the bit width gives 0, or -1 for a negative value shifted right.
``vecdot``/``matvec``/``vecmat`` conjugate their first vector (as JAX and NumPy 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import get_aval
from functrans._src.lax.numpy_extra import discrete_ufunc
from functrans._src.numpy.families import FAMILIES as _F
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = [
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "pow", "concat", "permute_dims",
    "matrix_transpose", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_invert",
    "bitwise_left_shift", "bitwise_right_shift", "bitwise_count", "invert", "left_shift", "right_shift",
    "unstack", "vecdot", "matvec", "vecmat", "cumulative_prod",
]  # fmt: skip


def acos(x: Any, /) -> Any:
    """Elementwise inverse cosine (the array API's name of ``arccos``)."""
    return _F.arccos(x)


def acosh(x: Any, /) -> Any:
    """Elementwise inverse hyperbolic cosine (``arccosh``)."""
    return _F.arccosh(x)


def asin(x: Any, /) -> Any:
    """Elementwise inverse sine (``arcsin``)."""
    return _F.arcsin(x)


def asinh(x: Any, /) -> Any:
    """Elementwise inverse hyperbolic sine (``arcsinh``)."""
    return _F.arcsinh(x)


def atan(x: Any, /) -> Any:
    """Elementwise inverse tangent (``arctan``)."""
    return _F.arctan(x)


def atan2(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``arctan(x1 / x2)`` in the right quadrant (``arctan2``)."""
    return _F.arctan2(x1, x2)


def atanh(x: Any, /) -> Any:
    """Elementwise inverse hyperbolic tangent (``arctanh``)."""
    return _F.arctanh(x)


def pow(x1: Any, x2: Any, /) -> Any:  # noqa: A001
    """Elementwise ``x1 ** x2`` (``power``)."""
    return _F.power(x1, x2)


def concat(arrays: Sequence[Any], /, *, axis: int | None = 0) -> Any:
    """Join arrays along an existing axis (``concatenate``; ``axis=None`` flattens first)."""
    return _F.concatenate(arrays, axis=axis)


def permute_dims(a: Any, /, axes: tuple[int, ...]) -> Any:
    """Permute the axes of ``a`` (``transpose`` with required ``axes``)."""
    return _F.transpose(a, axes)


def matrix_transpose(x: Any, /) -> Any:
    """Swap the last two axes of ``x`` (at least 2-d)."""
    x = _arr(x)
    nd = len(_shape(x))
    if nd < 2:
        raise ValueError(f"x must be at least two-dimensional for matrix_transpose; got ndim={nd}")
    return _F.swapaxes(x, -1, -2)


# --------------------------------------------------------------------------- bitwise


def _int_operand(x: Any, name: str) -> Any:
    x = _arr(x)
    kind = get_aval(x).dtype.kind
    if kind not in "biu":
        raise TypeError(f"{name} does not accept dtype {get_aval(x).dtype}: integer or boolean operands are required")
    return x


def bitwise_and(x1: Any, x2: Any, /) -> Any:
    """Elementwise bitwise AND of integer or boolean arrays."""
    return discrete_ufunc("bitwise_and", _int_operand(x1, "bitwise_and"), _int_operand(x2, "bitwise_and"))


def bitwise_or(x1: Any, x2: Any, /) -> Any:
    """Elementwise bitwise OR of integer or boolean arrays."""
    return discrete_ufunc("bitwise_or", _int_operand(x1, "bitwise_or"), _int_operand(x2, "bitwise_or"))


def bitwise_xor(x1: Any, x2: Any, /) -> Any:
    """Elementwise bitwise XOR of integer or boolean arrays."""
    return discrete_ufunc("bitwise_xor", _int_operand(x1, "bitwise_xor"), _int_operand(x2, "bitwise_xor"))


def invert(x: Any, /) -> Any:
    """Elementwise bitwise NOT (logical NOT for booleans)."""
    return discrete_ufunc("invert", _int_operand(x, "invert"))


def bitwise_not(x: Any, /) -> Any:
    """Elementwise bitwise NOT (``invert``)."""
    return invert(x)


def bitwise_invert(x: Any, /) -> Any:
    """Elementwise bitwise NOT (``invert``)."""
    return invert(x)


def left_shift(x: Any, y: Any, /) -> Any:
    """Elementwise ``x << y``; shifts by a negative amount or by at least the bit width give 0."""
    return discrete_ufunc("left_shift", _int_operand(x, "left_shift"), _int_operand(y, "left_shift"))


def right_shift(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 >> x2`` (arithmetic for signed values); shifts by a negative amount or by
    at least the bit width give 0, or -1 for negative ``x1``."""
    return discrete_ufunc("right_shift", _int_operand(x1, "right_shift"), _int_operand(x2, "right_shift"))


def bitwise_left_shift(x: Any, y: Any, /) -> Any:
    """``left_shift`` (the array API's name)."""
    return left_shift(x, y)


def bitwise_right_shift(x1: Any, x2: Any, /) -> Any:
    """``right_shift`` (the array API's name)."""
    return right_shift(x1, x2)


def bitwise_count(x: Any, /) -> Any:
    """The number of 1 bits in the absolute value of each element (``uint8``)."""
    x = _arr(x)
    if get_aval(x).dtype.kind not in "biu":
        raise TypeError(f"bitwise_count does not accept dtype {get_aval(x).dtype}: integer operands are required")
    return discrete_ufunc("bitwise_count", x)


# --------------------------------------------------------------------------- array-API helpers


def unstack(x: Any, /, *, axis: int = 0) -> tuple[Any, ...]:
    """The slices of ``x`` along ``axis``, as a tuple."""
    x = _arr(x)
    shape = _shape(x)
    if not shape:
        raise ValueError("Unstack requires arrays with rank > 0, however a scalar array was passed.")
    ax = _axis(axis, len(shape))
    pre = (slice(None),) * ax
    return tuple(x[pre + (i,)] for i in range(shape[ax]))


def _conj(x: Any) -> Any:
    return _F.conj(x) if get_aval(x).dtype.kind == "c" else x


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """The dot product of vectors along ``axis``, conjugating ``x1`` (broadcasting the others)."""
    x1, x2 = _arr(x1), _arr(x2)
    s1, s2 = _shape(x1), _shape(x2)
    a1, a2 = _axis(axis, len(s1)), _axis(axis, len(s2))
    if s1[a1] != s2[a2]:
        raise ValueError(f"axes must match; got shapes {s1} and {s2} with axis={axis}")
    out = _F.sum(_F.multiply(_F.moveaxis(_conj(x1), a1, -1), _F.moveaxis(x2, a2, -1)), axis=-1)
    return out if preferred_element_type is None else _F.astype(out, preferred_element_type)


def matvec(x1: Any, x2: Any, /) -> Any:
    """The matrix-vector product over the last axes: ``x1`` (..., m, n), ``x2`` (..., n) -> (..., m)."""
    x1, x2 = _arr(x1), _arr(x2)
    s1, s2 = _shape(x1), _shape(x2)
    if len(s1) < 2 or len(s2) < 1:
        raise ValueError(f"matvec needs a matrix and a vector, got shapes {s1} and {s2}")
    if s1[-1] != s2[-1]:
        raise ValueError(f"inconsistent size for core dimension 'n': {s1[-1]} vs {s2[-1]} (matvec of {s1} and {s2})")
    return _F.sum(_F.multiply(x1, _F.expand_dims(x2, -2)), axis=-1)


def vecmat(x1: Any, x2: Any, /) -> Any:
    """The vector-matrix product ``conj(x1) @ x2`` over the last axes: (..., n), (..., n, m) -> (..., m)."""
    x1, x2 = _arr(x1), _arr(x2)
    s1, s2 = _shape(x1), _shape(x2)
    if len(s1) < 1 or len(s2) < 2:
        raise ValueError(f"vecmat needs a vector and a matrix, got shapes {s1} and {s2}")
    if s1[-1] != s2[-2]:
        raise ValueError(f"inconsistent size for core dimension 'n': {s1[-1]} vs {s2[-2]} (vecmat of {s1} and {s2})")
    return _F.sum(_F.multiply(_F.expand_dims(_conj(x1), -1), x2), axis=-2)


def cumulative_prod(x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False) -> Any:
    """Cumulative product (the array API's): ``axis`` required unless ``x`` is 1-d; with
    ``include_initial`` a leading 1. Integer inputs keep their dtype (booleans give int64), as JAX."""
    x = _arr(x)
    nd = len(_shape(x))
    if axis is None:
        if nd != 1:
            raise ValueError(
                f"The input array has rank {nd}, however axis was not set to an explicit value. "
                "The axis argument is only optional for one-dimensional arrays."
            )
        axis = 0
    ax = _axis(axis, nd)
    if dtype is None:
        kind = get_aval(x).dtype.kind
        dtype = np.int64 if kind == "b" else (get_aval(x).dtype if kind in "iu" else None)
    out = _F.cumprod(x, axis=ax, dtype=dtype)
    if dtype is not None and get_aval(out).dtype != np.dtype(dtype):
        out = _F.astype(out, dtype)
    if include_initial:
        oshape = _shape(out)
        ones = _F.ones(oshape[:ax] + (1,) + oshape[ax + 1 :], get_aval(out).dtype)
        out = _F.concatenate([ones, out], ax)
    return out
