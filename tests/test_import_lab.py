"""The instructor's way back (``make import-lab``): a master edited in JupyterLab becomes lab.py.

It is lossless because ``text_from_notebook`` inverts ``notebook_from_text``: every generated
master (and lesson notebook) reads back as exactly the text it was made from. An edit made in the
notebook — text, code, nbgrader points — comes back in the text, and generating again gives the
edited cells; what a front end adds about its own view (scroll state, empty tag lists, outputs)
does not. ``import_lab`` refuses to overwrite a lab.py with uncommitted changes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from pitfalls.authoring.import_lab import ImportRefused, import_lab, main
from pitfalls.authoring.sources import notebook_from_text, text_from_notebook
from pitfalls.course import lab_named, labs, lessons

LAB = "lab01_tensors"


@pytest.mark.parametrize("lab", labs(ROOT), ids=lambda lab: lab.name)
def test_master_reads_back_as_its_lab_text(lab):
    assert text_from_notebook(lab.source) == lab.text.read_text(encoding="utf-8"), (
        f"{lab.source.relative_to(ROOT)} does not read back as {lab.text.relative_to(ROOT)}: run `make generate`"
    )


@pytest.mark.parametrize("lesson", lessons(ROOT), ids=lambda lesson: lesson.folder)
def test_lesson_notebook_reads_back_as_its_text(lesson):
    assert text_from_notebook(lesson.notebook) == lesson.text.read_text(encoding="utf-8")


def edit_like_jupyterlab(source: Path, target: Path) -> nbformat.NotebookNode:
    """The master as an instructor leaves it: an exercise reworded, a solution changed, a check
    worth more points, and JupyterLab's own traces (outputs, scroll state, empty tags, new ids)."""
    nb = nbformat.read(source, as_version=4)
    by_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    by_id["ex3-text"].source += "\n\nHint: `X.mean(axis=0)` is a row vector."
    by_id["ex3"].source = by_id["ex3"].source.replace(
        "return X - X.mean(axis=0)", "return X - X.mean(axis=0, keepdims=True)"
    )
    by_id["ex3-check"].metadata["nbgrader"]["points"] = 3
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"jupyterlab-{index}"
        cell.metadata["tags"] = cell.metadata.get("tags", [])
        if cell.cell_type == "code":
            cell.metadata["scrolled"] = True
            cell.execution_count = index
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    nbformat.write(nb, target)
    return nb


def test_an_edit_in_the_notebook_comes_back_in_the_text(tmp_path):
    lab = lab_named(LAB, ROOT)
    edited = edit_like_jupyterlab(lab.source, tmp_path / "edited.ipynb")
    text = text_from_notebook(tmp_path / "edited.ipynb")
    assert text != lab.text.read_text()
    assert "Hint: `X.mean(axis=0)` is a row vector." in text
    assert "return X - X.mean(axis=0, keepdims=True)" in text
    assert '"grade_id": "ex3-check", "locked": true, "points": 3,' in text
    assert "scrolled" not in text and "tags=[]" not in text and "\nran\n" not in text
    # Generating from the imported text gives back the edited cells, metadata included.
    (tmp_path / "lab.py").write_text(text)
    again = notebook_from_text(tmp_path / "lab.py", "https://github.com/o/r", "release/x.ipynb")
    original = nbformat.read(lab.source, as_version=4)
    assert len(again.cells) == len(original.cells)
    kept = [
        c
        for c in edited.cells
        if "launch-badges" not in c.metadata["tags"] and "colab-setup" not in c.metadata["tags"]
    ]
    assert [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in again.cells[2:]] == [
        (c.cell_type, c.source, c.metadata.get("nbgrader")) for c in kept
    ]


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def checkout(tmp_path, monkeypatch) -> Path:
    """A git checkout holding lab 1 only: its catalogue entry, lab.py and generated master."""
    lab = lab_named(LAB, ROOT)
    root = tmp_path / "repo"
    for path in (lab.text, lab.source):
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    catalogue = (ROOT / "lessons" / "catalogue.toml").read_text()
    entry = catalogue[catalogue.index('[[lesson]]\nfolder = "l01_') :].split("\n\n")[0]
    (root / "lessons" / "catalogue.toml").write_text(entry + "\n")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "lab 1")
    monkeypatch.setenv("PITFALLS_ROOT", str(root))
    return root


def test_import_lab_writes_the_edit_and_refuses_to_lose_work(checkout, capsys):
    lab = lab_named(LAB, checkout)
    assert import_lab(lab) is False, "an unedited master must leave lab.py as it is"
    edit_like_jupyterlab(lab.source, lab.source)

    assert main([LAB]) == 0  # a clean lab.py: written
    assert 'points": 3' in lab.text.read_text() and "written from" in capsys.readouterr().out
    assert git(checkout, "status", "--porcelain").strip() != ""

    by_hand = lab.text.read_text() + "\n# an edit of lab.py that is not committed\n"
    lab.text.write_text(by_hand)
    with pytest.raises(ImportRefused, match="uncommitted changes"):
        import_lab(lab)
    assert main([LAB]) == 1 and "--force" in capsys.readouterr().out
    assert lab.text.read_text() == by_hand, "a refused import must not touch lab.py"

    assert main([LAB, "--force"]) == 0
    assert lab.text.read_text() == text_from_notebook(lab.source)


def test_import_lab_refuses_outside_git(tmp_path):
    lab = lab_named(LAB, ROOT)
    root = tmp_path / "plain"
    for path in (lab.text, lab.source, ROOT / "lessons" / "catalogue.toml"):
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    copy = lab_named(LAB, root)
    edit_like_jupyterlab(copy.source, copy.source)
    with pytest.raises(ImportRefused, match="not a git checkout"):
        import_lab(copy)
    assert import_lab(copy, force=True) is True


@pytest.mark.parametrize(
    "text",
    [t for lesson in lessons(ROOT) for t in (lesson.text, lesson.lab and lesson.lab.text) if t],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_source_is_in_canonical_form(text):
    """What makes the way back exact: ``make generate`` keeps every source in this form."""
    from pitfalls.authoring.sources import canonical

    assert canonical(text.read_text(encoding="utf-8")) == text.read_text(encoding="utf-8"), (
        f"{text.relative_to(ROOT)} is not in canonical form: run `make generate`"
    )
