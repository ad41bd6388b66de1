"""Every primitive's rules, checked against finite differences in both modes to second order.

One case per primitive, and a test that the table covers the whole registry: a new
primitive cannot be added without a case here. Each case's function uses the primitive on
a differentiable path (the non-differentiable ones feed a `where` or multiply a smooth term),
at points away from kinks and integer jumps.
"""

import numpy as np
import pytest
from rule_cases import collect

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans._src.lax import all_primitives
from functrans.test_util import check_grads

rng = np.random.default_rng(7)
V = rng.uniform(0.2, 0.8, (3,))  # inside the domains of asin/acos/log/sqrt, no integers
M = rng.uniform(0.2, 0.8, (2, 3))
W = rng.uniform(-1.0, 1.0, (3, 2))

RULE_CASES = {
    "neg": (lambda x: -x, (V,)),
    "add": (lambda x, y: x + y, (M, V)),
    "sub": (lambda x, y: x - y, (M, V)),
    "mul": (lambda x, y: x * y, (M, V)),
    "div": (lambda x, y: x / y, (M, V)),
    "sin": (fnp.sin, (V,)),
    "cos": (fnp.cos, (V,)),
    "tan": (fnp.tan, (V,)),
    "asin": (fnp.arcsin, (V,)),
    "acos": (fnp.arccos, (V,)),
    "atan": (fnp.arctan, (V,)),
    "sinh": (fnp.sinh, (V,)),
    "cosh": (fnp.cosh, (V,)),
    "tanh": (fnp.tanh, (V,)),
    "exp": (fnp.exp, (V,)),
    "log": (fnp.log, (V,)),
    "log1p": (fnp.log1p, (V,)),
    "expm1": (fnp.expm1, (V,)),
    "sqrt": (fnp.sqrt, (V,)),
    "abs": (lambda x: fnp.abs(x - 0.5), (V + 0.05,)),
    "sign": (lambda x: fnp.sign(x - 0.5) * x**2, (V + 0.05,)),
    "floor": (lambda x: fnp.floor(3 * x) * x, (V + 0.01,)),
    "ceil": (lambda x: fnp.ceil(3 * x) * x, (V + 0.01,)),
    "round": (lambda x: fnp.round(3 * x) * x, (V + 0.01,)),
    "integer_pow": (lambda x: x**3 + x**-2, (V,)),
    "pow": (lambda x, y: x**y, (V, V)),
    "max": (lambda x, y: fnp.maximum(x, y), (V, V[::-1] + 0.01)),
    "min": (lambda x, y: fnp.minimum(x, y), (V, V[::-1] + 0.01)),
    "atan2": (fnp.arctan2, (V, M)),
    "eq": (lambda x: fnp.where(x == x[0], x**2, x), (V,)),
    "ne": (lambda x: fnp.where(x != x[0], x**2, x), (V,)),
    "lt": (lambda x: fnp.where(x < 0.5, x**2, x), (V + 0.01,)),
    "le": (lambda x: fnp.where(x <= 0.5, x**2, x), (V + 0.01,)),
    "gt": (lambda x: fnp.where(x > 0.5, x**2, x), (V + 0.01,)),
    "ge": (lambda x: fnp.where(x >= 0.5, x**2, x), (V + 0.01,)),
    "and": (lambda x: fnp.where(fnp.logical_and(x > 0.3, x < 0.7), x**2, x), (V + 0.01,)),
    "or": (lambda x: fnp.where(fnp.logical_or(x < 0.3, x > 0.7), x**2, x), (V + 0.01,)),
    "not": (lambda x: fnp.where(fnp.logical_not(x > 0.5), x**2, x), (V + 0.01,)),
    "select": (lambda x, y: fnp.where(x > y, x * y, y), (V, M)),
    "convert_element_type": (lambda x: x.astype(np.float32).astype(np.float64) * 0 + x.astype(np.float64) ** 2, (V,)),
    "broadcast_to": (lambda x: fnp.broadcast_to(x, (2, 3)) ** 2, (V,)),
    "reshape": (lambda x: fnp.reshape(x, (3, 2)) ** 2, (M,)),
    "transpose": (lambda x: fnp.transpose(x) ** 2, (M,)),
    "reduce_sum": (lambda x: fnp.sum(x**2, axis=0), (M,)),
    "reduce_max": (lambda x: fnp.max(x**2, axis=1), (M,)),
    "reduce_min": (lambda x: fnp.min(x**2, axis=1), (M,)),
    "reduce_prod": (lambda x: fnp.prod(x, axis=1), (M,)),
    "index": (lambda x: x[1, ::-2] ** 2, (M,)),
    "index_put": (lambda x: fnp.sum(x[:, 1:] ** 3), (M,)),  # index's transpose, in reverse mode
    "concatenate": (lambda x, y: fnp.concatenate([x, y * y], axis=0), (M, M)),
    "dot_general": (lambda x, y: fnp.tanh(x @ y), (M, W)),
    "floor_divide": (lambda x, y: fnp.floor_divide(3 * x, y) * x * y, (V + 0.01, V[::-1] + 0.3)),
    "remainder": (lambda x, y: fnp.remainder(3 * x, y) * x, (M, V + 0.3)),
}

