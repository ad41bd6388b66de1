"""Large 2-D products compile to ``np.matmul`` (no zero-filling of the result, unlike
``np.dot``) and compute exactly what ``eval_ir`` (``np.dot``) computes: every layout of
the operands (C, Fortran, padded, strided, reversed, broadcast: the transpose flags BLAS
gets decide the bits at some sizes, such as 96x40 @ 40x130 with OpenBLAS), ``x.T @ x`` on one
buffer (syrk), float32/64 and complex; small or degenerate products keep ``np.dot``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import codegen
from functrans._src.codegen import compile_ir
from functrans._src.core import eval_ir
from functrans._src.optimize import optimize


def _check(fn: Callable[..., Any], *args: Any) -> str:
    """Compiled == eval_ir exactly (raw and optimised, with and without buffer reuse); the
    optimised program's source."""
    raw = functrans.make_ir(fn)(*args)
    src = ""
    for ir in (raw, optimize(raw)):
        ref = eval_ir(ir, ir.consts, list(args))
        for reuse in (False, True):
            c = compile_ir(ir, reuse_buffers=reuse)
            got = c(*args)
            assert len(got) == len(ref)
            for g, r in zip(got, ref):
                assert g.dtype == np.asarray(r).dtype and g.shape == np.shape(r)
                np.testing.assert_array_equal(g, r)
            src = c.source
    return src


