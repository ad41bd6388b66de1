"""Primitives behind ``functrans.scipy.special`` that ``jax.lax`` does not have: ``erfcx``,
``dawsn``, ``expi``, ``expn``, ``spence``, ``sici_si``/``sici_ci``, ``fresnel_s``/``fresnel_c``,
``owens_t``, ``hyp1f1``, ``hyp2f1``, ``bessel_jv``, ``wofz`` and ``hyp_param_grad`` (the
series for the derivative of ``hyp1f1``/``hyp2f1`` in a parameter).

Values come from SciPy (``pip install functrans[scipy]``); tracing never needs it. JVP rules
are the ones ``jax.scipy.special`` attaches with ``custom_jvp`` (or the exact derivative where
JAX differentiates its own approximation), written with primitives so that they nest.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src.core import Primitive, bind
from functrans._src.lax.comparisons import eq, le, select
from functrans._src.lax.comparisons import logical_or as _or
from functrans._src.lax.complex_parts import complex as _complex
from functrans._src.lax.elementwise import add, cos, div, exp, log, mul, neg, sin, sub
from functrans._src.lax.rules import _bcast, _shape, allow_complex, defjvp
from functrans._src.lax.special import erf, scipy_special
from functrans._src.lax.special_extra import float_nary, float_unary

__all__ = [
    "erfcx", "dawsn", "expi", "expn", "spence", "sici_si", "sici_ci", "fresnel_s", "fresnel_c",
    "owens_t", "hyp1f1", "hyp2f1", "bessel_jv", "wofz", "hyp_param_grad",
]  # fmt: skip


def _sp(public: str, attr: str, index: int | None = None) -> Any:
    def fn(*xs: Any) -> Any:
        out = getattr(scipy_special(public), attr)(*xs)
        return out if index is None else out[index]

    return fn


def _fit(t: Any, ans: Any) -> Any:
    return t if _shape(t) == _shape(ans) else _bcast(t, _shape(ans))


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _expi_impl(x: np.ndarray) -> np.ndarray:
    # JAX: NaN at 0 and at +-inf (SciPy: -inf, inf, -0)
    out = scipy_special("expi").expi(x)
    return np.where((x == 0) | np.isinf(x), np.nan, out)


erfcx_p = float_unary("erfcx", _sp("erfcx", "erfcx"))
dawsn_p = float_unary("dawsn", _sp("dawsn", "dawsn"))
expi_p = float_unary("expi", _expi_impl)
spence_p = float_unary("spence", _sp("spence", "spence"))
sici_si_p = float_unary("sici_si", _sp("sici", "sici", 0))
sici_ci_p = float_unary("sici_ci", _sp("sici", "sici", 1))
fresnel_s_p = float_unary("fresnel_s", _sp("fresnel", "fresnel", 0))
fresnel_c_p = float_unary("fresnel_c", _sp("fresnel", "fresnel", 1))


def _expn_impl(n: np.ndarray, x: np.ndarray) -> np.ndarray:
    sp = scipy_special("expn")
    ok = (n >= 0) & (n == np.floor(n))
    out = sp.expn(np.where(ok, n, 0).astype(np.int64), x)
    # JAX: NaN at x = inf for n > 0 (SciPy: 0)
    return np.where(ok & ~((x == np.inf) & (n > 0)), out, np.nan)


expn_p = float_nary("expn", _expn_impl)
owens_t_p = float_nary("owens_t", _sp("owens_t", "owens_t"))
hyp1f1_p = float_nary("hyp1f1", _sp("hyp1f1", "hyp1f1"))
hyp2f1_p = float_nary("hyp2f1", _sp("hyp2f1", "hyp2f1"))
bessel_jv_p = float_nary("bessel_jv", _sp("bessel_jn", "jv"))


def _u(p: Primitive) -> Any:
    def f(x: Any) -> Any:
        return bind(p, (x,), {})

    return f


erfcx = _u(erfcx_p)
dawsn = _u(dawsn_p)
expi = _u(expi_p)
spence = _u(spence_p)
sici_si = _u(sici_si_p)
sici_ci = _u(sici_ci_p)
fresnel_s = _u(fresnel_s_p)
fresnel_c = _u(fresnel_c_p)


def expn(n: Any, x: Any) -> Any:
    """Generalised exponential integral ``E_n(x)`` (integer ``n >= 0``; NaN otherwise)."""
    return bind(expn_p, (n, x), {})


def owens_t(h: Any, a: Any) -> Any:
    """Owen's T function."""
    return bind(owens_t_p, (h, a), {})


