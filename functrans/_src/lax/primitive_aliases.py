"""The ``*_p`` primitive objects ``jax.lax`` exports, where functrans has the primitive: each name
is bound to the functrans :class:`~functrans._src.core.Primitive` of the same operation (a
program that imports or inspects them works; their ``bind`` takes functrans' parameters).

JAX's ``and_p``/``or_p``/``not_p``/``xor_p`` are bitwise (on booleans and integers): they
name functrans' ``bitwise_*`` primitives. ``rem_p`` (truncated remainder) is ``fmod``.
(``nextafter_p`` and ``bitcast_convert_type_p``, primitives of functrans.random, are added by
:mod:`functrans.lax`.)
"""

from __future__ import annotations

from functrans._src.core import Primitive
from functrans._src.lax.rules import _BY_NAME

# jax.lax name (without ``_p``) -> functrans primitive name
_RENAMED = {"and": "bitwise_and", "or": "bitwise_or", "not": "bitwise_not", "xor": "bitwise_xor",
            "rem": "fmod"}

JAX_PRIMITIVE_NAMES = (
    "abs acos acosh add and argmax argmin asin asinh atan2 atan atanh bessel_i0e bessel_i1e cbrt ceil clz "
    "complex concatenate conj convert_element_type cos cosh cumlogsumexp cummax cummin cumprod cumsum digamma "
    "div dot_general eq erf_inv erf erfc exp2 exp expm1 fft floor gather ge gt igamma_grad_a igamma igammac "
    "imag integer_pow is_finite le lgamma log1p log logistic lt max min mul ne neg not or polygamma "
    "population_count pow real reduce_max reduce_min reduce_prod reduce_sum regularized_incomplete_beta rem "
    "reshape round scatter_add scatter shift_left shift_right_arithmetic shift_right_logical sign sin sinh "
    "sort sqrt stop_gradient sub tan tanh transpose xor zeta"
).split()


def primitive_aliases() -> dict[str, Primitive]:
    """``{"add_p": <functrans add primitive>, ...}`` for every JAX primitive name functrans has."""
    out = {}
    for name in JAX_PRIMITIVE_NAMES:
        p = _BY_NAME.get(_RENAMED.get(name, name))
        if p is not None:
            out[f"{name}_p"] = p
    return out
