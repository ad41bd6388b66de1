"""Derivatives of ``functrans.numpy``: numerical checks to second order, Jacobians,
JAX-matching values at kinks, dtypes, and typechecked IR of gradients.

Every ``check_grads`` call uses float64 inputs chosen away from singularities,
kinks and ties, so central finite differences are a valid reference.
"""

from __future__ import annotations

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

grad, jacfwd, jacrev, hessian = functrans.grad, functrans.jacfwd, functrans.jacrev, functrans.hessian


def check(f, args, **kw):
    check_grads(f, args, order=2, modes=("fwd", "rev"), **kw)


# --------------------------------------------------------------------------- input generators


def _rng(seed):
    return np.random.default_rng(seed)


def unif(shape, lo=-1.0, hi=1.0, seed=0):
    return _rng(seed).uniform(lo, hi, size=shape)


def normal(shape, seed=0):
    return _rng(seed).standard_normal(shape)


def positive(shape, seed=0):
    return unif(shape, 0.5, 2.0, seed)


def away(shape, kinks=(0.0,), lo=-1.5, hi=1.5, margin=0.05, seed=0):
    """Uniform in [lo, hi] but at least ``margin`` from every kink."""
    r = _rng(seed)
    x = np.asarray(r.uniform(lo, hi, size=shape), dtype=np.float64)
    for _ in range(1000):
        bad = np.zeros(x.shape, bool)
        for k in kinks:
            bad |= np.abs(x - k) < margin
        if not bad.any():
            return x
        x = np.where(bad, r.uniform(lo, hi, size=shape), x)
    raise RuntimeError("could not sample away from kinks")


def nonzero(shape, lo=0.3, hi=1.5, seed=0):
    """Random signs, magnitudes in [lo, hi]."""
    r = _rng(seed)
    return r.choice([-1.0, 1.0], size=shape) * r.uniform(lo, hi, size=shape)


def distinct(*shapes, step=0.1, seed=0):
    """Arrays whose entries (across all of them) are pairwise >= ``step`` apart."""
    sizes = [int(np.prod(s, dtype=int)) for s in shapes]
    n = sum(sizes)
    pool = (_rng(seed).permutation(n) - n / 2 + 0.37) * step
    out, i = [], 0
    for s, k in zip(shapes, sizes):
        out.append(pool[i : i + k].reshape(s))
        i += k
    return out if len(out) > 1 else out[0]


SHAPES = [(), (5,), (3, 4), (2, 3, 4)]


def _sid(shape):
    return "x".join(map(str, shape)) or "scalar"


# --------------------------------------------------------------------------- elementwise unary

UNARY = {
    "sin": (fnp.sin, lambda s, k: unif(s, -2, 2, k)),
    "cos": (fnp.cos, lambda s, k: unif(s, -2, 2, k)),
    "tan": (fnp.tan, lambda s, k: unif(s, -1.2, 1.2, k)),
    "arcsin": (fnp.arcsin, lambda s, k: unif(s, -0.9, 0.9, k)),
    "arccos": (fnp.arccos, lambda s, k: unif(s, -0.9, 0.9, k)),
    "arctan": (fnp.arctan, lambda s, k: unif(s, -3, 3, k)),
    "sinh": (fnp.sinh, lambda s, k: unif(s, -2, 2, k)),
    "cosh": (fnp.cosh, lambda s, k: unif(s, -2, 2, k)),
    "tanh": (fnp.tanh, lambda s, k: unif(s, -2, 2, k)),
    "exp": (fnp.exp, lambda s, k: unif(s, -2, 2, k)),
    "log": (fnp.log, positive),
    "log1p": (fnp.log1p, lambda s, k: unif(s, -0.5, 2, k)),
    "expm1": (fnp.expm1, lambda s, k: unif(s, -2, 2, k)),
    "sqrt": (fnp.sqrt, positive),
    "square": (fnp.square, lambda s, k: unif(s, -2, 2, k)),
    "abs": (fnp.abs, lambda s, k: nonzero(s, seed=k)),
    "absolute": (fnp.absolute, lambda s, k: nonzero(s, seed=k)),
    "sign": (fnp.sign, lambda s, k: nonzero(s, seed=k)),
    "reciprocal": (fnp.reciprocal, lambda s, k: nonzero(s, 0.5, 2.0, seed=k)),
    "negative": (fnp.negative, lambda s, k: normal(s, k)),
}


@pytest.mark.parametrize("shape", SHAPES, ids=_sid)
@pytest.mark.parametrize("name", list(UNARY))
def test_unary(name, shape):
    fn, gen = UNARY[name]
    check(fn, (gen(shape, 1),))


@pytest.mark.parametrize("name", ["sin", "exp", "log", "tanh", "sqrt", "square", "reciprocal"])
def test_unary_python_float(name):
    fn, _ = UNARY[name]
    check(fn, (0.7,))


# --------------------------------------------------------------------------- elementwise binary