def hyp1f1(a: Any, b: Any, x: Any) -> Any:
    """Kummer's confluent hypergeometric function 1F1(a; b; x)."""
    return bind(hyp1f1_p, (a, b, x), {})


def hyp2f1(a: Any, b: Any, c: Any, x: Any) -> Any:
    """Gauss's hypergeometric function 2F1(a, b; c; x)."""
    return bind(hyp2f1_p, (a, b, c, x), {})


def bessel_jv(v: Any, z: Any) -> Any:
    """Bessel function of the first kind of real order ``v``."""
    return bind(bessel_jv_p, (v, z), {})


# --------------------------------------------------------------------------- JVP rules


def _ones(x: Any) -> Any:
    return add(mul(x, 0.0), 1.0)


defjvp(erfcx_p, lambda g, ans, x: mul(g, sub(mul(mul(2.0, x), ans), _TWO_OVER_SQRT_PI)))
defjvp(dawsn_p, lambda g, ans, x: mul(g, sub(1.0, mul(mul(2.0, x), ans))))
defjvp(expi_p, lambda g, ans, x: mul(g, div(exp(x), x)))
# spence(x) = int_1^x log(t) / (1 - t) dt (SciPy's convention); zero where JAX's piecewise
# definition is constant (x <= 0 and x == 1)
defjvp(
    spence_p,
    lambda g, ans, x: mul(
        g, select(_or(le(x, 0.0), eq(x, 1.0)), mul(x, 0.0), div(log(x), sub(1.0, select(eq(x, 1.0), mul(x, 0.0), x))))
    ),
)
# sin(x) / x with its limit 1 at 0 (JAX: sinc(x / pi)); cos(x) / x
defjvp(sici_si_p, lambda g, ans, x: mul(g, select(eq(x, 0.0), _ones(x), div(sin(x), select(eq(x, 0.0), _ones(x), x)))))
defjvp(sici_ci_p, lambda g, ans, x: mul(g, div(cos(x), x)))
_HALF_PI = math.pi / 2
defjvp(fresnel_s_p, lambda g, ans, x: mul(g, sin(mul(_HALF_PI, mul(x, x)))))
defjvp(fresnel_c_p, lambda g, ans, x: mul(g, cos(mul(_HALF_PI, mul(x, x)))))
# d/dx E_n(x) = -E_{n-1}(x); n takes no derivative (JAX: a non-differentiable argument)
defjvp(expn_p, None, lambda g, ans, n, x: _fit(neg(mul(g, expn(sub(n, 1.0), x))), ans))


_SQRT2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)
defjvp(
    owens_t_p,
    lambda g, ans, h, a: _fit(
        mul(g, div(neg(mul(exp(mul(-0.5, mul(h, h))), erf(div(mul(a, h), _SQRT2)))), 2.0 * _SQRT_2PI)), ans
    ),
    lambda g, ans, h, a: _fit(
        mul(g, div(exp(mul(-0.5, mul(add(mul(a, a), 1.0), mul(h, h)))), mul(2.0 * math.pi, add(mul(a, a), 1.0)))), ans
    ),
)


# d/dz J_v(z) = (J_{v-1}(z) - J_{v+1}(z)) / 2; v takes no derivative
defjvp(
    bessel_jv_p,
    None,
    lambda g, ans, v, z: _fit(mul(g, mul(0.5, sub(bessel_jv(sub(v, 1.0), z), bessel_jv(add(v, 1.0), z)))), ans),
)

