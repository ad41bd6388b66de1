"""The backward program of the eager tape (functrans._src.tape): staged once per recorded
structure from the records, optimised (CSE, DCE, late scheduling) and compiled to straight-line
NumPy code; and the fallback that interprets the normal machinery on a replay of the records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import IR, Primitive, ShapedArray, Var, bind, unaliased
from functrans._src.passes.schedule_late import schedule_late
from functrans._src.staging import StagingTrace, StagingTracer
from functrans._src.tape_keys import _freeze, _Unfreezable


class _Entry:
    """A compiled backward program: ``fn(*values at used) -> nonzero gradients``."""

    __slots__ = ("fn", "used", "keep", "nonzero", "ir", "check", "scalars")

    def __init__(self, fn: Callable[..., list[Any]], used: tuple[int, ...], nonzero: tuple[bool, ...], ir: IR) -> None:
        self.fn = fn
        self.used = used
        self.keep = frozenset(used)
        self.nonzero = nonzero
        self.ir = ir
        self.check = _may_alias(ir)  # the results that may be an input or a view of one
        # the 0-d results (a compiled program returns NumPy scalars or 0-d arrays for them)
        self.scalars = tuple(i for i, v in enumerate(ir.outvars) if v.aval.ndim == 0)


_Rec = tuple[Primitive, dict[str, Any], tuple[int, ...], tuple[int, ...]]


def _records(tr: Any, n_in: int) -> list[_Rec]:
    """The records as (primitive, parameters, input slots, output slots): slots are numbered
    as the recording allocated them (the inputs, then per record its constants and outputs)."""
    recs: list[_Rec] = []
    nxt = n_in
    for key, params in zip(tr.keys, tr.params):
        prim, refs = key[0], key[2]
        ins = []
        for r in refs:
            if type(r) is int:
                ins.append(r)
            else:
                ins.append(nxt)
                nxt += 1
        n_out = key[3] if prim.multiple_results else 1
        recs.append((prim, params, tuple(ins), tuple(range(nxt, nxt + n_out))))
        nxt += n_out
    return recs


class _ReplayTrace(StagingTrace):
    """A staging trace that answers a recomputation of a recorded primal with the tape's value."""

    __slots__ = ("memo",)

    def __init__(self) -> None:
        super().__init__(copy_consts=False)
        self.memo: dict[Any, Any] | None = None

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        memo = self.memo
        if memo is not None:
            vs = []
            for a in args:
                if type(a) is StagingTracer and a._trace is self:
                    vs.append(a.ivar)
                else:
                    break
            else:
                try:
                    hit = memo.get((prim, _sorted_params(params), tuple(vs)))
                except _Unfreezable:
                    hit = None
                if hit is not None:
                    return hit
        return super().process_primitive(prim, args, params)


def _sorted_params(params: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted(((k, _freeze(v)) for k, v in params.items()), key=lambda kv: kv[0]))


def _replayer(
    recs: Sequence[Any], vals: Sequence[Any], n_in: int, out_slots: Sequence[int]
) -> Callable[..., list[Any]]:
    """The recorded program as a function of its first ``n_in`` slots (the other slots' constants
    taken from ``vals``), applying each record's primitive with ``bind``; its results are the
    values in ``out_slots``."""

    def replay(*xs: Any) -> list[Any]:
        env: list[Any] = list(vals)
        env[:n_in] = xs
        for prim, params, ins, outs in recs:
            o = bind(prim, [env[s] for s in ins], params)
            if prim.multiple_results:
                for s, v in zip(outs, o):
                    env[s] = v
            else:
                env[outs[0]] = o
        return [env[s] for s in out_slots]

    return replay


def _build(
    recs: Sequence[tuple[Primitive, dict[str, Any], tuple[int, ...], tuple[int, ...]]],
    avals: Sequence[ShapedArray],
    n_in: int,
    out_slot: int,
    seed: Any,
) -> _Entry:
    """Stage, optimise (CSE, DCE) and compile the VJP of the recorded program."""
    from functrans._src.codegen import compile_ir
    from functrans._src.linearize import linearize_flat
    from functrans._src.optimize.cse import cse
    from functrans._src.optimize.dce import dce
    from functrans._src.transpose import backward_pass

    st = _ReplayTrace()
    try:
        tr = [st.new_arg(av) for av in avals]
        memo: dict[Any, Any] = {}
        for prim, params, ins, outs in recs:
            k = (prim, _sorted_params(params), tuple([tr[s].ivar for s in ins]))
            memo[k] = [tr[s] for s in outs] if prim.multiple_results else tr[outs[0]]
        st.memo = memo

        _, lin = linearize_flat(_replayer(recs, tr, n_in, [out_slot]), tr[:n_in])
        st.memo = None
        cts = backward_pass(lin.ir, lin.ir.consts, [seed])
        nonzero = tuple(c is not None for c in cts)
        ir = st.to_ir([c for c in cts if c is not None])
    finally:
        st.finish()
    ir = schedule_late(dce(cse(ir)))
    used_vars = {a for e in ir.eqns for a in e.inputs} | set(ir.outvars)
    used = tuple(i for i, v in enumerate(ir.invars) if v in used_vars)
    ir = IR(ir.constvars, ir.consts, [ir.invars[i] for i in used], ir.eqns, ir.outvars)
    compiled = compile_ir(ir, reuse_buffers=True, name="tape_backward", take_args=True)
    return _Entry(compiled.fn, used, nonzero, ir)


def _may_alias(ir: IR) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The outputs of the compiled ``ir`` that could be an input array or a view of one, each
    with the positions of the inputs it could share memory with. The results of ufuncs, matrix
    products and reductions over some axis are fresh arrays; other equations (views, opaque
    calls) are followed back to the inputs they read."""
    from functrans._src.codegen import _ufunc_of

    pos = {v: i for i, v in enumerate(ir.invars)}
    made: dict[Var, Any] = {}
    for e in ir.eqns:
        fresh = (
            _ufunc_of(e) is not None
            or e.prim.name == "dot_general"
            or (e.prim.name == "reduce_sum" and bool(e.params.get("axes")))
        )
        for v in e.outvars:
            made[v] = None if fresh else e

    def sources(v: Any) -> set[int]:
        found: set[int] = set()
        stack, seen = [v], set()
        while stack:
            a = stack.pop()
            if type(a) is not Var or a in seen:
                continue
            seen.add(a)
            if a in pos:
                found.add(pos[a])
            e = made.get(a)
            if e is not None:
                stack.extend(e.inputs)
        return found

    out = []
    for i, v in enumerate(ir.outvars):
        src = sources(v)
        if src:
            out.append((i, tuple(sorted(src))))
    return tuple(out)


def _interpret(tr: Any, n_in: int, out_slot: int, seed: Any) -> list[Any]:
    """The gradients by the normal machinery (linearize, then the transpose rules interpreted)
    applied to the recorded program instead of the user's function: no second run of it."""
    from functrans._src.linearize import linearize_flat

    recs, vals = _records(tr, n_in), tr.vals

    _, lin = linearize_flat(_replayer(recs, vals, n_in, [out_slot]), vals[:n_in])
    cts = lin.transpose([seed], release=True)
    res = unaliased([c if c is None or type(c) is np.ndarray else np.asarray(c) for c in cts], vals)
    return [c for c in res]
