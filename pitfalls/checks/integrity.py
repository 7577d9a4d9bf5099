"""Screen a submission's own code for tampering before any of it runs.

nbgrader restores the instructor's test cells, but it runs the student's code in the same kernel
as the checks, with the grader's rights: a cell can rebind ``check``, patch ``numpy.testing`` or
the checks module, or read the course's files (the master notebook, the recorded references).
In-kernel defences can always be undone by code that runs first, so the grading pipeline reads
the student's cells *as text* and refuses to run a submission that reaches for the checks, the
interpreter's internals or the file system. The labs need none of that: exercises are numpy and
Keras functions. The rules are listed in the README and named in the feedback.

Only code the student wrote is screened: cells whose source differs from every code cell of the
release (untouched course cells such as the Colab set-up may use ``subprocess``; they are ours).

It is learner-side code (no nbgrader, nothing of ``pitfalls.grading``): the self-check runs the
very same screen in the learner's kernel, so a learner hears about a refused line before
submitting, in the grader's words; ``make grade`` (:mod:`pitfalls.grading.screen`) imports it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pitfalls.notebook_cells import release_cells

#: Why a notebook with a finding of :func:`tampering` is not run (the feedback's and self-check's words).
REFUSED = (
    "your code reaches for the grader's checks, the interpreter's internals or the course's "
    "files, which answers may not do (tampering earns no points)"
)

# Modules an answer may import. Anything else (os, sys, pathlib, io, json, pickle, subprocess,
# importlib, inspect, builtins, ctypes, gc, nbgrader, numpy.testing, unittest, ...) is refused.
ALLOWED_MODULES = (
    "numpy",
    "keras",
    "tensorflow",
    "math",
    "cmath",
    "random",
    "statistics",
    "itertools",
    "functools",
    "operator",
    "collections",
    "typing",
    "dataclasses",
    "numbers",
    "enum",
    "abc",
    "copy",
    "string",
    "re",
    "textwrap",
    "pprint",
    "time",
    "warnings",
    "tqdm",
    "matplotlib",
    "pitfalls.session",
    "pitfalls.data",
    "pitfalls.flighttracks",
    "pitfalls.meannet",
    "pitfalls.autoencoder",
    "pitfalls.reconstructions",
)
# Beside those, a lesson's own helper modules (``lessons.l03_generator_aliasing.generators``): see
# :func:`lesson_helper`. Never a lesson's graded checks, its wrong answers (what the grader must make
# of them), its tests, or its lesson and lab texts: those modules are the grader's.
LESSON_FOLDER = re.compile(r"l\d\d_\w+")
NOT_HELPERS = ("checks", "wrong_answers", "lesson", "lab", "conftest", "__init__")
# Sub-modules of allowed packages that are still off limits.
REFUSED_MODULES = ("numpy.testing", "numpy.lib.npyio", "tensorflow.io", "keras.src.saving")
# Built-ins that reach the interpreter's namespaces, compile code or open files.
REFUSED_CALLS = {
    "exec": "runs code built at run time",
    "eval": "runs code built at run time",
    "compile": "compiles code at run time",
    "__import__": "imports modules behind the scan",
    "setattr": "changes attributes of objects it did not make",
    "delattr": "deletes attributes",
    "globals": "reaches the notebook's global namespace",
    "vars": "reaches an object's namespace",
    "open": "opens files",
    "breakpoint": "stops the grader",
    "input": "waits for keyboard input",
    "get_ipython": "drives the kernel",
    "memoryview": "reads raw memory",
}
# Attributes that read files or reach internals, whatever object they hang off.
REFUSED_ATTRIBUTES = {
    "testing": "the numpy testing helpers the checks could rely on",
    "load": "reads files",
    "loadtxt": "reads files",
    "genfromtxt": "reads files",
    "fromfile": "reads files",
    "memmap": "reads files",
    "read_file": "reads files",
    "gfile": "reads files",
    "get_file": "downloads or reads files",
    "load_model": "reads files",
    "load_weights": "reads files",
    "imread": "reads files",
    "load_img": "reads files",
    "list_files": "lists files",
    "TextLineDataset": "reads files",
    "TFRecordDataset": "reads files",
    "image_dataset_from_directory": "reads files",
    "text_dataset_from_directory": "reads files",
    "__dict__": "reaches an object's namespace",
    "__globals__": "reaches a function's globals",
    "__code__": "rewrites a function's code",
    "__builtins__": "reaches the built-ins",
    "__subclasses__": "walks the class tree",
    "__file__": "locates course files",
    "__loader__": "reaches the import system",
    "__spec__": "reaches the import system",
    "__closure__": "reaches a function's closure",
    "__defaults__": "rewrites a function's defaults",
    "__kwdefaults__": "rewrites a function's defaults",
    "f_globals": "reaches a frame's globals",
    "f_locals": "reaches a frame's locals",
    "f_back": "walks the call stack",
    "modules": "reaches the loaded modules",
    "_exit": "kills the grader's Python kernel",
    "abort": "kills the grader's Python kernel",
    "kill": "kills processes",
    "system": "runs shell commands",
}
REFUSED_NAMES = {"__builtins__": "reaches the built-ins", "__file__": "locates course files"}
MAGIC = re.compile(r"^\s*(!|%)", re.MULTILINE)


@dataclass(frozen=True)
class Finding:
    """One refused construct: where it is and why it is refused."""

    cell: str
    line: int
    code: str
    why: str

    def __str__(self) -> str:
        return f"cell {self.cell}, line {self.line}: `{self.code}` {self.why}"


def lesson_package(name: str) -> bool:
    """Whether ``name`` is a lesson folder's package (``lessons.l03_generator_aliasing``)."""
    parts = name.split(".")
    return len(parts) == 2 and parts[0] == "lessons" and bool(LESSON_FOLDER.fullmatch(parts[1]))


