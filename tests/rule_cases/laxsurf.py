"""Rule-coverage cases of functrans/_src/lax/bitwise.py and special_extra.py (branch laxsurf; the
special-function primitives come from branch scisurf: drop these cases if it brings its own).

The integer primitives are piecewise constant: each feeds a ``where`` choosing between smooth
terms. The special functions are checked in the arguments JAX differentiates (igamma in x
to second order: its derivative in a, igamma_grad_a, has none; betainc in x, zeta in q);
igamma_grad_a's values and batching are pinned in tests/test_jax_parity_laxsurf.py.
"""

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax

rng = np.random.default_rng(22)
V = rng.uniform(0.2, 0.8, (3,))
M = rng.uniform(0.2, 0.8, (2, 3))


def _ints(x):
    return lax.convert_element_type(lax.floor(x * 10.0), np.int64)


def _pick(cond, x):
    return fnp.where(cond, x**2, fnp.sin(x))


RULE_CASES = {
    "bitwise_and": (lambda x: _pick(lax.bitwise_and(_ints(x), 3) > 1, x), (V,)),
    "bitwise_or": (lambda x: _pick(lax.bitwise_or(_ints(x), 1) > 4, x), (V,)),
    "bitwise_xor": (lambda x: _pick(lax.bitwise_xor(_ints(x), 5) > 3, x), (V,)),
    "bitwise_not": (lambda x: _pick(lax.bitwise_not(_ints(x)) < -5, x), (V,)),
    "shift_left": (lambda x: _pick(lax.shift_left(_ints(x), 2) > 20, x), (V,)),
    "shift_right_arithmetic": (lambda x: _pick(lax.shift_right_arithmetic(_ints(x), 1) > 2, x), (V,)),
    "shift_right_logical": (lambda x: _pick(lax.shift_right_logical(_ints(x), 1) > 2, x), (V,)),
    "population_count": (lambda x: _pick(lax.population_count(_ints(x)) > 1, x), (V,)),
    "clz": (lambda x: _pick(lax.clz(_ints(x)) > 60, x), (V,)),
    "igamma": (lambda x: lax.igamma(M + 1.0, x + 0.5), (V,)),
    "igammac": (lambda x: lax.igammac(M + 1.0, x + 0.5), (V,)),
    "regularized_incomplete_beta": (lambda x: lax.betainc(1.5, 2.5, x), (V,)),
    "zeta": (lambda q: lax.zeta(3.0, q + 1.0), (V,)),
    "bessel_i0e": (lambda x: lax.bessel_i0e(3 * x - 1.2), (V,)),
    "bessel_i1e": (lambda x: lax.bessel_i1e(3 * x - 1.2), (V,)),
}

NOT_FINITE_DIFFERENCE_CHECKABLE = {"igamma_grad_a"}
