"""Elementwise arithmetic and unary functions: ``add`` ... ``atan2``, ``integer_pow``, ``pow``.

Binary primitives broadcast their operands as NumPy does; transpose rules sum
cotangents back to each operand's shape (:func:`~functrans._src.lax.rules.unbroadcast`).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import fast_ufuncs
from functrans._src.core import (
    _TRACER_TYPES,
    Literal,
    ShapedArray,
    Tracer,
    UndefinedPrimal,
    bind,
    get_aval,
    is_undefined,
)
from functrans._src.lax.comparisons import convert_element_type, eq, ge, select
from functrans._src.lax.complex_parts import conj, real
from functrans._src.lax.rules import (
    _batch_same_dim,
    _bcast,
    _dtype,
    _elementwise_dtype,
    _nary,
    _prim,
    _sig,
    _un,
    _unary,
    allow_complex,
    defjvp,
    defjvp_zero,
    deflinear,
    unbroadcast,
)

# --------------------------------------------------------------------------- elementwise arithmetic

neg_p = _unary("neg", np.negative)
add_p = _nary("add", np.add)
sub_p = _nary("sub", np.subtract)
mul_p = _nary("mul", np.multiply)
div_p = _nary("div", np.true_divide)


def neg(x: Any) -> Any:
    """Elementwise negation."""
    return bind(neg_p, (x,), {})


def add(x: Any, y: Any) -> Any:
    """Elementwise sum, broadcasting."""
    return bind(add_p, (x, y), {})


def sub(x: Any, y: Any) -> Any:
    """Elementwise difference, broadcasting."""
    return bind(sub_p, (x, y), {})


def mul(x: Any, y: Any) -> Any:
    """Elementwise product, broadcasting."""
    return bind(mul_p, (x, y), {})


def div(x: Any, y: Any) -> Any:
    """Elementwise true division, broadcasting."""
    return bind(div_p, (x, y), {})


deflinear(neg_p, lambda ct, x: [-ct if type(ct) is float else bind(neg_p, (ct,), {})])  # -: neg's float_impl


def _as_complex_if(t: Any, ans: Any) -> Any:
    """A real tangent of a complex result made complex (as JAX, where the real operand was
    promoted by convert_element_type)."""
    if type(ans) is float:
        return t
    dt = _dtype(ans)
    if dt.kind == "c" and _dtype(t).kind != "c":
        return convert_element_type(t, dt)
    return t


def _add_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    ans = bind(add_p, primals, {})
    gx, gy = tangents
    if gx is not None and gy is not None:  # the sum of the tangents has the result's shape and kind
        return ans, bind(add_p, (gx, gy), {})
    return ans, _fit(gy if gx is None else gx, ans)


def _sub_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    ans = bind(sub_p, primals, {})
    gx, gy = tangents
    if gx is not None and gy is not None:  # the tangents' difference has the result's shape and kind
        return ans, bind(sub_p, (gx, gy), {})
    return ans, _fit(gx if gy is None else bind(neg_p, (gy,), {}), ans)


def _fit(t: Any, ans: Any) -> Any:
    """A tangent broadcast to the result's shape, and made complex if the result is (a real
    operand promoted, as JAX's convert_element_type)."""
    if type(ans) is float:  # 0-d and real: so is the tangent
        return t
    av = ans.aval if type(ans) in _TRACER_TYPES else get_aval(ans)
    tav = t.aval if type(t) in _TRACER_TYPES else get_aval(t)
    if tav.shape != av.shape:
        t = _bcast(t, av.shape)
    if av.dtype.kind == "c" and tav.dtype.kind != "c":
        t = convert_element_type(t, av.dtype)
    return t


