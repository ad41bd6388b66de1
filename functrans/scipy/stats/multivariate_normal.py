"""``functrans.scipy.stats.multivariate_normal``, as ``jax.scipy.stats.multivariate_normal``."""

from functrans._src.scipy_stats_more import multivariate_normal_logpdf as logpdf
from functrans._src.scipy_stats_more import multivariate_normal_pdf as pdf

__all__ = ["logpdf", "pdf"]
