"""`make grade`'s steps after autograding, with nbgrader stood in for: one notebook nbgrader cannot
take costs only its own row, and a feedback page too large to send is replaced by the scores."""

from __future__ import annotations

from pathlib import Path

from pitfalls.grading.course import NbgraderError
from pitfalls.grading.grade import _each, _feedback_page
from pitfalls.grading.report import StudentResult

LAB = "lab01_tensors"


class FakeCourse:
    """Fails a class-wide step when ``bad`` is in the class, and ``bad``'s own step always."""

    def __init__(self, root: Path, bad: str):
        self.root, self.bad, self.calls = root, bad, []

    def nbgrader(self, *args: str):
        self.calls.append(args)
        if not any(a.startswith("--student=") for a in args) or f"--student={self.bad}" in args:
            raise NbgraderError("`nbgrader autograde` exited 1:\n...\n[ERROR] RecursionError in bad")

    def notebook(self, step: str, lab: str, student: str | None = None) -> Path:
        return self.root / step / (student or "") / lab / f"{lab}.ipynb"


def test_a_failing_class_step_is_retried_per_student(tmp_path):
    course = FakeCourse(tmp_path, bad="mallory")
    failed = _each(course, ("autograde", LAB, "--no-execute"), ["ann", "mallory", "zoe"])
    assert failed == {"mallory": "[ERROR] RecursionError in bad"}
    assert [c[-1] for c in course.calls[1:]] == ["--student=ann", "--student=mallory", "--student=zoe"]


def test_a_class_step_that_works_runs_once(tmp_path):
    course = FakeCourse(tmp_path, bad="nobody")
    course.nbgrader = lambda *args: course.calls.append(args)
    assert _each(course, ("generate_feedback", LAB), ["ann", "zoe"]) == {}
    assert len(course.calls) == 1


def test_a_page_over_the_limit_becomes_the_scores_and_notes(tmp_path):
    course = FakeCourse(tmp_path, bad="nobody")
    r = StudentResult("张伟", graded=True, cells={"ex1-check": 2.0, "ex2-check": 0.0}, grader_id="student-1")
    page = course.notebook("feedback", LAB, r.grader_id).with_suffix(".html")
    page.parent.mkdir(parents=True)
    page.write_text("<html><body>" + "x" * 10000 + "</body></html>")
    _feedback_page(course, LAB, r, 4.0, page_bytes=5000)
    text = page.read_text()
    assert len(text) < 5000 and "Score: 2 / 4" in text and "张伟" in text and "over the" in text
    small = StudentResult("ann", graded=True, cells={"ex1-check": 2.0}, notes=["a note"])
    page = course.notebook("feedback", LAB, "ann").with_suffix(".html")
    page.parent.mkdir(parents=True)
    page.write_text("<html><body>nbgrader's page</body></html>")
    _feedback_page(course, LAB, small, 4.0, page_bytes=1000)
    assert "nbgrader's page" in page.read_text() and "a note" in page.read_text()
