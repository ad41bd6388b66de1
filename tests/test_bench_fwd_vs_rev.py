"""Smoke tests of benchmarks/fwd_vs_rev.py: tiny grids, no matplotlib, no peer libraries."""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import io
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "fwd_vs_rev.py"
TINY = ["--grid", "3x2,2x3,3x3", "--rounds", "1", "--min-time", "0.001"]
GRID_FUNCS = ["--funcs", "mlp,elementwise,linear"]


@pytest.fixture(scope="module")
def fvr() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fwd_vs_rev", SCRIPT)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fwd_vs_rev"] = mod  # dataclasses look the module up while the class is built
    spec.loader.exec_module(mod)
    return mod


def test_tiny_grid_prints_tables(fvr: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_json = tmp_path / "r.json"
    assert fvr.main([*TINY, *GRID_FUNCS, "--json", str(out_json)]) == 0
    out, err = capsys.readouterr()
    for name in ("mlp", "elementwise", "linear"):
        assert f"\n{name}: " in out
    assert "every Jacobian matched the hand-written one" in out
    assert "summary (n*m ~ 6):" in out  # the 3x2 / 2x3 sweep of mlp and linear
    assert "elementwise needs n = m: skipped 3x2" in out
    assert "[1/7] mlp n=3 m=2" in err
    data = json.loads(out_json.read_text())
    assert len(data["results"]) == 7  # 3 mlp + 1 elementwise + 3 linear
    r = data["results"][0]
    assert {"hand", "functrans:fwd", "functrans:rev"} <= set(r["seconds_per_call"])
    assert r["rev_over_fwd"] > 0
    assert {"median", "spread"} <= set(r["seconds_per_call"]["hand"]) and "noisy" in r
    assert "BLAS:" in out and "thread" in out  # the header names the BLAS and its threads


def test_structured_families(fvr: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert fvr.main(["--funcs", "hourglass,banded", "--grid", "12x12,5x4", "--rounds", "1", "--min-time", "0.001",
                     "--json", str(tmp_path / "s.json")]) == 0
    out, err = capsys.readouterr()
    assert "hourglass needs n = m: skipped 5x4" in out
    assert "functrans mixed" in out and "functrans sparse (csr)" in out
    assert "summary (banded n=12): " in out and "sparse 3/3" in out
    assert "summary (hourglass n=12): " in out and "fwd 12/12" in out
    data = json.loads((tmp_path / "s.json").read_text())
    banded = next(r for r in data["results"] if r["func"] == "banded")
    assert banded["passes_predicted_measured"]["sparse"] == [3, 3]
    hourglass = next(r for r in data["results"] if r["func"] == "hourglass")
    assert hourglass["passes_predicted_measured"]["mixed"][0] == hourglass["passes_predicted_measured"]["mixed"][1]


def test_plot_writes_png_and_svg(fvr: ModuleType, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "fvr.png"
    assert fvr.main([*TINY, "--funcs", "mlp,banded", "--plot", str(target)]) == 0
    assert target.exists() and (tmp_path / "fvr.svg").exists()
    capsys.readouterr()


def test_wrong_jacobian_fails_loudly(
    fvr: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    p = fvr.PROBLEMS["linear"]
    monkeypatch.setitem(fvr.PROBLEMS, "linear", dataclasses.replace(p, hand=lambda x, A: A + 1e-6))
    assert fvr.main(["--funcs", "linear", *TINY]) == 1
    err = capsys.readouterr().err
    assert "ERROR: functrans fwd on linear n=3 m=2: Jacobian differs from the hand-written one" in err
    with pytest.raises(fvr.JacobianMismatch, match="shape"):
        fvr.check_close(np.zeros((2, 3)), np.zeros((3, 2)), "x")


def test_plot_without_matplotlib_exits_early(
    fvr: ModuleType, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    assert fvr.main([*TINY, *GRID_FUNCS, "--plot", "unused.png"]) == 2
    out, err = capsys.readouterr()
    assert "matplotlib is not installed: pip install -e '.[bench]'" in err
    assert out == ""  # nothing was timed


def _result(fvr: ModuleType, n: int, m: int, t_fwd: float, t_rev: float) -> object:
    samples = {"hand": [1.0], "functrans:fwd": [t_fwd], "functrans:rev": [t_rev]}
    return fvr.Result("mlp", n, m, samples, {k: 1 for k in samples}, 0.0)


def test_noisy_points_are_not_called_slow(fvr: ModuleType) -> None:
    steady = {"hand": [1.0] * 5, "functrans:fwd": [2.0] * 5, "functrans:rev": [4.0] * 5,
              "functrans:auto": [3.0] * 5}
    r = fvr.Result("mlp", 10, 10, steady, {k: 1 for k in steady}, 0.0)
    assert not r.noisy() and r.t("functrans:auto") == 3.0 and r.spread("functrans:fwd") == 0.0
    noisy = dict(steady, **{"functrans:auto": [1.0, 9.0, 2.0, 8.0, 3.0]})
    r = fvr.Result("mlp", 10, 10, noisy, {k: 1 for k in noisy}, 0.0)
    assert r.noisy()
    out = io.StringIO()
    fvr.print_main_table(fvr.PROBLEMS["mlp"], [r], out)
    text = out.getvalue()
    assert "noisy" in text and "SLOW" not in text


def test_crossover_interpolates_in_log_space(fvr: ModuleType) -> None:
    # rev/fwd = 4 at n/m = 0.01, 1/4 at n/m = 100: parity halfway in log, at n/m = 1
    sweep = [_result(fvr, 10, 1000, 1.0, 4.0), _result(fvr, 1000, 10, 4.0, 1.0)]
    cx = fvr.crossover(sweep)
    assert cx.at == pytest.approx(1.0)
    assert cx.first_rev_row is sweep[1]
    assert "reverse wins once m < ~1*n" in cx.text
    fwd_only = fvr.crossover([_result(fvr, 10, 1000, 1.0, 4.0), _result(fvr, 1000, 10, 1.0, 2.0)])
    assert fwd_only.at is None and "forward is faster at every point" in fwd_only.text


def test_grid_parsing(fvr: ModuleType) -> None:
    assert fvr.parse_grid("10x1000, 200X200") == [(10, 1000), (200, 200)]
    for bad in ("10", "0x3", "axb"):
        with pytest.raises(argparse.ArgumentTypeError, match="bad grid point"):
            fvr.parse_grid(bad)