# linear algebra (functrans._src.lax.linalg): well-conditioned inputs, sign-invariant vector outputs
import functrans.numpy.linalg as fla  # noqa: E402
import functrans.scipy.linalg as fsl  # noqa: E402
from functrans._src.lax import linalg as lax_linalg  # noqa: E402

SQ = rng.uniform(-1.0, 1.0, (3, 3)) + 3 * np.eye(3)
SPD = SQ @ SQ.T + np.eye(3)
RULE_CASES.update({
    "cholesky": (lambda a: fla.cholesky((a + a.T) / 2), (SPD,)),
    "cholesky_tangent": (lambda a, s: lax_linalg.cholesky_tangent(fla.cholesky((a + a.T) / 2), s), (SPD, SQ)),
    "cholesky_cotangent": (lambda a, c: lax_linalg.cholesky_cotangent(fla.cholesky((a + a.T) / 2), c), (SPD, SQ)),
    "triangular_solve": (lambda a, b: fsl.solve_triangular(a, b, lower=True), (np.tril(SQ), W)),
    "lu": (lambda a: fsl.lu(a)[2], (SQ,)),
    "solve": (fla.solve, (SQ, W)),
    "inv": (fla.inv, (SQ,)),
    "slogdet": (lambda a: fla.slogdet(a)[1], (SQ,)),
    "det": (fla.det, (SQ,)),
    "eigh": (lambda a: fla.eigh((a + a.T) / 2).eigenvectors ** 2 + fla.eigh((a + a.T) / 2).eigenvalues, (SPD,)),
    "svd": (lambda a: fla.svd(a, full_matrices=False).U ** 2 + fla.svdvals(a), (W,)),
    "qr": (lambda a: fla.qr(a).R ** 2, (W,)),
    "expm": (lambda a: fsl.expm(a / 3), (SQ,)),
    "pinv": (fla.pinv, (W,)),
    "expm_frechet": (lambda a, e: fsl.expm_frechet(a / 3, e, compute_expm=False), (SQ, SPD / 10)),
})  # fmt: skip

# stop_gradient's derivative is zero by definition while its function is the identity, so
# finite differences cannot check it; tests/test_core.py::test_stop_gradient pins its values.
NOT_FINITE_DIFFERENCE_CHECKABLE = {"stop_gradient"}

# Cases of the other families live in tests/rule_cases/<family>.py.
_more_cases, _more_unchecked = collect()
assert not set(_more_cases) & set(RULE_CASES), "a rule case is defined twice"
RULE_CASES.update(_more_cases)
NOT_FINITE_DIFFERENCE_CHECKABLE |= _more_unchecked


def test_every_primitive_has_a_case():
    names = {p.name for p in all_primitives()}
    assert set(RULE_CASES) | NOT_FINITE_DIFFERENCE_CHECKABLE == names


@pytest.mark.parametrize("name", sorted(RULE_CASES))
def test_rules_to_second_order_in_both_modes(name):
    f, args = RULE_CASES[name]
    prims = {e.prim.name for e in functrans.make_ir(lambda *a: fnp.sum(f(*a)))(*args).eqns}
    grad_prims = {
        e.prim.name
        for e in functrans.make_ir(functrans.grad(lambda *a: fnp.sum(f(*a)), argnums=tuple(range(len(args)))))(
            *args
        ).eqns
    }
    assert name in prims | grad_prims, f"the case for {name} does not use it"
    check_grads(f, args, order=2, modes=("fwd", "rev"))


