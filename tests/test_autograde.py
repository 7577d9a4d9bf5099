"""nbgrader autograde, run for real on a scratch course, for every lab (the slow tier).

For each lab: the shipped solution (``solutions/<lab>``, as committed, outputs and all: an
instructor's first sanity check) submitted as a student scores full marks; the untouched release
scores 0 without crashing the run; every feedback page renders offline; and, for the first lab,
two variants of its ``wrong_answers.py``, in one submission, go through the real thing — the right answer that
provokes a Keras warning (the stderr trap: nbgrader zeroes a cell with stderr, so this is what an
in-process run could get wrong) and the first wrong answer, whose message must reach the feedback
HTML (both paths are the same for every lab, and each submission costs a full run of the lab's
notebook). Every variant is graded in-process by the same test cells in
``test_wrong_answers.py``; this module proves that in-process grading and nbgrader agree.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, load_variants
from page_refs import remote_references

from pitfalls.authoring.generate import DIGEST_KEY, solution_digest
from pitfalls.authoring.labs import lab_names, solution_notebook
from pitfalls.course import lab_named
from pitfalls.grading import Course
from pitfalls.grading.submissions import feedback_text, variant

LABS = sorted(lab_names(ROOT))


def end_to_end_variants(lab: str) -> list[str]:
    """The variants autograded for real, for the first lab only: the right answer that warns (the
    one that resets the warning filters, the hardest case) and the first wrong answer. Both paths
    (a warning on stderr that must not zero a cell; a check's message that must reach the page)
    are the same for every lab: every lab's warning variant is scored in-process by
    ``test_wrong_answers.py``, whose stderr rule this run proves to be nbgrader's. The two go in
    as one submission (:func:`end_to_end_spec`): a kernel run costs ~30 s."""
    if lab != LABS[0]:
        return []
    variants = load_variants(lab)
    warns = [n for n, v in variants.items() if v.get("warns") and not v.get("fails")]
    warns.sort(key=lambda n: "unfiltered" not in n)
    fails = [
        n
        for n, v in variants.items()
        if v.get("fails") and not set(v["cells"]) & {c for w in warns[:1] for c in variants[w]["cells"]}
    ]
    return warns[:1] + fails[:1]


END_TO_END = "end-to-end"


def end_to_end_spec(lab: str) -> dict | None:
    """The lab's end-to-end variants as one submission: their cells (each replaces other cells),
    the cells that must fail with their messages, and the cells whose score is not asserted."""
    names = end_to_end_variants(lab)
    if not names:
        return None
    specs = [load_variants(lab)[n] for n in names]
    return {
        "cells": {gid: code for spec in specs for gid, code in spec["cells"].items()},
        "fails": {cell: msg for spec in specs for cell, msg in spec.get("fails", {}).items()},
        "may_fail": [cell for spec in specs for cell in spec.get("may_fail", ())],
    }


CASES = [lab for lab in LABS if end_to_end_spec(lab)]


def grouped(*values):
    """A parameter set kept on one xdist worker per lab, so each lab is autograded once."""
    return pytest.param(*values, marks=pytest.mark.xdist_group(values[0]), id="-".join(values))


LAB_PARAMS = [grouped(lab) for lab in LABS]
CASE_PARAMS = [grouped(lab) for lab in CASES]


def shipped_solution(lab: str) -> Path:
    """``solutions/<lab>/<lab>.ipynb``, checked to hold the current master's answers. It is the
    release with those answers written in (``labs.solution_notebook``), so grading it proves both
    the master's solution and the file learners and instructors get, in one kernel run."""
    path = lab_named(lab, ROOT).solution
    fresh = solution_digest(solution_notebook(lab_named(lab, ROOT)))
    if nbformat.read(path, as_version=4).metadata.get(DIGEST_KEY) != fresh:
        raise AssertionError(f"solutions/{lab} is not the current master's solution: run `make generate`")
    return path


class Graded:
    """One lab autograded for a class of synthetic students."""

    def __init__(self, lab: str, root: Path):
        self.lab, self.notebook = lab, lab
        self.course = Course(root, repo=ROOT)
        release = self.course.generate(lab) / f"{lab}.ipynb"
        filename = f"{lab}.ipynb"
        self.course.submit(lab, "solution", {filename: shipped_solution(lab)})
        self.course.submit(lab, "blank", {filename: release})
        spec = end_to_end_spec(lab)
        if spec:
            nb = variant(lab, release, spec["cells"], ROOT)
            self.course.submit(lab, END_TO_END, {filename: self.write(root, END_TO_END, nb)})
        self.course.nbgrader("autograde", lab, "--force")
        self.course.nbgrader("generate_feedback", lab, "--force")

    @staticmethod
    def write(root: Path, name: str, nb) -> Path:
        path = root / "made" / name / "submission.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        return path

    def scores(self, student: str) -> dict[str, tuple[float, float]]:
        return {
            k: (v.score, v.max_score) for k, v in self.course.scores(self.lab, student, self.notebook).items()
        }

    def feedback_html(self, student: str) -> str:
        return (self.course.root / "feedback" / student / self.lab / f"{self.lab}.html").read_text(
            encoding="utf-8"
        )

    def feedback(self, student: str) -> str:
        return feedback_text(self.course.root / "feedback" / student / self.lab / f"{self.lab}.html")


_GRADED: dict[str, Graded] = {}


@pytest.fixture
def graded(request, tmp_path_factory) -> Graded:
    lab = request.node.callspec.params["lab"]
    if lab not in _GRADED:
        _GRADED[lab] = Graded(lab, tmp_path_factory.mktemp(f"course-{lab}"))
    return _GRADED[lab]


@pytest.mark.parametrize("lab", LAB_PARAMS)
def test_solution_scores_full_marks(lab, graded):
    """``solutions/<lab>`` handed in as it is earns every point (not "not graded, 0")."""
    scores = graded.scores("solution")
    assert scores, "the shipped solution was not graded"
    lost = {k: v for k, v in scores.items() if v[0] != v[1]}
    assert not lost, f"the reference solution lost points in {lost}:\n{graded.feedback('solution')[-3000:]}"


@pytest.mark.parametrize("lab", LAB_PARAMS)
def test_feedback_pages_load_nothing_remote(lab, graded):
    """Every feedback page renders offline: no script, style sheet or CSS import from the network
    (nbgrader's feedback template loads MathJax from a CDN unless autograder/ replaces it)."""
    pages = sorted((graded.course.root / "feedback").glob(f"*/{lab}/*.html"))
    assert len(pages) >= 2, pages  # the solution and the blank, at least
    remote = {str(p.relative_to(graded.course.root)): remote_references(p.read_text()) for p in pages}
    assert not any(remote.values()), {k: v for k, v in remote.items() if v}


@pytest.mark.parametrize("lab", LAB_PARAMS)
def test_feedback_pages_wrap_outputs_and_leave_out_the_launch_cells(lab, graded):
    """A check's message is one long line: the page must wrap it, or its end is cut off on the
    right. The launch cells (badges, Colab set-up) are not part of a student's feedback."""
    from pitfalls.grading.feedback_page import WRAP_OUTPUTS_CSS

    page = graded.feedback_html("blank")
    assert WRAP_OUTPUTS_CSS.strip() in page
    assert "colab-badge.svg" not in page and "on_colab" not in page


@pytest.mark.parametrize("lab", LAB_PARAMS)
def test_solution_runs_without_an_error_in_any_cell(lab, graded):
    """nbgrader does not fail on an error in an ungraded cell (a try-it cell, say): the executed
    solution must have none anywhere, hidden tests included. (This run of the solution's code is
    why tests/test_notebooks.py does not execute solutions/ a second time.)"""
    executed = nbformat.read(graded.course.notebook("autograded", lab, "solution"), as_version=4)
    errors = [
        (cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{i}", out.get("ename"))
        for i, cell in enumerate(executed.cells)
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.output_type == "error"
    ]
    assert not errors, f"the solution raised in cells {errors}"


@pytest.mark.parametrize("lab", LAB_PARAMS)
def test_untouched_release_scores_zero(lab, graded):
    scores = graded.scores("blank")
    assert scores, "the blank submission was not graded"
    assert all(score == 0 for score, _ in scores.values()), scores
    assert "not written yet" in graded.feedback("blank") or "NotImplementedError" in graded.feedback("blank")


@pytest.mark.parametrize("lab", CASE_PARAMS)
def test_variant_scores_what_it_should(lab, graded):
    spec, name = end_to_end_spec(lab), END_TO_END
    scores = graded.scores(name)
    feedback = graded.feedback(name)
    fails, may_fail = spec.get("fails", {}), set(spec.get("may_fail", ()))
    for cell, message in fails.items():
        assert scores[cell][0] == 0, f"{name}: {cell} should score 0, scored {scores[cell]}"
        assert message in feedback, f"{name}: the feedback lacks the message {message!r}:\n{feedback[-2500:]}"
    for cell, (score, max_score) in scores.items():
        if cell not in fails and cell not in may_fail:
            assert score == max_score, (
                f"{name}: {cell} should keep its points, scored {score}/{max_score}:\n{feedback[-2500:]}"
            )
    total, maximum = sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())
    if fails:
        assert 0 < total < maximum, f"{name}: expected partial marks, got {total}/{maximum}"


@pytest.mark.parametrize("lab", CASE_PARAMS)
def test_inprocess_grading_agrees_with_nbgrader(lab, graded):
    """The in-process grader of test_wrong_answers.py gives each cell nbgrader's very score."""
    from pitfalls.authoring.inprocess_grading import build, grade
    from pitfalls.course import lab_named

    with warnings.catch_warnings():
        results = grade(build(lab_named(lab, ROOT), end_to_end_spec(lab)["cells"]))
    inprocess = {gid: (r.score, r.max_score) for gid, r in results.items()}
    assert inprocess == graded.scores(END_TO_END)


def _shown_text(html_or_ansi: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"\x1b\[[0-9;]*m", "", html_or_ansi)))


