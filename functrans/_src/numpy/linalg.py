"""``functrans.numpy.linalg``: NumPy's linear algebra, differentiable, batched, traceable.

Built on the primitives of :mod:`functrans._src.lax.linalg`. Signatures and results
follow ``numpy.linalg`` (NumPy 2: ``solve`` treats ``b`` as a vector only if it is 1-d;
``cholesky(upper=)``, ``svdvals``, ``matrix_norm``/``vector_norm``...). Where JAX
defines a behaviour, it is followed:

* a singular matrix does not raise: ``inv``/``solve`` return inf/nan entries, as
  ``jax.numpy.linalg`` does (NumPy raises ``LinAlgError``);
* ``cholesky``, ``eigh``, ``eigvalsh`` (and ``hermitian=True`` in ``svd``/``pinv``/``matrix_rank``)
  use the symmetric part ``(a + a^H) / 2`` (JAX's ``symmetrize_input=True``; NumPy reads one
  triangle), so gradients are symmetric; ``cholesky`` of a non-positive-definite matrix
  gives NaNs (as JAX) instead of raising;
* derivatives at degenerate points are JAX's: eigenvector (singular vector) derivatives
  are inf/nan at repeated eigenvalues (singular values), eigen/singular values' stay
  finite; ``det``'s gradient is the adjugate (finite at singular matrices); ``norm`` at
  zero gives JAX's value for each ``ord``.

Bad input raises ``numpy.linalg.LinAlgError`` (non-square or 1-d where a matrix is
needed) or ``ValueError`` (mismatched shapes) in NumPy's words, naming the shapes.
``eig``/``eigvals`` return complex values (as JAX); only the eigenvalues are differentiable.

Complex inputs (complex64/complex128) follow JAX: ``cholesky``/``eigh`` take Hermitian
matrices (derivatives along Hermitian perturbations), eigenvalues, singular values and
``slogdet``'s ``logabsdet`` are real, norms use ``|z|``, and gradients of real functions
are ``df/dx - i df/dy``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer
from functrans._src.lax import linalg as L
from functrans._src.lax import linalg_solve as LS
from functrans._src.lax.complex_parts import conj_if_complex
from functrans._src.lax.rules import inexact_dtype
from functrans._src.numpy.util import _ShapeLinAlgError

LinAlgError = np.linalg.LinAlgError

__all__ = [
    "LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh",
    "inv", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "multi_dot",
    "norm", "outer", "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensordot", "tensorinv", "tensorsolve",
    "trace", "vecdot", "vector_norm",
]  # fmt: skip


class EighResult(NamedTuple):
    eigenvalues: Any
    eigenvectors: Any


class QRResult(NamedTuple):
    Q: Any
    R: Any


class SlogdetResult(NamedTuple):
    sign: Any
    logabsdet: Any


class SVDResult(NamedTuple):
    U: Any
    S: Any
    Vh: Any


# --------------------------------------------------------------------------- helpers


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(x.shape) if hasattr(x, "shape") else np.shape(x)


def _arr(x: Any) -> Any:  # a traced value as it is; anything else as a NumPy array
    return x if isinstance(x, Tracer) else np.asarray(x)


def _inexact(x: Any) -> Any:
    """``x`` as an array of a floating (or complex) dtype: integers and bools become JAX's type."""
    x = _arr(x)
    if x.dtype.kind not in "fc":
        return lax.convert_element_type(x, inexact_dtype(x.dtype))
    return x


def _assert_stacked_2d(name: str, *arrays: Any) -> None:
    for a in arrays:
        nd = len(_shape(a))
        if nd < 2:
            raise _ShapeLinAlgError(
                f"{nd}-dimensional array given. Array must be at least two-dimensional "
                f"(numpy.linalg.{name} got shape {_shape(a)})"
            )


def _assert_stacked_square(name: str, *arrays: Any) -> None:
    _assert_stacked_2d(name, *arrays)
    for a in arrays:
        m, n = _shape(a)[-2:]
        if m != n:
            raise _ShapeLinAlgError(
                f"Last 2 dimensions of the array must be square (numpy.linalg.{name} got shape {_shape(a)})"
            )


