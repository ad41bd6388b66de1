"""Cumulative reductions along one axis: ``cumsum``, ``cumprod``, ``cummax``, ``cummin``,
``cumlogsumexp`` (each with ``reverse``), as in ``jax.lax``.

Values are NumPy's own (``np.cumsum``, ``np.multiply.accumulate``, ...). ``cumsum`` is
linear (its transpose is the cumsum in the other direction). The others take their JVP
from a parallel prefix scan written with primitives (:func:`associative_scan`), the same
odd/even scan JAX differentiates: so ``cumprod`` is exact through zeros, and ``cummax``
and ``cummin`` share the tangent among tied elements exactly as JAX does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind
from functrans._src.jvp import jvp_flat
from functrans._src.lax.elementwise import maximum, minimum, mul
from functrans._src.lax.elementwise_extra import logaddexp, logaddexp_p
from functrans._src.lax.rules import _prim, _shape, allow_complex, deflinear
from functrans._src.lax.shape import concatenate, reshape
from functrans._src.lax.slicing import index

__all__ = [
    "cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp", "associative_scan",
    "cumsum_p", "cumprod_p", "cummax_p", "cummin_p", "cumlogsumexp_p",
]  # fmt: skip


def _flip(x: np.ndarray, axis: int) -> np.ndarray:
    return np.flip(x, axis)


def _cum_impl(acc: Callable[..., np.ndarray]) -> Callable[..., np.ndarray]:
    def impl(x: Any, axis: int, reverse: bool) -> np.ndarray:
        x = np.asarray(x)
        if x.shape[axis] == 0:
            return acc(x, axis)
        with np.errstate(all="ignore"):
            return _flip(acc(_flip(x, axis), axis), axis) if reverse else acc(x, axis)

    return impl


def _cumulative(name: str, acc: Callable[..., np.ndarray], dtype_rule: Callable[[np.dtype], np.dtype]) -> Primitive:
    p = _prim(name)
    p.impl = _cum_impl(acc)

    def abstract_eval(x: ShapedArray, axis: int, reverse: bool) -> ShapedArray:
        if not 0 <= axis < x.ndim:
            raise ValueError(f"{name}: axis {axis} is out of bounds for an array of dimension {x.ndim}")
        return ShapedArray(x.shape, dtype_rule(x.dtype))

    p.abstract_eval = abstract_eval

    def batch(vals: Sequence[Any], dims: Sequence[Any], axis: int, reverse: bool) -> tuple[Any, int]:
        (x,), (d,) = vals, dims
        return bind(p, (x,), {"axis": axis + (d <= axis), "reverse": reverse}), d

    p.batch = batch
    return p


def _sum_dtype(dt: np.dtype) -> np.dtype:
    # as JAX: integers accumulate in their own width (booleans in the default integer)
    return np.dtype(np.int64) if dt.kind == "b" else dt


def _same(dt: np.dtype) -> np.dtype:
    return dt


def _inexact(dt: np.dtype) -> np.dtype:
    return dt if dt.kind in "fc" else np.dtype(np.float64)


cumsum_p = _cumulative("cumsum", lambda x, axis: np.cumsum(x, axis, dtype=_sum_dtype(x.dtype)), _sum_dtype)
cumprod_p = _cumulative("cumprod", lambda x, axis: np.cumprod(x, axis, dtype=_sum_dtype(x.dtype)), _sum_dtype)
cummax_p = _cumulative("cummax", lambda x, axis: np.maximum.accumulate(x, axis), _same)
cummin_p = _cumulative("cummin", lambda x, axis: np.minimum.accumulate(x, axis), _same)
def _logaddexp_accumulate(x: np.ndarray, axis: int) -> np.ndarray:
    x = x.astype(_inexact(x.dtype))
    if x.dtype.kind != "c":
        return np.logaddexp.accumulate(x, axis)
    # complex: JAX's complex logaddexp (the primitive's own impl), one step at a time
    out = np.moveaxis(x.copy(), axis, 0)
    for i in range(1, out.shape[0]):
        out[i] = logaddexp_p.impl(out[i - 1], out[i])
    return np.moveaxis(out, 0, axis)


cumlogsumexp_p = _cumulative("cumlogsumexp", _logaddexp_accumulate, _inexact)


def _check_axis(x: Any, axis: int, name: str) -> int:
    nd = len(_shape(x))
    if not -nd <= axis < nd:
        raise np.exceptions.AxisError(f"{name}: axis {axis} is out of bounds for array of dimension {nd}")
    return axis % nd


def _wrapper(p: Primitive, what: str) -> Callable[..., Any]:
    def f(operand: Any, axis: int = 0, reverse: bool = False) -> Any:
        return bind(p, (operand,), {"axis": _check_axis(operand, int(axis), p.name), "reverse": bool(reverse)})

    f.__name__ = f.__qualname__ = p.name
    f.__doc__ = f"Cumulative {what} along ``axis`` (from the end if ``reverse``)."
    return f


cumsum = _wrapper(cumsum_p, "sum")
cumprod = _wrapper(cumprod_p, "product")
cummax = _wrapper(cummax_p, "maximum")
cummin = _wrapper(cummin_p, "minimum")
cumlogsumexp = _wrapper(cumlogsumexp_p, "log-sum-exp")

deflinear(
    cumsum_p,
    lambda ct, x, axis, reverse: [cumsum(ct, axis, not reverse)],
)

# --------------------------------------------------------------------------- the prefix scan used by the JVPs


def _slice(x: Any, axis: int, start: int | None, stop: int | None, step: int = 1) -> Any:
    nd = len(_shape(x))
    return index(x, (slice(None),) * axis + (slice(start, stop, step),) + (slice(None),) * (nd - axis - 1))


def _interleave(a: Any, b: Any, axis: int) -> Any:
    """a[0], b[0], a[1], b[1], ... along ``axis`` (``a`` as long as ``b`` or one longer)."""
    na, nb = _shape(a)[axis], _shape(b)[axis]
    if na != nb:
        return concatenate([_interleave(_slice(a, axis, 0, nb), b, axis), _slice(a, axis, nb, None)], axis)
    s = _shape(a)
    ka = reshape(a, s[: axis + 1] + (1,) + s[axis + 1 :])
    kb = reshape(b, s[: axis + 1] + (1,) + s[axis + 1 :])
    both = concatenate([ka, kb], axis + 1)
    return reshape(both, s[:axis] + (2 * na,) + s[axis + 1 :])


def associative_scan(fn: Callable[[Any, Any], Any], x: Any, axis: int = 0, reverse: bool = False) -> Any:
    """Inclusive prefix scan of ``x`` along ``axis`` with the associative ``fn``, by the
    odd/even recursion (O(log n) depth), written with primitives so it can be differentiated."""
    axis = _check_axis(x, axis, "associative_scan")
    if reverse:
        return _slice(associative_scan(fn, _slice(x, axis, None, None, -1), axis), axis, None, None, -1)
    n = _shape(x)[axis]
    if n < 2:
        return x
    # combine neighbouring pairs, scan those, then fill in the elements in between
    odd = associative_scan(fn, fn(_slice(x, axis, 0, n - 1, 2), _slice(x, axis, 1, None, 2)), axis)
    if n > 2:
        rest = _slice(x, axis, 2, None, 2)
        even = fn(_slice(odd, axis, 0, _shape(odd)[axis] - 1) if n % 2 == 0 else odd, rest)
        even = concatenate([_slice(x, axis, 0, 1), even], axis)
    else:
        even = _slice(x, axis, 0, 1)
    return _interleave(even, odd, axis)


def _scan_jvp(p: Primitive, fn: Callable[[Any, Any], Any]) -> None:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], axis: int, reverse: bool) -> tuple[Any, Any]:
        (x,), (g,) = primals, tangents
        ans = bind(p, (x,), {"axis": axis, "reverse": reverse})
        _, (t,) = jvp_flat(lambda v: [associative_scan(fn, v, axis, reverse)], [x], [g])
        return ans, t

    p.jvp = rule


_scan_jvp(cumprod_p, mul)
_scan_jvp(cummax_p, maximum)
_scan_jvp(cummin_p, minimum)
_scan_jvp(cumlogsumexp_p, logaddexp)

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
# (the JVPs of cumprod/cummax/cummin/cumlogsumexp are associative scans of mul/max/min/logaddexp,
# all complex-capable; max/min order complex numbers lexicographically, as JAX and NumPy do)
allow_complex(cumsum_p, cumprod_p, cummax_p, cummin_p, cumlogsumexp_p)
