"""``functrans.numpy.einsum``: NumPy's full subscript language on ``dot_general``.

Supported: explicit (``'ij,jk->ik'``) and implicit (``'ij,jk'``) output, ``...``
broadcasting (size-1 axes broadcast as in NumPy), repeated indices within one operand
(traces and diagonals, taken with :func:`~functrans._src.numpy.structure.diagonal`), and
the interleaved form ``einsum(A, [0, 1], B, [1, 2], [0, 2])``. Indices private to one
operand are summed first; three or more operands are contracted pairwise in a greedy
order that keeps intermediates small (``optimize=False`` keeps NumPy's left-to-right
order). Every step is a ``reduce_sum``, ``dot_general``, ``transpose`` or static slice,
so einsum is differentiable in both modes and batchable.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.numpy.lax_numpy import reshape, transpose
from functrans._src.numpy.structure import diagonal
from functrans._src.numpy.util import _arr, _shape

__all__ = ["einsum", "einsum_path"]

_LETTERS = string.ascii_letters


def _interleaved(args: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """``(A, [0, 1], B, [1, 2], [0, 2])`` to ``'ab,bc->ac'`` and the operands."""
    ops, terms = [], []
    rest = list(args)
    while len(rest) >= 2:
        ops.append(rest.pop(0))
        terms.append(rest.pop(0))
    out = rest[0] if rest else None

    def word(sub: Any) -> str:
        s = ""
        for i in sub:
            if i is Ellipsis:
                s += "..."
            else:
                i = int(i)
                if not 0 <= i < len(_LETTERS):
                    raise ValueError(f"einsum: subscript {i} must be an integer in [0, 52)")
                s += _LETTERS[i]
        return s

    spec = ",".join(word(t) for t in terms)
    if out is not None:
        spec += "->" + word(out)
    return spec, ops


def _parse(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    s = subscripts.replace(" ", "")
    explicit = "->" in s
    ins, out = s.split("->") if explicit else (s, "")
    terms = ins.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {len(terms)} operand subscripts given for {len(shapes)} operands")
    used = set(c for c in s if c.isalpha())
    spare = [c for c in reversed(_LETTERS) if c not in used]
    n_ell = 0
    for t, shp in zip(terms, shapes):
        if "..." in t:
            n_ell = max(n_ell, len(shp) - (len(t) - 3))
    ell = "".join(spare[:n_ell][::-1])
    expanded = []
    for t, shp in zip(terms, shapes):
        if "..." in t:
            k = len(shp) - (len(t) - 3)
            if k < 0:
                raise ValueError(f"einsum: operand of shape {shp} has fewer dimensions than subscripts '{t}'")
            t = t.replace("...", ell[n_ell - k :] if k else "")
        for c in t:
            if not c.isalpha():
                raise ValueError(f"einsum: invalid subscript '{c}'; subscripts must be letters")
        if len(t) != len(shp):
            raise ValueError(f"einsum: subscripts '{t}' do not match an operand of shape {shp}")
        expanded.append(t)
    if explicit:
        out = out.replace("...", ell)
        for c in out:
            if out.count(c) > 1:
                raise ValueError(f"einsum: output subscript '{c}' appears more than once in the output")
    else:
        letters = "".join(expanded)
        singles = sorted((c for c in set(letters) if letters.count(c) == 1 and c not in ell), key=_LETTERS.index)
        out = ell + "".join(singles)
    for c in out:
        if not any(c in t for t in expanded):
            raise ValueError(f"einsum: output subscript '{c}' does not appear in the inputs")
    return expanded, out


def _dedupe(term: str, x: Any) -> tuple[str, Any]:
    """Take diagonals until every index of ``term`` is distinct."""
    while True:
        dup = next((c for c in term if term.count(c) > 1), None)
        if dup is None:
            return term, x
        p1 = term.index(dup)
        p2 = term.index(dup, p1 + 1)
        if _shape(x)[p1] != _shape(x)[p2]:
            raise ValueError(f"einsum: repeated index '{dup}' has sizes {_shape(x)[p1]} and {_shape(x)[p2]}")
        x = diagonal(x, 0, p1, p2)
        term = "".join(c for i, c in enumerate(term) if i not in (p1, p2)) + dup


def _sum_private(term: str, x: Any, keep: str) -> tuple[str, Any]:
    drop = tuple(i for i, c in enumerate(term) if c not in keep)
    if drop:
        x = lax.reduce_sum(x, drop)
        term = "".join(c for c in term if c in keep)
    return term, x


def _contract(t1: str, x1: Any, t2: str, x2: Any, later: str) -> tuple[str, Any]:
    t1, x1 = _sum_private(t1, x1, later + t2)
    t2, x2 = _sum_private(t2, x2, later + t1)
    shared = [c for c in t1 if c in t2]
    batch = [c for c in shared if c in later]
    contract = [c for c in shared if c not in later]
    dn = (
        (tuple(t1.index(c) for c in contract), tuple(t2.index(c) for c in contract)),
        (tuple(t1.index(c) for c in batch), tuple(t2.index(c) for c in batch)),
    )
    out = lax.dot_general(x1, x2, dn)
    term = "".join(batch) + "".join(c for c in t1 if c not in shared) + "".join(c for c in t2 if c not in shared)
    return term, out


def _result_size(t1: str, t2: str, later: str, sizes: dict[str, int]) -> int:
    n = 1
    for c in set(t1) | set(t2):
        if c in later:
            n *= sizes[c]
    return n


def _order(terms: list[str], out: str, sizes: dict[str, int], optimize: Any) -> list[tuple[int, int]]:
    """Pairs of positions to contract, in order (each result goes to the end of the list)."""
    terms = list(terms)
    path = []
    while len(terms) > 1:
        if optimize is False or len(terms) == 2:
            i, j = 0, 1
        else:
            best = None
            for i in range(len(terms)):
                for j in range(i + 1, len(terms)):
                    later = out + "".join(t for k, t in enumerate(terms) if k not in (i, j))
                    cost = _result_size(terms[i], terms[j], later, sizes)
                    if best is None or cost < best[0]:
                        best = (cost, i, j)
            assert best is not None
            _, i, j = best
        later = out + "".join(t for k, t in enumerate(terms) if k not in (i, j))
        merged = "".join(dict.fromkeys(c for c in terms[i] + terms[j] if c in later))
        terms = [t for k, t in enumerate(terms) if k not in (i, j)] + [merged]
        path.append((i, j))
    return path


def _broadcast_ones(terms: list[str], ops: list[Any]) -> tuple[list[str], list[Any]]:
    """Drop size-1 axes whose index has a larger size elsewhere (NumPy's broadcasting)."""
    sizes: dict[str, int] = {}
    for t, x in zip(terms, ops):
        for c, d in zip(t, _shape(x)):
            if d != 1:
                if sizes.get(c, d) != d:
                    raise ValueError(f"einsum: index '{c}' has inconsistent sizes {sizes[c]} and {d}")
                sizes[c] = d
    new_terms, new_ops = [], []
    for t, x in zip(terms, ops):
        shp = _shape(x)
        keep = [i for i, (c, d) in enumerate(zip(t, shp)) if not (d == 1 and sizes.get(c, 1) != 1)]
        if len(keep) != len(t):
            x = reshape(x, tuple(shp[i] for i in keep))
            t = "".join(t[i] for i in keep)
        new_terms.append(t)
        new_ops.append(x)
    return new_terms, new_ops


def einsum(
    *operands: Any, optimize: Any = "auto", out: None = None, dtype: Any = None,
    preferred_element_type: Any = None, precision: Any = None, **kwargs: Any,
) -> Any:  # fmt: skip
    """Evaluate an Einstein summation, as ``numpy.einsum`` (``out=None`` only). All-bool
    operands give a bool result (any of the products), as JAX; ``preferred_element_type``
    (JAX's) is the result dtype, ``precision`` is accepted and ignored."""
    if out is not None:
        raise NotImplementedError("functrans.numpy.einsum does not support out=")
    if preferred_element_type is not None:
        if dtype is not None:
            raise TypeError("einsum: give dtype= or preferred_element_type=, not both")
        dtype = preferred_element_type
    if kwargs:
        raise TypeError(f"einsum() got unexpected keyword arguments {sorted(kwargs)}")
    if not operands:
        raise ValueError("einsum: no subscripts given")
    if isinstance(operands[0], str):
        spec, ops = operands[0], list(operands[1:])
    else:
        spec, ops = _interleaved(operands)
    ops = [_arr(o) for o in ops]
    if dtype is None and ops and all(o.dtype.kind == "b" for o in ops):  # as JAX: or of ands
        res = einsum(spec, *[lax.convert_element_type(o, np.int64) for o in ops], optimize=optimize)
        return lax.ne(res, np.zeros((), np.int64))
    if dtype is not None and np.dtype(dtype).kind != "b":  # bools are counted, not or-ed
        ops = [lax.convert_element_type(o, dtype) if o.dtype.kind == "b" else o for o in ops]
    terms, out_t = _parse(spec, [_shape(o) for o in ops])
    deduped = [_dedupe(t, o) for t, o in zip(terms, ops)]
    terms, ops = [d[0] for d in deduped], [d[1] for d in deduped]
    terms, ops = _broadcast_ones(terms, ops)
    sizes = {c: d for t, o in zip(terms, ops) for c, d in zip(t, _shape(o))}
    for c in out_t:
        sizes.setdefault(c, 1)
    if len(ops) == 1:
        cur_t, cur = _sum_private(terms[0], ops[0], out_t)
    else:
        for i, j in _order(terms, out_t, sizes, optimize):
            later = out_t + "".join(t for k, t in enumerate(terms) if k not in (i, j))
            t, x = _contract(terms[i], ops[i], terms[j], ops[j], later)
            terms = [t2 for k, t2 in enumerate(terms) if k not in (i, j)] + [t]
            ops = [o for k, o in enumerate(ops) if k not in (i, j)] + [x]
        cur_t, cur = _sum_private(terms[0], ops[0], out_t)
    missing = [c for c in out_t if c not in cur_t]
    if missing:  # an output index dropped as a broadcast size-1 axis
        cur = reshape(cur, _shape(cur) + (1,) * len(missing))
        cur_t += "".join(missing)
    if cur_t != out_t:
        cur = transpose(cur, [cur_t.index(c) for c in out_t])
    return cur if dtype is None else lax.convert_element_type(cur, dtype)


def einsum_path(*operands: Any, optimize: Any = "greedy") -> tuple[list[Any], str]:
    """The pairwise contraction order :func:`einsum` uses, in ``numpy.einsum_path``'s list form."""
    if isinstance(operands[0], str):
        spec, ops = operands[0], list(operands[1:])
    else:
        spec, ops = _interleaved(operands)
    terms, out_t = _parse(spec, [_shape(_arr(o)) for o in ops])
    sizes = {c: d for t, o in zip(terms, ops) for c, d in zip(t, _shape(_arr(o)))}
    path = _order(terms, out_t, sizes, optimize) if len(terms) > 1 else [(0,)]
    return ["einsum_path", *path], f"  Contraction order: {path}"
