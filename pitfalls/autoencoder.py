"""Profiles and a quiet training loop for lessons 4 and 5 (the identity autoencoder).

Why: the article trains every model for 20 epochs of 100 steps at batch 128 on 64×64 images. On
a 2-core CPU one such step of a Dense(4096) layer takes 0.1–0.4 s, so the article's run of a
single model takes minutes. The lessons therefore run in a *profile*:

* ``fast`` (default): 32×32 central crops (a Dense layer of 32·32 units costs 1/16 of a 64·64
  one), fewer steps, and Adam's learning rate tripled so that the shorter runs still travel far
  enough for every phenomenon of the article to show. BatchNormalization gets momentum 0.9
  instead of Keras' 0.99: its moving variance starts at 1 and keeps 0.99**300 ≈ 5 % of that
  start after 300 steps, which is 1000 times the variance it should track (measured in lesson 5);
* ``article``: the article's setting (64×64, 20 epochs × 100 steps, batch 128, Adam's default
  learning rate 0.001, Keras' default momentum), for a GPU or a patient CPU.

The model definitions themselves stay in the notebooks: they are what the lessons teach.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Profile:
    """How big and how long the lessons' experiments are."""

    name: str
    size: int  # image side: 64, or a central crop
    batch_size: int
    epochs: int  # the long runs (tutorial autoencoder, lesson 5's four activations)
    steps_per_epoch: int
    learning_rate: float  # Adam
    short_epochs: int  # lesson 4: the tutorial model and the single Dense layer
    identity_epochs: int  # lesson 4: training the exact identity model for a while
    bn_momentum: float  # lesson 5: BatchNormalization's moving-average momentum
    notes: str = field(default="", compare=False)

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch

    def __str__(self) -> str:
        return (
            f"profile {self.name!r}: {self.size}×{self.size} images, batch {self.batch_size}, "
            f"{self.epochs} epochs × {self.steps_per_epoch} steps, Adam(learning_rate="
            f"{self.learning_rate:g})" + (f" — {self.notes}" if self.notes else "")
        )


PROFILES: dict[str, Profile] = {
    "fast": Profile(
        "fast",
        size=32,
        batch_size=128,
        epochs=10,
        steps_per_epoch=30,
        learning_rate=3e-3,
        short_epochs=5,
        identity_epochs=3,
        bn_momentum=0.9,
        notes="32×32 central crops, 300 steps, learning rate ×3, BatchNormalization "
        "momentum 0.9: seconds on a 2-core CPU",
    ),
    "article": Profile(
        "article",
        size=64,
        batch_size=128,
        epochs=20,
        steps_per_epoch=100,
        learning_rate=1e-3,
        short_epochs=20,
        identity_epochs=5,
        bn_momentum=0.99,
        notes="the article's setting; minutes per model on a CPU, meant for a GPU",
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called ``name`` (``"fast"`` or ``"article"``), with a clear error otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; choose one of {sorted(PROFILES)}") from None


@dataclass
class Run:
    """The per-epoch history of one ``fit`` and how long it took."""

    name: str
    history: dict[str, list[float]]
    seconds: float

    def last(self, key: str = "loss") -> float:
        return float(self.history[key][-1])

    def first_epoch_reaching(self, key: str, value: float) -> int | None:
        """The first epoch (counted from 1) whose ``key`` is at least ``value``, or ``None``."""
        for epoch, v in enumerate(self.history[key], start=1):
            if v >= value:
                return epoch
        return None


def train(
    model, data, profile: Profile, epochs: int | None = None, name: str = "", validation: bool = True
) -> Run:
    """``model.fit`` on the profile's stream, with a progress bar instead of Keras' log lines.

    ``data`` is a :class:`pitfalls.data.flighttracks_tf.FlightTracks`; the test batches are the
    validation data.
    """
    import keras
    from tqdm.auto import tqdm

    epochs = profile.epochs if epochs is None else epochs
    bar = tqdm(total=epochs, desc=name or model.name, unit="epoch", leave=False)

    class Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            bar.set_postfix(loss=f"{(logs or {}).get('loss', float('nan')):.4g}")
            bar.update(1)

    started = time.perf_counter()
    try:
        history = model.fit(
            data.train,
            epochs=epochs,
            steps_per_epoch=profile.steps_per_epoch,
            validation_data=data.test if validation else None,
            verbose=0,
            callbacks=[Progress()],
        )
    finally:
        bar.close()
    return Run(
        name or model.name,
        {k: [float(v) for v in vs] for k, vs in history.history.items()},
        time.perf_counter() - started,
    )
