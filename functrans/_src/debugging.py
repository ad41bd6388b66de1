"""``functrans.debug.print`` and ``functrans.debug.callback``: effects with runtime values.

Both go through one primitive, ``debug_callback``, with no outputs and the attribute
``effectful = True``, which the IR passes consult: dead-code elimination keeps its
equations, constant folding does not run them at compile time and common-subexpression
elimination never merges two of them. So under :func:`~functrans.jit` the callback runs
each time the compiled program runs, with that call's values (not once at trace time);
called eagerly it runs at once.

Rules: under differentiation the callback sees the primal values (the tangents pass by:
there are no outputs); under ``vmap`` it is called once per example, in order (for nested
``vmap``, the outer index varies slowest), as JAX does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, Tracer
from functrans._src.tree_util import tree_flatten, tree_unflatten

__all__ = ["callback", "debug_callback_p", "print"]

_print = print  # the builtin (this module defines ``print``)

debug_callback_p = Primitive("debug_callback", multiple_results=True)
debug_callback_p.complex_ok = True  # its body's primitives check complex operands themselves
debug_callback_p.effectful = True  # type: ignore[attr-defined]


def _run(args: Sequence[Any], callback: Callable[..., Any], batch_dims: tuple[tuple[int | None, ...], ...]) -> None:
    if not batch_dims:
        callback(*args)
        return
    dims, rest = batch_dims[-1], batch_dims[:-1]  # the outermost vmap was recorded last
    size = next(np.shape(a)[d] for a, d in zip(args, dims) if d is not None)
    for i in range(size):
        _run([a if d is None else np.take(a, i, axis=d) for a, d in zip(args, dims)], callback, rest)


def _impl(*args: Any, callback: Callable[..., Any], batch_dims: tuple[tuple[int | None, ...], ...]) -> list[Any]:
    _run(args, callback, batch_dims)
    return []


def _abstract_eval(*avals: ShapedArray, callback: Callable[..., Any], batch_dims: Any) -> list[ShapedArray]:
    return []


def _jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[list[Any], list[Any]]:
    debug_callback_p.bind(*primals, **params)  # the primal values; nothing to differentiate
    return [], []


def _batch(vals: Sequence[Any], dims: Sequence[int | None], callback: Callable[..., Any], batch_dims: Any) -> Any:
    debug_callback_p.bind(*vals, callback=callback, batch_dims=(*batch_dims, tuple(dims)))
    return [], []


def _transpose(cts: Sequence[Any], *args: Any, **params: Any) -> list[Any]:
    return [None] * len(args)  # no outputs: nothing flows back


debug_callback_p.impl = _impl
debug_callback_p.abstract_eval = _abstract_eval
debug_callback_p.jvp = _jvp
debug_callback_p.batch = _batch
debug_callback_p.transpose = _transpose


def _is_dynamic(x: Any) -> bool:
    return isinstance(x, Tracer | np.ndarray | np.generic | bool | int | float | complex)


def callback(callback: Callable[..., Any], *args: Any, ordered: bool = False, **kwargs: Any) -> None:
    """Call ``callback(*args, **kwargs)`` with the runtime values of the arguments (NumPy
    arrays), as ``jax.debug.callback``: eagerly at once; under ``jit`` each time the compiled
    function runs; under ``grad``/``jvp`` with the primal values; under ``vmap`` once per
    example. Its return value is ignored. ``ordered`` is accepted for compatibility
    (callbacks always run in program order here)."""
    if not callable(callback):
        raise TypeError(f"debug.callback: expected a callable as the first argument, got {type(callback).__name__}")
    leaves, tree = tree_flatten((args, kwargs))
    dyn_pos = [i for i, x in enumerate(leaves) if _is_dynamic(x)]
    static = list(leaves)

    def flat_callback(*vals: Any) -> None:
        full = list(static)
        for i, v in zip(dyn_pos, vals):
            # a copy: the compiled program may reuse this buffer after the call
            full[i] = np.array(v) if isinstance(v, np.ndarray | np.generic | bool | int | float | complex) else v
        a, k = tree_unflatten(tree, full)
        callback(*a, **k)

    debug_callback_p.bind(*[leaves[i] for i in dyn_pos], callback=flat_callback, batch_dims=())


def print(fmt: str, *args: Any, ordered: bool = False, **kwargs: Any) -> None:  # noqa: A001
    """Print ``fmt.format(*args, **kwargs)`` with the runtime values of the arguments, as
    ``jax.debug.print``: under ``jit`` each time the compiled function runs (not at trace
    time), eagerly at once, under ``grad`` the primal values, under ``vmap`` one line per
    example."""
    if not isinstance(fmt, str):
        raise TypeError(f"debug.print: the format must be a str, got {type(fmt).__name__}")

    def show(*a: Any, **k: Any) -> None:
        _print(fmt.format(*a, **k))

    callback(show, *args, ordered=ordered, **kwargs)
