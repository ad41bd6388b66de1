"""Forward or reverse mode? Time full Jacobians of f: R^n -> R^m over a grid of (n, m).

A full Jacobian takes n forward passes (JVPs, one per input: ``jacfwd``) or m reverse
passes (VJPs, one per output: ``jacrev``). Forward mode should win when n << m and
reverse mode when m << n; this script measures where the switch really happens for a
few functions, next to a hand-written NumPy Jacobian:

  mlp          f(x) = tanh(B tanh(A x)), A: m x n, B: m x m
  elementwise  f(x) = sin(x) exp(-x^2), n = m (the Jacobian is diagonal)
  linear       f(x) = A x, A: m x n (the Jacobian is A itself)
  hourglass    an autoencoder R^n -> R^(n/100) -> R^n (n = m = 1000, k = 10): mixed mode
  banded       a 1-d reaction-diffusion residual (n = m = 2000, tridiagonal): sparse Jacobian

The last two are the structured families (benchmarks/structured_jacobians.py): besides
fwd, rev and auto they time functrans.jacobian(mode="mixed") (hourglass) or
functrans.sparse_jacobian (banded), and the summary line says which strategy won, by how
much over both pure modes, and its passes (JVP/VJP batch sizes) predicted by the plan vs
counted during a call.

All arrays are float64, random and seeded. Every Jacobian is first checked against the
hand-written one (np.allclose); a mismatch stops the run with an error.

How to read the main table (one per function):
  n, m, n/m  input size, output size and their ratio; rows are grouped by the product
             n*m (a "sweep": same number of Jacobian entries, shape moving from tall,
             n/m < 1, to wide, n/m > 1) and sorted by n/m.
  hand       the hand-written NumPy Jacobian (forward pass included).
  fwd, rev   functrans.jacfwd and functrans.jacrev.
  auto       functrans.jacobian(mode="auto") when functrans has it (else the column is
             skipped with a note); auto/best is its time over that of the faster of fwd
             and rev, "ok" when within 10%. "picks" is the mode auto chose: from
             functrans.jacobian_mode(n, m) if functrans exports that rule; otherwise
             guessed from the timings as the mode whose time auto's is closer to
             ("fwd~", "rev~"; "?" when fwd and rev are within 1.5x of each other), a
             guess that a slower code path inside auto can fool.
  fwd/hand, rev/hand  slowdown against the hand-written Jacobian.
  faster     the faster of fwd and rev and by how much (median over paired rounds).
  *          marks the first row of a sweep where reverse overtakes forward; a summary
             line per sweep estimates the n/m at which that happens.

With --peers a second table puts the faster of functrans's fwd and rev next to HIPS
autograd (autograd.jacobian, reverse mode), torch.func (jacfwd/jacrev, vmap-based) and
JAX (jacfwd/jacrev, eager and under jax.jit, float64), each when installed (a missing
one is skipped with a note). Every mode of every library is checked against the
hand-written Jacobian; a short measurement then picks each peer's faster mode, and only
that one is timed. A cell reads: time (slowdown vs hand-written, mode). When functrans
has a jit, jit(jacfwd) and jit(jacrev) appear in that table too, as "functrans.jit",
with or without --peers.

Timing: at each grid point all columns are timed in interleaved rounds (each round
times every column once, back to back, in a rotating order). Each timing repeats a call
until about --min-time seconds have passed. One statistic throughout: times are the
median over rounds, "+-" their spread (half the interquartile range, relative to the
median); ratios are medians over rounds of the paired (same-round) ratios, steadier than
dividing two medians on a machine whose speed drifts. A point where a functrans column
spreads by more than 25% is re-measured (up to twice); if it stays that wide it is marked
"noisy" and its auto verdict reads "noisy", not "SLOW". Multithreaded BLAS stalls small
matrix products for milliseconds whenever a core is busy elsewhere, so the BLAS thread
count is pinned (--blas-threads, default 1) with threadpoolctl, or, without it, through
OPENBLAS_NUM_THREADS/OMP_NUM_THREADS/MKL_NUM_THREADS set before NumPy loads; the header
names the BLAS library and its thread count.

Run:  python benchmarks/fwd_vs_rev.py [--quick] [--peers] [--plot FILE.png] [--json FILE]
--plot writes FILE.png and FILE.svg; it needs matplotlib (pip install -e '.[bench]'); without it the script stops at
once with exit code 2 before timing anything. Nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # pin BLAS threads before NumPy loads (threadpoolctl re-pins at run time if present)
    _n = next((a.split("=")[1] for a in sys.argv if a.startswith("--blas-threads=")), None)
    if _n is None and "--blas-threads" in sys.argv[:-1]:
        _n = sys.argv[sys.argv.index("--blas-threads") + 1]
    for _k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_k] = _n or os.environ.get(_k, "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fvr_report as report  # noqa: E402
import structured_jacobians as structured  # noqa: E402
from fvr_timing import calibrate, interleaved, paired, spread  # noqa: E402

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

Thunk = Callable[[], Any]
Params = tuple[np.ndarray, ...]

RTOL, ATOL = 1e-9, 1e-12
AUTO_SLACK = 1.10  # auto is "ok" when within 10% of the faster of fwd and rev
NOISY = 0.25  # a column whose spread (half IQR / median) exceeds this makes the point "noisy"
REMEASURE = 2  # re-measurements of a noisy point


class JacobianMismatch(AssertionError):
    """An AD Jacobian differs from the hand-written one."""


# --------------------------------------------------------------------------- the functions


@dataclass(frozen=True)
class Problem:
    """A test function: how to build its inputs, itself (for any array library) and its Jacobian by hand."""

    name: str
    formula: str
    square: bool  # only n == m makes sense
    make: Callable[[int, int, np.random.Generator], tuple[np.ndarray, Params]]
    fn: Callable[[Any], Callable[..., Any]]  # ops namespace (fnp, torch, jnp, ...) -> f(x, *params)
    hand: Callable[..., np.ndarray]  # hand(x, *params) -> (m, n) Jacobian
    structured: str = ""  # the structured strategy timed besides fwd/rev/auto: "mixed" or "sparse"


def _make_mlp(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, Params]:
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    B = rng.standard_normal((m, m)) / np.sqrt(m)
    return rng.standard_normal(n), (A, B)


def _mlp(ops: Any) -> Callable[..., Any]:
    def f(x: Any, A: Any, B: Any) -> Any:
        return ops.tanh(B @ ops.tanh(A @ x))

    return f


def _mlp_hand(x: np.ndarray, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    t1 = np.tanh(A @ x)
    t2 = np.tanh(B @ t1)
    return (1.0 - t2 * t2)[:, None] * (B @ ((1.0 - t1 * t1)[:, None] * A))


def _make_elementwise(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, Params]:
    return rng.standard_normal(n), ()


def _elementwise(ops: Any) -> Callable[..., Any]:
    def f(x: Any) -> Any:
        return ops.sin(x) * ops.exp(-x * x)

    return f


def _elementwise_hand(x: np.ndarray) -> np.ndarray:
    e = np.exp(-x * x)
    return np.diag((np.cos(x) - 2.0 * x * np.sin(x)) * e)


def _make_linear(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, Params]:
    return rng.standard_normal(n), (rng.standard_normal((m, n)) / np.sqrt(n),)


def _linear(ops: Any) -> Callable[..., Any]:
    def f(x: Any, A: Any) -> Any:
        return A @ x

    return f


def _linear_hand(x: np.ndarray, A: np.ndarray) -> np.ndarray:
    return A.copy()


PROBLEMS: dict[str, Problem] = {
    p.name: p
    for p in (
        Problem("mlp", "f(x) = tanh(B tanh(A x)), A: m x n, B: m x m", False, _make_mlp, _mlp, _mlp_hand),
        Problem("elementwise", "f(x) = sin(x) exp(-x^2), n = m", True, _make_elementwise, _elementwise,
                _elementwise_hand),
        Problem("linear", "f(x) = A x, A: m x n", False, _make_linear, _linear, _linear_hand),
        Problem("hourglass", "D tanh(C tanh(B tanh(A x))), B: n/100 x n (an autoencoder)", True,
                structured.make_hourglass, structured.hourglass, structured.hourglass_hand, "mixed"),
        Problem("banded", "1-d reaction-diffusion residual c u'' + u - u^3 (tridiagonal)", True,
                structured.make_banded, structured.banded, structured.banded_hand, "sparse"),
    )
}


def _sweep(product: float, ns: Sequence[int]) -> list[tuple[int, int]]:
    """Points with n*m close to ``product``."""
    return [(n, max(1, round(product / n))) for n in ns]


QUICK_GRID: dict[str, list[tuple[int, int]]] = {
    "mlp": _sweep(1e4, [10, 32, 100, 316, 1000]) + [(200, 200)],
    "elementwise": [(10, 10), (100, 100), (1000, 1000)],
    "linear": _sweep(1e4, [10, 100, 1000]),
    "hourglass": [(1000, 1000)],
    "banded": [(2000, 2000)],
}
FULL_GRID: dict[str, list[tuple[int, int]]] = {
    "mlp": _sweep(1e4, [10, 18, 32, 56, 100, 178, 316, 562, 1000])
    + _sweep(4e4, [40, 200, 1000])
    + _sweep(1e5, [100, 316, 1000]),
    "elementwise": [(n, n) for n in (10, 32, 100, 316, 1000, 2000)],
    "linear": _sweep(1e4, [10, 32, 100, 316, 1000]),
    "hourglass": [(300, 300), (1000, 1000)],
    "banded": [(500, 500), (2000, 2000)],
}


# --------------------------------------------------------------------------- the libraries


@dataclass
class Backend:
    """One library. ``prepare`` returns a thunk per mode computing the Jacobian at the given point."""

    name: str
    version: str
    prepare: Callable[[Problem, np.ndarray, Params], dict[str, Thunk]]
    to_numpy: Callable[[Any], np.ndarray] = np.asarray


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def functrans_backend() -> tuple[Backend, list[str]]:
    notes = []
    jacobian = getattr(functrans, "jacobian", None)
    if jacobian is None:
        notes.append("functrans.jacobian is not available yet: the auto column is skipped")

    def prepare(p: Problem, x: np.ndarray, params: Params) -> dict[str, Thunk]:
        f = p.fn(fnp)
        jf, jr = functrans.jacfwd(f), functrans.jacrev(f)
        out = {"fwd": lambda: jf(x, *params), "rev": lambda: jr(x, *params)}
        if jacobian is not None:
            ja = jacobian(f, mode="auto")
            out["auto"] = lambda: ja(x, *params)
        if p.structured:
            out[p.structured] = structured.structured_thunks(p.name, f, x, params)[p.structured]
        return out

    return Backend("functrans", getattr(functrans, "__version__", "?"), prepare, structured.to_dense), notes


def functrans_jit_backend() -> Backend | None:
    jit = getattr(functrans, "jit", None)
    if jit is None:
        return None

    def prepare(p: Problem, x: np.ndarray, params: Params) -> dict[str, Thunk]:
        if p.structured:  # the jitted pure modes add nothing there but minutes
            return {}
        f = p.fn(fnp)
        jf, jr = jit(functrans.jacfwd(f)), jit(functrans.jacrev(f))
        return {"fwd": lambda: jf(x, *params), "rev": lambda: jr(x, *params)}

    return Backend("functrans.jit", getattr(functrans, "__version__", "?"), prepare)


def peer_backends() -> tuple[list[Backend], list[str]]:
    """The peers that import, and a note for each that does not (benchmarks/fvr_peers.py)."""
    import fvr_peers

    return fvr_peers.peer_backends(Backend, _version)


# --------------------------------------------------------------------------- timing


def check_close(got: np.ndarray, want: np.ndarray, what: str) -> None:
    """Raise :class:`JacobianMismatch` unless ``got`` matches the hand-written ``want``."""
    got = np.asarray(got)
    if got.shape != want.shape:
        raise JacobianMismatch(f"{what}: Jacobian has shape {got.shape}, the hand-written one {want.shape}")
    if got.dtype != np.float64:
        raise JacobianMismatch(f"{what}: Jacobian has dtype {got.dtype}, expected float64")
    if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
        err = float(np.max(np.abs(got - want)))
        raise JacobianMismatch(
            f"{what}: Jacobian differs from the hand-written one (max abs error {err:.3g}, "
            f"rtol={RTOL}, atol={ATOL})"
        )


# --------------------------------------------------------------------------- one grid point


@dataclass
class Result:
    func: str
    n: int
    m: int
    samples: dict[str, list[float]]  # column -> seconds per call, one per round
    number: dict[str, int]
    seconds: float  # wall time spent on the point
    remeasured: int = 0  # how often the point was timed again because it was noisy
    passes: dict[str, tuple[int, int]] = field(default_factory=dict)  # column -> (predicted, measured)

    @property
    def ratio(self) -> float:
        return self.n / self.m

    @property
    def product(self) -> int:
        return self.n * self.m

    def t(self, col: str) -> float:
        """Median seconds per call over the rounds."""
        return float(np.median(self.samples[col]))

    def spread(self, col: str) -> float:
        return spread(self.samples[col])

    def paired_ratio(self, num: str, den: str) -> float:
        return paired(self.samples[num], self.samples[den])

    def noisy(self) -> bool:
        """A functrans column spreads by more than NOISY over the rounds."""
        return any(self.spread(c) > NOISY for c in self.samples if c.startswith("functrans:"))

    def has(self, col: str) -> bool:
        return col in self.samples

    def rev_over_fwd(self) -> float:
        return paired(self.samples["functrans:rev"], self.samples["functrans:fwd"])

    def over_hand(self, col: str) -> float:
        return paired(self.samples[col], self.samples["hand"])

    def best_col(self, lib: str) -> str:
        """The column of a library's fastest pure mode (by median); for functrans, of fwd and rev."""
        cols = [c for c in self.samples if c.split(":")[0] == lib and c.split(":")[-1] in ("fwd", "rev")]
        return min(cols, key=self.t)

    def libs(self) -> list[str]:
        out: list[str] = []
        for c in self.samples:
            lib = c.split(":")[0]
            if c != "hand" and lib not in out:
                out.append(lib)
        return out

    def faster_mode(self) -> str:
        return "fwd" if self.rev_over_fwd() > 1 else "rev"

    def auto_over_best(self) -> float | None:
        """auto's time over that of the faster of fwd and rev (paired with it round by round).

        Not over the per-round minimum of the two, which would be biased low by noise.
        """
        if not self.has("functrans:auto"):
            return None
        return paired(self.samples["functrans:auto"], self.samples["functrans:" + self.faster_mode()])

    def auto_pick(self) -> str | None:
        """The mode auto chose: by functrans's public rule if it has one, else guessed from the timings."""
        if not self.has("functrans:auto"):
            return None
        rule = getattr(functrans, "jacobian_mode", None)
        if callable(rule):
            return str(rule(self.n, self.m))
        like = self.auto_like()
        return like if like == "?" else like + "~"

    def auto_picked_slower(self) -> bool:
        """auto chose the mode that is more than 10% slower here (as best the timings tell)."""
        pick = (self.auto_pick() or "?").rstrip("~")
        rf = self.rev_over_fwd()
        return pick in ("fwd", "rev") and pick != self.faster_mode() and max(rf, 1 / rf) > AUTO_SLACK

    def auto_like(self) -> str:
        """Which mode auto behaved like, by its time: "fwd", "rev", or "?" when fwd and rev are within 1.5x."""
        rf = self.rev_over_fwd()
        if max(rf, 1 / rf) < 1.5:
            return "?"
        to_fwd = abs(math.log(paired(self.samples["functrans:auto"], self.samples["functrans:fwd"])))
        to_rev = abs(math.log(paired(self.samples["functrans:auto"], self.samples["functrans:rev"])))
        return "fwd" if to_fwd < to_rev else "rev"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "func": self.func,
            "n": self.n,
            "m": self.m,
            "seconds_per_call": {k: {"median": float(np.median(v)), "spread": spread(v), "min": min(v),
                                     "rounds": v} for k, v in self.samples.items()},
            "calls_per_round": self.number,
            "noisy": self.noisy(),
            "remeasured": self.remeasured,
            "rev_over_fwd": self.rev_over_fwd(),
            "over_hand": {c: self.over_hand(c) for c in self.samples if c != "hand"},
        }
        a = self.auto_over_best()
        if a is not None:
            out["auto_over_best"] = a
            out["auto_pick"] = self.auto_pick()
        if self.passes:
            out["passes_predicted_measured"] = self.passes
        return out


