"""Complex numbers in the transformations (issue 15), with JAX's conventions: a real function
of complex z = x + iy has gradient df/dx - i df/dy; holomorphic=True gives f'(z); JAX's dtype
checks and errors. Expected values are constants computed with JAX 0.10 (x64); JAX is not
imported here."""

import numpy as np
import pytest

import functrans
import functrans.numpy as fnp
from functrans import lax
from functrans._src.lax.complex_parts import conj_if_complex as conj
from functrans._src.lax.complex_parts import imag_part, real_part
from functrans.test_util import check_grads

Z = np.complex128(1.0 + 2.0j)
A = np.array([1 + 2j, 1 + 3j, 0 + 5j])
B = np.array([3 - 1j, 2j, 1 + 1j])


def abs2(z):
    """|z|^2 without the elementwise family's abs (a real array)."""
    return real_part(z) * real_part(z) + imag_part(z) * imag_part(z)


def close(a, b, tol=1e-12):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# --------------------------------------------------------------------------- grad and friends


def test_grad_of_real_function_of_complex_input_is_conjugate_gradient():
    close(functrans.grad(abs2)(Z), 2 - 4j)  # JAX: grad(abs(z)**2) = 2*conj(z)
    w = np.array([1 + 2j, 0.5 - 1j])

    def f(z):
        return fnp.sum(abs2(z * z * (1 + 0.5j)))

    close(functrans.grad(f)(w), [25 - 50j, 3.125 + 6.25j])
    # hvp = jvp of grad (JAX: jax.jvp(jax.grad(f), (w,), (t,)))
    close(functrans.hvp(f, (w,), (np.array([1 + 0j, 1j]),))[0], [35 - 20j, -5 - 16.25j])
    v, g = functrans.value_and_grad(lambda z: fnp.var(z))(A)
    close(v, 1.777777777777778)
    assert np.asarray(v).dtype == np.float64
    close(g, [2 / 9 + 8 / 9 * 1j, 2 / 9 + 2 / 9 * 1j, -4 / 9 - 10 / 9 * 1j])


def test_holomorphic():
    close(functrans.grad(lambda z: z * z, holomorphic=True)(Z), 2 + 4j)
    v, g = functrans.value_and_grad(lambda z: z * z, holomorphic=True)(Z)
    close(v, -3 + 4j)
    close(g, 2 + 4j)
    close(functrans.grad(lambda z: fnp.prod(z), holomorphic=True)(A), [-15 + 5j, -10 + 5j, -5 + 5j])
    close(functrans.grad(lambda z: fnp.prod(z), holomorphic=True)(np.array([1 + 2j, 0j, 3 - 1j])), [0, 5 + 5j, 0])
    jac = [[1, 0, 0], [1 + 3j, 1 + 2j, 0], [-15 + 5j, -10 + 5j, -5 + 5j]]
    for jf in (functrans.jacfwd, functrans.jacrev, functrans.jacobian):
        close(jf(lambda z: lax.cumprod(z, 0), holomorphic=True)(A), jac)
        close(jf(lambda z: z * z, holomorphic=True)(Z), 2 + 4j)
    close(functrans.jacobian(lambda z: lax.cumprod(z, 0), holomorphic=True, mode="rev")(A), jac)
    close(functrans.hessian(lambda z: fnp.prod(z) * fnp.prod(z), holomorphic=True)(np.array([1 + 2j, 3 - 1j])),
          [[16 - 12j, 20 + 20j], [20 + 20j, -6 + 8j]])  # fmt: skip


def test_jacobians_of_real_and_complex_sides():
    # complex input, real output: reverse mode (and jacobian) only, JAX's df/dx - i df/dy
    z = np.array([1 + 2j, 3 - 1j])
    for jf in (functrans.jacrev, functrans.jacobian):
        close(jf(abs2)(z), np.diag([2 - 4j, 6 + 2j]))
    # real input, complex output: forward mode (and jacobian) only
    x = np.array([1.0, 2.0])
    for jf in (functrans.jacfwd, functrans.jacobian):
        close(jf(lambda x: x * x * (1 + 1j))(x), np.diag([2 + 2j, 4 + 4j]))


