"""``functrans.scipy.stats.cauchy``, as ``jax.scipy.stats.cauchy``."""

from functrans._src.scipy_stats import cauchy_cdf as cdf
from functrans._src.scipy_stats import cauchy_isf as isf
from functrans._src.scipy_stats import cauchy_logcdf as logcdf
from functrans._src.scipy_stats import cauchy_logpdf as logpdf
from functrans._src.scipy_stats import cauchy_logsf as logsf
from functrans._src.scipy_stats import cauchy_pdf as pdf
from functrans._src.scipy_stats import cauchy_ppf as ppf
from functrans._src.scipy_stats import cauchy_sf as sf

__all__ = ["cdf", "isf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
