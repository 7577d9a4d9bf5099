"""Imports point one way: learner-side code never imports the instructor's tooling, nor nbgrader.

Why: on Colab the course package is installed with ``pip install --no-deps`` and nbgrader is not
installed, so a learner-side module that imports nbgrader (or ``pitfalls.grading`` /
``pitfalls.authoring``, which do) breaks the lab's last cell there. And a learner's kernel that
imports the grading code has the grader's internals one attribute away. Instructor code may import
learner-side code (the self-check and ``make grade`` share one screen); never the other way.

Every learner-side module is read as text (ast), so an import hidden inside a function — which
would only fail when that function runs, on the learner's machine — is caught here too.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

#: Packages learner-side code must not import (itself or any sub-module).
FORBIDDEN = ("pitfalls.grading", "pitfalls.authoring", "nbgrader")
#: The instructor's side of the package; everything else under ``pitfalls/`` is learner-side.
INSTRUCTOR = ("grading", "authoring")


def learner_modules() -> list[Path]:
    """pitfalls/ minus grading/ and authoring/ (session, paths, course, checks, data, widgets, the
    lesson helpers learners import), and every lessons/**/*.py except test files."""
    package = [
        p
        for p in sorted((ROOT / "pitfalls").rglob("*.py"))
        if p.relative_to(ROOT / "pitfalls").parts[0] not in INSTRUCTOR
    ]
    lessons = [
        p
        for p in sorted((ROOT / "lessons").rglob("*.py"))
        if not p.name.startswith("test_") and p.name != "conftest.py"
    ]
    return package + lessons


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """``[(line, module)]`` for every import in the file, at any depth, relative ones resolved;
    ``importlib.import_module("…")`` and ``__import__("…")`` with a literal name count too."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source, filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1] if node.level else [])
            module = ".".join(p for p in (base, node.module or "") if p)
            found += [(node.lineno, module)] + [(node.lineno, f"{module}.{a.name}") for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def violations(path: Path, source: str | None = None) -> list[str]:
    """``file:line imports module`` for each forbidden import (one line per package and line)."""
    seen = set()
    out = []
    for line, module in imported_modules(path, source):
        root = (
            next(f for f in FORBIDDEN if module == f or module.startswith(f + "."))
            if forbidden(module)
            else None
        )
        if root and (line, root) not in seen:
            seen.add((line, root))
            out.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    return out


def test_the_learner_side_is_what_the_course_says():
    names = {str(p.relative_to(ROOT)) for p in learner_modules()}
    for expected in (
        "pitfalls/session.py",
        "pitfalls/paths.py",
        "pitfalls/course.py",
        "pitfalls/checks/selfcheck.py",
        "pitfalls/checks/core.py",
        "pitfalls/data/digits.py",
        "pitfalls/widgets/bench.py",
        "lessons/l01_tensors_and_slicing/checks.py",
        "lessons/l03_generator_aliasing/generators.py",
    ):
        assert expected in names
    assert not any(n.startswith(("pitfalls/grading/", "pitfalls/authoring/")) or "/test_" in n for n in names)


@pytest.mark.parametrize("path", learner_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_learner_side_code_never_imports_instructor_tooling(path):
    found = violations(path)
    assert not found, (
        "learner-side code must not import the instructor's tooling or nbgrader (Colab has no "
        "nbgrader; instructor code may import learner code, not the reverse):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "code,caught",
    [
        ("from pitfalls.grading.screen import tampering", True),
        ("def f():\n    import nbgrader.utils\n", True),
        ("from ..authoring import labs", True),  # relative, from pitfalls/checks/
        ("import importlib\nimportlib.import_module('pitfalls.grading.integrity')", True),
        ("from pitfalls.checks import integrity\nimport nbformat", False),
        ("import pitfalls.gradingx", False),
    ],
)
def test_the_scan_sees_every_kind_of_import(code, caught):
    probe = ROOT / "pitfalls" / "checks" / "probe.py"  # never written: its source is given
    found = violations(probe, code)
    assert bool(found) is caught, found
    assert all(f.startswith("pitfalls/checks/probe.py:") for f in found)


def test_the_self_check_and_the_screen_run_without_nbgrader():
    """What the reading above implies, run: with nbgrader made unimportable (as on Colab), the
    self-check's module loads, reads a lab's public checks and screens a learner's line."""
    code = (
        "import sys\nsys.modules['nbgrader'] = None  # any `import nbgrader...` now raises ImportError\n"
        "from pitfalls.checks.selfcheck import public_checks\nfrom pitfalls.checks.integrity import tampering\n"
        "assert public_checks('lab01_tensors')\n"
        "found = tampering('lab01_tensors', [{'type': 'code', 'grade_id': 'ex1', 'source': 'import os'}])\n"
        "assert [f.code for f in found] == ['import os'], found\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pitfalls.grading', 'pitfalls.authoring'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PITFALLS_ROOT": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "[]", out.stdout
