"""The IR optimisation passes: each pass alone and the pipeline agree with the
unoptimised program (``eval_ir``) on a broad randomised corpus, keep shapes and
dtypes exactly, typecheck, leave their input untouched; unit tests per rewrite;
and the size of nested derivative programs."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.core import IR, Eqn, Literal, Primitive, ShapedArray, Var, eval_ir, typecheck_ir
from functrans._src.optimize import (
    cse,
    dce,
    derivative_eqn_counts,
    equation_counts,
    fold_constants,
    forward_trivial,
    inline_calls,
    optimize,
    polynomial,
    reassociate,
    simplify,
)

# --------------------------------------------------------------------------- the corpus

Gen = Callable[[np.random.Generator], list[Any]]


def _normal(*shape: int, dtype: Any = np.float64) -> Gen:
    return lambda rng: [rng.normal(size=shape).astype(dtype)]


def _positive(*shape: int, dtype: Any = np.float64) -> Gen:
    return lambda rng: [(np.abs(rng.normal(size=shape)) + 0.5).astype(dtype)]


def _unit(*shape: int) -> Gen:
    return lambda rng: [rng.uniform(-0.9, 0.9, size=shape)]


def _args(*gens: Gen) -> Gen:
    return lambda rng: [a for g in gens for a in g(rng)]


def _ints(*shape: int, dtype: Any = np.int64) -> Gen:
    return lambda rng: [rng.integers(-5, 6, size=shape).astype(dtype)]


def _ties(*shape: int) -> Gen:
    # two arrays that are equal in some places (max/min ties)
    def gen(rng: np.random.Generator) -> list[Any]:
        x = rng.normal(size=shape)
        y = np.where(rng.uniform(size=shape) < 0.5, x, rng.normal(size=shape))
        return [x, y]

    return gen


def _scalar(rng: np.random.Generator) -> list[Any]:
    return [np.float64(rng.uniform(-1.5, 1.5))]


def _mlp_loss(params: Any, x: Any, y: Any) -> Any:
    (w1, b1), (w2, b2) = params
    h = fnp.tanh(x @ w1 + b1)
    out = h @ w2 + b2
    return fnp.mean((out - y) ** 2)


def _mlp_args(dtype: Any) -> Gen:
    def gen(rng: np.random.Generator) -> list[Any]:
        arrs = [rng.normal(size=s) for s in [(3, 5), (5,), (5, 2), (2,), (4, 3), (4, 2)]]
        return [a.astype(dtype) for a in arrs]

    return gen


def _mlp_grad(w1: Any, b1: Any, w2: Any, b2: Any, x: Any, y: Any) -> Any:
    return functrans.grad(_mlp_loss)(((w1, b1), (w2, b2)), x, y)


def _nth(f: Callable[..., Any], k: int, transform: Callable[..., Any] = functrans.grad) -> Callable[..., Any]:
    for _ in range(k):
        f = transform(f)
    return f


def _softmax_xent(z: Any, y: Any) -> Any:
    m = fnp.max(z, axis=-1, keepdims=True)
    lse = fnp.log(fnp.sum(fnp.exp(z - m), axis=-1, keepdims=True)) + m
    return -fnp.sum(y * (z - lse))


_W = np.random.default_rng(123).normal(size=(4, 3))

CORPUS: list[tuple[str, Callable[..., Any], Gen]] = [
    # elementwise math
    ("sin_cos", lambda x: fnp.sin(x) * fnp.cos(x) + fnp.tan(0.3 * x), _normal(3, 4)),
    ("inverse_trig", lambda x: fnp.arcsin(x) + fnp.arccos(x) * fnp.arctan(x), _unit(5)),
    ("hyperbolic", lambda x: fnp.sinh(x) - fnp.cosh(x) / (1.0 + fnp.tanh(x) ** 2), _normal(2, 3)),
    ("exp_log", lambda x: fnp.exp(-x) + fnp.log(x) + fnp.log1p(x) * fnp.expm1(-x) + fnp.sqrt(x), _positive(6)),
    ("rounding", lambda x: fnp.abs(x) + fnp.sign(x) + fnp.floor(x) + fnp.ceil(x) + fnp.round(x), _normal(7)),
    (
        "powers",
        lambda x, y: x**3 + fnp.power(x, y) + x**-2 + fnp.reciprocal(x) + x**0 + x**1,
        _args(_positive(4), _normal(4)),
    ),
    ("atan2", lambda x, y: fnp.arctan2(x, y) * 2, _args(_normal(3), _normal(3))),
    # broadcasting and Python-scalar literals
    ("broadcast_add", lambda x, y: x + y - 2.5 * x * y / (1.0 + y * y), _args(_normal(3, 4), _normal(4))),
    ("broadcast_scalar", lambda x, y: (x + 1) * (3 - y) + x / 2, _args(_normal(2, 1, 3), _normal(4, 1))),
    ("literals_f32", lambda x: x * 2.0 + 1 - x / 3.0 + 0.5 * x**2, _normal(5, dtype=np.float32)),
    ("identity_literals", lambda x: x * 1.0 + 0.0 - 0 + x / 1.0 * 1, _normal(3, dtype=np.float32)),
    ("zeros_ones_consts", lambda x: x * np.ones(3) + np.zeros(3) * x - x * np.zeros(3), _normal(3)),
    ("max_min_ties", lambda x, y: fnp.maximum(x, y) - fnp.minimum(x, y) * 2, _ties(6)),
    ("clip", lambda x: fnp.clip(x, -0.5, 0.5) + fnp.clip(x, a_min=0.0), _normal(8)),
    # reductions
    ("sum_axes", lambda x: fnp.sum(x, axis=0) + fnp.sum(x, axis=(0, 2)).sum() + fnp.sum(x), _normal(2, 3, 4)),
    ("keepdims", lambda x: x - fnp.mean(x, axis=1, keepdims=True) + fnp.max(x, axis=0, keepdims=True), _normal(3, 4)),
    ("var_std", lambda x: fnp.var(x, axis=0) + fnp.std(x) + fnp.prod(x, axis=1).sum(), _normal(4, 3)),
    ("max_ties", lambda x: fnp.max(fnp.round(x), axis=1) + fnp.min(x), _normal(5, 4)),
    ("softmax_xent", _softmax_xent, _args(_normal(4, 5), _positive(4, 5))),
    # indexing and shapes
    ("index", lambda x: x[1] + x[:, 1:3].sum() + x[::-1, ::2].sum(axis=1)[:3] + x[None, 0][0, :1], _normal(4, 3)),
    ("index_full", lambda x: x[:, :] * x[...] + x[:][1:].sum(), _normal(3, 2)),
    (
        "concatenate",
        lambda x, y: fnp.concatenate([x, y, x * 2], axis=0).sum(axis=0),
        _args(_normal(2, 3), _normal(1, 3)),
    ),
    ("stack_shapes", lambda x: fnp.stack([x, x.T.T], axis=1).reshape(-1, 2).T, _normal(3, 2)),
    (
        "transposes",
        lambda x: fnp.transpose(fnp.transpose(x, (1, 2, 0)), (1, 2, 0)) + fnp.swapaxes(x, 0, 2).T.transpose(2, 0, 1),
        _normal(2, 3, 2),
    ),
    (
        "reshapes",
        lambda x: fnp.reshape(fnp.reshape(x, (6, 2)), (3, 4)) + fnp.expand_dims(fnp.ravel(x), 0).reshape(3, 4),
        _normal(2, 6),
    ),
    ("broadcast_to", lambda x: fnp.broadcast_to(fnp.broadcast_to(x, (3, 4)), (2, 3, 4)).sum(axis=0), _normal(4)),
    # contractions
    ("matmul", lambda a, b: a @ b + fnp.dot(a, b) * 0.5, _args(_normal(3, 4), _normal(4, 2))),
    ("matvec", lambda a, v: a @ v + fnp.matmul(v[:3], a), _args(_normal(3, 3), _normal(3))),
    (
        "einsum",
        lambda a, b: fnp.einsum("ij,kj->ik", a, b) + fnp.einsum("ij,ij->j", a, a)[:1],
        _args(_normal(3, 4), _normal(3, 4)),
    ),
    ("tensordot", lambda a, b: fnp.tensordot(a, b, axes=([1, 2], [0, 1])), _args(_normal(2, 3, 4), _normal(3, 4, 2))),
    ("batched_matmul", lambda a, b: fnp.matmul(a, b), _args(_normal(2, 3, 4), _normal(2, 4, 5))),
    (
        "outer_inner",
        lambda a, b: fnp.outer(a, b).sum() + fnp.inner(a, b) + fnp.vdot(a, b),
        _args(_normal(4), _normal(4)),
    ),
    ("const_matmul", lambda x: fnp.tanh(_W @ x) @ x, _normal(3, 3)),
    # selection, comparisons, integers, casts
    ("where", lambda x, y: fnp.where(x > y, x, y * 2) + fnp.where(x < 0, 1.0, x), _args(_normal(5), _normal(5))),
    (
        "logic",
        lambda x, y: fnp.logical_or(fnp.logical_and(x > 0, fnp.logical_not(y < 0)), x == y),
        _args(_normal(6), _normal(6)),
    ),
    (
        "integers",
        lambda i, j: (i * 2 + j) * fnp.abs(i) - fnp.max(j) + fnp.sum(i * j, axis=0),
        _args(_ints(3, 4), _ints(3, 4)),
    ),
    ("int8", lambda i: fnp.sum(i, axis=0) + i[0] * 3, _ints(4, 2, dtype=np.int8)),
    ("casts", lambda x: fnp.astype(x, np.float32) * 2 + fnp.astype(fnp.astype(x, np.float64), np.float64), _normal(4)),
    ("int_to_float", lambda i, x: i * x + i / 2 + fnp.mean(i), _args(_ints(3), _normal(3))),
    ("stop_gradient", lambda x: functrans.stop_gradient(x) * fnp.sin(x), _normal(3)),
    # derivative programs
    ("grad_tanh_1", functrans.grad(fnp.tanh), _scalar),
    ("grad_tanh_4", _nth(fnp.tanh, 4), _scalar),
    ("grad_tanh_6", _nth(fnp.tanh, 6), _scalar),
    ("jacfwd_tanh_4", _nth(fnp.tanh, 4, functrans.jacfwd), _scalar),
    ("grad_sin_exp_3", _nth(lambda x: fnp.sin(x) * fnp.exp(-x * x), 3), _scalar),
    ("grad_tanh_5_f32", _nth(fnp.tanh, 5), lambda rng: [np.float32(rng.uniform(-1.5, 1.5))]),
    ("grad_x_tanh_5", _nth(lambda x: x * fnp.tanh(x), 5), _scalar),
    ("grad_gauss_5", _nth(lambda x: fnp.exp(-x * x), 5), _scalar),
    ("grad_recip_4", _nth(lambda x: 1 / (1 + x), 4), lambda rng: [np.float64(rng.uniform(-0.5, 1.5))]),
    ("grad_vector", functrans.grad(lambda x: fnp.sum(fnp.sin(x) * x**2 / (1 + x * x))), _normal(5)),
    ("hessian", functrans.hessian(lambda x: fnp.sum(fnp.tanh(x) ** 3) * fnp.sum(x)), _normal(3)),
    ("jacfwd", functrans.jacfwd(lambda x: fnp.sin(x) * x[::-1]), _normal(4)),
    ("jacrev", functrans.jacrev(lambda x: fnp.outer(x, fnp.exp(x)).sum(axis=0)), _normal(3)),
    ("hessian_f32", functrans.hessian(lambda x: fnp.sum(x**4 - fnp.cos(x))), _normal(3, dtype=np.float32)),
    ("mlp_grad", _mlp_grad, _mlp_args(np.float64)),
    ("mlp_grad_f32", _mlp_grad, _mlp_args(np.float32)),
    (
        "grad_max_ties",
        functrans.grad(lambda x: fnp.sum(fnp.maximum(x, x[::-1]) ** 2) + fnp.max(x)),
        lambda rng: [np.array([1.0, 2.0, 2.0, 1.0])],
    ),
    ("grad_prod", functrans.grad(lambda x: fnp.prod(x) + fnp.prod(x[:3] * 2)), _normal(5)),
    ("grad_softmax", functrans.grad(_softmax_xent), _args(_normal(3, 4), _positive(3, 4))),
    ("grad_where", functrans.grad(lambda x: fnp.sum(fnp.where(x > 0, fnp.sqrt(fnp.abs(x)), x**2))), _normal(6)),
    ("grad_index_concat", functrans.grad(lambda x: fnp.sum(fnp.concatenate([x[1:], x[:1] * 3]) ** 2)), _normal(4)),
]

PASSES = {
    "inline_calls": inline_calls,
    "forward_trivial": forward_trivial,
    "simplify": simplify,
    "fold_constants": fold_constants,
    "cse": cse,
    "dce": dce,
    "reassociate": reassociate,
    "polynomial": polynomial,
    "optimize_exact": lambda ir: optimize(ir, reassociate_sums=False, polynomial_form=False),
    "optimize": optimize,
}
_REASSOCIATING = {"reassociate", "polynomial", "optimize"}


def _snapshot(ir: IR) -> Any:
    """Everything a pass must not change in its input."""
    return (
        list(ir.constvars),
        [id(c) for c in ir.consts],
        [np.array(c, copy=True) for c in ir.consts],
        list(ir.invars),
        list(ir.outvars),
        [(e, e.prim, list(e.inputs), dict(e.params), list(e.outvars)) for e in ir.eqns],
    )


def _assert_unchanged(before: Any, ir: IR) -> None:
    after = _snapshot(ir)
    assert before[0] == after[0] and before[1] == after[1] and before[3] == after[3] and before[4] == after[4]
    for c0, c1 in zip(before[2], after[2]):
        np.testing.assert_array_equal(c0, c1)
    assert len(before[5]) == len(after[5])
    for (e0, p0, i0, par0, o0), (e1, p1, i1, par1, o1) in zip(before[5], after[5]):
        assert e0 is e1 and p0 is p1 and i0 == i1 and o0 == o1
        assert par0.keys() == par1.keys() and all(par0[k] is par1[k] for k in par0)


def _tolerance(dtype: np.dtype, reassociating: bool) -> float:
    if dtype.kind not in "fc":
        return 0.0
    if dtype == np.float32:
        return 2e-4 if reassociating else 1e-6
    return 1e-9 if reassociating else 1e-13


def assert_agree(got: list[Any], ref: list[Any], avals: list[ShapedArray], reassociating: bool) -> None:
    assert len(got) == len(ref) == len(avals)
    for g, r, av in zip(got, ref, avals):
        g, r = np.asarray(g), np.asarray(r)
        assert g.dtype == r.dtype == av.dtype, (g.dtype, r.dtype, av.dtype)
        assert g.shape == r.shape == av.shape, (g.shape, r.shape, av.shape)
        tol = _tolerance(r.dtype, reassociating)
        if tol == 0.0:
            np.testing.assert_array_equal(g, r)
        else:
            scale = max(1.0, float(np.max(np.abs(r), initial=0.0)))
            np.testing.assert_allclose(g, r, rtol=tol, atol=tol * scale)


@pytest.mark.parametrize("name,fn,gen", CORPUS, ids=[c[0] for c in CORPUS])
def test_passes_agree_with_the_unoptimised_program(name: str, fn: Callable[..., Any], gen: Gen) -> None:
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    draws = [gen(rng) for _ in range(3)]
    ir = functrans.make_ir(fn)(*draws[0])
    typecheck_ir(ir)
    refs = [eval_ir(ir, ir.consts, args) for args in draws]
    for pname, pas in PASSES.items():
        before = _snapshot(ir)
        out = pas(ir)
        assert out is not ir
        _assert_unchanged(before, ir)
        typecheck_ir(out)
        assert [(a.shape, a.dtype) for a in out.out_avals] == [(a.shape, a.dtype) for a in ir.out_avals], pname
        assert out.invars == ir.invars
        for args, ref in zip(draws, refs):
            got = eval_ir(out, out.consts, args)
            assert_agree(got, ref, ir.out_avals, pname in _REASSOCIATING)
    opt = optimize(ir)
    assert len(opt.eqns) <= len(ir.eqns)
    assert len(opt.eqns) <= len(optimize(ir, polynomial_form=False).eqns)
    assert len(optimize(ir, reassociate_sums=False, polynomial_form=False).eqns) <= len(ir.eqns)


def test_the_corpus_shrinks() -> None:
    rng = np.random.default_rng(0)
    raw = opt = 0
    for _, fn, gen in CORPUS:
        ir = functrans.make_ir(fn)(*gen(rng))
        raw += len(ir.eqns)
        opt += len(optimize(ir).eqns)
    assert opt < 0.6 * raw, (raw, opt)


def test_optimize_is_idempotent_enough() -> None:
    ir = functrans.make_ir(_mlp_grad)(*_mlp_args(np.float64)(np.random.default_rng(1)))
    once = optimize(ir)
    twice = optimize(once)
    assert len(twice.eqns) <= len(once.eqns)


# --------------------------------------------------------------------------- nested derivatives


def test_nested_derivative_counts_grow_linearly() -> None:
    counts = equation_counts(8)
    print("\nd^k tanh: (k, raw equations, optimized equations)")
    for row in counts:
        print(f"  {row}")
    assert [k for k, _, _ in counts] == list(range(1, 9))
    raw = {k: r for k, r, _ in counts}
    opt = {k: o for k, _, o in counts}
    # d tanh is already minimal as recorded (tanh, its square, 1 - it, the product)
    assert all(opt[k] <= raw[k] for k in opt) and all(opt[k] < raw[k] for k in opt if k >= 2)
    # d^k tanh is a polynomial of degree k + 1 in tanh x, odd or even: tanh, t = tanh**2, about k/2
    # multiply-adds in t, and a last factor tanh
    assert all(opt[k] <= k + 3 for k in opt), opt
    assert all(opt[k + 1] - opt[k] <= 2 for k in range(1, 8)), opt
    # (recording itself shares and simplifies since issue 17: 430 raw equations at order 8, 1256 before)
    assert raw[8] / opt[8] > 35
    # the same in float32
    assert [o for _, _, o in derivative_eqn_counts(fnp.tanh, np.float32(0.3), 8)] == [opt[k] for k in range(1, 9)]


def test_nested_derivative_counts_without_polynomial_form_grow_geometrically() -> None:
    ir = functrans.make_ir(_nth(fnp.tanh, 7))(np.float64(0.5))
    assert len(optimize(ir, polynomial_form=False).eqns) > 50
    assert len(optimize(ir).eqns) == 10


# functions whose nested derivatives are polynomials in a few bases (and some that are not), the range
# of x to test them on, and a bound on the optimised equation count of the k-th derivative (None: no bound)
_DERIVATIVE_CASES: list[tuple[str, Callable[..., Any], tuple[float, float], int, Callable[[int], int] | None]] = [
    ("tanh", fnp.tanh, (-3.0, 3.0), 8, lambda k: k + 3),
    ("x_tanh", lambda x: x * fnp.tanh(x), (-3.0, 3.0), 7, lambda k: 2 * k + 5),
    ("gauss", lambda x: fnp.exp(-x * x), (-2.0, 2.0), 8, lambda k: k + 4),
    ("sin_x2", lambda x: fnp.sin(x * x), (-1.5, 1.5), 8, lambda k: 2 * k + 3),
    ("sin", fnp.sin, (-3.0, 3.0), 8, lambda k: 2),
    ("exp", fnp.exp, (-2.0, 2.0), 8, lambda k: 1),
    ("cube", lambda x: x**3, (-2.0, 2.0), 8, lambda k: 2),
    ("recip", lambda x: 1 / (1 + x), (-0.5, 2.0), 6, None),  # not a polynomial: unchanged
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,fn,xrange,max_order,bound", _DERIVATIVE_CASES, ids=[c[0] for c in _DERIVATIVE_CASES])
def test_optimized_nested_derivatives_agree_with_the_unoptimised_program(
    name: str,
    fn: Callable[..., Any],
    xrange: tuple[float, float],
    max_order: int,
    bound: Callable[[int], int] | None,
    dtype: Any,
) -> None:
    # rounding differs (Horner form), so compare relative to the largest value on the sample
    if dtype == np.float32:
        max_order = min(max_order, 6)
    xs = np.random.default_rng(7).uniform(*xrange, size=8).astype(dtype)
    tol = _tolerance(np.dtype(dtype), reassociating=True)
    d = fn
    for k in range(1, max_order + 1):
        d = functrans.grad(d)
        ir = functrans.make_ir(d)(xs[0])
        opt = optimize(ir)
        typecheck_ir(opt)
        n = len(opt.eqns)
        if bound is not None:
            assert n <= bound(k), (k, n, str(opt))
        else:
            assert n == len(optimize(ir, polynomial_form=False).eqns)
        ref = np.array([eval_ir(ir, ir.consts, [x])[0] for x in xs])
        got = np.array([eval_ir(opt, opt.consts, [x])[0] for x in xs])
        assert got.dtype == ref.dtype == dtype
        assert np.max(np.abs(got - ref)) <= tol * np.max(np.abs(ref)), (k, got, ref)


def _tanh_derivative_closed_form(k: int, x: float) -> float:
    p = np.polynomial.Polynomial([0.0, 1.0])
    one_minus_t2 = np.polynomial.Polynomial([1.0, 0.0, -1.0])
    for _ in range(k):
        p = p.deriv() * one_minus_t2
    return float(p(math.tanh(x)))


@pytest.mark.parametrize("k", [1, 3, 5, 8])
def test_optimized_nested_derivatives_are_right(k: int) -> None:
    ir = optimize(functrans.make_ir(_nth(fnp.tanh, k))(np.float64(0.0)))
    for x in (-1.3, 0.0, 0.5, 2.0):
        (got,) = eval_ir(ir, ir.consts, [np.float64(x)])
        np.testing.assert_allclose(got, _tanh_derivative_closed_form(k, x), rtol=1e-9, atol=1e-9)


def test_derivative_eqn_counts_of_another_function() -> None:
    rows = derivative_eqn_counts(lambda x: fnp.sin(x) * x, np.float64(0.3), 4)
    assert [k for k, _, _ in rows] == [1, 2, 3, 4]
    assert all(o <= r for _, r, o in rows)


# --------------------------------------------------------------------------- unit tests per rewrite


def _prims(ir: IR) -> list[str]:
    return [e.prim.name for e in ir.eqns]


def _x(*shape: int, dtype: Any = np.float64) -> np.ndarray:
    return np.ones(shape, dtype)


def test_simplify_multiplicative_and_additive_identities() -> None:
    for f in (
        lambda x: x * 1.0,
        lambda x: 1 * x,
        lambda x: x / 1.0,
        lambda x: x + 0.0,
        lambda x: 0 + x,
        lambda x: x - 0,
    ):
        ir = simplify(functrans.make_ir(f)(_x(3, dtype=np.float32)))
        assert ir.eqns == [] and ir.outvars == ir.invars, _prims(ir)


def test_simplify_identity_with_broadcasting_becomes_broadcast_to() -> None:
    ir = simplify(functrans.make_ir(lambda x: x + np.zeros((2, 3)))(_x(3)))
    assert _prims(ir) == ["broadcast_to"]
    ir = simplify(functrans.make_ir(lambda x: x * np.ones((2, 3), np.float32))(_x(3, dtype=np.float32)))
    assert _prims(ir) == ["broadcast_to"]


def test_simplify_identity_with_promotion_becomes_an_exact_cast() -> None:
    ir = simplify(functrans.make_ir(lambda x: x * 1.0)(_x(3, dtype=np.int64)))
    assert _prims(ir) == ["convert_element_type"] and ir.out_avals[0].dtype == np.float64
    # both a cast and a broadcast would be needed: kept
    ir = simplify(functrans.make_ir(lambda x: x * np.ones((2, 3)))(_x(3, dtype=np.int32)))
    assert _prims(ir) == ["mul"]


def test_simplify_does_not_change_dtypes_through_strong_constants() -> None:
    # float32 * float64(1) is float64: x is not a stand-in (a cast is)
    ir = simplify(functrans.make_ir(lambda x: x * np.float64(1.0))(_x(3, dtype=np.float32)))
    assert _prims(ir) == ["convert_element_type"]
    assert ir.out_avals[0].dtype == np.float64


def test_simplify_zeros() -> None:
    ir = dce(simplify(functrans.make_ir(lambda x: fnp.sin(x) * np.zeros(3))(_x(3))))
    assert ir.eqns == [] and len(ir.constvars) == 1
    np.testing.assert_array_equal(ir.consts[0], np.zeros(3))
    ir = dce(simplify(functrans.make_ir(lambda x: np.zeros((2, 3)) @ fnp.exp(x))(_x(3, 4))))
    assert ir.eqns == []
    (out,) = eval_ir(ir, ir.consts, [_x(3, 4)])
    assert out.shape == (2, 4) and out.dtype == np.float64 and not out.any()
    # 0-d zeros become a (strongly typed) literal
    ir = simplify(functrans.make_ir(lambda x: x * np.float32(0))(np.float32(2)))
    assert ir.eqns == [] and isinstance(ir.outvars[0], Literal) and ir.outvars[0].val.dtype == np.float32


def test_simplify_neg_neg_and_sub_from_zero() -> None:
    ir = dce(simplify(functrans.make_ir(lambda x: fnp.negative(fnp.negative(x)))(_x(2))))
    assert ir.eqns == [] and ir.outvars == ir.invars
    ir = dce(simplify(functrans.make_ir(lambda x: 0.0 - x)(_x(2))))
    assert _prims(ir) == ["neg"]
    ir = dce(simplify(functrans.make_ir(lambda x: x * -1.0)(_x(2))))
    assert _prims(ir) == ["neg"]


def test_simplify_composes_transposes_reshapes_and_broadcasts() -> None:
    ir = dce(simplify(functrans.make_ir(lambda x: fnp.transpose(fnp.transpose(x, (1, 2, 0)), (1, 2, 0)))(_x(2, 3, 4))))
    assert _prims(ir) == ["transpose"] and ir.eqns[0].params["permutation"] == (2, 0, 1)
    np.testing.assert_array_equal(
        eval_ir(ir, ir.consts, [np.arange(24.0).reshape(2, 3, 4)])[0],
        np.arange(24.0).reshape(2, 3, 4).transpose(1, 2, 0).transpose(1, 2, 0),
    )
    ir = dce(simplify(functrans.make_ir(lambda x: x.T.T)(_x(2, 3))))
    assert ir.eqns == [] and ir.outvars == ir.invars
    ir = dce(simplify(functrans.make_ir(lambda x: x.reshape(6).reshape(3, 2))(_x(2, 3))))
    assert _prims(ir) == ["reshape"] and ir.eqns[0].params["new_shape"] == (3, 2)
    ir = dce(simplify(functrans.make_ir(lambda x: fnp.broadcast_to(fnp.broadcast_to(x, (2, 3)), (4, 2, 3)))(_x(3))))
    assert _prims(ir) == ["broadcast_to"] and ir.eqns[0].params["shape"] == (4, 2, 3)


def test_simplify_select_and_integer_pow() -> None:
    ir = dce(simplify(functrans.make_ir(lambda p, x: fnp.where(p, x, x))(np.array([True, False]), _x(2))))
    assert ir.eqns == []
    ir = dce(simplify(functrans.make_ir(lambda x: fnp.where(np.ones(2, bool), x, 2 * x))(_x(2))))
    assert ir.eqns == []
    ir = dce(simplify(functrans.make_ir(lambda x: x**1 + x**0)(_x(2))))
    assert _prims(ir) == ["add"]


def test_forward_trivial_drops_identities() -> None:
    def f(x: Any) -> Any:
        y = lax.reshape(x, (2, 3))
        y = lax.broadcast_to(y, (2, 3))
        y = lax.transpose(y, (0, 1))
        y = lax.convert_element_type(y, np.float32)
        y = lax.stop_gradient(y)
        y = lax.reduce_sum(y, ())
        y = lax.index(y, (slice(None), slice(None)))
        return fnp.sin(y)

    ir = forward_trivial(functrans.make_ir(f)(_x(2, 3, dtype=np.float32)))
    assert _prims(ir) == ["sin"] and ir.eqns[0].inputs[0] is ir.invars[0]


def test_forward_trivial_keeps_dtype_changing_identities() -> None:
    # a sum over no axes of int8 is int64 in NumPy: not an identity
    ir = forward_trivial(functrans.make_ir(lambda i: lax.reduce_sum(i, ()))(np.ones(3, np.int8)))
    assert _prims(ir) == ["reduce_sum"]


def test_weak_literal_stand_ins_become_strong() -> None:
    # convert_element_type(2.0, float64) is an identity, but the literal 2.0 is weakly typed: replacing
    # the variable by it would make x * 2.0 float32 instead of float64.
    def f(x: Any) -> Any:
        return x * lax.convert_element_type(2.0, np.float64)

    ir = functrans.make_ir(f)(_x(3, dtype=np.float32))
    assert ir.out_avals[0].dtype == np.float64
    for p in (forward_trivial, fold_constants, optimize):
        out = p(ir)
        typecheck_ir(out)
        (got,) = eval_ir(out, out.consts, [_x(3, dtype=np.float32)])
        assert got.dtype == np.float64


def test_cse_merges_duplicates() -> None:
    ir = cse(functrans.make_ir(lambda x: fnp.sin(x) + fnp.sin(x) * fnp.sin(x))(_x(3)))
    assert _prims(ir).count("sin") == 1
    ir = cse(functrans.make_ir(lambda x, y: x * y + y * x)(_x(3), _x(3)))
    assert _prims(ir).count("mul") == 1  # commutative operands
    ir = cse(functrans.make_ir(lambda x: x - y_ + (y_ - x))(_x(3)))
    assert _prims(ir).count("sub") == 2  # not commutative
    ir = cse(functrans.make_ir(lambda x: fnp.sum(x, axis=0) + fnp.sum(x, axis=1))(_x(3, 3)))
    assert _prims(ir).count("reduce_sum") == 2  # different params


y_ = np.arange(3.0)


def test_cse_tells_minus_zero_from_zero() -> None:
    ir = cse(functrans.make_ir(lambda x: x * 0.0 + x * -0.0)(_x(3)))
    assert _prims(ir).count("mul") == 2


def test_cse_dedupes_constants() -> None:
    c = np.arange(3.0)
    v1, v2, x = (
        Var(ShapedArray((3,), np.dtype(np.float64))),
        Var(ShapedArray((3,), np.dtype(np.float64))),
        Var(ShapedArray((3,), np.dtype(np.float64))),
    )
    o1, o2 = Var(x.aval), Var(x.aval)
    ir = IR([v1, v2], [c, c], [x], [Eqn(lax.mul_p, [v1, x], {}, [o1]), Eqn(lax.mul_p, [v2, x], {}, [o2])], [o1, o2])
    out = cse(ir)
    assert len(out.constvars) == 1 and len(out.eqns) == 1 and out.outvars[0] is out.outvars[1]
    # small equal-valued constants are merged too, different ones not
    ir2 = IR([v1, v2], [np.ones(3), np.ones(3)], [x], ir.eqns, ir.outvars)
    assert len(cse(ir2).constvars) == 1
    ir3 = IR([v1, v2], [np.ones(3), np.zeros(3)], [x], ir.eqns, ir.outvars)
    assert len(cse(ir3).constvars) == 2


def test_cse_with_unhashable_params_does_not_merge() -> None:
    p = Primitive("with_array_param")
    p.impl = lambda x, arr: x + arr
    p.abstract_eval = lambda x, arr: x
    x = Var(ShapedArray((3,), np.dtype(np.float64)))
    o1, o2 = Var(x.aval), Var(x.aval)
    arr = np.ones(3)
    ir = IR([], [], [x], [Eqn(p, [x], {"arr": arr}, [o1]), Eqn(p, [x], {"arr": arr}, [o2])], [o1, o2])
    assert len(cse(ir).eqns) == 2


def test_dce_removes_unused_and_keeps_inputs() -> None:
    def f(x: Any, unused: Any) -> Any:
        fnp.cos(x)  # recorded, never used
        return fnp.sin(x)

    ir = functrans.make_ir(f)(_x(3), _x(2))
    assert _prims(ir) == ["cos", "sin"]
    out = dce(ir)
    assert _prims(out) == ["sin"] and out.invars == ir.invars
    c = Var(ShapedArray((3,), np.dtype(np.float64)))
    ir2 = IR([c], [np.ones(3)], ir.invars, ir.eqns, ir.outvars)
    assert dce(ir2).constvars == []


def test_fold_constants() -> None:
    c = Var(ShapedArray((3,), np.dtype(np.float64)))
    x = Var(ShapedArray((3,), np.dtype(np.float64)))
    s, t, y = Var(c.aval), Var(ShapedArray((), np.dtype(np.float32))), Var(x.aval)
    eqns = [
        Eqn(lax.sin_p, [c], {}, [s]),
        Eqn(lax.add_p, [Literal(np.float32(1)), Literal(np.float32(2))], {}, [t]),
        Eqn(lax.mul_p, [s, x], {}, [y]),
    ]
    ir = IR([c], [np.arange(3.0)], [x], eqns, [y, t])
    out = fold_constants(ir)
    typecheck_ir(out)
    assert _prims(out) == ["mul"]
    assert isinstance(out.outvars[1], Literal) and out.outvars[1].val == 3 and out.outvars[1].val.dtype == np.float32
    np.testing.assert_array_equal(out.consts[-1], np.sin(np.arange(3.0)))


def test_fold_constants_leaves_huge_results() -> None:
    x = Var(ShapedArray((), np.dtype(np.float64)))
    big = Var(ShapedArray((2000, 1000), np.dtype(np.float64)))
    out = Var(big.aval)
    ir = IR(
        [],
        [],
        [x],
        [Eqn(lax.broadcast_to_p, [Literal(1.0)], {"shape": (2000, 1000)}, [big]), Eqn(lax.mul_p, [big, x], {}, [out])],
        [out],
    )
    assert _prims(fold_constants(ir)) == ["broadcast_to", "mul"]


def test_reassociate_combines_like_terms() -> None:
    ir = dce(reassociate(functrans.make_ir(lambda x, y: (x + y) - x + y * 2 - y)(_x(3), _x(3))))
    # (x + y) - x + 2y - y == 2y
    assert _prims(ir) == ["mul"]
    ir = dce(reassociate(functrans.make_ir(lambda x, y: (x * y) * 3 + (2 * y) * x)(_x(3), _x(3))))
    assert sorted(_prims(ir)) == ["mul", "mul"]  # 5 * (x*y)


def test_reassociate_constant_results_of_different_shapes() -> None:
    ir = functrans.make_ir(lambda x, y: (x - x) * 2 + (y - y).sum() + (y + 1 - y)[0])(_x(3), _x(2))
    for out in (reassociate(ir), optimize(ir)):
        typecheck_ir(out)
        (got,) = eval_ir(out, out.consts, [np.arange(3.0), np.arange(2.0)])
        np.testing.assert_array_equal(got, np.ones(3))
    big = optimize(functrans.make_ir(lambda x: x * 0.0)(_x(500, 500)))
    assert big.eqns == [] and big.consts[0].strides == (0, 0)  # not materialised


def test_reassociate_leaves_broadcasting_and_other_dtypes_alone() -> None:
    ir = functrans.make_ir(lambda x, y: x + y - y)(_x(2, 3), _x(3))
    assert len(dce(reassociate(ir)).eqns) == 2
    ir = functrans.make_ir(lambda i: i + i - i)(_x(3, dtype=np.int64))
    assert len(dce(reassociate(ir)).eqns) == 2


# --------------------------------------------------------------------------- polynomial


def _assert_same_values(ir: IR, out: IR, seed: int = 0) -> None:
    typecheck_ir(out)
    assert out.invars == ir.invars
    rng = np.random.default_rng(seed)
    for _ in range(3):
        args = [np.asarray(rng.uniform(-1.5, 1.5, size=a.shape)).astype(a.dtype) for a in ir.in_avals]
        assert_agree(eval_ir(out, out.consts, args), eval_ir(ir, ir.consts, args), ir.out_avals, reassociating=True)


def test_polynomial_collapses_to_horner_form() -> None:
    def f(x: Any) -> Any:
        t = fnp.sin(x)
        return (t * t * t - t) * (t * t + 1.0)  # t**5 - t = t * (t**4 - 1)

    ir = functrans.make_ir(f)(_x(3))
    out = dce(polynomial(ir))
    assert _prims(out) == ["sin", "integer_pow", "sub", "mul"]
    t = out.eqns[0].outvars[0]
    assert out.eqns[1].params == {"y": 4} and out.eqns[1].inputs == [t]
    assert out.eqns[3].inputs[1] is t
    _assert_same_values(ir, out)

    def g(x: Any) -> Any:
        t = fnp.sin(x)
        return ((t + 1) ** 2 - (t - 1) ** 2) * t + 3  # 4 * t**2 + 3

    for dtype in (np.float64, np.float32):
        ir = functrans.make_ir(g)(_x(3, dtype=dtype))
        out = dce(polynomial(ir))
        assert _prims(out) == ["sin", "integer_pow", "mul", "add"]
        lits = [a.val for e in out.eqns for a in e.inputs if isinstance(a, Literal)]
        assert lits == [4.0, 3.0] and all(type(v) is dtype for v in lits)  # coefficients in the base's dtype
        _assert_same_values(ir, out)


def _identical(a: IR, b: IR) -> bool:
    return len(a.eqns) == len(b.eqns) and all(x is y for x, y in zip(a.eqns, b.eqns)) and a.outvars == b.outvars


def test_polynomial_leaves_broadcasting_and_dtype_changes_alone() -> None:
    def g(x: Any, c: Any) -> Any:
        return (x + c) ** 2 - (x - c) ** 2  # 4 * x * c

    ir = functrans.make_ir(lambda x: g(x, 1.0))(_x(3))
    assert _prims(dce(polynomial(ir))) == ["mul"]
    for f, arg in [
        (lambda x: g(x, np.float64(1.0)), _x(3, dtype=np.float32)),  # float32 + float64 promotes
        (lambda x: g(x, np.ones((2, 3))), _x(3)),  # broadcasts
        (lambda x: g(x, 1), _x(3, dtype=np.int64)),  # not floating point
    ]:
        ir = functrans.make_ir(f)(arg)
        out = polynomial(ir)
        typecheck_ir(out)
        assert _identical(out, ir), str(out)


def test_polynomial_uses_and_outputs() -> None:
    def f(x: Any) -> Any:
        t = fnp.tanh(x)
        p = (t + 1) ** 2 - (t - 1) ** 2  # 4t
        q = p * t - 1.0  # 4t**2 - 1
        return fnp.sin(p) + fnp.cos(p) * fnp.exp(q), p, q, p, t - t + 2.0, t * 1.0

    ir = functrans.make_ir(f)(_x(3))
    out = dce(polynomial(ir))
    # p and q once each, where they are first needed: 4t (1 equation) and 4t**2 - 1 (3)
    assert _prims(out) == ["tanh", "mul", "sin", "cos", "integer_pow", "mul", "sub", "exp", "mul", "add"]
    t = out.eqns[0].outvars[0]
    p, q = out.eqns[1].outvars[0], out.eqns[6].outvars[0]
    assert out.eqns[2].inputs == [p] and out.eqns[3].inputs == [p] and out.eqns[7].inputs == [q]
    assert out.outvars[1] is p and out.outvars[3] is p and out.outvars[2] is q
    assert out.outvars[5] is t  # t * 1.0 is t
    (const,) = out.constvars  # t - t + 2.0 is a constant
    assert out.outvars[4] is const
    np.testing.assert_array_equal(out.consts[0], np.full(3, 2.0))
    _assert_same_values(ir, out)
    # a 0-d constant result becomes a strongly typed literal
    ir = cse(functrans.make_ir(lambda x: fnp.sin(x) * 2 - fnp.sin(x) * 2 + 0.5)(np.float32(1)))
    out = dce(polynomial(ir))
    assert out.eqns == [] and isinstance(out.outvars[0], Literal) and out.outvars[0].val.dtype == np.float32
    _assert_same_values(ir, out)


def test_polynomial_in_several_bases() -> None:
    def f(x: Any, y: Any) -> Any:
        s = fnp.sin(x)
        return (s + y) ** 2 - (s - y) ** 2 + y * y * s  # s * (4y + y**2)

    ir = functrans.make_ir(f)(_x(3), _x(3))
    out = dce(polynomial(ir))
    assert _prims(out) == ["sin", "add", "mul", "mul"]
    _assert_same_values(ir, out)
    # d^k (x tanh x) = x * P(tanh x) + k * Q(tanh x): linear in k
    rows = derivative_eqn_counts(lambda x: x * fnp.tanh(x), np.float64(0.3), 6)
    assert all(o <= 2 * k + 5 for k, _, o in rows), rows


def test_polynomial_rewrites_a_component_only_if_that_is_shorter() -> None:
    def f(x: Any, y: Any) -> Any:
        a = fnp.sin(x)
        b = fnp.cos(y)
        # a: 5 equations, 1 in Horner form; b: 6 equations, 10 in Horner form (the cube expands)
        return (a + 1) ** 2 - (a - 1) ** 2, (1.0 - b * b) * (2 * b + 1) ** 3

    ir = functrans.make_ir(f)(_x(3), _x(3))
    out = dce(polynomial(ir))
    kept = [e for e in out.eqns if any(e is e0 for e0 in ir.eqns)]
    assert [e.prim.name for e in kept] == ["sin", "cos", "mul", "sub", "mul", "add", "integer_pow", "mul"]
    assert len(out.eqns) == len(kept) + 1 and out.eqns[-1].prim.name == "mul"  # 4a
    _assert_same_values(ir, out)
    # programs without a shorter Horner form are unchanged: 1 - t*t is shorter than -(t**2) + 1
    ir = functrans.make_ir(lambda x: 1 - fnp.tanh(x) ** 2)(_x(3))
    assert _identical(polynomial(ir), ir)


def test_polynomial_bounds() -> None:
    def f(x: Any) -> Any:
        t = fnp.sin(x)
        return (t**40 * t**40) * 2.0 - 1.0  # degree 80 > MAX_DEGREE: not a polynomial

    ir = functrans.make_ir(f)(_x(3))
    out = dce(polynomial(ir))
    assert _prims(out) == ["sin", "integer_pow", "mul", "mul", "sub"]  # t**40 once
    _assert_same_values(ir, out)
    # powers of constant polynomials are computed directly
    ir = functrans.make_ir(lambda x: (x - x) ** 1_000_000_000 + (x - x + 2.0) ** 3 + x)(_x(3))
    out = dce(polynomial(ir))
    assert _prims(out) == ["add"] and out.eqns[0].inputs[0] is out.invars[0]
    _assert_same_values(ir, out)
    # more than MAX_BASES bases: sums of many inputs are left alone
    ir = functrans.make_ir(lambda *xs: sum(xs[1:], xs[0]) * 2.0)(*[_x(2)] * 6)
    assert _identical(polynomial(ir), ir)


def test_polynomial_counts_only_used_equations() -> None:
    def f(x: Any) -> Any:
        for k in range(2, 30):
            (x + 1.5) ** k  # unused: 28 equations
        return fnp.tanh((x + 1.5) ** 9)  # 2 equations, 17 in Horner form

    ir = functrans.make_ir(f)(_x(3))
    assert _identical(polynomial(ir), ir)


def _random_polynomial_program(seed: int) -> Callable[..., Any]:
    rng = np.random.default_rng(seed)
    ops = [
        (int(rng.integers(0, 9)), rng.integers(0, 1000, size=2), float(np.round(rng.normal(), 2))) for _ in range(30)
    ]

    def f(x: Any, y: Any) -> Any:
        vals = [fnp.sin(x), fnp.cos(x), x, y]
        outs = []
        for op, (i, j), c in ops:
            a, b = vals[i % len(vals)], vals[j % len(vals)]
            if op == 0:
                v = a + b
            elif op == 1:
                v = a - b
            elif op == 2:
                v = a * b
            elif op == 3:
                v = -a
            elif op == 4:
                v = a ** int(i % 4)
            elif op == 5:
                v = a * c + 1
            elif op == 6:
                v = fnp.tanh(a)  # a use that is not polynomial, and a new base
            elif op == 7:
                v = a - c
            else:
                outs.append(a)
                v = c - a
            vals.append(v)
        return [vals[-1], *outs]

    return f


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_polynomial_on_random_programs(dtype: Any) -> None:
    rewritten = 0
    for seed in range(60):
        f = _random_polynomial_program(seed)
        ir = functrans.make_ir(f)(_x(3, dtype=dtype), _x(3, dtype=dtype))
        out = polynomial(ir)
        n, n_ref = len(dce(out).eqns), len(dce(ir).eqns)
        assert n <= n_ref
        rewritten += n < n_ref
        _assert_same_values(ir, out, seed)
    assert rewritten > 10


# --------------------------------------------------------------------------- inlining calls

jit_p = Primitive("jit", multiple_results=True)
jit_p.impl = lambda *args, ir, name: eval_ir(ir, ir.consts, args)
jit_p.abstract_eval = lambda *avals, ir, name: ir.out_avals


def _call(sub: IR, *args: Any, name: str = "f") -> list[Any]:
    return jit_p.bind(*args, ir=sub, name=name)


def test_inline_calls() -> None:
    c = np.array([1.0, 2.0, 3.0])
    inner = functrans.make_ir(lambda x: (fnp.sin(x) * c, x))(_x(3))
    assert len(inner.constvars) == 1

    def middle_fn(x: Any) -> Any:
        a, b = _call(inner, x)
        return [a + b * 2.0]

    middle = functrans.make_ir(middle_fn)(_x(3))

    def outer_fn(x: Any, y: Any) -> Any:
        (p,) = _call(middle, x)
        (q,) = _call(middle, y)  # the same program twice
        r, _ = _call(inner, p)
        return p * q + r

    outer = functrans.make_ir(outer_fn)(_x(3), _x(3))
    assert _prims(outer) == ["jit", "jit", "jit", "mul", "add"]
    flat = inline_calls(outer)
    typecheck_ir(flat)
    assert "jit" not in _prims(flat)
    assert all(c is flat.consts[0] for c in flat.consts)
    rng = np.random.default_rng(0)
    for _ in range(3):
        args = [rng.normal(size=3), rng.normal(size=3)]
        np.testing.assert_allclose(eval_ir(flat, flat.consts, args)[0], eval_ir(outer, outer.consts, args)[0])
        np.testing.assert_allclose(
            eval_ir(optimize(outer), optimize(outer).consts, args)[0], eval_ir(outer, outer.consts, args)[0]
        )


def test_inline_calls_with_literal_arguments_and_outputs() -> None:
    inner = functrans.make_ir(lambda x, s: (x * s, 3.0))(np.ones(2, np.float32), np.float64(1.0))
    assert inner.out_avals[0].dtype == np.float64

    def outer_fn(x: Any) -> Any:
        a, b = _call(inner, x, 1.5)  # a weakly typed literal for a float64 input
        return x * a + b

    x = np.arange(2, dtype=np.float32)
    outer = functrans.make_ir(outer_fn)(x)
    assert "jit" in _prims(outer)
    assert outer.out_avals[0].dtype == np.float64
    flat = inline_calls(outer)
    typecheck_ir(flat)
    assert "jit" not in _prims(flat)
    ref = eval_ir(outer, outer.consts, [x])[0]
    got = eval_ir(flat, flat.consts, [x])[0]
    # eval_ir hands the Python float 1.5 to the called program, where it stays weakly typed: its result
    # is float32 although the call is declared float64. The inlined program follows the declared types.
    assert ref.dtype == np.float32
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, ref)


def test_simplify_folds_transposes_into_matrix_products() -> None:
    # the gradient of a matrix product w.r.t. its weights: (x^T g), with no transposed copies
    rng = np.random.default_rng(5)
    x, w, g3 = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2, 3, 4))

    def f(x, w):
        return fnp.transpose(fnp.transpose(x) @ fnp.tanh(x @ w))

    ir = functrans.make_ir(f)(x, w)
    out = simplify(ir)
    typecheck_ir(out)
    assert [e.prim for e in dce(out).eqns].count(lax.transpose_p) == 0
    np.testing.assert_allclose(eval_ir(out, out.consts, [x, w])[0], (x.T @ np.tanh(x @ w)).T, rtol=1e-14)
    # a transpose that does not swap the operands' free axes is kept
    h = functrans.make_ir(lambda a, b: fnp.transpose(lax.dot_general(a, b, (((2,), (0,)), ((), ()))), (1, 0, 2)))
    ir2 = h(g3, x)
    out2 = simplify(ir2)
    assert lax.transpose_p in [e.prim for e in out2.eqns]
    np.testing.assert_allclose(eval_ir(out2, out2.consts, [g3, x])[0], np.transpose(g3 @ x, (1, 0, 2)), rtol=1e-14)
