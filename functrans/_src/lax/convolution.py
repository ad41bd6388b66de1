"""Convolution: the ``conv_general_dilated`` primitive and ``jax.lax``'s wrappers around it.

The primitive computes XLA's general convolution (window strides, low/high padding that may be
negative, lhs ("base") and rhs ("window") dilation, feature and batch groups) in any layout given
by :class:`ConvDimensionNumbers`. The NumPy implementation moves the operands to the canonical
layout (batch, feature, spatial...), dilates and pads the input, takes every window as a strided
view, and contracts each group's windows with the group's kernel in one batched matrix product
(im2col).

The rules are JAX's: the convolution is linear in each operand, so the JVP is the sum of two
convolutions, and each transpose is again a convolution (the input's cotangent convolves the
output cotangent with the spatially reversed kernel, strides becoming input dilation; the
kernel's cotangent convolves the input with the output cotangent, feature groups becoming batch
groups). The batching rule folds the vmapped axis into the batch, feature or group axes.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from functrans._src.core import ShapedArray, UndefinedPrimal, bind
from functrans._src.lax.comparisons import convert_element_type
from functrans._src.lax.rules import _dtype, _prim, _shape, allow_complex
from functrans._src.lax.shape import reshape, transpose
from functrans._src.lax.slicing import index

__all__ = [
    "ConvDimensionNumbers", "conv_general_dilated", "conv", "conv_with_general_padding",
    "conv_transpose", "conv_dimension_numbers", "conv_general_dilated_patches",
    "conv_general_permutations", "conv_shape_tuple", "padtype_to_pads", "conv_general_dilated_p",
]  # fmt: skip


class ConvDimensionNumbers(NamedTuple):
    """The layout of a convolution's operands, as ``jax.lax.ConvDimensionNumbers``.

    ``lhs_spec``: (batch axis, feature axis, spatial axes...) of the input; ``rhs_spec``: (output
    feature axis, input feature axis, spatial axes...) of the kernel; ``out_spec``: (batch axis,
    feature axis, spatial axes...) of the output.
    """

    lhs_spec: tuple[int, ...]
    rhs_spec: tuple[int, ...]
    out_spec: tuple[int, ...]


Pads = tuple[tuple[int, int], ...]

# --------------------------------------------------------------------------- layout helpers


def conv_general_permutations(dimension_numbers: tuple[str, str, str]) -> tuple[tuple[int, ...], ...]:
    """The axis permutations of a string spec such as ``('NCHW', 'OIHW', 'NCHW')``."""
    lhs_s, rhs_s, out_s = dimension_numbers
    pairs = (("N", "C"), ("O", "I"), ("N", "C"))
    for i, (a, b) in enumerate(pairs):
        spec = dimension_numbers[i]
        if not spec.count(a) == spec.count(b) == 1:
            raise TypeError(
                f"convolution dimension_numbers[{i}] must contain the characters '{a}' and '{b}' exactly "
                f"once, got {spec}."
            )
        if len(spec) != len(set(spec)):
            raise TypeError(f"convolution dimension_numbers[{i}] cannot have duplicate characters, got {spec}.")
    if not set(lhs_s) - set("NC") == set(rhs_s) - set("OI") == set(out_s) - set("NC"):
        raise TypeError(
            f"convolution dimension_numbers elements must each have the same set of spatial characters, got "
            f"{dimension_numbers}."
        )

    def perm(spec: str, pair: tuple[str, str]) -> tuple[int, ...]:
        spatial = [i for i, ch in enumerate(spec) if ch not in pair]
        if spec is not rhs_s:
            spatial.sort(key=lambda i: rhs_s.index(spec[i]))
        return (spec.index(pair[0]), spec.index(pair[1]), *spatial)

    lhs_p, rhs_p, out_p = (perm(s, p) for s, p in zip(dimension_numbers, pairs))
    return lhs_p, rhs_p, out_p


def conv_dimension_numbers(lhs_shape: Sequence[int], rhs_shape: Sequence[int], dimension_numbers: Any
                           ) -> ConvDimensionNumbers:
    """``dimension_numbers`` (``None``, a triple of strings, or ``ConvDimensionNumbers``) for
    operands of these shapes, as ``jax.lax.conv_dimension_numbers``."""
    if isinstance(dimension_numbers, ConvDimensionNumbers):
        return dimension_numbers
    if len(lhs_shape) != len(rhs_shape):
        raise TypeError(
            f"convolution requires lhs and rhs ndim to be equal, got {len(lhs_shape)} and {len(rhs_shape)}."
        )
    if dimension_numbers is None:
        iota = tuple(range(len(lhs_shape)))
        return ConvDimensionNumbers(iota, iota, iota)
    if isinstance(dimension_numbers, tuple | list):
        if len(dimension_numbers) != 3:
            raise TypeError(f"convolution dimension_numbers must have length 3, got {len(dimension_numbers)}.")
        if all(isinstance(s, str) for s in dimension_numbers):
            for i, (s, shape) in enumerate(zip(dimension_numbers, (lhs_shape, rhs_shape, lhs_shape))):
                if len(s) != len(shape):
                    what = ("lhs", "rhs", "output")[i]
                    raise TypeError(
                        f"convolution dimension_numbers[{i}] must have len equal to the ndim of the {what}, "
                        f"got {len(s)} for {what} of ndim {len(shape)}."
                    )
            return ConvDimensionNumbers(*conv_general_permutations(tuple(dimension_numbers)))
        if all(isinstance(s, tuple | list) for s in dimension_numbers):
            return ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dimension_numbers))
    raise TypeError(
        "convolution dimension_numbers must be None, a tuple of three strings (such as "
        f"('NCHW', 'OIHW', 'NCHW')) or a ConvDimensionNumbers, got {dimension_numbers!r}."
    )


def _dilate(n: int, d: int) -> int:
    return 0 if n == 0 else 1 + d * (n - 1)


def padtype_to_pads(in_shape: Sequence[int], window_shape: Sequence[int], window_strides: Sequence[int],
                    padding: str) -> list[tuple[int, int]]:
    """The (low, high) pads of ``'SAME'``, ``'SAME_LOWER'`` or ``'VALID'`` padding, as
    ``jax.lax.padtype_to_pads``."""
    kind = padding.upper() if isinstance(padding, str) else padding
    if kind == "VALID":
        return [(0, 0)] * len(in_shape)
    if kind not in ("SAME", "SAME_LOWER"):
        raise RuntimeError(f"Unrecognized padding type: expected 'VALID', 'SAME', or 'SAME_LOWER', got {padding}.")
    pads = []
    for n, k, s in zip(in_shape, window_shape, window_strides):
        out = -(-int(n) // int(s))
        total = max((out - 1) * int(s) + int(k) - int(n), 0)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if kind == "SAME" else (big, small))
    return pads


def conv_shape_tuple(lhs_shape: Sequence[int], rhs_shape: Sequence[int], strides: Sequence[int],
                     pads: Any, batch_group_count: int = 1) -> tuple[int, ...]:
    """The output shape of a convolution of operands in canonical layout."""
    if isinstance(pads, str):
        pads = padtype_to_pads(lhs_shape[2:], rhs_shape[2:], strides, pads)
    if len(pads) != len(lhs_shape) - 2:
        raise TypeError(f"Wrong number of explicit pads for convolution: expected {len(lhs_shape) - 2}, got "
                        f"{len(pads)}.")
    space = []
    for n, k, s, (lo, hi) in zip(lhs_shape[2:], rhs_shape[2:], strides, pads):
        padded = n + lo + hi
        if padded < 0:
            raise ValueError(
                "Negative padding is larger than the size of the corresponding dimension: got padding="
                f"{tuple(pads)} for lhs_shape[2:]={tuple(lhs_shape[2:])}"
            )
        space.append(0 if padded < k else (padded - k) // s + 1)
    return (lhs_shape[0] // batch_group_count, rhs_shape[0], *space)


# --------------------------------------------------------------------------- the NumPy kernel


def _dilate_pad(x: np.ndarray, dilation: Sequence[int], pads: Pads, fill: Any = 0) -> np.ndarray:
    """Insert ``d - 1`` fill values between neighbours along each trailing (spatial) axis, then pad
    (negative pads crop)."""
    lead = x.ndim - len(pads)
    if any(d != 1 for d in dilation):
        shape = x.shape[:lead] + tuple(_dilate(n, d) for n, d in zip(x.shape[lead:], dilation))
        out = np.full(shape, fill, x.dtype)
        out[(Ellipsis,) * 0 + (slice(None),) * lead + tuple(slice(None, None, d) for d in dilation)] = x
        x = out
    if any(lo or hi for lo, hi in pads):
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for n, (lo, hi) in zip(x.shape[lead:], pads))
        x = x[(slice(None),) * lead + crop]
        widths = [(0, 0)] * lead + [(max(lo, 0), max(hi, 0)) for lo, hi in pads]
        if any(w != (0, 0) for w in widths):
            x = np.pad(x, widths, constant_values=fill)
    return x


def windows(x: np.ndarray, window: Sequence[int], strides: Sequence[int], dilation: Sequence[int]) -> np.ndarray:
    """A strided view of every window over the trailing ``len(window)`` axes of ``x``: shape
    ``x.shape[:lead] + out_spatial + window``."""
    lead = x.ndim - len(window)
    span = [_dilate(k, d) for k, d in zip(window, dilation)]
    out_sp = [0 if n < s_ else (n - s_) // st + 1 for n, s_, st in zip(x.shape[lead:], span, strides)]
    if any(o == 0 for o in out_sp) or any(k == 0 for k in window):
        return np.zeros(x.shape[:lead] + tuple(out_sp) + tuple(window), x.dtype)
    xs = x.strides
    shape = x.shape[:lead] + tuple(out_sp) + tuple(window)
    strides_b = xs[:lead] + tuple(xs[lead + i] * st for i, st in enumerate(strides)) + tuple(
        xs[lead + i] * d for i, d in enumerate(dilation))
    return np.lib.stride_tricks.as_strided(x, shape, strides_b, writeable=False)


def _conv_canonical(lhs: np.ndarray, rhs: np.ndarray, strides: Sequence[int], pads: Pads,
                    lhs_dilation: Sequence[int], rhs_dilation: Sequence[int], fgc: int, bgc: int,
                    out_dtype: np.dtype) -> np.ndarray:
    """Convolution of ``lhs`` (N, C, spatial...) with ``rhs`` (O, I, window...) -> (N', O, out...)."""
    ns = lhs.ndim - 2
    n, c = lhs.shape[:2]
    o = rhs.shape[0]
    window = rhs.shape[2:]
    x = _dilate_pad(lhs, lhs_dilation, pads)
    w = windows(x, window, strides, rhs_dilation)  # (N, C, out..., k...)
    out_sp = w.shape[2 : 2 + ns]
    p, k = math.prod(out_sp), math.prod(window)
    g = fgc * bgc
    # the columns as (group, feature x window position, example x output position): the copy's
    # innermost loop runs along the output positions, which are (strided) neighbours in memory
    if bgc > 1:  # batch groups: group b takes lhs examples b*N/B .. (b+1)*N/B with every feature
        w = w.reshape((bgc, n // bgc, c) + w.shape[2:])
        perm = (0, 2, *range(3 + ns, 3 + 2 * ns), 1, *range(3, 3 + ns))
        a = w.transpose(perm).reshape(bgc, c * k, (n // bgc) * p)
        nout = n // bgc
    else:  # feature groups: group f takes the features f*C/G .. (f+1)*C/G of every example
        w = w.reshape((n, fgc, c // fgc) + w.shape[2:])
        perm = (1, 2, *range(3 + ns, 3 + 2 * ns), 0, *range(3, 3 + ns))
        a = w.transpose(perm).reshape(fgc, (c // fgc) * k, n * p)
        nout = n
    b = rhs.reshape(g, o // g, -1)  # (G, O/G, I*k)
    if a.dtype != out_dtype:
        a = a.astype(out_dtype)
    if b.dtype != out_dtype:
        b = b.astype(out_dtype)
    if g == 1:
        res = np.dot(b[0], a[0])[None]
    else:
        res = np.matmul(b, a)  # (G, O/G, N'*P)
    res = res.reshape((g, o // g, nout) + tuple(out_sp))
    res = res.transpose((2, 0, 1, *range(3, 3 + ns))).reshape((nout, o) + tuple(out_sp))
    return res


def _conv_impl(lhs: Any, rhs: Any, *, window_strides: tuple[int, ...], padding: Pads,
               lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...],
               dimension_numbers: ConvDimensionNumbers, feature_group_count: int, batch_group_count: int,
               preferred_element_type: np.dtype | None) -> np.ndarray:
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    lspec, rspec, ospec = dimension_numbers
    out_dtype = _result_dtype(lhs.dtype, rhs.dtype, preferred_element_type)
    res = _conv_canonical(lhs.transpose(lspec), rhs.transpose(rspec), window_strides, padding, lhs_dilation,
                          rhs_dilation, feature_group_count, batch_group_count, out_dtype)
    if res.dtype != out_dtype:
        res = res.astype(out_dtype)
    return np.ascontiguousarray(res.transpose(np.argsort(ospec)))


def _result_dtype(ld: np.dtype, rd: np.dtype, preferred: np.dtype | None) -> np.dtype:
    if preferred is not None:
        return np.dtype(preferred)
    return np.dtype(ld) if ld == rd else np.result_type(ld, rd)


conv_general_dilated_p = _prim("conv_general_dilated")
conv_general_dilated_p.impl = _conv_impl


def _conv_abstract_eval(lhs: ShapedArray, rhs: ShapedArray, *, window_strides: tuple[int, ...], padding: Pads,
                        lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...],
                        dimension_numbers: ConvDimensionNumbers, feature_group_count: int,
                        batch_group_count: int, preferred_element_type: np.dtype | None) -> ShapedArray:
    lspec, rspec, ospec = dimension_numbers
    ls = tuple(lhs.shape[i] for i in lspec)
    rs = tuple(rhs.shape[i] for i in rspec)
    ls = ls[:2] + tuple(_dilate(n, d) for n, d in zip(ls[2:], lhs_dilation))
    rs = rs[:2] + tuple(_dilate(n, d) for n, d in zip(rs[2:], rhs_dilation))
    out = conv_shape_tuple(ls, rs, window_strides, padding, batch_group_count)
    shape = tuple(out[i] for i in np.argsort(ospec))
    return ShapedArray(shape, _result_dtype(lhs.dtype, rhs.dtype, preferred_element_type))


conv_general_dilated_p.abstract_eval = _conv_abstract_eval


def _check(lshape: tuple[int, ...], rshape: tuple[int, ...], dn: ConvDimensionNumbers, strides: tuple[int, ...],
           lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...], fgc: int, bgc: int) -> None:
    """JAX's argument checks, with its exception types."""
    if len(lshape) != len(rshape):
        raise ValueError(f"conv_general_dilated lhs and rhs must have the same number of dimensions, but got "
                         f"{lshape} and {rshape}.")
    if len(lshape) < 2:
        raise ValueError(f"conv_general_dilated operands need a batch and a feature axis: got shapes {lshape} "
                         f"and {rshape}.")
    for name, spec, nd in (("lhs_spec", dn.lhs_spec, len(lshape)), ("rhs_spec", dn.rhs_spec, len(rshape)),
                           ("out_spec", dn.out_spec, len(lshape))):
        if sorted(spec) != list(range(nd)):
            raise TypeError(f"conv_general_dilated dimension_numbers.{name} must be a permutation of "
                            f"range({nd}), got {spec}.")
    if not isinstance(fgc, int | np.integer) or fgc <= 0:
        raise ValueError(f"conv_general_dilated feature_group_count must be positive, got {fgc}.")
    c = lshape[dn.lhs_spec[1]]
    if c % fgc:
        raise ValueError(f"conv_general_dilated feature_group_count must divide lhs feature dimension size, "
                         f"but {fgc} does not divide {c}.")
    if c // fgc != rshape[dn.rhs_spec[1]]:
        raise ValueError(
            "conv_general_dilated lhs feature dimension size divided by feature_group_count must equal the rhs "
            f"input feature dimension size, but {c} // {fgc} != {rshape[dn.rhs_spec[1]]}."
        )
    o = rshape[dn.rhs_spec[0]]
    if o % fgc:
        raise ValueError(f"conv_general_dilated rhs output feature dimension size must be a multiple of "
                         f"feature_group_count, but {o} is not a multiple of {fgc}.")
    if not isinstance(bgc, int | np.integer) or bgc <= 0:
        raise ValueError(f"conv_general_dilated batch_group_count must be positive, got {bgc}.")
    if bgc > 1 and lshape[dn.lhs_spec[0]] % bgc:
        raise ValueError(f"conv_general_dilated batch_group_count must divide lhs batch dimension size, but "
                         f"{bgc} does not divide {lshape[dn.lhs_spec[0]]}.")
    if o % bgc:
        raise ValueError(f"conv_general_dilated rhs output feature dimension size must be a multiple of "
                         f"batch_group_count, but {o} is not a multiple of {bgc}.")
    if bgc > 1 and fgc > 1:
        raise ValueError(f"At most one of batch_group_count and feature_group_count may be > 1, got "
                         f"batch_group_count={bgc} and feature_group_count={fgc}")
    ns = len(rshape) - 2
    for name, v in (("window_strides", strides), ("lhs_dilation", lhs_dilation), ("rhs_dilation", rhs_dilation)):
        if len(v) != ns:
            raise ValueError(f"conv_general_dilated window and {name} must have the same number of dimensions, "
                             f"but got {ns} and {len(v)}")
        if any(s <= 0 for s in v):
            raise ValueError(f"conv_general_dilated {name} must be positive, got {v}")


def _ints(v: Any, name: str) -> tuple[int, ...]:
    try:
        return tuple(operator.index(i) for i in v)
    except TypeError as e:
        raise TypeError(f"conv_general_dilated {name} must be a sequence of ints, got {v!r}") from e


def conv_general_dilated(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: Any,
                         lhs_dilation: Sequence[int] | None = None, rhs_dilation: Sequence[int] | None = None,
                         dimension_numbers: Any = None, feature_group_count: int = 1, batch_group_count: int = 1,
                         precision: Any = None, preferred_element_type: Any = None) -> Any:
    """General n-dimensional convolution with strides, padding, dilations and groups, as
    ``jax.lax.conv_general_dilated`` (``precision`` is accepted and ignored: NumPy computes at
    full precision).

    ``padding`` is ``'SAME'``, ``'SAME_LOWER'``, ``'VALID'`` or one ``(low, high)`` pair per spatial
    axis; ``dimension_numbers`` is ``None`` (``('NCHW', 'OIHW', 'NCHW')`` and its n-d analogues), a
    triple of layout strings or a :class:`ConvDimensionNumbers`.
    """
    lshape, rshape = _shape(lhs), _shape(rhs)
    dn = conv_dimension_numbers(lshape, rshape, dimension_numbers)
    ns = len(rshape) - 2
    strides = _ints(window_strides, "window_strides")
    if lhs_dilation is None:
        lhs_dil = (1,) * ns
    else:
        lhs_dil = _ints(lhs_dilation, "lhs_dilation")
        if isinstance(padding, str) and any(d != 1 for d in lhs_dil):
            raise ValueError(
                "String padding is not implemented for transposed convolution using this op. Please either "
                "exactly specify the required padding or use conv_transpose."
            )
    rhs_dil = (1,) * ns if rhs_dilation is None else _ints(rhs_dilation, "rhs_dilation")
    _check(lshape, rshape, dn, strides, lhs_dil, rhs_dil, feature_group_count, batch_group_count)
    if isinstance(padding, str):
        window = [_dilate(rshape[i], d) for i, d in zip(dn.rhs_spec[2:], rhs_dil)]
        pads = tuple(padtype_to_pads([lshape[i] for i in dn.lhs_spec[2:]], window, strides, padding))
    else:
        try:
            pads = tuple((operator.index(lo), operator.index(hi)) for lo, hi in padding)
        except (ValueError, TypeError) as e:
            raise ValueError(
                "padding argument to conv_general_dilated should be a string or a sequence of (low, high) "
                f"pairs, got {padding}"
            ) from e
        if len(pads) != ns:
            raise ValueError(f"conv_general_dilated padding must have one (low, high) pair per spatial "
                             f"dimension ({ns}), got {len(pads)}")
    conv_shape_tuple([_dilate(lshape[i], d) for i, d in zip(dn.lhs_spec, (1, 1, *lhs_dil))],
                     [_dilate(rshape[i], d) for i, d in zip(dn.rhs_spec, (1, 1, *rhs_dil))], strides, pads)
    ld, rd = _dtype(lhs), _dtype(rhs)
    if ld != rd:
        raise TypeError(
            "conv_general_dilated requires arguments to have the same dtypes, got "
            f"{ld.name}, {rd.name}."
        )
    pref = None if preferred_element_type is None else np.dtype(preferred_element_type)
    return _bind(lhs, rhs, strides, pads, lhs_dil, rhs_dil, dn, int(feature_group_count), int(batch_group_count),
                 pref)


def _bind(lhs: Any, rhs: Any, strides: tuple[int, ...], pads: Pads, lhs_dil: tuple[int, ...],
          rhs_dil: tuple[int, ...], dn: ConvDimensionNumbers, fgc: int, bgc: int, pref: np.dtype | None) -> Any:
    params = {
        "window_strides": tuple(strides), "padding": tuple((int(a), int(b)) for a, b in pads),
        "lhs_dilation": tuple(lhs_dil), "rhs_dilation": tuple(rhs_dil),
        "dimension_numbers": ConvDimensionNumbers(*(tuple(int(i) for i in s) for s in dn)),
        "feature_group_count": fgc, "batch_group_count": bgc, "preferred_element_type": pref,
    }  # fmt: skip
    return bind(conv_general_dilated_p, (lhs, rhs), params)


# --------------------------------------------------------------------------- reshaping helpers (rules)


def _axis_into(src: int, dst: int, x: Any) -> Any:
    """Merge axis ``src`` into axis ``dst`` (numbered without ``src``) as its major part."""
    shape = _shape(x)
    perm = [i for i in range(len(shape)) if i != src]
    perm.insert(dst, src)
    new = [s for i, s in enumerate(shape) if i != src]
    new[dst] *= shape[src]
    if perm != list(range(len(shape))):
        x = transpose(x, perm)
    return reshape(x, tuple(new))


def _axis_out_of(src: int, size1: int, x: Any) -> Any:
    """Split axis ``src`` into (``size1``, rest)."""
    shape = list(_shape(x))
    shape[src : src + 1] = [size1, shape[src] // size1]
    return reshape(x, tuple(shape))


def _rev(x: Any, axes: Sequence[int]) -> Any:
    nd = len(_shape(x))
    return index(x, tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(nd)))


def _spec_t(spec: tuple[int, ...]) -> tuple[int, ...]:
    return (spec[1], spec[0]) + tuple(spec[2:])


# --------------------------------------------------------------------------- JVP and transposes


def _conv_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    lhs, rhs = primals
    gl, gr = tangents
    out = bind(conv_general_dilated_p, (lhs, rhs), params)
    t = None
    if gl is not None:
        t = bind(conv_general_dilated_p, (gl, rhs), params)
    if gr is not None:
        tr = bind(conv_general_dilated_p, (lhs, gr), params)
        t = tr if t is None else t + tr
    return out, t


def _lhs_vjp_pads(in_sp: Sequence[int], win_sp: Sequence[int], strides: Sequence[int], out_sp: Sequence[int],
                  pads: Pads, lhs_dil: Sequence[int], rhs_dil: Sequence[int]) -> Pads:
    res = []
    for n, k, s, o, (lo, _), ld, rd in zip(in_sp, win_sp, strides, out_sp, pads, lhs_dil, rhs_dil):
        ln, rk, os_ = _dilate(n, ld), _dilate(k, rd), _dilate(o, s)
        before = rk - lo - 1
        res.append((before, ln + rk - 1 - os_ - before))
    return tuple(res)


def _rhs_vjp_pads(in_sp: Sequence[int], win_sp: Sequence[int], strides: Sequence[int], out_sp: Sequence[int],
                  pads: Pads, lhs_dil: Sequence[int], rhs_dil: Sequence[int]) -> Pads:
    res = []
    for n, k, s, o, (lo, _), ld, rd in zip(in_sp, win_sp, strides, out_sp, pads, lhs_dil, rhs_dil):
        ln, rk, os_ = _dilate(n, ld), _dilate(k, rd), _dilate(o, s)
        res.append((lo, (os_ - ln) + (rk - lo - 1)))
    return tuple(res)


def _conv_transpose_rule(ct: Any, lhs: Any, rhs: Any, *, window_strides: tuple[int, ...], padding: Pads,
                         lhs_dilation: tuple[int, ...], rhs_dilation: tuple[int, ...],
                         dimension_numbers: ConvDimensionNumbers, feature_group_count: int,
                         batch_group_count: int, preferred_element_type: np.dtype | None) -> list[Any]:
    lspec, rspec, ospec = dimension_numbers
    ct_shape = _shape(ct)
    out_sp = [ct_shape[i] for i in ospec[2:]]
    if type(lhs) is UndefinedPrimal:
        if type(rhs) is UndefinedPrimal:
            raise NotImplementedError("conv_general_dilated is not linear in both operands at once")
        lshape, rshape = lhs.aval.shape, _shape(rhs)
        fgc = feature_group_count
        w = rhs
        if fgc > 1:
            w = _axis_out_of(rspec[0], fgc, w)
            w = _axis_into(rspec[0], rspec[1], w)
        elif batch_group_count > 1:
            w = _axis_out_of(rspec[0], batch_group_count, w)
            w = _axis_into(rspec[0], rspec[1], w)
            fgc = batch_group_count
        wshape = _shape(w)
        pads = _lhs_vjp_pads([lshape[i] for i in lspec[2:]], [wshape[i] for i in rspec[2:]], window_strides,
                             out_sp, padding, lhs_dilation, rhs_dilation)
        dn = ConvDimensionNumbers(ospec, _spec_t(rspec), lspec)
        out = _bind(ct, _rev(w, rspec[2:]), lhs_dilation, pads, window_strides, rhs_dilation, dn, fgc, 1,
                    preferred_element_type)
        if batch_group_count > 1:
            out = _axis_out_of(lspec[1], batch_group_count, out)
            out = _axis_into(lspec[1], lspec[0], out)
        if _dtype(out) != lhs.aval.dtype:
            out = convert_element_type(out, lhs.aval.dtype)
        return [out, None]
    lshape, rshape = _shape(lhs), rhs.aval.shape
    fgc, bgc = feature_group_count, batch_group_count
    if bgc > 1:
        fgc, bgc = bgc, 1
    elif fgc > 1:
        fgc, bgc = 1, fgc
    pads = _rhs_vjp_pads([lshape[i] for i in lspec[2:]], [rshape[i] for i in rspec[2:]], window_strides, out_sp,
                         padding, lhs_dilation, rhs_dilation)
    dn = ConvDimensionNumbers(_spec_t(lspec), _spec_t(ospec), _spec_t(rspec))
    out = _bind(lhs, ct, rhs_dilation, pads, lhs_dilation, window_strides, dn, fgc, bgc, preferred_element_type)
    if _dtype(out) != rhs.aval.dtype:
        out = convert_element_type(out, rhs.aval.dtype)
    return [None, out]


conv_general_dilated_p.jvp = _conv_jvp
conv_general_dilated_p.transpose = _conv_transpose_rule


# --------------------------------------------------------------------------- batching


def _conv_batch(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, int]:
    (lhs, rhs), (dl, dr) = vals, dims
    lspec, rspec, ospec = params["dimension_numbers"]
    fgc, bgc = params["feature_group_count"], params["batch_group_count"]
    p = dict(params)
    if dl is not None and dr is not None:
        size = _shape(lhs)[dl]
        if bgc > 1:
            new_l = _axis_into(dl, lspec[0], lhs)
            p["batch_group_count"] = bgc * size
        else:
            new_l = _axis_into(dl, lspec[1], lhs)
            p["feature_group_count"] = fgc * size
        new_r = _axis_into(dr, rspec[0], rhs)
        out = bind(conv_general_dilated_p, (new_l, new_r), p)
        return _axis_out_of(ospec[1], size, out), ospec[1]
    if dl is not None:
        size = _shape(lhs)[dl]
        if bgc == 1:
            out = bind(conv_general_dilated_p, (_axis_into(dl, lspec[0], lhs), rhs), p)
            return _axis_out_of(ospec[0], size, out), ospec[0]
        new_l = _axis_out_of(lspec[0] + int(dl <= lspec[0]), bgc, lhs)
        new_l = _axis_into(dl + int(lspec[0] < dl), lspec[0] + 1, new_l)
        new_l = _axis_into(lspec[0], lspec[0], new_l)
        out = bind(conv_general_dilated_p, (new_l, rhs), p)
        return _axis_out_of(ospec[0], size, out), ospec[0]
    size = _shape(rhs)[dr]
    if fgc == 1 and bgc == 1:
        out = bind(conv_general_dilated_p, (lhs, _axis_into(dr, rspec[0], rhs)), p)
        return _axis_out_of(ospec[1], size, out), ospec[1]
    groups = fgc if fgc > 1 else bgc
    new_r = _axis_out_of(rspec[0] + int(dr <= rspec[0]), groups, rhs)
    new_r = _axis_into(dr + int(rspec[0] < dr), rspec[0] + 1, new_r)
    new_r = _axis_into(rspec[0], rspec[0], new_r)
    out = bind(conv_general_dilated_p, (lhs, new_r), p)
    out = _axis_out_of(ospec[1], groups, out)
    out = _axis_out_of(ospec[1] + 1, size, out)
    out = _axis_into(ospec[1], ospec[1] + 1, out)
    return out, ospec[1]


conv_general_dilated_p.batch = _conv_batch
allow_complex(conv_general_dilated_p)  # bilinear: JVP and transposes need no conjugation


# --------------------------------------------------------------------------- wrappers


def conv(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: Any, precision: Any = None,
         preferred_element_type: Any = None) -> Any:
    """``conv_general_dilated`` in the NCHW/OIHW layout without dilation, as ``jax.lax.conv``."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_with_general_padding(lhs: Any, rhs: Any, window_strides: Sequence[int], padding: Any,
                              lhs_dilation: Sequence[int] | None, rhs_dilation: Sequence[int] | None,
                              precision: Any = None, preferred_element_type: Any = None) -> Any:
    """``conv_general_dilated`` in the NCHW/OIHW layout, as ``jax.lax.conv_with_general_padding``."""
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=lhs_dilation,
                                rhs_dilation=rhs_dilation, precision=precision,
                                preferred_element_type=preferred_element_type)


def _transpose_pads(k: int, s: int, padding: str) -> tuple[int, int]:
    if padding == "SAME":
        total = k + s - 2
        lo = k - 1 if s > k - 1 else -(-total // 2)
    elif padding == "VALID":
        total = k + s - 2 + max(k - s, 0)
        lo = k - 1
    else:
        raise ValueError("Padding mode must be `SAME` or `VALID`.")
    return lo, total - lo


def conv_transpose(lhs: Any, rhs: Any, strides: Sequence[int], padding: Any,
                   rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                   transpose_kernel: bool = False, precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Transposed ("fractionally strided") convolution, as ``jax.lax.conv_transpose``: the input
    is dilated by ``strides``; with ``transpose_kernel`` the kernel is flipped spatially and its
    feature axes swapped (the gradient of a strided convolution)."""
    lshape, rshape = _shape(lhs), _shape(rhs)
    if len(lshape) != len(rshape) or len(lshape) < 2:
        raise ValueError(f"conv_transpose: lhs and rhs must have the same rank of at least 2, got shapes "
                         f"{lshape} and {rshape}")
    nd = len(lshape)
    if dimension_numbers is None:
        defaults = {2: ("NC", "IO", "NC"), 3: ("NHC", "HIO", "NHC"), 4: ("NHWC", "HWIO", "NHWC"),
                    5: ("NHWDC", "HWDIO", "NHWDC")}
        if nd not in defaults:
            raise ValueError("No 4+ dimensional dimension_number defaults.")
        dimension_numbers = defaults[nd]
    dn = conv_dimension_numbers(lshape, rshape, dimension_numbers)
    k_sp = [rshape[i] for i in dn.rhs_spec[2:]]
    if isinstance(padding, str) and padding in ("SAME", "VALID"):
        rd = (1,) * (nd - 2) if rhs_dilation is None else tuple(rhs_dilation)
        pads: Any = [_transpose_pads(_dilate(k, r), s, padding) for k, r, s in zip(k_sp, rd, strides)]
    else:
        pads = padding
    if transpose_kernel:
        rhs = _rev(rhs, dn.rhs_spec[2:])
        perm = list(range(nd))
        perm[dn.rhs_spec[0]], perm[dn.rhs_spec[1]] = perm[dn.rhs_spec[1]], perm[dn.rhs_spec[0]]
        rhs = transpose(rhs, perm)
    return conv_general_dilated(lhs, rhs, (1,) * (nd - 2), pads, strides, rhs_dilation, dn, precision=precision,
                                preferred_element_type=preferred_element_type)


def conv_general_dilated_patches(lhs: Any, filter_shape: Sequence[int], window_strides: Sequence[int],
                                 padding: Any, lhs_dilation: Sequence[int] | None = None,
                                 rhs_dilation: Sequence[int] | None = None, dimension_numbers: Any = None,
                                 precision: Any = None, preferred_element_type: Any = None) -> Any:
    """Every window of ``lhs`` as features, as ``jax.lax.conv_general_dilated_patches``: the
    output's feature axis has size C * prod(filter_shape), ordered (channel, window position)."""
    lshape = _shape(lhs)
    filter_shape = tuple(int(k) for k in filter_shape)
    dn = conv_dimension_numbers(lshape, (1, 1) + filter_shape, dimension_numbers)
    k = math.prod(filter_shape)
    c = lshape[dn.lhs_spec[1]]
    dt = _dtype(lhs)
    eye = np.broadcast_to(np.eye(k, dtype=dt), (c, k, k)).reshape((c * k, 1) + filter_shape)
    # the kernel's O and I axes go where rhs_spec puts them, the window axes keep their order
    rhs = np.ascontiguousarray(np.moveaxis(eye, (0, 1), (dn.rhs_spec[0], dn.rhs_spec[1])))
    return conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation, rhs_dilation, dn,
                                feature_group_count=c, precision=precision,
                                preferred_element_type=preferred_element_type)
