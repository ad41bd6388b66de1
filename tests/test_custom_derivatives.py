"""custom_jvp and custom_vjp: rules used in every mode, composition with jit/vmap, errors."""

from functools import partial

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import custom_jvp, custom_vjp
from functrans.custom_derivatives import SymbolicZero
from functrans.test_util import check_grads

X = np.linspace(-2.0, 2.0, 5)


# --------------------------------------------------------------------------- custom_jvp


@custom_jvp
def softplus(x):
    return fnp.log1p(fnp.exp(x))


@softplus.defjvp
def softplus_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return softplus(x), t * (1.0 / (1.0 + fnp.exp(-x)))


def naive_softplus(x):
    return fnp.log1p(fnp.exp(x))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_log1p_exp_gradient_at_large_x_is_one_not_nan():
    # float32: exp(100) overflows; float64: exp(1000) does
    for x in (np.float32(100.0), 1000.0):
        assert np.isnan(functrans.grad(naive_softplus)(x))
        g = functrans.grad(softplus)(x)
        assert g == 1.0 and g.dtype == np.asarray(x).dtype
        assert functrans.jit(functrans.grad(softplus))(x) == 1.0
        assert functrans.grad(functrans.jit(softplus))(x) == 1.0
    assert functrans.grad(softplus)(100.0) == 1.0


def test_third_order_differentiates_the_rule():
    s = 1.0 / (1.0 + np.exp(-X))
    d3 = functrans.vmap(functrans.grad(functrans.grad(functrans.grad(softplus))))(X)
    np.testing.assert_allclose(d3, s * (1 - s) * (1 - 2 * s), rtol=1e-12)
    d3 = functrans.vmap(functrans.jacfwd(functrans.jacrev(functrans.grad(softplus))))(X)
    np.testing.assert_allclose(d3, s * (1 - s) * (1 - 2 * s), rtol=1e-12)


def test_values_and_the_rule_in_the_program():
    np.testing.assert_allclose(softplus(X), np.log1p(np.exp(X)))
    np.testing.assert_allclose(functrans.jit(softplus)(X), np.log1p(np.exp(X)))
    ir = functrans.make_ir(softplus)(X)
    functrans.typecheck_ir(ir)
    assert [e.prim.name for e in ir.eqns] == ["custom_jvp_call"]


def test_check_grads_to_second_order_both_modes():
    check_grads(softplus, (X,), order=2, modes=("fwd", "rev"))
    check_grads(functrans.jit(softplus), (X,), order=2, modes=("fwd", "rev"))
    check_grads(functrans.vmap(softplus), (X,), order=2, modes=("fwd", "rev"))


# f(x) = x**3 but the rule says the derivative is 2x: every mode must follow the rule
@custom_jvp
def cube_with_wrong_rule(x):
    return x**3


@cube_with_wrong_rule.defjvp
def _cube_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return cube_with_wrong_rule(x), 2.0 * x * t


def test_the_rule_is_used_by_every_mode_and_order():
    f = cube_with_wrong_rule
    assert functrans.jvp(f, (3.0,), (1.0,)) == (27.0, 6.0)
    assert functrans.grad(f)(3.0) == 6.0
    assert functrans.jit(functrans.grad(f))(3.0) == 6.0
    assert functrans.grad(functrans.jit(f))(3.0) == 6.0
    # second order differentiates the rule: d/dx 2x = 2
    for h in (
        functrans.hessian(f),
        functrans.grad(functrans.grad(f)),
        functrans.jacfwd(functrans.jacfwd(f)),
        functrans.jit(functrans.hessian(f)),
        functrans.hessian(functrans.jit(f)),
    ):
        assert h(3.0) == 2.0


def test_check_grads_catches_a_wrong_rule():
    with pytest.raises(AssertionError, match="JVP"):
        check_grads(cube_with_wrong_rule, (X,), order=1, modes=("fwd",))
    with pytest.raises(AssertionError):
        check_grads(cube_with_wrong_rule, (X,), order=1, modes=("fwd", "rev"))


