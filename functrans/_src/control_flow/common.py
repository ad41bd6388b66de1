"""Shared by the control-flow primitives: tracing user functions to programs, and the
type checks on loop carries and branch outputs.

A function passed to ``scan``, ``while_loop``, ``cond`` or ``switch`` is traced once per
call into an :class:`IR` whose constants (arrays it closes over, values of enclosing
transformations) are all lifted to leading inputs. Two traces of the same function with
the same structure give programs that differ only in those constants, so the program is
replaced by a *canonical* one with the same fingerprint (primitives, parameters, wiring,
types): every program derived from it (its JVP, transpose, batched and compiled forms,
cached on the program object) is then built once, not on every eager call.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

from functrans._src.core import IR, Literal, ShapedArray, Var
from functrans._src.staging import trace_to_ir
from functrans._src.tree_util import PyTreeDef, tree_flatten, tree_unflatten

_CANONICAL: OrderedDict[Hashable, IR] = OrderedDict()
_MAX_CANONICAL = 512


def _param_fingerprint(v: Any) -> Any:
    if isinstance(v, IR):
        return ("IR", id(v))
    if isinstance(v, tuple | list):
        return (type(v).__name__, tuple(_param_fingerprint(x) for x in v))
    if isinstance(v, dict):
        return ("dict", tuple(sorted((k, _param_fingerprint(x)) for k, x in v.items())))
    if isinstance(v, float | complex | np.floating | np.complexfloating):
        return (type(v), repr(v))
    if isinstance(v, np.ndarray):
        raise TypeError("unhashable parameter")
    hash(v)
    return (type(v), v)


def _fingerprint(ir: IR) -> Hashable:
    """A hashable description of ``ir`` (which has no constants): two programs with the same
    fingerprint compute the same function of their inputs."""
    ids: dict[Var, int] = {}

    def av(a: ShapedArray) -> tuple[Any, ...]:
        return (a.shape, a.dtype.str, a.weak_type)

    def atom(a: Any) -> Any:
        if type(a) is Literal:
            return ("lit", type(a.val), repr(a.val), av(a.aval))
        return ids[a]

    for v in ir.invars:
        ids[v] = len(ids)
    parts: list[Any] = [tuple(av(v.aval) for v in ir.invars)]
    for e in ir.eqns:
        ins = tuple(atom(a) for a in e.inputs)
        params = _param_fingerprint(e.params)
        for o in e.outvars:
            ids[o] = len(ids)
        parts.append((e.prim, params, ins, tuple(av(o.aval) for o in e.outvars)))
    parts.append(tuple(atom(a) for a in ir.outvars))
    return tuple(parts)


def canonical(ir: IR) -> IR:
    """The canonical program with ``ir``'s fingerprint (``ir`` itself the first time)."""
    try:
        key = _fingerprint(ir)
        hash(key)
    except (TypeError, KeyError):
        return ir
    hit = _CANONICAL.get(key)
    if hit is not None:
        _CANONICAL.move_to_end(key)
        return hit
    _CANONICAL[key] = ir
    if len(_CANONICAL) > _MAX_CANONICAL:
        _CANONICAL.popitem(last=False)
    return ir


def trace_fun(
    fun: Callable[..., Any], in_tree: PyTreeDef, in_avals: Sequence[ShapedArray]
) -> tuple[IR, list[Any], PyTreeDef, list[ShapedArray]]:
    """Trace ``fun(*tree_unflatten(in_tree, leaves))`` on abstract leaves.

    Returns a canonical program taking ``(constants..., leaves...)`` with no constants of
    its own, the constants to pass, and the output's tree structure and leaf types.
    """
    out_box: list[PyTreeDef] = []

    def flat_fun(*leaves: Any) -> list[Any]:
        out = fun(*tree_unflatten(in_tree, list(leaves)))
        flat, td = tree_flatten(out)
        out_box.append(td)
        return flat

    ir, _ = trace_to_ir(flat_fun, in_avals)
    lifted = IR([], [], list(ir.constvars) + list(ir.invars), ir.eqns, ir.outvars)
    return canonical(lifted), list(ir.consts), out_box[0], [a.aval for a in ir.outvars]


# --------------------------------------------------------------------------- naming leaves


