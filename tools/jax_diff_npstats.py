"""Differential harness, statistics / set operations / polynomials: functrans vs JAX (x64).

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_npstats.py [--filter SUBSTR] [--no-dtype] [--no-exc]

Same comparison as tools/jax_diff.py (values, shapes, dtypes, gradient of sum(f(x)) w.r.t.
the first float64 argument, exception types) for cov, corrcoef, nanargmax/nanargmin,
nanmedian/nanquantile/nanpercentile, histogram2d/histogramdd, packbits/unpackbits,
ravel_multi_index, union1d/intersect1d/setdiff1d/setxor1d, unique_all/counts/inverse/values,
unique(axis=, size=), poly/polyadd/polysub/polymul/polydiv/polyder/polyint/roots. Cases
named ``...[jit]`` / ``...[vmap]`` run the function under ``jit`` / ``vmap`` on both sides
(the ``size=`` variants must work there).

Known differences that the run still reports (deliberate or JAX-undefined):
- type promotion of mixed inputs follows NumPy (functrans' rule everywhere): int64 with
  float32 set operands give float64 (JAX float32).
- ConcretizationTypeError: functrans raises its own class (same name, a TypeError), which the
  shared comparator counts as a different type (the ``[jit]`` cases without ``size=``).
- polyadd/polysub of a 0-d operand raise ValueError (JAX an accidental IndexError).
- corrcoef(dtype=float32): the float64 gradient differs from JAX's in the 7th digit (float32
  rounding inside; the comparator uses the float64 tolerance).
- qr(mode="complete") of a tall matrix: functrans has no derivative (NotImplementedError;
  linalg's qr JVP, outside this harness' functions), JAX has one.
- ravel_multi_index with len(multi_index) != len(dims): ValueError (JAX: AssertionError).
- nanquantile/nanpercentile weights= (method "inverted_cdf") is not supported
  (NotImplementedError).
- histogram2d/histogramdd: a value exactly on an inner bin edge can fall in the neighbouring
  bin (XLA rounds JAX's linspace edges by one ulp; see tools/jax_diff_numpy.py); the inputs
  here avoid edges.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax_diff import Cases, cli, main_loop

import functrans as ft
import functrans.numpy as fnp

CASES = Cases()
# lam: ``body(namespace, *args)`` on both sides (so the first argument can be differentiated)
add, np_case, lam = CASES.add, CASES.np, CASES.lam


def jit_case(name: str, body: Callable, *args: Any) -> None:
    """``body`` under jit on both sides."""
    add(name + "[jit]", ft.jit(lambda *a: body(fnp, *a)), jax.jit(lambda *a: body(jnp, *a)), *args)


def vmap_case(name: str, body: Callable, *args: Any) -> None:
    """``body`` mapped over the leading axis of the first argument on both sides."""
    add(name + "[vmap]", ft.vmap(lambda *a: body(fnp, *a)), jax.vmap(lambda *a: body(jnp, *a)), *args)


V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
M = np.array([[1.0, -1.0, 0.0, 2.0], [2.0, 2.0, -3.0, 0.5], [0.0, 1.0, 1.0, -1.0]])
MN = np.array([[1.0, np.nan, 0.0, 2.0], [np.nan, np.nan, np.nan, np.nan], [0.0, 1.0, 1.0, np.nan]])
VN = np.array([np.nan, 3.0, -1.0, 2.0, np.nan, 2.0, 0.5])
IA = np.array([3, 1, 2, 3, 3, 0, 5])
IB = np.array([5, 7, 3, 3, 1])
FA = np.array([3.0, 1.0, 2.0, 3.0, 3.0, 0.0, 5.0])
FB = np.array([5.0, 7.0, 3.0, 3.0, 1.0])
M32 = M.astype(np.float32)

# ---------------------------------------------------------------- cov, corrcoef
for args, kw in [
    ((M,), {}), ((M,), {"rowvar": False}), ((M,), {"bias": True}), ((M,), {"ddof": 0}), ((M,), {"ddof": 2}),
    ((V,), {}), ((M[0], M[1]), {}), ((M, M[:2] * 2.0), {}), ((M,), {"rowvar": False, "ddof": 1}),
    ((M,), {"fweights": np.array([1, 2, 1, 3])}), ((M,), {"aweights": np.array([0.5, 1.0, 2.0, 1.0])}),
    ((M,), {"fweights": np.array([1, 2, 1, 3]), "aweights": np.array([0.5, 1.0, 2.0, 1.0])}),
    ((M,), {"fweights": np.array([1, 2, 1, 3]), "aweights": np.array([0.5, 1.0, 2.0, 1.0]), "ddof": 0}),
    ((M,), {"fweights": np.array([1, -2, 1, 3])}), ((M,), {"aweights": np.array([0.5, -1.0, 2.0, 1.0])}),
    ((M,), {"fweights": np.array([1.0, 2.0, 1.0, 3.0])}), ((M,), {"fweights": np.array([1, 2])}),
    ((M,), {"aweights": np.ones((2, 4))}), ((M32,), {}), ((M.astype(np.int64),), {}),
    ((M + 1j * M[::-1],), {}), ((np.zeros((0, 3)),), {}), ((np.zeros((2, 0)),), {}), ((np.zeros((1, 0)),), {}),
    ((M[None],), {}), ((M,), {"dtype": np.float32}), ((M,), {"dtype": np.int32}),
    ((M[:1],), {}), ((np.array([1.0, 1.0, 1.0]),), {}),
]:
    np_case("cov", *args, **kw)
    if "fweights" not in kw and "aweights" not in kw and "bias" not in kw and "ddof" not in kw:
        np_case("corrcoef", *args, **kw)
np_case("corrcoef", np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))
np_case("corrcoef", np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]))
jit_case("cov", lambda ns, x: ns.cov(x, aweights=ns.abs(x[0]) + 1.0), M)
vmap_case("cov", lambda ns, x: ns.cov(x), np.stack([M, 2 * M + 1.0]))
vmap_case("corrcoef", lambda ns, x: ns.corrcoef(x), np.stack([M, M**2]))

# ---------------------------------------------------------------- nanarg*, nan quantiles
for n in ("nanargmax", "nanargmin"):
    for x, kw in [(VN, {}), (MN, {"axis": 1}), (MN, {"axis": 0}), (MN, {}), (MN, {"axis": 1, "keepdims": True}),
                  (IA, {}), (np.array([np.nan, np.nan]), {}), (MN, {"axis": 2}), (np.zeros(0), {}),
                  (np.array([1.0, np.inf, np.nan, -np.inf]), {}), (M, {"axis": -1})]:
        np_case(n, x, **kw)
    jit_case(n, lambda ns, x, n=n: getattr(ns, n)(x, axis=1), MN)
    vmap_case(n, lambda ns, x, n=n: getattr(ns, n)(x), MN)
QS = (("nanquantile", (0.0, 0.3, 0.5, 1.0, np.array([0.1, 0.9]))),
      ("nanpercentile", (0.0, 30.0, 50, 100.0, np.array([10.0, 90.0]))))
for n, qs in QS:
    for q in qs:
        for x, kw in [(VN, {}), (MN, {"axis": 1}), (MN, {"axis": 0}), (MN, {}), (V, {}), (M, {"axis": (0, 1)}),
                      (MN, {"axis": 1, "keepdims": True}), (MN, {"keepdims": True}), (IA, {}), (M32, {"axis": 0})]:
            np_case(n, x, q, **kw)
    for method in ("lower", "higher", "midpoint", "nearest"):
        np_case(n, VN, qs[1], method=method)
        np_case(n, MN, qs[4], axis=1, method=method)
    np_case(n, VN, qs[1], method="bogus")
    np_case(n, VN + 1j, qs[1])
    np_case(n, MN, np.ones((2, 2)) * qs[1])
    jit_case(n, lambda ns, x, n=n, q=qs[2]: getattr(ns, n)(x, q, axis=1), MN)
    vmap_case(n, lambda ns, x, n=n, q=qs[1]: getattr(ns, n)(x, q), MN)
    lam(n + "(q)", lambda ns, q, n=n: getattr(ns, n)(VN, q), np.float64(qs[1]))
    lam(n + "(q)", lambda ns, q, n=n: getattr(ns, n)(MN, q, axis=1), np.array([qs[1], qs[2] * 0.5]))
for x, kw in [(VN, {}), (MN, {"axis": 1}), (MN, {"axis": 0}), (MN, {}), (V, {}), (IA, {}),
              (MN, {"axis": 1, "keepdims": True}), (M, {"axis": (0, 1)}), (M32, {"axis": 1})]:
    np_case("nanmedian", x, **kw)
jit_case("nanmedian", lambda ns, x: ns.nanmedian(x, axis=0), MN)
vmap_case("nanmedian", lambda ns, x: ns.nanmedian(x), MN)

# ---------------------------------------------------------------- histograms
PX = np.array([0.0, 0.5, 1.1, 1.5, 2.0, 2.0, 3.0, -1.0])  # no value on a bin edge (XLA rounds edges)
PY = np.array([1.0, 1.0, 2.0, 0.0, 0.5, 3.0, 2.5, 1.45])
S2 = np.stack([PX, PY], 1)
S3 = np.stack([PX, PY, PX * PY], 1)
np_case("histogram2d", PX, PY)
np_case("histogram2d", PX, PY, bins=3)
np_case("histogram2d", PX, PY, bins=[2, 3])
np_case("histogram2d", PX, PY, bins=np.array([-1.0, 0.0, 1.5, 3.0]))
np_case("histogram2d", PX, PY, bins=[np.array([-1.0, 1.0, 3.0]), np.array([0.0, 1.0, 2.0, 3.0])])
np_case("histogram2d", PX, PY, bins=3, range=[(0.0, 2.0), (0.0, 3.0)])
np_case("histogram2d", PX, PY, bins=3, weights=np.arange(8.0))
np_case("histogram2d", PX, PY, bins=3, density=True)
np_case("histogram2d", PX, PY, bins=3, weights=np.arange(8.0), density=True)
np_case("histogram2d", PX.astype(np.int64), PY.astype(np.int64), bins=2)
np_case("histogramdd", S2)
np_case("histogramdd", S3, bins=2)
np_case("histogramdd", S3, bins=[2, 3, 1])
np_case("histogramdd", S3, bins=[2, 3])
np_case("histogramdd", S2, bins=3, range=[(0.0, 2.0), None])
np_case("histogramdd", S2, bins=3, range=[(0.0, 2.0)])
np_case("histogramdd", S2, bins=3, weights=np.arange(8.0), density=True)
np_case("histogramdd", S2, bins=3, weights=np.arange(3.0))
jit_case("histogram2d", lambda ns, x, y: ns.histogram2d(x, y, bins=3, weights=x + 2.0), PX, PY)
jit_case("histogramdd", lambda ns, s: ns.histogramdd(s, bins=[2, 3], density=True), S2)

# ---------------------------------------------------------------- bits, flat indices
BITS = np.array([[1, 0, 1, 1, 0, 0, 0, 0, 1], [0, 0, 0, 1, 1, 1, 1, 1, 1]])
U8 = np.array([[3, 200, 255], [0, 1, 128]], np.uint8)
for x, kw in [(BITS, {}), (BITS, {"axis": 1}), (BITS, {"axis": 0}), (BITS, {"axis": -1, "bitorder": "little"}),
              (BITS.astype(bool), {}), (BITS * 7 - 3, {"axis": 1}), (BITS.astype(float), {}),
              (BITS, {"bitorder": "middle"}), (BITS, {"axis": 2}), (np.zeros(0, np.int64), {})]:
    np_case("packbits", x, **kw)
for x, kw in [(U8, {}), (U8, {"axis": 1}), (U8, {"axis": 0}), (U8, {"bitorder": "little"}), (U8, {"count": 5}),
              (U8, {"axis": 1, "count": 30}), (U8, {"axis": 1, "count": -3}), (U8, {"count": 0}),
              (U8.astype(np.int64), {}), (U8, {"bitorder": "x"}), (np.uint8(5), {})]:
    np_case("unpackbits", x, **kw)
jit_case("packbits", lambda ns, x: ns.packbits(x, axis=1), BITS)
jit_case("unpackbits", lambda ns, x: ns.unpackbits(x, axis=0, count=12), U8)
vmap_case("packbits", lambda ns, x: ns.packbits(x), BITS)
vmap_case("unpackbits", lambda ns, x: ns.unpackbits(x), U8)
RI = (np.array([0, 2, 1, 3]), np.array([1, 0, 4, 2]))
for args, kw in [((RI, (4, 5)), {}), ((RI, (4, 5)), {"order": "F"}), ((RI, (3, 4)), {"mode": "clip"}),
                 ((RI, (3, 4)), {"mode": "wrap"}), ((RI, (3, 4)), {}), ((RI, (3, 4)), {"mode": "ignore"}),
                 ((RI, (4, 5)), {"mode": "bad"}), ((RI, (4, 5)), {"order": "X"}),
                 (((np.array([-1, 2]), np.array([1, 7])), (3, 4)), {"mode": "wrap"}),
                 (((np.array(2), np.array(3)), (3, 4)), {}), (((np.array([0.0]), np.array([1])), (3, 4)), {}),
                 ((RI, (4, 5)), {"dtype": np.int32}), ((RI, (4, 5)), {"dtype": np.float32}),
                 ((RI, (4, 5)), {"dtype": np.int8}), ((RI, (200, 200)), {"dtype": np.int8}),
                 (((RI[0].astype(np.int32), RI[1].astype(np.int32)), (4, 5)), {})]:
    np_case("ravel_multi_index", *args, **kw)
jit_case("ravel_multi_index", lambda ns, i, j: ns.ravel_multi_index((i, j), (3, 4), mode="clip"), *RI)
vmap_case("ravel_multi_index", lambda ns, i, j: ns.ravel_multi_index((i, j), (3, 4), mode="wrap"), *RI)

# ---------------------------------------------------------------- set operations
SETS = [(IA, IB), (FA, FB), (IA.reshape(7, 1), IB), (IA, np.zeros(0, np.int64)), (np.zeros(0, np.int64), IB),
        (IA, IB.astype(np.float32)), (np.array([1.0, np.nan, 2.0, np.nan]), np.array([np.nan, 2.0])),
        (np.array([1, 2, 3]), np.array([1, 2, 3])), (np.array([1, 2]), np.array([3, 4]))]
for n in ("union1d", "intersect1d", "setdiff1d", "setxor1d"):
    for a, b in SETS:
        np_case(n, a, b)
        for size in (3, 8):
            np_case(n, a, b, size=size)
            np_case(n, a, b, size=size, fill_value=-9)
    if n != "union1d":
        for a, b in [(np.array([4, 1, 3]), np.array([3, 7])), (np.array([4.0, 1.0, 3.0]), np.array([3.0, 7.0, 9.0]))]:
            np_case(n, a, b, assume_unique=True)
            np_case(n, a, b, assume_unique=True, size=4)
            np_case(n, a, b, assume_unique=True, size=4, fill_value=0)
    # gradients: the first set's values (float64) differentiated
    lam(n + "(grad)", lambda ns, a, n=n: getattr(ns, n)(a, FB), FA)
    lam(n + "(grad,size)", lambda ns, a, n=n: getattr(ns, n)(a, FB, size=6), FA)
    lam(n + "(grad,size,fill)", lambda ns, a, n=n: getattr(ns, n)(a, FB, size=6, fill_value=1.5), FA)
    lam(n + "(grad,second,size)", lambda ns, b, n=n: getattr(ns, n)(FA, b, size=6), FB)
    if n != "union1d":
        lam(n + "(grad,unique)", lambda ns, a, n=n: getattr(ns, n)(a, FB, assume_unique=True),
            np.array([4.0, 1.0, 3.0]))
        lam(n + "(grad,unique,size)", lambda ns, a, n=n: getattr(ns, n)(a, FB, assume_unique=True, size=5),
            np.array([4.0, 1.0, 3.0, 7.0]))
    jit_case(n, lambda ns, a, b, n=n: getattr(ns, n)(a, b, size=6), FA, FB)
    jit_case(n, lambda ns, a, b, n=n: getattr(ns, n)(a, b), FA, FB)
    vmap_case(n, lambda ns, a, n=n: getattr(ns, n)(a, FB, size=5, fill_value=0.0), np.stack([FA, FA[::-1] + 1.0]))
for a, b in SETS[:3] + [(np.array([1, 1, 2, 2]), np.array([2, 2, 1]))]:
    np_case("intersect1d", a, b, return_indices=True)
    np_case("intersect1d", a, b, return_indices=True, size=6)
    np_case("intersect1d", a, b, return_indices=True, size=2, fill_value=0)
np_case("intersect1d", np.array([4, 1, 3]), np.array([3, 7, 4]), assume_unique=True, return_indices=True)
np_case("intersect1d", np.array([4, 1, 3]), np.array([3, 7, 4]), assume_unique=True, return_indices=True, size=4)
jit_case("intersect1d", lambda ns, a, b: ns.intersect1d(a, b, return_indices=True, size=5), FA, FB)

UQ = np.array([[3.0, 1.0, 3.0], [np.nan, 1.0, np.nan]])
for n in ("unique_all", "unique_counts", "unique_inverse", "unique_values"):
    for x in (IA, FA, UQ, np.zeros(0), np.float64(2.0), IA.reshape(7, 1)):
        np_case(n, x)
        np_case(n, x, size=6)
        np_case(n, x, size=3, fill_value=-1)
    lam(n + "(grad,size)", lambda ns, x, n=n: getattr(ns, n)(x, size=5)[0], FA)
    jit_case(n, lambda ns, x, n=n: getattr(ns, n)(x, size=4), UQ)
U2 = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 2.0], [0.0, 3.0], [0.0, 1.0]])
for x, kw in [(U2, {"axis": 0}), (U2, {"axis": 1}), (U2.T, {"axis": 1}), (U2.astype(np.int64), {"axis": 0})]:
    for size in (2, 3, 6):
        for extra in ({}, {"fill_value": -1}):
            np_case("unique", x, size=size, **kw, **extra)
        np_case("unique", x, size=size, return_index=True, return_inverse=True, return_counts=True, **kw)
    np_case("unique", x, return_index=True, return_inverse=True, return_counts=True, **kw)
lam("unique(grad,axis,size)", lambda ns, x: ns.unique(x, axis=0, size=4), U2)
jit_case("unique", lambda ns, x: ns.unique(x, axis=0, size=4, return_inverse=True, return_counts=True), U2)
np_case("unique", np.array([[1.0, np.nan], [1.0, np.nan], [0.0, 1.0]]), axis=0, size=3)
np_case("unique", np.array([[1.0, np.nan], [1.0, np.nan], [0.0, 1.0]]), axis=0, size=3, equal_nan=False)
np_case("unique", FA, return_inverse=True)
np_case("unique", M, return_inverse=True)

# ---------------------------------------------------------------- polynomials
P1 = np.array([1.0, -3.0, 2.0])
P2 = np.array([2.0, 0.5, -1.0, 4.0])
for n in ("polyadd", "polysub", "polymul"):
    for a, b in [(P1, P2), (P2, P1), (P1, P1), (P1.astype(np.int64), P2.astype(np.int64)), (P1, np.float64(2.0)),
                 (P1.astype(np.float32), P2), (np.zeros(0), P1), (P1 + 1j, P2)]:
        np_case(n, a, b)
    lam(n + "(second)", lambda ns, b, n=n: getattr(ns, n)(P1, b), P2)
    jit_case(n, lambda ns, a, b, n=n: getattr(ns, n)(a, b), P1, P2)
    vmap_case(n, lambda ns, a, n=n: getattr(ns, n)(a, P2), np.stack([P1, 2 * P1]))
np_case("polymul", np.array([0.0, 0.0, 1.0, 2.0]), P1, trim_leading_zeros=True)
for a, b in [(P2, P1), (P1, P2), (P2, np.array([2.0])), (P2.astype(np.int64), P1.astype(np.int64)),
             (np.array([1.0, 2.0, 1.0]), np.array([1.0, 1.0]))]:
    np_case("polydiv", a, b)
np_case("polydiv", np.array([1.0, 2.0, 1.0]), np.array([1.0, 1.0]), trim_leading_zeros=True)
np_case("polydiv", P2, P1, trim_leading_zeros=True)
lam("polydiv(second)", lambda ns, b: ns.polydiv(P2, b), P1)
jit_case("polydiv", lambda ns, a, b: ns.polydiv(a, b), P2, P1)
for p, kw in [(P2, {}), (P2, {"m": 2}), (P2, {"m": 0}), (P2, {"m": 5}), (P2, {"m": -1}),
              (P2.astype(np.int64), {}), (np.zeros(0), {})]:
    np_case("polyder", p, **kw)
for p, kw in [(P2, {}), (P2, {"m": 2}), (P2, {"m": 0}), (P2, {"m": 2, "k": 3.0}),
              (P2, {"m": 2, "k": np.array([1.0, 2.0])}), (P2, {"m": 2, "k": np.array([1.0, 2.0, 3.0])}),
              (P2, {"m": -1}), (P2.astype(np.int64), {"k": 1})]:
    np_case("polyint", p, **kw)
lam("polyint(k)", lambda ns, k: ns.polyint(P2, 2, k), np.array([1.0, -2.0]))
for z in (np.array([1.0, 2.0]), np.array([0.5, -1.0, 2.0]), np.array([1, 2]), np.float64(3.0), np.zeros(0),
          np.array([[1.0, 2.0], [0.0, 3.0]]), np.array([[1.0, 2.0], [-3.0, 3.0]]), np.zeros((2, 3)),
          np.array([1.0 + 1j, 1.0 - 1j])):
    np_case("poly", z)
jit_case("poly", lambda ns, z: ns.poly(z), np.array([0.5, -1.0, 2.0]))
# roots: the real parts' order and values; sorted on both sides for a stable comparison


def _sorted_roots(ns: Any, p: Any, **kw: Any) -> Any:
    r = ns.roots(p, **kw)
    return ns.sort_complex(r) if hasattr(ns, "sort_complex") else r


for p in (P1, P2, np.array([0.0, 0.0, 1.0, -3.0, 2.0]), np.array([1.0, 0.0, 0.0]), np.array([2.0]),
          np.array([0.0, 0.0]), np.array([1, -5, 6]), np.array([1.0, 0.0, 1.0]), np.array([[1.0, 2.0]])):
    np_case("roots", p)
    np_case("roots", p, strip_zeros=False)
lam("roots(real)", lambda ns, p: ns.sort(ns.real(ns.roots(p))), P1)
lam("roots(real,nz)", lambda ns, p: ns.sort(ns.real(ns.roots(p, strip_zeros=False))), np.array([0.0, 1.0, -3.0, 2.0]))
jit_case("roots", lambda ns, p: ns.sort(ns.real(ns.roots(p, strip_zeros=False))), np.array([0.0, 1.0, -3.0, 2.0]))
jit_case("roots(strip)", lambda ns, p: ns.roots(p), P1)


# ---------------------------------------------------------------- qr(mode="raw")
QA = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 7.0]])
for a in (QA, QA.T, np.stack([QA, QA * 2.0 - 1.0]), QA + 1j * QA[::-1], QA.astype(np.int64), QA.astype(np.float32)):
    add("linalg.qr(raw)", lambda x: fnp.linalg.qr(x, mode="raw"), lambda x: jnp.linalg.qr(x, mode="raw"), a)
for mode in ("full", "e", "economic", "complete", "r"):
    add(f"linalg.qr({mode})", lambda x, m=mode: fnp.linalg.qr(x, mode=m),
        lambda x, m=mode: jnp.linalg.qr(x, mode=m), QA)
vmap_case("linalg.qr(raw)", lambda ns, x: ns.linalg.qr(x, mode="raw"), np.stack([QA, QA * 2.0 - 1.0]))
jit_case("linalg.qr(raw)", lambda ns, x: ns.linalg.qr(x, mode="raw"), QA)


def main() -> None:
    t = main_loop(CASES, cli())
    t.summary("names", t.counts("names"))
    print("missing in functrans (skipped):", " ".join(sorted(CASES.missing)))


if __name__ == "__main__":
    main()
