# ruff: noqa: E501 (tables of constants computed with JAX)
"""Complex operands through cummax/cummin/cumlogsumexp and logaddexp/logaddexp2 (issue 15).

Constants computed with JAX (x64) and pinned: JAX is not a test dependency. max/min order
complex numbers lexicographically (real part, then imaginary), as jax.lax and NumPy do; the
cumulative JVPs share the tangent among ties as JAX's associative scan does. Complex
logaddexp is JAX's formula m + log1p(exp(x + y - 2m)) with m = max(x, y), the imaginary part
wrapped into [-pi, pi) ([-pi/log 2, pi/log 2) for base 2).
"""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans.test_util import check_grads

X = np.array([1 + 2j, 1 + 3j, 0 + 5j, 2 - 1j, 2 - 1j, 1 + 0j])  # with a tie (2-1j twice)
A = np.array([0.5 + 1j, -1 + 0.3j, 2 - 2j])
B = np.array([0.2 - 0.7j, 1.5 + 2j, -0.4 + 0.1j])


def _close(a, b, rtol=1e-12, atol=1e-13):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def _sq_abs_sum(f):
    return lambda z: fnp.sum(fnp.abs(f(z)) ** 2)


CUM = {
    # name: (forward, grad of sum|f|^2, reverse, grad of sum|f(reverse)|^2)
    "cummax": (
        [1 + 2j, 1 + 3j, 1 + 3j, 2 - 1j, 2 - 1j, 2 - 1j],
        [2 - 4j, 4 - 12j, 0, 8 + 4j, 4 + 2j, 0],
        [2 - 1j, 2 - 1j, 2 - 1j, 2 - 1j, 2 - 1j, 1 + 0j],
        [0, 0, 0, 8 + 4j, 12 + 6j, 2],
    ),
    "cummin": (
        [1 + 2j, 1 + 2j, 5j, 5j, 5j, 5j],
        [4 - 8j, 0, -40j, 0, 0, 0],
        [5j, 5j, 5j, 1, 1, 1],
        [0, 0, -30j, 0, 0, 6],
    ),
    "cumlogsumexp": (
        [1 + 2j, 1.56256294 + 2.5j, 1.38997436 + 2.64962613j, 1.46903094 - 1.46618656j, 2.43697441 - 1.17158286j, 2.5450211 - 0.97376076j],
        [-1.91264385 - 14.49378807j, 6.71620769 - 8.96219417j, 1.86733548 + 2.387087j, 8.04558441 + 9.78081724j, 5.82380131 + 3.08042313j, 0.26684244 + 1.13146297j],
        [2.545021095636557 - 0.9737607626367781j, 2.7363310016610205 - 1.0031926060569258j, 2.852077635691057 - 0.8838320443593539j, 2.797710032406437 - 0.8601312935262948j, 2.21357008344234 - 0.7472886217814123j, 1.0 + 0.0j],
        [-1.1398820064235273 - 0.22821559475444286j, -0.7834531274282011 - 2.0442994940071952j, 1.1468159350913922 + 0.01687246638062606j, 10.704887199636403 + 2.903297651851629j, 14.468922074598167 + 3.1780660765450004j, 3.892129622200584 + 5.110689550705914j],
    ),
}


@pytest.mark.parametrize("name", sorted(CUM))
def test_cumulative_values_and_grads_match_jax(name):
    f = getattr(lax, name)
    fwd, g, rev, grev = CUM[name]
    tol = dict(rtol=1e-8, atol=1e-8) if name == "cumlogsumexp" else {}  # 8-digit JAX printout
    _close(f(X), fwd, **tol)
    _close(functrans.grad(_sq_abs_sum(f))(X), g, **tol)
    _close(f(X, reverse=True), rev)
    _close(functrans.grad(_sq_abs_sum(lambda z: f(z, reverse=True)))(X), grev)
    _close(functrans.jit(f)(X), f(X))


@pytest.mark.parametrize("name", sorted(CUM))
def test_cumulative_check_grads_and_vmap(name):
    f = getattr(lax, name)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 4)) + 1j * rng.normal(size=(3, 4))  # no ties
    check_grads(lambda v: f(v, axis=1), (z,), order=2, modes=("fwd", "rev"))
    check_grads(lambda v: f(v, axis=0, reverse=True), (z,), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(lambda v: f(v, axis=0))(z), np.stack([f(r, axis=0) for r in z]))
    _close(functrans.vmap(lambda v: f(v, axis=0), in_axes=1)(z).T, f(z, axis=0))


LAE = {
    "logaddexp": (
        [0.6529737219158682 + 0.3178854042735084j, 1.4927403246234068 + 1.917913948530022j, 1.956475694637596 - 1.9181163523269538j],
        [-0.04522167231240642 + 0.3779068835041288j, 0.42116089780569116 - 1.0636555021897396j, 1.1568361099994093 + 0.5016770913826019j],
        [1.2138933869226005 + 0.28302250528640327j, -0.32843268519772134 - 0.23163656292126525j, 4.401058739804003 + 3.6591772271006358j],
        [0.09205405690913591 - 0.91879331383342j, 3.313913334444534 - 3.6041913341387795j, -0.48810735052881016 + 0.1770554775532713j],
    ),
    "logaddexp2": (
        [1.094847564271768 + 0.24973535272351022j, 1.6110723712935509 + 1.7809749220719002j, 2.055146988071927 - 1.737204151323545j],
        [0.20868179487343852 + 0.09218342603316942j, 0.5693664872264764 - 0.9708940949295837j, 1.2241356475994118 + 0.2978086563914024j],
        [1.4224917743974679 + 0.43345976314191215j, -0.22569401752442236 - 0.7530649312948507j, 4.496476610998024 + 2.572121075496338j],
        [0.7672033541460686 - 0.9329304685889321j, 3.4478387601115243 - 2.8088849128489497j, -0.3861826348541696 + 0.9022872271507519j],
    ),
}


@pytest.mark.parametrize("name", sorted(LAE))
def test_logaddexp_complex_matches_jax(name):
    f = getattr(fnp, name)
    val, jvp_t, ga, gb = LAE[name]
    _close(f(A, B), val)
    _close(functrans.jit(f)(A, B), val)
    _, t = functrans.jvp(f, (A, B), (np.full(3, 1 + 0.5j), np.full(3, 0.3 - 1j)))
    _close(t, jvp_t)
    da, db = functrans.grad(lambda p, q: fnp.sum(fnp.abs(f(p, q)) ** 2), argnums=(0, 1))(A, B)
    _close(da, ga)
    _close(db, gb)
    check_grads(f, (A, B), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(f)(A, B), np.array([f(a, b) for a, b in zip(A, B)]))
    _close(functrans.vmap(f, in_axes=(0, None))(A, B[0]), np.array([f(a, B[0]) for a in A]))


def test_logaddexp_complex_imaginary_part_is_wrapped():
    # the imaginary part lands in [-pi, pi) whatever the branch of the operands
    out = np.asarray(fnp.logaddexp(np.array([3j, -3j]), np.array([3.1j, -3.1j])))
    assert np.all(out.imag >= -np.pi) and np.all(out.imag < np.pi)
    _close(np.exp(out), np.exp([3j, -3j]) + np.exp([3.1j, -3.1j]))
