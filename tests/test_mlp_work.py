"""Clock-free checks of the work an MLP gradient does (issue 17): the transpose of a matrix
product is one product in the right layout, and pytree structures are shared. No timing here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.lax import rules
from functrans._src.lax.contraction import _dot_transpose_plan

pytestmark = pytest.mark.usefixtures("normal_eager_path")


def _impl_calls(fn, *args):
    """Run ``fn`` and list the (primitive name, operand layouts) of every impl it applies."""
    calls = []
    saved = {}
    for p in rules.all_primitives():
        if p.impl is None:
            continue
        saved[p] = p.impl

        def wrapped(*a, _f=p.impl, _n=p.name, **k):
            calls.append(_n)
            return _f(*a, **k)

        p.impl = wrapped
    try:
        out = fn(*args)
    finally:
        for p, f in saved.items():
            p.impl = f
    return out, calls


def _loss(params, X):
    h = X
    for W, b in params[:-1]:
        h = fnp.tanh(h @ W + b)
    W, b = params[-1]
    return fnp.mean((h @ W + b) ** 2)


def _params(rng, widths):
    return [(rng.standard_normal((a, b)), rng.standard_normal(b)) for a, b in itertools.pairwise(widths)]


def test_weight_gradient_is_one_product_in_c_order() -> None:
    rng = np.random.default_rng(0)
    params = _params(rng, [5, 6, 7, 1])
    X = rng.standard_normal((4, 5))
    g, calls = _impl_calls(functrans.grad(_loss), params, X)
    # no transpose is applied: each product's cotangent is one dot_general in the operand's layout
    assert "transpose" not in calls, calls
    assert calls.count("dot_general") == 3 + 3 + 2  # forward, weight cotangents, input cotangents
    for gw, _ in g:
        assert gw.flags.c_contiguous
    # against the hand-written gradient
    hs = [X]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    W, b = params[-1]
    d = 2.0 * (hs[-1] @ W + b) / X.shape[0]
    for i in range(len(params) - 1, -1, -1):
        np.testing.assert_allclose(g[i][0], hs[i].T @ d, rtol=1e-12)
        np.testing.assert_allclose(g[i][1], d.sum(0), rtol=1e-12)
        d = (d @ params[i][0].T) * (1.0 - hs[i] * hs[i]) if i else None


def test_jit_of_grad_traces_no_transposes() -> None:
    rng = np.random.default_rng(1)
    params = _params(rng, [3, 4, 1])
    X = rng.standard_normal((2, 3))
    ir = functrans.make_ir(functrans.grad(_loss))(params, X)
    assert not any(e.prim is lax.transpose_p for e in ir.eqns), ir


@pytest.mark.parametrize(
    "lshape,rshape,dn",
    [
        ((4, 5), (5, 6), (((1,), (0,)), ((), ()))),  # x @ W
        ((4, 5), (6, 5), (((1,), (1,)), ((), ()))),  # x @ W.T
        ((5, 4), (5, 6), (((0,), (0,)), ((), ()))),  # x.T @ W
        ((5,), (5, 6), (((0,), (0,)), ((), ()))),  # vector @ matrix
        ((4, 5), (5,), (((1,), (0,)), ((), ()))),  # matrix @ vector
        ((3, 4, 5), (3, 5, 6), (((2,), (1,)), ((0,), (0,)))),  # batched matmul
        ((4, 3, 5), (5, 6, 3), (((2,), (0,)), ((1,), (2,)))),  # batch axes in the middle / last
        ((2, 3, 4), (4, 3, 5), (((1, 2), (1, 0)), ((), ()))),  # two contracting axes, crossed
    ],
)
def test_dot_transpose_both_operands(lshape, rshape, dn) -> None:
    """The cotangent of either operand equals the dense (einsum) result, whichever product order
    the plan picks."""
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal(lshape), rng.standard_normal(rshape)
    out = lax.dot_general(x, y, dn)
    ct = rng.standard_normal(np.shape(out))
    _, f_vjp = functrans.vjp(lambda a, b: lax.dot_general(a, b, dn), x, y)
    gx, gy = f_vjp(ct)
    # reference: <ct, dot(x, y)> is bilinear; its gradient by directional derivatives on the basis
    ref_x = np.zeros(lshape)
    for idx in np.ndindex(*lshape):
        e = np.zeros(lshape)
        e[idx] = 1.0
        ref_x[idx] = np.sum(ct * lax.dot_general(e, y, dn))
    ref_y = np.zeros(rshape)
    for idx in np.ndindex(*rshape):
        e = np.zeros(rshape)
        e[idx] = 1.0
        ref_y[idx] = np.sum(ct * lax.dot_general(x, e, dn))
    np.testing.assert_allclose(gx, ref_x, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gy, ref_y, rtol=1e-12, atol=1e-12)


def test_dot_transpose_plan_layouts() -> None:
    mm = (((1,), (0,)), ((), ()))
    # x @ W: the input cotangent is ct @ W.T (ct first), the weight cotangent x.T @ ct (x first)
    assert _dot_transpose_plan(2, 2, mm, False) == (True, (((1,), (1,)), ((), ())), None)
    assert _dot_transpose_plan(2, 2, mm, True) == (False, (((0,), (0,)), ((), ())), None)


def test_grad_frees_residuals_during_the_backward_pass() -> None:
    """A linear map used once (grad) drops each residual as soon as no equation left to
    transpose reads it: when the k-th last product runs, only k residuals are still alive."""
    import weakref

    from functrans._src.lax.elementwise import mul_p
    from functrans._src.linearize import linearize_flat

    def f(x):
        for _ in range(4):
            x = fnp.tanh(x)
        return [x]

    x = np.linspace(-1.0, 1.0, 4096)  # 32 KiB residuals (small ones are kept to the end)
    _, lin = linearize_flat(f, [x])
    refs = [weakref.ref(c) for c in lin.ir.consts if isinstance(c, np.ndarray)]
    assert len(refs) == 4  # 1 - tanh^2 of each layer
    alive = []
    orig = mul_p.impl

    def counting(*a, **k):
        alive.append(sum(r() is not None for r in refs))
        return orig(*a, **k)

    mul_p.impl = counting
    try:
        (g,) = lin.transpose([np.ones(4096)], release=True)
    finally:
        mul_p.impl = orig
    assert alive == [4, 3, 2, 1]  # without release: [4, 4, 4, 4]
    assert lin.ir.consts == []  # used up
    ref = np.ones(4096)
    y = x
    for _ in range(4):
        y = np.tanh(y)
        ref = ref * (1.0 - y * y)
    # the chain rule backwards equals forwards product (order of factors aside)
    np.testing.assert_allclose(g, functrans.grad(lambda x: fnp.sum(f(x)[0]))(x), rtol=1e-14)
    np.testing.assert_allclose(g, ref, rtol=1e-12)


def test_grad_result_never_aliases_a_residual() -> None:
    """A cotangent that is a residual itself (here a custom_vjp's bwd returns it) is copied
    before the residual is released: the gradient never shares memory with the user's array."""
    C = np.arange(3.0)

    @functrans.custom_vjp
    def f(x):
        return fnp.sum(x * C)

    f.defvjp(lambda x: (f(x), C), lambda res, g: (res,))
    g = functrans.grad(f)(np.ones(3))
    assert not np.shares_memory(g, C)
    np.testing.assert_array_equal(g, C)
    g[0] = 5.0
    assert C[0] == 0.0


def test_equal_structures_flatten_to_one_treedef() -> None:
    """Flattening the same structure again returns the very same treedef (so jit's cache key
    and the transformations' structure checks compare by identity, with the hash cached)."""
    from functrans._src.tree_util import tree_flatten, tree_unflatten

    rng = np.random.default_rng(3)

    def make():
        params = _params(rng, [2, 3, 1])
        return ((params, {"x": 1.0, "y": [2.0, (3.0, None)]}), {})

    _, t1 = tree_flatten(make())
    _, t2 = tree_flatten(make())
    assert t1 is t2
    assert hash(t1) == hash(t2)
    # a different structure is a different treedef
    assert tree_flatten(((1.0, 2.0, 3.0), {}))[1] is not tree_flatten(((1.0, 2.0), {}))[1]
    # keys that are equal but of different types keep their own type when rebuilt
    for keys in ((1, 1.0), (1.0, 1), (True, 1)):
        defs = [tree_flatten([{k: 0.0}])[1] for k in keys]
        for k, d in zip(keys, defs):
            (key,) = tree_unflatten(d, [5.0])[0]
            assert type(key) is type(k)


def test_treedef_sharing_is_bounded(monkeypatch) -> None:
    from functrans._src import tree_util

    monkeypatch.setattr(tree_util, "_interned", {})
    monkeypatch.setattr(tree_util, "_INTERN_MAX", 3)
    defs = [tree_util.tree_flatten([[0.0] * n, 1.0])[1] for n in range(1, 8)]
    assert len(tree_util._interned) == 3
    # past the bound treedefs are still correct and equal by structure
    again = [tree_util.tree_flatten([[0.0] * n, 1.0])[1] for n in range(1, 8)]
    assert defs == again
    assert [tree_util.tree_unflatten(d, list(range(d.num_leaves))) for d in again][-1] == [list(range(7)), 7]
