"""More elementwise functions of ``functrans.numpy``: ``gcd``, ``lcm``, ``frexp``, ``ldexp``,
``modf``, ``spacing``, ``nextafter``, ``i0``, and ``sort_complex``, ``unwrap``, ``trapezoid``.

Dtypes follow JAX (x64): integer and boolean inputs of the floating functions are computed
in ``float32`` when at most 32 bits wide and in ``float64`` otherwise (JAX's
``promote_dtypes_inexact``); ``frexp``'s exponent is ``int32``. Values follow JAX where it
differs from NumPy: ``modf`` is ``(x - trunc(x), trunc(x))`` (so ``modf(inf)`` has a NaN
fractional part and ``modf(-3.0)`` a +0.0 one). Derivatives: ``frexp``'s mantissa and
``ldexp`` scale by the power of two, ``modf``'s fractional part has slope 1 and its integral
part 0, ``i0' = i1``; ``nextafter`` and ``spacing`` raise ``NotImplementedError`` under
differentiation (as JAX).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src.core import get_aval
from functrans._src.lax.numpy_extra import bessel_i0, discrete_ufunc
from functrans._src.lax.numpy_extra import ldexp as _ldexp
from functrans._src.numpy.dtypes_api import inexact_dtype, result_type
from functrans._src.numpy.families import FAMILIES as _F
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = [
    "gcd", "lcm", "frexp", "ldexp", "modf", "spacing", "nextafter", "i0", "sort_complex", "unwrap", "trapezoid",
]  # fmt: skip


def _kind(x: Any) -> str:
    return get_aval(x).dtype.kind


def _to_inexact(x: Any) -> Any:
    """``x`` as JAX's inexact dtype (see the module docstring); Python scalars stay weak."""
    if isinstance(x, float | complex):
        return x
    if isinstance(x, bool | int):
        return float(x)
    x = _arr(x)
    dt = inexact_dtype(x)
    return x if get_aval(x).dtype == dt else _F.astype(x, dt)


def _integers(name: str, *xs: Any) -> list[Any]:
    out = [_arr(x) for x in xs]
    if any(_kind(x) not in "iu" for x in out):
        raise ValueError(f"Arguments to functrans.numpy.{name} must be integers.")
    return out


def gcd(x1: Any, x2: Any) -> Any:
    """Elementwise greatest common divisor of integer arrays (non-negative)."""
    return discrete_ufunc("gcd", *_integers("gcd", x1, x2))


def lcm(x1: Any, x2: Any) -> Any:
    """Elementwise least common multiple of integer arrays (non-negative)."""
    return discrete_ufunc("lcm", *_integers("lcm", x1, x2))


def _real_float(x: Any, name: str) -> Any:
    x = _to_inexact(x)
    if isinstance(x, complex) or _kind(x) == "c":
        raise TypeError(f"functrans.numpy.{name} does not support complex inputs")
    return x


def frexp(x: Any, /) -> tuple[Any, Any]:
    """Mantissa in [0.5, 1) (with the sign of ``x``) and ``int32`` exponent, ``x = m * 2**e``."""
    x = _real_float(x, "frexp")
    x = _F.asarray(x) if isinstance(x, float) else x
    e = discrete_ufunc("frexp_exponent", x)
    return _ldexp(x, _F.negative(e)), e


def ldexp(x1: Any, x2: Any, /) -> Any:
    """Elementwise ``x1 * 2**x2`` for an integer ``x2`` (rounded once; the dtype of ``x1``)."""
    x2 = _arr(x2)
    if isinstance(x2, float) or _kind(x2) not in "iu":
        d1 = get_aval(_arr(x1)).dtype
        raise ValueError(f"ldexp not supported for input types ({d1!r}, {get_aval(x2).dtype!r})")
    x1 = _real_float(x1, "ldexp")
    if isinstance(x1, float):
        x1 = np.asarray(x1)
    return _ldexp(x1, x2)


