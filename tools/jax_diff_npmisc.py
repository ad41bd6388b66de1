"""Differential harness, npmisc part: the array-API aliases, bitwise and extra elementwise
functions, dtype introspection and the index/construction helpers of functrans.numpy vs
JAX (x64).

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_npmisc.py [--filter SUBSTR] [--no-dtype] [--no-exc]

Same comparison as tools/jax_diff.py (values, shapes, dtypes, gradient of sum(f(x)) w.r.t.
the first float64 argument, exception types). Functions returning dtypes are compared by
name; ``result_type``/``promote_types`` over every pair of the 14 NumPy dtypes and the
weak Python types.

Known differences that the run still reports (deliberate):
- frexp of a subnormal float64: functrans gives NumPy's exact exponent (frexp(5e-324) =
  (0.5, -1073)); JAX (XLA) gives -1074. modf/ldexp of subnormals: XLA flushes them to zero.
- ldexp's gradient in x at x = 0, +-inf: functrans gives 2**n (ldexp is linear in x); JAX
  gives 1 there (its implementation passes 0 and inf through a where), and 0 where the
  result is subnormal.
- lists as array arguments are accepted (as in the rest of functrans.numpy and NumPy);
  JAX's trapezoid/unwrap/sort_complex/cumulative_prod/vecdot raise TypeError for them.
- i0's second derivative at exactly 0: functrans gives the true value 0.5 (i1'(0)); JAX 0.
- concatenate-based functions (block, concat) and choose promote mixed dtypes as NumPy
  (functrans's concatenate), e.g. int32 with float32 gives float64 (JAX float32).
- vectorize: keyword arguments not listed in excluded raise NotImplementedError (JAX
  silently ignores them and uses the function's default).
- array_repr/array_str are NumPy's (as in JAX), so the class name printed differs.
- windows with a traced length, ix_/mgrid with traced bounds: not supported (JAX neither).
"""
from __future__ import annotations

import io

import jax
import jax.numpy as jnp
import numpy as np
from jax_diff import Cases, cli, main_loop

import functrans.numpy as fnp

CASES = Cases()
add, np_case, lam = CASES.add, CASES.np, CASES.lam  # lam: a case calling ``f(module, *args)`` with fnp and jnp


V = np.array([-2.0, -1.0, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0])
U = np.array([-0.9, -0.5, 0.0, 0.0, 0.5, 0.9])
P = np.array([0.25, 0.5, 1.0, 2.0, 2.0, 4.0])
M = np.array([[1.0, -1.0, 0.0], [2.0, 2.0, -3.0]])
A3 = np.arange(24.0).reshape(2, 3, 4) - 7.0
IA = np.array([-12, -3, -1, 0, 5, 7, 9])
IB = np.array([8, 2, 0, 0, 5, -6, 6])
U8 = np.array([1, 2, 3, 255, 0], np.uint8)
B = np.array([True, False, True, True])
SPECIAL = np.array([0.0, -0.0, 1.5, -3.0, np.inf, -np.inf, np.nan, 1e300, 0.1])
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64, np.bool_]

# ---------------------------------------------------------------- aliases
for n, x in [("acos", U), ("asin", U), ("atan", V), ("acosh", P + 1.0), ("asinh", V), ("atanh", U)]:
    np_case(n, x)
    np_case(n, M if n not in ("acos", "asin", "atanh", "acosh") else x.astype(np.float32))
