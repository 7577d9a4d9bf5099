"""The learner's self-check runs the release's public checks and says what the grader would say.

No nbgrader here: lab 1's answers (the solution, and the wrong answers of
``lessons/l01_tensors_and_slicing/wrong_answers.py``) are executed in a plain namespace, as in a learner's
kernel, and the self-check's table is compared with the checks' own messages.
"""

from __future__ import annotations

import functools
import shutil
import threading

import nbformat
import pytest
from conftest import ROOT, load_variants

from pitfalls.authoring import launch
from pitfalls.authoring.labs import lab_names
from pitfalls.checks import selfcheck
from pitfalls.checks.core import CheckFailed
from pitfalls.checks.integrity import tampering
from pitfalls.checks.selfcheck import PublicCheck, check_all, public_checks, run_check
from pitfalls.grading.screen import screen
from pitfalls.grading.submissions import solution_cells, variant
from pitfalls.notebook_cells import cell_dicts, is_test_cell, nbgrader_meta
from pitfalls.notebook_cells import release_cells as release_cells_read

LAB = "lab01_tensors"
RELEASE = ROOT / "release" / LAB / f"{LAB}.ipynb"
VARIANTS = load_variants(LAB)


@pytest.fixture(autouse=True)
def not_under_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)  # a test run from a Jupyter terminal


def release_cells(lab: str = LAB) -> list:
    return nbformat.read(ROOT / "release" / lab / f"{lab}.ipynb", as_version=4).cells


@pytest.fixture(scope="module", autouse=True)
def trained_once():
    """Each ``build_model`` function is trained once in this module (seeded: a second run gives the
    same numbers; tests/test_spread.py proves it). What these tests check is the self-check's
    bookkeeping, and most of them hand it the solution's very ``build_model``: one training run each."""
    from lessons.l01_tensors_and_slicing import checks

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(checks, "train_graded", functools.cache(checks.train_graded))
        yield


@pytest.fixture(scope="module")
def solution_ns() -> dict:
    """The release's setup cell, then every solution cell: a learner who got everything right."""
    ns: dict = {"__name__": "__main__"}
    setup = next(c for c in release_cells() if nbgrader_meta(c).get("grade_id") == "setup")
    exec(compile(setup.source, "<setup>", "exec"), ns)
    for grade_id, code in solution_cells(LAB, ROOT).items():
        exec(compile(code, f"<{grade_id}>", "exec"), ns)
    return ns


def answered(solution_ns: dict, cells: dict[str, str]) -> dict:
    """The solution's namespace with some exercise cells re-run with other code."""
    ns = dict(solution_ns)
    for grade_id, code in cells.items():
        exec(compile(code, f"<{grade_id}>", "exec"), ns)
    return ns


def test_the_right_answers_pass_every_check(solution_ns):
    report = check_all(LAB, dict(solution_ns))
    points = sum(float(nbgrader_meta(c)["points"]) for c in release_cells() if is_test_cell(c))
    assert [r.grade_id for r in report.results] == [
        nbgrader_meta(c)["grade_id"] for c in release_cells() if is_test_cell(c)
    ]
    assert report.passed, str(report)
    assert (report.earned, report.possible) == (points, points) == (14, 14)
    assert "Total: 14 / 14 points (self-check, not a grade)" in str(report)
    assert report["ex1-check"].message == "Exercise 1 passed."  # the cell's own print, not its stdout
    assert "Exercise 1 passed." in report["ex1-check"].stdout


def test_a_wrong_answer_gets_exactly_the_graders_message(solution_ns):
    spec = VARIANTS["single-image"]
    ns = answered(solution_ns, spec["cells"])
    with pytest.raises(CheckFailed) as raised:  # what the graded cell raises under nbgrader
        ns["check"].slicing(ns["first_hundred"], ns["lower_right_quadrant"])
    report = check_all(LAB, ns)
    wrong = report["ex1-check"]
    assert not wrong.passed and wrong.earned == 0 and wrong.points == 2
    assert wrong.message == str(raised.value)
    assert spec["fails"]["ex1-check"] in wrong.message
    assert all(r.passed for r in report.results if r.grade_id != "ex1-check"), str(report)
    assert (report.earned, report.possible) == (12, 14)
    text, page = str(report), report._repr_html_()
    assert "✗" in text and "12 / 14 points (self-check, not a grade)" in text
    assert "ex1-check" in page and "✗" in page and "12 / 14 points" in page
    assert "that is a single image, without the batch axis" in page


