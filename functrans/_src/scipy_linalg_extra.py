"""More of ``jax.scipy.linalg``: SciPy-signature decompositions and special matrices.

Everything here is composed from functrans primitives (so it differentiates, batches and
jits like the rest); shapes, dtypes and errors follow ``jax.scipy.linalg`` (x64).
"""

from __future__ import annotations

import functools
import math
import operator
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.custom_derivatives import custom_jvp
from functrans._src.lax import linalg as L
from functrans._src.numpy import linalg as nla

__all__ = [
    "cholesky", "circulant", "companion", "convolution_matrix", "dft", "eigh", "eigh_tridiagonal",
    "fiedler", "fiedler_companion", "hadamard", "hankel", "helmert", "hilbert", "invhilbert",
    "invpascal", "leslie", "pascal", "polar", "qr", "qr_multiply", "svd", "toeplitz",
]  # fmt: skip


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _check_arraylike(name: str, *args: Any) -> None:
    for i, a in enumerate(args):
        if isinstance(a, (list, tuple, str)) or a is None:
            raise TypeError(
                f"{name} requires ndarray or scalar arguments, got {type(a).__name__} at position {i}."
            )


def _dtype(x: Any) -> np.dtype:
    return x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype


# ---------------------------------------------------------------- decompositions
@functools.partial(custom_jvp)
def _cholesky_lower(a: Any) -> Any:
    """The lower Cholesky factor reading ``a``'s lower triangle (no symmetrisation)."""
    return L.cholesky(a)


@_cholesky_lower.defjvp
def _cholesky_lower_jvp(primals: tuple[Any], tangents: tuple[Any]) -> tuple[Any, Any]:
    # JAX's rule for lax.linalg.cholesky: L phi(L^-1 dA L^-H), with the tangent dA used as given
    # (not symmetrised), so the gradient of scipy.linalg.cholesky is JAX's, not symmetric
    (a,), (da,) = primals, tangents
    lo = _cholesky_lower(a)
    tmp = L.triangular_solve(lo, da, left_side=False, lower=True, transpose_a=True, conjugate_a=True)
    x = L.triangular_solve(lo, tmp, left_side=True, lower=True)
    n = _shape(a)[-1]
    w = np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)
    return lo, L.matmul(lo, lax.mul(x, w.astype(np.finfo(_dtype(x)).dtype)))


