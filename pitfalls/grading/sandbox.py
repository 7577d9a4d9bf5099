"""Every grading kernel runs in a bubblewrap sandbox: it sees the system and the course package
read-only, writes only its own working folder and a private ``/tmp``, and sees nothing of the
instructor's side.

What a kernel sees (an allow-list, not a list of holes: bubblewrap starts from an empty root):

* read-only: the system folders (``/usr``, ``/etc``, ``/bin``, ``/lib*``, ``/sbin``, ``/opt``), this
  interpreter's prefixes (the venv and the Python it was made from), and of the course checkout only
  what a lab imports or reads: ``pitfalls/``, ``data/``, ``release/`` (the student versions, which
  a lab's self-check cell reads), the venv, and in ``lessons/`` every file but
  the instructor's (``lab.py`` — the nbgrader master with its solutions —, ``wrong_answers.py``,
  ``test_*.py``, the mutation records, ``__pycache__``). So ``source/``, ``solutions/``,
  ``autograder/``, ``.git``, ``graded/``, the gradebook, other students' submissions
  and feedback and the grader's own folders are not there at all (``FileNotFoundError``), wherever
  the instructor keeps them: none of them is bound in.
* read-write: the kernel's working folder (the folder of the notebook nbgrader runs: the
  student's own, in the worker's private course), a private ``/tmp`` (a fresh tmpfs of
  :data:`TMP_BYTES`; ``HOME`` points there, for IPython's and Keras' caches), and the folder of its
  own ZMQ sockets (below). Everything else is a read-only mount: writing elsewhere fails with
  ``EROFS`` (or lands in that private ``/tmp``, for a path under ``/tmp``).
* its own namespaces for everything (``--unshare-all``): no network (a loopback of its own, so
  the grader's ports on 127.0.0.1 refuse it, and no route out: ``ENETUNREACH``), its own PIDs (the
  grader, the worker and the other students' kernels do not exist for it; its parent is
  bubblewrap's init, pid 1, which ignores signals from inside), its own IPC and host name; no capabilities (``--cap-drop ALL``) and no
  further user namespaces (``--disable-userns``), so it cannot remount anything writable.
* its own user namespace, as uid ``nobody`` inside it. Run by root (containers, CI), that uid is
  still root's outside, without any capability: it reads root's files in what is bound in (hence
  :data:`MASKED`: ``/etc/shadow`` and the like are hidden) and writes only where a mount is
  writable. Dropping to a real unprivileged uid first (``setpriv``) is not done: bubblewrap would
  then run unprivileged and could not reach an interpreter kept under ``/root`` (mode 700), as on
  the machines this project is built on.
* only the environment variables a kernel needs (:data:`KEPT_ENV`): the instructor's tokens and
  paths do not leak in.
* the limits the grader already sets: ``RLIMIT_AS`` (inherited through bubblewrap), nbgrader's
  per-cell timeout, the pool's per-submission kill of the whole tree, and ``--die-with-parent``: a
  kernel never outlives its worker. The timeout's interrupt is jupyter_client's usual ``SIGINT``
  to the kernel's process group; bubblewrap is in that group too and would die of it, taking the
  kernel along, so bubblewrap is started with ``SIGINT`` ignored (``sh -c 'trap "" INT; exec …'``)
  while ipykernel sets its own handler: a cell is interrupted exactly as without the sandbox.

How the grader talks to a kernel with no network: ZMQ over jupyter_client's ``ipc`` transport —
unix sockets in a folder of their own (``$TMPDIR/pitfalls-kernel-*``; the pool gives each worker a
``TMPDIR`` in its own folder), bound into the sandbox at the same path. A socket file is reached through the file system, not the network namespace, so both
sides connect; the connection file (with the message-signing key) sits in that folder too, not in
the user's Jupyter runtime folder, which the kernel must not see (another kernel's keys are there).

How nbgrader starts it: nbgrader's ``Execute`` (nbclient) makes a kernel manager and calls
``start_kernel(cwd=<working folder>)``. :class:`SandboxedKernelManager` is the thinnest wrapper
there: jupyter_client's own ``AsyncKernelManager`` with ``transport = "ipc"`` whose
``format_kernel_cmd`` puts the bubblewrap command in front of the kernelspec's argv (it knows the
working folder from the launch arguments). No kernelspec or provisioner of our own, and no
process but a POSIX ``sh`` that sets SIGINT aside and execs bubblewrap; the worker makes nbgrader
use it (:func:`use_in_nbgrader`).

What it costs: bubblewrap's set-up (namespaces, ~55 mounts) takes 0.07–0.1 s per kernel start
(``bwrap … true``: median 91 ms, fastest 68 ms, on 2 busy cores), against 2–3 s for a kernel to
start and answer; kernel start-to-ready measured 2.5 s sandboxed, 2.6 s plain (medians of five,
under the same load: the difference is in the noise).

Where user namespaces (or bubblewrap) are missing, :func:`unavailable` says why in one line, and
the grader refuses to run unless the instructor passed ``--no-sandbox``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import List, Unicode, default

BWRAP = "bwrap"
NOBODY = 65534
PRIVATE_TMP = "/tmp"  # the kernel's own, a fresh tmpfs
#: The private ``/tmp``'s size: a tmpfs is memory the address-space limit does not count.
TMP_BYTES = 512 * 2**20
SYSTEM = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt")
#: Files of ``lessons/`` the kernel never sees: the masters (solutions), the wrong-answer corpus,
#: tests, mutation records, and compiled copies of any of them.
INSTRUCTOR_ONLY = ("lab.py", "wrong_answers.py", "test_*.py", "mutation.json", "equivalent_mutants.toml")
#: What a kernel's environment keeps of the worker's (names, or prefixes ending in ``*``).
KEPT_ENV = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "LC_*",
    "TZ",
    "TERM",
    "PYTHON*",
    "PITFALLS_*",
    "TF_*",
    "KERAS_*",
    "OMP_*",
    "MKL_*",
    "OPENBLAS_*",
    "CUDA_VISIBLE_DEVICES",
    "MPLBACKEND",
    "JPY_*",
    "VIRTUAL_ENV",
)
#: Secrets that stay masked even if something above binds them (belt and braces under root).
MASKED = ("/etc/shadow", "/etc/gshadow", "/etc/ssh", "/etc/sudoers", "/etc/sudoers.d", "/etc/ssl/private")


def course_readable(repo: Path) -> list[str]:
    """What of the checkout ``repo`` a lab's kernel may read (see the module doc)."""
    repo = Path(repo).resolve()
    # release/: the student versions, which the labs' self-check cell reads (public anyway).
    paths = [repo / name for name in ("pitfalls", "data", "release", ".venv")]
    lessons = repo / "lessons"
    for entry in sorted(lessons.rglob("*")):
        rel = entry.relative_to(lessons)
        if entry.is_dir() or "__pycache__" in rel.parts or any(rel.match(p) for p in INSTRUCTOR_ONLY):
            continue
        paths.append(entry)
    return [str(p) for p in paths if p.exists()]


