"""Elementwise functions of ``functrans.numpy`` (NumPy's ufuncs), plus ``where`` and ``clip``."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import ConcretizationTypeError, OperandError, Tracer, get_aval
from functrans._src.lax.rules import _jax_elementwise_dtype, inexact_dtype
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
    "arcsinh", "arccosh", "arctanh", "exp2", "log2", "log10", "cbrt", "fabs", "deg2rad", "rad2deg",
    "degrees", "radians", "sinc", "trunc", "rint", "fix", "fmax", "fmin", "hypot", "logaddexp",
    "logaddexp2", "fmod", "copysign", "heaviside", "float_power", "nan_to_num", "isnan", "isinf",
    "isfinite", "isposinf", "isneginf", "signbit", "logical_xor", "real", "imag", "conj", "conjugate",
    "angle", "iscomplex", "isreal", "iscomplexobj", "isrealobj", "real_if_close",
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
equal, not_equal = lax.eq, lax.ne
stop_gradient = lax.stop_gradient


def _is_complex(x: Any) -> bool:
    return get_aval(x).dtype.kind == "c"


def _lexicographic(strict: Any, x: Any, y: Any) -> Any:
    """``strict`` (lt or gt) on complex values, ordered by real part then imaginary part (as NumPy
    and JAX); ``None`` when neither operand is complex."""
    x, y = _arr(x), _arr(y)
    if not (_is_complex(x) or _is_complex(y)):
        return None
    xr, xi, yr, yi = _re(x), _im(x), _re(y), _im(y)
    return lax.logical_or(strict(xr, yr), lax.logical_and(lax.eq(xr, yr), strict(xi, yi)))


def less(x1: Any, x2: Any) -> Any:
    """Elementwise ``x1 < x2`` (complex values in lexicographic order, as NumPy)."""
    out = _lexicographic(lax.lt, x1, x2)
    return lax.lt(x1, x2) if out is None else out


def greater(x1: Any, x2: Any) -> Any:
    """Elementwise ``x1 > x2`` (complex values in lexicographic order, as NumPy)."""
    out = _lexicographic(lax.gt, x1, x2)
    return lax.gt(x1, x2) if out is None else out


def less_equal(x1: Any, x2: Any) -> Any:
    """Elementwise ``x1 <= x2`` (complex values in lexicographic order, as NumPy)."""
    out = _lexicographic(lax.lt, x1, x2)
    return lax.le(x1, x2) if out is None else lax.logical_or(out, lax.eq(_arr(x1), _arr(x2)))


def greater_equal(x1: Any, x2: Any) -> Any:
    """Elementwise ``x1 >= x2`` (complex values in lexicographic order, as NumPy)."""
    out = _lexicographic(lax.gt, x1, x2)
    return lax.ge(x1, x2) if out is None else lax.logical_or(out, lax.eq(_arr(x1), _arr(x2)))


def positive(x: Any) -> Any:
    """Elementwise ``+x``."""
    return x


def square(x: Any) -> Any:
    """Elementwise ``x ** 2`` (booleans square in int32, as JAX)."""
    x = _arr(x)
    if isinstance(x, np.ndarray | Tracer) and get_aval(x).dtype.kind == "b":
        x = lax.convert_element_type(x, np.int32)
    return lax.integer_pow(x, 2)


def reciprocal(x: Any) -> Any:
    """Elementwise ``1 / x``."""
    return lax.integer_pow(_inexact(x), -1)


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
        raise OperandError("Integers to negative integer powers are not allowed.")


def power(x: Any, y: Any) -> Any:
    """Elementwise ``x ** y``; an integer scalar exponent uses exact repeated multiplication.

    As NumPy, an integer base raised to a negative integer power raises ``ValueError``
    (checked whenever the exponent is concrete, also under transformations).
    """
    _check_integer_power(x, y)
    if isinstance(y, int | np.integer) and not isinstance(y, bool):
        return lax.integer_pow(x, int(y))
    return lax.pow(x, y)


def round(a: Any, decimals: int = 0, out: None = None) -> Any:  # noqa: A001
    """Round to ``decimals`` places (half to even, as NumPy; complex values part by part);
    zero derivative."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.round is not supported.")
    x = _arr(a)
    if _is_complex(x):
        return lax.complex(round(lax.real(x), decimals), round(lax.imag(x), decimals))
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
    if any(v is not None and _is_complex(_arr(v)) for v in (a, lo, hi)):
        raise ValueError(
            "clip: complex values have no ordering and cannot be clipped (as in JAX); "
            "clip the real or imaginary part (functrans.numpy.real / imag) instead"
        )
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


# --------------------------------------------------------------------------- more elementwise functions


