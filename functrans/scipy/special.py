"""``functrans.scipy.special``: special functions, as ``jax.scipy.special``.

``logsumexp``, ``expit``, ``logit``, ``xlogy``, ``xlog1py``, ``entr``, ``erf``, ``erfc``,
``gammaln`` and ``ndtr`` need NumPy only. ``erfinv``, ``digamma``, ``ndtri`` and
``log_ndtr`` compute their values with SciPy: ``pip install functrans[scipy]``.
"""

from functrans._src.scipy_special import (
    digamma,
    entr,
    erf,
    erfc,
    erfinv,
    expit,
    gammaln,
    log_ndtr,
    logit,
    logsumexp,
    ndtr,
    ndtri,
    xlog1py,
    xlogy,
)

__all__ = [
    "digamma", "entr", "erf", "erfc", "erfinv", "expit", "gammaln", "log_ndtr", "logit", "logsumexp",
    "ndtr", "ndtri", "xlog1py", "xlogy",
]  # fmt: skip

from functrans._src import nn as _nn  # noqa: E402


def softmax(x: object, /, *, axis: int | tuple[int, ...] | None = None) -> object:
    """``exp(x) / sum(exp(x))`` over ``axis`` (all axes by default, as SciPy and JAX)."""
    return _nn.softmax(x, axis=axis)


def log_softmax(x: object, /, *, axis: int | tuple[int, ...] | None = None) -> object:
    """``x - logsumexp(x)`` over ``axis`` (all axes by default, as SciPy and JAX)."""
    return _nn.log_softmax(x, axis=axis)


__all__ += ["log_softmax", "softmax"]

from functrans._src.scipy_special_more import (  # noqa: E402
    bernoulli,
    bessel_jn,
    beta,
    betainc,
    betaln,
    boxcox,
    boxcox1p,
    comb,
    dawsn,
    erfcx,
    exp1,
    expi,
    expn,
    factorial,
    fresnel,
    gamma,
    gammainc,
    gammaincc,
    gammasgn,
    hyp1f1,
    hyp2f1,
    i0,
    i0e,
    i1,
    i1e,
    kl_div,
    loggamma,
    multigammaln,
    owens_t,
    poch,
    polygamma,
    rel_entr,
    sici,
    spence,
    wofz,
    zeta,
)

__all__ += [
    "bernoulli", "bessel_jn", "beta", "betainc", "betaln", "boxcox", "boxcox1p", "comb", "dawsn", "erfcx",
    "exp1", "expi", "expn", "factorial", "fresnel", "gamma", "gammainc", "gammaincc", "gammasgn", "hyp1f1",
    "hyp2f1", "i0", "i0e", "i1", "i1e", "kl_div", "loggamma", "multigammaln", "owens_t", "poch", "polygamma",
    "rel_entr", "sici", "spence", "wofz", "zeta",
]  # fmt: skip
