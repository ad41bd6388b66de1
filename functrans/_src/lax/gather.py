"""Advanced indexing: ``gather`` and the ``scatter`` family (``scatter_add``, ``scatter``).

One normalised static form serves every NumPy index expression (see
:mod:`functrans._src.numpy.indexing`, which lowers ``x[idx]`` and ``x.at[idx]`` to it):

* ``gather(x, *idx, axes, mode, fill_value)``: ``idx`` are integer arrays of one common
  shape ``B``, one per axis in ``axes`` (distinct axes of ``x``, any order). The result
  has shape ``B + rest``, where ``rest`` is ``x``'s shape without ``axes``:
  ``out[b, r] = x[idx_0[b], ..., idx_k[b], r]`` with the indexed axes in place.
* ``scatter_add(x, *idx, updates, axes, mode)``: the transpose of gather. ``updates``
  has gather's output shape ``B + rest``; the result is ``x`` plus every update added at
  its position, repeated positions accumulating.
* ``scatter(x, *idx, updates, axes, mode, op)`` with ``op`` in ``set`` (the last of
  repeated updates wins, as NumPy and JAX on CPU), ``mul``, ``min``, ``max``.

Indices: negative entries count from the end (NumPy); out-of-bounds entries follow JAX:
``mode="clip"`` clamps them, gather's ``mode="fill"`` returns ``fill_value`` there
(``None``: NaN for floats, the smallest value for signed integers, the largest for
unsigned, True for booleans) and scatter's ``mode="drop"`` ignores their updates.

Rules. gather and scatter_add are linear in the array operands, so each one's JVP
applies it to the tangents and their transposes are each other (``clip`` <-> ``clip``,
``fill`` with zero fill <-> ``drop``). The other scatters are not linear: their JVPs are
written with gather, scatter_add, select and arithmetic (so they are differentiable
again and need no transpose): ``set`` passes the tangent of the update that wins each
position; ``mul`` uses exclusive products (also with repeated indices, where JAX
raises; exact at zero updates to first order, to every order away from them);
``min``/``max`` split the tangent equally among all tied values, the operand included
(as JAX). Batching moves nothing when only the operand or
updates carry the batch (it becomes one more non-indexed axis); batched indices get an
``arange`` index for the batch axis.

Scatter-add is the gradient of every gather, so it is fast: one ``np.bincount`` over
(position, column) pairs sums all updates in a single pass; when there are few updates
for a large array they are sorted by position and each run summed with
``np.add.reduceat`` instead (never ``np.add.at``, which is several times slower; only
integer scatter-adds, which bincount's float weights could round, use it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind, is_undefined
from functrans._src.lax.comparisons import convert_element_type, eq, ge, select
from functrans._src.lax.elementwise import add, div, mul
from functrans._src.lax.rules import _dtype, _prim, _shape, allow_complex, moveaxis
from functrans._src.lax.shape import broadcast_to, reshape

__all__ = [
    "gather_p", "scatter_add_p", "scatter_p", "gather", "scatter_add", "scatter",
    "GATHER_MODES", "SCATTER_MODES", "SCATTER_OPS",
]  # fmt: skip

GATHER_MODES = ("clip", "fill")
SCATTER_MODES = ("clip", "drop")
SCATTER_OPS = ("set", "mul", "min", "max")

gather_p = _prim("gather")
scatter_add_p = _prim("scatter_add")
scatter_p = _prim("scatter")


# --------------------------------------------------------------------------- wrappers


def gather(x: Any, idx: Sequence[Any], axes: Sequence[int], mode: str = "clip", fill_value: Any = None) -> Any:
    """``out[b, r] = x[idx_0[b], ..., idx_k[b], r]`` (indexed axes ``axes``); shape ``B + rest``."""
    return bind(gather_p, (x, *idx), {"axes": tuple(int(a) for a in axes), "mode": mode, "fill_value": fill_value})


def scatter_add(x: Any, idx: Sequence[Any], updates: Any, axes: Sequence[int], mode: str = "drop") -> Any:
    """``x`` with ``updates`` (shape ``B + rest``) added at the indexed positions (repeats accumulate)."""
    return bind(scatter_add_p, (x, *idx, updates), {"axes": tuple(int(a) for a in axes), "mode": mode})


def scatter(x: Any, idx: Sequence[Any], updates: Any, axes: Sequence[int], op: str, mode: str = "drop") -> Any:
    """``x`` with ``updates`` combined into the indexed positions by ``op`` (set, mul, min, max)."""
    if op == "add":
        return scatter_add(x, idx, updates, axes, mode)
    return bind(scatter_p, (x, *idx, updates), {"axes": tuple(int(a) for a in axes), "mode": mode, "op": op})


def _full(shape: tuple[int, ...], value: Any, dtype: Any) -> np.ndarray:
    """A read-only constant array that costs nothing (one element, all strides zero);
    scatters recognise it and build their result afresh instead of copying it."""
    out = np.ndarray(shape, dtype, buffer=np.full(1, value, dtype), strides=(0,) * len(shape))
    out.flags.writeable = False
    return out


def _zeros(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    return _full(shape, 0, dtype)


# --------------------------------------------------------------------------- shape rules


def _rest_axes(ndim: int, axes: tuple[int, ...]) -> list[int]:
    return [a for a in range(ndim) if a not in axes]


def _check_axes(x: ShapedArray, idx: Sequence[ShapedArray], axes: tuple[int, ...], what: str) -> tuple[int, ...]:
    if not idx or len(idx) != len(axes) or len(set(axes)) != len(axes) or any(not 0 <= a < x.ndim for a in axes):
        raise ValueError(f"{what}: axes {axes} do not match {len(idx)} index arrays on an array of rank {x.ndim}")
    b = idx[0].shape if idx else ()
    for i in idx:
        if i.dtype.kind not in "iu":
            raise IndexError(f"{what}: index arrays must have an integer dtype, got {i.dtype}")
        if i.shape != b:
            raise ValueError(f"{what}: index arrays must share one shape, got {[j.shape for j in idx]}")
    return b


def _gather_shape(x: ShapedArray, idx: Sequence[ShapedArray], axes: tuple[int, ...]) -> tuple[int, ...]:
    b = _check_axes(x, idx, axes, "gather")
    return b + tuple(x.shape[a] for a in _rest_axes(x.ndim, axes))


def _gather_abstract_eval(
    x: ShapedArray, *idx: ShapedArray, axes: tuple[int, ...], mode: str, fill_value: Any
) -> ShapedArray:
    if mode not in GATHER_MODES:
        raise ValueError(f"gather: mode must be one of {GATHER_MODES}, got {mode!r}")
    return ShapedArray(_gather_shape(x, idx, axes), x.dtype)


def _scatter_abstract_eval(
    x: ShapedArray, *rest: ShapedArray, axes: tuple[int, ...], mode: str, op: str = "add"
) -> ShapedArray:
    *idx, u = rest
    if mode not in SCATTER_MODES:
        raise ValueError(f"scatter: mode must be one of {SCATTER_MODES}, got {mode!r}")
    want = _gather_shape(x, idx, axes)
    if u.shape != want:
        raise ValueError(f"scatter: updates of shape {u.shape} do not match the indexed shape {want}")
    return ShapedArray(x.shape, x.dtype)


gather_p.abstract_eval = _gather_abstract_eval
scatter_add_p.abstract_eval = _scatter_abstract_eval
scatter_p.abstract_eval = _scatter_abstract_eval


# --------------------------------------------------------------------------- implementations


def _normalise(idx: Sequence[Any], dims: Sequence[int], clip: bool) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Wrap negative indices; clip the rest into range, or return a mask of the in-range ones."""
    out: list[np.ndarray] = []
    valid: np.ndarray | None = None
    for i, n in zip(idx, dims):
        i = np.asarray(i)
        if i.size == 0 or (i.min() >= 0 and i.max() < n):
            out.append(i)
            continue
        if i.dtype.kind == "i":
            i = np.where(i < 0, i + n, i)
        if clip:
            i = np.clip(i, 0, max(n - 1, 0))
        else:
            ok = (i >= 0) & (i < n)
            valid = ok if valid is None else valid & ok
            i = np.where(ok, i, 0)
        out.append(i)
    if valid is not None and len(idx) > 1:
        valid = np.broadcast_to(valid, out[0].shape)
    return out, valid


