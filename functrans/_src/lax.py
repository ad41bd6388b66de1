"""The primitives, each declared once with all of its rules side by side.

For every primitive this module sets, in one place:

* ``impl``: the NumPy implementation,
* ``abstract_eval``: the shape/dtype rule,
* ``jvp``: the forward-mode rule (reverse mode is derived from it),
* ``transpose``: for primitives that are linear in some inputs.

Rules are written with the public wrappers below (``mul``, ``reduce_sum``, ...),
which call :func:`~functrans._src.core.bind`, so every rule can itself be
differentiated: that is what makes derivatives of any order work.

Elementwise primitives broadcast their operands as NumPy does; their transpose
rules sum cotangents back to each operand's shape (:func:`unbroadcast`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from functrans._src.core import Primitive, ShapedArray, Tracer, bind, get_aval
from functrans._src.transpose import is_undefined

_ALL: list[Primitive] = []


def _prim(name: str, multiple_results: bool = False) -> Primitive:
    p = Primitive(name, multiple_results)
    _ALL.append(p)
    return p


def all_primitives() -> list[Primitive]:
    """Every primitive declared here (used by the rule-coverage test)."""
    return list(_ALL)


# --------------------------------------------------------------------------- shape/dtype helpers


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    """NumPy broadcasting of shapes, with a fast path for equal shapes."""
    s0 = shapes[0]
    for s in shapes[1:]:
        if s != s0:
            break
    else:
        return s0
    nd = len(s0)
    for s in shapes:
        if len(s) > nd:
            nd = len(s)
    out = [1] * nd
    for s in shapes:
        off = nd - len(s)
        for i, d in enumerate(s):
            o = out[off + i]
            if d != o:
                if o == 1:
                    out[off + i] = d
                elif d != 1:
                    raise ValueError(
                        "operands could not be broadcast together with shapes "
                        + " ".join(str(tuple(s)) for s in shapes)
                    )
    return tuple(out)


_PY_ZERO = {np.dtype(bool): False, np.dtype(np.int64): 0, np.dtype(np.float64): 0.0, np.dtype(np.complex128): 0j}


@lru_cache(maxsize=4096)
def _elementwise_dtype(fn: Callable[..., Any], sig: tuple[tuple[np.dtype, bool], ...]) -> np.dtype:
    # The output dtype is whatever NumPy's own function produces for these
    # input dtypes (Python scalars, flagged weak, promote as in NEP 50).
    samples = [_PY_ZERO[d] if weak else np.ones((), d) for d, weak in sig]
    with np.errstate(all="ignore"):
        return np.asarray(fn(*samples)).dtype


def _sig(avals: Sequence[ShapedArray]) -> tuple[tuple[np.dtype, bool], ...]:
    return tuple((a.dtype, a.weak_type) for a in avals)


def _shape(x: Any) -> tuple[int, ...]:
    return x.shape if hasattr(x, "shape") else ()


def _is_array(x: Any) -> bool:
    """An array or a traced value (not a Python scalar, which must keep its weak type)."""
    return isinstance(x, np.ndarray | Tracer)


def _dtype(x: Any) -> np.dtype:
    return x.dtype if hasattr(x, "dtype") else get_aval(x).dtype


# --------------------------------------------------------------------------- generic rule builders


def add_tangents(a: Any, b: Any) -> Any:
    """Sum of two tangents, either possibly a symbolic zero (``None``)."""
    if a is None:
        return b
    if b is None:
        return a
    return bind(add_p, (a, b), {})


def defjvp(prim: Primitive, *derivs: Callable[..., Any] | None) -> None:
    """Set ``prim.jvp`` from one function per input.

    ``derivs[i](g, ans, *primals, **params)`` returns the output tangent's part
    due to input ``i`` whose tangent is ``g``; ``None`` marks an input the output
    does not depend on smoothly. Parts are summed, skipping zero tangents.
    """

    if len(derivs) == 1 and derivs[0] is not None:
        d0 = derivs[0]

        def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
            ans = bind(prim, primals, params)
            return ans, d0(tangents[0], ans, *primals, **params)

    elif len(derivs) == 2 and derivs[0] is not None and derivs[1] is not None:
        d0, d1 = derivs

        def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
            ans = bind(prim, primals, params)
            g0, g1 = tangents
            if g1 is None:
                return ans, d0(g0, ans, *primals, **params)
            if g0 is None:
                return ans, d1(g1, ans, *primals, **params)
            return ans, add(d0(g0, ans, *primals, **params), d1(g1, ans, *primals, **params))

    else:

        def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
            ans = bind(prim, primals, params)
            out = None
            for d, g in zip(derivs, tangents):
                if g is not None and d is not None:
                    out = add_tangents(out, d(g, ans, *primals, **params))
            return ans, out

    prim.jvp = rule


def defjvp_zero(prim: Primitive) -> None:
    """The output is piecewise constant (or integer): its tangent is zero."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        out = bind(prim, primals, params)
        return out, ([None] * len(out) if prim.multiple_results else None)

    prim.jvp = rule


def deflinear(prim: Primitive, transpose: Callable[..., Any]) -> None:
    """A primitive linear in all of its inputs: the JVP applies it to the tangents."""

    def rule(primals: Sequence[Any], tangents: Sequence[Any], **params: Any) -> tuple[Any, Any]:
        ans = bind(prim, primals, params)
        ts = [zeros_like_tangent(p) if t is None else t for p, t in zip(primals, tangents)]
        return ans, bind(prim, ts, params)

    prim.jvp = rule
    prim.transpose = transpose


