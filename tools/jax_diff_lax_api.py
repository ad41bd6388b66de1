"""Cases of tools/jax_diff_lax.py for tree_util, control flow and the transformations' API.

Each case is ``fn(L)`` with ``L`` the functrans or JAX namespace (``L.api`` is functrans or jax,
``L.lax``, ``L.np``, ``L.tu``, ``L.nn``); results are compared as pytrees, exceptions by type.
"""
from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

API_CASES: list[tuple[str, Callable]] = []


def c(label: str) -> Callable:
    def deco(fn: Callable) -> Callable:
        API_CASES.append((label, fn))
        return fn
    return deco


V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
Pt = collections.namedtuple("Pt", ["y", "x"])


class NT(NamedTuple):
    b: Any
    a: Any


TREES = [
    {"b": 1, "a": 2, "c": (3, None, [4, 5])},
    {"b": None, "a": {"z": 1, "y": 2}},
    Pt(y=1, x=2),
    NT(b=[1, 2], a=None),
    [None, [None], (None,), {}],
    (1, (2, (3, ())), {"k": [6]}),
    {1: "a", 0: "b"},
    None,
    [],
    3.0,
    collections.OrderedDict([("z", 1), ("a", 2)]),
    collections.defaultdict(list, {"z": 1, "a": 2}),
]

# ---------------------------------------------------------------- tree_util
for i, t in enumerate(TREES):
    API_CASES.append((f"tu.leaves#{i}", lambda L, t=t: L.tu.tree_leaves(t)))
    API_CASES.append((f"tu.structure#{i}", lambda L, t=t: str(L.tu.tree_structure(t))))
    API_CASES.append((f"tu.num_leaves#{i}", lambda L, t=t: L.tu.tree_structure(t).num_leaves))
    API_CASES.append((f"tu.num_nodes#{i}", lambda L, t=t: L.tu.tree_structure(t).num_nodes))
    API_CASES.append((f"tu.roundtrip#{i}", lambda L, t=t: L.tu.tree_unflatten(
        L.tu.tree_structure(t), L.tu.tree_leaves(t))))
    API_CASES.append((f"tu.map#{i}", lambda L, t=t: L.tu.tree_map(lambda v: (v, v), t)))
    API_CASES.append((f"tu.leaves_none_leaf#{i}",
                      lambda L, t=t: L.tu.tree_leaves(t, is_leaf=lambda v: v is None)))
    API_CASES.append((f"tu.paths#{i}", lambda L, t=t: [
        (L.tu.keystr(p), v) for p, v in L.tu.tree_flatten_with_path(t)[0]]))
    API_CASES.append((f"tu.treedef_is_leaf#{i}",
                      lambda L, t=t: L.tu.treedef_is_leaf(L.tu.tree_structure(t))))
    API_CASES.append((f"tu.children#{i}", lambda L, t=t: [
        str(d) for d in L.tu.tree_structure(t).children()]))


c("tu.map_none")(lambda L: L.tu.tree_map(lambda a, b: (a, b), {"a": None, "b": 1},
                                          {"a": None, "b": 2}))
c("tu.map_none_leaf")(lambda L: L.tu.tree_map(lambda v: 0 if v is None else v + 1,
                                               [None, 1, (None, 2)], is_leaf=lambda v: v is None))
c("tu.map_is_leaf_tuple")(lambda L: L.tu.tree_map(lambda v: len(v), [(1, 2), [3, (4, 5)]],
                                                   is_leaf=lambda v: isinstance(v, tuple)))
c("tu.map_multi_prefix_err")(lambda L: L.tu.tree_map(lambda a, b: a + b, [1, 2], [1, 2, 3]))
c("tu.map_multi_dict_keys")(lambda L: L.tu.tree_map(lambda a, b: a + b, {"a": 1}, {"b": 1}))
c("tu.map_multi_type")(lambda L: L.tu.tree_map(lambda a, b: a + b, (1, 2), [1, 2]))
c("tu.map_second_deeper")(lambda L: L.tu.tree_map(lambda a, b: (a, b), [1, 2], [(3, 4), 5]))
c("tu.map_multi_none")(lambda L: L.tu.tree_map(lambda a, b: a, [1, None], [2, 3]))
c("tu.eq_structures")(lambda L: [L.tu.tree_structure({"a": 1, "b": 2}) == L.tu.tree_structure(
    {"b": 3, "a": 4}), L.tu.tree_structure((1, 2)) == L.tu.tree_structure([1, 2]),
    L.tu.tree_structure(None) == L.tu.tree_structure((None,))])
c("tu.hash_structures")(lambda L: hash(L.tu.tree_structure({"a": 1})) ==
                         hash(L.tu.tree_structure({"a": 9})))
c("tu.unflatten_wrong_count")(lambda L: L.tu.tree_unflatten(L.tu.tree_structure((1, 2)), [1]))
c("tu.transpose")(lambda L: L.tu.tree_transpose(
    L.tu.tree_structure([0, 0]), L.tu.tree_structure((0, {"a": 0})),
    [(1, {"a": 2}), (3, {"a": 4})]))
c("tu.transpose_bad")(lambda L: L.tu.tree_transpose(
    L.tu.tree_structure([0, 0]), L.tu.tree_structure((0, 0)), [(1, 2), (3,)]))
c("tu.reduce")(lambda L: L.tu.tree_reduce(lambda a, b: a * 10 + b, {"b": 1, "a": 2, "c": [3, 4]}))
c("tu.reduce_init")(lambda L: L.tu.tree_reduce(lambda a, b: a + b, [], 7))
c("tu.reduce_empty")(lambda L: L.tu.tree_reduce(lambda a, b: a + b, []))
c("tu.all")(lambda L: [L.tu.tree_all([True, (1, None)]), L.tu.tree_all([]),
                       L.tu.tree_all([True, 0])])
c("tu.all_is_leaf")(lambda L: L.tu.tree_all([None, 1], is_leaf=lambda v: v is None))
c("tu.structure_leaf")(lambda L: [str(L.tu.tree_structure(np.zeros(3))),
                                  str(L.tu.tree_structure(1))])
c("tu.flatten_up_to")(lambda L: L.tu.tree_structure([0, (0, 0)]).flatten_up_to(
    [1, ((2, 3), {"a": 4})]))
c("tu.unflatten_method")(lambda L: L.tu.tree_structure({"a": 0, "b": 0}).unflatten([1, 2]))
c("tu.map_with_path")(lambda L: L.tu.tree_map_with_path(
    lambda p, v: L.tu.keystr(p), {"a": [1, (2,)], "b": Pt(3, 4)}))
c("tu.keystr_simple")(lambda L: [L.tu.keystr(p) for p, _ in
                                 L.tu.tree_flatten_with_path({"a": [1, NT(2, 3)]})[0]])
c("tu.leaves_with_path")(lambda L: [(str(p), v) for p, v in L.tu.tree_leaves_with_path(
    {"a": [1, 2], "b": {"c": 3}})])
c("tu.path_types")(lambda L: [[type(k).__name__ for k in p] for p, _ in
                              L.tu.tree_flatten_with_path({"a": [1, NT(2, 3)]})[0]])
c("tu.path_key_attrs")(lambda L: [[getattr(k, "key", getattr(k, "idx", getattr(k, "name", None)))
                                   for k in p] for p, _ in
                                  L.tu.tree_flatten_with_path({"a": [1, NT(2, 3)]})[0]])
