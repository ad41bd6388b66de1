"""Transposition of linear programs: the backward half of reverse mode.

Given a linear :class:`IR` (recorded by linearize) and cotangents for its
outputs, :func:`backward_pass` walks the equations in reverse and applies each
primitive's ``transpose`` rule. Only linear primitives have such rules.
Cotangents of ``None`` are symbolic zeros: equations whose outputs have none are
skipped entirely.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import _TRACER_TYPES, IR, Literal, UndefinedPrimal, Var, bind, get_aval, is_undefined
from functrans._src.lax.comparisons import convert_element_type
from functrans._src.lax.elementwise import add_p

__all__ = ["UndefinedPrimal", "backward_pass", "is_undefined"]


_MISSING = object()
_F64 = np.dtype(np.float64)
# constants at least this large are dropped as soon as the backward pass is done with them
_RELEASE_BYTES = 1 << 14


def backward_pass(ir: IR, consts: Sequence[Any], cts_out: Sequence[Any], release: bool = False) -> list[Any]:
    """Cotangents of ``ir``'s inputs given cotangents of its outputs (``None`` = zero).

    With ``release`` (for a linear map used once: grad), the pass takes the list ``consts``
    over (it is emptied) and drops each constant once no equation left to transpose reads it,
    so that the forward pass's residuals are freed during the backward pass, not after it:
    a lower peak of live memory, which the allocator no longer returns to the system and
    page-faults back in on every call.
    """
    const_env: dict[Var, Any] = dict(zip(ir.constvars, consts))
    consts_in = const_env.values()
    ct_env: dict[Var, Any] = {}
    pop = ct_env.pop
    get = ct_env.get
    cget = const_env.get
    # the UndefinedPrimal markers handed to transpose rules, one per abstract value (rules read only
    # its aval; it keeps the aval alive, so the id key stays unique during the pass)
    undef: dict[int, UndefinedPrimal] = {}
    frees: dict[int, list[Var]] = {}
    if release:
        consts.clear()  # type: ignore[attr-defined]
    # only large arrays are dropped early (and the cotangents scanned for views of them): small
    # ones stay to the end, where the results alone are checked (see _unaliased). Without any,
    # the equations are not scanned for last readers (nested scalar derivatives).
    big = False
    if release:
        for c in consts_in:
            if type(c) is np.ndarray and c.nbytes >= _RELEASE_BYTES:
                big = True
                break
    if big:
        first: dict[Var, int] = {}  # walking backward, a constant's last reader is its first
        for i, e in enumerate(ir.eqns):
            for a in e.inputs:
                if type(a) is Var and a in const_env and a not in first:
                    first[a] = i
        for v, i in first.items():
            c = const_env[v]
            if type(c) is np.ndarray and c.nbytes >= _RELEASE_BYTES:
                frees.setdefault(i, []).append(v)

    for v, ct in zip(ir.outvars, cts_out):
        if ct is not None and type(v) is Var and v not in const_env:
            prev = get(v)
            ct_env[v] = ct if prev is None else bind(add_p, (prev, ct), {})
    eqns = ir.eqns
    for i in range(len(eqns) - 1, -1, -1):
        e = eqns[i]
        if frees and i + 1 in frees:
            _release(frees.pop(i + 1), const_env, ct_env)
        prim = e.prim
        if prim.multiple_results:
            cts: Any = [pop(v, None) for v in e.outvars]
            if all(c is None for c in cts):
                continue
        else:
            cts = pop(e.outvars[0], None)
            if cts is None:
                continue
        rule = prim.transpose
        if rule is None:
            raise NotImplementedError(
                f"Transpose rule (for reverse-mode differentiation) for '{prim.name}' not "
                "implemented: it was applied to a tangent, so it must be linear in it."
            )
        params = e.params
        inputs = e.inputs
        n = len(inputs)
        if n <= 2:  # the common binary and unary cases, unrolled
            a0 = inputs[0]
            x0 = a0.val if type(a0) is Literal else _known_or_linear(a0, cget, undef)
            if n == 2:
                a1 = inputs[1]
                x1 = a1.val if type(a1) is Literal else _known_or_linear(a1, cget, undef)
                cts_in = rule(cts, x0, x1, **params) if params else rule(cts, x0, x1)
            else:
                cts_in = rule(cts, x0, **params) if params else rule(cts, x0)
            if type(x0) is UndefinedPrimal:
                _accumulate(ct_env, a0, x0, cts_in[0])
            if n == 2 and type(x1) is UndefinedPrimal:
                _accumulate(ct_env, a1, x1, cts_in[1])
        else:
            args = []
            for a in inputs:
                if type(a) is Literal:
                    args.append(a.val)
                else:
                    c = cget(a, _MISSING)
                    args.append(UndefinedPrimal(a.aval) if c is _MISSING else c)
            cts_in = rule(cts, *args, **params) if params else rule(cts, *args)
            for a, arg, ct in zip(inputs, args, cts_in):
                if type(arg) is UndefinedPrimal:
                    _accumulate(ct_env, a, arg, ct)
        # drop this step's references (summands, cotangents) so that dead arrays are freed
        # before the next rule runs
        cts = cts_in = args = x0 = x1 = c = ct = prev = None
    for vs in frees.values():
        _release(vs, const_env, ct_env)
    res = [_as_dtype(pop(v, None), v.aval.dtype) for v in ir.invars]
    if release and const_env:
        res = _unaliased(res, const_env.values())
    return res


def _known_or_linear(a: Var, cget: Any, undef: dict[int, UndefinedPrimal]) -> Any:
    """The operand ``a`` of an equation being transposed: its known value, or the marker of a
    linear input (one per abstract value serves: unary and binary rules read only its aval)."""
    x = cget(a, _MISSING)
    if x is _MISSING:
        x = undef.get(id(a.aval))
        if x is None:
            x = undef[id(a.aval)] = UndefinedPrimal(a.aval)
    return x


def _accumulate(ct_env: dict[Var, Any], a: Var, arg: UndefinedPrimal, ct: Any) -> None:
    """Add the cotangent ``ct`` (None: zero) of the linear input ``a`` to those it already has."""
    if ct is None:
        return
    if type(ct) is not float and (type(ct) not in _TRACER_TYPES or ct.aval.dtype.kind == "c"):
        ct = _real_if_real(ct, arg)
    prev = ct_env.get(a)
    if prev is None:
        ct_env[a] = ct
    elif type(prev) is float and type(ct) is float:  # Python's sum: bit for bit add's float_impl
        ct_env[a] = prev + ct
    else:
        ct_env[a] = bind(add_p, (prev, ct), {})


def _real_if_real(ct: Any, arg: UndefinedPrimal) -> Any:
    """A cotangent for the real input ``arg`` of a complex operation: its real part (the value
    was promoted into the complex operation); any other cotangent as it is."""
    tc = type(ct)
    if tc is np.ndarray:
        if ct.dtype is not _F64 and ct.dtype.kind == "c" and arg.aval.dtype.kind == "f":
            return _real_part(ct)
    elif arg.aval.dtype.kind == "f":
        if (ct.aval.dtype.kind if tc in _TRACER_TYPES else _kind(ct)) == "c":
            return _real_part(ct)
    return ct


def _unaliased(res: list[Any], consts: Any) -> list[Any]:
    """The results with any that is one of the constants still held (or a view of one) copied:
    the results of a released pass never alias a residual."""
    arrays = [c for c in consts if type(c) is np.ndarray]
    if not arrays:
        return res
    ids = {id(c) for c in arrays}
    out = []
    for r in res:
        if type(r) is np.ndarray and (
            id(r) in ids or (r.base is not None and any(np.may_share_memory(r, c) for c in arrays))
        ):
            r = r.copy()
        out.append(r)
    return out


def _release(vs: list[Var], const_env: dict[Var, Any], ct_env: dict[Var, Any]) -> None:
    """Drop the constants ``vs`` (no equation left to transpose reads them). A cotangent that
    is one of them, or a view of one, is copied first: results never alias a residual."""
    for v in vs:
        c = const_env.pop(v)
        if type(c) is np.ndarray:
            for k, ct in ct_env.items():
                if ct is c or (type(ct) is np.ndarray and ct.base is not None and np.may_share_memory(ct, c)):
                    ct_env[k] = ct.copy()


def _kind(x: Any) -> str:
    """The dtype kind of a value (``"f"``, ``"c"``, ...)."""
    t = type(x)
    if t in _TRACER_TYPES:
        return x.aval.dtype.kind
    return (x.dtype if t is np.ndarray else get_aval(x).dtype).kind


def _real_part(ct: Any) -> Any:
    """The cotangent of a real value that met complex ones (promoted into a complex operation):
    under the pairing Re(a * b) the transpose of the embedding R -> C is the real part."""
    if isinstance(ct, np.ndarray | np.generic):
        return ct.real if ct.dtype.kind == "c" else ct
    dt = get_aval(ct).dtype
    if dt.kind != "c":
        return ct
    with warnings.catch_warnings():  # the cast keeps the real part, which is what is meant here
        warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
        return convert_element_type(ct, np.dtype(np.float32 if dt == np.complex64 else np.float64))


def _as_dtype(ct: Any, dtype: Any) -> Any:
    """A cotangent with the dtype of its primal, as in JAX: a float32 input gets a float32
    cotangent even when the program promoted it to float64 on the way."""
    if ct is None:
        return ct
    t = type(ct)
    if (t is np.ndarray and ct.dtype is dtype) or (t is float and dtype is _F64) or dtype.kind not in "fc":
        return ct
    if t in _TRACER_TYPES and ct.aval.dtype is dtype:  # a traced cotangent of the right dtype
        return ct
    if dtype.kind == "f":
        ct = _real_part(ct)
    if isinstance(ct, np.ndarray | np.generic):
        return ct if ct.dtype == dtype else np.asarray(ct, dtype)
    if get_aval(ct).dtype == dtype:
        return ct
    return convert_element_type(ct, dtype)
