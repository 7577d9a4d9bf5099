"""What the generated folders must be, beyond being what ``make generate`` makes.

Staleness itself is the CI gate's job (``make check-generated``: regenerate, fail on ``git diff``);
these are the properties of what it makes.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

from pitfalls.authoring.generate import DIGEST_KEY, solution_digest
from pitfalls.authoring.labs import solution_notebook
from pitfalls.authoring.notebooks import has_outputs
from pitfalls.course import labs, lessons

LABS = labs(ROOT)


def test_there_are_lessons_and_labs():
    assert lessons(ROOT) and LABS, "the catalogue (lessons/catalogue.toml) lists no lessons or labs"


def test_every_lesson_folder_is_in_the_catalogue():
    # Folders starting with "_" are not lessons (lessons/_template is the one to copy).
    folders = {
        p.name
        for p in (ROOT / "lessons").iterdir()
        if (p / "lesson.py").is_file() and not p.name.startswith("_")
    }
    listed = {lesson.folder for lesson in lessons(ROOT)}
    assert folders == listed, f"lesson folders not in lessons/catalogue.toml: {sorted(folders - listed)}"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.name)
def test_solution_is_the_executed_master(lab):
    assert lab.solution.is_file(), f"solutions/{lab.name} is missing: run `make generate`"
    committed = nbformat.read(lab.solution, as_version=4)
    assert committed.metadata.get(DIGEST_KEY) == solution_digest(solution_notebook(lab)), (
        f"solutions/{lab.name} was not executed from the current master: run `make generate`"
    )
    assert has_outputs(committed), f"solutions/{lab.name} has no outputs: it must be the executed solution"
    errors = [
        o
        for c in committed.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.output_type == "error"
    ]
    assert not errors, f"solutions/{lab.name} was saved with an error output"


def test_solution_has_no_nbgrader_markers():
    for path in ROOT.glob("solutions/*/*.ipynb"):
        text = path.read_text()
        assert "### BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path


@pytest.mark.parametrize("folder", ["notebooks", "source", "release"])
def test_no_outputs_outside_solutions(folder: str):
    with_outputs = [
        str(p.relative_to(ROOT))
        for p in ROOT.glob(f"{folder}/**/*.ipynb")
        if has_outputs(nbformat.read(p, as_version=4))
    ]
    assert not with_outputs, f"committed notebooks must be output-free: {with_outputs}"
