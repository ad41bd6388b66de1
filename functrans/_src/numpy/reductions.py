"""Reductions of ``functrans.numpy``: sum, prod, max, min, mean, var, std."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.util import _arr, _axes, _count, _shape

__all__ = ["sum", "prod", "max", "min", "amax", "amin", "mean", "var", "std"]


def _reduce(p_fn: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    a = _arr(a)
    return p_fn(a, _axes(axis, len(_shape(a))), keepdims)


def sum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Sum over ``axis`` (all axes by default)."""
    out = _reduce(lax.reduce_sum, a, axis, keepdims)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def prod(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Product over ``axis``; its derivative is exact even where elements are zero."""
    out = _reduce(lax.reduce_prod, a, axis, keepdims)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def max(a: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Maximum over ``axis``; tied elements share the derivative equally."""
    return _reduce(lax.reduce_max, a, axis, keepdims)


def min(a: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Minimum over ``axis``; tied elements share the derivative equally."""
    return _reduce(lax.reduce_min, a, axis, keepdims)


amax, amin = max, min


def mean(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis``."""
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    s = lax.reduce_sum(a, axes, keepdims)
    if get_aval(s).dtype.kind in "biu":
        s = lax.convert_element_type(s, np.float64)
    out = lax.div(s, float(_count(shape, axes)))
    return out if dtype is None else lax.convert_element_type(out, dtype)


def var(a: Any, axis: Any = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom."""
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    centered = lax.sub(a, mean(a, axes, keepdims=True))
    dof = _count(shape, axes) - ddof
    # as JAX: NaN when there are no degrees of freedom left
    out = lax.div(lax.reduce_sum(lax.integer_pow(centered, 2), axes, keepdims), float(dof) if dof > 0 else np.nan)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def std(a: Any, axis: Any = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """Standard deviation over ``axis``."""
    return lax.sqrt(var(a, axis, dtype, ddof, keepdims))
