"""The widgets in a real browser: JupyterLab on 127.0.0.1 with a token, Debian's headless Chromium
driven by Playwright, each lesson run once (Run All Cells, offline, no stderr), then each widget
cell run again, every slider moved with the keyboard, every toggle clicked; the shown value text
and the picture must change. Screenshots of each widget (before and
after) go to ``artifacts/screenshots/``.

What it opens comes from one place, ``tests/browser/targets.json`` (notebook, widget factory);
until the lessons are wired it points at the fixture ``tests/browser/widgets_demo.ipynb``.

Chromium: Playwright's own browser download does not work here, so the test drives Debian's
``chromium`` through ``executable_path``. When it is missing the test FAILS (it must not pass
silently in CI): install it with ``apt-get install -y chromium``.

The notebook files are never written: JupyterLab runs with autosave off (isolated settings, config
and workspace folders in a temporary directory), and the test checks the files' bytes afterwards.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, session_line_problem

from pitfalls.authoring.notebooks import offline_ipython_dir

TARGETS_FILE = ROOT / "tests" / "browser" / "targets.json"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("PITFALLS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
JUPYTER = Path(sys.executable).with_name("jupyter")

SERVER_START_S = 90  # JupyterLab start on a loaded 2-core machine
WIDGET_RENDER_S = 240  # the cell imports Keras (up to ~15 s when the CPU is shared) and runs a model
RUN_ALL_S = 420  # a whole lesson run in the page (lesson 4 takes ~30 s under nbclient on 2 idle cores)
KERNEL_START_S = 120
REDRAW_S = 30  # a slider move → kernel → new PNG in the page
ACTION_MS = 15_000  # a single click / key press / locator wait


def load_targets() -> list[dict]:
    """The (notebook, widget) pairs to test, from ``tests/browser/targets.json``."""
    targets = json.loads(TARGETS_FILE.read_text())["targets"]
    for t in targets:
        if not (ROOT / t["notebook"]).is_file():
            raise FileNotFoundError(f"{TARGETS_FILE.name}: {t['notebook']} does not exist")
    return targets


TARGETS = load_targets()

pytestmark = [pytest.mark.xdist_group("browser"), pytest.mark.timeout(1200)]


# ------------------------------------------------------------------------------------------
# JupyterLab server
# ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_lab_settings(folder: Path) -> None:
    """User settings of the test's JupyterLab: no autosave (the committed notebooks stay as they
    are), every cell in the DOM (no windowing, so a cell far down a lesson can be found), no news
    pop-up over the page."""
    settings = {
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in settings.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


class Lab:
    """A JupyterLab server started by the test, and everything it spawned, stopped at the end."""

    def __init__(self, tmp: Path):
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        write_lab_settings(tmp / "settings")
        for d in ("config", "runtime", "workspaces", "data"):
            (tmp / d).mkdir(exist_ok=True)
        env = dict(
            os.environ,
            # kernels refuse every non-loopback connection, as tests/test_notebooks.py's do: the
            # lessons run here are run offline there no more
            IPYTHONDIR=str(offline_ipython_dir(tmp / "ipython")),
            JUPYTER_CONFIG_DIR=str(tmp / "config"),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
            PITFALLS_ROOT=str(ROOT),
            TF_CPP_MIN_LOG_LEVEL="3",
            TF_ENABLE_ONEDNN_OPTS="0",
            PATH=f"{JUPYTER.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        )
        self.log_path = tmp / "jupyter.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [
                str(JUPYTER),
                "lab",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={self.port}",
                f"--ServerApp.token={self.token}",
                f"--ServerApp.root_dir={ROOT}",
                "--ServerApp.port_retries=0",
                f"--LabApp.user_settings_dir={tmp / 'settings'}",
                f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
                # Opening a notebook writes a checkpoint copy: outside the repository (an absolute
                # path), where tests/test_formgrader.py, running beside this, sees no new file.
                f"--FileCheckpoints.checkpoint_dir={tmp / 'checkpoints'}",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],  # CI containers run as root
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.children: set[int] = set()

    def api(self, path: str, method: str = "GET", timeout: float = 5):
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
            return json.loads(body) if body else None

    def wait_ready(self, timeout: float = SERVER_START_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                self.api("/api/status")
                return
            except OSError:
                time.sleep(0.5)
        raise TimeoutError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.tail()}")

    def remember_children(self) -> None:
        """Note the server's child processes (kernels run in sessions of their own, so killing the
        server's process group would not reach them)."""
        try:
            import psutil

            self.children |= {p.pid for p in psutil.Process(self.proc.pid).children(recursive=True)}
        except Exception:
            pass

    def tail(self, n: int = 40) -> str:
        self.log.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])

    def stop(self) -> None:
        """Shut the kernels and the server down through the API, then kill whatever is left."""
        self.remember_children()
        if self.proc.poll() is None:
            try:
                self.api("/api/shutdown", method="POST", timeout=10)
                self.proc.wait(timeout=20)
            except Exception:
                pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        for pid in self.children:  # kernels this server started
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.log.close()


