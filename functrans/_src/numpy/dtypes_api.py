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

from functrans._src.core import Tracer, get_aval

__all__ = [
    "result_type", "promote_types", "can_cast", "issubdtype", "isdtype", "isscalar", "iterable",
    "broadcast_shapes", "euler_gamma", "ComplexWarning", "get_printoptions", "set_printoptions",
    "printoptions", "array_repr", "array_str",
    "bool", "double", "single", "float_", "int_", "uint", "uint16", "cdouble", "csingle", "complex_",
    "generic", "number", "inexact", "floating", "integer", "signedinteger", "unsignedinteger",
    "complexfloating", "character", "flexible", "object_",
]  # fmt: skip

# --------------------------------------------------------------------------- JAX's promotion lattice

_B, _U1, _U2, _U4, _U8 = "bool", "uint8", "uint16", "uint32", "uint64"
_I1, _I2, _I4, _I8 = "int8", "int16", "int32", "int64"
_F2, _F4, _F8, _C4, _C8 = "float16", "float32", "float64", "complex64", "complex128"
_IW, _FW, _CW = "int*", "float*", "complex*"  # the weak types of Python scalars

_EDGES: dict[str, tuple[str, ...]] = {
    _B: (_IW,),
    _U1: (_I2, _U2), _U2: (_I4, _U4), _U4: (_I8, _U8), _U8: (_FW,),
    _IW: (_U1, _I1), _I1: (_I2,), _I2: (_I4,), _I4: (_I8,), _I8: (_FW,),
    _FW: (_F2, _CW), _F2: (_F4,), _F4: (_F8, _C4), _F8: (_C8,),
    _CW: (_C4,), _C4: (_C8,), _C8: (),
}  # fmt: skip
_WEAK_CANONICAL = {_IW: np.dtype(np.int64), _FW: np.dtype(np.float64), _CW: np.dtype(np.complex128)}


def _upper(t: str) -> frozenset[str]:
    out, todo = {t}, [t]
    while todo:
        for n in _EDGES[todo.pop()]:
            if n not in out:
                out.add(n)
                todo.append(n)
    return frozenset(out)


_UPPER = {t: _upper(t) for t in _EDGES}


def _join(a: str, b: str) -> str:
    common = _UPPER[a] & _UPPER[b]
    for t in common:
        if _UPPER[t] == common:
            return t
    raise TypeError(f"no common type for {a} and {b}")  # the lattice has a join for every pair


_PY_WEAK = {builtins.bool: _B, int: _IW, float: _FW, complex: _CW}
_WEAK_KIND = {"b": _B, "i": _IW, "u": _IW, "f": _FW, "c": _CW}


def _node(x: Any) -> str | np.dtype:
    """The lattice node of one argument: a weak node for Python scalars and the types
    ``int``/``float``/``complex`` (and weakly typed traced values); otherwise its dtype's name
    (or the dtype itself when it is outside the lattice)."""
    if x is None:
        return _FW
    if isinstance(x, type) and x in _PY_WEAK:
        return _PY_WEAK[x]
    if type(x) in _PY_WEAK:
        return _PY_WEAK[type(x)]
    if isinstance(x, Tracer):
        aval = get_aval(x)
        return _WEAK_KIND[aval.dtype.kind] if aval.weak_type else aval.dtype.name
    if hasattr(x, "dtype") and not isinstance(x, type) and not isinstance(x, np.dtype):
        dt = np.dtype(x.dtype)
    else:
        dt = np.dtype(x)
    return dt.name if dt.name in _EDGES else dt


def _dtype_of(node: str) -> np.dtype:
    return _WEAK_CANONICAL[node] if node in _WEAK_CANONICAL else np.dtype(node)


def result_type(*args: Any) -> np.dtype:
    """The dtype JAX's promotion gives for ``args`` (arrays, scalars, dtypes; x64 enabled)."""
    if not args:
        raise ValueError("at least one array or dtype is required")
    nodes = [_node(a) for a in args]
    for n in nodes:
        if isinstance(n, np.dtype):
            if n.kind == "O":
                raise TypeError(f"Value of dtype {n} is not a valid array type: only numeric types are supported")
            if len(nodes) == 1:
                return n
            raise TypeError(f"dtype {n} does not take part in type promotion")
    out = nodes[0]
    for n in nodes[1:]:
        out = _join(out, n)  # type: ignore[arg-type]
    return _dtype_of(out)  # type: ignore[arg-type]


def promote_types(a: Any, b: Any) -> np.dtype:
    """The dtype that both ``a`` and ``b`` (dtypes) promote to under JAX's promotion lattice."""
    return result_type(_as_dtype_arg(a), _as_dtype_arg(b))


def _as_dtype_arg(a: Any) -> Any:
    if isinstance(a, type) and a in _PY_WEAK:
        return a
    return np.dtype(a)


def inexact_dtype(x: Any) -> np.dtype:
    """The floating or complex dtype JAX computes ``x`` in: integers and booleans become
    ``float32`` when at most 32 bits wide (``float64`` for 64-bit ones; Python ints the default
    ``float64``); floating and complex dtypes are kept."""
    node = _node(x)
    if isinstance(node, np.dtype):
        raise TypeError(f"expected a numeric array, got dtype {node}")
    dt = _dtype_of(node)
    if dt.kind in "fc":
        return dt
    if node == _IW:
        return np.dtype(np.float64)
    return np.dtype(np.float64) if dt.itemsize == 8 else np.dtype(np.float32)


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
