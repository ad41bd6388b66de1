"""The ``dce`` pass: dead-code elimination."""

from __future__ import annotations

from functrans._src.core import IR, Eqn, Var

# --------------------------------------------------------------------------- dce


def dce(ir: IR) -> IR:
    """Dead-code elimination: drop equations none of whose outputs is used, and
    constants that are not used. Every primitive is pure, so this is always valid.
    Inputs are kept (the program's signature does not change)."""
    live: set[Var] = {a for a in ir.outvars if isinstance(a, Var)}
    kept: list[Eqn] = []
    for e in reversed(ir.eqns):
        if any(v in live for v in e.outvars):
            kept.append(e)
            live.update(a for a in e.inputs if isinstance(a, Var))
    kept.reverse()
    pairs = [(v, c) for v, c in zip(ir.constvars, ir.consts) if v in live]
    return IR([v for v, _ in pairs], [c for _, c in pairs], list(ir.invars), kept, list(ir.outvars))
