"""Mutation testing of every lab: how many small wrong answers do the checks catch?

Why: a check that passes the reference solution and the handful of wrong answers in
``wrong_answers.py`` may still pass most of what learners really write (issue 15 found nine such
answers earning full marks). A *mutant* is the reference solution with one small change of the
kind a learner makes — an operator (``+``/``-``, ``<``/``<=``, ``//``/``/``), a constant ± 1 (an
axis, a size, a slice bound), a dropped keyword argument (``axis=``, ``vmin=``, ``**kwargs``), two
outputs swapped, a slice bound moved or dropped. Each is run through the lab's real graded test
cells in this process (:mod:`pitfalls.authoring.inprocess_grading`, scored as nbgrader scores
them); a mutant that keeps every point is a hole in the checks.

Score of a lab = killed / (mutants − equivalent). An *equivalent* mutant computes what the
solution computes (``np.zeros(m, dtype=…)`` without the dtype, where the sums are the same), so no
check can or should kill it: each is listed, with why, in the lesson folder's
``equivalent_mutants.toml``; a listed mutant the tool no longer makes, or that a check kills, is an
error (the list must stay true). ``python -m pitfalls.authoring.mutants [lab ...] --record`` runs
the mutants and writes ``mutation.json`` beside it, with a digest of what the score depends on (the
solution cells, the checks, the equivalents list, this file); ``tests/test_mutants.py`` prints the
recorded scores, fails when a lab is below :data:`TARGET` or its record is stale, and (slow tier)
re-runs the mutants to compare.

Cost: only the test cells that read a name the mutated cell binds are run, in the lab's order,
stopping at the first that fails; so a cell that trains a model runs only for the mutants every
earlier check let through. Each mutant has a time limit (:func:`time_limit`); a mutant that runs
past it counts as killed, as the autograder's cell timeout would zero it.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import hashlib
import io
import json
import re
import signal
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import tomllib
from nbgrader.utils import is_solution

from pitfalls.authoring.labs import setup_and_solution_cells, solution_cells, test_cells
from pitfalls.course import Lab, lab_named, labs
from pitfalls.notebook_cells import grade_id

TARGET = 0.90  # the share of non-equivalent mutants every lab's checks must kill (issue 15)
EQUIVALENTS = "equivalent_mutants.toml"
RECORD = "mutation.json"

BINARY = {
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult, ast.FloorDiv),
    ast.FloorDiv: (ast.Div,),
    ast.Mod: (ast.FloorDiv,),
    ast.Pow: (ast.Mult,),
    ast.MatMult: (ast.Mult,),
}
COMPARE = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
BOOLEAN = {ast.And: ast.Or, ast.Or: ast.And}


@dataclass(frozen=True)
class Mutant:
    """One small change to one solution cell."""

    cell: str  # the solution cell's grade_id
    where: str  # the function or class it is in
    kind: str  # operator, constant, axis, keyword, swap, slice
    before: str  # the changed line, unparsed
    after: str
    code: str  # the whole mutated cell

    @property
    def key(self) -> str:
        """How the mutant is named in ``equivalent_mutants.toml`` and reports: stable while the
        line itself is unchanged (line numbers are not part of it)."""
        return f"{self.cell} {self.where}: {self.before} → {self.after}"


# --- making mutants ------------------------------------------------------------------------------
Change = tuple[str, Callable[[ast.AST], None]]  # (kind, an in-place edit of the node)


def _set(attr: str, value) -> Callable[[ast.AST], None]:
    def edit(node: ast.AST) -> None:
        setattr(node, attr, value() if callable(value) else value)

    return edit


def _shifted(expr: ast.expr, delta: int) -> ast.expr:
    op = ast.Add() if delta > 0 else ast.Sub()
    return ast.BinOp(left=copy.deepcopy(expr), op=op, right=ast.Constant(abs(delta)))


def _constant_changes(node: ast.Constant, kind: str) -> list[Change]:
    value = node.value
    if isinstance(value, bool):
        return [(kind, _set("value", not value))]
    if isinstance(value, int | float):
        return [(kind, _set("value", value + 1)), (kind, _set("value", value - 1))]
    return []


def _drop_keyword(i: int) -> Callable[[ast.AST], None]:
    def edit(node: ast.Call) -> None:
        del node.keywords[i]

    return edit


def _swap(node: ast.Tuple | ast.List) -> None:
    node.elts[0], node.elts[1] = node.elts[1], node.elts[0]


def _slice_changes(node: ast.Slice) -> list[Change]:
    changes: list[Change] = []
    for attr, absent in (("lower", 1), ("upper", -1)):
        bound = getattr(node, attr)
        if bound is None:
            changes.append(("slice", _set(attr, lambda absent=absent: ast.Constant(absent))))
            continue
        changes.append(("slice", _set(attr, None)))
        if not isinstance(bound, ast.Constant):  # constants move by ± 1 as constants already
            for delta in (1, -1):
                changes.append(("slice", _set(attr, lambda b=bound, d=delta: _shifted(b, d))))
    return changes


def changes_of(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> list[Change]:
    """Every single-node change the mutator makes to ``node`` (each an in-place edit)."""
    if isinstance(node, ast.BinOp | ast.AugAssign):
        return [("operator", _set("op", new)) for new in BINARY.get(type(node.op), ())]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not | ast.Invert):
        return [("operator", _set("op", ast.UAdd))]  # -x → +x: the sign (or the not) dropped
    if isinstance(node, ast.BoolOp):
        return [("operator", _set("op", BOOLEAN[type(node.op)]))]
    if isinstance(node, ast.Compare):
        return [
            ("operator", _compare_edit(i, COMPARE[type(op)]))
            for i, op in enumerate(node.ops)
            if type(op) in COMPARE
        ]
    if isinstance(node, ast.Constant) and not _is_docstring(node, parents):
        parent = parents.get(node)
        axis = isinstance(parent, ast.keyword) and parent.arg == "axis"
        axis = axis or isinstance(parent, ast.List | ast.Tuple) and _is_axis_value(parent, parents)
        return _constant_changes(node, "axis" if axis else "constant")
    if isinstance(node, ast.Call):
        return [("keyword", _drop_keyword(i)) for i in range(len(node.keywords))]
    if isinstance(node, ast.Tuple | ast.List) and len(node.elts) >= 2 and _is_output(node, parents):
        return [("swap", _swap)]
    if isinstance(node, ast.Slice):
        return _slice_changes(node)
    return []


def _compare_edit(i: int, new: type) -> Callable[[ast.AST], None]:
    def edit(node: ast.Compare) -> None:
        node.ops[i] = new()

    return edit


def _is_docstring(node: ast.AST, parents: dict) -> bool:
    return isinstance(node.value, str) and isinstance(parents.get(node), ast.Expr)


def _is_axis_value(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    return isinstance(parent, ast.keyword) and parent.arg == "axis"


def _is_output(node: ast.AST, parents: dict) -> bool:
    """A tuple or list that is returned, yielded, assigned, unpacked into names (``h, w = …``) or
    passed: its order is its meaning."""
    parent = parents.get(node)
    if isinstance(parent, ast.Assign) and node is not parent.value:  # a, b = x, y: swap the values only
        return not isinstance(parent.value, ast.Tuple | ast.List)
    if isinstance(parent, ast.Return | ast.Yield | ast.Assign):
        return True
    return isinstance(parent, ast.Call) and node in parent.args


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _where(node: ast.AST, parents: dict) -> str:
    names = []
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
    return ".".join(reversed(names)) or "<cell>"


def _statement(node: ast.AST, parents: dict) -> ast.stmt:
    while not isinstance(node, ast.stmt):
        node = parents[node]
    return node


def _changed_line(before: str, after: str) -> tuple[str, str]:
    """The first line that differs between two unparsed statements (a compound statement's header,
    or the one-line statement itself)."""
    for old, new in zip(before.splitlines(), after.splitlines(), strict=False):
        if old != new:
            return old.strip(), new.strip()
    return before.splitlines()[0].strip(), after.splitlines()[0].strip()


MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION")


def learner_lines(source: str) -> set[int]:
    """The line numbers (1-based) between ``### BEGIN SOLUTION`` and ``### END SOLUTION``: the code
    a learner writes. The rest of a solution cell (a ``def`` line, its defaults, a given
    ``__init__``) is the lab's, and changing it is no mistake a learner makes. Every line when the
    cell has no markers."""
    lines, inside, found = set(), False, False
    for number, line in enumerate(source.splitlines(), start=1):
        match = MARKER.match(line)
        if match:
            inside, found = match.group(1) == "BEGIN", True
        elif inside:
            lines.add(number)
    return lines if found else set(range(1, len(source.splitlines()) + 1))


def mutants_of(cell: str, source: str) -> list[Mutant]:
    """Every mutant of one solution cell (its master source, markers included), each a single
    change to a node that starts on a line the learner writes; changes that give the same code as
    the solution or as an earlier mutant are dropped."""
    tree = ast.parse(source)  # the markers are comments: the master cell parses as it is
    original = ast.unparse(tree)
    seen = {original}
    out: list[Mutant] = []
    nodes = list(ast.walk(tree))
    parents = _parents(tree)
    mine = learner_lines(source)
    for index, node in enumerate(nodes):
        if _line(node, parents) not in mine:
            continue
        for kind, edit in changes_of(node, parents):
            mutated = copy.deepcopy(tree)
            target = list(ast.walk(mutated))[index]
            statement = ast.unparse(_statement(node, parents))
            edit(target)
            ast.fix_missing_locations(mutated)
            text = ast.unparse(mutated)
            if text in seen:
                continue
            seen.add(text)
            new_parents = _parents(mutated)
            before, after = _changed_line(statement, ast.unparse(_statement(target, new_parents)))
            out.append(Mutant(cell, _where(node, parents), kind, before, after, text + "\n"))
    return out


def _line(node: ast.AST, parents: dict) -> int | None:
    while not hasattr(node, "lineno") and node in parents:
        node = parents[node]
    return getattr(node, "lineno", None)


def master_solution_cells(lab: Lab) -> dict[str, str]:
    """``{grade_id: source}`` of the master's solution cells, nbgrader's markers kept."""
    nb = nbformat.read(lab.source, as_version=4)
    return {grade_id(c): c.source for c in nb.cells if is_solution(c)}


def lab_mutants(lab: Lab) -> list[Mutant]:
    """Every mutant of every solution cell of ``lab``, in the lab's order."""
    return [m for gid, source in master_solution_cells(lab).items() for m in mutants_of(gid, source)]


