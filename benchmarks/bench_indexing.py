"""Speed of gradients through indexing (gather; its gradient is a scatter-add), side by side.

1. Embedding lookup: a 10 000 x 64 table, 4 096 indices with many repeats, loss = sum of
   squares of the gathered rows; the gradient w.r.t. the table. Reference: a hand-written
   NumPy gradient whose scatter-add is one np.bincount over (row, column) pairs (a
   sort + np.add.reduceat version and np.add.at are shown for information).
2. Softmax cross-entropy: 1 024 x 512 logits from a linear layer (256 features), integer
   labels picked with take_along_axis; the gradient w.r.t. the weights and bias
   (autograd, which has no take_along_axis gradient, picks with integer-array indexing).
   The row maximum that steadies exp is taken of stop_gradient(logits) (also in JAX), so
   no library spends work on its derivative, which cancels.
   Reference: the hand-written softmax-minus-one-hot gradient.

functrans eager grad and jit(grad) against the reference, with HIPS autograd and JAX
(eager and jit, x64) beside them when installed. Ratios are medians of paired
back-to-back rounds; BLAS is pinned to one thread (set OPENBLAS_NUM_THREADS etc. to
override). Nothing here asserts on time.

Run:  python benchmarks/bench_indexing.py [--quick]
"""

from __future__ import annotations

import os

for _k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import best_time, paired_ratio  # noqa: E402

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

# --------------------------------------------------------------------------- embedding


def embedding_problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    table = rng.standard_normal((10_000, 64))
    idx = rng.integers(0, 2_000, 4_096)  # ~1 700 distinct rows: many repeats
    return table, idx


def embedding_loss(m: Any, idx: np.ndarray) -> Callable[[Any], Any]:
    def loss(table: Any) -> Any:
        return m.sum(table[idx] ** 2)

    return loss


