"""Pytree utilities: flattening nested containers into leaves and back.

A *pytree* is a nested structure of containers ("nodes") whose non-container
elements are called *leaves*.  The built-in node types are:

* ``tuple`` and ``list`` -- children in positional order;
* ``dict`` -- children in sorted key order (the rebuilt dict also uses sorted
  key order);
* ``None`` -- a node with no children, so it contributes no leaves;
* namedtuples (any ``tuple`` subclass with a ``_fields`` attribute) -- rebuilt
  with the same class;
* ``collections.OrderedDict`` -- children in insertion order;
* ``collections.defaultdict`` -- children in sorted key order, the
  ``default_factory`` is preserved.

Additional node types can be added with :func:`register_pytree_node`.  Every
other object (arrays, scalars, arbitrary instances) is a leaf.

The structure of a pytree is described by an immutable, hashable
:class:`PyTreeDef`.  Flattening and unflattening run on every call of the
autodiff transformations, so the implementation favours speed: each node kind
is dispatched through a small integer code and treedefs are plain
``__slots__`` objects whose hash is computed once and cached.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any

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

PyTree = Any
IsLeafFn = Callable[[Any], bool]
FlattenFn = Callable[[Any], tuple[Iterable[Any], Any]]
UnflattenFn = Callable[[Any, Iterable[Any]], Any]

# Node kind codes.  Integers keep dispatch in the hot loops cheap.
_LEAF = 0
_NONE = 1
_TUPLE = 2
_LIST = 3
_DICT = 4
_NAMEDTUPLE = 5
_ORDEREDDICT = 6
_DEFAULTDICT = 7
_CUSTOM = 8

_NoneType = type(None)

# User-registered node types: type -> (flatten_func, unflatten_func).
_registry: dict[type, tuple[FlattenFn, UnflattenFn]] = {}

# Built-in node types; these can never be re-registered.
_BUILTIN_KINDS: dict[type, int] = {
    _NoneType: _NONE,
    tuple: _TUPLE,
    list: _LIST,
    dict: _DICT,
    OrderedDict: _ORDEREDDICT,
    defaultdict: _DEFAULTDICT,
}

# Cache mapping an exact type to its node kind (including ``_LEAF`` for leaf
# types), so that classifying an object costs a single dict lookup after the
# first time its type is seen.  It is invalidated by ``register_pytree_node``.
_kind_cache: dict[type, int] = dict(_BUILTIN_KINDS)


def _classify(t: type) -> int:
    """Return (and cache) the node kind of objects whose exact type is ``t``."""
    if t in _registry:
        kind = _CUSTOM
    elif issubclass(t, tuple) and hasattr(t, "_fields"):
        kind = _NAMEDTUPLE
    else:
        kind = _LEAF
    _kind_cache[t] = kind
    return kind


def _sorted_keys(d: dict[Any, Any]) -> tuple[Any, ...]:
    """Return the keys of ``d`` sorted; keys that cannot be compared raise ValueError (as JAX)."""
    try:
        return tuple(sorted(d))
    except TypeError as e:
        raise ValueError(f"Comparator raised exception while sorting pytree dictionary keys "
                         f"{list(d)!r}: {e}") from None


def _aux_equal(a: Any, b: Any) -> bool:
    """Compare two aux data values, tolerating odd ``__eq__`` results."""
    if a is b:
        return True
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - e.g. ambiguous array truth values
        return False


class PyTreeDef:
    """Immutable, hashable description of the structure of a pytree.

    A treedef records, for every node, its kind, its Python type, its auxiliary
    data (dict keys, namedtuple class, custom aux data, ...) and the treedefs of
    its children.  Leaves are represented by a shared leaf treedef, printed as
    ``*``.

    Instances are created by :func:`tree_flatten` / :func:`tree_structure`;
    they should not be constructed or mutated directly.
    """

    __slots__ = (
        "_aux",
        "_children",
        "_flat",
        "_hash",
        "_kind",
        "_num_leaves",
        "_num_nodes",
        "_shared",
        "_type",
    )

    def __init__(
        self,
        kind: int,
        node_type: type | None,
        aux: Any,
        children: tuple[PyTreeDef, ...],
        num_leaves: int,
    ) -> None:
        self._kind = kind
        self._type = node_type
        self._aux = aux
        self._children = children
        self._num_leaves = num_leaves
        self._hash: int | None = None
        self._num_nodes: int | None = None
        # True for tuple/list nodes known to have only leaf children; lets
        # ``unflatten`` skip the recursive rebuild.
        self._flat = False
        # True for a canonical (interned) treedef: flattening equal structures returns this very
        # object, so that equality is an identity check and the hash is computed once.
        self._shared = False

    # ------------------------------------------------------------------ info

    @property
    def num_leaves(self) -> int:
        """Number of leaves in the structure."""
        return self._num_leaves

    @property
    def num_nodes(self) -> int:
        """Number of nodes in the structure, counting leaves and ``None``."""
        n = self._num_nodes
        if n is None:
            n = 0
            stack = [self]
            while stack:  # iterative: treedefs may be nested deeper than the recursion limit
                d = stack.pop()
                n += 1
                stack.extend(d._children)
            self._num_nodes = n
        return n

    @property
    def node_data(self) -> tuple[type | None, Any]:
        """The ``(node_type, aux_data)`` pair of the root node.

        ``node_type`` is ``None`` for a leaf.
        """
        return self._type, self._aux

    def children(self) -> list[PyTreeDef]:
        """Return the treedefs of the root node's children (empty for a leaf)."""
        return list(self._children)

    def is_leaf(self) -> bool:
        """Return True if this treedef describes a single leaf."""
        return self._kind == _LEAF

    # ---------------------------------------------------------- (un)flatten

    def unflatten(self, leaves: Iterable[Any]) -> PyTree:
        """Build a pytree with this structure from an iterable of leaves.

        Raises:
          ValueError: if the number of leaves does not match ``num_leaves``.
        """
        if not isinstance(leaves, (list, tuple)):
            leaves = list(leaves)
        if len(leaves) != self._num_leaves:
            raise ValueError(
                f"Too {'few' if len(leaves) < self._num_leaves else 'many'} leaves "
                f"for PyTreeDef; expected {self._num_leaves} leaves, got "
                f"{len(leaves)}. PyTreeDef: {self!r}"
            )
        if self._flat:
            return tuple(leaves) if self._kind == _TUPLE else list(leaves)
        if self._kind == _LEAF:
            return leaves[0]
        try:
            return _build(self, iter(leaves))
        except RecursionError:
            return _build_iterative(self, iter(leaves))

    def flatten_up_to(self, tree: PyTree) -> list[Any]:
        """Flatten ``tree`` down to the structure described by this treedef.

        Where this treedef has a leaf, the corresponding subtree of ``tree``
        (which may itself be an arbitrary pytree) is returned whole.  The result
        therefore always has ``num_leaves`` entries.

        Raises:
          ValueError: if ``tree`` does not have this treedef as a prefix of its
            structure (different node types, dict keys, lengths, aux data, ...).
        """
        if self._flat and type(tree) is self._type and len(tree) == self._num_leaves:
            return list(tree)
        out: list[Any] = []
        try:
            _flatten_up_to(self, tree, out)
        except _StructureMismatch as err:
            raise ValueError(
                f"Tree structure mismatch: {err.args[0]}. Expected a tree with "
                f"structure {self!r}, got a tree with structure "
                f"{tree_structure(tree)!r}."
            ) from None
        return out

    # ------------------------------------------------------- equality / hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if not isinstance(other, PyTreeDef):
            return NotImplemented
        try:
            return self._eq(other)
        except RecursionError:
            return _eq_iterative(self, other)

    def _eq(self, other: PyTreeDef) -> bool:
        if (
            self._kind != other._kind
            or self._num_leaves != other._num_leaves
            or self._type is not other._type
            or len(self._children) != len(other._children)
        ):
            return False
        h1, h2 = self._hash, other._hash
        if h1 is not None and h2 is not None and h1 != h2:
            return False
        if not _aux_equal(self._aux, other._aux):
            return False
        return self._children == other._children

    def __hash__(self) -> int:
        h = self._hash
        if h is None:
            # Raises TypeError if a custom node's aux data is unhashable.
            _fill_hashes(self)
            h = self._hash
        return h  # type: ignore[return-value]

    # ------------------------------------------------------------ printing

    def __repr__(self) -> str:
        try:
            return f"PyTreeDef({_repr_node(self)})"
        except RecursionError:
            return f"PyTreeDef(<{self.num_leaves} leaves, nested deeper than the recursion limit>)"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            PyTreeDef,
            (self._kind, self._type, self._aux, self._children, self._num_leaves),
        )


