"""``functrans.scipy.stats.pareto``, as ``jax.scipy.stats.pareto``."""

from functrans._src.scipy_stats_more import pareto_cdf as cdf
from functrans._src.scipy_stats_more import pareto_logcdf as logcdf
from functrans._src.scipy_stats_more import pareto_logpdf as logpdf
from functrans._src.scipy_stats_more import pareto_logsf as logsf
from functrans._src.scipy_stats_more import pareto_pdf as pdf
from functrans._src.scipy_stats_more import pareto_ppf as ppf
from functrans._src.scipy_stats_more import pareto_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
