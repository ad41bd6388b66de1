"""The ``fold_constants`` pass: evaluate equations whose inputs are all constants."""

from __future__ import annotations

import numpy as np

from functrans._src.core import IR, Atom, Eqn, Var
from functrans._src.optimize._common import (
    _MISSING,
    _NUMERIC_KINDS,
    MAX_FOLD_SIZE,
    _const_value,
    _Consts,
    _subst,
    _subst_outs,
)

# --------------------------------------------------------------------------- fold_constants


def fold_constants(ir: IR) -> IR:
    """Evaluate every equation whose inputs are all literals or constants.

    The result is computed now with the primitive's NumPy implementation (floating
    point warnings are silenced) and cast to the output's declared dtype with
    ``np.asarray(..., dtype=...)``. A 0-d numeric result becomes a literal holding a
    NumPy scalar (strongly typed, so its dtype is kept), anything else a new
    constant. An equation is left in place if a result would have more than
    ``MAX_FOLD_SIZE`` elements, if evaluating it raises, or if the result's shape
    differs from the declared one.
    """
    consts = _Consts(ir)
    env: dict[Var, Atom] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        folded = _fold(e, consts)
        if folded is None:
            eqns.append(e)
        else:
            env.update(folded)
    return IR(consts.vars, consts.vals, list(ir.invars), eqns, _subst_outs(ir.outvars, env))


def _fold(e: Eqn, consts: _Consts) -> dict[Var, Atom] | None:
    if e.prim.impl is None or getattr(e.prim, "effectful", False):  # debug.print runs at run time
        return None
    vals = []
    for a in e.inputs:
        v = _const_value(a, consts.map)
        if v is _MISSING:
            return None
        vals.append(v)
    if any(o.aval.size > MAX_FOLD_SIZE or o.aval.dtype.kind not in _NUMERIC_KINDS for o in e.outvars):
        return None
    try:
        with np.errstate(all="ignore"):
            res = e.prim.impl(*vals, **e.params)
        outs = list(res) if e.prim.multiple_results else [res]
        arrs = [np.asarray(r, dtype=o.aval.dtype) for r, o in zip(outs, e.outvars)]
    except Exception:
        return None
    if len(arrs) != len(e.outvars) or any(a.shape != o.aval.shape for a, o in zip(arrs, e.outvars)):
        return None
    return {o: consts.atom(a, o.aval) for o, a in zip(e.outvars, arrs)}
