"""jacobian_sparsity and sparse_jacobian: patterns never miss a nonzero, values equal jacfwd,
the number of passes is the number of colours, and composition with jit and vmap."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import functrans
import functrans.numpy as fnp
from functrans._src import api, coloring

try:
    import scipy.sparse as SP
except ImportError:  # SciPy is optional: results are dense arrays then
    SP = None


def _dense(S):
    """A sparse result as a dense array (results are dense already without SciPy)."""
    return S.toarray() if hasattr(S, "toarray") else np.asarray(S)


RTOL, ATOL = 1e-12, 1e-13

# --------------------------------------------------------------------------- structures


def banded(x):  # a 1-d diffusion residual: tridiagonal
    lap = fnp.concatenate([x[:1] * 0, x[2:] - 2 * x[1:-1] + x[:-2], x[-1:] * 0])
    return lap + fnp.sin(x) ** 2 - 0.1 * x


def block_diagonal(x):  # 4 blocks of 3: each block mixes within itself only
    b = fnp.reshape(x, (4, 3))
    return fnp.ravel(fnp.tanh(b) * fnp.sum(b**2, axis=1, keepdims=True))


def arrowhead(x):  # the first output sees everything, every input feeds the first
    return fnp.concatenate([fnp.sum(fnp.sin(x), keepdims=True), x[1:] ** 2 + x[:1]])


def diagonal(x):
    return fnp.exp(x) * 2.0


BLOCKS = np.kron(np.eye(3), np.ones((2, 2)))  # a constant block-diagonal matrix


def constant_sparse_matrix(x):  # dot_general pruned by a constant's zeros
    return fnp.tanh(BLOCKS @ x)


STRUCTURES = {
    "banded": (banded, 12, 3),
    "block_diagonal": (block_diagonal, 12, 3),
    "arrowhead": (arrowhead, 10, None),
    "diagonal": (diagonal, 7, 1),
    "constant_sparse_matrix": (constant_sparse_matrix, 6, 2),
}


def dense_jac(f, x):
    return np.asarray(functrans.jacfwd(f)(x)).reshape(-1, x.size)


@pytest.mark.parametrize("name", sorted(STRUCTURES))
def test_structures_pattern_values_and_passes(name):
    f, n, passes = STRUCTURES[name]
    x = np.random.default_rng(0).uniform(0.2, 1.0, n)
    J = dense_jac(f, x)
    pat = functrans.jacobian_sparsity(f, format="dense")(x)
    assert pat.shape == J.shape
    assert not np.any((J != 0) & ~pat), "the pattern misses a nonzero"
    for mode in ("fwd", "rev", "auto"):
        S = functrans.sparse_jacobian(f, mode=mode)(x)  # scipy.sparse when SciPy is installed
        if SP is not None:
            assert SP.issparse(S)
            S = S.toarray()
        np.testing.assert_allclose(S, J, rtol=RTOL, atol=ATOL)
    plan = functrans.sparse_jacobian(f).plan(x)
    if passes is not None:
        assert plan.passes == passes
    assert coloring.is_valid_coloring(*((plan.rows, plan.cols) if plan.mode == "fwd" else (plan.cols, plan.rows)),
                                      plan.colors)  # fmt: skip


def test_arrowhead_needs_both_modes_to_be_cheap():
    # a full row defeats column colouring, a full column defeats row colouring
    x = np.linspace(0.1, 1.0, 10)
    fwd = functrans.sparse_jacobian(arrowhead, mode="fwd").plan(x)
    rev = functrans.sparse_jacobian(arrowhead, mode="rev").plan(x)
    assert fwd.passes == 10 and rev.passes == 10
    auto = functrans.sparse_jacobian(arrowhead).plan(x)
    assert auto.passes == 10


def test_exact_pattern_of_banded_and_block_diagonal():
    x = np.ones(6)
    P = functrans.jacobian_sparsity(banded, format="dense")(x)
    expected = np.eye(6, dtype=bool) | np.eye(6, k=1, dtype=bool) | np.eye(6, k=-1, dtype=bool)
    expected[0, 1] = expected[-1, -2] = False  # the boundary rows only have the diagonal
    np.testing.assert_array_equal(P, expected)
    P = functrans.jacobian_sparsity(block_diagonal, format="dense")(np.ones(12))
    np.testing.assert_array_equal(P, np.kron(np.eye(4), np.ones((3, 3))).astype(bool))
    P = functrans.jacobian_sparsity(constant_sparse_matrix, format="dense")(np.ones(6))
    np.testing.assert_array_equal(P, BLOCKS.astype(bool))


def test_formats_and_pytrees():
    x = np.linspace(0.1, 1.0, 8)
    J = dense_jac(banded, x)
    rows, cols, vals = functrans.sparse_jacobian(banded, format="coo")(x)
    D = np.zeros_like(J)
    D[rows, cols] = vals
    np.testing.assert_allclose(D, J, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(functrans.sparse_jacobian(banded, format="dense")(x), J, rtol=RTOL, atol=ATOL)
    r, c = functrans.jacobian_sparsity(banded, format="coo")(x)
    assert set(zip(*np.nonzero(J))) <= set(zip(r.tolist(), c.tolist()))

    # several arguments and outputs: flattened and concatenated in order
    def f(a, b):
        return {"s": a * b[0, 0], "t": fnp.ravel(b) ** 2}

    a, b = np.array([1.0, 2.0, 3.0]), np.arange(4.0).reshape(2, 2) + 1
    S = _dense(functrans.sparse_jacobian(f, argnums=(0, 1))(a, b))
    jf = functrans.jacfwd(f, argnums=(0, 1))(a, b)
    expected = np.block([
        [jf["s"][0].reshape(3, 3), jf["s"][1].reshape(3, 4)],
        [jf["t"][0].reshape(4, 3), jf["t"][1].reshape(4, 4)],
    ])
    np.testing.assert_allclose(S, expected, rtol=RTOL, atol=ATOL)


def test_given_sparsity_is_checked():
    x = np.linspace(0.1, 1.0, 6)
    good = functrans.jacobian_sparsity(banded)(x)
    S = functrans.sparse_jacobian(banded, sparsity=good)(x)
    np.testing.assert_allclose(_dense(S), dense_jac(banded, x), rtol=RTOL, atol=ATOL)
    # a superset is fine (extra entries come out zero)
    S = functrans.sparse_jacobian(banded, sparsity=np.ones((6, 6)))(x)
    np.testing.assert_allclose(_dense(S), dense_jac(banded, x), rtol=RTOL, atol=ATOL)
    with pytest.raises(ValueError, match="misses .* structural nonzero"):
        functrans.sparse_jacobian(banded, sparsity=np.eye(6))(x)
    with pytest.raises(ValueError, match="shape"):
        functrans.sparse_jacobian(banded, sparsity=np.eye(5))(x)


def test_argument_errors():
    with pytest.raises(ValueError, match="mode"):
        functrans.sparse_jacobian(banded, mode="sideways")
    with pytest.raises(ValueError, match="format"):
        functrans.sparse_jacobian(banded, format="lil")
    with pytest.raises(ValueError, match="ordering"):
        functrans.sparse_jacobian(banded, ordering="random")
    with pytest.raises(TypeError, match="floating dtype"):
        functrans.sparse_jacobian(banded)(np.arange(5))


def test_one_batched_push_of_as_many_seeds_as_colours(monkeypatch):
    sizes = []
    real = api.vmap_flat

    def counting(fun, args, dims, size):
        sizes.append(size)
        return real(fun, args, dims, size)

    monkeypatch.setattr(api, "vmap_flat", counting)
    x = np.linspace(0.1, 1.0, 200)
    for mode in ("fwd", "rev"):
        sizes.clear()
        f = functrans.sparse_jacobian(banded, mode=mode)
        f(x)
        assert sizes == [f.plan(x).passes] == [3]


def test_compose_with_jit_and_vmap():
    x = np.linspace(0.1, 1.0, 9)
    J = dense_jac(banded, x)
    jitted = functrans.jit(functrans.sparse_jacobian(banded, format="dense"))
    np.testing.assert_allclose(jitted(x), J, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(jitted(x + 1), dense_jac(banded, x + 1), rtol=RTOL, atol=ATOL)
    # the default format becomes dense under a transformation; csr cannot hold traced values
    xs = np.stack([x, 2 * x, x**2])
    V = functrans.vmap(functrans.sparse_jacobian(banded))(xs)
    for i in range(3):
        np.testing.assert_allclose(V[i], dense_jac(banded, xs[i]), rtol=RTOL, atol=ATOL)
    if SP is not None:
        with pytest.raises(TypeError, match="traced values"):
            functrans.vmap(functrans.sparse_jacobian(banded, format="csr"))(xs)
    # sparse_jacobian of a jitted function: the pattern comes through the jit's program
    np.testing.assert_allclose(_dense(functrans.sparse_jacobian(functrans.jit(banded))(x)), J, rtol=RTOL,
                               atol=ATOL)  # fmt: skip
    assert functrans.sparse_jacobian(functrans.jit(banded)).plan(x).passes == 3


def test_cond_and_zero_derivative_primitives():
    def f(x):
        y = functrans.lax.cond(x[0] > 0, lambda v: v * 2.0, lambda v: fnp.sin(v), x)
        return y + fnp.floor(x) + fnp.where(x > 0.5, x**2, 0.0)

    x = np.linspace(-1, 1, 7)
    P = functrans.jacobian_sparsity(f, format="dense")(x)
    np.testing.assert_array_equal(P, np.eye(7, dtype=bool))
    np.testing.assert_allclose(_dense(functrans.sparse_jacobian(f)(x)), dense_jac(f, x), rtol=RTOL, atol=ATOL)


def test_coloring_orderings_are_valid():
    rng = np.random.default_rng(3)
    P = rng.random((40, 30)) < 0.1
    rows, cols = np.nonzero(P)
    for ordering in coloring.ORDERINGS:
        colors, k = coloring.color_columns(rows, cols, P.shape, ordering)
        assert coloring.is_valid_coloring(rows, cols, colors)
        assert k >= P.sum(axis=1).max()
        assert np.all((colors >= 0) == P.any(axis=0))


# --------------------------------------------------------------------------- random functions

N = 12
_R = np.random.default_rng(7)
_A = _R.standard_normal((N, N)) * (_R.random((N, N)) < 0.2)

OPS = {
    "sin": lambda x: fnp.sin(x),
    "square": lambda x: x * x,
    "shift": lambda x: fnp.concatenate([x[1:], x[:1]]),
    "diff": lambda x: fnp.concatenate([x[:1], x[1:] - x[:-1]]),
    "reverse": lambda x: x[::-1],
    "transpose": lambda x: fnp.ravel(fnp.transpose(fnp.reshape(x, (3, 4)))),
    "rowsum": lambda x: fnp.ravel(fnp.reshape(x, (3, 4)) * fnp.sum(fnp.reshape(x, (3, 4)), axis=0)),
    "rowmax": lambda x: fnp.ravel(fnp.reshape(x, (4, 3)) + fnp.max(fnp.reshape(x, (4, 3)), axis=1, keepdims=True)),
    "matvec": lambda x: _A @ x,
    "where": lambda x: fnp.where(x > 0, x, 0.5 * x),
    "half": lambda x: fnp.concatenate([x[: N // 2] * x[N // 2 :], x[N // 2 :]]),
    "jit_tanh": functrans.jit(lambda x: fnp.tanh(x) * x[0]),
    "dot_self": lambda x: fnp.reshape(fnp.reshape(x, (3, 4)) @ fnp.reshape(x, (4, 3)), (9,)).sum() * x,
}


def compose(names):
    def f(x):
        for n in names:
            x = OPS[n](x)
        return x

    return f


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(sorted(OPS)), min_size=1, max_size=5), st.integers(0, 2**16))
def test_random_functions_pattern_and_values(names, seed):
    f = compose(names)
    x = np.random.default_rng(seed).uniform(-1, 1, N)
    J = dense_jac(f, x)
    pat = functrans.jacobian_sparsity(f, format="dense")(x)
    assert not np.any((J != 0) & ~pat), f"pattern misses a nonzero for {names}"
    S = functrans.sparse_jacobian(f)(x)
    np.testing.assert_allclose(_dense(S), J, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(functrans.jacobian(f, mode="mixed")(x), J, rtol=1e-10, atol=1e-12)


def _cumsum_primitive():
    """A primitive the sparsity module has no rule for (a cumulative sum along the last axis)."""
    from functrans._src.core import Primitive, ShapedArray, bind
    from functrans._src.lax import moveaxis

    p = Primitive("test_cumsum")
    p.impl = lambda x: np.cumsum(x, axis=-1)
    p.abstract_eval = lambda x: ShapedArray(x.shape, x.dtype)
    p.jvp = lambda primals, tangents: (bind(p, primals, {}), None if tangents[0] is None else bind(p, tangents, {}))
    p.batch = lambda vals, dims: (bind(p, [moveaxis(vals[0], dims[0], 0)], {}), 0)
    return lambda x: bind(p, [x], {})


def test_primitive_without_a_rule_is_all_to_all():
    cumsum = _cumsum_primitive()

    def f(x):
        return fnp.concatenate([cumsum(x[:3]), fnp.sin(x[3:])])

    x = np.linspace(0.1, 1.0, 6)
    P = functrans.jacobian_sparsity(f, format="dense")(x)
    expected = np.zeros((6, 6), bool)
    expected[:3, :3] = True  # conservative: the whole block, though the true pattern is triangular
    expected[3:, 3:] = np.eye(3, dtype=bool)
    np.testing.assert_array_equal(P, expected)
    np.testing.assert_allclose(_dense(functrans.sparse_jacobian(f)(x)), dense_jac(f, x), rtol=RTOL, atol=ATOL)


def test_without_scipy_the_default_is_dense(monkeypatch):
    from functrans._src import sparse_jacobian as sj_mod

    monkeypatch.setattr(sj_mod, "_sp", None)
    x = np.linspace(0.1, 1.0, 6)
    J = functrans.sparse_jacobian(banded)(x)
    assert isinstance(J, np.ndarray)
    np.testing.assert_allclose(J, dense_jac(banded, x), rtol=RTOL, atol=ATOL)
    assert isinstance(functrans.jacobian_sparsity(banded)(x), np.ndarray)
    with pytest.raises(ImportError, match="SciPy"):
        functrans.sparse_jacobian(banded, format="csr")
