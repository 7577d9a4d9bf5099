"""`make lab` serves the learners' JupyterLab on the course (as root too), and a learner opening it in
Chromium sees what ``jupyter/`` promises: the README rendered as a page (its "Start here" link
opens lesson 1), no nbgrader instructor interface (menu, sidebar, Validate button, formgrader
endpoint), no news pop-up, no ``*.egg-info`` in the file browser, and a lab copy that is not
marked modified once its kernel is connected (JupyterLab fills in the kernel's ``language_info``).

One server for the module; JupyterLab's user folders (settings, workspaces, config, runtime) are
temporary, so the developer's own settings neither leak in nor get written. ``WORK`` points
`make lab`'s lab copies at a scratch folder under ``artifacts/`` (inside the served root, as
``work/`` is for a learner), removed afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = os.environ.get("PITFALLS_CHROMIUM", os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
SERVER_START_S = 120  # make lab: install check, copies, JupyterLab start on a loaded 2-core machine
PAGE_S = 60_000  # ms: the first page load builds JupyterLab's bundles in the browser
KERNEL_S = 90_000  # ms: a kernel start when the CPU is shared


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MakeLab:
    """`make lab` on a free port with temporary user folders; stopped through the API."""

    def __init__(self, tmp: Path, work: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / "lab.log"
        for d in ("config", "runtime", "settings", "workspaces"):
            (tmp / d).mkdir()
        env = dict(
            os.environ,
            JUPYTER_CONFIG_DIR=str(tmp / "config"),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        )
        env.pop("JUPYTER_CONFIG_PATH", None)
        with self.log_path.open("w") as out:
            self.proc = subprocess.Popen(
                ["make", "-s", "lab", f"LAB_PORT={self.port}", f"WORK={work}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.printed_url = self._wait_for_url()
        self.token = self.printed_url.split("token=")[1]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def _wait_for_url(self) -> str:
        """The URL `make lab` prints for the learner to open."""
        deadline = time.time() + SERVER_START_S
        while time.time() < deadline:
            match = re.search(rf"http://127\.0\.0\.1:{self.port}/\S*token=[0-9a-f]+", self.log())
            if match:
                return match.group(0)
            assert self.proc.poll() is None, f"make lab exited early:\n{self.log()[-2000:]}"
            time.sleep(0.5)
        raise AssertionError(f"make lab printed no URL in time:\n{self.log()[-2000:]}")

    def get(self, path: str) -> tuple[int, str]:
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:  # shuts the kernels down too (they run in sessions of their own)
                request = urllib.request.Request(
                    f"{self.url}/api/shutdown",
                    method="POST",
                    headers={"Authorization": f"token {self.token}"},
                )
                urllib.request.urlopen(request, timeout=10).close()
                self.proc.wait(timeout=30)
            except Exception:
                pass
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def work():
    (ROOT / "artifacts").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="make-lab-work-", dir=ROOT / "artifacts"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


LESSON = ROOT / "notebooks" / "01_tensors_and_slicing.ipynb"


@pytest.fixture(scope="module")
def lesson_unchanged():
    """The lesson the test opens keeps its bytes; the checkpoint JupyterLab makes on opening it is
    removed again (only if this run made it)."""
    before = hashlib.sha256(LESSON.read_bytes()).hexdigest()
    checkpoint = LESSON.parent / ".ipynb_checkpoints" / f"{LESSON.stem}-checkpoint.ipynb"
    existed = checkpoint.exists(), checkpoint.parent.exists()
    yield
    if not existed[0]:
        checkpoint.unlink(missing_ok=True)
    if not existed[1] and checkpoint.parent.is_dir() and not any(checkpoint.parent.iterdir()):
        checkpoint.parent.rmdir()
    assert hashlib.sha256(LESSON.read_bytes()).hexdigest() == before, f"the test wrote to {LESSON.name}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, work, lesson_unchanged):
    server = MakeLab(tmp_path_factory.mktemp("make-lab"), work)
    try:
        yield server
    finally:
        server.stop()


def test_make_lab_serves_jupyterlab(lab):
    status, body = lab.get("/lab")
    assert status == 200 and "JupyterLab" in body


def test_make_lab_copied_every_lab_to_work(lab, work):
    released = sorted(p.name for p in (ROOT / "release").iterdir() if p.is_dir())
    assert sorted(p.name for p in work.iterdir()) == released
    for name in released:
        assert (work / name / f"{name}.ipynb").read_bytes() == (
            ROOT / "release" / name / f"{name}.ipynb"
        ).read_bytes()


def test_instructor_server_extensions_are_off(lab):
    assert lab.get("/formgrader")[0] == 404
    assert "nbgrader" not in lab.log().lower()
    page = lab.get("/lab")[1]
    config = json.loads(
        re.search(r'id="jupyter-config-data"[^>]*>\s*(\{.*?\})\s*</script>', page, re.S).group(1)
    )
    assert "@jupyter/nbgrader" in config["disabledExtensions"]


def require_browser() -> None:
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: `apt-get install -y chromium` (as root).", pytrace=False
        )


@pytest.fixture(scope="module")
def page(lab):
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page(viewport={"width": 1400, "height": 900})
            tab.set_default_timeout(PAGE_S)
            yield tab
        finally:
            browser.close()


def tabs(page) -> dict[str, bool]:
    """The open documents' tab labels → whether JupyterLab marks them modified."""
    return page.eval_on_selector_all(
        ".jp-MainAreaWidget-ContainerTabBar .lm-TabBar-tab, .lm-DockPanel-tabBar .lm-TabBar-tab",
        "els => Object.fromEntries(els.map(e => [e.innerText.trim(), e.classList.contains('jp-mod-dirty')]))",
    )


