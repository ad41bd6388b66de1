"""Control flow on traced values: ``cond`` and ``switch``.

``cond(pred, true_fun, false_fun, *operands)`` and ``switch(index, branches, *operands)``
choose a branch by a value that may be traced (inside ``jit`` or ``make_ir``, or batched
by ``vmap``), where a Python ``if`` cannot. Every branch is traced to a program (so all
must return the same structure, shapes and dtypes, as in JAX, even for a concrete
predicate); with a concrete predicate the chosen branch is then simply called. Otherwise
``cond_p`` is bound: a higher-order primitive like ``jit`` whose parameter ``branches``
holds the branch programs, indexed by an integer scalar in ``[0, len(branches))`` (``cond``
passes ``pred != 0``, ``switch`` its clamped index). Its rules transform the branch
programs with the same cached constructions (:mod:`functrans._src.jit`):

* JVP: a ``cond`` of the branches' tangent programs (only the taken branch runs);
* transpose: a ``cond`` of the branches' transposed programs;
* batching: with an unbatched index, a ``cond`` of the batched branches; with a batched
  index every batched branch runs and ``select`` picks per example (as JAX).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import batching
from functrans._src.control_flow.common import check_branches, trace_fun
from functrans._src.core import IR, Primitive, ShapedArray, Tracer, Var, bind, get_aval
from functrans._src.jit import _batch_program, _cached, _jvp_program, _transpose_program, executable, jit_p
from functrans._src.transpose import is_undefined
from functrans._src.tree_util import tree_flatten, tree_unflatten

cond_p = Primitive("cond", multiple_results=True)
cond_p.complex_ok = True  # its body's primitives check complex operands themselves
Branches = tuple[IR, ...]  # for cond: (false branch, true branch), indexed by the predicate


def _cond_impl(pred: Any, *ops: Any, branches: Branches) -> list[Any]:
    return executable(branches[int(pred)])(*ops)


def _cond_abstract_eval(pred: ShapedArray, *avals: ShapedArray, branches: Branches) -> list[ShapedArray]:
    if pred.shape != () or pred.dtype.kind not in "biu":
        raise TypeError(f"cond: the index must be a boolean or integer scalar, got {pred.str_short()}")
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
    touts = iter(bind(cond_p, args, {"branches": tuple(p[0] for p in progs)}))
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
    from functrans._src.lax import broadcast_to, eq, moveaxis, reshape, select

    size = next(_full_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    pred, ops, dpred, dops = vals[0], vals[1:], dims[0], tuple(dims[1:])
    in_avals = [ShapedArray(_full_shape(v), get_aval(v).dtype) for v in ops]
    key = ("vmap", dops, size)
    progs = tuple(_cached(br, key, lambda br=br: _batch_program(br, dops, size, in_avals)) for br in branches)
    if dpred is None:
        outs = bind(cond_p, [pred, *ops], {"branches": progs})
        return outs, [0] * len(outs)
    # an index that differs between examples: run every branch, pick per example
    outs_k = [bind(jit_p, ops, {"ir": pr, "name": f"branch_{k}"}) for k, pr in enumerate(progs)]
    p = moveaxis(pred, dpred, 0)
    if len(progs) == 2 and get_aval(p).dtype.kind == "b":
        masks = [None, p]
    else:
        masks = [None] + [eq(p, np.asarray(k, get_aval(p).dtype)) for k in range(1, len(progs))]
    outs = []
    for j in range(len(outs_k[0])):
        o = outs_k[0][j]
        shape = _full_shape(o)
        for k in range(1, len(progs)):
            pb = broadcast_to(reshape(masks[k], (size,) + (1,) * (len(shape) - 1)), shape)
            o = select(pb, outs_k[k][j], o)
        outs.append(o)
    return outs, [0] * len(outs)


def _full_shape(x: Any) -> tuple[int, ...]:
    return x.shape if hasattr(x, "shape") else ()


cond_p.impl = _cond_impl
cond_p.abstract_eval = _cond_abstract_eval
cond_p.jvp = _cond_jvp
cond_p.transpose = _cond_transpose
cond_p.batch = _cond_batch


def _bind_branches(
    funs: Sequence[Callable[..., Any]],
    names: Sequence[str],
    what: str,
    index: Any,
    operands: tuple[Any, ...],
    check_order: Sequence[int] | None = None,
) -> Any:
    """Trace every branch, check they agree, and bind ``cond_p`` (or call the chosen branch if
    ``index`` is concrete)."""
    flat, tree = tree_flatten(operands)
    avals = [get_aval(x) for x in flat]
    traced = [trace_fun(lambda *ops, f=f: f(*ops), tree, avals) for f in funs]
    order = list(check_order) if check_order is not None else list(range(len(funs)))
    check_branches(what, [names[k] for k in order], [funs[k] for k in order],
                   [traced[k][2] for k in order], [traced[k][3] for k in order])  # fmt: skip
    if not isinstance(index, Tracer):
        return funs[int(index)](*operands)
    # every branch takes (constants of branch 0, constants of branch 1, ..., operands)
    all_consts = [c for t in traced for c in t[1]]
    progs = []
    before = 0
    for ir, consts, _, _ in traced:
        k = len(consts)
        pre = [Var(get_aval(c)) for c in all_consts[:before]]
        post = [Var(get_aval(c)) for c in all_consts[before + k :]]
        progs.append(IR([], [], pre + ir.invars[:k] + post + ir.invars[k:], ir.eqns, ir.outvars))
        before += k
    outs = bind(cond_p, [index, *all_consts, *flat], {"branches": tuple(progs)})
    return tree_unflatten(traced[0][2], outs)


def cond(pred: Any, true_fun: Callable[..., Any], false_fun: Callable[..., Any], *operands: Any) -> Any:
    """``true_fun(*operands)`` if ``pred`` else ``false_fun(*operands)``, for a traced ``pred``.

    As ``jax.lax.cond``: ``pred`` is a boolean or real number scalar (a number counts as true
    when nonzero, NaN included); both branches must return the same pytree structure, shapes and dtypes
    (else a TypeError names the differing output). Under ``jit``/``make_ir`` both branches are
    traced and only the chosen one runs; under ``vmap`` with a batched predicate both run and
    the results are selected per example. Differentiable in both modes.
    """
    from functrans._src.lax import ne

    if not (callable(true_fun) and callable(false_fun)):
        raise TypeError("cond: true_fun and false_fun must be callable")
    pav = get_aval(pred)
    if pav.shape != () or pav.dtype.kind not in "biuf":
        raise TypeError(f"cond: the predicate must be a boolean or numeric (real) scalar, got {pav.str_short()}")
    if pav.dtype.kind != "b":
        pred = ne(pred, np.asarray(0, pav.dtype))
    if not isinstance(pred, Tracer):
        pred = bool(pred)
    return _bind_branches((false_fun, true_fun), ("false_fun", "true_fun"), "cond", pred, operands, (1, 0))


def switch(index: Any, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """``branches[index](*operands)`` for a possibly traced integer ``index``, as ``jax.lax.switch``.

    ``index`` is clamped to ``[0, len(branches) - 1]``. Every branch must return the same pytree
    structure, shapes and dtypes. Under ``vmap`` with a batched index every branch runs and the
    results are selected per example. Differentiable in both modes.
    """
    from functrans._src.lax import maximum, minimum

    branches = tuple(branches)
    if not branches:
        raise ValueError("switch: empty branch sequence (branches must hold at least one function)")
    for k, b in enumerate(branches):
        if not callable(b):
            raise TypeError(f"switch: branch {k} is not callable, got {type(b).__name__}")
    iav = get_aval(index)
    if iav.shape != ():
        raise TypeError(f"switch: the branch index must be a scalar, got a value of shape {iav.shape}")
    if iav.dtype.kind not in "iu":
        raise TypeError(f"switch: the branch index must be an integer, got {index!r} of dtype {iav.dtype.name}")
    n = len(branches)
    if isinstance(index, Tracer):
        dt = iav.dtype
        index = minimum(maximum(index, np.asarray(0, dt)), np.asarray(n - 1, dt))
    else:
        index = min(max(int(index), 0), n - 1)
    if n == 1:
        return branches[0](*operands)
    names = [f"branch {k}" for k in range(n)]
    return _bind_branches(branches, names, "switch", index, operands)


def _guarded_select(other: Any, basis: np.ndarray, k0: int, c: int, i: int, dims: Sequence[int | None],
                    params: dict[str, Any]) -> tuple[Any, int] | None:  # fmt: skip
    """``batching._select_by_basis`` while the eager tape stages a program, for a traced ``other``
    (of a trace below the batching one): ``cond`` on every element of ``other`` being finite,
    between the slice the eager path takes and the batched product (which spreads the NaN of an
    infinite element times the basis's zeros)."""
    from functrans._src import lax
    from functrans._src.lax.contraction import dot_general_p

    av = other.aval
    if av.shape[c] != basis.shape[1] or av.dtype != basis.dtype:
        return None
    perm = (c, *[a for a in range(len(av.shape)) if a != c])

    def take(o: Any) -> Any:
        return lax.transpose(lax.slice_in_dim(o, k0, k0 + basis.shape[0], axis=c), perm)

    def product(o: Any) -> Any:
        out, d = dot_general_p.batch([basis, o] if i == 0 else [o, basis], dims, **params)  # type: ignore[misc]
        return lax.moveaxis(out, d, 0)

    finite = lax.reduce_min(lax.is_finite(other), tuple(range(len(av.shape))))
    return cond(finite, take, product, other), 0


batching.GUARDED_SELECT_FN[0] = _guarded_select
