"""functrans.scipy.special and functrans.scipy.stats.norm: values (constants computed with
SciPy), JAX's derivatives at special points (constants computed with jax, x64), second-order
checks, vmap/jit, logsumexp's options, and the ImportError naming the ``scipy`` extra."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
import functrans.scipy.special as sp
import functrans.scipy.stats.norm as norm
from functrans.test_util import check_grads

grad, jit, jvp, vmap = functrans.grad, functrans.jit, functrans.jvp, functrans.vmap

X = np.array([-3.0, -0.5, 0.0, 0.25, 2.0])
P = np.array([0.01, 0.3, 0.5, 0.8, 0.99])
VALUES = {
    "erf": (X, [-0.9999779095030014, -0.5204998778130465, 0.0, 0.2763263901682369, 0.9953222650189527]),
    "erfc": (X, [1.9999779095030015, 1.5204998778130465, 1.0, 0.7236736098317631, 0.004677734981047266]),
    "gammaln": (X, [np.inf, 1.2655121234846454, np.inf, 1.2880225246980774, 0.0]),
    # digamma(0): NaN as jax.scipy.special (SciPy gives -inf)
    "digamma": (X, [np.nan, 0.03648997397857651, np.nan, -4.2274535333762655, 0.42278433509846713]),
    "ndtr": (X, [0.0013498980316300933, 0.3085375387259869, 0.5, 0.5987063256829237, 0.9772498680518208]),
    "log_ndtr": (X, [-6.60772622151035, -1.1759117615936188, -0.6931471805599453, -0.5129840754094305,
                     -0.023012909328963476]),
    "expit": (X, [0.04742587317756678, 0.3775406687981454, 0.5, 0.5621765008857981, 0.8807970779778823]),
    "entr": (X, [-np.inf, -np.inf, 0.0, 0.34657359027997264, -1.3862943611198906]),
    "erfinv": (2 * P - 1, [-1.6449763571331868, -0.37080715859355795, 0.0, 0.595116081449995, 1.6449763571331868]),
    "ndtri": (P, [-2.3263478740408408, -0.5244005127080409, 0.0, 0.8416212335729143, 2.3263478740408408]),
    "logit": (P, [-4.59511985013459, -0.8472978603872037, 0.0, 1.3862943611198908, 4.595119850134589]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(VALUES))
def test_values_as_scipy(name):
    f = getattr(sp, name)
    x, ref = VALUES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for out in (f(x), jit(f)(x), vmap(f)(x)):
            np.testing.assert_allclose(out, ref, rtol=2e-15, atol=1e-300)
            assert out.dtype == np.float64
        assert f(x.astype(np.float32)).dtype == np.float32
        assert f(np.array([1, 2])).dtype == np.float64


def test_xlogy_xlog1py_values():
    x = np.array([0.0, 2.0, 0.0, 1.5])
    np.testing.assert_allclose(
        sp.xlogy(x, np.array([0.0, 3.0, 5.0, 0.5])), [0.0, 2.1972245773362196, 0.0, -1.0397207708399179], rtol=1e-15
    )
    np.testing.assert_allclose(
        sp.xlog1py(x, np.array([-1.0, 3.0, 5.0, 0.5])), [0.0, 2.772588722239781, 0.0, 0.6081976621622466], rtol=1e-15
    )


DERIVS = {
    "xlogy(x,0)@0": (lambda x: sp.xlogy(x, 0.0), 0.0, (0.0, -np.inf, 0.0)),
    "xlogy(0,y)@1": (lambda y: sp.xlogy(0.0, y), 1.0, (0.0, 0.0, -0.0)),
    "xlogy(2,y)@0.5": (lambda y: sp.xlogy(2.0, y), 0.5, (-1.3862943611198906, 4.0, -8.0)),
    "xlog1py(x,-1)@0": (lambda x: sp.xlog1py(x, -1.0), 0.0, (0.0, -np.inf, 0.0)),
    "xlog1py(2,y)@0.5": (lambda y: sp.xlog1py(2.0, y), 0.5,
                         (0.8109302162163288, 1.3333333333333333, -0.8888888888888888)),
    "entr@0": (sp.entr, 0.0, (-0.0, np.inf, -np.inf)),
    "entr@1": (sp.entr, 1.0, (-0.0, -1.0, -1.0)),
    "logit@0.5": (sp.logit, 0.5, (0.0, 4.0, 0.0)),
    "logit@0.2": (sp.logit, 0.2, (-1.3862943611198906, 6.249999999999999, -23.437499999999993)),
    "expit@1000": (sp.expit, 1000.0, (1.0, 0.0, -0.0)),
    "expit@-1000": (sp.expit, -1000.0, (0.0, 0.0, 0.0)),
    "expit@0.3": (sp.expit, 0.3, (0.574442516811659, 0.24445831169074586, -0.03639618395557626)),
    "erf@0.5": (sp.erf, 0.5, (0.5204998778130465, 0.8787825789354448, -0.8787825789354448)),
    "erfc@0.5": (sp.erfc, 0.5, (0.4795001221869535, -0.8787825789354448, 0.8787825789354448)),
    "erfinv@0.3": (sp.erfinv, 0.3, (0.2724627147267544, 0.9545203588405493, 0.496486526010743)),
    "gammaln@0.5": (sp.gammaln, 0.5, (0.5723649429247004, -1.9635100260214255, 4.93480220054468)),
    "gammaln@-1.5": (sp.gammaln, -1.5, (0.8600470153764805, 0.703156640645244, 9.379246644989122)),
    "digamma@1.5": (sp.digamma, 1.5, (0.03648997397857712, 0.9348022005446794, -0.828796644234319)),
    "ndtr@0.5": (sp.ndtr, 0.5, (0.6914624612740131, 0.35206532676429947, -0.17603266338214976)),
    "ndtr@-3": (sp.ndtr, -3.0, (0.001349898031630093, 0.004431848411938004, 0.013295545235814015)),
    "ndtri@0.3": (sp.ndtri, 0.3, (-0.5244005127080408, 2.876103659264292, -4.337826493638963)),
    # far in the left tail the references are exact (mpmath, 50 digits): JAX's own series is
    # off there by 2e-14 in the value and 3e-8 in the second derivative; SciPy's value is exact
    "log_ndtr@-40": (sp.log_ndtr, -40.0, (-804.6084420137538, 40.02496884720726, -0.9993773316214086)),
    "log_ndtr@10": (sp.log_ndtr, 10.0, (-7.619853024160473e-24, 7.694598626706409e-23, -7.694598626706409e-22)),
    "log_ndtr@0": (sp.log_ndtr, 0.0, (-0.6931471805599453, 0.7978845608028654, -0.6366197723675814)),
    "norm.logpdf(x,1,2)@0": (lambda x: norm.logpdf(x, 1.0, 2.0), 0.0, (-1.737085713764618, 0.25, -0.25)),
    "norm.pdf(x,1,2)@0": (lambda x: norm.pdf(x, 1.0, 2.0), 0.0,
                          (0.17603266338214973, 0.044008165845537434, -0.033006124384153075)),
    "norm.cdf(x,1,2)@0": (lambda x: norm.cdf(x, 1.0, 2.0), 0.0,
                          (0.3085375387259869, 0.17603266338214973, 0.04400816584553744)),
    "norm.logcdf(x,1,2)@-30": (lambda x: norm.logcdf(x, 1.0, 2.0), -30.0,
                               (-123.78889843941038, 7.781994950132628, -0.24898454036185642)),
    "norm.logpdf(0.5,1,s)@2": (lambda s: norm.logpdf(0.5, 1.0, s), 2.0, (-1.643335713764618, -0.46875, 0.203125)),
    "logsumexp(x,1,2)@1000": (lambda x: sp.logsumexp(fnp.stack([x, 1.0, 2.0])), 1000.0, (1000.0, 1.0, 0.0)),
    "logsumexp(x,1,2;b)@0": (
        lambda x: sp.logsumexp(fnp.stack([x, 1.0, 2.0]), b=np.array([1.0, -0.5, 2.0])), 0.0,
        (2.6685447897580477, 0.06935307521800715, 0.0645432261758126),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(DERIVS))
def test_values_and_derivatives_as_jax(name):
    f, x, (v, d1, d2) = DERIVS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = [f(x), grad(f)(x), jvp(f, (x,), (1.0,))[1], grad(grad(f))(x), jvp(grad(f), (x,), (1.0,))[1]]
        got.append(jit(grad(grad(f)))(x))
    rtol = 1e-9 if "-40" in name or "-30" in name else 1e-13  # the tail's second derivative cancels
    np.testing.assert_allclose(got, [v, d1, d1, d2, d2, d2], rtol=rtol, atol=1e-300)


SMOOTH = {
    "erf": (sp.erf, (X,)), "erfc": (sp.erfc, (X,)), "erfinv": (sp.erfinv, (2 * P - 1,)),
    "gammaln": (sp.gammaln, (X[3:] + 0.1,)), "digamma": (sp.digamma, (X[3:] + 0.1,)), "ndtr": (sp.ndtr, (X,)),
    "ndtri": (sp.ndtri, (P[1:-1],)), "log_ndtr": (sp.log_ndtr, (X,)), "expit": (sp.expit, (X,)),
    "logit": (sp.logit, (P,)), "xlogy": (sp.xlogy, (X, P)), "xlog1py": (sp.xlog1py, (X, P)),
    "entr": (sp.entr, (P,)),
    "logsumexp": (lambda a, b: sp.logsumexp(a, axis=1, b=b), (np.stack([X, X[::-1]]), P)),
    "norm": (lambda x, m, s: norm.logpdf(x, m, s) + norm.pdf(x, m, s) + norm.cdf(x, m, s) + norm.logcdf(x, m, s),
             (X, 0.3, 1.7)),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_second_order_and_vmap(name):
    f, args = SMOOTH[name]
    check_grads(f, args, order=2, modes=("fwd", "rev"))
    if len(args) == 1:
        batch = np.stack([args[0], args[0][::-1]])
        np.testing.assert_allclose(vmap(f)(batch), np.stack([f(b) for b in batch]), rtol=1e-14)
        g = vmap(grad(lambda v: fnp.sum(f(v))))(batch)
        np.testing.assert_allclose(g, np.stack([grad(lambda v: fnp.sum(f(v)))(b) for b in batch]), rtol=1e-14)


A = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 1000.0]])
B = np.array([1.0, -0.5, 2.0])


def test_logsumexp_options_as_scipy():
    np.testing.assert_allclose(sp.logsumexp(A), 1000.0, rtol=1e-15)
    np.testing.assert_allclose(sp.logsumexp(A, axis=1), [3.40760596444438, 1000.0], rtol=1e-15)
    np.testing.assert_allclose(
        sp.logsumexp(A, axis=0, keepdims=True), [[1.4740769841801067, 2.048587351573742, 1000.0]], rtol=1e-15
    )
    np.testing.assert_allclose(sp.logsumexp(A, axis=1, b=B), [3.6685447897580477, 1000.6931471805599], rtol=1e-15)
    out, sign = sp.logsumexp(A, axis=1, b=-B, return_sign=True)
    np.testing.assert_allclose(out, [3.6685447897580477, 1000.6931471805599], rtol=1e-15)
    np.testing.assert_array_equal(sign, [-1.0, -1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.isnan(sp.logsumexp(A[0], b=-B))  # a negative sum without return_sign: NaN, as SciPy
        assert sp.logsumexp(np.array([-np.inf, -np.inf])) == -np.inf
    assert sp.logsumexp(np.array([1, 2])).dtype == np.float64
    np.testing.assert_allclose(jit(lambda a: sp.logsumexp(a, axis=1, b=B))(A), sp.logsumexp(A, axis=1, b=B))
    # the maximum does not overflow the gradient either
    np.testing.assert_allclose(grad(lambda a: sp.logsumexp(a))(A).sum(), 1.0, rtol=1e-14)


def test_norm_values_as_scipy():
    np.testing.assert_allclose(
        norm.logpdf(X, 1.0, 2.0),
        [-3.612085713764618, -1.893335713764618, -1.737085713764618, -1.682398213764618, -1.737085713764618],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        norm.pdf(X, 1.0, 2.0),
        [0.02699548325659403, 0.15056871607740221, 0.17603266338214976, 0.18592754693488447, 0.17603266338214976],
        rtol=1e-14,
    )
    np.testing.assert_allclose(
        norm.cdf(X, 1.0, 2.0),
        [0.022750131948179195, 0.2266273523768682, 0.3085375387259869, 0.3538302333272762, 0.6914624612740131],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        norm.logcdf(X, 1.0, 2.0),
        [-3.7831843336820317, -1.484448229919656, -1.1759117615936188, -1.0389380477494334, -0.36894641528865635],
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        norm.ppf(P, 1.0, 2.0),
        [-3.6526957480816815, -0.04880102541608178, 1.0, 2.6832424671458286, 5.6526957480816815],
        rtol=1e-15,
    )
    assert norm.logpdf(np.float32(0.5)).dtype == np.float32 and norm.cdf(1).dtype == np.float64


def test_without_scipy(monkeypatch):
    """Without SciPy: the NumPy-only functions work (erf, erfc and gammaln from the standard
    library's math), the others raise an ImportError naming the extra; tracing needs no SciPy."""
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    np.testing.assert_allclose(sp.erf(X), VALUES["erf"][1], rtol=2e-16)
    np.testing.assert_allclose(sp.erfc(X), VALUES["erfc"][1], rtol=2e-16)
    np.testing.assert_allclose(sp.gammaln(X), VALUES["gammaln"][1], rtol=2e-15)
    np.testing.assert_allclose(sp.ndtr(X), VALUES["ndtr"][1], rtol=2e-16)
    assert sp.erf(X.astype(np.float32)).dtype == np.float32
    np.testing.assert_allclose(grad(sp.erf)(0.5), 0.8787825789354448, rtol=1e-15)
    np.testing.assert_allclose(sp.logsumexp(A, axis=1), [3.40760596444438, 1000.0], rtol=1e-15)
    for f in (sp.expit, sp.logit, sp.entr, lambda v: sp.xlogy(v, v), lambda v: sp.xlog1py(v, v)):
        f(P)
    for f, arg in ((sp.erfinv, 0.3), (sp.digamma, 1.5), (sp.ndtri, 0.3), (sp.log_ndtr, 0.0), (norm.logcdf, 0.0)):
        with pytest.raises(ImportError, match=r"pip install functrans\[scipy\]"):
            f(arg)
        with pytest.raises(ImportError, match=r"pip install functrans\[scipy\]"):
            grad(f)(arg)
        functrans.make_ir(grad(f))(arg)  # tracing alone does not need SciPy
    with pytest.raises(ImportError, match="digamma"):  # gammaln's derivative is digamma
        grad(sp.gammaln)(0.5)
    assert float(grad(lambda x: fnp.sin(x))(0.0)) == 1.0  # state intact