def _sig_of(args: tuple[Any, ...]) -> tuple[tuple[np.dtype, bool], ...]:
    out = []
    for a in args:
        av = get_aval(a)
        out.append((av.dtype, av.weak_type))
    return tuple(out)


def _result_dtype(fn: Any, *args: Any) -> np.dtype:
    """The dtype of ``fn`` for these arguments (Python scalars weakly typed): NumPy's, with JAX's
    floating type for integer operands (see functrans._src.lax.rules._jax_elementwise_dtype)."""
    return _jax_elementwise_dtype(fn, _sig_of(args))


def _cast(x: Any, dt: np.dtype) -> Any:
    if isinstance(x, bool | int | float) and not isinstance(x, bool) and dt.kind in "fc":
        return float(x)  # a Python scalar stays weakly typed
    return x if get_aval(x).dtype == dt else lax.convert_element_type(x, dt)


def _inexact(x: Any) -> Any:
    """``x`` as a floating value: integer and boolean arrays become JAX's floating type for them
    (float64 for 64-bit integers, else float32), Python ints floats."""
    if isinstance(x, bool | int) and not isinstance(x, np.ndarray):
        return float(x)
    if isinstance(x, float):
        return x
    dt = get_aval(x).dtype
    return x if dt.kind in "fc" else lax.convert_element_type(x, inexact_dtype(dt))


arcsinh, arccosh, arctanh = lax.asinh, lax.acosh, lax.atanh
exp2, log2, log10, cbrt = lax.exp2, lax.log2, lax.log10, lax.cbrt


def _not_for_complex(x: Any, name: str) -> Any:
    x = _arr(x)
    if _is_complex(x):
        raise ValueError(f"functrans.numpy.{name} is not defined for complex values")
    return x


def signbit(x: Any) -> Any:
    """True where the sign bit is set (also for -0.0 and -nan); complex values raise ValueError (as JAX)."""
    return lax.signbit(_not_for_complex(x, "signbit"))


def fabs(x: Any) -> Any:
    """Elementwise absolute value as a float (NumPy's ``fabs``); derivative +1 at 0 as ``abs``.
    Complex values are rejected (TypeError, as NumPy and JAX)."""
    x = _arr(x)
    if _is_complex(x):
        raise TypeError("functrans.numpy.fabs does not support complex values (use abs)")
    return lax.abs(_inexact(x))


def deg2rad(x: Any) -> Any:
    """Degrees to radians: ``x * (pi / 180)``."""
    return lax.mul(_inexact(_arr(x)), np.pi / 180.0)


def rad2deg(x: Any) -> Any:
    """Radians to degrees: ``x * (180 / pi)`` (the constant rounded as NumPy's for float32)."""
    x = _inexact(_arr(x))
    if get_aval(x).dtype == np.float32:
        return lax.mul(x, float(np.float32(180.0) / np.float32(np.pi)))
    return lax.mul(x, 180.0 / np.pi)


degrees, radians = rad2deg, deg2rad


def sinc(x: Any) -> Any:
    """``sin(pi x) / (pi x)``, 1 at 0; exact derivatives at 0 to every order (as JAX: 0, -pi**2/3, ...)."""
    x = _inexact(_arr(x))
    is_zero = lax.eq(x, 0.0)
    pi_x = lax.mul(np.pi, x)
    safe = lax.select(is_zero, np.ones((), get_aval(pi_x).dtype), pi_x)
    return lax.select(is_zero, lax.sinc_maclaurin(pi_x, 0), lax.div(lax.sin(safe), safe))


def trunc(x: Any) -> Any:
    """Round toward zero; zero derivative."""
    x = _arr(x)
    if get_aval(x).dtype.kind in "biu":
        return x
    return lax.select(lax.lt(x, 0), lax.ceil(x), lax.floor(x))


fix = trunc


def rint(x: Any) -> Any:
    """Round to the nearest integer, halves to even, as a float (complex values part by part);
    zero derivative."""
    x = _arr(x)
    if _is_complex(x):
        return lax.complex(rint(lax.real(x)), rint(lax.imag(x)))
    return lax.round(_inexact(x))


def fmax(x1: Any, x2: Any) -> Any:
    """Elementwise maximum ignoring NaNs; on a tie the derivative goes to ``x2`` (as JAX)."""
    x1, x2 = _arr(x1), _arr(x2)
    return lax.select(lax.logical_or(greater(x1, x2), isnan(x2)), x1, x2)


def fmin(x1: Any, x2: Any) -> Any:
    """Elementwise minimum ignoring NaNs; on a tie the derivative goes to ``x2`` (as JAX)."""
    x1, x2 = _arr(x1), _arr(x2)
    return lax.select(lax.logical_or(less(x1, x2), isnan(x2)), x1, x2)


