"""Compiling IRs to straight-line Python: the compiled program agrees exactly with
``eval_ir`` (value, shape, dtype) on a randomised corpus, with and without buffer
reuse, on raw and optimised programs; inputs and constants are never modified;
outputs never alias each other or the program's data unless eval_ir's do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import lax
from functrans._src.codegen import CompiledIR, compile_ir, plan_buffer_reuse
from functrans._src.core import IR, Eqn, Literal, Primitive, ShapedArray, Var, eval_ir, typecheck_ir
from functrans._src.optimize import optimize

Gen = Callable[[np.random.Generator], list[Any]]


def _n(*shape: int, dtype: Any = np.float64) -> Gen:
    return lambda rng: [rng.normal(size=shape).astype(dtype)]


def _pos(*shape: int, dtype: Any = np.float64) -> Gen:
    return lambda rng: [(np.abs(rng.normal(size=shape)) + 0.5).astype(dtype)]


def _i(*shape: int, dtype: Any = np.int64) -> Gen:
    return lambda rng: [rng.integers(-4, 5, size=shape).astype(dtype)]


def _cat(*gens: Gen) -> Gen:
    return lambda rng: [a for g in gens for a in g(rng)]


def _scalar(rng: np.random.Generator) -> list[Any]:
    return [np.float64(rng.uniform(-1.5, 1.5))]


def _ties(rng: np.random.Generator) -> list[Any]:
    x = rng.normal(size=6)
    return [x, np.where(rng.uniform(size=6) < 0.5, x, rng.normal(size=6))]


def _nth(f: Callable[..., Any], k: int) -> Callable[..., Any]:
    for _ in range(k):
        f = functrans.grad(f)
    return f


def _mlp(w1: Any, b1: Any, w2: Any, x: Any, y: Any) -> Any:
    def loss(p: Any) -> Any:
        h = fnp.tanh(x @ p[0] + p[1])
        return fnp.mean((h @ p[2] - y) ** 2)

    return functrans.grad(loss)((w1, b1, w2))


def _mlp_args(dtype: Any) -> Gen:
    def gen(rng: np.random.Generator) -> list[Any]:
        return [rng.normal(size=s).astype(dtype) for s in [(3, 5), (5,), (5, 2), (4, 3), (4, 2)]]

    return gen


_C = np.random.default_rng(7).normal(size=(3, 3))

CORPUS: list[tuple[str, Callable[..., Any], Gen]] = [
    ("unary", lambda x: fnp.sin(x) + fnp.cos(x) * fnp.tanh(x) - fnp.exp(-x) + fnp.abs(x) * fnp.sign(x), _n(3, 4)),
    ("unary_pos", lambda x: fnp.log(x) + fnp.sqrt(x) + fnp.log1p(x) + fnp.expm1(-x) + fnp.arctan(x), _pos(5)),
    ("rounding", lambda x: fnp.floor(x) + fnp.ceil(x) + fnp.round(x * 3), _n(6)),
    (
        "arith_f32",
        lambda x, y: (x + y) * (x - y) / (1.0 + y * y) - 2 * x,
        _cat(_n(4, dtype=np.float32), _n(4, dtype=np.float32)),
    ),
    ("broadcast", lambda x, y: x * y + x / (2.0 + y * y) - y, _cat(_n(2, 3), _n(3))),
    ("powers", lambda x, y: x**2 + x**3 + x**-1 + x**0 + fnp.power(x, y), _cat(_pos(4), _n(4))),
    ("int_powers", lambda i: i**2 + i**3 + i**0, _i(5)),
    ("max_min_ties", lambda x, y: fnp.maximum(x, y) + fnp.minimum(x, y) * fnp.arctan2(x, y), _ties),
    (
        "compare_where",
        lambda x, y: fnp.where(fnp.logical_or(x > y, x == 0), x, y) + fnp.where(x <= 0, 1.0, x),
        _cat(_n(5), _n(5)),
    ),
    ("logic", lambda x: fnp.logical_not(fnp.logical_and(x > 0, x < 1)), _n(5)),
    (
        "reductions",
        lambda x: (
            fnp.sum(x, axis=0)
            + fnp.max(x, axis=(0, 2), keepdims=True)[0, :, 0][:1]
            + fnp.min(x)
            + fnp.prod(x, axis=1).sum()
        ),
        _n(2, 3, 4),
    ),
    ("int_reductions", lambda i: fnp.sum(i, axis=0) + fnp.max(i) + fnp.prod(i[:2], axis=0), _i(3, 4, dtype=np.int8)),
    ("mean_var", lambda x: fnp.var(x, axis=1) + fnp.mean(x, axis=1, keepdims=True)[:, 0], _n(4, 3)),
    ("index", lambda x: x[1] + x[:, 1:3].sum(axis=1)[:3] + x[::-1, ::2][:3, 0] + x[None, 2][0, :3], _n(4, 3)),
    ("index_scalar", lambda x: x[1, 2] * x[0, 0], _n(3, 3)),
    ("shapes", lambda x: fnp.reshape(x, (3, 4)).T.reshape(2, 6) + fnp.broadcast_to(x[0], (2, 6)), _n(2, 6)),
    ("concatenate", lambda x, y: fnp.concatenate([x, y * 2, x], axis=1), _cat(_n(2, 3), _n(2, 1))),
    ("dots", lambda a, b, v: a @ b + fnp.outer(v, v)[:3, :2] + (b.T @ a.T).T, _cat(_n(3, 4), _n(4, 2), _n(4))),
    ("dot_layouts", lambda a, v: a @ v + v @ a.T + fnp.dot(a.T, a)[0] + fnp.vdot(v, v), _cat(_n(4, 4), _n(4))),
    (
        "einsum",
        lambda a, b: fnp.einsum("bij,bjk->bik", a, b).sum(axis=0) + fnp.tensordot(a, a, axes=([0, 1], [0, 1])),
        _cat(_n(2, 3, 3), _n(2, 3, 3)),
    ),
    ("const_matmul", lambda x: fnp.tanh(_C @ x) @ _C, _n(3, 3)),
    (
        "casts",
        lambda x, i: fnp.astype(x, np.float32) * 2 + fnp.astype(i, np.float32) + fnp.astype(x > 0, np.int32),
        _cat(_n(4), _i(4)),
    ),
    (
        "integers",
        lambda i, j: (i * 3 - j) * fnp.abs(j) + fnp.maximum(i, j) - fnp.sum(i, axis=0),
        _cat(_i(3, 3), _i(3, 3)),
    ),
    ("stop_gradient", lambda x: functrans.stop_gradient(x) * x + functrans.stop_gradient(fnp.exp(x)), _n(3)),
    ("literals", lambda x: x * 2 + 1 - 3.5 / (x * x + 1.0), _n(3, dtype=np.float32)),
    (
        "softmax",
        lambda z: fnp.exp(z - fnp.max(z, axis=1, keepdims=True)) / fnp.sum(fnp.exp(z), axis=1, keepdims=True),
        _n(3, 4),
    ),
    ("grad_tanh_5", _nth(fnp.tanh, 5), _scalar),
    ("hessian", functrans.hessian(lambda x: fnp.sum(fnp.sin(x) ** 2 * x[::-1])), _n(4)),
    ("jacrev", functrans.jacrev(lambda x: fnp.tanh(x) * fnp.sum(x)), _n(3)),
    ("jacfwd_f32", functrans.jacfwd(lambda x: fnp.exp(x) * x[::-1]), _n(3, dtype=np.float32)),
    ("mlp_grad", _mlp, _mlp_args(np.float64)),
    ("mlp_grad_f32", _mlp, _mlp_args(np.float32)),
    (
        "grad_prod_max",
        functrans.grad(lambda x: fnp.prod(x) + fnp.max(x) * fnp.min(x)),
        lambda rng: [np.array([1.0, 3.0, 3.0, -2.0])],
    ),
    ("grad_where_index", functrans.grad(lambda x: fnp.sum(fnp.where(x > 0, x[::-1], 2.0 * x) ** 2)), _n(5)),
]


def assert_exact(got: list[Any], ref: list[Any], ir: IR) -> None:
    assert isinstance(got, list) and len(got) == len(ref) == len(ir.outvars)
    for g, r, av in zip(got, ref, ir.out_avals):
        assert isinstance(g, np.ndarray | np.generic), type(g)
        assert g.dtype == av.dtype and np.asarray(r).dtype == av.dtype, (g.dtype, np.asarray(r).dtype, av.dtype)
        assert g.shape == av.shape == np.shape(r)
        np.testing.assert_array_equal(g, r)


def _copies(xs: list[Any]) -> list[Any]:
    return [np.array(x, copy=True) for x in xs]


def _check_aliasing(got: list[Any], ref: list[Any], ir: IR, args: list[Any]) -> None:
    """Outputs share memory with each other or with the inputs only where eval_ir's do."""
    outs = ir.outvars
    for i in range(len(got)):
        for j in range(i + 1, len(got)):
            if outs[i] is outs[j]:
                continue
            if np.shares_memory(got[i], got[j]):
                assert np.shares_memory(np.asarray(ref[i]), np.asarray(ref[j])), (i, j)
        for a in args:
            if isinstance(a, np.ndarray) and np.shares_memory(got[i], a):
                assert np.shares_memory(np.asarray(ref[i]), a), i


