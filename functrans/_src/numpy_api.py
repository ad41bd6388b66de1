"""``functrans.numpy``: a mirror of NumPy's API built from functrans primitives.

Every function accepts NumPy arrays, Python/NumPy scalars and traced values,
follows NumPy's broadcasting and dtype rules (float64 by default), and returns
NumPy arrays when nothing is being traced. The same functions back the
operators and methods of traced values.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from functrans._src import lax
from functrans._src.core import Tracer, get_aval

# --------------------------------------------------------------------------- helpers


def _shape(x: Any) -> tuple[int, ...]:
    try:
        return x.shape  # arrays, NumPy scalars and traced values
    except AttributeError:
        return get_aval(_arr(x)).shape


def _arr(x: Any) -> Any:
    """Lists and tuples become arrays (stacking traced entries); everything else passes."""
    if isinstance(x, list | tuple):
        if any(isinstance(e, Tracer) or isinstance(e, list | tuple) for e in x):
            return stack([_arr(e) for e in x])
        return np.asarray(x)
    return x


def _axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axs = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axs:
        a = int(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(f"axis {a} is out of bounds for array of dimension {ndim}")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"duplicate value in 'axis': {axis}")
    return tuple(sorted(out))


def _axis(axis: int, ndim: int) -> int:
    return _axes(axis, ndim)[0]


# --------------------------------------------------------------------------- elementwise

negative = lax.neg
sin, cos, tan = lax.sin, lax.cos, lax.tan
arcsin, arccos, arctan = lax.asin, lax.acos, lax.atan
sinh, cosh, tanh = lax.sinh, lax.cosh, lax.tanh
exp, log, log1p, expm1 = lax.exp, lax.log, lax.log1p, lax.expm1
sqrt, sign = lax.sqrt, lax.sign
floor, ceil = lax.floor, lax.ceil
absolute = abs = lax.abs  # noqa: A001
add, subtract, multiply = lax.add, lax.sub, lax.mul
divide = true_divide = lax.div
maximum, minimum = lax.maximum, lax.minimum
arctan2 = lax.atan2
equal, not_equal = lax.eq, lax.ne
less, less_equal, greater, greater_equal = lax.lt, lax.le, lax.gt, lax.ge
logical_and, logical_or, logical_not = lax.logical_and, lax.logical_or, lax.logical_not
stop_gradient = lax.stop_gradient


def positive(x: Any) -> Any:
    """Elementwise ``+x``."""
    return x


def square(x: Any) -> Any:
    """Elementwise ``x ** 2``."""
    return lax.integer_pow(x, 2)


def reciprocal(x: Any) -> Any:
    """Elementwise ``1 / x``."""
    return lax.integer_pow(x, -1)


def power(x: Any, y: Any) -> Any:
    """Elementwise ``x ** y``; an integer scalar exponent uses exact repeated multiplication."""
    if isinstance(y, int | np.integer) and not isinstance(y, bool):
        return lax.integer_pow(x, int(y))
    return lax.pow(x, y)


def round(x: Any, decimals: int = 0) -> Any:  # noqa: A001
    """Round to ``decimals`` places (half to even, as NumPy); zero derivative."""
    if decimals == 0:
        return lax.round(x)
    scale = 10.0**decimals
    return lax.div(lax.round(lax.mul(x, scale)), scale)


around = round


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """``x`` where ``condition`` holds, else ``y`` (three-argument form only)."""
    if x is None or y is None:
        raise TypeError("functrans.numpy.where supports only the three-argument form where(condition, x, y)")
    cond = _arr(condition)
    if get_aval(cond).dtype != np.dtype(bool):
        cond = lax.ne(cond, 0)
    return lax.select(cond, _arr(x), _arr(y))


def clip(a: Any, a_min: Any = None, a_max: Any = None, *, min: Any = None, max: Any = None) -> Any:  # noqa: A002
    """Limit values to ``[a_min, a_max]`` (either may be ``None``)."""
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    out = a
    if lo is not None:
        out = lax.maximum(lo, out)
    if hi is not None:
        out = lax.minimum(hi, out)
    return out


# --------------------------------------------------------------------------- reductions


def _reduce(p_fn: Any, a: Any, axis: Any, keepdims: bool) -> Any:
    a = _arr(a)
    return p_fn(a, _axes(axis, len(_shape(a))), keepdims)


def sum(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Sum over ``axis`` (all axes by default)."""
    out = _reduce(lax.reduce_sum, a, axis, keepdims)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def prod(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Product over ``axis``; its derivative is exact even where elements are zero."""
    out = _reduce(lax.reduce_prod, a, axis, keepdims)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def max(a: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Maximum over ``axis``; tied elements share the derivative equally."""
    return _reduce(lax.reduce_max, a, axis, keepdims)


def min(a: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Minimum over ``axis``; tied elements share the derivative equally."""
    return _reduce(lax.reduce_min, a, axis, keepdims)


amax, amin = max, min


def _count(shape: tuple[int, ...], axes: tuple[int, ...]) -> int:
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def mean(a: Any, axis: Any = None, dtype: Any = None, keepdims: bool = False) -> Any:
    """Arithmetic mean over ``axis``."""
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    s = lax.reduce_sum(a, axes, keepdims)
    if get_aval(s).dtype.kind in "biu":
        s = lax.convert_element_type(s, np.float64)
    out = lax.div(s, float(_count(shape, axes)))
    return out if dtype is None else lax.convert_element_type(out, dtype)


def var(a: Any, axis: Any = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """Variance over ``axis`` with ``ddof`` delta degrees of freedom."""
    a = _arr(a)
    shape = _shape(a)
    axes = _axes(axis, len(shape))
    centered = lax.sub(a, mean(a, axes, keepdims=True))
    dof = _count(shape, axes) - ddof
    # as JAX: NaN when there are no degrees of freedom left
    out = lax.div(lax.reduce_sum(lax.integer_pow(centered, 2), axes, keepdims), float(dof) if dof > 0 else np.nan)
    return out if dtype is None else lax.convert_element_type(out, dtype)


def std(a: Any, axis: Any = None, dtype: Any = None, ddof: int = 0, keepdims: bool = False) -> Any:
    """Standard deviation over ``axis``."""
    return lax.sqrt(var(a, axis, dtype, ddof, keepdims))


# --------------------------------------------------------------------------- shapes


def shape(a: Any) -> tuple[int, ...]:
    """The shape of an array or traced value."""
    return _shape(_arr(a))


def ndim(a: Any) -> int:
    """The number of dimensions."""
    return len(shape(a))


def size(a: Any) -> int:
    """The number of elements."""
    return math.prod(shape(a))


def reshape(a: Any, newshape: Any = None, order: str = "C", *, shape: Any = None) -> Any:  # noqa: A002
    """Reshape, with at most one ``-1`` entry inferred (C order only)."""
    if order != "C":
        raise NotImplementedError("functrans.numpy.reshape supports only order='C'")
    a = _arr(a)
    new = shape if newshape is None else newshape
    if new is None:
        raise TypeError("reshape() missing the new shape")
    new = (new,) if isinstance(new, int | np.integer) else tuple(int(d) for d in new)
    old = _shape(a)
    total = math.prod(old)
    if new.count(-1) > 1:
        raise ValueError("can only specify one unknown dimension")
    if -1 in new:
        known = math.prod([d for d in new if d != -1])
        if known == 0 or total % known:
            raise ValueError(f"cannot reshape array of size {total} into shape {new}")
        new = tuple(total // known if d == -1 else d for d in new)
    if new == old:
        return a
    return lax.reshape(a, new)


def ravel(a: Any) -> Any:
    """Flatten to one dimension."""
    return reshape(a, (-1,))


def transpose(a: Any, axes: Sequence[int] | None = None) -> Any:
    """Permute axes (reverse them by default)."""
    a = _arr(a)
    nd = len(_shape(a))
    perm = tuple(range(nd))[::-1] if axes is None else tuple(_axis(i, nd) for i in axes)
    if len(perm) != nd or sorted(perm) != list(range(nd)):
        raise ValueError(f"axes {axes} don't match array of dimension {nd}")
    if perm == tuple(range(nd)):
        return a
    return lax.transpose(a, perm)


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Interchange two axes."""
    nd = len(_shape(_arr(a)))
    perm = list(range(nd))
    i, j = _axis(axis1, nd), _axis(axis2, nd)
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a: Any, source: int, destination: int) -> Any:
    """Move one axis to a new position."""
    nd = len(_shape(_arr(a)))
    s, d = _axis(source, nd), _axis(destination, nd)
    perm = [i for i in range(nd) if i != s]
    perm.insert(d, s)
    return transpose(a, perm)


def expand_dims(a: Any, axis: int | Sequence[int]) -> Any:
    """Insert length-1 axes at the positions ``axis`` of the result."""
    a = _arr(a)
    old = _shape(a)
    axs = _axes(axis, len(old) + (1 if isinstance(axis, int) else len(axis)))  # type: ignore[arg-type]
    new = list(old)
    for ax in axs:
        new.insert(ax, 1)
    return lax.reshape(a, tuple(new))


def squeeze(a: Any, axis: int | Sequence[int] | None = None) -> Any:
    """Remove length-1 axes (all of them, or those in ``axis``)."""
    a = _arr(a)
    old = _shape(a)
    if axis is None:
        axs = tuple(i for i, d in enumerate(old) if d == 1)
    else:
        axs = _axes(axis, len(old))
        for ax in axs:
            if old[ax] != 1:
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
    if not axs:
        return a
    return lax.reshape(a, tuple(d for i, d in enumerate(old) if i not in axs))


def broadcast_to(a: Any, shape: Sequence[int]) -> Any:  # noqa: A002
    """Broadcast to ``shape`` (NumPy rules)."""
    a = _arr(a)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return a if _shape(a) == shape else lax.broadcast_to(a, shape)


def atleast_1d(a: Any) -> Any:
    """View inputs as arrays with at least one dimension."""
    a = _arr(a)
    return reshape(a, (1,)) if _shape(a) == () else a


def concatenate(arrays: Sequence[Any], axis: int | None = 0) -> Any:
    """Join arrays along an existing axis (``axis=None`` flattens first)."""
    arrs = [_arr(x) for x in arrays]
    if not arrs:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        arrs = [ravel(x) for x in arrs]
        axis = 0
    nd = len(_shape(arrs[0]))
    if nd == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    if len(arrs) == 1:
        return arrs[0]
    return lax.concatenate(arrs, _axis(axis, nd))


def stack(arrays: Sequence[Any], axis: int = 0) -> Any:
    """Join arrays along a new axis."""
    arrs = [_arr(x) for x in arrays]
    if not arrs:
        raise ValueError("need at least one array to stack")
    shp = _shape(arrs[0])
    for x in arrs[1:]:
        if _shape(x) != shp:
            raise ValueError("all input arrays must have the same shape")
    ax = _axis(axis, len(shp) + 1)
    new = shp[:ax] + (1,) + shp[ax:]
    return lax.concatenate([lax.reshape(x, new) for x in arrs], ax) if len(arrs) > 1 else lax.reshape(arrs[0], new)


def vstack(arrays: Sequence[Any]) -> Any:
    """Stack arrays vertically (row-wise)."""
    arrs = [_arr(x) for x in arrays]
    return concatenate([reshape(x, (1, -1)) if len(_shape(x)) == 1 else x for x in arrs], 0)


def hstack(arrays: Sequence[Any]) -> Any:
    """Stack arrays horizontally (column-wise)."""
    arrs = [atleast_1d(x) for x in arrays]
    return concatenate(arrs, 0 if len(_shape(arrs[0])) == 1 else 1)


# --------------------------------------------------------------------------- products


def dot(a: Any, b: Any) -> Any:
    """``numpy.dot``: sum over the last axis of ``a`` and the second-to-last of ``b``."""
    a, b = _arr(a), _arr(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return lax.mul(a, b)
    rc = 0 if nb == 1 else nb - 2
    return lax.dot_general(a, b, (((na - 1,), (rc,)), ((), ())))


_MATMUL_DN = (((1,), (0,)), ((), ()))


def matmul(a: Any, b: Any) -> Any:
    """``numpy.matmul`` (``@``): batched matrix product with broadcast batch axes."""
    a, b = _arr(a), _arr(b)
    sa, sb = _shape(a), _shape(b)
    if len(sa) == 2 and len(sb) <= 2 and sb:
        return lax.dot_general(a, b, _MATMUL_DN)
    if not sa or not sb:
        raise ValueError("matmul: Input operand does not have enough dimensions (scalars are not allowed)")
    if len(sa) == 1 and len(sb) == 1:
        return lax.dot_general(a, b, (((0,), (0,)), ((), ())))
    if len(sb) == 1:
        return lax.dot_general(a, b, (((len(sa) - 1,), (0,)), ((), ())))
    if len(sa) == 1:
        return lax.dot_general(a, b, (((0,), (len(sb) - 2,)), ((), ())))
    if len(sa) == 2 and len(sb) == 2:
        return lax.dot_general(a, b, (((1,), (0,)), ((), ())))
    batch = tuple(np.broadcast_shapes(sa[:-2], sb[:-2]))
    a = broadcast_to(a, batch + sa[-2:])
    b = broadcast_to(b, batch + sb[-2:])
    nb = len(batch)
    return lax.dot_general(a, b, (((nb + 1,), (nb,)), (tuple(range(nb)), tuple(range(nb)))))


def tensordot(a: Any, b: Any, axes: int | Sequence[Any] = 2) -> Any:
    """``numpy.tensordot``."""
    a, b = _arr(a), _arr(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if isinstance(axes, int | np.integer):
        n = int(axes)
        la, lb = tuple(range(na - n, na)), tuple(range(n))
    else:
        xa, xb = axes
        la = tuple(_axis(i, na) for i in ((xa,) if isinstance(xa, int) else xa))
        lb = tuple(_axis(i, nb) for i in ((xb,) if isinstance(xb, int) else xb))
    return lax.dot_general(a, b, ((la, lb), ((), ())))


def vdot(a: Any, b: Any) -> Any:
    """Dot product of the flattened inputs (real arrays)."""
    return dot(ravel(a), ravel(b))


def inner(a: Any, b: Any) -> Any:
    """Inner product over the last axes."""
    a, b = _arr(a), _arr(b)
    na, nb = len(_shape(a)), len(_shape(b))
    if na == 0 or nb == 0:
        return lax.mul(a, b)
    return lax.dot_general(a, b, (((na - 1,), (nb - 1,)), ((), ())))


def outer(a: Any, b: Any) -> Any:
    """Outer product of the flattened inputs."""
    a, b = ravel(_arr(a)), ravel(_arr(b))
    return lax.mul(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def _parse_einsum(subscripts: str, n: int) -> tuple[list[str], str]:
    s = subscripts.replace(" ", "")
    if "." in s:
        raise NotImplementedError("functrans.numpy.einsum does not support '...' yet")
    if "->" in s:
        ins, out = s.split("->")
    else:
        ins = s
        letters = ins.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = ins.split(",")
    if len(terms) != n:
        raise ValueError(f"einsum: {len(terms)} operand subscripts given for {n} operands")
    for t in terms:
        if len(set(t)) != len(t):
            raise NotImplementedError(f"einsum: repeated index within one operand ('{t}') is not supported")
    return terms, out


def einsum(subscripts: str, *operands: Any) -> Any:
    """``numpy.einsum`` in explicit or implicit mode, contracted pairwise left to right."""
    ops = [_arr(o) for o in operands]
    terms, out = _parse_einsum(subscripts, len(ops))
    for t, o in zip(terms, ops):
        if len(t) != len(_shape(o)):
            raise ValueError(f"einsum: subscript '{t}' does not match an operand of shape {_shape(o)}")

    def reduce_private(term: str, x: Any, keep: str) -> tuple[str, Any]:
        drop = [i for i, c in enumerate(term) if c not in keep]
        if drop:
            x = lax.reduce_sum(x, tuple(drop))
            term = "".join(c for c in term if c in keep)
        return term, x

    cur_t, cur = terms[0], ops[0]
    for k in range(1, len(ops)):
        later = out + "".join(terms[k + 1 :])
        t2, x2 = terms[k], ops[k]
        cur_t, cur = reduce_private(cur_t, cur, later + t2)
        t2, x2 = reduce_private(t2, x2, later + cur_t)
        shared = [c for c in cur_t if c in t2]
        batch = [c for c in shared if c in later]
        contract = [c for c in shared if c not in later]
        dn = (
            (tuple(cur_t.index(c) for c in contract), tuple(t2.index(c) for c in contract)),
            (tuple(cur_t.index(c) for c in batch), tuple(t2.index(c) for c in batch)),
        )
        cur = lax.dot_general(cur, x2, dn)
        cur_t = (
            "".join(batch) + "".join(c for c in cur_t if c not in shared) + "".join(c for c in t2 if c not in shared)
        )
    cur_t, cur = reduce_private(cur_t, cur, out)
    for c in out:
        if c not in cur_t:
            raise ValueError(f"einsum: output subscript '{c}' does not appear in the inputs")
    return transpose(cur, [cur_t.index(c) for c in out]) if cur_t != out else cur


# --------------------------------------------------------------------------- creation (constants)


def zeros_like(a: Any, dtype: Any = None) -> np.ndarray:
    """An array of zeros with ``a``'s shape and dtype (a constant, even under tracing)."""
    av = get_aval(_arr(a))
    return np.zeros(av.shape, av.dtype if dtype is None else dtype)


def ones_like(a: Any, dtype: Any = None) -> np.ndarray:
    """An array of ones with ``a``'s shape and dtype (a constant, even under tracing)."""
    av = get_aval(_arr(a))
    return np.ones(av.shape, av.dtype if dtype is None else dtype)


def full_like(a: Any, fill_value: Any, dtype: Any = None) -> Any:
    """An array shaped like ``a`` filled with ``fill_value``."""
    av = get_aval(_arr(a))
    if isinstance(fill_value, Tracer):
        return broadcast_to(lax.convert_element_type(fill_value, av.dtype if dtype is None else dtype), av.shape)
    return np.full(av.shape, fill_value, av.dtype if dtype is None else dtype)


def array(obj: Any, dtype: Any = None) -> Any:
    """An array from ``obj``; nested lists may contain traced values."""
    out = _arr(obj)
    if isinstance(out, Tracer):
        return out if dtype is None else lax.convert_element_type(out, dtype)
    return np.array(out, dtype=dtype)


def asarray(obj: Any, dtype: Any = None) -> Any:
    """Like :func:`array`, without copying NumPy input."""
    out = _arr(obj)
    if isinstance(out, Tracer):
        return out if dtype is None else lax.convert_element_type(out, dtype)
    return np.asarray(out, dtype=dtype)


zeros, ones, empty, full, eye, identity = np.zeros, np.ones, np.empty, np.full, np.eye, np.identity
arange, linspace, logspace = np.arange, np.linspace, np.logspace
pi, e, inf, nan, newaxis = np.pi, np.e, np.inf, np.nan, np.newaxis
float16, float32, float64 = np.float16, np.float32, np.float64
int8, int16, int32, int64 = np.int8, np.int16, np.int32, np.int64
uint8, uint32, uint64 = np.uint8, np.uint32, np.uint64
complex64, complex128, bool_ = np.complex64, np.complex128, np.bool_
dtype, finfo, iinfo, ndarray = np.dtype, np.finfo, np.iinfo, np.ndarray


def astype(x: Any, dtype: Any) -> Any:
    """Cast ``x`` to ``dtype``."""
    return lax.convert_element_type(x, dtype)


# --------------------------------------------------------------------------- traced-value operators and methods


def _getitem(self: Any, idx: Any) -> Any:
    if isinstance(idx, list | np.ndarray | Tracer) or (
        isinstance(idx, tuple) and any(isinstance(i, list | np.ndarray | Tracer) for i in idx)
    ):
        if isinstance(idx, Tracer) or (isinstance(idx, tuple) and any(isinstance(i, Tracer) for i in idx)):
            raise TypeError("indexing with a traced array is not supported; use static ints and slices")
        raise TypeError(
            "advanced (integer or boolean array) indexing is not supported by functrans yet; "
            "use ints, slices, '...' and None"
        )
    return lax.index(self, idx)


def _reshape_method(self: Any, *shape: Any, order: str = "C") -> Any:
    return reshape(self, shape[0] if len(shape) == 1 else shape, order)


def _transpose_method(self: Any, *axes: Any) -> Any:
    if not axes or axes == (None,):
        return transpose(self)
    return transpose(self, axes[0] if len(axes) == 1 else axes)


def _rpow(self: Any, other: Any) -> Any:
    return lax.pow(other, self)


_UFUNCS: dict[str, Any] = {
    "add": add, "subtract": subtract, "multiply": multiply, "true_divide": divide, "divide": divide,
    "negative": negative, "positive": positive, "power": power, "maximum": maximum, "minimum": minimum,
    "sin": sin, "cos": cos, "tan": tan, "arcsin": arcsin, "arccos": arccos, "arctan": arctan,
    "sinh": sinh, "cosh": cosh, "tanh": tanh, "exp": exp, "log": log, "log1p": log1p, "expm1": expm1,
    "sqrt": sqrt, "square": square, "absolute": absolute, "sign": sign, "reciprocal": reciprocal,
    "floor": floor, "ceil": ceil, "arctan2": arctan2, "equal": equal, "not_equal": not_equal,
    "less": less, "less_equal": less_equal, "greater": greater, "greater_equal": greater_equal,
    "logical_and": logical_and, "logical_or": logical_or, "logical_not": logical_not, "matmul": matmul,
}  # fmt: skip


def _array_ufunc(self: Any, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    fn = _UFUNCS.get(ufunc.__name__)
    if method != "__call__" or kwargs or fn is None:
        raise TypeError(
            f"numpy.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not supported on "
            "traced values; use functrans.numpy instead of numpy inside transformed functions"
        )
    return fn(*inputs)


def _array_function(self: Any, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    import functrans.numpy as fnp

    fn = getattr(fnp, func.__name__, None)
    if fn is None or fn is getattr(np, func.__name__, None):
        raise TypeError(
            f"numpy.{func.__name__} is not supported on traced values; use functrans.numpy instead of "
            "numpy inside transformed functions"
        )
    return fn(*args, **kwargs)


def _install_tracer_methods() -> None:
    T = Tracer
    T.__neg__ = lambda s: lax.neg(s)  # type: ignore[method-assign,assignment]
    T.__pos__ = lambda s: s  # type: ignore[method-assign,assignment]
    T.__abs__ = lambda s: lax.abs(s)  # type: ignore[method-assign,assignment]
    T.__add__ = lambda s, o: lax.add(s, o)  # type: ignore[method-assign,assignment]
    T.__radd__ = lambda s, o: lax.add(o, s)  # type: ignore[method-assign,assignment]
    T.__sub__ = lambda s, o: lax.sub(s, o)  # type: ignore[method-assign,assignment]
    T.__rsub__ = lambda s, o: lax.sub(o, s)  # type: ignore[method-assign,assignment]
    T.__mul__ = lambda s, o: lax.mul(s, o)  # type: ignore[method-assign,assignment]
    T.__rmul__ = lambda s, o: lax.mul(o, s)  # type: ignore[method-assign,assignment]
    T.__truediv__ = lambda s, o: lax.div(s, o)  # type: ignore[method-assign,assignment]
    T.__rtruediv__ = lambda s, o: lax.div(o, s)  # type: ignore[method-assign,assignment]
    T.__pow__ = lambda s, o: power(s, o)  # type: ignore[method-assign,assignment]
    T.__rpow__ = _rpow  # type: ignore[method-assign,assignment]
    T.__matmul__ = lambda s, o: matmul(s, o)  # type: ignore[method-assign,assignment]
    T.__rmatmul__ = lambda s, o: matmul(o, s)  # type: ignore[method-assign,assignment]
    T.__lt__ = lambda s, o: lax.lt(s, o)  # type: ignore[method-assign,assignment]
    T.__le__ = lambda s, o: lax.le(s, o)  # type: ignore[method-assign,assignment]
    T.__gt__ = lambda s, o: lax.gt(s, o)  # type: ignore[method-assign,assignment]
    T.__ge__ = lambda s, o: lax.ge(s, o)  # type: ignore[method-assign,assignment]
    T.__eq__ = lambda s, o: lax.eq(s, o)  # type: ignore[method-assign,assignment]
    T.__ne__ = lambda s, o: lax.ne(s, o)  # type: ignore[method-assign,assignment]
    T.__getitem__ = _getitem  # type: ignore[method-assign,assignment]
    T.__array_ufunc__ = _array_ufunc  # type: ignore[attr-defined]
    T.__array_function__ = _array_function  # type: ignore[attr-defined]
    T.T = property(lambda s: transpose(s))  # type: ignore[attr-defined]
    T.sum = lambda s, axis=None, dtype=None, keepdims=False: sum(s, axis, dtype, keepdims)  # type: ignore[attr-defined]
    T.mean = lambda s, axis=None, dtype=None, keepdims=False: mean(s, axis, dtype, keepdims)  # type: ignore[attr-defined]
    T.prod = lambda s, axis=None, dtype=None, keepdims=False: prod(s, axis, dtype, keepdims)  # type: ignore[attr-defined]
    T.max = lambda s, axis=None, keepdims=False: max(s, axis, keepdims)  # type: ignore[attr-defined]
    T.min = lambda s, axis=None, keepdims=False: min(s, axis, keepdims)  # type: ignore[attr-defined]
    T.var = lambda s, axis=None, dtype=None, ddof=0, keepdims=False: var(s, axis, dtype, ddof, keepdims)  # type: ignore[attr-defined]
    T.std = lambda s, axis=None, dtype=None, ddof=0, keepdims=False: std(s, axis, dtype, ddof, keepdims)  # type: ignore[attr-defined]
    T.reshape = _reshape_method  # type: ignore[attr-defined]
    T.transpose = _transpose_method  # type: ignore[attr-defined]
    T.astype = lambda s, dtype: lax.convert_element_type(s, dtype)  # type: ignore[attr-defined]
    T.dot = lambda s, o: dot(s, o)  # type: ignore[attr-defined]
    T.ravel = lambda s: ravel(s)  # type: ignore[attr-defined]
    T.flatten = lambda s: ravel(s)  # type: ignore[attr-defined]
    T.squeeze = lambda s, axis=None: squeeze(s, axis)  # type: ignore[attr-defined]
    T.clip = lambda s, a_min=None, a_max=None: clip(s, a_min, a_max)  # type: ignore[attr-defined]


_install_tracer_methods()
