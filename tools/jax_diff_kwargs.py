"""Differential harness, keyword parity: jax.numpy/jax.lax keywords beyond NumPy's positional core
(reductions' ``where=``/``initial=``/``promote_integers=``/``correction=``/``mean=``, the
``jnp.ufunc`` objects' methods, ``precision=``/``preferred_element_type=`` of products,
``device=``/``copy=`` of constructors, ``accuracy=`` of lax functions) vs JAX (x64).

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_kwargs.py [--filter SUBSTR] [--no-dtype] [--no-exc]

Same comparison as tools/jax_diff.py (values, shapes, dtypes, gradient of sum(f(x)) w.r.t.
the first float64 argument, exception types).

Known differences the run still reports:
- ``mean``/``var``/``std`` of integer or boolean inputs narrower than 64 bits: JAX computes in
  float32, functrans in float64 (NumPy's choice; see tools/jax_diff.py).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax_diff import Cases, cli, main_loop

import functrans.numpy as fnp

CASES = Cases()
add, np_case = CASES.add, CASES.np


V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
MN = np.array([[1.0, np.nan, 0.0], [np.nan, 2.0, -3.0]])
W3 = np.array([True, False, True])
W8 = V > -1.5
I8 = np.array([1, 2, 3, 100], np.int8)
U8 = np.array([1, 2, 250], np.uint8)
BB = np.array([True, True, False])

# ---------------------------------------------------------------- reductions
for name in ["sum", "prod", "nansum", "nanprod"]:
    np_case(name, M, axis=1, where=W3)
    np_case(name, M, where=W3, initial=2.0)
    np_case(name, M, axis=0, initial=1.5, keepdims=True)
    np_case(name, V, where=W8)
    np_case(name, M, where=np.array([1, 0, 1]))
    np_case(name, M, out=np.zeros(3))
    np_case(name, M, initial=np.ones(2))
for name in ["sum", "prod"]:
    for a in (I8, U8, BB):
        np_case(name, a)
        np_case(name, a, promote_integers=False)
for name in ["max", "min", "amax", "amin", "nanmax", "nanmin"]:
    np_case(name, M, axis=0, where=W3, initial=-1.0)
    np_case(name, M, where=W3)
    np_case(name, M, initial=1.5)
    np_case(name, M, axis=1, initial=0.5, keepdims=True)
    np_case(name, np.zeros((0, 3)), axis=0, initial=3.0)
    np_case(name, V, initial=1.0)
    np_case(name, I8, initial=50)
    np_case(name, MN, axis=0, where=W3, initial=-5.0)
for name in ["mean", "nanmean"]:
    np_case(name, M, where=W3)
    np_case(name, M, axis=1, where=W3)
    np_case(name, M, axis=0, where=np.array([[True], [False]]), keepdims=True)
    np_case(name, M, where=np.zeros(3, bool))
    np_case(name, MN, axis=1, where=W3)
for name in ["var", "std", "nanvar", "nanstd"]:
    np_case(name, M, where=W3)
    np_case(name, M, axis=1, where=W3, ddof=1)
    np_case(name, M, axis=1, mean=np.array([[0.0], [1.0]]))
    np_case(name, MN, axis=1, where=W3)
for name in ["var", "std"]:
    np_case(name, M, correction=1)
    np_case(name, M, axis=0, correction=1.5)
    np_case(name, M, ddof=1, correction=1)
for name in ["any", "all"]:
    np_case(name, M > 0, where=W3)
    np_case(name, M, axis=1, where=W3)
    np_case(name, M > 5, where=np.zeros(3, bool))
add("x.sum(where=)", lambda x: fnp.sum(x, where=W3), lambda x: jnp.asarray(x).sum(where=W3), M)
add("traced x.max(initial=)", lambda x: __import__("functrans").jit(lambda y: y.max(axis=0, initial=0.5, where=W3))(x),
    lambda x: jax.jit(lambda y: y.max(axis=0, initial=0.5, where=W3))(x), M)
add("traced x.var(correction=)", lambda x: __import__("functrans").jit(lambda y: y.var(axis=1, correction=1))(x),
    lambda x: jax.jit(lambda y: y.var(axis=1, correction=1))(x), M)
add("traced x.astype(copy=)", lambda x: __import__("functrans").jit(lambda y: y.astype(np.float32, copy=True))(x),
    lambda x: jax.jit(lambda y: y.astype(np.float32, copy=True))(x), M)


def main() -> None:
    main_loop(CASES, cli()).summary("functions")


if __name__ == "__main__":
    main()
