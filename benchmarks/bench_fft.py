"""Gradient of a spectral filter loss: functrans (eager and jit) against hand-written NumPy and JAX.

Loss: ``L(x) = sum(irfft(rfft(x) * H, n) ** 2)`` for a batch of real signals ``x`` (B, n) and
a complex filter ``H``. The hand-written NumPy gradient is ``2 * irfft(conj(H) * rfft(y), n)``
with ``y = irfft(rfft(x) * H, n)`` (two FFTs forward, two backward, as the transposed program).
Every version is checked against it first. Times are medians of the per-round ratio to NumPy
over interleaved rounds (CPU time of this process); nothing asserts on time.

Run:  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python benchmarks/bench_fft.py [--quick] [--peers]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402


def problem(b: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((b, n))
    h = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    return x, h


def numpy_grad(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    n = x.shape[-1]
    y = np.fft.irfft(np.fft.rfft(x) * h, n)
    return 2 * np.fft.irfft(np.conj(h) * np.fft.rfft(y), n)


def functrans_grad(h: np.ndarray, n: int) -> Callable[[Any], Any]:
    return functrans.grad(lambda x: fnp.sum(fnp.fft.irfft(fnp.fft.rfft(x) * h, n) ** 2))


def _time(f: Callable[[], Any], reps: int) -> float:
    t = time.process_time()
    for _ in range(reps):
        f()
    return time.process_time() - t


def _jax_grad(h: np.ndarray, n: int) -> Callable[[Any], Any]:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    jg = jax.jit(jax.grad(lambda x: jnp.sum(jnp.fft.irfft(jnp.fft.rfft(x) * h, n) ** 2)))
    return lambda x: jg(x).block_until_ready()


def run(b: int, n: int, rounds: int, peers: bool) -> None:
    x, h = problem(b, n)
    ref = numpy_grad(x, h)
    eager = functrans_grad(h, n)
    jitted = functrans.jit(eager)
    grads: dict[str, Callable[[Any], Any]] = {
        "numpy (hand-written)": lambda x: numpy_grad(x, h),
        "functrans grad": eager,
        "functrans jit(grad)": jitted,
    }
    if peers:
        grads["jax jit(grad)"] = _jax_grad(h, n)
    for g in grads.values():
        np.testing.assert_allclose(np.asarray(g(x)), ref, rtol=1e-9, atol=1e-9 * np.abs(ref).max())
    ratios: dict[str, list[float]] = {k: [] for k in grads}
    times: dict[str, list[float]] = {k: [] for k in grads}
    reps = max(1, 200000 // (b * n))
    for _ in range(rounds):
        base = _time(lambda: numpy_grad(x, h), reps)
        for name, g in grads.items():
            t = base if name.startswith("numpy") else _time(lambda g=g: g(x), reps)
            ratios[name].append(t / base)
            times[name].append(t / reps)
    print(f"\nbatch {b} x n {n} (median of {rounds} rounds, {reps} calls each)")
    for name in grads:
        print(f"  {name:22s} {np.median(times[name]) * 1e6:10.1f} us   x{np.median(ratios[name]):6.2f} of numpy")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peers", action="store_true", help="also time JAX (jit, x64)")
    args = ap.parse_args()
    for b, n in [(1, 256), (64, 4096)]:
        run(b, n, 5 if args.quick else 21, args.peers)


if __name__ == "__main__":
    main()
