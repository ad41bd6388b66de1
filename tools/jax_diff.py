"""Differential harness: functrans vs JAX (x64) on representative inputs.

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff.py [--grad-only] [--filter SUBSTR] [-v]

For each case it calls the same-named function in functrans and jax, compares
shapes, dtypes and values (NaN == NaN), the gradient of sum(f(x)) w.r.t. the first
(float) argument, and when both raise, the exception types. Prints one line per
discrepancy and a summary. ``--shard 0/2`` and ``--shard 1/2`` split the ~2600 cases over
two processes (about 5 minutes each; JAX's tracing dominates).

Known, deliberate differences (functrans follows NumPy) that the run still reports:
- bool inputs to float ufuncs give float16 (NumPy) vs JAX float32; bool floor_divide/fmod/
  power/remainder give int8 vs int32; deg2rad/divide/reciprocal of bool give float64.
- integer floor_divide/divmod/remainder by zero give 0 (NumPy) vs JAX's arbitrary values;
  integer ** negative integer raises ValueError (NumPy).
- float_power of float32 is float64 (NumPy); searchsorted returns int64 (JAX int32); tri
  defaults to float64 (JAX float32); nn.relu6 keeps int dtype (JAX float).
- exception types: AxisError (a ValueError and IndexError) where JAX raises ValueError or
  IndexError; shape mismatches in matmul/dot/tensordot/concatenate raise ValueError (NumPy)
  where JAX raises TypeError; median of an empty array raises ValueError.
- nn.sigmoid/silu/swish accept integer input (JAX raises TypeError); round/around accept bool.
- not supported: max(initial=...), lax.polygamma with an array order m.

This module is also the shared harness of the sibling scripts tools/jax_diff_*.py: importing it is
their preamble (repo root on sys.path, JAX's x64 mode, warnings off); ``Cases`` registers
``run_case`` cases (``add``/``np``/``lam``); ``run_pair``/``compare`` run and compare a structural
case ``fn(L)`` on a functrans and a JAX namespace; ``cli`` parses the common options and
``main_loop`` runs, times, reports (``report``) and counts (``Tally``) the selected cases.
"""
from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, ".")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.nn as jnn  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.special as jss  # noqa: E402
import jax.tree_util as jtu  # noqa: E402

import functrans as ft  # noqa: E402
import functrans.nn as fnn  # noqa: E402
import functrans.numpy as fnp  # noqa: E402
import functrans.scipy.special as fss  # noqa: E402
import functrans.tree_util as ftu  # noqa: E402

# Importing this module is the sibling scripts' whole preamble: the repo root on sys.path, JAX's x64
# mode on, warnings (NumPy's overflow/invalid-value ones above all) silenced.
warnings.filterwarnings("ignore")

# ---------------------------------------------------------------- case registration
# A case: (label, ft_fn, jax_fn, args, kwargs)
Case = tuple[str, Callable, Callable, tuple, dict]


class Cases(list):
    """A list of ``run_case`` cases with their registration helpers (shared by the sibling scripts):
    ``add(label, ft_fn, jax_fn, *args, **kw)``, ``np(name, *args, **kw)`` for ``fnp.<name>`` vs
    ``jnp.<name>`` (a dotted name reaches into linalg/fft; names missing on either side are skipped
    and collected in ``missing``; ``alias`` renames JAX's side), and ``lam(label, body, *args, **kw)``
    for ``body(namespace, *args, **kw)`` called with fnp and with jnp."""

    def __init__(self, alias: dict[str, str] | None = None) -> None:
        super().__init__()
        self.alias = alias or {}
        self.missing: set[str] = set()

    def add(self, name: str, ftf: Callable, jf: Callable, *args: Any, **kw: Any) -> None:
        self.append((name, ftf, jf, args, kw))

    def np(self, name: str, *args: Any, **kw: Any) -> None:
        f: Any = fnp
        j: Any = jnp
        for part in name.split("."):
            f = getattr(f, part, None)
            jp = getattr(j, self.alias.get(part, part), None)
            j = getattr(j, part, None) if jp is None else jp
            if f is None or j is None:
                self.missing.add(name)
                return
        self.add(name, f, j, *args, **kw)

    def lam(self, name: str, body: Callable, *args: Any, **kw: Any) -> None:
        self.add(name, lambda *a, **k: body(fnp, *a, **k), lambda *a, **k: body(jnp, *a, **k), *args, **kw)


