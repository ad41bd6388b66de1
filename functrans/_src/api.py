"""The public transformations, with JAX's names and signatures.

This (with :mod:`functrans._src.jacobian` for jacfwd/jacrev/jacobian and
:mod:`functrans._src.boundary` for the input checks) is the only place pytrees are
handled: every function here flattens its inputs, calls a flat interpreter from its
own module (jvp, linearize, transpose, staging) and unflattens the results. Symbolic
zeros become real arrays of zeros here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax, tape
from functrans._src.batching import AXIS_ENV, vmap_flat
from functrans._src.boundary import (
    _arg_names,
    _check_argnums,
    _check_args,
    _check_callable,
    _check_cotangent,
    _check_leaf,
    _check_tangent,
    _dyn_args,
    _Flat,
    _linearize_tree,
    _out,
    _partial_args,
    _zeros_or,
)
from functrans._src.core import (
    IR,
    ShapedArray,
    get_aval,
    is_float_dtype,
    unaliased,
    zeros_for,
)
from functrans._src.jacobian import check_inputs, check_outputs, jacfwd, jacobian_mode, jacobian_wrapper, jacrev  # noqa: F401
from functrans._src.jvp import jvp_flat
from functrans._src.lax import stop_gradient  # noqa: F401  (public: functrans.stop_gradient)
from functrans._src.linearize import LinearFunction, linearize_flat
from functrans._src.staging import trace_to_ir
from functrans._src.tape import TapeState
from functrans._src.tape import seed as _seed
from functrans._src.tape_staged import staged
from functrans._src.transpose import backward_pass
from functrans._src.tree_compiled import unflatten as unflatten_compiled
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

# --------------------------------------------------------------------------- forward mode


def jvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False) -> Any:
    """Evaluate ``fun`` and its Jacobian-vector product at ``primals`` along ``tangents``.

    Returns ``(primals_out, tangents_out)`` (plus ``aux`` with ``has_aux=True``), as
    ``jax.jvp``. ``primals`` and ``tangents`` are tuples or lists of the same
    pytree structure; each tangent has its primal's shape and dtype (``float0``
    for integer primals).
    """
    _check_callable(fun, "jvp")
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError(
            "primal and tangent arguments to functrans.jvp must be tuples or lists; found "
            f"{type(primals).__name__} and {type(tangents).__name__}."
        )
    flat_p, tree_p = tree_flatten(primals)
    flat_t, tree_t = tree_flatten(tangents)
    if tree_p != tree_t:
        raise TypeError(
            "primal and tangent arguments to functrans.jvp must have the same tree structure; "
            f"primals have tree structure {tree_p} whereas tangents have tree structure {tree_t}."
        )
    _check_args(fun, primals, "jvp")
    ts = [_check_tangent(p, t, i, "jvp") for i, (p, t) in enumerate(zip(flat_p, flat_t))]
    f = _Flat(fun, tree_p, has_aux)
    po, to = jvp_flat(f, flat_p, ts)
    outs, aux = f.split(po)
    res = unaliased([_out(p) for p in outs] + [_zeros_or(t, p) for p, t in zip(outs, to)], flat_p + flat_t)
    primals_out = tree_unflatten(f.out_tree, res[: len(outs)])  # type: ignore[arg-type]
    tangents_out = tree_unflatten(f.out_tree, res[len(outs) :])  # type: ignore[arg-type]
    if has_aux:
        return primals_out, tangents_out, aux
    return primals_out, tangents_out


def linearize(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """Evaluate ``fun`` at ``primals`` and return ``(primals_out, f_jvp)``.

    ``f_jvp(*tangents)`` evaluates the recorded linear map (the JVP at
    ``primals``) without re-running ``fun``. As ``jax.linearize``.
    """
    _check_callable(fun, "linearize")
    flat_p, tree_p, f, outs, aux, lin = _linearize_tree(fun, primals, has_aux, "linearize")
    out_tree = f.out_tree
    n_out = f.n_out

    def f_jvp(*tangents: Any) -> Any:
        flat_t, tree_t = tree_flatten(tangents)
        if tree_t != tree_p:
            raise TypeError(
                f"linearized function called with tangents of tree structure {tree_t}, but the primals "
                f"had tree structure {tree_p}"
            )
        ts = [_check_tangent(p, t, i, "linearized function") for i, (p, t) in enumerate(zip(flat_p, flat_t))]
        tout = lin.forward(ts)[:n_out]
        res = unaliased([_zeros_or(t, p) for p, t in zip(outs, tout)], flat_t, lin.ir.consts)
        return tree_unflatten(out_tree, res)  # type: ignore[arg-type]

    f_jvp.linear_ir = lin.ir  # type: ignore[attr-defined]
    primals_out = tree_unflatten(out_tree, unaliased([_out(p) for p in outs], flat_p))  # type: ignore[arg-type]
    if has_aux:
        return primals_out, f_jvp, aux
    return primals_out, f_jvp


# --------------------------------------------------------------------------- reverse mode


def _vjp(
    fun: Callable[..., Any],
    primals: Sequence[Any],
    has_aux: bool,
    fname: str = "vjp",
    flat: tuple[list[Any], PyTreeDef] | None = None,
) -> tuple[list[Any], PyTreeDef, Any, Any, LinearFunction]:
    if flat is None:
        flat_p, tree_p, f, outs, aux, lin = _linearize_tree(fun, tuple(primals), has_aux, fname)
    else:  # the primals' leaves and structure, their leaves already checked by the caller
        flat_p, tree_p = flat
        f = _Flat(fun, tree_p, has_aux)
        po, lin = linearize_flat(f, flat_p)
        outs, aux = f.split(po)
    n_out = f.n_out
    out_tree = f.out_tree

    def vjp_fun(cotangent: Any) -> tuple[Any, ...]:
        flat_ct, tree_ct = tree_flatten(cotangent)
        if tree_ct != out_tree:
            raise ValueError(  # as JAX
                f"Tree structure of cotangent input {tree_ct} does not match the structure of the "
                f"primal output {out_tree}."
            )
        out_avals = [get_aval(o) for o in outs]  # here: grad, which checks its seed itself, never needs them
        cts = [_check_cotangent(c, a, i) for i, (c, a) in enumerate(zip(flat_ct, out_avals))]
        return pullback(cts, flat_ct)

    def pullback(cts: list[Any], flat_ct: list[Any], release: bool = False) -> tuple[Any, ...]:
        # release: the map is used once (grad), so the residuals are freed as the pass goes
        cts_in = lin.transpose(cts + [None] * (len(lin.ir.outvars) - n_out), release)
        grads = unaliased([_zeros_or(c, p) for c, p in zip(cts_in, flat_p)], flat_ct + flat_p, lin.ir.consts)
        return tuple(tree_unflatten(tree_p, grads))

    vjp_fun.linear_ir = lin.ir  # type: ignore[attr-defined]
    vjp_fun.pullback = pullback  # type: ignore[attr-defined]  (checked flat cotangents; grad's seed)
    return outs, out_tree, aux, vjp_fun, lin  # type: ignore[return-value]


def vjp(fun: Callable[..., Any], *primals: Any, has_aux: bool = False, reduce_axes: Sequence[Any] = ()) -> Any:
    """Evaluate ``fun`` at ``primals`` and return ``(primals_out, vjp_fun)``.

    ``vjp_fun(cotangent)`` returns a tuple with one cotangent per primal (the
    vector-Jacobian product), computed by transposing the linearization: no
    layer's Jacobian is ever formed. As ``jax.vjp``.
    """
    _check_callable(fun, "vjp")
    _no_reduce_axes(reduce_axes, "vjp")
    outs, out_tree, aux, vjp_fun, _ = _vjp(fun, primals, has_aux)
    primals_out = tree_unflatten(out_tree, unaliased([_out(o) for o in outs], tree_flatten(primals)[0]))
    if has_aux:
        return primals_out, vjp_fun, aux
    return primals_out, vjp_fun


def value_and_grad(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence[Any] = (),
) -> Callable[..., Any]:
    """A function returning ``fun``'s value and its gradient, as ``jax.value_and_grad``.

    ``fun`` must return a real scalar; for a complex input ``z = x + iy`` the gradient is
    ``df/dx - i df/dy`` (so ``grad(lambda z: abs(z)**2)(z) == 2*conj(z)``), as in JAX. With
    ``holomorphic=True`` inputs and output must be complex and the result is ``f'(z)``.
    """
    _check_callable(fun, "value_and_grad")
    _no_reduce_axes(reduce_axes, "value_and_grad")
    argnums = _check_argnums(argnums, "value_and_grad")
    tape_state = TapeState()
    one = argnums if type(argnums) is int else None

    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        nums, dyn = _dyn_args(args, argnums, "grad")
        flat_dyn, tree_dyn = tape_state.leaves(dyn)  # flattened once (_vjp takes the leaves as they are)
        f64 = True  # the common case: real float64 arrays, nothing to check
        for leaf in flat_dyn:
            if type(leaf) is not np.ndarray or leaf.dtype is not _F64:
                f64 = False
                break
        if holomorphic or not f64:
            _check_grad_inputs(fun, args, nums, flat_dyn, tree_dyn, holomorphic, allow_int)
        f = _partial_args(fun, args, kwargs, nums)
        run = None if holomorphic or tape_state.off else _record(tape_state, f, flat_dyn, tree_dyn, has_aux, f64)
        if run is None:
            outs, out_tree, aux, vjp_fun, _ = _vjp(f, dyn, has_aux, flat=(flat_dyn, tree_dyn))
        else:  # recorded on the tape (functrans._src.tape): the same checks, then its backward program
            outs, out_tree, aux = run.outs, run.out_tree, run.aux
        if len(outs) != 1 or (out_tree is not _LEAF_TREE and out_tree != _LEAF_TREE):
            raise TypeError(
                f"Gradient only defined for scalar-output functions. Output was a {out_tree}, not a single array."
            )
        aval = get_aval(outs[0])
        if aval.shape != ():
            raise TypeError(f"Gradient only defined for scalar-output functions. Output had shape: {aval.shape}.")
        check_outputs("grad", [aval], holomorphic)
        g = None if run is None else _tape_grads(run, aval, flat_dyn, tree_dyn)
        if g is None:
            if run is not None:  # the tape could not stage the backward pass: the normal path decides
                outs, out_tree, aux, vjp_fun, _ = _vjp(f, dyn, has_aux, flat=(flat_dyn, tree_dyn))
            g = vjp_fun.pullback([_seed(aval)], [], True)  # used once: the residuals are freed as it goes
        value = unaliased([_out(outs[0])], flat_dyn)[0]
        grads = g[0] if one is not None else tuple(g)
        return ((value, aux), grads) if has_aux else (value, grads)

    value_and_grad_f.__name__ = f"value_and_grad({getattr(fun, '__name__', 'fun')})"
    value_and_grad_f.__doc__ = fun.__doc__
    return value_and_grad_f


def _check_grad_inputs(fun: Callable[..., Any], args: tuple[Any, ...], nums: tuple[int, ...], flat: list[Any],
                       tree: PyTreeDef, holomorphic: bool, allow_int: bool) -> None:  # fmt: skip
    """Check the differentiated leaves (``flat``, of the arguments at ``nums``): JAX's errors,
    naming the argument."""
    j = 0
    for k, sub in zip(nums, tree.children()):
        what = lambda k=k: f"{_arg_names(fun, len(args))[k]} of grad"  # noqa: E731  (for errors only)
        for leaf in flat[j : j + sub.num_leaves]:
            if type(leaf) is np.ndarray and leaf.dtype is _F64 and not holomorphic:
                continue  # the common case: a valid real input
            dt = get_aval(_check_leaf(leaf, what)).dtype
            if holomorphic or not (is_float_dtype(dt) or allow_int):
                check_inputs("grad", [ShapedArray((), dt)], holomorphic,
                             lambda _, k=k: _arg_names(fun, len(args))[k])  # fmt: skip
        j += sub.num_leaves


_LEAF_TREE = tree_flatten(0.0)[1]  # the structure of a single array
_F64 = np.dtype(np.float64)


def _record(state: TapeState, f: Callable[..., Any], flat: list[Any], tree: PyTreeDef, has_aux: bool,
            f64: bool) -> Any:  # fmt: skip
    """Run ``f`` on the eager tape (see functrans._src.tape), or None for the normal path."""
    ff = _Flat(f, tree, has_aux)
    run = tape.record(state, ff, flat, has_aux, ff.split, f64)
    if run is not None:
        run.out_tree = ff.out_tree
    return run


def _tape_grads(run: Any, aval: ShapedArray, flat: list[Any], tree: PyTreeDef) -> tuple[Any, ...] | None:
    """The gradients from the tape's compiled backward program, as the normal path returns them."""
    cts = run.grads(aval)
    if cts is None:
        return None
    # the tape's results are fresh arrays (see TapeRun.grads); zeros where no gradient flows
    return tuple(unflatten_compiled(tree, [_zeros_or(c, p) if c is None else c for c, p in zip(cts, flat)]))


