"""The ``polynomial`` pass: polynomials in a few variables in (nested) Horner form."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, ShapedArray, Var
from functrans._src.optimize._common import _Consts, _strong_literal
from functrans._src.optimize.reassociate import _REASSOC_DTYPES, _scalar_const

# --------------------------------------------------------------------------- polynomial

MAX_DEGREE = 64  # polynomials with a monomial of higher total degree are not formed
MAX_POLY_TERMS = 128  # nor polynomials with more monomials
MAX_BASES = 4  # nor polynomials in more variables

_POLY_PRIMS = frozenset({lax.add_p, lax.sub_p, lax.mul_p, lax.neg_p, lax.integer_pow_p})

# A monomial: ((base number, exponent > 0), ...) sorted by base number; () is 1.
_Mono = tuple[tuple[int, int], ...]
# A polynomial: its nonzero float64 coefficients (Python floats) by monomial; {} is 0.
_PolyDict = dict[_Mono, float]


class _Poisoned:
    pass


# The value of a polynomial operation that exceeds the bounds above: kept as it is, and not a base.
_POISONED: Any = _Poisoned()


def _mono_mul(a: _Mono, b: _Mono) -> _Mono:
    if not a:
        return b
    if not b:
        return a
    d = dict(a)
    for i, k in b:
        d[i] = d.get(i, 0) + k
    return tuple(sorted(d.items()))


def _poly_mul(a: _PolyDict, b: _PolyDict) -> _PolyDict:
    out: _PolyDict = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = _mono_mul(ma, mb)
            out[m] = out.get(m, 0.0) + ca * cb
    return {m: c for m, c in out.items() if c != 0}


def _poly_add(a: _PolyDict, b: _PolyDict, sign: float) -> _PolyDict:
    out = dict(a)
    for m, c in b.items():
        out[m] = out.get(m, 0.0) + sign * c
    return {m: c for m, c in out.items() if c != 0}


def _poly_key(p: _PolyDict) -> tuple[Any, ...]:
    return tuple(sorted(p.items()))


def _poly_const(p: _PolyDict) -> float | None:
    """The value of a constant polynomial, None if ``p`` is not constant."""
    if not p:
        return 0.0
    if len(p) == 1 and () in p:
        return p[()]
    return None


def _within_bounds(p: _PolyDict) -> bool:
    return (
        len(p) <= MAX_POLY_TERMS
        and all(sum(k for _, k in m) <= MAX_DEGREE for m in p)
        and all(math.isfinite(c) for c in p.values())
    )


class _Horner:
    """Emits polynomials in the bases of one component in nested Horner form, or only counts
    the equations (``emit`` a counter, ``const`` a placeholder). Each power of a base, each
    Horner chain and each polynomial is computed once."""

    def __init__(
        self, bases: list[Var], aval: ShapedArray, emit: Callable[..., Var], const: Callable[[float], Atom]
    ) -> None:
        self.bases = bases
        self.dtype = aval.dtype
        self.emit = emit
        self.const = const
        self.powers: dict[tuple[int, int], Atom] = {}
        self.chains: dict[Any, Atom] = {}
        self.polys: dict[Any, Atom] = {}

    def lit(self, c: float) -> Literal:
        return _strong_literal(c, self.dtype)

    def scaled(self, x: Atom, c: float) -> Atom:
        if c == 1.0:
            return x
        if c == -1.0:
            return self.emit(lax.neg_p, [x], {})
        return self.emit(lax.mul_p, [x, self.lit(c)], {})

    def power(self, i: int, k: int) -> Atom:
        if k == 1:
            return self.bases[i]
        a = self.powers.get((i, k))
        if a is None:
            a = self.powers[(i, k)] = self.emit(lax.integer_pow_p, [self.bases[i]], {"y": k})
        return a

    def times(self, q: _PolyDict, x: Atom) -> Atom:
        c = _poly_const(q)
        return self.scaled(x, c) if c is not None else self.emit(lax.mul_p, [self.poly(q), x], {})

    def chain(self, i: int, g: int, r: list[_PolyDict]) -> Atom:
        """``sum_j r[j] * u**j`` with ``u = base_i**g`` as ``((r_d u + r_{d-1}) u + ...) u + r_0``."""
        key = (i, g, tuple(_poly_key(q) for q in r))
        acc = self.chains.get(key)
        if acc is None:
            u = self.power(i, g)
            d = len(r) - 1
            acc = self.times(r[d], u)
            for j in range(d - 1, -1, -1):
                q = r[j]
                c = _poly_const(q)
                if c is None:
                    if q[min(q)] < 0:  # a - q as a - (-q), so that -q is not negated on its own
                        acc = self.emit(lax.sub_p, [acc, self.poly({m: -k for m, k in q.items()})], {})
                    else:
                        acc = self.emit(lax.add_p, [acc, self.poly(q)], {})
                elif c > 0:
                    acc = self.emit(lax.add_p, [acc, self.lit(c)], {})
                elif c < 0:
                    acc = self.emit(lax.sub_p, [acc, self.lit(-c)], {})
                if j > 0:
                    acc = self.emit(lax.mul_p, [acc, u], {})
            self.chains[key] = acc
        return acc

    def poly(self, p: _PolyDict) -> Atom:
        key = _poly_key(p)
        out = self.polys.get(key)
        if out is not None:
            return out
        c = _poly_const(p)
        if c is not None:
            out = self.const(c)
        else:
            # Horner in the base with the fewest distinct exponents (then the first one), with
            # polynomials in the other bases as coefficients: p = v**m * r(v**g).
            exps: dict[int, set[int]] = {}
            for mono in p:
                for i, k in mono:
                    exps.setdefault(i, set()).add(k)
            for i, ks in exps.items():
                if any(all(j != i for j, _ in mono) for mono in p):
                    ks.add(0)
            v = min(exps, key=lambda i: (len(exps[i]), i))
            groups: dict[int, _PolyDict] = {}
            for mono, c in p.items():
                k = next((k for j, k in mono if j == v), 0)
                groups.setdefault(k, {})[tuple(t for t in mono if t[0] != v)] = c
            m = min(groups)
            g = 0
            for k in groups:
                g = math.gcd(g, k - m)
            g = g or 1
            r = [groups.get(m + j * g, {}) for j in range((max(groups) - m) // g + 1)]
            if len(r) == 1:
                out = self.times(r[0], self.power(v, m))
            else:
                out = self.chain(v, g, r)
                if m > 0:
                    out = self.emit(lax.mul_p, [out, self.power(v, m)], {})
        self.polys[key] = out
        return out


class _Counter:
    """An ``emit`` for :class:`_Horner` that only counts equations."""

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval
        self.n = 0

    def __call__(self, prim: Any, ins: list[Atom], params: dict[str, Any]) -> Var:
        self.n += 1
        return Var(self.aval)


class _Polynomials:
    def __init__(self, ir: IR) -> None:
        self.consts = _Consts(ir)
        self.bases: list[Var] = []
        self.base_number: dict[Var, int] = {}
        # a polynomial value: its polynomial and the bases of the operations that made it
        self.polys: dict[Var, tuple[_PolyDict, frozenset[int]]] = {}
        self.poisoned: set[Var] = set()

    def operand(self, a: Atom, oa: ShapedArray) -> Any:
        """A float (a scalar constant), ``(polynomial, bases)``, ``_POISONED``, or None (not an
        operand of a polynomial operation with result type ``oa``)."""
        c = _scalar_const(a, oa, self.consts.map)
        if c is not None:
            return c
        if not (isinstance(a, Var) and a.aval.shape == oa.shape and a.aval.dtype == oa.dtype):
            return None
        if a.aval.weak_type or a in self.poisoned:
            return _POISONED if a in self.poisoned else None
        f = self.polys.get(a)
        if f is not None:
            return f
        i = self.base_number.get(a)
        if i is None:
            i = self.base_number[a] = len(self.bases)
            self.bases.append(a)
        return ({((i, 1),): 1.0}, frozenset((i,)))

    def poly_of(self, e: Eqn) -> Any:
        """``e``'s result as ``(polynomial, bases)``, ``_POISONED``, or None if ``e`` is not a
        polynomial operation."""
        p = e.prim
        if p not in _POLY_PRIMS or len(e.outvars) != 1:
            return None
        oa = e.outvars[0].aval
        if oa.dtype not in _REASSOC_DTYPES or oa.weak_type:
            return None
        if p is lax.integer_pow_p and e.params["y"] < 0:
            return None
        ops = [self.operand(a, oa) for a in e.inputs]
        if any(o is None for o in ops) or all(type(o) is float for o in ops):
            return None
        if any(o is _POISONED for o in ops):
            return _POISONED
        bases = frozenset().union(*(o[1] for o in ops if type(o) is not float))
        if len(bases) > MAX_BASES:
            return _POISONED
        ps = [{(): o} if type(o) is float else o[0] for o in ops]
        if p is lax.neg_p:
            out = {m: -c for m, c in ps[0].items()}
        elif p is lax.integer_pow_p:
            y = e.params["y"]
            c = _poly_const(ps[0])
            if c is not None:
                try:
                    v = c**y
                except OverflowError:
                    return _POISONED
                out = {(): v} if v != 0 else {}
            elif y * max(sum(k for _, k in m) for m in ps[0]) > MAX_DEGREE:
                return _POISONED
            else:
                out = {(): 1.0}
                for _ in range(y):
                    if len(out) * len(ps[0]) > 4 * MAX_POLY_TERMS:
                        return _POISONED
                    out = _poly_mul(out, ps[0])
        elif p is lax.mul_p:
            if len(ps[0]) * len(ps[1]) > 4 * MAX_POLY_TERMS:
                return _POISONED
            out = _poly_mul(ps[0], ps[1])
        else:
            out = _poly_add(ps[0], ps[1], 1.0 if p is lax.add_p else -1.0)
        if not _within_bounds(out):
            return _POISONED
        return (out, bases)

    def run(self, ir: IR) -> IR:
        # Bases used together belong to one component; each component is rewritten or not as a whole.
        parent: list[int] = []

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        eqn_bases: list[frozenset[int] | None] = []  # the bases of each polynomial equation
        for e in ir.eqns:
            f = self.poly_of(e)
            parent.extend(range(len(parent), len(self.bases)))
            if f is _POISONED:
                self.poisoned.add(e.outvars[0])
            elif f is not None:
                self.polys[e.outvars[0]] = f
                eqn_bases.append(f[1])
                first, *rest = f[1]
                for i in rest:
                    parent[find(i)] = find(first)
                continue
            eqn_bases.append(None)
        comp = [None if bs is None else find(next(iter(bs))) for bs in eqn_bases]
        live_vars: set[Var] = {a for a in ir.outvars if isinstance(a, Var)}
        live: list[bool] = []
        for e in reversed(ir.eqns):
            live.append(any(v in live_vars for v in e.outvars))
            if live[-1]:
                live_vars.update(a for a in e.inputs if isinstance(a, Var))
        live.reverse()

        def comp_of(a: Atom) -> int | None:
            """The component of a polynomial value, None for anything else."""
            f = self.polys.get(a) if isinstance(a, Var) else None
            return None if f is None else find(next(iter(f[1])))

        # Roots: polynomial values that another equation or the output uses, by component.
        roots: dict[int, dict[Var, None]] = {}
        for e, c, lv in zip(ir.eqns, comp, live):
            if c is None and lv:
                for a in e.inputs:
                    ca = comp_of(a)
                    if ca is not None and isinstance(a, Var):
                        roots.setdefault(ca, {})[a] = None
        for a in ir.outvars:
            ca = comp_of(a)
            if ca is not None and isinstance(a, Var):
                roots.setdefault(ca, {})[a] = None
        old: dict[int, int] = {}
        for c, lv in zip(comp, live):
            if c is not None and lv:
                old[c] = old.get(c, 0) + 1
        # Rewrite a component if the Horner forms of its roots take fewer equations.
        rewrite: set[int] = set()
        for c, rs in roots.items():
            aval = self.bases[c].aval
            polys = [self.polys[v][0] for v in rs]
            with np.errstate(over="ignore"):
                if not all(np.isfinite(np.asarray(list(p.values()), dtype=aval.dtype)).all() for p in polys):
                    continue
            count = _Counter(aval)
            dry = _Horner(self.bases, aval, count, Literal)
            for p in polys:
                dry.poly(p)
            if count.n < old.get(c, 0):
                rewrite.add(c)
        if not rewrite:
            return IR(list(ir.constvars), list(ir.consts), list(ir.invars), list(ir.eqns), list(ir.outvars))
        eqns: list[Eqn] = []
        emitters: dict[int, _Horner] = {}

        def realize(a: Atom) -> Atom:
            c = comp_of(a)
            if c is None or c not in rewrite or not isinstance(a, Var):
                return a
            h = emitters.get(c)
            if h is None:
                aval = ShapedArray(self.bases[c].aval.shape, self.bases[c].aval.dtype)

                def emit(prim: Any, ins: list[Atom], params: dict[str, Any]) -> Var:
                    v = Var(aval)
                    eqns.append(Eqn(prim, ins, params, [v]))
                    return v

                h = emitters[c] = _Horner(self.bases, aval, emit, lambda k: self.consts.filled(aval, k))
            return h.poly(self.polys[a][0])

        for e, c, lv in zip(ir.eqns, comp, live):
            if not lv:
                continue
            if c is None:
                ins = [realize(a) for a in e.inputs]
                if any(x is not y for x, y in zip(ins, e.inputs)):
                    e = Eqn(e.prim, ins, e.params, e.outvars)
            elif c in rewrite:
                continue
            eqns.append(e)
        outs = [realize(a) for a in ir.outvars]
        return IR(self.consts.vars, self.consts.vals, list(ir.invars), eqns, outs)


def polynomial(ir: IR) -> IR:
    """Rewrite polynomials in a few variables in (nested) Horner form.

    A *polynomial operation* is ``add``, ``sub``, ``mul``, ``neg`` or ``integer_pow`` with
    ``y >= 0`` whose result is float16/32/64 (not weakly typed) and whose operands are
    variables of exactly the result's shape and dtype or finite scalar constants (Python
    int/float literals, 0-d constants of the result's dtype), at least one a variable. A
    *base* is a variable that no polynomial operation computes (an input, a constant
    array, the result of ``tanh``, ``div``, ``dot_general``, a broadcasting ``mul``, ...). The
    result of a chain of polynomial operations is then a polynomial in the bases it
    started from, with float64 coefficients: at most ``MAX_BASES`` bases,
    ``MAX_POLY_TERMS`` monomials and total degree ``MAX_DEGREE``. A polynomial operation
    that would exceed these bounds is kept as it is, and its result is neither a
    polynomial nor a base.

    Bases that occur together in a polynomial form a component. For each component, the
    polynomials that another equation or the program's output uses are re-emitted from
    the bases and all the component's polynomial equations are dropped, but only if that
    takes fewer equations than the component's polynomial equations take now; otherwise
    they are left alone (only equations whose results are used count, and if anything is
    rewritten, unused equations are dropped). A polynomial is emitted as ``v**m * r(v**g)`` in the base ``v``
    with the fewest distinct exponents, ``r`` in Horner form
    ``((r_d*u + r_{d-1})*u + ...)*u + r_0`` (``u = v**g``) whose coefficients ``r_j`` are
    polynomials in the other bases, emitted the same way; zero coefficients and unit
    factors cost nothing, and powers and identical polynomials are computed once. So
    ``d^k tanh(x)``, a polynomial of degree ``k + 1`` in ``tanh x`` that nested
    differentiation computes with a number of equations geometric in ``k``, becomes
    ``k + 3`` equations, and ``d^k (x tanh x)`` (in ``x`` and ``tanh x``) and
    ``d^k exp(-x**2)`` (in ``x`` and ``exp(-x**2)``) become linear in ``k`` too. Quotients are
    not polynomials: nested derivatives of rational functions such as ``1/(1 + x)`` or
    ``1/(1 + exp(-x))`` are not made smaller.

    Precision: this is the one pass that expands products of sums. The coefficients are
    computed in float64 and rounded to the dtype once, and the Horner form rounds by about
    ``eps * sum_i |c_i m_i|`` in absolute terms (``m_i`` the monomials' values), so results
    agree with the original program to rounding relative to the size of the polynomial's
    terms, not of its value. Where the value is much smaller than its terms and the
    original program computed it as a product of small factors (``d^k tanh(x)`` for large
    ``|x|``, where ``1 - tanh(x)**2`` is tiny; a factor like ``(1 + x)**8`` near ``x = -1``),
    the expanded form loses much of the relative accuracy the factored form had: for
    ``d^8 tanh`` in float64 the error is below ``2e-14`` of the largest value on ``|x| <= 4``,
    but relative to the value itself it is ``2e-11`` at ``x = 4`` and ``4e-9`` at ``x = 6``
    (against ``2e-14`` and ``2e-12`` for the unoptimised program). As with :func:`reassociate`,
    ``p - p -> 0`` ignores NaN and infinity in ``p``, and intermediate results may overflow
    differently.
    """
    return _Polynomials(ir).run(ir)
