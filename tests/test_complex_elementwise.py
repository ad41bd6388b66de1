# ruff: noqa: E501 (tables of constants computed with JAX)
"""Complex numbers through the elementwise primitives and the NumPy ufunc surface (issue 15).

Every constant below was computed with JAX (x64) and is pinned here: JAX is not a test
dependency. Conventions (JAX's): JVPs are R-linear maps of the tangent, transposes are taken
under the pairing Re(sum(a * b)) without conjugation, so grad of a real f of complex z is
df/dx - i df/dy.

Known differences from JAX, pinned to NumPy's (C99) values on purpose: at a branch cut with a
signed-zero imaginary part (sqrt, arcsin, arccos, arccosh at -0.0j, arcsinh at -0.0 real part)
functrans follows the sign of zero as NumPy and JAX's own log do, while JAX's sqrt/asin/... ignore
it; 0 ** z for Re(z) > 0 is 0 (NumPy) where JAX gives NaN; complex maximum/minimum propagate NaN
(NumPy) where JAX compares lexicographically without NaN handling.
"""

import math
import warnings

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans._src.core import ConcretizationTypeError

NAN, INF = math.nan, math.inf
T = 1 + 0.5j  # the tangent of the pinned JVPs
Z0 = 1 + 2j


def _close(a, b, rtol=1e-12, atol=1e-14):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol, equal_nan=True)


# --------------------------------------------------------------------------- the examples


def test_jvp_of_abs_at_a_complex_point():
    y, t = functrans.jvp(fnp.abs, (2 + 0.5j,), (1j,))
    _close(y, 2.0615528128088303)
    _close(t, 0.24253562503633297)
    assert np.asarray(t).dtype == np.float64


def test_vjp_of_abs_and_grad_of_abs_squared():
    (ct,) = functrans.vjp(fnp.abs, 2 + 0.5j)[1](1.0)
    _close(ct, 0.9701425001453319 - 0.24253562503633297j)
    assert functrans.grad(lambda z: fnp.abs(z) ** 2)(1 + 2j) == pytest.approx(2 - 4j)
    z = np.array([1 + 2j, -0.5 + 0.25j])
    _close(functrans.grad(lambda z: fnp.sum(fnp.abs(z) ** 2))(z), 2 * np.conj(z))


def test_abs_at_zero_has_zero_derivative():
    y, t = functrans.jvp(fnp.abs, (0j,), (1 + 1j,))
    assert y == 0 and t == 0
    (ct,) = functrans.vjp(fnp.abs, 0j)[1](1.0)
    assert ct == 0


def test_abs_of_complex64_stays_single_precision():
    (ct,) = functrans.vjp(fnp.abs, np.complex64(1 + 2j))[1](np.float32(1.0))
    assert np.asarray(ct).dtype == np.complex64
    _close(ct, 0.4472136 - 0.8944272j, rtol=1e-6)


# --------------------------------------------------------------------------- the complex parts


def test_transposes_of_the_complex_parts():
    assert functrans.grad(lambda z: lax.imag(z))(1 + 2j) == -1j
    assert functrans.grad(lambda z: fnp.imag(z))(1 + 2j) == -1j
    assert functrans.grad(lambda z: fnp.real(z))(1 + 2j) == 1
    (ct,) = functrans.vjp(lax.real, 1 + 2j)[1](3.0)
    assert complex(ct) == 3 + 0j
    (ct,) = functrans.vjp(lax.imag, 1 + 2j)[1](3.0)
    assert complex(ct) == -3j
    (ct,) = functrans.vjp(lax.conj, 1 + 2j)[1](3 + 4j)
    assert complex(ct) == 3 - 4j
    cx, cy = functrans.vjp(lax.complex, 1.0, 2.0)[1](3 + 4j)
    assert (float(cx), float(cy)) == (3.0, -4.0)
    (ct,) = functrans.vjp(lax.conj, 1.0)[1](3 + 4j)  # a real operand: converted, then conjugated
    assert float(ct) == 3.0 and np.asarray(ct).dtype == np.float64


