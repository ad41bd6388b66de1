"""Speed of loops: a tanh RNN trained by backpropagation through time, side by side.

The RNN: h_{t+1} = tanh(h_t W + x_t U + b), hidden 128, batch 32, inputs 64, T = 200 steps,
loss = sum of squares of the last state; the gradient with respect to (W, U, b).

Columns (all in one process, the same data, results checked against the reference):

* ``numpy BPTT``: the hand-written reference -- a forward loop storing the states, then
  a backward loop (dz = g * (1 - h^2); dW += h^T dz; dU += x^T dz; db += sum dz; g = dz W^T).
* ``functrans jit(grad) scan``: ``lax.scan`` over the steps, ``jit(grad(loss))``.
* ``functrans grad scan``: the same, eager (traced on every call).
* ``functrans grad python loop``: the same RNN as a Python loop, eager ``grad``.
* ``functrans jit(grad) python loop``: the Python loop under jit (unrolled into T copies).
* peers when installed (``--peers``): HIPS autograd (a Python loop: it has no scan), JAX
  ``grad`` of ``lax.scan`` eager and under ``jax.jit``.

Ratios are medians over paired rounds (each round times the candidate and the reference
back to back). BLAS threads are pinned to 1 unless set in the environment (small matrix
products on a shared machine are much steadier single-threaded). A second table shows
that a jitted scan is traced once: the number of equations of ``grad(loss)`` and of the
optimised jit program, and the time to trace and compile, for T = 50, 200, 800 -- constant
for the scan, growing linearly for the Python loop. A third shows peak memory (tracemalloc)
of one gradient for T = 100, 200, 400: linear in T, residuals stored once per step.

Run:  python benchmarks/bench_control.py [--quick] [--peers]
Nothing here asserts on time.
"""

from __future__ import annotations

import os

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import best_time, paired_ratio  # noqa: E402

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans import lax  # noqa: E402

HIDDEN, BATCH, INPUTS, STEPS = 128, 32, 64, 200


def rnn_problem(steps: int = STEPS, seed: int = 0) -> tuple[tuple[np.ndarray, ...], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN)
    u = rng.normal(size=(INPUTS, HIDDEN)) / np.sqrt(INPUTS)
    b = rng.normal(size=HIDDEN) * 0.1
    xs = rng.normal(size=(steps, BATCH, INPUTS))
    h0 = np.zeros((BATCH, HIDDEN))
    return (w, u, b), xs, h0


def loss_scan(params: Any, xs: Any, h0: Any) -> Any:
    w, u, b = params

    def step(h: Any, x: Any) -> Any:
        return fnp.tanh(h @ w + x @ u + b), None

    h, _ = lax.scan(step, h0, xs)
    return fnp.sum(h**2)


def make_loss_loop(m: Any) -> Callable[..., Any]:
    def loss(params: Any, xs: Any, h0: Any) -> Any:
        w, u, b = params
        h = h0
        for t in range(xs.shape[0]):
            h = m.tanh(h @ w + xs[t] @ u + b)
        return m.sum(h**2)

    return loss


def bptt_numpy(params: tuple[np.ndarray, ...], xs: np.ndarray, h0: np.ndarray) -> tuple[np.ndarray, ...]:
    """The hand-written gradient: forward storing the states, backward through time."""
    w, u, b = params
    hs = [h0]
    h = h0
    for x in xs:
        h = np.tanh(h @ w + x @ u + b)
        hs.append(h)
    g = 2.0 * h
    dw, du, db = np.zeros_like(w), np.zeros_like(u), np.zeros_like(b)
    for t in range(len(xs) - 1, -1, -1):
        dz = g * (1.0 - hs[t + 1] ** 2)
        dw += hs[t].T @ dz
        du += xs[t].T @ dz
        db += dz.sum(axis=0)
        g = dz @ w.T
    return dw, du, db


def _check(got: Any, ref: tuple[np.ndarray, ...]) -> None:
    for a, r in zip(got, ref):
        np.testing.assert_allclose(np.asarray(a), r, rtol=1e-8, atol=1e-10)


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _peers(params: Any, xs: np.ndarray, h0: np.ndarray) -> dict[str, Callable[[], Any]]:
    out: dict[str, Callable[[], Any]] = {}
    try:
        import autograd
        import autograd.numpy as anp

        ag = autograd.grad(make_loss_loop(anp))
        out["autograd grad (python loop)"] = lambda: ag(params, xs, h0)
    except ImportError:
        print("  (autograd: not installed, skipped)")
    try:
        jax = _jax()
        import jax.numpy as jnp

        def jloss(p: Any, xs: Any, h0: Any) -> Any:
            w, u, b = p

            def step(h: Any, x: Any) -> Any:
                return jnp.tanh(h @ w + x @ u + b), None

            h, _ = jax.lax.scan(step, h0, xs)
            return jnp.sum(h**2)

        jp, jx, jh = jax.device_put(params), jax.device_put(xs), jax.device_put(h0)
        jg = jax.grad(jloss)
        jj = jax.jit(jax.grad(jloss))
        out["jax grad scan (eager)"] = lambda: jax.block_until_ready(jg(jp, jx, jh))
        out["jax jit(grad) scan"] = lambda: jax.block_until_ready(jj(jp, jx, jh))
    except ImportError:
        print("  (jax: not installed, skipped)")
    return out


