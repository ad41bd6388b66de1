# ruff: noqa: E501 (tables of constants computed with JAX)
"""Complex operands through the nan-reductions and the x.at[i] scatter family (issue 15).

Constants computed with JAX (x64) and pinned: values and grad of sum|f|**2. A complex
element is NaN when either part is NaN (skipped by the nan-reductions, as in JAX); min/max
order complex numbers lexicographically. (x.at[i].multiply: JAX differentiates it only with
unique indices; functrans differentiates it in general, checked by check_grads below.)
"""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

NAN = float("nan")
X = np.array([[1 + 2j, complex(NAN, 1), 0.5 - 1j], [complex(1, NAN), 2 + 0.5j, -1 + 3j]])
NANRED = [
    ('nansum', None, (2.5+4.5j), [[(5-9j), 0j, (5-9j)], [0j, (5-9j), (5-9j)]]),
    ('nansum', 1, [(1.5+1j), (1+3.5j)], [[(3-2j), 0j, (3-2j)], [0j, (2-7j), (2-7j)]]),
    ('nanmean', None, (0.625+1.125j), [[(0.3125-0.5625j), 0j, (0.3125-0.5625j)], [0j, (0.3125-0.5625j), (0.3125-0.5625j)]]),
    ('nanmean', 1, [(0.75+0.5j), (0.5+1.75j)], [[(0.75-0.5j), 0j, (0.75-0.5j)], [0j, (0.5-1.75j), (0.5-1.75j)]]),
    ('nanprod', None, (-8.75+13.75j), [[(106.25-212.5j), 0j, (212.5+425j)], [0j, (250-62.5j), (-53.125-159.375j)]]),
    ('nanprod', 1, [(2.5+0j), (-3.5+5.5j)], [[(2.5-5j), 0j, (5+10j)], [0j, (40-10j), (-8.5-25.5j)]]),
    ('nanmax', None, (2+0.5j), [[0j, 0j, 0j], [0j, (4-1j), 0j]]),
    ('nanmax', 1, [(1+2j), (2+0.5j)], [[(2-4j), 0j, 0j], [0j, (4-1j), 0j]]),
    ('nanmin', None, (-1+3j), [[0j, 0j, 0j], [0j, 0j, (-2-6j)]]),
    ('nanmin', 1, [(0.5-1j), (-1+3j)], [[0j, 0j, (1+2j)], [0j, 0j, (-2-6j)]]),
]
S = np.array([1 + 2j, 1 + 3j, 0 + 5j, 2 - 1j])
U = np.array([2 + 1j, -1 + 0.5j])
IDX = np.array([1, 3])
SCATTER = [
    ('min', [(1+2j), (1+3j), 5j, (-1+0.5j)], [[(2-4j), (2-6j), -10j, 0j], [0j, (-2-1j)]]),
    ('max', [(1+2j), (2+1j), 5j, (2-1j)], [[(2-4j), 0j, -10j, (4+2j)], [(4-2j), 0j]]),
    ('add', [(1+2j), (3+4j), 5j, (1-0.5j)], [[(2-4j), (6-8j), -10j, (2+1j)], [(6-8j), (2+1j)]]),
    ('set', [(1+2j), (2+1j), 5j, (-1+0.5j)], [[(2-4j), 0j, -10j, 0j], [(4-2j), (-2-1j)]]),
]


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name,axis,val,grad", NANRED)
def test_nan_reductions_complex_match_jax(name, axis, val, grad):
    f = getattr(fnp, name)
    _close(f(X, axis=axis), val)
    _close(functrans.jit(lambda z: f(z, axis=axis))(X), val)
    _close(functrans.grad(lambda z: fnp.sum(fnp.abs(f(z, axis=axis)) ** 2))(X), grad)
    clean = np.array([[1 + 2j, -0.3 + 1j, 0.5 - 1j], [1.2 - 0.4j, 2 + 0.5j, -1 + 3j]])
    check_grads(lambda z: f(z, axis=1), (clean,), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(lambda z: f(z, axis=0))(X), [f(r, axis=0) for r in X])


@pytest.mark.parametrize("method,val,grads", SCATTER)
def test_scatter_family_complex_matches_jax(method, val, grads):
    def f(a, b):
        return getattr(fnp.asarray(a).at[IDX], method)(b)

    _close(f(S, U), val)
    _close(functrans.jit(f)(S, U), val)
    ga, gb = functrans.grad(lambda a, b: fnp.sum(fnp.abs(f(a, b)) ** 2), argnums=(0, 1))(S, U)
    _close(ga, grads[0])
    _close(gb, grads[1])
    check_grads(f, (S, U), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(f, in_axes=(0, None))(np.stack([S, 2 * S]), U), [f(S, U), f(2 * S, U)])


def test_scatter_multiply_complex():
    def f(a, b):
        return fnp.asarray(a).at[IDX].multiply(b)

    _close(f(S, U), [1 + 2j, -1 + 7j, 5j, -1.5 + 2j])
    check_grads(f, (S, U), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(f)(np.stack([S, 2 * S]), np.stack([U, U])), [f(S, U), f(2 * S, U)])
