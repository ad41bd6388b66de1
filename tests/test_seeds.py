"""The seed documents' worked examples, pinned with their known answers."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp


@pytest.mark.parametrize("x,y", [(1.0, 2.0), (-0.5, 0.7), (2.0, -1.0)])
def test_jacobian_of_stacked_functions(x, y):
    # f(x, y) = 3x^2 y and g(x, y) = 2x + y^8: one row per function, one column per variable.
    def fg(v):
        return fnp.stack([3 * v[0] ** 2 * v[1], 2 * v[0] + v[1] ** 8])

    expected = np.array([[6 * x * y, 3 * x**2], [2.0, 8 * y**7]])
    v = np.array([x, y])
    np.testing.assert_allclose(functrans.jacfwd(fg)(v), expected, rtol=1e-12)
    np.testing.assert_allclose(functrans.jacrev(fg)(v), expected, rtol=1e-12)


def sigmoid(t):
    return 1.0 / (1.0 + fnp.exp(-t))


def test_jacobian_of_elementwise_sigmoid_is_diagonal():
    theta = np.array([-2.0, -0.3, 0.0, 1.5, 4.0])
    s = 1 / (1 + np.exp(-theta))
    expected = np.diag(s * (1 - s))
    for jac in (functrans.jacfwd, functrans.jacrev):
        J = jac(sigmoid)(theta)
        np.testing.assert_allclose(J, expected, rtol=1e-12, atol=1e-15)
        assert np.count_nonzero(J - np.diag(np.diag(J))) == 0


def test_jacobian_of_linear_map_is_the_matrix():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 3))
    x = rng.standard_normal(3)
    np.testing.assert_allclose(functrans.jacfwd(lambda x: A @ x)(x), A, rtol=1e-14)
    np.testing.assert_allclose(functrans.jacrev(lambda x: fnp.dot(A, x))(x), A, rtol=1e-14)


def test_chain_rule_is_product_of_jacobians_outer_first():
    # h: R^n -> R^p, g: R^p -> R^m; J_{g o h}(x) = J_g(h(x)) J_h(x), an (m x p)(p x n) product.
    rng = np.random.default_rng(1)
    n, p, m = 3, 5, 2
    W1, W2 = rng.standard_normal((p, n)), rng.standard_normal((m, p))

    def h(x):
        return fnp.tanh(W1 @ x)

    def g(u):
        return fnp.sin(W2 @ u) * u[:m]

    x = rng.standard_normal(n)
    Jh = functrans.jacfwd(h)(x)
    Jg = functrans.jacrev(g)(h(x))
    assert Jh.shape == (p, n) and Jg.shape == (m, p)
    J = functrans.jacrev(lambda x: g(h(x)))(x)
    assert J.shape == (m, n)
    np.testing.assert_allclose(J, Jg @ Jh, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(functrans.jacfwd(lambda x: g(h(x)))(x), Jg @ Jh, rtol=1e-12, atol=1e-14)


def test_small_network_reverse_mode_is_product_of_layer_jacobians():
    # 3 inputs, a hidden layer of 2 tanh units, a scalar output.
    rng = np.random.default_rng(2)
    W1, b1 = rng.standard_normal((2, 3)), rng.standard_normal(2)
    w2, b2 = rng.standard_normal(2), 0.3

    def layer1(x):
        return fnp.tanh(W1 @ x + b1)

    def layer2(z):
        return fnp.dot(w2, z) + b2

    def net(x):
        return layer2(layer1(x))

    x = np.array([0.5, -1.0, 2.0])
    z = np.tanh(W1 @ x + b1)
    J1 = functrans.jacfwd(layer1)(x)  # 2 x 3
    J2 = functrans.jacrev(layer2)(z)  # (2,): the 1 x 2 row of a scalar output
    np.testing.assert_allclose(J1, np.diag(1 - z**2) @ W1, rtol=1e-12)
    np.testing.assert_allclose(J2, w2, rtol=1e-12)
    g_rev = functrans.grad(net)(x)
    g_fwd = functrans.jacfwd(net)(x)
    np.testing.assert_allclose(g_rev, J2 @ J1, rtol=1e-12)
    np.testing.assert_allclose(g_fwd, J2 @ J1, rtol=1e-12)
    # reverse mode never builds a layer Jacobian: its linear program has no 2x3 or 3x3 values
    _, vjp_fn = functrans.vjp(net, x)
    shapes = {v.aval.shape for e in vjp_fn.linear_ir.eqns for v in e.outvars}
    assert (2, 3) not in shapes and (3, 3) not in shapes
