"""Operators, methods and NumPy protocol hooks (``__array_ufunc__``, ``__array_function__``)
of traced values, all in one place. Installed on :class:`Tracer` when this module is imported."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer
from functrans._src.numpy import fft as _fft
from functrans._src.numpy import linalg as _linalg
from functrans._src.numpy.aliases import bitwise_and, bitwise_or, bitwise_xor, invert, left_shift, right_shift
from functrans._src.numpy.contraction import dot, matmul
from functrans._src.numpy.indexing import _IndexUpdateHelper, getitem, nonzero, take
from functrans._src.numpy.lax_numpy import ravel, reshape, squeeze, transpose
from functrans._src.numpy.namespace import NAMESPACE
from functrans._src.numpy.reductions import all as _all
from functrans._src.numpy.reductions import any as _any
from functrans._src.numpy.reductions import (
    argmax,
    argmin,
    cumprod,
    cumsum,
    max,
    mean,
    min,
    prod,
    std,
    sum,
    var,
)
from functrans._src.numpy.sorting import argsort, sort
from functrans._src.numpy.ufuncs import (
    clip,
    conj,
    divmod,
    floor_divide,
    greater,
    greater_equal,
    imag,
    less,
    less_equal,
    power,
    real,
    remainder,
    round,
)


def _concrete_value(self: Any, what: str) -> np.ndarray:
    return np.asarray(self._trace.concrete(self, what))


def _take_method(self: Any, indices: Any, axis: Any = None, mode: Any = None, fill_value: Any = None) -> Any:
    return take(self, indices, axis, mode=mode, fill_value=fill_value)


def _item(self: Any, *args: Any) -> Any:
    return _concrete_value(self, ".item() of a traced value").item(*args)


def _tolist(self: Any) -> Any:
    return _concrete_value(self, ".tolist() of a traced value").tolist()


def _reshape_method(self: Any, *shape: Any, order: str = "C") -> Any:
    return reshape(self, shape[0] if len(shape) == 1 else shape, order)


def _transpose_method(self: Any, *axes: Any) -> Any:
    if not axes or axes == (None,):
        return transpose(self)
    return transpose(self, axes[0] if len(axes) == 1 else axes)


def _astype_method(self: Any, dtype: Any, copy: bool = False, device: Any = None) -> Any:
    return lax.convert_element_type(self, dtype)


def _namespace_method(name: str) -> Any:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return NAMESPACE[name](self, *args, **kwargs)

    method.__name__ = name
    return method


def _view_method(self: Any, dtype: Any = None, type: Any = None) -> Any:  # noqa: A002
    if dtype is not None and np.dtype(dtype) != self.dtype:
        raise NotImplementedError("view with a different dtype (a bit cast) of a traced value is not supported; "
                                  "use functrans.lax.bitcast_convert_type")  # fmt: skip
    return self


def _rpow(self: Any, other: Any) -> Any:
    return power(other, self)


def _array_ufunc(self: Any, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    fn = NAMESPACE.get(ufunc.__name__)
    if method in ("reduce", "accumulate", "outer", "reduceat") and hasattr(fn, method):
        return getattr(fn, method)(*inputs, **kwargs)  # numpy.add.reduce(traced) -> functrans.numpy.add.reduce
    if method != "__call__" or kwargs or fn is None or fn is ufunc:
        raise TypeError(
            f"numpy.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not supported on "
            "traced values; use functrans.numpy instead of numpy inside transformed functions"
        )
    return fn(*inputs)


# NumPy submodules whose functions dispatch to functrans' own (numpy.linalg.det(traced) ...)
_SUBMODULES: dict[str, Any] = {"numpy.linalg": _linalg, "numpy.fft": _fft}


def _array_function(self: Any, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    module = getattr(func, "__module__", "numpy")
    sub = _SUBMODULES.get(module)
    name = func.__name__
    if sub is not None:
        fn = getattr(sub, name, None) if not name.startswith("_") else None
    else:
        fn = NAMESPACE.get(name)
    if fn is None or fn is getattr(np, name, None):
        where = module if module.startswith("numpy") else "numpy"
        raise TypeError(
            f"{where}.{name} is not supported on traced values; use functrans.numpy instead of "
            "numpy inside transformed functions"
        )
    return fn(*args, **kwargs)


def _install_tracer_methods() -> None:
    T = Tracer
    T.__neg__ = lambda s: lax.neg(s)  # type: ignore[method-assign,assignment]
    T.__pos__ = lambda s: s  # type: ignore[method-assign,assignment]
    T.__abs__ = lambda s: lax.abs(s)  # type: ignore[method-assign,assignment]
    T.__add__ = lambda s, o: lax.add(s, o)  # type: ignore[method-assign,assignment]
    T.__radd__ = lambda s, o: lax.add(o, s)  # type: ignore[method-assign,assignment]
    T.__sub__ = lambda s, o: lax.sub(s, o)  # type: ignore[method-assign,assignment]
    T.__rsub__ = lambda s, o: lax.sub(o, s)  # type: ignore[method-assign,assignment]
    T.__mul__ = lambda s, o: lax.mul(s, o)  # type: ignore[method-assign,assignment]
    T.__rmul__ = lambda s, o: lax.mul(o, s)  # type: ignore[method-assign,assignment]
    T.__truediv__ = lambda s, o: lax.div(s, o)  # type: ignore[method-assign,assignment]
    T.__rtruediv__ = lambda s, o: lax.div(o, s)  # type: ignore[method-assign,assignment]
    T.__floordiv__ = lambda s, o: floor_divide(s, o)  # type: ignore[method-assign,assignment]
    T.__rfloordiv__ = lambda s, o: floor_divide(o, s)  # type: ignore[method-assign,assignment]
    T.__mod__ = lambda s, o: remainder(s, o)  # type: ignore[method-assign,assignment]
    T.__rmod__ = lambda s, o: remainder(o, s)  # type: ignore[method-assign,assignment]
    T.__divmod__ = lambda s, o: divmod(s, o)  # type: ignore[method-assign,assignment]
    T.__rdivmod__ = lambda s, o: divmod(o, s)  # type: ignore[method-assign,assignment]
    T.__pow__ = lambda s, o: power(s, o)  # type: ignore[method-assign,assignment]
    T.__rpow__ = _rpow  # type: ignore[method-assign,assignment]
    T.__matmul__ = lambda s, o: matmul(s, o)  # type: ignore[method-assign,assignment]
    T.__rmatmul__ = lambda s, o: matmul(o, s)  # type: ignore[method-assign,assignment]
    # the NumPy functions: complex values compare lexicographically (as NumPy and jax.Array)
    T.__lt__ = less  # type: ignore[method-assign,assignment]
    T.__le__ = less_equal  # type: ignore[method-assign,assignment]
    T.__gt__ = greater  # type: ignore[method-assign,assignment]
    T.__ge__ = greater_equal  # type: ignore[method-assign,assignment]
    T.__eq__ = lambda s, o: lax.eq(s, o)  # type: ignore[method-assign,assignment]
    T.__ne__ = lambda s, o: lax.ne(s, o)  # type: ignore[method-assign,assignment]
    T.__getitem__ = getitem  # type: ignore[method-assign,assignment]
    T.at = property(_IndexUpdateHelper)  # type: ignore[attr-defined]
    T.take = _take_method  # type: ignore[attr-defined]
    T.nonzero = lambda s, size=None, fill_value=None: nonzero(s, size=size, fill_value=fill_value)  # type: ignore[attr-defined]
    T.item = _item  # type: ignore[attr-defined]
    T.tolist = _tolist  # type: ignore[attr-defined]
    T.__array_ufunc__ = _array_ufunc  # type: ignore[attr-defined]
    T.__array_function__ = _array_function  # type: ignore[attr-defined]
    T.T = property(lambda s: transpose(s))  # type: ignore[attr-defined]
    T.sum = lambda s, *a, **k: sum(s, *a, **k)  # type: ignore[attr-defined]
    T.mean = lambda s, *a, **k: mean(s, *a, **k)  # type: ignore[attr-defined]
    T.prod = lambda s, *a, **k: prod(s, *a, **k)  # type: ignore[attr-defined]
    T.max = lambda s, *a, **k: max(s, *a, **k)  # type: ignore[attr-defined]
    T.min = lambda s, *a, **k: min(s, *a, **k)  # type: ignore[attr-defined]
    T.var = lambda s, *a, **k: var(s, *a, **k)  # type: ignore[attr-defined]
    T.std = lambda s, *a, **k: std(s, *a, **k)  # type: ignore[attr-defined]
    T.reshape = _reshape_method  # type: ignore[attr-defined]
    T.transpose = _transpose_method  # type: ignore[attr-defined]
    T.astype = _astype_method  # type: ignore[attr-defined]
    T.dot = lambda s, o: dot(s, o)  # type: ignore[attr-defined]
    T.ravel = lambda s: ravel(s)  # type: ignore[attr-defined]
    T.flatten = lambda s: ravel(s)  # type: ignore[attr-defined]
    T.squeeze = lambda s, axis=None: squeeze(s, axis)  # type: ignore[attr-defined]
    T.clip = lambda s, a_min=None, a_max=None: clip(s, a_min, a_max)  # type: ignore[attr-defined]
    T.argmax = lambda s, axis=None, out=None, *, keepdims=False: argmax(s, axis, out, keepdims=keepdims)  # type: ignore[attr-defined]
    T.argmin = lambda s, axis=None, out=None, *, keepdims=False: argmin(s, axis, out, keepdims=keepdims)  # type: ignore[attr-defined]
    # as jax.Array: sort returns the sorted value (traced values cannot be changed in place)
    T.sort = lambda s, axis=-1, kind=None, order=None, **kw: sort(s, axis, kind, order, **kw)  # type: ignore[attr-defined]
    T.argsort = lambda s, axis=-1, kind=None, order=None, **kw: argsort(s, axis, kind, order, **kw)  # type: ignore[attr-defined]
    T.cumsum = lambda s, *a, **k: cumsum(s, *a, **k)  # type: ignore[attr-defined]
    T.cumprod = lambda s, *a, **k: cumprod(s, *a, **k)  # type: ignore[attr-defined]
    T.round = lambda s, decimals=0, out=None: round(s, decimals)  # type: ignore[attr-defined]
    T.any = lambda s, *a, **k: _any(s, *a, **k)  # type: ignore[attr-defined]
    T.all = lambda s, *a, **k: _all(s, *a, **k)  # type: ignore[attr-defined]
    T.conj = T.conjugate = lambda s: conj(s)  # type: ignore[attr-defined]
    # more of jax.Array's methods, each the functrans.numpy function of the same name
    for name in ("diagonal", "trace", "swapaxes", "repeat", "searchsorted", "ptp", "argpartition", "choose"):
        setattr(T, name, _namespace_method(name))
    T.compress = lambda s, condition, axis=None, **kw: NAMESPACE["compress"](condition, s, axis, **kw)  # type: ignore[attr-defined]
    T.copy = lambda s, order=None: s  # type: ignore[attr-defined]  (values are immutable)
    T.mT = property(lambda s: NAMESPACE["swapaxes"](s, -1, -2))  # type: ignore[attr-defined]
    T.itemsize = property(lambda s: s.dtype.itemsize)  # type: ignore[attr-defined]
    T.nbytes = property(lambda s: s.size * s.dtype.itemsize)  # type: ignore[attr-defined]
    T.view = _view_method  # type: ignore[attr-defined]
    T.real = property(lambda s: real(s))  # type: ignore[attr-defined]
    T.imag = property(lambda s: imag(s))  # type: ignore[attr-defined]

    # bitwise operators (integers and booleans, as jax.Array): zero-derivative integer primitives
    T.__and__ = lambda s, o: bitwise_and(s, o)  # type: ignore[attr-defined]
    T.__rand__ = lambda s, o: bitwise_and(o, s)  # type: ignore[attr-defined]
    T.__or__ = lambda s, o: bitwise_or(s, o)  # type: ignore[attr-defined]
    T.__ror__ = lambda s, o: bitwise_or(o, s)  # type: ignore[attr-defined]
    T.__xor__ = lambda s, o: bitwise_xor(s, o)  # type: ignore[attr-defined]
    T.__rxor__ = lambda s, o: bitwise_xor(o, s)  # type: ignore[attr-defined]
    T.__invert__ = lambda s: invert(s)  # type: ignore[attr-defined]
    T.__lshift__ = lambda s, o: left_shift(s, o)  # type: ignore[attr-defined]
    T.__rlshift__ = lambda s, o: left_shift(o, s)  # type: ignore[attr-defined]
    T.__rshift__ = lambda s, o: right_shift(s, o)  # type: ignore[attr-defined]
    T.__rrshift__ = lambda s, o: right_shift(o, s)  # type: ignore[attr-defined]


_install_tracer_methods()