np_case("atan2", V, V[::-1].copy())
np_case("pow", V, 2)
np_case("pow", P, V[:6])
np_case("pow", IA, 2)
np_case("concat", [M, M])
np_case("concat", [M, M], axis=1)
np_case("concat", [M, V], axis=None)
np_case("permute_dims", A3, (2, 0, 1))
np_case("matrix_transpose", A3)
np_case("matrix_transpose", V)
np_case("unstack", M)
np_case("unstack", A3, axis=1)
np_case("unstack", A3, axis=-1)
np_case("unstack", np.float64(1.0))
np_case("vecdot", M, M)
np_case("vecdot", M, np.array([1.0, 2.0])[:, None], axis=0)
np_case("vecdot", np.array([1 + 2j, 3j]), np.array([1j, 2]))
np_case("vecdot", M, V)
np_case("matvec", A3, np.arange(4.0))
np_case("matvec", M, np.array([1.0, 2.0, 3.0]))
np_case("matvec", M, np.array([1.0, 2.0]))
np_case("vecmat", np.array([1.0, 2.0]), M)
np_case("vecmat", np.arange(2.0) + 1j, M)
np_case("vecmat", np.arange(3.0), M)
for x, kw in [(V, {}), (V, {"include_initial": True}), (M, {"axis": 1}), (M, {"axis": 0, "include_initial": True}),
              (M, {}), (IA, {}), (IA.astype(np.int8), {}), (B, {}), (IA.astype(np.int8), {"dtype": np.float32})]:
    np_case("cumulative_prod", x, **kw)

# ---------------------------------------------------------------- bitwise
for n in ("bitwise_and", "bitwise_or", "bitwise_xor"):
    for a, b in [(IA, IB), (IA, 6), (U8, U8[::-1].copy()), (B, B[::-1].copy()),
                 (IA.astype(np.int32), U8.astype(np.uint32)[:1]), (np.int8(5), np.uint8(3)), (V, V)]:
        np_case(n, a, b)
for n in ("invert", "bitwise_not", "bitwise_invert", "bitwise_count"):
    for x in (IA, U8, B, IA.astype(np.int16), np.uint64(2**63 + 5), V):
        np_case(n, x)
for n in ("left_shift", "right_shift", "bitwise_left_shift", "bitwise_right_shift"):
    for a, b in [(IA, 2), (IA, 70), (IA, -1), (IA, np.array([0, 1, 2, 63, 64, 65, -3])), (U8, np.uint8(9)),
                 (U8, U8[::-1].copy()), (IA.astype(np.int8), np.int8(7)), (IA.astype(np.int8), np.int8(8)),
                 (B, 1), (V, 1)]:
        np_case(n, a, b)

# ---------------------------------------------------------------- elementwise
for n in ("gcd", "lcm"):
    for a, b in [(IA, IB), (IA.astype(np.int32), 4), (U8, np.uint8(3)), (B, B), (V, V), (np.int64(12), np.int64(18))]:
        np_case(n, a, b)
for x in (SPECIAL, SPECIAL.astype(np.float32), IA, np.float64(3.0), V, M, IA.astype(np.int32), B):
    np_case("frexp", x)
    np_case("modf", x)
    np_case("spacing", x)
    np_case("i0", x if x.dtype != np.float64 or x is not SPECIAL else np.array([0.0, 1.0, -2.5, 30.0, 700.0]))
np_case("i0", np.array([1j]))
np_case("i0", np.linspace(-40.0, 40.0, 33))
np_case("i0", np.float32(2.0))
lam("i0'", lambda m, x: (jax.grad if m is jnp else __import__("functrans").grad)(
    lambda t: m.sum(m.i0(t)))(x), np.array([0.3, 1.0, -2.5, 30.0]))
lam("i0''", lambda m, x: (jax.vmap(jax.grad(jax.grad(m.i0))) if m is jnp else
                          __import__("functrans").vmap(__import__("functrans").grad(__import__("functrans").grad(m.i0))))(x),
    np.array([0.3, 1.0, -2.5, 17.0, 25.0]))
np_case("ldexp", np.array([1.5, 0.75, -2.0, np.inf, 1.0, 3.0]), np.array([1, -1, 1025, 2, -1074, 0]))
np_case("ldexp", V, 3)
np_case("ldexp", V.astype(np.float32), np.int64(3))
np_case("ldexp", IA, 2)
np_case("ldexp", V, 2.0)
np_case("ldexp", M, np.array([1, 2, 3], np.int8))
for a, b in [(SPECIAL, 0.0), (V, V[::-1].copy()), (V.astype(np.float32), 2.0), (np.float32(1.0), np.float64(2.0)),
             (IA, 3), (M, np.inf)]:
    np_case("nextafter", a, b)
