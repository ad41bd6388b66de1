"""jit's chunked execution of large elementwise programs (functrans._src.fusion_chunks): a
program of fused kernels and the ufuncs fusion leaves to NumPy (log on a large run, here) runs
chunk by chunk, with the results of the unchunked program bit for bit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import fusion, fusion_chunks

pytest.importorskip("numba")

N = 4 * fusion_chunks.CHUNK + 123  # a last, shorter chunk


@pytest.fixture
def fast() -> Iterator[None]:
    fusion.set_enabled(True)
    yield
    fusion.set_enabled(None)


def f(x: Any) -> Any:
    y = fnp.log(x * x + 1.0) * 1.5 - x  # log on a large run stays NumPy's: two passes at least
    return fnp.sin(y) * 0.5 + y


def two_outputs(x: Any, a: Any) -> Any:
    y = fnp.log(x * x + a)
    return y * a - x, fnp.cos(y) + 1.0


def _executed(fun: Any, *args: Any) -> Any:
    return functrans.jit(fun).lower(*args).executed


def _unchunked(fun: Any, *args: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        m.setattr(fusion_chunks, "MIN_SIZE", 1 << 62)
        return functrans.jit(fun)(*args)


@pytest.mark.parametrize("shape", [(N,), (4, N // 4 + 1)])
def test_chunked_equals_unchunked_bit_for_bit(fast: None, monkeypatch: pytest.MonkeyPatch, shape: Any) -> None:
    x = np.random.default_rng(0).uniform(-3.0, 3.0, shape)
    ex = _executed(f, x)
    assert [e.prim.name for e in ex.ir.eqns] == ["chunked_elementwise"]
    got, want = functrans.jit(f)(x), _unchunked(f, x, monkeypatch=monkeypatch)
    assert got.shape == shape and got.dtype == np.float64
    assert np.array_equal(got, want)
    np.testing.assert_allclose(got, f(x), rtol=1e-13, atol=1e-13)  # and eager, within rounding


def test_scalar_inputs_and_several_outputs(fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.linspace(-2.0, 2.0, N)
    a = np.float64(0.75)
    ex = _executed(two_outputs, x, a)
    assert [e.prim.name for e in ex.ir.eqns] == ["chunked_elementwise"]
    got, want = functrans.jit(two_outputs)(x, a), _unchunked(two_outputs, x, a, monkeypatch=monkeypatch)
    for g, w in zip(got, want):
        assert np.array_equal(g, w)


def test_sin_beyond_the_limit_in_one_chunk(fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    x = np.random.default_rng(1).uniform(-3.0, 3.0, N)
    x[fusion_chunks.CHUNK + 5] = 1e9  # log(x*x+1)*1.5 - x is then far beyond SIN_LIMIT
    got, want = functrans.jit(f)(x), _unchunked(f, x, monkeypatch=monkeypatch)
    assert np.array_equal(got, want)


def test_gradient_program(fast: None, monkeypatch: pytest.MonkeyPatch) -> None:
    g = lambda x: functrans.vmap(functrans.grad(lambda t: f(t)))(x)  # noqa: E731  (elementwise gradient)
    x = np.linspace(-2.0, 2.0, N)
    assert np.array_equal(functrans.jit(g)(x), _unchunked(g, x, monkeypatch=monkeypatch))


@pytest.mark.parametrize(
    "fun, n",
    [
        (f, fusion_chunks.MIN_SIZE - 1),  # too small
        (lambda x: fnp.sin(x) * 2.0 + 1.0, N),  # one fused kernel: one pass already
        (lambda x: fnp.sum(fnp.log(x * x + 1.0) * 2.0), N),  # a reduction
        (lambda x: fnp.log(x * x + 1.0) @ fnp.ones(x.shape), N),  # a product
    ],
)
def test_left_alone(fast: None, fun: Any, n: int) -> None:
    x = np.linspace(-1.0, 1.0, n)
    names = [e.prim.name for e in _executed(fun, x).ir.eqns]
    assert "chunked_elementwise" not in names
    np.testing.assert_allclose(functrans.jit(fun)(x), fun(x), rtol=1e-12)


def test_not_without_fusion() -> None:
    fusion.set_enabled(False)
    try:
        x = np.linspace(-1.0, 1.0, N)
        assert "chunked_elementwise" not in [e.prim.name for e in _executed(f, x).ir.eqns]
    finally:
        fusion.set_enabled(None)
