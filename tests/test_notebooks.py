"""Every lesson runs top to bottom in a fresh kernel, offline.

The lessons with a widget (``tests/browser/targets.json``) are run here only when the browser test
does not run them: that test runs each of them top to bottom in JupyterLab (Run All Cells), with
the same offline kernel and the same checks (no error, no stderr, the session line once), so
running them twice would only cost time. ``PITFALLS_NOTEBOOKS=all`` runs every lesson here too.

(Each lab's solution is executed by its end-to-end autograde, tests/test_autograde.py, which also
asserts that no cell of it raised; ``make generate`` executes it whenever its code changes.)

The kernel runs with every non-loopback connection refused, which proves each notebook works
with no network (online conveniences such as the MNIST download must fall back)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import ROOT, record_timing, session_line_problem

from pitfalls.authoring.notebooks import execute

ALL_NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))
IN_THE_BROWSER = {
    ROOT / t["notebook"] for t in json.loads((ROOT / "tests/browser/targets.json").read_text())["targets"]
}
NOTEBOOKS = (
    ALL_NOTEBOOKS
    if os.environ.get("PITFALLS_NOTEBOOKS") == "all"
    else [p for p in ALL_NOTEBOOKS if p not in IN_THE_BROWSER]
)


def test_there_are_notebooks():
    assert any(p.parent.name == "notebooks" for p in ALL_NOTEBOOKS), "no lesson notebooks found"
    assert IN_THE_BROWSER <= set(ALL_NOTEBOOKS), IN_THE_BROWSER - set(ALL_NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_executes(path: Path):
    run = execute(path, cwd=path.parent, timeout=600, offline=True)
    record_timing(str(path.relative_to(ROOT)), run.seconds)
    errors = [
        o for c in run.notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    outputs = [
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in run.notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
    ]
    assert not session_line_problem(outputs), session_line_problem(outputs)


def test_offline_guard_really_blocks_the_network():
    import nbformat

    probe = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import socket\n"
                "try:\n"
                "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
                "    blocked = False\n"
                "except OSError as exc:\n"
                "    blocked = 'network disabled' in str(exc)\n"
                "from pitfalls.data.digits import network_reachable\n"
                "assert blocked and not network_reachable()\n"
            )
        ]
    )
    execute(probe, cwd=ROOT, offline=True)