@pytest.mark.parametrize("name,fn,gen", CORPUS, ids=[c[0] for c in CORPUS])
def test_compiled_programs_agree_exactly(name: str, fn: Callable[..., Any], gen: Gen) -> None:
    rng = np.random.default_rng(sum(map(ord, name)))
    draws = [gen(rng) for _ in range(3)]
    raw = functrans.make_ir(fn)(*draws[0])
    opt = optimize(raw)
    for ir in (raw, opt):
        consts_before = _copies(ir.consts)
        compiled = [compile_ir(ir, reuse_buffers=False), compile_ir(ir, reuse_buffers=True)]
        for args in draws:
            ref = eval_ir(ir, ir.consts, args)
            for c in compiled:
                before = _copies(args)
                for _ in range(2):  # twice: nothing the first call does may change the second
                    got = c(*args)
                    assert_exact(got, ref, ir)
                    _check_aliasing(got, ref, ir, args)
                for a, b in zip(args, before):
                    np.testing.assert_array_equal(a, b)
        for c0, c1 in zip(consts_before, ir.consts):
            np.testing.assert_array_equal(c0, c1)


def test_buffer_reuse_happens_and_is_safe_on_derivative_programs() -> None:
    args = _mlp_args(np.float64)(np.random.default_rng(3))
    ir = functrans.make_ir(_mlp)(*args)
    c = compile_ir(ir)
    assert c.reused > 0 and "out=" in c.source
    assert compile_ir(ir, reuse_buffers=False).reused == 0
    assert "out=" not in compile_ir(ir, reuse_buffers=False).source
    assert_exact(c(*args), eval_ir(ir, ir.consts, args), ir)


