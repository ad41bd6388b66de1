"""Errors that say where, in the user's words; traceback filtering at the public entry points."""

import os
import pickle
import re
import traceback

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import source_info

HERE = source_info.short_path(__file__)
INTERNAL = re.compile(r"StagingTrace|JVPTrace|BatchTrace|StagingTracer|JVPTracer|BatchTracer|\bTrace\b")
PKG = os.path.dirname(functrans.__file__)


def _branchy(x, y):
    z = x * 2
    if z > 0:  # line +2
        return y
    return x


def _line(fn, offset):
    return f"{HERE}:{fn.__code__.co_firstlineno + offset}"


def _check_state():
    assert source_info.current_transform() is None
    assert float(functrans.jit(lambda a: a * 2)(1.5)) == 3.0
    assert float(functrans.grad(lambda a: a * a)(3.0)) == 6.0


def _message(e):
    return str(e) + "\n" + "\n".join(getattr(e, "__notes__", []))


@pytest.mark.parametrize("transform", ["jit", "make_ir"])
def test_concretization_names_function_line_and_argument(transform):
    with pytest.raises(functrans.ConcretizationTypeError) as info:
        getattr(functrans, transform)(_branchy)(1.0, 2.0)
    msg = str(info.value)
    assert f"function _branchy at {_line(_branchy, 0)} for {transform}" in msg
    assert f"{_line(_branchy, 2)} (`if z > 0:  # line +2`)" in msg
    assert "depends on the value of the argument x." in msg  # not y: z depends on x only
    assert "static_argnums" in msg and "lax.cond" in msg  # what to do instead is kept
    assert not INTERNAL.search(msg)
    _check_state()


def test_concretization_under_vmap_names_argument():
    with pytest.raises(functrans.ConcretizationTypeError) as info:
        functrans.vmap(_branchy, in_axes=(0, None))(np.ones(3), 2.0)
    msg = str(info.value)
    assert f"function _branchy at {_line(_branchy, 0)} for vmap" in msg
    assert _line(_branchy, 2) in msg
    assert "argument x" in msg and "numpy.where" in msg
    assert not INTERNAL.search(msg)
    _check_state()


def test_concretization_names_pytree_leaf_and_inner_helper_line():
    def helper(v):
        return float(v)  # line +1

    def loss(params, data):
        return helper(params["w"]) * data

    with pytest.raises(functrans.ConcretizationTypeError) as info:
        functrans.jit(loss)({"w": 1.0, "b": 2.0}, 3.0)
    msg = str(info.value)
    assert f"function {loss.__qualname__} at {_line(loss, 0)} for jit" in msg
    assert _line(helper, 1) in msg  # the offending operation, in the helper
    assert "argument params['w']" in msg
    _check_state()


def test_escaped_tracer_names_function_and_use():
    leak = []

    def g(x):
        leak.append(x)
        return x

    functrans.jit(g)(1.0)
    with pytest.raises(functrans.EscapedTracerError) as info:
        fnp.sin(leak[0])  # used here
    msg = str(info.value)
    assert f"{g.__qualname__} at {_line(g, 0)} traced for jit" in msg
    assert "fnp.sin(leak[0])  # used here" in msg and HERE in msg
    assert "Return the value from the function instead" in msg
    assert not INTERNAL.search(msg)
    assert not INTERNAL.search(repr(leak[0]))
    e2 = pickle.loads(pickle.dumps(info.value))
    assert type(e2) is functrans.EscapedTracerError and str(e2) == msg
    _check_state()


def test_shape_error_note_names_function_line_and_argument():
    def h(x, y):
        return fnp.dot(x, fnp.ones(4)) + y  # line +1

    with pytest.raises(ValueError) as info:
        functrans.jit(h)(np.ones(3), 1.0)
    msg = _message(info.value)
    assert f"function {h.__qualname__} at {_line(h, 0)} for jit" in msg
    assert _line(h, 1) in msg
    assert "argument x" in msg
    e2 = pickle.loads(pickle.dumps(info.value))
    assert type(e2) is type(info.value) and str(e2) == str(info.value)  # OperandError: a ValueError and TypeError
    assert getattr(e2, "__notes__", None) == info.value.__notes__
    _check_state()


