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
