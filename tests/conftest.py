"""Shared fixtures, the test tiers, and a closing table of how long each notebook took to execute.

Tiers: the integration runs (a kernel per notebook, real nbgrader, a browser, a served JupyterLab,
fresh training runs in subprocesses) are marked ``slow`` here, by module, so ``make check`` runs
``-m "not slow"`` in minutes and ``make test`` runs everything. The slow items are put first,
longest first, so that under xdist both workers are busy until the end instead of one worker
starting a ten-minute group last.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("PITFALLS_ROOT", str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

TIMINGS_DIR = ROOT / "artifacts" / "timings"
MUTATION_DIR = ROOT / "artifacts" / "mutation"  # tests/test_mutants.py: each lab's checked score

#: Integration modules (whole module slow), longest first: the order the slow tier starts in.
SLOW_MODULES = [
    "test_grade_class.py",
    "test_new_lesson.py",
    "test_autograde.py",
    "test_browser_widgets.py",
    "test_notebooks.py",
    "test_make_lab.py",
    "test_formgrader.py",
]
#: Single slow tests in otherwise fast modules: (module, test function).
SLOW_TESTS = {
    ("test_spread.py", "test_fresh_run_lands_inside_the_record"),  # training runs in subprocesses
    ("test_session.py", "test_start_keeps_stderr_empty_and_is_reproducible"),  # two TF subprocesses
    ("test_widgets.py", "test_meannet_runs_file_is_what_the_script_makes"),  # re-runs the script
    ("test_grading_screen.py", "test_without_the_screen_a_patched_check_would_pass"),  # a subprocess
    ("test_autoencoder.py", "test_train_runs_the_profile_on_the_pipeline"),  # a training run
    ("test_versions.py", "test_claims_measure_as_recorded_on_another_keras"),  # a subprocess per Keras
    ("test_versions.py", "test_locked_keras_claims_as_recorded_and_widgets_under_colabs_ipywidgets_7"),
    ("test_mutants.py", "test_a_fresh_run_of_a_sample_agrees_with_every_record"),  # mutants of every lab
    ("test_sandbox.py", "test_each_attempt_from_inside_a_kernel_fails_in_its_own_cell_and_the_run_goes_on"),
}


def _slowness(item) -> int | None:
    """The item's place in the slow tier (0 = starts first), or ``None`` when it is fast."""
    module = item.path.name
    if module in SLOW_MODULES:
        return SLOW_MODULES.index(module)
    if (module, getattr(item, "originalname", item.name)) in SLOW_TESTS:
        return len(SLOW_MODULES)
    return None


def pytest_collection_modifyitems(config, items):
    ranks = {}
    for item in items:
        ranks[item.nodeid] = _slowness(item)
        if ranks[item.nodeid] is not None:
            item.add_marker(pytest.mark.slow)
    # Stable sort: slow items first (longest module first), then the fast tier's groups (each a
    # unit of work under --dist loadgroup, so started first), then the rest in collection order.
    items.sort(
        key=lambda it: (
            ranks[it.nodeid] is None,
            ranks[it.nodeid] or 0,
            it.get_closest_marker("xdist_group") is None,
        )
    )


def load_variants(lab: str) -> dict:
    """``VARIANTS`` of the lab's ``wrong_answers.py`` (``{}`` when the lab has none)."""
    from pitfalls.authoring.variants import load_variants as load
    from pitfalls.course import lab_named

    return load(lab_named(lab, ROOT))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def session_line_problem(outputs: list[str]) -> str | None:
    """What is wrong with how a lesson's outputs show ``start()``'s session line, or None: it must
    show exactly once, as a sentence (a cell ending in a bare ``start(...)`` adds its repr)."""
    shown = [text for text in outputs if "SessionInfo(" in text or " on TensorFlow " in text]
    if len(shown) == 1 and "SessionInfo(" not in shown[0]:
        return None
    return f"the session line must show once, as a sentence (assign `session = start(...)`): {shown}"


def record_timing(name: str, seconds: float) -> None:
    """Remember a notebook's execution time (a file per entry: safe under pytest-xdist)."""
    TIMINGS_DIR.mkdir(parents=True, exist_ok=True)
    (TIMINGS_DIR / (name.replace("/", "__") + ".txt")).write_text(f"{seconds:.1f}\n")


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        for folder in (TIMINGS_DIR, MUTATION_DIR):
            for old in folder.glob("*.txt") if folder.is_dir() else []:
                old.unlink()


def pytest_terminal_summary(terminalreporter):
    scores = sorted(MUTATION_DIR.glob("*.txt")) if MUTATION_DIR.is_dir() else []
    if scores:
        terminalreporter.section("mutation score per lab (recorded by a real run of its sources as they are)")
        for path in scores:
            terminalreporter.write_line(path.read_text().strip())
    if not TIMINGS_DIR.is_dir():
        return
    rows = sorted((p.stem.replace("__", "/"), float(p.read_text())) for p in TIMINGS_DIR.glob("*.txt"))
    if rows:
        terminalreporter.section("notebook execution times")
        for name, seconds in rows:
            terminalreporter.write_line(f"{seconds:7.1f} s  {name}")
