"""Drop-in JAX names: eval_shape, ShapeDtypeStruct, device_put/get, block_until_ready,
make_jaxpr, config, and the messages for names functrans does not have."""

import pickle

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp


def test_eval_shape_traces_without_computing():
    calls = []

    def f(x, y):
        calls.append(1)
        return {"a": x @ y, "b": fnp.sum(x, axis=0)}

    out = functrans.eval_shape(f, functrans.ShapeDtypeStruct((2, 3), np.float32), np.ones((3, 4)))
    assert out == {
        "a": functrans.ShapeDtypeStruct((2, 4), np.float64),
        "b": functrans.ShapeDtypeStruct((3,), np.float32),
    }
    assert len(calls) == 1
    s = functrans.ShapeDtypeStruct([5], "int32")
    assert (s.shape, s.dtype, s.ndim, s.size) == ((5,), np.dtype(np.int32), 1, 5)
    assert "int32" in repr(s) and hash(s) == hash(functrans.ShapeDtypeStruct((5,), np.int32))
    with pytest.raises(TypeError, match="callable"):
        functrans.eval_shape(3, 1.0)


def test_device_functions_are_identities_on_the_host():
    tree = {"w": np.ones(3), "n": 2.0}
    put = functrans.device_put(tree)
    assert isinstance(put["n"], np.ndarray) and np.array_equal(put["w"], tree["w"])
    assert functrans.device_get(put)["w"] is put["w"]
    x = np.ones(2)
    assert functrans.block_until_ready(x) is x


def test_make_jaxpr_is_make_ir():
    assert str(functrans.make_jaxpr(fnp.sin)(1.0)) == str(functrans.make_ir(fnp.sin)(1.0))


def test_config_accepts_jax_options():
    functrans.config.update("jax_enable_x64", True)
    assert functrans.config.jax_enable_x64 is True
    with pytest.warns(UserWarning, match="no effect"):
        functrans.config.update("jax_enable_x64", False)
    functrans.config.update("jax_enable_x64", True)
    with pytest.raises(AttributeError, match="Unrecognized config option"):
        functrans.config.update("jax_no_such_option", 1)


def test_missing_names_say_what_is_supported():
    with pytest.raises(AttributeError, match=r"functrans.lax does not support jax.lax.no_such_op"):
        functrans.lax.no_such_op  # noqa: B018
    with pytest.raises(AttributeError, match=r"functrans.__all__"):
        functrans.pmap  # noqa: B018
    with pytest.raises(AttributeError, match="functrans.numpy does not support numpy.isnat"):
        fnp.isnat  # noqa: B018


def test_shape_dtype_struct_pickles():
    s = functrans.ShapeDtypeStruct((2,), np.float64)
    assert pickle.loads(pickle.dumps(s)) == s
