"""Rule-coverage cases of functrans/_src/lax/elementwise_extra.py."""

import numpy as np

import functrans.numpy as fnp

rng = np.random.default_rng(11)
V = rng.uniform(0.2, 0.8, (3,))
M = rng.uniform(0.2, 0.8, (2, 3))
Z = np.array([0.0, 0.3, 0.6])  # sinc at 0 takes its Maclaurin branch

RULE_CASES = {
    "asinh": (fnp.arcsinh, (V,)),
    "acosh": (lambda x: fnp.arccosh(x + 1.5), (V,)),
    "atanh": (lambda x: fnp.arctanh(x - 0.1), (V,)),
    "exp2": (fnp.exp2, (V,)),
    "log2": (fnp.log2, (V,)),
    "log10": (fnp.log10, (V,)),
    "cbrt": (fnp.cbrt, (V,)),
    "logaddexp": (fnp.logaddexp, (M, V)),
    "logaddexp2": (fnp.logaddexp2, (M, V)),
    "fmod": (lambda x, y: fnp.fmod(3 * x, y) * x, (M, V + 0.3)),
    "signbit": (lambda x: fnp.where(fnp.signbit(x - 0.5), x**2, x), (V + 0.01,)),
    "is_finite": (lambda x: fnp.where(fnp.isfinite(1.0 / (x - 0.5)), x**2, x), (V + 0.01,)),
    "sinc_maclaurin": (fnp.sinc, (Z,)),
}
RULE_CASES["hypot"] = (fnp.hypot, (M, V - 0.5))
