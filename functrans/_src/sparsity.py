"""Structural sparsity of Jacobians by propagating index sets through the IR.

Every value of a recorded program gets a *pattern*: for each of its elements, the set of
program inputs (elements of the flattened input vector) it depends on differentiably.
Sets are kept as packed bit rows (``uint8`` arrays of shape ``(size, ceil(n / 8))``), so
unions are bitwise ORs and a whole family of primitives shares one rule:

* elementwise primitives keep the sets (each output element unions the sets of the
  operand elements broadcast onto it);
* reductions merge the sets of the elements reduced together;
* ``dot_general`` mixes along the contracted axes (pruned by the zeros of an operand whose
  value is known, such as a constant matrix);
* indexing and shape operations permute (their own implementation applied to element
  numbers says which element goes where);
* higher-order primitives (``jit``, ``cond``) are analysed by recursing into their
  programs;
* primitives whose derivative is zero (comparisons, ``sign``, ``floor``, ``stop_gradient``,
  ...) and integer or boolean results depend on nothing.

A primitive without a rule is treated conservatively: every output element depends on
every input element of every operand. The result is therefore exact for the program
(no sampling) and never misses a nonzero of the Jacobian; it can only over-approximate.

Cost: n/8 bytes per element of each live intermediate value (patterns are freed after
their last use), which suits inputs up to a few times 10^4 elements.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import IR, Eqn, Literal, ShapedArray, Tracer, Var, bind

Pattern = np.ndarray | None  # packed bit rows (size, nbytes); None: depends on nothing

# rule(eqn, in_patterns, in_values, nbytes) -> one pattern per output
Rule = Callable[[Eqn, list[Pattern], list[Any], int], list[Pattern]]
_RULES: dict[str, Rule] = {}

_ELEMENTWISE = (
    "neg add sub mul div sin cos tan asin acos atan sinh cosh tanh exp log log1p expm1 sqrt abs "
    "integer_pow pow max min atan2 select convert_element_type"
).split()
_ZERO_DERIVATIVE = "sign floor ceil round eq ne lt le gt ge and or not stop_gradient".split()
_PERMUTING = "broadcast_to reshape transpose index index_put concatenate".split()
_REDUCTIONS = "reduce_sum reduce_max reduce_min reduce_prod".split()


def register_sparsity_rule(name: str, rule: Rule) -> None:
    """Register the dependency rule of the primitive called ``name``."""
    _RULES[name] = rule


# --------------------------------------------------------------------------- bit rows


def _scatter_or(out: np.ndarray, rows: np.ndarray, src: Pattern, src_rows: np.ndarray) -> None:
    """``out[rows[k]] |= src[src_rows[k]]`` for every k (rows may repeat)."""
    if src is None or rows.size == 0:
        return
    order = np.argsort(rows, kind="stable")
    r = rows[order]
    bits = src[src_rows[order]]
    starts = np.flatnonzero(np.concatenate(([True], r[1:] != r[:-1])))
    if starts.size == r.size:
        out[r] |= bits
    else:
        out[r[starts]] |= np.bitwise_or.reduceat(bits, starts, axis=0)


def _empty(size: int, nbytes: int) -> np.ndarray:
    return np.zeros((size, nbytes), np.uint8)


def _ids(shape: tuple[int, ...]) -> np.ndarray:
    """Element numbers 1..size in ``shape`` (0 is kept to mean "no element")."""
    return np.arange(1, int(np.prod(shape, dtype=np.int64)) + 1, dtype=np.int64).reshape(shape)


def _is_float(aval: ShapedArray) -> bool:
    return aval.dtype.kind in "fc"


def _known(x: Any) -> bool:
    return x is not None and not isinstance(x, Tracer)


# --------------------------------------------------------------------------- rules


def _elementwise(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    oshape = eqn.outvars[0].aval.shape
    osize = int(np.prod(oshape, dtype=np.int64))
    out = _empty(osize, nbytes)
    name = eqn.prim.name
    for k, (a, p) in enumerate(zip(eqn.inputs, pats)):
        if p is None:
            continue
        if name == "select" and k == 0:
            continue  # the predicate has no derivative
        src = np.broadcast_to(_ids(a.aval.shape), oshape).reshape(-1) - 1
        rows = np.arange(osize)
        if name == "mul" and len(vals) == 2 and _known(vals[1 - k]):
            keep = np.broadcast_to(np.asarray(vals[1 - k]) != 0, oshape).reshape(-1)
            rows, src = rows[keep], src[keep]
        if name == "select" and _known(vals[0]):  # select(pred, on_true, on_false)
            which = np.broadcast_to(np.asarray(vals[0]), oshape).reshape(-1).astype(bool)
            keep = which if k == 1 else ~which
            rows, src = rows[keep], src[keep]
        _scatter_or(out, rows, p, src)
    return [out]


def _permuting(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    oshape = eqn.outvars[0].aval.shape
    osize = int(np.prod(oshape, dtype=np.int64))
    out = _empty(osize, nbytes)
    for k, p in enumerate(pats):
        if p is None:
            continue
        args = [
            _ids(a.aval.shape) if j == k else np.zeros(a.aval.shape, np.int64)
            for j, a in enumerate(eqn.inputs)
        ]
        moved = np.asarray(eqn.prim.impl(*args, **eqn.params)).reshape(-1)  # type: ignore[misc]
        rows = np.flatnonzero(moved)
        _scatter_or(out, rows, p, moved[rows] - 1)
    return [out]


def _reduction(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    (p,) = pats
    ishape = eqn.inputs[0].aval.shape
    axes = eqn.params["axes"]
    kshape = tuple(1 if i in axes else d for i, d in enumerate(ishape))
    osize = int(np.prod(kshape, dtype=np.int64))
    out = _empty(osize, nbytes)
    target = np.broadcast_to(np.arange(osize).reshape(kshape), ishape).reshape(-1)
    _scatter_or(out, target, p, np.arange(target.size))
    return [out]


def _canonical(ids: np.ndarray, batch: Sequence[int], contract: Sequence[int], lhs: bool) -> np.ndarray:
    """Element numbers laid out (batch, free, contracted) for lhs or (batch, contracted, free)."""
    free = [i for i in range(ids.ndim) if i not in contract and i not in batch]
    nb = int(np.prod([ids.shape[i] for i in batch], dtype=np.int64))
    nf = int(np.prod([ids.shape[i] for i in free], dtype=np.int64))
    nk = int(np.prod([ids.shape[i] for i in contract], dtype=np.int64))
    if lhs:
        return np.transpose(ids, list(batch) + free + list(contract)).reshape(nb, nf, nk)
    return np.transpose(ids, list(batch) + list(contract) + free).reshape(nb, nk, nf)


def _dot_general(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    (lc, rc), (lb, rb) = eqn.params["dimension_numbers"]
    lhs, rhs = eqn.inputs
    L = _canonical(_ids(lhs.aval.shape) - 1, lb, lc, True)  # (b, m, k)
    R = _canonical(_ids(rhs.aval.shape) - 1, rb, rc, False)  # (b, k, n)
    nb, m, nk = L.shape
    n = R.shape[2]
    out = _empty(nb * m * n, nbytes)
    oid = np.arange(nb * m * n).reshape(nb, m, n)
    for side in (0, 1):
        p = pats[side]
        if p is None:
            continue
        other = vals[1 - side]
        ov = np.asarray(other) != 0 if _known(other) else None
        if ov is not None and not ov.all():  # mix only where the known operand is nonzero
            nz = _canonical(ov, rb, rc, False) if side == 0 else _canonical(ov, lb, lc, True)
            if side == 0:  # nz (b, k, n): out[b, i, j] <- L[b, i, k] for nz[b, k, j]
                b, kk, j = np.nonzero(nz)
                rows = oid[b[:, None], np.arange(m)[None, :], j[:, None]]
                src = L[b[:, None], np.arange(m)[None, :], kk[:, None]]
            else:  # nz (b, i, k): out[b, i, j] <- R[b, k, j] for nz[b, i, k]
                b, i, kk = np.nonzero(nz)
                rows = oid[b[:, None], i[:, None], np.arange(n)[None, :]]
                src = R[b[:, None], kk[:, None], np.arange(n)[None, :]]
            _scatter_or(out, rows.reshape(-1), p, src.reshape(-1))
            continue
        # unknown values: every element along the contracted axes mixes in
        if side == 0:
            merged = _empty(nb * m, nbytes)
            _scatter_or(merged, np.repeat(np.arange(nb * m), nk), p, L.reshape(-1))
            out |= np.repeat(merged.reshape(nb, m, 1, nbytes), n, axis=2).reshape(-1, nbytes)
        else:
            merged = _empty(nb * n, nbytes)
            Rt = np.transpose(R, (0, 2, 1))  # (b, n, k)
            _scatter_or(merged, np.repeat(np.arange(nb * n), nk), p, Rt.reshape(-1))
            out |= np.repeat(merged.reshape(nb, 1, n, nbytes), m, axis=1).reshape(-1, nbytes)
    return [out]


def _zero(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    return [None] * len(eqn.outvars)


def _all_to_all(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    """The conservative rule: every output element depends on every operand element."""
    live = [p for p in pats if p is not None and p.shape[0]]
    if not live:
        return [None] * len(eqn.outvars)
    union = np.bitwise_or.reduce(np.concatenate(live, axis=0), axis=0)
    return [np.broadcast_to(union, (v.aval.size, nbytes)).copy() for v in eqn.outvars]


def _jit(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    ir = eqn.params["ir"]
    return propagate(ir, list(ir.consts), pats, vals, nbytes)


def _cond(eqn: Eqn, pats: list[Pattern], vals: list[Any], nbytes: int) -> list[Pattern]:
    branches = eqn.params["branches"]
    pred = vals[0]
    if _known(pred):  # the branch is fixed: only its dependencies count
        ir = branches[int(bool(pred))]
        return propagate(ir, list(ir.consts), pats[1:], vals[1:], nbytes)
    outs = [propagate(ir, list(ir.consts), pats[1:], vals[1:], nbytes) for ir in branches]
    return [a if b is None else b if a is None else a | b for a, b in zip(*outs)]


for _n in _ELEMENTWISE:
    _RULES[_n] = _elementwise
for _n in _ZERO_DERIVATIVE:
    _RULES[_n] = _zero
for _n in _PERMUTING:
    _RULES[_n] = _permuting
for _n in _REDUCTIONS:
    _RULES[_n] = _reduction
_RULES["dot_general"] = _dot_general
_RULES["jit"] = _jit
_RULES["cond"] = _cond


# --------------------------------------------------------------------------- propagation


def propagate(
    ir: IR, consts: Sequence[Any], in_pats: Sequence[Pattern], in_vals: Sequence[Any], nbytes: int
) -> list[Pattern]:
    """The patterns of ``ir``'s outputs given its inputs' patterns.

    ``in_vals`` holds the inputs' values where they are known without the program's
    inputs (constants), else None; known values are folded through the program so that
    rules can prune by them (a zero in a constant matrix mixes nothing in).
    """
    pat: dict[Var, Pattern] = {}
    val: dict[Var, Any] = {}
    for v, c in zip(ir.constvars, consts):
        pat[v], val[v] = None, c
    for v, p, x in zip(ir.invars, in_pats, in_vals):
        pat[v], val[v] = p, (x if p is None else None)
    last: dict[Var, int] = {}  # free each pattern after its last use (they are n/8 bytes per element)
    for i, e in enumerate(ir.eqns):
        for a in e.inputs:
            if isinstance(a, Var):
                last[a] = i
    keep = {a for a in ir.outvars if isinstance(a, Var)}
    for i, e in enumerate(ir.eqns):
        if i:
            for a in ir.eqns[i - 1].inputs:
                if isinstance(a, Var) and last[a] == i - 1 and a not in keep:
                    pat[a] = None
        ps = [None if isinstance(a, Literal) else pat[a] for a in e.inputs]
        vs = [a.val if isinstance(a, Literal) else val[a] for a in e.inputs]
        if all(p is None for p in ps):  # depends on no input: fold its value if known
            out_vals: list[Any] = [None] * len(e.outvars)
            if all(_known(x) for x in vs):
                try:
                    r = bind(e.prim, vs, e.params)
                    out_vals = list(r) if e.prim.multiple_results else [r]
                except Exception:  # folding is an optimisation only
                    pass
            for v, x in zip(e.outvars, out_vals):
                pat[v], val[v] = None, x
            continue
        rule = _RULES.get(e.prim.name, _all_to_all)
        outs = rule(e, ps, vs, nbytes)
        for v, p in zip(e.outvars, outs):
            pat[v] = p if _is_float(v.aval) else None
            val[v] = None
    return [None if isinstance(a, Literal) else pat[a] for a in ir.outvars]


def identity_patterns(avals: Sequence[ShapedArray]) -> tuple[list[Pattern], int, int]:
    """Patterns of the inputs themselves: element ``i`` of the flattened inputs depends on
    input ``i``. Returns the patterns, the total size ``n`` and the bytes per row."""
    n = sum(a.size for a in avals)
    nbytes = max((n + 7) // 8, 1)
    pats: list[Pattern] = []
    off = 0
    for a in avals:
        cols = off + np.arange(a.size)
        p = _empty(a.size, nbytes)
        p[np.arange(a.size), cols // 8] = (1 << (7 - cols % 8)).astype(np.uint8)
        pats.append(p if _is_float(a) else None)
        off += a.size
    return pats, n, nbytes


def ir_sparsity(ir: IR) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """The dependency pattern of ``ir`` as coordinates ``(rows, cols, (m, n))``, sorted by
    row then column: outputs (flattened and concatenated) by inputs (likewise)."""
    in_pats, n, nbytes = identity_patterns(ir.in_avals)
    outs = propagate(ir, list(ir.consts), in_pats, [None] * len(in_pats), nbytes)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    off = 0
    for a, p in zip(ir.outvars, outs):
        size = a.aval.size
        if p is not None:  # unpack only the nonzero bytes
            r, byte = np.nonzero(p)
            rr, bit = np.nonzero(np.unpackbits(p[r, byte][:, None], axis=1))
            c = byte[rr].astype(np.int64) * 8 + bit
            keep = c < n
            rows.append(r[rr][keep] + off)
            cols.append(c[keep])
        off += size
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), (off, n)
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64), (off, n)
