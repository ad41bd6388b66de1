"""Windowed reductions (``jax.lax.reduce_window``) and ``jax.lax.associative_scan``.

``reduce_window`` picks the cheapest exact form for the reduction it is given, as JAX does:

* ``lax.add`` with init 0: a convolution with a kernel of ones (``conv_general_dilated``), so the
  sum is linear and its transpose is the convolution's;
* ``lax.max`` / ``lax.min`` with their identity as init: the primitives ``reduce_window_max`` and
  ``reduce_window_min``. Their JVP takes, in each window, the tangent of the first maximal
  (minimal) element, as XLA's select-and-gather does; it is written with primitives (the
  windows as a stack of strided slices, an ``argmax`` and a one-hot selection), so it can
  itself be differentiated and batched;
* anything else (``lax.mul``, a Python function, pytrees of operands, another init value): a
  fold of ``computation`` over the window positions, each a strided slice of the operands
  padded with the init values, all with primitives (so differentiable and batchable).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, Tracer, bind
from functrans._src.lax import elementwise
from functrans._src.lax.comparisons import convert_element_type, eq, select
from functrans._src.lax.convolution import ConvDimensionNumbers, _dilate, _dilate_pad, padtype_to_pads, windows
from functrans._src.lax.convolution import _bind as _conv_bind
from functrans._src.lax.cumulative import _interleave, _slice
from functrans._src.lax.reductions import reduce_sum
from functrans._src.lax.rules import _dtype, _prim, _shape
from functrans._src.lax.shape import broadcast_to, concatenate, reshape
from functrans._src.lax.slicing import index
from functrans._src.lax.sorting import argmax, argmin
from functrans._src.tree_util import tree_flatten, tree_unflatten

__all__ = ["reduce_window", "associative_scan_tree", "reduce_window_max_p", "reduce_window_min_p"]

Pads = tuple[tuple[int, int], ...]


def _max_identity(dt: np.dtype) -> Any:
    if dt.kind == "f":
        return -np.inf
    if dt.kind in "iu":
        return np.iinfo(dt).min
    if dt.kind == "b":
        return False
    raise TypeError(f"reduce_window max does not support dtype {dt}")


def _min_identity(dt: np.dtype) -> Any:
    if dt.kind == "f":
        return np.inf
    if dt.kind in "iu":
        return np.iinfo(dt).max
    if dt.kind == "b":
        return True
    raise TypeError(f"reduce_window min does not support dtype {dt}")


# --------------------------------------------------------------------------- windows with primitives


def _full(shape: tuple[int, ...], fill: Any, dt: np.dtype) -> Any:
    if isinstance(fill, Tracer):
        return broadcast_to(convert_element_type(fill, dt) if _dtype(fill) != dt else fill, shape)
    return np.full(shape, fill, dt)


def _pad_with(x: Any, fill: Any, base_dilation: Sequence[int], padding: Pads) -> Any:
    """``x`` dilated (``d - 1`` fills between neighbours) and padded (negative pads crop) along
    every axis, with primitives (``fill`` may be a traced scalar)."""
    dt = _dtype(x)
    for ax, d in enumerate(base_dilation):
        shape = _shape(x)
        n = shape[ax]
        if d == 1 or n <= 1:
            continue
        col = reshape(x, shape[: ax + 1] + (1,) + shape[ax + 1 :])
        gap = _full(shape[: ax + 1] + (d - 1,) + shape[ax + 1 :], fill, dt)
        x = reshape(concatenate([col, gap], ax + 1), shape[:ax] + (n * d,) + shape[ax + 1 :])
        x = _slice(x, ax, 0, _dilate(n, d))
    for ax, (lo, hi) in enumerate(padding):
        shape = _shape(x)
        if lo < 0 or hi < 0:
            x = _slice(x, ax, max(-lo, 0), shape[ax] - max(-hi, 0))
            shape = _shape(x)
        parts = []
        if lo > 0:
            parts.append(_full(shape[:ax] + (lo,) + shape[ax + 1 :], fill, dt))
        parts.append(x)
        if hi > 0:
            parts.append(_full(shape[:ax] + (hi,) + shape[ax + 1 :], fill, dt))
        if len(parts) > 1:
            x = concatenate(parts, ax)
    return x


def _out_shape(shape: Sequence[int], window: Sequence[int], strides: Sequence[int], padding: Pads,
               base_dilation: Sequence[int], window_dilation: Sequence[int]) -> tuple[int, ...]:
    out = []
    for n, k, s, (lo, hi), bd, wd in zip(shape, window, strides, padding, base_dilation, window_dilation):
        padded = _dilate(n, bd) + lo + hi
        span = _dilate(k, wd)
        out.append(0 if padded < span else (padded - span) // s + 1)
    return tuple(out)


def _window_slices(x: Any, window: Sequence[int], strides: Sequence[int], window_dilation: Sequence[int],
                   out: Sequence[int]) -> list[Any]:
    """One strided slice of the padded ``x`` per window position (C order), each of shape ``out``."""
    res = []
    for offs in itertools.product(*(range(k) for k in window)):
        idx = tuple(slice(o * wd, o * wd + (m - 1) * s + 1 if m else o * wd, s)
                    for o, wd, s, m in zip(offs, window_dilation, strides, out))
        res.append(index(x, idx))
    return res


def _stack_last(parts: Sequence[Any]) -> Any:
    shape = _shape(parts[0])
    return concatenate([reshape(p, shape + (1,)) for p in parts], len(shape))


# --------------------------------------------------------------------------- max / min primitives


def _chooser(name: str, reduce: Callable[..., Any], identity: Callable[[np.dtype], Any],
             arg: Callable[..., Any]) -> Any:
    p = _prim(name)

    def impl(x: Any, *, window_dimensions: tuple[int, ...], window_strides: tuple[int, ...], padding: Pads,
             base_dilation: tuple[int, ...], window_dilation: tuple[int, ...]) -> np.ndarray:
        x = np.asarray(x)
        xp = _dilate_pad(x, base_dilation, padding, identity(x.dtype))
        w = windows(xp, window_dimensions, window_strides, window_dilation)
        nd = x.ndim
        if w.size == 0:
            return np.full(w.shape[:nd], identity(x.dtype), x.dtype)
        return reduce(w, axis=tuple(range(nd, 2 * nd)))

    def abstract_eval(x: ShapedArray, *, window_dimensions: tuple[int, ...], window_strides: tuple[int, ...],
                      padding: Pads, base_dilation: tuple[int, ...], window_dilation: tuple[int, ...]) -> ShapedArray:
        return ShapedArray(_out_shape(x.shape, window_dimensions, window_strides, padding, base_dilation,
                                      window_dilation), x.dtype)

    def jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        (x,), (t,) = primals, tangents
        out = bind(p, (x,), params)
        if t is None:
            return out, None
        wd, ws, pads = params["window_dimensions"], params["window_strides"], params["padding"]
        bd, wdil = params["base_dilation"], params["window_dilation"]
        oshape = _shape(out)
        xs = _stack_last(_window_slices(_pad_with(x, identity(_dtype(x)), bd, pads), wd, ws, wdil, oshape))
        ts = _stack_last(_window_slices(_pad_with(t, 0, bd, pads), wd, ws, wdil, oshape))
        k = math.prod(wd)
        first = reshape(arg(xs, len(oshape)), oshape + (1,))
        hot = eq(np.arange(k).reshape((1,) * len(oshape) + (k,)), first)
        return out, reduce_sum(select(hot, ts, np.zeros((), _dtype(ts))), (len(oshape),))

    def batch(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, int]:
        (x,), (d,) = vals, dims

        def ins(v: tuple, e: Any) -> tuple:
            return tuple(v[:d]) + (e,) + tuple(v[d:])

        new = {k: ins(v, (0, 0) if k == "padding" else 1) for k, v in params.items()}
        return bind(p, (x,), new), d

    p.impl, p.abstract_eval, p.jvp, p.batch = impl, abstract_eval, jvp, batch
    return p


reduce_window_max_p = _chooser("reduce_window_max", np.max, _max_identity, argmax)
reduce_window_min_p = _chooser("reduce_window_min", np.min, _min_identity, argmin)


def _window_sum(x: Any, window: tuple[int, ...], strides: tuple[int, ...], pads: Pads, base: tuple[int, ...],
                wdil: tuple[int, ...]) -> Any:
    """The windowed sum as a convolution of ``x`` (as one example with one feature) with ones."""
    shape = _shape(x)
    nd = len(shape)
    ones = np.ones((1, 1) + window, _dtype(x))
    iota = tuple(range(nd + 2))
    out = _conv_bind(reshape(x, (1, 1) + shape), ones, strides, pads, base, wdil,
                     ConvDimensionNumbers(iota, iota, iota), 1, 1, None)
    return reshape(out, _shape(out)[2:])


# --------------------------------------------------------------------------- reduce_window


def _is(fn: Any, *names: str) -> bool:
    """Is ``fn`` one of the named elementwise primitives' wrappers (``functrans.lax.add`` ...)?"""
    return any(fn is getattr(elementwise, n, None) for n in names)


