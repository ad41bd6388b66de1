"""Index and construction helpers of ``functrans.numpy``: ``s_``, ``index_exp``, ``ix_``,
``mgrid``, ``ogrid``, ``mask_indices``, ``choose``, ``block``, ``put_along_axis``, ``place``,
the windows (``bartlett``, ``blackman``, ``hamming``, ``hanning``, ``kaiser``), the I/O
pass-throughs (``frombuffer``, ``fromstring``, ``load``, ``save``, ``savez``, ``from_dlpack``;
``fromiter``/``fromfile`` raise as in JAX), and ``apply_over_axes``. (``vectorize``,
``apply_along_axis`` and ``fromfunction``, built on ``vmap``, are in
functrans/_src/numpy_transforms.py.)

Index helpers and windows return constant arrays (``kaiser`` is differentiable in ``beta``).

Semantics are JAX's where it differs from NumPy: ``put_along_axis`` and ``place`` need
``inplace=False`` (arrays are immutable); ``choose`` with ``mode='raise'`` needs a concrete
index array.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import ConcretizationTypeError, Tracer, get_aval
from functrans._src.numpy.array import Array
from functrans._src.numpy.elementwise_misc import i0 as _i0
from functrans._src.numpy.families import FAMILIES as _F
from functrans._src.numpy.util import _arr, _axis, _shape

__all__ = [
    "s_", "index_exp", "ix_", "mgrid", "ogrid", "mask_indices", "choose", "block",
    "put_along_axis", "place", "bartlett", "blackman", "hamming", "hanning", "kaiser", "frombuffer",
    "fromstring", "fromiter", "fromfile", "load", "save", "savez", "from_dlpack", "apply_over_axes",
]  # fmt: skip

s_ = np.s_
index_exp = np.index_exp
save = np.save
savez = np.savez


def _const(a: Any) -> Any:
    return np.asarray(a).view(Array)


def _concrete(x: Any, what: str) -> np.ndarray:
    if isinstance(x, Tracer):
        try:
            return np.asarray(x._trace.concrete(x, what))
        except ConcretizationTypeError:
            raise ConcretizationTypeError(
                f"{what} needs a concrete value here, but it was given a traced (abstract) one"
            ) from None
    return np.asarray(x)


# --------------------------------------------------------------------------- index helpers


def ix_(*args: Any) -> tuple[Any, ...]:
    """Open mesh from 1-d sequences: argument ``i`` reshaped to length along axis ``i`` only."""
    n = len(args)
    out = []
    for i, a in enumerate(args):
        if not isinstance(a, np.ndarray | Tracer | np.generic | int | float | complex):
            raise TypeError(f"ix requires ndarray or scalar arguments, got {type(a)} at position {i}.")
        a = _F.asarray(a)
        shape = _shape(a)
        if len(shape) != 1:
            raise ValueError(f"Arguments to functrans.numpy.ix_ must be 1-dimensional, got shape {shape}")
        if get_aval(a).dtype == np.bool_:
            raise NotImplementedError("Boolean arguments to functrans.numpy.ix_ are not implemented")
        out.append(_F.reshape(a, (1,) * i + shape + (1,) * (n - i - 1)))
    return tuple(out)


class _Grid:
    """``mgrid`` (dense) or ``ogrid`` (open): NumPy's grids from slice notation, as arrays."""

    def __init__(self, sparse: bool) -> None:
        self.sparse = sparse

    def __getitem__(self, key: Any) -> Any:
        keys = key if isinstance(key, tuple) else (key,)
        if not all(isinstance(k, slice) for k in keys):
            raise TypeError(f"{'ogrid' if self.sparse else 'mgrid'} takes slices, got {key!r}")
        if self.sparse:
            out = np.ogrid[key]
            return _const(out) if not isinstance(key, tuple) else [_const(o) for o in out]
        return _const(np.mgrid[key])

    def __repr__(self) -> str:
        return "functrans.numpy.ogrid" if self.sparse else "functrans.numpy.mgrid"


mgrid = _Grid(sparse=False)
"""Dense grid from slices (``mgrid[0:3, 0:2]``; a complex step ``5j`` counts points)."""
ogrid = _Grid(sparse=True)
"""Open grid from slices: a list of arrays that broadcast against each other."""


def mask_indices(
    n: int, mask_func: Callable[[Any, int], Any], k: int = 0, *, size: int | None = None
) -> tuple[Any, Any]:
    """Indices of the nonzero entries of ``mask_func(ones((n, n)), k)`` (e.g. ``triu``)."""
    mask = mask_func(_F.ones((n, n), np.int64), k)
    return tuple(_F.nonzero(mask, size=size))  # type: ignore[return-value]