# ---------------------------------------------------------------- inputs
V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])          # ties, zero, negatives
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])                 # 2-d with ties
S = np.float64(0.0)                                                # 0-d at kink
S2 = np.float64(0.75)
P = np.array([0.25, 0.5, 1.0, 2.0, 2.0, 4.0])                      # positive
U = np.array([-0.9, -0.5, 0.0, 0.0, 0.5, 0.9])                     # in (-1, 1)
IA = np.array([-3, -1, 0, 0, 2, 2, 5])
B = np.array([True, False, True, True])
FLOATS = [V, M, S, S2, V.astype(np.float32), M.astype(np.float32)]
ALL = FLOATS + [IA, IA.reshape(1, 7), np.int64(3), B]


def _domain(name: str) -> list:
    if name in ("arccosh",):
        return [P + 0.5, np.float64(1.0), np.array([1.0, 1.0, 2.0])] + [V]
    if name in ("arcsin", "arccos", "arctanh", "erfinv"):
        return [U, U.astype(np.float32), np.float64(0.0), V]
    if name in ("log", "log2", "log10", "sqrt", "reciprocal", "gammaln", "digamma", "logit",
                "ndtri"):
        return [P, P.astype(np.float32), np.float64(1.0), V, np.array([0.0, 1.0])]
    return []


UNARY = """abs absolute arccos arccosh arcsin arcsinh arctan arctanh around cbrt ceil conj
conjugate cos cosh deg2rad degrees exp exp2 expm1 fabs fix floor isfinite isinf isnan
isneginf isposinf log log10 log1p log2 logical_not negative positive rad2deg radians
real imag reciprocal rint round sign signbit sin sinc sinh sqrt square tan tanh trunc
nan_to_num""".split()
BINARY = """add arctan2 copysign divide equal float_power floor_divide fmax fmin fmod
greater greater_equal heaviside hypot less less_equal logaddexp logaddexp2 logical_and
logical_or logical_xor maximum minimum mod multiply not_equal power remainder subtract
true_divide divmod""".split()
REDUCE = """sum prod max min amax amin mean var std all any argmax argmin median ptp nansum
nanprod nanmax nanmin nanmean count_nonzero average cumsum cumprod""".split()
NN_UNARY = """celu elu gelu hard_tanh leaky_relu log_sigmoid relu relu6 selu sigmoid silu
softplus swish""".split()
NN_AXIS = "log_softmax logsumexp softmax standardize".split()
SS_UNARY = "digamma entr erf erfc erfinv expit gammaln log_ndtr logit ndtr ndtri".split()
SS_BIN = "xlog1py xlogy".split()

X2 = [(V, V[::-1].copy()), (V, V), (M, np.array([1.0, 0.0, -3.0])), (M, S2), (S, V),
      (V.astype(np.float32), np.float32(2.0)), (IA, IA[::-1].copy()), (IA, np.int64(2)),
      (V, IA[:1].astype(np.float64)), (P, np.array([2.0, 0.5, 0.0, -1.0, 3.0, 0.5])),
      (B, B[::-1].copy())]

CASES = Cases(alias={"fix": "trunc", "row_stack": "vstack", "round_": "round"})
add, np_case = CASES.add, CASES.np


for n in UNARY:
    for x in _domain(n) + ALL:
        np_case(n, x)
for n in BINARY:
    for a, b in X2:
        np_case(n, a, b)
for n in REDUCE:
    for x in [V, M, S, V.astype(np.float32), IA, M.astype(np.int64), B, np.zeros((0, 3))]:
        np_case(n, x)
        nd = np.ndim(x)
        for ax in ([0, -1] if nd else []) + ([1, (0, 1)] if nd == 2 else []):
            np_case(n, x, axis=ax)
            if n not in ("cumsum", "cumprod", "average"):
                np_case(n, x, axis=ax, keepdims=True)
    np_case(n, M, axis=2)          # bad axis: exception type
    np_case(n, V, axis=-2)
for n in ("var", "std", "nanmean"):
    np_case(n, M, axis=0, ddof=1) if n != "nanmean" else None
np_case("average", M, axis=0, weights=np.array([1.0, 3.0]))
np_case("average", V, weights=np.arange(8.0))
for q in (0.0, 0.3, 0.5, 1.0):
    np_case("quantile", V, q)
    np_case("quantile", M, q, axis=1)
    np_case("percentile", V, 100 * q)
np_case("quantile", V, np.array([0.1, 0.5]))
for n in NN_UNARY:
    for x in ALL[:6] + [IA]:
        add("nn." + n, getattr(fnn, n), getattr(jnn, n), x)
