"""Rules of the primitives outside the lax families' registry: the named-axis collectives
(functrans._src.parallel.parallel_primitives) and custom_linear_solve's ``linear_solve``
(functrans._src.control_flow.solves.solve_primitives). Each has every rule it needs, is checked
against finite differences to second order in both modes (where JAX differentiates it), and
batches like a loop (an outer unnamed vmap over the named one)."""

import numpy as np
import pytest

import functrans as ft
import functrans.lax as lax
import functrans.numpy as fnp
from functrans._src.control_flow.solves import solve_primitives
from functrans._src.parallel import parallel_primitives
from functrans.test_util import check_grads

rng = np.random.default_rng(5)
V = rng.uniform(0.5, 1.5, (4,))
M = rng.uniform(-1.0, 1.0, (4, 3))
A = rng.uniform(-1.0, 1.0, (3, 3)) + 3 * np.eye(3)


def _named(f, *in_axes):
    return ft.vmap(f, in_axes=in_axes or 0, axis_name="i")


def _solve(a, b):
    return lax.custom_linear_solve(lambda x: a @ x, b, lambda m, y: fnp.linalg.solve(a, y),
                                   lambda m, y: fnp.linalg.solve(a.T, y))


CASES = {
    "psum": (lambda x, w: _named(lambda v, u: fnp.sin(v) * lax.psum(v * u, "i"), 0, None)(x, w), (M, V[:3])),
    "all_gather": (lambda x, w: _named(lambda v, u: v * fnp.sum(lax.all_gather(v * u, "i") ** 2, 0), 0, None)(x, w),
                   (M, V[:3])),
    "ppermute": (lambda x: _named(lambda v: v * lax.ppermute(v ** 2, "i", [(0, 2), (1, 0), (2, 3), (3, 1)]))(x),
                 (M,)),
    "linear_solve": (lambda a, b: fnp.tanh(_solve(a * a, b)), (A, M[0])),
}
# pmax/pmin have no derivative rule (as in JAX): only their values and batching are checked
VALUE_CASES = {
    "pmax": (lambda x: _named(lambda v: v * lax.pmax(v, "i"))(x), (M,)),
    "pmin": (lambda x: _named(lambda v: v * lax.pmin(v, "i"))(x), (M,)),
}


def test_every_primitive_has_a_case_and_its_rules():
    prims = parallel_primitives() + solve_primitives()
    assert {p.name for p in prims} == set(CASES) | set(VALUE_CASES)
    for p in prims:
        assert callable(p.impl) and callable(p.abstract_eval)
        assert callable(p.batch) or callable(getattr(p, "named_batch", None))
        if p.name in CASES:
            assert callable(p.jvp) and callable(p.transpose)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rules_to_second_order(name):
    f, args = CASES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(CASES) + sorted(VALUE_CASES))
def test_batching_matches_a_loop(name):
    f, args = {**CASES, **VALUE_CASES}[name]
    batched = [np.stack([a, 1.1 * a + 0.05]) for a in args]
    got = ft.vmap(f)(*batched)
    want = np.stack([f(*[b[k] for b in batched]) for k in range(2)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ft.jit(f)(*args), f(*args), rtol=1e-12, atol=1e-12)
    if name in CASES:
        g = ft.grad(lambda *a: fnp.sum(f(*a) ** 2))
        got = ft.vmap(g)(*batched)
        want = np.stack([g(*[b[k] for b in batched]) for k in range(2)])
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_psum_reduces_over_the_named_axis_only():
    f = ft.vmap(ft.vmap(lambda v: lax.psum(v, "j") - lax.psum(v, "i"), axis_name="j"), axis_name="i")
    np.testing.assert_allclose(f(M), M.sum(1, keepdims=True) - M.sum(0, keepdims=True))
    ir = ft.make_ir(_named(lambda v: v / lax.psum(v, "i")))(V)
    assert "reduce_sum" in {e.prim.name for e in ir.eqns}


def test_vmap_without_axis_name_is_unchanged():
    with pytest.raises(NameError):
        ft.vmap(lambda v: lax.psum(v, "i"))(V)
