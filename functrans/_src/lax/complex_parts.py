"""Complex parts: ``real``, ``imag``, ``conj`` and ``complex`` (``x + 1j * y`` from real parts).

All four are R-linear, so each has a linear JVP and a transpose rule. Transposes follow JAX's
convention (the pairing ``Re(sum(a * b))``, no conjugation): ``real`` transposes to
``complex(ct, 0)``, ``imag`` to ``-1j * ct``, ``conj`` to ``conj``, and ``complex(x, y)`` to
``(real(ct), -imag(ct))``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind, get_aval, is_undefined
from functrans._src.lax.comparisons import convert_element_type
from functrans._src.lax.rules import (
    _BY_NAME,
    _batch_elementwise,
    _batch_same_dim,
    _dtype,
    _elementwise_dtype,
    _prim,
    _sig,
    allow_complex,
    broadcast_shapes,
    deflinear,
    unbroadcast,
)

__all__ = ["real", "imag", "conj", "complex", "real_p", "imag_p", "conj_p", "complex_p"]
# real_part, imag_part and conj_if_complex (below) are for rules: they also take real values


def _neg(x: Any) -> Any:
    return bind(_BY_NAME["neg"], (x,), {})


def _real_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float32) if dt == np.complex64 else np.dtype(np.float64)


def _complex_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.complex64) if dt in (np.float16, np.float32, np.complex64) else np.dtype(np.complex128)


def _complex_only(name: str, x: ShapedArray) -> None:
    if x.dtype.kind != "c":
        raise TypeError(
            f"lax.{name} expects a complex operand, got dtype {x.dtype} "
            f"(use functrans.numpy.{name}, which also accepts real values)"
        )


def _part_prim(name: str, fn: Any) -> Any:
    """``real`` or ``imag``: complex operand, real result of the same precision."""
    p = _prim(name)
    p.impl = lambda x: np.array(fn(x))

    def abstract_eval(x: ShapedArray) -> ShapedArray:
        _complex_only(name, x)
        return ShapedArray(x.shape, _real_dtype(x.dtype))

    p.abstract_eval = abstract_eval
    p.batch = _batch_same_dim(p)
    return p


real_p = _part_prim("real", np.real)
imag_p = _part_prim("imag", np.imag)

conj_p = _prim("conj")
conj_p.impl = np.conjugate


def _conj_abstract_eval(x: ShapedArray) -> ShapedArray:
    _complex_only("conj", x)
    return ShapedArray(x.shape, x.dtype)


conj_p.abstract_eval = _conj_abstract_eval
conj_p.batch = _batch_same_dim(conj_p)

complex_p = _prim("complex")


def _complex_abstract_eval(x: ShapedArray, y: ShapedArray) -> ShapedArray:
    for name, a in (("x", x), ("y", y)):
        if a.dtype.kind != "f":
            raise TypeError(
                f"lax.complex expects real floating operands, but its argument {name} has dtype {a.dtype}"
            )
    dt = _elementwise_dtype(np.add, _sig((x, y)))
    return ShapedArray(broadcast_shapes(x.shape, y.shape), _complex_dtype(dt))


def _complex_impl(x: Any, y: Any) -> np.ndarray:
    aval = _complex_abstract_eval(get_aval(x), get_aval(y))
    out = np.empty(aval.shape, aval.dtype)
    out.real, out.imag = x, y  # not x + 1j * y: that would turn an infinite y into a NaN real part
    return out


complex_p.impl = _complex_impl
complex_p.abstract_eval = _complex_abstract_eval
complex_p.batch = _batch_elementwise(complex_p)


def real(x: Any) -> Any:
    """The real part of a complex array (``jax.lax.real``: real operands are rejected)."""
    _complex_only("real", get_aval(x))
    return bind(real_p, (x,), {})


def imag(x: Any) -> Any:
    """The imaginary part of a complex array (``jax.lax.imag``: real operands are rejected)."""
    _complex_only("imag", get_aval(x))
    return bind(imag_p, (x,), {})


def conj(x: Any) -> Any:
    """The complex conjugate; a real operand is converted to complex first (as ``jax.lax.conj``)."""
    dt = get_aval(x).dtype
    if dt.kind != "c":
        return convert_element_type(x, _complex_dtype(dt))
    return bind(conj_p, (x,), {})


def complex(x: Any, y: Any) -> Any:  # noqa: A001
    """``x + 1j * y`` for real floating ``x`` and ``y``, broadcasting (``jax.lax.complex``)."""
    return bind(complex_p, (x, y), {})


deflinear(real_p, lambda ct, x: [convert_element_type(ct, x.aval.dtype)])


def _imag_transpose(ct: Any, x: Any) -> list[Any]:
    return [complex(np.zeros((), get_aval(ct).dtype), _neg(ct))]


deflinear(imag_p, _imag_transpose)
deflinear(conj_p, lambda ct, x: [conj(ct)])


def _complex_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    return [
        unbroadcast(real(ct), x.aval.shape) if is_undefined(x) else None,
        unbroadcast(_neg(imag(ct)), y.aval.shape) if is_undefined(y) else None,
    ]


deflinear(complex_p, _complex_transpose)


def _parts_jvp(prim: Any, real_tangent: Any) -> None:
    # A complex value's tangent may be real (the tangent of x + 1j with x real): real(t) and
    # conj(t) are then t itself, imag(t) a symbolic zero.
    def rule(primals: Any, tangents: Any) -> tuple[Any, Any]:
        (x,), (t,) = primals, tangents
        ans = bind(prim, (x,), {})
        if t is None:
            return ans, None
        if get_aval(t).dtype.kind != "c":
            return ans, real_tangent(t)
        return ans, bind(prim, (t,), {})

    prim.jvp = rule


_parts_jvp(real_p, lambda t: t)
_parts_jvp(imag_p, lambda t: None)
_parts_jvp(conj_p, lambda t: t)

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(real_p, imag_p, conj_p, complex_p)


# --------------------------------------------------------------------------- helpers for rules
# Rules of other families branch on the dtype at trace time, so real values record nothing.


def real_part(x: Any) -> Any:
    """``Re(x)`` as a real array (``x`` itself when it is real)."""
    return real(x) if _dtype(x).kind == "c" else x


def imag_part(x: Any) -> Any:
    """``Im(x)`` as a real array (zeros when ``x`` is real)."""
    return imag(x) if _dtype(x).kind == "c" else bind(_BY_NAME["mul"], (x, 0), {})


def conj_if_complex(x: Any) -> Any:
    """The complex conjugate (``x`` itself, with nothing recorded, when it is real)."""
    return conj(x) if _dtype(x).kind == "c" else x
