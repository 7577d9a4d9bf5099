"""Adding a lesson is: copy ``lessons/_template``, fill its placeholders, add one catalogue entry,
``make generate``. Proved here on a throw-away lesson 99, end to end.

In a scratch copy of the repository (only what the pipeline reads; the ``pitfalls`` package is the
installed one) ``lessons/`` holds lesson 99 alone. ``python -m pitfalls.authoring.generate`` runs
in a subprocess with ``PITFALLS_ROOT`` and ``PYTHONPATH`` pointing at the copy, so ``lessons``
resolves there and nothing of the real repository is read or written. Then the lab goes through
real nbgrader: the solution scores full marks, the untouched student version 0; every variant of
the template's ``wrong_answers.py`` is run through the generated lab's test cells in-process (an
nbgrader run per variant costs half a minute on a loaded 2-core machine). If this test breaks, the
template, the pipeline's assumptions about the repository root, or docs/CONTRIBUTING.md's recipe
no longer agree.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import nbformat
import pytest
import tomllib
from conftest import ROOT

from pitfalls.authoring.readme import BEGIN, END

TEMPLATE = ROOT / "lessons" / "_template"
FOLDER, LAB, NUMBER = "l99_template_check", "lab99_template_check", "99"
#: The template's placeholders, in the order they must be replaced (``NN`` is inside the others).
PLACEHOLDERS = (("labNN_name", LAB), ("lNN_name", FOLDER), ("NN", NUMBER))
#: What the pipeline reads besides the installed ``pitfalls`` package.
COPIED = ("pyproject.toml", "autograder", "README.md", "docs/bench.json", "requirements.lock")
ENTRY = f'''
[[lesson]]
folder = "{FOLDER}"
title = "Template check: two uint8 pixels and their mean"
lab = "{LAB}"
checks = "the mean of two uint8 images, a per-image stretch to [0, 1]"
'''

# One worker builds the scratch course (module fixture) and runs every test on it.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("new-lesson")]


def fill_placeholders(text: str) -> str:
    for placeholder, value in PLACEHOLDERS:
        text = text.replace(placeholder, value)
    return text


def new_repository(tmp: Path) -> Path:
    """A scratch repository whose catalogue holds only lesson 99, made from the template."""
    for name in COPIED:
        source, target = ROOT / name, tmp / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, target) if source.is_dir() else shutil.copyfile(source, target)
    lessons = tmp / "lessons"
    lessons.mkdir()
    shutil.copyfile(ROOT / "lessons" / "__init__.py", lessons / "__init__.py")
    folder = lessons / FOLDER
    shutil.copytree(TEMPLATE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    for path in folder.glob("*.py"):
        path.write_text(fill_placeholders(path.read_text()))
    header = (ROOT / "lessons" / "catalogue.toml").read_text().split("\n[[lesson]]")[0] + "\n"
    (lessons / "catalogue.toml").write_text(header + ENTRY.lstrip("\n"))
    return tmp


def run_generate(repo: Path) -> subprocess.CompletedProcess:
    from pitfalls.grading.course import tool_env

    env = tool_env({"PITFALLS_ROOT": str(repo), "PYTHONPATH": str(repo)})
    return subprocess.run(
        [sys.executable, "-m", "pitfalls.authoring.generate"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    repo = new_repository(tmp_path_factory.mktemp("new-lesson"))
    started = time.perf_counter()
    proc = run_generate(repo)
    print(f"make generate of lesson 99: {time.perf_counter() - started:.1f} s")
    assert proc.returncode == 0, f"generate failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return repo


def test_template_has_every_convention_file():
    for name in ("__init__.py", "lesson.py", "lab.py", "checks.py", "wrong_answers.py"):
        assert (TEMPLATE / name).is_file(), f"lessons/_template/{name} is missing"
    for name in ("lesson.py", "lab.py", "checks.py"):
        text = (TEMPLATE / name).read_text()
        assert "lNN_name" in text and "labNN_name" in text, f"{name} does not name its placeholders"
    assert not any(p in fill_placeholders((TEMPLATE / "lab.py").read_text()) for p, _ in PLACEHOLDERS)


def test_generate_makes_every_artefact(repo):
    from pitfalls.course import labs, lessons

    (lesson,) = lessons(repo)
    (lab,) = labs(repo)
    assert lesson.notebook == repo / "notebooks" / f"{NUMBER}_template_check.ipynb"
    for path in (lesson.notebook, lab.source, lab.release, lab.solution):
        assert path.is_file(), f"{path.relative_to(repo)} was not generated"
    release = lab.release.read_text()
    assert "### BEGIN SOLUTION" not in release and "raise NotImplementedError()" in release
    solution = nbformat.read(lab.solution, as_version=4)
    assert not [
        o for c in solution.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ], "the executed solution has an error output"
    selfcheck = "".join(
        o.get("text", "") or str(o.get("data", {}).get("text/plain", "")) for o in solution.cells[-1].outputs
    )
    assert "Total: 2 / 2 points" in selfcheck, selfcheck
    readme = (repo / "README.md").read_text()
    table = readme[readme.index(BEGIN) : readme.index(END)]  # the README's own text names lesson 1
    assert f"notebooks/{NUMBER}_template_check.ipynb" in table and f"`{LAB}`" in table
    assert "01_tensors_and_slicing" not in table, "the README table still lists the real lessons"
    assert (repo / "environment.yml").is_file()


def test_regenerating_changes_nothing(repo):
    """What ``make check-generated`` relies on: a second run rewrites no file."""
    before = {p: p.read_bytes() for p in repo.rglob("*.ipynb") if "course" not in p.parts}
    proc = run_generate(repo)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "written" not in proc.stdout and "executed" not in proc.stdout, proc.stdout
    assert before == {p: p.read_bytes() for p in before}


def test_lesson_notebook_runs(repo):
    from pitfalls.authoring.notebooks import execute

    run = execute(repo / "notebooks" / f"{NUMBER}_template_check.ipynb", offline=True)
    print(f"lesson 99 executed in {run.seconds:.1f} s")


def test_right_answer_that_warns_really_warns():
    import numpy as np

    variants = _variants(TEMPLATE / "wrong_answers.py")
    assert sum(1 for v in variants.values() if v.get("fails")) >= 3
    warning_cases = [v for v in variants.values() if v.get("warns") and not v.get("fails")]
    assert warning_cases, "the template needs a right answer that provokes a warning"
    for spec in warning_cases:
        namespace: dict = {"np": np}
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for code in spec["cells"].values():
                exec(code, namespace)
            spec["warns"](namespace)
        assert caught, f"{spec['why']}: no warning was raised"


def test_autograde_through_nbgrader(repo, tmp_path):
    """The solution scores full marks and the untouched student version 0, through real nbgrader."""
    from pitfalls.course import lab_named
    from pitfalls.grading.course import Course
    from pitfalls.grading.submissions import feedback_text, variant

    lab = lab_named(LAB, repo)
    course = Course(repo / "course", repo=repo)
    notebook = f"{LAB}.ipynb"
    made = course.generate(LAB) / notebook  # registers the lab in the gradebook, as an instructor does
    assert made.read_text() == lab.release.read_text(), "release/ is not what nbgrader makes of source/"
    students = {
        "solution": variant(LAB, lab.release, {}, repo),
        "blank": nbformat.read(lab.release, as_version=4),
    }
    for student, nb in students.items():
        path = tmp_path / student / notebook
        path.parent.mkdir()
        nbformat.write(nb, path)
        course.submit(LAB, student, {notebook: path})
    started = time.perf_counter()
    course.nbgrader("autograde", LAB, "--force")
    course.nbgrader("generate_feedback", LAB, "--force")
    print(f"autograded {len(students)} submissions of lab 99 in {time.perf_counter() - started:.1f} s")

    def scores(student):
        return {k: (v.score, v.max_score) for k, v in course.scores(LAB, student, LAB).items()}

    def feedback(student):
        return feedback_text(course.root / "feedback" / student / LAB / f"{LAB}.html")

    full = scores("solution")
    assert set(full) == {"ex1-check", "ex2-check"}
    assert all(s == m == 1 for s, m in full.values()), f"{full}\n{feedback('solution')[-2500:]}"
    blank = scores("blank")
    assert blank and all(s == 0 for s, _ in blank.values()), blank
    assert "not written yet" in feedback("blank")


def test_wrong_answers_get_their_messages(repo):
    """Every variant of the template's wrong_answers.py, run in-process: the generated lab's own test
    cells executed on the variant's functions, with ``check`` bound to the template's checks (the
    code the copy holds). Once a real lesson is in the catalogue, tests/test_autograde.py runs
    the same variants through nbgrader."""
    import numpy as np

    from lessons._template import checks
    from pitfalls.authoring.labs import solution_cells, test_cells
    from pitfalls.checks.core import CheckFailed
    from pitfalls.course import lab_named

    lab = lab_named(LAB, repo)
    answers, tests = solution_cells(lab), test_cells(lab)
    assert {gid for gid, _, _ in tests} == {"ex1-check", "ex2-check"}

    def outcome(replace: dict[str, str]) -> dict[str, str]:
        namespace = {"np": np, "check": checks}
        for code in {**answers, **replace}.values():
            exec(code, namespace)
        results = {}
        for gid, code, _ in tests:
            try:
                exec(code, dict(namespace))
                results[gid] = "passed"
            except CheckFailed as failed:
                results[gid] = str(failed)
        return results

    assert set(outcome({}).values()) == {"passed"}
    for name, spec in _variants(lab.wrong_answers).items():
        for gid, result in outcome(spec["cells"]).items():
            if gid in spec["fails"]:
                assert spec["fails"][gid] in result, (
                    f"{name}: {gid} should fail with {spec['fails'][gid]!r}, got {result!r}"
                )
            elif gid not in spec.get("may_fail", ()):
                assert result == "passed", f"{name}: {gid} should pass, got {result!r}"


def test_catalogue_of_the_copy_holds_only_lesson_99(repo):
    entries = tomllib.loads((repo / "lessons" / "catalogue.toml").read_text())["lesson"]
    assert [e["folder"] for e in entries] == [FOLDER]


def _variants(path: Path) -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"wrong_answers_{path.parent.name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VARIANTS