SHAPE_PAIRS = [
    ((), ()),
    ((4,), (4,)),
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((2, 3), (3,)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((2, 1, 4), (3, 1)),
]


def _pid(pair):
    return f"{_sid(pair[0])}-{_sid(pair[1])}"


BINARY = {
    "add": (fnp.add, lambda a, b, k: (normal(a, k), normal(b, k + 1))),
    "subtract": (fnp.subtract, lambda a, b, k: (normal(a, k), normal(b, k + 1))),
    "multiply": (fnp.multiply, lambda a, b, k: (normal(a, k), normal(b, k + 1))),
    "divide": (fnp.divide, lambda a, b, k: (normal(a, k), nonzero(b, 0.5, 2.0, k + 1))),
    "power": (fnp.power, lambda a, b, k: (positive(a, k), unif(b, -2, 2, k + 1))),
    "maximum": (fnp.maximum, lambda a, b, k: distinct(a, b, seed=k)),
    "minimum": (fnp.minimum, lambda a, b, k: distinct(a, b, seed=k)),
    "arctan2": (fnp.arctan2, lambda a, b, k: (nonzero(a, 0.5, 2, k), nonzero(b, 0.5, 2, k + 1))),
    "remainder": (fnp.remainder, lambda a, b, k: (normal(a, k), nonzero(b, 0.5, 2.0, k + 1))),
    "floor_divide": (fnp.floor_divide, lambda a, b, k: (normal(a, k), nonzero(b, 0.5, 2.0, k + 1))),
}


@pytest.mark.parametrize("pair", SHAPE_PAIRS, ids=_pid)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary(name, pair):
    fn, gen = BINARY[name]
    x, y = gen(*pair, 3)
    out = fn(x, y)
    assert np.shape(out) == np.broadcast_shapes(*pair)
    check(fn, (x, y))


SCALAR_OPERAND = {
    "power_int3": (lambda x: fnp.power(x, 3), lambda s: normal(s, 5)),
    "power_int_neg2": (lambda x: fnp.power(x, -2), lambda s: nonzero(s, 0.5, 2, 5)),
    "power_int1": (lambda x: fnp.power(x, 1), lambda s: normal(s, 5)),
    "power_int0": (lambda x: fnp.power(x, 0), lambda s: normal(s, 5)),
    "power_float2.5": (lambda x: fnp.power(x, 2.5), lambda s: positive(s, 5)),
    "power_float0.5": (lambda x: fnp.power(x, 0.5), lambda s: positive(s, 5)),
    "power_base2": (lambda x: fnp.power(2.0, x), lambda s: normal(s, 5)),
    "maximum_0": (lambda x: fnp.maximum(x, 0.0), lambda s: away(s, seed=5)),
    "minimum_0.3": (lambda x: fnp.minimum(0.3, x), lambda s: away(s, (0.3,), seed=5)),
    "divide_by_2": (lambda x: fnp.divide(x, 2.0), lambda s: normal(s, 5)),
    "divide_2_by": (lambda x: fnp.divide(2.0, x), lambda s: nonzero(s, 0.5, 2, 5)),
    "subtract_from_1": (lambda x: fnp.subtract(1.0, x), lambda s: normal(s, 5)),
}


@pytest.mark.parametrize("shape", [(), (3, 4)], ids=_sid)
@pytest.mark.parametrize("name", list(SCALAR_OPERAND))
def test_binary_scalar_operand(name, shape):
    fn, gen = SCALAR_OPERAND[name]
    check(fn, (gen(shape),))


# --------------------------------------------------------------------------- where / comparisons / clip


def _where_cases():
    x34 = away((3, 4), (0.2,), seed=7)
    y4 = normal((4,), 8)
    a, b = distinct((3, 1), (1, 4), seed=9)
    c, d = distinct((2, 3), (2, 3), seed=10)
    mask = _rng(11).random((3, 4)) > 0.5
    return [
        ("gt_const_broadcast", lambda x, y: fnp.where(x > 0.2, fnp.sin(x), fnp.cos(y)), (x34, y4)),
        ("lt_traced_broadcast", lambda x, y: fnp.where(x < y, x, y), (a, b)),
        ("ge_traced", lambda x, y: fnp.where(x >= y, x * y, y - x), (c, d)),
        ("le_scalar_branch", lambda x: fnp.where(x <= 0.2, 0.0, x**2), (x34,)),
        ("relu", lambda x: fnp.where(x > 0, x, 0.0), (away((5,), seed=12),)),
        ("eq_const", lambda x: fnp.where(x == 0.25, 1.0, fnp.exp(x)), (away((3, 4), (0.25,), seed=13),)),
        ("ne_const", lambda x, y: fnp.where(x != 0.25, x * y, y), (away((3, 4), (0.25,), seed=14), y4)),
        ("const_mask", lambda x, y: fnp.where(mask, x, y), (normal((3, 4), 15), normal((3, 4), 16))),
        ("greater_fn", lambda x, y: fnp.where(fnp.greater(x, y), x, 2 * y), (c, d)),
        ("less_equal_fn", lambda x: fnp.where(fnp.less_equal(x, 0.2), -x, x), (x34,)),
        ("nested", lambda x: fnp.where(x > 0.5, x, fnp.where(x < -0.5, -x, x**2)), (away((6,), (0.5, -0.5), seed=17),)),
    ]


WHERE_CASES = _where_cases()


@pytest.mark.parametrize("fn,args", [c[1:] for c in WHERE_CASES], ids=[c[0] for c in WHERE_CASES])
def test_where(fn, args):
    check(fn, args)


def _clip_cases():
    x = away((3, 4), (-0.5, 0.5), seed=20)
    lo = unif((4,), -1.0, -0.3, 21)
    hi = unif((3, 1), 0.3, 1.0, 22)
    xb = away((3, 4), seed=23, lo=-0.2, hi=0.2, margin=0.0)  # strictly inside [lo, hi]
    xo = np.concatenate([unif((2, 4), -2.0, -1.1, 24), unif((1, 4), 1.1, 2.0, 25)])  # strictly outside
    return [
        ("both", lambda x: fnp.clip(x, -0.5, 0.5), (x,)),
        ("max_only", lambda x: fnp.clip(x, None, 0.5), (x,)),
        ("min_only_kw", lambda x: fnp.clip(x, a_min=-0.5), (x,)),
        ("min_max_kw", lambda x: fnp.clip(x, min=-0.5, max=0.5), (x,)),
        ("method", lambda x: x.clip(-0.5, 0.5), (x,)),
        ("scalar", lambda x: fnp.clip(x, -0.5, 0.5), (np.float64(0.3),)),
        ("traced_bounds_inside", lambda x, lo, hi: fnp.clip(x, lo, hi), (xb, lo, hi)),
        ("traced_bounds_outside", lambda x, lo, hi: fnp.clip(x, lo, hi), (xo, lo, hi)),
    ]


CLIP_CASES = _clip_cases()


@pytest.mark.parametrize("fn,args", [c[1:] for c in CLIP_CASES], ids=[c[0] for c in CLIP_CASES])
def test_clip(fn, args):
    check(fn, args)


# --------------------------------------------------------------------------- reductions

REDUCTIONS = {
    "sum": (fnp.sum, lambda s, k: normal(s, k)),
    "mean": (fnp.mean, lambda s, k: normal(s, k)),
    "prod": (fnp.prod, lambda s, k: nonzero(s, 0.6, 1.4, k)),
    "max": (fnp.max, lambda s, k: distinct(s, seed=k)),
    "min": (fnp.min, lambda s, k: distinct(s, seed=k)),
    "var": (fnp.var, lambda s, k: normal(s, k)),
    "std": (fnp.std, lambda s, k: normal(s, k)),
}

AXES_3D = [None, 0, 1, -1, (0, 1), (0, 2), (0, 1, 2)]


@pytest.mark.parametrize("keepdims", [False, True], ids=["nokeep", "keep"])
@pytest.mark.parametrize("axis", AXES_3D, ids=str)
@pytest.mark.parametrize("name", list(REDUCTIONS))
def test_reduction_3d(name, axis, keepdims):
    fn, gen = REDUCTIONS[name]
    x = gen((2, 3, 4), 30)
    out = fn(x, axis=axis, keepdims=keepdims)
    ref = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert np.shape(out) == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)
    check(lambda x: fn(x, axis=axis, keepdims=keepdims), (x,))


