"""The pipeline (``optimize``) and the measurement of nested-derivative programs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import IR, typecheck_ir
from functrans._src.optimize.cse import cse
from functrans._src.optimize.dce import dce
from functrans._src.optimize.fold import fold_constants
from functrans._src.optimize.inline import inline_calls
from functrans._src.optimize.polynomial import polynomial
from functrans._src.optimize.reassociate import reassociate
from functrans._src.optimize.simplify import simplify
from functrans._src.optimize.trivial import forward_trivial

# --------------------------------------------------------------------------- the pipeline

PASSES: tuple[Callable[[IR], IR], ...] = (forward_trivial, simplify, fold_constants, cse, dce)


def _fixed_point(ir: IR, passes: Sequence[Callable[[IR], IR]], max_iterations: int) -> IR:
    for _ in range(max_iterations):
        n = len(ir.eqns)
        for p in passes:
            ir = p(ir)
        if len(ir.eqns) >= n:
            break
    return ir


def optimize(ir: IR, max_iterations: int = 10, reassociate_sums: bool = True, polynomial_form: bool = True) -> IR:
    """Inline calls, then run :data:`PASSES` (forward_trivial, simplify, fold_constants,
    cse, dce) until the number of equations stops shrinking (at most ``max_iterations``
    rounds). The result is typechecked.

    With ``reassociate_sums`` (the default), :func:`reassociate` is then added to the
    rounds, and its result is kept if it has fewer equations. That changes rounding
    (results agree to rounding error, not bitwise) and keeps nested derivatives smaller.

    With ``polynomial_form`` (the default), :func:`polynomial` is then added to the
    rounds, and its result is kept if it has fewer equations. It rewrites polynomials
    in a few variables (``d^k tanh(x)`` is one in ``tanh x``) in expanded Horner form,
    which makes nested derivatives of such functions linear in the order instead of
    geometric, at a cost in precision: the expanded form rounds relative to the size of
    the polynomial's terms rather than of its value, so where the program computed a
    small value as a product of small factors (``1 - tanh(x)**2`` for large ``|x|``), the
    result can be much less accurate relative to that value (see :func:`polynomial`).
    It only rewrites where that makes the program shorter; the gradients of networks in
    the tests, for instance, are left as they are.

    Pass ``reassociate_sums=False, polynomial_form=False`` for rewrites that are exact up
    to the documented zero rules of :func:`simplify`.

    Only for programs that will not be differentiated again (``stop_gradient`` is
    dropped).
    """
    ir = _fixed_point(inline_calls(ir), PASSES, max_iterations)
    if reassociate_sums:
        alt = _fixed_point(ir, (reassociate, *PASSES), max_iterations)
        if len(alt.eqns) < len(ir.eqns):
            ir = alt
    if polynomial_form:
        alt = _fixed_point(ir, (polynomial, *PASSES), max_iterations)
        if len(alt.eqns) < len(ir.eqns):
            ir = alt
    typecheck_ir(ir)
    return ir


# --------------------------------------------------------------------------- measuring derivative programs


def derivative_eqn_counts(fun: Callable[[Any], Any], x: Any, max_order: int = 8) -> list[tuple[int, int, int]]:
    """``[(k, raw, optimized)]`` for ``k = 1..max_order``: the number of equations in the
    program of the ``k``-th derivative ``grad(grad(...fun))`` at ``x``, as traced by
    ``make_ir`` and after :func:`optimize`."""
    from functrans._src.api import grad, make_ir

    out = []
    d = fun
    for k in range(1, max_order + 1):
        d = grad(d)
        ir = make_ir(d)(x)
        out.append((k, len(ir.eqns), len(optimize(ir).eqns)))
    return out


def equation_counts(max_order: int = 8) -> list[tuple[int, int, int]]:
    """:func:`derivative_eqn_counts` for ``tanh`` at the scalar ``0.5``."""
    return derivative_eqn_counts(lax.tanh, np.float64(0.5), max_order)
