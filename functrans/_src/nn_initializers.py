"""``jax.nn.initializers``: weight initializers ``init(key, shape, dtype) -> array``, drawing the
same numbers as JAX's for the same key (they are built on functrans.random, which is bit-exact)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import random_api as ra
from functrans._src import random_extra as rx

__all__ = [
    "Initializer", "constant", "delta_orthogonal", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
    "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform", "normal", "ones", "orthogonal",
    "truncated_normal", "uniform", "variance_scaling", "xavier_normal", "xavier_uniform", "zeros",
]  # fmt: skip

Initializer = Callable[..., Any]


def _dt(dtype: Any) -> np.dtype:
    return np.dtype(np.float64 if dtype is None else dtype)


def _shape(shape: Any) -> tuple[int, ...]:
    return (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(d) for d in shape)


def zeros(key: Any, shape: Sequence[int], dtype: Any = None, out_sharding: Any = None) -> Any:
    """An array of zeros (float64 by default)."""
    return fnp.zeros(_shape(shape), _dt(dtype))


def ones(key: Any, shape: Sequence[int], dtype: Any = None, out_sharding: Any = None) -> Any:
    """An array of ones (float64 by default)."""
    return fnp.ones(_shape(shape), _dt(dtype))


def constant(value: Any, dtype: Any = None) -> Initializer:
    """An initializer giving arrays full of ``value``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        return fnp.full(_shape(shape), value, dtype=_dt(dtype))

    return init


def uniform(scale: Any = 1e-2, dtype: Any = None) -> Initializer:
    """An initializer giving samples uniform on ``[0, scale)``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        dt = _dt(dtype)
        return ra.uniform(key, _shape(shape), dt) * fnp.array(scale, dt)

    return init


def normal(stddev: Any = 1e-2, dtype: Any = None) -> Initializer:
    """An initializer giving normal samples with standard deviation ``stddev``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        dt = _dt(dtype)
        return ra.normal(key, _shape(shape), dt) * fnp.array(stddev, dt)

    return init


def truncated_normal(stddev: Any = 1e-2, dtype: Any = None, lower: Any = -2.0, upper: Any = 2.0) -> Initializer:
    """An initializer giving ``stddev`` times standard normal samples truncated to ``(lower, upper)``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        dt = _dt(dtype)
        return ra.truncated_normal(key, lower, upper, _shape(shape), dt) * fnp.array(stddev, dt)

    return init


def _compute_fans(shape: tuple[int, ...], in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = ()) -> tuple:
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(
            f"Can't compute input and output sizes of a {len(shape)}-dimensional weights tensor with default "
            "in_axis. Must be at least 2D or specify in_axis explicitly."
        )

    def size(ax: Any) -> int:
        return shape[ax] if isinstance(ax, int) else math.prod([shape[i] for i in ax])

    in_size, out_size, batch_size = size(in_axis), size(out_axis), size(batch_axis)
    receptive = math.prod(shape) / in_size / out_size / batch_size
    return in_size * receptive, out_size * receptive


def _real(dt: np.dtype) -> np.dtype:
    return np.dtype(np.float32) if dt == np.complex64 else np.dtype(np.float64)


def _complex_uniform(key: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    k_r, k_t = ra._split2(key)
    rdt = _real(dt)
    r = fnp.sqrt(2 * ra.uniform(k_r, shape, rdt)).astype(dt)
    theta = 2 * np.pi * ra.uniform(k_t, shape, rdt).astype(dt)
    return r * fnp.exp(1j * theta)


def _complex_truncated_normal(key: Any, upper: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    k_r, k_t = ra._split2(key)
    rdt = _real(dt)
    t = (1 - fnp.exp(fnp.array(-(upper**2), dt))) * ra.uniform(k_r, shape, rdt).astype(dt)
    r = fnp.sqrt(-fnp.log(1 - t))
    theta = 2 * np.pi * ra.uniform(k_t, shape, rdt).astype(dt)
    return r * fnp.exp(1j * theta)


def variance_scaling(
    scale: Any, mode: str, distribution: str, in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (),
    dtype: Any = None,
) -> Initializer:
    """Samples with variance ``scale / n`` (``n`` the fan in, out, their mean or geometric mean, per
    ``mode``) from a 'truncated_normal' (at 2 standard deviations), 'normal' or 'uniform'
    distribution (a uniform disk for complex dtypes)."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        shape = _shape(shape)
        dt = _dt(dtype)
        fan_in, fan_out = _compute_fans(shape, in_axis, out_axis, batch_axis)
        if mode == "fan_in":
            den = fan_in
        elif mode == "fan_out":
            den = fan_out
        elif mode == "fan_avg":
            den = (fan_in + fan_out) / 2
        elif mode == "fan_geo_avg":
            den = (fan_in * fan_out) ** 0.5
        else:
            raise ValueError(f"invalid mode for variance scaling initializer: {mode}")
        variance = fnp.array(scale / den, dtype=dt)
        if distribution == "truncated_normal":
            if dt.kind == "f":
                stddev = fnp.sqrt(variance) / fnp.array(0.87962566103423978, dt)
                return ra.truncated_normal(key, -2, 2, shape, dt) * stddev
            stddev = fnp.sqrt(variance) / fnp.array(0.95311164380491208, dt)
            return _complex_truncated_normal(key, 2, shape, dt) * stddev
        if distribution == "normal":
            return ra.normal(key, shape, dt) * fnp.sqrt(variance)
        if distribution == "uniform":
            if dt.kind == "f":
                return ra.uniform(key, shape, dt, -1) * fnp.sqrt(3 * variance)
            return _complex_uniform(key, shape, dt) * fnp.sqrt(variance)
        raise ValueError(f"invalid distribution for variance scaling initializer: {distribution}")

    return init