def test_vmap_against_a_loop_and_compositions():
    f = cube_with_wrong_rule
    want = 2.0 * X
    ones = np.ones_like(X)
    np.testing.assert_allclose(functrans.vmap(f)(X), X**3)
    np.testing.assert_allclose(functrans.vmap(functrans.grad(f))(X), want)
    np.testing.assert_allclose(functrans.vmap(lambda x: functrans.jvp(f, (x,), (1.0,))[1])(X), want)
    np.testing.assert_allclose(functrans.jvp(functrans.vmap(f), (X,), (ones,))[1], want)
    # custom_jvp under vmap of jit, in both orders of differentiation
    vj = functrans.vmap(functrans.jit(f))
    np.testing.assert_allclose(vj(X), X**3)
    np.testing.assert_allclose(functrans.jvp(vj, (X,), (ones,))[1], want)
    np.testing.assert_allclose(functrans.grad(lambda x: fnp.sum(vj(x)))(X), want)
    np.testing.assert_allclose(functrans.vmap(functrans.jit(functrans.grad(f)))(X), want)
    np.testing.assert_allclose(functrans.jacrev(functrans.vmap(f))(X), np.diag(want))
    np.testing.assert_allclose(functrans.jacfwd(functrans.vmap(f))(X), np.diag(want))
    # batched along a non-leading axis, with an unbatched argument
    g = custom_jvp(lambda x, y: x * fnp.sin(y))
    g.defjvps(lambda t, ans, x, y: t * fnp.sin(y), lambda t, ans, x, y: x * fnp.cos(y) * t)
    M = np.outer(X, [1.0, 2.0])
    out = functrans.vmap(functrans.grad(lambda x, y: fnp.sum(g(x, y)), argnums=1), in_axes=(1, None))(M, X)
    loop = np.stack([functrans.grad(lambda x, y: fnp.sum(g(x, y)), argnums=1)(M[:, k], X) for k in range(2)])
    np.testing.assert_allclose(out, loop)


def test_pytrees_nondiff_argnums_and_keywords():
    @partial(custom_jvp, nondiff_argnums=(0,))
    def apply(fn, d):
        return {"s": fn(d["a"]) * d["b"]}

    @apply.defjvp
    def apply_jvp(fn, primals, tangents):
        (d,), (dt,) = primals, tangents
        return apply(fn, d), {"s": 2.0 * dt["a"] * d["b"] + fn(d["a"]) * dt["b"]}

    g = functrans.grad(lambda a, b: apply(fnp.sin, {"a": a, "b": b})["s"], argnums=(0, 1))(0.5, 3.0)
    np.testing.assert_allclose(g, (6.0, np.sin(0.5)))
    _, t = functrans.jvp(lambda a: apply(fn=fnp.sin, d={"a": a, "b": 3.0})["s"], (0.5,), (1.0,))
    assert t == 6.0


def test_defjvps_sums_the_contributions():
    @custom_jvp
    def g(x, y):
        return fnp.sin(x) * y

    g.defjvps(lambda t, ans, x, y: fnp.cos(x) * t * y, lambda t, ans, x, y: fnp.sin(x) * t)
    check_grads(g, (X, X + 1.0), order=2, modes=("fwd", "rev"))
    check_grads(functrans.vmap(g), (X, X + 1.0), order=2, modes=("fwd", "rev"))

    h = custom_jvp(lambda x, y: x * y)
    h.defjvps(None, lambda t, ans, x, y: x * t)  # no contribution from x
    assert functrans.grad(h, argnums=(0, 1))(2.0, 3.0) == (0.0, 2.0)


