"""``functrans.lax.linalg``: the linear-algebra primitives with ``jax.lax.linalg``'s signatures."""

from __future__ import annotations

from typing import Any

from functrans._src import lax as _lax
from functrans._src.lax import linalg as _L
from functrans._src.scipy_linalg import _pivots_to_permutation

__all__ = ["cholesky", "eigh", "lu", "lu_pivots_to_permutation", "qr", "svd", "triangular_solve"]


def _symmetrize(x: Any) -> Any:
    return _lax.mul(_lax.add(x, _L.mT(x)), 0.5)


def cholesky(x: Any, *, symmetrize_input: bool = True) -> Any:
    """Lower Cholesky factor (of ``(x + x.T) / 2`` if ``symmetrize_input``)."""
    return _L.cholesky(_symmetrize(x) if symmetrize_input else x)


def eigh(
    x: Any, *, lower: bool = True, symmetrize_input: bool = True, sort_eigenvalues: bool = True
) -> tuple[Any, Any]:
    """``(v, w)``: eigenvectors (columns) and ascending eigenvalues of a symmetric matrix."""
    v, w = _L.eigh(_symmetrize(x) if symmetrize_input else x, lower=lower)
    return v, w


def lu(x: Any) -> tuple[Any, Any, Any]:
    """``(lu, pivots, permutation)`` with ``x[permutation] = L @ U``."""
    a, piv, perm = _L.lu(x)
    return a, piv, perm


def lu_pivots_to_permutation(pivots: Any, permutation_size: int) -> Any:
    """The row permutation that the row interchanges ``pivots`` make."""
    return _pivots_to_permutation(pivots, int(permutation_size))


def qr(x: Any, *, pivoting: bool = False, full_matrices: bool = True) -> tuple[Any, Any]:
    """``(q, r)`` with ``x = q @ r``."""
    if pivoting:
        raise NotImplementedError("qr: pivoting=True is not supported by functrans")
    q, r = _L.qr(x, full_matrices=full_matrices)
    return q, r


def svd(x: Any, *, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    """``(u, s, vh)`` with ``x = u @ diag(s) @ vh``, or ``s`` if not ``compute_uv``."""
    if not compute_uv:
        return _L.svd(x, full_matrices=False, compute_uv=False)[0]
    s, u, vt = _L.svd(x, full_matrices=full_matrices, compute_uv=True)
    return u, s, vt


def triangular_solve(
    a: Any,
    b: Any,
    *,
    left_side: bool = False,
    lower: bool = False,
    transpose_a: bool = False,
    conjugate_a: bool = False,
    unit_diagonal: bool = False,
) -> Any:
    """Solve ``op(a) x = b`` (``left_side``) or ``x op(a) = b`` for triangular ``a``."""
    return _L.triangular_solve(
        a, b, left_side=left_side, lower=lower, transpose_a=transpose_a, unit_diagonal=unit_diagonal,
        conjugate_a=conjugate_a,
    )
