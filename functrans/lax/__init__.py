"""``functrans.lax``: the primitives themselves, and control flow (``cond``, ``switch``, ``scan``,
``fori_loop``, ``while_loop``, ``map``), as in ``jax.lax``."""

from functrans._src.api import stop_gradient  # maps over pytrees, as jax.lax.stop_gradient
from functrans._src.control_flow import cond, fori_loop, map, scan, switch, while_loop
from functrans._src.lax import (
    abs,
    acos,
    add,
    asin,
    atan,
    atan2,
    broadcast_to,
    ceil,
    concatenate,
    convert_element_type,
    cos,
    cosh,
    div,
    dot_general,
    eq,
    exp,
    expm1,
    floor,
    ge,
    gt,
    index,
    integer_pow,
    le,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    lt,
    maximum,
    minimum,
    mul,
    ne,
    neg,
    pow,
    reduce_max,
    reduce_min,
    reduce_prod,
    reduce_sum,
    reshape,
    round,
    select,
    sign,
    sin,
    sinh,
    sqrt,
    sub,
    tan,
    tanh,
    transpose,
)
from functrans._src.lax.gather import gather, scatter, scatter_add  # advanced indexing

# every public name imported above (keep imports explicit; the list follows them)
__all__ = sorted(n for n in dir() if not n.startswith("_"))


def __getattr__(name: str) -> object:
    raise AttributeError(
        f"functrans.lax does not support jax.lax.{name} yet. The supported functions are listed in "
        "functrans.lax.__all__."
    )