def grad(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    allow_int: bool = False,
    reduce_axes: Sequence[Any] = (),
) -> Callable[..., Any]:
    """The gradient of a scalar-valued ``fun`` with respect to the arguments ``argnums``.

    As ``jax.grad``: an int ``argnums`` gives one gradient, a tuple gives a tuple;
    with ``has_aux=True`` the function returns ``(value, aux)`` and the gradient
    function returns ``(grads, aux)``. Complex inputs: see :func:`value_and_grad`
    (``holomorphic=True`` differentiates a holomorphic function of complex inputs).
    """
    _check_callable(fun, "grad")
    _no_reduce_axes(reduce_axes, "grad")
    argnums = _check_argnums(argnums, "grad")
    vg = value_and_grad(fun, argnums, has_aux, holomorphic, allow_int)

    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, g = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    grad_f.__name__ = f"grad({getattr(fun, '__name__', 'fun')})"
    grad_f.__doc__ = fun.__doc__
    return grad_f


def hessian(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False, holomorphic: bool = False
) -> Callable[..., Any]:
    """The Hessian of a scalar ``fun``: ``jacfwd(jacrev(fun))``, shape ``in.shape + in.shape``.

    As ``jax.hessian``, complex inputs need ``holomorphic=True`` (jacfwd takes real inputs only);
    for the curvature of a real function of complex inputs use :func:`hvp`.
    """
    _check_callable(fun, "hessian")
    inner = jacobian_wrapper(fun, argnums, has_aux, "rev", None, holomorphic, tape=False)
    normal = jacobian_wrapper(inner, argnums, has_aux, "fwd", None, holomorphic, tape=False)
    normal.__name__ = f"hessian({getattr(fun, '__name__', 'fun')})"
    if has_aux or holomorphic:
        return normal

    def transform(g: Callable[..., Any], a: Any) -> Callable[..., Any]:
        return jacobian_wrapper(jacobian_wrapper(g, a, False, "rev", None, tape=False), a, False, "fwd", None,
                                tape=False)  # fmt: skip

    return staged(fun, normal, _check_argnums(argnums, "hessian"), transform, ("hessian",), "hessian")


def hvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    """The Hessian-vector product of a scalar ``fun`` at ``primals`` along ``tangents``.

    Forward-over-reverse: the JVP of ``grad(fun, argnums=all)``; the Hessian is never
    formed. ``primals`` and ``tangents`` are tuples of the positional arguments (as in
    :func:`jvp`); the result has the structure of ``primals``.
    """
    _check_callable(fun, "hvp")
    if not isinstance(primals, tuple | list):
        raise TypeError(f"hvp: primals must be a tuple or list of arguments, got {type(primals).__name__}")
    _check_args(fun, primals, "hvp")
    argnums = tuple(range(len(primals)))
    return jvp(grad(fun, argnums=argnums), tuple(primals), tuple(tangents))[1]


def _no_reduce_axes(reduce_axes: Any, name: str) -> None:
    # jax's reduce_axes (named axes of xmap) is gone from JAX's transformations: only () is accepted
    if reduce_axes:
        raise NotImplementedError(f"{name}: reduce_axes is not supported (named axes); got {reduce_axes!r}")


def linear_transpose(fun: Callable[..., Any], *primals: Any, reduce_axes: Sequence[Any] = ()) -> Callable[..., Any]:
    """The transpose of the linear function ``fun``; ``primals`` give only shapes and dtypes.

    As ``jax.linear_transpose``: the returned function takes an output cotangent and
    returns a tuple of input cotangents.
    """
    _check_callable(fun, "linear_transpose")
    _no_reduce_axes(reduce_axes, "linear_transpose")
    flat_p, tree_p = tree_flatten(primals)
    _check_args(fun, primals, "linear_transpose")
    in_avals = [get_aval(p) for p in flat_p]
    for i, a in enumerate(in_avals):
        if not is_float_dtype(a.dtype):
            raise TypeError(f"linear_transpose only supports floating inputs, but input {i} has dtype {a.dtype}")
    f = _Flat(fun, tree_p)
    ir, raw_outs = trace_to_ir(f, [ShapedArray(a.shape, a.dtype) for a in in_avals])
    out_tree = f.out_tree
    out_avals = [get_aval(o) for o in raw_outs]

    def transposed(cotangent: Any) -> tuple[Any, ...]:
        flat_ct, tree_ct = tree_flatten(cotangent)
        if tree_ct != out_tree:
            raise TypeError(f"cotangent has tree structure {tree_ct}, but the function's output has {out_tree}")
        cts = [_check_cotangent(c, a, i) for i, (c, a) in enumerate(zip(flat_ct, out_avals))]
        cts_in = backward_pass(ir, ir.consts, cts)
        res = unaliased([zeros_for(a) if c is None else _out(c) for c, a in zip(cts_in, in_avals)], flat_ct, ir.consts)
        return tuple(tree_unflatten(tree_p, res))

    transposed.linear_ir = ir  # type: ignore[attr-defined]
    return transposed


