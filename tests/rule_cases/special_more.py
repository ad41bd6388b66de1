"""Rule-coverage cases of functrans/_src/lax/special_extra.py and special_scipy.py."""

import numpy as np

from functrans._src import lax

rng = np.random.default_rng(21)
V = rng.uniform(0.2, 0.8, (3,))
M = rng.uniform(0.2, 0.8, (2, 3))
A = np.array([1.5, 2.5, 3.5])

RULE_CASES = {
    # second order in x only: the derivative in a (igamma_grad_a) has no derivative in a, as in
    # JAX; the first derivative in a is pinned in tests/test_jax_parity_scipy.py
    "igamma": (lambda x: lax.igamma(A, 3 * x + 0.5), (M,)),
    "igammac": (lambda x: lax.igammac(A, 3 * x + 0.5), (M,)),
    # differentiable in x only (JAX defines no derivative in a)
    "igamma_grad_a": (lambda x: lax.igamma_grad_a(A, 4 * x), (V,)),
    # differentiable in x only (JAX: ValueError for a and b)
    "regularized_incomplete_beta": (lambda x: lax.betainc(A, A[::-1], x), (V,)),
    "zeta": (lambda x, q: lax.zeta(x + 2.0, q + 0.5), (V, M)),
    "bessel_i0e": (lambda x: lax.bessel_i0e(4 * x - 2), (V,)),
    "bessel_i1e": (lambda x: lax.bessel_i1e(4 * x - 2), (V,)),
    "erfcx": (lambda x: lax.erfcx(4 * x - 2), (V,)),
    "dawsn": (lambda x: lax.dawsn(4 * x - 2), (V,)),
    "expi": (lambda x: lax.expi(4 * x - 2), (V,)),
    "expn": (lambda x: lax.expn(np.array([2.0, 3.0, 4.0]), 3 * x), (V,)),
    "spence": (lambda x: lax.spence(2 * x + 0.05), (V,)),
    "sici_si": (lambda x: lax.sici_si(4 * x - 2), (V,)),
    "sici_ci": (lambda x: lax.sici_ci(4 * x), (V,)),
    "fresnel_s": (lambda x: lax.fresnel_s(4 * x - 2), (V,)),
    "fresnel_c": (lambda x: lax.fresnel_c(4 * x - 2), (V,)),
    "owens_t": (lambda h, a: lax.owens_t(3 * h - 1, a), (V, M)),
    "hyp1f1": (lambda x: lax.hyp1f1(0.5, 1.5, 3 * x - 1), (V,)),
    "hyp2f1": (lambda x: lax.hyp2f1(0.5, 1.5, 2.5, x - 0.3), (V,)),
    "bessel_jv": (lambda z: lax.bessel_jv(np.array([0.0, 1.0, 2.0]), 4 * z), (V,)),
}  # fmt: skip

# hyp_param_grad is the first derivative of hyp1f1/hyp2f1 in a parameter (JAX's series); its own
# derivative is not implemented, so it is pinned against JAX in tests/test_jax_parity_scipy.py.
# wofz is complex-valued: checked in COMPLEX_CASES.
NOT_FINITE_DIFFERENCE_CHECKABLE = {"hyp_param_grad", "wofz"}

COMPLEX_CASES = {
    "wofz": (lambda z: lax.wofz(z), (np.array([0.5 + 0.3j, -1.0 + 1.2j, 2.0 + 0.1j]),)),
}
