"""Key paths, register_dataclass, Partial, tree_reduce/transpose and functrans.tree (as jax.tree_util)."""

import collections
import dataclasses
import functools

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import tree_util as tu

NT = collections.namedtuple("NT", "a b")


def test_key_paths_match_jax():
    t = {"x": [1, (2, None, 3)], "y": NT(4, {"z": 5}), "w": collections.OrderedDict(b=6, a=7)}
    pairs, treedef = tu.tree_flatten_with_path(t)
    # values computed with jax.tree_util.tree_flatten_with_path + keystr
    assert [tu.keystr(p) for p, _ in pairs] == [
        "['w']['b']", "['w']['a']", "['x'][0]", "['x'][1][0]", "['x'][1][2]", "['y'].a", "['y'].b['z']",
    ]  # fmt: skip
    assert [leaf for _, leaf in pairs] == tu.tree_leaves(t)
    assert treedef == tu.tree_structure(t)
    assert tu.keystr(pairs[0][0], simple=True, separator="/") == "w/b"
    doubled = tu.tree_map_with_path(lambda p, x: (len(p), 2 * x), t)
    assert doubled["y"].b["z"] == (3, 10)
    assert functrans.tree.leaves_with_path([1, 2])[1] == ((tu.SequenceKey(1),), 2)


def test_register_dataclass_and_keys():
    @tu.register_dataclass
    @dataclasses.dataclass
    class Layer:
        w: np.ndarray
        b: np.ndarray
        name: str = dataclasses.field(default="l", metadata={"static": True})

    layer = Layer(np.ones(2), np.zeros(2), "dense")
    leaves, treedef = tu.tree_flatten(layer)
    assert len(leaves) == 2
    back = tu.tree_unflatten(treedef, [2 * leaf for leaf in leaves])
    assert back.name == "dense" and np.array_equal(back.w, 2 * np.ones(2))
    assert [tu.keystr(p) for p, _ in tu.tree_flatten_with_path(layer)[0]] == [".w", ".b"]
    g = functrans.grad(lambda p, x: fnp.sum(p.w * x + p.b))(layer, np.arange(2.0))
    assert isinstance(g, Layer) and np.array_equal(g.w, [0.0, 1.0]) and g.name == "dense"

    class Pair:
        def __init__(self, left, right):
            self.left, self.right = left, right

    tu.register_pytree_with_keys(
        Pair,
        lambda p: ([(tu.GetAttrKey("left"), p.left), (tu.GetAttrKey("right"), p.right)], None),
        lambda aux, ch: Pair(*ch),
    )
    assert tu.keystr(tu.tree_flatten_with_path(Pair(1, [2]))[0][1][0]) == ".right[0]"
    with pytest.raises(TypeError, match="not a dataclass"):
        tu.register_dataclass(Pair)


def test_partial_is_a_pytree():
    p = tu.Partial(lambda a, x: a * x, np.array(3.0))
    leaves, treedef = tu.tree_flatten(p)
    assert len(leaves) == 1
    assert tu.tree_unflatten(treedef, [np.array(5.0)])(2.0) == 10.0
    out = functrans.jit(lambda f, x: f(x))(p, 2.0)
    assert out == 6.0
    nested = tu.Partial(functools.partial(lambda a, b, x: a + b + x, 1.0), 2.0)
    assert nested(3.0) == 6.0 and len(tu.tree_leaves(nested)) == 2


def test_reduce_transpose_any():
    assert tu.tree_reduce(lambda a, b: a + b, [1, (2, 3)]) == 6
    assert tu.tree_reduce(lambda a, b: a + b, [], 10) == 10
    assert tu.tree_any([0, (0, 1)]) and not tu.tree_any([0, (0,)])
    outer = tu.tree_structure([0, 0])
    inner = tu.tree_structure((0, {"a": 0}))
    t = [(1, {"a": 2}), (3, {"a": 4})]
    assert tu.tree_transpose(outer, inner, t) == ([1, 3], {"a": [2, 4]})
    assert functrans.tree.map(lambda x: x + 1, {"a": 1}) == {"a": 2}
    assert functrans.tree.reduce(max, [3, 9, 1]) == 9
