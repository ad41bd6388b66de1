"""The core: nesting to any order, perturbation confusion, the IR, the rule registry, errors."""

import math

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.core import IR, Eqn, IRTypeError, Var, typecheck_ir
from functrans.test_util import check_grads

# --------------------------------------------------------------------------- nesting


def tanh_derivative_closed_form(k: int, x: float) -> float:
    # d/dx p(tanh x) = p'(t) (1 - t^2): iterate on the polynomial in t = tanh(x).
    p = np.polynomial.Polynomial([0.0, 1.0])
    one_minus_t2 = np.polynomial.Polynomial([1.0, 0.0, -1.0])
    for _ in range(k):
        p = p.deriv() * one_minus_t2
    return float(p(math.tanh(x)))


@pytest.mark.parametrize("x", [-1.3, 0.0, 0.5, 2.0])
def test_sixth_derivative_of_tanh_matches_closed_form(x):
    d = fnp.tanh
    for _ in range(6):
        d = functrans.grad(d)
    np.testing.assert_allclose(d(x), tanh_derivative_closed_form(6, x), rtol=1e-10, atol=1e-10)


def test_all_orders_of_tanh_in_both_modes():
    x = 0.7
    f_rev, f_fwd = fnp.tanh, fnp.tanh
    for k in range(1, 6):
        f_rev = functrans.grad(f_rev)
        f_fwd = functrans.jacfwd(f_fwd)
        expected = tanh_derivative_closed_form(k, x)
        np.testing.assert_allclose(f_rev(x), expected, rtol=1e-10)
        np.testing.assert_allclose(f_fwd(x), expected, rtol=1e-10)


def test_triple_grad():
    f = lambda x: x**4 + fnp.sin(x)  # noqa: E731
    g3 = functrans.grad(functrans.grad(functrans.grad(f)))
    np.testing.assert_allclose(g3(1.3), 24 * 1.3 - math.cos(1.3), rtol=1e-12)


@pytest.mark.parametrize("x", [-2.0, 0.0, 1.0, 3.5])
def test_no_perturbation_confusion(x):
    # d/dx [x * d/dy (x + y)] = 1 everywhere (a confused implementation gives 2).
    f = lambda x: x * functrans.grad(lambda y: x + y)(1.0)  # noqa: E731
    assert functrans.grad(f)(x) == 1.0
    _, t = functrans.jvp(f, (x,), (1.0,))
    assert t == 1.0


def test_closure_over_outer_argument():
    assert functrans.grad(lambda x: functrans.grad(lambda y: x * y)(1.0) * x)(2.0) == 4.0


