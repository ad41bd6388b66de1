"""Reductions: ``reduce_sum``, ``reduce_max``, ``reduce_min``, ``reduce_prod``.

Axes are normalised (non-negative, sorted) by the wrappers. The extremum reductions
share the tangent equally among tied elements, as JAX does; ``reduce_prod``'s JVP is
zero-safe (a pairwise product tree, differentiated).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind
from functrans._src.jvp import jvp_flat
from functrans._src.lax.comparisons import convert_element_type, eq, stop_gradient
from functrans._src.lax.complex_parts import imag_part, real_part
from functrans._src.lax.elementwise import div, mul
from functrans._src.lax.rules import (
    _bcast,
    _dtype,
    _elementwise_dtype,
    _prim,
    _shape,
    _sig,
    allow_complex,
    defjvp,
    deflinear,
)
from functrans._src.lax.shape import concatenate, reshape, transpose
from functrans._src.lax.slicing import index

# --------------------------------------------------------------------------- reductions


def _reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _reduction(name: str, fn: Callable[..., Any], ufunc: np.ufunc | None = None) -> Primitive:
    p = _prim(name)
    if ufunc is None:
        p.impl = lambda x, axes, keepdims=False: fn(x, axis=axes, keepdims=keepdims)
    else:
        # a plain ndarray goes straight to the ufunc's reduce (what np.sum/np.prod call, after
        # a dispatch preamble that costs more than summing a small array); anything else (NumPy
        # scalars, ndarray subclasses with their own methods) through the NumPy function
        def impl(x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
            if type(x) is np.ndarray:
                return ufunc.reduce(x, axis=axes, keepdims=keepdims)
            return fn(x, axis=axes, keepdims=keepdims)

        p.impl = impl

    def dtype_fn(v: Any) -> Any:  # one object per primitive, so _elementwise_dtype's cache hits
        return fn(v, axis=())

    def abstract_eval(x: ShapedArray, axes: tuple[int, ...], keepdims: bool = False) -> ShapedArray:
        for a in axes:
            if not 0 <= a < x.ndim:
                raise ValueError(f"{name}: axis {a} is out of bounds for an array of dimension {x.ndim}")
        dt = _elementwise_dtype(dtype_fn, _sig((x,)))
        return ShapedArray(_reduced_shape(x.shape, axes, keepdims), dt)

    p.abstract_eval = abstract_eval

    def batch(vals: Sequence[Any], dims: Sequence[Any], axes: tuple[int, ...], keepdims: bool = False) -> Any:
        (x,), (d,) = vals, dims
        new_axes = tuple(a if a < d else a + 1 for a in axes)
        out_d = d if keepdims else d - sum(1 for a in axes if a < d)
        return bind(p, (x,), {"axes": new_axes, "keepdims": keepdims}), out_d

    p.batch = batch
    return p


reduce_sum_p = _reduction("reduce_sum", np.sum, np.add)
def _empty_identity(fn: Callable[..., Any], lowest: bool) -> Callable[..., Any]:
    """``fn`` (np.max/np.min), whose reduction over an empty axis is its identity, as XLA's:
    -inf/+inf for floats, the integer type's minimum/maximum, False/True for bool."""

    def reduce(x: Any, axis: tuple[int, ...], keepdims: bool = False) -> Any:
        x = np.asarray(x)
        if x.size or not any(x.shape[a] == 0 for a in axis):
            return fn(x, axis=axis, keepdims=keepdims)
        dt = x.dtype
        if dt.kind == "b":
            ident: Any = not lowest
        elif dt.kind in "iu":
            ident = np.iinfo(dt).min if lowest else np.iinfo(dt).max
        else:
            ident = -np.inf if lowest else np.inf
        return fn(x, axis=axis, keepdims=keepdims, initial=ident)

    return reduce


reduce_max_p = _reduction("reduce_max", _empty_identity(np.max, lowest=True))
reduce_min_p = _reduction("reduce_min", _empty_identity(np.min, lowest=False))
reduce_prod_p = _reduction("reduce_prod", np.prod, np.multiply)