def _layouts(rng: np.random.Generator, m: int, k: int, dtype: Any) -> dict[str, np.ndarray]:
    base = rng.normal(size=(2 * m + 3, 2 * k + 3))
    if np.dtype(dtype).kind == "c":
        base = base + 1j * rng.normal(size=base.shape)
    base = base.astype(dtype)
    fortran = np.asfortranarray(base)
    return {
        "C": np.ascontiguousarray(base[:m, :k]),
        "F": np.asfortranarray(base[:m, :k]),
        "padded": base[:m, :k],
        "padded F": fortran[:m, :k],
        "strided": base[: 2 * m : 2, :k],
        "strided F": fortran[: 2 * m : 2, :k],
        "reversed": base[m - 1 :: -1, k - 1 :: -1],
        "broadcast row": np.broadcast_to(base[0, :k], (m, k)),
        "broadcast column": np.broadcast_to(base[:m, :1], (m, k)),
    }


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.complex64])
def test_matmul_agrees_with_dot_on_every_layout(dtype: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(codegen, "MATMUL_MIN_BYTES", 40000)  # float32 results of 96 x 130 too
    rng = np.random.default_rng(0)
    m, k, n = 96, 40, 130  # a size where the transpose flags change OpenBLAS's bits
    lhs, rhs = _layouts(rng, m, k, dtype), _layouts(rng, k, n, dtype)
    products = {
        "a @ b": lambda a, b: a @ b,
        "a.T.T @ b.T.T": lambda a, b: fnp.dot(a.T.T, b),
        "(b.T @ a.T).T": lambda a, b: (b.T @ a.T).T,
        "tanh(a) @ b": lambda a, b: fnp.tanh(a) @ b,
    }
    for name_a, a in lhs.items():
        for name_b, b in rhs.items():
            for label, f in products.items():
                src = _check(f, a, b)
                assert "np_matmul(" in src, (name_a, name_b, label)
    # the two transposed layouts of dot_general (contracting the first axis of the left operand)
    wide = codegen.MATMUL_MIN_BYTES // (k * np.dtype(dtype).itemsize) + 1  # a k x wide result
    for name, a in lhs.items():
        for c in _layouts(rng, m, wide, dtype).values():
            assert "np_matmul(" in _check(lambda a, c: a.T @ c, a, c), name
        for c in _layouts(rng, wide, m, dtype).values():
            assert "np_matmul(" in _check(lambda a, c: a.T @ c.T, a, c), name


def test_products_of_one_buffer_agree() -> None:
    """``x.T @ x`` on one contiguous buffer is a syrk for both np.dot and np.matmul; on a
    padded or strided one np.dot copies and calls gemm, and so does the compiled program."""
    rng = np.random.default_rng(1)
    base = rng.normal(size=(300, 400))
    for x in (base[:, :150], base[::2, :150], np.asfortranarray(base)[:, :150], base[:150, :150], base[:150, :200]):
        assert "np_matmul(" in _check(lambda x: x.T @ x, x)
        _check(lambda x: x @ x.T, x)
        _check(lambda a, b: a.T @ b, x, x)  # one array passed twice
        _check(lambda x: (lambda t: t.T @ t)(fnp.tanh(x)), x)
        _check(lambda x: fnp.tanh(x).T @ fnp.tanh(x)[:, ::-1][:, ::-1], x)
        _check(lambda x: fnp.tanh(x).T @ x, x)


def test_small_degenerate_and_other_products_keep_dot() -> None:
    rng = np.random.default_rng(2)
    cases = [
        (lambda a, b: a @ b, rng.normal(size=(8, 8)), rng.normal(size=(8, 8))),  # small result
        (lambda a, b: a @ b, rng.normal(size=(300, 1)), rng.normal(size=(1, 300))),  # k = 1
        (lambda a, b: a @ b, rng.normal(size=(1, 300)), rng.normal(size=(300, 300))),  # a row
        (lambda a, b: a @ b, rng.normal(size=(300, 300)), rng.normal(size=(300, 1))),  # a column
        (lambda a, b: a @ b, rng.normal(size=(300, 300)), rng.normal(size=300)),  # a vector
        (lambda a, b: a @ b, rng.integers(-3, 4, size=(300, 300)), rng.integers(-3, 4, size=(300, 300))),
        (lambda a, b: a @ b, rng.normal(size=(300, 300)).astype(np.float16), np.ones((300, 300), np.float16)),
        (lambda a, b: a @ b, rng.normal(size=(300, 300)), rng.normal(size=(300, 300)).astype(np.float32)),
        (lambda a, b: a @ b, rng.normal(size=(3, 100, 50)), rng.normal(size=(50, 100))),  # 3-D @ 2-D
    ]
    for f, a, b in cases:
        src = _check(f, a, b)
        assert "np_matmul(" not in src, (a.shape, a.dtype, b.shape, b.dtype)


def test_threshold_zero_small_products_still_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no size threshold every eligible small product is a matmul: still exact."""
    monkeypatch.setattr(codegen, "MATMUL_MIN_BYTES", 0)
    rng = np.random.default_rng(3)

    def mlp(w1: Any, w2: Any, x: Any, y: Any) -> Any:
        def loss(p: Any) -> Any:
            return fnp.mean((fnp.tanh(x @ p[0]) @ p[1] - y) ** 2)

        return functrans.grad(loss)((w1, w2))

    args = [rng.normal(size=s) for s in [(3, 5), (5, 2), (4, 3), (4, 2)]]
    assert "np_matmul(" in _check(mlp, *args)
    for dtype in (np.float32, np.complex128):
        a, b = rng.normal(size=(4, 3)).astype(dtype), rng.normal(size=(3, 5)).astype(dtype)
        assert "np_matmul(" in _check(lambda a, b: (a @ b) @ (b.T @ a.T).T.T, a, b)


def test_jit_of_a_deep_mlp_gradient_matches_the_plain_backend() -> None:
    rng = np.random.default_rng(4)
    params = [(rng.normal(size=(128, 128)) / 11, rng.normal(size=128)) for _ in range(3)]
    X, y = rng.normal(size=(32, 128)), rng.normal(size=(32, 1))
    w = rng.normal(size=(128, 1))

    def loss(p: Any, X: Any, y: Any) -> Any:
        h = X
        for W, b in p:
            h = fnp.tanh(h @ W + b)
        return fnp.mean((h @ w - y) ** 2)

    j = functrans.jit(functrans.grad(loss))
    assert "np_matmul(" in j.lower(params, X, y).executed.source
    ir = functrans.make_ir(functrans.grad(loss))(params, X, y)
    ref = eval_ir(ir, ir.consts, [a for W, b in params for a in (W, b)] + [X, y])
    got = [a for W, b in j(params, X, y) for a in (W, b)]
    for g, r in zip(got, ref):
        np.testing.assert_array_equal(g, r)
