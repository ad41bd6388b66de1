"""Bitwise primitives on integers (and booleans where JAX allows them): ``bitwise_and``,
``bitwise_or``, ``bitwise_xor``, ``bitwise_not``, ``shift_left``, ``shift_right_arithmetic``,
``shift_right_logical``, ``population_count``, ``clz``; and the logical reductions
``reduce_and``/``reduce_or``/``reduce_xor`` built on them.

Values follow XLA (as ``jax.lax``): a shift by at least the bit width (or by a negative
amount, read as unsigned) gives 0, or the sign fill for ``shift_right_arithmetic``; the
arithmetic shift reads the bits as signed, the logical one as unsigned, whatever the dtype.
Binary operands must share one dtype (a Python int adapts to the other operand). All are
piecewise constant: their tangents are symbolic zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind
from functrans._src.lax.rules import (
    _batch_elementwise,
    _batch_same_dim,
    _dtype,
    _prim,
    _shape,
    broadcast_shapes,
    defjvp_zero,
)
from functrans._src.lax.shape import reshape
from functrans._src.lax.slicing import index

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "shift_left", "shift_right_arithmetic",
           "shift_right_logical", "population_count", "clz", "reduce_and", "reduce_or", "reduce_xor",
           "bitwise_and_p", "bitwise_or_p", "bitwise_xor_p", "bitwise_not_p", "shift_left_p",
           "shift_right_arithmetic_p", "shift_right_logical_p", "population_count_p", "clz_p"]


def _unsigned(dt: np.dtype) -> np.dtype:
    return np.dtype(f"u{dt.itemsize}")


def _signed(dt: np.dtype) -> np.dtype:
    return np.dtype(f"i{dt.itemsize}")


def _shift_impl(kind: str) -> Callable[[Any, Any], np.ndarray]:
    def impl(x: Any, y: Any) -> np.ndarray:
        x, y = np.asarray(x), np.asarray(y)
        dt = x.dtype
        bits = 8 * dt.itemsize
        big = y.astype(_unsigned(dt), copy=False) >= bits
        amount = np.where(big, 0, y).astype(dt)
        if kind == "left":
            out = np.left_shift(x, amount)
            fill: Any = 0
        elif kind == "logical":
            out = np.right_shift(x.view(_unsigned(dt)), amount.astype(_unsigned(dt))).view(dt)
            fill = 0
        else:
            xs = x.view(_signed(dt))
            out = np.right_shift(xs, amount.astype(_signed(dt))).view(dt)
            fill = np.where(xs < 0, np.array(-1, _signed(dt)), np.array(0, _signed(dt))).view(dt)
        return np.asarray(np.where(big, fill, out), dt)

    return impl


def _popcount(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return np.bitwise_count(x.view(_unsigned(x.dtype))).astype(x.dtype)


def _clz(x: Any) -> np.ndarray:
    x = np.asarray(x)
    dt = x.dtype
    v = x.view(_unsigned(dt)).copy()
    s = 1
    while s < 8 * dt.itemsize:
        v |= v >> np.asarray(s, v.dtype)
        s *= 2
    return (8 * dt.itemsize - np.bitwise_count(v).astype(np.int64)).astype(dt)


def _binary(name: str, fn: Callable[[Any, Any], Any], bools: bool):
    p = _prim(name)
    p.impl = fn

    def abstract_eval(x: ShapedArray, y: ShapedArray) -> ShapedArray:
        for k, a in enumerate((x, y)):
            if not (a.dtype.kind in "iu" or (bools and a.dtype.kind == "b")):
                raise TypeError(f"{name} does not accept dtype {a.dtype} at position {k}. Accepted dtypes are "
                                f"subtypes of integer{' and bool' if bools else ''}.")
        if x.dtype != y.dtype and not (x.weak_type or y.weak_type):
            raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got {x.dtype}, {y.dtype}.")
        dt = y.dtype if x.weak_type and not y.weak_type else x.dtype
        return ShapedArray(broadcast_shapes(x.shape, y.shape), dt)

    p.abstract_eval = abstract_eval
    p.batch = _batch_elementwise(p)
    defjvp_zero(p)

    def f(x: Any, y: Any) -> Any:
        # Python scalars count as int64/bool, as jax.lax (no weak-type adaptation here)
        if _shape(x) != _shape(y) and _shape(x) and _shape(y):
            raise TypeError(f"lax.{name} requires arguments of the same shape (or scalars), got "
                            f"{_shape(x)} and {_shape(y)}")
        abstract_eval(ShapedArray(_shape(x), _dtype(x)), ShapedArray(_shape(y), _dtype(y)))
        return bind(p, (x, y), {})

    f.__name__ = name
    f.__doc__ = f"Elementwise ``{name}`` (as ``jax.lax.{name}``)."
    return p, f


def _unary(name: str, fn: Callable[[Any], Any], bools: bool):
    p = _prim(name)
    p.impl = fn

    def abstract_eval(x: ShapedArray) -> ShapedArray:
        if not (x.dtype.kind in "iu" or (bools and x.dtype.kind == "b")):
            raise TypeError(f"{name} does not accept dtype {x.dtype}. Accepted dtypes are subtypes of "
                            f"integer{' and bool' if bools else ''}.")
        return ShapedArray(x.shape, x.dtype)

    p.abstract_eval = abstract_eval
    p.batch = _batch_same_dim(p)
    defjvp_zero(p)

    def f(x: Any) -> Any:
        abstract_eval(ShapedArray(_shape(x), _dtype(x)))
        return bind(p, (x,), {})

    f.__name__ = name
    f.__doc__ = f"Elementwise ``{name}`` (as ``jax.lax.{name}``)."
    return p, f


bitwise_and_p, bitwise_and = _binary("bitwise_and", np.bitwise_and, True)
bitwise_or_p, bitwise_or = _binary("bitwise_or", np.bitwise_or, True)
bitwise_xor_p, bitwise_xor = _binary("bitwise_xor", np.bitwise_xor, True)
bitwise_not_p, bitwise_not = _unary("bitwise_not", np.invert, True)
shift_left_p, shift_left = _binary("shift_left", _shift_impl("left"), False)
shift_right_arithmetic_p, shift_right_arithmetic = _binary("shift_right_arithmetic", _shift_impl("arith"), False)
shift_right_logical_p, shift_right_logical = _binary("shift_right_logical", _shift_impl("logical"), False)
population_count_p, population_count = _unary("population_count", _popcount, False)
clz_p, clz = _unary("clz", _clz, False)


# --------------------------------------------------------------------------- logical reductions


def tree_reduce(x: Any, axes: Sequence[int], op: Callable[[Any, Any], Any], identity: Any) -> Any:
    """Reduce ``x`` over ``axes`` with the associative, elementwise ``op`` by pairwise halving
    (the reduced axes are moved last and flattened; ``identity`` pads odd lengths and is the
    result of an empty reduction). ``op`` may be any composition of primitives, so the result is
    differentiable and batchable wherever ``op`` is."""
    from functrans._src.lax.construction import full
    from functrans._src.lax.shape import concatenate, transpose

    shape = tuple(_shape(x))
    nd = len(shape)
    axes = sorted({int(a) % nd if nd else int(a) for a in axes})
    if any(not 0 <= a < nd for a in axes):
        raise ValueError(f"reduction axes {tuple(axes)} are out of range for an array of rank {nd}")
    kept = [i for i in range(nd) if i not in axes]
    out_shape = tuple(shape[i] for i in kept)
    n = int(np.prod([shape[a] for a in axes])) if axes else 1
    if not axes:
        return x
    if n == 0:
        return full(out_shape, identity, _dtype(x))
    v = reshape(transpose(x, kept + axes), out_shape + (n,))
    last = len(out_shape)
    while n > 1:
        if n % 2:
            v = concatenate([v, full(out_shape + (1,), identity, _dtype(v))], last)
            n += 1
        even = index(v, (slice(None),) * last + (slice(0, None, 2),))
        odd = index(v, (slice(None),) * last + (slice(1, None, 2),))
        v = op(even, odd)
        n //= 2
    return reshape(v, out_shape)


def _logical_reduction(name: str, op: Callable[[Any, Any], Any], ident_bool: bool, ident_int: int):
    def f(operand: Any, axes: Sequence[int]) -> Any:
        dt = _dtype(operand)
        if dt.kind not in "biu":
            raise TypeError(f"logical reduction requires operand dtype bool or int, got {dt}.")
        ident = ident_bool if dt.kind == "b" else np.asarray(ident_int).astype(dt)
        return tree_reduce(operand, tuple(axes), op, ident)

    f.__name__ = name
    f.__doc__ = f"``{name}`` over ``axes`` (bitwise for integers, logical for booleans), as ``jax.lax.{name}``."
    return f


reduce_and = _logical_reduction("reduce_and", bitwise_and, True, -1)
reduce_or = _logical_reduction("reduce_or", bitwise_or, False, 0)
reduce_xor = _logical_reduction("reduce_xor", bitwise_xor, False, 0)
