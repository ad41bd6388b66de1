"""More special-function primitives of ``jax.lax``: ``igamma``, ``igammac``, ``igamma_grad_a``,
``betainc``, ``zeta``, ``bessel_i0e``, ``bessel_i1e`` (values from SciPy, the optional extra:
without it they raise an ImportError naming it). ``random_gamma_grad`` is the primitive of
:mod:`functrans._src.random_samplers`.

Derivatives follow ``jax.lax``:

* ``igamma``/``igammac``: in ``x`` the density ``x**(a-1) exp(-x) / Gamma(a)`` (with the sign
  for ``igammac``); in ``a``, ``igamma_grad_a`` (``-random_gamma_grad(a, x)`` times that
  density), which itself has no derivative (NotImplementedError, as JAX).
* ``betainc(a, b, x)``: in ``x`` the beta density; in ``a`` or ``b`` a ValueError, as JAX.
* ``zeta(x, q)``: in ``q`` ``-x * zeta(x + 1, q)`` (JAX has no rule); in ``x``
  NotImplementedError, as JAX.
* ``bessel_i0e' = i1e - sign(x) i0e``; ``bessel_i1e' = i0e - i1e (sign(x) + 1/x)``, 1/2 at 0.

Operands must be floating with one dtype (a Python float adapts to the other operand), as JAX.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind
from functrans._src.lax.comparisons import eq, select
from functrans._src.lax.elementwise import add, div, exp, mul, neg, sign, sub
from functrans._src.lax.rules import (
    _batch_elementwise,
    _dtype,
    _prim,
    _shape,
    broadcast_shapes,
    defjvp,
)
from functrans._src.lax.special import lgamma, scipy_special, xlog1py, xlogy

__all__ = ["igamma", "igammac", "igamma_grad_a", "betainc", "zeta", "bessel_i0e", "bessel_i1e",
           "igamma_p", "igammac_p", "igamma_grad_a_p", "betainc_p", "zeta_p", "bessel_i0e_p", "bessel_i1e_p",
           "regularized_incomplete_beta_p"]


def _prim_nary(name: str, impl: Callable[..., np.ndarray]) -> Primitive:
    p = _prim(name)

    def run(*args: Any) -> np.ndarray:
        arrs = [np.asarray(a) for a in args]
        dt = next((a.dtype for a in arrs if a.dtype.kind == "f"), np.dtype(np.float64))
        with np.errstate(all="ignore"):
            out = np.asarray(impl(*[a.astype(dt, copy=False) for a in arrs]))
        return out.astype(dt, copy=False)

    def abstract_eval(*avals: ShapedArray) -> ShapedArray:
        for k, a in enumerate(avals):
            if a.dtype.kind != "f":
                raise TypeError(f"{name} does not accept dtype {a.dtype} at position {k}. Accepted dtypes at "
                                f"position {k} are subtypes of floating.")
        strong = {a.dtype for a in avals if not a.weak_type}
        if len(strong) > 1:
            raise TypeError(f"lax.{name} requires arguments to have the same dtypes, got "
                            + ", ".join(str(a.dtype) for a in avals) + ".")
        dt = strong.pop() if strong else avals[0].dtype
        try:
            shape = broadcast_shapes(*[a.shape for a in avals])
        except ValueError:
            raise TypeError(f"{name} got incompatible shapes for broadcasting: "
                            + ", ".join(str(a.shape) for a in avals) + ".") from None
        return ShapedArray(shape, dt)

    p.impl = run
    p.abstract_eval = abstract_eval
    p.batch = _batch_elementwise(p)
    _CHECKS[name] = abstract_eval
    return p


_CHECKS: dict[str, Callable[..., ShapedArray]] = {}


def _bind(p: Primitive, args: Sequence[Any]) -> Any:
    """Bind after checking dtypes and shapes (eager calls skip abstract evaluation)."""
    args = _floats(*args)
    _CHECKS[p.name](*[ShapedArray(tuple(_shape(a)), _dtype(a)) for a in args])
    return bind(p, tuple(args), {})


def _sp(name: str, public: str) -> Callable[..., np.ndarray]:
    def fn(*args: np.ndarray) -> np.ndarray:
        return getattr(scipy_special(f"lax.{public}"), name)(*args)

    return fn


def _floats(*args: Any) -> list[Any]:
    """Python scalars as arrays of the other operands' float dtype (JAX's weak typing)."""
    dt = next((_dtype(a) for a in args if type(a) not in (int, float) and _dtype(a).kind == "f"), None)
    if dt is None:
        return list(args)
    return [np.asarray(a, dt) if type(a) in (int, float) else a for a in args]


# --------------------------------------------------------------------------- incomplete gamma

igamma_p = _prim_nary("igamma", _sp("gammainc", "igamma"))
igammac_p = _prim_nary("igammac", _sp("gammaincc", "igammac"))


# d(sample)/d(a) of Gamma(a) samples, the NumPy kernel of functrans.random's random_gamma_grad
# (which sits above this family): functrans.lax registers it on import.
_GAMMA_GRAD_KERNEL: list[Callable[[np.ndarray, np.ndarray], np.ndarray]] = []


def register_gamma_grad_kernel(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    """Set the kernel ``(a, x) -> d x / d a`` of Gamma(a) samples used by ``igamma_grad_a``."""
    _GAMMA_GRAD_KERNEL[:] = [fn]


def _igamma_grad_a_impl(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    if not _GAMMA_GRAD_KERNEL:
        raise RuntimeError("lax.igamma_grad_a: import functrans.lax first (it registers the kernel)")
    sp = scipy_special("lax.igamma_grad_a")
    a, x = np.broadcast_arrays(a, x)
    with np.errstate(all="ignore"):
        density = np.exp(sp.xlogy(a - 1, x) - x - sp.gammaln(a))
        rgg = np.asarray(_GAMMA_GRAD_KERNEL[0](a.astype(np.float64), x.astype(np.float64)))
        out = np.where(x == 0, 0.0, -rgg * density)
    return out


igamma_grad_a_p = _prim_nary("igamma_grad_a", _igamma_grad_a_impl)


def _igamma_density(a: Any, x: Any) -> Any:
    return exp(sub(sub(xlogy(sub(a, 1.0), x), x), lgamma(a)))


defjvp(igamma_p,
       lambda g, ans, a, x: mul(g, igamma_grad_a(a, x)),
       lambda g, ans, a, x: mul(g, _igamma_density(a, x)))
defjvp(igammac_p,
       lambda g, ans, a, x: neg(mul(g, igamma_grad_a(a, x))),
       lambda g, ans, a, x: neg(mul(g, _igamma_density(a, x))))


def _no_rule(name: str, exc: type[Exception], msg: str) -> Callable[..., Any]:
    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        raise exc(msg)

    return rule


igamma_grad_a_p.jvp = _no_rule("igamma_grad_a", NotImplementedError,
                               "Differentiation rule for 'igamma_grad_a' not implemented (as in JAX)")


def igamma(a: Any, x: Any) -> Any:
    """The regularized lower incomplete gamma function ``P(a, x)``."""
    return _bind(igamma_p, (a, x,))


def igammac(a: Any, x: Any) -> Any:
    """The regularized upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    return _bind(igammac_p, (a, x,))


