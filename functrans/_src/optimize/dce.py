"""The ``dce`` pass: dead-code elimination."""

from __future__ import annotations

from functrans._src.core import IR, Eqn, Var

# --------------------------------------------------------------------------- dce


def dce(ir: IR) -> IR:
    """Dead-code elimination: drop equations none of whose outputs is used, and
    constants that are not used. Every primitive is pure, so this is always valid, except
    an ``effectful`` one (``debug.print``), which is always kept.
    Inputs are kept (the program's signature does not change). A primitive with a
    ``dce_rule`` (``scan``) is given the chance to drop its unused results, and with them
    the work of its sub-program they need."""
    live: set[Var] = {a for a in ir.outvars if isinstance(a, Var)}
    kept: list[Eqn] = []
    for e in reversed(ir.eqns):
        if any(v in live for v in e.outvars) or getattr(e.prim, "effectful", False):  # debug.print
            rule = getattr(e.prim, "dce_rule", None)  # a higher-order primitive may drop some results
            if rule is not None and not all(v in live for v in e.outvars):
                e = rule(e, [v in live for v in e.outvars]) or e
            kept.append(e)
            live.update(a for a in e.inputs if isinstance(a, Var))
    kept.reverse()
    pairs = [(v, c) for v, c in zip(ir.constvars, ir.consts) if v in live]
    return IR([v for v, _ in pairs], [c for _, c in pairs], list(ir.invars), kept, list(ir.outvars))
