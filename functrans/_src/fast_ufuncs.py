"""Vectorised float64 ``exp``, ``tanh``, ``sin`` and ``cos`` as primitive implementations
(the optional ``fast`` extra).

NumPy's float64 loops for these functions are scalar C-library calls on machines without
AVX-512 (about 5.5, 14, 18 and 18 ns per element here); fusion_math's versions, compiled by
numba into SIMD loops, take 3.3-5.3 ns. When numba is installed and fusion is on
(:func:`functrans._src.fusion.enabled`: not ``FUNCTRANS_FUSION=0``, not
``fusion.set_enabled(False)``), :func:`install` replaces the ``impl`` of the ``exp``,
``tanh``, ``sin`` and ``cos`` primitives by wrappers of their ufuncs: a C-contiguous float64
NumPy array of at least ``THRESHOLDS[name]`` elements goes through fusion_math's compiled
block loop (single-threaded, so the result does not depend on any thread count); anything
else (other dtypes, complex, Python and NumPy scalars, small or strided arrays, an ``out=``
that overlaps the input) calls the ufunc itself, exactly as before. So eager calls, the eager
tape, grad and the code jit generates for an unfused equation (codegen binds the wrapper for
large float64 results) compute the same values, within 1 (exp) or 2 (tanh, sin, cos) ulp of
NumPy, as jit's fused kernels (fusion.py uses the same block loops above the same sizes).
A sin/cos argument beyond ``fusion_math.SIN_LIMIT`` (or inf/NaN) makes the whole call NumPy's.

The wrapper keeps the ufunc as its ``ufunc`` attribute: passes that ask whether a primitive
is elementwise read it through :func:`as_ufunc`. numba is imported, and the block loops are
compiled (or loaded from numba's on-disk cache), on the first large call, never at import;
if that fails the wrappers are removed and NumPy's ufuncs are used from then on.

Thresholds: the sizes where the wrapper (its checks, one numba dispatch, the output
allocation) beats the ufunc call, measured by ``python benchmarks/bench_fast_ufuncs.py``
(process CPU time, paired rounds) on a 2-core AVX2 machine: about 32 elements for tanh,
sin and cos, about 256 for exp.

Chosen by measurement, per machine: NumPy's own loops are SIMD on some machines (with
AVX-512, NumPy 2's float64 exp and tanh take 1.2 and 2.4 ns per element, faster than
fusion_math's 3.0 and 4.0; its sin and cos stay scalar at ~19 ns). So the first time a
function's loop would be used, :func:`limit` times it against the ufunc on 4096 elements
(a few milliseconds, once per process) and keeps it only if it is faster by
:data:`MIN_GAIN`; otherwise that function stays NumPy's everywhere (eager, generated code,
fused kernels). ``FUNCTRANS_FAST_UFUNCS=measure`` (default), ``on`` (always use the loops
from the thresholds on) or ``off`` (never) overrides the choice.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

__all__ = ["THRESHOLDS", "as_ufunc", "install", "installed", "limit", "refresh", "wrapper"]

_F64 = np.dtype(np.float64)
# the smallest array size (elements) whose float64 evaluation uses fusion_math's loops
THRESHOLDS: dict[str, int] = {"exp": 512, "tanh": 128, "sin": 256, "cos": 256}
_ESCAPES = frozenset({"sin", "cos"})  # may flag arguments beyond fusion_math.SIN_LIMIT
NEVER = 1 << 62  # the limit of a function whose loop lost to NumPy's ufunc on this machine
MIN_GAIN = 0.85  # keep a loop only if it takes at most this fraction of the ufunc's time
CHOICES = ("measure", "on", "off")

_prims: list[tuple[Any, Callable[..., Any]]] = []  # (primitive, its own impl) for install/refresh
_wrappers: dict[str, Callable[..., Any]] = {}
_blocks: dict[str, Any] = {}  # compiled block loops by name (False: numba unusable)
_state: dict[str, bool | None] = {"flag": None, "broken": False}
# per function, the smallest size that uses fusion_math's loop: THRESHOLDS[name] or NEVER,
# decided by limit() on first use (a one-element list each, read by the wrappers' hot path)
_limits: dict[str, list[int]] = {name: [th] for name, th in THRESHOLDS.items()}
_measured: set[str] = set()


def _choice() -> str:
    c = os.environ.get("FUNCTRANS_FAST_UFUNCS", "measure").strip().lower() or "measure"
    if c not in CHOICES:
        raise ValueError(f"FUNCTRANS_FAST_UFUNCS must be one of {', '.join(CHOICES)}, got {c!r}")
    return c


def _faster(fn: Any, uf: Any) -> bool:
    """Whether the compiled loop ``fn`` beats the ufunc ``uf`` on 4096 float64 elements
    (best of five rounds of ten calls each, interleaved)."""
    x = np.linspace(-3.0, 3.0, 4096)
    o = np.empty_like(x)
    fn(x, o)
    uf(x, out=o)
    best_fn = best_uf = float("inf")
    clock = time.perf_counter
    for _ in range(5):
        t0 = clock()
        for _ in range(10):
            fn(x, o)
        t1 = clock()
        for _ in range(10):
            uf(x, out=o)
        t2 = clock()
        best_fn, best_uf = min(best_fn, t1 - t0), min(best_uf, t2 - t1)
    return best_fn <= MIN_GAIN * best_uf


def limit(name: str) -> int:
    """The smallest float64 array size from which ``name`` (exp, tanh, sin or cos) uses
    fusion_math's loop: ``THRESHOLDS[name]`` if numba provides the loop and it measured faster
    than NumPy's ufunc on this machine (see the module docstring), else :data:`NEVER`."""
    lim = _limits[name]
    if name in _measured:
        return lim[0]
    choice = _choice()
    fn = _load(name) if choice != "off" else False
    if fn is False:  # not decided for good: the setting or numba's state may change
        return NEVER
    _measured.add(name)
    lim[0] = THRESHOLDS[name] if choice == "on" or _faster(fn, getattr(np, name)) else NEVER
    return lim[0]