c("tu.partial")(lambda L: L.tu.tree_leaves(L.tu.Partial(lambda a, b: a + b, np.float64(1.0))))
c("tu.partial_call")(lambda L: L.tu.Partial(lambda a, b: a - b, np.float64(1.0))(3.0))
c("tu.partial_structure")(lambda L: L.tu.tree_structure(
    L.tu.Partial(lambda a, b: a + b, np.float64(1.0))).num_leaves)


class Box:
    def __init__(self, a: Any, b: Any) -> None:
        self.a, self.b = a, b


def _reg(L: Any, cls: type) -> type:
    if cls not in _REG[L.name]:
        L.tu.register_pytree_node(cls, lambda x: ((x.a, x.b), "aux"),
                                  lambda aux, ch: cls(*ch))
        _REG[L.name].add(cls)
    return cls


_REG: dict[str, set] = {"ft": set(), "jax": set()}


class BoxF(Box):
    pass


class BoxJ(Box):
    pass


def _box(L: Any) -> type:
    return _reg(L, BoxF if L.name == "ft" else BoxJ)


c("tu.custom_leaves")(lambda L: L.tu.tree_leaves(_box(L)(1, [2, None])))
c("tu.custom_map")(lambda L: (lambda r: (r.a, r.b))(L.tu.tree_map(lambda v: v * 2,
                                                                     _box(L)(1, [2, 3]))))
c("tu.custom_paths")(lambda L: [L.tu.keystr(p) for p, _ in
                                L.tu.tree_flatten_with_path(_box(L)(1, [2, 3]))[0]])
c("tu.custom_eq")(lambda L: L.tu.tree_structure(_box(L)(1, 2)) ==
                  L.tu.tree_structure(_box(L)(3, 4)))
c("tu.custom_register_twice")(lambda L: (_box(L), L.tu.register_pytree_node(
    BoxF if L.name == "ft" else BoxJ, lambda x: ((), None), lambda a, c: None)))


@dataclasses.dataclass
class DCF:
    x: Any
    y: Any
    z: int = 0


@dataclasses.dataclass
class DCJ:
    x: Any
    y: Any
    z: int = 0


_DC: dict[str, type] = {}


def _dc(L: Any) -> type:
    if L.name not in _DC:
        cls = DCF if L.name == "ft" else DCJ
        L.tu.register_dataclass(cls, data_fields=["y", "x"], meta_fields=["z"])
        _DC[L.name] = cls
    return _DC[L.name]


c("tu.dataclass_leaves")(lambda L: L.tu.tree_leaves(_dc(L)(1, 2, 3)))
c("tu.dataclass_paths")(lambda L: [L.tu.keystr(p) for p, _ in
                                   L.tu.tree_flatten_with_path(_dc(L)(1, 2, 3))[0]])
c("tu.dataclass_map")(lambda L: dataclasses.astuple(L.tu.tree_map(lambda v: v + 1,
                                                                  _dc(L)(1, 2, 3))))

# ---------------------------------------------------------------- grad / value_and_grad
f2 = lambda L: lambda x, y: L.np.sum(x * L.np.sin(y)) + x[0] ** 2  # noqa: E731
c("grad argnums int")(lambda L: L.api.grad(f2(L), argnums=1)(V[:3], M[0]))
c("grad argnums tuple")(lambda L: L.api.grad(f2(L), argnums=(1, 0))(V[:3], M[0]))
c("grad argnums (0,)")(lambda L: L.api.grad(f2(L), argnums=(0,))(V[:3], M[0]))
c("grad argnums out of range")(lambda L: L.api.grad(f2(L), argnums=2)(V[:3], M[0]))
c("grad argnums negative")(lambda L: L.api.grad(f2(L), argnums=-1)(V[:3], M[0]))
c("grad non-scalar")(lambda L: L.api.grad(lambda x: x * 2)(V))
c("grad shape (1,)")(lambda L: L.api.grad(lambda x: x * 2)(V[:1]))
c("grad int input")(lambda L: L.api.grad(lambda x: x * 2)(3))
c("grad int array input")(lambda L: L.api.grad(lambda x: L.np.sum(x * 2.0))(np.arange(3)))
c("grad bool input")(lambda L: L.api.grad(lambda x: 1.0)(True))
c("grad int output")(lambda L: L.api.grad(lambda x: L.np.sum(x).astype(np.int32))(V))
c("grad complex output")(lambda L: L.api.grad(lambda x: x * 1j)(1.0))
c("grad holomorphic")(lambda L: L.api.grad(lambda z: z * z, holomorphic=True)(1.0 + 2.0j))
c("grad complex input")(lambda L: L.api.grad(lambda z: L.np.real(z * z))(1.0 + 2.0j))
c("grad float32")(lambda L: L.api.grad(lambda x: x * x)(np.float32(3.0)))
c("grad python float")(lambda L: L.api.grad(lambda x: x * x)(3.0))
c("grad returns tuple")(lambda L: L.api.grad(lambda x: (x, x))(1.0))
c("grad has_aux")(lambda L: L.api.grad(lambda x: (L.np.sum(x ** 2), {"m": x * 2}),
                                       has_aux=True)(V))
c("grad has_aux not tuple")(lambda L: L.api.grad(lambda x: L.np.sum(x), has_aux=True)(V))
c("grad pytree in")(lambda L: L.api.grad(lambda t: t["b"] * L.np.sum(t["a"][0]) + t["a"][1])(
    {"b": 2.0, "a": (V, 1.0)}))
c("grad None leaf")(lambda L: L.api.grad(lambda t: t[0] * 2)((1.0, None)))
c("grad namedtuple")(lambda L: L.api.grad(lambda t: t.x * t.y)(Pt(2.0, 3.0)))
c("grad int in pytree")(lambda L: L.api.grad(lambda t: t[0] * 2)((1.0, 3)))
c("grad abs at 0")(lambda L: L.api.grad(L.np.abs)(0.0))
c("grad relu at 0")(lambda L: L.api.grad(L.nn.relu)(0.0))
c("grad relu6 at 0,6")(lambda L: [L.api.grad(L.nn.relu6)(0.0), L.api.grad(L.nn.relu6)(6.0)])
c("grad max tie")(lambda L: L.api.grad(lambda x, y: L.np.maximum(x, y), argnums=(0, 1))(1.0, 1.0))
c("grad lax.max tie")(lambda L: L.api.grad(lambda x, y: L.lax.max(x, y) if hasattr(L.lax, "max")
                                           else L.lax.maximum(x, y), argnums=(0, 1))(1.0, 1.0))
c("grad lax.min tie")(lambda L: L.api.grad(lambda x, y: L.lax.min(x, y), argnums=(0, 1))(1.0, 1.0))
c("grad amax ties")(lambda L: L.api.grad(L.np.max)(np.array([1.0, 3.0, 3.0, 2.0])))
c("grad reduce_max ties")(lambda L: L.api.grad(lambda x: L.lax.reduce_max(x, (0,)))(
    np.array([1.0, 3.0, 3.0, 2.0])))
c("grad reduce_min ties")(lambda L: L.api.grad(lambda x: L.lax.reduce_min(x, (0,)))(
    np.array([1.0, -3.0, -3.0, 2.0])))
