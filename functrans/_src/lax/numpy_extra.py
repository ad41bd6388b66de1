"""Primitives behind a few ``functrans.numpy`` functions that no other family provides.

* ``discrete_ufunc[fn]``: one elementwise primitive for the NumPy functions whose output is
  integer-valued or piecewise constant in the float sense: the bitwise operations
  (``bitwise_and/or/xor``, ``invert``, ``left_shift``, ``right_shift``, ``bitwise_count``),
  ``gcd``, ``lcm``, the exponent of ``frexp``, and ``nextafter``/``spacing``. ``fn`` names the
  operation (a static parameter). Tangents are symbolic zeros, except that differentiating
  ``nextafter`` or ``spacing`` with respect to a float input raises ``NotImplementedError``
  (as JAX, which has no differentiation rule for them).
  Shifts follow XLA (and so JAX): a shift by a negative amount or by at least the bit
  width gives 0 (``left_shift``), or the sign fill (``right_shift`` of a signed value).
* ``ldexp(x, n)``: ``x * 2**n`` rounded once; linear in ``x`` (its transpose is itself).
* ``bessel_i0``, ``bessel_i1``: the modified Bessel functions of the first kind, orders 0
  and 1. ``i0`` uses NumPy's ``numpy.i0``; ``i1`` (needed for the derivatives,
  ``i0' = i1`` and ``i1' = i0 - i1/x``, ``i1'(0) = 1/2``) is a power series for
  ``|x| <= 20`` and the asymptotic expansion beyond.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind, get_aval
from functrans._src.lax.comparisons import eq, select
from functrans._src.lax.elementwise import div, mul, sub
from functrans._src.lax.rules import (
    _batch_elementwise,
    _bcast,
    _elementwise_dtype,
    _prim,
    _shape,
    _sig,
    broadcast_shapes,
    defjvp,
    unbroadcast,
)

__all__ = [
    "discrete_ufunc", "discrete_ufunc_p", "DISCRETE_UFUNCS", "ldexp", "ldexp_p", "bessel_i0", "bessel_i0_p",
    "bessel_i1", "bessel_i1_p",
]  # fmt: skip


# --------------------------------------------------------------------------- discrete ufuncs


def _shift_amount_ok(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bits = np.dtype(x.dtype).itemsize * 8
    ok = (y >= 0) & (y < bits)
    return ok, np.where(ok, y, 0).astype(x.dtype, copy=False)


def _common(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    dt = np.result_type(x, y)
    return np.asarray(x, dt), np.asarray(y, dt)


def _left_shift(x: Any, y: Any) -> np.ndarray:
    x, y = _common(x, y)
    if x.dtype == np.bool_:
        x, y = x.astype(np.int8), y.astype(np.int8)
    ok, s = _shift_amount_ok(x, y)
    return np.where(ok, np.left_shift(x, s), np.zeros((), x.dtype))


def _right_shift(x: Any, y: Any) -> np.ndarray:
    x, y = _common(x, y)
    if x.dtype == np.bool_:
        x, y = x.astype(np.int8), y.astype(np.int8)
    ok, s = _shift_amount_ok(x, y)
    fill = np.where(x < 0, np.asarray(-1, x.dtype), np.asarray(0, x.dtype)) if x.dtype.kind == "i" else 0
    return np.where(ok, np.right_shift(x, s), np.asarray(fill, x.dtype))


def _frexp_exponent(x: Any) -> np.ndarray:
    return np.frexp(x)[1].astype(np.int32)


def _bitwise_count(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return np.bitwise_count(x.astype(np.uint8) if x.dtype == np.bool_ else x).astype(np.uint8)


# name -> (implementation, accepted dtype kinds, differentiable-in-principle)
DISCRETE_UFUNCS: dict[str, tuple[Callable[..., Any], str, bool]] = {
    "bitwise_and": (np.bitwise_and, "biu", False),
    "bitwise_or": (np.bitwise_or, "biu", False),
    "bitwise_xor": (np.bitwise_xor, "biu", False),
    "invert": (np.invert, "biu", False),
    "left_shift": (_left_shift, "biu", False),
    "right_shift": (_right_shift, "biu", False),
    "bitwise_count": (_bitwise_count, "biu", False),
    "gcd": (np.gcd, "iu", False),
    "lcm": (np.lcm, "iu", False),
    "frexp_exponent": (_frexp_exponent, "f", False),
    "nextafter": (np.nextafter, "f", True),
    "spacing": (lambda x: np.copysign(np.spacing(x), x), "f", True),
}
"""The operations of ``discrete_ufunc``: implementation, accepted dtype kinds, and whether
the operation has a (not implemented) nonzero derivative."""


def _discrete_impl(*args: Any, fn: str) -> Any:
    with np.errstate(all="ignore"):
        return np.asarray(DISCRETE_UFUNCS[fn][0](*args))


def _discrete_abstract_eval(*avals: ShapedArray, fn: str) -> ShapedArray:
    impl, kinds, _ = DISCRETE_UFUNCS[fn]
    for a in avals:
        if a.dtype.kind not in kinds:
            want = {"biu": "integer or boolean", "iu": "integer", "f": "floating-point"}[kinds]
            raise TypeError(f"{fn} takes {want} operands, got {a.dtype}")
    shape = broadcast_shapes(*(a.shape for a in avals))
    return ShapedArray(shape, _elementwise_dtype(impl, _sig(avals)))


def _discrete_jvp(primals: Sequence[Any], tangents: Sequence[Any], fn: str) -> tuple[Any, Any]:
    if DISCRETE_UFUNCS[fn][2] and any(t is not None for t in tangents):
        raise NotImplementedError(f"Differentiation rule for '{fn}' not implemented (as in JAX)")
    return bind(discrete_ufunc_p, primals, {"fn": fn}), None


discrete_ufunc_p = _prim("discrete_ufunc")
discrete_ufunc_p.impl = _discrete_impl
discrete_ufunc_p.abstract_eval = _discrete_abstract_eval
discrete_ufunc_p.jvp = _discrete_jvp
discrete_ufunc_p.batch = _batch_elementwise(discrete_ufunc_p)


def discrete_ufunc(fn: str, *args: Any) -> Any:
    """Apply the integer-valued or piecewise-constant elementwise operation ``fn`` (a key of
    :data:`DISCRETE_UFUNCS`), broadcasting its operands."""
    if fn not in DISCRETE_UFUNCS:
        raise ValueError(f"unknown discrete_ufunc operation {fn!r}; expected one of {sorted(DISCRETE_UFUNCS)}")
    return bind(discrete_ufunc_p, args, {"fn": fn})


# --------------------------------------------------------------------------- ldexp


def _ldexp_impl(x: Any, n: Any) -> Any:
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        out = np.ldexp(x, np.clip(n, -(2**31) + 1, 2**31 - 1).astype(np.int32))
    return np.asarray(out, x.dtype)


def _ldexp_abstract_eval(x: ShapedArray, n: ShapedArray) -> ShapedArray:
    if x.dtype.kind != "f":
        raise TypeError(f"ldexp takes a floating-point mantissa, got {x.dtype}")
    if n.dtype.kind not in "biu":
        raise TypeError(f"ldexp takes an integer exponent, got {n.dtype}")
    return ShapedArray(broadcast_shapes(x.shape, n.shape), x.dtype)


def _ldexp_transpose(ct: Any, x: Any, n: Any) -> list[Any]:
    if ct is None:
        return [None, None]
    r = ldexp(ct, n)
    return [r if _shape(r) == tuple(x.aval.shape) else unbroadcast(r, tuple(x.aval.shape)), None]


ldexp_p = _prim("ldexp")
ldexp_p.impl = _ldexp_impl
ldexp_p.abstract_eval = _ldexp_abstract_eval
ldexp_p.batch = _batch_elementwise(ldexp_p)
defjvp(ldexp_p, lambda g, ans, x, n: ldexp(g, n), None)
ldexp_p.transpose = _ldexp_transpose


def ldexp(x: Any, n: Any) -> Any:
    """``x * 2**n`` for a float ``x`` and an integer ``n``, rounded once (``numpy.ldexp``)."""
    return bind(ldexp_p, (x, n), {})


# --------------------------------------------------------------------------- modified Bessel functions


def _i1_impl(x: Any) -> np.ndarray:
    x = np.asarray(x)
    dt = x.dtype
    a = np.abs(x.astype(np.float64))
    small = a <= 20.0
    # power series: sum_k (a/2)^(2k+1) / (k! (k+1)!) (positive terms, no cancellation)
    s = np.where(small, a, 0.0)
    t = s / 2.0
    total = t.copy()
    q = (s / 2.0) ** 2
    for k in range(1, 60):
        t = t * q / (k * (k + 1))
        total = total + t
    # asymptotic: e^a / sqrt(2 pi a) * sum_k (-1)^k prod_{j<=k} (4 - (2j-1)^2) / (k! (8a)^k)
    b = np.where(small, 30.0, a)
    term = np.ones_like(b)
    series = np.ones_like(b)
    for k in range(1, 30):
        term = term * -(4.0 - (2 * k - 1) ** 2) / (k * 8.0 * b)
        series = series + term
    with np.errstate(over="ignore"):
        big = np.exp(b / 2.0) * (series / np.sqrt(2.0 * np.pi * b)) * np.exp(b / 2.0)
    out = np.where(small, total, big)
    return np.asarray(np.copysign(out, x), dt)


def _i0_impl(x: Any) -> np.ndarray:
    x = np.asarray(x)
    with np.errstate(over="ignore"):
        return np.asarray(np.i0(x), x.dtype)


def _float_unary(name: str, impl: Callable[[Any], Any]) -> Any:
    p = _prim(name)
    p.impl = impl

    def abstract_eval(x: ShapedArray) -> ShapedArray:
        if x.dtype.kind != "f":
            raise TypeError(f"{name} takes a floating-point operand, got {x.dtype}")
        return ShapedArray(x.shape, x.dtype)

    p.abstract_eval = abstract_eval
    p.batch = _batch_elementwise(p)
    return p


bessel_i0_p = _float_unary("bessel_i0", _i0_impl)
bessel_i1_p = _float_unary("bessel_i1", _i1_impl)


def bessel_i0(x: Any) -> Any:
    """The modified Bessel function of the first kind of order 0 (elementwise, float input)."""
    return bind(bessel_i0_p, (x,), {})


def bessel_i1(x: Any) -> Any:
    """The modified Bessel function of the first kind of order 1 (elementwise, float input)."""
    return bind(bessel_i1_p, (x,), {})


def _i1_deriv(g: Any, ans: Any, x: Any) -> Any:
    zero = eq(x, _bcast(np.zeros((), _dt(x)), _shape(x)))
    one = _bcast(np.ones((), _dt(x)), _shape(x))
    safe = select(zero, one, x)
    d = sub(bessel_i0(safe), div(bessel_i1(safe), safe))
    return mul(g, select(zero, _bcast(np.asarray(0.5, _dt(x)), _shape(x)), d))


def _dt(x: Any) -> np.dtype:
    return get_aval(x).dtype


defjvp(bessel_i0_p, lambda g, ans, x: mul(g, bessel_i1(x)))
defjvp(bessel_i1_p, _i1_deriv)
