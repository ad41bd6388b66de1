"""Compute a matrix already transposed instead of transposing it afterwards.

Reverse mode over forward mode ends many programs with a transpose: the Hessian of
``f(x) = sum(g(A x)) + |x|^2/2`` by ``jacfwd(jacrev(f))`` is ``transpose(I + dot(S, A))``.
The transpose itself is a view, but the result is then a non-contiguous array (slower to
check and to use afterwards). ``dot(S, A)^T`` is ``dot(A^T, S^T)``, a product with the
operands swapped, and an elementwise operation commutes with transposition; so a
transpose of a 2-D value is folded into the equations that produce it when every leaf
can give its transpose for free:

* a 2-D matrix product (one contracting axis on each side, no batch axes): the operands
  are swapped;
* a transpose: it cancels;
* a constant (up to :data:`~functrans._src.optimize.MAX_FOLD_SIZE` elements): it is
  transposed once, when the program is compiled;
* a rank-0 operand of an elementwise equation: it stays.

Elementwise equations in between (NumPy ufuncs without parameters, ``integer_pow``) are
recomputed on the transposed operands. Intermediate values must have no other use
(else they would be computed twice). Elementwise rewriting is exact; swapping the
operands of a matrix product computes the same sums, which BLAS may round differently.
"""

from __future__ import annotations

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, ShapedArray, Var
from functrans._src.optimize import MAX_FOLD_SIZE, dce
from functrans._src.passes.sink_reshapes import is_elementwise

__all__ = ["fold_transposes"]

_SWAP = (1, 0)
MAX_DEPTH = 64  # elementwise equations between a transpose and the leaves it is folded into


def _is_matmul(e: Eqn) -> bool:
    if e.prim is not lax.dot_general_p or e.outvars[0].aval.ndim != 2:
        return False
    (lc, rc), (lb, rb) = e.params["dimension_numbers"]
    x, y = e.inputs
    return not lb and not rb and len(lc) == 1 and len(rc) == 1 and x.aval.ndim == 2 and y.aval.ndim == 2


def fold_transposes(ir: IR) -> IR:
    """``ir`` with 2-D transposes folded into the equations producing their operand, as
    described in the module docstring (``ir`` itself if none can be)."""
    defs: dict[Var, Eqn] = {}
    uses: dict[Var, int] = {}
    for e in ir.eqns:
        for v in e.outvars:
            defs[v] = e
        for a in e.inputs:
            if type(a) is Var:
                uses[a] = uses.get(a, 0) + 1
    for a in ir.outvars:
        if type(a) is Var:
            uses[a] = uses.get(a, 0) + 2
    consts = dict(zip(ir.constvars, ir.consts))

    def foldable(a: Atom, top: bool, depth: int = 0) -> bool:
        """Whether ``a``'s transpose can be had for free (``top``: ``a`` is the transpose's
        own operand, whose single use was checked)."""
        if depth > MAX_DEPTH:
            return False
        if a.aval.ndim == 0:
            return True
        if type(a) is not Var or a.aval.ndim != 2:
            return False
        if a in consts:
            return isinstance(consts[a], np.ndarray) and a.aval.size <= MAX_FOLD_SIZE
        e = defs.get(a)
        if e is None:
            return False
        if e.prim is lax.transpose_p and tuple(e.params["permutation"]) == _SWAP:
            return True
        if not top and uses.get(a, 0) != 1:
            return False
        if _is_matmul(e):
            return True
        return (
            is_elementwise(e)
            and all(x.aval.ndim == 0 or x.aval.shape == a.aval.shape for x in e.inputs)
            and all(foldable(x, False, depth + 1) for x in e.inputs)
        )

    targets = {
        e.outvars[0]
        for e in ir.eqns
        if e.prim is lax.transpose_p
        and tuple(e.params["permutation"]) == _SWAP
        and type(e.inputs[0]) is Var
        and uses.get(e.inputs[0], 0) == 1
        and e.inputs[0] not in consts  # constant folding already handles these
        and e.inputs[0] in defs
        and defs[e.inputs[0]].prim is not lax.transpose_p
        and foldable(e.inputs[0], True)
    }
    if not targets:
        return ir

    new_constvars, new_consts = list(ir.constvars), list(ir.consts)
    made: dict[Var, Atom] = {}  # a -> an atom holding a's transpose
    new: list[Eqn] = []
    fold_at: dict[int, Eqn] = {}  # position of each target transpose -> its equation
    for i, e in enumerate(ir.eqns):
        if e.prim is lax.transpose_p and e.outvars[0] in targets:
            fold_at[i] = e

    def transposed(a: Atom, out: Var | None = None) -> Atom:
        """Emit the equations computing ``a``'s transpose (into ``out`` if given: then
        ``a`` is a target's operand, a product or an elementwise result)."""
        if a.aval.ndim == 0:
            return a
        assert type(a) is Var
        if a in made:
            return made[a]
        if a in consts:
            c = np.transpose(consts[a])
            if 0 not in c.strides:  # a dense constant: stored in the order it is read
                c = np.ascontiguousarray(c)
                c.flags.writeable = False
            v = made[a] = Var(ShapedArray(a.aval.shape[::-1], a.aval.dtype))
            new_constvars.append(v)
            new_consts.append(c)
            return v
        e = defs[a]
        if e.prim is lax.transpose_p:
            return e.inputs[0]
        v = out or Var(ShapedArray(a.aval.shape[::-1], a.aval.dtype))
        if _is_matmul(e):
            (lc, rc), _ = e.params["dimension_numbers"]
            x, y = e.inputs
            new.append(Eqn(lax.dot_general_p, [y, x], {"dimension_numbers": ((rc, lc), ((), ()))}, [v]))
        else:
            new.append(Eqn(e.prim, [transposed(x) for x in e.inputs], e.params, [v]))
        made[a] = v
        return v

    # the producers of a target's operand are single-use and pure: rebuild each chain at the
    # position of its transpose and drop the original equations
    dropped: set[int] = set()
    pos = {id(e): i for i, e in enumerate(ir.eqns)}

    def chain(a: Atom) -> None:
        if type(a) is not Var or a in consts or a.aval.ndim == 0:
            return
        e = defs[a]
        if e.prim is lax.transpose_p:
            return
        dropped.add(pos[id(e)])
        if not _is_matmul(e):
            for x in e.inputs:
                chain(x)

    for e in fold_at.values():
        chain(e.inputs[0])
    for i, e in enumerate(ir.eqns):
        if i in fold_at:
            transposed(e.inputs[0], e.outvars[0])
        elif i not in dropped:
            new.append(e)
    return dce(IR(new_constvars, new_consts, ir.invars, new, ir.outvars))
