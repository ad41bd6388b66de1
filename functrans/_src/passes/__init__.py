"""Extra optimisation passes run by jit between the generic passes of
:mod:`functrans._src.optimize` and code generation, one module per pass."""
