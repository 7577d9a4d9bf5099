"""Grade a class in one command: collect → screen → autograde in parallel → feedback → report.

    make grade LAB=lab03_generators SUBMISSIONS=path/to.zip
    python -m pitfalls.grading.grade lab03_generators path/to.zip --out graded/lab03_generators
    pitfalls-grade lab03_generators path/to.zip

or from Python: ``pitfalls.grading.grade.grade_class("lab03_generators", "path/to.zip")``.

Several exports may be given (``a.zip late/``): a student in two is one student. Everything lands
in ``--out`` (default ``graded/<lab>``, ignored by git): ``grades.csv`` (a row per student),
``files.csv`` (a row per file of the exports, graded or not, and why), ``students.csv`` (each id as
given → nbgrader's id), ``exercises.csv``, ``summary.md``, ``scores.png``, and ``course/`` — a real
nbgrader course with the gradebook, the submitted, autograded and
``feedback/<grader_id>/<lab>/<lab>.html`` files, which formgrader can open for manual review.

One bad file costs only its own row: every file is read under size limits (:mod:`.inbox`), every
output under an allowance (:mod:`.outputs`), and an nbgrader step that fails for the class is run
again one student at a time.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_locked

from pitfalls.authoring.labs import lab_names
from pitfalls.course import lab_named
from pitfalls.grading.collect import collect
from pitfalls.grading.course import Course, NbgraderError, restore
from pitfalls.grading.inbox import MIB, Quota
from pitfalls.grading.pool import GIB, Limits, Outcome, default_workers, run_pool
from pitfalls.grading.report import Report, StudentResult, add_notes, failure_page, scores_page
from pitfalls.grading.sandbox import unavailable as sandbox_unavailable
from pitfalls.grading.screen import screen
from pitfalls.notebook_cells import grade_id, points
from pitfalls.paths import repo_root


def _course(out: Path, cell_timeout: float | None) -> Course:
    course = Course(out / "course")
    if cell_timeout:
        with open(course.root / "nbgrader_config.py", "a", encoding="utf-8") as f:
            f.write(f"\nc.Execute.timeout = {int(cell_timeout)}  # set by pitfalls.grading.grade\n")
    return course


def cell_timeout_of(course: Course) -> float:
    """The per-cell limit nbgrader will apply in this course (its config file, last one wins)."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course.root)).load_config()
    return float(config.Execute.get("timeout", 30))


def execution_notes(notebook: Path, cell_timeout: float) -> list[str]:
    """What went wrong while the student's own cells ran, one line per cell, for the feedback."""
    nb = nbformat.read(notebook, as_version=4)
    notes = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_grade(cell) or is_locked(cell):
            continue
        name = grade_id(cell) or f"#{i + 1}"
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            if out.get("ename") == "NotImplementedError" and not out.get("evalue"):
                notes.append(f"cell {name} is not answered yet (it still raises NotImplementedError)")
            elif out.get("ename") in ("KeyboardInterrupt", "CellTimeoutError"):
                notes.append(
                    f"cell {name} ran past the per-cell time limit ({cell_timeout:g} s) and was interrupted"
                )
            else:
                notes.append(f"cell {name} raised {out.get('ename')}: {str(out.get('evalue'))[:160]}")
            break
    return notes


def _points(course: Course, lab: str) -> dict[str, float]:
    """Max points per graded cell, in notebook order, from the release notebook."""
    nb = nbformat.read(course.notebook("release", lab), as_version=4)
    return {grade_id(c): points(c) for c in nb.cells if is_grade(c)}


