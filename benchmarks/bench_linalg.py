"""Speed of differentiated linear algebra, side by side in one process.

1. GP regression, n = 500 points, RBF kernel: value and gradient of the negative log
   marginal likelihood w.r.t. (lengthscale, variance, noise) through cholesky and a
   triangular solve, eager and jit, against the hand-written NumPy value (Cholesky, for
   the log-determinant) and gradient ``0.5 tr((a a^T - K^-1) dK/dtheta)`` (with
   ``numpy.linalg.inv``), as an optimiser asks for them.
2. One Newton step of L2-regularised logistic regression (d = 200 features, N = 2000
   samples): ``hessian`` + ``grad`` + ``solve``, eager, against the hand-written
   ``X^T diag(p(1-p)) X + lam I`` solve (and HIPS autograd and JAX eager).
3. A normalizing-flow log-likelihood term: ``slogdet`` of the 64x64 Jacobian (by
   ``jacfwd``) of a small flow ``x -> x + u * tanh(W x + b)``, vmapped over 256 samples,
   and its gradient w.r.t. ``W``, eager, against a hand-written NumPy value and gradient
   (batched ``slogdet`` and ``inv``), HIPS autograd and JAX eager (op by op, no jit).

BLAS threads are pinned to one (set before NumPy loads) so the ratios measure the
libraries rather than the thread pool. Ratios are medians of paired back-to-back rounds.
Nothing here asserts on time.

Run:  python benchmarks/bench_linalg.py [--quick] [--peers]
"""

from __future__ import annotations

import os

for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import best_time, paired_ratio  # noqa: E402

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
import functrans.numpy.linalg as fla  # noqa: E402
import functrans.scipy.linalg as fsl  # noqa: E402


def _row(name: str, t: float, base: float) -> None:
    print(f"  {name:<34s} {t * 1e3:9.2f} ms   {t / base:6.2f}x")


# --------------------------------------------------------------------------- 1. GP


def gp_problem(n: int = 500) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-3, 3, n))
    y = np.sin(2 * x) + 0.1 * rng.standard_normal(n)
    d2 = (x[:, None] - x[None, :]) ** 2
    return np.array([0.7, 1.3, 0.05]), d2, y


def gp_nll(m: Any, la: Any, sl: Any) -> Callable[..., Any]:
    def nll(theta: Any, d2: Any, y: Any) -> Any:
        ls, var, noise = theta[0], theta[1], theta[2]
        n = y.shape[0]
        k = var * m.exp(-0.5 * d2 / ls**2) + noise * np.eye(n)
        c = la.cholesky(k)
        alpha = sl.solve_triangular(c, y, lower=True)
        return 0.5 * m.sum(alpha**2) + m.sum(m.log(la.diagonal(c))) + 0.5 * n * np.log(2 * np.pi)

    return nll