def zeros_like_tangent(x: Any) -> np.ndarray:
    """A concrete zero array shaped like ``x`` (used where a rule needs a real operand)."""
    aval = get_aval(x)
    return np.zeros(aval.shape, aval.dtype if aval.dtype.kind in "fc" else np.float64)


def _unary(name: str, fn: Callable[..., Any]) -> Primitive:
    p = _prim(name)
    p.impl = fn
    cache: dict[tuple[np.dtype, bool], np.dtype] = {}

    def abstract_eval(x: ShapedArray) -> ShapedArray:
        key = (x.dtype, x.weak_type)
        dt = cache.get(key)
        if dt is None:
            dt = cache[key] = _elementwise_dtype(fn, (key,))
        return ShapedArray(x.shape, dt)

    p.abstract_eval = abstract_eval
    p.batch = _batch_same_dim(p)
    return p


def _nary(name: str, fn: Callable[..., Any]) -> Primitive:
    p = _prim(name)
    p.impl = fn
    cache: dict[tuple[Any, ...], np.dtype] = {}

    def abstract_eval(*avals: ShapedArray) -> ShapedArray:
        # hot while recording reverse mode: a dict lookup per distinct dtype signature
        if len(avals) == 2:
            x, y = avals
            key: tuple[Any, ...] = (x.dtype, y.dtype, x.weak_type, y.weak_type)
            dt = cache.get(key)
            if dt is None:
                dt = cache[key] = _elementwise_dtype(fn, _sig(avals))
            if x.shape == y.shape:
                return ShapedArray(x.shape, dt)
            return ShapedArray(broadcast_shapes(x.shape, y.shape), dt)
        key = tuple([a.dtype for a in avals] + [a.weak_type for a in avals])
        dt = cache.get(key)
        if dt is None:
            dt = cache[key] = _elementwise_dtype(fn, _sig(avals))
        s0 = avals[0].shape
        for a in avals:
            if a.shape != s0:
                return ShapedArray(broadcast_shapes(*[a.shape for a in avals]), dt)
        return ShapedArray(s0, dt)

    p.abstract_eval = abstract_eval
    p.batch = _batch_elementwise(p)
    return p


