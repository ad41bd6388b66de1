"""Pytree utilities beyond flatten/unflatten, as in ``jax.tree_util``.

* Key paths: :func:`tree_flatten_with_path`, :func:`tree_leaves_with_path`,
  :func:`tree_map_with_path`, :func:`keystr`, the key types (:class:`SequenceKey`,
  :class:`DictKey`, :class:`GetAttrKey`, :class:`FlattenedIndexKey`) and
  :func:`register_pytree_with_keys`.
* :func:`register_dataclass` and :class:`Partial` (a ``functools.partial`` that is a pytree).
* :func:`tree_reduce`, :func:`tree_transpose`, :func:`tree_any`.

Leaves come in exactly the order of :func:`~functrans._src.tree_util.tree_flatten`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from typing import Any

from functrans._src import tree_util as tu
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_leaves, tree_unflatten

__all__ = [
    "SequenceKey", "DictKey", "GetAttrKey", "FlattenedIndexKey", "keystr", "tree_flatten_with_path",
    "tree_leaves_with_path", "tree_map_with_path", "register_pytree_with_keys", "register_dataclass",
    "Partial", "tree_reduce", "tree_transpose", "tree_any",
]  # fmt: skip


# --------------------------------------------------------------------------- key types


@dataclasses.dataclass(frozen=True)
class SequenceKey:
    """The position of a child of a tuple or list."""

    idx: int

    def __str__(self) -> str:
        return f"[{self.idx!r}]"


@dataclasses.dataclass(frozen=True)
class DictKey:
    """The key of a child of a dict."""

    key: Any

    def __str__(self) -> str:
        return f"[{self.key!r}]"


@dataclasses.dataclass(frozen=True)
class GetAttrKey:
    """The attribute name of a child of a namedtuple or dataclass."""

    name: str

    def __str__(self) -> str:
        return f".{self.name}"


@dataclasses.dataclass(frozen=True)
class FlattenedIndexKey:
    """The position of a child of a custom node registered without keys."""

    key: int

    def __str__(self) -> str:
        return f"[<flat index {self.key}>]"


KeyPath = tuple[Any, ...]


def keystr(keys: KeyPath, *, simple: bool = False, separator: str = "") -> str:
    """A readable string of a key path, e.g. ``"['params'][0].w"``."""
    if not simple:
        return "".join(str(k) for k in keys)
    parts = []
    for k in keys:
        v = k.idx if isinstance(k, SequenceKey) else k.key if isinstance(k, DictKey | FlattenedIndexKey) else k.name
        parts.append(str(v))
    return (separator or "/").join(parts) if separator else "".join(parts)


# --------------------------------------------------------------------------- registration with keys

# type -> flatten_with_keys(x) -> (iterable of (key, child), aux)
_keyed: dict[type, Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]]] = {}


def register_pytree_with_keys(
    nodetype: type,
    flatten_with_keys: Callable[[Any], tuple[Iterable[tuple[Any, Any]], Any]],
    unflatten_func: Callable[[Any, Iterable[Any]], Any],
    flatten_func: Callable[[Any], tuple[Iterable[Any], Any]] | None = None,
) -> None:
    """Register a pytree node whose children have keys (as ``jax.tree_util.register_pytree_with_keys``)."""
    if flatten_func is None:

        def flatten_func(x: Any) -> tuple[tuple[Any, ...], Any]:
            pairs, aux = flatten_with_keys(x)
            return tuple(c for _, c in pairs), aux

    tu.register_pytree_node(nodetype, flatten_func, unflatten_func)
    _keyed[nodetype] = flatten_with_keys


def register_dataclass(
    nodetype: type | None = None,
    data_fields: Iterable[str] | None = None,
    meta_fields: Iterable[str] | None = None,
    drop_fields: Iterable[str] = (),
) -> Any:
    """Register a dataclass as a pytree node: ``data_fields`` are children, ``meta_fields``
    static data. With no field lists, fields whose metadata has ``static=True`` are meta
    and the rest data. Usable as a decorator."""
    if nodetype is None:
        return functools.partial(
            register_dataclass, data_fields=data_fields, meta_fields=meta_fields, drop_fields=drop_fields
        )
    if data_fields is None or meta_fields is None:
        if not dataclasses.is_dataclass(nodetype):
            raise TypeError(
                f"register_dataclass: {nodetype.__name__} is not a dataclass; pass data_fields and meta_fields"
            )
        drop = set(drop_fields)
        fields = [f for f in dataclasses.fields(nodetype) if f.init and f.name not in drop]
        meta = [f.name for f in fields if f.metadata.get("static", False)]
        data = [f.name for f in fields if not f.metadata.get("static", False)]
        data_fields = data if data_fields is None else data_fields
        meta_fields = meta if meta_fields is None else meta_fields
    data_t, meta_t = tuple(data_fields), tuple(meta_fields)

    def flatten_with_keys(x: Any) -> tuple[list[tuple[Any, Any]], Any]:
        return [(GetAttrKey(n), getattr(x, n)) for n in data_t], tuple(getattr(x, n) for n in meta_t)

    def unflatten(aux: Any, children: Iterable[Any]) -> Any:
        kwargs = dict(zip(data_t, children))
        kwargs.update(zip(meta_t, aux))
        return nodetype(**kwargs)

    register_pytree_with_keys(nodetype, flatten_with_keys, unflatten)
    return nodetype


class Partial(functools.partial):
    """``functools.partial`` that is a pytree: its arguments are leaves, the function is
    static (so it can be passed to and returned from transformed functions)."""

    def __new__(cls, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Partial:
        if isinstance(func, functools.partial):
            base = func
            args = base.args + args
            kwargs = {**base.keywords, **kwargs}
            func = base.func
        return super().__new__(cls, func, *args, **kwargs)


def _rebuild_partial(func: Callable[..., Any], children: Iterable[Any]) -> Partial:
    args, keywords = list(children)
    return Partial(func, *args, **keywords)


register_pytree_with_keys(
    Partial,
    lambda p: ([(GetAttrKey("args"), p.args), (GetAttrKey("keywords"), p.keywords)], p.func),
    _rebuild_partial,
)


# --------------------------------------------------------------------------- flattening with paths


def _children_with_keys(x: Any, is_leaf: Callable[[Any], bool] | None) -> list[tuple[Any, Any]] | None:
    """``[(key, child), ...]`` of a node, ``[]`` for None, or None for a leaf (tree_flatten's order)."""
    if is_leaf is not None and is_leaf(x):
        return None
    t = type(x)
    kind = tu._kind_cache.get(t)
    if kind is None:
        kind = tu._classify(t)
    if kind == tu._LEAF:
        return None
    if kind == tu._NONE:
        return []
    aux, values = tu._node_parts(x, kind, t)
    if kind in (tu._TUPLE, tu._LIST):
        return [(SequenceKey(i), v) for i, v in enumerate(values)]
    if kind == tu._NAMEDTUPLE:
        return [(GetAttrKey(n), v) for n, v in zip(t._fields, values)]
    if kind in (tu._DICT, tu._ORDEREDDICT):
        return [(DictKey(k), v) for k, v in zip(aux, values)]
    if kind == tu._DEFAULTDICT:
        return [(DictKey(k), v) for k, v in zip(aux[1], values)]
    if t in _keyed:
        pairs, _ = _keyed[t](x)
        return list(pairs)
    return [(FlattenedIndexKey(i), v) for i, v in enumerate(values)]


def tree_flatten_with_path(
    tree: Any, is_leaf: Callable[[Any], bool] | None = None
) -> tuple[list[tuple[KeyPath, Any]], PyTreeDef]:
    """``([(key path, leaf), ...], treedef)``, leaves in :func:`tree_flatten`'s order."""
    out: list[tuple[KeyPath, Any]] = []
    stack: list[tuple[KeyPath, Any]] = [((), tree)]
    while stack:
        path, x = stack.pop()
        kids = _children_with_keys(x, is_leaf)
        if kids is None:
            out.append((path, x))
        else:
            stack.extend((path + (k,), v) for k, v in reversed(kids))
    _, treedef = tree_flatten(tree, is_leaf)
    return out, treedef


def tree_leaves_with_path(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> list[tuple[KeyPath, Any]]:
    """``[(key path, leaf), ...]``."""
    return tree_flatten_with_path(tree, is_leaf)[0]


def tree_map_with_path(
    f: Callable[..., Any], tree: Any, *rest: Any, is_leaf: Callable[[Any], bool] | None = None
) -> Any:
    """``tree_map`` whose function also receives each leaf's key path first."""
    if not callable(f):
        raise TypeError(f"tree_map_with_path: expected a callable f, got {type(f).__name__}")
    pairs, treedef = tree_flatten_with_path(tree, is_leaf)
    others = [treedef.flatten_up_to(r) for r in rest]
    return tree_unflatten(treedef, [f(p, x, *xs) for (p, x), *xs in zip(pairs, *others)])


# --------------------------------------------------------------------------- reductions and transposes

_MISSING = object()


def tree_reduce(
    function: Callable[[Any, Any], Any],
    tree: Any,
    initializer: Any = _MISSING,
    is_leaf: Callable[[Any], bool] | None = None,
) -> Any:
    """``functools.reduce`` over the leaves."""
    leaves = tree_leaves(tree, is_leaf)
    if initializer is _MISSING:
        return functools.reduce(function, leaves)
    return functools.reduce(function, leaves, initializer)


def tree_any(tree: Any, is_leaf: Callable[[Any], bool] | None = None) -> bool:
    """True if any leaf is truthy."""
    return any(tree_leaves(tree, is_leaf))


def tree_transpose(outer_treedef: PyTreeDef, inner_treedef: PyTreeDef | None, pytree_to_transpose: Any) -> Any:
    """Turn a tree of structure outer[inner[leaf]] into inner[outer[leaf]]; a tree of any other
    structure raises TypeError (as JAX)."""
    try:
        outer = outer_treedef.flatten_up_to(pytree_to_transpose)
        if inner_treedef is None:
            inner_treedef = tree_flatten(outer[0])[1]
        inner = [inner_treedef.flatten_up_to(x) for x in outer]
    except ValueError as e:
        raise TypeError(f"tree_transpose: the tree does not have the structure outer[inner]: {e}") from None
    if not inner:
        return tree_unflatten(inner_treedef, [tree_unflatten(outer_treedef, [])] * inner_treedef.num_leaves)
    columns = [tree_unflatten(outer_treedef, list(col)) for col in zip(*inner)]
    return tree_unflatten(inner_treedef, columns)