for x in (np.array([3 + 1j, 1 - 1j, 1 - 2j, 2]), V, IA.astype(np.int32), IA, M, V.astype(np.float32), B,
          np.array([1, 2], np.int8)):
    np_case("sort_complex", x)
PH = np.array([0.0, 3.0, 6.5, 0.2, -3.5, 9.0, 2.0])
np_case("unwrap", PH)
np_case("unwrap", PH, discont=4.0)
np_case("unwrap", PH, period=4.0)
np_case("unwrap", np.array([0, 5, 10, 2]), period=6)
np_case("unwrap", np.array([0, 3, 6, 9, -3]), period=6)
np_case("unwrap", np.array([0, 5, 10, 2]))
np_case("unwrap", np.array([[0.0, 4.0, 8.0], [1.0, 5.0, 1.0]]), axis=0)
np_case("unwrap", np.array([0.0, 2.0, 4.0, 2.0, 0.0, -2.0]), period=4.0)
np_case("unwrap", PH.astype(np.float32))
np_case("unwrap", np.array([1j]))
np_case("trapezoid", V)
np_case("trapezoid", M)
np_case("trapezoid", M, axis=0)
np_case("trapezoid", V, np.arange(8.0) ** 2)
np_case("trapezoid", M, np.array([0.0, 1.0, 3.0]))
np_case("trapezoid", M, np.array([[0.0, 1.0, 3.0], [1.0, 2.0, 2.5]]))
np_case("trapezoid", np.ones((3, 2)), np.array([0.0, 1.0, 3.0]), axis=0)
np_case("trapezoid", V, dx=0.5)
np_case("trapezoid", IA)
np_case("trapezoid", IA.astype(np.int32), dx=2)
np_case("trapezoid", V.astype(np.float32), np.arange(8))

# ---------------------------------------------------------------- dtypes
DTS = [np.dtype(d) for d in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                              np.uint64, np.float16, np.float32, np.float64, np.complex64, np.complex128)]
WEAK = [int, float, complex, bool]
for a in DTS + WEAK:
    for b in DTS + WEAK:
        lam("promote_types", lambda m, x, y: str(m.promote_types(x, y)), a, b)
for vals in [(2.0, np.float32), (2, np.int8), (2, 2.0), (True, 2), (1j, np.float32), (np.float32(2), 2),
             (np.array(2.0, np.float32),), (None,), (float,), ("float32", "int64"), (np.uint8, -3),
             (np.bool_, 2.0), (np.array([1, 2], np.int16), 5), (np.float16, np.uint64), (np.float32, np.complex64, 1.0),
             (), (np.dtype("O"),)]:
    lam("result_type", lambda m, *x: str(m.result_type(*x)), *vals)
for d in DTS:
    for kind in ("bool", "signed integer", "unsigned integer", "integral", "real floating", "complex floating",
                 "numeric", ("real floating", "complex floating"), np.float32, "floats"):
        lam("isdtype", lambda m, x, k: m.isdtype(x, k), d, kind)
for a, b in [(np.float32, np.floating), (np.float32, np.inexact), ("float32", "float"), (float, np.floating),
             (np.int32, int), (np.float64, float), (np.uint8, np.signedinteger), (np.complex64, np.complexfloating)]:
    lam("issubdtype", lambda m, x, y: m.issubdtype(x, y), a, b)
for a, b, c in [(np.int32, np.int64, "safe"), (np.float64, np.float32, "same_kind"), (np.float64, np.int8, "safe"),
                (np.int64, np.float64, "same_kind")]:
    lam("can_cast", lambda m, x, y, z: m.can_cast(x, y, z), a, b, c)
for x in (1, 1.0, np.float32(1), np.array(1.0), np.array([1.0]), "a", None, [1], True, 1j):
    lam("isscalar", lambda m, y: m.isscalar(y), x)
for x in (1, [1], np.array(1.0), np.ones(2)):
    lam("iterable", lambda m, y: m.iterable(y), x)
