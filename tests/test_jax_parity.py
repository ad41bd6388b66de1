"""Regression tests for differences from JAX found by tools/jax_diff.py.

Reference constants were computed with jax 0.10.2 (x64 enabled) and pasted in; jax is not
imported here.
"""
from __future__ import annotations

import warnings

import numpy as np

import functrans as ft
import functrans.numpy as fnp
import functrans.scipy.special as fss

V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])


def _grad_sum(f, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(ft.grad(lambda y: fnp.sum(f(y)))(x))


def test_partition_order_as_jax():
    # smallest kth+1 ascending, then the rest descending (jnp.partition via top_k)
    np.testing.assert_array_equal(fnp.partition(V, 3), [-2.0, -1.0, 0.0, 0.0, 3.0, 1.0, 1.0, 0.5])
    np.testing.assert_array_equal(fnp.partition(V, -1), np.sort(V))
    m = np.array([[3.0, 1, 2], [0, 5, 4]])
    np.testing.assert_array_equal(fnp.partition(m, 1, axis=0), [[0.0, 1, 2], [3, 5, 4]])
    g = _grad_sum(lambda x: fnp.partition(x, 3) * np.arange(8.0), V)
    np.testing.assert_array_equal(g, [0.0, 1, 2, 3, 7, 5, 6, 4])


def test_digamma_nan_at_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = np.asarray(fss.digamma(np.array([0.0, -0.0, -1.0, 1.0])))
    np.testing.assert_allclose(out, [np.nan, np.nan, np.nan, -0.57721566], rtol=1e-8)


def test_ndtri_grad_zero_at_endpoints():
    g = _grad_sum(fss.ndtri, np.array([0.0, 1.0, 0.5, 2.0, -1.0]))
    np.testing.assert_allclose(g, [0.0, 0.0, 2.50662827, np.nan, np.nan], rtol=1e-8)


def test_arccosh_grad_sign_at_minus_one():
    g = _grad_sum(fnp.arccosh, np.array([-1.0, 1.0, 2.0]))
    np.testing.assert_allclose(g, [np.inf, np.inf, 0.57735027], rtol=1e-8)


def test_lax_round_ties_away_from_zero():
    import functrans.lax as flax

    x = np.array([-2.5, -0.5, 0.5, 1.5, 2.5, 0.49999999999999994, -1.2, 7.0])
    np.testing.assert_array_equal(flax.round(x), [-3.0, -1.0, 1.0, 2.0, 3.0, 0.0, -1.0, 7.0])
    np.testing.assert_array_equal(flax.round(x, flax.RoundingMethod.TO_NEAREST_EVEN),
                                  [-2.0, -0.0, 0.0, 2.0, 2.0, 0.0, -1.0, 7.0])
    # numpy's round keeps half-to-even
    np.testing.assert_array_equal(fnp.round(x), np.round(x))
    assert float(ft.grad(flax.round)(2.5)) == 0.0
    np.testing.assert_array_equal(ft.vmap(flax.round)(x), flax.round(x))


def test_single_axis_rejects_tuple():
    import pytest

    m = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
    for f in (fnp.cumsum, fnp.argmax, fnp.sort):
        with pytest.raises(TypeError):
            f(m, axis=(0, 1))


def test_sum_dtype_casts_elements_first():
    # jnp.sum([.5, .5, .7], dtype=int32) == 0 (cast, then sum), not int(1.7) == 1
    out = fnp.sum(np.array([0.5, 0.5, 0.7]), dtype=np.int32)
    assert int(out) == 0 and np.asarray(out).dtype == np.int32
    assert float(fnp.sum(np.array([True, True]), dtype=np.float32)) == 2.0
