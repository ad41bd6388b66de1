"""The rest of ``functrans.scipy.special`` (gamma and beta families, incomplete integrals,
Bessel, zeta, exponential integrals, hypergeometric functions, ...), as ``jax.scipy.special``.

Functions that JAX composes from primitives are composed the same way here (so their
derivatives are those of the composition, as JAX's); functions whose values need a series or
table (``betainc``, ``gammainc``, ``zeta``, ``expi``, ``hyp1f1``, ...) call primitives whose
values SciPy computes (``pip install functrans[scipy]``) and whose derivatives are JAX's rules.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.core import Tracer, get_aval
from functrans._src.custom_derivatives import custom_jvp
from functrans._src.lax import special_scipy as _ss
from functrans._src.numpy.util import _arr
from functrans._src.numpy.util import _as_float as _float

__all__ = [
    "gammasgn", "gamma", "loggamma", "betaln", "beta", "betainc", "gammainc", "gammaincc", "factorial",
    "comb", "poch", "i0", "i0e", "i1", "i1e", "zeta", "polygamma", "expi", "exp1", "expn", "erfcx",
    "dawsn", "kl_div", "rel_entr", "multigammaln", "spence", "sici", "fresnel", "owens_t", "hyp1f1",
    "hyp2f1", "bernoulli", "bessel_jn", "wofz", "boxcox", "boxcox1p",
]  # fmt: skip


def _dtype(x: Any) -> np.dtype:
    return get_aval(x).dtype


def _real(name: str, *xs: Any) -> list[Any]:
    """The operands as floating values (``promote_args_inexact``); complex ones are refused."""
    out = [_float(x) for x in xs]
    for x in out:
        if _dtype(x).kind == "c":
            raise ValueError(f"{name} does not support complex-valued inputs.")
    return out


def _promote(*xs: Any) -> list[Any]:
    """Operands promoted to one floating dtype (weak Python scalars follow the arrays)."""
    xs = [_float(x) for x in xs]
    arrays = [x for x in xs if not isinstance(x, float)]
    if not arrays:
        return [np.asarray(x) for x in xs]
    dt = np.result_type(*[np.zeros((), _dtype(a)) for a in arrays])
    return [
        np.asarray(x, dt) if isinstance(x, float) else x if _dtype(x) == dt else lax.convert_element_type(x, dt)
        for x in xs
    ]


_and, _or = fnp.logical_and, fnp.logical_or


# --------------------------------------------------------------------------- gamma family


def gammasgn(x: Any) -> Any:
    """The sign of the gamma function: NaN at the poles (non-positive integers) and for NaN,
    ``-1`` at ``-0.0`` and where ``Gamma(x) < 0``, ``1`` elsewhere."""
    (x,) = _real("gammasgn", x)
    x = fnp.asarray(x)
    fl = lax.floor(x)
    neg = x < 0
    nan = _or(_and(neg, x == fl), fnp.isnan(x))
    minus = _or(_and(neg, fnp.fmod(fl, 2.0) != 0), _and(x == 0, fnp.signbit(x)))
    return fnp.where(nan, np.nan, fnp.where(minus, -1.0, 1.0)).astype(x.dtype)


def gamma(x: Any) -> Any:
    """The gamma function (real arguments), as ``gammasgn(x) * exp(gammaln(x))``."""
    (x,) = _real("gamma", x)
    return gammasgn(x) * lax.exp(lax.lgamma(x))


def loggamma(x: Any) -> Any:
    """The principal branch of ``log(Gamma(x))``: ``gammaln(x)`` for ``x > 0``, NaN elsewhere.
    Complex arguments are not supported (JAX supports them)."""
    x = _float(x)
    if _dtype(x).kind == "c":
        raise NotImplementedError("loggamma: complex arguments are not supported in functrans")
    return fnp.where(x > 0, lax.lgamma(x), np.nan)


def _algdiv(a: Any, b: Any) -> Any:
    # log(Gamma(b) / Gamma(a + b)) for b >= 8, as SciPy's cdflib (and JAX)
    c0, c1, c2 = 0.833333333333333e-01, -0.277777777760991e-02, 0.793650666825390e-03
    c3, c4, c5 = -0.595202931351870e-03, 0.837308034031215e-03, -0.165322962780713e-02
    h = a / b
    c = h / (1 + h)
    x = h / (1 + h)
    d = b + (a - 0.5)
    x2 = x * x
    s3 = 1.0 + (x + x2)
    s5 = 1.0 + (x + x2 * s3)
    s7 = 1.0 + (x + x2 * s5)
    s9 = 1.0 + (x + x2 * s7)
    s11 = 1.0 + (x + x2 * s9)
    t = (1.0 / b) ** 2
    w = ((((c5 * s11 * t + c4 * s9) * t + c3 * s7) * t + c2 * s5) * t + c1 * s3) * t + c0
    w = w * (c / b)
    u = d * lax.log1p(a / b)
    v = a * (lax.log(b) - 1.0)
    return fnp.where(u <= v, (w - v) - u, (w - u) - v)


def betaln(a: Any, b: Any) -> Any:
    """``log|B(a, b)|``, accurate for large arguments (SciPy's algdiv when ``max(a, b) >= 8``)."""
    a, b = _promote(a, b)
    a, b = fnp.minimum(a, b), fnp.maximum(a, b)
    small_b = lax.lgamma(a) + (lax.lgamma(b) - lax.lgamma(a + b))
    large_b = lax.lgamma(a) + _algdiv(a, b)
    return fnp.where(b < 8, small_b, large_b)


def beta(a: Any, b: Any) -> Any:
    """The beta function ``Gamma(a) Gamma(b) / Gamma(a + b)``."""
    a, b = _real("beta", *_promote(a, b))
    sign = gammasgn(a) * gammasgn(b) * gammasgn(a + b)
    return sign * lax.exp(betaln(a, b))


def betainc(a: Any, b: Any, x: Any) -> Any:
    """The regularised incomplete beta function ``I_x(a, b)``; differentiable in ``x`` only
    (ValueError for ``a`` and ``b``, as JAX)."""
    a, b, x = _real("betainc", *_promote(a, b, x))
    return lax.betainc(a, b, x)


def gammainc(a: Any, x: Any) -> Any:
    """The regularised lower incomplete gamma function ``P(a, x)``."""
    a, x = _promote(a, x)
    return lax.igamma(a, x)


def gammaincc(a: Any, x: Any) -> Any:
    """The regularised upper incomplete gamma function ``Q(a, x) = 1 - P(a, x)``."""
    a, x = _promote(a, x)
    return lax.igammac(a, x)


def factorial(n: Any, exact: bool = False) -> Any:
    """``n!`` as ``Gamma(n + 1)`` (0 for negative ``n``); ``exact=True`` is not supported."""
    if exact:
        raise NotImplementedError("factorial with exact=True")
    (n,) = _promote(n)
    return fnp.where(n < 0, 0, lax.exp(lax.lgamma(n + 1)))


def comb(N: Any, k: Any, *, repetition: bool = False) -> Any:
    """The number of combinations of ``N`` things taken ``k`` at a time (floating, via gammaln);
    0 where ``k > N``, ``N < 0`` or ``k < 0``."""
    N, k = _promote(N, k)
    if repetition:
        cond = _and(k == 0, N >= 0)
        return fnp.where(cond, 1.0, comb(N + k - 1, k, repetition=False))
    cond = _and(_and(k <= N, N >= 0), k >= 0)
    safe_n = fnp.where(cond, N, 0.0)
    safe_k = fnp.where(cond, k, 0.0)
    res = lax.exp(lax.lgamma(safe_n + 1) - lax.lgamma(safe_k + 1) - lax.lgamma(safe_n + 1 - safe_k))
    return fnp.where(cond, res, 0.0)


@custom_jvp
def _poch(z: Any, m: Any) -> Any:
    return fnp.where(m == 0.0, fnp.ones((), _dtype(z)), gamma(z + m) / gamma(z))


_poch.defjvps(
    lambda z_dot, ans, z, m: (lax.digamma(z + m) - lax.digamma(z)) * _poch(z, m) * z_dot,
    lambda m_dot, ans, z, m: lax.digamma(z + m) * _poch(z, m) * m_dot,
)


def poch(z: Any, m: Any) -> Any:
    """The Pochhammer symbol ``Gamma(z + m) / Gamma(z)`` (1 where ``m == 0``), with JAX's
    derivatives ``(digamma(z + m) - digamma(z)) poch`` and ``digamma(z + m) poch``."""
    z, m = _real("poch", *_promote(z, m))
    return _poch(z, m)


def multigammaln(a: Any, d: Any) -> Any:
    """The log of the multivariate gamma function of dimension ``d`` (a concrete integer)."""
    if isinstance(d, Tracer):
        raise TypeError("multigammaln: the dimension d must be a concrete integer, got a traced value")
    d = int(d)
    (a,) = _promote(a)
    a = fnp.asarray(a)
    const = 0.25 * d * (d - 1) * math.log(math.pi)
    b = np.arange(d, dtype=a.dtype) / 2
    res = fnp.sum(lax.lgamma(fnp.expand_dims(a, -1) - b), axis=-1)
    return res + fnp.asarray(const, a.dtype)


def polygamma(n: Any, x: Any) -> Any:
    """The ``n``-th derivative of digamma; ``n`` must have an integer dtype (ValueError
    otherwise, as JAX) and be concrete (a traced order raises a TypeError)."""
    nd = np.asarray(n).dtype if not isinstance(n, Tracer) else n.dtype
    if nd.kind not in "iu":
        raise ValueError(f"Argument `n` to polygamma must be of integer type. Got dtype {nd}.")
    if isinstance(n, Tracer):
        raise TypeError("polygamma: the order n must be concrete (not traced) in functrans")
    (x,) = _real("polygamma", x)
    nv = np.asarray(n)
    dt = np.result_type(_dtype(x), np.float64 if nv.dtype.itemsize > 4 else np.float32)
    if nv.ndim == 0 or np.all(nv == nv.flat[0]):
        k = int(nv.flat[0]) if nv.size else 0
        out = lax.polygamma(k, x) if k >= 0 else fnp.full_like(x, np.nan)
        out = fnp.broadcast_to(out, np.broadcast_shapes(fnp.shape(out), nv.shape))
    else:
        out = fnp.full(np.broadcast_shapes(fnp.shape(x), nv.shape), np.nan, _dtype(x))
        for k in np.unique(nv):
            if k >= 0:
                out = fnp.where(nv == k, lax.polygamma(int(k), x), out)
    return out.astype(dt) if out.dtype != dt else out


# --------------------------------------------------------------------------- Bessel, zeta


def i0e(x: Any) -> Any:
    """Exponentially scaled modified Bessel function of order 0."""
    (x,) = _real("i0e", x)
    return lax.bessel_i0e(x)


def i0(x: Any) -> Any:
    """Modified Bessel function of order 0, ``exp(|x|) i0e(x)``."""
    (x,) = _real("i0", x)
    return lax.exp(lax.abs(x)) * lax.bessel_i0e(x)


def i1e(x: Any) -> Any:
    """Exponentially scaled modified Bessel function of order 1."""
    (x,) = _real("i1e", x)
    return lax.bessel_i1e(x)


def i1(x: Any) -> Any:
    """Modified Bessel function of order 1, ``exp(|x|) i1e(x)``."""
    (x,) = _real("i1", x)
    return lax.exp(lax.abs(x)) * lax.bessel_i1e(x)


def zeta(x: Any, q: Any = None) -> Any:
    """The Hurwitz zeta function ``sum_k (q + k) ** -x``; ``q=None`` (Riemann) is not
    implemented (NotImplementedError, as JAX)."""
    if q is None:
        raise NotImplementedError(
            "Riemann zeta function not implemented; pass q != None to compute the Hurwitz Zeta function."
        )
    x, q = _promote(x, q)
    return lax.zeta(x, q)


def bessel_jn(z: Any, *, v: int, n_iter: int = 50) -> Any:
    """Bessel functions of the first kind of orders ``0..v``, stacked on a new leading axis
    (``n_iter`` is accepted for JAX compatibility; SciPy computes the values)."""
    (z,) = _promote(z)
    if _dtype(z).kind == "c":
        raise ValueError("complex input not supported.")
    v = operator.index(v)
    int(n_iter)
    z = fnp.asarray(z)
    return fnp.stack([_ss.bessel_jv(np.asarray(float(k), z.dtype), z) for k in range(v + 1)])


# --------------------------------------------------------------------------- error-function relatives


def erfcx(x: Any) -> Any:
    """The scaled complementary error function ``exp(x**2) erfc(x)`` (real arguments)."""
    (x,) = _real("erfcx", x)
    return _ss.erfcx(x)


def dawsn(x: Any) -> Any:
    """Dawson's integral ``exp(-x**2) int_0^x exp(t**2) dt``."""
    (x,) = _real("dawsn", x)
    return _ss.dawsn(x)


def wofz(z: Any) -> Any:
    """The Faddeeva function ``exp(-z**2) erfc(-iz)`` (complex result)."""
    return _ss.wofz(_arr(z) if not isinstance(z, int | float | complex) else np.asarray(complex(z)))


def owens_t(h: Any, a: Any) -> Any:
    """Owen's T function ``T(h, a)``."""
    h, a = _real("owens_t", *_promote(h, a))
    return _ss.owens_t(h, a)


# --------------------------------------------------------------------------- exponential integrals


def expi(x: Any) -> Any:
    """The exponential integral ``Ei(x)``; its derivative is ``exp(x) / x``."""
    (x,) = _real("expi", x)
    return _ss.expi(x)


def expn(n: Any, x: Any) -> Any:
    """The generalised exponential integral ``E_n(x)`` (NaN for negative or fractional ``n``)."""
    n, x = _real("expn", *_promote(n, x))
    return _ss.expn(n, x)


def exp1(x: Any) -> Any:
    """The exponential integral ``E_1(x)``."""
    (x,) = _real("exp1", x)
    return _ss.expn(fnp.ones((), _dtype(x)), x)


def spence(x: Any) -> Any:
    """Spence's function ``int_1^x log(t) / (1 - t) dt`` (float32/float64 input only)."""
    x = fnp.asarray(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"x.dtype={x.dtype} is not supported, see docstring for supported types.")
    return _ss.spence(x)


def sici(x: Any) -> tuple[Any, Any]:
    """The sine and cosine integrals ``(Si(x), Ci(x))``."""
    (x,) = _real("sici", x)
    return _ss.sici_si(x), _ss.sici_ci(x)


def fresnel(x: Any) -> tuple[Any, Any]:
    """The Fresnel integrals ``(S(x), C(x))``."""
    x = _float(x)
    if _dtype(x).kind == "c":
        raise NotImplementedError("Support for complex-valued inputs is not implemented yet.")
    return _ss.fresnel_s(x), _ss.fresnel_c(x)


# --------------------------------------------------------------------------- hypergeometric


def hyp1f1(a: Any, b: Any, x: Any) -> Any:
    """Kummer's confluent hypergeometric function ``1F1(a; b; x)`` (all three differentiable)."""
    a, b, x = _real("hyp1f1", *_promote(a, b, x))
    return _ss.hyp1f1(a, b, x)


def hyp2f1(a: Any, b: Any, c: Any, x: Any) -> Any:
    """Gauss's hypergeometric function ``2F1(a, b; c; x)`` (all four differentiable)."""
    a, b, c, x = _real("hyp2f1", *_promote(a, b, c, x))
    return _ss.hyp2f1(a, b, c, x)


# --------------------------------------------------------------------------- entropies, Box-Cox


def rel_entr(p: Any, q: Any) -> Any:
    """Elementwise relative entropy ``p log(p / q)`` (0 at ``p == 0 <= q``, inf elsewhere off-domain)."""
    p, q = _real("rel_entr", *_promote(p, q))
    both = _and(p > 0, q > 0)
    one_zero = _and(p == 0, q >= 0)
    safe_p = fnp.where(both, p, 1)
    safe_q = fnp.where(both, q, 1)
    val = lax.xlogx(safe_p) - lax.xlogy(safe_p, safe_q)
    return fnp.where(both, val, fnp.where(one_zero, 0.0, np.inf))


def kl_div(p: Any, q: Any) -> Any:
    """Elementwise Kullback-Leibler divergence ``p log(p / q) - p + q``."""
    p, q = _real("kl_div", *_promote(p, q))
    return rel_entr(p, q) - p + q


def boxcox(x: Any, lmbda: Any) -> Any:
    """The Box-Cox transform ``((x ** lmbda) - 1) / lmbda`` (``log(x)`` at ``lmbda == 0``)."""
    x, lmbda = _promote(x, lmbda)
    zero = lmbda == 0
    safe = fnp.where(zero, fnp.ones_like(lmbda), lmbda)
    lx = lax.log(x)
    return fnp.where(zero, lx, lax.expm1(safe * lx) / safe)


def boxcox1p(x: Any, lmbda: Any) -> Any:
    """The Box-Cox transform of ``1 + x``."""
    x, lmbda = _promote(x, lmbda)
    zero = lmbda == 0
    safe = fnp.where(zero, fnp.ones_like(lmbda), lmbda)
    lx = lax.log1p(x)
    return fnp.where(zero, lx, lax.expm1(safe * lx) / safe)


# --------------------------------------------------------------------------- Bernoulli numbers


def bernoulli(n: int) -> Any:
    """The Bernoulli numbers ``B_0 .. B_n`` (``B_1 = -1/2``), from the zeta series as JAX."""
    if isinstance(n, Tracer):
        raise TypeError("bernoulli: n must be a concrete integer, got a traced value")
    n = operator.index(n)
    if n < 0:
        raise ValueError("n must be a non-negative integer.")
    b3 = np.array([1, -1 / 2, 1 / 6])
    if n < 3:
        return fnp.asarray(b3[: n + 1])
    bn = np.zeros(n + 1)
    bn[:3] = b3
    m = np.arange(4, n + 1, 2, dtype=np.float64)
    q1 = (1.0 / np.pi**2) * np.cumprod(-(m - 1) * m / 4 / np.pi**2)
    k = np.arange(2, 50, dtype=np.float64)
    q2 = np.sum(k[:, None] ** -m[None, :], axis=0)
    bn[4::2] = q1 * (1 + q2)
    return fnp.asarray(bn)
