"""Execute notebooks in a fresh kernel, time them, and keep committed notebooks output-free.

Thin wrappers over nbclient: the tests execute every lesson and solution with it, the benchmark
measures wall time and the kernel's peak memory with it, and ``make generate`` uses it to
produce ``solutions/``.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from pitfalls.grading.course import tool_env


@dataclass
class Execution:
    """An executed notebook, how long it took and the kernel's peak resident memory."""

    notebook: nbformat.NotebookNode
    seconds: float
    peak_mib: float | None


def kernel_peak_mib(client: NotebookClient) -> float | None:
    """The kernel process' high-water mark of resident memory (Linux ``VmHWM``), if readable."""
    try:
        pid = client.km.provisioner.process.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except Exception:
        return None
    return None


#: IPython start-up code that refuses every connection leaving this machine. Executing a notebook
#: with it proves the notebook needs no network (the course must run offline: CI, a plane).
OFFLINE_STARTUP = """\
import ipaddress, os, socket
os.environ["PITFALLS_OFFLINE"] = "1"
_connect = socket.socket.connect
def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else None
    if host is not None:
        try:
            local = ipaddress.ip_address(host).is_loopback
        except ValueError:
            local = host == "localhost"
        if not local:
            raise OSError(f"network disabled for this offline run (tried {address!r})")
    return _connect(self, address)
socket.socket.connect = _loopback_only
"""


def offline_ipython_dir(folder: Path) -> Path:
    """An IPYTHONDIR whose start-up script blocks non-loopback connections."""
    startup = folder / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-offline.py").write_text(OFFLINE_STARTUP)
    return folder


def execute(
    nb: nbformat.NotebookNode | Path,
    cwd: Path | None = None,
    timeout: int = 600,
    env: dict[str, str] | None = None,
    offline: bool = False,
) -> Execution:
    """Run every cell of ``nb`` top to bottom in a fresh kernel; raise on the first error.

    ``offline=True`` runs the kernel with every non-loopback connection refused.
    """
    if isinstance(nb, (str, Path)):
        cwd = cwd or Path(nb).parent
        nb = nbformat.read(nb, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd or ".")}}
    )
    peak: list[float | None] = [None]
    with tempfile.TemporaryDirectory(prefix="ipython-") as ipython_dir:
        env = dict(env or {})
        if offline:
            env["IPYTHONDIR"] = str(offline_ipython_dir(Path(ipython_dir)))
        started = time.perf_counter()
        with client.setup_kernel(env=tool_env(env)):
            try:
                for index, cell in enumerate(nb.cells):
                    client.execute_cell(cell, index)
            finally:
                peak[0] = kernel_peak_mib(client)
        seconds = time.perf_counter() - started
    nb.metadata.pop("widgets", None)  # GitHub rejects widget state without a "state" key
    return Execution(nb, seconds, peak[0])


def has_outputs(nb: nbformat.NotebookNode) -> bool:
    """True when any code cell carries outputs or an execution count."""
    return any(c.cell_type == "code" and (c.get("outputs") or c.get("execution_count")) for c in nb.cells)


def strip_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Clear outputs and execution counts, and drop saved widget state."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    return nb
