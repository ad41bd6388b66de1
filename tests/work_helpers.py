"""Helpers of the clock-free work pins (issue 17): every primitive application one call makes,
at every transformation level, and a small Hessian problem with its hand-written Hessian.

``core.bind`` is looked up as a module global by the modules that apply primitives, so it is
replaced in each of them for the duration of the call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from functrans._src import core

# the Hessian problem of benchmarks/bench_core.py: A, f(x) = sum(log cosh(A x)) + |x|^2 / 2, its
# hand-written Hessian, and a point
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from bench_core import hessian_problem  # noqa: E402

__all__ = ["grad_normal_path", "hessian_problem", "record_binds"]


def record_binds(fn: Any, *args: Any) -> tuple[Any, list[tuple[core.Primitive, tuple[Any, ...]]]]:
    """Run ``fn(*args)``; return its result and every primitive application ``(prim, operands)``."""
    calls: list[tuple[core.Primitive, tuple[Any, ...]]] = []
    orig = core.bind

    def recording(prim: core.Primitive, a: Any, params: Any) -> Any:
        calls.append((prim, tuple(a)))
        return orig(prim, a, params)

    mods = [m for m in list(sys.modules.values()) if getattr(m, "bind", None) is orig]
    core.bind = recording  # type: ignore[assignment]
    for m in mods:
        m.bind = recording  # type: ignore[attr-defined]
    try:
        out = fn(*args)
    finally:
        core.bind = orig  # type: ignore[assignment]
        for m in mods:
            m.bind = orig  # type: ignore[attr-defined]
    return out, calls



def grad_normal_path(fun: Any, *args: Any, **kw: Any) -> Any:
    """``functrans.grad(fun, **kw)(*args)`` on the normal eager path (the tape off): what the
    tape's gradients must equal."""
    import functrans
    from functrans._src import tape

    prev = tape.set_mode("off")
    try:
        return functrans.grad(fun, **kw)(*args)
    finally:
        tape.set_mode(prev)
