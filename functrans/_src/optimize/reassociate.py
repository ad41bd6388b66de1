"""The ``reassociate`` pass: value numbering of sums and products modulo reordering."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, ShapedArray, Var
from functrans._src.optimize._common import _MISSING, _const_value, _Consts

# --------------------------------------------------------------------------- reassociate

MAX_TERMS = 64  # a sum with more terms than this is not normalised further

_REASSOC_DTYPES = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))

# A linear form: (constant, {term id: coefficient}), coefficients Python floats.
_Form = tuple[float, dict[int, float]]


def _form_key(f: _Form) -> tuple[Any, ...]:
    return (f[0], tuple(sorted(f[1].items())))


def _exact_ratio(c: float, s: float) -> bool:
    """True if ``c / s`` scaled back by ``s`` gives ``c`` again (scaling loses nothing visible)."""
    return (c / s) * s == c


def _scalar_const(a: Atom, oa: ShapedArray, cmap: dict[Var, Any]) -> float | None:
    """The value of ``a`` as a finite Python float if it is a Python int/float literal or a 0-d
    constant of ``oa``'s dtype (an operand that neither broadcasts nor promotes a result of ``oa``)."""
    v = _const_value(a, cmap)
    if v is _MISSING:
        return None
    try:
        if type(v) in (int, float):
            c = float(v)
        else:
            arr = np.asarray(v)
            if arr.ndim != 0 or arr.dtype != oa.dtype:
                return None
            c = float(arr)
    except (OverflowError, TypeError, ValueError):
        return None
    return c if np.isfinite(c) else None


def _trampoline(gen: Generator[Any, Any, Any], subcall: Callable[[Any], Generator[Any, Any, Any]]) -> Any:
    """Run a recursive computation written as generators without using the Python stack.

    ``gen`` yields a request for a sub-result; ``subcall(request)`` makes the generator that
    computes it, whose return value is sent back. Returns ``gen``'s return value.
    """
    stack = [gen]
    value: Any = None
    while stack:
        try:
            req = stack[-1].send(value)
        except StopIteration as stop:
            stack.pop()
            value = stop.value
            continue
        stack.append(subcall(req))
        value = None
    return value