for shapes in [((2, 1), (3,)), (), (3, (2, 1)), ((2,), (3,)), ((0, 1), (1, 5)), ((1,), ())]:
    lam("broadcast_shapes", lambda m, *s: m.broadcast_shapes(*s), *shapes)
for name in ("bool", "double", "single", "float_", "int_", "uint", "uint16", "cdouble", "csingle", "complex_"):
    lam("scalar_type", lambda m, n: str(np.dtype(getattr(m, n))), name)
for name in ("generic", "number", "inexact", "floating", "integer", "signedinteger", "unsignedinteger",
             "complexfloating", "character", "flexible", "object_"):
    lam("abstract_type", lambda m, n: getattr(m, n).__name__, name)
lam("euler_gamma", lambda m: m.euler_gamma)
lam("ComplexWarning", lambda m: m.ComplexWarning.__name__)
lam("array_str", lambda m, x: m.array_str(x), V)
lam("printoptions", lambda m: m.get_printoptions()["precision"])

# ---------------------------------------------------------------- index / construction
lam("s_", lambda m: str(m.s_[1:3, ::2]))
lam("index_exp", lambda m: str(m.index_exp[1:3]))
np_case("ix_", np.array([0, 2]), np.array([1.0, 3.0]), np.array([1, 2, 3]))
np_case("ix_", np.array([0, 2]), [1, 2])
np_case("ix_", np.array([True, False]))
np_case("ix_", np.ones((2, 2)))
np_case("ix_")
for key in [(slice(0, 3), slice(0, 2)), slice(0, 1, 3j), slice(0, 2.0, 0.5), (slice(0, 2), slice(0, 1, 3j)), slice(5)]:
    lam("mgrid", lambda m, k: m.mgrid[k], key)
    lam("ogrid", lambda m, k: m.ogrid[k], key)
lam("mask_indices", lambda m, n, k: m.mask_indices(n, m.triu, k), 3, 1)
lam("mask_indices", lambda m, n, k: m.mask_indices(n, m.tril, k), 4, -1)
lam("mask_indices", lambda m, n: m.mask_indices(n, m.triu, size=5), 3)
lam("fromfunction", lambda m, s: m.fromfunction(lambda i, j: i + 2 * j, s), (2, 3))
lam("fromfunction", lambda m, s: m.fromfunction(lambda i, j: i * j, s, dtype=int), (2, 3))
lam("fromfunction", lambda m, s: m.fromfunction(lambda i, j: 1.0, s), (2, 3))
lam("fromfunction", lambda m, s: m.fromfunction(lambda i: m.sin(i), s), (4,))
lam("choose", lambda m, a, *c: m.choose(a, c), np.array([0, 1, 2, 1]), V[:4], 10 + V[:4], np.array(-1.0))
lam("choose", lambda m, a, *c: m.choose(a, c, mode="clip"), np.array([0, 5, -1]), V[:3], M[0])
lam("choose", lambda m, a, *c: m.choose(a, c, mode="wrap"), np.array([0, 5, -1]), V[:3], M[0])
lam("choose", lambda m, a, *c: m.choose(a, c), np.array([0, 5, -1]), V[:3], M[0])
lam("choose", lambda m, a, *c: m.choose(a, c, mode="x"), np.array([0, 1]), V[:2])
lam("choose", lambda m, a, *c: m.choose(a, c), np.array([[0], [1]]), V[:3], np.array([5.0]))
lam("choose", lambda m, a, *c: m.choose(a, c), np.array([0.0, 1.0]), V[:2], V[:2])
add("choose(grad)", lambda c: fnp.choose(np.array([0, 1, 1]), [c, 2 * c]),
    lambda c: jnp.choose(np.array([0, 1, 1]), [c, 2 * c]), V[:3])