# --------------------------------------------------------------------------- the generated source


def test_source_is_straight_line_and_readable() -> None:
    ir = functrans.make_ir(lambda x: fnp.sum(fnp.tanh(x) * x, axis=0))(np.ones((3, 2)))
    c = compile_ir(ir, reuse_buffers=False)
    assert isinstance(c, CompiledIR)
    body = [ln.strip() for ln in c.source.splitlines()]
    assert "b = np_tanh(a)  # tanh -> f64[3,2]" in body
    assert "c = np_multiply(b, a)  # mul -> f64[3,2]" in body
    assert "d = c.sum(axis=(0,), keepdims=False)  # reduce_sum -> f64[2]" in body
    assert "return [d]" in body
    assert not any(ln.startswith(("for ", "while ")) for ln in body)
    # one line per equation (plus `del` lines freeing temporaries)
    assert sum(1 for ln in body if " = " in ln and "#" in ln) == len(ir.eqns)


def test_in_place_source() -> None:
    ir = functrans.make_ir(lambda x: fnp.exp(fnp.sin(x) * 2.0) + 1.0)(np.ones(4))
    c = compile_ir(ir)
    assert c.reused == 3
    assert "c = np_multiply(b, 2.0, out=b)  # mul (in place) -> f64[4]" in c.source
    x = np.arange(4.0)
    before = x.copy()
    assert_exact(c(x), eval_ir(ir, ir.consts, [x]), ir)
    np.testing.assert_array_equal(x, before)


def test_variable_names_avoid_keywords() -> None:
    def f(x: Any) -> Any:
        for _ in range(260):
            x = fnp.sin(x)
        return x

    ir = functrans.make_ir(f)(np.ones(2))
    c = compile_ir(ir)
    assert "as_ = " in c.source and "if_ = " in c.source
    assert_exact(c(np.ones(2)), eval_ir(ir, ir.consts, [np.ones(2)]), ir)


# --------------------------------------------------------------------------- buffer reuse: aliasing


