"""Data and loss recorders for the mean-of-two-numbers net (lessons 2–3, labs 2–3).

Why this exists: the lessons compare training runs step by step (raw vs scaled inputs, a stalled
run vs a working one), and Keras 3 does not hand out the number that comparison needs. The
``loss`` in ``on_train_batch_end`` logs is the *running mean over the epoch so far*, not the
batch's loss, and a loss on held-out pairs after every step would cost a ``predict`` call (a few
milliseconds) per step. The net here is one ``Dense(1)`` layer, so its test loss after a step is
one small matrix product on its weights; and a batch's own loss can be recovered exactly from two
consecutive running means. The models themselves stay in the notebooks: they are what is taught.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def pairs(n: int, rng: np.random.Generator, low: int = 0, high: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """``n`` pairs of random integers in ``[low, high)`` (as float64) and their means, shape (n, 1).

    Vectorised and seeded through ``rng``: the lessons' test sets and the labs' graded data.
    """
    x = rng.integers(low, high, size=(n, 2)).astype(np.float64)
    return x, x.mean(axis=1, keepdims=True)


def linear_mse(model, x: np.ndarray, y: np.ndarray, scale: float = 1.0) -> float:
    """MSE of a model whose last layer is a ``Dense`` on the inputs, computed in NumPy.

    ``scale`` is the factor the model's inputs and targets were divided by; the loss is reported
    in the original units (multiplied by ``scale**2``) so that runs at different scales compare.
    """
    kernel, bias = (np.asarray(w, dtype=np.float64) for w in model.layers[-1].get_weights())
    residual = (x / scale) @ kernel + bias - y / scale
    return float(np.mean(residual**2)) * scale**2


def batch_losses(running_means: Sequence[float]) -> np.ndarray:
    """Each batch's own loss from Keras 3's running epoch means: ``l_k = k·m_k − (k−1)·m_{k−1}``.

    The running means are float32 sums, so the result is exact only to round-off of the order of
    ``k · 1e-7 · m_k``; fine for a plot on a log scale, not for a tolerance of 1e-6.
    """
    m = np.asarray(running_means, dtype=np.float64)
    k = np.arange(1, len(m) + 1, dtype=np.float64)
    total = k * m
    return np.diff(total, prepend=0.0)


def steps_to_reach(
    losses: Sequence[float], threshold: float, steps: Sequence[int] | None = None
) -> int | None:
    """The first step whose loss is finite and below ``threshold``; ``None`` if never.

    ``steps`` numbers the losses (default 1, 2, 3, …); a curve recorded every 10 steps passes
    its own step numbers.
    """
    numbers = range(1, len(losses) + 1) if steps is None else steps
    for step, value in zip(numbers, losses):
        if math.isfinite(value) and value < threshold:
            return int(step)
    return None


def _callback_base():
    import keras

    return keras.callbacks.Callback


def held_out_loss(x: np.ndarray, y: np.ndarray, scale: float = 1.0):
    """A Keras callback that records :func:`linear_mse` on ``(x, y)`` after each training call.

    ``losses`` (original units) and ``steps`` (the optimizer's step count at that moment) grow by
    one entry per call: per step, or per ``steps_per_execution`` steps, which keeps the callback's
    cost (a Python round trip per call) out of the measurement. Built by a function so that
    importing this module does not import Keras.
    """
    base = _callback_base()

    class HeldOutLoss(base):
        def __init__(self):
            super().__init__()
            self.losses: list[float] = []
            self.steps: list[int] = []

        def on_train_batch_end(self, batch, logs=None):
            self.steps.append(int(self.model.optimizer.iterations.numpy()))
            self.losses.append(linear_mse(self.model, x, y, scale))

    return HeldOutLoss()


def running_loss():
    """A Keras callback that records the running mean loss after every step, one list per epoch.

    ``per_batch()`` turns them into each batch's own loss (:func:`batch_losses`), epochs joined.
    """
    base = _callback_base()

    class RunningLoss(base):
        def __init__(self):
            super().__init__()
            self.epochs: list[list[float]] = []

        def on_epoch_begin(self, epoch, logs=None):
            self.epochs.append([])

        def on_train_batch_end(self, batch, logs=None):
            self.epochs[-1].append(float(logs["loss"]))

        def per_batch(self) -> np.ndarray:
            return np.concatenate([batch_losses(e) for e in self.epochs]) if self.epochs else np.zeros(0)

    return RunningLoss()


def train_iterator_1(batch_size: int = 64):
    """The article's second generator, the one that "works", as published (its name too): ``x``
    *and* the means live in buffers allocated once and refilled in place before every yield.
    Lesson 2 trains it beside ours; lesson 3 takes it apart. One copy here, shown by both."""
    x = np.zeros((batch_size, 2))
    x_mean = np.zeros((batch_size,))
    while True:
        for i in range(batch_size):
            x[i][0] = np.random.randint(0, 100)
            x[i][1] = np.random.randint(0, 100)
        x_mean[::] = (x[::, 0] + x[::, 1]) / 2  # refilled in place too
        x_mean_ex = np.expand_dims(x_mean, -1)  # a view of the same buffer
        yield x, x_mean_ex
