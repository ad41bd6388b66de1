"""``functrans.scipy.linalg``: the core of ``scipy.linalg``, differentiable, on NumPy alone.

No SciPy is needed at run time. Results follow SciPy's conventions where it defines
them and JAX's (``jax.scipy.linalg``) where they differ: ``cho_factor`` returns the
factor with zeros in the other triangle; ``lu_factor``'s pivots are 0-based int32;
singular matrices give inf/nan rather than raising.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer
from functrans._src.custom_derivatives import custom_jvp
from functrans._src.lax import linalg as L
from functrans._src.lax import linalg_solve as LS
from functrans._src.numpy import linalg as nla

__all__ = [
    "block_diag", "cho_factor", "cho_solve", "det", "expm", "expm_frechet", "inv", "lu", "lu_factor",
    "lu_solve", "solve", "solve_triangular",
]  # fmt: skip


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _square(name: str, a: Any) -> None:
    s = _shape(a)
    if len(s) < 2 or s[-1] != s[-2]:
        raise ValueError(f"{name}: expected a square matrix, got shape {s}")


def _rhs(name: str, a: Any, b: Any, axis_rows: int = -2) -> tuple[Any, bool]:
    """``b`` as a stack of matrices matching ``a``'s batch axes; whether it was a vector."""
    n = _shape(a)[-1]
    sb = _shape(b)
    vec = len(sb) == 1
    if vec:
        b = lax.reshape(b, (sb[0], 1))
    if _shape(b)[-2] != n:
        raise ValueError(f"{name}: incompatible shapes: a has shape {_shape(a)}, b has shape {sb}")
    return nla._bcast_batch(a, b, 2, 2) + (vec,)  # type: ignore[return-value]


def _unvec(x: Any, vec: bool) -> Any:
    return lax.reshape(x, _shape(x)[:-1]) if vec else x


