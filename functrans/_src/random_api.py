"""``functrans.random``: JAX's key-based random numbers, the same numbers.

Keys are ``uint32`` arrays of shape ``(2,)`` (JAX's "raw" keys); ``key(seed)`` returns the
same array as ``PRNGKey(seed)`` (JAX's typed key arrays are not modelled). Every sampler
is built from functrans primitives, so it works under ``jit`` and ``vmap`` (also over
batches of keys) and is differentiable where JAX's is: the reparameterised samplers
(``uniform``'s bounds, ``normal``, ``truncated_normal``'s bounds, ``exponential``, ...),
``multivariate_normal``'s mean and covariance, and the gamma family's shape parameters
(implicit reparameterisation, first order). Floats are float64 unless ``dtype`` says
otherwise (JAX under ``jax_enable_x64``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax, prng
from functrans._src import random_samplers as rs
from functrans._src.core import Tracer, get_aval
from functrans._src.lax.construction import canonical_shape, operator_index  # noqa: F401  (random_extra)

Array = Any


# --------------------------------------------------------------------------- argument checks


def _arr(x: Any) -> Any:
    """Lists and tuples become arrays (stacking traced entries); everything else passes."""
    if isinstance(x, list | tuple):
        if any(isinstance(e, Tracer | list | tuple) for e in x):
            return fnp.stack([_arr(e) for e in x])
        return np.asarray(x)
    return x


def _shape_arg(name: str, shape: Any) -> tuple[int, ...]:
    if isinstance(shape, Tracer) or (isinstance(shape, tuple | list) and any(isinstance(d, Tracer) for d in shape)):
        raise TypeError(
            f"{name}: shape must be made of concrete integers, but it depends on a traced value; under "
            "jit, pass the size as a static argument (static_argnums / static_argnames)"
        )
    return canonical_shape(shape, name, "a tuple of non-negative integers", ValueError)


def _float_dtype(name: str, dtype: Any) -> np.dtype:
    dt = np.dtype(np.float64 if dtype is None else dtype)
    if dt.kind != "f" or dt.itemsize not in (2, 4, 8):
        raise ValueError(f"dtype argument to `{name}` must be a float dtype, got {dt}")
    return dt


def _param_shape(x: Any) -> tuple[int, ...]:
    return tuple(get_aval(_arr(x)).shape)


def _check_shape(name: str, shape: tuple[int, ...], *params: Any) -> None:
    pshapes = [_param_shape(p) for p in params]
    try:
        b = lax.broadcast_shapes(shape, *pshapes)
    except ValueError:
        b = None
    if b != shape:
        raise ValueError(
            f"{name} parameter shapes must be broadcast-compatible with the shape argument, and the result of "
            f"broadcasting them must equal it, but got parameter shapes {pshapes} for shape argument {shape}."
        )


def _check_mode(name: str, mode: str | None) -> None:
    if mode not in (None, "low"):
        raise NotImplementedError(f"{name}: mode={mode!r} is not supported (only JAX's default, 'low')")


def _as(x: Any, dtype: np.dtype) -> Any:
    x = _arr(x)
    if isinstance(x, int | float):
        return np.asarray(x, dtype)[()]
    return x if get_aval(x).dtype == dtype else lax.convert_element_type(x, dtype)


# --------------------------------------------------------------------------- keys


def PRNGKey(seed: int | Array) -> Array:  # noqa: N802
    """A key (``uint32[2]``) from an integer seed: its 64 bits as (high word, low word), as JAX's."""
    return prng.seed_to_key("PRNGKey", seed)


def key(seed: int | Array) -> Array:
    """Same as :func:`PRNGKey`: functrans keys are always raw ``uint32[2]`` arrays."""
    return prng.seed_to_key("key", seed)


def key_data(keys: Array) -> Array:
    """The ``uint32`` data of keys: the keys themselves."""
    return keys


def wrap_key_data(key_bits_array: Array) -> Array:
    """Keys from ``uint32`` data: the data itself."""
    return key_bits_array


def split(key: Array, num: int | Sequence[int] = 2) -> Array:
    """``num`` new keys (shape ``(num, 2)``; a tuple ``num`` gives shape ``num + (2,)``)."""
    key = prng.check_key("split", key)
    shape = _shape_arg("split", num)
    return prng.split(key, shape)


def fold_in(key: Array, data: int | Array) -> Array:
    """A new key that depends on ``key`` and the 32-bit integer ``data``."""
    key = prng.check_key("fold_in", key)
    return prng.fold_in(key, data)


