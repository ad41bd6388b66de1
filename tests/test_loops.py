"""functrans.lax loops: scan, fori_loop, while_loop, map, switch -- values against Python
loops, derivatives (check_grads to second order), vmap against a loop, jit, compositions,
an RK4 integrator pinned to the analytic sensitivity of a linear ODE, and errors."""

import math

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans.test_util import check_grads

rng = np.random.default_rng(3)
W = rng.normal(size=(3, 3)) * 0.5
XS = rng.normal(size=(5, 3))
H0 = rng.normal(size=3)


def rnn(h0, w, xs, reverse=False):
    def step(h, x):
        h2 = fnp.tanh(h @ w + x)
        return h2, fnp.sum(h2**2)

    h, ys = lax.scan(step, h0, xs, reverse=reverse)
    return fnp.sum(h) + fnp.sum(ys * fnp.arange(1.0, 6.0))


def rnn_ref(h0, w, xs, reverse=False):
    h, ys = h0, []
    for x in xs[::-1] if reverse else xs:
        h = np.tanh(h @ w + x)
        ys.append(np.sum(h**2))
    ys = np.array(ys[::-1] if reverse else ys)
    return np.sum(h) + np.sum(ys * np.arange(1.0, 6.0))


# --------------------------------------------------------------------------- scan values


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_values_against_a_python_loop(reverse):
    np.testing.assert_allclose(rnn(H0, W, XS, reverse), rnn_ref(H0, W, XS, reverse), rtol=1e-13)
    np.testing.assert_allclose(functrans.jit(rnn, static_argnums=3)(H0, W, XS, reverse), rnn_ref(H0, W, XS, reverse))


def test_scan_pytrees_none_xs_and_empty():
    def step(c, x):
        a, (b, n) = c["a"], c["bn"]
        return {"a": a + x["u"] * b, "bn": (b * 0.5, n + 1)}, (a, {"v": x["v"] * 2.0})

    init = {"a": np.zeros(2), "bn": (1.0, 0)}
    xs = {"u": np.arange(6.0).reshape(3, 2), "v": np.arange(3)}
    carry, (ys_a, ys_d) = lax.scan(step, init, xs)
    a, b, n, want_a = np.zeros(2), 1.0, 0, []
    for u in xs["u"]:
        want_a.append(a)
        a, b, n = a + u * b, b * 0.5, n + 1
    np.testing.assert_allclose(carry["a"], a)
    assert carry["bn"][1] == 3 and carry["bn"][1].dtype == np.int64
    np.testing.assert_allclose(ys_a, np.stack(want_a))
    np.testing.assert_array_equal(ys_d["v"], np.arange(3) * 2)
    # xs=None with length; ys=None
    c, ys = lax.scan(lambda c, _: (c * 2.0, None), 1.0, None, length=4)
    assert c == 16.0 and ys is None
    # zero steps: the carry comes back, ys are empty
    c, ys = lax.scan(lambda c, x: (c + x, c * x), np.ones(2), np.zeros((0, 2)))
    np.testing.assert_array_equal(c, np.ones(2))
    assert ys.shape == (0, 2)
    # a Python-float initial carry takes the dtype the body gives it (as JAX)
    c, _ = lax.scan(lambda c, x: (c * x, None), 1.0, np.ones(3, np.float32))
    assert c.dtype == np.float32


def test_scan_is_traced_once_and_jit_size_does_not_grow_with_length():
    calls = []

    def step(c, x):
        calls.append(1)
        return fnp.sin(c) * x, c

    def f(xs):
        return lax.scan(step, 0.5, xs)[0]

    sizes = []
    for T in (10, 1000):
        xs = np.linspace(0.1, 1.0, T)
        calls.clear()
        f(xs)
        assert len(calls) == 1
        ir = functrans.make_ir(functrans.grad(f))(xs)
        sizes.append(len(ir.eqns))
        assert len(functrans.jit(functrans.grad(f)).lower(xs).ir.eqns) == len(
            functrans.jit(functrans.grad(f)).lower(xs[:3]).ir.eqns
        )
    assert sizes[0] == sizes[1]