def _ct(r: Any, aval: ShapedArray) -> Any:
    """A cotangent summed to the operand's shape; the real part for a real operand of a complex
    result (the transpose of the real-to-complex promotion, as JAX's convert_element_type)."""
    t = type(r)
    if t is float:  # a Python float: 0-d and real (the common case of scalar nested derivatives)
        return r if aval.shape == () else unbroadcast(r, aval.shape)
    if t is np.ndarray:
        shape, dtype = r.shape, r.dtype
    else:
        rav = r.aval if t in _TRACER_TYPES else get_aval(r)
        shape, dtype = rav.shape, rav.dtype
    if shape != aval.shape:
        r = unbroadcast(r, aval.shape)
    if dtype.kind == "c" and aval.dtype.kind != "c":
        r = real(r)
    return r


def _add_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    return [
        _ct(ct, x.aval) if type(x) is UndefinedPrimal else None,
        _ct(ct, y.aval) if type(y) is UndefinedPrimal else None,
    ]


def _sub_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    return [
        _ct(ct, x.aval) if type(x) is UndefinedPrimal else None,
        _ct(neg(ct), y.aval) if type(y) is UndefinedPrimal else None,
    ]


add_p.jvp, add_p.transpose = _add_jvp, _add_transpose
add_p.commutative = mul_p.commutative = True
neg_p.float_impl, add_p.float_impl = operator.neg, operator.add


def _neg_simplify(trace: Any, args: Sequence[Any], atoms: Sequence[Any]) -> Any:
    # neg(neg(x)) is x, bit for bit
    src = getattr(args[0], "src", None)
    return src[1][0] if src is not None and src[0] is neg_p else None


def _mul_simplify(trace: Any, args: Sequence[Any], atoms: Sequence[Any]) -> Any:
    # x * 1.0 is x and x * -1.0 is -x, bit for bit, for a real floating x whose dtype the
    # product keeps (a Python float literal, or a NumPy one of x's own dtype)
    for i in (0, 1):
        lit = atoms[i]
        if type(lit) is Literal:
            c = lit.val
            av = atoms[1 - i].aval
            if av.dtype.kind != "f" or av.weak_type or not (
                type(c) is float or (isinstance(c, np.floating) and c.dtype == av.dtype)
            ):
                return None
            if c == 1.0:
                return args[1 - i]
            if c == -1.0:
                return bind(neg_p, (args[1 - i],), {})
            return None
    return None


neg_p.simplify, mul_p.simplify = _neg_simplify, _mul_simplify
mul_p.simplify_needs_literal = True
sub_p.float_impl, mul_p.float_impl = operator.sub, operator.mul
sub_p.jvp, sub_p.transpose = _sub_jvp, _sub_transpose


def _mul_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    x, y = primals
    gx, gy = tangents
    if x is y and gx is gy:
        # x * x (tanh' = 1 - y*y, squares): one tangent product g * (x + x) instead of g*x + x*g,
        # which keeps higher derivatives small; equal in floating point (scaling by 2 is exact)
        return bind(mul_p, (x, x), {}), bind(mul_p, (gx, bind(add_p, (x, x), {})), {})
    # the rule's products are bound directly (not through mul/add): it runs at every level
    ans = bind(mul_p, (x, y), {})
    if gy is None:
        return ans, bind(mul_p, (gx, y), {})
    if gx is None:
        return ans, bind(mul_p, (x, gy), {})
    return ans, bind(add_p, (bind(mul_p, (gx, y), {}), bind(mul_p, (x, gy), {})), {})


mul_p.jvp = _mul_jvp


def _mul_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    if type(ct) is float:  # 0-d Python floats (scalar nested derivatives): Python's product, which
        # is bit for bit mul's (its float_impl), without applying the primitive; a weak one is skipped
        if type(y) is float and type(x) is UndefinedPrimal and x.aval.shape == ():
            return [y if ct == 1.0 else ct * y, None]
        if type(x) is float and type(y) is UndefinedPrimal and y.aval.shape == ():
            return [None, x if ct == 1.0 else x * ct]
    if type(x) is UndefinedPrimal:
        if type(y) is UndefinedPrimal:
            raise NotImplementedError("mul is not linear in both operands at once")
        return [_ct(y if _is_one(ct, y) else bind(mul_p, (ct, y), {}), x.aval), None]
    return [None, _ct(x if _is_one(ct, x) else bind(mul_p, (x, ct), {}), y.aval)]


