"""Rule-coverage cases of functrans/_src/lax/complex_parts.py (complex inputs; real outputs, so
that the batching test can also take ``grad`` of them). Complex inputs of the other elementwise
primitives are ``COMPLEX_CASES``, checked by tests/test_complex_rules.py."""

import numpy as np

import functrans.numpy as fnp
from functrans import lax

rng = np.random.default_rng(15)
Z = rng.uniform(-0.8, 0.8, (3,)) + 1j * rng.uniform(-0.8, 0.8, (3,))
X = rng.uniform(-0.8, 0.8, (2, 3))
Y = rng.uniform(-0.8, 0.8, (3,))

RULE_CASES = {
    "real": (lambda z: lax.real(z * fnp.sin(z)), (Z,)),
    "imag": (lambda z: lax.imag(z * fnp.sin(z)), (Z,)),
    "conj": (lambda z: lax.imag(lax.conj(z) * fnp.exp(z)), (Z,)),
    "complex": (lambda x, y: lax.real(fnp.exp(lax.complex(x, y * y))), (X, Y)),
}

rng = np.random.default_rng(1515)
ZV = rng.uniform(-0.7, 0.7, (3,)) + 1j * rng.uniform(-0.7, 0.7, (3,))
ZW = rng.uniform(0.3, 0.9, (3,)) + 1j * rng.uniform(-0.5, 0.5, (3,))

COMPLEX_CASES = {
    "neg/add/sub/mul/div": (lambda z, w: (-z + w) * (z - 2.0) / (w + 1.0), (ZV, ZW)),
    "mixed real operand": (lambda z, x: z * x + x / (z + 2.0) - x, (ZV, ZV.real)),
    "sin": (fnp.sin, (ZV,)), "cos": (fnp.cos, (ZV,)), "tan": (fnp.tan, (ZV,)),
    "arcsin": (fnp.arcsin, (ZV,)), "arccos": (fnp.arccos, (ZV,)), "arctan": (fnp.arctan, (ZV,)),
    "sinh": (fnp.sinh, (ZV,)), "cosh": (fnp.cosh, (ZV,)), "tanh": (fnp.tanh, (ZV,)),
    "exp": (fnp.exp, (ZV,)), "log": (fnp.log, (ZW,)), "log1p": (fnp.log1p, (ZV,)), "expm1": (fnp.expm1, (ZV,)),
    "sqrt": (fnp.sqrt, (ZW,)), "abs": (fnp.abs, (ZV,)),
    "arcsinh": (fnp.arcsinh, (ZV,)), "arccosh": (lambda z: fnp.arccosh(z + 2.0), (ZV,)),
    "arctanh": (fnp.arctanh, (ZV,)), "exp2": (fnp.exp2, (ZV,)), "log2": (fnp.log2, (ZW,)),
    "log10": (fnp.log10, (ZW,)), "integer_pow": (lambda z: z**3 + z**-2, (ZW,)),
    "pow": (lambda z, w: z**w, (ZW, ZV)), "pow real exponent": (lambda z, y: z**y, (ZW, ZW.real)),
    "logistic": (lax.logistic, (ZV,)), "sinc": (fnp.sinc, (ZV,)),
    "maximum": (lambda z, w: fnp.maximum(z, w) * z, (ZV, ZW)),
    "minimum": (lambda z, w: fnp.minimum(z, w) * z, (ZV, ZW)),
    "real/imag/conj": (lambda z: fnp.real(z) * fnp.imag(z) + fnp.conj(z) * z, (ZV,)),
    "complex": (lambda x, y: fnp.exp(lax.complex(x, y)), (ZV.real, ZV.imag)),
    "angle": (fnp.angle, (ZW,)), "where": (lambda z: fnp.where(fnp.real(z) > 0, z * z, fnp.sin(z)), (ZV,)),
    "convert": (
        lambda z: lax.convert_element_type(z, np.float64) * z + lax.convert_element_type(fnp.real(z), complex),
        (ZV,),
    ),
}  # fmt: skip
