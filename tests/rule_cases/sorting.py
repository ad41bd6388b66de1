"""Rule-coverage cases of functrans/_src/lax/sorting.py."""

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax

rng = np.random.default_rng(14)
M = rng.uniform(0.2, 0.8, (2, 5))
W = rng.uniform(-1.0, 1.0, (2, 5))
POS = np.arange(5.0)

RULE_CASES = {
    "sort": (lambda x, y: lax.sort([x, y], 1, num_keys=1)[1] * POS + fnp.sort(x, axis=0) ** 2, (M, W)),
    "argmax": (lambda x: fnp.where(POS == fnp.argmax(x, axis=1, keepdims=True), x**2, x), (M,)),
    "argmin": (lambda x: fnp.where(POS == fnp.argmin(x, axis=1, keepdims=True), x**2, x), (M,)),
    "searchsorted": (lambda x: fnp.searchsorted(fnp.sort(x[0]), x[1]) * x[1], (M,)),
}
