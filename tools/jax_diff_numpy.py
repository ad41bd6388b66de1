"""Differential harness, second part: the non-ufunc NumPy surface of functrans vs JAX (x64).

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_numpy.py [--filter SUBSTR] [--no-dtype] [--no-exc]

Same comparison as tools/jax_diff.py (values, shapes, dtypes, gradient of sum(f(x)) w.r.t.
the first float64 argument, exception types), on indexing and ``x.at[...]`` updates,
take/take_along_axis, sorting and searching, where/select/clip, pad modes, roll/rot90/flip,
array creation, contractions, ``numpy.linalg`` and ``numpy.fft``. Cases whose array is not
the first argument wrap the call in a lambda of that array.

Known differences that the run still reports (deliberate, or JAX-undefined; see also
tools/jax_diff.py's list, e.g. NumPy type promotion and ValueError-vs-TypeError for shapes):
- index dtypes: searchsorted and digitize give int64 (JAX int32).
- eager ``Array`` indexing follows NumPy (functrans/_src/numpy/array.py): an out-of-bounds
  int or index array raises IndexError and a list index is an index array; traced indexing
  and ``x.at[i].get()`` clamp as JAX.
- gradient of ``x[i]`` with out-of-bounds ``i`` in JAX's default mode (promise_in_bounds):
  JAX's reverse mode drops the cotangent (its forward mode keeps it); functrans gives the
  clamped element's derivative in both. ``x.at[i].min/max(v, mode="clip")`` at a clamped
  index: JAX gives derivative 1 to an element the update replaced; functrans 0.
- supersets (JAX raises, functrans computes): gradients of ``at[].multiply/divide/power``
  with repeated indices and of ``at[].apply``; sort(kind=...), gradient(edge_order=2),
  split at unsorted indices, delete/insert with list indices, tril/triu of 1-d arrays,
  fill_diagonal(wrap=True), compress(size= larger than the axis), meshgrid(copy=False).
- degenerate linear algebra: gradients of solve/slogdet/qr at singular matrices (JAX gives
  +-inf patterns, functrans NaN or opposite signs); polyfit's gradient at x == 0 (JAX NaN
  from d/dx x**0).
- rounding of JAX's linspace formula under XLA (1 ulp): integer ``pad(mode="linear_ramp")``
  values and ``histogram`` counts of values exactly on a bin edge may differ by one step;
  logspace with an integer dtype overflows differently; ``geomspace`` from 0.
- not supported: einsum's ``_dot_general``. (qr(mode="raw") and unique(axis=..., size=...) are
  checked by tools/jax_diff_npstats.py.)
- float32 complex FFT results are compared at float64 tolerance by the shared comparator
  (reported as VALUE although equal to ~1e-7).
"""
from __future__ import annotations

import numpy as np
from jax_diff import SHARD, Cases, cli, main_loop

CASES = Cases()
# np_case: fnp.<name> vs jnp.<name> (dotted names reach into linalg/fft); lam: a case whose body
# receives the namespace (fnp or jnp) and the arguments
add, np_case, lam = CASES.add, CASES.np, CASES.lam


# ---------------------------------------------------------------- inputs
V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
A3 = np.arange(24.0).reshape(2, 3, 4) - 7.0
SQ = np.array([[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 5.0]])      # SPD
GN = np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 4.0], [0.5, 2.0, -2.0]])      # general
SING = np.array([[1.0, 2.0], [2.0, 4.0]])
IA = np.array([-3, -1, 0, 0, 2, 2, 5])
B = np.array([True, False, True, True])
F32 = V.astype(np.float32)

# ---------------------------------------------------------------- indexing / at[]
IDX = [
    0, -1, 7, slice(1, 5), slice(None, None, -2), slice(-3, None), (Ellipsis,),
    np.array([0, 3, 3, -1]), np.array([[1, 2], [-8, 7]]), [0, 2], V > 0, np.array([], np.int64),
    np.array([True] * 8), (None, slice(2, 4)),
]
for i in IDX:
    lam(f"getitem[{i!r}]", lambda ns, x, i=i: ns.asarray(x)[i], V)
IDX2 = [
    (0, 1), (-1, -3), (slice(None), 1), (1,), (np.array([0, 1, 1]), np.array([2, 0, 2])),
    (np.array([1, 0]), slice(None)), (slice(None), np.array([2, -1])), (M > 0,),
    (M[:, 0] > 1,), (slice(None), np.array([True, False, True])), (Ellipsis, 0),
    (None, 1, np.array([0, 2])), (np.array([[0], [1]]), np.array([0, 2])), (1, np.array([0, 2])),
    (np.array(1), np.array(2)), (slice(None, None, -1), np.array([0, 0])),
]
for i in IDX2:
    lam(f"getitem2[{i!r}]", lambda ns, x, i=i: ns.asarray(x)[i], M)
IDX3 = [(np.array([0, 1]), slice(None), np.array([1, 3])), (0, slice(None), np.array([1, -1])),
        (slice(None), np.array([0, 2]), 1), (Ellipsis, np.array([0, 3])), (np.array([1]), 1, 1),
        (slice(None), None, np.array([2, 0]), slice(1, 3))]
for i in IDX3:
    lam(f"getitem3[{i!r}]", lambda ns, x, i=i: ns.asarray(x)[i], A3)
# out of bounds: JAX clamps when reading array indices
lam("getitem[oob arr]", lambda ns, x: ns.asarray(x)[np.array([8, -9, 100])], V)
lam("getitem[oob int]", lambda ns, x: ns.asarray(x)[9], V)
lam("getitem[oob slice]", lambda ns, x: ns.asarray(x)[5:20], V)
for mode in (None, "clip", "fill"):
    lam(f"at.get[{mode}]", lambda ns, x, m=mode: ns.asarray(x).at[np.array([0, 8, -9, -1])].get(mode=m), V)