def lesson_helper(name: str) -> bool:
    """Whether ``name`` is (inside) a lesson's helper module: ``lessons.<lesson>.<helper>``, where the
    helper is none of the lesson's checks, wrong answers, tests (``test_*``) or texts."""
    parts = name.split(".")
    return (
        len(parts) >= 3
        and lesson_package(".".join(parts[:2]))
        and parts[2] not in NOT_HELPERS
        and not parts[2].startswith("test_")
    )


def allowed_module(name: str) -> bool:
    """Whether an answer may import ``name`` (a dotted module path)."""
    if any(name == m or name.startswith(m + ".") for m in REFUSED_MODULES):
        return False
    return any(name == m or name.startswith(m + ".") for m in ALLOWED_MODULES) or lesson_helper(name)


class _Scanner(ast.NodeVisitor):
    def __init__(self, cell: str, source: str, protected: dict[str, str], own: set[str]):
        self.cell, self.lines, self.protected, self.own = cell, source.splitlines(), protected, own
        self.modules: set[str] = set(protected)  # names bound to modules (the setup's, and ours)
        self.findings: list[Finding] = []

    def flag(self, node: ast.AST, why: str) -> None:
        line = getattr(node, "lineno", 1)
        code = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        self.findings.append(Finding(self.cell, line, code[:80], why))

    # imports -----------------------------------------------------------------------------
    def _bind_import(self, node: ast.AST, alias: str, module: str) -> None:
        if alias in self.protected and self.protected[alias] != module:
            self.flag(node, f"rebinds `{alias}`, which the lab's setup cell defined (the checks use it)")
        self.modules.add(alias)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if not allowed_module(a.name):
                self.flag(node, f"imports `{a.name}`, which answers may not use")
            self._bind_import(
                node, a.asname or a.name.split(".")[0], a.name if a.asname else a.name.split(".")[0]
            )

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = "." * node.level + (node.module or "")
        # ``from lessons.l03_generator_aliasing import generators``: each name imported is judged.
        package = not node.level and lesson_package(module)
        if node.level or not (package or allowed_module(module)):
            self.flag(node, f"imports from `{module}`, which answers may not use")
        for a in node.names:
            full = f"{module}.{a.name}"
            refused_below = package or any(full.startswith(m) for m in REFUSED_MODULES)
            if a.name == "*" or not allowed_module(full) and refused_below:
                self.flag(node, f"imports `{full}`, which answers may not use")
            self._bind_import(node, a.asname or a.name, full)

    # bindings ----------------------------------------------------------------------------
    def _check_target(self, target: ast.AST, node: ast.AST) -> None:
        if isinstance(target, ast.Name) and target.id in self.protected:
            self.flag(node, f"rebinds `{target.id}`, which the lab's setup cell defined (the checks use it)")
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            root = target
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if isinstance(root, ast.Name) and root.id in self.modules:
                self.flag(node, f"changes `{ast.unparse(target)}`, part of a module the checks rely on")
        elif isinstance(target, (ast.Tuple, ast.List)):
            for t in target.elts:
                self._check_target(t, node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            self._check_target(t, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._check_target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._check_target(node.target, node)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for t in node.targets:
            self._check_target(t, node)
        self.generic_visit(node)

    def visit_For(self, node: ast.For) -> None:
        self._check_target(node.target, node)
        self.generic_visit(node)

    def _check_def(self, node: ast.AST, name: str) -> None:
        if name in self.protected:
            self.flag(node, f"rebinds `{name}`, which the lab's setup cell defined (the checks use it)")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check_def(node, node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._check_def(node, node.name)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._check_def(node, name)

    # uses --------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in REFUSED_ATTRIBUTES:
            self.flag(node, f"uses `.{node.attr}`, which {REFUSED_ATTRIBUTES[node.attr]}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in REFUSED_NAMES:
            self.flag(node, f"uses `{node.id}`, which {REFUSED_NAMES[node.id]}")
        elif node.id in REFUSED_CALLS and isinstance(node.ctx, ast.Load) and node.id not in self.own:
            # A call or a bare reference (``run = exec``) alike; a name the student bound
            # (``input = keras.Input(...)``) is theirs.
            self.flag(node, f"uses `{node.id}`, which {REFUSED_CALLS[node.id]}")


def names_bound(tree: ast.AST) -> set[str]:
    """Every name a piece of code binds: assignments, parameters, definitions, imports."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound


def _names_bound_by_imports(source: str) -> dict[str, str]:
    """``{name: module path}`` for every name an instructor code cell binds by importing."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                bound[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                bound[a.asname or a.name] = f"{node.module}.{a.name}"
    return bound


def protected_names(locked_sources: list[str]) -> dict[str, str]:
    """Names the lab's locked cells import (``check``, ``np``, ``keras``...) and what they are."""
    names: dict[str, str] = {}
    for source in locked_sources:
        names.update(_names_bound_by_imports(source))
    return names


def scan(cells: list[tuple[str, str]], protected: dict[str, str] | None = None) -> list[Finding]:
    """Every refused construct in a submission's own code cells (``[(cell name, source)]``).

    Cells that do not compile are skipped: the autograder reports their SyntaxError itself, and
    code that does not compile cannot run.
    """
    trees: list[tuple[str, str, ast.AST]] = []
    findings: list[Finding] = []
    for cell, source in cells:
        magic = MAGIC.search(source)
        if magic:
            line = source[: magic.start()].count("\n") + 1
            code = source.splitlines()[line - 1].strip()
            findings.append(
                Finding(
                    cell, line, code[:80], "is a shell command or IPython magic, which answers may not use"
                )
            )
            continue
        try:
            trees.append((cell, source, ast.parse(source)))
        except SyntaxError:
            continue
    own = set().union(*(names_bound(tree) for _, _, tree in trees)) if trees else set()
    for cell, source, tree in trees:
        scanner = _Scanner(cell, source, dict(protected or {}), own - set(REFUSED_NAMES))
        scanner.visit(tree)
        findings.extend(scanner.findings)
    return findings


def tampering(
    lab: str, cells: list[dict], root: Path | None = None, course: Sequence[dict] | None = None
) -> list[Finding]:
    """The refused constructs in the learner's own code cells of a notebook of ``lab``.

    ``cells`` are dicts with ``type``, ``grade_id`` and ``source`` (and optionally ``name``, how
    to call the cell in a message). Untouched course cells and locked cells are not the learner's
    code and are not scanned; the self-check calls this too, so a learner hears about a refused
    line before submitting, in the grader's words. ``course``: the course's cells to tell apart
    (dicts like :func:`pitfalls.notebook_cells.release_cells`'); by default the release's. The
    self-check passes its own when the learner works in the release file itself, whose cells are
    then the learner's too.
    """
    release = release_cells(lab, root) if course is None else course
    course_code = {c["source"].strip() for c in release if c["type"] == "code"}
    locked_ids = {c["grade_id"] for c in release if c["locked"] and c["grade_id"]}
    student_code = [
        (c.get("name") or c["grade_id"] or f"#{i + 1}", c["source"])
        for i, c in enumerate(cells)
        if c["type"] == "code" and c["grade_id"] not in locked_ids and c["source"].strip() not in course_code
    ]
    locked_code = [c["source"] for c in release if c["type"] == "code" and c["locked"]]
    return scan(student_code, protected_names(locked_code))
