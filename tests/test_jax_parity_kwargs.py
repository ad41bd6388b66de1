"""jax.numpy / jax API keywords beyond NumPy's core, pinned to values computed with JAX 0.10.2
(x64): reductions' where=/initial=/promote_integers=/correction=/mean=, the jnp.ufunc objects,
precision=/preferred_element_type=, constructor keywords, jit/make_jaxpr/checkpoint/custom_*
keywords, and jax.Array methods of traced values. (tools/jax_diff_kwargs.py is the harness.)"""

from functools import partial

import numpy as np
import pytest

import functrans as ft
import functrans.lax as lax
import functrans.numpy as fnp

M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
W3 = np.array([True, False, True])


def close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------- reductions


def test_masked_and_initial_reductions():
    close(fnp.sum(M, axis=1, where=W3), [1.0, -1.0])
    close(fnp.prod(M, where=W3, initial=2.0), -0.0)
    close(fnp.max(M, axis=0, where=W3, initial=-1.5), [2.0, -1.5, 0.0])
    close(ft.grad(lambda m: fnp.max(m, axis=0, where=W3, initial=-1.5).sum())(M), [[0, 0, 1], [1, 0, 0]])
    # a tie between two elements and the initial value: the derivative is shared three ways as JAX's
    close(ft.grad(lambda m: fnp.max(m, initial=2.0))(M), [[0, 0, 0], [0.25, 0.25, 0]])
    close(fnp.mean(M, axis=1, where=W3), [0.5, -0.5])
    close(ft.grad(lambda m: fnp.mean(m, where=W3))(M), [[0.25, 0, 0.25], [0.25, 0, 0.25]])
    close(fnp.var(M, axis=1, where=W3, ddof=1), [0.5, 12.5])
    np.testing.assert_allclose(fnp.var(M, correction=1.5), 4.185185185185185)
    close(fnp.std(M, axis=1, mean=np.array([[0.0], [1.0]])), [0.81649658092772603, 2.4494897427831779])
    close(fnp.nanmean(np.array([[1.0, np.nan, 3.0], [np.nan, 2.0, 5.0]]), axis=1, where=W3), [2.0, 5.0])
    assert fnp.all(M > -2, axis=1, where=W3).tolist() == [True, False]
    assert fnp.any(M > 1, axis=0, where=np.array([[True], [False]])).tolist() == [False, False, False]
    x = np.array([1, 2, 3, 100], np.int8)
    assert fnp.sum(x).dtype == np.int64 and fnp.sum(x, promote_integers=False).dtype == np.int8
    assert fnp.sum(np.array([True, True]), promote_integers=False).dtype == np.int32
    assert fnp.cumsum(x).dtype == np.int8 and fnp.cumsum(np.array([True, False])).dtype == np.int64


def test_reduction_keyword_errors():
    with pytest.raises(ValueError, match="initial"):
        fnp.max(M, where=W3)
    with pytest.raises(ValueError, match="boolean"):
        fnp.sum(M, where=np.array([1, 0, 1]))
    with pytest.raises(ValueError, match="simultaneously"):
        fnp.var(M, ddof=1, correction=1)
    with pytest.raises(NotImplementedError):
        fnp.sum(M, out=np.zeros(3))


def test_traced_array_methods_take_the_keywords():
    # x.var under jit: the staging tracer's own slot once shadowed the method
    close(ft.jit(lambda y: y.var(axis=1, correction=1))(M), [1.0, 25.0 / 3.0])
    close(ft.jit(lambda y: y.max(axis=0, initial=0.5, where=W3))(M), [2.0, 0.5, 0.5])
    f = ft.jit(lambda y: (y.diagonal(), y.trace(), y.mT, y.ptp(axis=1), y.repeat(2, axis=0), y.nbytes))
    d, t, mt, p, r, nb = f(M)
    close(d, [1.0, 2.0])
    close(t, 3.0)
    close(mt, M.T)
    close(p, [2.0, 5.0])
    close(r, np.repeat(M, 2, axis=0))
    assert nb == 48


# --------------------------------------------------------------------------- ufunc objects


def test_ufunc_objects():
    x = np.array([[1.0, 5, 2], [3, 0, 4]])
    assert repr(fnp.add) == "<jnp.ufunc 'add'>" and fnp.add.nin == 2 and fnp.negative.nin == 1
    assert fnp.add.identity == 0 and fnp.maximum.identity is None and fnp.logaddexp.identity == -np.inf
    close(fnp.add.reduce(x), [4.0, 5.0, 6.0])
    close(fnp.subtract.reduce(x), [-2.0, 5.0, -2.0])
    close(fnp.subtract.accumulate(x, axis=1), [[1, -4, -6], [3, 3, -1]])
    close(fnp.logaddexp.reduce(x), [np.logaddexp(1, 3), np.logaddexp(5, 0), np.logaddexp(2, 4)])
    assert fnp.add.outer(x, np.arange(2.0)).shape == (2, 3, 2)
    close(fnp.add.at(np.zeros(4), np.array([0, 0, 2]), 1.0, inplace=False), [2, 0, 1, 0])
    close(fnp.negative.at(np.arange(4.0), np.array([1, 3]), inplace=False), [0, -1, 2, -3])
    close(fnp.add.reduceat(np.arange(8.0), np.array([0, 4, 1, 5])), [6, 4, 10, 18])
    close(fnp.maximum.reduceat(np.arange(8.0), np.array([0, 4, 1, 5])), [3, 4, 4, 7])
    close(ft.grad(lambda v: fnp.maximum.reduce(v).sum())(x), [[0, 1, 0], [1, 0, 1]])
    close(ft.grad(lambda v: fnp.subtract.reduce(v).sum())(x), [[1, 1, 1], [-1, -1, -1]])
    assert fnp.add.reduce(np.array([1, 2], np.int8)).dtype == np.int64
    f = fnp.frompyfunc(lambda a, b: a * b + 1, 2, 1)
    close(f(np.arange(3.0), 2.0), [1, 3, 5])
    close(f.reduce(np.arange(1.0, 4.0)), 10.0)
    # numpy's ufunc methods on traced values dispatch to these
    close(ft.jit(lambda v: np.add.reduce(v, axis=1))(x), [8.0, 7.0])
    close(ft.vmap(lambda r: fnp.add.reduceat(r, np.array([0, 2])))(x), [[6, 2], [3, 4]])
    close(ft.vmap(lambda r: fnp.subtract.accumulate(r))(x), [np.subtract.accumulate(r) for r in x])


