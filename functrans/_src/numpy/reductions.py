"""Reductions of ``functrans.numpy``: sum, prod, max, min, mean, var, std, argmax, argmin,
any, all, count_nonzero, average, ptp, the nan-ignoring forms, cumsum, cumprod, median,
quantile and percentile."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import _TRACER_TYPES, OperandError, Tracer, get_aval
from functrans._src.lax.complex_parts import imag_part, real_part
from functrans._src.lax.rules import inexact_dtype
from functrans._src.numpy.util import _arr, _axes, _axis, _count, _shape

__all__ = [
    "sum", "prod", "max", "min", "amax", "amin", "mean", "var", "std",
    "argmax", "argmin", "any", "all", "count_nonzero", "average", "ptp",
    "nansum", "nanprod", "nanmean", "nanvar", "nanstd", "nanmax", "nanmin", "cumsum", "cumprod",
    "nancumsum", "nancumprod",
    "median", "quantile", "percentile",
]  # fmt: skip


def _reduce(p_fn: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    a = _arr(a)
    return p_fn(a, _axes(axis, len(_shape(a))), keepdims)


def _reduce_where(a: Any, where: Any, fill: Any, name: str) -> Any:
    """``a`` with the elements outside the boolean mask ``where`` replaced by ``fill`` (the
    reduction's identity), as jax.numpy's ``where=`` of reductions."""
    a = _arr(a)
    if where is None:
        return a
    w = _arr(where)
    dt = get_aval(w).dtype
    if dt != np.dtype(bool):
        raise ValueError(f"jnp.{name}: where must be None or a boolean array; got where.dtype={dt!r}.")
    shape = _shape(a)
    if _shape(w) != shape:
        w = lax.broadcast_to(w, shape)
    return lax.select(w, a, np.full((), fill, get_aval(a).dtype))


def _initial(out: Any, initial: Any, op: Any, name: str) -> Any:
    if initial is None:
        return out
    if len(_shape(_arr(initial))) != 0:
        raise ValueError(f"jnp.{name}: initial value must be a scalar. Got array of shape {_shape(_arr(initial))}")
    return op(out, lax.convert_element_type(_arr(initial), get_aval(out).dtype))


def _promoted(a: Any, promote_integers: bool) -> Any:
    # as JAX: integer and boolean sums/products accumulate in the default integer width
    dt = get_aval(a).dtype
    if promote_integers and dt.kind in "biu" and dt.itemsize < 8:
        return lax.convert_element_type(a, np.uint64 if dt.kind == "u" else np.int64)
    return a


def _unpromoted(out: Any, a: Any) -> Any:
    # promote_integers=False: the input's integer width (booleans count in int32, as JAX)
    dt = get_aval(a).dtype
    if dt.kind in "biu":
        return lax.convert_element_type(out, np.int32 if dt.kind == "b" else dt)
    return out


def sum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,  # noqa: A001
        initial: Any = None, where: Any = None, promote_integers: bool = True) -> Any:  # fmt: skip
    """Sum over ``axis`` (all axes by default); ``where`` masks elements, ``initial`` is added."""
    _no_out(out, "sum")
    a = _reduce_where(a, where, 0, "sum")
    if dtype is None:
        out = _reduce(lax.reduce_sum, _promoted(a, promote_integers), axis, keepdims)
        if not promote_integers:
            out = _unpromoted(out, a)
    else:
        # the elements are cast first, then summed (as NumPy and JAX): sum([.5, .5], dtype=int) is 0
        dt = np.dtype(dtype)
        out = lax.convert_element_type(_reduce(lax.reduce_sum, lax.convert_element_type(a, dt), axis, keepdims), dt)
    return _initial(out, initial, lax.add, "sum")


def prod(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
         initial: Any = None, where: Any = None, promote_integers: bool = True) -> Any:  # fmt: skip
    """Product over ``axis``; its derivative is exact even where elements are zero."""
    _no_out(out, "prod")
    a = _reduce_where(a, where, 1, "prod")
    out = _reduce(lax.reduce_prod, _promoted(a, promote_integers and dtype is None), axis, keepdims)
    if dtype is None and not promote_integers:
        out = _unpromoted(out, a)
    out = out if dtype is None else lax.convert_element_type(out, dtype)
    return _initial(out, initial, lax.mul, "prod")


def _nonempty(a: Any, axis: Any, name: str) -> Any:
    # lax.reduce_max/min of an empty axis is the identity (as XLA); NumPy and jax.numpy raise
    a = _arr(a)
    shape = _shape(a)
    if builtins.any(shape[i] == 0 for i in _axes(axis, len(shape))):
        raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
    return a


def _extremum(p_fn: Any, op: Any, name: str, a: Any, axis: Any, keepdims: bool, initial: Any, where: Any) -> Any:
    a = _arr(a)
    if where is not None:
        if initial is None:
            raise ValueError(f"reduction operation {name[1:]} does not have an identity, so to use a where mask "
                             "one has to specify 'initial'.")  # fmt: skip
        dt = get_aval(a).dtype
        big = np.inf if dt.kind in "fc" else (True if dt.kind == "b" else np.iinfo(dt).max)
        a = _reduce_where(a, where, big if name == "amin" else (-big if dt.kind != "b" else False), name[1:])
    elif initial is None:
        a = _nonempty(a, axis, "maximum" if name == "amax" else "minimum")
    return _initial(_reduce(p_fn, a, axis, keepdims), initial, op, name[1:])


def max(a: Any, axis: Any = None, out: None = None, keepdims: bool = False,  # noqa: A001
        initial: Any = None, where: Any = None) -> Any:  # fmt: skip
    """Maximum over ``axis``; tied elements share the derivative equally."""
    _no_out(out, "max")
    return _extremum(lax.reduce_max, lax.maximum, "amax", a, axis, keepdims, initial, where)


def min(a: Any, axis: Any = None, out: None = None, keepdims: bool = False,  # noqa: A001
        initial: Any = None, where: Any = None) -> Any:  # fmt: skip
    """Minimum over ``axis``; tied elements share the derivative equally."""
    _no_out(out, "min")
    return _extremum(lax.reduce_min, lax.minimum, "amin", a, axis, keepdims, initial, where)


amax, amin = max, min


def _where_count(a: Any, axes: tuple[int, ...], keepdims: bool, where: Any, dt: np.dtype) -> Any:
    """The number of elements the reduction over ``axes`` counts: a float, or with a mask an array."""
    shape = _shape(a)
    if where is None:
        return float(_count(shape, axes))
    w = _arr(where)
    if _shape(w) != shape:
        w = lax.broadcast_to(w, shape)
    return lax.reduce_sum(lax.convert_element_type(w, dt), axes, keepdims)


def _inexact_sum(a: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    dt = a.dtype if type(a) is np.ndarray or type(a) in _TRACER_TYPES else get_aval(a).dtype
    if dt.kind in "biu":  # summed in JAX's floating type for the integers
        a = lax.convert_element_type(a, inexact_dtype(dt))
    return lax.reduce_sum(a, axes, keepdims)


def mean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False, *,
         where: Any = None) -> Any:  # fmt: skip
    """Arithmetic mean over ``axis`` (of the elements ``where`` selects)."""
    _no_out(out, "mean")
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    if where is None:  # the common case: the count is a float
        out = lax.div(_inexact_sum(a, axes, keepdims), float(_count(shape, axes)))
    else:
        s = _inexact_sum(_reduce_where(a, where, 0, "mean"), axes, keepdims)
        out = lax.div(s, _where_count(a, axes, keepdims, where, get_aval(s).dtype))
    return out if dtype is None else lax.convert_element_type(out, dtype)


def _ddof(ddof: Any, correction: Any) -> Any:
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError("ddof and correction can't be provided simultaneously.")
    return correction


def var(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0, keepdims: bool = False, *,
        where: Any = None, mean: Any = None, correction: Any = None) -> Any:  # fmt: skip
    """Variance over ``axis`` with ``ddof`` (or ``correction``) delta degrees of freedom (real
    for complex ``a``, as JAX); ``where`` masks elements, ``mean`` is a precomputed mean."""
    _no_out(out, "var")
    ddof = _ddof(ddof, correction)
    a = _arr(a)
    if get_aval(a).dtype.kind in "biu":  # computed in JAX's floating type for the integers
        a = lax.convert_element_type(a, inexact_dtype(get_aval(a).dtype))
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    m = _mean(a, axes, keepdims=True, where=where) if mean is None else mean
    centered = _reduce_where(lax.sub(a, m), where, 0, "var")
    if get_aval(centered).dtype.kind == "c":  # as JAX: mean of |x - mean|^2, a real result
        re, im = real_part(centered), imag_part(centered)
        squares = lax.add(lax.mul(re, re), lax.mul(im, im))
    else:
        squares = lax.integer_pow(centered, 2)
    total = lax.reduce_sum(squares, axes, keepdims)
    if where is None:  # as JAX: NaN when there are no degrees of freedom left
        dof = _count(shape, axes) - ddof
        out = lax.div(total, float(dof) if dof > 0 else np.nan)
    else:
        dt = get_aval(total).dtype
        dof = lax.sub(_where_count(a, axes, keepdims, where, dt), float(ddof))
        none = lax.le(dof, np.asarray(0.0, dt))
        out = lax.div(lax.select(none, np.full((), np.nan, dt), total), lax.select(none, np.ones((), dt), dof))
    return out if dtype is None else lax.convert_element_type(out, dtype)


_mean = mean


def std(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0, keepdims: bool = False, *,
        where: Any = None, mean: Any = None, correction: Any = None) -> Any:  # fmt: skip
    """Standard deviation over ``axis`` (the square root of :func:`var`)."""
    _no_out(out, "std")
    return lax.sqrt(var(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean, correction=correction))


# --------------------------------------------------------------------------- argmax, any, all, counts


def _arg(p_fn: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    a = _arr(a)
    shape = _shape(a)
    if axis is None:
        flat = lax.reshape(a, (_count(shape, tuple(range(len(shape)))),)) if len(shape) != 1 else a
        out = p_fn(flat, 0)
        return lax.reshape(out, (1,) * len(shape)) if keepdims else out
    ax = _axis(axis, len(shape))
    out = p_fn(a, ax)
    return lax.reshape(out, shape[:ax] + (1,) + shape[ax + 1 :]) if keepdims else out


def argmax(a: Any, axis: Any = None, out: None = None, *, keepdims: bool = False) -> Any:
    """Index (int64) of the first maximum along ``axis`` (of the flattened array by default)."""
    _no_out(out, "argmax")
    return _arg(lax.argmax, a, axis, keepdims)


def argmin(a: Any, axis: Any = None, out: None = None, *, keepdims: bool = False) -> Any:
    """Index (int64) of the first minimum along ``axis`` (of the flattened array by default)."""
    _no_out(out, "argmin")
    return _arg(lax.argmin, a, axis, keepdims)


def _no_out(out: Any, name: str) -> None:
    if out is not None:
        raise NotImplementedError(f"functrans.numpy.{name} does not support out= (arrays are immutable); use out=None")


def _truth(a: Any) -> Any:
    return a if get_aval(a).dtype == np.dtype(bool) else lax.ne(a, 0)


def _logical_reduce(a: Any, axis: Any, keepdims: bool, empty: bool, fn: Any) -> Any:
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    if _count(shape, axes) == 0:  # the identity of or / and
        red = (
            tuple(1 if i in axes else d for i, d in enumerate(shape))
            if keepdims
            else tuple(d for i, d in enumerate(shape) if i not in axes)
        )
        return np.full(red, empty)
    return fn(_truth(a), axes, keepdims)


def any(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *, where: Any = None) -> Any:  # noqa: A001
    """Whether any element along ``axis`` (of those ``where`` selects) is true (nonzero)."""
    _no_out(out, "any")
    a = a if where is None else _reduce_where(_truth(_arr(a)), where, False, "any")
    return _logical_reduce(a, axis, keepdims, False, lax.reduce_max)


def all(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, *, where: Any = None) -> Any:  # noqa: A001
    """Whether every element along ``axis`` (of those ``where`` selects) is true (nonzero)."""
    _no_out(out, "all")
    a = a if where is None else _reduce_where(_truth(_arr(a)), where, True, "all")
    return _logical_reduce(a, axis, keepdims, True, lax.reduce_min)


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> Any:
    """The number (int64) of nonzero elements along ``axis``."""
    a = _arr(a)
    return lax.reduce_sum(lax.convert_element_type(_truth(a), np.int64), _axes(axis, len(_shape(a))), keepdims)


def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *, keepdims: bool = False) -> Any:
    """Weighted mean along ``axis``; with ``returned=True`` also the sum of the weights."""
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    if weights is None:
        avg = mean(a, axis, keepdims=keepdims)
        scl = np.asarray(float(_count(shape, axes)), get_aval(avg).dtype)
    else:
        w = _arr(weights)
        wshape = _shape(w)
        if wshape != shape:
            if axis is None:
                raise TypeError("Axis must be specified when shapes of a and weights differ.")
            if len(wshape) != 1 or len(axes) != 1:
                raise TypeError("1D weights expected when shapes of a and weights differ.")
            if wshape[0] != shape[axes[0]]:
                raise ValueError(f"Shape of weights {wshape} must be consistent with shape of a {shape} along axis.")
            w = lax.reshape(w, tuple(wshape[0] if i == axes[0] else 1 for i in range(len(shape))))
        adt = get_aval(a).dtype
        dt = np.result_type(inexact_dtype(adt), inexact_dtype(get_aval(w).dtype))
        wt = w if get_aval(w).dtype == dt else lax.convert_element_type(w, dt)
        if _shape(wt) != shape:
            wt = lax.broadcast_to(wt, shape)
        scl = lax.reduce_sum(wt, axes, keepdims)
        num = lax.reduce_sum(lax.mul(a, wt), axes, keepdims)
        avg = lax.div(num, scl)
    if not returned:
        return avg
    if _shape(scl) != _shape(avg):
        scl = lax.broadcast_to(scl, _shape(avg))
    return avg, scl


def ptp(a: Any, axis: Any = None, out: None = None, keepdims: bool = False) -> Any:
    """Range (maximum minus minimum) along ``axis``."""
    _no_out(out, "ptp")
    return lax.sub(max(a, axis, keepdims=keepdims), min(a, axis, keepdims=keepdims))


# --------------------------------------------------------------------------- ignoring NaNs


def _isnan(a: Any) -> Any:
    return lax.ne(a, a)


def _nan_replaced(a: Any, value: float) -> Any:
    a = _arr(a)
    if get_aval(a).dtype.kind not in "fc":
        return a
    return lax.select(_isnan(a), np.asarray(value, get_aval(a).dtype), a)


def nansum(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
           initial: Any = None, where: Any = None) -> Any:  # fmt: skip
    """Sum treating NaNs as zero."""
    _no_out(out, "nansum")
    return sum(_nan_replaced(a, 0.0), axis, dtype, None, keepdims, initial, where)


def nanprod(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            initial: Any = None, where: Any = None) -> Any:  # fmt: skip
    """Product treating NaNs as one."""
    _no_out(out, "nanprod")
    return prod(_nan_replaced(a, 1.0), axis, dtype, None, keepdims, initial, where)


def _not_nan(a: Any, where: Any) -> Any:
    """The elements that count: not NaN, and selected by ``where``."""
    keep = lax.eq(a, a)
    if where is not None:
        w = _arr(where)
        if get_aval(w).dtype != np.dtype(bool):
            raise ValueError(f"where must be None or a boolean array; got where.dtype={get_aval(w).dtype!r}.")
        keep = lax.logical_and(keep, w if _shape(w) == _shape(a) else lax.broadcast_to(w, _shape(a)))
    return keep


def nanmean(a: Any, axis: Any = None, dtype: Any = None, out: None = None, keepdims: bool = False,
            where: Any = None) -> Any:  # fmt: skip
    """Mean of the non-NaN elements (NaN where there are none)."""
    _no_out(out, "nanmean")
    a = _arr(a)
    if get_aval(a).dtype.kind not in "fc":
        return mean(a, axis, dtype, None, keepdims, where=where)
    axes = _axes(axis, len(_shape(a)))
    keep = _not_nan(a, where)
    total = lax.reduce_sum(lax.select(keep, a, np.zeros((), get_aval(a).dtype)), axes, keepdims)
    n = lax.reduce_sum(lax.convert_element_type(keep, get_aval(a).dtype), axes, keepdims)
    out_ = lax.div(total, n)
    return out_ if dtype is None else lax.convert_element_type(out_, dtype)


def nanvar(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0, keepdims: bool = False,
           where: Any = None, mean: Any = None) -> Any:  # fmt: skip
    """Variance of the non-NaN elements with ``ddof`` (NaN where fewer than ``ddof + 1``
    remain); NaN elements get a zero derivative, as in JAX."""
    _no_out(out, "nanvar")
    a = _arr(a)
    if get_aval(a).dtype.kind not in "fc":
        return var(a, axis, dtype, None, ddof, keepdims, where=where, mean=mean)
    axes = _axes(axis, len(_shape(a)))
    keep = _not_nan(a, where)
    zero = np.asarray(0.0, get_aval(a).dtype)
    m = nanmean(a, axes, keepdims=True, where=where) if mean is None else mean
    centered = lax.select(keep, lax.sub(a, m), zero)
    if get_aval(centered).dtype.kind == "c":
        re, im = real_part(centered), imag_part(centered)
        squares = lax.add(lax.mul(re, re), lax.mul(im, im))
    else:
        squares = lax.integer_pow(centered, 2)
    total = lax.reduce_sum(squares, axes, keepdims)
    dt = get_aval(total).dtype
    dof = lax.sub(lax.reduce_sum(lax.convert_element_type(keep, dt), axes, keepdims), float(ddof))
    none_left = lax.le(dof, np.asarray(0.0, dt))
    res = lax.div(lax.select(none_left, np.asarray(np.nan, dt), total), lax.select(none_left, np.asarray(1.0, dt), dof))
    return res if dtype is None else lax.convert_element_type(res, dtype)


def nanstd(a: Any, axis: Any = None, dtype: Any = None, out: None = None, ddof: int = 0, keepdims: bool = False,
           where: Any = None, mean: Any = None) -> Any:  # fmt: skip
    """Standard deviation of the non-NaN elements (the square root of :func:`nanvar`)."""
    _no_out(out, "nanstd")
    return lax.sqrt(nanvar(a, axis, dtype, None, ddof, keepdims, where, mean))


def _nan_extremum(a: Any, axis: Any, keepdims: bool, initial: Any, where: Any, fn: Any, name: str) -> Any:
    a = _arr(a)
    if get_aval(a).dtype.kind not in "fc":
        return fn(a, axis, None, keepdims, initial, where)
    fill = -np.inf if fn is max else np.inf
    if where is not None:
        if initial is None:
            raise ValueError(f"reduction operation {name} does not have an identity, so to use a where mask "
                             "one has to specify 'initial'.")  # fmt: skip
        a = _reduce_where(a, where, np.nan, name)
    red = fn(_nan_replaced(a, fill), axis, None, keepdims, initial)
    if initial is not None:
        return red
    axes = _axes(axis, len(_shape(a)))
    all_nan = lax.reduce_min(_isnan(a), axes, keepdims) if _count(_shape(a), axes) else False
    return lax.select(all_nan, np.asarray(np.nan, get_aval(a).dtype), red)


def nanmax(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
           where: Any = None) -> Any:  # fmt: skip
    """Maximum ignoring NaNs (NaN where all are NaN); ties share the derivative."""
    _no_out(out, "nanmax")
    return _nan_extremum(a, axis, keepdims, initial, where, max, "nanmax")


def nanmin(a: Any, axis: Any = None, out: None = None, keepdims: bool = False, initial: Any = None,
           where: Any = None) -> Any:  # fmt: skip
    """Minimum ignoring NaNs (NaN where all are NaN); ties share the derivative."""
    _no_out(out, "nanmin")
    return _nan_extremum(a, axis, keepdims, initial, where, min, "nanmin")


# --------------------------------------------------------------------------- cumulative


def _cumulative(fn: Any, a: Any, axis: Any, dtype: Any) -> Any:
    a = _arr(a)
    if axis is None:
        a = lax.reshape(a, (_count(_shape(a), tuple(range(len(_shape(a))))),))
        axis = 0
    if dtype is not None:
        a = lax.convert_element_type(a, dtype)
    return fn(a, _axis(axis, len(_shape(a))))


def cumsum(a: Any, axis: Any = None, dtype: Any = None, out: None = None) -> Any:
    """Cumulative sum along ``axis`` (of the flattened array if ``axis`` is None)."""
    _no_out(out, "cumsum")
    return _cumulative(lax.cumsum, a, axis, dtype)


def cumprod(a: Any, axis: Any = None, dtype: Any = None, out: None = None) -> Any:
    """Cumulative product along ``axis``; derivatives exact through zeros (as JAX)."""
    _no_out(out, "cumprod")
    return _cumulative(lax.cumprod, a, axis, dtype)


def nancumsum(a: Any, axis: Any = None, dtype: Any = None, out: None = None) -> Any:
    """Cumulative sum treating NaNs as zero."""
    _no_out(out, "nancumsum")
    return cumsum(_nan_replaced(a, 0.0), axis, dtype)


def nancumprod(a: Any, axis: Any = None, dtype: Any = None, out: None = None) -> Any:
    """Cumulative product treating NaNs as one."""
    _no_out(out, "nancumprod")
    return cumprod(_nan_replaced(a, 1.0), axis, dtype)


# --------------------------------------------------------------------------- order statistics


def _sorted_last(a: Any, axis: Any) -> tuple[Any, tuple[int, ...], tuple[int, ...]]:
    """``a`` with the reduced axes merged into one last axis, sorted along it; the axes and
    the shape of the result with those axes dropped."""
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    perm = kept + axes
    if perm != tuple(range(len(shape))):
        a = lax.transpose(a, perm)
    kept_shape = tuple(shape[i] for i in kept)
    n = _count(shape, axes)
    if len(axes) != 1:
        a = lax.reshape(a, kept_shape + (n,))
    return lax.sort(a, len(kept_shape)), axes, kept_shape


def _concrete_q(q: Any, name: str) -> np.ndarray:
    if isinstance(q, Tracer):
        q = q._trace.concrete(q, f"{name}'s q (the quantiles)")
    return np.asarray(q, dtype=np.float64)


def _take_last(s: Any, k: int) -> Any:
    nd = len(_shape(s))
    return lax.index(s, (slice(None),) * (nd - 1) + (int(k),))


def _lerp(lo: Any, hi: Any, t: Any, t_value: float) -> Any:
    # NumPy's formula (exact at both ends, monotone); t is a Python float (weakly typed, for
    # a Python-scalar q), a typed 0-d array (promoting as NumPy's gamma does) or traced (a
    # traced q: the result is differentiable in q); t_value is its concrete value
    diff = lax.sub(hi, lo)
    if t_value >= 0.5:
        if isinstance(t, float):
            one_minus = 1.0 - t
        elif isinstance(t, Tracer):
            one_minus = lax.sub(1.0, t)
        else:
            one_minus = np.asarray(1 - t, t.dtype)
        return lax.sub(hi, lax.mul(diff, one_minus))
    return lax.add(lo, lax.mul(diff, t))


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(
    a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
    method: str = "linear", keepdims: bool = False, *, interpolation: Any = None,
) -> Any:  # fmt: skip
    """The ``q``-th quantiles along ``axis`` (q in [0, 1]), NumPy's methods linear (default),
    lower, higher, midpoint and nearest. NaN if the data hold a NaN. The derivative goes to
    the order statistics used (stable order among ties, as JAX); with the linear method the
    result is differentiable in ``q`` too. ``q`` must be concrete (not under jit or vmap)."""
    _no_out(out, "quantile")
    if method not in _METHODS:
        raise ValueError(f"functrans.numpy.quantile: method must be one of {_METHODS}, got {method!r}")
    weak_q = isinstance(q, int | float) and not isinstance(q, bool)
    q = _arr(q)
    traced_q = q if isinstance(q, Tracer) else None
    qa = _concrete_q(q, "quantile")
    if not ((qa >= 0) & (qa <= 1)).all():
        raise ValueError("Quantiles must be in the range [0, 1]")
    a = _arr(a)
    dt = get_aval(a).dtype
    _no_complex(dt, "quantile")
    if dt.kind not in "fc" and method not in ("lower", "higher", "nearest"):
        dt = inexact_dtype(dt)
        a = lax.convert_element_type(a, dt)
    # as NumPy: a Python-scalar q takes the data's dtype, an array q promotes with it
    out_dt = dt if weak_q else np.result_type(dt, get_aval(q).dtype)
    shape = _shape(a)
    s, axes, kept_shape = _sorted_last(a, axis)
    n = _count(shape, axes)
    if n == 0:
        raise ValueError("cannot compute a quantile of an empty array")
    has_nan = _isnan(_take_last(s, n - 1)) if get_aval(s).dtype.kind in "fc" else None
    if method in ("lower", "higher", "nearest"):
        out_dt = get_aval(s).dtype  # an element of the data: no interpolation, no promotion
    results = []
    for k, qv in enumerate(qa.ravel()):
        virtual = float(qv) * (n - 1)
        lo = int(np.floor(virtual))
        hi = builtins.min(lo + 1, n - 1)
        if method == "lower":
            r = _take_last(s, lo)
        elif method == "higher":
            r = _take_last(s, int(np.ceil(virtual)))
        elif method == "nearest":  # as JAX: a tie (fraction 0.5) takes the lower (NumPy: the even)
            r = _take_last(s, lo if virtual - lo <= 0.5 else hi)
        else:
            g = (0.0 if lo == virtual else 0.5) if method == "midpoint" else virtual - lo
            # a Python float for a Python-scalar q (weakly typed), else typed as NumPy's gamma
            gamma: Any = g if weak_q else np.asarray(g, out_dt)
            if traced_q is not None and method == "linear":
                qk = (
                    traced_q
                    if qa.ndim == 0
                    else lax.index(traced_q, tuple(int(i) for i in np.unravel_index(k, qa.shape)))
                )
                gamma = lax.sub(lax.mul(qk, float(n - 1)), float(lo))
                r = _lerp(_take_last(s, lo), _take_last(s, hi), gamma, g)
            else:
                r = _take_last(s, lo) if g == 0 else _lerp(_take_last(s, lo), _take_last(s, hi), gamma, g)
        if get_aval(r).dtype != out_dt:
            r = lax.convert_element_type(r, out_dt)
        results.append(lax.select(has_nan, np.asarray(np.nan, out_dt), r) if out_dt.kind in "fc" else r)
    kshape = tuple(1 if i in axes else d for i, d in enumerate(shape)) if keepdims else kept_shape
    outs = [lax.reshape(r, kshape) if _shape(r) != kshape else r for r in results]
    if qa.ndim == 0:
        return outs[0]
    stacked = (
        lax.concatenate([lax.reshape(o, (1,) + kshape) for o in outs], 0)
        if len(outs) > 1
        else lax.reshape(outs[0], (1,) + kshape)
    )
    return lax.reshape(stacked, qa.shape + kshape)


def percentile(
    a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
    method: str = "linear", keepdims: bool = False, *, interpolation: Any = None,
) -> Any:  # fmt: skip
    """The ``q``-th percentiles (q in [0, 100]): :func:`quantile` of ``q / 100``."""
    q = _arr(q)
    qa = _concrete_q(q, "percentile")
    if not ((qa >= 0) & (qa <= 100)).all():
        raise ValueError("Percentiles must be in the range [0, 100]")
    if isinstance(q, Tracer):
        q100: Any = lax.div(q, 100.0)
    elif isinstance(q, int | float) and not isinstance(q, bool):
        q100 = float(qa) / 100
    else:
        q100 = np.true_divide(qa, 100)
    return quantile(a, q100, axis, out, overwrite_input, method, keepdims)


def _no_complex(dt: np.dtype, fname: str) -> None:
    if dt.kind == "c":  # as JAX (ValueError): complex numbers have no order to take quantiles in
        raise ValueError(f"{fname} does not support complex input, as the operation is poorly defined.")


def median(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False, keepdims: bool = False) -> Any:
    """Median along ``axis``: the mean of the two middle values for an even count
    (each gets half the derivative); NaN if the data hold a NaN."""
    _no_out(out, "median")
    a = _arr(a)
    _no_complex(get_aval(a).dtype, "median")
    shape = _shape(a)
    s, axes, kept_shape = _sorted_last(a, axis)
    n = _count(shape, axes)
    if n == 0:
        raise OperandError("cannot compute the median of an empty array")
    if get_aval(s).dtype.kind not in "fc":
        s = lax.convert_element_type(s, inexact_dtype(get_aval(s).dtype))
    if n % 2:
        r = _take_last(s, n // 2)
    else:
        r = lax.div(lax.add(_take_last(s, n // 2 - 1), _take_last(s, n // 2)), 2.0)
    r = lax.select(_isnan(_take_last(s, n - 1)), np.asarray(np.nan, get_aval(r).dtype), r)
    if keepdims:
        r = lax.reshape(r, tuple(1 if i in axes else d for i, d in enumerate(shape)))
    return r