_LEAF_DEF = PyTreeDef(_LEAF, None, None, (), 1)
_NONE_DEF = PyTreeDef(_NONE, _NoneType, None, (), 0)
_LEAF_DEF._shared = _NONE_DEF._shared = True

# Shared treedefs for tuples/lists whose children are all leaves, keyed by
# ``(kind, length)``.  This is by far the most common shape on the hot path
# (e.g. the positional arguments of a transformed function).  Only short
# sequences are cached so the cache stays small.
_FLAT_CACHE_MAX_LEN = 64
_flat_defs: dict[tuple[int, int], PyTreeDef] = {}


def _flat_def(kind: int, node_type: type, n: int) -> PyTreeDef:
    """Return a treedef for a tuple/list of ``n`` leaves (cached when short)."""
    key = (kind, n)
    d = _flat_defs.get(key)
    if d is None:
        d = PyTreeDef(kind, node_type, None, (_LEAF_DEF,) * n, n)
        d._flat = True
        if n <= _FLAT_CACHE_MAX_LEN:
            d._shared = True
            _flat_defs[key] = d
    return d


# Canonical treedefs of built-in container nodes whose children are canonical, keyed by (kind,
# type, aux, ids of the children): a program called again and again with the same argument
# structure (a list of (W, b) pairs, a dict of parameters) flattens to the same treedef object,
# whose cached hash and identity make the cache lookups of jit and of the transformations cheap.
# Only aux data that compares exactly is keyed (None, or dict keys that are all strings: keys
# 1 and 1.0 or True are equal but must rebuild differently). Bounded: past the limit new
# structures get ordinary, uninterned treedefs (equal by structure as before).
_INTERN_MAX = 4096
_interned: dict[tuple[Any, ...], PyTreeDef] = {}


