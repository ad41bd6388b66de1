"""``functrans.scipy.stats.expon``, as ``jax.scipy.stats.expon``."""

from functrans._src.scipy_stats import expon_cdf as cdf
from functrans._src.scipy_stats import expon_logcdf as logcdf
from functrans._src.scipy_stats import expon_logpdf as logpdf
from functrans._src.scipy_stats import expon_logsf as logsf
from functrans._src.scipy_stats import expon_pdf as pdf
from functrans._src.scipy_stats import expon_ppf as ppf
from functrans._src.scipy_stats import expon_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
