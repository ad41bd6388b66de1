"""More of ``jax.tree_util``: one-level flattening, class registration helpers, broadcasting a
prefix tree, associative reductions and treedef construction."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from functrans._src import tree_util as tu
from functrans._src.tree_extras import (
    KeyPath,
    _children_with_keys,
    _keyed,
    register_pytree_with_keys,
)
from functrans._src.tree_util import PyTreeDef, tree_leaves, tree_map, tree_structure

__all__ = [
    "KeyEntry", "KeyPath", "all_leaves", "default_registry", "flatten_one_level", "flatten_one_level_with_keys",
    "is_tree_node", "register_pytree_node_class", "register_pytree_with_keys_class", "register_static",
    "tree_broadcast", "tree_reduce_associative", "treedef_children", "treedef_tuple",
]  # fmt: skip

KeyEntry = TypeVar("KeyEntry", bound=Any)
T = TypeVar("T")


class _Registry:
    """The pytree node registry (functrans has one, shared by every function)."""

    __name__ = "default_registry"

    def is_node(self, typ: type) -> bool:
        return is_tree_node(typ)

    def flatten(self, tree: Any, leaf_predicate: Callable[[Any], bool] | None = None) -> tuple[list, PyTreeDef]:
        return tu.tree_flatten(tree, leaf_predicate)

    def flatten_one_level(self, tree: Any) -> tuple[Iterable[Any], Hashable] | None:
        try:
            return flatten_one_level(tree)
        except ValueError:
            return None

    def register_node(self, nodetype: type, flatten_func: Any, unflatten_func: Any) -> None:
        tu.register_pytree_node(nodetype, flatten_func, unflatten_func)

    def __repr__(self) -> str:
        return "<functrans default pytree registry>"


default_registry = _Registry()


def _kind(t: type) -> int:
    k = tu._kind_cache.get(t)
    return tu._classify(t) if k is None else k


def is_tree_node(typ: type) -> bool:
    """True if ``typ`` is a pytree node type (built in, a namedtuple, or registered)."""
    if not isinstance(typ, type):
        raise TypeError(f"is_tree_node: expected a type, got a value of type {type(typ).__name__}")
    return _kind(typ) != tu._LEAF


def all_leaves(iterable: Iterable[Any], is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """True if every element of ``iterable`` is a leaf (``None`` is not: it is an empty node)."""
    items = list(iterable)
    if is_leaf is None:
        return all(_kind(type(x)) == tu._LEAF for x in items)
    leaves = tree_leaves(items, is_leaf)
    return len(leaves) == len(items) and all(a is b for a, b in zip(items, leaves))


def flatten_one_level(tree: Any) -> tuple[Iterable[Any], Hashable]:
    """``(children, aux data)`` of the node ``tree`` (its immediate children, not its leaves);
    ValueError for a leaf."""
    t = type(tree)
    kind = _kind(t)
    if kind == tu._LEAF:
        raise ValueError(f"can't tree-flatten type: {t}")
    if kind == tu._NONE:
        return (), None
    if kind == tu._TUPLE:
        return tuple(tree), None
    if kind == tu._LIST:
        return list(tree), None
    if kind == tu._NAMEDTUPLE:
        return list(tree), t
    aux, values = tu._node_parts(tree, kind, t)
    if kind == tu._DICT:
        return tuple(values), aux
    if kind in (tu._ORDEREDDICT, tu._DEFAULTDICT):
        return list(values), aux
    return tu._registry[t][0](tree)


def flatten_one_level_with_keys(tree: Any) -> tuple[Iterable[tuple[Any, Any]], Hashable]:
    """``(((key, child), ...), aux data)`` of the node ``tree``; ValueError for a leaf."""
    t = type(tree)
    kind = _kind(t)
    if kind == tu._CUSTOM and t in _keyed:
        return _keyed[t](tree)
    _, aux = flatten_one_level(tree)
    pairs = _children_with_keys(tree, None) or []
    lists = (tu._NAMEDTUPLE, tu._ORDEREDDICT, tu._DEFAULTDICT)
    return (list(pairs) if kind in lists else tuple(pairs)), aux


def register_pytree_node_class(cls: type) -> type:
    """Class decorator: register ``cls`` as a pytree node through its ``tree_flatten`` method and
    ``tree_unflatten`` classmethod."""
    tu.register_pytree_node(cls, operator.methodcaller("tree_flatten"), cls.tree_unflatten)  # type: ignore[attr-defined]
    return cls


def register_pytree_with_keys_class(cls: type) -> type:
    """Class decorator: register ``cls`` through its ``tree_flatten_with_keys`` method (and
    ``tree_flatten`` if defined) and ``tree_unflatten`` classmethod."""
    flatten_func = operator.methodcaller("tree_flatten") if hasattr(cls, "tree_flatten") else None
    register_pytree_with_keys(
        cls, operator.methodcaller("tree_flatten_with_keys"), cls.tree_unflatten, flatten_func  # type: ignore[attr-defined]
    )
    return cls


def register_static(cls: type) -> type:
    """Register ``cls`` as a pytree node with no children: its instances are static aux data
    (they must be hashable)."""
    register_pytree_with_keys(cls, lambda obj: ((), obj), lambda obj, _: obj)
    return cls


def static(**kwargs: Any) -> Any:
    """``dataclasses.field(...)`` marked ``static`` (metadata ``static=True``): a field that
    :func:`register_dataclass` treats as static data rather than a child."""
    metadata = {"static": True, **(kwargs.pop("metadata", {}) or {})}
    return dataclasses.field(metadata=metadata, **kwargs)


def tree_broadcast(prefix_tree: Any, full_tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> Any:
    """``full_tree``'s structure with each leaf of ``prefix_tree`` repeated over the subtree of
    ``full_tree`` it corresponds to."""
    result: list[Any] = []

    def add(x: Any, subtree: Any) -> None:
        result.extend([x] * tree_structure(subtree).num_leaves)

    try:
        tree_map(add, prefix_tree, full_tree, is_leaf=is_leaf)
    except ValueError as e:
        raise ValueError(f"tree_broadcast: prefix_tree is not a tree prefix of full_tree: {e}") from None
    return tree_structure(full_tree).unflatten(result)


class _Unspecified:
    pass


_UNSPECIFIED = _Unspecified()


def _parallel_reduce(seq: list[Any], op: Callable[[Any, Any], Any], identity: Any) -> Any:
    if not seq:
        if isinstance(identity, _Unspecified):
            raise TypeError("Must specify identity for parallel reduction of empty sequence.")
        return identity
    if len(seq) == 1:
        return seq[0]
    mid = len(seq) // 2
    return op(_parallel_reduce(seq[:mid], op, identity), _parallel_reduce(seq[mid:], op, identity))


def tree_reduce_associative(
    operation: Callable[[T, T], T], tree: Any, *, identity: Any = _UNSPECIFIED,
    is_leaf: Callable[[Any], bool] | None = None,
) -> T:
    """Reduce the leaves with the associative ``operation`` as a balanced binary tree (the left
    half, then the right half); ``identity`` is returned for a tree with no leaves."""
    return _parallel_reduce(tree_leaves(tree, is_leaf), operation, identity)


def treedef_children(treedef: PyTreeDef) -> list[PyTreeDef]:
    """The treedefs of ``treedef``'s immediate children."""
    return treedef.children()


def treedef_tuple(treedefs: Iterable[PyTreeDef]) -> PyTreeDef:
    """The treedef of a tuple whose children have the given treedefs."""
    kids = tuple(treedefs)
    for k in kids:
        if not isinstance(k, PyTreeDef):
            raise TypeError(f"treedef_tuple: expected treedefs, got {type(k).__name__}")
    return tu.PyTreeDef(tu._TUPLE, tuple, None, kids, sum(k.num_leaves for k in kids))


_ = KeyPath  # re-exported
