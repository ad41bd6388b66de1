"""Jacobians: ``jacfwd`` (vmap of jvp over the input basis), ``jacrev`` (vmap of the transposed
linearization over the output basis) and ``jacobian`` (the cheaper of the two), with ``chunk_size``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.batching import vmap_flat
from functrans._src.boundary import (
    _arg_names,
    _argnums_tuple,
    _check_argnums,
    _check_args,
    _check_callable,
    _Flat,
    _out,
    _partial_args,
)
from functrans._src.core import (
    ShapedArray,
    Tracer,
    check_leaf,
    get_aval,
    is_float_dtype,
    unaliased,
)
from functrans._src.jvp import jvp_flat
from functrans._src.linearize import LinearFunction, linearize_flat
from functrans._src.tape_staged import staged
from functrans._src.tree_util import tree_flatten, tree_unflatten

# --------------------------------------------------------------------------- Jacobians


def jacobian_wrapper(
    fun: Callable[..., Any],
    argnums: int | Sequence[int],
    has_aux: bool,
    mode: str,
    chunk_size: int | None,
    holomorphic: bool = False,
    tape: bool = True,
) -> Callable[..., Any]:
    """The Jacobian wrapper: vmap of jvp or of the transposed linearization, interpreted (and
    staged under jit); with ``tape``, on eligible eager calls through the tape instead (see
    functrans._src.tape_staged)."""
    if tape and not (has_aux or holomorphic or chunk_size is not None):  # (chunk_size bounds memory)
        normal = jacobian_wrapper(fun, argnums, has_aux, mode, chunk_size, holomorphic, False)
        fname = normal.__name__.split("(")[0]

        def transform(g: Callable[..., Any], a: Any) -> Callable[..., Any]:
            return jacobian_wrapper(g, a, False, mode, chunk_size, tape=False)

        return staged(fun, normal, _check_argnums(argnums, fname), transform, (mode, chunk_size), fname)
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
        n_args = len(args)
        if type(argnums) is int and -n_args <= argnums < n_args:  # the common case, checked at once
            nums: tuple[int, ...] = (argnums % n_args,)
        else:
            nums = _argnums_tuple(argnums, n_args, fname)
        dyn = tuple(args[i] for i in nums)
        flat_in, tree_in = tree_flatten(dyn)
        if len(nums) == 1:  # every leaf belongs to that one argument: check the leaves already flattened
            for leaf in flat_in:
                check_leaf(leaf, lambda: f"{_arg_names(fun, n_args)[nums[0]]} of {fname}")
        else:
            _check_args(fun, args, fname, nums)
        in_avals = [get_aval(x) for x in flat_in]
        check_inputs(fname, in_avals, holomorphic, lambda i: _arg_leaf_names(fun, args, nums)[i])
        f = _Flat(_partial_args(fun, args, kwargs, nums), tree_in, has_aux)
        how = mode
        key = _signature_key(args, kwargs) if mode == "auto" else None
        if key is not None:
            how = chosen.get(key, "auto")
        if how == "fwd":
            outs, blocks = _jac_fwd(f, flat_in, in_avals, chunk_size)
            fwd_name = "jacfwd" if fname == "jacobian" else fname
            check_outputs(fwd_name, [get_aval(o) for o in outs[: f.n_out]], holomorphic)
        else:
            outs, lin = linearize_flat(f, flat_in)
            n_out = f.n_out
            out_avals = [get_aval(o) for o in outs[:n_out]]
            if how == "auto":
                how = _auto_mode(in_avals, out_avals, holomorphic)
                if key is not None:
                    chosen[key] = how
            check_outputs("jacfwd" if how == "fwd" and fname == "jacobian" else fname, out_avals, holomorphic)
            if how == "fwd":
                blocks = _jac_fwd_linear(lin, in_avals, out_avals, chunk_size)
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


# --------------------------------------------------------------------------- dtype rules (JAX's)
# jacfwd pushes real basis vectors forward, so a complex input would only give the derivative
# along its real part: jacfwd takes real inputs (any outputs). jacrev pulls real basis vectors
# back under the pairing Re(a * b), giving df/dx - i df/dy for a complex input: it takes real
# or complex inputs but real outputs. With holomorphic=True every input and output is complex
# and both modes give f'(z). These are jax.jacfwd/jax.jacrev/jax.grad's checks and wording.


def _is_complex(dt: np.dtype) -> bool:
    return np.dtype(dt).kind == "c"


def check_inputs(fname: str, avals: Sequence[ShapedArray], holomorphic: bool, name_of: Callable[[int], str]) -> None:
    """Raise JAX's TypeError for an input dtype that ``fname`` (``"jacfwd"``, ``"jacrev"``,
    ``"jacobian"``, ``"grad"``) cannot differentiate; ``name_of(i)`` names leaf ``i``'s argument."""
    for i, a in enumerate(avals):
        dt = np.dtype(a.dtype)
        if dt.kind == "f" and not holomorphic:
            continue
        name = name_of(i)
        if holomorphic:
            if not _is_complex(dt):
                raise TypeError(f"{fname} with holomorphic=True requires inputs with complex dtype, but {name} "
                                f"has dtype {dt}.")  # fmt: skip
        elif fname == "jacfwd":
            if dt.kind != "f":
                raise TypeError(
                    f"jacfwd requires real-valued inputs (input dtype that is a sub-dtype of np.floating), but "
                    f"{name} has dtype {dt}. For holomorphic differentiation, pass holomorphic=True. For "
                    "differentiation of non-holomorphic functions involving complex inputs or integer inputs, "
                    "use functrans.jvp directly."
                )
        elif not is_float_dtype(dt):
            raise TypeError(
                f"{fname} requires real- or complex-valued inputs (input dtype that is a sub-dtype of np.inexact), "
                f"but {name} has dtype {dt}. If you want to use Boolean- or integer-valued inputs, use functrans.vjp"
                + (" or set allow_int to True." if fname == "grad" else " directly.")
            )


