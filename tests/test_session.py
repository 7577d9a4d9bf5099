"""start() keeps stderr clean (nbgrader zeroes a test cell with stderr output), seeds, and hides
the GPUs except where a lesson's profile is meant for one."""

from __future__ import annotations

import subprocess
import sys

import pytest

CODE = """
from pitfalls.session import start
start(seed=3)
import keras, numpy as np
m = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])  # Keras 3 warns about input_shape
print(float(np.asarray(m.weights[0]).sum()))
"""


def run(code: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_start_keeps_stderr_empty_and_is_reproducible():
    first, second = run(CODE), run(CODE)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "", f"stderr should be empty, got:\n{first.stderr}"
    assert "seed 3" in first.stdout
    assert first.stdout == second.stdout, "the same seed must give the same weights"


def test_gpus_are_hidden_unless_the_user_chose(monkeypatch):
    import os

    from pitfalls.session import hide_gpus, quiet_env

    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    quiet_env()
    assert "CUDA_VISIBLE_DEVICES" not in os.environ
    hide_gpus()
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "-1"
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")  # the user's choice wins
    hide_gpus()
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "0"


def test_start_with_a_gpu_leaves_the_gpus_visible_and_says_what_it_runs_on(monkeypatch):
    import os
    import warnings

    import tensorflow as tf

    from pitfalls.session import start

    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    with warnings.catch_warnings():
        info = start(seed=0, verbose=False, gpu=True)
    assert "CUDA_VISIBLE_DEVICES" not in os.environ
    assert info.gpus == len(tf.config.list_physical_devices("GPU"))
    assert str(info).endswith(", CPU") if not info.gpus else "GPU" in str(info)


PROFILED = ["04_identity_autoencoder", "05_activation_experiments"]


@pytest.mark.parametrize("name", PROFILED)
@pytest.mark.parametrize("profile,gpu", [(None, False), ("article", True)])
def test_only_the_article_profile_asks_for_a_gpu(name, profile, gpu, monkeypatch):
    """The lesson's first cells as papermill runs them (``-p profile article`` adds a cell after
    the parameters cell), with ``start`` recorded instead of run."""
    import nbformat
    from conftest import ROOT

    import pitfalls.session

    calls = []
    monkeypatch.setattr(pitfalls.session, "start", lambda **kw: calls.append(kw))
    cells = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4).cells
    code = [c for c in cells if c.cell_type == "code" and "colab-setup" not in c.metadata.get("tags", [])]
    assert "parameters" in code[0].metadata.get("tags", []), "the parameters cell must come before start()"
    run = [code[0].source] + ([f"profile = {profile!r}"] if profile else []) + [code[1].source]
    namespace: dict = {}
    for source in run:
        exec(source, namespace)
    assert len(calls) == 1 and calls[0].get("gpu", False) is gpu, calls
