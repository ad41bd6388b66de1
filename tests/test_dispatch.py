"""jit's dispatch fast path (plain ndarray positional arguments) agrees with the general path."""

from __future__ import annotations

from typing import Any

import numpy as np

import functrans


def test_fast_path_retraces_per_signature() -> None:
    traces: list[Any] = []

    def f(x: Any, y: Any) -> Any:
        traces.append(1)
        return {"s": x * y, "t": (x + 1.0,)}

    j = functrans.jit(f)
    a, b = np.arange(3.0), np.ones(3)
    for _ in range(3):
        out = j(a, b)
        np.testing.assert_array_equal(out["s"], a * b)
        np.testing.assert_array_equal(out["t"][0], a + 1.0)
    assert len(traces) == 1
    out32 = j(a.astype(np.float32), b.astype(np.float32))
    assert out32["s"].dtype == np.float32 and len(traces) == 2
    out2 = j(np.ones((2, 2)), np.ones((2, 2)))
    assert out2["s"].shape == (2, 2) and len(traces) == 3
    j(a, b)
    assert len(traces) == 3
    j.clear_cache()
    j(a, b)
    assert len(traces) == 4


def test_fast_path_outputs_are_arrays_and_statics_respected() -> None:
    j = functrans.jit(lambda x: functrans.numpy.sum(x))
    x = np.arange(4.0)
    for _ in range(2):
        r = j(x)
        assert isinstance(r, np.ndarray) and r.shape == () and r == 6.0
    s = functrans.jit(lambda x, n: x * n, static_argnums=1)
    assert s(x, 2)[1] == 2.0 and s(x, 3)[1] == 3.0


def test_fast_path_inside_transformations() -> None:
    j = functrans.jit(lambda x: functrans.numpy.sin(x) * x)
    x = np.linspace(0.1, 0.5, 5)
    j(x)
    g = functrans.grad(lambda x: functrans.numpy.sum(j(x)))(x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-13)
    np.testing.assert_allclose(functrans.vmap(j)(np.stack([x, x])), np.stack([j(x), j(x)]), rtol=1e-15)
