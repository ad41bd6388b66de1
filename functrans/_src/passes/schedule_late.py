"""Late scheduling: each equation runs only when a result (or an effect) needs it."""

from __future__ import annotations

from functrans._src.core import IR, Var


def schedule_late(ir: IR) -> IR:
    """The equations reordered so that each runs only when a result (or an effect) needs it,
    results in their original order: values such as ``1 - h*h`` are computed next to their use
    instead of all at the start (shorter lives of large temporaries, warmer caches). Exact."""
    eqns = ir.eqns
    prod = {v: i for i, e in enumerate(eqns) for v in e.outvars}
    done = [False] * len(eqns)
    order: list[int] = []
    roots = {prod[v] for v in ir.outvars if type(v) is Var and v in prod}
    roots.update(i for i, e in enumerate(eqns) if getattr(e.prim, "effectful", False))
    for r in sorted(roots):
        stack = [(r, False)]
        while stack:
            j, ready = stack.pop()
            if done[j]:
                continue
            if ready:
                done[j] = True
                order.append(j)
                continue
            stack.append((j, True))
            for a in reversed(eqns[j].inputs):
                k = prod.get(a) if type(a) is Var else None
                if k is not None and not done[k]:
                    stack.append((k, False))
    return IR(ir.constvars, ir.consts, ir.invars, [eqns[i] for i in order], ir.outvars)