def one_variant_per_outcome(variants: dict) -> list[str]:
    """The first variant of each outcome (the set of cells it fails, and may fail), plus every
    variant that raises or warns. The self-check calls the very check functions
    tests/test_wrong_answers.py runs on every variant; what this test adds is the self-check's own
    bookkeeping (which cell failed, with which message, what still passes), which depends on the
    outcome, not on which wrong answer produced it."""
    chosen, outcomes = [], set()
    for name, spec in variants.items():
        outcome = (frozenset(spec["fails"]), frozenset(spec.get("may_fail", [])))
        if outcome not in outcomes or any(word in name for word in ("exception", "warning")):
            chosen.append(name)
            outcomes.add(outcome)
    return chosen


@pytest.mark.parametrize(
    "name", one_variant_per_outcome({n: v for n, v in VARIANTS.items() if n != "single-image"})
)  # single-image: the test above
def test_wrong_answer_variants_score_as_in_the_autograder(solution_ns, name):
    spec = VARIANTS[name]
    report = check_all(LAB, answered(solution_ns, spec["cells"]))
    for result in report.results:
        if result.grade_id in spec["fails"]:
            assert not result.passed and spec["fails"][result.grade_id] in result.message, str(report)
        elif result.grade_id not in spec.get("may_fail", []):
            assert result.passed, f"{name}: {result.grade_id} should pass\n{report}"


def test_a_function_not_defined_yet_says_to_run_its_cell(solution_ns):
    ns = dict(solution_ns)
    del ns["center_columns"]
    report = check_all(LAB, ns)
    message = report["ex3-check"].message
    assert not report["ex3-check"].passed
    assert "`center_columns` is not defined yet" in message and "run the exercise's cell" in message
    assert (report.earned, report.possible) == (13, 14)


def test_without_the_setup_cell_it_says_to_run_the_setup_cell(solution_ns):
    ns = {k: v for k, v in solution_ns.items() if k != "check"}
    report = check_all(LAB, ns)
    assert report.earned == 0
    assert all("`check` is not defined yet: run the setup cell" in r.message for r in report.results)


def test_an_unwritten_exercise_says_so(solution_ns):
    ns = answered(solution_ns, {"ex4": "def matvec_by_hand(A, b):\n    raise NotImplementedError()\n"})
    report = check_all(LAB, ns)
    assert "matvec_by_hand(...) is not written yet" in report["ex4-check"].message


def test_the_default_namespace_is_the_callers_globals(solution_ns):
    ns = answered(solution_ns, {"check_all": "from pitfalls.checks.selfcheck import check_all"})
    exec("report = check_all('lab01_tensors')", ns)
    assert ns["report"].passed, str(ns["report"])


def test_other_exceptions_show_type_and_message():
    result = run_check(PublicCheck("x", 1, "{}['missing']"), {})
    assert (result.passed, result.message) == (False, "KeyError: 'missing'")
    bare = run_check(PublicCheck("y", 1, "assert 1 == 2"), {})
    assert not bare.passed and "AssertionError" in bare.message


def test_stderr_is_scored_like_the_grader(capsys):
    pattern = selfcheck.ignore_pattern(ROOT)
    assert pattern and "Warning" in pattern, "the autograder's IgnorePattern could not be read"
    noisy = run_check(
        PublicCheck("noisy", 1, "import sys\nprint('a log line', file=sys.stderr)"), {}, pattern=pattern
    )
    assert not noisy.passed and "wrote to stderr" in noisy.message and "a log line" in noisy.message
    # A warning reaches stderr as one write of two lines (message, then the source line): nbgrader
    # drops that stream output as a whole because the first line matches the IgnorePattern.
    warning = (
        "import sys, warnings\nsys.stderr.write(warnings.formatwarning("
        "'do not pass input_shape', UserWarning, 'model.py', 3, 'Dense(32, input_shape=(784,))'))"
    )
    forgiven = run_check(PublicCheck("warns", 1, warning), {}, pattern=pattern)
    assert forgiven.passed, forgiven.message
    assert capsys.readouterr().out == ""  # the cells' output stays out of the way


