"""Autograde many submissions on all cores, each within its own time and memory limits.

nbgrader grades one submission after another (parallel autograding has been an open request
since 2015, nbgrader issue 174) and its SQLite gradebook is not safe for concurrent writers. So
each worker process (:mod:`pitfalls.grading.worker`) owns a copy of the course and gradebook; the
pool only hands out jobs and collects the executed notebooks, which :mod:`pitfalls.grading.grade`
then records into the one real gradebook, serially.

Limits, so one submission costs only its own time:
* per cell: nbgrader's ``Execute.timeout`` interrupts a cell that runs too long;
* per submission: a submission still running after ``submission_timeout`` seconds (a loop that
  swallows the interrupt, a hung kernel) has its worker and kernel killed; a fresh worker takes
  the next job;
* memory: each worker and its kernels run under ``RLIMIT_AS``, so a memory bomb meets a
  ``MemoryError`` in its own cell instead of the machine's OOM killer;
* output: see :mod:`pitfalls.grading.outputs`.

Where kernels run: each worker's course lives in a temporary folder of its own, away from the
class's course, report and unpacked submissions, and holds real copies (no links back to the
repository). Before each submission its course files are rewritten from the snapshot taken when
the class's course was made, and after it the submitted and executed copies are removed; so what a
kernel writes in reach of its folder (``..`` and all) never reaches a later student or the grader.
The sandbox (:mod:`pitfalls.grading.sandbox`, on unless ``Limits.sandbox`` is False) closes the
absolute paths too: a kernel sees the system and the course package read-only and writes only its
working folder; the worker's course, the gradebook and every other student are not there for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import resource
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from pitfalls.grading.course import restore, tool_env
from pitfalls.grading.inbox import Quota
from pitfalls.grading.outputs import OutputQuota
from pitfalls.grading.worker import RESULT_PREFIX

GIB = 2**30


@dataclass(frozen=True)
class Limits:
    """How long and how much one submission may take."""

    submission_timeout: float = 900.0
    memory_bytes: int = 6 * GIB
    threads_per_kernel: int = 1
    files: Quota = Quota()
    outputs: OutputQuota = OutputQuota()
    page_bytes: int = 8 * 2**20  # one feedback page
    sandbox: bool = True  # every kernel in bubblewrap (pitfalls.grading.sandbox); --no-sandbox: False


@dataclass
class Outcome:
    """What became of one submission in the pool."""

    student: str
    autograded: Path | None
    problem: str | None
    seconds: float
    last_cell: str | None = None
    sha256: str | None = None  # of ``autograded`` as the worker left it
    cut: list[str] = field(default_factory=list)  # outputs the allowance cut, one line per cell


def _limit_memory(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def kill_tree(pid: int) -> None:
    """Kill a process and every descendant (the kernel runs in a session of its own)."""
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    procs = parent.children(recursive=True) + [parent]
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


class Worker:
    """A worker process over its own copy of the course, restarted after a kill."""

    def __init__(self, snapshot: dict[str, bytes], root: Path, limits: Limits, executed: Path):
        self.snapshot, self.root, self.limits, self.executed = snapshot, root, limits, executed
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.reset()
        threads = str(self.limits.threads_per_kernel)
        # TMPDIR in the worker's folder: what a killed worker leaves there (a sandboxed kernel's
        # sockets, say) goes with the folder. Kernels do not inherit it (the sandbox clears it).
        tmp = self.root / "tmp"
        tmp.mkdir(exist_ok=True)
        env = tool_env(
            {
                "OMP_NUM_THREADS": threads,
                "TF_NUM_INTRAOP_THREADS": threads,
                "TF_NUM_INTEROP_THREADS": threads,
                "TMPDIR": str(tmp),
            }
        )
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pitfalls.grading.worker",
                str(self.root),
                str(self.limits.outputs.cell_bytes),
                str(self.limits.outputs.notebook_bytes),
                "sandbox" if self.limits.sandbox else "no-sandbox",
            ],
            cwd=self.root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
            preexec_fn=_limit_memory(self.limits.memory_bytes),
        )
        ready = self._read(120)
        if not ready or not ready.get("ready"):
            self.stop()
            raise RuntimeError(f"grading worker in {self.root} did not start")

    def _read(self, timeout: float) -> dict | None:
        """The next result line, or None when the deadline passes or the worker dies."""
        assert self.proc and self.proc.stdout
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while (left := deadline - time.monotonic()) > 0:
                if not sel.select(left):
                    return None
                line = self.proc.stdout.readline()
                if not line:
                    return None  # the worker died
                if line.startswith(RESULT_PREFIX):
                    return json.loads(line[len(RESULT_PREFIX) :])
        return None

    def stop(self) -> None:
        if self.proc:
            kill_tree(self.proc.pid)
            self.proc = None

    def reset(self) -> None:
        """The worker's course as the snapshot has it; no student's files left."""
        for step in ("submitted", "autograded", "feedback"):
            shutil.rmtree(self.root / step, ignore_errors=True)
        restore(self.root, self.snapshot)

    def grade(self, lab: str, student: str, notebook: Path) -> Outcome:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        else:
            self.reset()
        try:
            return self._grade(lab, student, notebook)
        finally:
            for step in ("submitted", "autograded"):
                shutil.rmtree(self.root / step, ignore_errors=True)

    def _grade(self, lab: str, student: str, notebook: Path) -> Outcome:
        started = time.monotonic()
        assert self.proc and self.proc.stdin
        self.proc.stdin.write(json.dumps({"lab": lab, "student": student, "notebook": str(notebook)}) + "\n")
        self.proc.stdin.flush()
        reply = self._read(self.limits.submission_timeout)
        seconds = time.monotonic() - started
        if reply is None:
            died = self.proc.poll() is not None
            last = self._last_cell()
            self.stop()
            where = f" in cell {last}" if last else ""
            if died:
                problem = f"the grader's worker crashed{where} (out of memory, or the process was killed)"
            else:
                problem = (
                    f"stopped after {self.limits.submission_timeout:.0f} s{where}: the submission kept running "
                    "past the time limit (an endless loop that ignores interrupts, or a hung kernel)"
                )
            return Outcome(student, None, problem, seconds, last)
        if not reply["success"]:
            return Outcome(student, None, explain_failure(reply), seconds, reply.get("last_cell"))
        # Out of the worker's folder, which a restart wipes: ``executed/<student>/<lab>/<lab>.ipynb``.
        kept = self.executed / student / lab / f"{lab}.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        data = Path(reply["autograded"]).read_bytes()
        kept.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        return Outcome(student, kept, None, seconds, reply.get("last_cell"), digest, reply.get("cut", []))

    def _last_cell(self) -> str | None:
        try:
            return json.loads((self.root / "progress.json").read_text()).get("cell")
        except (OSError, ValueError):
            return None


def explain_failure(reply: dict, cell_timeout: float | None = None) -> str:
    """nbgrader's traceback for a submission it could not grade, in one sentence."""
    text = reply.get("error", "") + reply.get("log", "")
    where = f" while running cell {reply['last_cell']}" if reply.get("last_cell") else ""
    before = reply.get("errors") or []
    earlier = f"; before that, {'; '.join(before[-3:])}" if before else ""
    if "DeadKernelError" in text or "Kernel died" in text:
        return (
            f"the Python kernel died{where} (a call such as os._exit, a crash in native code, or too much "
            f"memory), so the notebook could not be run to the end{earlier}"
        )
    if "CellTimeoutError" in text or "UnresponsiveKernelError" in text or "Timeout" in text:
        return (
            f"the kernel stopped responding{where}: the cell ran past the per-cell time limit and ignored the "
            f"interrupt sent to stop it{earlier}"
        )
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    raised = [line for line in lines if re.match(r"[\w.]*(Error|Exception)\b.*: ", line)]
    last = (raised or lines or ["unknown error"])[-1]
    return f"nbgrader could not grade the notebook{where}: {last[:300]}{earlier}"


