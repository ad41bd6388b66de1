"""The counter-based generator behind ``functrans.random``: threefry-2x32, as JAX uses it.

A key is a ``uint32`` array of shape ``(2,)``. Everything random is a pure function of a
key: :func:`random_bits` hashes a counter array with the key, :func:`split` and
:func:`fold_in` derive new keys the same way. The bit layout is JAX's default one
(``jax_threefry_partitionable=True``): element ``i`` of an output of shape ``shape``
hashes the 64-bit counter ``i`` (row-major), split into its high and low 32-bit words;
the two output words give the key pair of ``split``, their XOR 32-bit ``bits``, and
``(hi << 32) | lo`` 64-bit ``bits``.

The primitives declared here, each with impl, abstract_eval, jvp and batching rule:

* ``threefry2x32(k1, k2, x1, x2) -> (y1, y2)``: the hash, elementwise with broadcasting;
* ``shift_left``, ``shift_right_logical``, ``bitwise_or``, ``bitwise_xor``, ``integer_rem``:
  elementwise integer operations;
* ``nextafter`` and ``fma`` (a fused multiply-add, rounded once as XLA's CPU code does);
* ``bitcast_convert_type``: reinterpret the bits as another dtype of the same size;
* ``erf_libm`` and ``erf_inv_xla``: the error function (the C library's) and its inverse
  (with XLA's rounding), both differentiable;
* ``log1p_xla``: ``log1p`` with XLA's rounding (differentiable).

Integer-valued primitives have zero derivatives (their tangents are symbolic zeros), so a
key can flow through ``jvp``/``grad`` untouched, and ``vmap`` over a batch of keys applies
the hash once to the whole batch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Primitive, ShapedArray, Tracer, bind, get_aval

_PRIMS: list[Primitive] = []


def _prim(name: str, multiple_results: bool = False) -> Primitive:
    p = Primitive(name, multiple_results)
    _PRIMS.append(p)
    return p


def random_primitives() -> list[Primitive]:
    """Every primitive declared for ``functrans.random`` (used by the rule-coverage test); the
    samplers' primitives are declared once ``functrans.random`` is imported."""
    return list(_PRIMS)


# --------------------------------------------------------------------------- rule helpers


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(get_aval(x).shape)


