"""``functrans.scipy.stats``: distributions, as ``jax.scipy.stats``."""

from functrans.scipy.stats import norm

__all__ = ["norm"]

from functrans._src.scipy_stats_more import ModeResult, mode, rankdata, sem  # noqa: E402
from functrans.scipy.stats import (  # noqa: E402
    bernoulli,
    beta,
    betabinom,
    binom,
    cauchy,
    chi2,
    dirichlet,
    expon,
    gamma,
    gennorm,
    geom,
    gumbel_l,
    gumbel_r,
    laplace,
    logistic,
    multinomial,
    multivariate_normal,
    nbinom,
    pareto,
    poisson,
    t,
    truncnorm,
    uniform,
    vonmises,
    wrapcauchy,
)

__all__ += [
    "bernoulli", "beta", "betabinom", "binom", "cauchy", "chi2", "dirichlet", "expon", "gamma", "gennorm",
    "geom", "gumbel_l", "gumbel_r", "laplace", "logistic", "multinomial", "multivariate_normal", "nbinom",
    "pareto", "poisson", "t", "truncnorm", "uniform", "vonmises", "wrapcauchy", "mode", "rankdata", "sem",
    "ModeResult",
]  # fmt: skip