def _default_fill(dtype: np.dtype) -> Any:
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "i":
        return np.iinfo(dtype).min
    if dtype.kind == "u":
        return np.iinfo(dtype).max
    return True


def _gather_impl(x: Any, *idx: Any, axes: tuple[int, ...], mode: str, fill_value: Any) -> np.ndarray:
    x = np.asarray(x)
    ii, valid = _normalise(idx, [x.shape[a] for a in axes], mode == "clip")
    if len(axes) == 1:
        a = axes[0]
        if a == 0:
            out = np.take(x, ii[0], axis=0)
        else:
            out = np.take(x, ii[0], axis=a)
            nb = ii[0].ndim
            out = out.transpose(list(range(a, a + nb)) + list(range(a)) + list(range(a + nb, out.ndim)))
    else:
        perm = list(axes) + _rest_axes(x.ndim, axes)
        xt = x if perm == sorted(perm) else x.transpose(perm)
        out = xt[tuple(ii)]
    if valid is not None and not valid.all():
        out = np.array(out)
        out[~valid] = _default_fill(x.dtype) if fill_value is None else fill_value
    return out


def _segment_sum(lin: np.ndarray, u2: np.ndarray, n: int, dtype: np.dtype) -> np.ndarray:
    """A new ``(n, r)`` array holding, in row ``j``, the sum of the rows ``u2[k]`` with
    ``lin[k] == j`` (in order of ``k``, exactly as a sequential loop; never np.add.at)."""
    r = u2.shape[1]
    if dtype.kind == "c":
        re = _segment_sum(lin, np.ascontiguousarray(u2.real), n, np.dtype(np.float64))
        im = _segment_sum(lin, np.ascontiguousarray(u2.imag), n, np.dtype(np.float64))
        return (re + 1j * im).astype(dtype, copy=False)
    if dtype.kind != "f":
        out = np.zeros((n, r), dtype)
        np.add.at(out, lin, u2)  # integers: exact, and rare
        return out
    if lin.size * 8 >= n:  # dense enough: one bincount over (row, column) pairs
        flat = lin if r == 1 else (lin[:, None] * r + np.arange(r)).ravel()
        out = np.bincount(flat, weights=u2.ravel(), minlength=n * r).reshape(n, r)
        return out.astype(dtype, copy=False)
    out = np.zeros((n, r), dtype)  # few updates into a large array: sort them, sum each run
    if lin.size == 0:
        return out
    order = np.argsort(lin, kind="stable")
    s = lin[order]
    starts = np.flatnonzero(s[1:] != s[:-1]) + 1
    if starts.size == s.size - 1:  # no repeats
        out[s] = u2[order]
    else:
        starts = np.concatenate(([0], starts))
        out[s[starts]] = np.add.reduceat(u2[order], starts, axis=0)
    return out


