"""``functrans.scipy.stats.wrapcauchy``, as ``jax.scipy.stats.wrapcauchy``."""

from functrans._src.scipy_stats_more import wrapcauchy_logpdf as logpdf
from functrans._src.scipy_stats_more import wrapcauchy_pdf as pdf

__all__ = ["logpdf", "pdf"]
