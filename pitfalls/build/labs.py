"""What a lab is made of: its source notebook, its solution code, its learner-facing solution.

A lab lives in ``source/<lab>/<lab>.ipynb`` as an nbgrader master notebook: solution regions
between ``### BEGIN SOLUTION`` / ``### END SOLUTION``, hidden tests between ``### BEGIN HIDDEN
TESTS`` / ``### END HIDDEN TESTS``, graded test cells marked in the cell metadata.
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from pitfalls.paths import repo_root

SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)
HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.MULTILINE | re.DOTALL)


def labs(root: Path | None = None) -> list[str]:
    """The lab names: every ``source/<lab>/`` folder that holds ``<lab>.ipynb``."""
    source = (root or repo_root()) / "source"
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


def source_notebook(lab: str, root: Path | None = None) -> Path:
    """The nbgrader master notebook of ``lab``."""
    return (root or repo_root()) / "source" / lab / f"{lab}.ipynb"


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    """An autograded test cell (graded code, not a solution)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution", False)


def strip_solution_markers(source: str) -> str:
    """Solution code without nbgrader's markers; hidden tests removed."""
    return SOLUTION_MARKERS.sub("", HIDDEN_TESTS.sub("", source))


def solution_notebook(lab: str, root: Path | None = None):
    """The learner-facing solution: the master notebook with markers and hidden tests removed,
    nbgrader metadata dropped (it is not a gradable copy) and outputs cleared."""
    nb = nbformat.read(source_notebook(lab, root), as_version=4)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.source = strip_solution_markers(cell.source)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def solution_namespace(lab: str, root: Path | None = None) -> dict:
    """Execute the master notebook's setup and solution cells (not its tests or try-it cells) and
    return the resulting namespace: the reference answers, as the instructor wrote them."""
    nb = nbformat.read(source_notebook(lab, root), as_version=4)
    namespace: dict = {"__name__": f"solution_{lab}"}
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and meta and not meta.get("grade", False):
            code = strip_solution_markers(cell.source)
            exec(compile(code, f"<{lab}:{meta.get('grade_id', '?')}>", "exec"), namespace)
    return namespace