c("grad sort ties")(lambda L: L.api.grad(lambda x: L.np.sum(L.lax.sort(x) * np.arange(4.0)))(
    np.array([1.0, 3.0, 3.0, 2.0])))
c("grad top_k ties")(lambda L: L.api.grad(lambda x: L.np.sum(L.lax.top_k(x, 2)[0] * np.array(
    [1.0, 2.0])))(np.array([1.0, 3.0, 3.0, 2.0])))
c("grad cummax ties")(lambda L: L.api.grad(lambda x: L.np.sum(L.lax.cummax(x, axis=0)))(
    np.array([1.0, 3.0, 3.0, 2.0, 3.0])))
c("grad cummin ties")(lambda L: L.api.grad(lambda x: L.np.sum(L.lax.cummin(x, axis=0)))(
    np.array([1.0, 0.0, 0.0, 2.0, 0.0])))
c("grad cumprod zeros")(lambda L: L.api.grad(lambda x: L.np.sum(L.lax.cumprod(x, axis=0)))(
    np.array([2.0, 0.0, 3.0, 0.0, 4.0])))
c("grad reduce_prod zeros")(lambda L: L.api.grad(lambda x: L.lax.reduce_prod(x, (0,)))(
    np.array([2.0, 0.0, 3.0])))
c("grad reduce_prod two zeros")(lambda L: L.api.grad(lambda x: L.lax.reduce_prod(x, (0,)))(
    np.array([2.0, 0.0, 0.0])))
c("grad sqrt at 0")(lambda L: L.api.grad(L.lax.sqrt)(0.0))
c("grad cbrt at 0")(lambda L: L.api.grad(L.lax.cbrt)(0.0))
c("grad pow 0^0")(lambda L: L.api.grad(lambda x, y: L.lax.pow(x, y), argnums=(0, 1))(0.0, 0.0))
c("grad pow 0^1")(lambda L: L.api.grad(lambda x, y: L.lax.pow(x, y), argnums=(0, 1))(0.0, 1.0))
c("grad pow 0^2")(lambda L: L.api.grad(lambda x, y: L.lax.pow(x, y), argnums=(0, 1))(0.0, 2.0))
c("grad pow -2^2")(lambda L: L.api.grad(lambda x, y: L.lax.pow(x, y), argnums=(0, 1))(-2.0, 2.0))
c("grad np.power 0^0")(lambda L: L.api.grad(lambda x, y: L.np.power(x, y), argnums=(0, 1))(0.0,
                                                                                           0.0))
c("grad integer_pow 0")(lambda L: [L.api.grad(lambda x, k=k: L.lax.integer_pow(x, k))(0.0)
                                   for k in (0, 1, 2, -1)])
c("grad atan2 0,0")(lambda L: L.api.grad(L.lax.atan2, argnums=(0, 1))(0.0, 0.0))
c("grad sign")(lambda L: L.api.grad(L.lax.sign)(0.0))
c("grad round floor")(lambda L: [L.api.grad(L.lax.round)(0.5), L.api.grad(L.lax.floor)(1.0)])
c("grad clamp")(lambda L: [L.api.grad(lambda x: L.np.clip(x, 0.0, 1.0))(v) for v in
                           (0.0, 1.0, 0.5, 2.0)])
c("grad logsumexp -inf")(lambda L: L.api.grad(L.nn.logsumexp)(np.array([-np.inf, 0.0])))
c("grad logsumexp all -inf")(lambda L: L.api.grad(L.nn.logsumexp)(np.array([-np.inf, -np.inf])))
c("grad logsumexp inf")(lambda L: L.api.grad(L.nn.logsumexp)(np.array([np.inf, 0.0])))
c("grad softmax -inf")(lambda L: L.api.grad(lambda x: L.nn.softmax(x)[1])(np.array([-np.inf, 0.0,
                                                                                   1.0])))
c("grad log_softmax -inf")(lambda L: L.api.grad(lambda x: L.nn.log_softmax(x)[1])(
    np.array([-np.inf, 0.0, 1.0])))
c("grad xlogy 0")(lambda L: L.api.grad(L.ss.xlogy, argnums=(0, 1))(0.0, 0.0))
c("grad xlogy 0,1")(lambda L: L.api.grad(L.ss.xlogy, argnums=(0, 1))(0.0, 1.0))
c("grad xlog1py 0")(lambda L: L.api.grad(L.ss.xlog1py, argnums=(0, 1))(0.0, -1.0))
c("grad xlog1py 0,0")(lambda L: L.api.grad(L.ss.xlog1py, argnums=(0, 1))(0.0, 0.0))
c("grad entr 0")(lambda L: L.api.grad(L.ss.entr)(0.0))
c("grad logit 0,1")(lambda L: [L.api.grad(L.ss.logit)(0.0), L.api.grad(L.ss.logit)(1.0)])
c("grad gelu 0")(lambda L: [L.api.grad(L.nn.gelu)(0.0),
                            L.api.grad(lambda x: L.nn.gelu(x, approximate=False))(0.0)])
c("grad elu celu selu 0")(lambda L: [L.api.grad(getattr(L.nn, n))(0.0)
                                     for n in ("elu", "celu", "selu", "leaky_relu")])
c("grad hard_tanh kinks")(lambda L: [L.api.grad(L.nn.hard_tanh)(v) for v in (-1.0, 1.0, 0.0)])
c("grad softplus inf")(lambda L: [L.api.grad(L.nn.softplus)(v) for v in (-np.inf, np.inf, 0.0)])
c("grad log_sigmoid")(lambda L: [L.api.grad(L.nn.log_sigmoid)(v) for v in (-1e3, 1e3, 0.0)])
c("grad silu")(lambda L: [L.api.grad(L.nn.silu)(v) for v in (-1e3, 1e3, 0.0)])
c("grad standardize")(lambda L: L.api.grad(lambda x: L.np.sum(L.nn.standardize(x) * V[:3]))(
    np.array([1.0, 2.0, 4.0])))
c("grad standardize const")(lambda L: L.api.grad(lambda x: L.np.sum(L.nn.standardize(x) * V[:3]))(
    np.array([1.0, 1.0, 1.0])))
c("grad ss.logsumexp b")(lambda L: L.api.grad(lambda x: L.ss.logsumexp(x, b=np.array(
    [1.0, -1.0, 2.0])))(np.array([0.0, 1.0, -1.0])))
c("grad ss.logsumexp b zero")(lambda L: L.api.grad(lambda x: L.ss.logsumexp(x, b=np.array(
    [1.0, 0.0, 2.0])))(np.array([0.0, np.inf, -1.0])))
c("grad ss.logsumexp b grad")(lambda L: L.api.grad(lambda b: L.ss.logsumexp(np.array(
    [0.0, 1.0, -1.0]), b=b))(np.array([1.0, 0.0, 2.0])))