def _concrete_scalar(v: Any) -> Any:
    if isinstance(v, Tracer) or _shape(v) != ():
        return None
    return np.asarray(v).item()


def _int_tuple(v: Any, n: int, what: str, default: int) -> tuple[int, ...]:
    if v is None:
        return (default,) * n
    try:
        t = tuple(operator.index(i) for i in v)
    except TypeError as e:
        raise TypeError(f"reduce_window {what} must be a sequence of ints, got {v!r}") from e
    if len(t) != n:
        raise TypeError(f"reduce_window {what} must have one entry per axis of the operand ({n}), got {t}")
    return t


def reduce_window(operand: Any, init_value: Any, computation: Callable[..., Any], window_dimensions: Sequence[int],
                  window_strides: Sequence[int] | None = None, padding: Any = "VALID",
                  base_dilation: Sequence[int] | None = None, window_dilation: Sequence[int] | None = None) -> Any:
    """Reduce every (strided, padded, dilated) window of ``operand`` with ``computation``, starting
    from ``init_value``, as ``jax.lax.reduce_window``. ``operand`` and ``init_value`` may be pytrees
    of the same structure (then ``computation`` maps two such trees to one)."""
    flat_ops, tree = tree_flatten(operand)
    flat_init, init_tree = tree_flatten(init_value)
    if tree != init_tree:
        raise ValueError(f"Operands must have the same tree structure as init_values: {tree} vs. {init_tree}")
    if not flat_ops:
        raise ValueError("reduce_window must have at least one operand.")
    shape = _shape(flat_ops[0])
    nd = len(shape)
    for o in flat_ops[1:]:
        if _shape(o) != shape:
            raise ValueError(f"reduce_window operands must have the same shape, got {shape} and {_shape(o)}")
    for v in flat_init:
        if _shape(v) != ():
            raise TypeError(f"reduce_window init_value must be a scalar, got shape {_shape(v)}")
    window = _int_tuple(window_dimensions, nd, "window_dimensions", 1)
    strides = _int_tuple(window_strides, nd, "window_strides", 1)
    base = _int_tuple(base_dilation, nd, "base_dilation", 1)
    wdil = _int_tuple(window_dilation, nd, "window_dilation", 1)
    if isinstance(padding, str):
        pads = tuple(padtype_to_pads(shape, [_dilate(k, d) for k, d in zip(window, wdil)], strides, padding))
    else:
        pads = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
        if len(pads) != nd:
            raise TypeError(f"reduce_window padding must have one (low, high) pair per axis of the operand ({nd}), "
                            f"got {len(pads)}")
    for name, v in (("window_dimensions", window), ("window_strides", strides), ("base_dilation", base),
                    ("window_dilation", wdil)):
        if any(i < (0 if name == "window_dimensions" else 1) for i in v):
            raise TypeError(f"reduce_window {name} must be positive, got {v}")
    if len(flat_ops) == 1:
        x = flat_ops[0]
        init = _concrete_scalar(flat_init[0])
        dt = _dtype(x)
        params = {"window_dimensions": window, "window_strides": strides, "padding": pads, "base_dilation": base,
                  "window_dilation": wdil}
        if init is not None:
            if _is(computation, "add") and init == 0 and dt.kind != "b":
                return tree_unflatten(tree, [_window_sum(x, window, strides, pads, base, wdil)])
            if _is(computation, "max", "maximum") and dt.kind != "c" and init == _max_identity(dt):
                return tree_unflatten(tree, [bind(reduce_window_max_p, (x,), params)])
            if _is(computation, "min", "minimum") and dt.kind != "c" and init == _min_identity(dt):
                return tree_unflatten(tree, [bind(reduce_window_min_p, (x,), params)])
    # the general fold: init, then every window position in turn
    out = _out_shape(shape, window, strides, pads, base, wdil)
    padded = [_pad_with(x, v if isinstance(v, Tracer) else np.asarray(v).item(), base, pads)
              for x, v in zip(flat_ops, flat_init)]
    acc = [broadcast_to(v, out) if _shape(v) != out else v for v in flat_init]
    slices = [_window_slices(p, window, strides, wdil, out) for p in padded]
    # positions that fall on padding or between dilated elements take no part (as XLA computes it)
    inside = windows(_dilate_pad(np.ones(shape, bool), base, pads, False), window, strides, wdil)
    inside = inside.reshape(out + (-1,))
    for k in range(math.prod(window)):
        mask = inside[..., k]
        if not mask.any():
            continue
        res = computation(tree_unflatten(tree, acc), tree_unflatten(tree, [s[k] for s in slices]))
        res_flat, res_tree = tree_flatten(res)
        if res_tree != tree:
            raise ValueError(f"reduce_window output must have the same tree structure as the operands {tree} vs. "
                             f"{res_tree}")
        acc = res_flat if mask.all() else [select(mask, r, a) for r, a in zip(res_flat, acc)]
    return tree_unflatten(tree, acc)