def interpreter_paths() -> list[str]:
    """This interpreter's prefixes (the venv, the Python it was made from), as real paths."""
    found = {
        os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)
    }
    found.add(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    return sorted(found)


def sandbox_uid() -> int | None:
    """The uid inside the sandbox: ``nobody`` when we are root (it is still root's outside, with no
    capabilities), else None: our own."""
    return NOBODY if os.geteuid() == 0 else None


def kept_env(env: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``env`` a kernel keeps (:data:`KEPT_ENV`), with ``HOME`` in its ``/tmp``."""
    out = {}
    for name, value in env.items():
        if any(name == k or (k.endswith("*") and name.startswith(k[:-1])) for k in KEPT_ENV):
            out[name] = value
    out["HOME"] = PRIVATE_TMP
    out["MPLCONFIGDIR"] = os.path.join(PRIVATE_TMP, "matplotlib")
    out["IPYTHONDIR"] = os.path.join(PRIVATE_TMP, "ipython")
    return out


def bwrap_argv(
    readable: Iterable[str], writable: Iterable[str], workdir: str, env: Mapping[str, str]
) -> list[str]:
    """The bubblewrap command (without the sandboxed command) for one kernel.

    Order matters: bubblewrap applies its operations in turn, so the private ``/tmp`` comes before
    the writable folders (which may live under ``/tmp``) and the root is made read-only last."""
    # bubblewrap starts with SIGINT ignored (the disposition survives exec): the interrupt
    # jupyter_client sends to the kernel's process group would otherwise kill bubblewrap, and the
    # kernel with it. The kernel sets its own SIGINT handler, so it is interrupted as ever.
    argv = ["/bin/sh", "-c", 'trap "" INT; exec "$0" "$@"']
    argv += [BWRAP, "--unshare-all", "--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
    uid = sandbox_uid()
    if uid is not None:
        argv += ["--uid", str(uid), "--gid", str(uid)]
    argv += ["--die-with-parent", "--hostname", "sandbox", "--clearenv"]
    for name, value in kept_env(env).items():
        argv += ["--setenv", name, value]
    for top in SYSTEM:
        if os.path.islink(top):
            argv += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            argv += ["--ro-bind", top, top]
    argv += ["--dev", "/dev", "--proc", "/proc", "--size", str(TMP_BYTES), "--tmpfs", PRIVATE_TMP]
    for path in readable:
        argv += ["--ro-bind", path, path]
    for path in MASKED:
        if os.path.isdir(path):
            argv += ["--tmpfs", path, "--remount-ro", path]
        elif os.path.exists(path):
            argv += ["--ro-bind", "/dev/null", path]
    for path in writable:
        argv += ["--bind", path, path]
    argv += ["--remount-ro", "/", "--chdir", workdir, "--"]
    return argv


def unavailable() -> str | None:
    """Why kernels cannot be sandboxed here, in one line; None when they can."""
    if not shutil.which(BWRAP):
        return (
            "bubblewrap (bwrap) is not installed: `sudo apt-get install bubblewrap` (`make install` "
            "does it when run as root), or grade with --no-sandbox"
        )
    probe = bwrap_argv([], [], "/", {}) + ["true"]
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return (
            f"bubblewrap could not start a sandbox ({err}); grade with --no-sandbox to run kernels unconfined"
        )
    if proc.returncode != 0:
        why = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return (
            f"bubblewrap cannot make a sandbox here ({why}; user namespaces may be disabled: "
            "sysctl kernel.unprivileged_userns_clone / user.max_user_namespaces); grade with --no-sandbox "
            "to run kernels unconfined"
        )
    return None


class SandboxedKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager, its kernel started inside bubblewrap, over unix sockets."""

    readable = List(Unicode(), help="paths bound read-only into the sandbox").tag(config=True)

    @default("transport")
    def _transport_default(self) -> str:
        return "ipc"

    @default("readable")
    def _readable_default(self) -> list[str]:
        from pitfalls.paths import repo_root

        return course_readable(repo_root())

    async def _async_pre_start_kernel(self, **kw):
        # The sockets and connection file in a folder of their own, bound into the sandbox.
        self._sockets = tempfile.mkdtemp(prefix="pitfalls-kernel-")
        self.connection_file = os.path.join(self._sockets, "kernel.json")
        self.ip = os.path.join(self._sockets, "k")
        self._workdir = os.path.realpath(kw.get("cwd") or os.getcwd())
        return await super()._async_pre_start_kernel(**kw)

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd = super().format_kernel_cmd(extra_arguments)
        env = self._launch_args.get("env") or os.environ
        readable = [*interpreter_paths(), *self.readable]
        return bwrap_argv(readable, [self._sockets, self._workdir], self._workdir, env) + cmd

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and getattr(self, "_sockets", None):
            shutil.rmtree(self._sockets, ignore_errors=True)


def use_in_nbgrader() -> None:
    """Make nbgrader's ``Execute`` start its kernels with :class:`SandboxedKernelManager`.

    nbgrader passes ``kernel_manager_class=AsyncKernelManager`` to nbclient as a keyword, which
    outranks configuration, so the default is changed where it is set."""
    from nbgrader.preprocessors import Execute

    original = Execute.__init__
    if getattr(original, "sandboxed", False):
        return

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = SandboxedKernelManager
        original(self, *args, **kwargs)

    __init__.sandboxed = True  # type: ignore[attr-defined]
    Execute.__init__ = __init__
