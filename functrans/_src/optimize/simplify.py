"""The ``simplify`` pass: algebraic identities."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, Var
from functrans._src.optimize._common import (
    _NUMERIC_KINDS,
    MAX_INSPECT_SIZE,
    _const_value,
    _Consts,
    _is_filled,
    _replacement,
    _subst,
    _subst_outs,
)
from functrans._src.optimize.cse import _lit_key

# --------------------------------------------------------------------------- simplify

_Rewrite = Atom | Eqn | None


def _same_value(x: Atom, out: Var) -> _Rewrite:
    """``x``'s value given ``out``'s shape and dtype, for an operation that leaves values
    unchanged apart from NumPy's promotion and broadcasting (``x*1``, ``x+0``, ...).

    ``x`` itself if the types agree, else ``broadcast_to`` or ``convert_element_type``
    (which cast exactly as the promotion would) into ``out``; None if both would be needed.
    """
    xa, oa = x.aval, out.aval
    if xa.dtype == oa.dtype:
        if xa.shape == oa.shape:
            return x
        return Eqn(lax.broadcast_to_p, [x], {"shape": oa.shape}, [out])
    if xa.shape == oa.shape and oa.dtype.kind in "biuf" and xa.dtype.kind in "biuf":
        return Eqn(lax.convert_element_type_p, [x], {"new_dtype": oa.dtype}, [out])
    return None


def _simplify_eqn(e: Eqn, producer: dict[Var, Eqn], consts: _Consts) -> _Rewrite:
    """A rewrite of ``e``: an atom for its single output, a replacement equation with the
    same output, or None to keep it."""
    p = e.prim
    if p.multiple_results or len(e.outvars) != 1:
        return None
    out = e.outvars[0]
    oa = out.aval
    numeric = oa.dtype.kind in _NUMERIC_KINDS
    cval = lambda a: _const_value(a, consts.map)  # noqa: E731

    if p is lax.mul_p:
        x, y = e.inputs
        cx, cy = cval(x), cval(y)
        if numeric and (_is_filled(cx, 0) or _is_filled(cy, 0)):
            return consts.filled(oa, 0)
        if oa.dtype.kind != "c":
            if _is_filled(cy, 1):
                return _same_value(x, out)
            if _is_filled(cx, 1):
                return _same_value(y, out)
            if oa.dtype.kind in "if":
                for a, c in ((x, cy), (y, cx)):
                    if _is_filled(c, -1) and a.aval.shape == oa.shape and a.aval.dtype == oa.dtype:
                        return Eqn(lax.neg_p, [a], {}, [out])
        return None
    if p is lax.div_p:
        x, y = e.inputs
        if numeric and _is_filled(cval(x), 0):
            return consts.filled(oa, 0)
        if oa.dtype.kind != "c" and _is_filled(cval(y), 1):
            return _same_value(x, out)
        return None
    if p is lax.add_p:
        x, y = e.inputs
        if _is_filled(cval(y), 0):
            return _same_value(x, out)
        if _is_filled(cval(x), 0):
            return _same_value(y, out)
        return None
    if p is lax.sub_p:
        x, y = e.inputs
        if _is_filled(cval(y), 0):
            return _same_value(x, out)
        if _is_filled(cval(x), 0) and oa.dtype.kind in "iufc" and y.aval.shape == oa.shape and y.aval.dtype == oa.dtype:
            return Eqn(lax.neg_p, [y], {}, [out])
        return None
    if p is lax.dot_general_p:
        x, y = e.inputs
        if numeric and (_is_filled(cval(x), 0) or _is_filled(cval(y), 0)):
            return consts.filled(oa, 0)
        r = _dot_with_identity(e, cval)
        if r is not None:
            return r
    if p is lax.integer_pow_p:
        (x,) = e.inputs
        if e.params["y"] == 1:
            return _same_value(x, out)
        if e.params["y"] == 0 and numeric:
            return consts.filled(oa, 1)
        return None
    if p is lax.select_p:
        pred, x, y = e.inputs
        if x is y or (isinstance(x, Literal) and isinstance(y, Literal) and _lit_key(x) == _lit_key(y)):
            return _same_value(x, out)
        cp = cval(pred)
        if _is_filled(cp, 1):
            return _same_value(x, out)
        if _is_filled(cp, 0):
            return _same_value(y, out)
        return None

    # Compositions: look at the equation that produced the input.
    if p is lax.dot_general_p:
        return _dot_of_transposes(e, producer)
    if len(e.inputs) != 1 or not isinstance(e.inputs[0], Var):
        return None
    inner = producer.get(e.inputs[0])
    if p is lax.transpose_p and inner is not None and inner.prim is lax.dot_general_p:
        return _transposed_dot(e, inner)
    if inner is None or inner.prim is not p:
        return None
    x = inner.inputs[0]
    if p is lax.neg_p:
        return _same_value(x, out) if x.aval.shape == oa.shape and x.aval.dtype == oa.dtype else None
    if p is lax.transpose_p:
        p1, p2 = inner.params["permutation"], e.params["permutation"]
        perm = tuple(p1[i] for i in p2)
        if perm == tuple(range(len(perm))) and x.aval.shape == oa.shape:
            return x
        return Eqn(lax.transpose_p, [x], {"permutation": perm}, [out])
    if p is lax.reshape_p:
        if x.aval.shape == oa.shape:
            return x
        return Eqn(lax.reshape_p, [x], {"new_shape": oa.shape}, [out])
    if p is lax.broadcast_to_p:
        if x.aval.shape == oa.shape:
            return x
        return Eqn(lax.broadcast_to_p, [x], {"shape": oa.shape}, [out])
    return None


def _is_identity(val: Any) -> bool:
    """Whether ``val`` is a (small enough) square identity matrix."""
    if not isinstance(val, np.ndarray) or val.ndim != 2 or val.shape[0] != val.shape[1]:
        return False
    if val.dtype.kind not in "iuf" or val.size > MAX_INSPECT_SIZE:
        return False
    n = val.shape[0]
    diag = val.reshape(-1)[:: n + 1]
    return bool(np.all(diag == 1)) and int(np.count_nonzero(val)) == n


def _dot_with_identity(e: Eqn, cval: Callable[[Atom], Any]) -> _Rewrite:
    """``dot_general`` of ``x`` and a constant identity matrix (one contracted axis, no batch
    axes) -> ``x`` with the contracted axis moved where the identity's free axis was (a
    ``transpose``, or ``x`` itself). Forward mode seeds its basis as the identity, so
    ``jacfwd`` of a linear map multiplies by it."""
    (lc, rc), (lb, rb) = e.params["dimension_numbers"]
    out = e.outvars[0]
    if lb or rb or len(lc) != 1 or out.aval.dtype.kind not in "iuf":
        return None
    x, y = e.inputs
    for other, eye, k, at_end in ((x, y, lc[0], True), (y, x, rc[0], False)):
        if other.aval.dtype != out.aval.dtype or not _is_identity(cval(eye)):
            continue
        free = [i for i in range(other.aval.ndim) if i != k]
        perm = tuple(free + [k]) if at_end else tuple([k] + free)
        if perm == tuple(range(len(perm))):
            return other
        return Eqn(lax.transpose_p, [other], {"permutation": perm}, [out])
    return None


def _dot_of_transposes(e: Eqn, producer: dict[Var, Eqn]) -> _Rewrite:
    """``dot_general`` of a ``transpose``d operand -> ``dot_general`` of the operand itself with
    the contraction renumbered, when that keeps the order of the result's axes (matrix products
    of transposes then reach BLAS without a transposed copy)."""
    (lc, rc), (lb, rb) = e.params["dimension_numbers"]
    if lb or rb:
        return None
    ins, dims, changed = list(e.inputs), [tuple(lc), tuple(rc)], False
    for k in range(2):
        a = ins[k]
        inner = producer.get(a) if isinstance(a, Var) else None
        if inner is None or inner.prim is not lax.transpose_p:
            continue
        perm = tuple(inner.params["permutation"])
        free = [perm[j] for j in range(len(perm)) if j not in dims[k]]
        if free != sorted(free):
            continue
        ins[k] = inner.inputs[0]
        dims[k] = tuple(perm[j] for j in dims[k])
        changed = True
    if not changed:
        return None
    return Eqn(lax.dot_general_p, ins, {"dimension_numbers": ((dims[0], dims[1]), ((), ()))}, e.outvars)


def _transposed_dot(e: Eqn, inner: Eqn) -> _Rewrite:
    """``transpose(dot_general(a, b))`` whose permutation swaps the free axes of ``a`` and ``b``
    -> ``dot_general(b, a)``: the result is computed in the transposed layout directly."""
    (lc, rc), (lb, rb) = inner.params["dimension_numbers"]
    if lb or rb:
        return None
    a, b = inner.inputs
    na, nb = a.aval.ndim - len(lc), b.aval.ndim - len(rc)
    if tuple(e.params["permutation"]) != tuple(range(na, na + nb)) + tuple(range(na)):
        return None
    out = e.outvars[0]
    if out.aval.dtype != inner.outvars[0].aval.dtype:
        return None
    return Eqn(lax.dot_general_p, [b, a], {"dimension_numbers": ((tuple(rc), tuple(lc)), ((), ()))}, [out])


def simplify(ir: IR) -> IR:
    """Algebraic simplification, one pass in program order (rewrites chain forward).

    Rewrites, each applied only if the result has exactly the equation's declared
    shape and dtype (otherwise a ``broadcast_to`` or an exact ``convert_element_type``
    of the operand is substituted, or the equation is kept):

    * ``x*1``, ``1*x``, ``x/1``, ``x+0``, ``0+x``, ``x-0`` -> ``x``; ``0-x`` and
      ``x*(-1)`` -> ``neg x``; ``integer_pow(x, 1)`` -> ``x``; ``integer_pow(x, 0)`` -> ones;
    * ``neg(neg x)`` -> ``x``; ``transpose(transpose x)`` -> one transpose with the
      composed permutation (or ``x``); ``reshape(reshape x)`` and
      ``broadcast_to(broadcast_to x)`` -> one equation (or ``x``);
    * ``select(p, x, x)`` -> ``x``; ``select`` with a constant all-true or all-false
      predicate -> the chosen operand;
    * ``transpose(dot_general(a, b))`` that swaps the free axes -> ``dot_general(b, a)``, and
      ``dot_general`` of a ``transpose`` -> ``dot_general`` of its operand (contraction
      renumbered) when the result's axis order is unchanged;
    * ``x*0``, ``0*x``, ``0/x`` and ``dot_general`` with an all-zeros operand -> a zeros
      constant;
    * ``dot_general`` of ``x`` and a constant identity matrix (one contracted axis, real or
      integer result of ``x``'s dtype) -> ``x``, or a ``transpose`` of it.

    "0" and "1" are literals or constants all of whose elements are 0 or 1 (constants
    of more than ``MAX_INSPECT_SIZE`` elements are not inspected). The zeros in derivative
    programs are symbolic zeros of automatic differentiation made concrete; as with
    symbolic zeros in JAX, ``x*0 -> 0`` ignores NaN and infinity in ``x`` (and ``0/x``
    ignores ``x == 0``), ``x+0 -> x`` keeps the sign of a ``-0.0`` in ``x`` and ``0-x -> neg x``
    gives ``-0.0`` for ``x = +0.0``. Rules
    with ``1`` are not applied to complex results (complex multiplication by ``1+0j`` is
    not exact for infinite operands). Likewise the product with an identity matrix ignores
    the NaN that an infinite or NaN element of ``x`` times the identity's zeros would spread
    along its row, and keeps the sign of ``-0.0``.
    """
    consts = _Consts(ir)
    env: dict[Var, Atom] = {}
    producer: dict[Var, Eqn] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        r = _simplify_eqn(e, producer, consts)
        if isinstance(r, Eqn):
            e = r
        elif r is not None:
            rep = _replacement(e.outvars[0], r)
            if rep is not None:
                env[e.outvars[0]] = rep
                continue
        eqns.append(e)
        for v in e.outvars:
            producer[v] = e
    return IR(consts.vars, consts.vals, list(ir.invars), eqns, _subst_outs(ir.outvars, env))
