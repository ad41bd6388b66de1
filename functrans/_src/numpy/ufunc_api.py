"""``functrans.numpy.ufunc``: NumPy's universal-function objects, as ``jax.numpy.ufunc``.

``functrans.numpy.add`` (and the other binary arithmetic and logical ufuncs JAX makes
objects of) is a :class:`ufunc`: calling it is the elementwise function, and it carries
``nin``/``nout``/``nargs``/``identity`` and the methods ``reduce``, ``accumulate``, ``at``,
``outer`` and ``reduceat``. Each method uses the matching reduction where there is one
(``add.reduce`` is ``sum``, ``maximum.accumulate`` is ``cummax``, ``add.at`` is
``x.at[i].add``), and otherwise applies the function step by step along the axis, as JAX
does, so every method is differentiable and works under every transformation.
:func:`frompyfunc` wraps a Python scalar function into a ufunc (vectorised with ``vmap``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer, get_aval
from functrans._src.numpy import aliases as _al
from functrans._src.numpy import reductions as _red
from functrans._src.numpy import ufuncs as _uf
from functrans._src.numpy.indexing import _IndexUpdateHelper, getitem
from functrans._src.numpy.joining import broadcast_arrays
from functrans._src.numpy.lax_numpy import moveaxis, ravel, reshape
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = [
    "ufunc", "frompyfunc", "add", "subtract", "multiply", "maximum", "minimum", "negative",
    "logaddexp", "logaddexp2", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
    "bitwise_xor",
]  # fmt: skip

_AT_INPLACE = (
    "Because functrans arrays are immutable, ufunc.at() cannot operate in place like "
    "numpy.ufunc.at(). Pass inplace=False and use the result: arr = add.at(arr, ind, val, inplace=False)"
)


class ufunc:  # noqa: N801  (NumPy's and JAX's name)
    """A universal function: an elementwise function of ``nin`` arrays with ``nout`` results
    (broadcasting its inputs), and for binary functions the methods ``reduce``,
    ``accumulate``, ``at``, ``outer`` and ``reduceat`` (see the module docstring).
    ``out=`` and ``where=`` of a call are not supported (arrays are immutable), as in JAX."""

    __slots__ = ("_func", "_call", "_props", "__name__", "__dict__")

    def __init__(self, func: Callable[..., Any], /, nin: int, nout: int, *, name: str | None = None,
                 nargs: int | None = None, identity: Any = None, call: Callable[..., Any] | None = None,
                 reduce: Callable[..., Any] | None = None, accumulate: Callable[..., Any] | None = None,
                 at: Callable[..., Any] | None = None) -> None:  # fmt: skip
        self._func = func
        self._call = call if call is not None else _vectorized(func, int(nout))
        self._props = (int(nin), int(nout), int(nargs or nin), identity, reduce, accumulate, at)
        self.__name__ = name or getattr(func, "__name__", "ufunc")
        self.__doc__ = func.__doc__

    nin = property(lambda self: self._props[0], doc="The number of inputs.")
    nout = property(lambda self: self._props[1], doc="The number of outputs.")
    nargs = property(lambda self: self._props[2], doc="The number of arguments.")
    identity = property(lambda self: self._props[3], doc="The identity of the operation (None if it has none).")

    def __repr__(self) -> str:
        return f"<jnp.ufunc '{self.__name__}'>"

    def __call__(self, *args: Any, out: None = None, where: None = None) -> Any:
        if out is not None:
            raise NotImplementedError(f"out argument of {self}")
        if where is not None:
            raise NotImplementedError(f"where argument of {self}")
        return self._call(*args)

    def _binary(self, method: str) -> None:
        if self.nin != 2:
            raise ValueError(f"{method} only supported for binary ufuncs")
        if self.nout != 1:
            raise ValueError(f"{method} only supported for functions returning a single value")

    def reduce(self, a: Any, axis: Any = 0, dtype: Any = None, out: None = None, keepdims: bool = False,
               initial: Any = None, where: Any = None) -> Any:  # fmt: skip
        """Reduce ``a`` along ``axis`` (all axes if None) by applying the function repeatedly."""
        self._binary("reduce")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduce()")
        if where is not None:
            if self.identity is None and initial is None:
                raise ValueError(f"reduction operation {self.__name__!r} does not have an identity, so to use a "
                                 "where mask one has to specify 'initial'.")  # fmt: skip
            if get_aval(_arr(where)).dtype != np.dtype(bool):
                raise ValueError(f"where argument must have dtype=bool; got dtype={get_aval(_arr(where)).dtype}")
        special = self._props[4]
        if special is not None:
            return special(a, axis=axis, dtype=dtype, keepdims=keepdims, initial=initial, where=where)
        return self._fold(a, axis, dtype, keepdims, initial, where)

    def _fold(self, a: Any, axis: Any, dtype: Any, keepdims: bool, initial: Any, where: Any) -> Any:
        a = _arr(a)
        shape = _shape(a)
        if isinstance(axis, tuple):
            raise NotImplementedError("tuple of axes")
        if axis is None:
            final = (1,) * len(shape) if keepdims else ()
            a = ravel(a)
            where = None if where is None else ravel(_bcast(where, shape))
            ax = 0
        else:
            ax = _axis(axis, len(shape))
            final = shape[:ax] + (1,) + shape[ax + 1:] if keepdims else shape[:ax] + shape[ax + 1:]
            if where is not None:
                where = moveaxis(_bcast(where, shape), ax, 0)
            a = moveaxis(a, ax, 0)
        if dtype is None:
            dtype = _result_dtype(self, a)
        if initial is None:
            initial = self.identity
        n = _shape(a)[0]
        if n == 0:
            if initial is None:
                raise ValueError(f"zero-size array to reduction operation {self.__name__} which has no identity")
            return lax.broadcast_to(lax.convert_element_type(_arr(initial), dtype), final)
        start = 0
        if initial is None:
            acc, start = lax.convert_element_type(getitem(a, 0), dtype), 1
        else:
            acc = lax.broadcast_to(lax.convert_element_type(_arr(initial), dtype), _shape(a)[1:])
        for i in range(start, n):
            step = self(acc, lax.convert_element_type(getitem(a, i), dtype))
            acc = step if where is None else _uf.where(getitem(where, i), step, acc)
        return reshape(acc, final) if keepdims else acc

    def accumulate(self, a: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Any:
        """The running reduction of ``a`` along ``axis``."""
        self._binary("accumulate")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.accumulate()")
        special = self._props[5]
        if special is not None:
            return special(a, axis=axis, dtype=dtype)
        a = _arr(a)
        if axis is None or isinstance(axis, tuple):
            raise ValueError("accumulate does not allow multiple axes")
        ax = _axis(axis, len(_shape(a)))
        if dtype is None:
            dtype = _result_dtype(self, a)
        a = moveaxis(a, ax, 0)
        n = _shape(a)[0]
        if n == 0:
            return moveaxis(lax.convert_element_type(a, dtype), 0, ax)
        acc = lax.convert_element_type(getitem(a, 0), dtype)
        rows = [acc]
        for i in range(1, n):
            acc = self(acc, lax.convert_element_type(getitem(a, i), dtype))
            rows.append(acc)
        return moveaxis(_uf_stack(rows), 0, ax)

    def at(self, a: Any, indices: Any, b: Any = None, /, *, inplace: bool = True) -> Any:
        """``a`` with the function applied at ``indices`` (with ``b``), repeated indices applied in
        turn; ``inplace=False`` is required (the updated copy is returned)."""
        if inplace:
            raise NotImplementedError(_AT_INPLACE)
        special = self._props[6]
        if special is not None and b is not None:
            return special(a, indices, b)
        return self._at_in_turn(a, indices, () if b is None else (b,))

    def _at_in_turn(self, a: Any, indices: Any, args: tuple[Any, ...]) -> Any:
        a = _arr(a)
        dtype = _result_dtype(self, a, *args)
        a = lax.convert_element_type(a, dtype)
        args = tuple(lax.convert_element_type(_arr(x), dtype) for x in args)
        idx = indices if isinstance(indices, tuple) else (indices,)
        arrays = [np.asarray(i) if not isinstance(i, slice | Tracer) else i for i in idx]
        shapes = [_shape(i) for i in arrays if not isinstance(i, slice)]
        shape = tuple(np.broadcast_shapes(*shapes)) if shapes else ()
        upd = _IndexUpdateHelper(a)
        if not shape:
            return upd[indices].set(self(getitem(a, indices), *args))
        count = int(np.prod(shape))
        flat = [i if isinstance(i, slice) else ravel(lax.broadcast_to(_arr(i), shape)) for i in arrays]
        vals = [reshape(lax.broadcast_to(x, shape + _shape(x)[len(shape):]), (count,) + _shape(x)[len(shape):])
                for x in args]  # fmt: skip
        for k in range(count):
            ix = tuple(i if isinstance(i, slice) else getitem(i, k) for i in flat)
            a = _IndexUpdateHelper(a)[ix].set(self(getitem(a, ix), *(getitem(v, k) for v in vals)))
        return a

    def outer(self, A: Any, B: Any, /) -> Any:  # noqa: N803
        """The function applied to every pair of elements: shape ``A.shape + B.shape``."""
        self._binary("outer")
        A, B = _arr(A), _arr(B)  # noqa: N806
        sa, sb = _shape(A), _shape(B)
        return self(reshape(A, sa + (1,) * len(sb)), B)

    def reduceat(self, a: Any, indices: Any, axis: int = 0, dtype: Any = None, out: None = None) -> Any:
        """Reductions over the slices ``a[indices[i]:indices[i+1]]`` along ``axis`` (the element
        ``a[indices[i]]`` where ``indices[i+1] <= indices[i]``), as NumPy."""
        self._binary("reduceat")
        if out is not None:
            raise NotImplementedError(f"out argument of {self.__name__}.reduceat()")
        a = _arr(a)
        ax = _axis(axis, len(_shape(a)))
        n = _shape(a)[ax]
        ind = _arr(indices)
        if len(_shape(ind)) != 1:
            raise ValueError("reduceat: expected 1D indices")
        m = _shape(ind)[0]
        pos = np.arange(n).reshape((n,) + (1,) * (len(_shape(a)) - ax - 1))
        outs = []
        for i in range(m):
            lo = getitem(ind, i)
            hi = getitem(ind, i + 1) if i + 1 < m else n
            inside = _uf.logical_and(_uf.greater_equal(pos, lo), _uf.less(pos, hi))
            mask = lax.broadcast_to(inside, _shape(a))
            seg = self.reduce(a, axis=ax, dtype=dtype, where=mask, initial=_segment_initial(self, a))
            single = _take_axis(a, lo, ax, dtype if dtype is not None else get_aval(seg).dtype)
            outs.append(_uf.where(_uf.less(lo, hi), seg, single))
        return moveaxis(_uf_stack(outs), 0, ax)


def _bcast(where: Any, shape: tuple[int, ...]) -> Any:
    w = _arr(where)
    return w if _shape(w) == shape else lax.broadcast_to(w, shape)


def _uf_stack(rows: list[Any]) -> Any:
    from functrans._src.numpy.util import _stack

    return _stack(rows, 0)


def _take_axis(a: Any, i: Any, ax: int, dtype: Any) -> Any:
    moved = moveaxis(a, ax, 0)
    return lax.convert_element_type(getitem(moved, i), dtype)


def _segment_initial(u: ufunc, a: Any) -> Any:
    if u.identity is not None:
        return u.identity
    dt = get_aval(a).dtype
    big = np.inf if dt.kind == "f" else np.iinfo(dt).max if dt.kind in "iu" else True
    return -big if u.__name__ == "maximum" else big


def _one(x: Any) -> Any:
    return np.ones((), get_aval(_arr(x)).dtype)


def _result_dtype(u: ufunc, *args: Any) -> np.dtype:
    """The dtype of ``u`` applied to one element of each argument."""
    ones = [_one(x) for x in args]
    ones += ones[-1:] * (u.nin - len(ones))
    out = u._func(*ones)
    out = out[0] if isinstance(out, tuple | list) else out
    return get_aval(_arr(out)).dtype


def _vectorized(func: Callable[..., Any], nout: int) -> Callable[..., Any]:
    """``func`` of scalars applied elementwise to broadcast arrays (one ``vmap`` over the
    flattened elements)."""

    def call(*args: Any) -> Any:
        from functrans._src.api import vmap

        arrs = broadcast_arrays(*(_arr(x) for x in args))
        shape = _shape(arrs[0]) if arrs else ()
        flat = [ravel(x) for x in arrs]
        if not flat or _shape(flat[0])[0] == 0:
            out = func(*(_one(x) for x in args))
            outs = out if nout > 1 else (out,)
            res = tuple(lax.broadcast_to(lax.convert_element_type(_arr(o), get_aval(_arr(o)).dtype), shape)
                        for o in outs)  # fmt: skip
            return res if nout > 1 else res[0]
        out = vmap(func)(*flat)
        if nout > 1:
            return tuple(reshape(o, shape) for o in out)
        return reshape(out, shape)

    return call


def frompyfunc(func: Callable[..., Any], /, nin: int, nout: int, *, identity: Any = None) -> ufunc:
    """A :class:`ufunc` from ``func`` of ``nin`` scalars returning ``nout`` values (vectorised
    with ``vmap``, so ``func`` must be traceable), as ``jax.numpy.frompyfunc``."""
    return ufunc(func, nin, nout, identity=identity)


# --------------------------------------------------------------------------- the named ufuncs


def _sum_reduce(a: Any, axis: Any = 0, dtype: Any = None, keepdims: bool = False, initial: Any = None,
                where: Any = None) -> Any:  # fmt: skip
    return _red.sum(a, axis, dtype, None, keepdims, initial, where)


def _prod_reduce(a: Any, axis: Any = 0, dtype: Any = None, keepdims: bool = False, initial: Any = None,
                 where: Any = None) -> Any:  # fmt: skip
    return _red.prod(a, axis, dtype, None, keepdims, initial, where)


def _extremum_reduce(fn: Callable[..., Any]) -> Callable[..., Any]:
    def reduce(a: Any, axis: Any = 0, dtype: Any = None, keepdims: bool = False, initial: Any = None,
               where: Any = None) -> Any:  # fmt: skip
        out = fn(a, axis, None, keepdims, initial, where)
        return out if dtype is None else lax.convert_element_type(out, dtype)

    return reduce


def _logical_reduce(fn: Callable[..., Any]) -> Callable[..., Any]:
    def reduce(a: Any, axis: Any = 0, dtype: Any = None, keepdims: bool = False, initial: Any = None,
               where: Any = None) -> Any:  # fmt: skip
        out = fn(a, axis, None, keepdims, where=where)
        if initial is not None:
            out = (_uf.logical_and if fn is _red.all else _uf.logical_or)(out, _arr(initial))
        return out if dtype is None else lax.convert_element_type(out, dtype)

    return reduce


def _cumulative(fn: Callable[..., Any]) -> Callable[..., Any]:
    def accumulate(a: Any, axis: int = 0, dtype: Any = None) -> Any:
        a = _arr(a)
        if axis is None or isinstance(axis, tuple):
            raise ValueError("accumulate does not allow multiple axes")
        if dtype is not None:
            a = lax.convert_element_type(a, dtype)
        return fn(a, _axis(axis, len(_shape(a))))

    return accumulate


def _at(method: str, negate: bool = False) -> Callable[..., Any]:
    def at(a: Any, indices: Any, b: Any) -> Any:
        ref = _IndexUpdateHelper(_arr(a))[indices]
        return getattr(ref, method)(_uf.negative(_arr(b)) if negate else b)

    return at


add = ufunc(_uf.add, 2, 1, name="add", identity=0, call=_uf.add, reduce=_sum_reduce,
            accumulate=_cumulative(lax.cumsum), at=_at("add"))  # fmt: skip
subtract = ufunc(_uf.subtract, 2, 1, name="subtract", call=_uf.subtract, at=_at("add", negate=True))
multiply = ufunc(_uf.multiply, 2, 1, name="multiply", identity=1, call=_uf.multiply, reduce=_prod_reduce,
                 accumulate=_cumulative(lax.cumprod), at=_at("multiply"))  # fmt: skip
maximum = ufunc(_uf.maximum, 2, 1, name="maximum", call=_uf.maximum, reduce=_extremum_reduce(_red.max),
                accumulate=_cumulative(lax.cummax), at=_at("max"))  # fmt: skip
minimum = ufunc(_uf.minimum, 2, 1, name="minimum", call=_uf.minimum, reduce=_extremum_reduce(_red.min),
                accumulate=_cumulative(lax.cummin), at=_at("min"))  # fmt: skip
negative = ufunc(_uf.negative, 1, 1, name="negative", call=_uf.negative)
logaddexp = ufunc(_uf.logaddexp, 2, 1, name="logaddexp", identity=-np.inf, call=_uf.logaddexp)
logaddexp2 = ufunc(_uf.logaddexp2, 2, 1, name="logaddexp2", identity=-np.inf, call=_uf.logaddexp2)
logical_and = ufunc(_uf.logical_and, 2, 1, name="logical_and", identity=True, call=_uf.logical_and,
                    reduce=_logical_reduce(_red.all))  # fmt: skip
logical_or = ufunc(_uf.logical_or, 2, 1, name="logical_or", identity=False, call=_uf.logical_or,
                   reduce=_logical_reduce(_red.any))  # fmt: skip
logical_xor = ufunc(_uf.logical_xor, 2, 1, name="logical_xor", identity=False, call=_uf.logical_xor)
bitwise_and = ufunc(_al.bitwise_and, 2, 1, name="bitwise_and", identity=-1, call=_al.bitwise_and)
bitwise_or = ufunc(_al.bitwise_or, 2, 1, name="bitwise_or", identity=0, call=_al.bitwise_or)
bitwise_xor = ufunc(_al.bitwise_xor, 2, 1, name="bitwise_xor", identity=0, call=_al.bitwise_xor)
