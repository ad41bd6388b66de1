"""Linearization: JVP with the tangent half recorded as a linear program.

Reverse mode is built from forward mode (one JVP rule per primitive): the
primal computation runs now, while every operation the JVP rules apply to
tangents is recorded by a :class:`StagingTrace` ranked just above the JVP trace.
The result is a linear :class:`IR` from input tangents to output tangents whose
constants are the residuals of the forward pass. Evaluating it gives JVPs;
transposing it (``functrans._src.transpose``) gives VJPs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from functrans._src.core import (
    IR,
    Literal,
    Var,
    bind,
    get_aval,
    tangent_aval,
    zeros_for,
)
from functrans._src.jvp import JVPTrace, jvp_flat
from functrans._src.staging import StagingTrace
from functrans._src.transpose import backward_pass


class LinearFunction:
    """A linear map recorded by :func:`linearize_flat`.

    ``ir`` maps input tangents to output tangents; outputs known to be zero are literals.
    """

    __slots__ = ("ir",)

    def __init__(self, ir: IR) -> None:
        self.ir = ir

    def forward(self, tangents: Sequence[Any]) -> list[Any]:
        """Apply the map; ``None`` tangents in and out are symbolic zeros.

        An equation all of whose linear inputs are zero is skipped (its outputs are zero).
        """
        ir = self.ir
        env: dict[Var, Any] = dict(zip(ir.invars, tangents))
        consts: dict[Var, Any] = dict(zip(ir.constvars, ir.consts))
        for e in ir.eqns:
            ins = [a.val if type(a) is Literal else consts[a] if a in consts else env[a] for a in e.inputs]
            linear = [type(a) is Var and a not in consts for a in e.inputs]
            if all(x is None for x, lin in zip(ins, linear) if lin):
                for v in e.outvars:
                    env[v] = None
                continue
            ins = [zeros_for(a.aval) if x is None else x for a, x in zip(e.inputs, ins)]
            out = bind(e.prim, ins, e.params)
            env.update(zip(e.outvars, out if e.prim.multiple_results else [out]))
        return [
            None if type(v) is Literal else consts[v] if v in consts else env[v]  # type: ignore[index]
            for v in ir.outvars
        ]

    def transpose(self, cts: Sequence[Any], release: bool = False) -> list[Any]:
        """Apply the transposed map (``None`` entries in and out are symbolic zeros).

        With ``release`` the map is used up: its constants (the residuals of the forward pass)
        are handed to the backward pass, which frees each after its last use.
        """
        ir = self.ir
        if release:
            consts, ir.consts = ir.consts, []
            return backward_pass(ir, consts, cts, release=True)
        return backward_pass(ir, ir.consts, cts)


def linearize_flat(fun: Callable[..., Sequence[Any]], primals: Sequence[Any]) -> tuple[list[Any], LinearFunction]:
    """Run ``fun`` on ``primals`` and record its linearization at that point."""
    avals = [get_aval(p) for p in primals]
    jtrace = JVPTrace(memo=True)  # shares repeated applications (see JVPTrace)
    # created second: it must rank above the JVP trace. Its constants are the residuals of this
    # evaluation (fresh arrays): they are not copied.
    stager = StagingTrace(copy_consts=False, cse=True)
    try:
        tangents = []
        for a in avals:
            t = stager.new_arg(tangent_aval(a))
            tangents.append(t if a.dtype.kind in "fc" else None)
        primals_out, tangents_out = jvp_flat(fun, primals, tangents, trace=jtrace)
        ir = stager.to_ir([0.0 if t is None else t for t in tangents_out])  # zero outputs: literals
    finally:
        stager.finish()
    return primals_out, LinearFunction(ir)
