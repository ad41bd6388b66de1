"""Eager grad through the recorded tape and its cached compiled backward program
(functrans._src.tape): results equal the normal path's, bit for bit; values are never baked
in; the fallbacks take the normal path; compilations are counted and cached."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from work_helpers import grad_normal_path

import functrans
import functrans.numpy as fnp
from functrans._src import tape
from functrans.tree_util import tree_leaves


@pytest.fixture
def mode(tape_on: Any) -> Any:
    """Run with the tape forced on (no warm-up); ``mode(m)`` switches."""
    return tape_on


_normal = grad_normal_path


def _same(a: Any, b: Any) -> None:
    la, lb = tree_leaves(a), tree_leaves(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        assert type(x) is type(y)
        assert np.shape(x) == np.shape(y) and np.asarray(x).dtype == np.asarray(y).dtype
        assert np.array_equal(x, y, equal_nan=True), (x, y)  # bit for bit (no rounding difference)


def _mlp(params: list[tuple[Any, Any]], X: Any, y: Any) -> Any:
    h = X
    for W, b in params[:-1]:
        h = fnp.tanh(h @ W + b)
    W, b = params[-1]
    return fnp.mean((h @ W + b - y) ** 2)


def _mlp_problem(width: int = 5, batch: int = 7, seed: int = 0) -> tuple[Any, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = [(rng.standard_normal((width, width)), rng.standard_normal(width)) for _ in range(2)]
    params.append((rng.standard_normal((width, 1)), rng.standard_normal(1)))
    return params, rng.standard_normal((batch, width)), rng.standard_normal((batch, 1))


def test_mlp_bitwise_and_one_compile(mode: Any) -> None:
    params, X, y = _mlp_problem()
    ref = _normal(_mlp, params, X, y)
    g = functrans.grad(_mlp)
    c0 = tape.stats["compiles"]
    for _ in range(4):
        _same(g(params, X, y), ref)
    assert tape.stats["compiles"] == c0 + 1  # one structure, compiled once, then cache hits
    assert tape.stats["hits"] >= 3
    # a new wrapper of the same function hits the global cache
    _same(functrans.grad(_mlp)(params, X, y), ref)
    assert tape.stats["compiles"] == c0 + 1


def test_argnums_tuple_value_and_grad(mode: Any) -> None:
    params, X, y = _mlp_problem(seed=1)
    vg = functrans.value_and_grad(_mlp, argnums=(0, 1))
    mode("off")
    v0, g0 = functrans.value_and_grad(_mlp, argnums=(0, 1))(params, X, y)
    mode("always")
    for _ in range(2):
        v, g = vg(params, X, y)
        _same(v, v0)
        _same(g, g0)


def test_control_flow_on_values(mode: Any) -> None:
    def f(x: Any) -> Any:
        if fnp.sum(x) > 0:
            return fnp.sum(fnp.sin(x) * x)
        return fnp.sum(fnp.exp(x))

    g = functrans.grad(f)
    for x in (np.array([1.0, 2.0]), np.array([-1.0, -2.0]), np.array([3.0, 0.5]), np.array([-3.0, 0.5])):
        _same(g(x), _normal(f, x))


def test_closed_over_array_mutated_between_calls(mode: Any) -> None:
    c = np.array([1.0, 2.0, 3.0])
    g = functrans.grad(lambda x: fnp.sum(fnp.tanh(x) * c))
    x = np.array([0.1, 0.2, 0.3])
    _same(g(x), (1 - np.tanh(x) ** 2) * c)
    c[:] = [5.0, -1.0, 0.5]  # the backward program reads the current value (not a baked-in copy)
    _same(g(x), (1 - np.tanh(x) ** 2) * c)
    # a gradient that is the closed-over array itself comes back as a fresh copy
    k = np.array([2.0, 4.0])
    gk = functrans.grad(lambda x: fnp.sum(x * k))
    for _ in range(2):
        r = gk(np.ones(2))
        assert np.array_equal(r, k) and not np.shares_memory(r, k)


def test_python_scalar_operands_change(mode: Any) -> None:
    scale = [1.5]
    g = functrans.grad(lambda x: fnp.sum(fnp.sin(x) * scale[0]) + scale[0] * 2.0)
    x = np.array([0.3, -0.7])
    c0 = tape.stats["compiles"]
    for s in (1.5, 2.0, -3.25, 0.0):
        scale[0] = s
        _same(g(x), _normal(lambda x, s=s: fnp.sum(fnp.sin(x) * s) + s * 2.0, x))
    assert tape.stats["compiles"] == c0 + 1  # the scalar is an input of the program, not its key


def test_python_float_argument(mode: Any) -> None:
    f = lambda x: x * x * 3.0 + fnp.sin(x)  # noqa: E731
    g = functrans.grad(f)
    for x in (2.0, -1.5, 0.25):
        _same(g(x), _normal(f, x))
    gg = functrans.grad(functrans.grad(f))  # the outer records, the inner sees its tracers
    for x in (2.0, -1.5):
        _same(gg(x), _normal(functrans.grad(f), x))


def test_shapes_changing(mode: Any) -> None:
    g = functrans.grad(lambda x: fnp.sum(fnp.tanh(x) ** 2))
    c0 = tape.stats["compiles"]
    for n in (3, 4, 3, 5):
        x = np.linspace(-1, 1, n)
        _same(g(x), _normal(lambda x: fnp.sum(fnp.tanh(x) ** 2), x))
    assert tape.stats["compiles"] == c0 + 3


def test_has_aux(mode: Any) -> None:
    def f(x: Any) -> Any:
        y = fnp.sin(x)
        return fnp.sum(y * y), {"y": y, "n": 3}

    g = functrans.grad(f, has_aux=True)
    x = np.array([0.5, 1.0])
    for _ in range(2):
        gr, aux = g(x)
        _same(gr, 2 * np.sin(x) * np.cos(x))
        assert type(aux["y"]) is np.ndarray and np.array_equal(aux["y"], np.sin(x)) and aux["n"] == 3


def test_constant_output_and_unused_argument(mode: Any) -> None:
    g = functrans.grad(lambda x, y: fnp.sum(y * 2.0), argnums=(0, 1))
    gx, gy = g(np.ones(3), np.ones(2))
    _same((gx, gy), (np.zeros(3), np.full(2, 2.0)))
    g2 = functrans.grad(lambda x: 3.0)
    _same(g2(np.ones(2)), _normal(lambda x: 3.0, np.ones(2)))


def test_tracer_behaves_like_jvp_tracer(mode: Any) -> None:
    seen: list[Any] = []

    def f(x: Any) -> Any:
        seen.append((repr(x), float(x[0]), int(x[1]), x.shape, x.dtype, x.ndim, x[0] > 0))
        with pytest.raises(TypeError):
            np.asarray(x)
        kept.append(x)
        return fnp.sum(np.sin(x))  # __array_ufunc__ dispatches to functrans

    kept: list[Any] = []
    functrans.grad(f)(np.array([1.5, 2.0]))
    mode("off")
    functrans.grad(f)(np.array([1.5, 2.0]))
    assert seen[0][0] == seen[1][0]  # the same repr as under the JVP trace
    assert seen[0][1:6] == seen[1][1:6]
    for t in kept:  # used after grad returned: the same error as a JVP tracer's
        with pytest.raises(functrans.EscapedTracerError):
            fnp.sin(t)


def test_fallbacks_give_normal_results(mode: Any) -> None:
    x = np.array([0.3, 0.9])
    f = lambda x: fnp.sum(fnp.tanh(x) ** 3)  # noqa: E731
    ref = _normal(f, x)
    c0 = tape.stats["compiles"]
    _same(functrans.jit(functrans.grad(f))(x), functrans.jit(functrans.grad(f))(x))
    _same(functrans.vmap(functrans.grad(f))(np.stack([x, x])), np.stack([ref, ref]))
    _same(functrans.jvp(functrans.grad(f), (x,), (np.ones(2),))[0], ref)
    assert tape.stats["compiles"] == c0  # none of these recorded
    # integer inputs (allow_int) and complex inputs take the normal path
    gi = functrans.grad(lambda x, n: fnp.sum(x * n), argnums=(0, 1), allow_int=True)
    r = gi(x, np.int64(3))
    assert r[1].dtype == functrans.float0
    z = np.array([1.0 + 2.0j])
    _same(functrans.grad(lambda z: fnp.sum(fnp.abs(z) ** 2))(z), 2 * np.conj(z))


def test_custom_jvp_falls_back_once(mode: Any) -> None:
    @functrans.custom_jvp
    def f(x: Any) -> Any:
        return fnp.sin(x)

    @f.defjvp
    def f_jvp(primals: Any, tangents: Any) -> Any:
        (x,), (t,) = primals, tangents
        return f(x), 2.0 * t  # a deliberately different derivative: the rule must be used

    calls = []

    def loss(x: Any) -> Any:
        calls.append(1)
        return fnp.sum(f(x))

    g = functrans.grad(loss)
    x = np.array([0.1, 0.2])
    _same(g(x), np.full(2, 2.0))
    assert len(calls) == 2  # found while recording: run again on the normal path, once
    _same(g(x), np.full(2, 2.0))
    assert len(calls) == 3  # the wrapper keeps to the normal path


def test_debug_print_runs_once(mode: Any, capsys: Any) -> None:
    def f(x: Any) -> Any:
        functrans.debug.print("v={v}", v=x[0])
        return fnp.sum(x * x)

    g = functrans.grad(f)
    for _ in range(2):
        _same(g(np.array([2.0, 1.0])), np.array([4.0, 2.0]))
    assert capsys.readouterr().out.count("v=2.0") == 2


def test_exceptions_unchanged(mode: Any) -> None:
    def run(f: Any, x: Any) -> tuple[type, str]:
        try:
            functrans.grad(f)(x)
        except Exception as e:  # noqa: BLE001
            return type(e), str(e).split("\n")[0]
        raise AssertionError("no error")

    def loop(x: Any) -> Any:
        return fnp.sum(functrans.lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2.0), (0, x))[1])

    x = np.array([1.0, 2.0])
    cases = [lambda x: x * 2.0, lambda x: fnp.sum(x)[None], loop, lambda x: fnp.sum(x) + np.ones(3)]
    for f in cases:
        mode("always")
        got = run(f, x)
        mode("off")
        assert got == run(f, x)


def test_cache_eviction(mode: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(tape, "CACHE_SIZE", 2)
    fs = [lambda x, k=k: fnp.sum(fnp.sin(x) ** (k + 1)) for k in range(4)]
    x = np.array([0.4, 0.6])
    c0 = tape.stats["compiles"]
    for _ in range(2):
        for f in fs:
            _same(functrans.grad(f)(x), _normal(f, x))
    assert len(tape._cache) == 2
    assert tape.stats["compiles"] == c0 + 8  # each evicted before it came round again


def test_auto_tiering(mode: Any, monkeypatch: Any) -> None:
    mode("auto")
    f = lambda x: fnp.sum(fnp.cos(x) * x)  # noqa: E731
    g = functrans.grad(f)
    x = np.array([0.5, 1.5])
    c0 = tape.stats["compiles"]
    for _ in range(tape.WARMUP_CALLS):
        _same(g(x), _normal(f, x))
    assert tape.stats["compiles"] == c0  # the first calls take the normal path
    _same(g(x), _normal(f, x))
    assert tape.stats["compiles"] == c0 + 1
    # a wrapper whose structure keeps changing stops compiling after MAX_COMPILES
    gv = functrans.grad(lambda x: fnp.sum(fnp.sin(x)))
    c1 = tape.stats["compiles"]
    for n in range(2, 2 + tape.WARMUP_CALLS + tape.MAX_COMPILES + 3):
        xs = np.linspace(0, 1, n)
        _same(gv(xs), np.cos(xs))
    assert tape.stats["compiles"] == c1 + tape.MAX_COMPILES


def test_no_recording_inside_transformations(mode: Any) -> None:
    # grad(grad(f)): the outer records; the inner sees its tracers and takes the normal path
    f = lambda x: fnp.sum(fnp.tanh(x) ** 2)  # noqa: E731
    gg = functrans.grad(lambda x: fnp.sum(functrans.grad(f)(x)))
    x = np.array([0.2, -0.4])
    mode("off")
    ref = gg(x)
    mode("always")
    for _ in range(2):
        _same(gg(x), ref)


def test_nested_scalar_derivatives(mode: Any) -> None:
    # d^k tanh by nested grad: the outer grad records the inner ones' work. Bit for bit up to k = 4;
    # at k = 5, 6 within a few ulp: the normal path's top-level linearize shares products of
    # equal Python scalars by value (its memo), the backward program (which takes them as inputs)
    # does not, and the rounding of such a product differs.
    def nested(k: int) -> Any:
        f = fnp.tanh
        for _ in range(k):
            f = functrans.grad(f)
        return f

    for k in range(1, 7):
        mode("off")
        ref = nested(k)(0.3)
        mode("always")
        got = nested(k)(0.3)
        if k <= 4:
            _same(got, ref)
        else:
            assert abs(float(got) - float(ref)) <= 4 * np.spacing(abs(float(ref)))


def test_bad_operand_error_unchanged(mode: Any) -> None:
    from functrans._src.lax import elementwise

    def f(x: Any) -> Any:
        return fnp.sum(elementwise.add_p.bind(x, [1.0, 2.0]))

    msgs = []
    for m in ("always", "off"):
        mode(m)
        with pytest.raises(TypeError) as e:
            functrans.grad(f)(np.ones(2))
        msgs.append(str(e.value).split("\n")[0])
    assert msgs[0] == msgs[1] and "expects arrays or scalars" in msgs[0]


def test_backward_program_takes_and_drops_its_inputs(mode: Any) -> None:
    # the compiled backward program takes a list it empties, and drops each input after its
    # last use (codegen's take_args): the forward's values are freed during the backward pass
    params, X, y = _mlp_problem(width=6, batch=4, seed=3)
    g = functrans.grad(_mlp)
    g(params, X, y)
    (entry,) = [e for e in tape._cache.values() if e is not tape._FAILED]
    src = entry.fn.__code__.co_varnames[:1]
    assert src == ("_args",)
    from functrans._src.codegen import compile_ir

    compiled = compile_ir(entry.ir, take_args=True, name="t")
    assert "_args.clear()" in compiled.source
    names = compiled.source.split(") = _args")[0].rsplit("(", 1)[1].replace(" ", "").rstrip(",").split(",")
    dropped = [n for n in names if re.search(rf"^\s*del .*\b{n}\b", compiled.source, re.M)]
    assert dropped  # inputs are dropped after their last use (not kept to the end)
    args = [np.ones(v.aval.shape) for v in entry.ir.invars]
    n = len(args)
    out = compiled.fn(args)
    assert args == [] and len(out) == len(entry.ir.outvars) and n > 0
