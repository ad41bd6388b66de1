"""Shape and structure functions of ``functrans.numpy`` (reshape, transpose, stacking, ...)
and array creation (``array``, ``asarray``, ``*_like``, NumPy's constants and dtypes)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import OperandError, Tracer, get_aval, operand_error
from functrans._src.numpy.array import Array, as_array
from functrans._src.numpy.util import _arr, _axes, _axis, _shape, _stack

__all__ = [
    "shape", "ndim", "size", "reshape", "ravel", "transpose", "swapaxes", "moveaxis", "expand_dims",
    "squeeze", "broadcast_to", "atleast_1d", "concatenate", "stack", "vstack", "hstack",
    "zeros_like", "ones_like", "empty_like", "full_like", "array", "asarray", "astype",
    "zeros", "ones", "empty", "full", "eye", "identity", "arange", "linspace", "logspace",
    "pi", "e", "inf", "nan", "newaxis", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint32", "uint64", "complex64", "complex128", "bool_", "dtype", "finfo", "iinfo", "ndarray",
]  # fmt: skip

# --------------------------------------------------------------------------- shapes


def shape(a: Any) -> tuple[int, ...]:
    """The shape of an array or traced value."""
    return _shape(_arr(a))


def ndim(a: Any) -> int:
    """The number of dimensions."""
    return len(shape(a))


def size(a: Any, axis: int | None = None) -> int:
    """The number of elements (along ``axis`` if given)."""
    if axis is not None:
        return _shape(_arr(a))[axis]
    return math.prod(shape(a))


def reshape(a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None, copy: bool | None = None,  # noqa: A002
            out_sharding: Any = None) -> Any:  # fmt: skip
    """Reshape, with at most one ``-1`` entry inferred; ``order="F"`` reads and writes the
    elements in column-major order (a transposed C-order reshape)."""
    if order not in ("C", "F"):
        raise NotImplementedError(f"functrans.numpy.reshape supports order 'C' and 'F', got {order!r}")
    a = _arr(a)
    if order == "F":
        new = shape if newshape is None else newshape
        new = (new,) if isinstance(new, int | np.integer) else tuple(int(d) for d in new)
        nd = len(_shape(a))
        at = transpose(a, tuple(range(nd - 1, -1, -1))) if nd > 1 else a
        out = reshape(at, new[::-1])
        return transpose(out, tuple(range(len(_shape(out)) - 1, -1, -1))) if len(_shape(out)) > 1 else out
    new = shape if newshape is None else newshape
    if new is None:
        raise TypeError("reshape() missing the new shape")
    new = (new,) if isinstance(new, int | np.integer) else tuple(int(d) for d in new)
    old = _shape(a)
    total = math.prod(old)
    if new.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension")
    if -1 in new:
        known = math.prod([d for d in new if d != -1])
        if known == 0 or total % known:
            raise ValueError(f"cannot reshape array of size {total} into shape {new}")
        new = tuple(total // known if d == -1 else d for d in new)
    if new == old:
        return a
    return lax.reshape(a, new)


def ravel(a: Any, order: str = "C", *, out_sharding: Any = None) -> Any:
    """Flatten to one dimension (``order="F"``: column-major)."""
    return reshape(a, (-1,), order)


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes (reverse them by default)."""
    a = _arr(a)
    nd = len(_shape(a))
    perm = tuple(range(nd))[::-1] if axes is None else tuple(_axis(i, nd) for i in axes)
    if len(perm) != nd or sorted(perm) != list(range(nd)):
        raise OperandError(f"axes {axes} don't match array of dimension {nd}")
    if perm == tuple(range(nd)):
        return a
    return lax.transpose(a, perm)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Interchange two axes."""
    nd = len(_shape(_arr(a)))
    perm = list(range(nd))
    i, j = _axis(axis1, nd), _axis(axis2, nd)
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a: Any, source: int | Sequence[int], destination: int | Sequence[int]) -> Any:
    """Move axes to new positions (ints or sequences of the same length)."""
    nd = len(_shape(_arr(a)))
    src = [source] if isinstance(source, int | np.integer) else list(source)
    dst = [destination] if isinstance(destination, int | np.integer) else list(destination)
    if len(src) != len(dst):
        raise ValueError("`source` and `destination` arguments must have the same number of elements")
    src, dst = [_axis(s, nd) for s in src], [_axis(d, nd) for d in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise ValueError("repeated axis in `source` or `destination` argument")
    perm = [i for i in range(nd) if i not in src]
    for d, s in sorted(zip(dst, src)):
        perm.insert(d, s)
    return transpose(a, perm)


def expand_dims(a: Any, axis: int | Sequence[int]) -> Any:
    """Insert length-1 axes at the positions ``axis`` of the result."""
    a = _arr(a)
    old = _shape(a)
    axs = _axes(axis, len(old) + (1 if isinstance(axis, int) else len(axis)))  # type: ignore[arg-type]
    new = list(old)
    for ax in axs:
        new.insert(ax, 1)
    return lax.reshape(a, tuple(new))


def squeeze(a: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Remove length-1 axes (all of them, or those in ``axis``)."""
    a = _arr(a)
    old = _shape(a)
    if axis is None:
        axs = tuple(i for i, d in enumerate(old) if d == 1)
    else:
        axs = _axes(axis, len(old))
        for ax in axs:
            if old[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    if not axs:
        return a
    return lax.reshape(a, tuple(d for i, d in enumerate(old) if i not in axs))


def broadcast_to(a: Any, shape: Sequence[int], *, out_sharding: Any = None) -> Any:  # noqa: A002
    """Broadcast to ``shape`` (NumPy rules)."""
    a = _arr(a)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return a if _shape(a) == shape else lax.broadcast_to(a, shape)


def atleast_1d(*arys: Any) -> Any:
    """View inputs as arrays with at least one dimension (a list for several inputs)."""
    outs = []
    for a in arys:
        a = _arr(a)
        outs.append(reshape(a, (1,)) if _shape(a) == () else a)
    return outs[0] if len(outs) == 1 else outs


def concatenate(arrays: Sequence[Any], axis: int | None = 0, dtype: Any = None) -> Any:
    """Join arrays along an existing axis (``axis=None`` flattens first), cast to ``dtype``."""
    arrs = [_arr(x) for x in arrays]
    if dtype is not None:
        arrs = [lax.convert_element_type(x, dtype) for x in arrs]
    if not arrs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrs = [ravel(x) for x in arrs]
        axis = 0
    nd = len(_shape(arrs[0]))
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    if len(arrs) == 1:
        return arrs[0]
    return lax.concatenate(arrs, _axis(axis, nd))


def stack(arrays: Sequence[Any], axis: int = 0, out: None = None, dtype: Any = None) -> Any:
    """Join arrays along a new axis, cast to ``dtype``."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to jnp.stack is not supported.")
    arrs = _sequence(arrays)
    return _stack(arrs if dtype is None else [lax.convert_element_type(x, dtype) for x in arrs], axis)


def _sequence(arrays: Any) -> list[Any]:
    """The entries of a sequence argument; an array counts as the sequence of its rows (as NumPy)."""
    if isinstance(arrays, Tracer | np.ndarray):
        return [arrays[i] for i in range(_shape(arrays)[0])]
    return [_arr(x) for x in arrays]


def vstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """Stack arrays vertically (row-wise); 0-d and 1-d entries become rows."""
    arrs = _sequence(tup)
    return concatenate([reshape(x, (1, -1)) if len(_shape(x)) < 2 else x for x in arrs], 0, dtype)


def hstack(tup: Sequence[Any], dtype: Any = None) -> Any:
    """Stack arrays horizontally (column-wise)."""
    arrs = [atleast_1d(x) for x in _sequence(tup)]
    return concatenate(arrs, 0 if len(_shape(arrs[0])) == 1 else 1, dtype)


# --------------------------------------------------------------------------- creation (constants)


def _like(a: Any, shape: Any) -> tuple[tuple[int, ...], np.dtype]:
    av = get_aval(_arr(a))
    if shape is None:
        return av.shape, av.dtype
    return ((int(shape),) if isinstance(shape, int | np.integer) else tuple(int(d) for d in shape)), av.dtype


def zeros_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None,
               out_sharding: Any = None) -> np.ndarray:  # fmt: skip
    """An array of zeros with ``a``'s shape (or ``shape``) and dtype (a constant, even under tracing)."""
    sh, dt = _like(a, shape)
    return np.zeros(sh, dt if dtype is None else dtype).view(Array)


def ones_like(a: Any, dtype: Any = None, shape: Any = None, *, device: Any = None,
              out_sharding: Any = None) -> np.ndarray:  # fmt: skip
    """An array of ones with ``a``'s shape (or ``shape``) and dtype (a constant, even under tracing)."""
    sh, dt = _like(a, shape)
    return np.ones(sh, dt if dtype is None else dtype).view(Array)


def empty_like(prototype: Any, dtype: Any = None, shape: Any = None, *, device: Any = None) -> np.ndarray:
    """An uninitialised array shaped like ``a`` (zeros, as JAX's: functrans arrays are values)."""
    return zeros_like(prototype, dtype, shape)


def full_like(a: Any, fill_value: Any, dtype: Any = None, shape: Any = None, *, device: Any = None,
              out_sharding: Any = None) -> Any:  # fmt: skip
    """An array shaped like ``a`` (or ``shape``) filled with ``fill_value``."""
    sh, dt = _like(a, shape)
    if isinstance(fill_value, Tracer):
        return broadcast_to(lax.convert_element_type(fill_value, dt if dtype is None else dtype), sh)
    return np.full(sh, fill_value, dt if dtype is None else dtype).view(Array)


def array(object: Any, dtype: Any = None, copy: bool = True, order: Any = "K", ndmin: int = 0, *,  # noqa: A002
          device: Any = None, out_sharding: Any = None) -> Any:  # fmt: skip
    """An array from ``object``; nested lists may contain traced values; ``ndmin`` prepends axes."""
    out = _arr(object)
    if isinstance(out, Tracer):
        out = out if dtype is None else lax.convert_element_type(out, dtype)
    else:
        out = as_array(np.array(out, dtype=dtype))
    nd = len(_shape(out))
    return out if ndmin <= nd else reshape(out, (1,) * (ndmin - nd) + _shape(out))


def asarray(a: Any, dtype: Any = None, order: Any = None, *, copy: bool | None = None, device: Any = None,
            out_sharding: Any = None) -> Any:  # fmt: skip
    """Like :func:`array`, without copying NumPy input."""
    out = _arr(a)
    if isinstance(out, Tracer):
        return out if dtype is None else lax.convert_element_type(out, dtype)
    return as_array(np.asarray(out, dtype=dtype))




def _constant(make: Any, shape: Any, *args: Any) -> Any:
    try:
        return make(shape, *args).view(Array)
    except ValueError as e:  # negative dimensions: a TypeError in JAX
        raise operand_error(e) from None


def zeros(shape: Any, dtype: Any = None, *, device: Any = None, out_sharding: Any = None) -> Any:
    """An array of zeros (float64 by default)."""
    return _constant(np.zeros, shape, dtype)


def ones(shape: Any, dtype: Any = None, *, device: Any = None, out_sharding: Any = None) -> Any:
    """An array of ones (float64 by default)."""
    return _constant(np.ones, shape, dtype)


def eye(N: int, M: int | None = None, k: int = 0, dtype: Any = None, *, device: Any = None) -> Any:  # noqa: N803
    """The ``N x M`` matrix with ones on the ``k``-th diagonal."""
    return np.eye(N, M, k, dtype).view(Array)


def identity(n: int, dtype: Any = None) -> Any:
    """The ``n x n`` identity matrix."""
    return np.identity(n, dtype).view(Array)


def arange(start: Any, stop: Any = None, step: Any = None, dtype: Any = None, *, like: Any = None,
           device: Any = None, out_sharding: Any = None) -> Any:  # fmt: skip
    """``numpy.arange`` returning a functrans.Array; without ``dtype``, NumPy scalars keep
    their dtype (``arange(np.float32(3))`` is float32, as JAX; Python numbers are weak)."""
    args = [v for v in (start, stop, step) if v is not None]
    if dtype is None and any(isinstance(v, np.generic | np.ndarray) for v in args):
        dtype = np.result_type(*args)
    if stop is None and step is None:
        return np.arange(start, dtype=dtype).view(Array)
    return np.arange(start, stop, step, dtype=dtype).view(Array)


def empty(shape: Any, dtype: Any = None, *, device: Any = None, out_sharding: Any = None) -> Any:
    """An array of ``shape``: zeros, as JAX's ``empty`` (NumPy's holds arbitrary values)."""
    return zeros(shape, dtype)




def full(shape: Any, fill_value: Any, dtype: Any = None, *, device: Any = None, out_sharding: Any = None) -> Any:
    """An array of ``shape`` filled with ``fill_value`` (which may be traced)."""
    if isinstance(fill_value, Tracer):
        shape = (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(d) for d in shape)
        v = fill_value if dtype is None else lax.convert_element_type(fill_value, dtype)
        return broadcast_to(v, shape)
    return _constant(np.full, shape, fill_value, dtype)


def linspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, retstep: bool = False, dtype: Any = None,
    axis: int = 0, *, device: Any = None,
) -> Any:
    """Evenly spaced numbers over ``[start, stop]``, differentiable in ``start`` and ``stop``."""
    if not isinstance(start, Tracer) and not isinstance(stop, Tracer):
        out = np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
        return (out[0].view(Array), out[1]) if retstep else out.view(Array)
    num = int(num)
    if num < 0:
        raise ValueError(f"Number of samples, {num}, must be non-negative.")
    start, stop = _arr(start), _arr(stop)
    dt = np.result_type(get_aval(start).dtype, get_aval(stop).dtype, float)
    start, stop = lax.convert_element_type(start, dt), lax.convert_element_type(stop, dt)
    div = (num - 1) if endpoint else num
    delta = lax.sub(stop, start)
    bshape = lax.broadcast_shapes(_shape(start), _shape(stop))
    steps = np.arange(0, num, dtype=dt).reshape((-1,) + (1,) * len(bshape))
    step = lax.div(delta, float(div)) if div > 0 else lax.mul(delta, np.nan)
    y = lax.add(lax.mul(steps, step), start) if div > 0 else lax.add(lax.mul(steps, delta), start)
    if endpoint and num > 1:
        y = concatenate([lax.index(y, (slice(0, num - 1),)), reshape(broadcast_to(stop, bshape), (1,) + bshape)], 0)
    if axis != 0:
        y = moveaxis(y, 0, axis)
    if dtype is not None:
        y = lax.convert_element_type(y, dtype)
    return (y, step) if retstep else y


def logspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10.0, dtype: Any = None, axis: int = 0
) -> Any:
    """Numbers spaced evenly on a log scale: ``base ** linspace(start, stop)``."""
    if not any(isinstance(v, Tracer) for v in (start, stop, base)):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis).view(Array)
    y = lax.pow(base, linspace(start, stop, num, endpoint, axis=axis))
    return y if dtype is None else lax.convert_element_type(y, dtype)


pi, e, inf, nan, newaxis = np.pi, np.e, np.inf, np.nan, np.newaxis
float16, float32, float64 = np.float16, np.float32, np.float64
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint32, uint64 = np.uint8, np.uint32, np.uint64
complex64, complex128, bool_ = np.complex64, np.complex128, np.bool_
dtype, finfo, iinfo = np.dtype, np.finfo, np.iinfo
ndarray = Array


def astype(x: Any, dtype: Any, /, *, copy: bool = False, device: Any = None) -> Any:
    """Cast ``x`` to ``dtype``."""
    return lax.convert_element_type(x, dtype)
