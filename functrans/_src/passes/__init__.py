"""Extra optimisation passes run by jit between the generic passes of
:mod:`functrans._src.optimize` and code generation, one module per pass;
:func:`before_codegen` runs them in order."""

from __future__ import annotations

from functrans._src.core import IR
from functrans._src.passes.broadcast_products import broadcast_products
from functrans._src.passes.sink_reshapes import sink_reshapes

__all__ = ["before_codegen", "broadcast_products", "sink_reshapes"]


def before_codegen(ir: IR) -> IR:
    """The passes jit applies to an optimised program before fusion and code generation:
    :func:`broadcast_products`, then :func:`sink_reshapes`."""
    return sink_reshapes(broadcast_products(ir))
