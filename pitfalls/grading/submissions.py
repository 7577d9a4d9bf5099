"""Make student submissions from a lab's release: the full solution, or a variant of it.

A variant replaces the code of some solution cells (by nbgrader ``grade_id``) with what a learner
might write. The tests autograde such variants to prove that wrong answers lose exactly the
points they should, with the message they should, and that right answers keep theirs.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from pitfalls.authoring import labs
from pitfalls.course import lab_named
from pitfalls.notebook_cells import grade_id


def solution_cells(lab: str, root: Path | None = None) -> dict[str, str]:
    """``{grade_id: solution code}`` for every solution cell of the master notebook."""
    return labs.solution_cells(lab_named(lab, root))


def fill_release(release_nb: Path, answers: dict[str, str]) -> nbformat.NotebookNode:
    """The release notebook with the given solution cells filled in, as a student would."""
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def variant(
    lab: str, release_nb: Path, replace: dict[str, str], root: Path | None = None
) -> nbformat.NotebookNode:
    """The full solution with the cells in ``replace`` swapped for other code."""
    answers = solution_cells(lab, root)
    unknown = set(replace) - set(answers)
    if unknown:
        raise KeyError(f"{lab} has no solution cells {sorted(unknown)}; it has {sorted(answers)}")
    return fill_release(release_nb, {**answers, **replace})


def feedback_text(feedback_html: Path) -> str:
    """The visible text of an nbgrader feedback page (tags stripped, entities decoded)."""
    text = re.sub(r"<[^>]+>", "", feedback_html.read_text(encoding="utf-8"))
    return html.unescape(text)
