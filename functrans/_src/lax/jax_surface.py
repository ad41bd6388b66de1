"""More of the ``jax.lax`` surface, built from existing primitives (no new primitives): ``clamp``,
``select_n``, ``rsqrt``, ``square``, ``expand_dims``, ``squeeze``, ``slice``, and ``reshape`` /
``dot_general`` with JAX's extra arguments.

Each follows ``jax.lax`` in values, dtypes and derivatives at ties (``clamp``'s derivative is
1 for ``x`` strictly inside ``(min, max)``, for ``min`` only where ``min > x`` and
``min < max``, for ``max`` only where ``max < x``; 0 at every tie).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.lax.comparisons import (
    convert_element_type,
    eq,
    gt,
    logical_and,
    lt,
    select,
    stop_gradient,
)
from functrans._src.lax.contraction import dot_general as _dot_general
from functrans._src.lax.elementwise import div, integer_pow, maximum, minimum, sqrt
from functrans._src.lax.rules import _dtype, _shape
from functrans._src.lax.shape import reshape as _reshape
from functrans._src.lax.shape import transpose
from functrans._src.lax.slicing import index

__all__ = ["clamp", "select_n", "rsqrt", "square", "expand_dims", "squeeze", "slice", "lax_reshape",
           "lax_dot_general"]


def clamp(min: Any, x: Any, max: Any) -> Any:  # noqa: A002
    """``x`` clipped to ``[min, max]`` (``max`` wins where ``min > max``), as ``jax.lax.clamp``;
    ``min`` and ``max`` are scalars or of ``x``'s shape."""
    for what, b in (("min", min), ("max", max)):
        if _shape(b) not in ((), _shape(x)):
            raise TypeError(f"clamp: {what} must be a scalar or have the shape of x {_shape(x)}, "
                            f"got shape {_shape(b)}")
    value = stop_gradient(minimum(maximum(x, min), max))
    out = select(lt(max, x), max, value)
    out = select(logical_and(gt(min, x), lt(min, max)), min, out)
    return select(logical_and(gt(x, min), lt(x, max)), x, out)


def select_n(which: Any, *cases: Any) -> Any:
    """``cases[which]`` elementwise: ``which`` is boolean (two cases) or an integer array."""
    if not cases:
        raise ValueError("select_n: at least one case is required")
    if len(cases) == 1:
        return cases[0]
    if _dtype(which).kind == "b":
        if len(cases) != 2:
            raise TypeError(f"select_n: a boolean `which` selects between 2 cases, got {len(cases)}")
        return select(which, cases[1], cases[0])
    if _dtype(which).kind not in "iu":
        raise TypeError(f"select_n: `which` must be boolean or integer, got {_dtype(which)}")
    out = cases[-1]
    for i in range(len(cases) - 2, -1, -1):
        out = select(eq(which, i), cases[i], out)
    return out


def rsqrt(x: Any) -> Any:
    """Elementwise ``1 / sqrt(x)``."""
    return div(np.ones((), _dtype(x)) if _dtype(x).kind in "fc" else 1.0, sqrt(x))


def square(x: Any) -> Any:
    """Elementwise ``x * x`` (keeps integer dtypes)."""
    return integer_pow(x, 2)


def expand_dims(array: Any, dimensions: Sequence[int]) -> Any:
    """Insert axes of length 1 at ``dimensions`` (positions in the result)."""
    shape = list(_shape(array))
    nd = len(shape) + len(dimensions)
    for d in sorted(int(d) % nd if -nd <= int(d) < nd else _bad_axis(d, nd) for d in dimensions):
        shape.insert(d, 1)
    return _reshape(array, tuple(shape))


def _bad_axis(d: int, nd: int) -> int:
    raise ValueError(f"axis {d} is out of bounds for an array of dimension {nd}")


def squeeze(array: Any, dimensions: Sequence[int]) -> Any:
    """Remove the axes ``dimensions``, each of length 1."""
    shape = _shape(array)
    nd = len(shape)
    dims = {int(d) % nd if -nd <= int(d) < nd else _bad_axis(d, nd) for d in dimensions}
    for d in dims:
        if shape[d] != 1:
            raise ValueError(f"squeeze: cannot squeeze axis {d} of length {shape[d]} (shape {shape})")
    return _reshape(array, tuple(s for i, s in enumerate(shape) if i not in dims))


def slice(operand: Any, start_indices: Sequence[int], limit_indices: Sequence[int],  # noqa: A001
          strides: Sequence[int] | None = None) -> Any:
    """``operand[start:limit:stride]`` along every axis (static bounds), as ``jax.lax.slice``."""
    shape = _shape(operand)
    strides = [1] * len(shape) if strides is None else list(strides)
    if not len(start_indices) == len(limit_indices) == len(strides) == len(shape):
        raise TypeError(f"slice: start_indices, limit_indices and strides must each have one entry "
                        f"per axis of the operand (shape {shape})")
    for s, lim, st, n in zip(start_indices, limit_indices, strides, shape):
        if not (0 <= s <= lim <= n) or st < 1:
            raise TypeError(f"slice: invalid bounds start={tuple(start_indices)}, "
                            f"limit={tuple(limit_indices)}, strides={tuple(strides)} for shape {shape}")
    idx = tuple(builtins.slice(int(s), int(lim), int(st))
                for s, lim, st in zip(start_indices, limit_indices, strides))
    return index(operand, idx)


def lax_reshape(operand: Any, new_sizes: Sequence[int], dimensions: Sequence[int] | None = None) -> Any:
    """Reshape to ``new_sizes``; with ``dimensions``, the axes are first permuted in that order
    (as ``jax.lax.reshape``)."""
    if dimensions is not None:
        operand = transpose(operand, tuple(dimensions))
    return _reshape(operand, tuple(new_sizes))


def lax_dot_general(lhs: Any, rhs: Any, dimension_numbers: Any, precision: Any = None,
                    preferred_element_type: Any = None, **kwargs: Any) -> Any:
    """``jax.lax.dot_general``; ``preferred_element_type`` sets the result dtype, ``precision``
    is accepted and ignored (NumPy computes at full precision)."""
    if preferred_element_type is not None:
        pdt = np.dtype(preferred_element_type)
        if pdt.kind in "fc" and _dtype(lhs).kind in "biu":
            lhs = convert_element_type(lhs, pdt)
        if pdt.kind in "fc" and _dtype(rhs).kind in "biu":
            rhs = convert_element_type(rhs, pdt)
    out = _dot_general(lhs, rhs, dimension_numbers)
    if preferred_element_type is not None and _dtype(out) != np.dtype(preferred_element_type):
        out = convert_element_type(out, preferred_element_type)
    return out