def test_errors_as_jax():
    real_out = "requires real-valued outputs .output dtype that is a sub-dtype of np.floating., but got complex128"
    with pytest.raises(TypeError, match="grad " + real_out + ".*holomorphic=True"):
        functrans.grad(lambda z: z * z)(Z)
    with pytest.raises(TypeError, match="grad " + real_out):
        functrans.value_and_grad(lambda x: x * (1 + 1j))(1.0)
    with pytest.raises(TypeError, match="jacrev " + real_out):
        functrans.jacrev(lambda x: x * (1 + 1j))(np.ones(2))
    with pytest.raises(TypeError, match="jacrev " + real_out):
        functrans.jacrev(lambda z: z * z)(Z)
    with pytest.raises(TypeError, match="jacobian " + real_out):  # complex in and out: neither mode
        functrans.jacobian(lambda z: z * z)(Z)
    for fname, fn in (("grad", functrans.grad), ("jacfwd", functrans.jacfwd), ("jacrev", functrans.jacrev)):
        with pytest.raises(TypeError, match=f"{fname} with holomorphic=True requires inputs with complex dtype"):
            fn(lambda z: z * z, holomorphic=True)(1.0)
        with pytest.raises(TypeError, match=f"{fname} with holomorphic=True requires outputs with complex dtype"):
            fn(abs2, holomorphic=True)(Z)
    jacfwd_msg = "jacfwd requires real-valued inputs .input dtype that is a sub-dtype of np.floating., but"
    with pytest.raises(TypeError, match=jacfwd_msg + ".*complex128.*holomorphic=True"):
        functrans.jacfwd(abs2)(Z)
    with pytest.raises(TypeError, match=jacfwd_msg):  # hessian = jacfwd(jacrev): complex needs holomorphic
        functrans.hessian(abs2)(Z)
    with pytest.raises(TypeError, match=jacfwd_msg + ".*int64"):
        functrans.jacfwd(lambda x: x * 1.0)(1)
    inexact = "requires real- or complex-valued inputs .input dtype that is a sub-dtype of np.inexact., but"
    with pytest.raises(TypeError, match="jacrev " + inexact + " argument 'x' has dtype int64"):
        functrans.jacrev(lambda x: x * 1.0)(1)
    with pytest.raises(TypeError, match="grad requires real-valued outputs.*int64.*integer outputs"):
        functrans.grad(lambda x: fnp.sum(x > 0))(1.0)
    # the cotangent of a complex output must be complex (and of a real output real), as JAX
    _, pullback = functrans.vjp(lambda z: z * z, Z)
    with pytest.raises(ValueError, match="got dtype float64, but expected complex128"):
        pullback(1.0)
    with pytest.raises(ValueError, match="got dtype complex128, but expected float64"):
        functrans.vjp(abs2, Z)[1](1.0 + 0j)
    # the structured Jacobians work on real matrices
    with pytest.raises(TypeError, match="complex values are not supported by the structured"):
        functrans.sparse_jacobian(lambda x: x * (1 + 1j))(np.ones(2))
    with pytest.raises(TypeError, match="complex values are not supported by the structured"):
        functrans.jacobian(lambda z: z * z, mode="mixed")(np.array([Z, Z]))
    # argmax/argmin of complex values: JAX raises TypeError too
    with pytest.raises(TypeError, match="argmax does not accept complex"):
        fnp.argmax(A)
    with pytest.raises(TypeError, match="argmin does not accept complex"):
        fnp.argmin(A, axis=0)
    for fn in (fnp.median, lambda a: fnp.quantile(a, 0.5)):
        with pytest.raises(ValueError, match="does not support complex input"):
            fn(A)


