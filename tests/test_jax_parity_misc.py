"""Parity with JAX 0.10.2 (x64) for scipy.linalg's decompositions and special matrices, nn
(attention, log1mexp, initializers), the extra random samplers, tree_util extras, the top-level
utilities and functrans.dtypes, found by tools/jax_diff_misc.py.

Reference values are in tests/jax_parity_misc_data.py (generated from JAX, see there) or written
inline; jax is not imported here.
"""

from __future__ import annotations

import collections
import dataclasses
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from jax_parity_misc_cases import CLOSE, EXACT, F32, G3, V5
from jax_parity_misc_data import CLOSE as CLOSE_DATA
from jax_parity_misc_data import EXACT as EXACT_DATA
from jax_parity_misc_data import F32 as F32_DATA

import functrans as ft
import functrans.nn as fnn
import functrans.numpy as fnp
import functrans.random as fr
import functrans.scipy.linalg as fsl
import functrans.tree_util as ftu

L = SimpleNamespace(api=ft, np=fnp, sl=fsl, nn=fnn, init=fnn.initializers, random=fr)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _leaves(x):
    return [np.asarray(v) for v in ftu.tree_leaves(x)]


@pytest.mark.parametrize("name", sorted(EXACT))
def test_bit_exact_with_jax(name):
    got, want = _leaves(EXACT[name](L)), EXACT_DATA[name]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        if g.dtype.kind == "f" and not np.array_equal(g, w):
            # the random bits are JAX's exactly; a float drawn through exp/log/sqrt or a LAPACK QR
            # may differ in the last bit with the platform's math library (NumPy's AVX-512 loops)
            np.testing.assert_array_max_ulp(g, w, maxulp=2)
        else:
            np.testing.assert_array_equal(g, w)


@pytest.mark.parametrize("name", sorted(CLOSE))
def test_close_to_jax(name):
    got, want = _leaves(CLOSE[name](L)), CLOSE_DATA[name]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(F32))