def test_complex_parts_values_and_dtypes():
    z = np.array([1 + 2j, -3 - 0.5j], np.complex64)
    assert lax.real(z).dtype == np.float32 and lax.imag(z).dtype == np.float32
    _close(lax.real(z), [1, -3])
    _close(lax.imag(z), [2, -0.5])
    _close(lax.conj(z), np.conj(z))
    assert lax.conj(1.0) == 1 + 0j and np.asarray(lax.conj(1.0)).dtype == np.complex128
    out = lax.complex(np.float32(1), np.float32(2))
    assert out == 1 + 2j and out.dtype == np.complex64
    w = lax.complex(np.array([1.0, 2.0]), INF)  # an infinite imaginary part keeps a finite real part
    assert list(w.real) == [1.0, 2.0] and all(np.isinf(w.imag))
    with pytest.raises(TypeError, match="complex operand"):
        lax.real(1.0)
    with pytest.raises(TypeError, match="complex operand"):
        lax.imag(np.ones(2))
    with pytest.raises(TypeError, match="argument x"):
        lax.complex(1j, 2.0)
    with pytest.raises(TypeError, match="argument y"):
        lax.complex(1.0, np.arange(2))


def test_numpy_real_imag_conj_of_real_values():
    x = np.array([1.5, -2.0])
    assert fnp.real(x) is x or np.array_equal(fnp.real(x), x)
    _close(fnp.imag(x), [0.0, 0.0])
    _close(fnp.conj(x), x)
    assert np.asarray(fnp.conj(x)).dtype == np.float64
    assert functrans.grad(lambda x: fnp.imag(x) + fnp.real(x) ** 2)(3.0) == 6.0


def test_methods_properties_and_numpy_dispatch_on_traced_values():
    def f(z):
        return (
            fnp.real(z) * fnp.imag(z)
            + fnp.abs(np.conj(z))
            + np.abs(z)
            + np.real(z)
            + z.real
            + z.imag
            + fnp.real(z.conj() * z)
        )

    want = 6.894427190999917 - 7.7888543819998315j  # jax.grad of the same function at 1+2j
    _close(functrans.grad(f)(1 + 2j), want)
    _close(functrans.jit(functrans.grad(f))(1 + 2j), want)
    _close(functrans.vmap(functrans.grad(f))(np.array([1 + 2j, 1 - 1j])), [want, 4.414213562373095 + 1.414213562373095j])


# --------------------------------------------------------------------------- holomorphic functions, pinned to JAX

HOLO = {
    'sin': ((3.165778513216168+1.9596010414216063j), (3.5586719065955656-2.0355362956419674j)),
    'cos': ((2.0327230070196656-3.0518977991518j), (-2.1859779925053653-3.5424902980296906j)),
    'tan': ((0.0338128260798967+1.0147936161466335j), (-0.06297581621420727+0.0542946920172853j)),
    'arcsin': ((0.4270785863924761+1.5285709194809982j), (0.3079942118943115+0.3551203099801503j)),
    'arccos': ((1.1437177404024206-1.5285709194809982j), (-0.3079942118943115-0.3551203099801503j)),
    'arctan': ((1.3389725222944935+0.40235947810852507j), -0.25j),
    'sinh': ((-0.48905625904129374+1.4031192506220407j), (-1.1764518354069093+0.7475333590250185j)),
    'cosh': ((-0.6421481247155201+1.0686074213827785j), (-1.190615884352314+1.1585911211013937j)),
    'tanh': ((1.16673625724092-0.24345820118572528j), (-0.5860531086820009+0.4171022217740995j)),
    'exp': ((-1.1312043837568138+2.471726672004819j), (-2.3670677197592234+1.9061244801264123j)),
    'log': ((0.8047189562170501+1.1071487177940904j), (0.4-0.3j)),
    'log1p': ((1.0397207708399179+0.7853981633974483j), (0.375-0.125j)),
    'expm1': ((-2.1312043837568138+2.471726672004819j), (-2.3670677197592234+1.9061244801264123j)),
    'sqrt': ((1.272019649514069+0.7861513777574233j), (0.3723266365664273-0.03357267187562568j)),
    'arcsinh': ((1.4693517443681852+1.0634400235777521j), (0.4497268599869668-0.2779464851257106j)),
    'arccosh': ((1.5285709194809982+1.1437177404024206j), (0.3551203099801503-0.3079942118943114j)),
    'arctanh': ((0.17328679513998632+1.1780972450961724j), (0.0625+0.1875j)),
    'exp2': ((0.36691394948660344+1.9660554808224875j), (-0.42705753708351407+1.4899284981539114j)),
    'log2': ((1.160964047443681+1.5972779646881086j), (0.5770780163555854-0.432808512266689j)),
    'log10': ((0.3494850021680094+0.4808285787842341j), (0.17371779276130073-0.13028834457097555j)),
    'sinc': ((-34.09033869939481-17.04516934969741j), (-88.34901830883213+76.91499457518495j)),
    'square': ((-3+4j), 5j),
    'reciprocal': ((0.2-0.4j), (0.039999999999999994+0.22j)),
    'logistic': ((1.0214153641721806+0.4034387060815424j), (0.35124794742260224-0.35027387592035075j)),
}

