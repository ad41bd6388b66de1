"""NumPy kernels behind the linear-algebra primitives that NumPy itself lacks.

NumPy exposes LAPACK's Cholesky, QR, SVD, eigh, solve, inv and slogdet, but neither a
triangular solve nor an LU factorization with its pivots. Both are written here as
recursive blocked algorithms, so that almost all of their work is matrix products
(BLAS 3) and the Python overhead is a few calls per block:

* :func:`trsm` solves ``T X = B`` for triangular ``T`` by halving ``T``
  (``X1 = T11^-1 B1``, ``X2 = T22^-1 (B2 - T21 X1)``), down to blocks of
  ``_TRSM_BLOCK`` rows solved with ``numpy.linalg.solve``;
* :func:`lu_factor` is a recursive right-looking LU with partial pivoting (row
  interchanges as LAPACK's ``getrf``), down to panels of ``_LU_BLOCK`` columns
  factored column by column.

Both accept stacks of matrices (leading batch axes) and never raise on singular input:
divisions by a zero pivot give ``inf``/``nan``, as JAX's solvers do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_TRSM_BLOCK = 64
_LU_BLOCK = 16


def _solve_small(t: np.ndarray, b: np.ndarray, lower: bool, unit: bool) -> np.ndarray:
    n = t.shape[-1]
    tri = np.tril(t) if lower else np.triu(t)
    if unit:
        tri = tri.copy()
        idx = np.arange(n)
        tri[..., idx, idx] = 1.0
    try:
        return np.linalg.solve(tri, b)
    except np.linalg.LinAlgError:
        pass
    # a zero on the diagonal: substitution, letting the division make inf/nan (as JAX)
    x = np.array(b, dtype=np.result_type(t, b, 1.0))
    order = range(n) if lower else range(n - 1, -1, -1)
    with np.errstate(all="ignore"):
        for i in order:
            if lower:
                acc = x[..., i, :] - np.einsum("...k,...kj->...j", tri[..., i, :i], x[..., :i, :])
            else:
                acc = x[..., i, :] - np.einsum("...k,...kj->...j", tri[..., i, i + 1 :], x[..., i + 1 :, :])
            x[..., i, :] = acc / tri[..., i, i, None]
    return x


def trsm(t: Any, b: Any, lower: bool, unit: bool) -> np.ndarray:
    """``X`` with ``T X = B``; only the ``lower`` (or upper) triangle of ``t`` is read.

    ``unit`` treats the diagonal of ``t`` as ones. ``t`` is ``(..., n, n)``, ``b``
    ``(..., n, k)`` with the same leading axes.
    """
    t = np.asarray(t)
    b = np.asarray(b)
    n = t.shape[-1]
    if n <= _TRSM_BLOCK:
        return _solve_small(t, b, lower, unit)
    h = n // 2
    with np.errstate(invalid="ignore", over="ignore"):
        if lower:
            x1 = trsm(t[..., :h, :h], b[..., :h, :], True, unit)
            x2 = trsm(t[..., h:, h:], b[..., h:, :] - t[..., h:, :h] @ x1, True, unit)
        else:
            x2 = trsm(t[..., h:, h:], b[..., h:, :], False, unit)
            x1 = trsm(t[..., :h, :h], b[..., :h, :] - t[..., :h, h:] @ x2, False, unit)
    return np.concatenate([x1, x2], axis=-2)


def triangular_solve(
    a: Any, b: Any, left_side: bool, lower: bool, transpose_a: bool, unit_diagonal: bool, conjugate_a: bool = False
) -> np.ndarray:
    """Solve ``op(a) x = b`` (``left_side``) or ``x op(a) = b``, ``op(a) = a.T`` if ``transpose_a``
    (conjugated if ``conjugate_a``)."""
    a = np.asarray(a)
    b = np.asarray(b)
    if conjugate_a:
        a = np.conj(a)
    at = np.swapaxes(a, -1, -2)
    if left_side:
        if transpose_a:
            return trsm(at, b, not lower, unit_diagonal)
        return trsm(a, b, lower, unit_diagonal)
    # x op(a) = b  <=>  op(a)^T x^T = b^T
    bt = np.swapaxes(b, -1, -2)
    if transpose_a:
        xt = trsm(a, bt, lower, unit_diagonal)
    else:
        xt = trsm(at, bt, not lower, unit_diagonal)
    return np.swapaxes(xt, -1, -2)


def _cabs1(x: np.ndarray) -> np.ndarray:
    """The pivoting magnitude of LAPACK's ``getrf``: ``|x|``, or ``|re x| + |im x|`` if complex."""
    if x.dtype.kind == "c":
        return np.abs(x.real) + np.abs(x.imag)
    return np.abs(x)


