"""Run every public check of a lab at once, inside the learner's notebook (like ``otter check``).

Why this exists: a learner on Colab or plain Jupyter has no nbgrader, yet should see, before
submitting, what the autograder will say about each exercise. The last cell of every lab calls
:func:`check_all`, which runs the graded test cells of the lab's **student version**
(``release/<lab>/<lab>.ipynb``) in the notebook's own namespace. Those cells are exactly the code
the autograder runs, so a failure carries exactly the autograder's message. The student version
never contains hidden tests (``nbgrader generate_assignment`` removes them), so reading it, and
never the master in ``source/``, is what keeps hidden checks hidden.

It also reads the learner's own code the way ``make grade`` does before running a submission
(:func:`pitfalls.checks.integrity.tampering`: the grader's very screen, which lives on the learner's
side so that this module needs neither nbgrader nor the grading code, absent on Colab): an honest
learner who imports ``os`` to look around hears *now*, with the line, that the grader would refuse
the notebook, not after the grades are out.

**Which code is screened: the saved file and the live kernel, both.** The grader screens the file
that is submitted; the learner's kernel runs what was typed, saved or not. Reading only the saved
file missed an ``import os`` that was run but not yet saved (JupyterLab autosaves every 120 s);
reading only the kernel's history would miss a saved cell not run since the kernel started, and
cannot tell a line since removed from one still there. So both are read: the saved notebook, when
the front end names it (Jupyter's ``__session__``, VS Code's ``__vsc_ipynb_file__``) and it is this
lab's — its refused lines are what the grader will refuse — and every cell run in this kernel, as
typed (IPython's raw input history, where ``!ls`` is the shell command it is, not its
``get_ipython().system`` translation in ``In``). A refused line that was run but is not in the saved
file is named apart, "not saved yet, or since removed": once saved it costs the notebook its
points; removed, it does not count. Both are screened in one pass, so a name bound in one (``input
= keras.Input(...)``) is the learner's in the other, as in the grader's single notebook. Colab names
no file: there the history is all there is.

**A file being saved.** Jupyter Server saves a notebook by truncating the file and writing it in
place, keeping the previous save as ``.~<name>`` until the write is done; a self-check run right
after Ctrl+S can read half a notebook. In ``make lab`` and on Binder the learner works in
``release/<lab>/<lab>.ipynb`` itself, so the file being saved is also the one the checks come from.
Every notebook is therefore read with a few retries over about two seconds, then from Jupyter's copy
of the previous save; and :func:`check_all` never raises into the learner's cell: whatever it cannot
read becomes one line of the report, not a traceback.

**When the learner's notebook is the release file,** its cells are the learner's too: the course
cells to leave unscreened are then only its locked cells and the Colab set-up cell (an untouched
exercise stub or "Try it" cell is screened and has nothing to refuse), and its test cells are the
checks the self-check runs — the grader uses the instructor's, whatever the learner did to them.

The result is a self-check, not a grade: the autograder runs the notebook afresh from the top,
whereas the self-check uses whatever state the learner's kernel is in.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from pitfalls.checks.integrity import ALLOWED_MODULES, REFUSED, Finding, lesson_helper, tampering
from pitfalls.course import Lab, Lesson, lab_named, labs, lessons
from pitfalls.notebook_cells import (
    cell_dicts,
    grade_id,
    grade_ids,
    is_test_cell,
    nbgrader_meta,
    points,
    read_notebook,
    which_lab,
)
from pitfalls.paths import repo_root

#: Where the learner's code was read when no saved notebook of the lab could be found.
HISTORY = "the cells run in this kernel"
#: The autograder's configuration; its ``IgnorePattern`` says which stderr output it forgives.
GRADER_CONFIG = ("autograder", "nbgrader_config.py")


@dataclass(frozen=True)
class PublicCheck:
    """One graded test cell of a lab's student version."""

    grade_id: str
    points: float
    source: str


@dataclass
class CheckResult:
    """What one check made of the learner's namespace."""

    grade_id: str
    points: float
    passed: bool
    message: str
    stdout: str = ""  # what the cell printed, kept out of the table
    seconds: float = 0.0

    @property
    def earned(self) -> float:
        """nbgrader gives a test cell all of its points or none."""
        return self.points if self.passed else 0.0


