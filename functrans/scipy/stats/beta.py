"""``functrans.scipy.stats.beta``, as ``jax.scipy.stats.beta``."""

from functrans._src.scipy_stats import beta_cdf as cdf
from functrans._src.scipy_stats import beta_logcdf as logcdf
from functrans._src.scipy_stats import beta_logpdf as logpdf
from functrans._src.scipy_stats import beta_logsf as logsf
from functrans._src.scipy_stats import beta_pdf as pdf
from functrans._src.scipy_stats import beta_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