for n in NN_AXIS:
    for x in [V, M, S2, V.astype(np.float32)]:
        add("nn." + n, getattr(fnn, n), getattr(jnn, n), x)
    add("nn." + n, getattr(fnn, n), getattr(jnn, n), M, axis=0)
    add("nn." + n, getattr(fnn, n), getattr(jnn, n), M, axis=None)
    add("nn." + n, getattr(fnn, n), getattr(jnn, n), np.array([-np.inf, 0.0, 0.0]))
add("nn.one_hot", fnn.one_hot, jnn.one_hot, np.array([0, 2, 1, 5]), 3)
add("nn.one_hot", fnn.one_hot, jnn.one_hot, np.array([[0, 2]]), 3)
add("nn.logsumexp", fnn.logsumexp, jnn.logsumexp, M, axis=1, keepdims=True)
add("nn.logsumexp", fnn.logsumexp, jnn.logsumexp, M, b=np.array([1.0, -1.0, 2.0]))
for n in SS_UNARY:
    for x in _domain(n) + [V, M, S2, V.astype(np.float32), np.array([0.0, 1.0])]:
        add("special." + n, getattr(fss, n), getattr(jss, n), x)
for n in SS_BIN:
    for a, b in X2[:5] + [(np.array([0.0, 0.0, 1.0]), np.array([0.0, -1.0, 0.0]))]:
        add("special." + n, getattr(fss, n), getattr(jss, n), a, b)
add("special.logsumexp", fss.logsumexp, jss.logsumexp, M, axis=0)
add("special.logsumexp", fss.logsumexp, jss.logsumexp, V)
add("special.logsumexp", fss.logsumexp, jss.logsumexp, np.array([-np.inf, -np.inf]))