def bench_rnn(number: int, rounds: int, peers: bool) -> None:
    params, xs, h0 = rnn_problem()
    ref = bptt_numpy(params, xs, h0)
    cands: dict[str, Callable[[], Any]] = {}
    jg = functrans.jit(functrans.grad(loss_scan))
    g = functrans.grad(loss_scan)
    gl = functrans.grad(make_loss_loop(fnp))
    jgl = functrans.jit(functrans.grad(make_loss_loop(fnp)))
    cands["functrans jit(grad) scan"] = lambda: jg(params, xs, h0)
    cands["functrans grad scan (eager)"] = lambda: g(params, xs, h0)
    cands["functrans grad python loop"] = lambda: gl(params, xs, h0)
    t0 = time.perf_counter()
    _check(jgl(params, xs, h0), ref)
    t_first = time.perf_counter() - t0
    cands["functrans jit(grad) python loop"] = lambda: jgl(params, xs, h0)
    if peers:
        cands.update(_peers(params, xs, h0))
    print(f"\n1. RNN gradient by BPTT: hidden {HIDDEN}, batch {BATCH}, inputs {INPUTS}, T = {STEPS} (float64)")
    print(f"  {'':38s} {'time':>10s} {'vs numpy':>9s}")
    ref_fn = lambda: bptt_numpy(params, xs, h0)  # noqa: E731
    t_ref = best_time(ref_fn, number, 3)
    print(f"  {'numpy hand-written BPTT':38s} {t_ref * 1e3:8.2f}ms {1.0:8.2f}x")
    for name, fn in cands.items():
        _check(fn(), ref)
        fn()
        ratio, t_fn, _ = paired_ratio(fn, ref_fn, number, rounds)
        print(f"  {name:38s} {t_fn * 1e3:8.2f}ms {ratio:8.2f}x", flush=True)
    print(f"  (the unrolled jit(grad) python loop took {t_first:.2f}s to trace and compile at T = {STEPS})")
    print("  targets: jit(grad) scan within 1.3x of numpy, eager grad scan within 2x")


def _count(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[int, int, float]:
    """Equations of make_ir(fn), of the optimised jit program, and the time to trace + compile
    (from scratch: the cache of loop-body programs is cleared first)."""
    from functrans._src.control_flow.common import _CANONICAL

    n_ir = len(functrans.make_ir(fn)(*args).eqns)
    _CANONICAL.clear()
    t0 = time.perf_counter()
    lowered = functrans.jit(fn).lower(*args)
    return n_ir, len(lowered.ir.eqns), time.perf_counter() - t0


def bench_trace(steps: tuple[int, ...]) -> None:
    print("\n2. Tracing: equations of grad(loss) (make_ir), of the optimised jit program, and trace+compile time")
    cols = f"{'jit eqns':>9s} {'trace':>8s}"
    print(f"  {'T':>5s} | {'scan: eqns':>10s} {cols} | {'loop: eqns':>10s} {cols}")
    _count(functrans.grad(loss_scan), rnn_problem(5))  # warm-up (one-time imports and caches)
    for t in steps:
        params, xs, h0 = rnn_problem(t)
        s = _count(functrans.grad(loss_scan), (params, xs, h0))
        lp = _count(functrans.grad(make_loss_loop(fnp)), (params, xs, h0))
        print(f"  {t:5d} | {s[0]:10d} {s[1]:9d} {s[2] * 1e3:6.1f}ms | {lp[0]:10d} {lp[1]:9d} {lp[2] * 1e3:6.0f}ms")
    print("  the scan's body is traced once: its counts do not depend on T")


def _peak_mib(fn: Callable[[], Any]) -> float:
    import gc
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bench_memory() -> None:
    print("\n3. Peak memory of one gradient (tracemalloc, MiB): reverse mode stores residuals per step")
    print(f"  {'T':>5s} {'numpy BPTT':>11s} {'jit(grad) scan':>15s} {'grad scan':>10s}")
    jg = functrans.jit(functrans.grad(loss_scan))
    g = functrans.grad(loss_scan)
    for t in (100, 200, 400):
        args = rnn_problem(t)
        jg(*args)
        row = [_peak_mib(lambda a=args: bptt_numpy(*a)), _peak_mib(lambda a=args: jg(*a))]
        row.append(_peak_mib(lambda a=args: g(*a)))
        print(f"  {t:5d} {row[0]:11.1f} {row[1]:15.1f} {row[2]:10.1f}")
    one = BATCH * HIDDEN * 8 / 2**20
    print(f"  (one state is {one:.3f} MiB: the scan stores two per step, h_t and 1 - h_t^2; NumPy BPTT one)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    ap.add_argument("--peers", action="store_true", help="also time HIPS autograd and JAX when installed")
    args = ap.parse_args(argv)
    env = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")]
    print(f"numpy {np.__version__}; {os.cpu_count()} cores; {', '.join(env)}")
    number, rounds = (1, 5) if args.quick else (2, 11)
    bench_rnn(number, rounds, args.peers)
    bench_trace((50, 200) if args.quick else (50, 200, 800))
    bench_memory()


if __name__ == "__main__":
    main()
