"""``jax.lax`` signatures (argument names) for functrans primitives' wrappers whose own
parameter names differ: ``concatenate(operands, dimension)``, ``transpose(operand,
permutation)``, ``convert_element_type(operand, new_dtype)``, ``select(pred, on_true,
on_false)``, ``nextafter(x1, x2)``, ``bitcast_convert_type(operand, new_dtype)``.
Values are those of the wrapped primitives (which broadcast and promote like NumPy, as
documented in tools/jax_diff_lax.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from functrans._src.lax import comparisons, shape
from functrans._src.lax.rules import _shape

__all__ = ["lax_concatenate", "lax_transpose", "lax_convert_element_type", "lax_select"]


def lax_concatenate(operands: Sequence[Any], dimension: int) -> Any:
    """Join ``operands`` along the existing axis ``dimension`` (0 <= dimension < rank)."""
    operands = list(operands)
    if not operands:
        raise ValueError("concatenate requires a non-empty sequences of arrays")
    nd = len(_shape(operands[0]))
    if not 0 <= int(dimension) < max(nd, 1):
        raise TypeError(f"concatenate dimension out of bounds: dimension {dimension} for shapes "
                        + ", ".join(str(_shape(o)) for o in operands) + ".")
    return shape.concatenate(operands, int(dimension))


def lax_transpose(operand: Any, permutation: Sequence[int]) -> Any:
    """Permute the axes of ``operand`` (``permutation`` must be a permutation of its axes)."""
    perm = tuple(int(i) for i in permutation)
    if sorted(perm) != list(range(len(_shape(operand)))):
        raise TypeError(f"transpose permutation isn't a permutation of operand dimensions, got permutation "
                        f"{perm} for operand shape {_shape(operand)}.")
    return shape.transpose(operand, perm)


def lax_convert_element_type(operand: Any, new_dtype: Any) -> Any:
    """``operand`` converted to ``new_dtype``."""
    return comparisons.convert_element_type(operand, new_dtype)


def lax_select(pred: Any, on_true: Any, on_false: Any) -> Any:
    """``on_true`` where ``pred`` else ``on_false``."""
    return comparisons.select(pred, on_true, on_false)