# ---------------------------------------------------------------- structural / misc
A3 = np.arange(24.0).reshape(2, 3, 4) - 7.0
misc: list[tuple] = [
    ("sort", (V,), {}), ("sort", (M,), {"axis": 0}), ("sort", (M,), {"axis": None}),
    ("argsort", (V,), {}), ("argsort", (M,), {"axis": 0}),
    ("partition", (V, 3), {}), ("searchsorted", (np.sort(V), M), {}),
    ("searchsorted", (np.sort(V), V), {"side": "right"}),
    ("clip", (V, -1.0, 1.0), {}), ("clip", (M, 0.0, None), {}), ("clip", (IA, 0, 2), {}),
    ("where", (V > 0, V, -V), {}), ("where", (V > 0, V, 0.0), {}),
    ("diff", (V,), {}), ("diff", (M,), {"axis": 0}), ("diff", (V,), {"n": 2}),
    ("ediff1d", (M,), {}), ("gradient", (V,), {}), ("gradient", (M,), {"axis": 1}),
    ("cross", (np.array([1.0, 2.0, 3.0]), np.array([0.0, -1.0, 2.0])), {}),
    ("dot", (M, M.T), {}), ("dot", (V, V), {}), ("dot", (S2, M), {}),
    ("matmul", (M, M.T), {}), ("matmul", (M.T, np.array([1.0, 2.0])), {}),
    ("inner", (M, M), {}), ("outer", (V, M), {}), ("vdot", (M, M), {}),
    ("kron", (M, np.eye(2)), {}), ("tensordot", (A3, A3, ([1, 2], [1, 2])), {}),
    ("tensordot", (M, M, 0), {}), ("trace", (A3,), {}), ("trace", (M,), {"offset": 1}),
    ("diagonal", (A3,), {"axis1": 1, "axis2": 2}), ("diag", (V,), {}), ("diag", (M,), {"k": -1}),
    ("diagflat", (M,), {}), ("tril", (M,), {}), ("triu", (M,), {"k": 1}),
    ("cumsum", (M,), {"axis": None}), ("cumprod", (V,), {}),
    ("roll", (V, 3), {}), ("roll", (M, 1), {"axis": 1}), ("roll", (M, -1), {}),
    ("flip", (M,), {}), ("flip", (M, 1), {}), ("fliplr", (M,), {}), ("flipud", (M,), {}),
    ("rot90", (M,), {}), ("rot90", (M, 3), {}),
    ("transpose", (A3,), {}), ("transpose", (A3, (2, 0, 1)), {}),
    ("moveaxis", (A3, 0, -1), {}), ("swapaxes", (A3, 0, 2), {}), ("rollaxis", (A3, 2), {}),
    ("reshape", (A3, (4, -1)), {}), ("ravel", (M,), {}), ("squeeze", (M[None],), {}),
    ("expand_dims", (M, (0, 3)), {}), ("atleast_1d", (S2,), {}), ("atleast_2d", (V,), {}),
    ("atleast_3d", (M,), {}), ("broadcast_to", (V, (2, 8)), {}),
    ("concatenate", ([M, M],), {"axis": 1}), ("concatenate", ([V, IA],), {}),
    ("stack", ([V, V],), {"axis": 1}), ("hstack", ([V, V],), {}), ("vstack", ([V, V],), {}),
    ("dstack", ([M, M],), {}), ("column_stack", ([V, V],), {}),
    ("append", (M, M), {"axis": 0}), ("append", (M, V), {}),
    ("split", (V, 4), {}), ("split", (V, [1, 5]), {}), ("array_split", (V, 3), {}),
    ("hsplit", (M, 3), {}), ("vsplit", (M, 2), {}), ("dsplit", (A3[..., None].repeat(2, -1), 2), {}),
    ("tile", (M, (2, 1)), {}), ("tile", (V, 2), {}), ("repeat", (M, 2), {}),
    ("repeat", (M, 2), {"axis": 0}), ("repeat", (V, np.array([1, 0, 2, 1, 1, 1, 1, 1])), {}),
    ("pad", (M, 1), {}), ("pad", (V, (2, 1)), {"mode": "edge"}),
    ("pad", (V, 2), {"mode": "reflect"}), ("pad", (M, ((1, 0), (0, 2))), {"constant_values": 5.0}),
    ("take", (V, np.array([0, 3, 3, 7])), {}), ("take", (M, np.array([2, 0])), {"axis": 1}),
    ("take_along_axis", (M, np.argsort(M, axis=1), 1), {}),
    ("delete", (V, 2), {}), ("delete", (M, [0], ), {"axis": 1}),
    ("insert", (V, 2, 9.0), {}), ("insert", (M, 1, 7.0), {"axis": 1}),
    ("select", ([V > 0, V < -1], [V, V * 2], 0.5), {}),
    ("count_nonzero", (M,), {"axis": 0}), ("nonzero", (M,), {}), ("flatnonzero", (V,), {}),
    ("argwhere", (M,), {}), ("trim_zeros", (np.array([0.0, 0.0, 1.0, 0.0, 2.0, 0.0]),), {}),
    ("resize", (M, (3, 4)), {}), ("linspace", (0.0, 1.0, 5), {}),
    ("linspace", (0, 1, 4), {"endpoint": False}), ("logspace", (0.0, 2.0, 3), {}),
    ("arange", (5,), {}), ("arange", (0.0, 1.0, 0.25), {}), ("arange", (1, 7, 2), {}),
    ("eye", (3,), {}), ("eye", (2, 3), {"k": 1}), ("identity", (2,), {}), ("tri", (3,), {}),
    ("zeros", ((2, 3),), {}), ("ones", (3,), {"dtype": np.int32}), ("full", ((2,), 7), {}),
    ("full", ((2,), 7.0), {}), ("full_like", (V, 2), {}), ("zeros_like", (IA,), {}),
    ("ones_like", (M,), {"dtype": np.float32}), ("empty", ((0,),), {}),
    ("meshgrid", (V[:3], V[:2]), {}), ("meshgrid", (V[:3], V[:2]), {"indexing": "ij"}),
    ("broadcast_arrays", (V, M[:1, :1]), {}), ("allclose", (V, V + 1e-9), {}),
    ("isclose", (V, V[::-1]), {}), ("array_equal", (V, V), {}), ("array_equiv", (M, M[0]), {}),
    ("astype", (V, np.int32), {}), ("astype", (IA, np.float32), {}),
    ("asarray", ([1, 2.0],), {}), ("array", ([[1, 2], [3, 4]],), {}),
    ("asarray", (True,), {}), ("array", (3,), {}),
    ("copy", (M,), {}), ("shape", (M,), {}), ("ndim", (M,), {}), ("size", (M,), {}),
    ("einsum", ("ij,kj->ik", M, M), {}), ("einsum", ("ii", np.eye(3) * 2), {}),
    ("einsum", ("i,i->", V, V), {}), ("median", (M,), {"axis": 0}),
    ("nanmax", (np.array([np.nan, 1.0, 1.0]),), {}), ("nansum", (np.array([np.nan, 1.0]),), {}),
    ("nanmean", (np.array([np.nan, 1.0, 2.0]),), {}),
    ("nan_to_num", (np.array([np.nan, np.inf, -np.inf, 1.0]),), {}),
    ("max", (V,), {"initial": 5.0}), ("sum", (M,), {"dtype": np.int32}),
    ("sum", (IA,), {"dtype": np.float32}), ("mean", (IA,), {}), ("prod", (B,), {}),
    ("sum", (B,), {}), ("cumsum", (B,), {}), ("var", (IA,), {}),
    ("power", (V, 2), {}), ("power", (V, 0.5), {}), ("power", (IA, 2), {}),
    ("power", (V, 3.0), {}), ("power", (0.0, P), {}), ("power", (S, S), {}),
    ("add", (IA, 1.5), {}), ("multiply", (V.astype(np.float32), 2.0), {}),
    ("add", (IA.astype(np.int32), 1), {}), ("add", (B, 1), {}),
    ("multiply", (V.astype(np.float32), np.float64(2.0)), {}),
    ("add", (IA.astype(np.int32), np.int64(1)), {}),
    ("divide", (IA, IA[::-1]), {}), ("floor_divide", (IA, 0), {}),
    ("add", (M, V), {}), ("matmul", (M, M), {}), ("concatenate", ([M, V],), {}),
    ("reshape", (M, (4, 2)), {}), ("squeeze", (M,), {"axis": 0}),
    ("swapaxes", (M, 0, 3), {}), ("moveaxis", (M, 0, 5), {}), ("take", (V, np.array([9])), {}),
    ("sort", (M,), {"axis": 3}), ("cumsum", (M,), {"axis": 4}), ("flip", (M, 2), {}),
    ("split", (V, 3), {}), ("expand_dims", (M, 4), {}), ("stack", ([V, M],), {}),
    ("broadcast_to", (M, (3,)), {}), ("tensordot", (M, M, ([0], [1])), {}),
    ("dot", (V, M), {}), ("roll", (M, 1), {"axis": 3}),
]
for name, args, kw in misc:
    np_case(name, *args, **kw)

