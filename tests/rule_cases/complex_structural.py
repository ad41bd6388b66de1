"""Complex-operand cases of the structural primitive families (reductions, cumulative, sorting,
shape, slicing, gather/scatter, contraction) and of the NumPy functions built on them.

They are not keyed by primitive (each primitive's real case is elsewhere), so ``RULE_CASES`` is
empty and the cases are ``COMPLEX_CASES``: tests/test_complex_api.py checks each to second
order in both modes (perturbing real and imaginary parts) and under vmap against a loop.
Values are distinct in real part (no ties in max/min/sort) and away from zero.
"""

import numpy as np

import functrans.numpy as fnp
from functrans import lax

RULE_CASES: dict = {}

rng = np.random.default_rng(15)
Z = (rng.uniform(0.3, 1.2, (2, 3)) + 1j * rng.uniform(-1.0, 1.0, (2, 3))).round(3)
Z[0] += np.array([0.0, 0.4, 0.9])  # distinct real parts along axis 1
Z[1] += np.array([0.7, 0.1, 1.4])
V = Z[0].copy()
W = (rng.uniform(-1.0, 1.0, (3, 2)) + 1j * rng.uniform(-1.0, 1.0, (3, 2))).round(3)

COMPLEX_CASES = {
    "reduce_sum": (lambda z: lax.reduce_sum(z * z, (1,)), (Z,)),
    "reduce_prod": (lambda z: lax.reduce_prod(z, (1,)), (Z,)),
    "reduce_max": (lambda z: lax.reduce_max(z * (1.5 - 0.5j), (1,)) * z[:, 0], (Z,)),
    "reduce_min": (lambda z: lax.reduce_min(z, (0, 1)) * z, (Z,)),
    "cumsum": (lambda z: lax.cumsum(z * z, 1), (Z,)),
    "cumprod": (lambda z: lax.cumprod(z, 1, reverse=True), (Z,)),
    "sort": (lambda z: lax.sort(z * z[:, :1], 1) * np.array([1.0, 2.0, 3.0]), (Z,)),
    "dot_general": (lambda z, w: lax.dot_general(z * z, w, (((1,), (0,)), ((), ()))), (Z, W)),
    "transpose_reshape": (lambda z: lax.reshape(lax.transpose(z * z, (1, 0)), (6,)), (Z,)),
    "broadcast_concatenate": (
        lambda z: lax.concatenate([lax.broadcast_to(z[0] * z[1], (2, 3)), z], 0) * (0.5 + 1j),
        (Z,),
    ),
    "index": (lambda z: z[:, ::-2] * z[1, 1:], (Z,)),
    "gather_scatter_add": (
        lambda z: lax.gather(z, [np.array([1, 0, 1]), np.array([2, 2, 0])], (0, 1))
        * lax.scatter_add(z, [np.array([0, 0]), np.array([1, 1])], z[1, :2] * z[0, :2], (0, 1))[0],
        (Z,),
    ),
    "select": (lambda z: fnp.where(np.array([True, False, True]), z * z, z * 2.0), (Z,)),
    "einsum": (lambda z, w: fnp.einsum("ij,jk,ik->i", z, w, z[:, :2] * z[:, 1:]), (Z, W)),
    "vdot": (lambda v, w: fnp.vdot(v * v, w[:, 0]) * v, (V, W)),
    "inner_outer_matmul": (lambda v, w: fnp.inner(v, v * v) * fnp.outer(v, w[:, 1]) @ (w * v[:2]), (V, W)),
    "mean_var_std": (lambda z: fnp.mean(z * z, 1) * fnp.var(z, 1) + fnp.std(z * z, 0)[:2], (Z,)),
    "prod_max_sum": (lambda z: fnp.prod(z, 0) * fnp.max(z, 1)[0] + fnp.sum(z * z, 0), (Z,)),
}
