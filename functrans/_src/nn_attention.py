"""``jax.nn.dot_product_attention`` (the 'xla' implementation's semantics) and ``log1mexp``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.custom_derivatives import custom_jvp
from functrans._src.nn import logsumexp, softmax

__all__ = ["dot_product_attention", "log1mexp"]


@custom_jvp
def log1mexp(x: Any) -> Any:
    """``log(1 - exp(-x))``, accurate for small and large ``x`` (undefined for ``x < 0``)."""
    x = fnp.asarray(x)
    return fnp.where(x < np.log(2.0), fnp.log(-fnp.expm1(-x)), fnp.log1p(-fnp.exp(-x)))


@log1mexp.defjvp
def _log1mexp_jvp(primals: tuple[Any], tangents: tuple[Any]) -> tuple[Any, Any]:
    (x,), (g,) = primals, tangents
    return log1mexp(x), g / fnp.expm1(x)


def _ensure_4d(t: Any) -> Any:
    t = fnp.asarray(t)
    k = 4 - t.ndim
    return fnp.expand_dims(t, tuple(range(k))) if k > 0 else t


def _check(t: Any, shape: Sequence[int], dtype: Any, name: str) -> None:
    if t is None:
        return
    if t.ndim != len(shape):
        raise ValueError(f"{name} ndim should be {len(shape)}, but got {t.ndim}")
    if dtype is not None and t.dtype != dtype:
        raise ValueError(f"{name} dtype should be {dtype}, but got {t.dtype}")
    for i in range(t.ndim):
        if shape[i] != -1 and t.shape[i] != shape[i]:
            raise ValueError(f"{name} shape should be {list(shape)}: but got {tuple(t.shape)}")


def _grouped(t: Any, k: int, g: int) -> Any:
    """A ``(B, N, T, S)`` bias or mask as ``(B, K, G, T, S)`` (N = K * G query heads)."""
    if t is None:
        return None
    tb, tn, tt, ts = t.shape
    if tn == 1:
        return fnp.reshape(t, (tb, 1, 1, tt, ts))
    if tn != k * g:
        raise ValueError(f"bias/mask has {tn} heads, expected 1 or {k * g}")
    return fnp.reshape(t, (tb, k, g, tt, ts))


def _large_negative(dtype: Any) -> Any:
    m = min(float(np.finfo(dtype).max), float(np.finfo(np.float32).max))
    return np.asarray(-0.7 * m, dtype=dtype)


def _attention(q: Any, k: Any, v: Any, bias: Any, mask: Any, is_causal: bool, scale: float,
               q_len: Any, kv_len: Any, window: tuple[int, int] | None, residual: bool) -> Any:
    b, t, n, h = q.shape
    _, s, nk, _ = k.shape
    g = n // nk
    q = fnp.reshape(q, (b, t, nk, g, h))
    logits_dtype = np.promote_types(q.dtype, np.float32)
    logits = fnp.einsum("btkgh,bskh->bkgts", q, k).astype(logits_dtype)
    logits = logits * np.asarray(scale, dtype=logits_dtype)
    if bias is not None:
        logits = (logits + _grouped(bias, nk, g)).astype(logits_dtype)
    if mask is not None or is_causal or q_len is not None or kv_len is not None or window is not None:
        keep = fnp.ones(logits.shape, dtype=bool)
        if mask is not None:
            keep = fnp.logical_and(keep, _grouped(mask, nk, g))
        qi, ki = np.arange(t)[:, None], np.arange(s)[None, :]
        if is_causal:
            keep = fnp.logical_and(keep, np.tril(np.ones((t, s), bool)))
        if window is not None:
            left, right = window
            keep = fnp.logical_and(keep, (qi <= ki + left) & (qi >= ki - right))
        if q_len is not None or kv_len is not None:
            pad = fnp.ones((b if q_len is None and kv_len is None else b, t, s), dtype=bool)
            if q_len is not None:
                pad = fnp.logical_and(pad, np.arange(t)[None, :, None] < q_len[:, None, None])
            if kv_len is not None:
                pad = fnp.logical_and(pad, np.arange(s)[None, None, :] < kv_len[:, None, None])
            keep = fnp.logical_and(keep, pad[:, None, None, :, :])
        logits = fnp.where(keep, logits, _large_negative(logits.dtype))
    logits32 = logits.astype(np.float32)  # the softmax is always computed in float32 (as JAX)
    probs = softmax(logits32, axis=-1).astype(k.dtype)
    enc = fnp.einsum("bkgts,bskh->btkgh", probs, v)
    if q_len is not None:
        enc = enc * (np.arange(t)[None, :] < q_len[:, None]).astype(enc.dtype)[:, :, None, None, None]
    enc = fnp.reshape(enc, (b, t, n, h))
    if residual:
        lse = logsumexp(logits32, axis=-1).astype(k.dtype)  # (b, k, g, t)
        lse = fnp.reshape(fnp.transpose(lse, (0, 3, 1, 2)), (b, t, n))
        return enc, lax.stop_gradient(lse)
    return enc


def dot_product_attention(
    query: Any, key: Any, value: Any, bias: Any = None, mask: Any = None, *, scale: float | None = None,
    is_causal: bool = False, query_seq_lengths: Any = None, key_value_seq_lengths: Any = None,
    local_window_size: int | tuple[int, int] | None = None, implementation: str | None = None,
    return_residual: bool = False,
) -> Any:
    """Scaled dot-product attention ``softmax(scale * q k^T + bias, masked) v`` over inputs of shape
    ``(B, T, N, H)`` (query) and ``(B, S, K, H)`` (key, value; ``N`` a multiple of ``K``: grouped
    heads), or the same without the batch axis. Masking: a boolean ``mask`` (True keeps),
    ``is_causal``, per-example ``query_seq_lengths``/``key_value_seq_lengths`` (int32) and a local
    window ``(left, right)``. As JAX's 'xla' implementation (the softmax runs in float32)."""
    output_shape = fnp.shape(query)
    residual_shape = output_shape[:-1]
    q, k, v = _ensure_4d(query), _ensure_4d(key), _ensure_4d(value)
    bias = _ensure_4d(bias) if bias is not None else None
    mask = _ensure_4d(mask) if mask is not None else None
    if query_seq_lengths is not None:
        query_seq_lengths = fnp.asarray(query_seq_lengths)
    if key_value_seq_lengths is not None:
        key_value_seq_lengths = fnp.asarray(key_value_seq_lengths)
    if isinstance(local_window_size, int):
        local_window_size = (local_window_size, local_window_size)
    b, s, nk, h = k.shape
    _check(v, [b, s, nk, h], k.dtype, "value")
    _check(q, [b, -1, -1, h], k.dtype, "query")
    _check(mask, [-1] * 4, np.dtype(bool), "mask")
    _check(bias, [-1] * 4, None, "bias")
    _check(query_seq_lengths, [b], np.dtype("int32"), "query_seq_lengths")
    _check(key_value_seq_lengths, [b], np.dtype("int32"), "key_value_seq_lengths")
    if q.shape[-2] % nk != 0:
        raise ValueError(
            f"The number of query heads must be a multiple of key/value heads, but got {q.shape[-2]} vs {nk}"
        )
    scale_val = (1.0 / np.sqrt(h)) if scale is None else scale
    if implementation not in (None, "xla"):
        if implementation == "cudnn":
            raise NotImplementedError("implementation='cudnn' needs a GPU; functrans computes on the CPU: use 'xla'")
        raise ValueError(f"Unsupported implementation option: {implementation}")
    out = _attention(q, k, v, bias, mask, is_causal, scale_val, query_seq_lengths, key_value_seq_lengths,
                     local_window_size, return_residual)
    if return_residual:
        enc, res = out
        return fnp.reshape(enc, output_shape), fnp.reshape(res, residual_shape)
    return fnp.reshape(out, output_shape)
