"""Every functrans.random primitive's rules: second order in both modes, and vmap against a loop.

The same checks tests/test_rule_coverage.py makes for the lax primitives, for the registry of
functrans._src.prng.random_primitives(). The integer-valued primitives (the threefry hash, bit
operations, argsort, the samplers) are exercised through float functions of a key that is
traced (derived from the input), so the primitive is recorded, batched under vmap, and its zero
derivative is checked.
"""

import numpy as np
import pytest
from test_rule_coverage import _batched_args, _loop  # the same batching helpers

import functrans
import functrans.numpy as fnp
import functrans.random as fr
from functrans import lax
from functrans._src import prng
from functrans._src import random_samplers as rs
from functrans.test_util import check_grads

rng = np.random.default_rng(7)
V = rng.uniform(0.2, 0.8, (3,))
M = rng.uniform(0.2, 0.8, (2, 3))
KEY = fr.PRNGKey(3)
COV = np.array([[2.0, 0.5], [0.5, 1.0]])


def _key_of(x):
    """KEY, as a value traced along with ``x``."""
    return fr.fold_in(KEY, fnp.astype(lax.stop_gradient(fnp.sum(x)) * 0, np.int64))


RULE_CASES = {
    "threefry2x32": (lambda x: x * fr.uniform(_key_of(x), (3,)), (V,)),
    "shift_left": (lambda x: x * fr.uniform(_key_of(x), (3,)), (V,)),
    "shift_right_logical": (lambda x: x * fr.uniform(_key_of(x), (3,)), (V,)),
    "bitwise_or": (lambda x: x * fr.uniform(_key_of(x), (3,)), (V,)),
    "bitcast_convert_type": (lambda x: x * fr.normal(_key_of(x), (3,)), (V,)),
    "bitwise_xor": (lambda x: x * fr.uniform(_key_of(x), (3,), np.float32).astype(np.float64), (V,)),
    "integer_rem": (lambda x: x * fr.randint(_key_of(x), (3,), 0, 7).astype(np.float64), (V,)),
    "nextafter": (lambda x: fr.truncated_normal(KEY, x - 1.0, x + 1.0, (3,)) ** 2, (V,)),
    "erf_libm": (prng.erf, (V,)),
    "erf_inv_xla": (prng.erf_inv, (V,)),
    "log1p_xla": (prng.log1p_xla, (V - 0.4,)),
    "fma": (lambda x, y: prng.fma(x, y, x * x), (M, V)),
    "random_gamma": (lambda x: x * fr.gamma(_key_of(x), 2.0, (3,)), (V,)),
    "random_poisson": (lambda x: x * fr.poisson(_key_of(x), 3.0, (3,)).astype(np.float64), (V,)),
    "random_binomial": (lambda x: x * fr.binomial(_key_of(x), 30.0, 0.4, (3,)), (V,)),
    "argsort": (lambda x: x * fr.permutation(_key_of(x), 3).astype(np.float64), (V,)),
    "take": (lambda x: fr.permutation(_key_of(x), x) ** 2, (V,)),
    "take_add": (lambda x: fr.choice(_key_of(x), x, (5,)) ** 3, (V,)),
    "random_cholesky": (lambda m, c: fr.multivariate_normal(KEY, m, COV + c * c, (2,)) ** 2, (V[:2], M[:, :2] * 0.3)),
    "triangular_inverse": (lambda c: rs.triangular_inverse(np.tril(COV) + c), (M[:, :2] * 0.1,)),
}

# random_gamma's derivative in its shape parameter is the implicit-reparameterisation one (the
# sample moves so that its CDF value stays fixed), not the derivative of the rejection sampler's
# path, so finite differences of samples cannot check it; random_gamma_grad computes it and has
# no derivative of its own. tests/test_random.py pins both against jax.grad.
NOT_FINITE_DIFFERENCE_CHECKABLE = {"random_gamma_grad"}
LINEAR = {"take", "take_add"}


def test_every_random_primitive_has_a_case_and_every_rule():
    prims = prng.random_primitives()
    assert {p.name for p in prims} == set(RULE_CASES) | NOT_FINITE_DIFFERENCE_CHECKABLE
    assert len({p.name for p in prims}) == len(prims)
    for p in prims:
        rules = ("impl", "abstract_eval", "jvp", "batch") + (("transpose",) if p.name in LINEAR else ())
        for rule in rules:
            assert callable(getattr(p, rule)), f"{p.name} has no {rule} rule"


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_random_rules_to_second_order_in_both_modes(name):
    f, args = RULE_CASES[name]
    argnums = tuple(range(len(args)))
    prims = {e.prim.name for e in functrans.make_ir(lambda *a: fnp.sum(f(*a)))(*args).eqns}
    prims |= {e.prim.name for e in functrans.make_ir(functrans.grad(lambda *a: fnp.sum(f(*a)), argnums))(*args).eqns}
    assert name in prims, f"the case for {name} does not use it"
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(RULE_CASES))
@pytest.mark.parametrize("pattern", ["first", "last", "only_first"])
def test_random_batching_rules_match_a_loop(name, pattern):
    """vmap of every primitive (and of its derivative rules, via vmap of grad) equals a loop."""
    f, args = RULE_CASES[name]
    n = len(args)
    axes = {"first": [0] * n, "last": [np.ndim(a) for a in args], "only_first": [0] + [None] * (n - 1)}[pattern]
    batched = _batched_args(args, axes)
    out = functrans.vmap(f, in_axes=tuple(axes))(*batched)
    ref = _loop(f, batched, axes)
    assert out.shape == ref.shape and out.dtype == ref.dtype
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)

    def loss(*a):
        return fnp.sum(f(*a) ** 2)

    g = functrans.grad(loss)
    out = functrans.vmap(g, in_axes=tuple(axes))(*batched)
    np.testing.assert_allclose(out, _loop(g, batched, axes), rtol=1e-10, atol=1e-12)
    prims = {e.prim.name for e in functrans.make_ir(functrans.vmap(g, in_axes=tuple(axes)))(*batched).eqns}
    prims |= {e.prim.name for e in functrans.make_ir(functrans.vmap(f, in_axes=tuple(axes)))(*batched).eqns}
    assert name in prims, f"the batched case for {name} does not use it"
