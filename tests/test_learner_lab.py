"""The learner's side of `make lab`, without a server (fast): `make fetch-lab` gives a learner their
own copy of a lab and never overwrites it, and ``jupyter/jupyter_server_config.py`` turns every
nbgrader server extension off and hands notebooks out with the kernel's ``language_info`` (so
JupyterLab's update on connecting is no change, and opening a notebook does not mark it
modified). `tests/test_make_lab.py` checks the same in a served JupyterLab and Chromium.
"""

from __future__ import annotations

import asyncio
import subprocess

import nbformat
from conftest import ROOT
from traitlets.config.loader import PyFileConfigLoader


def fetch_lab(work, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "-s", "fetch-lab", f"WORK={work}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_fetch_lab_copies_the_student_version_and_never_overwrites(tmp_path):
    work = tmp_path / "work"
    done = fetch_lab(work, "LAB=lab01_tensors")
    assert done.returncode == 0, done.stdout + done.stderr
    copy = work / "lab01_tensors" / "lab01_tensors.ipynb"
    assert copy.read_bytes() == (ROOT / "release" / "lab01_tensors" / "lab01_tensors.ipynb").read_bytes()
    assert sorted(p.name for p in work.iterdir()) == ["lab01_tensors"]

    copy.write_text("my answers")
    again = fetch_lab(work, "LAB=lab01_tensors")
    assert again.returncode == 0 and "kept" in again.stdout, again.stdout + again.stderr
    assert copy.read_text() == "my answers"


def test_fetch_lab_names_the_labs_when_it_cannot_copy(tmp_path):
    for args in ([], ["LAB=lab99_nothing"]):
        done = fetch_lab(tmp_path / "work", *args)
        assert done.returncode != 0 and "lab01_tensors" in done.stdout, done.stdout + done.stderr
    assert not (tmp_path / "work").exists()


def learner_config():
    return PyFileConfigLoader("jupyter_server_config.py", path=str(ROOT / "jupyter")).load_config()


def test_every_nbgrader_server_extension_is_off_for_learners():
    """Whatever the environment enables (nbgrader's package writes jupyter_server_config.d)."""
    from jupyter_core.paths import jupyter_config_path
    from jupyter_server.extension.config import ExtensionConfigManager

    enabled = ExtensionConfigManager(read_config_path=jupyter_config_path()).get_jpserver_extensions()
    nbgrader = {"nbgrader"} | {name for name, on in enabled.items() if on and name.startswith("nbgrader.")}
    switches = learner_config().ServerApp.jpserver_extensions
    assert len(nbgrader) > 1 and all(switches.get(name) is False for name in nbgrader), (nbgrader, switches)


def test_notebooks_are_handed_out_with_the_kernels_language_info(tmp_path):
    from ipykernel.ipkernel import IPythonKernel

    manager = learner_config().ServerApp.contents_manager_class(root_dir=str(tmp_path))
    stub = nbformat.read(ROOT / "release" / "lab01_tensors" / "lab01_tensors.ipynb", as_version=4)
    assert stub.metadata.language_info == {"name": "python"}, "the generated notebooks changed: revisit this"
    nbformat.write(stub, tmp_path / "stub.ipynb")
    other = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "ir", "display_name": "R"}, "language_info": {"name": "R"}}
    )
    nbformat.write(other, tmp_path / "other.ipynb")

    got = asyncio.run(manager.get("stub.ipynb"))["content"]
    assert got.metadata.language_info == IPythonKernel.language_info
    assert asyncio.run(manager.get("other.ipynb"))["content"].metadata.language_info == {"name": "R"}
    on_disk = nbformat.read(tmp_path / "stub.ipynb", as_version=4)
    assert on_disk.metadata.language_info == {"name": "python"}, "the file itself stays as generated"
