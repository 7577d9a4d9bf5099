"""Shared fixtures, and a closing table of how long each notebook took to execute."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PITFALLS_ROOT", str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

TIMINGS_DIR = ROOT / "artifacts" / "timings"


def load_variants(lab: str) -> dict:
    """``VARIANTS`` of the lab's ``wrong_answers.py`` (``{}`` when the lab has none)."""
    from pitfalls.authoring.variants import load_variants as load
    from pitfalls.course import lab_named

    return load(lab_named(lab, ROOT))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def record_timing(name: str, seconds: float) -> None:
    """Remember a notebook's execution time (a file per entry: safe under pytest-xdist)."""
    TIMINGS_DIR.mkdir(parents=True, exist_ok=True)
    (TIMINGS_DIR / (name.replace("/", "__") + ".txt")).write_text(f"{seconds:.1f}\n")


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        for old in TIMINGS_DIR.glob("*.txt") if TIMINGS_DIR.is_dir() else []:
            old.unlink()


def pytest_terminal_summary(terminalreporter):
    if not TIMINGS_DIR.is_dir():
        return
    rows = sorted((p.stem.replace("__", "/"), float(p.read_text())) for p in TIMINGS_DIR.glob("*.txt"))
    if rows:
        terminalreporter.section("notebook execution times")
        for name, seconds in rows:
            terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