def _swap_rows(a: np.ndarray, perm: np.ndarray, bidx: np.ndarray, k: int, p: np.ndarray) -> None:
    rows_k = a[bidx, k, :].copy()
    a[bidx, k, :] = a[bidx, p, :]
    a[bidx, p, :] = rows_k
    pk = perm[bidx, k].copy()
    perm[bidx, k] = perm[bidx, p]
    perm[bidx, p] = pk


def _lu_columns_2d(a: np.ndarray, perm: np.ndarray, piv: np.ndarray, c0: int, c1: int) -> None:
    """The unblocked step for a single matrix.

    The panel is factored transposed (its columns contiguous); the rows it interchanged
    are then moved in the other columns and in ``perm`` at once.
    """
    pt = np.ascontiguousarray(a[c0:, c0:c1].T)  # pt[j] is column c0 + j, rows c0:
    local = np.arange(pt.shape[1])
    w = c1 - c0
    for j in range(w):
        p = int(np.argmax(_cabs1(pt[j, j:]))) + j
        piv[c0 + j] = c0 + p
        if p != j:
            pt[:, [j, p]] = pt[:, [p, j]]
            local[[j, p]] = local[[p, j]]
        d = pt[j, j]
        if d != 0:  # LAPACK leaves a zero column unscaled (it is all zeros)
            pt[j, j + 1 :] /= d
        if j + 1 < w:
            pt[j + 1 :, j + 1 :] -= np.multiply.outer(pt[j + 1 :, j], pt[j, j + 1 :])
    a[c0:, c0:c1] = pt.T
    moved = np.nonzero(local != np.arange(local.size))[0]
    if moved.size:
        dst, src = c0 + moved, c0 + local[moved]
        if c0:
            a[dst, :c0] = a[src, :c0]
        if c1 < a.shape[1]:
            a[dst, c1:] = a[src, c1:]
        perm[dst] = perm[src]


def _lu_panel(a: np.ndarray, perm: np.ndarray, piv: np.ndarray, c0: int, c1: int) -> None:
    """Factor columns ``c0:c1`` (rows ``c0:``) in place; row swaps apply to whole rows."""
    bidx = np.arange(a.shape[0])
    if c1 - c0 <= _LU_BLOCK and a.shape[0] == 1:
        _lu_columns_2d(a[0], perm[0], piv[0], c0, c1)
        return
    if c1 - c0 <= _LU_BLOCK:
        for k in range(c0, c1):
            p = np.argmax(_cabs1(a[:, k:, k]), axis=1) + k
            piv[:, k] = p
            if np.any(p != k):
                _swap_rows(a, perm, bidx, k, p)
            d = a[:, k, k]
            nz = d != 0  # LAPACK leaves a zero column unscaled (it is all zeros)
            scale = np.where(nz, d, 1.0)
            a[:, k + 1 :, k] /= scale[:, None]
            if k + 1 < c1:
                a[:, k + 1 :, k + 1 : c1] -= a[:, k + 1 :, k, None] * a[:, k, None, k + 1 : c1]
        return
    mid = (c0 + c1) // 2
    _lu_panel(a, perm, piv, c0, mid)
    a[:, c0:mid, mid:c1] = trsm(a[:, c0:mid, c0:mid], a[:, c0:mid, mid:c1], True, True)
    if mid < a.shape[1]:
        a[:, mid:, mid:c1] -= a[:, mid:, c0:mid] @ a[:, c0:mid, mid:c1]
    _lu_panel(a, perm, piv, mid, c1)


