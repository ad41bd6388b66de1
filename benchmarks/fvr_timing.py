"""Timing for benchmarks/fwd_vs_rev.py: calibrated, interleaved rounds and their statistics."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Thunk = Callable[[], Any]


def _timed(fn: Thunk, number: int) -> float:
    """Seconds per call over ``number`` calls, garbage collection off (as timeit)."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - t0) / number
    finally:
        if gc_was_on:
            gc.enable()


def calibrate(fn: Thunk, target: float) -> float:
    """Seconds per call of a warmed-up thunk, from a batch of calls lasting about ``target`` seconds."""
    t = _timed(fn, 1)
    for _ in range(3):
        if t >= target:
            break
        number = max(2, min(100_000, math.ceil(1.2 * target / max(t, 1e-9))))
        t = _timed(fn, number)
        if t * number >= target / 2:
            break
    return t


def interleaved(
    fns: dict[str, Thunk], est: dict[str, float], min_time: float, rounds: int, budget: float
) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Time every thunk in ``rounds`` interleaved rounds; returns per-round seconds per call and calls per round.

    Each thunk is called about ``min_time / est[k]`` times per round. Rounds are cut
    (to no fewer than two, or ``rounds`` if that is smaller) when one round would take
    longer than ``budget / rounds`` seconds.
    """
    number = {k: max(1, min(100_000, round(min_time / max(t, 1e-9)))) for k, t in est.items()}
    per_round = sum(number[k] * est[k] for k in fns)
    n_rounds = max(min(2, rounds), min(rounds, int(budget // max(per_round, 1e-9))))
    keys = list(fns)
    samples: dict[str, list[float]] = {k: [] for k in keys}
    for r in range(n_rounds):
        s = r % len(keys)
        for k in keys[s:] + keys[:s]:
            samples[k].append(_timed(fns[k], number[k]))
    return samples, number


def paired(num: Sequence[float], den: Sequence[float]) -> float:
    """Median over rounds of num/den, round by round."""
    return float(np.median([a / b for a, b in zip(num, den)]))


def spread(xs: Sequence[float]) -> float:
    """Half the interquartile range over the median: the "+-" of a median time."""
    q25, med, q75 = np.percentile(xs, [25, 50, 75])
    return float((q75 - q25) / 2 / med) if med > 0 else 0.0
