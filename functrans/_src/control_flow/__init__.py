"""Control flow on traced values, as ``jax.lax``: ``cond``, ``switch`` (:mod:`.conditionals`),
``scan``, ``fori_loop``, ``while_loop`` and ``map`` (:mod:`.loops`), each a higher-order
primitive over the programs of its functions."""

from functrans._src.control_flow.conditionals import cond, cond_p, switch
from functrans._src.control_flow.loops import fori_loop, map, scan, while_loop  # noqa: A004
from functrans._src.control_flow.scan import scan_p
from functrans._src.control_flow.while_loop import while_p


def control_flow_primitives() -> list:
    """The higher-order primitives declared here (for the rule-coverage tests)."""
    return [cond_p, scan_p, while_p]


__all__ = ["cond", "cond_p", "control_flow_primitives", "fori_loop", "map", "scan", "scan_p", "switch",
           "while_loop", "while_p"]  # fmt: skip
