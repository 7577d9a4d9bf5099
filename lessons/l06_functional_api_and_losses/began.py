"""The equilibrium-term toy of lesson 6 and lab 6: a tiny BEGAN on 8-dimensional points.

Why this exists: BEGAN (Berthelot et al., 2017) balances its discriminator with a number k that
changes every training step, k ← clip(k + λ_k·(γ·L_real − L_gen), 0, 1). In Keras 2 that update
was a ``K.update`` smuggled out of the loss function through ``Model.updates``; in Keras 3 it is a
``keras.Variable`` assigned in ``train_step``. To show k move (and to hand a learner the trace of
a real run, from which lab 6 asks them to read γ back) we need a problem that trains in a second
on a CPU and whose first steps are reproducible across seeds. This module provides it:

* :func:`real_samples`: "real" data, points on a 2-D curved sheet in 8-D, the same for every seed
  (only the networks' initial weights and the latent noise depend on the seed, which keeps the
  seed-to-seed spread of the early k trajectory small);
* :func:`build_generator`, :func:`build_autoencoder`: G (latent → 8-D) and the autoencoding
  discriminator D (8-D → 2 → 8-D). D's last layer starts at zero, so L_real starts at the data's
  mean absolute value and L_gen near 0: k rises first, as in the paper;
* :class:`BEGAN`: the model whose ``train_step`` trains D and G and updates k with a pluggable
  ``update_k(k, loss_real, loss_gen, lambda_k, gamma)``; :func:`reference_update_k` is BEGAN's
  own rule, the one it uses unless given another;
* :class:`KTrace` and :func:`train`: run it and record k before the first step, then k, L_real,
  L_gen and the balance term γ·L_real − L_gen after every step — the very loss values the step
  handed to ``update_k`` (``train_step`` returns the tensors it passed), so that the rule can be
  replayed, or inverted, from the trace; :func:`plot_trajectory` draws them.

:class:`BEGAN` and :func:`reference_update_k` are teaching code as well as plumbing: lesson 6 shows
their source (``pitfalls.show.show_source``) where it teaches the Keras 3 way of keeping state in
a training step, and then trains this very class, so the code the learner reads is the code
whose traces lab 6's checks hand to the learner. Importing this module imports Keras: call ``pitfalls.session.start`` first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import ops

DIM, LATENT = 8, 2
GAMMA, LAMBDA_K = 0.5, 0.05
DATA_SEED, MIXING_SEED = 4321, 1234


def real_samples(n: int = 2048) -> np.ndarray:
    """``n`` points ``tanh(z @ A)`` in 8-D, ``z`` ~ N(0, I₂): a curved 2-D sheet. Fixed seeds."""
    mixing = np.random.default_rng(MIXING_SEED).normal(size=(LATENT, DIM))
    z = np.random.default_rng(DATA_SEED).normal(size=(n, LATENT))
    return np.tanh(z @ mixing).astype("float32")


def build_generator():
    """G: latent (2) → Dense(16, elu) → Dense(8), with a small last layer (outputs start near 0)."""
    return keras.Sequential(
        [
            keras.Input((LATENT,)),
            keras.layers.Dense(16, activation="elu"),
            keras.layers.Dense(DIM, kernel_initializer=keras.initializers.RandomNormal(stddev=0.01)),
        ],
        name="generator",
    )


def build_autoencoder():
    """D: 8 → 16 → 2 → 16 → 8, an autoencoder whose last layer starts at zero (D(x) = 0 at first)."""
    return keras.Sequential(
        [
            keras.Input((DIM,)),
            keras.layers.Dense(16, activation="elu"),
            keras.layers.Dense(LATENT),
            keras.layers.Dense(16, activation="elu"),
            keras.layers.Dense(DIM, kernel_initializer="zeros"),
        ],
        name="discriminator",
    )


def reconstruction_error(autoencoder, x):
    """Per-sample L1 reconstruction error, mean |x − D(x)| over the features: shape (batch,)."""
    return ops.mean(ops.abs(x - autoencoder(x, training=True)), axis=-1)


def reference_update_k(k, loss_real, loss_gen, lambda_k: float, gamma: float):
    """k ← clip(k + λ_k·(γ·L_real − L_gen), 0, 1), assigned to the variable ``k``; returns it."""
    new_k = ops.clip(k + lambda_k * (gamma * loss_real - loss_gen), 0.0, 1.0)
    k.assign(new_k)  # Keras 2: K.update(k, new_k), collected through Model.updates
    return new_k


class BEGAN(keras.Model):
    """A BEGAN whose equilibrium variable ``k`` is updated by ``update_k`` after each step."""

    def __init__(
        self,
        update_k: Callable = reference_update_k,
        gamma: float = GAMMA,
        lambda_k: float = LAMBDA_K,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator, self.discriminator = build_generator(), build_autoencoder()
        self.update_k, self.gamma, self.lambda_k = update_k, gamma, lambda_k
        self.k = keras.Variable(0.0, trainable=False, name="k")  # state that lives across steps
        self.noise = keras.random.SeedGenerator(seed)

    def compile(self, d_optimizer=None, g_optimizer=None):
        super().compile(jit_compile=False)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(1e-3)
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(1e-3)

    def train_step(self, x):
        z = keras.random.normal((ops.shape(x)[0], LATENT), seed=self.noise)
        with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
            fake = self.generator(z, training=True)
            loss_real = ops.mean(reconstruction_error(self.discriminator, x))
            loss_gen = ops.mean(reconstruction_error(self.discriminator, fake))
            d_loss = loss_real - self.k * loss_gen
            g_loss = loss_gen
        d_vars, g_vars = self.discriminator.trainable_weights, self.generator.trainable_weights
        self.d_optimizer.apply(d_tape.gradient(d_loss, d_vars), d_vars)
        self.g_optimizer.apply(g_tape.gradient(g_loss, g_vars), g_vars)
        balance = self.gamma * loss_real - loss_gen
        # After the gradient steps, where both losses are known, update k (Keras 2 had no such place).
        self.update_k(self.k, loss_real, loss_gen, self.lambda_k, self.gamma)
        return {"k": self.k.value, "loss_real": loss_real, "loss_gen": loss_gen, "balance": balance}


class KTrace(keras.callbacks.Callback):
    """Records the values ``train_step`` returns after every batch."""

    keys = ("k", "loss_real", "loss_gen", "balance")

    def on_train_begin(self, logs=None):
        self.rows: list[list[float]] = []
        self.k_start = float(self.model.k.numpy())  # k before the first step (the trace's k[0])

    def on_train_batch_end(self, batch, logs=None):
        self.rows.append([float(logs[key]) for key in self.keys])

    def trace(self) -> Trace:
        values = np.asarray(self.rows, dtype=np.float64).reshape(-1, len(self.keys))
        return Trace(*(values[:, i] for i in range(len(self.keys))), k_start=self.k_start)


@dataclass
class Trace:
    """What happened at each training step (arrays of one value per step; ``k`` is k *after* each
    step, the losses are the ones the step computed and handed to ``update_k``), and k before the
    first step."""

    k: np.ndarray
    loss_real: np.ndarray
    loss_gen: np.ndarray
    balance: np.ndarray
    k_start: float = 0.0

    def __len__(self) -> int:
        return len(self.k)

    def k_before(self) -> np.ndarray:
        """k at the start of each step (``k_start`` before the first)."""
        return np.concatenate([[self.k_start], self.k[:-1]])

    def k_path(self) -> np.ndarray:
        """k before the first step and after each step: ``len(self) + 1`` values."""
        return np.concatenate([[self.k_start], self.k])


def train(
    update_k: Callable = reference_update_k,
    steps: int = 320,
    seed: int = 0,
    batch_size: int = 64,
    lambda_k: float = LAMBDA_K,
    gamma: float = GAMMA,
) -> Trace:
    """Seed, build the toy BEGAN with ``update_k``, train ``steps`` steps; the per-step trace."""
    keras.utils.set_random_seed(seed)
    x = real_samples(2048)
    steps_per_epoch = min(steps, len(x) // batch_size)
    epochs = -(-steps // steps_per_epoch)
    model = BEGAN(update_k=update_k, gamma=gamma, lambda_k=lambda_k, seed=seed)
    model.compile()
    recorder = KTrace()
    model.fit(
        x,
        batch_size=batch_size,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=True,
        verbose=0,
        callbacks=[recorder],
    )
    trace = recorder.trace()
    return Trace(
        trace.k[:steps], trace.loss_real[:steps], trace.loss_gen[:steps], trace.balance[:steps], trace.k_start
    )


def follows_balance(trace: Trace, lambda_k: float = LAMBDA_K, atol: float = 1e-5) -> np.ndarray:
    """Per step: does k change by λ_k·balance, or sit at a bound of [0, 1] the step pushed it to?"""
    before = trace.k_before()
    wanted = np.clip(before + lambda_k * trace.balance, 0.0, 1.0)
    return np.isclose(trace.k, wanted, atol=atol, rtol=0)


def plot_trajectory(trace: Trace, ax=None, title: str = "BEGAN's equilibrium variable k"):
    """k (left axis) and the two reconstruction losses (right axis) against the training step."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    steps = np.arange(1, len(trace) + 1)
    ax.plot(steps, trace.k, color="black", lw=2, label="k")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axhline(1, color="grey", lw=0.5, ls=":")
    ax.set_xlabel("training step")
    ax.set_ylabel("k")
    ax.set_ylim(-0.05, 1.05)
    right = ax.twinx()
    right.plot(steps, trace.loss_real, color="tab:blue", lw=1, label="L_real")
    right.plot(steps, trace.loss_gen, color="tab:orange", lw=1, label="L_gen")
    right.set_ylabel("reconstruction loss")
    lines = ax.get_lines()[:1] + right.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="upper right")
    ax.set_title(title)
    return ax
