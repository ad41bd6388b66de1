"""Tests for functrans._src.tree_util."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict, defaultdict, namedtuple
from typing import Any, NamedTuple

import numpy as np
import pytest

from functrans._src.tree_util import (
    PyTreeDef,
    register_pytree_node,
    tree_all,
    tree_flatten,
    tree_leaves,
    tree_map,
    tree_structure,
    tree_unflatten,
    treedef_is_leaf,
)

Point = namedtuple("Point", ["x", "y"])


class Pair(NamedTuple):
    first: Any
    second: Any


class Box:
    """Custom container registered as a pytree node below."""

    def __init__(self, name: str, items: list[Any]) -> None:
        self.name = name
        self.items = items

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Box) and self.name == other.name and self.items == other.items

    def __hash__(self) -> int:
        return hash(self.name)


register_pytree_node(
    Box,
    lambda b: (b.items, b.name),
    lambda name, children: Box(name, list(children)),
)


class Unhashy:
    """Custom node whose aux data is an (unhashable) list."""

    def __init__(self, meta: list[int], value: Any) -> None:
        self.meta = meta
        self.value = value


register_pytree_node(
    Unhashy,
    lambda u: ((u.value,), list(u.meta)),
    lambda meta, children: Unhashy(meta, children[0]),
)


class Opaque:
    """A plain object: always a leaf."""


def roundtrip(tree: Any) -> Any:
    leaves, treedef = tree_flatten(tree)
    return tree_unflatten(treedef, leaves)


# --------------------------------------------------------------- flattening


@pytest.mark.parametrize(
    "tree",
    [
        1,
        (),
        [],
        {},
        (1,),
        [1, 2, 3],
        (1, [2, (3, 4)], {"a": 5, "b": [6]}),
        {"x": {"y": {"z": (1, 2)}}, "w": []},
        [None, (None,), {"n": None}],
        Point(1, (2, 3)),
        Pair([1, 2], {"k": Point(3, 4)}),
        OrderedDict([("z", 1), ("a", (2, 3))]),
        [(), [], {}, ((),)],
    ],
)
def test_roundtrip(tree: Any) -> None:
    assert roundtrip(tree) == tree
    leaves, treedef = tree_flatten(tree)
    assert treedef.num_leaves == len(leaves)
    assert tree_structure(roundtrip(tree)) == treedef


def test_leaf_order_nested() -> None:
    tree = (1, [2, (3, 4)], {"b": 6, "a": 5}, Point(7, 8))
    assert tree_leaves(tree) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_everything_else_is_leaf() -> None:
    arr = np.arange(3)
    obj = Opaque()
    leaves = tree_leaves([arr, obj, 2.5, "s", b"b", {1, 2}])
    assert leaves[0] is arr
    assert leaves[1] is obj
    assert leaves[2:] == [2.5, "s", b"b", {1, 2}]


def test_scalar_and_array_are_single_leaves() -> None:
    arr = np.ones((2, 3))
    leaves, treedef = tree_flatten(arr)
    assert leaves == [arr] or leaves[0] is arr
    assert treedef.num_leaves == 1
    assert treedef_is_leaf(treedef)
    assert tree_unflatten(treedef, [7]) == 7


def test_dict_sorted_order() -> None:
    assert tree_leaves({"b": 1, "a": 2}) == [2, 1]
    leaves, treedef = tree_flatten({"b": 1, "c": 3, "a": 2})
    assert leaves == [2, 1, 3]
    rebuilt = tree_unflatten(treedef, leaves)
    assert rebuilt == {"a": 2, "b": 1, "c": 3}
    assert list(rebuilt) == ["a", "b", "c"]


def test_dict_key_order_irrelevant_for_structure() -> None:
    assert tree_structure({"a": 1, "b": 2}) == tree_structure({"b": 2, "a": 1})


def test_dict_subclass_is_leaf() -> None:
    class MyDict(dict):  # type: ignore[type-arg]
        pass

    d = MyDict(a=1)
    assert tree_leaves([d]) == [d]


def test_none_is_empty_node() -> None:
    assert tree_leaves(None) == []
    leaves, treedef = tree_flatten(None)
    assert leaves == []
    assert treedef.num_leaves == 0
    assert treedef_is_leaf(treedef)  # as jax.tree_util: a single node (num_nodes == 1)
    assert tree_unflatten(treedef, []) is None

    leaves, treedef = tree_flatten([1, None])
    assert leaves == [1]
    assert treedef.num_leaves == 1
    assert tree_unflatten(treedef, [5]) == [5, None]


def test_none_not_leaf_in_tree_map() -> None:
    out = tree_map(lambda x: x * 10, {"a": 1, "b": None, "c": (2, None)})
    assert out == {"a": 10, "b": None, "c": (20, None)}


def test_namedtuple_roundtrip_preserves_class() -> None:
    p = Point(np.float64(1.0), [2, 3])
    leaves, treedef = tree_flatten(p)
    assert len(leaves) == 3
    out = tree_unflatten(treedef, [10, 20, 30])
    assert type(out) is Point
    assert out == Point(10, [20, 30])

    pair = roundtrip(Pair(1, 2))
    assert type(pair) is Pair


def test_namedtuple_differs_from_tuple() -> None:
    assert tree_structure(Point(1, 2)) != tree_structure((1, 2))
    assert tree_structure(Point(1, 2)) != tree_structure(Pair(1, 2))
    assert tree_structure(Point(1, 2)) == tree_structure(Point(3, 4))


def test_tuple_differs_from_list() -> None:
    assert tree_structure((1, 2)) != tree_structure([1, 2])
    assert type(roundtrip([1, 2])) is list
    assert type(roundtrip((1, 2))) is tuple


def test_ordereddict_insertion_order() -> None:
    od = OrderedDict([("z", 1), ("a", 2), ("m", 3)])
    leaves, treedef = tree_flatten(od)
    assert leaves == [1, 2, 3]
    out = tree_unflatten(treedef, [4, 5, 6])
    assert type(out) is OrderedDict
    assert list(out.items()) == [("z", 4), ("a", 5), ("m", 6)]
    # Order matters for OrderedDict structures; and OrderedDict != dict.
    assert treedef != tree_structure(OrderedDict([("a", 1), ("z", 2), ("m", 3)]))
    assert treedef != tree_structure({"z": 1, "a": 2, "m": 3})


def test_defaultdict_sorted_and_keeps_factory() -> None:
    dd: defaultdict[str, Any] = defaultdict(list, {"b": 1, "a": 2})
    leaves, treedef = tree_flatten(dd)
    assert leaves == [2, 1]
    out = tree_unflatten(treedef, [3, 4])
    assert type(out) is defaultdict
    assert out.default_factory is list
    assert dict(out) == {"a": 3, "b": 4}
    assert out["missing"] == []
    assert treedef != tree_structure(defaultdict(dict, {"b": 1, "a": 2}))
    assert treedef != tree_structure({"b": 1, "a": 2})


def test_flatten_with_array_leaves() -> None:
    a, b = np.ones(3), np.zeros(2)
    leaves, treedef = tree_flatten((a, b))
    assert leaves[0] is a and leaves[1] is b
    out = tree_unflatten(treedef, leaves)
    assert isinstance(out, tuple) and out[0] is a and out[1] is b


def test_unflatten_accepts_any_iterable() -> None:
    treedef = tree_structure((1, [2, 3]))
    assert tree_unflatten(treedef, iter([4, 5, 6])) == (4, [5, 6])
    assert tree_unflatten(treedef, (4, 5, 6)) == (4, [5, 6])
    assert treedef.unflatten([4, 5, 6]) == (4, [5, 6])


def test_unflatten_returns_fresh_containers() -> None:
    treedef = tree_structure([1, 2])
    leaves = [3, 4]
    out = tree_unflatten(treedef, leaves)
    assert out == leaves and out is not leaves


# ---------------------------------------------------------- custom nodes


def test_register_custom_roundtrip() -> None:
    tree = Box("box", [1, (2, 3)])
    leaves, treedef = tree_flatten(tree)
    assert leaves == [1, 2, 3]
    out = tree_unflatten(treedef, leaves)
    assert isinstance(out, Box)
    assert out == tree
    assert tree_structure(Box("box", [0, (0, 0)])) == treedef
    assert tree_structure(Box("other", [0, (0, 0)])) != treedef


def test_tree_map_over_custom_node() -> None:
    tree = {"b": Box("n", [1, 2]), "a": 3}
    out = tree_map(lambda x: x + 1, tree)
    assert out == {"a": 4, "b": Box("n", [2, 3])}
    out2 = tree_map(lambda x, y: x * y, tree, tree)
    assert out2 == {"a": 9, "b": Box("n", [1, 4])}


def test_register_duplicate_raises() -> None:
    with pytest.raises(ValueError):
        register_pytree_node(Box, lambda b: ((), None), lambda a, c: Box("", []))
    with pytest.raises(ValueError):
        register_pytree_node(tuple, lambda t: (t, None), lambda a, c: tuple(c))


def test_register_after_seen_as_leaf() -> None:
    class Late:
        def __init__(self, v: Any) -> None:
            self.v = v

    obj = Late(1)
    assert tree_leaves([obj]) == [obj]  # classified (and cached) as a leaf
    register_pytree_node(Late, lambda x: ((x.v,), None), lambda _, c: Late(c[0]))
    assert tree_leaves([obj]) == [1]


def test_custom_node_unhashable_aux() -> None:
    tree = [Unhashy([1, 2], (3, 4))]
    leaves, treedef = tree_flatten(tree)
    assert leaves == [3, 4]
    out = tree_unflatten(treedef, [5, 6])
    assert out[0].meta == [1, 2] and out[0].value == (5, 6)
    assert treedef == tree_structure([Unhashy([1, 2], (0, 0))])
    assert treedef != tree_structure([Unhashy([9], (0, 0))])
    assert "Unhashy" in repr(treedef)
    mapped = tree_map(lambda x: -x, tree)
    assert mapped[0].value == (-3, -4)


def test_custom_node_array_aux_equality_does_not_crash() -> None:
    class ArrAux:
        def __init__(self, aux: np.ndarray, v: Any) -> None:
            self.aux = aux
            self.v = v

    register_pytree_node(ArrAux, lambda x: ((x.v,), x.aux), lambda aux, c: ArrAux(aux, c[0]))
    t1 = tree_structure(ArrAux(np.arange(3), 1))
    t2 = tree_structure(ArrAux(np.arange(3), 1))
    assert isinstance(t1 == t2, bool)
    assert tree_unflatten(t1, [5]).v == 5


# ------------------------------------------------------------------ is_leaf


def test_is_leaf() -> None:
    tree = {"a": (1, 2), "b": [3, (4, 5)]}
    leaves = tree_leaves(tree, is_leaf=lambda x: isinstance(x, tuple))
    assert leaves == [(1, 2), 3, (4, 5)]
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: isinstance(x, tuple))
    assert treedef.num_leaves == 3
    assert tree_unflatten(treedef, leaves) == tree


def test_is_leaf_on_root_and_none() -> None:
    tree = [1, None]
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: x is None)
    assert leaves == [1, None]
    assert treedef_is_leaf(treedef.children()[1])
    leaves, treedef = tree_flatten(tree, is_leaf=lambda x: isinstance(x, list))
    assert leaves == [tree]
    assert treedef_is_leaf(treedef)


def test_is_leaf_tree_map_and_structure() -> None:
    tree = [(1, 2), (3, 4)]
    out = tree_map(lambda p: p[0] + p[1], tree, is_leaf=lambda x: isinstance(x, tuple))
    assert out == [3, 7]
    s = tree_structure(tree, is_leaf=lambda x: isinstance(x, tuple))
    assert s.num_leaves == 2


# ------------------------------------------------------------------ treedef


def test_treedef_equality_and_hash() -> None:
    t1 = tree_structure((1, [2, 3], {"a": 4}))
    t2 = tree_structure(("x", ["y", np.ones(2)], {"a": 0.5}))
    assert t1 == t2
    assert hash(t1) == hash(t2)
    assert len({t1, t2}) == 1
    assert t1 != tree_structure((1, [2, 3], {"b": 4}))
    assert t1 != tree_structure((1, [2, 3, 4], {"a": 4}))
    assert t1 != tree_structure((1, (2, 3), {"a": 4}))
    assert t1 != tree_structure((1, [2, None], {"a": 4}))
    assert t1 != "not a treedef"
    cache = {t1: "hit"}
    assert cache[t2] == "hit"


def test_treedef_equality_none_vs_leaf() -> None:
    assert tree_structure([None]) != tree_structure([1])
    assert tree_structure([None]) == tree_structure([None])


def test_treedef_is_instance() -> None:
    assert isinstance(tree_structure((1, 2)), PyTreeDef)


def test_treedef_repr() -> None:
    assert repr(tree_structure((1, [2, 3], {"a": 4}))) == "PyTreeDef((*, [*, *], {'a': *}))"
    assert repr(tree_structure(1)) == "PyTreeDef(*)"
    assert repr(tree_structure(None)) == "PyTreeDef(None)"
    assert repr(tree_structure((1,))) == "PyTreeDef((*,))"
    assert repr(tree_structure([None, ()])) == "PyTreeDef([None, ()])"
    # as JAX 0.10 prints them
    assert repr(tree_structure(Point(1, 2))) == "PyTreeDef(CustomNode(namedtuple[Point], [*, *]))"
    assert repr(tree_structure(OrderedDict(a=1, b=2))) == "PyTreeDef(CustomNode(OrderedDict[('a', 'b')], [*, *]))"
    dd = "PyTreeDef(CustomNode(defaultdict[(<class 'int'>, ('a',))], [*]))"
    assert repr(tree_structure(defaultdict(int, a=1))) == dd
    assert "CustomNode(Box[n], [*, *])" in repr(tree_structure(Box("n", [1, 2])))


def test_num_leaves_and_num_nodes() -> None:
    t = tree_structure((1, [2, 3], {"a": 4}, None))
    assert t.num_leaves == 4
    # root + 1 leaf + list(1+2) + dict(1+1) + None
    assert t.num_nodes == 1 + 1 + 3 + 2 + 1
    assert tree_structure(5).num_nodes == 1
    assert tree_structure(None).num_leaves == 0
    assert tree_structure([]).num_leaves == 0


def test_children() -> None:
    t = tree_structure((1, [2, 3], {"a": 4}))
    kids = t.children()
    assert len(kids) == 3
    assert kids[0] == tree_structure(0)
    assert kids[1] == tree_structure([0, 0])
    assert kids[2] == tree_structure({"a": 0})
    assert tree_structure(1).children() == []


def test_treedef_immutable_interface() -> None:
    t = tree_structure((1, 2))
    with pytest.raises(AttributeError):
        t.num_leaves = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        t.foo = 1  # type: ignore[attr-defined]


def test_treedef_pickle_and_copy() -> None:
    t = tree_structure((1, [2, 3], {"a": Point(4, None)}))
    t2 = pickle.loads(pickle.dumps(t))
    assert t2 == t and hash(t2) == hash(t)
    assert t2.unflatten([1, 2, 3, 4]) == (1, [2, 3], {"a": Point(4, None)})
    assert copy.deepcopy(t) == t


def test_unflatten_wrong_leaf_count() -> None:
    treedef = tree_structure((1, [2, 3]))
    with pytest.raises(ValueError, match=r"expected 3.*got 2") as excinfo:
        tree_unflatten(treedef, [1, 2])
    assert "3" in str(excinfo.value) and "2" in str(excinfo.value)
    with pytest.raises(ValueError, match=r"expected 3.*got 4"):
        tree_unflatten(treedef, [1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"expected 1.*got 0"):
        tree_unflatten(tree_structure(1), [])
    with pytest.raises(ValueError, match=r"expected 0.*got 1"):
        tree_unflatten(tree_structure(None), [1])


# ----------------------------------------------------------------- tree_map


def test_tree_map_single() -> None:
    tree = (1, [2, 3], {"b": 4, "a": 5}, Point(6, 7), None)
    out = tree_map(lambda x: x * 2, tree)
    assert out == (2, [4, 6], {"a": 10, "b": 8}, Point(12, 14), None)
    assert type(out[3]) is Point


def test_tree_map_multiple_trees() -> None:
    t1 = {"a": 1, "b": (2, 3)}
    t2 = {"b": (20, 30), "a": 10}
    t3 = {"a": 100, "b": (200, 300)}
    assert tree_map(lambda x, y, z: x + y + z, t1, t2, t3) == {
        "a": 111,
        "b": (222, 333),
    }


def test_tree_map_with_arrays() -> None:
    a = (np.ones(3), np.arange(3.0))
    out = tree_map(lambda x, y: x + y, a, a)
    np.testing.assert_allclose(out[0], 2 * np.ones(3))
    np.testing.assert_allclose(out[1], 2 * np.arange(3.0))


def test_tree_map_rest_may_have_subtrees_at_leaves() -> None:
    tree = [1, 2]
    other = [(3, 4), {"k": 5}]
    out = tree_map(lambda x, y: (x, y), tree, other)
    assert out == [(1, (3, 4)), (2, {"k": 5})]


@pytest.mark.parametrize(
    "other",
    [
        [1, 2],  # list vs tuple
        (1, 2, 3),  # wrong length
        (1,),
        {"a": 1},
        Point(1, 2),  # namedtuple vs tuple
        5,  # leaf where a node is expected
        None,
    ],
)
def test_tree_map_mismatch_raises(other: Any) -> None:
    with pytest.raises(ValueError) as excinfo:
        tree_map(lambda x, y: x, (1, 2), other)
    msg = str(excinfo.value)
    assert "(*, *)" in msg  # the expected structure is named
    assert repr(tree_structure(other)) in msg  # and so is the given one


def test_tree_map_dict_key_mismatch() -> None:
    with pytest.raises(ValueError, match="keys"):
        tree_map(lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2})


def test_tree_map_none_mismatch() -> None:
    with pytest.raises(ValueError):
        tree_map(lambda x, y: x, [1, None], [1, 2])
    assert tree_map(lambda x, y: x + y, [1, None], [1, None]) == [2, None]


def test_tree_map_custom_aux_mismatch() -> None:
    with pytest.raises(ValueError):
        tree_map(lambda x, y: x, Box("a", [1]), Box("b", [1]))


# ------------------------------------------------------------ flatten_up_to


def test_flatten_up_to() -> None:
    treedef = tree_structure((1, {"a": 2, "b": 3}))
    other = ([1, 2], {"b": (5, 6), "a": None})
    assert treedef.flatten_up_to(other) == [[1, 2], None, (5, 6)]


def test_flatten_up_to_same_structure_equals_leaves() -> None:
    tree = (1, [2, Point(3, 4)], OrderedDict(z=5, a=6), Box("q", [7]))
    leaves, treedef = tree_flatten(tree)
    assert treedef.flatten_up_to(tree) == leaves


def test_flatten_up_to_leaf_treedef() -> None:
    treedef = tree_structure(1)
    assert treedef.flatten_up_to({"anything": [1, 2]}) == [{"anything": [1, 2]}]


def test_flatten_up_to_mismatch() -> None:
    treedef = tree_structure([1, 2])
    with pytest.raises(ValueError, match="mismatch"):
        treedef.flatten_up_to([1, 2, 3])
    with pytest.raises(ValueError):
        treedef.flatten_up_to((1, 2))
    with pytest.raises(ValueError):
        tree_structure(OrderedDict(a=1, b=2)).flatten_up_to(OrderedDict(b=1, a=2))


# --------------------------------------------------------------- tree_all


def test_tree_all() -> None:
    assert tree_all([True, (1, {"a": "x"})])
    assert not tree_all([True, (0, {"a": "x"})])
    assert tree_all(None)
    assert tree_all([])


def test_tree_leaves_matches_flatten() -> None:
    tree = {"z": [1, (2, None)], "a": Point(3, Box("b", [4, 5]))}
    leaves, _ = tree_flatten(tree)
    assert tree_leaves(tree) == leaves == [3, 4, 5, 1, 2]
