"""What a lab's master notebook holds: its solution code, its learner-facing solution.

A master lab (``source/<lab>/<lab>.ipynb``, generated from the lesson folder's ``lab.py``) marks
solution regions with ``### BEGIN SOLUTION`` / ``### END SOLUTION``, hidden tests with ``### BEGIN
HIDDEN TESTS`` / ``### END HIDDEN TESTS``, and graded cells in nbgrader's cell metadata, read here
with nbgrader's own helpers (``is_grade``, ``is_solution``); nbgrader has none for a cell's
``grade_id`` or points, which :mod:`pitfalls.notebook_cells` reads for both sides.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_solution

from pitfalls.course import Lab, labs
from pitfalls.notebook_cells import grade_id, points

SOLUTION_MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)
HIDDEN_TESTS = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.MULTILINE | re.DOTALL
)


def strip_solution_markers(source: str) -> str:
    """Solution code without nbgrader's markers; hidden tests removed."""
    return SOLUTION_MARKERS.sub("", HIDDEN_TESTS.sub("", source))


def solution_cells(lab: Lab) -> dict[str, str]:
    """``{grade_id: solution code}`` for every solution cell of the master notebook."""
    nb = nbformat.read(lab.source, as_version=4)
    return {grade_id(c): strip_solution_markers(c.source) for c in nb.cells if is_solution(c)}


def solution_notebook(lab: Lab) -> nbformat.NotebookNode:
    """The learner-facing solution: the student version (``release/``) with every answer cell
    written in from the master, outputs cleared (``make generate`` executes it).

    Why the release and not the master: it is what a learner worked on (no markers, no hidden
    tests, the same locked cells), and it keeps nbgrader's cell metadata, so the shipped solution
    is also a gradable submission — an instructor's first sanity check is to hand it to
    ``make grade`` and see full marks. Each answer cell keeps the release's checksum, the stub's:
    nbgrader flags a solution cell whose source still matches its checksum as unanswered ("No
    response."), so recomputing it for the filled-in code would be wrong.
    """
    nb = nbformat.read(lab.release, as_version=4)
    answers = solution_cells(lab)
    for cell in nb.cells:
        if is_solution(cell):
            cell.source = answers[grade_id(cell)]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def setup_and_solution_cells(lab: Lab) -> list[tuple[str, str]]:
    """``[(grade_id, code)]`` of the master's setup and solution cells (not tests, not try-it cells)."""
    nb = nbformat.read(lab.source, as_version=4)
    return [
        (grade_id(c), strip_solution_markers(c.source))
        for c in nb.cells
        if c.cell_type == "code" and grade_id(c) and not is_grade(c)
    ]


def test_cells(lab: Lab) -> list[tuple[str, str, float]]:
    """``[(grade_id, code, points)]`` of the master's graded test cells, hidden tests included."""
    nb = nbformat.read(lab.source, as_version=4)
    return [
        (grade_id(c), c.source, points(c))
        for c in nb.cells
        if c.cell_type == "code" and is_grade(c) and not is_solution(c)
    ]


def solution_namespace(lab: Lab) -> dict:
    """Execute the master notebook's setup and solution cells and return the resulting namespace:
    the reference answers, as the instructor wrote them."""
    namespace: dict = {"__name__": f"solution_{lab.name}"}
    for gid, code in setup_and_solution_cells(lab):
        exec(compile(code, f"<{lab.name}:{gid}>", "exec"), namespace)
    return namespace


def lab_names(root: Path | None = None) -> list[str]:
    """The names of every lab of the catalogue."""
    return [lab.name for lab in labs(root)]
