"""Structure functions of functrans.numpy against NumPy: values, gradients (both modes, order 2),
vmap against a loop, jit, and the errors NumPy raises."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

pytestmark = pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")

rng = np.random.default_rng(0)
X = rng.normal(size=(3, 4))
V = rng.normal(size=(5,))

# (name, f(np_module, x), example input): each runs with numpy and with functrans.numpy
CASES = [
    ("diagonal", lambda m, a: m.diagonal(a, 1), X),
    ("diagonal_neg", lambda m, a: m.diagonal(a, -2), X),
    ("diagonal_axes", lambda m, a: m.diagonal(m.reshape(a, (2, 3, 2)), 0, 2, 0), X),
    ("diag_matrix", lambda m, a: m.diag(a, -1), X),
    ("diag_vector", lambda m, a: m.diag(a), V),
    ("diag_vector_k", lambda m, a: m.diag(a, 2), V),
    ("diag_vector_negk", lambda m, a: m.diag(a, -1), V),
    ("diagflat", lambda m, a: m.diagflat(a[:2], 1), X),
    ("trace", lambda m, a: m.trace(a, 1), X),
    ("tril", lambda m, a: m.tril(a, 1), X),
    ("triu", lambda m, a: m.triu(a, -1), X),
    ("tril_1d", lambda m, a: m.tril(a), V),
    ("flip", lambda m, a: m.flip(a), X),
    ("flip_axis", lambda m, a: m.flip(a, 1), X),
    ("fliplr", lambda m, a: m.fliplr(a), X),
    ("flipud", lambda m, a: m.flipud(a), X),
    ("roll_flat", lambda m, a: m.roll(a, 5), X),
    ("roll_axes", lambda m, a: m.roll(a, (1, -1), (0, 1)), X),
    ("roll_neg", lambda m, a: m.roll(a, -7, axis=1), X),
    ("rot90", lambda m, a: m.rot90(a), X),
    ("rot90_3", lambda m, a: m.rot90(a, 3), X),
    ("rot90_2", lambda m, a: m.rot90(a, 2, axes=(1, 0)), X),
    ("tile", lambda m, a: m.tile(a, (2, 1, 2)), X),
    ("tile_int", lambda m, a: m.tile(a, 3), V),
    ("repeat_int", lambda m, a: m.repeat(a, 2), X),
    ("repeat_axis", lambda m, a: m.repeat(a, 3, axis=1), X),
    ("repeat_counts", lambda m, a: m.repeat(a, [1, 0, 2], axis=0), X),
    ("pad_constant", lambda m, a: m.pad(a, ((1, 2), (0, 1)), constant_values=7.0), X),
    ("pad_constant_pairs", lambda m, a: m.pad(a, 1, constant_values=((1.0, 2.0), (3.0, 4.0))), X),
    ("pad_edge", lambda m, a: m.pad(a, 2, mode="edge"), X),
    ("pad_reflect", lambda m, a: m.pad(a, (5, 4), mode="reflect"), V),
    ("pad_reflect_2d", lambda m, a: m.pad(a, ((2, 1), (3, 3)), mode="reflect"), X),
    ("pad_symmetric", lambda m, a: m.pad(a, (7, 4), mode="symmetric"), V),
    ("pad_wrap", lambda m, a: m.pad(a, (6, 11), mode="wrap"), V),
    ("diff", lambda m, a: m.diff(a), X),
    ("diff_n_axis", lambda m, a: m.diff(a, 2, axis=0), X),
    ("diff_pre_app", lambda m, a: m.diff(a, prepend=0.0, append=a[:, :1]), X),
    ("ediff1d", lambda m, a: m.ediff1d(a, to_begin=[1.0]), X),
    ("gradient", lambda m, a: m.gradient(a**2, 0.5)[1], X),
    ("gradient_1d", lambda m, a: m.gradient(a**3), V),
    ("gradient_order2", lambda m, a: m.gradient(a**3, edge_order=2), V),
    ("split", lambda m, a: m.concatenate([s * (i + 1) for i, s in enumerate(m.split(a, 2, axis=1))], 0), X),
    ("split_idx", lambda m, a: m.concatenate([s * (i + 1) for i, s in enumerate(m.split(a, [1, 3]))]), V),
    ("array_split", lambda m, a: m.concatenate([s * (i + 1) for i, s in enumerate(m.array_split(a, 3))]), V),
    ("hsplit", lambda m, a: m.hsplit(a, 2)[1], X),
    ("vsplit", lambda m, a: m.vsplit(a, 3)[2], X),
    ("atleast_2d", lambda m, a: m.atleast_2d(a), V),
    ("atleast_3d", lambda m, a: m.atleast_3d(a), X),
    ("atleast_3d_1d", lambda m, a: m.atleast_3d(a), V),
    ("column_stack", lambda m, a: m.column_stack([a, a * 2]), V),
    ("row_stack", lambda m, a: m.vstack([a, a * 2]), V),
    ("vstack_1d", lambda m, a: m.vstack(a), V),
    ("dstack", lambda m, a: m.dstack([a, a]), X),
    ("copy", lambda m, a: m.copy(a) * 2, X),
    ("isclose", lambda m, a: m.where(m.isclose(a, 0.5, atol=0.3), a, -a), X),
    ("rollaxis", lambda m, a: m.rollaxis(m.reshape(a, (2, 3, 2)), 2), X),
    ("kron", lambda m, a: m.kron(a, a[:2, :2]), X),
    ("kron_1d", lambda m, a: m.kron(a, a[:2]), V),
    ("cross", lambda m, a: m.cross(a[:, :3], a[::-1, 1:]), X),
    ("cross_2", lambda m, a: m.cross(a[:, :2], a[::-1, 2:]), X),
    ("cross_23", lambda m, a: m.cross(a[:, :2], a[::-1, 1:]), X),
    ("select", lambda m, a: m.select([a > 0.5, a < -0.5], [a, a**2], 0.0), X),
    ("insert", lambda m, a: m.insert(a, 1, 5.0, axis=1), X),
    ("insert_many", lambda m, a: m.insert(a, [0, 2, 2], [9.0, 8.0, 7.0]), V),
    ("insert_flat", lambda m, a: m.insert(a, 3, a[:2]), V),
    ("delete", lambda m, a: m.delete(a, [0, 2], axis=1), X),
    ("delete_slice", lambda m, a: m.delete(a, slice(1, None, 2)), V),
    ("append", lambda m, a: m.append(a, a[:2]), X),
    ("append_axis", lambda m, a: m.append(a, a[:1], axis=0), X),
    ("meshgrid", lambda m, a: m.meshgrid(a[:3], a[1:5])[0] * m.meshgrid(a[:3], a[1:5])[1], V),
    ("meshgrid_ij", lambda m, a: m.meshgrid(a[:3], a[1:5], indexing="ij")[1], V),
    ("broadcast_arrays", lambda m, a: m.broadcast_arrays(a, a[:1])[1], X),
    ("resize", lambda m, a: m.resize(a, (5, 5)), X),
    ("r_", lambda m, a: m.r_[a, 0.0, a[:2]], V),
    ("c_", lambda m, a: m.c_[a, a * 2], V),
]
IDS = [c[0] for c in CASES]

# functrans.numpy functions whose vmap this file checks against a loop (tests/test_vmap.py counts them)
VMAP_COVERED = {
    "diagonal", "diag", "diagflat", "trace", "tril", "triu", "flip", "fliplr", "flipud", "roll", "rot90",
    "tile", "repeat", "pad", "diff", "ediff1d", "gradient", "split", "array_split", "hsplit", "vsplit",
    "atleast_2d", "atleast_3d", "column_stack", "row_stack", "dstack", "rollaxis", "kron", "cross", "select",
    "insert", "delete", "append", "meshgrid", "broadcast_arrays", "resize", "isclose", "copy",
}
# concrete results or constants: no vmap
NOT_VMAPPABLE = {"allclose", "array_equal", "array_equiv", "tri", "trim_zeros", "einsum_path", "dsplit"}


@pytest.mark.parametrize("name,f,x", CASES, ids=IDS)
def test_values_match_numpy(name, f, x):
    want = f(np, x)
    got = f(fnp, x)
    assert np.shape(got) == np.shape(want) and np.asarray(got).dtype == np.asarray(want).dtype
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(functrans.jit(lambda a: f(fnp, a))(x), want, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("name,f,x", CASES, ids=IDS)
def test_gradients(name, f, x):
    check_grads(lambda a: f(fnp, a), (x,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name,f,x", CASES, ids=IDS)
def test_vmap_matches_loop(name, f, x):
    xs = np.stack([x * (1 + 0.1 * k) for k in range(3)])
    got = functrans.vmap(lambda a: f(fnp, a))(xs)
    want = np.stack([f(np, a) for a in xs])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_comparisons():
    a = np.array([1.0, np.inf, np.nan, 2.0])
    b = np.array([1.0 + 1e-9, np.inf, np.nan, 2.1])
    np.testing.assert_array_equal(functrans.jit(fnp.isclose)(a, b), np.isclose(a, b))
    np.testing.assert_array_equal(
        functrans.jit(lambda x, y: fnp.isclose(x, y, equal_nan=True))(a, b), np.isclose(a, b, equal_nan=True)
    )
    assert fnp.allclose(a[:2], b[:2]) is True
    assert fnp.array_equal(V, V) and not fnp.array_equal(V, V[:2])
    assert functrans.grad(lambda x: fnp.sum(x) * fnp.allclose(x, x))(V).tolist() == [1.0] * 5
    with pytest.raises(functrans.ConcretizationTypeError):
        functrans.jit(lambda x: fnp.allclose(x, x))(V)


def test_errors_as_numpy():
    with pytest.raises(ValueError, match="equal division"):
        fnp.split(V, 2)
    with pytest.raises(ValueError, match="1- or 2-d"):
        fnp.diag(np.ones((2, 2, 2)))
    with pytest.raises(np.exceptions.AxisError):
        fnp.flip(X, 2)
    with pytest.raises(ValueError):
        fnp.cross(np.ones(4), np.ones(4))
    with pytest.raises(ValueError, match="not supported"):
        fnp.pad(X, 1, mode="bogus")
    with pytest.raises(ValueError, match="negative"):
        fnp.repeat(V, -1)
    with pytest.raises(functrans.ConcretizationTypeError):
        functrans.jit(lambda x, r: fnp.repeat(x, r))(V, np.ones(5, int))


def test_repeat_gradient_accumulates():
    g = functrans.grad(lambda a: fnp.sum(fnp.repeat(a, [3, 0, 1, 2, 1])))(V)
    np.testing.assert_array_equal(g, [3.0, 0.0, 1.0, 2.0, 1.0])
    g = functrans.grad(lambda a: fnp.sum(fnp.pad(a, (4, 4), mode="reflect")))(V)
    np.testing.assert_array_equal(g, np.bincount(np.pad(np.arange(5), (4, 4), mode="reflect"), minlength=5))