# --------------------------------------------------------------------------- scan derivatives


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_check_grads_second_order_both_modes(reverse):
    check_grads(lambda h, w, xs: rnn(h, w, xs, reverse), (H0, W, XS), order=2, modes=("fwd", "rev"))


def test_scan_gradient_against_finite_differences_of_the_loop():
    g = functrans.grad(rnn, argnums=(0, 1, 2))(H0, W, XS)
    eps = 1e-6
    for arg, gi in zip(range(3), g):
        args = [H0, W, XS]
        base = args[arg]
        num = np.zeros_like(base)
        for idx in np.ndindex(base.shape):
            p, m = base.copy(), base.copy()
            p[idx] += eps
            m[idx] -= eps
            num[idx] = (rnn_ref(*[p if k == arg else a for k, a in enumerate(args)])
                        - rnn_ref(*[m if k == arg else a for k, a in enumerate(args)])) / (2 * eps)  # fmt: skip
        np.testing.assert_allclose(gi, num, rtol=1e-6, atol=1e-8)


def test_scan_jit_grad_equals_eager_grad_and_only_known_work_is_stored():
    g = functrans.grad(rnn, argnums=(0, 1, 2))
    for a, b in zip(functrans.jit(g)(H0, W, XS), g(H0, W, XS)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    for a, b in zip(functrans.grad(functrans.jit(rnn), argnums=(0, 1, 2))(H0, W, XS), g(H0, W, XS)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    # reverse mode = a forward scan storing residuals, then a reversed scan (no unrolling)
    ir = functrans.make_ir(g)(H0, W, XS)
    scans = [e for e in ir.eqns if e.prim.name == "scan"]
    assert [e.params["reverse"] for e in scans] == [False, True]
    # the weights are loop-invariant: passed to the backward scan once, not stacked per step
    assert all(e.params["num_consts"] >= 1 for e in scans)


def test_carry_tangent_becomes_nonzero_inside_the_loop():
    # the initial carry is a constant; only the consts give it a tangent
    def f(w):
        return lax.scan(lambda c, x: (c * w + x, c), 0.0, np.arange(1.0, 4.0))[0]

    check_grads(f, (0.7,), order=2, modes=("fwd", "rev"))
    np.testing.assert_allclose(functrans.grad(f)(0.7), 2 * 0.7 * 1 + 2.0)  # c = w^2 + 2w + 3


def test_integer_carries_and_xs_are_not_differentiated():
    def f(x):
        def step(c, k):
            i, v = c
            return (i + 1, v * x + k.astype(np.float64) * i.astype(np.float64)), i

        (_, v), ids = lax.scan(step, (0, 1.0), np.arange(4))
        return v + fnp.sum(ids.astype(np.float64))

    check_grads(f, (0.9,), order=2, modes=("fwd", "rev"))


def test_hessian_through_scan_and_nested_scans():
    def f(x):
        def outer(c, row):
            inner_c, _ = lax.scan(lambda a, v: (fnp.sin(a * v + c), None), c, row)
            return inner_c, inner_c**2

        c, ys = lax.scan(outer, x[0], fnp.reshape(x, (2, 2)))
        return c + fnp.sum(ys)

    def f_ref(x):
        c = x[0]
        tot = 0.0
        for row in x.reshape(2, 2):
            a = c
            for v in row:
                a = np.sin(a * v + c)
            c = a
            tot += c**2
        return c + tot

    x = np.array([0.3, -0.4, 0.8, 0.5])
    np.testing.assert_allclose(f(x), f_ref(x), rtol=1e-13)
    check_grads(f, (x,), order=2, modes=("fwd", "rev"))
    h = functrans.hessian(f)(x)
    np.testing.assert_allclose(h, h.T, atol=1e-12)
    np.testing.assert_allclose(functrans.jit(functrans.hessian(f))(x), h, rtol=1e-10)
    eps = 1e-5
    g = functrans.grad(f)
    num = np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(4)])
    np.testing.assert_allclose(h, num, rtol=1e-6, atol=1e-7)


