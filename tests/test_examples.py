"""Every example runs (smoke test, small sizes) and checks its own worked answers."""

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# script -> arguments that keep it to a second or two
RUNS = {
    "quickstart.py": [],
    "mlp_training.py": ["--steps", "40"],
    "newton.py": ["--n", "300", "--d", "10"],
    "per_example_clipping.py": ["--steps", "10", "--batch", "64"],
    "gp_regression.py": ["--n", "40", "--steps", "5"],
    "rnn_scan.py": ["--T", "30", "--steps", "5"],
    "flow_logdet.py": ["--d", "6", "--batch", "8"],
}


def _load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name[:-3]}", EXAMPLES / name)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_example_is_smoke_tested():
    assert {p.name for p in EXAMPLES.glob("*.py")} == set(RUNS)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_example_runs(name, capsys, tmp_path):
    mod = _load(name)
    assert mod.main(*([RUNS[name]] if RUNS[name] else [])) in (0, None)
    assert capsys.readouterr().out
