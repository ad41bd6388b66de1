"""Peak memory of a full Jacobian with and without ``chunk_size``.

A batched Jacobian pushes every basis vector through the function at once, so each
intermediate value of the function is held for the whole batch: for f: R^n -> R^m with
intermediates of size p, forward mode holds n x p numbers per intermediate. ``chunk_size=c``
pushes c basis vectors at a time, so the intermediates shrink to c x p; only the result
(m x n) is full size. The results are identical.

Peak memory is measured with tracemalloc (NumPy reports its allocations to it).

Run:  python benchmarks/chunk_memory.py [--n 2000]
"""

from __future__ import annotations

import argparse
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


def deep_map(x: Any, width: int = 4) -> Any:
    """R^n -> R^n through a few elementwise layers that widen to ``width * n`` values."""
    h = fnp.concatenate([fnp.sin(x * (k + 1.0)) for k in range(width)])
    h = fnp.tanh(h) * fnp.exp(-h * h)
    n = x.shape[0]
    return sum(h[k * n : (k + 1) * n] for k in range(width)) + x


def peak_bytes(fn: Callable[[], Any]) -> tuple[int, float, Any]:
    """Peak traced allocation (bytes) while running ``fn``, its wall time and its result."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, dt, out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="input and output size (default 2000)")
    args = ap.parse_args(argv)
    n = args.n
    x = np.linspace(-1.0, 1.0, n)
    result_mb = n * n * 8 / 2**20
    print(f"Jacobian of a {n} -> {n} elementwise network with 4x-wide intermediates; the result alone is "
          f"{result_mb:.0f} MiB")  # fmt: skip
    print(f"  {'':28s} {'peak memory':>12s} {'x result':>9s} {'time':>9s}")
    ref = None
    for name, make in [
        ("jacfwd", lambda: functrans.jacfwd(deep_map)),
        ("jacfwd chunk_size=100", lambda: functrans.jacfwd(deep_map, chunk_size=100)),
        ("jacrev", lambda: functrans.jacrev(deep_map)),
        ("jacrev chunk_size=100", lambda: functrans.jacrev(deep_map, chunk_size=100)),
    ]:
        jac = make()
        peak, dt, J = peak_bytes(lambda: jac(x))  # noqa: B023
        if ref is None:
            ref = J
        np.testing.assert_allclose(J, ref, rtol=1e-12, atol=1e-14)
        print(f"  {name:28s} {peak / 2**20:9.0f} MiB {peak / 2**20 / result_mb:8.1f}x {dt:8.2f}s")
        del J
    print("  (identical Jacobians in every row)")


if __name__ == "__main__":
    main()