def run_point(
    p: Problem, n: int, m: int, backends: list[Backend], seed: int, min_time: float, rounds: int, budget: float,
    failures: dict[str, list[str]],
) -> Result:
    """Check and time every backend at one grid point.

    A peer that raises is left out of this point and recorded in ``failures`` (error text -> points);
    functrans raising, or any Jacobian not matching the hand-written one, stops the run.
    """
    t_start = time.perf_counter()
    rng = np.random.default_rng([seed, n, m])
    x, params = p.make(n, m, rng)
    want = p.hand(x, *params)
    fns: dict[str, Thunk] = {"hand": lambda: p.hand(x, *params)}
    est = {"hand": calibrate(fns["hand"], min_time / 5)}
    for b in backends:
        try:
            thunks = b.prepare(p, x, params)
            if not thunks:
                continue
            got = {mode: b.to_numpy(th()) for mode, th in thunks.items()}
        except JacobianMismatch:
            raise
        except Exception as e:  # a peer (or a future functrans API) that cannot run this function
            if b.name == "functrans":
                raise
            failures.setdefault(f"{b.name} failed: {type(e).__name__}: {e}", []).append(f"{p.name} {n}x{m}")
            continue
        for mode, g in got.items():
            check_close(g, want, f"{b.name} {mode} on {p.name} n={n} m={m}")
        t = {mode: calibrate(th, min_time / 5) for mode, th in thunks.items()}
        if b.name != "functrans":  # a peer: time only its fastest mode
            best = min(t, key=t.__getitem__)
            thunks, t = {best: thunks[best]}, {best: t[best]}
        for mode, th in thunks.items():
            fns[f"{b.name}:{mode}"] = th
            est[f"{b.name}:{mode}"] = t[mode]
    samples, number = interleaved(fns, est, min_time, rounds, budget)
    r = Result(p.name, n, m, samples, number, 0.0)
    for _ in range(REMEASURE):  # a noisy point is timed again; the steadiest measurement is kept
        if not r.noisy():
            break
        again = Result(p.name, n, m, *interleaved(fns, est, min_time, rounds, budget), 0.0)
        again.remeasured = r.remeasured + 1
        worst = max(r.spread(c) for c in r.samples if c.startswith("functrans:"))
        r = again if max(again.spread(c) for c in again.samples if c.startswith("functrans:")) < worst else r
        r.remeasured = again.remeasured
    if p.structured:
        f = p.fn(fnp)
        predicted = structured.predicted_passes(f, x, params)
        for c in fns:
            lib, _, mode = c.partition(":")
            if lib == "functrans" and mode in predicted:
                r.passes[mode] = (predicted[mode], structured.measured_passes(fns[c]))
    r.seconds = time.perf_counter() - t_start
    return r


