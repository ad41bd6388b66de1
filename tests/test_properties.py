"""Property-based checks: random broadcastable shapes and random compositions of primitives."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

UNARY = [fnp.sin, fnp.tanh, fnp.exp, lambda x: fnp.log1p(x * x), fnp.arctan, lambda x: x**3]
BINARY = [fnp.add, fnp.subtract, fnp.multiply, lambda x, y: x / (2.0 + y * y), lambda x, y: fnp.arctan2(x, 2.0 + y * y)]


@st.composite
def broadcast_pair(draw):
    """Two shapes that broadcast together (each axis: equal, or 1 on one side; ranks may differ)."""
    rank = draw(st.integers(0, 3))
    a, b = [], []
    for _ in range(rank):
        d = draw(st.integers(1, 3))
        kind = draw(st.sampled_from(["same", "a1", "b1"]))
        a.append(1 if kind == "a1" else d)
        b.append(1 if kind == "b1" else d)
    drop = draw(st.integers(0, rank))
    return tuple(a), tuple(b[drop:])


@st.composite
def program(draw):
    """A random composition: unary ops, then a broadcasting binary op, then more unary ops."""
    pre = draw(st.lists(st.sampled_from(range(len(UNARY))), max_size=3))
    mid = draw(st.sampled_from(range(len(BINARY))))
    post = draw(st.lists(st.sampled_from(range(len(UNARY))), max_size=3))

    def f(x, y):
        for i in pre:
            x = UNARY[i](x)
        z = BINARY[mid](x, y)
        for i in post:
            z = UNARY[i](z)
        return z

    return f


@settings(max_examples=40, deadline=None, derandomize=True)
@given(shapes=broadcast_pair(), f=program(), seed=st.integers(0, 2**16))
def test_jacfwd_equals_jacrev_and_finite_differences(shapes, f, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-0.8, 0.8, shapes[0])
    y = rng.uniform(-0.8, 0.8, shapes[1])
    out = f(x, y)
    assert np.shape(out) == np.broadcast_shapes(shapes[0], shapes[1])
    jf = functrans.jacfwd(f, argnums=(0, 1))(x, y)
    jr = functrans.jacrev(f, argnums=(0, 1))(x, y)
    for a, b, s in zip(jf, jr, shapes):
        assert a.shape == np.shape(out) + s
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    check_grads(f, (x, y), order=2, modes=("fwd", "rev"), atol=1e-4, rtol=1e-4)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(shapes=broadcast_pair(), seed=st.integers(0, 2**16))
def test_grad_of_sum_is_transpose_of_broadcast(shapes, seed):
    # d/dy sum(x * y) sums x over the broadcast axes back to y's shape
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    gy = functrans.grad(lambda y: fnp.sum(x * y))(y)
    assert gy.shape == np.shape(y)
    full = np.broadcast_to(x, np.broadcast_shapes(x.shape, y.shape))
    lead = full.ndim - y.ndim
    expected = full.sum(axis=tuple(range(lead))) if lead else full
    expected = expected.sum(axis=tuple(i for i, d in enumerate(np.shape(y)) if d == 1), keepdims=True)
    np.testing.assert_allclose(gy, expected.reshape(np.shape(y)), rtol=1e-12, atol=1e-12)
