"""Differential harness, second half: functrans vs JAX (x64) on lax, nn, scipy, tree_util and
the transformations' API.

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_lax.py [--filter SUBSTR] [--no-exc] [--no-dtype]

Each case is a function of a library namespace ``L`` (``L.lax``, ``L.np``, ``L.nn``, ``L.ss``,
``L.tu``, ``L.api``, ``L.sl``, ``L.st``); it is called once with functrans and once with JAX and
the results are compared as pytrees (structure, shapes, dtypes, values with NaN == NaN), or,
when either raises, by exception type. Elementwise-style cases also compare
``grad(sum(f(x)))`` w.r.t. the first argument (through tools/jax_diff.run_case).

Known differences that the run still reports (deliberate or left, see the report of branch
``conflax``):
- functrans.lax broadcasts and promotes like NumPy: mixed dtypes/ranks in lax.add/select/
  concatenate, bool operands of lax.abs/reduce_sum/cumsum, negative axes of the cumulative
  ops and non-permutations in lax.transpose are accepted where jax.lax raises TypeError/ValueError;
  shape mismatches in lax.add/concatenate/dot_general raise ValueError (JAX TypeError).
- lax.polygamma: an array order m is not supported (TypeError); a Python int m is accepted.
- lax.exp2(1024.0) is inf (NumPy); XLA's approximation gives the largest float.
- scipy.special.log_ndtr's gradient is more accurate than JAX's in the far left tail (rel.
  4e-9 at x = -20, checked against mpmath); digamma'(inf) is 0 (JAX NaN).
- nn.glu of an odd axis raises ValueError (JAX an AssertionError).
- grad(argnums=(0, 0)) raises ValueError (JAX fails with an unrelated TypeError).
- tree structures: functrans' PyTreeDef prints namedtuples/OrderedDict/defaultdict as their own
  node types; JAX prints ``CustomNode(namedtuple[Pt], ...)``.
- jvp outputs are NumPy arrays (JAX ``ArrayImpl``); exception classes of the same name (e.g.
  TracerBoolConversionError) are different classes, so reported as EXC with equal names.
- jax.lax.gather/scatter take GatherDimensionNumbers; functrans.lax.gather/scatter have their
  own (NumPy-indexing) signature, so they are not compared here.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import jax
import jax.lax as jlax
import jax.nn as jnn
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import jax.scipy.special as jss
import jax.scipy.stats as jst
import jax.tree_util as jtu
import numpy as np
from jax_diff import Tally, bracket_label, cli, main_loop, run_pair

import functrans as ft
import functrans.lax as flax
import functrans.nn as fnn
import functrans.numpy as fnp
import functrans.scipy.linalg as fsl
import functrans.scipy.special as fss
import functrans.scipy.stats as fst
import functrans.tree_util as ftu

FT = SimpleNamespace(name="ft", lax=flax, np=fnp, nn=fnn, ss=fss, tu=ftu, api=ft, sl=fsl, st=fst)
JX = SimpleNamespace(name="jax", lax=jlax, np=jnp, nn=jnn, ss=jss, tu=jtu, api=jax, sl=jsl, st=jst)

V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
A3 = np.arange(24.0).reshape(2, 3, 4) - 7.0
P = np.array([0.25, 0.5, 1.0, 2.0, 2.0, 4.0])
U = np.array([-0.9, -0.5, 0.0, 0.0, 0.5, 0.9])
IA = np.array([-7, -3, -1, 0, 2, 5, 7])
IB = np.array([2, -2, 3, -3, 2, 3, -4])

# structural cases: (label, fn(L))
LCase = tuple[str, Callable[[SimpleNamespace], Any]]
LCASES: list[LCase] = []
# elementwise-style cases for jax_diff.run_case: (label, ft_fn, jax_fn, args, kwargs)
ECASES: list[tuple] = []


def case(label: str) -> Callable:
    def deco(fn: Callable) -> Callable:
        LCASES.append((label, fn))
        return fn
    return deco


def lcase(label: str, fn: Callable) -> None:
    LCASES.append((label, fn))


def ecase(mod: str, name: str, *args: Any, **kw: Any) -> None:
    f = getattr(getattr(FT, mod), name, None)
    j = getattr(getattr(JX, mod), name, None)
    if f is None or j is None:
        print(f"# missing {mod}.{name}: ft={f is not None} jax={j is not None}", file=sys.stderr)
        return
    ECASES.append((f"{mod}.{name}", f, j, args, kw))


# ---------------------------------------------------------------- lax elementwise & friends
for x in (V, M, np.float64(0.0), np.array([np.inf, -np.inf, np.nan])):
    for n in ("logistic", "abs", "sign", "floor", "ceil", "cbrt", "exp2", "neg", "tanh",
              "is_finite", "expm1", "log1p"):
        ecase("lax", n, x)
for n in ("asinh", "atan", "sinh", "cosh", "erf", "erfc"):
    ecase("lax", n, np.array([-30.0, -1.0, 0.0, 1e-10, 2.0, 40.0]))
ecase("lax", "erf_inv", np.array([-1.0, -0.999, 0.0, 0.5, 1.0, 1.5]))
ecase("lax", "acosh", np.array([0.5, 1.0, 1.5, 1e10]))
ecase("lax", "atanh", np.array([-1.0, -0.5, 0.0, 1.0, 2.0]))
ecase("lax", "lgamma", np.array([-2.5, -1.0, 0.0, 0.5, 1.0, 2.0, 1e5]))
ecase("lax", "digamma", np.array([-2.5, -1.0, 0.0, 0.5, 1.0, 2.0, 1e5]))
ecase("lax", "sqrt", np.array([0.0, 1.0, -1.0, 4.0]))
ecase("lax", "log", np.array([0.0, 1.0, -1.0, 4.0]))
for x in (np.array([0.0, -0.0, 1.0, -2.0]),):
    ecase("lax", "abs", x)
    ecase("lax", "sign", x)
for x in (IA, IA.astype(np.int32), np.array([True, False])):
    for n in ("abs", "sign", "neg"):
        ecase("lax", n, x)
for k in (0, 1, 2, 3, -1, -3):
    ecase("lax", "integer_pow", np.array([0.0, -1.5, 2.0, -0.0]), k)
    ecase("lax", "integer_pow", IA, abs(k))
ecase("lax", "integer_pow", IA.astype(np.int32), 2)
for n in ("add", "sub", "mul", "div", "maximum", "minimum", "atan2", "pow", "eq", "ne", "lt", "le",
          "gt", "ge"):
    ecase("lax", n, V, V[::-1].copy())
    ecase("lax", n, np.array([0.0, -0.0, 0.0, np.nan, 1.0]), np.array([-0.0, 0.0, 0.0, 1.0, np.nan]))
for n in ("div", "add", "sub", "mul", "maximum", "minimum"):
    ecase("lax", n, IA, IB)
    ecase("lax", n, IA.astype(np.int32), IB.astype(np.int32))
ecase("lax", "div", IA, np.zeros_like(IA))
ecase("lax", "add", V, IA[:1].astype(np.float64))
ecase("lax", "add", V, np.float32(1.0))  # lax requires equal dtypes
ecase("lax", "add", V, 1.0)
ecase("lax", "add", M, V)                  # lax requires equal shapes
ecase("lax", "add", V.astype(np.float32), V)
ecase("lax", "mul", IA, 2)
ecase("lax", "pow", np.array([0.0, 2.0, -2.0, 0.0]), np.array([0.0, 0.5, 2.0, -1.0]))
ecase("lax", "pow", np.array([2.0, -2.0, 3.0]), np.array([2, 3, -1]))
ecase("lax", "atan2", np.array([0.0, -0.0, 0.0, -0.0, 1.0]), np.array([0.0, 0.0, -0.0, -0.0, 0.0]))
ecase("lax", "maximum", np.array([1.0, 2.0, 2.0]), np.array([1.0, 3.0, 2.0]))
ecase("lax", "minimum", np.array([1.0, 2.0, 2.0]), np.array([1.0, 3.0, 2.0]))
for n in ("logical_and", "logical_or"):
    ecase("lax", n, np.array([True, False, True]), np.array([True, True, False]))
    ecase("lax", n, IA, IB)
ecase("lax", "logical_not", np.array([True, False]))
ecase("lax", "logical_not", IA)
ecase("lax", "logical_not", V)
ecase("lax", "select", np.array([True, False, True]), np.array([1.0, 2, 3]), np.array([4.0, 5, 6]))
ecase("lax", "select", np.array([1, 0, 1]), np.array([1.0, 2, 3]), np.array([4.0, 5, 6]))
ecase("lax", "select", True, np.array([1.0, 2, 3]), np.array([4.0, 5, 6]))
ecase("lax", "select", np.array([True, False, True]), np.array([1.0, 2, 3]), np.array([4, 5, 6]))
ecase("lax", "convert_element_type", V, np.int32)
ecase("lax", "convert_element_type", np.array([-1.7, 2.5, np.nan, 1e30]), np.int32)
ecase("lax", "convert_element_type", V, np.bool_)
ecase("lax", "convert_element_type", IA, np.float32)
ecase("lax", "convert_element_type", np.array([300, -1]), np.uint8)
ecase("lax", "round", np.array([-2.5, -0.5, 0.5, 1.5, 2.5]), 0)
ecase("lax", "round", np.array([-2.5, -0.5, 0.5, 1.5, 2.5]), 1)
ecase("lax", "polygamma", 1, np.array([0.5, 3.0]))
ecase("lax", "polygamma", np.array([0.0, 1.0]), np.array([0.5, 3.0]))
ecase("lax", "polygamma", np.array([0.0, 1.0, 2.0]), np.array([0.5, 3.0, -1.5]))
ecase("lax", "exp2", np.array([-1075.0, 0.0, 1024.0]))

# shape & reductions
ecase("lax", "reshape", A3, (4, 6))
ecase("lax", "reshape", A3, (6, 4), (0, 2, 1))
ecase("lax", "reshape", A3, (5, 5))
ecase("lax", "broadcast_to", V, (2, 8)) if hasattr(jlax, "broadcast_to") else None
ecase("lax", "transpose", A3, (2, 0, 1))
ecase("lax", "transpose", A3, (0, 1))
ecase("lax", "concatenate", [M, M], 0)
ecase("lax", "concatenate", [M, M], 1)
ecase("lax", "concatenate", [M, V], 0)
ecase("lax", "concatenate", [M, M.astype(np.float32)], 0)
for n in ("reduce_sum", "reduce_max", "reduce_min", "reduce_prod"):
    ecase("lax", n, A3, (0, 2))
    ecase("lax", n, A3, ())
    ecase("lax", n, IA, (0,))
    ecase("lax", n, np.zeros((0, 3)), (0,))
    ecase("lax", n, np.array([np.nan, 1.0, 2.0]), (0,))
    ecase("lax", n, np.array([True, False]), (0,))
    ecase("lax", n, M, (2,))
for n in ("argmax", "argmin"):
    for x in (np.array([1.0, np.nan, 3.0, np.nan]), np.array([2.0, 3.0, 3.0, 1.0, 1.0]),
              np.array([-0.0, 0.0]), np.array([np.inf, -np.inf, 2.0])):
        ecase("lax", n, x, 0, np.int32)
    ecase("lax", n, IA, 0, np.int64)
    ecase("lax", n, M, 0, np.int64)
    ecase("lax", n, np.array([True, False, True]), 0, np.int32)
for n in ("cumsum", "cumprod", "cummax", "cummin", "cumlogsumexp"):
    ecase("lax", n, np.array([1.0, np.nan, 3.0, 2.0, 3.0]), axis=0)
    ecase("lax", n, np.array([2.0, 1.0, 2.0, 2.0, -1.0]), axis=0)
    ecase("lax", n, np.array([2.0, 1.0, 2.0, 2.0, -1.0]), axis=0, reverse=True)
    ecase("lax", n, IA, axis=0)
    ecase("lax", n, A3, axis=-1)
    ecase("lax", n, np.array([-np.inf, -np.inf, 0.0, np.inf]), axis=0)
    ecase("lax", n, np.array([True, False, True]), axis=0)
ecase("lax", "sort", np.array([3.0, np.nan, -0.0, 0.0, -np.inf, 1.0, np.nan]))
ecase("lax", "sort", M, dimension=0)
ecase("lax", "sort", (np.array([2.0, 1.0, 2.0, 0.0]), np.array([0.0, 1.0, 2.0, 3.0])), num_keys=1)
ecase("lax", "sort", (np.array([2.0, 1.0, 2.0, 0.0]), np.array([5.0, 1.0, 2.0, 3.0])), num_keys=2)
ecase("lax", "sort", M, is_stable=True)
ecase("lax", "sort", IA)
ecase("lax", "top_k", np.array([1.0, 3.0, 3.0, np.nan, 2.0]), 3)
ecase("lax", "top_k", M, 2)
ecase("lax", "top_k", IA, 2)
ecase("lax", "top_k", V, 0)
ecase("lax", "top_k", V, 9)
ecase("lax", "top_k", np.array([-0.0, 0.0, -0.0]), 2)
ecase("lax", "dot_general", M, M.T, (((1,), (0,)), ((), ())))
ecase("lax", "dot_general", A3, A3, (((2,), (2,)), ((0,), (0,))))
ecase("lax", "dot_general", A3, M, (((0,), (0,)), ((), ())))
ecase("lax", "dot_general", IA, IB, (((0,), (0,)), ((), ())))
ecase("lax", "dot_general", M, M.astype(np.float32), (((1,), (1,)), ((), ())))
ecase("lax", "dot_general", M, M, (((1,), (1,)), ((), ())), preferred_element_type=np.float32)
ecase("lax", "dot_general", M, M, (((0,), (1,)), ((), ())))
ecase("lax", "dot_general", V, V, (((0,), (0,)), ((), ())))
ecase("lax", "dot_general", A3, A3, (((1,), (1,)), ((0, 2), (0, 2))))
ecase("lax", "dot_general", A3, np.swapaxes(A3, 0, 2), (((1,), (1,)), ((0,), (2,))))
ecase("lax", "complex", V, V[::-1].copy())
ecase("lax", "real", V + 1j * V[::-1])
ecase("lax", "conj", V)

# ---------------------------------------------------------------- nn
NNX = [V, M, np.array([-np.inf, -1e3, 0.0, 1e3, np.inf, np.nan])]
for n in ("relu", "relu6", "celu", "elu", "selu", "gelu", "softplus", "silu", "log_sigmoid",
          "sigmoid", "hard_tanh", "leaky_relu", "swish"):
    for x in NNX:
        ecase("nn", n, x)
for x in NNX:
    ecase("nn", "gelu", x, approximate=False)
    ecase("nn", "celu", x, alpha=0.5)
    ecase("nn", "elu", x, alpha=2.0)
    ecase("nn", "leaky_relu", x, negative_slope=0.2)
for n in ("glu", "sparse_plus", "sparse_sigmoid", "squareplus", "mish", "hard_sigmoid",
          "hard_silu", "hard_swish", "soft_sign", "tanh", "logmeanexp"):
    ecase("nn", n, M)
for n in ("softmax", "log_softmax"):
    ecase("nn", n, M, axis=(0, 1))
    ecase("nn", n, M, where=np.array([[True, False, True], [True, True, False]]))
    ecase("nn", n, M, axis=0, where=np.array([[True, False, True], [False, False, False]]))
    ecase("nn", n, np.array([-np.inf, -np.inf]))
    ecase("nn", n, np.array([np.inf, 0.0]))
    ecase("nn", n, IA)
    ecase("nn", n, np.array([[1.0, 1.0], [2.0, 0.0]]), axis=-1)
ecase("nn", "logsumexp", M, axis=0, b=np.array([[1.0, 0.0, -1.0], [1.0, 0.0, 2.0]]))
ecase("nn", "logsumexp", M, b=np.array([1.0, -1.0, 2.0]), return_sign=True)
ecase("nn", "logsumexp", M, axis=1, return_sign=True)
ecase("nn", "logsumexp", M, where=np.array([[True, False, True], [True, True, False]]))
ecase("nn", "logsumexp", np.array([np.inf, 0.0]))
ecase("nn", "logsumexp", np.array([np.inf, -np.inf]))
ecase("nn", "logsumexp", np.array([np.inf, np.inf]))
ecase("nn", "logsumexp", np.zeros((0,)))
ecase("nn", "logsumexp", IA)
ecase("nn", "standardize", M, axis=0)
ecase("nn", "standardize", M, axis=-1, epsilon=0.0)
ecase("nn", "standardize", M, mean=np.array([[0.5], [1.0]]), variance=np.array([[2.0], [3.0]]))
ecase("nn", "standardize", M, where=np.array([[True, False, True], [True, True, False]]))
ecase("nn", "standardize", np.array([1.0, 1.0, 1.0]))
ecase("nn", "one_hot", np.array([0, 2, -1, 3, 1]), 3)
ecase("nn", "one_hot", np.array([0.0, 1.5, 2.0]), 3)
ecase("nn", "one_hot", np.array([[0, 2]]), 3, dtype=np.int32)
ecase("nn", "one_hot", np.array([[0, 2]]), 3, axis=0)
ecase("nn", "one_hot", np.int64(1), 4)
ecase("nn", "one_hot", np.array([0, 1]), 0)

# ---------------------------------------------------------------- scipy.special / stats / linalg
SSX = [np.array([-1.0, 0.0, 1e-300, 0.5, 1.0, 2.0, 30.0, np.inf, np.nan]), M]
for n in ("expit", "logit", "gammaln", "digamma", "ndtr", "ndtri", "log_ndtr", "erf", "erfc",
          "erfinv", "entr", "erfcx", "betaln", "i0", "i0e", "i1", "i1e", "spence", "exp1", "expi",
          "sinc", "gamma", "rgamma", "loggamma", "cbrt"):
    for x in SSX:
        ecase("ss", n, x)
ecase("ss", "log_ndtr", np.array([-40.0, -20.0, -5.0, 0.0, 5.0, 9.0, 40.0]))
ecase("ss", "ndtr", np.array([-40.0, -8.0, 0.0, 8.0]))
ecase("ss", "ndtri", np.array([1e-300, 1e-20, 0.1, 0.9, 1 - 1e-12]))
ecase("ss", "logit", np.array([0.0, 1.0, 0.5, 1e-10]))
ecase("ss", "xlogy", np.array([0.0, 0.0, 1.0, 0.0, 2.0]), np.array([0.0, -1.0, 0.0, np.nan, 3.0]))
ecase("ss", "xlog1py", np.array([0.0, 0.0, 1.0, 0.0]), np.array([-1.0, -2.0, -1.0, np.nan]))
ecase("ss", "xlogy", IA, np.abs(IB))
ecase("ss", "logsumexp", M, axis=0, b=np.array([[1.0, 0.0, -1.0], [1.0, 0.0, 2.0]]))
ecase("ss", "logsumexp", M, b=np.array([[1.0, -1.0, 2.0]]), return_sign=True)
ecase("ss", "logsumexp", V, b=-1.0, return_sign=True)
ecase("ss", "logsumexp", V, b=-1.0)
ecase("ss", "logsumexp", M, axis=(0, 1), keepdims=True)
ecase("ss", "logsumexp", np.array([1.0, 1.0]), b=np.array([1.0, -1.0]), return_sign=True)
ecase("ss", "logsumexp", np.array([1.0, 1.0]), b=np.array([1.0, -1.0]))
ecase("ss", "logsumexp", np.array([-np.inf, -np.inf]), return_sign=True)
ecase("ss", "gammaln", IA)
ecase("ss", "betaln", P, P[::-1].copy())
ecase("ss", "gammainc", P, P[::-1].copy())
ecase("ss", "gammaincc", P, P[::-1].copy())
ecase("ss", "polygamma", 1, P)
ecase("ss", "zeta", P + 1, P)
ecase("ss", "multigammaln", P + 2, 2)
ecase("ss", "softmax", M, axis=0)
ecase("ss", "log_softmax", M, axis=0)
for n in ("pdf", "logpdf", "cdf", "logcdf", "ppf", "sf", "logsf", "isf"):
    f = getattr(fst.norm, n, None)
    j = getattr(jst.norm, n, None)
    if f is None:
        print(f"# missing stats.norm.{n}", file=sys.stderr)
        continue
    arg = np.array([0.0, 0.1, 0.5, 0.9, 1.0]) if n in ("ppf", "isf") else V
    ECASES.append(("st.norm." + n, f, j, (arg,), {}))
    ECASES.append(("st.norm." + n, f, j, (arg, 1.0, 2.0), {}))
    ECASES.append(("st.norm." + n, f, j, (arg,), {"loc": V[:1], "scale": np.array([0.5])}))
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]])
GEN = np.array([[2.0, -1.0, 0.5], [1.0, 3.0, 0.2], [0.0, 0.2, -2.0]])
ecase("sl", "det", GEN)
ecase("sl", "inv", GEN)
ecase("sl", "expm", GEN * 0.3)
ecase("sl", "solve", GEN, V[:3])
ecase("sl", "solve", SPD, M.T, assume_a="pos")
ecase("sl", "solve_triangular", np.triu(GEN), V[:3])
ecase("sl", "solve_triangular", np.tril(GEN), M.T, lower=True)
ecase("sl", "solve_triangular", np.triu(GEN), V[:3], trans=1)
ecase("sl", "solve_triangular", np.triu(GEN), V[:3], unit_diagonal=True)
ecase("sl", "lu", GEN)
ecase("sl", "lu", GEN, permute_l=True)
ecase("sl", "lu_factor", GEN)
ecase("sl", "cho_factor", SPD)
ecase("sl", "cho_factor", SPD, lower=True)
ecase("sl", "block_diag", M, V[:2], np.float64(3.0))
lcase("sl.cho_solve", lambda L: L.sl.cho_solve(L.sl.cho_factor(SPD), V[:3]))
lcase("sl.lu_solve", lambda L: L.sl.lu_solve(L.sl.lu_factor(GEN), V[:3]))
lcase("sl.lu_solve trans", lambda L: L.sl.lu_solve(L.sl.lu_factor(GEN), V[:3], trans=1))
lcase("sl.expm_frechet", lambda L: L.sl.expm_frechet(GEN * 0.3, SPD * 0.1))

# more of jax.lax / jax.nn (compositions)
KINKS = np.array([-4.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 7.0])
for lo_, hi_ in ((0.0, 1.0), (1.0, 1.0), (2.0, 1.0)):
    ecase("lax", "clamp", lo_, V, hi_)
ecase("lax", "clamp", np.zeros(8), V, np.ones(8))
ecase("lax", "clamp", 0, IA, 3)
ecase("lax", "clamp", np.zeros(3), V, 1.0)
ecase("lax", "select_n", np.array([0, 1, 2, 1]), np.zeros(4), np.ones(4), 2 * np.ones(4))
ecase("lax", "select_n", np.array([True, False]), np.zeros(2), np.ones(2))
ecase("lax", "select_n", np.array([0, 1], np.int32), V[:2])
ecase("lax", "rsqrt", np.array([0.0, 4.0, -1.0, np.inf]))
ecase("lax", "rsqrt", P)
ecase("lax", "square", V)
ecase("lax", "square", IA.astype(np.int32))
ecase("lax", "max", V, V[::-1].copy())
ecase("lax", "min", V, V[::-1].copy())
ecase("lax", "rem", V, V[::-1].copy())
ecase("lax", "rem", IA, IB)
ecase("lax", "div", IA, IB)
ecase("lax", "expand_dims", M, (0, 3))
ecase("lax", "expand_dims", M, (-1,))
ecase("lax", "squeeze", np.ones((1, 2, 1)), (0,))
ecase("lax", "squeeze", np.ones((1, 2, 1)), (1,))
ecase("lax", "slice", A3, (0, 1, 0), (2, 3, 4), (1, 1, 2))
ecase("lax", "slice", np.arange(10.0), (1,), (8,), (3,))
ecase("lax", "slice", np.arange(10.0), (1,), (12,))
ecase("lax", "reshape", A3, (6, 4), (0, 2, 1))
ecase("lax", "dot_general", IA, IB, (((0,), (0,)), ((), ())), preferred_element_type=np.float64)
for n in ("glu", "sparse_plus", "sparse_sigmoid", "squareplus", "mish", "hard_sigmoid", "hard_silu",
          "hard_swish", "soft_sign", "tanh", "identity", "relu6", "hard_tanh", "relu", "celu",
          "elu", "selu", "leaky_relu"):
    ecase("nn", n, KINKS)
    ecase("nn", n, np.array([-np.inf, np.inf, np.nan, 0.0]))
ecase("nn", "glu", M, axis=0)
ecase("nn", "glu", M)
ecase("nn", "squareplus", V, b=1.0)
ecase("nn", "logmeanexp", M, axis=0)
ecase("nn", "logmeanexp", M, axis=1, keepdims=True)
ecase("nn", "logmeanexp", M, where=np.array([[True, False, True], [True, True, False]]))
ecase("nn", "logmeanexp", V)


# ---------------------------------------------------------------- running
def run_lcase(fn: Callable) -> list[str]:
    """A structural case: ``fn(FT)`` vs ``fn(JX)`` compared as pytrees (jax_diff.run_pair)."""
    return run_pair(fn, FT, JX)


def run_all(args: Any) -> None:
    """ECASES, then LCASES (``--only e``/``l`` runs one of them), then the summary line; also
    jax_diff_laxsurf's main, on its own cases."""
    only = getattr(args, "only", None)
    t = Tally()
    if only != "l":
        main_loop(ECASES, args, tally=t)
    n_e = t.n
    if only != "e":
        main_loop(LCASES, args, run_lcase, bracket_label, tally=t)
    t.summary("labels", f"{n_e} elementwise-style cases, {t.n - n_e} structural cases")


from jax_diff_lax_api import API_CASES  # noqa: E402  (API / tree_util / control-flow cases)

LCASES += API_CASES


def main() -> None:
    run_all(cli(only={"choices": ["e", "l"], "default": None, "help": "elementwise-style or structural cases only"}))


if __name__ == "__main__":
    main()
