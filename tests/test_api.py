"""The public transformations: signatures, pytrees, argnums, has_aux, shapes."""

from collections import namedtuple

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp


def test_grad_argnums_and_pytrees():
    def loss(params, x):
        return fnp.sum(fnp.tanh(params["w"] @ x + params["b"]) ** 2)

    rng = np.random.default_rng(0)
    params = {"w": rng.standard_normal((2, 3)), "b": rng.standard_normal(2)}
    x = rng.standard_normal(3)
    g = functrans.grad(loss)(params, x)
    assert set(g) == {"b", "w"} and g["w"].shape == (2, 3) and g["b"].shape == (2,)
    gp, gx = functrans.grad(loss, argnums=(0, 1))(params, x)
    np.testing.assert_allclose(gp["w"], g["w"])
    assert gx.shape == (3,)
    t = np.tanh(params["w"] @ x + params["b"])
    np.testing.assert_allclose(g["b"], 2 * t * (1 - t**2), rtol=1e-12)
    np.testing.assert_allclose(functrans.grad(loss, argnums=-1)(params, x), gx)


def test_grad_has_aux_and_value_and_grad():
    def f(x):
        y = fnp.sum(x**2)
        return y, {"y": y, "x2": x * 2}

    x = np.array([1.0, 2.0])
    g, aux = functrans.grad(f, has_aux=True)(x)
    np.testing.assert_allclose(g, 2 * x)
    assert float(aux["y"]) == 5.0 and isinstance(aux["x2"], np.ndarray)
    (v, aux2), g2 = functrans.value_and_grad(f, has_aux=True)(x)
    assert float(v) == 5.0
    np.testing.assert_allclose(g2, g)
    v, g3 = functrans.value_and_grad(lambda x: fnp.sum(x**3), argnums=(0,))(x)
    assert isinstance(g3, tuple) and float(v) == 9.0


def test_grad_outputs_are_numpy_arrays_with_input_dtype():
    g = functrans.grad(lambda x: x * x)(3.0)
    assert isinstance(g, np.ndarray) and g.dtype == np.float64 and float(g) == 6.0
    g32 = functrans.grad(lambda x: fnp.sum(x * 2.0))(np.ones(3, np.float32))
    assert g32.dtype == np.float32


def test_grad_of_namedtuple_and_list_inputs():
    Point = namedtuple("Point", ["x", "y"])
    g = functrans.grad(lambda p: p.x * p.y**2)(Point(2.0, 3.0))
    assert type(g) is Point and g == (9.0, 12.0)
    g = functrans.grad(lambda xs: xs[0] * xs[1])([2.0, 5.0])
    assert isinstance(g, list) and g == [5.0, 2.0]


def test_jvp_pytrees_and_has_aux():
    def f(d):
        return {"s": fnp.sin(d["a"]) * d["b"], "c": d["b"] ** 2}

    primals = ({"a": np.array([0.1, 0.2]), "b": 3.0},)
    tangents = ({"a": np.array([1.0, 0.0]), "b": 1.0},)
    out, t = functrans.jvp(f, primals, tangents)
    np.testing.assert_allclose(t["s"], np.cos([0.1, 0.2]) * 3.0 * [1, 0] + np.sin([0.1, 0.2]))
    assert float(t["c"]) == 6.0
    out, t, aux = functrans.jvp(lambda x: (x * 2, "aux"), (1.0,), (1.0,), has_aux=True)
    assert aux == "aux" and float(t) == 2.0


def test_jvp_int_primal_takes_float0_tangent():
    f = lambda x, n: x * n  # noqa: E731
    zero = np.zeros((), functrans.float0)
    out, t = functrans.jvp(f, (2.0, 3), (1.0, zero))
    assert float(out) == 6.0 and float(t) == 3.0


def test_vjp_returns_one_cotangent_per_primal():
    out, vjp_fn = functrans.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), 3.0)
    ct = vjp_fn(np.ones(2))
    assert isinstance(ct, tuple) and len(ct) == 2
    np.testing.assert_allclose(ct[0], [3.0, 3.0])
    assert float(ct[1]) == 3.0
    out, vjp_fn, aux = functrans.vjp(lambda x: (fnp.sin(x), x), 1.0, has_aux=True)
    assert float(aux) == 1.0