# --------------------------------------------------------------------------- reporting


def fmt_time(s: float) -> str:
    if s < 1e-3:
        return f"{s * 1e6:.1f}us" if s < 1e-4 else f"{s * 1e6:.0f}us"
    if s < 1.0:
        return f"{s * 1e3:.2f}ms" if s < 1e-2 else f"{s * 1e3:.1f}ms"
    return f"{s:.2f}s"


def fmt_ratio(r: float) -> str:
    if r < 10:
        return f"{r:.2f}x"
    if r < 100:
        return f"{r:.1f}x"
    return f"{r:.0f}x"


def sweeps(results: list[Result]) -> list[list[Result]]:
    """Results grouped by n*m (to a tenth of a decade), each sorted by n/m; groups by size."""
    groups: dict[float, list[Result]] = {}
    for r in results:
        groups.setdefault(round(math.log10(r.product), 1), []).append(r)
    return [sorted(g, key=lambda r: r.ratio) for _, g in sorted(groups.items())]


@dataclass
class Crossover:
    """Where, along one sweep, reverse mode overtakes forward mode."""

    at: float | None  # estimated n/m where rev/fwd = 1, or None
    first_rev_row: Result | None  # the first row where reverse wins after forward won
    text: str
    flips: int = 0
    rows: list[Result] = field(default_factory=list)