def test_zero_tangents_reach_the_rule_as_zeros_or_symbolic_zeros():
    seen = []

    @custom_jvp
    def h(x, y):
        return x * y

    @h.defjvp
    def h_jvp(primals, tangents):
        seen.append(tangents[1])
        (x, y), (tx, ty) = primals, tangents
        return x * y, tx * y + x * ty

    assert functrans.grad(h)(2.0, 3.0) == 3.0
    assert isinstance(seen[-1], np.ndarray) and seen[-1].shape == () and seen[-1] == 0.0

    @custom_jvp
    def k(x, y):
        return x * y

    def k_jvp(primals, tangents):
        seen.append(tangents[1])
        (x, y), (tx, ty) = primals, tangents
        out = 0.0
        if type(tx) is not SymbolicZero:
            out = out + tx * y
        if type(ty) is not SymbolicZero:
            out = out + x * ty
        return x * y, out

    k.defjvp(k_jvp, symbolic_zeros=True)
    assert functrans.grad(k)(2.0, 3.0) == 3.0
    assert type(seen[-1]) is SymbolicZero and seen[-1].shape == () and seen[-1].dtype == np.float64
    assert functrans.grad(k, argnums=(0, 1))(2.0, 3.0) == (3.0, 2.0)


def test_integer_arguments_get_float0_tangents():
    @custom_jvp
    def powi(x, n):
        return x**n

    @powi.defjvp
    def powi_jvp(primals, tangents):
        (x, n), (tx, tn) = primals, tangents
        assert tn.dtype == functrans.float0
        return powi(x, n), n * x ** (n - 1) * tx

    assert functrans.grad(powi)(2.0, np.int64(3)) == 12.0
    assert functrans.jit(functrans.grad(powi))(2.0, np.int64(3)) == 12.0


def test_implicit_differentiation_of_newton_sqrt_with_custom_jvp():
    @custom_jvp
    def newton_sqrt(a):
        x = a
        for _ in range(40):  # a fixed number of steps: fine under jit too
            x = 0.5 * (x + a / x)
        return x

    @newton_sqrt.defjvp
    def newton_sqrt_jvp(primals, tangents):
        (a,), (t,) = primals, tangents
        x = newton_sqrt(a)
        return x, t / (2.0 * x)  # from x**2 - a = 0

    a = np.array([0.5, 2.0, 9.0])
    np.testing.assert_allclose(newton_sqrt(a), np.sqrt(a), rtol=1e-14)
    np.testing.assert_allclose(functrans.vmap(functrans.grad(newton_sqrt))(a), 0.5 / np.sqrt(a), rtol=1e-14)
    np.testing.assert_allclose(functrans.jit(functrans.vmap(functrans.hessian(newton_sqrt)))(a),
                               -0.25 * a**-1.5, rtol=1e-12)  # fmt: skip
    ir = functrans.make_ir(functrans.grad(newton_sqrt))(2.0)
    assert len(ir.eqns) < 20  # the rule is used: the 40 Newton steps are not differentiated


def test_custom_jvp_errors_are_clear_and_leave_state_intact():
    f = custom_jvp(lambda x: fnp.sin(x))
    with pytest.raises(AttributeError, match="No JVP defined for custom_jvp function <lambda> using defjvp"):
        f(1.0)
    with pytest.raises(AttributeError, match="No JVP defined"):
        functrans.grad(f)(1.0)

    def shape_rule(p, t):
        return fnp.sin(p[0]), fnp.ones(3)

    f.defjvp(shape_rule)
    msg = r"Custom JVP rule must produce primal and tangent outputs with corresponding shapes and dtypes. " \
          r"Expected f64\[\] \(tangent type of f64\[\]\) but got f64\[3\]."  # fmt: skip
    with pytest.raises(TypeError, match=msg):
        functrans.jvp(f, (1.0,), (1.0,))
    with pytest.raises(TypeError, match=msg):
        functrans.grad(f)(1.0)
    with pytest.raises(TypeError, match=msg):
        functrans.jit(functrans.grad(f))(1.0)

    f.defjvp(lambda p, t: ((fnp.sin(p[0]),), t[0]))
    with pytest.raises(TypeError, match=r"must produce primal and tangent outputs with equal container \(pytree\)"):
        functrans.grad(f)(1.0)
    f.defjvp(lambda p, t: fnp.sin(p[0]))
    with pytest.raises(TypeError, match=r"must produce a pair \(list or tuple of length two\)"):
        functrans.grad(f)(1.0)
    f.defjvp(lambda p, t: (fnp.ones(2), fnp.ones(2)))
    with pytest.raises(TypeError, match="with leaves of the same shape/dtype"):
        functrans.grad(f)(1.0)

    # state intact: the same function with a good rule, and other transformations, still work
    f.defjvp(lambda p, t: (fnp.sin(p[0]), fnp.cos(p[0]) * t[0]))
    assert functrans.grad(f)(0.0) == 1.0
    assert functrans.grad(fnp.sin)(0.0) == 1.0
    np.testing.assert_allclose(functrans.vmap(functrans.grad(f))(X), np.cos(X))


