"""Grade a lab's real test cells in this process, the way nbgrader scores them.

Why: a real ``nbgrader autograde`` costs a kernel, a TensorFlow import and a gradebook per
submission (minutes per lab). The checks are plain Python, so the scoring rule can be reproduced
here: a test cell scores its points unless it raises **or writes anything to stderr** (a shown
warning, a ``print(file=sys.stderr)``, a C-level write to fd 2, a log record that a handler would
print) — nbgrader's ``determine_grade`` zeroes a cell with a stderr stream (the field notes' "stderr
trap"), after the autograder's own ``IgnorePattern`` (``autograder/nbgrader_config.py``) has
dropped the stderr outputs it forgives. A cell whose last expression is a value scores it as partial credit, as nbgrader does.

The namespace is built as a notebook would: the master's setup and solution cells, in order, with
a variant's cells swapped in by grade_id, under ``NBGRADER_EXECUTION=autograde`` (so the self-check
cell stands aside, as it does under nbgrader).

Every test cell starts from the same process state (:func:`reset_state`: a fresh Keras session,
the session's seed, the warning filters the namespace's cells left): the checks are written to be
run in any order, and this makes a cell's outcome a function of its code and of the values it
reads. That is what lets ``tests/cell_inputs.py`` skip a cell whose inputs equal the reference solution's.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass, field

from pitfalls.authoring.labs import setup_and_solution_cells, test_cells
from pitfalls.checks.selfcheck import ignore_pattern, unforgiven_stderr
from pitfalls.course import Lab

SEED = 0  # the seed every lab's setup cell passes to pitfalls.session.start


@dataclass(frozen=True)
class CellResult:
    """One graded test cell: its score, and the text nbgrader's feedback would show."""

    grade_id: str
    score: float
    max_score: float
    failure: str = ""  # exception and stderr text; empty when the cell passed cleanly
    reused: bool = False  # taken from the reference solution's run (inputs proven equal)

    @property
    def passed(self) -> bool:
        return self.score == self.max_score


@dataclass
class Built:
    """A namespace made from a lab's setup and solution cells, and the warning filters they left."""

    lab: Lab
    namespace: dict
    filters: list = field(default_factory=list)
    swapped: dict = field(default_factory=dict)  # grade_id → the variant's code


def build(lab: Lab, cells: dict[str, str] | None = None) -> Built:
    """Execute the master's setup and solution cells (``cells`` replacing some, by grade_id)."""
    cells = dict(cells or {})
    unknown = set(cells) - {gid for gid, _ in setup_and_solution_cells(lab)}
    if unknown:
        raise KeyError(f"{lab.name}: the variant replaces cells the master does not have: {sorted(unknown)}")
    namespace: dict = {"__name__": f"notebook_{lab.name}"}
    with warnings.catch_warnings(), _nbgrader_env(), contextlib.redirect_stdout(io.StringIO()):
        for gid, code in setup_and_solution_cells(lab):
            exec(compile(cells.get(gid, code), f"<{lab.name}:{gid}>", "exec"), namespace)
        filters = list(warnings.filters)
    return Built(lab, namespace, filters, cells)


@contextlib.contextmanager
def _nbgrader_env():
    before = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = before


def reset_state(filters: list) -> None:
    """The process state every test cell starts from (see the module docstring)."""
    import keras

    keras.backend.clear_session(free_memory=False)
    keras.utils.set_random_seed(SEED)
    warnings.filters[:] = filters
    warnings._filters_mutated()  # forget which warnings were already shown ("once"/"default")


class _Chunks(io.StringIO):
    """A stream that remembers each ``write`` apart: the kernel sends each as its own stream
    output (a warning's lines in one), and ``IgnorePattern`` forgives a stream output as a whole."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []

    def write(self, s: str) -> int:
        self.chunks.append(s)
        return super().write(s)


def _printed_by(logger: logging.Logger, record: logging.LogRecord) -> str | None:
    """What the handlers of ``logger`` (or logging's last resort) would write for ``record`` to a
    stream other than stdout; ``None`` if nothing."""
    found, node = False, logger
    while node:
        for handler in node.handlers:
            if record.levelno >= handler.level and not isinstance(handler, logging.NullHandler):
                found = True
                if getattr(handler, "stream", None) not in (sys.stdout, sys.__stdout__):
                    return handler.format(record) + "\n"
        node = node.parent if node.propagate else None
    last = logging.lastResort
    if not found and last is not None and record.levelno >= last.level:
        return last.format(record) + "\n"
    return None


@contextlib.contextmanager
def _stderr_watch():
    """Every stderr output of the enclosed code, as the kernel would send it: Python-level writes,
    C-level writes to fd 2 (a line each), shown warnings, printed log records."""
    python_err = _Chunks()
    logged: list[str] = []
    original_call = logging.Logger.callHandlers

    def call_handlers(self, record):  # stands for the kernel's stderr: nothing is really printed
        text = _printed_by(self, record)
        if text:
            logged.append(text)

    sys.stderr.flush()
    saved_fd = os.dup(2)
    with tempfile.TemporaryFile() as fd_err, warnings.catch_warnings(record=True) as shown:
        # catch_warnings(record=True) keeps the filters: only warnings that pass them are recorded,
        # exactly those the kernel would print.
        os.dup2(fd_err.fileno(), 2)
        logging.Logger.callHandlers = call_handlers
        chunks: list[str] = []
        try:
            with contextlib.redirect_stderr(python_err), contextlib.redirect_stdout(io.StringIO()):
                yield chunks
        finally:
            logging.Logger.callHandlers = original_call
            sys.__stderr__.flush()
            os.dup2(saved_fd, 2)
            os.close(saved_fd)
            fd_err.seek(0)
            chunks.extend(python_err.chunks)
            chunks.extend(fd_err.read().decode(errors="replace").splitlines(keepends=True))
            chunks.extend(
                warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line) for w in shown
            )
            chunks.extend(logged)


def run_cell(built: Built, grade_id: str, code: str, points: float) -> CellResult:
    """Run one test cell in the namespace and score it as nbgrader's ``determine_grade`` would,
    after the autograder's ``IgnorePattern`` has dropped the stderr it forgives."""
    import ast

    from nbgrader.utils import get_partial_grade

    reset_state(built.filters)
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    error, value = "", None
    with _stderr_watch() as stderr:
        try:
            exec(compile(tree, f"<{built.lab.name}:{grade_id}>", "exec"), built.namespace)
            if last is not None:
                value = eval(
                    compile(ast.Expression(last.value), f"<{built.lab.name}:{grade_id}>", "eval"),
                    built.namespace,
                )
        except Exception as exc:  # noqa: BLE001 - a test cell's error is its result
            error = "".join(traceback.format_exception_only(type(exc), exc))
    noise = unforgiven_stderr(stderr, ignore_pattern())
    failure = "\n".join(t for t in (error, noise) if t).strip()
    if failure:
        return CellResult(grade_id, 0.0, points, failure)
    if value is not None:
        output = {"output_type": "execute_result", "data": {"text/plain": repr(value)}}
        return CellResult(grade_id, float(get_partial_grade(output, points)), points)
    return CellResult(grade_id, points, points)


def grade(built: Built) -> dict[str, CellResult]:
    """Every test cell of the lab (hidden tests included), run in ``built``'s namespace."""
    return {gid: run_cell(built, gid, code, points) for gid, code, points in test_cells(built.lab)}