def crossover(sweep: list[Result]) -> Crossover:
    """Locate the fwd -> rev switch along a sweep sorted by n/m, interpolating log(rev/fwd) in log(n/m)."""
    rs = [r.rev_over_fwd() for r in sweep]
    lo, hi = sweep[0], sweep[-1]
    flips = sum((a > 1) != (b > 1) for a, b in zip(rs, rs[1:]))
    if all(r > 1 for r in rs):
        return Crossover(None, None, f"forward is faster at every point, up to n/m = {hi.ratio:.3g} "
                         f"(by {fmt_ratio(rs[-1])} there): no crossover in this range", 0, sweep)
    if all(r <= 1 for r in rs):
        return Crossover(None, None, f"reverse is faster at every point, down to n/m = {lo.ratio:.3g} "
                         f"(by {fmt_ratio(1 / rs[0])} there): no crossover in this range", 0, sweep)
    i = next((i for i in range(1, len(rs)) if rs[i - 1] > 1 >= rs[i]), None)
    if i is None:  # reverse wins first and forward later: the opposite of the theory
        j = next(i for i in range(1, len(rs)) if rs[i - 1] <= 1 < rs[i])
        return Crossover(None, None, f"reverse is faster for n/m <= {sweep[j - 1].ratio:.3g} and forward beyond: "
                         "the opposite of the pass-count argument", flips, sweep)
    a, b = sweep[i - 1], sweep[i]
    la, lb = math.log(rs[i - 1]), math.log(rs[i])
    x = math.log(a.ratio) + (math.log(b.ratio) - math.log(a.ratio)) * la / (la - lb)
    at = math.exp(x)
    text = (f"reverse overtakes forward at n/m ~ {at:.2g} (between n={a.n}, m={a.m} and n={b.n}, m={b.m}): "
            f"reverse wins once m < ~{1 / at:.2g}*n")
    if flips > 1:
        text += f" (the winner flips {flips} times along the sweep: near parity the difference is noise)"
    return Crossover(at, b, text, flips, sweep)