c("grad norm.logcdf")(lambda L: [L.api.grad(L.st.norm.logcdf)(v) for v in (-40.0, 0.0, 40.0)])
c("grad ndtr")(lambda L: [L.api.grad(L.ss.ndtr)(v) for v in (-40.0, 0.0, 40.0)])
c("grad log_ndtr")(lambda L: [L.api.grad(L.ss.log_ndtr)(v) for v in (-40.0, -10.0, 0.0, 40.0)])
c("grad gammaln")(lambda L: [L.api.grad(L.ss.gammaln)(v) for v in (-1.5, 0.0, 1.0, 2.5)])
c("grad erf_inv ends")(lambda L: [L.api.grad(L.lax.erf_inv)(v) for v in (-1.0, 0.0, 1.0)])
c("grad logistic")(lambda L: [L.api.grad(L.lax.logistic)(v) for v in (-800.0, 0.0, 800.0)])
c("grad one_hot")(lambda L: L.api.grad(lambda x: L.np.sum(L.nn.one_hot(x, 3)))(1.0))
c("grad argmax")(lambda L: L.api.grad(lambda x: L.lax.argmax(x, 0, np.int32) * 1.0)(V))
c("grad select")(lambda L: L.api.grad(lambda x: L.np.sum(L.lax.select(x > 0, x, 2 * x)))(V))
c("grad where nan")(lambda L: L.api.grad(lambda x: L.np.sum(L.np.where(x > 0, L.np.log(x), 0.)))(
    V))
c("value_and_grad")(lambda L: L.api.value_and_grad(f2(L), argnums=(0, 1))(V[:3], M[0]))
c("value_and_grad has_aux")(lambda L: L.api.value_and_grad(
    lambda x: (L.np.sum(x ** 2), x * 2), has_aux=True)(V))
c("value_and_grad non-scalar")(lambda L: L.api.value_and_grad(lambda x: x)(V))
c("grad of grad")(lambda L: L.api.grad(L.api.grad(lambda x: x ** 3 * L.np.sin(x)))(0.7))
c("grad stop_gradient tree")(lambda L: L.api.grad(lambda t: t[0] * L.lax.stop_gradient(t)[1] +
                                                  L.lax.stop_gradient(t)[0])((2.0, 3.0)))

# ---------------------------------------------------------------- jacfwd / jacrev / hessian
g_tree = lambda L: lambda t: {"p": t["a"] * t["b"][0], "q": (L.np.sum(t["b"][1] ** 2),)}  # noqa
T_IN = {"a": np.array([1.0, 2.0]), "b": (3.0, np.array([[1.0, 2.0, 3.0]]))}
for jn in ("jacfwd", "jacrev"):
    c(f"{jn} tree")(lambda L, jn=jn: getattr(L.api, jn)(g_tree(L))(T_IN))
    c(f"{jn} argnums tuple")(lambda L, jn=jn: getattr(L.api, jn)(
        lambda x, y: x[:, None] * y, argnums=(1, 0))(V[:3], M[0, :2]))
    c(f"{jn} argnums int")(lambda L, jn=jn: getattr(L.api, jn)(
        lambda x, y: x[:, None] * y, argnums=1)(V[:3], M[0, :2]))
    c(f"{jn} has_aux")(lambda L, jn=jn: getattr(L.api, jn)(
        lambda x: (L.np.sin(x), {"a": x * 2}), has_aux=True)(V[:3]))
    c(f"{jn} scalar")(lambda L, jn=jn: getattr(L.api, jn)(L.np.sin)(0.5))
    c(f"{jn} scalar->vec")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: L.np.stack([x, x * x]))(
        0.5))
    c(f"{jn} int input")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: x * 2.0)(np.arange(3)))
    c(f"{jn} int output")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: L.np.floor(x).astype(
        np.int32))(V[:3]))
    c(f"{jn} float32")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: x * x)(
        V[:3].astype(np.float32)))
    c(f"{jn} mixed dtypes")(lambda L, jn=jn: getattr(L.api, jn)(
        lambda x, y: x * y.astype(np.float32), argnums=(0, 1))(V[:2].astype(np.float32), V[:2]))
    c(f"{jn} complex")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: x * (1 + 1j))(V[:2]))
    c(f"{jn} tuple out")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: (x, [x * 2]))(V[:2]))
    c(f"{jn} None out")(lambda L, jn=jn: getattr(L.api, jn)(lambda x: (x, None))(V[:2]))
    c(f"{jn} 0-d tree in")(lambda L, jn=jn: getattr(L.api, jn)(lambda t: t[0] * t[1] * M)(
        (2.0, 3.0)))
c("hessian tree")(lambda L: L.api.hessian(lambda t: L.np.sum(t["a"] ** 2) * t["b"])(
    {"a": np.array([1.0, 2.0]), "b": 3.0}))
c("hessian argnums")(lambda L: L.api.hessian(lambda x, y: L.np.sum(x ** 2 * y), argnums=(0, 1))(
    V[:2], M[0, :2]))
c("hessian has_aux")(lambda L: L.api.hessian(lambda x: (L.np.sum(x ** 3), x), has_aux=True)(V[:2]))
c("hessian matrix in")(lambda L: L.api.hessian(lambda x: L.np.sum(x ** 3))(M))
c("jacobian alias")(lambda L: L.api.jacobian(L.np.sin)(V[:2]) if hasattr(L.api, "jacobian") else
                    L.api.jacrev(L.np.sin)(V[:2]))

# ---------------------------------------------------------------- jvp / vjp / linearize
c("jvp tree")(lambda L: L.api.jvp(g_tree(L), (T_IN,), (L.tu.tree_map(np.ones_like, T_IN),)))
c("jvp list primals")(lambda L: L.api.jvp(L.np.sin, [V], [V]))
c("jvp not tuple")(lambda L: L.api.jvp(L.np.sin, V, V))
c("jvp dtype mismatch")(lambda L: L.api.jvp(L.np.sin, (V,), (V.astype(np.float32),)))
c("jvp shape mismatch")(lambda L: L.api.jvp(L.np.sin, (V,), (V[:2],)))
c("jvp int primal")(lambda L: L.api.jvp(lambda x: x * 2, (np.arange(3),),
                                        (np.zeros(3, L.api.dtypes.float0) if L.name == "jax"
                                         else np.zeros(3, L.api.float0),)))
c("jvp python scalar")(lambda L: L.api.jvp(lambda x: x * x, (3.0,), (1.0,)))
c("jvp has_aux")(lambda L: L.api.jvp(lambda x: (x * 2, x), (V,), (V,), has_aux=True))
c("vjp tree")(lambda L: (lambda o: (o[0], o[1]({"p": np.ones(2), "q": (2.0,)})))(
    L.api.vjp(g_tree(L), T_IN)))
c("vjp multi")(lambda L: (lambda o: o[1](np.ones(3)))(L.api.vjp(lambda x, y: x * y, V[:3],
                                                                 2.0)))
c("vjp wrong ct shape")(lambda L: (lambda o: o[1](np.ones(4)))(L.api.vjp(L.np.sin, V[:3])))
c("vjp wrong ct dtype")(lambda L: (lambda o: o[1](np.ones(3, np.float32)))(L.api.vjp(L.np.sin,
                                                                                        V[:3])))
c("vjp wrong ct tree")(lambda L: (lambda o: o[1]((np.ones(3),)))(L.api.vjp(L.np.sin, V[:3])))
c("vjp has_aux")(lambda L: (lambda o: (o[0], o[2], o[1](np.ones(3))))(
    L.api.vjp(lambda x: (L.np.sin(x), {"x": x}), V[:3], has_aux=True)))
c("vjp int input")(lambda L: (lambda o: o[1](np.ones(3)))(L.api.vjp(lambda x, y: x * y, V[:3],
                                                                     np.arange(3))))