def grade_class(
    lab: str,
    submissions: Path | str | Sequence[Path | str],
    out: Path | str | None = None,
    *,
    workers: int | None = None,
    limits: Limits = Limits(),  # noqa: B008  (frozen dataclass: one shared default is safe)
    cell_timeout: float | None = None,
    progress: bool = True,
) -> Report:
    """Grade every submission of ``lab`` found in ``submissions`` (folders or zips); see the module doc."""
    started = time.monotonic()
    root = repo_root()
    try:
        master = lab_named(lab, root).source
    except KeyError:
        raise SystemExit(f"no lab {lab!r}: choose one of {sorted(lab_names(root))}") from None
    if not master.is_file():
        raise SystemExit(f"{lab} has no master notebook at {master}: run `make generate`")
    if limits.sandbox and (why := sandbox_unavailable()):
        raise SystemExit(f"cannot grade {lab} in a sandbox: {why}")
    out = Path(out or Path.cwd() / "graded" / lab).resolve()
    if (out / "course").exists():
        shutil.rmtree(out / "course")
    course = _course(out, cell_timeout)
    course.generate(lab)
    points = _points(course, lab)
    snapshot = course.snapshot(lab)
    sources = [submissions] if isinstance(submissions, str | Path) else list(submissions)
    collection = collect([Path(s) for s in sources], lab, out / "unpacked", limits.files)
    results: dict[str, StudentResult] = {}
    jobs: list[tuple[str, Path]] = []
    for found in collection.students:
        result = results[found.grader_id] = StudentResult(
            found.student, graded=False, notes=list(found.notes), grader_id=found.grader_id, files=found.files
        )
        if found.problem:
            result.problem = found.problem
            continue
        screening = screen(found.path, lab, root, found.chosen.name)
        result.notes += screening.notes
        if not screening.gradable:
            result.problem = screening.problem
            continue
        target = course.notebook("submitted", lab, found.grader_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(screening.notebook, target)
        jobs.append((found.grader_id, target))

    timings = {"set-up, collect and screen": time.monotonic() - started}
    mark = time.monotonic()
    outcomes = _autograde(course, snapshot, lab, jobs, workers or default_workers(), limits, progress)
    timings["autograde (parallel workers)"] = time.monotonic() - mark
    # Learners' code has run: put the course back as it was made before the grader reads it again.
    restore(course.root, {k: v for k, v in snapshot.items() if not k.startswith("source")})
    timeout = cell_timeout_of(course)
    for o in outcomes:
        result = results[o.student]
        result.seconds, result.problem = o.seconds, o.problem
        if o.autograded and hashlib.sha256(o.autograded.read_bytes()).hexdigest() != o.sha256:
            result.problem = "the executed notebook was changed after it ran (by code of another submission?)"
        if o.autograded:
            result.notes += execution_notes(o.autograded, timeout) + o.cut
    graded = [o.student for o in outcomes if results[o.student].problem is None]
    if graded:
        # Record the executed notebooks in the one real gradebook, serially: no concurrent writers.
        mark = time.monotonic()
        args = ("--no-execute", "--force", "--CourseDirectory.submitted_directory=executed")
        for student, problem in _each(course, ("autograde", lab, *args), graded).items():
            results[student].problem = f"nbgrader could not record the executed notebook: {problem}"
        timings["record in the gradebook"] = time.monotonic() - mark
        mark = time.monotonic()
        recorded = [s for s in graded if results[s].problem is None]
        for student, problem in _each(course, ("generate_feedback", lab, "--force"), recorded).items():
            results[student].notes.append(f"nbgrader could not make the feedback page: {problem}")
        timings["feedback"] = time.monotonic() - mark
        for student in recorded:
            scores = course.scores(lab, student, lab)
            results[student].graded = True
            results[student].cells = {gid: s.score for gid, s in scores.items()}
    for r in results.values():
        _feedback_page(course, lab, r, sum(points.values()), limits.page_bytes)
        _settle_files(r)
    report = Report(
        lab,
        points,
        sorted(results.values(), key=lambda r: r.student),
        out,
        seconds=time.monotonic() - started,
        timings=timings,
        unclaimed=collection.unclaimed,
    )
    report.write()
    return report


def _each(course: Course, command: tuple[str, ...], students: list[str]) -> dict[str, str]:
    """Run an nbgrader step for the class; if it fails, again one student at a time, so that one
    notebook nbgrader cannot take costs only its own row. Returns ``{student: why it failed}``."""
    try:
        course.nbgrader(*command)
        return {}
    except NbgraderError:
        pass
    failed = {}
    for student in students:
        try:
            course.nbgrader(*command, f"--student={student}")
        except NbgraderError as err:
            failed[student] = str(err).splitlines()[-1][:300]
    return failed


def _feedback_page(course: Course, lab: str, r: StudentResult, max_score: float, page_bytes: int) -> None:
    page = course.notebook("feedback", lab, r.grader_id).with_suffix(".html")
    if r.graded and page.is_file() and page.stat().st_size > page_bytes:
        r.notes.append(
            f"the feedback page was {page.stat().st_size / 2**20:.1f} MiB, over the "
            f"{page_bytes / 2**20:.0f} MiB a page may have: it lists the scores and notes only"
        )
        page.write_text(scores_page(lab, r, max_score), encoding="utf-8")
    elif r.graded and page.is_file():
        add_notes(page, r.notes)
    elif r.graded:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(scores_page(lab, r, max_score), encoding="utf-8")
    else:
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            failure_page(lab, r.student, r.problem or "unknown", r.notes, max_score), encoding="utf-8"
        )