lam("block", lambda m, a, b, c: m.block([[a, b], [c]]), np.ones((2, 2)), np.zeros((2, 1)), np.ones((1, 3)))
lam("block", lambda m, a: m.block([a, 3.0]), V)
lam("block", lambda m, a: m.block(a), 2.0)
lam("block", lambda m, a: m.block([[a], a]), V)
lam("block", lambda m, a: m.block((a, a)), V)
lam("block", lambda m: m.block([]))
lam("block", lambda m, a, b: m.block([[a, b], [b, a]]), M, M)
add("block(grad)", lambda a: fnp.block([[a, 2 * a], [a ** 2, a]]), lambda a: jnp.block([[a, 2 * a], [a ** 2, a]]), M)
for idx, vals, kw in [(np.array([[0], [2]]), 9.0, {"axis": 1}),
                      (np.array([0, 5]), np.array([7.0, 8.0]), {"axis": None}),
                      (np.array([[0, 0]]), np.array([[7.0, 8.0]]), {"axis": 1}),
                      (np.array([[5], [-1]]), 9.0, {"axis": 1}),
                      (np.array([[5], [-1]]), 9.0, {"axis": 1, "mode": "clip"}),
                      (np.array([[1, 0, 1]]), np.array([[1.0, 2.0, 3.0]]), {"axis": 0}),
                      (np.array([[0], [2]]), np.array([[1.0], [2.0]]), {"axis": -1})]:
    add("put_along_axis", lambda a, i=idx, v=vals, k=kw: fnp.put_along_axis(a, i, v, inplace=False, **k),
        lambda a, i=idx, v=vals, k=kw: jnp.put_along_axis(a, i, v, inplace=False, **k), M)
add("put_along_axis", lambda a: fnp.put_along_axis(a, np.array([[0]]), 1.0, axis=1),
    lambda a: jnp.put_along_axis(a, np.array([[0]]), 1.0, axis=1), M)
add("put_along_axis(values)", lambda v: fnp.put_along_axis(M, np.array([[0], [2]]), v, axis=1, inplace=False),
    lambda v: jnp.put_along_axis(M, np.array([[0], [2]]), v, axis=1, inplace=False), np.array([[1.0], [2.0]]))
for mask_v in [(M > 0, np.array([10.0, 20.0])), (M > 0, 5.0), (M > 0, np.array([])), (M > 10, np.array([])),
               (M < 5, np.array([1.0, 2.0, 3.0, 4.0]))]:
    add("place", lambda a, mv=mask_v: fnp.place(a, mv[0], mv[1], inplace=False),
        lambda a, mv=mask_v: jnp.place(a, mv[0], mv[1], inplace=False), M)
add("place", lambda a: fnp.place(a, a > 0, 1.0), lambda a: jnp.place(a, a > 0, 1.0), M)
add("place(vals)", lambda v: fnp.place(M, M > 0, v, inplace=False), lambda v: jnp.place(M, M > 0, v, inplace=False),
    np.array([1.0, 2.0]))
for n in ("bartlett", "blackman", "hamming", "hanning"):
    for m_ in (0, 1, 2, 4, 5, 12, -1, 2.0):
        np_case(n, m_)
for m_, beta in [(4, 2.0), (1, 2.0), (0, 2.0), (3, 2), (7, 0.0), (6, 14.0)]:
    np_case("kaiser", m_, beta)
add("kaiser(beta)", lambda b: fnp.kaiser(5, b), lambda b: jnp.kaiser(5, b), np.float64(2.0))
np_case("frombuffer", np.arange(3.0).tobytes())
np_case("frombuffer", b"\x01\x02\x03\x04", dtype=np.uint8, count=2, offset=1)
np_case("fromstring", "1 2 3", sep=" ")
np_case("fromstring", "1,2", dtype=int, sep=",")
np_case("fromiter", range(3), dtype=float)
np_case("fromfile", "/nonexistent")
np_case("from_dlpack", np.arange(3.0))
_buf = io.BytesIO()
np.save(_buf, np.arange(3.0))
lam("load", lambda m, b: m.load(io.BytesIO(b)), _buf.getvalue())
lam("save", lambda m, x: (m.save(io.BytesIO(), x), 0)[1], V)
lam("savez", lambda m, x: (m.savez(io.BytesIO(), a=x), 0)[1], V)