# --- equivalents ---------------------------------------------------------------------------------
def equivalents_path(lab: Lab) -> Path:
    return lab.lesson.dir / EQUIVALENTS


def load_equivalents(lab: Lab) -> dict[str, str]:
    """``{mutant key: why it computes what the solution computes}`` from the lesson folder."""
    path = equivalents_path(lab)
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text()).get("equivalent", [])
    return {e["mutant"]: e["why"] for e in entries}


# --- running mutants -----------------------------------------------------------------------------
class MutantTimeout(Exception):
    """The mutant ran past its time limit (the autograder would have timed the cell out)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`MutantTimeout` in this (main) thread after ``seconds``."""

    def alarm(signum, frame):
        raise MutantTimeout(f"ran past its {seconds:.0f} s limit")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Outcome:
    mutant: Mutant
    killed_by: str | None  # the test cell that failed (or "definition", "timeout"); None: survived
    seconds: float
    message: str = ""


def _reads(code: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Name)}


def _binds(code: str) -> set[str]:
    tree = ast.parse(code)
    return {
        n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    } | {
        t.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign)
        for t in n.targets
        if isinstance(t, ast.Name)
    }


@dataclass
class LabRun:
    """A lab's reference namespace (setup cells run once) and how its test cells are reached."""

    lab: Lab
    built: object  # inprocess_grading.Built
    solution: dict[str, str]  # grade_id → the reference solution cell
    tests: list[tuple[str, str, float]]
    reference_seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def prepare(cls, lab: Lab) -> LabRun:
        from pitfalls.authoring.inprocess_grading import build, run_cell

        built = build(lab)
        run = cls(lab, built, solution_cells(lab), test_cells(lab))
        for gid, code, points in run.tests:
            t0 = time.perf_counter()
            result = run_cell(built, gid, code, points)
            run.reference_seconds[gid] = time.perf_counter() - t0
            if not result.passed:
                raise RuntimeError(f"{lab.name}: the reference solution fails {gid}:\n{result.failure}")
        return run

    def cells_for(self, cell: str) -> list[tuple[str, str, float]]:
        """The test cells that read a name the solution cell ``cell`` binds, in the lab's order."""
        names = _binds(self.solution[cell])
        return [t for t in self.tests if _reads(t[1]) & names]

    def limit(self, cell: str) -> float:
        """A mutant's time limit: 5 × what its test cells took on the solution, plus 10 s."""
        return 10.0 + 5 * sum(self.reference_seconds[gid] for gid, _, _ in self.cells_for(cell))

    def run(self, mutant: Mutant) -> Outcome:
        from pitfalls.authoring.inprocess_grading import Built, _nbgrader_env, run_cell

        t0 = time.perf_counter()
        namespace = dict(self.built.namespace)
        built = Built(self.lab, namespace, self.built.filters, {mutant.cell: mutant.code})
        try:
            with time_limit(self.limit(mutant.cell)):
                try:
                    with (
                        warnings.catch_warnings(),
                        _nbgrader_env(),
                        contextlib.redirect_stdout(io.StringIO()),
                    ):
                        for gid, code in setup_and_solution_cells(self.lab):
                            if gid in self.solution:
                                exec(
                                    compile(mutant.code if gid == mutant.cell else code, gid, "exec"),
                                    namespace,
                                )
                except MutantTimeout:
                    raise
                except Exception as exc:  # noqa: BLE001 - a cell that fails to run kills the mutant
                    return Outcome(mutant, "definition", time.perf_counter() - t0, repr(exc))
                for gid, code, points in self.cells_for(mutant.cell):
                    result = run_cell(built, gid, code, points)
                    if "MutantTimeout" in result.failure:
                        raise MutantTimeout(result.failure)
                    if not result.passed:
                        return Outcome(mutant, gid, time.perf_counter() - t0, result.failure[-300:])
        except MutantTimeout as exc:
            return Outcome(mutant, "timeout", time.perf_counter() - t0, str(exc))
        return Outcome(mutant, None, time.perf_counter() - t0)


