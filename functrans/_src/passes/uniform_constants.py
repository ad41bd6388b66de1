"""Write constant arrays whose elements are all equal as scalars in elementwise equations.

Reverse mode seeds the cotangent of ``sum`` with an array of ones and transposes
broadcasts into constants filled with one value; the programs then divide or multiply by
such arrays (``div ones g``). As an operand of an elementwise equation whose other
operands already give the result's shape, the array is the same as its one value as a
scalar (a strongly typed NumPy scalar of its dtype, so promotion is unchanged): a
fused kernel then has one input array fewer to read, and NumPy broadcasts a scalar
faster than it reads an array. Exact (the operation sees the same values).
"""

from __future__ import annotations

import numpy as np

from functrans._src.core import IR, Atom, Eqn, Literal, Var
from functrans._src.optimize import MAX_INSPECT_SIZE, dce
from functrans._src.passes.sink_reshapes import is_elementwise

__all__ = ["uniform_constants"]


def _uniform(c: object) -> Literal | None:
    if not isinstance(c, np.ndarray) or c.size == 0 or c.size > MAX_INSPECT_SIZE or c.dtype.kind not in "iufc":
        return None
    first = c.reshape(-1)[0]
    if not np.all(c == first):
        return None
    return Literal(first)  # a NumPy scalar of c's dtype


def uniform_constants(ir: IR) -> IR:
    """``ir`` with uniform constant operands of elementwise equations replaced by scalars,
    where the other operands give the result's shape (``ir`` itself if there are none)."""
    consts = dict(zip(ir.constvars, ir.consts))
    if not consts:
        return ir
    lits: dict[Var, Literal | None] = {}
    new: list[Eqn] = []
    changed = False
    for e in ir.eqns:
        if is_elementwise(e) and any(type(a) is Var and a in consts for a in e.inputs):
            o = e.outvars[0].aval
            ins: list[Atom] = list(e.inputs)
            for j, a in enumerate(e.inputs):
                if type(a) is not Var or a not in consts:
                    continue
                if a not in lits:
                    lits[a] = _uniform(consts[a])
                lit = lits[a]
                if lit is None:
                    continue
                rest = [b.aval.shape for k, b in enumerate(ins) if k != j]
                if tuple(np.broadcast_shapes(*rest)) != o.shape:
                    continue
                trial = [*ins[:j], lit, *ins[j + 1 :]]
                got = e.prim.abstract_eval(*[b.aval for b in trial], **e.params)
                if got.shape == o.shape and got.dtype == o.dtype:
                    ins = trial
            if any(x is not y for x, y in zip(ins, e.inputs)):
                e = Eqn(e.prim, ins, e.params, e.outvars)
                changed = True
        new.append(e)
    if not changed:
        return ir
    return dce(IR(ir.constvars, ir.consts, ir.invars, new, ir.outvars))
