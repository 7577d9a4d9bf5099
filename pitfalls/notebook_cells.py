"""A lab notebook's cells as plain data: read a notebook, its cells as dicts, which lab it is.

Shared by the learner's self-check (:mod:`pitfalls.checks.selfcheck`) and ``make grade``'s screen
(:mod:`pitfalls.grading.screen`), so both read a notebook the same way. It is learner-side code:
on Colab the course package is installed with ``pip install --no-deps`` and nbgrader is not there,
so nothing here may import nbgrader (``tests/test_import_direction.py``). nbgrader's cell metadata
is read by :func:`nbgrader_meta`, the one learner-side reader of it; instructor-side code uses
nbgrader's own helpers (``nbgrader.utils.is_grade``, ``is_solution``, ``is_locked``) instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import nbformat

from pitfalls.course import lab_named, labs


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata (``{}`` for a cell nbgrader does not know).

    Why a hand lookup: this runs in the learner's kernel, where nbgrader is not installed (Colab).
    nbgrader itself has no helper for ``grade_id`` or ``points``, so instructor code reads those
    with :func:`grade_id` and :func:`points` too.
    """
    return cell.get("metadata", {}).get("nbgrader", {})


def grade_id(cell) -> str | None:
    """The cell's nbgrader ``grade_id`` (``None`` for a cell without one)."""
    return nbgrader_meta(cell).get("grade_id")


def points(cell) -> float:
    """The points of a graded cell (0 for any other)."""
    return float(nbgrader_meta(cell).get("points", 0))


def is_test_cell(cell) -> bool:
    """An autograded test cell: graded code, not a solution (nbgrader's ``is_grade and not is_solution``)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def read_notebook(path: Path, name: str | None = None) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The notebook, or the reason it cannot be read, in words a student understands (``name``: the
    file's name as the student knows it, when ``path`` is a copy)."""
    name = name or path.name
    data = path.read_bytes()
    if not data.strip():
        return (
            None,
            f"the file {name} is empty ({len(data)} bytes): the notebook was not saved before submitting",
        )
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        return None, f"the file {name} is not a text file, so not a notebook"
    except RecursionError:
        return None, f"the file {name} is not a notebook: its JSON is nested too deeply to read"
    except json.JSONDecodeError as err:
        return None, (
            f"the file {name} is not a readable notebook (broken JSON at line {err.lineno}, "
            f"column {err.colno}: {err.msg}); it was probably cut off or edited outside Jupyter"
        )
    if not isinstance(raw, dict) or "cells" not in raw:
        return None, f"the file {name} is JSON but not a Jupyter notebook (no cells)"
    if (depth := nesting(raw)) > MAX_NESTING:
        return None, (
            f"the file {name} is not a notebook Jupyter wrote: its JSON is nested {depth} levels deep "
            f"(a notebook needs fewer than {MAX_NESTING})"
        )
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several types for a malformed notebook
        return None, f"the file {name} is not a valid notebook: {str(err).splitlines()[0][:200]}"
    return nb, None


MAX_NESTING = 64  # a notebook needs ~6 levels; nbformat, nbconvert and nbgrader recurse on each


def nesting(value) -> int:
    """How deeply JSON data nests, without recursion (deep data must not crash the reader)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            todo += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def cell_dicts(nb: nbformat.NotebookNode) -> list[dict]:
    """A notebook's cells as the plain dicts the tampering screen reads (type, grade_id, source)."""
    return [{"type": c.cell_type, "grade_id": grade_id(c), "source": c.source} for c in nb.cells]


def grade_ids(cells) -> set[str]:
    """The grade ids among cell dicts."""
    return {c["grade_id"] for c in cells if c["grade_id"]}


@cache
def release_cells(lab: str, root: Path | None = None) -> tuple[dict, ...]:
    """The release notebook's cells as plain dicts (type, grade_id, locked, grade, source)."""
    nb = nbformat.read(lab_named(lab, root).release, as_version=4)
    return tuple(
        {
            "type": c.cell_type,
            "grade_id": grade_id(c),
            "locked": bool(nbgrader_meta(c).get("locked")),
            "grade": bool(nbgrader_meta(c).get("grade")),
            "source": c.source,
        }
        for c in nb.cells
    )


def which_lab(found: set[str], lab: str, root: Path | None = None) -> str | None:
    """The lab whose cells the notebook carries, when that is not ``lab``."""
    own = len(found & grade_ids(release_cells(lab, root)))
    best, best_overlap = None, own
    for other in (each.name for each in labs(root)):
        if other != lab:
            overlap = len(found & grade_ids(release_cells(other, root)))
            if overlap > best_overlap:
                best, best_overlap = other, overlap
    return best