def test_float32_computations_match_jax(name):
    got, want = _leaves(F32[name](L)), F32_DATA[name]
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- scipy.linalg
def test_scipy_linalg_signatures_and_errors():
    q, r, p = fsl.qr(G3, mode="economic", pivoting=True)
    assert p.dtype == np.int32 and isinstance(fsl.qr(G3, mode="r"), tuple) and len(fsl.qr(G3, mode="r")) == 1
    with pytest.raises(ValueError, match="Unsupported QR decomposition mode"):
        fsl.qr(G3, mode="raw")
    for kw in ({"b": np.eye(3)}, {"type": 2}, {"eigvals": (0, 1)}):
        with pytest.raises(NotImplementedError):
            fsl.eigh(G3, **kw)
    w = fsl.eigh(G3, eigvals_only=True)
    assert w.shape == (3,)
    assert len(fsl.svd(G3)) == 3 and fsl.svd(G3, compute_uv=False).shape == (3,)
    with pytest.raises(NotImplementedError):
        fsl.polar(G3, side="left")  # qdwh needs m < n for side='left', as JAX
    assert fsl.hadamard(4).dtype == np.int64 and fsl.pascal(3).dtype == np.float32
    assert fsl.dft(2).dtype == np.complex128
    with pytest.raises(ValueError):
        fsl.hadamard(3)
    with pytest.raises(ValueError):
        fsl.leslie(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    with pytest.raises(ValueError):
        fsl.convolution_matrix(V5, 3, mode="bad")
    with pytest.raises(TypeError):
        fsl.toeplitz([1, 2, 3])


def test_matrix_functions_not_differentiable_as_jax():
    for f in (lambda a: fsl.sqrtm(a).real, lambda a: fsl.solve_sylvester(a, G3, np.eye(3))):
        with pytest.raises(NotImplementedError):
            ft.grad(lambda a, f=f: fnp.sum(f(a)))(G3)
    with pytest.raises(NotImplementedError):
        fsl.sqrtm(G3, blocksize=2)


def test_scipy_linalg_special_matrices_batch_and_transform():
    c = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    t = fsl.toeplitz(c)
    assert t.shape == (2, 3, 3)
    np.testing.assert_array_equal(ft.vmap(fsl.toeplitz)(c), t)
    np.testing.assert_array_equal(ft.jit(fsl.hankel)(c[0], c[1]), fsl.hankel(c[0], c[1]))
    g = ft.grad(lambda v: fnp.sum(fsl.circulant(v) * np.arange(9.0).reshape(3, 3)))(c[0])
    np.testing.assert_allclose(g, [12.0, 12.0, 12.0])


# ---------------------------------------------------------------- top level
def test_devices_and_typeof():
    assert repr(ft.devices()) == "[CpuDevice(id=0)]" and ft.devices("cpu") == ft.devices()
    assert (ft.device_count(), ft.local_device_count(), ft.default_backend()) == (1, 1, "cpu")
    with pytest.raises(RuntimeError, match="Unknown backend"):
        ft.devices("gpu")
    a = ft.typeof(1.0)
    assert a.shape == () and a.dtype == np.float64 and a.weak_type
    assert not ft.typeof(np.ones(3, np.float32)).weak_type
    with pytest.raises(TypeError):
        ft.typeof("a")


def test_named_call_scope_compile_time_eval():
    assert ft.named_call(lambda x: x + 1, name="foo")(1.0) == 2.0
    assert ft.named_call(lambda x: x, name="foo").__name__ == "foo"
    with ft.named_scope("s"):
        pass
    with pytest.raises(TypeError, match="must be a string"):
        with ft.named_scope(3):
            pass
    with ft.ensure_compile_time_eval():
        np.testing.assert_array_equal(fnp.ones(2) + 1, [2.0, 2.0])


def test_custom_gradient_under_transformations():
    @ft.custom_gradient
    def f(a, b):
        return a * b, lambda g: (g * 7.0, g * a * b)

    assert ft.grad(lambda p: f(p["a"], p["b"]))({"a": 2.0, "b": 3.0}) == {"a": 7.0, "b": 6.0}  # JAX's values
    h = CLOSE["api.custom_gradient"](L)
    assert float(ft.jit(ft.grad(lambda x: h[0] * 0 + x))(1.0)) == 1.0


def test_closure_convert_hoists_only_traced_floats():
    y = np.array([1.0, 2.0])
    g, consts = ft.closure_convert(lambda x: x * y + fnp.sin(x), 1.0)
    assert consts == []  # concrete constants stay closed over (as JAX)
    np.testing.assert_allclose(g(0.5), 0.5 * y + np.sin(0.5))

    def outer(z):
        g, c = ft.closure_convert(lambda x: x * z, 1.0)
        assert len(c) == 1
        return g(2.0, *c)

    assert ft.grad(outer)(3.0) == 2.0


SD3 = ft.ShapeDtypeStruct((3,), np.float64)


@pytest.mark.parametrize("method", ["sequential", "expand_dims", "broadcast_all", "legacy_vectorized"])
def test_pure_callback_vmap_methods(method):
    shapes = []

    def cb(a, b):
        shapes.append((a.shape, b.shape))
        return np.sin(a) + b

    out = ft.vmap(lambda x, y: ft.pure_callback(cb, SD3, x, y, vmap_method=method), in_axes=(0, None))(
        np.ones((2, 3)), np.arange(3.0))
    np.testing.assert_allclose(out, np.sin(np.ones((2, 3))) + np.arange(3.0))
    want = {"sequential": [((3,), (3,))] * 2, "expand_dims": [((2, 3), (1, 3))],
            "broadcast_all": [((2, 3), (2, 3))], "legacy_vectorized": [((2, 3), (2, 3))]}[method]
    assert shapes == want


def test_pure_callback_eager_jit_errors():
    np.testing.assert_allclose(ft.pure_callback(np.sin, SD3, np.ones(3)), np.sin(np.ones(3)))
    np.testing.assert_allclose(ft.jit(lambda x: ft.pure_callback(np.cos, SD3, x) * 2)(np.ones(3)), 2 * np.cos(1.0))
    np.testing.assert_allclose(ft.pure_callback(lambda x: 2 * x, SD3, x=np.ones(3)), 2.0)
    with pytest.raises(NotImplementedError, match="vmap_method"):
        ft.vmap(lambda x: ft.pure_callback(np.sin, ft.ShapeDtypeStruct((), np.float64), x))(np.ones(2))
    with pytest.raises(ValueError, match="vmap_method"):
        ft.pure_callback(np.sin, SD3, np.ones(3), vmap_method="bad")
    with pytest.raises(ValueError, match="do not support JVP"):
        ft.grad(lambda x: ft.pure_callback(np.sin, ft.ShapeDtypeStruct((), np.float64), x))(1.0)
    with pytest.raises(RuntimeError, match="shape"):
        ft.pure_callback(np.sin, ft.ShapeDtypeStruct((2,), np.float64), np.ones(3))
    with pytest.raises(RuntimeError, match="dtype"):
        ft.pure_callback(lambda x: x.astype(np.float32), SD3, np.ones(3))


def test_dtypes_follow_jax_promotion():
    rt = ft.dtypes.result_type
    assert rt(np.int64, np.uint64) == np.float64 and rt(np.int8, np.uint8) == np.int16
    assert rt(np.float16, np.int64) == np.float16 and rt(np.int8, 1000) == np.int8
    assert rt(1, np.float32) == np.float32 and rt(1j, np.float32) == np.complex64
    assert rt(np.uint8, np.int8, np.float16) == np.float16 and rt(np.uint64, 1) == np.uint64
    assert rt(1, 2.0, return_weak_type_flag=True) == (np.float64, True)
    assert rt(np.float32(1), 1.0, return_weak_type_flag=True) == (np.float32, False)
    assert ft.dtypes.canonicalize_dtype(float) == np.float64
    assert not ft.dtypes.issubdtype(ft.dtypes.float0, np.floating)
    assert not ft.dtypes.issubdtype(np.float32, ft.dtypes.extended)
    assert ft.dtypes.scalar_type_of(np.ones(2, np.int8)) is int and ft.dtypes.itemsize_bits(np.float32) == 32


# ---------------------------------------------------------------- tree_util
Pt = collections.namedtuple("Pt", ["y", "x"])


def test_flatten_one_level_as_jax():
    assert ftu.flatten_one_level({"b": [1, 2], "a": 3}) == ((3, [1, 2]), ("a", "b"))
    assert ftu.flatten_one_level([1, [2]]) == ([1, [2]], None)
    assert ftu.flatten_one_level((1,)) == ((1,), None)
    assert ftu.flatten_one_level(None) == ((), None)
    assert ftu.flatten_one_level(Pt(1, 2)) == ([1, 2], Pt)
    assert ftu.flatten_one_level(collections.OrderedDict(b=1, a=2)) == ([1, 2], ("b", "a"))
    assert ftu.flatten_one_level(ftu.Partial(max, 1)) == (((1,), {}), max)
    with pytest.raises(ValueError, match="can't tree-flatten"):
        ftu.flatten_one_level(3)
    pairs, aux = ftu.flatten_one_level_with_keys({"b": [1, 2], "a": 3})
    assert pairs == ((ftu.DictKey("a"), 3), (ftu.DictKey("b"), [1, 2])) and aux == ("a", "b")
    assert ftu.flatten_one_level_with_keys([1, 2])[0] == ((ftu.SequenceKey(0), 1), (ftu.SequenceKey(1), 2))


def test_tree_predicates_broadcast_reduce():
    assert ftu.is_tree_node(list) and ftu.is_tree_node(type(None)) and ftu.is_tree_node(Pt)
    assert not ftu.is_tree_node(int)
    assert ftu.all_leaves([1, 2]) and not ftu.all_leaves([1, None]) and not ftu.all_leaves([1, (2,)])
    assert ftu.all_leaves([[1], [1]], is_leaf=lambda x: x == [1])
    assert not ftu.all_leaves([[1], [2]], is_leaf=lambda x: isinstance(x, list))
    assert ftu.tree_broadcast([1, 2], [(3, 4), {"a": 5}]) == [(1, 1), {"a": 2}]
    assert ft.tree.broadcast({"a": 0}, {"a": [1, 2, 3]}) == {"a": [0, 0, 0]}
    with pytest.raises(ValueError):
        ftu.tree_broadcast([1, 2], [3])
    pair = lambda a, b: (a, b)  # noqa: E731
    assert ftu.tree_reduce_associative(pair, [1, 2, 3, 4, 5]) == ((1, 2), (3, (4, 5)))
    assert ftu.tree_reduce_associative(pair, [], identity=0) == 0
    with pytest.raises(TypeError, match="identity"):
        ftu.tree_reduce_associative(pair, [])
    assert ft.tree.reduce_associative(lambda a, b: a * b, [1, (2, 3), {"a": 4}]) == 24


def test_treedef_children_and_tuple():
    d = ftu.tree_structure([1, (2, 3)])
    assert [str(c) for c in ftu.treedef_children(d)] == [str(ftu.tree_structure(1)), str(ftu.tree_structure((1, 2)))]
    t = ftu.treedef_tuple([ftu.tree_structure([1, 2]), ftu.tree_structure(None)])
    assert ftu.tree_unflatten(t, [5, 6]) == ([5, 6], None)
    assert ftu.treedef_tuple([ftu.tree_structure(1)] * 2) == ftu.tree_structure((1, 2))


def test_class_registration_helpers():
    @ftu.register_pytree_node_class
    class Box:
        def __init__(self, a, b):
            self.a, self.b = a, b

        def tree_flatten(self):
            return (self.a,), self.b

        @classmethod
        def tree_unflatten(cls, aux, children):
            return cls(children[0], aux)

    out = ftu.tree_map(lambda v: v * 10, Box([1, 2], "s"))
    assert out.a == [10, 20] and out.b == "s"

    @ftu.register_pytree_with_keys_class
    class KBox:
        def __init__(self, a, b):
            self.a, self.b = a, b

        def tree_flatten_with_keys(self):
            return ((ftu.GetAttrKey("a"), self.a), (ftu.GetAttrKey("b"), self.b)), None

        @classmethod
        def tree_unflatten(cls, aux, children):
            return cls(*children)

    assert [ftu.keystr(p) for p, _ in ftu.tree_flatten_with_path(KBox(1, [2, 3]))[0]] == [".a", ".b[0]", ".b[1]"]

    @ftu.register_static
    @dataclasses.dataclass(frozen=True)
    class S:
        n: int

    assert ftu.tree_leaves([S(3), 1.0]) == [1.0]
    assert ft.jit(lambda t: t[1] * t[0].n)([S(3), 2.0]) == 6.0

    @ftu.register_dataclass
    @dataclasses.dataclass
    class Op:
        x: object
        op: str = ft.tree.static(default="add")

    leaves, tdef = ftu.tree_flatten(Op(1.0))
    assert leaves == [1.0] and ftu.tree_unflatten(tdef, [2.0]).op == "add"


# ---------------------------------------------------------------- random keys
def test_key_impl_dtype_clone():
    k = fr.PRNGKey(5)
    assert fr.key_impl(k) == "threefry2x32" and fr.key_dtype() == np.uint32
    np.testing.assert_array_equal(fr.clone(k), k)
    with pytest.raises(ValueError):
        fr.key_dtype("nope")
    with pytest.raises(ValueError, match="float dtype"):
        fr.binomial(k, 3, 0.5, dtype=np.int32)
    assert ft.jit(lambda k, n: fr.binomial(k, n, 0.25, (3,)))(k, 40.0).shape == (3,)
