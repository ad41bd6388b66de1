"""The ``inline_calls`` pass: splice the body of every ``jit`` call into its caller."""

from __future__ import annotations

from functrans._src.core import IR, Atom, Eqn, Literal, Var
from functrans._src.optimize._common import _is_jit_call, _replacement, _subst, _subst_outs

# --------------------------------------------------------------------------- inline_calls


def inline_calls(ir: IR) -> IR:
    """Replace every ``jit`` call by the equations of the program it calls.

    A ``jit`` call is an equation of a primitive named ``"jit"`` (with multiple
    results) whose ``params["ir"]`` is an :class:`IR` and whose inputs are that
    program's inputs in order. Its equations are copied with fresh output variables
    (the same program may be called more than once), its constants become constants
    of the caller (shared between the calls of one program), and the call's outputs
    are replaced by the program's outputs. Calls inside called programs are inlined
    first. A call whose argument or result types do not match the called program's
    is left in place (with its own body inlined).
    """
    return _Inliner().run(ir)


class _Inliner:
    def __init__(self) -> None:
        self.memo: dict[int, tuple[IR, IR]] = {}

    def inlined(self, sub: IR) -> IR:
        hit = self.memo.get(id(sub))
        if hit is None:
            hit = self.memo[id(sub)] = (sub, self.run(sub))
        return hit[1]

    def run(self, ir: IR) -> IR:
        constvars, consts = list(ir.constvars), list(ir.consts)
        outer_const: dict[Var, Var] = {}  # a called program's constant -> the caller's
        env: dict[Var, Atom] = {}
        eqns: list[Eqn] = []
        for e in ir.eqns:
            e = _subst(e, env)
            if not _is_jit_call(e):
                eqns.append(e)
                continue
            sub = self.inlined(e.params["ir"])
            ren: dict[Var, Atom] = {}
            ok = len(sub.invars) == len(e.inputs) and len(sub.outvars) == len(e.outvars)
            if ok:
                for iv, a in zip(sub.invars, e.inputs):
                    r = _replacement(iv, a)
                    if r is None:
                        ok = False
                        break
                    ren[iv] = r
            if ok:
                for ov, so in zip(e.outvars, sub.outvars):
                    oa, sa = ov.aval, so.aval
                    if (
                        oa.shape != sa.shape
                        or oa.dtype != sa.dtype
                        or (oa.weak_type != sa.weak_type and not (isinstance(so, Literal) and sa.weak_type))
                    ):
                        ok = False
                        break
            if not ok:
                if sub is not e.params["ir"]:
                    e = Eqn(e.prim, e.inputs, {**e.params, "ir": sub}, e.outvars)
                eqns.append(e)
                continue
            for cv, c in zip(sub.constvars, sub.consts):
                nv = outer_const.get(cv)
                if nv is None:
                    nv = outer_const[cv] = Var(cv.aval)
                    constvars.append(nv)
                    consts.append(c)
                ren[cv] = nv
            for se in sub.eqns:
                ins = [ren.get(a, a) if isinstance(a, Var) else a for a in se.inputs]
                outs = [Var(o.aval) for o in se.outvars]
                ren.update(zip(se.outvars, outs))
                eqns.append(Eqn(se.prim, ins, se.params, outs))
            for ov, so in zip(e.outvars, sub.outvars):
                r = _replacement(ov, ren.get(so, so) if isinstance(so, Var) else so)
                assert r is not None  # the types were checked above
                env[ov] = r
        return IR(constvars, consts, list(ir.invars), eqns, _subst_outs(ir.outvars, env))
