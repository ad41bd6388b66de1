"""Structure functions of ``functrans.numpy``: diagonals and triangles, flips and rolls,
tiling and padding, differences (splitting and joining are in :mod:`.joining`).

All of them are built from the basic primitives (static slices, ``concatenate``,
``reshape``, ``broadcast_to``, ``select``, arithmetic), so they are differentiable in
both modes, batchable and jittable with no rules of their own. Positions that NumPy
computes from the data of an index (``pad``'s reflections, ``repeat`` with an array of
counts, ``delete``) are computed once from concrete integers with NumPy itself and
applied as a static gather made of slices (:func:`take_static`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer, get_aval
from functrans._src.numpy.lax_numpy import (
    broadcast_to,
    concatenate,
    moveaxis,
    ravel,
    reshape,
    transpose,
)
from functrans._src.numpy.util import _arr, _axes, _axis, _shape

__all__ = [
    "diagonal", "diag", "diagflat", "trace", "tril", "triu", "tri", "flip", "fliplr", "flipud", "roll",
    "rot90", "tile", "repeat", "pad", "diff", "ediff1d", "gradient",
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


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: None = None) -> Any:
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
    if isinstance(shift, Tracer):
        raise NotImplementedError("roll: the shift must be concrete (a traced shift is not supported)")
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    shifts = (int(shift),) if np.ndim(shift) == 0 else tuple(int(s) for s in np.asarray(shift).ravel())
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


def repeat(a: Any, repeats: Any, axis: int | None = None, *, total_repeat_length: int | None = None,
           out_sharding: Any = None) -> Any:  # fmt: skip
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
            raise ValueError(f"operands could not be broadcast together with shape ({shape[ax]},) ({reps.shape[0]},)")
        out = take_static(a, np.repeat(np.arange(shape[ax]), reps), ax)
    if total_repeat_length is not None and _shape(out)[ax] != total_repeat_length:
        raise ValueError(f"repeat: total_repeat_length={total_repeat_length} does not match the repeat counts")
    return out


_PAD_MODES = (
    "constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum", "minimum", "mean", "median",
    "empty",
)  # fmt: skip


def _pairs(value: Any, nd: int, what: str) -> np.ndarray:
    arr = np.asarray(value)
    try:
        return np.broadcast_to(arr, (nd, 2))
    except ValueError:
        raise ValueError(f"pad: {what} of shape {arr.shape} cannot be broadcast to ({nd}, 2)") from None


_PAD_KW = {
    "constant": {"constant_values"}, "reflect": {"reflect_type"}, "symmetric": {"reflect_type"},
    "linear_ramp": {"end_values"}, "maximum": {"stat_length"}, "minimum": {"stat_length"},
    "mean": {"stat_length"}, "median": {"stat_length"},
}  # fmt: skip


def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    """Pad an array, NumPy's modes: constant (``constant_values``), edge, reflect and symmetric
    (``reflect_type`` even or odd), wrap, linear_ramp (``end_values``), maximum, minimum, mean
    and median (``stat_length``), empty (zeros here, as JAX). Differentiable: padded values
    are copies, reflections, ramps or statistics of the array's entries."""
    x = _arr(array)
    shape = _shape(x)
    nd = len(shape)
    widths = _pairs(pad_width, nd, "pad_width")
    if widths.dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    if np.any(widths < 0):
        raise ValueError("index can't contain negative values")
    if mode not in _PAD_MODES:
        raise ValueError(f"mode '{mode}' is not supported")
    extra = set(kwargs) - _PAD_KW.get(mode, set())
    if extra:
        raise ValueError(f"unsupported keyword arguments for mode '{mode}': {sorted(extra)}")
    reflect_type = kwargs.get("reflect_type", "even")
    if reflect_type not in ("even", "odd"):
        raise ValueError(f"reflect_type must be 'even' or 'odd', got {reflect_type!r}")
    dt = _dtype(x)
    if mode == "empty":
        mode = "constant"
    if mode == "constant":
        cv = kwargs.get("constant_values", 0)
        if isinstance(cv, Tracer):
            cvals = None
        else:
            cvals = _pairs(cv, nd, "constant_values")
    stat_len = _pairs(kwargs.get("stat_length", -1) if kwargs.get("stat_length") is not None else -1, nd,
                      "stat_length")  # fmt: skip
    end_values = _pairs(kwargs.get("end_values", 0), nd, "end_values")
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
        if mode in ("maximum", "minimum", "mean", "median"):
            x = _pad_stat(x, ax, before, after, mode, stat_len[ax])
        elif mode == "linear_ramp":
            x = _pad_ramp(x, ax, before, after, end_values[ax])
        elif reflect_type == "odd" and mode in ("reflect", "symmetric"):
            # a linear map along the axis: NumPy's padding of the identity matrix
            a = np.pad(np.eye(n), ((before, after), (0, 0)), mode=mode, reflect_type="odd")
            from functrans._src.numpy.contraction import tensordot

            y = tensordot(a.astype(dt if dt.kind in "fc" else np.float64), x, ([1], [ax]))
            y = moveaxis(y, 0, ax) if ax else y
            x = y if dt.kind in "fc" else lax.convert_element_type(y, dt)
        else:
            src = np.pad(np.arange(n), (before, after), mode=mode)
            x = take_static(x, src, ax)
    return x