lam("at.get[fill,fv]", lambda ns, x: ns.asarray(x).at[np.array([0, 8, -9])].get(mode="fill", fill_value=-5.0), V)
lam("at.get[fill,int]", lambda ns, x: ns.asarray(x).at[np.array([0, 8])].get(mode="fill"), IA)
lam("at.get[fill,bool]", lambda ns, x: ns.asarray(x).at[np.array([0, 8])].get(mode="fill"), B)
UPD = [
    (np.array([0, 3, 3]), np.array([10.0, 20.0, 30.0])), (np.array([1, -1]), 5.0),
    (np.array([2, 9, -9]), np.array([1.0, 2.0, 3.0])), (slice(2, 5), -1.0), (V > 0, 0.25),
    (np.array([[0, 1], [1, 2]]), np.array([[1.0, 2.0], [3.0, 4.0]])), (4, 7.0), (9, 7.0),
    (Ellipsis, 2.0), (np.array([0, 0, 0, 5]), np.array([1.0, -1.0, 3.0, 0.0])),
    (np.array([2, 3]), np.array([0.0, 0.0])), (np.array([5, 6]), np.array([1.0, 1.0])),
]
for op in ("set", "add", "multiply", "min", "max", "divide", "power", "subtract"):
    for k, (i, v) in enumerate(UPD):
        if op in ("set",) and k in (0, 9):
            continue  # repeated indices: unspecified winner
        for mode in (None, "clip", "drop"):
            if mode is not None and k not in (2, 7):
                continue
            lam(f"at.{op}[{k}:{mode}]",
                lambda ns, x, i=i, v=v, op=op, m=mode: getattr(ns.asarray(x).at[i], op)(v, mode=m), V)
        # gradient w.r.t. the update values
        if np.ndim(v):
            lam(f"at.{op}.dv[{k}]",
                lambda ns, vv, i=i, op=op: getattr(ns.asarray(V).at[i], op)(vv), np.asarray(v))
for op in ("set", "add", "min", "max", "multiply"):
    for i, v in [((0, 1), 9.0), ((slice(None), np.array([0, 2])), np.array([1.0, 2.0])),
                 ((np.array([0, 1]), np.array([2, 2])), np.array([5.0, -5.0])), ((M > 0,), 0.0),
                 ((np.array([1, 1]), slice(None)), np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])),
                 ((slice(None), 1), np.array([2.0, -1.0])), ((1, slice(0, 2)), np.array([[7.0, 8.0]]))]:
        if op == "set" and isinstance(i[0], np.ndarray) and i[0].tolist() == [1, 1]:
            continue
        lam(f"at2.{op}[{i!r}]", lambda ns, x, i=i, v=v, op=op: getattr(ns.asarray(x).at[i], op)(v), M)
lam("at.add.int", lambda ns, x: ns.asarray(x).at[np.array([0, 0, 9])].add(2), IA)
lam("at.add.int_float", lambda ns, x: ns.asarray(x).at[1].add(2.7), IA)
lam("at.set.f32_f64", lambda ns, x: ns.asarray(x).at[1].set(np.float64(2.5)), F32)
lam("at.set.bool", lambda ns, x: ns.asarray(x).at[1].set(True), B)
lam("at.set.shape_err", lambda ns, x: ns.asarray(x).at[np.array([0, 1])].set(np.ones(3)), V)
lam("at.apply", lambda ns, x: ns.asarray(x).at[np.array([0, 2])].apply(lambda t: t * 3), V)
lam("at3.add", lambda ns, x: ns.asarray(x).at[np.array([0, 1]), :, np.array([1, 1])].add(1.0), A3)
lam("at3.set", lambda ns, x: ns.asarray(x).at[:, np.array([0, 2]), 1:3].set(0.0), A3)
lam("at3.mixed", lambda ns, x: ns.asarray(x).at[0, :, np.array([3, 1])].multiply(2.0), A3)

# take / take_along_axis
for mode in (None, "clip", "wrap", "fill"):
    np_case("take", V, np.array([0, -1, 8, -9, 20]), mode=mode)
    np_case("take", M, np.array([[0, 5], [-4, 1]]), axis=1, mode=mode)
np_case("take", M, np.array([0, 5]), mode="fill", fill_value=-1.0)
np_case("take", M, 4)
np_case("take", M, np.array([1, 4]), axis=None)
np_case("take", IA, np.array([0, 100]))
np_case("take", M, np.array([0]), axis=2)
np_case("take", V, np.array([0.0, 1.0]))
for mode in (None, "clip", "fill"):
    np_case("take_along_axis", M, np.array([[0, 2, 5], [-1, 0, -4]]), 1, mode=mode)
np_case("take_along_axis", M, np.array([[1, 0, 0]]), 0)
np_case("take_along_axis", V, np.array([3, 3, 0]), None)
np_case("take_along_axis", A3, np.argsort(A3, axis=2)[..., ::-1], 2)
np_case("take_along_axis", M, np.array([0, 1]), 1)
np_case("take_along_axis", M, np.array([[0.0]]), 1)

# ---------------------------------------------------------------- sorting / searching
VN = np.array([1.0, np.nan, -1.0, 0.0, -0.0, np.inf, -np.inf, 1.0])
for x in (V, M, A3, VN, IA, B, F32, np.zeros((0,)), np.zeros((2, 0))):
    np_case("sort", x)
    np_case("argsort", x)
    if np.ndim(x) > 1:
        np_case("sort", x, axis=0)
        np_case("argsort", x, axis=0)
        np_case("sort", x, axis=None)
        np_case("argsort", x, axis=None)
    np_case("sort", x, descending=True)
    np_case("argsort", x, descending=True)
    np_case("argsort", x, stable=True, descending=True)
np_case("sort", np.float64(1.0))
np_case("argsort", np.float64(1.0))
np_case("sort", M, axis=2)
np_case("sort", M, kind="stable")
for x in (V, M, VN, IA, np.array([3.0, 1.0, 2.0, 2.0, 0.0])):
    for k in (0, 1, -1, 2):
        np_case("partition", x, k)
    np_case("partition", x, 1, axis=0)