def _scatter_impl(x: Any, *rest: Any, axes: tuple[int, ...], mode: str, op: str = "add") -> np.ndarray:
    *idx, u = rest
    x = np.asarray(x)
    dims = [x.shape[a] for a in axes]
    ii, valid = _normalise(idx, dims, mode == "clip")
    rest_ax = _rest_axes(x.ndim, axes)
    perm = list(axes) + rest_ax
    in_order = perm == sorted(perm)
    n, r = math.prod(dims), math.prod(x.shape[a] for a in rest_ax)
    tshape = tuple(x.shape[a] for a in perm)
    lin = np.ravel(ii[0] if len(ii) == 1 else np.ravel_multi_index(tuple(ii), dims)).astype(np.intp, copy=False)
    u2 = np.asarray(u).astype(x.dtype, copy=False).reshape(lin.size, r)
    if valid is not None:
        keep = np.ravel(valid)
        lin, u2 = lin[keep], u2[keep]
    constant = x.ndim > 0 and not any(x.strides)  # a broadcast constant (e.g. the zeros of a transpose)
    if op == "add":
        out2 = _segment_sum(lin, u2, n, x.dtype)
        if not constant or x.size and x.flat[0] != 0:
            out2 += (x if in_order else x.transpose(perm)).reshape(n, r)
        out_t = out2.reshape(tshape)
    else:
        if constant:
            out_t = np.full(tshape, x.flat[0] if x.size else 0, x.dtype)
        else:
            out_t = np.empty(tshape, x.dtype)
            out_t[...] = x if in_order else x.transpose(perm)
        out2 = out_t.reshape(n, r)
        if op == "set":
            out2[lin] = u2  # repeated positions: the last update wins
        elif op == "mul":
            np.multiply.at(out2, lin, u2)
        elif op == "min":
            np.minimum.at(out2, lin, u2)
        elif op == "max":
            np.maximum.at(out2, lin, u2)
        else:
            raise ValueError(f"scatter: op must be one of {('add',) + SCATTER_OPS}, got {op!r}")
    return out_t if in_order else out_t.transpose(np.argsort(perm))


