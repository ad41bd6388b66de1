# ruff: noqa: E501 (tables of constants computed with JAX)
"""Complex operands through arctan2, the logical ufuncs, hypot and clip (issue 15).

Constants computed with JAX (x64) and pinned. jnp.arctan2 accepts complex operands (the
analytic continuation -i log((x + i y) / sqrt(x**2 + y**2))); logical_and/or/not take the
truth value (nonzero) of complex operands; hypot and clip reject complex operands with
ValueError, as JAX does.
"""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

Y = np.array([1.5 + 2.5j, -0.5 - 1.5j, 0.3 + 0j, -2 + 0.1j])
X = np.array([-0.5 - 1.5j, 1.5 + 2.5j, -1 + 0.2j, 0.4 - 3j])
VAL = [(2.0621931884185614+0.09193119503132934j), (-0.49139686162366447-0.09193119503132922j), (2.859934522843809-0.05329830511526008j), (-0.20185972693979906-0.7498314522660303j)]
GY = [(-0.34892234778584524+0.4923912066919579j), (-0.0686122833081468+0.2606133622085023j), (-5.1035236955906615-0.9562212184088198j), (-0.832451028651402+0.10718337253037262j)]
GX = [(-0.4311037433377384+1.0258731111598625j), (-0.0669845455406074+0.12989974666236628j), (-1.4170036880506434-0.5702671031327746j), (-0.1697062261787733-0.5287670765260858j)]
JVP = [(0.06153846153846154+0.25897435897435894j), (0.1487179487179487-0.31025641025641026j), (-0.9897029702970297-0.37702970297029703j), (0.06007174172977288+0.9611956954962136j)]


def _close(a, b, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def test_arctan2_complex_matches_jax():
    _close(fnp.arctan2(Y, X), VAL)
    _close(functrans.jit(fnp.arctan2)(Y, X), VAL)
    _, t = functrans.jvp(fnp.arctan2, (Y, X), (np.full(4, 1 + 0.5j), np.full(4, 0.3 - 1j)))
    _close(t, JVP)
    gy, gx = functrans.grad(lambda a, b: fnp.sum(fnp.abs(fnp.arctan2(a, b)) ** 2), argnums=(0, 1))(Y, X)
    _close(gy, GY)
    _close(gx, GX)
    check_grads(fnp.arctan2, (Y, X), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(fnp.arctan2)(Y, X), [fnp.arctan2(a, b) for a, b in zip(Y, X)])
    _close(fnp.arctan2(1 + 1j, 2.0), 0.5535743588970453 + 0.4023594781085253j)
    assert np.asarray(fnp.arctan2(np.float32(1), np.complex64(2j))).dtype == np.complex64
    _close(fnp.arctan2([1.0, 2.0], [3.0, 4.0]), np.arctan2([1.0, 2.0], [3.0, 4.0]))  # real: unchanged


def test_logical_ufuncs_take_the_truth_value_of_complex():
    z = np.array([0j, 1j, 2 + 0j, 0j])
    w = np.array([0j, 0j, 1 + 1j, 3j])
    np.testing.assert_array_equal(fnp.logical_and(z, w), [False, False, True, False])
    np.testing.assert_array_equal(fnp.logical_or(z, w), [False, True, True, True])
    np.testing.assert_array_equal(fnp.logical_not(z), [True, False, False, True])
    np.testing.assert_array_equal(functrans.jit(fnp.logical_or)(z, True), [True] * 4)
    np.testing.assert_array_equal(fnp.logical_and([1, 0], [1, 1]), [True, False])


@pytest.mark.parametrize(
    "call",
    [lambda: fnp.hypot(1 + 1j, 2.0), lambda: fnp.hypot(np.ones(2), np.ones(2) * 1j),
     lambda: fnp.clip(np.array([1 + 1j]), 0, 1), lambda: fnp.clip(np.ones(2), 0, 1j)],
)
def test_hypot_and_clip_reject_complex_with_value_error_as_jax(call):
    with pytest.raises(ValueError, match="complex"):
        call()
