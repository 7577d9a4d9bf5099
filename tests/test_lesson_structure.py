"""Every "Predict" prompt of a lesson is answered by the learner's own committed guess.

The shape (CONTRIBUTING, "A lesson"): after a markdown cell that says **Predict**, the next code
cell holds only guesses left as ``...``, each with a comment saying what form it takes
(``my_prediction = ...  # your guess: a number``); every guess is read again later (by
``versus``, which prints it beside the measurement); and no *visible* code cell asserts: the
asserts that prove the text sit in cells collapsed in JupyterLab
(``# %% jupyter={"source_hidden": true}``), so what the learner sees is one "predicted vs
measured" line. Judged on the notebook jupytext reads from each ``lesson.py`` (cells, their
metadata, the code's syntax tree), not on spelling; the template lesson is held to it too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from conftest import ROOT

from pitfalls.course import lessons

PROMPT = re.compile(r"^\*{1,2}Predict\b", re.MULTILINE)  # "**Predict:**" or "*Predict:*" opening a line
TEXTS = [lesson.text for lesson in lessons(ROOT)] + [ROOT / "lessons" / "_template" / "lesson.py"]


def collapsed(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.metadata.get("jupyter", {}).get("source_hidden"))


def _tree(cell: nbformat.NotebookNode) -> ast.Module:
    return ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith(("%", "!"))))


def guesses(cell: nbformat.NotebookNode) -> list[str]:
    """The names a prediction cell leaves as ``...``; empty unless the cell holds nothing else."""
    names = []
    for statement in _tree(cell).body:
        value = getattr(statement, "value", None)
        targets = getattr(statement, "targets", [getattr(statement, "target", None)])
        if not (isinstance(value, ast.Constant) and value.value is Ellipsis):
            return []
        if not all(isinstance(t, ast.Name) for t in targets):
            return []
        names += [t.id for t in targets]
    return names


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """What in a lesson breaks the predict → guess → experiment → measured-line shape, in words."""
    found = []
    cells = nb.cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and PROMPT.search(cell.source):
            after = next((c for c in cells[index + 1 :] if c.cell_type == "code"), None)
            named = guesses(after) if after is not None else []
            where = cell.source.strip().splitlines()[-1][:70]
            if not named:
                found.append(f"cell {index} asks to predict ({where!r}) but no guess cell follows it")
            elif any("#" not in line for line in after.source.splitlines() if "=" in line):
                found.append(f"a guess after cell {index} does not say, in a comment, what form it takes")
            for name in named:
                later = [c for c in cells[cells.index(after) + 1 :] if c.cell_type == "code"]
                read = any(
                    isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
                    for c in later
                    for n in ast.walk(_tree(c))
                )
                if not read:
                    found.append(f"the guess {name} (after cell {index}) is never shown beside a measurement")
        if cell.cell_type == "code" and not collapsed(cell):
            if any(isinstance(n, ast.Assert) for n in ast.walk(_tree(cell))):
                first = cell.source.strip().splitlines()[0][:70]
                found.append(
                    f"visible code cell {index} ({first!r}) asserts: move its asserts to a collapsed cell"
                )
    return found


@pytest.mark.parametrize("text", TEXTS, ids=lambda p: p.parent.name)
def test_every_prediction_is_written_down_and_every_assert_is_collapsed(text: Path):
    nb = jupytext.read(text)
    assert not problems(nb), "\n".join(problems(nb))


def _lesson(*cells: str) -> nbformat.NotebookNode:
    return jupytext.reads("\n\n".join(cells), fmt="py:percent")


GOOD = (
    "# %% [markdown]\n# Some text.\n#\n# **Predict:** how many?",
    "# %%\nmy_prediction = ...  # your guess: a number",
    "# %%\nn = 3\nversus(my_prediction, n, 'how many')",
    '# %% jupyter={"source_hidden": true}\n# checks that the text above is true (collapsed)\nassert n == 3',
)


def test_the_shape_itself_passes():
    assert problems(_lesson(*GOOD)) == []


@pytest.mark.parametrize(
    ("cells", "said"),
    [
        ((GOOD[0], GOOD[2]), "no guess cell follows"),  # prompt, then straight to the experiment
        ((GOOD[0], "# %%\nmy_prediction = 3", GOOD[2]), "no guess cell follows"),  # answer pre-filled
        ((GOOD[0], GOOD[1], "# %%\nprint(3)"), "never shown beside"),  # guess never compared
        ((GOOD[0], "# %%\nmy_prediction = ...", *GOOD[2:]), "what form"),  # no hint of the form
        ((*GOOD[:3], "# %%\nassert n == 3"), "asserts"),  # assert in a visible cell
        ((*GOOD, "# %%\nfor i in range(2):\n    assert i < 2"), "asserts"),  # nested, still visible
    ],
)
def test_a_broken_shape_is_named(cells, said):
    assert any(said in p for p in problems(_lesson(*cells)))


def test_jupytext_keeps_the_collapsed_flag_on_the_way_to_the_notebook():
    nb = _lesson(*GOOD)
    assert collapsed(nb.cells[-1]) and not collapsed(nb.cells[-2])