def test_lax_names_are_the_primitives():
    assert lax.dot_general(M, W, (((1,), (0,)), ((), ()))).shape == (2, 2)


def _batched_args(args, axes, size=3):
    """``size`` perturbed copies of each argument, stacked along the given axes (None: unbatched)."""
    out = []
    for a, ax in zip(args, axes):
        if ax is None:
            out.append(a)
        else:
            copies = [np.asarray(a) * (1.0 + 0.05 * k) + 0.01 * k for k in range(size)]
            out.append(np.stack(copies, axis=ax))
    return out


def _loop(f, batched, axes, size=3):
    return np.stack(
        [
            np.asarray(f(*[b if ax is None else np.take(b, k, axis=ax) for b, ax in zip(batched, axes)]))
            for k in range(size)
        ]
    )


@pytest.mark.parametrize("name", sorted(RULE_CASES))
@pytest.mark.parametrize("pattern", ["first", "last", "only_first"])
def test_batching_rules_match_a_loop(name, pattern):
    """vmap of every primitive (and of its derivative rules, via vmap of grad) equals a loop."""
    f, args = RULE_CASES[name]
    n = len(args)
    if pattern == "first":
        axes = [0] * n
    elif pattern == "last":
        axes = [np.ndim(a) for a in args]
    else:
        axes = [0] + [None] * (n - 1)
    batched = _batched_args(args, axes)
    out = functrans.vmap(f, in_axes=tuple(axes))(*batched)
    ref = _loop(f, batched, axes)
    assert out.shape == ref.shape and out.dtype == ref.dtype
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)

    def loss(*a):
        return fnp.sum(f(*a) ** 2)

    g = functrans.grad(loss)
    out = functrans.vmap(g, in_axes=tuple(axes))(*batched)
    ref = _loop(g, batched, axes)
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)
    prims = {e.prim.name for e in functrans.make_ir(functrans.vmap(g, in_axes=tuple(axes)))(*batched).eqns}
    prims |= {e.prim.name for e in functrans.make_ir(functrans.vmap(f, in_axes=tuple(axes)))(*batched).eqns}
    assert name in prims, f"the batched case for {name} does not use it"


# --------------------------------------------------------------------------- higher-order primitives
# The control-flow primitives (functrans._src.control_flow.control_flow_primitives()): every one has
# a case here, checked to second order (while: forward mode only, as in JAX) and batched against a
# loop, with the primitive itself (and its derivative) under vmap.


def _scan_case(x, w):
    return lax.scan(lambda c, v: (fnp.tanh(c * w + v), c * v), x[0], x)[1]


def _while_case(x, w):
    return lax.while_loop(lambda c: c[1] < 3, lambda c: (fnp.sin(c[0] * w) + c[0], c[1] + 1), (x, 0))[0]


def _cond_case(x, w):
    return lax.cond(fnp.sum(x) > 1.0, lambda a: fnp.sin(a) * w, lambda a: fnp.cos(a) - w, x)


HIGHER_ORDER_CASES = {
    "scan": (_scan_case, (V, 0.7), ("fwd", "rev")),
    "while": (_while_case, (V, 0.7), ("fwd",)),
    "cond": (_cond_case, (V, 0.7), ("fwd", "rev")),
}


def test_every_control_flow_primitive_has_a_case_and_every_rule():
    from functrans._src.control_flow import control_flow_primitives

    prims = control_flow_primitives()
    assert {p.name for p in prims} == set(HIGHER_ORDER_CASES)
    for p in prims:
        for rule in ("impl", "abstract_eval", "jvp", "transpose", "batch"):
            assert callable(getattr(p, rule)), f"{p.name} has no {rule} rule"


@pytest.mark.parametrize("name", sorted(HIGHER_ORDER_CASES))
def test_control_flow_rules_to_second_order(name):
    f, args, modes = HIGHER_ORDER_CASES[name]
    assert name in {e.prim.name for e in functrans.make_ir(f)(*args).eqns}
    check_grads(f, args, order=2, modes=modes)