def test_no_reuse_of_inputs_constants_or_views() -> None:
    const = np.arange(4.0)

    def f(x: Any) -> Any:
        a = fnp.sin(x)  # x is an input: never written
        b = a + const  # const: never written
        t = fnp.reshape(b, (2, 2))  # a view of b, used after b's last direct use
        c = fnp.exp(b)  # may not write into b: t is still alive
        return [c, t * 1.5]

    x = np.linspace(-1, 1, 4)
    ir = functrans.make_ir(f)(x)
    comp = compile_ir(ir)
    for _ in range(2):
        got = comp(x)
        assert_exact(got, eval_ir(ir, ir.consts, [x]), ir)
    np.testing.assert_array_equal(const, np.arange(4.0))
    np.testing.assert_array_equal(x, np.linspace(-1, 1, 4))


def test_outputs_used_later_and_duplicate_outputs() -> None:
    def f(x: Any) -> Any:
        y = fnp.tanh(x)
        z = fnp.exp(y)  # y is an output: z may not overwrite it
        w = z * 2.0  # z is dead afterwards but it is an output too
        return [y, z, w, y, w]

    x = np.linspace(-1, 1, 5)
    ir = functrans.make_ir(f)(x)
    for reuse in (False, True):
        got = compile_ir(ir, reuse_buffers=reuse)(x)
        ref = eval_ir(ir, ir.consts, [x])
        assert_exact(got, ref, ir)
        assert got[0] is got[3] and got[2] is got[4]
        assert not np.shares_memory(got[0], got[1]) and not np.shares_memory(got[1], got[2])


def test_reuse_through_stop_gradient_and_transpose_aliases() -> None:
    def f(x: Any) -> Any:
        a = fnp.exp(x)
        s = functrans.stop_gradient(a)  # the same object as a
        t = a.T  # a view of a
        b = fnp.sin(s)  # a is still alive through t: not in place
        return [b + t.T, s * 1]

    x = np.random.default_rng(0).normal(size=(3, 2))
    ir = functrans.make_ir(f)(x)
    assert "stop_gradient" in [e.prim.name for e in ir.eqns]
    got = compile_ir(ir)(x)
    assert_exact(got, eval_ir(ir, ir.consts, [x]), ir)


def test_plan_buffer_reuse_directly() -> None:
    x = Var(ShapedArray((3,), np.dtype(np.float64)))
    a, b, c, d = (Var(x.aval) for _ in range(4))
    eqns = [
        Eqn(lax.exp_p, [x], {}, [a]),  # 0: fresh
        Eqn(lax.reshape_p, [a], {"new_shape": (3,)}, [b]),  # 1: a view of a
        Eqn(lax.sin_p, [a], {}, [c]),  # 2: a is dead but b (its view) is used at 3
        Eqn(lax.add_p, [c, b], {}, [d]),  # 3: c is dead and owned: write into c
    ]
    ir = IR([], [], [x], eqns, [d])
    kinds = ["fresh", "view", "fresh", "fresh"]
    plan = plan_buffer_reuse(ir, kinds, [True, False, True, True])
    assert plan == {3: c}
    # without the view, eqn 2 may write into a
    eqns2 = [eqns[0], Eqn(lax.sin_p, [a], {}, [c]), Eqn(lax.add_p, [c, x], {}, [d])]
    ir2 = IR([], [], [x], eqns2, [d])
    assert plan_buffer_reuse(ir2, ["fresh"] * 3, [True] * 3) == {1: a, 2: c}


def test_no_reuse_across_shape_or_dtype_changes_or_zero_dims() -> None:
    def f(x: Any, y: Any) -> Any:
        a = fnp.exp(x)  # (3, 1)
        b = a + y  # (3, 4): a has the wrong shape
        c = b > 0.5  # bool
        d = fnp.astype(c, np.float64) * b  # astype is fresh, float64 (3, 4)
        s = fnp.sum(d)  # 0-d
        return [d, fnp.sin(s)]

    args = [np.ones((3, 1)), np.ones((3, 4))]
    ir = functrans.make_ir(f)(*args)
    comp = compile_ir(ir)
    assert "np_add(a_, b, out=" not in comp.source
    assert_exact(comp(*args), eval_ir(ir, ir.consts, args), ir)


# --------------------------------------------------------------------------- special outputs and programs


