"""The learner's self-check runs the release's public checks and says what the grader would say.

No nbgrader here: lab 1's answers (the solution, and the wrong answers of
``lessons/l01_tensors_and_slicing/wrong_answers.py``) are executed in a plain namespace, as in a learner's
kernel, and the self-check's table is compared with the checks' own messages.
"""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT, load_variants

from pitfalls.authoring.labs import lab_names
from pitfalls.checks import selfcheck
from pitfalls.checks.core import CheckFailed
from pitfalls.checks.selfcheck import PublicCheck, check_all, public_checks, run_check
from pitfalls.grading.screen import screen
from pitfalls.grading.submissions import solution_cells, variant
from pitfalls.notebook_cells import is_test_cell, nbgrader_meta

LAB = "lab01_tensors"
RELEASE = ROOT / "release" / LAB / f"{LAB}.ipynb"
VARIANTS = load_variants(LAB)


@pytest.fixture(autouse=True)
def not_under_nbgrader(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)  # a test run from a Jupyter terminal


def release_cells(lab: str = LAB) -> list:
    return nbformat.read(ROOT / "release" / lab / f"{lab}.ipynb", as_version=4).cells


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
    assert (report.earned, report.possible) == (points, points) == (12, 12)
    assert "Total: 12 / 12 points (self-check, not a grade)" in str(report)
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
    assert (report.earned, report.possible) == (10, 12)
    text, page = str(report), report._repr_html_()
    assert "✗" in text and "10 / 12 points (self-check, not a grade)" in text
    assert "ex1-check" in page and "✗" in page and "10 / 12 points" in page
    assert "that is a single image (images[100])" in page


@pytest.mark.parametrize("name", [n for n in VARIANTS if n != "single-image"])
def test_every_wrong_answer_variant_scores_as_in_the_autograder(solution_ns, name):
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
    assert (report.earned, report.possible) == (11, 12)


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
    real_read = nbformat.read

    def spy(path, *args, **kwargs):
        read.append(str(path))
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(nbformat, "read", spy)
    check_all(LAB, {})
    assert read and all(p == str(RELEASE) for p in read), read
    checks = public_checks(LAB)
    assert [(c.grade_id, c.source) for c in checks] == [
        (nbgrader_meta(c)["grade_id"], c.source) for c in release_cells() if is_test_cell(c)
    ]


def test_a_missing_release_gives_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PITFALLS_ROOT", str(tmp_path))
    with pytest.raises(FileNotFoundError) as raised:
        check_all(LAB, {})
    message = str(raised.value)
    assert str(tmp_path / "release" / LAB / f"{LAB}.ipynb") in message and "clone of the course" in message


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
    ns.update(__session__=str(notebook), _ih=["", "import pathlib"])  # the file wins over the history
    report = check_all(LAB, ns)
    assert [(f.cell, f.code) for f in report.refused] == [("ex3", "import sys")]
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
