"""Handwritten digits for lesson 1 and lab 1: MNIST when Keras can load it, else real UCI digits.

Why a fallback: this machine and CI have no network, and the course must run there. The fallback is
real handwriting (the UCI set shipped in ``data/digits/``), reshaped to MNIST's 28×28 uint8 layout
so that every slice in the lesson means the same thing; ``Digits.source`` says which one loaded,
and the lesson prints it.
"""

from __future__ import annotations

import gzip
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pitfalls.paths import data_dir

UCI_FILE = "digits/digits.csv.gz"
MNIST_HOST = ("storage.googleapis.com", 443)
#: How long lesson 1 waits for MNIST's host before it falls back (a working network answers in a
#: fraction of this).
PROBE_SECONDS = 1.5


@dataclass(frozen=True)
class Digits:
    """A train/test split of 28×28 uint8 digit images with integer labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def __str__(self) -> str:
        return (
            f"{self.source}: {len(self.x_train)} training and {len(self.x_test)} test images "
            f"of shape {self.x_train.shape[1:]}, dtype {self.x_train.dtype}"
        )


def keras_mnist_cache() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` looks before it downloads."""
    home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return Path(home) / "datasets" / "mnist.npz"


def network_reachable(host: tuple[str, int] = MNIST_HOST, timeout: float | None = None) -> bool:
    """True when a TCP connection to ``host`` opens within ``timeout`` seconds (default
    :data:`PROBE_SECONDS`), name look-up included.

    Keras' downloader can hang for a long time on a closed network, and so can the name look-up
    before any connection (the resolver's own timeouts, 10 s measured on a network that drops
    packets, are not the socket's): the probe runs in a daemon thread, and the answer is "no" when
    it has not come within ``timeout``.
    """
    if os.environ.get("PITFALLS_OFFLINE"):
        return False
    timeout = PROBE_SECONDS if timeout is None else timeout
    answer: list[bool] = []

    def probe() -> None:
        try:
            with socket.create_connection(host, timeout=timeout):
                answer.append(True)
        except OSError:
            answer.append(False)

    thread = threading.Thread(target=probe, name="pitfalls-network-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answer and answer[0])


def load_mnist() -> Digits:
    """MNIST through Keras (from its cache, or downloaded)."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    return Digits(x_train, y_train, x_test, y_test, source="MNIST (keras.datasets.mnist)")


def uci_to_mnist_layout(blocks: np.ndarray) -> np.ndarray:
    """(N, 8, 8) block counts 0–16 → (N, 28, 28) uint8 0–255: a 20×20 digit centred with a 4-px
    margin, as MNIST centres its digits."""
    from PIL import Image

    out = np.zeros((len(blocks), 28, 28), dtype=np.uint8)
    scaled = (blocks.astype(np.float32) * (255.0 / 16.0)).round().astype(np.uint8)
    for i, block in enumerate(scaled):
        out[i, 4:24, 4:24] = np.asarray(Image.fromarray(block).resize((20, 20), Image.BILINEAR))
    return out


def load_uci(test_fraction: float = 0.2) -> Digits:
    """The shipped UCI digits in MNIST layout; the last ``test_fraction`` of rows is the test set."""
    with gzip.open(data_dir() / UCI_FILE, "rt") as fh:
        table = np.loadtxt(fh, delimiter=",", dtype=np.int64)
    images = uci_to_mnist_layout(table[:, :64].reshape(-1, 8, 8))
    labels = table[:, 64].astype(np.uint8)
    split = int(round(len(images) * (1 - test_fraction)))
    source = "UCI handwritten digits (offline stand-in for MNIST, upsampled from 8×8)"
    return Digits(images[:split], labels[:split], images[split:], labels[split:], source=source)


def load_digits(prefer: str = "mnist") -> Digits:
    """MNIST if it is cached or downloadable, else the shipped UCI digits.

    ``prefer="uci"`` always returns the shipped set (graded checks use it, so their reference
    numbers never depend on the network).
    """
    if prefer == "mnist" and (keras_mnist_cache().exists() or network_reachable()):
        try:
            return load_mnist()
        except Exception as exc:  # a partial download, a proxy page...: say so and fall back
            print(f"MNIST could not be loaded ({type(exc).__name__}: {exc}); using the shipped digits.")
    return load_uci()
