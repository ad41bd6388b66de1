"""The ``scan`` primitive and its rules.

``scan_p`` is a higher-order primitive, like ``jit_p``: its parameter ``body`` is the
program of one step, taking ``(consts, carry, x)`` and returning ``(carry, y)``, traced
once (so a jitted scan has the same number of equations whatever its length). Its inputs
are ``consts + init + xs`` (``xs`` stacked along a leading axis of size ``length``); its
results ``final carry + ys`` (stacked likewise). The rules transform ``body`` with cached
program constructions:

* JVP, forward mode: one scan of the JVP body, primal and tangent carries together.
  Which tangent carries are nonzero is a fixed point (a zero initial tangent can become
  nonzero through the body).
* JVP under reverse mode (tangents being recorded): partial evaluation of the JVP body
  into a *known* body (the primal step, also returning the residuals the tangents need)
  and a *linear* body (residuals and tangents to tangents). The known scan runs now and
  stacks the residuals (memory O(length x residuals)); residuals that are loop-invariant
  (consts, or computed from consts only) are passed once, not stacked, and residuals that
  are slices of ``xs`` are read from ``xs``. The linear scan is recorded.
* transpose (of a linear scan): a scan in the opposite direction of the transposed linear
  body, the cotangent carry flowing backwards, cotangents of linear consts accumulated in
  the carry, cotangents of linear ``xs`` stacked as its ``ys``. Time O(length), nothing is
  recomputed and nothing is unrolled.
* batching: the body is vmapped once; a carry is batched if its initial value, an ``xs``
  or a const makes it batched (a fixed point).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.batching import vmap_flat
from functrans._src.core import (
    IR,
    Literal,
    Primitive,
    ShapedArray,
    Var,
    bind,
    eval_ir,
    is_float_dtype,
    tangent_aval,
    zeros_for,
)
from functrans._src.jit import _cached, executable, jit_p
from functrans._src.jvp import jvp_flat
from functrans._src.staging import StagingTracer, trace_to_ir
from functrans._src.transpose import backward_pass, is_undefined

scan_p = Primitive("scan", multiple_results=True)
scan_p.complex_ok = True  # its body's primitives check complex operands themselves


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if hasattr(x, "shape") else ()


def _scan_impl(
    *args: Any,
    body: IR,
    num_consts: int,
    num_carry: int,
    length: int,
    reverse: bool,
    unroll: int,
    linear: tuple[bool, ...],
) -> list[Any]:
    comp = executable(body)
    f = getattr(comp, "fn", comp)
    consts = list(args[:num_consts])
    carry = list(args[num_consts : num_consts + num_carry])
    xs = args[num_consts + num_carry :]
    y_avals = [a.aval for a in body.outvars[num_carry:]]
    ys = [np.empty((length,) + a.shape, a.dtype) for a in y_avals]
    nc = num_carry
    steps = range(length - 1, -1, -1) if reverse else range(length)
    if not xs and not ys:
        for _ in steps:
            carry = f(*consts, *carry)
    else:
        for i in steps:
            out = f(*consts, *carry, *[x[i] for x in xs])
            carry = out[:nc]
            for buf, y in zip(ys, out[nc:]):
                buf[i] = y
    carry_avals = [a.aval for a in body.outvars[:nc]]
    return [np.asarray(c, a.dtype) for c, a in zip(carry, carry_avals)] + ys


def _scan_abstract_eval(
    *avals: ShapedArray,
    body: IR,
    num_consts: int,
    num_carry: int,
    length: int,
    reverse: bool,
    unroll: int,
    linear: tuple[bool, ...],
) -> list[ShapedArray]:
    if len(avals) != len(body.invars):
        raise TypeError(f"scan: the body takes {len(body.invars)} inputs, got {len(avals)}")
    n0 = num_consts + num_carry
    for i, (a, v) in enumerate(zip(avals, body.invars)):
        shape = a.shape if i < n0 else a.shape[1:]
        if shape != v.aval.shape or a.dtype != v.aval.dtype or (i >= n0 and a.shape[:1] != (length,)):
            raise TypeError(f"scan: input {i} has type {a.str_short()}, which does not fit the body")
    outs = [ShapedArray(a.aval.shape, a.aval.dtype) for a in body.outvars]
    return outs[:num_carry] + [ShapedArray((length,) + a.shape, a.dtype) for a in outs[num_carry:]]


def _params(body: IR, nc: int, ncar: int, length: int, reverse: bool, unroll: int, linear: Any = None) -> dict:
    if linear is None:
        linear = (False,) * len(body.invars)
    return {
        "body": body,
        "num_consts": nc,
        "num_carry": ncar,
        "length": length,
        "reverse": reverse,
        "unroll": unroll,
        "linear": tuple(linear),
    }


# --------------------------------------------------------------------------- JVP


def _jvp_body(body: IR, nc: int, ncar: int, nz: tuple[bool, ...]) -> tuple[IR, tuple[bool, ...], tuple[bool, ...]]:
    """The JVP of the step, with inputs ordered for a scan:
    ``(consts, nonzero const tangents, carry, nonzero carry tangents, xs, nonzero x tangents)``
    and outputs ``(carry, carry tangents, ys, nonzero y tangents)``. The carry tangents
    returned are exactly the nonzero input ones (zeros where the step gives none).

    Returns the program, the carry tangents the step produces (before instantiation, for
    the fixed point) and which y tangents are nonzero."""
    n = len(body.invars)
    groups = [range(0, nc), range(nc, nc + ncar), range(nc + ncar, n)]
    in_avals: list[ShapedArray] = []
    for g in groups:
        in_avals += [body.invars[i].aval for i in g]
        in_avals += [tangent_aval(body.invars[i].aval) for i in g if nz[i]]
    carry_made: list[bool] = []
    y_nz: list[bool] = []

    def step(*args: Any) -> list[Any]:
        it = iter(args)
        primals: list[Any] = [None] * n
        tangents: list[Any] = [None] * n
        for g in groups:
            for i in g:
                primals[i] = next(it)
            for i in g:
                if nz[i]:
                    tangents[i] = next(it)
        pouts, touts = jvp_flat(lambda *xs: eval_ir(body, body.consts, xs), primals, tangents)
        touts = [t if is_float_dtype(o.aval.dtype) else None for t, o in zip(touts, body.outvars)]
        carry_made.extend(t is not None for t in touts[:ncar])
        y_nz.extend(t is not None for t in touts[ncar:])
        tc = [
            (zeros_for(tangent_aval(o.aval)) if t is None else t)
            for t, o, keep in zip(touts[:ncar], body.outvars[:ncar], nz[nc : nc + ncar])
            if keep
        ]
        return list(pouts[:ncar]) + tc + list(pouts[ncar:]) + [t for t in touts[ncar:] if t is not None]

    prog, _ = trace_to_ir(step, in_avals)
    return prog, tuple(carry_made), tuple(y_nz)


def _carry_fixed_point(body: IR, nc: int, ncar: int, nz: tuple[bool, ...]) -> tuple[tuple[bool, ...], Any]:
    """The nonzero pattern (consts, carry, xs) with the carry part closed under the step, and
    the JVP body for it."""
    floats = [is_float_dtype(v.aval.dtype) for v in body.invars]
    nz = tuple(a and f for a, f in zip(nz, floats))
    while True:
        res = _cached(body, ("scan_jvp", nz), lambda nz=nz: _jvp_body(body, nc, ncar, nz))
        made = res[1]
        carry = tuple(a or (b and floats[nc + j]) for j, (a, b) in enumerate(zip(nz[nc : nc + ncar], made)))
        if carry == nz[nc : nc + ncar]:
            return nz, res
        nz = nz[:nc] + carry + nz[nc + ncar :]


class _Split:
    """Partial evaluation of the JVP body into a known and a linear body (see the module doc)."""

    def __init__(self, body: IR, nc: int, ncar: int, nz: tuple[bool, ...], joint: IR, y_nz: tuple[bool, ...]):
        n = len(body.invars)
        nx = n - nc - ncar
        ny = len(body.outvars) - ncar
        nzc, nzcar, nzx = nz[:nc], nz[nc : nc + ncar], nz[nc + ncar :]
        # the joint program's inputs: consts, tconsts, carry, tcarry, xs, txs
        it = iter(joint.invars)
        p_c = [next(it) for _ in range(nc)]
        t_c = [next(it) for _ in range(sum(nzc))]
        p_car = [next(it) for _ in range(ncar)]
        t_car = [next(it) for _ in range(sum(nzcar))]
        p_x = [next(it) for _ in range(nx)]
        t_x = [next(it) for _ in range(sum(nzx))]
        outs = list(joint.outvars)
        o_car, o_tcar = outs[:ncar], outs[ncar : ncar + sum(nzcar)]
        o_y, o_ty = outs[ncar + sum(nzcar) : ncar + sum(nzcar) + ny], outs[ncar + sum(nzcar) + ny :]

        unknown: set[Var] = set(t_c) | set(t_car) | set(t_x)
        invariant: set[Var] = set(p_c) | set(joint.constvars)
        known_eqns, lin_eqns, inv_eqns = [], [], []
        for e in joint.eqns:
            if any(type(a) is Var and a in unknown for a in e.inputs):
                lin_eqns.append(e)
                unknown.update(e.outvars)
            else:
                known_eqns.append(e)
                if all(type(a) is Literal or a in invariant for a in e.inputs):
                    inv_eqns.append(e)
                    invariant.update(e.outvars)
        constvars = set(joint.constvars)
        residuals: list[Var] = []
        seen: set[Var] = set()
        for a in [a for e in lin_eqns for a in e.inputs] + o_tcar + o_ty:
            if type(a) is Var and a not in unknown and a not in constvars and a not in seen:
                seen.add(a)
                residuals.append(a)
        pc_set, px_set = set(p_c), set(p_x)
        self.res_const_direct = [p_c.index(r) for r in residuals if r in pc_set]
        hoisted = [r for r in residuals if r in invariant and r not in pc_set]
        self.res_x_direct = [p_x.index(r) for r in residuals if r in px_set]
        stacked = [r for r in residuals if r not in invariant and r not in px_set]
        self.n_hoisted = len(hoisted)
        self.n_stacked = len(stacked)
        cv, cs = list(joint.constvars), list(joint.consts)
        # loop-invariant residuals: computed once from the consts
        self.invariant = IR(cv, cs, p_c, inv_eqns, list(hoisted)) if hoisted else None
        self.known = IR(cv, cs, p_c + p_car + p_x, known_eqns, o_car + o_y + stacked)
        res_c_vars = [p_c[i] for i in self.res_const_direct] + hoisted
        res_x_vars = [p_x[i] for i in self.res_x_direct] + stacked
        lin_in = res_c_vars + t_c + t_car + res_x_vars + t_x
        # the same variable may be both a direct const residual and an input: rename duplicates
        self.linear = _dedup_invars(IR(cv, cs, lin_in, lin_eqns, o_tcar + o_ty))
        self.lin_nc = len(res_c_vars) + len(t_c)
        self.lin_ncar = len(t_car)
        self.lin_linear = (
            (False,) * len(res_c_vars) + (True,) * len(t_c) + (True,) * len(t_car)
            + (False,) * len(res_x_vars) + (True,) * len(t_x)
        )  # fmt: skip
        self.ny = ny
        self.y_nz = y_nz


def _dedup_invars(ir: IR) -> IR:
    seen: set[Var] = set()
    invars = []
    for v in ir.invars:
        if v in seen:
            v = Var(v.aval)  # unused duplicate
        seen.add(v)
        invars.append(v)
    return IR(ir.constvars, ir.consts, invars, ir.eqns, ir.outvars)


def _recording(tangents: Sequence[Any]) -> bool:
    """True if some tangent is being recorded into a program (reverse mode, jit's JVP split,
    make_ir): then the primal and tangent work must be separate scans."""
    return any(isinstance(t, StagingTracer) for t in tangents)


def _zeros_like_aval(aval: ShapedArray) -> np.ndarray:
    return zeros_for(tangent_aval(aval))


def _scan_jvp(
    primals: Sequence[Any],
    tangents: Sequence[Any],
    body: IR,
    num_consts: int,
    num_carry: int,
    length: int,
    reverse: bool,
    unroll: int,
    linear: tuple[bool, ...],
) -> tuple[Any, Any]:
    nc, ncar = num_consts, num_carry
    ny = len(body.outvars) - ncar
    nz0 = tuple(t is not None for t in tangents)
    nz, (joint, _, y_nz) = _carry_fixed_point(body, nc, ncar, nz0)
    if not any(nz):
        return bind(scan_p, primals, _params(body, nc, ncar, length, reverse, unroll, linear)), [None] * (ncar + ny)
    # nonzero tangents, zeros for a carry whose tangent only becomes nonzero inside the loop
    tans = {
        i: _zeros_like_aval(body.invars[i].aval) if tangents[i] is None else tangents[i]
        for i in range(len(primals))
        if nz[i]
    }
    tc = [t for i, t in tans.items() if i < nc]
    tcar = [t for i, t in tans.items() if nc <= i < nc + ncar]
    tx = [t for i, t in tans.items() if i >= nc + ncar]
    pc, pcar, px = list(primals[:nc]), list(primals[nc : nc + ncar]), list(primals[nc + ncar :])
    n_tcar = len(tcar)
    carry_nz = nz[nc : nc + ncar]

    def carry_tangents(vals: Sequence[Any]) -> list[Any]:
        it = iter(vals)
        return [next(it) if k else None for k in carry_nz]

    def y_tangents(vals: Sequence[Any]) -> list[Any]:
        it = iter(vals)
        return [next(it) if k else None for k in y_nz]

    if not _recording(tangents):
        ins = pc + tc + pcar + tcar + px + tx
        outs = bind(scan_p, ins, _params(joint, nc + len(tc), ncar + n_tcar, length, reverse, unroll))
        p_out = outs[:ncar] + outs[ncar + n_tcar : ncar + n_tcar + ny]
        t_out = carry_tangents(outs[ncar : ncar + n_tcar]) + y_tangents(outs[ncar + n_tcar + ny :])
        return p_out, t_out

    sp: _Split = _cached(joint, ("scan_split", nc, ncar, nz), lambda: _Split(body, nc, ncar, nz, joint, y_nz))
    kouts = bind(scan_p, pc + pcar + px, _params(sp.known, nc, ncar, length, reverse, unroll))
    p_out = kouts[: ncar + ny]
    stacked = kouts[ncar + ny :]
    hoisted = bind(jit_p, pc, {"ir": sp.invariant, "name": "scan_invariants"}) if sp.invariant is not None else []
    lin_ins = (
        [pc[i] for i in sp.res_const_direct] + list(hoisted) + tc + tcar
        + [px[i] for i in sp.res_x_direct] + list(stacked) + tx
    )  # fmt: skip
    louts = bind(scan_p, lin_ins, _params(sp.linear, sp.lin_nc, sp.lin_ncar, length, reverse, unroll, sp.lin_linear))
    return p_out, carry_tangents(louts[:n_tcar]) + y_tangents(louts[n_tcar:])


# --------------------------------------------------------------------------- transpose


def _transpose_body(body: IR, nc: int, ncar: int, linear: tuple[bool, ...], ct_y_nz: tuple[bool, ...]) -> IR:
    """One step of the transposed scan: inputs ``(residual consts, accumulated cotangents of the
    linear consts, carry cotangents, residual xs, nonzero y cotangents)``, outputs ``(updated
    accumulators, carry cotangents of the step's input, cotangents of the linear xs)``."""
    n = len(body.invars)
    res_c = [i for i in range(nc) if not linear[i]]
    lin_c = [i for i in range(nc) if linear[i]]
    car = list(range(nc, nc + ncar))
    res_x = [i for i in range(nc + ncar, n) if not linear[i]]
    lin_x = [i for i in range(nc + ncar, n) if linear[i]]
    iv = body.invars
    y_avals = [tangent_aval(o.aval) for o, k in zip(body.outvars[ncar:], ct_y_nz) if k]
    in_avals = (
        [iv[i].aval for i in res_c] + [tangent_aval(iv[i].aval) for i in lin_c]
        + [tangent_aval(iv[i].aval) for i in car] + [iv[i].aval for i in res_x] + y_avals
    )  # fmt: skip

    def step(*args: Any) -> list[Any]:
        from functrans._src.lax import add

        it = iter(args)
        env: dict[Var, Any] = dict(zip(body.constvars, body.consts))
        for i in res_c:
            env[iv[i]] = next(it)
        acc = [next(it) for _ in lin_c]
        ct_carry = [next(it) for _ in car]
        for i in res_x:
            env[iv[i]] = next(it)
        ct_y = [next(it) if k else None for k in ct_y_nz]
        lin_eqns = []
        for e in body.eqns:  # what depends only on residuals runs forward
            if all(type(a) is Literal or a in env for a in e.inputs):
                out = bind(e.prim, [a.val if type(a) is Literal else env[a] for a in e.inputs], e.params)
                env.update(zip(e.outvars, out if e.prim.multiple_results else [out]))
            else:
                lin_eqns.append(e)
        lin_in = [iv[i] for i in lin_c + car + lin_x]
        lin = IR(list(env), list(env.values()), lin_in, lin_eqns, body.outvars)
        cts = backward_pass(lin, lin.consts, ct_carry + ct_y)
        k1, k2 = len(lin_c), len(lin_c) + ncar
        new_acc = [a if c is None else add(a, c) for a, c in zip(acc, cts[:k1])]
        ct_in = [_zeros_like_aval(v.aval) if c is None else c for c, v in zip(cts[k1:k2], lin_in[k1:k2])]
        ct_x = [_zeros_like_aval(v.aval) if c is None else c for c, v in zip(cts[k2:], lin_in[k2:])]
        return new_acc + ct_in + ct_x

    prog, _ = trace_to_ir(step, in_avals)
    return prog


def _scan_transpose(
    cts: Sequence[Any],
    *args: Any,
    body: IR,
    num_consts: int,
    num_carry: int,
    length: int,
    reverse: bool,
    unroll: int,
    linear: tuple[bool, ...],
) -> list[Any]:
    nc, ncar = num_consts, num_carry
    n = len(args)
    # transposed with respect to: the undefined inputs, the tangent inputs of a scan made by the
    # JVP rule (``linear``), and every carry (a loop-carried dependence must be linear)
    linear = tuple(bool(lin) or is_undefined(a) or nc <= i < nc + ncar for i, (lin, a) in enumerate(zip(linear, args)))
    ct_carry, ct_ys = list(cts[:ncar]), list(cts[ncar:])
    if all(c is None for c in cts):
        return [None] * n
    ct_y_nz = tuple(c is not None for c in ct_ys)
    prog = _cached(body, ("scan_transpose", nc, ncar, linear, ct_y_nz),
                   lambda: _transpose_body(body, nc, ncar, linear, ct_y_nz))  # fmt: skip
    res_c = [args[i] for i in range(nc) if not linear[i]]
    lin_c = [i for i in range(nc) if linear[i]]
    acc0 = [_zeros_like_aval(body.invars[i].aval) for i in lin_c]
    ct_carry = [_zeros_like_aval(body.invars[nc + j].aval) if c is None else c for j, c in enumerate(ct_carry)]
    res_x = [args[i] for i in range(nc + ncar, n) if not linear[i]]
    lin_x = [i for i in range(nc + ncar, n) if linear[i]]
    ins = res_c + acc0 + ct_carry + res_x + [c for c in ct_ys if c is not None]
    outs = bind(scan_p, ins, _params(prog, len(res_c), len(lin_c) + ncar, length, not reverse, unroll))
    out: list[Any] = [None] * n
    for k, i in enumerate(lin_c):
        out[i] = outs[k] if is_undefined(args[i]) else None
    for j in range(ncar):
        out[nc + j] = outs[len(lin_c) + j] if is_undefined(args[nc + j]) else None
    for k, i in enumerate(lin_x):
        out[i] = outs[len(lin_c) + ncar + k] if is_undefined(args[i]) else None
    return out


# --------------------------------------------------------------------------- batching


def _batch_body(
    body: IR, nc: int, ncar: int, batched: tuple[bool, ...], size: int
) -> tuple[IR, tuple[bool, ...], tuple[bool, ...]]:
    """The step vmapped over axis 0 of the batched inputs; batched carries come out batched
    along axis 0 (broadcast if the step does not batch them), ys along axis 0 if batched.
    Returns the program, which carries the step batches, and which ys are batched."""
    from functrans._src.lax import broadcast_to, moveaxis

    in_avals = [ShapedArray(((size,) if b else ()) + v.aval.shape, v.aval.dtype) for v, b in zip(body.invars, batched)]
    made: list[bool] = []
    y_b: list[bool] = []

    def step(*args: Any) -> list[Any]:
        dims = [0 if b else None for b in batched]
        outs, odims = vmap_flat(lambda *xs: eval_ir(body, body.consts, xs), args, dims, size)
        res = []
        for j, (o, d) in enumerate(zip(outs, odims)):
            if j < ncar:
                made.append(d is not None)
                if batched[nc + j]:
                    o = broadcast_to(o, (size,) + _shape(o)) if d is None else moveaxis(o, d, 0)
            else:
                y_b.append(d is not None)
                if d is not None:
                    o = moveaxis(o, d, 0)
            res.append(o)
        return res

    prog, _ = trace_to_ir(step, in_avals)
    return prog, tuple(made), tuple(y_b)


def _scan_batch(
    vals: Sequence[Any],
    dims: Sequence[int | None],
    body: IR,
    num_consts: int,
    num_carry: int,
    length: int,
    reverse: bool,
    unroll: int,
    linear: tuple[bool, ...],
) -> tuple[Any, Any]:
    from functrans._src.lax import broadcast_to, moveaxis

    nc, ncar = num_consts, num_carry
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    batched = tuple(d is not None for d in dims)
    while True:
        prog, made, y_b = _cached(body, ("scan_vmap", batched, size),
                                  lambda b=batched: _batch_body(body, nc, ncar, b, size))  # fmt: skip
        carry_b = tuple(a or m for a, m in zip(batched[nc : nc + ncar], made))
        if carry_b == batched[nc : nc + ncar]:
            break
        batched = batched[:nc] + carry_b + batched[nc + ncar :]
    ins = []
    for i, (v, d) in enumerate(zip(vals, dims)):
        if i < nc:
            ins.append(v if d is None else moveaxis(v, d, 0))
        elif i < nc + ncar:
            if d is not None:
                ins.append(moveaxis(v, d, 0))
            elif batched[i]:
                ins.append(broadcast_to(v, (size,) + _shape(v)))
            else:
                ins.append(v)
        else:
            ins.append(v if d is None else moveaxis(v, d, 1))
    outs = bind(scan_p, ins, _params(prog, nc, ncar, length, reverse, unroll, linear))
    out_dims = [0 if b else None for b in carry_b] + [1 if b else None for b in y_b]
    return outs, out_dims


# --------------------------------------------------------------------------- dead code


def _needed_inputs(body: IR, out_mask: tuple[bool, ...]) -> list[bool]:
    live = {a for a, k in zip(body.outvars, out_mask) if k and type(a) is Var}
    for e in reversed(body.eqns):
        if any(v in live for v in e.outvars) or getattr(e.prim, "effectful", False):  # debug.print
            live.update(a for a in e.inputs if type(a) is Var)
    return [v in live for v in body.invars]


def _prune(body: IR, keep_in: tuple[bool, ...], out_mask: tuple[bool, ...]) -> IR:
    outvars = [a for a, k in zip(body.outvars, out_mask) if k]
    live = {a for a in outvars if type(a) is Var}
    eqns = []
    for e in reversed(body.eqns):
        if any(v in live for v in e.outvars) or getattr(e.prim, "effectful", False):  # debug.print
            eqns.append(e)
            live.update(a for a in e.inputs if type(a) is Var)
    eqns.reverse()
    invars = [v for v, k in zip(body.invars, keep_in) if k]
    return IR(body.constvars, body.consts, invars, eqns, outvars)


def _scan_dce(e: Any, used: Sequence[bool]) -> Any:
    """``e`` without the results in ``used`` marked False (used by ``optimize.dce``): unused ys
    are dropped from the body, and so are carries nothing used depends on, and the inputs the
    rest does not read. None if nothing can be dropped."""
    from functrans._src.core import Eqn

    p = e.params
    body, nc, ncar = p["body"], p["num_consts"], p["num_carry"]
    used_car, used_y = list(used[:ncar]), tuple(used[ncar:])
    while True:
        needed = _needed_inputs(body, tuple(used_car) + used_y)
        new = [u or needed[nc + j] for j, u in enumerate(used_car)]
        if new == used_car:
            break
        used_car = new
    out_mask = tuple(used_car) + used_y
    keep_in = tuple(needed[:nc] + used_car + needed[nc + ncar :])
    if all(keep_in) and all(out_mask):
        return None
    new_body = _cached(body, ("dce", keep_in, out_mask), lambda: _prune(body, keep_in, out_mask))
    linear = tuple(lin for lin, k in zip(p["linear"], keep_in) if k)
    params = _params(new_body, sum(keep_in[:nc]), sum(used_car), p["length"], p["reverse"], p["unroll"], linear)
    ins = [a for a, k in zip(e.inputs, keep_in) if k]
    return Eqn(scan_p, ins, params, [v for v, k in zip(e.outvars, out_mask) if k])


scan_p.impl = _scan_impl
scan_p.abstract_eval = _scan_abstract_eval
scan_p.jvp = _scan_jvp
scan_p.transpose = _scan_transpose
scan_p.batch = _scan_batch
scan_p.dce_rule = _scan_dce  # type: ignore[attr-defined]