def _pad_stat(x: Any, ax: int, before: int, after: int, mode: str, lengths: np.ndarray) -> Any:
    from functrans._src.numpy import reductions as R

    n = _shape(x)[ax]
    dt = _dtype(x)
    fn = {"maximum": R.max, "minimum": R.min, "mean": R.mean, "median": R.median}[mode]
    pieces = []
    for side, w in ((0, before), (1, after)):
        k = int(lengths[side])
        k = n if k < 0 else min(k, n)
        if k == 0:
            raise ValueError("stat_length of 0 yields no value for padding")
        part = _slice_axis(x, ax, 0, k) if side == 0 else _slice_axis(x, ax, n - k, n)
        stat = fn(part, axis=ax, keepdims=True)
        if dt.kind in "iu" and mode in ("mean", "median"):
            from functrans._src.numpy.ufuncs import rint

            stat = rint(stat)  # half to even, as NumPy and JAX
        if _dtype(stat) != dt:
            stat = lax.convert_element_type(stat, dt)
        pieces.append(broadcast_to(stat, _shape(x)[:ax] + (w,) + _shape(x)[ax + 1 :]))
    return lax.concatenate([pieces[0], x, pieces[1]], ax)


def _pad_ramp(x: Any, ax: int, before: int, after: int, ends: np.ndarray) -> Any:
    """Ramps from the end values to the edge values (``linspace(end, edge, w, endpoint=False)``
    as JAX computes it, ``end * (1 - t) + edge * t``; floored for integer arrays)."""
    n = _shape(x)[ax]
    nd = len(_shape(x))
    dt = _dtype(x)
    ft = dt if dt.kind in "fc" else np.dtype(np.float64)
    pieces = []
    for side, w in ((0, before), (1, after)):
        edge = _slice_axis(x, ax, 0, 1) if side == 0 else _slice_axis(x, ax, n - 1, n)
        edge = lax.convert_element_type(edge, ft)
        t = (np.arange(w, dtype=ft) / max(w, 1)).reshape((1,) * ax + (w,) + (1,) * (nd - ax - 1))
        end = np.asarray(ends[side], ft)
        ramp = lax.add(lax.mul(end, 1 - t), lax.mul(edge, t))  # JAX's linspace formula (bitwise alike)
        if side == 1:
            ramp = _slice_axis(ramp, ax, None, None, -1)
        if dt.kind not in "fc":
            ramp = lax.convert_element_type(lax.floor(ramp), dt)
        pieces.append(ramp)
    return lax.concatenate([pieces[0], x, pieces[1]], ax)


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
        hi, lo = _slice_axis(x, ax, 1, None), _slice_axis(x, ax, 0, max(m - 1, 0))
        x = lax.ne(hi, lo) if x.dtype.kind == "b" else lax.sub(hi, lo)  # bool: not_equal, as JAX
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
            first = lax.div(lax.add(lax.add(lax.mul(-1.5, s(0, 1)), lax.mul(2.0, s(1, 2))), lax.mul(-0.5, s(2, 3))), h)
            last = lax.div(
                lax.add(
                    lax.add(lax.mul(0.5, s(n - 3, n - 2)), lax.mul(-2.0, s(n - 2, n - 1))), lax.mul(1.5, s(n - 1, n))
                ),
                h,
            )
        parts = [first] + ([interior] if interior is not None else []) + [last]
        outs.append(lax.concatenate(parts, ax))
    return outs[0] if len(outs) == 1 else outs