# ---------------------------------------------------------------- vectorize / apply
lam("vectorize", lambda m, a, b: m.vectorize(lambda x, y: x * y + 1)(a, b), M, V[:3])
lam("vectorize", lambda m, a: m.vectorize(lambda x: m.sum(x ** 2), signature="(n)->()")(a), A3)
lam("vectorize", lambda m, a, b: m.vectorize(lambda x, y: x @ y, signature="(n,m),(m)->(n)")(a, b), A3, np.ones(4))
lam("vectorize", lambda m, a, b: m.vectorize(lambda x, y: x @ y, signature="(n,m),(m)->(n)")(a, b), M, np.ones(2))
lam("vectorize", lambda m, a, b: m.vectorize(lambda x, y: x @ y, signature="(n,m),(m)->(n)")(a, b), V, V)
lam("vectorize", lambda m, a: m.vectorize(lambda x, y: x @ y, signature="(n,m),(m)->(n)")(a), M)
lam("vectorize", lambda m, a: m.vectorize(lambda x: x, signature="(n)->()")(a), V)
lam("vectorize", lambda m, a: m.vectorize(lambda x: (x, x), signature="(n)->(n)")(a), V)
lam("vectorize", lambda m, a: m.vectorize(lambda x: x, signature="(n->()")(a), V)
lam("vectorize", lambda m, a: m.vectorize(lambda x: (m.sum(x), x * 2), signature="(n)->(),(n)")(a), M)
lam("vectorize", lambda m, a, b: m.vectorize(lambda x, y: x + y)(a, b), np.ones((3, 1)), np.ones(4))
lam("vectorize", lambda m, a: m.vectorize(lambda x, n: x * n, excluded={1})(a, 3), V)
lam("vectorize", lambda m, a: m.vectorize(lambda x, n: x * n, excluded=frozenset({"n"}))(a, n=3), V)
lam("vectorize", lambda m, a: m.vectorize(lambda x: m.sum(x), signature="(n)->()")(a), M[:1])
add("vectorize(grad)", lambda a: fnp.vectorize(lambda x: fnp.sum(fnp.sin(x) * x), signature="(n)->()")(a),
    lambda a: jnp.vectorize(lambda x: jnp.sum(jnp.sin(x) * x), signature="(n)->()")(a), M)
for ax, f in [(1, lambda v: v.sum()), (0, lambda v: v[::-1]), (1, lambda v: v[:2] * v[1:])]:
    add("apply_along_axis", lambda a, ax=ax, f=f: fnp.apply_along_axis(f, ax, a),
        lambda a, ax=ax, f=f: jnp.apply_along_axis(f, ax, a), M)
    add("apply_along_axis", lambda a, ax=ax, f=f: fnp.apply_along_axis(f, ax, a),
        lambda a, ax=ax, f=f: jnp.apply_along_axis(f, ax, a), A3)
lam("apply_along_axis", lambda m, a: m.apply_along_axis(lambda v: m.outer(v, v), 1, a), M)
lam("apply_along_axis", lambda m, a: m.apply_along_axis(lambda v, s, b=1: v * s + b, -1, a, 2.0, b=3), M)
lam("apply_along_axis", lambda m, a: m.apply_along_axis(lambda v: v.sum(), 3, a), M)
for axes in ([0, 2], [1], [-1], 1):
    add("apply_over_axes", lambda a, ax=axes: fnp.apply_over_axes(fnp.sum, a, ax),
        lambda a, ax=axes: jnp.apply_over_axes(jnp.sum, a, ax), A3)
add("apply_over_axes", lambda a: fnp.apply_over_axes(lambda x, ax: x.sum(ax), a, [0]),
    lambda a: jnp.apply_over_axes(lambda x, ax: x.sum(ax), a, [0]), A3)
add("apply_over_axes", lambda a: fnp.apply_over_axes(lambda x, ax: x[0, 0], a, [0]),
    lambda a: jnp.apply_over_axes(lambda x, ax: x[0, 0], a, [0]), A3)

