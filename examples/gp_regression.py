"""Gaussian-process regression: fit the kernel's hyperparameters by gradient descent on the
negative log marginal likelihood, with ``functrans.numpy.linalg.cholesky`` and
``functrans.scipy.linalg.solve_triangular``.

    nll(theta) = 1/2 y^T K^-1 y + sum(log diag L) + n/2 log(2 pi),  K = L L^T,
    K = variance * exp(-|x_i - x_j|^2 / (2 lengthscale^2)) + noise * I

The gradient is checked against the classical formula 1/2 tr((K^-1 - a a^T) dK/dtheta),
a = K^-1 y, then used to fit the hyperparameters (in log space) to noisy samples of sin(x).

Run:  python examples/gp_regression.py [--n 200] [--steps 100]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
from functrans.scipy.linalg import solve_triangular  # noqa: E402


def kernel(log_params: np.ndarray, x: np.ndarray) -> np.ndarray:
    lengthscale, variance, noise = fnp.exp(log_params[0]), fnp.exp(log_params[1]), fnp.exp(log_params[2])
    d2 = (x[:, None] - x[None, :]) ** 2
    return variance * fnp.exp(-0.5 * d2 / lengthscale**2) + noise * fnp.eye(x.shape[0])


def nll(log_params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    L = fnp.linalg.cholesky(kernel(log_params, x))  # noqa: N806
    alpha = solve_triangular(L, y, lower=True)
    return 0.5 * fnp.sum(alpha**2) + fnp.sum(fnp.log(fnp.diagonal(L))) + 0.5 * x.shape[0] * np.log(2 * np.pi)


def hand_gradient(log_params: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ell, var, noise = np.exp(log_params)
    d2 = (x[:, None] - x[None, :]) ** 2
    k_rbf = var * np.exp(-0.5 * d2 / ell**2)
    K = k_rbf + noise * np.eye(len(x))  # noqa: N806
    K_inv = np.linalg.inv(K)  # noqa: N806
    a = K_inv @ y
    inner = K_inv - np.outer(a, a)
    dks = [k_rbf * d2 / ell**2, k_rbf, noise * np.eye(len(x))]  # derivatives w.r.t. the log-parameters
    return np.array([0.5 * np.sum(inner * dk) for dk in dks])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--steps", type=int, default=100)
    args = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-3, 3, args.n))
    y = np.sin(x) + 0.1 * rng.normal(size=args.n)
    theta = np.log(np.array([0.5, 0.5, 0.5]))

    grad = functrans.jit(functrans.value_and_grad(nll))
    _, g = grad(theta, x, y)
    err = np.abs(g - hand_gradient(theta, x, y)).max()
    print(f"max |grad - hand-written formula| = {err:.2e}")
    assert err < 1e-8

    first = None
    for step in range(args.steps):
        value, g = grad(theta, x, y)
        first = float(value) if first is None else first
        theta = theta - 0.1 * g / max(1.0, float(np.linalg.norm(g)))  # clipped gradient step
        if step % max(1, args.steps // 5) == 0:
            print(f"step {step:4d}  nll {float(value):10.4f}  lengthscale {np.exp(theta[0]):.3f}  "
                  f"variance {np.exp(theta[1]):.3f}  noise {np.exp(theta[2]):.4f}")  # fmt: skip
    final = float(nll(theta, x, y))
    print(f"nll {first:.3f} -> {final:.3f}")
    assert final < first
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