def batch_broadcasting(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """Batching rule for elementwise primitives that broadcast their operands (NumPy rules).

    Every batched operand gets its batch axis in front, every operand is left-padded with
    size-1 axes to the common per-example rank (so broadcasting lines up), and the result's
    batch axis is 0.
    """

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        ranks = [len(_shape(v)) - (d is not None) for v, d in zip(vals, dims)]
        rank = max(ranks)
        new = []
        for v, d, r in zip(vals, dims, ranks):
            if d is None:
                s = _shape(v)
                v = lax.reshape(v, (1,) * (rank + 1 - r) + s) if r < rank + 1 and s else v
            else:
                v = lax.moveaxis(v, d, 0)
                s = _shape(v)
                if r < rank:
                    v = lax.reshape(v, s[:1] + (1,) * (rank - r) + s[1:])
            new.append(v)
        out = bind(prim, new, params)
        if prim.multiple_results:
            return out, [0] * len(out)
        return out, 0

    return rule


def _zero_jvp(prim: Primitive) -> None:
    """The outputs are integers or bit patterns: their tangents are (symbolic) zeros."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        out = bind(prim, primals, params)
        return out, ([None] * len(out) if prim.multiple_results else None)

    prim.jvp = rule


def _result_dtype(fn: Callable[..., Any], *avals: ShapedArray) -> np.dtype:
    with np.errstate(all="ignore"):
        return np.asarray(fn(*[np.ones((), a.dtype) for a in avals])).dtype


# --------------------------------------------------------------------------- threefry2x32

threefry2x32_p = _prim("threefry2x32", multiple_results=True)

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


def threefry2x32_numpy(k1: Any, k2: Any, x1: Any, x2: Any) -> tuple[np.ndarray, np.ndarray]:
    """Threefry-2x32 with 20 rounds (Salmon et al. 2011) on ``uint32`` NumPy arrays, broadcasting."""
    args = [np.asarray(a) for a in (k1, k2, x1, x2)]
    shape = np.broadcast_shapes(*[a.shape for a in args])
    u32 = np.uint32

    def flat(a: np.ndarray) -> np.ndarray:  # scalars stay scalars (one key, many counters)
        a = a.astype(u32, copy=False)
        return a[()] if a.ndim == 0 else np.broadcast_to(a, shape).reshape(-1)

    a1, a2 = flat(args[0]), flat(args[1])
    ks = (a1, a2, a1 ^ a2 ^ u32(0x1BD11BDA))
    y0 = np.broadcast_to(args[2].astype(u32, copy=False), shape).reshape(-1) + ks[0]
    y1 = np.broadcast_to(args[3].astype(u32, copy=False), shape).reshape(-1) + ks[1]
    tmp = np.empty_like(y1)
    for i in range(5):
        for r in _ROTATIONS[i % 2]:  # in place: y0 += y1; y1 = rotl(y1, r) ^ y0
            np.add(y0, y1, out=y0)
            np.right_shift(y1, u32(32 - r), out=tmp)
            np.left_shift(y1, u32(r), out=y1)
            np.bitwise_or(y1, tmp, out=y1)
            np.bitwise_xor(y1, y0, out=y1)
        np.add(y0, ks[(i + 1) % 3], out=y0)
        np.add(y1, ks[(i + 2) % 3], out=y1)
        np.add(y1, u32(i + 1), out=y1)
    return y0.reshape(shape), y1.reshape(shape)


def _threefry_abstract_eval(*avals: ShapedArray) -> list[ShapedArray]:
    for a in avals:
        if a.dtype != np.uint32:
            raise TypeError(f"threefry2x32 takes uint32 operands, got {a.dtype}")
    shape = lax.broadcast_shapes(*[tuple(a.shape) for a in avals])
    return [ShapedArray(shape, np.dtype(np.uint32))] * 2


threefry2x32_p.impl = lambda k1, k2, x1, x2: list(threefry2x32_numpy(k1, k2, x1, x2))
threefry2x32_p.abstract_eval = _threefry_abstract_eval
threefry2x32_p.batch = batch_broadcasting(threefry2x32_p)
_zero_jvp(threefry2x32_p)


def threefry2x32(k1: Any, k2: Any, x1: Any, x2: Any) -> list[Any]:
    """The threefry-2x32 hash of the counter pair ``(x1, x2)`` under the key pair ``(k1, k2)``."""
    return bind(threefry2x32_p, (k1, k2, x1, x2), {})


# --------------------------------------------------------------------------- integer and bit operations


def _int_binary(name: str, fn: np.ufunc) -> Primitive:
    p = _prim(name)
    p.impl = fn

    def abstract_eval(x: ShapedArray, y: ShapedArray) -> ShapedArray:
        if x.dtype.kind not in "ui" or y.dtype.kind not in "ui":
            raise TypeError(f"{name} takes integer operands, got {x.dtype} and {y.dtype}")
        return ShapedArray(lax.broadcast_shapes(tuple(x.shape), tuple(y.shape)), _result_dtype(fn, x, y))

    p.abstract_eval = abstract_eval
    p.batch = batch_broadcasting(p)
    _zero_jvp(p)
    return p


shift_left_p = _int_binary("shift_left", np.left_shift)
shift_right_logical_p = _int_binary("shift_right_logical", np.right_shift)
bitwise_or_p = _int_binary("bitwise_or", np.bitwise_or)
bitwise_xor_p = _int_binary("bitwise_xor", np.bitwise_xor)
integer_rem_p = _int_binary("integer_rem", np.remainder)


def _same(x: Any, y: Any) -> Any:
    """``y`` as a NumPy scalar of ``x``'s dtype when it is a Python int (no promotion)."""
    return np.asarray(y, get_aval(x).dtype)[()] if isinstance(y, int) else y


def shift_left(x: Any, y: Any) -> Any:
    """``x << y`` for unsigned integer arrays."""
    return bind(shift_left_p, (x, _same(x, y)), {})


def shift_right_logical(x: Any, y: Any) -> Any:
    """``x >> y`` (logical) for unsigned integer arrays."""
    return bind(shift_right_logical_p, (x, _same(x, y)), {})


def integer_rem(x: Any, y: Any) -> Any:
    """``x % y`` for integer arrays (``y`` nonzero)."""
    return bind(integer_rem_p, (x, _same(x, y)), {})


def bitwise_or(x: Any, y: Any) -> Any:
    """``x | y`` for integer arrays."""
    return bind(bitwise_or_p, (x, _same(x, y)), {})


def bitwise_xor(x: Any, y: Any) -> Any:
    """``x ^ y`` for integer arrays."""
    return bind(bitwise_xor_p, (x, _same(x, y)), {})


bitcast_convert_type_p = _prim("bitcast_convert_type")


def _bitcast_impl(x: Any, new_dtype: np.dtype) -> Any:
    x = np.asarray(x)
    return (x if x.flags.c_contiguous else x.copy()).view(new_dtype)


bitcast_convert_type_p.impl = _bitcast_impl


def _bitcast_abstract_eval(x: ShapedArray, new_dtype: np.dtype) -> ShapedArray:
    if x.dtype.itemsize != new_dtype.itemsize:
        raise TypeError(f"bitcast_convert_type needs dtypes of the same size, got {x.dtype} and {new_dtype}")
    return ShapedArray(x.shape, new_dtype)


bitcast_convert_type_p.abstract_eval = _bitcast_abstract_eval
bitcast_convert_type_p.batch = lambda vals, dims, new_dtype: (bitcast_convert_type(vals[0], new_dtype), dims[0])
_zero_jvp(bitcast_convert_type_p)


def bitcast_convert_type(x: Any, new_dtype: Any) -> Any:
    """Reinterpret the bits of ``x`` as ``new_dtype`` (same item size): ``x.view(new_dtype)``."""
    return bind(bitcast_convert_type_p, (x,), {"new_dtype": np.dtype(new_dtype)})


nextafter_p = _prim("nextafter")
nextafter_p.impl = np.nextafter


def _nextafter_abstract_eval(x: ShapedArray, y: ShapedArray) -> ShapedArray:
    if x.dtype.kind != "f" or y.dtype != x.dtype:
        raise TypeError(f"nextafter takes two floats of the same dtype, got {x.dtype} and {y.dtype}")
    return ShapedArray(lax.broadcast_shapes(tuple(x.shape), tuple(y.shape)), x.dtype)


nextafter_p.abstract_eval = _nextafter_abstract_eval
nextafter_p.batch = batch_broadcasting(nextafter_p)
_zero_jvp(nextafter_p)  # piecewise constant in both operands: the next float after x towards y


def nextafter(x: Any, y: Any) -> Any:
    """The next float after ``x`` in the direction of ``y`` (its derivative is taken as zero)."""
    return bind(nextafter_p, (x, y), {})


# --------------------------------------------------------------------------- erf and erf_inv

# Giles, "Approximating the erfinv function" (GPU Computing Gems, 2011): a polynomial in
# w = -log(1 - x^2) (shifted, or in sqrt(w) for the tails), times x. The same
# coefficients as XLA, so normal draws agree with JAX's to the last bit or two.
_ERFINV32 = (
    (
        5.0,
        2.5,
        False,
        (
            2.81022636e-08,
            3.43273939e-07,
            -3.5233877e-06,
            -4.39150654e-06,
            0.00021858087,
            -0.00125372503,
            -0.00417768164,
            0.246640727,
            1.50140941,
        ),
    ),
    (
        np.inf,
        3.0,
        True,
        (
            -0.000200214257,
            0.000100950558,
            0.00134934322,
            -0.00367342844,
            0.00573950773,
            -0.0076224613,
            0.00943887047,
            1.00167406,
            2.83297682,
        ),
    ),
)
_ERFINV64 = (
    (
        6.25,
        3.125,
        False,
        (
            -3.6444120640178196996e-21,
            -1.685059138182016589e-19,
            1.2858480715256400167e-18,
            1.115787767802518096e-17,
            -1.333171662854620906e-16,
            2.0972767875968561637e-17,
            6.6376381343583238325e-15,
            -4.0545662729752068639e-14,
            -8.1519341976054721522e-14,
            2.6335093153082322977e-12,
            -1.2975133253453532498e-11,
            -5.4154120542946279317e-11,
            1.051212273321532285e-09,
            -4.1126339803469836976e-09,
            -2.9070369957882005086e-08,
            4.2347877827932403518e-07,
            -1.3654692000834678645e-06,
            -1.3882523362786468719e-05,
            0.0001867342080340571352,
            -0.00074070253416626697512,
            -0.0060336708714301490533,
            0.24015818242558961693,
            1.6536545626831027356,
        ),
    ),
    (
        16.0,
        3.25,
        True,
        (
            2.2137376921775787049e-09,
            9.0756561938885390979e-08,
            -2.7517406297064545428e-07,
            1.8239629214389227755e-08,
            1.5027403968909827627e-06,
            -4.013867526981545969e-06,
            2.9234449089955446044e-06,
            1.2475304481671778723e-05,
            -4.7318229009055733981e-05,
            6.8284851459573175448e-05,
            2.4031110387097893999e-05,
            -0.0003550375203628474796,
            0.00095328937973738049703,
            -0.0016882755560235047313,
            0.0024914420961078508066,
            -0.0037512085075692412107,
            0.005370914553590063617,
            1.0052589676941592334,
            3.0838856104922207635,
        ),
    ),
    (
        np.inf,
        5.0,
        True,
        (
            -2.7109920616438573243e-11,
            -2.5556418169965252055e-10,
            1.5076572693500548083e-09,
            -3.7894654401267369937e-09,
            7.6157012080783393804e-09,
            -1.4960026627149240478e-08,
            2.9147953450901080826e-08,
            -6.7711997758452339498e-08,
            2.2900482228026654717e-07,
            -9.9298272942317002539e-07,
            4.5260625972231537039e-06,
            -1.9681778105531670567e-05,
            7.5995277030017761139e-05,
            -0.00021503011930044477347,
            -0.00013871931833623122026,
            1.0103004648645343977,
            4.8499064014085844221,
        ),
    ),
)


_SPLITTER = 134217729.0  # 2**27 + 1: Veltkamp's split of a float64 into two 26-bit halves


def _fma64(a: Any, b: Any, c: Any) -> Any:
    """``a * b + c`` in float64 with the product kept exact (Dekker's TwoProduct and Knuth's
    TwoSum, both error-free), then one final rounding of the corrections: the fused result
    in all but vanishingly rare ties. Falls back to ``a * b + c`` where splitting overflows."""
    p = a * b
    t = _SPLITTER * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLITTER * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    out = s + (((p - (s - bb)) + (c - bb)) + e)
    return np.where(np.isfinite(out), out, p + c) if np.ndim(out) else (out if np.isfinite(out) else p + c)


def fma_numpy(a: Any, b: Any, c: Any) -> Any:
    """``a * b + c`` rounded once (a fused multiply-add), as XLA's CPU code computes it.

    float32 goes through float64 (where the product is exact); float64 through error-free
    transformations (:func:`_fma64`); other dtypes are not fused.
    """
    dt = np.result_type(a, b, c)
    with np.errstate(all="ignore"):
        if dt == np.float32:
            out = (np.asarray(a, np.float64) * np.asarray(b, np.float64) + np.asarray(c, np.float64)).astype(dt)
        elif dt == np.float64:
            out = np.asarray(_fma64(np.asarray(a, dt), np.asarray(b, dt), np.asarray(c, dt)))
        else:
            out = np.asarray(np.asarray(a) * b + c)
    return out if out.ndim else out[()]


# log1p as XLA's CPU backend computes it: a rational approximation (Cephes) for |x| < sqrt(2) - 1,
# log(1 + x) elsewhere. Inside erf_inv it makes normal draws agree with JAX's to the bit.
_LOG1P_NUM = (
    4.5270000862445199635215e-5,
    4.9854102823193375972212e-1,
    6.5787325942061044846969e0,
    2.9911919328553073277375e1,
    6.0949667980987787057556e1,
    5.7112963590585538103336e1,
    2.0039553499201281259648e1,
)
_LOG1P_DEN = (
    1.0,
    1.5062909083469192043167e1,
    8.3047565967967209469434e1,
    2.2176239823732856465394e2,
    3.0909872225312059774938e2,
    2.1642788614495947685003e2,
    6.0118660497603843919306e1,
)


def _horner(x: np.ndarray, coeffs: Any, fused: int = 10) -> np.ndarray:
    """Horner's rule with XLA's fused multiply-adds in the last ``fused`` steps; the earlier
    steps (tiny high-order terms) cannot change the last bit, so they are not fused (faster).

    ``coeffs`` is a sequence of numbers, or of arrays that broadcast against ``x`` (several
    polynomials evaluated at once).
    """
    dt = x.dtype.type
    coeffs = [np.asarray(c, x.dtype) for c in coeffs]
    n = len(coeffs) - 1
    p = np.broadcast_to(coeffs[0], np.broadcast_shapes(x.shape, coeffs[0].shape)).copy()
    if x.dtype == np.float32:
        xw = x.astype(np.float64)
    elif x.dtype == np.float64:
        t = _SPLITTER * x  # x's Veltkamp split, shared by every fused step
        xh = t - (t - x)
        xl = x - xh
    for i, c in enumerate(coeffs[1:]):
        if i < n - fused or x.dtype not in (np.float32, np.float64):
            p = p * x + c
        elif x.dtype == np.float32:
            p = (p.astype(np.float64) * xw + c.astype(np.float64)).astype(np.float32)
        else:  # _fma64(p, x, c) with x's split reused
            q = p * x
            t = _SPLITTER * p
            ph = t - (t - p)
            pl = p - ph
            e = ((ph * xh - q) + ph * xl + pl * xh) + pl * xl
            s = q + c
            bb = s - q
            p = s + (((q - (s - bb)) + (c - bb)) + e)
    return p if p.dtype == x.dtype else p.astype(dt)


_LOG1P_RATIONAL = [np.array([[n], [d]]) for n, d in zip(_LOG1P_NUM, _LOG1P_DEN)]


def _log1p_xla(x: np.ndarray) -> np.ndarray:
    dt = x.dtype.type
    x2 = x * x
    num, den = _horner(x.reshape(-1), _LOG1P_RATIONAL)  # numerator and denominator at once
    r = (x * x2) * (num / den).reshape(x.shape)
    r = x + fma_numpy(dt(-0.5), x2, r)
    return np.where(np.abs(x) < dt(0.41421356237309504880), r, np.log(x + dt(1.0)))


_CHUNK = 16384


def erf_inv_numpy(x: Any) -> np.ndarray:
    """The inverse error function, elementwise, in the input's float precision."""
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if x.dtype.itemsize < 4:  # half precision is computed in float32 and rounded, as XLA does
        out = erf_inv_numpy(x.astype(np.float32)).astype(x.dtype)
        return out if np.ndim(out) else out[()]
    if x.size > _CHUNK:  # in cache-sized pieces: the fused multiply-adds are many passes
        flat = x.reshape(-1)
        return np.concatenate([erf_inv_numpy(flat[i : i + _CHUNK]) for i in range(0, flat.size, _CHUNK)]).reshape(
            x.shape
        )
    dt = x.dtype.type
    pieces = _ERFINV32 if x.dtype.itemsize <= 4 else _ERFINV64
    with np.errstate(all="ignore"):
        w = -_log1p_xla(-(x * x))
        out = np.zeros_like(x)
        lower = dt(-np.inf)
        for upper, shift, use_sqrt, coeffs in pieces:
            sel = (w >= lower) & (w < upper) if upper != np.inf else (w >= lower)
            lower = dt(upper)
            if not sel.any():
                continue
            ws = w[sel]
            ws = (np.sqrt(ws) if use_sqrt else ws) - dt(shift)
            out[sel] = _horner(ws, coeffs) * x[sel]
        out = np.where(np.abs(x) == 1, x * dt(np.inf), out)
        out = np.where(np.isnan(w), np.nan, out)
    return out if out.ndim else out[()]


_erf_vec = np.frompyfunc(math.erf, 1, 1)


def _as_float(x: Any) -> np.ndarray:
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def erf_numpy(x: Any) -> np.ndarray:
    """The error function, elementwise (the C library's ``erf``), keeping the float dtype."""
    x = np.asarray(x)
    dt = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    out = np.asarray(_erf_vec(x.astype(np.float64)), np.float64).astype(dt)
    return out if out.ndim else out[()]


def _float_unary(name: str, fn: Callable[[Any], Any]) -> Primitive:
    p = _prim(name)
    p.impl = fn

    def abstract_eval(x: ShapedArray) -> ShapedArray:
        return ShapedArray(x.shape, x.dtype if x.dtype.kind == "f" else np.dtype(np.float64), x.weak_type)

    p.abstract_eval = abstract_eval
    p.batch = lambda vals, dims: (bind(p, vals, {}), dims[0])
    return p


erf_p = _float_unary("erf_libm", erf_numpy)  # named apart from a lax erf (its values are libm's)


def _log1p_xla_impl(x: Any) -> Any:
    x = _as_float(x)
    if x.size <= _CHUNK:
        return _log1p_xla(x)[()]
    flat = x.reshape(-1)
    return np.concatenate([_log1p_xla(flat[i : i + _CHUNK]) for i in range(0, flat.size, _CHUNK)]).reshape(x.shape)


log1p_xla_p = _float_unary("log1p_xla", _log1p_xla_impl)
erf_inv_p = _float_unary("erf_inv_xla", erf_inv_numpy)  # XLA's rounding, named apart from a lax erf_inv


def erf(x: Any) -> Any:
    """The error function."""
    return bind(erf_p, (x,), {})


def log1p_xla(x: Any) -> Any:
    """``log(1 + x)`` rounded as XLA's CPU backend computes it (so exponential, laplace and
    logistic draws are JAX's to the bit); within a few ulps of ``numpy.log1p``."""
    return bind(log1p_xla_p, (x,), {})


def erf_inv(x: Any) -> Any:
    """The inverse of the error function on (-1, 1) (``±inf`` at ``±1``)."""
    return bind(erf_inv_p, (x,), {})


lax.defjvp(erf_p, lambda g, ans, x: lax.mul(g, lax.mul(2.0 / math.sqrt(math.pi), lax.exp(lax.neg(lax.mul(x, x))))))
lax.defjvp(log1p_xla_p, lambda g, ans, x: lax.div(g, lax.add(x, 1.0)))
lax.defjvp(erf_inv_p, lambda g, ans, x: lax.mul(g, lax.mul(math.sqrt(math.pi) / 2.0, lax.exp(lax.mul(ans, ans)))))


fma_p = _prim("fma")
fma_p.impl = fma_numpy


def _fma_abstract_eval(a: ShapedArray, b: ShapedArray, c: ShapedArray) -> ShapedArray:
    shape = lax.broadcast_shapes(tuple(a.shape), tuple(b.shape), tuple(c.shape))
    return ShapedArray(shape, _result_dtype(lambda x, y, z: x * y + z, a, b, c))


def _fma_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (a, b, c), (ta, tb, tc) = primals, tangents
    out = fma(a, b, c)
    t = None
    if ta is not None:
        t = lax.mul(ta, b)
    if tb is not None:
        t = lax.add_tangents(t, lax.mul(a, tb))
    t = lax.add_tangents(t, tc)
    shape = _shape(out)
    return out, (t if _shape(t) == shape else lax.broadcast_to(t, shape))


fma_p.abstract_eval = _fma_abstract_eval
fma_p.jvp = _fma_jvp
fma_p.batch = batch_broadcasting(fma_p)


def fma(a: Any, b: Any, c: Any) -> Any:
    """``a * b + c`` with one rounding (XLA's CPU backend fuses this pattern the same way)."""
    return bind(fma_p, (a, b, c), {})


# --------------------------------------------------------------------------- keys

UINT_DTYPES = {8: np.dtype(np.uint8), 16: np.dtype(np.uint16), 32: np.dtype(np.uint32), 64: np.dtype(np.uint64)}


def check_key(name: str, key: Any) -> Any:
    """``key`` if it is one key (a uint32 array of shape (2,)), else a clear error."""
    if not isinstance(key, Tracer):
        if not isinstance(key, np.ndarray | np.generic | list | tuple):
            raise TypeError(
                f"{name}: key must be a PRNG key (a uint32 array of shape (2,), from functrans.random.PRNGKey "
                f"or split), got {type(key).__name__}"
            )
        key = np.asarray(key)
    aval = get_aval(key)
    if aval.dtype != np.uint32 or aval.ndim == 0 or aval.shape[-1] != 2:
        raise TypeError(
            f"{name}: key must be a PRNG key (a uint32 array of shape (2,), from functrans.random.PRNGKey "
            f"or split), got an array of dtype {aval.dtype} and shape {tuple(aval.shape)}"
        )
    if aval.ndim != 1:
        raise ValueError(
            f"{name} accepts a single key, but was given a key array of shape {tuple(aval.shape)} != (2,). "
            "Use functrans.vmap for batching."
        )
    return key


def _key_words(key: Any) -> tuple[Any, Any]:
    if isinstance(key, np.ndarray):
        return key[0], key[1]
    return lax.index(key, 0), lax.index(key, 1)


def _stack_last(a: Any, b: Any) -> Any:
    s = _shape(a)
    return lax.concatenate([lax.reshape(a, s + (1,)), lax.reshape(b, s + (1,))], len(s))


def seed_to_key(name: str, seed: Any) -> Any:
    """The key of an integer seed: its 64 bits as (high word, low word), as JAX's ``PRNGKey``."""
    if isinstance(seed, bool) or (hasattr(seed, "dtype") and np.dtype(seed.dtype).kind == "b"):
        raise TypeError(f"{name} accepts an integer seed, got a bool")
    if isinstance(seed, int):
        if not -(2**63) <= seed < 2**64:
            raise OverflowError(f"{name}: seed {seed} does not fit in 64 bits")
        u = seed & 0xFFFFFFFFFFFFFFFF
        return np.array([u >> 32, u & 0xFFFFFFFF], np.uint32)
    if not isinstance(seed, Tracer | np.ndarray | np.generic):
        raise TypeError(f"{name} accepts an integer seed, got {type(seed).__name__}")
    aval = get_aval(seed)
    if aval.ndim:
        raise TypeError(
            f"{name} accepts a scalar seed, but was given an array of shape {tuple(aval.shape)} != (). "
            "Use functrans.vmap for batching"
        )
    if aval.dtype.kind not in "iu":
        raise TypeError(f"{name} accepts an integer seed, got an array of dtype {aval.dtype}")
    if aval.dtype.itemsize <= 4:  # a 32-bit seed: high word 0, low word its bits (not sign-extended)
        if isinstance(seed, np.ndarray | np.generic):
            return np.array([0, int(seed) & 0xFFFFFFFF], np.uint32)
        lo = lax.convert_element_type(seed, np.uint32)
        return _stack_last(lax.broadcast_to(np.uint32(0), _shape(lo)), lo)
    if isinstance(seed, np.ndarray | np.generic):
        return seed_to_key(name, int(seed))
    u = lax.convert_element_type(seed, np.uint64)
    hi = lax.convert_element_type(shift_right_logical(u, 32), np.uint32)
    lo = lax.convert_element_type(u, np.uint32)
    return _stack_last(hi, lo)


def iota_2x32(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The row-major 64-bit counters of an array of ``shape``, as (high words, low words)."""
    n = math.prod(shape)
    idx = np.arange(n, dtype=np.uint64).reshape(shape)
    return (idx >> np.uint64(32)).astype(np.uint32), idx.astype(np.uint32)


def split(key: Any, shape: tuple[int, ...]) -> Any:
    """``prod(shape)`` new keys, shaped ``shape + (2,)``."""
    k1, k2 = _key_words(key)
    hi, lo = iota_2x32(shape)
    b1, b2 = threefry2x32(k1, k2, hi, lo)
    return _stack_last(b1, b2)


def fold_in(key: Any, data: Any) -> Any:
    """A new key from ``key`` and 32-bit data: the hash of the counter pair ``(0, data)``."""
    if isinstance(data, int) and not isinstance(data, bool):
        if not 0 <= data < 2**32:
            raise OverflowError(f"Python integer {data} out of bounds for uint32 (fold_in data is 32-bit)")
        data = np.uint32(data)
    else:
        aval = get_aval(data)
        if aval.ndim:
            raise TypeError(
                f"fold_in accepts a scalar, but was given an array of shape {tuple(aval.shape)} != (). "
                "Use functrans.vmap for batching."
            )
        if aval.dtype.kind not in "iub":
            raise TypeError(f"fold_in: data must be an integer, got dtype {aval.dtype}")
        data = lax.convert_element_type(data, np.uint32)
    k1, k2 = _key_words(key)
    b1, b2 = threefry2x32(k1, k2, np.uint32(0), data)
    return _stack_last(b1, b2)


def random_bits(key: Any, bit_width: int, shape: tuple[int, ...]) -> Any:
    """Uniform random unsigned integers of ``bit_width`` bits (8, 16, 32 or 64)."""
    if bit_width not in UINT_DTYPES:
        raise TypeError(f"random bits come in 8-, 16-, 32- or 64-bit widths, not {bit_width}")
    k1, k2 = _key_words(key)
    hi, lo = iota_2x32(shape)
    b1, b2 = threefry2x32(k1, k2, hi, lo)
    if bit_width == 64:
        u64 = np.uint64
        return bitwise_or(shift_left(lax.convert_element_type(b1, u64), 32), lax.convert_element_type(b2, u64))
    bits = bitwise_xor(b1, b2)
    return bits if bit_width == 32 else lax.convert_element_type(bits, UINT_DTYPES[bit_width])


def uniform_bits_to_float(bits: Any, dtype: np.dtype) -> Any:
    """Floats in [0, 1) from random bits: the mantissa filled with the top bits, exponent of 1.0, minus 1."""
    finfo = np.finfo(dtype)
    nbits, nmant = finfo.bits, finfo.nmant
    udt = UINT_DTYPES[nbits]
    one_bits = np.array(1.0, dtype).view(udt)[()]
    fb = bitwise_or(shift_right_logical(bits, nbits - nmant), one_bits)
    return lax.sub(bitcast_convert_type(fb, dtype), np.array(1.0, dtype)[()])
