"""``functrans.scipy.stats.truncnorm``, as ``jax.scipy.stats.truncnorm``."""

from functrans._src.scipy_stats_more import truncnorm_cdf as cdf
from functrans._src.scipy_stats_more import truncnorm_logcdf as logcdf
from functrans._src.scipy_stats_more import truncnorm_logpdf as logpdf
from functrans._src.scipy_stats_more import truncnorm_logsf as logsf
from functrans._src.scipy_stats_more import truncnorm_pdf as pdf
from functrans._src.scipy_stats_more import truncnorm_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
