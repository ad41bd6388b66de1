"""``functrans.scipy.stats.logistic``, as ``jax.scipy.stats.logistic``."""

from functrans._src.scipy_stats import logistic_cdf as cdf
from functrans._src.scipy_stats import logistic_isf as isf
from functrans._src.scipy_stats import logistic_logpdf as logpdf
from functrans._src.scipy_stats import logistic_pdf as pdf
from functrans._src.scipy_stats import logistic_ppf as ppf
from functrans._src.scipy_stats import logistic_sf as sf

__all__ = ["cdf", "isf", "logpdf", "pdf", "ppf", "sf"]
