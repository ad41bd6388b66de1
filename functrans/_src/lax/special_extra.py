"""More special functions, as ``jax.lax``: ``igamma``, ``igammac``, ``igamma_grad_a``,
``betainc`` (primitive ``regularized_incomplete_beta``), ``zeta``, ``bessel_i0e``, ``bessel_i1e``.

Values come from SciPy (``pip install functrans[scipy]``), except ``igamma_grad_a``, which
runs JAX's series / continued fraction for the derivative of the regularised lower incomplete
gamma function in its first argument in NumPy. Tracing never needs SciPy. Derivatives are
JAX's: ``betainc`` is differentiable in ``x`` only (ValueError for ``a`` and ``b``),
``igamma``/``igammac`` in both arguments (``a`` through ``igamma_grad_a``), ``zeta`` through
the derivative of its Euler-Maclaurin series (as ``jax.scipy.special.zeta``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind, get_aval
from functrans._src.jvp import jvp_flat
from functrans._src.lax.comparisons import gt, select
from functrans._src.lax.elementwise import abs as _abs
from functrans._src.lax.elementwise import add, div, exp, log, log1p, mul, neg, sign, sub
from functrans._src.lax.elementwise import pow as _pow
from functrans._src.lax.rules import (
    _batch_elementwise,
    _batch_same_dim,
    _bcast,
    _elementwise_dtype,
    _prim,
    _shape,
    _sig,
    broadcast_shapes,
    defjvp,
)
from functrans._src.lax.special import digamma, lgamma, scipy_special

__all__ = [
    "igamma", "igammac", "igamma_grad_a", "betainc", "zeta", "bessel_i0e", "bessel_i1e",
    "igamma_p", "igammac_p", "igamma_grad_a_p", "regularized_incomplete_beta_p", "zeta_p",
    "bessel_i0e_p", "bessel_i1e_p", "float_nary", "float_unary",
]  # fmt: skip


def _float_of(*xs: Any) -> np.dtype:
    dt = np.result_type(*xs)
    return dt if dt.kind in "fc" else np.dtype(np.float64)


def _promote_sample(*xs: Any) -> np.ndarray:
    return np.zeros((), _float_of(*xs))


def float_nary(name: str, fn: Callable[..., Any]) -> Primitive:
    """An elementwise, broadcasting primitive with a floating result: its operands are
    promoted as NumPy does (integers to float64) and ``fn`` runs on them. The result
    dtype is found without calling ``fn`` (so tracing never needs SciPy)."""
    p = _prim(name)

    def impl(*xs: Any, **params: Any) -> np.ndarray:
        dt = _float_of(*xs)
        with np.errstate(all="ignore"):
            out = fn(*[np.asarray(x, dt) for x in xs], **params)
        return np.asarray(out, dt)

    def abstract_eval(*avals: ShapedArray, **params: Any) -> ShapedArray:
        dt = _elementwise_dtype(_promote_sample, _sig(avals))
        return ShapedArray(broadcast_shapes(*[a.shape for a in avals]), dt)

    p.impl = impl
    p.abstract_eval = abstract_eval
    p.batch = _batch_elementwise(p)
    return p


def float_unary(name: str, fn: Callable[..., Any]) -> Primitive:
    """As :func:`float_nary`, for one operand (the batch axis stays put)."""
    p = float_nary(name, fn)
    p.batch = _batch_same_dim(p)
    return p


def _sp(public: str, attr: str) -> Callable[..., Any]:
    def fn(*xs: Any) -> Any:
        return getattr(scipy_special(public), attr)(*xs)

    return fn


def _fit(t: Any, ans: Any) -> Any:
    return t if _shape(t) == _shape(ans) else _bcast(t, _shape(ans))


# --------------------------------------------------------------------------- incomplete gamma


def _igamma_impl(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = scipy_special("gammainc").gammainc(a, x)
    # JAX: NaN outside the domain (a < 0, x < 0, a == x == 0); 0 at a == 0 < x (as its series)
    bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0))
    return np.where(bad, np.nan, out)


def _igammac_impl(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = scipy_special("gammaincc").gammaincc(a, x)
    bad = (a < 0) | (x < 0) | ((a == 0) & (x == 0))
    return np.where(bad, np.nan, out)


def igamma_series_terms(x: np.ndarray, a: np.ndarray, on: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """JAX's series for P(a, x) = x^a e^-x / Gamma(a+1) * ans (small x), carried with its
    derivative in ``a``: ``(ans, d ans / da)`` where ``on`` (no iteration limit, as JAX: large
    a needs ~sqrt(a) terms). Shared by igamma_grad_a and the Gamma sampler's gradient."""
    r, c, ans = a.copy(), np.ones_like(a), np.ones_like(a)
    dc_da, dans_da = np.zeros_like(a), np.zeros_like(a)
    on = on.copy()
    while on.any():
        r1 = r + 1
        dc1 = dc_da * (x / r1) - (c * x) / (r1 * r1)
        dans1 = dans_da + dc1
        c1 = c * (x / r1)
        ans1 = ans + c1
        r, dc_da, dans_da = np.where(on, r1, r), np.where(on, dc1, dc_da), np.where(on, dans1, dans_da)
        c, ans = np.where(on, c1, c), np.where(on, ans1, ans)
        on = on & (np.abs(dc1 / dans1) > eps)
    return ans, dans_da


