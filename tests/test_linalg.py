"""functrans.numpy.linalg and functrans.scipy.linalg: values, derivatives, batching, jit, errors.

Reference constants for degenerate points were computed once with JAX (x64) and are
written here; JAX is not needed to run these tests.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functrans
import functrans.numpy as fnp
import functrans.numpy.linalg as fla
import functrans.scipy.linalg as fsl
from functrans._src.lax import linalg as L
from functrans.test_util import check_grads

rng = np.random.default_rng(0)
A = rng.standard_normal((4, 4)) + 4 * np.eye(4)  # well conditioned
B = rng.standard_normal((4, 2))
S = A @ A.T + np.eye(4)  # symmetric positive definite, distinct eigenvalues
W = rng.standard_normal((5, 3))  # tall, distinct singular values
AB = rng.standard_normal((3, 4, 4)) + 4 * np.eye(4)  # a batch
SB = AB @ np.swapaxes(AB, -1, -2) + np.eye(4)


def sym(a):
    return (a + fnp.swapaxes(a, -1, -2)) / 2


def signfix(v):
    """Eigen/singular vectors with the sign that makes each column's first entry positive."""
    return v * fnp.sign(v[..., :1, :])


# --------------------------------------------------------------------------- values vs numpy


@pytest.mark.parametrize(
    "name,args",
    [
        ("inv", (A,)),
        ("inv", (AB,)),
        ("det", (AB,)),
        ("slogdet", (AB,)),
        ("solve", (A, B)),
        ("solve", (AB, B)),
        ("solve", (A, B[:, 0])),
        ("solve", (AB, rng.standard_normal((3, 4, 2)))),
        ("cholesky", (SB,)),
        ("eigvalsh", (SB,)),
        ("svdvals", (W,)),
        ("pinv", (W,)),
        ("matrix_rank", (W,)),
        ("matrix_rank", (np.outer(W[:, 0], W[:, 1]),)),
        ("cond", (A,)),
        ("trace", (AB,)),
        ("tensorinv", (rng.standard_normal((4, 6, 8, 3)), 2)),
        ("tensorsolve", (rng.standard_normal((6, 2, 3)), rng.standard_normal(6))),
    ],
)
def test_values_match_numpy(name, args):
    got = getattr(fla, name)(*args)
    ref = getattr(np.linalg, name)(*args)
    for g, r in zip(got if isinstance(got, tuple) else (got,), ref if isinstance(ref, tuple) else (ref,)):
        np.testing.assert_allclose(g, r, rtol=1e-10, atol=1e-12)