def _is_one(ct: Any, c: Any) -> bool:
    """``ct`` is a concrete 0-d one (grad's seed) and ``ct * c`` is exactly ``c`` (same dtype and
    weak type): reverse mode then skips the product, so nested derivatives do not multiply by 1
    at every level. A weakly typed seed (Python ``1.0``) leaves any real floating ``c`` as it is;
    a NumPy one only a ``c`` of its own dtype that is not weakly typed."""
    tc = type(ct)
    if tc is float:
        if ct != 1.0:
            return False
        if type(c) is float:
            return True
        return (c.aval.dtype if isinstance(c, Tracer) else _dtype(c)).kind == "f"
    if tc is not np.ndarray or ct.shape != () or ct != 1:
        return False
    if isinstance(c, Tracer):
        av = c.aval
        return av.dtype == ct.dtype and not av.weak_type
    return isinstance(c, np.ndarray | np.generic) and c.dtype == ct.dtype


mul_p.transpose = _mul_transpose

defjvp(
    div_p,
    lambda g, ans, x, y: div(g, y),
    lambda g, ans, x, y: mul(g, neg(div(x, integer_pow(y, 2)))),
)


def _div_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    if is_undefined(y):
        raise NotImplementedError("div is linear only in its numerator")
    return [_ct(div(ct, y), x.aval), None]


div_p.transpose = _div_transpose

# --------------------------------------------------------------------------- unary functions

sin_p = _unary("sin", np.sin)
cos_p = _unary("cos", np.cos)
tan_p = _unary("tan", np.tan)
asin_p = _unary("asin", np.arcsin)
acos_p = _unary("acos", np.arccos)
atan_p = _unary("atan", np.arctan)
sinh_p = _unary("sinh", np.sinh)
cosh_p = _unary("cosh", np.cosh)
tanh_p = _unary("tanh", np.tanh)
exp_p = _unary("exp", np.exp)
log_p = _unary("log", np.log)
log1p_p = _unary("log1p", np.log1p)
expm1_p = _unary("expm1", np.expm1)
sqrt_p = _unary("sqrt", np.sqrt)
abs_p = _unary("abs", np.abs)
sign_p = _unary("sign", np.sign)
floor_p = _unary("floor", np.floor)
ceil_p = _unary("ceil", np.ceil)
round_p = _unary("round", np.round)


sin, cos, tan = _un(sin_p), _un(cos_p), _un(tan_p)
asin, acos, atan = _un(asin_p), _un(acos_p), _un(atan_p)
sinh, cosh, tanh = _un(sinh_p), _un(cosh_p), _un(tanh_p)
exp, log, log1p, expm1 = _un(exp_p), _un(log_p), _un(log1p_p), _un(expm1_p)
sqrt, abs, sign = _un(sqrt_p), _un(abs_p), _un(sign_p)  # noqa: A001
floor, ceil, round = _un(floor_p), _un(ceil_p), _un(round_p)  # noqa: A001
# with the [fast] extra (numba) and fusion on, large float64 arrays use fusion_math's vectorised
# loops (within 1-2 ulp of NumPy): the impls become wrappers of the ufuncs (see fast_ufuncs)
fast_ufuncs.install((exp_p, tanh_p, sin_p, cos_p))

