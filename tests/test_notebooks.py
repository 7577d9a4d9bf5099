"""Every lesson and every executed solution runs top to bottom in a fresh kernel."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, record_timing
from pitfalls.build.notebooks import execute

NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("solutions/*/*.ipynb"))


def test_there_are_notebooks():
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS), "no lesson notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_executes(path: Path):
    run = execute(path, cwd=path.parent, timeout=600)
    record_timing(str(path.relative_to(ROOT)), run.seconds)
    errors = [o for c in run.notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
