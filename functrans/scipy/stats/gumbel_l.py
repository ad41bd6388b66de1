"""``functrans.scipy.stats.gumbel_l``, as ``jax.scipy.stats.gumbel_l``."""

from functrans._src.scipy_stats import gumbel_l_cdf as cdf
from functrans._src.scipy_stats import gumbel_l_logcdf as logcdf
from functrans._src.scipy_stats import gumbel_l_logpdf as logpdf
from functrans._src.scipy_stats import gumbel_l_logsf as logsf
from functrans._src.scipy_stats import gumbel_l_pdf as pdf
from functrans._src.scipy_stats import gumbel_l_ppf as ppf
from functrans._src.scipy_stats import gumbel_l_sf as sf

__all__ = ["cdf", "logcdf", "logpdf", "logsf", "pdf", "ppf", "sf"]
