"""The environments: Binder/conda's installs exactly the versions of the lock; the venv is byte-compiled."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("package", ["tensorflow", "keras", "nbgrader", "numpy"])
def test_the_installed_stack_is_byte_compiled(package):
    """``make install`` writes the .pyc files (uv's ``--compile-bytecode``): with
    PYTHONDONTWRITEBYTECODE set, Python would otherwise compile the stack from source in every
    kernel and subprocess, 7 s more per ``import tensorflow`` on 2 cores."""
    origin = importlib.util.find_spec(package).origin
    assert Path(importlib.util.cache_from_source(origin)).is_file(), (
        f"{package} has no .pyc: `rm .venv/.installed-stamp && make install`"
    )


def test_importing_nbformat_does_not_build_rfc3987_parsers():
    """``make install`` leaves out rfc3987-syntax (see the Makefile's NOT_INSTALLED): with it,
    every process that imports nbformat compiles three Earley grammars (~3 s of CPU each time)."""
    import subprocess
    import sys

    code = "import sys, nbformat; print('rfc3987_syntax' in sys.modules, 'lark' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"], f"nbformat imported rfc3987_syntax / lark: {out}"