def hypot(x1: Any, x2: Any) -> Any:
    """``sqrt(x1**2 + x2**2)`` without overflow; derivatives as JAX (1/2 each at the origin)."""
    x1, x2 = _arr(x1), _arr(x2)
    if _is_complex(x1) or _is_complex(x2):
        raise ValueError("hypot is not defined for complex values (as in JAX); apply it to abs(x) or the real parts")
    return lax.hypot(x1, x2)


def logaddexp(x1: Any, x2: Any) -> Any:
    """``log(exp(x1) + exp(x2))`` without overflow."""
    return lax.logaddexp(_arr(x1), _arr(x2))


def logaddexp2(x1: Any, x2: Any) -> Any:
    """``log2(2**x1 + 2**x2)`` without overflow."""
    return lax.logaddexp2(_arr(x1), _arr(x2))


def fmod(x1: Any, x2: Any) -> Any:
    """The C remainder: the sign of ``x1`` (NumPy's values); d/dx2 = -trunc(x1/x2)."""
    return lax.fmod(_arr(x1), _arr(x2))


def copysign(x1: Any, x2: Any) -> Any:
    """``|x1|`` with the sign bit of ``x2``; no derivative with respect to ``x2``."""
    x1, x2 = _arr(x1), _arr(x2)
    dt = _result_dtype(np.copysign, x1, x2)
    a = lax.abs(_cast(x1, dt))
    return lax.select(lax.signbit(x2), lax.neg(a), a)


def heaviside(x1: Any, x2: Any) -> Any:
    """0 where ``x1 < 0``, 1 where ``x1 > 0``, ``x2`` where ``x1 == 0`` (NaN where ``x1`` is NaN)."""
    x1, x2 = _arr(x1), _arr(x2)
    dt = _result_dtype(np.heaviside, x1, x2)
    zero, one = np.zeros((), dt), np.ones((), dt)
    out = lax.select(lax.lt(x1, 0), zero, lax.select(lax.gt(x1, 0), one, _cast(x2, dt)))
    return lax.select(isnan(x1), _cast(x1, dt), out) if dt.kind in "fc" else out


def float_power(x1: Any, x2: Any) -> Any:
    """``x1 ** x2`` in the floating type of the operands (JAX's ``float_power``; NumPy's
    computes in at least float64)."""
    x1, x2 = _arr(x1), _arr(x2)
    dt = _result_dtype(np.power, _inexact(x1), _inexact(x2))
    return lax.pow(_cast(x1, dt), _cast(x2, dt))


def nan_to_num(x: Any, copy: bool = True, nan: float = 0.0, posinf: Any = None, neginf: Any = None) -> Any:
    """NaN to ``nan``, +inf to ``posinf`` (default: the largest float), -inf to ``neginf``."""
    x = _arr(x)
    dt = get_aval(x).dtype
    if dt.kind not in "fc":
        return x
    if dt.kind == "c":  # the real and imaginary parts separately (as NumPy and JAX)
        parts = (nan_to_num(p, copy, nan, posinf, neginf) for p in (lax.real(x), lax.imag(x)))
        return lax.complex(*parts)
    fi = np.finfo(dt)
    hi = np.asarray(fi.max if posinf is None else posinf, dt)
    lo = np.asarray(fi.min if neginf is None else neginf, dt)
    out = lax.select(lax.eq(x, np.inf), hi, lax.select(lax.eq(x, -np.inf), lo, x))
    return lax.select(isnan(x), np.asarray(nan, dt), out)


def isnan(x: Any) -> Any:
    """True where ``x`` is NaN."""
    x = _arr(x)
    return lax.ne(x, x)


def isinf(x: Any) -> Any:
    """True where ``x`` is +inf or -inf."""
    x = _arr(x)
    if get_aval(x).dtype.kind in "biu":
        return lax.ne(x, x)  # all False, shaped like x
    if _is_complex(x):
        return lax.logical_or(isinf(lax.real(x)), isinf(lax.imag(x)))
    return lax.eq(lax.abs(x), np.inf)


def isposinf(x: Any, /, out: None = None) -> Any:
    """True where ``x`` is +inf (complex values raise ValueError, as JAX)."""
    return lax.eq(_not_for_complex(x, "isposinf"), np.inf)


def isneginf(x: Any, /, out: None = None) -> Any:
    """True where ``x`` is -inf (complex values raise ValueError, as JAX)."""
    return lax.eq(_not_for_complex(x, "isneginf"), -np.inf)


def isfinite(x: Any) -> Any:
    """True where ``x`` is neither infinite nor NaN (for complex values: both parts finite)."""
    x = _arr(x)
    if _is_complex(x):
        return lax.logical_and(lax.is_finite(lax.real(x)), lax.is_finite(lax.imag(x)))
    return lax.is_finite(x)


def _truth(x: Any) -> Any:
    return x if get_aval(x).dtype == np.dtype(bool) else lax.ne(x, 0)


