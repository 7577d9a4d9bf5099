"""One-click launch: Colab and Binder badges and Colab's set-up cell, generated into every notebook.

The repository address lives in one place, ``[project.urls] Repository`` of ``pyproject.toml``.
This module derives from it the first two cells of every lesson and lab (a badge cell and a code
cell that, on Colab only, clones the course so that ``pitfalls``, ``lessons`` and ``data/`` exist)
and the badges of the README. ``make generate`` puts them into every generated notebook.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import nbformat
import tomllib

from pitfalls.paths import repo_root

BRANCH = "main"
COLAB_DIR = "/content/keras-pitfalls-lab"
BADGE_TAG, SETUP_TAG = "launch-badges", "colab-setup"
COLAB_SVG = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_SVG = "https://mybinder.org/badge_logo.svg"


def repository_url(root: Path | None = None) -> str:
    """``[project.urls] Repository`` from pyproject.toml."""
    meta = tomllib.loads(((root or repo_root()) / "pyproject.toml").read_text())
    return meta["project"]["urls"]["Repository"].rstrip("/")


def github_slug(url: str) -> str:
    """``https://github.com/owner/name`` → ``owner/name``."""
    parsed = urlparse(url)
    if parsed.netloc != "github.com":
        raise ValueError(f"Colab and Binder badges need a GitHub repository, not {url}")
    return parsed.path.strip("/").removesuffix(".git")


def colab_link(url: str, path: str) -> str:
    return f"https://colab.research.google.com/github/{github_slug(url)}/blob/{BRANCH}/{path}"


def binder_link(url: str, path: str) -> str:
    return f"https://mybinder.org/v2/gh/{github_slug(url)}/{BRANCH}?urlpath=lab/tree/{path}"


def badges(url: str, path: str) -> str:
    """Markdown for the two badges that open ``path`` (relative to the repository root)."""
    return (
        f"[![Open In Colab]({COLAB_SVG})]({colab_link(url, path)}) "
        f"[![Binder]({BINDER_SVG})]({binder_link(url, path)})"
    )


def setup_code(url: str) -> str:
    """The set-up cell: on Colab it fetches the course; where the course package is importable it
    does nothing; anywhere else (a notebook downloaded alone into plain Jupyter, VS Code, Kaggle) it
    stops Run All here with what to do, instead of a bare ``ModuleNotFoundError`` one cell later."""
    folder = github_slug(url).split("/")[-1]
    return f'''# Set-up: on Colab, fetch the course (code and data); in the course's JupyterLab, nothing to do.
import importlib.util, os, subprocess, sys
on_colab = importlib.util.find_spec("google") is not None and importlib.util.find_spec("google.colab") is not None
if importlib.util.find_spec("pitfalls") is None and on_colab:
    subprocess.run(["git", "clone", "-q", "--depth", "1", "{url}", "{COLAB_DIR}"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", "{COLAB_DIR}"], check=True)
    sys.path.insert(0, "{COLAB_DIR}")
    os.environ["PITFALLS_ROOT"] = "{COLAB_DIR}"
elif importlib.util.find_spec("pitfalls") is None:
    raise ModuleNotFoundError(
        "This notebook belongs to the Keras Pitfalls Lab: it needs the course package (pitfalls) and its data,"
        " which this Python cannot import. Open it from a copy of the repository:"
        "\\n    git clone {url}\\n    cd {folder} && make lab"
        "\\n(then open it in the JupyterLab that `make lab` serves), or open it on Colab with the badge above."
    )'''


def tagged(cell, tag: str) -> bool:
    return tag in cell.get("metadata", {}).get("tags", [])


def with_launch_cells(nb, url: str, target: str):
    """``nb`` with its badge and set-up cells (re)made first; everything else untouched."""
    rest = [c for c in nb.cells if not (tagged(c, BADGE_TAG) or tagged(c, SETUP_TAG))]
    badge = nbformat.v4.new_markdown_cell(badges(url, target), metadata={"tags": [BADGE_TAG]})
    setup = nbformat.v4.new_code_cell(setup_code(url), metadata={"tags": [SETUP_TAG]})
    badge["id"], setup["id"] = BADGE_TAG, SETUP_TAG  # stable ids keep the diff quiet
    nb.cells = [badge, setup, *rest]
    return nb
