"""jacfwd pushes the standard basis forward: a product of a concrete matrix with the basis is a
slice of that matrix, not a matrix product (issue 17). Clock-free: counts of primitive
applications, and the results against hand-written Jacobians."""

from __future__ import annotations

import numpy as np
import pytest
from work_helpers import hessian_problem, record_binds

import functrans
import functrans.numpy as fnp
from functrans._src.lax.contraction import dot_general_p


def _matrix_products(calls) -> int:
    """dot_general applications on two concrete matrices (the O(n^3) ones)."""
    return sum(1 for p, a in calls if p is dot_general_p and all(isinstance(x, np.ndarray) and x.ndim == 2 for x in a))


def _problem(n: int = 7, seed: int = 0):
    return hessian_problem(n, seed)


def test_eager_hessian_does_one_matrix_product_and_fewer_binds(normal_eager_path) -> None:
    A, f, hand, x = _problem()
    H, calls = record_binds(functrans.hessian(f), x)
    np.testing.assert_allclose(H, hand(x), rtol=1e-12, atol=1e-14)
    # A @ basis is a slice of A; the only n^3 product left is the backward pass's A^T @ (D A)
    # (the hand-written Hessian's one product). Before: 2 products and 98 binds.
    assert _matrix_products(calls) == 1
    assert len(calls) <= 91, len(calls)


def test_jacfwd_of_linear_map_is_the_matrix_without_a_product() -> None:
    rng = np.random.default_rng(1)
    A = rng.standard_normal((4, 6))
    x = rng.standard_normal(6)
    J, calls = record_binds(functrans.jacfwd(lambda x: A @ x), x)
    np.testing.assert_array_equal(J, A)
    assert _matrix_products(calls) == 0
    # the result is the caller's own writable array, not a view of A
    assert J.flags.writeable and not np.shares_memory(J, A)
    J[0, 0] = 123.0
    assert A[0, 0] != 123.0
    # vector on the left: x @ B contracts B's first axis
    B = rng.standard_normal((6, 3))
    J2, calls = record_binds(functrans.jacfwd(lambda x: x @ B), x)
    np.testing.assert_array_equal(J2, B.T)
    assert _matrix_products(calls) == 0


@pytest.mark.parametrize("chunk_size", [None, 1, 2, 4, 5])
def test_chunks_take_their_own_rows(chunk_size) -> None:
    rng = np.random.default_rng(2)
    A = rng.standard_normal((3, 5))
    x = rng.standard_normal(5)
    J, calls = record_binds(functrans.jacfwd(lambda x: fnp.sin(A @ x), chunk_size=chunk_size), x)
    np.testing.assert_allclose(J, np.cos(A @ x)[:, None] * A, rtol=1e-14)
    assert _matrix_products(calls) == 0


def test_several_inputs_and_a_matrix_input() -> None:
    rng = np.random.default_rng(3)
    A = rng.standard_normal((3, 4))
    B = rng.standard_normal((3, 2))
    M = rng.standard_normal((4, 2))
    x, y = rng.standard_normal(4), rng.standard_normal(2)
    for cs in (None, 1, 2, 3, 4):
        jx, jy = functrans.jacfwd(lambda x, y: A @ x + B @ y, argnums=(0, 1), chunk_size=cs)(x, y)
        np.testing.assert_allclose(jx, A, rtol=1e-15)
        np.testing.assert_allclose(jy, B, rtol=1e-15)
    # a 2-D input's basis is not a list of unit vectors of one axis: the rule runs as before
    jm = functrans.jacfwd(lambda m: A @ m)(M)
    np.testing.assert_allclose(jm, _ref_am(A, M), rtol=1e-15)


def _ref_am(A, M):
    # d(A @ M)[i, k] / dM[j, l] = A[i, j] * delta(k, l)
    return np.einsum("ij,kl->ikjl", A, np.eye(M.shape[1]))


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_non_finite_matrix_keeps_the_products_nans() -> None:
    # inf * 0 is NaN in a product with the basis: the shortcut must not hide that
    A = np.array([[1.0, np.inf], [2.0, 3.0]])
    x = np.array([0.5, -1.0])
    J = functrans.jacfwd(lambda x: A @ x)(x)
    ref = A @ np.eye(2)
    np.testing.assert_array_equal(np.isnan(J), np.isnan(ref))
    np.testing.assert_array_equal(J[~np.isnan(J)], ref[~np.isnan(ref)])


def test_dtypes_follow_the_product() -> None:
    A32 = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    x64 = np.ones(3)
    J = functrans.jacfwd(lambda x: A32 @ x)(x64)
    assert J.dtype == np.float64
    np.testing.assert_array_equal(J, A32.astype(np.float64))
    x32 = np.ones(3, np.float32)
    J = functrans.jacfwd(lambda x: A32 @ x)(x32)
    assert J.dtype == np.float32
    np.testing.assert_array_equal(J, A32)


def test_holomorphic_complex_matrix() -> None:
    rng = np.random.default_rng(4)
    A = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    z = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    J, calls = record_binds(functrans.jacfwd(lambda z: fnp.exp(A @ z), holomorphic=True), z)
    np.testing.assert_allclose(J, np.exp(A @ z)[:, None] * A, rtol=1e-13)
    assert _matrix_products(calls) == 0


def test_vmap_of_a_product_is_unchanged() -> None:
    # plain vmap over an identity batch is not told it is one: it takes the product
    A = np.arange(9.0).reshape(3, 3)
    eye = np.eye(3)
    out, calls = record_binds(functrans.vmap(lambda v: A @ v), eye)
    np.testing.assert_array_equal(out, (A @ eye).T)
    assert _matrix_products(calls) == 1


@pytest.mark.filterwarnings("error")
def test_huge_finite_matrix() -> None:
    # entries whose sum overflows (no spurious overflow warning: the suite turns warnings on)
    A = np.array([[1e308, 1e308], [-1.0, 2.0]])
    x = np.array([0.5, -1.0])
    J = functrans.jacfwd(lambda x: A @ x)(x)
    np.testing.assert_array_equal(J, A)


def test_mismatched_shapes_still_raise() -> None:
    A = np.ones((3, 5))
    with pytest.raises(ValueError):
        functrans.jacfwd(lambda x: A @ x)(np.ones(4))
    with pytest.raises(ValueError):
        functrans.jacfwd(lambda x: A @ x, chunk_size=2)(np.ones(4))


@pytest.mark.parametrize("jac", [functrans.jacfwd, functrans.jacrev])
@pytest.mark.parametrize("chunk_size", [None, 2])
def test_identity_jacobian_is_the_callers_own_array(jac, chunk_size) -> None:
    # the basis of a signature is kept for the next call: a result that is the basis itself
    # (or a view of it) must reach the caller as a fresh writable array
    x = np.arange(3.0)
    for _ in range(2):
        J = jac(lambda x: x, chunk_size=chunk_size)(x)
        np.testing.assert_array_equal(J, np.eye(3))
        assert J.flags.writeable
        J[...] = 7.0
        J = jac(lambda x: x.reshape(3, 1), chunk_size=chunk_size)(x)
        np.testing.assert_array_equal(J, np.eye(3).reshape(3, 1, 3))
        J[...] = 5.0
