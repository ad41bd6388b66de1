"""The reshape-sinking pass (functrans._src.passes.sink_reshapes) and what jit makes of the
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
from functrans._src.passes import before_codegen, sink_reshapes

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
    # one scaling of the matrix, the product, the added identity (and no second scaling)
    assert big.count("mul") == 1 and big.count("dot_general") == 1 and len(big) <= 4
    assert _count(new, lax.reshape_p) == 1
    # every elementwise equation on vectors comes before the one reshape: one run
    names = [e.prim.name for e in new.eqns]
    small = [i for i, e in enumerate(new.eqns) if e.outvars[0].aval.shape == (n,) and e.prim.name != "dot_general"]
    assert max(small) < names.index("reshape")
    np.testing.assert_allclose(eval_ir(new, new.consts, [x])[0], want, rtol=1e-12, atol=1e-14)


@pytest.mark.skipif(not fusion.enabled(), reason="numba fusion backend not available")
def test_hessian_vector_work_is_one_fused_kernel() -> None:
    n = 12
    ir, x, want = _hessian_ir(n)
    fused = fusion.fuse(before_codegen(optimize(ir)))
    assert _count(fused, fusion.fused_p) == 1
    compiled = compile_ir(fused)
    # the kernel's results are known arrays: methods, not NumPy functions, reshape them
    assert ".reshape(" in compiled.source and "np_reshape" not in compiled.source
    assert "impl_fused" not in compiled.source  # the kernel is called directly
    np.testing.assert_allclose(compiled(x)[0], want, rtol=1e-12, atol=1e-14)