def test_literal_input_constant_and_duplicate_outputs() -> None:
    const = np.arange(3.0)

    def f(x: Any) -> Any:
        return [x, 2.0, const, x, 7, np.float32(1.5), const.reshape(3, 1)]

    x = np.ones(3)
    ir = functrans.make_ir(f)(x)
    assert ir.eqns == []
    c = compile_ir(ir)
    got = c(x)
    assert_exact(got, eval_ir(ir, ir.consts, [x]), ir)
    assert got[1].dtype == np.float64 and got[4].dtype == np.int64 and got[5].dtype == np.float32
    # returned constants are copies: modifying them does not change the program
    got[2][:] = -1
    assert_exact(c(x), eval_ir(ir, ir.consts, [x]), ir)
    np.testing.assert_array_equal(const, np.arange(3.0))


def test_outputs_aliasing_constants_are_copies() -> None:
    const = np.arange(6.0)
    ir = functrans.make_ir(lambda x: [fnp.reshape(const, (2, 3)) + 0 * x, const.reshape(2, 3).T])(np.ones(()))
    ir = optimize(ir)  # the results are now constants or views of them
    c = compile_ir(ir)
    out = c(np.ones(()))
    for o in out:
        o[...] = 0
    np.testing.assert_array_equal(const, np.arange(6.0))
    assert_exact(c(np.ones(())), eval_ir(ir, ir.consts, [np.ones(())]), ir)


def test_zero_equation_and_zero_input_programs() -> None:
    ir = IR([], [], [], [], [Literal(3.0)])
    assert compile_ir(ir)() == [np.float64(3.0)]
    x = Var(ShapedArray((2,), np.dtype(np.float32)))
    ir = IR([], [], [x], [], [x])
    arr = np.ones(2, np.float32)
    assert compile_ir(ir)(arr)[0] is arr


