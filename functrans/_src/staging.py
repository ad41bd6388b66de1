"""Staging: record the primitives applied to traced values as an :class:`IR`.

:class:`StagingTrace` is the interpreter behind ``make_ir`` and behind the tangent
half of ``linearize``/``vjp`` (where it records the linear program that reverse
mode transposes). Values from outside the trace (concrete arrays, or tracers of
outer transformations) become constants of the IR; Python and NumPy scalars are
written inline as literals.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import (
    _PY_SCALAR_AVALS,
    IR,
    Atom,
    Eqn,
    Literal,
    Primitive,
    ShapedArray,
    Trace,
    Tracer,
    Var,
    complex_unsupported,
    get_aval,
    operand_error,
)


class StagingTracer(Tracer):
    """A value inside a program being recorded: just a variable of the IR."""

    __slots__ = ("ivar", "src")

    def __init__(self, trace: StagingTrace, var: Var) -> None:
        self._trace = trace
        self.ivar = var
        # (primitive, operands) that made it, set only for primitives with a ``simplify`` rule
        # while recording with CSE (None otherwise; read it with getattr: other values lack it)
        self.src: tuple[Primitive, Sequence[Any]] | None = None

    @property
    def aval(self) -> ShapedArray:
        return self.ivar.aval


class StagingTrace(Trace):
    """Records equations instead of running them."""

    __slots__ = ("eqns", "invars", "_consts", "copy_consts", "_cse", "_literals", "_avals")

    def __init__(self, copy_consts: bool = True, cse: bool = False) -> None:
        super().__init__()
        self.eqns: list[Eqn] = []
        self.invars: list[Var] = []
        self._consts: dict[int, tuple[Var, Any, Any]] = {}
        # Arrays captured from outside (closed over) are copied once, when first seen, so that
        # the program never reads a later mutation of them (see _capture).
        self.copy_consts = copy_consts
        # Common-subexpression elimination while recording (linearize turns it on): an equation
        # of a single-result primitive without parameters whose inputs are the same atoms as an
        # earlier one's reuses that one's result. Nested derivatives recompute the same tangent
        # products at every level; sharing them keeps the linear program (and its transpose) small.
        # With it, primitives' exact ``simplify`` rules apply too (neg of a neg, x * 1.0, ...).
        self._cse: dict[tuple[Any, ...], StagingTracer] | None = {} if cse else None
        self._literals: dict[tuple[Any, ...], Literal] = {}  # Python scalars' literals, with CSE
        self._avals: dict[tuple[Any, ...], tuple[ShapedArray, ...]] = {}  # see process_primitive

    def finish(self) -> None:
        super().finish()
        self._cse = None  # the memo holds tracers: drop it with the recording
        self._literals = {}
        self._avals = {}

    def new_arg(self, aval: ShapedArray) -> StagingTracer:
        """A fresh input variable of the program."""
        v = Var(aval)
        self.invars.append(v)
        return StagingTracer(self, v)

    def atom(self, x: Any) -> Atom:
        """The IR atom for ``x``: its variable, a literal, or a (deduplicated) constant."""
        if isinstance(x, StagingTracer) and x._trace is self:
            return x.ivar
        av = _PY_SCALAR_AVALS.get(type(x))
        if av is not None:
            return Literal(x, av)
        if isinstance(x, np.generic):
            return Literal(x)
        entry = self._consts.get(id(x))
        if entry is None:
            # the original is kept in the entry so that its id stays unique while tracing
            entry = (Var(get_aval(x)), _capture(x) if self.copy_consts else x, x)
            self._consts[id(x)] = entry
        return entry[0]

    def _atom(self, x: Any) -> Atom:
        """:meth:`atom` of a value that is not one of this trace's tracers (scalars first)."""
        av = _PY_SCALAR_AVALS.get(type(x))
        if av is not None:
            return Literal(x, av)
        return self.atom(x)

    def _general(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        """:meth:`process_primitive` for every case but the hot one."""
        cse = self._cse
        if len(args) == 2:  # the common cases (binary and unary), unrolled
            a0, a1 = args
            v0 = a0.ivar if type(a0) is StagingTracer and a0._trace is self else self._atom(a0)
            v1 = a1.ivar if type(a1) is StagingTracer and a1._trace is self else self._atom(a1)
            inputs: list[Atom] = [v0, v1]
            av0, av1 = v0.aval, v1.aval
            avals: Sequence[ShapedArray] = (av0, av1)
            if not prim.complex_ok and (av0.dtype.kind == "c" or av1.dtype.kind == "c"):
                raise _complex_operand(prim, avals)
        elif len(args) == 1:
            a0 = args[0]
            v0 = a0.ivar if type(a0) is StagingTracer and a0._trace is self else self._atom(a0)
            inputs = [v0]
            av0 = v0.aval
            avals = (av0,)
            if not prim.complex_ok and av0.dtype.kind == "c":
                raise _complex_operand(prim, avals)
        else:
            inputs = [a.ivar if type(a) is StagingTracer and a._trace is self else self._atom(a) for a in args]
            avals = [v.aval for v in inputs]
            if not prim.complex_ok and any(av.dtype.kind == "c" for av in avals):
                raise _complex_operand(prim, avals)
        simplify = prim.simplify if cse is not None else None
        if simplify is not None:
            r = simplify(self, args, inputs)
            if r is not None:
                return r
        key = None
        if cse is not None and not params and not prim.multiple_results:
            try:
                n = len(inputs)
                if n == 2:
                    k0 = v0 if type(v0) is Var else _literal_key(v0.val)  # type: ignore[union-attr]
                    k1 = v1 if type(v1) is Var else _literal_key(v1.val)  # type: ignore[union-attr]
                    key = (prim, k1, k0) if prim.commutative and hash(k0) > hash(k1) else (prim, k0, k1)
                elif n == 1:
                    key = (prim, v0 if type(v0) is Var else _literal_key(v0.val))  # type: ignore[union-attr]
                else:
                    key = (prim, *[a if type(a) is Var else _literal_key(a.val) for a in inputs])  # type: ignore[union-attr]
                hit = cse.get(key)  # type: ignore[union-attr]
            except (TypeError, ValueError):  # a literal without a hash or a truth value
                hit = key = None
            if hit is not None:
                return hit
        try:
            out = prim.abstract_eval(*avals, **params) if params else prim.abstract_eval(*avals)  # type: ignore[misc]
        except ValueError as e:
            raise operand_error(e) from None
        if prim.multiple_results:
            outvars = [Var(o) for o in out]
            self.eqns.append(Eqn(prim, inputs, params, outvars))
            return [StagingTracer(self, v) for v in outvars]
        v = Var(out)
        self.eqns.append(Eqn(prim, inputs, params, [v]))
        t = StagingTracer(self, v)
        if simplify is not None:
            t.src = (prim, args)  # for the next simplification (e.g. neg of a neg)
        if key is not None:
            cse[key] = t  # type: ignore[index]
        return t

    def _operand(self, a: Any) -> tuple[Any, Atom]:
        """The CSE key and the atom of an operand that is not a variable of this recording: a
        Python scalar's literal (made once per value, its key is its type and value), or a
        constant (an outer transformation's value, often seen before, or an array)."""
        t = type(a)
        av = _PY_SCALAR_AVALS.get(t)
        if av is not None:
            k = (t, a) if a else (t, a, str(a))
            v = self._literals.get(k)
            if v is None:
                v = self._literals[k] = Literal(a, av)
            return k, v
        entry = self._consts.get(id(a))
        v = entry[0] if entry is not None else self.atom(a)
        return v, v

    def process_primitive(self, prim: Primitive, args: Sequence[Any], params: dict[str, Any]) -> Any:
        cse = self._cse
        if cse is None or params or prim.multiple_results:
            return self._general(prim, args, params)
        if len(args) != 2:
            return self._unary(prim, args, cse) if len(args) == 1 else self._general(prim, args, params)
        # the hot case (recording a linearization): two operands, no parameters, one result. A
        # Python scalar operand's literal is made once per value (its CSE key finds it)
        a0, a1 = args
        if type(a0) is StagingTracer and a0._trace is self:
            k0 = v0 = a0.ivar
        else:
            k0, v0 = self._operand(a0)
        if type(a1) is StagingTracer and a1._trace is self:
            k1 = v1 = a1.ivar
        else:
            k1, v1 = self._operand(a1)
        av0, av1 = v0.aval, v1.aval
        if not prim.complex_ok and (av0.dtype.kind == "c" or av1.dtype.kind == "c"):
            raise _complex_operand(prim, (av0, av1))
        inputs: list[Atom] = [v0, v1]
        simplify = prim.simplify
        if simplify is not None and (
            not prim.simplify_needs_literal or type(v0) is Literal or type(v1) is Literal
        ):
            r = simplify(self, args, inputs)
            if r is not None:
                return r
        try:
            if type(k0) is Literal:  # a NumPy scalar
                k0 = _literal_key(k0.val)
            if type(k1) is Literal:
                k1 = _literal_key(k1.val)
            # a commutative primitive's operands in a canonical order: a variable before a literal,
            # two variables by identity (any fixed order serves: x*y and y*x get one key)
            if prim.commutative and (
                (id(k0) > id(k1) if type(k1) is Var else False)
                if type(k0) is Var
                else (True if type(k1) is Var else hash(k0) > hash(k1))
            ):
                key: tuple[Any, ...] | None = (prim, k1, k0)
            else:
                key = (prim, k0, k1)
            hit = cse.get(key)  # type: ignore[arg-type]
        except (TypeError, ValueError):  # a literal without a hash or a truth value
            hit = key = None
        if hit is not None:
            return hit
        # the result's abstract value, computed once per (primitive, operand avals) while recording
        # (abstract values are immutable; the entry keeps the operands' alive so ids stay unique)
        ak = (prim, id(av0), id(av1))
        known = self._avals.get(ak)
        if known is None:
            try:
                known = self._avals[ak] = (prim.abstract_eval(av0, av1), av0, av1)  # type: ignore[misc]
            except ValueError as e:
                raise operand_error(e) from None
        v = Var(known[0])
        self.eqns.append(Eqn(prim, inputs, {}, [v]))
        tr = StagingTracer(self, v)
        if simplify is not None:
            tr.src = (prim, args)  # for the next simplification (e.g. neg of a neg)
        if key is not None:
            cse[key] = tr
        return tr

    def _unary(self, prim: Primitive, args: Sequence[Any], cse: dict[tuple[Any, ...], StagingTracer]) -> Any:
        """:meth:`process_primitive` recording with CSE one operand, no parameters, one result."""
        a0 = args[0]
        if type(a0) is StagingTracer and a0._trace is self:
            k0 = v0 = a0.ivar
        else:
            v0 = self._atom(a0)
            k0 = v0
        av0 = v0.aval
        if not prim.complex_ok and av0.dtype.kind == "c":
            raise _complex_operand(prim, (av0,))
        inputs: list[Atom] = [v0]
        simplify = prim.simplify
        if simplify is not None:
            r = simplify(self, args, inputs)
            if r is not None:
                return r
        try:
            key: tuple[Any, ...] | None = (prim, _literal_key(k0.val) if type(k0) is Literal else k0)
            hit = cse.get(key)  # type: ignore[arg-type]
        except (TypeError, ValueError):  # a literal without a hash or a truth value
            hit = key = None
        if hit is not None:
            return hit
        v = Var(prim.abstract_eval(av0))  # type: ignore[misc]
        self.eqns.append(Eqn(prim, inputs, {}, [v]))
        tr = StagingTracer(self, v)
        if simplify is not None:
            tr.src = (prim, args)
        if key is not None:
            cse[key] = tr
        return tr

    def to_ir(self, outs: Sequence[Any]) -> IR:
        """Close the recording with ``outs`` as the program's results."""
        outvars = [self.atom(o) for o in outs]
        constvars = []
        consts = []
        for e in self._consts.values():
            constvars.append(e[0])
            consts.append(e[1])
        return IR(constvars, consts, list(self.invars), list(self.eqns), outvars)


def _complex_operand(prim: Primitive, avals: Sequence[ShapedArray]) -> TypeError:
    """The error for a primitive with real-only rules recorded on a complex operand."""
    av = next(a for a in avals if a.dtype.kind == "c")
    return complex_unsupported(prim, f"a complex operand ({av.str_short()})")


def _literal_key(v: Any) -> tuple[Any, ...]:
    """A literal (a Python or NumPy scalar, as :meth:`StagingTrace.atom` makes them) as a CSE
    key: its type and value, and for a zero its sign (``0.0 == -0.0``, but ``x * 0.0`` and
    ``x * -0.0`` differ in the sign of a zero result)."""
    return (type(v), v) if v else (type(v), v, str(v))


def _capture(x: Any) -> Any:
    """A constant as the program keeps it: a NumPy array that could still change (writeable, or
    a view of another array) is copied and the copy made read-only; anything else is kept."""
    if isinstance(x, np.ndarray) and (x.flags.writeable or x.base is not None):
        c = np.array(x, copy=True)
        c.flags.writeable = False
        return c
    return x


def trace_to_ir(fun: Any, in_avals: Sequence[ShapedArray]) -> tuple[IR, list[Any]]:
    """Trace a flat function ``fun(*args) -> list`` on abstract inputs.

    Returns the IR and the raw outputs (so callers can see which were constants).
    """
    trace = StagingTrace()
    try:
        args = [trace.new_arg(a) for a in in_avals]
        outs = list(fun(*args))
        return trace.to_ir(outs), outs
    finally:
        trace.finish()


def closure_convert(ir: IR) -> tuple[IR, list[Any]]:
    """Turn the constants of ``ir`` that are tracers (of transformations around the trace)
    into leading inputs, so the program holds only concrete constants.

    Returns the converted program and those tracers, to be passed as its first arguments.
    """
    traced = [i for i, c in enumerate(ir.consts) if isinstance(c, Tracer)]
    if not traced:
        return ir, []
    keep = [i for i in range(len(ir.consts)) if i not in traced]
    new = IR(
        [ir.constvars[i] for i in keep],
        [ir.consts[i] for i in keep],
        [ir.constvars[i] for i in traced] + list(ir.invars),
        ir.eqns,
        ir.outvars,
    )
    return new, [ir.consts[i] for i in traced]
