"""``functrans.scipy.stats.chi2``, as ``jax.scipy.stats.chi2``."""

from functrans._src.scipy_stats import chi2_cdf as cdf
from functrans._src.scipy_stats import chi2_logcdf as logcdf
from functrans._src.scipy_stats import chi2_logpdf as logpdf
from functrans._src.scipy_stats import chi2_logsf as logsf
from functrans._src.scipy_stats import chi2_pdf as pdf
from functrans._src.scipy_stats import chi2_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "sf"]