def modf(x: Any, /, out: None = None) -> tuple[Any, Any]:
    """Fractional and integral parts, ``(x - trunc(x), trunc(x))`` (as JAX)."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to functrans.numpy.modf is not supported.")
    x = _real_float(x, "modf")
    whole = _F.trunc(x)
    return _F.subtract(x, whole), whole


def spacing(x: Any, /) -> Any:
    """Elementwise distance from ``x`` to the adjacent float away from zero (signed like ``x``)."""
    x = _real_float(x, "spacing")
    return discrete_ufunc("spacing", _F.asarray(x) if isinstance(x, float) else x)


def nextafter(x: Any, y: Any, /) -> Any:
    """Elementwise the next float after ``x`` towards ``y`` (both promoted to a common float)."""
    dt = inexact_dtype(np.empty((), result_type(x, y)))
    if dt.kind == "c":
        raise TypeError("functrans.numpy.nextafter does not support complex inputs")
    return discrete_ufunc("nextafter", _F.asarray(x, dtype=dt), _F.asarray(y, dtype=dt))


def i0(x: Any) -> Any:
    """The modified Bessel function of the first kind of order 0 (differentiable: ``i0' = i1``)."""
    x = _to_inexact(x)
    if isinstance(x, complex) or _kind(x) == "c":
        raise ValueError(f"Unsupported input type to functrans.numpy.i0: {get_aval(_arr(x)).dtype}")
    return bessel_i0(_F.asarray(x) if isinstance(x, float) else x)


def _complex_dtype(dt: np.dtype) -> np.dtype:
    if dt.kind == "c":
        return dt
    return np.dtype(np.complex128) if inexact_dtype(np.empty((), dt)) == np.float64 else np.dtype(np.complex64)


def sort_complex(a: Any) -> Any:
    """``a`` sorted along its last axis by real part, then imaginary part; a complex result."""
    a = _arr(a)
    a = _F.asarray(a)
    dt = _complex_dtype(get_aval(a).dtype)
    return _F.sort(_F.astype(a, dt), axis=-1)


def unwrap(p: Any, discont: Any = None, axis: int = -1, period: Any = 2 * math.pi) -> Any:
    """Unwrap phase jumps larger than ``discont`` (default ``period / 2``) along ``axis`` by
    multiples of ``period`` (NumPy's algorithm; integer arrays with an integer period stay integer)."""
    p = _F.asarray(_arr(p))
    if _kind(p) == "c":
        raise ValueError("functrans.numpy.unwrap does not support complex inputs.")
    shape = _shape(p)
    ax = _axis(axis, len(shape))
    dd = _F.diff(p, axis=ax)
    if discont is None:
        discont = _F.divide(period, 2)
    dt = result_type(dd, period)
    integer = np.dtype(dt).kind in "iu"
    if integer:
        interval_high, rem = _F.floor_divide(period, 2), _F.remainder(period, 2)
        ambiguous = _F.equal(rem, 0)
    else:
        interval_high, ambiguous = _F.divide(period, 2), True
    interval_low = _F.negative(interval_high)
    ddmod = _F.add(_F.remainder(_F.subtract(dd, interval_low), period), interval_low)
    fix = _F.logical_and(_F.logical_and(_F.equal(ddmod, interval_low), _F.greater(dd, 0)), ambiguous)
    ddmod = _F.where(fix, interval_high, ddmod)
    ph_correct = _F.where(_F.less(_F.abs(dd), discont), 0, _F.subtract(ddmod, dd))
    pre = (slice(None),) * ax
    head = p[pre + (slice(0, 1),)]
    tail = _F.add(p[pre + (slice(1, None),)], _F.cumsum(ph_correct, axis=ax))
    out = _F.concatenate([_F.astype(head, get_aval(tail).dtype), tail], axis=ax)
    return _F.astype(out, dt) if get_aval(out).dtype != dt else out


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """Integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x`` (or
    spaced ``dx`` apart); computed in JAX's inexact dtype of ``y`` (and ``x``)."""
    y = _F.asarray(_arr(y))
    if x is None:
        y = _to_inexact(y)
        d = dx
    else:
        x = _F.asarray(_arr(x))
        dt = inexact_dtype(np.empty((), result_type(y, x)))
        y, x = _F.astype(y, dt), _F.astype(x, dt)
        nx = len(_shape(x))
        d = _F.diff(x) if nx == 1 else _F.moveaxis(_F.diff(x, axis=axis), axis, -1)
    ya = _F.moveaxis(y, axis, -1)
    return _F.multiply(0.5, _F.sum(_F.multiply(d, _F.add(ya[..., 1:], ya[..., :-1])), axis=-1))