def test_jvp_of_grad_and_jacfwd_of_jacrev_agree_with_hessian():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))

    def f(x):
        return fnp.sum(fnp.tanh(A @ x) ** 2) + fnp.sum(x**3)

    x = rng.standard_normal(4)
    v = rng.standard_normal(4)
    H = functrans.hessian(f)(x)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    np.testing.assert_allclose(functrans.jacfwd(functrans.jacrev(f))(x), H, rtol=1e-12)
    np.testing.assert_allclose(functrans.jacrev(functrans.jacfwd(f))(x), H, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(functrans.jacrev(functrans.grad(f))(x), H, rtol=1e-10, atol=1e-12)
    _, hv = functrans.jvp(functrans.grad(f), (x,), (v,))
    np.testing.assert_allclose(hv, H @ v, rtol=1e-10, atol=1e-12)
    _, vjp_fn = functrans.vjp(functrans.grad(f), x)
    np.testing.assert_allclose(vjp_fn(v)[0], H.T @ v, rtol=1e-10, atol=1e-12)


def test_python_control_flow_on_values():
    def f(x):
        if x > 0:
            return fnp.sin(x)
        return x**2

    assert functrans.grad(f)(1.0) == math.cos(1.0)
    assert functrans.grad(f)(-3.0) == -6.0
    assert functrans.jvp(f, (2.0,), (1.0,))[1] == math.cos(2.0)
    out, vjp_fn = functrans.vjp(f, -1.0)
    assert vjp_fn(1.0)[0] == -2.0

    def loop(x):
        y = x
        while y < 10.0:
            y = y * 2.0
        return y

    assert functrans.grad(loop)(3.0) == 4.0  # 3 -> 6 -> 12


def test_grad_of_constant_function_is_zero_and_no_work_is_recorded():
    g = functrans.grad(lambda x: 3.0)(np.ones(3))
    np.testing.assert_array_equal(g, np.zeros(3))
    # symbolic zeros: the path through y is never recorded when differentiating w.r.t. x
    _, vjp_fn = functrans.vjp(lambda x, y: (fnp.sum(2.0 * x), fnp.sum(fnp.sin(y))), np.ones(3), np.ones(2))
    prims = [e.prim.name for e in vjp_fn.linear_ir.eqns]
    assert prims.count("mul") == 2  # 2*x and cos(y)*dy; nothing for zero tangents
    _, vjp_x = functrans.vjp(lambda x: fnp.sum(2.0 * x) + fnp.sum(fnp.sin(np.ones(2))), np.ones(3))
    assert all(e.prim.name != "sin" for e in vjp_x.linear_ir.eqns)
    assert len(vjp_x.linear_ir.eqns) == 2  # mul by 2 and reduce_sum


def test_stop_gradient():
    f = lambda x: x * functrans.stop_gradient(x)  # noqa: E731
    assert functrans.grad(f)(3.0) == 3.0
    assert functrans.grad(functrans.grad(f))(3.0) == 0.0
    tree = functrans.stop_gradient({"a": np.ones(2), "b": (1.0, np.arange(3))})
    np.testing.assert_array_equal(tree["a"], np.ones(2))


# --------------------------------------------------------------------------- the IR


def test_make_ir_listing_shows_shapes_and_dtypes():
    def f(x, y):
        return fnp.sum(fnp.sin(x) * y, axis=0)

    ir = functrans.make_ir(f)(np.ones((3, 2)), np.ones(2, np.float32))
    text = str(ir)
    assert "a:f64[3,2] b:f32[2]" in text
    assert "sin a" in text and "reduce_sum[axes=(0,), keepdims=False]" in text
    assert len(ir.eqns) == 3
    typecheck_ir(ir)


def test_make_ir_static_argnums():
    ir = functrans.make_ir(lambda x, n: x**n, static_argnums=1)(np.ones(3), 3)
    assert [e.prim.name for e in ir.eqns] == ["integer_pow"]
    assert ir.eqns[0].params == {"y": 3}


def test_typecheck_every_transformation():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))

    def f(x):
        return fnp.sum(fnp.tanh(A @ x) * x[::-1]) + fnp.max(x) * fnp.prod(x[:2])

    x = rng.standard_normal(3)
    programs = [
        functrans.make_ir(f)(x),
        functrans.make_ir(functrans.grad(f))(x),
        functrans.make_ir(lambda x, v: functrans.jvp(f, (x,), (v,)))(x, x),
        functrans.make_ir(functrans.hessian(f))(x),
        functrans.make_ir(functrans.jacfwd(functrans.grad(f)))(x),
        functrans.vjp(f, x)[1].linear_ir,
        functrans.linearize(f, x)[1].linear_ir,
        functrans.linear_transpose(lambda v: A @ v, x).linear_ir,
    ]
    for ir in programs:
        typecheck_ir(ir)
        assert str(ir)
    # and the staged programs compute the same numbers as eager evaluation
    from functrans._src.core import eval_ir

    g_ir = programs[1]
    np.testing.assert_allclose(eval_ir(g_ir, g_ir.consts, [x])[0], functrans.grad(f)(x), rtol=1e-12)


def test_typecheck_rejects_bad_programs():
    a = Var(functrans.ShapedArray((3,), np.dtype(np.float64)))
    b = Var(functrans.ShapedArray((4,), np.dtype(np.float64)))  # wrong shape for sin a
    with pytest.raises(IRTypeError, match="declared"):
        typecheck_ir(IR([], [], [a], [Eqn(lax.sin_p, [a], {}, [b])], [b]))
    c = Var(functrans.ShapedArray((3,), np.dtype(np.float64)))
    with pytest.raises(IRTypeError, match="before it is defined"):
        typecheck_ir(IR([], [], [a], [Eqn(lax.sin_p, [c], {}, [b])], [b]))
    with pytest.raises(IRTypeError, match="defined twice"):
        typecheck_ir(IR([], [], [a, a], [], [a]))


# The primitives that are linear in (some of) their inputs, and so need a transpose rule.
LINEAR = {
    "neg", "add", "sub", "mul", "div", "select", "convert_element_type", "broadcast_to", "reshape",
    "transpose", "reduce_sum", "index", "index_put", "concatenate", "dot_general",
}  # fmt: skip


def test_every_primitive_has_every_rule_it_needs():
    prims = lax.all_primitives()
    assert len({p.name for p in prims}) == len(prims), "primitive names must be unique"
    for p in prims:
        assert callable(p.impl), f"{p.name} has no impl"
        assert callable(p.abstract_eval), f"{p.name} has no shape rule"
        assert callable(p.jvp), f"{p.name} has no JVP rule"
        assert callable(p.batch), f"{p.name} has no batching rule (for vmap)"
        if p.name in LINEAR:
            assert callable(p.transpose), f"{p.name} is linear but has no transpose rule"
    assert LINEAR <= {p.name for p in prims}


def test_higher_order_primitives_have_every_rule():
    from functrans._src.control_flow import cond_p, scan_p, while_p
    from functrans._src.jit import jit_p

    for p in (jit_p, cond_p, scan_p, while_p):
        for rule in ("impl", "abstract_eval", "jvp", "transpose", "batch"):
            assert callable(getattr(p, rule)), f"{p.name} has no {rule} rule"


# --------------------------------------------------------------------------- errors and state


def test_grad_errors_name_the_problem():
    with pytest.raises(TypeError, match=r"scalar-output.*shape: \(3,\)"):
        functrans.grad(lambda x: fnp.sin(x))(np.ones(3))
    with pytest.raises(TypeError, match="argument .x. has dtype int64"):
        functrans.grad(lambda x: x * 2.0)(np.arange(3))
    with pytest.raises(TypeError, match="real-valued outputs"):
        functrans.grad(lambda x: fnp.sum(x > 0))(np.ones(3))
    with pytest.raises(TypeError, match="argnums"):
        functrans.grad(lambda x: x, argnums=2)(1.0)


