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
    ShapedArray,
    eval_ir,
    get_aval,
    is_float_dtype,
    tangent_aval,
)
from functrans._src.jvp import JVPTrace, jvp_flat
from functrans._src.staging import StagingTrace
from functrans._src.transpose import backward_pass


class LinearFunction:
    """A linear map recorded by :func:`linearize_flat`.

    ``ir`` maps input tangents to output tangents; outputs known to be zero are
    literals. ``out_avals`` are the tangent types of the outputs.
    """

    __slots__ = ("ir", "in_avals", "out_avals")

    def __init__(self, ir: IR, in_avals: list[ShapedArray], out_avals: list[ShapedArray]) -> None:
        self.ir = ir
        self.in_avals = in_avals
        self.out_avals = out_avals

    def forward(self, tangents: Sequence[Any]) -> list[Any]:
        """Apply the map (``None`` results are symbolic zeros)."""
        outs = eval_ir(self.ir, self.ir.consts, tangents)
        return [None if isinstance(v, Literal) else o for v, o in zip(self.ir.outvars, outs)]

    def transpose(self, cts: Sequence[Any]) -> list[Any]:
        """Apply the transposed map (``None`` entries in and out are symbolic zeros)."""
        return backward_pass(self.ir, self.ir.consts, cts)


def linearize_flat(fun: Callable[..., Sequence[Any]], primals: Sequence[Any]) -> tuple[list[Any], LinearFunction]:
    """Run ``fun`` on ``primals`` and record its linearization at that point."""
    avals = [get_aval(p) for p in primals]
    jtrace = JVPTrace()
    stager = StagingTrace()  # created second: it must rank above the JVP trace
    try:
        tin = [stager.new_arg(tangent_aval(a)) for a in avals]
        tangents = [t if is_float_dtype(a.dtype) else None for t, a in zip(tin, avals)]
        primals_out, tangents_out = jvp_flat(fun, primals, tangents, trace=jtrace)
        out_avals = [tangent_aval(get_aval(p)) for p in primals_out]
        ir = stager.to_ir([0.0 if t is None else t for t in tangents_out])
        ir.outvars = [Literal(0.0) if t is None else v for t, v in zip(tangents_out, ir.outvars)]
    finally:
        stager.finish()
    return primals_out, LinearFunction(ir, [tangent_aval(a) for a in avals], out_avals)