def leaf_paths(tree: PyTreeDef, root: str) -> list[str]:
    """A name for each leaf of ``tree`` as it would be written in Python: ``c``, ``c[0]``,
    ``c['w']``, ``c.field``."""
    from functrans._src import tree_util as tu

    out: list[str] = []

    def walk(td: PyTreeDef, path: str) -> None:
        kind = td._kind
        if kind == tu._LEAF:
            out.append(path)
        elif kind == tu._NONE:
            return
        elif kind in (tu._TUPLE, tu._LIST):
            for i, c in enumerate(td._children):
                walk(c, f"{path}[{i}]")
        elif kind in (tu._DICT, tu._ORDEREDDICT):
            for k, c in zip(td._aux, td._children):
                walk(c, f"{path}[{k!r}]")
        elif kind == tu._DEFAULTDICT:
            for k, c in zip(td._aux[1], td._children):
                walk(c, f"{path}[{k!r}]")
        elif kind == tu._NAMEDTUPLE:
            for name, c in zip(td._type._fields, td._children):  # type: ignore[union-attr]
                walk(c, f"{path}.{name}")
        else:
            for i, c in enumerate(td._children):
                walk(c, f"{path}<child {i}>")

    walk(tree, root)
    return out


def first_arg_name(fun: Callable[..., Any], default: str) -> str:
    """The name of ``fun``'s first parameter (for error messages), or ``default``."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        return default
    if params and params[0].kind in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
        return params[0].name
    return default


def type_str(a: ShapedArray) -> str:
    """``float64[2,3]``, as JAX prints types."""
    return f"{a.dtype.name}[{','.join(map(str, a.shape))}]"


def _fun_desc(fun: Callable[..., Any]) -> str:
    name = getattr(fun, "__name__", type(fun).__name__)
    try:
        src = inspect.getsourcefile(fun)
        line = inspect.getsourcelines(fun)[1]
        return f"{name} at {src}:{line}"
    except (TypeError, OSError):
        return name


def check_carry(
    what: str,
    root: str,
    in_tree: PyTreeDef,
    in_avals: Sequence[ShapedArray],
    out_tree: PyTreeDef,
    out_avals: Sequence[ShapedArray],
) -> None:
    """Raise TypeError (worded as JAX's) if a loop body's carry output differs from its input
    in structure, shape or dtype. ``what`` is e.g. ``"scan body function"``."""
    if in_tree != out_tree:
        raise TypeError(
            f"{what} carry input and carry output must have the same pytree structure, but they differ:\n\n"
            f"The input carry {root} has structure {in_tree} but the carry output has structure "
            f"{out_tree}.\n\nRevise the function so that the carry output has the same pytree "
            "structure as the carry input."
        )
    for path, a, b in zip(leaf_paths(in_tree, root), in_avals, out_avals):
        diff = _type_diff(a, b)
        if diff:
            comp = "carry" if path == root else "carry component"
            raise TypeError(
                f"{what} carry input and carry output must have equal types, but they differ:\n\n"
                f"The input {comp} {path} has type {type_str(a)} but the corresponding output carry "
                f"component has type {type_str(b)}, so {diff}.\n\nRevise the function so that all "
                "output types match the corresponding input types."
            )


def _type_diff(a: ShapedArray, b: ShapedArray) -> str:
    if a.shape != b.shape and a.dtype != b.dtype:
        return "the shapes and dtypes do not match"
    if a.shape != b.shape:
        return "the shapes do not match"
    if a.dtype != b.dtype:
        return "the dtypes do not match"
    return ""


def check_branches(
    what: str,
    names: Sequence[str],
    funs: Sequence[Callable[..., Any]],
    trees: Sequence[PyTreeDef],
    avals: Sequence[Sequence[ShapedArray]],
) -> None:
    """Raise TypeError (worded as JAX's) unless every branch returns the same structure, shapes
    and dtypes as the first. ``what`` is ``"cond"`` or ``"switch"``."""
    header = "".join(f"{n} is {_fun_desc(f)}\n" for n, f in zip(names, funs))
    for k in range(1, len(trees)):
        if trees[k] != trees[0]:
            raise TypeError(
                f"{what} branch outputs must have the same pytree structure, but they differ:\n\n{header}\n"
                f"{names[0]} output has structure {trees[0]} but {names[k]} output has structure "
                f"{trees[k]}.\n\nRevise {names[0]} and/or {names[k]} so that they have the same pytree "
                "structure."
            )
        for path, a, b in zip(leaf_paths(trees[0], "output"), avals[0], avals[k]):
            diff = _type_diff(a, b)
            if diff:
                where = "The output" if path == "output" else f"The output component {path[len('output') :]}"
                raise TypeError(
                    f"{what} branches must have equal output types but they differ.\n\n{header}\n"
                    f"{where} of {names[0]} has type {type_str(a)} but the corresponding output of "
                    f"{names[k]} has type {type_str(b)}, so {diff}.\n\nRevise {names[0]} and/or "
                    f"{names[k]} so that all output types match."
                )
