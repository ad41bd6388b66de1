"""Limits and helpers shared by the optimisation passes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import IR, Atom, Eqn, Literal, ShapedArray, Var

# Constants with more elements than this are never inspected for being all zeros or ones.
MAX_INSPECT_SIZE = 100_000
# Equations whose result would have more elements than this are not folded.
MAX_FOLD_SIZE = 1_000_000
# Constants up to this size are deduplicated by value (not only by identity) in cse.
MAX_VALUE_KEY_SIZE = 16
# Constants made by the passes (zeros, ones) larger than this are read-only broadcast views.
_DENSE_FILL_LIMIT = 65_536

_NUMERIC_KINDS = frozenset("biufc")


class _Missing:
    pass


_MISSING: Any = _Missing()


# --------------------------------------------------------------------------- helpers shared by the passes


def _is_jit_call(e: Eqn) -> bool:
    return e.prim.name == "jit" and isinstance(e.params.get("ir"), IR)


def _strong_literal(val: Any, dtype: np.dtype) -> Literal:
    """A literal holding ``val`` as a NumPy scalar of ``dtype`` (strongly typed)."""
    return Literal(np.asarray(val, dtype=dtype)[()])


def _replacement(old: Var, new: Atom) -> Atom | None:
    """``new`` as a stand-in for ``old``, or None if their types differ.

    Shapes and dtypes must be equal. A weakly typed literal standing in for a strongly
    typed variable becomes a NumPy scalar of the variable's dtype, so consumers keep
    the promotion they were typed with.
    """
    oa, na = old.aval, new.aval
    if oa.shape != na.shape or oa.dtype != na.dtype:
        return None
    if na.weak_type == oa.weak_type:
        return new
    if isinstance(new, Literal) and na.weak_type and oa.dtype.kind in _NUMERIC_KINDS:
        return _strong_literal(new.val, oa.dtype)
    return None


def _subst(e: Eqn, env: dict[Var, Atom]) -> Eqn:
    """``e`` with its inputs renamed through ``env``; ``e`` itself if nothing changes."""
    if not env:
        return e
    changed = False
    new: list[Atom] = []
    for a in e.inputs:
        b = env.get(a, a) if isinstance(a, Var) else a
        changed = changed or b is not a
        new.append(b)
    return Eqn(e.prim, new, e.params, e.outvars) if changed else e


def _subst_outs(outvars: Sequence[Atom], env: dict[Var, Atom]) -> list[Atom]:
    return [env.get(a, a) if isinstance(a, Var) else a for a in outvars]


def _const_value(a: Atom, cmap: dict[Var, Any]) -> Any:
    """The value of ``a`` if it is a literal or a constant variable, else ``_MISSING``."""
    if isinstance(a, Literal):
        return a.val
    return cmap.get(a, _MISSING)


def _is_filled(val: Any, k: int) -> bool:
    """True if ``val`` is a (small enough) numeric constant all of whose elements equal ``k``."""
    if val is _MISSING:
        return False
    if isinstance(val, bool | int | float | complex):
        return val == k
    try:
        arr = np.asarray(val)
    except Exception:
        return False
    if arr.dtype.kind not in _NUMERIC_KINDS or arr.size > MAX_INSPECT_SIZE:
        return False
    return bool(np.all(arr == k))


class _Consts:
    """The constants of a program being rebuilt: new ones can be added."""

    def __init__(self, ir: IR) -> None:
        self.vars = list(ir.constvars)
        self.vals = list(ir.consts)
        self.map: dict[Var, Any] = dict(zip(self.vars, self.vals))

    def atom(self, value: Any, aval: ShapedArray) -> Atom:
        """An atom holding ``value`` (already of ``aval``'s shape and dtype).

        A 0-d numeric value becomes a strongly typed literal (a NumPy scalar), anything
        else a new constant variable.
        """
        arr = np.asarray(value, dtype=aval.dtype)
        if arr.ndim == 0 and arr.dtype.kind in _NUMERIC_KINDS:
            return Literal(arr[()])
        v = Var(ShapedArray(aval.shape, aval.dtype))
        self.vars.append(v)
        self.vals.append(arr)
        self.map[v] = arr
        return v

    def filled(self, aval: ShapedArray, k: float) -> Atom:
        """A constant of ``aval`` with every element ``k`` (a read-only broadcast view if large)."""
        if aval.size > _DENSE_FILL_LIMIT:
            return self.atom(np.broadcast_to(np.asarray(k, dtype=aval.dtype), aval.shape), aval)
        return self.atom(np.full(aval.shape, k, dtype=aval.dtype), aval)