def as_ufunc(impl: Any) -> Any:
    """The ufunc behind a primitive's ``impl``: ``impl`` itself, or the ufunc a wrapper of
    this module stands for."""
    return getattr(impl, "ufunc", impl)


def _load(name: str) -> Any:
    """fusion_math's compiled whole-array loop for ``name``, or False if numba cannot provide it
    (then every wrapper is removed)."""
    fn = _blocks.get(name)
    if fn is None:
        try:
            from functrans._src import fusion_math

            fn = fusion_math.apply(name)
        except Exception:  # numba missing or broken: NumPy from now on
            fn = False
            _state["broken"] = True
            refresh(_state["flag"])
        _blocks[name] = fn
    return fn


def wrapper(name: str, base: Callable[..., Any]) -> Callable[..., Any]:
    """The implementation of the primitive whose impl is ``base`` (its ufunc, or the ufunc
    behind JAX's dtype casts: lax.rules.jax_dtype_impl), using fusion_math's ``v{name}`` on
    large float64 arrays (see the module docstring); other operands go to ``base``."""
    w = _wrappers.get(name)
    if w is not None:
        return w
    uf = as_ufunc(base)
    lim = _limits[name]
    escapes = name in _ESCAPES

    def run(x: np.ndarray, out: Any) -> Any:
        if not x.flags.c_contiguous:
            return uf(x) if out is None else uf(x, out=out)
        fn = _blocks.get(name)
        if fn is None or name not in _measured:
            fn = _load(name) if x.size >= limit(name) else False
        if fn is False:
            return uf(x) if out is None else uf(x, out=out)
        if out is None:
            o = np.empty_like(x)
        elif (
            type(out) is np.ndarray
            and out.dtype is _F64
            and out.shape == x.shape
            and out.flags.c_contiguous
            and out.flags.writeable
            and (out is x or not np.may_share_memory(x, out))
        ):
            if out is x and escapes:  # keep the input until it is known that no argument escaped
                o = np.empty_like(x)
                if fn(x, o):
                    return uf(x, out=out)
                out[...] = o
                return out
            o = out
        else:
            return uf(x, out=out)
        if fn(x, o):  # a sin/cos argument beyond SIN_LIMIT, inf or NaN: all of it by NumPy
            return uf(x, out=o)
        return o

    def impl(x: Any, out: Any = None) -> Any:
        if type(x) is np.ndarray and x.dtype is _F64 and x.size >= lim[0]:
            return run(x, out)
        return base(x) if out is None else uf(x, out=out)

    impl.ufunc = uf  # type: ignore[attr-defined]
    impl.__name__ = impl.__qualname__ = f"fast_{name}"
    impl.__doc__ = f"np.{uf.__name__}, with fusion_math's v{name} on float64 arrays of >= limit({name!r}) elements."
    _wrappers[name] = impl
    return impl


def _wanted(flag: bool | None) -> bool:
    """Whether the wrappers should be installed (fusion's rule, without importing numba)."""
    if _state["broken"]:
        return False
    if flag is None:
        flag = os.environ.get("FUNCTRANS_FUSION", "1") != "0"
    return bool(flag) and _choice() != "off" and importlib.util.find_spec("numba") is not None


def refresh(flag: bool | None) -> None:
    """Install or remove the wrappers after fusion's setting changed to ``flag`` (``None``:
    the default, from ``FUNCTRANS_FUSION``)."""
    _state["flag"] = flag
    on = _wanted(flag)
    for prim, base in _prims:
        prim.impl = wrapper(prim.name, base) if on else base


def install(prims: Iterable[Any]) -> None:
    """Register the primitives whose ufunc ``impl`` may be replaced (their names are keys of
    ``THRESHOLDS``) and apply the current setting."""
    for p in prims:
        _prims.append((p, p.impl))
    refresh(_state["flag"])


def installed() -> bool:
    """Whether the registered primitives currently use the wrappers."""
    return bool(_prims) and _prims[0][0].impl is not _prims[0][1]
