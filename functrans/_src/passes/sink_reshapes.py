"""Compute elementwise equations before a reshape rather than after it.

Reverse mode reshapes vectors into columns (``(n,) -> (n, 1)``) as soon as they meet a
broadcast, and the elementwise arithmetic that follows runs on the columns. The program
then mixes two shapes of the same values::

    i = reshape h;  o = reshape n;  p = mul i o;  q = mul p i

and every reshape ends a run of elementwise equations of one shape, so the fused-kernel
backend (:mod:`functrans._src.fusion`) makes several kernels (several calls) where one
would do. An elementwise equation (a NumPy ufunc without parameters, or
``integer_pow``) whose array inputs all have the result's shape (no broadcasting) and
are all reshapes of values of one other shape ``S`` is computed in shape ``S`` on those
values instead, and its result reshaped::

    p' = mul h n;  q' = mul p' h;  ...;  q = reshape q'

Reshapes are then emitted just before their first use (and not at all if unused), so the
elementwise equations between them form one run. Exact for every dtype: an elementwise
operation on operands of one shape commutes with any reshape (row-major order is kept).
The rewrite is kept only if it does not increase the number of reshapes in the program.
"""

from __future__ import annotations

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, ShapedArray, Var
from functrans._src.lax.rules import ufunc_of

__all__ = ["is_elementwise", "sink_reshapes"]


def is_elementwise(e: Eqn) -> bool:
    """Whether ``e`` applies one function to its operands element by element (NumPy
    broadcasting), with one result: a ufunc without parameters, or ``integer_pow``."""
    if e.prim.multiple_results or len(e.outvars) != 1:
        return False
    if e.prim is lax.integer_pow_p:
        return True
    impl = ufunc_of(e.prim.impl, [a.aval for a in e.inputs])
    return impl is not None and not e.params and impl.nout == 1 and impl.nin == len(e.inputs)


def sink_reshapes(ir: IR) -> IR:
    """``ir`` with elementwise equations moved before the reshapes of their operands, as
    described in the module docstring (``ir`` itself if that would not remove a reshape)."""
    source: dict[Var, Var] = {}  # v = reshape(source[v]); source[v] is not itself such a reshape
    pending: dict[Var, Eqn] = {}  # reshapes not yet emitted (emitted at their first use)
    new: list[Eqn] = []
    sunk = 0

    def use(a: Atom) -> None:
        if type(a) is Var:
            r = pending.pop(a, None)
            if r is not None:
                use(r.inputs[0])
                new.append(r)

    for e in ir.eqns:
        if e.prim is lax.reshape_p and type(e.inputs[0]) is Var:
            x, o = e.inputs[0], e.outvars[0]
            root = source.get(x, x)
            source[o] = root
            if root is not x:  # reshape of a reshape: one reshape of the root
                e = Eqn(lax.reshape_p, [root], {"new_shape": o.aval.shape}, [o])
            pending[o] = e
            continue
        if is_elementwise(e):
            o = e.outvars[0]
            arrays = [a for a in e.inputs if a.aval.ndim > 0]  # rank-0 operands broadcast to any shape
            shapes = {source[a].aval.shape for a in arrays if type(a) is Var and a in source}
            if (
                arrays
                and o.aval.ndim > 0
                and len(shapes) == 1
                and all(type(a) is Var and a in source and a.aval.shape == o.aval.shape for a in arrays)
            ):
                (s,) = shapes
                ins = [source[a] if type(a) is Var and a in source else a for a in e.inputs]
                for a in ins:
                    use(a)
                o2 = Var(ShapedArray(s, o.aval.dtype, o.aval.weak_type))
                new.append(Eqn(e.prim, ins, e.params, [o2]))
                source[o] = o2
                pending[o] = Eqn(lax.reshape_p, [o2], {"new_shape": o.aval.shape}, [o])
                sunk += 1
                continue
        for a in e.inputs:
            use(a)
        new.append(e)
    for a in ir.outvars:
        use(a)
    if not sunk:
        return ir
    before = sum(e.prim is lax.reshape_p for e in ir.eqns)
    if sum(e.prim is lax.reshape_p for e in new) > before:
        return ir
    return IR(ir.constvars, ir.consts, ir.invars, new, ir.outvars)