# ------------------------------------------------------------------------------------------
# Fixtures
# ------------------------------------------------------------------------------------------


def require_browser() -> None:
    """Fail (not skip) with the fix when the browser or Playwright is missing."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: the widget browser test needs Debian's chromium. "
            "Install it with `apt-get install -y chromium` (as root; `sudo` otherwise).",
            pytrace=False,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.fail(
            "playwright (python) is missing: `make install` installs it from requirements.lock.",
            pytrace=False,
        )


@pytest.fixture(scope="module")
def notebooks_unchanged():
    """The notebooks under test must be byte-identical afterwards (autosave is off; check it), and
    no checkpoint copy may appear beside them (the server keeps those in its scratch folder)."""
    paths = sorted({ROOT / t["notebook"] for t in TARGETS})
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    checkpoints = {p.parent / ".ipynb_checkpoints" / f"{p.stem}-checkpoint{p.suffix}" for p in paths}
    existed = {c for c in checkpoints if c.exists()}
    yield
    assert not {c for c in checkpoints if c.exists()} - existed, (
        "JupyterLab wrote checkpoints into the repository"
    )
    changed = [
        str(p.relative_to(ROOT)) for p in paths if hashlib.sha256(p.read_bytes()).hexdigest() != before[p]
    ]
    assert not changed, f"the browser run wrote to {changed}"


@pytest.fixture(scope="module")
def lab(tmp_path_factory, notebooks_unchanged):
    require_browser()
    server = Lab(tmp_path_factory.mktemp("jupyterlab"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=60_000
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def pages(lab, browser):
    """One page per notebook, opened on first use (widgets of one notebook share its kernel)."""
    opened: dict[str, object] = {}
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(ACTION_MS)

    def open_notebook(notebook: str):
        if notebook not in opened:
            page = context.new_page()
            page.goto(f"{lab.url}/lab/tree/{notebook}?token={lab.token}", timeout=120_000)
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
            wait_kernel_idle(page, KERNEL_START_S)
            lab.remember_children()
            run_all_cells(page)
            opened[notebook] = page
        return opened[notebook]

    try:
        yield open_notebook
    finally:
        lab.remember_children()
        context.close()


# ------------------------------------------------------------------------------------------
# Page helpers
# ------------------------------------------------------------------------------------------


def wait_until(predicate, timeout: float, what: str, poll: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def kernel_status(page) -> str:
    """The status bar's "<kernel> | <state>" line, e.g. "Python 3 (ipykernel) | Idle"."""
    bar = page.locator(".jp-StatusBar-Widget")
    text = bar.first.inner_text() if bar.count() else ""
    return next((line.strip() for line in text.splitlines() if "|" in line), "")