def test_jit_and_grad_inside_the_body():
    inner = functrans.jit(lambda c, w: fnp.tanh(c * w))

    def f(w):
        def step(c, x):
            d = functrans.grad(lambda z: fnp.sin(z * x))(c)  # a derivative inside the body
            return inner(c, w) + 0.1 * d, d

        c, ds = lax.scan(step, 0.5, np.linspace(0.1, 1.0, 4))
        return c + fnp.sum(ds)

    def f_ref(w):
        c, tot = 0.5, 0.0
        for x in np.linspace(0.1, 1.0, 4):
            d = x * np.cos(c * x)
            c = np.tanh(c * w) + 0.1 * d
            tot += d
        return c + tot

    np.testing.assert_allclose(f(0.8), f_ref(0.8), rtol=1e-13)
    np.testing.assert_allclose(functrans.jit(f)(0.8), f_ref(0.8), rtol=1e-13)
    check_grads(f, (0.8,), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- scan and vmap


def test_vmap_of_scan_against_a_loop():
    hs = rng.normal(size=(4, 3))
    xss = rng.normal(size=(4, 5, 3))
    ws = rng.normal(size=(4, 3, 3)) * 0.5
    cases = [
        ((0, None, None), (hs, W, XS)),
        ((None, None, 0), (H0, W, xss)),
        ((None, 0, None), (H0, ws, XS)),
        ((0, 2, 1), (hs, np.moveaxis(ws, 0, 2), np.moveaxis(xss, 0, 1))),
    ]
    for axes, args in cases:
        got = functrans.vmap(rnn, axes)(*args)
        want = [rnn_ref(*[a if ax is None else np.take(a, k, axis=ax) for a, ax in zip(args, axes)])
                for k in range(4)]  # fmt: skip
        np.testing.assert_allclose(got, want, rtol=1e-12)
        np.testing.assert_allclose(functrans.jit(functrans.vmap(rnn, axes))(*args), want, rtol=1e-12)


def test_vmap_ys_and_carries_come_out_batched_where_they_should():
    def f(c0, xs):
        return lax.scan(lambda c, x: (c + x, (c, 2.0 * np.ones(2))), c0, xs)

    c, (ys, const) = functrans.vmap(f, (0, None))(np.arange(3.0), np.ones(4))
    np.testing.assert_allclose(c, np.arange(3.0) + 4)
    np.testing.assert_allclose(ys, np.arange(3.0)[:, None] + np.arange(4.0))
    assert const.shape == (3, 4, 2)


def test_grad_of_vmap_and_vmap_of_grad_of_scan():
    hs = rng.normal(size=(4, 3))

    def batch_loss(w):
        return fnp.sum(functrans.vmap(rnn, (0, None, None))(hs, w, XS))

    g = functrans.grad(batch_loss)(W)
    want = sum(functrans.grad(rnn, argnums=1)(h, W, XS) for h in hs)
    np.testing.assert_allclose(g, want, rtol=1e-12)
    check_grads(batch_loss, (W,), order=2, modes=("fwd", "rev"))
    per = functrans.vmap(functrans.grad(rnn, argnums=1), (0, None, None))(hs, W, XS)
    np.testing.assert_allclose(per, np.stack([functrans.grad(rnn, argnums=1)(h, W, XS) for h in hs]), rtol=1e-12)


# --------------------------------------------------------------------------- RK4: a pinned sensitivity


def rk4_flow(x0, a, t_end, n_steps):
    h = t_end / n_steps

    def f(x):
        return a @ x

    def step(x, _):
        k1 = f(x)
        k2 = f(x + 0.5 * h * k1)
        k3 = f(x + 0.5 * h * k2)
        k4 = f(x + h * k3)
        return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4), None

    return lax.scan(step, x0, None, length=n_steps)[0]


