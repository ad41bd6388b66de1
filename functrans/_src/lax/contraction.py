"""Contraction: ``dot_general``, with plain BLAS fast paths and data-movement-free batching."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from functrans._src.core import ShapedArray, UndefinedPrimal, bind
from functrans._src.lax.rules import (
    _elementwise_dtype,
    _prim,
    _shape,
    _sig,
    allow_complex,
    defjvp,
)
from functrans._src.lax.shape import transpose

# --------------------------------------------------------------------------- contraction

DimensionNumbers = tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]]

dot_general_p = _prim("dot_general")


def _dot_general_impl(lhs: Any, rhs: Any, dimension_numbers: DimensionNumbers) -> Any:
    (lc, rc), (lb, rb) = dimension_numbers
    if not lb:
        # fast paths: plain BLAS calls for the vector/matrix layouts (np.tensordot's own
        # Python preamble costs more than a small product)
        ln = lhs.ndim if type(lhs) is np.ndarray else np.ndim(lhs)
        rn = rhs.ndim if type(rhs) is np.ndarray else np.ndim(rhs)
        if rn <= 2 and len(lc) == 1:
            if lc[0] == ln - 1 and rc[0] == 0:
                return np.dot(lhs, rhs)
            if rn == 2 and lc[0] == ln - 1 and rc[0] == 1:
                return np.dot(lhs, np.transpose(rhs))
            if ln == 2 and lc[0] == 0 and rc[0] == 0:
                return np.dot(np.transpose(lhs), rhs)
            if ln == 2 and rn == 2 and lc[0] == 0 and rc[0] == 1:
                return np.dot(np.transpose(lhs), np.transpose(rhs))
        if not lc and ln == 1 and rn == 1:
            return np.multiply.outer(lhs, rhs)
        return np.tensordot(lhs, rhs, axes=(lc, rc))
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    lf = [i for i in range(lhs.ndim) if i not in lc and i not in lb]
    rf = [i for i in range(rhs.ndim) if i not in rc and i not in rb]
    batch = [lhs.shape[i] for i in lb]
    nb = math.prod(batch)
    m = math.prod([lhs.shape[i] for i in lf])
    k = math.prod([lhs.shape[i] for i in lc])
    n = math.prod([rhs.shape[i] for i in rf])
    a = np.transpose(lhs, list(lb) + lf + list(lc)).reshape(nb, m, k)
    b = np.transpose(rhs, list(rb) + list(rc) + rf).reshape(nb, k, n)
    out = np.matmul(a, b)
    return out.reshape(tuple(batch) + tuple(lhs.shape[i] for i in lf) + tuple(rhs.shape[i] for i in rf))


def _dot_general_abstract_eval(lhs: ShapedArray, rhs: ShapedArray, dimension_numbers: DimensionNumbers) -> ShapedArray:
    return _dot_general_shape(
        lhs.shape, lhs.dtype, lhs.weak_type, rhs.shape, rhs.dtype, rhs.weak_type, dimension_numbers
    )


@lru_cache(maxsize=4096)
def _dot_general_shape(
    lshape: tuple[int, ...],
    ldtype: np.dtype,
    lweak: bool,
    rshape: tuple[int, ...],
    rdtype: np.dtype,
    rweak: bool,
    dimension_numbers: DimensionNumbers,
) -> ShapedArray:
    lhs, rhs = ShapedArray(lshape, ldtype, lweak), ShapedArray(rshape, rdtype, rweak)
    (lc, rc), (lb, rb) = dimension_numbers
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise ValueError(f"dot_general: mismatched dimension numbers {dimension_numbers}")
    for a, b in zip(lc + lb, rc + rb):
        if lhs.shape[a] != rhs.shape[b]:
            raise ValueError(
                f"dot_general: contracting or batch dimensions differ in size: lhs shape {lhs.shape} "
                f"(axis {a}) vs rhs shape {rhs.shape} (axis {b})"
            )
    lf = tuple(d for i, d in enumerate(lhs.shape) if i not in lc and i not in lb)
    rf = tuple(d for i, d in enumerate(rhs.shape) if i not in rc and i not in rb)
    batch = tuple(lhs.shape[i] for i in lb)
    return ShapedArray(batch + lf + rf, _elementwise_dtype(np.multiply, _sig((lhs, rhs))))


dot_general_p.impl = _dot_general_impl
dot_general_p.abstract_eval = _dot_general_abstract_eval


def dot_general(lhs: Any, rhs: Any, dimension_numbers: DimensionNumbers) -> Any:
    """General tensor contraction, as ``jax.lax.dot_general``.

    ``dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``;
    the result's axes are the batch axes, then lhs's free axes, then rhs's.
    """
    (lc, rc), (lb, rb) = dimension_numbers
    dn = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    return bind(dot_general_p, (lhs, rhs), {"dimension_numbers": dn})


@lru_cache(maxsize=1024)
def _dot_transpose_plan(
    lnd: int, rnd: int, dimension_numbers: DimensionNumbers, of_rhs: bool
) -> tuple[bool, DimensionNumbers, tuple[int, ...] | None]:
    """How to transpose dot_general w.r.t. one operand ``T`` (the rhs if ``of_rhs``), given the
    other operand ``O``: ``(ct_first, dot numbers, perm of the product)``.

    The cotangent of ``T`` contracts ``ct`` with ``O`` over ``O``'s free axes (and pairs their
    batch axes). Either order of the two factors works: ``dot_general(ct, O)`` lays its result
    out as ``T``'s (batch, free, contracting) axes, ``dot_general(O, ct)`` as ``T``'s (batch,
    contracting, free) axes. The order whose layout is already ``T``'s is taken, so that no
    transpose follows (the product comes out C-ordered: for ``h @ W`` the weight cotangent is
    ``h.T @ ct``, as one BLAS call); otherwise ``ct`` first and a transpose.
    """
    (lc, rc), (lb, rb) = dimension_numbers
    lf = [i for i in range(lnd) if i not in lc and i not in lb]
    rf = [i for i in range(rnd) if i not in rc and i not in rb]
    nb = len(lb)
    # ct's axes: batch, then lhs's free axes, then rhs's free axes
    if of_rhs:
        tnd, tc, tb, tf, oc, ob, of = rnd, rc, rb, rf, lc, lb, lf
        ct_of = tuple(nb + k for k in range(len(lf)))
    else:
        tnd, tc, tb, tf, oc, ob, of = lnd, lc, lb, lf, rc, rb, rf
        ct_of = tuple(nb + len(lf) + k for k in range(len(rf)))
    ct_b = tuple(range(nb))
    t_contract = [tc[oc.index(a)] for a in sorted(oc)]  # O's remaining axes, as T's axes
    ident = list(range(tnd))
    src_ct_first, src_other_first = [*tb, *tf, *t_contract], [*tb, *t_contract, *tf]
    ct_first = src_ct_first == ident or src_other_first != ident
    src = src_ct_first if ct_first else src_other_first
    perm = tuple(src.index(i) for i in range(tnd))
    if ct_first:
        dn = ((ct_of, tuple(of)), (ct_b, tuple(ob)))
    else:
        dn = ((tuple(of), ct_of), (tuple(ob), ct_b))
    return ct_first, dn, (None if perm == tuple(range(tnd)) else perm)


def _dot_transpose_operand(
    ct: Any, t_shape: tuple[int, ...], other: Any, dimension_numbers: DimensionNumbers, of_rhs: bool
) -> Any:
    lnd, rnd = (len(_shape(other)), len(t_shape)) if of_rhs else (len(t_shape), len(_shape(other)))
    ct_first, dn, perm = _dot_transpose_plan(lnd, rnd, dimension_numbers, of_rhs)
    params = {"dimension_numbers": dn}  # the plan's numbers are tuples already
    res = bind(dot_general_p, (ct, other) if ct_first else (other, ct), params)
    return res if perm is None else transpose(res, perm)


def _dot_general_transpose(ct: Any, lhs: Any, rhs: Any, dimension_numbers: DimensionNumbers) -> list[Any]:
    if type(lhs) is UndefinedPrimal:
        if type(rhs) is UndefinedPrimal:
            raise NotImplementedError("dot_general is not linear in both operands at once")
        return [_dot_transpose_operand(ct, lhs.aval.shape, rhs, dimension_numbers, False), None]
    return [None, _dot_transpose_operand(ct, rhs.aval.shape, lhs, dimension_numbers, True)]


# (the equation's dimension numbers are tuples already: bound as they are)
defjvp(
    dot_general_p,
    lambda g, ans, x, y, dimension_numbers: bind(dot_general_p, (g, y), {"dimension_numbers": dimension_numbers}),
    lambda g, ans, x, y, dimension_numbers: bind(dot_general_p, (x, g), {"dimension_numbers": dimension_numbers}),
)
dot_general_p.transpose = _dot_general_transpose


def _dot_general_batch(vals: Sequence[Any], dims: Sequence[Any], dimension_numbers: DimensionNumbers) -> Any:
    # No data moves: a batch axis on one side is a free axis of the contraction; on both
    # sides it becomes a leading batch dimension.
    (lhs, rhs), (dl, dr) = vals, dims
    (lc, rc), (lb, rb) = dimension_numbers

    def shift(axes: tuple[int, ...], d: int | None) -> tuple[int, ...]:
        return axes if d is None else tuple(a if a < d else a + 1 for a in axes)

    lc, lb, rc, rb = shift(lc, dl), shift(lb, dl), shift(rc, dr), shift(rb, dr)
    if dl is not None and dr is not None:
        return dot_general(lhs, rhs, ((lc, rc), ((dl,) + lb, (dr,) + rb))), 0
    if dl is not None:
        free_before = sum(1 for i in range(dl) if i not in lc and i not in lb)
        return dot_general(lhs, rhs, ((lc, rc), (lb, rb))), len(lb) + free_before
    lfree = len(_shape(lhs)) - len(lc) - len(lb)
    free_before = sum(1 for i in range(dr) if i not in rc and i not in rb)
    return dot_general(lhs, rhs, ((lc, rc), (lb, rb))), len(lb) + lfree + free_before


dot_general_p.batch = _dot_general_batch

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(dot_general_p)
