"""The ``while`` primitive and its rules.

``while_p`` holds two programs: ``cond_ir`` (``(cond consts, carry) -> bool scalar``) and
``body_ir`` (``(body consts, carry) -> carry``). Its inputs are
``cond consts + body consts + init``, its results the final carry.

* JVP: one loop of the JVP body, primal and tangent carries together (the trip count
  depends on the primal values only, so value-dependent trip counts are differentiated
  correctly). When tangents are being recorded (reverse mode, jit's JVP split), the primal
  loop runs on its own for the primal results and the joint loop is recorded for the
  tangents.
* transpose: none, as in JAX: reverse mode raises a ValueError that points to ``scan`` and
  to ``fori_loop`` with static bounds.
* batching: the body is vmapped once (carries batched by a fixed point). With a predicate
  that differs between examples, every carry is batched, the loop runs while any example
  is still running, and examples that are done keep their values (``select``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.batching import vmap_flat
from functrans._src.control_flow.scan import _jvp_body as scan_jvp_body
from functrans._src.control_flow.scan import _recording, _shape
from functrans._src.core import (
    IR,
    Primitive,
    ShapedArray,
    bind,
    eval_ir,
    is_float_dtype,
    tangent_aval,
    zeros_for,
)
from functrans._src.jit import _cached, executable
from functrans._src.staging import trace_to_ir

while_p = Primitive("while", multiple_results=True)
while_p.complex_ok = True  # its body's primitives check complex operands themselves

REVERSE_MODE_ERROR = (
    "Reverse-mode differentiation does not work for lax.while_loop or lax.fori_loop with dynamic "
    "start/stop values. Try using lax.scan, or using fori_loop with static start/stop."
)


def _while_impl(*args: Any, cond_ir: IR, body_ir: IR, cond_nconsts: int, body_nconsts: int) -> list[Any]:
    cc = executable(cond_ir)
    bc = executable(body_ir)
    cf, bf = getattr(cc, "fn", cc), getattr(bc, "fn", bc)
    cconsts = args[:cond_nconsts]
    bconsts = args[cond_nconsts : cond_nconsts + body_nconsts]
    carry = list(args[cond_nconsts + body_nconsts :])
    while cf(*cconsts, *carry)[0]:
        carry = bf(*bconsts, *carry)
    return [np.asarray(c, v.aval.dtype) for c, v in zip(carry, body_ir.outvars)]


def _while_abstract_eval(
    *avals: ShapedArray, cond_ir: IR, body_ir: IR, cond_nconsts: int, body_nconsts: int
) -> list[ShapedArray]:
    n = cond_nconsts + body_nconsts
    if len(avals) != n + len(body_ir.outvars):
        raise TypeError("while_loop: wrong number of inputs")
    for a, v in zip(avals[n:], body_ir.outvars):
        if a.shape != v.aval.shape or a.dtype != v.aval.dtype:
            raise TypeError(f"while_loop: carry of type {a.str_short()} does not fit the body")
    return [ShapedArray(v.aval.shape, v.aval.dtype) for v in body_ir.outvars]


def _params(cond_ir: IR, body_ir: IR, cn: int, bn: int) -> dict[str, Any]:
    return {"cond_ir": cond_ir, "body_ir": body_ir, "cond_nconsts": cn, "body_nconsts": bn}


# --------------------------------------------------------------------------- JVP


def _jvp_body(body: IR, bn: int, nz: tuple[bool, ...]) -> tuple[IR, tuple[bool, ...]]:
    """``(consts, nonzero const tangents, carry, nonzero carry tangents) -> (carry, carry
    tangents)``, the carry tangents being exactly the nonzero input ones: scan's JVP step
    for a body with no ``xs`` and no ``ys``."""
    prog, made, _ = scan_jvp_body(body, bn, len(body.invars) - bn, nz)
    return prog, made


def _cond_jvp_program(cond_ir: IR, n_tangents: int, carry_avals: list[ShapedArray]) -> IR:
    """The predicate of the joint loop: the original one, ignoring the tangent carries."""
    cn = len(cond_ir.invars) - (len(carry_avals) - n_tangents)
    in_avals = [v.aval for v in cond_ir.invars[:cn]] + carry_avals

    def pred(*args: Any) -> list[Any]:
        return eval_ir(cond_ir, cond_ir.consts, args[: cn + len(carry_avals) - n_tangents])

    prog, _ = trace_to_ir(pred, in_avals)
    return prog


def _while_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], cond_ir: IR, body_ir: IR, cond_nconsts: int, body_nconsts: int
) -> tuple[Any, Any]:
    cn, bn = cond_nconsts, body_nconsts
    ncar = len(body_ir.outvars)
    floats = [is_float_dtype(v.aval.dtype) for v in body_ir.invars]
    nz = tuple(t is not None and f for t, f in zip(tangents[cn:], floats))
    while True:
        prog, made = _cached(body_ir, ("while_jvp", nz), lambda nz=nz: _jvp_body(body_ir, bn, nz))
        carry_nz = tuple(a or (m and floats[bn + j]) for j, (a, m) in enumerate(zip(nz[bn:], made)))
        if carry_nz == nz[bn:]:
            break
        nz = nz[:bn] + carry_nz
    params = _params(cond_ir, body_ir, cn, bn)
    if not any(carry_nz):
        return bind(while_p, primals, params), [None] * ncar
    cconsts, bconsts, carry = primals[:cn], primals[cn : cn + bn], list(primals[cn + bn :])
    tb = [t for t, k in zip(tangents[cn : cn + bn], nz[:bn]) if k]
    tcar = [
        (zeros_for(tangent_aval(body_ir.invars[bn + j].aval)) if t is None else t)
        for j, (t, k) in enumerate(zip(tangents[cn + bn :], carry_nz))
        if k
    ]
    carry_avals = [v.aval for v in body_ir.invars[bn:]] + [
        tangent_aval(body_ir.invars[bn + j].aval) for j, k in enumerate(carry_nz) if k
    ]
    cprog = _cached(cond_ir, ("while_jvp_cond", len(tcar), tuple(carry_avals)),
                    lambda: _cond_jvp_program(cond_ir, len(tcar), carry_avals))  # fmt: skip
    outs = bind(while_p, [*cconsts, *bconsts, *tb, *carry, *tcar], _params(cprog, prog, cn, bn + len(tb)))
    if _recording(tangents):  # primal results from a primal loop: they stay concrete
        p_out = bind(while_p, primals, params)
    else:
        p_out = outs[:ncar]
    it = iter(outs[ncar:])
    return p_out, [next(it) if k else None for k in carry_nz]


def _while_transpose(cts: Sequence[Any], *args: Any, **params: Any) -> list[Any]:
    raise ValueError(REVERSE_MODE_ERROR)


# --------------------------------------------------------------------------- batching


def _batched_avals(avals: Sequence[ShapedArray], batched: Sequence[bool], size: int) -> list[ShapedArray]:
    return [ShapedArray(((size,) if b else ()) + a.shape, a.dtype) for a, b in zip(avals, batched)]


def _batch_program(ir: IR, batched: tuple[bool, ...], size: int, force: tuple[bool, ...] | None) -> tuple[IR, tuple]:
    """``ir`` vmapped over axis 0 of its batched inputs; outputs with ``force`` come out batched
    along axis 0 (the others as they are). Returns the program and which outputs the
    program itself batches."""
    from functrans._src.lax import broadcast_to, moveaxis

    made: list[bool] = []

    def fn(*args: Any) -> list[Any]:
        outs, odims = vmap_flat(lambda *xs: eval_ir(ir, ir.consts, xs), args, [0 if b else None for b in batched], size)
        res = []
        for j, (o, d) in enumerate(zip(outs, odims)):
            made.append(d is not None)
            if d is not None:
                o = moveaxis(o, d, 0)
            elif force is not None and force[j]:
                o = broadcast_to(o, (size,) + _shape(o))
            res.append(o)
        return res

    prog, _ = trace_to_ir(fn, _batched_avals([v.aval for v in ir.invars], batched, size))
    return prog, tuple(made)


def _select_program(cond_ir: IR, body_ir: IR, cn: int, bn: int, size: int, cb: tuple, bb: tuple) -> tuple[IR, IR]:
    """For a predicate batched over examples: the loop runs while any example runs, and the
    body leaves finished examples unchanged. All carries are batched."""
    from functrans._src.lax import broadcast_to, reduce_max, reshape, select

    carry_avals = [v.aval for v in body_ir.invars[bn:]]
    ncar = len(carry_avals)
    c_in = _batched_avals([v.aval for v in cond_ir.invars[:cn]], cb, size)
    b_in = _batched_avals([v.aval for v in body_ir.invars[:bn]], bb, size)
    car_in = _batched_avals(carry_avals, [True] * ncar, size)

    cdims = [0 if b else None for b in cb] + [0] * ncar
    bdims = [0 if b else None for b in bb] + [0] * ncar

    def preds(cconsts: Sequence[Any], carry: Sequence[Any]) -> Any:
        outs, odims = vmap_flat(lambda *xs: eval_ir(cond_ir, cond_ir.consts, xs),
                                list(cconsts) + list(carry), cdims, size)  # fmt: skip
        return outs[0] if odims[0] is not None else broadcast_to(outs[0], (size,))

    def any_running(*args: Any) -> list[Any]:
        return [reduce_max(preds(args[:cn], args[cn:]), (0,))]

    def step(*args: Any) -> list[Any]:
        cconsts, bconsts, carry = args[:cn], args[cn : cn + bn], args[cn + bn :]
        p = preds(cconsts, carry)
        outs, odims = vmap_flat(lambda *xs: eval_ir(body_ir, body_ir.consts, xs),
                                list(bconsts) + list(carry), bdims, size)  # fmt: skip
        res = []
        for o, d, c in zip(outs, odims, carry):
            if d is None:
                o = broadcast_to(o, (size,) + _shape(o))
            nd = len(_shape(c))
            pb = broadcast_to(reshape(p, (size,) + (1,) * (nd - 1)), _shape(c))
            res.append(select(pb, o, c))
        return res

    cprog, _ = trace_to_ir(any_running, c_in + car_in)
    bprog, _ = trace_to_ir(step, c_in + b_in + car_in)
    return cprog, bprog


def _while_batch(
    vals: Sequence[Any], dims: Sequence[int | None], cond_ir: IR, body_ir: IR, cond_nconsts: int, body_nconsts: int
) -> tuple[Any, Any]:
    from functrans._src.lax import broadcast_to, moveaxis

    cn, bn = cond_nconsts, body_nconsts
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    batched = tuple(d is not None for d in dims)
    cb, bb, carb = batched[:cn], batched[cn : cn + bn], batched[cn + bn :]
    while True:
        bprog, made = _cached(body_ir, ("while_vmap", bb + carb, size),
                              lambda k=bb + carb: _batch_program(body_ir, k, size, k[bn:]))  # fmt: skip
        new = tuple(a or m for a, m in zip(carb, made))
        if new == carb:
            break
        carb = new
    cprog, pred_b = _cached(cond_ir, ("while_vmap", cb + carb, size),
                            lambda: _batch_program(cond_ir, cb + carb, size, None))  # fmt: skip
    if pred_b[0]:
        carb = (True,) * len(carb)
        cprog, bprog = _cached(body_ir, ("while_vmap_select", cond_ir, cb, bb, size),
                               lambda: _select_program(cond_ir, body_ir, cn, bn, size, cb, bb))  # fmt: skip
        params = _params(cprog, bprog, cn, cn + bn)
        consts = [v if d is None else moveaxis(v, d, 0) for v, d in zip(vals[: cn + bn], dims[: cn + bn])]
        consts = consts[:cn] + consts  # the body reads the cond consts too
    else:
        params = _params(cprog, bprog, cn, bn)
        consts = [v if d is None else moveaxis(v, d, 0) for v, d in zip(vals[: cn + bn], dims[: cn + bn])]
    carry = []
    for v, d, b in zip(vals[cn + bn :], dims[cn + bn :], carb):
        if d is not None:
            carry.append(moveaxis(v, d, 0))
        elif b:
            carry.append(broadcast_to(v, (size,) + _shape(v)))
        else:
            carry.append(v)
    outs = bind(while_p, consts + carry, params)
    return outs, [0 if b else None for b in carb]


while_p.impl = _while_impl
while_p.abstract_eval = _while_abstract_eval
while_p.jvp = _while_jvp
while_p.transpose = _while_transpose
while_p.batch = _while_batch
