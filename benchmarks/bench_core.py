"""Eager-mode speed of functrans.grad, side by side in one process.

1. A chain of 300 small elementwise operations on a length-4 vector: per-operation
   Python overhead dominates. Compared with the NumPy forward pass alone and with
   HIPS autograd's grad (when installed).
2. An MLP loss (128x256 inputs, two tanh layers of 256, a linear read-out, mean
   squared error): arithmetic dominates. Compared with a hand-written NumPy gradient.

With --array-inputs the functrans calls get functrans.Array inputs (what functrans.numpy's
creation functions return) instead of plain ndarrays: the cost of the subclass.

Run:  python benchmarks/bench_core.py [--quick] [--array-inputs]
Prints times and ratios; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

ARRAY_INPUTS = False  # --array-inputs: functrans gets functrans.Array inputs


def _inp(x: Any) -> Any:
    """``x`` as functrans sees it: a functrans.Array with --array-inputs, else as is."""
    if not ARRAY_INPUTS:
        return x
    if isinstance(x, dict):
        return {k: fnp.asarray(v) for k, v in x.items()}
    return fnp.asarray(x)


# the clock of every measurement: wall time by default; bench_speed.py --cpu switches to the
# process's CPU time, steadier when other processes compete for the cores
TIMER: Callable[[], float] = timeit.default_timer


def best_time(fn: Callable[[], Any], number: int, repeat: int) -> float:
    """Best-of-``repeat`` seconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat, timer=TIMER)) / number


# --------------------------------------------------------------------------- the chain


def make_chain(m: Any, n_blocks: int = 75) -> Callable[[Any], Any]:
    """4 elementwise ops per block (tanh, *, +, sin); 75 blocks = 300 ops, then a sum."""

    def f(x: Any) -> Any:
        for _ in range(n_blocks):
            x = m.tanh(x)
            x = x * 1.1
            x = x + 0.3
            x = m.sin(x)
        return m.sum(x)

    return f


def bench_chain(number: int, rounds: int) -> tuple[dict[str, float], float | None]:
    x = np.linspace(0.1, 0.4, 4)
    res = {"numpy forward": best_time(lambda: make_chain(np)(x), number, 3)}
    g = functrans.grad(make_chain(fnp))
    xf = _inp(x)
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError:
        print("  (HIPS autograd not installed: pip install autograd to compare)")
        res["functrans grad"] = best_time(lambda: g(xf), number, 3)
        return res, None
    ga = autograd.grad(make_chain(anp))
    np.testing.assert_allclose(ga(x), g(xf), rtol=1e-10)
    ratio, res["functrans grad"], res["autograd grad"] = paired_ratio(lambda: g(xf), lambda: ga(x), number, rounds)
    return res, ratio


# --------------------------------------------------------------------------- the MLP


def mlp_loss(m: Any) -> Callable[..., Any]:
    def loss(params: dict[str, Any], X: Any, y: Any) -> Any:
        h1 = m.tanh(X @ params["W1"] + params["b1"])
        h2 = m.tanh(h1 @ params["W2"] + params["b2"])
        out = h2 @ params["w3"]
        return m.mean((out - y) ** 2)

    return loss


