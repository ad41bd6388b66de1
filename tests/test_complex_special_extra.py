# ruff: noqa: E501 (tables of constants computed with JAX)
"""Complex operands through logit, xlogy and xlog1py (issue 15): jax.scipy.special accepts
them (log(x / (1 - x)), x log y and x log1p y, 0 where x == 0, holomorphic JVPs).
Constants computed with JAX (x64) and pinned."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
import functrans.scipy.special as fsp
from functrans.test_util import check_grads

A = np.array([1.5 + 0.5j, -0.3 + 2j, 0.2 - 0.7j, 0j])
B = np.array([0.4 - 1.2j, 2 + 0.1j, -3 + 0.5j, 1 + 1j])
T = (np.full(4, 1 + 0.5j), np.full(4, 0.3 - 1j))
LOGIT = [(0.8047189562170501+2.677945044588987j), (-0.16508263904176476+2.7141073806081066j), (-0.3785479525801094-2.0113266674114096j)]
GLOGIT = [(3.640936906368739+3.42990636561847j), (-0.7976153372395884-0.7966331529223076j), (-3.6427228902650306+3.834938032171549j)]
XLOGY = [(0.9770256081334289-1.7560677512859477j), (-0.3082354776416572+1.3738037226018949j), (2.3059731384750495-0.18332944779848354j), 0j]
GXLOGY = [[(4.846023583265978-1.6153411944219929j), (-0.2908086715763039-1.9387244771753591j), (4.038582491923448+14.135038721732064j), 0j], [(-4.390169378214869+2.442564020333572j), (2.8228045851083787-0.34547006775816497j), (-0.5529369464104354+0.9595207138468191j), 0j]]
JXLOGY = [(2.109524700821995-0.7565448650868206j), (1.6444787669379184+0.7984030888445797j), (-0.19050480692001076+3.7001674316238176j), (-0.046125491418751496+0.9586849585374346j)]
XLOG1PY = [(1.272144709780422-0.7569955502859764j), (-0.3963922524995313+2.1883387728567723j), (2.172321691617683+0.07290115406487195j), 0j]
GXLOG1PY = [[(2.6296733109300985-0.8765577703100331j), (-0.7255677363271299-4.837118242180867j), (3.5655064982163784+12.479272743757322j), 0j], [(0.009251875856289227+2.5387382940470706j), (2.9907119593953406-0.19054564740786537j), (-0.7221034204371428+1.3546795598360666j), 0j]]
JXLOG1PY = [(1.8338479106984225-0.623270649516259j), (1.728455983486982+0.861373132262776j), (-0.4719063272927136+3.526579030314657j), (0.5728951517166471+0.8660070871093312j)]


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-12, atol=1e-13)


def test_logit_complex_matches_jax():
    _close(fsp.logit(A[:3]), LOGIT)
    _close(functrans.jit(fsp.logit)(A[:3]), LOGIT)
    _close(functrans.grad(lambda z: fnp.sum(fnp.abs(fsp.logit(z)) ** 2))(A[:3]), GLOGIT)
    check_grads(fsp.logit, (A[:3],), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(fsp.logit)(A[:3]), [fsp.logit(a) for a in A[:3]])


@pytest.mark.parametrize("name", ["xlogy", "xlog1py"])
def test_xlogy_xlog1py_complex_match_jax(name):
    f = getattr(fsp, name)
    val, g, j = globals()[name.upper()], globals()["G" + name.upper()], globals()["J" + name.upper()]
    _close(f(A, B), val)
    _close(functrans.jit(f)(A, B), val)
    _close(functrans.jvp(f, (A, B), T)[1], j)
    ga, gb = functrans.grad(lambda p, q: fnp.sum(fnp.abs(f(p, q)) ** 2), argnums=(0, 1))(A, B)
    _close(ga, g[0])
    _close(gb, g[1])
    check_grads(f, (A[:3], B[:3]), order=2, modes=("fwd", "rev"))
    _close(functrans.vmap(f)(A, B), [f(a, b) for a, b in zip(A, B)])
    _close(functrans.vmap(f, in_axes=(None, 0))(A[0], B), [f(A[0], b) for b in B])