def tcell(r: Result, col: str) -> str:
    """A median time and its spread, e.g. ``1.23ms+-4%``."""
    return f"{fmt_time(r.t(col))}+-{100 * r.spread(col):.0f}%"


def print_main_table(p: Problem, results: list[Result], out: Any) -> list[Crossover]:
    if p.structured:
        report.print_structured_table(p, results, out, tcell, fmt_ratio)
        return []
    has_auto = any(r.has("functrans:auto") for r in results)
    print(f"\n{p.name}: {p.formula}  (float64; median time per full Jacobian +- spread)", file=out)
    w = 13
    head = f"  {'':1s} {'n':>5s} {'m':>5s} {'n/m':>6s} | {'hand':>{w}s} {'fwd':>{w}s} {'rev':>{w}s}"
    head += f" {'auto':>{w}s}" if has_auto else ""
    head += f" | {'fwd/hand':>8s} {'rev/hand':>8s}"
    head += f" {'auto/best':>10s} {'picks':>5s}" if has_auto else ""
    head += f" | {'faster':>10s}"
    print(head, file=out)
    print("  " + "-" * (len(head) - 2), file=out)
    crosses: list[Crossover] = []
    groups = sweeps(results)
    for g in groups:
        cx = crossover(g) if not p.square and len(g) > 1 else None
        if cx is not None:
            crosses.append(cx)
            print(f"  n*m ~ {g[0].product:.3g}:", file=out)
        for r in g:
            mark = "*" if cx is not None and cx.first_rev_row is r else " "
            rf = r.rev_over_fwd()
            faster = f"fwd {fmt_ratio(rf)}" if rf > 1 else f"rev {fmt_ratio(1 / rf)}"
            line = f"  {mark} {r.n:5d} {r.m:5d} {r.ratio:6.3g} | {tcell(r, 'hand'):>{w}s}"
            line += f" {tcell(r, 'functrans:fwd'):>{w}s} {tcell(r, 'functrans:rev'):>{w}s}"
            if has_auto:
                line += f" {tcell(r, 'functrans:auto'):>{w}s}" if r.has("functrans:auto") else f" {'-':>{w}s}"
            line += f" | {fmt_ratio(r.over_hand('functrans:fwd')):>8s} {fmt_ratio(r.over_hand('functrans:rev')):>8s}"
            if has_auto:
                a = r.auto_over_best()
                verdict = "ok" if a is not None and a <= AUTO_SLACK else ("noisy" if r.noisy() else "SLOW")
                cell = "-" if a is None else f"{a:.2f} {verdict}"
                line += f" {cell:>10s} {r.auto_pick() or '-':>5s}"
            line += f" | {faster:>10s}"
            if r.noisy():
                line += f"  noisy (spread > {100 * NOISY:.0f}% after {r.remeasured} re-measurements)"
            print(line, file=out)
    if p.square:
        rs = [r.rev_over_fwd() for r in results]
        n_fwd = sum(r > 1 for r in rs)
        print(f"  summary: n = m, so both modes make n passes; forward faster at {n_fwd} of {len(rs)} sizes, "
              f"rev/fwd time from {min(rs):.2f} to {max(rs):.2f}", file=out)
    for cx in crosses:
        print(f"  summary (n*m ~ {cx.rows[0].product:.3g}): {cx.text}", file=out)
    autos = [r for r in results if r.has("functrans:auto")]
    if autos:
        n_ok = sum(r.auto_over_best() <= AUTO_SLACK for r in autos)  # type: ignore[operator]
        wrong = [r for r in autos if r.auto_picked_slower() and not r.noisy()]
        noisy = [r for r in autos if r.noisy()]
        text = f"  auto: within 10% of the faster mode at {n_ok} of {len(autos)} points"
        if noisy:
            text += f" ({len(noisy)} too noisy to judge)"
        verb = "picked" if callable(getattr(functrans, "jacobian_mode", None)) else "timed like"
        if wrong:
            text += f"; {verb} the slower mode at " + ", ".join(f"n={r.n} m={r.m}" for r in wrong)
        else:
            text += f"; never {verb} the slower mode"
        print(text, file=out)
    return crosses


