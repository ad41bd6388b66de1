"""``functrans.scipy.stats.poisson``, as ``jax.scipy.stats.poisson``."""

from functrans._src.scipy_stats import poisson_cdf as cdf
from functrans._src.scipy_stats import poisson_entropy as entropy
from functrans._src.scipy_stats import poisson_logpmf as logpmf
from functrans._src.scipy_stats import poisson_pmf as pmf

__all__ = ["cdf", "entropy", "logpmf", "pmf"]