def _num(x: float) -> str:
    return f"{x:g}"


@dataclass(repr=False)  # the table is the repr: Jupyter's plain-text view and the console show it
class SelfCheckReport:
    """The table a learner sees: one row per public check, then the total."""

    lab: str
    results: list[CheckResult] = field(default_factory=list)
    skipped: str | None = None  # why nothing ran (the autograder runs the checks itself)
    problem: str | None = None  # why nothing could run (a file that could not be read, say): one line
    refused: list[Finding] = field(default_factory=list)  # lines of the code to be submitted, refused
    screened: str | None = None  # where ``refused`` was read (None: no code could be found)
    unsaved: list[Finding] = field(default_factory=list)  # refused lines run, but not in the saved file
    history: bool = False  # whether the cells run in this kernel were screened too
    note: str | None = None  # what could not be read of the learner's code, and what was read instead

    @property
    def earned(self) -> float:
        return sum(r.earned for r in self.results)

    @property
    def possible(self) -> float:
        return sum(r.points for r in self.results)

    @property
    def passed(self) -> bool:
        return (
            not (self.skipped or self.problem)
            and all(r.passed for r in self.results)
            and not (self.refused or self.unsaved)
        )

    def total(self) -> str:
        total = f"{_num(self.earned)} / {_num(self.possible)} points (self-check, not a grade)"
        if self.refused:
            return total + " — but the grader would give 0: see the refused lines above"
        if self.unsaved:
            return total + " — but the grader will give 0 if the lines above are in the notebook you submit"
        return total

    def _refusal(self) -> tuple[list[tuple[str, list[str]]], str]:
        """The warning above the table, as (heading, lines) groups and a closing sentence."""
        groups = []
        if self.refused:
            groups.append(
                (
                    f"The grader would give this notebook 0 points: {REFUSED}. In {self.screened}:",
                    [str(f) for f in self.refused[:10]],
                )
            )
        if self.unsaved:
            groups.append(
                (
                    f"{'Also run' if self.refused else 'Run'} in this kernel but not in {self.screened} "
                    "(not saved yet, or since removed); once saved, the grader gives the notebook 0 points "
                    f"for {'them' if self.refused else 'them: ' + REFUSED}:",
                    [str(f) for f in self.unsaved[:10]],
                )
            )
        from_history = self.unsaved or self.screened == HISTORY
        closing = (
            "Remove those lines before you submit"
            + (" (a line no longer in your notebook does not count)" if from_history else "")
            + f". Answers may import only {allowed_imports()}."
        )
        return groups, closing

    def refusal(self) -> list[str]:
        """The warning above the table: what the grader would refuse, and what answers may import."""
        if not (self.refused or self.unsaved):
            return []
        groups, closing = self._refusal()
        return [line for heading, found in groups for line in [heading] + [f"  {f}" for f in found]] + [
            closing
        ]

    def where(self) -> str:
        """Which code was screened, in words."""
        if self.screened is None:
            return ""
        return self.screened + (" and the cells run in this kernel" if self.history else "")

    def screened_line(self) -> str:
        note = f"{self.note} " if self.note else ""
        if self.screened is None:
            return note + (
                "Your own code could not be read (no saved notebook, no kernel history), so it was not "
                "screened for lines the grader refuses."
            )
        if self.refused or self.unsaved:
            return note.strip()
        return f"{note}Screened {self.where()}: no line the grader refuses."

    def __getitem__(self, grade_id: str) -> CheckResult:
        for result in self.results:
            if result.grade_id == grade_id:
                return result
        raise KeyError(
            f"{self.lab} has no public check {grade_id!r}; it has {[r.grade_id for r in self.results]}"
        )

    def __str__(self) -> str:
        if self.skipped:
            return f"{self.lab} self-check skipped: {self.skipped}"
        if self.problem:
            return f"{self.lab} self-check could not run: {self.problem}"
        rows = [
            (r.grade_id, f"{_num(r.earned)}/{_num(r.points)}", "✓" if r.passed else "✗", r.message)
            for r in self.results
        ]
        width = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(("check", "points", ""))]
        lines = [f"{'check':<{width[0]}}  {'points':>{width[1]}}  {'':{width[2]}}  message"]
        for gid, pts, mark, message in rows:
            first, *rest = message.splitlines() or [""]
            lines.append(f"{gid:<{width[0]}}  {pts:>{width[1]}}  {mark:{width[2]}}  {first}")
            indent = " " * (width[0] + width[1] + width[2] + 6)
            lines.extend(indent + line for line in rest)
        lines.append(f"Total: {self.total()}")
        return "\n".join(self.refusal() + lines + [self.screened_line()]).strip()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        if self.skipped or self.problem:
            head, text = ("skipped", self.skipped) if self.skipped else ("could not run", self.problem)
            return f"<p><b>{html.escape(self.lab)} self-check {head}:</b> {html.escape(text or '')}</p>"
        cell = 'style="text-align:left; vertical-align:top; padding:2px 8px"'
        rows = []
        for r in self.results:
            mark = (
                '<span style="color:#2a7d2a">✓</span>' if r.passed else '<span style="color:#c0392b">✗</span>'
            )
            rows.append(
                f"<tr><td {cell}><code>{html.escape(r.grade_id)}</code></td>"
                f"<td {cell}>{_num(r.earned)} / {_num(r.points)}</td><td {cell}>{mark}</td>"
                f'<td {cell}><span style="white-space:pre-wrap">{html.escape(r.message)}</span></td></tr>'
            )
        warning = ""
        if self.refused or self.unsaved:
            groups, closing = self._refusal()
            body = "".join(
                f"<b>{html.escape(heading)}</b><ul>"
                + "".join(f"<li><code>{html.escape(line)}</code></li>" for line in found)
                + "</ul>"
                for heading, found in groups
            )
            warning = (
                f'<div style="border-left:4px solid #c0392b; padding:4px 8px; margin-bottom:6px">'
                f"{body}{html.escape(closing)}</div>"
            )
        footer = self.screened_line()
        return (
            f"{warning}<table><thead><tr><th {cell}>check</th><th {cell}>points</th><th {cell}></th>"
            f"<th {cell}>message</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"<p><b>Total: {html.escape(self.total())}</b></p>"
            + (f"<p><small>{html.escape(footer)}</small></p>" if footer else "")
        )


