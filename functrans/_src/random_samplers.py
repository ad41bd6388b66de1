"""Primitives for ``functrans.random`` beyond the bit generator.

* ``random_gamma(keys, a, log_space)``: Marsaglia and Tsang's rejection sampler, one key per
  element (JAX's algorithm and key splitting, run on NumPy with a vectorised loop).
* ``random_poisson(keys, lam, dtype)``: Knuth's method below 10, Hörmann's transformed
  rejection above (JAX's algorithm: the whole array advances one key per round).
* ``random_gamma_grad(a, x)``: d(sample)/d(a) of gamma samples (implicit reparameterisation,
  first order only).
* ``argsort``: a stable argsort along the last axis (integer output).
* ``take(x, idx)`` (``x[idx]`` along axis 0, linear in ``x``) and its transpose
  ``take_add(ct, idx, n)`` (scatter-add into ``n`` rows).

The samplers take a batch of keys, shape ``(*B, 2)``, and parameters shaped ``(*B, ...)``,
so vmap over keys is one call. Gamma samples are differentiable in ``a`` to first order
(implicit reparameterisation, as JAX); Poisson samples are integers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import ShapedArray, bind, get_aval
from functrans._src.lax.special_extra import igamma_series_terms, igammac_cf_terms
from functrans._src.prng import (
    UINT_DTYPES,
    _log1p_xla,
    _prim,
    _shape,
    _zero_jvp,
    batch_broadcasting,
    erf_inv_numpy,
    fma_numpy,
    threefry2x32_numpy,
)

# --------------------------------------------------------------------------- NumPy key helpers (many keys at once)


def np_split(keys: np.ndarray, num: int) -> np.ndarray:
    """``split(k, num)`` for each key of ``keys`` (shape (N, 2)) -> shape (N, num, 2)."""
    lo = np.arange(num, dtype=np.uint32)
    b1, b2 = threefry2x32_numpy(keys[:, :1], keys[:, 1:], np.uint32(0), lo[None, :])
    return np.stack([b1, b2], axis=-1)


def np_uniform_scalar(keys: np.ndarray, dtype: np.dtype, minval: Any = 0.0, maxval: Any = 1.0) -> np.ndarray:
    """``uniform(k, (), dtype, minval, maxval)`` for each key of ``keys`` (shape (N, 2))."""
    nbits = np.finfo(dtype).bits
    nmant = np.finfo(dtype).nmant
    b1, b2 = threefry2x32_numpy(keys[:, 0], keys[:, 1], np.uint32(0), np.uint32(0))
    if nbits == 64:
        bits = (b1.astype(np.uint64) << np.uint64(32)) | b2.astype(np.uint64)
    else:
        bits = b1 ^ b2
    udt = UINT_DTYPES[nbits]
    fb = (bits >> udt.type(nbits - nmant)) | np.array(1.0, dtype).view(udt)
    floats = fb.view(dtype) - dtype.type(1.0)
    lo, hi = dtype.type(minval), dtype.type(maxval)
    return np.maximum(lo, fma_numpy(floats, hi - lo, lo))


def np_normal_scalar(keys: np.ndarray, dtype: np.dtype) -> np.ndarray:
    lo = np.nextafter(dtype.type(-1.0), dtype.type(0.0))
    u = np_uniform_scalar(keys, dtype, lo, 1.0)
    return dtype.type(np.sqrt(2)) * erf_inv_numpy(u)


# --------------------------------------------------------------------------- gamma


def gamma_numpy(keys: np.ndarray, alpha: np.ndarray, log_space: bool) -> np.ndarray:
    """Marsaglia-Tsang gamma samples, element ``i`` drawn with key ``keys[i]`` (as JAX's ``_gamma_one``)."""
    dt = alpha.dtype
    t = dt.type
    one, third = t(1.0), t(1.0 / 3.0)
    boost_mask = alpha >= one
    alpha_b = np.where(boost_mask, alpha, alpha + one)
    d = alpha_b - third
    c = third * (one / np.sqrt(d))  # XLA rewrites x / sqrt(y) as x * rsqrt(y)
    ks = np_split(keys, 2)
    key, subkey = ks[:, 0], ks[:, 1]
    n = alpha.shape[0]
    X = np.zeros(n, dt)
    V = np.ones(n, dt)
    U = np.full(n, t(2.0))
    with np.errstate(all="ignore"):
        active = np.ones(n, bool)
        while True:
            # the multiply-adds are fused, as XLA's CPU code does
            cond = (U >= fma_numpy(-t(0.0331), X * X, one)) & (
                np.log(U) >= fma_numpy(X, t(0.5), d * ((one - V) + np.log(V)))
            )
            active &= cond
            if not active.any():
                break
            idx = np.nonzero(active)[0]
            k3 = np_split(key[idx], 3)
            key[idx] = k3[:, 0]
            xkey, ukey = k3[:, 1], k3[:, 2]
            x = np.zeros(idx.size, dt)
            v = np.full(idx.size, -one)
            inner = np.ones(idx.size, bool)
            while inner.any():
                j = np.nonzero(inner)[0]
                k2 = np_split(xkey[j], 2)
                xkey[j] = k2[:, 0]
                x[j] = np_normal_scalar(k2[:, 1], dt)
                v[j] = fma_numpy(x[j], c[idx[j]], one)
                inner = v <= t(0.0)
            X[idx] = x * x
            V[idx] = (v * v) * v
            U[idx] = np_uniform_scalar(ukey, dt)
        if log_space:
            log_samples = _log1p_xla(-np_uniform_scalar(subkey, dt))
            log_boost = np.where(boost_mask | (log_samples == 0), t(0.0), log_samples * (one / alpha))
            return (np.log(d) + np.log(V)) + log_boost
        samples = one - np_uniform_scalar(subkey, dt)
        boost = np.where(boost_mask, one, np.power(samples, one / alpha))
        return (d * V) * boost


def _split_many(keys: np.ndarray, n: int) -> np.ndarray:
    """``split(k, n)`` for each key: (N, 2) -> (N * n, 2), in order."""
    return np_split(keys, n).reshape(-1, 2)


random_gamma_p = _prim("random_gamma")


def _gamma_impl(keys: Any, a: Any, log_space: bool) -> np.ndarray:
    keys = np.asarray(keys, np.uint32)
    a = np.asarray(a)
    nb = keys.ndim - 1
    per = math.prod(a.shape[nb:])
    elem_keys = _split_many(keys.reshape(-1, 2), per)
    out = gamma_numpy(elem_keys, a.reshape(-1).copy(), log_space)
    return out.reshape(a.shape)


def _gamma_batch(vals: Sequence[Any], dims: Sequence[int | None], log_space: bool) -> tuple[Any, int]:
    return bind(random_gamma_p, _batch_front(vals, dims), {"log_space": log_space}), 0


def _gamma_jvp(primals: Sequence[Any], tangents: Sequence[Any], log_space: bool) -> tuple[Any, Any]:
    # Implicit reparameterisation (as JAX): the sample moves with a so that its CDF value stays put.
    (keys, a), (_, ta) = primals, tangents
    out = random_gamma(keys, a, log_space)
    if ta is None:
        return out, None
    if log_space:
        s = lax.exp(out)
        tiny = np.finfo(get_aval(out).dtype).tiny
        s = lax.select(lax.eq(s, 0.0), lax.broadcast_to(get_aval(out).dtype.type(tiny), _shape(s)), s)
        grad = lax.div(random_gamma_grad(a, s), s)
    else:
        grad = random_gamma_grad(a, out)
    return out, lax.mul(ta, grad)


random_gamma_p.impl = _gamma_impl
random_gamma_p.abstract_eval = lambda keys, a, log_space: ShapedArray(a.shape, a.dtype)
random_gamma_p.batch = _gamma_batch
random_gamma_p.jvp = _gamma_jvp


def random_gamma(keys: Any, a: Any, log_space: bool) -> Any:
    """Gamma(a) samples (or their logs), one key of ``keys`` per leading batch element."""
    return bind(random_gamma_p, (keys, a), {"log_space": bool(log_space)})


def _batch_front(vals: Sequence[Any], dims: Sequence[int | None]) -> list[Any]:
    """Batch axis in front of every operand, broadcasting unbatched ones to the batch size."""
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    out = []
    for v, d in zip(vals, dims):
        if d is None:
            v = lax.broadcast_to(v, (size,) + _shape(v))
        else:
            v = lax.moveaxis(v, d, 0)
        out.append(v)
    return out


# --------------------------------------------------------------------------- poisson


def _np_split_one(key: np.ndarray, num: int) -> np.ndarray:
    return np_split(key.reshape(1, 2), num)[0]


def _np_uniform_f32(key: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    n = math.prod(shape)
    idx = np.arange(n, dtype=np.uint64)
    b1, b2 = threefry2x32_numpy(key[0], key[1], (idx >> np.uint64(32)).astype(np.uint32), idx.astype(np.uint32))
    fb = ((b1 ^ b2) >> np.uint32(9)) | np.array(1.0, np.float32).view(np.uint32)
    return (fb.view(np.float32) - np.float32(1.0)).reshape(shape)


def _lgamma_one(x: float) -> float:
    try:
        return math.lgamma(x)
    except ValueError:  # a pole (0, -1, -2, ...)
        return math.inf


_lgamma = np.frompyfunc(_lgamma_one, 1, 1)


def poisson_numpy(key: np.ndarray, lam: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Poisson samples with JAX's algorithm: Knuth for lam < 10, transformed rejection (Hörmann) otherwise."""
    f = np.float32
    lam = lam.astype(f)
    shape = lam.shape
    with np.errstate(all="ignore"):
        use_knuth = np.isnan(lam) | (lam < 10)
        lam_k = np.where(use_knuth, lam, f(0.0))
        lam_r = np.where(use_knuth, f(1e5), lam)
        # Knuth: multiply uniforms until the product drops below exp(-lam)
        k = np.zeros(shape, dtype)
        log_prod = np.zeros(shape, f)
        rng = key
        while (log_prod > -lam_k).any():
            rng, sub = _np_split_one(rng, 2)
            k = np.where(log_prod > -lam_k, k + 1, k)
            log_prod = log_prod + np.log(_np_uniform_f32(sub, shape))
        knuth = (k - 1).astype(dtype)
        # transformed rejection
        log_lam = np.log(lam_r)
        b = f(0.931) + f(2.53) * np.sqrt(lam_r)
        a = f(-0.059) + f(0.02483) * b
        inv_alpha = f(1.1239) + f(1.1328) / (b - f(3.4))
        v_r = f(0.9277) - f(3.6224) / (b - f(2))
        k_out = np.full(shape, f(-1.0))
        accepted = np.zeros(shape, bool)
        rng = key
        while not accepted.all():
            rng, s0, s1 = _np_split_one(rng, 3)
            u = _np_uniform_f32(s0, shape) - f(0.5)
            v = _np_uniform_f32(s1, shape)
            us = f(0.5) - np.abs(u)
            kk = np.floor((f(2) * a / us + b) * u + lam_r + f(0.43))
            s = np.log(v * inv_alpha / (a / (us * us) + b))
            tt = -lam_r + kk * log_lam - _lgamma((kk + f(1)).astype(np.float64)).astype(f)
            accept1 = (us >= f(0.07)) & (v <= v_r)
            reject = (kk < 0) | ((us < f(0.013)) & (v > us))
            accept = accept1 | (~reject & (s <= tt))
            k_out = np.where(accept, kk, k_out)
            accepted |= accept
        rej = k_out.astype(dtype)
        out = np.where(use_knuth, knuth, rej)
        return np.where(lam == 0, np.zeros_like(out), out)


random_poisson_p = _prim("random_poisson")


def _poisson_impl(keys: Any, lam: Any, dtype: np.dtype) -> np.ndarray:
    keys = np.asarray(keys, np.uint32)
    lam = np.asarray(lam)
    nb = keys.ndim - 1
    flat_keys = keys.reshape(-1, 2)
    flat_lam = lam.reshape((flat_keys.shape[0],) + lam.shape[nb:])
    outs = [poisson_numpy(k, la, dtype) for k, la in zip(flat_keys, flat_lam)]
    return np.stack(outs).reshape(lam.shape) if outs else np.zeros(lam.shape, dtype)


random_poisson_p.impl = _poisson_impl
random_poisson_p.abstract_eval = lambda keys, lam, dtype: ShapedArray(lam.shape, dtype)
random_poisson_p.batch = lambda vals, dims, dtype: (
    bind(random_poisson_p, _batch_front(vals, dims), {"dtype": dtype}),
    0,
)
_zero_jvp(random_poisson_p)


def random_poisson(keys: Any, lam: Any, dtype: Any) -> Any:
    """Poisson(lam) samples of integer ``dtype``, one key per leading batch element."""
    return bind(random_poisson_p, (keys, lam), {"dtype": np.dtype(dtype)})


# --------------------------------------------------------------------------- argsort, take, take_add

argsort_p = _prim("argsort")
argsort_p.impl = lambda x: np.argsort(x, axis=-1, kind="stable")
argsort_p.abstract_eval = lambda x: ShapedArray(x.shape, np.dtype(np.int64))
argsort_p.batch = lambda vals, dims: (argsort(lax.moveaxis(vals[0], dims[0], 0)), 0)
_zero_jvp(argsort_p)


def argsort(x: Any) -> Any:
    """Indices that sort ``x`` along its last axis (stable)."""
    return bind(argsort_p, (x,), {})


take_p = _prim("take")
take_add_p = _prim("take_add")


def _take_abstract_eval(x: ShapedArray, idx: ShapedArray) -> ShapedArray:
    if idx.dtype.kind not in "iu":
        raise TypeError(f"take needs integer indices, got {idx.dtype}")
    return ShapedArray(tuple(idx.shape) + tuple(x.shape[1:]), x.dtype)


def _take_add_impl(ct: Any, idx: Any, n: int) -> np.ndarray:
    ct, idx = np.asarray(ct), np.asarray(idx)
    out = np.zeros((n,) + ct.shape[idx.ndim :], ct.dtype)
    np.add.at(out, idx, ct)
    return out


take_p.impl = lambda x, idx: np.take(np.asarray(x), idx, axis=0)
take_p.abstract_eval = _take_abstract_eval
take_add_p.impl = _take_add_impl
take_add_p.abstract_eval = lambda ct, idx, n: ShapedArray((n,) + tuple(ct.shape[idx.ndim :]), ct.dtype)


def take(x: Any, idx: Any) -> Any:
    """``x[idx]``: rows of ``x`` (axis 0) at integer indices ``idx`` of any shape."""
    return bind(take_p, (x, idx), {})


def take_add(ct: Any, idx: Any, n: int) -> Any:
    """The transpose of :func:`take`: rows of ``ct`` added into ``n`` zero rows at ``idx``."""
    return bind(take_add_p, (ct, idx), {"n": int(n)})


def _take_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (x, idx), (tx, _) = primals, tangents
    return take(x, idx), (None if tx is None else take(tx, idx))


def _take_add_jvp(primals: Sequence[Any], tangents: Sequence[Any], n: int) -> tuple[Any, Any]:
    (ct, idx), (tct, _) = primals, tangents
    return take_add(ct, idx, n), (None if tct is None else take_add(tct, idx, n))


take_p.jvp = _take_jvp
take_add_p.jvp = _take_add_jvp
take_p.transpose = lambda ct, x, idx: [take_add(ct, idx, x.aval.shape[0]), None]
take_add_p.transpose = lambda ct, c, idx, n: [take(ct, idx), None]


def _offset_indices(idx: Any, n: int) -> Any:
    """Batched indices (batch axis 0) into a flattened (B * n) leading axis."""
    s = _shape(idx)
    dt = get_aval(idx).dtype
    off = (np.arange(s[0], dtype=dt) * dt.type(n)).reshape((s[0],) + (1,) * (len(s) - 1))
    return lax.add(idx, off)


def _take_batch(vals: Sequence[Any], dims: Sequence[int | None]) -> tuple[Any, int]:
    (x, idx), (dx, di) = vals, dims
    if di is None:
        x = lax.moveaxis(x, dx, 1)
        return take(x, idx), len(_shape(idx))
    idx = lax.moveaxis(idx, di, 0)
    if dx is None:
        return take(x, idx), 0
    x = lax.moveaxis(x, dx, 0)
    s = _shape(x)
    flat = lax.reshape(x, (s[0] * s[1],) + s[2:])
    return take(flat, _offset_indices(idx, s[1])), 0


def _take_add_batch(vals: Sequence[Any], dims: Sequence[int | None], n: int) -> tuple[Any, int]:
    (ct, idx), (dc, di) = vals, dims
    if di is None:
        ct = lax.moveaxis(ct, dc, len(_shape(idx)))
        return take_add(ct, idx, n), 1
    idx = lax.moveaxis(idx, di, 0)
    size = _shape(idx)[0]
    ct = lax.broadcast_to(ct, (size,) + _shape(ct)) if dc is None else lax.moveaxis(ct, dc, 0)
    out = take_add(ct, _offset_indices(idx, n), size * n)
    return lax.reshape(out, (size, n) + _shape(out)[1:]), 0


take_p.batch = _take_batch
take_add_p.batch = _take_add_batch


# --------------------------------------------------------------------------- cholesky (for multivariate_normal)

cholesky_p = _prim("random_cholesky")  # for multivariate_normal; named apart from a lax.linalg cholesky


def _cholesky_impl(a: Any) -> np.ndarray:
    a = np.asarray(a)
    a = (a + np.swapaxes(a, -1, -2)) / a.dtype.type(2)  # symmetrised, as JAX's jnp.linalg.cholesky
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:  # JAX returns NaNs for a matrix that is not positive definite
        out = np.full_like(a, np.nan)
        flat_a, flat_o = a.reshape((-1,) + a.shape[-2:]), out.reshape((-1,) + a.shape[-2:])
        for i in range(flat_a.shape[0]):
            try:
                flat_o[i] = np.linalg.cholesky(flat_a[i])
            except np.linalg.LinAlgError:
                pass
        return out


def _mT(x: Any) -> Any:  # noqa: N802
    n = len(_shape(x))
    return lax.transpose(x, tuple(range(n - 2)) + (n - 1, n - 2))


def _cholesky_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    # Murray (2016): with S = L L^T, dL = L Phi(L^-1 dS L^-T), Phi taking the lower triangle
    # with its diagonal halved. The input is symmetrised first, so is its tangent.
    import functrans.numpy as fnp

    (a,), (da,) = primals, tangents
    L = cholesky(a)
    n = _shape(a)[-1]
    da = lax.mul(lax.add(da, _mT(da)), 0.5)
    li = triangular_inverse(L)
    phi = fnp.matmul(fnp.matmul(li, da), _mT(li))
    mask = np.tril(np.ones((n, n), get_aval(a).dtype)) - 0.5 * np.eye(n, dtype=get_aval(a).dtype)
    return L, fnp.matmul(L, lax.mul(phi, mask))


cholesky_p.impl = _cholesky_impl
cholesky_p.abstract_eval = lambda a: ShapedArray(a.shape, a.dtype)
cholesky_p.batch = lambda vals, dims: (cholesky(lax.moveaxis(vals[0], dims[0], 0)), 0)
cholesky_p.jvp = _cholesky_jvp


def cholesky(a: Any) -> Any:
    """The lower Cholesky factor of the symmetrised ``a`` (NaNs where it is not positive definite)."""
    return bind(cholesky_p, (a,), {})


triangular_inverse_p = _prim("triangular_inverse")


def _triangular_inverse_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    import functrans.numpy as fnp

    (x,), (dx,) = primals, tangents
    xi = triangular_inverse(x)
    return xi, lax.neg(fnp.matmul(fnp.matmul(xi, dx), xi))


triangular_inverse_p.impl = lambda x: np.linalg.inv(np.asarray(x))
triangular_inverse_p.abstract_eval = lambda x: ShapedArray(x.shape, x.dtype)
triangular_inverse_p.batch = lambda vals, dims: (triangular_inverse(lax.moveaxis(vals[0], dims[0], 0)), 0)
triangular_inverse_p.jvp = _triangular_inverse_jvp


def triangular_inverse(x: Any) -> Any:
    """The inverse of (a batch of) invertible triangular matrices; any invertible matrix works."""
    return bind(triangular_inverse_p, (x,), {})


# --------------------------------------------------------------------------- gamma samples' derivative in a


def _digamma(x: np.ndarray) -> np.ndarray:
    """The digamma function for positive ``x``: recurrence up to x >= 6, then the asymptotic series."""
    x = np.array(x, dtype=np.float64)
    acc = np.zeros_like(x)
    for _ in range(6):
        small = x < 6.0
        if not small.any():
            break
        acc = np.where(small, acc - 1.0 / x, acc)
        x = np.where(small, x + 1.0, x)
    inv2 = 1.0 / (x * x)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))))
    return acc + np.log(x) - 0.5 / x - series


