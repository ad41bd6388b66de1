"""functrans.lax.cond: values, derivatives in both modes, batching, errors."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans.test_util import check_grads

rng = np.random.default_rng(11)
X = np.array([0.3, -0.1, 0.7])


def f(x, y):
    return lax.cond(fnp.sum(x) > 0, lambda a, b: fnp.sin(a) * b, lambda a, b: fnp.cos(a) - b, x, y)


def f_ref(x, y):
    return np.sin(x) * y if np.sum(x) > 0 else np.cos(x) - y


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_values_eager_jit_and_staged(sign):
    x = sign * X
    np.testing.assert_allclose(f(x, 1.5), f_ref(x, 1.5))
    np.testing.assert_allclose(functrans.jit(f)(x, 1.5), f_ref(x, 1.5))
    ir = functrans.make_ir(f)(x, 1.5)
    functrans.typecheck_ir(ir)
    assert "cond" in [e.prim.name for e in ir.eqns]


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_derivatives_in_both_modes_to_second_order(sign):
    check_grads(functrans.jit(f), (sign * X, 1.5), order=2, modes=("fwd", "rev"))
    h = functrans.hessian(lambda x: fnp.sum(functrans.jit(f)(x, 1.5)))(sign * X)
    h_eager = functrans.hessian(lambda x: fnp.sum(f(x, 1.5)))(sign * X)
    np.testing.assert_allclose(h, h_eager, rtol=1e-12)


def test_only_the_taken_branch_is_differentiated():
    # the untaken branch would give NaN (sqrt of a negative number) if it were evaluated
    g = functrans.jit(functrans.grad(lambda x: lax.cond(x > 0, fnp.sqrt, lambda v: v * 0.0, x)))
    assert g(-1.0) == 0.0
    np.testing.assert_allclose(g(4.0), 0.25)


def test_vmap_with_unbatched_and_batched_predicates():
    xs = np.array([[0.3, -0.1, 0.7], [-0.3, 0.1, -0.7], [1.0, 2.0, -0.5]])
    want = np.stack([f_ref(x, 1.5) for x in xs])
    np.testing.assert_allclose(functrans.vmap(f, (0, None))(xs, 1.5), want)  # batched predicate
    np.testing.assert_allclose(functrans.vmap(functrans.jit(f), (0, None))(xs, 1.5), want)
    ys = np.array([1.0, 2.0, 3.0])
    want = np.stack([f_ref(X, y) for y in ys])
    np.testing.assert_allclose(functrans.vmap(f, (None, 0))(X, ys), want)  # predicate not batched
    g = functrans.vmap(functrans.grad(lambda x: fnp.sum(f(x, 1.5))))(xs)
    g_ref = np.stack([functrans.grad(lambda x: fnp.sum(f(x, 1.5)))(x) for x in xs])
    np.testing.assert_allclose(g, g_ref)


def test_integer_predicate_pytrees_and_closures():
    def h(i, p, scale):
        return lax.cond(i, lambda q: {"a": q["a"] * scale, "b": q["b"]}, lambda q: {"a": -q["a"], "b": q["b"] + 1}, p)

    p = {"a": X, "b": 2.0}
    for i in (0, 1, 2):
        got = functrans.jit(h)(np.int64(i), p, 3.0)
        want = h(i, p, 3.0)
        np.testing.assert_allclose(got["a"], want["a"])
        np.testing.assert_allclose(got["b"], want["b"])
    # the branches close over a value traced by an enclosing grad
    gs = functrans.grad(lambda s: fnp.sum(functrans.jit(h)(np.int64(1), p, s)["a"]))(3.0)
    np.testing.assert_allclose(gs, np.sum(X))


def test_errors():
    jf = functrans.jit(lambda x: lax.cond(x > 0, lambda v: v, lambda v: (v, v), x))
    with pytest.raises(TypeError, match="same pytree structure"):
        jf(1.0)
    jg = functrans.jit(lambda x: lax.cond(x[0] > 0, lambda v: v, lambda v: v[:1], x))
    with pytest.raises(TypeError, match="equal output types"):
        jg(X)
    with pytest.raises(TypeError, match="scalar"):
        lax.cond(X > 0, lambda v: v, lambda v: v, X)
    # branching with Python `if` inside jit names cond as the alternative
    with pytest.raises(functrans.ConcretizationTypeError, match="lax.cond"):
        functrans.jit(lambda x: x if x > 0 else -x)(1.0)
    np.testing.assert_allclose(functrans.jit(f)(X, 1.5), f_ref(X, 1.5))  # still works afterwards


def test_lowered_program_calls_the_branch_programs():
    lowered = functrans.jit(f).lower(X, 1.5)
    assert "cond" in lowered.source or "impl_cond" in lowered.source
    np.testing.assert_allclose(lowered.compile()(X, 1.5)[0], f_ref(X, 1.5))
