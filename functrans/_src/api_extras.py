"""Top-level utilities of ``jax`` that sit around the transformations: ``custom_gradient``,
``closure_convert``, ``named_call``/``named_scope``, ``ensure_compile_time_eval``,
``pure_callback``, ``typeof`` and the (single, CPU) device queries."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from functrans._src.core import IR, ShapedArray, Tracer, eval_ir, get_aval
from functrans._src.custom_derivatives import custom_vjp
from functrans._src.staging import trace_to_ir
from functrans._src.tree_util import (
    PyTreeDef,
    register_pytree_node,
    tree_flatten,
    tree_unflatten,
    treedef_is_leaf,
)

__all__ = [
    "Device", "closure_convert", "custom_gradient", "default_backend", "device_count", "devices",
    "ensure_compile_time_eval", "local_device_count", "local_devices", "named_call", "named_scope",
    "process_count", "process_index", "pure_callback", "typeof",
]  # fmt: skip


# ---------------------------------------------------------------- devices
class Device:
    """The one device functrans computes on: the host CPU (``CpuDevice(id=0)``)."""

    platform = "cpu"
    device_kind = "cpu"
    id = 0
    process_index = 0
    host_id = 0

    def __repr__(self) -> str:
        return "CpuDevice(id=0)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Device)

    def __hash__(self) -> int:
        return hash("functrans-cpu-0")


_CPU = Device()


def _check_backend(backend: Any) -> None:
    if backend is None:
        return
    name = getattr(backend, "platform", backend)
    if name != "cpu":
        raise RuntimeError(
            f"Unknown backend: '{name}' requested, but no platforms that are instances of {name} are present. "
            "Platforms present are: cpu"
        )


def devices(backend: Any = None) -> list[Device]:
    """The devices of ``backend`` (only 'cpu' exists): ``[CpuDevice(id=0)]``."""
    _check_backend(backend)
    return [_CPU]


def local_devices(process_index: int | None = None, backend: Any = None, host_id: int | None = None) -> list[Device]:
    """The devices of this process: ``[CpuDevice(id=0)]``."""
    _check_backend(backend)
    return [_CPU]


def device_count(backend: Any = None) -> int:
    """Number of devices (1)."""
    _check_backend(backend)
    return 1


def local_device_count(backend: Any = None) -> int:
    """Number of devices of this process (1)."""
    _check_backend(backend)
    return 1


def default_backend() -> str:
    """The platform computations run on: ``'cpu'``."""
    return "cpu"


def process_count(backend: Any = None) -> int:
    """Number of processes (1)."""
    _check_backend(backend)
    return 1


def process_index(backend: Any = None) -> int:
    """Index of this process (0)."""
    _check_backend(backend)
    return 0


# ---------------------------------------------------------------- typeof
_VALID_SCALARS = (bool, int, float, complex, np.generic, np.ndarray)


def typeof(x: Any) -> ShapedArray:
    """The abstract value (shape, dtype, weak type) of ``x``: ``ShapedArray(float64[3])``."""
    if not isinstance(x, Tracer) and not isinstance(x, _VALID_SCALARS) and not hasattr(x, "__array__"):
        raise TypeError(f"Argument '{x}' of type {type(x)} is not a valid JAX type")
    return get_aval(x)


# ---------------------------------------------------------------- names
def named_call(fun: Callable[..., Any], *, name: str | None = None) -> Callable[..., Any]:
    """``fun`` under the name ``name`` (a label only: functrans' IR does not record call names)."""
    if not callable(fun):
        raise TypeError(f"named_call: fun must be callable, got {type(fun).__name__}")

    @functools.wraps(fun)
    def named(*args: Any, **kwargs: Any) -> Any:
        return fun(*args, **kwargs)

    if name is not None:
        named.__name__ = name
    return named


@contextlib.contextmanager
def named_scope(name: str) -> Iterator[None]:
    """A context that names the operations staged in it (a label only in functrans)."""
    if not isinstance(name, str):
        raise TypeError("named_scope name argument must be a string.")
    yield


@contextlib.contextmanager
def ensure_compile_time_eval() -> Iterator[None]:
    """Evaluate eagerly inside the block where possible. functrans computes concrete values
    eagerly already (only values derived from traced arguments stay abstract), so this is a no-op."""
    yield


# ---------------------------------------------------------------- custom_gradient
class _Rule:
    """The backward rule of :func:`custom_gradient` as a pytree: the traced rule's IR and trees
    are static, its constants the children (so they travel as residuals)."""

    def __init__(self, ir: IR, consts: list[Any], in_tree: PyTreeDef, out_tree: PyTreeDef) -> None:
        self.ir, self.consts, self.in_tree, self.out_tree = ir, consts, in_tree, out_tree


register_pytree_node(
    _Rule,
    lambda r: (r.consts, (r.ir, r.in_tree, r.out_tree)),
    lambda aux, consts: _Rule(aux[0], list(consts), aux[1], aux[2]),
)


def custom_gradient(fun: Callable[..., Any]) -> Callable[..., Any]:
    """A function with a hand-written gradient: ``fun(*args)`` returns ``(value, vjp)`` where
    ``vjp(cotangent)`` returns one cotangent per positional argument (as ``jax.custom_gradient``)."""

    @custom_vjp
    def wrapped(*args: Any) -> Any:
        return fun(*args)[0]

    def fwd(*args: Any) -> tuple[Any, _Rule]:
        ans, rule = fun(*args)
        ans_flat, out_tree = tree_flatten((ans,))
        avals = [ShapedArray(np.shape(a), get_aval(a).dtype) for a in ans_flat]
        holder: dict[str, PyTreeDef] = {}

        def flat_rule(*cts: Any) -> list[Any]:
            (ct,) = tree_unflatten(out_tree, list(cts))
            res = rule(ct)
            flat, holder["tree"] = tree_flatten(res)
            return flat

        ir, _ = trace_to_ir(flat_rule, avals)
        return ans, _Rule(ir, list(ir.consts), holder["tree"], out_tree)

    def bwd(res: _Rule, ct: Any) -> Any:
        cts_flat, tree = tree_flatten((ct,))
        if tree != res.out_tree:
            raise TypeError(f"custom_gradient: cotangent structure {tree} differs from the output's {res.out_tree}")
        out = tree_unflatten(res.in_tree, eval_ir(res.ir, res.consts, cts_flat))
        return (out,) if treedef_is_leaf(res.in_tree) else out

    wrapped.defvjp(fwd, bwd)
    return functools.wraps(fun)(wrapped) if hasattr(wrapped, "__dict__") else wrapped


# ---------------------------------------------------------------- closure_convert
def closure_convert(fun: Callable[..., Any], *example_args: Any) -> tuple[Callable[..., Any], list[Any]]:
    """``(converted, consts)``: ``converted(*args, *consts) == fun(*args)``, with the inexact values
    of enclosing transformations that ``fun`` closes over hoisted into ``consts`` (as JAX), so
    ``fun`` can be passed to ``custom_vjp``/``custom_jvp`` rules that must not close over tracers."""
    flat, in_tree = tree_flatten(example_args)
    avals = [ShapedArray(np.shape(x), get_aval(x).dtype) for x in flat]
    holder: dict[str, PyTreeDef] = {}

    def flat_fun(*xs: Any) -> list[Any]:
        out = fun(*tree_unflatten(in_tree, list(xs)))
        leaves, holder["tree"] = tree_flatten(out)
        return leaves

    ir, _ = trace_to_ir(flat_fun, avals)
    out_tree = holder["tree"]
    hoist = [
        isinstance(c, Tracer) and np.issubdtype(get_aval(c).dtype, np.inexact) for c in ir.consts
    ]
    consts = [c for c, h in zip(ir.consts, hoist) if h]
    n = len(example_args)

    def converted(*args: Any) -> Any:
        call_args, hoisted = args[:n], list(args[n:])
        if len(hoisted) != len(consts):
            raise TypeError(
                f"closure_convert: the converted function takes {n} arguments and {len(consts)} "
                f"constants, got {len(args)} values"
            )
        xs, tree = tree_flatten(tuple(call_args))
        if tree != in_tree:
            raise TypeError(f"closure_convert: arguments have structure {tree}, expected {in_tree}")
        it = iter(hoisted)
        all_consts = [next(it) if h else c for c, h in zip(ir.consts, hoist)]
        return tree_unflatten(out_tree, eval_ir(ir, all_consts, xs))

    return converted, consts


# ---------------------------------------------------------------- pure_callback
def pure_callback(
    callback: Callable[..., Any], result_shape_dtypes: Any, *args: Any, sharding: Any = None,
    vmap_method: str | None = None, **kwargs: Any,
) -> Any:
    """Call the host function ``callback(*args, **kwargs)`` on concrete NumPy values; the result is
    checked against ``result_shape_dtypes`` (a pytree of objects with ``shape``/``dtype``).

    Not differentiable (as JAX). Under ``vmap``, ``vmap_method`` says how: 'sequential' (one call per
    example), 'expand_dims' / 'broadcast_all' (one call with the batch axis in front); under ``jit``
    (abstract values) it raises, as functrans stages no host calls.
    """
    from functrans._src.callback import call

    return call(callback, result_shape_dtypes, args, kwargs, vmap_method)