def _gamma_sample_grad_numpy(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d(sample)/d(a) for Gamma(a) samples ``x`` by implicit differentiation of the CDF
    P(a, x): -(dP/da) / (dP/dx), with dP/da from the series (small x) or the continued
    fraction (x > 1 and x > a) carried along with its derivative in ``a``, as JAX does."""
    out_dtype = np.result_type(a, x)
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    a, x = a.ravel(), x.ravel()
    eps = np.finfo(np.float64).eps
    out = np.full(a.shape, np.nan)
    with np.errstate(all="ignore"):
        valid = ~(np.isnan(a) | np.isnan(x) | (x < 0) | (a <= 0))
        use_cf = valid & (x > 1) & (x > a)
        use_series = valid & ~use_cf & (x > 0)
        out[valid & (x == 0)] = 0.0
        # the series: P = x^a e^-x / Gamma(a+1) * sum_n c_n, c_n = prod_k x / (a + k)
        i = np.nonzero(use_series)[0]
        if i.size:
            aa, xx = a[i], x[i]
            ans, dans = igamma_series_terms(xx, aa, np.ones(aa.shape, bool), eps)
            dlogax = np.log(xx) - _digamma(aa + 1)
            out[i] = -(dans + ans * dlogax) * xx / aa
        # the continued fraction for Q = 1 - P, with its derivative in a
        i = np.nonzero(use_cf)[0]
        if i.size:
            aa, xx = a[i], x[i]
            ans, dans = igammac_cf_terms(xx, aa, np.ones(xx.shape, bool), eps)
            dlogax = np.log(xx) - _digamma(aa)
            out[i] = (dans + ans * dlogax) * xx
    return out.reshape(np.broadcast_shapes(a.shape)).astype(out_dtype)


random_gamma_grad_p = _prim("random_gamma_grad")


def _random_gamma_grad_impl(a: Any, x: Any) -> Any:
    shape = np.broadcast_shapes(np.shape(a), np.shape(x))
    out = _gamma_sample_grad_numpy(a, x).reshape(shape)
    return out if out.ndim else out[()]


def _random_gamma_grad_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    raise NotImplementedError(
        "second derivatives of functrans.random.gamma samples (and beta, dirichlet) with respect to "
        "their shape parameter are not implemented; first derivatives are."
    )


random_gamma_grad_p.impl = _random_gamma_grad_impl
random_gamma_grad_p.abstract_eval = lambda a, x: ShapedArray(
    lax.broadcast_shapes(tuple(a.shape), tuple(x.shape)), np.result_type(a.dtype, x.dtype)
)
random_gamma_grad_p.jvp = _random_gamma_grad_jvp
random_gamma_grad_p.batch = batch_broadcasting(random_gamma_grad_p)


def random_gamma_grad(a: Any, x: Any) -> Any:
    """d(sample)/d(a) of Gamma(a) samples ``x`` (implicit reparameterisation)."""
    return bind(random_gamma_grad_p, (a, x), {})