# --------------------------------------------------------------------------- vectorisation


def _check_axes_spec(spec: Any, what: str) -> Any:
    if isinstance(spec, list) and what == "in_axes":
        spec = tuple(spec)  # a list of per-argument axes is read as a tuple, as JAX does
    leaves = tree_flatten(spec, is_leaf=lambda x: x is None)[0]
    for leaf in leaves:
        if leaf is not None and type(leaf) is not int:
            raise TypeError(
                f"vmap {what} must be an int, None, or a (nested) tuple/list/dict with those as leaves, "
                f"but got {spec!r}"
            )
    if what == "in_axes" and not (spec is None or type(spec) in (int, tuple)):
        raise TypeError(
            f"vmap in_axes must be an int, None, or a tuple with one entry per positional argument, but got {spec!r}"
        )
    return spec


def _broadcast_prefix(spec: Any, tree: Any, what: str) -> list[Any]:
    """One entry of ``spec`` (a pytree prefix of ``tree``) for each leaf of ``tree``."""
    leaves, treedef = tree_flatten(tree)
    if spec is None or type(spec) is int:
        return [spec] * len(leaves)
    spec_def = tree_flatten(spec, is_leaf=lambda x: x is None)[1]
    positions = tree_unflatten(treedef, list(range(len(leaves))))
    try:
        subtrees = spec_def.flatten_up_to(positions)
    except ValueError:
        raise ValueError(
            f"vmap {what} specification must be a tree prefix of the corresponding value: got "
            f"{what}={spec!r} for a value of structure {treedef}"
        ) from None
    out: list[Any] = [None] * len(leaves)
    for axis, sub in zip(tree_flatten(spec, is_leaf=lambda x: x is None)[0], subtrees):
        for k in tree_flatten(sub)[0]:
            out[k] = axis
    return out


