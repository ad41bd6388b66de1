"""``functrans.tree_util``: pytrees (nested tuples, lists, dicts, None, namedtuples, custom nodes)."""

from functrans._src.tree_extras import (
    DictKey,
    FlattenedIndexKey,
    GetAttrKey,
    Partial,
    SequenceKey,
    keystr,
    register_dataclass,
    register_pytree_with_keys,
    tree_any,
    tree_flatten_with_path,
    tree_leaves_with_path,
    tree_map_with_path,
    tree_reduce,
    tree_transpose,
)
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
    "DictKey",
    "FlattenedIndexKey",
    "GetAttrKey",
    "Partial",
    "SequenceKey",
    "keystr",
    "register_dataclass",
    "register_pytree_with_keys",
    "tree_any",
    "tree_flatten_with_path",
    "tree_leaves_with_path",
    "tree_map_with_path",
    "tree_reduce",
    "tree_transpose",
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
# one-level flattening, class registration, prefix broadcasting, associative reduction
from functrans._src.tree_extras import KeyPath  # noqa: E402
from functrans._src.tree_more import (  # noqa: E402
    KeyEntry,
    all_leaves,
    default_registry,
    flatten_one_level,
    flatten_one_level_with_keys,
    is_tree_node,
    register_pytree_node_class,
    register_pytree_with_keys_class,
    register_static,
    tree_broadcast,
    tree_reduce_associative,
    treedef_children,
    treedef_tuple,
)

__all__ += [
    "KeyEntry", "KeyPath", "all_leaves", "default_registry", "flatten_one_level", "flatten_one_level_with_keys",
    "is_tree_node", "register_pytree_node_class", "register_pytree_with_keys_class", "register_static",
    "tree_broadcast", "tree_reduce_associative", "treedef_children", "treedef_tuple",
]  # fmt: skip