def bits(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Uniform random bits as unsigned integers (``uint64`` by default, as JAX under x64)."""
    key = prng.check_key("bits", key)
    dt = np.dtype(np.uint64 if dtype is None else dtype)
    if dt.kind != "u":
        raise ValueError(f"dtype argument to `bits` must be an unsigned int dtype, got {dt}")
    return prng.random_bits(key, dt.itemsize * 8, _shape_arg("bits", shape))


# --------------------------------------------------------------------------- continuous distributions


def _is_const(x: Any, v: float) -> bool:
    return isinstance(x, int | float | np.generic) and not isinstance(x, bool) and float(x) == v


def _uniform(key: Any, shape: tuple[int, ...], dt: np.dtype, minval: Any, maxval: Any) -> Any:
    nbits = np.finfo(dt).bits
    floats = prng.uniform_bits_to_float(prng.random_bits(key, nbits, shape), dt)
    if _is_const(minval, 0.0) and _is_const(maxval, 1.0):  # floats * 1 + 0, exactly: nothing to do
        return floats
    minval, maxval = _as(minval, dt), _as(maxval, dt)
    return lax.maximum(minval, lax.reshape(prng.fma(floats, lax.sub(maxval, minval), minval), shape))


def uniform(key: Array, shape: Sequence[int] = (), dtype: Any = None, minval: Any = 0.0, maxval: Any = 1.0) -> Array:
    """Uniform samples in ``[minval, maxval)``; differentiable in ``minval`` and ``maxval``."""
    key = prng.check_key("uniform", key)
    dt = _float_dtype("uniform", dtype)
    shape = _shape_arg("uniform", shape)
    _check_shape("uniform", shape, minval, maxval)
    return _uniform(key, shape, dt, minval, maxval)


def _normal(key: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    lo = np.nextafter(dt.type(-1.0), dt.type(0.0))
    u = _uniform(key, shape, dt, lo, dt.type(1.0))
    return lax.mul(dt.type(np.sqrt(2)), prng.erf_inv(u))


def normal(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard normal samples (inverse-CDF of a uniform, as JAX): ``loc + scale * normal(...)``
    reparameterises. A complex ``dtype`` gives ``(re + 1j * im) / sqrt(2)`` from two split keys."""
    key = prng.check_key("normal", key)
    shape = _shape_arg("normal", shape)
    if dtype is not None and np.dtype(dtype).kind == "c":
        cdt = np.dtype(dtype)
        rdt = np.dtype(np.float32 if cdt == np.complex64 else np.float64)
        k_re, k_im = _split2(key)
        re = lax.convert_element_type(_normal(k_re, shape, rdt), cdt)
        im = lax.convert_element_type(_normal(k_im, shape, rdt), cdt)
        return lax.div(lax.add(re, lax.mul(cdt.type(1j), im)), cdt.type(np.sqrt(2)))
    return _normal(key, shape, _float_dtype("normal", dtype))


def truncated_normal(
    key: Array, lower: Any, upper: Any, shape: Sequence[int] | None = None, dtype: Any = None
) -> Array:
    """Standard normal samples truncated to ``(lower, upper)``; differentiable in the bounds."""
    key = prng.check_key("truncated_normal", key)
    dt = _float_dtype("truncated_normal", dtype)
    if shape is None:
        shape = lax.broadcast_shapes(_param_shape(lower), _param_shape(upper))
    else:
        shape = _shape_arg("truncated_normal", shape)
        _check_shape("truncated_normal", shape, lower, upper)
    sqrt2 = dt.type(np.sqrt(2))
    lower, upper = _as(lower, dt), _as(upper, dt)
    a = prng.erf(lax.div(lower, sqrt2))
    b = prng.erf(lax.div(upper, sqrt2))
    u = _uniform(key, shape, dt, a, b)
    out = lax.mul(sqrt2, prng.erf_inv(u))
    lo = _nextafter(lax.stop_gradient(lower), np.inf, dt)
    hi = _nextafter(lax.stop_gradient(upper), -np.inf, dt)
    return lax.minimum(lax.maximum(out, lo), hi)


def _nextafter(x: Any, to: float, dt: np.dtype) -> Any:
    return prng.nextafter(x, dt.type(to))


def exponential(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard exponential samples: ``-log1p(-u)``."""
    key = prng.check_key("exponential", key)
    dt = _float_dtype("exponential", dtype)
    u = _uniform(key, _shape_arg("exponential", shape), dt, 0.0, 1.0)
    return lax.neg(prng.log1p_xla(lax.neg(u)))


def laplace(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard Laplace samples."""
    key = prng.check_key("laplace", key)
    dt = _float_dtype("laplace", dtype)
    u = _uniform(key, _shape_arg("laplace", shape), dt, -1.0 + np.finfo(dt).epsneg, 1.0)
    return lax.mul(lax.sign(u), prng.log1p_xla(lax.neg(lax.abs(u))))


def logistic(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard logistic samples."""
    key = prng.check_key("logistic", key)
    dt = _float_dtype("logistic", dtype)
    x = _uniform(key, _shape_arg("logistic", shape), dt, np.finfo(dt).tiny, 1.0)
    return lax.sub(lax.log(x), prng.log1p_xla(lax.neg(x)))


def _gumbel(key: Any, shape: tuple[int, ...], dt: np.dtype) -> Any:
    u = _uniform(key, shape, dt, np.finfo(dt).tiny, 1.0)
    return lax.neg(lax.log(lax.neg(lax.log(u))))


def gumbel(key: Array, shape: Sequence[int] = (), dtype: Any = None, mode: str | None = None) -> Array:
    """Standard Gumbel samples (JAX's default ``mode='low'``)."""
    key = prng.check_key("gumbel", key)
    _check_mode("gumbel", mode)
    return _gumbel(key, _shape_arg("gumbel", shape), _float_dtype("gumbel", dtype))


def cauchy(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Standard Cauchy samples: ``tan(pi * (u - 1/2))``."""
    key = prng.check_key("cauchy", key)
    dt = _float_dtype("cauchy", dtype)
    u = _uniform(key, _shape_arg("cauchy", shape), dt, np.finfo(dt).eps, 1.0)
    return lax.tan(lax.mul(dt.type(np.pi), lax.sub(u, dt.type(0.5))))


def _gamma(name: str, key: Any, a: Any, shape: Any, dtype: Any, log_space: bool) -> Any:
    key = prng.check_key(name, key)
    dt = _float_dtype(name, dtype)
    if shape is None:
        shape = _param_shape(a)
    else:
        shape = _shape_arg(name, shape)
        _check_shape(name, shape, a)
    a = _as(a, dt)
    if _param_shape(a) != shape:
        a = lax.broadcast_to(a, shape)
    return rs.random_gamma(key, a, log_space)


def gamma(key: Array, a: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Gamma(a) samples (Marsaglia-Tsang, JAX's algorithm and key splitting).

    Differentiable in ``a`` by implicit reparameterisation, as in JAX (first order only).
    """
    return _gamma("gamma", key, a, shape, dtype, False)


def loggamma(key: Array, a: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Logs of Gamma(a) samples, computed in log space (accurate for small ``a``)."""
    return _gamma("loggamma", key, a, shape, dtype, True)


def beta(key: Array, a: Any, b: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Beta(a, b) samples, from two log-gamma samples (differentiable in ``a``, ``b``)."""
    key = prng.check_key("beta", key)
    dt = _float_dtype("beta", dtype)
    if shape is None:
        shape = lax.broadcast_shapes(_param_shape(a), _param_shape(b))
    else:
        shape = _shape_arg("beta", shape)
        _check_shape("beta", shape, a, b)
    ka, kb = _split2(key)
    la = _gamma("beta", ka, lax.broadcast_to(_as(a, dt), shape), shape, dt, True)
    lb = _gamma("beta", kb, lax.broadcast_to(_as(b, dt), shape), shape, dt, True)
    m = lax.maximum(la, lb)
    ga, gb = lax.exp(lax.sub(la, m)), lax.exp(lax.sub(lb, m))
    return lax.div(ga, lax.add(ga, gb))


def dirichlet(key: Array, alpha: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Dirichlet(alpha) samples over the last axis (softmax of log-gamma samples)."""
    key = prng.check_key("dirichlet", key)
    dt = _float_dtype("dirichlet", dtype)
    ashape = _param_shape(alpha)
    if len(ashape) < 1:
        raise ValueError(f"dirichlet requires alpha.ndim >= 1, got alpha.ndim == {len(ashape)}")
    if shape is None:
        shape = ashape[:-1]
    else:
        shape = _shape_arg("dirichlet", shape)
        _check_shape("dirichlet", shape, np.empty(ashape[:-1]))
    lg = _gamma("dirichlet", key, _as(alpha, dt), shape + ashape[-1:], dt, True)
    m = lax.stop_gradient(fnp.max(lg, axis=-1, keepdims=True))
    e = lax.exp(lax.sub(lg, m))
    return lax.div(e, fnp.sum(e, axis=-1, keepdims=True))


def multivariate_normal(
    key: Array, mean: Any, cov: Any, shape: Sequence[int] | None = None, dtype: Any = None, method: str = "cholesky"
) -> Array:
    """Multivariate normal samples ``mean + L @ z`` with ``L`` the Cholesky factor of ``cov``.

    Differentiable in ``mean`` and ``cov`` (through the Cholesky factor). Only
    ``method='cholesky'`` (JAX's default) is supported.
    """
    key = prng.check_key("multivariate_normal", key)
    mean, cov = _arr(mean), _arr(cov)
    pdt = np.result_type(*[get_aval(v).dtype if not isinstance(v, float | int) else np.float64 for v in (mean, cov)])
    pdt = np.dtype(pdt if pdt.kind == "f" else np.float64)  # mean and cov promoted to a common float type
    dt = _float_dtype("multivariate_normal", pdt if dtype is None else dtype)  # the normal draws' dtype
    if method != "cholesky":
        raise NotImplementedError(f"multivariate_normal: method={method!r} is not supported (only 'cholesky')")
    mshape, cshape = _param_shape(mean), _param_shape(cov)
    if len(mshape) < 1:
        raise ValueError(f"multivariate_normal requires mean.ndim >= 1, got mean.ndim == {len(mshape)}")
    if len(cshape) < 2:
        raise ValueError(f"multivariate_normal requires cov.ndim >= 2, got cov.ndim == {len(cshape)}")
    n = mshape[-1]
    if cshape[-2:] != (n, n):
        raise ValueError(
            f"multivariate_normal requires cov.shape == (..., n, n) for n={n}, but got cov.shape == {cshape}."
        )
    if shape is None:
        shape = lax.broadcast_shapes(mshape[:-1], cshape[:-2])
    else:
        shape = _shape_arg("multivariate_normal", shape)
        _check_shape("multivariate_normal", shape, np.empty(mshape[:-1]), np.empty(cshape[:-2]))
    mean, cov = _as(mean, pdt), _as(cov, pdt)
    factor = rs.cholesky(cov)
    z = _normal(key, shape + (n,), dt)
    if len(cshape) == 2:  # one covariance: z @ L^T, a matrix product (the summation order of JAX's)
        return lax.add(mean, fnp.matmul(z, lax.transpose(factor, (1, 0))))
    zs = _param_shape(z)
    return lax.add(mean, fnp.sum(lax.mul(factor, lax.reshape(z, zs[:-1] + (1, n))), axis=-1))


# --------------------------------------------------------------------------- discrete distributions


def bernoulli(key: Array, p: Any = 0.5, shape: Sequence[int] | None = None, mode: str = "low") -> Array:
    """Booleans that are True with probability ``p``: ``uniform < p`` (JAX's default ``mode='low'``)."""
    key = prng.check_key("bernoulli", key)
    _check_mode("bernoulli", mode)
    p = _arr(p)
    dt = get_aval(p).dtype
    if isinstance(p, float):
        dt = np.dtype(np.float64)
    if dt.kind != "f":
        raise TypeError(f"bernoulli probability `p` must have a floating dtype, got {dt}.")
    if shape is None:
        shape = _param_shape(p)
    else:
        shape = _shape_arg("bernoulli", shape)
        _check_shape("bernoulli", shape, p)
    return lax.lt(_uniform(key, shape, dt, 0.0, 1.0), p)


def _split2(key: Any) -> tuple[Any, Any]:
    ks = prng.split(key, (2,))
    return lax.index(ks, 0), lax.index(ks, 1)


def randint(key: Array, shape: Sequence[int], minval: Any, maxval: Any, dtype: Any = None) -> Array:
    """Integers uniform in ``[minval, maxval)`` (JAX's algorithm: two words of bits per value, modulo)."""
    key = prng.check_key("randint", key)
    dt = np.dtype(np.int64 if dtype is None else dtype)
    if dt.kind not in "iu":
        raise TypeError(f"randint only accepts integer dtypes, got {dt}")
    shape = _shape_arg("randint", shape)
    _check_shape("randint", shape, minval, maxval)
    if dt.itemsize < 4:
        return lax.convert_element_type(
            randint(key, shape, _clip_arg(minval, dt), _clip_arg(maxval, dt, 1), "int32"), dt
        )
    minval, maxval = _int_arg(minval), _int_arg(maxval)
    info = np.iinfo(dt)
    mdt = get_aval(maxval).dtype
    big = np.asarray(min(info.max, np.iinfo(mdt).max), mdt)[()]
    maxval_out_of_range = lax.gt(maxval, big)
    minval, maxval = _clip_convert(minval, dt), _clip_convert(maxval, dt)
    nbits = info.bits
    udt = prng.UINT_DTYPES[nbits]
    k1, k2 = _split2(key)
    higher, lower = prng.random_bits(k1, nbits, shape), prng.random_bits(k2, nbits, shape)
    span = lax.convert_element_type(lax.sub(maxval, minval), udt)
    one = udt.type(1)
    span = lax.select(lax.le(maxval, minval), lax.broadcast_to(one, _param_shape(span)), span)
    span = lax.select(lax.logical_and(maxval_out_of_range, lax.gt(maxval, minval)), lax.add(span, one), span)
    mult = _urem(udt.type(2 ** (nbits // 2)), span)
    mult = _urem(lax.mul(mult, mult), span)
    offset = lax.add(lax.mul(_urem(higher, span), mult), _urem(lower, span))
    offset = _urem(offset, span)
    return lax.add(minval, lax.convert_element_type(offset, dt))


def _urem(x: Any, y: Any) -> Any:
    """Unsigned remainder with XLA's convention ``x % 0 == x``."""
    zero = lax.eq(y, get_aval(y).dtype.type(0))
    safe = lax.select(zero, lax.broadcast_to(get_aval(y).dtype.type(1), _param_shape(y)), y)
    return lax.select(zero, x, prng.integer_rem(x, safe))


def _int_arg(x: Any) -> Any:
    x = _arr(x)
    if isinstance(x, int):
        return np.int64(x)
    dt = get_aval(x).dtype
    return x if dt.kind in "iu" else lax.convert_element_type(x, np.int64)


def _clip_convert(x: Any, dt: np.dtype) -> Any:
    src = get_aval(x).dtype
    lo = max(np.iinfo(dt).min, np.iinfo(src).min)
    hi = min(np.iinfo(dt).max, np.iinfo(src).max)
    x = lax.minimum(lax.maximum(x, src.type(lo)), src.type(hi))
    return lax.convert_element_type(x, dt)


def _clip_arg(x: Any, dt: np.dtype, extra: int = 0) -> Any:
    x = lax.convert_element_type(_int_arg(x), np.int32)
    return lax.minimum(lax.maximum(x, np.int32(np.iinfo(dt).min)), np.int32(np.iinfo(dt).max + extra))


def _argmax(x: Any, axis: int) -> Any:
    s = _param_shape(x)
    axis = axis % len(s)
    m = fnp.max(x, axis=axis, keepdims=True)
    iota = np.arange(s[axis], dtype=np.int64).reshape((s[axis],) + (1,) * (len(s) - axis - 1))
    idx = lax.select(lax.eq(x, m), lax.broadcast_to(iota, s), np.int64(s[axis]))
    return fnp.min(idx, axis=axis)


def categorical(
    key: Array,
    logits: Any,
    axis: int = -1,
    shape: Sequence[int] | None = None,
    replace: bool = True,
    mode: str | None = None,
) -> Array:
    """Category indices drawn with probabilities ``softmax(logits)`` along ``axis`` (Gumbel-max)."""
    key = prng.check_key("categorical", key)
    _check_mode("categorical", mode)
    logits = _arr(logits)
    ls = _param_shape(logits)
    if not ls:
        raise ValueError("categorical: logits must have at least one dimension")
    dt = get_aval(logits).dtype
    if dt.kind != "f":
        logits = lax.convert_element_type(logits, np.float64)
        dt = np.dtype(np.float64)
    axis = axis % len(ls)
    batch_shape = ls[:axis] + ls[axis + 1 :]
    if shape is None:
        shape = batch_shape
    else:
        shape = _shape_arg("categorical", shape)
        _check_shape("categorical", shape, np.empty(batch_shape))
    prefix = shape[: len(shape) - len(batch_shape)]
    if replace:
        lshape = list(shape[len(prefix) :])
        lshape.insert(axis, ls[axis])
        g = _gumbel(key, prefix + tuple(lshape), dt)
        return _argmax(lax.add(g, lax.reshape(logits, (1,) * len(prefix) + ls)), len(prefix) + axis)
    k = math.prod(prefix)
    if k > ls[axis]:
        raise ValueError(
            f"Number of samples without replacement ({k}) cannot exceed number of categories ({ls[axis]})."
        )
    g = lax.add(logits, _gumbel(key, ls, dt))
    order = rs.argsort(lax.neg(lax.moveaxis(g, axis, len(ls) - 1)))
    top = lax.index(order, (Ellipsis, slice(0, k)))
    top = lax.moveaxis(top, len(ls) - 1, 0)
    return lax.convert_element_type(lax.reshape(top, shape), np.int32)  # JAX's top_k indices are int32


def _shuffle_indices(key: Any, n: int) -> Any:
    """JAX's shuffle of ``arange(n)``: rounds of stable sorts by fresh random 32-bit keys."""
    rounds = int(np.ceil(3 * np.log(max(1, n)) / np.log(np.iinfo(np.uint32).max)))
    perm: Any = np.arange(n, dtype=np.int64)
    for _ in range(rounds):
        key, sub = _split2(key)
        sort_keys = prng.random_bits(sub, 32, (n,))
        perm = rs.take(perm, rs.argsort(sort_keys))
    return perm


def _shuffle_independent(key: Any, x: Any, axis: int) -> Any:
    """JAX's shuffle of ``x`` along ``axis``, each slice independently (sort keys shaped like ``x``)."""
    s = _param_shape(x)
    size = math.prod(s)
    n = s[axis]
    rows = size // n if n else 0
    moved = tuple(d for i, d in enumerate(s) if i != axis) + (n,)
    offsets = (np.arange(rows, dtype=np.int64) * n).reshape(rows, 1)
    rounds = int(np.ceil(3 * np.log(max(1, size)) / np.log(np.iinfo(np.uint32).max)))
    perm: Any = np.broadcast_to(np.arange(n, dtype=np.int64), (rows, n))
    for _ in range(rounds):
        key, sub = _split2(key)
        sort_keys = lax.reshape(lax.moveaxis(prng.random_bits(sub, 32, s), axis, len(s) - 1), (rows, n))
        order = rs.argsort(sort_keys)
        perm = rs.take(lax.reshape(perm, (rows * n,)), lax.add(order, offsets))
    flat = lax.reshape(lax.moveaxis(x, axis, len(s) - 1), (rows * n,))
    out = lax.reshape(rs.take(flat, lax.add(perm, offsets)), moved)
    return lax.moveaxis(out, len(s) - 1, axis)


def permutation(key: Array, x: int | Array, axis: int = 0, independent: bool = False) -> Array:
    """A random permutation of ``arange(x)`` (integer ``x``) or of ``x`` along ``axis``

    (with ``independent=True``, each slice along ``axis`` is shuffled independently).
    """
    key = prng.check_key("permutation", key)
    if isinstance(x, int | np.integer) or (not isinstance(x, Tracer) and np.ndim(x) == 0):
        if isinstance(x, Tracer) or np.asarray(x).dtype.kind not in "iu":
            raise TypeError("x must be an integer or at least 1-dimensional")
        return _shuffle_indices(key, int(x))
    x = _arr(x)
    s = _param_shape(x)
    if not s:
        raise TypeError("x must be an integer or at least 1-dimensional (got a traced scalar)")
    axis = axis % len(s)
    if independent and len(s) > 1:
        return _shuffle_independent(key, x, axis)
    perm = _shuffle_indices(key, s[axis])
    return _take_axis(x, perm, axis)


def choice(
    key: Array,
    a: int | Array,
    shape: Sequence[int] = (),
    replace: bool = True,
    p: Any = None,
    axis: int = 0,
    mode: str | None = None,
) -> Array:
    """A random sample from ``arange(a)`` (integer ``a``) or from ``a`` along ``axis``."""
    key = prng.check_key("choice", key)
    _check_mode("choice", mode)
    if not isinstance(shape, Sequence):
        raise TypeError(f"shape argument of functrans.random.choice must be a sequence, got {shape}")
    shape = _shape_arg("choice", shape)
    arr = _arr(a)
    ashape = _param_shape(arr)
    if not ashape:
        if isinstance(arr, Tracer):
            raise TypeError("choice: an integer a must be a concrete Python/NumPy integer, not a traced value")
        n_inputs = int(arr)
    else:
        axis = axis % len(ashape)
        n_inputs = ashape[axis]
    n_draws = math.prod(shape)
    if n_draws == 0:
        return np.zeros(shape, get_aval(arr).dtype)
    if n_inputs <= 0:
        raise ValueError("a must be greater than 0 unless no samples are taken")
    if not replace and n_draws > n_inputs:
        raise ValueError(
            f"Cannot take a larger sample (size {n_draws}) than population (size {n_inputs}) when 'replace=False'"
        )
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n_inputs)
        else:
            ind = lax.index(_shuffle_indices(key, n_inputs), slice(0, n_draws))
    else:
        p = _arr(p)
        pdt = get_aval(p).dtype
        if pdt.kind != "f":
            p = lax.convert_element_type(p, np.float64)
            pdt = np.dtype(np.float64)
        if _param_shape(p) != (n_inputs,):
            raise ValueError(
                "p must be None or a 1D vector with the same size as a.shape[axis]. "
                f"p has shape {_param_shape(p)} and a.shape[axis] is {n_inputs}."
            )
        p = lax.stop_gradient(p)
        if replace:
            tri = np.triu(np.ones((n_inputs, n_inputs), pdt))
            cuml = fnp.dot(p, tri)
            r = lax.mul(lax.index(cuml, n_inputs - 1), lax.sub(pdt.type(1), _uniform(key, shape, pdt, 0.0, 1.0)))
            r = lax.reshape(r, shape + (1,))
            ind = fnp.sum(lax.convert_element_type(lax.lt(cuml, r), np.int64), axis=-1)
        else:
            g = lax.add(_gumbel(key, (n_inputs,), pdt), lax.log(p))
            ind = lax.index(rs.argsort(lax.neg(g)), slice(0, n_draws))
    ind = lax.reshape(ind, shape) if _param_shape(ind) != shape else ind
    return ind if not ashape else _take_axis(arr, ind, axis)


def _take_axis(arr: Any, ind: Any, axis: int) -> Any:
    out = rs.take(lax.moveaxis(arr, axis, 0), ind)  # ind.shape + rest (axis removed, others in order)
    k = len(_param_shape(ind))
    s = _param_shape(out)
    perm = list(range(k, k + axis)) + list(range(k)) + list(range(k + axis, len(s)))
    return lax.transpose(out, perm)


def poisson(key: Array, lam: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Poisson(lam) samples (JAX's algorithms; ``lam`` is used in float32, as JAX does)."""
    key = prng.check_key("poisson", key)
    dt = np.dtype(np.int64 if dtype is None else dtype)
    if dt.kind not in "iu":
        raise TypeError(f"poisson: dtype must be an integer dtype, got {dt}")
    shape = _param_shape(lam) if shape is None else _shape_arg("poisson", shape)
    lam = lax.broadcast_to(_as(lam, np.dtype(np.float32)), shape)
    return rs.random_poisson(key, lam, dt)


# --------------------------------------------------------------------------- more of jax.random's samplers


def _shape_or_params(name: str, shape: Any, *params: Any) -> tuple[int, ...]:
    if shape is None:
        return lax.broadcast_shapes(*[_param_shape(p) for p in params]) if params else ()
    shape = _shape_arg(name, shape)
    _check_shape(name, shape, *params)
    return shape


def rademacher(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """-1 or +1 with equal probability (integers, int64 by default)."""
    key = prng.check_key("rademacher", key)
    dt = np.dtype(np.int64 if dtype is None else dtype)
    b = lax.convert_element_type(bernoulli(key, 0.5, _shape_arg("rademacher", shape)), dt)
    return lax.convert_element_type(lax.sub(lax.mul(dt.type(2), b), dt.type(1)), dt)


def lognormal(key: Array, sigma: Any = 1.0, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """``exp(sigma * normal)``."""
    key = prng.check_key("lognormal", key)
    dt = _float_dtype("lognormal", dtype)
    shape = _shape_or_params("lognormal", shape, sigma)
    return lax.exp(lax.mul(_normal(key, shape, dt), _as(sigma, dt)))


def pareto(key: Array, b: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Pareto samples with shape parameter ``b``: ``exp(exponential / b)``."""
    key = prng.check_key("pareto", key)
    dt = _float_dtype("pareto", dtype)
    shape = _shape_or_params("pareto", shape, b)
    return lax.exp(lax.div(exponential(key, shape, dt), _as(b, dt)))


def chisquare(key: Array, df: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Chi-square samples with ``df`` degrees of freedom: ``2 * Gamma(df / 2)`` (via log space)."""
    key = prng.check_key("chisquare", key)
    dt = _float_dtype("chisquare", dtype)
    shape = _shape_or_params("chisquare", shape, df)
    half = lax.div(_as(df, dt), dt.type(2))
    return lax.mul(lax.exp(loggamma(key, half, shape, dt)), dt.type(2))


def f(key: Array, dfnum: Any, dfden: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """F-distribution samples: a ratio of scaled chi-squares."""
    key = prng.check_key("f", key)
    dt = _float_dtype("f", dtype)
    shape = _shape_or_params("f", shape, dfnum, dfden)
    dfnum, dfden = _as(dfnum, dt), _as(dfden, dt)
    k_den, k_num = _split2(key)
    num = lax.div(chisquare(k_num, dfnum, shape, dt), dfnum)
    den = lax.div(chisquare(k_den, dfden, shape, dt), dfden)
    return lax.div(num, den)


def t(key: Array, df: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Student's t samples: ``normal * sqrt(df / 2 / Gamma(df / 2))``."""
    key = prng.check_key("t", key)
    dt = _float_dtype("t", dtype)
    shape = _shape_or_params("t", shape, df)
    half = lax.div(_as(df, dt), dt.type(2))
    k_n, k_g = _split2(key)
    n = _normal(k_n, shape, dt)
    g = gamma(k_g, half, shape, dt)
    return lax.mul(n, lax.sqrt(lax.div(half, g)))


def rayleigh(key: Array, scale: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Rayleigh samples: ``scale * sqrt(-2 log u)``."""
    key = prng.check_key("rayleigh", key)
    dt = _float_dtype("rayleigh", dtype)
    shape = _shape_or_params("rayleigh", shape, scale)
    u = _uniform(key, shape, dt, 0.0, 1.0)
    return lax.mul(lax.broadcast_to(_as(scale, dt), shape), lax.sqrt(lax.mul(lax.log(u), dt.type(-2))))


def weibull_min(key: Array, scale: Any, concentration: Any, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Weibull samples: ``(-log1p(-u)) ** (1 / concentration) * scale``."""
    key = prng.check_key("weibull_min", key)
    dt = _float_dtype("weibull_min", dtype)
    shape = _shape_arg("weibull_min", shape)
    u = _uniform(key, shape, dt, 0.0, 1.0)
    e = lax.neg(prng.log1p_xla(lax.neg(u)))
    return lax.mul(lax.pow(e, lax.div(dt.type(1.0), _as(concentration, dt))), _as(scale, dt))


def maxwell(key: Array, shape: Sequence[int] = (), dtype: Any = None) -> Array:
    """Maxwell samples: the norm of a 3-vector of standard normals."""
    key = prng.check_key("maxwell", key)
    dt = _float_dtype("maxwell", dtype)
    z = _normal(key, _shape_arg("maxwell", shape) + (3,), dt)
    return lax.sqrt(fnp.sum(lax.mul(z, z), axis=-1))


def geometric(key: Array, p: Any, shape: Sequence[int] | None = None, dtype: Any = None) -> Array:
    """Geometric samples (trials up to the first success, >= 1), integers (int64 by default)."""
    key = prng.check_key("geometric", key)
    idt = np.dtype(np.int64 if dtype is None else dtype)
    if idt.kind not in "iu":
        raise TypeError(f"geometric: dtype must be an integer dtype, got {idt}")
    p = _arr(p)
    pdt = np.dtype(np.float64) if isinstance(p, int | float) else get_aval(p).dtype
    pdt = pdt if pdt.kind == "f" else np.dtype(np.float64)
    shape = _shape_or_params("geometric", shape, p)
    u = _uniform(key, shape, pdt, 0.0, 1.0)
    u = lax.select(lax.eq(u, pdt.type(0)), lax.broadcast_to(pdt.type(1), shape), u)
    log_q = lax.broadcast_to(lax.log1p(lax.neg(_as(p, pdt))), shape)
    g = lax.add(lax.floor(lax.div(lax.log(u), log_q)), pdt.type(1))
    return lax.convert_element_type(g, idt)
