"""Regression tests for differences from JAX in lax, nn, scipy, tree_util and the transformations'
API, found by tools/jax_diff_lax.py.

Reference constants were computed with jax 0.10.2 (x64 enabled) and pasted in; jax is not
imported here.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import functrans as ft
import functrans.lax as lax
import functrans.numpy as fnp

X_INT = np.array([-7, -3, -1, 0, 2, 5, 7, -2**63])
Y_INT = np.array([2, -2, 0, -3, 0, 3, -4, -1])


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def test_lax_div_integers_truncate_toward_zero():
    out = lax.div(X_INT, Y_INT)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [-3, 1, -1, 0, -1, 1, -1, -2**63])  # x / 0 == -1 (XLA)
    u = lax.div(X_INT.astype(np.uint8), Y_INT.astype(np.uint8))
    np.testing.assert_array_equal(u, [124, 0, 255, 0, 255, 1, 0, 0])     # x / 0 == 255
    assert lax.div(np.array([7], np.int32), 2).dtype == np.int32
    np.testing.assert_array_equal(ft.jit(lax.div)(X_INT, Y_INT), out)
    np.testing.assert_array_equal(ft.vmap(lax.div)(X_INT, Y_INT), out)
    assert float(lax.div(7.0, 2.0)) == 3.5


def test_lax_rem_sign_of_dividend():
    np.testing.assert_array_equal(lax.rem(X_INT, Y_INT), [-1, -1, -1, 0, 2, 2, 3, 0])  # x rem 0 == x
    np.testing.assert_array_equal(lax.rem(X_INT.astype(np.uint8), Y_INT.astype(np.uint8)),
                                  [1, 253, 255, 0, 2, 2, 7, 0])
    xf = np.array([-7.0, -3, -1, 0, 2, 5, 7, 1])
    yf = np.array([2.0, -2, 0, -3, 0, 3, -4, np.inf])
    np.testing.assert_array_equal(lax.rem(xf, yf), [-1.0, -1, np.nan, 0, np.nan, 2, 3, 1])
    gx, gy = ft.grad(lambda a, b: fnp.sum(lax.rem(a, b)), argnums=(0, 1))(xf, yf)
    np.testing.assert_array_equal(gx, np.ones(8))
    np.testing.assert_array_equal(gy, [3.0, -1, np.inf, 0, -np.inf, -1, 1, 0])


def test_convert_element_type_float_to_int_saturates():
    x = np.array([np.nan, 1e30, -1e30, np.inf, -2.7, 3e9])
    want = [0, 2147483647, -2147483648, 2147483647, -2, 2147483647]
    np.testing.assert_array_equal(lax.convert_element_type(x, np.int32), want)
    np.testing.assert_array_equal(ft.jit(lambda v: fnp.astype(v, np.int32))(x), want)
    np.testing.assert_array_equal(
        lax.convert_element_type(np.array([np.nan, 1e30, -1e30, -2.7, 300.5]), np.uint8),
        [0, 255, 0, 0, 255])
    np.testing.assert_array_equal(
        lax.convert_element_type(np.array([np.nan, 1e30, -1e30, -2.7]), np.int64),
        [0, 2**63 - 1, -2**63, -2])
    # integer to integer still wraps, as JAX
    np.testing.assert_array_equal(lax.convert_element_type(np.array([300, -1, 2**40]), np.uint8),
                                  [44, 255, 0])


def test_top_k_total_order():
    v, i = lax.top_k(np.array([np.nan, 0.0, -0.0, -np.inf, np.nan]), 5)
    np.testing.assert_array_equal(v, [np.nan, np.nan, 0.0, -0.0, -np.inf])
    np.testing.assert_array_equal(i, [0, 4, 1, 2, 3])
    assert not np.signbit(v[2]) and np.signbit(v[3])
    v, i = lax.top_k(np.array([1.0, 3.0, 3.0, np.nan, 2.0]), 3)
    np.testing.assert_array_equal(i, [3, 1, 2])
    v, i = lax.top_k(np.array([1, 2, 0, 255], np.uint8), 2)
    np.testing.assert_array_equal(v, [255, 2])
    np.testing.assert_array_equal(i, [3, 1])
    v, i = lax.top_k(np.array([-2**63, 5, 5]), 3)
    np.testing.assert_array_equal(v, [5, 5, -2**63])
    np.testing.assert_array_equal(i, [1, 2, 0])
    assert isinstance(lax.top_k(np.arange(3.0), 1), list)  # jax.lax.top_k returns a list
    g = ft.grad(lambda x: fnp.sum(lax.top_k(x, 2)[0] * np.array([1.0, 2.0])))(
        np.array([1.0, 3.0, 3.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 1.0, 2.0, 0.0])


def test_reduce_max_min_of_empty_axis_is_identity():
    np.testing.assert_array_equal(lax.reduce_max(np.zeros((0, 3)), (0,)), [-np.inf] * 3)
    np.testing.assert_array_equal(lax.reduce_min(np.zeros((0, 3), np.int32), (0,)), [2**31 - 1] * 3)
    assert not lax.reduce_max(np.zeros((0,), bool), (0,))
    assert int(lax.reduce_min(np.zeros((0,), np.uint8), (0,))) == 255
    np.testing.assert_array_equal(ft.jit(lambda x: lax.reduce_max(x, (0,)))(np.zeros((0, 2))),
                                  [-np.inf] * 2)
    # the NumPy surface still raises, as numpy and jax.numpy
    for f in (fnp.max, fnp.min, fnp.nanmax):
        with pytest.raises(ValueError, match="zero-size"):
            f(np.zeros((0, 3)), axis=0)
    assert fnp.max(np.zeros((0, 3)), axis=1).shape == (0,)


def test_logsumexp_softmax_edge_cases():
    import functrans.nn as nn
    import functrans.scipy.special as fss

    assert float(nn.logsumexp(np.zeros(0))) == -np.inf
    assert float(fss.logsumexp(np.zeros((0, 2)))) == -np.inf
    np.testing.assert_array_equal(nn.softmax(np.array([np.inf, 0.0])), [np.nan, np.nan])
    np.testing.assert_array_equal(nn.log_softmax(np.array([np.inf, 0.0])), [np.nan, np.nan])
    m = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
    w = np.array([[True, False, True], [False, False, False]])
    np.testing.assert_allclose(nn.softmax(m, axis=0, where=w), [[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(nn.softmax(m, axis=1, where=w),
                               [[0.7310585786300049, 0.0, 0.2689414213699951], [0.0, 0.0, 0.0]])


def test_xlogy_xlog1py_nan_propagates():
    import functrans.scipy.special as fss

    x = np.array([0.0, 0, 0, 0, 1, np.nan, 0])
    y = np.array([np.nan, 0, -1, np.inf, np.nan, 0, -np.inf])
    want = [np.nan, 0.0, 0.0, 0.0, np.nan, np.nan, 0.0]
    np.testing.assert_array_equal(fss.xlogy(x, y), want)
    np.testing.assert_array_equal(fss.xlog1py(x, y - 1), want)


def test_one_hot_float_indices():
    import functrans.nn as nn

    with pytest.warns(DeprecationWarning):
        out = nn.one_hot(np.array([0.0, 1.5, 2.0]), 3)
    np.testing.assert_array_equal(out, [[1, 0, 0], [0, 0, 0], [0, 0, 1]])
    g = ft.grad(lambda x: fnp.sum(nn.one_hot(x, 3)))(1.0)
    assert float(g) == 0.0


def test_standardize_where():
    import functrans.nn as nn

    m = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
    w = np.array([[True, False, True], [True, True, False]])
    np.testing.assert_allclose(
        nn.standardize(m, where=w),
        [[0.99998000059998, -2.99994000179994, -0.99998000059998],
         [0.0, 0.0, -1581.1388300841897]], rtol=1e-9)


def test_treedef_is_leaf_single_node():
    import functrans.tree_util as tu

    for t in (None, [], (), {}, 1.0):
        assert tu.treedef_is_leaf(tu.tree_structure(t))
    for t in ([None], (1,), {"a": 1}):
        assert not tu.treedef_is_leaf(tu.tree_structure(t))


def test_tree_transpose_mismatch_is_type_error():
    import functrans.tree_util as tu

    with pytest.raises(TypeError):
        tu.tree_transpose(tu.tree_structure([0, 0]), tu.tree_structure((0, 0)), [(1, 2), (3,)])


def test_vjp_cotangent_tree_mismatch_is_value_error():
    _, f_vjp = ft.vjp(fnp.sin, np.ones(3))
    with pytest.raises(ValueError):
        f_vjp((np.ones(3),))


def test_jit_accepts_donate_args():
    x = np.ones(3)
    np.testing.assert_array_equal(ft.jit(lambda v: v * 2, donate_argnums=0)(x), [2.0] * 3)
    np.testing.assert_array_equal(ft.jit(lambda v: v * 2, donate_argnames="v")(x), [2.0] * 3)
    np.testing.assert_array_equal(x, [1.0] * 3)  # donation changes nothing here
    with pytest.raises(TypeError):
        ft.jit(lambda v: v, donate_argnums="v")


def test_bool_of_tracer_is_tracer_bool_conversion_error():
    with pytest.raises(ft.TracerBoolConversionError):
        ft.jit(lambda x: x if x > 0 else -x)(1.0)
    assert issubclass(ft.TracerBoolConversionError, ft.ConcretizationTypeError)


def test_solve_pos_gradient_is_full_matrix_solve_gradient():
    import functrans.scipy.linalg as fsl

    spd = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
    b = np.array([[1.0, 2.0], [-1.0, 2.0], [0.0, -3.0]])
    w = np.arange(6.0).reshape(3, 2)
    ga, gb = ft.grad(lambda a, c: fnp.sum(fnp.sin(fsl.solve(a, c, assume_a="pos")) * w),
                     argnums=(0, 1))(spd, b)
    np.testing.assert_allclose(ga, [[0.11897382557861713, -0.2151234943701501, 0.07237878149519106],
                                    [-0.6951263228073029, -0.22600150029881305, 1.456432345697916],
                                    [-0.5154721387348526, 1.1730266739882307, -0.6189816899561241]],
                               rtol=1e-10)
    np.testing.assert_allclose(gb, [[-0.4044410499623544, 0.05373992563522023],
                                    [0.5982231320574536, 0.8400337433108063],
                                    [2.039082135583928, -0.4203647048273429]], rtol=1e-10)
    # the value still reads one triangle only (Cholesky)
    a2 = np.triu(spd) + 0.3 * np.tril(np.ones(3), -1)
    np.testing.assert_allclose(fsl.solve(a2, b[:, 0], assume_a="pos", lower=True),
                               [0.2762003097573567, -0.3622440199621408, 0.0129065565307176], rtol=1e-12)
    # derivatives along symmetric directions agree with a general solve's to second order
    e = np.zeros((3, 3))
    e[0, 1] = e[1, 0] = 1.0

    def f(aa):
        return lambda t: fnp.sum(fnp.sin(fsl.solve(spd + t * e, b, assume_a=aa)) * w)
    for fn in (ft.grad, lambda g: ft.grad(ft.grad(g))):
        np.testing.assert_allclose(fn(f("pos"))(0.0), fn(f("gen"))(0.0), rtol=1e-10)
