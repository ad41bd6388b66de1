"""``functrans.scipy.stats.nbinom``, as ``jax.scipy.stats.nbinom``."""

from functrans._src.scipy_stats import nbinom_logpmf as logpmf
from functrans._src.scipy_stats import nbinom_pmf as pmf

__all__ = ["logpmf", "pmf"]