np_case("partition", V, 8)
np_case("partition", V, np.array([1, 3]))
SA = np.sort(V)
for side in ("left", "right"):
    for q in (V, M, np.array([-5.0, 10.0, 0.5, np.nan]), np.float64(1.0), IA):
        np_case("searchsorted", SA, q, side=side)
    np_case("searchsorted", V[::-1].copy(), V, side=side, sorter=np.argsort(V[::-1]))
np_case("searchsorted", np.array([1.0, np.nan, np.nan]), np.array([np.nan, 1.0, 5.0]))
np_case("searchsorted", M, V)
np_case("searchsorted", SA, V, side="middle")
np_case("searchsorted", IA, np.array([0.5, 2.0]))
U1 = np.array([3.0, 1.0, 1.0, np.nan, 2.0, np.nan, 3.0, 0.0])
for x in (V, M, IA, B, U1, np.zeros(0), np.array([[1, 2], [1, 2], [0, 5]])):
    np_case("unique", x)
    np_case("unique", x, return_index=True)
    np_case("unique", x, return_inverse=True)
    np_case("unique", x, return_counts=True)
    np_case("unique", x, True, True, True)
    np_case("unique", x, size=5)
    np_case("unique", x, size=3, fill_value=-7)
    np_case("unique", x, equal_nan=False)
np_case("unique", M, axis=0)
np_case("unique", np.array([[1, 2], [1, 2], [0, 5]]), axis=0, return_inverse=True)
np_case("unique", np.array([[1, 2], [1, 2], [0, 5]]), axis=1)
np_case("unique", V, size=10, return_index=True)
np_case("unique", V, size=10, return_counts=True, return_inverse=True)
np_case("lexsort", (np.array([1, 0, 1, 0]), np.array([2.0, 2.0, 1.0, 1.0])))
np_case("argpartition", V, 3)
for name in ("argmax", "argmin"):
    np_case(name, VN)
    np_case(name, M, axis=1, keepdims=True)
    np_case(name, np.zeros(0))
# ties of max/min/median/sort and friends: gradients
TIE = np.array([1.0, 3.0, 3.0, -1.0, 3.0])
for n in ("max", "min", "amax", "median", "ptp", "nanmax", "nanmin", "sort", "partition"):
    a = (TIE,) if n != "partition" else (TIE, 4)
    np_case(n, *a)
np_case("median", np.array([1.0, 2.0, 2.0, 5.0]))
np_case("median", np.array([[1.0, 2.0], [2.0, 2.0]]), axis=None)
np_case("median", np.array([1.0, np.nan, 2.0]))
np_case("quantile", TIE, 0.5, method="lower")
np_case("quantile", TIE, 0.5, method="higher")
np_case("quantile", TIE, 0.4, method="nearest")
np_case("quantile", TIE, 0.4, method="midpoint")
np_case("quantile", np.array([1.0, 2.0, 3.0, 4.0]), 0.5, method="nearest")
np_case("quantile", M, np.array([0.25, 0.75]), axis=1, keepdims=True)
np_case("percentile", M, 50.0, axis=0)

# ---------------------------------------------------------------- where / select / clip
lam("where.grad", lambda ns, x: ns.where(x > 0, ns.sqrt(x), 0.0), V)
lam("where1", lambda ns, x: ns.where(x), V)
lam("where.bcast", lambda ns, x: ns.where(np.array([True, False, True]), x, x[::-1]), M)
lam("where.int", lambda ns, x: ns.where(x > 0, x, 0.5), IA)
lam("where.f32", lambda ns, x: ns.where(x > 0, x, 0.5), F32)
lam("where.f32_64", lambda ns, x: ns.where(x > 0, x, np.float64(0.5)), F32)
lam("where.cond_float", lambda ns, x: ns.where(x, 1.0, 2.0), V)
lam("where.size", lambda ns, x: ns.where(x > 0, size=6, fill_value=-1), V)
lam("where.one_arg_size", lambda ns, x: ns.where(x > 0, size=2), M)
lam("select.default", lambda ns, x: ns.select([x > 1, x < 0], [x, -x]), V)
lam("select.overlap", lambda ns, x: ns.select([x > 0, x > 0.5], [x * 2, x * 3], default=x), V)
lam("select.int", lambda ns, x: ns.select([x > 0], [x]), IA)
lam("select.mixed", lambda ns, x: ns.select([x > 0], [x], default=0.5), IA)
lam("select.bad", lambda ns, x: ns.select([x > 0, x > 1], [x]), V)
lam("select.noncond", lambda ns, x: ns.select([x], [x]), V)
lam("select.empty", lambda ns, x: ns.select([], []), V)
for lo, hi in [(-1.0, 1.0), (0.0, None), (None, 0.5), (1.0, -1.0), (0, 2), (np.array(0.0), 1.0)]:
    np_case("clip", V, lo, hi)
    np_case("clip", IA, lo, hi)
np_case("clip", F32, -1.0, 1.0)
np_case("clip", IA, 0.5, 2.5)
np_case("clip", V, min=-1.0, max=1.0)
np_case("clip", VN, -1.0, 1.0)
lam("clip.grad_lo", lambda ns, lo: ns.clip(V, lo, 1.0), np.array([0.0, 0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0]))
lam("clip.grad_hi", lambda ns, hi: ns.clip(V, -1.0, hi), np.full(8, 1.0))
lam("clip.none", lambda ns, x: ns.clip(x), V)
for kw in ({}, {"nan": 1.0}, {"posinf": 9.0, "neginf": -9.0}, {"copy": False}):
    np_case("nan_to_num", VN, **kw)
    np_case("nan_to_num", VN.astype(np.float32), **kw)
np_case("nan_to_num", IA)
np_case("nan_to_num", B)
np_case("nan_to_num", np.float64(np.inf))
np_case("piecewise", V, [V < 0, V > 1], [lambda x: -x, lambda x: x ** 2, 0.5])

