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
