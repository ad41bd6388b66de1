"""``functrans.scipy.stats.norm``: the normal distribution (``loc``, ``scale``), as
``jax.scipy.stats.norm``. ``logcdf`` and ``ppf`` compute their values with SciPy."""

from functrans._src.scipy_special import norm_cdf as cdf
from functrans._src.scipy_special import norm_logcdf as logcdf
from functrans._src.scipy_special import norm_logpdf as logpdf
from functrans._src.scipy_special import norm_pdf as pdf
from functrans._src.scipy_special import norm_ppf as ppf

__all__ = ["cdf", "logcdf", "logpdf", "pdf", "ppf"]
from functrans._src.scipy_special import norm_isf as isf  # noqa: E402
from functrans._src.scipy_special import norm_logsf as logsf  # noqa: E402
from functrans._src.scipy_special import norm_sf as sf  # noqa: E402

__all__ += ["isf", "logsf", "sf"]
