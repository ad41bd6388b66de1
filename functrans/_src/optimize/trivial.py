"""The ``forward_trivial`` pass: drop identity equations."""

from __future__ import annotations

from typing import Any

from functrans._src import lax
from functrans._src.core import IR, Atom, Eqn, Var
from functrans._src.optimize._common import _replacement, _subst, _subst_outs

# --------------------------------------------------------------------------- forward_trivial


def _full_index(idx: tuple[Any, ...], shape: tuple[int, ...]) -> bool:
    if len(idx) > len(shape):
        return False
    for i, d in zip(idx, shape):
        if type(i) is not tuple or tuple(i) != (0, d, 1):
            return False
    return True


_IDENTITY_REDUCTIONS = (lax.reduce_sum_p, lax.reduce_max_p, lax.reduce_min_p, lax.reduce_prod_p)


def _identity_input(e: Eqn) -> Atom | None:
    """The input that equation ``e`` returns unchanged, if ``e`` is an identity."""
    p = e.prim
    if p.multiple_results or len(e.inputs) != 1 or len(e.outvars) != 1:
        return None
    x = e.inputs[0]
    shape = x.aval.shape
    if p is lax.reshape_p:
        ok = tuple(e.params["new_shape"]) == shape
    elif p is lax.broadcast_to_p:
        ok = tuple(e.params["shape"]) == shape
    elif p is lax.transpose_p:
        ok = tuple(e.params["permutation"]) == tuple(range(len(shape)))
    elif p is lax.convert_element_type_p:
        ok = e.params["new_dtype"] == x.aval.dtype
    elif p is lax.stop_gradient_p:
        ok = True
    elif p in _IDENTITY_REDUCTIONS:
        ok = not e.params["axes"]
    elif p is lax.index_p:
        ok = _full_index(e.params["idx"], shape)
    else:
        ok = False
    return x if ok else None


def forward_trivial(ir: IR) -> IR:
    """Drop identity equations, substituting their input for their output.

    Identities: ``reshape`` to the input's shape, ``broadcast_to`` the input's
    shape, ``transpose`` by the identity permutation, ``convert_element_type`` to
    the input's dtype, ``stop_gradient`` (the identity at run time: apply this pass
    only to programs that will not be differentiated again), reductions over no
    axes, and ``index`` by full slices. The substitution is made only when the
    input's shape and dtype equal the output's (a reduction over no axes may
    change an integer dtype; a weakly typed literal input becomes a NumPy scalar).
    """
    env: dict[Var, Atom] = {}
    eqns: list[Eqn] = []
    for e in ir.eqns:
        e = _subst(e, env)
        x = _identity_input(e)
        r = None if x is None else _replacement(e.outvars[0], x)
        if r is None:
            eqns.append(e)
        else:
            env[e.outvars[0]] = r
    return IR(list(ir.constvars), list(ir.consts), list(ir.invars), eqns, _subst_outs(ir.outvars, env))
