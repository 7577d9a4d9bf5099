"""The instructor's way back: a master lab edited in JupyterLab becomes its ``lab.py`` again.

Why: ``lessons/<folder>/lab.py`` is the lab's only source; ``source/<lab>/<lab>.ipynb`` is
generated from it. An instructor who edits the master in JupyterLab's nbgrader toolbar (or in
formgrader, which opens that file) would see the edit overwritten by the next ``make generate``.
``python -m pitfalls.authoring.import_lab <lab>`` (``make import-lab LAB=<lab>``) writes the edited
notebook back as ``lab.py`` — cells, their text and their nbgrader metadata; outputs, cell ids and
the generated launch cells are dropped — so ``make generate`` then reproduces the edit.

It refuses to overwrite a ``lab.py`` with uncommitted changes (they would be lost without a
trace) unless ``--force``: commit or stash them first. Outside a git checkout it cannot tell, so
it refuses too.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from pitfalls.authoring.sources import text_from_notebook
from pitfalls.course import Lab, lab_named


class ImportRefused(RuntimeError):
    """Importing would overwrite work that exists nowhere else."""


def uncommitted(path: Path, root: Path) -> str | None:
    """Why ``path`` has changes git does not hold (modified, staged, untracked), or None if clean."""
    try:
        proc = subprocess.run(
            ["git", "status", "--porcelain", "--", str(path.relative_to(root))],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:
        return "git is not installed, so uncommitted changes cannot be ruled out"
    if proc.returncode != 0:
        return f"{root} is not a git checkout, so uncommitted changes cannot be ruled out"
    status = proc.stdout.strip()
    if not status:
        return None
    return "it is not tracked by git yet" if status.startswith("??") else "it has uncommitted changes"


def import_lab(lab: Lab, force: bool = False) -> bool:
    """Write ``lab.text`` from the edited ``lab.source``; True when ``lab.py`` changed."""
    if not lab.source.is_file():
        raise FileNotFoundError(f"{lab.source} does not exist: run `make generate` first")
    text = text_from_notebook(lab.source)
    if lab.text.is_file() and lab.text.read_text(encoding="utf-8") == text:
        return False
    reason = None if force or not lab.text.is_file() else uncommitted(lab.text, lab.root)
    if reason:
        raise ImportRefused(
            f"not overwriting {lab.text.relative_to(lab.root)}: {reason}. Commit or "
            "stash it first, or pass --force (make import-lab ... FORCE=1) to replace it."
        )
    lab.text.write_text(text, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lab", help="the lab, e.g. lab01_tensors")
    parser.add_argument("--force", action="store_true", help="overwrite lab.py even with uncommitted changes")
    args = parser.parse_args(argv)
    lab = lab_named(args.lab)
    try:
        changed = import_lab(lab, force=args.force)
    except ImportRefused as refused:
        print(refused)
        return 1
    where = lab.text.relative_to(lab.root)
    if changed:
        print(
            f"{where} written from {lab.source.relative_to(lab.root)}: review `git diff {where}`, "
            "then run `make generate` and commit both"
        )
    else:
        print(f"{where} already holds {lab.source.relative_to(lab.root)}: nothing to import")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