# ---------------------------------------------------------------- structure / joining
for mode in ("constant", "edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum",
             "minimum", "mean", "median", "empty"):
    for pw in (2, (1, 3), ((1, 0), (2, 1)), 0, 5):
        x = M if isinstance(pw, tuple) and isinstance(pw[0], tuple) else V
        if mode == "empty":
            continue
        np_case("pad", x, pw, mode=mode)
    np_case("pad", M, 1, mode=mode)
    np_case("pad", IA, 2, mode=mode)
np_case("pad", V, 2, mode="reflect", reflect_type="odd")
np_case("pad", V, 2, mode="symmetric", reflect_type="odd")
np_case("pad", V, 2, mode="linear_ramp", end_values=(5.0, -1.0))
np_case("pad", V, 2, mode="maximum", stat_length=2)
np_case("pad", V, 2, mode="mean", stat_length=(1, 3))
np_case("pad", V, (1, 2), constant_values=(7.0, 8.0))
np_case("pad", M, ((1, 1), (0, 0)), constant_values=((1.0, 2.0), (3.0, 4.0)))
np_case("pad", np.array([1.0, 2.0]), 7, mode="reflect")
np_case("pad", np.array([1.0, 2.0]), 7, mode="symmetric")
np_case("pad", np.array([1.0, 2.0]), 7, mode="wrap")
np_case("pad", np.array([5.0]), 3, mode="reflect")
np_case("pad", V, -1)
np_case("pad", V, 2, mode="bogus")
np_case("pad", IA, 2, constant_values=1.7)
np_case("pad", np.float64(1.0), 2)
for sh in (3, -1, 0, 20, -9):
    np_case("roll", V, sh)
np_case("roll", M, (1, -1), axis=(0, 1))
np_case("roll", M, 1, axis=(0, 1))
np_case("roll", M, (1, 2), axis=1)
np_case("roll", M, np.array(2))
np_case("roll", np.float64(1.0), 2)
for k in (0, 1, 2, 3, 4, -1, 5):
    np_case("rot90", A3, k)
np_case("rot90", A3, 1, axes=(2, 0))
np_case("rot90", A3, 1, axes=(0, 0))
np_case("rot90", V)
np_case("flip", A3, (0, 2))
np_case("flip", A3, -1)
np_case("flip", np.float64(2.0))
np_case("fliplr", V)
np_case("flipud", np.float64(2.0))
np_case("repeat", V, 3)
np_case("repeat", M, np.array([1, 0, 2]), axis=1)
np_case("repeat", M, np.array([1, 2]), axis=1)
np_case("repeat", M, 0)
np_case("repeat", M, 2, axis=-1)
np_case("repeat", M, np.array([2, 1]), axis=0, total_repeat_length=3)
np_case("tile", A3, (2, 1, 1, 1))
np_case("tile", M, 0)
np_case("tile", np.float64(1.0), (2, 2))
np_case("diff", V, prepend=0.0)
np_case("diff", M, append=np.zeros((2, 1)))
np_case("diff", V, n=0)
np_case("diff", V, n=9)
np_case("diff", IA)
np_case("diff", B)
np_case("diff", np.float64(1.0))
np_case("diff", V, n=-1)
np_case("ediff1d", V, to_begin=np.array([1.0, 2.0]), to_end=-1.0)
np_case("gradient", V, 2.0)
np_case("gradient", M)
np_case("gradient", M, axis=0)
np_case("gradient", A3, axis=(0, 2))
np_case("gradient", np.array([1.0, 2.0]))
np_case("gradient", np.array([1.0]))
np_case("gradient", V, edge_order=2)
np_case("gradient", IA)
np_case("concatenate", [V, V], axis=None)
np_case("concatenate", [M, M], axis=-1)
np_case("concatenate", [IA, B])
np_case("concatenate", [F32, IA])
np_case("concatenate", [B, B])
np_case("concatenate", [S := np.float64(1.0), S])
np_case("concatenate", [])
np_case("concatenate", [M, M.T])
np_case("stack", [M, M], axis=-1)
np_case("stack", [M, M], axis=3)
np_case("stack", [])
np_case("stack", [np.float64(1.0), np.float64(2.0)])
np_case("hstack", [np.float64(1.0), V])
np_case("vstack", [V, V[:3]])
np_case("dstack", [V, V])
np_case("column_stack", [M.T, V[:3]])
np_case("append", V, 1.0)
np_case("append", M, np.ones((1, 3)), axis=0)
np_case("append", M, np.ones(3), axis=0)
np_case("split", A3, [1], axis=2)
np_case("split", V, [3, 1])
np_case("split", V, [10])
np_case("array_split", V, 5)
np_case("array_split", V, [2, 3], axis=0)
np_case("array_split", V, 10)
np_case("delete", V, [0, -1, 3])
np_case("delete", V, slice(1, 6, 2))
np_case("delete", V, 20)
np_case("delete", V, np.array([True] + [False] * 7))
np_case("delete", M, 1, axis=None)
np_case("insert", V, [1, 1], [9.0, 8.0])
np_case("insert", V, -1, 9.0)
np_case("insert", V, 8, 9.0)
np_case("insert", M, [0, 2], np.array([5.0, 6.0]), axis=1)
np_case("insert", M, 1, np.array([5.0, 6.0, 7.0]), axis=0)
np_case("insert", IA, 0, 2.5)
np_case("insert", V, slice(0, 4), 1.0)
np_case("resize", V, 3)
np_case("resize", V, (3, 5))
np_case("resize", np.zeros(0), 3)
np_case("trim_zeros", np.array([0.0, 1.0, 0.0]), "f")
np_case("trim_zeros", np.array([0.0, 1.0, 0.0]), "b")
np_case("trim_zeros", np.zeros(3))
np_case("atleast_1d", V, M)
np_case("atleast_2d", np.float64(1.0))
np_case("atleast_3d", V)
np_case("broadcast_arrays", V[:2], M[:, :1], np.float64(1.0))
np_case("broadcast_to", np.float64(2.0), (2, 2))
np_case("broadcast_to", M, (4, 2, 3))
np_case("expand_dims", M, -1)
np_case("expand_dims", M, (0, 0))
np_case("squeeze", np.ones((1, 3, 1)), (0, 2))
np_case("squeeze", np.ones((1, 3, 1)), -1)
np_case("moveaxis", A3, (0, 1), (2, 0))
np_case("moveaxis", A3, (0, 0), (1, 2))
np_case("transpose", A3, (0, 1))
np_case("transpose", A3, (0, -1, 1))
np_case("swapaxes", A3, -1, 0)
np_case("rollaxis", A3, 1, 3)
np_case("rollaxis", A3, 2, 0)
np_case("reshape", A3, (-1,))
np_case("reshape", A3, (5, -1))
np_case("reshape", A3, (-1, -1))
np_case("reshape", A3, (4, 6), order="F")
np_case("ravel", A3, order="F")
np_case("diagonal", A3, 1, 0, 2)
np_case("diagonal", A3, -1, 2, 1)
np_case("diagonal", M, 5)
np_case("diagonal", V)
np_case("trace", A3, -1, 0, 2)
np_case("trace", IA.reshape(1, 7))
np_case("trace", B.reshape(2, 2))
np_case("diag", M, 1)
np_case("diag", M, 5)
np_case("diag", V, -2)
np_case("diag", A3)
np_case("diag", np.float64(1.0))
np_case("diagflat", V[:3], -1)
np_case("tril", A3, -1)
np_case("triu", A3, 2)
np_case("tril", V)
np_case("tril", IA.reshape(1, 7))
np_case("triu", B.reshape(2, 2))

