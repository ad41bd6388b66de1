"""Vectorisable float64 ``exp``, ``tanh``, ``sin`` and ``cos`` for fused kernels (numba only).

A fused loop that calls the C library's ``sin``/``tanh``/``exp`` makes one opaque call
per element, which the compiler cannot vectorise; on a machine without AVX-512 NumPy's
own float64 loops for these functions are scalar too (about 9, 14 and 5 ns per element
here, three quarters of the time of the ten-operation chain in benchmarks/bench_speed.py).
The functions below are written only with arithmetic, comparisons and one bit cast, so
the loop around them is vectorised (about 3.5-4.5 ns per element each, single thread).

Accuracy, checked against NumPy in tests/test_fusion_math.py: ``exp`` within 1 ulp
(including subnormal results, overflow to inf, NaN and +-inf), ``sin``/``cos`` within 2
ulp for ``|x| <= SIN_LIMIT`` (four-part Cody-Waite reduction by pi/2), ``tanh`` within 2
ulp. Arguments of ``sin``/``cos`` beyond ``SIN_LIMIT`` (and inf/NaN) are reported by
:func:`trig_escape` and the kernel is re-run with the C library's functions (see
``fusion.py``); the value computed for them here is meaningless.

Where they are used (with the ``fast`` extra, numba installed and fusion on): in jit's fused
kernels, and as the eager implementations of the float64 exp/tanh/sin/cos primitives on large
C-contiguous arrays (functrans._src.fast_ufuncs: eager calls, grad, the eager tape, jit's unfused
equations), from the same per-function sizes (``fast_ufuncs.THRESHOLDS``). So with the extra
these values differ from NumPy's by up to 1 (exp) or 2 ulp, in eager mode as under jit, and eager
and jit give the same values for the same operation; without it they are NumPy's.
:func:`block` and :func:`apply` compile their loops on first use (never at import) with numba's
on-disk cache, falling back to no cache when no cache directory is writable.

The method is textbook: exp by ``x = k ln2 + r`` (``ln2`` split in two parts), a degree-13
Taylor polynomial of ``expm1`` on ``|r| <= ln2/2`` and scaling by ``2**k`` built from its
bits in two halves (so subnormal results are rounded once); tanh by ``expm1(2|x|)``;
sin/cos by ``x = k pi/2 + r`` and Taylor polynomials of degree 17/18 on ``|r| <= pi/4``.

Importing this module imports numba.
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
from llvmlite import ir as llir
from numba.core import types
from numba.extending import intrinsic

__all__ = ["SIN_LIMIT", "apply", "block", "trig_escape", "vcos", "vexp", "vsin", "vtanh"]


@intrinsic
def _bits_to_f64(typingctx: Any, x: Any) -> Any:
    """The float64 whose IEEE bits are the int64 ``x`` (a register bit cast)."""
    sig = types.float64(types.int64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], llir.DoubleType())

    return sig, codegen


@intrinsic
def _f64_to_bits(typingctx: Any, x: Any) -> Any:
    """The int64 holding the IEEE bits of the float64 ``x`` (a register bit cast)."""
    sig = types.int64(types.float64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], llir.IntType(64))

    return sig, codegen


@intrinsic
def _fma(typingctx: Any, a: Any, b: Any, c: Any) -> Any:
    """a * b + c rounded once (LLVM's fma: one instruction on FMA hardware)."""
    if not all(x == types.float64 for x in (a, b, c)):
        return None
    sig = types.float64(types.float64, types.float64, types.float64)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        d = llir.DoubleType()
        fn = builder.module.declare_intrinsic("llvm.fma", [d], llir.FunctionType(d, [d, d, d]))
        return builder.call(fn, args)

    return sig, codegen


def _inv_fact(n: int) -> float:
    return 1.0 / math.factorial(n)


_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # ln 2 rounded to 32 bits: k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10  # ln 2 - _LN2_HI
E2, E3, E4, E5, E6, E7, E8, E9, E10, E11, E12, E13 = (_inv_fact(n) for n in range(2, 14))

_TWO_OVER_PI = 6.36619772367581382433e-01
# pi/2 = P1 + P2 + P3 + P4; P1..P3 have at most 33 significant bits, so k * Pi is exact for |k| < 2**20
_P1 = 1.57079632673412561417e00
_P2 = 6.07710050630396597660e-11
_P3 = 2.02226624871116645580e-21
_P4 = 8.47842766036889956997e-32
S3, S5, S7, S9, S11, S13, S15, S17 = ((-1.0) ** j * _inv_fact(2 * j + 1) for j in range(1, 9))
C2, C4, C6, C8, C10, C12, C14, C16, C18 = ((-1.0) ** j * _inv_fact(2 * j) for j in range(1, 10))
SIN_LIMIT = 65536.0  # |x| above this (or inf/NaN) goes to the C library's sin/cos

_opts: dict[str, Any] = {"inline": "always", "error_model": "numpy"}
_SHIFT = 4503599627370496.0  # 2**52: the integers below it are the low mantissa bits of SHIFT + m
_SHIFT_BITS = 0x4330000000000000  # bits of _SHIFT


@numba.njit(**_opts)
def _pow2(kf: float) -> float:
    """2**kf for an integer-valued float kf in [-1022, 1023], built from its bits (no float to
    int conversion, which AVX2 cannot vectorise)."""
    return _bits_to_f64((_f64_to_bits(kf + (1023.0 + _SHIFT)) - _SHIFT_BITS) << 52)



@numba.njit(**_opts)
def _expm1_poly(r: float) -> float:
    """expm1(r) for |r| <= ln2/2 (Taylor to degree 13: truncation below 1e-17 relative)."""
    p = E9 + r * (E10 + r * (E11 + r * (E12 + r * E13)))
    return r + r * r * (E2 + r * (E3 + r * (E4 + r * (E5 + r * (E6 + r * (E7 + r * (E8 + r * p)))))))


@numba.njit(**_opts)
def vexp(x: float) -> float:
    """exp(x), within 1 ulp; +-inf, NaN, overflow and subnormal results as the C library."""
    xc = x
    if xc > 710.0:
        xc = 710.0
    if xc < -746.0:
        xc = -746.0
    if xc != xc:
        xc = 0.0
    kf = np.rint(xc * _LOG2E)
    r = (xc - kf * _LN2_HI) - kf * _LN2_LO
    p = 1.0 + _expm1_poly(r)
    k1 = np.floor(kf * 0.5)  # 2**k = 2**k1 * 2**k2, both normal for -1077 <= k <= 1025
    res = (p * _pow2(k1)) * _pow2(kf - k1)
    if x != x:
        res = x
    return res


@numba.njit(**_opts)
def vtanh(x: float) -> float:
    """tanh(x), within 2 ulp: e = expm1(2|x|), tanh = e / (e + 2) = 1 - 2 / (e + 2)."""
    a = np.abs(x)
    ac = a
    if ac > 22.0:  # tanh(22) rounds to 1
        ac = 22.0
    if ac != ac:
        ac = 0.0
    y = 2.0 * ac
    kf = np.rint(y * _LOG2E)
    r = (y - kf * _LN2_HI) - kf * _LN2_LO
    s = _pow2(kf)
    e = s * _expm1_poly(r) + (s - 1.0)
    d = e + 2.0
    dl = (2.0 - d) + e  # d + dl = e + 2 exactly (|e| <= 2 below 0.55)
    inv = 1.0 / d  # the only division
    t = e * inv
    t = t + (_fma(-t, d, e) - t * dl) * inv  # a Newton correction: the division and d's rounding
    if ac > 0.55:
        t = 1.0 - 2.0 * inv
    if a > 22.0:
        t = 1.0
    t = np.copysign(t, x)
    if x != x:
        t = x
    return t


@numba.njit(**_opts)
def _sincos(x: float) -> tuple[float, float, float]:
    """(sin r, cos r, k mod 4) with x = k pi/2 + r, |r| <= pi/4 (for |x| <= SIN_LIMIT)."""
    kf = np.rint(x * _TWO_OVER_PI)
    r = (((x - kf * _P1) - kf * _P2) - kf * _P3) - kf * _P4
    z = r * r
    s = r + r * z * (S3 + z * (S5 + z * (S7 + z * (S9 + z * (S11 + z * (S13 + z * (S15 + z * S17)))))))
    c = 1.0 + z * (C2 + z * (C4 + z * (C6 + z * (C8 + z * (C10 + z * (C12 + z * (C14 + z * (C16 + z * C18))))))))
    q = kf - 4.0 * np.floor(kf * 0.25)
    return s, c, q


@numba.njit(**_opts)
def _quadrant(s: float, c: float, q: float) -> float:
    """sin of the reduced argument's quadrant ``q`` (0-3) from sin ``s`` and cos ``c`` of the
    remainder: s, c, -s, -c. cos is the same at quadrant ``q + 1``."""
    res = s
    if q == 1.0:
        res = c
    if q == 2.0:
        res = -s
    if q == 3.0:
        res = -c
    return res


@numba.njit(**_opts)
def vsin(x: float) -> float:
    """sin(x) within 2 ulp for |x| <= SIN_LIMIT (others: see trig_escape)."""
    xc = x
    if not (np.abs(x) <= SIN_LIMIT):
        xc = 0.0
    s, c, q = _sincos(xc)
    res = _quadrant(s, c, q)
    if np.abs(x) < 1e-9:  # sin x = x to double precision; keeps -0.0 and subnormals exact
        res = x
    return res


@numba.njit(**_opts)
def vcos(x: float) -> float:
    """cos(x) within 2 ulp for |x| <= SIN_LIMIT (others: see trig_escape)."""
    xc = x
    if not (np.abs(x) <= SIN_LIMIT):
        xc = 0.0
    s, c, q = _sincos(xc)
    return _quadrant(s, c, q + 1.0 if q < 3.0 else 0.0)


@numba.njit(**_opts)
def trig_escape(x: float) -> int:
    """1 if vsin/vcos cannot handle ``x`` (beyond SIN_LIMIT, inf or NaN), else 0."""
    return np.int64(not (np.abs(x) <= SIN_LIMIT))


# --------------------------------------------------------------------------- block loops

def _exp_block(m: int, x: Any, o: Any) -> int:
    for k in range(m):
        o[k] = vexp(x[k])
    return 0


def _tanh_block(m: int, x: Any, o: Any) -> int:
    for k in range(m):
        o[k] = vtanh(x[k])
    return 0


def _sin_block(m: int, x: Any, o: Any) -> int:
    bad = 0
    for k in range(m):
        bad |= trig_escape(x[k])
        o[k] = vsin(x[k])
    return bad


def _cos_block(m: int, x: Any, o: Any) -> int:
    bad = 0
    for k in range(m):
        bad |= trig_escape(x[k])
        o[k] = vcos(x[k])
    return bad


_PY_BLOCKS = {"exp": _exp_block, "tanh": _tanh_block, "sin": _sin_block, "cos": _cos_block}
_blocks: dict[str, Any] = {}


def block(name: str) -> Any:
    """The compiled loop ``{name}_block(m, x, o) -> flag`` writing ``v{name}(x[k])`` to ``o[k]``
    for ``k < m`` (flag: 1 if a sin/cos argument escaped, see trig_escape). Fused kernels call
    these per block instead of inlining the functions, which keeps a kernel's compile time that
    of its arithmetic (inlined, LLVM takes seconds per function). Compiled on first use and
    cached on disk by numba (``cache=True``), so later processes load them."""
    fn = _blocks.get(name)
    if fn is None:
        sig = types.int64(types.int64, types.Array(types.float64, 1, "C", readonly=True), types.float64[::1])
        fn = _blocks[name] = _njit_cached(_PY_BLOCKS[name], sig)
    return fn


# --------------------------------------------------------------------------- whole arrays


def _exp_apply(x: Any, o: Any) -> int:
    xf, of = x.reshape(x.size), o.reshape(o.size)
    for k in range(xf.size):
        of[k] = vexp(xf[k])
    return 0


def _tanh_apply(x: Any, o: Any) -> int:
    xf, of = x.reshape(x.size), o.reshape(o.size)
    for k in range(xf.size):
        of[k] = vtanh(xf[k])
    return 0


def _sin_apply(x: Any, o: Any) -> int:
    xf, of = x.reshape(x.size), o.reshape(o.size)
    bad = 0
    for k in range(xf.size):
        bad |= trig_escape(xf[k])
        of[k] = vsin(xf[k])
    return bad


def _cos_apply(x: Any, o: Any) -> int:
    xf, of = x.reshape(x.size), o.reshape(o.size)
    bad = 0
    for k in range(xf.size):
        bad |= trig_escape(xf[k])
        of[k] = vcos(xf[k])
    return bad


_PY_APPLY = {"exp": _exp_apply, "tanh": _tanh_apply, "sin": _sin_apply, "cos": _cos_apply}
_applies: dict[str, Any] = {}


def _njit_cached(fn: Any, sig: Any = None) -> Any:
    """``fn`` compiled by numba with its on-disk cache (``cache=True``: later processes load
    the machine code instead of compiling), or without it when no cache directory is
    writable (numba refuses ``cache=True`` then)."""
    opts: dict[str, Any] = {"error_model": "numpy", "nogil": True}
    try:
        return numba.njit(*([sig] if sig is not None else []), cache=True, **opts)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(*([sig] if sig is not None else []), **opts)(fn)


def apply(name: str) -> Any:
    """The compiled ``{name}_apply(x, o) -> flag`` writing ``v{name}`` of every element of the
    C-contiguous float64 array ``x`` to ``o`` (same shape, C-contiguous; flag as block's).
    One dispatch per call, any number of dimensions (compiled per dimension count on first use,
    cached on disk): the eager implementations of functrans._src.fast_ufuncs call these."""
    fn = _applies.get(name)
    if fn is None:
        fn = _applies[name] = _njit_cached(_PY_APPLY[name])
    return fn
