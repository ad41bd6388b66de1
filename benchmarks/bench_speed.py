"""The four workloads of issue 17, side by side with hand-written NumPy (and peers).

1. MLP gradient (grad and jit(grad)): 128x256 with two tanh layers of 256; a 4-layer
   MLP (width 256) at batch 32 (overhead-bound) and batch 2048 (BLAS-bound).
2. Elementwise chains under jit: grad of a 300-op chain on a length-4 vector against
   the NumPy forward pass; jit of a 10-op chain on 1e6 elements against NumPy forward.
   With sin/tanh/exp in the chain, NumPy's own sin, tanh and exp calls alone take ~0.78 of
   the NumPy forward pass (29 of 37 ms; on AVX2 they are scalar C-library loops): with
   numba, fusion replaces them by vectorised versions (functrans/_src/fusion_math.py) in
   staged kernels and splits large kernels over numba's thread count. The chain rows are
   printed for one thread and for numba's thread count; with --cpu (process CPU time) the
   threaded row cannot show a speed-up (CPU time adds the threads up): compare wall-clock.
3. Higher order: 6th derivative of tanh by nested grad (eager, microseconds); Hessian
   n = 100 eager and jit against the hand-written Hessian.
4. Per-call overhead of jit(f) with one array argument (f(x) = x + 1 on a length-4
   vector) against JAX's jit dispatch.

Ratios are medians of paired, interleaved rounds; BLAS threads are pinned to 1 (set
before NumPy loads). Nothing here asserts on time.

Run:  python benchmarks/bench_speed.py [--quick] [--cpu] [--peers] [--only mlp,chain,higher,call]
"""

from __future__ import annotations

import os

for _k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_k, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import best_time, hessian_problem, make_chain, mlp_grad_numpy, mlp_loss, mlp_problem, paired_ratio  # noqa: E402

import functrans  # noqa: E402
import functrans.numpy as fnp  # noqa: E402

ROWS: list[tuple[str, float, str]] = []


def _jax() -> Any:
    import jax

    jax.config.update("jax_enable_x64", True)
    return jax


def _torch() -> Any:
    """torch with one intra-op thread (as BLAS here), or ImportError."""
    import torch
    import torch.func  # noqa: F401

    torch.set_num_threads(1)
    return torch


def row(name: str, ratio: float, note: str = "") -> None:
    ROWS.append((name, ratio, note))
    print(f"  {name:52s} {ratio:8.3f}  {note}", flush=True)


def paired_row(name: str, fn: Callable[[], Any], ref: Callable[[], Any], number: int, rounds: int, note: str) -> None:
    """A row of ``paired_ratio(fn, ref)``, with both best times in microseconds."""
    ratio, t_fn, t_ref = paired_ratio(fn, ref, number, rounds)
    row(name, ratio, f"{note}  ({t_fn * 1e6:.0f} us vs {t_ref * 1e6:.0f} us)")


# --------------------------------------------------------------------------- MLPs


def deep_mlp_loss(m: Any, layers: int = 4) -> Callable[..., Any]:
    def loss(params: list[tuple[Any, Any]], X: Any, y: Any) -> Any:
        h = X
        for W, b in params[:-1]:
            h = m.tanh(h @ W + b)
        W, b = params[-1]
        out = h @ W + b
        return m.mean((out - y) ** 2)

    return loss


def deep_mlp_grad_numpy(params: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray, y: np.ndarray) -> list[Any]:
    hs = [X]
    for W, b in params[:-1]:
        hs.append(np.tanh(hs[-1] @ W + b))
    W, b = params[-1]
    out = hs[-1] @ W + b
    d = 2.0 * (out - y) / out.size
    grads: list[Any] = [None] * len(params)
    grads[-1] = (hs[-1].T @ d, d.sum(0))
    d = d @ W.T
    for i in range(len(params) - 2, -1, -1):
        h = hs[i + 1]
        d = d * (1.0 - h * h)
        grads[i] = (hs[i].T @ d, d.sum(0))
        if i:
            d = d @ params[i][0].T
    return grads