def test_vjp_linearize_linear_transpose():
    _, pullback = functrans.vjp(lambda z: z * z * (2 - 1j), Z)
    close(pullback(1.0 + 1j)[0], 2 + 14j)
    _, f_jvp = functrans.linearize(lambda z: z * z, Z)
    close(f_jvp(1j), -4 + 2j)
    close(functrans.linear_transpose(lambda z: (2 + 3j) * z, Z)(1.0 + 1j)[0], -1 + 5j)
    # real -> complex: the transpose keeps the real part
    (ct,) = functrans.linear_transpose(lambda x: (2 + 3j) * x, 1.0)(1.0 + 1j)
    assert np.asarray(ct).dtype == np.float64
    close(ct, -1.0)
    w = np.array([1 + 2j, 0.5 - 1j])
    close(functrans.linear_transpose(lambda z: (2 + 3j) * z + z[::-1] * 1.5, w)(np.array([1.0 + 1j, 2 - 1j]))[0],
          [2 + 3.5j, 8.5 + 5.5j])  # fmt: skip


def test_higher_order_through_complex_intermediates():
    def g(x):
        z = x * (1 + 2j)
        return real_part(z * z * z)

    close(functrans.grad(functrans.grad(g))(0.7), -46.2)
    close(functrans.hessian(g)(0.7), -46.2)


# --------------------------------------------------------------------------- structural values


def test_structural_values_as_jax():
    close(fnp.vdot(A, B), 12 - 10j)  # conjugates its first argument
    ga, gb = functrans.grad(lambda a, b: real_part(fnp.vdot(a, b) * (1 - 2j)), argnums=(0, 1))(A, B)
    close(ga, [1 + 7j, 4 - 2j, 3 + 1j])
    close(gb, [-3 - 4j, -5 - 5j, -10 - 5j])
    close(fnp.var(A), 1.777777777777778)
    close(fnp.std(A), 1.3333333333333335)
    assert np.asarray(fnp.var(A)).dtype == np.float64
    close(functrans.grad(fnp.std)(A), [1 / 12 + 1j / 3, 1 / 12 + 1j / 12, -1 / 6 - 5j / 12])
    close(fnp.prod(A), -25 - 25j)
    close(fnp.max(A), 1 + 3j)  # lexicographic, as NumPy and JAX
    close(fnp.min(A), 5j)
    c = np.array([1 + 2j, 1 + 3j, 0 + 5j, 1 + 3j])  # a tie: the tangent is shared
    close(functrans.grad(lambda z: real_part(fnp.max(z) * (2 - 1j)))(c), [0, 1 - 0.5j, 0, 1 - 0.5j])
    s = np.array([1 + 2j, 1 + 1j, 0 + 5j, -1 + 0.5j])
    close(fnp.sort(s), [-1 + 0.5j, 5j, 1 + 1j, 1 + 2j])
    np.testing.assert_array_equal(fnp.argsort(s), [3, 2, 1, 0])
    w = np.array([1.0, 2, 3, 4]) * (1 + 1j)
    close(functrans.grad(lambda z: real_part(fnp.sum(fnp.sort(z) * w)))(s), [4 + 4j, 3 + 3j, 2 + 2j, 1 + 1j])
    got = fnp.searchsorted(np.array([1j, 1 + 1j, 1 + 2j]), np.array([1 + 1.5j, 0j, 5 + 0j, 1 + 1j]), side="right")
    np.testing.assert_array_equal(got, [2, 0, 3, 2])
    close(fnp.cumprod(A), [1 + 2j, -5 + 5j, -25 - 25j])
    a64 = A.astype(np.complex64)  # dtypes as JAX (x64): complex64 stays complex64, var/std are float32
    for fn, dt in ((fnp.sum, np.complex64), (fnp.prod, np.complex64), (fnp.mean, np.complex64),
                   (fnp.var, np.float32), (fnp.std, np.float32), (fnp.cumprod, np.complex64),
                   (fnp.max, np.complex64), (lambda x: fnp.vdot(x, x), np.complex64)):  # fmt: skip
        assert np.asarray(fn(a64)).dtype == dt
    assert np.asarray(fnp.cumsum(A)).dtype == np.complex128


# --------------------------------------------------------------------------- transformations


