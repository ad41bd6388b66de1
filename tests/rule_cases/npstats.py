"""Rule cases of the primitives added with the statistics / set-operation / polynomial surface.

geqrf (``qr(mode="raw")``) has no derivative, as in JAX (its JVP raises); its values and its
batching against a loop are pinned in tests/test_jax_parity_npstats.py.
"""

RULE_CASES: dict = {}
NOT_FINITE_DIFFERENCE_CHECKABLE = {"geqrf"}
