"""Clock-free pins of the per-application work of nested derivatives (issue 17): what recording
and differentiating one primitive application costs besides the application itself. The
primitive application counts are pinned in test_nested_work.py; these pin the work per
application (abstract evaluations, simplification calls, abstract values recomputed, literals
made). No timing here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans._src import jvp as jvp_module
from functrans._src.core import Literal, ShapedArray, float0, get_aval, tangent_aval
from functrans._src.lax.elementwise import mul_p, neg_p

pytestmark = pytest.mark.usefixtures("normal_eager_path")


def _nested(f: Callable[..., Any], k: int) -> Callable[..., Any]:
    for _ in range(k):
        f = functrans.grad(f)
    return f


@contextmanager
def _counting(obj: Any, name: str) -> Iterator[list[int]]:
    """Count the calls of the function ``obj.name`` while the block runs."""
    calls = [0]
    orig = getattr(obj, name)

    def counting(*a: Any, **k: Any) -> Any:
        calls[0] += 1
        return orig(*a, **k)

    setattr(obj, name, counting)
    try:
        yield calls
    finally:
        setattr(obj, name, orig)


def test_recording_computes_a_result_aval_once_per_operand_avals() -> None:
    # the 4th derivative of tanh records 14 distinct products over its four linearizations; their
    # abstract values are computed once per (primitive, operand avals) and recording: 6, not 14
    f = _nested(fnp.tanh, 4)
    with _counting(mul_p, "abstract_eval") as calls:
        out = f(0.3)
    assert calls[0] == 6, calls[0]
    # the derivatives of tanh as polynomials in t = tanh x: p_{k+1}(t) = p_k'(t) (1 - t^2)
    p = np.polynomial.Polynomial([0.0, 1.0])
    for _ in range(4):
        p = p.deriv() * np.polynomial.Polynomial([1.0, 0.0, -1.0])
    np.testing.assert_allclose(out, p(np.tanh(0.3)), rtol=1e-12)


def test_products_of_variables_skip_the_literal_simplification() -> None:
    # x * 1.0 -> x needs a literal operand: products of two variables (a tangent and a residual
    # array) do not consult the rule
    with _counting(mul_p, "simplify") as calls:
        _, f_jvp = functrans.linearize(lambda x: fnp.sin(x) * fnp.cos(x), np.array([0.4, 0.5]))
    assert calls[0] == 0, calls[0]
    assert [e.prim.name for e in f_jvp.linear_ir.eqns].count("mul") == 4  # g cos(x) cos(x), ... sin(x)
    with _counting(mul_p, "simplify") as calls:
        _, f_jvp = functrans.linearize(lambda x: x * 3.0, np.array([0.4, 0.5]))
    assert calls[0] == 1, calls[0]
    np.testing.assert_array_equal(f_jvp(np.array([2.0, 1.0])), [6.0, 3.0])
    with _counting(mul_p, "simplify") as calls:
        f = _nested(fnp.tanh, 4)(0.3)
    assert calls[0] == 10, calls[0]  # 17 when every product consulted it
    del f
    assert neg_p.simplify is not None and not neg_p.simplify_needs_literal


def test_recording_makes_one_literal_per_python_scalar() -> None:
    # the residuals of a Python-float evaluation are Python floats: each value is one literal of the
    # linear program, shared by every equation that reads it (equal values only, zero by its sign)
    def f(x):
        return fnp.sin(x) * 0.5 + x * 0.5 + x * -0.0 + x * 0.0

    _, f_jvp = functrans.linearize(f, 0.7)
    lits: dict[Any, list[Literal]] = {}
    for e in f_jvp.linear_ir.eqns:
        for a in e.inputs:
            if type(a) is Literal:
                lits.setdefault((a.val, str(a.val)), []).append(a)
    assert len(lits[(0.5, "0.5")]) == 2
    assert lits[(0.5, "0.5")][0] is lits[(0.5, "0.5")][1]
    assert lits[(0.0, "0.0")][0] is not lits[(-0.0, "-0.0")][0]
    out = f_jvp(1.0)
    np.testing.assert_array_equal(out, np.cos(0.7) * 0.5 + 0.5 + 1.0 * -0.0 + 0.0)


def test_nested_tracers_carry_their_abstract_value() -> None:
    # a JVP tracer of a Python float or of an outer JVP tracer takes its abstract value at once:
    # nested derivatives never compute one from the primal (23 times for the 4th derivative before)
    f = _nested(fnp.tanh, 4)
    with _counting(jvp_module, "get_aval") as calls:
        f(0.3)
    assert calls[0] == 0, calls[0]
    # an array primal still gets its own, on first use
    g = functrans.grad(lambda x: fnp.sum(fnp.tanh(x) * x))
    np.testing.assert_allclose(g(np.array([0.1, 0.2])), np.tanh([0.1, 0.2]) + [0.1, 0.2] / np.cosh([0.1, 0.2]) ** 2)


def test_tangent_aval_shares_a_floating_aval() -> None:
    a = ShapedArray((3,), np.dtype(np.float32))
    assert tangent_aval(a) is a
    w = get_aval(0.5)  # weak: the tangent is a plain float64
    t = tangent_aval(w)
    assert t is not w and t.dtype == np.float64 and not t.weak_type and t.shape == ()
    assert tangent_aval(ShapedArray((2,), np.dtype(np.int32))).dtype == float0


def test_python_float_transposes_match_the_primitives() -> None:
    # transposing a product or a negation of Python floats, and summing two Python-float cotangents,
    # is Python arithmetic: bit for bit what mul, neg and add give (signed zeros, infinities, NaN)
    from work_helpers import record_binds

    fs = [
        lambda x: x * -0.0,
        lambda x: (x * 1e308) * 10.0,
        lambda x: -(x * x) + x * float("nan"),
        lambda x: fnp.sin(x) * x - x * 3.0,
        lambda x: x * x * x + x,
    ]
    for f in fs:
        for x in (2.0, -0.0, 0.5):
            with np.errstate(all="ignore"):
                weak = functrans.grad(f)(x)
                strong = functrans.grad(f)(np.float64(x))
                second = functrans.grad(functrans.grad(f))(x)
                second_strong = functrans.grad(functrans.grad(f))(np.float64(x))
            for a, b in ((weak, strong), (second, second_strong)):
                assert np.asarray(a).dtype == np.float64
                np.testing.assert_array_equal(a, b)
                assert np.signbit(a) == np.signbit(b)
    # those products and sums are not applied as primitives: 26 applications for the second
    # derivative of x^3 at a Python float, 29 at a NumPy float64 (and before, at either)
    f2 = functrans.grad(functrans.grad(lambda x: x * x * x))
    _, calls = record_binds(f2, 0.5)
    _, calls_strong = record_binds(f2, np.float64(0.5))
    assert len(calls) == 26 and len(calls_strong) == 29, (len(calls), len(calls_strong))


def test_backward_pass_makes_one_linear_input_marker_per_aval() -> None:
    # transpose rules get an UndefinedPrimal for each linear input; one per abstract value serves
    # (rules read its aval only): 4 for the 4th derivative of tanh (one per backward pass), not 30
    from functrans._src.core import UndefinedPrimal

    f = _nested(fnp.tanh, 4)
    with _counting(UndefinedPrimal, "__init__") as calls:
        out = f(0.3)
    assert calls[0] == 4, calls[0]
    np.testing.assert_allclose(out, _nested(fnp.tanh, 4)(np.float64(0.3)), rtol=1e-15)
