"""``functrans.scipy.stats``: distributions, as ``jax.scipy.stats``."""

from functrans.scipy.stats import norm

__all__ = ["norm"]