def test_allow_int_gives_float0_zeros():
    g = functrans.grad(lambda x, n: fnp.sum(x) * 2.0, argnums=(0, 1), allow_int=True)(np.ones(2), np.arange(3))
    np.testing.assert_array_equal(g[0], [2.0, 2.0])
    assert g[1].dtype == functrans.float0 and g[1].shape == (3,)


def test_jvp_tangent_mismatch_errors_name_the_position():
    f = lambda x, y: x * y  # noqa: E731
    with pytest.raises(ValueError, match="position 1.*primal shape \\(3,\\), tangent shape \\(2,\\)"):
        functrans.jvp(f, (np.ones(3), np.ones(3)), (np.ones(3), np.ones(2)))
    with pytest.raises(TypeError, match="position 0.*float32"):
        functrans.jvp(f, (np.ones(3), np.ones(3)), (np.ones(3, np.float32), np.ones(3)))
    with pytest.raises(TypeError, match="tree structure"):
        functrans.jvp(f, (np.ones(3), np.ones(3)), [np.ones(3), np.ones(3)])
    with pytest.raises(TypeError, match="tuples or lists"):
        functrans.jvp(fnp.sin, np.ones(3), np.ones(3))
    with pytest.raises(TypeError, match="float0"):
        functrans.jvp(lambda n: n * 2, (np.arange(3),), (np.ones(3),))


def test_vjp_cotangent_mismatch():
    _, vjp_fn = functrans.vjp(fnp.sin, np.ones(3))
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        vjp_fn(np.ones(2))
    with pytest.raises(ValueError, match="float32"):
        vjp_fn(np.ones(3, np.float32))


def test_unsupported_numpy_function_is_named():
    with pytest.raises(AttributeError, match="numpy.genfromtxt"):
        fnp.genfromtxt  # noqa: B018
    with pytest.raises(TypeError, match="numpy.putmask"):
        functrans.grad(lambda x: np.putmask(x, x > 0, x))(np.ones(3))


def test_plain_numpy_ufuncs_dispatch_on_traced_values():
    assert functrans.grad(lambda x: np.sin(x) * 2)(0.0) == 2.0


def test_item_assignment_explains_immutability():
    def f(x):
        x[0] = 1.0
        return fnp.sum(x)

    with pytest.raises(TypeError, match="immutable"):
        functrans.grad(f)(np.ones(3))


def test_exception_inside_transformation_leaves_no_state():
    def bad(x):
        raise RuntimeError("boom")

    for transform in (functrans.grad, functrans.jacfwd, functrans.jacrev):
        with pytest.raises(RuntimeError, match="boom"):
            transform(bad)(1.0)
    with pytest.raises(RuntimeError):
        functrans.grad(lambda x: functrans.grad(bad)(x) * x)(1.0)
    with pytest.raises(RuntimeError):
        functrans.make_ir(bad)(1.0)
    # everything works normally afterwards, including nesting
    assert functrans.grad(lambda x: functrans.grad(lambda y: x * y)(1.0) * x)(2.0) == 4.0
    assert functrans.grad(fnp.sin)(0.0) == 1.0
    assert fnp.sin(0.0) == 0.0


def test_escaped_tracer_raises_instead_of_wrong_answer():
    leaked = []

    def f(x):
        leaked.append(x)
        return x * 2.0

    functrans.grad(f)(1.0)
    with pytest.raises(functrans.EscapedTracerError, match="escaped tracer"):
        fnp.sin(leaked[0])
    with pytest.raises(functrans.EscapedTracerError):
        functrans.grad(lambda y: y * leaked[0])(1.0)


def test_branching_on_staged_value_is_a_clear_error():
    def f(x):
        return x if x > 0 else -x

    with pytest.raises(functrans.ConcretizationTypeError, match="static_argnums"):
        functrans.make_ir(f)(1.0)
    with pytest.raises(TypeError, match="functrans.numpy"):
        functrans.make_ir(lambda x: np.asarray(x))(np.ones(2))


def test_invalid_argument_types():
    with pytest.raises(TypeError, match="str"):
        functrans.grad(lambda x: x)("a")


def test_check_grads_catches_a_wrong_rule():
    # a deliberately wrong JVP rule must be caught in both modes
    p = lax.sin_p
    saved = p.jvp
    lax.defjvp(p, lambda g, ans, x: lax.mul(g, lax.sin(x)))
    try:
        with pytest.raises(AssertionError):
            check_grads(fnp.sin, (np.array([0.3, 1.2]),), order=1, modes=("fwd",))
        with pytest.raises(AssertionError):
            check_grads(lambda x: fnp.sum(fnp.sin(x)), (np.array([0.3, 1.2]),), order=1, modes=("rev",))
    finally:
        p.jvp = saved
    check_grads(fnp.sin, (np.array([0.3, 1.2]),), order=2)
