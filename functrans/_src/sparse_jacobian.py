"""``jacobian_sparsity`` and ``sparse_jacobian``: Jacobians by colouring.

With the sparsity pattern known (from :mod:`functrans._src.sparsity`), columns that share
no row are pushed through one JVP together (rows through one VJP in reverse mode), so a
tridiagonal ``n x n`` Jacobian costs 3 JVPs instead of ``n``: ``J S = B`` with the
compressed seed matrix ``S`` (``n x colours``), then each nonzero is read back from ``B``.

Both functions see the differentiated arguments as one flat vector of size ``n`` (leaves
flattened in C order and concatenated) and the outputs likewise (size ``m``); their
results are ``(m, n)`` matrices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import coloring, lax
from functrans._src.api import jvp, vjp, vmap
from functrans._src.core import Tracer
from functrans._src.flatjac import VectorFunction
from functrans._src.sparsity import ir_sparsity

try:  # SciPy is optional: sparse results need it
    import scipy.sparse as _sp
except ImportError:  # pragma: no cover - exercised only without SciPy
    _sp = None

FORMATS = ("csr", "coo", "dense")


def _check_format(format: str | None, fname: str) -> None:  # noqa: A002
    if format is not None and format not in FORMATS:
        raise ValueError(f"{fname}: format must be one of {FORMATS} or None, got {format!r}")
    if format == "csr" and _sp is None:
        raise ImportError(f"{fname}: format='csr' needs SciPy (pip install scipy); use format='coo' or 'dense'")


def jacobian_sparsity(
    fun: Callable[..., Any], argnums: int | Sequence[int] = 0, *, format: str | None = None  # noqa: A002
) -> Callable[..., Any]:
    """The structural sparsity pattern of ``fun``'s Jacobian, from its program.

    ``jacobian_sparsity(f)(*args)`` traces ``f`` on the arguments' shapes and dtypes and
    propagates index sets through the program (see :mod:`functrans._src.sparsity`): exact
    for the program and conservative (never misses a nonzero). The pattern is an ``(m, n)``
    boolean matrix over the flattened, concatenated outputs (rows) and differentiated
    arguments (columns): a ``scipy.sparse.csr_array`` when SciPy is installed, else a NumPy
    array; ``format="dense"`` always gives a NumPy array and ``format="coo"`` a
    ``(rows, cols)`` pair of index arrays. Computed once per input signature and cached.
    """
    _check_format(format, "jacobian_sparsity")
    cache: dict[Any, Any] = {}

    def pattern_f(*args: Any, **kwargs: Any) -> Any:
        g = VectorFunction(fun, args, kwargs, argnums, "jacobian_sparsity")
        rows, cols, shape = _pattern(g, cache)
        fmt = format or ("csr" if _sp is not None else "dense")
        if fmt == "dense":
            return _dense_pattern(rows, cols, shape)
        if fmt == "coo":
            return rows.copy(), cols.copy()
        return _sp.csr_array((np.ones(rows.size, bool), (rows, cols)), shape=shape)

    pattern_f.__name__ = f"jacobian_sparsity({getattr(fun, '__name__', 'fun')})"
    return pattern_f


Coords = tuple[np.ndarray, np.ndarray, tuple[int, int]]  # rows, cols (sorted row-major), shape


def _pattern(g: VectorFunction, cache: dict[Any, Any]) -> Coords:
    key = g.key
    hit = cache.get(key) if key[0] is not None else None
    if hit is not None:
        g.out_avals = hit[1]
        return hit[0]  # type: ignore[no-any-return]
    pat = ir_sparsity(g.ir())
    if key[0] is not None:
        cache[key] = (pat, g.out_avals)
    return pat


def _dense_pattern(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, bool)
    out[rows, cols] = True
    return out


def _as_coords(sparsity: Any, shape: tuple[int, int]) -> Coords:
    """A user-given pattern (SciPy sparse, boolean array, or (rows, cols)) as sorted coordinates."""
    if _sp is not None and _sp.issparse(sparsity):
        got_shape = sparsity.shape
        coo = _sp.coo_array(sparsity)
        keep = coo.data != 0
        r, c = coo.row[keep], coo.col[keep]
    elif isinstance(sparsity, tuple) and len(sparsity) == 2:
        r, c = np.asarray(sparsity[0], np.int64), np.asarray(sparsity[1], np.int64)
        got_shape = shape
        if r.size and (r.min() < 0 or c.min() < 0 or r.max() >= shape[0] or c.max() >= shape[1]):
            raise ValueError(f"sparse_jacobian: the given (rows, cols) fall outside the Jacobian's shape {shape}")
    else:
        dense = np.asarray(sparsity)
        got_shape = dense.shape
        r, c = np.nonzero(dense) if dense.ndim == 2 else (np.zeros(0), np.zeros(0))
    if tuple(got_shape) != tuple(shape):
        raise ValueError(
            f"sparse_jacobian: the given sparsity pattern has shape {tuple(got_shape)}, but the Jacobian "
            f"(outputs x inputs, flattened) has shape {shape}"
        )
    key = np.unique(np.asarray(r, np.int64) * shape[1] + np.asarray(c, np.int64))
    return key // max(shape[1], 1), key % max(shape[1], 1), shape


class ColoringPlan:
    """What :func:`sparse_jacobian` does for one input signature: the pattern, the mode and
    the colouring; ``passes`` is the number of JVPs (or VJPs) in the one batched push."""

    def __init__(self, coords: Coords, mode: str, colors: np.ndarray, n_colors: int) -> None:
        self.rows, self.cols, self.shape = coords
        self.mode = mode
        self.colors = colors
        self.passes = n_colors

    @property
    def pattern(self) -> np.ndarray:
        """The pattern as a dense boolean ``(m, n)`` array."""
        return _dense_pattern(self.rows, self.cols, self.shape)

    def __repr__(self) -> str:
        m, n = self.shape
        return (f"ColoringPlan({m}x{n}, nnz={self.rows.size}, mode={self.mode!r}, passes={self.passes} "
                f"instead of {min(m, n)})")  # fmt: skip


def _plan(coords: Coords, mode: str, ordering: str) -> ColoringPlan:
    rows, cols, (m, n) = coords
    options = []
    if mode in ("fwd", "auto"):
        options.append(("fwd", *coloring.color_columns(rows, cols, (m, n), ordering)))
    if mode in ("rev", "auto"):
        options.append(("rev", *coloring.color_rows(rows, cols, (m, n), ordering)))
    how, colors, k = min(options, key=lambda o: o[2])  # fewest passes; forward on a tie
    return ColoringPlan(coords, how, colors, k)


def push_seeds(g: VectorFunction, x0: Any, seeds: np.ndarray, mode: str) -> Any:
    """One batched JVP (``mode="fwd"``) or VJP of ``g`` at ``x0`` over the rows of ``seeds``:
    returns ``(primal output, stacked results)``."""
    if mode == "fwd":
        def push(t: Any) -> Any:
            return jvp(g, (x0,), (t,))[1]

        y = g(x0)
        return y, vmap(push)(seeds)
    y, pullback = vjp(g, x0)
    return y, vmap(lambda ct: pullback(ct)[0])(seeds)


def sparse_jacobian(
    fun: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    *,
    sparsity: Any = None,
    mode: str = "auto",
    format: str | None = None,  # noqa: A002
    ordering: str = "smallest_last",
) -> Callable[..., Any]:
    """The Jacobian of ``fun`` by colouring its sparsity pattern: few passes, exact values.

    The pattern comes from :func:`jacobian_sparsity`, or from ``sparsity`` (a SciPy sparse
    matrix, a boolean array or a ``(rows, cols)`` pair), which is checked to contain the
    computed one. Columns (``mode="fwd"``) or rows (``"rev"``) are coloured greedily
    (``ordering``: ``"smallest_last"``, ``"largest_first"`` or ``"natural"``); ``"auto"``
    takes the mode needing fewer colours. The compressed seeds go through ONE batched JVP
    (vmap of jvp) or VJP, and the nonzeros are read back from the result.

    The result is the ``(m, n)`` Jacobian of the flattened, concatenated outputs by the
    flattened, concatenated differentiated arguments: a ``scipy.sparse.csr_array`` when
    SciPy is installed (``format="csr"``, the default then), else a NumPy array
    (``format="dense"``, the default without SciPy); ``format="coo"`` gives a
    ``(rows, cols, values)`` triple. Under ``jit`` or ``vmap`` the values are traced, so
    only ``format="dense"`` (the default there) is possible. The pattern and colouring are
    computed once per input signature and cached; ``.plan(*args)`` on the returned function
    shows them.
    """
    _check_format(format, "sparse_jacobian")
    if mode not in ("fwd", "rev", "auto"):
        raise ValueError(f"sparse_jacobian: mode must be 'fwd', 'rev' or 'auto', got {mode!r}")
    if ordering not in coloring.ORDERINGS:
        raise ValueError(f"sparse_jacobian: ordering must be one of {coloring.ORDERINGS}, got {ordering!r}")
    pattern_cache: dict[Any, Any] = {}
    plans: dict[Any, ColoringPlan] = {}

    def plan_for(g: VectorFunction) -> ColoringPlan:
        plan = plans.get(g.key) if g.key[0] is not None else None
        if plan is None:
            pat = _pattern(g, pattern_cache)
            if sparsity is not None:
                rows, cols, shape = pat
                given = _as_coords(sparsity, shape)
                missing = ~np.isin(rows * shape[1] + cols, given[0] * shape[1] + given[1])
                if missing.any():
                    i, j = rows[missing][0], cols[missing][0]
                    raise ValueError(
                        f"sparse_jacobian: the given sparsity pattern misses {int(missing.sum())} structural "
                        f"nonzero(s) of the Jacobian, e.g. output element {i} depends on input element {j}"
                    )
                pat = given
            plan = _plan(pat, mode, ordering)
            if g.key[0] is not None:
                plans[g.key] = plan
        else:
            g.out_avals = pattern_cache[g.key][1]
        return plan

    def jac_f(*args: Any, **kwargs: Any) -> Any:
        g = VectorFunction(fun, args, kwargs, argnums, "sparse_jacobian")
        plan = plan_for(g)
        m, n = plan.shape
        x0 = g.vector()
        rows, cols = plan.rows, plan.cols
        if plan.passes == 0:
            compressed: Any = np.zeros((0, m if plan.mode == "fwd" else n), g.dtype)
        else:
            seeds = coloring.seed_matrix(plan.colors, plan.passes, g.dtype)
            _, compressed = push_seeds(g, x0, seeds, plan.mode)
        traced = isinstance(compressed, Tracer)
        fmt = format or ("csr" if _sp is not None and not traced else "dense")
        if traced:
            if fmt != "dense":
                raise TypeError(
                    f"sparse_jacobian: format={fmt!r} cannot hold traced values (inside jit or vmap); "
                    "use format='dense' there"
                )
            return _dense_traced(compressed, plan)
        compressed = np.asarray(compressed)
        if plan.mode == "fwd":
            values = coloring.decompress_columns(compressed, rows, cols, plan.colors)
        else:
            values = coloring.decompress_rows(compressed, rows, cols, plan.colors)
        if fmt == "coo":
            return rows, cols, values
        if fmt == "csr":
            return _sp.csr_array((values, (rows, cols)), shape=(m, n))
        out = np.zeros((m, n), values.dtype if values.size else g.dtype)
        out[rows, cols] = values
        return out

    def plan(*args: Any, **kwargs: Any) -> ColoringPlan:
        return plan_for(VectorFunction(fun, args, kwargs, argnums, "sparse_jacobian"))

    jac_f.plan = plan  # type: ignore[attr-defined]
    jac_f.__name__ = f"sparse_jacobian({getattr(fun, '__name__', 'fun')})"
    jac_f.__doc__ = fun.__doc__
    return jac_f


def _dense_traced(compressed: Any, plan: ColoringPlan) -> Any:
    """Decompression with traced values: a product with the one-hot colour matrix, masked by
    the pattern (gathers of traced values are not available)."""
    m, n = plan.shape
    mask = plan.pattern.astype(compressed.dtype)
    if plan.passes == 0:
        return np.zeros((m, n), compressed.dtype)
    onehot = coloring.seed_matrix(plan.colors, plan.passes, compressed.dtype)  # (k, n) or (k, m)
    dn = (((0,), (0,)), ((), ()))
    if plan.mode == "fwd":  # compressed (k, m): J[i, j] = B[color(j), i]
        full = lax.dot_general(compressed, onehot, dn)  # (m, n)
    else:  # compressed (k, n): J[i, j] = C[color(i), j]
        full = lax.dot_general(onehot, compressed, dn)  # (m, n)
    return lax.mul(full, mask)
