"""``pure_callback``: a host Python function as a primitive.

The callback runs on concrete NumPy values when the program runs (eagerly, or when a jitted
program is executed); its result is checked against the declared shapes and dtypes. Under
``vmap`` the ``vmap_method`` decides how the batch reaches the callback (as JAX); it has no
derivative (JAX raises ``ValueError`` too).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind
from functrans._src.tree_util import tree_flatten, tree_unflatten

__all__ = ["call", "pure_callback_p"]

_METHODS = ["sequential", "sequential_unrolled", "expand_dims", "broadcast_all", "legacy_vectorized", None]


class _Callback:
    """The user's callback with the argument tree (hashable by identity, so jit caches work)."""

    def __init__(self, fn: Callable[..., Any], in_tree: Any, out_tree: Any) -> None:
        self.fn, self.in_tree, self.out_tree = fn, in_tree, out_tree

    def __call__(self, *flat: Any) -> list[Any]:
        args, kwargs = tree_unflatten(self.in_tree, [np.asarray(x) for x in flat])
        out = self.fn(*args, **kwargs)
        leaves, tree = tree_flatten(out)
        if tree != self.out_tree:
            raise TypeError(
                f"pure_callback: the callback returned a value of structure {tree}, but "
                f"result_shape_dtypes has structure {self.out_tree}"
            )
        return leaves


pure_callback_p = Primitive("pure_callback", multiple_results=True)
pure_callback_p.complex_ok = True


def _impl(*args: Any, callback: _Callback, result_avals: tuple[ShapedArray, ...], vmap_method: Any) -> list[Any]:
    outs = callback(*args)
    res = []
    for i, (o, a) in enumerate(zip(outs, result_avals)):
        o = np.asarray(o)
        if o.shape != tuple(a.shape):
            raise RuntimeError(
                f"pure_callback: incorrect output shape for return value #{i}: expected {tuple(a.shape)}, "
                f"got {o.shape}"
            )
        if o.dtype != a.dtype:
            raise RuntimeError(
                f"pure_callback: incorrect output dtype for return value #{i}: expected {a.dtype}, got {o.dtype}"
            )
        res.append(o)
    return res


def _abstract_eval(*avals: ShapedArray, callback: Any, result_avals: tuple[ShapedArray, ...], vmap_method: Any) -> list:
    return list(result_avals)


def _jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> Any:
    raise ValueError(
        "Pure callbacks do not support JVP. Please use `custom_jvp` to use callbacks while taking gradients."
    )


def _batch(vals: Sequence[Any], dims: Sequence[int | None], *, callback: _Callback,
           result_avals: tuple[ShapedArray, ...], vmap_method: Any) -> tuple[list[Any], list[int]]:
    import functrans.numpy as fnp
    from functrans._src import lax

    size = next(v.shape[d] for v, d in zip(vals, dims) if d is not None)
    moved = [v if d is None else lax.moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    if vmap_method in ("sequential", "sequential_unrolled"):
        rows = []
        for i in range(size):
            args = [v if d is None else v[i] for v, d in zip(moved, dims)]
            rows.append(bind(pure_callback_p, args, {"callback": callback, "result_avals": result_avals,
                                                    "vmap_method": vmap_method}))
        outs = [fnp.stack([r[k] for r in rows], 0) for k in range(len(result_avals))]
        return outs, [0] * len(outs)
    if vmap_method in ("expand_dims", "broadcast_all", "legacy_vectorized"):
        args = []
        for v, d in zip(moved, dims):
            if d is None:
                shape = tuple(v.shape) if hasattr(v, "shape") else np.shape(v)
                if vmap_method == "expand_dims":
                    v = lax.reshape(v, (1,) + shape)
                else:
                    v = lax.broadcast_to(v, (size,) + shape)
            args.append(v)
        avals = tuple(ShapedArray((size,) + tuple(a.shape), a.dtype) for a in result_avals)
        outs = bind(pure_callback_p, args, {"callback": callback, "result_avals": avals, "vmap_method": vmap_method})
        return list(outs), [0] * len(outs)
    raise NotImplementedError(
        "vmap is only supported for the pure_callback primitive when vmap_method is one of 'sequential', "
        f"'sequential_unrolled', 'expand_dims', 'broadcast_all', or 'legacy_vectorized'. Got vmap_method={vmap_method}."
    )


pure_callback_p.impl = _impl
pure_callback_p.abstract_eval = _abstract_eval
pure_callback_p.jvp = _jvp
pure_callback_p.batch = _batch


def call(callback: Callable[..., Any], result_shape_dtypes: Any, args: tuple, kwargs: dict,
         vmap_method: str | None) -> Any:
    if vmap_method not in _METHODS:
        raise ValueError(f"vmap_method must be on of the allowed methods {_METHODS}, but got: {vmap_method}")
    if not callable(callback):
        raise TypeError(f"pure_callback: callback must be callable, got {type(callback).__name__}")
    flat_res, out_tree = tree_flatten(result_shape_dtypes)
    avals = []
    for r in flat_res:
        if not (hasattr(r, "shape") and hasattr(r, "dtype")):
            raise TypeError(
                f"pure_callback: result_shape_dtypes must be a pytree of objects with .shape and .dtype "
                f"(e.g. ShapeDtypeStruct), got {type(r).__name__}"
            )
        avals.append(ShapedArray(tuple(r.shape), np.dtype(r.dtype)))
    flat_args, in_tree = tree_flatten((args, kwargs))
    cb = _Callback(callback, in_tree, out_tree)
    outs = bind(pure_callback_p, flat_args, {"callback": cb, "result_avals": tuple(avals), "vmap_method": vmap_method})
    return tree_unflatten(out_tree, list(outs))
