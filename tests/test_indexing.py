"""Advanced indexing (gather/scatter), ``.at[]`` updates, functrans.Array and the index
functions (take, take_along_axis, nonzero, where(cond), argwhere, flatnonzero).

Reference values are NumPy's; JAX's behaviour where NumPy has none (out-of-bounds
indices, gradients at ties) was looked up with jax 0.4 (x64) and is written in as constants.
"""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

rng = np.random.default_rng(3)
X3 = rng.standard_normal((4, 5, 6))
X2 = rng.standard_normal((5, 6))
IDX = np.array([0, 3, 3, -1])  # repeated and negative
IJ = np.array([[1, -2], [0, 1]])
MASK = X2 > 0

# (name, array, index expression): values must equal NumPy's for every one
INDEX_SWEEP = [
    ("int_array", X2, IDX),
    ("list", X2, [1, 1, 0]),
    ("2d_int_array", X2, IJ),
    ("array_then_slice", X2, (IDX, slice(1, 4))),
    ("slice_then_array", X2, (slice(None, None, -2), IDX)),
    ("two_arrays", X2, (IDX, np.array([5, 0, 0, 1]))),
    ("two_arrays_bcast", X2, (IJ, np.array([3, -1]))),
    ("array_int", X2, (IDX, 2)),
    ("int_array_3d_adjacent", X3, (slice(None), IDX, 1)),
    ("separated_3d", X3, (IDX, slice(None), np.array([0, 5, 1, 1]))),
    ("int_slice_array_separated", X3, (1, slice(None), IDX)),
    ("adjacent_middle", X3, (slice(1, 3), IDX, IJ[0, :1])),
    ("none_between", X3, (IDX, None, np.array([1, 2, 3, 4]))),
    ("none_first", X3, (None, slice(None), IDX)),
    ("ellipsis_array", X3, (Ellipsis, IDX)),
    ("array_ellipsis", X3, (IDX, Ellipsis, None)),
    ("array_ellipsis_array", X3, (IDX, Ellipsis, np.array([1, 1, 1, 1]))),
    ("mask_full", X2, MASK),
    ("mask_rows", X2, MASK[:, 0]),
    ("mask_cols_slice", X2, (slice(1, 3), MASK[0])),
    ("mask_and_array", X3, (MASK[:4, 0], slice(None), np.array([0, 1, 2, 3])[: int(MASK[:4, 0].sum())])),
    ("mask_3d_prefix", X3, X3[:, :, 0] > 0),
    ("empty_index", X2, np.array([], dtype=int)),
    ("bool_true", X2, True),
    ("bool_false", X2, (Ellipsis, False)),
    ("array_bool_scalar", X2, (IDX, True)),
    ("ellipsis_empty_between", X2, (IDX, Ellipsis, np.array([0, 1, 2, 3]))),
    ("all_ints_with_array", X3, (1, np.array([[0], [4]]), 2)),
    ("scalar_array_index", X2, np.array(2)),
    ("int32_index", X2, np.array([4, 0], dtype=np.int32)),
    ("uint_index", X2, np.array([4, 0], dtype=np.uint8)),
]


@pytest.mark.parametrize("x,idx", [c[1:] for c in INDEX_SWEEP], ids=[c[0] for c in INDEX_SWEEP])
def test_values_match_numpy(x, idx):
    ref = x[idx]
    out = functrans.jit(lambda a: a[idx])(x)
    assert out.shape == ref.shape and out.dtype == ref.dtype
    np.testing.assert_array_equal(out, ref)
    prim, tan = functrans.jvp(lambda a: a[idx], (x,), (np.ones_like(x),))
    np.testing.assert_array_equal(prim, ref)
    assert np.shape(tan) == ref.shape


@pytest.mark.parametrize("x,idx", [c[1:] for c in INDEX_SWEEP[::3]], ids=[c[0] for c in INDEX_SWEEP[::3]])
def test_gradients_to_second_order(x, idx):
    check_grads(lambda a: fnp.sin(a[idx]) * a[idx], (x,), order=2, modes=("fwd", "rev"))


