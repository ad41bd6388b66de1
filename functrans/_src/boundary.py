"""The API boundary: checking what users pass in (functions, argnums, array leaves, tangents
and cotangents) and shaping what goes back out. Used by every public transformation."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import (
    _TRACER_TYPES,
    ShapedArray,
    Tracer,
    check_leaf,
    float0,
    get_aval,
    plain,
    tangent_aval,
    tangent_dtype,
    zeros_for,
)
from functrans._src.linearize import LinearFunction, linearize_flat
from functrans._src.tree_compiled import unflatten as unflatten_compiled
from functrans._src.tree_util import _LEAF, _LEAF_DEF, PyTreeDef, _kind_cache, tree_flatten, tree_unflatten

# --------------------------------------------------------------------------- boundary helpers


_check_leaf = check_leaf


def _out(x: Any) -> Any:
    """A result leaf as it leaves the API: a NumPy array (tracers of outer transformations pass)."""
    t = type(x)
    if t is np.ndarray or t in _TRACER_TYPES:  # the common cases, without isinstance of a union
        return x
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
        args = unflatten_compiled(self.in_tree, flat_args)  # a tuple serves
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
        if type(out) in _TRACER_TYPES and _kind_cache.get(type(out)) == _LEAF:  # the common case: one traced leaf
            self.out_tree = _LEAF_DEF
            self.n_out = 1
            return [out, *aux_leaves]
        leaves, self.out_tree = tree_flatten(out)
        for leaf in leaves:
            _check_leaf(leaf, "An output of the transformed function")
        self.n_out = len(leaves)
        return leaves + aux_leaves

    def split(self, flat_out: Sequence[Any]) -> tuple[list[Any], Any]:
        """Outputs and (unflattened) aux from the flat results."""
        # aux is returned as the function gave it (strings and objects stay what they are)
        if not self.has_aux:
            return list(flat_out[: self.n_out]), None
        aux = tree_unflatten(self.aux_tree, list(flat_out[self.n_out :]))  # type: ignore[arg-type]
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


def _dyn_args(
    args: tuple[Any, ...], argnums: int | tuple[int, ...], fname: str
) -> tuple[tuple[int, ...], tuple[Any, ...]]:
    """The positions (non-negative) and values of the differentiated arguments (``argnums``
    checked by :func:`_check_argnums`; JAX's error if one is out of range)."""
    if type(argnums) is int and 0 <= argnums < len(args):  # the common case
        return (argnums,), (args[argnums],)
    nums = _argnums_tuple(argnums, len(args), fname)
    return nums, tuple([args[i] for i in nums])


def _partial_args(
    fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], nums: tuple[int, ...]
) -> Callable[..., Any]:
    def f(*dyn: Any) -> Any:
        full = [a if type(a) is np.ndarray else plain(a) for a in args]  # not differentiated: plain ndarrays too
        for i, d in zip(nums, dyn):
            full[i] = d
        return fun(*full, **kwargs)

    return f


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


def _check_cotangent(ct: Any, aval: ShapedArray, i: int) -> Any:
    cav = get_aval(_check_leaf(ct, f"cotangent {i}", tangent=True))
    expected = tangent_aval(aval)
    if cav.shape != expected.shape:
        raise ValueError(
            f"Shape of cotangent input {i} to the vjp function, {cav.shape}, must be the same as the shape "
            f"of the corresponding primal output, {expected.shape}."
        )
    if cav.dtype != expected.dtype and not (cav.weak_type and cav.dtype.kind == expected.dtype.kind):
        raise ValueError(  # as JAX: the dtype must match exactly (a complex output needs a complex cotangent)
            f"unexpected type for cotangent input {i} to the vjp function: got dtype {cav.dtype}, but expected "
            f"{expected.dtype} because the corresponding output of the differentiated function has dtype "
            f"{aval.dtype}."
        )
    if expected.dtype == float0:
        return None
    return ct if isinstance(ct, Tracer) else np.asarray(ct, expected.dtype)


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
