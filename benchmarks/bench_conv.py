"""A small CNN layer's loss gradient: functrans (eager and jit) against hand-written NumPy and JAX.

Loss: ``L(x, w) = sum(relu(conv(x, w, SAME)) ** 2)`` with ``x`` (N, C, H, W) and ``w`` (O, C, 3, 3),
gradients w.r.t. both. The hand-written NumPy version is im2col with ``sliding_window_view``: the
forward product, the weight gradient as one product with the columns and the input gradient as
the columns' cotangent scattered back with ``np.add.at`` over the 9 window offsets. Every version
is checked against it first. Times are medians of the per-round ratio to NumPy over interleaved
rounds (process CPU time); nothing asserts on time.

Run:  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python benchmarks/bench_conv.py [--peers]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.lax as flax  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from benchmarks.bench_core import paired_ratio  # noqa: E402


def numpy_grad(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n, c, h, wd = x.shape
    o = w.shape[0]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.lib.stride_tricks.sliding_window_view(xp, (3, 3), axis=(2, 3))  # N C H W 3 3
    a = cols.transpose(0, 2, 3, 1, 4, 5).reshape(n * h * wd, c * 9)
    y = a @ w.reshape(o, -1).T  # (NHW, O)
    r = np.maximum(y, 0)
    gy = 2 * r  # d sum(relu(y)^2)/dy
    gw = (gy.T @ a).reshape(w.shape)
    ga = (gy @ w.reshape(o, -1)).reshape(n, h, wd, c, 3, 3)
    gxp = np.zeros_like(xp)
    for i in range(3):
        for j in range(3):
            gxp[:, :, i:i + h, j:j + wd] += ga[..., i, j].transpose(0, 3, 1, 2)
    return gxp[:, :, 1:-1, 1:-1], gw


def ft_loss(x: Any, w: Any) -> Any:
    y = flax.conv_general_dilated(x, w, (1, 1), "SAME")
    return fnp.sum(fnp.maximum(y, 0.0) ** 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    for shape, o in (((16, 3, 32, 32), 16), ((32, 16, 16, 16), 32)):
        x, w = rng.normal(size=shape), rng.normal(size=(o, shape[1], 3, 3)) / 5
        ref = numpy_grad(x, w)
        g = functrans.grad(ft_loss, (0, 1))
        gj = functrans.jit(g)
        for got in (g(x, w), gj(x, w)):
            np.testing.assert_allclose(got[0], ref[0], rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(got[1], ref[1], rtol=1e-9, atol=1e-9)
        fns = {"functrans": lambda: g(x, w), "functrans jit": lambda: gj(x, w)}  # noqa: B023
        if args.peers:
            import jax

            jax.config.update("jax_enable_x64", True)
            jg = jax.jit(jax.grad(lambda a, b: jax.numpy.sum(jax.numpy.maximum(jax.lax.conv_general_dilated(
                a, b, (1, 1), "SAME"), 0.0) ** 2), (0, 1)))
            np.testing.assert_allclose(np.asarray(jg(x, w)[1]), ref[1], rtol=1e-9, atol=1e-9)
            fns["jax jit"] = lambda: jax.block_until_ready(jg(x, w))  # noqa: B023
        print(f"x {shape}, w {(o, shape[1], 3, 3)}: gradient w.r.t. both (median ratio to hand-written NumPy "
              "over paired rounds; best times of each)")
        for name, fn in fns.items():
            med, t_fn, t_ref = paired_ratio(fn, lambda: numpy_grad(x, w), number=3, rounds=args.rounds)  # noqa: B023
            print(f"  {name:14s} {med:5.2f}x   {t_fn * 1e3:7.2f} ms vs NumPy {t_ref * 1e3:7.2f} ms")


if __name__ == "__main__":
    main()
