"""Turn what an LMS exports into one notebook per student, and account for every file.

Two layouts are understood, inside a folder or a ``.zip`` of it (or several of either):

* a folder per student: ``<student>/.../<anything>.ipynb`` (what nbgrader's own exchange and most
  "download all" buttons give);
* flat files: ``<student>_<anything>.ipynb`` (Canvas/Moodle style: the student's id up to the
  first underscore), or ``<student>.ipynb``.

The student's id is kept as given (any script, any punctuation); :mod:`pitfalls.grading.students`
maps it to the plain id nbgrader needs. A student's notebook may have any name (``Copy of
lab01_tensors.ipynb``): nbgrader only grades files named like the assignment's, so it is graded
under that name and the rename reported. Every file found gets a ``fate``; a student with no
notebook, or several, is reported too, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pitfalls.grading.inbox import InputFile, Quota, ingest
from pitfalls.grading.students import grader_ids


@dataclass
class Collected:
    """One student's submission as found: the notebook to grade (if any), their files, the notes."""

    student: str  # as given
    grader_id: str  # what nbgrader calls them
    chosen: InputFile | None
    files: list[InputFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problem: str | None = None

    @property
    def path(self) -> Path | None:
        return self.chosen.stored if self.chosen else None


@dataclass
class Collection:
    """A class's submissions, and the files of the export that belong to no student."""

    students: list[Collected]
    unclaimed: list[InputFile]

    @property
    def files(self) -> list[InputFile]:
        return [f for s in self.students for f in s.files] + self.unclaimed


def owner(item: InputFile) -> str | None:
    """The student a file belongs to: its folder, or for a notebook at the top its name's first part."""
    if item.junk or ".." in item.parts:
        return None
    if len(item.parts) > 1 or item.folder:
        return item.parts[0]
    if item.name.endswith(".ipynb"):
        stem = item.name[: -len(".ipynb")]
        return stem.split("_", 1)[0] or stem or item.name
    return None


def pick(notebooks: list[InputFile], lab: str) -> tuple[InputFile | None, list[str], str | None]:
    """The notebook to grade among one student's files, with notes and a problem, if any."""
    if not notebooks:
        return None, [], "no notebook (.ipynb) in the submission"
    exact = [p for p in notebooks if p.name == f"{lab}.ipynb"]
    chosen = exact[0] if exact else max(notebooks, key=lambda p: (lab in p.name, p.mtime))
    notes = []
    if chosen.name != f"{lab}.ipynb":
        notes.append(f"the notebook was named {chosen.name!r}; it was graded as {lab}.ipynb")
    if len(notebooks) > 1:
        others = ", ".join(repr(p.name) for p in notebooks if p is not chosen)
        notes.append(f"several notebooks were submitted; graded {chosen.name!r}, ignored {others}")
        for p in notebooks:
            if p is not chosen:
                p.fate = f"ignored: {chosen.name!r} was graded instead"
    return chosen, notes, None


def _claim(student: str, files: list[InputFile], lab: str) -> Collected:
    kept = [f for f in files if f.skipped is None]
    notebooks = [f for f in kept if f.name.endswith(".ipynb")]
    chosen, notes, problem = pick(notebooks, lab)
    for f in files:
        if f.skipped:
            f.fate = f.skipped
            notes.append(f"the file {'/'.join(f.parts[1:]) or f.name!r} was {f.skipped}")
        elif not f.name.endswith(".ipynb"):
            f.fate = "ignored: not a notebook"
    if problem and any(f.skipped and f.name.endswith(".ipynb") for f in files):
        problem = "no notebook could be read: " + "; ".join(
            f"{f.name!r} was {f.skipped}" for f in files if f.skipped and f.name.endswith(".ipynb")
        )
    return Collected(student, "", chosen, files, notes, problem)


def collect(
    submissions: Path | Iterable[Path],
    lab: str,
    workdir: Path,
    quota: Quota = Quota(),  # noqa: B008  (frozen dataclass: one shared default is safe)
) -> Collection:
    """Every student's notebook in ``submissions`` (folders or zips), sorted by the id as given;
    the kept files are private copies in ``workdir``."""
    sources = [Path(submissions)] if isinstance(submissions, str | Path) else [Path(s) for s in submissions]
    items = ingest(sources, Path(workdir), quota)
    by_student: dict[str, list[InputFile]] = {}
    unclaimed = []
    for item in items:
        student = owner(item)
        if student is None:
            item.fate = item.skipped or (
                "ignored: added by a tool (macOS metadata, a checkpoint or a hidden file)"
                if item.junk
                else "ignored: not a notebook, and in no student's folder"
            )
            unclaimed.append(item)
        else:
            by_student.setdefault(student, []).append(item)
    ids = grader_ids(by_student)
    students = []
    for name in sorted(by_student):
        found = _claim(name, by_student[name], lab)
        found.grader_id = ids[name]
        students.append(found)
    return Collection(students, unclaimed)
