"""Helpers shared by the ``functrans.numpy`` family modules: shapes, axes, list inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer, get_aval
from functrans._src.lax.rules import inexact_dtype


def _shape(x: Any) -> tuple[int, ...]:
    try:
        return x.shape  # arrays, NumPy scalars and traced values
    except AttributeError:
        return get_aval(_arr(x)).shape


def _arr(x: Any) -> Any:
    """Lists and tuples become arrays (stacking traced entries); everything else passes."""
    if isinstance(x, list | tuple):
        if any(isinstance(e, Tracer) or isinstance(e, list | tuple) for e in x):
            return _stack([_arr(e) for e in x], 0)
        return np.asarray(x)
    return x


def _stack(arrs: list[Any], axis: int) -> Any:
    """Join already-converted arrays along a new axis (the body of ``numpy.stack``)."""
    if not arrs:
        raise ValueError("need at least one array to stack")
    shp = _shape(arrs[0])
    for x in arrs[1:]:
        if _shape(x) != shp:
            raise ValueError("all input arrays must have the same shape")
    ax = _axis(axis, len(shp) + 1)
    new = shp[:ax] + (1,) + shp[ax:]
    return lax.concatenate([lax.reshape(x, new) for x in arrs], ax) if len(arrs) > 1 else lax.reshape(arrs[0], new)


def _axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axs = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axs:
        a = int(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"axis {a} is out of bounds for array of dimension {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"duplicate value in 'axis': {axis}")
    return tuple(sorted(out))


def _axis(axis: int, ndim: int) -> int:
    """One normalised axis; a sequence raises TypeError (as NumPy), never silently its first."""
    if axis is not None and not isinstance(axis, int | np.integer):
        if hasattr(axis, "__index__"):
            axis = axis.__index__()
        else:
            raise TypeError(f"'{type(axis).__name__}' object cannot be interpreted as an integer "
                            f"(axis must be a single integer here, got {axis!r})")
    return _axes(axis, ndim)[0]


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _as_float(x: Any) -> Any:
    """``x`` as a floating value: Python ints and bools become floats (weakly typed), integer
    and boolean arrays JAX's floating type for them (float64 for 64-bit integers, else float32);
    floating and complex values pass unchanged."""
    x = _arr(x)
    if isinstance(x, bool | int):
        return float(x)
    if isinstance(x, float):
        return x
    dt = get_aval(x).dtype
    return x if dt.kind in "fc" else lax.convert_element_type(x, inexact_dtype(dt))


class _ShapeLinAlgError(np.linalg.LinAlgError, TypeError):
    """An operand of the wrong rank or shape: NumPy's LinAlgError, and a TypeError as JAX's."""