def solve_triangular(
    a: Any,
    b: Any,
    trans: int | str = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """Solve ``op(a) x = b`` for triangular ``a``; ``trans`` 0/'N', 1/'T' or 2/'C' (``a.conj().T``; = 'T' for real)."""
    t = {0: False, 1: True, 2: True, "N": False, "T": True, "C": True}.get(trans)  # type: ignore[call-overload]
    if t is None:
        raise ValueError(f"solve_triangular: invalid trans argument {trans!r}: expected 0, 1, 2, 'N', 'T' or 'C'")
    a, b = nla._inexact(a), nla._inexact(b)
    _square("solve_triangular", a)
    a, b2, vec = _rhs("solve_triangular", a, b)
    return _unvec(
        L.triangular_solve(
            a, b2, left_side=True, lower=lower, transpose_a=t, unit_diagonal=unit_diagonal,
            conjugate_a=trans in (2, "C"),
        ),
        vec,
    )


def cho_factor(a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True) -> tuple[Any, bool]:
    """``(c, lower)``: the Cholesky factor of ``a`` (read from its ``lower`` or upper triangle), zeros elsewhere."""
    a = nla._inexact(a)
    _square("cho_factor", a)
    if lower:
        return L.cholesky(a), lower
    return L.mH(L.cholesky(L.mH(a))), lower


def cho_solve(c_and_lower: tuple[Any, bool], b: Any, overwrite_b: bool = False, check_finite: bool = True) -> Any:
    """Solve ``a x = b`` given ``cho_factor(a)``."""
    c, lower = c_and_lower
    c, b = nla._inexact(c), nla._inexact(b)
    c, b2, vec = _rhs("cho_solve", c, b)
    if lower:
        y = L.triangular_solve(c, b2, lower=True)
        x = L.triangular_solve(c, y, lower=True, transpose_a=True, conjugate_a=True)
    else:
        y = L.triangular_solve(c, b2, lower=False, transpose_a=True, conjugate_a=True)
        x = L.triangular_solve(c, y, lower=False)
    return _unvec(x, vec)


def lu_factor(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> tuple[Any, Any]:
    """``(lu, piv)``: packed LU with partial pivoting; ``piv[i]`` is the row swapped with row ``i`` (0-based)."""
    a = nla._inexact(a)
    lu_, piv, _ = L.lu(a)
    return lu_, piv


def _pivots_to_permutation(piv: Any, m: int) -> Any:
    if not isinstance(piv, Tracer):
        piv = np.asarray(piv)
        flat = piv.reshape(-1, piv.shape[-1])
        perm = np.tile(np.arange(m, dtype=np.int32), (flat.shape[0], 1))
        for r, p in enumerate(flat):
            for i, j in enumerate(p):
                perm[r, i], perm[r, j] = perm[r, j], perm[r, i]
        return perm.reshape(piv.shape[:-1] + (m,))
    # traced pivots: apply the swaps one by one with selects (O(k m))
    iota = np.arange(m, dtype=np.int32)
    perm: Any = np.broadcast_to(iota, _shape(piv)[:-1] + (m,))
    for i in range(_shape(piv)[-1]):
        j = lax.reshape(lax.index(piv, (Ellipsis, slice(i, i + 1))), _shape(piv)[:-1] + (1,))
        at_j = lax.eq(iota, j)
        pj = lax.reduce_sum(lax.select(at_j, perm, 0), (len(_shape(piv)) - 1,), keepdims=True)
        pi = lax.index(perm, (Ellipsis, slice(i, i + 1)))
        perm = lax.select(iota == i, pj, lax.select(at_j, pi, perm))
    return perm


def lu_solve(
    lu_and_piv: tuple[Any, Any], b: Any, trans: int = 0, overwrite_b: bool = False, check_finite: bool = True
) -> Any:
    """Solve ``a x = b`` (``trans=0``), ``a.T x = b`` (1) or ``a.conj().T x = b`` (2) given ``lu_factor(a)``."""
    lu_, piv = lu_and_piv
    lu_, b = nla._inexact(lu_), nla._inexact(b)
    if trans not in (0, 1, 2):
        raise ValueError(f"lu_solve: trans must be 0, 1 or 2, got {trans!r}")
    perm = _pivots_to_permutation(piv, _shape(lu_)[-1])
    lu_, b2, vec = _rhs("lu_solve", lu_, b)
    return _unvec(LS.lu_solve(lu_, perm, b2, trans=int(trans)), vec)


def lu(a: Any, permute_l: bool = False, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """``(p, l, u)`` with ``a = p @ l @ u`` (or ``(p @ l, u)`` if ``permute_l``)."""
    a = nla._inexact(a)
    nla._assert_stacked_2d("lu", a)
    lu_, _, perm = L.lu(a)
    s = _shape(a)
    m, n = s[-2:]
    k = min(m, n)
    l_ = lax.add(L.tril(lax.index(lu_, (Ellipsis, slice(0, m), slice(0, k))), -1), np.eye(m, k, dtype=lu_.dtype))
    u = L.triu(lax.index(lu_, (Ellipsis, slice(0, k), slice(0, n))))
    p = L.mT(
        lax.convert_element_type(
            lax.eq(lax.reshape(perm, _shape(perm) + (1,)), np.arange(m, dtype=np.int32)), lu_.dtype
        )
    )
    if permute_l:
        return L.matmul(p, l_), u
    return p, l_, u


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """Determinant (as :func:`functrans.numpy.linalg.det`)."""
    return nla.det(a)


def inv(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """Inverse (as :func:`functrans.numpy.linalg.inv`)."""
    return nla.inv(a)


def solve(a: Any, b: Any, lower: bool = False, overwrite_a: bool = False, overwrite_b: bool = False,
          check_finite: bool = True, assume_a: str | None = None, transposed: bool = False) -> Any:  # fmt: skip
    """Solve ``a x = b`` (``b`` a vector or a matrix, as SciPy); ``assume_a='pos'`` uses Cholesky."""
    a, b = nla._inexact(a), nla._inexact(b)
    _square("solve", a)
    if transposed:
        a = L.mT(a)
    if assume_a in ("pos", "positive definite"):
        return _pos_solve(a, b, bool(lower))
    a, b2, vec = _rhs("solve", a, b)
    return _unvec(LS.solve(a, b2), vec)


@functools.partial(custom_jvp, nondiff_argnums=(2,))
def _pos_solve(a: Any, b: Any, lower: bool) -> Any:
    """``a^-1 b`` by Cholesky (reading one triangle of ``a``). Its derivative is that of a linear
    solve with the full ``a`` (``dx = a^-1 (db - da x)``), as JAX's custom_linear_solve: the
    gradient for ``a`` is ``-a^-T g x^T`` on both triangles, not symmetrised."""
    return cho_solve(cho_factor(a, lower=lower), b)


@_pos_solve.defjvp
def _pos_solve_jvp(lower: bool, primals: tuple[Any, Any], tangents: tuple[Any, Any]) -> tuple[Any, Any]:
    (a, b), (da, db) = primals, tangents
    x = _pos_solve(a, b, lower)
    xm = x if len(_shape(x)) >= 2 else lax.reshape(x, _shape(x) + (1,))
    dax = lax.reshape(L.matmul(da, xm), _shape(x))
    # an LU solve (not _pos_solve): linear in the tangents (triangular solves), so reverse mode
    # transposes it, and its derivatives in a are again a full-matrix solve's, as JAX's
    return x, lu_solve(lu_factor(a), lax.sub(db, dax))


def expm(A: Any) -> Any:  # noqa: N803
    """Matrix exponential (Pade [13/13] with scaling and squaring); derivative by the Frechet derivative."""
    a = nla._inexact(A)
    _square("expm", a)
    return LS.expm(a)


def expm_frechet(A: Any, E: Any, method: Any = None, compute_expm: bool = True, check_finite: bool = True) -> Any:  # noqa: N803
    """``(expm(A), L(A, E))`` (or ``L`` alone if not ``compute_expm``): the Frechet derivative of expm."""
    a, e = nla._inexact(A), nla._inexact(E)
    _square("expm_frechet", a)
    if _shape(e) != _shape(a):
        raise ValueError(f"expm_frechet: expected A and E of the same shape, got {_shape(a)} and {_shape(e)}")
    f = LS.expm_frechet(a, e)
    return (LS.expm(a), f) if compute_expm else f


def block_diag(*arrs: Any) -> Any:
    """The block-diagonal matrix of the arguments (scalars are 1x1, vectors 1xn), as SciPy."""
    if not arrs:
        return np.zeros((1, 0))
    mats = []
    for a in arrs:
        a = a if isinstance(a, Tracer) else np.asarray(a)
        s = _shape(a)
        if len(s) > 2:
            raise ValueError(f"block_diag: arguments must have two or fewer dimensions, got shape {s}")
        mats.append(lax.reshape(a, (1,) * (2 - len(s)) + s))
    dt = np.result_type(*[m.dtype for m in mats])
    mats = [m if m.dtype == dt else lax.convert_element_type(m, dt) for m in mats]
    total = sum(_shape(m)[1] for m in mats)
    rows = []
    col = 0
    for m in mats:
        r, c = _shape(m)
        parts = []
        if col:
            parts.append(np.zeros((r, col), dt))
        parts.append(m)
        if total - col - c:
            parts.append(np.zeros((r, total - col - c), dt))
        rows.append(parts[0] if len(parts) == 1 else lax.concatenate(parts, 1))
        col += c
    return rows[0] if len(rows) == 1 else lax.concatenate(rows, 0)
