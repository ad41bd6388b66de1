"""The eager tape keeps only the results its wrapper's last backward program read
(functrans._src.tape: TapeState.keep): the others are freed as the function drops them.
Gradients stay those of the normal path, bit for bit, when the structure changes between
calls (a value the new program needs was not kept: that call replays the tape), and every
structure still gets its compiled program."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from work_helpers import grad_normal_path

import functrans
import functrans.numpy as fnp
from functrans._src import tape


@pytest.fixture
def always() -> Iterator[None]:
    prev = tape.set_mode("always")
    tape.clear_cache()
    before = dict(tape.stats)
    yield
    tape.set_mode(prev)
    tape.stats.update(before)


_normal = grad_normal_path


def _same(a: Any, b: Any) -> None:
    assert type(a) is type(b) and np.array_equal(a, b), (a, b)


def _branchy(x: Any) -> Any:
    # the structure depends on the values: two backward programs that read different slots
    h = fnp.tanh(x * 2.0 + 0.5)
    if float(fnp.sum(x)) > 0:
        return fnp.sum(fnp.sin(h) * h)
    return fnp.sum(fnp.exp(h) + h * h)


def test_alternating_structures_are_exact_and_both_compiled(always: None) -> None:
    g = functrans.grad(_branchy)
    xs = [np.linspace(0.1, 0.9, 6), np.linspace(-0.9, -0.1, 6)]
    c0 = tape.stats["compiles"]
    for i in range(6):
        x = xs[i % 2]
        _same(g(x), _normal(_branchy, x))
    assert tape.stats["compiles"] == c0 + 2  # one program per structure, not a replay for ever
    hits = tape.stats["hits"]
    for i in range(4):
        x = xs[i % 2]
        _same(g(x), _normal(_branchy, x))
    assert tape.stats["hits"] == hits + 4 and tape.stats["compiles"] == c0 + 2


def test_shapes_changing_after_the_keep_set_is_learned(always: None) -> None:
    f = lambda x: fnp.sum(fnp.tanh(x) ** 2 * fnp.cos(x))  # noqa: E731
    g = functrans.grad(f)
    for n in (3, 3, 4, 3, 5, 4):
        x = np.linspace(-1.0, 1.0, n)
        _same(g(x), _normal(f, x))


def test_intermediates_not_read_backward_are_freed_during_the_forward(always: None) -> None:
    # x @ W is not read by the backward program (the gradient of x @ W + 1 needs x and W, and
    # tanh's needs its output): once the wrapper knows that, the tape does not keep it
    seen: list[Any] = []
    W = np.random.default_rng(0).standard_normal((8, 8))

    def f(x: Any) -> Any:
        z = x @ W
        seen.append(weakref.ref(z.val) if hasattr(z, "val") else None)
        h = fnp.tanh(z + 1.0)
        del z
        gc.collect()
        seen.append(seen[-1] is not None and seen[-1]() is None)  # freed already?
        return fnp.sum(h * h)

    g = functrans.grad(f)
    x = np.random.default_rng(1).standard_normal((4, 8))
    g(x)  # learns the backward program's slots
    g(x)
    assert seen[-1] is True  # on the second call x @ W was not kept by the tape
    _same(g(x), _normal(f, x))


def test_forward_values_are_held_only_by_the_backward_program(always: None) -> None:
    # the backward program takes the forward's values as a list it empties, freeing each after
    # its last use: nothing else (the tape, the gradient call's frames) may still hold them
    W = np.random.default_rng(0).standard_normal((8, 8))
    f = lambda x: fnp.sum(fnp.tanh(x @ W) ** 2)  # noqa: E731
    g = functrans.grad(f)
    x = np.random.default_rng(1).standard_normal((4, 8))
    g(x)
    (entry,) = [e for e in tape._cache.values() if e is not tape._FAILED]
    real, alive = entry.fn, []

    def watching(args: list[Any]) -> Any:
        refs = [weakref.ref(a) for a in args if type(a) is np.ndarray and a is not x and a is not W]
        kept = list(args)
        res = real(args)
        del kept
        gc.collect()
        alive.append(sum(r() is not None for r in refs))
        return res

    entry.fn = watching
    try:
        _same(g(x), _normal(f, x))
    finally:
        entry.fn = real
    assert alive == [0]
