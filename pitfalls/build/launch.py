"""One-click launch: Colab and Binder badges and Colab's set-up cell, generated into every notebook.

The repository address lives in one place, ``[project.urls] Repository`` of ``pyproject.toml``.
This module derives from it the first two cells of every lesson and lab (a badge cell and a code
cell that, on Colab only, clones the course so that ``pitfalls`` and ``data/`` exist) and the
badges of the README. ``python -m pitfalls.build.launch`` rewrites them; ``--check`` lists what is
stale (``tests/test_launch.py`` runs it).
"""
from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import nbformat

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
    return (f"[![Open In Colab]({COLAB_SVG})]({colab_link(url, path)}) "
            f"[![Binder]({BINDER_SVG})]({binder_link(url, path)})")


def setup_code(url: str) -> str:
    """The Colab set-up cell: a no-op wherever the course package is already importable."""
    return f'''# On Colab: fetch the course (code and data) when it is not installed. Does nothing elsewhere.
import importlib.util, os, subprocess, sys
if importlib.util.find_spec("pitfalls") is None and importlib.util.find_spec("google.colab") is not None:
    subprocess.run(["git", "clone", "-q", "--depth", "1", "{url}", "{COLAB_DIR}"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", "{COLAB_DIR}"], check=True)
    sys.path.insert(0, "{COLAB_DIR}")
    os.environ["PITFALLS_ROOT"] = "{COLAB_DIR}"'''


def launch_target(path: Path, root: Path) -> str:
    """What a notebook's badges open: a lesson itself; for a lab's master, the student version."""
    rel = path.relative_to(root)
    if rel.parts[0] == "source":
        return str(Path("release", *rel.parts[1:]))
    return str(rel)


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


def launch_notebooks(root: Path) -> list[Path]:
    return sorted(root.glob("notebooks/*.ipynb")) + sorted(root.glob("source/*/*.ipynb"))


def stale(root: Path | None = None) -> list[str]:
    """Notebooks whose launch cells differ from what the repository URL makes now."""
    root = root or repo_root()
    url, out = repository_url(root), []
    for path in launch_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        want = with_launch_cells(nbformat.read(path, as_version=4), url, launch_target(path, root))
        have = [(c.cell_type, c.source) for c in nb.cells[:2]]
        if have != [(c.cell_type, c.source) for c in want.cells[:2]] or len(nb.cells) != len(want.cells):
            out.append(str(path.relative_to(root)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="list stale notebooks, change nothing")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks to update (default: all)")
    args = parser.parse_args(argv)
    root = repo_root()
    if args.check:
        bad = stale(root)
        print("\n".join(bad) or "launch cells up to date")
        return 1 if bad else 0
    url = repository_url(root)
    for path in [p.resolve() for p in args.paths] or launch_notebooks(root):
        nb = nbformat.read(path, as_version=4)
        nbformat.write(with_launch_cells(nb, url, launch_target(path, root)), path)
        print(f"launch cells: {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
