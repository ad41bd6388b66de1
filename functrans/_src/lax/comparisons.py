"""Comparisons, ``select``, dtype conversion and ``stop_gradient``.

Comparisons are piecewise constant (zero tangents); ``select`` is linear in its two
branches; ``convert_element_type`` is linear between floating dtypes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, Tracer, bind, is_float_dtype, is_undefined
from functrans._src.lax.rules import (
    _batch_elementwise,
    _batch_same_dim,
    _bcast,
    _dtype,
    _elementwise_dtype,
    _nary,
    _prim,
    _shape,
    _sig,
    _un,
    _unary,
    allow_complex,
    broadcast_shapes,
    defjvp_zero,
    unbroadcast,
)
from functrans._src.tree_util import tree_map

# --------------------------------------------------------------------------- comparisons and select

eq_p = _nary("eq", np.equal)
ne_p = _nary("ne", np.not_equal)
lt_p = _nary("lt", np.less)
le_p = _nary("le", np.less_equal)
gt_p = _nary("gt", np.greater)
ge_p = _nary("ge", np.greater_equal)
and_p = _nary("and", np.logical_and)
or_p = _nary("or", np.logical_or)
not_p = _unary("not", np.logical_not)
for _p in (eq_p, ne_p, lt_p, le_p, gt_p, ge_p, and_p, or_p, not_p):
    defjvp_zero(_p)


def _cmp(p: Primitive) -> Callable[[Any, Any], Any]:
    def f(x: Any, y: Any) -> Any:
        return bind(p, (x, y), {})

    f.__name__ = p.name
    f.__doc__ = f"Elementwise ``{p.name}`` comparison (boolean result)."
    return f


eq, ne, lt, le, gt, ge = _cmp(eq_p), _cmp(ne_p), _cmp(lt_p), _cmp(le_p), _cmp(gt_p), _cmp(ge_p)
logical_and, logical_or = _cmp(and_p), _cmp(or_p)
logical_not = _un(not_p)

select_p = _prim("select")
select_p.impl = np.where


def _select_abstract_eval(pred: ShapedArray, x: ShapedArray, y: ShapedArray) -> ShapedArray:
    if pred.dtype != np.dtype(bool):
        raise TypeError(f"select requires a boolean predicate, got {pred.dtype}")
    shape = broadcast_shapes(pred.shape, x.shape, y.shape)
    return ShapedArray(shape, _elementwise_dtype(np.where, _sig((pred, x, y))))


select_p.abstract_eval = _select_abstract_eval


def select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """``on_true`` where ``pred`` else ``on_false`` (``numpy.where``), broadcasting."""
    return bind(select_p, (pred, on_true, on_false), {})


def _select_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    pred, x, y = primals
    _, gx, gy = tangents
    ans = select(pred, x, y)
    if gx is None and gy is None:
        return ans, None
    zero = np.zeros((), _dtype(gx if gx is not None else gy))
    t = select(pred, zero if gx is None else gx, zero if gy is None else gy)
    dt = _dtype(ans)
    if dt.kind == "c" and _dtype(t).kind != "c":  # a real tangent of a complex result, made complex
        t = convert_element_type(t, dt)
    return ans, _bcast(t, _shape(ans))


def _select_transpose(ct: Any, pred: Any, x: Any, y: Any) -> list[Any]:
    if is_undefined(pred):
        raise NotImplementedError("select is not linear in its predicate")
    zero = np.zeros((), _dtype(ct))
    return [
        None,
        _to_operand(select(pred, ct, zero), x.aval) if is_undefined(x) else None,
        _to_operand(select(pred, zero, ct), y.aval) if is_undefined(y) else None,
    ]


def _to_operand(ct: Any, aval: ShapedArray) -> Any:
    # summed to the operand's shape; the real part for a real operand of a complex result
    ct = unbroadcast(ct, aval.shape)
    if aval.dtype.kind != "c" and _dtype(ct).kind == "c":
        ct = convert_element_type(ct, aval.dtype)
    return ct


select_p.jvp, select_p.transpose = _select_jvp, _select_transpose
select_p.batch = _batch_elementwise(select_p)

# --------------------------------------------------------------------------- dtype conversion and stop_gradient

convert_element_type_p = _prim("convert_element_type")


def _convert_impl(x: Any, new_dtype: np.dtype) -> np.ndarray:
    x = np.asarray(x)
    if x.dtype.kind == "c" and new_dtype.kind != "c":
        # as JAX: complex to real keeps the real part (no ComplexWarning), to bool tests x != 0
        return np.not_equal(x, 0) if new_dtype.kind == "b" else np.real(x).astype(new_dtype)
    if x.dtype.kind == "f" and new_dtype.kind in "iu":
        return _float_to_int(x, new_dtype)
    return x.astype(new_dtype)


def _float_to_int(x: np.ndarray, new_dtype: np.dtype) -> np.ndarray:
    """As JAX (XLA): truncation that saturates at the integer range, NaN to 0 (NumPy's cast
    of out-of-range values and NaN is undefined: INT_MIN, wrapped values)."""
    info = np.iinfo(new_dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        out = x.astype(new_dtype)
        bad = ~(x < float(info.max)) | ~(x > float(info.min))  # out of range or NaN
        if bad.any():
            out = np.where(x >= float(info.max), info.max, np.where(x <= float(info.min), info.min, out))
            out = np.where(np.isnan(x), 0, out).astype(new_dtype)
    return out


convert_element_type_p.impl = _convert_impl
convert_element_type_p.abstract_eval = lambda x, new_dtype: ShapedArray(x.shape, new_dtype)


def convert_element_type(operand: Any, new_dtype: Any) -> Any:
    """Cast to ``new_dtype`` (``astype``)."""
    return bind(convert_element_type_p, (operand,), {"new_dtype": np.dtype(new_dtype)})


def _convert_jvp(primals: Sequence[Any], tangents: Sequence[Any], new_dtype: np.dtype) -> tuple[Any, Any]:
    (x,), (g,) = primals, tangents
    ans = convert_element_type(x, new_dtype)
    if g is None or new_dtype.kind not in "fc":
        return ans, None
    return ans, convert_element_type(g, new_dtype)


def _convert_transpose(ct: Any, x: Any, new_dtype: np.dtype) -> list[Any]:
    return [convert_element_type(ct, x.aval.dtype)]


convert_element_type_p.jvp, convert_element_type_p.transpose = _convert_jvp, _convert_transpose
convert_element_type_p.batch = _batch_same_dim(convert_element_type_p)

stop_gradient_p = _unary("stop_gradient", lambda x: x)
defjvp_zero(stop_gradient_p)


def stop_gradient(x: Any) -> Any:
    """The identity on an array or a pytree of them, with zero derivatives of every order
    (``jax.lax.stop_gradient``); integer and boolean leaves pass unchanged."""
    if isinstance(x, np.ndarray | Tracer | float | int):
        return bind(stop_gradient_p, (x,), {})

    def leaf_fn(leaf: Any) -> Any:
        if isinstance(leaf, np.ndarray | np.generic | Tracer) and not is_float_dtype(leaf.dtype):
            return leaf
        return bind(stop_gradient_p, (leaf,), {})  # non-arrays raise, naming the primitive

    return tree_map(leaf_fn, x)

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(select_p, stop_gradient_p, convert_element_type_p)
# == and != compare complex values; the orderings lt le gt ge reject them (as jax.lax: the
# lexicographic order of functrans.numpy.less etc. is built from the real and imaginary parts)
allow_complex(eq_p, ne_p)
