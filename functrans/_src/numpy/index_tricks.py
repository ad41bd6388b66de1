"""Index helpers and selections of ``functrans.numpy``: indices, tril/triu/diag_indices
(and ``*_from``), unravel_index, lexsort, argpartition, piecewise, isin, compress, extract,
put, fill_diagonal, geomspace, cumulative_sum.

Index constructors return constant integer arrays (as NumPy, int64); the others are built on
traceable ``functrans.numpy`` functions, with JAX's semantics where it differs from NumPy
(``put``/``fill_diagonal`` need ``inplace=False``; ``unravel_index`` clamps out-of-bound
indices; ``argpartition`` orders its two parts as JAX's does).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.array import Array
from functrans._src.numpy.families import FAMILIES
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = [
    "indices", "tril_indices", "triu_indices", "tril_indices_from", "triu_indices_from", "diag_indices",
    "diag_indices_from", "unravel_index", "lexsort", "argpartition", "piecewise", "isin", "compress", "extract",
    "put", "fill_diagonal", "geomspace", "cumulative_sum",
]  # fmt: skip


def _ns() -> Any:
    return FAMILIES


def _const(t: tuple[np.ndarray, ...]) -> tuple[Any, ...]:
    return tuple(np.asarray(a).view(Array) for a in t)


def indices(dimensions: Any, dtype: Any = int, sparse: bool = False) -> Any:
    """A grid of indices (``numpy.indices``)."""
    out = np.indices(tuple(dimensions), dtype=dtype, sparse=sparse)
    return _const(out) if sparse else np.asarray(out).view(Array)


def tril_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Any, ...]:
    """Row and column indices of the lower triangle of an (n, m) array."""
    return _const(np.tril_indices(n, k, m))


def triu_indices(n: int, k: int = 0, m: int | None = None) -> tuple[Any, ...]:
    """Row and column indices of the upper triangle of an (n, m) array."""
    return _const(np.triu_indices(n, k, m))


def tril_indices_from(arr: Any, k: int = 0) -> tuple[Any, ...]:
    """:func:`tril_indices` for the shape of the 2-d ``arr``."""
    s = _shape(_arr(arr))
    if len(s) != 2:
        raise ValueError("input array must be 2-d")
    return tril_indices(s[0], k, s[1])


def triu_indices_from(arr: Any, k: int = 0) -> tuple[Any, ...]:
    """:func:`triu_indices` for the shape of the 2-d ``arr``."""
    s = _shape(_arr(arr))
    if len(s) != 2:
        raise ValueError("input array must be 2-d")
    return triu_indices(s[0], k, s[1])


def diag_indices(n: int, ndim: int = 2) -> tuple[Any, ...]:
    """Indices of the main diagonal of an n x ... x n array."""
    if n < 0:
        raise ValueError(f"n argument to diag_indices must be nonnegative, got {n}")
    if ndim < 0:
        raise ValueError(f"ndim argument to diag_indices must be nonnegative, got {ndim}")
    return _const(np.diag_indices(n, ndim))


def diag_indices_from(arr: Any) -> tuple[Any, ...]:
    """:func:`diag_indices` for ``arr`` (at least 2-d, all sides equal)."""
    s = _shape(_arr(arr))
    if len(s) < 2:
        raise ValueError("input array must be at least 2-d")
    if len(set(s)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    return diag_indices(s[0], len(s))


def unravel_index(indices: Any, shape: Any) -> tuple[Any, ...]:
    """Flat indices to coordinate arrays; negative indices count from the end and out-of-bound
    ones are clamped (as JAX; NumPy raises)."""
    fnp = _ns()
    i = _arr(indices)
    if get_aval(i).dtype.kind not in "iu":
        raise TypeError("unravel_index: indices must be integers")
    shape = tuple(int(d) for d in np.atleast_1d(shape))
    size = math.prod(shape)
    i = fnp.where(i < 0, i + size, i)
    i = fnp.clip(i, 0, max(size - 1, 0))
    out = []
    for d in reversed(shape):
        out.append(i % d)
        i = i // d
    return tuple(reversed(out))


def lexsort(keys: Any, axis: int = -1) -> Any:
    """Indices sorting by several keys, the last key primary (stable)."""
    ks = [_arr(k) for k in keys] if not hasattr(keys, "shape") else [_arr(keys)[i] for i in range(_shape(keys)[0])]
    if not ks:
        raise TypeError("need sequence of keys with len > 0 in lexsort")
    shape = _shape(ks[0])
    if any(_shape(k) != shape for k in ks):
        raise ValueError("all keys need to be the same shape")
    if not shape:
        return np.zeros((), np.int64)
    ax = _axis(axis, len(shape))
    iota = lax.iota_along(shape, ax)
    return lax.sort(ks[::-1] + [iota], ax, num_keys=len(ks))[-1]


def argpartition(a: Any, kth: int, axis: int = -1) -> Any:
    """Indices (int32, as JAX) that partition ``a`` at ``kth``: as JAX, those of the kth+1
    smallest in ascending order, then the others in increasing index order."""
    a = _arr(a)
    nd = len(_shape(a))
    if nd == 0:
        raise ValueError("argpartition: a must have at least one dimension")
    ax = _axis(axis, nd)
    n = _shape(a)[ax]
    k = int(kth)
    if not -n <= k < n:
        raise ValueError(f"kth(={k}) out of bounds ({n})")
    k %= n
    moved = lax.moveaxis(a, ax, nd - 1)
    low = lax.index(lax.argsort(moved, nd - 1), (Ellipsis, slice(0, k + 1)))
    parts = [lax.convert_element_type(low, np.int32)]
    if n - k - 1:  # as JAX: the other indices in increasing order (top_k of a 0/1 proxy)
        fnp = _ns()
        taken = fnp.any(fnp.expand_dims(low, -1) == np.arange(n), axis=-2)
        parts.append(lax.top_k(fnp.where(taken, 0, 1), n - k - 1)[1])
    return lax.moveaxis(lax.concatenate(parts, nd - 1), nd - 1, ax)


def piecewise(x: Any, condlist: Any, funclist: Any, *args: Any, **kw: Any) -> Any:
    """``funclist[i](x)`` (or a constant) where ``condlist[i]`` holds, later conditions winning;
    an extra last function applies where none holds; 0 elsewhere."""
    fnp = _ns()
    x = _arr(x)
    conds = [_arr(c) for c in condlist] if isinstance(condlist, list | tuple) else [_arr(condlist)]
    if len(_shape(x)) == 0 and conds and len(_shape(conds[0])) == 1 and _shape(conds[0])[0] == 1:
        conds = [fnp.reshape(c, ()) for c in conds]
    nc, nf = len(conds), len(funclist)
    if nf not in (nc, nc + 1):
        raise ValueError(f"with {nc} condition(s), either {nc} or {nc + 1} functions are expected")

    def value(f: Any) -> Any:
        return f(x, *args, **kw) if callable(f) else f

    out = fnp.zeros_like(x)
    if nf == nc + 1:
        none = fnp.logical_not(fnp.any(fnp.stack([fnp.asarray(c, dtype=bool) for c in conds]), axis=0)) if nc else True
        out = fnp.where(none, fnp.astype(fnp.asarray(value(funclist[-1])), x.dtype), out)
    for c, f in zip(conds, funclist[:nc]):
        out = fnp.where(fnp.asarray(c, dtype=bool), fnp.astype(fnp.asarray(value(f)), x.dtype), out)
    return out


def isin(element: Any, test_elements: Any, assume_unique: bool = False, invert: bool = False, *,
         method: str = "auto") -> Any:  # fmt: skip
    """Whether each element of ``element`` is in ``test_elements`` (boolean, ``element``'s shape)."""
    fnp = _ns()
    e = _arr(element)
    t = fnp.ravel(_arr(test_elements))
    if _shape(t)[0] == 0:
        found = fnp.zeros(_shape(e), bool)
    else:
        found = fnp.any(fnp.expand_dims(e, -1) == t, axis=-1)
    return fnp.logical_not(found) if invert else found


def compress(condition: Any, a: Any, axis: int | None = None, *, size: int | None = None,
             fill_value: Any = 0, out: None = None) -> Any:  # fmt: skip
    """The slices of ``a`` along ``axis`` where ``condition`` (1-d, may be shorter) is true."""
    fnp = _ns()
    if out is not None:
        raise NotImplementedError("compress: out= is not supported")
    c = fnp.ravel(_arr(condition))
    a = _arr(a)
    if axis is None:
        a, axis = fnp.ravel(a), 0
    ax = _axis(axis, len(_shape(a)))
    n = _shape(a)[ax]
    if _shape(c)[0] > n:
        raise ValueError(f"compress: condition of length {_shape(c)[0]} is longer than axis {ax} ({n})")
    a = fnp.moveaxis(a, ax, 0)
    a = lax.index(a, (slice(0, _shape(c)[0]),))
    (idx,) = fnp.nonzero(c, size=size, fill_value=0)
    res = fnp.take(a, idx, axis=0)
    if size is not None:
        valid = fnp.arange(size) < fnp.sum(fnp.astype(c, np.int64))
        res = fnp.where(fnp.reshape(valid, (size,) + (1,) * (len(_shape(res)) - 1)), res,
                        fnp.astype(fnp.asarray(fill_value), res.dtype))  # fmt: skip
    return fnp.moveaxis(res, 0, ax)


def extract(condition: Any, arr: Any, *, size: int | None = None, fill_value: Any = 0) -> Any:
    """The elements of ``arr`` where ``condition`` is true (both flattened)."""
    fnp = _ns()
    return compress(fnp.ravel(fnp.asarray(condition, dtype=bool)), fnp.ravel(_arr(arr)), size=size,
                    fill_value=fill_value)  # fmt: skip


def put(a: Any, ind: Any, v: Any, mode: str | None = None, *, inplace: bool = True) -> Any:
    """``a`` with the flat positions ``ind`` set to ``v``; JAX arrays are immutable, so (as JAX)
    ``inplace=False`` is required. ``mode``: None/'clip' clamp, 'wrap' wraps."""
    fnp = _ns()
    if inplace:
        raise ValueError("functrans.numpy.put cannot modify arrays in place; use inplace=False (as in JAX)")
    a = _arr(a)
    flat = fnp.ravel(a)
    n = _shape(flat)[0]
    i = fnp.ravel(fnp.asarray(ind))
    if mode in (None, "clip", "fill", "raise"):
        i = fnp.clip(i, 0, n - 1)
    elif mode == "wrap":
        i = fnp.mod(i, n)
    else:
        raise ValueError(f"put: mode must be one of 'clip', 'wrap' or None, got {mode!r}")
    vals = fnp.ravel(fnp.asarray(v))
    k = _shape(i)[0]
    vals = fnp.resize(vals, k) if _shape(vals)[0] != k else vals
    return fnp.reshape(fnp.asarray(flat).at[i].set(fnp.astype(vals, flat.dtype)), _shape(a))


def fill_diagonal(a: Any, val: Any, wrap: bool = False, *, inplace: bool = True) -> Any:
    """``a`` with its main diagonal set to ``val`` (``inplace=False`` required, as JAX)."""
    fnp = _ns()
    if inplace:
        raise ValueError("functrans.numpy.fill_diagonal cannot modify arrays in place; use inplace=False (as in JAX)")
    a = _arr(a)
    s = _shape(a)
    if len(s) < 2:
        raise ValueError("array must be at least 2-d")
    if len(s) > 2 and len(set(s)) != 1:
        raise ValueError("All dimensions of input must be of equal length")
    if len(s) == 2:
        n = min(s) if not wrap else s[0]
        idx = np.arange(n)
        rows, cols = (idx, idx) if not wrap else (idx[idx % (s[1] + 1) < s[1]], None)
        if wrap:
            flat_pos = np.arange(0, s[0] * s[1], s[1] + 1)
            rows, cols = flat_pos // s[1], flat_pos % s[1]
        vals = fnp.resize(fnp.ravel(fnp.asarray(val)), len(rows))
        return a.at[rows, cols].set(fnp.astype(vals, a.dtype)) if hasattr(a, "at") else fnp.asarray(a).at[
            rows, cols].set(fnp.astype(vals, a.dtype))  # fmt: skip
    d = np.arange(s[0])
    vals = fnp.resize(fnp.ravel(fnp.asarray(val)), s[0])
    return fnp.asarray(a).at[(d,) * len(s)].set(fnp.astype(vals, a.dtype))


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> Any:  # fmt: skip
    """Numbers spaced evenly on a log scale between ``start`` and ``stop`` (same sign), as
    JAX: ``sign * logspace(log10(|start|), log10(|stop|))``."""
    fnp = _ns()
    start, stop = fnp.asarray(start) * 1.0, fnp.asarray(stop) * 1.0
    sign = fnp.sign(start)
    logs = fnp.logspace(fnp.log10(start * sign), fnp.log10(stop * sign), num, endpoint=endpoint, base=10.0,
                        axis=axis)  # fmt: skip
    out = (fnp.expand_dims(sign, axis) if _shape(sign) else sign) * logs
    return out if dtype is None else fnp.astype(out, dtype)


def cumulative_sum(x: Any, /, *, axis: int | None = None, dtype: Any = None, include_initial: bool = False) -> Any:
    """Cumulative sum (the array API's): ``axis`` required unless ``x`` is 1-d; with
    ``include_initial`` a leading 0."""
    fnp = _ns()
    x = _arr(x)
    nd = len(_shape(x))
    if axis is None:
        if nd != 1:
            raise ValueError("cumulative_sum: axis must be given for arrays that are not 1-d")
        axis = 0
    ax = _axis(axis, nd)
    out = fnp.cumsum(x, axis=ax, dtype=dtype)
    if include_initial:
        zshape = _shape(out)[:ax] + (1,) + _shape(out)[ax + 1:]
        out = fnp.concatenate([fnp.zeros(zshape, out.dtype), out], ax)
    return out
