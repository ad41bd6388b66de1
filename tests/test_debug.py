"""functrans.debug.print / debug.callback: runtime values, under every transformation."""

import numpy as np

import functrans
import functrans.numpy as fnp
from functrans import debug


def _f(x):
    debug.print("x={x}", x=x)
    y = x * 2
    debug.print("y {} {}", y, 3)
    return fnp.sum(y * y)


def test_eager_prints_at_once(capsys):
    _f(np.arange(2.0))
    assert capsys.readouterr().out == "x=[0. 1.]\ny [0. 2.] 3\n"


def test_jit_prints_runtime_values_per_call(capsys):
    jf = functrans.jit(_f)
    jf(np.arange(2.0))
    assert capsys.readouterr().out == "x=[0. 1.]\ny [0. 2.] 3\n"
    jf(np.arange(2.0) + 10)  # cached: no retrace, still prints, with this call's values
    assert capsys.readouterr().out == "x=[10. 11.]\ny [20. 22.] 3\n"
    assert len(jf._cache) == 1


def test_jit_keeps_unused_and_duplicate_prints(capsys):
    def g(x):
        debug.print("{}", x)
        debug.print("{}", x)  # the same call twice: both print (no merging)
        debug.print("{}", x * 0 + 5.0)  # a constant value: printed at run time, not folded
        return x

    jg = functrans.jit(g)
    capsys.readouterr()
    jg(1.0)
    jg(2.0)
    assert capsys.readouterr().out == "1.0\n1.0\n5.0\n2.0\n2.0\n5.0\n"


def test_grad_prints_primal_values(capsys):
    for fn in (functrans.grad(_f), functrans.jit(functrans.grad(_f)), functrans.grad(functrans.jit(_f))):
        np.testing.assert_allclose(fn(np.arange(2.0)), [0.0, 8.0])
        assert capsys.readouterr().out == "x=[0. 1.]\ny [0. 2.] 3\n"


def test_jvp_and_hessian_print_primal(capsys):
    functrans.jvp(_f, (np.arange(2.0),), (np.ones(2),))
    assert capsys.readouterr().out == "x=[0. 1.]\ny [0. 2.] 3\n"
    functrans.hessian(_f)(np.arange(2.0))
    assert "x=[0. 1.]" in capsys.readouterr().out


def test_vmap_prints_per_example(capsys):
    x = np.arange(6.0).reshape(3, 2)
    for fn in (functrans.vmap(_f), functrans.vmap(functrans.jit(_f)), functrans.jit(functrans.vmap(_f))):
        np.testing.assert_allclose(fn(x), [4.0, 52.0, 164.0])
        assert capsys.readouterr().out == ("x=[0. 1.]\nx=[2. 3.]\nx=[4. 5.]\ny [0. 2.] 3\ny [4. 6.] 3\ny [ 8. 10.] 3\n")


def test_nested_vmap_outer_index_slowest(capsys):
    def g(x):
        debug.print("{}", x)
        return x

    functrans.vmap(functrans.vmap(g), in_axes=1)(np.arange(6.0).reshape(3, 2))
    assert capsys.readouterr().out.split() == ["0.0", "2.0", "4.0", "1.0", "3.0", "5.0"]


def test_callback_order_and_values():
    seen = []

    def g(x, y):
        debug.callback(lambda a: seen.append(("a", a)), x)
        z = x + y
        debug.callback(lambda a, b=None: seen.append(("b", a, b)), z, b={"k": y})
        return z * z

    jg = functrans.jit(g)
    for k in range(2):
        seen.clear()
        jg(np.array([1.0, 2.0]) + k, 1.0)
        assert [s[0] for s in seen] == ["a", "b"]
        np.testing.assert_array_equal(seen[0][1], np.array([1.0, 2.0]) + k)
        np.testing.assert_array_equal(seen[1][1], np.array([2.0, 3.0]) + k)
        assert seen[1][2]["k"] == 1.0
        assert isinstance(seen[0][1], np.ndarray)
    # the arrays handed to the callback are not reused by the compiled program afterwards
    np.testing.assert_array_equal(seen[1][1], [3.0, 4.0])


def test_callback_under_vmap_and_grad():
    seen = []

    def g(x):
        debug.callback(seen.append, x)
        return fnp.sin(x)

    functrans.vmap(g)(np.array([1.0, 2.0]))
    assert [float(s) for s in seen] == [1.0, 2.0]
    seen.clear()
    functrans.grad(g)(3.0)
    assert [float(s) for s in seen] == [3.0]


def test_debug_in_ir():
    ir = functrans.make_ir(_f)(np.arange(2.0))
    assert [e.prim.name for e in ir.eqns].count("debug_callback") == 2


def test_inside_scan_cond_and_checkpoint(capsys):
    from functrans import lax

    def body(c, x):
        debug.print("c={} x={}", c, x)
        return c + x, c * x

    expected = "c=0.0 x=0.0\nc=0.0 x=1.0\nc=1.0 x=2.0\n"
    functrans.jit(lambda xs: lax.scan(body, 0.0, xs))(np.arange(3.0))
    assert capsys.readouterr().out == expected
    functrans.jit(lambda xs: lax.scan(body, 0.0, xs)[0])(np.arange(3.0))  # ys unused: still printed
    assert capsys.readouterr().out == expected
    functrans.grad(lambda xs: lax.scan(body, 0.0, xs)[0])(np.arange(3.0))
    assert capsys.readouterr().out == expected

    def h(p, x):
        return lax.cond(p, lambda y: (debug.print("T {}", y), y)[1], lambda y: (debug.print("F {}", y), -y)[1], x)

    jh = functrans.jit(h)
    jh(True, 1.0)
    jh(False, 2.0)
    assert capsys.readouterr().out == "T 1.0\nF 2.0\n"
    functrans.grad(functrans.checkpoint(lambda x: (debug.print("ck {}", x), fnp.sin(x))[1]))(1.0)
    assert "ck 1.0" in capsys.readouterr().out
