"""``functrans.scipy.stats.betabinom``, as ``jax.scipy.stats.betabinom``."""

from functrans._src.scipy_stats import betabinom_logpmf as logpmf
from functrans._src.scipy_stats import betabinom_pmf as pmf

__all__ = ["logpmf", "pmf"]
