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


K = np.array([-4.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 7.0])


def _vgrad(f, x):
    return ft.vmap(ft.grad(f))(x)


def test_new_nn_functions_values_and_kink_gradients():
    import functrans.nn as nn

    cases = {
        "sparse_plus": ([0, 0, 0, 0.0625, 0.25, 0.5625, 1, 3, 6, 7],
                        [0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1]),
        "sparse_sigmoid": ([0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1],
                           [0, 0, 0.25, 0.5, 0.5, 0.5, 0.25, 0, 0, 0]),
        "hard_sigmoid": ([0, 0, 1 / 3, 0.41666666666666663, 0.5, 0.5833333333333333, 2 / 3, 1, 1, 1],
                         [0, 0, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 0, 0, 0]),
        "hard_silu": ([0, 0, -1 / 3, -0.20833333333333331, 0, 0.29166666666666663, 2 / 3, 3, 6, 7],
                      [0, 0, 1 / 6, 1 / 3, 0.5, 2 / 3, 5 / 6, 1, 1, 1]),
        "soft_sign": ([-0.8, -0.75, -0.5, -1 / 3, 0, 1 / 3, 0.5, 0.75, 0.8571428571428571, 0.875],
                      [0.04, 0.0625, 0.25, 4 / 9, 1, 4 / 9, 0.25, 0.0625, 0.02040816326530612,
                       0.015625]),
        "mish": ([-0.07259174079202536, -0.1456474612756246, -0.30340146137410895, -0.22074377465173,
                  0, 0.375245211304895, 0.8650983882673103, 2.9865350049679567, 5.999926634065253,
                  6.999988379809741],
                 [-0.05377320979348034, -0.0933931145323208, 0.059216755877395, 0.28951067791351226,
                  0.6, 0.8864243753577272, 1.0490362200997922, 1.0211069109294446,
                  1.0001341405062087, 1.000021559160889]),
    }
    for name, (val, grad) in cases.items():
        f = getattr(nn, name)
        np.testing.assert_allclose(f(K), val, rtol=1e-12, atol=1e-15, err_msg=name)
        np.testing.assert_allclose(_vgrad(f, K), grad, rtol=1e-12, atol=1e-15, err_msg=name)
    np.testing.assert_allclose(nn.squareplus(np.array([-1.0, 0.0, 3.0])),
                               [0.6180339887498949, 1.0, 3.302775637731995], rtol=1e-12)
    m = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
    np.testing.assert_allclose(nn.glu(m, axis=0), [[0.8807970779778823, -0.8807970779778823, 0.0]])
    np.testing.assert_allclose(nn.logmeanexp(m, axis=0),
                               [1.6201145069582776, 1.3554401710137967, -0.6445598289862033])
    np.testing.assert_allclose(
        nn.logmeanexp(m, where=np.array([[True, False, True], [True, True, False]])),
        1.5312814344693069)
    assert nn.hard_swish is nn.hard_silu


def test_new_lax_functions():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    np.testing.assert_array_equal(lax.clamp(0.0, x, 1.0), [0, 0, 0.5, 1, 1])
    np.testing.assert_array_equal(lax.clamp(2.0, x, 1.0), [1.0] * 5)   # max wins
    np.testing.assert_array_equal(_vgrad(lambda v: lax.clamp(0.0, v, 1.0), x), [0, 0, 1, 0, 0])
    glo = [float(ft.grad(lambda lo, v=v: lax.clamp(lo, v, 1.0))(0.0)) for v in x]
    ghi = [float(ft.grad(lambda hi, v=v: lax.clamp(0.0, v, hi))(1.0)) for v in x]
    assert glo == [1, 0, 0, 0, 0] and ghi == [0, 0, 0, 0, 1]
    assert lax.clamp(0, np.arange(5), 3).dtype == np.int64
    np.testing.assert_array_equal(
        lax.select_n(np.array([0, 1, 2, 1]), np.zeros(4), np.ones(4), 2 * np.ones(4)), [0, 1, 2, 1])
    assert float(lax.select_n(True, 1.0, 2.0)) == 2.0
    np.testing.assert_array_equal(lax.rsqrt(np.array([0.0, 4.0, -1.0])), [np.inf, 0.5, np.nan])
    assert float(ft.grad(lax.rsqrt)(4.0)) == -0.0625
    assert lax.square(np.int32(3)).dtype == np.int32
    g = ft.grad(lambda a, b: lax.max(a, b), argnums=(0, 1))(1.0, 1.0)
    assert [float(v) for v in g] == [0.5, 0.5]
    assert lax.expand_dims(np.ones((2, 3)), (0, 3)).shape == (1, 2, 3, 1)
    assert lax.squeeze(np.ones((1, 2, 1)), (0,)).shape == (2, 1)
    with pytest.raises(ValueError):
        lax.squeeze(np.ones((1, 2, 1)), (1,))
    np.testing.assert_array_equal(lax.slice(np.arange(10), (1,), (8,), (3,)), [1, 4, 7])
    a3 = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(lax.reshape(a3, (6, 4), (0, 2, 1)),
                                  np.transpose(a3, (0, 2, 1)).reshape(6, 4))
    out = lax.dot_general(np.ones((2, 3)), np.ones((2, 3)), (((1,), (1,)), ((), ())),
                          preferred_element_type=np.float32)
    assert out.dtype == np.float32


