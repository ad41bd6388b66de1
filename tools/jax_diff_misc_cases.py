"""Cases of tools/jax_diff_misc.py beyond scipy.linalg: tree_util, top-level utilities, dtypes,
nn and random. Each case is ``fn(L)`` with ``L`` the functrans or JAX namespace."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
Pt = collections.namedtuple("Pt", ["y", "x"])
TREES = [
    {"b": [1, 2], "a": 3},
    [1, [2]],
    (1,),
    None,
    Pt(1, 2),
    collections.OrderedDict(b=1, a=2),
    collections.defaultdict(list, {"b": 1, "a": (2, 3)}),
    [],
    {},
    3.0,
    (None, [None, 1]),
]


def register(case: Callable, grad_case: Callable) -> None:
    # ------------------------------------------------------------ tree_util
    for i, t in enumerate(TREES):
        case(f"tu.flatten_one_level#{i}", lambda L, t=t: _one_level(L.tu.flatten_one_level(t)))
        case(f"tu.flatten_one_level_with_keys#{i}", lambda L, t=t: _keys(L.tu.flatten_one_level_with_keys(t)))
        case(f"tu.is_tree_node#{i}", lambda L, t=t: L.tu.is_tree_node(type(t)))
        case(f"tu.all_leaves#{i}", lambda L, t=t: L.tu.all_leaves([t, 1]))
        case(f"tu.treedef_children#{i}", lambda L, t=t: [str(c) for c in L.tu.treedef_children(L.tu.tree_structure(t))])
        case(f"tu.broadcast_self#{i}", lambda L, t=t: L.tu.tree_broadcast(t, t))
        case(
            f"tu.reduce_associative#{i}",
            lambda L, t=t: L.tu.tree_reduce_associative(lambda a, b: (a, b), t, identity=0),
        )
    case("tu.all_leaves is_leaf", lambda L: L.tu.all_leaves([[1], [2]], is_leaf=lambda x: isinstance(x, list)))
    case("tu.all_leaves is_leaf2", lambda L: L.tu.all_leaves([[1], 2], is_leaf=lambda x: x == [1]))
    case("tu.all_leaves none", lambda L: L.tu.all_leaves([None]))
    case("tu.broadcast", lambda L: L.tu.tree_broadcast([1, 2], [(3, 4), {"a": 5}]))
    case("tu.broadcast dict", lambda L: L.tu.tree_broadcast({"a": 1, "b": 2}, {"a": (2, 3), "b": [None, 4]}))
    case("tu.broadcast none", lambda L: L.tu.tree_broadcast(None, None))
    case("tu.broadcast leaf", lambda L: L.tu.tree_broadcast(7, [1, (2, 3)]))
    case("tu.broadcast bad", lambda L: L.tu.tree_broadcast([1, 2], [3]))
    case(
        "tu.broadcast is_leaf",
        lambda L: L.tu.tree_broadcast([(1, 2), 3], [[4, 5], [6]], is_leaf=lambda x: isinstance(x, tuple)),
    )
    case("tree.broadcast", lambda L: L.tree.broadcast({"a": 0}, {"a": [1, 2, 3]}))
    for n in range(0, 8):
        case(
            f"tu.reduce_associative n={n}",
            lambda L, n=n: L.tu.tree_reduce_associative(lambda a, b: (a, b), list(range(n)), identity=-1),
        )
    case("tu.reduce_associative empty", lambda L: L.tu.tree_reduce_associative(lambda a, b: a + b, []))
    case("tree.reduce_associative", lambda L: L.tree.reduce_associative(lambda a, b: a * b, [1, (2, 3), {"a": 4}]))
    case("tu.treedef_tuple", lambda L: str(L.tu.treedef_tuple([L.tu.tree_structure([1, 2]), L.tu.tree_structure(1)])))
    case(
        "tu.treedef_tuple unflatten",
        lambda L: L.tu.tree_unflatten(
            L.tu.treedef_tuple([L.tu.tree_structure([1, 2]), L.tu.tree_structure(None)]), [5, 6]
        ),
    )
    case(
        "tu.treedef_tuple eq", lambda L: L.tu.treedef_tuple([L.tu.tree_structure(1)] * 2) == L.tu.tree_structure((1, 2))
    )
    case("tu.treedef_tuple empty", lambda L: str(L.tu.treedef_tuple([])))
    case("tu.flatten_one_level partial", lambda L: _one_level(L.tu.flatten_one_level(L.tu.Partial(max, 1))))
    case("tu.is_tree_node int", lambda L: L.tu.is_tree_node(int))
    case("tu.register_pytree_node_class", _node_class)
    case("tu.register_pytree_with_keys_class", _keys_class)
    case("tu.register_static", _static)
    case("tree.static field", _static3)
    case(
        "tu.default_registry",
        lambda L: L.tu.default_registry.__name__ if hasattr(L.tu.default_registry, "__name__") else "?",
    )
    # ------------------------------------------------------------ top level
    case("api.devices", lambda L: [repr(d) for d in L.api.devices()])
    case("api.devices cpu", lambda L: [repr(d) for d in L.api.devices("cpu")])
    case("api.devices gpu", lambda L: L.api.devices("gpu"))
    case("api.device_count", lambda L: (L.api.device_count(), L.api.local_device_count(), L.api.default_backend()))
    case("api.device platform", lambda L: (L.api.devices()[0].platform, L.api.devices()[0].id))
    case("api.process", lambda L: (L.api.process_count(), L.api.process_index()))
    for x in (1.0, 3, True, 1j, np.ones(3, np.float32), np.int32(3), V):
        case(
            f"api.typeof {type(x).__name__}",
            lambda L, x=x: (L.api.typeof(x).shape, str(L.api.typeof(x).dtype), L.api.typeof(x).weak_type),
        )
    case("api.typeof str", lambda L: L.api.typeof("a"))
    case("api.typeof grad", lambda L: L.api.grad(lambda x: (L.api.typeof(x).shape, x)[1] * 2.0)(1.0))
    case("api.named_call", lambda L: L.api.named_call(lambda x: x + 1, name="foo")(np.float64(1.0)))
    case("api.named_call grad", lambda L: L.api.grad(L.api.named_call(L.np.sin, name="s"))(0.5))
    case("api.named_scope", lambda L: _scope(L, "s"))
    case("api.named_scope bad", lambda L: _scope(L, 3))
    case("api.ensure_compile_time_eval", lambda L: _ctev(L))
    case("api.custom_gradient", lambda L: _cg(L)(3.0))
    case("api.custom_gradient grad", lambda L: L.api.grad(_cg(L))(3.0))
    case("api.custom_gradient grad2", lambda L: L.api.grad(L.api.grad(_cg(L)))(3.0))
    case("api.custom_gradient jit", lambda L: L.api.jit(L.api.grad(_cg(L)))(3.0))
    case("api.custom_gradient vmap", lambda L: L.api.vmap(L.api.grad(_cg(L)))(V))
    case("api.custom_gradient tree", lambda L: L.api.grad(lambda p: _cg2(L)(p["a"], p["b"]))({"a": 2.0, "b": 3.0}))
    case("api.custom_gradient jvp", lambda L: L.api.jvp(_cg(L), (3.0,), (1.0,)))
    case("api.closure_convert", lambda L: _cc(L, 2.0))
    case("api.closure_convert grad", lambda L: L.api.grad(lambda z: _cc_val(L, z))(3.0))
    case("api.closure_convert consts", lambda L: L.api.grad(lambda z: _cc_n(L, z))(3.0))
    case("api.pure_callback", lambda L: L.api.pure_callback(np.sin, L.api.ShapeDtypeStruct((8,), np.float64), V))
    case(
        "api.pure_callback kw",
        lambda L: L.api.pure_callback(lambda x: 2 * x, L.api.ShapeDtypeStruct((8,), np.float64), x=V),
    )
    case(
        "api.pure_callback tuple",
        lambda L: L.api.pure_callback(lambda x: (x, 2 * x), (L.api.ShapeDtypeStruct((8,), np.float64),) * 2, V),
    )
    case(
        "api.pure_callback jit",
        lambda L: L.api.jit(lambda x: L.api.pure_callback(np.cos, L.api.ShapeDtypeStruct((8,), np.float64), x) * 2)(V),
    )
    for m in ("sequential", "expand_dims", "broadcast_all", "legacy_vectorized", None, "bad"):
        case(
            f"api.pure_callback vmap {m}",
            lambda L, m=m: L.api.vmap(
                lambda x, y: L.api.pure_callback(
                    lambda a, b: np.sin(a) + b, L.api.ShapeDtypeStruct((3,), np.float64), x, y, vmap_method=m
                ),
                in_axes=(0, None),
            )(np.ones((2, 3)), np.arange(3.0)),
        )
    case(
        "api.pure_callback vmap shapes",
        lambda L: L.api.vmap(
            lambda x, y: L.api.pure_callback(
                lambda a, b: np.asarray(a.shape + b.shape, np.int64),
                L.api.ShapeDtypeStruct((3,), np.int64),
                x,
                y,
                vmap_method="expand_dims",
            ),
            in_axes=(0, None),
        )(np.ones((2, 2)), np.arange(2.0)),
    )
    case(
        "api.pure_callback grad",
        lambda L: L.api.grad(lambda x: L.api.pure_callback(np.sin, L.api.ShapeDtypeStruct((), np.float64), x))(1.0),
    )
    # ------------------------------------------------------------ dtypes
    for a in [
        (np.int32,),
        (np.int64, np.uint64),
        (np.int8, np.uint8),
        (np.float16, np.int64),
        (1, 2.0),
        (True, 1),
        (np.bool_, 1),
        (1, np.float32),
        (np.int32, 1.0),
        (np.int8, 1000),
        (1j, np.float32),
        (np.uint32, np.int32),
        (np.float32, np.complex64),
        (np.float64, np.complex64),
        (V,),
        (np.float32(1), 1.0),
        (np.uint8, np.int8, np.float16),
        (np.uint64, 1),
    ]:
        case(f"dtypes.result_type{a}", lambda L, a=a: L.dtypes.result_type(*a))
        case(f"dtypes.result_type weak{a}", lambda L, a=a: L.dtypes.result_type(*a, return_weak_type_flag=True))
    for dt in (np.int32, float, "float32", np.float16, "S3", np.bool_, int, complex):
        case(f"dtypes.canonicalize_dtype {dt}", lambda L, dt=dt: L.dtypes.canonicalize_dtype(dt))
    for a, b in [
        (np.float32, np.floating),
        (np.int32, np.integer),
        (np.float64, "float"),
        (np.int8, np.signedinteger),
        ("float0", np.floating),
        (np.float32, "extended"),
        (np.complex64, np.inexact),
        (np.uint8, np.signedinteger),
    ]:
        case(
            f"dtypes.issubdtype {a} {b}",
            lambda L, a=a, b=b: L.dtypes.issubdtype(
                L.dtypes.float0 if a == "float0" else a, L.dtypes.extended if b == "extended" else b
            ),
        )
    for x in (1, 1.0, True, 1j, np.float32(1), np.ones(2, np.int8)):
        case(f"dtypes.scalar_type_of {type(x).__name__}", lambda L, x=x: L.dtypes.scalar_type_of(x).__name__)
    case("dtypes.float0", lambda L: str(np.dtype(L.dtypes.float0)))
    case(
        "dtypes.itemsize_bits",
        lambda L: [L.dtypes.itemsize_bits(t) for t in (np.float32, np.int8, np.bool_, np.complex128)],
    )
    case("dtypes.finfo", lambda L: float(L.dtypes.finfo(np.float32).eps))
    case("dtypes.iinfo", lambda L: int(L.dtypes.iinfo(np.int8).max))
    try:
        from jax_diff_misc_nnrand import register as reg2

        reg2(case, grad_case)
    except ImportError:
        pass


def _one_level(r: Any) -> Any:
    children, aux = r
    return type(children).__name__, list(children), repr(aux)


def _keys(r: Any) -> Any:
    pairs, aux = r
    return type(pairs).__name__, [(str(k), v) for k, v in pairs], repr(aux)


def _node_class(L: Any) -> Any:
    class Box:
        def __init__(self, a: Any, b: Any) -> None:
            self.a, self.b = a, b

        def tree_flatten(self) -> Any:
            return (self.a,), self.b

        @classmethod
        def tree_unflatten(cls, aux: Any, children: Any) -> Any:
            return cls(children[0], aux)

    L.tu.register_pytree_node_class(Box)
    t = Box([1, 2], "s")
    out = L.tu.tree_map(lambda v: v * 10, t)
    return L.tu.tree_leaves(t), out.a, out.b, [L.tu.keystr(p) for p, _ in L.tu.tree_flatten_with_path(t)[0]]


def _keys_class(L: Any) -> Any:
    class Box:
        def __init__(self, a: Any, b: Any) -> None:
            self.a, self.b = a, b

        def tree_flatten_with_keys(self) -> Any:
            return ((L.tu.GetAttrKey("a"), self.a), (L.tu.GetAttrKey("b"), self.b)), None

        @classmethod
        def tree_unflatten(cls, aux: Any, children: Any) -> Any:
            return cls(*children)

    L.tu.register_pytree_with_keys_class(Box)
    t = Box(1, [2, 3])
    return (
        L.tu.tree_leaves(t),
        [L.tu.keystr(p) for p, _ in L.tu.tree_flatten_with_path(t)[0]],
        L.tu.tree_map(lambda v: v + 1, t).b,
    )


def _static(L: Any) -> Any:
    @dataclasses.dataclass(frozen=True)
    class S:
        n: int

    L.tu.register_static(S)
    t = [S(3), 1.0]
    jitted = L.api.jit(lambda t: t[1] * t[0].n)
    return L.tu.tree_leaves(t), L.tu.tree_structure(t).num_leaves, jitted(t)


def _scope(L: Any, name: Any) -> Any:
    with L.api.named_scope(name):
        return L.np.sin(np.float64(1.0))


def _ctev(L: Any) -> Any:
    with L.api.ensure_compile_time_eval():
        return L.np.ones(2) + 1


def _cg(L: Any) -> Callable:
    @L.api.custom_gradient
    def h(x: Any) -> Any:
        return x**2, lambda g: (g * 10 * x,)

    return h


def _cg2(L: Any) -> Callable:
    @L.api.custom_gradient
    def h(a: Any, b: Any) -> Any:
        return a * b, lambda g: (g * 7.0, g * a * b)

    return h


def _cc(L: Any, z: Any) -> Any:
    y = np.array([1.0, 2.0])
    g, c = L.api.closure_convert(lambda x: x * y * z + L.np.sin(x), 1.0)
    return len(c), g(0.5, *c)


def _cc_val(L: Any, z: Any) -> Any:
    g, c = L.api.closure_convert(lambda x: x * z, 1.0)
    return g(2.0, *c)


def _cc_n(L: Any, z: Any) -> Any:
    g, c = L.api.closure_convert(lambda x, w: x * z + w * z * z, 1.0, 2.0)
    assert len(c) == 1
    return g(2.0, 3.0, *c)


def _static3(L: Any) -> Any:
    @dataclasses.dataclass
    class Op:
        x: Any
        op: str = L.tree.static(default="add")

    L.tu.register_dataclass(Op)
    leaves, tdef = L.tu.tree_flatten(Op(np.ones(2)))
    return leaves, L.tu.tree_unflatten(tdef, [np.zeros(2)]).op
