"""jit: caching, static arguments, side effects, composition with every transformation, errors."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import ConcretizationTypeError, typecheck_ir

rng = np.random.default_rng(3)
A = rng.normal(size=(4, 3))
X = rng.normal(size=3)
XS = rng.normal(size=(5, 3))


def loss(x):
    return fnp.sum(fnp.tanh(A @ x) ** 2) + fnp.sum(fnp.sin(x) * x)


def vec(x):
    return fnp.tanh(A @ x) * fnp.exp(-x[0])


def test_values_and_dtypes_match_eager():
    for f, args in [
        (loss, (X,)),
        (vec, (X,)),
        (lambda x, y: x * y + 1, (X.astype(np.float32), 2.0)),
        (lambda x: (x > 0, x.astype(np.int32)), (X,)),
        (lambda x: {"a": x[1:], "b": (fnp.max(x), 3.0)}, (X,)),
    ]:
        want = f(*args)
        got = functrans.jit(f)(*args)
        for w, g in zip(functrans.tree_util.tree_leaves(want), functrans.tree_util.tree_leaves(got)):
            g, w = np.asarray(g), np.asarray(w)
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-13)
        assert functrans.tree_util.tree_structure(got) == functrans.tree_util.tree_structure(want)


def test_traces_once_per_signature_and_side_effects_only_while_tracing():
    traced = []

    def f(x, scale):
        traced.append(np.shape(x))
        return x * scale

    jf = functrans.jit(f)
    jf(X, 2.0)
    jf(X + 1, 3.0)  # same shapes and dtypes: replayed, no new trace
    assert traced == [(3,)]
    jf(XS, 2.0)  # a new shape retraces
    jf(X.astype(np.float32), 2.0)  # a new dtype retraces
    jf((X,), 2.0) if False else None
    assert traced == [(3,), (5, 3), (3,)]
    np.testing.assert_allclose(jf(X, 3.0), X * 3.0)
    assert jf._cache_size() == 3


def test_closed_over_arrays_are_constants_of_the_trace():
    c = np.ones(3)
    jf = functrans.jit(lambda x: x + c)
    np.testing.assert_allclose(jf(X), X + 1)
    assert len(jf.lower(X).traced_ir.constvars) == 1


def test_static_argnums_and_argnames():
    traced = []

    def f(x, n, *, mode="sin"):
        traced.append((n, mode))
        y = x**n
        return fnp.sin(y) if mode == "sin" else fnp.cos(y)

    jf = functrans.jit(f, static_argnums=1, static_argnames="mode")
    np.testing.assert_allclose(jf(X, 2), np.sin(X**2))
    np.testing.assert_allclose(jf(X, 3, mode="cos"), np.cos(X**3))
    np.testing.assert_allclose(jf(X, 2), np.sin(X**2))
    assert traced == [(2, "sin"), (3, "cos")]
    # a static argument may also be given by keyword, by its name in the signature
    np.testing.assert_allclose(jf(X, n=2), np.sin(X**2))
    g = functrans.jit(lambda x, k: x[:k], static_argnames="k")
    np.testing.assert_allclose(g(X, 2), X[:2])
    np.testing.assert_allclose(g(X, k=1), X[:1])


def test_unhashable_static_argument_is_a_clear_error():
    jf = functrans.jit(lambda x, n: x * len(n), static_argnums=1)
    with pytest.raises(ValueError, match="hashable"):
        jf(X, [1, 2])


def test_branching_on_a_traced_value_names_the_alternatives():
    jf = functrans.jit(lambda x: x if x > 0 else -x)
    with pytest.raises(ConcretizationTypeError, match="static_argnums"):
        jf(1.0)
    with pytest.raises(ConcretizationTypeError, match="where"):
        jf(1.0)
    with pytest.raises(ConcretizationTypeError):
        functrans.jit(lambda x: float(x) * 2)(1.0)
    # the library is intact afterwards
    np.testing.assert_allclose(functrans.jit(lambda x: x * 2)(1.0), 2.0)


@pytest.mark.parametrize(
    "name, make",
    [
        ("jit(grad)", lambda f: functrans.jit(functrans.grad(f))),
        ("grad(jit)", lambda f: functrans.grad(functrans.jit(f))),
        ("jit(grad(jit))", lambda f: functrans.jit(functrans.grad(functrans.jit(f)))),
        ("grad(jit(jit))", lambda f: functrans.grad(functrans.jit(functrans.jit(f)))),
        ("value_and_grad(jit)", lambda f: lambda x: functrans.value_and_grad(functrans.jit(f))(x)[1]),
    ],
)
def test_gradients_compose_both_ways(name, make):
    np.testing.assert_allclose(make(loss)(X), functrans.grad(loss)(X), rtol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda f: functrans.jacfwd(functrans.jit(f)),
        lambda f: functrans.jacrev(functrans.jit(f)),
        lambda f: functrans.jit(functrans.jacfwd(f)),
        lambda f: functrans.jit(functrans.jacrev(f)),
        lambda f: functrans.jit(functrans.jacrev(functrans.jit(f))),
    ],
)
def test_jacobians_compose(make):
    np.testing.assert_allclose(make(vec)(X), functrans.jacfwd(vec)(X), rtol=1e-12)


def test_hessians_and_higher_order_through_jit():
    h = functrans.hessian(loss)(X)
    np.testing.assert_allclose(functrans.hessian(functrans.jit(loss))(X), h, rtol=1e-11)
    np.testing.assert_allclose(functrans.jit(functrans.hessian(loss))(X), h, rtol=1e-11)
    d3 = functrans.grad(functrans.grad(functrans.grad(functrans.jit(fnp.tanh))))
    t = np.tanh(0.3)
    np.testing.assert_allclose(d3(0.3), -2 * (1 - t**2) * (1 - 3 * t**2), rtol=1e-12)


def test_jvp_and_vjp_of_jit():
    v = rng.normal(size=3)
    out, tan = functrans.jvp(functrans.jit(vec), (X,), (v,))
    out0, tan0 = functrans.jvp(vec, (X,), (v,))
    np.testing.assert_allclose(out, out0)
    np.testing.assert_allclose(tan, tan0)
    u = rng.normal(size=4)
    _, pull = functrans.vjp(functrans.jit(vec), X)
    _, pull0 = functrans.vjp(vec, X)
    np.testing.assert_allclose(pull(u)[0], pull0(u)[0])


def test_vmap_composes_both_ways():
    want = np.stack([loss(x) for x in XS])
    np.testing.assert_allclose(functrans.vmap(functrans.jit(loss))(XS), want)
    np.testing.assert_allclose(functrans.jit(functrans.vmap(loss))(XS), want)
    g = np.stack([functrans.grad(loss)(x) for x in XS])
    np.testing.assert_allclose(functrans.vmap(functrans.grad(functrans.jit(loss)))(XS), g)
    np.testing.assert_allclose(functrans.jit(functrans.vmap(functrans.grad(loss)))(XS), g)
    np.testing.assert_allclose(functrans.vmap(functrans.jit(loss), in_axes=1)(XS.T), want)


def test_only_some_inputs_differentiated_and_integer_inputs():
    def f(x, k, w):
        return fnp.sum(x * w) * k

    jf = functrans.jit(f)
    k = np.int64(3)
    gx, gw = functrans.grad(jf, argnums=(0, 2))(X, k, X * 2)
    np.testing.assert_allclose(gx, X * 2 * 3)
    np.testing.assert_allclose(gw, X * 3)


def test_make_ir_shows_jit_as_one_equation_with_a_sub_program():
    jf = functrans.jit(loss)
    ir = functrans.make_ir(lambda x: jf(x) * 2.0)(X)
    typecheck_ir(ir)
    assert [e.prim.name for e in ir.eqns] == ["jit", "mul"]
    assert "jit[" in str(ir) and "tanh" in str(ir)
    typecheck_ir(functrans.make_ir(functrans.grad(jf))(X))
    typecheck_ir(functrans.make_ir(functrans.vmap(jf))(XS))


def test_lower_shows_optimised_program_and_generated_source():
    lowered = functrans.jit(functrans.grad(loss)).lower(X)
    text = lowered.as_text()
    assert "after optimisation" in text and "generated code" in text
    assert len(lowered.ir.eqns) <= len(lowered.traced_ir.eqns)
    assert "def " in lowered.source and "tanh" in lowered.source
    typecheck_ir(lowered.ir)
    run = lowered.compile()
    interp = lowered.compile(interpret=True)
    np.testing.assert_allclose(run(X)[0], interp(X)[0], rtol=1e-13)
    np.testing.assert_allclose(run(X)[0], functrans.grad(loss)(X), rtol=1e-12)


def test_disable_jit_runs_eagerly():
    seen = []

    def f(x):
        seen.append(type(x).__name__)
        return x * 2

    jf = functrans.jit(f)
    with functrans.disable_jit():
        jf(X)
        jf(X)
    assert seen == ["ndarray", "ndarray"]
    jf(X)
    assert seen[-1] != "ndarray"  # traced


def test_pytrees_kwargs_and_python_scalars():
    def f(params, x, *, bias):
        return {"y": params["w"] * x + bias, "n": params["n"]}

    jf = functrans.jit(f)
    p = {"w": np.float32(2.0), "n": 3}
    out = jf(p, X.astype(np.float32), bias=1.0)
    assert out["y"].dtype == np.float32
    np.testing.assert_allclose(out["y"], 2 * X.astype(np.float32) + 1, rtol=1e-6)
    assert out["n"] == 3


def test_bad_arguments():
    with pytest.raises(TypeError, match="not a valid functrans"):
        functrans.jit(lambda x: x)("a string")
    with pytest.raises(TypeError, match="expected a callable"):
        functrans.jit(3)
    with pytest.raises(TypeError, match="static_argnums"):
        functrans.jit(loss, static_argnums="x")


def test_closing_over_values_of_enclosing_transformations():
    """A jitted function may close over a traced value of an outer grad/vmap/jit: it becomes an
    input of the program (closure conversion), and such a trace is not cached across calls."""

    def outer(x):
        return functrans.jit(lambda y: x * fnp.sin(y))(2.0)

    np.testing.assert_allclose(functrans.grad(outer)(3.0), np.sin(2.0))
    np.testing.assert_allclose(functrans.vmap(outer)(np.arange(3.0)), np.arange(3.0) * np.sin(2.0))
    np.testing.assert_allclose(functrans.jit(outer)(3.0), 3.0 * np.sin(2.0))
    ir = functrans.make_ir(outer)(3.0)
    typecheck_ir(ir)
    assert not any(isinstance(c, functrans._src.core.Tracer) for c in ir.eqns[0].params["ir"].consts)

    cell = {}
    shared = functrans.jit(lambda y: cell["x"] * y)

    def outer2(x):
        cell["x"] = x
        return shared(2.0)

    assert functrans.grad(outer2)(3.0) == 2.0 and functrans.grad(outer2)(5.0) == 2.0
    np.testing.assert_allclose(functrans.vmap(outer2)(np.arange(3.0)), 2.0 * np.arange(3.0))
    np.testing.assert_allclose(functrans.hessian(lambda x: functrans.jit(lambda y: fnp.sum(x * y * y))(x))(np.ones(2)),
                               6.0 * np.eye(2))  # fmt: skip


@pytest.mark.parametrize("f", [loss, vec], ids=["loss", "vec"])
def test_jit_rules_to_second_order_in_both_modes(f):
    from functrans.test_util import check_grads

    check_grads(functrans.jit(f), (X,), order=2, modes=("fwd", "rev"))
    check_grads(functrans.vmap(functrans.jit(f)), (XS,), order=2, modes=("fwd", "rev"))