def choose(a: Any, choices: Any, out: None = None, mode: str = "raise") -> Any:
    """Elements of ``choices[a]`` (broadcast together); ``mode`` 'raise' (needs concrete
    indices), 'wrap' or 'clip' for indices outside ``[0, len(choices))``."""
    if out is not None:
        raise NotImplementedError("The 'out' argument to functrans.numpy.choose is not supported.")
    a = _F.asarray(_arr(a))
    chs = [_F.asarray(_arr(c)) for c in choices]
    if get_aval(a).dtype.kind not in "iu":
        raise ValueError("`a` array must be integer typed")
    n = len(chs)
    if mode == "raise":
        arr = _concrete(a, "functrans.numpy.choose with mode='raise' (use mode='wrap' or mode='clip')")
        if np.any((arr < 0) | (arr >= n)):
            raise ValueError("invalid entry in choice array")
    elif mode == "wrap":
        a = _F.mod(a, n)
    elif mode == "clip":
        a = _F.clip(a, 0, n - 1)
    else:
        raise ValueError(f"mode={mode!r} not understood. Must be 'raise', 'wrap', or 'clip'")
    a, *chs = _F.broadcast_arrays(a, *chs)
    stacked = _F.stack(chs)
    return _F.take_along_axis(stacked, _F.expand_dims(a, 0), 0)[0]


def _block(xs: Any) -> tuple[Any, int]:
    if isinstance(xs, tuple):
        raise ValueError(f"functrans.numpy.block does not allow tuples, got {xs}")
    if isinstance(xs, list):
        if not xs:
            raise ValueError("functrans.numpy.block does not allow empty list arguments")
        parts, depths = zip(*(_block(x) for x in xs))
        if any(d != depths[0] for d in depths[1:]):
            raise ValueError("Mismatched list depths in functrans.numpy.block")
        rank = max(depths[0], max(len(_shape(x)) for x in parts))
        parts = [_F.reshape(x, (1,) * (rank - len(_shape(x))) + _shape(x)) for x in parts]
        return _F.concatenate(parts, axis=-depths[0]), depths[0] + 1
    return _F.asarray(xs), 1


def block(arrays: Any) -> Any:
    """Assemble an array from nested lists of blocks (innermost lists join along the last axis)."""
    return _block(arrays)[0]


def put_along_axis(
    arr: Any, indices: Any, values: Any, axis: int | None, inplace: bool = True, *, mode: str | None = None
) -> Any:
    """``arr`` with ``values`` written at ``indices`` along ``axis`` (``inplace=False`` is
    required, as in JAX; out-of-bounds indices are dropped, or clamped with ``mode='clip'``)."""
    if inplace:
        raise ValueError(
            "functrans.numpy.put_along_axis cannot modify arrays in-place, because functrans arrays are "
            "immutable. Pass inplace=False to instead return an updated array."
        )
    arr = _F.asarray(_arr(arr))
    idx = _F.asarray(_arr(indices))
    shape = _shape(arr)
    if axis is None:
        flat = _F.ravel(arr)
        return _F.reshape(put_along_axis(flat, _F.ravel(idx), _F.ravel(_F.asarray(values)), 0, False, mode=mode), shape)
    if get_aval(idx).dtype.kind not in "iu":
        raise IndexError(f"put_along_axis: indices must be of integer type, got {get_aval(idx).dtype}")
    nd = len(shape)
    if len(_shape(idx)) != nd:
        raise ValueError(f"put_along_axis: indices and arr must have the same number of dimensions; "
                         f"got {len(_shape(idx))} and {nd}")
    ax = _axis(axis, nd)
    full: list[Any] = []
    for d in range(nd):
        if d == ax:
            full.append(idx)
        else:
            full.append(np.arange(shape[d]).reshape((1,) * d + (shape[d],) + (1,) * (nd - d - 1)))
    vals = _F.asarray(_arr(values))
    if get_aval(vals).dtype != get_aval(arr).dtype:
        vals = _F.astype(vals, get_aval(arr).dtype)
    return _F.asarray(arr).at[tuple(full)].set(vals, mode=mode)


def place(arr: Any, mask: Any, vals: Any, *, inplace: bool = True) -> Any:
    """``arr`` with the entries where ``mask`` is true replaced by ``vals`` in order (cycled;
    ``inplace=False`` is required, as in JAX)."""
    if inplace:
        raise ValueError(
            "functrans.numpy.place cannot modify arrays in-place, because functrans arrays are immutable. "
            "Pass inplace=False to instead return an updated array."
        )
    data = _F.asarray(_arr(arr))
    m = _F.ravel(_F.astype(_F.asarray(_arr(mask)), bool))
    v = _F.ravel(_F.asarray(_arr(vals)))
    n = _shape(v)[0]
    if n == 0:
        raise ValueError("Cannot place values from an empty array")
    if _shape(m)[0] != math.prod(_shape(data)):
        raise ValueError(f"place: mask of {_shape(m)[0]} elements for an array of {math.prod(_shape(data))}")
    pos = _F.mod(_F.subtract(_F.cumsum(m), 1), n)
    picked = _F.astype(_F.take(v, pos), get_aval(data).dtype)
    return _F.reshape(_F.where(m, picked, _F.ravel(data)), _shape(data))


