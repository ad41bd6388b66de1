"""``functrans.scipy.stats.geom``, as ``jax.scipy.stats.geom``."""

from functrans._src.scipy_stats import geom_logpmf as logpmf
from functrans._src.scipy_stats import geom_pmf as pmf

__all__ = ["logpmf", "pmf"]
