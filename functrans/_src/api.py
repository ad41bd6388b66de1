"""The public transformations, with JAX's names and signatures.

This is the only place pytrees are handled: every function here flattens its
inputs, calls a flat interpreter from its own module (jvp, linearize,
transpose, staging) and unflattens the results. Symbolic zeros become real
arrays of zeros here and nowhere else.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.batching import vmap_flat
from functrans._src.core import (
    IR,
    ShapedArray,
    Tracer,
    check_leaf,
    float0,
    get_aval,
    is_float_dtype,
    tangent_aval,
    tangent_dtype,
    unaliased,
    zeros_for,
)
from functrans._src.jvp import jvp_flat
from functrans._src.linearize import LinearFunction, linearize_flat
from functrans._src.staging import trace_to_ir
from functrans._src.transpose import backward_pass
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_map, tree_unflatten

# --------------------------------------------------------------------------- boundary helpers


_check_leaf = check_leaf


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
        # aux is returned as the function gave it (strings and objects stay what they are)
        aux = tree_unflatten(self.aux_tree, list(flat_out[self.n_out :])) if self.has_aux else None  # type: ignore[arg-type]
        return list(flat_out[: self.n_out]), aux


def _linearize_tree(
    fun: Callable[..., Any], primals: Any, has_aux: bool, fname: str
) -> tuple[list[Any], PyTreeDef, _Flat, list[Any], Any, LinearFunction]:
    """Flatten and check ``primals`` (a pytree of positional arguments), then linearize ``fun``.

    Returns the flat primals, their structure, the flat wrapper (which knows the output
    structure), the flat outputs, the aux data and the recorded linear map.
    """
    flat_p, tree_p = tree_flatten(primals)
    _check_args(fun, primals, fname)
    f = _Flat(fun, tree_p, has_aux)
    po, lin = linearize_flat(f, flat_p)
    outs, aux = f.split(po)
    return flat_p, tree_p, f, outs, aux, lin


def _check_args(fun: Callable[..., Any], args: Sequence[Any], fname: str, nums: Sequence[int] | None = None) -> None:
    """Check every leaf of the positional arguments ``args`` (those at ``nums`` only, if given);
    the error names the argument (by its parameter name when the signature says it)."""
    for i in range(len(args)) if nums is None else nums:
        for x in tree_flatten(args[i])[0]:
            check_leaf(x, lambda i=i: f"{_arg_names(fun, len(args))[i]} of {fname}")


def _check_callable(fun: Any, fname: str) -> None:
    """Reject a non-callable when the transformation is created."""
    if not callable(fun):
        raise TypeError(f"{fname}: expected a callable (the function to transform), got {type(fun).__name__}")


def _check_argnums(argnums: Any, fname: str) -> int | tuple[int, ...]:
    """Validate ``argnums`` when the transformation is created: an int (NumPy integers too)
    or a non-empty tuple/list of distinct ints. Returns it with Python ints."""
    what = "argnums must be an int or a non-empty tuple of distinct ints"
    if isinstance(argnums, int | np.integer) and not isinstance(argnums, bool | np.bool_):
        return int(argnums)
    if not isinstance(argnums, tuple | list):
        raise TypeError(f"{fname}: {what}, got {argnums!r} of type {type(argnums).__name__}")
    if not argnums:
        raise ValueError(f"{fname}: {what}, got an empty {type(argnums).__name__}: there is nothing to differentiate")
    for i in argnums:
        if not isinstance(i, int | np.integer) or isinstance(i, bool | np.bool_):
            raise TypeError(f"{fname}: {what}, got {argnums!r} (entry {i!r} of type {type(i).__name__})")
    nums = tuple(int(i) for i in argnums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"{fname}: {what}, got repeated entries in argnums={argnums!r}")
    return nums


def _argnums_tuple(argnums: int | Sequence[int], nargs: int, fname: str) -> tuple[int, ...]:
    """``argnums`` (already checked by :func:`_check_argnums`) as non-negative positions."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not -nargs <= i < nargs:
            raise TypeError(
                f"{fname}: differentiating with respect to argnums={argnums!r} requires at least "
                f"{(i if i >= 0 else -i - 1) + 1} positional arguments to be passed by the caller, but got only {nargs}"
            )
    out = tuple(i % nargs for i in nums)
    if len(set(out)) != len(out):
        raise ValueError(f"{fname}: argnums={argnums!r} names the same positional argument twice (of {nargs})")
    return out


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
    tav = get_aval(_check_leaf(t, f"tangent input {i} of {fname}", tangent=True))
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


