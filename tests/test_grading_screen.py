"""Collecting and screening submissions, without running them (fast: no kernel, no nbgrader)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile

import nbformat
import pytest
from conftest import ROOT, load_variants
from hostile.corpus import CASES, EX1_CHECKS_ANYWAY, LAB, WRONG_EX1

from pitfalls.authoring.labs import lab_names
from pitfalls.checks.integrity import protected_names, scan
from pitfalls.course import lessons
from pitfalls.grading.collect import collect
from pitfalls.grading.screen import screen
from pitfalls.grading.submissions import solution_cells, variant
from pitfalls.notebook_cells import nbgrader_meta, release_cells


def lab_protected(lab: str) -> dict[str, str]:
    return protected_names([c["source"] for c in release_cells(lab) if c["type"] == "code" and c["locked"]])


@pytest.mark.parametrize("lab", lab_names(ROOT))
def test_honest_answers_pass_the_screen(lab):
    """No solution and no (right or wrong) learner answer of any lab is mistaken for tampering."""
    cells = list(solution_cells(lab, ROOT).items())
    for name, spec in load_variants(lab).items():
        cells += [(f"{name}:{gid}", src) for gid, src in spec["cells"].items()]
    assert scan(cells, lab_protected(lab)) == []


@pytest.mark.parametrize(
    "code,why",
    [
        ("check.slicing = print", "changes `check.slicing`"),
        ("import numpy as np\nnp.allclose = lambda *a, **k: True", "changes `np.allclose`"),
        ("setattr(check, 'slicing', print)", "uses `setattr`"),
        ("f = eval\nf('1')", "uses `eval`"),
        ("import importlib", "imports `importlib`"),
        ("from numpy import testing", "imports `numpy.testing`"),
        ("import numpy as check", "rebinds `check`"),
        ("x = np.load('ref.npy')", "uses `.load`"),
        ("!cat ../../source/lab01_tensors/lab01_tensors.ipynb", "shell command"),
        ("def f():\n    global check\n    check = None", "rebinds `check`"),
        (
            "import sys\nsys.modules['lessons.l01_tensors_and_slicing.checks'].slicing = print",
            "imports `sys`",
        ),
        (
            "from lessons.l01_tensors_and_slicing import checks",
            "imports `lessons.l01_tensors_and_slicing.checks`",
        ),
        ("import lessons.l02_mean_of_two.checks as c", "imports `lessons.l02_mean_of_two.checks`"),
        (
            "from lessons.l03_generator_aliasing.checks import plateau",
            "imports from `lessons.l03_generator_aliasing.checks`",
        ),
        (
            "from lessons.l06_functional_api_and_losses import began, checks",
            "imports `lessons.l06_functional_api_and_losses.checks`",
        ),
        (
            "from lessons.l01_tensors_and_slicing import wrong_answers",
            "imports `lessons.l01_tensors_and_slicing.wrong_answers`",
        ),
        (
            "import lessons.l03_generator_aliasing.test_generators",
            "imports `lessons.l03_generator_aliasing.test_generators`",
        ),
        ("import lessons.l01_tensors_and_slicing as lesson", "imports `lessons.l01_tensors_and_slicing`"),
        ("from lessons import l01_tensors_and_slicing", "imports from `lessons`"),
    ],
)
def test_tampering_is_named(code, why):
    findings = scan([("ex1", code)], lab_protected(LAB))
    assert any(why in str(f) for f in findings), [str(f) for f in findings]


def test_every_lessons_helpers_may_be_imported_but_not_its_checks():
    """Learners may import a lesson's helper modules, in either form; never the grader's modules of a
    lesson (checks, wrong answers, tests, the lesson and lab texts)."""
    helpers, graders = [], []
    for lesson in lessons(ROOT):
        for path in sorted(lesson.dir.glob("*.py")):
            grader = path.stem.startswith("test_") or path.stem in (
                "checks",
                "wrong_answers",
                "lesson",
                "lab",
                "__init__",
            )
            (graders if grader else helpers).append((lesson.package, path.stem))
    assert ("lessons.l03_generator_aliasing", "generators") in helpers and len(graders) > len(helpers)
    for package, module in helpers:
        code = f"import {package}.{module}\nfrom {package} import {module} as helper\nfrom {package}.{module} import *\n"
        star = f"`from {package}.{module} import *` imports `{package}.{module}.*`, which answers may not use"
        assert [str(f) for f in scan([("ex1", code)], lab_protected(LAB))] == [f"cell ex1, line 3: {star}"]
    for package, module in graders:
        for code in (f"import {package}.{module}", f"from {package} import {module}"):
            assert any(f"imports `{package}.{module}`" in str(f) for f in scan([("ex1", code)])), code


def test_own_names_are_not_builtins():
    """`input = keras.Input(...)` binds the learner's own name; using it is not a call to input()."""
    code = "import keras\ninput = keras.Input(shape=(2,))\nout = keras.layers.Dense(1)(input)\n"
    assert scan([("ex1", code)], lab_protected(LAB)) == []