LOW_RANK_AXES = [
    ((), None),
    ((5,), None),
    ((5,), 0),
    ((5,), -1),
    ((3, 4), None),
    ((3, 4), 0),
    ((3, 4), 1),
    ((3, 4), (0, 1)),
]


@pytest.mark.parametrize(
    "name,shape,axis",
    [
        (name, shape, axis)
        for name in REDUCTIONS
        for shape, axis in LOW_RANK_AXES
        if not (name in ("var", "std") and shape == ())  # variance of one element is constant
    ],
    ids=lambda v: _sid(v) if isinstance(v, tuple) and len(v) != 2 else str(v),
)
def test_reduction_low_rank(name, shape, axis):
    fn, gen = REDUCTIONS[name]
    x = gen(shape, 31)
    np.testing.assert_allclose(fn(x, axis=axis), getattr(np, name)(x, axis=axis), rtol=1e-12, atol=1e-12)
    check(lambda x: fn(x, axis=axis), (x,))


@pytest.mark.parametrize("keepdims", [False, True], ids=["nokeep", "keep"])
@pytest.mark.parametrize("axis", [None, 0, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("name", ["var", "std"])
def test_var_std_ddof1(name, axis, keepdims):
    fn = getattr(fnp, name)
    x = normal((2, 3, 4), 32)
    ref = getattr(np, name)(x, axis=axis, ddof=1, keepdims=keepdims)
    np.testing.assert_allclose(fn(x, axis=axis, ddof=1, keepdims=keepdims), ref, rtol=1e-12)
    check(lambda x: fn(x, axis=axis, ddof=1, keepdims=keepdims), (x,))


def _prod_others(x):
    x = np.asarray(x, dtype=np.float64)
    return np.array([np.prod(np.delete(x, i)) for i in range(x.size)])


@pytest.mark.parametrize(
    "x",
    [
        [2.0, 0.0, 3.0, 5.0],
        [0.0, 1.5, -2.0],
        [1.5, -2.0, 0.0],
        [0.0, 0.0, 3.0, 4.0],
        [0.0],
        [1.0, 2.0, 0.0, 0.0, 0.0],
    ],
    ids=str,
)
def test_prod_grad_with_zeros_exact(x):
    x = np.array(x)
    for g in (grad(fnp.prod)(x), jacfwd(fnp.prod)(x), jacrev(fnp.prod)(x)):
        np.testing.assert_array_equal(g, _prod_others(x))
    # second derivative: d2/dxi dxj prod = prod of all but i and j (0 on the diagonal)
    n = x.size
    h_ref = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                h_ref[i, j] = np.prod(np.delete(x, [i, j]))
    np.testing.assert_allclose(hessian(fnp.prod)(x), h_ref, atol=1e-12)


def test_prod_grad_with_zero_along_axis():
    x = np.array([[2.0, 0.0, 3.0], [1.0, 2.0, 4.0]])
    g = grad(lambda x: fnp.sum(fnp.prod(x, axis=1) * np.array([1.0, 10.0])))(x)
    np.testing.assert_array_equal(g, [[0.0, 6.0, 0.0], [80.0, 40.0, 20.0]])


# --------------------------------------------------------------------------- shape manipulation


def _shape_cases():
    n = lambda s, k=40: normal(s, k)  # noqa: E731
    return [
        ("reshape_4x3", lambda x: fnp.reshape(x, (4, 3)), (n((3, 4)),)),
        ("reshape_-1", lambda x: fnp.reshape(x, -1), (n((3, 4)),)),
        ("reshape_4x-1", lambda x: fnp.reshape(x, (4, -1)), (n((2, 3, 4)),)),
        ("reshape_-1x2x2", lambda x: fnp.reshape(x, (-1, 2, 2)), (n((2, 3, 4)),)),
        ("reshape_scalar_to_1x1", lambda x: fnp.reshape(x, (1, 1)), (n(()),)),
        ("reshape_to_scalar", lambda x: fnp.reshape(x, ()), (n((1, 1)),)),
        ("ravel", fnp.ravel, (n((2, 3)),)),
        ("transpose_2d", fnp.transpose, (n((3, 4)),)),
        ("transpose_3d_default", fnp.transpose, (n((2, 3, 4)),)),
        ("transpose_axes_102", lambda x: fnp.transpose(x, (1, 0, 2)), (n((2, 3, 4)),)),
        ("transpose_axes_201", lambda x: fnp.transpose(x, (2, 0, 1)), (n((2, 3, 4)),)),
        ("transpose_axes_neg", lambda x: fnp.transpose(x, (-1, 0, 1)), (n((2, 3, 4)),)),
        ("swapaxes", lambda x: fnp.swapaxes(x, 0, 2), (n((2, 3, 4)),)),
        ("moveaxis", lambda x: fnp.moveaxis(x, 0, -1), (n((2, 3, 4)),)),
        ("expand_dims_0", lambda x: fnp.expand_dims(x, 0), (n((3,)),)),
        ("expand_dims_-1", lambda x: fnp.expand_dims(x, -1), (n((3,)),)),
        ("expand_dims_1_2d", lambda x: fnp.expand_dims(x, 1), (n((3, 4)),)),
        ("expand_dims_tuple", lambda x: fnp.expand_dims(x, (0, 2)), (n((3, 4)),)),
        ("expand_dims_scalar", lambda x: fnp.expand_dims(x, 0), (n(()),)),
        ("squeeze_all", fnp.squeeze, (n((1, 3, 1)),)),
        ("squeeze_axis0", lambda x: fnp.squeeze(x, 0), (n((1, 3, 1)),)),
        ("squeeze_axis-1", lambda x: fnp.squeeze(x, -1), (n((1, 3, 1)),)),
        ("squeeze_middle", lambda x: fnp.squeeze(x, axis=1), (n((3, 1, 4)),)),
        ("squeeze_to_scalar", fnp.squeeze, (n((1, 1)),)),
        ("broadcast_to_vec", lambda x: fnp.broadcast_to(x, (2, 3)), (n((3,)),)),
        ("broadcast_to_col", lambda x: fnp.broadcast_to(x, (3, 4)), (n((3, 1)),)),
        ("broadcast_to_scalar", lambda x: fnp.broadcast_to(x, (2, 2)), (n(()),)),
        ("broadcast_to_3d", lambda x: fnp.broadcast_to(x, (2, 3, 4)), (n((1, 4)),)),
        ("broadcast_to_mid", lambda x: fnp.broadcast_to(x, (2, 3, 4)), (n((2, 1, 4)),)),
        ("concat_axis0", lambda a, b: fnp.concatenate([a, b], axis=0), (n((2, 3)), n((4, 3), 41))),
        ("concat_axis1", lambda a, b: fnp.concatenate([a, b], axis=1), (n((2, 3)), n((2, 5), 41))),
        (
            "concat_three_-1",
            lambda a, b, c: fnp.concatenate((a, b, c), axis=-1),
            (n((2, 3)), n((2, 1), 41), n((2, 2), 42)),
        ),
        ("concat_1d", lambda a, b: fnp.concatenate([a, b]), (n((3,)), n((2,), 41))),
        ("concat_none", lambda a, b: fnp.concatenate([a, b], axis=None), (n((2, 2)), n((3,), 41))),
        ("concat_same_twice", lambda a: fnp.concatenate([a, a * 2], axis=1), (n((2, 3)),)),
        ("concat_3d_axis-2", lambda a, b: fnp.concatenate([a, b], axis=-2), (n((2, 3, 4)), n((2, 1, 4), 41))),
        ("stack_axis0", lambda a, b: fnp.stack([a, b]), (n((3,)), n((3,), 41))),
        ("stack_axis-1", lambda a, b: fnp.stack([a, b], axis=-1), (n((3,)), n((3,), 41))),
        ("stack_3_axis1", lambda a, b, c: fnp.stack([a, b, c], axis=1), (n((2, 3)), n((2, 3), 41), n((2, 3), 42))),
        ("stack_3_axis-1", lambda a, b, c: fnp.stack([a, b, c], axis=-1), (n((2, 3)), n((2, 3), 41), n((2, 3), 42))),
        ("stack_scalars", lambda a, b: fnp.stack([a, b]), (n(()), n((), 41))),
        ("stack_single", lambda a: fnp.stack([a], axis=1), (n((2, 3)),)),
        ("stack_3d_axis2", lambda a, b: fnp.stack([a, b], axis=2), (n((2, 3)), n((2, 3), 41))),
        ("array_of_traced", lambda a, b: fnp.array([[a, b], [b, a * b]]), (n(()), n((), 41))),
        ("vstack", lambda a, b: fnp.vstack([a, b]), (n((3,)), n((2, 3), 41))),
        ("hstack", lambda a, b: fnp.hstack([a, b]), (n((3,)), n((2,), 41))),
    ]


SHAPE_CASES = _shape_cases()


@pytest.mark.parametrize("fn,args", [c[1:] for c in SHAPE_CASES], ids=[c[0] for c in SHAPE_CASES])
def test_shape_ops(fn, args):
    check(fn, args)


# --------------------------------------------------------------------------- products


def _product_cases():
    n = lambda s, k=50: normal(s, k)  # noqa: E731
    return [
        ("dot_1d_1d", fnp.dot, (n((4,)), n((4,), 51))),
        ("dot_2d_1d", fnp.dot, (n((3, 4)), n((4,), 51))),
        ("dot_1d_2d", fnp.dot, (n((3,)), n((3, 4), 51))),
        ("dot_2d_2d", fnp.dot, (n((2, 3)), n((3, 4), 51))),
        ("dot_scalar_2d", fnp.dot, (n(()), n((3, 4), 51))),
        ("dot_3d_2d", fnp.dot, (n((2, 3, 4)), n((4, 2), 51))),
        ("dot_3d_1d", fnp.dot, (n((2, 3, 4)), n((4,), 51))),
        ("matmul_1d_1d", fnp.matmul, (n((4,)), n((4,), 51))),
        ("matmul_2d_1d", fnp.matmul, (n((3, 4)), n((4,), 51))),
        ("matmul_1d_2d", fnp.matmul, (n((3,)), n((3, 4), 51))),
        ("matmul_2d_2d", fnp.matmul, (n((2, 3)), n((3, 4), 51))),
        ("matmul_3d_3d", fnp.matmul, (n((2, 3, 4)), n((2, 4, 5), 51))),
        ("matmul_3d_2d", fnp.matmul, (n((2, 3, 4)), n((4, 5), 51))),
        ("matmul_2d_3d", fnp.matmul, (n((3, 4)), n((2, 4, 5), 51))),
        ("matmul_batch_broadcast", fnp.matmul, (n((1, 3, 4)), n((2, 4, 5), 51))),
        ("matmul_batch_broadcast_4d", fnp.matmul, (n((2, 1, 3, 4)), n((3, 4, 2), 51))),
        ("matmul_1d_3d", fnp.matmul, (n((3,)), n((2, 3, 4), 51))),
        ("matmul_3d_1d", fnp.matmul, (n((2, 3, 4)), n((4,), 51))),
        ("tensordot_int0", lambda a, b: fnp.tensordot(a, b, 0), (n((2, 3)), n((4,), 51))),
        ("tensordot_int1", lambda a, b: fnp.tensordot(a, b, 1), (n((2, 3)), n((3, 4), 51))),
        ("tensordot_int2", lambda a, b: fnp.tensordot(a, b, axes=2), (n((2, 3, 4)), n((3, 4, 2), 51))),
        ("tensordot_pair_ints", lambda a, b: fnp.tensordot(a, b, axes=(0, 1)), (n((3, 2)), n((4, 3), 51))),
        ("tensordot_pair_lists", lambda a, b: fnp.tensordot(a, b, axes=([1], [0])), (n((2, 3)), n((3, 4), 51))),
        (
            "tensordot_pair_multi",
            lambda a, b: fnp.tensordot(a, b, axes=((0, 2), (1, 0))),
            (n((2, 3, 4)), n((4, 2, 5), 51)),
        ),
        ("tensordot_pair_neg", lambda a, b: fnp.tensordot(a, b, axes=((-1,), (0,))), (n((4, 5)), n((5, 2), 51))),
        ("matmul_5d_broadcast", fnp.matmul, (n((2, 1, 3, 2, 4)), n((3, 4, 2), 51))),
        ("dot_3d_3d", fnp.dot, (n((2, 3, 4)), n((2, 4, 3), 51))),
        ("outer_1d", fnp.outer, (n((3,)), n((4,), 51))),
        ("outer_2d_flattens", fnp.outer, (n((2, 2)), n((3,), 51))),
        ("inner", fnp.inner, (n((2, 3)), n((4, 3), 51))),
        ("vdot", fnp.vdot, (n((2, 3)), n((2, 3), 51))),
    ]


PRODUCT_CASES = _product_cases()


@pytest.mark.parametrize("fn,args", [c[1:] for c in PRODUCT_CASES], ids=[c[0] for c in PRODUCT_CASES])
def test_products(fn, args):
    name = fn.__name__ if fn.__name__ != "<lambda>" else None
    if name in ("dot", "matmul", "outer", "inner", "vdot"):
        np.testing.assert_allclose(fn(*args), getattr(np, name)(*args), rtol=1e-12, atol=1e-12)
    check(fn, args)


EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij->ji", [(2, 3)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("i,i->", [(4,), (4,)]),
    ("ij->", [(2, 3)]),
    ("ij->i", [(2, 3)]),
    ("i,j->ij", [(3,), (4,)]),
    ("ijk,ik->j", [(2, 3, 4), (2, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]),
    ("ij,j->i", [(2, 3), (3,)]),
    ("ijk->kij", [(2, 3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("i,i", [(4,), (4,)]),
    ("ab,bc,ca->", [(2, 3), (3, 4), (4, 2)]),
    ("i,j,k->ijk", [(2,), (3,), (4,)]),
    ("ij,kj->ik", [(2, 3), (4, 3)]),
]


@pytest.mark.parametrize("spec,shapes", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum(spec, shapes):
    args = tuple(normal(s, 60 + i) for i, s in enumerate(shapes))
    np.testing.assert_allclose(fnp.einsum(spec, *args), np.einsum(spec, *args), rtol=1e-12, atol=1e-12)
    check(lambda *a: fnp.einsum(spec, *a), args)


# --------------------------------------------------------------------------- operators on traced values


def _operator_cases():
    n = lambda s, k=70: normal(s, k)  # noqa: E731
    p = lambda s, k=71: positive(s, k)  # noqa: E731
    nz = lambda s, k=72: nonzero(s, 0.5, 2.0, k)  # noqa: E731
    c34 = n((3, 4), 73)
    c4 = n((4,), 74)
    return [
        ("add", lambda x, y: x + y, (n((3, 4)), n((4,), 75))),
        ("sub", lambda x, y: x - y, (n((3, 1)), n((1, 4), 75))),
        ("mul", lambda x, y: x * y, (n((2, 3)), n((), 75))),
        ("div", lambda x, y: x / y, (n((2, 3)), nz((3,)))),
        ("pow_traced", lambda x, y: x**y, (p((2, 3)), n((2, 3), 75))),
        ("matmul_op", lambda x, y: x @ y, (n((2, 3)), n((3, 4), 75))),
        ("matmul_op_batched", lambda x, y: x @ y, (n((2, 2, 3)), n((3,), 75))),
        ("neg", lambda x: -x, (n((3,)),)),
        ("pos", lambda x: +x * x, (n((3,)),)),
        ("abs_builtin", lambda x: abs(x), (nz((3, 4)),)),
        ("radd", lambda x: 2.0 + x, (n((3,)),)),
        ("rsub", lambda x: 2.0 - x, (n((3,)),)),
        ("rmul", lambda x: 3.0 * x, (n((3,)),)),
        ("rdiv", lambda x: 2.0 / x, (nz((3,)),)),
        ("div_scalar", lambda x: x / 4.0, (n((3,)),)),
        ("pow_int2", lambda x: x**2, (n((3,)),)),
        ("pow_int3", lambda x: x**3, (n((3,)),)),
        ("pow_int_neg1", lambda x: x**-1, (nz((3,)),)),
        ("pow_float", lambda x: x**1.5, (p((3,)),)),
        ("rpow", lambda x: 2.0**x, (n((3,)),)),
        ("rpow_int", lambda x: 3**x, (n((3,)),)),
        ("ndarray_left_mul", lambda x: c34 * x, (n((3, 4)),)),
        ("ndarray_left_add", lambda x: c4 + x, (n((3, 4)),)),
        ("ndarray_left_sub", lambda x: c4 - x, (n((3, 4)),)),
        ("ndarray_left_div", lambda x: c4 / x, (nz((3, 4)),)),
        ("ndarray_right_matmul", lambda x: x @ c34, (n((2, 3)),)),
        ("ndarray_left_matmul", lambda x: c34.T @ x, (n((3, 2)),)),
        ("mixed_expression", lambda x, y: (x * y - x / (1.0 + y * y)) ** 2 @ (-y), (n((3,)), n((3,), 75))),
        ("chain", lambda x: fnp.sum(fnp.exp(-(x**2)) * fnp.sin(3 * x) / (1 + x**2)), (n((5,)),)),
        ("logsumexp", lambda x: fnp.log(fnp.sum(fnp.exp(x - fnp.max(x)))) + fnp.max(x), (distinct((5,), seed=76),)),
        ("softmax", lambda x: fnp.exp(x) / fnp.sum(fnp.exp(x), axis=-1, keepdims=True), (n((2, 4)),)),
        (
            "normalize",
            lambda x: (x - fnp.mean(x, axis=0)) / fnp.std(x, axis=0),
            (n((5, 3)),),
        ),
    ]


OPERATOR_CASES = _operator_cases()


@pytest.mark.parametrize("fn,args", [c[1:] for c in OPERATOR_CASES], ids=[c[0] for c in OPERATOR_CASES])
def test_operators(fn, args):
    check(fn, args)


# --------------------------------------------------------------------------- indexing

INDEX_CASES = [
    ("int0", (5,), lambda x: x[0]),
    ("int_neg1", (5,), lambda x: x[-1]),
    ("slice_1_3", (5,), lambda x: x[1:3]),
    ("reverse", (5,), lambda x: x[::-1]),
    ("step_neg2", (5,), lambda x: x[::-2]),
    ("slice_neg_step", (5,), lambda x: x[3:0:-1]),
    ("slice_neg_bounds", (5,), lambda x: x[-4:-1]),
    ("step2", (7,), lambda x: x[1::2]),
    ("row", (4, 5), lambda x: x[1]),
    ("row_neg", (4, 5), lambda x: x[-1]),
    ("col_ellipsis", (4, 5), lambda x: x[..., 0]),
    ("none_slice_int", (4, 5), lambda x: x[None, :, 1]),
    ("new_axis_middle", (4, 5), lambda x: x[:, None]),
    ("int_and_step", (4, 5), lambda x: x[1, ::2]),
    ("neg_int_neg_slice", (4, 5), lambda x: x[-1, -2:]),
    ("reverse_rows", (4, 5), lambda x: x[::-1]),
    ("reverse_both", (4, 5), lambda x: x[::-1, ::-2]),
    ("ellipsis_3d", (2, 3, 4), lambda x: x[..., 1:, None]),
    ("int_ellipsis_int", (2, 3, 4), lambda x: x[1, ..., -1]),
    ("mixed_3d", (2, 3, 4), lambda x: x[:, 2, 1:3]),
    ("full_int", (2, 3, 4), lambda x: x[1, 2, 3]),
    ("chained", (4, 5), lambda x: x[1:][::-1][0]),
    ("overlapping_sum", (5,), lambda x: x[0] * x[1:3] + x[::-1][:2] ** 2),
    ("tuple_of_slices", (4, 5), lambda x: x[1:3, 2:]),
    ("out_of_range_slices", (4, 5), lambda x: x[2:100, -100:2]),
    ("neg_step_out_of_range", (4, 5), lambda x: x[100:0:-2]),
    ("scalar_none", (), lambda x: x[None]),
    ("scalar_ellipsis", (), lambda x: x[...] * x),
    ("empty_tuple", (4,), lambda x: x[()]),
]


@pytest.mark.parametrize("shape,fn", [c[1:] for c in INDEX_CASES], ids=[c[0] for c in INDEX_CASES])
def test_indexing(shape, fn):
    x = normal(shape, 80)
    out, t = functrans.jvp(fn, (x,), (np.ones_like(x),))  # traced indexing gives NumPy's values
    np.testing.assert_array_equal(out, fn(x))
    assert np.shape(t) == np.shape(fn(x))
    check(fn, (x,))


# --------------------------------------------------------------------------- methods of traced values

METHOD_CASES = [
    ("sum", (3, 4), lambda x: x.sum()),
    ("sum_axis", (3, 4), lambda x: x.sum(axis=0)),
    ("sum_keepdims", (3, 4), lambda x: x.sum(-1, keepdims=True)),
    ("mean", (3, 4), lambda x: x.mean()),
    ("mean_axis", (2, 3, 4), lambda x: x.mean(axis=(0, 2))),
    ("reshape_args", (3, 4), lambda x: x.reshape(4, 3)),
    ("reshape_tuple", (3, 4), lambda x: x.reshape((2, -1))),
    ("reshape_-1", (3, 4), lambda x: x.reshape(-1)),
    ("transpose", (3, 4), lambda x: x.transpose()),
    ("transpose_args", (2, 3, 4), lambda x: x.transpose(1, 0, 2)),
    ("transpose_tuple", (2, 3, 4), lambda x: x.transpose((2, 1, 0))),
    ("T", (3, 4), lambda x: x.T),
    ("astype_float64", (3, 4), lambda x: x.astype(np.float64) * x),
    ("dot", (3, 4), lambda x: x.dot(x.T)),
    ("dot_vec", (3, 4), lambda x: x.T.dot(x[:, 0])),
    ("max", "distinct", lambda x: x.max()),
    ("max_axis", "distinct", lambda x: x.max(axis=1)),
    ("min", "distinct", lambda x: x.min()),
    ("min_axis_keep", "distinct", lambda x: x.min(axis=0, keepdims=True)),
    ("prod", "nonzero", lambda x: x.prod(axis=1)),
    ("var", (3, 4), lambda x: x.var(axis=0)),
    ("std_ddof", (3, 4), lambda x: x.std(ddof=1)),
    ("ravel", (3, 4), lambda x: x.ravel()),
    ("flatten", (3, 4), lambda x: x.flatten()),
    ("squeeze", (1, 4), lambda x: x.squeeze()),
    ("chain", (3, 4), lambda x: (x.T @ x).sum(axis=0).reshape(2, 2).mean()),
]


@pytest.mark.parametrize("kind,fn", [c[1:] for c in METHOD_CASES], ids=[c[0] for c in METHOD_CASES])
def test_methods(kind, fn):
    if kind == "distinct":
        x = distinct((3, 4), seed=90)
    elif kind == "nonzero":
        x = nonzero((3, 4), 0.6, 1.4, 90)
    else:
        x = normal(kind, 90)
    check(fn, (x,))


# --------------------------------------------------------------------------- jacfwd vs jacrev

A35 = normal((3, 5), 100)

JAC_CASES = [
    ("sin", fnp.sin, (5,)),
    ("tanh_matvec", lambda x: fnp.tanh(A35 @ x), (5,)),
    ("reverse_product", lambda x: x * x[::-1], (5,)),
    ("softmax", lambda x: fnp.exp(x) / fnp.sum(fnp.exp(x)), (5,)),
    ("outer_ravel", lambda x: fnp.ravel(fnp.outer(x, fnp.sin(x))), (4,)),
    ("concat_stats", lambda x: fnp.concatenate([x[::-1] * x[0], fnp.stack([fnp.mean(x), fnp.std(x)])]), (5,)),
    ("prod_of_others", lambda x: fnp.prod(x) / x, (4,)),
    ("matrix_square", lambda x: x @ x, (3, 3)),
    ("to_scalar", lambda x: fnp.sum(x**3), (4,)),
    ("scalar_in", lambda x: fnp.stack([fnp.sin(x), x**2, fnp.exp(x)]), ()),
    ("einsum_3op", lambda x: fnp.einsum("ij,jk,kl->il", x, x.T, x), (2, 3)),
]


def _numerical_jacobian(f, x, eps=1e-6):
    x = np.asarray(x, dtype=np.float64)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        jac[(...,) + idx] = (np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * eps)
    return jac


@pytest.mark.parametrize("fn,shape", [c[1:] for c in JAC_CASES], ids=[c[0] for c in JAC_CASES])
def test_jacfwd_matches_jacrev(fn, shape):
    x = nonzero(shape, 0.3, 1.2, 101)
    jf, jr = jacfwd(fn)(x), jacrev(fn)(x)
    expected_shape = np.shape(fn(x)) + x.shape
    assert jf.shape == expected_shape
    assert jr.shape == expected_shape
    np.testing.assert_allclose(jf, jr, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(jf, _numerical_jacobian(fn, x), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "fn",
    [lambda x: fnp.sum(fnp.sin(x) * x), lambda x: fnp.prod(x), lambda x: fnp.sum(x @ A35.T @ A35 * x) + fnp.std(x)],
    ids=["sin_x", "prod", "quad_std"],
)
def test_hessian_forms_agree(fn):
    x = nonzero((5,), 0.5, 1.5, 102)
    h = hessian(fn)(x)
    assert h.shape == (5, 5)
    np.testing.assert_allclose(h, h.T, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, jacrev(jacfwd(fn))(x), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, jacrev(jacrev(fn))(x), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(h, _numerical_jacobian(grad(fn), x), rtol=1e-6, atol=1e-7)


def test_hessian_sin_x_exact():
    x = unif((4,), -2, 2, 103)
    h = hessian(lambda x: fnp.sum(fnp.sin(x) * x))(x)
    np.testing.assert_allclose(h, np.diag(2 * np.cos(x) - x * np.sin(x)), rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------- JAX-matching values at kinks


def test_abs_grad_at_zero():
    assert grad(fnp.abs)(0.0) == 1.0
    assert grad(lambda x: abs(x))(0.0) == 1.0
    np.testing.assert_array_equal(grad(lambda x: fnp.sum(fnp.abs(x)))(np.array([-1.0, 0.0, 2.0])), [-1.0, 1.0, 1.0])


def test_maximum_minimum_ties_split_evenly():
    assert grad(lambda x: fnp.maximum(x, 0.0))(0.0) == 0.5
    assert grad(lambda x: fnp.minimum(x, 0.0))(0.0) == 0.5
    gx, gy = grad(fnp.maximum, argnums=(0, 1))(1.0, 1.0)
    assert (gx, gy) == (0.5, 0.5)
    gx, gy = grad(fnp.minimum, argnums=(0, 1))(1.0, 1.0)
    assert (gx, gy) == (0.5, 0.5)
    # forward mode agrees
    assert functrans.jvp(fnp.maximum, (1.0, 1.0), (1.0, 0.0))[1] == 0.5


def test_reduce_max_min_ties_share():
    x = np.array([1.0, 3.0, 3.0, 3.0, 2.0])
    expected = np.array([0.0, 1 / 3, 1 / 3, 1 / 3, 0.0])
    np.testing.assert_allclose(grad(fnp.max)(x), expected, rtol=1e-15)
    np.testing.assert_allclose(jacfwd(fnp.max)(x), expected, rtol=1e-15)
    np.testing.assert_allclose(grad(fnp.min)(-x), expected, rtol=1e-15)
    x2 = np.array([[1.0, 5.0, 5.0], [2.0, 2.0, 0.0]])
    np.testing.assert_allclose(
        grad(lambda x: fnp.sum(fnp.max(x, axis=1)))(x2), [[0.0, 0.5, 0.5], [0.5, 0.5, 0.0]], rtol=1e-15
    )


@pytest.mark.parametrize("x", [0.0, 1.0])
def test_clip_grad_at_bounds(x):
    assert grad(lambda x: fnp.clip(x, 0.0, 1.0))(x) == 0.5


def test_clip_grad_inside_and_outside():
    g = grad(lambda x: fnp.sum(fnp.clip(x, 0.0, 1.0)))(np.array([-0.5, 0.5, 1.5]))
    np.testing.assert_array_equal(g, [0.0, 1.0, 0.0])


def test_sqrt_grad_at_zero_is_inf():
    with np.errstate(divide="ignore"):
        g = grad(fnp.sqrt)(0.0)
    assert np.isinf(g) and g > 0


def test_where_nan_and_double_where():
    with np.errstate(all="ignore"):
        g = grad(lambda x: fnp.where(x > 0, fnp.sqrt(x), 0.0))(0.0)
        assert np.isnan(g)
        safe = grad(lambda x: fnp.where(x > 0, fnp.sqrt(fnp.where(x > 0, x, 1.0)), 0.0))(0.0)
    assert safe == 0.0
    assert grad(lambda x: fnp.where(x > 0, fnp.sqrt(fnp.where(x > 0, x, 1.0)), 0.0))(4.0) == 0.25


def test_prod_grad_with_zero():
    np.testing.assert_array_equal(grad(fnp.prod)(np.array([2.0, 0.0, 3.0, 5.0])), [0.0, 30.0, 0.0, 0.0])


def test_std_var_grad_at_constant():
    x = np.full(4, 2.5)
    with np.errstate(all="ignore"):
        gs = grad(fnp.std)(x)
    assert np.all(np.isnan(gs))
    np.testing.assert_array_equal(grad(fnp.var)(x), np.zeros(4))


@pytest.mark.parametrize("name", ["sign", "floor", "ceil", "round"])
@pytest.mark.parametrize("x", [-1.3, 0.0, 0.5, 2.7])
def test_piecewise_constant_grad_zero(name, x):
    fn = getattr(fnp, name)
    assert grad(fn)(x) == 0.0
    np.testing.assert_array_equal(grad(lambda v: fnp.sum(fn(v) * v))(np.array([x, 1.7])), fn(np.array([x, 1.7])))


def test_integer_pow_zero_exponent_at_zero():
    assert grad(lambda x: x**0)(0.0) == 0.0
    assert grad(lambda x: fnp.power(x, 0))(0.0) == 0.0
    assert grad(grad(lambda x: x**0))(0.0) == 0.0
    assert grad(lambda x: x**1)(0.0) == 1.0
    assert grad(lambda x: x**2)(0.0) == 0.0


def test_pow_grad_at_zero_base():
    gx, gy = grad(fnp.power, argnums=(0, 1))(0.0, 2.0)
    assert gy == 0.0
    assert gx == 0.0
    assert grad(lambda y: fnp.power(0.0, y))(0.5) == 0.0
    assert grad(lambda y: fnp.power(0.0, y))(3.0) == 0.0


# --------------------------------------------------------------------------- dtypes


def test_float32_grad_is_float32():
    x = np.ones(3, np.float32)
    g = grad(lambda x: fnp.sum(fnp.sin(x) * 2.0))(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 2 * np.cos(1.0), rtol=1e-6)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: fnp.sum(fnp.exp(x) / 3.0 + 1.0),
        lambda x: fnp.mean(x**2),
        lambda x: fnp.max(x * 0.5),
        lambda x: fnp.var(x),
        lambda x: fnp.sum(x @ x),
        lambda x: fnp.prod(fnp.where(x > 0.5, x, 2.0)),
        lambda x: fnp.sum(fnp.clip(x, 0.0, 0.5)),
        lambda x: fnp.einsum("ij,jk->", x, x),
        lambda x: x[0, 1] - x[::-1].sum(),
    ],
    ids=["exp_div", "mean_pow", "max", "var", "matmul", "prod_where", "clip", "einsum", "index"],
)
def test_float32_preserved_across_ops(fn):
    x = (np.arange(9, dtype=np.float32).reshape(3, 3) + 1) / 10
    assert fn(x).dtype == np.float32
    assert grad(fn)(x).dtype == np.float32
    assert jacfwd(fn)(x).dtype == np.float32
    assert hessian(fn)(x).dtype == np.float32
    out, t = functrans.jvp(fn, (x,), (np.ones_like(x),))
    assert out.dtype == np.float32 and t.dtype == np.float32


F32_SCALAR_OPERAND = {
    "abs_builtin": lambda x: abs(x),
    "maximum_scalar": lambda x: fnp.maximum(x, 0.5),
    "minimum_scalar": lambda x: fnp.minimum(0.5, x),
    "maximum_traced": lambda x: fnp.maximum(x, x[::-1]),
    "clip": lambda x: fnp.clip(x, 0.2, 0.6),
    "relu_where": lambda x: fnp.where(x > 0.5, x, 0.0),
    "power_float": lambda x: fnp.power(x, 1.5),
    "pow_op_float": lambda x: x**2.5,
    "rpow": lambda x: 2.0**x,
    "power_int": lambda x: fnp.power(x, 3),
    "arctan2_scalar": lambda x: fnp.arctan2(x, 2.0),
    "divide_scalar": lambda x: 2.0 / x,
    "sqrt": fnp.sqrt,
    "log1p": fnp.log1p,
}


@pytest.mark.parametrize("name", list(F32_SCALAR_OPERAND) + list(UNARY))
def test_float32_elementwise_grad_dtype(name):
    fn = F32_SCALAR_OPERAND[name] if name in F32_SCALAR_OPERAND else UNARY[name][0]
    x = np.array([0.3, 0.45, 0.7, 0.85], np.float32)
    assert fn(x).dtype == np.float32
    assert grad(lambda x: fnp.sum(fn(x)))(x).dtype == np.float32
    _, t = functrans.jvp(fn, (x,), (np.ones_like(x),))
    assert t.dtype == np.float32
    (ct,) = functrans.vjp(fn, x)[1](np.ones_like(x))
    assert ct.dtype == np.float32


def test_float32_check_grads_first_order():
    x = unif((3,), 0.5, 1.5, 110).astype(np.float32)
    check_grads(lambda x: fnp.sin(x) * fnp.exp(x), (x,), order=1, eps=1e-2)


def test_python_float_defaults_to_float64():
    g = grad(fnp.sin)(1.0)
    assert np.asarray(g).dtype == np.float64
    assert np.asarray(grad(lambda x: x * x)(3.0)).dtype == np.float64
    out, t = functrans.jvp(fnp.sin, (1.0,), (1.0,))
    assert np.asarray(out).dtype == np.float64 and np.asarray(t).dtype == np.float64


def test_int_array_input_gives_float64():
    x = np.arange(3)
    assert fnp.sin(x).dtype == np.float64
    assert fnp.exp(np.array(2)).dtype == np.float64
    assert fnp.mean(x).dtype == np.float64
    np.testing.assert_allclose(fnp.sin(x), np.sin(x))


# --------------------------------------------------------------------------- IR of gradients typechecks

IR_CASES = [
    ("sin_sum", lambda x: fnp.sum(fnp.sin(x) * x), (3, 4)),
    ("max_axis", lambda x: fnp.sum(fnp.max(x, axis=1) ** 2), (3, 4)),
    ("matmul", lambda x: fnp.sum(x @ x.T), (3, 4)),
    ("einsum", lambda x: fnp.einsum("ij,jk,kl->", x, x.T, x), (3, 4)),
    ("where_clip", lambda x: fnp.sum(fnp.where(x > 0, fnp.clip(x, 0.1, 0.5), x**2)), (3, 4)),
    ("prod", lambda x: fnp.prod(x, axis=0).sum(), (3, 4)),
    ("std_keepdims", lambda x: fnp.sum(fnp.std(x, axis=-1, keepdims=True) * x), (3, 4)),
    ("index_concat", lambda x: fnp.sum(fnp.concatenate([x[::-1], x[None, :, 1].T], axis=1)), (3, 4)),
    ("broadcast_divide", lambda x: fnp.sum(x / fnp.sum(x, axis=0)), (3, 4)),
    ("power_scalar", lambda x: fnp.sum(fnp.power(x, 3) + x**0.5), (3, 4)),
]


@pytest.mark.parametrize("fn,shape", [c[1:] for c in IR_CASES], ids=[c[0] for c in IR_CASES])
@pytest.mark.parametrize("order", [1, 2], ids=["grad", "grad_of_grad"])
def test_make_ir_of_grad_typechecks(fn, shape, order):
    x = positive(shape, 120)
    g = grad(fn)
    if order == 2:
        g1 = g
        g = grad(lambda x: fnp.sum(g1(x) ** 2))
    ir = functrans.make_ir(g)(x)
    functrans.typecheck_ir(ir)
    assert [(a.shape, a.dtype) for a in ir.out_avals] == [(x.shape, np.dtype(np.float64))]
    np.testing.assert_allclose(_eval_ir(ir, x), g(x), rtol=1e-12, atol=1e-12)


def _eval_ir(ir, x):
    from functrans._src.core import eval_ir

    (out,) = eval_ir(ir, ir.consts, [x])
    return out


@pytest.mark.parametrize("which", ["jacfwd", "jacrev", "hessian"])
def test_make_ir_of_jacobians_typechecks(which):
    fn = lambda x: fnp.tanh(A35 @ x) * fnp.max(x)  # noqa: E731
    t = {"jacfwd": jacfwd(fn), "jacrev": jacrev(fn), "hessian": hessian(lambda x: fnp.sum(fn(x)))}[which]
    x = distinct((5,), seed=121)
    ir = functrans.make_ir(t)(x)
    functrans.typecheck_ir(ir)