# lax (where sensible)
import jax.lax as jlax  # noqa: E402

import functrans.lax as flax  # noqa: E402

for n in ("abs acos acosh asin asinh atan atanh cbrt ceil cos cosh digamma erf erf_inv erfc "
          "exp exp2 expm1 floor lgamma log log1p logistic neg sign sin sinh sqrt tan tanh").split():
    first = [U] if n in ("acos", "asin", "atanh", "erf_inv") else \
        [P] if n in ("acosh", "log", "sqrt", "lgamma", "digamma") else [V]
    for x in first + [M, S2]:
        add("lax." + n, getattr(flax, n), getattr(jlax, n), x)
for n in "add sub mul div max min atan2 pow".split():
    jn = {"max": "max", "min": "min"}.get(n, n)
    fn_ = {"max": "maximum", "min": "minimum"}.get(n, n)
    for a, b in [(V, V[::-1].copy()), (V, V), (P, P[::-1].copy())]:
        add("lax." + fn_, getattr(flax, fn_), getattr(jlax, jn), a, b)
for n in "cumsum cumprod cummax cummin cumlogsumexp".split():
    for x, ax in [(V, 0), (M, 1), (M, 0)]:
        add("lax." + n, getattr(flax, n), getattr(jlax, n), x, axis=ax)
        add("lax." + n, getattr(flax, n), getattr(jlax, n), x, axis=ax, reverse=True)
add("lax.integer_pow", flax.integer_pow, jlax.integer_pow, V, 3)
add("lax.integer_pow", flax.integer_pow, jlax.integer_pow, V, -2)
add("lax.integer_pow", flax.integer_pow, jlax.integer_pow, V, 0)
add("lax.round", flax.round, jlax.round, np.array([-2.5, -0.5, 0.5, 1.5, 2.5]))
add("lax.round", flax.round, jlax.round, np.array([-2.5, -0.5, 0.5, 1.5, 2.5]), 1)
add("lax.top_k", flax.top_k, jlax.top_k, V, 3)
add("lax.reduce_max", flax.reduce_max, jlax.reduce_max, M, (1,))
add("lax.reduce_max", flax.reduce_max, jlax.reduce_max, V, (0,))
add("lax.reduce_min", flax.reduce_min, jlax.reduce_min, M, (0,))
add("lax.reduce_sum", flax.reduce_sum, jlax.reduce_sum, M, (0, 1))
add("lax.reduce_prod", flax.reduce_prod, jlax.reduce_prod, V, (0,))
add("lax.reduce_prod", flax.reduce_prod, jlax.reduce_prod, M, (1,))
add("lax.sort", flax.sort, jlax.sort, V)
add("lax.argmax", flax.argmax, jlax.argmax, V, 0, np.int32)
add("lax.argmin", flax.argmin, jlax.argmin, M, 1, np.int64)
add("lax.polygamma", flax.polygamma, jlax.polygamma, np.array([1.0, 2.0]), np.array([0.5, 3.0]))
add("lax.dot_general", flax.dot_general, jlax.dot_general, A3, A3, (((2,), (2,)), ((0,), (0,))))
add("lax.transpose", flax.transpose, jlax.transpose, A3, (1, 2, 0))
add("lax.select", flax.select, jlax.select, V > 0, V, -V)
add("lax.stop_gradient", flax.stop_gradient, jlax.stop_gradient, V)