def test_closing_over_a_differentiated_value_is_an_error():
    def loss(p):
        @custom_jvp
        def f(x):
            return x * p

        f.defjvp(lambda pr, t: (f(pr[0]), t[0] * p))
        return f(p + 2.0)

    with pytest.raises(NotImplementedError, match="closes over"):
        functrans.grad(loss)(3.0)
    with pytest.raises(NotImplementedError, match="closes over"):
        functrans.jvp(loss, (3.0,), (1.0,))
    assert functrans.grad(lambda p: softplus(p) * p)(0.0) == np.log(2.0)  # state intact


# --------------------------------------------------------------------------- custom_vjp


@custom_vjp
def clip_gradient(x, lo, hi):
    return x


def _clip_fwd(x, lo, hi):
    return x, (lo, hi)


def _clip_bwd(res, g):
    lo, hi = res
    return (fnp.clip(g, lo, hi), None, None)


clip_gradient.defvjp(_clip_fwd, _clip_bwd)


def test_gradient_clipping():
    def loss(x):
        return fnp.sum(clip_gradient(x, -0.5, 0.5) * 3.0)

    want = np.full(5, 0.5)
    np.testing.assert_allclose(loss(X), 3.0 * np.sum(X))
    np.testing.assert_allclose(functrans.grad(loss)(X), want)
    np.testing.assert_allclose(functrans.jit(functrans.grad(loss))(X), want)
    np.testing.assert_allclose(functrans.grad(functrans.jit(loss))(X), want)  # grad of jit of custom_vjp
    np.testing.assert_allclose(functrans.jacrev(lambda x: clip_gradient(x, -0.5, 0.5) * 3.0)(X), np.diag(want))
    # per example: d/dx [clip(x) * x] = clip(1 * x) + x
    got = functrans.vmap(functrans.grad(lambda x: clip_gradient(x, -0.5, 0.5) * x))(X)
    np.testing.assert_allclose(got, np.clip(X, -0.5, 0.5) + X)
    got = functrans.grad(lambda x: fnp.sum(functrans.vmap(lambda y: clip_gradient(y, -0.5, 0.5) * 3.0)(x)))(X)
    np.testing.assert_allclose(got, want)


def test_forward_mode_raises_jaxs_error():
    msg = r"can't apply forward-mode autodiff \(jvp\) to a custom_vjp function."
    with pytest.raises(TypeError, match=msg):
        functrans.jvp(lambda x: clip_gradient(x, -1.0, 1.0), (X,), (X,))
    with pytest.raises(TypeError, match=msg):
        functrans.jacfwd(lambda x: clip_gradient(x, -1.0, 1.0))(X)
    with pytest.raises(TypeError, match=msg):
        functrans.jvp(functrans.jit(lambda x: clip_gradient(x, -1.0, 1.0)), (X,), (X,))
    _, f_jvp = functrans.linearize(lambda x: clip_gradient(x, -1.0, 1.0), X)
    with pytest.raises(TypeError, match=msg):
        f_jvp(X)


def test_residual_pytrees_nondiff_argnums_and_batching():
    calls = []

    @partial(custom_vjp, nondiff_argnums=(1,))
    def scale(x, k):
        return x * k

    def scale_fwd(x, k):
        return x * k, {"x": x, "ks": [k, 2 * k]}

    def scale_bwd(k, res, g):
        calls.append(sorted(res))
        return (g * res["ks"][1] * 10.0,)  # 20k: deliberately not the true derivative

    scale.defvjp(scale_fwd, scale_bwd)
    want = np.full(5, 40.0)
    for g in (
        functrans.grad(lambda x: fnp.sum(scale(x, 2.0))),
        functrans.jit(functrans.grad(lambda x: fnp.sum(scale(x, 2.0)))),
        functrans.grad(lambda x: fnp.sum(functrans.jit(scale, static_argnums=1)(x, 2.0))),
        functrans.grad(lambda x: fnp.sum(functrans.vmap(scale, (0, None))(x, 2.0))),
        functrans.vmap(functrans.grad(lambda x: scale(x, 2.0))),
    ):
        np.testing.assert_allclose(g(X), want)
    assert calls[0] == ["ks", "x"]
    np.testing.assert_allclose(functrans.vmap(scale, (0, None))(X, 2.0), 2.0 * X)


