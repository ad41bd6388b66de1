"""Forward mode: the JVP interpreter.

A :class:`JVPTracer` carries a primal value and its tangent. For each primitive
the trace calls the primitive's ``jvp`` rule (declared with the primitive in
``functrans._src.lax``). Rules are written with primitives, so they are
themselves traceable: this is what lets jvp nest inside any transformation.

The same interpreter serves reverse mode: ``linearize`` feeds it tangents that
are :class:`~functrans._src.staging.StagingTracer` values, so the rules' tangent
arithmetic is recorded as a linear program instead of being run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from functrans._src.core import Primitive, ShapedArray, Trace, Tracer, bind, get_aval, plain


class JVPTracer(Tracer):
    """A primal value paired with its tangent (``None`` means a zero tangent)."""

    __slots__ = ("primal", "tangent", "_aval")

    def __init__(self, trace: JVPTrace, primal: Any, tangent: Any) -> None:
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        self._aval: ShapedArray | None = None

    @property
    def aval(self) -> ShapedArray:
        av = self._aval
        if av is None:
            av = self._aval = get_aval(self.primal)
        return av


class JVPTrace(Trace):
    """Pushes tangents forward through each primitive."""

    __slots__ = ()

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        primals = []
        tangents = []
        nonzero = False
        for a in args:
            if type(a) is JVPTracer and a._trace is self:
                primals.append(a.primal)
                t = a.tangent
                tangents.append(t)
                if t is not None:
                    nonzero = True
            else:
                primals.append(a)
                tangents.append(None)
        if not nonzero:  # nothing to differentiate: the result is a constant to this trace
            return bind(prim, primals, params)
        rule = prim.jvp
        if rule is None:
            raise NotImplementedError(f"Differentiation rule for '{prim.name}' not implemented")
        out, tout = rule(primals, tangents, **params)
        if prim.multiple_results:
            return [o if t is None else JVPTracer(self, o, t) for o, t in zip(out, tout)]
        return out if tout is None else JVPTracer(self, out, tout)

    def concrete(self, tracer: Tracer, why: str) -> Any:
        p = tracer.primal  # type: ignore[attr-defined]
        return p._trace.concrete(p, why) if isinstance(p, Tracer) else p


def jvp_flat(
    fun: Callable[..., Sequence[Any]],
    primals: Sequence[Any],
    tangents: Sequence[Any],
    trace: JVPTrace | None = None,
) -> tuple[list[Any], list[Any]]:
    """JVP of a flat function ``fun(*primals) -> list``.

    ``tangents`` may contain ``None`` (symbolic zeros); output tangents are
    ``None`` where the output does not depend on the inputs. ``trace`` lets a
    caller create the trace first (linearize needs its stager to rank above it).
    The trace is finished on return.
    """
    if trace is None:
        trace = JVPTrace()
    try:
        ins = [plain(p) if t is None else JVPTracer(trace, plain(p), t) for p, t in zip(primals, tangents)]
        outs = fun(*ins)
        primals_out = []
        tangents_out = []
        for o in outs:
            if isinstance(o, JVPTracer) and o._trace is trace:
                primals_out.append(o.primal)
                tangents_out.append(o.tangent)
            else:
                primals_out.append(o)
                tangents_out.append(None)
        return primals_out, tangents_out
    finally:
        trace.finish()
