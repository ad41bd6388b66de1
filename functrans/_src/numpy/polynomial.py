"""Polynomial arithmetic in ``functrans.numpy`` (coefficients highest degree first): poly,
polyadd, polysub, polymul, polydiv, polyder, polyint, roots. (polyval and polyfit live in
signal_poly.py.)

Built on other ``functrans.numpy`` functions, so all are differentiable and traceable.
Results follow ``jax.numpy``: integer inputs are promoted to float64 (polyadd/polysub keep
the common dtype); ``roots`` takes the eigenvalues of the companion matrix and is complex;
``poly`` of a square matrix uses its (complex) eigenvalues.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import get_aval
from functrans._src.numpy.families import FAMILIES as fnp
from functrans._src.numpy.setops import _at, concrete_values
from functrans._src.numpy.signal_poly import convolve
from functrans._src.numpy.util import _shape

__all__ = ["poly", "polyadd", "polysub", "polymul", "polydiv", "polyder", "polyint", "roots"]


def _inexact(*xs: Any) -> list[Any]:
    """The inputs as arrays of one common floating (or complex) dtype."""
    arrs = [fnp.asarray(x) for x in xs]
    dt = np.result_type(*(get_aval(a).dtype for a in arrs))
    if dt.kind not in "fc":
        dt = np.dtype(np.float64)
    return [a if get_aval(a).dtype == dt else lax.convert_element_type(a, dt) for a in arrs]


def _complex_dtype(dt: np.dtype) -> np.dtype:
    return np.result_type(dt, np.complex64)


def poly(seq_of_zeros: Any) -> Any:
    """The coefficients of the monic polynomial with the given roots (or, for a non-empty
    square matrix, with its eigenvalues)."""
    (z,) = _inexact(seq_of_zeros)
    z = fnp.atleast_1d(z)
    sh = _shape(z)
    if len(sh) == 2 and sh[0] == sh[1] and sh[0] != 0:
        from functrans._src.numpy.linalg import eigvals

        z = eigvals(z)
    if len(_shape(z)) != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    dt = get_aval(z).dtype
    if _shape(z)[0] == 0:
        return np.ones((), dt)
    a: Any = np.ones((1,), dt)
    for k in range(_shape(z)[0]):
        a = convolve(a, fnp.stack([np.ones((), dt), -z[k]]), mode="full")
    return a


def _common(a1: Any, a2: Any) -> tuple[Any, Any]:
    a1, a2 = fnp.asarray(a1), fnp.asarray(a2)
    dt = np.result_type(get_aval(a1).dtype, get_aval(a2).dtype)
    return lax.convert_element_type(a1, dt), lax.convert_element_type(a2, dt)


def polyadd(a1: Any, a2: Any) -> Any:
    """The sum of two polynomials (the shorter added into the end of the longer)."""
    a1, a2 = _common(a1, a2)
    for a in (a1, a2):
        if len(_shape(a)) != 1:
            raise ValueError(f"polyadd: expected 1-d coefficient arrays, got shapes {_shape(a1)} and {_shape(a2)}")
    long, short = (a1, a2) if _shape(a2)[0] <= _shape(a1)[0] else (a2, a1)
    if _shape(short)[0] == 0:  # as JAX: an empty polynomial does not broadcast into the other
        raise ValueError(f"polyadd: incompatible shapes {_shape(a1)} and {_shape(a2)} (an empty coefficient array)")
    return _at(long)[-_shape(short)[0]:].add(short)


def polysub(a1: Any, a2: Any) -> Any:
    """The difference of two polynomials."""
    a1, a2 = _common(a1, a2)
    return polyadd(a1, -a2)


def polymul(a1: Any, a2: Any, *, trim_leading_zeros: bool = False) -> Any:
    """The product of two polynomials (their convolution); ``trim_leading_zeros`` strips
    leading zeros first (needs concrete values)."""
    a1, a2 = _inexact(a1, a2)
    if _shape(a1) == () or _shape(a2) == ():
        raise TypeError(f"polymul: expected 1-d coefficient arrays, got shapes {_shape(a1)} and {_shape(a2)}")
    if trim_leading_zeros and (_shape(a1)[0] > 1 or _shape(a2)[0] > 1):
        a1, a2 = fnp.trim_zeros(a1, trim="f"), fnp.trim_zeros(a2, trim="f")
    if _shape(a1)[0] == 0:
        a1 = np.zeros(1, get_aval(a2).dtype)
    if _shape(a2)[0] == 0:
        a2 = np.zeros(1, get_aval(a1).dtype)
    return convolve(a1, a2, mode="full")


def polydiv(u: Any, v: Any, *, trim_leading_zeros: bool = False) -> tuple[Any, Any]:
    """Quotient and remainder of ``u / v`` by long division. The remainder keeps ``u``'s
    length (as JAX); ``trim_leading_zeros`` strips its leading near-zeros (needs concrete
    values)."""
    u, v = _inexact(u, v)
    m, n = _shape(u)[0] - 1, _shape(v)[0] - 1
    scale = 1.0 / v[0]
    q: Any = fnp.zeros(max(m - n + 1, 1), dtype=get_aval(u).dtype)
    for k in range(m - n + 1):
        d = scale * u[k]
        q = _at(q)[k].set(d)
        u = _at(u)[k:k + n + 1].add(-d * v)
    if trim_leading_zeros:
        tol = float(np.sqrt(np.finfo(get_aval(u).dtype).eps))
        # as JAX: the trimmed remainder is a constant (zero derivative)
        uc = _concrete(u, "polydiv(trim_leading_zeros=True)")
        keep = np.nonzero(np.abs(uc) >= tol)[0]
        u = uc[int(keep[0]):] if keep.size else uc[:0]
    return q, u


def polyder(p: Any, m: int = 1) -> Any:
    """The ``m``-th derivative of the polynomial ``p``."""
    (p,) = _inexact(p)
    m = int(m.__index__())
    if m < 0:
        raise ValueError("Order of derivative must be positive")
    if m == 0:
        return p
    dt = get_aval(p).dtype
    n = _shape(p)[0]
    coeff = (np.arange(m, n)[None] - np.arange(m)[:, None]).prod(0).astype(dt) if n > m else np.zeros(0, dt)
    return p[:-m] * coeff[::-1]


def polyint(p: Any, m: int = 1, k: Any = None) -> Any:
    """The ``m``-th antiderivative of ``p``, with integration constants ``k`` (a scalar, or
    one per integration, lowest order last)."""
    m = int(m.__index__())
    p, k = _inexact(p, 0 if k is None else k)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    k = fnp.atleast_1d(k)
    if _shape(k)[0] == 1:
        k = fnp.full((m,), k[0])
    if _shape(k) != (m,):
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or m.")
    if m == 0:
        return p
    n = _shape(p)[0]
    grid = np.arange(n + m)[None] - np.arange(m)[:, None]
    coeff = np.maximum(1, grid).prod(0)[::-1].astype(get_aval(p).dtype)
    return fnp.true_divide(fnp.concatenate([p, k]), coeff)


def _concrete(x: Any, what: str) -> np.ndarray:
    msg = f"{what} depends on the values of a traced array (under jit or vmap they are not known)."
    return concrete_values(x, what, msg)


def _roots_no_zeros(p: Any) -> Any:
    """The eigenvalues of the companion matrix of ``p`` (``p[0] != 0``)."""
    from functrans._src.numpy.linalg import eigvals

    n = _shape(p)[0]
    dt = get_aval(p).dtype
    if n < 2:
        return np.zeros(0, _complex_dtype(dt))
    a = fnp.diag(np.ones(n - 2, dt), -1)
    a = _at(a)[0, :].set(-p[1:] / p[0])
    return eigvals(a)


def roots(p: Any, *, strip_zeros: bool = True) -> Any:
    """The (complex) roots of the polynomial ``p``: eigenvalues of its companion matrix.
    Leading zeros are stripped (needs concrete values); with ``strip_zeros=False`` (for jit
    or vmap) the roots they would drop are NaN, placed last."""
    (p,) = _inexact(p)
    p = fnp.atleast_1d(p)
    if len(_shape(p)) != 1:
        raise ValueError("Input must be a rank-1 array.")
    n = _shape(p)[0]
    if n < 2:
        return np.zeros(0, _complex_dtype(get_aval(p).dtype))
    is_zero = p == 0
    lead = fnp.where(fnp.all(is_zero), n, fnp.argmin(is_zero))
    if strip_zeros:
        k = int(
            _concrete(lead, "roots' number of leading zeros (pass strip_zeros=False under jit or vmap: leading "
                      "zeros then give NaN roots)")
        )  # fmt: skip
        return _roots_no_zeros(p[k:])
    p = fnp.where(n == lead, 1.0, p)  # all zero: any finite matrix (every root becomes NaN)
    rolled = fnp.take(p, fnp.remainder(np.arange(n) + lead, n))
    r = _roots_no_zeros(rolled)
    r = lax.sort([r == 0, r], 0, num_keys=1)[1]  # zero roots last
    return fnp.where(np.arange(_shape(r)[0]) < _shape(r)[0] - lead, r, complex(np.nan, np.nan))
