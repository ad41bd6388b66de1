"""``functrans.scipy.stats.bernoulli``, as ``jax.scipy.stats.bernoulli``."""

from functrans._src.scipy_stats import bernoulli_cdf as cdf
from functrans._src.scipy_stats import bernoulli_logpmf as logpmf
from functrans._src.scipy_stats import bernoulli_pmf as pmf
from functrans._src.scipy_stats import bernoulli_ppf as ppf

__all__ = ["cdf", "logpmf", "pmf", "ppf"]
