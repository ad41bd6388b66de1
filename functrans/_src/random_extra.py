"""More of ``jax.random``: ball, binomial, clone, double_sided_maxwell, generalized_normal,
multinomial, orthogonal, triangular, wald, key_impl and key_dtype.

The samplers follow JAX's algorithms step by step (same key splits, same arithmetic), so the
numbers are JAX's for the same key. ``binomial`` runs JAX's two rejection loops (inversion for
``n p <= 10``, BTRS otherwise) in NumPy inside the ``random_binomial`` primitive.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax, prng
from functrans._src import random_api as ra
from functrans._src.core import ShapedArray, bind, get_aval
from functrans._src.prng import _prim, _zero_jvp

__all__ = [
    "ball", "binomial", "clone", "double_sided_maxwell", "generalized_normal", "key_dtype", "key_impl",
    "multinomial", "orthogonal", "triangular", "wald",
]  # fmt: skip

Array = Any


def _dtype_of(x: Any) -> np.dtype:
    x = ra._arr(x)
    if isinstance(x, bool):
        return np.dtype(np.bool_)
    if isinstance(x, int):
        return np.dtype(np.int64)
    if isinstance(x, float):
        return np.dtype(np.float64)
    return np.dtype(get_aval(x).dtype)


def _inexact_dtype(*xs: Any) -> np.dtype:
    """JAX's ``promote_dtypes_inexact``: the promoted dtype, float64 if it is not inexact."""
    dts = []
    for x in xs:
        x = ra._arr(x)
        dts.append(x if isinstance(x, int | float) and not isinstance(x, bool) else np.zeros((), _dtype_of(x)))
    dt = np.result_type(*dts)
    return dt if dt.kind in "fc" else np.dtype(np.float64)


# ---------------------------------------------------------------- keys
class _PRNGImpl(str):
    """The name of the PRNG implementation (``'threefry2x32'``)."""


def key_impl(keys: Array) -> str:
    """The PRNG implementation of ``keys``: always ``'threefry2x32'`` in functrans."""
    k = ra._arr(keys)
    shape = tuple(get_aval(k).shape)
    if not shape or shape[-1] != 2 or get_aval(k).dtype != np.uint32:
        raise TypeError(f"key_impl: expected PRNG keys (uint32 arrays of shape (..., 2)), got shape {shape}")
    return "threefry2x32"


def key_dtype(impl_spec: Any = None) -> np.dtype:
    """The dtype of keys of ``impl_spec`` (only 'threefry2x32'): functrans keys are raw ``uint32``."""
    if impl_spec not in (None, "threefry2x32"):
        if isinstance(impl_spec, str):
            raise ValueError(f"unrecognized PRNG implementation '{impl_spec}'. Did you mean 'threefry2x32'?")
        raise TypeError(f"unrecognized type {type(impl_spec)} for specifying PRNG implementation.")
    return np.dtype(np.uint32)


def clone(key: Array) -> Array:
    """A copy of ``key`` (JAX's key-reuse checking is not modelled: the identity)."""
    return key


# ---------------------------------------------------------------- simple samplers
def double_sided_maxwell(
    key: Array, loc: Any, scale: Any, shape: Sequence[int] = (), dtype: Any = None
) -> Array:
    """``sign * maxwell * scale + loc`` with a Rademacher sign (shape ``shape + params' shape``)."""
    key = prng.check_key("double_sided_maxwell", key)
    dt = ra._float_dtype("double_sided_maxwell", dtype)
    shape = ra._shape_arg("double_sided_maxwell", shape)
    pshape = lax.broadcast_shapes(ra._param_shape(loc), ra._param_shape(scale))
    if not shape:
        shape = pshape
    shape = shape + pshape
    k_m, k_r = ra._split2(key)
    m = ra.maxwell(k_m, shape, dt)
    s = ra.rademacher(k_r, shape, dt)
    return s * m * ra._arr(scale) + ra._arr(loc)


