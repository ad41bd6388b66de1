"""``functrans.scipy.linalg``: ``scipy.linalg``'s core, differentiable and batched (NumPy only)."""

from functrans._src.scipy_linalg import (
    block_diag,
    cho_factor,
    cho_solve,
    det,
    expm,
    expm_frechet,
    inv,
    lu,
    lu_factor,
    lu_solve,
    solve,
    solve_triangular,
)

__all__ = [
    "block_diag", "cho_factor", "cho_solve", "det", "expm", "expm_frechet", "inv", "lu", "lu_factor",
    "lu_solve", "solve", "solve_triangular",
]  # fmt: skip