class SelfCheckProblem(Exception):
    """Something the self-check needs could not be read; its message is the report's one line."""


# --- reading a notebook that may be being saved -------------------------------------------------------
#: How often, and how far apart, a notebook that does not parse is read again: Jupyter writes a
#: notebook in place, and a file read mid-save is cut off. A save takes milliseconds.
READ_ATTEMPTS = 8
READ_PAUSE = 0.25


def jupyter_backup(path: Path) -> Path:
    """Where Jupyter Server keeps the previous save while it writes ``path`` (``.~<name>``)."""
    return path.with_name(".~" + path.name)


def read_saved(path: Path) -> tuple[nbformat.NotebookNode | None, str | None]:
    """The notebook at ``path`` (read again for a moment if it does not parse, then from Jupyter's copy
    of the previous save), and a sentence: why it could not be read, or that the copy was read."""
    reason = None
    for attempt in range(READ_ATTEMPTS):
        if attempt:
            time.sleep(READ_PAUSE)
        try:
            nb, reason = read_notebook(path)
        except OSError as err:
            nb, reason = None, f"the file {path.name} could not be read ({err.strerror or err})"
        if nb is not None:
            return nb, None
    backup = jupyter_backup(path)
    with contextlib.suppress(OSError):
        if backup.is_file() and (nb := read_notebook(backup, path.name)[0]) is not None:
            return (
                nb,
                f"{path.name} was being saved, so its previous save (Jupyter's {backup.name}) was read.",
            )
    return None, reason


# --- reading the student version ----------------------------------------------------------------
def _lab(lab: str, root: Path | None) -> Lab:
    """``lab``'s value object. Without the course's catalogue (a package installed without its
    clone) or for a name it does not list, one that still says where the clone's student version
    would be, so that the error can name that path."""
    try:
        return lab_named(lab, root)
    except (KeyError, OSError):
        return Lab(lab, Lesson((root or repo_root()).resolve(), folder="", title=""))


def _labs_released(root: Path | None) -> list[str]:
    """The catalogue's labs whose student version is there (none when the catalogue is not)."""
    try:
        return sorted(lab.name for lab in labs(root) if lab.release.is_file())
    except OSError:
        return []