# ---------------------------------------------------------------- decompositions
def cholesky(a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """Cholesky factor of a Hermitian positive definite ``a``: lower (``a = L L^H``) if ``lower``,
    else upper (``a = U^H U``). Only the matching triangle of ``a`` is read (as SciPy/JAX)."""
    del overwrite_a, check_finite
    a = nla._inexact(a)
    nla._assert_stacked_square("cholesky", a)
    c = _cholesky_lower(a if lower else L.mH(a))
    return c if lower else L.mH(c)


def eigh(
    a: Any, b: Any = None, lower: bool = True, eigvals_only: bool = False, overwrite_a: bool = False,
    overwrite_b: bool = False, turbo: bool = True, eigvals: Any = None, type: int = 1,  # noqa: A002
    check_finite: bool = True,
) -> Any:
    """Eigenvalues (ascending) ``w`` and eigenvectors ``v`` (columns) of Hermitian ``a``:
    ``(w, v)``, or ``w`` if ``eigvals_only``. As JAX, the Hermitian part of ``a`` is used and only
    the standard problem (``b=None``, ``type=1``, ``eigvals=None``) is implemented."""
    del overwrite_a, overwrite_b, turbo, check_finite
    if b is not None:
        raise NotImplementedError("Only the b=None case of eigh is implemented")
    if type != 1:
        raise NotImplementedError("Only the type=1 case of eigh is implemented.")
    if eigvals is not None:
        raise NotImplementedError("Only the eigvals=None case of eigh is implemented.")
    a = nla._inexact(a)
    nla._assert_stacked_square("eigh", a)
    v, w = L.eigh(nla._sym(a), lower=lower)
    return w if eigvals_only else (w, v)


def svd(
    a: Any, full_matrices: bool = True, compute_uv: bool = True, overwrite_a: bool = False,
    check_finite: bool = True, lapack_driver: str = "gesdd",
) -> Any:
    """Singular value decomposition ``(u, s, vh)`` with ``a = u @ diag(s) @ vh`` (``s`` descending),
    or ``s`` alone if not ``compute_uv``."""
    del overwrite_a, check_finite, lapack_driver
    a = nla._inexact(a)
    nla._assert_stacked_2d("svd", a)
    if not compute_uv:
        return L.svd(a, full_matrices=full_matrices, compute_uv=False)[0]
    s, u, vt = L.svd(a, full_matrices=full_matrices, compute_uv=True)
    return u, s, vt


def _pivot_order(a: np.ndarray) -> np.ndarray:
    """The column order of LAPACK's column-pivoted QR (``geqp3``): at each step the column with the
    largest remaining norm (the first on ties), computed by Householder steps on a copy."""
    a = np.array(a, dtype=np.result_type(a.dtype, np.float64), copy=True)
    m, n = a.shape
    perm = np.arange(n)
    for k in range(min(m, n)):
        norms = np.linalg.norm(a[k:, k:], axis=0)
        j = k + int(np.argmax(norms))
        if j != k:
            a[:, [k, j]] = a[:, [j, k]]
            perm[[k, j]] = perm[[j, k]]
        x = a[k:, k]
        nx = np.linalg.norm(x)
        if nx == 0:
            continue
        v = x.copy()
        alpha = -nx * (x[0] / abs(x[0]) if x[0] != 0 else 1.0)
        v[0] -= alpha
        nv = np.vdot(v, v)
        if nv != 0:
            a[k:, k:] -= np.outer(v, (2.0 / nv) * (v.conj() @ a[k:, k:]))
    return perm


def _pivots(a: Any) -> np.ndarray:
    from functrans._src.core import Tracer

    if isinstance(a, Tracer):
        from functrans._src.core import ConcretizationTypeError

        raise ConcretizationTypeError(
            "qr(pivoting=True): the column pivots depend on the values of the matrix, which are not "
            "known under jit/vmap; call it outside jit or use pivoting=False"
        )
    x = np.asarray(a)
    flat = x.reshape((-1,) + x.shape[-2:])
    return np.stack([_pivot_order(f) for f in flat]).reshape(x.shape[:-2] + (x.shape[-1],)).astype(np.int32)


def _permute_cols(a: Any, p: np.ndarray) -> Any:
    if p.ndim == 1:
        return fnp.take(a, p, axis=-1)
    return fnp.take_along_axis(a, fnp.broadcast_to(p[..., None, :], _shape(a)), axis=-1)


def _concrete(a: Any) -> Any:
    """The primal value of ``a`` if it is only being differentiated (pivots are piecewise constant)."""
    from functrans._src.core import Tracer

    while isinstance(a, Tracer) and hasattr(a, "primal"):
        a = a.primal
    return a


def qr(
    a: Any, overwrite_a: bool = False, lwork: Any = None, mode: str = "full", pivoting: bool = False,
    check_finite: bool = True,
) -> Any:
    """QR decomposition as SciPy: ``(q, r)`` (mode 'full'/'economic'), ``(r,)`` (mode 'r'), with the
    column permutation ``p`` (int32, ``a[:, p] = q @ r``) appended if ``pivoting``."""
    del overwrite_a, lwork, check_finite
    if mode in ("full", "r"):
        full = True
    elif mode == "economic":
        full = False
    else:
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    a = nla._inexact(a)
    nla._assert_stacked_2d("qr", a)
    p = None
    if pivoting:
        p = _pivots(_concrete(a))
        a = _permute_cols(a, p)
    q, r = L.qr(a, full_matrices=full)
    out = (r,) if mode == "r" else (q, r)
    return out + (p,) if pivoting else out


def qr_multiply(
    a: Any, c: Any, mode: str = "right", pivoting: bool = False, conjugate: bool = False,
    overwrite_a: bool = False, overwrite_c: bool = False,
) -> Any:
    """``(c @ q, r)`` (mode 'right') or ``(q @ c, r)`` (mode 'left') with ``q, r`` the economic QR
    of ``a`` (``q.conj()`` if ``conjugate``); ``p`` appended if ``pivoting``."""
    del overwrite_a, overwrite_c
    a, c = nla._inexact(a), nla._inexact(c)
    dt = np.result_type(a.dtype, c.dtype)
    a, c = lax.convert_element_type(a, dt), lax.convert_element_type(c, dt)
    if mode not in ("right", "left"):
        raise ValueError(f"mode must be 'right' or 'left'; got {mode!r}.")
    onedim = len(_shape(c)) == 1
    if onedim:
        c = fnp.reshape(c, (-1, 1) if mode == "left" else (1, -1))
    m, n = _shape(a)[-2:]
    k = min(m, n)
    if mode == "left" and _shape(c)[-2] != k:
        raise ValueError(
            f"Array shapes are not compatible for Q @ c operation: a has shape {_shape(a)} so Q has "
            f"{k} columns, but c has {_shape(c)[-2]} rows (expected {k})."
        )
    if mode == "right" and _shape(c)[-1] != m:
        raise ValueError(
            f"Array shapes are not compatible for c @ Q operation: a has shape {_shape(a)} so Q has "
            f"{m} rows, but c has {_shape(c)[-1]} columns (expected {m})."
        )
    res = qr(a, mode="economic", pivoting=pivoting)
    q, r = res[0], res[1]
    if conjugate:
        q = fnp.conj(q)
    cq = fnp.matmul(c, q) if mode == "right" else fnp.matmul(q, c)
    if onedim:
        cq = fnp.ravel(cq)
    return (cq, r, res[2]) if pivoting else (cq, r)


def polar(
    a: Any, side: str = "right", *, method: str = "qdwh", eps: float | None = None,
    max_iterations: int | None = None,
) -> tuple[Any, Any]:
    """Polar decomposition ``a = u p`` (side 'right') or ``a = p u`` (side 'left'), computed from
    the SVD for every ``method`` (JAX's 'qdwh' iteration converges to the same factors)."""
    del eps, max_iterations
    if side not in ("left", "right"):
        raise ValueError(f"side={side!r} was invalid.")
    if method not in ("qdwh", "svd"):
        raise ValueError(f"Unknown polar decomposition method {method}.")
    a = nla._inexact(a)
    if len(_shape(a)) != 2:
        raise ValueError("The input `a` must be a 2-D array.")
    m, n = _shape(a)
    if method == "qdwh" and not ((side == "right" and m >= n) or (side == "left" and m < n)):
        raise NotImplementedError(
            "method='qdwh' only supports mxn matrices where m < n where side='right' and m >= n "
            f"side='left', got {(m, n)} with side={side!r}"
        )
    s, u, vh = L.svd(a, full_matrices=False, compute_uv=True)
    unitary = fnp.matmul(u, vh)
    if side == "right":
        posdef = fnp.matmul(fnp.conj(vh.T) * s[None, :], vh)
    else:
        posdef = fnp.matmul(u * s[None, :], fnp.conj(u.T))
    return unitary, posdef


def eigh_tridiagonal(
    d: Any, e: Any, *, eigvals_only: bool = False, select: str = "a",
    select_range: tuple[float, float] | None = None, tol: float | None = None, key: Any = None,
) -> Any:
    """Eigenvalues (ascending) of the real symmetric tridiagonal matrix with diagonal ``d`` and
    off-diagonal ``e`` (and the eigenvectors, columns, unless ``eigvals_only``); ``select`` 'a' or
    'i'. The eigenvectors' signs may differ from JAX's (which come from randomly started inverse
    iteration)."""
    if select not in ("a", "i"):
        raise NotImplementedError(f"select={select!r} is not implemented")
    d, e = nla._inexact(d), nla._inexact(e)
    n = _shape(d)[-1]
    if _shape(e)[-1] != n - 1:
        raise ValueError(f"e must have length n - 1 = {n - 1}, got shape {_shape(e)}")
    t = fnp.diag(d) + fnp.diag(e, 1) + fnp.diag(e, -1)
    v, w = L.eigh(t)
    if select == "i":
        if select_range is None:
            raise ValueError("select='i' needs select_range=(lo, hi)")
        lo, hi = (operator.index(v) for v in select_range)
        w, v = w[lo:hi + 1], v[:, lo:hi + 1]
    return w if eigvals_only else (w, v)


# ---------------------------------------------------------------- special matrices
def _last_axis_gather(v: Any, idx: np.ndarray) -> Any:
    """``v[..., idx]`` for a static integer index array ``idx``."""
    return fnp.take(v, idx, axis=-1)


def _bcast_pair(c: Any, r: Any) -> tuple[Any, Any]:
    batch = np.broadcast_shapes(_shape(c)[:-1], _shape(r)[:-1])
    dt = np.result_type(_dtype(c), _dtype(r))
    c = fnp.broadcast_to(fnp.asarray(c, dt), batch + _shape(c)[-1:])
    r = fnp.broadcast_to(fnp.asarray(r, dt), batch + _shape(r)[-1:])
    return c, r


def toeplitz(c: Any, r: Any = None) -> Any:
    """Toeplitz matrix with first column ``c`` and first row ``r`` (``r[0]`` ignored; default
    ``conj(c)``); leading axes are batch axes."""
    if r is None:
        _check_arraylike("toeplitz", c)
        r = fnp.conjugate(fnp.asarray(c))
    else:
        _check_arraylike("toeplitz", c, r)
    c, r = fnp.atleast_1d(fnp.asarray(c)), fnp.atleast_1d(fnp.asarray(r))
    c, r = _bcast_pair(c, r)
    m, n = _shape(c)[-1], _shape(r)[-1]
    if m == 0 or n == 0:
        return fnp.zeros(_shape(c)[:-1] + (m, n), np.result_type(_dtype(c), _dtype(r)))
    vals = fnp.concatenate([fnp.flip(c, axis=-1), r[..., 1:]], axis=-1)
    idx = (m - 1) - np.arange(m)[:, None] + np.arange(n)[None, :]
    return _last_axis_gather(vals, idx)


def hankel(c: Any, r: Any = None) -> Any:
    """Hankel matrix ``H[i, j] = v[i + j]`` with ``v = concatenate([c, r[1:]])`` (``r`` default
    zeros); leading axes are batch axes."""
    if r is None:
        _check_arraylike("hankel", c)
        c = fnp.asarray(c)
        r = fnp.zeros_like(c)
    else:
        _check_arraylike("hankel", c, r)
        c, r = fnp.asarray(c), fnp.asarray(r)
    if fnp.ndim(c) == 0:
        raise ValueError("hankel: c must be at least 1-dimensional, got a scalar.")
    if fnp.ndim(r) == 0:
        raise ValueError("hankel: r must be at least 1-dimensional, got a scalar.")
    c, r = _bcast_pair(c, r)
    m, n = _shape(c)[-1], _shape(r)[-1]
    if m == 0 or n == 0:
        return fnp.zeros(_shape(c)[:-1] + (m, n), np.result_type(_dtype(c), _dtype(r)))
    v = fnp.concatenate([c, r[..., 1:]], axis=-1)
    return _last_axis_gather(v, np.arange(m)[:, None] + np.arange(n)[None, :])


def circulant(c: Any) -> Any:
    """Circulant matrix ``A[i, j] = c[(i - j) % n]``; leading axes of ``c`` are batch axes."""
    _check_arraylike("circulant", c)
    c = fnp.atleast_1d(fnp.asarray(c))
    n = _shape(c)[-1]
    return _last_axis_gather(c, (np.arange(n)[:, None] - np.arange(n)[None, :]) % n)


def leslie(f: Any, s: Any) -> Any:
    """Leslie matrix: fecundities ``f`` in the first row, survivals ``s`` on the sub-diagonal."""
    _check_arraylike("leslie", f, s)
    f, s = fnp.atleast_1d(f), fnp.atleast_1d(s)
    if _shape(f)[-1] < 2:
        raise ValueError(f"The length of f along the last axis must be at least 2; got shape {_shape(f)}.")
    if _shape(s)[-1] != _shape(f)[-1] - 1:
        raise ValueError(
            "Incorrect lengths for f and s. The length of s along the last axis must be one less than "
            f"the length of f; got f shape {_shape(f)} and s shape {_shape(s)}."
        )
    f, s = _bcast_pair(f, s)
    n = _shape(f)[-1]
    z = fnp.zeros(_shape(s)[:-1] + (1,), s.dtype)
    sub = fnp.concatenate([z, s], axis=-1)  # sub[k + 1] = s[k]
    idx = np.where(np.arange(n)[:, None] == np.arange(n)[None, :] + 1, np.arange(n)[:, None], 0)
    body = _last_axis_gather(sub, np.broadcast_to(idx, (n, n)))
    row0 = np.arange(n)[:, None] == 0
    return fnp.where(row0, f[..., None, :], body)


def companion(a: Any) -> Any:
    """Companion matrix of the polynomial with coefficients ``a`` (highest degree first)."""
    a = nla._inexact(fnp.asarray(a))
    a = fnp.atleast_1d(a)
    if _shape(a)[-1] < 2:
        raise ValueError(f"The length of `a` along the last axis must be at least 2; got shape {_shape(a)}.")
    first = -a[..., 1:] / a[..., :1]
    m = _shape(a)[-1] - 1
    eye = np.eye(m, m, k=-1, dtype=first.dtype)
    return fnp.where((np.arange(m) == 0)[:, None], first[..., None, :], eye)


def fiedler(a: Any) -> Any:
    """Symmetric Fiedler matrix ``F[i, j] = |a[i] - a[j]|``."""
    _check_arraylike("fiedler", a)
    a = fnp.atleast_1d(fnp.asarray(a))
    return fnp.abs(a[..., :, None] - a[..., None, :])


def fiedler_companion(a: Any) -> Any:
    """Fiedler's pentadiagonal companion matrix of the polynomial with coefficients ``a``."""
    a = nla._inexact(fnp.asarray(a))
    a = fnp.atleast_1d(a)
    if _shape(a)[-1] == 0:
        raise ValueError(
            "fiedler_companion requires the last axis of 'a' to have nonzero length, but got an array "
            f"of shape {_shape(a)}."
        )
    n = _shape(a)[-1] - 1
    if n == 0:
        return fnp.zeros(_shape(a)[:-1] + (0, 0), a.dtype)
    a = a / a[..., :1]
    if n == 1:
        return (-a[..., 1:])[..., None]
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    even, odd = i % 2 == 0, i % 2 == 1
    # value index into w = concatenate([-a, 1, 0]): position n + 1 holds 1, n + 2 holds 0
    idx = np.full((n, n), n + 2)
    conds = [
        ((i == 0) & (j == 0), np.full((n, n), 1)),
        ((i == 1) & (j == 0), np.full((n, n), n + 1)),
        ((j == i + 1) & even, np.minimum(i + 2, n) + 0 * j),
        ((j == i + 2) & even, np.full((n, n), n + 1)),
        ((j == i - 1) & even & (i >= 2), np.minimum(i + 1, n) + 0 * j),
        ((j == i - 2) & odd & (i >= 3), np.full((n, n), n + 1)),
    ]
    for cond, val in reversed(conds):  # the first matching condition wins (as select)
        idx = np.where(cond, val, idx)
    ext = fnp.concatenate(
        [-a, fnp.ones(_shape(a)[:-1] + (1,), a.dtype), fnp.zeros(_shape(a)[:-1] + (1,), a.dtype)], axis=-1
    )
    return _last_axis_gather(ext, idx)


def convolution_matrix(a: Any, n: int, mode: str = "full") -> Any:
    """Matrix ``A`` with ``A @ v == convolve(a, v, mode)`` for ``v`` of length ``n``."""
    n = operator.index(n)
    if n <= 0:
        raise ValueError(f"n must be a positive integer; got {n}.")
    _check_arraylike("convolution_matrix", a)
    a = fnp.asarray(a)
    if fnp.ndim(a) == 0:
        raise ValueError("convolution_matrix: a must be at least 1-dimensional, got a scalar.")
    m = _shape(a)[-1]
    if m < 1:
        raise ValueError(f"len(a) must be at least 1; got shape {_shape(a)}.")
    if mode not in ("full", "valid", "same"):
        raise ValueError(f"mode must be one of 'full', 'valid', 'same'; got {mode!r}.")
    pad = [(0, 0)] * (fnp.ndim(a) - 1) + [(0, n - 1)]
    az = fnp.pad(a, pad)
    raz = fnp.pad(fnp.flip(a, axis=-1), pad)
    total = m + n - 1
    if mode == "same":
        trim = min(n, m) - 1
        tb = trim // 2
        te = trim - tb
    elif mode == "valid":
        tb = te = min(n, m) - 1
    else:
        tb = te = 0
    return toeplitz(az[..., tb:total - te], raz[..., total - n - tb:total - tb])


def hilbert(n: int) -> Any:
    """Hilbert matrix ``H[i, j] = 1 / (i + j + 1)`` (float64)."""
    a = np.arange(n, dtype=np.float64)[:, None]
    return fnp.asarray(1 / (a + a.T + 1))


def _comb(n: np.ndarray, k: np.ndarray) -> np.ndarray:
    from functrans.scipy.special import gammaln

    n, k = np.asarray(n, np.float64), np.asarray(k, np.float64)
    ok = (k >= 0) & (n >= k)
    val = np.exp(np.asarray(gammaln(n + 1)) - np.asarray(gammaln(k + 1)) - np.asarray(gammaln(n - k + 1)))
    return np.where(ok, val, 0.0)


def invhilbert(n: int) -> Any:
    """Inverse of the order-``n`` Hilbert matrix (float64, from binomial coefficients)."""
    a = np.arange(n, dtype=np.float64)
    i, j = a[:, None], a[None, :]
    s = i + j
    return fnp.asarray((-1.0) ** s * (s + 1.0) * _comb(n + i, n - j - 1) * _comb(n + j, n - i - 1) * _comb(s, i) ** 2)


def _binom(n: np.ndarray, k: np.ndarray, dt: Any) -> np.ndarray:
    from functrans.scipy.special import gammaln

    n, k = np.asarray(n, dt), np.asarray(k, dt)
    one = dt(1)
    lg = [np.asarray(gammaln(v)) for v in (n + one, n - k + one, k + one)]
    return np.exp(lg[0] - lg[1] - lg[2]).astype(dt)


def _check_kind(kind: str | None, of: str = "one of") -> str:
    kind = "symmetric" if kind is None else kind
    valid = ["symmetric", "lower", "upper"]
    if kind not in valid:
        raise ValueError(f"Expected kind to be {of}: {valid}; got {kind}")
    return kind


def pascal(n: int, kind: str | None = None) -> Any:
    """Pascal matrix (symmetric, lower or upper), float32 as JAX's."""
    kind = _check_kind(kind, "on of")
    a = np.arange(n, dtype=np.float32)
    ln = _binom(a[:, None], a[None, :], np.float32)
    if kind == "lower":
        return fnp.asarray(ln)
    if kind == "upper":
        return fnp.asarray(ln.T)
    return fnp.matmul(fnp.asarray(ln), fnp.asarray(ln.T))


def invpascal(n: int, kind: str | None = None) -> Any:
    """Inverse of the Pascal matrix (float64)."""
    kind = _check_kind(kind)
    a = np.arange(n, dtype=np.float64)
    i, j = a[:, None], a[None, :]
    linv = ((-1.0) ** (i - j)) * _binom(i, j, np.float64)
    if kind == "lower":
        return fnp.asarray(linv)
    if kind == "upper":
        return fnp.asarray(linv.T)
    return fnp.matmul(fnp.asarray(linv.T), fnp.asarray(linv))


def helmert(n: int, full: bool = False) -> Any:
    """Helmert matrix of order ``n`` (the ``(n-1, n)`` contrasts, or ``(n, n)`` if ``full``)."""
    if n < 1:
        raise ValueError(f"n must be a positive integer; got {n}.")
    i = np.arange(n - 1)[:, None]
    j = np.arange(n)[None, :]
    k = (i + 1).astype(np.float64)
    denom = np.sqrt(k * (k + 1))
    h = np.where(j <= i, 1.0 / denom, np.where(j == i + 1, -k / denom, np.zeros_like(denom)))
    if full:
        h = np.concatenate([np.full((1, n), 1.0 / np.sqrt(n), dtype=h.dtype), h], axis=0)
    return fnp.asarray(h)


def hadamard(n: int, dtype: Any = int) -> Any:
    """Sylvester's ``n x n`` Hadamard matrix (``n`` a power of 2)."""
    if n < 1 or not math.log2(n).is_integer():
        raise ValueError(f"n must be a positive power of 2; got {n}.")
    h = np.array([[1]])
    for _ in range(int(math.log2(n))):
        h = np.block([[h, h], [h, -h]])
    return fnp.asarray(h, dtype=np.dtype(dtype) if dtype is not int else np.int64)


def dft(n: int, scale: str | None = None, *, dtype: Any = None) -> Any:
    """The ``n x n`` DFT matrix ``exp(-2 pi i j k / n)``, optionally scaled by ``1/sqrt(n)`` or ``1/n``."""
    if scale is not None and scale not in ("sqrtn", "n"):
        raise ValueError(f"scale must be None, 'sqrtn', or 'n'; got {scale!r}.")
    dt = np.dtype(np.complex128 if dtype is None else dtype)
    if not np.issubdtype(dt, np.complexfloating):
        raise ValueError(f"dtype must be a complex floating-point type; got {dt}.")
    a = np.arange(n, dtype=dt)
    w = np.exp(-2j * np.pi * a[:, None] * a[None, :] / n).astype(dt)
    if scale == "sqrtn":
        w = (w / np.sqrt(n)).astype(dt)
    elif scale == "n":
        w = (w / n).astype(dt)
    return fnp.asarray(w)