def unbroadcast(x: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``x`` down to ``shape``: the transpose of NumPy broadcasting."""
    xshape = _shape(x)
    if xshape == shape:
        return x
    lead = len(xshape) - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, d in enumerate(shape) if d == 1 and xshape[i + lead] != 1)
    if axes:
        x = reduce_sum(x, axes)
    if _shape(x) != shape:
        x = reshape(x, shape)
    return x


def _bcast(g: Any, shape: tuple[int, ...]) -> Any:
    return g if _shape(g) == shape else broadcast_to(g, shape)


# --------------------------------------------------------------------------- batching rule builders
# A batching rule maps (vals, dims, **params) to (out, out_dim), where dims[i] is the batch
# axis of vals[i] or None (see functrans._src.batching). Rules apply the primitive once to
# the whole batch; they insert size-1 axes (cheap views) rather than move data where they can.


def moveaxis(x: Any, src: int, dst: int) -> Any:
    """Move axis ``src`` of ``x`` to position ``dst`` (a transpose; nothing if equal)."""
    if src == dst:
        return x
    perm = [i for i in range(len(_shape(x))) if i != src]
    perm.insert(dst, src)
    return transpose(x, perm)


def _batch_same_dim(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """For primitives acting on each element of one operand: the batch axis stays put."""

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        return bind(prim, vals, params), dims[0]

    return rule


def _batch_elementwise(prim: Primitive) -> Callable[..., tuple[Any, Any]]:
    """For broadcasting elementwise primitives.

    The result's batch axis goes where the first batched operand has it (after
    NumPy's left-padding to the common rank); other batched operands are moved
    there, and unbatched ones get a size-1 axis at that position if their own
    axes reach past it.
    """

    def rule(vals: Sequence[Any], dims: Sequence[int | None], **params: Any) -> tuple[Any, Any]:
        if len(vals) == 2:  # fast paths: nothing to move
            (x, y), (dx, dy) = vals, dims
            if dy is None:
                ny = len(_shape(y))
                if ny == 0 or (dx == 0 and len(_shape(x)) > ny):
                    return bind(prim, vals, params), dx
            elif dx is None:
                nx = len(_shape(x))
                if nx == 0 or (dy == 0 and len(_shape(y)) > nx):
                    return bind(prim, vals, params), dy
            elif dx == dy and len(_shape(x)) == len(_shape(y)):
                return bind(prim, vals, params), dx
        shapes = [_shape(v) for v in vals]
        ranks = [len(s) - (d is not None) for s, d in zip(shapes, dims)]
        rank = max(ranks)
        pos = next(d + rank - r for r, d in zip(ranks, dims) if d is not None)
        new = []
        for v, s, r, d in zip(vals, shapes, ranks, dims):
            if d is None:
                k = pos - (rank - r)  # where the batch axis falls among v's own axes
                if k > 0:
                    v = reshape(v, s[:k] + (1,) + s[k:])
            else:
                k = max(0, min(r, pos - (rank - r)))  # how many of v's own axes precede the batch axis
                v = moveaxis(v, d, k)
                if r < rank:  # pad with size-1 axes so its own axes stay aligned to the right
                    s = _shape(v)
                    v = reshape(v, (1,) * (pos - k) + s[: k + 1] + (1,) * (rank - r - pos + k) + s[k + 1 :])
            new.append(v)
        return bind(prim, new, params), pos

    return rule


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


deflinear(neg_p, lambda ct, x: [neg(ct)])


def _add_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    ans = bind(add_p, primals, {})
    gx, gy = tangents
    shape = _shape(ans)
    if gx is None:
        return ans, _bcast(gy, shape)
    if gy is None:
        return ans, _bcast(gx, shape)
    return ans, add(gx, gy)


def _sub_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    ans = bind(sub_p, primals, {})
    gx, gy = tangents
    shape = _shape(ans)
    if gx is None:
        return ans, _bcast(neg(gy), shape)
    if gy is None:
        return ans, _bcast(gx, shape)
    return ans, sub(gx, gy)


def _add_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    return [
        unbroadcast(ct, x.aval.shape) if is_undefined(x) else None,
        unbroadcast(ct, y.aval.shape) if is_undefined(y) else None,
    ]


def _sub_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    return [
        unbroadcast(ct, x.aval.shape) if is_undefined(x) else None,
        unbroadcast(neg(ct), y.aval.shape) if is_undefined(y) else None,
    ]


add_p.jvp, add_p.transpose = _add_jvp, _add_transpose
sub_p.jvp, sub_p.transpose = _sub_jvp, _sub_transpose

defjvp(mul_p, lambda g, ans, x, y: mul(g, y), lambda g, ans, x, y: mul(x, g))


def _mul_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    if is_undefined(x) and is_undefined(y):
        raise NotImplementedError("mul is not linear in both operands at once")
    if is_undefined(x):
        r = mul(ct, y)
        return [r if _shape(r) == x.aval.shape else unbroadcast(r, x.aval.shape), None]
    r = mul(x, ct)
    return [None, r if _shape(r) == y.aval.shape else unbroadcast(r, y.aval.shape)]


mul_p.transpose = _mul_transpose

defjvp(
    div_p,
    lambda g, ans, x, y: div(g, y),
    lambda g, ans, x, y: mul(g, neg(div(x, integer_pow(y, 2)))),
)


def _div_transpose(ct: Any, x: Any, y: Any) -> list[Any]:
    if is_undefined(y):
        raise NotImplementedError("div is linear only in its numerator")
    return [unbroadcast(div(ct, y), x.aval.shape), None]


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


def _un(p: Primitive) -> Callable[[Any], Any]:
    def f(x: Any) -> Any:
        return bind(p, (x,), {})

    f.__name__ = p.name
    f.__doc__ = f"Elementwise ``{p.name}`` (primitive)."
    return f


sin, cos, tan = _un(sin_p), _un(cos_p), _un(tan_p)
asin, acos, atan = _un(asin_p), _un(acos_p), _un(atan_p)
sinh, cosh, tanh = _un(sinh_p), _un(cosh_p), _un(tanh_p)
exp, log, log1p, expm1 = _un(exp_p), _un(log_p), _un(log1p_p), _un(expm1_p)
sqrt, abs, sign = _un(sqrt_p), _un(abs_p), _un(sign_p)  # noqa: A001
floor, ceil, round = _un(floor_p), _un(ceil_p), _un(round_p)  # noqa: A001

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
defjvp(sqrt_p, lambda g, ans, x: div(g, mul(2.0, ans)))
# d|x|/dx is taken as +1 at 0, as JAX does.
defjvp(abs_p, lambda g, ans, x: select(ge(x, 0), g, neg(g)))
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
    if type(x) in (int, float):  # a Python-scalar base stays weakly typed
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
    return mul(g, select(eq(x, ans), select(eq(other, ans), half, one), zero))


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

# --------------------------------------------------------------------------- comparisons and select

eq_p = _nary("eq", np.equal)
ne_p = _nary("ne", np.not_equal)
lt_p = _nary("lt", np.less)
le_p = _nary("le", np.less_equal)
gt_p = _nary("gt", np.greater)
ge_p = _nary("ge", np.greater_equal)
and_p = _nary("and", np.logical_and)
or_p = _nary("or", np.logical_or)
not_p = _unary("not", np.logical_not)
for _p in (eq_p, ne_p, lt_p, le_p, gt_p, ge_p, and_p, or_p, not_p):
    defjvp_zero(_p)


def _cmp(p: Primitive) -> Callable[[Any, Any], Any]:
    def f(x: Any, y: Any) -> Any:
        return bind(p, (x, y), {})

    f.__name__ = p.name
    f.__doc__ = f"Elementwise ``{p.name}`` comparison (boolean result)."
    return f


eq, ne, lt, le, gt, ge = _cmp(eq_p), _cmp(ne_p), _cmp(lt_p), _cmp(le_p), _cmp(gt_p), _cmp(ge_p)
logical_and, logical_or = _cmp(and_p), _cmp(or_p)
logical_not = _un(not_p)

select_p = _prim("select")
select_p.impl = np.where


def _select_abstract_eval(pred: ShapedArray, x: ShapedArray, y: ShapedArray) -> ShapedArray:
    if pred.dtype != np.dtype(bool):
        raise TypeError(f"select requires a boolean predicate, got {pred.dtype}")
    shape = broadcast_shapes(pred.shape, x.shape, y.shape)
    return ShapedArray(shape, _elementwise_dtype(np.where, _sig((pred, x, y))))


select_p.abstract_eval = _select_abstract_eval


def select(pred: Any, x: Any, y: Any) -> Any:
    """``x`` where ``pred`` else ``y`` (``numpy.where``), broadcasting."""
    return bind(select_p, (pred, x, y), {})


def _select_jvp(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    pred, x, y = primals
    _, gx, gy = tangents
    ans = select(pred, x, y)
    if gx is None and gy is None:
        return ans, None
    zero = np.zeros((), _dtype(gx if gx is not None else gy))
    t = select(pred, zero if gx is None else gx, zero if gy is None else gy)
    return ans, _bcast(t, _shape(ans))


def _select_transpose(ct: Any, pred: Any, x: Any, y: Any) -> list[Any]:
    if is_undefined(pred):
        raise NotImplementedError("select is not linear in its predicate")
    zero = np.zeros((), _dtype(ct))
    return [
        None,
        unbroadcast(select(pred, ct, zero), x.aval.shape) if is_undefined(x) else None,
        unbroadcast(select(pred, zero, ct), y.aval.shape) if is_undefined(y) else None,
    ]


select_p.jvp, select_p.transpose = _select_jvp, _select_transpose
select_p.batch = _batch_elementwise(select_p)

# --------------------------------------------------------------------------- dtype conversion and stop_gradient

convert_element_type_p = _prim("convert_element_type")
convert_element_type_p.impl = lambda x, new_dtype: np.asarray(x).astype(new_dtype)
convert_element_type_p.abstract_eval = lambda x, new_dtype: ShapedArray(x.shape, new_dtype)


def convert_element_type(x: Any, new_dtype: Any) -> Any:
    """Cast to ``new_dtype`` (``astype``)."""
    return bind(convert_element_type_p, (x,), {"new_dtype": np.dtype(new_dtype)})


def _convert_jvp(primals: Sequence[Any], tangents: Sequence[Any], new_dtype: np.dtype) -> tuple[Any, Any]:
    (x,), (g,) = primals, tangents
    ans = convert_element_type(x, new_dtype)
    if g is None or new_dtype.kind not in "fc":
        return ans, None
    return ans, convert_element_type(g, new_dtype)


def _convert_transpose(ct: Any, x: Any, new_dtype: np.dtype) -> list[Any]:
    return [convert_element_type(ct, x.aval.dtype)]


convert_element_type_p.jvp, convert_element_type_p.transpose = _convert_jvp, _convert_transpose
convert_element_type_p.batch = _batch_same_dim(convert_element_type_p)

stop_gradient_p = _unary("stop_gradient", lambda x: x)
defjvp_zero(stop_gradient_p)


def stop_gradient(x: Any) -> Any:
    """The identity, with a zero derivative of every order."""
    return bind(stop_gradient_p, (x,), {})


# --------------------------------------------------------------------------- shape operations

broadcast_to_p = _prim("broadcast_to")
broadcast_to_p.impl = lambda x, shape: np.broadcast_to(x, shape)


def _broadcast_to_abstract_eval(x: ShapedArray, shape: tuple[int, ...]) -> ShapedArray:
    if broadcast_shapes(x.shape, shape) != shape:
        raise ValueError(f"cannot broadcast an array of shape {x.shape} to shape {shape}")
    return ShapedArray(shape, x.dtype)


broadcast_to_p.abstract_eval = _broadcast_to_abstract_eval


def broadcast_to(x: Any, shape: Sequence[int]) -> Any:
    """Broadcast ``x`` to ``shape`` (NumPy rules); an array of that shape is returned as it is."""
    shape = tuple(int(d) for d in shape)
    if _is_array(x) and x.shape == shape:
        return x
    return bind(broadcast_to_p, (x,), {"shape": shape})


deflinear(broadcast_to_p, lambda ct, x, shape: [unbroadcast(ct, x.aval.shape)])


def _broadcast_to_batch(vals: Sequence[Any], dims: Sequence[Any], shape: tuple[int, ...]) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    xs = _shape(x)
    pad = len(shape) - (len(xs) - 1)  # NumPy left-pads the example's shape to len(shape)
    if pad:
        x = reshape(x, (1,) * pad + xs)
        d += pad
    return broadcast_to(x, shape[:d] + (xs[dims[0]],) + shape[d:]), d


broadcast_to_p.batch = _broadcast_to_batch

reshape_p = _prim("reshape")
reshape_p.impl = lambda x, new_shape: np.reshape(x, new_shape)


def _reshape_abstract_eval(x: ShapedArray, new_shape: tuple[int, ...]) -> ShapedArray:
    if math.prod(new_shape) != x.size:
        raise ValueError(f"cannot reshape array of shape {x.shape} (size {x.size}) into shape {new_shape}")
    return ShapedArray(new_shape, x.dtype)


reshape_p.abstract_eval = _reshape_abstract_eval


def reshape(x: Any, new_shape: Sequence[int]) -> Any:
    """Reshape to a fully specified ``new_shape`` (no -1); an array of that shape is returned as it is."""
    new_shape = tuple(int(d) for d in new_shape)
    if _is_array(x) and x.shape == new_shape:
        return x
    return bind(reshape_p, (x,), {"new_shape": new_shape})


deflinear(reshape_p, lambda ct, x, new_shape: [reshape(ct, x.aval.shape)])


def _reshape_batch(vals: Sequence[Any], dims: Sequence[Any], new_shape: tuple[int, ...]) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    return reshape(moveaxis(x, d, 0), (_shape(x)[d],) + new_shape), 0


reshape_p.batch = _reshape_batch

transpose_p = _prim("transpose")
transpose_p.impl = lambda x, permutation: np.transpose(x, permutation)


def _transpose_abstract_eval(x: ShapedArray, permutation: tuple[int, ...]) -> ShapedArray:
    if sorted(permutation) != list(range(x.ndim)):
        raise ValueError(f"transpose permutation {permutation} is not a permutation of the axes of shape {x.shape}")
    return ShapedArray(tuple(x.shape[i] for i in permutation), x.dtype)


transpose_p.abstract_eval = _transpose_abstract_eval


def transpose(x: Any, permutation: Sequence[int]) -> Any:
    """Permute the axes of ``x`` (the identity permutation returns an array as it is)."""
    permutation = tuple(int(i) for i in permutation)
    if _is_array(x) and permutation == tuple(range(len(permutation))):
        return x
    return bind(transpose_p, (x,), {"permutation": permutation})


deflinear(
    transpose_p,
    lambda ct, x, permutation: [transpose(ct, tuple(int(i) for i in np.argsort(permutation)))],
)


def _transpose_batch(vals: Sequence[Any], dims: Sequence[Any], permutation: tuple[int, ...]) -> tuple[Any, int]:
    (x,), (d,) = vals, dims
    perm = [a if a < d else a + 1 for a in permutation]
    perm.insert(d, d)  # the batch axis stays where it is
    return transpose(x, perm), d


transpose_p.batch = _transpose_batch

# --------------------------------------------------------------------------- reductions


def _reduced_shape(shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _reduction(name: str, fn: Callable[..., Any]) -> Primitive:
    p = _prim(name)
    p.impl = lambda x, axes, keepdims=False: fn(x, axis=axes, keepdims=keepdims)

    def abstract_eval(x: ShapedArray, axes: tuple[int, ...], keepdims: bool = False) -> ShapedArray:
        for a in axes:
            if not 0 <= a < x.ndim:
                raise ValueError(f"{name}: axis {a} is out of bounds for an array of dimension {x.ndim}")
        dt = _elementwise_dtype(lambda v: fn(v, axis=()), _sig((x,)))
        return ShapedArray(_reduced_shape(x.shape, axes, keepdims), dt)

    p.abstract_eval = abstract_eval

    def batch(vals: Sequence[Any], dims: Sequence[Any], axes: tuple[int, ...], keepdims: bool = False) -> Any:
        (x,), (d,) = vals, dims
        new_axes = tuple(a if a < d else a + 1 for a in axes)
        out_d = d if keepdims else d - sum(1 for a in axes if a < d)
        return bind(p, (x,), {"axes": new_axes, "keepdims": keepdims}), out_d

    p.batch = batch
    return p


reduce_sum_p = _reduction("reduce_sum", np.sum)
reduce_max_p = _reduction("reduce_max", np.max)
reduce_min_p = _reduction("reduce_min", np.min)
reduce_prod_p = _reduction("reduce_prod", np.prod)


def _red(p: Primitive) -> Callable[..., Any]:
    def f(x: Any, axes: Sequence[int], keepdims: bool = False) -> Any:
        return bind(p, (x,), {"axes": tuple(sorted(int(a) for a in axes)), "keepdims": bool(keepdims)})

    f.__name__ = p.name
    f.__doc__ = f"``{p.name}`` over the (non-negative, normalised) ``axes``."
    return f


reduce_sum, reduce_max, reduce_min, reduce_prod = (
    _red(reduce_sum_p),
    _red(reduce_max_p),
    _red(reduce_min_p),
    _red(reduce_prod_p),
)


def expand_reduced(ct: Any, shape: tuple[int, ...], axes: tuple[int, ...], keepdims: bool) -> Any:
    """Broadcast a reduction's result back over the reduced axes of ``shape``."""
    kshape = _reduced_shape(shape, axes, True)
    if not keepdims and _shape(ct) != kshape:
        ct = reshape(ct, kshape)
    return _bcast(ct, shape)


deflinear(
    reduce_sum_p,
    lambda ct, x, axes, keepdims=False: [expand_reduced(ct, x.aval.shape, axes, keepdims)],
)


def _chooser_jvp(g: Any, ans: Any, x: Any, axes: tuple[int, ...], keepdims: bool = False) -> Any:
    # The tangent is shared equally among the elements that attain the extremum (as JAX).
    shape = _shape(x)
    location = convert_element_type(eq(x, expand_reduced(ans, shape, axes, keepdims)), _dtype(g))
    counts = reduce_sum(location, axes, keepdims=True)
    return reduce_sum(mul(g, div(location, counts)), axes, keepdims)


defjvp(reduce_max_p, _chooser_jvp)
defjvp(reduce_min_p, _chooser_jvp)


def _prod_pairwise(x: Any) -> Any:
    """Product over the last axis by pairwise halving (differentiable, zero-safe)."""
    n = _shape(x)[-1]
    while n > 1:
        if n % 2:
            ones = np.ones(_shape(x)[:-1] + (1,), _dtype(x))
            x = concatenate([x, ones], len(_shape(x)) - 1)
            n += 1
        nd = len(_shape(x))
        even = index(x, (slice(None),) * (nd - 1) + (slice(0, None, 2),))
        odd = index(x, (slice(None),) * (nd - 1) + (slice(1, None, 2),))
        x = mul(even, odd)
        n //= 2
    return reshape(x, _shape(x)[:-1])


def _reduce_prod_jvp(
    primals: Sequence[Any], tangents: Sequence[Any], axes: tuple[int, ...], keepdims: bool = False
) -> tuple[Any, Any]:
    from functrans._src.jvp import jvp_flat

    (x,), (g,) = primals, tangents
    ans = reduce_prod(x, axes, keepdims)
    shape = _shape(x)
    kept = [i for i in range(len(shape)) if i not in axes]
    perm = tuple(kept) + tuple(axes)
    flat_shape = tuple(shape[i] for i in kept) + (math.prod([shape[a] for a in axes]),)

    def prod_of(v: Any) -> list[Any]:
        return [_prod_pairwise(reshape(transpose(v, perm), flat_shape))]

    if flat_shape[-1] == 0:  # an empty product is the constant 1
        return ans, None
    _, (t,) = jvp_flat(prod_of, [x], [g])
    if keepdims:
        t = reshape(t, _reduced_shape(shape, axes, True))
    return ans, t


reduce_prod_p.jvp = _reduce_prod_jvp

# --------------------------------------------------------------------------- indexing and concatenation

Index = tuple[Any, ...]  # normalised: ints, None, and (start, stop, step) triples


def _to_numpy_index(idx: Index) -> tuple[Any, ...]:
    return tuple(slice(*i) if type(i) is tuple else i for i in idx)


index_p = _prim("index")
index_p.impl = lambda x, idx: np.asarray(x)[_to_numpy_index(idx)]


def _index_shape(shape: tuple[int, ...], idx: Index) -> tuple[int, ...]:
    out: list[int] = []
    dim = 0
    for i in idx:
        if i is None:
            out.append(1)
            continue
        if type(i) is tuple:
            start, stop, step = i
            out.append(len(range(start, -1 if stop is None else stop, step)))
        dim += 1
    return tuple(out) + shape[dim:]


index_p.abstract_eval = lambda x, idx: ShapedArray(_index_shape(x.shape, idx), x.dtype)


def normalize_index(idx: Any, shape: tuple[int, ...]) -> Index:
    """Turn a basic NumPy index (ints, slices, ``...``, ``None``) into a hashable static form."""
    if not isinstance(idx, tuple):
        idx = (idx,)
    n_consumed = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if sum(1 for i in idx if i is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if n_consumed > len(shape):
        raise IndexError(
            f"too many indices for array: array is {len(shape)}-dimensional, but {n_consumed} were indexed"
        )
    if Ellipsis in idx:
        k = idx.index(Ellipsis)
        idx = idx[:k] + (slice(None),) * (len(shape) - n_consumed) + idx[k + 1 :]
    out: list[Any] = []
    dim = 0
    for i in idx:
        if i is None:
            out.append(None)
            continue
        size = shape[dim]
        if isinstance(i, slice):
            start, stop, step = i.indices(size)
            out.append((start, None if (step < 0 and stop < 0) else stop, step))
        elif isinstance(i, bool | np.bool_):
            raise TypeError("boolean scalars are not supported as indices")
        else:
            try:
                k = i.__index__()
            except (AttributeError, TypeError):
                raise TypeError(
                    f"unsupported index {i!r} of type {type(i).__name__}: functrans supports ints, "
                    "slices, '...' and None (basic indexing)"
                ) from None
            if not -size <= k < size:
                raise IndexError(f"index {k} is out of bounds for axis {dim} with size {size}")
            out.append(k % size)
        dim += 1
    return tuple(out)


def index(x: Any, idx: Any) -> Any:
    """Basic NumPy indexing ``x[idx]`` with a static index."""
    return bind(index_p, (x,), {"idx": normalize_index(idx, _shape(x))})


index_put_p = _prim("index_put")  # the transpose of index: scatter into zeros


def _index_put_impl(ct: Any, idx: Index, shape: tuple[int, ...]) -> np.ndarray:
    out = np.zeros(shape, _dtype(ct))
    out[_to_numpy_index(idx)] = ct
    return out


index_put_p.impl = _index_put_impl
index_put_p.abstract_eval = lambda ct, idx, shape: ShapedArray(shape, ct.dtype)
deflinear(index_p, lambda ct, x, idx: [bind(index_put_p, (ct,), {"idx": idx, "shape": x.aval.shape})])
deflinear(index_put_p, lambda ct, x, idx, shape: [bind(index_p, (ct,), {"idx": idx})])


def _index_batch(vals: Sequence[Any], dims: Sequence[Any], idx: Index) -> tuple[Any, int]:
    # a full slice over the batch axis goes in front of the index entry for that axis
    (x,), (d,) = vals, dims
    full = (0, _shape(x)[d], 1)
    new: list[Any] = []
    consumed = produced = 0
    out_d = -1
    for i in idx:
        if out_d < 0 and i is not None and consumed == d:
            new.append(full)
            out_d = produced
            produced += 1
        new.append(i)
        if i is None:
            produced += 1
        else:
            consumed += 1
            produced += type(i) is tuple
    if out_d < 0:  # the batch axis is among the trailing axes the index leaves alone
        out_d = produced + d - consumed
    return bind(index_p, (x,), {"idx": tuple(new)}), out_d


def _index_put_batch(
    vals: Sequence[Any], dims: Sequence[Any], idx: Index, shape: tuple[int, ...]
) -> tuple[Any, int]:
    (ct,), (d,) = vals, dims
    size = _shape(ct)[d]
    params = {"idx": ((0, size, 1),) + idx, "shape": (size,) + shape}
    return bind(index_put_p, (moveaxis(ct, d, 0),), params), 0


index_p.batch, index_put_p.batch = _index_batch, _index_put_batch

concatenate_p = _prim("concatenate")
concatenate_p.impl = lambda *xs, axis: np.concatenate(xs, axis=axis)


def _concatenate_abstract_eval(*xs: ShapedArray, axis: int) -> ShapedArray:
    s0 = xs[0].shape
    for x in xs[1:]:
        if x.ndim != len(s0) or any(a != b for i, (a, b) in enumerate(zip(x.shape, s0)) if i != axis):
            raise ValueError(f"concatenate: all shapes must match except on axis {axis}, got {[x.shape for x in xs]}")
    shape = s0[:axis] + (sum(x.shape[axis] for x in xs),) + s0[axis + 1 :]
    return ShapedArray(shape, _elementwise_dtype(lambda *a: np.concatenate([np.atleast_1d(b) for b in a]), _sig(xs)))


concatenate_p.abstract_eval = _concatenate_abstract_eval


def concatenate(xs: Sequence[Any], axis: int) -> Any:
    """Join arrays along an existing (non-negative) ``axis``."""
    return bind(concatenate_p, tuple(xs), {"axis": int(axis)})


def _concatenate_transpose(ct: Any, *xs: Any, axis: int) -> list[Any]:
    out = []
    start = 0
    nd = len(_shape(ct))
    for x in xs:
        size = (x.aval.shape if is_undefined(x) else _shape(x))[axis]
        if is_undefined(x):
            idx = (slice(None),) * axis + (slice(start, start + size),) + (slice(None),) * (nd - axis - 1)
            out.append(index(ct, idx))
        else:
            out.append(None)
        start += size
    return out


deflinear(concatenate_p, _concatenate_transpose)


def _concatenate_batch(vals: Sequence[Any], dims: Sequence[Any], axis: int) -> tuple[Any, int]:
    size = next(_shape(v)[d] for v, d in zip(vals, dims) if d is not None)
    xs = [broadcast_to(v, (size,) + _shape(v)) if d is None else moveaxis(v, d, 0) for v, d in zip(vals, dims)]
    return concatenate(xs, axis + 1), 0


concatenate_p.batch = _concatenate_batch

# --------------------------------------------------------------------------- contraction

DimensionNumbers = tuple[tuple[tuple[int, ...], tuple[int, ...]], tuple[tuple[int, ...], tuple[int, ...]]]

dot_general_p = _prim("dot_general")


def _dot_general_impl(lhs: Any, rhs: Any, dimension_numbers: DimensionNumbers) -> Any:
    (lc, rc), (lb, rb) = dimension_numbers
    if not lb:
        # fast paths: plain BLAS calls for the vector/matrix layouts (np.tensordot's own
        # Python preamble costs more than a small product)
        ln, rn = np.ndim(lhs), np.ndim(rhs)
        if rn <= 2 and len(lc) == 1:
            if lc[0] == ln - 1 and rc[0] == 0:
                return np.dot(lhs, rhs)
            if rn == 2 and lc[0] == ln - 1 and rc[0] == 1:
                return np.dot(lhs, np.transpose(rhs))
            if ln == 2 and lc[0] == 0 and rc[0] == 0:
                return np.dot(np.transpose(lhs), rhs)
        if not lc and ln == 1 and rn == 1:
            return np.multiply.outer(lhs, rhs)
        return np.tensordot(lhs, rhs, axes=(lc, rc))
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    lf = [i for i in range(lhs.ndim) if i not in lc and i not in lb]
    rf = [i for i in range(rhs.ndim) if i not in rc and i not in rb]
    batch = [lhs.shape[i] for i in lb]
    nb = math.prod(batch)
    m = math.prod([lhs.shape[i] for i in lf])
    k = math.prod([lhs.shape[i] for i in lc])
    n = math.prod([rhs.shape[i] for i in rf])
    a = np.transpose(lhs, list(lb) + lf + list(lc)).reshape(nb, m, k)
    b = np.transpose(rhs, list(rb) + list(rc) + rf).reshape(nb, k, n)
    out = np.matmul(a, b)
    return out.reshape(tuple(batch) + tuple(lhs.shape[i] for i in lf) + tuple(rhs.shape[i] for i in rf))


def _dot_general_abstract_eval(lhs: ShapedArray, rhs: ShapedArray, dimension_numbers: DimensionNumbers) -> ShapedArray:
    return _dot_general_shape(
        lhs.shape, lhs.dtype, lhs.weak_type, rhs.shape, rhs.dtype, rhs.weak_type, dimension_numbers
    )


@lru_cache(maxsize=4096)
def _dot_general_shape(
    lshape: tuple[int, ...],
    ldtype: np.dtype,
    lweak: bool,
    rshape: tuple[int, ...],
    rdtype: np.dtype,
    rweak: bool,
    dimension_numbers: DimensionNumbers,
) -> ShapedArray:
    lhs, rhs = ShapedArray(lshape, ldtype, lweak), ShapedArray(rshape, rdtype, rweak)
    (lc, rc), (lb, rb) = dimension_numbers
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise ValueError(f"dot_general: mismatched dimension numbers {dimension_numbers}")
    for a, b in zip(lc + lb, rc + rb):
        if lhs.shape[a] != rhs.shape[b]:
            raise ValueError(
                f"dot_general: contracting or batch dimensions differ in size: lhs shape {lhs.shape} "
                f"(axis {a}) vs rhs shape {rhs.shape} (axis {b})"
            )
    lf = tuple(d for i, d in enumerate(lhs.shape) if i not in lc and i not in lb)
    rf = tuple(d for i, d in enumerate(rhs.shape) if i not in rc and i not in rb)
    batch = tuple(lhs.shape[i] for i in lb)
    return ShapedArray(batch + lf + rf, _elementwise_dtype(np.multiply, _sig((lhs, rhs))))


dot_general_p.impl = _dot_general_impl
dot_general_p.abstract_eval = _dot_general_abstract_eval


def dot_general(lhs: Any, rhs: Any, dimension_numbers: DimensionNumbers) -> Any:
    """General tensor contraction, as ``jax.lax.dot_general``.

    ``dimension_numbers = ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))``;
    the result's axes are the batch axes, then lhs's free axes, then rhs's.
    """
    (lc, rc), (lb, rb) = dimension_numbers
    dn = ((tuple(lc), tuple(rc)), (tuple(lb), tuple(rb)))
    return bind(dot_general_p, (lhs, rhs), {"dimension_numbers": dn})


@lru_cache(maxsize=1024)
def _dot_transpose_plan(
    lnd: int, rnd: int, dimension_numbers: DimensionNumbers, swap: bool
) -> tuple[tuple[int, ...] | None, DimensionNumbers, tuple[int, ...] | None]:
    """How to transpose dot_general w.r.t. its lhs: (perm of ct, dot numbers, perm of result)."""
    (lc, rc), (lb, rb) = dimension_numbers
    lf = [i for i in range(lnd) if i not in lc and i not in lb]
    rf = [i for i in range(rnd) if i not in rc and i not in rb]
    nb = len(lb)
    ct_perm = None
    if swap:  # ct's axes are (batch, rhs free, lhs free): bring them to (batch, lhs free, rhs free)
        perm = list(range(nb)) + [nb + len(rf) + i for i in range(len(lf))] + [nb + i for i in range(len(rf))]
        ct_perm = None if perm == list(range(len(perm))) else tuple(perm)
    ct_rf = tuple(range(nb + len(lf), nb + len(lf) + len(rf)))
    dn = ((ct_rf, tuple(rf)), (tuple(range(nb)), tuple(rb)))
    # the product's axes: batch (lb order), lhs free (sorted), then rhs's contracting axes in rhs order
    rc_sorted = sorted(range(len(rc)), key=lambda k: rc[k])
    src = list(lb) + lf + [lc[k] for k in rc_sorted]
    out_perm = tuple(src.index(i) for i in range(lnd))
    return ct_perm, dn, (None if out_perm == tuple(range(lnd)) else out_perm)


def _dot_transpose_lhs(
    ct: Any, lhs_shape: tuple[int, ...], rhs: Any, dimension_numbers: DimensionNumbers, swap: bool = False
) -> Any:
    ct_perm, dn, out_perm = _dot_transpose_plan(len(lhs_shape), len(_shape(rhs)), dimension_numbers, swap)
    if ct_perm is not None:
        ct = transpose(ct, ct_perm)
    res = dot_general(ct, rhs, dn)
    return res if out_perm is None else transpose(res, out_perm)


def _dot_general_transpose(ct: Any, lhs: Any, rhs: Any, dimension_numbers: DimensionNumbers) -> list[Any]:
    (lc, rc), (lb, rb) = dimension_numbers
    if is_undefined(lhs) and is_undefined(rhs):
        raise NotImplementedError("dot_general is not linear in both operands at once")
    if is_undefined(lhs):
        return [_dot_transpose_lhs(ct, lhs.aval.shape, rhs, dimension_numbers), None]
    swapped = ((rc, lc), (rb, lb))
    return [None, _dot_transpose_lhs(ct, rhs.aval.shape, lhs, swapped, swap=True)]


defjvp(
    dot_general_p,
    lambda g, ans, x, y, dimension_numbers: dot_general(g, y, dimension_numbers),
    lambda g, ans, x, y, dimension_numbers: dot_general(x, g, dimension_numbers),
)
dot_general_p.transpose = _dot_general_transpose


def _dot_general_batch(vals: Sequence[Any], dims: Sequence[Any], dimension_numbers: DimensionNumbers) -> Any:
    # No data moves: a batch axis on one side is a free axis of the contraction; on both
    # sides it becomes a leading batch dimension.
    (lhs, rhs), (dl, dr) = vals, dims
    (lc, rc), (lb, rb) = dimension_numbers

    def shift(axes: tuple[int, ...], d: int | None) -> tuple[int, ...]:
        return axes if d is None else tuple(a if a < d else a + 1 for a in axes)

    lc, lb, rc, rb = shift(lc, dl), shift(lb, dl), shift(rc, dr), shift(rb, dr)
    if dl is not None and dr is not None:
        return dot_general(lhs, rhs, ((lc, rc), ((dl,) + lb, (dr,) + rb))), 0
    if dl is not None:
        free_before = sum(1 for i in range(dl) if i not in lc and i not in lb)
        return dot_general(lhs, rhs, ((lc, rc), (lb, rb))), len(lb) + free_before
    lfree = len(_shape(lhs)) - len(lc) - len(lb)
    free_before = sum(1 for i in range(dr) if i not in rc and i not in rb)
    return dot_general(lhs, rhs, ((lc, rc), (lb, rb))), len(lb) + lfree + free_before


dot_general_p.batch = _dot_general_batch