def test_repeated_indices_accumulate_in_the_gradient():
    g = functrans.grad(lambda w: fnp.sum(w[np.array([0, 0, 2, -1, 0])] ** 2))(np.arange(1.0, 5.0))
    np.testing.assert_array_equal(g, [6.0, 0.0, 6.0, 8.0])
    g = functrans.jit(functrans.grad(lambda w: fnp.sum(w[np.array([0, 0, 2, -1, 0])] ** 2)))(np.arange(1.0, 5.0))
    np.testing.assert_array_equal(g, [6.0, 0.0, 6.0, 8.0])


def test_traced_indices_under_jit_and_grad():
    f = functrans.jit(lambda x, i: fnp.sum(x[i, 1:] ** 2))
    i = np.array([4, 4, 0])
    np.testing.assert_allclose(f(X2, i), np.sum(X2[i, 1:] ** 2))
    g = functrans.grad(f)(X2, i)
    ref = np.zeros_like(X2)
    np.add.at(ref, (i, slice(1, None)), 2 * X2[i, 1:])
    np.testing.assert_allclose(g, ref)
    # a traced scalar index is a dynamic index
    h = functrans.jit(lambda x, k: x[k])
    np.testing.assert_array_equal(h(X2, np.int64(3)), X2[3])
    np.testing.assert_array_equal(h(X2, np.int64(-1)), X2[-1])


# --------------------------------------------------------------------------- out of bounds (JAX's rules)


def test_out_of_bounds_read_clamps_and_update_drops():
    x = np.arange(5.0)
    # jnp.arange(5.)[jnp.array([7, -1, -10])] -> [4, 4, 0]
    np.testing.assert_array_equal(functrans.jit(lambda a: a[np.array([7, -1, -10])])(x), [4.0, 4.0, 0.0])
    # x.at[jnp.array([7, -10, 1])].set(100.) -> [0, 100, 2, 3, 4]
    np.testing.assert_array_equal(fnp.asarray(x).at[np.array([7, -10, 1])].set(100.0), [0, 100, 2, 3, 4])
    # jnp.take(x, [7, -10]) -> [nan, nan]; mode="clip" -> [4, 0]
    assert np.isnan(fnp.take(x, np.array([7, -10]))).all()
    np.testing.assert_array_equal(fnp.take(x, np.array([7, -10]), mode="clip"), [4.0, 0.0])
    np.testing.assert_array_equal(fnp.asarray(x).at[np.array([7, -10])].get(), [4.0, 0.0])
    # the gradient of a clamped read goes to the clamped position; a dropped update has none
    g = functrans.grad(lambda a: fnp.sum(a[np.array([7, -10])]))(x)
    np.testing.assert_array_equal(g, [1.0, 0, 0, 0, 1.0])
    gu = functrans.grad(lambda u: fnp.sum(fnp.asarray(x).at[np.array([7, 1])].add(u) ** 2))(np.ones(2))
    np.testing.assert_array_equal(gu, [0.0, 4.0])


def test_at_with_traced_indices_under_jit_and_vmap():
    f = functrans.jit(lambda x, i, v: x.at[i, 1:].add(v))
    i = np.array([0, 4, 4])
    v = rng.standard_normal((3, 5))
    np.testing.assert_allclose(f(X2, i, v), _np_at(X2, (i, slice(1, None)), "add", v))
    g = functrans.grad(lambda v: fnp.sum(f(X2, i, v) ** 2))(v)
    np.testing.assert_allclose(g, 2 * _np_at(X2, (i, slice(1, None)), "add", v)[i, 1:])
    out = functrans.vmap(lambda i: fnp.asarray(X2).at[i].set(0.0))(np.array([[0, 1], [2, 2]]))
    np.testing.assert_array_equal(out, [_np_at(X2, [0, 1], "set", 0.0), _np_at(X2, [2, 2], "set", 0.0)])


