"""``functrans.scipy.stats.t``, as ``jax.scipy.stats.t``."""

from functrans._src.scipy_stats_more import t_logpdf as logpdf
from functrans._src.scipy_stats_more import t_pdf as pdf

__all__ = ["logpdf", "pdf"]