def test_shape_error_under_grad_and_vmap_names_line():
    def h(x):
        return fnp.sum(fnp.dot(x, fnp.ones(4)))  # line +1

    for t, x in ((functrans.grad(h), np.ones(3)), (functrans.vmap(h), np.ones((2, 3)))):
        with pytest.raises((ValueError, TypeError)) as info:
            t(x)
        assert _line(h, 1) in _message(info.value)
    _check_state()


def test_bad_input_error_message_is_unchanged():
    # an argument check at the boundary: no note about tracing, no change to the message
    with pytest.raises(TypeError) as info:
        functrans.grad(lambda x: x)("a")
    assert not getattr(info.value, "__notes__", None)
    _check_state()


def _tb_files(e):
    return [fs.filename for fs in traceback.extract_tb(e.__traceback__)]


def _raise_in(transform):
    try:
        transform(_branchy)(1.0, 2.0)
    except functrans.ConcretizationTypeError as e:
        return e
    raise AssertionError("no error")


def test_traceback_filtered_by_default():
    e = _raise_in(functrans.jit)
    files = _tb_files(e)
    internal = [f for f in files if f.startswith(PKG)]
    assert len(internal) <= 1  # at most the public entry point itself
    assert files[-1] == __file__  # the error points into the user's code
    assert traceback.extract_tb(e.__traceback__)[-1].lineno == _branchy.__code__.co_firstlineno + 2
    _check_state()


def test_traceback_unfiltered_by_env(monkeypatch):
    monkeypatch.setenv("FUNCTRANS_TRACEBACK_FILTERING", "off")
    e = _raise_in(functrans.jit)
    assert sum(f.startswith(PKG) for f in _tb_files(e)) > 2
    assert _tb_files(e)[-1].startswith(PKG)  # raised inside functrans
    _check_state()


def test_traceback_unfiltered_by_config():
    functrans.config.update("jax_traceback_filtering", "off")
    try:
        e = _raise_in(functrans.make_ir)
        assert sum(f.startswith(PKG) for f in _tb_files(e)) > 2
    finally:
        functrans.config.update("jax_traceback_filtering", "auto")
    e = _raise_in(functrans.make_ir)
    assert sum(f.startswith(PKG) for f in _tb_files(e)) <= 1
    _check_state()


def test_filtering_keeps_type_message_and_pickles():
    for t in (functrans.jit, functrans.make_ir):
        e = _raise_in(t)
        assert type(e) is functrans.TracerBoolConversionError  # a ConcretizationTypeError, as JAX
        e2 = pickle.loads(pickle.dumps(e))
        assert type(e2) is type(e) and str(e2) == str(e)


def test_nested_transformations_filtered():
    def outer(x):
        return functrans.grad(lambda y: _branchy(y, x))(x)

    with pytest.raises(functrans.ConcretizationTypeError) as info:
        functrans.jit(outer)(1.0)
    files = _tb_files(info.value)
    assert sum(f.startswith(PKG) for f in files) <= 1
    assert "for jit" in str(info.value)
    _check_state()


def test_tracer_repr_has_no_internal_names():
    seen = []
    functrans.jit(lambda x: seen.append(repr(x)) or x)(1.0)
    functrans.vmap(lambda x: seen.append(repr(x)) or x)(np.ones(2))
    functrans.jvp(lambda x: seen.append(repr(x)) or x, (1.0,), (1.0,))
    for r in seen:
        assert r.startswith("Traced<f64[]>") and not INTERNAL.search(r), r


@pytest.mark.parametrize("name", ["grad", "vmap"])
def test_escaped_tracer_from_grad_and_vmap(name):
    leak = []

    def g(x):
        leak.append(x)
        return fnp.sum(x * x)

    getattr(functrans, name)(g)(np.ones(2) if name == "vmap" else 1.0)
    with pytest.raises(functrans.EscapedTracerError) as info:
        fnp.cos(leak[0])
    msg = str(info.value)
    assert f"{g.__qualname__} at {_line(g, 0)} traced for {name}" in msg
    assert not INTERNAL.search(msg)
    _check_state()


def test_shape_error_under_grad_names_transformation():
    def h(x):
        return fnp.sum(fnp.dot(x, fnp.ones(4)))

    with pytest.raises(ValueError) as info:
        functrans.grad(h)(np.ones(3))
    assert f"function {h.__qualname__} at {_line(h, 0)} for grad" in _message(info.value)
    assert "argument x" in _message(info.value)
