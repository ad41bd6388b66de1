"""jit's dispatch fast path for pytree arguments whose leaves are plain ndarrays (no timing)."""

from __future__ import annotations

import numpy as np

import functrans
from functrans._src.tree_util import PyTreeDef


def test_pytree_arguments_take_the_fast_path_after_the_first_call():
    calls = []

    def f(params, x):
        calls.append(1)
        (w, b), = params
        return {"y": x @ w + b, "w": w}

    jf = functrans.jit(f)
    w, b, x = np.ones((3, 2)), np.arange(2.0), np.ones((4, 3))
    first = jf([(w, b)], x)
    assert any(type(k[0]) is PyTreeDef for k in jf._fast)  # registered under the arguments' structure
    again = jf([(w, b)], x)
    assert len(calls) == 1
    np.testing.assert_array_equal(again["y"], first["y"])
    np.testing.assert_array_equal(again["y"], x @ w + b)
    # an output that is an input is returned as a copy, on the fast path too
    assert again["w"] is not w and not np.shares_memory(again["w"], w)


def test_pytree_fast_path_respects_structure_shape_and_dtype():
    jf = functrans.jit(lambda d: d["a"] * 2 + d["b"].sum())
    a = np.ones(3)
    assert jf({"a": a, "b": np.ones(2)}).tolist() == [4.0, 4.0, 4.0]
    assert jf({"a": a, "b": np.ones(2)}).tolist() == [4.0, 4.0, 4.0]
    assert jf({"a": np.ones(2), "b": np.ones(2)}).shape == (2,)  # new shape: retraced
    out = jf({"a": np.ones(3, np.float32), "b": np.ones(2, np.float32)})
    assert out.dtype == np.float32
    # a different structure with the same leaves is a different specialisation
    jg = functrans.jit(lambda t: t[0] - t[1])
    assert jg((np.ones(2), np.zeros(2))).tolist() == [1.0, 1.0]
    assert jg([np.ones(2), np.zeros(2)]).tolist() == [1.0, 1.0]
    assert len(jg._cache) == 2
    # a non-array leaf leaves the fast path (a Python scalar is weakly typed)
    assert jf({"a": a, "b": 2.0}).tolist() == [4.0, 4.0, 4.0]


def test_unaliased_many_results():
    """core.unaliased with several results: fresh, distinct, writable arrays pass as they
    are (the fast check); inputs, repeats, read-only arrays and views of inputs are copies."""
    from functrans._src.core import unaliased

    x, a, b = np.ones(3), np.zeros(2), np.arange(4.0)
    outs = unaliased([a, b, np.float64(2.0)], [x])
    assert outs[0] is a and outs[1] is b and outs[2] == 2.0
    ro = np.ones(2)
    ro.flags.writeable = False
    for case in ([a, x], [a, a], [a, ro], [a, x[1:]], [a, b.reshape(2, 2)]):
        got = unaliased(case, [x])
        assert got[0] is a
        assert all(g.flags.writeable for g in got)
        assert not np.shares_memory(got[1], x) and not np.shares_memory(got[1], got[0])
        np.testing.assert_array_equal(got[1], case[1])
    assert unaliased([a, b.reshape(2, 2)], [x])[1].base is b  # a view of a result: as it is
    got = unaliased([a, b], [x], kept=[b])
    assert got[0] is a and got[1] is not b