def release_notebook(lab: str, root: Path | None = None) -> Path:
    """The student version of ``lab``: where the public checks are read from."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", lab):
        raise ValueError(f"a lab is named like 'lab01_tensors', not {lab!r}")
    return _lab(lab, root).release


def _read_release(lab: str, root: Path | None = None) -> nbformat.NotebookNode:
    path = release_notebook(lab, root)
    if not path.is_file():
        known = _labs_released(root)
        raise FileNotFoundError(
            f"The self-check needs the student version of {lab!r} at {path}, which does not exist. "
            "Run the lab from a clone of the course repository (on Colab, run the set-up cell at the "
            "top of the notebook), or set PITFALLS_ROOT to the clone."
            + (f" Labs found there: {', '.join(known)}." if known else "")
        )
    nb, reason = read_saved(path)
    if nb is None:
        raise SelfCheckProblem(
            f"the lab's checks are read from {path.name}, and {reason}. If you had just saved it, run "
            "this cell again."
        )
    return nb


def _checks_in(nb: nbformat.NotebookNode) -> list[PublicCheck]:
    return [PublicCheck(grade_id(c), points(c), c.source) for c in nb.cells if is_test_cell(c)]


def public_checks(lab: str, root: Path | None = None) -> list[PublicCheck]:
    """The graded test cells of the student version of ``lab``, in notebook order."""
    return _checks_in(_read_release(lab, root))


def _setup_names_in(nb: nbformat.NotebookNode) -> set[str]:
    names: set[str] = set()
    for c in nb.cells:
        meta = nbgrader_meta(c)
        if c.cell_type != "code" or not meta.get("locked") or meta.get("grade") or meta.get("solution"):
            continue
        try:
            tree = ast.parse(c.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
    return names


def setup_names(lab: str, root: Path | None = None) -> set[str]:
    """Names bound by the lab's locked, ungraded code cells (``check``, ``np``, ``digits``...): a
    NameError for one of them means the setup cell has not run, not that an exercise is missing."""
    return _setup_names_in(_read_release(lab, root))


# --- the learner's own code, read as the grader reads it ---------------------------------------------
def lesson_helpers(root: Path | None = None) -> list[str]:
    """The lesson helper modules of the clone an answer may import (``lessons.<lesson>.<helper>``)."""
    try:
        found = [
            f"{lesson.package}.{path.stem}"
            for lesson in lessons(root)
            for path in sorted(lesson.dir.glob("*.py"))
        ]
    except OSError:  # no catalogue: a package installed without its clone
        return []
    return [name for name in found if lesson_helper(name)]


def allowed_imports() -> str:
    """The modules an answer may import, in a sentence."""
    libraries = [m for m in ALLOWED_MODULES if not m.startswith("pitfalls.")]
    course = [m for m in ALLOWED_MODULES if m.startswith("pitfalls.")] + lesson_helpers()
    return f"{', '.join(libraries)} and the course's {', '.join(course)}"


def notebook_path(namespace: dict) -> Path | None:
    """The notebook file this kernel runs, when the front end says: Jupyter Server >= 2 passes it
    as ``JPY_SESSION_NAME`` (ipykernel puts it in ``__session__``), VS Code as ``__vsc_ipynb_file__``.
    Colab says nothing; then the kernel's history is read instead."""
    for candidate in (
        namespace.get("__session__"),
        namespace.get("__vsc_ipynb_file__"),
        os.environ.get("JPY_SESSION_NAME"),
    ):
        if isinstance(candidate, str) and candidate.endswith(".ipynb") and Path(candidate).is_file():
            return Path(candidate)
    return None


