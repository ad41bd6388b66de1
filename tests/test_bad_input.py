"""Issue 10: every public transformation rejects bad input at the boundary.

Each case asserts the exception type and that the message names the argument (or the
parameter, such as ``argnums``) in the user's terms.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import test_util
from functrans._src.core import IRTypeError
from functrans.tree_util import tree_map


def f1(x):
    return fnp.sum(fnp.sin(x))


def f2(x, y):
    return fnp.sum(fnp.sin(x) * y)


# every public transformation, as (name, make the transformed function of fun, call it on args)
CALLERS: dict[str, Callable[[Callable[..., Any], tuple[Any, ...]], Any]] = {
    "grad": lambda f, a: functrans.grad(f)(*a),
    "value_and_grad": lambda f, a: functrans.value_and_grad(f)(*a),
    "jacfwd": lambda f, a: functrans.jacfwd(f)(*a),
    "jacrev": lambda f, a: functrans.jacrev(f)(*a),
    "jacobian": lambda f, a: functrans.jacobian(f)(*a),
    "hessian": lambda f, a: functrans.hessian(f)(*a),
    "vmap": lambda f, a: functrans.vmap(f)(*a),
    "jit": lambda f, a: functrans.jit(f)(*a),
    "jit(grad)": lambda f, a: functrans.jit(functrans.grad(f))(*a),
    "make_ir": lambda f, a: functrans.make_ir(f)(*a),
    "jvp": lambda f, a: functrans.jvp(f, a, a),
    "vjp": lambda f, a: functrans.vjp(f, *a),
    "linearize": lambda f, a: functrans.linearize(f, *a),
    "hvp": lambda f, a: functrans.hvp(f, a, a),
    "linear_transpose": lambda f, a: functrans.linear_transpose(f, *a),
}

MAKERS: dict[str, Callable[[Any], Any]] = {
    "grad": functrans.grad,
    "value_and_grad": functrans.value_and_grad,
    "jacfwd": functrans.jacfwd,
    "jacrev": functrans.jacrev,
    "jacobian": functrans.jacobian,
    "hessian": functrans.hessian,
    "vmap": functrans.vmap,
    "jit": functrans.jit,
    "make_ir": functrans.make_ir,
    "jvp": lambda f: functrans.jvp(f, (1.0,), (1.0,)),
    "vjp": lambda f: functrans.vjp(f, 1.0),
    "linearize": lambda f: functrans.linearize(f, 1.0),
    "hvp": lambda f: functrans.hvp(f, (1.0,), (1.0,)),
    "linear_transpose": lambda f: functrans.linear_transpose(f, 1.0),
    "check_grads": lambda f: test_util.check_grads(f, (1.0,)),
    "tree_map": lambda f: tree_map(f, [1.0]),
}

BAD_ARRAYS = {
    "object array": np.array([1.0, "a"], dtype=object),
    "string array": np.array(["a", "b"]),
    "bytes array": np.array([b"a"]),
    "masked array": np.ma.array([1.0, 2.0], mask=[0, 1]),
    "ndarray subclass": np.ones(2).view(type("Sub", (np.ndarray,), {})),
    "float128 array": np.ones(2, np.longdouble),
    "float128 scalar": np.longdouble(1.0),
    "datetime array": np.array(["2020-01-01"], dtype="datetime64[D]"),
    "record array": np.zeros(2, dtype=[("a", float)]),
    "string": "abc",
    "object": object(),
    "bytes": b"x",
}


@pytest.mark.parametrize("name", list(MAKERS))
@pytest.mark.parametrize("bad", [3, "f", None, np.ones(2)], ids=["int", "str", "None", "array"])
def test_non_callable_rejected_when_created(name, bad):
    with pytest.raises(TypeError, match="callable") as e:
        MAKERS[name](bad)
    assert type(bad).__name__ in str(e.value)


@pytest.mark.parametrize("name", list(CALLERS))
@pytest.mark.parametrize("kind", list(BAD_ARRAYS))
def test_bad_array_input_names_the_argument(name, kind):
    with pytest.raises(TypeError) as e:
        CALLERS[name](f1, (BAD_ARRAYS[kind],))
    msg = str(e.value)
    assert "argument 'x'" in msg or "argument 0" in msg, msg
    assert "functrans" in msg or "expected" in msg, msg


@pytest.mark.parametrize("name", list(CALLERS))
def test_bad_second_argument_named(name):
    # with argnums=0 the second argument is not checked by grad (as JAX, any Python value may be
    # passed there); a bad array is caught when it reaches a primitive, which the message names
    with pytest.raises(TypeError) as e:
        CALLERS[name](f2, (np.ones(2), np.array(["a", "b"])))
    msg = str(e.value)
    assert "'y'" in msg or "argument 1" in msg or "'mul'" in msg, msg


@pytest.mark.parametrize("name", [n for n in CALLERS if n != "vmap"])
@pytest.mark.parametrize("bad", [None, {"a": None}, {"a": 1.0}], ids=["None", "dict of None", "dict"])
def test_none_or_dict_where_array_expected(name, bad):
    """fnp.sin gets a None or a dict: functrans' own message names the primitive."""
    with pytest.raises(TypeError) as e:
        CALLERS[name](f1, (bad,))
    msg = str(e.value)
    assert "'sin'" in msg or "scalar-output" in msg or "argument 'x'" in msg, msg
    assert "loop of ufunc" not in msg


def test_vmap_of_none_raises_value_error():
    with pytest.raises(ValueError, match="in_axes"):
        functrans.vmap(f1)(None)


