"""Where the course's files are, whether it runs from a clone, an editable install or Colab."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def repo_root() -> Path:
    """The course checkout: ``$PITFALLS_ROOT``, else the folder above this package.

    An editable install (``make lab``/``make test``, Binder) and a clone on Colab both keep the
    package inside the checkout, next to ``data/``, ``source/`` and ``notebooks/``.
    """
    env = os.environ.get("PITFALLS_ROOT")
    if env:
        return Path(env).resolve()
    return PACKAGE_DIR.parent


def data_dir() -> Path:
    """The shipped data folder; a clear error when the package was installed without it."""
    path = repo_root() / "data"
    if not path.is_dir():
        raise FileNotFoundError(
            f"The course data folder was not found at {path}. Run the notebooks from a clone of the "
            "course repository, or set PITFALLS_ROOT to the clone."
        )
    return path
