"""The broadcast-products pass (functrans._src.passes.broadcast_products): same values."""

from __future__ import annotations

from typing import Any

import numpy as np

import functrans
import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.api import make_ir
from functrans._src.core import eval_ir, typecheck_ir
from functrans._src.optimize import optimize
from functrans._src.passes.broadcast_products import broadcast_products

rng = np.random.default_rng(1)
A = rng.standard_normal((6, 5))


def _check(fun: Any, *args: Any, changed: bool = True, rtol: float = 1e-13) -> Any:
    ir = optimize(make_ir(fun)(*args))
    new = broadcast_products(ir)
    assert (new is not ir) == changed
    typecheck_ir(new)
    for g, w in zip(eval_ir(new, new.consts, args), eval_ir(ir, ir.consts, args)):
        assert np.shape(g) == np.shape(w) and np.asarray(g).dtype == np.asarray(w).dtype
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * 1e-2)
    return new


def test_column_scalings_multiply_small_first() -> None:
    def f(u: Any, v: Any) -> Any:
        return ((A * u[:, None]) * v[:, None]) * 2.0 * u[:, None]

    new = _check(f, rng.standard_normal(6), rng.standard_normal(6))
    big = [e for e in new.eqns if e.prim is lax.mul_p and e.outvars[0].aval.shape == (6, 5)]
    assert len(big) == 1


def test_shared_big_factor_is_factored() -> None:
    def f(u: Any, v: Any) -> Any:
        return A * u[:, None] * v[:, None] + v[:, None] * A

    new = _check(f, rng.standard_normal(6), rng.standard_normal(6))
    assert sum(e.outvars[0].aval.shape == (6, 5) for e in new.eqns) == 1


def test_products_used_twice_and_other_dtypes_untouched() -> None:
    def f(u: Any) -> Any:
        p = A * u[:, None]
        return p * u[:, None], p

    _check(f, rng.standard_normal(6), changed=False)
    u32 = rng.standard_normal(6).astype(np.float32)
    _check(lambda u: (A.astype(np.float32) * u[:, None]) * u[:, None], u32, rtol=1e-5)
    _check(lambda k: (np.arange(6)[:, None] * k) * k, np.arange(6)[:, None] % 3 + 1, changed=False)


def test_hessian_under_jit_matches() -> None:
    M = rng.standard_normal((8, 8)) / 3

    def f(x: Any) -> Any:
        return fnp.sum(fnp.log(fnp.cosh(M @ x))) + 0.5 * fnp.sum(x * x)

    x = rng.standard_normal(8)
    t = np.tanh(M @ x)
    want = M.T @ ((1.0 - t * t)[:, None] * M) + np.eye(8)
    np.testing.assert_allclose(functrans.jit(functrans.hessian(f))(x), want, rtol=1e-12, atol=1e-14)


def test_literal_factors_are_folded() -> None:
    """Two literal factors become one literal (the product the generated code would compute
    on every call: the same bits); a mean of squares' 2 * (1/n) too."""
    x = rng.standard_normal((6, 5))
    for dt in (np.float64, np.float32):
        ir = optimize(make_ir(lambda x, dt=dt: (x * np.asarray(0.25, dt)) * np.asarray(3.0, dt))(x.astype(dt)))
        new = broadcast_products(ir)
        typecheck_ir(new)
        muls = [e for e in new.eqns if e.prim is lax.mul_p]
        assert len(muls) == 1 and any(type(a).__name__ == "Literal" and a.val == 0.75 for a in muls[0].inputs)
        for g, w in zip(eval_ir(new, new.consts, [x.astype(dt)]), eval_ir(ir, ir.consts, [x.astype(dt)])):
            assert g.dtype == w.dtype
            np.testing.assert_array_equal(g, w)
    g = functrans.jit(functrans.grad(lambda w, y: fnp.mean((x @ w - y) ** 2)))
    w, y = rng.standard_normal(5), rng.standard_normal(6)
    src = g.lower(w, y).executed.source
    assert "np_multiply(k" not in src  # no product of two constants left to compute per call
    np.testing.assert_allclose(g(w, y), 2 * x.T @ (x @ w - y) / 6, rtol=1e-12)
