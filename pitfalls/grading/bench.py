"""Serial nbgrader vs ``make grade``'s parallel workers, for ``make bench``.

A class of ``n`` copies of lab 1's full solution is autograded twice: by plain ``nbgrader
autograde`` (one process, one submission after another) and by :func:`grade_class` on all cores.
The figure compared is the autograde work both do (for ``make grade``: the workers plus the
serial recording pass into the gradebook); ``make grade``'s feedback and report come on top and
are listed apart. Both must give every student the same score, or the speed-up means nothing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import nbformat

from pitfalls.grading.course import Course
from pitfalls.grading.grade import grade_class
from pitfalls.grading.pool import Limits, default_workers
from pitfalls.grading.submissions import variant

TITLE = "Grading a class: serial nbgrader vs make grade"
LAB = "lab01_tensors"


def make_class(folder: Path, n: int, release: Path) -> list[str]:
    """``n`` students, each submitting the full solution (``release``'s file name):
    ``folder/<student>/<lab>.ipynb``."""
    solution = variant(LAB, release, {})
    students = [f"student{i:02d}" for i in range(1, n + 1)]
    for s in students:
        (folder / s).mkdir(parents=True)
        nbformat.write(solution, folder / s / release.name)
    return students


def compare(n: int = 40, workers: int | None = None) -> dict:
    """Seconds for both ways, the speed-up, and whether every score agrees."""
    workers = workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        tmp = Path(tmp)
        serial = Course(tmp / "serial")
        serial.generate(LAB)
        release = serial.notebook("release", LAB)
        students = make_class(tmp / "export", n, release)
        for s in students:
            serial.submit(LAB, s, {release.name: tmp / "export" / s / release.name})
        started = time.monotonic()
        serial.nbgrader("autograde", LAB, "--force", timeout=None)
        serial_s = time.monotonic() - started
        serial_scores = {s: serial.total(LAB, s, LAB)[0] for s in students}

        report = grade_class(
            LAB,
            tmp / "export",
            tmp / "parallel",
            workers=workers,
            progress=False,
            limits=Limits(threads_per_kernel=max(1, default_workers() // workers)),
        )
        parallel_s = (
            report.timings["autograde (parallel workers)"] + report.timings["record in the gradebook"]
        )
        parallel_scores = {r.student: r.score for r in report.results}
    return {
        "n": n,
        "workers": workers,
        "serial_s": serial_s,
        "parallel_s": parallel_s,
        "speedup": serial_s / parallel_s,
        "timings": report.timings,
        "total_s": report.seconds,
        "same_scores": serial_scores == parallel_scores,
        "full_marks": sum(v == report.max_score for v in parallel_scores.values()),
    }


def section(n: int = 40) -> list[str]:
    r = compare(n)
    t = r["timings"]
    return [
        f"{r['n']} submissions of lab 1 (the full solution each), {r['workers']} workers:",
        "",
        "| | seconds |",
        "|---|---:|",
        f"| plain `nbgrader autograde`, serial | {r['serial_s']:.0f} |",
        f"| `make grade`: parallel workers + recording in the gradebook | {r['parallel_s']:.0f} |",
        f"| **speed-up** | **{r['speedup']:.2f}×** |",
        "",
        f"`make grade` in all: {r['total_s']:.0f} s (set-up and screening "
        f"{t.get('set-up, collect and screen', 0):.0f} s, feedback {t.get('feedback', 0):.0f} s, report included). "
        f"Same score for every student both ways: {'yes' if r['same_scores'] else '**NO**'} "
        f"({r['full_marks']}/{r['n']} full marks).",
    ]


def register() -> None:
    """Add the section to ``make bench`` (``pitfalls.authoring.bench.SECTIONS``)."""
    from pitfalls.authoring.bench import SECTIONS

    SECTIONS[TITLE] = section


if __name__ == "__main__":
    print("\n".join(section()))
