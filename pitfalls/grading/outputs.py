"""Bound what a submission's cells may print or display, as they run, without changing its grade.

nbgrader limits output by *lines* (``LimitOutput``) and not at all for display data, so a loop of
``print`` or ``display`` can make a feedback page of tens of MiB and a ``generate_feedback`` of
minutes and GiBs. Here every output is charged what it will cost on the feedback page (its text,
with HTML escaping, or its encoded image) against a per-cell and a per-notebook allowance; what is
over is cut, and a line in the cell says how much.

The grade cannot change: nbgrader decides a test cell by its first error, ``stderr`` stream or
``execute_result`` that its ``IgnorePattern`` leaves (``nbgrader.utils.determine_grade``). So errors
and results are always kept, with their type, shortened if need be, and so is the first ``stderr``
output over the limit that the pattern would not remove; everything else may go.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import nbformat

KIB, MIB = 2**10, 2**20
KEEP_SHORT = 2 * KIB  # what a deciding output keeps when there is no room left


@dataclass(frozen=True)
class OutputQuota:
    """Bytes of output (as on the feedback page) one cell, and one notebook, may keep."""

    cell_bytes: int = 512 * KIB
    notebook_bytes: int = 4 * MIB


def _size(n: int) -> str:
    return f"{n / MIB:.1f} MiB" if n >= MIB else f"{n / KIB:.0f} KiB"


def _text_cost(text: str) -> int:
    return len(text) + 4 * sum(text.count(c) for c in '<>&"')


def cost(out: dict) -> int:
    """Roughly the bytes an output adds to an HTML page."""
    if out.get("output_type") == "stream":
        return _text_cost(_joined(out.get("text", "")))
    if out.get("output_type") == "error":
        return _text_cost(str(out.get("evalue", ""))) + sum(_text_cost(t) for t in out.get("traceback", []))
    total = 0
    for value in out.get("data", {}).values():
        total += _text_cost(_joined(value)) if isinstance(value, str | list) else len(json.dumps(value))
    return total


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _prefix(text: str, budget: int) -> str:
    cut = text[: max(budget, 0)]
    while cut and _text_cost(cut) > budget:
        cut = cut[: len(cut) * budget // _text_cost(cut) - 1]
    return cut


def shorten(out: dict, budget: int) -> None:
    """Cut an output in place to about ``budget`` bytes, keeping its type (and so its grade)."""
    budget = max(budget, KEEP_SHORT)
    kind = out.get("output_type")
    if kind == "stream":
        text = _joined(out.get("text", ""))
        out["text"] = _prefix(text, budget) + f"\n[… {len(text):,} characters in all; cut by the grader]\n"
    elif kind == "error":
        out["evalue"] = _prefix(str(out.get("evalue", "")), budget // 2)
        kept, room = [], budget // 2
        for line in reversed(out.get("traceback", [])):
            if _text_cost(line) > room:
                break
            kept.insert(0, line)
            room -= _text_cost(line)
        out["traceback"] = kept
    else:
        plain = _joined(out.get("data", {}).get("text/plain", ""))
        out["data"] = {"text/plain": _prefix(plain, budget)}
        out["metadata"] = {}


@dataclass
class _Tally:
    spent: int = 0
    kept_stderr: bool = False
    dropped: int = 0
    dropped_bytes: int = 0
    note: dict | None = None


@dataclass
class Budget:
    """The allowance of one notebook's run; :meth:`admit` judges each output as it arrives."""

    quota: OutputQuota = field(default_factory=OutputQuota)
    ignored: str | None = None  # nbgrader's IgnorePattern: stderr it removes cannot decide a grade
    spent: int = 0
    cells: dict[int, _Tally] = field(default_factory=dict)

    def admit(self, out: dict, cell: int) -> bool:
        """Keep ``out`` (perhaps shortened in place), or drop it (False: the caller removes it and
        puts :meth:`note` in its place)."""
        tally = self.cells.setdefault(cell, _Tally())
        room = min(self.quota.cell_bytes - tally.spent, self.quota.notebook_bytes - self.spent)
        price = cost(out)
        if price > room:
            if not self._must_keep(out, tally):
                tally.dropped += 1
                tally.dropped_bytes += price
                return False
            shorten(out, room)
            price = cost(out)
        tally.spent += price
        self.spent += price
        return True

    def _must_keep(self, out: dict, tally: _Tally) -> bool:
        """Whether dropping ``out`` could change the cell's grade: errors and results never go; of
        the ``stderr`` lines nbgrader would not ignore anyway, the first one over the limit stays."""
        kind = out.get("output_type")
        if kind in ("error", "execute_result"):
            return True
        if kind != "stream" or out.get("name") != "stderr":
            return False
        if self.ignored and re.search(self.ignored, _joined(out.get("text", ""))):
            return False
        keep, tally.kept_stderr = not tally.kept_stderr, True
        return keep

    def note(self, cell: int) -> tuple[dict, bool]:
        """The cell's line saying what was cut (updated in place), and whether it is new."""
        tally = self.cells[cell]
        text = (
            f"[The grader cut {tally.dropped:,} output(s) of this cell, {_size(tally.dropped_bytes)}: "
            f"a cell may keep {_size(self.quota.cell_bytes)} of output and a notebook "
            f"{_size(self.quota.notebook_bytes)}.]\n"
        )
        new = tally.note is None
        if new:
            tally.note = nbformat.v4.new_output("stream", name="stdout", text=text)
        else:
            tally.note["text"] = text
        return tally.note, new

    def notes(self, names: dict[int, str] | None = None) -> list[str]:
        """One line per cell that lost output, for the feedback's notes."""
        names = names or {}
        return [
            f"cell {names.get(i, f'#{i + 1}')} printed or displayed more than a feedback page can hold; "
            f"{t.dropped:,} output(s) ({_size(t.dropped_bytes)}) were cut"
            for i, t in sorted(self.cells.items())
            if t.dropped
        ]


def cap_cell_outputs(budget: Budget, outs: list, cell: int) -> list:
    """``outs`` with the allowance applied: what ``budget`` drops replaced by one note."""
    kept: list = []
    for out in outs:
        if budget.admit(out, cell):
            kept.append(out)
        else:
            note, new = budget.note(cell)
            if new:
                kept.append(note)
    return kept


def cap_notebook(nb, budget: Budget) -> Budget:
    """Apply the allowance to a notebook that already ran, in place; the budget says what was cut."""
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") == "code":
            cell["outputs"] = cap_cell_outputs(budget, cell.get("outputs", []), i)
    return budget
