"""Rule-coverage cases of functrans/_src/lax/cumulative.py (distinct values: no ties)."""

import numpy as np

from functrans._src import lax

rng = np.random.default_rng(13)
M = rng.uniform(0.2, 0.8, (2, 5))

RULE_CASES = {
    "cumsum": (lambda x: lax.cumsum(x, 1) ** 2, (M,)),
    "cumprod": (lambda x: lax.cumprod(x, 1, reverse=True), (M,)),
    "cummax": (lambda x: lax.cummax(x, 1), (M,)),
    "cummin": (lambda x: lax.cummin(x, 1, reverse=True), (M,)),
    "cumlogsumexp": (lambda x: lax.cumlogsumexp(x, 1), (M,)),
}