def mlp_grad_numpy(params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """The gradient by hand: the reference a library should come close to."""
    h1 = np.tanh(X @ params["W1"] + params["b1"])
    h2 = np.tanh(h1 @ params["W2"] + params["b2"])
    out = h2 @ params["w3"]
    d_out = 2.0 * (out - y) / out.shape[0]
    g_w3 = h2.T @ d_out
    d_a2 = np.outer(d_out, params["w3"]) * (1.0 - h2 * h2)
    g_W2 = h1.T @ d_a2
    g_b2 = d_a2.sum(0)
    d_a1 = (d_a2 @ params["W2"].T) * (1.0 - h1 * h1)
    g_W1 = X.T @ d_a1
    g_b1 = d_a1.sum(0)
    return {"W1": g_W1, "b1": g_b1, "W2": g_W2, "b2": g_b2, "w3": g_w3}


def hessian_problem(
    n: int = 100, seed: int = 0
) -> tuple[np.ndarray, Callable[..., Any], Callable[..., Any], np.ndarray]:
    """``A``, ``f(x) = sum(log cosh(A x)) + |x|^2 / 2``, its hand-written Hessian, and a point ``x``."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)

    def f(x: Any) -> Any:
        return fnp.sum(fnp.log(fnp.cosh(A @ x))) + 0.5 * fnp.sum(x * x)

    def hand(x: np.ndarray) -> np.ndarray:
        t = np.tanh(A @ x)
        return A.T @ ((1.0 - t * t)[:, None] * A) + np.eye(n)

    return A, f, hand, x


def mlp_problem(seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d = 256
    params = {
        "W1": rng.standard_normal((d, d)) / np.sqrt(d),
        "b1": rng.standard_normal(d) * 0.1,
        "W2": rng.standard_normal((d, d)) / np.sqrt(d),
        "b2": rng.standard_normal(d) * 0.1,
        "w3": rng.standard_normal(d) / np.sqrt(d),
    }
    return params, rng.standard_normal((128, d)), rng.standard_normal(128)


def paired_ratio(fn: Callable[[], Any], ref: Callable[[], Any], number: int, rounds: int) -> tuple[float, float, float]:
    """Median over ``rounds`` of time(fn)/time(ref), each round timing the two back to back.

    On a noisy machine (shared cores, frequency changes) pairing adjacent measurements and
    taking the median ratio is far steadier than comparing two separate minima.
    """
    ratios, t_fn, t_ref = [], [], []
    for _ in range(rounds):
        a = best_time(ref, number, 1)
        b = best_time(fn, number, 1)
        t_ref.append(a)
        t_fn.append(b)
        ratios.append(b / a)
    return float(np.median(ratios)), min(t_fn), min(t_ref)


def bench_mlp(number: int, rounds: int) -> tuple[dict[str, float], float]:
    params, X, y = mlp_problem()
    g = functrans.grad(mlp_loss(fnp))
    ref = mlp_grad_numpy(params, X, y)
    pf, Xf, yf = _inp(params), _inp(X), _inp(y)
    got = g(pf, Xf, yf)
    for k in ref:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-9, atol=1e-12)
    ratio, t_fn, t_ref = paired_ratio(lambda: g(pf, Xf, yf), lambda: mlp_grad_numpy(params, X, y), number, rounds)
    out = {"numpy hand-written grad": t_ref, "functrans grad": t_fn}
    try:
        import autograd
        import autograd.numpy as anp

        ga = autograd.grad(mlp_loss(anp))
        out["autograd grad"] = best_time(lambda: ga(params, X, y), number, 3)
    except ImportError:
        pass
    return out, ratio


def report(title: str, res: dict[str, float], base: str) -> None:
    print(f"\n{title}")
    print(f"  {'':28s} {'time':>12s} {'ratio to ' + base:>24s}")
    for k, v in res.items():
        print(f"  {k:28s} {v * 1e6:10.1f}us {v / res[base]:23.2f}x")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--array-inputs", action="store_true", help="pass functrans.Array inputs to functrans")
    args = ap.parse_args(argv)
    global ARRAY_INPUTS
    ARRAY_INPUTS = args.array_inputs
    chain, chain_ratio = bench_chain(number=10 if args.quick else 20, rounds=9 if args.quick else 31)
    report("Chain of 300 elementwise ops on a length-4 vector (grad)", chain, "numpy forward")
    if chain_ratio is not None:
        print(f"  functrans / autograd, median of paired rounds: {chain_ratio:.3f}x (below 1 = faster)")
    mlp, ratio = bench_mlp(number=5 if args.quick else 10, rounds=9 if args.quick else 31)
    report("MLP loss, 128x256 inputs, two tanh layers of 256 (grad w.r.t. all parameters)", mlp,
           "numpy hand-written grad")  # fmt: skip
    print(f"  functrans / hand-written, median of paired rounds: {ratio:.3f}x")


if __name__ == "__main__":
    main()
