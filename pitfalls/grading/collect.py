"""Turn what an LMS exports into one notebook per student.

Two layouts are understood, inside a folder or a ``.zip`` of it:

* a folder per student: ``<student>/.../<anything>.ipynb`` (what nbgrader's own exchange and most
  "download all" buttons give);
* flat files: ``<student>_<anything>.ipynb`` (Canvas/Moodle style: the student's id up to the
  first underscore), or ``<student>.ipynb``.

A student's notebook may have any name (``Copy of lab01_tensors.ipynb``): nbgrader only grades
files named like the assignment's, so the file is renamed and the rename reported. A student with
no notebook, or several, is reported too, never silently dropped.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

IGNORED = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints|\.)")
SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Collected:
    """One student's submission as found: the notebook to grade (if any) and what was noticed."""

    student: str
    path: Path | None
    notes: list[str] = field(default_factory=list)
    problem: str | None = None


def student_id(raw: str) -> str:
    """A folder-safe student id (nbgrader uses it as a directory name)."""
    return SAFE_ID.sub("-", raw).strip("-.") or "unnamed"


def extract(archive: Path, into: Path) -> Path:
    """Unpack a zip, refusing members that would land outside ``into`` (zip-slip)."""
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            target = (into / member.filename).resolve()
            if not str(target).startswith(str(into.resolve())):
                raise ValueError(f"{archive}: member {member.filename!r} points outside the archive")
        zf.extractall(into)
    entries = [p for p in into.iterdir() if not IGNORED.search(p.name)]
    # A zip of a folder holds that one folder: look inside it.
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into


def _candidates(folder: Path) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not IGNORED.search(str(p.relative_to(folder))) and p.suffix == ".ipynb"
    )


def pick(notebooks: list[Path], lab: str) -> tuple[Path | None, list[str], str | None]:
    """The notebook to grade among one student's files, with notes and a problem, if any."""
    if not notebooks:
        return None, [], "no notebook (.ipynb) in the submission"
    exact = [p for p in notebooks if p.name == f"{lab}.ipynb"]
    chosen = exact[0] if exact else max(notebooks, key=lambda p: (lab in p.stem, p.stat().st_mtime))
    notes = []
    if chosen.name != f"{lab}.ipynb":
        notes.append(f"the notebook was named {chosen.name!r}; it was graded as {lab}.ipynb")
    if len(notebooks) > 1:
        others = ", ".join(p.name for p in notebooks if p != chosen)
        notes.append(f"several notebooks were submitted; graded {chosen.name!r}, ignored {others}")
    return chosen, notes, None


def collect(submissions: Path, lab: str, workdir: Path | None = None) -> list[Collected]:
    """Every student's notebook in ``submissions`` (a folder or a zip), sorted by student id."""
    submissions = Path(submissions)
    if not submissions.exists():
        raise FileNotFoundError(f"no submissions at {submissions}")
    if submissions.is_file():
        if not zipfile.is_zipfile(submissions):
            raise ValueError(f"{submissions} is neither a folder nor a zip archive")
        workdir = Path(workdir or tempfile.mkdtemp(prefix="submissions-"))
        submissions = extract(submissions, workdir)
    found: dict[str, list[Path]] = {}
    for entry in sorted(submissions.iterdir()):
        if IGNORED.search(entry.name):
            continue
        if entry.is_dir():
            found.setdefault(student_id(entry.name), []).extend(_candidates(entry))
        elif entry.suffix == ".ipynb":
            found.setdefault(student_id(entry.stem.split("_", 1)[0]), []).append(entry)
    out = []
    for student, notebooks in sorted(found.items()):
        path, notes, problem = pick(notebooks, lab)
        out.append(Collected(student, path, notes, problem))
    return out


def place(collected: Collected, lab: str, course_root: Path) -> Path:
    """Copy a collected notebook to where nbgrader expects it: ``submitted/<student>/<lab>/``."""
    assert collected.path is not None
    folder = course_root / "submitted" / collected.student / lab
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    target = folder / f"{lab}.ipynb"
    shutil.copyfile(collected.path, target)
    return target
