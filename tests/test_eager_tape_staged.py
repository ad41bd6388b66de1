"""Eager jacfwd / jacrev / jacobian / hessian through the tape and a compiled program of the
transformation of the recording (functrans._src.tape_staged): results equal the normal path's;
constants are passed at run time (never baked in); structure changes recompile; the fallbacks
take the normal path."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import tape
from functrans.tree_util import tree_leaves, tree_structure


def _normal(make: Any, *args: Any, **kwargs: Any) -> Any:
    prev = tape.set_mode("off")
    try:
        return make()(*args, **kwargs)
    finally:
        tape.set_mode(prev)


def _close(a: Any, b: Any, rtol: float = 1e-13) -> None:
    assert tree_structure(a) == tree_structure(b)
    for x, y in zip(tree_leaves(a), tree_leaves(b)):
        assert type(x) is np.ndarray and type(y) is np.ndarray
        assert x.shape == y.shape and x.dtype == y.dtype
        np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-15)


def _hess_problem(n: int = 6, seed: int = 0) -> tuple[np.ndarray, Any, np.ndarray]:
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n, n)) / np.sqrt(n)

    def f(x: Any) -> Any:
        return fnp.sum(fnp.log(fnp.cosh(A @ x))) + 0.5 * fnp.sum(x * x)

    return A, f, rng.standard_normal(n)


def test_hessian_matches_hand_written_and_compiles_once(tape_on: Any) -> None:
    A, f, x = _hess_problem()
    h = functrans.hessian(f)
    c0, hits0 = tape.stats["compiles"], tape.stats["hits"]
    for k in range(3):
        xk = x + k
        t = np.tanh(A @ xk)
        want = A.T @ ((1.0 - t * t)[:, None] * A) + np.eye(len(x))
        got = h(xk)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
        _close(got, _normal(lambda: functrans.hessian(f), xk))
    assert tape.stats["compiles"] - c0 == 1 and tape.stats["hits"] - hits0 == 2


def test_closed_over_array_is_read_at_each_call(tape_on: Any) -> None:
    A, f, x = _hess_problem()
    h = functrans.hessian(f)
    first = h(x)
    A *= 2.0  # the program takes A as an input: a changed A changes the Hessian
    second = h(x)
    assert not np.allclose(first, second)
    _close(second, _normal(lambda: functrans.hessian(f), x))


@pytest.mark.parametrize("jac", ["jacfwd", "jacrev", "jacobian"])
def test_pytrees_tuple_argnums_kwargs_and_scalars(tape_on: Any, jac: str) -> None:
    rng = np.random.default_rng(1)
    W = rng.standard_normal((3, 4))

    def f(p: dict[str, Any], z: Any, scale: float = 1.0) -> Any:
        h = fnp.tanh(W @ p["x"] + p["b"]) * scale
        return {"h": h, "s": fnp.sum(h * z) ** 2, "pair": (z * 3.0, fnp.exp(p["b"]))}

    p = {"x": rng.standard_normal(4), "b": rng.standard_normal(3)}
    z = rng.standard_normal(3)
    make = lambda: getattr(functrans, jac)(f, argnums=(0, 1))  # noqa: E731
    wrapped = make()
    for s in (1.0, 2.5):
        got = wrapped(p, z, scale=s)
        _close(got, _normal(make, p, z, scale=s))
    make1 = lambda: getattr(functrans, jac)(f)  # noqa: E731
    _close(make1()(p, z), _normal(make1, p, z))


def test_value_dependent_control_flow_recompiles(tape_on: Any) -> None:
    def f(x: Any) -> Any:
        if float(fnp.sum(x)) > 0:
            return fnp.sin(x) * x
        return fnp.exp(x) ** 2

    j = functrans.jacfwd(f)
    c0 = tape.stats["compiles"]
    for x in (np.arange(1.0, 4.0), -np.arange(1.0, 4.0), np.arange(2.0, 5.0)):
        _close(j(x), _normal(lambda: functrans.jacfwd(f), x))
    assert tape.stats["compiles"] - c0 == 2


def test_comparisons_and_where_are_constants_of_the_point(tape_on: Any) -> None:
    def f(x: Any) -> Any:
        return fnp.where(x > 0, x**3, -2.0 * x) + fnp.maximum(x, 0.5) * x

    def total(x: Any) -> Any:
        return fnp.sum(f(x))

    j = functrans.jacrev(f)
    h = functrans.hessian(total)
    for x in (np.array([-1.0, 0.25, 2.0]), np.array([1.0, -0.25, -2.0])):
        _close(j(x), _normal(lambda: functrans.jacrev(f), x))
        _close(h(x), _normal(lambda: functrans.hessian(total), x))


def test_results_are_fresh_writable_arrays(tape_on: Any) -> None:
    A = np.arange(6.0).reshape(2, 3)
    for jac in (functrans.jacfwd, functrans.jacrev):
        j = jac(lambda x: A @ x)  # noqa: B023
        for _ in range(2):
            J = j(np.ones(3))
            np.testing.assert_array_equal(J, A)
            assert J.flags.writeable and not np.shares_memory(J, A)
            J[0, 0] = 99.0
        ident = jac(lambda x: x)(np.ones(3))
        np.testing.assert_array_equal(ident, np.eye(3))
        ident[0, 0] = 5.0
        np.testing.assert_array_equal(jac(lambda x: x)(np.ones(3)), np.eye(3))


def test_fallbacks_take_the_normal_path(tape_on: Any) -> None:
    x = np.array([0.5, 1.5])
    # an integer output: not a traced value
    f = lambda x: (fnp.sin(x), fnp.argmax(x))  # noqa: E731
    j = functrans.jacfwd(f)
    _close(j(x), _normal(lambda: functrans.jacfwd(f), x))
    # float32 inputs, has_aux, holomorphic-free complex errors: the normal path's results and errors
    x32 = x.astype(np.float32)
    got = functrans.jacrev(fnp.sin)(x32)
    assert got.dtype == np.float32
    J, aux = functrans.jacfwd(lambda x: (fnp.sin(x), x * 2), has_aux=True)(x)
    np.testing.assert_allclose(J, np.diag(np.cos(x)))
    np.testing.assert_array_equal(aux, x * 2)
    with pytest.raises(TypeError):
        functrans.jacfwd(fnp.sin)(x.astype(np.complex128))
    with pytest.raises(TypeError):
        functrans.hessian(lambda x: fnp.sum(x), argnums=3)(x)


def test_under_other_transformations_the_normal_path_runs(tape_on: Any) -> None:
    A, f, x = _hess_problem()
    h = functrans.hessian(f)
    c0 = tape.stats["compiles"]
    jitted = functrans.jit(h)(x)
    batched = functrans.vmap(h)(np.stack([x, x + 1]))
    assert tape.stats["compiles"] == c0
    _close(jitted, h(x), rtol=1e-12)
    _close(batched[1], h(x + 1), rtol=1e-12)
    # a third derivative: jacfwd of the hessian wrapper (the inner one sees tracers)
    d3 = functrans.jacfwd(h)(x)
    assert d3.shape == (len(x),) * 3


def test_auto_mode_warms_up_then_stages() -> None:
    prev = tape.set_mode("auto")
    tape.clear_cache()
    try:
        A, f, x = _hess_problem(seed=3)
        h = functrans.hessian(f)
        c0 = tape.stats["compiles"]
        outs = [h(x) for _ in range(tape.WARMUP_CALLS + 2)]
        assert tape.stats["compiles"] - c0 == 1
        for o in outs[1:]:
            _close(o, outs[0], rtol=1e-13)
    finally:
        tape.set_mode(prev)


@pytest.mark.parametrize("normal_cost,staged_cost,kept", [(1.0, 5.0, False), (5.0, 1.0, True)])
def test_auto_mode_keeps_the_compiled_program_only_where_it_is_faster(
    monkeypatch: Any, normal_cost: float, staged_cost: float, kept: bool
) -> None:
    from functrans._src import tape_staged

    clock = [0.0, normal_cost]  # a fake clock: each reading advances by the current cost

    def fake_counter() -> float:
        clock[0] += clock[1]
        return clock[0]

    monkeypatch.setattr(tape_staged, "perf_counter", fake_counter)
    prev = tape.set_mode("auto")
    tape.clear_cache()
    try:
        A, f, x = _hess_problem(seed=4)
        h = functrans.hessian(f)
        want = _normal(lambda: functrans.hessian(f), x)
        for _ in range(tape.WARMUP_CALLS):
            _close(h(x), want)
        clock[1] = staged_cost
        slower0, hits0 = tape.stats["slower"], tape.stats["hits"]
        for _ in range(1 + tape_staged.SAMPLES + 2):  # a compile, the timed calls, then two more
            _close(h(x), want)
        assert tape.stats["slower"] - slower0 == (0 if kept else 1)
        assert tape.stats["hits"] - hits0 == (tape_staged.SAMPLES + 2 if kept else tape_staged.SAMPLES)
    finally:
        tape.set_mode(prev)


def test_closed_over_matrix_times_the_basis_is_a_guarded_slice(tape_on: Any) -> None:
    # the staged program selects A's columns as the normal path does (no product with the
    # identity), unless A holds an inf or NaN: then the product's NaN spreads, as in JAX
    rng = np.random.default_rng(5)
    A = rng.standard_normal((3, 4))
    j = functrans.jacfwd(lambda x: fnp.tanh(A @ x))
    x = rng.standard_normal(4)
    for _ in range(2):
        _close(j(x), _normal(lambda: functrans.jacfwd(lambda x: fnp.tanh(A @ x)), x))
    A[1, 2] = np.inf
    with np.errstate(invalid="ignore"):
        got = j(x)
        want = _normal(lambda: functrans.jacfwd(lambda x: fnp.tanh(A @ x)), x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(got).any()
    np.testing.assert_allclose(np.nan_to_num(got), np.nan_to_num(want), rtol=1e-13)
    lin = functrans.jacfwd(lambda x: A @ x)
    B = rng.standard_normal((3, 4))
    A[...] = B
    np.testing.assert_array_equal(lin(x), B)
    np.testing.assert_array_equal(lin(x), B)


def test_wrappers_made_anew_share_their_functions_warm_up() -> None:
    # hessian(loss)(w) inside a loop makes a new wrapper per call: they share loss's state
    prev = tape.set_mode("auto")
    tape.clear_cache()
    try:
        A, f, x = _hess_problem(seed=6)
        c0, h0 = tape.stats["compiles"], tape.stats["hits"]
        outs = [functrans.hessian(f)(x) for _ in range(tape.WARMUP_CALLS + 3)]
        assert tape.stats["compiles"] - c0 == 1 and tape.stats["hits"] - h0 == 2
        for o in outs[1:]:
            _close(o, outs[0])

        class Unhashable:  # a callable that cannot key the shared state: a wrapper's own state
            __hash__ = None  # type: ignore[assignment]

            def __call__(self, x: Any) -> Any:
                return f(x)

        g = Unhashable()
        _close(functrans.hessian(g)(x), outs[0])
    finally:
        tape.set_mode(prev)