gather_p.impl = _gather_impl
scatter_add_p.impl = _scatter_impl
scatter_p.impl = _scatter_impl


# --------------------------------------------------------------------------- JVP and transpose rules


def _linear_gather_mode(mode: str) -> tuple[str, Any]:
    return ("clip", None) if mode == "clip" else ("fill", 0)


def _gather_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], *, axes: tuple[int, ...], mode: str, fill_value: Any
) -> tuple[Any, Any]:
    x, *idx = primals
    ans = gather(x, idx, axes, mode, fill_value)
    tx = tangents[0]
    if tx is None:
        return ans, None
    m, fv = _linear_gather_mode(mode)
    return ans, gather(tx, idx, axes, m, fv)


def _gather_transpose(ct: Any, x: Any, *idx: Any, axes: tuple[int, ...], mode: str, fill_value: Any) -> list[Any]:
    if not is_undefined(x) or any(is_undefined(i) for i in idx):
        raise NotImplementedError("gather is linear only in its array operand")
    zeros = _zeros(x.aval.shape, _dtype(ct))
    return [scatter_add(zeros, idx, ct, axes, "clip" if mode == "clip" else "drop")] + [None] * len(idx)


gather_p.jvp = _gather_jvp
gather_p.transpose = _gather_transpose


def _scatter_add_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], *, axes: tuple[int, ...], mode: str
) -> tuple[Any, Any]:
    x, *idx, u = primals
    tx, tu = tangents[0], tangents[-1]
    ans = scatter_add(x, idx, u, axes, mode)
    if tu is None:
        return ans, tx
    if tx is None:
        tx = _zeros(_shape(x), _dtype(tu))
    return ans, scatter_add(tx, idx, tu, axes, mode)


def _scatter_add_transpose(ct: Any, x: Any, *rest: Any, axes: tuple[int, ...], mode: str) -> list[Any]:
    *idx, u = rest
    ct_u = None
    if is_undefined(u):
        m, fv = _linear_gather_mode("clip" if mode == "clip" else "fill")
        ct_u = gather(ct, idx, axes, m, fv)
    return [ct if is_undefined(x) else None] + [None] * len(idx) + [ct_u]


scatter_add_p.jvp = _scatter_add_jvp
scatter_add_p.transpose = _scatter_add_transpose


def _as_float(b: Any, dtype: Any) -> Any:
    return convert_element_type(b, dtype)


def _scatter_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], *, axes: tuple[int, ...], mode: str, op: str
) -> tuple[Any, Any]:
    x, *idx, u = primals
    tx, tu = tangents[0], tangents[-1]
    ans = scatter(x, idx, u, axes, op, mode)
    xshape, ushape = _shape(x), _shape(u)
    dt = _dtype(tx if tx is not None else tu)
    if op == "set":
        # which update lands at each position (the last one of a repeated index)
        ids = np.arange(math.prod(ushape), dtype=np.int64).reshape(ushape)
        owner = scatter(_full(xshape, -1, np.int64), idx, ids, axes, "set", mode)
        winner = eq(gather(owner, idx, axes, "clip"), ids)
        t_u = None if tu is None else select(winner, tu, _zeros(ushape, dt))
        t_x = None if tx is None else select(ge(owner, 0), _zeros(xshape, dt), tx)
        if t_u is None:
            return ans, t_x
        return ans, scatter_add(_zeros(xshape, dt) if t_x is None else t_x, idx, t_u, axes, mode)
    if op == "mul":
        one = _full(xshape, 1, _dtype(u))
        t_out = None
        if tx is not None:
            t_out = mul(tx, scatter(one, idx, u, axes, "mul", mode))
        if tu is not None:
            # the product of the other updates at the same position, exact with zeros
            zero = eq(u, 0)
            u_safe = select(zero, _full(ushape, 1, _dtype(u)), u)
            p_nz = gather(scatter(one, idx, u_safe, axes, "mul", mode), idx, axes, "clip")
            n_zero = gather(
                scatter_add(_zeros(xshape, _dtype(u)), idx, _as_float(zero, _dtype(u)), axes, mode), idx, axes, "clip"
            )
            zeros_u = _zeros(ushape, _dtype(u))
            excl = select(
                zero,
                select(eq(n_zero, 1), p_nz, zeros_u),
                select(eq(n_zero, 0), div(p_nz, u_safe), zeros_u),
            )
            d = mul(x, scatter_add(_zeros(xshape, dt), idx, mul(tu, excl), axes, mode))
            t_out = d if t_out is None else add(t_out, d)
        return ans, t_out
    # min / max: the tangent is split equally among all values tied with the result
    w_u = _as_float(eq(u, gather(ans, idx, axes, "clip")), dt)
    w_x = _as_float(eq(x, ans), dt)
    count = add(w_x, scatter_add(_zeros(xshape, dt), idx, w_u, axes, mode))
    num = None if tx is None else mul(tx, w_x)
    if tu is not None:
        num = scatter_add(_zeros(xshape, dt) if num is None else num, idx, mul(tu, w_u), axes, mode)
    return ans, div(num, count)