def lu_factor(a: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LU with partial pivoting of ``(..., m, n)`` matrices: ``a[perm] = L @ U``.

    Returns ``(lu, pivots, permutation)`` as ``jax.lax.linalg.lu``: ``lu`` holds ``U``
    in its upper triangle and ``L`` (unit diagonal, not stored) below; ``pivots[i]``
    is the row swapped with row ``i`` at step ``i`` (0-based, int32);
    ``permutation`` is the resulting row order (int32).
    """
    a = np.asarray(a)
    dt = np.result_type(a.dtype, np.float64) if a.dtype.kind not in "fc" else a.dtype
    batch = a.shape[:-2]
    m, n = a.shape[-2:]
    k = min(m, n)
    w = np.array(a, dtype=dt).reshape((-1, m, n))
    nb = w.shape[0]
    perm = np.tile(np.arange(m, dtype=np.int32), (nb, 1))
    piv = np.zeros((nb, k), dtype=np.int32)
    with np.errstate(all="ignore"):
        if k:
            _lu_panel(w, perm, piv, 0, k)
        if n > k:
            w[:, :k, k:] = trsm(w[:, :k, :k], w[:, :k, k:], True, True)
    return w.reshape(batch + (m, n)), piv.reshape(batch + (k,)), perm.reshape(batch + (m,))


def lu_solve(lu: np.ndarray, perm: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``x`` with ``A x = b`` given ``lu_factor(A)`` (square, batched like ``b``)."""
    pb = np.take_along_axis(b, perm[..., :, None].astype(np.intp), axis=-2)
    with np.errstate(all="ignore"):
        y = trsm(lu, pb, True, True)
        return trsm(lu, y, False, False)


def solve(a: Any, b: Any) -> np.ndarray:
    """``numpy.linalg.solve`` for matrix right-hand sides, with inf/nan for singular ``a`` (as JAX)."""
    try:
        return np.linalg.solve(a, b)
    except np.linalg.LinAlgError:
        lu, _, perm = lu_factor(a)
        a = np.asarray(a)
        b = np.broadcast_to(b, a.shape[:-2] + np.shape(b)[-2:])
        return lu_solve(lu, perm, b)


def inv(a: Any) -> np.ndarray:
    """``numpy.linalg.inv``, with inf/nan for singular ``a`` (as JAX) instead of raising."""
    try:
        return np.linalg.inv(a)
    except np.linalg.LinAlgError:
        a = np.asarray(a)
        eye = np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return solve(a, eye)


def cholesky(a: Any) -> np.ndarray:
    """Lower Cholesky factor; a matrix that is not positive definite gives NaNs (as JAX)."""
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        a = np.asarray(a)
        flat = a.reshape((-1,) + a.shape[-2:])
        out = np.empty(flat.shape, a.dtype if a.dtype.kind in "fc" else np.float64)
        for i, m in enumerate(flat):
            try:
                out[i] = np.linalg.cholesky(m)
            except np.linalg.LinAlgError:
                out[i] = np.tril(np.full(m.shape, np.nan))  # as JAX: NaN below, zeros above
        return out.reshape(a.shape)


# --------------------------------------------------------------------------- expm (Pade 13)

_PADE13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA13 = 5.371920351148152


def expm(a: Any) -> np.ndarray:
    """Matrix exponential by scaling and squaring with the [13/13] Pade approximant (Higham 2005)."""
    a = np.asarray(a, dtype=np.result_type(np.asarray(a).dtype, np.float64))
    n = a.shape[-1]
    if n == 0:
        return a.copy()
    norm1 = np.max(np.sum(np.abs(a), axis=-2), axis=-1)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(np.max(norm1) / _THETA13))) if np.max(norm1) > 0 else 0.0
    s = int(s) if np.isfinite(s) else 0
    a = a / (2.0**s)
    b = _PADE13
    eye = np.broadcast_to(np.eye(n, dtype=a.dtype), a.shape)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2) + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * eye)
    v = a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2) + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * eye
    r = solve(v - u, v + u)
    for _ in range(s):
        r = r @ r
    return r


