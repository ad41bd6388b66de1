"""Control flow on traced values: ``cond``.

``cond(pred, true_fun, false_fun, *operands)`` chooses a branch by a value that may be
traced (inside ``jit`` or ``make_ir``, or batched by ``vmap``), where a Python ``if``
cannot. With a concrete predicate it simply calls the chosen branch. Otherwise both
branches are traced to programs and ``cond_p`` is bound; it is a higher-order
primitive like ``jit`` and its rules transform the branch programs with the same
cached constructions (:mod:`functrans._src.jit`):

* JVP: a ``cond`` of the branches' tangent programs (only the taken branch runs);
* transpose: a ``cond`` of the branches' transposed programs;
* batching: with an unbatched predicate, a ``cond`` of the batched branches; with a
  batched predicate both batched branches run and ``select`` picks per example (as JAX).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from functrans._src.core import IR, Primitive, ShapedArray, Tracer, Var, bind, get_aval
from functrans._src.jit import _batch_program, _cached, _jvp_program, _transpose_program, executable, jit_p
from functrans._src.staging import closure_convert, trace_to_ir
from functrans._src.transpose import is_undefined
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

cond_p = Primitive("cond", multiple_results=True)
Branches = tuple[IR, IR]  # (false branch, true branch): indexed by the predicate


def _cond_impl(pred: Any, *ops: Any, branches: Branches) -> list[Any]:
    return executable(branches[int(bool(pred))])(*ops)


def _cond_abstract_eval(pred: ShapedArray, *avals: ShapedArray, branches: Branches) -> list[ShapedArray]:
    if pred.shape != () or pred.dtype.kind not in "biu":
        raise TypeError(f"cond: the predicate must be a boolean or integer scalar, got {pred.str_short()}")
    return [ShapedArray(a.aval.shape, a.aval.dtype) for a in branches[0].outvars]


def _cond_jvp(primals: Sequence[Any], tangents: Sequence[Any], branches: Branches) -> tuple[Any, Any]:
    nonzero = tuple(t is not None for t in tangents[1:])
    progs = tuple(
        _cached(br, ("jvp", nonzero, "all"), lambda br=br: _jvp_program(br, nonzero, True)) for br in branches
    )
    outs = bind(cond_p, primals, {"branches": branches})
    out_nonzero = progs[0][1]
    if not any(out_nonzero):
        return outs, [None] * len(outs)
    args = list(primals) + [t for t in tangents[1:] if t is not None]
    touts = iter(bind(cond_p, args, {"branches": (progs[0][0], progs[1][0])}))
    return outs, [next(touts) if nz else None for nz in out_nonzero]


def _cond_transpose(cts: Sequence[Any], pred: Any, *args: Any, branches: Branches) -> list[Any]:
    if is_undefined(pred):
        raise NotImplementedError("cond is not linear in its predicate")
    undefined = tuple(is_undefined(a) for a in args)
    ct_nonzero = tuple(c is not None for c in cts)
    if not any(ct_nonzero):
        return [None] * (len(args) + 1)
    key = ("transpose", undefined, ct_nonzero)
    progs = tuple(_cached(br, key, lambda br=br: _transpose_program(br, undefined, ct_nonzero)) for br in branches)
    ins = [pred] + [a for a in args if not is_undefined(a)] + [c for c in cts if c is not None]
    res = iter(bind(cond_p, ins, {"branches": progs}))
    return [None] + [next(res) if u else None for u in undefined]


def _cond_batch(vals: Sequence[Any], dims: Sequence[int | None], branches: Branches) -> tuple[Any, Any]:
    from functrans._src.lax import broadcast_to, moveaxis, ne, reshape, select

    size = next(_full_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    pred, ops, dpred, dops = vals[0], vals[1:], dims[0], tuple(dims[1:])
    in_avals = [ShapedArray(_full_shape(v), get_aval(v).dtype) for v in ops]
    key = ("vmap", dops, size)
    progs = tuple(_cached(br, key, lambda br=br: _batch_program(br, dops, size, in_avals)) for br in branches)
    if dpred is None:
        outs = bind(cond_p, [pred, *ops], {"branches": progs})
        return outs, [0] * len(outs)
    # a predicate that differs between examples: run both branches, pick per example
    false_outs = bind(jit_p, ops, {"ir": progs[0], "name": "cond_false"})
    true_outs = bind(jit_p, ops, {"ir": progs[1], "name": "cond_true"})
    p = moveaxis(pred, dpred, 0)
    if get_aval(p).dtype.kind != "b":
        p = ne(p, 0)
    outs = []
    for t, f in zip(true_outs, false_outs):
        nd = len(_full_shape(t))
        pb = broadcast_to(reshape(p, (size,) + (1,) * (nd - 1)), _full_shape(t))
        outs.append(select(pb, t, f))
    return outs, [0] * len(outs)


def _full_shape(x: Any) -> tuple[int, ...]:
    return x.shape if hasattr(x, "shape") else ()


cond_p.impl = _cond_impl
cond_p.abstract_eval = _cond_abstract_eval
cond_p.jvp = _cond_jvp
cond_p.transpose = _cond_transpose
cond_p.batch = _cond_batch


def _trace_branch(fun: Callable[..., Any], tree: PyTreeDef, avals: list[ShapedArray]) -> tuple[IR, list[Any], Any]:
    out_tree: list[PyTreeDef] = []

    def flat_fun(*leaves: Any) -> list[Any]:
        out = fun(*tree_unflatten(tree, list(leaves)))
        flat, td = tree_flatten(out)
        out_tree.append(td)
        return flat

    ir, _ = trace_to_ir(flat_fun, avals)
    ir, closed = closure_convert(ir)
    return ir, closed, out_tree[0]


def cond(pred: Any, true_fun: Callable[..., Any], false_fun: Callable[..., Any], *operands: Any) -> Any:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, for a traced ``pred``.

    As ``jax.lax.cond``: ``pred`` is a boolean or integer scalar; both branches must return
    the same pytree structure, shapes and dtypes. Under ``jit``/``make_ir`` both branches are
    traced and only the chosen one runs; under ``vmap`` with a batched predicate both run and
    the results are selected per example. Differentiable in both modes.
    """
    if not (callable(true_fun) and callable(false_fun)):
        raise TypeError("cond: true_fun and false_fun must be callable")
    pav = get_aval(pred)
    if pav.shape != () or pav.dtype.kind not in "biu":
        raise TypeError(f"cond: the predicate must be a boolean or integer scalar, got {pav.str_short()}")
    if not isinstance(pred, Tracer):
        return (true_fun if pred else false_fun)(*operands)
    flat, tree = tree_flatten(operands)
    avals = [get_aval(x) for x in flat]
    f_ir, f_closed, f_tree = _trace_branch(false_fun, tree, avals)
    t_ir, t_closed, t_tree = _trace_branch(true_fun, tree, avals)
    if f_tree != t_tree:
        raise TypeError(f"cond: true_fun and false_fun must return the same structure, got {t_tree} and {f_tree}")
    t_types = [(a.aval.shape, a.aval.dtype) for a in t_ir.outvars]
    f_types = [(a.aval.shape, a.aval.dtype) for a in f_ir.outvars]
    if t_types != f_types:
        raise TypeError(
            "cond: true_fun and false_fun must return values of the same shapes and dtypes, got "
            f"{[ShapedArray(*t).str_short() for t in t_types]} and {[ShapedArray(*f).str_short() for f in f_types]}"
        )
    # each branch takes (false's closed-over values, true's closed-over values, operands)
    nf = len(f_closed)
    f_ir = IR(f_ir.constvars, f_ir.consts, f_ir.invars[:nf] + [Var(get_aval(c)) for c in t_closed] + f_ir.invars[nf:],
              f_ir.eqns, f_ir.outvars)  # fmt: skip
    t_ir = IR(t_ir.constvars, t_ir.consts, [Var(get_aval(c)) for c in f_closed] + t_ir.invars,
              t_ir.eqns, t_ir.outvars)  # fmt: skip
    outs = bind(cond_p, [pred, *f_closed, *t_closed, *flat], {"branches": (f_ir, t_ir)})
    return tree_unflatten(t_tree, outs)
