"""Differential harness for convolutions, windowed reductions, associative_scan, custom solves and
the named-axis collectives: functrans vs JAX (x64).

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_laxconv.py [--filter SUBSTR] [--no-exc] [--no-dtype]

Each case is a function of a namespace ``L`` (``L.lax``, ``L.np``, ``L.api``), called once with
functrans and once with JAX; results are compared as pytrees (structure, shapes, dtypes, values),
exceptions by type (tools/jax_diff_lax.run_lcase, tools/jax_diff.compare / main_loop).

Known, deliberate differences (the run still reports them as NO-RAISE: JAX fails, functrans
gives the derivative):
- reduce_window max/min with window dilation: JAX raises NotImplementedError for reverse mode
  (its select_and_gather VJP); functrans differentiates it (first extremal element of each window).
  With base dilation JAX 0.10.2 fails inside its own VJP (a TypeError from a slice).
- reduce_window with another computation or init value (lax.mul, a lambda, add with init 1.5, max
  with init 0): JAX has no reverse mode for its generic reduce_window; functrans folds the
  computation over the window positions with primitives, so grad works (forward values agree).
- custom_linear_solve with has_aux=True under reverse mode: JAX fails with an AssertionError
  inside its transpose rule; functrans returns the gradient.
- ppermute under vmap with a permutation that does not cover the axis: JAX raises
  AssertionError ("Permutation doesn't match the axis size!"); functrans raises ValueError.
- associative_scan(reverse=True) with a negative axis: JAX's error is a TypeError from lax.rev;
  functrans raises TypeError too, with its own message.
- float32 convolutions agree to rounding only (different summation order), within the
  comparator's float32 tolerance.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from jax_diff import bracket_label, cli, main_loop
from jax_diff_lax import run_lcase

CASES: list[tuple[str, Callable[[Any], Any]]] = []


def c(label: str, fn: Callable[[Any], Any]) -> None:
    CASES.append((label, fn))


rng = np.random.default_rng(0)
X = rng.normal(size=(2, 4, 6, 5))
W = rng.normal(size=(6, 4, 3, 2))
WG = rng.normal(size=(6, 2, 3, 2))
XB = rng.normal(size=(6, 4, 5, 5))
WB = rng.normal(size=(6, 4, 2, 2))
XN = rng.normal(size=(2, 5, 6, 3))
WN = rng.normal(size=(3, 2, 3, 4))

CONV_KW = [
    dict(window_strides=(1, 1), padding="VALID"),
    dict(window_strides=(2, 1), padding="SAME"),
    dict(window_strides=(1, 2), padding="SAME_LOWER", rhs_dilation=(2, 1)),
    dict(window_strides=(2, 3), padding=((1, 2), (-1, 0)), lhs_dilation=(1, 2), rhs_dilation=(2, 1)),
    dict(window_strides=(1, 1), padding=((2, 2), (0, 1)), lhs_dilation=(2, 2)),
]


def _conv(L: Any, kw: dict, fgc: int = 1, bgc: int = 1) -> Callable:
    return lambda a, b: L.lax.conv_general_dilated(a, b, feature_group_count=fgc, batch_group_count=bgc, **kw)


def _grads(L: Any, f: Callable, *args: Any) -> Any:
    def loss(*a: Any) -> Any:
        out = f(*a)
        return L.np.sum(out * L.np.sin(L.np.arange(out.size).reshape(out.shape) * 1.0))

    return L.api.grad(loss, argnums=tuple(range(len(args))))(*args)


for i, kw in enumerate(CONV_KW):
    for fgc, w in ((1, W), (2, WG)):
        tag = f"conv#{i} fgc{fgc}"
        c(f"{tag} value", lambda L, kw=kw, fgc=fgc, w=w: _conv(L, kw, fgc)(X, w))
        c(f"{tag} grad", lambda L, kw=kw, fgc=fgc, w=w: _grads(L, _conv(L, kw, fgc), X, w))
        c(f"{tag} vmap both", lambda L, kw=kw, fgc=fgc, w=w: L.api.vmap(_conv(L, kw, fgc))(
            np.stack([X, 2 * X]), np.stack([w, w + 1])))
        c(f"{tag} vmap lhs", lambda L, kw=kw, fgc=fgc, w=w: L.api.vmap(_conv(L, kw, fgc), (1, None))(
            np.stack([X, 2 * X], 1), w))
        c(f"{tag} vmap rhs", lambda L, kw=kw, fgc=fgc, w=w: L.api.vmap(_conv(L, kw, fgc), (None, 3))(
            X, np.stack([w, w + 1], 3)))
        c(f"{tag} jvp", lambda L, kw=kw, fgc=fgc, w=w: L.api.jvp(_conv(L, kw, fgc), (X, w), (X * 0.5, w - 1))[1])
for i, kw in enumerate(CONV_KW[:3]):
    tag = f"conv#{i} bgc3"
    c(f"{tag} value", lambda L, kw=kw: _conv(L, kw, 1, 3)(XB, WB))
    c(f"{tag} grad", lambda L, kw=kw: _grads(L, _conv(L, kw, 1, 3), XB, WB))
    for ax in ((0, 0), (1, None), (None, 2)):
        c(f"{tag} vmap {ax}", lambda L, kw=kw, ax=ax: L.api.vmap(_conv(L, kw, 1, 3), ax)(
            XB if ax[0] is None else np.stack([XB, XB * 2], ax[0]),
            WB if ax[1] is None else np.stack([WB, WB - 1], ax[1])))
DNS = [("NHWC", "HWIO", "NHWC"), ("NWHC", "WHOI", "CHWN"), ("NCHW", "HWIO", "NHWC")]
for dn in DNS:
    w = WN if dn[1] == "HWIO" else rng.normal(size=(2, 3, 4, 3))
    kw = dict(window_strides=(2, 1), padding="SAME", dimension_numbers=dn)
    x = XN if dn[0] != "NCHW" else XN.transpose(0, 3, 1, 2)
    c(f"conv dn {dn} value", lambda L, kw=kw, x=x, w=w: _conv(L, kw)(x, w))
    c(f"conv dn {dn} grad", lambda L, kw=kw, x=x, w=w: _grads(L, _conv(L, kw), x, w))
    c(f"conv dn {dn} vmap", lambda L, kw=kw, x=x, w=w: L.api.vmap(_conv(L, kw), (2, 0))(
        np.stack([x, x], 2), np.stack([w, 2 * w])))
    c(f"conv_dimension_numbers {dn}", lambda L, dn=dn, x=x, w=w: tuple(
        L.lax.conv_dimension_numbers(x.shape, w.shape, dn)))
c("conv_dimension_numbers None", lambda L: tuple(L.lax.conv_dimension_numbers((1, 2, 3), (4, 2, 1), None)))
c("conv 1d", lambda L: L.lax.conv(X[:, :, 0], W[:, :, 0], (2,), "SAME"))
c("conv 3d", lambda L: L.lax.conv(X[..., None], W[..., None], (1, 2, 1), "VALID"))
c("conv int", lambda L: L.lax.conv(np.arange(48).reshape(1, 3, 4, 4), np.ones((2, 3, 2, 2), np.int64), (1, 1),
                                   "SAME"))
c("conv int preferred f64", lambda L: L.lax.conv(np.arange(48).reshape(1, 3, 4, 4), np.ones((2, 3, 2, 2), np.int64),
                                                 (1, 1), "SAME", preferred_element_type=np.float64))
c("conv f32", lambda L: L.lax.conv(X.astype(np.float32), W.astype(np.float32), (1, 1), "SAME"))
c("conv complex", lambda L: L.lax.conv(X + 1j * X[::-1], W - 2j * W, (1, 1), "SAME"))
c("conv complex grad", lambda L: L.api.grad(lambda a: L.np.real(L.np.sum(
    L.lax.conv(a, W - 2j * W, (1, 1), "SAME") ** 2)))(X + 0j))
c("conv_with_general_padding", lambda L: L.lax.conv_with_general_padding(X, W, (1, 2), ((1, 1), (0, 2)), (2, 1),
                                                                         (1, 2)))
for pad in ("SAME", "VALID"):
    for tk in (False, True):
        for s in ((2, 2), (1, 3)):
            k = rng.normal(size=(3, 2, 3, 3)) if tk else WN
            c(f"conv_transpose {pad} tk={tk} s={s}", lambda L, pad=pad, tk=tk, s=s, k=k: L.lax.conv_transpose(
                XN, k, s, pad, transpose_kernel=tk))
            c(f"conv_transpose {pad} tk={tk} s={s} grad", lambda L, pad=pad, tk=tk, s=s, k=k: _grads(
                L, lambda a, b: L.lax.conv_transpose(a, b, s, pad, transpose_kernel=tk), XN, k))
c("conv_transpose rhs_dilation", lambda L: L.lax.conv_transpose(XN, WN, (2, 1), "SAME", rhs_dilation=(1, 2)))
c("conv_transpose NCHW", lambda L: L.lax.conv_transpose(X, W, (2, 2), ((1, 0), (2, 1)),
                                                        dimension_numbers=("NCHW", "OIHW", "NCHW")))
c("patches", lambda L: L.lax.conv_general_dilated_patches(X, (2, 3), (1, 2), "SAME"))
c("patches nhwc", lambda L: L.lax.conv_general_dilated_patches(XN, (2, 3), (1, 1), "VALID",
                                                               dimension_numbers=("NHWC", "HWIO", "NHWC")))
c("patches dil", lambda L: L.lax.conv_general_dilated_patches(X, (2, 2), (1, 1), ((1, 0), (0, 1)), (1, 2), (2, 1)))
c("patches grad", lambda L: _grads(L, lambda a: L.lax.conv_general_dilated_patches(a, (2, 2), (2, 1), "SAME"), X))
c("padtype_to_pads", lambda L: L.lax.padtype_to_pads((5, 6, 7), (2, 3, 4), (2, 1, 3), "SAME_LOWER"))
c("conv_general_permutations", lambda L: L.lax.conv_general_permutations(("NHWC", "HWIO", "NCHW")))
c("conv_shape_tuple", lambda L: L.lax.conv_shape_tuple((2, 4, 6, 5), (6, 4, 3, 2), (2, 1), "SAME"))
# errors
c("err dtype mismatch", lambda L: L.lax.conv(X, W.astype(np.float32), (1, 1), "SAME"))
c("err fgc", lambda L: _conv(L, CONV_KW[0], 3)(X, W))
c("err fgc rhs", lambda L: _conv(L, CONV_KW[0], 2)(X, W))
c("err both groups", lambda L: _conv(L, CONV_KW[0], 2, 2)(X, WG))
c("err string pad lhs dil", lambda L: L.lax.conv_general_dilated(X, W, (1, 1), "SAME", lhs_dilation=(2, 1)))
c("err dn chars", lambda L: L.lax.conv_general_dilated(XN, WN, (1, 1), "SAME",
                                                       dimension_numbers=("NHWC", "HWXO", "NHWC")))
c("err rank", lambda L: L.lax.conv(X, W[0], (1, 1), "SAME"))
c("err strides len", lambda L: L.lax.conv(X, W, (1,), "SAME"))
c("err pad type", lambda L: L.lax.conv(X, W, (1, 1), "FULL"))
c("err neg pad", lambda L: L.lax.conv(X, W, (1, 1), ((-7, 0), (0, 0))))

# ---------------------------------------------------------------- reduce_window
Y = rng.normal(size=(4, 6, 7))
T = np.array([[1.0, 3, 3, 2], [3, 1, 3, 3], [0, 0, 0, 0]])
RW_KW = [
    dict(window_dimensions=(1, 2, 3), window_strides=(1, 2, 1), padding="SAME"),
    dict(window_dimensions=(2, 2, 2), window_strides=(1, 1, 2), padding=((0, 1), (1, 0), (2, -1)),
         base_dilation=(1, 2, 1)),
    dict(window_dimensions=(1, 3, 2), padding="VALID", window_dilation=(1, 1, 2)),
]
INITS = {"add": [0.0, 1.5], "max": [-np.inf, 0.0], "min": [np.inf], "mul": [1.0]}
for i, kw in enumerate(RW_KW):
    for comp, inits in INITS.items():
        for init in inits:
            def rw(L: Any, kw: dict = kw, comp: str = comp, init: float = init) -> Callable:
                return lambda a: L.lax.reduce_window(a, init, getattr(L.lax, comp), **kw)

            tag = f"reduce_window#{i} {comp} init={init}"
            c(f"{tag} value", lambda L, rw=rw: rw(L)(Y))
            c(f"{tag} grad", lambda L, rw=rw: _grads(L, rw(L), Y))
            c(f"{tag} jvp", lambda L, rw=rw: L.api.jvp(rw(L), (Y,), (np.cos(Y),))[1])
            c(f"{tag} vmap", lambda L, rw=rw: L.api.vmap(rw(L), 1)(np.stack([Y, Y * 2], 1)))
for comp, init in (("max", -np.inf), ("min", np.inf)):
    for kw in (dict(window_dimensions=(2, 2), window_strides=(1, 1), padding="VALID"),
               dict(window_dimensions=(2, 3), window_strides=(1, 2), padding="SAME")):
        c(f"reduce_window ties {comp} {kw['padding']} grad", lambda L, comp=comp, init=init, kw=kw: _grads(
            L, lambda a: L.lax.reduce_window(a, init, getattr(L.lax, comp), **kw), T))
c("reduce_window int max", lambda L: L.lax.reduce_window(np.arange(30).reshape(5, 6) % 7,
                                                         np.iinfo(np.int64).min, L.lax.max, (2, 2), (1, 1), "SAME"))
c("reduce_window int add", lambda L: L.lax.reduce_window(np.arange(30).reshape(5, 6), 0, L.lax.add, (2, 3), (2, 1),
                                                         "VALID"))
c("reduce_window tree", lambda L: L.lax.reduce_window((Y, Y * 2), (0.0, -np.inf),
                                                      lambda a, b: (a[0] + b[0], L.lax.max(a[1], b[1])), (1, 2, 2)))
c("reduce_window lambda", lambda L: L.lax.reduce_window(Y, 0.0, lambda a, b: a + b * b, (2, 2, 1), (1, 1, 1),
                                                        "SAME"))
c("reduce_window f32", lambda L: L.lax.reduce_window(Y.astype(np.float32), -np.inf, L.lax.max, (2, 2, 1)))
c("reduce_window maxpool jit grad", lambda L: L.api.jit(L.api.grad(lambda a: L.np.sum(L.lax.reduce_window(
    a, -np.inf, L.lax.max, (1, 2, 2), (1, 2, 2), "VALID") ** 2)))(Y))

# ---------------------------------------------------------------- associative_scan
for rev in (False, True):
    for ax in (0, 1, 2, -1):
        tag = f"associative_scan rev={rev} axis={ax}"
        c(f"{tag} add", lambda L, rev=rev, ax=ax: L.lax.associative_scan(L.lax.add, Y, reverse=rev, axis=ax))
        c(f"{tag} affine tree", lambda L, rev=rev, ax=ax: L.lax.associative_scan(
            lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]), (Y, Y * 2), reverse=rev, axis=ax))
        c(f"{tag} grad", lambda L, rev=rev, ax=ax: _grads(L, lambda a: L.lax.associative_scan(
            lambda p, q: (p[0] * q[0], p[1] * q[0] + q[1]), (a, a * 2), reverse=rev, axis=ax)[1], Y))
c("associative_scan vmap", lambda L: L.api.vmap(lambda a: L.lax.associative_scan(L.lax.max, a))(Y))
c("associative_scan len1", lambda L: L.lax.associative_scan(L.lax.add, Y[:1]))
c("associative_scan dict", lambda L: L.lax.associative_scan(lambda p, q: {"a": p["a"] + q["b"], "b": p["b"] * q["a"]},
                                                            {"a": Y[:, 0], "b": Y[:, 1]}))
c("associative_scan mismatched", lambda L: L.lax.associative_scan(L.lax.add, (Y, Y[:2])))

# ---------------------------------------------------------------- collectives
V = np.array([3.0, 1.0, 3.0, 2.0])
M = np.arange(12.0).reshape(4, 3)
COLL = {
    "psum": lambda L: (lambda v: L.lax.psum(v, "i")),
    "pmean": lambda L: (lambda v: L.lax.pmean(v, "i")),
    "pmax": lambda L: (lambda v: L.lax.pmax(v, "i")),
    "pmin": lambda L: (lambda v: L.lax.pmin(v, "i")),
    "ppermute": lambda L: (lambda v: L.lax.ppermute(v, "i", [(0, 1), (1, 2), (2, 3), (3, 0)])),
    "all_gather": lambda L: (lambda v: L.lax.all_gather(v, "i")),
    "all_gather tiled": lambda L: (lambda v: L.lax.all_gather(v, "i", axis=0, tiled=True)),
    "axis_index": lambda L: (lambda v: v * L.lax.axis_index("i")),
    "axis_size": lambda L: (lambda v: v * L.lax.axis_size("i")),
    "psum const": lambda L: (lambda v: L.lax.psum(2.0, "i") + v),
    "softmax": lambda L: (lambda v: L.np.exp(v) / L.lax.psum(L.np.exp(v), "i")),
}
for name, mk in COLL.items():
    for nm, arg in (("V", V), ("M", M)):
        def F(L: Any, mk: Callable = mk) -> Callable:
            return L.api.vmap(mk(L), axis_name="i")

        tag = f"{name} {nm}"
        c(f"{tag} value", lambda L, F=F, arg=arg: F(L)(arg))
        c(f"{tag} grad", lambda L, F=F, arg=arg: _grads(L, F(L), arg))
        c(f"{tag} jit", lambda L, F=F, arg=arg, mk=mk: L.api.vmap(L.api.jit(mk(L)), axis_name="i")(arg))
        c(f"{tag} outer vmap", lambda L, F=F, arg=arg: L.api.vmap(F(L))(np.stack([arg, 2 * arg])))
        c(f"{tag} vmap grad", lambda L, F=F, arg=arg: L.api.vmap(lambda a: _grads(L, F(L), a))(
            np.stack([arg, 2 * arg])))
c("nested psum", lambda L: L.api.vmap(L.api.vmap(lambda v: L.lax.psum(v, "j") + 10 * L.lax.psum(v, "i"),
                                                 axis_name="j"), axis_name="i")(M))
c("nested psum tuple", lambda L: L.api.vmap(L.api.vmap(lambda v: L.lax.psum(v, ("i", "j")), axis_name="j"),
                                            axis_name="i")(M))
c("nested axis_index tuple", lambda L: L.api.vmap(L.api.vmap(lambda v: L.lax.axis_index(("i", "j")) + 0 * v,
                                                             axis_name="j"), axis_name="i")(M))
c("nested pmax inner", lambda L: L.api.vmap(L.api.vmap(lambda v: L.lax.pmax(v, "i"), axis_name="j"),
                                            axis_name="i")(M))
c("psum unbatched operand", lambda L: L.api.vmap(lambda v, w: v * L.lax.psum(w * w, "i"), (0, None),
                                                 axis_name="i")(V, M[0]))
c("psum unbatched grad", lambda L: _grads(L, lambda a, b: L.api.vmap(lambda v, w: v * L.lax.psum(w * w, "i"),
                                                                     (0, None), axis_name="i")(a, b), V, M[0]))
c("all_gather unbatched grad", lambda L: _grads(L, lambda a, b: L.api.vmap(
    lambda v, w: v * L.np.sum(L.lax.all_gather(w * w, "i")), (0, None), axis_name="i")(a, b), V, M[0]))
c("psum int", lambda L: L.api.vmap(lambda v: L.lax.psum(np.int32(2), "i"), axis_name="i")(V))
c("psum tree", lambda L: L.api.vmap(lambda v: L.lax.psum({"a": v, "b": 2 * v}, "i"), axis_name="i")(V))
c("axis_index dtype", lambda L: L.api.vmap(lambda v: L.lax.axis_index("i"), axis_name="i")(V))
c("psum in scan", lambda L: L.api.vmap(lambda u: L.lax.scan(lambda cc, _: (cc + L.lax.psum(u, "i"), cc), 0.0, None,
                                                              length=3)[1], axis_name="i")(V))
c("psum in cond", lambda L: L.api.vmap(lambda u: L.lax.cond(u > 1.5, lambda v: L.lax.psum(v, "i"), lambda v: -v, u),
                                       axis_name="i")(V))
c("psum in while", lambda L: L.api.vmap(lambda u: L.lax.while_loop(lambda cc: cc[0] < 3, lambda cc: (
    cc[0] + 1, cc[1] + L.lax.psum(cc[1], "i")), (0, u))[1], axis_name="i")(V))
c("psum unbound", lambda L: L.lax.psum(1.0, "i"))
c("axis_index unbound", lambda L: L.lax.axis_index("i"))
c("axis_size unbound", lambda L: L.lax.axis_size("i"))
c("psum wrong name", lambda L: L.api.vmap(lambda v: L.lax.psum(v, "j"), axis_name="i")(V))

# ---------------------------------------------------------------- custom_linear_solve / custom_root
A = rng.normal(size=(3, 3)) + 3 * np.eye(3)
B = rng.normal(size=3)


def _cls(L: Any, ts: bool = True) -> Callable:
    def f(a: Any, b: Any) -> Any:
        return L.lax.custom_linear_solve(lambda x: L.np.dot(a, x), b, lambda m, y: L.np.linalg.solve(a, y),
                                         (lambda m, y: L.np.linalg.solve(a.T, y)) if ts else None)
    return f


for ts in (True, False):
    c(f"custom_linear_solve ts={ts} value", lambda L, ts=ts: _cls(L, ts)(A, B))
    c(f"custom_linear_solve ts={ts} grad", lambda L, ts=ts: _grads(L, _cls(L, ts), A, B))
    c(f"custom_linear_solve ts={ts} jvp", lambda L, ts=ts: L.api.jvp(_cls(L, ts), (A, B), (A * 0.1, B))[1])
    c(f"custom_linear_solve ts={ts} vmap", lambda L, ts=ts: L.api.vmap(_cls(L, ts))(np.stack([A, A.T]),
                                                                                   np.stack([B, 2 * B])))
    c(f"custom_linear_solve ts={ts} hessian", lambda L, ts=ts: L.api.hessian(
        lambda b: L.np.sum(_cls(L, ts)(A, b) ** 3))(B))
c("custom_linear_solve symmetric grad", lambda L: _grads(L, lambda a, b: L.lax.custom_linear_solve(
    lambda x: a @ x, b, lambda m, y: L.np.linalg.solve(a, y), symmetric=True), A @ A.T, B))
c("custom_linear_solve cg", lambda L: _grads(L, lambda a, b: L.lax.custom_linear_solve(
    lambda x: a @ x, b, lambda m, y: L.lax.fori_loop(0, 3, lambda i, x: x + (y - m(x)) / 6.0, y * 0.0),
    symmetric=True), A @ A.T + 5 * np.eye(3), B))


def _root(L: Any, aux: bool = False) -> Callable:
    def sqrt(cc: Any) -> Any:
        def solve(f: Callable, x0: Any) -> Any:
            x = x0
            for _ in range(30):
                x = x - f(x) / (2 * x)
            return (x, L.np.sum(x)) if aux else x

        return L.lax.custom_root(lambda x: x ** 2 - cc, 1.0 + 0 * cc, solve, lambda g, y: y / g(L.np.ones_like(y)),
                                 has_aux=aux)
    return sqrt


C = np.array([2.0, 3.0, 5.0])
for aux in (False, True):
    c(f"custom_root aux={aux} value", lambda L, aux=aux: _root(L, aux)(C))
    c(f"custom_root aux={aux} grad", lambda L, aux=aux: _grads(L, lambda a: _root(L, aux)(a)[0] if aux
                                                               else _root(L, aux)(a), C))
    c(f"custom_root aux={aux} hessian", lambda L, aux=aux: L.api.hessian(
        lambda a: L.np.sum(_root(L, aux)(a)[0] if aux else _root(L, aux)(a)))(C))
    c(f"custom_root aux={aux} vmap", lambda L, aux=aux: L.api.vmap(_root(L, aux))(np.stack([C, 2 * C])))
    c(f"custom_root aux={aux} jit grad", lambda L, aux=aux: L.api.jit(L.api.grad(
        lambda a: L.np.sum(_root(L, aux)(a)[0] if aux else _root(L, aux)(a))))(C))


def main() -> None:
    main_loop(CASES, cli(), run_lcase, bracket_label).summary("labels")


if __name__ == "__main__":
    main()
