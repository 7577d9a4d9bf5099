"""Start a lesson or a lab the same way everywhere: quiet, seeded, and saying what runs.

Why this exists: TensorFlow writes its start-up log lines and Keras 3 its ``UserWarning``s to
stderr, and nbgrader scores a test cell 0 when it has *any* stderr output (see the field notes).
TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL`` only when it is imported, so the variables must be set
before the first ``import keras``: call :func:`start` in the first code cell.
"""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass

from pitfalls.checks import tracebacks

#: Environment that silences TensorFlow's C++ and Python logging.  Set by :func:`quiet_env`.
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ INFO/WARNING/ERROR lines (cuda probes, XLA)
    # TensorFlow 2.21 prints its oneDNN banner through absl *before* it reads the log level, so
    # only switching oneDNN off silences it (measured; see tests/test_session.py).  It also makes
    # float results agree across x86 CPUs, which the graded tolerances rely on.
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "CUDA_VISIBLE_DEVICES": "-1",  # the course targets the CPU; keeps "no GPU found" probes quiet
}


@dataclass(frozen=True)
class SessionInfo:
    """What :func:`start` set up; printed so a learner can quote it in a question."""

    seed: int
    keras: str
    tensorflow: str
    deterministic: bool

    def __str__(self) -> str:
        det = "deterministic ops" if self.deterministic else "non-deterministic ops"
        return f"Keras {self.keras} on TensorFlow {self.tensorflow}, seed {self.seed}, {det}"


def quiet_env() -> None:
    """Put :data:`QUIET_ENV` into ``os.environ`` without overriding what the user set."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def silence_warnings() -> None:
    """Keep library warnings off stderr (they would zero an nbgrader test cell)."""
    warnings.filterwarnings("ignore")
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    try:  # absl prints "WARNING: All log messages before absl::InitializeLog()" otherwise
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with tensorflow
        pass


def seed_everything(seed: int, deterministic: bool = True) -> bool:
    """Seed Python, NumPy and the backend; ask TensorFlow for deterministic kernels.

    Returns whether op determinism could be enabled (it cannot be switched on after some ops ran
    in a few TensorFlow versions; then results are reproducible only up to float round-off).
    """
    import keras

    keras.utils.set_random_seed(seed)
    if not deterministic:
        return False
    try:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
        return True
    except Exception:  # pragma: no cover - depends on the backend build
        return False


def start(seed: int = 0, deterministic: bool = True, verbose: bool = True) -> SessionInfo:
    """Quiet the logs, seed everything and report versions. Call it before importing keras."""
    quiet_env()
    silence_warnings()
    tracebacks.install()  # a failed check shows its message, not the check's code
    import keras
    import tensorflow as tf

    silence_warnings()  # importing TF may have installed handlers of its own
    det = seed_everything(seed, deterministic)
    info = SessionInfo(seed=seed, keras=keras.__version__, tensorflow=tf.__version__, deterministic=det)
    if verbose:
        print(info)
    return info
