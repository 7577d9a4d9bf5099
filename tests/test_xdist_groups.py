"""`make test` relies on `--dist loadgroup` to keep each lab's autograde course (and the hostile
class) on one worker: when grouping silently stops working, every such course is built on both
workers and the slow tier doubles. pytest 9.2 with pytest-xdist 3.8 did exactly that (the
`@group` suffix xdist writes to `item._nodeid` no longer reaches the node id), so prove it here."""

from __future__ import annotations

import os
import subprocess
import sys

MODULE = """
import os, pytest

def grouped(lab):
    return pytest.param(lab, marks=pytest.mark.xdist_group(lab))

@pytest.mark.parametrize("lab", [grouped(lab) for lab in "abcd"])
@pytest.mark.parametrize("step", range(3))
def test_step(lab, step):
    out = os.path.join(os.environ["GROUP_MARKERS"], f"{lab}-{os.environ['PYTEST_XDIST_WORKER']}")
    open(out, "w").close()
"""


def test_loadgroup_keeps_a_group_on_one_worker(tmp_path):
    (tmp_path / "test_grouped.py").write_text(MODULE)
    base = tmp_path / "markers"
    base.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "2",
            "--dist",
            "loadgroup",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_grouped.py"),
        ],
        cwd=tmp_path,
        env={**os.environ, "GROUP_MARKERS": str(base)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    workers: dict[str, set[str]] = {}
    for marker in base.glob("*-gw*"):
        lab, worker = marker.name.split("-")
        workers.setdefault(lab, set()).add(worker)
    assert sorted(workers) == list("abcd"), workers
    split = {lab: sorted(w) for lab, w in workers.items() if len(w) > 1}
    assert not split, f"--dist loadgroup ran one group on several workers: {split}"
