"""Write ``environment.yml`` (Binder/conda) from ``requirements.lock``, so both pin the same versions.

``make lock`` re-resolves the lock and calls this; ``tests/test_environment.py`` fails when the
two disagree. The lock is the single source of truth; this file is derived from it.
"""

from __future__ import annotations

import re
from pathlib import Path

from pitfalls.paths import repo_root

PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)")
PYTHON = "3.11"
HEADER = """\
# Binder / conda environment of Keras Pitfalls Lab. GENERATED from requirements.lock by
# `make lock` / `make generate`: do not edit by hand.
"""


def lock_pins(lock: Path) -> dict[str, str]:
    """``{package: version}`` of every ``name==version`` line of a pip-style lock."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def render(pins: dict[str, str]) -> str:
    """The environment.yml text: conda's Python and pip, then every pin, then the course itself."""
    lines = [
        HEADER,
        "name: keras-pitfalls-lab",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        f"  - python={PYTHON}",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {name}=={version}" for name, version in sorted(pins.items())]
    lines += ["      - -e .", ""]
    return "\n".join(lines)


def write(root: Path | None = None) -> None:
    """Write environment.yml from the lock (unchanged bytes when nothing changed)."""
    root = root or repo_root()
    path, text = root / "environment.yml", render(lock_pins(root / "requirements.lock"))
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
        print("environment.yml written from requirements.lock")


def main() -> None:
    write()


if __name__ == "__main__":
    main()
