"""The eager Hessian's work (issue 17): clock-free pins on the primitive applications that
jacfwd(jacrev(f)) makes, and on the fast paths of the impls it leans on (reduce_sum,
broadcast_to), which must give exactly NumPy's results."""

from __future__ import annotations

import numpy as np
import pytest
from work_helpers import hessian_problem, record_binds

import functrans
import functrans.numpy as fnp
from functrans._src.lax.reductions import reduce_prod_p, reduce_sum_p
from functrans._src.lax.shape import broadcast_to_p, reshape_p


def _record_binds(fn, *args):
    """Run ``fn(*args)``; return its result and the primitives applied (at every level)."""
    out, calls = record_binds(fn, *args)
    return out, [p for p, _ in calls]


def _problem(n: int = 7, seed: int = 0):
    return hessian_problem(n, seed)[1:]


def test_sum_cotangent_is_broadcast_without_a_reshape() -> None:
    # reduce_sum's transpose broadcasts a 0-d cotangent directly (it used to reshape it to
    # (1,) first: one more primitive application per reduction in every backward pass)
    x = np.arange(3.0)
    g, calls = _record_binds(functrans.grad(lambda x: fnp.sum(x * x)), x)
    np.testing.assert_array_equal(g, 2 * x)
    assert reshape_p not in calls
    assert broadcast_to_p in calls
    # keepdims and partial reductions still reshape where they must
    g2 = functrans.grad(lambda x: fnp.sum(fnp.sum(x, axis=1) ** 2))(np.ones((2, 3)))
    np.testing.assert_array_equal(g2, np.full((2, 3), 6.0))


def test_eager_hessian_binds(normal_eager_path) -> None:
    f, hand, x = _problem()
    H, calls = _record_binds(functrans.hessian(f), x)
    np.testing.assert_allclose(H, hand(x), rtol=1e-12, atol=1e-14)
    assert reshape_p not in calls
    assert len(calls) <= 89, len(calls)  # was 91 (two reshapes of 0-d cotangents)


@pytest.mark.parametrize("dtype", [bool, np.int8, np.int32, np.uint16, np.float32, np.float64, np.complex64])
@pytest.mark.parametrize("axes,keepdims", [((0,), False), ((1,), True), ((0, 1), False), ((), False)])
def test_reduce_impls_match_numpy(dtype, axes, keepdims) -> None:
    x = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    for prim, fn in ((reduce_sum_p, np.sum), (reduce_prod_p, np.prod)):
        got = prim.impl(x, axes=axes, keepdims=keepdims)
        want = fn(x, axis=axes, keepdims=keepdims)
        assert type(got) is type(want) and got.dtype == want.dtype and np.shape(got) == np.shape(want)
        np.testing.assert_array_equal(got, want)
        # NumPy scalars and non-contiguous views
        s = prim.impl(x[0, 0], axes=(), keepdims=False)
        assert type(s) is type(fn(x[0, 0], axis=())) and s == x[0, 0]
        got_t = prim.impl(x.T, axes=axes, keepdims=keepdims)
        np.testing.assert_array_equal(got_t, fn(x.T, axis=axes, keepdims=keepdims))


def test_broadcast_to_impl_of_one_element() -> None:
    for x in (np.float64(2.5), np.array(2.5), np.array([2.5]), np.array([[7]], np.int32), np.arange(5.0)[3:4]):
        for shape in ((4,), (2, 3), (0, 3), (1, 1)):
            if np.ndim(x) > len(shape):
                continue
            got = broadcast_to_p.impl(x, shape=shape)
            want = np.broadcast_to(x, shape)
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
            assert not got.flags.writeable  # a view, like np.broadcast_to's
    with pytest.raises(ValueError):
        broadcast_to_p.impl(np.ones((1, 1)), shape=(3,))
    with pytest.raises(ValueError):
        broadcast_to_p.impl(np.ones(2), shape=(3,))
    # the view follows its source, as np.broadcast_to's does
    src = np.array([1.0])
    v = broadcast_to_p.impl(src, shape=(3,))
    src[0] = 4.0
    np.testing.assert_array_equal(v, [4.0, 4.0, 4.0])


def test_jacfwd_reuses_the_whole_basis_chunk(monkeypatch, normal_eager_path) -> None:
    # a small basis is kept together with its one chunk of all rows: repeated calls push the
    # very same read-only basis (with its one-hot marks) through vmap, nothing rebuilt
    from functrans._src import jacobian as jac_mod

    seen = []
    real = jac_mod._map_basis

    def spying(fun, basis, size):
        seen.append(basis)
        return real(fun, basis, size)

    monkeypatch.setattr(jac_mod, "_map_basis", spying)
    A = np.arange(12.0).reshape(3, 4)
    J = functrans.jacfwd(lambda x: A @ x)
    for _ in range(2):
        np.testing.assert_array_equal(J(np.ones(4)), A)
    assert len(seen) == 2 and seen[0] is seen[1]
    assert seen[0].one_hot == [0] and not seen[0][0].flags.writeable
    np.testing.assert_array_equal(seen[0][0], np.eye(4))
    # chunked forward mode still cuts the basis per chunk
    np.testing.assert_array_equal(functrans.jacfwd(lambda x: A @ x, chunk_size=3)(np.ones(4)), A)