# ---------------------------------------------------------------- comparison
def _leaves(x: Any) -> list:
    if isinstance(x, (tuple, list)):
        out = []
        for e in x:
            out.extend(_leaves(e))
        return out
    return [x]


def _cmp(a: Any, b: Any, what: str) -> list[str]:
    la, lb = _leaves(a), _leaves(b)
    if len(la) != len(lb):
        return [f"{what}: {len(la)} outputs vs jax {len(lb)}"]
    errs = []
    for i, (x, y) in enumerate(zip(la, lb)):
        tag = what if len(la) == 1 else f"{what}[{i}]"
        if isinstance(x, (int, float, bool, str)) and isinstance(y, (int, float, bool, str)):
            if x != y:
                errs.append(f"{tag}: value {x!r} vs jax {y!r}")
            continue
        xa, ya = np.asarray(x), np.asarray(y)
        if xa.shape != ya.shape:
            errs.append(f"{tag}: shape {xa.shape} vs jax {ya.shape}")
            continue
        if xa.dtype != ya.dtype:
            errs.append(f"DTYPE {tag}: {xa.dtype} vs jax {ya.dtype}")
        if "float0" in (str(xa.dtype), str(ya.dtype)) or xa.dtype.names or ya.dtype.names:
            continue
        try:
            tol = 1e-4 if np.float32 in (xa.dtype.type, ya.dtype.type) else 1e-9
            ok = np.allclose(xa.astype(np.complex128), ya.astype(np.complex128),
                             rtol=tol, atol=tol, equal_nan=True)
        except (TypeError, ValueError):
            ok = np.array_equal(xa, ya)
        if not ok:
            errs.append(f"VALUE {tag}: {np.array2string(xa, precision=6)} vs jax "
                        f"{np.array2string(ya, precision=6)}")
    return errs


def _is_float(x: Any) -> bool:
    return np.issubdtype(np.asarray(x).dtype, np.floating)


def _try(f: Callable, *args: Any, **kw: Any) -> tuple[Any, Exception | None]:
    """``(f(*args, **kw), None)``, or ``(None, the exception)`` when it raises."""
    try:
        return f(*args, **kw), None
    except Exception as e:  # noqa: BLE001
        return None, e


def run_case(case: Case, do_grad: bool = True) -> tuple[list[str], bool]:
    name, ff, jf, args, kw = case
    fr, fe = _try(ff, *args, **kw)
    jr, je = _try(jf, *args, **kw)
    if fe is not None or je is not None:
        if fe is not None and je is not None:
            # NumPy's AxisError subclasses both ValueError and IndexError: either catch works
            if not isinstance(fe, type(je)) and not isinstance(je, type(fe)):
                return [f"EXC {type(fe).__name__} vs jax {type(je).__name__}: {str(je)[:80]}"], False
            return [], False
        if fe is not None:
            return [f"RAISES {type(fe).__name__}: {str(fe)[:120]} (jax ok)"], False
        return [f"NO-RAISE (jax {type(je).__name__}: {str(je)[:100]})"], False
    errs = _cmp(fr, np.asarray(jr) if not isinstance(jr, (tuple, list)) else jr, "out")
    graded = False
    x0 = args[0] if args else None
    if do_grad and isinstance(x0, np.ndarray | np.generic) and np.asarray(x0).dtype == np.float64:
        outs = _leaves(jr)
        if outs and all(_is_float(o) for o in outs) and not any(e.startswith("VALUE") or "shape" in e for e in errs):
            rest = args[1:]

            def fsum(x: Any) -> Any:
                return sum(fnp.sum(o) for o in _leaves(ff(x, *rest, **kw)))

            def jsum(x: Any) -> Any:
                return sum(jnp.sum(o) for o in _leaves(jf(x, *rest, **kw)))
            graded = True
            g_f, gfe = _try(lambda: ft.grad(fsum)(args[0]))
            g_j, gje = _try(lambda: jax.grad(jsum)(jnp.asarray(args[0])))
            if gfe is not None or gje is not None:
                if (gfe is None) != (gje is None):
                    errs.append(f"GRAD raises: ft {'ok' if gfe is None else type(gfe).__name__}"
                                f" / jax {'ok' if gje is None else type(gje).__name__}: "
                                f"{str(gje if gfe is None else gfe)[:100]}")
            else:
                errs += ["GRAD " + e for e in _cmp(g_f, np.asarray(g_j), "grad")]
    return errs, graded