c("linearize tree")(lambda L: (lambda o: (o[0], o[1](L.tu.tree_map(np.ones_like, T_IN))))(
    L.api.linearize(g_tree(L), T_IN)))
c("linearize multi")(lambda L: (lambda o: (o[0], o[1](np.ones(3), 1.0)))(
    L.api.linearize(lambda x, y: x * y, V[:3], 2.0)))
c("linear_transpose")(lambda L: L.api.linear_transpose(lambda x: (x * 2.0, x[:2]), V[:3])(
    (np.ones(3), np.ones(2))))

# ---------------------------------------------------------------- vmap
c("vmap in_axes None")(lambda L: L.api.vmap(lambda x, y: x * y, in_axes=(0, None))(M, V[:3]))
c("vmap in_axes -1")(lambda L: L.api.vmap(lambda x: L.np.sum(x), in_axes=-1)(M))
c("vmap in_axes dict prefix")(lambda L: L.api.vmap(lambda t: t["a"] + t["b"],
                                                   in_axes=({"a": 0, "b": None},))(
    {"a": M, "b": V[:3]}))
c("vmap in_axes list")(lambda L: L.api.vmap(lambda x, y: x + y, in_axes=[0, 1])(M, M.T))
c("vmap out_axes 1")(lambda L: L.api.vmap(lambda x: x * 2, out_axes=1)(M))
c("vmap out_axes -1")(lambda L: L.api.vmap(lambda x: x * 2, out_axes=-1)(np.ones((2, 3, 4))))
c("vmap out_axes None")(lambda L: L.api.vmap(lambda x: 1.0, out_axes=None)(M))
c("vmap out_axes None bad")(lambda L: L.api.vmap(lambda x: x, out_axes=None)(M))
c("vmap out_axes tree")(lambda L: L.api.vmap(lambda x: (x, {"a": x}), out_axes=(0, {"a": 1}))(M))
c("vmap out_axes tuple prefix")(lambda L: L.api.vmap(lambda x: (x, x * 2), out_axes=(1, 0))(M))
c("vmap size mismatch")(lambda L: L.api.vmap(lambda x, y: x + y)(M, V))
c("vmap axis oob")(lambda L: L.api.vmap(lambda x: x, in_axes=2)(M))
c("vmap all None")(lambda L: L.api.vmap(lambda x: x, in_axes=None)(M))
c("vmap in_axes bad type")(lambda L: L.api.vmap(lambda x: x, in_axes=0.5)(M))
c("vmap in_axes wrong len")(lambda L: L.api.vmap(lambda x, y: x, in_axes=(0,))(M, M))
c("vmap scalar in")(lambda L: L.api.vmap(lambda x: x)(1.0))
c("vmap kwargs")(lambda L: L.api.vmap(lambda x, y: x + y)(M, y=M))
c("vmap axis_size")(lambda L: L.api.vmap(lambda x: x + 1.0, in_axes=None, axis_size=3)(V[:2]))
c("vmap empty axis")(lambda L: L.api.vmap(lambda x: x * 2)(np.zeros((0, 3))))
c("vmap int")(lambda L: L.api.vmap(lambda x: x * 2)(np.arange(3)))
c("vmap tuple out")(lambda L: L.api.vmap(lambda x: (x[0], x))(M))
c("vmap None in tree")(lambda L: L.api.vmap(lambda t: t[0] * 2)((V, None)))
c("vmap nested")(lambda L: L.api.vmap(L.api.vmap(lambda x, y: x * y), in_axes=(0, None))(
    np.ones((2, 3)), V[:3]))
c("vmap argmax")(lambda L: L.api.vmap(lambda x: L.lax.argmax(x, 0, np.int32))(M))
c("vmap sort")(lambda L: L.api.vmap(lambda x: L.lax.sort(x))(M))
c("vmap top_k")(lambda L: L.api.vmap(lambda x: L.lax.top_k(x, 2))(M))
c("vmap cumsum")(lambda L: L.api.vmap(lambda x: L.lax.cumsum(x, axis=0), in_axes=1)(M))
c("vmap dot_general")(lambda L: L.api.vmap(lambda x: L.lax.dot_general(x, x, (((0,), (0,)),
                                                                            ((), ()))))(M))
c("vmap grad")(lambda L: L.api.vmap(L.api.grad(lambda x: L.np.sum(x ** 3)))(M))
c("vmap in_axes tuple for single")(lambda L: L.api.vmap(lambda x: x, in_axes=(0,))(M))
c("vmap out_axes oob")(lambda L: L.api.vmap(lambda x: x, out_axes=3)(M))
c("vmap ragged tree")(lambda L: L.api.vmap(lambda t: t["a"])({"a": M, "b": V}))


# ---------------------------------------------------------------- jit
def _jit_static(L: Any) -> Any:
    f = L.api.jit(lambda x, n: x * n, static_argnums=1)
    return [f(V, 2), f(V, 3)]


c("jit static_argnums")(_jit_static)
c("jit static_argnames")(lambda L: L.api.jit(lambda x, n=1: x * n, static_argnames="n")(V, n=3))
c("jit static_argnames pos")(lambda L: L.api.jit(lambda x, n=1: x * n, static_argnames="n")(V, 3))
c("jit static_argnums neg")(lambda L: L.api.jit(lambda x, n: x * n, static_argnums=-1)(V, 2))
c("jit static unhashable")(lambda L: L.api.jit(lambda x, n: x, static_argnums=1)(V, [1]))
c("jit donate")(lambda L: L.api.jit(lambda x: x * 2, donate_argnums=0)(V.copy()))
c("jit tree")(lambda L: L.api.jit(g_tree(L))(T_IN))
c("jit python scalar")(lambda L: L.api.jit(lambda x: x * 2)(3))
c("jit python float")(lambda L: L.api.jit(lambda x: x * 2)(3.0))
c("jit bool branch")(lambda L: L.api.jit(lambda x: x if x > 0 else -x)(1.0))
c("jit kwargs")(lambda L: L.api.jit(lambda x, y: x - y)(y=1.0, x=V))
c("jit none arg")(lambda L: L.api.jit(lambda x, y: x if y is None else y)(V, None))
c("jit int static string")(lambda L: L.api.jit(lambda x, mode: x * (2 if mode == "a" else 3),
                                               static_argnames="mode")(V, mode="b"))
c("jit returns None")(lambda L: L.api.jit(lambda x: None)(V))
c("jit returns int")(lambda L: L.api.jit(lambda x: 3)(V))
c("jit empty tuple")(lambda L: L.api.jit(lambda x: ())(V))
c("eval_shape")(lambda L: (lambda s: [(x.shape, str(x.dtype)) for x in L.tu.tree_leaves(s)])(
    L.api.eval_shape(g_tree(L), T_IN)))


# ---------------------------------------------------------------- control flow
c("cond")(lambda L: L.lax.cond(True, lambda x: x * 2, lambda x: x - 1, V))
c("cond int pred")(lambda L: L.lax.cond(0, lambda x: x * 2, lambda x: x - 1, V))
c("cond array pred")(lambda L: L.lax.cond(np.array(True), lambda x: x * 2, lambda x: x - 1, V))
c("cond vec pred")(lambda L: L.lax.cond(np.array([True, False]), lambda x: x, lambda x: x, V))
c("cond float pred")(lambda L: L.lax.cond(1.5, lambda x: x, lambda x: x, V))
c("cond branch mismatch dtype")(lambda L: L.lax.cond(True, lambda x: x, lambda x: x.astype(
    np.float32), V))
