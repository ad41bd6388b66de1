"""Rule-coverage cases of functrans/_src/lax/numpy_extra.py (discrete_ufunc, ldexp, bessel_i0/i1)."""

import numpy as np

import functrans.numpy as fnp
from functrans._src.lax.numpy_extra import bessel_i1

rng = np.random.default_rng(12)
V = rng.uniform(0.2, 0.8, (3,))
M = rng.uniform(0.2, 0.8, (2, 3))


def _bits_gate(x):
    # integer bits of 8x (piecewise constant) select between two smooth branches
    k = fnp.floor(8 * x).astype(np.int64)
    return fnp.where(fnp.bitwise_and(k, 1) == 1, x**2, fnp.sin(x))


RULE_CASES = {
    "discrete_ufunc": (_bits_gate, (V + 0.01,)),
    "ldexp": (lambda x: fnp.ldexp(x, np.array([1, -2, 3])) * x, (M,)),
    "bessel_i0": (fnp.i0, (M * 3 - 1,)),
    "bessel_i1": (lambda x: bessel_i1(x - 0.5), (V,)),
}
