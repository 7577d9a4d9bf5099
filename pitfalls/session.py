"""Start a lesson or a lab the same way everywhere: quiet, seeded, and saying what runs.

Why this exists: TensorFlow writes its start-up log lines and Keras 3 its ``UserWarning``s to
stderr, and nbgrader scores a test cell 0 when it has *any* stderr output (see the field notes).
TensorFlow reads ``TF_CPP_MIN_LOG_LEVEL`` only when it is imported, so the variables must be set
before the first ``import keras``: call :func:`start` in the first code cell.

GPUs are hidden unless :func:`start` is asked for one (``gpu=True``, which lessons 4 and 5 pass in
their ``article`` profile, the one meant for a GPU): the graded references and the lessons' asserts
were measured on the CPU, and a GPU computes in another order.
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
}
#: Hides every GPU from TensorFlow (set unless :func:`start` is asked for a GPU).
CPU_ONLY_ENV = {"CUDA_VISIBLE_DEVICES": "-1"}


@dataclass(frozen=True)
class SessionInfo:
    """What :func:`start` set up; printed so a learner can quote it in a question."""

    seed: int
    keras: str
    tensorflow: str
    deterministic: bool
    gpus: int = 0  # GPUs TensorFlow can use

    def __str__(self) -> str:
        det = "deterministic ops" if self.deterministic else "non-deterministic ops"
        device = f"{self.gpus} GPU" + ("s" if self.gpus > 1 else "") if self.gpus else "CPU"
        return f"Keras {self.keras} on TensorFlow {self.tensorflow}, seed {self.seed}, {det}, {device}"


def quiet_env() -> None:
    """Put :data:`QUIET_ENV` into ``os.environ`` without overriding what the user set."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def hide_gpus() -> None:
    """Put :data:`CPU_ONLY_ENV` into ``os.environ`` (unless the user chose devices already)."""
    for key, value in CPU_ONLY_ENV.items():
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


def start(seed: int = 0, deterministic: bool = True, verbose: bool = True, gpu: bool = False) -> SessionInfo:
    """Quiet the logs, seed everything and report versions. Call it before importing keras.

    ``gpu=True`` lets TensorFlow use a GPU if there is one; by default the session runs on the CPU.
    """
    quiet_env()
    if not gpu:
        hide_gpus()
    silence_warnings()
    tracebacks.install()  # a failed check shows its message, not the check's code
    import keras
    import tensorflow as tf

    silence_warnings()  # importing TF may have installed handlers of its own
    det = seed_everything(seed, deterministic)
    gpus = len(tf.config.list_physical_devices("GPU"))
    info = SessionInfo(seed, keras.__version__, tf.__version__, det, gpus)
    if verbose:
        print(info)
    return info
