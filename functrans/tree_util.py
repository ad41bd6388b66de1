"""``functrans.tree_util``: pytrees (nested tuples, lists, dicts, None, namedtuples, custom nodes)."""

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

__all__ = [
    "PyTreeDef",
    "register_pytree_node",
    "tree_all",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_structure",
    "tree_unflatten",
    "treedef_is_leaf",
]