def test_fori_loop_concrete_bounds_weak_int_index_and_float_bounds():
    assert lax.fori_loop(np.int32(0), np.int32(3), lambda i, c: c + i, 0).dtype == np.int64
    assert lax.fori_loop(np.int32(0), 3, lambda i, c: c + i, np.int32(0)).dtype == np.int32
    assert float(lax.fori_loop(0.0, 3.0, lambda i, c: c + 1.0, 0.0)) == 3.0
    with pytest.raises(TypeError):
        lax.fori_loop(0.0, 3, lambda i, c: c, 0.0)


def test_cond_accepts_float_predicate():
    assert float(lax.cond(1.5, lambda: 1.0, lambda: 2.0)) == 1.0
    assert float(lax.cond(-0.0, lambda: 1.0, lambda: 2.0)) == 2.0
    assert float(lax.cond(np.nan, lambda: 1.0, lambda: 2.0)) == 1.0
    with pytest.raises(TypeError):
        lax.cond(1j, lambda: 1.0, lambda: 2.0)


def test_dict_with_uncomparable_keys_raises_value_error():
    import functrans.tree_util as tu

    with pytest.raises(ValueError):
        tu.tree_leaves({"a": 1, 2: 2})
    assert tu.tree_leaves({2: "a", 1: "b", 3: "c"}) == ["b", "a", "c"]


def test_norm_sf_logsf_isf_and_scipy_softmax():
    import functrans.scipy.special as fss
    from functrans.scipy.stats import norm

    v = np.array([-2.0, 0.0, 1.0, 40.0])
    np.testing.assert_allclose(norm.sf(v, 1.0, 2.0), [0.9331927987311419, 0.6914624612740131, 0.5,
                                                      5.489115475660254e-85], rtol=1e-12)
    np.testing.assert_allclose(norm.logsf(v), [-0.02301290932896349, -0.6931471805599453,
                                               -1.8410216450092634, -804.6084420137697], rtol=1e-12)
    np.testing.assert_allclose(norm.isf(np.array([0.1, 0.5, 0.9]), 1.0, 2.0),
                               [3.5631031310892007, 1.0, -1.5631031310892007], rtol=1e-12)
    assert abs(float(ft.grad(norm.logsf)(40.0)) + 40.02496885) < 1e-7
    m = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])   # scipy's softmax: all axes by default
    np.testing.assert_allclose(fss.softmax(m), [[0.14371751762692017, 0.01945005095410212,
                                                 0.05287072007113832],
                                                [0.3906647165964997, 0.3906647165964997,
                                                 0.00263227815483996]], rtol=1e-12)
    np.testing.assert_allclose(fss.log_softmax(m, axis=1), np.log(fss.softmax(m, axis=1)), rtol=1e-12)


def test_top_k_axis():
    m = np.array([[1.0, 5, 2], [4, 0, 6]])
    v, i = lax.top_k(m, 1, axis=0)
    np.testing.assert_array_equal(v, [[4.0, 5, 6]])
    np.testing.assert_array_equal(i, [[1, 0, 1]])
    g = ft.grad(lambda x: fnp.sum(lax.top_k(x, 1, axis=0)[0]))(m)
    np.testing.assert_array_equal(g, [[0.0, 1, 0], [1, 0, 1]])
    with pytest.raises(ValueError):
        lax.top_k(m, 1, axis=2)
