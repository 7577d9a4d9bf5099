"""start() keeps stderr clean (nbgrader zeroes a test cell with stderr output) and seeds."""

from __future__ import annotations

import subprocess
import sys

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
