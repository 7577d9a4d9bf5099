"""Look at a submission before grading it: can it be read, is it this lab, was it tampered with.

nbgrader handles a wrong answer well and a broken *file* badly: an empty or truncated notebook,
a notebook of another lab or one that lost its cell metadata is skipped with a traceback in the
log and nothing for the student. Each of those becomes a named problem here, so the student gets
a grade (0) and feedback saying what was wrong with the file, and the rest of the class is graded
as usual. Edited or deleted instructor cells are not problems (nbgrader puts the instructor's
version back); they become notes in the feedback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.utils import is_locked

from pitfalls.checks.integrity import REFUSED, Finding, tampering
from pitfalls.course import lab_named
from pitfalls.notebook_cells import cell_dicts, grade_id, grade_ids, read_notebook, release_cells, which_lab


@dataclass
class Screening:
    """What was found: ``problem`` (the submission cannot be graded) or ``notes`` for the feedback."""

    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    tampering: list[Finding] = field(default_factory=list)
    notebook: nbformat.NotebookNode | None = None  # with missing instructor cells put back

    @property
    def gradable(self) -> bool:
        return self.problem is None


def restore_missing(nb: nbformat.NotebookNode, lab: str, root: Path | None = None) -> list[str]:
    """Put back, in place, every instructor cell (with a grade_id) the student deleted, right
    after the cell that precedes it in the release. nbgrader's ``add_missing_cells`` does this
    for graded cells only; a deleted setup cell would break every check after it."""
    release = nbformat.read(lab_named(lab, root).release, as_version=4)
    restored = []
    previous = None
    for cell in release.cells:
        gid = grade_id(cell)
        if not gid:
            continue
        ids = [grade_id(c) for c in nb.cells]
        if gid not in ids and is_locked(cell):
            at = ids.index(previous) + 1 if previous in ids else 0
            nb.cells.insert(at, nbformat.from_dict(dict(cell)))
            restored.append(gid)
        previous = gid
    return restored


def screen(path: Path, lab: str, root: Path | None = None, name: str | None = None) -> Screening:
    """Everything the grader must know about one submitted notebook before running it (``name``:
    the file's name in the export, when ``path`` is the grader's copy)."""
    nb, problem = read_notebook(path, name)
    if problem:
        return Screening(problem)
    release = release_cells(lab, root)
    cells = cell_dicts(nb)
    found = grade_ids(cells)
    other = which_lab(found, lab, root)
    if other:
        return Screening(f"this is the notebook of {other}, not of {lab}: submit {lab}.ipynb")
    graded = {c["grade_id"] for c in release if c["grade"]}
    answers = {c["grade_id"] for c in release if c["grade_id"] and not c["locked"]}
    if not (found & (graded | answers)):
        return Screening(
            f"the notebook has none of {lab}'s exercise cells (their hidden metadata is missing): "
            "answers pasted into a new notebook cannot be graded — write them in the lab's notebook"
        )
    screening = Screening(notebook=nb)
    by_id = {c["grade_id"]: c for c in cells if c["grade_id"]}
    for c in release:
        mine = by_id.get(c["grade_id"])
        if c["locked"] and mine is not None and mine["source"].strip() != c["source"].strip():
            screening.notes.append(
                f"the instructor's cell {c['grade_id']!r} had been edited; the original was run"
            )
    for gid in restore_missing(nb, lab, root):
        screening.notes.append(f"the instructor's cell {gid!r} was missing; it was put back and run")
    screening.tampering = tampering(lab, cells, root)
    if screening.tampering:
        screening.problem = REFUSED + " — " + "; ".join(str(f) for f in screening.tampering[:5])
    return screening
