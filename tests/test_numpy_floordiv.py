"""Integer powers, floor division and remainder: NumPy's values and dtypes, JAX's derivatives."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

NEG_POW = "Integers to negative integer powers are not allowed."

XF = np.array([-3.5, -1.0, 2.5, 7.0, 1.0, -6.0])
YF = np.array([2.0, -0.75, -1.5, 3.0, 0.1, 3.0])
XI = np.array([-7, -6, 5, 7, 0, 2**60 + 3, -(2**60) - 1], dtype=np.int64)
YI = np.array([2, -4, -3, 3, 5, 7, 3], dtype=np.int64)


# --------------------------------------------------------------------------- negative integer powers


@pytest.mark.parametrize(
    "f",
    [
        lambda x: fnp.power(x, -1),
        lambda x: x**-2,
        lambda x: fnp.power(x, np.array([1, -1])),
        lambda x: fnp.power(x, np.int64(-3)),
    ],
)
def test_integer_to_negative_integer_power_raises_eagerly_and_traced(f):
    x = np.array([2, 3])
    with pytest.raises(ValueError, match=NEG_POW):
        f(x)
    with pytest.raises(ValueError, match=NEG_POW):
        functrans.jit(f)(x)
    with pytest.raises(ValueError, match=NEG_POW):
        functrans.vmap(f)(np.array([[2, 3], [4, 5]]))
    with pytest.raises(ValueError, match=NEG_POW):
        functrans.make_ir(lambda x: f(x))(x)


def test_negative_powers_that_numpy_allows_still_work():
    x = np.array([2, 4])
    np.testing.assert_array_equal(fnp.power(x, -1.0), np.power(x, -1.0))
    np.testing.assert_array_equal(fnp.power(x.astype(float), -1), [0.5, 0.25])
    assert fnp.power(x, 0).dtype == np.int64
    np.testing.assert_array_equal(functrans.jit(lambda x: x**2)(x), [4, 16])
    assert float(functrans.grad(lambda x: x**-2)(2.0)) == -0.25


# --------------------------------------------------------------------------- floor division, remainder


def _ops():
    return {
        "floor_divide": (fnp.floor_divide, np.floor_divide),
        "remainder": (fnp.remainder, np.remainder),
        "mod": (fnp.mod, np.mod),
        "//": (lambda x, y: x // y, lambda x, y: x // y),
        "%": (lambda x, y: x % y, lambda x, y: x % y),
    }


@pytest.mark.parametrize("op", ["floor_divide", "remainder", "mod", "//", "%"])
@pytest.mark.parametrize(
    "x, y",
    [
        (XF, YF),
        (XI, YI),
        (XF.astype(np.float32), YF.astype(np.float32)),
        (XI.astype(np.int32) % 1000, YI.astype(np.int32)),
        (XI, 3),
        (XF, 2),
        (XI, 2.5),
    ],
)
def test_values_and_dtypes_as_numpy(op, x, y):
    f, ref = _ops()[op]
    want = ref(x, y)
    for fn in (f, functrans.jit(f)):
        got = np.asarray(fn(x, y))
        assert got.dtype == want.dtype, (op, got.dtype, want.dtype)
        np.testing.assert_array_equal(got, want)
    # reflected operators with a traced right operand
    got = functrans.jit(lambda y: ref(x, y) if op in ("//", "%") else f(x, y))(np.asarray(y))
    np.testing.assert_array_equal(got, want)


def test_divmod_and_numpy_dispatch():
    q, r = fnp.divmod(XI, YI)
    np.testing.assert_array_equal(q, XI // YI)
    np.testing.assert_array_equal(r, XI % YI)
    q, r = functrans.jit(lambda x, y: divmod(x, y))(XF, YF)
    np.testing.assert_array_equal(q, XF // YF)
    np.testing.assert_array_equal(r, XF % YF)
    q, r = functrans.jit(lambda x, y: np.divmod(x, y))(XF, YF)
    np.testing.assert_array_equal(q, XF // YF)
    np.testing.assert_array_equal(r, XF % YF)
    out = functrans.jit(lambda x, y: (np.floor_divide(x, y), np.remainder(x, y), np.mod(x, y)))(XI, YI)
    np.testing.assert_array_equal(out[0], XI // YI)
    np.testing.assert_array_equal(out[1], XI % YI)
    np.testing.assert_array_equal(out[2], XI % YI)


def test_vmap_matches_numpy():
    y = np.array([2.0, -0.75, 3.0])
    x = np.stack([XF[:3], XF[3:]])
    np.testing.assert_array_equal(functrans.vmap(lambda x: x // y)(x), x // y)
    np.testing.assert_array_equal(functrans.vmap(lambda x: x % y, in_axes=1)(x.T), x % y)
    np.testing.assert_array_equal(
        functrans.vmap(fnp.remainder, in_axes=(0, None))(XI.reshape(7, 1), 3), XI.reshape(7, 1) % 3
    )


# JAX (x64): grad of sum(floor_divide) is 0 in both arguments; grad of sum(remainder) is
# 1 in x and -floor(x / y) in y (also at x / y integral: (6, 3) -> -2, (-6, 3) -> 2).
REM_DY = np.array([2.0, -1.0, 2.0, -2.0, -10.0, 2.0])


def test_gradients_as_jax():
    gx, gy = functrans.grad(lambda x, y: fnp.sum(fnp.floor_divide(x, y)), argnums=(0, 1))(XF, YF)
    np.testing.assert_array_equal(gx, np.zeros(6))
    np.testing.assert_array_equal(gy, np.zeros(6))
    for f in (
        lambda x, y: fnp.sum(fnp.remainder(x, y)),
        lambda x, y: fnp.sum(x % y),
        lambda x, y: fnp.sum(fnp.divmod(x, y)[1]),
    ):
        gx, gy = functrans.grad(f, argnums=(0, 1))(XF, YF)
        np.testing.assert_array_equal(gx, np.ones(6))
        np.testing.assert_array_equal(gy, REM_DY)
    jx, jy = functrans.jacfwd(fnp.remainder, argnums=(0, 1))(XF, YF)
    np.testing.assert_array_equal(jx, np.eye(6))
    np.testing.assert_array_equal(jy, np.diag(REM_DY))
    assert float(functrans.grad(lambda x: (3.0 * x) // 1.0 * x)(0.7)) == 2.0


def test_remainder_and_floor_divide_to_second_order():
    x = np.array([0.37, 1.45, -2.2])
    y = np.array([0.3, -0.7, 0.9])
    check_grads(lambda x, y: fnp.remainder(x, y) * x, (x, y), order=2, modes=("fwd", "rev"))
    check_grads(lambda x, y: fnp.floor_divide(x, y) * x * y, (x, y), order=2, modes=("fwd", "rev"))
    check_grads(lambda x, y: (x % y) ** 2, (x, y), order=2, modes=("fwd", "rev"))
