"""The structured families of benchmarks/fwd_vs_rev.py: where neither pure mode is the answer.

  hourglass  an autoencoder R^n -> R^k -> R^n (k = n / 100): every path from input to output
             crosses the k-wide code, so J = J_decoder J_encoder costs k VJPs through the
             encoder plus k JVPs through the decoder (mixed mode) instead of n passes.
  banded     the residual of a 1-d diffusion (reaction-diffusion) equation, Dirichlet ends:
             a tridiagonal Jacobian, 3 colours, so 3 JVPs (sparse Jacobian) instead of n.

Besides functrans's jacfwd, jacrev and jacobian(mode="auto"), these families time
jacobian(mode="mixed") and sparse_jacobian (a scipy.sparse CSR matrix; the hand-written
Jacobian is a dense NumPy array). The pass counts (batch sizes of the JVPs/VJPs) are
measured once per point by counting the batched calls, and compared with the plan's
prediction (jacobian_plan / sparse_jacobian(...).plan).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import functrans
from functrans._src import api as _api
from functrans._src import jacobian as _jac

Params = tuple[np.ndarray, ...]
STRATEGIES = ("fwd", "rev", "auto", "mixed", "sparse")
WIN_FACTOR = 10.0  # the structured strategy must beat both pure modes by this much


def make_hourglass(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, Params]:
    k = max(1, n // 100)
    A = rng.standard_normal((n, n)) / np.sqrt(n)
    B = rng.standard_normal((k, n)) / np.sqrt(n)
    C = rng.standard_normal((m, k)) / np.sqrt(k)
    D = rng.standard_normal((m, m)) / np.sqrt(m)
    return rng.standard_normal(n), (A, B, C, D)


def hourglass(ops: Any) -> Callable[..., Any]:
    def f(x: Any, A: Any, B: Any, C: Any, D: Any) -> Any:
        code = ops.tanh(B @ ops.tanh(A @ x))
        return D @ ops.tanh(C @ code)

    return f


def hourglass_hand(x: np.ndarray, A: np.ndarray, B: np.ndarray, C: np.ndarray, D: np.ndarray) -> np.ndarray:
    h = np.tanh(A @ x)
    z = np.tanh(B @ h)
    h2 = np.tanh(C @ z)
    decoder = (D * (1 - h2 * h2)) @ C  # m x k
    encoder = ((1 - z * z)[:, None] * B * (1 - h * h)) @ A  # k x n
    return decoder @ encoder


def make_banded(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, Params]:
    h = 1.0 / (n - 1)
    return rng.uniform(-1, 1, n), (np.array(1.0 / h**2), np.array(0.5))


def banded(ops: Any) -> Callable[..., Any]:
    def f(u: Any, c: Any, g: Any) -> Any:  # c u'' + u - u^3 inside, u = g at both ends
        inner = c * (u[2:] - 2.0 * u[1:-1] + u[:-2]) + u[1:-1] - u[1:-1] ** 3
        return ops.concatenate([u[:1] - g, inner, u[-1:] - g])

    return f


def banded_hand(u: np.ndarray, c: np.ndarray, g: np.ndarray) -> np.ndarray:
    n = u.size
    J = np.zeros((n, n))
    i = np.arange(1, n - 1)
    J[i, i] = -2.0 * c + 1.0 - 3.0 * u[1:-1] ** 2
    J[i, i - 1] = c
    J[i, i + 1] = c
    J[0, 0] = J[-1, -1] = 1.0
    return J


def structured_thunks(name: str, f: Callable[..., Any], x: np.ndarray, params: Params) -> dict[str, Any]:
    """The extra functrans columns of a structured family."""
    jm = functrans.jacobian(f, mode="mixed")
    js = functrans.sparse_jacobian(f)
    return {"mixed": lambda: jm(x, *params), "sparse": lambda: js(x, *params)}


def to_dense(j: Any) -> np.ndarray:
    return j.toarray() if hasattr(j, "toarray") else np.asarray(j)


def measured_passes(thunk: Callable[[], Any]) -> int:
    """The total batch size of the batched JVPs/VJPs one call makes (a batch of one counts 1), on
    the normal eager path (the eager tape would run a compiled program of the same passes)."""
    from functrans._src import tape

    sizes: list[int] = []
    real_map, real_vmap = _jac._map_basis, _api.vmap_flat

    def counting_map(fun: Any, basis: Any, size: int) -> Any:
        sizes.append(size)
        _api.vmap_flat = real_vmap
        try:
            return real_map(fun, basis, size)
        finally:
            _api.vmap_flat = counting_vmap

    def counting_vmap(fun: Any, args: Any, dims: Any, size: int) -> Any:
        sizes.append(size)
        return real_vmap(fun, args, dims, size)

    _jac._map_basis, _api.vmap_flat = counting_map, counting_vmap
    prev = tape.set_mode("off")
    try:
        thunk()
    finally:
        tape.set_mode(prev)
        _jac._map_basis, _api.vmap_flat = real_map, real_vmap
    return sum(sizes)


def predicted_passes(f: Callable[..., Any], x: np.ndarray, params: Params) -> dict[str, int]:
    plan = functrans.jacobian_plan(f)(x, *params)
    mixed = sum(s.passes for s in plan.steps())
    sparse = functrans.sparse_jacobian(f).plan(x, *params).passes
    return {"fwd": x.size, "rev": plan.m, "auto": plan.passes, "mixed": mixed, "sparse": sparse}


def plan_text(f: Callable[..., Any], x: np.ndarray, params: Params) -> str:
    return str(functrans.jacobian_plan(f)(x, *params))


def summary(name: str, r: Any, predicted: dict[str, int], measured: dict[str, int]) -> str:
    """Which strategy won and why: its speed-up over both pure modes and its passes."""
    cols = [c for c in STRATEGIES if r.has(f"functrans:{c}")]
    best = min(cols, key=lambda c: r.t(f"functrans:{c}"))
    pure = min(("fwd", "rev"), key=lambda c: r.t(f"functrans:{c}"))
    over = r.paired_ratio(f"functrans:{pure}", f"functrans:{best}")
    worst = r.paired_ratio(f"functrans:{'rev' if pure == 'fwd' else 'fwd'}", f"functrans:{best}")
    verdict = "beats" if min(over, worst) >= WIN_FACTOR else "does NOT beat"
    why = {
        "mixed": "the program's narrowest cut is far narrower than its input and output",
        "sparse": "the columns colour into few groups that share no row",
        "auto": "auto took mixed mode through the bottleneck",
        "fwd": "no structure paid off",
        "rev": "no structure paid off",
    }[best]
    counts = ", ".join(f"{c} {predicted[c]}/{measured[c]}" for c in STRATEGIES if c in predicted and c in measured)
    return (
        f"  summary ({name} n={r.n}): {best} won, {over:.1f}x faster than the faster pure mode ({pure}) and "
        f"{worst:.1f}x than the other ({verdict} both by {WIN_FACTOR:g}x): {why}; passes predicted/measured: "
        f"{counts}"
    )
