"""Issue 10: results that used to be silently wrong give JAX's answer or raise.

Reference values were computed with JAX (x64 enabled) and written in as constants.
"""

from __future__ import annotations

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans._src import lax as _lax

# --------------------------------------------------------------------------- stop_gradient


def test_lax_stop_gradient_maps_over_a_pytree():
    def f(x):
        a, b = lax.stop_gradient((x, 2 * x))
        return fnp.sum(a * b + x)

    np.testing.assert_allclose(functrans.grad(f)(np.array([1.0, 2.0])), [1.0, 1.0])  # JAX: [1, 1]


def test_lax_stop_gradient_dict_and_int_leaves():
    def f(x):
        d = lax.stop_gradient({"a": x * x, "n": 3})
        assert d["n"] == 3
        return d["a"] * x

    assert functrans.grad(f)(3.0) == 9.0


@pytest.mark.parametrize(
    "bad", [(1.0, 2.0), [1.0], {"a": 1.0}, "abc", object(), None], ids=["tuple", "list", "dict", "str", "obj", "None"]
)
def test_primitive_on_non_array_raises_naming_it(bad):
    with pytest.raises(TypeError, match="'sin'"):
        _lax.sin(bad)
    with pytest.raises(TypeError, match="'stop_gradient'"):
        _lax.stop_gradient_p.bind(bad)
    if bad is None:  # an empty pytree, as in JAX: returned as it is
        assert _lax.stop_gradient(None) is None
    elif not isinstance(bad, tuple | list | dict):  # the pytree form raises for non-array leaves too
        with pytest.raises(TypeError, match="'stop_gradient'"):
            _lax.stop_gradient(bad)


def test_primitive_on_non_array_raises_under_transformations():
    with pytest.raises(TypeError, match="'add'"):
        functrans.grad(lambda x: _lax.add(x, "a"))(1.0)
    with pytest.raises(TypeError, match="'add'"):
        functrans.jit(lambda x: _lax.add(x, None))(1.0)


# --------------------------------------------------------------------------- argnums


def test_repeated_argnums_raise():
    with pytest.raises(ValueError, match="repeated"):
        functrans.grad(lambda x, y: x * y, argnums=(0, 0))
    with pytest.raises(ValueError, match="same positional argument twice"):
        functrans.grad(lambda x, y: x * y, argnums=(1, -1))(1.0, 2.0)
    with pytest.raises(ValueError, match="repeated"):
        functrans.jacfwd(lambda x, y: x * y, argnums=[1, 1])


def test_empty_argnums_raise():
    for t in (functrans.grad, functrans.value_and_grad, functrans.jacfwd, functrans.jacrev):
        with pytest.raises(ValueError, match="argnums"):
            t(lambda x: x, argnums=())


def test_numpy_integer_argnums_accepted():
    assert functrans.grad(lambda x, y: x * y, argnums=np.int64(1))(3.0, 2.0) == 3.0


# --------------------------------------------------------------------------- jit caching


def test_jit_static_args_keyed_by_type():
    f = functrans.jit(lambda x, s: x + (0.5 if type(s) is float else 2.0 if type(s) is bool else 1.0), static_argnums=1)
    x = np.zeros(1)
    assert f(x, 1)[0] == 1.0
    assert f(x, 1.0)[0] == 0.5
    assert f(x, True)[0] == 2.0
    assert f(x, (1,))[0] == 1.0
    g = functrans.jit(lambda x, s: x + (0.5 if type(s[0]) is float else 1.0), static_argnums=1)
    assert g(x, (1,))[0] == 1.0
    assert g(x, (1.0,))[0] == 0.5


def test_jit_closed_over_array_captured_at_trace_time():
    a = np.array([1.0, 1.0, 1.0])
    f = functrans.jit(lambda x: x + a + fnp.sum(a))
    np.testing.assert_allclose(f(np.zeros(3)), [4.0, 4.0, 4.0])
    a[:] = 3.0
    np.testing.assert_allclose(f(np.zeros(3)), [4.0, 4.0, 4.0])  # JAX: the trace-time value throughout


def test_closed_over_view_captured():
    base = np.arange(6.0)
    view = base[::2]
    f = functrans.jit(lambda x: x * view)
    np.testing.assert_allclose(f(np.ones(3)), [0.0, 2.0, 4.0])
    base[:] = -1.0
    np.testing.assert_allclose(f(np.ones(3)), [0.0, 2.0, 4.0])