ARGNUMS_BAD_TYPE = [1.0, None, "0", (0, 0.5), [0, None], True, {0: 1}]
DIFF = ["grad", "value_and_grad", "jacfwd", "jacrev", "jacobian", "hessian"]


@pytest.mark.parametrize("name", DIFF)
@pytest.mark.parametrize("argnums", ARGNUMS_BAD_TYPE, ids=repr)
def test_argnums_bad_type(name, argnums):
    with pytest.raises(TypeError, match="argnums must be an int or a non-empty tuple of distinct ints"):
        getattr(functrans, name)(f2, argnums=argnums)


@pytest.mark.parametrize("name", DIFF)
@pytest.mark.parametrize("argnums", [(), (0, 0), [1, 1]], ids=repr)
def test_argnums_empty_or_repeated(name, argnums):
    with pytest.raises(ValueError, match="argnums"):
        getattr(functrans, name)(f2, argnums=argnums)


@pytest.mark.parametrize("name", DIFF)
@pytest.mark.parametrize("argnums", [2, -3, (0, 5)], ids=repr)
def test_argnums_out_of_range(name, argnums):
    with pytest.raises(TypeError, match=r"argnums=.*positional arguments"):
        getattr(functrans, name)(f2, argnums=argnums)(np.ones(2), np.ones(2))


def test_numpy_integer_argnums():
    g = functrans.grad(f2, argnums=(np.int32(0), np.int64(1)))(np.ones(2), np.ones(2))
    assert len(g) == 2


def test_jit_static_argnums_and_argnames():
    with pytest.raises(ValueError, match="static_argnums"):
        functrans.jit(lambda x: x, static_argnums=3)
    with pytest.raises(ValueError, match="static_argnums"):
        functrans.jit(lambda x: x, static_argnums=(-2,))
    with pytest.raises(ValueError, match=r"static_argnames.*'y'"):
        functrans.jit(lambda x: x, static_argnames="y")
    with pytest.raises(TypeError, match="static_argnums"):
        functrans.jit(lambda x: x, static_argnums=1.0)
    assert functrans.jit(lambda x: x, static_argnums=None)(1.0) == 1.0  # None means none, as JAX
    with pytest.raises(TypeError, match="static_argnames"):
        functrans.jit(lambda x: x, static_argnames=1)
    # *args / **kwargs functions accept any
    functrans.jit(lambda *a: a[0], static_argnums=3)
    functrans.jit(lambda **k: 1.0, static_argnames="anything")
    with pytest.raises(ValueError, match="hashable"):
        functrans.jit(lambda x, s: x, static_argnums=1)(1.0, [1])


def test_make_ir_static_argnums():
    with pytest.raises(TypeError, match="static_argnums"):
        functrans.make_ir(f1, static_argnums=1.0)
    with pytest.raises(TypeError, match="static_argnums"):
        functrans.make_ir(f1, static_argnums=None)


def test_check_grads_args_not_a_tuple():
    with pytest.raises(TypeError, match=r"args must be a tuple.*pass \(x,\)"):
        test_util.check_grads(lambda x: x * 2.0, 1.0, order=1)
    with pytest.raises(TypeError, match="modes"):
        test_util.check_grads(lambda x: x * 2.0, (1.0,), order=1, modes="fwd")


def test_tree_map_of_non_callable():
    with pytest.raises(TypeError, match="tree_map: expected a callable"):
        tree_map(3, [1])


def test_primitive_given_a_pytree_suggests_tree_map():
    with pytest.raises(TypeError, match="tree_map"):
        fnp.sin((1.0, 2.0))


# --------------------------------------------------------------------------- exceptions pickle


def _escaped() -> Exception:
    leak = []
    functrans.grad(lambda x: leak.append(x) or x)(1.0)
    try:
        fnp.sin(leak[0])
    except Exception as e:
        return e
    raise AssertionError("no error")


def _raised(f: Callable[[], Any]) -> Exception:
    try:
        f()
    except Exception as e:
        return e
    raise AssertionError("no error")


EXCEPTIONS = {
    "EscapedTracerError": _escaped,
    "ConcretizationTypeError": lambda: _raised(lambda: functrans.jit(lambda x: 1.0 if x > 0 else 2.0)(1.0)),
    "IRTypeError": lambda: IRTypeError("bad program"),
    "bad argnums": lambda: _raised(lambda: functrans.grad(f1, argnums=1.5)),
    "bad leaf": lambda: _raised(lambda: functrans.grad(f1)(np.array(["a"]))),
    "complex": lambda: _raised(lambda: functrans.grad(f1)(np.complex128(1j))),
}


@pytest.mark.parametrize("name", list(EXCEPTIONS))
def test_exceptions_pickle(name):
    e = EXCEPTIONS[name]()
    e2 = pickle.loads(pickle.dumps(e))
    assert type(e2) is type(e) and str(e2) == str(e)


def _worker_raises(_: int) -> None:
    fnp.sin(_escaped_leak())


def _escaped_leak() -> Any:
    leak = []
    functrans.grad(lambda x: leak.append(x) or x)(1.0)
    return leak[0]


def test_escaped_tracer_error_crosses_processes():
    ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
    if ctx is None:
        pytest.skip("needs fork")
    with ctx.Pool(1) as pool, pytest.raises(functrans.EscapedTracerError, match="escaped tracer"):
        # an exception that does not unpickle would hang the pool: hence the timeout
        pool.map_async(_worker_raises, [0]).get(timeout=60)
