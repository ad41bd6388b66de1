"""``functrans.scipy.stats.laplace``, as ``jax.scipy.stats.laplace``."""

from functrans._src.scipy_stats import laplace_cdf as cdf
from functrans._src.scipy_stats import laplace_logpdf as logpdf
from functrans._src.scipy_stats import laplace_pdf as pdf

__all__ = ["cdf", "logpdf", "pdf"]
