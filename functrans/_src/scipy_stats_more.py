"""More of ``functrans.scipy.stats``: multinomial, multivariate_normal, pareto, t, truncnorm,
uniform, vonmises, wrapcauchy, and ``rankdata``, ``sem``, ``mode`` (as ``jax.scipy.stats``)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax
from functrans._src import scipy_special as _sp
from functrans._src.core import Tracer, get_aval
from functrans._src.lax.linalg import cholesky, triangular_solve
from functrans._src.scipy_special_more import _promote
from functrans._src.scipy_stats import _and, _c, _or

_LOG_2PI = math.log(2 * math.pi)


# --------------------------------------------------------------------------- multinomial


def multinomial_logpmf(x: Any, n: Any, p: Any) -> Any:
    (p,) = _promote(p)
    x, n = fnp.asarray(x), fnp.asarray(n)
    if x.dtype.kind not in "iu" or n.dtype.kind not in "iu":
        raise ValueError(f"x and n must be of integer type; got x.dtype={x.dtype}, n.dtype={n.dtype}")
    dt = get_aval(p).dtype
    x, n = x.astype(dt), n.astype(dt)
    logprobs = lax.lgamma(n + 1) + fnp.sum(lax.xlogy(x, p) - lax.lgamma(x + 1), axis=-1)
    return fnp.where(fnp.sum(x) == n, logprobs, -np.inf)


def multinomial_pmf(x: Any, n: Any, p: Any) -> Any:
    return lax.exp(multinomial_logpmf(x, n, p))


# --------------------------------------------------------------------------- multivariate normal


def multivariate_normal_logpdf(x: Any, mean: Any, cov: Any, allow_singular: None = None) -> Any:
    if allow_singular is not None:
        raise NotImplementedError("allow_singular argument of multivariate_normal.logpdf")
    x, mean, cov = (fnp.asarray(v) for v in _promote(x, mean, cov))
    if not mean.shape:
        return -1 / 2 * fnp.square(x - mean) / cov - 1 / 2 * (_LOG_2PI + fnp.log(cov))
    n = mean.shape[-1]
    if not cov.shape:
        y = x - mean
        return -1 / 2 * fnp.einsum("...i,...i->...", y, y) / cov - n / 2 * (_LOG_2PI + fnp.log(cov))
    if cov.ndim < 2 or cov.shape[-2:] != (n, n):
        raise ValueError("multivariate_normal.logpdf got incompatible shapes")
    chol = cholesky(cov)
    d = x - mean
    batch = np.broadcast_shapes(chol.shape[:-2], d.shape[:-1])
    chol_b = fnp.broadcast_to(chol, batch + (n, n))
    d_b = fnp.broadcast_to(d, batch + (n,))
    y = triangular_solve(chol_b, d_b[..., None], left_side=True, lower=True)[..., 0]
    logdiag = fnp.sum(fnp.log(fnp.diagonal(chol, axis1=-1, axis2=-2)), axis=-1)
    return -1 / 2 * fnp.einsum("...i,...i->...", y, y) - n / 2 * _LOG_2PI - logdiag


def multivariate_normal_pdf(x: Any, mean: Any, cov: Any) -> Any:
    return lax.exp(multivariate_normal_logpdf(x, mean, cov))


# --------------------------------------------------------------------------- pareto


def pareto_logpdf(x: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, b, loc, scale = _promote(x, b, loc, scale)
    z = (x - loc) / scale
    log_probs = -(lax.log(scale / b) + (b + 1) * lax.log(z))
    return fnp.where(x < loc + scale, -np.inf, log_probs)


def pareto_pdf(x: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(pareto_logpdf(x, b, loc, scale))


def pareto_cdf(x: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, b, loc, scale = _promote(x, b, loc, scale)
    z = (x - loc) / scale
    return fnp.where(x < loc + scale, _c(x, 0), 1 - lax.pow(z, -b))


def pareto_logcdf(x: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, b, loc, scale = _promote(x, b, loc, scale)
    z = (x - loc) / scale
    return fnp.where(x < loc + scale, -np.inf, lax.log1p(-lax.pow(z, -b)))


def pareto_logsf(x: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, b, loc, scale = _promote(x, b, loc, scale)
    z = (x - loc) / scale
    return fnp.where(x < loc + scale, _c(x, 0), -(b * lax.log(z)))


def pareto_sf(x: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(pareto_logsf(x, b, loc, scale))


def pareto_ppf(q: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    q, b, loc, scale = _promote(q, b, loc, scale)
    val = loc + scale * lax.pow(1 - q, -(1 / b))
    return fnp.where(_or(fnp.isnan(q), _or(q < 0, q > 1)), np.nan, val)


# --------------------------------------------------------------------------- Student's t


def t_logpdf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, df, loc, scale = _promote(x, df, loc, scale)
    z = (x - loc) / scale
    half = df / 2
    half1 = half + 0.5
    norm = lax.lgamma(half) + lax.log(scale * scale * math.pi * df) / 2 - lax.lgamma(half1)
    return -(norm + half1 * lax.log1p(z * z / df))


def t_pdf(x: Any, df: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(t_logpdf(x, df, loc, scale))


# --------------------------------------------------------------------------- truncated normal


def _log_diff(x: Any, y: Any) -> Any:
    return _sp.logsumexp(fnp.stack([x, y]), b=fnp.stack([fnp.ones_like(x), -fnp.ones_like(y)]), axis=0)


def _log_gauss_mass(a: Any, b: Any) -> Any:
    a, b = fnp.broadcast_arrays(fnp.asarray(a), fnp.asarray(b))
    left = b <= 0
    right = a > 0
    central = fnp.logical_not(_or(left, right))
    a_tail = fnp.where(right, -b, a)
    b_tail = fnp.where(right, -a, b)
    mass_tail = _log_diff(_sp.log_ndtr(b_tail), _sp.log_ndtr(a_tail))
    mass_central = fnp.log1p(-_sp.ndtr(a) - _sp.ndtr(-b))
    return fnp.where(central, mass_central, mass_tail)


def truncnorm_logpdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, b, loc, scale = _promote(x, a, b, loc, scale)
    val = _sp.norm_logpdf(x, loc, scale) - _log_gauss_mass(a, b)
    z = (x - loc) / scale
    val = fnp.where(_or(z < a, z > b), -np.inf, val)
    return fnp.where(a >= b, np.nan, val)


def truncnorm_pdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(truncnorm_logpdf(x, a, b, loc, scale))


def truncnorm_logcdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, b, loc, scale = _promote(x, a, b, loc, scale)
    x, a, b = fnp.broadcast_arrays(fnp.asarray(x), fnp.asarray(a), fnp.asarray(b))
    x = (x - loc) / scale
    lgm_ab = _log_gauss_mass(a, b)
    logcdf = _log_gauss_mass(a, x) - lgm_ab
    logsf = _log_gauss_mass(x, b) - lgm_ab
    dt = get_aval(x).dtype
    out = fnp.select(
        [x >= b, x <= a, logcdf > -0.1, x > a],
        [np.zeros((), dt), np.asarray(-np.inf, dt), fnp.log1p(-fnp.exp(logsf)), logcdf],
    )
    return fnp.where(a >= b, np.nan, out)


def truncnorm_cdf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(truncnorm_logcdf(x, a, b, loc, scale))


def truncnorm_logsf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, a, b, loc, scale = _promote(x, a, b, loc, scale)
    return truncnorm_logcdf(-x, -b, -a, -loc, scale)


def truncnorm_sf(x: Any, a: Any, b: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(truncnorm_logsf(x, a, b, loc, scale))


# --------------------------------------------------------------------------- uniform


def uniform_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    return fnp.where(_or(x > loc + scale, x < loc), -np.inf, -lax.log(scale))


def uniform_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    return lax.exp(uniform_logpdf(x, loc, scale))


def uniform_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    x, loc, scale = _promote(x, loc, scale)
    conds = [x < loc, x > loc + scale, _and(x >= loc, x <= loc + scale)]
    return fnp.select(conds, [_c(x, 0), _c(x, 1), (x - loc) / scale])


def uniform_ppf(q: Any, loc: Any = 0, scale: Any = 1) -> Any:
    q, loc, scale = _promote(q, loc, scale)
    return fnp.where(_or(fnp.isnan(q), _or(q < 0, q > 1)), np.nan, loc + scale * q)


# --------------------------------------------------------------------------- circular


def vonmises_logpdf(x: Any, kappa: Any) -> Any:
    x, kappa = _promote(x, kappa)
    val = kappa * (fnp.cos(x) - 1) - fnp.log(2 * np.pi * lax.bessel_i0e(kappa))
    return fnp.where(kappa > 0, val, np.nan)


def vonmises_pdf(x: Any, kappa: Any) -> Any:
    return lax.exp(vonmises_logpdf(x, kappa))


def wrapcauchy_logpdf(x: Any, c: Any) -> Any:
    x, c = _promote(x, c)
    val = fnp.log(1 - c * c) - _LOG_2PI - fnp.log(1 + c * c - 2 * c * fnp.cos(x))
    inner = fnp.where(_and(x >= 0, x <= np.pi * 2), val, -np.inf)
    return fnp.where(_and(c > 0, c < 1), inner, np.nan)


def wrapcauchy_pdf(x: Any, c: Any) -> Any:
    return lax.exp(wrapcauchy_logpdf(x, c))


# --------------------------------------------------------------------------- rankdata, sem, mode


def _nan_policy(name: str, nan_policy: str) -> None:
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"Illegal nan_policy value {nan_policy!r}; expected one of {{'propagate', 'omit', 'raise'}}")
    if nan_policy == "omit":
        raise NotImplementedError(f"Logic for `nan_policy` of {nan_policy} is not implemented")
    if nan_policy == "raise":
        raise NotImplementedError(
            f"In order to best JIT compile `{name}`, we cannot know whether `x` contains nans. "
            f"Please check if nans exist in `x` outside of the `{name}` function."
        )


def _concrete(a: Any, name: str) -> np.ndarray:
    if isinstance(a, Tracer):
        raise TypeError(f"{name}: functrans computes ranks and modes of concrete arrays only (got a traced value)")
    return np.asarray(a)


def _ranks_last_axis(a: Any, method: str) -> Any:
    """Ranks along the last axis, by pairwise comparison (traceable; O(n**2) per row)."""
    n = fnp.shape(a)[-1]
    if method == "ordinal":
        inv = fnp.argsort(fnp.argsort(a, axis=-1, stable=True), axis=-1, stable=True)
        return (inv + 1).astype(np.float64)
    le = fnp.sum(a[..., None, :] <= a[..., :, None], axis=-1).astype(np.float64)  # values <= a_i
    lt = fnp.sum(a[..., None, :] < a[..., :, None], axis=-1).astype(np.float64)  # values < a_i
    if method == "max":
        return le
    if method == "min":
        return lt + 1
    if method == "average":
        return 0.5 * (le + lt + 1)
    # dense: distinct values <= a_i (each value counted at its first occurrence in sorted order)
    srt = fnp.sort(a, axis=-1)
    first = fnp.concatenate([fnp.ones(fnp.shape(a)[:-1] + (1,), bool), srt[..., 1:] != srt[..., :-1]], axis=-1)
    _ = n
    return fnp.sum(_and(first[..., None, :], srt[..., None, :] <= a[..., :, None]), axis=-1).astype(np.float64)


def rankdata(a: Any, method: str = "average", *, axis: int | None = None, nan_policy: str = "propagate") -> Any:
    """Ranks of the data (``average``, ``min``, ``max``, ``dense`` or ``ordinal``) as float64,
    along ``axis`` (of the flattened data by default); all NaN when the data (or the slice
    along ``axis``) holds a NaN, as JAX. Ranks are piecewise constant: their gradient is 0."""
    _nan_policy("rankdata", nan_policy)
    if method not in ("average", "min", "max", "dense", "ordinal"):
        raise ValueError(f"unknown method '{method}'")
    a = fnp.asarray(a)
    if axis is None:
        a, axis = fnp.ravel(a), -1
    a = fnp.moveaxis(a, axis, -1)
    r = _ranks_last_axis(lax.stop_gradient(a), method)
    if a.dtype.kind in "fc":
        r = fnp.where(fnp.any(fnp.isnan(a), axis=-1, keepdims=True), np.nan, r)
    return fnp.moveaxis(r, -1, axis)


def sem(a: Any, axis: int | None = 0, ddof: int = 1, nan_policy: str = "propagate", *, keepdims: bool = False) -> Any:
    """Standard error of the mean: ``std(a, ddof) / sqrt(n)`` along ``axis``."""
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"Illegal nan_policy value {nan_policy!r}; expected one of {{'propagate', 'omit', 'raise'}}")
    if nan_policy == "raise":
        raise NotImplementedError("nan_policy='raise' is not supported (as in JAX)")
    a = fnp.asarray(_promote(a)[0])
    if axis is None:
        a, axis = fnp.ravel(a), 0
    if nan_policy == "omit":
        n = fnp.sum(fnp.logical_not(fnp.isnan(a)), axis=axis, keepdims=keepdims)
        return fnp.nanstd(a, axis=axis, ddof=ddof, keepdims=keepdims) / fnp.sqrt(n)
    n = a.shape[axis]
    return fnp.std(a, axis=axis, ddof=ddof, keepdims=keepdims) / fnp.sqrt(np.asarray(n, a.dtype))


class ModeResult(NamedTuple):
    """The result of :func:`mode`: the modal values and their counts."""

    mode: Any
    count: Any


def mode(a: Any, axis: int | None = 0, nan_policy: str = "propagate", keepdims: bool = False) -> ModeResult:
    """The most common value along ``axis`` (the smallest on ties) and its count (concrete data)."""
    _nan_policy("mode", nan_policy)
    x = np.atleast_1d(_concrete(a, "mode"))
    if axis is not None:
        if not -x.ndim <= axis < x.ndim:
            raise ValueError(f"axis {axis} is out of bounds for array of dimension {x.ndim}")
        axis %= x.ndim
    shape = x.shape
    if keepdims:
        out_shape = (
            tuple(1 for _ in shape) if axis is None else tuple(1 if i == axis else s for i, s in enumerate(shape))
        )
    else:
        out_shape = () if axis is None else tuple(s for i, s in enumerate(shape) if i != axis)
    if axis is None:
        axis, x = 0, x.ravel()
    x = np.moveaxis(x, axis, 0).reshape(x.shape[axis], -1)
    vals, counts = [], []
    for j in range(x.shape[1]):
        col = x[:, j]
        if col.size == 0:
            vals.append(np.nan)
            counts.append(0)
            continue
        u, c = np.unique(col, return_counts=True)
        i = int(np.argmax(c))
        vals.append(u[i])
        counts.append(c[i])
    if x.shape[0] == 0:
        v, cnt = np.asarray(vals, np.float64), np.asarray(counts, np.float64)
    else:
        v, cnt = np.asarray(vals, x.dtype), np.asarray(counts, np.int64)
    return ModeResult(fnp.asarray(v.reshape(out_shape)), fnp.asarray(cnt.reshape(out_shape)))