def _fmt_args(args: tuple, kw: dict) -> str:
    def f(a: Any) -> str:
        if isinstance(a, np.ndarray):
            if a.size > 8:
                return f"{a.dtype}{list(a.shape)}"
            return f"{a.dtype}{np.array2string(a, precision=3, separator=',')}"
        if isinstance(a, np.generic):
            return f"{type(a).__name__}({a})"
        if isinstance(a, list):
            return "[" + ",".join(f(e) for e in a) + "]"
        return repr(a)
    s = ", ".join(f(a) for a in args)
    if kw:
        s += ", " + ", ".join(f"{k}={f(v)}" for k, v in kw.items())
    return s


def report(errs: list[str], label: str, key: str, args: Any, kinds: Counter, bad: set) -> None:
    """Print the differences of one case (less those ``--no-dtype``/``--no-exc`` hide), counting
    them by kind in ``kinds`` and the case's ``key`` in ``bad``. Shared by the sibling harnesses."""
    if args.no_dtype:
        errs = [e for e in errs if not e.startswith("DTYPE")]
    if args.no_exc:
        errs = [e for e in errs if not e.startswith("EXC")]
    for e in errs:
        kinds[e.split()[0].rstrip(":")] += 1
        bad.add(key)
        print(" ".join(f"{label}: {e}".split()))


# ---------------------------------------------------------------- structural comparison
# For cases ``fn(L)`` run once with a functrans namespace and once with a JAX one (jax_diff_lax,
# jax_diff_laxconv, jax_diff_laxsurf, jax_diff_misc): results are compared as pytrees.
def _flat(x: Any) -> tuple[Any, list]:
    leaves, tdef = jtu.tree_flatten(x, is_leaf=lambda v: v is None)
    return tdef, leaves


def _norm_leaf(v: Any) -> Any:
    if v is None or isinstance(v, (str, bool)):
        return v
    if isinstance(v, (ftu.PyTreeDef, jtu.PyTreeDef)):
        return "treedef:" + str(v)
    if callable(v) and not hasattr(v, "shape"):
        return "<callable>"
    try:
        return np.asarray(v)
    except Exception:  # noqa: BLE001
        return repr(v)


def compare(fr: Any, jr: Any) -> list[str]:
    ft_def, fl = _flat(fr)
    jx_def, jl = _flat(jr)
    errs = []
    if str(ft_def) != str(jx_def):
        return [f"TREE {ft_def} vs jax {jx_def}"]
    for i, (a, b) in enumerate(zip(fl, jl)):
        a, b = _norm_leaf(a), _norm_leaf(b)
        tag = f"leaf{i}"
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            if type(fl[i]) in (int, float, bool) and type(jl[i]) in (int, float, bool):
                if type(fl[i]) is not type(jl[i]):
                    errs.append(f"PYTYPE {tag}: {type(fl[i]).__name__} vs jax {type(jl[i]).__name__}")
            if a.shape != b.shape:
                errs.append(f"SHAPE {tag}: {a.shape} vs jax {b.shape}")
                continue
            if a.dtype != b.dtype and "float0" not in (str(a.dtype), str(b.dtype)):
                errs.append(f"DTYPE {tag}: {a.dtype} vs jax {b.dtype}")
            if "float0" in (str(a.dtype), str(b.dtype)):
                if str(a.dtype) != str(b.dtype):
                    errs.append(f"DTYPE {tag}: {a.dtype} vs jax {b.dtype}")
                continue
            try:
                tol = 1e-4 if np.float32 in (a.dtype.type, b.dtype.type) else 1e-9
                ok = np.allclose(a.astype(np.complex128), b.astype(np.complex128), rtol=tol,
                                 atol=tol, equal_nan=True)
            except (TypeError, ValueError):
                ok = np.array_equal(a, b)
            if not ok:
                errs.append(f"VALUE {tag}: {np.array2string(a, precision=6)} vs jax "
                            f"{np.array2string(b, precision=6)}")
        elif isinstance(a, str) and isinstance(b, str) and a.startswith("treedef:"):
            if a != b:
                errs.append(f"TREEDEF {tag}: {a[8:]} vs jax {b[8:]}")
        elif type(a) is not type(b) or (not isinstance(a, np.ndarray) and a != b):
            errs.append(f"VALUE {tag}: {a!r} vs jax {b!r}")
    return errs


