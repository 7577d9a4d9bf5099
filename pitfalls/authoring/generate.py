"""``make generate``: every generated artefact, rebuilt from the lesson folders and the lock.

What it writes (each folder is owned: a file no source makes any more is removed):

* the sources themselves, into their canonical spelling (``sources.canonical``: the blank lines
  between cells as jupytext writes them, ruff's format), so the way back is exact;
* ``notebooks/<NN_name>.ipynb`` from ``lessons/lNN_name/lesson.py``, with launch cells;
* ``source/<lab>/<lab>.ipynb`` (nbgrader's master) from ``lessons/lNN_name/lab.py``;
* ``release/<lab>/`` — exactly what ``nbgrader generate_assignment`` makes of the master;
* ``solutions/<lab>/<lab>.ipynb`` — the release with the master's answers written in, executed (a
  gradable submission: ``labs.solution_notebook``). Executing takes time and prints timings, so a
  solution is re-executed only when its code changed (the code's digest is kept in the notebook's
  metadata) or with ``--execute``;
* the README's lesson table and ``environment.yml``.

Regenerating an unchanged course rewrites nothing, so CI runs this and fails on ``git diff``
(``make check-generated``): no generated file can be edited by hand and stay.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

from pitfalls.authoring import environment, readme
from pitfalls.authoring.labs import solution_notebook
from pitfalls.authoring.launch import repository_url
from pitfalls.authoring.sources import canonicalise, notebook_from_text, write_notebook
from pitfalls.course import Lab, labs, lessons
from pitfalls.grading.course import Course
from pitfalls.paths import repo_root

DIGEST_KEY = "pitfalls_solution_digest"


def generate_notebooks(root: Path) -> list[Path]:
    """Lesson notebooks and nbgrader masters from their text sources (put in canonical form first)."""
    url, written, made = repository_url(root), [], {}
    pairs = []  # (text source, notebook it makes, what the notebook's badges open)
    for lesson in lessons(root):
        pairs.append((lesson.text, lesson.notebook, lesson.notebook))
        if lesson.lab:
            pairs.append((lesson.lab.text, lesson.lab.source, lesson.lab.release))
    for text, notebook, target in pairs:
        if canonicalise(text):
            written.append(text)
        made[notebook] = notebook_from_text(text, url, _rel(target, root))
    for path, nb in made.items():
        if write_notebook(nb, path):
            written.append(path)
    _remove_others(root / "notebooks", set(made), "*.ipynb")
    _remove_others(root / "source", {lab.source.parent for lab in labs(root)}, "*")
    return written


def generate_release(lab: Lab, out: Path | None = None) -> Path:
    """The student version, as ``nbgrader generate_assignment`` makes it, in ``out/<lab>``."""
    target = (out or lab.root / "release") / lab.name
    with tempfile.TemporaryDirectory(prefix="release-") as scratch:
        made = Course(Path(scratch), repo=lab.root).generate(lab.name)
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(made, target)
    return target


def solution_digest(nb: nbformat.NotebookNode) -> str:
    cells = [(c.cell_type, c.source) for c in nb.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def generate_solution(lab: Lab, force: bool = False) -> bool:
    """Execute the learner-facing solution unless the committed one was made from the same code.

    When the code is the same, the committed outputs are kept and the rest (cell metadata, which
    ``nbgrader generate_assignment`` may have changed) is taken from the fresh notebook: no
    re-execution for a change that cannot change an output. True when executed."""
    from pitfalls.authoring.notebooks import execute

    nb = solution_notebook(lab)
    digest = solution_digest(nb)
    if not force and lab.solution.is_file():
        old = nbformat.read(lab.solution, as_version=4)
        if old.metadata.get(DIGEST_KEY) == digest:
            write_notebook(with_outputs_of(old, nb), lab.solution)
            return False
    run = execute(nb, cwd=lab.source.parent)
    run.notebook.metadata[DIGEST_KEY] = digest
    write_notebook(run.notebook, lab.solution)
    print(f"{lab.name}: solution executed in {run.seconds:.1f} s")
    return True


def with_outputs_of(executed: nbformat.NotebookNode, fresh: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``fresh`` with the outputs (and execution record) of ``executed``, a run of the same cells."""
    for new, old in zip(fresh.cells, executed.cells, strict=True):
        if new.cell_type == "code":
            new.outputs, new.execution_count = old.outputs, old.execution_count
            if "execution" in old.metadata:
                new.metadata["execution"] = old.metadata["execution"]
    fresh.metadata = executed.metadata
    return fresh


def generate(root: Path | None = None, execute: bool = False, only: list[str] | None = None) -> None:
    root = (root or repo_root()).resolve()
    for path in generate_notebooks(root):
        print(f"written {_rel(path, root)}")
    chosen = [lab for lab in labs(root) if not only or lab.name in only]
    # Each release is an nbgrader run in its own scratch course (8 s, mostly start-up): side by
    # side on every core. A solution is made from its release, so solutions come after.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(generate_release, chosen))
    for lab in chosen:
        generate_solution(lab, force=execute)
    if not only:
        _remove_others(root / "release", {lab.release.parent for lab in chosen}, "*")
        _remove_others(root / "solutions", {lab.solution.parent for lab in chosen}, "*")
        readme.write(root)
        environment.write(root)
    print("generated: notebooks/, source/, release/, solutions/, README lesson table, environment.yml")


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _remove_others(folder: Path, keep: set[Path], pattern: str) -> None:
    """Delete what a generated folder holds beyond ``keep`` (a lesson or lab that was removed)."""
    for path in folder.glob(pattern) if folder.is_dir() else []:
        if path not in keep:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            print(f"removed {path}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="only these labs' release and solution (default: everything)")
    parser.add_argument("--execute", action="store_true", help="re-execute solutions even when unchanged")
    args = parser.parse_args(argv)
    generate(execute=args.execute, only=args.labs)


if __name__ == "__main__":
    main()
