"""Peak memory and time of reverse mode through a deep MLP, with and without ``checkpoint``.

A 64-layer tanh MLP (width 512, batch 256, float64): ``h <- tanh(h @ W_l)``, loss =
sum(h**2)/2. Without checkpointing, reverse mode keeps for every layer what the
backward pass needs (the derivative of tanh, and the layer input when the weights are
differentiated). With every block of 8 layers wrapped in ``functrans.checkpoint``,
only the 8 block inputs are kept; each block's forward pass runs again during the
backward pass (one extra forward pass in total).

Two gradients are measured:

* ``d loss / d x`` (the weights are passed but not differentiated): all the memory is
  activations, which is what checkpointing reduces. This is the headline ratio.
* ``d loss / d W`` (all 64 weight matrices, 2 MiB each): the result itself is 128 MiB
  and is allocated whatever the strategy, so it bounds the reduction from below.

Peak memory is measured with tracemalloc (NumPy reports its allocations to it); the
inputs are allocated before measuring. Time ratios are medians over interleaved rounds of
the per-round ratio to "no checkpoint" (also for a hand-written NumPy backward pass that
stores every activation); absolute times are medians. Times are CPU time of this process
(``time.process_time``), which other processes on a busy machine disturb less than wall
time; with BLAS pinned to one thread the two agree on an idle machine. Pin BLAS threads for steady timings, e.g.
``OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1``. Nothing here asserts on time.

Run:  OPENBLAS_NUM_THREADS=1 python benchmarks/bench_checkpoint.py [--quick] [--peers]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

LAYERS, WIDTH, BATCH, BLOCK = 64, 512, 256, 8


def problem(seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    Ws = [rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH) for _ in range(LAYERS)]
    x = rng.standard_normal((BATCH, WIDTH))
    return Ws, x


def block(Ws: Any, h: Any) -> Any:
    for W in Ws:
        h = fnp.tanh(h @ W)
    return h


def make_loss(checkpointed: bool, policy: Any = None) -> Callable[[Any, Any], Any]:
    blk = functrans.checkpoint(block, policy=policy) if checkpointed else block

    def loss(Ws: Any, x: Any) -> Any:
        h = x
        for i in range(0, len(Ws), BLOCK):
            h = blk(Ws[i : i + BLOCK], h)
        return fnp.sum(h * h) * 0.5

    return loss


def numpy_grad_x(Ws: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """Hand-written backward pass storing every layer's output."""
    hs = [x]
    for W in Ws:
        hs.append(np.tanh(hs[-1] @ W))
    g = hs[-1]
    for W, h in zip(reversed(Ws), reversed(hs[1:])):
        g = (g * (1.0 - h * h)) @ W.T
    return g


def peak(fn: Callable[[], Any]) -> tuple[int, Any]:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    out = fn()
    _, p = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return p, out


def paired_rounds(fns: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """CPU seconds per call of each thunk in each of ``rounds`` interleaved rounds."""
    samples: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t = time.process_time()
            f()
            samples[k].append(time.process_time() - t)
    return samples


def median_ratio(a: list[float], b: list[float]) -> float:
    """Median over rounds of a[i] / b[i] (paired: steadier than a ratio of medians on a busy machine)."""
    return float(np.median(np.asarray(a) / np.asarray(b)))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer timing rounds")
    ap.add_argument("--peers", action="store_true", help="also time JAX (jax.checkpoint), if installed")
    args = ap.parse_args(argv)
    rounds = 3 if args.quick else 7
    Ws, x = problem()
    env = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
           if k in os.environ]  # fmt: skip
    print(f"{LAYERS}-layer tanh MLP, width {WIDTH}, batch {BATCH}, float64, checkpoint every {BLOCK} layers "
          f"({', '.join(env) or 'BLAS threads not pinned'})")  # fmt: skip
    act_mib = BATCH * WIDTH * 8 / 2**20
    print(f"one activation is {act_mib:.0f} MiB; one weight matrix {WIDTH * WIDTH * 8 / 2**20:.0f} MiB\n")

    policies = functrans.checkpoint_policies
    variants = {
        "no checkpoint": make_loss(False),  # eager grad
        "checkpoint (save nothing)": make_loss(True),
        "checkpoint (dots_saveable)": make_loss(True, policies.dots_saveable),
    }
    ref_gx = numpy_grad_x(Ws, x)
    for wrt, argnum in (("d loss / d x", 1), ("d loss / d W (result alone: 128 MiB)", 0)):
        print(f"{wrt}")
        print(f"  {'':34s} {'peak memory':>12s} {'vs none':>8s} {'time':>9s} {'vs none':>8s}")
        grads = {k: functrans.grad(f, argnums=argnum) for k, f in variants.items()}
        grads["jit(grad), no checkpoint"] = functrans.jit(functrans.grad(variants["no checkpoint"], argnums=argnum))
        grads["jit(grad), checkpoint"] = functrans.jit(
            functrans.grad(variants["checkpoint (save nothing)"], argnums=argnum)
        )
        thunks = {k: (lambda g=g: g(Ws, x)) for k, g in grads.items()}
        if argnum == 1:
            thunks["numpy hand-written"] = lambda: numpy_grad_x(Ws, x)
        peaks = {}
        ref = None
        for k, th in thunks.items():
            th()  # warm the caches (traced programs, compiled code)
            p, out = peak(th)
            peaks[k] = p
            if argnum == 1:
                np.testing.assert_allclose(out, ref_gx, rtol=1e-9, atol=1e-12)
            elif ref is None:
                ref = out
            else:
                for a, b in zip(out, ref):
                    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
            del out
        times = paired_rounds(thunks, rounds)
        base_p, base_t = peaks["no checkpoint"], times["no checkpoint"]
        for k in thunks:
            print(f"  {k:34s} {peaks[k] / 2**20:8.0f} MiB {peaks[k] / base_p:7.2f}x "
                  f"{np.median(times[k]):8.3f}s {median_ratio(times[k], base_t):7.2f}x")  # fmt: skip
        print()
    if args.peers:
        try:
            import jax
            import jax.numpy as jnp
        except ImportError:
            print("(jax not installed: skipped)")
            return
        jax.config.update("jax_enable_x64", True)

        def jblock(Ws: Any, h: Any) -> Any:
            for W in Ws:
                h = jnp.tanh(h @ W)
            return h

        def jloss(ck: bool) -> Callable[..., Any]:
            b = jax.checkpoint(jblock) if ck else jblock

            def loss(Ws: Any, x: Any) -> Any:
                h = x
                for i in range(0, len(Ws), BLOCK):
                    h = b(Ws[i : i + BLOCK], h)
                return jnp.sum(h * h) * 0.5

            return loss

        jWs = [jnp.asarray(W) for W in Ws]
        jx = jnp.asarray(x)
        jf = {f"jax jit(grad) {'checkpoint' if ck else 'no checkpoint'}": jax.jit(jax.grad(jloss(ck), argnums=1))
              for ck in (False, True)}  # fmt: skip
        th = {k: (lambda f=f: f(jWs, jx).block_until_ready()) for k, f in jf.items()}
        for f in th.values():
            np.testing.assert_allclose(np.asarray(f()), ref_gx, rtol=1e-9, atol=1e-12)
        jt = paired_rounds(th, rounds)
        base = jt["jax jit(grad) no checkpoint"]
        print("JAX, d loss / d x (time only: XLA's memory is not visible to tracemalloc)")
        for k, t in jt.items():
            print(f"  {k:34s} {'':12s} {'':8s} {np.median(t):8.3f}s {median_ratio(t, base):7.2f}x")


if __name__ == "__main__":
    main()
