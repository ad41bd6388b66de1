"""Value cases of tests/test_jax_parity_misc.py: each is ``fn(L)`` for a namespace ``L`` (``L.api``,
``L.np``, ``L.sl`` scipy.linalg, ``L.nn``, ``L.init``, ``L.random``). The expected values in
tests/jax_parity_misc_data.py were computed by running the same functions on JAX 0.10.2 (x64):
``python tools/jax_diff_misc.py --write-parity-data``; jax is not imported by the tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

A3 = np.array([[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 5.0]])
G3 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5], [7.0, 8.5, 9.0]])
R43 = np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [2.0, 0.0, 1.0], [-1.0, 1.0, 1.0]])
V5 = np.array([1.0, -2.0, 3.0, 0.5, 4.0])
_rng = np.random.default_rng(0)
Q = _rng.normal(size=(2, 4, 4, 3))
K = _rng.normal(size=(2, 5, 2, 3))
VV = _rng.normal(size=(2, 5, 2, 3))
BIAS = _rng.normal(size=(2, 1, 4, 5))
MASK = _rng.uniform(size=(2, 4, 4, 5)) > 0.3


def _k(L: Any, s: int = 0) -> Any:
    return L.random.PRNGKey(s)


def _grad_sum(L: Any, f: Callable, x: Any) -> Any:
    return L.api.grad(lambda x: sum(L.np.sum(o) for o in L.api.tree_util.tree_leaves(f(x))))(x)


EXACT: dict[str, Callable] = {  # bit-exact with JAX (random numbers and what is built from them)
    "random.double_sided_maxwell": lambda L: L.random.double_sided_maxwell(_k(L), 1.0, 2.0, (5,)),
    "random.generalized_normal": lambda L: L.random.generalized_normal(_k(L, 1), 1.5, (6,)),
    "random.ball": lambda L: L.random.ball(_k(L), 3, 2, (4,)),
    "random.orthogonal": lambda L: L.random.orthogonal(_k(L, 42), 2, (2,), m=4),
    "random.triangular": lambda L: L.random.triangular(_k(L), 0.0, 0.3, 1.0, (6,)),
    "random.wald": lambda L: L.random.wald(_k(L, 1), np.array([0.5, 1.0, 4.0])),
    "random.binomial": lambda L: L.random.binomial(
        _k(L), np.array([3.0, 50.0, 1000.0, 0.0, 7.0, 20.0, -1.0, np.inf]),
        np.array([0.9, 0.5, 0.01, 0.5, 0.0, 1.0, 0.5, 0.5])),
    "random.binomial f32": lambda L: L.random.binomial(_k(L, 3), 30.0, np.float32(0.5), (4,), dtype=np.float32),
    "random.binomial vmap": lambda L: L.api.vmap(lambda k: L.random.binomial(k, 30.0, 0.5, (3,)))(
        L.random.split(_k(L), 3)),
    "random.multinomial": lambda L: L.random.multinomial(
        _k(L), np.array([5.0, 100.0]), np.array([0.1, 0.6, 0.3]), shape=(2, 3)),
    "init.glorot_uniform": lambda L: L.init.glorot_uniform()(_k(L, 7), (3, 4)),
    "init.he_normal": lambda L: L.init.he_normal()(_k(L, 7), (2, 3, 4)),
    "init.variance_scaling": lambda L: L.init.variance_scaling(1.0, "fan_geo_avg", "uniform", batch_axis=0)(
        _k(L, 2), (2, 3, 4)),
    "init.orthogonal": lambda L: L.init.orthogonal(2.0, column_axis=0)(_k(L, 7), (3, 4)),
    "init.delta_orthogonal": lambda L: L.init.delta_orthogonal()(_k(L, 1), (3, 3, 2, 4)),
    "init.truncated_normal": lambda L: L.init.truncated_normal(1.0, lower=-1.0, upper=0.5)(_k(L, 7), (5,)),
    "sl.hadamard": lambda L: L.sl.hadamard(4),
    "sl.helmert": lambda L: L.sl.helmert(3, full=True),
    "sl.dft": lambda L: L.sl.dft(3, "sqrtn"),
    "sl.toeplitz": lambda L: L.sl.toeplitz(np.array([[1, 2, 3], [4, 5, 6]]), np.array([7, 8])),
    "sl.hankel": lambda L: L.sl.hankel(np.array([1.0, 2.0, 3.0]), np.array([9.0, 4.0])),
    "sl.circulant": lambda L: L.sl.circulant(np.array([1, 2, 3])),
    "sl.leslie": lambda L: L.sl.leslie(np.array([1, 2, 3]), np.array([4, 5])),
    "sl.fiedler_companion": lambda L: L.sl.fiedler_companion(np.array([1.0, -16.0, 86.0, -176.0, 105.0, 3.0])),
    "sl.convolution_matrix": lambda L: L.sl.convolution_matrix(np.array([-1, 4, -2]), 5, mode="same"),
    "sl.qr pivots": lambda L: L.sl.qr(G3, pivoting=True)[2],
}

CLOSE: dict[str, Callable] = {  # equal to float64 rounding (rtol 1e-9)
    "sl.cholesky upper": lambda L: L.sl.cholesky(A3 + np.triu(A3, 1)),
    "sl.cholesky lower": lambda L: L.sl.cholesky(A3 + np.triu(A3, 1), lower=True),
    "grad sl.cholesky upper": lambda L: _grad_sum(L, L.sl.cholesky, A3),
    "grad sl.cholesky lower": lambda L: _grad_sum(L, lambda a: L.sl.cholesky(a, lower=True), A3),
    "sl.eigh upper": lambda L: L.sl.eigh(G3, lower=False),
    "sl.svd": lambda L: L.sl.svd(R43, full_matrices=False),
    "sl.qr pivoting": lambda L: L.sl.qr(G3, pivoting=True)[:2],
    "sl.qr r": lambda L: L.sl.qr(R43, mode="r"),
    "grad sl.qr pivoting": lambda L: _grad_sum(L, lambda a: L.sl.qr(a, pivoting=True)[1], G3),
    "sl.qr_multiply": lambda L: L.sl.qr_multiply(G3, np.array([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0]]), pivoting=True)[:2],
    "sl.polar": lambda L: L.sl.polar(R43),
    "sl.polar left svd": lambda L: L.sl.polar(R43.T, side="left", method="svd"),
    "sl.eigh_tridiagonal": lambda L: L.sl.eigh_tridiagonal(V5, V5[:4] * 0.5, eigvals_only=True),
    "sl.companion": lambda L: L.sl.companion(V5),
    "grad sl.companion": lambda L: _grad_sum(L, L.sl.companion, V5),
    "sl.invhilbert": lambda L: L.sl.invhilbert(5),
    "sl.invpascal": lambda L: L.sl.invpascal(4),
    "sl.hilbert": lambda L: L.sl.hilbert(3),
    "sl.sqrtm": lambda L: L.sl.sqrtm(G3),
    "sl.funm": lambda L: L.sl.funm(A3, L.np.exp),
    "sl.solve_sylvester": lambda L: L.sl.solve_sylvester(A3, G3, R43[:3] @ R43[:3].T),
    "sl.solve_sylvester singular": lambda L: L.sl.solve_sylvester(A3, -A3, np.eye(3), method="eigen"),
    "nn.log1mexp": lambda L: L.nn.log1mexp(np.array([1e-10, 1e-3, 0.5, np.log(2.0), 1.0, 30.0, 800.0])),
    "grad nn.log1mexp": lambda L: L.api.grad(L.api.grad(L.nn.log1mexp))(0.3),
    "api.custom_gradient": lambda L: _custom_gradient(L),
    "api.closure_convert": lambda L: L.api.grad(lambda z: _closure(L, z))(3.0),
    "init.lecun_normal c128": lambda L: L.init.lecun_normal()(_k(L, 7), (3, 2), np.complex128),  # complex exp: 1 ulp
}

F32: dict[str, Callable] = {  # float32 arithmetic (attention's softmax, pascal's lgamma): rtol 1e-5
    "sl.pascal": lambda L: L.sl.pascal(4),
    "plain": lambda L: L.nn.dot_product_attention(Q, K, VV),
    "bias mask causal kvlen": lambda L: L.nn.dot_product_attention(
        Q, K, VV, BIAS, MASK, is_causal=True, key_value_seq_lengths=np.array([5, 2], np.int32)),
    "qlen window residual": lambda L: L.nn.dot_product_attention(
        Q, K, VV, query_seq_lengths=np.array([3, 4], np.int32), local_window_size=(2, 0), return_residual=True),
    "3d": lambda L: L.nn.dot_product_attention(Q[0], K[0], VV[0], scale=0.3),
    "grad": lambda L: L.api.grad(
        lambda q: L.np.sum(L.nn.dot_product_attention(q, K, VV, BIAS, is_causal=True) ** 2))(Q),
}


def _custom_gradient(L: Any) -> Any:
    @L.api.custom_gradient
    def h(x: Any) -> Any:
        return x**2, lambda g: (g * 10 * x,)

    return h(3.0), L.api.grad(h)(3.0), L.api.grad(L.api.grad(h))(3.0), L.api.vmap(L.api.grad(h))(V5)


def _closure(L: Any, z: Any) -> Any:
    g, c = L.api.closure_convert(lambda x, w: x * z + w * z * z, 1.0, 2.0)
    return g(2.0, 3.0, *c) * len(c)