def test_ufunc_errors():
    with pytest.raises(NotImplementedError, match="inplace=False"):
        fnp.add.at(np.zeros(3), 0, 1.0)
    with pytest.raises(ValueError, match="binary"):
        fnp.negative.reduce(M)
    with pytest.raises(ValueError, match="identity"):
        fnp.maximum.reduce(M, where=M > 1)
    with pytest.raises(NotImplementedError, match="where"):
        fnp.add(M, M, where=M > 1)
    with pytest.raises(NotImplementedError, match="tuple of axes"):
        fnp.subtract.reduce(M, axis=(0, 1))


# --------------------------------------------------------------------------- products, constructors


def test_product_and_constructor_keywords():
    a, b = np.arange(6).reshape(2, 3), np.ones((3, 2), np.int64)
    assert fnp.dot(a, b, preferred_element_type=np.float32).dtype == np.float32
    assert fnp.matmul(a, b, precision="highest").dtype == np.int64
    assert fnp.linalg.matmul(a, b, preferred_element_type=np.float64).dtype == np.float64
    assert fnp.tensordot(a, b, 1, preferred_element_type=np.int32).dtype == np.int32
    assert fnp.zeros(3, device=None).dtype == np.float64
    assert fnp.asarray([1.0], copy=True, device=None).shape == (1,)
    assert fnp.concatenate([a, a], dtype=np.float32).dtype == np.float32
    assert fnp.stack([a, a], dtype=np.float32).shape == (2, 2, 3)
    assert fnp.size(a, axis=1) == 3
    assert fnp.astype(a, np.float32, copy=True).dtype == np.float32


# --------------------------------------------------------------------------- transformations


def test_transformation_keywords():
    g = ft.jit(static_argnames="n")(lambda x, n: x * n)
    assert g(2.0, n=3) == 6.0
    assert ft.jit(lambda x: x + 1, static_argnums=None, donate_argnums=None, in_shardings=None)(1.0) == 2.0
    assert ft.grad(lambda x: x * 2.0, reduce_axes=())(3.0) == 2.0
    with pytest.raises(NotImplementedError):
        ft.grad(lambda x: x, reduce_axes=("i",))
    ir, shapes = ft.make_jaxpr(lambda x: (x * 2, x), return_shape=True)(np.ones(3))
    assert [s.shape for s in shapes] == [(3,), (3,)] and len(ir.eqns) == 1

    @partial(ft.custom_jvp, nondiff_argnames=("n",))
    def power(x, n):
        return x**n

    @power.defjvp
    def power_jvp(n, primals, tangents):
        (x,), (t,) = primals, tangents
        return x**n, n * x ** (n - 1) * t

    assert ft.grad(power)(2.0, 3) == 12.0
    c = ft.checkpoint(lambda x, mode: x * 2 if mode == "a" else x, static_argnames=("mode",))
    assert ft.grad(lambda x: c(x, mode="a"))(1.0) == 2.0


def test_lax_parameter_names():
    close(lax.concatenate(operands=[np.ones(2), np.zeros(1)], dimension=0), [1, 1, 0])
    close(lax.transpose(operand=M, permutation=(1, 0)), M.T)
    close(lax.select(pred=W3, on_true=np.ones(3), on_false=np.zeros(3)), [1, 0, 1])
    close(lax.reduce_sum(operand=M, axes=(0,)), [3, 1, -3])
    close(lax.exp(0.0, accuracy=None), 1.0)


# --------------------------------------------------------------------------- exception types


@pytest.mark.parametrize(
    "call",
    [
        lambda: fnp.matmul(np.ones((2, 3)), np.ones((4, 5))),
        lambda: fnp.add(np.ones((2, 3)), np.ones((4, 5))),
        lambda: fnp.concatenate([np.ones((2, 3)), np.ones((4, 5))]),
        lambda: ft.jit(fnp.matmul)(np.ones((2, 3)), np.ones((4, 5))),
        lambda: ft.jit(fnp.add)(np.ones((2, 3)), np.ones((4, 5))),
        lambda: fnp.transpose(np.ones((2, 3)), (0, 0)),
        lambda: fnp.zeros((-1,)),
        lambda: fnp.full((2, -1), 1.0),
        lambda: fnp.power(np.array([2]), -1),
        lambda: fnp.median(np.array([])),
        lambda: fnp.asarray(np.ones(3))[1.5],
        lambda: fnp.linalg.cholesky(np.ones((2, 3))),
        lambda: fnp.linalg.svd(np.ones(3)),
    ],
)
def test_operand_errors_are_jax_type_errors_and_numpy_value_errors(call):
    # JAX raises TypeError here, NumPy ValueError/IndexError/LinAlgError: either except clause works
    with pytest.raises(TypeError):
        call()
    with pytest.raises((ValueError, IndexError)):
        call()
