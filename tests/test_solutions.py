"""The shipped solutions are gradable submissions (the instructor's first sanity check).

``make grade`` on ``solutions/<lab>/<lab>.ipynb`` must give full marks: the notebook keeps the
release's nbgrader metadata (``labs.solution_notebook``). ``test_autograde.py`` grades each one
with nbgrader for real; this fast module checks what ``make grade`` looks at before it runs
anything — the screen — and the metadata that decides how nbgrader reads each cell.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT
from nbgrader.utils import compute_checksum, is_solution

from pitfalls.course import labs
from pitfalls.grading.screen import screen
from pitfalls.notebook_cells import grade_id

LABS = labs(ROOT)


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.name)
def test_the_screen_takes_the_shipped_solution(lab):
    screening = screen(lab.solution, lab.name, ROOT)
    assert screening.gradable, f"solutions/{lab.name} would not be graded: {screening.problem}"
    assert not screening.notes, f"solutions/{lab.name} differs from the release: {screening.notes}"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.name)
def test_shipped_solution_has_the_release_cells_and_answers(lab):
    solution = nbformat.read(lab.solution, as_version=4)
    release = nbformat.read(lab.release, as_version=4)
    assert [grade_id(c) for c in solution.cells] == [grade_id(c) for c in release.cells]
    for mine, theirs in zip(solution.cells, release.cells, strict=True):
        assert mine.metadata.get("nbgrader") == theirs.metadata.get("nbgrader"), grade_id(mine)
        if is_solution(mine):
            # Answered: nbgrader says "No response." when a solution cell matches its checksum.
            assert mine.source != theirs.source, f"{grade_id(mine)} is not filled in"
            assert compute_checksum(mine) != mine.metadata.nbgrader["checksum"], grade_id(mine)
        else:
            assert mine.source == theirs.source, f"{grade_id(mine)} is not the release's cell"
