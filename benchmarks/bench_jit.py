"""Speed of jit-compiled derivatives, side by side in one process.

1. ``jit(grad(f))`` on a chain of 300 small elementwise ops on a length-4 vector,
   against the NumPy forward pass alone (and HIPS autograd / torch.func / JAX when
   installed, with ``--peers``).
2. ``jit(grad(loss))`` on the MLP loss (128x256 inputs, two tanh layers of 256),
   against a hand-written NumPy gradient.
3. ``jit(hessian(f))`` for f(x) = sum(log cosh(A x)) + |x|^2/2 at n = 100, against the
   hand-written Hessian A^T diag(1 - tanh^2(Ax)) A + I.
4. ``jit(jacrev(f))`` for f(x) = tanh(B tanh(A x)) at (n, m) = (1000, 10), against the
   hand-written Jacobian diag(1 - t2^2) B diag(1 - t1^2) A.
5. The size of the optimised program of the k-th derivative of tanh, k = 1..8.

Ratios are medians of paired back-to-back rounds (this kind of VM drifts by tens of
percent between runs; pairing steadies the ratios). Nothing here asserts on time.

Run:  python benchmarks/bench_jit.py [--quick] [--peers]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import best_time, hessian_problem, make_chain, mlp_grad_numpy, mlp_loss, mlp_problem, paired_ratio  # noqa: E402

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans._src.optimize import derivative_eqn_counts  # noqa: E402


def _row(name: str, t: float, base: float) -> None:
    print(f"  {name:34s} {t * 1e6:10.1f}us {t / base:9.2f}x")


def _peer(name: str, make: Callable[[], Callable[[], Any]], expect: np.ndarray, number: int) -> float | None:
    try:
        fn = make()
    except ImportError:
        print(f"  ({name}: not installed, skipped)")
        return None
    np.testing.assert_allclose(np.asarray(fn()), expect, rtol=1e-8, atol=1e-10)
    return best_time(fn, number, 5)


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def bench_chain(number: int, rounds: int, peers: bool) -> None:
    print("\n1. jit(grad(f)), f = chain of 300 elementwise ops on a length-4 vector")
    x = np.linspace(0.1, 0.4, 4)
    fwd = make_chain(np)
    g = functrans.jit(functrans.grad(make_chain(fnp)))
    expect = functrans.grad(make_chain(fnp))(x)
    np.testing.assert_allclose(g(x), expect, rtol=1e-12)
    ratio, t_g, t_f = paired_ratio(lambda: g(x), lambda: fwd(x), number, rounds)
    _row("numpy forward pass alone", t_f, t_f)
    _row("functrans jit(grad)", t_g, t_f)
    t_eager = best_time(lambda: functrans.grad(make_chain(fnp))(x), max(1, number // 10), 3)
    _row("functrans grad (eager)", t_eager, t_f)
    if peers:

        def ag() -> Callable[[], Any]:
            import autograd
            import autograd.numpy as anp

            f = autograd.grad(make_chain(anp))
            return lambda: f(x)

        def tf() -> Callable[[], Any]:
            import torch

            f = torch.func.grad(make_chain(torch))
            xt = torch.tensor(x)
            return lambda: f(xt).numpy()

        def jx() -> Callable[[], Any]:
            jax = _jax()
            f = jax.jit(jax.grad(make_chain(jax.numpy)))
            return lambda: f(x).block_until_ready()

        for name, make in [("HIPS autograd grad", ag), ("torch.func grad", tf), ("JAX jit(grad)", jx)]:
            t = _peer(name, make, expect, number)
            if t is not None:
                _row(name, t, t_f)
    print(f"  jit(grad) / numpy forward, median of paired rounds: {ratio:.2f}x (target: within 4x)")


def bench_mlp(number: int, rounds: int, peers: bool) -> None:
    print("\n2. jit(grad(loss)), MLP loss, 128x256 inputs, two tanh layers of 256")
    params, X, y = mlp_problem()
    g = functrans.jit(functrans.grad(mlp_loss(fnp)))
    ref = mlp_grad_numpy(params, X, y)
    got = g(params, X, y)
    for k in ref:
        np.testing.assert_allclose(got[k], ref[k], rtol=1e-9, atol=1e-12)
    ratio, t_g, t_h = paired_ratio(lambda: g(params, X, y), lambda: mlp_grad_numpy(params, X, y), number, rounds)
    _row("numpy hand-written gradient", t_h, t_h)
    _row("functrans jit(grad)", t_g, t_h)
    e = functrans.grad(mlp_loss(fnp))
    _row("functrans grad (eager)", best_time(lambda: e(params, X, y), number, 3), t_h)
    if peers:
        try:
            jax = _jax()
            jg = jax.jit(jax.grad(mlp_loss(jax.numpy)))
            jg(params, X, y)
            t = best_time(lambda: jax.block_until_ready(jg(params, X, y)), number, 5)
            _row("JAX jit(grad)", t, t_h)
        except ImportError:
            print("  (JAX: not installed, skipped)")
    print(f"  jit(grad) / hand-written, median of paired rounds: {ratio:.3f}x (target: within 1.05x)")


def bench_hessian(number: int, rounds: int, peers: bool, n: int = 100) -> None:
    print(f"\n3. jit(hessian(f)), f(x) = sum(log cosh(A x)) + |x|^2/2, n = {n}")
    A, f, hand, x = hessian_problem(n)

    h = functrans.jit(functrans.hessian(f))
    np.testing.assert_allclose(h(x), hand(x), rtol=1e-10, atol=1e-12)
    ratio, t_j, t_h = paired_ratio(lambda: h(x), lambda: hand(x), number, rounds)
    _row("numpy hand-written Hessian", t_h, t_h)
    _row("functrans jit(hessian)", t_j, t_h)
    e = functrans.hessian(f)
    eager_ratio, t_e, _ = paired_ratio(lambda: e(x), lambda: hand(x), max(1, number // 4), rounds)
    _row("functrans hessian (eager)", t_e, t_h)
    if peers:

        def ag() -> Callable[[], Any]:
            import autograd
            import autograd.numpy as anp

            h = autograd.hessian(lambda v: anp.sum(anp.log(anp.cosh(A @ v))) + 0.5 * anp.sum(v * v))
            return lambda: h(x)

        def tf() -> Callable[[], Any]:
            import torch

            At, xt = torch.tensor(A), torch.tensor(x)
            h = torch.func.hessian(lambda v: torch.sum(torch.log(torch.cosh(At @ v))) + 0.5 * torch.sum(v * v))
            return lambda: h(xt).numpy()

        def jx() -> Callable[[], Any]:
            jax = _jax()
            jh = jax.jit(jax.hessian(lambda v: jax.numpy.sum(jax.numpy.log(jax.numpy.cosh(A @ v))) + 0.5 * v @ v))
            return lambda: jh(x).block_until_ready()

        for name, make in [("HIPS autograd hessian", ag), ("torch.func hessian (eager)", tf), ("JAX jit(hessian)", jx)]:
            t = _peer(name, make, hand(x), max(1, number // 4))
            if t is not None:
                _row(name, t, t_h)
    print(f"  jit(hessian) / hand-written, median of paired rounds: {ratio:.2f}x (target: within 2x)")
    print(f"  hessian (eager) / hand-written, median of paired rounds: {eager_ratio:.2f}x (target: within 15x)")


def bench_jacrev(number: int, rounds: int, peers: bool, n: int = 1000, m: int = 10) -> None:
    print(f"\n4. jit(jacrev(f)), f(x) = tanh(B tanh(A x)), (n, m) = ({n}, {m})")
    rng = np.random.default_rng(0)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    B = rng.standard_normal((m, m)) / np.sqrt(m)
    x = rng.standard_normal(n)

    def f(x: Any) -> Any:
        return fnp.tanh(B @ fnp.tanh(A @ x))

    def hand(x: np.ndarray) -> np.ndarray:
        t1 = np.tanh(A @ x)
        t2 = np.tanh(B @ t1)
        return (1.0 - t2 * t2)[:, None] * (B @ ((1.0 - t1 * t1)[:, None] * A))

    j = functrans.jit(functrans.jacrev(f))
    np.testing.assert_allclose(j(x), hand(x), rtol=1e-10, atol=1e-12)
    ratio, t_j, t_h = paired_ratio(lambda: j(x), lambda: hand(x), number, rounds)
    _row("numpy hand-written Jacobian", t_h, t_h)
    _row("functrans jit(jacrev)", t_j, t_h)
    e = functrans.jacrev(f)
    _row("functrans jacrev (eager)", best_time(lambda: e(x), number, 3), t_h)
    if peers:

        def tf() -> Callable[[], Any]:
            import torch

            At, Bt, xt = torch.tensor(A), torch.tensor(B), torch.tensor(x)
            jr = torch.func.jacrev(lambda v: torch.tanh(Bt @ torch.tanh(At @ v)))
            return lambda: jr(xt).numpy()

        def jx() -> Callable[[], Any]:
            jax = _jax()
            jr = jax.jit(jax.jacrev(lambda v: jax.numpy.tanh(B @ jax.numpy.tanh(A @ v))))
            return lambda: jr(x).block_until_ready()

        for name, make in [("torch.func jacrev (eager)", tf), ("JAX jit(jacrev)", jx)]:
            t = _peer(name, make, hand(x), number)
            if t is not None:
                _row(name, t, t_h)
    print(f"  jit(jacrev) / hand-written, median of paired rounds: {ratio:.2f}x (target: within 2x)")


def report_counts(max_order: int) -> None:
    print("\n5. Equations in the program of the k-th derivative of tanh (grad nested k times)")
    print(f"  {'k':>3s} {'traced':>10s} {'optimised':>10s}")
    for k, raw, opt in derivative_eqn_counts(fnp.tanh, 0.3, max_order):
        print(f"  {k:3d} {raw:10d} {opt:10d}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--peers", action="store_true", help="also time HIPS autograd, torch.func and JAX if installed")
    args = ap.parse_args(argv)
    q = args.quick
    bench_chain(number=20 if q else 50, rounds=7 if q else 21, peers=args.peers)
    bench_mlp(number=5 if q else 10, rounds=7 if q else 21, peers=args.peers)
    bench_hessian(number=20 if q else 50, rounds=7 if q else 21, peers=args.peers)
    bench_jacrev(number=50 if q else 200, rounds=7 if q else 21, peers=args.peers)
    report_counts(6 if q else 8)


if __name__ == "__main__":
    main()