# ---------------------------------------------------------------- creation
for args, kw in [((0.0, 1.0, 5), {}), ((0.0, 1.0, 5), {"endpoint": False}), ((0.0, 1.0, 1), {}),
                 ((0.0, 1.0, 0), {}), ((0.0, 1.0, 5), {"retstep": True}), ((0, 10, 4), {"dtype": np.int32}),
                 ((0, 9, 4), {}), ((np.array([0.0, 1.0]), np.array([1.0, 3.0]), 3), {}),
                 ((np.array([0.0, 1.0]), 2.0, 3), {"axis": 1}), ((0.0, 1.0, 1), {"retstep": True}),
                 ((0.0, 1.0, -1), {}), ((np.float32(0), np.float32(1), 3), {}), ((1, 2, 3), {"dtype": bool}),
                 ((-1.0, 1.0, 4), {"dtype": np.int64}), ((0.0, 1.0, 2.5), {})]:
    np_case("linspace", *args, **kw)
    if "retstep" not in kw:
        np_case("logspace", *args, **kw)
        np_case("geomspace", *[a if not isinstance(a, float) or a else 1.0 for a in args], **kw)
np_case("logspace", 0.0, 2.0, 3, base=2.0)
np_case("logspace", 0.0, 2.0, 3, base=np.array([2.0, 10.0]), axis=1)
np_case("geomspace", -1.0, -100.0, 3)
np_case("geomspace", 1.0, -100.0, 3)
np_case("geomspace", 0.0, 1.0, 3)
for args, kw in [((5,), {}), ((5.0,), {}), ((2, 5), {}), ((0, 1, 0.1), {}), ((5, 0), {}), ((0, 5, -1), {}),
                 ((np.int32(3),), {}), ((3,), {"dtype": np.float32}), ((0, 1, 0), {}), ((1.5, 4), {}),
                 ((-3, 3, 2), {}), ((3,), {"dtype": bool}), ((0.5, 2.5, 0.5), {"dtype": np.int64}),
                 ((np.float32(3),), {}), ((10, 1, -3), {})]:
    np_case("arange", *args, **kw)
for args, kw in [((3,), {}), ((2, 4), {"k": -1}), ((3,), {"k": 5}), ((2,), {"dtype": np.int32}),
                 ((2,), {"dtype": bool}), ((0,), {}), ((3, None, 1), {}), ((-1,), {})]:
    np_case("eye", *args, **kw)
    np_case("tri", *args, **kw)
np_case("identity", 3, dtype=np.int64)
np_case("identity", 0)
np_case("indices", (2, 3))
np_case("indices", (2, 3), sparse=True)
np_case("tril_indices", 3)
np_case("triu_indices", 3, 1)
np_case("diag_indices", 3)
np_case("meshgrid", V[:3], V[:2], sparse=True)
np_case("meshgrid", V[:3])
np_case("meshgrid")
np_case("meshgrid", M, V[:2])
np_case("meshgrid", V[:3], IA[:2])
np_case("meshgrid", V[:3], V[:2], V[:4], indexing="ij")
np_case("meshgrid", V[:3], V[:2], indexing="xy", copy=False)
np_case("meshgrid", V[:3], V[:2], indexing="bad")
for f in ("zeros", "ones", "empty"):
    np_case(f, (2, 0))
    np_case(f, 3, dtype=bool)
    np_case(f, np.int64(2))
    np_case(f, -1)
np_case("full", (2, 3), np.array([1.0, 2.0, 3.0]))
np_case("full", (2,), True)
np_case("full", (2,), 1, dtype=np.float32)
np_case("full", 3, np.float32(1.5))
np_case("full_like", IA, 2.7)
np_case("full_like", V, 1, dtype=np.int32)
np_case("full_like", V, 2.0, shape=(2, 2))
np_case("zeros_like", V, shape=3)
np_case("ones_like", B)
np_case("empty_like", M)
np_case("asarray", [1, 2], dtype=np.float32)
np_case("asarray", [True, 2])
np_case("asarray", [[1, 2], [3]])
np_case("asarray", 2.5)
np_case("asarray", [])
np_case("array", V, ndmin=3)
np_case("array", [1.0, 2], dtype=int)
np_case("array", (1, 2.5, True))
np_case("astype", V, bool)
np_case("astype", VN, np.int32)
np_case("astype", V, np.float32)
np_case("astype", B, np.float64)

