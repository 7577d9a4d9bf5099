"""Generate ``release/`` (nbgrader student versions) and ``solutions/`` (executed solutions).

Both folders are generated, never edited by hand: ``make generate`` rewrites them and
``tests/test_generated.py`` fails when they are stale. ``release/<lab>`` is exactly what
``nbgrader generate_assignment`` makes from ``source/<lab>`` (run in a scratch course);
``solutions/<lab>/<lab>.ipynb`` is the master notebook with nbgrader's markers and hidden tests
removed, executed top to bottom so a learner sees the outputs.
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import nbformat

from pitfalls.build.labs import labs, solution_notebook
from pitfalls.build.notebooks import execute
from pitfalls.grading.course import Course
from pitfalls.paths import repo_root


def generate_release(lab: str, out: Path, root: Path | None = None) -> Path:
    """The student version of ``lab``, written to ``out/<lab>`` (replacing what was there)."""
    root = root or repo_root()
    with tempfile.TemporaryDirectory(prefix="release-") as scratch:
        made = Course(Path(scratch), repo=root).generate(lab)
        target = out / lab
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(made, target)
    return target


def generate_solution(lab: str, out: Path, root: Path | None = None) -> Path:
    """The executed learner-facing solution of ``lab``, written to ``out/<lab>/<lab>.ipynb``."""
    root = root or repo_root()
    run = execute(solution_notebook(lab, root), cwd=root / "source" / lab)
    target = out / lab / f"{lab}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(run.notebook, target)
    print(f"{lab}: solution executed in {run.seconds:.1f} s")
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate release/ and solutions/ from source/.")
    parser.add_argument("labs", nargs="*", help="labs to regenerate (default: all)")
    parser.add_argument("--no-solutions", action="store_true", help="only regenerate release/")
    args = parser.parse_args(argv)
    root = repo_root()
    for lab in args.labs or labs(root):
        print(f"{lab}: release → {generate_release(lab, root / 'release', root).relative_to(root)}")
        if not args.no_solutions:
            generate_solution(lab, root / "solutions", root)


if __name__ == "__main__":
    main()