def test_the_checks_it_runs_are_the_release_graded_cells_never_the_master(solution_ns, monkeypatch):
    read = []
    real_read, real_read_notebook = nbformat.read, selfcheck.read_notebook

    def spy(path, *args, **kwargs):
        read.append(str(path))
        return real_read(path, *args, **kwargs)

    def spy_notebook(path, *args, **kwargs):
        read.append(str(path))
        return real_read_notebook(path, *args, **kwargs)

    monkeypatch.setattr(nbformat, "read", spy)
    monkeypatch.setattr(selfcheck, "read_notebook", spy_notebook)
    check_all(LAB, {})
    assert read and all(p == str(RELEASE) for p in read), read
    checks = public_checks(LAB)
    assert [(c.grade_id, c.source) for c in checks] == [
        (nbgrader_meta(c)["grade_id"], c.source) for c in release_cells() if is_test_cell(c)
    ]


def test_a_missing_release_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PITFALLS_ROOT", str(tmp_path))
    report = check_all(LAB, {})
    text = str(report)
    assert report.problem and not report.passed and "\n" not in text and "Traceback" not in text
    assert str(tmp_path / "release" / LAB / f"{LAB}.ipynb") in text and "clone of the course" in text
    assert text.startswith(f"{LAB} self-check could not run:") and "could not run" in report._repr_html_()


