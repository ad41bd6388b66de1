"""Rule-coverage cases of functrans/_src/lax/special.py."""

import numpy as np

from functrans._src import lax

rng = np.random.default_rng(12)
V = rng.uniform(0.2, 0.8, (3,))
M = rng.uniform(0.2, 0.8, (2, 3))

RULE_CASES = {
    "logistic": (lambda x: lax.logistic(3 * x - 1), (V,)),
    "logit": (lax.logit, (V,)),
    "erf": (lax.erf, (V,)),
    "erfc": (lax.erfc, (V,)),
    "erf_inv": (lambda x: lax.erf_inv(x - 0.5), (V,)),
    "lgamma": (lambda x: lax.lgamma(x + 0.5), (V,)),
    "digamma": (lambda x: lax.digamma(x + 0.5), (V,)),
    "polygamma": (lambda x: lax.polygamma(1, x + 0.5), (V,)),
    "ndtri": (lax.ndtri, (V,)),
    "log_ndtr": (lambda x: lax.log_ndtr(3 * x - 2), (V,)),
    "xlogy": (lax.xlogy, (M, V)),
    "xlog1py": (lax.xlog1py, (M, V)),
    "xlogx": (lax.xlogx, (V,)),
}