def _red(p: Primitive) -> Callable[..., Any]:
    def f(operand: Any, axes: Sequence[int], keepdims: bool = False, *, out_sharding: Any = None) -> Any:
        return bind(p, (operand,), {"axes": tuple(sorted(int(a) for a in axes)), "keepdims": bool(keepdims)})

    f.__name__ = p.name
    f.__doc__ = f"``{p.name}`` over the (non-negative, normalised) ``axes``."
    return f


reduce_sum, reduce_max, reduce_min, reduce_prod = (
    _red(reduce_sum_p),
    _red(reduce_max_p),
    _red(reduce_min_p),
    _red(reduce_prod_p),
)


def expand_reduced(ct: Any, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Any:
    """Broadcast a reduction's result back over the reduced axes of ``shape``."""
    kshape = _reduced_shape(shape, axes, True)
    cs = _shape(ct)
    if not keepdims and cs != kshape and cs != ():  # a 0-d cotangent broadcasts as it is
        ct = reshape(ct, kshape)
    return _bcast(ct, shape)


deflinear(
    reduce_sum_p,
    lambda ct, x, axes, keepdims=False: [expand_reduced(ct, x.aval.shape, axes, keepdims)],
)


def _equal_mask(x: Any, y: Any, dtype: Any) -> Any:
    """1 where ``x == y`` else 0, in ``dtype`` (complex values compare both parts)."""
    if _dtype(x).kind != "c":
        return convert_element_type(eq(x, y), dtype)
    x, y = stop_gradient(x), stop_gradient(y)
    re = convert_element_type(eq(real_part(x), real_part(y)), dtype)
    return mul(re, convert_element_type(eq(imag_part(x), imag_part(y)), dtype))


def _chooser_jvp(g: Any, ans: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
    # The tangent is shared equally among the elements that attain the extremum (as JAX; complex
    # values are ordered lexicographically, real part first, as NumPy and JAX do).
    shape = _shape(x)
    location = _equal_mask(x, expand_reduced(ans, shape, axes, keepdims), _dtype(g))
    counts = reduce_sum(location, axes, keepdims=True)
    return reduce_sum(mul(g, div(location, counts)), axes, keepdims)


defjvp(reduce_max_p, _chooser_jvp)
defjvp(reduce_min_p, _chooser_jvp)


def _prod_pairwise(x: Any) -> Any:
    """Product over the last axis by pairwise halving (differentiable, zero-safe)."""
    n = _shape(x)[-1]
    while n > 1:
        if n % 2:
            ones = np.ones(_shape(x)[:-1] + (1,), _dtype(x))
            x = concatenate([x, ones], len(_shape(x)) - 1)
            n += 1
        nd = len(_shape(x))
        even = index(x, (slice(None),) * (nd - 1) + (slice(0, None, 2),))
        odd = index(x, (slice(None),) * (nd - 1) + (slice(1, None, 2),))
        x = mul(even, odd)
        n //= 2
    return reshape(x, _shape(x)[:-1])


def _reduce_prod_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], axes: tuple[int, ...], keepdims: bool = False
) -> tuple[Any, Any]:
    (x,), (g,) = primals, tangents
    ans = reduce_prod(x, axes, keepdims)
    shape = _shape(x)
    kept = [i for i in range(len(shape)) if i not in axes]
    perm = tuple(kept) + tuple(axes)
    flat_shape = tuple(shape[i] for i in kept) + (math.prod([shape[a] for a in axes]),)

    def prod_of(v: Any) -> list[Any]:
        return [_prod_pairwise(reshape(transpose(v, perm), flat_shape))]

    if flat_shape[-1] == 0:  # an empty product is the constant 1
        return ans, None
    _, (t,) = jvp_flat(prod_of, [x], [g])
    if keepdims:
        t = reshape(t, _reduced_shape(shape, axes, True))
    return ans, t


reduce_prod_p.jvp = _reduce_prod_jvp

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(reduce_sum_p, reduce_prod_p, reduce_max_p, reduce_min_p)