def deep_problem(batch: int, width: int = 256, layers: int = 4, seed: int = 0) -> tuple[Any, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    params = []
    for i in range(layers):
        dout = 1 if i == layers - 1 else width
        params.append((rng.standard_normal((width, dout)) / np.sqrt(width), rng.standard_normal(dout) * 0.1))
    return params, rng.standard_normal((batch, width)), rng.standard_normal((batch, 1))


def bench_mlp(number: int, rounds: int, peers: bool) -> None:
    print("\n1. MLP gradients (x hand-written NumPy gradient)")
    params, X, y = mlp_problem()
    ref = mlp_grad_numpy(params, X, y)
    e = functrans.grad(mlp_loss(fnp))
    j = functrans.jit(functrans.grad(mlp_loss(fnp)))
    for k in ref:
        np.testing.assert_allclose(j(params, X, y)[k], ref[k], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(e(params, X, y)[k], ref[k], rtol=1e-9, atol=1e-12)
    hand = lambda: mlp_grad_numpy(params, X, y)  # noqa: E731
    paired_row("MLP 128x256 2 layers: eager grad", lambda: e(params, X, y), hand, number, rounds, "target 1.10")
    paired_row("MLP 128x256 2 layers: jit(grad)", lambda: j(params, X, y), hand, number, rounds, "target 1.00")
    if peers:
        try:
            jax = _jax()
            jg = jax.jit(jax.grad(mlp_loss(jax.numpy)))
            jax.block_until_ready(jg(params, X, y))
            r = paired_ratio(lambda: jax.block_until_ready(jg(params, X, y)), hand, number, rounds)[0]
            row("MLP 128x256 2 layers: JAX jit(grad)", r, "peer")
        except ImportError:
            pass
        try:
            import autograd
            import autograd.numpy as anp

            ga = autograd.grad(mlp_loss(anp))
            row("MLP 128x256 2 layers: autograd grad", paired_ratio(lambda: ga(params, X, y), hand, number, rounds)[0],
                "peer")  # fmt: skip
        except ImportError:
            pass
        try:
            torch = _torch()
            tp = {k: torch.tensor(v) for k, v in params.items()}
            Xt, yt = torch.tensor(X), torch.tensor(y)
            tg = torch.func.grad(mlp_loss(torch))
            tg(tp, Xt, yt)
            row("MLP 128x256 2 layers: torch.func grad (eager)",
                paired_ratio(lambda: tg(tp, Xt, yt), hand, number, rounds)[0], "peer")  # fmt: skip
        except ImportError:
            pass
    for batch, num in ((32, number * 4), (2048, max(1, number // 4))):
        _bench_deep(batch, num, rounds, peers)


def _bench_deep(batch: int, num: int, rounds: int, peers: bool) -> None:
    params4, X4, y4 = deep_problem(batch)
    e4 = functrans.grad(deep_mlp_loss(fnp))
    j4 = functrans.jit(functrans.grad(deep_mlp_loss(fnp)))
    ref4 = deep_mlp_grad_numpy(params4, X4, y4)
    for got in (e4(params4, X4, y4), j4(params4, X4, y4)):
        for (gw, gb), (rw, rb) in zip(got, ref4):
            np.testing.assert_allclose(gw, rw, rtol=1e-9, atol=1e-12)
            np.testing.assert_allclose(gb, rb, rtol=1e-9, atol=1e-12)
    hand4 = lambda: deep_mlp_grad_numpy(params4, X4, y4)  # noqa: E731
    name = f"MLP 4 layers batch {batch}"
    paired_row(f"{name}: eager grad", lambda: e4(params4, X4, y4), hand4, num, rounds, "target 1.10")
    paired_row(f"{name}: jit(grad)", lambda: j4(params4, X4, y4), hand4, num, rounds, "target 1.00")
    if peers:
        try:
            jax = _jax()
            jg4 = jax.jit(jax.grad(deep_mlp_loss(jax.numpy)))
            jax.block_until_ready(jg4(params4, X4, y4))
            r = paired_ratio(lambda: jax.block_until_ready(jg4(params4, X4, y4)), hand4, num, rounds)[0]
            row(f"MLP 4 layers batch {batch}: JAX jit(grad)", r, "peer")
        except ImportError:
            pass
        try:
            torch = _torch()
            tp4 = [(torch.tensor(W), torch.tensor(b)) for W, b in params4]
            Xt, yt = torch.tensor(X4), torch.tensor(y4)
            tg4 = torch.func.grad(deep_mlp_loss(torch))
            tg4(tp4, Xt, yt)
            r = paired_ratio(lambda: tg4(tp4, Xt, yt), hand4, num, rounds)[0]
            row(f"MLP 4 layers batch {batch}: torch.func grad (eager)", r, "peer")
        except ImportError:
            pass


# --------------------------------------------------------------------------- chains


def chain10(m: Any) -> Callable[[Any], Any]:
    """Ten arithmetic operations: memory-bound in NumPy (ten passes over the array)."""

    def f(x: Any) -> Any:
        y = x * 1.5 + 0.25
        y = y * x - 0.5
        y = y * y + x
        y = y * 0.5 - x
        return (y * y + 1.0) * 2.0

    return f


def chain10_transcendental(m: Any) -> Callable[[Any], Any]:
    """Ten operations of which three are sin/tanh/exp: compute-bound."""

    def f(x: Any) -> Any:
        y = m.sin(x) * 1.5 + 0.25
        y = m.tanh(y) * x - 0.5
        y = m.exp(-y * y) + x
        return y * 2.0

    return f


def bench_chain(number: int, rounds: int, peers: bool) -> None:
    print("\n2. Elementwise chains under jit (x NumPy forward pass)")
    x = np.linspace(0.1, 0.4, 4)
    fwd = make_chain(np)
    g = functrans.jit(functrans.grad(make_chain(fnp)))
    np.testing.assert_allclose(g(x), functrans.grad(make_chain(fnp))(x), rtol=1e-12)
    row("300-op chain, length 4: jit(grad)", paired_ratio(lambda: g(x), lambda: fwd(x), number, rounds)[0],
        "target 1.00")  # fmt: skip
    if peers:
        try:
            jax = _jax()
            jg = jax.jit(jax.grad(make_chain(jax.numpy)))
            jg(x).block_until_ready()
            r = paired_ratio(lambda: jg(x).block_until_ready(), lambda: fwd(x), number, rounds)[0]
            row("300-op chain, length 4: JAX jit(grad)", r, "peer")
        except ImportError:
            pass
    for make, label in ((chain10, "10-op arithmetic chain"), (chain10_transcendental, "10-op chain with sin/tanh/exp")):
        _bench_big(make, label, number, rounds, peers)


def _bench_big(make: Callable[[Any], Any], label: str, number: int, rounds: int, peers: bool) -> None:
    from functrans._src import fusion

    big = np.linspace(-2.0, 2.0, 1_000_000)
    f10 = make(np)
    j10 = functrans.jit(make(fnp))
    np.testing.assert_allclose(j10(big), f10(big), rtol=1e-12, atol=1e-14)
    n10 = max(1, number // 20)
    counts = [1, fusion.num_threads()] if fusion.enabled() and fusion.num_threads() > 1 else [None]
    for t in counts:
        real = fusion.num_threads
        if t is not None:
            fusion.num_threads = lambda t=t: t  # benchmark only: the thread count a large kernel may use
        try:
            r = paired_ratio(lambda: j10(big), lambda: f10(big), n10, rounds)
        finally:
            fusion.num_threads = real
        note = "" if t is None else f"{t} thread{'s' * (t > 1)}"
        row(f"{label}, 1e6 elements: jit", r[0], f"target 0.50  {r[1] * 1e3:.1f} ms vs {r[2] * 1e3:.1f} ms  {note}")
    if peers:
        try:
            jax = _jax()
            jj = jax.jit(make(jax.numpy))
            jj(big).block_until_ready()
            r = paired_ratio(lambda: jj(big).block_until_ready(), lambda: f10(big), n10, rounds)[0]
            row(f"{label}, 1e6 elements: JAX jit", r, "peer")
        except ImportError:
            pass


# --------------------------------------------------------------------------- higher order


def bench_higher(number: int, rounds: int, peers: bool, n: int = 100) -> None:
    print("\n3. Higher order")
    d6 = fnp.tanh
    for _ in range(6):
        d6 = functrans.grad(d6)
    x0 = 0.3
    t6 = best_time(lambda: d6(x0), max(1, number // 4), 5)
    row("6th derivative of tanh, nested grad (eager, ms)", t6 * 1e3, "target < 1.5 (torch.func)")
    row("  primitive applications per call (all levels)", _count_binds(lambda: d6(x0)), "size of the nested work")
    A, f, hand, x = hessian_problem(n)

    e = functrans.hessian(f)
    h = functrans.jit(functrans.hessian(f))
    np.testing.assert_allclose(h(x), hand(x), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(e(x), hand(x), rtol=1e-10, atol=1e-12)
    row("Hessian n=100: eager", paired_ratio(lambda: e(x), lambda: hand(x), max(1, number // 4), rounds)[0],
        "target 8.0")  # fmt: skip
    row("Hessian n=100: jit", paired_ratio(lambda: h(x), lambda: hand(x), number, rounds)[0], "target 1.20")
    if peers:
        try:
            jax = _jax()
            j6 = jax.numpy.tanh
            for _ in range(6):
                j6 = jax.grad(j6)
            j6(x0)
            row("6th derivative of tanh: JAX eager (ms)", best_time(lambda: j6(x0), 1, 3) * 1e3, "peer")
        except ImportError:
            pass
        try:
            torch = _torch()
            t6 = torch.tanh
            for _ in range(6):
                t6 = torch.func.grad(t6)
            xt = torch.tensor(x0, dtype=torch.float64)
            np.testing.assert_allclose(float(t6(xt)), float(d6(x0)), rtol=1e-12)
            n6 = max(1, number // 4)
            row("6th derivative of tanh: torch.func (ms)", best_time(lambda: t6(xt), n6, 5) * 1e3, "peer")
            r6 = paired_ratio(lambda: d6(x0), lambda: t6(xt), n6, rounds)[0]
            row("6th derivative of tanh: functrans / torch.func", r6, "target < 1.0")
        except ImportError:
            pass
        try:
            import autograd
            import autograd.numpy as anp

            a6 = anp.tanh
            for _ in range(6):
                a6 = autograd.grad(a6)
            row("6th derivative of tanh: autograd (ms)", best_time(lambda: a6(x0), 5, 3) * 1e3, "peer")
        except ImportError:
            pass


def _count_binds(fn: Callable[[], Any]) -> int:
    """How many primitive applications (at every transformation level) one call of ``fn`` makes:
    a clock-free measure of the work of nested derivatives."""
    from functrans._src import core

    calls = [0]
    orig = core.bind

    def counting(prim: Any, args: Any, params: Any) -> Any:
        calls[0] += 1
        return orig(prim, args, params)

    mods = [m for m in list(sys.modules.values()) if getattr(m, "bind", None) is orig]
    for m in mods:
        m.bind = counting  # type: ignore[attr-defined]
    try:
        fn()
    finally:
        for m in mods:
            m.bind = orig  # type: ignore[attr-defined]
    return calls[0]


# --------------------------------------------------------------------------- call overhead


def bench_call(number: int, rounds: int, peers: bool) -> None:
    print("\n4. Per-call overhead, jit(f) with one array argument, f(x) = x + 1 on a length-4 vector")
    x = np.linspace(0.1, 0.4, 4)
    j = functrans.jit(lambda x: x + 1.0)
    j(x)
    t = best_time(lambda: j(x), number * 50, 7)
    row("jit dispatch (us)", t * 1e6, "")
    try:
        jax = _jax()
        jj = jax.jit(lambda x: x + 1.0)
        jj(x)
        tj = best_time(lambda: jj(x), number * 50, 7)
        row("JAX jit dispatch (us)", tj * 1e6, "peer")
        r = paired_ratio(lambda: j(x), lambda: jj(x), number * 50, rounds)[0]
        row("jit dispatch / JAX jit dispatch", r, "target 1.30")
    except ImportError:
        pass


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--peers", action="store_true", help="also time JAX / autograd / torch.func when installed")
    ap.add_argument("--only", default="mlp,chain,higher,call")
    ap.add_argument("--cpu", action="store_true", help="time with the process's CPU time (busy machines)")
    args = ap.parse_args(argv)
    if args.cpu:
        import time

        import bench_core

        bench_core.TIMER = time.process_time
    number, rounds = (10, 7) if args.quick else (20, 21)
    parts = {"mlp": bench_mlp, "chain": bench_chain, "higher": bench_higher, "call": bench_call}
    from functrans._src import fusion

    print(f"fused kernels (functrans[fast]): {'on' if fusion.enabled() else 'off'}")
    for name in args.only.split(","):
        parts[name](number, rounds, args.peers)
    if fusion.failures:
        print("fused kernels that fell back to NumPy:", *fusion.failures, sep="\n  ")


if __name__ == "__main__":
    main()