def test_factorizations_reconstruct_and_match_numpy():
    w, v = fla.eigh(S)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(S), rtol=1e-12)
    np.testing.assert_allclose(v @ np.diag(w) @ v.T, S, atol=1e-10)
    u, s, vt = fla.svd(W, full_matrices=False)
    np.testing.assert_allclose(s, np.linalg.svd(W, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose((u * s) @ vt, W, atol=1e-12)
    assert fla.svd(W).U.shape == (5, 5)
    for mode in ("reduced", "complete"):
        q, r = fla.qr(W, mode=mode)
        qn, rn = np.linalg.qr(W, mode=mode)
        np.testing.assert_allclose(np.abs(q), np.abs(qn), atol=1e-12)
        np.testing.assert_allclose(q @ r, W, atol=1e-12)
    np.testing.assert_allclose(np.abs(fla.qr(W, mode="r")), np.abs(np.linalg.qr(W, mode="r")), atol=1e-12)
    np.testing.assert_allclose(fla.cholesky(S, upper=True), np.linalg.cholesky(S, upper=True), rtol=1e-12)


def test_norms_match_numpy():
    x = rng.standard_normal((3, 4, 5))
    for ord_ in (None, 1, 2, np.inf, -np.inf, 0, 3, -1, 0.5):
        np.testing.assert_allclose(fla.norm(x[0, 0], ord_), np.linalg.norm(x[0, 0], ord_), rtol=1e-12)
        np.testing.assert_allclose(fla.norm(x, ord_, axis=1), np.linalg.norm(x, ord_, axis=1), rtol=1e-12)
    for ord_ in (None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        for axis in ((1, 2), (2, 0)):
            for keepdims in (False, True):
                got = fla.norm(x, ord_, axis=axis, keepdims=keepdims)
                np.testing.assert_allclose(got, np.linalg.norm(x, ord_, axis=axis, keepdims=keepdims), rtol=1e-12)
        np.testing.assert_allclose(fla.matrix_norm(x, ord=ord_ or "fro"), np.linalg.matrix_norm(x, ord=ord_ or "fro"))
    np.testing.assert_allclose(fla.norm(x), np.linalg.norm(x))
    np.testing.assert_allclose(fla.vector_norm(x, ord=3, axis=(0, 2)), np.linalg.vector_norm(x, ord=3, axis=(0, 2)))


def test_products_and_powers_match_numpy():
    mats = [rng.standard_normal(s) for s in [(10,), (10, 30), (30, 5), (5, 60), (60,)]]
    np.testing.assert_allclose(fla.multi_dot(mats), np.linalg.multi_dot(mats), rtol=1e-12)
    np.testing.assert_allclose(fla.multi_dot(mats[1:4]), np.linalg.multi_dot(mats[1:4]), rtol=1e-12)
    for n in (-3, -1, 0, 1, 2, 5):
        np.testing.assert_allclose(fla.matrix_power(A, n), np.linalg.matrix_power(A, n), rtol=1e-10)
    x, y = rng.standard_normal((2, 5, 3))
    np.testing.assert_allclose(fla.cross(x, y), np.linalg.cross(x, y))
    np.testing.assert_allclose(fla.cross(x.T, y.T, axis=0), np.cross(x.T, y.T, axis=0))
    np.testing.assert_allclose(fla.outer(x[0], y[1]), np.linalg.outer(x[0], y[1]))
    np.testing.assert_allclose(fla.trace(A, offset=1), np.linalg.trace(A, offset=1))
    np.testing.assert_allclose(fla.diagonal(W, offset=-2), np.linalg.diagonal(W, offset=-2))


def test_multi_dot_uses_the_cheapest_order():
    a, b, c = np.ones((10, 30)), np.ones((30, 5)), np.ones((5, 60))
    ir = functrans.make_ir(lambda a, b, c: fla.multi_dot([a, b, c]))(a, b, c)
    assert [e.outvars[0].aval.shape for e in ir.eqns if e.prim.name == "dot_general"] == [(10, 5), (10, 60)]
    ir = functrans.make_ir(lambda a, b, c: fla.multi_dot([a, b, c]))(c.T, b.T, a.T)
    assert [e.outvars[0].aval.shape for e in ir.eqns if e.prim.name == "dot_general"] == [(5, 10), (60, 10)]


def test_cond_of_a_singular_matrix_is_inf():
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    with np.errstate(all="ignore"):
        assert fla.cond(s, 1) == np.inf and fla.cond(s, "fro") == np.inf


def test_matmul_tensordot_vecdot_match_numpy():
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 5))
    v = rng.standard_normal(4)
    for a, b in [(x, y), (v, y), (x, v), (v, v), (x[:1], x.transpose(0, 2, 1))]:
        np.testing.assert_allclose(fla.matmul(a, b), np.linalg.matmul(a, b), rtol=1e-12)
    np.testing.assert_allclose(fla.tensordot(x, y, axes=1), np.linalg.tensordot(x, y, axes=1), rtol=1e-12)
    np.testing.assert_allclose(
        fla.tensordot(x, x, axes=([1, 2], [1, 2])), np.linalg.tensordot(x, x, axes=([1, 2], [1, 2])), rtol=1e-12
    )
    np.testing.assert_allclose(fla.vecdot(x, v), np.linalg.vecdot(x, v), rtol=1e-12)
    np.testing.assert_allclose(fla.vecdot(x, x, axis=0), np.linalg.vecdot(x, x, axis=0), rtol=1e-12)


def test_lstsq_matches_numpy():
    b = rng.standard_normal(5)
    for bb in (b, np.stack([b, 2 * b + 1], 1)):
        x, res, rank, s = fla.lstsq(W, bb)
        xn, resn, rankn, sn = np.linalg.lstsq(W, bb)
        np.testing.assert_allclose(x, xn, rtol=1e-10)
        np.testing.assert_allclose(res, resn, rtol=1e-10)
        assert int(rank) == rankn
        np.testing.assert_allclose(s, sn, rtol=1e-12)
    check_grads(lambda a, b: fla.lstsq(a, b)[0], (W, b), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- derivatives


GRAD_CASES = {
    "inv": (fla.inv, (A,)),
    "det": (fla.det, (A,)),
    "slogdet": (lambda a: fla.slogdet(a).logabsdet, (A,)),
    "solve": (fla.solve, (A, B)),
    "solve_vector": (lambda a, b: fla.solve(a, b[:, 0]), (A, B)),
    "cholesky": (lambda a: fla.cholesky(sym(a)), (S,)),
    "eigh": (lambda a: (fla.eigh(sym(a)).eigenvalues, signfix(fla.eigh(sym(a)).eigenvectors)), (S,)),
    "svd": (lambda a: (lambda r: (signfix(r.U), r.S, signfix(r.Vh.T)))(fla.svd(a, full_matrices=False)), (W,)),
    "svd_wide": (lambda a: (lambda r: (signfix(r.U), r.S, signfix(r.Vh.T)))(fla.svd(a, full_matrices=False)), (W.T,)),
    "svdvals": (fla.svdvals, (W,)),
    "qr": (lambda a: tuple(fla.qr(a)), (W,)),
    "qr_wide": (lambda a: tuple(fla.qr(a)), (W.T,)),
    "pinv": (fla.pinv, (W,)),
    "pinv_wide": (fla.pinv, (W.T,)),
    "matrix_power": (lambda a: fla.matrix_power(a / 4, -3), (A,)),
    "norm_nuc": (lambda a: fla.norm(a, "nuc"), (W,)),
    "norm_2": (lambda a: fla.norm(a, 2), (W,)),
    "cond": (fla.cond, (W,)),
    "tensorsolve": (fla.tensorsolve, (A.reshape(4, 2, 2), B[:, 0])),
    "solve_triangular": (lambda a, b: fsl.solve_triangular(a, b, trans=1, lower=True), (np.tril(A), B)),
    "cho_solve": (lambda a, b: fsl.cho_solve(fsl.cho_factor(sym(a)), b), (S, B)),
    "lu_solve": (lambda a, b: fsl.lu_solve(fsl.lu_factor(a), b, trans=1), (A, B)),
    "lu": (lambda a: fsl.lu(a)[1:], (A,)),
    "lu_tall": (lambda a: fsl.lu(a)[1:], (W,)),
    "lu_wide": (lambda a: fsl.lu(a)[1:], (W.T,)),
    "expm": (lambda a: fsl.expm(a / 3), (A,)),
    "expm_frechet": (lambda a, e: fsl.expm_frechet(a / 3, e, compute_expm=False), (A, S / 10)),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_derivatives_to_second_order_in_both_modes(name):
    f, args = GRAD_CASES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", ["inv", "slogdet", "solve", "cholesky", "eigh", "svd", "qr", "det", "expm"])
def test_vmap_and_jit_match_a_loop(name):
    f, args = GRAD_CASES[name]
    batched = [np.stack([a * (1 + 0.05 * k) + 0.01 * k for k in range(3)]) for a in args]

    def loss(*a):
        outs = f(*a)
        return sum(fnp.sum(o**2) for o in (outs if isinstance(outs, tuple) else (outs,)))

    g = functrans.grad(loss, argnums=tuple(range(len(args))))
    for axes in [(0,) * len(args), (0,) + (None,) * (len(args) - 1)]:
        ins = [b if ax == 0 else a for a, b, ax in zip(args, batched, axes)]

        def pick(k, ins=ins, axes=axes):
            return [x[k] if ax == 0 else x for x, ax in zip(ins, axes)]

        out = functrans.vmap(loss, in_axes=axes)(*ins)
        np.testing.assert_allclose(out, [loss(*pick(k)) for k in range(3)], rtol=1e-10)
        gout = functrans.vmap(g, in_axes=axes)(*ins)
        for k in range(3):
            for go, gr in zip(gout, g(*pick(k))):
                np.testing.assert_allclose(go[k], gr, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(functrans.jit(loss)(*args), loss(*args), rtol=1e-12)
    for gj, ge in zip(functrans.jit(g)(*args), g(*args)):
        np.testing.assert_allclose(gj, ge, rtol=1e-10, atol=1e-12)


def test_batched_inputs_of_every_primitive():
    # leading batch axes through the primitives themselves (no vmap)
    check_grads(lambda a, b: fla.solve(a, b), (AB[:2], B), order=1, modes=("fwd", "rev"))
    check_grads(lambda a: fla.slogdet(a).logabsdet, (AB[:2],), order=1, modes=("rev",))
    check_grads(lambda a: fla.cholesky(sym(a)), (SB[:2],), order=1, modes=("rev",))
    check_grads(lambda a: fla.eigh(sym(a)).eigenvalues, (SB[:2],), order=1, modes=("rev",))


# --------------------------------------------------------------------------- properties


def _well_conditioned(seed, n):
    r = np.random.default_rng(seed)
    return r.standard_normal((n, n)) + n * np.eye(n)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_inverse_property(seed, n):
    a = _well_conditioned(seed, n)
    np.testing.assert_allclose(a @ fla.inv(a), np.eye(n), atol=1e-10)
    np.testing.assert_allclose(functrans.jit(fla.inv)(a) @ a, np.eye(n), atol=1e-10)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_logdet_derivative_is_trace_of_inverse_times_direction(seed, n):
    a = _well_conditioned(seed, n)
    da = np.random.default_rng(seed + 1).standard_normal((n, n))
    _, t = functrans.jvp(lambda x: fla.slogdet(x).logabsdet, (a,), (da,))
    np.testing.assert_allclose(t, np.trace(np.linalg.solve(a, da)), rtol=1e-9, atol=1e-12)
    _, t = functrans.jvp(lambda x: fnp.log(fnp.abs(fla.det(x))), (a,), (da,))
    np.testing.assert_allclose(t, np.trace(np.linalg.solve(a, da)), rtol=1e-9, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 3))
def test_solve_vjp_equals_explicit_inverse_formula(seed, n, k):
    r = np.random.default_rng(seed)
    a, b, ct = _well_conditioned(seed, n), r.standard_normal((n, k)), r.standard_normal((n, k))
    x, vjp = functrans.vjp(fla.solve, a, b)
    ga, gb = vjp(ct)
    ainv = np.linalg.inv(a)
    np.testing.assert_allclose(gb, ainv.T @ ct, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ga, -(ainv.T @ ct) @ x.T, rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- factorizations are reused


def _count_impl(monkeypatch, prim):
    calls = []
    impl = prim.impl
    monkeypatch.setattr(prim, "impl", lambda *a, **k: (calls.append(1), impl(*a, **k))[1])
    return calls


def test_reverse_mode_of_solve_factors_once(monkeypatch):
    lus = _count_impl(monkeypatch, L.lu_p)
    functrans.grad(lambda a, b: fnp.sum(fla.solve(a, b) ** 2), argnums=(0, 1))(A, B)
    assert len(lus) == 1


def test_reverse_mode_of_cholesky_factors_once(monkeypatch):
    chol = _count_impl(monkeypatch, L.cholesky_p)
    functrans.grad(lambda a: fnp.sum(fsl.solve_triangular(fla.cholesky(a), B, lower=True) ** 2))(S)
    assert len(chol) == 1


def test_gp_hessian_does_a_constant_number_of_factorizations(monkeypatch):
    chol = _count_impl(monkeypatch, L.cholesky_p)

    def nll(theta, d2, y):
        k = theta[1] * fnp.exp(-0.5 * d2 / theta[0] ** 2) + theta[2] * np.eye(y.shape[0])
        c = fla.cholesky(k)
        alpha = fsl.solve_triangular(c, y, lower=True)
        return 0.5 * fnp.sum(alpha**2) + fnp.sum(fnp.log(fla.diagonal(c)))

    counts = []
    for n in (6, 12):
        x = np.linspace(-1, 1, n)
        d2 = (x[:, None] - x[None, :]) ** 2
        chol.clear()
        h = functrans.hessian(nll)(np.array([0.8, 1.2, 0.3]), d2, np.sin(3 * x))
        assert h.shape == (3, 3) and np.all(np.isfinite(h))
        counts.append(len(chol))
    assert counts[0] == counts[1] <= 3


def test_gp_likelihood_to_third_order_and_under_jit():
    x = np.linspace(-1, 1, 8)
    d2 = (x[:, None] - x[None, :]) ** 2

    def nll(theta, y):
        k = theta[1] * fnp.exp(-0.5 * d2 / theta[0] ** 2) + theta[2] * np.eye(8)
        c = fla.cholesky(k)
        alpha = fsl.solve_triangular(c, y, lower=True)
        return 0.5 * fnp.sum(alpha**2) + fnp.sum(fnp.log(fla.diagonal(c)))

    theta, y = np.array([0.8, 1.2, 0.3]), np.sin(3 * x)
    check_grads(nll, (theta, y), order=3, modes=("fwd", "rev"))
    h = functrans.hessian(nll)(theta, y)
    np.testing.assert_allclose(functrans.jit(functrans.hessian(nll))(theta, y), h, rtol=1e-12)
    np.testing.assert_allclose(functrans.jacrev(functrans.jacrev(nll))(theta, y), h, rtol=1e-10)


# --------------------------------------------------------------------------- degenerate points (JAX's values)


def test_pinv_derivative_at_a_rank_deficient_matrix_as_jax():
    r = np.outer([1.0, -2.0, 0.5], [0.3, 1.0])  # rank 1
    # jax.jacfwd(jnp.linalg.pinv)(r)[0, 0], x64
    ref = [
        [0.039469256827103, 0.020612571263671],
        [-0.050080913885067, 0.054966856703122],
        [0.012520228471267, -0.013741714175781],
    ]
    np.testing.assert_allclose(functrans.jacfwd(fla.pinv)(r)[0, 0], ref, rtol=1e-6)


def test_singular_inverse_and_solve_give_inf_as_jax():
    s = np.array([[1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_array_equal(fla.inv(s), [[-np.inf, np.inf], [np.inf, -np.inf]])
    np.testing.assert_array_equal(fla.solve(s, np.ones(2)), [-np.inf, np.inf])
    sign, logdet = fla.slogdet(s)
    assert sign == 0.0 and logdet == -np.inf
    np.testing.assert_array_equal(fla.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]])), [[np.nan, 0.0], [np.nan, np.nan]])


def test_det_gradient_at_singular_matrices_is_the_adjugate():
    s3 = np.arange(1.0, 10.0).reshape(3, 3)
    np.testing.assert_allclose(functrans.grad(fla.det)(s3), [[-3, 6, -3], [6, -12, 6], [-3, 6, -3]], atol=1e-12)
    np.testing.assert_allclose(functrans.grad(fla.det)(np.array([[1.0, 2.0], [2.0, 4.0]])), [[4, -2], [-2, 1]])
    np.testing.assert_array_equal(functrans.grad(fla.det)(np.zeros((3, 3))), np.zeros((3, 3)))
    h = functrans.hessian(fla.det)(s3)[0, 0]
    np.testing.assert_allclose(h, [[0, 0, 0], [0, 9, -8], [0, -6, 5]], atol=1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_repeated_eigenvalues_and_singular_values_as_jax():
    jw = functrans.jacfwd(lambda a: fla.eigh(a).eigenvalues)(np.eye(3))
    np.testing.assert_array_equal(jw[0], np.diag([1.0, 0, 0]))
    assert np.all(np.isnan(functrans.jacfwd(lambda a: fla.eigh(a).eigenvectors)(np.eye(3))[0, 0]))
    js = functrans.jacfwd(lambda a: fla.svd(a).S)(np.eye(3))
    np.testing.assert_array_equal(js[0], np.diag([1.0, 0, 0]))
    assert np.all(np.isnan(functrans.jacfwd(lambda a: fla.svd(a).U)(np.eye(3))[0, 0]))


NORM_GRADS_AT_ZERO = {  # jax.grad(jnp.linalg.norm(x, ord)) at x = 0, x64
    (None, 1): np.full(3, np.nan),
    (1, 1): np.ones(3),
    (2, 1): np.full(3, np.nan),
    (np.inf, 1): np.full(3, 1 / 6),
    (-np.inf, 1): np.full(3, 1 / 3),
    (0, 1): np.zeros(3),
    (3, 1): np.full(3, np.nan),
    (-1, 1): np.full(3, np.nan),
    (None, 2): np.full((2, 2), np.nan),
    ("fro", 2): np.full((2, 2), np.nan),
    ("nuc", 2): np.eye(2),
    (1, 2): np.full((2, 2), 0.25),
    (-1, 2): np.full((2, 2), 0.5),
    (2, 2): 0.25 * np.eye(2),
    (-2, 2): 0.5 * np.eye(2),
    (np.inf, 2): np.full((2, 2), 0.25),
    (-np.inf, 2): np.full((2, 2), 0.5),
}


@pytest.mark.parametrize("ord_,nd", list(NORM_GRADS_AT_ZERO))
def test_norm_gradient_at_zero_as_jax(ord_, nd):
    x = np.zeros((3,) if nd == 1 else (2, 2))
    with np.errstate(all="ignore"):
        g = functrans.grad(lambda v: fla.norm(v, ord_))(x)
    np.testing.assert_array_equal(g, NORM_GRADS_AT_ZERO[ord_, nd])


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh"])
def test_square_only_functions_reject_bad_shapes(name):
    with pytest.raises(np.linalg.LinAlgError, match=r"must be square.*\(2, 3\)"):
        getattr(fla, name)(np.ones((2, 3)))
    with pytest.raises(np.linalg.LinAlgError, match=r"1-dimensional array given.*\(3,\)"):
        getattr(fla, name)(np.ones(3))
    # state intact: the next call works
    np.testing.assert_allclose(fla.inv(A), np.linalg.inv(A))


def test_mismatched_solve_shapes_and_unsupported_functions():
    with pytest.raises(ValueError, match=r"mismatch.*\(4, 4\).*\(3,\)"):
        fla.solve(A, np.ones(3))
    with pytest.raises(ValueError, match=r"mismatch.*\(4, 4\).*\(3, 2\)"):
        functrans.grad(lambda a: fnp.sum(fla.solve(a, np.ones((3, 2)))))(A)
    assert fla.eigvals(A).dtype == np.complex128  # eig/eigvals: tests/test_complex_linalg.py
    with pytest.raises(ValueError, match="Invalid norm order"):
        fla.norm(A, "bad")
    np.testing.assert_allclose(fla.solve(A, B), np.linalg.solve(A, B))


# --------------------------------------------------------------------------- scipy.linalg


def test_scipy_linalg_values():
    t = np.tril(A)
    for trans in (0, 1, "T"):
        x = fsl.solve_triangular(t, B, trans=trans, lower=True)
        np.testing.assert_allclose((t.T if trans else t) @ x, B, atol=1e-12)
    x = fsl.solve_triangular(t.T, B[:, 0], unit_diagonal=True)
    np.testing.assert_allclose((np.triu(t.T, 1) + np.eye(4)) @ x, B[:, 0], atol=1e-12)
    for lower in (False, True):
        c = fsl.cho_factor(S, lower=lower)
        np.testing.assert_allclose(fsl.cho_solve(c, B), np.linalg.solve(S, B), rtol=1e-10)
    lu, piv = fsl.lu_factor(A)
    np.testing.assert_allclose(fsl.lu_solve((lu, piv), B), np.linalg.solve(A, B), rtol=1e-10)
    np.testing.assert_allclose(fsl.lu_solve((lu, piv), B, trans=1), np.linalg.solve(A.T, B), rtol=1e-10)
    for a in (A, W, W.T):
        p, l_, u = fsl.lu(a)
        np.testing.assert_allclose(p @ l_ @ u, a, atol=1e-12)
        assert np.allclose(np.triu(l_, 1), 0) and np.allclose(np.tril(u, -1), 0)
    e = fsl.expm(np.array([[0.0, 1.0], [-1.0, 0.0]]))
    np.testing.assert_allclose(e, [[np.cos(1), np.sin(1)], [-np.sin(1), np.cos(1)]], atol=1e-14)
    np.testing.assert_allclose(fsl.expm(np.diag([1.0, 2.0]) * 20), np.diag(np.exp([20.0, 40.0])), rtol=1e-12)
    bd = fsl.block_diag(1.0, [2.0, 3.0], np.ones((2, 2)))
    ref = np.zeros((4, 5))
    ref[0, 0], ref[1, 1:3], ref[2:, 3:] = 1, [2, 3], 1
    np.testing.assert_array_equal(bd, ref)
    np.testing.assert_allclose(fsl.solve(S, B, assume_a="pos"), np.linalg.solve(S, B), rtol=1e-10)
    np.testing.assert_allclose(fsl.det(A), np.linalg.det(A))
    np.testing.assert_allclose(fsl.inv(A), np.linalg.inv(A))


def test_lu_solve_with_traced_pivots_under_jit():
    lu, piv = fsl.lu_factor(A)
    f = functrans.jit(lambda lu, piv, b: fsl.lu_solve((lu, piv), b))
    np.testing.assert_allclose(f(lu, piv, B), np.linalg.solve(A, B), rtol=1e-10)


def test_lax_linalg_has_jax_signatures():
    from functrans.lax import linalg as lla

    np.testing.assert_allclose(lla.cholesky(S), np.linalg.cholesky(S), rtol=1e-12)
    v, w = lla.eigh(S)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(S), rtol=1e-12)
    u, s, vh = lla.svd(W, full_matrices=False)
    np.testing.assert_allclose((u * s) @ vh, W, atol=1e-12)
    q, r = lla.qr(W)
    assert q.shape == (5, 5) and r.shape == (5, 3)
    lu, piv, perm = lla.lu(A)
    np.testing.assert_array_equal(lla.lu_pivots_to_permutation(piv, 4), perm)
    x = lla.triangular_solve(np.tril(A), B.T, lower=True)  # x @ tril(A) = B.T
    np.testing.assert_allclose(x @ np.tril(A), B.T, atol=1e-12)


def test_expm_frechet_is_the_directional_derivative():
    e = rng.standard_normal((4, 4))
    _, t = functrans.jvp(fsl.expm, (A / 4,), (e,))
    np.testing.assert_allclose(t, fsl.expm_frechet(A / 4, e, compute_expm=False), rtol=1e-10)
    h = 1e-6
    fd = (fsl.expm(A / 4 + h * e) - fsl.expm(A / 4 - h * e)) / (2 * h)
    np.testing.assert_allclose(t, fd, rtol=1e-6, atol=1e-8)


def test_plain_numpy_linalg_on_traced_values_dispatches():
    a = np.array([[2.0, 1.0], [1.0, 3.0]])
    g = functrans.grad(lambda m: np.linalg.det(m))(a)
    np.testing.assert_allclose(g, np.linalg.det(a) * np.linalg.inv(a).T)
    assert "linalg" in functrans.numpy.__all__