def run_pair(fn: Callable, ft_ns: Any, jax_ns: Any) -> list[str]:
    """``fn(ft_ns)`` vs ``fn(jax_ns)``: exception types when either raises, else ``compare``."""
    fr, fe = _try(fn, ft_ns)
    jr, je = _try(fn, jax_ns)
    if fe is not None or je is not None:
        if fe is not None and je is not None:
            if not isinstance(fe, type(je)) and not isinstance(je, type(fe)):
                return [f"EXC {type(fe).__name__}: {str(fe)[:80]} vs jax {type(je).__name__}: "
                        f"{str(je)[:80]}"]
            return []
        if fe is not None:
            return [f"RAISES {type(fe).__name__}: {str(fe)[:150]} (jax ok)"]
        return [f"NO-RAISE (jax {type(je).__name__}: {str(je)[:120]})"]
    try:
        return compare(fr, jr)
    except Exception as e:  # noqa: BLE001
        return [f"HARNESS {type(e).__name__}: {e}"]


# ---------------------------------------------------------------- command line and main loop
def cli(**extra: dict) -> argparse.Namespace:
    """The scripts' options: ``--filter``, ``--no-dtype``, ``--no-exc``, plus ``extra`` (``shard={...}``
    becomes ``--shard``: keyword arguments of ``add_argument``)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--filter", default="", help="run only the cases whose label contains SUBSTR")
    ap.add_argument("--no-dtype", action="store_true", help="hide dtype-only differences")
    ap.add_argument("--no-exc", action="store_true", help="hide exception-type differences")
    for name, kw in extra.items():
        ap.add_argument("--" + name.replace("_", "-"), **kw)
    return ap.parse_args()


SHARD = {"default": "0/1", "help": "i/n: run every n-th case from the i-th"}


def call_label(case: Case) -> str:
    """How a ``run_case`` case is printed: ``name(args, kw=...)``."""
    return f"{case[0]}({_fmt_args(case[3], case[4])})"


def bracket_label(case: tuple) -> str:
    """How a structural case ``(label, fn)`` is printed: ``[label]``."""
    return f"[{case[0]}]"


class Tally:
    """What ``main_loop`` counted: cases, gradient checks, names (``name_of`` the labels), the kinds
    of differences and the labels with differences."""

    def __init__(self) -> None:
        self.n = self.n_grads = 0
        self.names: set[str] = set()
        self.kinds: Counter = Counter()
        self.bad: set[str] = set()

    def counts(self, names: str) -> str:
        return f"{len(self.names)} {names}, {self.n} cases, {self.n_grads} gradient checks"

    def summary(self, bad: str, counts: str | None = None) -> None:
        """Print the closing line: ``counts`` (default ``N cases``); how many ``bad`` differ, by kind."""
        print(f"\n{counts or f'{self.n} cases'}; {len(self.bad)} {bad} with differences: {dict(self.kinds)}")


def main_loop(cases: list, args: argparse.Namespace, run: Callable = run_case,
              label_of: Callable = call_label, name_of: Callable = lambda key: key,
              tally: Tally | None = None) -> Tally:
    """Run the cases (``args.shard``'s share of them, if any) whose label contains ``args.filter``:
    ``run(case)`` gives the differences (and whether a gradient was checked), which ``report`` prints
    under ``label_of(case)``; a harness exception is reported as a HARNESS difference and a case
    slower than 2 s is named on stderr. Counts into ``tally`` (a new one by default), returned."""
    t = Tally() if tally is None else tally
    si, sn = (int(v) for v in getattr(args, "shard", "0/1").split("/"))
    for case in cases[si::sn]:
        key = case[0]
        if args.filter and args.filter not in key:
            continue
        t.names.add(name_of(key))
        t.n += 1
        t0 = time.perf_counter()
        try:
            res = run(case)
        except Exception as e:  # noqa: BLE001
            res = [f"HARNESS {type(e).__name__}: {str(e)[:100]}"]
        dt = time.perf_counter() - t0
        if dt > 2.0:
            print(f"# slow case {key} {dt:.1f}s", file=sys.stderr)
        errs, graded = res if isinstance(res, tuple) else (res, False)
        t.n_grads += graded
        report(errs, label_of(case), key, args, t.kinds, t.bad)
    return t


def main() -> None:
    args = cli(shard=SHARD)
    t = main_loop(CASES, args)
    t.summary("functions", t.counts("functions"))
    if not args.filter:
        cov = {n for n in fnp.__all__ if callable(getattr(fnp, n, None))}
        print("numpy names not exercised:", " ".join(sorted(n for n in cov if n not in t.names and "." not in n)))


if __name__ == "__main__":
    main()
