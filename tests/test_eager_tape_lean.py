"""The eager tape's lean recording path (TapeTrace.process_primitive): float64 array operands
(tracers, closed-over constants) and Python floats are recorded without the general path, with
results bit for bit the normal path's; anything else still takes the general path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from work_helpers import grad_normal_path

import functrans
import functrans.numpy as fnp
from functrans._src import tape


@pytest.fixture
def general_calls(monkeypatch: Any) -> Iterator[list[str]]:
    """The tape forced on; the names of the primitives recorded by the general path."""
    prev = tape.set_mode("always")
    tape.clear_cache()
    calls: list[str] = []
    orig = tape.TapeTrace._record

    def counting(self: Any, prim: Any, *rest: Any) -> Any:
        calls.append(prim.name)
        return orig(self, prim, *rest)

    monkeypatch.setattr(tape.TapeTrace, "_record", counting)
    yield calls
    tape.set_mode(prev)


_normal = grad_normal_path


def _layer(m: Any, X: Any, b: Any) -> Any:
    def f(W: Any) -> Any:
        h = m.tanh(X @ W + b)
        return m.sum((h - X[:, :1]) ** 2 * 0.5)

    return f


def test_float64_ops_take_the_lean_path(general_calls: list[str]) -> None:
    rng = np.random.default_rng(3)
    X, W, b = rng.standard_normal((6, 3)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    f = _layer(fnp, X, b)
    want = _normal(f, W)
    hits = tape.stats["hits"]
    for _ in range(3):
        got = functrans.grad(f)(W)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    assert tape.stats["hits"] > hits  # recorded on the tape, not the normal path
    # dot_general, add, tanh, sub, integer_pow, mul, reduce_sum: none through the general path
    # (the slice X[:, :1] of a constant is not traced)
    assert general_calls == []


def test_other_dtypes_take_the_general_path(general_calls: list[str]) -> None:
    rng = np.random.default_rng(4)
    X = rng.standard_normal((5, 2)).astype(np.float32)
    W = rng.standard_normal((2, 2)).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    f = _layer(fnp, X, b)
    want = _normal(f, W)
    got = functrans.grad(f)(W)
    assert got.dtype == want.dtype == np.float32 and np.array_equal(got, want)
    assert "dot_general" in general_calls and "tanh" in general_calls


def test_zero_dim_operands_keep_the_memo(general_calls: list[str]) -> None:
    # 0-d operands go through the general path, whose memo makes x * x see the same operand
    def f(x: Any) -> Any:
        y = x * 2.0
        return y * y

    x = np.float64(1.5)
    want = _normal(f, x)
    got = functrans.grad(f)(x)
    assert np.array_equal(got, want) and type(got) is type(want)
    assert general_calls.count("mul") == 2


def test_operators_go_straight_to_the_recording(general_calls: list[str], monkeypatch: Any) -> None:
    from functrans._src.lax import elementwise

    bound: list[str] = []
    orig = elementwise.bind

    def counting(prim: Any, args: Any, params: Any) -> Any:
        bound.append(prim.name)
        return orig(prim, args, params)

    monkeypatch.setattr(elementwise, "bind", counting)
    rng = np.random.default_rng(5)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)

    def f(W: Any) -> Any:
        return fnp.sum(2.0 * (W + b) - W / 3.0 + (1.0 - W) * W)

    want = _normal(f, W)
    functrans.grad(f)(W)  # recorded and its backward program compiled (which binds)
    bound.clear()
    got = functrans.grad(f)(W)
    assert np.array_equal(got, want)
    assert bound == []  # + - * / on the tape's values: no detour through lax and bind
    assert general_calls == []
    with pytest.raises(TypeError):  # other operands still go through bind and its checks
        functrans.grad(lambda W: fnp.sum(W + np.array(["a", "b"])))(W)


def test_matmul_goes_straight_to_the_recording(general_calls: list[str], monkeypatch: Any) -> None:
    slow: list[int] = []
    orig = tape._fnp_matmul

    def counting(a: Any, b: Any) -> Any:
        slow.append(1)
        return orig(a, b)

    monkeypatch.setattr(tape, "_fnp_matmul", counting)
    rng = np.random.default_rng(6)
    W, V, v = rng.standard_normal((3, 3)), rng.standard_normal((3, 2)), rng.standard_normal(3)

    def f(W: Any) -> Any:
        h = fnp.tanh(W @ W)
        return fnp.sum(h @ V) + fnp.sum(h @ v) + fnp.sum(np.ones((2, 3)) @ h)

    want = _normal(f, W)
    for _ in range(2):
        got = functrans.grad(f)(W)
        assert np.array_equal(got, want)
    assert slow == []  # (np.ones((2, 3)) @ h is dispatched by NumPy to functrans.numpy.matmul)
    assert "dot_general" not in general_calls  # (the sums are 0-d: their adds take the general path)
    slow.clear()
    x = rng.standard_normal(3)
    assert np.array_equal(functrans.grad(lambda x: x @ x)(x), _normal(lambda x: x @ x, x))  # 1-d @ 1-d
    assert len(slow) == 1


def test_operator_shortcuts_match_the_normal_path(general_calls: list[str]) -> None:
    # x ** n (a Python int n) and a float64 array on the left of + - * / @ are recorded by the
    # operators themselves: the same gradients, bit for bit, as the normal path
    rng = np.random.default_rng(5)
    X, W, c = rng.standard_normal((4, 3)), rng.standard_normal((3, 3)), rng.standard_normal((4, 3))

    def f(W: Any) -> Any:
        h = X @ W
        h = c + h * 0.5
        h = (c - h) ** 2 + (c * h) ** 3 + (c / (h**2 + 1.0)) ** -1 + h**0
        return fnp.sum(h**1)  # (a mean divides a 0-d sum: the general path, for its memo)

    want = _normal(f, W)
    for _ in range(3):
        got = functrans.grad(f)(W)
        assert got.dtype == want.dtype and np.array_equal(got, want)
    assert general_calls == []
    # other exponents and operands still take functrans.numpy's functions
    def f2(W: Any) -> Any:
        return fnp.sum((X @ W) ** 2.0 + (X @ W) ** np.int64(3)) + fnp.sum(np.float32(2.0) * W)

    want = _normal(f2, W)
    assert np.array_equal(functrans.grad(f2)(W), want)