# --------------------------------------------------------------------------- hypergeometric parameters


def _hyp_param_grad_impl(*args: np.ndarray, upper: int, which: int) -> np.ndarray:
    """The derivative of pFq (p = ``upper``, q = len(args) - 1 - p) in parameter ``which``, by
    JAX's series: sum_k t_k (psi(p + k) - psi(p)) for an upper parameter (the sign flips for a
    lower one), t_k the k-th term of the hypergeometric series, at most 250 terms."""
    psi = scipy_special("hyp1f1").digamma
    *params, x = np.broadcast_arrays(*args)
    ups, lows = params[:upper], params[upper:]
    eps = float(np.finfo(x.dtype).eps)
    term = np.prod(ups, axis=0) / np.prod(lows, axis=0) * x
    serie = np.zeros_like(x)
    p = params[which]
    sgn = 1.0 if which < upper else -1.0
    with np.errstate(all="ignore"):
        on = np.abs(term) / np.abs(serie) > eps
    k = 1
    while k < 250 and on.any():
        serie = np.where(on, serie + term * sgn * (psi(p + k) - psi(p)), serie)
        f = np.prod([u + k for u in ups], axis=0) / np.prod([lo + k for lo in lows], axis=0) / (k + 1) * x
        term = term * f
        k += 1
        with np.errstate(all="ignore"):
            on = on & (np.abs(term) / np.abs(serie) > eps)
    return serie


hyp_param_grad_p = float_nary("hyp_param_grad", _hyp_param_grad_impl)


def hyp_param_grad(*args: Any, upper: int, which: int) -> Any:
    """Derivative of ``hyp1f1`` (``upper=1``) or ``hyp2f1`` (``upper=2``) in parameter ``which``."""
    return bind(hyp_param_grad_p, args, {"upper": upper, "which": which})


def _no_second(*_: Any, **__: Any) -> Any:
    raise NotImplementedError("hyp1f1/hyp2f1: derivatives of second order in a parameter are not implemented")


hyp_param_grad_p.jvp = lambda primals, tangents, **params: _no_second()


def _pgrad(upper: int, which: int) -> Any:
    return lambda g, ans, *args: _fit(mul(g, hyp_param_grad(*args, upper=upper, which=which)), ans)


defjvp(
    hyp1f1_p, _pgrad(1, 0), _pgrad(1, 1),
    lambda g, ans, a, b, x: _fit(mul(g, mul(div(a, b), hyp1f1(add(a, 1.0), add(b, 1.0), x))), ans),
)  # fmt: skip
defjvp(
    hyp2f1_p, _pgrad(2, 0), _pgrad(2, 1), _pgrad(2, 2),
    lambda g, ans, a, b, c, x: _fit(
        mul(g, mul(div(mul(a, b), c), hyp2f1(add(a, 1.0), add(b, 1.0), add(c, 1.0), x))), ans),
)  # fmt: skip

# --------------------------------------------------------------------------- Faddeeva


def _wofz_impl(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z)
    dt = z.dtype if z.dtype.kind == "c" else np.result_type(z.dtype, np.complex64)
    return np.asarray(scipy_special("wofz").wofz(z.astype(dt)), dt)


wofz_p = float_unary("wofz", _wofz_impl)
wofz_p.impl = _wofz_impl
wofz_p.abstract_eval = lambda x: type(x)(x.shape, np.result_type(x.dtype, np.complex64))


def wofz(z: Any) -> Any:
    """The Faddeeva function ``exp(-z**2) erfc(-i z)`` (complex)."""
    return bind(wofz_p, (z,), {})


defjvp(wofz_p, lambda g, ans, z: mul(g, add(neg(mul(mul(2.0, z), ans)), _complex(0.0, _TWO_OVER_SQRT_PI))))
allow_complex(wofz_p)