def _node(kind: int, node_type: type, aux: Any, children: tuple[PyTreeDef, ...], num_leaves: int) -> PyTreeDef:
    """The treedef of a container node: the canonical one when it can be shared."""
    if aux is None or (type(aux) is tuple and all(type(k) is str for k in aux)):
        ids = []
        for c in children:
            if not c._shared:
                break
            ids.append(id(c))
        else:
            key = (kind, node_type, aux, *ids)
            d = _interned.get(key)
            if d is None:
                d = PyTreeDef(kind, node_type, aux, children, num_leaves)
                if len(_interned) < _INTERN_MAX:
                    d._shared = True
                    _interned[key] = d
            return d
    return PyTreeDef(kind, node_type, aux, children, num_leaves)


def _fill_hashes(root: PyTreeDef) -> None:
    """Compute and cache the hash of ``root`` and of every node under it, children first
    (iteratively: treedefs may be nested deeper than the recursion limit)."""
    stack = [root]
    while stack:
        d = stack[-1]
        if d._hash is not None:
            stack.pop()
            continue
        pending = [c for c in d._children if c._hash is None]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        d._hash = hash((d._kind, d._type, d._aux, d._children))


def _eq_iterative(a: PyTreeDef, b: PyTreeDef) -> bool:
    """Structural equality of two treedefs with an explicit stack (no recursion)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        if (
            x._kind != y._kind
            or x._num_leaves != y._num_leaves
            or x._type is not y._type
            or len(x._children) != len(y._children)
        ):
            return False
        if x._hash is not None and y._hash is not None and x._hash != y._hash:
            return False
        if not _aux_equal(x._aux, y._aux):
            return False
        stack.extend(zip(x._children, y._children))
    return True


class _StructureMismatch(Exception):
    """Internal signal raised by ``_flatten_up_to``."""


# ---------------------------------------------------------------- flattening


def _flatten(x: Any, leaves: list[Any], is_leaf: IsLeafFn | None) -> PyTreeDef:
    """Append the leaves of ``x`` to ``leaves`` and return its treedef."""
    if is_leaf is not None and is_leaf(x):
        leaves.append(x)
        return _LEAF_DEF
    t = type(x)
    kind = _kind_cache.get(t)
    if kind is None:
        kind = _classify(t)
    if kind == _LEAF:
        leaves.append(x)
        return _LEAF_DEF
    if kind == _TUPLE or kind == _LIST:
        if is_leaf is None:
            # Fast path: every child is of an already-seen leaf type.
            get = _kind_cache.get
            for c in x:
                if get(type(c)) != _LEAF:
                    break
            else:
                leaves.extend(x)
                return _flat_def(kind, t, len(x))
        start = len(leaves)
        children = tuple([_flatten(c, leaves, is_leaf) for c in x])
        return _node(kind, t, None, children, len(leaves) - start)
    if kind == _NONE:
        return _NONE_DEF
    start = len(leaves)
    if kind == _DICT:
        keys = _sorted_keys(x)
        children = tuple([_flatten(x[k], leaves, is_leaf) for k in keys])
        return _node(_DICT, dict, keys, children, len(leaves) - start)
    if kind == _NAMEDTUPLE:
        children = tuple([_flatten(c, leaves, is_leaf) for c in x])
        return _node(_NAMEDTUPLE, t, None, children, len(leaves) - start)
    if kind == _ORDEREDDICT:
        keys = tuple(x)
        children = tuple([_flatten(x[k], leaves, is_leaf) for k in keys])
        return _node(_ORDEREDDICT, t, keys, children, len(leaves) - start)
    if kind == _DEFAULTDICT:
        keys = _sorted_keys(x)
        children = tuple([_flatten(x[k], leaves, is_leaf) for k in keys])
        aux = (x.default_factory, keys)
        return PyTreeDef(_DEFAULTDICT, t, aux, children, len(leaves) - start)
    # _CUSTOM
    flatten_func = _registry[t][0]
    child_values, aux = flatten_func(x)
    children = tuple([_flatten(c, leaves, is_leaf) for c in child_values])
    return PyTreeDef(_CUSTOM, t, aux, children, len(leaves) - start)


def _node_parts(x: Any, kind: int, t: type) -> tuple[Any, Sequence[Any]]:
    """The aux data and the children of the (non-leaf, non-None) node ``x`` of ``kind``."""
    if kind == _TUPLE or kind == _LIST or kind == _NAMEDTUPLE:
        return None, x
    if kind == _DICT:
        keys = _sorted_keys(x)
        return keys, [x[k] for k in keys]
    if kind == _ORDEREDDICT:
        keys = tuple(x)
        return keys, [x[k] for k in keys]
    if kind == _DEFAULTDICT:
        keys = _sorted_keys(x)
        return (x.default_factory, keys), [x[k] for k in keys]
    child_values, aux = _registry[t][0](x)
    return aux, list(child_values)


def _flatten_iterative(x: Any, leaves: list[Any], is_leaf: IsLeafFn | None) -> PyTreeDef:
    """:func:`_flatten` with an explicit stack, for trees nested deeper than the recursion limit."""
    # a frame: [kind, type, aux, children values, child treedefs so far, number of leaves before]
    stack: list[list[Any]] = []

    def visit(v: Any) -> PyTreeDef | None:
        if is_leaf is not None and is_leaf(v):
            leaves.append(v)
            return _LEAF_DEF
        t = type(v)
        kind = _kind_cache.get(t)
        if kind is None:
            kind = _classify(t)
        if kind == _LEAF:
            leaves.append(v)
            return _LEAF_DEF
        if kind == _NONE:
            return _NONE_DEF
        aux, values = _node_parts(v, kind, t)
        stack.append([kind, dict if kind == _DICT else t, aux, values, [], len(leaves)])
        return None

    done = visit(x)
    if done is not None:
        return done
    while True:
        frame = stack[-1]
        kids = frame[4]
        if len(kids) < len(frame[3]):
            d = visit(frame[3][len(kids)])
            if d is not None:
                kids.append(d)
            continue
        stack.pop()
        d = PyTreeDef(frame[0], frame[1], frame[2], tuple(kids), len(leaves) - frame[5])
        if not stack:
            return d
        stack[-1][4].append(d)


def tree_flatten(tree: PyTree, is_leaf: IsLeafFn | None = None) -> tuple[list[Any], PyTreeDef]:
    """Flatten a pytree into a list of leaves and a treedef.

    Args:
      tree: the pytree to flatten.
      is_leaf: optional predicate; any subtree for which it returns True is
        treated as a leaf instead of being traversed.

    Returns:
      ``(leaves, treedef)`` where ``leaves`` is a list of the leaves in
      traversal order and ``treedef`` describes the structure, such that
      ``tree_unflatten(treedef, leaves)`` rebuilds ``tree``.
    """
    leaves: list[Any] = []
    try:
        treedef = _flatten(tree, leaves, is_leaf)
    except RecursionError:
        leaves = []
        treedef = _flatten_iterative(tree, leaves, is_leaf)
    return leaves, treedef


def tree_leaves(tree: PyTree, is_leaf: IsLeafFn | None = None) -> list[Any]:
    """Return the list of leaves of ``tree`` (see :func:`tree_flatten`)."""
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree: PyTree, is_leaf: IsLeafFn | None = None) -> PyTreeDef:
    """Return the treedef describing the structure of ``tree``."""
    return tree_flatten(tree, is_leaf)[1]


# -------------------------------------------------------------- unflattening


def _build(treedef: PyTreeDef, it: Any) -> PyTree:
    """Rebuild the node described by ``treedef``, consuming leaves from ``it``."""
    kind = treedef._kind
    if kind == _LEAF:
        return next(it)
    if kind == _NONE:
        return None
    children = [
        next(it) if c._kind == _LEAF else _flat_node(c, it) if c._flat else _build(c, it) for c in treedef._children
    ]
    return _make_node(treedef, children)


def _flat_node(treedef: PyTreeDef, it: Any) -> PyTree:
    """A tuple or list of leaves (as ``unflatten``'s flat case), its leaves taken from ``it``."""
    leaves = [next(it) for _ in range(treedef._num_leaves)]
    return tuple(leaves) if treedef._kind == _TUPLE else leaves


def _make_node(treedef: PyTreeDef, children: list[Any]) -> PyTree:
    """The node described by ``treedef`` (not a leaf) with the given children."""
    kind = treedef._kind
    if kind == _NONE:
        return None
    if kind == _TUPLE:
        return tuple(children)
    if kind == _LIST:
        return children
    if kind == _DICT:
        return dict(zip(treedef._aux, children))
    if kind == _NAMEDTUPLE:
        return treedef._type(*children)
    if kind == _ORDEREDDICT:
        return treedef._type(zip(treedef._aux, children))
    if kind == _DEFAULTDICT:
        factory, keys = treedef._aux
        return treedef._type(factory, zip(keys, children))
    # _CUSTOM
    unflatten_func = _registry[treedef._type][1]
    return unflatten_func(treedef._aux, tuple(children))


def _build_iterative(treedef: PyTreeDef, it: Any) -> PyTree:
    """:func:`_build` with an explicit stack, for trees nested deeper than the recursion limit."""
    stack: list[tuple[PyTreeDef, list[Any]]] = [(treedef, [])]
    while True:
        d, built = stack[-1]
        if len(built) < len(d._children):
            c = d._children[len(built)]
            if c._kind == _LEAF:
                built.append(next(it))
            elif c._kind == _NONE:
                built.append(None)
            else:
                stack.append((c, []))
            continue
        stack.pop()
        node = _make_node(d, built)
        if not stack:
            return node
        stack[-1][1].append(node)


def tree_unflatten(treedef: PyTreeDef, leaves: Iterable[Any]) -> PyTree:
    """Rebuild a pytree from a treedef and an iterable of leaves.

    Raises:
      ValueError: if the number of leaves does not equal ``treedef.num_leaves``.
    """
    return treedef.unflatten(leaves)


# ------------------------------------------------------------ flatten_up_to


def _flatten_up_to(treedef: PyTreeDef, x: Any, out: list[Any]) -> None:
    """Append the subtrees of ``x`` at the leaf positions of ``treedef`` (iteratively: trees
    may be nested deeper than the recursion limit)."""
    stack = [(treedef, x)]
    while stack:
        d, v = stack.pop()
        if d._kind == _LEAF:
            out.append(v)
            continue
        pairs = list(zip(d._children, _children_up_to(d, v)))
        pairs.reverse()
        stack.extend(pairs)


def _children_up_to(treedef: PyTreeDef, x: Any) -> Sequence[Any]:
    """The children of ``x`` matching those of the node ``treedef``, or _StructureMismatch."""
    kind = treedef._kind
    t = type(x)
    x_kind = _kind_cache.get(t)
    if x_kind is None:
        x_kind = _classify(t)
    if x_kind != kind or (kind != _TUPLE and kind != _LIST and t is not treedef._type):
        raise _StructureMismatch(f"expected a {_describe_node(treedef)} node, got {_describe_value(x)}")
    children = treedef._children
    if kind == _NONE:
        return ()
    if kind == _TUPLE or kind == _LIST or kind == _NAMEDTUPLE:
        if len(x) != len(children):
            raise _StructureMismatch(
                f"expected a {_describe_node(treedef)} of length {len(children)}, got one of length {len(x)}"
            )
        values: Sequence[Any] = x
    elif kind == _DICT or kind == _ORDEREDDICT or kind == _DEFAULTDICT:
        keys = treedef._aux[1] if kind == _DEFAULTDICT else treedef._aux
        x_keys = tuple(x) if kind == _ORDEREDDICT else _sorted_keys(x)
        if x_keys != keys:
            raise _StructureMismatch(
                f"expected a {_describe_node(treedef)} with keys {list(keys)!r}, got one with keys {list(x_keys)!r}"
            )
        values = [x[k] for k in keys]
    else:  # _CUSTOM
        flatten_func = _registry[t][0]
        child_values, aux = flatten_func(x)
        values = list(child_values)
        if not _aux_equal(aux, treedef._aux):
            raise _StructureMismatch(
                f"custom node {t.__name__} aux data mismatch: expected {treedef._aux!r}, got {aux!r}"
            )
        if len(values) != len(children):
            raise _StructureMismatch(f"custom node {t.__name__} expected {len(children)} children, got {len(values)}")
    return values


def _describe_node(treedef: PyTreeDef) -> str:
    """Short human-readable name for the root node type of ``treedef``."""
    t = treedef._type
    return "None" if t is _NoneType else getattr(t, "__name__", repr(t))


def _describe_value(x: Any) -> str:
    """Short human-readable description of the node type of value ``x``."""
    t = type(x)
    kind = _kind_cache.get(t)
    if kind is None:
        kind = _classify(t)
    if kind == _LEAF:
        return f"a leaf of type {t.__name__}"
    if x is None:
        return "None"
    return f"a {t.__name__} node"


# ----------------------------------------------------------------- tree_map


def tree_map(
    f: Callable[..., Any],
    tree: PyTree,
    *rest: PyTree,
    is_leaf: IsLeafFn | None = None,
) -> PyTree:
    """Apply ``f`` leaf-wise and return a pytree with the structure of ``tree``.

    Args:
      f: function called as ``f(x, *xs)`` where ``x`` is a leaf of ``tree`` and
        ``xs`` are the corresponding entries of the trees in ``rest``.
      tree: the pytree whose structure defines the result's structure.
      *rest: further pytrees.  Each must have the structure of ``tree`` as a
        prefix: where ``tree`` has a leaf, the other tree may hold any subtree,
        which is passed to ``f`` whole.
      is_leaf: optional predicate marking subtrees of ``tree`` as leaves.

    Raises:
      ValueError: if a tree in ``rest`` does not match the structure of
        ``tree``.
    """
    if not callable(f):
        raise TypeError(f"tree_map: expected a callable f (applied to each leaf), got {type(f).__name__}")
    leaves, treedef = tree_flatten(tree, is_leaf)
    if not rest:
        return treedef.unflatten([f(x) for x in leaves])
    all_leaves = [leaves] + [treedef.flatten_up_to(r) for r in rest]
    return treedef.unflatten([f(*xs) for xs in zip(*all_leaves)])


def tree_all(tree: PyTree, is_leaf: IsLeafFn | None = None) -> bool:
    """Return True if every leaf of ``tree`` is truthy (True for no leaves)."""
    return all(tree_leaves(tree, is_leaf))


def treedef_is_leaf(treedef: PyTreeDef) -> bool:
    """Return True if ``treedef`` has a single node: a leaf, or an empty node such as ``None``,
    ``()`` or ``{}`` (as JAX's ``num_nodes == 1``)."""
    return treedef._kind == _LEAF or treedef.num_nodes == 1


# ------------------------------------------------------------- registration


def register_pytree_node(
    nodetype: type,
    flatten_func: FlattenFn,
    unflatten_func: UnflattenFn,
) -> None:
    """Register a custom type as a pytree node.

    Args:
      nodetype: the class to register.  Only instances whose exact type is
        ``nodetype`` are treated as this node (subclasses are not).
      flatten_func: ``flatten_func(x) -> (children, aux_data)``, where
        ``children`` is an iterable of subtrees and ``aux_data`` is any extra
        static data needed to rebuild the node.  ``aux_data`` should be
        hashable and comparable with ``==`` for treedefs to be hashable and
        comparable.
      unflatten_func: ``unflatten_func(aux_data, children) -> x`` rebuilding the
        node from the aux data and a tuple of children.

    Raises:
      ValueError: if ``nodetype`` is already registered (or is a built-in node
        type).
    """
    if nodetype in _BUILTIN_KINDS or nodetype in _registry:
        raise ValueError(f"Duplicate custom PyTree node type: {nodetype!r}")
    _registry[nodetype] = (flatten_func, unflatten_func)
    # The type may already have been cached (e.g. as a leaf type).
    _kind_cache.pop(nodetype, None)


# ----------------------------------------------------------------- printing


def _repr_node(treedef: PyTreeDef) -> str:
    """Render ``treedef`` (without the ``PyTreeDef(...)`` wrapper)."""
    kind = treedef._kind
    if kind == _LEAF:
        return "*"
    if kind == _NONE:
        return "None"
    parts = [_repr_node(c) for c in treedef._children]
    if kind == _TUPLE:
        if len(parts) == 1:
            return f"({parts[0]},)"
        return "(" + ", ".join(parts) + ")"
    if kind == _LIST:
        return "[" + ", ".join(parts) + "]"
    if kind == _DICT:
        return _repr_mapping(treedef._aux, parts)
    # as JAX prints them: the other nodes as CustomNode(type[aux], [children]), aux with str()
    if kind == _NAMEDTUPLE:
        head = f"namedtuple[{treedef._type.__name__}]"  # type: ignore[union-attr]
    elif kind == _ORDEREDDICT:
        head = f"OrderedDict[{tuple(treedef._aux)}]"  # type: ignore[arg-type]
    elif kind == _DEFAULTDICT:
        factory, keys = treedef._aux  # type: ignore[misc]
        head = f"defaultdict[{(factory, tuple(keys))}]"
    else:
        head = f"{getattr(treedef._type, '__name__', repr(treedef._type))}[{treedef._aux}]"
    return f"CustomNode({head}, [{', '.join(parts)}])"


def _repr_mapping(keys: Iterable[Hashable], parts: list[str]) -> str:
    """Render a mapping node as ``{key: child, ...}``."""
    return "{" + ", ".join(f"{k!r}: {p}" for k, p in zip(keys, parts)) + "}"
