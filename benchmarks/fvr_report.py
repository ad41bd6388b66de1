"""Reporting for benchmarks/fwd_vs_rev.py: BLAS pinning, the structured families' table, the plot."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_LIMITER: Any = None  # keeps threadpoolctl's limit alive for the whole run


def pin_blas(threads: int | None) -> str:
    """Pin the BLAS thread count and describe the BLAS in use (for the header)."""
    global _LIMITER
    n = threads if threads is not None else int(os.environ.get("OPENBLAS_NUM_THREADS", "1") or 1)
    try:
        import threadpoolctl
    except ImportError:
        try:
            name = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]  # type: ignore[index]
        except Exception:
            name = "unknown BLAS"
        return (f"{name}, threads from the environment (OPENBLAS_NUM_THREADS="
                f"{os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}; pip install threadpoolctl to pin at run time)")
    _LIMITER = threadpoolctl.threadpool_limits(limits=n, user_api="blas")
    infos = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    if not infos:
        return "no BLAS found by threadpoolctl"
    return "; ".join(f"{i['internal_api']} {i.get('version') or ''} ({Path(i['filepath']).name}), "
                     f"{i['num_threads']} thread{'s' if i['num_threads'] != 1 else ''} (pinned by threadpoolctl)"
                     for i in infos)


def print_structured_table(p: Any, results: list[Any], out: Any, tcell: Callable[[Any, str], str],
                           fmt_ratio: Callable[[float], str]) -> None:  # fmt: skip
    """The table of a structured family: every strategy's median time, speed-up over the
    best pure mode and passes (predicted by the plan / counted during a call)."""
    import structured_jacobians as structured

    print(f"\n{p.name}: {p.formula}  (float64; median time per full Jacobian +- spread)", file=out)
    w = 13
    for r in results:
        best_pure = min(("fwd", "rev"), key=lambda c: r.t(f"functrans:{c}"))
        print(f"  n = m = {r.n}" + ("  (noisy: spread > 25% after re-measuring)" if r.noisy() else ""), file=out)
        print(f"    {'strategy':<22s} {'time':>{w}s} {'vs hand':>8s} {'vs best pure':>12s} {'passes':>15s}", file=out)
        cols = ["hand"] + [f"functrans:{s}" for s in structured.STRATEGIES if r.has(f"functrans:{s}")]
        cols += [c for c in r.samples if c not in cols]
        for c in cols:
            label = {"hand": "hand-written (dense)", "functrans:sparse": "functrans sparse (csr)"}.get(
                c, c.replace(":", " ").replace("functrans ", "functrans "))
            vs_hand = "" if c == "hand" else fmt_ratio(r.over_hand(c))
            vs_pure = "" if c == "hand" else fmt_ratio(r.paired_ratio(f"functrans:{best_pure}", c)) + " faster"
            mode = c.split(":")[-1]
            passes = r.passes.get(mode) if c.startswith("functrans:") else None
            pcell = "" if passes is None else f"{passes[0]} / {passes[1]}"
            print(f"    {label:<22s} {tcell(r, c):>{w}s} {vs_hand:>8s} {vs_pure:>12s} {pcell:>15s}", file=out)
        if r.passes:
            print(structured.summary(p.name, r, {k: v[0] for k, v in r.passes.items()},
                                     {k: v[1] for k, v in r.passes.items()}), file=out)  # fmt: skip


def _errbars(r: Any, col: str) -> tuple[float, float, float]:
    q25, med, q75 = np.percentile(r.samples[col], [25, 50, 75])
    return float(med), float(med - q25), float(q75 - med)


def plot(results: list[Any], crosses: dict[str, list[Any]], path: str, problems: dict[str, Any],
         sweeps: Callable[[list[Any]], list[list[Any]]], strategies: Sequence[str]) -> list[str]:  # fmt: skip
    """Time vs n/m (median, interquartile error bars) along the longest sweep of each
    non-square function, the rev/fwd ratio at every point, and a bar chart of the
    structured families' strategies. Writes PNG and SVG; returns the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(name, max(cx, key=lambda c: len(c.rows))) for name, cx in crosses.items() if cx]
    structured_rs = [r for r in results if problems[r.func].structured]
    k = len(panels) + 1 + (1 if structured_rs else 0)
    ncols = min(k, 2)  # a 2-column grid: fits a page
    nrows = -(-k // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(6.4 * ncols, 4.8 * nrows), squeeze=False)
    flat = list(grid.ravel())
    for ax in flat[k:]:
        ax.set_visible(False)
    axes = [flat[:k]]
    lines = [  # column, label, color, marker, line style
        ("hand", "hand-written NumPy", "k", "s", "-"),
        ("functrans:fwd", "functrans jacfwd", "tab:blue", "o", "-"),
        ("functrans:rev", "functrans jacrev", "tab:red", "v", "-"),
        ("functrans:auto", "functrans jacobian(mode=auto)", "tab:green", "x", ":"),
    ]
    peer_colors = ["tab:purple", "tab:orange", "tab:brown", "tab:gray", "tab:olive", "tab:cyan"]
    handles: dict[str, Any] = {}
    for ax, (name, cx) in zip(axes[0], panels):
        rows = cx.rows
        xs = np.array([r.ratio for r in rows])
        series = [(c, lab, col, mk, ls) for c, lab, col, mk, ls in lines if all(r.has(c) for r in rows)]
        others = [lib for lib in rows[0].libs() if lib != "functrans"]
        for lib, col in zip(others, peer_colors):
            if all(lib in r.libs() for r in rows):
                series.append((lib, f"{lib} (its best mode)", col, ".", "--"))
        for i, (c, lab, col, mk, ls) in enumerate(series):
            cols = [c if ":" in c or c == "hand" else r.best_col(c) for r in rows]
            st = np.array([_errbars(r, cc) for r, cc in zip(rows, cols)])
            dx = xs * (1.0 + 0.025 * (i - len(series) / 2))  # a small horizontal offset: bars stay apart
            h = ax.errorbar(dx, st[:, 0], yerr=st[:, 1:].T, color=col, marker=mk, ls=ls, lw=1.5, ms=5, capsize=2)
            handles.setdefault(lab, h)
        if cx.at is not None:
            ax.axvline(cx.at, color="0.4", ls=":", lw=1)
            ax.annotate(f"crossover\nn/m ~ {cx.at:.2g}", xy=(cx.at, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(4, -4), textcoords="offset points", va="top", fontsize=8, color="0.3")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("n / m   (input size / output size)")
        ax.set_ylabel("seconds per full Jacobian (median, IQR bars)")
        ax.set_title(f"{name}: {problems[name].formula}\nn*m ~ {rows[0].product:.3g}", fontsize=9)
        ax.grid(True, which="major", alpha=0.3)

    ax = axes[0][len(panels)]
    func_colors = ["tab:blue", "tab:green", "tab:red", "tab:purple", "tab:orange"]
    grid_funcs: dict[str, list[Any]] = {}
    for r in results:
        if not problems[r.func].structured:
            grid_funcs.setdefault(r.func, []).append(r)
    for (name, rs), c in zip(grid_funcs.items(), func_colors):
        for i, g in enumerate(sweeps(rs)):
            ratios = [np.array(r.samples["functrans:rev"]) / np.array(r.samples["functrans:fwd"]) for r in g]
            q = np.array([np.percentile(v, [25, 50, 75]) for v in ratios])
            ax.errorbar([r.ratio for r in g], q[:, 1], yerr=[q[:, 1] - q[:, 0], q[:, 2] - q[:, 1]], color=c,
                        marker="o", ms=4, capsize=2, ls="-" if len(g) > 1 else "none",
                        label=name if i == 0 else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    lo, hi = ax.get_ylim()
    ax.set_ylim(min(lo, 0.5), max(hi, 2.0))
    ax.axhspan(1.0, ax.get_ylim()[1], color="tab:blue", alpha=0.06, lw=0)
    ax.axhspan(ax.get_ylim()[0], 1.0, color="tab:red", alpha=0.06, lw=0)
    ax.axhline(1.0, color="k", lw=0.8)
    ax.text(0.02, 0.98, "forward faster", transform=ax.transAxes, va="top", fontsize=9, color="tab:blue")
    ax.text(0.98, 0.02, "reverse faster", transform=ax.transAxes, ha="right", fontsize=9, color="tab:red")
    ax.set_xlabel("n / m")
    ax.set_ylabel("time(jacrev) / time(jacfwd), paired rounds")
    ax.set_title("functrans, every grid point: reverse time / forward time", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    if grid_funcs:
        ax.legend(fontsize=8, loc="upper right", framealpha=0.9)

    if structured_rs:
        ax = axes[0][-1]
        labels, meds, errs, colors = [], [], [], []
        palette = {"hand": "k", "fwd": "tab:blue", "rev": "tab:red", "auto": "tab:green", "mixed": "tab:purple",
                   "sparse": "tab:orange"}
        for r in structured_rs:
            for c in ["hand"] + [f"functrans:{s}" for s in strategies if r.has(f"functrans:{s}")]:
                med, lo_, hi_ = _errbars(r, c)
                mode = c.split(":")[-1]
                passes = f", {r.passes[mode][1]} passes" if mode in r.passes else ""
                labels.append(f"{r.func} n={r.n}: {mode}{passes}")
                meds.append(med)
                errs.append((lo_, hi_))
                colors.append(palette.get(mode, "0.5"))
        y = np.arange(len(labels))[::-1]
        ax.barh(y, meds, xerr=np.array(errs).T, color=colors, alpha=0.8, capsize=2)
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_xscale("log")
        ax.set_xlabel("seconds per full Jacobian (median, IQR bars)")
        ax.set_title("structured Jacobians: mixed mode and colouring\nvs the pure modes", fontsize=9)
        ax.grid(True, axis="x", which="major", alpha=0.3)
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=min(4, len(handles)), fontsize=8,
                   frameon=False)
    fig.suptitle("Full Jacobian of f: R^n -> R^m by forward, reverse, mixed mode and colouring (float64, CPU)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.05 if handles else 0, 1, 1))
    base = Path(path)
    stem = base.with_suffix("") if base.suffix.lower() in (".png", ".svg") else base
    paths = [str(stem) + ".png", str(stem) + ".svg"]
    for out_path in paths:
        fig.savefig(out_path, dpi=150)
    plt.close(fig)
    return paths
