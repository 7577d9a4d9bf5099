"""`make formgrader OUT=...` serves nbgrader's formgrader on the course `make grade` wrote, and writes
nothing into the repository (the slow tier: it starts JupyterLab, about 5 s when the machine is idle).

The course here is a tiny stand-in for ``OUT/course``: nbgrader's layout (``source`` linked to the
repository's, the course configuration, one submitted notebook) instead of a minute of
autograding.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from pitfalls.course import lab_named
from pitfalls.grading.formgrader import graded_course

LAB = "lab01_tensors"
SCRATCH = ("artifacts/", ".pytest_cache/", ".ruff_cache/")  # what other tests may write meanwhile


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tiny_graded_course(out: Path) -> Path:
    """nbgrader's layout of ``OUT/course`` with one submission, and an empty gradebook file, which
    nbgrader fills with its tables the first time it opens it (so the test sees which file
    formgrader uses)."""
    course = out / "course"
    (course / "submitted" / "ann" / LAB).mkdir(parents=True)
    (course / "source").symlink_to(ROOT / "source", target_is_directory=True)
    shutil.copyfile(ROOT / "autograder" / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copyfile(lab_named(LAB, ROOT).release, course / "submitted" / "ann" / LAB / f"{LAB}.ipynb")
    (course / "gradebook.db").touch()
    return course


def repository_state() -> set[str]:
    """Every path git would report (changed, new, ignored), bar other tests' scratch folders."""
    out = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    paths = {line[3:] for line in out.splitlines()}
    # `.ipynb_checkpoints/`: `make lab`'s JupyterLab (tests/test_make_lab.py) makes one beside
    # each file it opens, and may do so while this test runs; formgrader opens no file.
    return {
        p
        for p in paths
        if not p.startswith(SCRATCH) and not {"__pycache__", ".ipynb_checkpoints"} & set(p.split("/"))
    }


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8", "replace")


def test_make_formgrader_opens_the_graded_course_and_writes_nothing_in_the_repository(tmp_path):
    out = tmp_path / "graded"
    course = tiny_graded_course(out)
    before, scratch = repository_state(), set(Path(tempfile.gettempdir()).glob("formgrader-*"))
    port, token = free_port(), secrets.token_hex(8)
    log = tmp_path / "formgrader.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            ["make", "-s", "formgrader", f"OUT={out}", f"LAB_PORT={port}"],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "JUPYTER_TOKEN": token},
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while f"{base}/formgrader?token=" not in log.read_text():
            assert proc.poll() is None, f"make formgrader exited early:\n{log.read_text()[-2000:]}"
            assert time.time() < deadline, (
                f"make formgrader printed no URL in time:\n{log.read_text()[-2000:]}"
            )
            time.sleep(0.2)
        assignments = {
            a["name"]: a for a in json.loads(get(f"{base}/formgrader/api/assignments?token={token}"))
        }
        assert assignments[LAB]["num_submissions"] == 1, assignments[LAB]
        submissions = json.loads(get(f"{base}/formgrader/api/submissions/{LAB}?token={token}"))
        assert [s["student"] for s in submissions] == ["ann"], submissions
        manage = get(f"{base}/formgrader/manage_assignments?token={token}")
        assert "warning-exchange" not in manage and "warning-course-id" not in manage
        page = get(f"{base}/lab?token={token}")
        disabled = json.loads(re.search(r'"disabledExtensions": (\[[^]]*\])', page).group(1))
        assert not {"@jupyter/nbgrader", "@jupyter/nbgrader:formgrader"} & set(disabled), disabled
        assert "@jupyter/nbgrader:assignment-list" in disabled, disabled
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert repository_state() == before, f"written into the repository: {repository_state() ^ before}"
    assert not (ROOT / "gradebook.db").exists()
    assert (course / "gradebook.db").stat().st_size > 0, "formgrader did not open the course's gradebook"
    assert set(Path(tempfile.gettempdir()).glob("formgrader-*")) == scratch, "the configuration folder stayed"
    assert sorted(p.name for p in course.iterdir()) == [
        "gradebook.db",
        "nbgrader_config.py",
        "source",
        "submitted",
    ]


def test_without_a_graded_course_it_says_to_grade_first(tmp_path):
    with pytest.raises(SystemExit, match="run `make grade"):
        graded_course(tmp_path)
