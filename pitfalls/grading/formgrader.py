"""``make formgrader OUT=graded/<lab>``: nbgrader's formgrader on the course ``make grade`` wrote.

Why a launcher: formgrader takes its course from nbgrader's configuration, which it reads from
the folder JupyterLab starts in and from Jupyter's configuration folders. Started by ``make lab``
in the repository, it finds no ``nbgrader_config.py`` there, takes the repository for the course,
lists ``source/`` with no submissions and writes a ``gradebook.db`` beside the README. Here
JupyterLab starts in ``OUT/course`` (root of the file browser, and the folder whose
``nbgrader_config.py`` — the one ``make grade`` used — nbgrader reads last), with a Jupyter
configuration folder of its own, made for this run and removed after it, which

* names ``OUT/course`` as nbgrader's course, whatever ``~/.jupyter`` says (Binder's, say);
* enables nbgrader's formgrader explicitly, server and lab side (``make lab`` turns nbgrader's
  extensions off for learners), and turns off the learners' "Assignments" and "Courses" panels;
* points nbgrader's exchange at an empty scratch folder, so formgrader does not warn that
  ``/srv/nbgrader/exchange`` is missing (releasing and collecting go through the LMS here);
* keeps JupyterLab's workspace and settings files out of ``~/.jupyter``.

So formgrader shows the class's submissions, autograded scores and feedback, and manual grades
go into ``OUT/course/gradebook.db``; nothing is written into the repository (the course's
``source`` is a link to the repository's, read by formgrader and not written).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from pitfalls.grading.course import tool_env
from pitfalls.paths import repo_root

#: nbgrader's server extensions: formgrader (and the validate button) on, the exchange's off.
SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": True,
    "nbgrader.server_extensions.validate_assignment": True,
    "nbgrader.server_extensions.assignment_list": False,
    "nbgrader.server_extensions.course_list": False,
}
#: nbgrader's JupyterLab plugins: ``False`` enables one another level may have disabled.
LAB_PLUGINS = {
    "@jupyter/nbgrader": False,  # the whole extension, in case another level disabled it
    "@jupyter/nbgrader:formgrader": False,
    "@jupyter/nbgrader:menu": False,
    "@jupyter/nbgrader:create-assignment": False,
    "@jupyter/nbgrader:validate-assignment": False,
    "@jupyter/nbgrader:assignment-list": True,
    "@jupyter/nbgrader:course-list": True,
}

NBGRADER_CONFIG = """\
# Written by pitfalls.grading.formgrader for one run of `make formgrader`.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {course!r}
c.Exchange.root = {exchange!r}
"""


def graded_course(out: Path) -> Path:
    """``out/course``, checked to be a course ``make grade`` wrote (it has a gradebook)."""
    course = Path(out).resolve() / "course"
    if not (course / "gradebook.db").is_file():
        raise SystemExit(
            f"no graded course in {out}: run `make grade LAB=<lab> SUBMISSIONS=<export>` first "
            f"(formgrader opens its OUT/course; expected {course / 'gradebook.db'})"
        )
    return course


def write_config(folder: Path, course: Path) -> Path:
    """A Jupyter configuration folder for formgrader on ``course``; returns it."""
    exchange = folder / "exchange"
    exchange.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        NBGRADER_CONFIG.format(course=str(course), exchange=str(exchange)), encoding="utf-8"
    )
    (folder / "labconfig").mkdir(exist_ok=True)
    (folder / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": LAB_PLUGINS}, indent=1), encoding="utf-8"
    )
    return folder


def command(course: Path, ip: str = "127.0.0.1", port: int = 8888, allow_root: bool = False) -> list[str]:
    """The ``jupyter lab`` command serving ``course`` with formgrader as its start page."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ip={ip}",
        f"--port={port}",
        f"--ServerApp.root_dir={course}",
        "--LabApp.default_url=/formgrader",
    ]
    cmd += [f"--ServerApp.jpserver_extensions={name}={on}" for name, on in SERVER_EXTENSIONS.items()]
    return cmd + (["--allow-root"] if allow_root else [])


def environment(config: Path, repo: Path) -> dict[str, str]:
    """JupyterLab's and its kernels' environment: our configuration folder only, and the checkout
    importable (the labs' test cells import its checks when a notebook is re-run)."""
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH", "")) if p)
    env = tool_env({"JUPYTER_CONFIG_DIR": str(config), "PITFALLS_ROOT": str(repo), "PYTHONPATH": path})
    env.pop("JUPYTER_CONFIG_PATH", None)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="what `make grade` wrote (OUT, e.g. graded/lab03_generators)")
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--allow-root", action="store_true", help="let Jupyter run as root (containers)")
    args = parser.parse_args(argv)
    course = graded_course(args.out)
    with tempfile.TemporaryDirectory(prefix="formgrader-") as scratch:
        config = write_config(Path(scratch), course)
        print(f"formgrader on {course} (Ctrl-C twice to stop)", flush=True)
        return serve(
            command(course, args.ip, args.port, args.allow_root), course, environment(config, repo_root())
        )


def serve(cmd: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Run JupyterLab until it stops, so the configuration folder outlives it: Ctrl-C reaches
    JupyterLab too (it asks, or stops on a second one), and a SIGTERM is passed on to it."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)
    signal.signal(signal.SIGTERM, lambda *_: proc.send_signal(signal.SIGTERM))
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


if __name__ == "__main__":
    sys.exit(main())
