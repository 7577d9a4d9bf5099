"""The lessons' version-specific claims hold as recorded on the oldest and newest allowed Keras,
and the widgets work with the ipywidgets Colab ships.

Why: on Colab the course runs on Colab's own Keras, TensorFlow and ipywidgets (its set-up cell
installs the course with ``pip install --no-deps``), and ``pyproject.toml`` allows
``keras>=3.8,<4``. Each lesson cell that depends on a Keras version prints a
:class:`pitfalls.versions.Finding` — what its claim measured on the recorded versions, beside the
learner's Keras. The fast tests here check the records and the words; the slow ones install the
oldest and the newest allowed Keras beside the locked TensorFlow (a ``--target`` folder first on
``PYTHONPATH``: Keras is pure Python) and measure every claim there, without running a lesson.
"""

from __future__ import annotations

import json
import re
import textwrap
from importlib.metadata import version as installed

import pytest
import tomllib
from conftest import ROOT

from pitfalls.authoring import versions as authoring
from pitfalls.versions import RECORD, Claim, Finding, claims_of
from pitfalls.widgets import FACTORIES

MODULES = authoring.claim_modules(ROOT)
#: The ipywidgets of Colab's runtime, and what it needs beside it (googlecolab/backend-info
#: pip-freeze.txt: ipywidgets==7.7.1 and ipython-genutils==0.2.0 in every snapshot from 2022-09
#: to 2026-08).
COLAB_IPYWIDGETS = ("ipywidgets==7.7.1", "ipython-genutils==0.2.0")


def _claims():
    import importlib

    return {
        (folder, key): claim
        for folder, module in MODULES.items()
        for key, claim in claims_of(importlib.import_module(module)).items()
    }


def _record(folder):
    return json.loads((folder / RECORD).read_text())["claims"]


def _label_keras(label: str) -> str:
    return re.match(r"Keras (\S+) / ", label).group(1)


def test_lessons_with_version_claims():
    assert {folder.name for folder in MODULES} >= {
        "l02_mean_of_two",
        "l03_generator_aliasing",
        "l04_identity_autoencoder",
        "l06_functional_api_and_losses",
    }


