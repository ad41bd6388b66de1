"""Elementwise functions of ``functrans.numpy`` (NumPy's ufuncs), plus ``where`` and ``clip``."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import ConcretizationTypeError, Tracer, get_aval
from functrans._src.numpy.indexing import nonzero as _nonzero
from functrans._src.numpy.util import _arr

__all__ = [
    "negative", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "exp", "log", "log1p", "expm1", "sqrt", "sign", "floor", "ceil", "absolute", "abs",
    "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "arctan2",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_not", "stop_gradient",
    "positive", "square", "reciprocal", "power", "round", "around", "where", "clip",
    "floor_divide", "remainder", "mod", "divmod",
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


def _check_integer_power(x: Any, y: Any) -> None:
    """NumPy's ValueError for an integer base raised to a (concrete) negative integer power."""
    if get_aval(_arr(x)).dtype.kind not in "biu":
        return
    if isinstance(y, Tracer):
        if get_aval(y).dtype.kind not in "biu":
            return
        try:
            y = y._trace.concrete(y, "power")
        except ConcretizationTypeError:
            return  # an abstract exponent cannot be checked
    y = np.asarray(_arr(y))
    if y.dtype.kind in "iu" and (y < 0).any():
        raise ValueError("Integers to negative integer powers are not allowed.")


def power(x: Any, y: Any) -> Any:
    """Elementwise ``x ** y``; an integer scalar exponent uses exact repeated multiplication.

    As NumPy, an integer base raised to a negative integer power raises ``ValueError``
    (checked whenever the exponent is concrete, also under transformations).
    """
    _check_integer_power(x, y)
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


def where(condition: Any, x: Any = None, y: Any = None, *, size: int | None = None, fill_value: Any = None) -> Any:
    """``x`` where ``condition`` holds, else ``y``; ``where(condition)`` is ``nonzero(condition)``
    (concrete conditions only, or a static ``size=`` as JAX)."""
    if x is None and y is None:
        return _nonzero(condition, size=size, fill_value=fill_value)
    if x is None or y is None:
        raise ValueError("either both or neither of x and y should be given")
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


# --------------------------------------------------------------------------- floor division and remainder


def floor_divide(x: Any, y: Any) -> Any:
    """Elementwise ``x // y``, rounded toward minus infinity (NumPy's values); zero derivative."""
    return lax.floor_divide(_arr(x), _arr(y))


def remainder(x: Any, y: Any) -> Any:
    """Elementwise ``x % y`` with the sign of ``y`` (NumPy's values)."""
    return lax.rem(_arr(x), _arr(y))


mod = remainder


def divmod(x: Any, y: Any) -> tuple[Any, Any]:  # noqa: A001
    """``(floor_divide(x, y), remainder(x, y))``."""
    return floor_divide(x, y), remainder(x, y)
