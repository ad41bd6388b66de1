"""einsum against NumPy: every form of the subscript language, gradients, vmap, jit."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

rng = np.random.default_rng(1)
A = rng.normal(size=(3, 3))
B = rng.normal(size=(3, 4))
C = rng.normal(size=(4, 2))
T = rng.normal(size=(2, 3, 3))
U = rng.normal(size=(1, 3, 4))

CASES = [
    ("ii->i", (A,)),
    ("ii", (A,)),
    ("ij->ji", (B,)),
    ("ij->", (B,)),
    ("ij", (B,)),
    ("ji", (B,)),
    ("ij,jk->ik", (B, C)),
    ("ij,jk", (B, C)),
    ("ij,jk,kl->il", (A, B, C)),
    ("ij,jk,kl", (A, B, C)),
    ("bii->bi", (T,)),
    ("bii->b", (T,)),
    ("...ii->...i", (T,)),
    ("...ij,...jk->...ik", (T, U)),
    ("...ij,jk", (T, B)),
    ("i...->...", (B,)),
    ("ij,ij->i", (B, B)),
    ("i,j->ij", (A[0], C[:, 0])),
    ("i,i", (A[0], A[1])),
    ("iij,jk->ik", (np.stack([B, B, B]).transpose(1, 0, 2)[:, :, :], C)),
    ("bij,bjk->bik", (T, np.concatenate([U, U], 0)[:, :3, :])),
    ("ab,bc,cd,de->ae", (A, B, C, C.T)),
]


@pytest.mark.parametrize("spec,ops", CASES, ids=[c[0] for c in CASES])
def test_einsum_matches_numpy(spec, ops):
    want = np.einsum(spec, *ops)
    got = fnp.einsum(spec, *ops)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(functrans.jit(lambda *o: fnp.einsum(spec, *o))(*ops), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.einsum(spec, *[o for o in ops], optimize=True), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("spec,ops", CASES, ids=[c[0] for c in CASES])
def test_einsum_gradients(spec, ops):
    check_grads(lambda *o: fnp.einsum(spec, *o), ops, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("spec,ops", CASES, ids=[c[0] for c in CASES])
def test_einsum_vmap(spec, ops):
    xs = np.stack([ops[0] * (1 + 0.1 * k) for k in range(3)])
    got = functrans.vmap(lambda a: fnp.einsum(spec, a, *ops[1:]))(xs)
    want = np.stack([np.einsum(spec, a, *ops[1:]) for a in xs])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_interleaved_form():
    np.testing.assert_allclose(fnp.einsum(B, [0, 1], C, [1, 2]), B @ C)
    np.testing.assert_allclose(fnp.einsum(B, [0, 1], C, [1, 2], [2, 0]), (B @ C).T)
    np.testing.assert_allclose(fnp.einsum(T, [Ellipsis, 0, 0], [Ellipsis]), np.einsum(T, [Ellipsis, 0, 0], [Ellipsis]))


def test_plain_numpy_einsum_on_traced_values():
    g = functrans.grad(lambda b: np.einsum("ij,jk->", b, C))(B)
    np.testing.assert_allclose(g, np.broadcast_to(C.sum(1), B.shape))


def test_einsum_errors():
    with pytest.raises(ValueError):
        fnp.einsum("ij,jk->ik", B, B)
    with pytest.raises(ValueError):
        fnp.einsum("ij->iij", B)
    with pytest.raises(ValueError):
        fnp.einsum("ij->k", B)
    with pytest.raises(ValueError):
        fnp.einsum("ijk", B)


def test_einsum_path_greedy():
    path, _ = fnp.einsum_path("ab,bc,cd->ad", np.ones((100, 2)), np.ones((2, 100)), np.ones((100, 3)))
    assert path[0] == "einsum_path" and path[1] == (1, 2)