def print_peer_table(p: Problem, results: list[Result], out: Any) -> None:
    libs: list[str] = []
    for r in results:
        libs += [lib for lib in r.libs() if lib not in libs]
    if libs == ["functrans"]:
        return
    w = 21
    print(f"\n{p.name}: best mode of each library, time (slowdown vs hand-written, winning mode)", file=out)
    head = f"  {'n':>5s} {'m':>5s} | {'hand':>8s} | " + " ".join(f"{lib:>{w}s}" for lib in libs)
    print(head, file=out)
    print("  " + "-" * (len(head) - 2), file=out)
    for g in sweeps(results):
        for r in g:
            cells = []
            for lib in libs:
                if lib not in r.libs():
                    cells.append(f"{'-':>{w}s}")
                    continue
                col = r.best_col(lib)
                cell = f"{fmt_time(r.t(col))} ({fmt_ratio(r.over_hand(col))} {col.split(':')[1]})"
                cells.append(f"{cell:>{w}s}")
            print(f"  {r.n:5d} {r.m:5d} | {fmt_time(r.t('hand')):>8s} | " + " ".join(cells), file=out)


def _by_func(results: list[Result]) -> dict[str, list[Result]]:
    out: dict[str, list[Result]] = {}
    for r in results:
        out.setdefault(r.func, []).append(r)
    return out