c("cond branch mismatch shape")(lambda L: L.lax.cond(True, lambda x: x, lambda x: x[:2], V))
c("cond branch mismatch tree")(lambda L: L.lax.cond(True, lambda x: (x, x), lambda x: [x, x], V))
c("cond multiple operands")(lambda L: L.lax.cond(False, lambda x, y: x + y, lambda x, y: x - y,
                                                 V, 1.0))
c("cond no operands")(lambda L: L.lax.cond(False, lambda: 1.0, lambda: 2.0))
c("cond python int out")(lambda L: L.lax.cond(False, lambda: 1, lambda: 2))
c("cond grad")(lambda L: L.api.grad(lambda x: L.lax.cond(x > 0, L.np.sin, L.np.cos, x))(0.5))
c("cond vmap pred")(lambda L: L.api.vmap(lambda p, x: L.lax.cond(p, lambda y: y * 2,
                                                                 lambda y: -y, x))(
    np.array([True, False]), M))
c("cond grad at pred boundary")(lambda L: L.api.grad(lambda x: L.lax.cond(
    x >= 0.0, lambda y: y * 2, lambda y: y * 3, x))(0.0))
c("switch")(lambda L: [L.lax.switch(i, [lambda x: x, lambda x: x * 2, lambda x: x * 3], V)
                       for i in (-1, 0, 1, 2, 5)])
c("switch empty")(lambda L: L.lax.switch(0, [], V))
c("switch float index")(lambda L: L.lax.switch(1.0, [lambda x: x, lambda x: x * 2], V))
c("switch vmap")(lambda L: L.api.vmap(lambda i, x: L.lax.switch(i, [lambda y: y, lambda y: y * 2,
                                                                   lambda y: -y], x))(
    np.array([0, 2]), M))
c("switch vmap oob")(lambda L: L.api.vmap(lambda i, x: L.lax.switch(i, [lambda y: y,
                                                                       lambda y: y * 2], x))(
    np.array([-3, 7]), M))
c("while_loop")(lambda L: L.lax.while_loop(lambda c: c[0] < 5, lambda c: (c[0] + 1, c[1] * 2.0),
                                           (0, 1.0)))
c("while_loop carry type change")(lambda L: L.lax.while_loop(
    lambda c: c < 5, lambda c: c + 1.0, 0))
c("while_loop carry shape change")(lambda L: L.lax.while_loop(
    lambda c: c[0] < 5, lambda c: c * 2, np.ones(3)))
c("while_loop cond non-bool")(lambda L: L.lax.while_loop(lambda c: c, lambda c: c - 1, 3))
c("while_loop cond vector")(lambda L: L.lax.while_loop(lambda c: c < 3, lambda c: c + 1,
                                                       np.zeros(2)))
c("while_loop tree change")(lambda L: L.lax.while_loop(lambda c: c[0] < 3, lambda c: [c[0] + 1],
                                                       (0,)))
c("while_loop fwd grad")(lambda L: L.api.jacfwd(lambda x: L.lax.while_loop(
    lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * x), (0, 1.0))[1])(1.5))
c("while_loop rev grad")(lambda L: L.api.grad(lambda x: L.lax.while_loop(
    lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * x), (0, 1.0))[1])(1.5))
c("while_loop vmap")(lambda L: L.api.vmap(lambda n: L.lax.while_loop(
    lambda c: c[0] < n, lambda c: (c[0] + 1, c[1] * 2.0), (0, 1.0)))(np.array([1, 3, 0])))
c("fori_loop")(lambda L: L.lax.fori_loop(0, 5, lambda i, c: c + i, 0.0))
c("fori_loop int carry")(lambda L: L.lax.fori_loop(0, 5, lambda i, c: c + i, 0))
c("fori_loop reversed bounds")(lambda L: L.lax.fori_loop(5, 2, lambda i, c: c + i, 0.0))
c("fori_loop grad")(lambda L: L.api.grad(lambda x: L.lax.fori_loop(0, 3, lambda i, c: c * x,
                                                                   1.0))(1.5))
c("fori_loop carry type change")(lambda L: L.lax.fori_loop(0, 3, lambda i, c: c * 1.5, 1))
c("fori_loop int32 bounds")(lambda L: L.lax.fori_loop(np.int32(0), np.int32(3),
                                                      lambda i, c: c + i, 0))
c("fori_loop i dtype")(lambda L: L.lax.fori_loop(0, 3, lambda i, c: c + [i], [])
                       if False else L.lax.fori_loop(0, 3, lambda i, c: i + c * 0, 0))
c("fori_loop unroll")(lambda L: L.lax.fori_loop(0, 4, lambda i, c: c * 2.0, 1.0, unroll=2))
c("fori_loop float bounds")(lambda L: L.lax.fori_loop(0.0, 3.0, lambda i, c: c + 1.0, 0.0))
c("fori_loop mixed bounds")(lambda L: L.lax.fori_loop(np.int32(0), 3, lambda i, c: c + i, 0))


def _body(c: Any, x: Any) -> Any:
    return c + x, c * x


c("scan")(lambda L: L.lax.scan(_body, 0.0, V))
c("scan tree")(lambda L: L.lax.scan(lambda c, x: ({"s": c["s"] + x[0]}, (x[1], None)),
                                    {"s": 0.0}, (V, M.T[:, 0].copy())))
c("scan reverse")(lambda L: L.lax.scan(_body, 0.0, V, reverse=True))
c("scan length no xs")(lambda L: L.lax.scan(lambda c, _: (c + 1.0, c), 0.0, None, length=3))
c("scan length mismatch")(lambda L: L.lax.scan(_body, 0.0, V, length=3))
c("scan no length")(lambda L: L.lax.scan(lambda c, _: (c, c), 0.0, None))
c("scan carry type change")(lambda L: L.lax.scan(lambda c, x: (c + x, c), 0, V))
c("scan carry shape change")(lambda L: L.lax.scan(lambda c, x: (c * x, c), np.ones(2), V))
c("scan carry f32->f64")(lambda L: L.lax.scan(lambda c, x: (c + x, c), np.float32(0), V))
c("scan body not pair")(lambda L: L.lax.scan(lambda c, x: c + x, 0.0, V))
c("scan ragged xs")(lambda L: L.lax.scan(lambda c, x: (c, x), 0.0, (V, V[:3])))
c("scan unroll")(lambda L: L.lax.scan(_body, 0.0, V, unroll=3))
c("scan grad")(lambda L: L.api.grad(lambda x: L.lax.scan(_body, 1.0, x)[1].sum())(V[:4]))
c("scan jacfwd")(lambda L: L.api.jacfwd(lambda x: L.lax.scan(_body, 1.0, x)[0])(V[:4]))
c("scan vmap")(lambda L: L.api.vmap(lambda x: L.lax.scan(_body, 0.0, x))(M))
c("scan empty")(lambda L: L.lax.scan(_body, 1.0, np.zeros(0)))
c("scan int xs")(lambda L: L.lax.scan(lambda c, x: (c + x, x * 2), 0, np.arange(4)))
c("scan y None")(lambda L: L.lax.scan(lambda c, x: (c + x, None), 0.0, V))
c("map")(lambda L: L.lax.map(lambda x: x * 2, M))
c("map tree")(lambda L: L.lax.map(lambda t: {"s": t[0] + t[1]}, (M, M)))
c("map batch_size")(lambda L: L.lax.map(lambda x: x * 2, V, batch_size=3))
c("map empty")(lambda L: L.lax.map(lambda x: x * 2, np.zeros((0, 2))))

