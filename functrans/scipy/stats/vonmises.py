"""``functrans.scipy.stats.vonmises``, as ``jax.scipy.stats.vonmises``."""

from functrans._src.scipy_stats_more import vonmises_logpdf as logpdf
from functrans._src.scipy_stats_more import vonmises_pdf as pdf

__all__ = ["logpdf", "pdf"]
