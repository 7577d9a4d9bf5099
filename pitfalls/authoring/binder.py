"""Binder's grading workspace: run by ``postBuild`` after repo2docker installed environment.yml.

repo2docker installs ``environment.yml`` (the locked versions and the course package, ``-e .``),
which also enables nbgrader's server and lab extensions. What it cannot know is where the course
lives: this writes ``~/.jupyter/nbgrader_config.py`` that loads the repository's
``autograder/nbgrader_config.py`` and points nbgrader at a scratch course folder ``~/course``
whose ``source`` links to the repository's, so an instructor's badge opens the formgrader on the
labs while submissions and the gradebook stay out of the repository.

It also writes ``~/.jupyter/jupyter_server_config.py``, which loads the learner's page settings of
``make lab`` (``jupyter/jupyter_server_config.py``: the README opens rendered, no news pop-up,
``*.egg-info`` hidden, notebooks not "modified" on open) but keeps nbgrader's server extensions:
one Binder image serves the learners' badges and the instructors' formgrader badge.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pitfalls.paths import repo_root

CONFIG_TEMPLATE = """\
# Written by `python -m pitfalls.authoring.binder` (Binder postBuild). The course's configuration:
c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
c.CourseDirectory.root = {course!r}
"""

SERVER_TEMPLATE = """\
# Written by `python -m pitfalls.authoring.binder` (Binder postBuild). The learner's page settings
# of `make lab`, with nbgrader's formgrader kept for the instructors' badge:
c = get_config()  # noqa: F821
load_subconfig({config!r})  # noqa: F821
c.ServerApp.jpserver_extensions = {{name: True for name in c.ServerApp.jpserver_extensions}}
"""


def write_workspace(home: Path, root: Path | None = None) -> Path:
    """Create ``home/course`` (linked to ``source/``), ``home/.jupyter/nbgrader_config.py`` and
    ``home/.jupyter/jupyter_server_config.py``; returns the nbgrader configuration's path."""
    root = (root or repo_root()).resolve()
    course = home / "course"
    course.mkdir(parents=True, exist_ok=True)
    link = course / "source"
    if not link.exists():
        link.symlink_to(root / "source", target_is_directory=True)
    config = home / ".jupyter" / "nbgrader_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        CONFIG_TEMPLATE.format(config=str(root / "autograder" / "nbgrader_config.py"), course=str(course))
    )
    server = config.with_name("jupyter_server_config.py")
    server.write_text(SERVER_TEMPLATE.format(config=str(root / "jupyter" / "jupyter_server_config.py")))
    return config


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path.home())
    args = parser.parse_args(argv)
    print(f"nbgrader workspace configured: {write_workspace(args.home)}")


if __name__ == "__main__":
    main()
