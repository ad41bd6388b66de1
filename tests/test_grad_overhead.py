"""Clock-free pins of the fixed work of eager reverse mode (issue 17): what grad does per call
besides the primitives themselves. No timing here."""

from __future__ import annotations

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import boundary, transpose

pytestmark = pytest.mark.usefixtures("normal_eager_path")


def _mlp_loss(params, X, y):
    h = X
    for W, b in params[:-1]:
        h = fnp.tanh(h @ W + b)
    W, b = params[-1]
    return fnp.mean((h @ W + b - y) ** 2)


def _problem(batch, width, layers=3, seed=0):
    rng = np.random.default_rng(seed)
    params = []
    for i in range(layers):
        dout = 1 if i == layers - 1 else width
        params.append((rng.standard_normal((width, dout)), rng.standard_normal(dout)))
    return params, rng.standard_normal((batch, width)), rng.standard_normal((batch, 1))


def _count(module, name, fn):
    calls = [0]
    orig = getattr(module, name)

    def counting(*a, **k):
        calls[0] += 1
        return orig(*a, **k)

    setattr(module, name, counting)
    try:
        out = fn()
    finally:
        setattr(module, name, orig)
    return out, calls[0]


def test_small_residuals_are_not_scanned_when_released() -> None:
    # releasing a residual early scans the live cotangents for views of it: worth it for large
    # arrays only. Small ones stay to the end of the pass (the results are checked once).
    g = functrans.grad(_mlp_loss)
    small = _problem(2, 4)
    out, n = _count(transpose, "_release", lambda: g(*small))
    assert n == 0, n
    big = _problem(64, 128)
    out_big, n_big = _count(transpose, "_release", lambda: g(*big))
    assert n_big > 0
    # same gradients either way (against the pass that keeps every residual to the end)
    for p, X, y, got in ((*small, out), (*big, out_big)):
        _, f_vjp = functrans.vjp(_mlp_loss, p, X, y)
        ref = f_vjp(np.float64(1.0))[0]
        for a, b in zip(functrans.tree_util.tree_leaves(got), functrans.tree_util.tree_leaves(ref)):
            np.testing.assert_array_equal(a, b)


def test_released_pass_never_returns_a_small_residual() -> None:
    # the cotangent of x in x * C is C itself (times a weak one): returned as a copy
    C = np.arange(3.0)
    g = functrans.grad(lambda x: fnp.sum(x * C))(np.ones(3))
    np.testing.assert_array_equal(g, C)
    assert not np.shares_memory(g, C)
    # a view of a residual (a row of a small matrix) is copied too
    M = np.arange(6.0).reshape(2, 3)
    g = functrans.grad(lambda x: fnp.sum(x * M[1]))(np.ones(3))
    np.testing.assert_array_equal(g, M[1])
    assert not np.shares_memory(g, M)
    g[0] = -1.0
    assert M[1, 0] == 3.0


def test_grad_flattens_and_checks_its_arguments_once() -> None:
    # value_and_grad flattens the differentiated arguments once and checks each leaf once:
    # the generic argument check of vjp/linearize is not run again
    params, X, y = _problem(2, 3)
    g = functrans.grad(_mlp_loss)
    _, n = _count(boundary, "_check_args", lambda: g(params, X, y))
    assert n == 0, n
    # and its errors still name the argument
    import pytest

    with pytest.raises(TypeError, match="params"):
        g([(np.ones((3, 3)), "bad")], X, y)
