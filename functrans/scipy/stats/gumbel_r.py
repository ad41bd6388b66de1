"""``functrans.scipy.stats.gumbel_r``, as ``jax.scipy.stats.gumbel_r``."""

from functrans._src.scipy_stats import gumbel_r_cdf as cdf
from functrans._src.scipy_stats import gumbel_r_logcdf as logcdf
from functrans._src.scipy_stats import gumbel_r_logpdf as logpdf
from functrans._src.scipy_stats import gumbel_r_logsf as logsf
from functrans._src.scipy_stats import gumbel_r_pdf as pdf
from functrans._src.scipy_stats import gumbel_r_ppf as ppf
from functrans._src.scipy_stats import gumbel_r_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
