"""Fast Fourier transforms: the ``fft`` primitive, as ``jax.lax.fft``.

One primitive with two parameters: ``fft_type`` (:class:`FftType`: ``FFT``, ``IFFT``,
``RFFT``, ``IRFFT``) and ``fft_lengths``, the lengths of the trailing
``len(fft_lengths)`` axes it transforms. Values are NumPy's (``numpy.fft.fftn``,
``ifftn``, ``rfftn``, ``irfftn``) in JAX's dtypes: complex64 (float32 for the real
results) for inputs of at most 32 bits, complex128 (float64) for 64-bit inputs; NumPy's
complex128 results for single-precision inputs are cast back.

Derivatives. The transform is linear, so its JVP applies it to the tangent. Transposes
are taken under JAX's pairing Re(sum(a * b)), without conjugation. With
``w[k] = exp(-2 pi i k / n)`` (one factor per transformed axis) and ``rev`` the index
reversal ``y[k] -> y[-k mod n]`` on every transformed axis:

* ``FFT`` is the symmetric matrix ``w[j k]``: its transpose is ``FFT``; likewise ``IFFT``.
* ``RFFT`` keeps the bins ``j <= n // 2`` of the last axis, so its transpose is
  ``x_bar[k] = Re(sum_j ct[j] w[j k])`` over those bins. ``IRFFT`` computes
  ``(1/N) Re(sum_j m[j] X[j] conj(w[j k]))`` with the multiplicity ``m`` (1 for the
  zero-frequency and, for even ``n``, Nyquist bins of the last axis, 2 for the others), so
  ``x_bar = N * rev(IRFFT(ct / m))``.
* ``IRFFT``'s transpose is, from the same formula, ``X_bar = (m / N) * RFFT(rev(ct))``.

For a real signal, ``rev`` in signal space is conjugation in frequency space
(``rev(IRFFT(y)) = IRFFT(conj(y))``, ``RFFT(rev(x)) = conj(RFFT(x))``), which is how the
rules apply it: one ``conj`` instead of an index reversal: both rules are checked against ``jax.vjp`` and with
``check_grads`` in tests/test_fft.py. The batching rule keeps a leading batch axis in
place and moves any other one to the front.
"""

from __future__ import annotations

import enum
import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, Tracer, bind
from functrans._src.lax.comparisons import convert_element_type
from functrans._src.lax.complex_parts import conj_if_complex
from functrans._src.lax.elementwise import mul
from functrans._src.lax.rules import _dtype, _prim, _shape, allow_complex, deflinear, moveaxis
from functrans._src.lax.shape import concatenate
from functrans._src.lax.slicing import index

__all__ = ["FftType", "fft", "fft_p"]


class FftType(enum.IntEnum):
    """Which transform ``fft`` computes (as ``jax.lax.FftType``)."""

    FFT = 0
    """Forward complex-to-complex transform."""
    IFFT = 1
    """Inverse complex-to-complex transform (scaled by 1/N)."""
    RFFT = 2
    """Forward real-to-complex transform (the non-negative frequencies of the last axis)."""
    IRFFT = 3
    """Inverse complex-to-real transform (scaled by 1/N)."""

    def __str__(self) -> str:
        return self.name


_BY_STR = {"fft": FftType.FFT, "ifft": FftType.IFFT, "rfft": FftType.RFFT, "irfft": FftType.IRFFT}


def _fft_type(t: Any) -> FftType:
    if isinstance(t, FftType):
        return t
    if isinstance(t, str):
        typ = _BY_STR.get(t.lower()) if t in (t.lower(), t.upper()) else None
        if typ is None:
            raise ValueError(f"Unknown FFT type '{t}': expected one of 'FFT', 'IFFT', 'RFFT', 'IRFFT'")
        return typ
    raise TypeError(f"Unknown FFT type value '{t}': expected a functrans.lax.FftType or one of its names")


