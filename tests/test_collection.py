"""Collecting the suite starts no TensorFlow: `make check` must not pay for it before a test runs.

Why: importing TensorFlow costs seconds per xdist worker and prints to stderr; a test module that
imports it at top level (or calls ``pitfalls.session.start()``, which leaks warning filters into
every later test) makes every tier pay. Imports of TensorFlow or Keras belong in tests or fixtures.
"""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

PROBE = """
import sys
def pytest_collection_finish(session):
    print("\\nLOADED-AFTER-COLLECTION", sorted(m for m in ("tensorflow", "keras") if m in sys.modules))
"""


def test_collecting_the_suite_imports_no_tensorflow(tmp_path):
    (tmp_path / "tf_probe.py").write_text(PROBE)
    env = {
        "PYTHONPATH": str(tmp_path),
        "PATH": str(ROOT / ".venv" / "bin") + ":/usr/bin:/bin",
        "PITFALLS_ROOT": str(ROOT),
        "HOME": str(tmp_path),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "tf_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    line = next(ln for ln in run.stdout.splitlines() if ln.startswith("LOADED-AFTER-COLLECTION"))
    assert line == "LOADED-AFTER-COLLECTION []", f"collection imported {line.split(' ', 1)[1]}"
