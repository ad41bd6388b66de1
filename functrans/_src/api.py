"""The public transformations, with JAX's names and signatures.

This is the only place pytrees are handled: every function here flattens its
inputs, calls a flat interpreter from its own module (jvp, linearize,
transpose, staging) and unflattens the results. Symbolic zeros become real
arrays of zeros here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import (
    IR,
    ShapedArray,
    Tracer,
    float0,
    get_aval,
    is_float_dtype,
    tangent_aval,
    tangent_dtype,
    zeros_for,
)
from functrans._src.jvp import jvp_flat
from functrans._src.linearize import LinearFunction, linearize_flat
from functrans._src.staging import trace_to_ir
from functrans._src.transpose import backward_pass
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_map, tree_unflatten

# --------------------------------------------------------------------------- boundary helpers


def _check_leaf(x: Any, what: str) -> Any:
    """Validate one input leaf; Python lists etc. never get here (they are pytrees)."""
    if isinstance(x, Tracer | np.ndarray | np.generic | bool | int | float | complex):
        return x
    raise TypeError(
        f"{what} of type {type(x).__name__} is not a valid functrans type: expected NumPy arrays, "
        "NumPy or Python scalars, or (nested) tuples, lists and dicts of them."
    )


def _out(x: Any) -> Any:
    """A result leaf as it leaves the API: a NumPy array (tracers of outer transformations pass)."""
    return x if isinstance(x, Tracer | np.ndarray) else np.asarray(x)


def _zeros_or(t: Any, primal: Any) -> Any:
    return zeros_for(tangent_aval(get_aval(primal))) if t is None else _out(t)


class _Flat:
    """Wraps a pytree function as a flat one, remembering the output structure.

    With ``has_aux`` the function returns ``(out, aux)``; aux leaves are appended
    to the flat outputs (so their traced values get unwrapped like any primal).
    """

    def __init__(self, fun: Callable[..., Any], in_tree: PyTreeDef, has_aux: bool = False) -> None:
        self.fun = fun
        self.in_tree = in_tree
        self.has_aux = has_aux
        self.out_tree: PyTreeDef | None = None
        self.aux_tree: PyTreeDef | None = None
        self.n_out = 0

    def __call__(self, *flat_args: Any) -> list[Any]:
        args = tree_unflatten(self.in_tree, list(flat_args))
        out = self.fun(*args)
        if self.has_aux:
            if not (isinstance(out, tuple | list) and len(out) == 2):
                raise TypeError(
                    "with has_aux=True the function must return a pair (output, auxiliary data), "
                    f"but it returned a value of type {type(out).__name__}"
                )
            out, aux = out
            aux_leaves, self.aux_tree = tree_flatten(aux)
        else:
            aux_leaves = []
        leaves, self.out_tree = tree_flatten(out)
        for leaf in leaves:
            _check_leaf(leaf, "An output of the transformed function")
        self.n_out = len(leaves)
        return leaves + aux_leaves

    def split(self, flat_out: Sequence[Any]) -> tuple[list[Any], Any]:
        """Outputs and (unflattened) aux from the flat results."""
        aux = tree_unflatten(self.aux_tree, [_out(a) for a in flat_out[self.n_out :]]) if self.has_aux else None  # type: ignore[arg-type]
        return list(flat_out[: self.n_out]), aux


def _linearize_tree(
    fun: Callable[..., Any], primals: Any, has_aux: bool
) -> tuple[list[Any], PyTreeDef, _Flat, list[Any], Any, LinearFunction]:
    """Flatten and check ``primals`` (a pytree of positional arguments), then linearize ``fun``.

    Returns the flat primals, their structure, the flat wrapper (which knows the output
    structure), the flat outputs, the aux data and the recorded linear map.
    """
    flat_p, tree_p = tree_flatten(primals)
    for i, p in enumerate(flat_p):
        _check_leaf(p, f"primal input {i}")
    f = _Flat(fun, tree_p, has_aux)
    po, lin = linearize_flat(f, flat_p)
    outs, aux = f.split(po)
    return flat_p, tree_p, f, outs, aux, lin


def _argnums_tuple(argnums: int | Sequence[int], nargs: int, fname: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not isinstance(i, int):
            raise TypeError(f"{fname}: argnums must be an int or a tuple of ints, got {argnums!r}")
        if not -nargs <= i < nargs:
            raise TypeError(
                f"{fname}: differentiating with respect to argnums={argnums!r} requires at least "
                f"{max(nums) + 1} positional arguments to be passed by the caller, but got only {nargs}"
            )
    return tuple(i % nargs for i in nums)


def _partial_args(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], nums: tuple[int, ...]
) -> Callable[..., Any]:
    def f(*dyn: Any) -> Any:
        full = list(args)
        for i, d in zip(nums, dyn):
            full[i] = d
        return fun(*full, **kwargs)

    return f


# --------------------------------------------------------------------------- forward mode


def _check_tangent(p: Any, t: Any, i: int, fname: str) -> Any:
    pav = get_aval(_check_leaf(p, f"primal input {i}"))
    tav = get_aval(_check_leaf(t, f"tangent input {i}"))
    if tav.shape != pav.shape:
        raise ValueError(
            f"{fname} called with different primal and tangent shapes at position {i}: "
            f"primal shape {pav.shape}, tangent shape {tav.shape}"
        )
    expected = tangent_dtype(pav.dtype)
    if tav.dtype != expected and not (tav.weak_type and expected.kind == tav.dtype.kind):
        raise TypeError(
            f"{fname}: primal and tangent at position {i} do not match: dtypes must be equal, or for an "
            f"int/bool primal the tangent dtype must be float0. Got primal dtype {pav.dtype}, so the "
            f"tangent dtype should be {expected}, but it is {tav.dtype}."
        )
    if expected == float0:
        return None
    return t if isinstance(t, Tracer) else np.asarray(t, expected)


def jvp(fun: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False) -> Any:
    """Evaluate ``fun`` and its Jacobian-vector product at ``primals`` along ``tangents``.

    Returns ``(primals_out, tangents_out)`` (plus ``aux`` with ``has_aux=True``), as
    ``jax.jvp``. ``primals`` and ``tangents`` are tuples or lists of the same
    pytree structure; each tangent has its primal's shape and dtype (``float0``
    for integer primals).
    """
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
    ts = [_check_tangent(p, t, i, "jvp") for i, (p, t) in enumerate(zip(flat_p, flat_t))]
    f = _Flat(fun, tree_p, has_aux)
    po, to = jvp_flat(f, flat_p, ts)
    outs, aux = f.split(po)
    primals_out = tree_unflatten(f.out_tree, [_out(p) for p in outs])  # type: ignore[arg-type]
    tangents_out = tree_unflatten(f.out_tree, [_zeros_or(t, p) for p, t in zip(outs, to)])  # type: ignore[arg-type]
    if has_aux:
        return primals_out, tangents_out, aux
    return primals_out, tangents_out


def linearize(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """Evaluate ``fun`` at ``primals`` and return ``(primals_out, f_jvp)``.

    ``f_jvp(*tangents)`` evaluates the recorded linear map (the JVP at
    ``primals``) without re-running ``fun``. As ``jax.linearize``.
    """
    flat_p, tree_p, f, outs, aux, lin = _linearize_tree(fun, primals, has_aux)
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
        return tree_unflatten(out_tree, [_zeros_or(t, p) for p, t in zip(outs, tout)])  # type: ignore[arg-type]

    f_jvp.linear_ir = lin.ir  # type: ignore[attr-defined]
    primals_out = tree_unflatten(out_tree, [_out(p) for p in outs])  # type: ignore[arg-type]
    if has_aux:
        return primals_out, f_jvp, aux
    return primals_out, f_jvp


# --------------------------------------------------------------------------- reverse mode


def _check_cotangent(ct: Any, aval: ShapedArray, i: int) -> Any:
    cav = get_aval(_check_leaf(ct, f"cotangent {i}"))
    expected = tangent_aval(aval)
    if cav.shape != expected.shape:
        raise ValueError(
            f"Shape of cotangent input {i} to the vjp function, {cav.shape}, must be the same as the shape "
            f"of the corresponding primal output, {expected.shape}."
        )
    if cav.dtype != expected.dtype and not (cav.weak_type and cav.dtype.kind == expected.dtype.kind):
        raise ValueError(
            f"Type of cotangent input {i} to the vjp function is {cav.dtype}, but the primal output "
            f"has dtype {aval.dtype}, so the cotangent must have dtype {expected.dtype}."
        )
    if expected.dtype == float0:
        return None
    return ct if isinstance(ct, Tracer) else np.asarray(ct, expected.dtype)


def _vjp(
    fun: Callable[..., Any], primals: Sequence[Any], has_aux: bool
) -> tuple[list[Any], PyTreeDef, Any, Any, LinearFunction]:
    flat_p, tree_p, f, outs, aux, lin = _linearize_tree(fun, tuple(primals), has_aux)
    n_out = f.n_out
    out_tree = f.out_tree
    out_avals = [get_aval(o) for o in outs]

    def vjp_fun(cotangent: Any) -> tuple[Any, ...]:
        flat_ct, tree_ct = tree_flatten(cotangent)
        if tree_ct != out_tree:
            raise TypeError(
                f"Tree structure of cotangent input {tree_ct} does not match the structure of the "
                f"primal output {out_tree}."
            )
        cts = [_check_cotangent(c, a, i) for i, (c, a) in enumerate(zip(flat_ct, out_avals))]
        cts_in = lin.transpose(cts + [None] * (len(lin.ir.outvars) - n_out))
        grads = [_zeros_or(c, p) for c, p in zip(cts_in, flat_p)]
        return tuple(tree_unflatten(tree_p, grads))

    vjp_fun.linear_ir = lin.ir  # type: ignore[attr-defined]
    return outs, out_tree, aux, vjp_fun, lin  # type: ignore[return-value]


def vjp(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """Evaluate ``fun`` at ``primals`` and return ``(primals_out, vjp_fun)``.

    ``vjp_fun(cotangent)`` returns a tuple with one cotangent per primal (the
    vector-Jacobian product), computed by transposing the linearization: no
    layer's Jacobian is ever formed. As ``jax.vjp``.
    """
    outs, out_tree, aux, vjp_fun, _ = _vjp(fun, primals, has_aux)
    primals_out = tree_unflatten(out_tree, [_out(o) for o in outs])
    if has_aux:
        return primals_out, vjp_fun, aux
    return primals_out, vjp_fun


def value_and_grad(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    allow_int: bool = False,
) -> Callable[..., Any]:
    """A function returning ``fun``'s value and its gradient, as ``jax.value_and_grad``."""

    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), "grad")
        dyn = [args[i] for i in nums]
        for k, d in zip(nums, dyn):
            for leaf in tree_flatten(d)[0]:
                dt = get_aval(_check_leaf(leaf, f"argument {k}")).dtype
                if not is_float_dtype(dt) and not allow_int:
                    raise TypeError(
                        f"grad requires real- or complex-valued inputs (a floating dtype), but argument {k} "
                        f"has dtype {dt}. To differentiate with respect to integer or boolean inputs "
                        "(getting float0 zeros), use vjp or set allow_int=True."
                    )
        outs, out_tree, aux, vjp_fun, _ = _vjp(_partial_args(fun, args, kwargs, nums), dyn, has_aux)
        if out_tree.num_leaves != 1 or len(outs) != 1 or out_tree != tree_flatten(0.0)[1]:
            raise TypeError(
                f"Gradient only defined for scalar-output functions. Output was a {out_tree}, not a single array."
            )
        aval = get_aval(outs[0])
        if aval.shape != ():
            raise TypeError(f"Gradient only defined for scalar-output functions. Output had shape: {aval.shape}.")
        if aval.dtype.kind != "f":
            raise TypeError(
                "grad requires real-valued outputs (a floating dtype), but the function returned a value "
                f"of dtype {aval.dtype}."
            )
        g = vjp_fun(np.ones((), aval.dtype))
        value = _out(outs[0])
        grads = g[0] if isinstance(argnums, int) else tuple(g)
        return ((value, aux), grads) if has_aux else (value, grads)

    value_and_grad_f.__name__ = f"value_and_grad({getattr(fun, '__name__', 'fun')})"
    value_and_grad_f.__doc__ = fun.__doc__
    return value_and_grad_f


