"""functrans.nn: values (constants computed with jax.nn, x64), JAX's derivatives at the kinks,
numerical stability at |x| = 1e3, derivatives to second order, vmap and jit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import functrans
import functrans.nn as nn
import functrans.numpy as fnp
from functrans.test_util import check_grads

grad, jit, jvp, vmap = functrans.grad, functrans.jit, functrans.jvp, functrans.vmap

X5 = np.array([-2.0, -0.5, 0.0, 0.7, 3.0])
VALUES = {
    "relu": [0.0, 0.0, 0.0, 0.7, 3.0],
    "relu6": [0.0, 0.0, 0.0, 0.7, 3.0],
    "sigmoid": [0.11920292202211755, 0.3775406687981454, 0.5, 0.6681877721681662, 0.9525741268224334],
    "log_sigmoid": [-2.1269280110429727, -0.9740769841801067, -0.6931471805599453, -0.40318604888545784,
                    -0.04858735157374206],
    "softplus": [0.1269280110429725, 0.4740769841801067, 0.6931471805599453, 1.103186048885458, 3.048587351573742],
    "gelu": [-0.04540230591222494, -0.15428599017485609, 0.0, 0.5305701347051167, 2.996362607918227],
    "silu": [-0.2384058440442351, -0.1887703343990727, 0.0, 0.46773144051771626, 2.8577223804673],
    "swish": [-0.2384058440442351, -0.1887703343990727, 0.0, 0.46773144051771626, 2.8577223804673],
    "elu": [-0.8646647167633873, -0.3934693402873665, 0.0, 0.7, 3.0],
    "celu": [-0.8646647167633873, -0.3934693402873665, 0.0, 0.7, 3.0],
    "selu": [-1.520166468595695, -0.6917581878028712, 0.0, 0.7354906911488363, 3.1521029620664414],
    "leaky_relu": [-0.02, -0.005, 0.0, 0.7, 3.0],
    "hard_tanh": [-1.0, -0.5, 0.0, 0.7, 1.0],
}  # fmt: skip
GELU_EXACT = [-0.04550026389635841, -0.15426876936299344, 0.0, 0.5306254434438489, 2.99595030590511]
ELEMENTWISE = sorted(VALUES)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_values_as_jax(name):
    f = getattr(nn, name)
    np.testing.assert_allclose(f(X5), VALUES[name], rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(jit(f)(X5), VALUES[name], rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(vmap(f)(X5), VALUES[name], rtol=1e-14, atol=1e-16)
    assert f(X5.astype(np.float32)).dtype == np.float32


def test_gelu_exact():
    np.testing.assert_allclose(nn.gelu(X5, approximate=False), GELU_EXACT, rtol=1e-14, atol=1e-16)


KINKS = {
    "relu@0": (nn.relu, 0.0, (0.0, 0.0)),
    "relu6@0": (nn.relu6, 0.0, (0.0, 0.0)),
    "relu6@6": (nn.relu6, 6.0, (0.0, 0.0)),
    "elu@0": (nn.elu, 0.0, (1.0, 1.0)),
    "celu@0": (nn.celu, 0.0, (1.0, 0.25)),
    "celu(alpha=2)@0": (lambda x: nn.celu(x, 2.0), 0.0, (1.0, 0.125)),
    "selu@0": (nn.selu, 0.0, (1.7580993408473766, 1.7580993408473766)),
    "leaky_relu@0": (nn.leaky_relu, 0.0, (1.0, 0.0)),
    "hard_tanh@1": (nn.hard_tanh, 1.0, (1.0, 0.0)),
    "hard_tanh@-1": (nn.hard_tanh, -1.0, (1.0, 0.0)),
    "gelu@0": (nn.gelu, 0.0, (0.5, 0.7978845608028654)),
    "gelu_exact@0": (lambda x: nn.gelu(x, approximate=False), 0.0, (0.5, 0.7978845608028654)),
    "softplus@0": (nn.softplus, 0.0, (0.5, 0.25)),
    "sigmoid@0": (nn.sigmoid, 0.0, (0.25, 0.0)),
    "silu@0": (nn.silu, 0.0, (0.5, 0.5)),
    "log_sigmoid@0": (nn.log_sigmoid, 0.0, (0.5, -0.25)),
}


@pytest.mark.parametrize("name", sorted(KINKS))
def test_derivatives_at_kinks_as_jax(name):
    f, x, (d1, d2) = KINKS[name]
    got = [grad(f)(x), jvp(f, (x,), (1.0,))[1], grad(grad(f))(x), jvp(grad(f), (x,), (1.0,))[1], jit(grad(grad(f)))(x)]
    np.testing.assert_allclose(got, [d1, d1, d2, d2, d2], rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_stable_at_large_magnitudes(name):
    f = getattr(nn, name)
    x = np.array([-1e3, 1e3, -1e30, 1e30])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        out = f(x)
        g = vmap(grad(f))(x)
        h = vmap(grad(grad(f)))(x)
    assert np.isfinite(out[:2]).all() and np.isfinite(g).all() and np.isfinite(h).all()
    assert np.isfinite(nn.softmax(x)).all() and np.isfinite(nn.log_softmax(x[:2])).all()


def test_relu_keeps_nan_and_integers():
    out = nn.relu(np.array([np.nan, -1.0, 2.0]))
    assert np.isnan(out[0]) and out[1] == 0 and out[2] == 2
    assert nn.relu(np.array([-2, 3])).dtype == np.int64


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_second_order_away_from_kinks(name):
    x = np.array([-1.7, -0.4, 0.3, 1.2, 2.5])
    check_grads(getattr(nn, name), (x,), order=2, modes=("fwd", "rev"))


V = np.array([[1.0, 2.0, 0.5], [-1.0, 3.0, 3.0]])


def test_softmax_log_softmax_values_as_jax():
    np.testing.assert_allclose(
        nn.softmax(V),
        [[0.23122389762214904, 0.6285317192117624, 0.14024438316608848],
         [0.009074714844313748, 0.4954626425778431, 0.4954626425778431]],
        rtol=1e-14,
    )  # fmt: skip
    np.testing.assert_allclose(
        nn.softmax(V, axis=0),
        [[0.8807970779778823, 0.2689414213699951, 0.07585818002124356],
         [0.11920292202211755, 0.7310585786300049, 0.9241418199787566]],
        rtol=1e-14,
    )  # fmt: skip
    np.testing.assert_allclose(
        nn.log_softmax(V),
        [[-1.464368784107945, -0.4643687841079449, -1.964368784107945],
         [-4.702263321439095, -0.7022633214390952, -0.7022633214390952]],
        rtol=1e-14,
    )  # fmt: skip
    np.testing.assert_allclose(
        nn.softmax(V, where=np.array([True, False, True])),
        [[0.6224593312018546, 0.0, 0.37754066879814546], [0.01798620996209156, 0.0, 0.9820137900379085]],
        rtol=1e-14,
    )
    g = grad(lambda v: fnp.sum(nn.softmax(v) * np.arange(3.0)))(V)
    np.testing.assert_allclose(
        g,
        [[-0.21018725968584803, 0.057183510634119195, 0.15300374905172892],
         [-0.013488546592212209, -0.24098704799281545, 0.25447559458502766]],
        rtol=1e-12,
    )  # fmt: skip
    np.testing.assert_allclose(nn.logsumexp(V, axis=1), np.log(np.exp(V).sum(1)), rtol=1e-14)


def test_softmax_family_derivatives_vmap_jit():
    for f in (nn.softmax, nn.log_softmax, lambda v: nn.softmax(v, axis=0), lambda v: nn.logsumexp(v, axis=-1)):
        check_grads(f, (V,), order=2, modes=("fwd", "rev"))
        np.testing.assert_allclose(vmap(f)(np.stack([V, 2 * V])), np.stack([f(V), f(2 * V)]), rtol=1e-14)
        np.testing.assert_allclose(jit(f)(V), f(V), rtol=1e-14)


def test_one_hot():
    np.testing.assert_array_equal(nn.one_hot(np.array([0, 2, 5, -1]), 3), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert nn.one_hot(np.array([0, 2]), 3).dtype == np.float64
    np.testing.assert_array_equal(nn.one_hot(np.array([0, 2]), 3, axis=0), [[1, 0], [0, 0], [0, 1]])
    assert nn.one_hot(np.array([[1]]), 4, dtype=np.int32).dtype == np.int32
    np.testing.assert_array_equal(vmap(lambda i: nn.one_hot(i, 3))(np.array([2, 0])), [[0, 0, 1], [1, 0, 0]])
    # float indices: compared with the classes, with a DeprecationWarning (as jax.nn.one_hot)
    with pytest.warns(DeprecationWarning, match="integer"):
        np.testing.assert_array_equal(nn.one_hot(np.array([0.5, 2.0]), 3), [[0, 0, 0], [0, 0, 1]])
    with pytest.raises(TypeError, match="integer"):
        nn.one_hot(np.array([0.5j]), 3)


def test_standardize_as_jax():
    np.testing.assert_allclose(
        nn.standardize(V),
        [[-0.26725780576272506, 1.3362890288136267, -1.069031223050901],
         [-1.4142115736394678, 0.707105786819734, 0.707105786819734]],
        rtol=1e-12,
    )  # fmt: skip
    np.testing.assert_allclose(
        nn.standardize(V, axis=0),
        [[0.9999950000374997, -0.9999800005999799, -0.9999968000153598],
         [-0.9999950000374997, 0.9999800005999799, 0.9999968000153598]],
        rtol=1e-12,
    )  # fmt: skip
    check_grads(nn.standardize, (V,), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(jit(nn.standardize)(V), nn.standardize(V), rtol=1e-14)
