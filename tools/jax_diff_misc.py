"""Differential harness for the misc surface: functrans vs JAX (x64) on scipy.linalg's
decompositions and special matrices, nn (attention, initializers), the extra random samplers,
tree_util extras and top-level utilities.

Not part of the test suite (jax is not a test dependency). Run from the repo root:

    python tools/jax_diff_misc.py [--filter SUBSTR] [--no-exc] [--no-dtype]

Each case is a function of a namespace ``L`` (``L.api`` functrans or jax, ``L.np``, ``L.sl``
scipy.linalg, ``L.nn``, ``L.init`` nn.initializers, ``L.random``, ``L.tu``, ``L.tree``,
``L.dtypes``); it is called once with each library and the results compared as pytrees
(tools/jax_diff.compare: structure, shapes, dtypes, values with NaN == NaN), or, when either
raises, by exception type. Cases labelled ``grad:`` compare a gradient.

Known differences that the run still reports (deliberate):
- sl.eigh_tridiagonal eigenvectors: signs may differ (JAX's come from randomly started inverse
  iteration; functrans' from a dense eigh of the tridiagonal matrix); eigenvalues agree.
- grad of sl.polar (method 'qdwh'): functrans differentiates it (it is computed from the SVD);
  JAX raises ValueError (reverse mode through its while_loop).
- tu.flatten_one_level_with_keys of a namedtuple: JAX 0.10.2 labels every child with the first
  field's key (a bug); functrans gives each child its own field name.
- nn.dot_product_attention runs its softmax in float32 as JAX does, so results agree to float32
  rounding only (XLA's and NumPy's float32 exp differ in the last bit); the harness compares
  these cases after casting to float32.
- sl.sqrtm/funm/solve_sylvester are computed from eig (JAX: Schur form): same matrices to
  rounding for diagonalizable input (the complex64 'sl.sqrtm f32' case shows float32 rounding
  under the harness' complex tolerance of 1e-9); funm(disp=False) raises NotImplementedError.
Not compared (functrans limitations): sl.qr(pivoting=True) needs concrete values (raises
ConcretizationTypeError under jit/vmap, where JAX's geqp3 works); typeof's repr is functrans'
``ShapedArray(f64[], weak)``; dtypes has no bfloat16; random keys are raw uint32 arrays (key_impl
returns the string 'threefry2x32', key_dtype uint32).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import jax
import jax.nn as jnn
import jax.numpy as jnp
import jax.random as jrandom
import jax.scipy.linalg as jsl
import jax.tree_util as jtu
import numpy as np
from jax_diff import bracket_label, cli, main_loop, run_pair

import functrans as ft
import functrans.nn as fnn
import functrans.numpy as fnp
import functrans.random as frandom
import functrans.scipy.linalg as fsl
import functrans.tree_util as ftu


def _namespace(name: str, api: Any, **mods: Any) -> SimpleNamespace:
    """The ``L`` of the cases (``init`` and ``dtypes`` are None where the library lacks them)."""
    return SimpleNamespace(name=name, api=api, tree=api.tree, init=getattr(mods["nn"], "initializers", None),
                           dtypes=getattr(api, "dtypes", None), **mods)


FT = _namespace("ft", ft, np=fnp, sl=fsl, nn=fnn, random=frandom, tu=ftu)
JX = _namespace("jax", jax, np=jnp, sl=jsl, nn=jnn, random=jrandom, tu=jtu)

CASES: list[tuple[str, Callable]] = []


def case(label: str, fn: Callable) -> None:
    CASES.append((label, fn))


A3 = np.array([[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 5.0]])  # SPD
G3 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.5], [7.0, 8.5, 9.0]])
R43 = np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [2.0, 0.0, 1.0], [-1.0, 1.0, 1.0]])
R34 = R43.T.copy()
C3 = G3 + 1j * np.array([[0.5, 0.0, -1.0], [1.0, 2.0, 0.0], [0.0, -0.5, 1.5]])
V5 = np.array([1.0, -2.0, 3.0, 0.5, 4.0])
B23 = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]])


def _sumall(t: Any) -> Any:
    return sum(x.real.sum() if np.iscomplexobj(np.asarray(x)) else x.sum() for x in jtu.tree_leaves(t))


def grad_case(label: str, fname: str, x: np.ndarray, *args: Any, **kw: Any) -> None:
    def fn(L: Any) -> Any:
        f = getattr(L.sl, fname)

        def g(x: Any) -> Any:
            return sum(L.np.sum(L.np.real(o)) for o in L.tu.tree_leaves(f(x, *args, **kw)))

        return L.api.grad(g)(x)

    case("grad:" + label, fn)


# ---------------------------------------------------------------- scipy.linalg
for low in (False, True):
    case(f"sl.cholesky lower={low}", lambda L, low=low: L.sl.cholesky(A3, lower=low))
    case(f"sl.cholesky nonsym lower={low}", lambda L, low=low: L.sl.cholesky(A3 + np.triu(A3, 1), lower=low))
    grad_case(f"sl.cholesky lower={low}", "cholesky", A3, lower=low)
case("sl.cholesky batch", lambda L: L.sl.cholesky(np.stack([A3, 2 * A3])))
case("sl.cholesky int", lambda L: L.sl.cholesky(np.array([[4, 2], [2, 3]])))
case("sl.cholesky nonsquare", lambda L: L.sl.cholesky(R43))
for low in (False, True):
    case(f"sl.eigh lower={low}", lambda L, low=low: L.sl.eigh(A3, lower=low))
    case(f"sl.eigh nonsym lower={low}", lambda L, low=low: L.sl.eigh(G3, lower=low))
case("sl.eigh eigvals_only", lambda L: L.sl.eigh(A3, eigvals_only=True))
case("sl.eigh b", lambda L: L.sl.eigh(A3, np.eye(3)))
case("sl.eigh type", lambda L: L.sl.eigh(A3, type=2))
case("sl.eigh eigvals", lambda L: L.sl.eigh(A3, eigvals=(0, 1)))
grad_case("sl.eigh eigvals_only", "eigh", A3, eigvals_only=True)
for fm in (True, False):
    for a, nm in ((G3, "G3"), (R43, "R43"), (R34, "R34")):
        case(f"sl.svd {nm} full={fm}", lambda L, a=a, fm=fm: L.sl.svd(a, full_matrices=fm))
    case(f"sl.svd novec full={fm}", lambda L, fm=fm: L.sl.svd(R43, full_matrices=fm, compute_uv=False))
case("sl.svd driver", lambda L: L.sl.svd(G3, lapack_driver="gesvd"))
case("sl.svd complex", lambda L: L.sl.svd(C3))
grad_case("sl.svd s", "svd", G3, compute_uv=False)
grad_case("sl.svd uv", "svd", G3, full_matrices=False)
for mode in ("full", "economic", "r", "raw", "bad"):
    for a, nm in ((G3, "G3"), (R43, "R43"), (R34, "R34")):
        case(f"sl.qr {nm} {mode}", lambda L, a=a, mode=mode: L.sl.qr(a, mode=mode))
        case(f"sl.qr {nm} {mode} pivoting", lambda L, a=a, mode=mode: L.sl.qr(a, mode=mode, pivoting=True))
case("sl.qr batch pivoting", lambda L: L.sl.qr(np.stack([G3, G3[::-1]]), pivoting=True))
case("sl.qr complex", lambda L: L.sl.qr(C3))
grad_case("sl.qr economic", "qr", R43, mode="economic")
grad_case("sl.qr pivoting", "qr", G3, pivoting=True)
for mode in ("right", "left"):
    for piv in (False, True):
        case(
            f"sl.qr_multiply {mode} piv={piv}",
            lambda L, mode=mode, piv=piv: L.sl.qr_multiply(
                G3,
                np.array([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0]])
                if mode == "right"
                else np.array([[1.0, 0.5], [0.0, 1.0], [2.0, -1.0]]),
                mode=mode,
                pivoting=piv,
            ),
        )
    case(
        f"sl.qr_multiply 1d {mode}",
        lambda L, mode=mode: L.sl.qr_multiply(
            R43 if mode == "left" else R43,
            np.array([1.0, 2.0, 3.0]) if mode == "left" else np.array([1.0, 2.0, 3.0, 4.0]),
            mode=mode,
        ),
    )
    case(f"sl.qr_multiply conj {mode}", lambda L, mode=mode: L.sl.qr_multiply(C3, np.eye(3), mode=mode, conjugate=True))
case("sl.qr_multiply bad", lambda L: L.sl.qr_multiply(G3, np.eye(2)))
for side in ("right", "left"):
    for a, nm in ((G3, "G3"), (R43, "R43"), (R34, "R34")):
        for meth in ("qdwh", "svd"):
            case(
                f"sl.polar {nm} {side} {meth}",
                lambda L, a=a, side=side, meth=meth: L.sl.polar(a, side=side, method=meth),
            )
grad_case("sl.polar", "polar", G3)
case("sl.eigh_tridiagonal", lambda L: L.sl.eigh_tridiagonal(V5, V5[:4] * 0.5, eigvals_only=True))
case("sl.eigh_tridiagonal vec", lambda L: L.sl.eigh_tridiagonal(V5, V5[:4] * 0.5))
case(
    "sl.eigh_tridiagonal i",
    lambda L: L.sl.eigh_tridiagonal(V5, V5[:4] * 0.5, eigvals_only=True, select="i", select_range=(1, 3)),
)

for args in [
    (V5,),
    (V5, V5[::-1].copy()),
    (np.array([1, 2, 3]),),
    (np.array([1, 2, 3]), np.array([9, 4])),
    (B23,),
    (B23, np.array([7.0, 8.0])),
    (np.array(2.0),),
    (np.array([1 + 2j, 3]),),
    (np.zeros(0),),
    (V5[:3], np.array([1, 2])),
]:
    for nm in ("toeplitz", "hankel"):
        case(f"sl.{nm}{[np.shape(a) for a in args]}", lambda L, nm=nm, args=args: getattr(L.sl, nm)(*args))
case("sl.toeplitz list", lambda L: L.sl.toeplitz([1, 2, 3]))
grad_case("sl.toeplitz", "toeplitz", V5, V5[::-1].copy())
grad_case("sl.hankel", "hankel", V5, V5[:2].copy())
for a in (V5, np.array([1, 2, 3]), B23, np.array(3.0)):
    case(f"sl.circulant{np.shape(a)}", lambda L, a=a: L.sl.circulant(a))
    case(f"sl.fiedler{np.shape(a)}", lambda L, a=a: L.sl.fiedler(a))
    case(f"sl.companion{np.shape(a)}", lambda L, a=a: L.sl.companion(a))
for n in (1, 2, 3, 4, 5, 6):
    a = np.array([1.0, -16.0, 86.0, -176.0, 105.0, 3.0, 2.0][:n])
    case(f"sl.fiedler_companion n={n}", lambda L, a=a: L.sl.fiedler_companion(a))
case("sl.fiedler_companion int", lambda L: L.sl.fiedler_companion(np.array([2, 3, 4, 5])))
case("sl.fiedler_companion batch", lambda L: L.sl.fiedler_companion(B23))
case("sl.fiedler_companion empty", lambda L: L.sl.fiedler_companion(np.zeros(0)))
grad_case("sl.companion", "companion", V5)
grad_case("sl.fiedler_companion", "fiedler_companion", V5)
grad_case("sl.fiedler", "fiedler", V5)
grad_case("sl.circulant", "circulant", V5)
case("sl.companion short", lambda L: L.sl.companion(np.array([1.0])))
case("sl.leslie", lambda L: L.sl.leslie(np.array([0.1, 2.0, 1.0, 0.1]), np.array([0.2, 0.8, 0.7])))
case("sl.leslie int", lambda L: L.sl.leslie(np.array([1, 2, 3]), np.array([4, 5])))
case("sl.leslie batch", lambda L: L.sl.leslie(B23, np.array([0.5, 0.25])))
case("sl.leslie bad", lambda L: L.sl.leslie(np.array([1.0, 2.0]), np.array([1.0, 2.0])))
case("sl.leslie short", lambda L: L.sl.leslie(np.array([1.0]), np.array([])))
grad_case("sl.leslie", "leslie", V5, V5[:4].copy())
for mode in ("full", "same", "valid", "bad"):
    for n in (2, 3, 5):
        case(
            f"sl.convolution_matrix {mode} n={n}",
            lambda L, mode=mode, n=n: L.sl.convolution_matrix(np.array([-1, 4, -2]), n, mode=mode),
        )
        case(
            f"sl.convolution_matrix f {mode} n={n}",
            lambda L, mode=mode, n=n: L.sl.convolution_matrix(V5[:4], n, mode=mode),
        )
case("sl.convolution_matrix batch", lambda L: L.sl.convolution_matrix(B23, 4))
case("sl.convolution_matrix n=0", lambda L: L.sl.convolution_matrix(V5, 0))
case("sl.convolution_matrix scalar", lambda L: L.sl.convolution_matrix(np.float64(2.0), 3))
for n in (0, 1, 2, 3, 5):
    case(f"sl.hilbert {n}", lambda L, n=n: L.sl.hilbert(n))
    case(f"sl.invhilbert {n}", lambda L, n=n: L.sl.invhilbert(n))
    for kind in (None, "lower", "upper", "bad"):
        case(f"sl.pascal {n} {kind}", lambda L, n=n, kind=kind: L.sl.pascal(n, kind))
        case(f"sl.invpascal {n} {kind}", lambda L, n=n, kind=kind: L.sl.invpascal(n, kind))
    for full in (False, True):
        case(f"sl.helmert {n} {full}", lambda L, n=n, full=full: L.sl.helmert(n, full=full))
case("sl.invhilbert 12", lambda L: L.sl.invhilbert(12))
case("sl.pascal 12", lambda L: L.sl.pascal(12))
for n in (1, 2, 4, 8, 3, 0):
    case(f"sl.hadamard {n}", lambda L, n=n: L.sl.hadamard(n))
case("sl.hadamard f", lambda L: L.sl.hadamard(4, dtype=np.float32))
for n in (1, 3, 4):
    for scale in (None, "sqrtn", "n", "bad"):
        case(f"sl.dft {n} {scale}", lambda L, n=n, scale=scale: L.sl.dft(n, scale))
case("sl.dft c64", lambda L: L.sl.dft(3, dtype=np.complex64))
case("sl.dft f", lambda L: L.sl.dft(3, dtype=np.float64))

for a, nm in ((A3, "A3"), (G3, "G3"), (C3, "C3"), (np.array([[4.0, 1.0], [0.0, 9.0]]), "tri")):
    case(f"sl.sqrtm {nm}", lambda L, a=a: L.sl.sqrtm(a))
    case(f"sl.funm exp {nm}", lambda L, a=a: L.sl.funm(a, L.np.exp))
    for meth in ("schur", "eigen"):
        case(
            f"sl.solve_sylvester {nm} {meth}",
            lambda L, a=a, meth=meth: L.sl.solve_sylvester(a, G3, B23.T @ B23 + 1.0, method=meth),
        )
case("sl.sqrtm f32", lambda L: L.sl.sqrtm(A3.astype(np.float32)))
case("sl.sqrtm blocksize", lambda L: L.sl.sqrtm(A3, blocksize=2))
case("sl.sqrtm nonsquare", lambda L: L.sl.sqrtm(R43))
case("sl.funm nonsquare", lambda L: L.sl.funm(R43, np.exp))
case("sl.solve_sylvester singular", lambda L: L.sl.solve_sylvester(A3, -A3, np.eye(3)))
case("sl.solve_sylvester rect", lambda L: L.sl.solve_sylvester(A3, np.array([[2.0, 1.0], [0.0, 3.0]]), R43[:3, :2]))
case("sl.solve_sylvester bad method", lambda L: L.sl.solve_sylvester(A3, A3, A3, method="x"))
case("sl.solve_sylvester bad shape", lambda L: L.sl.solve_sylvester(A3, G3, R43))

# ---------------------------------------------------------------- more areas (appended below)
try:
    from jax_diff_misc_cases import register  # noqa: E402

    register(case, grad_case)
except ImportError:
    pass


def write_parity_data(path: str = "tests/jax_parity_misc_data.py") -> None:
    """Evaluate tests/jax_parity_misc_cases.py on JAX and write the results as Python literals."""
    sys.path.insert(0, "tests")
    import jax_parity_misc_cases as pc

    lines = [
        '"""Generated by `python tools/jax_diff_misc.py --write-parity-data` (JAX 0.10.2, x64)."""',
        "",
        "# ruff: noqa: E501, F401",
        "from numpy import array, complex64, complex128, float32, float64, inf, int32, int64, nan",
        "",
    ]
    for table in ("EXACT", "CLOSE", "F32"):
        lines.append(f"{table} = {{")
        for name, fn in getattr(pc, table).items():
            leaves = [np.asarray(v) for v in jtu.tree_leaves(fn(JX))]
            reprs = [f"array({v.tolist()!r}, dtype={v.dtype.name})" for v in leaves]
            lines.append(f"    {name!r}: [{', '.join(reprs)}],")
        lines.append("}")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("wrote", path)


def _as_f32(x: Any) -> Any:
    return jtu.tree_map(lambda v: np.asarray(v).astype(np.float32) if np.asarray(v).dtype == np.float64 else v, x)


# dot_product_attention runs its softmax in float32 (as JAX): results agree to float32 rounding only
LOOSE = ("nn.dot_product_attention",)


def _run(case: tuple) -> list[str]:
    label, fn = case
    if any(t in label for t in LOOSE):
        return run_pair(lambda L: _as_f32(fn(L)), FT, JX)
    return run_pair(fn, FT, JX)


def main() -> None:
    args = cli(write_parity_data={"action": "store_true", "help": "recompute tests/jax_parity_misc_data.py from JAX"})
    if args.write_parity_data:
        write_parity_data()
        return
    main_loop(CASES, args, _run, bracket_label).summary("labels")


if __name__ == "__main__":
    main()