def wait_kernel_idle(page, timeout: float) -> None:
    """Until the status bar reports the notebook's kernel idle. (The toolbar's execution
    indicator says "idle" before any kernel is attached: measured, it cannot be trusted here.)"""
    wait_until(
        lambda: (
            re.search(r"\|\s*Idle$", kernel_status(page)) and not kernel_status(page).startswith("No Kernel")
        ),
        timeout,
        "the kernel to be idle",
        poll=0.25,
    )


def run_all_cells(page) -> None:
    """Run the whole lesson once, as a learner does (Run → Run All Cells): the widget cells take the
    lesson's own data and model (``images=x, predictions=y``), defined by the cells above them.

    This is also the lesson's offline run (tests/test_notebooks.py leaves these lessons to this
    test): no cell may write to stderr (errors, warnings, logs) and the session line shows once."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()
    # A collapsed cell (the lesson's asserts, jupyter.source_hidden) shows a placeholder with a
    # prompt of its own that never gets a number: its cell's run shows in the cells after it.
    prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt:not(.jp-Placeholder-prompt)")
    errors = page.locator(
        ".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    )

    def finished() -> bool:
        if errors.count():
            raise AssertionError(f"Run All Cells wrote to stderr: {errors.first.inner_text()[:2000]}")
        texts = prompts.all_inner_texts()
        return bool(texts) and all(re.search(r"\[\d+\]", t) for t in texts)

    wait_until(finished, RUN_ALL_S, "every code cell of the lesson to have run", poll=1)
    collapsed = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPlaceholder")
    assert collapsed.count() >= 1, "JupyterLab shows none of the lesson's assert cells collapsed"
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()
    assert not session_line_problem(outputs), session_line_problem(outputs)


def widget_cell(page, widget: str):
    """The code cell whose source calls ``widget(``."""
    # No \b before the name: the editor's text content joins lines without a separator, so the call
    # on the line after `from pitfalls.widgets import <widget>` reads "...<widget><widget>(".
    cells = page.locator(".jp-Notebook .jp-CodeCell").filter(has_text=re.compile(rf"{widget}\s*\("))
    assert cells.count() >= 1, f"no code cell calls {widget}() in this notebook"
    return cells.first


def run_cell(page, cell) -> None:
    """Select the cell in command mode and run it in place (Ctrl+Enter); retry once if the key
    press was lost (the prompt must turn to [*] or a number)."""
    prompt = cell.locator(".jp-InputPrompt").first
    for _attempt in range(2):
        prompt.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Enter")
        try:
            wait_until(
                lambda: re.search(r"\[(\*|\d+)\]", prompt.inner_text()), 15, "the cell to start running"
            )
            return
        except AssertionError:
            continue
    raise AssertionError(
        f"the cell did not start running (prompt {prompt.inner_text()!r}, kernel {kernel_status(page)!r})"
    )


def image_state(figure) -> tuple[str, bytes]:
    """The picture's ``src`` (a new blob URL on every update) and the bytes of its screenshot."""
    return figure.get_attribute("src") or "", figure.screenshot(timeout=ACTION_MS)


def wait_redraw(figure, before_src: str, before_png: bytes, what: str) -> None:
    """Until the picture has a new source *and* its pixels on screen differ (the new blob may
    still be decoding when its URL is set)."""
    wait_until(
        lambda: (figure.get_attribute("src") or "") not in ("", before_src),
        REDRAW_S,
        f"the picture's source to change after {what}",
    )
    wait_until(
        lambda: image_state(figure)[1] != before_png,
        REDRAW_S,
        f"the picture's pixels to change after {what}",
        poll=0.25,
    )


def shot(element, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    element.screenshot(path=str(path), timeout=ACTION_MS)
    return path


# ------------------------------------------------------------------------------------------
# The test
# ------------------------------------------------------------------------------------------


def test_chromium_is_installed():
    """A plain FAILED (not an error, not a skip) with the install command when it is missing."""
    require_browser()


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{Path(t['notebook']).stem}:{t['widget']}")
def test_widget_in_a_real_browser(pages, target):
    page = pages(target["notebook"])
    name = f"{Path(target['notebook']).stem}__{target['widget']}"
    for old in SCREENSHOTS.glob(f"{name}__*.png") if SCREENSHOTS.is_dir() else []:
        old.unlink()  # no stale before/after/FAILED pictures from an earlier run
    try:
        check_widget(page, target, name)
    except Exception:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}__FAILED.png"), timeout=ACTION_MS)
        raise


def check_widget(page, target: dict, name: str) -> None:
    cell = widget_cell(page, target["widget"])
    cell.scroll_into_view_if_needed()
    started = time.monotonic()
    run_cell(page, cell)
    explorer = cell.locator(".pitfalls-explorer").first
    explorer.wait_for(state="visible", timeout=WIDGET_RENDER_S * 1000)
    figure = explorer.locator("img.pitfalls-figure")
    wait_until(lambda: (figure.get_attribute("src") or "").startswith("blob:"), REDRAW_S, "the first picture")
    print(f"{name}: rendered {time.monotonic() - started:.1f} s after Ctrl+Enter")

    stderr = cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    # one picture: the widget, not also the static fallback of the display bundle
    assert cell.locator(".jp-OutputArea-output img").count() == 1, (
        "the static fallback is shown beside the widget"
    )
    assert cell.locator(".pitfalls-static-figure").count() == 0
    readout = explorer.locator(".pitfalls-readout")
    shot(explorer, f"{name}__before")

    moved = []
    # toggle buttons first (the BatchNormalization switch enables the γ/β sliders)
    toggles = explorer.locator(".widget-toggle-buttons")
    for i in range(toggles.count()):
        buttons = toggles.nth(i).locator("button:not(.mod-active)")
        if buttons.count() == 0:
            continue
        button = buttons.first
        label = button.inner_text().strip()
        src, png = image_state(figure)
        text = readout.inner_text()
        button.click()
        wait_redraw(figure, src, png, f"clicking {label!r}")
        wait_until(
            lambda: readout.inner_text() != text, REDRAW_S, f"the text to change after clicking {label!r}"
        )
        moved.append(label)

    sliders = explorer.locator(".widget-slider")
    assert sliders.count() >= 1, "no slider in the widget"
    for i in range(sliders.count()):
        slider = sliders.nth(i)
        label = slider.locator(".widget-label").first.inner_text().strip()
        handle = slider.locator(".noUi-handle").first
        if slider.locator(".noUi-target[disabled]").count():
            continue
        value_text = slider.locator(".widget-readout").first.inner_text().strip()
        src, png = image_state(figure)
        text = readout.inner_text()
        handle.focus()
        for key in ("ArrowRight", "ArrowRight"):
            handle.press(key)
        try:
            wait_until(
                lambda: slider.locator(".widget-readout").first.inner_text().strip() != value_text,
                3,
                "the slider's value",
            )
        except AssertionError:  # at the top of its range: move the other way
            for key in ("ArrowLeft",) * 4:
                handle.press(key)
        wait_until(
            lambda: slider.locator(".widget-readout").first.inner_text().strip() != value_text,
            REDRAW_S,
            f"the value shown by slider {label!r} to change",
        )
        wait_redraw(figure, src, png, f"moving {label!r}")
        new_text = slider.locator(".widget-readout").first.inner_text().strip()
        if i == 0:
            wait_until(
                lambda: readout.inner_text() != text, REDRAW_S, f"the readout to change after {label!r}"
            )
        moved.append(f"{label} {value_text} → {new_text}")
    assert any("→" in m for m in moved), "no slider could be moved"
    shot(explorer, f"{name}__after")
    print(f"{name}: moved {moved}")
    # no traceback and no log noise (errors, warnings and TensorFlow's logs all render as stderr)
    assert stderr.count() == 0, f"the widget cell wrote to stderr: {stderr.first.inner_text()[:2000]}"
