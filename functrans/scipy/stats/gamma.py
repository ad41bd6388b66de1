"""``functrans.scipy.stats.gamma``, as ``jax.scipy.stats.gamma``."""

from functrans._src.scipy_stats import gamma_cdf as cdf
from functrans._src.scipy_stats import gamma_logcdf as logcdf
from functrans._src.scipy_stats import gamma_logpdf as logpdf
from functrans._src.scipy_stats import gamma_logsf as logsf
from functrans._src.scipy_stats import gamma_pdf as pdf
from functrans._src.scipy_stats import gamma_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
