"""``functrans.scipy.stats.binom``, as ``jax.scipy.stats.binom``."""

from functrans._src.scipy_stats import binom_logpmf as logpmf
from functrans._src.scipy_stats import binom_pmf as pmf

__all__ = ["logpmf", "pmf"]