def _bcast_batch(a: Any, b: Any, a_core: int, b_core: int) -> tuple[Any, Any]:
    """Broadcast the leading (batch) axes of ``a`` and ``b`` against each other."""
    sa, sb = _shape(a), _shape(b)
    ba, bb = sa[: len(sa) - a_core], sb[: len(sb) - b_core]
    batch = np.broadcast_shapes(ba, bb)
    if ba != batch:
        a = lax.broadcast_to(a, batch + sa[len(sa) - a_core :])
    if bb != batch:
        b = lax.broadcast_to(b, batch + sb[len(sb) - b_core :])
    return a, b


def _matmul(a: Any, b: Any) -> Any:
    a, b = _bcast_batch(a, b, 2, 2)
    return L.matmul(a, b)


def _sym(a: Any) -> Any:
    return lax.mul(lax.add(a, L.mT(a)), 0.5)


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        a = operator.index(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"axis {a} is out of bounds for array of dimension {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"Duplicate axes given: {axis}")
    return tuple(out)


def _sum(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
    return lax.reduce_sum(x, tuple(sorted(axes)), keepdims)


def _max(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
    return lax.reduce_max(x, tuple(sorted(axes)), keepdims)


def _min(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
    return lax.reduce_min(x, tuple(sorted(axes)), keepdims)


def _moveaxes_last(x: Any, axes: tuple[int, ...]) -> Any:
    nd = len(_shape(x))
    perm = [i for i in range(nd) if i not in axes] + list(axes)
    return x if perm == list(range(nd)) else lax.transpose(x, perm)


# --------------------------------------------------------------------------- factorizations


def _sym(a: Any) -> Any:
    """The symmetric (Hermitian) part ``(a + a^H) / 2``."""
    return lax.mul(lax.add(a, L.mH(a)), np.asarray(0.5, a.dtype))


def cholesky(a: Any, /, *, upper: bool = False, symmetrize_input: bool = True) -> Any:
    """Cholesky factor of a symmetric positive definite matrix (lower, or upper if ``upper``).

    Factors the symmetric part ``(a + a^H) / 2`` (JAX's ``symmetrize_input=True``; with
    False, the lower triangle of ``a`` is read); the derivative is along symmetric
    perturbations (as JAX); NaNs if ``a`` is not positive definite.
    """
    a = _inexact(a)
    _assert_stacked_square("cholesky", a)
    if symmetrize_input:
        a = _sym(a)
    c = L.cholesky(a)
    return L.mH(c) if upper else c


def qr(a: Any, mode: str = "reduced") -> Any:
    """QR decomposition: ``QRResult(Q, R)`` for modes 'reduced' and 'complete', ``R`` for mode
    'r', ``QRResult(h, tau)`` (LAPACK's reflectors, ``h`` transposed; not differentiable) for 'raw'."""
    a = _inexact(a)
    _assert_stacked_2d("qr", a)
    if mode == "raw":
        h, taus = L.geqrf(a)
        return QRResult(L.mT(h), taus)
    if mode not in ("reduced", "complete", "r", "full"):  # as JAX: 'full' is 'reduced'
        raise ValueError(f"Unsupported QR decomposition mode '{mode}'")
    q, r = L.qr(a, full_matrices=mode == "complete")
    return r if mode == "r" else QRResult(q, r)


def eigh(a: Any, UPLO: str | None = None, symmetrize_input: bool = True) -> EighResult:  # noqa: N803
    """Eigenvalues (ascending) and eigenvectors of the symmetric part ``(a + a^H) / 2`` (as JAX;
    ``symmetrize_input=False`` reads the ``UPLO`` triangle, as NumPy). Eigenvector derivatives
    are inf/nan at repeated eigenvalues."""
    if UPLO is None:
        UPLO = "L"
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    a = _inexact(a)
    _assert_stacked_square("eigh", a)
    if symmetrize_input:
        a = _sym(a)
    v, w = L.eigh(a, lower=UPLO == "L")
    return EighResult(w, v)


def eigvalsh(a: Any, UPLO: str | None = None, *, symmetrize_input: bool = True) -> Any:  # noqa: N803
    """Eigenvalues (ascending) of a symmetric matrix (of the symmetric part of ``a``, as JAX)."""
    return eigh(a, UPLO, symmetrize_input).eigenvalues


class EigResult(NamedTuple):
    """``(eigenvalues, eigenvectors)`` of :func:`eig`."""

    eigenvalues: Any
    eigenvectors: Any


def eig(a: Any) -> EigResult:
    """Complex eigenvalues and right eigenvectors (unit-norm columns) of a general square matrix.

    Always complex, as JAX's. Only :func:`eigvals` is differentiable (JAX's rule, first order);
    differentiating the eigenvectors raises ``NotImplementedError``, as in JAX.
    """
    a = _inexact(a)
    _assert_stacked_square("eig", a)
    w, v = LS.eig(a, compute_eigenvectors=True)
    return EigResult(w, v)


def eigvals(a: Any) -> Any:
    """Complex eigenvalues of a general square matrix; derivative ``diag(V^-1 dA V)`` (as JAX)."""
    a = _inexact(a)
    _assert_stacked_square("eigvals", a)
    return LS.eig(a, compute_eigenvectors=False)[0]


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False) -> Any:
    """Singular value decomposition: ``SVDResult(U, S, Vh)`` with ``a = U @ diag(S) @ Vh``, or ``S``."""
    a = _inexact(a)
    _assert_stacked_2d("svd", a)
    if hermitian:  # as JAX: the decomposition of the Hermitian part
        _assert_stacked_square("svd", a)
        a = _sym(a)
    if not compute_uv:
        return L.svd(a, full_matrices=False, compute_uv=False)[0]
    s, u, vt = L.svd(a, full_matrices=full_matrices, compute_uv=True)
    return SVDResult(u, s, vt)


def svdvals(x: Any, /) -> Any:
    """Singular values (descending)."""
    return svd(x, compute_uv=False)


# --------------------------------------------------------------------------- solves and inverses


def solve(a: Any, b: Any) -> Any:
    """``x`` with ``a @ x = b``; ``b`` is a vector only if 1-d (NumPy 2), else a stack of matrices.

    A singular ``a`` gives inf/nan entries (as JAX) instead of raising.
    """
    a, b = _inexact(a), _inexact(b)
    _assert_stacked_square("solve", a)
    n = _shape(a)[-1]
    sb = _shape(b)
    if len(sb) == 1:
        if sb[0] != n:
            raise ValueError(
                f"solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
                f"(m,m),(m)->(m) (size {sb[0]} is different from {n}): a has shape {_shape(a)}, b {sb}"
            )
        b2 = lax.reshape(b, (n, 1))
        a, b2 = _bcast_batch(a, b2, 2, 2)
        x = LS.solve(a, b2)
        return lax.reshape(x, _shape(x)[:-1])
    if sb[-2] != n:
        raise ValueError(
            f"solve: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
            f"(m,m),(m,n)->(m,n) (size {sb[-2]} is different from {n}): a has shape {_shape(a)}, b {sb}"
        )
    if len(_shape(a)) == 2 and len(sb) > 2:
        # one matrix, many right-hand sides: factor once, the batch joins b's columns
        nd = len(sb)
        bt = lax.transpose(b, (nd - 2,) + tuple(range(nd - 2)) + (nd - 1,))
        x = LS.solve(a, lax.reshape(bt, (n, int(np.prod(sb[:-2])) * sb[-1])))
        x = lax.reshape(x, (n,) + sb[:-2] + (sb[-1],))
        return lax.transpose(x, tuple(range(1, nd - 1)) + (0, nd - 1))
    a, b = _bcast_batch(a, b, 2, 2)
    return LS.solve(a, b)


def inv(a: Any) -> Any:
    """Inverse of a (stack of) square matrices; inf/nan where singular (as JAX)."""
    a = _inexact(a)
    _assert_stacked_square("inv", a)
    return LS.inv(a)


def det(a: Any) -> Any:
    """Determinant; its gradient is the adjugate's transpose (finite at singular matrices, as JAX)."""
    a = _inexact(a)
    _assert_stacked_square("det", a)
    return LS.det(a)


def slogdet(a: Any) -> SlogdetResult:
    """``SlogdetResult(sign, logabsdet)``; ``d logabsdet = tr(inv(a) @ da)``."""
    a = _inexact(a)
    _assert_stacked_square("slogdet", a)
    sign, logabsdet = LS.slogdet(a)
    return SlogdetResult(sign, logabsdet)


def _default_rtol(shape: tuple[int, ...], dtype: Any) -> float:
    return float(max(shape[-2:]) * np.finfo(dtype).eps)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """Moore-Penrose pseudo-inverse, cutting singular values below ``rtol * max(s)``.

    The default ``rtol`` is JAX's, ``10 * max(m, n) * eps``. The derivative is Golub and
    Pereyra's (as JAX's), finite wherever the rank is locally constant.
    """
    if rcond is not None and rtol is not None:
        raise ValueError("`rtol` and `rcond` can't be both set.")
    a = _inexact(a)
    _assert_stacked_2d("pinv", a)
    if hermitian:  # as JAX: the pseudo-inverse of the Hermitian part
        _assert_stacked_square("pinv", a)
        a = _sym(a)
    tol = rcond if rcond is not None else rtol
    sh = _shape(a)
    if tol is None:
        tol = 10.0 * _default_rtol(sh, a.dtype)
    if np.ndim(tol) == 0 and not isinstance(tol, Tracer):
        return LS.pinv(a, float(tol))
    # a per-matrix tolerance: through the SVD (differentiable where singular values are distinct)
    s, u, vt = L.svd(a, full_matrices=False, compute_uv=True)
    smax = _max(s, (len(_shape(s)) - 1,), keepdims=True)
    tol = _arr(tol)
    if len(_shape(tol)):
        tol = lax.reshape(tol, _shape(tol) + (1,))
    keep = lax.gt(s, lax.mul(tol, smax))
    s_safe = lax.select(keep, s, 1.0)
    s_inv = lax.select(keep, lax.div(1.0, s_safe), 0.0)
    k = _shape(s)[-1]
    s_inv = L.as_dtype_of(s_inv, u)
    return _matmul(lax.mul(L.mH(vt), lax.reshape(s_inv, _shape(s_inv)[:-1] + (1, k))), L.mH(u))


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple[Any, Any, Any, Any]:
    """Least squares ``(x, residuals, rank, s)`` as NumPy, via the SVD.

    ``residuals`` is the squared residual norm per column, always (as JAX's default; NumPy
    leaves it empty unless ``a`` is tall and of full rank); ``rank`` and ``s`` carry no
    derivative (as in JAX).
    """
    a, b = _inexact(a), _inexact(b)
    sa, sb = _shape(a), _shape(b)
    if len(sa) != 2:
        raise LinAlgError(f"{len(sa)}-dimensional array given. Array must be two-dimensional (lstsq got shape {sa})")
    if len(sb) not in (1, 2):
        raise LinAlgError(f"{len(sb)}-dimensional array given. Array must be one or two-dimensional (lstsq b {sb})")
    m, n = sa
    if sb[0] != m:
        raise LinAlgError(f"Incompatible dimensions: a has shape {sa}, b has shape {sb}")
    vec = len(sb) == 1
    b2 = lax.reshape(b, (m, 1)) if vec else b
    if rcond is None:
        rcond = float(np.finfo(a.dtype).eps * max(m, n))
    s, u, vt = L.svd(a, full_matrices=False, compute_uv=True)
    k = min(m, n)
    if k == 0:
        x = np.zeros((n,) + sb[1:], a.dtype)
        return x, np.zeros((0,), L._real_dtype(a.dtype)), 0, np.zeros((0,), L._real_dtype(a.dtype))
    cutoff = lax.mul(rcond, _max(s, (0,)))
    keep = lax.gt(s, cutoff)
    s_inv = lax.select(keep, lax.div(1.0, lax.select(keep, s, 1.0)), 0.0)
    utb = L.matmul(L.mH(u), b2)
    x = L.matmul(L.mH(vt), lax.mul(lax.reshape(L.as_dtype_of(s_inv, utb), (k, 1)), utb))
    rank = lax.reduce_sum(lax.convert_element_type(keep, np.int64), (0,))
    # as JAX (numpy_resid=False): the squared residual norms always (NumPy: empty unless m > n
    # and full rank)
    r = lax.sub(b2, L.matmul(a, x))
    resid = _sum(_abs2(r), (0,))
    if vec:
        x = lax.reshape(x, (n,))
    return x, resid, rank, lax.stop_gradient(s)


def tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    """Solve ``tensordot(a, x, x.ndim) = b`` for ``x``."""
    a, b = _inexact(a), _inexact(b)
    if axes is not None:
        nd = len(_shape(a))
        ax = _axes(axes, nd)
        a = lax.transpose(a, [i for i in range(nd) if i not in ax] + list(ax))
    sa, sb = _shape(a), _shape(b)
    out_shape = sa[len(sb) :]
    if sa[: len(sb)] != sb:
        raise LinAlgError(f"tensorsolve: the leading shape of a {sa} must match the shape of b {sb}")
    prod = math.prod(out_shape)
    if math.prod(sb) != prod:
        raise LinAlgError(
            f"Input arrays must satisfy the requirement prod(a.shape[b.ndim:]) == prod(a.shape[:b.ndim]) "
            f"(a has shape {sa}, b has shape {sb})"
        )
    x = solve(lax.reshape(a, (prod, prod)), lax.reshape(b, (prod,)))
    return lax.reshape(x, out_shape)


def tensorinv(a: Any, ind: int = 2) -> Any:
    """The inverse of ``a`` with respect to ``tensordot(.., ind)``."""
    a = _inexact(a)
    ind = operator.index(ind)
    if ind <= 0:
        raise ValueError("Invalid ind argument.")
    sa = _shape(a)
    lead, rest = sa[:ind], sa[ind:]
    if math.prod(lead) != math.prod(rest):
        raise LinAlgError(f"tensorinv: prod(a.shape[:ind]) must equal prod(a.shape[ind:]) (shape {sa}, ind={ind})")
    x = inv(lax.reshape(a, (math.prod(lead), math.prod(rest))))
    return lax.reshape(x, rest + lead)


def matrix_power(a: Any, n: int) -> Any:
    """``a`` to the integer power ``n`` (negative: of the inverse), by repeated squaring."""
    a = _arr(a)
    _assert_stacked_square("matrix_power", a)
    try:
        n = operator.index(n)
    except TypeError as err:
        raise TypeError("exponent must be an integer") from err
    sh = _shape(a)
    if n == 0:
        return np.broadcast_to(np.eye(sh[-1], dtype=a.dtype), sh).copy()
    if n < 0:
        a = inv(a)
        n = -n
    result = None
    z = None
    while n > 0:
        z = a if z is None else L.matmul(z, z)
        n, bit = divmod(n, 2)
        if bit:
            result = z if result is None else L.matmul(result, z)
    return result


def _chain_order(dims: list[int]) -> list[list[int]]:
    """Split points of the cheapest parenthesisation of a matrix chain (dynamic programming)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf  # type: ignore[call-overload]
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(arrays: Sequence[Any], *, out: Any = None, precision: Any = None) -> Any:
    """The product of a chain of matrices, in the cheapest order (first/last may be vectors)."""
    if out is not None:
        raise TypeError("multi_dot: the 'out' argument is not supported by functrans (arrays are immutable)")
    arrs = [_arr(a) for a in arrays]
    if len(arrs) < 2:
        raise ValueError("Expecting at least two arrays.")
    first_vec, last_vec = len(_shape(arrs[0])) == 1, len(_shape(arrs[-1])) == 1
    if first_vec:
        arrs[0] = lax.reshape(arrs[0], (1,) + _shape(arrs[0]))
    if last_vec:
        arrs[-1] = lax.reshape(arrs[-1], _shape(arrs[-1]) + (1,))
    for a in arrs:
        if len(_shape(a)) != 2:
            raise LinAlgError(f"{len(_shape(a))}-dimensional array given. Array must be two-dimensional")
    for x, y in zip(arrs[:-1], arrs[1:]):
        if _shape(x)[1] != _shape(y)[0]:
            raise ValueError(
                f"multi_dot: shapes {_shape(x)} and {_shape(y)} not aligned: {_shape(x)[1]} (dim 1) != "
                f"{_shape(y)[0]} (dim 0)"
            )
    dims = [_shape(arrs[0])[0]] + [_shape(a)[1] for a in arrs]
    split = _chain_order(dims)

    def prod(i: int, j: int) -> Any:
        if i == j:
            return arrs[i]
        k = split[i][j]
        return lax.dot_general(prod(i, k), prod(k + 1, j), (((1,), (0,)), ((), ())))

    res = prod(0, len(arrs) - 1)
    sh = _shape(res)
    if first_vec and last_vec:
        return lax.reshape(res, ())
    if first_vec:
        return lax.reshape(res, sh[1:])
    if last_vec:
        return lax.reshape(res, sh[:1])
    return res


# --------------------------------------------------------------------------- norms and friends


def _abs2(x: Any) -> Any:
    """``|x|^2``: ``x * x`` if real, ``real(x * conj(x))`` if complex (as JAX's norms)."""
    if L.is_complex(x):
        return L.real(lax.mul(x, L.conj(x)))
    return lax.mul(x, x)


def _abs(x: Any) -> Any:
    """``|x|`` (complex: the modulus, by the elementwise ``abs`` once it takes complex values)."""
    if L.is_complex(x) and not lax.abs_p.complex_ok:
        return lax.sqrt(_abs2(x))
    return lax.abs(x)


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:  # noqa: A002
    """Vector norm over ``axis`` (all axes if None): ord 2 (default), 1, inf, -inf, 0 or any p."""
    x = _inexact(x)
    nd = len(_shape(x))
    axes = _axes(axis, nd)
    if ord is None or ord == 2:
        return lax.sqrt(_sum(_abs2(x), axes, keepdims))
    if isinstance(ord, str):
        raise ValueError(f"Invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return lax.maximum(_max(_abs(x), axes, keepdims), 0.0)  # amax(initial=0), as JAX
    if ord == -np.inf:
        return _min(_abs(x), axes, keepdims)
    if ord == 0:
        nz = lax.ne(_abs2(x) if L.is_complex(x) else x, 0.0)
        return _sum(lax.convert_element_type(nz, L._real_dtype(x.dtype)), axes, keepdims)
    if ord == 1:
        return _sum(_abs(x), axes, keepdims)
    p = float(ord)
    return lax.pow(_sum(lax.pow(_abs(x), p), axes, keepdims), 1.0 / p)


def _matrix_norm_axes(x: Any, ord: Any, row: int, col: int, keepdims: bool) -> Any:  # noqa: A002
    nd = len(_shape(x))
    if ord is None or ord in ("f", "fro"):
        return lax.sqrt(_sum(_abs2(x), (row, col), keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        red, other = (row, col) if ord in (1, -1) else (col, row)
        s = _sum(_abs(x), (red,), keepdims)
        if not keepdims and other > red:
            other -= 1
        if ord in (1, np.inf):
            return lax.maximum(_max(s, (other,), keepdims), 0.0)  # amax(initial=0), as JAX
        return _min(s, (other,), keepdims)
    if ord in ("nuc", 2, -2):
        y = _moveaxes_last(x, (row, col))
        s = L.svd(y, full_matrices=False, compute_uv=False)[0]
        last = (len(_shape(s)) - 1,)
        if ord == 2:
            r = lax.maximum(_max(s, last), 0.0)
        elif ord == -2:
            r = _min(s, last)
        else:
            r = _sum(s, last)
        if keepdims:
            shape = tuple(1 if i in (row, col) else d for i, d in enumerate(_shape(x)))
            r = lax.reshape(r, shape)
        return r
    del nd
    raise ValueError(f"Invalid norm order '{ord}' for matrices")


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A002
    """Matrix or vector norm, as ``numpy.linalg.norm`` (values at zero and gradients as JAX)."""
    x = _inexact(x)
    nd = len(_shape(x))
    if axis is None:
        if ord is None:
            r = lax.sqrt(_sum(_abs2(x), tuple(range(nd)), keepdims))
            return r
        if nd not in (1, 2):
            raise ValueError("Improper number of dimensions to norm.")
        axes = tuple(range(nd))
    else:
        axes = _axes(axis, nd)
    if len(axes) == 1:
        return vector_norm(x, axis=axes[0], keepdims=keepdims, ord=2 if ord is None else ord)
    if len(axes) == 2:
        return _matrix_norm_axes(x, ord, axes[0], axes[1], keepdims)
    raise ValueError("Improper number of dimensions to norm.")


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:  # noqa: A002
    """Matrix norm over the last two axes."""
    x = _inexact(x)
    _assert_stacked_2d("matrix_norm", x)
    nd = len(_shape(x))
    return _matrix_norm_axes(x, ord, nd - 2, nd - 1, keepdims)


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:  # noqa: N803
    """Number of singular values above the tolerance (no derivative)."""
    if tol is not None and rtol is not None:
        raise ValueError("`tol` and `rtol` can't be both set.")
    a = _inexact(A)
    sh = _shape(a)
    if len(sh) < 2:
        return lax.convert_element_type(
            lax.gt(lax.reduce_sum(lax.convert_element_type(lax.ne(a, 0.0), np.int64), tuple(range(len(sh)))), 0),
            np.int64,
        )
    s = lax.stop_gradient(svd(a, compute_uv=False, hermitian=hermitian))
    last = len(_shape(s)) - 1
    smax = _max(s, (last,), keepdims=True)
    if tol is None:
        r = rtol if rtol is not None else _default_rtol(sh, a.dtype)
        r = _arr(r)
        if len(_shape(r)):
            r = lax.reshape(r, _shape(r) + (1,))
        thresh = lax.mul(smax, r)
    else:
        t = _arr(tol)
        thresh = lax.reshape(t, _shape(t) + (1,)) if len(_shape(t)) else t
    return lax.reduce_sum(lax.convert_element_type(lax.gt(s, thresh), np.int64), (last,))


def cond(x: Any, p: Any = None) -> Any:
    """Condition number in norm ``p`` (None/2/-2 by singular values; others need a square matrix)."""
    x = _inexact(x)
    _assert_stacked_2d("cond", x)
    if 0 in _shape(x)[-2:]:
        raise ValueError(f"cond: input array must not be empty; got shape {_shape(x)}")
    if p is None or p == 2 or p == -2:
        s = svdvals(x)
        k = _shape(s)[-1]
        big, small = lax.index(s, (Ellipsis, 0)), lax.index(s, (Ellipsis, k - 1))
        with np.errstate(divide="ignore", invalid="ignore"):
            if p != -2:
                return lax.div(big, small)  # as JAX: no NaN -> inf replacement for p None/2
            r = lax.div(small, big)
    else:
        _assert_stacked_square("cond", x)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = lax.mul(norm(x, p, axis=(-2, -1)), norm(inv(x), p, axis=(-2, -1)))
    # NaN (from a singular x) becomes inf where x itself has no NaN, as JAX
    nd = len(_shape(x))
    x_nan = lax.gt(_sum(lax.convert_element_type(lax.ne(x, x), np.int64), (nd - 2, nd - 1)), 0)
    return lax.select(lax.logical_and(lax.ne(r, r), lax.logical_not(x_nan)), np.inf, r)


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """The ``offset`` diagonal of the last two axes."""
    x = _arr(x)
    _assert_stacked_2d("diagonal", x)
    m, n = _shape(x)[-2:]
    if offset >= 0:
        k = max(0, min(m, n - offset))
        sub = lax.index(x, (Ellipsis, slice(0, k), slice(offset, offset + k)))
    else:
        k = max(0, min(m + offset, n))
        sub = lax.index(x, (Ellipsis, slice(-offset, -offset + k), slice(0, k)))
    if k == 0:
        return np.zeros(_shape(x)[:-2] + (0,), x.dtype)
    return L.diagonal(sub)


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """Sum of the ``offset`` diagonal of the last two axes (NumPy 2 ``linalg.trace``)."""
    d = diagonal(x, offset=offset)
    r = lax.reduce_sum(d, (len(_shape(d)) - 1,))
    return r if dtype is None else lax.convert_element_type(r, dtype)


def matrix_transpose(x: Any, /) -> Any:
    """Swap the last two axes."""
    x = _arr(x)
    _assert_stacked_2d("matrix_transpose", x)
    return L.mT(x)


def matmul(x1: Any, x2: Any, /) -> Any:
    """Matrix product with NumPy's rules (1-d operands are vectors; leading axes broadcast)."""
    x1, x2 = _arr(x1), _arr(x2)
    s1, s2 = _shape(x1), _shape(x2)
    if not s1 or not s2:
        raise ValueError("matmul: Input operand does not have enough dimensions (a scalar was given)")
    v1, v2 = len(s1) == 1, len(s2) == 1
    a = lax.reshape(x1, (1,) + s1) if v1 else x1
    b = lax.reshape(x2, s2 + (1,)) if v2 else x2
    if _shape(a)[-1] != _shape(b)[-2]:
        raise ValueError(
            f"matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature "
            f"(n?,k),(k,m?)->(n?,m?) (size {_shape(b)[-2]} is different from {_shape(a)[-1]})"
        )
    out = _matmul(a, b)
    so = _shape(out)
    if v1 and v2:
        return lax.reshape(out, so[:-2])
    if v1:
        return lax.reshape(out, so[:-2] + so[-1:])
    if v2:
        return lax.reshape(out, so[:-1])
    return out


def tensordot(x1: Any, x2: Any, /, *, axes: Any = 2) -> Any:
    """Sum of products over ``axes`` (an int: the last ``axes`` of x1 with the first of x2)."""
    x1, x2 = _arr(x1), _arr(x2)
    n1, n2 = len(_shape(x1)), len(_shape(x2))
    if isinstance(axes, int | np.integer):
        a1, a2 = tuple(range(n1 - int(axes), n1)), tuple(range(int(axes)))
    else:
        a1, a2 = axes
        a1 = (a1,) if isinstance(a1, int | np.integer) else tuple(a1)
        a2 = (a2,) if isinstance(a2, int | np.integer) else tuple(a2)
        a1, a2 = tuple(a % n1 for a in a1), tuple(a % n2 for a in a2)
    for i, j in zip(a1, a2):
        if _shape(x1)[i] != _shape(x2)[j]:
            raise ValueError(f"tensordot: shape-mismatch for sum: {_shape(x1)} axis {i} vs {_shape(x2)} axis {j}")
    return lax.dot_general(x1, x2, ((a1, a2), ((), ())))


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """Dot product of vectors along ``axis`` (broadcasting the other axes); complex ``x1`` is
    conjugated, as in NumPy and JAX."""
    x1, x2 = _arr(x1), _arr(x2)
    p = lax.mul(conj_if_complex(x1), x2)
    nd = len(_shape(p))
    return lax.reduce_sum(p, (axis % nd,))


def outer(x1: Any, x2: Any, /) -> Any:
    """Outer product of two vectors."""
    x1, x2 = _arr(x1), _arr(x2)
    if len(_shape(x1)) != 1 or len(_shape(x2)) != 1:
        raise ValueError(
            "Input arrays must be one-dimensional, but they are "
            f"x1.ndim={len(_shape(x1))} and x2.ndim={len(_shape(x2))}."
        )
    return lax.mul(lax.reshape(x1, _shape(x1) + (1,)), x2)


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """Cross product of 3-vectors along ``axis`` (broadcasting the other axes)."""
    x1, x2 = _arr(x1), _arr(x2)
    s1, s2 = _shape(x1), _shape(x2)
    if not s1 or not s2 or s1[axis] != 3 or s2[axis] != 3:
        raise ValueError(
            f"Both input arrays must be (arrays of) 3-dimensional vectors, but they are "
            f"{s1[axis] if s1 else 0} and {s2[axis] if s2 else 0} dimensional instead."
        )
    x1 = _moveaxes_last(x1, (axis % len(s1),))
    x2 = _moveaxes_last(x2, (axis % len(s2),))

    def c(x: Any, i: int) -> Any:
        return lax.index(x, (Ellipsis, i))

    parts = [
        lax.sub(lax.mul(c(x1, 1), c(x2, 2)), lax.mul(c(x1, 2), c(x2, 1))),
        lax.sub(lax.mul(c(x1, 2), c(x2, 0)), lax.mul(c(x1, 0), c(x2, 2))),
        lax.sub(lax.mul(c(x1, 0), c(x2, 1)), lax.mul(c(x1, 1), c(x2, 0))),
    ]
    parts = [lax.reshape(p, _shape(p) + (1,)) for p in parts]
    out = lax.concatenate(parts, len(_shape(parts[0])) - 1)
    nd = len(_shape(out))
    ax = axis % nd
    if ax != nd - 1:
        perm = list(range(nd - 1))
        perm.insert(ax, nd - 1)
        out = lax.transpose(out, perm)
    return out


def array_function_overrides() -> dict[Any, Any]:
    """``{numpy.linalg.f: functrans f}`` for every function here that NumPy also has.

    For ``Tracer.__array_function__``: with it, ``numpy.linalg.inv(traced)`` runs :func:`inv`.
    """
    return {getattr(np.linalg, n): globals()[n] for n in __all__ if n != "LinAlgError" and hasattr(np.linalg, n)}
