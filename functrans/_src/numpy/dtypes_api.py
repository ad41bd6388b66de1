"""Dtypes and introspection in ``functrans.numpy``: JAX's type promotion (``result_type``,
``promote_types``), ``can_cast``, ``issubdtype``, ``isdtype``, ``isscalar``, ``iterable``,
``broadcast_shapes``, the scalar-type names, print options and ``array_repr``/``array_str``.

``result_type`` and ``promote_types`` follow JAX's promotion lattice with 64-bit types
enabled (JAX's ``jax_enable_x64``), not NumPy's table: for instance ``int64`` with ``uint64``
gives ``float64``, ``int8`` with ``uint8`` gives ``int16``, ``float32`` with ``int64`` gives
``float32``, and Python scalars (and the types ``int``/``float``/``complex``) are weakly
typed: they give way to the other operand's dtype within its kind. Note that functrans's
own arithmetic follows NumPy's promotion (so ``functrans.numpy.add`` of ``float32`` and
``int64`` arrays is ``float64`` while ``result_type`` says ``float32``, as in JAX).

The scalar types are NumPy's (as the existing ``functrans.numpy.float32`` & co): calling
one gives a NumPy scalar, not an array. ``bfloat16`` and the float8/float4/int4 types are
not available (they need the ``ml_dtypes`` package): accessing them raises an
``AttributeError`` that says so.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from functrans._src import dtypes as _dtypes
from functrans._src.core import Tracer
from functrans._src.lax.rules import inexact_dtype as _inexact

__all__ = [
    "result_type", "promote_types", "can_cast", "issubdtype", "isdtype", "isscalar", "iterable",
    "broadcast_shapes", "euler_gamma", "ComplexWarning", "get_printoptions", "set_printoptions",
    "printoptions", "array_repr", "array_str",
    "bool", "double", "single", "float_", "int_", "uint", "uint16", "cdouble", "csingle", "complex_",
    "generic", "number", "inexact", "floating", "integer", "signedinteger", "unsignedinteger",
    "complexfloating", "character", "flexible", "object_",
]  # fmt: skip

# --------------------------------------------------------------------------- JAX's promotion lattice

# one lattice for functrans.dtypes and functrans.numpy (functrans._src.dtypes)
result_type = _dtypes.result_type
promote_types = _dtypes.promote_types


def inexact_dtype(x: Any) -> np.dtype:
    """The floating or complex dtype JAX computes ``x`` in: integers and booleans become
    ``float32`` when at most 32 bits wide (``float64`` for 64-bit ones; Python ints the default
    ``float64``); floating and complex dtypes are kept."""
    if isinstance(x, builtins.bool | int) and not isinstance(x, np.generic):
        return np.dtype(np.float64)
    return _inexact(result_type(x))


# --------------------------------------------------------------------------- predicates

can_cast = np.can_cast
iterable = np.iterable
issubdtype = np.issubdtype

_KINDS = {
    "bool": ("b",), "signed integer": ("i",), "unsigned integer": ("u",), "integral": ("i", "u"),
    "real floating": ("f",), "complex floating": ("c",), "numeric": ("i", "u", "f", "c"),
}  # fmt: skip


def isdtype(dtype: Any, kind: Any) -> builtins.bool:
    """Whether ``dtype`` is of ``kind``: a dtype, one of the array API's kind names ('bool',
    'signed integer', 'unsigned integer', 'integral', 'real floating', 'complex floating',
    'numeric'), or a tuple of them."""
    dt = np.dtype(dtype)
    kinds = kind if isinstance(kind, tuple) else (kind,)
    for k in kinds:
        if isinstance(k, str):
            if k not in _KINDS:
                raise ValueError(f"Unrecognized kind={k!r} expected one of {list(_KINDS)}, or a dtype or a tuple")
            if dt.kind in _KINDS[k]:
                return True
        elif dt == np.dtype(k):
            return True
    return False


def isscalar(element: Any) -> builtins.bool:
    """Whether ``element`` is a scalar: a 0-d array (NumPy, functrans or traced), a NumPy
    scalar, or a Python scalar (as JAX's ``isscalar``)."""
    if isinstance(element, np.ndarray | Tracer):
        return len(element.shape) == 0
    return builtins.bool(np.isscalar(element))


def broadcast_shapes(*shapes: Any) -> tuple[int, ...]:
    """The shape that arrays of the given shapes broadcast to (an int counts as a 1-d shape)."""
    if not shapes:
        return ()
    norm = [(int(s),) if isinstance(s, int | np.integer) else tuple(int(d) for d in s) for s in shapes]
    try:
        return tuple(int(d) for d in np.broadcast_shapes(*norm))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: shapes={norm}") from None


# --------------------------------------------------------------------------- printing, constants

euler_gamma = float(np.euler_gamma)
ComplexWarning = np.exceptions.ComplexWarning
get_printoptions = np.get_printoptions
set_printoptions = np.set_printoptions
printoptions = np.printoptions
array_repr = np.array_repr
array_str = np.array_str

# --------------------------------------------------------------------------- scalar types
bool = np.bool_  # noqa: A001
double = float_ = np.float64
single = np.float32
int_ = np.int64
uint = np.uint64
uint16 = np.uint16
cdouble = complex_ = np.complex128
csingle = np.complex64
generic, number, inexact, floating = np.generic, np.number, np.inexact, np.floating
integer, signedinteger, unsignedinteger = np.integer, np.signedinteger, np.unsignedinteger
complexfloating, character, flexible, object_ = np.complexfloating, np.character, np.flexible, np.object_

UNAVAILABLE_DTYPES = (
    "bfloat16", "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz",
    "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu", "float4_e2m1fn", "float6_e2m3fn", "float6_e3m2fn",
    "int1", "int2", "int4", "uint1", "uint2", "uint4",
)  # fmt: skip
"""JAX's dtypes from the ``ml_dtypes`` package, which functrans does not provide."""