_F64 = np.dtype(np.float64)


def check_outputs(fname: str, avals: Sequence[ShapedArray], holomorphic: bool) -> None:
    """Raise JAX's TypeError for an output dtype that ``fname`` cannot differentiate (jacfwd
    takes any output without ``holomorphic``; reverse mode needs real outputs)."""
    for a in avals:
        dt = a.dtype
        if dt is _F64 and not holomorphic and fname != "jacfwd":  # the common case: nothing to check
            continue
        dt = np.dtype(dt)
        if holomorphic:
            if not _is_complex(dt):
                raise TypeError(f"{fname} with holomorphic=True requires outputs with complex dtype, but got {dt}.")
        elif fname == "jacfwd":
            continue
        elif _is_complex(dt):
            raise TypeError(
                f"{fname} requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got "
                f"{dt}. For holomorphic differentiation, pass holomorphic=True. For differentiation of "
                "non-holomorphic functions involving complex outputs, use functrans.vjp directly."
            )
        elif dt.kind != "f":
            raise TypeError(
                f"{fname} requires real-valued outputs (output dtype that is a sub-dtype of np.floating), but got "
                f"{dt}. For differentiation of functions with integer outputs, use functrans.vjp directly."
            )


def _auto_mode(in_avals: Sequence[ShapedArray], out_avals: Sequence[ShapedArray], holomorphic: bool) -> str:
    """``jacobian``'s mode: the cheaper one (:func:`jacobian_mode`), except that without
    ``holomorphic`` complex inputs need reverse mode and complex outputs forward mode."""
    if not holomorphic:
        if any(_is_complex(a.dtype) for a in in_avals):
            return "rev"  # (complex outputs too: reverse mode's check then rejects them, as JAX's jacobian)
        if any(_is_complex(a.dtype) for a in out_avals):
            return "fwd"
    return jacobian_mode(sum(a.size for a in in_avals), sum(a.size for a in out_avals))


