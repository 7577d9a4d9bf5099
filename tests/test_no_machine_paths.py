"""No committed text names a path on somebody's machine.

Why: learners open the course on their own computer, on Binder or on Colab. A lesson that points
them at ``/work/...`` or ``/home/<someone>/...`` (an article's copy on a development machine, a
traceback saved in a notebook's output) sends them nowhere; a citation must be one they can
follow (title, author, site). This test reads every file ``git ls-files`` lists, as text, and
fails on any absolute path under a machine's own folders.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT

#: An absolute path into a machine's own folders. A path must start there (not be the tail of a
#: URL such as ``https://site/home/``, or of a relative ``../work/``), hence the look-behind.
MACHINE_PATH = re.compile(
    r"(?<![\w.~/-])(?:/work/|/home/|/tmp/|/root/|/Users/|/mnt/)"
    r"|\b[A-Za-z]:\\{1,2}(?:Users|Windows|Program Files|ProgramData|Documents)\b"
    r"|file:///"
)

#: ``{path in the repository: why its machine paths are examples}``. Add a file only with the
#: reason its paths are legitimately examples (e.g. a doc showing what a user types).
EXAMPLES: dict[str, str] = {
    "tests/test_no_machine_paths.py": "the detector's own examples of what it must find",
}


def machine_paths(text: str) -> list[str]:
    """The lines of ``text`` that name an absolute machine path, as ``"line N: …"``."""
    return [
        f"line {number}: {line.strip()[:160]}"
        for number, line in enumerate(text.splitlines(), start=1)
        if MACHINE_PATH.search(line)
    ]


def committed_text_files() -> dict[str, str]:
    """``{path: text}`` of every committed file that reads as UTF-8 text (binaries are skipped)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.split(b"\0")
    files = {}
    for name in filter(None, (raw.decode() for raw in listed)):
        path = ROOT / name
        if not path.is_file():  # deleted in the work tree, not yet committed
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            files[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
    return files


@pytest.mark.parametrize(
    "line",
    [
        "the article is at /work/shared/articles/000.txt",
        'File "/home/dan/venv/lib/python3.11/site-packages/keras/src/losses.py", line 5',
        "saved to /tmp/out.png",
        "cd /root/course",
        "open /Users/ann/Downloads/lab.ipynb",
        r"C:\Users\ann\lab.ipynb",
        r'"C:\\Users\\ann\\lab.ipynb"',
        "see file:///srv/x.html",
    ],
)
def test_the_detector_finds_machine_paths(line):
    assert machine_paths(line), line


@pytest.mark.parametrize(
    "line",
    [
        "[your copy](../work/lab02_mean_net/lab02_mean_net.ipynb)",
        "https://github.com/tensorflow/tensorflow/blob/x/tensorflow/python/keras/engine/compile_utils.py",
        "https://example.org/home/index.html",
        'print("A:\\n", A)',
        "work/lab01_tensors/lab01_tensors.ipynb",
    ],
)
def test_the_detector_leaves_relative_paths_and_urls_alone(line):
    assert not machine_paths(line), line


def test_no_committed_text_names_a_machine_path():
    files = committed_text_files()
    assert len(files) > 50, "git ls-files found almost nothing: is this a clone?"
    hits = {
        name: found for name, text in files.items() if name not in EXAMPLES and (found := machine_paths(text))
    }
    assert not hits, (
        "absolute machine paths in committed files (cite, or use a relative path):\n"
        + "\n".join(f"{name}: {line}" for name, lines in hits.items() for line in lines[:5])
    )


def test_every_example_file_still_exists():
    files = committed_text_files()
    assert set(EXAMPLES) <= set(files), sorted(set(EXAMPLES) - set(files))
