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
# SciPy-signature decompositions and special matrices
from functrans._src.scipy_linalg_extra import (  # noqa: E402
    cholesky,
    circulant,
    companion,
    convolution_matrix,
    dft,
    eigh,
    eigh_tridiagonal,
    fiedler,
    fiedler_companion,
    hadamard,
    hankel,
    helmert,
    hilbert,
    invhilbert,
    invpascal,
    leslie,
    pascal,
    polar,
    qr,
    qr_multiply,
    svd,
    toeplitz,
)

__all__ += [
    "cholesky", "circulant", "companion", "convolution_matrix", "dft", "eigh", "eigh_tridiagonal",
    "fiedler", "fiedler_companion", "hadamard", "hankel", "helmert", "hilbert", "invhilbert",
    "invpascal", "leslie", "pascal", "polar", "qr", "qr_multiply", "svd", "toeplitz",
]  # fmt: skip
# matrix functions from the eigendecomposition
from functrans._src.scipy_linalg_matfun import funm, solve_sylvester, sqrtm  # noqa: E402

__all__ += ["funm", "solve_sylvester", "sqrtm"]
