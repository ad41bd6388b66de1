"""``functrans.scipy.stats.multinomial``, as ``jax.scipy.stats.multinomial``."""

from functrans._src.scipy_stats_more import multinomial_logpmf as logpmf
from functrans._src.scipy_stats_more import multinomial_pmf as pmf

__all__ = ["logpmf", "pmf"]