@pytest.mark.parametrize("lab", LAB_PARAMS)
def test_no_output_or_feedback_shows_a_line_of_the_checks(lab, graded):
    """Every error a student receives — in the graded notebook (the kernel's ``traceback``, which
    nbgrader stores) and on the feedback page — is the check's message and the student's own code:
    no line of the lab's ``checks.py`` or of ``pitfalls/checks``, no path of the course."""
    import re

    from pitfalls.course import lab_named

    sources = [
        lab_named(lab, ROOT).lesson.dir / "checks.py",
        *sorted((ROOT / "pitfalls" / "checks").glob("*.py")),
    ]
    check_lines = {line.strip() for path in sources for line in path.read_text().splitlines()}
    check_lines = {line for line in check_lines if len(line) >= 20}
    errors = 0
    for student in ["blank", *([END_TO_END] if end_to_end_spec(lab) else [])]:
        executed = nbformat.read(graded.course.notebook("autograded", lab, student), as_version=4)
        own = {line.strip() for cell in executed.cells for line in cell.source.splitlines()}
        page = (graded.course.root / "feedback" / student / lab / f"{lab}.html").read_text(encoding="utf-8")
        shown = [
            _shown_text("\n".join(out.traceback))
            for cell in executed.cells
            if cell.cell_type == "code"
            for out in cell.get("outputs", [])
            if out.output_type == "error"
        ]
        shown += [
            _shown_text(m) for m in re.findall(r'class="[^"]*output_error[^"]*">(.*?)</div>', page, re.S)
        ]
        errors += len(shown)
        for text in shown:
            leaked = [line for line in check_lines - own if line in text]
            assert not leaked, f"{student}: an error shows the checks' source {leaked[:3]}:\n{text[:2000]}"
            assert "checks.py" not in text and str(ROOT) not in text, (
                f"{student}: a course path:\n{text[:2000]}"
            )
            if text.lstrip().startswith("CheckFailed"):
                assert "Traceback" not in text, f"{student}: a failed check with frames:\n{text[:2000]}"
    assert errors, "no error reached the students: the test saw nothing"