def _arg_leaf_names(fun: Callable[..., Any], args: Sequence[Any], nums: Sequence[int]) -> list[str]:
    """For each leaf of the differentiated arguments, the argument it belongs to (for errors)."""
    names = _arg_names(fun, len(args))
    return [names[i] for i in nums for _ in tree_flatten(args[i])[0]]


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
    the ``k``-th basis vector's part in that leaf. The arrays are read-only; small bases
    (at most 256 KiB) are built once per ``avals`` and kept.
    """
    hit = _SMALL_BASES.get(tuple(avals))
    if hit is not None:
        return hit[0], hit[1]
    total = sum(a.size for a in avals)
    if total * total * max((np.dtype(a.dtype).itemsize for a in avals), default=0) <= 1 << 18:
        return _small_basis(tuple(avals))[:2]
    return total, _make_basis(avals, total)


# avals -> (total, basis, the whole basis as one chunk): small bases, kept (see _basis)
_SMALL_BASES: dict[tuple[ShapedArray, ...], tuple[int, list[np.ndarray], _BasisChunk]] = {}


def _small_basis(avals: tuple[ShapedArray, ...]) -> tuple[int, list[np.ndarray], _BasisChunk]:
    total = sum(a.size for a in avals)
    basis = _make_basis(avals, total)
    if len(_SMALL_BASES) >= 32:  # a bounded cache: at most 32 x 256 KiB
        _SMALL_BASES.clear()
    entry = _SMALL_BASES[avals] = (total, basis, _basis_chunk(basis, avals, 0, total))
    return entry


def _whole_basis(avals: Sequence[ShapedArray]) -> tuple[int, list[np.ndarray]]:
    """``_basis(avals)`` as one :class:`_BasisChunk` of all its rows (kept with small bases)."""
    hit = _SMALL_BASES.get(tuple(avals))
    if hit is not None:
        return hit[0], hit[2]
    total, basis = _basis(avals)
    hit = _SMALL_BASES.get(tuple(avals))
    return total, (hit[2] if hit is not None else _basis_chunk(basis, avals, 0, total))


def _make_basis(avals: Sequence[ShapedArray], total: int) -> list[np.ndarray]:
    out = []
    off = 0
    for a in avals:
        block = np.zeros((total, a.size), a.dtype)
        # row off + k has its 1 at column k: every (size + 1)-th element of the flat array from off * size
        block.reshape(-1)[off * a.size : (off + a.size) * a.size : a.size + 1] = 1
        block.flags.writeable = False
        out.append(block.reshape((total,) + a.shape))
        off += a.size
    return out


def _chunks(total: int, chunk_size: int | None) -> list[tuple[int, int]]:
    step = total if chunk_size is None or chunk_size >= total else chunk_size
    return [(k, min(k + step, total)) for k in range(0, total, max(step, 1))]


class _BasisChunk(list):  # type: ignore[type-arg]
    """Rows ``lo:hi`` of :func:`_basis`'s batches (one per leaf), with ``one_hot``: for each leaf,
    ``k0`` if its rows here are the unit vectors ``e_{k0}, e_{k0+1}, ...`` (a 1-D leaf whose
    block holds the whole chunk), else None (see :func:`vmap_flat`)."""

    one_hot: list[int | None]


def _basis_chunk(basis: list[np.ndarray], avals: Sequence[ShapedArray], lo: int, hi: int) -> _BasisChunk:
    chunk = _BasisChunk(b[lo:hi] for b in basis)
    chunk.one_hot = []
    off = 0
    for a in avals:
        chunk.one_hot.append(lo - off if len(a.shape) == 1 and off <= lo and hi <= off + a.size else None)
        off += a.size
    return chunk


def _map_basis(fun: Callable[..., list[Any]], basis: list[Any], size: int) -> tuple[list[Any], list[int | None]]:
    """vmap ``fun`` over axis 0 of the basis batches; a basis of one vector is just a call
    (its results then have no batch axis: dim None). A :class:`_BasisChunk` tells vmap which
    batches are rows of the identity."""
    if size == 1:
        vals = fun(*[b[0] for b in basis])
        return vals, [None] * len(vals)
    return vmap_flat(fun, basis, [0] * len(basis), size, getattr(basis, "one_hot", None))


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
    total, whole = _whole_basis(in_avals)
    if chunk_size is not None and chunk_size < total:  # linearize once, then push each chunk of the basis through
        outs, lin = linearize_flat(f, flat_in)
        return outs, _jac_fwd_linear(lin, in_avals, [get_aval(o) for o in outs[: f.n_out]], chunk_size)

    def pushfwd(*tangents: Any) -> list[Any]:
        po, to = jvp_flat(f, flat_in, tangents)
        return po + to

    vals, dims = _map_basis(pushfwd, whole, total)
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
        vals, dims = _map_basis(lambda *ts: lin.forward(ts), _basis_chunk(basis, in_avals, lo, hi), hi - lo)
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
    total, basis = _basis(out_avals)

    def pullback(*cts: Any) -> list[Any]:
        return lin.transpose(list(cts) + [None] * (n_all - len(cts)))

    if total and (chunk_size is None or chunk_size >= total):  # one batch: nothing to join
        vals, dims = _map_basis(pullback, basis, total)
        per_in = [_split_batch(v, d, total, iav, out_avals, 0, front=True) for v, d, iav in zip(vals, dims, in_avals)]
        return [[per_in[i][j] for i in range(len(in_avals))] for j in range(len(out_avals))]
    chunks = _chunks(total, chunk_size)
    pieces: list[list[Any]] = [[] for _ in in_avals]
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
    holomorphic: bool = False,
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by forward mode: one batched JVP over the input basis.

    Shapes are ``out.shape + in.shape`` for each (output leaf, input leaf) pair,
    nested ``[out][arg]`` as ``jax.jacfwd``. ``chunk_size`` bounds how many basis
    vectors are pushed through at once (and so the memory); the result is the same.
    Inputs must be real (complex ones only with ``holomorphic=True``, which also requires
    complex outputs and gives ``f'(z)``); complex outputs of real inputs are fine.
    """
    return jacobian_wrapper(fun, argnums, has_aux, "fwd", chunk_size, holomorphic)


def jacrev(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by reverse mode: one batched VJP over the output basis.

    Shapes are ``out.shape + in.shape`` for each (output leaf, input leaf) pair,
    nested ``[out][arg]`` as ``jax.jacrev``. ``chunk_size`` bounds how many
    cotangents are pulled back at once (and so the memory); the result is the same.
    Outputs must be real (complex ones only with ``holomorphic=True``, which also requires
    complex inputs and gives ``f'(z)``); a complex input ``z = x + iy`` gets
    ``df/dx - i df/dy``, as in JAX.
    """
    return jacobian_wrapper(fun, argnums, has_aux, "rev", chunk_size, holomorphic)
