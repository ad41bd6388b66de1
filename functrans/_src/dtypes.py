"""``functrans.dtypes``: JAX's dtype utilities (``jax.dtypes``) under x64.

``result_type`` follows JAX's type-promotion lattice (not NumPy's): Python scalars are weakly
typed (``int8 + 1 -> int8``, ``float32 + 1.0 -> float32``), any integer with any float gives that
float (``float16 + int64 -> float16``), ``int64 + uint64 -> float64``.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from functrans._src.core import Tracer, float0

__all__ = [
    "TypePromotionError", "canonicalize_dtype", "finfo", "float0", "iinfo", "issubdtype", "itemsize_bits",
    "prng_key", "extended", "promote_types", "result_type", "scalar_type_of",
]  # fmt: skip

finfo = np.finfo
iinfo = np.iinfo


class TypePromotionError(ValueError):
    """Raised when dtypes cannot be promoted together."""


class extended(np.generic):  # noqa: N801 (JAX's name)
    """Abstract base of extended dtypes (functrans has none; ``issubdtype(x, extended)`` is False)."""


class prng_key(extended):  # noqa: N801
    """Abstract dtype of typed PRNG keys (functrans' keys are raw ``uint32`` arrays)."""


_I, _F, _C = "i*", "f*", "c*"  # the weak (Python scalar) types
_b, _u8, _u16, _u32, _u64 = (np.dtype(t) for t in (np.bool_, np.uint8, np.uint16, np.uint32, np.uint64))
_i8, _i16, _i32, _i64 = (np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64))
_f16, _f32, _f64, _c64, _c128 = (np.dtype(t) for t in (np.float16, np.float32, np.float64, np.complex64, np.complex128))
_LATTICE: dict[Any, list[Any]] = {
    _b: [_I], _I: [_u8, _i8], _u8: [_i16, _u16], _u16: [_i32, _u32], _u32: [_i64, _u64], _u64: [_F],
    _i8: [_i16], _i16: [_i32], _i32: [_i64], _i64: [_F], _F: [_f16, _C], _f16: [_f32],
    _f32: [_f64, _c64], _f64: [_c128], _C: [_c64], _c64: [_c128], _c128: [],
}  # fmt: skip
_DEFAULT = {_I: _i64, _F: _f64, _C: _c128}


@functools.cache
def _upper(t: Any) -> frozenset:
    out = {t}
    for s in _LATTICE[t]:
        out |= _upper(s)
    return frozenset(out)


def _join(a: Any, b: Any) -> Any:
    common = _upper(a) & _upper(b)
    for c in common:
        if _upper(c) == common:
            return c
    raise TypePromotionError(f"no common type for {a} and {b}")


def canonicalize_dtype(dtype: Any, allow_extended_dtype: bool = False) -> np.dtype:
    """``dtype`` as a NumPy dtype functrans computes with (x64: 64-bit types are kept)."""
    dt = np.dtype(dtype)
    if dt == float0:
        return dt
    return dt


def _node(x: Any) -> Any:
    if x is None:  # as JAX's result_type: the default float
        return _f64
    if type(x) is bool:
        return _b
    if type(x) is int:
        return _I
    if type(x) is float:
        return _F
    if type(x) is complex:
        return _C
    if isinstance(x, Tracer):
        av = x.aval
        dt = np.dtype(av.dtype)
        return _weak(dt) if getattr(av, "weak_type", False) else dt
    if isinstance(x, type) and x in (int, float, complex, bool):  # Python types are weak, as JAX's
        return {int: _I, float: _F, complex: _C, bool: _b}[x]
    dt = np.dtype(x.dtype) if hasattr(x, "dtype") and not isinstance(x, (type, np.dtype)) else np.dtype(x)
    if dt not in _LATTICE and dt != float0:
        raise TypeError(f"JAX only supports number and bool dtypes, got dtype {dt}")
    return dt


def _weak(dt: np.dtype) -> Any:
    return {"i": _I, "u": _I, "f": _F, "c": _C}.get(dt.kind, dt)


def result_type(*args: Any, return_weak_type_flag: bool = False) -> Any:
    """The dtype of an operation on ``args`` (values or dtypes) under JAX's promotion rules."""
    if not args:
        raise ValueError("at least one array or dtype is required")
    nodes = [_node(a) for a in args]
    if float0 in nodes:
        if len(nodes) == 1:
            return (float0, False) if return_weak_type_flag else float0
        raise TypeError(f"tried to promote float0 with other types: {args}")
    out = nodes[0]
    for n in nodes[1:]:
        out = _join(out, n)
    weak = out in _DEFAULT
    dt = _DEFAULT.get(out, out)
    return (dt, weak) if return_weak_type_flag else dt


def promote_types(a: Any, b: Any) -> np.dtype:
    """The promoted dtype of two dtypes (the Python types ``int``/``float``/``complex`` weak)."""
    weak = (bool, int, float, complex)
    return result_type(*[x if isinstance(x, type) and x in weak else np.dtype(x) for x in (a, b)])


def issubdtype(a: Any, b: Any) -> bool:
    """``np.issubdtype`` that also knows ``float0`` (not a float) and ``extended``/``prng_key`` (never)."""
    if a is float0 or (isinstance(a, np.dtype) and a == float0):
        return b is float0 or (isinstance(b, np.dtype) and b == float0)
    if b in (extended, prng_key):
        return isinstance(a, type) and issubclass(a, b)
    if isinstance(b, np.dtype) and b == float0:
        return False
    return bool(np.issubdtype(a, b))


def scalar_type_of(x: Any) -> type:
    """The Python scalar type (bool, int, float or complex) of ``x``'s dtype."""
    dt = np.dtype(x.dtype) if hasattr(x, "dtype") else np.asarray(x).dtype
    if dt.kind == "b":
        return bool
    if dt.kind in "iu":
        return int
    if dt.kind == "f":
        return float
    if dt.kind == "c":
        return complex
    raise TypeError(f"Invalid scalar value {x}")


def itemsize_bits(dtype: Any) -> int:
    """The size of one element of ``dtype`` in bits."""
    if dtype is None:
        raise ValueError("dtype cannot be None.")
    dt = np.dtype(dtype)
    return 0 if dt == float0 else dt.itemsize * 8
