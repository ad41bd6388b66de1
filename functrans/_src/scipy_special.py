"""``functrans.scipy.special`` and ``functrans.scipy.stats.norm``, built from primitives.

``logsumexp``, ``expit``, ``logit``, ``xlogy``, ``xlog1py``, ``entr``, ``erf``, ``erfc``,
``gammaln`` and ``ndtr`` need NumPy only (erf, erfc and gammaln run faster with SciPy).
``erfinv``, ``digamma``, ``ndtri`` and ``log_ndtr`` need SciPy for their values: without it
they raise an ImportError naming ``pip install functrans[scipy]``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.reductions import sum as _sum
from functrans._src.numpy.util import _arr, _axes, _shape
from functrans._src.numpy.util import _as_float as _float

__all__ = [
    "logsumexp", "expit", "logit", "xlogy", "xlog1py", "entr", "erf", "erfc", "erfinv",
    "gammaln", "digamma", "ndtr", "ndtri", "log_ndtr",
]  # fmt: skip




def logsumexp(
    a: Any, axis: Any = None, b: Any = None, keepdims: bool = False, return_sign: bool = False, where: Any = None
) -> Any:
    """``log(sum(b * exp(a), axis))`` without overflow (the maximum is subtracted first).

    With ``return_sign=True`` returns ``(log|s|, sign(s))``; otherwise a negative sum
    gives NaN, as SciPy. Entries where ``b == 0`` (or outside ``where``) do not count.
    """
    a = _float(a)
    if isinstance(a, float):
        a = np.asarray(a)
    dt = get_aval(a).dtype
    if b is not None:
        b = _arr(b)
        a = lax.select(lax.ne(b, 0), a, np.asarray(-np.inf, dt))
    if where is not None:
        a = lax.select(_arr(where), a, np.asarray(-np.inf, dt))
    axes = _axes(axis, len(_shape(a)))
    amax = lax.reduce_max(a, axes, True)  # -inf over an empty axis (as JAX), not an error
    amax = lax.stop_gradient(lax.select(lax.is_finite(amax), amax, np.zeros((), dt)))
    e = lax.exp(lax.sub(a, amax))
    if b is not None:
        e = lax.mul(e, b)
    s = _sum(e, axes, keepdims=keepdims)
    if not keepdims:
        amax = lax.reshape(amax, _shape(s))
    sign = lax.sign(s)
    with np.errstate(divide="ignore"):
        out = lax.add(lax.log(lax.abs(s)), amax)
    if return_sign:
        return out, sign
    if b is not None:
        out = lax.select(lax.lt(sign, 0), np.asarray(np.nan, get_aval(out).dtype), out)
    return out


def expit(x: Any) -> Any:
    """The logistic sigmoid ``1 / (1 + exp(-x))``, without overflow."""
    return lax.logistic(_arr(x))


def logit(x: Any) -> Any:
    """The inverse of expit: ``log(x / (1 - x))``."""
    return lax.logit(_arr(x))


def xlogy(x: Any, y: Any) -> Any:
    """``x * log(y)``, 0 where ``x == 0``; derivatives ``log(y)`` and ``x / y`` (as JAX)."""
    return lax.xlogy(_float(x), _float(y))


def xlog1py(x: Any, y: Any) -> Any:
    """``x * log1p(y)``, 0 where ``x == 0``."""
    return lax.xlog1py(_float(x), _float(y))


def entr(x: Any) -> Any:
    """Elementwise entropy: ``-x log x`` for ``x > 0``, 0 at 0, ``-inf`` for ``x < 0``."""
    x = _float(x)
    if isinstance(x, float):
        x = np.asarray(x)
    return lax.select(lax.lt(x, 0), np.asarray(-np.inf, get_aval(x).dtype), lax.neg(lax.xlogx(x)))


def erf(x: Any) -> Any:
    """The error function."""
    return lax.erf(_arr(x))


def erfc(x: Any) -> Any:
    """The complementary error function ``1 - erf(x)``, accurate for large ``x``."""
    return lax.erfc(_arr(x))


def erfinv(x: Any) -> Any:
    """The inverse error function (SciPy computes its values)."""
    return lax.erf_inv(_arr(x))


def gammaln(x: Any) -> Any:
    """``log|Gamma(x)|``."""
    return lax.lgamma(_arr(x))


def digamma(x: Any) -> Any:
    """The digamma function, the derivative of gammaln (SciPy computes its values)."""
    return lax.digamma(_arr(x))


_SQRT1_2 = math.sqrt(0.5)


def ndtr(x: Any) -> Any:
    """The standard normal CDF, with erf near 0 and erfc in the tails (accurate in both)."""
    x = _float(x)
    t = lax.mul(x, _SQRT1_2)
    z = lax.abs(t)
    tail = lax.mul(0.5, lax.erfc(z))
    y = lax.select(
        lax.lt(z, _SQRT1_2), lax.add(0.5, lax.mul(0.5, lax.erf(t))), lax.select(lax.gt(t, 0), lax.sub(1.0, tail), tail)
    )
    return y


def ndtri(p: Any) -> Any:
    """The inverse of ndtr (SciPy computes its values)."""
    return lax.ndtri(_arr(p))


def log_ndtr(x: Any) -> Any:
    """``log(ndtr(x))``, accurate far into both tails (SciPy computes its values)."""
    return lax.log_ndtr(_arr(x))


# --------------------------------------------------------------------------- scipy.stats.norm

_LOG_2PI = math.log(2.0 * math.pi)


def _standard(x: Any, loc: Any, scale: Any) -> Any:
    return lax.div(lax.sub(_float(x), _float(loc)), _float(scale))


def norm_logpdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Log density of the normal distribution N(loc, scale**2)."""
    z = _standard(x, loc, scale)
    return lax.sub(lax.mul(-0.5, lax.add(lax.integer_pow(z, 2), _LOG_2PI)), lax.log(_float(scale)))


def norm_pdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Density of the normal distribution N(loc, scale**2)."""
    return lax.exp(norm_logpdf(x, loc, scale))


def norm_cdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Distribution function of N(loc, scale**2)."""
    return ndtr(_standard(x, loc, scale))


def norm_logcdf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Log of the distribution function of N(loc, scale**2) (SciPy computes its values)."""
    return log_ndtr(_standard(x, loc, scale))


def norm_ppf(q: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Quantile function of N(loc, scale**2) (SciPy computes its values)."""
    return lax.add(lax.mul(ndtri(q), _float(scale)), _float(loc))


def norm_sf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Survival function ``1 - cdf`` of N(loc, scale**2), as ``cdf(-x, -loc, scale)`` (JAX's)."""
    return norm_cdf(lax.neg(_float(x)), lax.neg(_float(loc)), scale)


def norm_logsf(x: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Log of the survival function of N(loc, scale**2), as ``logcdf(-x, -loc, scale)``."""
    return norm_logcdf(lax.neg(_float(x)), lax.neg(_float(loc)), scale)


def norm_isf(q: Any, loc: Any = 0, scale: Any = 1) -> Any:
    """Inverse survival function of N(loc, scale**2): ``ppf(1 - q, loc, scale)`` (as JAX)."""
    return norm_ppf(lax.sub(1.0, _float(q)), loc, scale)
