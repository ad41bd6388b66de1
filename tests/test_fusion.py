"""The fused-kernel backend of jit (functrans._src.fusion): same results as the plain
NumPy backend within rounding, and a clean fallback when numba is absent."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import fast_ufuncs, fusion
from functrans._src.api import make_ir as _make_ir
from functrans._src.codegen import compile_ir
from functrans._src.core import eval_ir
from functrans._src.optimize import optimize


def make_ir(fun: Any, *args: Any) -> Any:
    return _make_ir(fun)(*args)


def chain(x: Any) -> Any:
    for _ in range(5):
        x = fnp.sin(fnp.tanh(x) * 1.1 + 0.3)
    return fnp.sum(x)


def mixed(x: Any, y: Any, s: Any) -> Any:
    a = fnp.exp(-x * x) / (1.0 + y**2) - s * x
    b = fnp.maximum(a, 0.1) + fnp.log1p(fnp.abs(y)) + x**-2
    c = fnp.sum(a, axis=0)  # a used outside the run: a second kernel output
    return b * fnp.sqrt(fnp.abs(x)), c, fnp.where(b > 0.5, b, -b)


@pytest.fixture
def no_numba(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Pretend numba is not installed: its import fails."""
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "numba" or name.startswith("numba."):
            raise ImportError("No module named 'numba'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.setattr(fusion, "_numba", None)
    monkeypatch.setattr(fusion, "_state", {"enabled": None})
    # fast_ufuncs finds numba missing on first use and drops its wrappers: undone afterwards
    monkeypatch.setattr(fast_ufuncs, "_state", {"flag": None, "broken": False})
    monkeypatch.setattr(fast_ufuncs, "_blocks", {})
    yield
    monkeypatch.undo()
    fast_ufuncs.refresh(fast_ufuncs._state["flag"])


def _args() -> tuple[np.ndarray, np.ndarray, np.float64]:
    rng = np.random.default_rng(0)
    return rng.uniform(0.5, 2.0, (3, 5)), rng.standard_normal((3, 5)), np.float64(0.7)


def test_fallback_without_numba(no_numba: None) -> None:
    assert not fusion.available() and not fusion.enabled()
    ir = optimize(make_ir(chain, np.ones(4)))
    assert fusion.fuse(ir) is ir
    x = np.linspace(0.1, 0.4, 4)
    g = functrans.jit(functrans.grad(chain))
    np.testing.assert_allclose(g(x), functrans.grad(chain)(x), rtol=1e-13)
    out = functrans.jit(mixed)(*_args())
    ref = mixed(*_args())
    for o, r in zip(out, ref):
        np.testing.assert_allclose(o, r, rtol=1e-13)


def test_disabled_by_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "_state", {"enabled": False})
    ir = optimize(make_ir(chain, np.ones(4)))
    assert fusion.fuse(ir) is ir


needs_numba = pytest.mark.skipif(not fusion.available(), reason="numba (functrans[fast]) not installed")


@needs_numba
@pytest.mark.parametrize("fun", ["chain_grad", "mixed"])
def test_fused_matches_plain(fun: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "_state", {"enabled": True})
    if fun == "chain_grad":
        args: tuple[Any, ...] = (np.linspace(0.1, 0.4, 4),)
        ir = optimize(make_ir(functrans.grad(chain), *args))
    else:
        args = _args()
        ir = optimize(make_ir(mixed, *args))
    fused = fusion.fuse(ir)
    assert fused is not ir
    assert any(e.prim is fusion.fused_p for e in fused.eqns)
    got = compile_ir(fused)(*args)
    plain = compile_ir(ir)(*args)
    interp = eval_ir(ir, ir.consts, args)
    for g, p, r in zip(got, plain, interp):
        assert np.shape(g) == np.shape(r) and np.asarray(g).dtype == np.asarray(r).dtype
        np.testing.assert_allclose(g, p, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(g, r, rtol=1e-13, atol=1e-15)


@needs_numba
def test_fused_under_jit_composes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "_state", {"enabled": True})
    x = np.linspace(0.1, 0.4, 4)
    j = functrans.jit(chain)
    np.testing.assert_allclose(functrans.grad(j)(x), functrans.grad(chain)(x), rtol=1e-13)
    np.testing.assert_allclose(functrans.vmap(j)(np.stack([x, x + 1])), [chain(x), chain(x + 1)], rtol=1e-13)
    np.testing.assert_allclose(functrans.jit(functrans.hessian(chain))(x), functrans.hessian(chain)(x), rtol=1e-12)


@needs_numba
def test_special_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Division by zero and NaN propagate as in NumPy (no exception from the kernel)."""
    monkeypatch.setattr(fusion, "_state", {"enabled": True})

    def f(x: Any) -> Any:
        return fnp.log(x) / x + fnp.sqrt(x - 1.0)

    x = np.array([0.0, 0.5, 1.0, 4.0, np.inf, np.nan])
    with np.errstate(all="ignore"):
        want = f(x)
    np.testing.assert_allclose(functrans.jit(f)(x), want, rtol=1e-13)


@needs_numba
def test_only_float64_runs_fused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fusion, "_state", {"enabled": True})

    def f(x: Any) -> Any:
        return fnp.sin(fnp.cos(x) * 2.0) + 1.0

    x32 = np.linspace(0, 1, 5, dtype=np.float32)
    ir = optimize(make_ir(f, x32))
    assert fusion.fuse(ir) is ir
    out = functrans.jit(f)(x32)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, f(x32), rtol=1e-6)
