"""Every ```python block of README.md and docs/*.md runs as written.

The blocks of one file run in order in one namespace (a later block may use what an
earlier one defined), with the working directory set to a temporary directory. Only the
language tag decides what is code: a block tagged ``python`` runs; program output is
shown in blocks tagged ``text`` (or ``console``, ``bash`` ...), which are not run.

Two HTML comments (invisible on GitHub) written on the line right before a block:

- ``<!-- requires: functrans.custom_jvp functrans.lax.scan -->`` before a ``python``
  block: while any of those names is missing (a feature being built) that block is not
  run; the file's other blocks still run, and the test then reports a skip naming it.
- ``<!-- output -->`` before a ``text`` block: it must equal what the preceding
  ``python`` block printed (trailing whitespace ignored), so pasted output stays true.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

_FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
_MARK = re.compile(r"<!--\s*(requires|output)\s*:?\s*(.*?)\s*-->\s*$")


@dataclass
class Block:
    lang: str
    code: str
    line: int
    requires: list[str] = field(default_factory=list)
    output: bool = False


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of a Markdown file, with the markers written just before them."""
    text = path.read_text(encoding="utf-8")
    out = []
    for m in _FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        b = Block(m.group(1).lower(), m.group(2), line)
        mark = _MARK.search(before)
        if mark and mark.group(1) == "requires":
            b.requires = mark.group(2).split()
        elif mark:
            b.output = True
        out.append(b)
    return out


def missing(name: str) -> bool:
    """True if the dotted name (``functrans.lax.scan``) cannot be imported or looked up."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                return True
        return False
    return True


def test_doc_files_exist():
    assert (ROOT / "README.md").exists()
    assert len(DOC_FILES) > 1, "docs/*.md is missing"


def test_markers_are_well_placed():
    for path in DOC_FILES:
        bs = blocks(path)
        for i, b in enumerate(bs):
            where = f"{path.name}:{b.line}"
            if b.requires:
                assert b.lang == "python", f"{where}: 'requires' marks a python block"
            if b.output:
                assert b.lang != "python", f"{where}: 'output' marks a text block, not code"
                assert i > 0 and bs[i - 1].lang == "python", f"{where}: 'output' must follow a python block"


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_python_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    ns: dict = {"__name__": f"doc_{path.stem}"}
    printed = None
    ran, skipped = 0, []
    for b in blocks(path):
        if b.lang != "python":
            if b.output and printed is not None:
                got = "\n".join(s.rstrip() for s in printed.rstrip().splitlines())
                want = "\n".join(s.rstrip() for s in b.code.rstrip().splitlines())
                assert got == want, f"{path.name}:{b.line}: the pasted output differs from what the code prints:\n{got}"
            continue
        absent = [n for n in b.requires if missing(n)]
        if absent:  # a feature being built: skip this block (the others still run)
            skipped.append(f"line {b.line} needs {', '.join(absent)}")
            printed = None
            continue
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                exec(compile(b.code, f"{path.name}:{b.line}", "exec"), ns)
        except Exception as e:
            msg = f"{path.name}: the python block at line {b.line} fails: {type(e).__name__}: {e}"
            raise AssertionError(msg) from e
        printed = buf.getvalue()
        ran += 1
    if path == ROOT / "README.md":
        assert ran > 0
    if skipped:
        pytest.skip(f"{path.name}: {ran} blocks ran; skipped (not implemented yet): {'; '.join(skipped)}")


def _gen_coverage():
    spec = importlib.util.spec_from_file_location("gen_coverage", ROOT / "tools" / "gen_coverage.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_readme_coverage_table_is_up_to_date():
    gen = _gen_coverage()
    section = gen.current_section((ROOT / "README.md").read_text(encoding="utf-8"))
    made_with = gen.numpy_version_of(section)
    here = ".".join(np.__version__.split(".")[:2])
    if made_with != here:
        pytest.skip(f"README's coverage table was generated with NumPy {made_with}, this is NumPy {here}")
    assert section == gen.render(), "README.md's coverage table is out of date: run python tools/gen_coverage.py"
