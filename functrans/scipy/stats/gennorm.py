"""``functrans.scipy.stats.gennorm``, as ``jax.scipy.stats.gennorm``."""

from functrans._src.scipy_stats import gennorm_cdf as cdf
from functrans._src.scipy_stats import gennorm_logpdf as logpdf
from functrans._src.scipy_stats import gennorm_pdf as pdf

__all__ = ["cdf", "logpdf", "pdf"]
