"""``jax.lax``'s input contract for the special-function primitives of
:mod:`functrans._src.lax.special_extra` (``igamma``, ``igammac``, ``igamma_grad_a``,
``betainc``, ``zeta``, ``bessel_i0e``, ``bessel_i1e``): floating operands only, of one dtype
(a Python float adapts to the other operands), with broadcast-compatible shapes; otherwise a
TypeError worded as JAX's. ``functrans.scipy.special`` calls the primitives' own wrappers,
which promote as NumPy (as ``jax.scipy.special`` does)."""

from __future__ import annotations

from typing import Any

from functrans._src.lax import special_extra as _se
from functrans._src.lax.rules import _dtype, _shape, broadcast_shapes

__all__ = ["igamma", "igammac", "igamma_grad_a", "betainc", "zeta", "bessel_i0e", "bessel_i1e"]


def _check(name: str, *args: Any) -> None:
    unary = len(args) == 1
    for k, a in enumerate(args):
        dt = _dtype(a)
        if dt.kind != "f":
            where = "" if unary else f" at position {k}"
            raise TypeError(f"{name} does not accept dtype {dt}{where}. Accepted dtypes{where} are subtypes of "
                            "floating.")
    strong = [_dtype(a) for a in args if type(a) is not float]
    if len(set(strong)) > 1:
        raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                        + ", ".join(str(d) for d in strong) + ".")
    try:
        broadcast_shapes(*[tuple(_shape(a)) for a in args])
    except ValueError:
        raise TypeError(f"{name} got incompatible shapes for broadcasting: "
                        + ", ".join(str(tuple(_shape(a))) for a in args) + ".") from None


def igamma(a: Any, x: Any) -> Any:
    """The regularized lower incomplete gamma function ``P(a, x)`` (as ``jax.lax.igamma``)."""
    _check("igamma", a, x)
    return _se.igamma(a, x)


def igammac(a: Any, x: Any) -> Any:
    """The regularized upper incomplete gamma function ``Q(a, x)`` (as ``jax.lax.igammac``)."""
    _check("igammac", a, x)
    return _se.igammac(a, x)


def igamma_grad_a(a: Any, x: Any) -> Any:
    """``d igamma(a, x) / d a`` (as ``jax.lax.igamma_grad_a``)."""
    _check("igamma_grad_a", a, x)
    return _se.igamma_grad_a(a, x)


def betainc(a: Any, b: Any, x: Any) -> Any:
    """The regularized incomplete beta function ``I_x(a, b)`` (as ``jax.lax.betainc``)."""
    _check("regularized_incomplete_beta", a, b, x)
    return _se.betainc(a, b, x)


def zeta(x: Any, q: Any) -> Any:
    """The Hurwitz zeta function (as ``jax.lax.zeta``)."""
    _check("zeta", x, q)
    return _se.zeta(x, q)


def bessel_i0e(x: Any) -> Any:
    """``exp(-|x|) I0(x)`` (as ``jax.lax.bessel_i0e``)."""
    _check("bessel_i0e", x)
    return _se.bessel_i0e(x)


def bessel_i1e(x: Any) -> Any:
    """``exp(-|x|) I1(x)`` (as ``jax.lax.bessel_i1e``)."""
    _check("bessel_i1e", x)
    return _se.bessel_i1e(x)