def _settle_files(r: StudentResult) -> None:
    """Each of the student's files gets its final fate: graded, not graded (why), or ignored."""
    for f in r.files:
        if not f.fate:
            f.fate = "graded" if r.graded else f"not graded: {r.problem}"


def _autograde(
    course: Course,
    snapshot: dict[str, bytes],
    lab: str,
    jobs: list[tuple[str, Path]],
    workers: int,
    limits: Limits,
    progress: bool,
) -> list[Outcome]:
    bar = None
    if progress and jobs:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(jobs), desc=f"autograding {lab} on {workers} worker(s)", unit="submission")
    try:
        return run_pool(
            snapshot,
            course.root / "executed",
            lab,
            jobs,
            workers,
            limits,
            progress=(lambda o: bar.update(1)) if bar else None,
        )
    finally:
        if bar:
            bar.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="pitfalls-grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("lab", help="the lab to grade, e.g. lab03_generators")
    parser.add_argument("submissions", type=Path, nargs="+", help="zips or folders of submissions")
    parser.add_argument("--out", type=Path, help="where results go (default: graded/<lab>)")
    parser.add_argument("--workers", type=int, help="parallel graders (default: all cores)")
    parser.add_argument(
        "--cell-timeout", type=float, help="seconds per cell (default: autograder/nbgrader_config.py)"
    )
    parser.add_argument(
        "--submission-timeout",
        type=float,
        default=Limits.submission_timeout,
        help="seconds per submission (default %(default)s)",
    )
    parser.add_argument(
        "--memory-gib",
        type=float,
        default=Limits.memory_bytes / GIB,
        help="address space per submission, GiB (default %(default)s)",
    )
    parser.add_argument(
        "--max-file-mib",
        type=float,
        default=Limits.files.file_bytes / MIB,
        help="largest file read from an export, MiB (default %(default)s)",
    )
    parser.add_argument(
        "--max-export-mib",
        type=float,
        default=Limits.files.total_bytes / MIB,
        help="most bytes read from all exports together, MiB (default %(default)s)",
    )
    parser.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run kernels unconfined (where bubblewrap or user namespaces are unavailable)",
    )
    args = parser.parse_args(argv)
    limits = Limits(
        sandbox=not args.no_sandbox,
        submission_timeout=args.submission_timeout,
        memory_bytes=int(args.memory_gib * GIB),
        threads_per_kernel=max(1, default_workers() // (args.workers or default_workers())),
        files=Quota(int(args.max_file_mib * MIB), int(args.max_export_mib * MIB)),
    )
    report = grade_class(
        args.lab,
        args.submissions,
        args.out,
        workers=args.workers,
        limits=limits,
        cell_timeout=args.cell_timeout,
    )
    print(report.summary())
    print(
        f"Grades: {report.out / 'grades.csv'}\nEvery file: {report.out / 'files.csv'}\n"
        f"Per exercise: {report.out / 'exercises.csv'}\nPlot: {report.out / 'scores.png'}\nFeedback: {report.out / 'course' / 'feedback'}/<student>/{args.lab}/"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