def embedding_grad_numpy(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """By hand: 2 * rows, scatter-added with one np.bincount over (row, column) pairs
    (the fastest exact NumPy scatter-add measured here; see embedding_grad_sort)."""
    g_rows = 2.0 * table[idx]
    n, d = table.shape
    flat = (idx[:, None] * d + np.arange(d)).ravel()
    return np.bincount(flat, weights=g_rows.ravel(), minlength=n * d).reshape(n, d)


def embedding_grad_sort(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """By hand, sort-based: sort the indices, sum each run with np.add.reduceat."""
    g_rows = 2.0 * table[idx]
    order = np.argsort(idx, kind="stable")
    s = idx[order]
    starts = np.concatenate(([0], np.flatnonzero(s[1:] != s[:-1]) + 1))
    out = np.zeros_like(table)
    out[s[starts]] = np.add.reduceat(g_rows[order], starts, axis=0)
    return out


def embedding_grad_add_at(table: np.ndarray, idx: np.ndarray) -> np.ndarray:
    out = np.zeros_like(table)
    np.add.at(out, idx, 2.0 * table[idx])
    return out


# --------------------------------------------------------------------------- softmax cross-entropy


def ce_problem(seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = {"W": rng.standard_normal((256, 512)) / 16.0, "b": rng.standard_normal(512) * 0.1}
    return params, rng.standard_normal((1024, 256)), rng.integers(0, 512, 1024)


def ce_loss(m: Any, take_along_axis: Any, stop_gradient: Any = None) -> Callable[..., Any]:
    def loss(params: dict[str, Any], X: Any, labels: Any) -> Any:
        logits = X @ params["W"] + params["b"]
        # the shift by the row maximum only steadies exp; no gradient flows through it
        mx = m.max(logits if stop_gradient is None else stop_gradient(logits), axis=1, keepdims=True)
        lse = m.log(m.sum(m.exp(logits - mx), axis=1, keepdims=True)) + mx
        picked = take_along_axis(logits, labels[:, None], axis=1)
        return m.mean(lse - picked)

    return loss


def ce_grad_numpy(params: dict[str, np.ndarray], X: np.ndarray, labels: np.ndarray) -> dict[str, np.ndarray]:
    """By hand: (softmax - one_hot) / n, then the linear layer's gradient."""
    logits = X @ params["W"] + params["b"]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1.0
    p /= len(labels)
    return {"W": X.T @ p, "b": p.sum(0)}


# --------------------------------------------------------------------------- running


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _report(title: str, ref_name: str, t_ref: float, rows: list[tuple[str, float, float | None]]) -> None:
    print(f"\n{title}")
    print(f"  {'':30s} {'time':>11s} {'ratio to ' + ref_name:>30s}")
    print(f"  {ref_name:30s} {t_ref * 1e6:9.0f}us {1.0:29.2f}x")
    for name, t, ratio in rows:
        r = f"{ratio:.2f}x (paired median)" if ratio is not None else f"{t / t_ref:.2f}x"
        print(f"  {name:30s} {t * 1e6:9.0f}us {r:>30s}")


def _peers(rows: list[tuple[str, float, float | None]], cases: list[tuple[str, Callable[[], Callable[[], Any]]]],
           expect: Any, number: int) -> None:  # fmt: skip
    for name, make in cases:
        try:
            fn = make()
        except ImportError:
            print(f"  ({name}: not installed, skipped)")
            continue
        got = fn()
        for e, g in zip(expect if isinstance(expect, list) else [expect], got if isinstance(got, list) else [got]):
            np.testing.assert_allclose(np.asarray(g), e, rtol=1e-8, atol=1e-10)
        rows.append((name, best_time(fn, number, 5), None))


def bench_embedding(number: int, rounds: int) -> None:
    table, idx = embedding_problem()
    ref = embedding_grad_numpy(table, idx)
    g = functrans.grad(embedding_loss(fnp, idx))
    jg = functrans.jit(g)
    np.testing.assert_allclose(g(table), ref, rtol=1e-12)
    np.testing.assert_allclose(jg(table), ref, rtol=1e-12)
    rows: list[tuple[str, float, float | None]] = []
    for name, fn in (("functrans grad (eager)", lambda: g(table)), ("functrans jit(grad)", lambda: jg(table))):
        ratio, t, t_ref = paired_ratio(fn, lambda: embedding_grad_numpy(table, idx), number, rounds)
        rows.append((name, t, ratio))
    np.testing.assert_allclose(embedding_grad_sort(table, idx), ref, rtol=1e-12)
    rows.append(("numpy sort + reduceat", best_time(lambda: embedding_grad_sort(table, idx), number, 5), None))
    rows.append(("numpy with np.add.at", best_time(lambda: embedding_grad_add_at(table, idx), number, 5), None))

    def autograd_make() -> Callable[[], Any]:
        import autograd
        import autograd.numpy as anp

        ga = autograd.grad(embedding_loss(anp, idx))
        return lambda: ga(table)

    def jax_make(jit: bool) -> Callable[[], Callable[[], Any]]:
        def make() -> Callable[[], Any]:
            jax = _jax()
            jidx = jax.numpy.asarray(idx)
            f = jax.grad(embedding_loss(jax.numpy, jidx))
            f = jax.jit(f) if jit else f
            jt = jax.numpy.asarray(table)
            return lambda: jax.block_until_ready(f(jt))

        return make

    _peers(rows, [("autograd grad", autograd_make), ("jax grad (eager)", jax_make(False)),
                  ("jax jit(grad)", jax_make(True))], ref, number)  # fmt: skip
    _report("Embedding lookup 10000x64, 4096 indices with repeats: grad of sum(table[idx]**2)",
            "numpy hand-written (bincount)", min(best_time(lambda: embedding_grad_numpy(table, idx), number, 5),
                                             t_ref), rows)  # fmt: skip


def bench_ce(number: int, rounds: int) -> None:
    params, X, labels = ce_problem()
    ref = ce_grad_numpy(params, X, labels)
    g = functrans.grad(ce_loss(fnp, fnp.take_along_axis, fnp.stop_gradient))
    jg = functrans.jit(g)
    for got in (g(params, X, labels), jg(params, X, labels)):
        for k in ref:
            np.testing.assert_allclose(got[k], ref[k], rtol=1e-9, atol=1e-12)
    rows: list[tuple[str, float, float | None]] = []
    for name, fn in (
        ("functrans grad (eager)", lambda: g(params, X, labels)),
        ("functrans jit(grad)", lambda: jg(params, X, labels)),
    ):
        ratio, t, t_ref = paired_ratio(fn, lambda: ce_grad_numpy(params, X, labels), number, rounds)
        rows.append((name, t, ratio))
    expect = [ref["W"], ref["b"]]

    def autograd_make() -> Callable[[], Any]:
        import autograd
        import autograd.numpy as anp

        def pick(logits: Any, lab: Any, axis: int) -> Any:  # autograd has no take_along_axis gradient
            return logits[np.arange(logits.shape[0]), lab[:, 0]][:, None]

        ga = autograd.grad(ce_loss(anp, pick))
        return lambda: [ga(params, X, labels)[k] for k in ("W", "b")]

    def jax_make(jit: bool) -> Callable[[], Callable[[], Any]]:
        def make() -> Callable[[], Any]:
            jax = _jax()
            jnp = jax.numpy
            f = jax.grad(ce_loss(jnp, jnp.take_along_axis, jax.lax.stop_gradient))
            f = jax.jit(f) if jit else f
            jp = {k: jnp.asarray(v) for k, v in params.items()}
            jx, jl = jnp.asarray(X), jnp.asarray(labels)

            def run() -> Any:
                out = jax.block_until_ready(f(jp, jx, jl))
                return [out["W"], out["b"]]

            return run

        return make

    _peers(rows, [("autograd grad", autograd_make), ("jax grad (eager)", jax_make(False)),
                  ("jax jit(grad)", jax_make(True))], expect, number)  # fmt: skip
    t_ref = best_time(lambda: ce_grad_numpy(params, X, labels), number, 5)
    _report("Softmax cross-entropy, 1024x512 logits from a 256->512 linear layer, labels via take_along_axis",
            "numpy hand-written", t_ref, rows)  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = ap.parse_args(argv)
    env = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")]
    print(f"numpy {np.__version__}; {os.cpu_count()} cores; {', '.join(env)}")
    bench_embedding(number=5 if args.quick else 10, rounds=7 if args.quick else 21)
    bench_ce(number=3 if args.quick else 5, rounds=7 if args.quick else 21)


if __name__ == "__main__":
    main()