def igamma_grad_a(a: Any, x: Any) -> Any:
    """``d P(a, x) / d a`` (no derivative of its own, as JAX)."""
    return _bind(igamma_grad_a_p, (a, x,))


# --------------------------------------------------------------------------- betainc

betainc_p = _prim_nary("betainc", _sp("betainc", "betainc"))
regularized_incomplete_beta_p = betainc_p  # JAX's name for the primitive


def _betainc_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    a, b, x = primals
    ga, gb, gx = tangents
    if ga is not None or gb is not None:
        raise ValueError("Betainc gradient with respect to a and b not supported.")
    ans = bind(betainc_p, primals, {})
    if gx is None:
        return ans, None
    log_beta = sub(add(lgamma(a), lgamma(b)), lgamma(add(a, b)))
    density = exp(sub(add(xlogy(sub(a, 1.0), x), xlog1py(sub(b, 1.0), neg(x))), log_beta))
    return ans, mul(gx, density)


betainc_p.jvp = _betainc_jvp


def betainc(a: Any, b: Any, x: Any) -> Any:
    """The regularized incomplete beta function ``I_x(a, b)``."""
    return _bind(betainc_p, (a, b, x,))


# --------------------------------------------------------------------------- zeta


def _zeta_impl(x: np.ndarray, q: np.ndarray) -> np.ndarray:
    out = scipy_special("lax.zeta").zeta(x, q)
    # at a pole q = 0, -1, ...: +inf for an even integer x, else NaN (the sign is undefined), as XLA
    pole = (q <= 0) & (q == np.floor(q))
    even = (x == np.floor(x)) & (np.remainder(x, 2) == 0)
    return np.where(pole, np.where(even, np.inf, np.nan), out)


zeta_p = _prim_nary("zeta", _zeta_impl)


def _zeta_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    x, q = primals
    gx, gq = tangents
    if gx is not None:
        raise NotImplementedError("the derivative of lax.zeta with respect to x is not implemented (as in JAX)")
    ans = bind(zeta_p, primals, {})
    if gq is None:
        return ans, None
    return ans, mul(gq, neg(mul(x, zeta(add(x, 1.0), q))))


zeta_p.jvp = _zeta_jvp


def zeta(x: Any, q: Any) -> Any:
    """The Hurwitz zeta function ``sum_k (k + q) ** -x``."""
    return _bind(zeta_p, (x, q,))


# --------------------------------------------------------------------------- modified Bessel functions

bessel_i0e_p = _prim_nary("bessel_i0e", _sp("i0e", "bessel_i0e"))
bessel_i1e_p = _prim_nary("bessel_i1e", _sp("i1e", "bessel_i1e"))


def bessel_i0e(x: Any) -> Any:
    """The exponentially scaled modified Bessel function of order 0, ``exp(-|x|) I0(x)``."""
    return _bind(bessel_i0e_p, (x,))


def bessel_i1e(x: Any) -> Any:
    """The exponentially scaled modified Bessel function of order 1, ``exp(-|x|) I1(x)``."""
    return _bind(bessel_i1e_p, (x,))


def _i1e_deriv(g: Any, ans: Any, x: Any) -> Any:
    zero = eq(x, np.zeros((), _dtype(x)))
    safe = select(zero, np.ones(_shape(x), _dtype(x)), x)
    d = sub(bessel_i0e(x), mul(ans, add(sign(x), div(1.0, safe))))
    return mul(g, select(zero, np.full(_shape(x), 0.5, _dtype(x)), d))


defjvp(bessel_i0e_p, lambda g, ans, x: mul(g, sub(bessel_i1e(x), mul(sign(x), ans))))
defjvp(bessel_i1e_p, _i1e_deriv)
