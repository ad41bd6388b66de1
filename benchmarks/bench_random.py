"""Speed of functrans.random's samplers, side by side in one process.

For each size, draws ``normal`` (and ``uniform``) samples with:

* ``functrans.random`` eagerly and under ``functrans.jit`` (threefry-2x32 on NumPy, the
  same numbers as ``jax.random``),
* NumPy's own generator (``numpy.random.default_rng().standard_normal``: different numbers,
  PCG64 and ziggurat, the speed a NumPy user is used to),
* ``jax.random`` under ``jax.jit`` when jax is installed (the same numbers, compiled by XLA).

Ratios are medians over paired, interleaved rounds (each round times the two back to back),
relative to NumPy's generator; BLAS threads are pinned to 1 (sampling does not use BLAS,
but the rest of the suite's benchmarks do, and a stray thread pool adds noise).

Run:  python benchmarks/bench_random.py [--quick]
Prints times and ratios; nothing here asserts on time.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.random as fr  # noqa: E402


def once(fn: Callable[[], Any], number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=1)) / number


def paired(fn: Callable[[], Any], ref: Callable[[], Any], number: int, rounds: int) -> tuple[float, float, float]:
    """(median ratio fn/ref, median time of fn, spread of the ratios as (max - min) / median)."""
    ratios, times = [], []
    for _ in range(rounds):
        a = once(ref, number)
        b = once(fn, number)
        ratios.append(b / a)
        times.append(b)
    med = float(np.median(ratios))
    return med, float(np.median(times)), (max(ratios) - min(ratios)) / med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer sizes and rounds")
    args = ap.parse_args()
    sizes = [1_000, 100_000] if args.quick else [100, 10_000, 1_000_000]
    rounds = 5 if args.quick else 9
    key = fr.PRNGKey(0)
    rng = np.random.default_rng(0)
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.random as jr
    except ImportError:
        jax = None
        print("(jax not installed: pip install jax to compare)")
    print(f"BLAS threads pinned: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; float64 samples")
    print(f"{'sampler':10s} {'n':>9s} {'impl':28s} {'median time':>12s} {'vs numpy':>9s} {'spread':>7s}")
    for name in ("normal", "uniform"):
        for n in sizes:
            number = max(1, 20_000 // n)
            ft = getattr(fr, name)
            ref_fn = (lambda n=n: rng.standard_normal(n)) if name == "normal" else (lambda n=n: rng.random(n))
            jitted = functrans.jit(lambda k, ft=ft, n=n: ft(k, (n,)))
            jitted(key)
            impls: dict[str, Callable[[], Any]] = {
                "functrans.random (eager)": lambda ft=ft, n=n: ft(key, (n,)),
                "functrans.random (jit)": lambda jitted=jitted: jitted(key),
            }
            if jax is not None:
                jk = jr.PRNGKey(0)
                jf = jax.jit(lambda k, n=n, name=name: getattr(jr, name)(k, (n,)))
                jf(jk).block_until_ready()
                impls["jax.random (jax.jit)"] = lambda jf=jf, jk=jk: jf(jk).block_until_ready()
            t_ref = once(ref_fn, number)
            print(f"{name:10s} {n:9d} {'numpy default_rng':28s} {t_ref * 1e6:10.1f}us {1.0:8.2f}x {'':>7s}")
            for label, fn in impls.items():
                ratio, t, spread = paired(fn, ref_fn, number, rounds)
                flag = "  noisy" if spread > 0.5 else ""
                print(f"{name:10s} {n:9d} {label:28s} {t * 1e6:10.1f}us {ratio:8.2f}x {spread:6.0%}{flag}")


if __name__ == "__main__":
    main()
