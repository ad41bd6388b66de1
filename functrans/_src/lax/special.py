"""Special functions: ``logistic``, ``erf``, ``erfc``, ``erf_inv``, ``lgamma``, ``digamma``,
``polygamma``, ``ndtri``, ``log_ndtr`` and the zero-safe ``xlogy``, ``xlog1py``, ``xlogx``.

``logistic`` and the ``xlog*`` family need NumPy only. ``erf``, ``erfc`` and ``lgamma`` use
SciPy when it is installed and otherwise the standard library's ``math`` functions (exact,
element by element). ``erf_inv``, ``digamma``, ``polygamma``, ``ndtri`` and ``log_ndtr``
need SciPy for their values: without it they raise an ImportError naming the extra
``pip install functrans[scipy]``. Tracing (make_ir, jit, vmap) never needs SciPy; only
computing values does. Every JVP rule is written with primitives, so all orders work.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, bind
from functrans._src.lax.comparisons import eq, select
from functrans._src.lax.elementwise import add, div, exp, log, log1p, mul, neg, sub
from functrans._src.lax.rules import _batch_same_dim, _bcast, _nary, _prim, _shape, allow_complex, defjvp

__all__ = [
    "logistic", "logit", "erf", "erfc", "erf_inv", "lgamma", "digamma", "polygamma", "ndtri", "log_ndtr",
    "xlogy", "xlog1py", "xlogx", "scipy_special",
    "logistic_p", "logit_p", "erf_p", "erfc_p", "erf_inv_p", "lgamma_p", "digamma_p", "polygamma_p", "ndtri_p",
    "log_ndtr_p", "xlogy_p", "xlog1py_p", "xlogx_p",
]  # fmt: skip

SCIPY_EXTRA = "pip install functrans[scipy]"


def scipy_special(what: str) -> Any:
    """``scipy.special``, or an ImportError saying that ``what`` needs the SciPy extra."""
    try:
        import scipy.special as sp
    except ImportError as err:
        raise ImportError(
            f"{what} needs SciPy to compute its values, which is not installed: {SCIPY_EXTRA}"
        ) from err
    return sp


def _inexact(dt: np.dtype) -> np.dtype:
    return dt if dt.kind in "fc" else np.dtype(np.float64)


def _special_unary(name: str, impl: Callable[[np.ndarray], np.ndarray]) -> Primitive:
    """A unary primitive with a float result (float32 stays float32, integers become float64)."""
    p = _prim(name)

    def run(x: Any, **params: Any) -> Any:
        x = np.asarray(x)
        dt = _inexact(x.dtype)
        with np.errstate(all="ignore"):
            out = np.asarray(impl(x.astype(dt, copy=False), **params))
        return out.astype(dt, copy=False)

    p.impl = run
    p.abstract_eval = lambda x, **params: ShapedArray(x.shape, _inexact(x.dtype))
    p.batch = _batch_same_dim(p)
    return p


def _with_scipy_or_math(sp_name: str, math_fn: Callable[[float], float]) -> Callable[[np.ndarray], np.ndarray]:
    vec = np.frompyfunc(math_fn, 1, 1)

    def fn(x: np.ndarray) -> np.ndarray:
        try:
            import scipy.special as sp
        except ImportError:
            return np.asarray(vec(x), dtype=x.dtype)
        return getattr(sp, sp_name)(x)

    return fn


def _lgamma_math(v: float) -> float:
    try:
        return math.lgamma(v)
    except ValueError:  # poles: lgamma is +inf there (as SciPy)
        return math.inf


def _with_scipy(sp_name: str, public: str) -> Callable[..., np.ndarray]:
    def fn(x: np.ndarray, **params: Any) -> np.ndarray:
        sp = scipy_special(public)
        if "m" in params:  # at the poles: inf for odd orders, NaN for even ones (as JAX; SciPy: -inf)
            out = sp.polygamma(params["m"], x)
            return np.where((x <= 0) & (x == np.floor(x)) & (params["m"] % 2 == 0), np.nan, out)
        return getattr(sp, sp_name)(x)

    return fn


def _logistic_impl(x: np.ndarray) -> np.ndarray:
    if x.dtype.kind == "c":
        return 1.0 / (1.0 + np.exp(-x))
    # exp of a non-positive number only: no overflow at any x
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)


def _logit_impl(x: np.ndarray) -> np.ndarray:
    return np.log(x / (1 - x))


logistic_p = _special_unary("logistic", _logistic_impl)
logit_p = _special_unary("logit", _logit_impl)
erf_p = _special_unary("erf", _with_scipy_or_math("erf", math.erf))
erfc_p = _special_unary("erfc", _with_scipy_or_math("erfc", math.erfc))
lgamma_p = _special_unary("lgamma", _with_scipy_or_math("gammaln", _lgamma_math))
erf_inv_p = _special_unary("erf_inv", _with_scipy("erfinv", "erfinv"))
_digamma_scipy = _with_scipy("digamma", "digamma")


def _digamma_impl(x: np.ndarray) -> np.ndarray:
    # SciPy gives -inf at 0 (+inf at -0); JAX gives NaN at both, as at the other poles
    out = np.asarray(_digamma_scipy(x))
    return np.where(x == 0, np.array(np.nan, out.dtype), out)


digamma_p = _special_unary("digamma", _digamma_impl)
polygamma_p = _special_unary("polygamma", _with_scipy("polygamma", "polygamma"))
ndtri_p = _special_unary("ndtri", _with_scipy("ndtri", "ndtri"))
log_ndtr_p = _special_unary("log_ndtr", _with_scipy("log_ndtr", "log_ndtr"))


def _u(p: Primitive, doc: str) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        return bind(p, (x,), {})

    f.__name__ = p.name
    f.__doc__ = doc
    return f


logistic = _u(logistic_p, "Elementwise logistic sigmoid ``1 / (1 + exp(-x))``, without overflow.")
logit = _u(logit_p, "Elementwise ``log(x / (1 - x))``, the inverse of logistic.")
erf = _u(erf_p, "Elementwise error function.")
erfc = _u(erfc_p, "Elementwise complementary error function ``1 - erf(x)`` (accurate for large x).")
erf_inv = _u(erf_inv_p, "Elementwise inverse error function (needs SciPy for values).")
lgamma = _u(lgamma_p, "Elementwise ``log|Gamma(x)|``.")
digamma = _u(digamma_p, "Elementwise digamma function ``d/dx lgamma(x)`` (needs SciPy for values).")
ndtri = _u(ndtri_p, "Elementwise inverse of the standard normal CDF (needs SciPy for values).")
log_ndtr = _u(log_ndtr_p, "Elementwise log of the standard normal CDF, accurate in both tails (needs SciPy).")


def polygamma(m: int, x: Any) -> Any:
    """Elementwise ``m``-th derivative of digamma, for a non-negative Python integer ``m`` (needs SciPy)."""
    if isinstance(m, bool) or not isinstance(m, int | np.integer) or m < 0:
        raise TypeError(f"polygamma: the order m must be a non-negative Python integer, got {m!r}")
    if m == 0:
        return digamma(x)
    return bind(polygamma_p, (x,), {"m": int(m)})


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)

defjvp(logistic_p, lambda g, ans, x: mul(g, mul(ans, sub(1.0, ans))))
# 1 / (x (1 - x)), as JAX's rule (infinite, not NaN, at 0 and 1)
defjvp(logit_p, lambda g, ans, x: div(g, mul(x, sub(1.0, x))))
defjvp(erf_p, lambda g, ans, x: mul(g, mul(_TWO_OVER_SQRT_PI, exp(neg(mul(x, x))))))
defjvp(erfc_p, lambda g, ans, x: mul(g, mul(-_TWO_OVER_SQRT_PI, exp(neg(mul(x, x))))))
defjvp(erf_inv_p, lambda g, ans, x: mul(g, mul(math.sqrt(math.pi) / 2.0, exp(mul(ans, ans)))))
defjvp(lgamma_p, lambda g, ans, x: mul(g, digamma(x)))
defjvp(digamma_p, lambda g, ans, x: mul(g, polygamma(1, x)))
defjvp(polygamma_p, lambda g, ans, x, m: mul(g, polygamma(m + 1, x)))
# sqrt(2 pi) exp(ans^2 / 2); zero (not infinite) at p = 0 and p = 1, where ans is -inf/+inf, as JAX
defjvp(ndtri_p, lambda g, ans, x: mul(g, select(
    eq(mul(ans, ans), math.inf), 0.0, mul(_SQRT_2PI, exp(mul(0.5, mul(ans, ans)))))))
# d/dx log Phi(x) = phi(x) / Phi(x), formed in logs so that it stays finite far in the left tail
defjvp(
    log_ndtr_p,
    lambda g, ans, x: mul(g, div(exp(sub(mul(-0.5, mul(x, x)), ans)), _SQRT_2PI)),
)

# --------------------------------------------------------------------------- x log y, zero at x = 0


def _xlogy_impl(x: Any, y: Any) -> Any:
    # 0 where x == 0, unless y is NaN (as JAX)
    with np.errstate(all="ignore"):
        return np.where(np.equal(x, 0) & ~np.isnan(y), 0, np.multiply(x, np.log(y)))


def _xlog1py_impl(x: Any, y: Any) -> Any:
    with np.errstate(all="ignore"):
        return np.where(np.equal(x, 0) & ~np.isnan(y), 0, np.multiply(x, np.log1p(y)))


def _xlogx_impl(x: Any) -> Any:
    with np.errstate(all="ignore"):
        return np.where(np.equal(x, 0), 0, np.multiply(x, np.log(x)))


xlogy_p = _nary("xlogy", _xlogy_impl)
xlog1py_p = _nary("xlog1py", _xlog1py_impl)
xlogx_p = _special_unary("xlogx", _xlogx_impl)


def xlogy(x: Any, y: Any) -> Any:
    """Elementwise ``x * log(y)``, 0 where ``x == 0`` (even where ``y`` is 0)."""
    return bind(xlogy_p, (x, y), {})


def xlog1py(x: Any, y: Any) -> Any:
    """Elementwise ``x * log1p(y)``, 0 where ``x == 0``."""
    return bind(xlog1py_p, (x, y), {})


def xlogx(x: Any) -> Any:
    """Elementwise ``x * log(x)``, 0 at ``x == 0``; its derivative is ``log(x) + 1``."""
    return bind(xlogx_p, (x,), {})


def _fit(t: Any, ans: Any) -> Any:
    return t if _shape(t) == _shape(ans) else _bcast(t, _shape(ans))


# As JAX: d/dx = log(y) (or log1p(y)), d/dy = x / y (or x / (1 + y)), without the x == 0 guard.
defjvp(
    xlogy_p,
    lambda g, ans, x, y: _fit(mul(g, log(y)), ans),
    lambda g, ans, x, y: _fit(mul(g, div(x, y)), ans),
)
defjvp(
    xlog1py_p,
    lambda g, ans, x, y: _fit(mul(g, log1p(y)), ans),
    lambda g, ans, x, y: _fit(mul(g, div(x, add(y, 1.0))), ans),
)
defjvp(xlogx_p, lambda g, ans, x: mul(g, add(log(x), 1.0)))

# complex operands: rules checked for JAX's conventions (see rules.allow_complex); logit, xlogy
# and xlog1py take JAX's formulas (log(x / (1 - x)), x log y, x log1p y: holomorphic, with
# holomorphic JVPs). The other special functions stay real-only (JAX rejects complex for them;
# xlogx backs entr, which JAX rejects for complex)
allow_complex(logistic_p, logit_p, xlogy_p, xlog1py_p)
