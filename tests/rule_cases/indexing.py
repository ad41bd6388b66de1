"""Rule-coverage cases of the gather/scatter family (functrans/_src/lax/gather.py).

Index arrays are constants (with repeated and negative entries); the differentiated
arguments are the array and the updates.
"""

import numpy as np

import functrans.numpy as fnp

rng = np.random.default_rng(11)
M = rng.uniform(0.2, 0.8, (3, 4))
U = rng.uniform(0.2, 0.8, (4, 4))
IDX = np.array([0, 2, 2, -1])  # repeated and negative
J = np.array([[1, 3], [3, 0]])


def at(x):
    return fnp.asarray(x).at  # plain NumPy arrays (the eager reference calls) have no .at


RULE_CASES = {
    "gather": (lambda x: x[IDX, 1:] ** 2 + fnp.sum(x[:, J] ** 3), (M,)),
    "scatter_add": (lambda x, u: at(x)[IDX].add(u * u), (M, U)),
    "scatter": (
        lambda x, u: at(x)[IDX].set(u) * at(x)[IDX].multiply(u) + at(x)[IDX].max(u) + at(x)[J[0] - 1, 1].min(u[0, :2]),
        (M, U),
    ),
}