def vmap(
    fun: Callable[..., Any],
    in_axes: Any = 0,
    out_axes: Any = 0,
    axis_name: Any = None,
    axis_size: int | None = None,
    spmd_axis_name: Any = None,
) -> Callable[..., Any]:
    """Vectorise ``fun`` over an axis of its inputs, as ``jax.vmap``.

    ``in_axes`` is an int, ``None`` (not mapped) or a tuple with one entry per
    positional argument, each itself a pytree prefix of that argument (negative
    axes count from the end). ``out_axes`` is likewise a prefix of the output.
    Keyword arguments are mapped over axis 0. ``axis_size`` gives the batch size
    when no input is mapped. Each primitive runs once on the whole batch; Python
    control flow on a batched value raises an error (use ``functrans.numpy.where``).
    ``axis_name`` names the mapped axis for the collectives of ``functrans.lax`` (``psum``,
    ``pmean``, ``pmax``, ``pmin``, ``all_gather``, ``ppermute``, ``axis_index``, ``axis_size``);
    ``spmd_axis_name`` is accepted and ignored (there is one device).
    """
    _check_callable(fun, "vmap")
    if axis_name is not None:
        try:
            hash(axis_name)
        except TypeError:
            raise TypeError(f"vmap axis_name must be hashable, got {axis_name!r}") from None
    in_axes = _check_axes_spec(in_axes, "in_axes")
    out_axes = _check_axes_spec(out_axes, "out_axes")
    if axis_size is not None and (not isinstance(axis_size, int) or axis_size < 0):
        raise ValueError(f"vmap: axis_size must be a non-negative int, got {axis_size!r}")

    def vmapped(*args: Any, **kwargs: Any) -> Any:
        if isinstance(in_axes, tuple) and len(in_axes) != len(args):
            raise ValueError(
                f"vmap in_axes must have one entry per positional argument: in_axes has {len(in_axes)} "
                f"entries but the function was called with {len(args)} positional arguments"
            )
        tree_args = (args, kwargs)
        flat, tree = tree_flatten(tree_args)
        per_arg = _broadcast_prefix(in_axes, args, "in_axes")
        dims: list[int | None] = per_arg + [0] * (len(flat) - len(per_arg))

        def owner(k: int) -> str:  # only for error messages: the argument leaf k belongs to
            names = _arg_names(fun, len(args))
            owners = [names[i] for i, a in enumerate(args) for _ in tree_flatten(a)[0]]
            owners += [f"keyword argument {k!r}" for k in sorted(kwargs) for _ in tree_flatten(kwargs[k])[0]]
            return owners[k]

        sizes: list[tuple[int, int, ShapedArray]] = []
        for k, (x, d) in enumerate(zip(flat, dims)):
            aval = get_aval(_check_leaf(x, lambda k=k: f"{owner(k)} of vmap"))
            if d is None:
                continue
            if not -aval.ndim <= d < aval.ndim:
                where = f"axes in [-{aval.ndim}, {aval.ndim})" if aval.ndim else "no axis (it is a scalar)"
                raise ValueError(
                    f"vmap was asked to map {owner(k)} along axis {d}, but it has rank {aval.ndim} "
                    f"(shape {aval.shape}), so it can be mapped along {where}"
                )
            dims[k] = d % aval.ndim
            sizes.append((aval.shape[dims[k]], k, aval))
        size = axis_size
        if size is None:
            if not sizes:
                raise ValueError("vmap must have at least one non-None value in in_axes, or be given axis_size")
            size = sizes[0][0]
        if any(s != size for s, _, _ in sizes):
            lines = "\n".join(
                f"  * size {s}: axis {dims[k]} of {owner(k)} of type {aval.str_short()}" for s, k, aval in sizes
            )
            extra = f" (axis_size={axis_size})" if axis_size is not None else ""
            raise ValueError(f"vmap got inconsistent sizes for the array axes to be mapped{extra}:\n{lines}")

        def flat_fun(*xs: Any) -> list[Any]:
            a, kw = tree_unflatten(tree, list(xs))
            out = fun(*a, **kw)
            leaves, flat_fun.out_tree = tree_flatten(out)  # type: ignore[attr-defined]
            for leaf in leaves:
                _check_leaf(leaf, "An output of the vmapped function")
            return leaves

        if axis_name is None and not AXIS_ENV:  # (no named axis anywhere: nothing to inherit)
            vals, out_dims = vmap_flat(flat_fun, flat, dims, size)
        else:
            vals, out_dims = vmap_flat(flat_fun, flat, dims, size, axis_name=axis_name)
        out_tree = flat_fun.out_tree  # type: ignore[attr-defined]
        want = _broadcast_prefix(out_axes, tree_unflatten(out_tree, list(range(len(vals)))), "out_axes")
        results = []
        for v, d, ax in zip(vals, out_dims, want):
            aval = get_aval(v)
            if ax is None:
                if d is not None:
                    raise ValueError(
                        "vmap has a mapped output but out_axes is None for it: an output that depends "
                        "on the mapped inputs needs an out_axes entry"
                    )
                results.append(_out(v))
                continue
            nd = aval.ndim + (d is None)
            if not -nd <= ax < nd:
                raise ValueError(f"vmap out_axes={ax} is out of bounds for an output of rank {nd}")
            if d is None:
                v = lax.broadcast_to(v, (size,) + aval.shape)
                d = 0
            results.append(_out(lax.moveaxis(v, d, ax % nd)))
        return tree_unflatten(out_tree, unaliased(results, flat))

    vmapped.__name__ = f"vmap({getattr(fun, '__name__', 'fun')})"
    vmapped.__doc__ = fun.__doc__
    return vmapped