def igammac_cf_terms(x: np.ndarray, a: np.ndarray, on: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """JAX's continued fraction for Q(a, x) = x^a e^-x / Gamma(a) * ans (x > 1 and x > a),
    carried with its derivative in ``a``: ``(ans, d ans / da)`` where ``on`` (at most 2000
    steps, as JAX). Shared by igamma_grad_a and the Gamma sampler's gradient."""
    y = 1 - a
    z = x + y + 1
    pkm2, qkm2, pkm1, qkm1 = np.ones_like(x), x.copy(), x + 1, z * x
    ans = pkm1 / qkm1
    dpkm2, dqkm2, dpkm1, dqkm1 = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x), -x
    dans = (dpkm1 - ans * dqkm1) / qkm1
    on = on.copy()
    c = 0
    while c < 2000 and on.any():
        c += 1
        y1, z1 = y + 1, z + 2
        yc = y1 * c
        pk = pkm1 * z1 - pkm2 * yc
        qk = qkm1 * z1 - qkm2 * yc
        nz = qk != 0
        r = pk / np.where(nz, qk, 1)
        ans1 = np.where(nz, r, ans)
        dpk = dpkm1 * z1 - pkm1 - dpkm2 * yc + pkm2 * c
        dqk = dqkm1 * z1 - qkm1 - dqkm2 * yc + qkm2 * c
        dans1 = np.where(nz, (dpk - ans1 * dqk) / np.where(nz, qk, 1), dans)
        gcond = np.where(nz, np.abs(dans1 - dans), 1.0)
        n_pkm2, n_pkm1, n_qkm2, n_qkm1 = pkm1, pk, qkm1, qk
        n_dpkm2, n_dqkm2, n_dpkm1, n_dqkm1 = dpkm1, dqkm1, dpk, dqk
        sc = np.where(np.abs(pk) > 1 / eps, eps, 1.0)
        n_pkm2, n_pkm1, n_qkm2, n_qkm1 = n_pkm2 * sc, n_pkm1 * sc, n_qkm2 * sc, n_qkm1 * sc
        n_dpkm2, n_dqkm2, n_dpkm1, n_dqkm1 = n_dpkm2 * sc, n_dqkm2 * sc, n_dpkm1 * sc, n_dqkm1 * sc
        ans, y, z = np.where(on, ans1, ans), np.where(on, y1, y), np.where(on, z1, z)
        pkm1, qkm1, pkm2, qkm2 = (
            np.where(on, n, o) for n, o in ((n_pkm1, pkm1), (n_qkm1, qkm1), (n_pkm2, pkm2), (n_qkm2, qkm2))
        )
        dpkm2, dqkm2, dpkm1, dqkm1 = (
            np.where(on, n, o) for n, o in ((n_dpkm2, dpkm2), (n_dqkm2, dqkm2), (n_dpkm1, dpkm1), (n_dqkm1, dqkm1))
        )
        dans = np.where(on, dans1, dans)
        on = on & (gcond > eps)
    return ans, dans


def _igamma_series_da(ax: np.ndarray, x: np.ndarray, a: np.ndarray, on: np.ndarray, eps: float) -> np.ndarray:
    ans, dans_da = igamma_series_terms(x, a, on, eps)
    dlogax_da = np.log(x) - scipy_special("igamma_grad_a").digamma(a + 1)
    return ax * (ans * dlogax_da + dans_da) / a


