"""Generated folders are never stale: release/ and solutions/ equal what source/ makes now."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from pitfalls.build.labs import labs, solution_notebook
from pitfalls.build.notebooks import has_outputs
from pitfalls.build.release import generate_release

LABS = labs(ROOT)
STALE = "is stale: run `make generate` and commit the result (never edit generated folders by hand)"


def test_there_are_labs():
    assert LABS, "no labs found in source/"


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("lab", LABS)
def test_release_is_what_nbgrader_generates(lab: str, tmp_path: Path):
    fresh = files_of(generate_release(lab, tmp_path, ROOT))
    committed = files_of(ROOT / "release" / lab)
    assert sorted(committed) == sorted(fresh), f"release/{lab} {STALE}"
    for name, content in fresh.items():
        if name.endswith(".ipynb"):
            assert json.loads(committed[name]) == json.loads(content), f"release/{lab}/{name} {STALE}"
        else:
            assert committed[name] == content, f"release/{lab}/{name} {STALE}"


@pytest.mark.parametrize("lab", LABS)
def test_solution_is_the_executed_master(lab: str):
    path = ROOT / "solutions" / lab / f"{lab}.ipynb"
    assert path.is_file(), f"solutions/{lab} is missing: run `make generate`"
    committed = nbformat.read(path, as_version=4)
    expected = solution_notebook(lab, ROOT)
    assert [c.source for c in committed.cells] == [c.source for c in expected.cells], f"solutions/{lab} {STALE}"
    assert has_outputs(committed), f"solutions/{lab} has no outputs: it must be the executed solution"
    errors = [o for c in committed.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"solutions/{lab} was saved with an error output"


def test_solution_has_no_nbgrader_markers():
    for path in ROOT.glob("solutions/*/*.ipynb"):
        text = path.read_text()
        assert "### BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, path


@pytest.mark.parametrize("folder", ["notebooks", "source", "release"])
def test_no_outputs_outside_solutions(folder: str):
    with_outputs = [str(p.relative_to(ROOT)) for p in ROOT.glob(f"{folder}/**/*.ipynb")
                    if has_outputs(nbformat.read(p, as_version=4))]
    assert not with_outputs, f"committed notebooks must be output-free (run `make strip`): {with_outputs}"