def test_static_int_out_of_bounds_follows_jax():
    x = np.arange(5.0)
    # jnp: x[-10] -> 0., x[7] -> 4., x.at[5].set(1.) and x.at[-10].set(1.) leave x, x.at[5].get() -> 4.,
    # arange(6.).reshape(2, 3)[5, -9] -> 3., grad(lambda x: x[7]) -> [0, 0, 0, 0, 1]
    assert functrans.jit(lambda a: a[-10])(x) == 0.0 and functrans.jit(lambda a: a[7])(x) == 4.0
    np.testing.assert_array_equal(fnp.asarray(x).at[5].set(1.0), x)
    np.testing.assert_array_equal(fnp.asarray(x).at[-10].set(1.0), x)
    assert fnp.asarray(x).at[5].get() == 4.0
    assert functrans.jit(lambda a: a[5, -9])(np.arange(6.0).reshape(2, 3)) == 3.0
    np.testing.assert_array_equal(functrans.grad(lambda a: a[7])(x), [0, 0, 0, 0, 1.0])
    with pytest.raises(IndexError):
        functrans.jit(lambda a: a[0])(np.zeros(0))


# --------------------------------------------------------------------------- .at


def _np_at(x, idx, op, v):
    out = np.array(x, dtype=float)
    if op == "set":
        out[idx] = v
    elif op == "add":
        np.add.at(out, idx, v)
    elif op == "subtract":
        np.subtract.at(out, idx, v)
    elif op == "multiply":
        np.multiply.at(out, idx, v)
    elif op == "divide":
        np.divide.at(out, idx, v)
    elif op == "min":
        np.minimum.at(out, idx, v)
    elif op == "max":
        np.maximum.at(out, idx, v)
    elif op == "power":
        np.power.at(out, idx, v)
    return out


AT_INDICES = [
    ("int", 1),
    ("neg_int", -1),
    ("slice", slice(1, 4)),
    ("step_slice", slice(None, None, -2)),
    ("array_rep", np.array([0, 2, 2, -1])),
    ("array_slice", (np.array([1, 1, 3]), slice(2, 5))),
    ("slice_array", (slice(None), np.array([0, 5, 0]))),
    ("two_arrays", (np.array([1, 1, 4]), np.array([2, 2, 0]))),
    ("mask", X2 > 0.5),
    ("ellipsis", Ellipsis),
    ("none", (None, 2)),
]
AT_OPS = ["set", "add", "subtract", "multiply", "divide", "min", "max", "power"]


@pytest.mark.parametrize("op", AT_OPS)
@pytest.mark.parametrize("idx", [c[1] for c in AT_INDICES], ids=[c[0] for c in AT_INDICES])
def test_at_matches_numpy(idx, op):
    x = np.abs(X2) + 0.5
    shape = np.empty(x.shape)[idx].shape
    v = rng.uniform(0.5, 1.5, shape)
    xa = fnp.asarray(x)
    before = x.copy()
    out = getattr(xa.at[idx], op)(v)
    np.testing.assert_allclose(out, _np_at(x, idx, op, v), rtol=1e-13)
    np.testing.assert_array_equal(x, before)  # the input is unchanged
    assert isinstance(out, functrans.Array)
    # the same under jit, and with broadcast scalar values
    jout = functrans.jit(lambda a, w: getattr(fnp.asarray(a).at[idx], op)(w))(x, v)
    np.testing.assert_allclose(jout, out, rtol=1e-13)
    np.testing.assert_allclose(getattr(xa.at[idx], op)(0.75), _np_at(x, idx, op, 0.75), rtol=1e-13)