# --------------------------------------------------------------------------- the command line


def parse_grid(spec: str) -> list[tuple[int, int]]:
    """'10x1000,200x200' -> [(10, 1000), (200, 200)]."""
    points = []
    for item in spec.split(","):
        try:
            n, m = (int(v) for v in item.strip().lower().split("x"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"bad grid point {item!r}: expected NxM, e.g. 10x1000") from None
        if n < 1 or m < 1:
            raise argparse.ArgumentTypeError(f"bad grid point {item!r}: n and m must be positive")
        points.append((n, m))
    return points


def parse_funcs(spec: str) -> list[str]:
    names = [s.strip() for s in spec.split(",") if s.strip()]
    for s in names:
        if s not in PROBLEMS:
            raise argparse.ArgumentTypeError(f"unknown function {s!r}: choose from {', '.join(PROBLEMS)}")
    return names


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="fwd_vs_rev.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true",
                    help="small grid and short timings (well under a minute on 2 cores); it includes the mlp points "
                         "(n, m) = (10, 1000), (200, 200), (1000, 10). Default: the full grid (a few minutes)")
    ap.add_argument("--peers", action="store_true",
                    help="also time HIPS autograd, torch.func and JAX (eager and jit), each when installed")
    ap.add_argument("--plot", metavar="FILE.png",
                    help="draw time vs n/m and the rev/fwd ratio to FILE.png (needs matplotlib; exits with code 2 "
                         "at once if it is missing)")
    ap.add_argument("--json", metavar="FILE", help="write the raw per-round timings and ratios to FILE as JSON")
    ap.add_argument("--funcs", type=parse_funcs, default=list(PROBLEMS), metavar="F1,F2",
                    help=f"functions to run (default: all of {','.join(PROBLEMS)})")
    ap.add_argument("--grid", type=parse_grid, metavar="NxM,...",
                    help="run these (n, m) points for every chosen function instead of the built-in grid "
                         "(n != m points are skipped for elementwise)")
    ap.add_argument("--min-time", type=float, metavar="S",
                    help="seconds per timing, repeating the call (default 0.03 with --quick, else 0.1)")
    ap.add_argument("--rounds", type=int, metavar="R",
                    help="interleaved rounds per grid point (default 5 with --quick, else 7; fewer for very slow "
                         "points, but at least 2)")
    ap.add_argument("--seed", type=int, default=0, help="random seed of the inputs (default 0)")
    ap.add_argument("--blas-threads", type=int, metavar="T",
                    help="BLAS threads (default: OPENBLAS_NUM_THREADS if set, else 1), pinned with threadpoolctl "
                         "when installed, else through the environment before NumPy loads")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("matplotlib is not installed: pip install -e '.[bench]'  (or drop --plot)", file=sys.stderr)
            return 2
    min_time = args.min_time if args.min_time is not None else (0.03 if args.quick else 0.1)
    rounds = args.rounds if args.rounds is not None else (5 if args.quick else 7)
    budget = 2.5 if args.quick else 10.0  # seconds of timing per grid point before rounds are cut
    if rounds < 1 or min_time <= 0:
        print("--rounds must be >= 1 and --min-time > 0", file=sys.stderr)
        return 2

    ft, notes = functrans_backend()
    backends = [ft]
    ftj = functrans_jit_backend()
    if ftj is not None:
        backends.append(ftj)
    if args.peers:
        peers, peer_notes = peer_backends()
        backends += peers
        notes += peer_notes

    grid = QUICK_GRID if args.quick else FULL_GRID
    points: list[tuple[Problem, int, int]] = []
    for name in args.funcs:
        p = PROBLEMS[name]
        for n, m in args.grid if args.grid is not None else grid[name]:
            if p.square and n != m:
                notes.append(f"{name} needs n = m: skipped {n}x{m}")
                continue
            points.append((p, n, m))

    print("Full Jacobians, forward (jacfwd) vs reverse (jacrev) mode")
    print(f"python {platform.python_version()}, numpy {np.__version__}, "
          + ", ".join(f"{b.name} {b.version}" for b in backends))
    env = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
           if k in os.environ]
    blas = report.pin_blas(args.blas_threads)
    print(f"{os.cpu_count()} cores; BLAS: {blas}; environment: {', '.join(env) or 'library defaults'}")
    print(f"timing: {rounds} interleaved rounds per point (fewer for slow points, at least {min(2, rounds)}), "
          f"~{min_time:g}s per timing; times = median of rounds +- spread (half IQR), ratios = median of "
          f"paired rounds; a point spreading > {100 * NOISY:.0f}% is re-measured, then marked noisy")
    for note in notes:
        print(f"note: {note}")
    sys.stdout.flush()

    results: list[Result] = []
    failures: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    for i, (p, n, m) in enumerate(points, 1):
        print(f"[{i}/{len(points)}] {p.name} n={n} m={m} ...", end="", file=sys.stderr, flush=True)
        known = set(failures)
        try:
            r = run_point(p, n, m, backends, args.seed, min_time, rounds, budget, failures)
        except JacobianMismatch as e:
            print(f"\nERROR: {e}", file=sys.stderr, flush=True)
            return 1
        results.append(r)
        print(f" {r.seconds:.1f}s", file=sys.stderr, flush=True)
        for err in failures.keys() - known:
            print(f"note: {err}", file=sys.stderr, flush=True)

    crosses: dict[str, list[Crossover]] = {}
    by_func = _by_func(results)
    for name, rs in by_func.items():
        crosses[name] = print_main_table(PROBLEMS[name], rs, sys.stdout)
    for name, rs in by_func.items():
        print_peer_table(PROBLEMS[name], rs, sys.stdout)
    for err, where in failures.items():
        print(f"\nnote: {err}\n  (left out at {len(where)} of {len(points)} points: {', '.join(where)})")
        notes.append(f"{err} (at {', '.join(where)})")
    print(f"\n{len(results)} grid points in {time.perf_counter() - t0:.1f}s; every Jacobian matched the "
          "hand-written one (np.allclose, rtol=1e-9, atol=1e-12)")
    sys.stdout.flush()

    if args.json:
        meta = {"python": platform.python_version(), "numpy": np.__version__, "cores": os.cpu_count(), "env": env,
                "blas": blas,
                "libraries": {b.name: b.version for b in backends}, "min_time": min_time, "rounds": rounds,
                "seed": args.seed, "notes": notes}
        Path(args.json).write_text(json.dumps({"meta": meta, "results": [r.to_json() for r in results]}, indent=1))
        print(f"wrote {args.json}")
    if args.plot:
        if not results:
            print("nothing to plot", file=sys.stderr)
            return 2
        for path in report.plot(results, crosses, args.plot, PROBLEMS, sweeps, structured.STRATEGIES):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
