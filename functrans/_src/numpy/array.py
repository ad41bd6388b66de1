"""``functrans.Array``: the array type of functrans (``functrans.numpy.ndarray``).

Design. JAX code updates arrays functionally, ``x = x.at[i].set(v)``, also outside any
transformation; a plain ``numpy.ndarray`` has no ``.at`` and its type cannot be
extended. So :class:`Array` is a thin subclass of ``numpy.ndarray`` that adds only
``.at`` (and, for JAX code, ``.block_until_ready()``) and keeps every NumPy behaviour:
NumPy functions accept it, arithmetic on it returns it, and indexing it eagerly follows
NumPy (out-of-bounds raises). ``functrans.numpy``'s creation functions (``array``,
``asarray``, ``zeros``, ``ones``, ``full``, ``empty``, ``arange``, ``linspace``, ...) and the
results of ``.at`` return it. Its metaclass makes ``isinstance(x, functrans.Array)`` true
for traced values as well, as ``jax.Array`` is for tracers, so ``isinstance`` checks in
user code work inside and outside transformations. A plain ``numpy.ndarray`` is not an
``Array`` (as it is not a ``jax.Array``).

Cost. A NumPy operation on a subclass instance pays for wrapping its result (about 1-2 us
on small arrays, twice the cost of the operation itself), so inside transformations the
subclass is stripped: the transformations take arguments as plain ndarrays (a free
view), and every primitive's implementation works on plain arrays. Results of
transformations are plain ndarrays (the measured cost of re-wrapping is small, but
returning them as they are keeps the boundary simple); wrap with ``functrans.numpy.asarray``
to use ``.at`` on them eagerly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src.core import Tracer, register_array_subclass

__all__ = ["Array", "as_array", "strip"]


_ndarray_getitem = np.ndarray.__getitem__


class _IndexTypeError(IndexError, TypeError):
    """An index that is not an integer, slice, ellipsis, None or index array: NumPy's
    IndexError and JAX's TypeError."""


class _ArrayMeta(type):
    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, Tracer) or type.__instancecheck__(cls, obj)

    def __subclasscheck__(cls, sub: Any) -> bool:
        return (isinstance(sub, type) and issubclass(sub, Tracer)) or type.__subclasscheck__(cls, sub)


# Set by functrans._src.numpy.indexing (which builds on this module): "at" makes the
# `x.at[...]` helper, "getitem" indexes with a traced index.
HOOKS: dict[str, Any] = {}


class Array(np.ndarray, metaclass=_ArrayMeta):
    """A NumPy array with JAX's ``.at`` property for functional updates.

    >>> import functrans.numpy as fnp
    >>> x = fnp.zeros(3)
    >>> x.at[0].set(1.0)
    Array([1., 0., 0.])
    """

    @property
    def at(self) -> Any:
        """``x.at[idx].set(v)`` (and ``add``, ``subtract``, ``multiply``, ``divide``, ``power``,
        ``min``, ``max``, ``apply``, ``get``): a new array, ``x`` unchanged, as JAX."""
        return HOOKS["at"](self)

    def __getitem__(self, idx: Any) -> Any:
        t = type(idx)
        if t is int or t is slice or not (
            isinstance(idx, Tracer) or ((t is tuple or t is list) and any(isinstance(i, Tracer) for i in idx))
        ):
            try:
                return _ndarray_getitem(self, idx)
            except IndexError as e:
                if str(e).startswith("only integers"):  # a float or other non-index: JAX's TypeError
                    raise _IndexTypeError(*e.args) from None
                raise
        return HOOKS["getitem"](self.view(np.ndarray), idx)  # a traced index: trace the indexing

    def block_until_ready(self) -> Array:
        """Return the array itself (NumPy computes eagerly); for JAX code."""
        return self

    def __repr__(self) -> str:
        return "Array" + repr(self.view(np.ndarray))[5:] if self.ndim else f"Array({self.item()!r}, dtype={self.dtype})"


def as_array(x: Any) -> Any:
    """``x`` as an :class:`Array` if it is a concrete array or NumPy scalar; anything else as is."""
    if type(x) is np.ndarray:
        return x.view(Array)
    if isinstance(x, np.generic):
        return np.asarray(x).view(Array)
    return x


def strip(x: Any) -> Any:
    """``x`` as a plain ndarray if it is an :class:`Array` (a view); anything else as is."""
    return x.view(np.ndarray) if type(x) is Array else x


register_array_subclass(Array)  # accepted as an input wherever a NumPy array is