# ---------------------------------------------------------------- custom_jvp / custom_vjp


def _cj(L: Any) -> Any:
    @L.api.custom_jvp
    def f(x, y):
        return x * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        dx, dy = tangents
        return f(x, y), 10.0 * dx + 100.0 * dy

    return f


c("custom_jvp value")(lambda L: _cj(L)(2.0, 3.0))
c("custom_jvp grad")(lambda L: L.api.grad(_cj(L), argnums=(0, 1))(2.0, 3.0))
c("custom_jvp vmap")(lambda L: L.api.vmap(_cj(L))(V, V))
c("custom_jvp jvp")(lambda L: L.api.jvp(_cj(L), (2.0, 3.0), (1.0, 1.0)))


def _cj_nd(L: Any) -> Any:
    import functools

    @functools.partial(L.api.custom_jvp, nondiff_argnums=(0,))
    def f(n, x):
        return x ** n

    @f.defjvp
    def f_jvp(n, primals, tangents):
        (x,), (dx,) = primals, tangents
        return f(n, x), 7.0 * n * dx

    return f


c("custom_jvp nondiff")(lambda L: [_cj_nd(L)(2, 3.0), L.api.grad(_cj_nd(L), argnums=1)(2, 3.0)])


def _cj_deflin(L: Any) -> Any:
    f = L.api.custom_jvp(lambda x, y: L.np.sin(x) * y)
    f.defjvps(lambda t, ans, x, y: 5.0 * t, None)
    return f


c("custom_jvp defjvps")(lambda L: L.api.grad(_cj_deflin(L), argnums=(0, 1))(1.0, 2.0))


def _cv(L: Any) -> Any:
    @L.api.custom_vjp
    def f(x, y):
        return L.np.sin(x) * y

    def fwd(x, y):
        return f(x, y), (x, y)

    def bwd(res, g):
        x, y = res
        return (g * 10.0, g * 100.0)

    f.defvjp(fwd, bwd)
    return f


c("custom_vjp value")(lambda L: _cv(L)(1.0, 2.0))
c("custom_vjp grad")(lambda L: L.api.grad(_cv(L), argnums=(0, 1))(1.0, 2.0))
c("custom_vjp vmap grad")(lambda L: L.api.vmap(L.api.grad(_cv(L)))(V, V))
c("custom_vjp jvp")(lambda L: L.api.jvp(_cv(L), (1.0, 2.0), (1.0, 1.0)))


def _cv_nd(L: Any) -> Any:
    import functools

    @functools.partial(L.api.custom_vjp, nondiff_argnums=(0,))
    def f(k, x):
        return x * k

    def fwd(k, x):
        return f(k, x), None

    def bwd(k, res, g):
        return (g * 3.0 * k,)

    f.defvjp(fwd, bwd)
    return f


c("custom_vjp nondiff")(lambda L: [_cv_nd(L)(2.0, 3.0), L.api.grad(_cv_nd(L), argnums=1)(2.0,
                                                                                          3.0)])


def _cv_badbwd(L: Any) -> Any:
    @L.api.custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (f(x, y), None), lambda r, g: (g,))
    return f


c("custom_vjp bwd wrong arity")(lambda L: L.api.grad(_cv_badbwd(L))(1.0, 2.0))


def _cv_tree(L: Any) -> Any:
    @L.api.custom_vjp
    def f(t):
        return t["a"] * t["b"]

    f.defvjp(lambda t: (f(t), t), lambda t, g: ({"a": g * 2.0, "b": None},))
    return f


c("custom_vjp tree None ct")(lambda L: L.api.grad(_cv_tree(L))({"a": 1.0, "b": 2.0}))

# ---------------------------------------------------------------- checkpoint
c("checkpoint grad")(lambda L: L.api.grad(L.api.checkpoint(lambda x: L.np.sum(L.np.sin(x) ** 2)))(
    V))
c("checkpoint static")(lambda L: L.api.grad(L.api.checkpoint(lambda x, n: x ** n,
                                                             static_argnums=(1,)))(2.0, 3))
c("remat tree")(lambda L: L.api.grad(L.api.remat(lambda t: t[0] * t[1]))((2.0, 3.0)))
c("checkpoint policy")(lambda L: L.api.grad(L.api.checkpoint(
    lambda x: L.np.sum(L.np.sin(x) @ M.T), policy=L.api.checkpoint_policies.nothing_saveable))(
    V[:3]))

# ---------------------------------------------------------------- second batch
c("grad argnums list")(lambda L: L.api.grad(f2(L), argnums=[0, 1])(V[:3], M[0]))
c("grad argnums dup")(lambda L: L.api.grad(f2(L), argnums=(0, 0))(V[:3], M[0]))
c("jacrev argnums list")(lambda L: L.api.jacrev(f2(L), argnums=[1])(V[:3], M[0]))
c("hessian vector out")(lambda L: L.api.hessian(lambda x: x ** 3)(V[:2]))
c("hessian scalar")(lambda L: L.api.hessian(lambda x: x ** 3)(2.0))
c("jacfwd dict out tuple argnums")(lambda L: L.api.jacfwd(
    lambda x, y: {"s": x * y, "t": (x + y,)}, argnums=(0, 1))(V[:2], M[0, :2]))
c("jacrev dict in")(lambda L: L.api.jacrev(lambda d: d["a"] * d["b"])({"b": V[:2], "a": 2.0}))
c("vjp returns tuple type")(lambda L: type(L.api.vjp(L.np.sin, V[:2])[1](np.ones(2))).__name__)
c("grad returns type")(lambda L: type(L.api.grad(lambda x, y: x * y, argnums=(0, 1))(1.0, 2.0)).__name__)
c("jvp out types")(lambda L: [type(o).__name__ for o in L.api.jvp(L.np.sin, (1.0,), (1.0,))])
c("jacfwd list in")(lambda L: L.api.jacfwd(lambda xs: xs[0] * xs[1])([V[:2], V[2:4]]))
c("value_and_grad tuple out")(lambda L: L.api.value_and_grad(lambda x: (x, 1.0))(1.0))
c("grad list out")(lambda L: L.api.grad(lambda x: [x])(1.0))
c("grad 0-d array out")(lambda L: L.api.grad(lambda x: L.np.sum(x).reshape(()))(V))
c("grad (1,1) out")(lambda L: L.api.grad(lambda x: L.np.sum(x).reshape((1, 1)))(V))
c("vmap in_axes kwargs")(lambda L: L.api.vmap(lambda x, y: x + y, in_axes=(0,))(M, y=M))
c("vmap out tree None")(lambda L: L.api.vmap(lambda x: (x, None))(M))
c("vmap dict in_axes missing key")(lambda L: L.api.vmap(lambda t: t["a"], in_axes=({"a": 0},))(
    {"a": M, "b": M}))
c("vmap negative out_axes tree")(lambda L: L.api.vmap(lambda x: {"u": x, "v": x[:1]},
                                                      out_axes={"u": -1, "v": 0})(M))
