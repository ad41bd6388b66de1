"""The size crossover of functrans._src.fast_ufuncs' wrappers against NumPy's ufuncs.

For each of exp, tanh, sin and cos and each array size, the wrapper (fusion_math's vectorised
loop behind the size/dtype checks, with its size limit forced to 0) against the plain ufunc on
the same float64 array: median of paired, interleaved rounds (process CPU time with --cpu),
with both absolute times. Also the first-call latency (numba import, then the block loop's
compilation or its load from numba's disk cache), in a fresh process, and which loops the
measured choice (fast_ufuncs.limit) keeps on this machine.

Run:  python benchmarks/bench_fast_ufuncs.py [--cpu] [--quick]
Needs numba (the [fast] extra). Nothing here asserts on time.
"""

from __future__ import annotations

import os

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_core  # noqa: E402

from functrans._src import fast_ufuncs  # noqa: E402

SIZES = (8, 16, 32, 64, 128, 256, 512, 1024, 8192, 65536)

_FIRST_CALL = """
import time, numpy as np
t0 = time.perf_counter()
import functrans.numpy as fnp
t1 = time.perf_counter()
fnp.tanh(np.ones(4096))
t2 = time.perf_counter()
fnp.tanh(np.ones(4096))
t3 = time.perf_counter()
print(f"{(t1 - t0) * 1e3:.0f} {(t2 - t1) * 1e3:.0f} {(t3 - t2) * 1e6:.0f}")
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cpu", action="store_true", help="time with the process's CPU time")
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    opts = ap.parse_args()
    if opts.cpu:
        bench_core.TIMER = time.process_time
    rounds = 5 if opts.quick else 11
    root = str(Path(__file__).resolve().parent.parent)
    out = subprocess.run([sys.executable, "-c", _FIRST_CALL], capture_output=True, text=True, cwd=root, check=True)
    imp, first, second = out.stdout.split()
    print(f"fresh process: import functrans.numpy {imp} ms; first large tanh {first} ms; second {second} us")
    choice = {name: fast_ufuncs.limit(name) != fast_ufuncs.NEVER for name in fast_ufuncs.THRESHOLDS}
    print("measured choice on this machine (FUNCTRANS_FAST_UFUNCS=measure): "
          + ", ".join(f"{n} {'fusion_math' if c else 'NumPy'}" for n, c in choice.items()))  # fmt: skip
    saved = dict(fast_ufuncs.THRESHOLDS)
    saved_limits = {n: lim[0] for n, lim in fast_ufuncs._limits.items()}
    for lim in fast_ufuncs._limits.values():
        lim[0] = 0
    fast_ufuncs._wrappers.clear()
    rng = np.random.default_rng(0)
    print(f"{'size':>7} " + " ".join(f"{n:>26}" for n in saved))
    print(f"{'':>7} " + " ".join(f"{'ratio (fast us / np us)':>26}" for _ in saved))
    for size in SIZES:
        x = rng.uniform(-3.0, 3.0, size)
        cells = []
        for name in saved:
            uf = getattr(np, name)
            w = fast_ufuncs.wrapper(name, uf)
            w(x)
            number = max(20, 200_000 // size) // (5 if opts.quick else 1)
            ratio, t_w, t_u = bench_core.paired_ratio(lambda: w(x), lambda: uf(x), number, rounds)  # noqa: B023
            cells.append(f"{ratio:6.2f} ({t_w * 1e6:7.2f}/{t_u * 1e6:7.2f})")
        print(f"{size:>7} " + " ".join(f"{c:>26}" for c in cells), flush=True)
    for n, lim in fast_ufuncs._limits.items():
        lim[0] = saved_limits[n]
    fast_ufuncs._wrappers.clear()


if __name__ == "__main__":
    main()