# --------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize(
    "f",
    [
        lambda x: fnp.sum(x * np.float64(2.0)),
        lambda x: fnp.sum(x * np.ones(2)),
        lambda x: fnp.sum(x * np.ones(2, np.int32)),
        lambda x: fnp.sum(x * 2.0),
    ],
    ids=["np.float64 scalar", "float64 weights", "int32 array", "python float"],
)
def test_float32_input_gets_float32_gradient(f):
    x = np.ones(2, np.float32)
    assert functrans.grad(f)(x).dtype == np.float32
    assert functrans.jit(functrans.grad(f))(x).dtype == np.float32
    assert functrans.grad(functrans.jit(f))(x).dtype == np.float32
    assert functrans.jacrev(f)(x).dtype == np.float32
    out, vjp_fun = functrans.vjp(f, x)
    assert vjp_fun(np.ones((), out.dtype))[0].dtype == np.float32


def test_primitive_without_complex_rules_rejects_complex():
    # floor has no complex meaning (JAX rejects it too): every path names the primitive
    z = np.array([1 + 1j, 2 - 1j])
    msg = "primitive 'floor' does not support complex values"
    with pytest.raises(TypeError, match=msg):
        functrans.lax.floor(z)
    with pytest.raises(TypeError, match=msg):
        functrans.jit(functrans.lax.floor)(z)
    with pytest.raises(TypeError, match=msg):
        functrans.vmap(functrans.lax.floor)(z)
    with pytest.raises(TypeError, match=msg):
        functrans.jvp(lambda x: functrans.lax.floor(x * 1j), (np.ones(2),), (np.ones(2),))
    # a complex value that is not differentiated is fine
    assert functrans.grad(lambda x, z: x * 2.0, argnums=0)(1.0, 1j) == 2.0


# --------------------------------------------------------------------------- aux and integer outputs


def test_has_aux_returns_aux_untouched():
    obj = object()
    g, aux = functrans.grad(lambda x: (x * 2.0, ("hi", obj, 3, [1.5])), has_aux=True)(1.0)
    assert g == 2.0
    assert aux[0] == "hi" and aux[1] is obj and aux[2] == 3 and type(aux[2]) is int and aux[3] == [1.5]
    (_, aux2), _ = functrans.value_and_grad(lambda x: (x, "s"), has_aux=True)(1.0)
    assert aux2 == "s"
    _, _, aux3 = functrans.jvp(lambda x: (x, {"k": "v"}), (1.0,), (1.0,), has_aux=True)
    assert aux3 == {"k": "v"}
    _, aux4 = functrans.jacfwd(lambda x: (x, "j"), has_aux=True)(np.ones(2))
    assert aux4 == "j"


def test_jacfwd_of_integer_output_is_zeros_of_its_dtype():
    jx, ji = functrans.jacfwd(lambda x: (x, fnp.arange(3)))(np.ones(2))
    np.testing.assert_array_equal(jx, np.eye(2))
    assert ji.dtype == np.int64 and ji.shape == (3, 2) and not ji.any()  # JAX: int64 zeros
    with pytest.raises(TypeError, match="jacrev requires real"):  # JAX raises TypeError too
        functrans.jacrev(lambda x: (x, fnp.arange(3)))(np.ones(2))


# --------------------------------------------------------------------------- aliasing


def test_outputs_never_alias_inputs():
    a = np.ones(3)
    for f in (
        functrans.jit(lambda x: x),
        functrans.jit(lambda x: x.reshape((3, 1))),
        functrans.vmap(lambda x: x),
        functrans.jit(lambda x: (x, x)),
    ):
        out = f(a)
        for o in out if isinstance(out, tuple) else (out,):
            assert not np.shares_memory(o, a)
            o[...] = 7.0
        np.testing.assert_array_equal(a, 1.0)
    p, t = functrans.jvp(lambda x: x, (a,), (a,))
    assert not np.shares_memory(p, a) and not np.shares_memory(t, a) and not np.shares_memory(p, t)
    p, vjp_fun = functrans.vjp(lambda x: x, a)
    assert not np.shares_memory(p, a)
    ct = np.full(3, 2.0)
    (g,) = vjp_fun(ct)
    assert not np.shares_memory(g, ct)


def test_gradients_are_writable():
    for g in (
        functrans.grad(lambda x: fnp.sum(x))(np.ones(3)),
        functrans.jit(functrans.grad(lambda x: fnp.sum(x)))(np.ones(3)),
        functrans.grad(lambda x, y: fnp.sum(x + y), argnums=(0, 1))(np.ones(3), np.ones(3))[1],
        functrans.jacrev(lambda x: x)(np.ones(2)),
        functrans.jacfwd(lambda x: x)(np.ones(2)),
    ):
        assert g.flags.writeable
        g[...] = 0.0


def test_jit_constant_output_is_fresh_each_call():
    w = np.ones(2)
    f = functrans.jit(lambda x: w)
    out = f(np.zeros(2))
    out[0] = 5.0
    np.testing.assert_array_equal(f(np.zeros(2)), [1.0, 1.0])