def _history(namespace: dict) -> list[str]:
    """The cells run in this kernel, as typed (IPython's raw input history; ``In``/``_ih`` hold the
    transformed input, where ``!ls`` reads as ``get_ipython().system('ls')``). The shell's history
    only when ``namespace`` is that shell's own: a namespace handed in (another shell's, a test's)
    has its own ``_ih``."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    history = getattr(shell, "history_manager", None)
    if history is not None and namespace is getattr(shell, "user_ns", None):
        return list(history.input_hist_raw)
    return list(namespace.get("_ih") or [])


#: The tag of the Colab set-up cell (``pitfalls.authoring.launch.SETUP_TAG``: instructor tooling,
#: which learner-side code may not import; ``tests/test_selfcheck.py`` keeps the two equal).
SETUP_TAG = "colab-setup"


def course_cells(nb: nbformat.NotebookNode) -> list[dict]:
    """The cells of a copy of the release that stay the course's whatever the learner did: the
    locked ones (the grader puts them back) and the Colab set-up cell. Everything else in the copy
    may be the learner's."""
    return [
        {
            "type": c.cell_type,
            "grade_id": grade_id(c),
            "locked": True,
            "grade": bool(nbgrader_meta(c).get("grade")),
            "source": c.source,
        }
        for c in nb.cells
        if nbgrader_meta(c).get("locked") or SETUP_TAG in c.get("metadata", {}).get("tags", [])
    ]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


@dataclass
class LearnerCode:
    """The learner's code as the screen reads it: the saved notebook and the kernel's history."""

    saved: list[dict] = field(default_factory=list)  # the saved notebook's cells ([]: none was read)
    saved_name: str | None = None  # "the saved notebook <name>"
    history: list[dict] = field(default_factory=list)  # cells run in this kernel, not in the saved file
    ran: bool = False  # whether the kernel's history had any cell at all
    note: str | None = None  # what could not be read, and what was read instead
    course: list[dict] | None = None  # the course's cells, when not the release's (see ``course_cells``)


def learner_code(lab: str, namespace: dict, root: Path | None = None) -> LearnerCode:
    """The learner's code cells: the saved notebook when it can be found and is this lab's (it is
    what gets submitted), and every cell run in this kernel that is not in it (live, unsaved code)."""
    code, path = LearnerCode(), notebook_path(namespace)
    if path is not None:
        nb, message = read_saved(path)
        own_release = _same_file(path, release_notebook(lab, root))
        cells = cell_dicts(nb) if nb is not None else []
        found = grade_ids(cells)
        if nb is None:
            code.note = f"Your saved notebook could not be read: {message}. Only the cells run in this kernel were screened."
        elif own_release or (found and which_lab(found, lab, root) is None):
            code.saved, code.saved_name, code.note = cells, f"the saved notebook {path.name}", message
            code.course = course_cells(nb) if own_release else None
        else:  # labs share ids such as "setup": the best match wins
            code.note = (
                f"{path.name} is not a notebook of {lab}, so only the cells run in this kernel were screened."
            )
    typed = [source for k, source in enumerate(_history(namespace)) if k and source.strip()]
    saved_code = {c["source"].strip() for c in code.saved if c["type"] == "code"}
    code.ran = bool(typed)
    code.history = [
        {"type": "code", "grade_id": None, "name": f"In [{k}]", "source": source}
        for k, source in enumerate(_history(namespace))
        if k and source.strip() and source.strip() not in saved_code
    ]
    return code


def screen_learner(lab: str, code: LearnerCode, report: SelfCheckReport, root: Path | None = None) -> None:
    """Fill ``report``'s refused lines: the saved notebook's (what the grader will refuse) and those
    only run in this kernel, screened in one pass so that names bound in one count in the other."""
    cells = code.saved + code.history
    findings = tampering(lab, cells, root, course=code.course) if cells else []
    run_only = {c["name"] for c in code.history}
    if code.saved_name:
        report.screened, report.history = code.saved_name, code.ran
        report.refused = [f for f in findings if f.cell not in run_only]
        report.unsaved = [f for f in findings if f.cell in run_only]
    elif code.history:
        report.screened, report.refused = HISTORY, findings


# --- the autograder's stderr rule -----------------------------------------------------------------
def ignore_pattern(root: Path | None = None) -> str | None:
    """The autograder's ``IgnorePattern`` (stderr it forgives); ``None`` when it cannot be read."""
    path = (root or repo_root()).joinpath(*GRADER_CONFIG)
    try:
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
        if config.IgnorePattern.get("enabled", False):
            return str(config.IgnorePattern.get("pattern", "")) or None
    except Exception:
        return None
    return None


