"""Extra optimisation passes run by jit between the generic passes of
:mod:`functrans._src.optimize` and code generation, one module per pass;
:func:`before_codegen` runs them in order."""

from __future__ import annotations

from functrans._src.core import IR
from functrans._src.passes.broadcast_products import broadcast_products
from functrans._src.passes.fold_transposes import fold_transposes
from functrans._src.passes.schedule_late import schedule_late
from functrans._src.passes.sink_reshapes import sink_reshapes
from functrans._src.passes.uniform_constants import uniform_constants

__all__ = [
    "MAX_ROUNDS",
    "before_codegen",
    "broadcast_products",
    "fold_transposes",
    "schedule_late",
    "sink_reshapes",
    "uniform_constants",
]

MAX_ROUNDS = 8  # rounds of broadcast_products


def before_codegen(ir: IR) -> IR:
    """The passes jit applies to an optimised program before fusion and code generation:
    :func:`uniform_constants`, :func:`broadcast_products` (repeated while it rewrites: factoring a sum can leave a
    product with a single use, which the next round absorbs), :func:`fold_transposes`,
    then :func:`sink_reshapes`."""
    ir = uniform_constants(ir)
    for _ in range(MAX_ROUNDS):
        new = broadcast_products(ir)
        if new is ir:
            break
        ir = new
    return sink_reshapes(fold_transposes(ir))
