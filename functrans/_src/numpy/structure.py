"""Structure functions of ``functrans.numpy``: diagonals and triangles, flips and rolls,
tiling and padding, differences, splitting and joining, and a few comparisons.

All of them are built from the basic primitives (static slices, ``concatenate``,
``reshape``, ``broadcast_to``, ``select``, arithmetic), so they are differentiable in
both modes, batchable and jittable with no rules of their own. Positions that NumPy
computes from the data of an index (``pad``'s reflections, ``repeat`` with an array of
counts, ``delete``) are computed once from concrete integers with NumPy itself and
applied as a static gather made of slices (:func:`take_static`).
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
    transpose,
    vstack,
)
from functrans._src.numpy.util import _arr, _axes, _axis, _shape

__all__ = [
    "diagonal", "diag", "diagflat", "trace", "tril", "triu", "tri", "flip", "fliplr", "flipud", "roll",
    "rot90", "tile", "repeat", "pad", "diff", "ediff1d", "split", "array_split", "hsplit", "vsplit", "dsplit",
    "atleast_2d", "atleast_3d", "column_stack", "row_stack", "dstack", "rollaxis", "kron", "cross",
    "select", "gradient", "r_", "c_", "isclose", "allclose", "array_equal", "array_equiv", "append",
    "insert", "delete", "meshgrid", "broadcast_arrays", "copy", "trim_zeros", "resize",
]  # fmt: skip


# --------------------------------------------------------------------------- helpers


def _dtype(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _concrete(x: Any, why: str) -> np.ndarray:
    """The concrete value of ``x`` (a ConcretizationTypeError where it is abstract)."""
    if isinstance(x, Tracer):
        return np.asarray(x._trace.concrete(x, why))
    return np.asarray(x)


def _slice_axis(x: Any, axis: int, start: int | None, stop: int | None, step: int | None = None) -> Any:
    idx = (slice(None),) * axis + (slice(start, stop, step),)
    return lax.index(x, idx)


def take_static(x: Any, indices: Sequence[int] | np.ndarray, axis: int) -> Any:
    """``numpy.take(x, indices, axis)`` for concrete, in-range ``indices``, as slices.

    The indices are cut into maximal runs with step +1, -1 or 0; each run is one static
    slice (a repeated index is a broadcast), and the runs are concatenated. Gradients
    of repeated indices accumulate through the transpose of broadcasting.
    """
    idx = [int(i) for i in np.asarray(indices).ravel()]
    shape = _shape(x)
    n = shape[axis]
    if idx == list(range(n)):
        return x
    if not idx:
        return _slice_axis(x, axis, 0, 0)
    pieces = []
    k = 0
    while k < len(idx):
        j = k + 1
        step = idx[j] - idx[k] if j < len(idx) else 1
        if step not in (-1, 0, 1):
            step = 1
        while j < len(idx) and idx[j] - idx[j - 1] == step:
            j += 1
        a, b = idx[k], idx[j - 1]
        if step == 0:
            one = _slice_axis(x, axis, a, a + 1)
            pieces.append(broadcast_to(one, shape[:axis] + (j - k,) + shape[axis + 1 :]))
        elif step == 1:
            pieces.append(_slice_axis(x, axis, a, b + 1))
        else:
            pieces.append(_slice_axis(x, axis, a, None if b == 0 else b - 1, -1))
        k = j
    return pieces[0] if len(pieces) == 1 else lax.concatenate(pieces, axis)


def _zeros(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    return np.zeros(shape, dtype)


# --------------------------------------------------------------------------- diagonals and triangles


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """The diagonal over ``axis1``/``axis2`` (moved to the last axis), as ``numpy.diagonal``."""
    a = _arr(a)
    shape = _shape(a)
    nd = len(shape)
    if nd < 2:
        raise ValueError("diag requires an array of at least two dimensions")
    ax1, ax2 = _axis(axis1, nd), _axis(axis2, nd)
    if ax1 == ax2:
        raise ValueError("axis1 and axis2 cannot be the same")
    rest = [i for i in range(nd) if i not in (ax1, ax2)]
    x = transpose(a, rest + [ax1, ax2])
    m, n = shape[ax1], shape[ax2]
    lead = tuple(shape[i] for i in rest)
    offset = int(offset)
    if offset >= 0:
        k, start = max(0, min(m, n - offset)), offset
    else:
        k, start = max(0, min(m + offset, n)), -offset * n
    flat = reshape(x, lead + (m * n,))
    if k == 0:
        return lax.index(flat, (slice(None),) * len(lead) + (slice(0, 0),))
    return lax.index(flat, (slice(None),) * len(lead) + (slice(start, start + (k - 1) * (n + 1) + 1, n + 1),))


def _diag_from_vector(v: Any, k: int) -> Any:
    n = _shape(v)[0]
    dt = _dtype(v)
    if n == 0:
        return np.zeros((abs(k), abs(k)), dt)
    # rows [v_i, 0 ... 0] of length n + 1, flattened: v_i lands at i * (n + 1), on the diagonal
    rows = concatenate([reshape(v, (n, 1)), _zeros((n, n), dt)], axis=1)
    sq = reshape(lax.index(reshape(rows, (n * (n + 1),)), (slice(0, n * n),)), (n, n))
    if k > 0:
        sq = concatenate([_zeros((n, k), dt), sq], axis=1)
        sq = concatenate([sq, _zeros((k, n + k), dt)], axis=0)
    elif k < 0:
        sq = concatenate([_zeros((-k, n), dt), sq], axis=0)
        sq = concatenate([sq, _zeros((n - k, -k), dt)], axis=1)
    return sq


def diag(v: Any, k: int = 0) -> Any:
    """The ``k``-th diagonal of a matrix, or a matrix with ``v`` on its ``k``-th diagonal."""
    v = _arr(v)
    nd = len(_shape(v))
    if nd == 1:
        return _diag_from_vector(v, int(k))
    if nd == 2:
        return diagonal(v, k)
    raise ValueError("Input must be 1- or 2-d.")


def diagflat(v: Any, k: int = 0) -> Any:
    """A matrix with the flattened input on its ``k``-th diagonal."""
    return _diag_from_vector(ravel(_arr(v)), int(k))


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None) -> Any:
    """Sum along a diagonal."""
    d = diagonal(a, offset, axis1, axis2)
    out = lax.reduce_sum(d, (len(_shape(d)) - 1,))
    return out if dtype is None else lax.convert_element_type(out, dtype)


def tri(N: int, M: int | None = None, k: int = 0, dtype: Any = float) -> np.ndarray:  # noqa: N803
    """Ones at and below the ``k``-th diagonal (a constant)."""
    return np.tri(N, M, k, dtype)


def _triangle(m: Any, keep: np.ndarray) -> Any:
    m = _arr(m)
    shape = _shape(m)
    if len(shape) < 2:
        n = shape[0] if shape else 1
        m = broadcast_to(m, (n, n))
    zero = np.zeros((), _dtype(m))
    return lax.select(keep, m, zero)


def tril(m: Any, k: int = 0) -> Any:
    """The lower triangle (at and below diagonal ``k``); the rest zero."""
    s = _shape(_arr(m))
    r, c = (s[-2], s[-1]) if len(s) >= 2 else (s[0], s[0]) if s else (1, 1)
    return _triangle(m, np.tri(r, c, k, dtype=bool))


def triu(m: Any, k: int = 0) -> Any:
    """The upper triangle (at and above diagonal ``k``); the rest zero."""
    s = _shape(_arr(m))
    r, c = (s[-2], s[-1]) if len(s) >= 2 else (s[0], s[0]) if s else (1, 1)
    return _triangle(m, ~np.tri(r, c, k - 1, dtype=bool))


# --------------------------------------------------------------------------- flips, rolls, rotations


def flip(m: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    m = _arr(m)
    nd = len(_shape(m))
    axes = _axes(axis, nd)
    if not axes:
        return m
    return lax.index(m, tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(nd)))


def fliplr(m: Any) -> Any:
    """Reverse the second axis."""
    if len(_shape(_arr(m))) < 2:
        raise ValueError("Input must be >= 2-d.")
    return flip(m, 1)


def flipud(m: Any) -> Any:
    """Reverse the first axis."""
    if len(_shape(_arr(m))) < 1:
        raise ValueError("Input must be >= 1-d.")
    return flip(m, 0)


def roll(a: Any, shift: int | Sequence[int], axis: int | Sequence[int] | None = None) -> Any:
    """Roll elements along ``axis`` (the flattened array when None)."""
    a = _arr(a)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), _shape(a))
    nd = len(_shape(a))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    shifts = (shift,) if isinstance(shift, int | np.integer) else tuple(shift)
    axes, shifts = np.broadcast_arrays(np.asarray(axes), np.asarray(shifts))
    total: dict[int, int] = {}
    for ax, s in zip(axes.ravel(), shifts.ravel()):
        ax = _axis(int(ax), nd)
        total[ax] = total.get(ax, 0) + int(s)
    out = a
    for ax, s in total.items():
        n = _shape(out)[ax]
        if n == 0:
            continue
        s %= n
        if s:
            out = lax.concatenate([_slice_axis(out, ax, n - s, None), _slice_axis(out, ax, 0, n - s)], ax)
    return out


def rot90(m: Any, k: int = 1, axes: Sequence[int] = (0, 1)) -> Any:
    """Rotate by 90 degrees ``k`` times in the plane of ``axes``."""
    m = _arr(m)
    nd = len(_shape(m))
    axes = tuple(axes)
    if len(axes) != 2:
        raise ValueError("len(axes) must be 2.")
    a0, a1 = _axis(axes[0], nd), _axis(axes[1], nd)
    if a0 == a1:
        raise ValueError("Axes must be different.")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, a0), a1)
    perm = list(range(nd))
    perm[a0], perm[a1] = perm[a1], perm[a0]
    if k == 1:
        return transpose(flip(m, a1), perm)
    return flip(transpose(m, perm), a1)


# --------------------------------------------------------------------------- tiling, repeating, padding


def tile(A: Any, reps: int | Sequence[int]) -> Any:  # noqa: N803
    """Repeat the whole array ``reps`` times (per axis)."""
    A = _arr(A)  # noqa: N806
    reps_t = (int(reps),) if isinstance(reps, int | np.integer) else tuple(int(r) for r in reps)
    shape = _shape(A)
    nd = max(len(shape), len(reps_t))
    shape = (1,) * (nd - len(shape)) + shape
    reps_t = (1,) * (nd - len(reps_t)) + reps_t
    x = reshape(A, tuple(d for s in shape for d in (1, s)))
    x = broadcast_to(x, tuple(d for r, s in zip(reps_t, shape) for d in (r, s)))
    return reshape(x, tuple(r * s for r, s in zip(reps_t, shape)))


def repeat(a: Any, repeats: Any, axis: int | None = None, *, total_repeat_length: int | None = None) -> Any:
    """Repeat each element ``repeats`` times (an int, or one count per element) along ``axis``."""
    a = _arr(a)
    if axis is None:
        a, axis = ravel(a), 0
    shape = _shape(a)
    ax = _axis(axis, len(shape))
    reps = _concrete(repeats, "repeat with traced repeat counts (pass total_repeat_length)").astype(np.int64)
    if np.any(reps < 0):
        raise ValueError("repeats may not contain negative values.")
    if reps.ndim == 0 or reps.size == 1:
        r = int(reps.ravel()[0]) if reps.size else 1
        x = reshape(a, shape[: ax + 1] + (1,) + shape[ax + 1 :])
        x = broadcast_to(x, shape[: ax + 1] + (r,) + shape[ax + 1 :])
        out = reshape(x, shape[:ax] + (shape[ax] * r,) + shape[ax + 1 :])
    else:
        if reps.shape != (shape[ax],):
            raise ValueError(
                f"operands could not be broadcast together with shape ({shape[ax]},) ({reps.shape[0]},)"
            )
        out = take_static(a, np.repeat(np.arange(shape[ax]), reps), ax)
    if total_repeat_length is not None and _shape(out)[ax] != total_repeat_length:
        raise ValueError(f"repeat: total_repeat_length={total_repeat_length} does not match the repeat counts")
    return out


_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum", "minimum", "mean")


def _pairs(value: Any, nd: int, what: str) -> np.ndarray:
    arr = np.asarray(value)
    try:
        return np.broadcast_to(arr, (nd, 2))
    except ValueError:
        raise ValueError(f"pad: {what} of shape {arr.shape} cannot be broadcast to ({nd}, 2)") from None


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    """Pad an array: modes constant (``constant_values``), edge, reflect, symmetric and wrap."""
    x = _arr(array)
    shape = _shape(x)
    nd = len(shape)
    widths = _pairs(pad_width, nd, "pad_width")
    if widths.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    if np.any(widths < 0):
        raise ValueError("index can't contain negative values")
    if mode not in ("constant", "edge", "reflect", "symmetric", "wrap"):
        if mode in _PAD_MODES:
            raise NotImplementedError(f"functrans.numpy.pad does not support mode={mode!r} yet")
        raise ValueError(f"mode '{mode}' is not supported")
    allowed = {"constant": {"constant_values"}, "reflect": {"reflect_type"}, "symmetric": {"reflect_type"}}
    extra = set(kwargs) - allowed.get(mode, set())
    if extra:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {sorted(extra)}")
    if kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError("functrans.numpy.pad supports only reflect_type='even'")
    dt = _dtype(x)
    if mode == "constant":
        cv = kwargs.get("constant_values", 0)
        if isinstance(cv, Tracer):
            cvals = None
        else:
            cvals = _pairs(cv, nd, "constant_values")
    for ax in range(nd):
        before, after = int(widths[ax, 0]), int(widths[ax, 1])
        if before == 0 and after == 0:
            continue
        n = _shape(x)[ax]
        if mode == "constant":
            pieces = []
            for side, w in ((0, before), (1, after)):
                bshape = _shape(x)[:ax] + (w,) + _shape(x)[ax + 1 :]
                if cvals is None:
                    block = broadcast_to(lax.convert_element_type(cv, dt), bshape)
                else:
                    block = np.full(bshape, cvals[ax, side], dt)
                pieces.append(block)
            x = lax.concatenate([pieces[0], x, pieces[1]], ax)
            continue
        if n == 0:
            raise ValueError(f"can't extend empty axis {ax} using modes other than 'constant' or 'empty'")
        src = np.pad(np.arange(n), (before, after), mode=mode)
        x = take_static(x, src, ax)
    return x


# --------------------------------------------------------------------------- differences


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = None, append: Any = None) -> Any:
    """The ``n``-th discrete difference along ``axis``."""
    a = _arr(a)
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"order must be non-negative but got {n!r}")
    nd = len(_shape(a))
    if nd == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    ax = _axis(axis, nd)
    def edge(extra: Any) -> Any:
        e = _arr(extra)
        if len(_shape(e)) == 0:
            e = broadcast_to(e, _shape(a)[:ax] + (1,) + _shape(a)[ax + 1 :])
        return e

    parts = ([edge(prepend)] if prepend is not None else []) + [a] + ([edge(append)] if append is not None else [])
    x = parts[0] if len(parts) == 1 else concatenate(parts, ax)
    for _ in range(n):
        m = _shape(x)[ax]
        x = lax.sub(_slice_axis(x, ax, 1, None), _slice_axis(x, ax, 0, max(m - 1, 0)))
    return x


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """Differences of consecutive elements of the flattened array."""
    d = diff(ravel(_arr(ary)))
    parts = [ravel(_arr(to_begin))] if to_begin is not None else []
    parts.append(d)
    if to_end is not None:
        parts.append(ravel(_arr(to_end)))
    return parts[0] if len(parts) == 1 else concatenate(parts)


def gradient(f: Any, *varargs: Any, axis: int | Sequence[int] | None = None, edge_order: int = 1) -> Any:
    """Second-order central differences inside, one-sided (order 1 or 2) at the edges."""
    f = _arr(f)
    nd = len(_shape(f))
    axes = _axes(axis, nd) if axis is not None else tuple(range(nd))
    if isinstance(axis, int | np.integer):
        axes = (_axis(int(axis), nd),)
    if len(varargs) == 0:
        spacing = [1.0] * len(axes)
    elif len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        spacing = [varargs[0]] * len(axes)
    elif len(varargs) == len(axes) and all(np.ndim(v) == 0 for v in varargs):
        spacing = list(varargs)
    else:
        raise NotImplementedError("functrans.numpy.gradient supports scalar spacings only")
    if edge_order not in (1, 2):
        raise ValueError("'edge_order' greater than 2 not supported")
    if not lax.rules._is_array(f) or _dtype(f).kind in "iub":
        f = lax.convert_element_type(f, np.float64)
    outs = []
    for ax, h in zip(axes, spacing):
        n = _shape(f)[ax]
        if n < edge_order + 1:
            raise ValueError(
                "Shape of array too small to calculate a numerical gradient, "
                "at least (edge_order + 1) elements are required."
            )

        def s(a: int | None, b: int | None, ax: int = ax) -> Any:
            return _slice_axis(f, ax, a, b)

        interior = lax.div(lax.sub(s(2, None), s(0, n - 2)), 2.0 * h) if n > 2 else None
        if edge_order == 1:
            first = lax.div(lax.sub(s(1, 2), s(0, 1)), h)
            last = lax.div(lax.sub(s(n - 1, n), s(n - 2, n - 1)), h)
        else:
            first = lax.div(
                lax.add(lax.add(lax.mul(-1.5, s(0, 1)), lax.mul(2.0, s(1, 2))), lax.mul(-0.5, s(2, 3))), h
            )
            last = lax.div(
                lax.add(
                    lax.add(lax.mul(0.5, s(n - 3, n - 2)), lax.mul(-2.0, s(n - 2, n - 1))), lax.mul(1.5, s(n - 1, n))
                ),
                h,
            )
        parts = [first] + ([interior] if interior is not None else []) + [last]
        outs.append(lax.concatenate(parts, ax))
    return outs[0] if len(outs) == 1 else outs


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


def dstack(tup: Sequence[Any]) -> Any:
    """Stack along the third axis."""
    arrs = [atleast_3d(a) for a in _sequence(tup)]
    return concatenate(arrs, 2)


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
        if get_aval(cond).dtype != np.dtype(bool):
            raise TypeError(f"invalid entry in condlist: should be boolean ndarray, got {get_aval(cond).dtype}")
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


def delete(arr: Any, obj: Any, axis: int | None = None) -> Any:
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
    xs = [ravel(_arr(x)) for x in xi]
    nd = len(xs)
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