# ---------------------------------------------------------------- contractions
VE = np.array([1.0, -2.0, 0.5])
for n, args, kw in [
    ("cross", (VE, GN), {}), ("cross", (GN, VE), {"axis": 0}), ("cross", (VE[:2], VE[1:]), {}),
    ("cross", (VE[:2], VE), {}), ("cross", (VE, VE.astype(int)), {}), ("cross", (V[:4], VE), {}),
    ("cross", (GN, GN), {"axisa": 0, "axisb": 1, "axisc": 0}), ("cross", (M, M), {"axis": 0}),
    ("outer", (M, V[:2]), {}), ("outer", (IA, V[:2]), {}), ("outer", (B, B), {}),
    ("kron", (V[:2], M), {}), ("kron", (A3[:1, :2, :2], M), {}), ("kron", (IA[:2], B), {}),
    ("kron", (np.float64(2.0), M), {}),
    ("inner", (V, np.float64(2.0)), {}), ("inner", (A3, M[:, :1].repeat(4, 1)), {}),
    ("inner", (V, V[:3]), {}), ("inner", (IA, IA), {}),
    ("vdot", (M, GN[:2]), {}), ("vdot", (V, V[:3]), {}), ("vdot", (IA, V[:7]), {}),
    ("tensordot", (A3, A3, 1), {}), ("tensordot", (A3, np.ones((3, 4)), 2), {}),
    ("tensordot", (A3, A3, [[0], [0]]), {}), ("tensordot", (A3, A3, ([0, 2], [0, 2])), {}),
    ("tensordot", (M, M, ((1, 0), (1, 0))), {}), ("tensordot", (M, M, 3), {}),
    ("tensordot", (M, M, -1), {}), ("tensordot", (M, M.T, (-1, 0)), {}),
    ("dot", (A3, np.ones((4, 2))), {}), ("dot", (IA, IA), {}), ("dot", (B, B), {}),
    ("dot", (F32, V), {}), ("dot", (M, np.ones(3, np.int32)), {}),
    ("matmul", (A3, np.ones(4)), {}), ("matmul", (np.ones(3), A3), {}), ("matmul", (A3, A3), {}),
    ("matmul", (A3, np.ones((1, 4, 2))), {}), ("matmul", (np.float64(2.0), M), {}),
    ("matmul", (IA.reshape(7, 1), IA.reshape(1, 7)), {}), ("matmul", (B.reshape(2, 2), B.reshape(2, 2)), {}),
]:
    np_case(n, *args, **kw)
for spec, ops in [("ij,jk->ik", (M, M.T)), ("ij->ji", (M,)), ("ij->", (M,)), ("i,j->ij", (V, V[:2])),
                  ("bij,bjk->bik", (A3, A3.transpose(0, 2, 1))), ("...j,j", (A3, np.ones(4))),
                  ("ii->i", (SQ,)), ("iij->ij", (np.ones((2, 2, 3)),)), ("ij,ij,ij->i", (M, M, M)),
                  ("i,i", (IA, IA)), ("i,i", (V[:7], IA)), ("ij,jk", (M, np.ones((3, 2), np.float32))),
                  ("ab...,b->a...", (A3, np.ones(3))), ("i->", (B,)), ("ji", (M,)),
                  ("i,j,k->ijk", (V[:2], V[:3], V[:2])),
                  ("ij,kj", (M, M[:, :2])), ("i", (M,)), ("ij->ik", (M,))]:
    np_case("einsum", spec, *ops)
    lam(f"einsum.grad[{spec}]", lambda ns, a, spec=spec, ops=ops: ns.einsum(spec, a, *ops[1:]), ops[0])
np_case("einsum", M, [0, 1], M, [2, 1], [0, 2])
np_case("einsum", "ij,jk->ik", M, M.T, optimize=True)
np_case("einsum", "ij,jk->ik", M, M.T, preferred_element_type=np.float32)

# ---------------------------------------------------------------- linalg
L = "linalg."
for x in (V, M, A3, GN, IA.astype(float), np.zeros(3), np.zeros((2, 2)), F32, IA, np.float64(-2.0)):
    for ordr in (None, 1, 2, np.inf, -np.inf, 0, -1, -2, 0.5, 3, "fro", "nuc"):
        for ax in ((None,) if np.ndim(x) != 2 else (None, 0, 1, (0, 1), (1, 0))):
            np_case(L + "norm", x, ordr, ax)
    np_case(L + "norm", x, keepdims=True)
np_case(L + "norm", A3, axis=(0, 2))
np_case(L + "norm", A3, "fro", (2, 1), True)
np_case(L + "norm", A3, 2, axis=(0, 1))
np_case(L + "norm", A3, None, axis=(0, 1, 2))
np_case(L + "norm", np.zeros((2, 2)), 2)
np_case(L + "norm", np.zeros((2, 2)), "nuc")
for x in (V, np.zeros(3), A3):
    for ordr in (2, 1, np.inf, 0, -1, 3):
        np_case(L + "vector_norm", x, ord=ordr)
    np_case(L + "vector_norm", x, axis=-1, keepdims=True)
for x in (M, GN, A3, np.zeros((2, 2))):
    for ordr in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        np_case(L + "matrix_norm", x, ord=ordr)
MATS = [SQ, GN, SING, np.eye(2), np.zeros((2, 2)), np.stack([SQ, GN]), np.array([[2.0]]),
        np.array([[0.0, 1.0], [1.0, 0.0]]), GN.astype(np.float32), np.array([[1, 2], [3, 4]]), M,
        np.zeros((0, 0)), np.zeros((2, 0, 0))]
