"""A scratch nbgrader course directory wired to the repository's ``source/`` and configuration.

Why a scratch directory: nbgrader keeps submissions, autograded copies, feedback and its SQLite
gradebook under the course root. Those are one class's working data and never belong in the
repository, so every scripted step runs in a folder of its own whose ``source`` links to ours.

nbgrader is run as a subprocess (``python -m nbgrader``), one step per call: it is what an
instructor runs, it keeps nbgrader's global traitlets state out of the caller, and with this
interpreter's ``bin/`` put on ``PATH`` it finds ``alembic``, which it calls by name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pitfalls.course import lab_named
from pitfalls.paths import repo_root

CONFIG_FILE = "nbgrader_config.py"


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message carries its command and the tail of its log."""


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one submission."""

    grade_id: str
    score: float
    max_score: float


def step_notebook(
    root: Path, step: str, lab: str, student: str | None = None, repo: Path | None = None
) -> Path:
    """Where an nbgrader course at ``root`` keeps ``lab``'s notebook at ``step`` (``release``,
    ``submitted``, ``autograded``, ``feedback``, or our ``executed``): nbgrader's
    ``{root}/{step}/[{student}/]{lab}/{notebook}``, a lab's one notebook named like its master
    (``repo``: the checkout whose catalogue holds the lab; the default one when None)."""
    folder = root / step / student if student else root / step
    return folder / lab / lab_named(lab, repo).source.name


def restore(root: Path, snapshot: dict[str, bytes]) -> None:
    """Write every file of ``snapshot`` (``{path under root: bytes}``) back under ``root``, replacing
    whatever stands there now, a link or a folder included."""
    for rel, data in snapshot.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)
        path.write_bytes(data)


def tool_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for nbgrader and Jupyter subprocesses: this interpreter's ``bin/`` first on
    ``PATH`` (nbgrader shells out to ``alembic`` by name) and TensorFlow kept quiet."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    env.setdefault("PYTHONHASHSEED", "0")
    env.update(extra or {})
    return env


class Course:
    """nbgrader steps in a scratch course ``root`` whose ``source/`` is the repository's."""

    def __init__(self, root: Path, repo: Path | None = None, config: Path | None = None):
        self.root = Path(root).resolve()
        self.repo = Path(repo or repo_root()).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        source = self.root / "source"
        if not source.exists():
            source.symlink_to(self.repo / "source", target_is_directory=True)
        shutil.copyfile(config or self.repo / "autograder" / CONFIG_FILE, self.root / CONFIG_FILE)

    def snapshot(self, lab: str) -> dict[str, bytes]:
        """The files grading ``lab`` needs (configuration, gradebook, the lab's source and release),
        as bytes: what each grading worker starts from, and what the course is put back to after
        learners' code has run (:func:`restore`)."""
        files = [self.root / CONFIG_FILE, self.root / "gradebook.db"]
        for step in ("source", "release"):
            files += sorted(p for p in (self.root / step / lab).rglob("*") if p.is_file())
        return {str(p.relative_to(self.root)): p.read_bytes() for p in files}

    # -- running nbgrader ------------------------------------------------------------------
    def nbgrader(self, *args: str, timeout: float | None = 1800) -> subprocess.CompletedProcess:
        """Run one nbgrader command in the course root; raise :class:`NbgraderError` on failure."""
        cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={self.root}"]
        proc = subprocess.run(
            cmd, cwd=self.root, env=self.env(), capture_output=True, text=True, timeout=timeout
        )
        if proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
            raise NbgraderError(f"`nbgrader {' '.join(args)}` exited {proc.returncode}:\n{tail}")
        return proc

    def env(self) -> dict[str, str]:
        """nbgrader's and its kernels' environment: this course's checkout, importable first (its
        ``lessons`` package holds the checks the test cells import)."""
        path = os.pathsep.join(p for p in (str(self.repo), os.environ.get("PYTHONPATH", "")) if p)
        return tool_env({"PITFALLS_ROOT": str(self.repo), "PYTHONPATH": path})

    def notebook(self, step: str, lab: str, student: str | None = None) -> Path:
        """Where this course keeps ``lab``'s notebook at ``step`` (see :func:`step_notebook`)."""
        return step_notebook(self.root, step, lab, student, self.repo)

    def generate(self, lab: str) -> Path:
        """``nbgrader generate_assignment``: the student version of ``lab`` in ``release/``."""
        self.nbgrader("generate_assignment", lab, "--force")
        return self.notebook("release", lab).parent

    def submit(self, lab: str, student: str, notebooks: dict[str, Path]) -> Path:
        """Place a student's files (``{notebook file name: path}``) where ``collect`` would."""
        folder = self.root / "submitted" / student / lab
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for name, path in notebooks.items():
            shutil.copyfile(path, folder / name)
        return folder

    def autograde(self, lab: str, student: str) -> Path:
        """``nbgrader autograde`` for one student: runs their notebook, scores the test cells."""
        self.nbgrader("autograde", lab, f"--student={student}", "--force")
        return self.root / "autograded" / student / lab

    def feedback(self, lab: str, student: str) -> Path:
        """``nbgrader generate_feedback``: the HTML report a student gets back."""
        self.nbgrader("generate_feedback", lab, f"--student={student}", "--force")
        return self.root / "feedback" / student / lab

    # -- reading the gradebook -------------------------------------------------------------
    def gradebook_url(self) -> str:
        return f"sqlite:///{self.root / 'gradebook.db'}"

    def scores(self, lab: str, student: str, notebook: str) -> dict[str, CellScore]:
        """The autograded score of every graded cell of one submitted notebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.gradebook_url()) as gb:
            submission = gb.find_submission_notebook(notebook, lab, student)
            return {g.name: CellScore(g.name, float(g.score), float(g.max_score)) for g in submission.grades}

    def total(self, lab: str, student: str, notebook: str) -> tuple[float, float]:
        """(score, max score) of one submitted notebook."""
        cells = self.scores(lab, student, notebook).values()
        return sum(c.score for c in cells), sum(c.max_score for c in cells)
