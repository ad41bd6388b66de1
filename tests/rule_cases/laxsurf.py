"""Rule-coverage cases of functrans/_src/lax/bitwise.py (the special-function primitives of
special_extra.py have theirs in special_more.py).

The integer primitives are piecewise constant: each feeds a ``where`` choosing between smooth
terms.
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
}