# gradients with respect to later arguments
add("trapezoid(x)", lambda x: fnp.trapezoid(M, x), lambda x: jnp.trapezoid(M, x), np.array([0.0, 1.0, 3.0]))
add("trapezoid(x2d)", lambda x: fnp.trapezoid(M, x, axis=0), lambda x: jnp.trapezoid(M, x, axis=0), M * 2)
add("unwrap(period)", lambda t: fnp.unwrap(PH, period=t), lambda t: jnp.unwrap(PH, period=t), np.float64(4.0))
add("vecdot(x2)", lambda y: fnp.vecdot(M, y), lambda y: jnp.vecdot(M, y), V[:3])
add("vecmat(x2)", lambda y: fnp.vecmat(V[:2], y), lambda y: jnp.vecmat(V[:2], y), M)
add("matvec(x2)", lambda y: fnp.matvec(M, y), lambda y: jnp.matvec(M, y), V[:3])
add("nextafter(y)", lambda y: fnp.nextafter(V, y), lambda y: jnp.nextafter(V, y), V[::-1].copy())
add("choose(choices)", lambda c: fnp.choose(np.array([[0, 1, 1], [1, 0, 2]]), [c, -c, 2 * c], mode="clip"),
    lambda c: jnp.choose(np.array([[0, 1, 1], [1, 0, 2]]), [c, -c, 2 * c], mode="clip"), M)
add("atan2(x2)", lambda y: fnp.atan2(V, y), lambda y: jnp.atan2(V, y), P[:1])
add("pow(x2)", lambda y: fnp.pow(P, y), lambda y: jnp.pow(P, y), U)

# Python scalars
for n, a in [("bitwise_and", (3, 5)), ("gcd", (12, 18)), ("lcm", (4, 6)), ("i0", (1.0,)), ("i0", (2,)),
             ("acos", (0.5,)),
             ("ldexp", (1.0, 3)), ("frexp", (3,)), ("frexp", (3.0,)), ("spacing", (1.0,)), ("nextafter", (1.0, 2.0)),
             ("modf", (2.5,)), ("left_shift", (1, 3)), ("invert", (True,)), ("invert", (5,)), ("bitwise_count", (7,)),
             ("atan2", (1.0, 2)), ("pow", (2, 3)), ("pow", (2.0, 0.5)), ("trapezoid", ([1.0, 2.0],)),
             ("unwrap", ([0.0, 4.0],)), ("sort_complex", ([2, 1],)), ("cumulative_prod", ([1, 2],)),
             ("vecdot", ([1.0, 2.0], [3.0, 4.0])), ("choose", (1, [1.0, 2.0]))]:
    np_case(n, *a)

MINE = """acos acosh asin asinh atan atan2 atanh pow concat permute_dims matrix_transpose bitwise_and bitwise_or
bitwise_xor bitwise_not bitwise_invert bitwise_left_shift bitwise_right_shift bitwise_count invert left_shift
right_shift unstack vecdot matvec vecmat cumulative_prod gcd lcm frexp ldexp modf spacing nextafter i0 sort_complex
unwrap trapezoid result_type promote_types can_cast issubdtype isdtype isscalar iterable broadcast_shapes bool double
single float_ int_ uint uint16 cdouble csingle complex_ generic number inexact floating integer signedinteger
unsignedinteger complexfloating character flexible object_ euler_gamma ComplexWarning get_printoptions
set_printoptions printoptions array_repr array_str s_ index_exp ix_ mgrid ogrid mask_indices fromfunction choose
block put_along_axis place bartlett blackman hamming hanning kaiser frombuffer fromstring fromiter fromfile load
save savez from_dlpack vectorize apply_along_axis apply_over_axes""".split()


def main() -> None:
    t = main_loop(CASES, cli())
    t.summary("names", t.counts("names"))
    print("brief names missing in functrans.numpy:", " ".join(n for n in MINE if not hasattr(fnp, n)) or "none")


if __name__ == "__main__":
    main()
