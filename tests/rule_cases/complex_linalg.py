"""Complex cases of the linear-algebra primitives (functrans/_src/lax/linalg*.py).

The real cases of these primitives are in tests/test_rule_coverage.py, keyed by primitive
name; a name can have one case there, so the complex ones are kept apart in
``COMPLEX_CASES`` and checked (to second order in both modes, and batched against a
loop) by tests/test_complex_linalg.py. Functions of eigen/singular vectors are
gauge-invariant (``|v|^2``, ``u v^H``), as JAX's own tests use.
"""

import numpy as np

import functrans.numpy as fnp
import functrans.numpy.linalg as fla
import functrans.scipy.linalg as fsl
from functrans._src.lax import linalg as L

RULE_CASES: dict = {}
# eig: only first derivatives of its eigenvalues exist (as in JAX: its rule needs the
# eigenvectors' derivatives for a second order); tests/test_complex_linalg.py checks them
# to first order in both modes, and its batching against a loop.
NOT_FINITE_DIFFERENCE_CHECKABLE = {"eig"}

rng = np.random.default_rng(1516)


def _c(*s):
    return rng.standard_normal(s) + 1j * rng.standard_normal(s)


SQ = _c(3, 3) + 3 * np.eye(3)
HPD = SQ @ SQ.conj().T + np.eye(3)
W = _c(3, 2)
B = _c(3, 2)


def _herm(a):
    return (a + L.mH(a)) / 2


def _absq(z):
    return L.real(z * L.conj(z))


COMPLEX_CASES = {
    "cholesky": (lambda a: fla.cholesky(_herm(a)), (HPD,)),
    "cholesky_tangent": (lambda a, s: L.cholesky_tangent(fla.cholesky(_herm(a)), s), (HPD, SQ)),
    "cholesky_cotangent": (lambda a, c: L.cholesky_cotangent(fla.cholesky(_herm(a)), c), (HPD, SQ)),
    "triangular_solve": (
        lambda a, b: L.triangular_solve(a, b, left_side=True, lower=True, transpose_a=True, conjugate_a=True),
        (np.tril(SQ), B),
    ),
    "lu": (lambda a: fsl.lu(a)[2], (SQ,)),
    "solve": (fla.solve, (SQ, B)),
    "inv": (fla.inv, (SQ,)),
    # logabsdet cast to complex before the product (a real * complex product's transpose is the
    # elementwise family's concern)
    "slogdet": (lambda a: (lambda r: r[0] * L.as_dtype_of(r[1], r[0]))(fla.slogdet(a)), (SQ,)),
    "det": (fla.det, (SQ,)),
    "eigh": (lambda a: _absq(fla.eigh(_herm(a)).eigenvectors) + fla.eigh(_herm(a)).eigenvalues, (HPD,)),
    "svd": (lambda a: _absq(fla.svd(a, full_matrices=False).U) + fla.svdvals(a), (W,)),
    "qr": (lambda a: fla.qr(a).R, (W,)),
    "expm": (lambda a: fsl.expm(a / 3), (SQ,)),
    "pinv": (fla.pinv, (W,)),
    "expm_frechet": (lambda a, e: fsl.expm_frechet(a / 3, e, compute_expm=False), (SQ, HPD / 10)),
}

# NumPy-level functions built on the primitives (norms through |z|^2 and the SVD, matrix powers)
NORMS = {
    "fro": (lambda a: fla.norm(a), (SQ,)),
    "nuc": (lambda a: fla.norm(a, "nuc"), (SQ,)),
    "2": (lambda a: fla.norm(a, 2), (SQ,)),
    "vector_4": (lambda a: fla.norm(a, 4), (SQ[0],)),
    "trace_power": (lambda a: fnp.trace(fla.matrix_power(a, 3)), (SQ,)),
}