def test_linearize_reuses_the_linear_map():
    x = np.array([0.3, 0.6])
    y, f_jvp = functrans.linearize(lambda x: fnp.sin(x) * x, x)
    for v in (np.array([1.0, 0.0]), np.array([0.5, -2.0])):
        np.testing.assert_allclose(f_jvp(v), (np.cos(x) * x + np.sin(x)) * v, rtol=1e-12)
    np.testing.assert_allclose(y, np.sin(x) * x)


def test_linear_transpose():
    A = np.arange(6.0).reshape(2, 3)
    ft = functrans.linear_transpose(lambda x, y: A @ x + 2 * y, np.ones(3), np.ones(2))
    ctx, cty = ft(np.array([1.0, -1.0]))
    np.testing.assert_allclose(ctx, A.T @ [1.0, -1.0])
    np.testing.assert_allclose(cty, [2.0, -2.0])
    (c,) = functrans.linear_transpose(lambda x: x * 3.0, 1.0)(1.0)
    assert float(c) == 3.0
    with pytest.raises(NotImplementedError):
        functrans.linear_transpose(lambda x: x * x, 1.0)(1.0)


def test_jacobian_shapes_and_structure_follow_jax():
    def f(x, y):
        return fnp.sin(x) * y[0], fnp.sum(x) * y[:2]

    x, y = np.ones(3), np.ones((3, 1))
    for jac in (functrans.jacfwd, functrans.jacrev):
        J = jac(f)(x, y)
        assert isinstance(J, tuple) and J[0].shape == (3, 3) and J[1].shape == (2, 1, 3)
        J2 = jac(f, argnums=(0, 1))(x, y)
        assert [[b.shape for b in row] for row in J2] == [[(3, 3), (3, 3, 1)], [(2, 1, 3), (2, 1, 3, 1)]]
    Jf, Jr = functrans.jacfwd(f, argnums=(0, 1))(x, y), functrans.jacrev(f, argnums=(0, 1))(x, y)
    for a, b in zip(functrans.tree_util.tree_leaves(Jf), functrans.tree_util.tree_leaves(Jr)):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_jacobian_of_matrix_function_and_has_aux():
    X = np.arange(6.0).reshape(2, 3) / 10
    J = functrans.jacrev(lambda X: fnp.tanh(X).T)(X)
    assert J.shape == (3, 2, 2, 3)
    assert J[1, 0, 0, 1] == pytest.approx(1 - np.tanh(X[0, 1]) ** 2)
    Jf, aux = functrans.jacfwd(lambda x: (x**2, "hi"), has_aux=True)(np.ones(2))
    assert aux == "hi"
    np.testing.assert_allclose(Jf, 2 * np.eye(2))


def test_hessian_argnums_structure():
    def f(x, y):
        return fnp.sum(x**2 * y[:, 0]) + fnp.sum(y**3)

    x, y = np.ones(4), np.ones((4, 1)) * 2
    H = functrans.hessian(f, argnums=(0, 1))(x, y)
    assert [[b.shape for b in row] for row in H] == [[(4, 4), (4, 4, 1)], [(4, 1, 4), (4, 1, 4, 1)]]
    np.testing.assert_allclose(H[0][0], np.diag(2 * y[:, 0]))
    np.testing.assert_allclose(functrans.hessian(lambda x: fnp.sum(x**3))(np.arange(3.0)), np.diag(6 * np.arange(3.0)))


def test_tree_util_is_exposed():
    leaves, tree = functrans.tree_util.tree_flatten({"b": 1, "a": (2, None)})
    assert leaves == [2, 1]
    assert functrans.tree_util.tree_unflatten(tree, [5, 6]) == {"a": (5, None), "b": 6}


def test_chunk_size_bounds_peak_memory(normal_eager_path):
    """Unchunked Jacobians hold every intermediate for the whole basis; chunks hold a slice of it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from chunk_memory import deep_map, peak_bytes

    x = np.linspace(-1.0, 1.0, 400)
    for jac in (functrans.jacfwd, functrans.jacrev):
        full, _, j_full = peak_bytes(lambda: jac(deep_map)(x))  # noqa: B023
        chunked, _, j_chunked = peak_bytes(lambda: jac(deep_map, chunk_size=25)(x))  # noqa: B023
        np.testing.assert_allclose(j_chunked, j_full, rtol=1e-12, atol=1e-14)
        assert chunked < full / 2.5, (jac.__name__, full, chunked)