# --------------------------------------------------------------------------- Cholesky derivatives

_CHOL_REV_BLOCK = 64


def _mt(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)


def _phi(x: np.ndarray) -> np.ndarray:
    """The lower triangle with the diagonal halved."""
    out = np.tril(x)
    i = np.arange(x.shape[-1])
    out[..., i, i] *= 0.5
    return out


def cholesky_tangent(l_: Any, s: Any) -> np.ndarray:
    """``dL = L phi(L^-1 sym(S) L^-T)``: the tangent of the Cholesky factor ``L`` along ``S``."""
    l_, s = np.asarray(l_), np.asarray(s)
    cplx = l_.dtype.kind == "c" or s.dtype.kind == "c"
    sym = 0.5 * (s + (_mt(s).conj() if cplx else _mt(s)))  # the Hermitian part if complex
    tmp = triangular_solve(l_, sym, False, True, True, False, cplx)  # sym L^-H
    x = triangular_solve(l_, tmp, True, True, False, False)
    return l_ @ _phi(x)


def _cholesky_rev_small(l_: np.ndarray, lbar: np.ndarray) -> np.ndarray:
    # Murray (2016), symbolic form: Abar = phi(X + X^T), X = L^-T phi(L^T Lbar) L^-1
    p = _phi(_mt(l_) @ lbar)
    x = triangular_solve(l_, p, True, True, True, False)
    x = triangular_solve(l_, x, False, True, False, False)
    return _phi(x + _mt(x))


def cholesky_cotangent(l_: Any, lbar: Any) -> np.ndarray:
    """The (symmetric) cotangent of ``A`` given the cotangent ``lbar`` of ``L = cholesky(A)``.

    Murray (2016)'s blocked reverse-mode algorithm: blocks of ``_CHOL_REV_BLOCK`` columns
    from the last, each a few matrix products plus the symbolic formula on its diagonal
    block, about ``2/3 n^3`` flops in all (the adjoint of :func:`cholesky_tangent`).
    """
    l_ = np.asarray(l_)
    if l_.dtype.kind == "c" or np.asarray(lbar).dtype.kind == "c":
        # the transpose of L phi(L^-1 herm(S) L^-H) under Re(sum(a * b)) (no conjugation):
        # herm(L^-T phi(L^T C) conj(L)^-1), by the symbolic formula
        with np.errstate(all="ignore"):
            y = triangular_solve(l_, _phi(_mt(l_) @ np.asarray(lbar)), True, True, True, False)
            x = triangular_solve(l_, y, False, True, False, False, True)
        return 0.5 * (x + _mt(x).conj())
    abar = np.tril(np.asarray(lbar, dtype=np.result_type(l_.dtype, np.asarray(lbar).dtype)))
    n = l_.shape[-1]
    with np.errstate(all="ignore"):
        for k in range(n, 0, -_CHOL_REV_BLOCK):
            j = max(0, k - _CHOL_REV_BLOCK)
            r, d, b, c = l_[..., j:k, :j], l_[..., j:k, j:k], l_[..., k:, :j], l_[..., k:, j:k]
            cbar = triangular_solve(d, abar[..., k:, j:k], False, True, False, False)
            abar[..., k:, j:k] = cbar
            abar[..., k:, :j] -= cbar @ r
            dbar = _cholesky_rev_small(d, np.tril(abar[..., j:k, j:k] - _mt(cbar) @ c))
            abar[..., j:k, j:k] = dbar
            abar[..., j:k, :j] -= _mt(cbar) @ b + (dbar + _mt(dbar)) @ r
    return 0.5 * (abar + _mt(abar))
