"""tree_unflatten builds a tuple or list of leaves inside a larger tree in one step (no
recursive call per such node); the rebuilt tree is the original."""

from __future__ import annotations

from typing import Any

import numpy as np

from functrans._src import tree_util
from functrans.tree_util import tree_flatten, tree_unflatten


def test_flat_children_built_without_recursion(monkeypatch: Any) -> None:
    calls: list[int] = []
    orig = tree_util._build

    def counting(d: Any, it: Any) -> Any:
        calls.append(d.num_leaves)
        return orig(d, it)

    monkeypatch.setattr(tree_util, "_build", counting)
    params = [(np.ones((2, 2)), np.zeros(2)) for _ in range(4)]
    tree_flatten(params)  # the leaf type seen once: the pairs flatten to flat nodes from now on
    leaves, tree = tree_flatten(params)
    out = tree_unflatten(tree, leaves)
    assert type(out) is list and all(type(p) is tuple for p in out)
    assert all(a is b for a, b in zip(tree_flatten(out)[0], leaves))
    assert calls == [8]  # the outer list only: each (W, b) pair is built in place


def test_mixed_trees_round_trip() -> None:
    tree = [(1.0, 2.0), [3.0, [4.0, 5.0], {"a": 6.0, "b": (7.0,)}], (), [], None, ((8.0, 9.0), [10.0])]
    leaves, d = tree_flatten(tree)
    out = tree_unflatten(d, leaves)
    assert out == tree
    assert type(out[1][1]) is list and type(out[5][0]) is tuple and type(out[3]) is list