def gp_grad_numpy(theta: np.ndarray, d2: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Value (by Cholesky, for the log-determinant) and gradient (by the explicit inverse)."""
    ls, var, noise = theta
    n = y.shape[0]
    e = np.exp(-0.5 * d2 / ls**2)
    k = var * e + noise * np.eye(n)
    c = np.linalg.cholesky(k)
    kinv = np.linalg.inv(k)
    a = kinv @ y
    value = 0.5 * y @ a + np.sum(np.log(np.diagonal(c))) + 0.5 * n * np.log(2 * np.pi)
    w = np.outer(a, a) - kinv
    dks = (var * e * d2 / ls**3, e)
    g = [-0.5 * np.sum(w * dk) for dk in dks] + [-0.5 * np.trace(w)]
    return value, np.array(g)


def bench_gp(number: int, rounds: int, peers: bool) -> None:
    theta, d2, y = gp_problem()
    print("GP regression, n = 500: value and grad of the negative log marginal likelihood (3 hyperparameters)")
    g = functrans.value_and_grad(gp_nll(fnp, fla, fsl))
    gj = functrans.jit(g)
    ref_value, ref = gp_grad_numpy(theta, d2, y)
    for fn in (g, gj):
        v, gr = fn(theta, d2, y)
        np.testing.assert_allclose(v, ref_value, rtol=1e-10)
        np.testing.assert_allclose(gr, ref, rtol=1e-7)
    base = best_time(lambda: gp_grad_numpy(theta, d2, y), number, 3)
    _row("numpy hand-written value+grad", base, base)
    _row("functrans value_and_grad (eager)", best_time(lambda: g(theta, d2, y), number, 3), base)
    _row("functrans jit(value_and_grad)", best_time(lambda: gj(theta, d2, y), number, 3), base)
    if peers:
        _gp_peers(theta, d2, y, ref, number, base)
    r, _, _ = paired_ratio(lambda: g(theta, d2, y), lambda: gp_grad_numpy(theta, d2, y), number, rounds)
    rj, _, _ = paired_ratio(lambda: gj(theta, d2, y), lambda: gp_grad_numpy(theta, d2, y), number, rounds)
    print(f"  value_and_grad (eager) / hand-written, median of paired rounds: {r:.2f}x (target: within 1.3x)")
    print(f"  jit(value_and_grad) / hand-written, median of paired rounds:    {rj:.2f}x (target: within 1.1x)")


def _gp_peers(theta: np.ndarray, d2: np.ndarray, y: np.ndarray, ref: np.ndarray, number: int, base: float) -> None:
    try:
        import autograd
        import autograd.numpy as anp
        import autograd.scipy.linalg as asl

        class _ALa:
            cholesky = staticmethod(anp.linalg.cholesky)
            diagonal = staticmethod(lambda c: anp.diag(c))

        ga = autograd.value_and_grad(gp_nll(anp, _ALa, asl))
        np.testing.assert_allclose(ga(theta, d2, y)[1], ref, rtol=1e-7)
        _row("autograd value_and_grad", best_time(lambda: ga(theta, d2, y), number, 3), base)
    except ImportError:
        print("  (autograd not installed)")
    jax = _jax()
    if jax is not None:
        import jax.numpy as jnp
        import jax.scipy.linalg as jsl

        class _JLa:
            cholesky = staticmethod(jnp.linalg.cholesky)
            diagonal = staticmethod(lambda c: jnp.diagonal(c))

        gx = jax.value_and_grad(gp_nll(jnp, _JLa, jsl))
        with jax.disable_jit():
            np.testing.assert_allclose(np.asarray(gx(theta, d2, y)[1]), ref, rtol=1e-7)
            t = best_time(lambda: np.asarray(gx(theta, d2, y)[1]), number, 3)
        _row("jax value_and_grad (eager, no jit)", t, base)


# --------------------------------------------------------------------------- 2. Newton step


def logreg_problem(n: int = 2000, d: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, d)) / np.sqrt(d)
    w_true = rng.standard_normal(d)
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-x @ w_true))).astype(np.float64)
    return 0.1 * rng.standard_normal(d), x, y


LAM = 1e-2


def logreg_loss(w: Any, x: Any, y: Any) -> Any:
    z = x @ w
    return fnp.sum(fnp.log1p(fnp.exp(z)) - y * z) + 0.5 * LAM * fnp.sum(w * w)


def newton_step(w: Any, x: Any, y: Any) -> Any:
    h = functrans.hessian(logreg_loss)(w, x, y)
    g = functrans.grad(logreg_loss)(w, x, y)
    return w - fla.solve(h, g)


def newton_step_numpy(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = 1 / (1 + np.exp(-(x @ w)))
    g = x.T @ (p - y) + LAM * w
    h = (x.T * (p * (1 - p))) @ x + LAM * np.eye(w.shape[0])
    return w - np.linalg.solve(h, g)


def _newton_peers(w: np.ndarray, x: np.ndarray, y: np.ndarray, ref: np.ndarray, base: float) -> None:
    def loss(m: Any) -> Callable[..., Any]:
        def f(w: Any) -> Any:
            z = x @ w
            return m.sum(m.log1p(m.exp(z)) - y * z) + 0.5 * LAM * m.sum(w * w)

        return f

    try:
        import autograd
        import autograd.numpy as anp

        def ag_step() -> np.ndarray:
            f = loss(anp)
            return w - np.linalg.solve(autograd.hessian(f)(w), autograd.grad(f)(w))

        np.testing.assert_allclose(ag_step(), ref, rtol=1e-8, atol=1e-10)
        _row("autograd step", best_time(ag_step, 1, 1), base)
    except ImportError:
        print("  (autograd not installed)")
    jax = _jax()
    if jax is not None:
        import jax.numpy as jnp

        def jx_step() -> np.ndarray:
            f = loss(jnp)
            return np.asarray(w - jnp.linalg.solve(jax.hessian(f)(w), jax.grad(f)(w)))

        with jax.disable_jit():
            np.testing.assert_allclose(jx_step(), ref, rtol=1e-8, atol=1e-10)
            _row("jax step (eager, no jit)", best_time(jx_step, 1, 3), base)


def bench_newton(number: int, rounds: int, peers: bool = False) -> None:
    w, x, y = logreg_problem()
    print("Newton step, L2 logistic regression, d = 200, N = 2000: hessian + grad + solve")
    np.testing.assert_allclose(newton_step(w, x, y), newton_step_numpy(w, x, y), rtol=1e-8, atol=1e-10)
    base = best_time(lambda: newton_step_numpy(w, x, y), number, 3)
    _row("numpy hand-written step", base, base)
    _row("functrans step (eager)", best_time(lambda: newton_step(w, x, y), number, 3), base)
    stepj = functrans.jit(newton_step)
    np.testing.assert_allclose(stepj(w, x, y), newton_step_numpy(w, x, y), rtol=1e-8, atol=1e-10)
    _row("functrans jit(step)", best_time(lambda: stepj(w, x, y), number, 3), base)
    if peers:
        _newton_peers(w, x, y, newton_step_numpy(w, x, y), base)
    r, _, _ = paired_ratio(lambda: newton_step(w, x, y), lambda: newton_step_numpy(w, x, y), number, rounds)
    rj, _, _ = paired_ratio(lambda: stepj(w, x, y), lambda: newton_step_numpy(w, x, y), number, rounds)
    print(f"  step (eager) / hand-written, median of paired rounds: {r:.2f}x (target: within 2x)")
    print(f"  jit(step) / hand-written, median of paired rounds:    {rj:.2f}x")


# --------------------------------------------------------------------------- 3. flow slogdet


def flow_problem(s: int = 256, d: int = 64) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    w = rng.standard_normal((d, d)) / np.sqrt(d)
    b = 0.1 * rng.standard_normal(d)
    u = 0.5 + 0.1 * rng.standard_normal(d)
    xs = rng.standard_normal((s, d))
    return w, b, u, xs


def flow_logdet(m: Any, la: Any, jacfwd: Callable[..., Any], vmap: Callable[..., Any]) -> Callable[..., Any]:
    def loss(w: Any, b: Any, u: Any, xs: Any) -> Any:
        def flow(x: Any) -> Any:
            return x + u * m.tanh(w @ x + b)

        def logdet(x: Any) -> Any:
            return la.slogdet(jacfwd(flow)(x))[1]

        return m.mean(vmap(logdet)(xs))

    return loss


def flow_numpy(w: np.ndarray, b: np.ndarray, u: np.ndarray, xs: np.ndarray) -> tuple[float, np.ndarray]:
    """Value and gradient w.r.t. w of mean_s log|det(I + diag(u (1 - t_s^2)) W)|."""
    s, d = xs.shape
    t = np.tanh(xs @ w.T + b)  # (s, d)
    c = u * (1 - t * t)  # (s, d)
    jac = np.eye(d) + c[:, :, None] * w  # (s, d, d)
    _, logdet = np.linalg.slogdet(jac)
    gj = np.swapaxes(np.linalg.inv(jac), -1, -2) / s  # d value / d J_s
    gw = np.einsum("si,sij->ij", c, gj)  # through J = I + c W
    r = np.einsum("sij,ij->si", gj, w)  # d value / d c_s
    dz = r * u * (-2.0 * t * (1 - t * t))  # through c = u (1 - tanh(z)^2), z = W x + b
    gw += dz.T @ xs
    return float(np.mean(logdet)), gw


def bench_flow(number: int, rounds: int, peers: bool) -> None:
    w, b, u, xs = flow_problem()
    print("Flow: grad of mean slogdet of the 64x64 Jacobian (jacfwd) over 256 samples (vmap)")
    loss = flow_logdet(fnp, fla, functrans.jacfwd, functrans.vmap)
    vg = functrans.value_and_grad(loss)
    val, gw = vg(w, b, u, xs)
    ref_val, ref_gw = flow_numpy(w, b, u, xs)
    np.testing.assert_allclose(val, ref_val, rtol=1e-10)
    np.testing.assert_allclose(gw, ref_gw, rtol=1e-8, atol=1e-10)
    base = best_time(lambda: flow_numpy(w, b, u, xs), number, 3)
    _row("numpy hand-written value+grad", base, base)
    t_ft = best_time(lambda: vg(w, b, u, xs), number, 3)
    _row("functrans value_and_grad (eager)", t_ft, base)
    if peers:
        _flow_peers(w, b, u, xs, ref_gw, base, t_ft)
    r, _, _ = paired_ratio(lambda: vg(w, b, u, xs), lambda: flow_numpy(w, b, u, xs), number, rounds)
    print(f"  value_and_grad / hand-written, median of paired rounds: {r:.2f}x (target: within 2x)")


def _flow_peers(w: Any, b: Any, u: Any, xs: Any, ref: np.ndarray, base: float, t_ft: float) -> None:
    try:
        import autograd
        import autograd.numpy as anp

        def avmap(f: Callable[..., Any]) -> Callable[..., Any]:
            return lambda xs: anp.stack([f(x) for x in xs])

        ga = autograd.grad(flow_logdet(anp, anp.linalg, autograd.jacobian, avmap))
        np.testing.assert_allclose(ga(w, b, u, xs[:8]), flow_numpy(w, b, u, xs[:8])[1], rtol=1e-8, atol=1e-10)
        t = best_time(lambda: ga(w, b, u, xs), 1, 1)
        _row("autograd grad (loop over samples)", t, base)
        print(f"    functrans is {t / t_ft:.1f}x faster than autograd")
    except ImportError:
        print("  (autograd not installed)")
    jax = _jax()
    if jax is not None:
        import jax.numpy as jnp

        gx = jax.grad(flow_logdet(jnp, jnp.linalg, jax.jacfwd, jax.vmap))
        with jax.disable_jit():
            np.testing.assert_allclose(np.asarray(gx(w, b, u, xs)), ref, rtol=1e-8, atol=1e-10)
            t = best_time(lambda: np.asarray(gx(w, b, u, xs)), 1, 3)
        _row("jax grad (eager, no jit)", t, base)
        print(f"    functrans is {t / t_ft:.1f}x faster than JAX eager")


def _jax() -> Any:
    try:
        import jax
    except ImportError:
        print("  (jax not installed)")
        return None
    jax.config.update("jax_enable_x64", True)
    return jax


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds")
    ap.add_argument("--peers", action="store_true", help="also time autograd and JAX eager")
    args = ap.parse_args(argv)
    rounds = 5 if args.quick else 15
    bench_gp(3, rounds, args.peers)
    bench_newton(3, rounds, args.peers)
    bench_flow(1 if args.quick else 3, rounds, args.peers)


if __name__ == "__main__":
    main()
