"""Splitting and joining functions of ``functrans.numpy`` (split, stacks, kron, cross, r_/c_,
append/insert/delete, meshgrid, ...) and comparisons of whole arrays (isclose, allclose, ...).

Built from the basic primitives like :mod:`.structure`, whose static gather
(:func:`~functrans._src.numpy.structure.take_static`) they share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer, get_aval
from functrans._src.numpy.lax_numpy import (
    _sequence,
    atleast_1d,
    broadcast_to,
    concatenate,
    moveaxis,
    ravel,
    reshape,
    vstack,
)
from functrans._src.numpy.structure import _concrete, _dtype, _slice_axis, take_static, tile
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = [
    "split", "array_split", "hsplit", "vsplit", "dsplit", "atleast_2d", "atleast_3d", "column_stack",
    "row_stack", "dstack", "rollaxis", "kron", "cross", "select", "r_", "c_", "isclose", "allclose",
    "array_equal", "array_equiv", "append", "insert", "delete", "meshgrid", "broadcast_arrays", "copy",
    "trim_zeros", "resize",
]  # fmt: skip


# --------------------------------------------------------------------------- splitting


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """Split into sub-arrays (sections need not divide the axis evenly)."""
    a = _arr(ary)
    nd = len(_shape(a))
    ax = _axis(axis, nd)
    n = _shape(a)[ax]
    if isinstance(indices_or_sections, int | np.integer):
        sections = int(indices_or_sections)
        if sections <= 0:
            raise ValueError("number sections must be larger than 0.")
        each, extra = divmod(n, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        bounds = np.concatenate([[0], np.cumsum(sizes)])
    else:
        bounds = np.concatenate([[0], np.asarray(indices_or_sections, dtype=np.int64).ravel(), [n]])
    out = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        lo, hi = int(lo), int(hi)
        lo = min(max(lo + n if lo < 0 else lo, 0), n)
        hi = min(max(hi + n if hi < 0 else hi, 0), n)
        out.append(_slice_axis(a, ax, lo, max(lo, hi)))
    return out


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Any]:
    """Split into equal sections (an error if they don't divide the axis) or at indices."""
    if isinstance(indices_or_sections, int | np.integer):
        a = _arr(ary)
        n = _shape(a)[_axis(axis, len(_shape(a)))]
        if int(indices_or_sections) <= 0 or n % int(indices_or_sections):
            raise ValueError("array split does not result in an equal division")
    return array_split(ary, indices_or_sections, axis)


def hsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    """Split along the second axis (the first for 1-d input)."""
    nd = len(_shape(_arr(ary)))
    if nd == 0:
        raise ValueError("hsplit only works on arrays of 1 or more dimensions")
    return split(ary, indices_or_sections, 1 if nd > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    """Split along the first axis (input of at least 2 dimensions)."""
    if len(_shape(_arr(ary))) < 2:
        raise ValueError("vsplit only works on arrays of 2 or more dimensions")
    return split(ary, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list[Any]:
    """Split along the third axis (input of at least 3 dimensions)."""
    if len(_shape(_arr(ary))) < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    return split(ary, indices_or_sections, 2)


# --------------------------------------------------------------------------- dimensions and joining


def _one_or_list(outs: list[Any]) -> Any:
    return outs[0] if len(outs) == 1 else outs


def atleast_2d(*arys: Any) -> Any:
    """Views with at least two dimensions (a 1-d array becomes a row)."""
    outs = []
    for a in arys:
        a = _arr(a)
        s = _shape(a)
        outs.append(reshape(a, (1, 1)) if not s else reshape(a, (1,) + s) if len(s) == 1 else a)
    return _one_or_list(outs)


def atleast_3d(*arys: Any) -> Any:
    """Views with at least three dimensions: (n,) -> (1, n, 1), (m, n) -> (m, n, 1)."""
    outs = []
    for a in arys:
        a = _arr(a)
        s = _shape(a)
        if not s:
            a = reshape(a, (1, 1, 1))
        elif len(s) == 1:
            a = reshape(a, (1,) + s + (1,))
        elif len(s) == 2:
            a = reshape(a, s + (1,))
        outs.append(a)
    return _one_or_list(outs)


def column_stack(tup: Sequence[Any]) -> Any:
    """Stack 1-d arrays as columns (2-d arrays as they are)."""
    arrs = []
    for a in _sequence(tup):
        a = _arr(a)
        s = _shape(a)
        arrs.append(reshape(a, (s[0] if s else 1, 1)) if len(s) < 2 else a)
    return concatenate(arrs, 1)


def row_stack(tup: Sequence[Any]) -> Any:
    """Alias of :func:`vstack`."""
    return vstack(tup)


def dstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """Stack along the third axis."""
    arrs = [atleast_3d(a) for a in _sequence(tup)]
    return concatenate(arrs, 2, dtype)


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """Roll ``axis`` backwards until it lies before ``start`` (prefer :func:`moveaxis`)."""
    a = _arr(a)
    n = len(_shape(a))
    axis = _axis(axis, n)
    if start < 0:
        start += n
    if not 0 <= start < n + 1:
        raise np.exceptions.AxisError(f"start arg {start} out of range")
    if axis < start:
        start -= 1
    if axis == start:
        return a
    return moveaxis(a, axis, start)


def kron(a: Any, b: Any) -> Any:
    """Kronecker product."""
    a, b = _arr(a), _arr(b)
    sa, sb = _shape(a), _shape(b)
    nd = max(len(sa), len(sb))
    sa, sb = (1,) * (nd - len(sa)) + sa, (1,) * (nd - len(sb)) + sb
    x = reshape(a, tuple(d for s in sa for d in (s, 1)))
    y = reshape(b, tuple(d for s in sb for d in (1, s)))
    return reshape(lax.mul(x, y), tuple(p * q for p, q in zip(sa, sb)))


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: int | None = None) -> Any:
    """Cross product of 3-vectors (or 2-vectors, giving the z component)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _arr(a), _arr(b)
    a = moveaxis(a, _axis(axisa, len(_shape(a))), -1)
    b = moveaxis(b, _axis(axisb, len(_shape(b))), -1)
    na, nb = _shape(a)[-1], _shape(b)[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n(dimension must be 2 or 3)")

    def c(x: Any, i: int) -> Any:
        return lax.index(x, (Ellipsis, i))

    if na == 2 and nb == 2:
        return lax.sub(lax.mul(c(a, 0), c(b, 1)), lax.mul(c(a, 1), c(b, 0)))

    def pad3(x: Any) -> Any:
        s = _shape(x)
        return x if s[-1] == 3 else lax.concatenate([x, np.zeros(s[:-1] + (1,), _dtype(x))], len(s) - 1)

    a, b = pad3(a), pad3(b)
    a0, a1, a2 = c(a, 0), c(a, 1), c(a, 2)
    b0, b1, b2 = c(b, 0), c(b, 1), c(b, 2)
    x = lax.sub(lax.mul(a1, b2), lax.mul(a2, b1))
    y = lax.sub(lax.mul(a2, b0), lax.mul(a0, b2))
    z = lax.sub(lax.mul(a0, b1), lax.mul(a1, b0))
    parts = _bcast_all([x, y, z])
    s = _shape(parts[0])
    out = lax.concatenate([reshape(p, s + (1,)) for p in parts], len(s))
    return moveaxis(out, -1, _axis(axisc, len(s) + 1))


def _bcast_all(xs: list[Any]) -> list[Any]:
    shape = lax.broadcast_shapes(*[_shape(x) for x in xs])
    return [broadcast_to(x, shape) for x in xs]


def select(condlist: Sequence[Any], choicelist: Sequence[Any], default: Any = 0) -> Any:
    """The element of the first choice whose condition holds, else ``default``."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    out = _arr(default)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        cond = _arr(cond)
        if get_aval(cond).dtype != np.dtype(bool):  # as JAX: non-zero is true (NumPy raises)
            cond = lax.ne(cond, np.zeros((), get_aval(cond).dtype))
        out = lax.select(cond, _arr(choice), out)
    return out


class _IndexJoiner:
    """``r_`` / ``c_``: concatenation by index syntax (arrays, scalars and slices)."""

    def __init__(self, columns: bool) -> None:
        self.columns = columns

    def __getitem__(self, key: Any) -> Any:
        items = key if isinstance(key, tuple) else (key,)
        arrs = []
        for it in items:
            if isinstance(it, slice):
                step = it.step
                if isinstance(step, complex):
                    arrs.append(np.linspace(it.start or 0, it.stop, int(abs(step))))
                else:
                    arrs.append(np.arange(it.start or 0, it.stop, step or 1))
            elif isinstance(it, str):
                raise NotImplementedError("string directives in r_/c_ are not supported")
            else:
                arrs.append(atleast_1d(_arr(it)))
        if not self.columns:
            return concatenate(arrs, 0)
        cols = []
        for a in arrs:
            s = _shape(a)
            cols.append(reshape(a, (s[0], 1)) if len(s) == 1 else a)
        return concatenate(cols, len(_shape(cols[0])) - 1)


r_ = _IndexJoiner(columns=False)
c_ = _IndexJoiner(columns=True)


# --------------------------------------------------------------------------- comparisons of whole arrays


def isclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Any:
    """Elementwise ``|a - b| <= atol + rtol * |b|`` (infinities equal only to themselves)."""
    a, b = _arr(a), _arr(b)
    if not isinstance(a, Tracer) and not isinstance(b, Tracer):
        return np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    dt = np.result_type(_dtype(a), _dtype(b), np.float64 if _dtype(a).kind in "iub" else _dtype(a))
    a, b = lax.convert_element_type(a, dt), lax.convert_element_type(b, dt)
    finite = lax.logical_and(lax.lt(lax.abs(a), np.inf), lax.lt(lax.abs(b), np.inf))
    close = lax.le(lax.abs(lax.sub(a, b)), lax.add(atol, lax.mul(rtol, lax.abs(b))))
    out = lax.select(finite, close, lax.eq(a, b))
    if equal_nan:
        out = lax.logical_or(out, lax.logical_and(lax.ne(a, a), lax.ne(b, b)))
    return out


def allclose(a: Any, b: Any, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True if every element is close (a concrete Python bool)."""
    c = _concrete(isclose(a, b, rtol, atol, equal_nan), "allclose of traced values")
    return bool(np.all(c))


def array_equal(a1: Any, a2: Any, equal_nan: bool = False) -> bool:
    """True if the shapes match and every element is equal (a concrete Python bool)."""
    a1, a2 = _arr(a1), _arr(a2)
    if _shape(a1) != _shape(a2):
        return False
    eq = lax.eq(a1, a2)
    if equal_nan:
        eq = lax.logical_or(eq, lax.logical_and(lax.ne(a1, a1), lax.ne(a2, a2)))
    return bool(np.all(_concrete(eq, "array_equal of traced values")))


def array_equiv(a1: Any, a2: Any) -> bool:
    """True if the arrays broadcast together and every element is equal (concrete)."""
    a1, a2 = _arr(a1), _arr(a2)
    try:
        lax.broadcast_shapes(_shape(a1), _shape(a2))
    except ValueError:
        return False
    return bool(np.all(_concrete(lax.eq(a1, a2), "array_equiv of traced values")))


# --------------------------------------------------------------------------- append, insert, delete


def append(arr: Any, values: Any, axis: int | None = None) -> Any:
    """``arr`` with ``values`` appended (both flattened when ``axis`` is None)."""
    arr, values = _arr(arr), _arr(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)], 0)
    return concatenate([arr, values], axis)


def delete(arr: Any, obj: Any, axis: int | None = None, *, assume_unique_indices: bool = False) -> Any:
    """``arr`` without the entries ``obj`` (an int, slice or concrete index array) along ``axis``."""
    arr = _arr(arr)
    if axis is None:
        arr, axis = ravel(arr), 0
    ax = _axis(axis, len(_shape(arr)))
    n = _shape(arr)[ax]
    keep = np.delete(np.arange(n), obj if isinstance(obj, slice) else _concrete(obj, "delete at traced positions"))
    return take_static(arr, keep, ax)


def insert(arr: Any, obj: Any, values: Any, axis: int | None = None) -> Any:
    """``arr`` with ``values`` inserted before the (concrete) positions ``obj`` along ``axis``."""
    arr = _arr(arr)
    if axis is None:
        arr, axis = ravel(arr), 0
    nd = len(_shape(arr))
    ax = _axis(axis, nd)
    n = _shape(arr)[ax]
    pos = obj if isinstance(obj, slice) else _concrete(obj, "insert at traced positions")
    # where NumPy puts each inserted entry: insert markers n, n+1, ... into the index range
    if isinstance(pos, slice):
        pos = np.arange(*pos.indices(n))
    pos = np.asarray(pos)
    v = _arr(values)
    ashape = _shape(arr)
    if pos.ndim == 0:  # NumPy: values get at least arr's rank, their first axis becomes `axis`
        while len(_shape(v)) < nd:
            v = reshape(v, (1,) + _shape(v))
        v = moveaxis(v, 0, ax)
        k = _shape(v)[ax]
        p0 = int(pos)
        if not -n <= p0 <= n:
            raise IndexError(f"index {p0} is out of bounds for axis {ax} with size {n}")
        order = np.insert(np.arange(n), p0, np.arange(n, n + k))
    else:
        k = pos.size
        order = np.insert(np.arange(n), pos.ravel(), np.arange(n, n + k))
    block = broadcast_to(v, ashape[:ax] + (k,) + ashape[ax + 1 :])
    joined = concatenate([arr, lax.convert_element_type(block, _dtype(arr))], ax)
    return take_static(joined, order, ax)


# --------------------------------------------------------------------------- grids, broadcasting, copies


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False, indexing: str = "xy") -> list[Any]:
    """Coordinate matrices from coordinate vectors (``indexing`` 'xy' or 'ij')."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    if any(len(_shape(_arr(x))) != 1 for x in xi):
        raise ValueError(f"Arguments to meshgrid must be 1D, got shapes {[_shape(_arr(x)) for x in xi]}")
    xs = [_arr(x) for x in xi]
    nd = len(xs)
    if nd == 0:
        return []
    outs = []
    for i, x in enumerate(xs):
        s = [1] * nd
        s[i] = _shape(x)[0]
        outs.append(reshape(x, s))
    if indexing == "xy" and nd > 1:
        for i in range(nd):
            s = list(_shape(outs[i]))
            s[0], s[1] = s[1], s[0]
            outs[i] = reshape(outs[i], s)
    if sparse:
        return outs
    shape = lax.broadcast_shapes(*[_shape(o) for o in outs])
    return [broadcast_to(o, shape) for o in outs]


def broadcast_arrays(*args: Any) -> list[Any]:
    """Broadcast all arguments against each other."""
    arrs = [_arr(a) for a in args]
    shape = lax.broadcast_shapes(*[_shape(a) for a in arrs])
    return [broadcast_to(a, shape) for a in arrs]


def copy(a: Any, order: str = "K") -> Any:
    """A copy (traced values are immutable: they are returned as they are)."""
    a = _arr(a)
    return a if isinstance(a, Tracer) else np.array(a, copy=True)


def trim_zeros(filt: Any, trim: str = "fb") -> Any:
    """Trim leading/trailing zeros of a 1-d array (positions from its concrete value)."""
    f = _arr(filt)
    v = _concrete(f, "trim_zeros of a traced value")
    nz = np.flatnonzero(v)
    lo = int(nz[0]) if nz.size and "f" in trim.lower() else (len(v) if not nz.size else 0)
    hi = int(nz[-1]) + 1 if nz.size and "b" in trim.lower() else (len(v) if nz.size else lo)
    return _slice_axis(f, 0, lo, max(lo, hi))


def resize(a: Any, new_shape: int | Sequence[int]) -> Any:
    """A new array of ``new_shape`` filled with repeated copies of ``a``."""
    a = ravel(_arr(a))
    shape = (int(new_shape),) if isinstance(new_shape, int | np.integer) else tuple(int(d) for d in new_shape)
    total = math.prod(shape)
    n = _shape(a)[0]
    if total == 0 or n == 0:
        return np.zeros(shape, _dtype(a))
    reps = -(-total // n)
    return reshape(lax.index(tile(a, reps), (slice(0, total),)), shape)
