"""``functrans.scipy.stats.dirichlet``, as ``jax.scipy.stats.dirichlet``."""

from functrans._src.scipy_stats import dirichlet_logpdf as logpdf
from functrans._src.scipy_stats import dirichlet_pdf as pdf

__all__ = ["logpdf", "pdf"]