class _Reassociator:
    """Value numbering of floating-point sums and products modulo reordering.

    Every value computed by ``add``, ``sub``, ``neg``, ``mul`` and ``integer_pow(., 2)``
    on operands of one floating dtype and shape (scalar constants allowed) gets a
    *form* ``c0 + sum_i c_i * term_i``. A term is an opaque atom (any other value) or
    the product of two forms, each normalised to a leading coefficient of 1 (when the
    scaled coefficients round-trip). Values are materialised (re-emitted in a canonical order,
    sums left to right in the order their terms were first seen, with shared
    prefixes, products and sums emitted once) only where something other than this
    arithmetic uses them: equal forms are computed once.
    """

    def __init__(self, ir: IR) -> None:
        self.consts = _Consts(ir)
        self.terms: list[tuple[Any, ...]] = []  # ("atom", atom) | ("prod", key, key)
        self.term_ids: dict[Any, int] = {}
        self.forms: dict[Var, _Form] = {}
        self.key_forms: dict[Any, _Form] = {}
        self.mat_terms: dict[int, Atom] = {}
        self.mat_sums: dict[Any, Atom] = {}
        self.eqns: list[Eqn] = []

    def term(self, key: tuple[Any, ...]) -> int:
        t = self.term_ids.get(key)
        if t is None:
            t = self.term_ids[key] = len(self.terms)
            self.terms.append(key)
        return t

    def operand(self, a: Atom, oa: ShapedArray) -> _Form | None:
        c = self.scalar_const(a, oa)
        if c is not None:
            return (c, {})
        if isinstance(a, Var) and a.aval.shape == oa.shape and a.aval.dtype == oa.dtype and not a.aval.weak_type:
            f = self.forms.get(a)
            return f if f is not None else (0.0, {self.term(("atom", a)): 1.0})
        return None

    def scalar_const(self, a: Atom, oa: ShapedArray) -> float | None:
        return _scalar_const(a, oa, self.consts.map)

    def normalised(self, f: _Form) -> tuple[float, Any]:
        """``f = s * g`` with ``g``'s first coefficient 1 (if exact): ``(s, key of g)``."""
        c0, d = f
        s = d[min(d)]
        if s != 1.0 and all(_exact_ratio(c, s) for c in (c0, *d.values())):
            f = (c0 / s, {t: c / s for t, c in d.items()})
        else:
            s = 1.0
        key = _form_key(f)
        self.key_forms.setdefault(key, f)
        return s, key

    def form_of(self, e: Eqn) -> _Form | None:
        p = e.prim
        if p.multiple_results or len(e.outvars) != 1:
            return None
        oa = e.outvars[0].aval
        if oa.dtype not in _REASSOC_DTYPES or oa.weak_type:
            return None
        if p is lax.integer_pow_p:
            if e.params["y"] != 2:
                return None
            fs = [self.operand(e.inputs[0], oa)] * 2
            p = lax.mul_p
        elif p in (lax.add_p, lax.sub_p, lax.neg_p, lax.mul_p):
            fs = [self.operand(a, oa) for a in e.inputs]
        else:
            return None
        if any(f is None for f in fs):
            return None
        if p is lax.neg_p:
            c0, d = fs[0]  # type: ignore[misc]
            out: _Form = (-c0, {t: -c for t, c in d.items()})
        elif p is lax.mul_p:
            (a0, ad), (b0, bd) = fs  # type: ignore[misc]
            if not ad:
                out = (a0 * b0, {t: a0 * c for t, c in bd.items() if a0 * c != 0})
            elif not bd:
                out = (a0 * b0, {t: b0 * c for t, c in ad.items() if b0 * c != 0})
            else:
                s1, k1 = self.normalised(fs[0])  # type: ignore[arg-type]
                s2, k2 = self.normalised(fs[1])  # type: ignore[arg-type]
                pair = (k1, k2) if k1 <= k2 else (k2, k1)
                out = (0.0, {self.term(("prod", *pair)): s1 * s2})
        else:
            sign = 1.0 if p is lax.add_p else -1.0
            (a0, ad), (b0, bd) = fs  # type: ignore[misc]
            d = dict(ad)
            for t, c in bd.items():
                d[t] = d.get(t, 0.0) + sign * c
            out = (a0 + sign * b0, {t: c for t, c in d.items() if c != 0})
        c0, d = out
        if len(d) > MAX_TERMS or not np.isfinite(c0) or not all(np.isfinite(c) for c in d.values()):
            return None
        return out

    def emit(self, prim: Any, ins: list[Atom], aval: ShapedArray) -> Var:
        v = Var(ShapedArray(aval.shape, aval.dtype))
        self.eqns.append(Eqn(prim, ins, {}, [v]))
        return v

    # Materialising a term needs its factors' sums, which need their terms, and so on as deep as
    # products nest (the length of a chain of operations): the two are generators that yield
    # the sub-values they need, run by _trampoline with an explicit stack instead of recursion.

    def mat_term(self, t: int, aval: ShapedArray) -> Atom:
        return _trampoline(self._mat_term(t, aval), self._subcall)  # type: ignore[no-any-return]

    def mat_sum(self, f: _Form, aval: ShapedArray) -> Atom:
        return _trampoline(self._mat_sum(f, aval), self._subcall)  # type: ignore[no-any-return]

    def _subcall(self, req: tuple[Any, ...]) -> Generator[Any, Any, Any]:
        kind, x, aval = req
        return self._mat_term(x, aval) if kind == "term" else self._mat_sum(x, aval)

    def _mat_term(self, t: int, aval: ShapedArray) -> Generator[Any, Any, Atom]:
        a = self.mat_terms.get(t)
        if a is None:
            k = self.terms[t]
            if k[0] == "atom":
                a = k[1]
            else:
                x = yield ("sum", self.key_forms[k[1]], aval)
                y = x if k[2] == k[1] else (yield ("sum", self.key_forms[k[2]], aval))
                a = self.emit(lax.mul_p, [x, y], aval)
            self.mat_terms[t] = a
        return a

    def _mat_sum(self, f: _Form, aval: ShapedArray) -> Generator[Any, Any, Atom]:
        key = (aval.shape, aval.dtype, _form_key(f))  # a constant form has no type of its own
        hit = self.mat_sums.get(key)
        if hit is not None:
            return hit
        c0, d = f
        items = sorted(d.items())
        if not items:
            acc: Atom = self.consts.filled(aval, c0)
            self.mat_sums[key] = acc
            return acc
        acc = None  # type: ignore[assignment]
        for i, (t, c) in enumerate(items):
            pkey = (aval.shape, aval.dtype, (c0, tuple(items[: i + 1])))
            hit = self.mat_sums.get(pkey)
            if hit is not None:
                acc = hit
                continue
            x = yield ("term", t, aval)
            if acc is None and c0 == 0:
                if c == 1.0:
                    acc = x
                else:
                    acc = self.emit(lax.neg_p, [x], aval) if c == -1.0 else self.emit(lax.mul_p, [x, Literal(c)], aval)
                self.mat_sums[pkey] = acc
                continue
            mag = abs(c)
            xs = x if mag == 1.0 else self.emit(lax.mul_p, [x, Literal(mag)], aval)
            if acc is None:
                if c > 0:
                    acc = self.emit(lax.add_p if c0 > 0 else lax.sub_p, [xs, Literal(abs(c0))], aval)
                else:
                    acc = self.emit(lax.sub_p, [Literal(c0), xs], aval)
            else:
                acc = self.emit(lax.add_p if c > 0 else lax.sub_p, [acc, xs], aval)
            self.mat_sums[pkey] = acc
        return acc

    def realize(self, a: Atom) -> Atom:
        if isinstance(a, Var):
            f = self.forms.get(a)
            if f is not None:
                return self.mat_sum(f, a.aval)
        return a

    def run(self, ir: IR) -> IR:
        for e in ir.eqns:
            f = self.form_of(e)
            if f is not None:
                self.forms[e.outvars[0]] = f
                continue
            ins = [self.realize(a) for a in e.inputs]
            if any(x is not y for x, y in zip(ins, e.inputs)):
                e = Eqn(e.prim, ins, e.params, e.outvars)
            self.eqns.append(e)
        outs = [self.realize(a) for a in ir.outvars]
        return IR(self.consts.vars, self.consts.vals, list(ir.invars), self.eqns, outs)


def reassociate(ir: IR) -> IR:
    """Normalise floating-point sums and products, so that values equal up to the
    order of additions and multiplications are computed once.

    Values computed by ``add``, ``sub``, ``neg``, ``mul`` and ``integer_pow(x, 2)``
    whose operands all have the result's shape and (float16/32/64) dtype, or are
    finite scalar constants, are rewritten as linear combinations
    ``c0 + sum_i c_i * t_i`` of terms ``t_i``: opaque values, or products of two such
    combinations (scaled to a leading coefficient of 1 when that round-trips). Like terms
    are combined (``x + x -> 2*x``, ``x - x -> 0``), and a value is re-emitted only
    where another primitive or the program's output needs it, in a canonical order
    that follows the order in which terms first appear. Products are never
    distributed over sums, so no cancellation is introduced that the program did not
    already have.

    This changes rounding: the result agrees with the original program to rounding
    error (relative to the magnitude of the summed terms), not bitwise; ``x - x -> 0``
    ignores NaN and infinity in ``x`` (as symbolic zeros do). Sums of more than
    ``MAX_TERMS`` terms are left as they are.
    """
    return _Reassociator(ir).run(ir)
