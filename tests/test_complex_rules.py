"""Every complex rule case (``COMPLEX_CASES`` of tests/rule_cases/*.py): check_grads to second
order in both modes, perturbing real and imaginary parts; vmap of the function and of the
gradient of ``sum |f|^2`` against a loop; jit of that gradient against eager."""

import numpy as np
import pytest
from rule_cases import collect_complex

import functrans
import functrans.numpy as fnp
from functrans.test_util import check_grads

CASES = collect_complex()


def _close(a, b, tol):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


def test_every_family_has_complex_cases():
    assert {name.split(":")[0] for name in CASES} >= {"complex_elementwise", "complex_linalg", "complex_structural"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_to_second_order_in_both_modes(name):
    f, args = CASES[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_vmap_matches_a_loop_and_jit_matches_eager(name):
    f, args = CASES[name]
    batched = [
        np.stack([a * (1.0 + 0.05 * k) + (0.01j * k if np.iscomplexobj(a) else 0.0) for k in range(3)])
        for a in args
    ]

    def loop(g):
        return np.stack([np.asarray(g(*[b[k] for b in batched])) for k in range(3)])

    out, ref = functrans.vmap(f)(*batched), loop(f)
    assert out.shape == ref.shape and out.dtype == ref.dtype
    _close(out, ref, 1e-12)
    g = functrans.grad(lambda *a: fnp.sum(fnp.abs(f(*a)) ** 2))
    _close(functrans.vmap(g)(*batched), loop(g), 1e-10)
    _close(functrans.jit(g)(*args), g(*args), 1e-12)
