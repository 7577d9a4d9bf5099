"""What the instructor gets back: a grades CSV, a per-exercise table, a score plot, a summary.

Every student has a row, graded or not: a student whose file could not be graded scores 0 and
the ``problem`` column says why, in the same words as their feedback. Every file of the export has
a row in ``files.csv`` (its path as exported, whose it is, what became of it), and
``students.csv`` maps each student id as given to the id nbgrader used for its folders.
"""

from __future__ import annotations

import csv
import html
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from pitfalls.grading.inbox import InputFile


@dataclass
class StudentResult:
    """One student's outcome."""

    student: str
    graded: bool
    cells: dict[str, float] = field(default_factory=dict)  # grade_id -> points earned
    problem: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    grader_id: str = ""  # nbgrader's id for the student (``students.csv``); the id as given if empty
    files: list[InputFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.grader_id = self.grader_id or self.student

    @property
    def score(self) -> float:
        return sum(self.cells.values())


@dataclass
class Report:
    """The class's results for one lab, and where they were written."""

    lab: str
    points: dict[str, float]  # grade_id -> max points, in notebook order
    results: list[StudentResult]
    out: Path
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    unclaimed: list[InputFile] = field(default_factory=list)  # files of no student

    @property
    def max_score(self) -> float:
        return sum(self.points.values())

    def result(self, student: str) -> StudentResult:
        return next(r for r in self.results if r.student == student)

    def exercise_rows(self) -> list[dict]:
        """Per graded cell: points, median, mean and the share of full and zero marks."""
        rows = []
        for gid, points in self.points.items():
            got = [r.cells.get(gid, 0.0) for r in self.results]
            rows.append(
                {
                    "cell": gid,
                    "points": points,
                    "median": statistics.median(got) if got else 0.0,
                    "mean": round(statistics.fmean(got), 2) if got else 0.0,
                    "full marks": f"{sum(g == points for g in got)}/{len(got)}",
                    "zero": f"{sum(g == 0 for g in got)}/{len(got)}",
                }
            )
        return rows

    def summary(self) -> str:
        graded = [r for r in self.results if r.graded]
        failed = [r for r in self.results if not r.graded]
        totals = [r.score for r in self.results]
        lines = [
            f"# {self.lab}: {len(self.results)} submissions, {len(graded)} graded, "
            f"{len(failed)} not graded, in {self.seconds:.0f} s",
            "",
        ]
        if totals:
            lines.append(
                f"Median score {statistics.median(totals):g} / {self.max_score:g} "
                f"(mean {statistics.fmean(totals):.2f})."
            )
            lines.append("")
        lines += ["| cell | points | median | mean | full marks | zero |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {r['cell']} | {r['points']:g} | {r['median']:g} | {r['mean']:g} | {r['full marks']} | {r['zero']} |"
            for r in self.exercise_rows()
        ]
        if failed:
            lines += ["", "## Not graded (0 points; the feedback says why)", ""]
            lines += [f"- **{r.student}**: {r.problem}" for r in failed]
        noted = [r for r in graded if r.notes]
        if noted:
            lines += ["", "## Graded, with notes", ""]
            lines += [f"- **{r.student}**: " + "; ".join(r.notes) for r in noted]
        renamed = [r for r in self.results if r.grader_id != r.student]
        if renamed:
            lines += ["", "## Ids nbgrader uses for names it cannot use as folders (students.csv)", ""]
            lines += [f"- {r.student!r} → `{r.grader_id}`" for r in renamed]
        odd = [f for f in self.unclaimed if not f.junk]
        if odd:
            lines += ["", "## Files of no student (files.csv)", ""]
            lines += [f"- `{f.source}`: {f.fate}" for f in odd]
        return "\n".join(lines) + "\n"

    def write(self) -> None:
        """grades.csv, exercises.csv, summary.md and scores.png into ``out``."""
        self.out.mkdir(parents=True, exist_ok=True)
        with open(self.out / "grades.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "student",
                    "grader_id",
                    "status",
                    "score",
                    "max_score",
                    *self.points,
                    "problem",
                    "notes",
                    "files",
                ]
            )
            for r in self.results:
                w.writerow(
                    [
                        r.student,
                        r.grader_id,
                        "graded" if r.graded else "not graded",
                        f"{r.score:g}",
                        f"{self.max_score:g}",
                        *[f"{r.cells.get(g, 0.0):g}" for g in self.points],
                        r.problem or "",
                        "; ".join(r.notes),
                        "; ".join(f"{f.source} ({f.fate})" for f in r.files),
                    ]
                )
        with open(self.out / "files.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["file", "student", "grader_id", "bytes", "fate"])
            for r in self.results:
                w.writerows([i.source, r.student, r.grader_id, i.size, i.fate] for i in r.files)
            w.writerows([i.source, "", "", i.size, i.fate] for i in self.unclaimed)
        with open(self.out / "students.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["student", "grader_id"])
            w.writerows([r.student, r.grader_id] for r in self.results)
        rows = self.exercise_rows()
        with open(self.out / "exercises.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["cell"])
            w.writeheader()
            w.writerows(rows)
        (self.out / "summary.md").write_text(self.summary(), encoding="utf-8")
        self.plot(self.out / "scores.png")

    def plot(self, path: Path) -> None:
        """Histogram of total scores, and the mean share of points per graded cell."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
        totals = [r.score for r in self.results]
        bins = [x - 0.5 for x in range(int(self.max_score) + 2)]
        left.hist(totals, bins=bins, color="#4c72b0", edgecolor="white")
        left.set(
            xlabel=f"score (of {self.max_score:g})", ylabel="students", title=f"{self.lab}: total scores"
        )
        cells = list(self.points)
        share = [
            statistics.fmean([r.cells.get(g, 0.0) for r in self.results]) / self.points[g]
            if self.results
            else 0
            for g in cells
        ]
        right.barh(cells[::-1], share[::-1], color="#55a868")
        right.set(xlim=(0, 1), xlabel="mean share of the cell's points", title="per graded cell")
        fig.tight_layout()
        fig.savefig(path, dpi=100)
        plt.close(fig)


def failure_page(lab: str, student: str, problem: str, notes: list[str], max_score: float) -> str:
    """The feedback a student gets when their submission could not be graded."""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(lab)} feedback</title></head>"
        f"<body><h1>{html.escape(lab)}: feedback for {html.escape(student)}</h1>"
        f"<p><strong>Score: 0 / {max_score:g}.</strong> Your submission could not be graded:</p>"
        f"<p class='pitfalls-problem'>{html.escape(problem)}</p>"
        + (f"<ul>{items}</ul>" if items else "")
        + "<p>Fix the notebook and submit it again, or ask your instructor.</p></body></html>"
    )


def scores_page(lab: str, r: StudentResult, max_score: float) -> str:
    """A plain feedback page for a graded submission: the score per graded cell and the notes
    (when nbgrader's page is missing or too large to send)."""
    rows = "".join(
        f"<tr><td>{html.escape(gid)}</td><td>{score:g}</td></tr>" for gid, score in r.cells.items()
    )
    items = "".join(f"<li>{html.escape(n)}</li>" for n in r.notes)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(lab)} feedback</title></head>"
        f"<body><h1>{html.escape(lab)}: feedback for {html.escape(r.student)}</h1>"
        f"<p><strong>Score: {r.score:g} / {max_score:g}.</strong></p>"
        f"<table><tr><th>cell</th><th>points</th></tr>{rows}</table>"
        + (f"<ul class='pitfalls-notes'>{items}</ul>" if items else "")
        + "</body></html>"
    )


def add_notes(feedback_html: Path, notes: list[str]) -> None:
    """Put the grader's notes (renamed file, restored cells) at the top of nbgrader's feedback."""
    if not notes or not feedback_html.exists():
        return
    text = feedback_html.read_text(encoding="utf-8")
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    box = (
        f"<div class='pitfalls-notes' style='border:1px solid #c90;padding:8px;margin:8px'>"
        f"<strong>Notes from the grader</strong><ul>{items}</ul></div>"
    )
    at = text.find("<body")
    at = text.find(">", at) + 1 if at >= 0 else 0
    feedback_html.write_text(text[:at] + box + text[at:], encoding="utf-8")