@pytest.mark.parametrize("name", sorted(HIGHER_ORDER_CASES))
@pytest.mark.parametrize("pattern", ["first", "only_first", "only_last"])
def test_control_flow_batching_matches_a_loop(name, pattern):
    f, args, modes = HIGHER_ORDER_CASES[name]
    axes = {"first": [0, 0], "only_first": [0, None], "only_last": [None, 0]}[pattern]
    batched = _batched_args(args, axes)
    out = functrans.vmap(f, in_axes=tuple(axes))(*batched)
    np.testing.assert_allclose(out, _loop(f, batched, axes), rtol=1e-12, atol=1e-12)
    prims = {e.prim.name for e in functrans.make_ir(functrans.vmap(f, in_axes=tuple(axes)))(*batched).eqns}
    assert name in prims or (name == "cond" and "select" in prims)  # a batched predicate: both branches run
    d = functrans.jacfwd if modes == ("fwd",) else functrans.grad

    def loss(*a):
        return fnp.sum(f(*a) ** 2)

    g = d(loss, argnums=(0, 1))
    outs = functrans.vmap(g, in_axes=tuple(axes))(*batched)
    for k, out in enumerate(outs):
        ref = _loop(lambda *a, k=k: g(*a)[k], batched, axes)
        np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)

# --------------------------------------------------------------------------- custom rules and checkpoint
# Higher-order primitives of functrans._src.custom_derivatives and functrans._src.checkpoint (their
# own registries): each has a case, checked to second order (custom_vjp: reverse mode only, as in
# JAX; custom_lin is its linear part) and under vmap against a loop.


def _custom_cases():
    from functrans import custom_jvp, custom_vjp

    cj = custom_jvp(lambda x, y: fnp.sin(x) * y)
    cj.defjvp(lambda p, t: (cj(*p), fnp.cos(p[0]) * p[1] * t[0] + fnp.sin(p[0]) * t[1]))
    cv = custom_vjp(lambda x, y: fnp.sin(x) * y)
    cv.defvjp(lambda x, y: (cv(x, y), (x, y)), lambda r, g: (fnp.cos(r[0]) * r[1] * g, fnp.sin(r[0]) * g))
    ck = functrans.checkpoint(lambda x, y: fnp.tanh(x @ W) * y)
    return {
        "checkpoint": (ck, (M, V[:2].reshape(2, 1)), ("fwd", "rev")),
        "custom_jvp_call": (cj, (V, V[::-1]), ("fwd", "rev")),
        "custom_vjp_call": (cv, (V, V[::-1]), ("rev",)),
        "custom_lin": (cv, (V, V[::-1]), ("rev",)),
    }


def test_custom_and_checkpoint_primitives_have_cases():
    from functrans._src.checkpoint import checkpoint_p
    from functrans._src.custom_derivatives import all_custom_primitives

    assert {p.name for p in [checkpoint_p, *all_custom_primitives()]} == set(_custom_cases())


@pytest.mark.parametrize("name", ["checkpoint", "custom_jvp_call", "custom_vjp_call", "custom_lin"])
def test_custom_and_checkpoint_rules(name):
    f, args, modes = _custom_cases()[name]
    check_grads(f, args, order=2, modes=modes)
    g = functrans.grad(lambda *a: fnp.sum(f(*a) ** 2), argnums=tuple(range(len(args))))
    prims = {e.prim.name for e in functrans.make_ir(f)(*args).eqns}
    prims |= {e.prim.name for e in functrans.vjp(f, *args)[1].linear_ir.eqns}
    assert name in prims, f"the case for {name} does not use it"
    for axes in ([0] * len(args), [None] * (len(args) - 1) + [0]):
        batched = _batched_args(args, axes)
        want = _loop(f, batched, axes)
        np.testing.assert_allclose(functrans.vmap(f, in_axes=tuple(axes))(*batched), want, rtol=1e-12)
        out = functrans.vmap(g, in_axes=tuple(axes))(*batched)
        for k in range(len(args)):
            ref = _loop(lambda *a, k=k: g(*a)[k], batched, axes)
            np.testing.assert_allclose(out[k], ref, rtol=1e-10, atol=1e-12)
