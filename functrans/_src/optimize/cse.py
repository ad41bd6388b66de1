"""The ``cse`` pass: common-subexpression elimination."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, Var
from functrans._src.optimize._common import _NUMERIC_KINDS, MAX_VALUE_KEY_SIZE, _subst, _subst_outs

# --------------------------------------------------------------------------- cse


class _Unhashable(Exception):
    pass


def _param_key(v: Any) -> Any:
    if isinstance(v, IR):
        return ("IR", id(v))
    if isinstance(v, tuple | list):
        return (type(v).__name__, tuple(_param_key(x) for x in v))
    if isinstance(v, dict):
        return ("dict", tuple(sorted((k, _param_key(x)) for k, x in v.items())))
    if isinstance(v, float | complex | np.floating | np.complexfloating):
        return (type(v), repr(v))  # repr tells -0.0 from 0.0
    if isinstance(v, np.ndarray):
        raise _Unhashable
    hash(v)  # raises TypeError for unhashable values
    return (type(v), v)


def _lit_key(a: Literal) -> tuple[Any, ...]:
    return ("lit", type(a.val), repr(a.val))


_COMMUTATIVE = frozenset({lax.add_p, lax.mul_p, lax.eq_p, lax.ne_p, lax.and_p, lax.or_p})


def _eqn_key(e: Eqn) -> Any:
    if getattr(e.prim, "effectful", False):  # two debug.print calls both print
        return None
    try:
        params = tuple(sorted((k, _param_key(v)) for k, v in e.params.items()))
        hash(params)
    except (_Unhashable, TypeError):
        return None
    ins: Any = tuple(a if isinstance(a, Var) else _lit_key(a) for a in e.inputs)
    if e.prim in _COMMUTATIVE and len(ins) == 2:
        ins = frozenset(ins)
    return (e.prim, params, ins)


def _const_key(c: Any) -> Any:
    if isinstance(c, np.ndarray | np.generic) and c.size <= MAX_VALUE_KEY_SIZE and c.dtype.kind in _NUMERIC_KINDS:
        return ("val", c.dtype.str, c.shape, np.ascontiguousarray(c).tobytes())
    return ("id", id(c))


def cse(ir: IR) -> IR:
    """Common-subexpression elimination.

    Two equations with the same primitive, equal parameters and the same inputs
    (variables by identity, literals by type and ``repr``, so ``-0.0`` differs from
    ``0.0``) compute the same values: the later one is dropped and its outputs
    replaced by the earlier one's. The operands of ``add``, ``mul``, ``eq``, ``ne``,
    ``and`` and ``or`` are unordered. Sub-program parameters are compared by identity;
    an equation with unhashable parameters is never merged. Constants that are the
    same object, or small arrays with the same dtype, shape and bytes, are merged too.
    """
    env: dict[Var, Atom] = {}
    constvars: list[Var] = []
    consts: list[Any] = []
    seen_consts: dict[Any, Var] = {}
    for v, c in zip(ir.constvars, ir.consts):
        k = _const_key(c)
        prev = seen_consts.get(k)
        if prev is not None and prev.aval == v.aval:
            env[v] = prev
            continue
        seen_consts.setdefault(k, v)
        constvars.append(v)
        consts.append(c)
    table: dict[Any, Eqn] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        key = _eqn_key(e)
        if key is not None:
            prev_e = table.get(key)
            if prev_e is not None and all(a.aval == b.aval for a, b in zip(e.outvars, prev_e.outvars)):
                env.update(zip(e.outvars, prev_e.outvars))
                continue
            table[key] = e
        eqns.append(e)
    return IR(constvars, consts, list(ir.invars), eqns, _subst_outs(ir.outvars, env))