def run_pool(
    snapshot: dict[str, bytes],
    executed: Path,
    lab: str,
    jobs: Iterable[tuple[str, Path]],
    workers: int,
    limits: Limits,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Grade every ``(student, notebook)`` job on ``workers`` processes; outcomes in job order.

    ``snapshot``: the course files every worker starts each job from (:meth:`Course.snapshot`)."""
    jobs = list(jobs)
    todo: queue.Queue = queue.Queue()
    for i, job in enumerate(jobs):
        todo.put((i, *job))
    results: list[Outcome | None] = [None] * len(jobs)
    errors: list[BaseException] = []

    def serve(k: int) -> None:
        worker = Worker(snapshot, Path(tempfile.mkdtemp(prefix=f"pitfalls-worker-{k}-")), limits, executed)
        try:
            while True:
                try:
                    i, student, notebook = todo.get_nowait()
                except queue.Empty:
                    return
                outcome = worker.grade(lab, student, notebook)
                results[i] = outcome
                if progress:
                    progress(outcome)
        except BaseException as err:  # surfaced in the caller's thread
            errors.append(err)
        finally:
            worker.stop()
            shutil.rmtree(worker.root, ignore_errors=True)

    threads = [
        threading.Thread(target=serve, args=(k,), daemon=True) for k in range(max(1, min(workers, len(jobs))))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return [r for r in results if r is not None]


def default_workers() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