def test_learner_sees_the_readme_rendered_and_no_instructor_ui(lab, page):
    assert "/lab/tree/README.md?" in lab.printed_url
    page.goto(lab.printed_url)
    page.wait_for_selector(".jp-MarkdownViewer .jp-RenderedMarkdown h2")
    assert page.locator(".jp-FileEditor").count() == 0, "the README opened as Markdown source"
    page.wait_for_selector(".jp-DirListing-item")
    files = page.eval_on_selector_all(".jp-DirListing-itemName", "els => els.map(e => e.innerText.trim())")
    assert "README.md" in files and not any(f.endswith(".egg-info") for f in files), files
    menus = page.eval_on_selector_all(".lm-MenuBar-item", "els => els.map(e => e.innerText.trim())")
    assert "Kernel" in menus and "Nbgrader" not in menus, menus
    assert page.locator("text=Create Assignment").count() == 0
    assert page.locator(".Toastify__toast").count() == 0, "a notification (news?) popped up"
    page.screenshot(path=str(ROOT / "artifacts" / "make-lab-readme.png"))


def test_start_here_opens_lesson_one_unmodified(lab, page):
    """Clicked in the rendered README; the lesson's kernel starts, and the lesson stays unmodified
    once the kernel's language_info has arrived (it comes with the kernel_info reply, before the
    status bar says Idle)."""
    page.locator(".jp-RenderedMarkdown a", has_text="notebooks/01_tensors_and_slicing.ipynb").first.click()
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook")
    page.wait_for_function(
        "() => /Python 3 \\(ipykernel\\) \\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText)",
        timeout=KERNEL_S,
    )
    time.sleep(1)
    assert tabs(page) == {"README.md": False, "01_tensors_and_slicing.ipynb": False}, (
        "opening lesson 1 marked it modified"
    )
    assert page.locator("button:has-text('Validate')").count() == 0, "nbgrader's Validate button is there"
    page.screenshot(path=str(ROOT / "artifacts" / "make-lab-lesson1.png"))
