"""``functrans.numpy.einsum``."""

from __future__ import annotations

from typing import Any

from functrans._src import lax
from functrans._src.numpy.lax_numpy import transpose
from functrans._src.numpy.util import _arr, _shape

__all__ = ["einsum"]


def _parse_einsum(subscripts: str, n: int) -> tuple[list[str], str]:
    s = subscripts.replace(" ", "")
    if "." in s:
        raise NotImplementedError("functrans.numpy.einsum does not support '...' yet")
    if "->" in s:
        ins, out = s.split("->")
    else:
        ins = s
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = ins.split(",")
    if len(terms) != n:
        raise ValueError(f"einsum: {len(terms)} operand subscripts given for {n} operands")
    for t in terms:
        if len(set(t)) != len(t):
            raise NotImplementedError(f"einsum: repeated index within one operand ('{t}') is not supported")
    return terms, out


def einsum(subscripts: str, *operands: Any) -> Any:
    """``numpy.einsum`` in explicit or implicit mode, contracted pairwise left to right."""
    ops = [_arr(o) for o in operands]
    terms, out = _parse_einsum(subscripts, len(ops))
    for t, o in zip(terms, ops):
        if len(t) != len(_shape(o)):
            raise ValueError(f"einsum: subscript '{t}' does not match an operand of shape {_shape(o)}")

    def reduce_private(term: str, x: Any, keep: str) -> tuple[str, Any]:
        drop = [i for i, c in enumerate(term) if c not in keep]
        if drop:
            x = lax.reduce_sum(x, tuple(drop))
            term = "".join(c for c in term if c in keep)
        return term, x

    cur_t, cur = terms[0], ops[0]
    for k in range(1, len(ops)):
        later = out + "".join(terms[k + 1 :])
        t2, x2 = terms[k], ops[k]
        cur_t, cur = reduce_private(cur_t, cur, later + t2)
        t2, x2 = reduce_private(t2, x2, later + cur_t)
        shared = [c for c in cur_t if c in t2]
        batch = [c for c in shared if c in later]
        contract = [c for c in shared if c not in later]
        dn = (
            (tuple(cur_t.index(c) for c in contract), tuple(t2.index(c) for c in contract)),
            (tuple(cur_t.index(c) for c in batch), tuple(t2.index(c) for c in batch)),
        )
        cur = lax.dot_general(cur, x2, dn)
        cur_t = (
            "".join(batch) + "".join(c for c in cur_t if c not in shared) + "".join(c for c in t2 if c not in shared)
        )
    cur_t, cur = reduce_private(cur_t, cur, out)
    for c in out:
        if c not in cur_t:
            raise ValueError(f"einsum: output subscript '{c}' does not appear in the inputs")
    return transpose(cur, [cur_t.index(c) for c in out]) if cur_t != out else cur