def test_vmap_of_fwd_and_bwd_with_unbatched_inputs():
    @custom_vjp
    def f(w, x):
        return fnp.sin(w * x)

    f.defvjp(
        lambda w, x: (f(w, x), (w, x)), lambda r, g: (fnp.cos(r[0] * r[1]) * r[1] * g, fnp.cos(r[0] * r[1]) * r[0] * g)
    )
    xs = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    w = np.array([1.5, -0.5])

    def loss(w, xs):
        return fnp.sum(functrans.vmap(f, (None, 0))(w, xs) ** 2)

    def ref(w, xs):
        return fnp.sum(fnp.sin(w * xs) ** 2)

    for k in (0, 1):
        np.testing.assert_allclose(functrans.grad(loss, k)(w, xs), functrans.grad(ref, k)(w, xs), rtol=1e-13)
    # batched along axis 1
    got = functrans.vmap(functrans.grad(lambda w, x: fnp.sum(f(w, x))), (None, 1))(w, xs.T)
    want = np.stack([functrans.grad(lambda w, x: fnp.sum(fnp.sin(w * x)))(w, x) for x in xs])
    np.testing.assert_allclose(got, want, rtol=1e-13)


def test_reverse_order_two_and_hessian():
    @custom_vjp
    def sq(x):
        return x * x

    sq.defvjp(lambda x: (x * x, x), lambda x, g: (3.0 * x * g,))  # 3x: not the true 2x
    assert functrans.grad(sq)(2.0) == 6.0
    assert functrans.grad(functrans.grad(sq))(2.0) == 3.0  # differentiates bwd
    assert functrans.jacrev(functrans.jacrev(sq))(2.0) == 3.0
    assert functrans.hessian(sq)(2.0) == 3.0  # as JAX: forward mode over bwd is fine

    @custom_vjp
    def sin(x):
        return fnp.sin(x)

    sin.defvjp(lambda x: (fnp.sin(x), fnp.cos(x)), lambda c, g: (c * g,))
    check_grads(sin, (X,), order=2, modes=("rev",))
    check_grads(functrans.jit(sin), (X,), order=2, modes=("rev",))
    check_grads(functrans.vmap(sin), (X,), order=2, modes=("rev",))


def test_none_cotangent_means_zero_and_integer_inputs():
    @custom_vjp
    def powv(x, n):
        return x**n

    powv.defvjp(lambda x, n: (x**n, (x, n)), lambda r, g: (r[1] * r[0] ** (r[1] - 1) * g, None))
    assert functrans.grad(powv)(2.0, np.int64(3)) == 12.0
    np.testing.assert_allclose(functrans.vmap(functrans.grad(powv), (0, None))(np.array([1.0, 2.0]), np.int64(3)),
                               [3.0, 12.0])  # fmt: skip

    @custom_vjp
    def mul(x, y):
        return x * y

    mul.defvjp(lambda x, y: (x * y, (x, y)), lambda r, g: (None, r[0] * g))
    assert functrans.grad(mul, argnums=(0, 1))(2.0, 3.0) == (0.0, 2.0)
    # a list is accepted for the tuple, as in JAX
    mul.defvjp(lambda x, y: (x * y, (x, y)), lambda r, g: [r[1] * g, r[0] * g])
    assert functrans.grad(mul, argnums=(0, 1))(2.0, 3.0) == (3.0, 2.0)


