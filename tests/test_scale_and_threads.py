"""Issue 10: long programs, deep pytrees, bounded caches, flat memory and thread-local state."""

from __future__ import annotations

import gc
import sys
import threading
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans.tree_util import tree_flatten, tree_leaves, tree_map, tree_structure, tree_unflatten

# --------------------------------------------------------------------------- long programs


def _chain(n: int, step: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def f(x):
        for _ in range(n):
            x = step(x)
        return fnp.sum(x)

    return f


@pytest.mark.parametrize(
    "step",
    [fnp.sin, lambda x: x * 1.1 + 0.3, lambda x: fnp.tanh(x) * x - 0.1, lambda x: -(x * x) * 0.5],
    ids=["sin", "affine", "tanh*x", "square"],
)
def test_jit_grad_of_chain_longer_than_the_recursion_limit(step):
    n = 2 * sys.getrecursionlimit()
    f = _chain(n, step)
    x = np.full(3, 0.1)
    np.testing.assert_allclose(functrans.jit(functrans.grad(f))(x), functrans.grad(f)(x), rtol=1e-9, atol=1e-300)


def test_buffer_reuse_plan_of_a_long_chain():
    from functrans._src.codegen import compile_ir

    ir = functrans.make_ir(_chain(3000, fnp.sin))(np.ones(4))
    c = compile_ir(ir)
    assert c.reused >= 2999  # every sin but the first writes into its operand's buffer
    np.testing.assert_allclose(c(np.ones(4))[0], _chain(3000, np.sin)(np.ones(4)))


# --------------------------------------------------------------------------- deep pytrees


def _deep(depth: int, leaf: Any) -> Any:
    x = leaf
    for i in range(depth):
        x = (x,) if i % 3 == 0 else ([x, None] if i % 3 == 1 else {"k": x})
    return x


def test_pytrees_nested_10000_deep():
    x = _deep(10_000, 1.0)
    leaves, td = tree_flatten(x)
    assert leaves == [1.0]
    assert td == tree_structure(_deep(10_000, 2.0)) and hash(td) == hash(tree_structure(_deep(10_000, 3.0)))
    assert td != tree_structure(_deep(9_999, 1.0))
    assert td.num_nodes == 10_000 + 1 + 3333  # nodes, the leaf and the Nones
    y = tree_unflatten(td, [5.0])
    assert tree_leaves(y) == [5.0]
    assert td.flatten_up_to(y) == [5.0]
    assert tree_leaves(tree_map(lambda v: v * 2, x)) == [2.0]
    assert "PyTreeDef(" in repr(td)


def test_transformations_of_deep_pytrees():
    x = _deep(5_000, np.ones(2))

    def f(t):
        return fnp.sum(fnp.sin(tree_leaves(t)[0]))

    g = functrans.grad(f)(x)
    np.testing.assert_allclose(tree_leaves(g)[0], np.cos(np.ones(2)))
    np.testing.assert_allclose(functrans.jit(f)(x), 2 * np.sin(1.0))
    np.testing.assert_allclose(functrans.vmap(f)(x), np.sin(1.0) * np.ones(2))


# --------------------------------------------------------------------------- caches


def test_jit_cache_is_lru_bounded():
    traces = []

    def f(x):
        traces.append(x.shape)
        return x * 2

    jf = functrans.jit(f, cache_size=3)
    for n in (1, 2, 3, 1, 4):  # 1 is used again before 4 arrives: 2 is the least recent
        jf(np.ones(n))
    assert jf._cache_size() == 3
    jf(np.ones(1))
    jf(np.ones(3))
    assert len(traces) == 4
    jf(np.ones(2))  # evicted: traced again
    assert len(traces) == 5
    assert functrans.jit(f)._cache_size() == 0 and functrans._src.jit.DEFAULT_CACHE_SIZE == 8192
    with pytest.raises(ValueError, match="cache_size"):
        functrans.jit(f, cache_size=0)


def test_clear_cache_and_clear_caches():
    traces = []

    def f(x):
        traces.append(1)
        return x + 1

    jf = functrans.jit(f)
    jf(1.0)
    jf(1.0)
    assert len(traces) == 1
    jf.clear_cache()
    jf(1.0)
    assert len(traces) == 2
    functrans.clear_caches()
    assert jf._cache_size() == 0
    assert jf(1.0) == 2.0 and len(traces) == 3
    functrans.grad(jf)(1.0)  # derived programs rebuilt after clearing


# --------------------------------------------------------------------------- memory


_MINE = ("api.py", "core.py", "jit.py", "codegen.py", "staging.py", "jvp.py", "linearize.py", "transpose.py",
         "batching.py", "optimize", "tree_util.py", "control_flow.py")  # fmt: skip


def _growth(fn: Callable[[], Any], n: int, only_mine: bool) -> int:
    for _ in range(n):  # warm up: caches fill, code paths are compiled
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(n):
            fn()
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    stats = after.compare_to(before, "filename")
    if only_mine:
        stats = [s for s in stats if "functrans" in s.traceback[0].filename and s.traceback[0].filename.endswith(_MINE)]
    return sum(s.size_diff for s in stats)


def _fresh_jit_grad() -> Any:
    x = np.ones(3)

    def outer(y):
        return fnp.sum(functrans.jit(lambda z: fnp.sin(z) * y)(y))

    return functrans.grad(outer)(x)


CALLS: dict[str, Callable[[], Any]] = {
    "grad": lambda: functrans.grad(lambda x: fnp.sum(fnp.sin(x) * x))(np.ones(3)),
    "jit(grad)": lambda: _JG(np.ones(3)),
    "grad of a fresh jit closure": _fresh_jit_grad,
    "fresh jit": lambda: functrans.jit(lambda z: z * 2.0)(np.ones(3)),
}
_JG = functrans.jit(functrans.grad(lambda x: fnp.sum(fnp.sin(x) * x)))


@pytest.mark.parametrize("name", list(CALLS))
def test_no_memory_growth_over_repeated_calls(name):
    # per call growth would show as at least n * (a few dozen bytes); fresh jits compile each call
    n = 60 if "fresh" in name else 150
    assert _growth(CALLS[name], n, only_mine=True) < 4096


def test_no_memory_growth_anywhere_in_functrans():
    # the smallest of three measurements: a one-off allocation elsewhere (a lazily filled cache of
    # the interpreter or of pytest) must not count as growth per call
    g = min(_growth(CALLS["grad"], 150, only_mine=False) for _ in range(3))
    assert g < 4096, g


# --------------------------------------------------------------------------- threads


def test_disable_jit_is_thread_local():
    traced = threading.Event()
    inside = threading.Event()
    done = threading.Event()
    calls = []

    def f(x):
        calls.append(threading.current_thread().name)
        return x * 2.0

    jf = functrans.jit(f)
    jf(1.0)  # traced once
    calls.clear()

    def debugger():
        with functrans.disable_jit():
            inside.set()
            traced.wait(10)
            jf(1.0)  # eager here: f runs
        done.set()

    t = threading.Thread(target=debugger, name="debugger")
    t.start()
    inside.wait(10)
    for _ in range(5):
        jf(1.0)  # compiled here: f does not run again
    traced.set()
    t.join(10)
    assert done.is_set()
    assert calls == ["debugger"]


def test_concurrent_transformations_agree():
    def f(x, k):
        return fnp.sum(fnp.sin(x * k) ** 2)

    jg = functrans.jit(functrans.grad(f), static_argnums=1)
    errors: list[BaseException] = []
    results: dict[tuple[int, int], Any] = {}

    def work(tid: int) -> None:
        try:
            for i in range(20):
                k = (tid + i) % 4 + 1
                x = np.linspace(0.0, 1.0, 5) + tid
                ref = 2 * k * np.sin(x * k) * np.cos(x * k)
                if tid % 2:
                    with functrans.disable_jit():
                        g = jg(x, k)
                else:
                    g = jg(x, k)
                np.testing.assert_allclose(g, ref, rtol=1e-12)
                np.testing.assert_allclose(functrans.grad(f)(x, k), ref, rtol=1e-12)
                np.testing.assert_allclose(functrans.vmap(functrans.grad(f), (0, None))(x[None], k)[0], ref)
                results[(tid, i)] = g
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors[0]
    assert len(results) == 6 * 20