HOLO_FUNCTIONS = {**{n: getattr(fnp, n) for n in HOLO if n != "logistic"}, "logistic": lax.logistic}


@pytest.mark.parametrize("name", sorted(HOLO))
def test_holomorphic_jvp_matches_jax(name):
    v, t = HOLO[name]
    y, ty = functrans.jvp(HOLO_FUNCTIONS[name], (Z0,), (T,))
    _close(y, v)
    _close(ty, t)


# (function, z, f(z), f'(z) * (1 + 0.5j)) from jax.jvp, on and near the branch cuts
BRANCH = [
    ('sqrt', complex(-2.0, 0.0), complex(0.0, 1.4142135623730951), complex(0.17677669529663687, -0.35355339059327373)),
    ('sqrt', complex(3.0, -0.0), complex(1.7320508075688772, 0.0), complex(0.2886751345948129, 0.14433756729740646)),
    ('sqrt', complex(-0.5, 0.001), complex(0.0007071064276337757, 0.7071071347394962), complex(0.3542599652781598, -0.7067521680227568)),
    ('sqrt', complex(0.0, 3.0), complex(1.224744871391589, 1.2247448713915892), complex(0.30618621784789724, -0.1020620726159658)),
    ('sqrt', complex(-0.0, -3.0), complex(1.224744871391589, -1.2247448713915892), complex(0.10206207261596571, 0.3061862178478973)),
    ('log', complex(-2.0, 0.0), complex(0.6931471805599453, 3.141592653589793), complex(-0.5, -0.25)),
    ('log', complex(-2.0, -0.0), complex(0.6931471805599453, -3.141592653589793), complex(-0.5, -0.25)),
    ('log', complex(0.0, 0.0), complex(-INF, 0.0), complex(INF, INF)),
    ('log', complex(3.0, -0.0), complex(1.0986122886681098, -0.0), complex(0.3333333333333333, 0.16666666666666666)),
    ('log', complex(-0.5, 0.001), complex(-0.6931451805639453, 3.1395926562564536), complex(-1.9979920080319682, -1.003995984016064)),
    ('log', complex(0.0, 3.0), complex(1.0986122886681098, 1.5707963267948966), complex(0.16666666666666666, -0.3333333333333333)),
    ('log', complex(-0.0, -3.0), complex(1.0986122886681098, -1.5707963267948966), complex(-0.16666666666666666, 0.3333333333333333)),
    ('arcsin', complex(-2.0, 0.0), complex(-1.5707963267948966, 1.3169578969248166), complex(0.288675134594813, -0.5773502691896258)),
    ('arcsin', complex(0.0, 0.0), complex(0.0, 0.0), complex(1.0, 0.5)),
    ('arcsin', complex(-0.5, 0.001), complex(-0.5235983906987182, 0.001154700025179879), complex(1.1550838977648636, 0.5765797014274409)),
    ('arcsin', complex(0.0, 3.0), complex(0.0, 1.8184464592320668), complex(0.31622776601683794, 0.15811388300841897)),
    ('arcsin', complex(-0.0, -3.0), complex(-0.0, -1.8184464592320668), complex(0.31622776601683794, 0.15811388300841897)),
    ('arccos', complex(-2.0, 0.0), complex(3.141592653589793, -1.3169578969248166), complex(-0.288675134594813, 0.5773502691896258)),
    ('arccos', complex(0.0, 0.0), complex(1.5707963267948966, -0.0), complex(-1.0, -0.5)),
    ('arccos', complex(-0.5, 0.001), complex(2.0943947174936146, -0.001154700025179879), complex(-1.1550838977648636, -0.5765797014274409)),
    ('arccos', complex(0.0, 3.0), complex(1.5707963267948966, -1.8184464592320668), complex(-0.31622776601683794, -0.15811388300841897)),
    ('arccos', complex(-0.0, -3.0), complex(1.5707963267948966, 1.8184464592320668), complex(-0.31622776601683794, -0.15811388300841897)),
    ('arctanh', complex(-2.0, 0.0), complex(-0.5493061443340549, 1.5707963267948966), complex(-0.3333333333333333, -0.16666666666666666)),
    ('arctanh', complex(-2.0, -0.0), complex(-0.5493061443340549, -1.5707963267948966), complex(-0.3333333333333333, -0.16666666666666666)),
    ('arctanh', complex(0.0, 0.0), complex(0.0, 0.0), complex(1.0, 0.5)),
    ('arctanh', complex(3.0, -0.0), complex(0.34657359027997264, -1.5707963267948966), complex(-0.125, -0.0625)),
    ('arctanh', complex(-0.5, 0.001), complex(-0.5493052554471413, 0.0013333319506204971), complex(1.3342180701395387, 0.6648868227240504)),
    ('arctanh', complex(0.0, 3.0), complex(0.0, 1.2490457723982544), complex(0.1, 0.05)),
    ('arctanh', complex(-0.0, -3.0), complex(0.0, -1.2490457723982544), complex(0.09999999999999999, 0.04999999999999999)),
    ('arccosh', complex(-2.0, 0.0), complex(1.3169578969248166, 3.141592653589793), complex(0.5773502691896258, 0.2886751345948129)),
    ('arccosh', complex(0.0, 0.0), complex(0.0, 1.5707963267948966), complex(0.5000000000000001, -1.0)),
    ('arccosh', complex(3.0, -0.0), complex(1.762747174039086, 0.0), complex(0.35355339059327373, 0.17677669529663687)),
    ('arccosh', complex(-0.5, 0.001), complex(0.001154700025179879, 2.0943947174936146), complex(-0.5765797014274409, 1.1550838977648636)),
    ('arccosh', complex(0.0, 3.0), complex(1.8184464592320668, 1.5707963267948966), complex(0.158113883008419, -0.31622776601683794)),
    ('arccosh', complex(-0.0, -3.0), complex(1.8184464592320668, -1.5707963267948966), complex(0.158113883008419, -0.31622776601683794)),
    ('log1p', complex(-2.0, 0.0), complex(0.0, 3.141592653589793), complex(-1.0, -0.5)),
    ('log1p', complex(-2.0, -0.0), complex(0.0, -3.141592653589793), complex(-1.0, -0.5)),
    ('log1p', complex(0.0, 0.0), complex(0.0, 0.0), complex(1.0, 0.5)),
    ('log1p', complex(3.0, -0.0), complex(1.3862943611198906, -0.0), complex(0.25, 0.125)),
    ('log1p', complex(-0.5, 0.001), complex(-0.6931451805639453, 0.0019999973333397333), complex(2.001991992032032, 0.995996016015936)),
    ('log1p', complex(0.0, 3.0), complex(1.151292546497023, 1.2490457723982544), complex(0.24999999999999997, -0.25)),
    ('log1p', complex(-0.0, -3.0), complex(1.151292546497023, -1.2490457723982544), complex(-0.05, 0.35000000000000003)),
    ('angle', complex(-2.0, 0.0), complex(3.141592653589793, 0.0), complex(-0.25, 0.0)),
    ('angle', complex(-2.0, -0.0), complex(-3.141592653589793, 0.0), complex(-0.25, 0.0)),
    ('angle', complex(0.0, 0.0), complex(0.0, 0.0), complex(NAN, 0.0)),
    ('angle', complex(3.0, -0.0), complex(-0.0, 0.0), complex(0.16666666666666666, 0.0)),
    ('angle', complex(-0.5, 0.001), complex(3.1395926562564536, 0.0), complex(-1.0039959840160642, 0.0)),
    ('angle', complex(0.0, 3.0), complex(1.5707963267948966, 0.0), complex(-0.3333333333333333, 0.0)),
    ('angle', complex(-0.0, -3.0), complex(-1.5707963267948966, 0.0), complex(0.3333333333333333, 0.0)),
    ('arcsinh', complex(-2.0, 0.0), complex(-1.4436354751788103, 0.0), complex(0.4472135954999579, 0.22360679774997896)),
    ('arcsinh', complex(-2.0, -0.0), complex(-1.4436354751788103, -0.0), complex(0.4472135954999579, 0.22360679774997896)),
    ('arcsinh', complex(0.0, 0.0), complex(0.0, 0.0), complex(1.0, 0.5)),
    ('arcsinh', complex(3.0, -0.0), complex(1.8184464592320668, -0.0), complex(0.31622776601683794, 0.15811388300841897)),
    ('arcsinh', complex(-0.5, 0.001), complex(-0.48121200394511326, 0.0008944272387026765), complex(0.8942484485268436, 0.44757143821669276)),
    ('arcsinh', complex(0.0, 3.0), complex(1.762747174039086, 1.5707963267948966), complex(0.1767766952966369, -0.35355339059327373)),
    ('arctan', complex(-2.0, 0.0), complex(-1.1071487177940904, -0.0), complex(0.2, 0.1)),
    ('arctan', complex(-2.0, -0.0), complex(-1.1071487177940904, -0.0), complex(0.2, 0.1)),
    ('arctan', complex(0.0, 0.0), complex(0.0, -0.0), complex(1.0, 0.5)),
    ('arctan', complex(3.0, -0.0), complex(1.2490457723982544, -0.0), complex(0.1, 0.05)),
    ('arctan', complex(-0.5, 0.001), complex(-0.46364792900095975, 0.0008000000426665889), complex(0.7996801276924108, 0.4006400646142056)),
    ('arctan', complex(0.0, 3.0), complex(1.5707963267948966, 0.34657359027997264), complex(-0.125, -0.0625)),
    ('arctan', complex(-0.0, -3.0), complex(-1.5707963267948966, -0.34657359027997264), complex(-0.125, -0.0625)),
    ('log10', complex(-2.0, 0.0), complex(0.3010299956639812, 1.3643763538418412), complex(-0.2171472409516259, -0.10857362047581295)),
    ('log10', complex(-2.0, -0.0), complex(0.3010299956639812, -1.3643763538418412), complex(-0.2171472409516259, -0.10857362047581295)),
    ('log10', complex(0.0, 0.0), complex(-INF, 0.0), complex(INF, INF)),
    ('log10', complex(3.0, -0.0), complex(0.4771212547196625, -0.0), complex(0.14476482730108392, 0.07238241365054196)),
    ('log10', complex(-0.5, 0.001), complex(-0.30102912707675455, 1.3635077660361508), complex(-0.8677169039750814, -0.436029915711202)),
    ('log10', complex(0.0, 3.0), complex(0.4771212547196625, 0.6821881769209206), complex(0.07238241365054196, -0.14476482730108392)),
    ('log10', complex(-0.0, -3.0), complex(0.4771212547196625, -0.6821881769209206), complex(-0.07238241365054196, 0.14476482730108392)),
]


