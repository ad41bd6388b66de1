"""jit compile time as programs grow, and memory over repeated calls.

1. Compile time (first call: trace, optimise, generate code) of ``jit(f)`` for a chain of
   ``n`` elementwise ops, ``n`` = 1k, 10k, 100k, with the time per op: it should stay
   about constant (linear growth). Also ``jit(grad(f))`` (three times as many equations)
   at 1k and 10k, and at 100k with ``--full``. JAX's ``jit`` compile time of the same chain
   is printed beside it when installed (1k and 10k only: XLA takes far longer at 100k).
   The compiled program's run time is compared with the NumPy loop (ratio, median of
   paired interleaved rounds).
2. Memory: traced Python allocations (tracemalloc) after 1k, 2k, ... calls of ``grad``,
   ``jit(grad)``, ``grad`` of a fresh jit closure and a fresh ``jit``: it should stay flat.

Run:  python benchmarks/bench_compile.py [--quick] [--full]
Nothing here asserts on time. BLAS threads are pinned to 1 (the ops are elementwise).
"""

from __future__ import annotations

import os

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import argparse  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402


def chain(m: Any, n: int) -> Callable[[Any], Any]:
    """n elementwise ops cycling through sin, *, +, tanh, then a sum."""

    def f(x: Any) -> Any:
        for i in range(n):
            k = i % 4
            x = m.sin(x) if k == 0 else x * 1.001 if k == 1 else x + 0.01 if k == 2 else m.tanh(x)
        return m.sum(x)

    return f


def compile_seconds(fn: Callable[[Any], Any], x: Any) -> float:
    """Seconds taken by the first call of a freshly jitted ``fn`` (trace, optimise, compile)."""
    gc.collect()
    t0 = time.perf_counter()
    np.asarray(fn(x))
    return time.perf_counter() - t0


def paired_ratio(a: Callable[[], Any], b: Callable[[], Any], rounds: int, number: int) -> float:
    """Median over interleaved rounds of time(a) / time(b)."""
    ratios = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(number):
            a()
        t1 = time.perf_counter()
        for _ in range(number):
            b()
        t2 = time.perf_counter()
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ratios)


def _jax() -> Any:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    return jax, jnp


def _compile_row(kind: str, n: int, x: np.ndarray, peers: Any) -> None:
    f = chain(fnp, n)
    t = compile_seconds(functrans.jit(f if kind == "jit(f)" else functrans.grad(f)), x)
    jt = "-"
    if peers is not None and n <= 10_000:
        jax, jnp = peers
        fj = chain(jnp, n)
        jt = f"{compile_seconds(jax.jit(fj if kind == 'jit(f)' else jax.grad(fj)), x):9.2f}s"
    run = "-"
    if kind == "jit(f)" and n <= 10_000:
        jf = functrans.jit(f)
        jf(x)
        ref = chain(np, n)
        run = f"{paired_ratio(lambda: jf(x), lambda: ref(x), 5, 3):12.2f}x"
    print(f"  {kind:22s} {n:7d} {t:10.2f}s {t / n * 1e6:7.1f}us {jt:>10s} {run:>13s}")


def bench_compile(sizes: list[int], grad_sizes: list[int]) -> None:
    x = np.linspace(0.1, 0.4, 4)
    peers = _jax()
    print("jit compile time (first call) of a chain of n elementwise ops")
    print(f"  {'program':22s} {'n':>7s} {'functrans':>11s} {'per op':>9s} {'jax.jit':>10s} {'run vs numpy':>13s}")
    for n in sizes:
        _compile_row("jit(f)", n, x, peers)
    for n in grad_sizes:
        _compile_row("jit(grad(f))", n, x, peers)


def bench_memory(counts: list[int]) -> None:
    f = chain(fnp, 20)
    g = functrans.grad(f)
    jg = functrans.jit(functrans.grad(f))

    def fresh_grad(x: Any) -> Any:
        return functrans.grad(lambda y: fnp.sum(functrans.jit(lambda z: fnp.sin(z) * y)(y)))(x)

    def fresh_jit(x: Any) -> Any:
        return functrans.jit(lambda z: z * 2.0)(x)

    x = np.linspace(0.1, 0.4, 4)
    print("\nPython memory (tracemalloc, KiB) after k further calls, after warming up")
    print(f"  {'function':30s} " + " ".join(f"{k:>8d}" for k in counts))
    calls = (("grad", g), ("jit(grad)", jg), ("grad of a fresh jit closure", fresh_grad), ("fresh jit", fresh_jit))
    for name, fn in calls:
        for _ in range(100):
            fn(x)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        done = 0
        row = []
        for k in counts:
            for _ in range(k - done):
                fn(x)
            done = k
            gc.collect()
            row.append((tracemalloc.get_traced_memory()[0] - base) / 1024)
        tracemalloc.stop()
        print(f"  {name:30s} " + " ".join(f"{v:8.1f}" for v in row))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1k and 10k only, fewer memory counts")
    ap.add_argument("--full", action="store_true", help="also jit(grad(f)) at 100k")
    args = ap.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    grad_sizes = [1_000, 10_000] + ([100_000] if args.full else [])
    bench_compile(sizes, grad_sizes)
    bench_memory([500, 1000] if args.quick else [1000, 2000, 4000, 8000])


if __name__ == "__main__":
    main()