def test_rk4_sensitivity_matches_the_analytic_solution_of_a_linear_ode():
    # dx/dt = A x with A a rotation generator: d x(T) / d x(0) = expm(A T), in closed form
    t_end, n = 2.0, 200
    a = np.array([[0.0, 1.0], [-1.0, 0.0]])
    exact = np.array([[math.cos(t_end), math.sin(t_end)], [-math.sin(t_end), math.cos(t_end)]])
    x0 = np.array([1.0, 0.5])
    jr = functrans.jacrev(rk4_flow)(x0, a, t_end, n)
    jf = functrans.jacfwd(rk4_flow)(x0, a, t_end, n)
    np.testing.assert_allclose(jr, exact, atol=1e-10)  # RK4's global error ~ (T/n)^4
    np.testing.assert_allclose(jf, jr, rtol=1e-12, atol=1e-14)
    # and exactly the RK4 propagator (I + hA + (hA)^2/2 + (hA)^3/6 + (hA)^4/24)^n
    ha = a * (t_end / n)
    step = np.eye(2) + ha + ha @ ha / 2 + ha @ ha @ ha / 6 + ha @ ha @ ha @ ha / 24
    np.testing.assert_allclose(jr, np.linalg.matrix_power(step, n), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(functrans.jit(functrans.jacrev(rk4_flow), static_argnums=3)(x0, a, t_end, n), jr)


def test_rk4_sensitivity_with_scipy_expm():
    linalg = pytest.importorskip("scipy.linalg")
    a = np.array([[-0.5, 1.0, 0.2], [-1.0, -0.1, 0.3], [0.0, 0.4, -0.8]])
    x0 = np.array([1.0, -1.0, 0.5])
    jr = functrans.jacrev(rk4_flow)(x0, a, 1.5, 150)
    np.testing.assert_allclose(jr, linalg.expm(a * 1.5), atol=1e-9)
    # sensitivity to A as well: d x(T)/dA by reverse mode against forward mode
    ja_r = functrans.jacrev(rk4_flow, argnums=1)(x0, a, 1.5, 150)
    ja_f = functrans.jacfwd(rk4_flow, argnums=1)(x0, a, 1.5, 150)
    np.testing.assert_allclose(ja_r, ja_f, rtol=1e-11, atol=1e-13)


# --------------------------------------------------------------------------- fori_loop


def test_fori_loop_static_bounds_is_a_reverse_differentiable_scan():
    def f(x):
        return lax.fori_loop(0, 4, lambda i, c: fnp.sin(c) * x + i, x)

    def f_ref(x):
        c = x
        for i in range(4):
            c = np.sin(c) * x + i
        return c

    x = np.array([0.3, 0.9])
    np.testing.assert_allclose(f(x), f_ref(x), rtol=1e-13)
    assert "scan" in [e.prim.name for e in functrans.make_ir(f)(x).eqns]
    check_grads(f, (x,), order=2, modes=("fwd", "rev"))
    jr = functrans.jacrev(f)(x)
    np.testing.assert_allclose(functrans.jacfwd(f)(x), jr, rtol=1e-12)
    assert lax.fori_loop(0, 5, lambda i, c: c + i, 0) == 10
    assert lax.fori_loop(5, 0, lambda i, c: c + i, 0.0) == 0.0
    # as JAX (x64): concrete bounds become Python ints, so i is a weak int64 whatever their dtype
    assert lax.fori_loop(np.int32(0), 3, lambda i, c: c + i, 0).dtype == np.int64
    assert lax.fori_loop(np.int32(0), 3, lambda i, c: c + i, np.int32(0)).dtype == np.int32


def test_fori_loop_traced_bounds_is_a_while_loop():
    def f(x, n):
        return lax.fori_loop(0, n, lambda i, c: c * x + i.astype(np.float64), 1.0)

    def f_ref(x, n):
        c = 1.0
        for i in range(n):
            c = c * x + i
        return c

    jf = functrans.jit(f)
    for n in (0, 1, 4):
        np.testing.assert_allclose(jf(0.7, n), f_ref(0.7, n), rtol=1e-13)
    assert "while" in [e.prim.name for e in jf.lower(0.7, 3).ir.eqns]
    d = functrans.jit(functrans.jacfwd(f))(0.7, 4)
    eps = 1e-6
    np.testing.assert_allclose(d, (f_ref(0.7 + eps, 4) - f_ref(0.7 - eps, 4)) / (2 * eps), rtol=1e-7)
    with pytest.raises(ValueError, match="Reverse-mode differentiation does not work for lax.while_loop"):
        functrans.jit(functrans.grad(f))(0.7, 4)


# --------------------------------------------------------------------------- while_loop


def newton_sqrt(a):
    # trip count depends on the value
    def cond(c):
        x, k = c
        return fnp.logical_and(fnp.abs(x * x - a) > 1e-12 * a, k < 100)

    def body(c):
        x, k = c
        return (0.5 * (x + a / x), k + 1)

    return lax.while_loop(cond, body, (a, 0))


def test_while_loop_values_and_forward_mode_with_a_value_dependent_trip_count():
    for a in (2.0, 50.0):
        x, k = newton_sqrt(a)
        np.testing.assert_allclose(x, math.sqrt(a), rtol=1e-14)
        assert k > 2
        np.testing.assert_allclose(functrans.jit(newton_sqrt)(a)[0], math.sqrt(a), rtol=1e-14)
        _, t = functrans.jvp(lambda v: newton_sqrt(v)[0], (a,), (1.0,))
        np.testing.assert_allclose(t, 0.5 / math.sqrt(a), rtol=1e-10)
        np.testing.assert_allclose(functrans.jacfwd(lambda v: newton_sqrt(v)[0])(a), 0.5 / math.sqrt(a), rtol=1e-10)

    def g(x, w):
        return lax.while_loop(lambda c: c[1] < 3, lambda c: (fnp.sin(c[0] * w) + c[0], c[1] + 1), (x, 0))[0]

    check_grads(g, (np.array([0.2, 0.5]), 0.7), order=2, modes=("fwd",))


def test_while_loop_reverse_mode_raises_as_jax():
    with pytest.raises(ValueError, match="Try using lax.scan, or using fori_loop with static start/stop"):
        functrans.grad(lambda v: newton_sqrt(v)[0])(2.0)
    # the state is intact afterwards
    np.testing.assert_allclose(functrans.grad(lambda v: rnn(H0, W, XS) * v)(1.0), rnn_ref(H0, W, XS))


def test_while_loop_vmap_with_a_batched_predicate_freezes_finished_examples():
    def f(n, x):
        return lax.while_loop(lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * 2.0 + x), (0, 1.0))

    ns, xs = np.array([1, 3, 5]), np.array([0.5, 1.0, -1.0])
    ks, vs = functrans.vmap(f)(ns, xs)
    np.testing.assert_array_equal(ks, ns)
    want = []
    for n, x in zip(ns, xs):
        v = 1.0
        for _ in range(n):
            v = v * 2.0 + x
        want.append(v)
    np.testing.assert_allclose(vs, want)
    np.testing.assert_allclose(functrans.jit(functrans.vmap(f))(ns, xs)[1], want)
    # predicate not batched, carry batched through the body only
    ks, vs = functrans.vmap(f, (None, 0))(3, xs)
    np.testing.assert_array_equal(ks, 3)
    np.testing.assert_allclose(vs, 8.0 + 7.0 * xs)
    # forward mode under vmap
    d = functrans.vmap(functrans.jacfwd(lambda n, x: f(n, x)[1], argnums=1))(ns, xs)
    np.testing.assert_allclose(d, 2.0**ns - 1)