def complex_dtype(dt: Any) -> np.dtype:
    """JAX's complex dtype for ``dt``: complex64 for inputs of at most 32 bits, complex128 above."""
    dt = np.dtype(dt)
    if dt.kind == "c":
        return dt
    if dt.kind not in "biuf":
        raise TypeError(f"fft: expected a numeric array, got dtype {dt}")
    return np.dtype(np.complex128 if dt.itemsize >= 8 else np.complex64)


def inexact_dtype(dt: Any) -> np.dtype:
    """JAX's floating dtype for ``dt``: floats stay, integers and booleans become float32 (at most
    32 bits) or float64."""
    dt = np.dtype(dt)
    if dt.kind in "fc":
        return dt
    if dt.kind not in "biu":
        raise TypeError(f"fft: expected a numeric array, got dtype {dt}")
    return np.dtype(np.float64 if dt.itemsize >= 8 else np.float32)


def _real_dtype(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float32 if dt == np.complex64 else np.float64)


# --------------------------------------------------------------------------- the primitive

fft_p = _prim("fft")


def _out_aval(shape: tuple[int, ...], dtype: np.dtype, fft_type: FftType, lengths: tuple[int, ...]) -> ShapedArray:
    k = len(lengths)
    if k == 0 or k > len(shape):
        raise ValueError(
            f"fft: the input of shape {shape} must have at least as many axes as fft_lengths {lengths} "
            "(and fft_lengths must not be empty)"
        )
    lead = shape[: len(shape) - k]
    if fft_type == FftType.RFFT:
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"RFFT input must be float32 or float64, got {dtype}")
        if shape[-k:] != lengths:
            raise ValueError(f"RFFT input shape {shape}: its last axes must be equal to fft_lengths {lengths}")
        return ShapedArray(lead + lengths[:-1] + (lengths[-1] // 2 + 1,), complex_dtype(dtype))
    if dtype not in (np.complex64, np.complex128):
        raise ValueError(f"{fft_type.name} input must be complex64 or complex128, got {dtype}")
    if fft_type == FftType.IRFFT:
        if shape[-k:] != lengths[:-1] + (lengths[-1] // 2 + 1,):
            raise ValueError(
                f"IRFFT input shape {shape}: its last axes must be fft_lengths {lengths} except the last, "
                f"which must be fft_lengths[-1] // 2 + 1 = {lengths[-1] // 2 + 1}"
            )
        return ShapedArray(lead + lengths, _real_dtype(dtype))
    if shape[-k:] != lengths:
        raise ValueError(f"{fft_type.name} input shape {shape}: its last axes must be equal to fft_lengths {lengths}")
    return ShapedArray(shape, dtype)


def _fft_abstract_eval(x: ShapedArray, fft_type: FftType, fft_lengths: tuple[int, ...]) -> ShapedArray:
    return _out_aval(x.shape, x.dtype, fft_type, fft_lengths)


_NUMPY = {
    FftType.FFT: lambda x, axes, lengths: np.fft.fftn(x, axes=axes),
    FftType.IFFT: lambda x, axes, lengths: np.fft.ifftn(x, axes=axes),
    FftType.RFFT: lambda x, axes, lengths: np.fft.rfftn(x, axes=axes),
    FftType.IRFFT: lambda x, axes, lengths: np.fft.irfftn(x, s=lengths, axes=axes),
}


def _fft_impl(x: Any, fft_type: FftType, fft_lengths: tuple[int, ...]) -> np.ndarray:
    x = np.asarray(x)
    out = _out_aval(x.shape, x.dtype, fft_type, fft_lengths)
    if x.size == 0 or math.prod(out.shape) == 0:  # NumPy rejects zero-length transforms
        return np.zeros(out.shape, out.dtype)
    axes = tuple(range(x.ndim - len(fft_lengths), x.ndim))
    return np.asarray(_NUMPY[fft_type](x, axes, fft_lengths), out.dtype)


fft_p.impl = _fft_impl
fft_p.abstract_eval = _fft_abstract_eval


def fft(x: Any, fft_type: FftType | str, fft_lengths: Sequence[int]) -> Any:
    """The discrete Fourier transform of the trailing ``len(fft_lengths)`` axes of ``x`` (as
    ``jax.lax.fft``).

    ``fft_type`` is an :class:`FftType` or its name (``"fft"``, ``"IRFFT"``...). ``FFT`` and
    ``IFFT`` take complex input (other input is converted) and keep its shape; ``RFFT``
    takes real input whose last axes are ``fft_lengths`` and returns ``n // 2 + 1``
    frequencies on the last one; ``IRFFT`` is its inverse, returning ``fft_lengths``.
    Unnormalised forward transforms, inverse ones scaled by ``1 / prod(fft_lengths)``.
    """
    typ = _fft_type(fft_type)
    if not isinstance(x, Tracer):
        x = np.asarray(x)
    dt = _dtype(x)
    if typ == FftType.RFFT:
        if dt.kind == "c":
            raise ValueError("only real valued inputs supported for rfft")
        new = inexact_dtype(dt)
    else:
        new = complex_dtype(dt)
    if new != dt:
        x = convert_element_type(x, new)
    try:
        lengths = tuple(operator.index(n) for n in fft_lengths)
    except TypeError:
        raise TypeError(f"fft: fft_lengths must be a sequence of integers, got {fft_lengths!r}") from None
    if not lengths:
        return x
    return bind(fft_p, (x,), {"fft_type": typ, "fft_lengths": lengths})


# --------------------------------------------------------------------------- transposes


def reverse_mod(y: Any, axes: Sequence[int]) -> Any:
    """``y[k] -> y[-k mod n]`` on each of ``axes``: the index map that turns a transform with
    ``exp(-i t)`` into the one with ``exp(+i t)``."""
    for a in axes:
        n = _shape(y)[a]
        if n > 1:
            nd = len(_shape(y))
            head = (slice(None),) * a
            tail = (slice(None),) * (nd - a - 1)
            y = concatenate([index(y, head + (slice(0, 1),) + tail), index(y, head + (slice(None, 0, -1),) + tail)], a)
    return y


def _bin_weights(n: int, scale: float, inverse: bool, dtype: np.dtype) -> np.ndarray:
    """The multiplicity of the bins 0..n//2 of a real signal of length ``n`` (1 for the zero
    frequency and for the Nyquist bin of even ``n``, 2 for the others), or its inverse, times
    ``scale``, in the real dtype matching ``dtype``."""
    m = np.full(n // 2 + 1, 2.0)
    m[0] = 1.0
    if n % 2 == 0:
        m[-1] = 1.0
    return np.asarray((1.0 / m if inverse else m) * scale, _real_dtype(dtype))


def _fft_transpose(ct: Any, x: Any, fft_type: FftType, fft_lengths: tuple[int, ...]) -> list[Any]:
    n_total = math.prod(fft_lengths)
    if fft_type in (FftType.FFT, FftType.IFFT):
        return [fft(ct, fft_type, fft_lengths)]
    if n_total == 0:  # an empty signal: nothing flows back
        return [np.zeros(x.aval.shape, x.aval.dtype)]
    if fft_type == FftType.RFFT:
        w = _bin_weights(fft_lengths[-1], float(n_total), True, _dtype(ct))
        # rev(IRFFT(y)) = IRFFT(conj(y)): one conjugation instead of an index reversal
        return [fft(mul(conj_if_complex(ct), w), FftType.IRFFT, fft_lengths)]
    out = conj_if_complex(fft(ct, FftType.RFFT, fft_lengths))  # RFFT(rev(ct)) for real ct
    return [mul(out, _bin_weights(fft_lengths[-1], 1.0 / n_total, False, _dtype(out)))]


deflinear(fft_p, _fft_transpose)


def _fft_batch(
    vals: Sequence[Any], dims: Sequence[Any], fft_type: FftType, fft_lengths: tuple[int, ...]
) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    if d >= len(_shape(x)) - len(fft_lengths):  # the batch axis is among the transformed ones
        x, d = moveaxis(x, d, 0), 0
    return bind(fft_p, (x,), {"fft_type": fft_type, "fft_lengths": fft_lengths}), d


fft_p.batch = _fft_batch

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(fft_p)