# --------------------------------------------------------------------------- windows


def _window_length(M: Any, name: str) -> int:
    m = int(_concrete(M, f"functrans.numpy.{name}'s length M"))
    if m < 0:
        raise TypeError(f"{name}: the window length M must be nonnegative, got {m}")
    return m


def _cosine_window(M: Any, name: str, coeffs: tuple[float, ...]) -> Any:
    m = _window_length(M, name)
    if m <= 1:
        return _const(np.ones(m))
    n = np.arange(1 - m, m, 2, dtype=np.float64)
    out = np.zeros(m)
    for k, c in enumerate(coeffs):
        out = out + c * np.cos(k * np.pi * n / (m - 1))
    return _const(out)


def bartlett(M: int) -> Any:
    """The Bartlett (triangular) window of length ``M``."""
    m = _window_length(M, "bartlett")
    if m <= 1:
        return _const(np.ones(m))
    n = np.arange(1 - m, m, 2, dtype=np.float64)
    return _const(np.where(n <= 0, 1 + n / (m - 1), 1 - n / (m - 1)))


def blackman(M: int) -> Any:
    """The Blackman window of length ``M``."""
    return _cosine_window(M, "blackman", (0.42, 0.5, 0.08))


def hamming(M: int) -> Any:
    """The Hamming window of length ``M``."""
    return _cosine_window(M, "hamming", (0.54, 0.46))


def hanning(M: int) -> Any:
    """The Hann window of length ``M``."""
    return _cosine_window(M, "hanning", (0.5, 0.5))


def kaiser(M: int, beta: Any) -> Any:
    """The Kaiser window of length ``M`` and shape ``beta`` (differentiable in ``beta``)."""
    m = _window_length(M, "kaiser")
    if m == 0:
        return _const(np.zeros(0))
    if m == 1:
        return _const(np.ones(1))
    n = np.arange(0, m, dtype=np.float64)
    alpha = (m - 1) / 2.0
    r = np.sqrt(np.maximum(1 - ((n - alpha) / alpha) ** 2, 0.0))
    b = _F.astype(_F.asarray(beta), np.float64) if not isinstance(beta, float) else beta
    return _F.divide(_i0(_F.multiply(b, r)), _i0(b))


# --------------------------------------------------------------------------- I/O pass-throughs


def frombuffer(buffer: Any, dtype: Any = float, count: int = -1, offset: int = 0) -> Any:
    """An array copied from a bytes-like buffer (``numpy.frombuffer``)."""
    return _const(np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).copy())


def fromstring(string: str, dtype: Any = float, count: int = -1, *, sep: str) -> Any:
    """An array parsed from text data (``numpy.fromstring``; ``sep`` is required)."""
    return _const(np.fromstring(string, dtype=dtype, count=count, sep=sep))


def _impure(name: str) -> Callable[..., Any]:
    def f(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            f"functrans.numpy.{name}() is not implemented because it may be non-pure and thus unsafe for "
            f"transformations (as in JAX). Use numpy.{name}() and convert with functrans.numpy.asarray()."
        )

    f.__name__ = name
    f.__doc__ = f"Not implemented (as in JAX): use ``numpy.{name}`` and ``functrans.numpy.asarray``."
    return f


fromiter = _impure("fromiter")
fromfile = _impure("fromfile")


def load(file: Any, *args: Any, **kwargs: Any) -> Any:
    """``numpy.load``; an array read from a ``.npy`` file comes back as a functrans array."""
    out = np.load(file, *args, **kwargs)
    return _const(out) if isinstance(out, np.ndarray) and out.dtype.kind != "O" else out


def from_dlpack(x: Any, /, *, device: Any = None, copy: bool | None = None) -> Any:
    """An array copied from an object supporting the DLPack protocol (``__dlpack__``) on the CPU."""
    if isinstance(x, Tracer):
        raise TypeError("from_dlpack takes a concrete array with __dlpack__, not a traced value")
    if not hasattr(x, "__dlpack__"):
        raise TypeError(f"from_dlpack takes an object with a __dlpack__ method, got {type(x).__name__}")
    return _const(np.array(np.from_dlpack(x), copy=True))


def apply_over_axes(func: Callable[[Any, int], Any], a: Any, axes: Sequence[int]) -> Any:
    """``func(a, axis)`` applied repeatedly over ``axes``, keeping the rank (a reduced axis is
    re-inserted with length 1)."""
    out = _F.asarray(_arr(a))
    for axis in axes:
        b = func(out, axis)
        nb, na = len(_shape(b)), len(_shape(out))
        if nb == na:
            out = b
        elif nb == na - 1:
            out = _F.expand_dims(b, axis)
        else:
            raise ValueError("function is not returning an array of the correct shape")
    return out