for x in MATS:
    for n in ("det", "slogdet", "inv", "pinv", "eigh", "eigvalsh", "svd", "svdvals", "qr", "cholesky",
              "matrix_rank", "cond", "tensorinv" if x.ndim == 2 and x.shape[0] == x.shape[1] else "det"):
        np_case(L + n, x)
    np_case(L + "svd", x, full_matrices=False)
    np_case(L + "svd", x, compute_uv=False)
    np_case(L + "qr", x, mode="r")
    np_case(L + "qr", x, mode="complete")
    np_case(L + "eigh", x, UPLO="U")
    np_case(L + "eigvalsh", x, "U")
    np_case(L + "cholesky", x, upper=True)
    np_case(L + "pinv", x, rtol=0.5)
    np_case(L + "pinv", x, hermitian=True)
    np_case(L + "matrix_rank", x, tol=1.5)
    for p in (0, 1, 2, 3, -1, -2):
        np_case(L + "matrix_power", x, p)
    for p in (None, 1, -1, 2, -2, np.inf, "fro", "nuc"):
        np_case(L + "cond", x, p)
np_case(L + "qr", M.T, mode="reduced")
np_case(L + "qr", M, mode="raw")
np_case(L + "inv", V)
np_case(L + "det", np.ones((2, 3)))
np_case(L + "matrix_power", M, 2)
np_case(L + "matrix_power", GN, 1.5)
B3 = np.array([1.0, -1.0, 2.0])
for a, b in [(GN, B3), (GN, np.stack([B3, B3 * 2], 1)), (SQ, np.eye(3)), (np.stack([SQ, GN]), np.ones((2, 3))),
             (np.stack([SQ, GN]), np.ones((2, 3, 1))), (np.stack([SQ, GN]), B3), (SING, np.ones(2)),
             (GN, np.ones(4)), (GN.astype(np.float32), B3), (np.array([[2, 0], [0, 4]]), np.array([1, 1])),
             (M, np.ones(2)), (np.stack([SQ, GN]), np.ones((3, 2)))]:
    np_case(L + "solve", a, b)
    lam("linalg.solve.db", lambda ns, bb, a=a: ns.linalg.solve(a, bb), b)
for a, b in [(M.T, np.array([1.0, 2.0, 3.0])), (M, np.array([1.0, 0.5])), (GN, np.ones((3, 2))), (SING, np.ones(2)),
             (np.zeros((2, 2)), np.ones(2)), (M.T, np.ones((3, 2)))]:
    np_case(L + "lstsq", a, b)
    np_case(L + "lstsq", a, b, rcond=0.4)
    lam("linalg.lstsq0", lambda ns, aa, b=b: ns.linalg.lstsq(aa, b)[0], a)
np_case(L + "multi_dot", [M, M.T, M])
np_case(L + "multi_dot", [V[:2], M, VE])
np_case(L + "multi_dot", [M, M.T, SING, np.ones(2)])
np_case(L + "multi_dot", [M])
np_case(L + "tensorsolve", np.eye(6).reshape(2, 3, 6) * 2.0, np.ones((2, 3)))
np_case(L + "tensorsolve", np.eye(6).reshape(6, 2, 3), np.ones(6), axes=(0,))
np_case(L + "tensorinv", np.eye(6).reshape(2, 3, 6) * 2.0, ind=2)
np_case(L + "eigvals", GN)
np_case(L + "eig", np.array([[2.0, 0.0], [0.0, 3.0]]))
np_case(L + "trace", A3, offset=1)
np_case(L + "diagonal", A3, offset=-1)
np_case(L + "outer", V[:2], V[:3])
np_case(L + "outer", M, V)
np_case(L + "cross", GN, GN[::-1].copy())
np_case(L + "cross", M, M)
np_case(L + "vecdot", M, M)
np_case(L + "vecdot", M, M, axis=0)
np_case(L + "vecdot", M, V[:3])
np_case(L + "matrix_transpose", A3)
np_case(L + "matrix_transpose", V)
np_case(L + "tensordot", A3, A3, axes=2)
np_case(L + "matmul", M, M.T)
np_case(L + "matmul", V, V)
# gradients of the decompositions through a smooth scalar function
for n in ("eigh", "svd", "qr", "slogdet", "eigvalsh", "svdvals"):
    lam(f"{L}{n}.gradsum", lambda ns, x, n=n: [ns.sum(o * o) if o.ndim == 0 else ns.sum(ns.abs(o) ** 3)
                                               for o in ns.linalg.__dict__[n](x)]
        if n in ("eigh", "svd", "qr", "slogdet") else getattr(ns.linalg, n)(x), GN + GN.T if n == "eigh" else GN)
