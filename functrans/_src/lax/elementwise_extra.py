"""More elementwise functions: inverse hyperbolics, base-2/10 exponentials and logarithms,
``cbrt``, ``logaddexp``/``logaddexp2``, ``fmod``, ``signbit``, ``is_finite`` and the
Maclaurin helper of ``sinc``.

Each primitive's implementation is NumPy's own ufunc, so values and dtypes are NumPy's
exactly; the JVP rules are written with primitives (differentiable to any order) and
follow JAX at the special points (``cbrt'(0) = inf``, ``logaddexp`` with infinities).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import bind
from functrans._src.jvp import jvp_flat
from functrans._src.lax.comparisons import eq, logical_and, logical_or, lt, ne, select, stop_gradient
from functrans._src.lax.complex_parts import real
from functrans._src.lax.elementwise import (
    abs,  # noqa: A004
    add,
    div,
    exp,
    floor,
    floor_divide,
    integer_pow,
    maximum,
    minimum,
    mul,
    neg,
    rem,
    sign,
    sqrt,
    sub,
)
from functrans._src.lax.elementwise import (
    round as round_half_even,
)
from functrans._src.lax.rules import (
    _bcast,
    _dtype,
    _nary,
    _prim,
    _shape,
    _un,
    _unary,
    allow_complex,
    defjvp,
    defjvp_zero,
)

__all__ = [
    "asinh", "acosh", "atanh", "exp2", "log2", "log10", "cbrt", "logaddexp", "logaddexp2",
    "fmod", "signbit", "is_finite", "sinc_maclaurin", "hypot", "hypot_p",
    "asinh_p", "acosh_p", "atanh_p", "exp2_p", "log2_p", "log10_p", "cbrt_p", "logaddexp_p",
    "logaddexp2_p", "fmod_p", "signbit_p", "is_finite_p", "sinc_maclaurin_p",
]  # fmt: skip

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)

asinh_p = _unary("asinh", np.arcsinh)
acosh_p = _unary("acosh", np.arccosh)
atanh_p = _unary("atanh", np.arctanh)
exp2_p = _unary("exp2", np.exp2)
log2_p = _unary("log2", np.log2)
log10_p = _unary("log10", np.log10)
cbrt_p = _unary("cbrt", np.cbrt)

asinh, acosh, atanh = _un(asinh_p), _un(acosh_p), _un(atanh_p)
exp2, log2, log10, cbrt = _un(exp2_p), _un(log2_p), _un(log10_p), _un(cbrt_p)

defjvp(asinh_p, lambda g, ans, x: div(g, sqrt(add(mul(x, x), 1.0))))
# 1 / sqrt((x - 1)(x + 1)): exact near 1, where x*x - 1 would cancel.
# + 0.0 turns the -0 of (x - 1)(x + 1) at x = -1 into +0, so the slope there is +inf as JAX's
defjvp(acosh_p, lambda g, ans, x: div(g, sqrt(add(mul(sub(x, 1.0), add(x, 1.0)), 0.0))))
defjvp(atanh_p, lambda g, ans, x: div(g, sub(1.0, mul(x, x))))
defjvp(exp2_p, lambda g, ans, x: mul(g, mul(ans, _LN2)))
defjvp(log2_p, lambda g, ans, x: div(g, mul(x, _LN2)))
defjvp(log10_p, lambda g, ans, x: div(g, mul(x, _LN10)))
# (1/3) cbrt(x)^-2, infinite at 0 as in JAX.
defjvp(cbrt_p, lambda g, ans, x: mul(g, mul(1.0 / 3.0, integer_pow(ans, -2))))

# --------------------------------------------------------------------------- logaddexp

def _wrap_between(v: np.ndarray, a: float) -> np.ndarray:
    # v wrapped into [-a, a) (JAX's branch for the imaginary part of a complex logaddexp)
    r = np.fmod(v + a, 2 * a)
    return np.where(r < 0, r + 2 * a, r) - a


def _complex_lae(x: np.ndarray, y: np.ndarray, base2: bool) -> np.ndarray:
    # JAX's complex formula: m = max(x, y) (lexicographic), m + log1p(exp(x + y - 2m)),
    # the imaginary part wrapped into [-pi, pi) (divided by log 2 for base 2)
    with np.errstate(all="ignore"):
        m = np.maximum(x, y)
        d = x + y - 2 * m
        out = m + np.log1p(np.exp2(d)) / _LN2 if base2 else m + np.log1p(np.exp(d))
        out = np.asarray(out)
        im = _wrap_between(out.imag, np.pi / _LN2 if base2 else np.pi)
        return (out.real + 1j * im).astype(out.dtype)


def _lae_impl(base2: bool) -> Any:
    real = np.logaddexp2 if base2 else np.logaddexp

    def impl(x: Any, y: Any) -> Any:
        if np.iscomplexobj(x) or np.iscomplexobj(y):
            dt = np.result_type(x, y)
            return _complex_lae(np.asarray(x, dt), np.asarray(y, dt), base2)
        return real(x, y)  # (the operands as given: a Python scalar stays weakly typed)

    return impl


logaddexp_p = _nary("logaddexp", _lae_impl(False))
logaddexp2_p = _nary("logaddexp2", _lae_impl(True))


def logaddexp(x: Any, y: Any) -> Any:
    """Elementwise ``log(exp(x) + exp(y))`` without overflow (NumPy's values)."""
    return bind(logaddexp_p, (x, y), {})


def logaddexp2(x: Any, y: Any) -> Any:
    """Elementwise ``log2(2**x + 2**y)`` without overflow (NumPy's values)."""
    return bind(logaddexp2_p, (x, y), {})


def _finite_or_zero(v: Any) -> Any:
    # +inf replaced by 0 (as JAX's rule: at x = +inf the part is exp(0) = 1, not exp(inf - inf));
    # for complex v JAX tests the real part
    re = real(v) if _dtype(v).kind == "c" else v
    return select(eq(re, np.inf), np.zeros(_shape(v), _dtype(v)), v)


def _lae_part(x: Any, ans: Any, g: Any, base2: bool) -> Any:
    d = sub(_finite_or_zero(x), _finite_or_zero(ans))
    coef = exp(mul(d, _LN2)) if base2 else exp(d)
    out = mul(g, coef)
    return out if _shape(out) == _shape(ans) else _bcast(out, _shape(ans))


defjvp(
    logaddexp_p,
    lambda g, ans, x, y: _lae_part(x, ans, g, False),
    lambda g, ans, x, y: _lae_part(y, ans, g, False),
)
defjvp(
    logaddexp2_p,
    lambda g, ans, x, y: _lae_part(x, ans, g, True),
    lambda g, ans, x, y: _lae_part(y, ans, g, True),
)

# --------------------------------------------------------------------------- fmod

fmod_p = _nary("fmod", np.fmod)


def fmod(x: Any, y: Any) -> Any:
    """Elementwise C ``fmod``: the remainder with the sign of ``x`` (NumPy's values)."""
    return bind(fmod_p, (x, y), {})


def _fmod_jvp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return g if _shape(g) == _shape(ans) else _bcast(g, _shape(ans))


def _fmod_jvp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    # fmod(x, y) = x - trunc(x / y) * y, so d/dy = -trunc(x / y) (as JAX's rem)
    q = div(x, y)
    return mul(g, neg(mul(sign(q), floor(abs(q)))))


defjvp(fmod_p, _fmod_jvp_x, _fmod_jvp_y)

# --------------------------------------------------------------------------- hypot

hypot_p = _nary("hypot", np.hypot)


def hypot(x: Any, y: Any) -> Any:
    """Elementwise ``sqrt(x**2 + y**2)`` without overflow (NumPy's values)."""
    return bind(hypot_p, (x, y), {})


def _hypot_formula(x: Any, y: Any) -> Any:
    # JAX's formula, differentiated by the JVP rule below (so its derivatives are JAX's at
    # every order, also at the origin and at |x| == |y|); the values come from np.hypot
    ax, ay = abs(x), abs(y)
    big, small = maximum(ax, ay), minimum(ax, ay)
    big_is_zero = eq(big, 0)
    safe_big = select(big_is_zero, np.ones((), _dtype(big)), big)
    r = div(small, safe_big)
    out = select(big_is_zero, big, mul(big, sqrt(add(1.0, mul(r, r)))))
    any_inf = logical_or(eq(ax, np.inf), eq(ay, np.inf))
    return select(any_inf, np.full((), np.inf, _dtype(out)), out)


def _hypot_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    x, y = primals
    ans = hypot(x, y)
    _, (t,) = jvp_flat(lambda a, b: [_hypot_formula(a, b)], [x, y], list(tangents))
    return ans, t


hypot_p.jvp = _hypot_jvp

# --------------------------------------------------------------------------- predicates

signbit_p = _unary("signbit", np.signbit)
is_finite_p = _unary("is_finite", np.isfinite)
defjvp_zero(signbit_p)
defjvp_zero(is_finite_p)
signbit, is_finite = _un(signbit_p), _un(is_finite_p)

# --------------------------------------------------------------------------- sinc's Maclaurin terms
# sinc is computed as sin(pi x) / (pi x) away from 0; at 0 it takes the value of this
# primitive, whose k-th derivative at 0 is the k-th derivative of sin(t)/t there, so
# sinc is exact at 0 to every order (as JAX: sinc'(0) = 0, sinc''(0) = -pi**2 / 3).

sinc_maclaurin_p = _prim("sinc_maclaurin")


def _maclaurin_coef(k: int) -> float:
    return 0.0 if k % 2 else (-1.0) ** (k // 2) / (k + 1)


def _sinc_maclaurin_impl(x: Any, k: int) -> Any:
    x = np.asarray(x)
    return np.full(x.shape, _maclaurin_coef(k), x.dtype if x.dtype.kind in "fc" else np.float64)


sinc_maclaurin_p.impl = _sinc_maclaurin_impl
sinc_maclaurin_p.abstract_eval = lambda x, k: type(x)(
    x.shape, x.dtype if x.dtype.kind in "fc" else np.dtype(np.float64)
)


def sinc_maclaurin(x: Any, k: int) -> Any:
    """The constant k-th derivative of ``sin(t)/t`` at 0, shaped like ``x``; its derivative is the (k+1)-th."""
    return bind(sinc_maclaurin_p, (x,), {"k": int(k)})


defjvp(sinc_maclaurin_p, lambda g, ans, x, k: mul(g, sinc_maclaurin(x, k + 1)))
sinc_maclaurin_p.batch = lambda vals, dims, k: (sinc_maclaurin(vals[0], k), dims[0])


class RoundingMethod(enum.IntEnum):
    """How ``lax.round`` breaks ties (the values of ``jax.lax.RoundingMethod``)."""

    AWAY_FROM_ZERO = 0
    TO_NEAREST_EVEN = 1


def lax_round(x: Any, rounding_method: Any = RoundingMethod.AWAY_FROM_ZERO) -> Any:
    """Elementwise round to the nearest integer, as ``jax.lax.round``: ties go away from zero
    by default (``rounding_method=RoundingMethod.TO_NEAREST_EVEN`` for NumPy's rule); zero
    derivative everywhere."""
    try:
        method = RoundingMethod(int(rounding_method))
    except (TypeError, ValueError):
        raise ValueError(f"lax.round: rounding_method must be RoundingMethod.AWAY_FROM_ZERO (0) or "
                         f"TO_NEAREST_EVEN (1), got {rounding_method!r}") from None
    x = stop_gradient(x)
    even = round_half_even(x)
    if method == RoundingMethod.TO_NEAREST_EVEN:
        return even
    # only exact ties differ: x - even is then +-0.5 and x + sign(x) / 2 is the integer away from 0
    return select(eq(abs(sub(x, even)), 0.5), add(x, mul(0.5, sign(x))), even)


def _is_int(x: Any) -> bool:
    return _dtype(x).kind in "iu"


def _int_min_one(y: Any) -> Any:
    """The all-ones bit pattern of ``y``'s dtype: -1 signed, the maximum unsigned (XLA's x / 0)."""
    dt = _dtype(y)
    return -1 if dt.kind == "i" else np.iinfo(dt).max


def _weak_int_pair(x: Any, y: Any) -> tuple[Any, Any]:
    """A Python int operand takes the other operand's integer dtype (JAX's weak typing)."""
    if type(x) is int and type(y) is not int:
        x = np.asarray(x, _dtype(y))
    elif type(y) is int and type(x) is not int:
        y = np.asarray(y, _dtype(x))
    return x, y


def lax_div(x: Any, y: Any) -> Any:
    """Elementwise division, as ``jax.lax.div``: true division for floating and complex
    operands; for integers the quotient rounded toward zero (C semantics, not NumPy's floor),
    and ``x / 0`` is -1 (the maximum for unsigned types), as XLA."""
    if not (_is_int(x) and _is_int(y)):
        return div(x, y)
    x, y = _weak_int_pair(x, y)
    zero = eq(y, 0)
    ysafe = select(zero, 1, y)
    q = floor_divide(x, ysafe)
    # floor and truncation differ when the division is inexact and the signs differ
    up = logical_and(ne(rem(x, ysafe), 0), ne(lt(x, 0), lt(ysafe, 0)))
    q = select(up, add(q, 1), q)
    return select(zero, _int_min_one(q), q)


def lax_rem(x: Any, y: Any) -> Any:
    """Elementwise remainder with the sign of ``x`` (C ``fmod``), as ``jax.lax.rem``: for floats
    ``x - trunc(x / y) * y`` with derivatives 1 and ``-trunc(x / y)``; for integers
    ``x rem 0`` is ``x``, as XLA."""
    if not (_is_int(x) and _is_int(y)):
        return fmod(x, y)
    x, y = _weak_int_pair(x, y)
    zero = eq(y, 0)
    return select(zero, x, fmod(x, select(zero, 1, y)))


# complex operands: rules checked for JAX's conventions (see rules.allow_complex); cbrt,
# fmod, hypot, signbit and is_finite stay real-only (jax.lax rejects complex operands for them);
# logaddexp/logaddexp2 take JAX's complex formula (jax.numpy accepts complex for them)
allow_complex(asinh_p, acosh_p, atanh_p, exp2_p, log2_p, log10_p, sinc_maclaurin_p, logaddexp_p, logaddexp2_p)
