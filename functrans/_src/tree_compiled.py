"""Flattening and unflattening for one known structure, compiled to straight-line Python.

A transformed function is usually called again and again with arguments of the same
structure (a list of ``(W, b)`` pairs, a dict of parameters). For such a structure, an
interned :class:`~functrans._src.tree_util.PyTreeDef` made only of tuples, lists, dicts with
string keys and ``None``, this module generates (once, on its second use) two functions:

* ``match(tree)``: the leaves of ``tree`` if it has exactly this structure, else ``None``
  (the caller then flattens generically): each node is checked for its exact type and length
  (a dict for its keys), each leaf for being of a type already known to be a leaf;
* ``build(leaves)``: the tree of this structure with these leaves (what ``unflatten`` builds).

Both give what :func:`~functrans._src.tree_util.tree_flatten` and ``unflatten`` give, without
the per-node dispatch (a few microseconds for a small network's parameters).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from functrans._src import tree_util as tu

_MAX_LEAVES = 512  # larger structures are left to the generic code
_MAX_DEPTH = 32
_USES_BEFORE_COMPILE = 1  # a structure used once is not compiled

_Pair = tuple[Callable[[Any], "list[Any] | None"], Callable[[Sequence[Any]], Any]]
# id of an interned treedef (interned treedefs live for good) -> its compiled pair, None when
# it cannot be compiled, or the number of uses so far (an int) while not yet compiled
_compiled: dict[int, Any] = {}


def leaves_as(treedef: tu.PyTreeDef, tree: Any) -> list[Any] | None:
    """The leaves of ``tree`` if its structure is ``treedef``, else None (also when ``treedef``
    has no compiled form yet)."""
    pair = _compiled.get(id(treedef))
    if type(pair) is not tuple:
        pair = _pair(treedef, pair)
        if pair is None:
            return None
    return pair[0](tree)  # type: ignore[no-any-return]


def unflatten(treedef: tu.PyTreeDef, leaves: Sequence[Any]) -> Any:
    """``treedef.unflatten(leaves)`` (errors included), compiled for an interned structure."""
    pair = _compiled.get(id(treedef))
    if type(pair) is not tuple:
        pair = _pair(treedef, pair)
    if pair is None or len(leaves) != treedef._num_leaves:
        return treedef.unflatten(leaves)
    return pair[1](leaves)


def _pair(treedef: tu.PyTreeDef, seen: Any) -> _Pair | None:
    """The compiled pair of ``treedef`` once it is used often enough, else None."""
    if (seen is None and id(treedef) in _compiled) or not treedef._shared:
        return None  # not compilable, or not interned (its id could be reused)
    uses = seen or 0
    if uses < _USES_BEFORE_COMPILE:
        _compiled[id(treedef)] = uses + 1
        return None
    pair = _compile(treedef) if treedef._num_leaves <= _MAX_LEAVES else None
    _compiled[id(treedef)] = pair
    return pair


def _compile(treedef: tu.PyTreeDef) -> _Pair | None:
    checks: list[str] = []
    leaves: list[str] = []

    def walk(d: tu.PyTreeDef, name: str, depth: int) -> str | None:
        """The build expression of node ``d`` (leaves ``l[i]``); appends the match code of
        the value ``name``. None if ``d`` is not supported."""
        kind = d._kind
        if kind == tu._LEAF:
            checks.append(f"if k(type({name})) != 0: return None")
            leaves.append(name)
            return f"l[{len(leaves) - 1}]"
        if kind == tu._NONE:
            checks.append(f"if {name} is not None: return None")
            return "None"
        if depth > _MAX_DEPTH:
            return None
        n = len(d._children)
        names = [f"{name}_{i}" for i in range(n)]
        parts = []
        if kind == tu._TUPLE or kind == tu._LIST:
            t = "tuple" if kind == tu._TUPLE else "list"
            checks.append(f"if type({name}) is not {t} or len({name}) != {n}: return None")
            if n:
                checks.append(f"{', '.join(names)}, = {name}")
            for c, cn in zip(d._children, names):
                p = walk(c, cn, depth + 1)
                if p is None:
                    return None
                parts.append(p)
            if kind == tu._TUPLE:
                return "(" + "".join(p + ", " for p in parts) + ")"
            return "[" + ", ".join(parts) + "]"
        if kind == tu._DICT:
            keys = d._aux
            if not all(type(k) is str for k in keys):
                return None
            checks.append(f"if type({name}) is not dict or len({name}) != {n}: return None")
            if n:  # as many keys, each of them present: the same keys (sorted: the treedef's order)
                checks.append("try:")
                checks.extend(f"    {cn} = {name}[{k!r}]" for k, cn in zip(keys, names))
                checks.append("except KeyError: return None")
            for k, c, cn in zip(keys, d._children, names):
                p = walk(c, cn, depth + 1)
                if p is None:
                    return None
                parts.append(f"{k!r}: {p}")
            return "{" + ", ".join(parts) + "}"
        return None

    expr = walk(treedef, "x", 0)
    if expr is None:
        return None
    src = "\n".join(
        ["def _make(k):", "  def match(x):", *("    " + c for c in checks), f"    return [{', '.join(leaves)}]",
         "  def build(l):", f"    return {expr}", "  return match, build"]  # fmt: skip
    )
    ns: dict[str, Any] = {}
    exec(compile(src, "<functrans tree>", "exec"), ns)
    return ns["_make"](tu._kind_cache.get)  # type: ignore[no-any-return]
