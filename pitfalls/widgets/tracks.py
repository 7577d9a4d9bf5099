"""Real flight-track images and the identity-sigmoid model's real predictions, for the explorers.

Why: the threshold, imshow-scale and BatchNormalization explorers must show what the lesson's
model *does* on the lesson's data, not a formula's idealisation. So they share one batch of the
shipped 64×64 PNGs (test split: every 4th image, as in the article) and the predictions of lesson
4's own model, ``pitfalls.identity.identity_model`` — Flatten → Dense(64·64, sigmoid, no bias,
identity kernel) → Reshape — computed once per process and cached (one batch through a 4096×4096
kernel: a fraction of a second).

The PNGs are read with Pillow, not ``tf.data``: a widget cell must not depend on the lesson's
pipeline module, and decoding 128 tiny PNGs takes milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pitfalls.paths import data_dir

#: Side of the shipped images.
SIZE = 64
#: Images per explorer batch: one of the article's batches (128).
BATCH = 128


def image_paths(n: int = BATCH, split: str = "test") -> list:
    """The first ``n`` PNGs of a split, sorted by name; "test" is every 4th image (index % 4 == 0)."""
    paths = sorted((data_dir() / "flighttracks" / "images").glob("track_*.png"))
    if split == "test":
        paths = paths[::4]
    elif split != "all":
        raise ValueError(f"split must be 'test' or 'all', got {split!r}")
    if len(paths) < n:
        raise ValueError(f"only {len(paths)} images in split {split!r}, asked for {n}")
    return paths[:n]


def load_images(n: int = BATCH, split: str = "test") -> np.ndarray:
    """``n`` flight tracks as float32 ``(n, 64, 64, 1)`` in {0.0, 1.0} (``convert_image_dtype``'s
    scaling: 255 → 1.0)."""
    from PIL import Image

    out = np.empty((n, SIZE, SIZE, 1), dtype="float32")
    for i, path in enumerate(image_paths(n, split)):
        with Image.open(path) as im:
            out[i, :, :, 0] = np.asarray(im.convert("L"), dtype="float32") / 255.0
    return out


@dataclass(frozen=True)
class Batch:
    """One batch of real images and the identity-sigmoid model's predictions for them."""

    images: np.ndarray  # (n, 64, 64, 1) float32 in {0, 1}
    predictions: np.ndarray  # (n, 64, 64, 1) float32: 0.5 and σ(1) = 0.7310586

    @property
    def lit_fraction(self) -> float:
        return float(np.mean(self.images > 0.5))


@lru_cache(maxsize=4)
def identity_sigmoid_batch(n: int = BATCH) -> Batch:
    """Real test images and what the identity-sigmoid Keras model predicts for them (cached)."""
    from pitfalls.session import quiet_env

    quiet_env()  # before the first ``import keras`` of a widget-only kernel: keep TF's log quiet
    from pitfalls.identity import identity_model

    images = load_images(n)
    model = identity_model(SIZE)
    predictions = np.asarray(model(images, training=False), dtype="float32")  # = predict(), faster
    del model  # 64 MB of kernel; the predictions are all the explorers need
    images.setflags(write=False)
    predictions.setflags(write=False)
    return Batch(images, predictions)


def explorer_batch(n_images: int = BATCH, images=None, predictions=None) -> Batch:
    """What an explorer draws: the lesson's own ``images`` and its identity-sigmoid model's
    ``predictions`` for them when given (so the explorer shows the lesson's pictures, indices and
    lit fraction: lessons 4 and 5 run on 32×32 crops in the fast profile), else the first
    ``n_images`` shipped test images and this module's model run on them."""
    if images is None and predictions is None:
        return identity_sigmoid_batch(n_images)
    if images is None or predictions is None:
        raise ValueError("give both images and predictions (the identity-sigmoid model's output), or neither")
    images, predictions = np.asarray(images, dtype="float32"), np.asarray(predictions, dtype="float32")
    if images.ndim != 4 or images.shape != predictions.shape:
        raise ValueError(
            f"images and predictions must be batches of the same shape (n, h, w, 1), got {images.shape} "
            f"and {predictions.shape}"
        )
    return Batch(images, predictions)
