"""More ``jax.lax`` names composed from existing primitives (no new primitives): ``dot``,
``batch_matmul``, ``reciprocal``, ``reduce``, ``optimization_barrier``,
``with_sharding_constraint``, ``sort_key_val``, and the type names ``Precision``,
``DotDimensionNumbers``, ``DotAlgorithmPreset``.

``reduce(operands, init_values, computation, dimensions)`` recognises the standard monoids
(``computation`` one of ``lax.add``/``mul``/``max``/``min``/``bitwise_and``/``bitwise_or``/
``bitwise_xor``/``logical_and``/``logical_or``, or a function that traces to exactly one of
them applied to its two arguments, with ``init_values`` that monoid's identity) and then uses
the reduction primitive (gradients as ``reduce_sum``/``reduce_max``...: ties share the
tangent equally). Any other computation (several operands, a non-identity initial value, a
general function) is applied as a left fold over the reduced elements, starting from the
initial value, which is the order XLA's CPU reduction uses; it is differentiable wherever
``computation`` is (JAX raises for a gradient through a non-zero initial value's tangent).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Tracer
from functrans._src.lax.comparisons import convert_element_type
from functrans._src.lax.rules import _dtype, _shape

__all__ = ["dot", "batch_matmul", "reciprocal", "reduce", "optimization_barrier", "with_sharding_constraint",
           "sort_key_val", "Precision", "DotDimensionNumbers", "DotAlgorithmPreset", "PrecisionLike"]


class Precision(enum.Enum):
    """Matmul precision (``jax.lax.Precision``); accepted and ignored: NumPy computes at full precision."""

    DEFAULT = 0
    HIGH = 1
    HIGHEST = 2

    @classmethod
    def _missing_(cls, value: object) -> Precision | None:
        names = {"default": cls.DEFAULT, "fastest": cls.DEFAULT, "bfloat16": cls.DEFAULT,
                 "high": cls.HIGH, "bfloat16_3x": cls.HIGH, "tensorfloat32": cls.HIGH,
                 "highest": cls.HIGHEST, "float32": cls.HIGHEST}
        return names.get(value) if isinstance(value, str) else None

    def __str__(self) -> str:
        return self.name


class DotAlgorithmPreset(enum.Enum):
    """``jax.lax.DotAlgorithmPreset`` names (accepted as ``precision``; ignored)."""

    DEFAULT = enum.auto()
    ANY_F8_ANY_F8_F32 = enum.auto()
    F16_F16_F32 = enum.auto()
    BF16_BF16_F32 = enum.auto()
    F32_F32_F32 = enum.auto()
    F64_F64_F64 = enum.auto()


PrecisionLike = Any
DotDimensionNumbers = tuple[tuple[Sequence[int], Sequence[int]], tuple[Sequence[int], Sequence[int]]]


def _check_precision(precision: Any) -> None:
    ok = (type(None), str, Precision, DotAlgorithmPreset, tuple, list)
    if not isinstance(precision, ok):
        raise ValueError(f"precision argument must be a str, Precision, DotAlgorithmPreset or a pair of "
                         f"them, got {precision!r}")
    if isinstance(precision, str) and Precision._missing_(precision.lower()) is None:
        raise ValueError(f"Precision must be one of {[m.name for m in Precision]} or their aliases, got "
                         f"{precision!r}")


def dot(lhs: Any, rhs: Any, *, dimension_numbers: Any = None, precision: Any = None,
        preferred_element_type: Any = None, out_sharding: Any = None) -> Any:
    """Vector/matrix products (``jax.lax.dot``): rank 1 or 2 operands, contracting the last
    axis of ``lhs`` with the first of ``rhs``; with ``dimension_numbers`` a ``dot_general``."""
    from functrans._src.lax.jax_surface import lax_dot_general

    _check_precision(precision)
    ls, rs = _shape(lhs), _shape(rhs)
    if dimension_numbers is None:
        if len(ls) not in (1, 2) or len(rs) not in (1, 2) or ls[-1] != rs[0]:
            raise ValueError(f"jax.lax.dot: dimension_numbers must be specified when not performing simple "
                             f"vector/matrix products (rank 1 or 2, lhs's last axis matching rhs's first), "
                             f"got shapes {ls} and {rs}")
        dimension_numbers = (((len(ls) - 1,), (0,)), ((), ()))
    _check_preferred(lhs, rhs, preferred_element_type)
    return lax_dot_general(lhs, rhs, dimension_numbers, precision=precision,
                           preferred_element_type=preferred_element_type)


def _check_preferred(lhs: Any, rhs: Any, pet: Any) -> None:
    if pet is None:
        return
    pdt = np.dtype(pet)
    res = np.result_type(_dtype(lhs), _dtype(rhs))
    narrower = (pdt.kind == res.kind or (pdt.kind == "f" and res.kind in "iu")) and pdt.itemsize < res.itemsize
    if narrower or (res.kind == "f" and pdt.kind in "iub") or (res.kind == "c" and pdt.kind != "c"):
        raise TypeError(f"`preferred_element_type` must not be narrower than the original type, got "
                        f"preferred_element_type of {pdt} for result type of {res}.")


def batch_matmul(lhs: Any, rhs: Any, precision: Any = None) -> Any:
    """Batched matrix product over the leading axes (``jax.lax.batch_matmul``: equal ranks >= 2,
    equal batch shapes)."""
    from functrans._src.lax.jax_surface import lax_dot_general

    ls, rs = _shape(lhs), _shape(rhs)
    if len(ls) < 2 or len(ls) != len(rs):
        raise ValueError(f"Arguments to batch_matmul must be at least 2D and of equal rank, got {len(ls)} and "
                         f"{len(rs)}.")
    if ls[:-2] != rs[:-2]:
        raise ValueError(f"Batch dimensions of batch_matmul must match, got {ls[:-2]} and {rs[:-2]}.")
    nb = len(ls) - 2
    batch = tuple(range(nb))
    return lax_dot_general(lhs, rhs, (((nb + 1,), (nb,)), (batch, batch)), precision=precision)


def reciprocal(x: Any) -> Any:
    """Elementwise ``1 / x`` (``x ** -1``; integer operands raise TypeError, as JAX)."""
    from functrans._src.lax.elementwise import integer_pow

    if _dtype(x).kind in "biu":
        raise TypeError(f"Integers cannot be raised to negative powers, got integer_pow({_dtype(x)}"
                        f"{list(_shape(x))}, -1)")
    return integer_pow(x, -1)


# --------------------------------------------------------------------------- reduce


def _monoids() -> dict[str, tuple[Callable[..., Any], Callable[[np.dtype], Any]]]:
    from functrans._src.lax import bitwise as bw
    from functrans._src.lax import reductions as red

    def lowest(dt: np.dtype) -> Any:
        return -np.inf if dt.kind in "fc" else (np.iinfo(dt).min if dt.kind in "iu" else False)

    def highest(dt: np.dtype) -> Any:
        return np.inf if dt.kind in "fc" else (np.iinfo(dt).max if dt.kind in "iu" else True)

    return {
        "add": (red.reduce_sum, lambda dt: 0),
        "mul": (red.reduce_prod, lambda dt: 1),
        "max": (red.reduce_max, lowest),
        "min": (red.reduce_min, highest),
        "and": (bw.reduce_and, lambda dt: True),
        "or": (bw.reduce_or, lambda dt: False),
        "bitwise_and": (bw.reduce_and, lambda dt: -1 if dt.kind in "iu" else True),
        "bitwise_or": (bw.reduce_or, lambda dt: 0 if dt.kind in "iu" else False),
        "bitwise_xor": (bw.reduce_xor, lambda dt: 0 if dt.kind in "iu" else False),
    }


def _monoid_of(computation: Callable[..., Any], dtype: np.dtype) -> str | None:
    """The monoid primitive ``computation`` applies to its two scalar arguments, if it is exactly one."""
    from functrans._src.core import ShapedArray
    from functrans._src.staging import trace_to_ir

    aval = ShapedArray((), np.dtype(dtype))
    try:
        ir, _ = trace_to_ir(lambda a, b: [computation(a, b)], [aval, aval])
    except Exception:  # noqa: BLE001  (not a simple scalar function: the general path decides)
        return None
    if len(ir.eqns) != 1 or len(ir.outvars) != 1:
        return None
    e = ir.eqns[0]
    name = e.prim.name
    if name not in _monoids() or list(e.inputs) not in (list(ir.invars), list(ir.invars)[::-1]):
        return None
    if e.outvars[0] is not ir.outvars[0]:
        return None
    return name


def _is_identity(init: Any, value: Any) -> bool:
    if isinstance(init, Tracer):
        return False
    v = np.asarray(init)
    return v.shape == () and bool(v == np.asarray(value).astype(v.dtype) if v.dtype.kind in "iu"
                                  else v == value)


def reduce(operands: Any, init_values: Any, computation: Callable[..., Any], dimensions: Sequence[int],
           out_sharding: Any = None) -> Any:
    """Reduce ``operands`` (an array or a pytree of arrays of one shape) over ``dimensions`` with
    ``computation``, starting from ``init_values`` (same tree structure), as ``jax.lax.reduce``."""
    from functrans._src.tree_util import tree_flatten, tree_unflatten

    flat_ops, tree = tree_flatten(operands)
    flat_init, init_tree = tree_flatten(init_values)
    if tree != init_tree or not flat_ops:
        raise ValueError(f"reduce: operands and init_values must have the same tree structure, got {tree} "
                         f"and {init_tree}")
    if isinstance(dimensions, int | np.integer):
        raise TypeError(f"'{type(dimensions).__name__}' object is not iterable")
    shape = tuple(_shape(flat_ops[0]))
    nd = len(shape)
    dims = tuple(int(d) for d in dimensions)
    if len(set(dims)) != len(dims) or any(not 0 <= d < nd for d in dims):
        raise ValueError(f"reduce: dimensions {dims} must be distinct axes of an operand of rank {nd}")
    for o in flat_ops:
        if tuple(_shape(o)) != shape:
            raise ValueError(f"reduce: all operands must have one shape, got {[_shape(o) for o in flat_ops]}")
    for i in flat_init:
        if _shape(i) != ():
            raise TypeError(f"reduce: init_values must be scalars, got shape {_shape(i)}")
    if len(flat_ops) == 1:
        x, init = flat_ops[0], flat_init[0]
        name = _monoid_of(computation, _dtype(x))
        if name is not None:
            fn, ident = _monoids()[name]
            if _is_identity(init, ident(_dtype(x))):
                return tree_unflatten(tree, [fn(x, dims)])
    return tree_unflatten(tree, _fold(flat_ops, flat_init, computation, dims, tree))


def _fold(ops: list[Any], inits: list[Any], computation: Callable[..., Any], dims: tuple[int, ...],
          tree: Any) -> list[Any]:
    from functrans._src.lax.shape import broadcast_to, reshape, transpose
    from functrans._src.lax.slicing import index
    from functrans._src.tree_util import tree_flatten, tree_unflatten

    shape = tuple(_shape(ops[0]))
    kept = [i for i in range(len(shape)) if i not in dims]
    out_shape = tuple(shape[i] for i in kept)
    n = int(np.prod([shape[d] for d in dims])) if dims else 1
    flat = [reshape(transpose(o, kept + list(dims)), out_shape + (n,)) for o in ops]
    acc = []
    for o, i in zip(ops, inits):
        if type(i) in (int, float, bool, complex) or _dtype(i) != _dtype(o):
            i = convert_element_type(i, _dtype(o)) if isinstance(i, Tracer) else np.asarray(i).astype(_dtype(o))
        acc.append(broadcast_to(i, out_shape))
    for k in range(n):
        cur = [index(f, (slice(None),) * len(out_shape) + (k,)) for f in flat]
        res = computation(tree_unflatten(tree, acc), tree_unflatten(tree, cur))
        acc, res_tree = tree_flatten(res)
        if res_tree != tree:
            raise TypeError(f"reduce: computation must return the operands' structure {tree}, got {res_tree}")
    return acc


# --------------------------------------------------------------------------- identities and sort_key_val


def optimization_barrier(operand: Any, /) -> Any:
    """The identity on a pytree of arrays (``jax.lax.optimization_barrier``: only a scheduling hint for XLA)."""
    return operand


def with_sharding_constraint(x: Any, shardings: Any) -> Any:
    """The identity (``jax.lax.with_sharding_constraint``): functrans runs on one NumPy device."""
    if shardings is None:
        raise ValueError("One of with_sharding_constraint arguments got sharding None which is not allowed.")
    return x


def sort_key_val(keys: Any, values: Any, dimension: int = -1, is_stable: bool = True) -> tuple[Any, Any]:
    """``keys`` sorted along ``dimension`` and ``values`` permuted alike (``jax.lax.sort_key_val``)."""
    from functrans._src.lax.sorting import sort

    if tuple(_shape(keys)) != tuple(_shape(values)):
        raise TypeError(f"sort_key_val: keys and values must have the same shape, got {_shape(keys)} and "
                        f"{_shape(values)}")
    k, v = sort((keys, values), dimension=dimension, is_stable=is_stable, num_keys=1)
    return k, v
