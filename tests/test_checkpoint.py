"""checkpoint / remat: same values and derivatives, inputs-only residuals, policies, compositions."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import checkpoint_policies as cp
from functrans.test_util import check_grads

rng = np.random.default_rng(5)
W = rng.standard_normal((4, 4)) / 2.0
X = rng.standard_normal((3, 4))


def block(x, w):
    for _ in range(3):
        x = fnp.tanh(x @ w)
    return x


def chain(blk):
    def loss(x, w):
        return fnp.sum(blk(blk(x, w), w * 0.5) ** 2)

    return loss


def assert_trees_close(a, b, rtol=1e-11, atol=1e-15):
    la, ta = functrans.tree_util.tree_flatten(a)
    lb, tb = functrans.tree_util.tree_flatten(b)
    assert ta == tb
    for x, y in zip(la, lb):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol)


POLICIES = [None, cp.nothing_saveable, cp.dots_saveable, cp.checkpoint_dots,
            cp.dots_with_no_batch_dims_saveable, cp.everything_saveable]  # fmt: skip


@pytest.mark.parametrize("policy", POLICIES)
def test_same_values_and_derivatives_as_without_it(policy):
    plain = chain(block)
    ck = chain(functrans.checkpoint(block, policy=policy))
    np.testing.assert_allclose(ck(X, W), plain(X, W), rtol=1e-14)
    for argnums in (0, 1, (0, 1)):
        assert_trees_close(functrans.grad(ck, argnums)(X, W), functrans.grad(plain, argnums)(X, W))
    np.testing.assert_allclose(functrans.hessian(ck)(X, W), functrans.hessian(plain)(X, W), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(functrans.jacrev(functrans.grad(ck, 1), 1)(X, W),
                               functrans.jacrev(functrans.grad(plain, 1), 1)(X, W), rtol=1e-12, atol=1e-14)  # fmt: skip
    check_grads(ck, (X, W), order=2, modes=("fwd", "rev"))


def test_jit_and_vmap_compositions():
    plain = chain(block)
    ck = chain(functrans.remat(block))
    want = functrans.grad(plain, (0, 1))(X, W)
    for g in (
        functrans.jit(functrans.grad(ck, (0, 1))),
        functrans.grad(functrans.jit(ck), (0, 1)),
        functrans.jit(functrans.grad(functrans.jit(ck), (0, 1))),
    ):
        assert_trees_close(g(X, W), want)
    check_grads(functrans.jit(ck), (X, W), order=2, modes=("fwd", "rev"))
    # the optimiser of jit keeps the recomputation (a separate program it never merges)
    text = functrans.jit(functrans.grad(ck)).lower(X, W).as_text()
    assert text.count("checkpoint[") >= 4
    xs = np.stack([X, X + 0.1, X - 0.2])
    loop = np.stack([functrans.grad(plain)(x, W) for x in xs])
    np.testing.assert_allclose(functrans.vmap(functrans.grad(ck), (0, None))(xs, W), loop, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(functrans.vmap(ck, (0, None))(xs, W), [plain(x, W) for x in xs], rtol=1e-11, atol=1e-15)
    # grad of vmap: the checkpoint itself is batched (batch axis last, to move axes too)
    f = functrans.vmap(functrans.checkpoint(block), (2, None))
    g = functrans.grad(lambda xs, w: fnp.sum(f(xs, w) ** 2), (0, 1))(np.moveaxis(xs, 0, 2), W)
    g_ref = functrans.grad(lambda xs, w: fnp.sum(functrans.vmap(block, (2, None))(xs, w) ** 2), (0, 1))(
        np.moveaxis(xs, 0, 2), W
    )
    np.testing.assert_allclose(g[0], g_ref[0], rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(g[1], g_ref[1], rtol=1e-11, atol=1e-15)


def _residual_bytes(loss, *args):
    _, vjp_fun = functrans.vjp(loss, *args)
    return sum(np.asarray(c).nbytes for c in vjp_fun.linear_ir.consts if np.ndim(c) > 0), vjp_fun.linear_ir


def test_reverse_mode_keeps_only_the_inputs_and_recomputes():
    x = rng.standard_normal((8, 16))
    w = rng.standard_normal((16, 16)) / 4.0

    def deep(blk, n_blocks=4):
        def loss(x):
            for _ in range(n_blocks):
                x = blk(x, w)
            return fnp.sum(x**2)

        return loss

    plain_bytes, _ = _residual_bytes(deep(block), x)
    ck_bytes, lin = _residual_bytes(deep(functrans.checkpoint(block)), x)
    act = x.nbytes
    # without: per layer the derivative of tanh (12 layers) and the output; with: 4 block inputs, w once
    assert plain_bytes >= 12 * act
    assert ck_bytes <= 4 * act + w.nbytes + act
    # the backward program recomputes the forward: tanh equations inside the checkpoint calls
    inner = [e.params["ir"] for e in lin.eqns if e.prim.name == "checkpoint"]
    assert len(inner) == 4 and all(sum(e.prim.name == "tanh" for e in ir.eqns) == 3 for ir in inner)
    assert all(sum(e.prim.name == "dot_general" for e in ir.eqns) == 6 for ir in inner)  # 3 primal, 3 tangent
    # dots_saveable keeps the matrix products (one per layer) instead of recomputing them
    dots_bytes, lin = _residual_bytes(deep(functrans.checkpoint(block, policy=cp.dots_saveable)), x)
    assert dots_bytes >= 12 * act
    inner = [e.params["ir"] for e in lin.eqns if e.prim.name == "checkpoint"]
    assert all(sum(e.prim.name == "dot_general" for e in ir.eqns) == 3 for ir in inner)  # tangent products only
    assert all(sum(e.prim.name == "tanh" for e in ir.eqns) == 3 for ir in inner)  # tanh is recomputed
    np.testing.assert_allclose(functrans.grad(deep(functrans.checkpoint(block)))(x), functrans.grad(deep(block))(x),
                               rtol=1e-11, atol=1e-15)  # fmt: skip


def test_static_argnums_prevent_cse_and_pytrees():
    def f(p, n, scale=1.0):
        x = p["x"]
        for _ in range(n):  # Python control flow on a static argument
            x = fnp.sin(x) * p["w"]
        return {"y": x * scale, "n": n}

    p = {"x": np.array([0.3, -0.2]), "w": 1.5}
    with pytest.raises(functrans.ConcretizationTypeError):
        functrans.grad(lambda p: fnp.sum(functrans.checkpoint(f)(p, 3)["y"]))(p)
    for prevent_cse in (True, False):
        ck = functrans.checkpoint(f, static_argnums=(1,), prevent_cse=prevent_cse)
        g = functrans.grad(lambda p, ck=ck: fnp.sum(ck(p, 3, scale=2.0)["y"]))(p)
        want = functrans.grad(lambda p: fnp.sum(f(p, 3, scale=2.0)["y"]))(p)
        np.testing.assert_allclose(g["x"], want["x"], rtol=1e-14)
        np.testing.assert_allclose(g["w"], want["w"], rtol=1e-14)
    assert functrans.checkpoint(f, static_argnums=1)(p, 2)["n"] == 2  # untransformed: just runs f


def test_nested_checkpoints_and_closures_over_traced_values():
    inner = functrans.checkpoint(lambda x: fnp.sin(x) * fnp.cos(x))

    def outer(x, s):
        return functrans.checkpoint(lambda y: inner(y * s) + s * y)(x)  # closes over s

    def ref(x, s):
        return fnp.sin(x * s) * fnp.cos(x * s) + s * x

    x = np.array([0.1, 0.7, -0.4])
    for k in (0, 1):
        np.testing.assert_allclose(functrans.grad(lambda x, s: fnp.sum(outer(x, s)), k)(x, 1.3),  # noqa: E501
                                   functrans.grad(lambda x, s: fnp.sum(ref(x, s)), k)(x, 1.3), rtol=1e-11, atol=1e-15)  # fmt: skip  # noqa: E501
    check_grads(outer, (x, 1.3), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(functrans.hessian(lambda s: fnp.sum(outer(x, s)))(1.3),
                               functrans.hessian(lambda s: fnp.sum(ref(x, s)))(1.3), rtol=1e-12)  # fmt: skip


def test_errors():
    with pytest.raises(TypeError, match="expected a function"):
        functrans.checkpoint(3)
    with pytest.raises(TypeError, match="policy must be a function"):
        functrans.checkpoint(block, policy="dots")
    ck = functrans.checkpoint(block, static_argnums=(5,))
    with pytest.raises(ValueError, match="static_argnums"):
        functrans.grad(lambda x: fnp.sum(ck(x, W)))(X)
    assert functrans.remat is functrans.checkpoint


def test_custom_rules_inside_a_checkpoint():
    cv = functrans.custom_vjp(lambda x: fnp.sin(x))
    cv.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda c, g: (2.0 * c * g,))  # 2cos: not the true cos
    cj = functrans.custom_jvp(lambda x: fnp.sin(x))
    cj.defjvp(lambda p, t: (fnp.sin(p[0]), 3.0 * fnp.cos(p[0]) * t[0]))  # 3cos
    f = functrans.checkpoint(lambda x: cv(x) * cj(x))
    x = np.array([0.3, 0.5])
    want = 2.0 * np.cos(x) * np.sin(x) + np.sin(x) * 3.0 * np.cos(x)
    for g in (
        functrans.grad(lambda x: fnp.sum(f(x))),
        functrans.jit(functrans.grad(lambda x: fnp.sum(f(x)))),
        functrans.vmap(functrans.grad(lambda x: fnp.sum(f(x)))),
    ):
        np.testing.assert_allclose(g(x), want, rtol=1e-14)
    with pytest.raises(TypeError, match="forward-mode"):
        functrans.jvp(f, (x,), (x,))