@pytest.mark.parametrize("case", BRANCH, ids=[f"{c[0]}-{c[1]}" for c in BRANCH])
def test_branch_cuts_and_zero_match_jax(case):
    name, z, v, t = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        y, ty = functrans.jvp(getattr(fnp, name), (z,), (T,))
    _close(y, v)
    _close(ty, t, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize(
    "name,z,want",
    [  # NumPy's (C99) values, where JAX's ignore the sign of a zero (see the module docstring)
        ("sqrt", complex(-2.0, -0.0), complex(0.0, -1.4142135623730951)),
        ("arcsin", complex(3.0, -0.0), complex(1.5707963267948966, -1.762747174039086)),
        ("arccos", complex(3.0, -0.0), complex(0.0, 1.762747174039086)),
        ("arccosh", complex(-2.0, -0.0), complex(1.3169578969248166, -3.141592653589793)),
        ("arcsinh", complex(-0.0, -3.0), complex(-1.762747174039086, -1.5707963267948966)),
    ],
)
def test_signed_zero_branch_cuts_follow_numpy(name, z, want):
    _close(getattr(fnp, name)(z), want)


POW = [  # (x, y, x ** y, JVP along (1 + 0.5j, 0.3 - 0.2j)) from jax.jvp
    (1 + 2j, 0.5 + 0.3j, 0.7512301560114765 + 0.765781600594168j, 0.4574311970693538 + 0.6825894958237434j),
    (0j, 2 + 0j, 0j, 0j),
    (complex(-1, 0.0), 0.5 + 0j, 6.123233995736766e-17 + 1j, -0.6924777960769377 + 0.12831853071795873j),
    (complex(-1, -0.0), 0.5 + 0j, 6.123233995736766e-17 - 1j, -1.192477796076938 + 1.1283185307179586j),
    (2 + 1j, 3 + 0j, 2.0000000000000018 + 11.000000000000002j, 3.908635011305407 + 20.131898278231702j),
    (0j, 0j, 1 + 0j, complex(NAN, NAN)),
]


@pytest.mark.parametrize("case", POW, ids=[str(i) for i in range(len(POW))])
def test_pow_matches_jax(case):
    x, y, v, t = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out, tan = functrans.jvp(lambda a, b: a**b, (x, y), (1 + 0.5j, 0.3 - 0.2j))
    _close(out, v)
    _close(tan, t)


@pytest.mark.parametrize(
    "x,n,v,t",
    [
        (1 + 2j, 3, -11 - 2j, -15 + 7.5j),
        (0j, 2, 0j, 0j),
        (1 + 2j, -2, -0.12 - 0.16j, 0.192 + 0.056j),
        (0j, 0, 1 + 0j, 0j),
        (0j, 1, 0j, 1 + 0.5j),
    ],
)
def test_integer_pow_matches_jax(x, n, v, t):
    out, tan = functrans.jvp(lambda a: lax.integer_pow(a, n), (x,), (1 + 0.5j,))
    _close(out, v)
    _close(tan, t)


def test_vjps_match_jax():
    for f, want in [
        (fnp.sqrt, 0.28443224050289156 - 0.17578879212707146j),
        (fnp.log, 0.2 - 0.4j),
        (lax.logistic, 0.14088880756994146 - 0.4207182797053215j),
        (fnp.arctan, -0.1 - 0.2j),
        (fnp.exp, -1.1312043837568138 + 2.471726672004819j),
    ]:
        _close(functrans.vjp(f, Z0)[1](1.0 + 0j)[0], want)
    cx, cy = functrans.vjp(lambda x, y: x**y, 1 + 2j, 0.5 + 0.3j)[1](1.0 + 0j)
    _close(cx, 0.27248006 + 0.06329973j, rtol=1e-7)
    _close(cy, -0.24330497 + 1.44796247j, rtol=1e-7)
    cx, cy = functrans.vjp(lambda x, y: x**y, 1 + 2j, 0.5)[1](1.0 + 0j)  # a real exponent: a real cotangent
    _close(cx, 0.28443224050289156 - 0.17578879212707146j)
    _close(cy, 0.15323183, rtol=1e-7)
    assert np.asarray(cy).dtype == np.float64
    cx, cy = functrans.vjp(lambda x, y: x * y, 2.0, 1 + 2j)[1](1.0 + 1j)
    assert float(cx) == -1.0 and complex(cy) == 2 + 2j


def test_real_operand_of_a_complex_result_gets_a_real_gradient_without_warnings():
    def f(x):
        return fnp.abs(x * (1 + 2j) + x**2)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = functrans.grad(f)(2.0)
        gj = functrans.jit(functrans.grad(f))(2.0)
        ga = functrans.grad(lambda x: fnp.abs(fnp.where(x > 0, x, 1j) + x.astype(complex)))(2.0)
    _close(g, 5.269651864139676)
    _close(gj, 5.269651864139676)
    assert np.asarray(g).dtype == np.float64 and ga == 2.0


def test_sign_is_z_over_abs_with_zero_derivative():
    _close(fnp.sign(np.array([3 + 4j, 0j, -2 + 0j, -1j])), [0.6 + 0.8j, 0, -1, -1j])
    y, t = functrans.jvp(fnp.sign, (3 + 4j,), (1j,))
    _close(y, 0.6 + 0.8j)
    assert t == 0  # JAX's sign has a zero derivative, also for complex values


def test_angle():
    assert fnp.angle(1 + 1j, deg=True) == pytest.approx(45.0)
    _close(fnp.angle(np.array([-1.0, 2.0, 0.0, -0.0])), [np.pi, 0, 0, np.pi])
    out = fnp.angle(np.array([-1, 2]))
    _close(out, [np.pi, 0])
    assert out.dtype == np.float64
    _close(functrans.grad(fnp.angle)(1 + 2j), -0.4 - 0.2j)
    assert functrans.grad(fnp.angle)(-2.0) == 0.0
    _close(functrans.grad(lambda z: fnp.angle(np.angle(z) * 1j + 1))(1 + 2j), -0.17971241924626702 - 0.08985620962313351j)


def test_maximum_minimum_ties_and_lexicographic_comparisons():
    z = np.array([1 + 2j, 1 + 2j, 1 + 2j, complex(NAN, 0), 1 + 2j])
    w = np.array([1 + 2j, 1 + 3j, 0 + 5j, 1 + 2j, complex(1, NAN)])
    assert list(fnp.less(z, w)) == [False, True, False, False, False]
    assert list(fnp.less_equal(z[:4], w[:4])) == [True, True, False, False]
    assert list(fnp.greater_equal(z[:4], w[:4])) == [True, False, True, False]
    assert list(fnp.greater(z[:3], w[:3])) == [False, False, True]
    _close(fnp.maximum(z[:3], w[:3]), [1 + 2j, 1 + 3j, 1 + 2j])
    _close(fnp.fmax(np.array([complex(NAN, 0), 1 + 2j]), np.array([1 + 2j, complex(1, NAN)])), [1 + 2j, 1 + 2j])
    _, t = functrans.jvp(lambda x: fnp.maximum(x, 1 + 2j), (1 + 2j,), (1j,))
    assert t == 0.5j  # a tie splits the tangent, as JAX
    _, t = functrans.jvp(lambda x: fnp.minimum(x, 1 + 1j), (1 + 2j,), (1j,))
    assert t == 0
    assert functrans.jit(lambda a, b: a < b)(1 + 2j, 1 + 3j)  # traced operators too


def test_rounding_and_predicates_part_by_part():
    _close(fnp.round(np.array([1.5 + 2.5j, -0.5 - 1.7j])), [2 + 2j, -0.0 - 2j])
    _close(fnp.round(np.array([1.25 + 2.35j]), 1), [1.2 + 2.4j])
    _close(fnp.rint(np.array([1.5 + 2.5j])), [2 + 2j])
    v = np.array([complex(NAN, INF), complex(1, 1), complex(INF, NAN), complex(1, NAN)])
    assert list(fnp.isinf(v)) == [True, False, True, False]
    assert list(fnp.isfinite(v)) == [False, True, False, False]
    assert list(fnp.isnan(v)) == [True, False, True, True]
    big = np.finfo(np.float64).max
    _close(fnp.nan_to_num(np.array([complex(NAN, INF), complex(-INF, 1)])), [complex(0, big), complex(-big, 1)])
    assert list(fnp.iscomplex(np.array([1 + 0j, 1 + 1j]))) == [False, True]
    assert list(fnp.isreal(np.array([1 + 0j, 1 + 1j]))) == [True, False]
    assert list(fnp.isreal(np.array([1.0, 2.0]))) == [True, True]
    assert list(fnp.iscomplex(np.array([1.0]))) == [False]
    assert fnp.iscomplexobj(1j) and not fnp.iscomplexobj(np.zeros(2)) and fnp.isrealobj(1.0)


def test_real_if_close():
    out = fnp.real_if_close(np.array([1 + 1e-15j, 2 + 0j]))
    assert out.dtype == np.float64 and list(out) == [1.0, 2.0]
    out = fnp.real_if_close(np.array([1 + 1e-5j, 2 + 0j]))
    assert out.dtype == np.complex128
    assert fnp.real_if_close(np.array([1 + 1e-5j]), tol=1e-4).dtype == np.float64
    assert functrans.grad(lambda x: fnp.real_if_close(x + 1e-20j) ** 2)(3.0) == 6.0
    with pytest.raises(ConcretizationTypeError):  # the result's dtype depends on the values
        functrans.jit(fnp.real_if_close)(np.array([1 + 0j]))


def test_convert_element_type_complex_to_real_takes_the_real_part():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lax.convert_element_type(2.7 + 3j, np.float64) == 2.7
        assert lax.convert_element_type(np.array(2.7 + 3j), np.int32) == 2
        assert list(lax.convert_element_type(np.array([0j, 1j]), bool)) == [False, True]
        (ct,) = functrans.vjp(lambda x: x.astype(np.float64), 1 + 2j)[1](3.0)
        assert complex(ct) == 3 + 0j
        _, t = functrans.jvp(lambda x: x.astype(np.float64), (1 + 2j,), (3 + 4j,))
        assert t == 3.0
        (ct,) = functrans.vjp(lambda x: x.astype(np.complex128), 1.0)[1](3 + 4j)
        assert float(ct) == 3.0
        assert functrans.jit(lambda z: z.astype(np.float64))(np.array([1 + 2j]))[0] == 1.0


def test_complex64_stays_single_precision():
    z = np.complex64(1 + 2j)
    assert fnp.sqrt(z).dtype == np.complex64
    assert fnp.exp(np.array([z])).dtype == np.complex64
    assert (np.float32(2) * fnp.sqrt(z)).dtype == np.complex64
    assert fnp.power(z, 2.0).dtype == np.complex64
    assert functrans.grad(lambda z: fnp.abs(fnp.sin(z)) ** 2)(z).dtype == np.complex64


def test_sinc_of_complex_values_is_exact_at_zero():
    _, t = functrans.jvp(fnp.sinc, (0.3 + 0.2j,), (1j,))
    _close(t, 0.5101444 - 1.0094448j, rtol=1e-7)
    _, t2 = functrans.jvp(lambda x: functrans.jvp(fnp.sinc, (x,), (1j,))[1], (0j,), (1j,))
    _close(t2, 3.2898681336964524)


@pytest.mark.parametrize(
    "fn",
    [fnp.floor, fnp.ceil, fnp.trunc, fnp.fabs, fnp.cbrt, lax.erf, lax.lgamma, lax.is_finite, lambda z: lax.lt(z, z)],
)
def test_functions_without_a_complex_meaning_raise_type_error(fn):
    with pytest.raises(TypeError):
        fn(np.array([1 + 2j]))


@pytest.mark.parametrize("fn", [fnp.signbit, fnp.isposinf, fnp.isneginf])
def test_sign_predicates_raise_value_error_as_jax(fn):
    with pytest.raises(ValueError):
        fn(np.array([1 + 2j]))


def test_real_tangent_of_a_complex_result_is_complex_as_jax():
    for f in (lambda x: x + 1j, lambda x: 1j - x, lambda x: fnp.where(x > 0, x, 1j), lambda x: fnp.maximum(x, 1j)):
        _, t = functrans.jvp(f, (1.0,), (1.0,))
        assert np.asarray(t).dtype == np.complex128
    assert complex(functrans.linearize(lambda x: x + 1j, 1.0)[1](2.0)) == 2 + 0j


@pytest.mark.parametrize(
    "name,want",  # jax.grad, jax.hessian at 0.7 of real functions through complex intermediates
    [
        ("abs_sin_shift", (0.36765247760545294, 0.0259655345932428)),
        ("real_exp", (0.34123204275076924, -0.42490790148400626)),
        ("angle_mix", (0.6756756756756758, -1.2783053323593856)),
        ("pow_mix", (0.46043655983169346, 1.6621150509222442)),
        ("cplx", (2.772, 7.88)),
        ("logistic", (0.2602850355736595, -0.15636983346340178)),
    ],
)
def test_real_functions_through_complex_intermediates_match_jax(name, want):
    f = {
        "abs_sin_shift": lambda x: fnp.abs(fnp.sin(x + 1j)),
        "real_exp": lambda x: fnp.real(fnp.exp(1j * x)) + fnp.imag(fnp.exp(1j * x)) ** 2,
        "angle_mix": lambda x: fnp.angle(x + 2j * x**2),
        "pow_mix": lambda x: fnp.abs((x + 0.5j) ** (x + 0j)),
        "cplx": lambda x: fnp.abs(lax.complex(x, x**2) ** 2),
        "logistic": lambda x: fnp.real(lax.logistic(x + 1j)),
    }[name]
    _close(functrans.grad(f)(0.7), want[0], rtol=1e-13)
    _close(functrans.jit(functrans.grad(f))(0.7), want[0], rtol=1e-13)
    _close(functrans.hessian(f)(0.7), want[1], rtol=1e-12)
