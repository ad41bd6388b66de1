"""The elementwise functions, reductions, scans and sorting of issue 11 in ``functrans.numpy``
and their ``functrans.lax`` counterparts: NumPy's values and dtypes (eagerly and under jit),
plain ``numpy`` calls on traced values, JAX's derivatives at kinks, ties and zeros (constants
computed with jax, x64), zero tangents of integer/bool outputs, and errors.

vmap of every function (and vmap of its gradient, and its Jacobians in all modes) is in the
sweep of tests/test_vmap.py (``_surf_cases``); each new primitive's rules are in
tests/rule_cases/.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans.test_util import check_grads

grad, jit, jvp, vmap, jacfwd, jacrev = (
    functrans.grad,
    functrans.jit,
    functrans.jvp,
    functrans.vmap,
    functrans.jacfwd,
    functrans.jacrev,
)

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 4))
POS = rng.uniform(0.5, 2.0, (3, 4))
UNIT = rng.uniform(-0.9, 0.9, (3, 4))
INTS = rng.integers(-5, 6, (3, 4))
SPECIAL = np.array([0.0, -0.0, 1.5, -2.5, 0.5, np.inf, -np.inf, np.nan, 2.0, -3.0])


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, (a.shape, b.shape)
    assert a.dtype == b.dtype, (a.dtype, b.dtype)
    if b.dtype.kind in "fc":
        np.testing.assert_allclose(a, b, rtol=1e-15, atol=0, equal_nan=True)
    else:
        np.testing.assert_array_equal(a, b)


# --------------------------------------------------------------------------- elementwise values and dtypes

UNARY = [
    "arcsinh", "arccosh", "arctanh", "exp2", "log2", "log10", "cbrt", "fabs", "deg2rad", "rad2deg",
    "degrees", "radians", "sinc", "trunc", "rint", "fix", "nan_to_num", "isnan", "isinf", "isfinite",
    "isposinf", "isneginf", "signbit", "real", "imag", "conj", "conjugate",
]  # fmt: skip
BINARY = [
    "fmax", "fmin", "hypot", "logaddexp", "logaddexp2", "fmod", "copysign", "heaviside", "float_power",
    "logical_xor",
]  # fmt: skip


def _inputs(name):
    data = {"arccosh": POS + 1.0, "arctanh": UNIT}.get(name, X)
    outs = [data, data.astype(np.float32), SPECIAL]
    if name not in ("arccosh", "arctanh"):
        outs.append(INTS)
    return outs


@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_dtypes_as_numpy(name):
    f, ref = getattr(fnp, name), getattr(np, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for x in _inputs(name):
            _same(f(x), ref(x))
            _same(jit(f)(x), ref(x))
            _same(jit(lambda v, ref=ref: ref(v))(x), ref(x))  # numpy's own function on a traced value


@pytest.mark.parametrize("name", BINARY)
def test_binary_values_and_dtypes_as_numpy(name):
    f, ref = getattr(fnp, name), getattr(np, name)
    pairs = [
        (X, X[::-1] + 0.0),
        (X.astype(np.float32), np.float32(0.5)),
        (SPECIAL, SPECIAL[::-1].copy()),
        (INTS, INTS[::-1] + 7),
        (X, 2.0),
        (3.0, X),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for x, y in pairs:
            if name == "float_power" and np.result_type(x, y) == np.float32:
                assert f(x, y).dtype == np.float32  # as JAX (NumPy computes float64)
                continue
            _same(f(x, y), ref(x, y))
            _same(jit(f)(x, y), ref(x, y))
            _same(jit(lambda u, v, ref=ref: ref(u, v))(x, y), ref(x, y))


def test_plain_numpy_calls_on_traced_values_dispatch():
    def f(x):
        return np.sum(np.log10(np.fabs(x) + 1) + np.hypot(x, 2.0) + np.logaddexp(x, 0.0) + np.cbrt(x))

    np.testing.assert_allclose(jit(f)(X), f(X), rtol=1e-14)
    g = grad(f)(X)
    assert g.shape == X.shape and np.isfinite(g).all()

    def h(x):
        return np.cumsum(x, axis=1), np.sort(x, axis=0), np.argmax(x, axis=1), np.median(x), np.isnan(x)

    for a, b in zip(jit(h)(X), h(X)):
        _same(a, b)


def test_rint_trunc_fix_fabs_of_integers_keep_numpys_dtypes():
    assert fnp.trunc(INTS).dtype == np.int64 and fnp.fix(INTS).dtype == np.int64
    assert fnp.rint(INTS).dtype == np.float64 and fnp.fabs(INTS).dtype == np.float64
    assert fnp.imag(INTS).dtype == np.int64 and fnp.real(X.astype(np.float32)).dtype == np.float32


def test_complex_input_to_real_only_functions_is_a_clear_error():
    with pytest.raises(TypeError, match="does not support complex values"):
        jit(fnp.floor)(np.ones(2, complex))


# --------------------------------------------------------------------------- derivatives at kinks (JAX's values)

KINKS = {
    "sinc@0": (fnp.sinc, 0.0, (0.0, -3.2898681336964524)),
    "cbrt@0": (fnp.cbrt, 0.0, (np.inf, -np.inf)),
    "fabs@0": (fnp.fabs, 0.0, (1.0, 0.0)),
    "fmax(x,1)@1": (lambda x: fnp.fmax(x, 1.0), 1.0, (0.0, 0.0)),
    "fmax(1,x)@1": (lambda x: fnp.fmax(1.0, x), 1.0, (1.0, 0.0)),
    "fmin(x,1)@1": (lambda x: fnp.fmin(x, 1.0), 1.0, (0.0, 0.0)),
    "fmax(x,nan)@1": (lambda x: fnp.fmax(x, np.nan), 1.0, (1.0, 0.0)),
    "hypot(x,0)@0": (lambda x: fnp.hypot(x, 0.0), 0.0, (0.5, 0.0)),
    "hypot(x,2)@2": (lambda x: fnp.hypot(x, 2.0), 2.0, (0.7071067811865476, 0.0)),
    "logaddexp(x,1)@1": (lambda x: fnp.logaddexp(x, 1.0), 1.0, (0.49999999999999994, 0.25)),
    "logaddexp(x,1)@-inf": (lambda x: fnp.logaddexp(x, 1.0), -np.inf, (0.0, 0.0)),
    "logaddexp2(x,1)@1": (lambda x: fnp.logaddexp2(x, 1.0), 1.0, (0.5, 0.17328679513998632)),
    "fmod(-4,y)@1.5": (lambda y: fnp.fmod(-4.0, y), 1.5, (2.0, 0.0)),
    "copysign(x,-1)@0": (lambda x: fnp.copysign(x, -1.0), 0.0, (-1.0, 0.0)),
    "copysign(2,y)@1": (lambda y: fnp.copysign(2.0, y), 1.0, (0.0, 0.0)),
    "heaviside(0,y)@.5": (lambda y: fnp.heaviside(0.0, y), 0.5, (1.0, 0.0)),
    "heaviside(x,.5)@0": (lambda y: fnp.heaviside(y, 0.5), 0.0, (0.0, 0.0)),
    "float_power(x,2)@0": (lambda x: fnp.float_power(x, 2.0), 0.0, (0.0, 2.0)),
    "trunc@0.5": (fnp.trunc, 0.5, (0.0, 0.0)),
    "rint@2.5": (fnp.rint, 2.5, (0.0, 0.0)),
    "median(x,1,2,2)@2": (lambda x: fnp.median(fnp.stack([x, 1.0, 2.0, 2.0])), 2.0, (0.5, 0.0)),
    "ptp(x,1,2)@2": (lambda x: fnp.ptp(fnp.stack([x, 1.0, 2.0])), 2.0, (0.5, 0.0)),
    "nanmax(x,nan,2)@2": (lambda x: fnp.nanmax(fnp.stack([x, np.nan, 2.0])), 2.0, (0.5, 0.0)),
    "cumprod(2,x,3,x)[-1]@0": (lambda x: fnp.cumprod(fnp.stack([2.0, x, 3.0, x]))[-1], 0.0, (0.0, 12.0)),
    "sort(x,1,2,x)[1]@1": (lambda x: fnp.sort(fnp.stack([x, 1.0, 2.0, x]))[1], 1.0, (0.0, 0.0)),
}


@pytest.mark.parametrize("name", sorted(KINKS))
def test_derivatives_at_kinks_match_jax(name):
    f, x, (d1, d2) = KINKS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = [
            grad(f)(x),
            jvp(f, (x,), (1.0,))[1],
            grad(grad(f))(x),
            jvp(grad(f), (x,), (1.0,))[1],
            jit(grad(grad(f)))(x),
        ]
    np.testing.assert_allclose(got, [d1, d1, d2, d2, d2], rtol=1e-12, atol=0)


def test_sinc_higher_derivatives_at_zero_are_the_maclaurin_terms():
    d4 = grad(grad(grad(grad(fnp.sinc))))(0.0)
    np.testing.assert_allclose(d4, np.pi**4 / 5, rtol=1e-12)
    assert grad(grad(grad(fnp.sinc)))(0.0) == 0.0


# --------------------------------------------------------------------------- elementwise derivatives (numerical)

ELEMENTWISE_GRAD_CASES = {
    "arcsinh": (fnp.arcsinh, (X,)),
    "arccosh": (fnp.arccosh, (POS + 1.0,)),
    "arctanh": (fnp.arctanh, (UNIT,)),
    "exp2/log2/log10": (lambda x: fnp.exp2(x) * fnp.log2(x) + fnp.log10(x), (POS,)),
    "cbrt": (fnp.cbrt, (POS,)),
    "sinc": (fnp.sinc, (X,)),
    "hypot": (fnp.hypot, (X, X[::-1] + 0.1)),
    "logaddexp2": (fnp.logaddexp2, (X, X.T[:3, :1])),
    "fmod": (lambda x, y: fnp.fmod(3 * x, y), (POS, POS[::-1] + 0.3)),
    "copysign": (fnp.copysign, (X, X[::-1])),
    "float_power": (fnp.float_power, (POS, X)),
    "fmax/fmin": (lambda x, y: fnp.fmax(x, y) * fnp.fmin(x, y), (X, X[::-1] + 0.1)),
    "deg2rad": (lambda x: fnp.sin(fnp.deg2rad(x * 50)) + fnp.rad2deg(x), (X,)),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE_GRAD_CASES))
def test_elementwise_gradients_to_second_order(name):
    f, args = ELEMENTWISE_GRAD_CASES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


# --------------------------------------------------------------------------- reductions

RED = {
    "argmax": {}, "argmin": {}, "any": {}, "all": {}, "count_nonzero": {}, "ptp": {}, "nansum": {},
    "nanmean": {}, "nanmax": {}, "nanmin": {}, "nanprod": {}, "median": {}, "average": {},
}  # fmt: skip
WITH_NAN = np.where(X > 1.0, np.nan, X)


@pytest.mark.parametrize("name", sorted(RED))
def test_reductions_as_numpy(name):
    f, ref = getattr(fnp, name), getattr(np, name)
    datas = [X, X.astype(np.float32), INTS, WITH_NAN, X > 0]
    if name.startswith("nan") or name in ("median", "ptp", "average"):
        datas = datas[:4]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for x in datas:
            for axis in (None, 0, 1, -1, (0, 1)):
                if axis == (0, 1) and name in ("argmax", "argmin"):
                    continue
                for keep in (False, True):
                    kw = {"keepdims": keep} if name != "average" or keep else {}
                    _same(f(x, axis=axis, **kw), ref(x, axis=axis, **kw))
                    _same(jit(lambda v, f=f, axis=axis, kw=kw: f(v, axis=axis, **kw))(x), ref(x, axis=axis, **kw))


def test_argmax_dtype_ties_and_nans():
    a = np.array([1.0, 3.0, 3.0, np.nan, 2.0])
    assert fnp.argmax(a) == 3 and fnp.argmax(a[:3]) == 1 and fnp.argmin(a[:3]) == 0
    assert fnp.argmax(a).dtype == np.int64 and jit(fnp.argmax)(a).dtype == np.int64
    assert lax.argmax(X, 1).dtype == np.int64 and lax.argmin(X, 0, np.int32).dtype == np.int32


def test_average_weights_and_returned():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    for axis in (1, -1):
        a, s = fnp.average(X, axis=axis, weights=w, returned=True)
        ra, rs = np.average(X, axis=axis, weights=w, returned=True)
        _same(a, ra)
        _same(s, rs)
    _same(fnp.average(X, weights=POS), np.average(X, weights=POS))
    _same(fnp.average(X, axis=0, returned=True)[1], np.average(X, axis=0, returned=True)[1])
    with pytest.raises(TypeError, match="Axis must be specified"):
        fnp.average(X, weights=w)
    with pytest.raises(ValueError, match="consistent"):
        fnp.average(X, axis=0, weights=w)
    check_grads(lambda x, w: fnp.average(x, axis=1, weights=w), (X, w), order=2)


def test_any_all_of_empty_arrays():
    e = np.zeros((0, 3))
    _same(fnp.any(e), np.any(e))
    _same(fnp.all(e, axis=0), np.all(e, axis=0))


def test_nan_reductions_of_all_nan_slices():
    a = np.array([[np.nan, np.nan], [1.0, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for name in ("nanmax", "nanmin", "nanmean", "nansum", "nanprod"):
            _same(getattr(fnp, name)(a, axis=1), getattr(np, name)(a, axis=1))


def test_nan_reduction_gradients_ignore_nans():
    a = np.array([1.0, np.nan, 3.0])
    np.testing.assert_array_equal(grad(fnp.nanmean)(a), [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(grad(fnp.nansum)(a), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(grad(fnp.nanprod)(a), [3.0, 0.0, 1.0])


# --------------------------------------------------------------------------- cumulative


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumulative_as_numpy(name):
    f, ref = getattr(fnp, name), getattr(np, name)
    for x in (X, X.astype(np.float32), INTS, INTS.astype(np.int32), X > 0):
        # as JAX (not NumPy): integers accumulate in their own width, booleans in int64
        dt = np.int64 if x.dtype == bool else x.dtype
        for axis in (None, 0, 1, -1):
            _same(f(x, axis=axis), ref(x, axis=axis, dtype=dt))
            _same(jit(lambda v, axis=axis: f(v, axis=axis))(x), ref(x, axis=axis, dtype=dt))
        _same(f(x, axis=1, dtype=np.float32), ref(x, axis=1, dtype=np.float32))


def test_lax_cumulative_with_reverse():
    for rev in (False, True):
        for axis in (0, 1):

            def r(fn, x, axis=axis, rev=rev):
                return np.flip(fn(np.flip(x, axis), axis), axis) if rev else fn(x, axis)

            _same(lax.cumsum(X, axis, rev), r(np.cumsum, X))
            _same(lax.cumprod(X, axis, rev), r(np.cumprod, X))
            _same(lax.cummax(X, axis, rev), r(np.maximum.accumulate, X))
            _same(lax.cummin(INTS, axis, rev), r(np.minimum.accumulate, INTS))
            _same(lax.cumlogsumexp(X, axis, rev), r(np.logaddexp.accumulate, X))
            check_grads(lambda x, axis=axis, rev=rev: lax.cumsum(x, axis, rev) ** 2, (X,), order=2)


def test_cumprod_through_zeros_as_jax():
    x0 = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    expected = np.zeros((5, 5))
    expected[0, 0], expected[1, 1], expected[2, 1] = 1.0, 2.0, 6.0
    for jac in (jacfwd, jacrev):
        np.testing.assert_array_equal(jac(fnp.cumprod)(x0), expected)
    h = functrans.hessian(lambda x: fnp.cumprod(x)[-1])(x0)
    np.testing.assert_array_equal(h[1], [0.0, 0.0, 0.0, 30.0, 0.0])


def test_cummax_and_cummin_ties_as_jax():
    x = np.array([1.0, 3.0, 3.0, 2.0, 3.0])
    expected = [
        [1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0, 0.0],
        [0.0, 0.5, 0.5, 0.0, 0.0],
        [0.0, 0.5, 0.5, 0.0, 0.0],
        [0.0, 0.25, 0.25, 0.0, 0.5],
    ]
    for jac in (jacfwd, jacrev):
        np.testing.assert_array_equal(jac(lambda v: lax.cummax(v))(x), expected)
        np.testing.assert_array_equal(jac(lambda v: lax.cummin(v))(-x), expected)
    ones = jacfwd(lambda v: lax.cummax(v))(np.ones(7))
    np.testing.assert_array_equal(ones[-1], [0.0625, 0.0625, 0.0625, 0.0625, 0.125, 0.125, 0.5])


def test_cumlogsumexp_jacobian_as_jax():
    x = np.array([2.0, 1.0, 2.0, 1.0])
    np.testing.assert_allclose(lax.cumlogsumexp(x), [2.0, 2.31326169, 2.8619948, 3.00640887], rtol=1e-8)
    np.testing.assert_allclose(
        jacrev(lambda v: lax.cumlogsumexp(v))(x)[3], [0.36552929, 0.13447071, 0.36552929, 0.13447071], rtol=1e-7
    )


# --------------------------------------------------------------------------- order statistics


def test_median_quantile_percentile_as_numpy():
    odd = rng.standard_normal((3, 5))
    for x in (X, odd, X.astype(np.float32), INTS, WITH_NAN):
        for axis in (None, 0, 1, (0, 1)):
            for keep in (False, True):
                _same(fnp.median(x, axis=axis, keepdims=keep), np.median(x, axis=axis, keepdims=keep))
                for q in (0.0, 0.3, 0.5, 0.75, 1.0, [0.1, 0.9], [[0.2], [0.6]]):
                    _same(fnp.quantile(x, q, axis=axis, keepdims=keep), np.quantile(x, q, axis=axis, keepdims=keep))
                _same(fnp.percentile(x, [30, 50], axis=axis), np.percentile(x, [30, 50], axis=axis))
    for method in ("lower", "higher", "midpoint", "nearest"):
        for q in (0.3, 0.5, 0.6, 1 / 3):
            _same(fnp.quantile(odd, q, axis=1, method=method), np.quantile(odd, q, axis=1, method=method))


def test_order_statistic_gradients_as_jax():
    np.testing.assert_array_equal(grad(fnp.median)(np.array([1.0, 4.0, 2.0, 3.0])), [0.0, 0.0, 0.5, 0.5])
    np.testing.assert_array_equal(grad(fnp.median)(np.array([1.0, 2.0, 2.0, 2.0, 3.0])), [0, 0, 1, 0, 0])
    np.testing.assert_allclose(
        grad(lambda x: fnp.quantile(x, 0.3))(np.array([1.0, 4.0, 2.0, 3.0])), [0.1, 0.0, 0.9, 0.0], rtol=1e-12
    )
    check_grads(lambda x: fnp.quantile(x, [0.3, 0.8], axis=1), (X,), order=2)
    # differentiable in q too (JAX: 3.0, 0.03, and 2.8 for quantile(x * q, q))
    x = np.array([1.0, 4.0, 2.0, 3.0])
    assert grad(lambda q: fnp.quantile(x, q))(0.3) == 3.0 and grad(lambda q: fnp.percentile(x, q))(30.0) == 0.03
    np.testing.assert_allclose(grad(lambda q: fnp.quantile(x * q, q))(0.3), 2.8, rtol=1e-14)
    np.testing.assert_array_equal(jacfwd(lambda q: fnp.quantile(x, q))(np.array([0.3, 0.9])), [[3, 0], [0, 3]])
    check_grads(lambda x: fnp.median(x, axis=0), (X,), order=2)


def test_quantile_errors():
    with pytest.raises(ValueError, match="range"):
        fnp.quantile(X, 1.5)
    with pytest.raises(ValueError, match="method"):
        fnp.quantile(X, 0.5, method="weibull")
    with pytest.raises(functrans.ConcretizationTypeError):
        vmap(lambda q: fnp.quantile(X, q))(np.array([0.1, 0.2]))
    _same(grad(lambda x: fnp.quantile(x, 0.5))(X).shape, X.shape)


# --------------------------------------------------------------------------- sorting and searching


def test_sort_argsort_as_numpy_stable():
    ties = np.array([[2.0, 1.0, 2.0, 1.0, np.nan, 0.5], [3.0, 3.0, -1.0, np.nan, 3.0, -1.0]])
    for x in (X, ties, INTS, X.astype(np.float32)):
        for axis in (None, 0, 1, -1):
            _same(fnp.sort(x, axis=axis), np.sort(x, axis=axis, kind="stable"))
            _same(fnp.argsort(x, axis=axis), np.argsort(x, axis=axis, kind="stable"))
            _same(jit(lambda v, axis=axis: fnp.argsort(v, axis=axis))(x), np.argsort(x, axis=axis, kind="stable"))


def test_sort_gradient_follows_the_stable_order():
    xt = np.array([2.0, 1.0, 2.0, 1.0])
    expected = [[0, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0]]
    for jac in (jacfwd, jacrev):
        np.testing.assert_array_equal(jac(fnp.sort)(xt), expected)
    check_grads(lambda x: fnp.sort(x, axis=0) * np.arange(4.0), (X,), order=2)
    x5 = np.array([2.0, 1.0, 2.0, 1.0, 3.0])
    _same(fnp.argsort(x5, descending=True), np.array([4, 0, 2, 1, 3]))
    _same(fnp.sort(x5, descending=True), np.array([3.0, 2.0, 2.0, 1.0, 1.0]))
    np.testing.assert_array_equal(
        jacrev(lambda x: fnp.sort(x, descending=True))(x5)[1:3], [[0, 0, 1, 0, 0], [1, 0, 0, 0, 0]]
    )


def test_traced_sort_method_returns_the_sorted_value():
    out = jit(lambda x: x.sort(axis=0) + x.argsort(axis=1))(X)
    _same(out, np.sort(X, axis=0) + np.argsort(X, axis=1, kind="stable"))


def test_lax_sort_several_operands_and_top_k():
    keys = np.array([3, 1, 3, 2])
    vals = np.array([10.0, 20.0, 30.0, 40.0])
    k, v = lax.sort([keys, vals], num_keys=1)
    _same(k, np.array([1, 2, 3, 3]))
    _same(v, np.array([20.0, 40.0, 10.0, 30.0]))
    a, b, c = lax.sort([np.array([1, 0, 1, 0]), np.array([2.0, 1.0, 0.0, 1.0]), np.arange(4)], num_keys=2)
    _same(c, np.array([1, 3, 2, 0]))
    xt = np.array([2.0, 1.0, 2.0, 1.0])
    values, idx = lax.top_k(xt, 2)
    _same(values, np.array([2.0, 2.0]))
    _same(idx, np.array([0, 2], np.int32))
    np.testing.assert_array_equal(jacrev(lambda x: lax.top_k(x, 2)[0])(xt), [[1, 0, 0, 0], [0, 0, 1, 0]])
    check_grads(lambda x: lax.top_k(x, 2)[0], (X,), order=2)


def test_searchsorted_and_partition():
    a = np.array([1.0, 2.0, 2.0, 3.0, 5.0])
    v = np.array([[0.0, 2.0], [2.5, 9.0]])
    for side in ("left", "right"):
        _same(fnp.searchsorted(a, v, side=side), np.searchsorted(a, v, side=side))
        _same(jit(lambda a, v, side=side: fnp.searchsorted(a, v, side=side))(a, v), np.searchsorted(a, v, side=side))
    perm = np.array([3, 0, 4, 1, 2])
    shuffled = np.empty_like(a)
    shuffled[perm] = a
    _same(fnp.searchsorted(shuffled, v, sorter=perm), np.searchsorted(shuffled, v, sorter=perm))
    p = fnp.partition(np.array([5.0, 1.0, 4.0, 2.0, 3.0]), 2)
    assert p[2] == 3.0 and (p[:2] <= 3.0).all() and (p[3:] >= 3.0).all()
    with pytest.raises(ValueError, match="one-dimensional"):
        fnp.searchsorted(X, 0.0)


def test_non_differentiable_outputs_have_zero_tangents():
    fns = [
        lambda x: fnp.argmax(x, axis=1),
        lambda x: fnp.argsort(x, axis=0),
        lambda x: fnp.searchsorted(fnp.sort(x[0]), x[1]),
        fnp.isnan,
        fnp.signbit,
        lambda x: fnp.count_nonzero(x > 0),
        lambda x: fnp.any(x > 0, axis=0),
    ]
    for f in fns:
        out, t = jvp(f, (X,), (np.ones_like(X),))
        assert out.dtype.kind in "bi" and t.dtype == functrans.float0 and t.shape == out.shape
        g = grad(lambda x, f=f: fnp.sum(f(x)) * fnp.sum(x))(X)  # grad through them does not crash
        assert g.shape == X.shape


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call",
    [
        lambda: fnp.argmax(X, axis=2),
        lambda: fnp.cumsum(X, axis=-3),
        lambda: fnp.sort(X, axis=2),
        lambda: fnp.median(X, axis=5),
        lambda: fnp.any(X, axis=2),
        lambda: lax.cummax(X, 3),
    ],
)
def test_bad_axis_is_numpys_axis_error(call):
    with pytest.raises(np.exceptions.AxisError):
        call()
    assert float(grad(lambda x: fnp.sum(fnp.cumsum(x)))(1.0)) == 1.0  # state intact after the error


def test_unique_as_jax():
    x = np.array([3.0, 1.0, 2.0, 3.0, 1.0])
    np.testing.assert_array_equal(fnp.unique(x), [1.0, 2.0, 3.0])
    # values computed with jax.jit(lambda v: jnp.unique(v, size=5))(x) and jax.grad (x64)
    np.testing.assert_array_equal(functrans.jit(lambda v: fnp.unique(v, size=5))(x), [1.0, 2.0, 3.0, 1.0, 1.0])
    np.testing.assert_array_equal(functrans.jit(lambda v: fnp.unique(v, size=5, fill_value=-1.0))(x), [1, 2, 3, -1, -1])
    np.testing.assert_array_equal(functrans.grad(lambda v: fnp.sum(fnp.unique(v) ** 2))(x), np.zeros(5))
    np.testing.assert_array_equal(
        functrans.vmap(lambda v: fnp.unique(v, size=4))(np.stack([x, 2 * x])), [[1, 2, 3, 1], [2, 4, 6, 2]]
    )
    with pytest.raises(functrans.ConcretizationTypeError, match="size="):
        functrans.jit(fnp.unique)(x)
    assert fnp.empty_like(x).shape == x.shape


# --------------------------------------------------------------------------- nanvar, nanstd, nancumsum, nancumprod


def test_nanvar_nanstd_values_and_gradients_as_jax():
    # constants from jax.numpy 0.10.2 (x64)
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert float(fnp.nanvar(x)) == pytest.approx(2.0 / 3.0)
        np.testing.assert_allclose(fnp.nanvar(x, axis=1), [1.0, 0.0])
        np.testing.assert_allclose(fnp.nanvar(x, axis=0, ddof=1), [np.nan, np.nan, 0.5])
        np.testing.assert_allclose(fnp.nanstd(x, axis=1, keepdims=True), [[1.0], [0.0]])
        np.testing.assert_allclose(grad(fnp.nanvar)(x), [[-2 / 3, 0.0, 2 / 3], [0.0, 0.0, 0.0]])
        g = grad(lambda x: fnp.nansum(fnp.nanstd(x, axis=0)))(x)
    np.testing.assert_allclose(g, [[np.nan, 0.0, 0.5], [0.0, 0.0, -0.5]])
    assert fnp.nanvar(np.array([1, 2, 4])).dtype == np.float64
    assert complex(fnp.nanvar(np.array([1 + 1j, np.nan, 2]))) == 0.5
    _same(fnp.nanvar(np.array([1.0, 2.0, 4.0])), np.nanvar(np.array([1.0, 2.0, 4.0])))


def test_nancumsum_nancumprod_as_jax():
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, 2.0]])
    np.testing.assert_array_equal(fnp.nancumsum(x), [1.0, 1.0, 4.0, 4.0, 4.0, 6.0])
    np.testing.assert_array_equal(fnp.nancumprod(x, axis=1), [[1.0, 1.0, 3.0], [1.0, 1.0, 2.0]])
    np.testing.assert_array_equal(grad(lambda x: fnp.nancumprod(x).sum())(x), [[17.0, 0.0, 5.0], [0.0, 0.0, 3.0]])
    np.testing.assert_array_equal(jit(lambda x: fnp.nancumsum(x, axis=0))(x), np.nancumsum(x, axis=0))
