"""The distributions of ``functrans.scipy.stats`` (besides ``norm``), as ``jax.scipy.stats``.

Each function is composed from functrans primitives the way JAX composes it, so values at the
edges of the support (``-inf``, 0, NaN) and gradients (including at kinks and boundaries) are
JAX's. The public modules ``functrans.scipy.stats.<name>`` re-export these functions.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax
from functrans._src import scipy_special as _sp
from functrans._src import scipy_special_more as _spm
from functrans._src.core import get_aval
from functrans._src.custom_derivatives import custom_jvp
from functrans._src.scipy_special_more import _promote

_and, _or = fnp.logical_and, fnp.logical_or
_PI = math.pi
_LOG_2PI = math.log(2 * math.pi)


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _c(x: Any, v: float) -> Any:
    """The constant ``v`` in the dtype of ``x``."""
    return np.asarray(v, _dt(x))


def _clamp(lo: Any, x: Any, hi: Any) -> Any:
    """``lax.clamp``: its derivative is 1 strictly inside ``(lo, hi)`` and 0 elsewhere (a select,
    so that an infinite cotangent outside the range gives 0, not NaN, as JAX)."""
    inside = _and(x > lo, x < hi)
    return fnp.where(inside, x, lax.stop_gradient(fnp.clip(x, lo, hi)))


# --------------------------------------------------------------------------- bernoulli


def bernoulli_logpmf(k: Any, p: Any, loc: Any = 0) -> Any:
    k, p, loc = _promote(k, p, loc)
    x = k - loc
    log_probs = lax.xlogy(x, p) + lax.xlog1py(1 - x, -p)
    return fnp.where(_or(x < 0, x > 1), -np.inf, log_probs)


def bernoulli_pmf(k: Any, p: Any, loc: Any = 0) -> Any:
    return fnp.exp(bernoulli_logpmf(k, p, loc))


def bernoulli_cdf(k: Any, p: Any) -> Any:
    k, p = _promote(k, p)
    bad = _or(_or(fnp.isnan(k), fnp.isnan(p)), _or(p < 0, p > 1))
    return fnp.select([bad, k < 0, _and(k >= 0, k < 1), k >= 1], [_c(k, np.nan), _c(k, 0), 1 - p, _c(k, 1)])


def bernoulli_ppf(q: Any, p: Any) -> Any:
    q, p = _promote(q, p)
    bad = _or(_or(_or(fnp.isnan(q), fnp.isnan(p)), _or(p < 0, p > 1)), _or(q < 0, q > 1))
    return fnp.where(bad, np.nan, fnp.where(q <= 1 - p, _c(q, 0), _c(q, 1)))


# --------------------------------------------------------------------------- beta


def beta_logpdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, b, loc, scale = _promote(x, a, b, loc, scale)
    shape_term = -_spm.betaln(a, b)
    y = (x - loc) / scale
    log_linear = lax.xlogy(a - 1, y) + lax.xlog1py(b - 1, -y)
    log_probs = shape_term + log_linear - lax.log(scale)
    res = fnp.where(_or(x > loc + scale, x < loc), -np.inf, log_probs)
    return fnp.where(_or(_or(a <= 0, b <= 0), scale <= 0), np.nan, res)


def beta_pdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(beta_logpdf(x, a, b, loc, scale))


def beta_cdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, b, loc, scale = _promote(x, a, b, loc, scale)
    return lax.betainc(a, b, _clamp(_c(x, 0), (x - loc) / scale, _c(x, 1)))


def beta_logcdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(beta_cdf(x, a, b, loc, scale))


def beta_sf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, b, loc, scale = _promote(x, a, b, loc, scale)
    return lax.betainc(b, a, 1 - _clamp(_c(x, 0), (x - loc) / scale, _c(x, 1)))


def beta_logsf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(beta_sf(x, a, b, loc, scale))


# --------------------------------------------------------------------------- binom, betabinom, nbinom, geom


def binom_logpmf(k: Any, n: Any, p: Any, loc: Any = 0) -> Any:
    k, n, p, loc = _promote(k, n, p, loc)
    y = k - loc
    comb_term = lax.lgamma(n + 1) - (lax.lgamma(y + 1) + lax.lgamma(n - y + 1))
    log_linear = lax.xlogy(y, p) + lax.xlog1py(n - y, -p)
    log_probs = comb_term + log_linear
    cond = _or(_and(y == 0, n == 0), log_linear == 0)
    log_probs = fnp.where(cond, 0.0, log_probs)
    return fnp.where(_and(k >= loc, k < loc + n + 1), log_probs, -np.inf)


def binom_pmf(k: Any, n: Any, p: Any, loc: Any = 0) -> Any:
    return lax.exp(binom_logpmf(k, n, p, loc))


def betabinom_logpmf(k: Any, n: Any, a: Any, b: Any, loc: Any = 0) -> Any:
    k, n, a, b, loc = _promote(k, n, a, b, loc)
    y = lax.floor(k) - loc
    combiln = -(lax.log1p(n) + _spm.betaln(n - y + 1, y + 1))
    beta_lns = _spm.betaln(y + a, n - y + b) - _spm.betaln(a, b)
    log_probs = combiln + beta_lns
    log_probs = fnp.where(_and(y == 0, n == 0), 0.0, log_probs)
    y_cond = _or(_or(y < -loc, y > n), y + a <= 0)
    log_probs = fnp.where(y_cond, -np.inf, log_probs)
    return fnp.where(_or(_or(n < 0, a <= 0), b <= 0), np.nan, log_probs)


def betabinom_pmf(k: Any, n: Any, a: Any, b: Any, loc: Any = 0) -> Any:
    return lax.exp(betabinom_logpmf(k, n, a, b, loc))


def nbinom_logpmf(k: Any, n: Any, p: Any, loc: Any = 0) -> Any:
    k, n, p, loc = _promote(k, n, p, loc)
    y = k - loc
    comb_term = lax.lgamma(y + n) - lax.lgamma(n) - lax.lgamma(y + 1)
    log_linear = lax.xlogy(n, p) + lax.xlogy(y, 1 - p)
    return fnp.where(k < loc, -np.inf, comb_term + log_linear)


def nbinom_pmf(k: Any, n: Any, p: Any, loc: Any = 0) -> Any:
    return lax.exp(nbinom_logpmf(k, n, p, loc))


def geom_logpmf(k: Any, p: Any, loc: Any = 0) -> Any:
    k, p, loc = _promote(k, p, loc)
    x = k - loc
    log_probs = lax.xlog1py(x - 1, -p) + lax.log(p)
    return fnp.where(x <= 0, -np.inf, log_probs)


def geom_pmf(k: Any, p: Any, loc: Any = 0) -> Any:
    return fnp.exp(geom_logpmf(k, p, loc))


# --------------------------------------------------------------------------- poisson


def poisson_logpmf(k: Any, mu: Any, loc: Any = 0) -> Any:
    k, mu, loc = _promote(k, mu, loc)
    x = k - loc
    log_probs = lax.xlogy(x, mu) - lax.lgamma(x + 1) - mu
    return fnp.where(_or(x < 0, fnp.round(k) != k), -np.inf, log_probs)


def poisson_pmf(k: Any, mu: Any, loc: Any = 0) -> Any:
    return fnp.exp(poisson_logpmf(k, mu, loc))


def poisson_cdf(k: Any, mu: Any, loc: Any = 0) -> Any:
    k, mu, loc = _promote(k, mu, loc)
    x = k - loc
    p = lax.igammac(lax.floor(1 + x), mu)
    return fnp.where(x < 0, _c(x, 0), p)


def _poisson_entropy_sum(mu: Any, max_k: int, upper: Any) -> Any:
    k = fnp.arange(max_k, dtype=_dt(mu))[:, None]
    probs = poisson_pmf(k, mu, 0)
    mask = k < upper[None, :]
    return fnp.sum(_sp.entr(fnp.where(mask, probs, 0.0)), axis=0)


def poisson_entropy(mu: Any, loc: Any = 0) -> Any:
    mu, loc = _promote(mu, loc)
    shape = np.broadcast_shapes(fnp.shape(mu), fnp.shape(loc))
    flat = fnp.ravel(mu)
    small = _poisson_entropy_sum(flat, 35, fnp.ceil(flat + 20))
    medium = _poisson_entropy_sum(flat, 250, fnp.ceil(flat + 10 * fnp.sqrt(flat) + 20))
    safe = fnp.where(flat == 0, 1.0, flat)
    large = 0.5 * fnp.log(2 * np.pi * np.e * safe) - 1.0 / (12 * safe)
    res = fnp.where(flat == 0, 0.0, fnp.where(flat < 10, small, fnp.where(flat < 100, medium, large)))
    return fnp.broadcast_to(fnp.reshape(res, fnp.shape(mu)), shape)


# --------------------------------------------------------------------------- cauchy


def cauchy_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    z = (x - loc) / scale
    return -(lax.log(_PI * scale) + lax.log1p(z * z))


def cauchy_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(cauchy_logpdf(x, loc, scale))


def cauchy_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return 0.5 + (1.0 / _PI) * lax.atan((x - loc) / scale)


def cauchy_logcdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(cauchy_cdf(x, loc, scale))


def cauchy_sf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return cauchy_cdf(-x, -loc, scale)


def cauchy_logsf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return cauchy_logcdf(-x, -loc, scale)


def cauchy_isf(q: Any, loc: Any = 0, scale: Any = 1) -> Any:
    q, loc, scale = _promote(q, loc, scale)
    return lax.tan(_PI / 2 - _PI * q) * scale + loc


def cauchy_ppf(q: Any, loc: Any = 0, scale: Any = 1) -> Any:
    q, loc, scale = _promote(q, loc, scale)
    return lax.tan(_PI * q - _PI / 2) * scale + loc


# --------------------------------------------------------------------------- chi2, gamma


def chi2_logpdf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, df, loc, scale = _promote(x, df, loc, scale)
    y = (x - loc) / scale
    half = df / 2
    kernel = (half - 1) * lax.log(y) - y / 2
    nrml = -(lax.lgamma(half) + math.log(2.0) * df / 2)
    return fnp.where(x < loc, -np.inf, nrml - lax.log(scale) + kernel)


def chi2_pdf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(chi2_logpdf(x, df, loc, scale))


def chi2_cdf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, df, loc, scale = _promote(x, df, loc, scale)
    return lax.igamma(df / 2, _clamp(_c(x, 0), (x - loc) / (scale * 2), _c(x, np.inf)))


def chi2_logcdf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(chi2_cdf(x, df, loc, scale))


def chi2_sf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, df, loc, scale = _promote(x, df, loc, scale)
    return lax.igammac(df / 2, _clamp(_c(x, 0), (x - loc) / (scale * 2), _c(x, np.inf)))


def chi2_logsf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(chi2_sf(x, df, loc, scale))


def gamma_logpdf(x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, loc, scale = _promote(x, a, loc, scale)
    ok = x >= loc
    y = fnp.where(ok, (x - loc) / scale, 1.0)
    log_probs = lax.xlogy(a - 1, y) - y - (lax.lgamma(a) + lax.log(scale))
    return fnp.where(ok, log_probs, -np.inf)


def gamma_pdf(x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(gamma_logpdf(x, a, loc, scale))


def gamma_cdf(x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, loc, scale = _promote(x, a, loc, scale)
    return lax.igamma(a, _clamp(_c(x, 0), (x - loc) / scale, _c(x, np.inf)))


def gamma_logcdf(x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(gamma_cdf(x, a, loc, scale))


def gamma_sf(x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, loc, scale = _promote(x, a, loc, scale)
    y = (x - loc) / scale
    return fnp.where(y < 0, 1, lax.igammac(a, y))


def gamma_logsf(x: Any, a: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log(gamma_sf(x, a, loc, scale))


# --------------------------------------------------------------------------- dirichlet


def dirichlet_logpdf(x: Any, alpha: Any) -> Any:
    x, alpha = (fnp.asarray(v) for v in _promote(x, alpha))
    if alpha.ndim != 1:
        raise ValueError(f"`alpha` must be one-dimensional; got alpha.shape={alpha.shape}")
    if x.shape[0] not in (alpha.shape[0], alpha.shape[0] - 1):
        raise ValueError(
            "`x` must have either the same number of entries as `alpha` "
            f"or one entry fewer; got x.shape={x.shape}, alpha.shape={alpha.shape}"
        )
    if x.shape[0] != alpha.shape[0]:
        x = fnp.concatenate([x, 1 - fnp.sum(x, axis=0, keepdims=True)], axis=0)
    normalize = fnp.sum(lax.lgamma(alpha)) - lax.lgamma(fnp.sum(alpha))
    if x.ndim > 1:
        alpha = fnp.reshape(alpha, alpha.shape + (1,) * (x.ndim - 1))
    log_probs = fnp.sum(lax.xlogy(alpha - 1, x), axis=0) - normalize
    simplex = _and(fnp.all(x > 0, axis=0), fnp.abs(fnp.sum(x, axis=0) - 1) < 1e-6)
    return fnp.where(simplex, log_probs, -np.inf)


def dirichlet_pdf(x: Any, alpha: Any) -> Any:
    return lax.exp(dirichlet_logpdf(x, alpha))


# --------------------------------------------------------------------------- expon


def expon_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return fnp.where(x < loc, -np.inf, -((x - loc) / scale + lax.log(scale)))


def expon_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(expon_logpdf(x, loc, scale))


def expon_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    neg_scaled = (loc - x) / scale
    return fnp.where(x < loc, fnp.zeros_like(neg_scaled), -lax.expm1(neg_scaled))


def expon_logsf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    neg_scaled = (loc - x) / scale
    return fnp.where(x < loc, fnp.zeros_like(neg_scaled), neg_scaled)


def expon_sf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(expon_logsf(x, loc, scale))


def expon_logcdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.log1p(-expon_sf(x, loc, scale))


def expon_ppf(q: Any, loc: Any = 0, scale: Any = 1) -> Any:
    q, loc, scale = _promote(q, loc, scale)
    return fnp.where(_or(fnp.isnan(q), _or(q < 0, q > 1)), np.nan, loc - scale * lax.log1p(-q))


# --------------------------------------------------------------------------- gennorm


def gennorm_logpdf(x: Any, beta: Any) -> Any:
    x, beta = _promote(x, beta)
    return lax.log(0.5 * beta) - lax.lgamma(1 / beta) - lax.abs(x) ** beta


def gennorm_cdf(x: Any, beta: Any) -> Any:
    x, beta = _promote(x, beta)
    return 0.5 * (1 + lax.sign(x) * lax.igamma(1 / beta, lax.abs(x) ** beta))


def gennorm_pdf(x: Any, beta: Any) -> Any:
    return lax.exp(gennorm_logpdf(x, beta))


# --------------------------------------------------------------------------- gumbel


def gumbel_l_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    z = (x - loc) / scale
    return fnp.where(scale > 0, lax.xlogy(-1.0, scale) + (z - lax.exp(z)), np.nan)


def gumbel_l_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(gumbel_l_logpdf(x, loc, scale))


def gumbel_l_logcdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    z = (x - loc) / scale
    return fnp.where(scale > 0, lax.log(-lax.expm1(-lax.exp(z))), np.nan)


def gumbel_l_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(gumbel_l_logcdf(x, loc, scale))


def gumbel_l_ppf(p: Any, loc: Any = 0, scale: Any = 1) -> Any:
    p, loc, scale = _promote(p, loc, scale)
    ok = _and(p > 0, p < 1)
    return fnp.where(ok, loc + scale * lax.log(lax.xlog1py(-1.0, -p)), np.nan)


def gumbel_l_logsf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return fnp.where(scale > 0, -lax.exp((x - loc) / scale), np.nan)


def gumbel_l_sf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return fnp.exp(gumbel_l_logsf(x, loc, scale))


def gumbel_r_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    z = (x - loc) / scale
    return fnp.where(scale > 0, lax.xlogy(-1.0, scale) - (z + lax.exp(-z)), np.nan)


def gumbel_r_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(gumbel_r_logpdf(x, loc, scale))


def gumbel_r_logcdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    z = (x - loc) / scale
    return fnp.where(scale > 0, -lax.exp(-z), np.nan)


def gumbel_r_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(gumbel_r_logcdf(x, loc, scale))


def gumbel_r_ppf(p: Any, loc: Any = 0, scale: Any = 1) -> Any:
    p, loc, scale = _promote(p, loc, scale)
    ok = _and(p > 0, p < 1)
    return fnp.where(ok, loc - scale * lax.log(lax.xlogy(-1.0, p)), np.nan)


def gumbel_r_sf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    neg_z = (loc - x) / scale
    return fnp.where(scale > 0, 1 - lax.exp(-lax.exp(neg_z)), np.nan)


# --------------------------------------------------------------------------- log1mexp (as jax.nn)


@custom_jvp
def log1mexp(x: Any) -> Any:
    """``log(1 - exp(-x))``, accurate for small and large ``x``; derivative ``1 / expm1(x)``."""
    return fnp.where(x < math.log(2.0), fnp.log(-fnp.expm1(-x)), fnp.log1p(-fnp.exp(-x)))


log1mexp.defjvps(lambda g, ans, x: g / fnp.expm1(x))


def gumbel_r_logsf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    neg_z = (loc - x) / scale
    return fnp.where(scale > 0, log1mexp(lax.exp(neg_z)), np.nan)


# --------------------------------------------------------------------------- laplace, logistic


def laplace_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return -(lax.abs(x - loc) / scale + lax.log(2 * scale))


def laplace_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(laplace_logpdf(x, loc, scale))


def laplace_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    d = (x - loc) / scale
    return fnp.where(d <= 0, 0.5 * lax.exp(d), 1 - 0.5 * lax.exp(-d))


def logistic_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    z = (x - loc) / scale
    half = z / 2
    return -2 * fnp.logaddexp(half, -half) - lax.log(scale)


def logistic_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(logistic_logpdf(x, loc, scale))


def logistic_ppf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return lax.logit(x) * scale + loc


def logistic_sf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return lax.logistic(-((x - loc) / scale))


def logistic_isf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return -lax.logit(x) * scale + loc


def logistic_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return lax.logistic((x - loc) / scale)
