"""Measure the lessons' version-specific claims on the oldest and newest allowed Keras; record them.

Why: a lesson that says "measured on Keras 3.15.1" must be able to prove it, and must say what the
oldest Keras the project allows (``keras>=3.8`` in pyproject.toml) does. Keras is pure Python, so
another version is a ``--target`` folder holding only that Keras (``uv pip install --no-deps``),
put first on ``PYTHONPATH`` of a fresh interpreter of this venv: everything else — TensorFlow,
NumPy, the course — is the locked one. (A ``venv --system-site-packages`` made from this venv
would not do: its "system" is the base interpreter, which does not see this venv's packages.)

``python -m pitfalls.authoring.versions`` measures every claim of every ``lessons/*/versions.py``
under each of :data:`KERAS_VERSIONS` and writes each lesson folder's ``versions.json``;
``--check`` only compares. ``tests/test_versions.py`` re-measures and compares with the record.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version as installed
from pathlib import Path

from pitfalls.course import lessons
from pitfalls.grading.course import tool_env
from pitfalls.versions import RECORD

#: The oldest Keras pyproject.toml allows and the newest below 4 (the lock's: the newest on PyPI
#: when this was written). The lessons' text was written on the last one.
KERAS_VERSIONS = ("3.8.0", "3.15.1")


def claim_modules(root: Path | None = None) -> dict[Path, str]:
    """``{lesson folder: "lessons.<folder>.versions"}`` for each lesson that has version claims."""
    return {
        lesson.dir: f"{lesson.package}.versions"
        for lesson in lessons(root)
        if (lesson.dir / "versions.py").is_file()
    }


def install_target(requirements: list[str], target: Path) -> Path:
    """``requirements`` alone (``--no-deps``) in folder ``target``, to put first on ``PYTHONPATH``."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    installer = (
        [uv, "pip", "install", "--python", sys.executable] if uv else [sys.executable, "-m", "pip", "install"]
    )
    subprocess.run(
        [*installer, "--quiet", "--no-deps", "--target", str(target), *requirements],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return target


def install_keras(version: str, into: Path) -> Path | None:
    """A folder holding only Keras ``version`` (``None``: it is this venv's own Keras)."""
    if version == installed("keras"):
        return None
    target = into / f"keras-{version}"
    if (target / "keras").is_dir():
        return target
    return install_target([f"keras=={version}"], target)


def run_python(paths: list[Path], args: list[str]) -> dict:
    """Run this venv's interpreter with ``paths`` first on ``PYTHONPATH``; its last line, as JSON."""
    env = tool_env({"PYTHONPATH": os.pathsep.join(map(str, paths))} if paths else None)
    if not paths:
        env.pop("PYTHONPATH", None)
    proc = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{args[:2]} with {paths} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(version: str, into: Path, modules: list[str]) -> dict:
    """``{"versions": label, "claims": {module: {key: observation}}}`` measured under Keras ``version``."""
    overlay = install_keras(version, into)
    return run_python([overlay] if overlay else [], ["-m", "pitfalls.versions", *modules])


def record(runs: list[dict], modules: dict[Path, str]) -> None:
    """Write each lesson folder's ``versions.json`` from the runs (one run per Keras version)."""
    for folder, module in modules.items():
        claims: dict[str, dict] = {}
        for run in runs:
            for key, observation in run["claims"][module].items():
                claims.setdefault(key, {})[run["versions"]] = observation
        text = {
            "about": "What each claim of versions.py measured on each Keras; made by "
            "`python -m pitfalls.authoring.versions`, checked by tests/test_versions.py.",
            "claims": claims,
        }
        (folder / RECORD).write_text(json.dumps(text, indent=1, ensure_ascii=False) + "\n")


def differences(run: dict, modules: dict[Path, str]) -> list[str]:
    """What a fresh run measured that its lesson's record does not say (empty: all as recorded)."""
    out = []
    for folder, module in modules.items():
        path = folder / RECORD
        recorded = json.loads(path.read_text())["claims"] if path.is_file() else {}
        for key, observation in run["claims"][module].items():
            was = recorded.get(key, {}).get(run["versions"], "<not recorded>")
            if was != observation:
                out.append(f"{module}:{key} on {run['versions']}: recorded {was!r}, measured {observation!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the records, write nothing")
    parser.add_argument("--keras", nargs="*", default=list(KERAS_VERSIONS), help="Keras versions to measure")
    args = parser.parse_args(argv)
    modules = claim_modules()
    with tempfile.TemporaryDirectory(prefix="keras-versions-") as scratch:
        runs = [measure(v, Path(scratch), list(modules.values())) for v in args.keras]
    for run in runs:
        print(run["versions"], json.dumps(run["claims"], ensure_ascii=False))
    if args.check:
        problems = [p for run in runs for p in differences(run, modules)]
        print("\n".join(problems) or "every claim as recorded")
        return 1 if problems else 0
    record(runs, modules)
    print("recorded", ", ".join(str(folder / RECORD) for folder in modules))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