lam(L + "cholesky.sym", lambda ns, x: ns.linalg.cholesky(x @ x.T + ns.eye(3)), GN)
lam(L + "eigh.sym", lambda ns, x: ns.linalg.eigh((x + x.T) / 2)[1] ** 2, GN)
lam(L + "pinv.grad", lambda ns, x: ns.linalg.pinv(x), M)
lam(L + "det.sing", lambda ns, x: ns.linalg.det(x), SING)
lam(L + "det.zero", lambda ns, x: ns.linalg.det(x), np.zeros((3, 3)))
lam(L + "det.rank1", lambda ns, x: ns.linalg.det(x), np.outer(B3, B3))
lam(L + "slogdet.sing", lambda ns, x: ns.linalg.slogdet(x)[1], SING)
lam(L + "norm.zero", lambda ns, x: ns.linalg.norm(x), np.zeros(3))
lam(L + "norm.zero2", lambda ns, x: ns.linalg.norm(x, 2, axis=0), np.zeros((2, 2)))
lam(L + "norm.zero1", lambda ns, x: ns.linalg.norm(x, 1), np.zeros(3))
lam(L + "norm.zeroinf", lambda ns, x: ns.linalg.norm(x, np.inf), np.array([1.0, -1.0, 0.0]))
lam(L + "norm.spec", lambda ns, x: ns.linalg.norm(x, 2), np.diag([2.0, 2.0, 1.0]))
lam(L + "norm.nuc_zero", lambda ns, x: ns.linalg.norm(x, "nuc"), np.zeros((2, 2)))
lam(L + "norm.fro_zero", lambda ns, x: ns.linalg.norm(x, "fro"), np.zeros((2, 2)))
lam(L + "norm.ord3_zero", lambda ns, x: ns.linalg.norm(x, 3), np.zeros(3))
lam(L + "norm.ordhalf", lambda ns, x: ns.linalg.norm(x, 0.5), np.array([1.0, 0.0, 4.0]))
lam(L + "norm.ord0", lambda ns, x: ns.linalg.norm(x, 0), np.array([1.0, 0.0, 4.0]))
lam(L + "norm.ord-inf", lambda ns, x: ns.linalg.norm(x, -np.inf), np.array([1.0, -1.0, 4.0]))
lam(L + "svdvals.rep", lambda ns, x: ns.linalg.svd(x, compute_uv=False), np.eye(3))
lam(L + "eigvalsh.rep", lambda ns, x: ns.linalg.eigvalsh(x), np.eye(3))
lam(L + "matrix_power.0", lambda ns, x: ns.linalg.matrix_power(x, 0), GN)
lam(L + "inv.sing", lambda ns, x: ns.linalg.inv(x), SING)
lam(L + "solve.sing", lambda ns, x: ns.linalg.solve(x, np.ones(2)), SING)
lam(L + "cholesky.notpd", lambda ns, x: ns.linalg.cholesky(x), GN)

# ---------------------------------------------------------------- fft
FR = np.array([1.0, 2.0, -1.0, 0.5, 3.0])
FC = FR + 1j * np.array([0.0, 1.0, -2.0, 0.5, 0.0])
F2 = np.arange(12.0).reshape(3, 4) ** 1.5
FFT = "fft."
for x in (FR, FC, F2, IA.astype(float), FR.astype(np.float32), IA, B, np.float64(1.0)):
    for n in ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft"):
        np_case(FFT + n, x)
        for kw in ({"n": 3}, {"n": 8}, {"norm": "ortho"}, {"norm": "forward"}, {"axis": 0}, {"n": 0}):
            np_case(FFT + n, x, **kw)
    for n in ("fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn"):
        np_case(FFT + n, x)
        np_case(FFT + n, x, norm="ortho")
        np_case(FFT + n, x, s=(2, 6))
        np_case(FFT + n, x, axes=(0,))
np_case(FFT + "fftn", A3, axes=(0, 2), s=(3, 3))
np_case(FFT + "rfftn", A3, s=(2, 3, 5))
np_case(FFT + "irfftn", A3, s=(2, 3, 5))
np_case(FFT + "fft", FR, norm="bogus")
for n in (4, 5, 1):
    for d in (1.0, 0.5):
        np_case(FFT + "fftfreq", n, d)
        np_case(FFT + "rfftfreq", n, d)
np_case(FFT + "fftfreq", 4, dtype=np.float32)
np_case(FFT + "fftshift", V)
np_case(FFT + "fftshift", F2, axes=0)
np_case(FFT + "ifftshift", F2)
np_case(FFT + "ifftshift", FR, axes=(0,))
for n in ("fft", "rfft", "ihfft", "fft2", "rfftn"):
    lam(f"fft.{n}.absgrad", lambda ns, x, n=n: ns.abs(getattr(ns.fft, n)(x)) ** 2, F2)
for n in ("ifft", "irfft", "hfft", "irfftn"):
    lam(f"fft.{n}.realgrad", lambda ns, x, n=n: ns.real(getattr(ns.fft, n)(x * (1 + 0.5j))), F2)
    lam(f"fft.{n}.realgrad_n", lambda ns, x, n=n: ns.real(getattr(ns.fft, n)(x, 7)), FR)

# ---------------------------------------------------------------- misc (often missing)
for n, args, kw in [
    ("histogram", (V,), {}), ("histogram", (V, 3), {"range": (-1.0, 1.0)}), ("bincount", (np.array([0, 1, 1, 4]),), {}),
    ("digitize", (V, np.array([-1.0, 0.0, 1.0])), {}), ("convolve", (V, VE), {}),
    ("convolve", (V, VE), {"mode": "same"}), ("correlate", (V, VE), {"mode": "full"}),
    ("polyval", (VE, V), {}), ("polyfit", (V, V ** 2, 2), {}),
    ("interp", (V, np.array([-1.0, 1.0]), np.array([0.0, 2.0])), {}),
    ("cumulative_sum", (M,), {"axis": 1}), ("put", (V, [0], [1.0]), {"inplace": False}),
    ("compress", (np.array([True, False]), M), {"axis": 0}), ("extract", (B, B), {}),
    ("vander", (VE,), {}), ("fill_diagonal", (SQ, 0.0), {"inplace": False}),
    ("isin", (V, np.array([0.0, 1.0])), {}), ("in1d", (V, np.array([0.0])), {}),
    ("setdiff1d", (V, np.array([0.0])), {}), ("intersect1d", (V, V), {}), ("union1d", (V, V), {}),
    ("tril_indices_from", (SQ,), {}), ("triu_indices_from", (SQ,), {}), ("diag_indices_from", (SQ,), {}),
    ("unravel_index", (np.array([1, 5]), (2, 3)), {}),
    ("ravel_multi_index", ((np.array([1]), np.array([2])), (2, 3)), {}),
    ("cov", (M,), {}), ("corrcoef", (M,), {}), ("apply_along_axis", (lambda r: r * 2, 0, M), {}),
]:
    np_case(n, *args, **kw)


# ---------------------------------------------------------------- driver
def main() -> None:
    t = main_loop(CASES, cli(shard=SHARD))
    t.summary("names", t.counts("names"))
    print("missing in functrans (skipped):", " ".join(sorted(CASES.missing)))


if __name__ == "__main__":
    main()