def test_under_nbgrader_it_runs_nothing(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    report = check_all(LAB, {})
    assert (
        report.skipped
        and not report.results
        and "skipped" in str(report)
        and "skipped" in report._repr_html_()
    )


@pytest.mark.parametrize("lab", lab_names(ROOT))
def test_every_lab_ends_with_the_ungraded_self_check(lab):
    cells = release_cells(lab)
    text, code = cells[-2:]
    assert text.cell_type == "markdown" and text.source.startswith("## Check everything")
    assert code.source == f'from pitfalls.checks.selfcheck import check_all\n\ncheck_all("{lab}")'
    for cell, grade_id in ((text, "selfcheck-text"), (code, "selfcheck")):
        meta = nbgrader_meta(cell)
        assert meta["grade_id"] == grade_id and meta["locked"] and not meta["grade"] and not meta["solution"]
    assert not is_test_cell(code)
    assert [c.grade_id for c in public_checks(lab)] == [
        nbgrader_meta(c)["grade_id"] for c in cells if is_test_cell(c)
    ]
    assert "HIDDEN TESTS" not in "".join(c.source for c in public_checks(lab))


# --- the learner's own code, screened as the grader screens it ---------------------------------------
def test_a_refused_line_run_in_the_kernel_is_named_before_submitting(solution_ns):
    ns = answered(solution_ns, {})
    ns["_ih"] = [
        "",
        "x = 1",
        "import os\nprint(os.listdir('.'))",
        f'from pitfalls.checks.selfcheck import check_all\n\ncheck_all("{LAB}")',
    ]
    report = check_all(LAB, ns)
    text = str(report)
    assert all(r.passed for r in report.results) and not report.passed  # right answers, refused notebook
    assert [(f.cell, f.line) for f in report.refused] == [("In [2]", 1)]
    assert text.startswith("The grader would give this notebook 0 points") and "`import os`" in text
    assert "the cells run in this kernel" in text and "no longer in your notebook does not count" in text
    assert "Answers may import only numpy, keras, tensorflow" in text
    assert "but the grader would give 0" in report.total()
    assert "import os" in report._repr_html_() and "would give this notebook 0" in report._repr_html_()


def test_course_cells_in_the_history_are_not_the_learners_code(solution_ns):
    ns = answered(solution_ns, {})
    ns["_ih"] = [""] + [
        c.source for c in release_cells() if c.cell_type == "code"
    ]  # the Colab set-up, the setup...
    report = check_all(LAB, ns)
    assert report.passed and not report.refused
    assert "Screened the cells run in this kernel: no line the grader refuses." in str(report)


def test_the_saved_notebook_is_screened_like_the_grader_does(solution_ns, tmp_path):
    notebook = tmp_path / f"{LAB}.ipynb"
    nbformat.write(
        variant(
            LAB, RELEASE, {"ex3": "import sys\ndef center_columns(X):\n    return X - X.mean(axis=0)\n"}, ROOT
        ),
        notebook,
    )
    ns = answered(solution_ns, {})
    ns.update(__session__=str(notebook), _ih=["", "x = 1"])
    report = check_all(LAB, ns)
    assert [(f.cell, f.code) for f in report.refused] == [("ex3", "import sys")] and not report.unsaved
    assert report.screened == f"the saved notebook {notebook.name}" and "does not count" not in str(report)
    graded = screen(notebook, LAB, ROOT)
    assert report.refused == graded.tampering and not graded.gradable  # the same lines, the same verdict


def test_a_notebook_of_another_lab_falls_back_to_the_history(solution_ns, tmp_path):
    other = sorted(set(lab_names(ROOT)) - {LAB})[0]
    ns = answered(solution_ns, {})
    ns.update(__session__=str(ROOT / "release" / other / f"{other}.ipynb"), _ih=["", "import json"])
    report = check_all(LAB, ns)
    assert report.screened == "the cells run in this kernel" and [f.code for f in report.refused] == [
        "import json"
    ]


def test_without_any_code_to_read_it_says_so(solution_ns):
    report = check_all(LAB, dict(solution_ns))
    assert report.passed and report.screened is None and "was not screened" in str(report)


def test_the_plain_text_view_is_the_table(solution_ns):
    report = check_all(LAB, dict(solution_ns))
    assert repr(report) == str(report) and repr(report).startswith("check")  # not the dataclass's fields


# --- live code, and notebooks read while Jupyter saves them ------------------------------------------
# These run the checks in an empty namespace (each fails at once with a NameError): only the screen
# and the reading are under test, so none of them trains a model.
SAFE_EX3 = "def center_columns(X):\n    return X - X.mean(axis=0)\n"
REFUSED_EX3 = "import sys\n" + SAFE_EX3


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(selfcheck, "READ_ATTEMPTS", 3)
    monkeypatch.setattr(selfcheck, "READ_PAUSE", 0.05)


def saved_lab(path, ex3: str = SAFE_EX3):
    """A learner's saved lab: the solution, with exercise 3 as given."""
    nbformat.write(variant(LAB, RELEASE, {"ex3": ex3}, ROOT), path)
    return path


def cut_off(path) -> bytes:
    """``path`` as a reader sees it halfway through Jupyter's save (truncated, then written in place)."""
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return whole


def test_a_refused_line_run_but_not_saved_is_named(tmp_path):
    notebook = saved_lab(tmp_path / f"{LAB}.ipynb")
    saved_ex3 = next(c.source for c in nbformat.read(notebook, as_version=4).cells if c.source == SAFE_EX3)
    ns = {"__session__": str(notebook), "_ih": ["", saved_ex3, "import os\nprint(os.listdir('.'))"]}
    report = check_all(LAB, ns)
    text = str(report)
    assert not report.refused and [(f.cell, f.code) for f in report.unsaved] == [("In [2]", "import os")]
    assert not report.passed and "grader will give 0 if the lines above" in report.total()
    assert f"Run in this kernel but not in the saved notebook {notebook.name} (not saved yet" in text
    assert "no longer in your notebook does not count" in text and "import os" in report._repr_html_()


def test_a_saved_refused_line_run_in_the_kernel_is_named_once(tmp_path):
    notebook = saved_lab(tmp_path / f"{LAB}.ipynb", REFUSED_EX3)
    ns = {"__session__": str(notebook), "_ih": ["", REFUSED_EX3, "import json"]}
    report = check_all(LAB, ns)
    assert [(f.cell, f.code) for f in report.refused] == [("ex3", "import sys")]
    assert [(f.cell, f.code) for f in report.unsaved] == [("In [2]", "import json")]
    text = str(report)
    assert (
        text.startswith("The grader would give this notebook 0 points") and "Also run in this kernel" in text
    )
    assert "Screened" not in text


def test_a_notebook_read_mid_save_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(selfcheck, "READ_PAUSE", 0.1)
    notebook = saved_lab(tmp_path / f"{LAB}.ipynb", REFUSED_EX3)
    whole = cut_off(notebook)
    finish = threading.Timer(0.25, notebook.write_bytes, [whole])  # the save completes meanwhile
    finish.start()
    try:
        report = check_all(LAB, {"__session__": str(notebook)})
    finally:
        finish.join()
    assert report.screened == f"the saved notebook {notebook.name}" and report.note is None
    assert [(f.cell, f.code) for f in report.refused] == [("ex3", "import sys")]


def test_a_notebook_cut_off_is_read_from_jupyters_previous_save(tmp_path, quick_retries):
    notebook = saved_lab(tmp_path / f"{LAB}.ipynb", REFUSED_EX3)
    selfcheck.jupyter_backup(notebook).write_bytes(cut_off(notebook))  # the copy Jupyter keeps meanwhile
    report = check_all(LAB, {"__session__": str(notebook)})
    assert report.screened == f"the saved notebook {notebook.name}" and [f.code for f in report.refused] == [
        "import sys"
    ]
    assert "was being saved, so its previous save" in str(report) and "Traceback" not in str(report)


def test_an_unreadable_notebook_falls_back_to_the_history(tmp_path, quick_retries):
    notebook = saved_lab(tmp_path / f"{LAB}.ipynb")
    cut_off(notebook)
    report = check_all(LAB, {"__session__": str(notebook), "_ih": ["", "import os"]})
    text = str(report)
    assert report.screened == "the cells run in this kernel" and [f.code for f in report.refused] == [
        "import os"
    ]
    assert "Your saved notebook could not be read: the file" in text and "broken JSON" in text


@pytest.fixture
def scratch_course(tmp_path, monkeypatch):
    """A course whose release is a writable copy: the learner works in ``release/<lab>/`` itself, as
    under ``make lab`` and on Binder."""
    course = tmp_path / "course"
    (course / "lessons").mkdir(parents=True)
    shutil.copy(ROOT / "lessons" / "catalogue.toml", course / "lessons")
    for folder in (ROOT / "lessons").iterdir():
        if folder.is_dir():
            (course / "lessons" / folder.name).symlink_to(folder)
    shutil.copytree(ROOT / "release", course / "release")
    (course / "autograder").symlink_to(ROOT / "autograder")
    monkeypatch.setenv("PITFALLS_ROOT", str(course))
    release_cells_read.cache_clear()  # its cache is keyed by the root given, None here and in the course
    yield course
    release_cells_read.cache_clear()


def test_working_in_the_release_itself_the_saved_cells_are_screened(scratch_course):
    release = scratch_course / "release" / LAB / f"{LAB}.ipynb"
    saved_lab(release, REFUSED_EX3)  # saved before the first self-check: the release file *is* this
    report = check_all(LAB, {"__session__": str(release), "_ih": ["", REFUSED_EX3]})
    assert [(f.cell, f.code) for f in report.refused] == [("ex3", "import sys")] and not report.unsaved
    saved_lab(release)  # every answer saved, honest: exercise stubs and "Try it" cells have nothing refused
    honest = check_all(LAB, {"__session__": str(release)})
    assert honest.screened == f"the saved notebook {release.name}" and not honest.refused, str(honest)
    assert [r.grade_id for r in honest.results] == [c.grade_id for c in public_checks(LAB, ROOT)]


def test_the_release_read_mid_save_is_one_line_never_a_traceback(scratch_course, quick_retries):
    release = scratch_course / "release" / LAB / f"{LAB}.ipynb"
    cut_off(saved_lab(release))
    report = check_all(LAB, {"__session__": str(release)})
    text = str(report)
    assert report.problem and not report.results and not report.passed
    assert "\n" not in text and "Traceback" not in text and "NotJSONError" not in text
    assert text.startswith(f"{LAB} self-check could not run: the lab's checks are read from {release.name}")
    assert "run this cell again" in text and "could not run" in report._repr_html_()


def test_any_other_failure_is_one_line(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something deep\nwith a second line")

    monkeypatch.setattr(selfcheck, "ignore_pattern", broken)
    report = check_all(LAB, {})
    assert str(report) == (
        f"{LAB} self-check could not run: it failed (RuntimeError: something deep). Run this cell again; "
        "if it fails again, restart the kernel, run all cells, and tell your instructor if it still does."
    )


@pytest.mark.parametrize("lab", lab_names(ROOT))
def test_in_a_copy_of_the_release_only_course_cells_are_left_unscreened_and_untouched_ones_pass(lab):
    """When the learner's file is the release, the course's cells are its locked cells and the Colab
    set-up (``course_cells``): every other cell is screened, so none of them may be refused as shipped."""
    nb = nbformat.read(ROOT / "release" / lab / f"{lab}.ipynb", as_version=4)
    course = selfcheck.course_cells(nb)
    assert {c["grade_id"] for c in course} >= {"setup", "selfcheck"}
    assert any(
        launch.SETUP_TAG in c.metadata.get("tags", []) and c.source == course[0]["source"] for c in nb.cells
    )
    assert tampering(lab, cell_dicts(nb), ROOT, course=course) == []
    assert selfcheck.SETUP_TAG == launch.SETUP_TAG