def generalized_normal(key: Array, p: float, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Generalized normal samples with exponent ``p`` (density ``exp(-|x|^p)``)."""
    key = prng.check_key("generalized_normal", key)
    dt = ra._float_dtype("generalized_normal", dtype)
    shape = ra._shape_arg("generalized_normal", shape)
    k_g, k_r = ra._split2(key)
    g = ra.gamma(k_g, 1 / ra._arr(p), shape, dt)
    r = ra.rademacher(k_r, shape, dt)
    return r * g ** (1 / ra._arr(p))


def ball(key: Array, d: int, p: float = 2, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Uniform samples from the unit ``p``-norm ball in ``d`` dimensions (shape ``shape + (d,)``)."""
    key = prng.check_key("ball", key)
    dt = ra._float_dtype("ball", dtype)
    shape = ra._shape_arg("ball", shape)
    d = ra.operator_index(d)
    k1, k2 = ra._split2(key)
    g = generalized_normal(k1, p, (*shape, d), dt)
    e = ra.exponential(k2, shape, dt)
    return g / ((fnp.sum(fnp.abs(g) ** p, axis=-1) + e) ** (1 / p))[..., None]


def orthogonal(key: Array, n: int, shape: Sequence[int] = (), dtype: Any = None, m: int | None = None) -> Array:
    """Haar-random ``n x m`` matrices with orthonormal rows or columns (``m`` defaults to ``n``)."""
    key = prng.check_key("orthogonal", key)
    dt = np.dtype(np.float64 if dtype is None else dtype)
    shape = ra._shape_arg("orthogonal", shape)
    n = ra.operator_index(n)
    mm = n if m is None else ra.operator_index(m)
    z = ra.normal(key, (*shape, max(n, mm), min(n, mm)), dt)
    q, r = fnp.linalg.qr(z)
    d = fnp.diagonal(r, axis1=-2, axis2=-1)
    x = q * fnp.expand_dims(fnp.sign(d), -2)
    return fnp.swapaxes(x, -1, -2) if n < mm else x


def _float_params(name: str, dtype: Any, shape: Any, *params: Any) -> tuple[np.dtype, tuple[int, ...]]:
    dt = np.dtype(np.float64 if dtype is None else dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype argument to `{name}` must be a float dtype, got {dt}")
    if shape is None:
        shape = lax.broadcast_shapes(*[ra._param_shape(p) for p in params])
    else:
        shape = ra._shape_arg(name, shape)
        ra._check_shape(name, shape, *params)
    return dt, shape


def triangular(
    key: Array, left: Any, mode: Any, right: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Triangular-distribution samples on ``[left, right]`` with peak at ``mode``."""
    key = prng.check_key("triangular", key)
    dt, shape = _float_params("triangular", dtype, shape, left, mode, right)
    left, mode, right = (lax.broadcast_to(ra._as(v, dt), shape) for v in (left, mode, right))
    fc = (mode - left) / (right - left)
    u = ra._uniform(key, shape, dt, 0.0, 1.0)
    out1 = left + lax.sqrt(u * (right - left) * (mode - left))
    out2 = right - lax.sqrt((1 - u) * (right - left) * (right - mode))
    return lax.select(u < fc, out1, out2)


def wald(key: Array, mean: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Wald (inverse Gaussian) samples with the given ``mean`` (and unit shape parameter)."""
    key = prng.check_key("wald", key)
    dt, shape = _float_params("wald", dtype, shape, mean)
    k1, k2 = ra._split2(key)
    mean = lax.broadcast_to(ra._as(mean, dt), shape)
    v = ra._normal(k1, shape, dt)
    z = ra._uniform(k2, shape, dt, 0.0, 1.0)
    y = lax.integer_pow(v, 2)
    y_sq = lax.integer_pow(y, 2)
    mean_sq = lax.integer_pow(mean, 2)
    sqrt_term = lax.sqrt(4 * mean * y + mean_sq * y_sq)
    x = mean + mean_sq * y / 2 - mean / 2 * sqrt_term
    return lax.select(lax.le(z, mean / (mean + x)), x, mean_sq / x)


# ---------------------------------------------------------------- binomial
_STIRLING = np.array([
    0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509, 0.0166446911898211,
    0.0138761288230707, 0.0118967099458917, 0.0104112652619720, 0.00925546218271273, 0.00833056343336287,
])  # fmt: skip


def _stirling_tail(k: np.ndarray) -> np.ndarray:
    dt = k.dtype.type
    use_table = k <= 9
    k = np.clip(k, dt(0.0), dt(9.0))
    kp1sq = (k + 1) * (k + 1)
    approx = (dt(1.0 / 12) - (dt(1.0 / 360) - dt(1.0 / 1260) / kp1sq) / kp1sq) / (k + 1)
    idx = np.nan_to_num(np.floor(k), nan=0.0).astype(np.int32)
    return np.where(use_table, _STIRLING.astype(k.dtype)[idx], approx)


def _np_keys(key: np.ndarray, n: int) -> list[np.ndarray]:
    ks = np.asarray(prng.split(key, (n,)))
    return [ks[i] for i in range(n)]


def _np_uniform(key: np.ndarray, shape: tuple[int, ...], dt: np.dtype) -> np.ndarray:
    return np.asarray(ra._uniform(key, shape, dt, 0.0, 1.0))


def _inversion(key: np.ndarray, count: np.ndarray, prob: np.ndarray) -> np.ndarray:
    dt = prob.dtype
    shape = prob.shape
    with np.errstate(all="ignore"):
        log1mp = np.log1p(-prob)
        num_geom = np.zeros(shape, dt)
        geom_sum = np.zeros(shape, dt)
        while (geom_sum <= count).any():
            subkey, key = _np_keys(key, 2)
            num_geom = np.where(geom_sum <= count, num_geom + 1, num_geom)
            u = _np_uniform(subkey, shape, dt)
            geom_sum = geom_sum + np.ceil(np.log(u) / log1mp)
    return num_geom - 1


def _btrs(key: np.ndarray, count: np.ndarray, prob: np.ndarray) -> np.ndarray:
    dt = prob.dtype
    shape = prob.shape
    c = dt.type
    with np.errstate(all="ignore"):
        stddev = np.sqrt(count * prob * (1 - prob))
        b = c(1.15) + c(2.53) * stddev
        a = c(-0.0873) + c(0.0248) * b + c(0.01) * prob
        cc = count * prob + c(0.5)
        v_r = c(0.92) - c(4.2) / b
        r = prob / (1 - prob)
        alpha = (c(2.83) + c(5.1) / b) * stddev
        m = np.floor((count + 1) * prob)
        k_out = np.full(shape, -1, dt)
        accepted = np.zeros(shape, bool)
        while (~accepted).any():
            key, k0, k1 = _np_keys(key, 3)
            u = _np_uniform(k0, shape, dt)
            v = _np_uniform(k1, shape, dt)
            u = u - c(0.5)
            us = c(0.5) - np.abs(u)
            accept1 = (us >= c(0.07)) & (v <= v_r)
            k = np.floor((2 * a / us + b) * u + cc)
            reject = (k < 0) | (k > count)
            v = np.log(v * alpha / (a / (us * us) + b))
            ub = (
                (m + c(0.5)) * np.log((m + 1) / (r * (count - m + 1)))
                + (count + 1) * np.log((count - m + 1) / (count - k + 1))
                + (k + c(0.5)) * np.log(r * (count - k + 1) / (k + 1))
                + _stirling_tail(m) + _stirling_tail(count - m) - _stirling_tail(k) - _stirling_tail(count - k)
            )
            accept = accept1 | (~reject & (v <= ub))
            k_out = np.where(accept, k, k_out)
            accepted |= accept
    return k_out


def binomial_numpy(key: np.ndarray, count: np.ndarray, prob: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """JAX's binomial sampler for one key; ``count`` and ``prob`` have the sample shape."""
    with np.errstate(all="ignore"):
        p_lt_half = prob < 0.5
        q = np.where(p_lt_half, prob, 1.0 - prob).astype(prob.dtype)
        bad_count = np.isnan(count) | (count < 0.0)
        count_inf = np.isinf(count)
        q_nan = np.isnan(q)
        q_neg = q < 0.0
        q = np.where(q_nan | q_neg, prob.dtype.type(0.01), q)
        use_inv = bad_count | (count * q <= 10.0)
        count = np.floor(count)
        count_inv = np.where(use_inv, count, 0.0).astype(prob.dtype)
        count_btrs = np.where(use_inv, 1e4, count).astype(prob.dtype)
        q_btrs = np.where(use_inv, 0.5, q).astype(prob.dtype)
        samples = np.where(use_inv, _inversion(key, count_inv, q), _btrs(key, count_btrs, q_btrs)).astype(dtype)
        invalid = q_neg | q_nan | bad_count
        samples = np.where(invalid, np.nan, samples)
        samples = np.where(count_inf & ~invalid, np.inf, samples)
        samples = np.where(p_lt_half | bad_count | q_nan | count_inf, samples, count.astype(dtype) - samples)
    return samples.astype(dtype)


random_binomial_p = _prim("random_binomial")


def _binomial_impl(keys: Any, count: Any, prob: Any, dtype: np.dtype) -> np.ndarray:
    keys = np.asarray(keys, np.uint32)
    count, prob = np.asarray(count), np.asarray(prob)
    nb = keys.ndim - 1
    flat_keys = keys.reshape(-1, 2)
    n = flat_keys.shape[0]
    fc = count.reshape((n,) + count.shape[nb:])
    fp = prob.reshape((n,) + prob.shape[nb:])
    outs = [binomial_numpy(k, c, p, dtype) for k, c, p in zip(flat_keys, fc, fp)]
    return np.stack(outs).reshape(prob.shape) if outs else np.zeros(prob.shape, dtype)


def _batch_front(vals: Sequence[Any], dims: Sequence[int | None]) -> list[Any]:
    size = next(get_aval(v).shape[d] for v, d in zip(vals, dims) if d is not None)
    return [
        lax.broadcast_to(v, (size,) + tuple(get_aval(v).shape)) if d is None else lax.moveaxis(v, d, 0)
        for v, d in zip(vals, dims)
    ]


random_binomial_p.impl = _binomial_impl
random_binomial_p.abstract_eval = lambda keys, count, prob, dtype: ShapedArray(prob.shape, dtype)
random_binomial_p.batch = lambda vals, dims, dtype: (
    bind(random_binomial_p, _batch_front(vals, dims), {"dtype": dtype}), 0
)
_zero_jvp(random_binomial_p)


def binomial(key: Array, n: Any, p: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Binomial(n, p) counts as floats (float64 by default): JAX's algorithm and numbers."""
    key = prng.check_key("binomial", key)
    dt = np.dtype(np.float64 if dtype is None else dtype)
    if dt.kind != "f":
        raise ValueError(f"dtype argument to `binomial` must be a float dtype, got {dt}")
    n, p = ra._arr(n), ra._arr(p)
    if shape is None:
        shape = lax.broadcast_shapes(ra._param_shape(n), ra._param_shape(p))
    else:
        shape = ra._shape_arg("binomial", shape)
        ra._check_shape("binomial", shape, n, p)
    pdt = _inexact_dtype(p)
    prob = lax.broadcast_to(ra._as(p, pdt), shape)
    count = lax.broadcast_to(ra._as(n, pdt), shape)
    return bind(random_binomial_p, (key, count, prob), {"dtype": dt})


def multinomial(
    key: Array, n: Any, p: Any, *, shape: Sequence[int] | None = None, dtype: Any = None, unroll: int | bool = 1
) -> Array:
    """Multinomial counts over the last axis of ``p`` (sequential binomials, as JAX)."""
    key = prng.check_key("multinomial", key)
    n, p = ra._arr(n), ra._arr(p)
    for name, v in (("n", n), ("p", p)):
        if isinstance(v, list | tuple):
            raise TypeError(f"multinomial requires ndarray or scalar arguments, got {type(v).__name__} for {name}")
    idt = _inexact_dtype(n, p)
    dt = np.dtype(np.float64 if dtype is None else dtype)
    n, p = ra._as(n, idt), ra._as(p, idt)
    shape = tuple(get_aval(p).shape) if shape is None else ra._shape_arg("multinomial", shape)
    n = fnp.broadcast_to(n, shape[:-1])
    p = fnp.broadcast_to(p, shape)
    p = fnp.moveaxis(p, -1, 0)
    # remaining[i] = p[i] + p[i+1] + ... summed left to right, as XLA's reduce-window cumsum
    rows = [p[i] for i in range(shape[-1])]
    sums = []
    for i in range(len(rows)):
        acc = rows[i]
        for r in rows[i + 1:]:
            acc = acc + r
        sums.append(acc)
    remaining = fnp.stack(sums, 0) if sums else p
    ratios = p / fnp.where(remaining == 0, 1, remaining)
    keys = prng.split(key, (shape[-1],))
    remainder = n
    counts = []
    for i in range(shape[-1]):
        count = binomial(lax.index(keys, i), remainder, fnp.clip(ratios[i], 0, 1), dtype=idt)
        remainder = remainder - count
        counts.append(count)
    out = fnp.stack(counts, 0) if counts else fnp.zeros((0,) + shape[:-1], idt)
    return fnp.moveaxis(out, 0, -1).astype(dt)
