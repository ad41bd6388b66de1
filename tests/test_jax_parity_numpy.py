"""Regression tests for differences from JAX in the non-ufunc NumPy surface, found by
tools/jax_diff_numpy.py.

Reference constants were computed with jax 0.10.2 (x64 enabled) and pasted in; jax is not
imported here.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import functrans as ft
import functrans.numpy as fnp

V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
GN = np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 4.0], [0.5, 2.0, -2.0]])


def _grad_sum(f, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(ft.grad(lambda y: fnp.sum(f(y)))(x))


def test_eigh_symmetrizes_input():
    # jnp.linalg.eigh/eigvalsh/pinv(hermitian)/cholesky decompose (a + a.T) / 2 by default
    want = [-4.92714398, -0.54443277, 3.47157675]
    for uplo in ("L", "U"):
        np.testing.assert_allclose(fnp.linalg.eigvalsh(GN, uplo), want, rtol=1e-8)
        np.testing.assert_allclose(fnp.linalg.eigh(GN, UPLO=uplo).eigenvalues, want, rtol=1e-8)
    np.testing.assert_allclose(fnp.linalg.eigvalsh(np.array([[1, 2], [3, 4]])), [-0.41547595, 5.41547595], rtol=1e-8)
    # NumPy's reading of one triangle on request
    np.testing.assert_allclose(fnp.linalg.eigvalsh(GN, symmetrize_input=False), np.linalg.eigvalsh(GN), rtol=1e-8)
    np.testing.assert_allclose(
        fnp.linalg.pinv(GN, hermitian=True),
        [[-0.75167785, 0.61744966, 0.83221477], [0.61744966, -0.22147651, -0.25503356],
         [0.83221477, -0.25503356, -0.77852349]], rtol=1e-7)
    np.testing.assert_allclose(fnp.linalg.svd(GN, hermitian=True).S, [4.92714398, 3.47157675, 0.54443277], rtol=1e-8)
    c = GN @ GN.T + np.eye(3)
    c[0, 2] += 1.0
    np.testing.assert_allclose(
        fnp.linalg.cholesky(c),
        [[2.44948974, 0.0, 0.0], [0.40824829, 5.18009009, 0.0], [2.04124145, -1.80177047, 1.35534369]], rtol=1e-7)
    g = ft.grad(lambda x: fnp.linalg.cholesky(x)[2, 0])(c)
    np.testing.assert_allclose(g, [[-0.17010345, 0, 0.20412415], [0, 0, 0], [0.20412415, 0, 0]], rtol=1e-7, atol=1e-12)


def test_quantile_nearest_tie_takes_lower():
    # jnp.quantile(method="nearest") picks the lower neighbour at a 0.5 fraction (NumPy: the even one)
    assert float(fnp.quantile(np.array([1.0, 2.0, 3.0, 4.0]), 0.5, method="nearest")) == 2.0
    np.testing.assert_array_equal(fnp.quantile(np.arange(6.0), np.array([0.1, 0.3, 0.5, 0.7, 0.9]), method="nearest"),
                                  [0.0, 1.0, 2.0, 3.0, 4.0])
    assert int(fnp.quantile(np.array([1, 2, 3, 4]), 0.5, method="nearest")) == 2


def test_descending_sorts_nan_first_ties_in_order():
    vn = np.array([1.0, np.nan, -1.0, 0.0, -0.0, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(fnp.argsort(vn, descending=True), [1, 5, 0, 7, 3, 4, 2, 6])
    np.testing.assert_array_equal(fnp.sort(vn, descending=True), [np.nan, np.inf, 1, 1, 0, -0.0, -1, -np.inf])
    np.testing.assert_array_equal(fnp.argsort(np.array([True, False, True]), descending=True), [0, 2, 1])
    u8 = np.array([3, 0, 255, 3], np.uint8)
    np.testing.assert_array_equal(fnp.argsort(u8, descending=True), [2, 0, 3, 1])
    np.testing.assert_array_equal(fnp.sort(u8, descending=True), [255, 3, 3, 0])
    np.testing.assert_array_equal(fnp.argsort(np.array([3, -2**63, 5]), descending=True), [2, 0, 1])
    import functrans.lax as flax

    vals, idx = flax.top_k(np.array([1.0, np.nan, 2.0, -np.inf, 2.0]), 3)
    np.testing.assert_array_equal(vals, [np.nan, 2.0, 2.0])
    np.testing.assert_array_equal(idx, [1, 2, 4])
    vals, idx = flax.top_k(u8, 2)
    np.testing.assert_array_equal(vals, [255, 3])
    np.testing.assert_array_equal(idx, [2, 0])
    g = _grad_sum(lambda x: flax.top_k(x, 4)[0] * np.arange(4.0), V)
    np.testing.assert_array_equal(g, [0, 0, 0, 0, 3, 1, 2, 0])


def test_partition_nan_and_unsigned_as_jax():
    vn = np.array([1.0, np.nan, -1.0, 0.0, -0.0, np.inf, -np.inf, 1.0])
    np.testing.assert_array_equal(fnp.partition(vn, 1), [-np.inf, -1.0, np.nan, np.inf, 1.0, 1.0, 0.0, -0.0])
    np.testing.assert_array_equal(fnp.partition(np.array([3, 0, 255, 3], np.uint8), 1), [0, 3, 255, 3])


def test_unique_sized_as_jax():
    x = V[::-1].copy()  # [3, 1, 1, .5, 0, 0, -1, -2]
    vals, idx, inv, cnt = fnp.unique(x, True, True, True, size=10)
    np.testing.assert_array_equal(vals, [-2.0, -1.0, 0.0, 0.5, 1.0, 3.0, -2.0, -2.0, -2.0, -2.0])
    np.testing.assert_array_equal(idx, [7, 6, 4, 3, 1, 0, 7, 7, 7, 7])
    np.testing.assert_array_equal(inv, [5, 4, 4, 3, 2, 2, 1, 0])
    np.testing.assert_array_equal(cnt, [1, 1, 2, 1, 2, 1, 0, 0, 0, 0])
    jv, jidx = ft.jit(lambda y: fnp.unique(y, return_index=True, size=4))(x)
    np.testing.assert_array_equal(jv, [-2.0, -1.0, 0.0, 0.5])
    np.testing.assert_array_equal(jidx, [7, 6, 4, 3])
    # equal_nan merges NaNs; counts padded with 0, index with the smallest element's
    u1 = np.array([3.0, 1.0, 1.0, np.nan, 2.0, np.nan, 3.0, 0.0])
    v, i, c = fnp.unique(u1, return_index=True, return_counts=True, size=6)
    np.testing.assert_array_equal(v, [0.0, 1.0, 2.0, 3.0, np.nan, 0.0])
    np.testing.assert_array_equal(i, [7, 1, 4, 0, 3, 7])
    np.testing.assert_array_equal(c, [1, 2, 1, 2, 2, 0])
    np.testing.assert_array_equal(fnp.unique(u1, size=7, equal_nan=False), [0, 1, 2, 3, np.nan, np.nan, 0])
    # empty input: fill_value required; index/inverse/counts stay empty
    with pytest.raises(ValueError):
        fnp.unique(np.zeros(0), size=3)
    out = fnp.unique(np.zeros(0), True, True, True, size=3, fill_value=7)
    np.testing.assert_array_equal(out[0], [7.0, 7.0, 7.0])
    assert all(o.shape == (0,) for o in out[1:])


def test_unique_sized_gradient_goes_to_first_occurrences():
    x = V[::-1].copy()
    g = ft.grad(lambda y: fnp.sum(fnp.unique(y, size=10) * np.arange(10.0)))(x)
    np.testing.assert_array_equal(g, [5.0, 4.0, 0.0, 3.0, 2.0, 0.0, 1.0, 30.0])  # fills go to the minimum
    g = ft.grad(lambda y: fnp.sum(fnp.unique(y, size=10, fill_value=9.0) * np.arange(10.0)))(x)
    np.testing.assert_array_equal(g, [5.0, 4.0, 0.0, 3.0, 2.0, 0.0, 1.0, 0.0])
    g = ft.grad(lambda y: fnp.sum(fnp.unique(y, size=4) * np.arange(4.0)))(V)
    np.testing.assert_array_equal(g, [0.0, 1.0, 2.0, 0.0, 3.0, 0.0, 0.0, 0.0])
    # without size: zero derivative (JAX's too)
    np.testing.assert_array_equal(_grad_sum(fnp.unique, V), np.zeros(8))


def test_take_clip_does_not_wrap_negative_indices():
    x = np.arange(8.0)
    i = np.array([0, -1, 8, -9, 20, -8])
    np.testing.assert_array_equal(fnp.take(x, i, mode="clip"), [0.0, 0.0, 7.0, 0.0, 7.0, 0.0])
    jitted = ft.jit(lambda v, j: fnp.take(v, j, mode="clip"))
    np.testing.assert_array_equal(jitted(x, i), [0.0, 0.0, 7.0, 0.0, 7.0, 0.0])
    np.testing.assert_array_equal(_grad_sum(lambda v: fnp.take(v, i, mode="clip"), x), [4.0, 0, 0, 0, 0, 0, 0, 2.0])
    # the other modes (and .at[].get(mode="clip")) still count negative indices from the end
    np.testing.assert_array_equal(fnp.take(x, i, mode="wrap"), [0.0, 7.0, 0.0, 7.0, 4.0, 0.0])
    np.testing.assert_array_equal(fnp.asarray(x).at[i].get(mode="clip"), [0.0, 7.0, 7.0, 0.0, 7.0, 0.0])


def test_empty_is_zeros_and_like_shape():
    np.testing.assert_array_equal(fnp.empty(3, dtype=bool), [False, False, False])
    np.testing.assert_array_equal(fnp.empty(np.int64(2)), [0.0, 0.0])
    np.testing.assert_array_equal(fnp.full_like(V, 2.0, shape=(2, 2)), np.full((2, 2), 2.0))
    assert fnp.zeros_like(V, shape=3).shape == (3,) and fnp.ones_like(V, shape=(1, 2)).shape == (1, 2)


def test_cond_nan_to_inf_rules_and_nonfinite_svd():
    z = np.zeros((2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # JAX: NaN -> inf for every p except None/2 (s[0]/s[-1] stays 0/0 = NaN)
        assert np.isnan(fnp.linalg.cond(z)) and np.isnan(fnp.linalg.cond(z, 2))
        assert fnp.linalg.cond(z, -2) == np.inf and fnp.linalg.cond(z, 1) == np.inf
        assert fnp.linalg.cond(z, "nuc") == np.inf  # was LinAlgError (SVD of inf entries)
        x = np.array([[np.inf, 0.0], [0.0, 1.0]])
        s = fnp.linalg.svd(np.stack([x, np.eye(2)]), compute_uv=False)
        np.testing.assert_array_equal(s, [[np.nan, np.nan], [1, 1]])
    with pytest.raises(ValueError):
        fnp.linalg.cond(np.zeros((0, 0)))


def test_float_to_int_casts_saturate():
    x = np.array([np.nan, np.inf, -np.inf, 1e20, -1e20, -1.0, 2.7, -2.7, 300.0])
    want = {
        np.int32: [0, 2147483647, -2147483648, 2147483647, -2147483648, -1, 2, -2, 300],
        np.uint8: [0, 255, 0, 255, 0, 0, 2, 0, 255],
        np.int8: [0, 127, -128, 127, -128, -1, 2, -2, 127],
        np.int64: [0, 2**63 - 1, -2**63, 2**63 - 1, -2**63, -1, 2, -2, 300],
        np.uint64: [0, 2**64 - 1, 0, 2**64 - 1, 0, 0, 2, 0, 300],
    }
    for dt, w in want.items():
        np.testing.assert_array_equal(fnp.astype(x, dt), np.array(w, dtype=dt))
        np.testing.assert_array_equal(ft.jit(lambda y, dt=dt: fnp.astype(y, dt))(x), np.array(w, dtype=dt))
    np.testing.assert_array_equal(fnp.astype(x.astype(np.float32), np.int32), want[np.int32])


def test_lstsq_residuals_always_computed():
    m = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
    np.testing.assert_allclose(fnp.linalg.lstsq(m, np.array([1.0, 0.5]))[1], [0.0], atol=1e-12)  # wide: JAX computes
    np.testing.assert_allclose(fnp.linalg.lstsq(np.array([[1.0, 2], [2, 4]]), np.ones(2))[1], [0.2], rtol=1e-9)
    np.testing.assert_allclose(fnp.linalg.lstsq(np.zeros((2, 2)), np.ones(2))[1], [2.0])
    np.testing.assert_allclose(fnp.linalg.lstsq(np.eye(3), np.ones((3, 2)))[1], [0.0, 0.0])
    np.testing.assert_allclose(fnp.linalg.lstsq(m.T, np.ones(3))[1], [2.94117647], rtol=1e-8)
    g = ft.grad(lambda a: fnp.linalg.lstsq(a, np.array([1.0, 2, 3]))[1][0])(m.T)
    np.testing.assert_allclose(g, [[1.85294118, 0.65397924], [1.85294118, 0.65397924], [2.47058824, 0.87197232]],
                               rtol=1e-7)


def test_float32_factorizations_stay_float32():
    a = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)  # not positive definite: NaN factor
    assert fnp.linalg.cholesky(a).dtype == np.float32
    assert fnp.linalg.eigh(a).eigenvectors.dtype == np.float32
    assert fnp.linalg.pinv(a, hermitian=True).dtype == np.float32


def test_bool_einsum_and_diff():
    b = np.array([True, False, True, True])
    bm = np.array([[True, False], [True, True]])
    out = fnp.einsum("i->", b)
    assert np.asarray(out).dtype == np.bool_ and bool(out)
    np.testing.assert_array_equal(fnp.einsum("ij,jk", bm, bm), [[True, False], [True, True]])
    np.testing.assert_array_equal(fnp.einsum("ij,jk", bm, bm, preferred_element_type=np.int32), [[1, 0], [2, 1]])
    assert int(fnp.einsum("i,i", b, np.arange(4))) == 5
    np.testing.assert_array_equal(fnp.diff(np.array([True, False, False, True])), [True, False, True])
    np.testing.assert_array_equal(fnp.diff(np.array([True, False, False, True]), n=2), [True, True])


PAD_CASES = [  # mode, kwargs, jnp.pad(V, 2, ...), grad of sum(pad(V, 2, ...) * arange(12))
    ("maximum", {"stat_length": 3}, [0.0, 0.0, -2, -1, 0, 0, 0.5, 1, 1, 3, 3, 3], [2, 3, 5, 5, 6, 7, 8, 30]),
    ("minimum", {}, [-2.0, -2, -2, -1, 0, 0, 0.5, 1, 1, 3, -2, -2], [24, 3, 4, 5, 6, 7, 8, 9]),
    ("mean", {"stat_length": (1, 3)}, [-2.0, -2, -2, -1, 0, 0, 0.5, 1, 1, 3, 5 / 3, 5 / 3],
     [3, 3, 4, 5, 6, 14, 15, 16]),
    ("median", {}, [0.25, 0.25, -2, -1, 0, 0, 0.5, 1, 1, 3, 0.25, 0.25], [2, 3, 4, 16, 17, 7, 8, 9]),
    ("linear_ramp", {"end_values": (5.0, -1.0)}, [5.0, 1.5, -2, -1, 0, 0, 0.5, 1, 1, 3, 1, -1],
     [2.5, 3, 4, 5, 6, 7, 8, 14]),
    ("reflect", {"reflect_type": "odd"}, [-4.0, -3, -2, -1, 0, 0, 0.5, 1, 1, 3, 5, 5], [4, 2, 4, 5, 6, -4, -2, 51]),
    ("symmetric", {"reflect_type": "odd"}, [-3.0, -2, -2, -1, 0, 0, 0.5, 1, 1, 3, 3, 5], [3, 3, 4, 5, 6, 7, -3, 41]),
    ("empty", {}, [0.0, 0, -2, -1, 0, 0, 0.5, 1, 1, 3, 0, 0], [2, 3, 4, 5, 6, 7, 8, 9]),
]


@pytest.mark.parametrize("mode,kw,want,grad", PAD_CASES, ids=[c[0] + str(i) for i, c in enumerate(PAD_CASES)])
def test_pad_modes_as_jax(mode, kw, want, grad):
    np.testing.assert_allclose(fnp.pad(V, 2, mode=mode, **kw), want, rtol=1e-12)
    np.testing.assert_allclose(ft.jit(lambda x: fnp.pad(x, 2, mode=mode, **kw))(V), want, rtol=1e-12)
    g = ft.grad(lambda x: fnp.sum(fnp.pad(x, 2, mode=mode, **kw) * np.arange(12.0)))(V)
    np.testing.assert_allclose(g, grad, rtol=1e-12)


def test_pad_integer_statistics_round():
    ia = np.array([-3, -1, 0, 0, 2, 2, 5])
    np.testing.assert_array_equal(fnp.pad(ia, 2, mode="mean"), [1, 1, -3, -1, 0, 0, 2, 2, 5, 1, 1])
    np.testing.assert_array_equal(fnp.pad(ia, 2, mode="median", stat_length=(1, 3)),
                                  [-3, -3, -3, -1, 0, 0, 2, 2, 5, 2, 2])
    np.testing.assert_array_equal(
        fnp.pad(ia, 9, mode="reflect", reflect_type="odd"),
        [-16, -14, -14, -11, -8, -8, -6, -6, -5, -3, -1, 0, 0, 2, 2, 5, 8, 8, 10, 10, 11, 13, 15, 16, 16])
    with pytest.raises(ValueError):
        fnp.pad(ia, 2, mode="mean", stat_length=0)


def test_shape_helpers_accept_jax_forms():
    a3 = np.arange(24.0).reshape(2, 3, 4)
    assert fnp.moveaxis(a3, (0, 1), (2, 0)).shape == (3, 4, 2)
    np.testing.assert_array_equal(fnp.moveaxis(a3, (-1, 0), (0, -1)), np.moveaxis(a3, (-1, 0), (0, -1)))
    np.testing.assert_array_equal(fnp.reshape(a3, (4, 6), order="F"), np.reshape(a3, (4, 6), order="F"))
    np.testing.assert_array_equal(fnp.ravel(a3, order="F"), np.ravel(a3, order="F"))
    g = ft.grad(lambda x: fnp.sum(fnp.ravel(x, order="F") * np.arange(6.0)))(np.ones((2, 3)))
    np.testing.assert_array_equal(g, [[0.0, 2, 4], [1, 3, 5]])
    one, m = fnp.atleast_1d(1.0, np.ones((2, 2)))
    assert one.shape == (1,) and m.shape == (2, 2)
    np.testing.assert_array_equal(fnp.roll(np.arange(6.0).reshape(2, 3), np.array(2)), [[4.0, 5, 0], [1, 2, 3]])
    assert fnp.meshgrid() == []
    with pytest.raises(ValueError):
        fnp.meshgrid(np.ones((2, 2)), np.ones(2))
    assert fnp.array(np.arange(3.0), ndmin=3).shape == (1, 1, 3)


def test_arange_keeps_numpy_scalar_dtypes():
    assert fnp.arange(np.float32(3)).dtype == np.float32
    assert fnp.arange(np.int32(3)).dtype == np.int32
    assert fnp.arange(np.int32(1), 5).dtype == np.int32
    assert fnp.arange(1, 5, np.int8(1)).dtype == np.int8
    assert fnp.arange(5).dtype == np.int64 and fnp.arange(1.5, 4).dtype == np.float64


def test_convolution_polynomials_counting_as_jax():
    ve = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(fnp.convolve(V, ve), np.convolve(V, ve), rtol=1e-12)
    np.testing.assert_allclose(fnp.convolve(ve, V, mode="same"), np.convolve(ve, V, mode="same"), rtol=1e-12)
    np.testing.assert_allclose(fnp.correlate(ve, V, mode="full"), np.correlate(ve, V, mode="full"), rtol=1e-12)
    out = fnp.convolve(np.arange(3), np.arange(5))
    assert out.dtype == np.float64  # JAX convolves integers in floating point
    np.testing.assert_array_equal(out, [0.0, 0, 1, 4, 7, 10, 8])
    g = ft.grad(lambda x: fnp.sum(fnp.convolve(x, ve, mode="valid") * np.arange(6.0)))(V)
    np.testing.assert_allclose(g, [0.0, 0.5, -1.0, -1.5, -2.0, -2.5, -6.0, 5.0], rtol=1e-12)
    np.testing.assert_allclose(fnp.polyval(ve, V), np.polyval(ve, V), rtol=1e-12)
    np.testing.assert_allclose(fnp.polyfit(V, V**2 - V, 2), [1.0, -1.0, 0.0], atol=1e-10)
    xp, fp = np.array([-1.0, 0.0, 0.0, 2.0]), np.array([0.0, 2.0, 3.0, -1.0])
    np.testing.assert_allclose(fnp.interp(V, xp, fp), [0.0, 0.0, 3.0, 3.0, 2.0, 1.0, 1.0, -1.0])
    np.testing.assert_allclose(fnp.interp(V, xp, fp, left=-9.0, right=9.0), [-9.0, 0, 3, 3, 2, 1, 1, 9])
    np.testing.assert_allclose(ft.grad(lambda x: fnp.sum(fnp.interp(x, xp, fp)))(V), [0, 2.0, -2, -2, -2, -2, -2, 0])
    np.testing.assert_array_equal(fnp.bincount(np.array([0, -1, 1, 4]), minlength=7), [2, 1, 0, 0, 1, 0, 0])
    np.testing.assert_array_equal(ft.jit(lambda x: fnp.bincount(x, length=5))(np.array([0, 1, 1])), [1, 2, 0, 0, 0])
    np.testing.assert_array_equal(fnp.digitize(V, np.array([1.0, 0.0, -1.0])), [3, 2, 1, 1, 1, 0, 0, 0])
    h, e = fnp.histogram(V, 3, weights=np.arange(8.0))
    np.testing.assert_allclose(h, [1.0, 20.0, 7.0])
    np.testing.assert_allclose(e, [-2.0, -1 / 3, 4 / 3, 3.0])
    np.testing.assert_allclose(fnp.histogram(V, 4, density=True)[0], [0.2, 0.2, 0.3, 0.1], atol=1e-12)


def test_index_helpers_as_jax():
    np.testing.assert_array_equal(fnp.argpartition(V, 2), [0, 1, 2, 3, 4, 5, 6, 7])
    np.testing.assert_array_equal(fnp.argpartition(V[::-1].copy(), 2), [7, 6, 4, 0, 1, 2, 3, 5])
    assert fnp.argpartition(V, 2).dtype == np.int32
    np.testing.assert_array_equal(fnp.lexsort((np.array([1, 0, 1, 0]), np.array([2.0, 2.0, 1.0, 1.0]))), [3, 2, 1, 0])
    r, c = fnp.unravel_index(np.array([1, 5, 7, -1, -9]), (2, 3))  # clamped, as JAX
    np.testing.assert_array_equal(r, [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(c, [1, 2, 2, 2, 0])
    out = fnp.piecewise(V, [V < 0, V > 1], [lambda x: -x, lambda x: x**2, 0.5])
    np.testing.assert_array_equal(out, [2.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 9.0])
    g = ft.grad(lambda x: fnp.sum(fnp.piecewise(x, [x < 0, x > 1], [lambda t: -t, lambda t: t**2, 0.5])))(V)
    np.testing.assert_array_equal(g, [-1.0, -1, 0, 0, 0, 0, 0, 6])
    np.testing.assert_array_equal(fnp.isin(V, np.array([0.0, 1.0])), [0, 0, 1, 1, 0, 1, 1, 0])
    out = fnp.compress(np.array([True, False, True]), V, size=4, fill_value=-1)
    np.testing.assert_array_equal(out, [-2, 0, -1, -1])
    np.testing.assert_array_equal(fnp.put(V, np.array([0, 9]), np.array([9.0, 8.0]), inplace=False),
                                  [9.0, -1, 0, 0, 0.5, 1, 1, 8])
    with pytest.raises(ValueError):
        fnp.put(V, [0], [1.0])
    np.testing.assert_array_equal(fnp.fill_diagonal(np.zeros((3, 5)), np.array([1.0, 2]), inplace=False),
                                  [[1.0, 0, 0, 0, 0], [0, 2, 0, 0, 0], [0, 0, 1, 0, 0]])
    np.testing.assert_allclose(fnp.geomspace(-1.0, -100.0, 3), [-1.0, -10.0, -100.0])
    assert abs(float(ft.grad(lambda s: fnp.sum(fnp.geomspace(s, 10.0, 4)))(2.0)) - 3.114656543855421) < 1e-12
    np.testing.assert_array_equal(fnp.cumulative_sum(np.arange(3.0), include_initial=True), [0.0, 0, 1, 3])
    np.testing.assert_array_equal(fnp.tril_indices(3, -1)[1], [0, 0, 1])


def test_select_accepts_nonbool_conditions():
    np.testing.assert_array_equal(fnp.select([np.array([0.0, 1.0])], [np.array([3, 4])]), [0, 4])
