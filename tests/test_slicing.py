"""Basic slicing edge cases, pinned against NumPy in every transformation."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp

SLICES = [
    slice(-10, None, -1),
    slice(-10, -8, -1),
    slice(10, None, 1),
    slice(None, -10, 1),
    slice(None, None, -2),
    slice(3, 0, -1),
    slice(-1, -6, -1),
    slice(7, -7, -1),
    slice(2, 2, 1),
]


@pytest.mark.parametrize("s", SLICES, ids=str)
def test_slice_matches_numpy_everywhere(s):
    x = np.arange(5.0)
    want = x[s]
    np.testing.assert_array_equal(functrans.jit(lambda v: v[s])(x), want)
    np.testing.assert_array_equal(functrans.vmap(lambda v: v[s])(np.stack([x, x + 1])), np.stack([want, (x + 1)[s]]))
    g = functrans.grad(lambda v: fnp.sum(v[s] ** 2))(x)
    expected = np.zeros_like(x)
    np.add.at(expected, np.arange(5)[s], 2 * want)
    np.testing.assert_array_equal(g, expected)
