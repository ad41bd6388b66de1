"""Custom differentiation rules: ``custom_jvp`` and ``custom_vjp``, with JAX's API.

Both are higher-order primitives over the function's program (traced like the
branches of ``cond``), carrying the user's rules as parameters:

* ``custom_jvp_call``: its implementation runs the function's program; its JVP rule
  calls the user's rule on the primal values and the tangents (symbolic zeros are
  turned into zeros first). The rule is ordinary traced Python, so under reverse
  mode its tangent arithmetic is recorded into the linear program and transposed
  like everything else, and it can itself be differentiated (the rule may call the
  custom function again, which then uses the rule at the next order). Batching
  vmaps both the program and the rule.
* ``custom_vjp_call``: its JVP rule runs ``fwd`` for the primal outputs and the
  residuals, and binds ``custom_lin`` on (residuals, tangents). ``custom_lin`` is
  linear in the tangents; its transpose rule calls ``bwd``. Evaluating it forward
  means forward-mode differentiation was asked for, which raises JAX's error. Batching
  vmaps the program, ``fwd`` and ``bwd``.

Outside any transformation both simply call the function.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.batching import vmap_flat
from functrans._src.checkpoint import intern_ir
from functrans._src.core import (
    IR,
    Primitive,
    ShapedArray,
    Tracer,
    bind,
    float0,
    get_aval,
    tangent_aval,
    tangent_dtype,
)
from functrans._src.jit import _batch_program, _cached, executable
from functrans._src.staging import closure_convert, trace_to_ir
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_structure, tree_unflatten

__all__ = ["SymbolicZero", "custom_jvp", "custom_vjp"]


class SymbolicZero:
    """A zero tangent passed to a ``custom_jvp`` rule declared with ``symbolic_zeros=True``.

    It has the ``shape`` and ``dtype`` of the tangent it stands for (``aval``). A rule may
    return one for an output whose tangent is zero.
    """

    __slots__ = ("aval",)

    def __init__(self, aval: ShapedArray) -> None:
        self.aval = aval

    @property
    def shape(self) -> tuple[int, ...]:
        return self.aval.shape

    @property
    def dtype(self) -> np.dtype:
        return self.aval.dtype

    def instantiate(self) -> np.ndarray:
        """The zero array this stands for."""
        return np.zeros(self.aval.shape, self.aval.dtype)

    def __repr__(self) -> str:
        return f"SymbolicZero({self.aval.str_short()})"


def _fun_name(f: Any) -> str:
    return getattr(f, "__name__", type(f).__name__)


def _resolve_args(fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], what: str) -> tuple[Any, ...]:
    """Keyword arguments become positional (as JAX does for custom functions)."""
    if not kwargs:
        return args
    try:
        ba = inspect.signature(fun).bind(*args, **kwargs)
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None
    ba.apply_defaults()
    if ba.kwargs:
        raise TypeError(f"{what}: keyword-only arguments are not supported, got {sorted(ba.kwargs)}")
    return tuple(ba.args)


def _nondiff_nums(nondiff_argnums: Sequence[int] | int, fun: Any = None,
                  names: Sequence[str] | str = ()) -> tuple[int, ...]:  # fmt: skip
    nums = (nondiff_argnums,) if isinstance(nondiff_argnums, int) else tuple(nondiff_argnums)
    for n in nums:
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"nondiff_argnums must be ints, got {nondiff_argnums!r}")
    names = (names,) if isinstance(names, str) else tuple(names)
    if names:  # as JAX: the positions of the named parameters in fun's signature
        params = [p.name for p in inspect.signature(fun).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]  # fmt: skip
        for name in names:
            if name not in params:
                raise ValueError(f"nondiff_argnames: {name!r} is not a positional parameter of the function")
            if params.index(name) not in nums:
                nums += (params.index(name),)
    return nums


class _Traced:
    """The function traced for one call: program, output structure, the flat inputs."""

    __slots__ = ("ir", "closed", "flat", "in_tree", "out_tree", "nondiff", "dyn_pos")

    def __init__(self, fun: Callable[..., Any], args: tuple[Any, ...], nums: tuple[int, ...], what: str) -> None:
        from functrans._src.boundary import _check_leaf

        n = len(args)
        statics = set()
        for k in nums:
            if not -n <= k < n:
                raise ValueError(
                    f"{what}: nondiff_argnums refers to position {k}, but the function was called with {n} "
                    "positional arguments"
                )
            statics.add(k % n)
        self.dyn_pos = [i for i in range(n) if i not in statics]
        self.nondiff = [args[i] for i in sorted(statics)]
        dyn = tuple(args[i] for i in self.dyn_pos)
        self.flat, self.in_tree = tree_flatten(dyn)
        avals = [get_aval(_check_leaf(x, f"argument leaf {i} of {what}")) for i, x in enumerate(self.flat)]
        out_trees: list[PyTreeDef] = []

        def flat_fun(*leaves: Any) -> list[Any]:
            d = iter(tree_unflatten(self.in_tree, list(leaves)))
            full = [args[i] if i in statics else next(d) for i in range(n)]
            out, td = tree_flatten(fun(*full))
            for leaf in out:
                _check_leaf(leaf, f"An output of {what}")
            out_trees.append(td)
            return out

        ir, _ = trace_to_ir(flat_fun, avals)
        ir, self.closed = closure_convert(ir)
        self.ir = intern_ir(ir)
        self.out_tree = out_trees[0]

    def full_args(self, dyn: Sequence[Any]) -> list[Any]:
        """The positional arguments with the nondiff ones put back."""
        n = len(self.dyn_pos) + len(self.nondiff)
        d, s = iter(dyn), iter(self.nondiff)
        pos = set(self.dyn_pos)
        return [next(d) if i in pos else next(s) for i in range(n)]


def _move_to_0(vals: Sequence[Any], dims: Sequence[int | None], size: int, broadcast: bool) -> list[Any]:
    from functrans._src.lax import broadcast_to, moveaxis

    out = []
    for v, d in zip(vals, dims):
        if d is None:
            out.append(broadcast_to(v, (size, *get_aval(v).shape)) if broadcast else v)
        else:
            out.append(moveaxis(v, d, 0) if d != 0 else v)
    return out


def _closed_over_error(kind: str, name: str, how: str) -> Exception:
    return NotImplementedError(
        f"{kind} function {name} closes over (or receives at nondiff_argnums) an array that is being {how} by "
        "a transformation around the call. Pass that array to the function as an ordinary argument instead."
    )


def _check_closed_tangents(tangents: Sequence[Any], n_closed: int, kind: str, name: str) -> None:
    if any(t is not None for t in tangents[:n_closed]):
        raise _closed_over_error(kind, name, "differentiated")


def _check_closed_dims(dims: Sequence[int | None], n_closed: int, kind: str, name: str) -> None:
    if any(d is not None for d in dims[:n_closed]):
        raise _closed_over_error(kind, name, "batched (vmap)")


def _instantiate(t: Any, aval: ShapedArray) -> Any:
    return np.zeros(aval.shape, tangent_dtype(aval.dtype)) if t is None else t


def _call_impl(*args: Any, call_ir: IR, **_: Any) -> list[Any]:
    return executable(call_ir)(*args)


def _call_abstract_eval(*avals: ShapedArray, call_ir: IR, **_: Any) -> list[ShapedArray]:
    if len(avals) != len(call_ir.invars):
        raise TypeError(f"custom function: the program takes {len(call_ir.invars)} inputs, got {len(avals)}")
    return [ShapedArray(a.aval.shape, a.aval.dtype) for a in call_ir.outvars]


def _batched_call_ir(call_ir: IR, vals: Sequence[Any], dims: Sequence[int | None], size: int) -> IR:
    in_avals = [ShapedArray(get_aval(v).shape, get_aval(v).dtype) for v in vals]
    key = ("vmap", tuple(dims), size)
    return _cached(call_ir, key, lambda: _batch_program(call_ir, tuple(dims), size, in_avals))  # type: ignore[no-any-return]


def _axis_size(vals: Sequence[Any], dims: Sequence[int | None]) -> int:
    return next(np.shape(v)[d] for v, d in zip(vals, dims) if d is not None)


# =========================================================================== custom_jvp

custom_jvp_call_p = Primitive("custom_jvp_call", multiple_results=True)
custom_jvp_call_p.complex_ok = True  # its body's primitives check complex operands themselves


class _JVPRule:
    """The user's JVP rule for one traced call, on flat lists: ``(primals, tangents) ->
    (primal outputs, tangent outputs)``; tangents ``None`` are symbolic zeros."""

    def __init__(self, cj: custom_jvp, traced: _Traced) -> None:
        self.cj = cj
        self.traced = traced
        self.n_closed = len(traced.closed)
        self.in_avals = [get_aval(x) for x in traced.flat]
        self.out_avals = [v.aval for v in traced.ir.outvars]

    def __repr__(self) -> str:
        return f"jvp_rule({_fun_name(self.cj.jvp)})"

    def __call__(self, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        cj, tr = self.cj, self.traced
        fname, rname = _fun_name(cj.fun), _fun_name(cj.jvp)
        _check_closed_tangents(tangents, self.n_closed, "custom_jvp", fname)
        ps = list(primals[self.n_closed :])
        ts_in = tangents[self.n_closed :]
        if cj.symbolic_zeros:
            ts = [SymbolicZero(tangent_aval(a)) if t is None else t for t, a in zip(ts_in, self.in_avals)]
        else:
            ts = [_instantiate(t, a) for t, a in zip(ts_in, self.in_avals)]
        py_p = tree_unflatten(tr.in_tree, ps)
        py_t = tree_unflatten(tr.in_tree, ts)
        pair = cj.jvp(*tr.nondiff, py_p, py_t)
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(
                f"Custom JVP rule {rname} for function {fname} must produce a pair (list or tuple of length two) "
                f"representing primal and tangent outputs, but got {pair!r}."
            )
        pouts, p_tree = tree_flatten(pair[0])
        touts, t_tree = tree_flatten(pair[1], is_leaf=lambda x: isinstance(x, SymbolicZero))
        if p_tree != t_tree:
            raise TypeError(
                f"Custom JVP rule {rname} for function {fname} must produce primal and tangent outputs with equal "
                f"container (pytree) structures, but got {p_tree} and {t_tree} respectively."
            )
        if p_tree != tr.out_tree:
            raise TypeError(
                f"Custom JVP rule {rname} for function {fname} must produce a pair (list or tuple of length two) "
                "where the first element represents the primal output (equal in value to the output of the "
                f"custom_jvp-decorated function {fname}, and in particular of the same container/pytree "
                f"structure), but instead the JVP rule output's first element had container/pytree structure "
                f"{p_tree} while the custom_jvp-decorated function {fname} had output structure {tr.out_tree}."
            )
        p_avals = [get_aval(p) for p in pouts]
        if not all(_typematch(a, b) for a, b in zip(p_avals, self.out_avals)):
            raise TypeError(
                f"Custom JVP rule {rname} for function {fname} must produce a pair (list or tuple of length two) "
                "where the first element represents the primal output (equal in value to the output of the "
                f"custom_jvp-decorated function {fname}, and in particular with leaves of the same shape/dtype), "
                f"but instead the JVP rule output's first element had shapes/dtypes of "
                f"{[a.str_short() for a in p_avals]} while the custom_jvp-decorated function {fname} had output "
                f"shapes/dtypes of {[a.str_short() for a in self.out_avals]}."
            )
        outs_t = []
        bad = []
        for pa, t in zip(self.out_avals, touts):
            want = tangent_aval(pa)
            ta = t.aval if isinstance(t, SymbolicZero) else get_aval(t)
            if not _typematch(ta, want):
                bad.append((pa, want, ta))
                continue
            if isinstance(t, SymbolicZero) or want.dtype == float0:
                outs_t.append(None)
            elif ta.dtype != want.dtype:  # a weakly typed Python scalar
                from functrans._src.lax import convert_element_type

                outs_t.append(convert_element_type(t, want.dtype))
            else:
                outs_t.append(t)
        if bad:
            if len(pouts) == 1:
                pa, want, ta = bad[0]
                raise TypeError(
                    "Custom JVP rule must produce primal and tangent outputs with corresponding shapes and dtypes. "
                    f"Expected {want.str_short()} (tangent type of {pa.str_short()}) but got {ta.str_short()}."
                )
            lines = "\n".join(
                f"  primal {pa.str_short()} with tangent {ta.str_short()}, expecting tangent {want.str_short()}"
                for pa, want, ta in bad
            )
            raise TypeError(
                "Custom JVP rule must produce primal and tangent outputs with corresponding shapes and dtypes, "
                f"but got:\n{lines}"
            )
        return _as_declared(pouts, self.out_avals), outs_t


def _as_declared(vals: Sequence[Any], avals: Sequence[ShapedArray]) -> list[Any]:
    """``vals`` converted to the dtypes of ``avals`` where they differ (weakly typed scalars)."""
    from functrans._src.lax import convert_element_type

    return [v if get_aval(v).dtype == a.dtype else convert_element_type(v, a.dtype) for v, a in zip(vals, avals)]


def _typematch(a: ShapedArray, b: ShapedArray) -> bool:
    if a.shape != b.shape:
        return False
    return a.dtype == b.dtype or (a.weak_type and a.dtype.kind == b.dtype.kind)


class _BatchedJVPRule:
    """A JVP rule vmapped over the batch axes ``dims`` of its inputs (outputs at axis 0)."""

    def __init__(self, rule: Any, dims: tuple[int | None, ...], size: int) -> None:
        self.rule = rule
        self.dims = dims
        self.size = size

    def __repr__(self) -> str:
        return f"vmap({self.rule!r})"

    @property
    def n_closed(self) -> int:
        return getattr(self.rule, "n_closed", 0)  # type: ignore[no-any-return]

    def __call__(self, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        n = len(primals)
        nz = [t is not None for t in tangents]
        n_out: list[int] = []

        def flat(*args: Any) -> list[Any]:
            rest = iter(args[n:])
            po, to = self.rule(list(args[:n]), [next(rest) if z else None for z in nz])
            n_out.append(len(po))
            return list(po) + [_instantiate(t, get_aval(p)) for t, p in zip(to, po)]

        args = list(primals) + [t for t in tangents if t is not None]
        dims = list(self.dims) + [d for d, z in zip(self.dims, nz) if z]
        outs, odims = vmap_flat(flat, args, dims, self.size)
        outs = _move_to_0(outs, odims, self.size, broadcast=True)
        k = n_out[0]
        touts = [None if get_aval(t).dtype == float0 else t for t in outs[k:]]
        return outs[:k], touts


def _custom_jvp_jvp(primals: Sequence[Any], tangents: Sequence[Any], call_ir: IR, jvp: Any, name: str) -> Any:
    return jvp(primals, tangents)


def _custom_jvp_batch(vals: Sequence[Any], dims: Sequence[int | None], call_ir: IR, jvp: Any, name: str) -> Any:
    _check_closed_dims(dims, getattr(jvp, "n_closed", 0), "custom_jvp", name)
    size = _axis_size(vals, dims)
    prog = _batched_call_ir(call_ir, vals, dims, size)
    bjvp = _BatchedJVPRule(jvp, tuple(dims), size)
    outs = bind(custom_jvp_call_p, vals, {"call_ir": prog, "jvp": bjvp, "name": name})
    return outs, [0] * len(outs)


custom_jvp_call_p.impl = _call_impl
custom_jvp_call_p.abstract_eval = _call_abstract_eval
custom_jvp_call_p.jvp = _custom_jvp_jvp
custom_jvp_call_p.batch = _custom_jvp_batch


class custom_jvp:  # noqa: N801 (JAX's name)
    """A function with a custom JVP rule, as ``jax.custom_jvp``.

    >>> @custom_jvp
    ... def f(x):
    ...     return fnp.log1p(fnp.exp(x))
    >>> @f.defjvp
    ... def f_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return f(x), t * (1.0 - 1.0 / (1.0 + fnp.exp(x)))

    The rule receives the primal arguments and their tangents (tuples with the pytree
    structure of the arguments; zero tangents arrive as arrays of zeros, or as
    :class:`SymbolicZero` with ``symbolic_zeros=True``) and returns ``(primal_out,
    tangent_out)``; the tangent must be linear in the tangents. The rule is used by
    jvp, by grad/vjp (transposed), under vmap (batched) and jit, and is itself
    differentiated for higher orders. Arguments at ``nondiff_argnums`` (Python values,
    functions, ...) are not differentiated and come first in the rule's arguments:
    ``rule(*nondiff_args, primals, tangents)``.
    """

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] | int = (),
                 nondiff_argnames: Sequence[str] | str = ()) -> None:  # fmt: skip
        if not callable(fun):
            raise TypeError(f"custom_jvp: expected a function, got {type(fun).__name__}")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_nums(nondiff_argnums, fun, nondiff_argnames)
        self.jvp: Callable[..., Any] | None = None
        self.symbolic_zeros = False

    def defjvp(self, jvp: Callable[..., Any], symbolic_zeros: bool = False) -> Callable[..., Any]:
        """Set the JVP rule ``jvp(primals, tangents) -> (primal_out, tangent_out)``; returns ``jvp``
        (so it can be used as a decorator)."""
        if not callable(jvp):
            raise TypeError(f"defjvp: the rule must be a function, got {type(jvp).__name__}")
        self.jvp = jvp
        self.symbolic_zeros = bool(symbolic_zeros)
        return jvp

    def defjvps(self, *jvps: Callable[..., Any] | None) -> None:
        """One rule per argument, ``jvp_i(tangent_i, primal_out, *primals) -> tangent_out``
        (``None`` for an argument that contributes nothing); the contributions are summed."""
        if self.nondiff_argnums:
            raise TypeError("defjvps is not supported with nondiff_argnums: use defjvp")

        def jvp(primals: Any, tangents: Any) -> Any:
            ans = self(*primals)
            ans_flat, ans_tree = tree_flatten(ans)
            total: list[Any] = [None] * len(ans_flat)
            for rule, t in zip(jvps, tangents):
                if rule is None:
                    continue
                contrib = tree_flatten(rule(t, ans, *primals))[0]
                total = [c if s is None else s + c for s, c in zip(total, contrib)]
            outs = [
                np.zeros(get_aval(a).shape, tangent_dtype(get_aval(a).dtype)) if s is None else s
                for s, a in zip(total, ans_flat)
            ]
            return ans, tree_unflatten(ans_tree, outs)

        jvp.__name__ = f"defjvps({_fun_name(self.fun)})"
        self.defjvp(jvp)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = _fun_name(self.fun)
        if self.jvp is None:
            raise AttributeError(f"No JVP defined for custom_jvp function {name} using defjvp.")
        args = _resolve_args(self.fun, args, kwargs, f"custom_jvp function {name}")
        flat = tree_flatten(args)[0]
        if not any(isinstance(x, Tracer) for x in flat):
            return self.fun(*args)  # nothing is being transformed
        traced = _Traced(self.fun, args, self.nondiff_argnums, f"custom_jvp function {name}")
        rule = _JVPRule(self, traced)
        outs = bind(
            custom_jvp_call_p, [*traced.closed, *traced.flat], {"call_ir": traced.ir, "jvp": rule, "name": name}
        )
        return tree_unflatten(traced.out_tree, outs)


# =========================================================================== custom_vjp

custom_vjp_call_p = Primitive("custom_vjp_call", multiple_results=True)
custom_vjp_call_p.complex_ok = True  # its body's primitives check complex operands themselves
custom_lin_p = Primitive("custom_lin", multiple_results=True)
custom_lin_p.complex_ok = True  # its body's primitives check complex operands themselves

_JVP_OF_CUSTOM_VJP = "can't apply forward-mode autodiff (jvp) to a custom_vjp function."


class _VJPRule:
    """The user's ``fwd`` and ``bwd`` for one traced call, on flat lists.

    ``fwd(primals) -> (outputs, residuals)``; ``bwd(residuals, cotangents) -> one cotangent
    per input (``None`` for zero)``. ``primals`` include the closed-over values first.
    """

    def __init__(self, cv: custom_vjp, traced: _Traced) -> None:
        self.cv = cv
        self.traced = traced
        self.n_closed = len(traced.closed)
        self.in_avals = [get_aval(x) for x in traced.flat]
        self.out_avals = [v.aval for v in traced.ir.outvars]
        self.res_tree: PyTreeDef | None = None

    def __repr__(self) -> str:
        return f"vjp_rule({_fun_name(self.cv.fwd)}, {_fun_name(self.cv.bwd)})"

    def fwd(self, primals: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        cv, tr = self.cv, self.traced
        fname, rname = _fun_name(cv.fun), _fun_name(cv.fwd)
        dyn = tree_unflatten(tr.in_tree, list(primals[self.n_closed :]))
        pair = cv.fwd(*tr.full_args(dyn))
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(
                f"Custom VJP fwd rule {rname} for function {fname} must produce a pair (list or tuple of length "
                f"two) where the first element represents the primal output (equal to those of the "
                f"custom_vjp-decorated function {fname}) and the second element represents residuals (i.e. "
                "values stored from the forward pass for use on the backward pass), but instead of a pair the "
                f"fwd rule {rname} produced {pair!r}."
            )
        outs, o_tree = tree_flatten(pair[0])
        res, res_tree = tree_flatten(pair[1])
        o_avals = [get_aval(o) for o in outs]
        if o_tree != tr.out_tree or not all(_typematch(a, b) for a, b in zip(o_avals, self.out_avals)):
            raise TypeError(
                f"Custom VJP fwd rule {rname} for function {fname} must produce a pair (list or tuple of length "
                f"two) where the first element represents the primal output (equal to the output of the "
                f"custom_vjp-decorated function {fname}) and the second element represents residuals, but "
                f"instead the fwd rule output's first element had structure {o_tree} and shapes/dtypes "
                f"{[a.str_short() for a in o_avals]} while the custom_vjp-decorated function {fname} had "
                f"output structure {tr.out_tree} and shapes/dtypes {[a.str_short() for a in self.out_avals]}."
            )
        for i, r in enumerate(res):
            from functrans._src.boundary import _check_leaf

            _check_leaf(r, f"Residual leaf {i} returned by the fwd rule {rname} of custom_vjp function {fname}")
        self.res_tree = res_tree
        return _as_declared(outs, self.out_avals), res

    def bwd(self, res: Sequence[Any], cts: Sequence[Any]) -> list[Any]:
        cv, tr = self.cv, self.traced
        fname = _fun_name(cv.fun)
        py_res = tree_unflatten(self.res_tree, list(res))  # type: ignore[arg-type]
        py_cts = tree_unflatten(tr.out_tree, list(cts))
        out = cv.bwd(*tr.nondiff, py_res, py_cts)
        in_tree = tr.in_tree  # a tuple of the differentiable arguments
        n_args = len(tr.dyn_pos)
        if isinstance(out, list) and len(out) == n_args:
            out = tuple(out)
        if not isinstance(out, tuple) or len(out) != n_args:
            raise TypeError(
                "Custom VJP bwd rule must produce an output with the same container (pytree) structure as the "
                "args tuple of the primal function, and in particular must produce a tuple of length equal to "
                f"the number of arguments to the primal function, but got bwd output structure "
                f"{tree_structure(out)} for primal input structure {in_tree} (custom_vjp function {fname}: "
                f"bwd returned {_describe(out)} for {n_args} differentiable argument(s))."
            )
        arg_trees = tree_unflatten(in_tree, [object()] * in_tree.num_leaves)
        results: list[Any] = []
        for k, (ct, arg) in enumerate(zip(out, arg_trees)):
            leaves_arg, t_arg = tree_flatten(arg)
            if ct is None:
                results.extend([None] * len(leaves_arg))
                continue
            leaves_ct, t_ct = tree_flatten(ct, is_leaf=lambda x: x is None)
            if t_ct != t_arg:
                raise TypeError(
                    "Custom VJP bwd rule must produce an output with the same container (pytree) structure as "
                    f"the args tuple of the primal function, but for argument {k} of custom_vjp function {fname} "
                    f"the bwd rule produced structure {t_ct} for an input of structure {t_arg}."
                )
            results.extend(leaves_ct)
        outs: list[Any] = []
        for i, (ct, a) in enumerate(zip(results, self.in_avals)):
            want = tangent_aval(a)
            if ct is None or want.dtype == float0:
                outs.append(None)
                continue
            ca = get_aval(ct)
            if ca.shape != want.shape:
                raise ValueError(
                    "Custom VJP bwd rule must produce an output with the same type as the args tuple of the primal "
                    f"function, but at output{_leaf_path(in_tree, i)} the bwd rule produced an output of type "
                    f"{ca.str_short()} corresponding to an input of type {a.str_short()}, so the shapes do not "
                    f"match (custom_vjp function {fname})."
                )
            if ca.dtype != want.dtype:
                from functrans._src.lax import convert_element_type

                ct = convert_element_type(ct, want.dtype)
            outs.append(ct)
        return outs


def _describe(x: Any) -> str:
    if isinstance(x, tuple | list):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"a value of type {type(x).__name__}"


def _leaf_path(tree: PyTreeDef, i: int) -> str:
    """``[k]`` (argument k) or ``[k] leaf j`` for flat leaf ``i`` of the args tuple."""
    args = tree_unflatten(tree, list(range(tree.num_leaves)))
    for k, a in enumerate(args):
        leaves = tree_flatten(a)[0]
        if i in leaves:
            return f"[{k}]" if len(leaves) == 1 else f"[{k}] (leaf {leaves.index(i)})"
    return f"[{i}]"


class _BatchedVJPRule:
    """``fwd`` and ``bwd`` vmapped over the batch axes ``dims`` of the inputs.

    Outputs and residuals are batched along axis 0. ``bwd`` returns cotangents with each
    input's own batch axis; for an unbatched input, the per-example cotangents are summed.
    """

    def __init__(self, rule: Any, dims: tuple[int | None, ...], size: int) -> None:
        self.rule = rule
        self.dims = dims
        self.size = size
        self.n_out = 0

    def __repr__(self) -> str:
        return f"vmap({self.rule!r})"

    def fwd(self, primals: Sequence[Any]) -> tuple[list[Any], list[Any]]:
        n_out: list[int] = []

        def flat(*args: Any) -> list[Any]:
            outs, res = self.rule.fwd(args)
            n_out.append(len(outs))
            return list(outs) + list(res)

        vals, odims = vmap_flat(flat, list(primals), list(self.dims), self.size)
        vals = _move_to_0(vals, odims, self.size, broadcast=True)
        self.n_out = n_out[0]
        return vals[: self.n_out], vals[self.n_out :]

    def bwd(self, res: Sequence[Any], cts: Sequence[Any]) -> list[Any]:
        from functrans._src.lax import moveaxis, reduce_sum

        nr = len(res)
        n_cts = len(self.rule.in_avals)

        nz_mask: list[bool] = []

        def flat_masked(*args: Any) -> list[Any]:
            out = self.rule.bwd(args[:nr], args[nr:])
            nz_mask.extend(c is not None for c in out)
            return [c for c in out if c is not None]

        vals, odims = vmap_flat(flat_masked, [*res, *cts], [0] * (nr + len(cts)), self.size)
        vals = iter(_move_to_0(vals, odims, self.size, broadcast=True))
        out: list[Any] = []
        dims = self.dims[len(self.dims) - n_cts :]
        for nz, d in zip(nz_mask, dims):
            if not nz:
                out.append(None)
                continue
            v = next(vals)
            out.append(reduce_sum(v, (0,)) if d is None else moveaxis(v, 0, d) if d != 0 else v)
        return out

    @property
    def in_avals(self) -> list[ShapedArray]:
        return self.rule.in_avals  # type: ignore[no-any-return]

    @property
    def n_closed(self) -> int:
        return self.rule.n_closed  # type: ignore[no-any-return]


def _custom_vjp_jvp(primals: Sequence[Any], tangents: Sequence[Any], call_ir: IR, rule: Any, name: str) -> Any:
    _check_closed_tangents(tangents, rule.n_closed, "custom_vjp", name)
    outs, res = rule.fwd(primals)
    tans = tangents[rule.n_closed :]
    nonzero = tuple(t is not None for t in tans)
    out_avals = tuple(tangent_aval(get_aval(o)) for o in outs)
    params = {"rule": rule, "num_res": len(res), "nonzero": nonzero, "out_avals": out_avals, "name": name}
    touts = bind(custom_lin_p, [*res, *(t for t in tans if t is not None)], params)
    return outs, [None if a.dtype == float0 else t for t, a in zip(touts, out_avals)]


def _custom_vjp_batch(vals: Sequence[Any], dims: Sequence[int | None], call_ir: IR, rule: Any, name: str) -> Any:
    _check_closed_dims(dims, rule.n_closed, "custom_vjp", name)
    size = _axis_size(vals, dims)
    prog = _batched_call_ir(call_ir, vals, dims, size)
    brule = _BatchedVJPRule(rule, tuple(dims), size)
    outs = bind(custom_vjp_call_p, vals, {"call_ir": prog, "rule": brule, "name": name})
    return outs, [0] * len(outs)


custom_vjp_call_p.impl = _call_impl
custom_vjp_call_p.abstract_eval = _call_abstract_eval
custom_vjp_call_p.jvp = _custom_vjp_jvp
custom_vjp_call_p.batch = _custom_vjp_batch


def _lin_impl(*args: Any, **params: Any) -> list[Any]:
    raise TypeError(_JVP_OF_CUSTOM_VJP)


def _lin_abstract_eval(*avals: ShapedArray, out_avals: tuple[ShapedArray, ...], **_: Any) -> list[ShapedArray]:
    return list(out_avals)


def _lin_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    raise TypeError(_JVP_OF_CUSTOM_VJP)


def _lin_batch(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> Any:
    raise TypeError(_JVP_OF_CUSTOM_VJP)


def _lin_transpose(
    cts: Sequence[Any], *args: Any, rule: Any, num_res: int, nonzero: tuple[bool, ...], out_avals: Any, name: str
) -> list[Any]:
    from functrans._src.transpose import is_undefined

    res = args[:num_res]
    if any(is_undefined(r) for r in res):
        raise NotImplementedError(f"custom_vjp function {name}: its residuals cannot depend on the tangents")
    cts_in = [np.zeros(a.shape, a.dtype) if c is None else c for c, a in zip(cts, out_avals)]
    # a float0 cotangent (for an integer output) is passed as float0 zeros
    grads = rule.bwd(res, cts_in)
    return [None] * num_res + [g for g, nz in zip(grads, nonzero) if nz]


custom_lin_p.impl = _lin_impl
custom_lin_p.abstract_eval = _lin_abstract_eval
custom_lin_p.jvp = _lin_jvp
custom_lin_p.batch = _lin_batch
custom_lin_p.transpose = _lin_transpose


class custom_vjp:  # noqa: N801 (JAX's name)
    """A function with a custom VJP rule, as ``jax.custom_vjp``.

    ``f.defvjp(fwd, bwd)``: ``fwd(*args) -> (out, residuals)`` (residuals any pytree of
    arrays), ``bwd(*nondiff_args, residuals, out_cotangent) -> tuple`` with one cotangent
    per differentiable argument, each with the argument's structure and shapes (``None``
    for an argument or a leaf means zero). Reverse mode (grad, vjp, jacrev) runs ``fwd``
    forward and ``bwd`` backward; vmap batches the function, ``fwd`` and ``bwd``; forward
    mode (jvp, jacfwd) raises TypeError, as in JAX.
    """

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] | int = (),
                 nondiff_argnames: Sequence[str] | str = ()) -> None:  # fmt: skip
        if not callable(fun):
            raise TypeError(f"custom_vjp: expected a function, got {type(fun).__name__}")
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = _nondiff_nums(nondiff_argnums, fun, nondiff_argnames)
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any], symbolic_zeros: bool = False) -> None:
        """Set the forward rule ``fwd`` and the backward rule ``bwd``."""
        if not callable(fwd) or not callable(bwd):
            raise TypeError("defvjp: fwd and bwd must be functions")
        if symbolic_zeros:
            raise NotImplementedError("custom_vjp.defvjp: symbolic_zeros=True is not supported")
        self.fwd = fwd
        self.bwd = bwd

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = _fun_name(self.fun)
        if self.fwd is None:
            raise AttributeError(f"No VJP defined for custom_vjp function {name} using defvjp.")
        args = _resolve_args(self.fun, args, kwargs, f"custom_vjp function {name}")
        flat = tree_flatten(args)[0]
        if not any(isinstance(x, Tracer) for x in flat):
            return self.fun(*args)
        traced = _Traced(self.fun, args, self.nondiff_argnums, f"custom_vjp function {name}")
        rule = _VJPRule(self, traced)
        outs = bind(
            custom_vjp_call_p, [*traced.closed, *traced.flat], {"call_ir": traced.ir, "rule": rule, "name": name}
        )
        return tree_unflatten(traced.out_tree, outs)


def all_custom_primitives() -> list[Primitive]:
    """The primitives declared here (for rule-coverage tests)."""
    return [custom_jvp_call_p, custom_vjp_call_p, custom_lin_p]