@dataclass
class Score:
    lab: str
    killed: int
    equivalent: int
    total: int
    seconds: float
    survivors: list[str]
    digest: str

    @property
    def counted(self) -> int:
        return self.total - self.equivalent

    @property
    def share(self) -> float:
        return self.killed / self.counted if self.counted else 1.0

    def line(self) -> str:
        return (
            f"{self.lab}: {self.killed}/{self.counted} non-equivalent mutants killed "
            f"({100 * self.share:.1f} %; {self.equivalent} equivalent listed, {self.seconds:.0f} s)"
        )


def digest(lab: Lab) -> str:
    """What a lab's score depends on: its solution cells, test cells, checks, equivalents, this tool."""
    h = hashlib.sha256()
    for gid, code in sorted(solution_cells(lab).items()):
        h.update(f"{gid}\0{code}\0".encode())
    for gid, code, points in test_cells(lab):
        h.update(f"{gid}\0{code}\0{points}\0".encode())
    for path in digested_files(lab):
        h.update(f"{path.relative_to(lab.root)}\0".encode())
        h.update(path.read_bytes() if path.exists() else b"\0")
    return h.hexdigest()[:16]


def digested_files(lab: Lab) -> list[Path]:
    """The files a lab's score depends on besides its master: the lesson folder's checks and the
    helpers they import, its equivalents, the shared check vocabulary, this tool."""
    folder = lab.lesson.dir
    helpers = sorted(
        p
        for p in folder.glob("*.py")
        if p.name not in ("lesson.py", "lab.py", "wrong_answers.py", "__init__.py")
        and not p.name.startswith("test_")
    )
    core = Path(__file__).resolve().parents[1] / "checks" / "core.py"
    return [*helpers, equivalents_path(lab), core, Path(__file__).resolve()]


