"""``functrans.numpy.fft``: NumPy's discrete Fourier transforms, differentiable and batched.

Every transform is the ``fft`` primitive of :mod:`functrans._src.lax.fft` over the
trailing axes, with JAX's conventions (``jax.numpy.fft``):

* the transformed axes are moved to the end, padded with zeros or truncated to ``n`` /
  ``s`` (along the last of them to ``s[-1] // 2 + 1`` for the inverse real transforms),
  transformed, scaled for ``norm`` (``None`` or ``"backward"``: none on the forward
  transform, 1/N on the inverse; ``"ortho"``: 1/sqrt(N) both ways; ``"forward"``: 1/N on
  the forward transform) and moved back;
* dtypes are JAX's: complex64 (float32 for real results) for inputs of at most 32 bits,
  complex128 (float64) for 64-bit ones; ``rfft`` and ``ihfft`` reject complex input
  (``ValueError``); ``fftfreq``/``rfftfreq`` default to float64;
* bad arguments raise as JAX: ``ValueError`` for a non-positive ``n``, mismatched ``s``
  and ``axes``, repeated axes, several axes given to a 1-d transform, a wrong number of
  axes for the 2-d ones and an unknown ``norm``; an axis out of range raises NumPy's
  ``AxisError`` (a ``ValueError``).

Derivatives are JAX's (gradients of real functions of complex values are ``df/dx - i
df/dy``). ``hfft``/``ihfft`` use that conjugating a spectrum is reversing the signal
(``y[k] -> y[-k mod n]``), so no complex conjugation is needed.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer
from functrans._src.lax.fft import FftType, inexact_dtype, reverse_mod
from functrans._src.lax.fft import fft as lax_fft
from functrans._src.numpy.array import as_array
from functrans._src.numpy.structure import roll
from functrans._src.numpy.util import _arr

__all__ = [
    "fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2",
    "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift", "fftfreq", "rfftfreq",
]  # fmt: skip

Shape = Sequence[int]


# --------------------------------------------------------------------------- helpers


def _array(a: Any) -> Any:
    a = _arr(a)
    return a if isinstance(a, Tracer) else np.asarray(a)


def _norm_axis(axis: Any, nd: int, name: str) -> int:
    try:
        ax = operator.index(axis)
    except TypeError:
        raise TypeError(f"{name}: axis must be an integer, got {axis!r}") from None
    if not -nd <= ax < nd:
        raise np.exceptions.AxisError(f"{name}: axis {ax} is out of bounds for array of dimension {nd}")
    return ax % nd


def _sizes(s: Shape, name: str, what: str = "s") -> tuple[int, ...]:
    try:
        out = tuple(operator.index(n) for n in s)
    except TypeError:
        raise TypeError(f"{name}: {what} must be a sequence of integers, got {s!r}") from None
    if any(n <= 0 for n in out):
        raise ValueError(f"{name}: the transform lengths must be positive (Shape should be positive), got {what}={s!r}")
    return out


def _fit(x: Any, axis: int, n: int) -> Any:
    """Truncate or zero-pad ``x`` to length ``n`` along ``axis``."""
    shape = x.shape
    cur = shape[axis]
    if n < cur:
        return lax.index(x, (slice(None),) * axis + (slice(0, n),))
    if n > cur:
        pad = np.zeros(shape[:axis] + (n - cur,) + shape[axis + 1 :], x.dtype)
        return lax.concatenate([x, pad], axis)
    return x


def _scale(name: str, norm: str | None, lengths: Sequence[int]) -> float | None:
    """The factor ``norm`` applies to the result of ``name`` (None: nothing to do)."""
    if norm is None or norm == "backward":
        return None
    n = math.prod(lengths)
    inverse = name.startswith("i")
    if norm in ("ortho", "forward") and n == 0:  # an empty result
        return None
    if norm == "ortho":
        return math.sqrt(n) if inverse else 1.0 / math.sqrt(n)
    if norm == "forward":
        return float(n) if inverse else 1.0 / n
    raise ValueError(f'Invalid norm value {norm}; should be "backward","ortho" or "forward".')


def _core(name: str, typ: FftType, a: Any, s: Shape | None, axes: Sequence[int] | None, norm: str | None) -> Any:
    full = f"functrans.numpy.fft.{name}"
    arr = _array(a)
    nd = len(arr.shape)
    if norm is not None and not isinstance(norm, str):
        raise ValueError(f'Invalid norm value {norm}; should be "backward","ortho" or "forward".')
    _scale(name, norm, ())  # an unknown norm raises before any work
    if s is not None:
        s = _sizes(s, full)
    if s is not None and axes is not None and len(s) != len(tuple(axes)):
        raise ValueError(f"{full}: s and axes have different lengths ({len(s)} and {len(tuple(axes))})")
    if axes is None:
        if s is not None and len(s) > nd:
            raise np.exceptions.AxisError(
                f"{full}: s={s} has more entries than the input of shape {arr.shape} has axes"
            )
        ax = tuple(range(nd)) if s is None else tuple(range(nd - len(s), nd))
    else:
        ax = tuple(_norm_axis(i, nd, full) for i in axes)
        if len(set(ax)) != len(ax):
            raise ValueError(f"{full} does not support repeated axes. Got axes {tuple(axes)}.")
    k = len(ax)
    trailing = tuple(range(nd - k, nd))
    perm = None
    if ax != trailing:  # move the transformed axes to the end, in their order
        perm = [i for i in range(nd) if i not in ax] + list(ax)
        arr = lax.transpose(arr, perm)
    if s is not None:
        fit = list(s)
        if typ == FftType.IRFFT:
            fit[-1] = s[-1] // 2 + 1
        for i, n in zip(trailing, fit):
            arr = _fit(arr, i, n)
        lengths = s
    elif typ == FftType.IRFFT:
        lengths = tuple(arr.shape[i] for i in trailing[:-1]) + ((max(0, 2 * (arr.shape[-1] - 1)),) if k else ())
    else:
        lengths = tuple(arr.shape[i] for i in trailing)
    out = lax_fft(arr, typ, lengths)
    factor = _scale(name, norm, lengths)
    if factor is not None:
        out = lax.mul(out, factor)
    if perm is not None:
        out = lax.transpose(out, tuple(int(i) for i in np.argsort(perm)))
    return out


def _check_1d_axis(name: str, axis: Any) -> None:
    if isinstance(axis, list | tuple):
        full = f"functrans.numpy.fft.{name}"
        raise ValueError(f"{full} does not support multiple axes. Please use {full}n. Got axis = {axis!r}.")


def _core_1d(name: str, typ: FftType, a: Any, n: int | None, axis: int | None, norm: str | None) -> Any:
    _check_1d_axis(name, axis)
    return _core(name, typ, a, None if n is None else [n], None if axis is None else [axis], norm)


def _core_2d(name: str, typ: FftType, a: Any, s: Shape | None, axes: Sequence[int], norm: str | None) -> Any:
    if len(tuple(axes)) != 2:
        raise ValueError(f"functrans.numpy.fft.{name} only supports 2 axes. Got axes = {axes!r}.")
    return _core(name, typ, a, s, axes, norm)


# --------------------------------------------------------------------------- one-dimensional transforms


def fft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None) -> Any:
    """The discrete Fourier transform along ``axis``, of length ``n`` (``numpy.fft.fft``)."""
    return _core_1d("fft", FftType.FFT, a, n, axis, norm)


def ifft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None) -> Any:
    """The inverse discrete Fourier transform along ``axis`` (``numpy.fft.ifft``)."""
    return _core_1d("ifft", FftType.IFFT, a, n, axis, norm)


def rfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None) -> Any:
    """The transform of real input along ``axis``: frequencies ``0 .. n // 2`` (``numpy.fft.rfft``)."""
    return _core_1d("rfft", FftType.RFFT, a, n, axis, norm)


def irfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None) -> Any:
    """The inverse of :func:`rfft`: a real signal of length ``n`` (default ``2 * (m - 1)``)
    along ``axis`` (``numpy.fft.irfft``)."""
    return _core_1d("irfft", FftType.IRFFT, a, n, axis, norm)


def hfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None) -> Any:
    """The transform of a Hermitian-symmetric signal given by its first half: a real
    spectrum of length ``n`` (default ``2 * (m - 1)``) along ``axis`` (``numpy.fft.hfft``)."""
    _check_1d_axis("hfft", axis)
    arr = _array(a)
    ax = _norm_axis(axis, len(arr.shape), "functrans.numpy.fft.hfft")
    nn = 2 * (arr.shape[ax] - 1) if n is None else n
    out = _core_1d("hfft", FftType.IRFFT, arr, n, ax, norm)
    # irfft of the conjugate = irfft reversed (y[k] -> y[-k mod n])
    return lax.mul(reverse_mod(out, (ax,)), nn)


def ihfft(a: Any, n: int | None = None, axis: int = -1, norm: str | None = None) -> Any:
    """The inverse of :func:`hfft`: the first ``n // 2 + 1`` entries of the Hermitian
    spectrum of a real signal (``numpy.fft.ihfft``)."""
    _check_1d_axis("ihfft", axis)
    full = "functrans.numpy.fft.ihfft"
    arr = _array(a)
    if np.dtype(arr.dtype).kind == "c":
        raise ValueError("only real valued inputs supported for rfft")
    ax = _norm_axis(axis, len(arr.shape), full)
    nn = arr.shape[ax] if n is None else _sizes([n], full, "n")[0]
    # the conjugate of rfft(x) is rfft of x reversed (x[k] -> x[-k mod n])
    x = reverse_mod(_fit(arr, ax, nn), (ax,))
    return lax.mul(_core("ihfft", FftType.RFFT, x, None, [ax], norm), 1.0 / nn)


