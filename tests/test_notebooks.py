"""Every lesson runs top to bottom in a fresh kernel, offline.

(Each lab's solution is executed by its end-to-end autograde, tests/test_autograde.py, which also
asserts that no cell of it raised; ``make generate`` executes it whenever its code changes.)

The kernel runs with every non-loopback connection refused, which proves each notebook works
with no network (online conveniences such as the MNIST download must fall back)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, record_timing

from pitfalls.authoring.notebooks import execute

NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb"))


def test_there_are_notebooks():
    assert any(p.parent.name == "notebooks" for p in NOTEBOOKS), "no lesson notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_executes(path: Path):
    run = execute(path, cwd=path.parent, timeout=600, offline=True)
    record_timing(str(path.relative_to(ROOT)), run.seconds)
    errors = [
        o for c in run.notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    shown = [
        text
        for c in run.notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        for text in [o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))]
        if "SessionInfo(" in text or " on TensorFlow " in text
    ]
    assert len(shown) == 1 and "SessionInfo(" not in shown[0], (
        f"the session line must show once, as a sentence (assign `session = start(...)`): {shown}"
    )


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
