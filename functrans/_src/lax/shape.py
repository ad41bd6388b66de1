"""Shape operations: ``broadcast_to``, ``reshape``, ``transpose``, ``concatenate``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind, is_undefined
from functrans._src.lax.rules import (
    _elementwise_dtype,
    _is_array,
    _prim,
    _shape,
    _sig,
    allow_complex,
    broadcast_shapes,
    deflinear,
    moveaxis,
    unbroadcast,
)
from functrans._src.lax.slicing import index

# --------------------------------------------------------------------------- shape operations

broadcast_to_p = _prim("broadcast_to")


def _broadcast_to_impl(x: Any, shape: tuple[int, ...]) -> Any:
    if (type(x) is np.ndarray or isinstance(x, np.generic)) and x.size == 1 and x.ndim <= len(shape):
        # one element (a reduction's cotangent, a seed): every axis has stride 0, a read-only
        # view built directly (np.broadcast_to's own preamble costs several microseconds)
        out = np.ndarray(shape, x.dtype, np.asarray(x), 0, (0,) * len(shape))
        out.flags.writeable = False
        return out
    return np.broadcast_to(x, shape)


broadcast_to_p.impl = _broadcast_to_impl


def _broadcast_to_abstract_eval(x: ShapedArray, shape: tuple[int, ...]) -> ShapedArray:
    if broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"cannot broadcast an array of shape {x.shape} to shape {shape}")
    return ShapedArray(shape, x.dtype)


broadcast_to_p.abstract_eval = _broadcast_to_abstract_eval


def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    """Broadcast ``x`` to ``shape`` (NumPy rules); an array of that shape is returned as it is."""
    shape = tuple(int(d) for d in shape)
    if _is_array(x) and x.shape == shape:
        return x
    return bind(broadcast_to_p, (x,), {"shape": shape})


deflinear(broadcast_to_p, lambda ct, x, shape: [unbroadcast(ct, x.aval.shape)])


def _broadcast_to_batch(vals: Sequence[Any], dims: Sequence[Any], shape: tuple[int, ...]) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    xs = _shape(x)
    pad = len(shape) - (len(xs) - 1)  # NumPy left-pads the example's shape to len(shape)
    if pad:
        x = reshape(x, (1,) * pad + xs)
        d += pad
    return broadcast_to(x, shape[:d] + (xs[dims[0]],) + shape[d:]), d


broadcast_to_p.batch = _broadcast_to_batch

reshape_p = _prim("reshape")
reshape_p.impl = lambda x, new_shape: np.reshape(x, new_shape)


def _reshape_abstract_eval(x: ShapedArray, new_shape: tuple[int, ...]) -> ShapedArray:
    if math.prod(new_shape) != x.size:
        raise ValueError(f"cannot reshape array of shape {x.shape} (size {x.size}) into shape {new_shape}")
    return ShapedArray(new_shape, x.dtype)


reshape_p.abstract_eval = _reshape_abstract_eval


def reshape(x: Any, new_shape: Sequence[int]) -> Any:
    """Reshape to a fully specified ``new_shape`` (no -1); an array of that shape is returned as it is."""
    new_shape = tuple(int(d) for d in new_shape)
    if _is_array(x) and x.shape == new_shape:
        return x
    return bind(reshape_p, (x,), {"new_shape": new_shape})


deflinear(reshape_p, lambda ct, x, new_shape: [reshape(ct, x.aval.shape)])


def _reshape_batch(vals: Sequence[Any], dims: Sequence[Any], new_shape: tuple[int, ...]) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    return reshape(moveaxis(x, d, 0), (_shape(x)[d],) + new_shape), 0


reshape_p.batch = _reshape_batch

transpose_p = _prim("transpose")
transpose_p.impl = lambda x, permutation: np.transpose(x, permutation)


def _transpose_abstract_eval(x: ShapedArray, permutation: tuple[int, ...]) -> ShapedArray:
    if sorted(permutation) != list(range(x.ndim)):
        raise ValueError(f"transpose permutation {permutation} is not a permutation of the axes of shape {x.shape}")
    return ShapedArray(tuple(x.shape[i] for i in permutation), x.dtype)


transpose_p.abstract_eval = _transpose_abstract_eval


def transpose(operand: Any, permutation: Sequence[int]) -> Any:
    """Permute the axes of ``operand`` (the identity permutation returns an array as it is)."""
    permutation = tuple(int(i) for i in permutation)
    if _is_array(operand) and permutation == tuple(range(len(permutation))):
        return operand
    return bind(transpose_p, (operand,), {"permutation": permutation})


deflinear(
    transpose_p,
    lambda ct, x, permutation: [transpose(ct, tuple(int(i) for i in np.argsort(permutation)))],
)


def _transpose_batch(vals: Sequence[Any], dims: Sequence[Any], permutation: tuple[int, ...]) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    perm = [a if a < d else a + 1 for a in permutation]
    perm.insert(d, d)  # the batch axis stays where it is
    return transpose(x, perm), d


transpose_p.batch = _transpose_batch


concatenate_p = _prim("concatenate")
concatenate_p.impl = lambda *xs, axis: np.concatenate(xs, axis=axis)


def _concatenate_abstract_eval(*xs: ShapedArray, axis: int) -> ShapedArray:
    s0 = xs[0].shape
    for x in xs[1:]:
        if x.ndim != len(s0) or any(a != b for i, (a, b) in enumerate(zip(x.shape, s0)) if i != axis):
            raise ValueError(f"concatenate: all shapes must match except on axis {axis}, got {[x.shape for x in xs]}")
    shape = s0[:axis] + (sum(x.shape[axis] for x in xs),) + s0[axis + 1 :]
    return ShapedArray(shape, _elementwise_dtype(lambda *a: np.concatenate([np.atleast_1d(b) for b in a]), _sig(xs)))


concatenate_p.abstract_eval = _concatenate_abstract_eval


def concatenate(operands: Sequence[Any], dimension: int) -> Any:
    """Join arrays along an existing (non-negative) axis ``dimension``."""
    return bind(concatenate_p, tuple(operands), {"axis": int(dimension)})


def _concatenate_transpose(ct: Any, *xs: Any, axis: int) -> list[Any]:
    out = []
    start = 0
    nd = len(_shape(ct))
    for x in xs:
        size = (x.aval.shape if is_undefined(x) else _shape(x))[axis]
        if is_undefined(x):
            idx = (slice(None),) * axis + (slice(start, start + size),) + (slice(None),) * (nd - axis - 1)
            out.append(index(ct, idx))
        else:
            out.append(None)
        start += size
    return out


deflinear(concatenate_p, _concatenate_transpose)


def _concatenate_batch(vals: Sequence[Any], dims: Sequence[Any], axis: int) -> tuple[Any, int]:
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    xs = [broadcast_to(v, (size,) + _shape(v)) if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    return concatenate(xs, axis + 1), 0


concatenate_p.batch = _concatenate_batch

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(reshape_p, broadcast_to_p, transpose_p, concatenate_p)