def _check_cotangent(ct: Any, aval: ShapedArray, i: int) -> Any:
    cav = get_aval(_check_leaf(ct, f"cotangent {i}", tangent=True))
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
    fun: Callable[..., Any], primals: Sequence[Any], has_aux: bool, fname: str = "vjp"
) -> tuple[list[Any], PyTreeDef, Any, Any, LinearFunction]:
    flat_p, tree_p, f, outs, aux, lin = _linearize_tree(fun, tuple(primals), has_aux, fname)
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
        grads = unaliased([_zeros_or(c, p) for c, p in zip(cts_in, flat_p)], flat_ct + flat_p, lin.ir.consts)
        return tuple(tree_unflatten(tree_p, grads))

    vjp_fun.linear_ir = lin.ir  # type: ignore[attr-defined]
    return outs, out_tree, aux, vjp_fun, lin  # type: ignore[return-value]


def vjp(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> Any:
    """Evaluate ``fun`` at ``primals`` and return ``(primals_out, vjp_fun)``.

    ``vjp_fun(cotangent)`` returns a tuple with one cotangent per primal (the
    vector-Jacobian product), computed by transposing the linearization: no
    layer's Jacobian is ever formed. As ``jax.vjp``.
    """
    _check_callable(fun, "vjp")
    outs, out_tree, aux, vjp_fun, _ = _vjp(fun, primals, has_aux)
    primals_out = tree_unflatten(out_tree, unaliased([_out(o) for o in outs], tree_flatten(primals)[0]))
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
    _check_callable(fun, "value_and_grad")
    argnums = _check_argnums(argnums, "value_and_grad")

    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), "grad")
        dyn = [args[i] for i in nums]
        for k, d in zip(nums, dyn):
            for leaf in tree_flatten(d)[0]:
                dt = get_aval(_check_leaf(leaf, lambda k=k: f"{_arg_names(fun, len(args))[k]} of grad")).dtype
                if not is_float_dtype(dt) and not allow_int:
                    raise TypeError(
                        f"grad requires real- or complex-valued inputs (a floating dtype), but "
                        f"{_arg_names(fun, len(args))[k]} "
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
        value = unaliased([_out(outs[0])], tree_flatten(dyn)[0])[0]
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
    _check_callable(fun, "grad")
    argnums = _check_argnums(argnums, "grad")
    vg = value_and_grad(fun, argnums, has_aux, allow_int)

    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, g = vg(*args, **kwargs)
        return (g, value[1]) if has_aux else g

    grad_f.__name__ = f"grad({getattr(fun, '__name__', 'fun')})"
    grad_f.__doc__ = fun.__doc__
    return grad_f


# --------------------------------------------------------------------------- Jacobians


def _jacobian(
    fun: Callable[..., Any], argnums: int | Sequence[int], has_aux: bool, mode: str, chunk_size: int | None
) -> Callable[..., Any]:
    fname = {"fwd": "jacfwd", "rev": "jacrev", "auto": "jacobian"}[mode]
    _check_callable(fun, fname)
    argnums = _check_argnums(argnums, fname)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"{fname}: chunk_size must be a positive int or None, got {chunk_size!r}")

    # mode="auto": the mode chosen for each input signature, so that later calls with the same
    # signature go straight to the chosen mode (the first call must evaluate fun to learn the
    # output size, which it does by linearizing, usable by either mode)
    chosen: dict[Any, str] = {}

    def jac_f(*args: Any, **kwargs: Any) -> Any:
        nums = _argnums_tuple(argnums, len(args), fname)
        dyn = tuple(args[i] for i in nums)
        flat_in, tree_in = tree_flatten(dyn)
        _check_args(fun, args, fname, nums)
        in_avals = [get_aval(x) for x in flat_in]
        for i, a in enumerate(in_avals):
            if not is_float_dtype(a.dtype):
                raise TypeError(
                    f"{fname} requires real- or complex-valued inputs (a floating dtype), but input leaf {i} "
                    f"has dtype {a.dtype}"
                )
        f = _Flat(_partial_args(fun, args, kwargs, nums), tree_in, has_aux)
        how = mode
        key = _signature_key(args, kwargs) if mode == "auto" else None
        if key is not None:
            how = chosen.get(key, "auto")
        if how == "fwd":
            outs, blocks = _jac_fwd(f, flat_in, in_avals, chunk_size)
        else:
            outs, lin = linearize_flat(f, flat_in)
            n_out = f.n_out
            if how == "auto":
                how = jacobian_mode(sum(a.size for a in in_avals), sum(_size(o) for o in outs[:n_out]))
                if key is not None:
                    chosen[key] = how
            if how == "fwd":
                blocks = _jac_fwd_linear(lin, in_avals, [get_aval(o) for o in outs[:n_out]], chunk_size)
            else:
                blocks = _jac_rev(lin, in_avals, outs[:n_out], len(outs), chunk_size)
        outs, aux = f.split(outs)
        jac_leaves = []
        for j, o in enumerate(outs):
            oshape = get_aval(o).shape
            per_in = [_out(lax.reshape(blocks[j][i], oshape + a.shape)) for i, a in enumerate(in_avals)]
            per_in = unaliased(per_in, flat_in)
            inner = tree_unflatten(tree_in, per_in)
            jac_leaves.append(inner[0] if isinstance(argnums, int) else inner)
        jac = tree_unflatten(f.out_tree, jac_leaves)  # type: ignore[arg-type]
        return (jac, aux) if has_aux else jac

    jac_f.__name__ = f"{fname}({getattr(fun, '__name__', 'fun')})"
    jac_f.__doc__ = fun.__doc__
    return jac_f


