"""jacobian(mode="mixed") and jacobian_plan: values equal jacfwd, the plan's predicted passes
are the passes made, auto takes mixed mode only through a bottleneck, jit/vmap composition."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functrans
import functrans.numpy as fnp
from functrans._src import jacobian as jacobian_module

RTOL, ATOL = 1e-12, 1e-13
rng = np.random.default_rng(0)
N, K = 60, 3
A = rng.standard_normal((N, N)) / np.sqrt(N)
B = rng.standard_normal((K, N)) / np.sqrt(N)
C = rng.standard_normal((N, K)) / np.sqrt(K)
D = rng.standard_normal((N, N)) / np.sqrt(N)


def hourglass(x):  # an autoencoder: R^N -> R^K -> R^N
    z = fnp.tanh(B @ fnp.tanh(A @ x))
    return D @ fnp.tanh(C @ z)


def double_hourglass(x):  # two bottlenecks (K, then 1) and wide layers around them
    z = fnp.tanh(B @ fnp.sin(A @ x))
    h = fnp.tanh(C @ z)
    w = fnp.sin(h[:1] * fnp.sum(D @ h))
    y = fnp.cos(D[:, :1] @ w)
    for _ in range(4):
        y = fnp.tanh(D @ y)
    return y


def wide(x):  # no bottleneck
    return fnp.tanh(A @ x) * x


@pytest.fixture
def batch_sizes(monkeypatch):
    """The batch sizes of the batched JVPs/VJPs the Jacobians push through (a batch of one
    is a plain call, also counted), on the normal eager path (the eager tape would run a
    compiled program of the same passes)."""
    from functrans._src import tape

    sizes = []
    real = jacobian_module._map_basis
    monkeypatch.setattr(tape, "MODE", "off")

    def counting(fun, basis, size):
        sizes.append(size)
        return real(fun, basis, size)

    monkeypatch.setattr(jacobian_module, "_map_basis", counting)
    return sizes


@pytest.mark.parametrize("f", [hourglass, double_hourglass, wide])
def test_mixed_equals_jacfwd(f):
    x = rng.standard_normal(N)
    J = functrans.jacfwd(f)(x)
    np.testing.assert_allclose(functrans.jacobian(f, mode="mixed")(x), J, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(functrans.jacobian(f)(x), J, rtol=RTOL, atol=ATOL)


def test_hourglass_plan_goes_through_the_bottleneck(batch_sizes):
    x = rng.standard_normal(N)
    plan = functrans.jacobian_plan(hourglass)(x)
    assert plan.strategy == "mixed"
    assert [(s.mode, s.passes) for s in plan.steps()] == [("rev", K), ("fwd", K)]
    assert plan.passes == 2 * K
    assert min(size for _, size, _ in plan.cuts) == K
    text = str(plan)
    assert "chosen  : mixed" in text and f"{2 * K} passes" in text
    batch_sizes.clear()
    functrans.jacobian(hourglass, mode="mixed")(x)
    assert sorted(batch_sizes) == sorted(s.passes for s in plan.steps())
    batch_sizes.clear()
    functrans.jacobian(hourglass)(x)  # auto takes the plan too
    assert sum(batch_sizes) == plan.passes


def test_double_hourglass_brackets_three_segments(batch_sizes):
    x = rng.standard_normal(N)
    plan = functrans.jacobian_plan(double_hourglass)(x)
    steps = plan.steps()
    assert plan.strategy == "mixed" and len(steps) == 3
    assert plan.passes < min(plan.n, plan.m)
    batch_sizes.clear()
    functrans.jacobian(double_hourglass, mode="mixed")(x)
    assert sum(batch_sizes) == plan.passes


def test_auto_keeps_pure_modes_without_a_bottleneck(batch_sizes):
    x = rng.standard_normal(N)
    plan = functrans.jacobian_plan(wide)(x)
    assert plan.strategy == "fwd" and plan.passes == N
    batch_sizes.clear()
    functrans.jacobian(wide)(x)
    assert batch_sizes == [N]
    # R^N -> R^2: reverse mode
    assert functrans.jacobian_plan(lambda x: (A @ x)[:2])(x).strategy == "rev"


def test_pytrees_argnums_and_output_structure():
    def f(a, b):
        h = fnp.tanh(B @ (A @ a) + b[0])
        return {"u": C @ h, "v": fnp.sum(h) * b}

    a, b = rng.standard_normal(N), rng.standard_normal(2)
    for argnums in (0, 1, (0, 1)):
        got = functrans.jacobian(f, argnums=argnums, mode="mixed")(a, b)
        want = functrans.jacfwd(f, argnums=argnums)(a, b)
        for g_leaf, w_leaf in zip(functrans.tree_util.tree_leaves(got), functrans.tree_util.tree_leaves(want)):
            assert g_leaf.shape == w_leaf.shape
            np.testing.assert_allclose(g_leaf, w_leaf, rtol=RTOL, atol=ATOL)


def test_seed_examples_in_mixed_mode():
    def fg(v):
        return fnp.stack([3 * v[0] ** 2 * v[1], 2 * v[0] + v[1] ** 8])

    x, y = 1.0, 2.0
    np.testing.assert_allclose(
        functrans.jacobian(fg, mode="mixed")(np.array([x, y])),
        np.array([[6 * x * y, 3 * x**2], [2.0, 8 * y**7]]),
        rtol=1e-12,
    )
    W1, W2 = rng.standard_normal((5, 3)), rng.standard_normal((2, 5))
    x = rng.standard_normal(3)
    J = functrans.jacobian(lambda x: fnp.sin(W2 @ fnp.tanh(W1 @ x)), mode="mixed")(x)
    h = np.tanh(W1 @ x)
    np.testing.assert_allclose(J, (np.cos(W2 @ h)[:, None] * W2) @ ((1 - h**2)[:, None] * W1), rtol=1e-12)


def test_compose_with_jit_and_vmap():
    x = rng.standard_normal(N)
    J = functrans.jacfwd(hourglass)(x)
    jitted = functrans.jit(functrans.jacobian(hourglass, mode="mixed"))
    np.testing.assert_allclose(jitted(x), J, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(jitted(2 * x), functrans.jacfwd(hourglass)(2 * x), rtol=RTOL, atol=ATOL)
    xs = rng.standard_normal((3, N))
    V = functrans.vmap(functrans.jacobian(hourglass, mode="mixed"))(xs)
    for i in range(3):
        np.testing.assert_allclose(V[i], functrans.jacfwd(hourglass)(xs[i]), rtol=RTOL, atol=ATOL)
    # a jitted bottleneck inside the function: the cut is found around the jit's program
    inner = functrans.jit(lambda x: fnp.tanh(B @ x))
    np.testing.assert_allclose(
        functrans.jacobian(lambda x: C @ inner(x), mode="mixed")(x), C @ functrans.jacfwd(inner)(x), rtol=RTOL
    )


def test_errors_and_fallbacks():
    with pytest.raises(ValueError, match="'mixed'"):
        functrans.jacobian(hourglass, mode="sideways")
    with pytest.raises(NotImplementedError, match="has_aux"):
        functrans.jacobian(hourglass, mode="mixed", has_aux=True)
    with pytest.raises(TypeError, match="floating dtype"):
        functrans.jacobian(hourglass, mode="mixed")(np.arange(N))

    def branchy(x):  # Python control flow on values: cannot be planned, auto falls back
        return x * 2 if float(x[0]) > 0 else x

    x = np.ones(4)
    np.testing.assert_allclose(functrans.jacobian(branchy)(x), 2 * np.eye(4))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 40), min_size=2, max_size=6), st.integers(0, 2**16))
def test_random_chains_equal_jacfwd_with_predicted_passes(widths, seed):
    r = np.random.default_rng(seed)
    Ws = [r.standard_normal((b, a)) / np.sqrt(a) for a, b in zip(widths[:-1], widths[1:])]

    def chain(x):
        for i, W in enumerate(Ws):
            x = W @ (fnp.tanh(x) if i % 2 else fnp.sin(x) * x)
        return x

    x = r.standard_normal(widths[0])
    J = functrans.jacfwd(chain)(x)
    plan = functrans.jacobian_plan(chain)(x)
    sizes = []
    real = jacobian_module._map_basis

    def counting(fun, basis, size):
        sizes.append(size)
        return real(fun, basis, size)

    from functrans._src import tape

    jacobian_module._map_basis = counting
    prev = tape.set_mode("off")  # the normal eager path's passes
    try:
        got = functrans.jacobian(chain, mode="mixed")(x)
    finally:
        tape.set_mode(prev)
        jacobian_module._map_basis = real
    np.testing.assert_allclose(got, J, rtol=1e-10, atol=1e-12)
    assert sum(sizes) == sum(s.passes for s in plan.steps())
    assert plan.passes <= min(widths[0], widths[-1]) or plan.strategy != "mixed"