def logical_and(x1: Any, x2: Any) -> Any:
    """Elementwise and of the truth values (complex operands: nonzero is true, as in JAX)."""
    x1, x2 = _arr(x1), _arr(x2)
    if _is_complex(x1) or _is_complex(x2):
        return lax.logical_and(_truth(x1), _truth(x2))
    return lax.logical_and(x1, x2)


def logical_or(x1: Any, x2: Any) -> Any:
    """Elementwise or of the truth values (complex operands: nonzero is true, as in JAX)."""
    x1, x2 = _arr(x1), _arr(x2)
    if _is_complex(x1) or _is_complex(x2):
        return lax.logical_or(_truth(x1), _truth(x2))
    return lax.logical_or(x1, x2)


def logical_not(x: Any) -> Any:
    """Elementwise not of the truth values (complex operands: nonzero is true, as in JAX)."""
    x = _arr(x)
    if _is_complex(x):
        return lax.logical_not(_truth(x))
    return lax.logical_not(x)


def arctan2(x1: Any, x2: Any) -> Any:
    """Elementwise angle of the point ``(x2, x1)``, as ``np.arctan2``. Complex operands (as
    in JAX) take the analytic continuation ``-i log((x2 + i x1) / sqrt(x1**2 + x2**2))``."""
    y, x = _arr(x1), _arr(x2)
    if not (_is_complex(y) or _is_complex(x)):
        return lax.atan2(y, x)
    dt = np.result_type(get_aval(y).dtype, get_aval(x).dtype)
    y, x = lax.convert_element_type(y, dt), lax.convert_element_type(x, dt)
    r = lax.sqrt(lax.add(lax.mul(x, x), lax.mul(y, y)))
    return lax.mul(lax.log(lax.div(lax.add(x, lax.mul(1j, y)), r)), np.asarray(-1j, dt))


def logical_xor(x1: Any, x2: Any) -> Any:
    """Elementwise exclusive or of the truth values."""
    return lax.ne(_truth(_arr(x1)), _truth(_arr(x2)))


def _re(x: Any) -> Any:
    return lax.real(x) if _is_complex(x) else x


def _im(x: Any) -> Any:
    if _is_complex(x):
        return lax.imag(x)
    av = get_aval(x)
    return np.zeros(av.shape, av.dtype)


def real(val: Any) -> Any:
    """The real part (a float array for complex input); the value itself for real input."""
    return _re(_arr(val))


def imag(val: Any) -> Any:
    """The imaginary part (a float array for complex input); zeros of the input's dtype for real
    input (zero derivative)."""
    return _im(_arr(val))


def conj(x: Any) -> Any:
    """The complex conjugate; the value itself for real input (as ``jax.numpy.conj``)."""
    x = _arr(x)
    return lax.conj(x) if _is_complex(x) else x


conjugate = conj


def angle(z: Any, deg: bool = False) -> Any:
    """The argument of complex values, ``arctan2(imag(z), real(z))`` in radians (or degrees with
    ``deg=True``): pi for negative reals (also -0.0), 0 at 0; integer input gives float64."""
    z = _arr(z)
    if not _is_complex(z):
        z = _inexact(z)
    im, re = _im(z), _re(z)
    out = lax.atan2(im, re)
    return lax.mul(out, 180.0 / np.pi) if deg else out


def iscomplex(x: Any) -> Any:
    """True where the imaginary part is nonzero (all False for real input)."""
    x = _arr(x)
    return lax.ne(_im(x), 0)


def isreal(x: Any) -> Any:
    """True where the imaginary part is zero (all True for real input)."""
    x = _arr(x)
    return lax.eq(_im(x), 0)


def iscomplexobj(x: Any) -> bool:
    """Whether ``x`` has a complex dtype (a static property: no values are read)."""
    return bool(get_aval(_arr(x)).dtype.kind == "c")


def isrealobj(x: Any) -> bool:
    """Whether ``x`` does not have a complex dtype."""
    return not iscomplexobj(x)


def real_if_close(a: Any, tol: float = 100) -> Any:
    """The real part of complex ``a`` if every imaginary part is below ``tol`` machine epsilons
    (``tol`` itself if ``tol <= 1``), else ``a`` unchanged, as NumPy. The result's dtype depends on
    the values, so ``a`` must be concrete (it is under grad/jvp, not under jit or vmap)."""
    a = _arr(a)
    if not _is_complex(a):
        return a
    dt = get_aval(a).dtype
    if tol > 1:
        tol = float(np.finfo(dt).eps) * tol
    small = lax.lt(lax.abs(lax.imag(a)), tol)
    if isinstance(small, Tracer):
        small = small._trace.concrete(small, "real_if_close (its result dtype depends on the values)")
    return lax.real(a) if bool(np.all(small)) else a
