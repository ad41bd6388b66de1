"""The reshape-sinking and transpose-folding passes (functrans._src.passes) and what jit makes of the
Hessian of a broadcast problem: elementwise work done once, in one shape, before one reshape."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import fusion, lax
from functrans._src.api import make_ir
from functrans._src.codegen import compile_ir
from functrans._src.core import IR, eval_ir, typecheck_ir
from functrans._src.optimize import optimize
from functrans._src.passes import before_codegen, fold_transposes, sink_reshapes

rng = np.random.default_rng(3)
B = rng.standard_normal((7, 5))


def _count(ir: IR, prim: Any) -> int:
    return sum(e.prim is prim for e in ir.eqns)


def _check(fun: Any, *args: Any, changed: bool = True) -> IR:
    ir = optimize(make_ir(fun)(*args), reassociate_sums=False, polynomial_form=False)
    new = sink_reshapes(ir)
    assert (new is not ir) == changed
    typecheck_ir(new)
    for g, w in zip(eval_ir(new, new.consts, args), eval_ir(ir, ir.consts, args)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_array_equal(g, w)  # exact: only the shape of the work changes
    return new


def _columns(h: Any, n: Any) -> Any:
    i, o = h.reshape(7, 1), n.reshape(7, 1)
    return B * (fnp.sin(i * o) * i + 2.0)


def test_elementwise_work_moves_before_the_reshape() -> None:
    h, n = rng.standard_normal(7), rng.standard_normal(7)
    ir = optimize(make_ir(_columns)(h, n), reassociate_sums=False, polynomial_form=False)
    assert _count(ir, lax.reshape_p) == 2
    new = _check(_columns, h, n)
    assert _count(new, lax.reshape_p) == 1
    # mul, sin, mul, add on the vectors, then one reshape, then the broadcast product
    shapes = [(e.prim.name, e.outvars[0].aval.shape) for e in new.eqns]
    assert shapes == [("mul", (7,)), ("sin", (7,)), ("mul", (7,)), ("add", (7,)), ("reshape", (7, 1)), ("mul", (7, 5))]


def test_complex_and_integer_operands_are_exact() -> None:
    h = rng.standard_normal(7) + 1j * rng.standard_normal(7)
    n = rng.standard_normal(7) - 0.5j
    new = _check(_columns, h, n)
    assert _count(new, lax.reshape_p) == 1
    k = np.arange(6, dtype=np.int32)
    new = _check(lambda k, m: (k.reshape(2, 3) * m.reshape(2, 3)) ** 2 + 1, k, k + 2)
    assert _count(new, lax.reshape_p) == 1


def test_broadcasting_and_shared_reshapes_are_left() -> None:
    h = rng.standard_normal(7)
    # a column times a full matrix broadcasts: not the same element order in another shape
    _check(lambda h: h.reshape(7, 1) * B, h, changed=False)
    # the operands are reshapes of different shapes
    _check(lambda h, m: h.reshape(7, 1) * m.reshape(7, 1), h, rng.standard_normal((1, 7)), changed=False)
    _check(lambda h, m: h.reshape(7, 1) * m, h, rng.standard_normal((7, 1)), changed=False)
    # the reshaped operand is also used by a matrix product: sinking would add a reshape
    _check(lambda h: (h.reshape(7, 1) * 3.0, h.reshape(7, 1) @ np.ones((1, 2))), h, changed=False)


def test_reshapes_are_emitted_at_their_first_use() -> None:
    def f(h: Any, n: Any) -> Any:
        i = h.reshape(7, 1)
        c = fnp.cos(n)  # elementwise work of another shape between the reshape and its use
        return B * (i * i), c * c

    new = _check(f, rng.standard_normal(7), rng.standard_normal(5))
    names = [e.prim.name for e in new.eqns]
    assert names.index("reshape") == names.index("mul", names.index("cos")) + 1


def _hessian_ir(n: int) -> tuple[IR, np.ndarray, Any]:
    rng2 = np.random.default_rng(0)
    M = rng2.standard_normal((n, n)) / np.sqrt(n)

    def f(x: Any) -> Any:
        return fnp.sum(fnp.log(fnp.cosh(M @ x))) + 0.5 * fnp.sum(x * x)

    x = rng2.standard_normal(n)
    t = np.tanh(M @ x)
    want = M.T @ ((1.0 - t * t)[:, None] * M) + np.eye(n)
    return make_ir(functrans.hessian(f))(x), x, want


def test_hessian_program_scales_the_matrix_once() -> None:
    n = 12
    ir, x, want = _hessian_ir(n)
    new = before_codegen(optimize(ir))
    typecheck_ir(new)
    big = [e.prim.name for e in new.eqns if e.outvars and e.outvars[0].aval.size == n * n]
    # one scaling of the matrix, the product, the added identity: no second scaling, and
    # no transpose (the product is computed transposed)
    assert sorted(big) == ["add", "dot_general", "mul"]
    # at most one reshape (none when jacfwd's basis is batched first), and every elementwise
    # equation on vectors comes before it: one run
    assert _count(new, lax.reshape_p) <= 1
    names = [e.prim.name for e in new.eqns]
    small = [i for i, e in enumerate(new.eqns) if e.outvars[0].aval.shape == (n,) and e.prim.name != "dot_general"]
    first_big = min(i for i, e in enumerate(new.eqns) if e.outvars[0].aval.size == n * n)
    assert max(small) < (names.index("reshape") if "reshape" in names else first_big)
    np.testing.assert_allclose(eval_ir(new, new.consts, [x])[0], want, rtol=1e-12, atol=1e-14)


@pytest.mark.skipif(not fusion.enabled(), reason="numba fusion backend not available")
def test_hessian_vector_work_is_one_fused_kernel() -> None:
    n = 12
    ir, x, want = _hessian_ir(n)
    fused = fusion.fuse(before_codegen(optimize(ir)))
    assert _count(fused, fusion.fused_p) == 1
    compiled = compile_ir(fused)
    # the kernel's results are known arrays: methods, not NumPy functions, reshape them (when
    # there is a reshape left: with jacfwd's basis batched first there is none)
    assert "np_reshape" not in compiled.source
    assert "impl_fused" not in compiled.source  # the kernel is called directly
    np.testing.assert_allclose(compiled(x)[0], want, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------- fold_transposes


def _check_fold(fun: Any, *args: Any, changed: bool = True) -> IR:
    ir = optimize(make_ir(fun)(*args), reassociate_sums=False, polynomial_form=False)
    new = fold_transposes(ir)
    assert (new is not ir) == changed
    typecheck_ir(new)
    for g, w in zip(eval_ir(new, new.consts, args), eval_ir(ir, ir.consts, args)):
        g, w = np.asarray(g), np.asarray(w)
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-13)
    return new


def test_transpose_of_a_product_plus_a_constant_is_computed_transposed() -> None:
    C = rng.standard_normal((5, 5))
    S = rng.standard_normal((7, 5))

    def f(s: Any) -> Any:
        return (C + 2.0 * (s.T @ B)).T  # dot_general with the lhs contracted on axis 0

    new = _check_fold(f, S)
    assert _count(new, lax.transpose_p) == 0
    assert np.asarray(eval_ir(new, new.consts, [S])[0]).flags.c_contiguous
    # complex operands: a transpose, not a conjugate transpose
    Sc = S + 1j * rng.standard_normal((7, 5))
    new = _check_fold(f, Sc)
    assert _count(new, lax.transpose_p) == 0


def test_transposes_that_are_not_free_are_left() -> None:
    S = rng.standard_normal((7, 5))
    # the product is also used untransposed: folding would compute it twice
    _check_fold(lambda s: ((s.T @ B).T, s.T @ B), S, changed=False)
    # an operand that is a program input: its transpose is not free
    _check_fold(lambda s, m: (m + s.T @ B).T, S, rng.standard_normal((5, 5)), changed=False)
    # a column broadcast against the product
    _check_fold(lambda s, c: (c * (s.T @ B)).T, S, rng.standard_normal((5, 1)), changed=False)


# --------------------------------------------------------------------------- products with the identity


def test_simplify_drops_products_with_a_constant_identity() -> None:
    X = rng.standard_normal((4, 3))
    eye3, eye4 = np.eye(3), np.eye(4)
    for fun, prims in (
        (lambda x: x @ eye3, []),  # x itself
        (lambda x: eye4 @ x, []),
        (lambda x: eye3 @ x.T, ["transpose"]),
        (lambda x: fnp.einsum("ij,ik->jk", x, eye4), ["transpose"]),  # x's axis 0 contracted: x.T
        (lambda x: fnp.einsum("ij,ik->kj", x, eye4), None),  # x (the einsum may add transposes)
    ):
        ir = optimize(make_ir(fun)(X), reassociate_sums=False, polynomial_form=False)
        typecheck_ir(ir)
        assert _count(ir, lax.dot_general_p) == 0
        assert prims is None or [e.prim.name for e in ir.eqns] == prims
        np.testing.assert_array_equal(eval_ir(ir, ir.consts, [X])[0], fun(X))
    # kept: complex results, promotion (float32 x float64 identity), a near-identity
    for fun, arg in (
        (lambda x: x @ eye3, X + 1j),
        (lambda x: x @ eye3, X.astype(np.float32)),
        (lambda x: x @ (eye3 + 1e-300), X),
        (lambda x: x @ np.eye(3, k=1), X),
    ):
        ir = optimize(make_ir(fun)(arg), reassociate_sums=False, polynomial_form=False)
        assert _count(ir, lax.dot_general_p) == 1


def test_jacfwd_of_a_linear_map_does_not_multiply_by_the_identity() -> None:
    X = rng.standard_normal((30, 6))
    t = (rng.uniform(size=30) < 0.5).astype(np.float64)
    y = rng.standard_normal(6)

    def loss(w: Any) -> Any:  # L2-regularised logistic regression
        z = X @ w
        return fnp.sum(fnp.log1p(fnp.exp(z)) - t * z) + 0.005 * fnp.sum(w * w)

    h = functrans.jit(functrans.hessian(loss))
    ir = h.lower(y).executed.ir
    # X^T diag(s) X: one product (30x6 by 30x6) and one scaling of X, as written by hand
    assert _count(ir, lax.dot_general_p) == 2  # the other is X @ w
    assert sum(e.outvars[0].aval.size == 30 * 6 for e in ir.eqns) == 1  # (30, 6) or batch-first (6, 30)
    p = 1 / (1 + np.exp(-(X @ y)))
    np.testing.assert_allclose(h(y), (X.T * (p * (1 - p))) @ X + 0.01 * np.eye(6), rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------- uniform constants


def test_uniform_constant_operands_become_scalars() -> None:
    from functrans._src.passes import uniform_constants

    ones, halves = np.ones(7), np.full(7, 0.5, np.float32)

    def f(g: Any) -> Any:  # float32 halves times float64: float64 either way
        return ones / g + halves * fnp.sin(g), np.arange(7.0) * g

    g = rng.standard_normal(7) + 2.0
    ir = optimize(make_ir(f)(g), reassociate_sums=False, polynomial_form=False)
    new = uniform_constants(ir)
    typecheck_ir(new)
    assert len(ir.constvars) == 3 and len(new.constvars) == 1  # arange stays an array
    for got, want in zip(eval_ir(new, new.consts, [g]), eval_ir(ir, ir.consts, [g])):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    # a uniform constant that gives the result its shape stays an array
    ir = optimize(make_ir(lambda s: halves * s)(np.float32(2.0)), reassociate_sums=False, polynomial_form=False)
    assert len(ir.constvars) == 1
    assert uniform_constants(ir) is ir


def test_long_chains_stay_within_the_recursion_limit() -> None:
    def f(s: Any) -> Any:
        y = s.T @ B
        for _ in range(3000):
            y = y + 1.0
        return y.T

    S = rng.standard_normal((7, 5))
    ir = optimize(make_ir(f)(S), reassociate_sums=False, polynomial_form=False)
    assert fold_transposes(ir) is ir  # too far from the product to fold
    np.testing.assert_allclose(functrans.jit(f)(S), f(S), rtol=1e-12)