def test_without_the_screen_a_patched_check_would_pass(tmp_path):
    """Why the screen exists: in the kernel, the patch really makes a wrong answer pass its check."""
    release = nbformat.read(ROOT / "release" / LAB / f"{LAB}.ipynb", as_version=4)
    setup = next(c.source for c in release.cells if nbgrader_meta(c).get("grade_id") == "setup")
    test = next(c.source for c in release.cells if nbgrader_meta(c).get("grade_id") == "ex1-check")
    script = tmp_path / "run.py"
    script.write_text(
        "\n".join(
            [
                setup,
                WRONG_EX1,
                "try:",
                textwrap.indent(test, "    "),
                "except AssertionError:\n    print('CAUGHT')",
                EX1_CHECKS_ANYWAY,
                test,
                "print('PATCHED PASS')",
            ]
        )
    )
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert "CAUGHT" in out.stdout and "PATCHED PASS" in out.stdout, out.stdout + out.stderr[-2000:]


def test_screen_restores_deleted_cells_in_place(tmp_path):
    release = ROOT / "release" / LAB / f"{LAB}.ipynb"
    nb = variant(LAB, release, {}, ROOT)
    order = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") not in ("setup", "ex2-check")]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    screening = screen(path, LAB, ROOT)
    assert screening.gradable and len(screening.notes) == 2
    assert [nbgrader_meta(c).get("grade_id") for c in screening.notebook.cells] == order


def test_collect_reads_zips_folders_and_flat_exports(tmp_path):
    solution = variant(LAB, ROOT / "release" / LAB / f"{LAB}.ipynb", {}, ROOT)
    export = tmp_path / "export"
    (export / "ann" / "sub").mkdir(parents=True)
    nbformat.write(solution, export / "ann" / "sub" / f"{LAB}.ipynb")
    nbformat.write(solution, export / "bob_1234_Copy of lab.ipynb")
    (export / "cid").mkdir()
    (export / "cid" / "notes.txt").write_text("no notebook")
    (export / "__MACOSX").mkdir()
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in export.rglob("*"):
            zf.write(p, p.relative_to(tmp_path))
    for source in (export, archive):
        found = {c.student: c for c in collect(source, LAB, tmp_path / f"unpacked-{source.suffix}").students}
        assert sorted(found) == ["ann", "bob", "cid"]
        assert found["ann"].chosen.name == f"{LAB}.ipynb" and not found["ann"].notes
        assert "was named" in found["bob"].notes[0]
        assert found["cid"].path is None and "no notebook" in found["cid"].problem


def test_corpus_cases_are_screened_as_expected(tmp_path):
    """The corpus's refusals happen at screening, before any code runs."""
    from hostile.corpus import FILE_LIMIT, OTHER_LAB, write_corpus

    from pitfalls.grading.inbox import Quota

    corpus = write_corpus(
        tmp_path,
        ROOT / "release" / LAB / f"{LAB}.ipynb",
        ROOT / "release" / OTHER_LAB / f"{OTHER_LAB}.ipynb",
        ROOT / "source" / LAB / f"{LAB}.ipynb",
    )
    for found in collect(corpus, LAB, tmp_path / "unpacked", Quota(file_bytes=FILE_LIMIT)).students:
        if found.path is None:  # not read at all (a link, over the size limit): see test_inbox
            assert CASES[found.student]["expect"]["says"] in found.problem
            continue
        screening = screen(found.path, LAB, ROOT)
        refused_early = found.student.startswith(
            (
                "patches-",
                "rebinds-",
                "reads-",
                "kernel-exit",
                "corrupt",
                "empty",
                "other-lab",
                "deep",
                "absolute",
                "-bob",
            )
        )
        assert screening.gradable is not refused_early, (found.student, screening.problem)
        if refused_early:
            assert CASES[found.student]["expect"]["says"] in screening.problem