# --------------------------------------------------------------------------- two- and n-dimensional transforms


def fft2(a: Any, s: Shape | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Any:
    """The two-dimensional discrete Fourier transform over ``axes`` (``numpy.fft.fft2``)."""
    return _core_2d("fft2", FftType.FFT, a, s, axes, norm)


def ifft2(a: Any, s: Shape | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Any:
    """The two-dimensional inverse transform over ``axes`` (``numpy.fft.ifft2``)."""
    return _core_2d("ifft2", FftType.IFFT, a, s, axes, norm)


def rfft2(a: Any, s: Shape | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Any:
    """The two-dimensional transform of real input over ``axes`` (``numpy.fft.rfft2``)."""
    return _core_2d("rfft2", FftType.RFFT, a, s, axes, norm)


def irfft2(a: Any, s: Shape | None = None, axes: Sequence[int] = (-2, -1), norm: str | None = None) -> Any:
    """The inverse of :func:`rfft2` (``numpy.fft.irfft2``)."""
    return _core_2d("irfft2", FftType.IRFFT, a, s, axes, norm)


def fftn(a: Any, s: Shape | None = None, axes: Sequence[int] | None = None, norm: str | None = None) -> Any:
    """The n-dimensional discrete Fourier transform over ``axes`` (default: all, or the last
    ``len(s)``) (``numpy.fft.fftn``)."""
    return _core("fftn", FftType.FFT, a, s, axes, norm)


def ifftn(a: Any, s: Shape | None = None, axes: Sequence[int] | None = None, norm: str | None = None) -> Any:
    """The n-dimensional inverse transform (``numpy.fft.ifftn``)."""
    return _core("ifftn", FftType.IFFT, a, s, axes, norm)


def rfftn(a: Any, s: Shape | None = None, axes: Sequence[int] | None = None, norm: str | None = None) -> Any:
    """The n-dimensional transform of real input, halved along the last axis (``numpy.fft.rfftn``)."""
    return _core("rfftn", FftType.RFFT, a, s, axes, norm)


def irfftn(a: Any, s: Shape | None = None, axes: Sequence[int] | None = None, norm: str | None = None) -> Any:
    """The inverse of :func:`rfftn` (``numpy.fft.irfftn``)."""
    return _core("irfftn", FftType.IRFFT, a, s, axes, norm)


# --------------------------------------------------------------------------- shifts and frequencies


def _shifts(x: Any, axes: int | Sequence[int] | None, sign: int) -> Any:
    x = _array(x)
    shape = x.shape
    if axes is None:
        axes = tuple(range(len(shape)))
    ax = (axes,) if isinstance(axes, int | np.integer) else tuple(axes)
    if not ax:
        return x
    return roll(x, [sign * (shape[_norm_axis(i, len(shape), "fftshift")] // 2) for i in ax], ax)


def fftshift(x: Any, axes: int | Sequence[int] | None = None) -> Any:
    """Move the zero-frequency entry to the middle of ``axes`` (default all) (``numpy.fft.fftshift``)."""
    return _shifts(x, axes, 1)


def ifftshift(x: Any, axes: int | Sequence[int] | None = None) -> Any:
    """The inverse of :func:`fftshift` (``numpy.fft.ifftshift``)."""
    return _shifts(x, axes, -1)


def _freq_args(name: str, n: Any, d: Any) -> int:
    if isinstance(n, list | tuple):
        raise ValueError(f"The n argument of functrans.numpy.fft.{name} only takes an int. Got n = {list(n)}.")
    if isinstance(d, list | tuple):
        raise ValueError(f"The d argument of functrans.numpy.fft.{name} only takes a single value. Got d = {list(d)}.")
    return operator.index(n)


def _divide(k: np.ndarray, d: Any, n: int, dtype: np.dtype) -> Any:
    """``k / (d * n)`` in ``dtype`` (``d`` may be traced)."""
    if isinstance(d, Tracer):
        den = lax.mul(d, n)
        if den.dtype != dtype:
            den = lax.convert_element_type(den, dtype)
        return lax.div(k, den)
    return k / np.asarray(d * n, dtype)


def fftfreq(n: int, d: Any = 1.0, *, dtype: Any = None, device: Any = None) -> Any:
    """The sample frequencies of :func:`fft`'s result, ``[0, 1, ..., -1] / (d * n)`` (as
    ``jax.numpy.fft.fftfreq``: float64 unless ``dtype`` is given)."""
    n = _freq_args("fftfreq", n, d)
    out_dtype = np.dtype(np.float64 if dtype is None else dtype)
    work = np.finfo(inexact_dtype(out_dtype)).dtype  # computed in this float dtype, then cast
    i = np.arange(n, dtype=work)
    k = (i + n // 2) % n - n // 2 if n else i
    out = _divide(k, d, n, work)
    if isinstance(out, Tracer):
        return out if out.dtype == out_dtype else lax.convert_element_type(out, out_dtype)
    return as_array(np.asarray(out).astype(out_dtype))


def rfftfreq(n: int, d: Any = 1.0, *, dtype: Any = None, device: Any = None) -> Any:
    """The sample frequencies of :func:`rfft`'s result, ``[0, 1, ..., n // 2] / (d * n)`` (as
    ``jax.numpy.fft.rfftfreq``: float64 unless ``dtype`` is given)."""
    n = _freq_args("rfftfreq", n, d)
    dt = np.dtype(np.float64 if dtype is None else dtype)
    k = np.arange(0, n // 2 + 1, dtype=dt)
    out = _divide(k, d, n, dt)
    if isinstance(out, Tracer):
        return out
    return as_array(np.asarray(out).astype(inexact_dtype(dt)))
