"""Look at a submission before grading it: can it be read, is it this lab, was it tampered with.

nbgrader handles a wrong answer well and a broken *file* badly: an empty or truncated notebook,
a notebook of another lab or one that lost its cell metadata is skipped with a traceback in the
log and nothing for the student. Each of those becomes a named problem here, so the student gets
a grade (0) and feedback saying what was wrong with the file, and the rest of the class is graded
as usual. Edited or deleted instructor cells are not problems (nbgrader puts the instructor's
version back); they become notes in the feedback.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import nbformat

from pitfalls.authoring.labs import lab_names, nbgrader_meta
from pitfalls.grading.integrity import Finding, protected_names, scan
from pitfalls.paths import repo_root


#: Why a notebook with a finding of :func:`tampering` is not run (the feedback's and self-check's words).
REFUSED = ("your code reaches for the grader's checks, the interpreter's internals or the course's "
           "files, which answers may not do (tampering earns no points)")


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


@lru_cache(maxsize=None)
def release_cells(lab: str, root: Path | None = None) -> tuple[dict, ...]:
    """The release notebook's cells as plain dicts (type, grade_id, locked, source)."""
    nb = nbformat.read((root or repo_root()) / "release" / lab / f"{lab}.ipynb", as_version=4)
    return tuple({"type": c.cell_type, "grade_id": nbgrader_meta(c).get("grade_id"),
                  "locked": bool(nbgrader_meta(c).get("locked")),
                  "grade": bool(nbgrader_meta(c).get("grade")), "source": c.source} for c in nb.cells)


def restore_missing(nb: nbformat.NotebookNode, lab: str, root: Path | None = None) -> list[str]:
    """Put back, in place, every instructor cell (with a grade_id) the student deleted, right
    after the cell that precedes it in the release. nbgrader's ``add_missing_cells`` does this
    for graded cells only; a deleted setup cell would break every check after it."""
    release = nbformat.read((root or repo_root()) / "release" / lab / f"{lab}.ipynb", as_version=4)
    restored = []
    previous = None
    for cell in release.cells:
        gid = nbgrader_meta(cell).get("grade_id")
        if not gid:
            continue
        ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
        if gid not in ids and nbgrader_meta(cell).get("locked"):
            at = ids.index(previous) + 1 if previous in ids else 0
            nb.cells.insert(at, nbformat.from_dict(dict(cell)))
            restored.append(gid)
        previous = gid
    return restored


def grade_ids(cells) -> set[str]:
    return {c["grade_id"] for c in cells if c["grade_id"]}


def cell_dicts(nb: nbformat.NotebookNode) -> list[dict]:
    """A notebook's cells as the plain dicts :func:`tampering` reads (type, grade_id, source)."""
    return [{"type": c.cell_type, "grade_id": nbgrader_meta(c).get("grade_id"), "source": c.source} for c in nb.cells]


def read_notebook(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The notebook, or the reason it cannot be read, in words a student understands."""
    data = path.read_bytes()
    if not data.strip():
        return None, f"the file {path.name} is empty ({len(data)} bytes): the notebook was not saved before submitting"
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, f"the file {path.name} is not a text file, so not a notebook"
    except json.JSONDecodeError as err:
        return None, (f"the file {path.name} is not a readable notebook (broken JSON at line {err.lineno}, "
                      f"column {err.colno}: {err.msg}); it was probably cut off or edited outside Jupyter")
    if not isinstance(raw, dict) or "cells" not in raw:
        return None, f"the file {path.name} is JSON but not a Jupyter notebook (no cells)"
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several types for a malformed notebook
        return None, f"the file {path.name} is not a valid notebook: {str(err).splitlines()[0][:200]}"
    return nb, None


def which_lab(found: set[str], lab: str, root: Path | None = None) -> str | None:
    """The lab whose cells the notebook carries, when that is not ``lab``."""
    own = len(found & grade_ids(release_cells(lab, root)))
    best, best_overlap = None, own
    for other in lab_names(root):
        if other != lab:
            overlap = len(found & grade_ids(release_cells(other, root)))
            if overlap > best_overlap:
                best, best_overlap = other, overlap
    return best


def screen(path: Path, lab: str, root: Path | None = None) -> Screening:
    """Everything the grader must know about one submitted notebook before running it."""
    nb, problem = read_notebook(path)
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
        return Screening(f"the notebook has none of {lab}'s exercise cells (their hidden metadata is missing): "
                         "answers pasted into a new notebook cannot be graded — write them in the lab's notebook")
    screening = Screening(notebook=nb)
    by_id = {c["grade_id"]: c for c in cells if c["grade_id"]}
    for c in release:
        mine = by_id.get(c["grade_id"])
        if c["locked"] and mine is not None and mine["source"].strip() != c["source"].strip():
            screening.notes.append(f"the instructor's cell {c['grade_id']!r} had been edited; the original was run")
    for gid in restore_missing(nb, lab, root):
        screening.notes.append(f"the instructor's cell {gid!r} was missing; it was put back and run")
    screening.tampering = tampering(lab, cells, root)
    if screening.tampering:
        screening.problem = REFUSED + " — " + "; ".join(str(f) for f in screening.tampering[:5])
    return screening


def tampering(lab: str, cells: list[dict], root: Path | None = None) -> list[Finding]:
    """The refused constructs in the learner's own code cells of a notebook of ``lab``.

    ``cells`` are dicts with ``type``, ``grade_id`` and ``source`` (and optionally ``name``, how
    to call the cell in a message). Untouched course cells and locked cells are not the learner's
    code and are not scanned; the self-check calls this too, so a learner hears about a refused
    line before submitting, in the grader's words.
    """
    release = release_cells(lab, root)
    course_code = {c["source"].strip() for c in release if c["type"] == "code"}
    locked_ids = {c["grade_id"] for c in release if c["locked"] and c["grade_id"]}
    student_code = [(c.get("name") or c["grade_id"] or f"#{i + 1}", c["source"]) for i, c in enumerate(cells)
                    if c["type"] == "code" and c["grade_id"] not in locked_ids
                    and c["source"].strip() not in course_code]
    locked_code = [c["source"] for c in release if c["type"] == "code" and c["locked"]]
    return scan(student_code, protected_names(locked_code))