c("vmap jacfwd")(lambda L: L.api.vmap(L.api.jacfwd(lambda x: x ** 2 * L.np.sum(x)))(M))
c("vmap hessian")(lambda L: L.api.vmap(L.api.hessian(lambda x: L.np.sum(x ** 3)))(M))
c("vmap axis_size no args")(lambda L: L.api.vmap(lambda: 1.0, axis_size=3)())
c("vmap no args")(lambda L: L.api.vmap(lambda: 1.0)())
c("vmap in_axes None int arg")(lambda L: L.api.vmap(lambda x, n: x * n, in_axes=(0, None))(M, 3))
c("vmap python scalar arg in_axes 0")(lambda L: L.api.vmap(lambda x, n: x * n)(M, 3))
c("vmap bool out")(lambda L: L.api.vmap(lambda x: x > 0)(M))
c("vmap int cast")(lambda L: L.api.vmap(lambda x: x.astype(np.int32))(M))
c("jit static kw default")(lambda L: L.api.jit(lambda x, *, n=2: x * n, static_argnames="n")(V))
c("jit static_argnames unknown")(lambda L: L.api.jit(lambda x: x, static_argnames="q")(V))
c("jit static_argnums oob")(lambda L: L.api.jit(lambda x: x, static_argnums=3)(V))
c("jit varargs")(lambda L: L.api.jit(lambda *xs: sum(xs))(1.0, 2.0, V))
c("jit dict out order")(lambda L: list(L.api.jit(lambda x: {"b": x, "a": x})(1.0).keys()))
c("jit namedtuple out")(lambda L: type(L.api.jit(lambda x: Pt(x, x))(1.0)).__name__)
c("jit weak type out")(lambda L: (lambda r: str(np.asarray(r).dtype))(L.api.jit(lambda x: x * 2)(
    np.float32(1.0))))
c("jit python int out dtype")(lambda L: str(np.asarray(L.api.jit(lambda x: x + 1)(1)).dtype))
c("grad of jit")(lambda L: L.api.grad(L.api.jit(lambda x: L.np.sin(x) * x))(0.5))
c("jit of grad static")(lambda L: L.api.jit(L.api.grad(lambda x, n: x ** n), static_argnums=1)(
    2.0, 3))
c("eval_shape int")(lambda L: (lambda s: (s.shape, str(s.dtype)))(L.api.eval_shape(
    lambda x: x.astype(np.int32), V)))
c("linearize jvp out")(lambda L: L.api.linearize(L.np.sin, 1.0)[1](2.0))
c("custom_jvp pytree out")(lambda L: L.api.jvp(_cj_tree(L), ((1.0, 2.0),), ((1.0, 0.0),)))
c("custom_vjp pytree in")(lambda L: L.api.grad(lambda t: _cv_tree(L)(t))({"a": 3.0, "b": 2.0}))
c("stop_gradient int")(lambda L: L.lax.stop_gradient(np.arange(3)))
c("stop_gradient tree")(lambda L: L.lax.stop_gradient({"a": V, "b": (1.0, None)}))
c("scan xs None ys stacked tree")(lambda L: L.lax.scan(lambda c, _: (c + 1, {"c": c, "d": (c * 2,)}),
                                                       0.0, None, length=3))
c("scan carry None")(lambda L: L.lax.scan(lambda c, x: (None, x * 2), None, V))
c("scan 2d xs")(lambda L: L.lax.scan(lambda c, x: (c + x, c), np.zeros(3), M))
c("scan reverse ys order")(lambda L: L.lax.scan(lambda c, x: (c + x, c), 0.0, V, reverse=True)[1])
c("while_loop int->float init")(lambda L: L.lax.while_loop(lambda c: c < 3, lambda c: c + 1, 0))
c("while_loop weak float")(lambda L: L.lax.while_loop(lambda c: c < 3.0, lambda c: c + 1.5, 0.0))
c("while_loop f32 carry + py float")(lambda L: L.lax.while_loop(
    lambda c: c < 3, lambda c: c + 1.5, np.float32(0.0)))
c("fori_loop tuple carry")(lambda L: L.lax.fori_loop(0, 3, lambda i, c: (c[0] + i, c[1] * 2.0),
                                                     (0, 1.0)))
c("cond operand tree")(lambda L: L.lax.cond(True, lambda t: {"a": t["a"] * 2}, lambda t: t,
                                            {"a": V}))
c("cond weak type merge")(lambda L: str(np.asarray(L.lax.cond(True, lambda: 1.0,
                                                             lambda: np.float32(2.0))).dtype))
c("cond int vs float branches")(lambda L: L.lax.cond(True, lambda: 1, lambda: 2.0))
c("switch negative index")(lambda L: L.lax.switch(-5, [lambda: 1.0, lambda: 2.0]))
c("switch index float")(lambda L: L.lax.switch(np.float64(1.0), [lambda: 1.0, lambda: 2.0]))
c("map ys tree")(lambda L: L.lax.map(lambda x: (x, {"s": L.np.sum(x)}), M))
c("tu.flatten dict int keys sorted")(lambda L: L.tu.tree_leaves({2: "a", 1: "b", 3: "c"}))
c("tu.flatten mixed keys")(lambda L: L.tu.tree_leaves({"a": 1, 2: 2}))
c("tu.map returns None")(lambda L: L.tu.tree_map(lambda x: None, [1, 2]))
c("tu.structure of map None")(lambda L: str(L.tu.tree_structure(L.tu.tree_map(lambda x: None,
                                                                              [1, 2]))))
c("tu.leaves is_leaf dict")(lambda L: L.tu.tree_leaves({"a": {"b": 1}, "c": 2},
                                                       is_leaf=lambda x: isinstance(x, dict)
                                                       and "b" in x))
c("tu.treedef children")(lambda L: [str(t) for t in L.tu.tree_structure(
    {"a": (1, 2), "b": [3]}).children()])
c("tu.treedef num_nodes")(lambda L: L.tu.tree_structure({"a": (1, 2), "b": [3, None]}).num_nodes)
c("tu.unflatten leaf")(lambda L: L.tu.tree_unflatten(L.tu.tree_structure(1), [np.float64(5.0)]))
c("tu.tree_map ndarray leaf")(lambda L: L.tu.tree_map(lambda x: x.shape, {"a": M}))
c("tu.all_leaves")(lambda L: L.tu.all_leaves([1, 2]) if hasattr(L.tu, "all_leaves")
                   else "missing")
c("tu.tree_flatten list of None")(lambda L: L.tu.tree_flatten([None, None])[0])
c("tu.keystr sequence simple")(lambda L: L.tu.keystr(L.tu.tree_flatten_with_path([[1]])[0][0][0],
                                                     simple=True, separator="/")
                               if L.name == "jax" else L.tu.keystr(
                                   L.tu.tree_flatten_with_path([[1]])[0][0][0], simple=True,
                                   separator="/"))
c("tu.keystr attr")(lambda L: [L.tu.keystr(p) for p, _ in L.tu.tree_flatten_with_path(
    NT(b=1, a=[2]))[0]])


def _cj_tree(L: Any) -> Any:
    @L.api.custom_jvp
    def f(t):
        return {"p": t[0] * t[1], "q": t[0]}

    @f.defjvp
    def f_jvp(primals, tangents):
        (t,), (dt,) = primals, tangents
        return f(t), {"p": dt[0] * 3.0, "q": dt[1]}

    return f
