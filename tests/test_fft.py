"""functrans.numpy.fft and lax.fft: values (NumPy's), dtypes and errors (JAX's), derivatives to
second order in both modes, gradients pinned to JAX (x64) constants, vmap against a loop, jit,
and plain ``numpy.fft`` on traced values."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans.test_util import check_grads

rng = np.random.default_rng(2026)
X = np.array([[0.3, -1.2, 0.5, 2.0, -0.7], [1.1, 0.4, -0.9, 0.2, 0.6]])
Y = np.array([[-0.4, 0.8, 1.3, -0.2, 0.9], [0.5, -1.1, 0.7, 0.3, -0.6]])
Z = X + 1j * Y
NORMS = [None, "backward", "ortho", "forward"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "rfftn"}
ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn"]


def _input(name, shape, cplx=True):
    x = rng.standard_normal(shape)
    return x if name in REAL_ONLY or not cplx else x + 1j * rng.standard_normal(shape)


def _same(out, ref, rtol=1e-12):
    out = np.asarray(out)
    assert out.shape == ref.shape and out.dtype == ref.dtype, (out.shape, ref.shape, out.dtype, ref.dtype)
    np.testing.assert_allclose(out, ref, rtol=rtol, atol=1e-12)


# --------------------------------------------------------------------------- values and dtypes


@pytest.mark.parametrize("name", ONE_D)
@pytest.mark.parametrize("norm", NORMS)
def test_one_dimensional_values_match_numpy(name, norm):
    for shape in [(6,), (5,), (3, 4), (2, 3, 5)]:
        a = _input(name, shape)
        for n in [None, 1, 3, 4, 8]:
            for axis in sorted({-1, 0}):
                ref = getattr(np.fft, name)(a, n=n, axis=axis, norm=norm)
                _same(getattr(fnp.fft, name)(a, n=n, axis=axis, norm=norm), ref)


@pytest.mark.parametrize("name", N_D)
@pytest.mark.parametrize("norm", NORMS)
def test_n_dimensional_values_match_numpy(name, norm):
    a = _input(name, (3, 4, 5))
    for s, axes in [(None, None), ((3,), None), (None, (0,)), ((2, 6), None), ((4, 3), (-1, 0)), (None, (2, 0))]:
        kw = {k: v for k, v in (("s", s), ("axes", axes)) if v is not None}
        if name.endswith("2") and len(axes or s or (0, 0)) != 2:
            continue
        ref_kw = dict(kw, axes=tuple(range(-len(s), 0))) if axes is None and s is not None else kw
        ref = getattr(np.fft, name)(a, norm=norm, **ref_kw)  # (NumPy 2 deprecates s without axes)
        _same(getattr(fnp.fft, name)(a, norm=norm, **kw), ref)


def test_more_than_three_axes_and_empty_axes():
    a = _input("fftn", (2, 3, 2, 3, 2))
    _same(fnp.fft.fftn(a), np.fft.fftn(a))
    _same(fnp.fft.irfftn(a, s=(2, 3, 2, 3, 4)), np.fft.irfftn(a, s=(2, 3, 2, 3, 4), axes=range(5)))
    r = fnp.fft.fftn(np.ones((2, 3)), axes=())  # no transform: converted to complex, as JAX
    assert r.dtype == np.complex128 and np.array_equal(r, np.ones((2, 3)))


# JAX's dtypes (x64): complex64/float32 for inputs of at most 32 bits, complex128/float64 above;
# rfft rejects float16 (ValueError) and complex input.
DTYPES = {
    "bool": dict(fft="c8", ifft="c8", rfft="c8", irfft="f4", hfft="f4", ihfft="c8"),
    "int32": dict(fft="c8", ifft="c8", rfft="c8", irfft="f4", hfft="f4", ihfft="c8"),
    "int64": dict(fft="c16", ifft="c16", rfft="c16", irfft="f8", hfft="f8", ihfft="c16"),
    "float16": dict(fft="c8", ifft="c8", rfft=None, irfft="f4", hfft="f4", ihfft=None),
    "float32": dict(fft="c8", ifft="c8", rfft="c8", irfft="f4", hfft="f4", ihfft="c8"),
    "float64": dict(fft="c16", ifft="c16", rfft="c16", irfft="f8", hfft="f8", ihfft="c16"),
    "complex64": dict(fft="c8", ifft="c8", rfft=None, irfft="f4", hfft="f4", ihfft=None),
    "complex128": dict(fft="c16", ifft="c16", rfft=None, irfft="f8", hfft="f8", ihfft=None),
}


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_dtypes_are_jax(dtype):
    a = (np.arange(6) % 2).astype(dtype)
    for name, want in DTYPES[dtype].items():
        if want is None:
            with pytest.raises(ValueError):
                getattr(fnp.fft, name)(a)
            continue
        out = getattr(fnp.fft, name)(a)
        assert out.dtype == np.dtype(want), (name, out.dtype)
        ref = getattr(np.fft, name)(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64))
        np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


def test_single_precision_under_jit_and_grad():
    a = Z.astype(np.complex64)
    assert functrans.jit(fnp.fft.fft)(a).dtype == np.complex64
    g = functrans.grad(lambda x: fnp.sum(fnp.fft.irfft(fnp.fft.rfft(x) * 2j) ** 2))(X.astype(np.float32))
    assert g.dtype == np.float32


def test_shifts_and_frequencies():
    a = np.arange(30.0).reshape(5, 6)
    for axes in [None, 0, -1, (0,), (1, 0), ()]:
        _same(fnp.fft.fftshift(a, axes=axes), np.fft.fftshift(a, axes=axes))
        _same(fnp.fft.ifftshift(a, axes=axes), np.fft.ifftshift(a, axes=axes))
    for n in [1, 4, 5]:
        for d in [1.0, 0.3]:
            _same(fnp.fft.fftfreq(n, d), np.fft.fftfreq(n, d))
            _same(fnp.fft.rfftfreq(n, d), np.fft.rfftfreq(n, d))
    assert fnp.fft.fftfreq(4, dtype=np.float32).dtype == np.float32
    assert fnp.fft.rfftfreq(5, dtype=np.int32).dtype == np.float32  # JAX: a true division
    np.testing.assert_array_equal(fnp.fft.fftfreq(4, 0.3, dtype=np.int32), [0, 0, -1, 0])  # JAX's values
    assert isinstance(fnp.fft.fftfreq(3), functrans.Array)
    # d may be traced
    assert np.allclose(functrans.grad(lambda d: fnp.sum(fnp.fft.fftfreq(5, d) ** 2))(0.5), -2 * 1.6 / 0.5)
    assert np.allclose(functrans.grad(lambda d: fnp.sum(fnp.fft.rfftfreq(6, d)))(2.0), -1 / 2.0**2)
    with pytest.raises(ValueError, match="only takes an int"):
        fnp.fft.fftfreq([4])
    with pytest.raises(ValueError, match="single value"):
        fnp.fft.rfftfreq(4, d=[1.0])


# --------------------------------------------------------------------------- errors


def test_errors_are_jax():
    a = np.ones((2, 3))
    for norm in ["bad", "BACKWARD", 1]:
        with pytest.raises(ValueError, match="Invalid norm value"):
            fnp.fft.fft(a, norm=norm)
    for n in [0, -2]:
        with pytest.raises(ValueError, match="positive"):
            fnp.fft.fft(a, n=n)
        with pytest.raises(ValueError, match="positive"):
            fnp.fft.ihfft(a, n=n)
    with pytest.raises(ValueError, match="does not support multiple axes"):
        fnp.fft.fft(a, axis=(0, 1))
    with pytest.raises(ValueError, match="out of bounds"):
        fnp.fft.fft(a, axis=2)
    with pytest.raises(ValueError, match="repeated axes"):
        fnp.fft.fftn(a, axes=(0, -2))
    with pytest.raises(ValueError, match="different lengths"):
        fnp.fft.fftn(a, s=(2,), axes=(0, 1))
    with pytest.raises(ValueError, match="only supports 2 axes"):
        fnp.fft.fft2(a, axes=(0,))
    with pytest.raises(IndexError):  # JAX: IndexError, NumPy: AxisError (both)
        fnp.fft.fftn(a, s=(2, 3, 4))
    with pytest.raises(ValueError, match="only real valued"):
        fnp.fft.rfft(a + 1j)
    with pytest.raises(ValueError, match="float32 or float64"):
        fnp.fft.rfft(a.astype(np.float16))
    with pytest.raises(TypeError, match="integers"):
        fnp.fft.fft(a, n=2.0)


def test_lax_fft_errors_and_types():
    z = Z[:, :4]
    for t in ["FFT", "fft", lax.FftType.FFT]:
        _same(lax.fft(z, t, (4,)), np.fft.fft(z))
    _same(lax.fft(X, "IRFFT", (2, 8)), np.fft.irfftn(X, s=(2, 8), axes=(0, 1)))
    assert lax.fft(X, "FFT", ()).dtype == np.complex128  # no axes: converted only, as JAX
    with pytest.raises(ValueError, match="Unknown FFT type"):
        lax.fft(z, "Fft", (4,))
    with pytest.raises(TypeError, match="Unknown FFT type"):
        lax.fft(z, 0.5, (4,))
    with pytest.raises(ValueError, match="fft_lengths"):
        lax.fft(z, "FFT", (5,))
    with pytest.raises(ValueError, match="fft_lengths"):
        lax.fft(z, "IRFFT", (4,))  # needs 4 // 2 + 1 = 3 entries
    with pytest.raises(ValueError, match="at least as many axes"):
        lax.fft(z, "FFT", (1, 2, 4))
    assert np.asarray(lax.fft(np.ones((2, 1)) + 0j, "IRFFT", (0,))).shape == (2, 0)
    assert fnp.fft.irfft(np.ones((2, 1))).shape == (2, 0)  # as JAX (NumPy raises)


# --------------------------------------------------------------------------- derivatives


def _grad_cases():
    yield "fft", dict(n=4, axis=0, norm="ortho"), (3, 5)
    yield "ifft", dict(n=7), (2, 5)
    yield "rfft", dict(n=6), (2, 5)
    yield "rfft", dict(axis=0, norm="forward"), (5, 2)
    yield "irfft", dict(), (2, 4)
    yield "irfft", dict(n=7, axis=0, norm="ortho"), (4, 2)
    yield "hfft", dict(n=5), (2, 4)
    yield "ihfft", dict(n=6, norm="ortho"), (2, 5)
    yield "fft2", dict(s=(3, 4)), (2, 3)
    yield "ifft2", dict(axes=(1, 0), norm="forward"), (3, 4)
    yield "rfft2", dict(), (3, 4)
    yield "irfft2", dict(s=(2, 5)), (2, 3)
    yield "fftn", dict(axes=(0, 2)), (2, 2, 3)
    yield "ifftn", dict(s=(2, 3, 2)), (2, 2, 3)
    yield "rfftn", dict(s=(3, 5), axes=(1, 0)), (2, 4)
    yield "irfftn", dict(norm="ortho"), (2, 2, 3)
    yield "fftshift", dict(axes=1), (2, 5)
    yield "ifftshift", dict(), (3, 4)


@pytest.mark.parametrize("name,kw,shape", list(_grad_cases()), ids=lambda v: str(v))
def test_check_grads_second_order_both_modes(name, kw, shape):
    f = getattr(fnp.fft, name)
    if name not in REAL_ONLY:  # complex input, perturbed along real and imaginary directions
        check_grads(lambda a: f(a, **kw), (_input(name, shape),), order=2, modes=("fwd", "rev"))
    if name not in ("ifft", "ifft2", "ifftn"):  # real input too (to a complex output)
        check_grads(lambda a: f(a, **kw), (rng.standard_normal(shape),), order=2, modes=("fwd", "rev"))


def test_nonlinear_losses_second_order():
    def f(x, z):
        a = fnp.fft.rfft(fnp.sin(x), n=6)
        b = fnp.fft.ifft2(z * z, s=(2, 4))
        return fnp.fft.hfft(a[:, :4] * b, n=5) ** 2

    check_grads(f, (X, Z[:, :4]), order=2, modes=("fwd", "rev"))

    def loss(x):
        r = fnp.fft.rfft(x)
        return fnp.sum(fnp.fft.irfft(r * r, n=5) ** 2)

    h = functrans.hessian(loss)(X[0])
    assert h.shape == (5, 5) and np.allclose(h, h.T)


# Gradients of real losses, from jax.grad (x64) at X, Y, Z above. A loss sum(|f(x)|^2) is
# checked through its VJP with the cotangent 2 * conj(f(x)) (what JAX's grad feeds it).
G_RFFT_POWER = np.array([[3.0, -7.5, 4.4, 14.9, -4.0], [9.1, 4.2, -4.9, 2.8, 5.6]])
G_IRFFT_WEIGHTED = np.array([
    [0.9620653320005382, -2.595484578269586 - 1.4020229923598075j, 0.32126800133279476 - 1.5806557873138891j,
     1.6121512449362527],
    [0.9162964333689909, 1.1591167563965412 + 1.7401427770081073j, -1.9996297667023237 - 2.3670368999643414j,
     0.02421657693679154],
])  # fmt: skip
G_HFFT = np.array([
    [18.38041232243871, 12.699606293110024 + 18.23300617796511j, -3.4016802570830422 + 20.09259138517051j,
     -18.14229470444289 + 16.826978338370782j, 0.0],
    [7.721814183578509, -3.1068679681358455 + 10.840021085904631j, -9.774161272018612 - 3.628458940888579j,
     5.4426884113328695 - 10.567886665337987j, 0.0],
])  # fmt: skip
G_IHFFT_POWER = np.array([
    [0.05555555555555555, -0.15555555555555553, 0.08888888888888888, 0.37777777777777766, -0.11111111111111106],
    [0.22777777777777775, 0.09999999999999998, -0.10555555555555549, 0.06666666666666668, 0.14444444444444443],
])  # fmt: skip
G_RFFT2_POWER = np.array([[8.4, -9.6, 10.8, 28.8, 0.0], [14.4, 8.4, -9.6, 6.0, 0.0]])
G_IRFFTN = np.array([
    [0.9295225076272685, 0.013450240654605672],
    [0.023265090510030895 - 0.06867019360025393j, 0.040660551819564364 + 0.04350347690034653j],
    [0.04111880242864681 - 0.006036206706481018j, -0.0530130277620903 + 0.09335756901242645j],
])  # fmt: skip
G_FFTN_POWER = np.array([
    [0.15 + 0.2j, -0.6 - 0.4j, 0.25 - 0.65j, 1.0 + 0.1j, -0.35 - 0.45j],
    [0.55 - 0.25j, 0.2 + 0.55j, -0.45 - 0.35j, 0.1 - 0.15j, 0.3 + 0.3j],
])  # fmt: skip


def _power_grad(f, x):
    y, vjp = functrans.vjp(f, x)
    return vjp(2 * np.conj(y))[0]


def test_gradients_pinned_to_jax():
    np.testing.assert_allclose(_power_grad(lambda x: fnp.fft.rfft(x, n=7), X), G_RFFT_POWER, atol=1e-12)
    w = np.arange(1.0, 7.0)
    g = functrans.grad(lambda z: fnp.sum(fnp.fft.irfft(z, n=6) ** 2 * w))(Z[:, :4])
    np.testing.assert_allclose(g, G_IRFFT_WEIGHTED, atol=1e-12)
    g = functrans.grad(lambda z: fnp.sum(fnp.fft.hfft(z, n=7, norm="ortho") ** 3))(Z)
    np.testing.assert_allclose(g, G_HFFT, atol=1e-12)
    np.testing.assert_allclose(_power_grad(lambda x: fnp.fft.ihfft(x, n=6), X), G_IHFFT_POWER, atol=1e-12)
    np.testing.assert_allclose(_power_grad(lambda x: fnp.fft.rfft2(x, s=(3, 4)), X), G_RFFT2_POWER, atol=1e-12)
    g = functrans.grad(lambda z: fnp.sum(fnp.sin(fnp.fft.irfftn(z, s=(2, 5), axes=(1, 0)))))(Z.T[:3])
    np.testing.assert_allclose(g, G_IRFFTN, atol=1e-12)
    f = lambda z: fnp.fft.fftn(z, s=(4,), axes=(0,), norm="forward")  # noqa: E731
    np.testing.assert_allclose(_power_grad(f, Z), G_FFTN_POWER, atol=1e-12)


def test_parseval_gradient_is_jax_convention():
    # sum |fft(z)|^2 = N sum |z|^2, so JAX's gradient is 2 N conj(z)
    n = Z.shape[-1]
    np.testing.assert_allclose(_power_grad(fnp.fft.fft, Z), 2 * n * np.conj(Z), atol=1e-12)
    np.testing.assert_allclose(_power_grad(lambda z: fnp.fft.ifft(z, norm="ortho"), Z), 2 * np.conj(Z), atol=1e-12)


# --------------------------------------------------------------------------- vmap, jit, numpy dispatch


@pytest.mark.parametrize("name,kw,shape", list(_grad_cases()), ids=lambda v: str(v))
def test_vmap_matches_a_loop(name, kw, shape):
    f = lambda a: getattr(fnp.fft, name)(a, **kw)  # noqa: E731
    for ax in range(len(shape) + 1):  # the batch axis before, among and after the transformed axes
        bshape = shape[:ax] + (3,) + shape[ax:]
        a = _input(name, bshape)
        out = functrans.vmap(f, in_axes=ax)(a)
        ref = np.stack([np.asarray(f(np.take(a, k, ax))) for k in range(3)])
        _same(out, ref)
    if name in ("irfft", "hfft", "irfft2", "irfftn"):  # a real output: vmap of grad (with jit inside)
        g = functrans.grad(lambda a: fnp.sum(fnp.sin(functrans.jit(f)(a))))
        a = _input(name, (3,) + shape)
        _same(functrans.vmap(g)(a), np.stack([g(a[k]) for k in range(3)]), rtol=1e-10)


def test_jit_matches_eager_and_batches_the_primitive():
    f = lambda z: fnp.fft.irfft(fnp.fft.fft(z, axis=0)[:, :3] * 2.0, n=4)  # noqa: E731
    _same(functrans.jit(f)(Z[:, :4]), np.asarray(f(Z[:, :4])))
    g = functrans.jit(functrans.grad(lambda x: fnp.sum(fnp.fft.irfft(fnp.fft.rfft(x) * (1 + 2j)) ** 2)))
    _same(g(X), functrans.grad(lambda x: fnp.sum(fnp.fft.irfft(fnp.fft.rfft(x) * (1 + 2j)) ** 2))(X))
    ir = functrans.make_ir(functrans.vmap(lambda x: lax.fft(x + 0j, "FFT", (5,))))(X)
    assert [e.prim.name for e in ir.eqns].count("fft") == 1


def test_plain_numpy_fft_on_traced_values():
    def loss(x):
        return np.sum(np.fft.irfft(np.fft.rfft(x) * np.fft.rfftfreq(5), n=5) ** 2)

    def ref(x):
        return fnp.sum(fnp.fft.irfft(fnp.fft.rfft(x) * fnp.fft.rfftfreq(5), n=5) ** 2)

    _same(functrans.grad(loss)(X[0]), functrans.grad(ref)(X[0]))
    out = functrans.vmap(lambda z: np.fft.fftshift(np.fft.fft2(z, s=(2, 3))))(np.stack([Z, Z * 2]))
    _same(out, np.stack([np.fft.fftshift(np.fft.fft2(Z, s=(2, 3))), np.fft.fftshift(np.fft.fft2(2 * Z, s=(2, 3)))]))
