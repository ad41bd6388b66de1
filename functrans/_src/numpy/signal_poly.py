"""Convolution, polynomials, interpolation and counting in ``functrans.numpy``: convolve,
correlate, polyval, polyfit, vander, interp, bincount, digitize, histogram.

All are built on other ``functrans.numpy`` functions (gathers, products, scatter-adds,
searchsorted), so they are differentiable, batchable and traceable; results follow JAX
(where it differs from NumPy: ``bincount`` clips negative values to 0, the counts of
``histogram`` are floats).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer, get_aval
from functrans._src.numpy.families import FAMILIES
from functrans._src.numpy.util import _arr, _shape

__all__ = [
    "convolve", "correlate", "polyval", "polyfit", "vander", "interp", "bincount", "digitize", "histogram",
    "histogram_bin_edges",
]  # fmt: skip


def _np() -> Any:
    return FAMILIES


def _conv_full(a: Any, v: Any) -> Any:
    """The full discrete convolution of 1-d ``a`` (length n) and ``v`` (length m): a gather of
    the length-m windows of zero-padded ``a`` times the flipped ``v``."""
    fnp = _np()
    n, m = _shape(a)[0], _shape(v)[0]
    dt = np.result_type(get_aval(a).dtype, get_aval(v).dtype)
    if dt.kind not in "fc":  # as JAX: integer and bool inputs convolve in floating point
        dt = np.dtype(np.float64)
    a, v = lax.convert_element_type(a, dt), lax.convert_element_type(v, dt)
    padded = fnp.pad(a, (m - 1, m - 1))
    windows = fnp.take(padded, np.arange(n + m - 1)[:, None] + np.arange(m)[None, :], mode="clip")
    return fnp.matmul(windows, lax.index(v, (slice(None, None, -1),)))


def _mode_slice(full: Any, n: int, m: int, mode: str) -> Any:
    if mode == "full":
        return full
    if mode == "same":
        start = (m - 1) // 2
        return lax.index(full, (slice(start, start + n),))
    if mode == "valid":
        return lax.index(full, (slice(m - 1, n),))
    raise ValueError(f"mode must be one of 'full', 'same' or 'valid', got {mode!r}")


def _check_1d(name: str, a: Any, v: Any) -> tuple[Any, Any]:
    a, v = _arr(a), _arr(v)
    if len(_shape(a)) != 1 or len(_shape(v)) != 1:
        raise ValueError(f"{name}() only support 1-dimensional inputs, got shapes {_shape(a)} and {_shape(v)}")
    if _shape(a)[0] == 0 or _shape(v)[0] == 0:
        raise ValueError(f"{name}: inputs cannot be empty, got shapes {_shape(a)} and {_shape(v)}")
    return a, v


def convolve(a: Any, v: Any, mode: str = "full", *, precision: Any = None,
             preferred_element_type: Any = None) -> Any:  # fmt: skip
    """Discrete linear convolution of two 1-d arrays (modes full, same, valid), as NumPy."""
    a, v = _check_1d("convolve", a, v)
    if _shape(v)[0] > _shape(a)[0]:
        a, v = v, a
    out = _mode_slice(_conv_full(a, v), _shape(a)[0], _shape(v)[0], mode)
    return out if preferred_element_type is None else lax.convert_element_type(out, preferred_element_type)


def correlate(a: Any, v: Any, mode: str = "valid", *, precision: Any = None,
              preferred_element_type: Any = None) -> Any:  # fmt: skip
    """Cross-correlation ``c[k] = sum_n a[n + k] * conj(v[n])`` of two 1-d arrays, as NumPy."""
    fnp = _np()
    a, v = _check_1d("correlate", a, v)
    swapped = _shape(v)[0] > _shape(a)[0]
    if swapped:
        a, v = v, a
    vc = fnp.conj(v) if get_aval(v).dtype.kind == "c" and not swapped else v
    ac = fnp.conj(a) if get_aval(a).dtype.kind == "c" and swapped else a
    out = _mode_slice(_conv_full(ac, lax.index(vc, (slice(None, None, -1),))), _shape(a)[0], _shape(v)[0], mode)
    if swapped:
        out = lax.index(out, (slice(None, None, -1),))
    return out if preferred_element_type is None else lax.convert_element_type(out, preferred_element_type)


def polyval(p: Any, x: Any, *, unroll: int = 16) -> Any:
    """The polynomial with coefficients ``p`` (highest degree first) at ``x`` (Horner's rule)."""
    fnp = _np()
    p, x = _arr(p), _arr(x)
    if len(_shape(p)) != 1:
        raise ValueError(f"polyval: p must be one-dimensional, got shape {_shape(p)}")
    k = _shape(p)[0]
    y = fnp.zeros_like(x, dtype=np.result_type(get_aval(p).dtype, get_aval(x).dtype))
    for i in range(k):
        y = y * x + p[i]
    return y


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:  # noqa: N803
    """The Vandermonde matrix: columns ``x ** (N - 1), ..., x ** 0`` (reversed if ``increasing``)."""
    fnp = _np()
    x = _arr(x)
    if len(_shape(x)) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    n = _shape(x)[0] if N is None else int(N)
    if n < 0:
        raise ValueError("N must be nonnegative")
    powers = np.arange(n) if increasing else np.arange(n - 1, -1, -1)
    if n == 0:
        return fnp.zeros((_shape(x)[0], 0), get_aval(x).dtype)
    return fnp.power(x[:, None], powers[None, :].astype(get_aval(x).dtype if get_aval(x).dtype.kind in "iu" else int))


def polyfit(x: Any, y: Any, deg: int, rcond: Any = None, full: bool = False, w: Any = None,
            cov: bool = False) -> Any:  # fmt: skip
    """Least-squares polynomial fit of degree ``deg`` (coefficients highest first), as NumPy:
    the columns of the Vandermonde matrix are scaled to unit norm before solving."""
    fnp = _np()
    if full or cov:
        raise NotImplementedError("polyfit: full=True and cov=True are not supported")
    deg = int(deg)
    if deg < 0:
        raise ValueError("expected deg >= 0")
    x, y = fnp.asarray(x) * 1.0, fnp.asarray(y) * 1.0
    if len(_shape(x)) != 1 or len(_shape(y)) not in (1, 2) or _shape(x)[0] != _shape(y)[0]:
        raise TypeError(f"polyfit: expected 1-d x and y of the same length, got {_shape(x)} and {_shape(y)}")
    order = deg + 1
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = fnp.asarray(w) * 1.0
        lhs = lhs * w[:, None]
        rhs = rhs * (w if len(_shape(rhs)) == 1 else w[:, None])
    if rcond is None:
        rcond = _shape(x)[0] * float(np.finfo(get_aval(x).dtype).eps)
    scale = fnp.sqrt(fnp.sum(lhs * lhs, axis=0))
    from functrans._src.numpy.linalg import lstsq

    c = lstsq(lhs / scale, rhs, rcond)[0]
    return (c.T / scale).T


def interp(x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None) -> Any:
    """One-dimensional linear interpolation of the points ``(xp, fp)`` (``xp`` increasing) at
    ``x``; ``left``/``right`` (default ``fp[0]``/``fp[-1]``) outside; ``period`` for
    periodic data. Differentiable in ``x`` and ``fp`` (and ``xp``), as JAX's."""
    fnp = _np()
    x, xp, fp = _arr(x), _arr(xp), _arr(fp)
    if len(_shape(xp)) != 1 or len(_shape(fp)) != 1 or _shape(xp)[0] != _shape(fp)[0]:
        raise ValueError(f"xp and fp must be one-dimensional arrays of equal size, got {_shape(xp)} and {_shape(fp)}")
    if _shape(xp)[0] == 0:
        raise ValueError("array of sample points is empty")
    dt = np.result_type(get_aval(x).dtype, get_aval(xp).dtype, get_aval(fp).dtype, np.float16)
    x, xp, fp = (lax.convert_element_type(v, dt) if get_aval(v).dtype != dt and dt.kind != "c" else v
                 for v in (x, xp, fp))  # fmt: skip
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        x = fnp.mod(x, period)
        xp = fnp.mod(xp, period)
        order = fnp.argsort(xp)
        xp, fp = xp[order], fp[order]
        xp = fnp.concatenate([xp[-1:] - period, xp, xp[:1] + period])
        fp = fnp.concatenate([fp[-1:], fp, fp[:1]])
    n = _shape(xp)[0]
    i = fnp.clip(fnp.searchsorted(xp, x, side="right"), 1, max(n - 1, 1))
    xlo, xhi = fnp.take(xp, i - 1, mode="clip"), fnp.take(xp, i, mode="clip")
    flo, fhi = fnp.take(fp, i - 1, mode="clip"), fnp.take(fp, i, mode="clip")
    dx = xhi - xlo
    dx0 = fnp.abs(dx) <= float(np.finfo(dt).eps) if dt.kind == "f" else dx == 0
    f = fnp.where(dx0, flo, flo + (x - xlo) * (fhi - flo) / fnp.where(dx0, 1, dx))
    if period is None:
        f = fnp.where(x < xp[0], fp[0] if left is None else left, f)
        f = fnp.where(x > xp[-1], fp[-1] if right is None else right, f)
    return f


def _concrete_int(v: Any, what: str) -> int:
    if isinstance(v, Tracer):
        try:
            v = v._trace.concrete(v, what)
        except Exception:  # noqa: BLE001
            raise lax_concretization(what) from None
    return int(np.asarray(v))


def lax_concretization(what: str) -> Exception:
    from functrans._src.core import ConcretizationTypeError

    return ConcretizationTypeError(
        f"{what} depends on the values of a traced array (under jit or vmap they are not known). "
        "Pass length= to fix the result's size, as in JAX."
    )


def bincount(x: Any, weights: Any = None, minlength: int = 0, *, length: int | None = None,
             out_sharding: Any = None) -> Any:  # fmt: skip
    """Counts (or summed ``weights``) of each non-negative integer in ``x``; as JAX, negative
    values count as 0 and ``length`` fixes the result size (needed under jit/vmap)."""
    fnp = _np()
    x = _arr(x)
    if get_aval(x).dtype.kind not in "iub":
        raise TypeError(f"bincount: x must be an integer array, got dtype {get_aval(x).dtype}")
    if len(_shape(x)) != 1:
        raise ValueError(f"bincount: x must be one-dimensional, got shape {_shape(x)}")
    if minlength < 0:
        raise ValueError("minlength must be non-negative")
    if length is None:
        top = _concrete_int(fnp.max(x), "bincount's result length") + 1 if _shape(x)[0] else 0
        length = max(top, int(minlength))
    w = fnp.ones(_shape(x), np.int64) if weights is None else _arr(weights)
    if _shape(w) != _shape(x):
        raise ValueError(f"bincount: weights of shape {_shape(w)} must match x's shape {_shape(x)}")
    idx = fnp.maximum(x, 0)
    return fnp.zeros(int(length), get_aval(w).dtype).at[idx].add(w, mode="drop")


def digitize(x: Any, bins: Any, right: bool = False, *, method: str | None = None) -> Any:
    """Indices of the bins ``x`` falls in (``bins`` monotonic, increasing or decreasing)."""
    fnp = _np()
    x, bins = _arr(x), _arr(bins)
    if len(_shape(bins)) != 1:
        raise ValueError(f"digitize: bins must be a 1-dimensional array; got bins={bins}")
    if _shape(bins)[0] == 0:
        return fnp.zeros(_shape(x), np.int64)
    side = "left" if right else "right"
    b0, b1 = bins[0], bins[-1]
    up = fnp.searchsorted(bins, x, side=side)
    down = _shape(bins)[0] - fnp.searchsorted(bins[::-1], x, side=side)
    return fnp.where(b1 >= b0, up, down)


def histogram_bin_edges(a: Any, bins: Any = 10, range: Any = None, weights: Any = None) -> Any:  # noqa: A002
    """The bin edges :func:`histogram` uses: ``bins`` equal bins over ``range`` (default the
    data's min and max, widened by 0.5 on both sides if equal), or the given edges."""
    fnp = _np()
    a = fnp.ravel(_arr(a))
    dt = np.result_type(get_aval(a).dtype, np.float64) if get_aval(a).dtype.kind not in "fc" else get_aval(a).dtype
    if np.ndim(bins) == 1 or isinstance(bins, Tracer):
        return fnp.asarray(bins) * np.asarray(1, dt)
    bins = int(bins)
    if range is None:
        lo, hi = fnp.min(a), fnp.max(a)
    else:
        lo, hi = (np.asarray(r, dt) for r in range)
    lo, hi = lax.convert_element_type(_arr(lo), dt), lax.convert_element_type(_arr(hi), dt)
    same = lo == hi
    lo, hi = fnp.where(same, lo - 0.5, lo), fnp.where(same, hi + 0.5, hi)
    # JAX's linspace formula lo * (1 - t) + hi * t, so that bin choices at edges follow JAX's
    t = np.arange(bins, dtype=dt) * (1 / np.asarray(bins, dt))  # (closest found to XLA's rounding)
    return fnp.concatenate([lo * (1 - t) + hi * t, fnp.reshape(hi, (1,))])


def histogram(a: Any, bins: Any = 10, range: Any = None, weights: Any = None, density: Any = None) -> Any:  # noqa: A002
    """``(hist, bin_edges)`` as NumPy (the last bin is closed); the counts are floats, as JAX's."""
    fnp = _np()
    a = fnp.ravel(_arr(a))
    edges = histogram_bin_edges(a, bins, range, weights)
    w = fnp.ones(_shape(a), get_aval(edges).dtype) if weights is None else fnp.ravel(_arr(weights))
    k = _shape(edges)[0]
    idx = fnp.searchsorted(edges, a, side="right")
    idx = fnp.where(a == edges[-1], k - 1, idx)
    counts = fnp.zeros(k + 1, get_aval(w).dtype).at[idx].add(w)[1:-1]
    if density:
        widths = fnp.diff(edges)
        counts = counts / widths / fnp.sum(counts)
    return counts, edges
