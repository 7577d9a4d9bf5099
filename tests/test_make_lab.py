"""`make lab` serves JupyterLab on the course: GET /lab answers 200 (as root too)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

from conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_lab_serves_jupyterlab(tmp_path):
    port = free_port()
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["make", "-s", "lab", f"LAB_PORT={port}"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline, token = time.time() + 120, None
        while time.time() < deadline and token is None:
            match = re.search(rf"http://127\.0\.0\.1:{port}/\S*token=([0-9a-f]+)", log.read_text())
            token = match.group(1) if match else None
            assert proc.poll() is None, f"make lab exited early:\n{log.read_text()[-2000:]}"
            time.sleep(0.5)
        assert token, f"make lab printed no URL in time:\n{log.read_text()[-2000:]}"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}", timeout=30) as response:
            assert response.status == 200
            assert "JupyterLab" in response.read().decode("utf-8", "replace")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
