"""Greedy colouring of a Jacobian's columns (or rows), compressed seeds and decompression.

Two columns may share a colour when no row has a nonzero in both (they are not adjacent
in the column-intersection graph). All columns of one colour are then pushed through a
single JVP together: the seed is the sum of their basis vectors, and each row of the
compressed result holds at most one of them, which decompression puts back in place.
Rows are coloured the same way for reverse mode (the transposed pattern).

The greedy colouring visits the columns in a chosen order and gives each the smallest
colour none of its neighbours has. The orderings are ``"largest_first"`` (by decreasing
degree), ``"smallest_last"`` (repeatedly set aside a vertex of least degree in what remains,
then colour in reverse; never worse than the degeneracy bound) and ``"natural"``.
Columns with no nonzero at all get colour ``-1``: they need no pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

ORDERINGS = ("smallest_last", "largest_first", "natural")

# Building the column-intersection graph costs sum over rows of nnz(row)^2; past this the
# colouring gives up on sharing and uses one colour per nonempty column (still valid).
_MAX_GRAPH_WORK = 30_000_000


def _adjacency(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_cols: int) -> list[np.ndarray] | None:
    """For each column, the columns sharing a row with it (excluding itself)."""
    row_nnz = np.bincount(rows, minlength=n_rows)
    if int(np.sum(row_nnz.astype(np.int64) ** 2)) > _MAX_GRAPH_WORK:
        return None
    order = np.argsort(rows, kind="stable")
    r, c = rows[order], cols[order]
    starts = np.concatenate(([0], np.cumsum(row_nnz)))
    # all ordered pairs of columns within each row
    lens = row_nnz[r]
    first = np.repeat(c, lens)
    seg_start = np.repeat(starts[r], lens)
    offs = np.arange(first.size) - np.repeat(np.cumsum(lens) - lens, lens)
    second = c[seg_start + offs]
    keep = first != second
    first, second = first[keep], second[keep]
    key = np.unique(first.astype(np.int64) * n_cols + second)
    first, second = key // n_cols, key % n_cols
    bounds = np.searchsorted(first, np.arange(n_cols + 1))
    return [second[bounds[j] : bounds[j + 1]] for j in range(n_cols)]


def _smallest_last(adj: list[np.ndarray], active: np.ndarray) -> list[int]:
    deg = {int(j): len(adj[j]) for j in np.flatnonzero(active)}
    buckets: dict[int, set[int]] = {}
    for j, d in deg.items():
        buckets.setdefault(d, set()).add(j)
    removed: list[int] = []
    gone: set[int] = set()
    low = 0
    while deg:
        while low not in buckets or not buckets[low]:
            low += 1
        j = buckets[low].pop()
        del deg[j]
        gone.add(j)
        removed.append(j)
        for k in adj[j].tolist():
            if k in deg:
                d = deg[k]
                buckets[d].discard(k)
                deg[k] = d - 1
                buckets.setdefault(d - 1, set()).add(k)
        low = max(low - 1, 0)
    return removed[::-1]


def color_columns(
    rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], ordering: str = "smallest_last"
) -> tuple[np.ndarray, int]:
    """Colour the columns of the pattern with nonzeros at ``(rows, cols)``.

    Returns ``(colors, n_colors)``: ``colors[j]`` in ``0..n_colors-1``, or ``-1`` for an
    empty column; no two columns of one colour have a nonzero in the same row.
    """
    if ordering not in ORDERINGS:
        raise ValueError(f"coloring ordering must be one of {ORDERINGS}, got {ordering!r}")
    n_rows, n_cols = shape
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    colors = np.full(n_cols, -1, np.int64)
    active = np.zeros(n_cols, bool)
    active[cols] = True
    adj = _adjacency(rows, cols, n_rows, n_cols)
    if adj is None:  # too dense to be worth it: one colour per nonempty column
        idx = np.flatnonzero(active)
        colors[idx] = np.arange(idx.size)
        return colors, int(idx.size)
    if ordering == "smallest_last":
        order = _smallest_last(adj, active)
    elif ordering == "largest_first":
        idx = np.flatnonzero(active)
        deg = np.array([len(adj[j]) for j in idx], np.int64)
        order = idx[np.argsort(-deg, kind="stable")].tolist()
    else:
        order = np.flatnonzero(active).tolist()
    n_colors = 0
    for j in order:
        used = set(colors[adj[j]].tolist())
        c = 0
        while c in used:
            c += 1
        colors[j] = c
        n_colors = max(n_colors, c + 1)
    return colors, n_colors


def color_rows(
    rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int], ordering: str = "smallest_last"
) -> tuple[np.ndarray, int]:
    """Colour the rows (for reverse mode): :func:`color_columns` of the transpose."""
    return color_columns(cols, rows, (shape[1], shape[0]), ordering)


def seed_matrix(colors: np.ndarray, n_colors: int, dtype: Any = np.float64) -> np.ndarray:
    """The compressed seeds, shape ``(n_colors, len(colors))``: row ``c`` is the sum of the
    basis vectors of colour ``c``."""
    seeds = np.zeros((n_colors, colors.size), dtype)
    idx = np.flatnonzero(colors >= 0)
    seeds[colors[idx], idx] = 1
    return seeds


def is_valid_coloring(rows: np.ndarray, cols: np.ndarray, colors: np.ndarray) -> bool:
    """True if no row holds two nonzeros in columns of the same colour (and none is -1)."""
    c = colors[cols]
    if np.any(c < 0):
        return False
    key = np.asarray(rows, np.int64) * (int(colors.max(initial=0)) + 1) + c
    return np.unique(key).size == key.size


def decompress_columns(compressed: np.ndarray, rows: np.ndarray, cols: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """Values at ``(rows, cols)`` from forward-mode compressed results ``(n_colors, m)``."""
    return compressed[colors[cols], rows]


def decompress_rows(compressed: np.ndarray, rows: np.ndarray, cols: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """Values at ``(rows, cols)`` from reverse-mode compressed results ``(n_colors, n)``."""
    return compressed[colors[rows], cols]