def test_implicit_differentiation_of_a_fixed_point_with_custom_vjp():
    # x* = f(a, x*) for f(a, x) = (x + a / x) / 2 (Newton for sqrt a); implicit function theorem
    def newton_step(a, x):
        return 0.5 * (x + a / x)

    @partial(custom_vjp, nondiff_argnums=(0,))
    def fixed_point(f, a, x0):
        x = x0
        for _ in range(40):
            x = f(a, x)
        return x

    def fp_fwd(f, a, x0):
        x = fixed_point(f, a, x0)
        return x, (a, x)

    def fp_bwd(f, res, x_bar):
        a, x = res
        _, vjp_a = functrans.vjp(lambda a: f(a, x), a)
        _, vjp_x = functrans.vjp(lambda x: f(a, x), x)
        w = x_bar
        for _ in range(60):  # w = x_bar + w df/dx
            w = x_bar + vjp_x(w)[0]
        return vjp_a(w)[0], fnp.zeros_like(x)

    fixed_point.defvjp(fp_fwd, fp_bwd)
    a = np.array([0.5, 2.0, 9.0])
    sqrt = partial(fixed_point, newton_step)
    np.testing.assert_allclose(sqrt(a, a), np.sqrt(a), rtol=1e-14)
    np.testing.assert_allclose(functrans.vmap(functrans.grad(sqrt))(a, a), 0.5 / np.sqrt(a), rtol=1e-12)
    np.testing.assert_allclose(functrans.jit(functrans.grad(lambda a: fnp.sum(sqrt(a, a))))(a), 0.5 / np.sqrt(a),
                               rtol=1e-12)  # fmt: skip


def test_custom_vjp_errors_are_clear_and_leave_state_intact():
    f = custom_vjp(lambda x, y: x * y)
    with pytest.raises(AttributeError, match="No VJP defined for custom_vjp function <lambda> using defvjp"):
        f(1.0, 2.0)
    fwd = lambda x, y: (x * y, (x, y))  # noqa: E731
    f.defvjp(fwd, lambda r, g: (g * r[1],))
    msg = r"must produce a tuple of length equal to the number of arguments to the primal function"
    with pytest.raises(TypeError, match=msg):
        functrans.grad(f)(1.0, 2.0)
    f.defvjp(fwd, lambda r, g: g * r[1])
    with pytest.raises(TypeError, match=msg):
        functrans.grad(f)(1.0, 2.0)
    f.defvjp(fwd, lambda r, g: (g * r[1], fnp.ones(3)))
    with pytest.raises(ValueError, match=r"at output\[1\] the bwd rule produced an output of type f64\[3\] "
                                         r"corresponding to an input of type f64\[\]"):  # fmt: skip
        functrans.grad(f)(1.0, 2.0)
    with pytest.raises(ValueError, match=r"output\[1\]"):
        functrans.jit(functrans.grad(f))(1.0, 2.0)
    f.defvjp(lambda x, y: x * y, lambda r, g: (g, g))
    with pytest.raises(TypeError, match=r"fwd rule <lambda> for function <lambda> must produce a pair"):
        functrans.grad(f)(1.0, 2.0)
    f.defvjp(lambda x, y: ((x * y, x), None), lambda r, g: (g, g))
    with pytest.raises(TypeError, match="first element represents the primal output"):
        functrans.grad(f)(1.0, 2.0)
    # state intact
    f.defvjp(fwd, lambda r, g: (g * r[1], g * r[0]))
    assert functrans.grad(f, argnums=(0, 1))(2.0, 3.0) == (3.0, 2.0)
    assert functrans.grad(fnp.sin)(0.0) == 1.0


def test_pytree_argument_cotangents():
    @custom_vjp
    def f(p):
        return p["w"] * p["b"][0]

    f.defvjp(lambda p: (f(p), p), lambda p, g: ({"w": g * p["b"][0], "b": [None]},))
    g = functrans.grad(f)({"w": 2.0, "b": [3.0]})
    assert g == {"w": 3.0, "b": [0.0]}
    f.defvjp(lambda p: (f(p), p), lambda p, g: ({"w": g},))
    with pytest.raises(TypeError, match="for argument 0"):
        functrans.grad(f)({"w": 2.0, "b": [3.0]})