def test_recorded_versions_are_pyprojects_oldest_and_the_lock():
    """The record covers the lower bound of pyproject's keras and the locked (newest) Keras."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lower = re.search(r"keras>=([\d.]+)", next(d for d in deps if d.startswith("keras"))).group(1)
    locked = re.search(r"^keras==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M).group(1)
    oldest, newest = authoring.KERAS_VERSIONS
    assert oldest.removesuffix(".0") == lower.removesuffix(".0") and newest == locked


def test_every_claim_is_recorded_on_each_version_and_nothing_else():
    claims = _claims()
    for folder in MODULES:
        record = _record(folder)
        keys = {key for f, key in claims if f == folder}
        assert set(record) == keys, folder.name
        for key in keys:
            assert sorted(_label_keras(label) for label in record[key]) == sorted(authoring.KERAS_VERSIONS), (
                key
            )


def test_every_recorded_observation_can_be_put_into_words():
    for (folder, key), claim in _claims().items():
        assert claim.folder == folder, key
        for observation in _record(folder)[key].values():
            words = claim.describe(observation)
            assert isinstance(words, str) and words, key


def _finding(observed, record):
    claim = Claim("k", "what the lesson says:", lambda: observed, lambda o: f"<{o}>")
    return Finding(claim, observed, "Keras 3.20.0 / TensorFlow 2.30.0", record)


def test_a_finding_names_the_recorded_versions_and_says_when_yours_differs():
    record = {"Keras 3.8.0 / TensorFlow 2.21.0": 1, "Keras 3.15.1 / TensorFlow 2.21.0": 1}
    same = str(_finding(1, record))
    assert "measured on Keras 3.8.0 and 3.15.1 / TensorFlow 2.21.0: <1>" in same
    assert same.endswith("your Keras 3.20.0 / TensorFlow 2.30.0: the same")
    assert _finding(1, record).as_recorded

    other = _finding(2, record)
    assert not other.as_recorded
    assert str(other).endswith(
        "your Keras 3.20.0 / TensorFlow 2.30.0 behaves differently from Keras 3.15.1: <2>"
    )

    split = {"Keras 3.8.0 / TensorFlow 2.21.0": 0, "Keras 3.15.1 / TensorFlow 2.21.0": 1}
    old = str(_finding(0, split))
    assert "measured on Keras 3.15.1 / TensorFlow 2.21.0: <1>" in old  # newest first
    assert old.endswith("as on Keras 3.8.0 / TensorFlow 2.21.0")
    assert not _finding(0, split).as_recorded  # the lesson's text follows the newest

    assert "nothing recorded" in str(_finding(1, {}))


# --------------------------------------------------------------------------------------------
# Slow: other Keras versions, other ipywidgets, each in a fresh interpreter
# --------------------------------------------------------------------------------------------


#: Versions of KERAS_VERSIONS other than this venv's own: each needs a Keras overlay.
OTHER_KERAS = [v for v in authoring.KERAS_VERSIONS if v != installed("keras")]


@pytest.mark.parametrize("version", OTHER_KERAS)
def test_claims_measure_as_recorded_on_another_keras(version, tmp_path):
    run = authoring.measure(version, tmp_path, list(MODULES.values()))
    assert _label_keras(run["versions"]) == version  # the overlay's Keras really was the one imported
    assert authoring.differences(run, MODULES) == []


#: In one interpreter (one TensorFlow import): every claim under the locked Keras, then every
#: explorer under Colab's ipywidgets.
LOCKED_KERAS_AND_COLABS_IPYWIDGETS = textwrap.dedent(
    """
    import json, sys
    import ipywidgets
    from IPython.core.interactiveshell import InteractiveShell
    from pitfalls import versions
    from pitfalls.session import start
    from pitfalls.widgets import FACTORIES, factory
    from pitfalls.widgets._core import moved_value

    start(verbose=False)
    run = {"versions": versions.running_versions(), "claims": versions.measure_all(sys.argv[1:])}
    shell = InteractiveShell.instance()
    widgets = {"ipywidgets": ipywidgets.__version__}
    for name in FACTORIES:
        explorer = factory(name)()
        first = explorer.png
        for k, slider in enumerate(explorer.sliders()):
            slider.value = moved_value(slider, k)
        shown = shell.display_formatter.format(explorer)  # ipywidgets 7 displays through _ipython_display_
        widgets[name] = {
            "sliders": len(explorer.sliders()),
            "redraws": explorer.redraws,
            "picture changed": explorer.png != first,
            "displayed by ipywidgets itself": shown == ({}, {}),
        }
    print(json.dumps({"run": run, "widgets": widgets}))
    """
)


def test_locked_keras_claims_as_recorded_and_widgets_under_colabs_ipywidgets_7(tmp_path):
    """Every claim under the lock's Keras; every explorer under the ipywidgets Colab ships.

    Colab ships ipywidgets 7.7.1, pyproject asks for >= 8.1, and ``pip install --no-deps`` does
    not enforce it. Each explorer builds, redraws on every slider move and is displayed by
    ipywidgets 7's own display hook (so the static-figure fallback of
    ``Explorer._repr_mimebundle_`` is not used there; Colab always has a widget front end).
    """
    ipywidgets7 = authoring.install_target(list(COLAB_IPYWIDGETS), tmp_path / "ipywidgets7")
    out = authoring.run_python([ipywidgets7], ["-c", LOCKED_KERAS_AND_COLABS_IPYWIDGETS, *MODULES.values()])
    assert _label_keras(out["run"]["versions"]) == installed("keras")
    assert installed("keras") in authoring.KERAS_VERSIONS
    assert authoring.differences(out["run"], MODULES) == []
    widgets = out["widgets"]
    assert widgets.pop("ipywidgets") == "7.7.1"
    assert set(widgets) == set(FACTORIES)
    for name, seen in widgets.items():
        assert seen["sliders"] > 0 and seen["redraws"] == 1 + seen["sliders"], (name, seen)
        assert seen["picture changed"] and seen["displayed by ipywidgets itself"], (name, seen)
