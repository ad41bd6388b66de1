"""Statistics in ``functrans.numpy``: cov, corrcoef, nanargmax, nanargmin, nanmedian,
nanquantile, nanpercentile, histogram2d, histogramdd.

All are built on other ``functrans.numpy`` functions, so they are differentiable, batchable
and traceable. Results follow ``jax.numpy`` (x64): integer inputs are promoted to float64;
``cov`` squeezes a 1x1 result to a scalar; ``corrcoef`` clips to [-1, 1]; the NaN-ignoring
quantiles take their indices from the count of non-NaN values (so they work under jit and
vmap, with ``q`` traced too); histogram counts without weights are integers, as JAX's.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.families import FAMILIES as fnp
from functrans._src.numpy.util import _arr, _axes, _shape

_range = range  # the builtin, for functions whose range= argument hides it

__all__ = [
    "cov", "corrcoef", "nanargmax", "nanargmin", "nanmedian", "nanquantile", "nanpercentile",
    "histogram2d", "histogramdd",
]  # fmt: skip


def _inexact(x: Any) -> Any:
    """``x`` as an array of a floating (or complex) dtype: integers and bools become float64."""
    x = fnp.asarray(x)
    return x if get_aval(x).dtype.kind in "fc" else lax.convert_element_type(x, np.float64)


def _check_dtype(dtype: Any, name: str) -> None:
    if dtype is not None and np.dtype(dtype).kind not in "fc":
        raise ValueError(f"{name}: dtype must be a subclass of float or complex; got dtype={np.dtype(dtype)}")


def _weights(w: Any, n: int, what: str) -> Any:
    w = fnp.asarray(w)
    if len(_shape(w)) > 1:
        raise RuntimeError(f"cannot handle multidimensional {what}")
    if _shape(w)[0] != n:
        raise RuntimeError(f"incompatible numbers of samples and {what}")
    return w


def cov(m: Any, y: Any = None, rowvar: bool = True, bias: bool = False, ddof: int | None = None,
        fweights: Any = None, aweights: Any = None, dtype: Any = None) -> Any:  # fmt: skip
    """The (weighted) sample covariance matrix of the variables in the rows of ``m`` (columns
    if not ``rowvar``), with ``y``'s variables appended; normalised by ``N - ddof`` (``ddof``
    defaults to 1, or 0 with ``bias``). A single variable gives a scalar. As ``jnp.cov``."""
    if y is not None:
        dt = np.result_type(get_aval(_arr(m)).dtype, get_aval(_arr(y)).dtype)
        if dt.kind not in "fc":
            dt = np.dtype(np.float64)
        m, y = (lax.convert_element_type(fnp.asarray(v), dt) for v in (m, y))
        if len(_shape(y)) > 2:
            raise ValueError("y has more than 2 dimensions")
    else:
        m = _inexact(m)
    if len(_shape(m)) > 2:
        raise ValueError("m has more than 2 dimensions")
    _check_dtype(dtype, "cov")
    x = fnp.atleast_2d(m)
    if not rowvar and len(_shape(m)) != 1:
        x = fnp.transpose(x)
    if _shape(x)[0] == 0:
        return np.zeros((0, 0), np.float64)
    if y is not None:
        y2 = fnp.atleast_2d(y)
        if not rowvar and _shape(y2)[0] != 1:
            y2 = fnp.transpose(y2)
        x = fnp.concatenate([x, y2], axis=0)
    nvar, nobs = _shape(x)
    if nobs == 0:
        return fnp.full(() if nvar == 1 else (nvar, nvar), np.nan, dtype=get_aval(x).dtype)
    if ddof is None:
        ddof = 0 if bias else 1
    w = None
    if fweights is not None:
        fw = _weights(fweights, nobs, "fweights")
        if get_aval(fw).dtype.kind not in "iu":
            raise TypeError("fweights must be integer.")
        w = fnp.abs(fw)  # as JAX: negative weights count by their magnitude (NumPy raises)
    aw = None
    if aweights is not None:
        aw = fnp.abs(_weights(aweights, nobs, "aweights"))
        w = aw if w is None else w * aw
    if dtype is not None:
        x = fnp.asarray(x, dtype=dtype)
        w = None if w is None else fnp.asarray(w, dtype=dtype)
    if w is None:
        avg = fnp.mean(x, axis=1)
        f: Any = nobs - ddof
    else:
        avg, w_sum = fnp.average(x, axis=1, weights=w, returned=True)
        w_sum = w_sum[0]
        if ddof == 0:
            f = w_sum
        elif aw is None:
            f = w_sum - ddof
        else:
            f = w_sum - ddof * fnp.sum(w * aw) / w_sum
    x = x - avg[:, None]
    xt = fnp.transpose(x if w is None else x * w)
    return fnp.squeeze(fnp.true_divide(fnp.dot(x, fnp.conj(xt)), f))


def corrcoef(x: Any, y: Any = None, rowvar: bool = True, dtype: Any = None) -> Any:
    """Pearson correlation coefficients: :func:`cov` normalised by the standard deviations,
    clipped to [-1, 1] (real and imaginary parts separately). As ``jnp.corrcoef``."""
    _check_dtype(dtype, "corrcoef")
    c = cov(x, y, rowvar, dtype=dtype)
    if _shape(c) == ():
        return fnp.divide(c, c)  # NaN for 0/0, inf/inf, NaN; else 1
    dt = get_aval(c).dtype
    sd = fnp.asarray(fnp.sqrt(fnp.real(fnp.diag(c))), dtype=dt)
    c = c / sd[:, None] / sd[None, :]
    re = fnp.clip(fnp.real(c), -1, 1)
    if dt.kind == "c":
        return lax.complex(re, fnp.clip(fnp.imag(c), -1, 1))
    return re


# --------------------------------------------------------------------------- NaN-ignoring


def _nanarg(a: Any, axis: Any, out: Any, keepdims: Any, name: str, fill: float, fn: Any) -> Any:
    if out is not None:
        raise NotImplementedError(f"The 'out' argument to functrans.numpy.{name} is not supported.")
    a = fnp.asarray(a)
    axis = None if axis is None else int(axis.__index__())
    keepdims = bool(keepdims)
    if get_aval(a).dtype.kind not in "fc":
        return fn(a, axis=axis, keepdims=keepdims)
    nan = fnp.isnan(a)
    res = fn(fnp.where(nan, fill, a), axis=axis, keepdims=keepdims)
    return fnp.where(fnp.all(nan, axis=axis, keepdims=keepdims), -1, res)


def nanargmax(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """Index of the largest non-NaN element along ``axis``; -1 where all are NaN (as JAX;
    NumPy raises)."""
    return _nanarg(a, axis, out, keepdims, "nanargmax", -np.inf, fnp.argmax)


def nanargmin(a: Any, axis: int | None = None, out: None = None, keepdims: bool | None = None) -> Any:
    """Index of the smallest non-NaN element along ``axis``; -1 where all are NaN (as JAX;
    NumPy raises)."""
    return _nanarg(a, axis, out, keepdims, "nanargmin", np.inf, fnp.argmin)


_NAN_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _nanquantile(a: Any, q: Any, axis: Any, method: str, keepdims: bool, name: str) -> Any:
    if method not in _NAN_METHODS:
        raise ValueError(f"{name}: method must be one of {_NAN_METHODS}, got {method!r}")
    a = _inexact(a)
    dt = get_aval(a).dtype
    if dt.kind == "c":
        raise ValueError("quantile does not support complex input, as the operation is poorly defined.")
    q = fnp.asarray(q)
    if len(_shape(q)) > 1:
        raise ValueError(f"q must be have rank <= 1, got shape {_shape(q)}")
    qdt = get_aval(q).dtype if get_aval(q).dtype.kind == "f" else np.dtype(np.float64)
    q = lax.convert_element_type(q, qdt)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    kept = tuple(i for i in range(len(shape)) if i not in axes)
    kept_shape = tuple(shape[i] for i in kept)
    n = math.prod(shape[i] for i in axes)
    x = fnp.reshape(fnp.transpose(a, kept + axes), kept_shape + (n,))
    s = lax.sort(fnp.where(fnp.isnan(x), np.nan, x), len(kept_shape))  # NaNs last
    counts = fnp.sum(fnp.logical_not(fnp.isnan(s)), axis=-1, dtype=qdt)
    qe = fnp.reshape(q, _shape(q) + (1,) * len(kept_shape))
    pos = qe * (counts - 1)
    low, high = fnp.floor(pos), fnp.ceil(pos)
    hw = pos - low
    lw = 1 - hw
    top = counts - 1
    low = fnp.asarray(fnp.maximum(0, fnp.minimum(low, top)), dtype=np.int64)
    high = fnp.asarray(fnp.maximum(0, fnp.minimum(high, top)), dtype=np.int64)
    out_shape = _shape(pos)
    sb = fnp.broadcast_to(s, out_shape + (n,))
    lo_v = fnp.take_along_axis(sb, low[..., None], -1)[..., 0]
    hi_v = fnp.take_along_axis(sb, high[..., None], -1)[..., 0]
    if method == "linear":
        r = lo_v * lw + hi_v * hw
    elif method == "lower":
        r = lo_v
    elif method == "higher":
        r = hi_v
    elif method == "nearest":  # as JAX: a 0.5 fraction takes the lower
        r = fnp.where(hw <= 0.5, lo_v, hi_v)
    else:
        r = (lo_v + hi_v) * 0.5
    r = lax.convert_element_type(r, dt)
    if keepdims:
        r = fnp.reshape(r, _shape(q) + tuple(1 if i in axes else d for i, d in enumerate(shape)))
    return r


def _no_extras(out: Any, overwrite_input: bool, weights: Any, name: str) -> None:
    if overwrite_input or out is not None:
        raise ValueError(f"functrans.numpy.{name} does not support overwrite_input=True or out != None")
    if weights is not None:
        raise NotImplementedError(f"functrans.numpy.{name}: weights= (method 'inverted_cdf') is not supported")


def nanquantile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
                method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:  # fmt: skip
    """The ``q``-th quantiles (q in [0, 1]) of the non-NaN elements along ``axis``; NaN where
    all are NaN. The derivative goes to the order statistics used (and to ``q``)."""
    _no_extras(out, overwrite_input, weights, "nanquantile")
    return _nanquantile(a, q, axis, method, keepdims, "nanquantile")


def nanpercentile(a: Any, q: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
                  method: str = "linear", keepdims: bool = False, *, weights: Any = None) -> Any:  # fmt: skip
    """The ``q``-th percentiles (q in [0, 100]) of the non-NaN elements: :func:`nanquantile`
    of ``q / 100``."""
    _no_extras(out, overwrite_input, weights, "nanpercentile")
    return _nanquantile(a, _inexact(q) / 100, axis, method, keepdims, "nanpercentile")


def nanmedian(a: Any, axis: Any = None, out: None = None, overwrite_input: bool = False,
              keepdims: bool = False) -> Any:  # fmt: skip
    """The median of the non-NaN elements along ``axis`` (:func:`nanquantile` at 0.5)."""
    _no_extras(out, overwrite_input, None, "nanmedian")
    return _nanquantile(a, 0.5, axis, "linear", keepdims, "nanmedian")


# --------------------------------------------------------------------------- histograms


def histogramdd(sample: Any, bins: Any = 10, range: Any = None, weights: Any = None,  # noqa: A002
                density: bool | None = None) -> tuple[Any, list[Any]]:  # fmt: skip
    """The multidimensional histogram of the ``(N, D)`` points ``sample``: ``(hist, edges)``
    with one list entry of edges per dimension (``bins`` a count, edges, or one per
    dimension). Counts are integers without weights, as JAX's."""
    from functrans._src.numpy.packing import ravel_multi_index
    from functrans._src.numpy.signal_poly import bincount, histogram_bin_edges

    sample = _inexact(sample)
    if weights is not None:
        weights = fnp.asarray(weights)
        if _shape(weights) != _shape(sample)[:1]:
            raise ValueError("should have one weight for each sample.")
        dt = np.result_type(get_aval(sample).dtype, get_aval(weights).dtype)
        sample, weights = lax.convert_element_type(sample, dt), lax.convert_element_type(weights, dt)
    if len(_shape(sample)) != 2:
        raise ValueError(f"histogramdd: sample must be a 2-d array of shape (N, D), got shape {_shape(sample)}")
    n, d = _shape(sample)
    if range is not None and (len(range) != d or any(r is not None and np.shape(r)[0] != 2 for r in range)):
        raise ValueError(
            f"For sample.shape={(n, d)}, range must be a sequence of {d} pairs or Nones; got range={range}"
        )
    try:
        per_dim = list(bins)
    except TypeError:  # one count (or edges) for every dimension
        per_dim = [bins] * d
    else:
        if len(per_dim) != d:
            raise ValueError("should be a bin for each dimension.")
    idx, edges = [], []
    for i in _range(d):
        col = sample[:, i]
        e = histogram_bin_edges(col, per_dim[i], None if range is None else range[i], weights)
        k = fnp.searchsorted(e, col, side="right")
        idx.append(fnp.where(col == e[-1], k - 1, k))
        edges.append(e)
    nbins = tuple(_shape(e)[0] + 1 for e in edges)
    flat = ravel_multi_index(tuple(idx), nbins, mode="clip")
    hist = fnp.reshape(bincount(flat, weights, length=math.prod(nbins)), nbins)
    hist = hist[(slice(1, -1),) * d]
    if density:
        hist = fnp.asarray(hist, dtype=get_aval(sample).dtype)
        hist = hist / fnp.sum(hist)
        for i, e in enumerate(edges):
            hist = hist / fnp.reshape(fnp.diff(e), tuple(-1 if j == i else 1 for j in _range(d)))
    return hist, edges



def histogram2d(x: Any, y: Any, bins: Any = 10, range: Any = None, weights: Any = None,  # noqa: A002
                density: bool | None = None) -> tuple[Any, Any, Any]:  # fmt: skip
    """The two-dimensional histogram of the points ``(x[i], y[i])``: ``(hist, xedges, yedges)``
    (:func:`histogramdd` of the stacked points)."""
    x, y = fnp.asarray(x), fnp.asarray(y)
    try:
        nb = len(bins)
    except TypeError:
        nb = 1
    if nb not in (1, 2):
        e = fnp.asarray(bins)
        bins = [e, e]
    hist, edges = histogramdd(fnp.transpose(fnp.stack([x, y])), bins, range, weights, density)
    return hist, edges[0], edges[1]
