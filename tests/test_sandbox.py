"""The grading sandbox (pitfalls/grading/sandbox.py): what a kernel may see, write and reach.

The kernel test runs a tiny notebook (no TensorFlow: seconds) in a sandboxed kernel, one attempt
per cell, each aimed at something the sandbox must keep from a student's code; every attempt must
fail in its own cell with its own error, and the cells after it must still run.
"""

from __future__ import annotations

import os
import socket

import nbformat
import pytest

from pitfalls.grading import grade, sandbox
from pitfalls.grading.sandbox import SandboxedKernelManager, bwrap_argv, course_readable, unavailable

ROOT = sandbox.Path(__file__).resolve().parent.parent
LAB_DIR = ROOT / "lessons" / "l01_tensors_and_slicing"


def test_course_readable_keeps_what_labs_import_and_leaves_out_the_instructors_files():
    readable = {sandbox.Path(p) for p in course_readable(ROOT)}
    assert {
        ROOT / "pitfalls",
        ROOT / "data",
        ROOT / "release",
        LAB_DIR / "checks.py",
        LAB_DIR / "spread.json",
    } <= readable
    for hidden in (
        "lab.py",
        "wrong_answers.py",
        "mutation.json",
        "equivalent_mutants.toml",
        "test_checks.py",
    ):
        assert LAB_DIR / hidden not in readable
    assert not [p for p in readable if "__pycache__" in p.parts]
    for folder in ("source", "solutions", "autograder", "notebooks", ".git", "tests", "lessons"):
        assert ROOT / folder not in readable  # lessons/ only file by file


def test_argv_binds_read_only_except_the_working_folders_and_clears_the_environment():
    argv = bwrap_argv(["/srv/course/pitfalls"], ["/srv/w"], "/srv/w", {"PATH": "/usr/bin", "AWS_SECRET": "x"})
    pairs = list(zip(argv, argv[1:], strict=False))
    assert ("--ro-bind", "/srv/course/pitfalls") in pairs
    assert [a for a, b in pairs if b == "/srv/w" and a.startswith("--")] == ["--bind", "--chdir"]
    assert argv.index("--tmpfs") < argv.index("--bind")  # the private /tmp first, then the folder in it
    assert argv[-1] == "--" and argv[-4:-1] == ["/", "--chdir", "/srv/w"]
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--clearenv"):
        assert flag in argv
    assert "AWS_SECRET" not in argv and ("--setenv", "PATH") in pairs and ("--setenv", "HOME") in pairs


def test_without_bubblewrap_the_grader_refuses_in_one_line_unless_told_no_sandbox(monkeypatch, capsys):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    why = unavailable()
    assert why and "\n" not in why and "--no-sandbox" in why
    with pytest.raises(SystemExit) as stop:
        grade.main(["lab01_tensors", str(ROOT / "missing.zip"), "--out", "/nonexistent/out"])
    assert str(stop.value).startswith(
        "cannot grade lab01_tensors in a sandbox: bubblewrap"
    ) and "\n" not in str(stop.value)


def test_a_failed_probe_is_reported_in_one_line(monkeypatch):
    monkeypatch.setattr(sandbox, "BWRAP", "false")  # on PATH, starts, and fails like a refused namespace
    why = unavailable()
    assert why and "\n" not in why and "user namespaces" in why


def test_the_worker_makes_nbgrader_start_sandboxed_kernels(monkeypatch):
    from nbgrader.preprocessors import Execute

    monkeypatch.setattr(Execute, "__init__", Execute.__init__)  # undone after the test
    assert Execute().kernel_manager_class is not SandboxedKernelManager
    sandbox.use_in_nbgrader()
    sandbox.use_in_nbgrader()  # twice is once
    assert Execute().kernel_manager_class is SandboxedKernelManager


