"""IR-to-IR optimisation passes, for programs about to be compiled (``jit``).

Every pass is a pure function ``IR -> IR``: it returns a new :class:`IR` and
never mutates its argument or the argument's :class:`Eqn` objects (an equation
that does not change is shared between the old and the new program). The result
of every pass passes :func:`~functrans._src.core.typecheck_ir`.

The passes:

* :func:`inline_calls`: splice the body of every ``jit`` call into its caller.
* :func:`forward_trivial`: drop identity equations (``reshape`` to the same
  shape, ``convert_element_type`` to the same dtype, ``stop_gradient``, ...).
* :func:`simplify`: algebraic identities (``x*1``, ``x+0``, ``neg(neg x)``,
  ``transpose(transpose x)``, products with zeros, ...).
* :func:`fold_constants`: evaluate equations whose inputs are all constants.
* :func:`reassociate`: value numbering of sums and products modulo reordering.
* :func:`polynomial`: polynomials in a few variables in (nested) Horner form.
* :func:`cse`: common-subexpression elimination.
* :func:`dce`: dead-code elimination.
* :func:`optimize`: all of the above, to a fixed point.

Substitution rule. A pass that replaces a variable ``v`` by another atom ``a``
does so only if ``a`` has exactly ``v``'s shape and dtype, because the
consumers' shape/dtype rules were evaluated for ``v``. The one type difference
that is repaired rather than refused is weak typing: a Python-scalar literal
(weakly typed, it gives way to the other operand in NumPy promotion) that stands
in for a strongly typed variable is rewritten as a NumPy scalar of that dtype.

Semantics. Shapes and dtypes are kept exactly. Values are kept exactly by every
pass except :func:`reassociate` and :func:`polynomial`, with the exceptions that
JAX's symbolic zeros share (documented at :func:`simplify`): ``x * 0 -> 0`` ignores
NaN and infinity in ``x``, and ``x + 0 -> x`` does not turn ``-0.0`` into ``+0.0``.
:func:`reassociate` (used by :func:`optimize` unless ``reassociate_sums=False``)
reorders floating-point sums and products, so its results agree to rounding error,
not bitwise. :func:`polynomial` (used by :func:`optimize` unless
``polynomial_form=False``) also expands products of sums, so its results agree to
rounding error relative to the size of the expanded terms, which can be much larger
than the value (see there). ``stop_gradient`` is dropped: it is the identity at
run time, so :func:`forward_trivial` (and :func:`optimize`) must only be applied to
programs that will not be differentiated again.

Nested derivatives. For the ``k``-th derivative of ``tanh`` by nested ``grad``,
:func:`equation_counts` gives (raw, optimised) equation counts; see
:func:`derivative_eqn_counts`. Nested reverse mode grows geometrically in ``k``
(every order differentiates the whole previous program: the raw programs grow by a
factor of about 2.7 per order). Without :func:`reassociate` and :func:`polynomial`
the optimised programs still grow by a factor of about 2.5 per order, with
:func:`reassociate` alone about 1.7; :func:`polynomial` rewrites ``d^k tanh(x)`` as
the polynomial of degree ``k + 1`` in ``tanh x`` that it is, in ``k + 3`` equations
(for ``k >= 3``), at the precision cost described there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Literal, ShapedArray, Var, typecheck_ir

__all__ = [
    "cse",
    "dce",
    "derivative_eqn_counts",
    "equation_counts",
    "fold_constants",
    "forward_trivial",
    "inline_calls",
    "optimize",
    "polynomial",
    "reassociate",
    "simplify",
]

# Constants with more elements than this are never inspected for being all zeros or ones.
MAX_INSPECT_SIZE = 100_000
# Equations whose result would have more elements than this are not folded.
MAX_FOLD_SIZE = 1_000_000
# Constants up to this size are deduplicated by value (not only by identity) in cse.
MAX_VALUE_KEY_SIZE = 16
# Constants made by the passes (zeros, ones) larger than this are read-only broadcast views.
_DENSE_FILL_LIMIT = 65_536

_NUMERIC_KINDS = frozenset("biufc")


class _Missing:
    pass


_MISSING: Any = _Missing()


# --------------------------------------------------------------------------- helpers shared by the passes


def _is_jit_call(e: Eqn) -> bool:
    return e.prim.name == "jit" and isinstance(e.params.get("ir"), IR)


def _strong_literal(val: Any, dtype: np.dtype) -> Literal:
    """A literal holding ``val`` as a NumPy scalar of ``dtype`` (strongly typed)."""
    return Literal(np.asarray(val, dtype=dtype)[()])


def _replacement(old: Var, new: Atom) -> Atom | None:
    """``new`` as a stand-in for ``old``, or None if their types differ.

    Shapes and dtypes must be equal. A weakly typed literal standing in for a strongly
    typed variable becomes a NumPy scalar of the variable's dtype, so consumers keep
    the promotion they were typed with.
    """
    oa, na = old.aval, new.aval
    if oa.shape != na.shape or oa.dtype != na.dtype:
        return None
    if na.weak_type == oa.weak_type:
        return new
    if isinstance(new, Literal) and na.weak_type and oa.dtype.kind in _NUMERIC_KINDS:
        return _strong_literal(new.val, oa.dtype)
    return None


def _subst(e: Eqn, env: dict[Var, Atom]) -> Eqn:
    """``e`` with its inputs renamed through ``env``; ``e`` itself if nothing changes."""
    if not env:
        return e
    changed = False
    new: list[Atom] = []
    for a in e.inputs:
        b = env.get(a, a) if isinstance(a, Var) else a
        changed = changed or b is not a
        new.append(b)
    return Eqn(e.prim, new, e.params, e.outvars) if changed else e


def _subst_outs(outvars: Sequence[Atom], env: dict[Var, Atom]) -> list[Atom]:
    return [env.get(a, a) if isinstance(a, Var) else a for a in outvars]


def _const_value(a: Atom, cmap: dict[Var, Any]) -> Any:
    """The value of ``a`` if it is a literal or a constant variable, else ``_MISSING``."""
    if isinstance(a, Literal):
        return a.val
    return cmap.get(a, _MISSING)


def _is_filled(val: Any, k: int) -> bool:
    """True if ``val`` is a (small enough) numeric constant all of whose elements equal ``k``."""
    if val is _MISSING:
        return False
    if isinstance(val, bool | int | float | complex):
        return val == k
    try:
        arr = np.asarray(val)
    except Exception:
        return False
    if arr.dtype.kind not in _NUMERIC_KINDS or arr.size > MAX_INSPECT_SIZE:
        return False
    return bool(np.all(arr == k))


class _Consts:
    """The constants of a program being rebuilt: new ones can be added."""

    def __init__(self, ir: IR) -> None:
        self.vars = list(ir.constvars)
        self.vals = list(ir.consts)
        self.map: dict[Var, Any] = dict(zip(self.vars, self.vals))

    def atom(self, value: Any, aval: ShapedArray) -> Atom:
        """An atom holding ``value`` (already of ``aval``'s shape and dtype).

        A 0-d numeric value becomes a strongly typed literal (a NumPy scalar), anything
        else a new constant variable.
        """
        arr = np.asarray(value, dtype=aval.dtype)
        if arr.ndim == 0 and arr.dtype.kind in _NUMERIC_KINDS:
            return Literal(arr[()])
        v = Var(ShapedArray(aval.shape, aval.dtype))
        self.vars.append(v)
        self.vals.append(arr)
        self.map[v] = arr
        return v

    def filled(self, aval: ShapedArray, k: float) -> Atom:
        """A constant of ``aval`` with every element ``k`` (a read-only broadcast view if large)."""
        if aval.size > _DENSE_FILL_LIMIT:
            return self.atom(np.broadcast_to(np.asarray(k, dtype=aval.dtype), aval.shape), aval)
        return self.atom(np.full(aval.shape, k, dtype=aval.dtype), aval)


# --------------------------------------------------------------------------- inline_calls


def inline_calls(ir: IR) -> IR:
    """Replace every ``jit`` call by the equations of the program it calls.

    A ``jit`` call is an equation of a primitive named ``"jit"`` (with multiple
    results) whose ``params["ir"]`` is an :class:`IR` and whose inputs are that
    program's inputs in order. Its equations are copied with fresh output variables
    (the same program may be called more than once), its constants become constants
    of the caller (shared between the calls of one program), and the call's outputs
    are replaced by the program's outputs. Calls inside called programs are inlined
    first. A call whose argument or result types do not match the called program's
    is left in place (with its own body inlined).
    """
    return _Inliner().run(ir)


class _Inliner:
    def __init__(self) -> None:
        self.memo: dict[int, tuple[IR, IR]] = {}

    def inlined(self, sub: IR) -> IR:
        hit = self.memo.get(id(sub))
        if hit is None:
            hit = self.memo[id(sub)] = (sub, self.run(sub))
        return hit[1]

    def run(self, ir: IR) -> IR:
        constvars, consts = list(ir.constvars), list(ir.consts)
        outer_const: dict[Var, Var] = {}  # a called program's constant -> the caller's
        env: dict[Var, Atom] = {}
        eqns: list[Eqn] = []
        for e in ir.eqns:
            e = _subst(e, env)
            if not _is_jit_call(e):
                eqns.append(e)
                continue
            sub = self.inlined(e.params["ir"])
            ren: dict[Var, Atom] = {}
            ok = len(sub.invars) == len(e.inputs) and len(sub.outvars) == len(e.outvars)
            if ok:
                for iv, a in zip(sub.invars, e.inputs):
                    r = _replacement(iv, a)
                    if r is None:
                        ok = False
                        break
                    ren[iv] = r
            if ok:
                for ov, so in zip(e.outvars, sub.outvars):
                    oa, sa = ov.aval, so.aval
                    if (
                        oa.shape != sa.shape
                        or oa.dtype != sa.dtype
                        or (oa.weak_type != sa.weak_type and not (isinstance(so, Literal) and sa.weak_type))
                    ):
                        ok = False
                        break
            if not ok:
                if sub is not e.params["ir"]:
                    e = Eqn(e.prim, e.inputs, {**e.params, "ir": sub}, e.outvars)
                eqns.append(e)
                continue
            for cv, c in zip(sub.constvars, sub.consts):
                nv = outer_const.get(cv)
                if nv is None:
                    nv = outer_const[cv] = Var(cv.aval)
                    constvars.append(nv)
                    consts.append(c)
                ren[cv] = nv
            for se in sub.eqns:
                ins = [ren.get(a, a) if isinstance(a, Var) else a for a in se.inputs]
                outs = [Var(o.aval) for o in se.outvars]
                ren.update(zip(se.outvars, outs))
                eqns.append(Eqn(se.prim, ins, se.params, outs))
            for ov, so in zip(e.outvars, sub.outvars):
                r = _replacement(ov, ren.get(so, so) if isinstance(so, Var) else so)
                assert r is not None  # the types were checked above
                env[ov] = r
        return IR(constvars, consts, list(ir.invars), eqns, _subst_outs(ir.outvars, env))


# --------------------------------------------------------------------------- forward_trivial


def _full_index(idx: tuple[Any, ...], shape: tuple[int, ...]) -> bool:
    if len(idx) > len(shape):
        return False
    for i, d in zip(idx, shape):
        if type(i) is not tuple or tuple(i) != (0, d, 1):
            return False
    return True


_IDENTITY_REDUCTIONS = (lax.reduce_sum_p, lax.reduce_max_p, lax.reduce_min_p, lax.reduce_prod_p)


def _identity_input(e: Eqn) -> Atom | None:
    """The input that equation ``e`` returns unchanged, if ``e`` is an identity."""
    p = e.prim
    if p.multiple_results or len(e.inputs) != 1 or len(e.outvars) != 1:
        return None
    x = e.inputs[0]
    shape = x.aval.shape
    if p is lax.reshape_p:
        ok = tuple(e.params["new_shape"]) == shape
    elif p is lax.broadcast_to_p:
        ok = tuple(e.params["shape"]) == shape
    elif p is lax.transpose_p:
        ok = tuple(e.params["permutation"]) == tuple(range(len(shape)))
    elif p is lax.convert_element_type_p:
        ok = e.params["new_dtype"] == x.aval.dtype
    elif p is lax.stop_gradient_p:
        ok = True
    elif p in _IDENTITY_REDUCTIONS:
        ok = not e.params["axes"]
    elif p is lax.index_p:
        ok = _full_index(e.params["idx"], shape)
    else:
        ok = False
    return x if ok else None


def forward_trivial(ir: IR) -> IR:
    """Drop identity equations, substituting their input for their output.

    Identities: ``reshape`` to the input's shape, ``broadcast_to`` the input's
    shape, ``transpose`` by the identity permutation, ``convert_element_type`` to
    the input's dtype, ``stop_gradient`` (the identity at run time: apply this pass
    only to programs that will not be differentiated again), reductions over no
    axes, and ``index`` by full slices. The substitution is made only when the
    input's shape and dtype equal the output's (a reduction over no axes may
    change an integer dtype; a weakly typed literal input becomes a NumPy scalar).
    """
    env: dict[Var, Atom] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        x = _identity_input(e)
        r = None if x is None else _replacement(e.outvars[0], x)
        if r is None:
            eqns.append(e)
        else:
            env[e.outvars[0]] = r
    return IR(list(ir.constvars), list(ir.consts), list(ir.invars), eqns, _subst_outs(ir.outvars, env))


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
        return None
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
    if len(e.inputs) != 1 or not isinstance(e.inputs[0], Var):
        return None
    inner = producer.get(e.inputs[0])
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
    * ``x*0``, ``0*x``, ``0/x`` and ``dot_general`` with an all-zeros operand -> a zeros
      constant.

    "0" and "1" are literals or constants all of whose elements are 0 or 1 (constants
    of more than ``MAX_INSPECT_SIZE`` elements are not inspected). The zeros in derivative
    programs are symbolic zeros of automatic differentiation made concrete; as with
    symbolic zeros in JAX, ``x*0 -> 0`` ignores NaN and infinity in ``x`` (and ``0/x``
    ignores ``x == 0``), ``x+0 -> x`` keeps the sign of a ``-0.0`` in ``x`` and ``0-x -> neg x``
    gives ``-0.0`` for ``x = +0.0``. Rules
    with ``1`` are not applied to complex results (complex multiplication by ``1+0j`` is
    not exact for infinite operands).
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


# --------------------------------------------------------------------------- fold_constants


def fold_constants(ir: IR) -> IR:
    """Evaluate every equation whose inputs are all literals or constants.

    The result is computed now with the primitive's NumPy implementation (floating
    point warnings are silenced) and cast to the output's declared dtype with
    ``np.asarray(..., dtype=...)``. A 0-d numeric result becomes a literal holding a
    NumPy scalar (strongly typed, so its dtype is kept), anything else a new
    constant. An equation is left in place if a result would have more than
    ``MAX_FOLD_SIZE`` elements, if evaluating it raises, or if the result's shape
    differs from the declared one.
    """
    consts = _Consts(ir)
    env: dict[Var, Atom] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        folded = _fold(e, consts)
        if folded is None:
            eqns.append(e)
        else:
            env.update(folded)
    return IR(consts.vars, consts.vals, list(ir.invars), eqns, _subst_outs(ir.outvars, env))


def _fold(e: Eqn, consts: _Consts) -> dict[Var, Atom] | None:
    if e.prim.impl is None:
        return None
    vals = []
    for a in e.inputs:
        v = _const_value(a, consts.map)
        if v is _MISSING:
            return None
        vals.append(v)
    if any(o.aval.size > MAX_FOLD_SIZE or o.aval.dtype.kind not in _NUMERIC_KINDS for o in e.outvars):
        return None
    try:
        with np.errstate(all="ignore"):
            res = e.prim.impl(*vals, **e.params)
        outs = list(res) if e.prim.multiple_results else [res]
        arrs = [np.asarray(r, dtype=o.aval.dtype) for r, o in zip(outs, e.outvars)]
    except Exception:
        return None
    if len(arrs) != len(e.outvars) or any(a.shape != o.aval.shape for a, o in zip(arrs, e.outvars)):
        return None
    return {o: consts.atom(a, o.aval) for o, a in zip(e.outvars, arrs)}


# --------------------------------------------------------------------------- cse


class _Unhashable(Exception):
    pass


def _param_key(v: Any) -> Any:
    if isinstance(v, IR):
        return ("IR", id(v))
    if isinstance(v, tuple | list):
        return (type(v).__name__, tuple(_param_key(x) for x in v))
    if isinstance(v, dict):
        return ("dict", tuple(sorted((k, _param_key(x)) for k, x in v.items())))
    if isinstance(v, float | complex | np.floating | np.complexfloating):
        return (type(v), repr(v))  # repr tells -0.0 from 0.0
    if isinstance(v, np.ndarray):
        raise _Unhashable
    hash(v)  # raises TypeError for unhashable values
    return (type(v), v)


def _lit_key(a: Literal) -> tuple[Any, ...]:
    return ("lit", type(a.val), repr(a.val))


_COMMUTATIVE = frozenset({lax.add_p, lax.mul_p, lax.eq_p, lax.ne_p, lax.and_p, lax.or_p})


def _eqn_key(e: Eqn) -> Any:
    try:
        params = tuple(sorted((k, _param_key(v)) for k, v in e.params.items()))
        hash(params)
    except (_Unhashable, TypeError):
        return None
    ins: Any = tuple(a if isinstance(a, Var) else _lit_key(a) for a in e.inputs)
    if e.prim in _COMMUTATIVE and len(ins) == 2:
        ins = frozenset(ins)
    return (e.prim, params, ins)


def _const_key(c: Any) -> Any:
    if isinstance(c, np.ndarray | np.generic) and c.size <= MAX_VALUE_KEY_SIZE and c.dtype.kind in _NUMERIC_KINDS:
        return ("val", c.dtype.str, c.shape, np.ascontiguousarray(c).tobytes())
    return ("id", id(c))


def cse(ir: IR) -> IR:
    """Common-subexpression elimination.

    Two equations with the same primitive, equal parameters and the same inputs
    (variables by identity, literals by type and ``repr``, so ``-0.0`` differs from
    ``0.0``) compute the same values: the later one is dropped and its outputs
    replaced by the earlier one's. The operands of ``add``, ``mul``, ``eq``, ``ne``,
    ``and`` and ``or`` are unordered. Sub-program parameters are compared by identity;
    an equation with unhashable parameters is never merged. Constants that are the
    same object, or small arrays with the same dtype, shape and bytes, are merged too.
    """
    env: dict[Var, Atom] = {}
    constvars: list[Var] = []
    consts: list[Any] = []
    seen_consts: dict[Any, Var] = {}
    for v, c in zip(ir.constvars, ir.consts):
        k = _const_key(c)
        prev = seen_consts.get(k)
        if prev is not None and prev.aval == v.aval:
            env[v] = prev
            continue
        seen_consts.setdefault(k, v)
        constvars.append(v)
        consts.append(c)
    table: dict[Any, Eqn] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        key = _eqn_key(e)
        if key is not None:
            prev_e = table.get(key)
            if prev_e is not None and all(a.aval == b.aval for a, b in zip(e.outvars, prev_e.outvars)):
                env.update(zip(e.outvars, prev_e.outvars))
                continue
            table[key] = e
        eqns.append(e)
    return IR(constvars, consts, list(ir.invars), eqns, _subst_outs(ir.outvars, env))


# --------------------------------------------------------------------------- dce


def dce(ir: IR) -> IR:
    """Dead-code elimination: drop equations none of whose outputs is used, and
    constants that are not used. Every primitive is pure, so this is always valid.
    Inputs are kept (the program's signature does not change)."""
    live: set[Var] = {a for a in ir.outvars if isinstance(a, Var)}
    kept: list[Eqn] = []
    for e in reversed(ir.eqns):
        if any(v in live for v in e.outvars):
            kept.append(e)
            live.update(a for a in e.inputs if isinstance(a, Var))
    kept.reverse()
    pairs = [(v, c) for v, c in zip(ir.constvars, ir.consts) if v in live]
    return IR([v for v, _ in pairs], [c for _, c in pairs], list(ir.invars), kept, list(ir.outvars))


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


# --------------------------------------------------------------------------- the pipeline

PASSES: tuple[Callable[[IR], IR], ...] = (forward_trivial, simplify, fold_constants, cse, dce)


def _fixed_point(ir: IR, passes: Sequence[Callable[[IR], IR]], max_iterations: int) -> IR:
    for _ in range(max_iterations):
        n = len(ir.eqns)
        for p in passes:
            ir = p(ir)
        if len(ir.eqns) >= n:
            break
    return ir


def optimize(ir: IR, max_iterations: int = 10, reassociate_sums: bool = True, polynomial_form: bool = True) -> IR:
    """Inline calls, then run :data:`PASSES` (forward_trivial, simplify, fold_constants,
    cse, dce) until the number of equations stops shrinking (at most ``max_iterations``
    rounds). The result is typechecked.

    With ``reassociate_sums`` (the default), :func:`reassociate` is then added to the
    rounds, and its result is kept if it has fewer equations. That changes rounding
    (results agree to rounding error, not bitwise) and keeps nested derivatives smaller.

    With ``polynomial_form`` (the default), :func:`polynomial` is then added to the
    rounds, and its result is kept if it has fewer equations. It rewrites polynomials
    in a few variables (``d^k tanh(x)`` is one in ``tanh x``) in expanded Horner form,
    which makes nested derivatives of such functions linear in the order instead of
    geometric, at a cost in precision: the expanded form rounds relative to the size of
    the polynomial's terms rather than of its value, so where the program computed a
    small value as a product of small factors (``1 - tanh(x)**2`` for large ``|x|``), the
    result can be much less accurate relative to that value (see :func:`polynomial`).
    It only rewrites where that makes the program shorter; the gradients of networks in
    the tests, for instance, are left as they are.

    Pass ``reassociate_sums=False, polynomial_form=False`` for rewrites that are exact up
    to the documented zero rules of :func:`simplify`.

    Only for programs that will not be differentiated again (``stop_gradient`` is
    dropped).
    """
    ir = _fixed_point(inline_calls(ir), PASSES, max_iterations)
    if reassociate_sums:
        alt = _fixed_point(ir, (reassociate, *PASSES), max_iterations)
        if len(alt.eqns) < len(ir.eqns):
            ir = alt
    if polynomial_form:
        alt = _fixed_point(ir, (polynomial, *PASSES), max_iterations)
        if len(alt.eqns) < len(ir.eqns):
            ir = alt
    typecheck_ir(ir)
    return ir


# --------------------------------------------------------------------------- measuring derivative programs


def derivative_eqn_counts(fun: Callable[[Any], Any], x: Any, max_order: int = 8) -> list[tuple[int, int, int]]:
    """``[(k, raw, optimized)]`` for ``k = 1..max_order``: the number of equations in the
    program of the ``k``-th derivative ``grad(grad(...fun))`` at ``x``, as traced by
    ``make_ir`` and after :func:`optimize`."""
    from functrans._src.api import grad, make_ir

    out = []
    d = fun
    for k in range(1, max_order + 1):
        d = grad(d)
        ir = make_ir(d)(x)
        out.append((k, len(ir.eqns), len(optimize(ir).eqns)))
    return out


def equation_counts(max_order: int = 8) -> list[tuple[int, int, int]]:
    """:func:`derivative_eqn_counts` for ``tanh`` at the scalar ``0.5``."""
    return derivative_eqn_counts(lax.tanh, np.float64(0.5), max_order)
