"""What the instructor gets back: a grades CSV, a per-exercise table, a score plot, a summary.

Every student has a row, graded or not: a student whose file could not be graded scores 0 and
the ``problem`` column says why, in the same words as their feedback. Every file of the export has
a row in ``files.csv`` (its path as exported, whose it is, what became of it), and
``students.csv`` maps each student id as given to the id nbgrader used for its folders.
"""

from __future__ import annotations

import csv
import html
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pitfalls.grading.inbox import InputFile

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
            f"# {self.lab}: {len(self.results)} submission{'' if len(self.results) == 1 else 's'}, "
            f"{len(graded)} graded, "
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
        """``scores.png``: :meth:`figure`, saved."""
        import matplotlib.pyplot as plt

        fig = self.figure()
        fig.savefig(path, dpi=100)
        plt.close(fig)

    def figure(self) -> Figure:
        """Histogram of graded students' total scores, with the students who could not be graded
        as a hatched bar of their own (not in the 0 bin: a broken file is not a wrong answer), and
        the mean share of points per graded cell among graded students. Counts are integers, and
        so are the ticks."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import MaxNLocator

        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
        graded = [r for r in self.results if r.graded]
        not_graded = len(self.results) - len(graded)
        top = int(math.ceil(self.max_score))
        bins = [x - 0.5 for x in range(top + 2)]
        left.hist([r.score for r in graded], bins=bins, color="#4c72b0", edgecolor="white", label="graded")
        step = max(1, math.ceil(top / 12))
        ticks = list(range(0, top + 1, step))
        labels = [str(t) for t in ticks]
        if not_graded:
            at = top + 2
            left.bar(
                at,
                not_graded,
                width=1,
                color="white",
                edgecolor="#c44e52",
                hatch="///",
                label=f"not graded ({not_graded}): 0 points, see summary.md",
            )
            ticks.append(at)
            labels.append("not\ngraded")
            left.legend(loc="upper left", fontsize="small", frameon=False)
        left.set_xticks(ticks, labels)
        left.yaxis.set_major_locator(MaxNLocator(integer=True))
        left.set_ylim(0, max(1.0, left.get_ylim()[1]) * 1.25)  # room for the legend
        left.set(
            xlabel=f"score (of {self.max_score:g})",
            ylabel="students",
            title=f"{self.lab}: total scores ({len(graded)} graded of {len(self.results)})",
        )
        cells = list(self.points)
        share = [
            statistics.fmean([r.cells.get(g, 0.0) for r in graded]) / self.points[g] if graded else 0
            for g in cells
        ]
        right.barh(cells[::-1], share[::-1], color="#55a868")
        right.set(
            xlim=(0, 1), xlabel="mean share of the cell's points (graded students)", title="per graded cell"
        )
        fig.tight_layout()
        return fig


#: The look of nbgrader's feedback pages (Bootstrap 3 panels), inline, for the pages written here:
#: a student's page reads the same whether nbgrader or the grader wrote it, and opens offline.
PAGE_CSS = """
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; font-size: 14px;
  line-height: 1.43; color: #333; background: #fff; margin: 0; padding: 1em 0; }
.container { max-width: 940px; margin: 0 auto; padding: 0 15px; }
.panel { border: 1px solid #ddd; border-radius: 4px; box-shadow: 0 1px 1px rgba(0, 0, 0, .05); }
.panel-heading { padding: 10px 15px; background: #f5f5f5; border-bottom: 1px solid #ddd;
  border-radius: 3px 3px 0 0; }
.panel-heading h4 { margin: 0; font-size: 18px; font-weight: 500; }
.panel-body { padding: 15px; }
.alert { padding: 15px; margin: 0 0 20px; border: 1px solid #faebcc; border-radius: 4px;
  background: #fcf8e3; color: #8a6d3b; }
.notes { padding: 10px 15px 10px 30px; border: 1px solid #bce8f1; border-radius: 4px;
  background: #d9edf7; color: #31708f; }
table { border-collapse: collapse; width: 100%; margin-bottom: 20px; }
th, td { padding: 8px; border-top: 1px solid #ddd; text-align: left; }
th { border-bottom: 2px solid #ddd; }
td.score, th.score { text-align: right; }
code { padding: 2px 4px; font-size: 90%; color: #c7254e; background: #f9f2f4; border-radius: 4px; }
"""


def _page(lab: str, score: str, body: str) -> str:
    """A standalone feedback page in nbgrader's look: a panel headed by the lab and its score."""
    title = html.escape(lab)
    return (
        f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title} feedback</title>"
        f"<style>{PAGE_CSS}</style></head>\n<body><div class='container'><div class='panel'>"
        f"<div class='panel-heading'><h4>{title} (Score: {score})</h4></div>"
        f"<div class='panel-body'>{body}</div></div></div></body></html>\n"
    )


def _notes(notes: list[str]) -> str:
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f"<ul class='notes pitfalls-notes'>{items}</ul>" if items else ""


def failure_page(lab: str, student: str, problem: str, notes: list[str], max_score: float) -> str:
    """The feedback a student gets when their submission could not be graded."""
    return _page(
        lab,
        f"0 / {max_score:g}",
        f"<p>Feedback for <strong>{html.escape(student)}</strong>. Your submission could not be graded:</p>"
        f"<div class='alert pitfalls-problem'>{html.escape(problem)}</div>"
        + _notes(notes)
        + "<p>Fix the notebook and submit it again, or ask your instructor.</p>",
    )


def scores_page(lab: str, r: StudentResult, max_score: float) -> str:
    """A plain feedback page for a graded submission: the score per graded cell and the notes
    (when nbgrader's page is missing or too large to send)."""
    rows = "".join(
        f"<tr><td><code>{html.escape(gid)}</code></td><td class='score'>{score:g}</td></tr>"
        for gid, score in r.cells.items()
    )
    return _page(
        lab,
        f"{r.score:g} / {max_score:g}",
        f"<p>Feedback for <strong>{html.escape(r.student)}</strong>.</p>"
        f"<table><tr><th>graded cell</th><th class='score'>points</th></tr>{rows}</table>" + _notes(r.notes),
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
