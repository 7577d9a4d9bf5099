"""Text sources ↔ notebooks: a lesson's or lab's jupytext py:percent file becomes its ``.ipynb``.

Why text: diffs are readable, the linter reads the lesson code, and a merge conflict is a text
conflict. nbgrader's cell metadata sits on each ``# %%`` marker line
(``# %% nbgrader={"grade": true, "grade_id": "ex1-check", ...}``). The generated notebook gets
stable cell ids (its grade id, else its position) and the course's launch cells, so regenerating
an unchanged source rewrites the same bytes. :func:`text_from_notebook` is the way back for an
instructor who edited a master lab in JupyterLab's nbgrader toolbar.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat

from pitfalls.authoring.launch import BADGE_TAG, SETUP_TAG, tagged, with_launch_cells
from pitfalls.notebook_cells import grade_id

FORMAT = "py:percent"
#: No jupytext header in the text files; blank-line bookkeeping stays out of the notebooks.
TEXT_OPTIONS = {"notebook_metadata_filter": "-all", "cell_metadata_filter": "-lines_to_next_cell"}
#: The checkout whose pyproject.toml holds the course's ruff style (also when generating elsewhere).
STYLE_ROOT = Path(__file__).resolve().parents[2]
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Cell metadata a front end writes about its own view (scroll state, hidden inputs, run times):
#: not part of the lab, so an edited notebook's way back leaves it out of the text...
FRONT_END_METADATA = ("collapsed", "scrolled", "jupyter", "execution", "ExecuteTime", "trusted")
#: ...but for a collapsed source (``jupyter.source_hidden``), which lessons set on the cells of
#: asserts that check their text (``# %% jupyter={"source_hidden": true}``): kept.
KEPT_VIEW = {"source_hidden": True}


def notebook_from_text(text: Path, url: str, launch_target: str) -> nbformat.NotebookNode:
    """The notebook of a py:percent source, with launch cells that open ``launch_target``."""
    nb = jupytext.reads(text.read_text(encoding="utf-8"), fmt=FORMAT)
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("lines_to_next_cell", None)
        cell["id"] = grade_id(cell) or f"cell-{index:02d}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb = with_launch_cells(nb, url, launch_target)
    nbformat.validate(nb)
    return nb


def _ruff(args: list[str], text: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", "lessons/source.py", "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=STYLE_ROOT,
        check=False,
        timeout=60,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"ruff {args[0]} failed on a lesson source:\n{proc.stderr}")
    return proc.stdout


def canonical(text: str) -> str:
    """A lesson or lab source in its one canonical spelling: cells separated as jupytext writes
    them, imports sorted and code formatted as ruff does. Both tools accept one or two blank lines
    between cells, so without this the way back (:func:`text_from_notebook`) could not promise to
    return the exact text; ``make generate`` rewrites every source into this form."""
    nb = jupytext.reads(text, fmt=FORMAT)
    for cell in nb.cells:  # jupytext remembers the blank lines it read; the canonical form does not
        cell.metadata.pop("lines_to_next_cell", None)
    nb.metadata = nbformat.from_dict({"jupytext": dict(TEXT_OPTIONS)})
    sorted_imports = _ruff(
        ["check", "--fix", "--select", "I", "--quiet", "--exit-zero"], jupytext.writes(nb, fmt=FORMAT)
    )
    return _ruff(["format"], sorted_imports)


def canonicalise(path: Path) -> bool:
    """Rewrite a source file into :func:`canonical` form; True when it changed."""
    text = path.read_text(encoding="utf-8")
    new = canonical(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def text_from_notebook(notebook: Path) -> str:
    """A notebook back as its py:percent source (launch cells, outputs, ids and front-end view
    state dropped, ruff-formatted): for a generated notebook, exactly the text it was made from."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if not (tagged(c, BADGE_TAG) or tagged(c, SETUP_TAG))]
    for cell in nb.cells:
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden") is True
        for key in ("lines_to_next_cell", *FRONT_END_METADATA):
            cell.metadata.pop(key, None)
        if hidden:
            cell.metadata["jupyter"] = dict(KEPT_VIEW)
        if cell.metadata.get("tags") == []:  # JupyterLab leaves an empty list behind
            del cell.metadata["tags"]
    nb.metadata = nbformat.from_dict({"jupytext": dict(TEXT_OPTIONS)})
    return canonical(jupytext.writes(nb, fmt=FORMAT))


def write_notebook(nb: nbformat.NotebookNode, path: Path) -> bool:
    """Write ``nb`` to ``path`` unless the file already holds exactly that; True when written."""
    text = nbformat.writes(nb) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
