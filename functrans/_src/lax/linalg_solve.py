"""Linear algebra, part 2: solves, inverses, determinants and the matrix exponential.

The factorizations and the triangular solve are in :mod:`functrans._src.lax.linalg`
(see its table of rules). Here:

=====================  =====================================================  =======================
primitive              JVP (written with primitives, so differentiable again)  transpose
=====================  =====================================================  =======================
``solve``              ``x = LU\\b``, ``dx = LU\\(db - dA x)``: one LU         -- (the tangent solves are
                       of ``a``, reused by every tangent                       triangular_solves)
``inv``                ``-X dA X``                                             --
``slogdet``            ``tr(A^-1 dA)`` with ``A^-1`` computed once             --
``det``                ``tr(adj(A) dA)``, adjugate by a cofactor solve          --
                       (finite at singular ``A``, as JAX)
``expm``               ``expm_frechet(a, da)``                                 --
``expm_frechet``       block ``expm`` of ``[[A, E], [0, A]]``; linear in E     in ``e``: with ``a^T``
``pinv``               Golub & Pereyra (1973), as JAX (finite at constant     --
                       rank, rank-deficient or not)
=====================  =====================================================  =======================
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, bind, is_undefined
from functrans._src.lax import linalg_kernels as K
from functrans._src.lax.comparisons import convert_element_type, eq, logical_or, ne, select
from functrans._src.lax.elementwise import abs as abs_
from functrans._src.lax.elementwise import add, div, mul, neg, sub
from functrans._src.lax.linalg import (
    _batch_front_rule,
    _batch_to_front,
    _eye_like,
    _fold_rhs,
    _real_dtype,
    _square_check,
    as_dtype_of,
    conj,
    diagonal,
    imag,
    is_complex,
    lu,
    matmul,
    mH,
    mT,
    permute_rows,
    real,
    triangular_solve,
)
from functrans._src.lax.reductions import reduce_prod, reduce_sum
from functrans._src.lax.rules import _BY_NAME, _prim, _shape, allow_complex
from functrans._src.lax.shape import broadcast_to, concatenate, reshape
from functrans._src.lax.slicing import index

__all__ = [
    "lu_solve", "solve", "solve_p", "inv", "inv_p", "slogdet", "slogdet_p", "det", "det_p", "adjugate",
    "expm", "expm_p", "expm_frechet", "expm_frechet_p", "pinv", "pinv_p", "eig", "eig_p",
]  # fmt: skip


def lu_solve(lu_: Any, perm: Any, b: Any, trans: int = 0) -> Any:
    """``x`` with ``A x = b`` (``trans=0``), ``A^T x = b`` (``trans=1``) or ``A^H x = b`` (``trans=2``)
    from ``lu(A)``; ``b`` is ``(..., n, k)``."""
    if trans:
        c = trans == 2
        y = triangular_solve(lu_, b, left_side=True, lower=False, transpose_a=True, conjugate_a=c)
        z = triangular_solve(lu_, y, left_side=True, lower=True, transpose_a=True, unit_diagonal=True, conjugate_a=c)
        return permute_rows(z, perm, inverse=True)
    y = triangular_solve(lu_, permute_rows(b, perm), left_side=True, lower=True, unit_diagonal=True)
    return triangular_solve(lu_, y, left_side=True, lower=False)


# --------------------------------------------------------------------------- solve

solve_p = _prim("solve")
solve_p.impl = K.solve


def _solve_abstract_eval(a: ShapedArray, b: ShapedArray) -> ShapedArray:
    _square_check("solve", a)
    if b.ndim != a.ndim or b.shape[:-2] != a.shape[:-2] or b.shape[-2] != a.shape[-1]:
        raise ValueError(f"solve: b of shape {b.shape} does not match a of shape {a.shape}")
    return ShapedArray(b.shape, np.result_type(a.dtype, b.dtype))


solve_p.abstract_eval = _solve_abstract_eval


def solve(a: Any, b: Any) -> Any:
    """``x`` with ``a x = b`` for stacks ``a`` ``(..., n, n)`` and ``b`` ``(..., n, k)``."""
    return bind(solve_p, (a, b), {})


def _solve_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    # One LU of a serves the primal and every tangent (the tangent solves are linear in
    # the right-hand side, with the factor as a residual: reverse mode transposes them).
    (a, b), (da, db) = primals, tangents
    lu_, _, perm = lu(a)
    x = lu_solve(lu_, perm, b)
    rhs = db
    if da is not None:
        t = neg(matmul(da, x))
        rhs = t if rhs is None else add(rhs, t)
    return x, lu_solve(lu_, perm, rhs)


def _solve_batch(vals: Sequence[Any], dims: Sequence[int | None]) -> Any:
    (a, b), (da, db) = vals, dims
    if da is None:
        return _fold_rhs(solve_p, a, b, db, {}, cols=True)  # type: ignore[arg-type]
    return _batch_to_front(solve_p, vals, dims, {})


solve_p.jvp = _solve_jvp
solve_p.batch = _solve_batch

# --------------------------------------------------------------------------- inv, slogdet, det

inv_p = _prim("inv")
inv_p.impl = K.inv


def _inv_abstract_eval(a: ShapedArray) -> ShapedArray:
    _square_check("inv", a)
    return ShapedArray(a.shape, a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64))


inv_p.abstract_eval = _inv_abstract_eval


def inv(a: Any) -> Any:
    """Inverse of a stack of square matrices (inf/nan where singular, as JAX)."""
    return bind(inv_p, (a,), {})


def _inv_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (a,), (da,) = primals, tangents
    x = inv(a)
    return x, neg(matmul(matmul(x, da), x))


inv_p.jvp = _inv_jvp
inv_p.batch = _batch_front_rule(inv_p)

slogdet_p = _prim("slogdet", multiple_results=True)
slogdet_p.impl = lambda a: list(np.linalg.slogdet(a))


def _det_abstract_eval(a: ShapedArray) -> ShapedArray:
    _square_check("det", a)
    return ShapedArray(a.shape[:-2], a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64))


def _slogdet_abstract_eval(a: ShapedArray) -> list[ShapedArray]:
    sign = _det_abstract_eval(a)
    return [sign, ShapedArray(sign.shape, _real_dtype(sign.dtype))]  # logabsdet is real


slogdet_p.abstract_eval = _slogdet_abstract_eval


def slogdet(a: Any) -> list[Any]:
    """``[sign, logabsdet]`` of a stack of square matrices (``sign`` complex of modulus 1 for complex ``a``)."""
    return bind(slogdet_p, (a,), {})


def _slogdet_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    # d log|det A| = tr(A^-1 dA): the inverse is computed once and is the residual, so a
    # tangent costs O(n^2) and reverse mode one transposed product.
    (a,), (da,) = primals, tangents
    out = slogdet(a)
    nd = len(_shape(a))
    t = reduce_sum(mul(mT(inv(a)), da), (nd - 2, nd - 1))
    if is_complex(t):  # as JAX: d sign = i Im(t) sign, d logabsdet = Re(t)
        i_im = mul(convert_element_type(imag(t), t.dtype), np.asarray(1j, t.dtype))
        return out, [mul(i_im, out[0]), real(t)]
    return out, [None, t]


slogdet_p.jvp = _slogdet_jvp
slogdet_p.batch = _batch_front_rule(slogdet_p)

det_p = _prim("det")
det_p.impl = np.linalg.det
det_p.abstract_eval = _det_abstract_eval


def det(a: Any) -> Any:
    """Determinant of a stack of square matrices."""
    return bind(det_p, (a,), {})


def adjugate(a: Any) -> Any:
    """The adjugate of a stack of square matrices (see :func:`_adjugate`)."""
    with np.errstate(all="ignore"):
        return _adjugate(a)


def _adjugate(a: Any) -> Any:
    """The adjugate (``det(a) inv(a)`` where invertible; finite for rank ``n-1``), by a cofactor solve.

    As JAX's cofactor solve: the LU's last pivot is replaced by ``1 / det(U[:-1, :-1])``
    so that the solve stays finite when ``a`` has rank ``n - 1``; matrices of lower rank
    (whose adjugate is zero) are filtered to zero.
    """
    s = _shape(a)
    n = s[-1]
    nd = len(s)
    if n == 1:
        return np.ones(s, a.dtype)
    lu_, piv, perm = lu(a)
    sign = reduce_prod(select(eq(piv, np.arange(n, dtype=np.int32)), 1.0, -1.0), (nd - 2,))
    d = diagonal(lu_)
    det_full = mul(_prod_last(d), sign)
    det_lead = mul(_prod_last(index(d, (Ellipsis, slice(0, n - 1)))), sign)
    last = np.zeros((n, n), bool)
    last[-1, -1] = True
    lu_mod = select(last, reshape(_recip(det_lead), s[:-2] + (1, 1)), lu_)
    ones = np.ones(s[:-1] + (1,), lu_.dtype)
    t = triangular_solve(lu_mod, ones, left_side=True, lower=False)
    bad_el = convert_element_type(_nonfinite(t), _real_dtype(lu_.dtype))
    bad = reshape(reduce_sum(bad_el, (nd - 2, nd - 1)), s[:-2] + (1, 1))
    bad = ne(bad, 0.0)
    x = select(bad, 0.0, _eye_like(s, lu_.dtype))
    x = permute_rows(x, perm)
    x = triangular_solve(lu_mod, x, left_side=True, lower=True, unit_diagonal=True)
    scale = concatenate(
        [broadcast_to(reshape(det_full, s[:-2] + (1, 1)), s[:-2] + (n - 1, 1)), np.ones(s[:-2] + (1, 1), x.dtype)],
        nd - 2,
    )
    x = mul(x, scale)
    x = triangular_solve(lu_mod, x, left_side=True, lower=False)
    return select(bad, 0.0, x)


def _nonfinite(t: Any) -> Any:
    """Elementwise ``isnan(t) | isinf(t)`` (a boolean, no tangent)."""
    if is_complex(t):  # Re(t * 0) is nan exactly where a part of t is inf or nan
        z = real(mul(t, np.asarray(0, t.dtype)))
        return ne(z, z)
    return logical_or(ne(t, t), eq(abs_(t), np.inf))


def _recip(x: Any) -> Any:
    """``1 / x``; complex: ``conj(x) / |x|^2`` while ``div``'s derivative in its divisor
    (``integer_pow``) does not take complex values."""
    if not is_complex(x) or _BY_NAME["integer_pow"].complex_ok:
        return div(1.0, x)
    xc = conj(x)
    return mul(xc, as_dtype_of(div(1.0, real(mul(x, xc))), xc))


def _prod_last(x: Any) -> Any:
    """The product over the last axis (complex: by multiplications, unless ``reduce_prod`` takes complex)."""
    nd = len(_shape(x))
    if not is_complex(x) or _BY_NAME["reduce_prod"].complex_ok:
        return reduce_prod(x, (nd - 1,))
    k = _shape(x)[-1]
    out = None
    for i in range(k):
        xi = index(x, (Ellipsis, i))
        out = xi if out is None else mul(out, xi)
    return np.ones(_shape(x)[:-1], x.dtype) if out is None else out


def _det_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (a,), (da,) = primals, tangents
    nd = len(_shape(a))
    return det(a), reduce_sum(mul(mT(adjugate(a)), da), (nd - 2, nd - 1))


det_p.jvp = _det_jvp
det_p.batch = _batch_front_rule(det_p)

# --------------------------------------------------------------------------- expm

expm_p = _prim("expm")
expm_p.impl = K.expm
expm_frechet_p = _prim("expm_frechet")


def _expm_abstract_eval(a: ShapedArray, *rest: ShapedArray) -> ShapedArray:
    _square_check("expm", a)
    for e in rest:
        if e.shape != a.shape:
            raise ValueError(f"expm_frechet: the direction's shape {e.shape} differs from the matrix's {a.shape}")
    return ShapedArray(a.shape, a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64))


expm_p.abstract_eval = _expm_abstract_eval
expm_frechet_p.abstract_eval = _expm_abstract_eval


def _block(a: Any, e: Any, zero_e: bool = False) -> Any:
    """``[[a, e], [0, a]]`` (with ``e`` zero if ``zero_e``)."""
    nd = len(_shape(a))
    z = np.zeros(_shape(a), a.dtype)
    top = concatenate([a, z if zero_e else e], nd - 1)
    return concatenate([top, concatenate([z, a], nd - 1)], nd - 2)


def _expm_frechet_impl(a: Any, e: Any) -> np.ndarray:
    n = np.shape(a)[-1]
    a, e = np.asarray(a), np.asarray(e)
    big = np.concatenate([np.concatenate([a, e], -1), np.concatenate([np.zeros_like(a), a], -1)], -2)
    return K.expm(big)[..., :n, n:]


expm_frechet_p.impl = _expm_frechet_impl


def expm(a: Any) -> Any:
    """Matrix exponential (scaling and squaring, Pade [13/13])."""
    return bind(expm_p, (a,), {})


def expm_frechet(a: Any, e: Any) -> Any:
    """The Frechet derivative of ``expm`` at ``a`` in direction ``e`` (linear in ``e``)."""
    return bind(expm_frechet_p, (a, e), {})


def _expm_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (a,), (da,) = primals, tangents
    return expm(a), expm_frechet(a, da)


def _expm_frechet_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    # L(A, E) is the top-right block of expm([[A, E], [0, A]]); its derivative in A along
    # dA is the top-right block of that block matrix's Frechet derivative along diag(dA, dA).
    (a, e), (da, de) = primals, tangents
    out = expm_frechet(a, e)
    n = _shape(a)[-1]
    t = None if de is None else expm_frechet(a, de)
    if da is not None:
        big = expm_frechet(_block(a, e), _block(da, None, zero_e=True))
        t2 = index(big, (Ellipsis, slice(0, n), slice(n, 2 * n)))
        t = t2 if t is None else add(t, t2)
    return out, t


def _expm_frechet_transpose(ct: Any, a: Any, e: Any) -> list[Any]:
    if is_undefined(a):
        raise NotImplementedError("expm_frechet is linear in its direction only")
    return [None, expm_frechet(mT(a), ct)]


expm_p.jvp = _expm_jvp
expm_p.batch = _batch_front_rule(expm_p)
expm_frechet_p.jvp = _expm_frechet_jvp
expm_frechet_p.transpose = _expm_frechet_transpose
expm_frechet_p.batch = _batch_front_rule(expm_frechet_p)


# --------------------------------------------------------------------------- pinv

pinv_p = _prim("pinv")


def _pinv_impl(a: Any, rtol: float) -> np.ndarray:
    a = np.asarray(a)
    if a.shape[-1] == 0 or a.shape[-2] == 0:
        return np.zeros(a.shape[:-2] + (a.shape[-1], a.shape[-2]), a.dtype)
    return np.linalg.pinv(a, rcond=rtol)


pinv_p.impl = _pinv_impl


def _pinv_abstract_eval(a: ShapedArray, rtol: float) -> ShapedArray:
    if a.ndim < 2:
        raise ValueError(f"pinv: expected a (stack of) matrices, got shape {a.shape}")
    dt = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    return ShapedArray(a.shape[:-2] + (a.shape[-1], a.shape[-2]), dt)


pinv_p.abstract_eval = _pinv_abstract_eval


def pinv(a: Any, rtol: float) -> Any:
    """Moore-Penrose pseudo-inverse, cutting singular values below ``rtol * max(s)``."""
    return bind(pinv_p, (a,), {"rtol": float(rtol)})


def _pinv_jvp(primals: Sequence[Any], tangents: Sequence[Any], rtol: float) -> tuple[Any, Any]:
    # Golub & Pereyra (1973): valid wherever the rank is locally constant, rank-deficient
    # or not (as JAX's rule).
    (a,), (da,) = primals, tangents
    p = pinv(a, rtol)
    m, n = _shape(a)[-2:]
    pt, dat = mH(p), mH(da)
    if m >= n:
        s = matmul(matmul(p, pt), dat)
        t = matmul(matmul(dat, pt), p)
        dp = add(neg(matmul(matmul(p, da), p)), add(s, t))
        dp = sub(dp, add(matmul(matmul(s, a), p), matmul(matmul(p, a), t)))
    else:
        s = matmul(p, matmul(pt, dat))
        t = matmul(dat, matmul(pt, p))
        dp = add(neg(matmul(p, matmul(da, p))), add(s, t))
        dp = sub(dp, add(matmul(s, matmul(a, p)), matmul(p, matmul(a, t))))
    return p, dp


pinv_p.jvp = _pinv_jvp
pinv_p.batch = _batch_front_rule(pinv_p)

# --------------------------------------------------------------------------- eig

eig_p = _prim("eig", multiple_results=True)


def _eig_impl(a: Any, compute_eigenvectors: bool) -> list[Any]:
    a = np.asarray(a)
    w, v = np.linalg.eig(a)
    cdt = np.result_type(a.dtype, np.complex64)
    return [w.astype(cdt), v.astype(cdt)] if compute_eigenvectors else [w.astype(cdt)]


eig_p.impl = _eig_impl


def _eig_abstract_eval(a: ShapedArray, compute_eigenvectors: bool) -> list[ShapedArray]:
    _square_check("eig", a)
    dt = np.result_type(a.dtype if a.dtype.kind in "fc" else np.float64, np.complex64)
    w = ShapedArray(a.shape[:-1], dt)
    return [w, ShapedArray(a.shape, dt)] if compute_eigenvectors else [w]


eig_p.abstract_eval = _eig_abstract_eval


def eig(a: Any, compute_eigenvectors: bool = True) -> list[Any]:
    """``[w, v]`` (or ``[w]``): the (complex) eigenvalues and right eigenvectors (columns, unit
    norm, as LAPACK's ``geev``) of a general square matrix, as ``jax.lax.linalg.eig``.

    Only the eigenvalues are differentiable (to first order), as in JAX.
    """
    return bind(eig_p, (a,), {"compute_eigenvectors": bool(compute_eigenvectors)})


def _eig_jvp(primals: Sequence[Any], tangents: Sequence[Any], compute_eigenvectors: bool) -> tuple[Any, Any]:
    if compute_eigenvectors:
        raise NotImplementedError(
            "the derivatives of eigenvectors of eig are not implemented (as in JAX), only of eigenvalues: "
            "use functrans.numpy.linalg.eigvals, or eigh for Hermitian matrices"
        )
    # dw = diag(V^-1 dA V) (distinct eigenvalues), as JAX's rule
    (a,), (da,) = primals, tangents
    w, v = eig(a, compute_eigenvectors=True)
    da = da if is_complex(da) else convert_element_type(da, v.dtype)
    lu_, _, perm = lu(v)  # the tangent solve by triangular solves (linear, so reverse mode transposes it)
    return [w], [diagonal(matmul(lu_solve(lu_, perm, da), v))]


eig_p.jvp = _eig_jvp
eig_p.batch = _batch_front_rule(eig_p)

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(solve_p, inv_p, slogdet_p, det_p, expm_p, expm_frechet_p, pinv_p, eig_p)
