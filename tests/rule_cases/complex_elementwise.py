"""Rule-coverage cases of functrans/_src/lax/complex_parts.py (complex inputs; real outputs, so
that the batching test can also take ``grad`` of them). Complex inputs of the other elementwise
primitives are checked in tests/test_complex_elementwise.py."""

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
