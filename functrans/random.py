"""``functrans.random``: JAX's ``jax.random`` API with the same threefry-2x32 numbers.

>>> import functrans.random as fr
>>> key = fr.PRNGKey(0)
>>> k1, k2 = fr.split(key)
>>> fr.normal(k1, (3,)).shape
(3,)

Keys are ``uint32`` arrays of shape ``(2,)``; ``key(seed)`` returns the same array as
``PRNGKey(seed)``. Keys, bits and integer samples match ``jax.random`` bit for bit (its
default ``jax_threefry_partitionable=True`` layout, 64-bit ``bits`` as under
``jax_enable_x64``); most float64 samplers do too (XLA's fused multiply-adds and ``log1p``
are reproduced), the rest (``beta``, ``dirichlet``, float32) match to float rounding.
Floats are float64 by default.
"""

from functrans._src.random_api import (
    PRNGKey,
    bernoulli,
    beta,
    bits,
    categorical,
    cauchy,
    chisquare,
    choice,
    dirichlet,
    exponential,
    f,
    fold_in,
    gamma,
    geometric,
    gumbel,
    key,
    key_data,
    laplace,
    loggamma,
    logistic,
    lognormal,
    maxwell,
    multivariate_normal,
    normal,
    pareto,
    permutation,
    poisson,
    rademacher,
    randint,
    rayleigh,
    split,
    t,
    truncated_normal,
    uniform,
    weibull_min,
    wrap_key_data,
)

__all__ = [
    "PRNGKey",
    "bernoulli",
    "beta",
    "bits",
    "categorical",
    "cauchy",
    "chisquare",
    "choice",
    "dirichlet",
    "exponential",
    "f",
    "fold_in",
    "gamma",
    "geometric",
    "gumbel",
    "key",
    "key_data",
    "laplace",
    "loggamma",
    "logistic",
    "lognormal",
    "maxwell",
    "multivariate_normal",
    "normal",
    "pareto",
    "permutation",
    "poisson",
    "rademacher",
    "randint",
    "rayleigh",
    "split",
    "t",
    "truncated_normal",
    "uniform",
    "weibull_min",
    "wrap_key_data",
]
# more samplers and key utilities
from functrans._src.random_extra import (  # noqa: E402
    ball,
    binomial,
    clone,
    double_sided_maxwell,
    generalized_normal,
    key_dtype,
    key_impl,
    multinomial,
    orthogonal,
    triangular,
    wald,
)

__all__ += [
    "ball", "binomial", "clone", "double_sided_maxwell", "generalized_normal", "key_dtype", "key_impl",
    "multinomial", "orthogonal", "triangular", "wald",
]  # fmt: skip
