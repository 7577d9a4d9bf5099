"""`make grade` end to end: the hostile corpus and an honest class graded in one parallel run.

Every case in ``tests/hostile/corpus.py`` must come out with a grade and feedback naming its
problem, nobody else affected; tampering earns nothing; every file of the two exports has exactly
one row in ``files.csv``; the gradebook holds exactly one graded submission per gradable student;
the report files exist and agree with the gradebook; the grader's memory, its disk and every
feedback page stay within bounds (measured here).
"""

from __future__ import annotations

import csv
import threading

import psutil
import pytest
from conftest import ROOT
from hostile.corpus import CASES, FILE_LIMIT, LAB, MAX, OTHER_LAB, UNCLAIMED, write_corpus

from pitfalls.grading.grade import grade_class
from pitfalls.grading.inbox import Quota
from pitfalls.grading.pool import Limits
from pitfalls.grading.submissions import feedback_text

pytestmark = pytest.mark.xdist_group("grade-class")
# Seconds: measured, an honest lab-1 submission takes 18-25 s beside the rest of the slow tier and
# 43-51 s on a machine loaded 3x over (no cell over 10 s); the loop cases cost these limits.
CELL_TIMEOUT, SUBMISSION_TIMEOUT = 25, 75
# Three graders on two cores: the interrupt swallower sleeps until the submission limit, and a
# third grader keeps both cores busy meanwhile (still within the 3x-loaded case measured above).
WORKERS = 3
LIMITS = Limits(
    submission_timeout=SUBMISSION_TIMEOUT, threads_per_kernel=1, files=Quota(file_bytes=FILE_LIMIT)
)
MIB = 2**20


class PeakMemory:
    """The highest resident memory of this process (the grader: collect, screen, record, report)
    while a block runs, sampled every 20 ms."""

    def __init__(self):
        self.process, self.peak, self._stop = psutil.Process(), 0, threading.Event()

    def __enter__(self):
        self.before = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("grade-class")
    exports = write_corpus(
        base,
        ROOT / "release" / LAB / f"{LAB}.ipynb",
        ROOT / "release" / OTHER_LAB / f"{OTHER_LAB}.ipynb",
        ROOT / "source" / LAB / f"{LAB}.ipynb",
    )
    with PeakMemory() as memory:
        result = grade_class(
            LAB,
            exports,
            base / "out",
            workers=WORKERS,
            cell_timeout=CELL_TIMEOUT,
            progress=False,
            limits=LIMITS,
        )
    result.memory = memory
    print("\n" + result.summary())
    honest = [r.seconds for r in result.results if r.graded and r.score == MAX]
    print(f"honest submissions took {min(honest):.0f}-{max(honest):.0f} s each")
    return result


def feedback(report, student: str) -> str:
    page = report.out / "course" / "feedback" / report.result(student).grader_id / LAB / f"{LAB}.html"
    return feedback_text(page)


def test_every_student_and_every_file_gets_a_row_and_feedback(report):
    assert sorted(r.student for r in report.results) == sorted(CASES)
    for r in report.results:
        assert (report.out / "course" / "feedback" / r.grader_id / LAB / f"{LAB}.html").is_file(), r.student
    rows = list(csv.DictReader(open(report.out / "grades.csv", encoding="utf-8")))
    assert sorted(row["student"] for row in rows) == sorted(CASES)
    assert len({row["grader_id"] for row in rows}) == len(rows)
    files = list(csv.DictReader(open(report.out / "files.csv", encoding="utf-8")))
    assert len(files) == len({f["file"] for f in files}) == len(CASES) + len(UNCLAIMED)
    assert all(f["fate"] for f in files)
    for name, says in UNCLAIMED.items():
        assert says in next(f["fate"] for f in files if f["file"] == name)
    for name in ("exercises.csv", "summary.md", "scores.png", "students.csv"):
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
        assert expect.get("says", "") in (result.problem or ""), f"{name}: {result.problem}"
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


def test_the_grader_stays_within_bounds(report):
    """A 512 MiB zip member, a 30 MiB flood of prints: the grader's memory, its disk and every page
    stay small (measured: see the printed figures)."""
    grown = (report.memory.peak - report.memory.before) / MIB
    disk = sum(p.stat().st_size for p in report.out.rglob("*") if p.is_file()) / MIB
    pages = [p.stat().st_size / MIB for p in (report.out / "course" / "feedback").rglob("*.html")]
    print(f"grader memory grew {grown:.0f} MiB; {disk:.1f} MiB on disk; largest page {max(pages):.2f} MiB")
    assert grown < 400
    assert disk < 200
    assert max(pages) <= LIMITS.page_bytes / MIB
    flood = report.out / "course" / "feedback" / report.result("李娜").grader_id / LAB / f"{LAB}.html"
    assert flood.stat().st_size < 2 * LIMITS.outputs.notebook_bytes


def test_the_course_is_as_made_after_learners_code_ran(report):
    """The sabotage case wrote a raising config and a broken gradebook wherever `..` led: none of
    it reached the class's course."""
    config = (report.out / "course" / "nbgrader_config.py").read_text()
    assert "sabotaged" not in config
    assert "sabotaged" not in (report.out / "course" / "gradebook.db").read_bytes().decode("latin-1")


def test_gradebook_is_consistent(report):
    """Exactly one submission per graded student in the one real gradebook, with the report's scores."""
    from nbgrader.api import Gradebook

    graded = {r.grader_id: r for r in report.results if r.graded}
    with Gradebook(f"sqlite:///{report.out / 'course' / 'gradebook.db'}") as gb:
        submissions = gb.assignment_submissions(LAB)
        students = [s.student.id for s in submissions]
        assert sorted(students) == sorted(graded), "lost or extra grades in the gradebook"
        for s in submissions:
            assert s.score == pytest.approx(graded[s.student.id].score), s.student.id
            assert s.max_score == MAX