class _Writes(io.StringIO):
    """A stream that also remembers each ``write`` apart: the kernel sends a warning's lines as
    one stream output, and nbgrader's ``IgnorePattern`` drops a stream output as a whole."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def write(self, s: str) -> int:
        self.chunks.append(s)
        return super().write(s)


def unforgiven_stderr(chunks: list[str], pattern: str | None) -> str:
    """The stderr output that would make nbgrader score the cell 0."""
    kept = [c for c in chunks if c.strip() and not (pattern and re.search(pattern, c))]
    return "".join(kept).strip()


# --- running one check ---------------------------------------------------------------------------
def _message(exc: Exception, setup: set[str]) -> str:
    """The learner-facing text of a failed check: what the autograder's traceback ends with."""
    if isinstance(exc, AssertionError):  # CheckFailed included: its message is the explanation
        return str(exc) or "AssertionError: an assert in the check failed (it has no message)"
    if isinstance(exc, NameError):
        name = getattr(exc, "name", None) or (re.findall(r"'(\w+)'", str(exc)) or ["?"])[0]
        if name in setup:
            return (
                f"`{name}` is not defined yet: run the setup cell at the top of the notebook first, "
                "then your exercise cells, then this self-check."
            )
        return (
            f"`{name}` is not defined yet: run the exercise's cell that defines it first (the cell "
            "above its check), then this self-check."
        )
    return f"{type(exc).__name__}: {exc}"


def run_check(
    check: PublicCheck,
    namespace: dict,
    lab: str = "lab",
    setup: set[str] = frozenset(),
    pattern: str | None = None,
) -> CheckResult:
    """Execute one test cell in ``namespace`` with its output captured; never raises (except on
    KeyboardInterrupt), so one broken exercise does not hide the others' messages."""
    out, err = io.StringIO(), _Writes()
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            exec(compile(check.source, f"<{lab}:{check.grade_id}>", "exec"), namespace)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message in the table
        passed, message = False, _message(exc, setup)
    else:
        noise = unforgiven_stderr(err.chunks, pattern)
        printed = out.getvalue().strip().splitlines()
        passed, message = (not noise), (printed[-1] if printed else "passed")
        if noise:
            message = (
                "the check passed, but the cell wrote to stderr, and the grader gives 0 points to a "
                f"test cell that does. It wrote: {noise[:300]}"
            )
    return CheckResult(
        check.grade_id,
        check.points,
        passed,
        message,
        stdout=out.getvalue(),
        seconds=time.perf_counter() - started,
    )


def check_all(lab: str, namespace: dict | None = None) -> SelfCheckReport:
    """Run every public check of ``lab`` on the learner's answers and show what the grader says.

    ``namespace`` is where the learner's functions live; by default the globals of the caller (the
    notebook's namespace when called from a cell). Checks run in notebook order, each one caught
    on its own, with a progress bar, since training checks take a few seconds each.

    Under nbgrader (autograde or validate) nothing runs: the grader runs the same checks itself,
    and running them twice would only double the grading time. Never raises (but for an
    interrupt): what cannot be read or run becomes the report's one line.
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    if os.environ.get("NBGRADER_EXECUTION"):
        return SelfCheckReport(
            lab,
            skipped=f"nbgrader ({os.environ['NBGRADER_EXECUTION']}) runs the "
            "checks itself, in the cells above.",
        )
    try:
        return _check_all(lab, namespace)
    except (SelfCheckProblem, FileNotFoundError, ValueError) as problem:
        return SelfCheckReport(lab, problem=str(problem))
    except Exception as exc:  # noqa: BLE001 - a traceback in the lab's last cell helps no learner
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        return SelfCheckReport(
            lab,
            problem=f"it failed ({type(exc).__name__}: {first}). Run this cell again; if it fails again, "
            "restart the kernel, run all cells, and tell your instructor if it still does.",
        )


def _check_all(lab: str, namespace: dict) -> SelfCheckReport:
    release = _read_release(lab)
    checks, setup, pattern = _checks_in(release), _setup_names_in(release), ignore_pattern()
    code = learner_code(lab, namespace)
    report = SelfCheckReport(lab, note=code.note)
    screen_learner(lab, code, report)
    from tqdm.auto import tqdm

    with tqdm(checks, desc=f"{lab} self-check", unit="check", leave=False) as bar:  # the table stays
        for check in bar:
            bar.set_postfix_str(check.grade_id)
            report.results.append(run_check(check, namespace, lab, setup, pattern))
    return report