scatter_p.jvp = _scatter_jvp


# --------------------------------------------------------------------------- batching


def _to_front(v: Any, d: int | None, n: int, shape: tuple[int, ...]) -> Any:
    """``v`` with its batch axis first (broadcast to ``n`` copies if unbatched)."""
    if d is None:
        return broadcast_to(reshape(v, (1,) + shape), (n,) + shape)
    return moveaxis(v, d, 0)


def _batch(
    vals: Sequence[Any], dims: Sequence[int | None], axes: tuple[int, ...], updates: bool, **params: Any
) -> tuple[Any, int]:
    x, dx = vals[0], dims[0]
    k = len(axes)
    idx, didx = list(vals[1 : 1 + k]), dims[1 : 1 + k]
    u, du = (vals[-1], dims[-1]) if updates else (None, None)
    n = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    prim = gather_p if not updates else (scatter_p if "op" in params else scatter_add_p)
    xshape = _shape(x) if dx is None else tuple(s for i, s in enumerate(_shape(x)) if i != dx)
    b = _shape(idx[0]) if didx[0] is None else tuple(s for i, s in enumerate(_shape(idx[0])) if i != didx[0])
    if all(d is None for d in didx):
        # the batch axis is one more non-indexed axis of the operand: nothing moves
        d = 0 if dx is None else dx
        if dx is None:
            x = _to_front(x, None, n, xshape)
        axes2 = tuple(a + (a >= d) for a in axes)
        pos = len(b) + d - sum(1 for a in axes2 if a < d)
        if not updates:
            return bind(prim, (x, *idx), {**params, "axes": axes2}), pos
        ushape = b + tuple(xshape[a] for a in _rest_axes(len(xshape), axes))
        if du is None:
            u = broadcast_to(reshape(u, ushape[:pos] + (1,) + ushape[pos:]), ushape[:pos] + (n,) + ushape[pos:])
        else:
            u = moveaxis(u, du, pos)
        return bind(prim, (x, *idx, u), {**params, "axes": axes2}), d
    idx = [_to_front(i, d, n, b) for i, d in zip(idx, didx)]
    if dx is None and not updates:
        return bind(prim, (x, *idx), {**params, "axes": axes}), 0
    x = _to_front(x, dx, n, xshape)
    iota = broadcast_to(np.arange(n).reshape((n,) + (1,) * len(b)), (n,) + b)
    axes2 = (0,) + tuple(a + 1 for a in axes)
    if not updates:
        return bind(prim, (x, iota, *idx), {**params, "axes": axes2}), 0
    ushape = b + tuple(xshape[a] for a in _rest_axes(len(xshape), axes))
    u = _to_front(u, du, n, ushape)
    return bind(prim, (x, iota, *idx, u), {**params, "axes": axes2}), 0


gather_p.batch = lambda vals, dims, axes, **p: _batch(vals, dims, axes, False, **p)
scatter_add_p.batch = lambda vals, dims, axes, **p: _batch(vals, dims, axes, True, **p)
scatter_p.batch = lambda vals, dims, axes, **p: _batch(vals, dims, axes, True, **p)

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(gather_p, scatter_add_p, scatter_p)
