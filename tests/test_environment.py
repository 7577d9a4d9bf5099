"""The Binder/conda environment installs exactly the versions of the lock."""

from __future__ import annotations

import yaml
from conftest import ROOT

from pitfalls.authoring.environment import PYTHON, lock_pins, render


def test_environment_yml_pins_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {line.split("==")[0].lower(): line.split("==")[1] for line in pip_section if "==" in line}
    lock = lock_pins(ROOT / "requirements.lock")
    assert pins == lock, (
        "environment.yml and requirements.lock disagree "
        f"(run `make lock`): {set(pins.items()) ^ set(lock.items())}"
    )
    assert "-e ." in pip_section, "environment.yml must install the course package itself"
    assert f"python={PYTHON}" in env["dependencies"]


def test_environment_yml_is_generated_verbatim():
    assert (ROOT / "environment.yml").read_text() == render(lock_pins(ROOT / "requirements.lock"))


def test_lock_pins_the_core_stack():
    lock = lock_pins(ROOT / "requirements.lock")
    for package in ("keras", "tensorflow-cpu", "nbgrader", "jupyterlab", "ipywidgets", "numpy"):
        assert package in lock, f"{package} is not pinned in requirements.lock"