def test_control_flow_with_complex_carries():
    def sc(z):
        def body(c, x):
            return c * x + 1j, c * c

        c, ys = lax.scan(body, z, np.array([1 + 1j, 0.5, 2 - 1j]))
        return abs2(c) + fnp.sum(real_part(ys * (1 - 1j)))

    close(sc(Z), 26.5)
    close(functrans.grad(sc)(Z), 14.5 + 3.5j)
    close(functrans.jit(functrans.grad(sc))(Z), 14.5 + 3.5j)

    def fl(z):
        c = lax.fori_loop(0, 3, lambda i, c: c * c * 0.5 + 1j, z)
        return real_part(c) * imag_part(c)

    z0 = np.complex128(0.3 + 0.2j)
    close(fl(z0), -0.15641254326990517)
    close(functrans.grad(fl)(z0), 0.052650883313688515 - 0.24578139385154993j)

    def cd(z):
        return real_part(lax.cond(real_part(z) > 0, lambda z: z * z * (1 + 1j), lambda z: z * 3.0, z))

    close(functrans.grad(cd)(Z), -2 + 6j)
    close(functrans.grad(cd)(-Z), 3)

    def wl(z):
        return lax.while_loop(lambda c: c[1] < 3, lambda c: (c[0] * c[0] * 0.5 + 1j, c[1] + 1), (z, 0))[0]

    p, t = functrans.jvp(wl, (z0,), (np.complex128(1.0 - 0.5j),))
    close(p, -0.36921701867187495 + 0.42363308125j)
    close(t, -0.4123751625 - 0.282912059375j)
    check_grads(sc, (Z,), order=2)
    check_grads(fl, (z0,), order=2)


def test_custom_rules_and_checkpoint_with_complex():
    @functrans.custom_jvp
    def cf(z):
        return z * z

    cf.defjvp(lambda p, t: (cf(p[0]), 3.0 * p[0] * t[0]))
    close(functrans.grad(lambda z: real_part(cf(z) * (1 - 1j)))(Z), 9 + 3j)

    @functrans.custom_vjp
    def cv(z):
        return z * z

    cv.defvjp(lambda z: (z * z, z), lambda r, ct: (3.0 * r * ct,))
    close(functrans.grad(lambda z: real_part(cv(z) * (1 - 1j)))(Z), 9 + 3j)
    ck = functrans.checkpoint(lambda z: z * z * z)
    close(functrans.grad(lambda z: real_part(ck(z) * (1 - 1j)))(Z), 3 + 21j)


def test_jit_and_vmap_with_complex():
    f = functrans.jit(lambda z: z * (2 + 3j) + 1j)
    close(f(Z), -4 + 8j)
    close(f(A), A * (2 + 3j) + 1j)
    assert np.asarray(f(A.astype(np.complex64))).dtype == np.complex64
    g = functrans.jit(functrans.grad(lambda z: fnp.sum(abs2(lax.cumprod(z, 0) * (0.5 - 1j)))))
    ref = functrans.grad(lambda z: fnp.sum(abs2(lax.cumprod(z, 0) * (0.5 - 1j))))(A)
    close(g(A), ref)
    def chain(z):  # a long elementwise run: fused kernels are float64-only, complex stays NumPy
        for k in range(12):
            z = z * (0.9 + 0.1j) + (0.01 * k) * z * z
        return z

    close(functrans.jit(chain)(A), chain(A))
    close(functrans.jit(functrans.grad(lambda z: fnp.sum(abs2(chain(z)))))(A),
          functrans.grad(lambda z: fnp.sum(abs2(chain(z))))(A))  # fmt: skip
    batched = np.stack([A, B, A * B])
    close(functrans.vmap(lambda a: fnp.vdot(a, B))(batched), [fnp.vdot(r, B) for r in batched])


# --------------------------------------------------------------------------- structural rule cases


def _loss(f):
    return lambda *a: fnp.sum(abs2(f(*a)))


def test_conj_helper():
    close(conj(A), np.conj(A))
    close(functrans.grad(lambda z: real_part(fnp.sum(conj(z) * B)))(A), np.conj(B))