# --------------------------------------------------------------------------- switch and map


def test_switch_values_clamping_vmap_and_grads():
    branches = [lambda x: fnp.sin(x), lambda x: x**2, lambda x: fnp.exp(-x)]
    x = np.array([0.3, -0.7])
    for i, want in [(-3, np.sin(x)), (0, np.sin(x)), (1, x**2), (2, np.exp(-x)), (9, np.exp(-x))]:
        np.testing.assert_allclose(lax.switch(i, branches, x), want)
        np.testing.assert_allclose(functrans.jit(lambda i, x: lax.switch(i, branches, x))(i, x), want)
    idx = np.array([2, -1, 1, 5])
    xs = rng.normal(size=(4, 2))
    got = functrans.vmap(lambda i, x: lax.switch(i, branches, x))(idx, xs)
    want = np.stack([branches[min(max(i, 0), 2)](x) for i, x in zip(idx, xs)])
    np.testing.assert_allclose(got, want)
    sw = functrans.jit(lambda i, x: lax.switch(i, branches, x))
    for i in range(3):
        check_grads(lambda x, i=i: sw(i, x), (x,), order=2, modes=("fwd", "rev"))
    g = functrans.vmap(functrans.grad(lambda i, x: fnp.sum(lax.switch(i, branches, x)), argnums=1))(idx, xs)
    np.testing.assert_allclose(g[2], 2 * xs[2])