def score_lab(lab: Lab, progress: Callable[[Outcome], None] | None = None) -> tuple[Score, list[Outcome]]:
    """Run every mutant of ``lab``; fail loudly when the equivalents list is not true."""
    t0 = time.perf_counter()
    equivalents = load_equivalents(lab)
    mutants = lab_mutants(lab)
    keys = {m.key for m in mutants}
    stale = sorted(set(equivalents) - keys)
    if stale:
        raise ValueError(f"{lab.name}: {EQUIVALENTS} lists mutants the tool does not make: {stale}")
    run = LabRun.prepare(lab)
    outcomes = []
    for mutant in mutants:
        outcome = run.run(mutant)
        outcomes.append(outcome)
        if progress:
            progress(outcome)
    wrongly = sorted(o.mutant.key for o in outcomes if o.killed_by and o.mutant.key in equivalents)
    if wrongly:
        raise ValueError(f"{lab.name}: {EQUIVALENTS} lists mutants a check kills (not equivalent): {wrongly}")
    survivors = [o.mutant.key for o in outcomes if not o.killed_by and o.mutant.key not in equivalents]
    killed = sum(1 for o in outcomes if o.killed_by)
    score = Score(
        lab.name, killed, len(equivalents), len(mutants), time.perf_counter() - t0, survivors, digest(lab)
    )
    return score, outcomes