def _vs(scale: float, mode: str, dist: str, doc: str) -> Callable[..., Initializer]:
    def make(in_axis: Any = -2, out_axis: Any = -1, batch_axis: Any = (), dtype: Any = None) -> Initializer:
        return variance_scaling(scale, mode, dist, in_axis=in_axis, out_axis=out_axis, batch_axis=batch_axis,
                                dtype=dtype)

    make.__doc__ = doc
    return make


glorot_uniform = _vs(1.0, "fan_avg", "uniform", "Glorot (Xavier) uniform: variance_scaling(1, 'fan_avg', 'uniform').")
glorot_normal = _vs(1.0, "fan_avg", "truncated_normal",
                    "Glorot (Xavier) normal: variance_scaling(1, 'fan_avg', 'truncated_normal').")
lecun_uniform = _vs(1.0, "fan_in", "uniform", "LeCun uniform: variance_scaling(1, 'fan_in', 'uniform').")
lecun_normal = _vs(1.0, "fan_in", "truncated_normal",
                   "LeCun normal: variance_scaling(1, 'fan_in', 'truncated_normal').")
he_uniform = _vs(2.0, "fan_in", "uniform", "He (Kaiming) uniform: variance_scaling(2, 'fan_in', 'uniform').")
he_normal = _vs(2.0, "fan_in", "truncated_normal",
                "He (Kaiming) normal: variance_scaling(2, 'fan_in', 'truncated_normal').")
for _f, _n in ((glorot_uniform, "glorot_uniform"), (glorot_normal, "glorot_normal"), (lecun_uniform, "lecun_uniform"),
               (lecun_normal, "lecun_normal"), (he_uniform, "he_uniform"), (he_normal, "he_normal")):
    _f.__name__ = _f.__qualname__ = _n
xavier_uniform, xavier_normal = glorot_uniform, glorot_normal
kaiming_uniform, kaiming_normal = he_uniform, he_normal


def orthogonal(scale: Any = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """Uniformly random orthogonal matrices (orthonormal along ``column_axis``), times ``scale``."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        if out_sharding is not None:
            raise NotImplementedError
        shape = _shape(shape)
        dt = _dt(dtype)
        if len(shape) < 2:
            raise ValueError("orthogonal initializer requires at least a 2D shape")
        if any(d == 0 for d in shape):
            return fnp.zeros(shape, dtype=dt)
        n_rows, n_cols = math.prod(shape) // shape[column_axis], shape[column_axis]
        q = rx.orthogonal(key, n_rows, (), dt, n_cols)
        q = fnp.reshape(q, tuple(np.delete(shape, column_axis)) + (shape[column_axis],))
        q = fnp.moveaxis(q, -1, column_axis)
        return fnp.array(scale, dt) * q

    return init


def delta_orthogonal(scale: Any = 1.0, column_axis: int = -1, dtype: Any = None) -> Initializer:
    """Delta-orthogonal convolution kernels (3-D, 4-D or 5-D): an orthogonal matrix at the spatial
    centre, zeros elsewhere."""

    def init(key: Any, shape: Sequence[int], dtype: Any = dtype, out_sharding: Any = None) -> Any:
        if out_sharding is not None:
            raise NotImplementedError
        shape = _shape(shape)
        dt = _dt(dtype)
        if len(shape) not in (3, 4, 5):
            raise ValueError("Delta orthogonal initializer requires a 3D, 4D or 5D shape.")
        if shape[-1] < shape[-2]:
            raise ValueError("`fan_in` must be less or equal than `fan_out`. ")
        ortho = orthogonal(scale=scale, column_axis=column_axis, dtype=dt)(key, shape[-2:])
        w = fnp.zeros(shape, dtype=dt)
        centre = tuple((k - 1) // 2 for k in shape[:-2])
        return w.at[centre].set(ortho)

    return init
