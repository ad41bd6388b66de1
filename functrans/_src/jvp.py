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

import numpy as np

from functrans._src.core import (
    _PY_SCALAR_AVALS,
    _TRACER_TYPES,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    bind,
    get_aval,
    plain,
)

_FLOAT_AVAL = _PY_SCALAR_AVALS[float]


class JVPTracer(Tracer):
    """A primal value paired with its tangent (``None`` means a zero tangent)."""

    __slots__ = ("primal", "tangent", "_aval")

    def __init__(self, trace: JVPTrace, primal: Any, tangent: Any) -> None:
        self._trace = trace
        self.primal = primal
        self.tangent = tangent
        # set at once when it is at hand (a Python float's, shared: weak float64; an outer JVP
        # tracer's, which nested derivatives have), else computed on first use
        tp = type(primal)
        self._aval: ShapedArray | None = (
            _FLOAT_AVAL if tp is float else primal._aval if tp is JVPTracer else None
        )

    @property
    def aval(self) -> ShapedArray:
        av = self._aval
        if av is None:
            av = self._aval = get_aval(self.primal)
        return av


class JVPTrace(Trace):
    """Pushes tangents forward through each primitive.

    With ``memo`` (linearize turns it on), a parameterless single-result primitive applied again
    to the very same operands (the same tracers and arrays, equal Python scalars) returns the
    earlier result instead of differentiating again: nested derivatives recompute the same
    products at every level. Only 0-d results are kept, so the memo holds no large arrays.
    """

    __slots__ = ("_memo",)

    def __init__(self, memo: bool = False) -> None:
        super().__init__()
        # key -> (result, operands); the operands are kept so that their ids stay unique
        self._memo: dict[tuple[Any, ...], tuple[Any, Sequence[Any]]] | None = {} if memo else None

    def finish(self) -> None:
        super().finish()
        self._memo = None

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        memo = self._memo
        if memo is not None and not params and not prim.multiple_results:
            if len(args) == 2:  # the hot case, memo and differentiation in one frame
                x, y = args
                tx, ty = type(x), type(y)
                kx = id(x) if tx in _TRACER_TYPES else _memo_key(x)  # tracers by identity
                ky = id(y) if ty in _TRACER_TYPES else _memo_key(y)
                if kx is None or ky is None:
                    return self._process(prim, args, params)
                key: tuple[Any, ...] = (prim, kx, ky)
                hit = memo.get(key)
                if hit is not None:
                    return hit[0]
                if tx is JVPTracer and x._trace is self:
                    px, gx = x.primal, x.tangent
                else:
                    px, gx = x, None
                if ty is JVPTracer and y._trace is self:
                    py, gy = y.primal, y.tangent
                else:
                    py, gy = y, None
                if gx is None and gy is None:  # a constant to this trace
                    out = bind(prim, (px, py), params)
                else:
                    rule = prim.jvp
                    if rule is None:
                        raise NotImplementedError(f"Differentiation rule for '{prim.name}' not implemented")
                    out, tout = rule((px, py), (gx, gy))
                    if tout is not None:
                        out = JVPTracer(self, out, tout)
            elif len(args) == 1:
                x = args[0]
                tx = type(x)
                kx = id(x) if tx in _TRACER_TYPES else _memo_key(x)
                if kx is None:
                    return self._process(prim, args, params)
                key = (prim, kx)
                hit = memo.get(key)
                if hit is not None:
                    return hit[0]
                if tx is JVPTracer and x._trace is self and x.tangent is not None:
                    rule = prim.jvp
                    if rule is None:
                        raise NotImplementedError(f"Differentiation rule for '{prim.name}' not implemented")
                    out, tout = rule([x.primal], [x.tangent])
                    if tout is not None:
                        out = JVPTracer(self, out, tout)
                else:  # a constant to this trace
                    out = bind(prim, (x.primal if tx is JVPTracer and x._trace is self else x,), params)
            else:
                key = (prim, *[_memo_key(a) for a in args])
                if None in key:
                    return self._process(prim, args, params)
                hit = memo.get(key)
                if hit is not None:
                    return hit[0]
                out = self._process(prim, args, params)
            if type(out) is JVPTracer and (type(out.primal) is float or out.aval.shape == ()):
                memo[key] = (out, tuple(args))
            return out
        return self._process(prim, args, params)

    def _process(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        primals: Sequence[Any]
        tangents: Sequence[Any]
        if len(args) == 2:  # the common binary case without the general loop's lists
            x, y = args
            if type(x) is JVPTracer and x._trace is self:
                px, tx = x.primal, x.tangent
            else:
                px = x
                tx = None
            if type(y) is JVPTracer and y._trace is self:
                py, ty = y.primal, y.tangent
            else:
                py = y
                ty = None
            primals, tangents = (px, py), (tx, ty)
            nonzero = tx is not None or ty is not None
        else:
            primals, tangents = [], []
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


def _memo_key(a: Any) -> Any:
    """An operand in a memo key: a Python scalar by type, value and (for a zero) sign, a tracer or
    NumPy scalar (immutable) by identity; None for a NumPy array, which could be changed in place
    between two applications (they are then not shared)."""
    t = type(a)
    if t in _PY_SCALARS:
        return (t, a) if a else (t, a, str(a))
    if isinstance(a, np.ndarray):
        return None
    return id(a)


_PY_SCALARS = frozenset({bool, int, float, complex})


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
            if type(o) is JVPTracer and o._trace is trace:
                primals_out.append(o.primal)
                tangents_out.append(o.tangent)
            else:
                primals_out.append(o)
                tangents_out.append(None)
        return primals_out, tangents_out
    finally:
        trace.finish()
