"""``functrans.scipy.stats.uniform``, as ``jax.scipy.stats.uniform``."""

from functrans._src.scipy_stats_more import uniform_cdf as cdf
from functrans._src.scipy_stats_more import uniform_logpdf as logpdf
from functrans._src.scipy_stats_more import uniform_pdf as pdf
from functrans._src.scipy_stats_more import uniform_ppf as ppf

__all__ = ["cdf", "logpdf", "pdf", "ppf"]