# --------------------------------------------------------------------------- the IR


def make_ir(fun: Callable[..., Any], static_argnums: int | Sequence[int] = ()) -> Callable[..., IR]:
    """A function that traces ``fun`` on the given arguments and returns its :class:`IR`.

    Arguments at ``static_argnums`` are passed through as Python values; the others
    become the IR's inputs (only their shapes and dtypes matter). ``str()`` of the
    result is a readable listing.
    """
    _check_callable(fun, "make_ir")
    if isinstance(static_argnums, int | np.integer) and not isinstance(static_argnums, bool):
        statics: tuple[int, ...] = (int(static_argnums),)
    elif isinstance(static_argnums, tuple | list) and all(
        isinstance(i, int | np.integer) and not isinstance(i, bool) for i in static_argnums
    ):
        statics = tuple(int(i) for i in static_argnums)
    else:
        raise TypeError(f"make_ir: static_argnums must be an int or a tuple of ints, got {static_argnums!r}")

    def make(*args: Any, **kwargs: Any) -> IR:
        nums = tuple(i for i in range(len(args)) if i not in statics)
        dyn = [args[i] for i in nums]
        flat, tree = tree_flatten(tuple(dyn))
        _check_args(fun, args, "make_ir", nums)
        avals = [get_aval(x) for x in flat]
        f = _Flat(_partial_args(fun, args, kwargs, nums), tree)
        ir, _ = trace_to_ir(f, [ShapedArray(a.shape, a.dtype) for a in avals])
        return ir

    return make
