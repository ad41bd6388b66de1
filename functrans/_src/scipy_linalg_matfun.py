"""Matrix functions of ``jax.scipy.linalg`` computed from the eigendecomposition: ``sqrtm``,
``funm`` and ``solve_sylvester``. JAX computes them from a (complex) Schur form; for
diagonalizable matrices the results are the same matrices (to rounding). As JAX's, ``sqrtm`` and
``funm`` return complex arrays and are not differentiable (NotImplementedError)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src.lax import linalg_solve as LS
from functrans._src.numpy import linalg as nla

__all__ = ["funm", "solve_sylvester", "sqrtm"]


def _square2d(name: str, a: Any) -> Any:
    a = nla._inexact(fnp.asarray(a))
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{name}: expected a square matrix, got shape {a.shape}")
    return a


def _apply(a: Any, f: Callable[[Any], Any]) -> Any:
    w, v = LS.eig(a, compute_eigenvectors=True)
    return fnp.matmul(v * f(w)[None, :], fnp.linalg.inv(v))


def sqrtm(A: Any, blocksize: int = 1) -> Any:  # noqa: N803
    """The principal square root of ``A`` (complex), as ``jax.scipy.linalg.sqrtm``."""
    if blocksize > 1:
        raise NotImplementedError("Blocked version is not implemented yet.")
    return _apply(_square2d("sqrtm", A), fnp.sqrt)


def funm(A: Any, func: Callable[[Any], Any], disp: bool = True) -> Any:  # noqa: N803
    """``func`` applied to the matrix ``A`` through its eigenvalues (complex result)."""
    a = fnp.asarray(A)
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError("expected square array_like input")
    if not disp:
        raise NotImplementedError("funm(disp=False): the error estimate of JAX's Schur-Parlett method is not provided")
    return _apply(nla._inexact(a), func)


def solve_sylvester(A: Any, B: Any, C: Any, *, method: str = "schur", tol: float = 1e-8) -> Any:  # noqa: N803
    """``X`` with ``A X + X B = C``; NaNs when some ``|eig(A)_i + eig(B)_j| < tol`` (as JAX)."""
    if method not in ("schur", "eigen"):
        raise ValueError(f'Unrecognized method {method}. The two valid methods are either "schur" or "eigen".')
    A, B, C = (nla._inexact(fnp.asarray(x)) for x in (A, B, C))  # noqa: N806
    dt = np.result_type(A.dtype, B.dtype, C.dtype)
    A, B, C = (x.astype(dt) for x in (A, B, C))  # noqa: N806
    m, n = C.shape[-2:]
    if A.shape[-2:] != (m, m) or B.shape[-2:] != (n, n):
        raise ValueError(f"Incompatible shapes for Sylvester equation:\nA: {A.shape}\nB: {B.shape}\nC: {C.shape}")
    if A.ndim != 2 or B.ndim != 2 or C.ndim != 2:
        raise NotImplementedError("solve_sylvester: batched inputs are not supported by functrans; use vmap")
    ra, ua = LS.eig(A, compute_eigenvectors=True)
    rb, ub = LS.eig(B, compute_eigenvectors=True)
    f = fnp.linalg.solve(ua, fnp.matmul(C.astype(ra.dtype), ub))
    w = ra[:, None] + rb[None, :]
    x = fnp.matmul(fnp.matmul(ua, f / w), fnp.linalg.inv(ub))
    if np.dtype(dt).kind != "c":
        x = fnp.real(x)
    bad = fnp.any(fnp.abs(w) < tol)
    return fnp.where(bad, np.nan, x)