# --------------------------------------------------------------------------- associative_scan


def associative_scan_tree(fn: Callable[[Any, Any], Any], elems: Any, reverse: bool = False, axis: int = 0) -> Any:
    """Inclusive scan of the pytree ``elems`` along ``axis`` with the associative ``fn``, as
    ``jax.lax.associative_scan``: the odd/even recursion (O(log n) depth), written with primitives
    so it can be differentiated, batched and jitted."""
    flat, tree = tree_flatten(elems)
    if not flat:
        raise ValueError("associative_scan needs at least one array in elems")
    nd = len(_shape(flat[0]))
    if reverse and axis < 0:  # as JAX (its reversal takes the axis before normalising it)
        raise TypeError(f"associative_scan: with reverse=True the axis must be non-negative, got {axis}")
    if not -nd <= axis < nd:
        raise ValueError(f"associative_scan: axis {axis} is out of bounds for an array of dimension {nd}")
    axis %= nd
    n = _shape(flat[0])[axis]
    if any(_shape(e)[axis] != n for e in flat[1:]):
        raise ValueError("Array inputs to associative_scan must have the same first dimension. (saw: "
                         f"{[_shape(e) for e in flat]})")

    def combine(a: list[Any], b: list[Any]) -> list[Any]:
        c_flat, c_tree = tree_flatten(fn(tree_unflatten(tree, a), tree_unflatten(tree, b)))
        if c_tree != tree:
            raise ValueError(f"associative_scan: fn must return the same tree structure as elems, got {c_tree} "
                             f"for {tree}")
        return c_flat

    def scan(xs: list[Any]) -> list[Any]:
        m = _shape(xs[0])[axis]
        if m < 2:
            return xs
        odd = scan(combine([_slice(e, axis, 0, m - 1, 2) for e in xs], [_slice(e, axis, 1, None, 2) for e in xs]))
        if m % 2 == 0:
            even = combine([_slice(e, axis, 0, _shape(e)[axis] - 1) for e in odd],
                           [_slice(e, axis, 2, None, 2) for e in xs])
        else:
            even = combine(odd, [_slice(e, axis, 2, None, 2) for e in xs])
        even = [concatenate([_slice(e, axis, 0, 1), r], axis) for e, r in zip(xs, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    if reverse:
        flat = [_slice(e, axis, None, None, -1) for e in flat]
    out = scan(list(flat))
    if reverse:
        out = [_slice(e, axis, None, None, -1) for e in out]
    return tree_unflatten(tree, out)
