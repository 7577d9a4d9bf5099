"""`make grade` end to end: the hostile corpus and an honest class graded in one parallel run.

Every case in ``tests/hostile/corpus.py`` must come out with a grade and feedback naming its
problem, nobody else affected; tampering earns nothing; the gradebook holds exactly one graded
submission per gradable student; the report files exist and agree with the gradebook.
"""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT
from hostile.corpus import CASES, LAB, MAX, OTHER_LAB, write_corpus

from pitfalls.grading.grade import grade_class
from pitfalls.grading.pool import Limits
from pitfalls.grading.submissions import feedback_text

pytestmark = pytest.mark.xdist_group("grade-class")
# Seconds: measured lab-1 cells take < 10 s under load; the loop cases cost these limits.
CELL_TIMEOUT, SUBMISSION_TIMEOUT = 40, 100


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("grade-class")
    corpus = write_corpus(
        base / "export",
        ROOT / "release" / LAB / f"{LAB}.ipynb",
        ROOT / "release" / OTHER_LAB / f"{OTHER_LAB}.ipynb",
    )
    return grade_class(
        LAB,
        corpus,
        base / "out",
        workers=2,
        cell_timeout=CELL_TIMEOUT,
        progress=False,
        limits=Limits(submission_timeout=SUBMISSION_TIMEOUT, threads_per_kernel=1),
    )


def feedback(report, student: str) -> str:
    return feedback_text(report.out / "course" / "feedback" / student / LAB / f"{LAB}.html")


def test_every_submission_gets_a_row_and_feedback(report):
    assert sorted(r.student for r in report.results) == sorted(CASES)
    for r in report.results:
        assert (report.out / "course" / "feedback" / r.student / LAB / f"{LAB}.html").is_file(), r.student
    rows = list(csv.DictReader(open(report.out / "grades.csv", encoding="utf-8")))
    assert sorted(row["student"] for row in rows) == sorted(CASES)
    for name in ("exercises.csv", "summary.md", "scores.png"):
        assert (report.out / name).stat().st_size > 0, name


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(report, name):
    expect = CASES[name]["expect"]
    result = report.result(name)
    text = feedback(report, name)
    if expect["graded"] is not None:
        assert result.graded is expect["graded"], f"{name}: graded={result.graded}, problem={result.problem}"
    if not result.graded:
        assert result.score == 0
        assert expect["says"] in (result.problem or ""), f"{name}: {result.problem}"
    else:
        assert result.problem is None, f"{name}: graded but with a problem: {result.problem}"
    if "score" in expect:
        assert result.score == expect["score"], f"{name}: {result.cells}\n{result.notes}"
    if "max_score" in expect:
        assert result.score <= expect["max_score"], f"{name}: {result.cells}"
    for cell in expect.get("zero", ()):
        assert result.cells.get(cell, 0) == 0, f"{name}: {cell} scored {result.cells}"
    says = expect.get("says", "")
    assert says in text, f"{name}: the feedback lacks {says!r}:\n{text[-2000:]}"


def test_tampering_earns_nothing(report):
    tampering = [n for n in CASES if n.startswith(("patches-", "rebinds-", "reads-"))]
    assert len(tampering) >= 5
    for name in tampering:
        result = report.result(name)
        assert not result.graded and result.score == 0 and "tampering" in result.problem, (
            name,
            result.problem,
        )


def test_gradebook_is_consistent(report):
    """Exactly one submission per graded student in the one real gradebook, with the report's scores."""
    from nbgrader.api import Gradebook

    graded = {r.student: r for r in report.results if r.graded}
    with Gradebook(f"sqlite:///{report.out / 'course' / 'gradebook.db'}") as gb:
        submissions = gb.assignment_submissions(LAB)
        students = [s.student.id for s in submissions]
        assert sorted(students) == sorted(graded), "lost or extra grades in the gradebook"
        for s in submissions:
            assert s.score == pytest.approx(graded[s.student.id].score), s.student.id
            assert s.max_score == MAX