def _igammac_cf_da(ax: np.ndarray, x: np.ndarray, a: np.ndarray, on: np.ndarray, eps: float) -> np.ndarray:
    ans, dans = igammac_cf_terms(x, a, on, eps)
    dlogax_da = np.log(x) - scipy_special("igamma_grad_a").digamma(a)
    return ax * (ans * dlogax_da + dans)


def _igamma_grad_a_impl(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    a, x = np.broadcast_arrays(a, x)
    a, x = a.astype(a.dtype, copy=True), x.astype(x.dtype, copy=True)
    eps = float(np.finfo(a.dtype).eps)
    is_nan = np.isnan(a) | np.isnan(x)
    x_zero = x == 0
    domain = (x < 0) | (a <= 0)
    use_c = (x > 1) & (x > a)
    sa = np.where(domain | is_nan, 1.0, a).astype(a.dtype)
    sx = np.where(domain | is_nan | x_zero, 1.0, x).astype(a.dtype)
    lax_ = sa * np.log(sx) - sx - scipy_special("igamma_grad_a").gammaln(sa)
    underflow = lax_ < -np.log(np.finfo(a.dtype).max)
    ax = np.exp(lax_)
    on = ~(x_zero | domain | underflow | is_nan)
    ser = _igamma_series_da(ax, sx, sa, on & ~use_c, eps)
    cf = _igammac_cf_da(ax, sx, sa, on & use_c, eps)
    out = np.where(use_c, -cf, ser)
    out = np.where(on, out, 0.0)
    out = np.where(x_zero, 0.0, out)
    return np.where(domain | is_nan, np.nan, out)


igamma_p = float_nary("igamma", _igamma_impl)
igammac_p = float_nary("igammac", _igammac_impl)
igamma_grad_a_p = float_nary("igamma_grad_a", _igamma_grad_a_impl)


def igamma(a: Any, x: Any) -> Any:
    """Elementwise regularised lower incomplete gamma function ``P(a, x)`` (needs SciPy)."""
    return bind(igamma_p, (a, x), {})


def igammac(a: Any, x: Any) -> Any:
    """Elementwise regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)`` (needs SciPy)."""
    return bind(igammac_p, (a, x), {})


def igamma_grad_a(a: Any, x: Any) -> Any:
    """Elementwise derivative of ``igamma(a, x)`` with respect to ``a`` (as JAX's series)."""
    return bind(igamma_grad_a_p, (a, x), {})


def _igamma_dx(g: Any, ans: Any, a: Any, x: Any) -> Any:
    return _fit(mul(g, exp(sub(mul(sub(a, 1.0), log(x)), add(x, lgamma(a))))), ans)


def _no_grad(what: str, arg: str) -> Callable[..., Any]:
    def rule(*_: Any, **__: Any) -> Any:
        raise NotImplementedError(f"{what}: differentiation with respect to {arg} is not implemented (as in JAX)")

    return rule


defjvp(igamma_p, lambda g, ans, a, x: _fit(mul(g, igamma_grad_a(a, x)), ans), _igamma_dx)
defjvp(
    igammac_p,
    lambda g, ans, a, x: _fit(neg(mul(g, igamma_grad_a(a, x))), ans),
    lambda g, ans, a, x: neg(_igamma_dx(g, ans, a, x)),
)
# d/dx dP/da = dP/dx (log x - digamma(a)); JAX defines no derivative of igamma_grad_a at all
defjvp(
    igamma_grad_a_p,
    _no_grad("igamma_grad_a", "a"),
    lambda g, ans, a, x: mul(_igamma_dx(g, ans, a, x), sub(log(x), digamma(a))),
)

# --------------------------------------------------------------------------- incomplete beta


def _betainc_impl(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    return scipy_special("betainc").betainc(a, b, x)


regularized_incomplete_beta_p = float_nary("regularized_incomplete_beta", _betainc_impl)


def betainc(a: Any, b: Any, x: Any) -> Any:
    """Elementwise regularised incomplete beta function ``I_x(a, b)`` (needs SciPy)."""
    return bind(regularized_incomplete_beta_p, (a, b, x), {})


def _betainc_grad_ab(*_: Any, **__: Any) -> Any:
    raise ValueError("Betainc gradient with respect to a and b not supported.")


def _betainc_dx(g: Any, ans: Any, a: Any, b: Any, x: Any) -> Any:
    lbeta = sub(add(lgamma(a), lgamma(b)), lgamma(add(a, b)))
    return _fit(mul(exp(sub(add(mul(sub(b, 1.0), log1p(neg(x))), mul(sub(a, 1.0), log(x))), lbeta)), g), ans)


defjvp(regularized_incomplete_beta_p, _betainc_grad_ab, _betainc_grad_ab, _betainc_dx)

# --------------------------------------------------------------------------- Hurwitz zeta


def _zeta_impl(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    return scipy_special("zeta").zeta(x, q)


zeta_p = float_nary("zeta", _zeta_impl)


def zeta(x: Any, q: Any) -> Any:
    """Elementwise Hurwitz zeta function ``sum_k (q + k) ** -x`` (needs SciPy)."""
    return bind(zeta_p, (x, q), {})


# (2k)! / B_2k for k = 1..16 (the Euler-Maclaurin coefficients of JAX's series)
_BERNOULLI_COEFS = [
    12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1307674368000 / 691, 74724249600.0,
    -10670622842880000 / 3617, 5109094217170944000 / 43867, -802857662698291200000 / 174611,
    14101100039391805440000 / 77683, -1693824136731743669452800000 / 236364091,
    186134520519971831808000000 / 657931, -37893265687455865519472640000000 / 3392780147,
    759790291646040068357842010112000000 / 1723168255201,
    -134196726836183700385281186201600000000 / 7709321041217,
]  # fmt: skip


def _zeta_series(s: Any, a: Any, n: int) -> Any:
    """Euler-Maclaurin sum for zeta(s, a) with ``n`` direct terms and ``n`` correction terms,
    written with primitives (its derivative is the JVP of zeta, as JAX's)."""
    total = _pow(a, neg(s))
    for k in range(1, n):
        total = add(total, _pow(add(a, float(k)), neg(s)))
    an = add(a, float(n))
    integral = div(_pow(an, sub(1.0, s)), sub(s, 1.0))
    t0 = _pow(an, neg(s))
    prod = None
    corr = 0.5
    for m in range(2 * n):
        f = div(add(s, float(m)), an)
        prod = f if prod is None else mul(prod, f)
        if m % 2 == 0:
            corr = add(corr, div(prod, _BERNOULLI_COEFS[m // 2]))
    return add(add(total, integral), mul(t0, corr))


def _zeta_jvp(primals: Any, tangents: Any) -> tuple[Any, Any]:
    ans = bind(zeta_p, primals, {})
    n = 8 if get_aval(ans).dtype == np.float32 else 16
    _, (t_out,) = jvp_flat(lambda s, a: [_zeta_series(s, a, n)], list(primals), list(tangents))
    return ans, _fit(t_out, ans)


zeta_p.jvp = _zeta_jvp

# --------------------------------------------------------------------------- modified Bessel functions

bessel_i0e_p = float_unary("bessel_i0e", _sp("i0e", "i0e"))
bessel_i1e_p = float_unary("bessel_i1e", _sp("i1e", "i1e"))


def bessel_i0e(x: Any) -> Any:
    """Elementwise exponentially scaled modified Bessel function of order 0, ``exp(-|x|) I0(x)``."""
    return bind(bessel_i0e_p, (x,), {})


def bessel_i1e(x: Any) -> Any:
    """Elementwise exponentially scaled modified Bessel function of order 1, ``exp(-|x|) I1(x)``."""
    return bind(bessel_i1e_p, (x,), {})


def _i1e_jvp(g: Any, y: Any, x: Any) -> Any:
    eps = float(np.finfo(np.asarray(0, y.dtype if hasattr(y, "dtype") else np.float64).dtype).eps)
    big = gt(_abs(x), eps)
    safe = select(big, x, _bcast(np.asarray(eps, getattr(y, "dtype", np.float64)), _shape(x)))
    d = sub(bessel_i0e(safe), mul(y, add(sign(safe), div(1.0, safe))))
    return mul(g, select(big, d, _bcast(np.asarray(0.5, getattr(y, "dtype", np.float64)), _shape(x))))


defjvp(bessel_i0e_p, lambda g, y, x: mul(g, sub(bessel_i1e(x), mul(sign(x), y))))
defjvp(bessel_i1e_p, _i1e_jvp)