def _signature_key(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """A hashable key of the arguments' structure, shapes and dtypes (None if there is none)."""
    leaves, tree = tree_flatten((args, kwargs))
    key: list[Any] = [tree]
    for x in leaves:
        if isinstance(x, np.ndarray | np.generic | Tracer):
            key.append((x.shape, x.dtype))
        elif type(x) in (bool, int, float, complex):
            key.append(type(x))
        else:
            return None
    return tuple(key)


def jacobian_mode(n_in: int, n_out: int) -> str:
    """The mode ``jacobian(mode="auto")`` picks: ``"fwd"`` if ``n_in <= n_out``, else ``"rev"``.

    A full Jacobian costs ``n_in`` JVPs in forward mode or ``n_out`` VJPs in
    reverse mode; both are batched, so the work is proportional to those counts.
    A reverse pass also records and transposes the linearization, so on a tie
    forward mode is chosen.
    """
    return "fwd" if n_in <= n_out else "rev"


def _size(x: Any) -> int:
    return math.prod(get_aval(x).shape)


def _basis(avals: Sequence[ShapedArray]) -> tuple[int, list[np.ndarray]]:
    """The standard basis of the concatenated, flattened ``avals``: one batch per leaf.

    Leaf ``i`` gets a ``(total,) + shape_i`` array of its own dtype whose row ``k`` is
    the ``k``-th basis vector's part in that leaf.
    """
    total = sum(a.size for a in avals)
    out = []
    off = 0
    for a in avals:
        block = np.zeros((total, a.size), a.dtype)
        block[np.arange(off, off + a.size), np.arange(a.size)] = 1
        out.append(block.reshape((total,) + a.shape))
        off += a.size
    return total, out


def _chunks(total: int, chunk_size: int | None) -> list[tuple[int, int]]:
    step = total if chunk_size is None or chunk_size >= total else chunk_size
    return [(k, min(k + step, total)) for k in range(0, total, max(step, 1))]


def _map_basis(fun: Callable[..., list[Any]], basis: list[Any], size: int) -> tuple[list[Any], list[int | None]]:
    """vmap ``fun`` over axis 0 of the basis batches; a basis of one vector is just a call
    (its results then have no batch axis: dim None)."""
    if size == 1:
        vals = fun(*[b[0] for b in basis])
        return vals, [None] * len(vals)
    return vmap_flat(fun, basis, [0] * len(basis), size)


def _batch_axis_at(val: Any, dim: int | None, size: int, aval: ShapedArray, at: int) -> Any:
    """A vmap result with its batch axis (of length ``size``) moved to position ``at``.

    ``dim`` None means the value has no batch axis: for a basis of one vector it gets a unit
    axis; otherwise it is the same for every basis vector and is broadcast.
    """
    if dim is None:
        shape = aval.shape[:at] + (size,) + aval.shape[at:]
        return (
            lax.reshape(val, shape)
            if size == 1
            else lax.broadcast_to(lax.reshape(val, shape[:at] + (1,) + shape[at + 1 :]), shape)
        )
    return lax.moveaxis(val, dim, at)


def _split_batch(
    val: Any, dim: int | None, size: int, aval: ShapedArray, parts: Sequence[ShapedArray], at: int, front: bool
) -> list[Any]:
    """Cut a batched result along its batch axis into one block per leaf of ``parts``.

    ``val`` has the per-example abstract value ``aval``; the block for part ``p`` has shape
    ``aval.shape + p.shape`` (forward mode, ``front=False``) or ``p.shape + aval.shape``
    (reverse mode, ``front=True``). ``None`` is a zero result.
    """
    shape = aval.shape
    if val is None:  # zeros; an integer output's Jacobian is zeros of its dtype, as in JAX
        dt = aval.dtype
        return [np.zeros(p.shape + shape if front else shape + p.shape, dt) for p in parts]
    if len(parts) == 1 and dim is None and size == 1:  # one basis vector: only a reshape
        p = parts[0]
        return [lax.reshape(val, p.shape + shape if front else shape + p.shape)]
    val = _batch_axis_at(val, dim, size, aval, at)
    blocks = []
    off = 0
    for p in parts:
        piece = val
        if len(parts) > 1:
            idx = (slice(None),) * at + (slice(off, off + p.size),)
            piece = lax.index(val, idx)
        blocks.append(lax.reshape(piece, p.shape + shape if front else shape + p.shape))
        off += p.size
    return blocks


def _concat_chunks(pieces: list[tuple[Any, int | None]], size_of: list[int], aval: ShapedArray) -> tuple[Any, Any]:
    """Join the per-chunk results of one output along a leading batch axis."""
    if len(pieces) == 1:
        return pieces[0]
    parts = []
    for (v, d), n in zip(pieces, size_of):
        if v is None:
            v, d = np.zeros((n,) + aval.shape, aval.dtype), 0
        parts.append(_batch_axis_at(v, d, n, aval, 0))
    return lax.concatenate(parts, 0), 0


def _jac_fwd(
    f: _Flat, flat_in: list[Any], in_avals: list[ShapedArray], chunk_size: int | None
) -> tuple[list[Any], list[list[Any]]]:
    """Forward mode: vmap of jvp over the standard basis (the primal runs once, unbatched)."""
    total, basis = _basis(in_avals)
    chunks = _chunks(total, chunk_size)
    if len(chunks) > 1:  # linearize once, then push each chunk of the basis through
        outs, lin = linearize_flat(f, flat_in)
        return outs, _jac_fwd_linear(lin, in_avals, [get_aval(o) for o in outs[: f.n_out]], chunk_size)

    def pushfwd(*tangents: Any) -> list[Any]:
        po, to = jvp_flat(f, flat_in, tangents)
        return po + to

    vals, dims = _map_basis(pushfwd, basis, total)
    n = len(vals) // 2
    outs = vals[:n]
    blocks = []
    for o, t, d in zip(outs[: f.n_out], vals[n:], dims[n:]):
        oav = get_aval(o)
        blocks.append(_split_batch(t, d, total, oav, in_avals, len(oav.shape), front=False))
    return outs, blocks


def _jac_fwd_linear(
    lin: LinearFunction, in_avals: list[ShapedArray], out_avals: list[ShapedArray], chunk_size: int | None
) -> list[list[Any]]:
    """Forward mode through a recorded linearization, a chunk of the input basis at a time."""
    total, basis = _basis(in_avals)
    chunks = _chunks(total, chunk_size)
    pieces: list[list[Any]] = [[] for _ in out_avals]
    for lo, hi in chunks:
        vals, dims = _map_basis(lambda *ts: lin.forward(ts), [b[lo:hi] for b in basis], hi - lo)
        for j in range(len(out_avals)):
            pieces[j].append((vals[j], dims[j]))
    sizes = [hi - lo for lo, hi in chunks]
    blocks = []
    for p, oav in zip(pieces, out_avals):
        v, d = _concat_chunks(p, sizes, oav) if p else (None, None)
        blocks.append(_split_batch(v, d, total, oav, in_avals, len(oav.shape), front=False))
    return blocks


def _jac_rev(
    lin: LinearFunction, in_avals: list[ShapedArray], outs: list[Any], n_all: int, chunk_size: int | None
) -> list[list[Any]]:
    """Reverse mode: vmap of the transposed linearization over the output basis."""
    out_avals = [get_aval(o) for o in outs]
    for j, a in enumerate(out_avals):
        if not is_float_dtype(a.dtype):
            raise TypeError(
                f"jacrev requires real- or complex-valued outputs (a floating dtype), but output leaf {j} "
                f"has dtype {a.dtype}"
            )
    total, basis = _basis(out_avals)
    chunks = _chunks(total, chunk_size)
    pieces: list[list[Any]] = [[] for _ in in_avals]

    def pullback(*cts: Any) -> list[Any]:
        return lin.transpose(list(cts) + [None] * (n_all - len(cts)))

    for lo, hi in chunks:
        vals, dims = _map_basis(pullback, [b[lo:hi] for b in basis], hi - lo)
        for i in range(len(in_avals)):
            pieces[i].append((vals[i], dims[i]))
    sizes = [hi - lo for lo, hi in chunks]
    per_in = []
    for p, iav in zip(pieces, in_avals):
        v, d = _concat_chunks(p, sizes, iav) if p else (None, None)
        per_in.append(_split_batch(v, d, total, iav, out_avals, 0, front=True))
    return [[per_in[i][j] for i in range(len(in_avals))] for j in range(len(out_avals))]


def jacfwd(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by forward mode: one batched JVP over the input basis.

    Shapes are ``out.shape + in.shape`` for each (output leaf, input leaf) pair,
    nested ``[out][arg]`` as ``jax.jacfwd``. ``chunk_size`` bounds how many basis
    vectors are pushed through at once (and so the memory); the result is the same.
    """
    return _jacobian(fun, argnums, has_aux, "fwd", chunk_size)


def jacrev(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by reverse mode: one batched VJP over the output basis.

    Shapes are ``out.shape + in.shape`` for each (output leaf, input leaf) pair,
    nested ``[out][arg]`` as ``jax.jacrev``. ``chunk_size`` bounds how many
    cotangents are pulled back at once (and so the memory); the result is the same.
    """
    return _jacobian(fun, argnums, has_aux, "rev", chunk_size)


def jacobian(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    mode: str = "auto",
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by ``mode``: ``"fwd"``, ``"rev"`` or ``"auto"``.

    ``"auto"`` evaluates ``fun`` once (recording its linearization), then uses
    forward mode if the total input size ``n`` is at most the total output size
    ``m`` and reverse mode otherwise (:func:`jacobian_mode`): the cost is ``n``
    JVPs or ``m`` VJPs. The result is the same in every mode.
    """
    if mode not in ("fwd", "rev", "auto"):
        raise ValueError(f"jacobian: mode must be 'fwd', 'rev' or 'auto', got {mode!r}")
    return _jacobian(fun, argnums, has_aux, mode, chunk_size)


def hessian(fun: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False) -> Callable[..., Any]:
    """The Hessian of a scalar ``fun``: ``jacfwd(jacrev(fun))``, shape ``in.shape + in.shape``."""
    _check_callable(fun, "hessian")
    return jacfwd(jacrev(fun, argnums, has_aux), argnums, has_aux)


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


def linear_transpose(fun: Callable[..., Any], *primals: Any) -> Callable[..., Any]:
    """The transpose of the linear function ``fun``; ``primals`` give only shapes and dtypes.

    As ``jax.linear_transpose``: the returned function takes an output cotangent and
    returns a tuple of input cotangents.
    """
    _check_callable(fun, "linear_transpose")
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


def stop_gradient(x: Any) -> Any:
    """The identity on a pytree, with zero derivatives (``jax.lax.stop_gradient``)."""
    return tree_map(lambda leaf: lax.stop_gradient(leaf) if is_float_dtype(get_aval(leaf).dtype) else leaf, x)


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


def _arg_names(fun: Callable[..., Any], nargs: int) -> list[str]:
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(nargs):
        p = params[i] if i < len(params) else None
        if p is None or p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            p = None
        names.append(f"argument {p.name!r}" if p is not None else f"argument {i}")
    return names


def vmap(
    fun: Callable[..., Any],
    in_axes: Any = 0,
    out_axes: Any = 0,
    axis_size: int | None = None,
) -> Callable[..., Any]:
    """Vectorise ``fun`` over an axis of its inputs, as ``jax.vmap``.

    ``in_axes`` is an int, ``None`` (not mapped) or a tuple with one entry per
    positional argument, each itself a pytree prefix of that argument (negative
    axes count from the end). ``out_axes`` is likewise a prefix of the output.
    Keyword arguments are mapped over axis 0. ``axis_size`` gives the batch size
    when no input is mapped. Each primitive runs once on the whole batch; Python
    control flow on a batched value raises an error (use ``functrans.numpy.where``).
    """
    _check_callable(fun, "vmap")
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

        vals, out_dims = vmap_flat(flat_fun, flat, dims, size)
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
