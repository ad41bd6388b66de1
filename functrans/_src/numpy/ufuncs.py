"""Elementwise functions of ``functrans.numpy`` (NumPy's ufuncs), plus ``where`` and ``clip``."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.util import _arr

__all__ = [
    "negative", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "exp", "log", "log1p", "expm1", "sqrt", "sign", "floor", "ceil", "absolute", "abs",
    "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "arctan2",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "stop_gradient",
    "positive", "square", "reciprocal", "power", "round", "around", "where", "clip",
]  # fmt: skip

negative = lax.neg
sin, cos, tan = lax.sin, lax.cos, lax.tan
arcsin, arccos, arctan = lax.asin, lax.acos, lax.atan
sinh, cosh, tanh = lax.sinh, lax.cosh, lax.tanh
exp, log, log1p, expm1 = lax.exp, lax.log, lax.log1p, lax.expm1
sqrt, sign = lax.sqrt, lax.sign
floor, ceil = lax.floor, lax.ceil
absolute = abs = lax.abs  # noqa: A001
add, subtract, multiply = lax.add, lax.sub, lax.mul
divide = true_divide = lax.div
maximum, minimum = lax.maximum, lax.minimum
arctan2 = lax.atan2
equal, not_equal = lax.eq, lax.ne
less, less_equal, greater, greater_equal = lax.lt, lax.le, lax.gt, lax.ge
logical_and, logical_or, logical_not = lax.logical_and, lax.logical_or, lax.logical_not
stop_gradient = lax.stop_gradient


def positive(x: Any) -> Any:
    """Elementwise ``+x``."""
    return x


def square(x: Any) -> Any:
    """Elementwise ``x ** 2``."""
    return lax.integer_pow(x, 2)


def reciprocal(x: Any) -> Any:
    """Elementwise ``1 / x``."""
    return lax.integer_pow(x, -1)


def power(x: Any, y: Any) -> Any:
    """Elementwise ``x ** y``; an integer scalar exponent uses exact repeated multiplication."""
    if isinstance(y, int | np.integer) and not isinstance(y, bool):
        return lax.integer_pow(x, int(y))
    return lax.pow(x, y)


def round(x: Any, decimals: int = 0) -> Any:  # noqa: A001
    """Round to ``decimals`` places (half to even, as NumPy); zero derivative."""
    if decimals == 0:
        return lax.round(x)
    scale = 10.0**decimals
    return lax.div(lax.round(lax.mul(x, scale)), scale)


around = round


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (three-argument form only)."""
    if x is None or y is None:
        raise TypeError("functrans.numpy.where supports only the three-argument form where(condition, x, y)")
    cond = _arr(condition)
    if get_aval(cond).dtype != np.dtype(bool):
        cond = lax.ne(cond, 0)
    return lax.select(cond, _arr(x), _arr(y))


def clip(a: Any, a_min: Any = None, a_max: Any = None, *, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """Limit values to ``[a_min, a_max]`` (either may be ``None``)."""
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    out = a
    if lo is not None:
        out = lax.maximum(lo, out)
    if hi is not None:
        out = lax.minimum(hi, out)
    return out