def test_map_values_batch_size_and_grads():
    xs = rng.normal(size=(5, 3))
    np.testing.assert_allclose(lax.map(lambda x: fnp.sum(x**2), xs), np.sum(xs**2, axis=1))
    np.testing.assert_allclose(lax.map(lambda x: x * 2.0, xs, batch_size=2), xs * 2.0)
    check_grads(lambda xs: lax.map(lambda x: fnp.tanh(x) * x[0], xs), (xs,), order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- errors


def test_carry_type_errors_name_the_leaf_with_jax_wording():
    with pytest.raises(
        TypeError,
        match=r"The input carry c has type float64\[2\] but the corresponding output "
        r"carry component has type float64\[3\], so the shapes do not match",
    ):
        lax.scan(lambda c, x: (fnp.ones(3), x), np.ones(2), np.arange(3.0))
    with pytest.raises(
        TypeError,
        match=r"carry component c\['b'\] has type float64\[2\].*float32\[2\], so the "
        "dtypes do not match",
    ):
        lax.scan(lambda c, x: ({"a": c["a"], "b": c["b"].astype(np.float32)}, x),
                 {"a": np.ones(2), "b": np.ones(2)}, np.arange(3.0))  # fmt: skip
    with pytest.raises(TypeError, match="must have the same pytree structure"):
        lax.scan(lambda c, x: ((c, c), x), np.ones(2), np.arange(3.0))
    with pytest.raises(TypeError, match=r"loop_carry\[1\]"):
        lax.fori_loop(0, 3, lambda i, c: c.astype(np.float32), np.ones(2))
    with pytest.raises(TypeError, match="while_loop body function carry input and carry output"):
        lax.while_loop(lambda c: c < 3.0, lambda c: fnp.ones(2), 1.0)
    with pytest.raises(TypeError, match="cond_fun must return a boolean scalar"):
        lax.while_loop(lambda c: c, lambda c: c, 1.0)
    # cond's branches are checked even for a concrete predicate
    with pytest.raises(
        TypeError,
        match=r"The output of true_fun has type float64\[2\] but the corresponding "
        r"output of false_fun has type float64\[3\]",
    ):
        lax.cond(True, lambda x: x, lambda x: fnp.ones(3), np.ones(2))
    with pytest.raises(TypeError, match="switch branches must have equal output types"):
        lax.switch(0, [lambda x: x, lambda x: x.astype(np.float32)], np.ones(2))
    # and inside a transformation, the state is intact afterwards
    with pytest.raises(TypeError, match="carry"):
        functrans.grad(lambda w: lax.scan(lambda c, x: (fnp.ones(3) * w, x), np.ones(2), XS)[0][0])(1.0)
    np.testing.assert_allclose(rnn(H0, W, XS), rnn_ref(H0, W, XS))
    np.testing.assert_allclose(functrans.grad(lambda v: rnn(H0, W, XS) * v)(1.0), rnn_ref(H0, W, XS))


def test_scan_argument_errors():
    with pytest.raises(ValueError, match="got no values to scan over and `length` not provided"):
        lax.scan(lambda c, x: (c, x), 1.0, None)
    with pytest.raises(ValueError, match="different leading axis sizes: 3, 4"):
        lax.scan(lambda c, x: (c, x), 1.0, (np.arange(3.0), np.arange(4.0)))
    with pytest.raises(ValueError, match="`length` argument of 4 which disagrees with leading axis sizes"):
        lax.scan(lambda c, x: (c, x), 1.0, np.arange(3.0), length=4)
    with pytest.raises(ValueError, match="no leading axis"):
        lax.scan(lambda c, x: (c, x), 1.0, 3.0)
    with pytest.raises(TypeError, match="must be a pair"):
        lax.scan(lambda c, x: c, 1.0, np.arange(3.0))
    with pytest.raises(TypeError, match="must be an integer"):
        lax.switch(1.5, [lambda x: x], 1.0)
    with pytest.raises(ValueError, match="empty branch"):
        lax.switch(0, [], 1.0)
    with pytest.raises(TypeError, match="lower and upper arguments to fori_loop"):
        lax.fori_loop(0, 3.0, lambda i, c: c, 0.0)


def test_linear_transpose_of_a_linear_scan():
    def f(x):
        return lax.scan(lambda c, v: (0.5 * c + v, 2.0 * c), 0.0, x)

    x = np.arange(4.0)
    (ct_x,) = functrans.linear_transpose(f, x)((1.0, np.ones(4)))
    jac = functrans.jacfwd(lambda x: fnp.concatenate([fnp.reshape(f(x)[0], (1,)), f(x)[1]], 0))(x)
    np.testing.assert_allclose(ct_x, jac.T @ np.ones(5), rtol=1e-14)
    np.testing.assert_allclose(ct_x, [3.625, 3.25, 2.5, 1.0])


def test_loop_invariant_residuals_are_computed_once_not_stacked():
    # vmap batches w inside the body with a reshape of w alone: loop-invariant work whose
    # result the backward scan needs; it is computed once (a "scan_invariants" program)
    xs = np.linspace(0.1, 1.0, 12).reshape(4, 3)

    def f(w):
        return fnp.sum(lax.scan(lambda c, x: (fnp.sin(c * w) + x, None), np.ones(3), xs)[0])

    def g(ws):
        return fnp.sum(functrans.vmap(f)(ws))

    ws = np.array([0.4, 0.5])
    check_grads(g, (ws,), order=2, modes=("fwd", "rev"))
    ir = functrans.make_ir(functrans.grad(g))(ws)
    fwd = next(e for e in ir.eqns if e.prim.name == "scan")
    assert [v.aval.shape for v in fwd.outvars[1:]] == [(4, 2, 3), (4, 2, 3)]  # per-step residuals only
    inv = [e for e in ir.eqns if e.prim.name == "jit"]
    assert len(inv) == 1 and inv[0].params["name"] == "scan_invariants"


def test_disable_jit_runs_loops_in_python():
    seen = []

    def step(c, x):
        seen.append(float(c))  # a concrete value: the body runs step by step
        return c * 2.0 + x, c

    with functrans.disable_jit():
        c, ys = lax.scan(step, 1.0, np.arange(3.0), reverse=True)
        w = lax.while_loop(lambda v: v < 10.0, lambda v: v * 3.0, 1.0)
        k = functrans.vmap(lambda n: lax.while_loop(lambda v: v < n, lambda v: v + 1, 0))(np.array([1, 3]))
    assert seen == [1.0, 4.0, 9.0]
    np.testing.assert_allclose(ys, [9.0, 4.0, 1.0])
    assert c == 18.0 and w == 27.0
    np.testing.assert_array_equal(k, [1, 3])
    np.testing.assert_allclose(lax.scan(lambda c, x: (c * 2.0 + x, c), 1.0, np.arange(3.0), reverse=True)[1], ys)


def _typecheck_all(ir):
    functrans.typecheck_ir(ir)
    for e in ir.eqns:
        for v in e.params.values():
            for sub in v if isinstance(v, tuple) else (v,):
                if isinstance(sub, type(ir)):
                    _typecheck_all(sub)


def test_every_derived_program_typechecks():
    hs = rng.normal(size=(2, 3))
    for fn, args in [
        (functrans.grad(rnn, argnums=(0, 1, 2)), (H0, W, XS)),
        (functrans.hessian(lambda w: rnn(H0, w, XS)), (W,)),
        (functrans.vmap(functrans.grad(rnn, argnums=1), (0, None, None)), (hs, W, XS)),
        (functrans.jacfwd(lambda v: newton_sqrt(v)[0]), (2.0,)),
        (functrans.vmap(lambda n: lax.while_loop(lambda c: c < n, lambda c: c + 1, 0)), (np.array([1, 2]),)),
    ]:
        _typecheck_all(functrans.make_ir(fn)(*args))


def test_jit_drops_unused_scan_results_and_the_work_they_need():
    def loss(w, xs):
        _, (ys, _) = lax.scan(lambda c, x: (fnp.tanh(c * w + x), (fnp.sin(c) ** 2, fnp.exp(c) * 3.0)), np.zeros(3), xs)
        return fnp.sum(ys)

    g = functrans.jit(functrans.grad(loss))
    lowered = g.lower(0.5, XS)
    fwd = next(e for e in lowered.ir.eqns if e.prim.name == "scan")
    body_prims = [e.prim.name for e in fwd.params["body"].eqns]
    assert "exp" not in body_prims  # the unused ys (and, under grad, the loss value's ys) are gone
    np.testing.assert_allclose(g(0.5, XS), functrans.grad(loss)(0.5, XS), rtol=1e-13)
    # an unused carry that a used one depends on is kept
    f = functrans.jit(lambda xs: lax.scan(lambda c, x: ((c[0] + x, c[0] * c[1]), c[1]), (1.0, 2.0), xs)[1])
    np.testing.assert_allclose(f(np.arange(3.0)), [2.0, 2.0, 2.0])
    h = functrans.jit(lambda xs: lax.scan(lambda c, x: ((c[0] + x, c[1] * c[0]), c[1]), (1.0, 2.0), xs)[1])
    np.testing.assert_allclose(h(np.arange(1.0, 4.0)), [2.0, 2.0, 4.0])


def test_control_flow_nested_in_each_other():
    x = np.array([0.3, -0.2, 0.5])

    def cond_in_scan(x):
        def step(c, v):
            c2 = lax.cond(v > 0, lambda a: fnp.sin(a) * v, lambda a: a * a + v, c)
            return c2, fnp.sum(c2)

        c, ys = lax.scan(step, x, np.array([0.5, -0.3, 0.2, -0.1]))
        return fnp.sum(c) + fnp.sum(ys)

    check_grads(functrans.jit(cond_in_scan), (x,), order=2, modes=("fwd", "rev"))

    def switch_and_fori_in_scan(x):
        def step(c, i):
            c = lax.switch(i, [lambda a: a * 2.0, lambda a: fnp.sin(a), lambda a: a**3], c)
            return lax.fori_loop(0, 2, lambda j, a: a + fnp.cos(a) * 0.1, c), c[0]

        return lax.scan(step, x, np.array([0, 1, 2, 1]))

    jr = functrans.jacrev(lambda x: switch_and_fori_in_scan(x)[0])(x)
    np.testing.assert_allclose(functrans.jacfwd(lambda x: switch_and_fori_in_scan(x)[0])(x), jr, rtol=1e-12)
    check_grads(lambda x: switch_and_fori_in_scan(x)[1], (x,), order=2, modes=("fwd", "rev"))

    def while_in_scan(n, x):
        def step(c, v):
            k = lax.while_loop(lambda s: s[0] < n, lambda s: (s[0] + 1, s[1] + v), (0, c))[1]
            return k, k

        return lax.scan(step, 0.0, x)[1]

    ns, xs = np.array([1, 2, 4]), np.stack([x, 2 * x, x - 1])
    want = np.stack([np.cumsum(n * r) for n, r in zip(ns, xs)])
    np.testing.assert_allclose(functrans.jit(functrans.vmap(while_in_scan))(ns, xs), want, rtol=1e-13)