# Each rule computes its coefficient from primal values only, then multiplies the
# tangent once: reverse mode then records a single linear equation per primitive.
defjvp(sin_p, lambda g, ans, x: mul(g, cos(x)))
defjvp(cos_p, lambda g, ans, x: mul(g, neg(sin(x))))
defjvp(tan_p, lambda g, ans, x: mul(g, add(1.0, mul(ans, ans))))
defjvp(asin_p, lambda g, ans, x: mul(g, div(1.0, sqrt(sub(1.0, mul(x, x))))))
defjvp(acos_p, lambda g, ans, x: mul(g, div(-1.0, sqrt(sub(1.0, mul(x, x))))))
defjvp(atan_p, lambda g, ans, x: div(g, add(1.0, mul(x, x))))
defjvp(sinh_p, lambda g, ans, x: mul(g, cosh(x)))
defjvp(cosh_p, lambda g, ans, x: mul(g, sinh(x)))
defjvp(tanh_p, lambda g, ans, x: mul(g, sub(1.0, mul(ans, ans))))
defjvp(exp_p, lambda g, ans, x: mul(g, ans))
defjvp(log_p, lambda g, ans, x: div(g, x))
defjvp(log1p_p, lambda g, ans, x: div(g, add(x, 1.0)))
defjvp(expm1_p, lambda g, ans, x: mul(g, add(ans, 1.0)))
# complex: g * (0.5 / sqrt(z)), JAX's form (NaN, not inf, at z = 0)
defjvp(sqrt_p, lambda g, ans, x: mul(g, div(0.5, ans)) if _dtype(x).kind == "c" else div(g, mul(2.0, ans)))


def _abs_jvp(g: Any, ans: Any, x: Any) -> Any:
    if _dtype(x).kind != "c":
        # d|x|/dx is taken as +1 at 0, as JAX does.
        return select(ge(x, 0), g, neg(g))
    # Re(conj(z) t) / |z|, and 0 at z = 0 (|z| replaced by 1 there, as JAX)
    dt = _dtype(x)
    safe = select(eq(ans, 0), np.ones((), dt), convert_element_type(ans, dt))
    return real(mul(g, div(conj(x), safe)))


defjvp(abs_p, _abs_jvp)
for _p in (sign_p, floor_p, ceil_p, round_p):
    defjvp_zero(_p)

# integer_pow: x ** y for a Python int y (the form x ** 2 takes).
integer_pow_p = _prim("integer_pow")
integer_pow_p.impl = lambda x, y: np.power(x, y) if y >= 0 else np.reciprocal(np.power(x, -y) * 1.0)


def _integer_pow_abstract_eval(x: ShapedArray, y: int) -> ShapedArray:
    dt = _elementwise_dtype(np.power, _sig((x,)) + ((np.dtype(np.int64), True),))
    if y < 0 and dt.kind in "iub":
        dt = np.dtype(np.float64)
    return ShapedArray(x.shape, dt)


integer_pow_p.abstract_eval = _integer_pow_abstract_eval


def integer_pow(x: Any, y: int) -> Any:
    """``x ** y`` for a Python integer ``y``."""
    return bind(integer_pow_p, (x,), {"y": y})


def _integer_pow_jvp(g: Any, ans: Any, x: Any, y: int) -> Any:
    if y == 0:
        return None
    if y == 1:
        return g
    coef = mul(float(y), x) if y == 2 else mul(float(y), integer_pow(x, y - 1))
    return mul(g, coef)


defjvp(integer_pow_p, _integer_pow_jvp)
integer_pow_p.batch = _batch_same_dim(integer_pow_p)

pow_p = _nary("pow", np.power)


def pow(x: Any, y: Any) -> Any:  # noqa: A001
    """Elementwise ``x ** y`` (real exponent)."""
    return bind(pow_p, (x, y), {})


def _pow_jvp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    # y * x**(y-1); for an integer exponent taken as 0 where y == 0 (as JAX does).
    coef = mul(y, pow(x, sub(y, 1)))
    if _dtype(y).kind in "iub":
        coef = select(eq(y, 0), 0.0, coef)
    return mul(g, coef)