def test_fallback_primitive_and_multiple_results() -> None:
    cumsum_p = Primitive("test_cumsum")
    cumsum_p.impl = lambda x, axis: np.cumsum(x, axis=axis)
    cumsum_p.abstract_eval = lambda x, axis: x
    split_p = Primitive("test_split", multiple_results=True)
    split_p.impl = lambda x, n: list(np.split(x, n))
    split_p.abstract_eval = lambda x, n: [ShapedArray((x.shape[0] // n,) + x.shape[1:], x.dtype)] * n

    def f(x: Any) -> Any:
        y = cumsum_p.bind(fnp.sin(x), axis=0)
        a, b = split_p.bind(y, n=2)
        return [a * b, fnp.exp(a), y]

    x = np.linspace(0, 1, 4)
    ir = functrans.make_ir(f)(x)
    for reuse in (False, True):
        c = compile_ir(ir, reuse_buffers=reuse)
        assert "impl_test_cumsum(" in c.source and "(d, e) = impl_test_split(" in c.source
        got = c(x)
        assert_exact(got, eval_ir(ir, ir.consts, [x]), ir)
        # a and b are views of y (an output): nothing may write into them
        np.testing.assert_array_equal(got[2], np.cumsum(np.sin(x)))


jit_p = Primitive("jit", multiple_results=True)
jit_p.impl = lambda *args, ir, name: eval_ir(ir, ir.consts, args)
jit_p.abstract_eval = lambda *avals, ir, name: ir.out_avals


def test_jit_equations_are_compiled_recursively() -> None:
    c = np.array([1.0, -2.0, 0.5])
    inner = functrans.make_ir(lambda x: [fnp.tanh(x) * c, x])(np.ones(3))

    def outer_fn(x: Any) -> Any:
        a, b = jit_p.bind(x, ir=inner, name="inner")
        (d, _) = jit_p.bind(a, ir=inner, name="inner")
        return [a + b * d, b]

    x = np.linspace(-1, 1, 3)
    ir = functrans.make_ir(outer_fn)(x)
    typecheck_ir(ir)
    comp = compile_ir(ir)
    assert comp.source.count("jit_inner(") == 2
    got = comp(x)
    assert_exact(got, eval_ir(ir, ir.consts, [x]), ir)
    np.testing.assert_array_equal(x, np.linspace(-1, 1, 3))
    # the inlined and optimised program agrees to rounding
    opt = compile_ir(optimize(ir))(x)
    for g, o in zip(got, opt):
        np.testing.assert_allclose(g, o, rtol=1e-12)


def test_hand_built_ir_with_literal_operands_follows_declared_types() -> None:
    x = Var(ShapedArray((3,), np.dtype(np.float32)))
    s, y = Var(ShapedArray((), np.dtype(np.float64))), Var(ShapedArray((3,), np.dtype(np.float64)))
    ir = IR([], [], [x], [Eqn(lax.add_p, [Literal(1.0), Literal(2.0)], {}, [s]), Eqn(lax.mul_p, [x, s], {}, [y])], [y])
    typecheck_ir(ir)
    (got,) = compile_ir(ir)(np.ones(3, np.float32))
    assert got.dtype == np.float64  # as declared (eval_ir would keep 1.0 + 2.0 weakly typed)
    np.testing.assert_array_equal(got, np.full(3, 3.0))


def test_nested_derivative_compiled_after_optimisation() -> None:
    d = _nth(fnp.tanh, 7)
    ir = functrans.make_ir(d)(np.float64(0.0))
    c = compile_ir(optimize(ir))
    for x in (-0.7, 0.3, 1.1):
        np.testing.assert_allclose(c(np.float64(x))[0], d(x), rtol=1e-10)


# --------------------------------------------------------------------------- random programs

_UNARY: list[Callable[[Any], Any]] = [
    fnp.sin,
    fnp.tanh,
    fnp.exp,
    fnp.abs,
    lambda x: -x,
    lambda x: x * 2.0,
    lambda x: x + 1,
    lambda x: x**2,
    lambda x: x * 1.0,
    lambda x: 0.0 - x,
    lambda x: functrans.stop_gradient(x),
    lambda x: x * _K[: fnp.shape(x)[-1]] if fnp.ndim(x) else x,
]
_BINARY: list[Callable[[Any, Any], Any]] = [
    fnp.add,
    fnp.subtract,
    fnp.multiply,
    lambda a, b: a / (1.0 + b * b),
    fnp.maximum,
    fnp.minimum,
    lambda a, b: fnp.where(a > b, a, b),
]
_K = np.linspace(-1.0, 1.0, 4)


def _random_program(rng: np.random.Generator) -> Callable[..., Any]:
    """A random straight-line program over a pool of values of shapes (3, 4), (4,) and their
    transposes, reshapes, reductions, slices and broadcasts; returns several of its values."""
    steps = [
        (int(rng.integers(0, 6)), [int(v) for v in rng.integers(0, 10**6, size=3)]) for _ in range(rng.integers(3, 20))
    ]
    n_out = int(rng.integers(1, 4))

    def f(x: Any, y: Any) -> Any:
        pool = [x, y]
        for kind, (i, j, k) in steps:
            a, b = pool[i % len(pool)], pool[j % len(pool)]
            if kind == 0:
                v = _UNARY[k % len(_UNARY)](a)
            elif kind == 1:
                try:
                    v = _BINARY[k % len(_BINARY)](a, b)
                except ValueError:  # shapes that do not broadcast
                    v = a
            elif kind == 2:
                v = a.T if fnp.ndim(a) == 2 else fnp.reshape(a, (-1,))
            elif kind == 3:
                v = fnp.sum(a, axis=0, keepdims=bool(k % 2)) if fnp.ndim(a) else a
            elif kind == 4:
                v = a[::-1] if fnp.ndim(a) else a
            else:
                v = fnp.broadcast_to(a, (2, *fnp.shape(a))) if fnp.ndim(a) < 3 else a
            pool.append(v)
        return [pool[-1 - (3 * i) % len(pool)] for i in range(n_out)] + [pool[-1]]

    return f


@pytest.mark.parametrize("seed", range(8))
def test_random_programs_with_and_without_reuse(seed: int) -> None:
    in_place = 0
    for trial in range(12):
        rng = np.random.default_rng(1000 * seed + trial)
        dtype = (np.float64, np.float32)[trial % 2]
        x, y = rng.normal(size=(3, 4)).astype(dtype), rng.normal(size=4).astype(dtype)
        ir = functrans.make_ir(_random_program(rng))(x, y)
        for prog in (ir, optimize(ir)):
            ref = eval_ir(prog, prog.consts, [x, y])
            for reuse in (False, True):
                c = compile_ir(prog, reuse_buffers=reuse)
                in_place += c.reused
                for _ in range(2):
                    xc, yc = x.copy(), y.copy()
                    got = c(x, y)
                    assert_exact(got, ref, prog)
                    _check_aliasing(got, ref, prog, [x, y])
                    np.testing.assert_array_equal(x, xc)
                    np.testing.assert_array_equal(y, yc)
        np.testing.assert_array_equal(_K, np.linspace(-1.0, 1.0, 4))
    assert in_place > 0
