"""The ``functrans.numpy`` functions built on ``vmap``: ``vectorize``, ``apply_along_axis``
and ``fromfunction`` (JAX's semantics: the function is traced once with abstract slices,
so it must be written with ``functrans.numpy``).

They live outside ``functrans._src.numpy`` because they need :func:`functrans.vmap`, whose
module imports that package; ``functrans.numpy`` adds them to its namespace.
Difference from JAX: ``vectorize`` raises for keyword arguments not listed in ``excluded``
(JAX silently ignores them).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src.api import vmap
from functrans._src.numpy.families import FAMILIES as _F
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = ["vectorize", "apply_along_axis", "fromfunction"]


def fromfunction(function: Callable[..., Any], shape: Any, *, dtype: Any = float, **kwargs: Any) -> Any:
    """``function`` evaluated on the grid of indices of ``shape`` (vmapped over each axis, as
    JAX: the function sees scalar indices; keyword arguments are mapped over axis 0)."""
    shape = tuple(int(s) for s in shape) if not isinstance(shape, int | np.integer) else (int(shape),)
    f = function
    n = len(shape)
    for i in range(n):
        in_axes = tuple(0 if i == j else None for j in range(n))
        f = vmap(f, in_axes=in_axes[::-1])
    return f(*(_F.arange(s, dtype=dtype) for s in shape), **kwargs)


_DIM = r"\w+"
_CORE = rf"\((?:{_DIM}(?:,{_DIM})*)?\)"
_ARGS = rf"{_CORE}(?:,{_CORE})*"
_SIG = rf"^{_ARGS}->{_ARGS}$"


def _parse_signature(sig: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    s = sig.replace(" ", "")
    if not re.match(_SIG, s):
        raise ValueError(f"not a valid gufunc signature: {sig}")
    ins, outs = s.split("->")
    parse = lambda part: [tuple(re.findall(_DIM, c)) for c in re.findall(_CORE, part)]  # noqa: E731
    return parse(ins), parse(outs)


def _check_sizes(sizes: dict[str, int], core: tuple[str, ...], shape: tuple[int, ...], context: str) -> None:
    for name, size in zip(core, shape):
        if sizes.setdefault(name, size) != size:
            raise ValueError(f"inconsistent size for core dimension {name!r}: {sizes[name]} vs {size} {context}")


def vectorize(
    pyfunc: Callable[..., Any], *, excluded: Any = frozenset(), signature: str | None = None
) -> Callable[..., Any]:
    """A function that broadcasts ``pyfunc`` over its arguments' leading axes with ``vmap``
    (JAX's ``vectorize``): ``signature`` (e.g. ``'(n,m),(m)->(n)'``) names core dimensions,
    ``excluded`` lists positional indices or keyword names passed through unvectorized."""
    excluded = frozenset(excluded)
    for e in excluded:
        if not isinstance(e, int | str):
            raise TypeError(f"excluded must contain only integers and strings, got {e!r}")
    context = f"on vectorized function with excluded={excluded!r} and signature={signature!r}"

    @functools.wraps(pyfunc)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        extra = sorted(k for k in kwargs if k not in excluded)
        if extra:
            raise NotImplementedError(
                f"keyword arguments {extra} of a vectorized function must be listed in excluded= "
                f"(functrans does not vectorize keyword arguments) {context}"
            )
        static = {i: a for i, a in enumerate(args) if i in excluded or a is None}
        dyn_pos = [i for i in range(len(args)) if i not in static]

        def func(*dyn: Any) -> Any:
            full = list(args)
            for i, v in zip(dyn_pos, dyn):
                full[i] = v
            return pyfunc(*full, **kwargs)

        dyn_args = [_F.asarray(_arr(args[i])) for i in dyn_pos]
        if signature is not None:
            in_core, out_core = _parse_signature(signature)
            if len(in_core) != len(args):
                raise TypeError(f"wrong number of positional arguments: expected {len(in_core)}, got {len(args)} "
                                f"{context}")
            if any(in_core[i] for i in static if i not in excluded):
                raise ValueError(f"Cannot pass None at locations {sorted(static)} with signature={signature!r}")
            in_core = [in_core[i] for i in dyn_pos]
        else:
            in_core, out_core = [()] * len(dyn_args), None
        sizes: dict[str, int] = {}
        loop_shapes = []
        for a, core in zip(dyn_args, in_core):
            shape = _shape(a)
            if len(shape) < len(core):
                raise ValueError(f"input with shape {shape} does not have enough dimensions for all core "
                                 f"dimensions {core} {context}")
            _check_sizes(sizes, core, shape[len(shape) - len(core):], context)
            loop_shapes.append(shape[: len(shape) - len(core)])
        bshape = np.broadcast_shapes(*loop_shapes) if loop_shapes else ()

        def checked(*dyn: Any) -> Any:
            out = func(*dyn)
            if out_core is None:
                return out
            outs = out if isinstance(out, tuple) else (out,)
            if len(outs) != len(out_core) or (len(out_core) > 1 and not isinstance(out, tuple)):
                raise TypeError(f"wrong number of output arguments: expected {len(out_core)}, got {len(outs)} "
                                f"{context}")
            for o, core in zip(outs, out_core):
                oshape = _shape(_arr(o))
                if len(oshape) != len(core):
                    raise ValueError(f"output shape {oshape} does not match core dimensions {core} {context}")
                _check_sizes(sizes, core, oshape, context)
            return out

        squeezed, rev_filled = [], []
        for a, ls in zip(dyn_args, loop_shapes):
            filled = (1,) * (len(bshape) - len(ls)) + tuple(ls)
            sq = tuple(i for i, s in enumerate(ls) if s == 1)
            squeezed.append(_F.squeeze(a, axis=sq) if sq else a)
            rev_filled.append(filled[::-1])
        f = checked
        expand = []
        for negdim, axis_sizes in enumerate(zip(*rev_filled)):
            in_axes = tuple(None if s == 1 else 0 for s in axis_sizes)
            if all(ax is None for ax in in_axes):
                expand.append(len(bshape) - 1 - negdim)
            else:
                f = vmap(f, in_axes=in_axes)
        result = f(*squeezed)
        if not expand:
            return result
        if isinstance(result, tuple):
            return tuple(_F.expand_dims(r, tuple(expand)) for r in result)
        return _F.expand_dims(result, tuple(expand))

    return wrapped


def apply_along_axis(func1d: Callable[..., Any], axis: int, arr: Any, *args: Any, **kwargs: Any) -> Any:
    """``func1d`` applied to the 1-d slices of ``arr`` along ``axis`` (with ``vmap``, as JAX);
    the output's new axes replace ``axis``."""
    arr = _F.asarray(_arr(arr))
    nd = len(_shape(arr))
    ax = _axis(axis, nd)

    def f(a: Any) -> Any:
        return func1d(a, *args, **kwargs)

    for i in range(1, nd - ax):
        f = vmap(f, in_axes=i, out_axes=-1)
    for _ in range(ax):
        f = vmap(f, in_axes=0, out_axes=0)
    return f(arr)
