"""Train a small MLP classifier on a toy data set with ``jit`` + ``value_and_grad``.

Two interleaved spirals (800 points, 2 classes); a 2-64-64-1 tanh network with a logistic
loss, trained by Adam written in a few lines of functrans.numpy. The whole update step
(forward, gradient, optimizer) is one jitted function over a pytree of parameters.

Run:  python examples/mlp_training.py [--steps 600] [--plot loss.png]
A loss curve is written as PNG when matplotlib is installed (pip install -e ".[bench]").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans.tree_util import tree_map  # noqa: E402


def spirals(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    t = np.sqrt(rng.uniform(0.05, 1.0, n)) * 3 * np.pi
    label = rng.integers(0, 2, n)
    sign = np.where(label == 1, 1.0, -1.0)
    x = np.stack([sign * t * np.cos(t), sign * t * np.sin(t)], axis=1) / 10.0
    return x + rng.normal(0, 0.03, x.shape), label.astype(np.float64)


def init(rng: np.random.Generator, sizes: tuple[int, ...]) -> list[dict[str, np.ndarray]]:
    return [
        {"W": rng.normal(0, 1 / np.sqrt(m), (m, n)), "b": np.zeros(n)} for m, n in zip(sizes[:-1], sizes[1:])
    ]


def logits(params: list[dict[str, np.ndarray]], x: np.ndarray) -> np.ndarray:
    h = x
    for layer in params[:-1]:
        h = fnp.tanh(h @ layer["W"] + layer["b"])
    return (h @ params[-1]["W"] + params[-1]["b"])[:, 0]


def loss(params: list[dict[str, np.ndarray]], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    z = logits(params, x)
    # logistic loss log(1 + exp(z)) - y z, written to be stable for large |z|
    return fnp.mean(fnp.maximum(z, 0.0) - y * z + fnp.log1p(fnp.exp(-fnp.abs(z))))


@functrans.jit
def step(params, m, v, t, x, y, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    value, g = functrans.value_and_grad(loss)(params, x, y)
    m = tree_map(lambda a, b: b1 * a + (1 - b1) * b, m, g)
    v = tree_map(lambda a, b: b2 * a + (1 - b2) * b * b, v, g)
    mhat_scale = 1 / (1 - b1**t)
    vhat_scale = 1 / (1 - b2**t)
    params = tree_map(lambda p, a, b: p - lr * (a * mhat_scale) / (fnp.sqrt(b * vhat_scale) + eps), params, m, v)
    return params, m, v, value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--plot", metavar="FILE.png", default=None, help="write the loss curve (needs matplotlib)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x, y = spirals(800, rng)
    params = init(rng, (2, 64, 64, 1))
    m = tree_map(np.zeros_like, params)
    v = tree_map(np.zeros_like, params)
    losses = []
    t0 = time.perf_counter()
    for t in range(1, args.steps + 1):
        params, m, v, value = step(params, m, v, float(t), x, y)
        losses.append(float(value))
        if t % max(1, args.steps // 5) == 0 or t == 1:
            print(f"step {t:5d}  loss {losses[-1]:.4f}")
    elapsed = time.perf_counter() - t0
    acc = float(np.mean((np.asarray(logits(params, x)) > 0) == (y > 0.5)))
    print(f"{args.steps} steps in {elapsed:.2f} s ({1e3 * elapsed / args.steps:.2f} ms/step); train accuracy {acc:.3f}")
    assert losses[-1] < losses[0], "the loss did not decrease"
    if args.plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("matplotlib is not installed (pip install -e '.[bench]'); no plot written")
            return 0
        fig, ax = plt.subplots(figsize=(5, 3.2))
        ax.semilogy(np.arange(1, len(losses) + 1), losses)
        ax.set_xlabel("step")
        ax.set_ylabel("training loss")
        ax.set_title("MLP on two spirals (jit + value_and_grad, Adam)")
        fig.tight_layout()
        fig.savefig(args.plot, dpi=150)
        print(f"wrote {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