def _pow_jvp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    # log(x) * x**y, with log(0) replaced by 0 (as JAX does).
    if type(x) in (int, float, complex):  # a Python-scalar base stays weakly typed
        safe_x: Any = x if x != 0 else 1.0
    else:
        safe_x = select(eq(x, 0), np.ones((), _dtype(x)), x)
    return mul(g, mul(log(safe_x), ans))


defjvp(pow_p, _pow_jvp_x, _pow_jvp_y)

max_p = _nary("max", np.maximum)
min_p = _nary("min", np.minimum)


def maximum(x: Any, y: Any) -> Any:
    """Elementwise maximum, broadcasting."""
    return bind(max_p, (x, y), {})


def minimum(x: Any, y: Any) -> Any:
    """Elementwise minimum, broadcasting."""
    return bind(min_p, (x, y), {})


def _balanced_eq(g: Any, x: Any, ans: Any, other: Any) -> Any:
    # g times: 1 where x alone attains the result, 0.5 where both tie (split as in JAX), else 0.
    one, half, zero = (np.ones((), _dtype(g)) * c for c in (1.0, 0.5, 0.0))
    return _as_complex_if(mul(g, select(eq(x, ans), select(eq(other, ans), half, one), zero)), ans)


defjvp(
    max_p,
    lambda g, ans, x, y: _balanced_eq(g, x, ans, y),
    lambda g, ans, x, y: _balanced_eq(g, y, ans, x),
)
defjvp(
    min_p,
    lambda g, ans, x, y: _balanced_eq(g, x, ans, y),
    lambda g, ans, x, y: _balanced_eq(g, y, ans, x),
)

atan2_p = _nary("atan2", np.arctan2)


def atan2(x: Any, y: Any) -> Any:
    """Elementwise ``arctan2(x, y)``."""
    return bind(atan2_p, (x, y), {})


defjvp(
    atan2_p,
    lambda g, ans, x, y: mul(g, div(y, add(mul(x, x), mul(y, y)))),
    lambda g, ans, x, y: mul(g, div(neg(x), add(mul(x, x), mul(y, y)))),
)


# --------------------------------------------------------------------------- floor division and remainder
# Two primitives whose implementations are NumPy's own ufuncs: NumPy's values (computed
# with fmod, so e.g. 1.0 // 0.1 == 9.0) and exact integer results cannot be built from
# true division and floor. floor_divide is piecewise constant (zero derivative);
# remainder(x, y) = x - floor(x / y) * y has derivatives 1 and -floor(x / y), as JAX.

floor_divide_p = _nary("floor_divide", np.floor_divide)
defjvp_zero(floor_divide_p)
remainder_p = _nary("remainder", np.remainder)


def _remainder_jvp_x(g: Any, ans: Any, x: Any, y: Any) -> Any:
    out = get_aval(ans)
    if get_aval(g).dtype != out.dtype:
        g = convert_element_type(g, out.dtype)
    return g if get_aval(g).shape == out.shape else _bcast(g, out.shape)


def _remainder_jvp_y(g: Any, ans: Any, x: Any, y: Any) -> Any:
    return mul(g, neg(floor(div(x, y))))


defjvp(remainder_p, _remainder_jvp_x, _remainder_jvp_y)


def floor_divide(x: Any, y: Any) -> Any:
    """Elementwise ``x // y`` rounded toward minus infinity (NumPy's values); zero derivative."""
    return bind(floor_divide_p, (x, y), {})


def rem(x: Any, y: Any) -> Any:
    """Elementwise ``x % y`` with the sign of ``y`` (NumPy's ``remainder``)."""
    return bind(remainder_p, (x, y), {})

# complex operands: rules checked for JAX's conventions (see rules.allow_complex)
allow_complex(neg_p, add_p, sub_p, mul_p, div_p)
allow_complex(sin_p, cos_p, tan_p, asin_p, acos_p, atan_p, sinh_p, cosh_p, tanh_p)
allow_complex(exp_p, log_p, log1p_p, expm1_p, sqrt_p, abs_p, sign_p, integer_pow_p, pow_p, max_p, min_p)
