"""Static checks of the one-click launch configuration (Binder and Colab cannot be reached here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import nbformat
import pytest
import yaml
from conftest import ROOT

from pitfalls.authoring import launch
from pitfalls.authoring.binder import write_workspace
from pitfalls.course import labs, lessons


def test_repository_url_is_a_github_repository():
    assert launch.github_slug(launch.repository_url(ROOT)).count("/") == 1


def test_badges_open_existing_notebooks():
    """Lessons open themselves; a lab's master opens the student version."""
    slug = launch.github_slug(launch.repository_url(ROOT))
    notebooks = [lesson.notebook for lesson in lessons(ROOT)] + [lab.source for lab in labs(ROOT)]
    for path in notebooks:
        badge = nbformat.read(path, as_version=4).cells[0].source
        target = badge.split(f"/github/{slug}/blob/{launch.BRANCH}/")[1].split(")")[0]
        assert (ROOT / target).is_file(), f"{path.name}'s badges open {target}, which does not exist"
        assert not target.startswith("source/"), f"{path.name}'s badges open the master with the solutions"


def test_readme_badges_point_at_existing_files():
    text = (ROOT / "README.md").read_text()
    slug = launch.github_slug(launch.repository_url(ROOT))
    for chunk in text.split(f"/github/{slug}/blob/{launch.BRANCH}/")[1:]:
        assert (ROOT / chunk.split(")")[0]).is_file(), chunk.split(")")[0]


def test_colab_setup_cell_is_a_no_op_locally():
    code = launch.setup_code(launch.repository_url(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", code + "\nprint('ok')"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok" and not (ROOT / "content").exists()


def test_binder_environment_names_python_pip_and_the_course():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert any(str(d).startswith("python=") for d in env["dependencies"])
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert not any(name.split("==")[0] in {"tensorflow", "tensorflow-gpu"} for name in pip), (
        "Binder has no GPU: use tensorflow-cpu"
    )
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ folder would make repo2docker ignore the top-level environment.yml and postBuild"
    )


def test_postbuild_stops_on_errors_and_sets_up_grading():
    text = (ROOT / "postBuild").read_text()
    assert text.startswith("#!/usr/bin/env bash") and "set -e" in text
    assert "pitfalls.authoring.binder" in text
    assert os.access(ROOT / "postBuild", os.X_OK)


def test_binder_workspace_points_nbgrader_at_a_scratch_course(tmp_path):
    config = write_workspace(tmp_path, ROOT)
    assert (tmp_path / "course" / "source").resolve() == (ROOT / "source").resolve()
    text = config.read_text()
    assert str(ROOT / "autograder" / "nbgrader_config.py") in text and str(tmp_path / "course") in text


def test_binder_server_has_the_learner_page_settings_and_keeps_the_formgrader(tmp_path):
    """Loaded as Jupyter loads ``~/.jupyter/jupyter_server_config.py``: the README opens rendered
    (the overrides of ``jupyter/lab-settings``), *.egg-info is hidden, and nbgrader stays on."""
    from traitlets.config.loader import PyFileConfigLoader

    write_workspace(tmp_path, ROOT)
    config = PyFileConfigLoader("jupyter_server_config.py", path=str(tmp_path / ".jupyter")).load_config()
    assert config.LabApp.app_settings_dir == str(ROOT / "jupyter" / "lab-settings")
    overrides = json.loads((ROOT / "jupyter" / "lab-settings" / "overrides.json").read_text())
    assert overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == (
        "Markdown Preview"
    )
    assert "*.egg-info" in config.ContentsManager.hide_globs
    assert config.ServerApp.contents_manager_class.__name__ == "LearnerContentsManager"
    extensions = config.ServerApp.jpserver_extensions
    assert "nbgrader.server_extensions.formgrader" in extensions and all(extensions.values())


def test_readme_has_an_instructor_badge_into_the_formgrader():
    slug = launch.github_slug(launch.repository_url(ROOT))
    assert (
        f"https://mybinder.org/v2/gh/{slug}/{launch.BRANCH}?urlpath=formgrader"
        in (ROOT / "README.md").read_text()
    )


def test_make_test_installs_chromium_first():
    """`make test` must depend on Chromium's path, or a fresh machine never gets the browser the
    widget test needs (a bare `export CHROMIUM` before its default once left the prerequisite empty)."""
    database = subprocess.run(
        ["make", "-p", "-q", "-f", "Makefile", "__database_only__"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "CHROMIUM"},  # the Makefile's own default
    ).stdout
    test_rule = next(line for line in database.splitlines() if line.startswith("test:"))
    assert "/usr/bin/chromium" in test_rule.split(), test_rule


@pytest.mark.parametrize("google", [False, True], ids=["no-google-package", "google-without-colab"])
def test_a_lone_notebook_says_what_to_do(tmp_path, google):
    """Opened outside Colab and outside the course (plain Jupyter, VS Code, Kaggle), the set-up cell
    stops with directions instead of a bare ModuleNotFoundError one cell later. ``-I -S``: no
    site-packages, so neither ``pitfalls`` nor ``google.colab`` is importable."""
    url = launch.repository_url(ROOT)
    prefix = ""
    if google:  # another google package installed (protobuf, say): google exists, google.colab not
        (tmp_path / "google").mkdir()
        prefix = f"import sys; sys.path.insert(0, {str(tmp_path)!r})\n"
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", prefix + launch.setup_code(url)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "ModuleNotFoundError: This notebook belongs to the Keras Pitfalls Lab" in done.stderr, done.stderr
    assert f"git clone {url}" in done.stderr and "make lab" in done.stderr and "Colab" in done.stderr
    assert "No module named" not in done.stderr