def grad(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    allow_int: bool = False,
) -> Callable[..., Any]:
    """The gradient of a scalar-valued ``fun`` with respect to the arguments ``argnums``.

    As ``jax.grad``: an int ``argnums`` gives one gradient, a tuple gives a tuple;
    with ``has_aux=True`` the function returns ``(value, aux)`` and the gradient
    function returns ``(grads, aux)``.
    """
    vg = value_and_grad(fun, argnums, has_aux, allow_int)

    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, g = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    grad_f.__name__ = f"grad({getattr(fun, '__name__', 'fun')})"
    grad_f.__doc__ = fun.__doc__
    return grad_f


# --------------------------------------------------------------------------- Jacobians


def _stack_flat(pieces: list[Any], axis: int) -> Any:
    """Stack vectors of equal length along a new ``axis`` (0 or 1), traceably."""
    if axis == 0:
        rows = [lax.reshape(p, (1, _size(p))) for p in pieces]
        return lax.concatenate(rows, 0)
    cols = [lax.reshape(p, (_size(p), 1)) for p in pieces]
    return lax.concatenate(cols, 1)


def _size(x: Any) -> int:
    return int(np.prod(get_aval(x).shape, dtype=np.int64))


def _jacobian(fun: Callable[..., Any], argnums: int | Sequence[int], has_aux: bool, mode: str) -> Callable[..., Any]:
    def jac_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), "jac" + mode)
        dyn = tuple(args[i] for i in nums)
        flat_in, tree_in, f, outs, aux, lin = _linearize_tree(_partial_args(fun, args, kwargs, nums), dyn, has_aux)
        in_avals = [get_aval(x) for x in flat_in]
        out_avals = [get_aval(o) for o in outs]
        for i, a in enumerate(in_avals):
            if not is_float_dtype(a.dtype):
                raise TypeError(f"jac{mode} requires floating inputs, but input leaf {i} has dtype {a.dtype}")
        n_extra = len(lin.ir.outvars) - len(outs)
        # blocks[j][i]: d out_j / d in_i as an (m_j, n_i) matrix
        blocks: list[list[Any]] = [[None] * len(in_avals) for _ in out_avals]
        if mode == "fwd":
            for i, a in enumerate(in_avals):
                cols: list[list[Any]] = [[] for _ in out_avals]
                for k in range(a.size):
                    e = np.zeros(a.size, a.dtype)
                    e[k] = 1
                    ts = [None] * len(in_avals)
                    ts[i] = e.reshape(a.shape)
                    for j, t in enumerate(lin.forward(ts)[: len(outs)]):
                        cols[j].append(np.zeros(out_avals[j].shape, a.dtype) if t is None else t)
                for j, oa in enumerate(out_avals):
                    blocks[j][i] = _stack_flat(cols[j], 1) if cols[j] else np.zeros((oa.size, 0), a.dtype)
        else:
            for j, oa in enumerate(out_avals):
                rows: list[list[Any]] = [[] for _ in in_avals]
                for k in range(oa.size):
                    e = np.zeros(oa.size, oa.dtype)
                    e[k] = 1
                    cts = [None] * (len(outs) + n_extra)
                    cts[j] = e.reshape(oa.shape)
                    for i, c in enumerate(lin.transpose(cts)):
                        rows[i].append(np.zeros(in_avals[i].shape, oa.dtype) if c is None else c)
                for i, a in enumerate(in_avals):
                    blocks[j][i] = _stack_flat(rows[i], 0) if rows[i] else np.zeros((0, a.size), oa.dtype)
        jac_leaves = []
        for j, oa in enumerate(out_avals):
            per_in = [_out(lax.reshape(blocks[j][i], oa.shape + a.shape)) for i, a in enumerate(in_avals)]
            inner = tree_unflatten(tree_in, per_in)
            jac_leaves.append(inner[0] if isinstance(argnums, int) else inner)
        jac = tree_unflatten(f.out_tree, jac_leaves)  # type: ignore[arg-type]
        return (jac, aux) if has_aux else jac

    return jac_f