ATTEMPTS = {
    # cell source -> the error it must end with, "<ename> <part of its message>" (None: it must run)
    "print(open(OTHER).read())": "FileNotFoundError",
    "print(open(GRADEBOOK, 'rb').read(16))": "FileNotFoundError",
    "print(open(MASTER).read()[:100])": "FileNotFoundError",
    "print(open(LAB_PY).read()[:100])": "FileNotFoundError",
    "open(REPO + '/pitfalls/planted.py', 'w')": "OSError [Errno 30]",  # EROFS
    "os.posix_fallocate(os.open(os.path.join('/tmp', 'big'), os.O_CREAT | os.O_WRONLY), 0, 600 * 2**20)": "OSError [Errno 28]",  # ENOSPC
    # Under /tmp (where the workers' courses are) a write lands in the kernel's own /tmp, in which
    # the course is a bare skeleton: no gradebook, no submissions; the real course stays untouched.
    "open(OUTSIDE, 'w').write('planted'); print(sorted(os.listdir(COURSE)))": None,
    # The grader's port on 127.0.0.1 is not there: the kernel's loopback is its own.
    "socket.create_connection(('127.0.0.1', PORT), timeout=5)": "ConnectionRefusedError",
    "socket.create_connection(('1.1.1.1', 80), timeout=5)": "OSError [Errno 101]",  # ENETUNREACH: no way out
    "os.kill(GRADER_PID, signal.SIGKILL)": "ProcessLookupError",
    "os.kill(os.getppid(), signal.SIGKILL); time.sleep(0.5); os.kill(os.getppid(), 0)\n"
    "raise RuntimeError(f'parent {os.getppid()} still alive')": "RuntimeError",
    "print(os.environ['GRADER_TOKEN'])": "KeyError",  # the instructor's environment stays outside
    "caps = open('/proc/self/status').read().split('CapEff:')[1].split()[0]\nassert int(caps, 16) == 0, caps": None,
    "while True:\n    time.sleep(0.05)": "KeyboardInterrupt",  # the cell timeout's interrupt
    "open('mine.txt', 'w').write('ok'); open(SCRATCH, 'w').write('ok')": None,
    "import pitfalls.checks.core, lessons.l01_tensors_and_slicing.checks\nprint(os.getcwd(), 'still running')": None,
}


def test_each_attempt_from_inside_a_kernel_fails_in_its_own_cell_and_the_run_goes_on(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    if why := unavailable():  # fails, never skips: `make test` installs bubblewrap, as `make grade` needs it
        pytest.fail(f"no sandbox on this machine: {why}")

    course = tmp_path / "course"
    work = course / "autograded" / "ann" / "lab"
    other = course / "submitted" / "bob" / "lab" / "lab.ipynb"
    for path in (other, course / "gradebook.db"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("secret")
    work.mkdir(parents=True)
    master = ROOT / "source" / "lab01_tensors" / "lab01_tensors.ipynb"
    assert master.is_file() and (LAB_DIR / "lab.py").is_file()
    monkeypatch.setenv("GRADER_TOKEN", "instructor-only")
    server = socket.create_server(("127.0.0.1", 0))
    scratch = sandbox.Path("/tmp") / f"pitfalls-scratch-{os.getpid()}-{tmp_path.name}"
    setup = (
        "import os, signal, socket, time\n"
        f"OTHER, GRADEBOOK = {str(other)!r}, {str(course / 'gradebook.db')!r}\n"
        f"MASTER, LAB_PY, REPO = {str(master)!r}, {str(LAB_DIR / 'lab.py')!r}, {str(ROOT)!r}\n"
        f"COURSE, OUTSIDE = {str(course)!r}, {str(course / 'planted.txt')!r}\n"
        f"PORT, GRADER_PID =  {server.getsockname()[1]}, {os.getpid()}\n"
        f"SCRATCH = {str(scratch)!r}"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(setup)] + [nbformat.v4.new_code_cell(src) for src in ATTEMPTS]
    client = NotebookClient(
        nb,
        kernel_manager_class=SandboxedKernelManager,
        allow_errors=True,
        # 2 s for the endless loop (then the interrupt); the others, under load, may take their time
        timeout_func=lambda cell: 2 if cell.source.startswith("while True") else 120,
        interrupt_on_timeout=True,
        resources={"metadata": {"path": str(work)}},
    )
    try:
        client.execute()
    finally:
        server.close()
    assert not [o for o in nb.cells[0].outputs if o.output_type == "error"]
    for cell, expected in zip(nb.cells[1:], ATTEMPTS.values(), strict=True):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if expected is None:
            assert not errors, (cell.source, errors)
            continue
        ename, _, message = expected.partition(" ")
        assert [e.ename for e in errors] == [ename] and message in errors[0].evalue, (cell.source, errors)
    printed = {cell.source: "".join(o.get("text", "") for o in cell.outputs) for cell in nb.cells}
    assert [p for src, p in printed.items() if src.startswith("open(OUTSIDE")] == [
        "['autograded', 'planted.txt']\n"
    ]
    assert f"{work} still running" in printed[nb.cells[-1].source]
    assert (work / "mine.txt").read_text() == "ok"
    assert not (ROOT / "pitfalls" / "planted.py").exists() and not (course / "planted.txt").exists()
    assert not scratch.exists()  # the kernel's /tmp was its own
    assert [p.name for p in (course / "submitted" / "bob" / "lab").iterdir()] == ["lab.ipynb"]
