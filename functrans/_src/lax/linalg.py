"""Linear algebra, part 1: factorizations and the triangular solve, each a primitive with all of its rules.

Every primitive acts on the last two axes and maps over any leading (batch) axes, so
the batching rules only move the vmapped axis to the front; where the matrix operand
is unbatched and the right-hand side is, the batch is folded into the right-hand side's
columns instead (one factorization serves the whole batch: this is what keeps
``hessian`` of a Gaussian-process likelihood at O(1) factorizations).

=====================  =====================================================  =======================
primitive              JVP (written with primitives, so differentiable again)  transpose
=====================  =====================================================  =======================
``cholesky``           ``cholesky_tangent(L, dA)``                             --
``cholesky_tangent``   ``L phi(L^-1 sym(dA) L^-T)`` (Murray 2016)              ``cholesky_cotangent``
``cholesky_cotangent`` its adjoint, by Murray's blocked algorithm              ``cholesky_tangent``
``triangular_solve``   ``-op(a)^-1 op(da) x`` plus the solve of ``db``         in ``b``: the solve
                                                                               with ``op(a)^T``
``lu``                 ``L^-1 P dA U^-1`` split into ``dL``/``dU``             --
                       (pivots/permutation: integer, no tangent)
``eigh``               ``dw = diag(V^T dA V)``, ``dV = V (F o V^T dA V)``      --
                       (``F_ij = 1/(w_j - w_i)``: inf at ties, as JAX)
``svd``                Townsend (2016), as JAX                                 --
``qr``                 as JAX (Walter & Lehmann)                               --
``geqrf``              none: raises NotImplementedError, as JAX                --
=====================  =====================================================  =======================

Solves, inverses, determinants and ``expm`` are in :mod:`functrans._src.lax.linalg_solve`.
The NumPy kernels NumPy lacks (triangular solve, LU with pivots, Pade ``expm``) are in
:mod:`functrans._src.lax.linalg_kernels`; the others call ``numpy.linalg``. Singular
input does not raise: ``inv``/``solve`` give inf/nan, ``cholesky`` of a matrix that is
not positive definite gives NaN, as in JAX.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind, is_undefined
from functrans._src.jvp import jvp_flat
from functrans._src.lax import linalg_kernels as K
from functrans._src.lax.comparisons import convert_element_type, eq
from functrans._src.lax.complex_parts import conj_if_complex, real_part
from functrans._src.lax.complex_parts import imag as complex_imag
from functrans._src.lax.contraction import dot_general
from functrans._src.lax.elementwise import add, div, mul, neg, sub
from functrans._src.lax.rules import _dtype, _prim, _shape, allow_complex, moveaxis
from functrans._src.lax.shape import broadcast_to, concatenate, reshape, transpose
from functrans._src.lax.slicing import index

__all__ = [
    "cholesky", "cholesky_p", "cholesky_tangent", "cholesky_tangent_p", "cholesky_cotangent",
    "cholesky_cotangent_p", "triangular_solve", "triangular_solve_p", "lu", "lu_p", "eigh", "eigh_p",
    "svd", "svd_p", "qr", "qr_p", "geqrf", "geqrf_p",
]  # fmt: skip

# --------------------------------------------------------------------------- helpers (differentiable)


def mT(x: Any) -> Any:
    """Swap the last two axes."""
    nd = len(_shape(x))
    return transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def matmul(a: Any, b: Any) -> Any:
    """``a @ b`` for stacks of matrices with equal leading axes."""
    nd = len(_shape(a))
    bd = tuple(range(nd - 2))
    return dot_general(a, b, (((nd - 1,), (nd - 2,)), (bd, bd)))


def _mask(shape: tuple[int, ...], k: int, lower: bool, dtype: Any) -> np.ndarray:
    m, n = shape[-2:]
    ones = np.ones((m, n), dtype)
    return np.tril(ones, k) if lower else np.triu(ones, k)


def tril(x: Any, k: int = 0) -> Any:
    """The lower triangle (on and below diagonal ``k``) of the last two axes."""
    return mul(x, _mask(_shape(x), k, True, x.dtype))


def triu(x: Any, k: int = 0) -> Any:
    """The upper triangle (on and above diagonal ``k``) of the last two axes."""
    return mul(x, _mask(_shape(x), k, False, x.dtype))


def diagonal(x: Any) -> Any:
    """The main diagonal of the last two axes (square or not), as a strided slice."""
    s = _shape(x)
    m, n = s[-2:]
    k = min(m, n)
    if m != n:
        x = index(x, (Ellipsis, slice(0, k), slice(0, k)))
    flat = reshape(x, s[:-2] + (k * k,))
    return index(flat, (Ellipsis, slice(0, k * k, k + 1)))


def diag_embed(v: Any) -> Any:
    """Square matrices with ``v`` (``(..., n)``) on their diagonals."""
    s = _shape(v)
    n = s[-1]
    return mul(reshape(v, s + (1,)), np.eye(n, dtype=v.dtype))


def _eye_like(shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    return np.broadcast_to(np.eye(shape[-2], shape[-1], dtype=dtype), shape)


def permute_rows(x: Any, perm: Any, inverse: bool = False) -> Any:
    """``x[..., perm, :]`` (or its inverse) as a product with a one-hot matrix (differentiable in ``x``)."""
    m = _shape(perm)[-1]
    onehot = convert_element_type(eq(reshape(perm, _shape(perm) + (1,)), np.arange(m, dtype=np.int32)), x.dtype)
    if inverse:
        onehot = mT(onehot)
    return matmul(onehot, x)


def _sym(x: Any) -> Any:
    """The symmetric part ``(x + x^T) / 2`` (real), or the Hermitian part ``(x + x^H) / 2`` (complex)."""
    return mul(add(x, mH(x)), 0.5)


# --------------------------------------------------------------------------- complex helpers
# The rules branch on the dtype at trace time: real operands never see a conjugation.


def is_complex(x: Any) -> bool:
    """Whether ``x`` (an array, tracer or scalar) has a complex dtype."""
    return _dtype(x).kind == "c"


def _real_dtype(dt: Any) -> np.dtype:
    return np.finfo(np.dtype(dt)).dtype


# real (x itself if real), imag (complex x only) and conj (x itself if real): the elementwise
# family's complex parts
real, imag, conj = real_part, complex_imag, conj_if_complex


def as_dtype_of(x: Any, like: Any) -> Any:
    """``x`` converted to complex if ``like`` is complex and ``x`` real (as JAX's rules cast
    before mixing: the conversion's transpose keeps the real part of a cotangent)."""
    if is_complex(like) and not is_complex(x):
        return convert_element_type(x, _dtype(like))
    return x


def mH(x: Any) -> Any:
    """The conjugate transpose of the last two axes (the transpose if real)."""
    return conj(mT(x))


# --------------------------------------------------------------------------- batching


def _batch_to_front(prim: Primitive, vals: Sequence[Any], dims: Sequence[int | None], params: dict[str, Any]) -> Any:
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    moved = [broadcast_to(v, (size,) + _shape(v)) if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    out = bind(prim, moved, params)
    return out, ([0] * len(out) if prim.multiple_results else 0)


def _batch_front_rule(prim: Primitive) -> Any:
    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> Any:
        return _batch_to_front(prim, vals, dims, params)

    return rule


def _fold_rhs(prim: Primitive, a: Any, b: Any, db: int, params: dict[str, Any], cols: bool) -> tuple[Any, int]:
    """Apply ``prim(a, b)`` with only ``b`` batched: the batch joins ``b``'s columns (or rows)."""
    s = _shape(b)
    nd = len(s)
    if cols:  # (..., n, k) with batch -> (..., n, k*B)
        b = moveaxis(b, db, nd - 1)
        bs = _shape(b)
        out = bind(prim, (a, reshape(b, bs[:-2] + (bs[-2] * bs[-1],))), params)
        return reshape(out, bs), nd - 1
    # (..., k, n) with batch -> (..., k*B, n): batch just before the row axis
    b = moveaxis(b, db, nd - 3)
    bs = _shape(b)
    out = bind(prim, (a, reshape(b, bs[:-3] + (bs[-3] * bs[-2], bs[-1]))), params)
    return reshape(out, bs[:-3] + (bs[-3], bs[-2], bs[-1])), nd - 3


# --------------------------------------------------------------------------- cholesky

cholesky_p = _prim("cholesky")
cholesky_p.impl = K.cholesky


def _square_check(name: str, a: ShapedArray) -> None:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(f"{name}: expected a (stack of) square matrices, got shape {a.shape}")


def _cholesky_abstract_eval(a: ShapedArray) -> ShapedArray:
    _square_check("cholesky", a)
    return ShapedArray(a.shape, a.dtype)


cholesky_p.abstract_eval = _cholesky_abstract_eval


def cholesky(a: Any) -> Any:
    """Lower Cholesky factor of symmetric positive definite ``a`` (only its lower triangle matters)."""
    return bind(cholesky_p, (a,), {})


def _cholesky_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    (a,), (da,) = primals, tangents
    L = cholesky(a)
    return L, cholesky_tangent(L, da)


cholesky_p.jvp = _cholesky_jvp
cholesky_p.batch = _batch_front_rule(cholesky_p)

# The tangent map of cholesky, dA -> dL, and its adjoint are primitives of their own, so
# that reverse mode runs Murray's blocked algorithm (about 2/3 n^3 flops) rather than the
# transposes of two triangular solves and a product (about 4 n^3). Their derivatives in
# L (for higher orders) are those of the same formulas written with primitives.

cholesky_tangent_p = _prim("cholesky_tangent")
cholesky_tangent_p.impl = K.cholesky_tangent
cholesky_cotangent_p = _prim("cholesky_cotangent")
cholesky_cotangent_p.impl = K.cholesky_cotangent


def _same_square_abstract_eval(l_: ShapedArray, s: ShapedArray) -> ShapedArray:
    _square_check("cholesky derivative", l_)
    if s.shape != l_.shape:
        raise ValueError(f"cholesky derivative: shapes {l_.shape} and {s.shape} differ")
    return ShapedArray(l_.shape, np.result_type(l_.dtype, s.dtype))


cholesky_tangent_p.abstract_eval = _same_square_abstract_eval
cholesky_cotangent_p.abstract_eval = _same_square_abstract_eval


def cholesky_tangent(l_: Any, s: Any) -> Any:
    """``L phi(L^-1 sym(S) L^-T)``: the tangent of ``L = cholesky(A)`` along ``S`` (linear in ``S``)."""
    return bind(cholesky_tangent_p, (l_, s), {})


def cholesky_cotangent(l_: Any, ct: Any) -> Any:
    """``sym(L^-T phi(L^T ct) L^-1)``: the adjoint of :func:`cholesky_tangent` (linear in ``ct``)."""
    return bind(cholesky_cotangent_p, (l_, ct), {})


def _phi(x: Any) -> Any:
    n = _shape(x)[-1]
    m = np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)  # float64 mask (as before) for real x
    return mul(x, m.astype(_real_dtype(_dtype(x)))) if is_complex(x) else mul(x, m)


def _cholesky_tangent_formula(l_: Any, s: Any) -> Any:
    tmp = triangular_solve(l_, _sym(s), left_side=False, lower=True, transpose_a=True, conjugate_a=True)
    return matmul(l_, _phi(triangular_solve(l_, tmp, left_side=True, lower=True)))


def _cholesky_cotangent_formula(l_: Any, ct: Any) -> Any:
    # complex: herm(L^-T phi(L^T C) conj(L)^-1), the transpose under Re(sum(a * b))
    y = triangular_solve(l_, _phi(matmul(mT(l_), ct)), left_side=True, lower=True, transpose_a=True)
    return _sym(triangular_solve(l_, y, left_side=False, lower=True, conjugate_a=True))


def _formula_jvp(prim: Primitive, formula: Any) -> Any:
    def rule(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
        (l_, s), (dl, ds) = primals, tangents
        out = bind(prim, (l_, s), {})
        t = None if ds is None else bind(prim, (l_, ds), {})
        if dl is not None:
            _, (t2,) = jvp_flat(lambda x: [formula(x, s)], [l_], [dl])
            t = t2 if t is None else add(t, t2)
        return out, t

    return rule


def _adjoint_transpose(other: Primitive) -> Any:
    def rule(ct: Any, l_: Any, s: Any) -> list[Any]:
        if is_undefined(l_):
            raise NotImplementedError("the cholesky derivative maps are linear in their second operand only")
        return [None, bind(other, (l_, ct), {})]

    return rule


cholesky_tangent_p.jvp = _formula_jvp(cholesky_tangent_p, _cholesky_tangent_formula)
cholesky_cotangent_p.jvp = _formula_jvp(cholesky_cotangent_p, _cholesky_cotangent_formula)
cholesky_tangent_p.transpose = _adjoint_transpose(cholesky_cotangent_p)
cholesky_cotangent_p.transpose = _adjoint_transpose(cholesky_tangent_p)
cholesky_tangent_p.batch = _batch_front_rule(cholesky_tangent_p)
cholesky_cotangent_p.batch = _batch_front_rule(cholesky_cotangent_p)

# --------------------------------------------------------------------------- triangular_solve

triangular_solve_p = _prim("triangular_solve")
triangular_solve_p.impl = K.triangular_solve


def _triangular_solve_abstract_eval(
    a: ShapedArray,
    b: ShapedArray,
    left_side: bool,
    lower: bool,
    transpose_a: bool,
    unit_diagonal: bool,
    conjugate_a: bool = False,
) -> ShapedArray:
    _square_check("triangular_solve", a)
    n = a.shape[-1]
    if b.ndim != a.ndim or b.shape[:-2] != a.shape[:-2] or b.shape[-2 if left_side else -1] != n:
        side = "rows" if left_side else "columns"
        raise ValueError(
            f"triangular_solve: b of shape {b.shape} must have the leading axes of a {a.shape} and {n} {side}"
        )
    return ShapedArray(b.shape, np.result_type(a.dtype, b.dtype))


triangular_solve_p.abstract_eval = _triangular_solve_abstract_eval


def triangular_solve(
    a: Any,
    b: Any,
    left_side: bool = True,
    lower: bool = True,
    transpose_a: bool = False,
    unit_diagonal: bool = False,
    conjugate_a: bool = False,
) -> Any:
    """Solve ``op(a) x = b`` (``left_side``) or ``x op(a) = b`` with triangular ``a``.

    ``op(a)`` is ``a.T`` if ``transpose_a``, conjugated if ``conjugate_a`` (``a.conj().T``
    with both, as ``jax.lax.linalg.triangular_solve``); only ``a``'s ``lower`` (or upper)
    triangle is read, and its diagonal is taken as ones if ``unit_diagonal``. Linear in ``b``.
    """
    params = {"left_side": bool(left_side), "lower": bool(lower), "transpose_a": bool(transpose_a),
              "unit_diagonal": bool(unit_diagonal)}  # fmt: skip
    if conjugate_a and is_complex(a):  # a real ``a`` keeps the parameters (and the IR) it always had
        params["conjugate_a"] = True
    return bind(triangular_solve_p, (a, b), params)


def _tri_jvp(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
    (a, b), (da, db) = primals, tangents
    x = bind(triangular_solve_p, (a, b), params)
    out = None if db is None else bind(triangular_solve_p, (a, db), params)
    if da is not None:
        lower, unit = params["lower"], params["unit_diagonal"]
        dam = tril(da, -1 if unit else 0) if lower else triu(da, 1 if unit else 0)
        if params.get("conjugate_a"):
            dam = conj(dam)
        if params["transpose_a"]:
            dam = mT(dam)
        rhs = neg(matmul(dam, x) if params["left_side"] else matmul(x, dam))
        t = bind(triangular_solve_p, (a, rhs), params)
        out = t if out is None else add(out, t)
    return x, out


def _tri_transpose(ct: Any, a: Any, b: Any, **params: Any) -> list[Any]:
    if is_undefined(a):
        raise NotImplementedError("triangular_solve is linear in b only")
    p = dict(params, transpose_a=not params["transpose_a"])
    return [None, bind(triangular_solve_p, (a, ct), p)]


def _tri_batch(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> Any:
    (a, b), (da, db) = vals, dims
    if da is None:
        return _fold_rhs(triangular_solve_p, a, b, db, params, cols=params["left_side"])  # type: ignore[arg-type]
    return _batch_to_front(triangular_solve_p, vals, dims, params)


triangular_solve_p.jvp = _tri_jvp
triangular_solve_p.transpose = _tri_transpose
triangular_solve_p.batch = _tri_batch

# --------------------------------------------------------------------------- lu

lu_p = _prim("lu", multiple_results=True)
lu_p.impl = lambda a: list(K.lu_factor(a))


def _lu_abstract_eval(a: ShapedArray) -> list[ShapedArray]:
    if a.ndim < 2:
        raise ValueError(f"lu: expected a (stack of) matrices, got shape {a.shape}")
    m, n = a.shape[-2:]
    b = a.shape[:-2]
    i32 = np.dtype(np.int32)
    return [ShapedArray(a.shape, a.dtype), ShapedArray(b + (min(m, n),), i32), ShapedArray(b + (m,), i32)]


lu_p.abstract_eval = _lu_abstract_eval


def lu(a: Any) -> list[Any]:
    """LU with partial pivoting: ``[lu, pivots, permutation]`` with ``a[perm] = L @ U``, as ``jax.lax.linalg.lu``."""
    return bind(lu_p, (a,), {})


def _pad_to(x: Any, rows: int, cols: int) -> Any:
    """``x`` (``(..., r, c)``) padded with zeros to ``(..., rows, cols)``."""
    s = _shape(x)
    b, (r, c) = s[:-2], s[-2:]
    if cols > c:
        x = concatenate([x, np.zeros(b + (r, cols - c), x.dtype)], len(s) - 1)
    if rows > r:
        x = concatenate([x, np.zeros(b + (rows - r, cols), x.dtype)], len(s) - 2)
    return x


def _lu_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    # L^-1 P dA U^-1 = L^-1 dL + dU U^-1 (de Hoog, Anderssen & Lukas): its strictly lower
    # part gives dL, its upper part dU. A rectangular factor is completed to a square one
    # with an identity block (as JAX does).
    (a,), (da,) = primals, tangents
    lu_, piv, perm = lu(a)
    s = _shape(a)
    m, n = s[-2:]
    k = min(m, n)
    dt = lu_.dtype
    l_ = index(lu_, (Ellipsis, slice(0, m), slice(0, k)))
    l_ = add(_pad_to(tril(l_, -1), m, m), np.eye(m, dtype=dt))
    u = index(lu_, (Ellipsis, slice(0, k), slice(0, n)))
    u_eye = np.zeros((n, n), dt)
    u_eye[k:, k:] = np.eye(n - k, dtype=dt)
    u = add(_pad_to(triu(u), n, n), u_eye)
    la = triangular_solve(l_, permute_rows(da, perm), left_side=True, lower=True, unit_diagonal=True)
    lau = triangular_solve(u, la, left_side=False, lower=False)
    dlu = add(matmul(l_, tril(lau, -1)), matmul(triu(lau), u))
    return [lu_, piv, perm], [dlu, None, None]


lu_p.jvp = _lu_jvp
lu_p.batch = _batch_front_rule(lu_p)


# --------------------------------------------------------------------------- eigh

eigh_p = _prim("eigh", multiple_results=True)


def _eigh_impl(a: Any, lower: bool) -> list[Any]:
    w, v = np.linalg.eigh(a, UPLO="L" if lower else "U")
    return [v, w]


eigh_p.impl = _eigh_impl


def _eigh_abstract_eval(a: ShapedArray, lower: bool) -> list[ShapedArray]:
    _square_check("eigh", a)
    dt = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    return [ShapedArray(a.shape, dt), ShapedArray(a.shape[:-1], _real_dtype(dt))]


eigh_p.abstract_eval = _eigh_abstract_eval


def eigh(a: Any, lower: bool = True) -> list[Any]:
    """``[v, w]``: eigenvectors (columns) and ascending (real) eigenvalues of symmetric (Hermitian) ``a``.

    As ``jax.lax.linalg.eigh``; only the ``lower`` (or upper) triangle of ``a`` is read.
    """
    return bind(eigh_p, (a,), {"lower": bool(lower)})


def _eigh_jvp(primals: Sequence[Any], tangents: Sequence[Any], lower: bool) -> tuple[Any, Any]:
    (a,), (da,) = primals, tangents
    v, w = eigh(a, lower)
    n = _shape(a)[-1]
    eye = np.eye(n, dtype=w.dtype)
    s = _shape(w)
    wj = reshape(w, s[:-1] + (1, n))
    wi = reshape(w, s[:-1] + (n, 1))
    with np.errstate(divide="ignore"):
        fmat = sub(div(1.0, add(eye, sub(wj, wi))), eye)  # 1/(w_j - w_i) off the diagonal (inf at ties)
    # complex: V^H herm(dA) V; dV has no component along each eigenvector (JAX's phase gauge)
    vdav = matmul(matmul(mH(v), _sym(da)), v)
    return [v, w], [matmul(v, mul(as_dtype_of(fmat, vdav), vdav)), real(diagonal(vdav))]


eigh_p.jvp = _eigh_jvp
eigh_p.batch = _batch_front_rule(eigh_p)

# --------------------------------------------------------------------------- svd

svd_p = _prim("svd", multiple_results=True)


def _svd_impl(a: Any, full_matrices: bool, compute_uv: bool) -> list[Any]:
    try:
        if not compute_uv:
            return [np.linalg.svd(a, compute_uv=False)]
        u, s, vt = np.linalg.svd(a, full_matrices=full_matrices)
        return [s, u, vt]
    except np.linalg.LinAlgError:
        # inf/nan entries: NaN singular values for those matrices (as JAX) instead of raising
        bad = ~np.isfinite(a).all(axis=(-2, -1))
        if not bad.any():
            raise
        outs = _svd_impl(np.where(bad[..., None, None], 0, a), full_matrices, compute_uv)
        outs[0] = np.where(bad[..., None], np.nan, outs[0])
        return outs


svd_p.impl = _svd_impl


def _svd_abstract_eval(a: ShapedArray, full_matrices: bool, compute_uv: bool) -> list[ShapedArray]:
    if a.ndim < 2:
        raise ValueError(f"svd: expected a (stack of) matrices, got shape {a.shape}")
    m, n = a.shape[-2:]
    k = min(m, n)
    b = a.shape[:-2]
    dt = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    s = ShapedArray(b + (k,), _real_dtype(dt))
    if not compute_uv:
        return [s]
    cu, rv = (m, n) if full_matrices else (k, k)
    return [s, ShapedArray(b + (m, cu), dt), ShapedArray(b + (rv, n), dt)]


svd_p.abstract_eval = _svd_abstract_eval


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True) -> list[Any]:
    """``[s, u, vt]`` (or ``[s]``) with ``a = u diag(s) vt``, as ``jax.lax.linalg.svd``."""
    return bind(svd_p, (a,), {"full_matrices": bool(full_matrices), "compute_uv": bool(compute_uv)})


def _svd_jvp(primals: Sequence[Any], tangents: Sequence[Any], full_matrices: bool, compute_uv: bool) -> Any:
    (a,), (da,) = primals, tangents
    s, u, vt = svd(a, full_matrices=False, compute_uv=True)
    m, n = _shape(a)[-2:]
    if compute_uv and full_matrices and m != n:
        raise NotImplementedError(
            f"the derivative of svd with full_matrices=True is implemented for square matrices only, "
            f"got shape {_shape(a)}; use full_matrices=False"
        )
    v = mH(vt)
    ds_mat = matmul(matmul(mH(u), da), v)
    ds = real(diagonal(ds_mat))
    if not compute_uv:
        return [s], [ds]
    k = _shape(s)[-1]
    sh = _shape(s)[:-1]
    s_row = reshape(s, sh + (1, k))
    s_col = reshape(s, sh + (k, 1))
    eye = np.eye(k, dtype=s.dtype)
    with np.errstate(divide="ignore"):
        f = sub(div(1.0, add(mul(add(s_row, s_col), sub(s_row, s_col)), eye)), eye)
        s_zero = convert_element_type(eq(s, 0.0), s.dtype)
        s_inv = sub(div(1.0, add(s, s_zero)), s_zero)
    cplx = is_complex(ds_mat)

    def div_s_row(x: Any) -> Any:  # x / s_row; complex: times 1 / s_row computed in the real dtype
        return mul(x, as_dtype_of(div(1.0, s_row_real), x)) if cplx else div(x, s_row)

    s_row_real = s_row
    if cplx:  # as JAX: cast the real factors before mixing them with complex ones
        s_row, s_col, f, s_inv = (as_dtype_of(x, ds_mat) for x in (s_row, s_col, f, s_inv))
    dss = mul(s_row, ds_mat)
    sds = mul(s_col, ds_mat)
    duv_diag = mul(mul(sub(ds_mat, mH(ds_mat)), 0.5), diag_embed(s_inv))
    du = matmul(u, add(mul(f, add(dss, mH(dss))), duv_diag))
    dv = matmul(v, mul(f, add(sds, mH(sds))))
    if m > n:
        dav = matmul(da, v)
        du = add(du, div_s_row(sub(dav, matmul(u, matmul(mH(u), dav)))))
    if n > m:
        dau = matmul(mH(da), u)
        dv = add(dv, div_s_row(sub(dau, matmul(v, matmul(vt, dau)))))
    return [s, u, vt], [ds, du, mH(dv)]


svd_p.jvp = _svd_jvp
svd_p.batch = _batch_front_rule(svd_p)

# --------------------------------------------------------------------------- qr

qr_p = _prim("qr", multiple_results=True)


def _qr_impl(a: Any, full_matrices: bool) -> list[Any]:
    q, r = np.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    return [q, r]


qr_p.impl = _qr_impl


def _qr_abstract_eval(a: ShapedArray, full_matrices: bool) -> list[ShapedArray]:
    if a.ndim < 2:
        raise ValueError(f"qr: expected a (stack of) matrices, got shape {a.shape}")
    m, n = a.shape[-2:]
    k = m if full_matrices else min(m, n)
    dt = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    return [ShapedArray(a.shape[:-2] + (m, k), dt), ShapedArray(a.shape[:-2] + (k, n), dt)]


qr_p.abstract_eval = _qr_abstract_eval


def qr(a: Any, full_matrices: bool = False) -> list[Any]:
    """``[q, r]`` with ``a = q r``, as ``jax.lax.linalg.qr``."""
    return bind(qr_p, (a,), {"full_matrices": bool(full_matrices)})


def _thin_qr_jvp(q: Any, r: Any, dx: Any) -> tuple[Any, Any]:
    qt_dx_rinv = triangular_solve(r, matmul(mH(q), dx), left_side=False, lower=False)
    low = tril(qt_dx_rinv, -1)
    do = sub(low, mH(low))
    if is_complex(qt_dx_rinv):  # the imaginary part of the diagonal (JAX's correction for complex)
        n = _shape(r)[-1]
        im = sub(qt_dx_rinv, convert_element_type(real(qt_dx_rinv), qt_dx_rinv.dtype))
        do = add(do, mul(im, np.eye(n, dtype=_real_dtype(qt_dx_rinv.dtype))))
    dq = add(matmul(q, sub(do, qt_dx_rinv)), triangular_solve(r, dx, left_side=False, lower=False))
    dr = matmul(sub(qt_dx_rinv, do), r)
    return dq, dr


def _qr_jvp(primals: Sequence[Any], tangents: Sequence[Any], full_matrices: bool) -> Any:
    (x,), (dx,) = primals, tangents
    q, r = qr(x, full_matrices)
    m, n = _shape(x)[-2:]
    if m < n:
        r1 = index(r, (Ellipsis, slice(0, m)))
        dq, dr1 = _thin_qr_jvp(q, r1, index(dx, (Ellipsis, slice(0, m))))
        x2, dx2 = index(x, (Ellipsis, slice(m, n))), index(dx, (Ellipsis, slice(m, n)))
        dr2 = add(matmul(mH(dq), x2), matmul(mH(q), dx2))
        return [q, r], [dq, concatenate([dr1, dr2], len(_shape(x)) - 1)]
    if full_matrices and m != n:
        raise NotImplementedError(
            f"the derivative of qr with mode='complete' is implemented for square or wide matrices "
            f"only, got shape {_shape(x)}; use mode='reduced'"
        )
    dq, dr = _thin_qr_jvp(q, r, dx)
    return [q, r], [dq, dr]


qr_p.jvp = _qr_jvp
qr_p.batch = _batch_front_rule(qr_p)

# --------------------------------------------------------------------------- geqrf

geqrf_p = _prim("geqrf", multiple_results=True)


def _geqrf_impl(a: Any) -> list[Any]:
    a = np.asarray(a)
    lead, (m, n) = a.shape[:-2], a.shape[-2:]
    dt = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    h, taus = np.empty(a.shape, dt), np.empty(lead + (min(m, n),), dt)
    for i in np.ndindex(*lead):
        hi, taus[i] = np.linalg.qr(a[i], mode="raw")  # hi: LAPACK's factored matrix, transposed
        h[i] = hi.T
    return [h, taus]


geqrf_p.impl = _geqrf_impl


def _geqrf_abstract_eval(a: ShapedArray) -> list[ShapedArray]:
    if a.ndim < 2:
        raise ValueError(f"geqrf: expected a (stack of) matrices, got shape {a.shape}")
    dt = a.dtype if a.dtype.kind in "fc" else np.dtype(np.float64)
    return [ShapedArray(a.shape, dt), ShapedArray(a.shape[:-2] + (min(a.shape[-2:]),), dt)]


geqrf_p.abstract_eval = _geqrf_abstract_eval


def geqrf(a: Any) -> list[Any]:
    """``[h, taus]``: LAPACK's Householder QR of ``a`` (``R`` in the upper triangle of ``h``, the
    reflectors below it, their scales in ``taus``), as ``jax.lax.linalg.geqrf``. Not
    differentiable (as in JAX)."""
    return bind(geqrf_p, (a,), {})


def _geqrf_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> Any:
    raise NotImplementedError("Differentiation rule for 'geqrf' not implemented (as in JAX); use qr's "
                              "'reduced' or 'complete' modes for derivatives")  # fmt: skip


geqrf_p.jvp = _geqrf_jvp
geqrf_p.batch = _batch_front_rule(geqrf_p)

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(cholesky_p, cholesky_tangent_p, cholesky_cotangent_p, triangular_solve_p, lu_p, eigh_p, svd_p, qr_p,
              geqrf_p)  # fmt: skip
