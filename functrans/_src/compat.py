"""Drop-in names JAX programs use that have a simple meaning on NumPy.

* :func:`eval_shape` and :class:`ShapeDtypeStruct`: the shapes and dtypes of a
  function's outputs, found by tracing it (nothing is computed).
* :func:`device_put`, :func:`device_get`, :func:`block_until_ready`: functrans has one
  device, the host, and computes eagerly, so these return their argument (as arrays).
* :data:`config`: ``config.update("jax_enable_x64", ...)`` and friends are accepted.
  functrans computes in NumPy's dtypes (float64 by default) whatever the flag says.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src.api import make_ir
from functrans._src.tree_util import tree_flatten, tree_map, tree_unflatten

__all__ = ["ShapeDtypeStruct", "eval_shape", "device_put", "device_get", "block_until_ready", "config", "make_jaxpr"]


class ShapeDtypeStruct:
    """A shape and a dtype standing for an array, as ``jax.ShapeDtypeStruct``."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape: Any, dtype: Any) -> None:
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(dtype)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ShapeDtypeStruct) and self.shape == other.shape and self.dtype == other.dtype
        )

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype))

    def __repr__(self) -> str:
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype.name})"


def _placeholder(x: Any) -> Any:
    if isinstance(x, ShapeDtypeStruct):
        return np.zeros(x.shape, x.dtype)
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return np.zeros(tuple(x.shape), x.dtype)
    return x


def eval_shape(fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The output pytree of ``fun(*args, **kwargs)`` with every array replaced by a
    :class:`ShapeDtypeStruct`, found by tracing (no computation). Arguments may be arrays,
    Python scalars or ShapeDtypeStructs."""
    if not callable(fun):
        raise TypeError(f"eval_shape: expected a callable as the first argument, got {type(fun).__name__}")
    args = tree_map(_placeholder, args)
    kwargs = tree_map(_placeholder, kwargs)
    out_tree: list[Any] = []

    def flat(*a: Any, **k: Any) -> list[Any]:
        leaves, tree = tree_flatten(fun(*a, **k))
        out_tree.append(tree)
        return leaves

    ir = make_ir(flat)(*args, **kwargs)
    avals = [v.aval for v in ir.outvars]
    return tree_unflatten(out_tree[0], [ShapeDtypeStruct(a.shape, a.dtype) for a in avals])


def make_jaxpr(fun: Callable[..., Any], static_argnums: int | tuple[int, ...] = (), axis_env: Any = None,
               return_shape: bool = False) -> Callable[..., Any]:  # fmt: skip
    """As ``jax.make_jaxpr``: a function tracing ``fun`` to its :class:`~functrans.IR` (see
    :func:`~functrans.make_ir`); with ``return_shape=True`` it returns ``(ir, shapes)``, the
    output pytree of :class:`ShapeDtypeStruct`. ``axis_env`` (named axes) is not supported."""
    if axis_env:
        raise NotImplementedError("make_jaxpr: axis_env (named axes) is not supported")
    make = make_ir(fun, static_argnums)
    if not return_shape:
        return make
    statics = {static_argnums} if isinstance(static_argnums, int) else set(static_argnums)

    def with_shape(*args: Any, **kwargs: Any) -> Any:
        ir = make(*args, **kwargs)
        dyn = [a for i, a in enumerate(args) if i not in statics]

        def of_dynamic(*d: Any) -> Any:
            it = iter(d)
            return fun(*[a if i in statics else next(it) for i, a in enumerate(args)], **kwargs)

        return ir, eval_shape(of_dynamic, *dyn)

    return with_shape


def _as_array(x: Any) -> Any:
    return np.asarray(x) if isinstance(x, np.ndarray | np.generic | int | float | complex | bool) else x


def device_put(x: Any, device: Any = None, **kwargs: Any) -> Any:
    """``x`` with its leaves as NumPy arrays (functrans has one device: the host)."""
    return tree_map(_as_array, x)


def device_get(x: Any) -> Any:
    """``x`` as it is (values already live on the host)."""
    return tree_map(_as_array, x)


def block_until_ready(x: Any) -> Any:
    """``x`` (functrans computes eagerly: nothing is pending)."""
    return x


class _Config:
    """JAX's configuration object: ``update`` accepts JAX's option names.

    functrans always computes in NumPy's dtypes (float64 by default), so
    ``jax_enable_x64`` True is a no-op and False warns that it has no effect. Options
    that functrans does not know raise an AttributeError naming them, as JAX does.
    """

    _KNOWN = {
        "jax_enable_x64": True,
        "jax_platform_name": "cpu",
        "jax_platforms": "cpu",
        "jax_debug_nans": False,
        "jax_debug_infs": False,
        "jax_disable_jit": False,
        "jax_default_matmul_precision": None,
        "jax_numpy_rank_promotion": "allow",
        "jax_traceback_filtering": "auto",
        "jax_threefry_partitionable": True,
        "jax_log_compiles": False,
    }

    def __init__(self) -> None:
        self._values = dict(self._KNOWN)

    def update(self, name: str, value: Any) -> None:
        """Set option ``name`` (accepted for compatibility; see the class docstring)."""
        if name not in self._values:
            raise AttributeError(f"Unrecognized config option: {name}")
        if name == "jax_enable_x64" and not value:
            warnings.warn(
                "functrans computes in NumPy's dtypes (float64 by default); "
                "jax_enable_x64=False has no effect",
                stacklevel=2,
            )
        if name == "jax_disable_jit" and value:
            raise NotImplementedError("use the functrans.disable_jit() context manager to run jitted code eagerly")
        self._values[name] = value

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "_values")
        if name in values:
            return values[name]
        raise AttributeError(f"Unrecognized config option: {name}")

    def read(self, name: str) -> Any:
        return self.__getattr__(name)


config = _Config()

