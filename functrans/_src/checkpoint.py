"""``checkpoint`` (alias ``remat``): recompute intermediates in the backward pass.

``checkpoint(fun)`` traces ``fun`` to a program and binds ``checkpoint_p``, a
higher-order primitive like ``jit``. Its rules transform the program with cached
constructions (:mod:`functrans._src.jit`), with one difference from ``jit``: the
JVP rule splits the program by partial evaluation so that the *known* (primal)
half returns only the primal outputs plus the residuals a ``policy`` allows to be
saved, and the *linear* half takes the checkpoint's inputs, those saved values and
the tangents, and **recomputes** every other primal value it needs. Under reverse
mode the linearization therefore stores only the inputs (and the saved values); the
transpose rule runs the linear half's primal part again before transposing the
rest. The recomputation is itself a ``checkpoint_p`` program, so this holds at every
order of differentiation.

Policies (``functrans.checkpoint_policies``) decide, per equation of the known
half, whether its outputs may be saved: ``policy(prim, *avals, **params) -> bool``
as in JAX. The default saves nothing.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import (
    IR,
    Eqn,
    Literal,
    Primitive,
    ShapedArray,
    Tracer,
    Var,
    bind,
    get_aval,
)
from functrans._src.jit import _batch_program, _cached, _transpose_program, executable, full_jvp_program
from functrans._src.staging import closure_convert, trace_to_ir
from functrans._src.transpose import is_undefined
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

checkpoint_p = Primitive("checkpoint", multiple_results=True)
checkpoint_p.complex_ok = True  # its body's primitives check complex operands themselves

Policy = Callable[..., bool]


# --------------------------------------------------------------------------- interning

_INTERNED: OrderedDict[Hashable, IR] = OrderedDict()
_INTERN_LIMIT = 256
# Programs whose array constants exceed this many bytes are not interned, so that the table
# never holds large arrays alive (pass large arrays as arguments rather than closing over them).
_INTERN_MAX_CONST_BYTES = 1 << 16


def _structural_key(ir: IR) -> Hashable | None:
    """A key equal for programs that compute the same thing: same equations, wiring,
    parameters (sub-programs by identity) and constants (by identity). ``None`` if a
    parameter cannot be hashed."""
    from functrans._src.optimize.cse import _param_key

    names: dict[Var, int] = {}

    def atom(a: Any) -> Any:
        if type(a) is Literal:
            return ("lit", type(a.val), repr(a.val), a.aval)
        n = names.get(a)
        if n is None:
            n = names[a] = len(names)
        return n

    try:
        key: list[Any] = [tuple((atom(v), v.aval, id(c)) for v, c in zip(ir.constvars, ir.consts))]
        key.append(tuple((atom(v), v.aval) for v in ir.invars))
        for e in ir.eqns:
            params = tuple(sorted((k, _param_key(v)) for k, v in e.params.items()))
            key.append((e.prim, params, tuple(atom(a) for a in e.inputs), tuple((atom(v), v.aval) for v in e.outvars)))
        key.append(tuple(atom(a) for a in ir.outvars))
        k = tuple(key)
        hash(k)
    except Exception:
        return None
    return k


def intern_ir(ir: IR) -> IR:
    """A previously traced program equal to ``ir`` (see :func:`_structural_key`), or ``ir``.

    Functions like ``checkpoint(f)`` are traced at every call; interning makes the calls
    share one program object, so the programs derived from it (JVP split, transpose,
    batched, compiled code) are built once. The table holds its programs (and so their
    constants) alive, which keeps constant identities unambiguous; it is bounded in size,
    and programs with large array constants are not entered.
    """
    if sum(getattr(c, "nbytes", 0) for c in ir.consts) > _INTERN_MAX_CONST_BYTES:
        return ir
    key = _structural_key(ir)
    if key is None:
        return ir
    prev = _INTERNED.get(key)
    if prev is not None:
        _INTERNED.move_to_end(key)
        return prev
    _INTERNED[key] = ir
    if len(_INTERNED) > _INTERN_LIMIT:
        _INTERNED.popitem(last=False)
    return ir


# --------------------------------------------------------------------------- policies


def nothing_saveable(prim: Primitive, *avals: Any, **params: Any) -> bool:
    """Save nothing: recompute every intermediate (the default policy)."""
    return False


def everything_saveable(prim: Primitive, *avals: Any, **params: Any) -> bool:
    """Save every intermediate (the same as not checkpointing)."""
    return True


def dots_saveable(prim: Primitive, *avals: Any, **params: Any) -> bool:
    """Save only the results of matrix products (``dot_general``); recompute the rest."""
    return prim.name == "dot_general"


checkpoint_dots = dots_saveable


def dots_with_no_batch_dims_saveable(prim: Primitive, *avals: Any, **params: Any) -> bool:
    """Save the results of matrix products that have no batch dimensions."""
    if prim.name != "dot_general":
        return False
    (_, (lb, rb)) = params["dimension_numbers"]
    return not lb and not rb


# --------------------------------------------------------------------------- the primitive


def _checkpoint_impl(*args: Any, ir: IR, prevent_cse: bool, policy: Policy | None) -> list[Any]:
    return executable(ir)(*args)


def _checkpoint_abstract_eval(
    *avals: ShapedArray, ir: IR, prevent_cse: bool, policy: Policy | None
) -> list[ShapedArray]:
    if len(avals) != len(ir.invars):
        raise TypeError(f"checkpoint: the program takes {len(ir.invars)} inputs, got {len(avals)}")
    for i, (a, v) in enumerate(zip(avals, ir.invars)):
        if a.shape != v.aval.shape or a.dtype != v.aval.dtype:
            raise TypeError(f"checkpoint: input {i} has type {a.str_short()}, expected {v.aval.str_short()}")
    return [ShapedArray(a.aval.shape, a.aval.dtype) for a in ir.outvars]


def _saveable(policy: Policy | None, e: Eqn) -> bool:
    if policy is None:
        return False
    return bool(policy(e.prim, *[a.aval for a in e.inputs], **e.params))


class _RematSplit:
    """The JVP of a checkpointed program split into a known and a linear program."""

    __slots__ = ("known", "lin", "n_saved", "lin_primals", "out_nonzero")

    def __init__(self, known: IR, lin: IR, n_saved: int, lin_primals: tuple[bool, ...], out_nonzero: tuple[bool, ...]):
        self.known = known  # primals -> primal outputs + saved residuals
        self.lin = lin  # (used primals, saved residuals, nonzero tangents) -> nonzero output tangents
        self.n_saved = n_saved
        self.lin_primals = lin_primals  # which primal inputs the linear program takes
        self.out_nonzero = out_nonzero


def _remat_split(ir: IR, nonzero: tuple[bool, ...], policy: Policy | None) -> _RematSplit:
    n = len(ir.invars)
    prog, out_nonzero = _cached(ir, ("remat_full_jvp", nonzero), lambda: full_jvp_program(ir, nonzero))
    n_out = len(ir.outvars)
    primal_in, tangent_in = prog.invars[:n], prog.invars[n:]
    unknown: set[Var] = set(tangent_in)
    is_lin: list[bool] = []
    for e in prog.eqns:
        lin_eqn = any(type(a) is Var and a in unknown for a in e.inputs)
        is_lin.append(lin_eqn)
        if lin_eqn:
            unknown.update(e.outvars)
    # walk back from the tangent outputs: which equations the linear program needs, and
    # which known values it reads (saved if the policy allows, else recomputed)
    live: set[Var] = {a for a in prog.outvars[n_out:] if type(a) is Var}
    saved: list[Var] = []
    saved_set: set[Var] = set()
    lin_eqns: list[Eqn] = []
    for e, lin_eqn in zip(reversed(prog.eqns), reversed(is_lin)):
        if not any(v in live for v in e.outvars):
            continue
        if not lin_eqn and _saveable(policy, e):
            for v in e.outvars:
                if v in live and v not in saved_set:
                    saved_set.add(v)
                    saved.append(v)
            continue
        lin_eqns.append(e)
        live.update(a for a in e.inputs if type(a) is Var)
    lin_eqns.reverse()
    saved.reverse()
    lin_primals = tuple(v in live for v in primal_in)
    known_eqns = [e for e, lin_eqn in zip(prog.eqns, is_lin) if not lin_eqn]
    known = IR(prog.constvars, prog.consts, list(primal_in), known_eqns, list(prog.outvars[:n_out]) + saved)
    lin_in = [v for v, used in zip(primal_in, lin_primals) if used] + saved + list(tangent_in)
    lin = IR(prog.constvars, prog.consts, lin_in, lin_eqns, list(prog.outvars[n_out:]))
    return _RematSplit(_dce(known), lin, len(saved), lin_primals, out_nonzero)


def _dce(ir: IR) -> IR:
    live: set[Var] = {a for a in ir.outvars if type(a) is Var}
    kept: list[Eqn] = []
    for e in reversed(ir.eqns):
        if any(v in live for v in e.outvars) or getattr(e.prim, "effectful", False):  # debug.print
            kept.append(e)
            live.update(a for a in e.inputs if type(a) is Var)
    kept.reverse()
    return IR(ir.constvars, ir.consts, ir.invars, kept, ir.outvars)


def _checkpoint_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], ir: IR, prevent_cse: bool, policy: Policy | None
) -> tuple[Any, Any]:
    params = {"prevent_cse": prevent_cse, "policy": policy}
    nonzero = tuple(t is not None for t in tangents)
    if not any(isinstance(t, Tracer) for t in tangents):
        # concrete tangents: plain forward mode, nothing will be transposed, so primal and
        # tangent outputs come from one program (no recomputation)
        prog, out_nonzero = _cached(ir, ("remat_full_jvp", nonzero), lambda: full_jvp_program(ir, nonzero))
        res = bind(checkpoint_p, [*primals, *(t for t in tangents if t is not None)], {"ir": prog, **params})
        touts = iter(res[len(ir.outvars) :])
        return res[: len(ir.outvars)], [next(touts) if nz else None for nz in out_nonzero]
    split: _RematSplit = _cached(ir, ("remat_jvp", nonzero, policy), lambda: _remat_split(ir, nonzero, policy))
    n_out = len(ir.outvars)
    if not any(split.out_nonzero):
        return bind(checkpoint_p, primals, {"ir": ir, **params}), [None] * n_out
    res = bind(checkpoint_p, primals, {"ir": split.known, **params})
    outs, saved = res[:n_out], res[n_out:]
    args = [p for p, used in zip(primals, split.lin_primals) if used] + saved + [t for t in tangents if t is not None]
    touts = iter(bind(checkpoint_p, args, {"ir": split.lin, **params}))
    return outs, [next(touts) if nz else None for nz in split.out_nonzero]


def _checkpoint_transpose(
    cts: Sequence[Any], *args: Any, ir: IR, prevent_cse: bool, policy: Policy | None
) -> list[Any]:
    undefined = tuple(is_undefined(a) for a in args)
    ct_nonzero = tuple(c is not None for c in cts)
    if not any(ct_nonzero):
        return [None] * len(args)
    prog = _cached(ir, ("transpose", undefined, ct_nonzero), lambda: _transpose_program(ir, undefined, ct_nonzero))
    ins = [a for a in args if not is_undefined(a)] + [c for c in cts if c is not None]
    res = iter(bind(checkpoint_p, ins, {"ir": prog, "prevent_cse": prevent_cse, "policy": policy}))
    return [next(res) if u else None for u in undefined]


def _checkpoint_batch(
    vals: Sequence[Any], dims: Sequence[int | None], ir: IR, prevent_cse: bool, policy: Policy | None
) -> tuple[Any, Any]:
    size = next(np.shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    in_avals = [ShapedArray(get_aval(v).shape, get_aval(v).dtype) for v in vals]
    key = ("vmap", tuple(dims), size)
    prog = _cached(ir, key, lambda: _batch_program(ir, tuple(dims), size, in_avals))
    outs = bind(checkpoint_p, vals, {"ir": prog, "prevent_cse": prevent_cse, "policy": policy})
    return outs, [0] * len(outs)


checkpoint_p.impl = _checkpoint_impl
checkpoint_p.abstract_eval = _checkpoint_abstract_eval
checkpoint_p.jvp = _checkpoint_jvp
checkpoint_p.transpose = _checkpoint_transpose
checkpoint_p.batch = _checkpoint_batch


# --------------------------------------------------------------------------- the API


def _static_nums(static_argnums: int | Sequence[int]) -> tuple[int, ...]:
    nums = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)
    for n in nums:
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"checkpoint: static_argnums must be ints, got {static_argnums!r}")
    return nums


def checkpoint(
    fun: Callable[..., Any],
    *,
    prevent_cse: bool = True,
    policy: Policy | None = None,
    static_argnums: int | Sequence[int] = (),
    static_argnames: str | Sequence[str] = (),
    concrete: bool = False,
) -> Callable[..., Any]:
    """Make ``fun`` recompute its intermediate values in the backward pass instead of storing them.

    As ``jax.checkpoint`` (alias ``remat``): values and derivatives (of any order, in
    both modes) are those of ``fun``; under reverse mode only ``fun``'s inputs (and the
    values ``policy`` saves) are kept from the forward pass, and ``fun``'s forward
    computation runs again during the backward pass.

    * ``policy(prim, *avals, **params) -> bool`` says which intermediate results may be
      saved; see ``functrans.checkpoint_policies`` (``nothing_saveable`` is the default,
      ``dots_saveable`` saves only matrix products).
    * ``static_argnums``/``static_argnames``: positions/keywords of arguments that are not
      arrays (Python values used for control flow); they are passed through unchanged.
    * ``prevent_cse`` is accepted for compatibility. The recomputation is a separate
      program that the optimiser of ``jit`` never merges with the forward pass, so it is
      never eliminated, whatever its value.
    """
    if not callable(fun):
        raise TypeError(f"checkpoint: expected a function, got {type(fun).__name__}")
    if policy is not None and not callable(policy):
        raise TypeError(f"checkpoint: policy must be a function (prim, *avals, **params) -> bool, got {policy!r}")
    nums = _static_nums(static_argnums)
    names = (static_argnames,) if isinstance(static_argnames, str) else tuple(static_argnames)
    name = getattr(fun, "__name__", "fun")

    @functools.wraps(fun)
    def remat_f(*args: Any, **kwargs: Any) -> Any:
        statics = {n % len(args) for n in nums if -len(args) <= n < len(args)}
        for n in nums:
            if not -len(args) <= n < len(args):
                raise ValueError(
                    f"checkpoint of {name}: static_argnums={static_argnums!r} refers to position {n}, but "
                    f"the function was called with {len(args)} positional arguments"
                )
        dyn = tuple(a for i, a in enumerate(args) if i not in statics)
        skw = {k: kwargs.pop(k) for k in names if k in kwargs}
        flat, tree = tree_flatten((dyn, kwargs))
        if not any(isinstance(x, Tracer) for x in flat):
            return fun(*args, **kwargs, **skw)  # nothing is being transformed: just run it
        from functrans._src.boundary import _check_leaf

        avals = [
            get_aval(_check_leaf(x, f"argument leaf {i} of checkpointed function {name}")) for i, x in enumerate(flat)
        ]
        out_tree: list[PyTreeDef] = []

        def flat_fun(*leaves: Any) -> list[Any]:
            d_args, d_kwargs = tree_unflatten(tree, list(leaves))
            it = iter(d_args)
            full = [args[i] if i in statics else next(it) for i in range(len(args))]
            out = fun(*full, **d_kwargs, **skw)
            out_flat, td = tree_flatten(out)
            for leaf in out_flat:
                _check_leaf(leaf, f"An output of checkpointed function {name}")
            out_tree.append(td)
            return out_flat

        ir, _ = trace_to_ir(flat_fun, avals)
        ir, closed = closure_convert(ir)
        ir = intern_ir(ir)
        outs = bind(checkpoint_p, [*closed, *flat], {"ir": ir, "prevent_cse": bool(prevent_cse), "policy": policy})
        return tree_unflatten(out_tree[0], outs)

    return remat_f


remat = checkpoint
