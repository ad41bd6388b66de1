"""The products of ``functrans.numpy.linalg`` (``matmul``, ``tensordot``, ``vecdot``) with
jax.numpy.linalg's keywords: ``preferred_element_type`` sets the result dtype (integer
operands of a floating type are converted first, as ``jax.lax.dot_general``); ``precision``
and ``out_sharding`` are accepted and ignored (NumPy computes at full precision)."""

from __future__ import annotations

from typing import Any

from functrans._src.numpy import linalg as _L
from functrans._src.numpy.contraction import _pet_in, _pet_out
from functrans._src.numpy.util import _arr

__all__ = ["matmul", "tensordot", "vecdot"]


def matmul(x1: Any, x2: Any, /, *, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Matrix product with NumPy's rules (1-d operands are vectors; leading axes broadcast)."""
    if preferred_element_type is None:
        return _L.matmul(x1, x2)
    return _pet_out(_L.matmul(*_pet_in(_arr(x1), _arr(x2), preferred_element_type)), preferred_element_type)


def tensordot(x1: Any, x2: Any, /, *, axes: Any = 2, precision: Any = None, preferred_element_type: Any = None,
              out_sharding: Any = None) -> Any:  # fmt: skip
    """Sum of products over ``axes`` (an int: the last ``axes`` of x1 with the first of x2)."""
    if preferred_element_type is None:
        return _L.tensordot(x1, x2, axes=axes)
    a, b = _pet_in(_arr(x1), _arr(x2), preferred_element_type)
    return _pet_out(_L.tensordot(a, b, axes=axes), preferred_element_type)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Dot product of vectors along ``axis`` (broadcasting the other axes); complex ``x1`` is
    conjugated, as in NumPy and JAX."""
    if preferred_element_type is None:
        return _L.vecdot(x1, x2, axis=axis)
    a, b = _pet_in(_arr(x1), _arr(x2), preferred_element_type)
    return _pet_out(_L.vecdot(a, b, axis=axis), preferred_element_type)