def record_path(lab: Lab) -> Path:
    return lab.lesson.dir / RECORD


def write_record(score: Score, outcomes: list[Outcome]) -> None:
    lab = lab_named(score.lab)
    data = {
        "lab": score.lab,
        "digest": score.digest,
        "killed": score.killed,
        "equivalent": score.equivalent,
        "total": score.total,
        "seconds": round(score.seconds, 1),
        "survivors": score.survivors,
        "killed_by": {
            cell: sum(1 for o in outcomes if o.killed_by == cell)
            for cell in sorted({o.killed_by for o in outcomes if o.killed_by})
        },
    }
    record_path(lab).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def read_record(lab: Lab) -> Score | None:
    path = record_path(lab)
    if not path.exists():
        return None
    d = json.loads(path.read_text())
    return Score(
        d["lab"], d["killed"], d["equivalent"], d["total"], d["seconds"], d["survivors"], d["digest"]
    )


def stale_reason(lab: Lab) -> str | None:
    """Why the recorded score of ``lab`` cannot be trusted (no record, or one made from other
    sources); ``None`` when it stands for the lab as it is."""
    record = read_record(lab)
    if record is None:
        return f"{lab.name} has no {RECORD}"
    if record.digest != digest(lab):
        return (
            f"{lab.name}'s {RECORD} was made from other sources (solution, checks, equivalents or this tool)"
        )
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab names (default: every lab of the catalogue)")
    parser.add_argument("--record", action="store_true", help=f"write each lab's {RECORD}")
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    parser.add_argument(
        "--compare", action="store_true", help=f"fail unless the run gives what {RECORD} says (the slow test)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print every mutant's outcome")
    args = parser.parse_args(argv)
    from pitfalls.session import start

    chosen = [lab_named(n) for n in args.labs] if args.labs else labs()
    if args.list:
        for lab in chosen:
            for m in lab_mutants(lab):
                print(f"{lab.name} [{m.kind}] {m.key}")
        return 0
    start(seed=0, verbose=False)

    def progress(o: Outcome) -> None:
        if args.verbose or not o.killed_by:
            verdict = f"killed by {o.killed_by}" if o.killed_by else "SURVIVED"
            print(f"  {verdict:32s} {o.seconds:5.1f} s  {o.mutant.key}", flush=True)

    worst = 1.0
    for lab in chosen:
        print(f"{lab.name}: {len(lab_mutants(lab))} mutants", flush=True)
        score, outcomes = score_lab(lab, progress)
        print(score.line(), flush=True)
        worst = min(worst, score.share)
        if args.record:
            write_record(score, outcomes)
        if args.compare:
            recorded = read_record(lab)
            same = recorded is not None and (recorded.killed, recorded.total, recorded.equivalent) == (
                score.killed,
                score.total,
                score.equivalent,
            )
            if not same or recorded.digest != score.digest:
                print(f"{lab.name}: the run differs from {RECORD}: {recorded} vs {score}", flush=True)
                return 2
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