def jacfwd(fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by forward mode (one JVP per input element).

    Shapes are ``out.shape + in.shape`` for each (output leaf, input leaf) pair, as ``jax.jacfwd``.
    """
    return _jacobian(fun, argnums, has_aux, "fwd")


def jacrev(fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by reverse mode (one VJP per output element).

    Shapes are ``out.shape + in.shape`` for each (output leaf, input leaf) pair, as ``jax.jacrev``.
    """
    return _jacobian(fun, argnums, has_aux, "rev")


def hessian(fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The Hessian of a scalar ``fun``: ``jacfwd(jacrev(fun))``, shape ``in.shape + in.shape``."""
    return jacfwd(jacrev(fun, argnums, has_aux), argnums, has_aux)


def linear_transpose(fun: Callable[..., Any], *primals: Any) -> Callable[..., Any]:
    """The transpose of the linear function ``fun``; ``primals`` give only shapes and dtypes.

    As ``jax.linear_transpose``: the returned function takes an output cotangent and
    returns a tuple of input cotangents.
    """
    flat_p, tree_p = tree_flatten(primals)
    in_avals = [get_aval(_check_leaf(p, f"primal {i}")) for i, p in enumerate(flat_p)]
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
        return tuple(tree_unflatten(tree_p, [zeros_for(a) if c is None else _out(c) for c, a in zip(cts_in, in_avals)]))

    transposed.linear_ir = ir  # type: ignore[attr-defined]
    return transposed


def stop_gradient(x: Any) -> Any:
    """The identity on a pytree, with zero derivatives (``jax.lax.stop_gradient``)."""
    return tree_map(lambda leaf: lax.stop_gradient(leaf) if is_float_dtype(get_aval(leaf).dtype) else leaf, x)


# --------------------------------------------------------------------------- the IR


def make_ir(fun: Callable[..., Any], static_argnums: int | Sequence[int] = ()) -> Callable[..., IR]:
    """A function that traces ``fun`` on the given arguments and returns its :class:`IR`.

    Arguments at ``static_argnums`` are passed through as Python values; the others
    become the IR's inputs (only their shapes and dtypes matter). ``str()`` of the
    result is a readable listing.
    """
    statics = (static_argnums,) if isinstance(static_argnums, int) else tuple(static_argnums)

    def make(*args: Any, **kwargs: Any) -> IR:
        nums = tuple(i for i in range(len(args)) if i not in statics)
        dyn = [args[i] for i in nums]
        flat, tree = tree_flatten(tuple(dyn))
        avals = [get_aval(_check_leaf(x, f"argument leaf {i}")) for i, x in enumerate(flat)]
        f = _Flat(_partial_args(fun, args, kwargs, nums), tree)
        ir, _ = trace_to_ir(f, [ShapedArray(a.shape, a.dtype) for a in avals])
        return ir

    return make