def test_at_get_and_eager_chaining():
    x = fnp.zeros(3)
    x = x.at[0].set(1.0)
    x = x.at[np.array([1, 1])].add(2.0)
    np.testing.assert_array_equal(x, [1.0, 4.0, 0.0])
    np.testing.assert_array_equal(x.at[np.array([2, 0])].get(), [0.0, 1.0])
    assert np.isnan(x.at[np.array([5])].get(mode="fill")[0])
    assert x.at[np.array([5])].get(mode="fill", fill_value=-1.0)[0] == -1.0
    np.testing.assert_array_equal(x.at[np.array([5, 0])].set(9.0, mode="clip"), [9.0, 4.0, 9.0])
    np.testing.assert_array_equal(x.at[1].apply(lambda v: v * 10), [1.0, 40.0, 0.0])
    for kw in ({"indices_are_sorted": True}, {"unique_indices": True}, {"mode": "promise_in_bounds"}):
        np.testing.assert_array_equal(x.at[0].add(1.0, **kw), [2.0, 4.0, 0.0])


def test_at_repeated_set_last_wins_and_jax_constants():
    x = fnp.arange(5.0)
    rep = np.array([1, 1, 1])
    np.testing.assert_array_equal(x.at[rep].set(np.array([10.0, 20.0, 30.0])), [0, 30, 2, 3, 4])
    np.testing.assert_array_equal(x.at[rep].add(np.array([10.0, 20.0, 30.0])), [0, 61, 2, 3, 4])
    np.testing.assert_array_equal(x.at[np.array([2, 2])].power(np.array([2.0, 3.0])), [0, 1, 64, 3, 4])
    np.testing.assert_array_equal(x.at[np.array([2, 2])].divide(np.array([2.0, 4.0])), [0, 1, 0.25, 3, 4])
    # jax.grad(lambda u: sum(x.at[[1,1,1]].set(u)**2))([10,20,30]) -> [0, 0, 60]
    g = functrans.grad(lambda u: fnp.sum(x.at[rep].set(u) ** 2))(np.array([10.0, 20.0, 30.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 60.0])


def test_at_min_max_gradients_at_ties_as_jax():
    x = np.arange(5.0)
    i = np.array([2, 2, 3])
    gu = functrans.grad(lambda u: fnp.sum(fnp.asarray(x).at[i].max(u)))(np.array([2.0, 2.0, 1.0]))
    np.testing.assert_allclose(gu, [1 / 3, 1 / 3, 0.0])
    gx = functrans.grad(lambda a: fnp.sum(fnp.asarray(a).at[i].max(np.array([2.0, 2.0, 1.0]))))(fnp.asarray(x))
    np.testing.assert_allclose(gx, [1, 1, 1 / 3, 1, 1])
    gx, gu = functrans.grad(lambda a, u: fnp.sum(fnp.asarray(a).at[np.array([2])].max(u)), argnums=(0, 1))(
        x, np.array([2.0])
    )
    np.testing.assert_allclose(gx, [1, 1, 0.5, 1, 1])
    np.testing.assert_allclose(gu, [0.5])
    gx, gu = functrans.grad(lambda a, u: fnp.sum(fnp.asarray(a).at[np.array([2, 2])].min(u)), argnums=(0, 1))(
        x, np.array([1.0, 1.0])
    )
    np.testing.assert_allclose(gx, [1, 1, 0, 1, 1])
    np.testing.assert_allclose(gu, [0.5, 0.5])


@pytest.mark.parametrize("op", ["set", "add", "multiply", "min", "max", "divide", "power"])
def test_at_gradients_to_second_order(op):
    x = np.abs(X2[:3, :4]) + 0.5
    idx = (np.array([0, 2, 2, -1]), slice(1, 3))
    v = rng.uniform(0.5, 1.5, (4, 2))
    check_grads(lambda a, w: getattr(fnp.asarray(a).at[idx], op)(w), (fnp.asarray(x), v), order=2, modes=("fwd", "rev"))


def test_multiply_gradient_with_zero_updates_and_repeats():
    # d/du of a product over a repeated position, exact where updates are zero (JAX raises
    # for repeated indices); second order is exact away from zero updates.
    x = np.array([1.0, 2.0, 3.0])
    i = np.array([1, 1, 1])
    f = lambda u: fnp.asarray(x).at[i].multiply(u)  # noqa: E731
    check_grads(f, (np.array([0.5, 2.0, 3.0]),), order=2, modes=("fwd", "rev"))
    for u in (np.array([0.0, 2.0, 3.0]), np.array([0.0, 0.0, 3.0])):
        check_grads(f, (u,), order=1, modes=("fwd", "rev"))
    np.testing.assert_array_equal(functrans.jacrev(f)(np.array([0.0, 2.0, 3.0]))[1], [12.0, 0.0, 0.0])


# --------------------------------------------------------------------------- vmap


def _loop(f, args, axes):
    n = next(np.shape(a)[ax] for a, ax in zip(args, axes) if ax is not None)
    return np.stack([f(*[a if ax is None else np.take(a, k, axis=ax) for a, ax in zip(args, axes)]) for k in range(n)])


VMAP_CASES = [
    ("getitem", lambda x, i: x[i, 1:]),
    ("getitem_sep", lambda x, i: x[i, :, i[::-1]]),
    ("at_add", lambda x, i: fnp.asarray(x).at[i].add(1.5) if not isinstance(x, functrans.Array) else x.at[i].add(x[i])),
    ("at_set", lambda x, i: x.at[i, 2].set(x[i, 0] * 2.0)),
    ("at_max", lambda x, i: x.at[:, i].max(x[:, i[::-1]] * 0.5)),
    ("at_mul", lambda x, i: x.at[i].multiply(x[i[::-1]])),
    ("take", lambda x, i: fnp.take(x, i, axis=1, mode="clip")),
    ("take_along_axis", lambda x, i: fnp.take_along_axis(x[:, :, 0], i[None, :], axis=1)),
]


@pytest.mark.parametrize("f", [c[1] for c in VMAP_CASES], ids=[c[0] for c in VMAP_CASES])
@pytest.mark.parametrize("axes", [(0, None), (None, 0), (2, 0), (1, None), (3, 1)])
def test_vmap_matches_loop(f, axes):
    """Batched array, batched indices, both; batch axes first, inside and last."""
    xb = rng.standard_normal((3, 4, 5, 6))  # 3 examples of shape (4, 5, 6)
    ib = np.array([[0, 3, 3, -1], [2, 2, 0, 1], [1, 0, 3, 3]])  # 3 examples of 4 indices
    x = xb[0] if axes[0] is None else np.moveaxis(xb, 0, axes[0])
    i = ib[0] if axes[1] is None else np.moveaxis(ib, 0, axes[1])
    g = lambda a, b: f(fnp.asarray(a), b)  # noqa: E731
    out = functrans.vmap(g, in_axes=axes)(x, i)
    np.testing.assert_allclose(out, _loop(g, (x, i), axes), rtol=1e-13)
    gr = functrans.grad(lambda a, b: fnp.sum(g(a, b) ** 2))
    if axes[0] is not None:
        np.testing.assert_allclose(functrans.vmap(gr, in_axes=axes)(x, i), _loop(gr, (x, i), axes), rtol=1e-12)


# --------------------------------------------------------------------------- index functions


def test_take_and_take_along_axis():
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(fnp.take(a, np.array([[0, 2]]), axis=1), np.take(a, [[0, 2]], axis=1))
    np.testing.assert_array_equal(fnp.take(a, np.array([5, -1])), np.take(a, [5, -1]))
    np.testing.assert_array_equal(fnp.take(a, np.array([13, -1]), mode="wrap"), np.take(a, [13, -1], mode="wrap"))
    # jnp.take(m, [13, -1]) -> [nan, 11]
    out = fnp.take(a, np.array([13, -1]))
    assert np.isnan(out[0]) and out[1] == 11.0
    i = np.array([[3], [0], [-1]])
    np.testing.assert_array_equal(fnp.take_along_axis(a, i, axis=1), np.take_along_axis(a, i, axis=1))
    i2 = np.array([[0, 2, 1, 1]])
    np.testing.assert_array_equal(fnp.take_along_axis(a, i2, axis=0), np.take_along_axis(a, i2, axis=0))
    np.testing.assert_array_equal(
        fnp.take_along_axis(a, np.array([3, 0]), axis=None), np.take_along_axis(a, np.array([3, 0]), axis=None)
    )
    # jnp.take_along_axis(m, [[5],[0],[-1]], axis=1) -> [[nan], [4], [11]]; mode="clip" clamps
    np.testing.assert_array_equal(fnp.take_along_axis(a, np.array([[5], [0], [-1]]), axis=1), [[np.nan], [4.0], [11.0]])
    np.testing.assert_array_equal(
        fnp.take_along_axis(a, np.array([[5], [0], [-1]]), axis=1, mode="clip"), [[3.0], [4.0], [11.0]]
    )
    check_grads(lambda m: fnp.take_along_axis(m, i, axis=1) ** 2, (a,), order=2, modes=("fwd", "rev"))
    check_grads(lambda m: fnp.take(m, np.array([1, 1, 0]), axis=0) ** 2, (a,), order=2, modes=("fwd", "rev"))
    ix = functrans.vmap(lambda m: m.take(np.array([1, 1])))(a)
    np.testing.assert_array_equal(ix, a[:, [1, 1]])


def test_nonzero_family():
    v = np.array([[0, 1, 0], [2, 0, 3]])
    for got, ref in [
        (fnp.nonzero(v), np.nonzero(v)),
        (fnp.where(v), np.where(v)),
        ((fnp.argwhere(v),), (np.argwhere(v),)),
        ((fnp.flatnonzero(v),), (np.flatnonzero(v),)),
    ]:
        for g, r in zip(got, ref):
            np.testing.assert_array_equal(g, r)
            assert g.dtype == r.dtype
    # jnp.nonzero([0,1,0,2], size=3, fill_value=-1) -> ([1, 3, -1],)
    w = np.array([0, 1, 0, 2])
    np.testing.assert_array_equal(fnp.nonzero(w, size=3, fill_value=-1)[0], [1, 3, -1])
    np.testing.assert_array_equal(fnp.argwhere(w, size=3), [[1], [3], [0]])
    np.testing.assert_array_equal(fnp.flatnonzero(w, size=1), [1])
    # under jit with size=, as JAX
    f = functrans.jit(lambda a: fnp.nonzero(a, size=3, fill_value=-1))
    np.testing.assert_array_equal(f(w)[0], [1, 3, -1])
    np.testing.assert_array_equal(functrans.jit(lambda a: fnp.argwhere(a, size=4))(v), [[0, 1], [1, 0], [1, 2], [0, 0]])
    # under grad values are concrete: masks and nonzero work
    g = functrans.grad(lambda x: fnp.sum(x[x > 0] ** 2) + fnp.sum(x[fnp.nonzero(x > 1)]))(np.array([-1.0, 0.5, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0, 5.0])


# --------------------------------------------------------------------------- errors


def test_errors():
    x = np.arange(6.0)
    for bad in (1.0, np.array([1.0]), (0, 1.5)):
        with pytest.raises(IndexError):
            functrans.jit(lambda a, b=bad: a[b])(x.reshape(2, 3) if isinstance(bad, tuple) else x)
        with pytest.raises(IndexError):
            functrans.grad(lambda a, b=bad: fnp.sum(a[b]))(x.reshape(2, 3) if isinstance(bad, tuple) else x)
    with pytest.raises(functrans.ConcretizationTypeError, match="nonzero\\(mask, size="):
        functrans.jit(lambda a: a[a > 2])(x)
    with pytest.raises(functrans.ConcretizationTypeError, match="where"):
        functrans.vmap(lambda a: a[a > 2])(x.reshape(2, 3))
    with pytest.raises(functrans.ConcretizationTypeError, match="size="):
        functrans.jit(fnp.nonzero)(x)
    with pytest.raises(functrans.ConcretizationTypeError, match="size="):
        functrans.vmap(fnp.argwhere)(x.reshape(2, 3))
    with pytest.raises(IndexError, match="boolean index did not match"):
        functrans.grad(lambda a: fnp.sum(a[np.array([True, False])]))(x)
    with pytest.raises(IndexError, match="too many indices"):
        functrans.jit(lambda a: a[np.array([0]), 0])(x)
    with pytest.raises(ValueError, match="cannot update"):
        fnp.asarray(x).at[np.array([0, 1])].set(np.ones(3))
    with pytest.raises(ValueError, match="mode"):
        fnp.asarray(x).at[0].set(1.0, mode="bogus")
    with pytest.raises(functrans.ConcretizationTypeError):
        functrans.jit(lambda a: a.item())(x[:1])
    # state is intact after each error
    np.testing.assert_array_equal(functrans.jit(lambda a: a[np.array([1, 1])])(x), [1.0, 1.0])
    np.testing.assert_array_equal(functrans.grad(lambda a: fnp.sum(a[a > 2]))(x), [0, 0, 0, 1, 1, 1])


# --------------------------------------------------------------------------- functrans.Array and methods


def test_array_type():
    makers = [
        lambda: fnp.zeros(3), lambda: fnp.ones((2, 2)), lambda: fnp.array([1.0, 2.0]), lambda: fnp.asarray([1]),
        lambda: fnp.arange(3), lambda: fnp.linspace(0, 1, 3), lambda: fnp.full(2, 3.0), lambda: fnp.eye(2),
        lambda: fnp.zeros_like(X2), lambda: fnp.ones_like(X2), lambda: fnp.full_like(X2, 2.0),
    ]  # fmt: skip
    for make in makers:
        a = make()
        assert isinstance(a, functrans.Array) and isinstance(a, np.ndarray) and isinstance(a, fnp.ndarray)
        assert isinstance(a + 1, functrans.Array)  # arithmetic keeps the type
    assert not isinstance(np.zeros(3), functrans.Array)
    seen = []
    functrans.grad(lambda x: seen.append(isinstance(x, functrans.Array)) or fnp.sum(x))(np.ones(2))
    functrans.jit(lambda x: seen.append(isinstance(x, fnp.ndarray)) or x)(np.ones(2))
    functrans.vmap(lambda x: seen.append(isinstance(x, functrans.Array)) or x)(np.ones(2))
    assert seen == [True, True, True]
    # inside transformations, values are plain ndarrays (the subclass is stripped)
    inner = []
    functrans.grad(lambda x: inner.append(type(x.primal)) or fnp.sum(x))(fnp.ones(2))  # type: ignore[attr-defined]
    assert inner == [np.ndarray]
    # a traced index into a concrete Array works
    w = fnp.asarray(X2)
    np.testing.assert_array_equal(functrans.jit(lambda i: w[i])(np.array([1, 1])), X2[[1, 1]])
    assert repr(fnp.zeros(2)) == "Array([0., 0.])"


def test_traced_value_methods():
    x = np.arange(6.0).reshape(2, 3)

    def f(a):
        rows = [r for r in a]  # __iter__ over the first axis
        assert len(a) == 2
        assert a[0, 1].item() == 1.0 and a.tolist() == x.tolist()  # concrete under grad
        nz = a.nonzero()
        return fnp.sum(rows[1] ** 2) + fnp.sum(a.take(np.array([0, 0]))) + fnp.sum(a[nz])

    g = functrans.grad(f)(x)
    ref = np.zeros_like(x)
    ref[1] = 2 * x[1]
    ref[0, 0] += 2
    ref += x != 0
    np.testing.assert_array_equal(g, ref)
    with pytest.raises(functrans.ConcretizationTypeError):
        functrans.jit(lambda a: a.tolist())(x)
