"""Multiply the small factors of a broadcast product first, and factor shared big ones.

Reverse mode writes scalings of a matrix by vectors one at a time: the Hessian of
``sum(log cosh(A x))`` multiplies the 100x100 ``A`` by three (100, 1) columns one after
another, and a second term scales ``A`` again, then adds. Each step is a full pass over
the matrix. This pass rewrites every tree of single-use ``mul`` equations into

    (big factors) * (product of the factors smaller than the result, computed in their
    own broadcast shape)

and a sum of two such products with the same single big factor ``B`` into
``B * (small1 + small2)``. One pass over the big operand instead of five or six. Only
floating results whose factors all have the result's dtype are touched (reassociation
changes rounding, as the sum reassociation of :mod:`functrans._src.optimize` does).
"""

from __future__ import annotations

import math

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, ShapedArray, Var

__all__ = ["broadcast_products"]


def _size(a: Atom) -> int:
    return math.prod(a.aval.shape)


def _ok_factor(a: Atom, dtype: np.dtype) -> bool:
    if type(a) is Literal:
        return isinstance(a.val, float | int) and not isinstance(a.val, bool)
    return a.aval.dtype == dtype


def _literal_product(x: Atom, y: Atom, dtype: np.dtype) -> Literal | None:
    """The product of two literals (a mean's ``1/n`` times the 2 of a square's derivative) as a
    literal: np.multiply of the same values, as the generated code would compute it on every
    call; None for other operands, or a result of another dtype or not finite."""
    if type(x) is not Literal or type(y) is not Literal:
        return None
    with np.errstate(all="ignore"):
        v = np.multiply(x.val, y.val)
    if v.dtype != dtype or not np.isfinite(v):
        return None
    return Literal(v)


def broadcast_products(ir: IR) -> IR:
    """``ir`` with broadcast products reordered as described in the module docstring
    (``ir`` itself if nothing changes)."""
    uses: dict[Var, int] = {}
    user: dict[Var, Eqn] = {}
    for e in ir.eqns:
        for a in e.inputs:
            if type(a) is Var:
                uses[a] = uses.get(a, 0) + 1
                user[a] = e
    for a in ir.outvars:
        if type(a) is Var:
            uses[a] = uses.get(a, 0) + 2
    mul_def: dict[Var, Eqn] = {e.outvars[0]: e for e in ir.eqns if e.prim is lax.mul_p}

    def absorbed(v: Var) -> bool:  # a single-use product whose user is a product of the same type
        e = mul_def.get(v)
        if e is None or uses.get(v, 0) != 1:
            return False
        u = user[v]
        return u.prim is lax.mul_p and u.outvars[0].aval.dtype == v.aval.dtype

    def factors(a: Atom) -> list[Atom]:
        """The leaves of the tree of absorbed products under ``a``, left to right (iteratively:
        a product chain may be longer than the recursion limit)."""
        out: list[Atom] = []
        stack: list[Atom] = [a]
        while stack:
            b = stack.pop()
            if type(b) is Var and b in mul_def and absorbed(b):
                e = mul_def[b]
                stack.append(e.inputs[1])
                stack.append(e.inputs[0])
            else:
                out.append(b)
        return out

    new: list[Eqn] = []
    rep: dict[Var, tuple[Var, Atom]] = {}  # product -> (its single big factor, its small factor)
    changed = False

    def emit(prim: object, x: Atom, y: Atom, shape: tuple[int, ...], dtype: np.dtype) -> Var:
        v = Var(ShapedArray(shape, dtype))
        new.append(Eqn(prim, [x, y], {}, [v]))  # type: ignore[arg-type]
        return v

    for e in ir.eqns:
        o = e.outvars[0] if len(e.outvars) == 1 else None
        if o is not None and e.prim is lax.mul_p and not absorbed(o) and o.aval.dtype.kind == "f":
            fs = factors(e.inputs[0]) + factors(e.inputs[1])
            dt = o.aval.dtype
            if all(_ok_factor(f, dt) for f in fs):
                big = [f for f in fs if type(f) is Var and _size(f) == o.aval.size and f.aval.shape == o.aval.shape]
                small = [f for f in fs if not any(f is b for b in big)]
                if len(big) == 1 and small:
                    acc = small[0]
                    for f in small[1:]:
                        lit = _literal_product(acc, f, dt)
                        if lit is not None:
                            acc = lit
                            continue
                        shape = tuple(np.broadcast_shapes(acc.aval.shape, f.aval.shape))
                        acc = emit(lax.mul_p, acc, f, shape, dt)
                    if type(acc) is Var and acc.aval.dtype != dt:  # pragma: no cover - guarded by _ok_factor
                        acc = small[0]
                    new.append(Eqn(lax.mul_p, [big[0], acc], {}, [o]))
                    rep[o] = (big[0], acc)
                    changed = changed or len(fs) > 2
                    continue
        if o is not None and e.prim is lax.add_p and o.aval.dtype.kind == "f":
            x, y = e.inputs
            rx = rep.get(x) if type(x) is Var and uses.get(x) == 1 else None
            ry = rep.get(y) if type(y) is Var and uses.get(y) == 1 else None
            if rx is not None and ry is not None and rx[0] is ry[0]:
                sx, sy = rx[1], ry[1]
                if type(sx) is Var or type(sy) is Var:
                    shape = tuple(np.broadcast_shapes(sx.aval.shape, sy.aval.shape))
                    if math.prod(shape) < o.aval.size:
                        s = emit(lax.add_p, sx, sy, shape, o.aval.dtype)
                        new.append(Eqn(lax.mul_p, [rx[0], s], {}, [o]))
                        rep[o] = (rx[0], s)
                        changed = True
                        continue
        if any(type(a) is Var and a in mul_def and absorbed(a) for a in e.inputs) and e.prim is not lax.mul_p:
            raise AssertionError("broadcast_products: an absorbed product has a non-product user")  # pragma: no cover
        new.append(e)
    if not changed:
        return ir
    # drop what the rewrite left unused (all equations here are pure)
    live = {a for a in ir.outvars if type(a) is Var}
    kept: list[Eqn] = []
    for e in reversed(new):
        if any(v in live for v in e.outvars) or e.prim.multiple_results and not e.outvars:
            kept.append(e)
            live.update(a for a in e.inputs if type(a) is Var)
    kept.reverse()
    return IR(ir.constvars, ir.consts, ir.invars, kept, ir.outvars)
