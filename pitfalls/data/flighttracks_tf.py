"""The flight-track images as a ``tf.data`` pipeline, loaded the way the autoencoder article did.

Why a module: lessons 4 and 5 both need the same input pipeline, and it is plumbing, not the
lesson. It follows the article's order of steps (``list_files`` → ``read_file`` → ``decode_png``
→ ``convert_image_dtype``, a split by index where every 4th image is a test image, then cache →
shuffle → augmentation → repeat → batch → prefetch) with two changes:

* the augmentation uses Keras preprocessing layers (``RandomTranslation``, ``RandomFlip``)
  instead of ``tensorflow_addons``, which is no longer maintained. ``fill_mode="constant"`` and
  ``interpolation="nearest"`` keep the pixels exactly 0 or 1, as ``tfa.image.translate`` did;
* ``list_files(..., shuffle=False)``: the article kept the default ``shuffle=True``, which
  reshuffles the file list on *every pass*, so "every 4th file" is a different set of files each
  time and the test images leak into training (:func:`leaky_test_split_overlap` measures it).

``size`` below 64 takes the central ``size``×``size`` crop of every image: the lessons' fast
profile trains on 32×32 crops (a Dense layer of 32·32 units costs 1/16 of a 64·64 one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import tensorflow as tf

from pitfalls.paths import data_dir

#: Side of the shipped images, in pixels.
FULL_SIZE = 64
#: The article's augmentation: shifts of up to 10 px (of 64), left-right flips.
ARTICLE_SHIFT = 10


def image_pattern() -> str:
    """The glob of the shipped PNGs."""
    return str(data_dir() / "flighttracks" / "images" / "*.png")


def image_files(shuffle: bool = False, seed: int | None = None) -> tf.data.Dataset:
    """The PNG paths, as ``tf.data.Dataset.list_files`` gives them (sorted when not shuffled)."""
    return tf.data.Dataset.list_files(image_pattern(), shuffle=shuffle, seed=seed)


def load_image(path: tf.Tensor, size: int = FULL_SIZE) -> tf.Tensor:
    """One PNG as a float32 ``(size, size, 1)`` tensor of 0.0/1.0 (the central crop if smaller).

    ``decode_png`` cannot know the image size before it reads a file, so its static shape is
    ``(None, None, 1)``; ``ensure_shape`` states it (and fails loudly if a file is not 64×64).
    """
    img = tf.io.decode_png(tf.io.read_file(path), channels=1, dtype=tf.uint8)
    img = tf.ensure_shape(img, (FULL_SIZE, FULL_SIZE, 1))
    if size != FULL_SIZE:
        if not 0 < size <= FULL_SIZE:
            raise ValueError(f"size must be in 1..{FULL_SIZE}, got {size}")
        start = (FULL_SIZE - size) // 2
        img = img[start : start + size, start : start + size, :]
    return tf.image.convert_image_dtype(img, tf.float32)  # uint8 0..255 → float 0..1


def is_test(index: tf.Tensor, _image: tf.Tensor) -> tf.Tensor:
    """Every 4th image (index 0, 4, 8, …) is a test image, as in the article."""
    return index % 4 == 0


def split(images: tf.data.Dataset) -> tuple[tf.data.Dataset, tf.data.Dataset]:
    """``(train, test)``: the images with index not divisible by 4, and those divisible by 4."""
    indexed = images.enumerate()
    train = indexed.filter(_is_train).map(_drop_index)
    test = indexed.filter(is_test).map(_drop_index)
    return train, test


def _is_train(index: tf.Tensor, image: tf.Tensor) -> tf.Tensor:
    return tf.logical_not(is_test(index, image))


def _drop_index(_index: tf.Tensor, image: tf.Tensor) -> tf.Tensor:
    return image


def augmentation(size: int = FULL_SIZE, shift: int | None = None, flip: bool = True, seed: int = 0) -> list:
    """The article's random shift (±``shift`` px, default 10 px scaled to ``size``) and flip, as
    Keras preprocessing layers that keep the pixels binary."""
    import keras

    shift = round(ARTICLE_SHIFT * size / FULL_SIZE) if shift is None else shift
    layers = []
    if shift:
        factor = shift / size
        layers.append(
            keras.layers.RandomTranslation(
                factor, factor, fill_mode="constant", interpolation="nearest", seed=seed
            )
        )
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed + 1))
    return layers


def prepare_for_training(
    images: tf.data.Dataset,
    batch_size: int,
    size: int = FULL_SIZE,
    shift: int | None = None,
    flip: bool = True,
    seed: int = 0,
    shuffle_buffer: int = 1000,
) -> tf.data.Dataset:
    """cache → shuffle → augment → repeat → batch → prefetch, as ``(x, x)`` pairs: an infinite
    stream, so ``fit`` needs ``steps_per_epoch``."""
    layers = augmentation(size, shift, flip, seed)

    def augment(x: tf.Tensor) -> tf.Tensor:
        for layer in layers:
            x = layer(x)
        return x

    ds = images.cache().shuffle(shuffle_buffer, seed=seed)
    if layers:
        ds = ds.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
    ds = ds.repeat().batch(batch_size).prefetch(tf.data.AUTOTUNE)
    return ds.map(lambda x: (x, x))


def prepare_for_evaluation(
    images: tf.data.Dataset, batch_size: int, n_images: int | None = None
) -> tf.data.Dataset:
    """The test images as ``(x, x)`` batches, no augmentation; full batches only (as the article:
    ``drop_remainder=True``).

    With ``n_images`` the dataset is told how many batches it holds (``assert_cardinality``).
    Keras 3.15's ``evaluate`` miscounts a dataset of fixed-size batches whose length it cannot
    know (after ``filter`` the length is unknown): it averages over one step too many and reports
    n/(n+1) of the true loss and metrics (keras-team/keras#23084, fixed by PR #23179; lesson 4
    measures it). ``n_images=None`` gives the article's pipeline, bug included.
    """
    ds = images.map(lambda x: (x, x)).batch(batch_size, drop_remainder=True)
    if n_images is not None:
        ds = ds.apply(tf.data.experimental.assert_cardinality(n_images // batch_size))
    return ds.cache()


def count_files() -> tuple[int, int]:
    """``(training images, test images)`` of the index split (every 4th file is a test file)."""
    n = len(tf.io.gfile.glob(image_pattern()))
    n_test = (n + 3) // 4
    return n - n_test, n_test


@dataclass
class FlightTracks:
    """The split, the training stream and the evaluation batches at one image size."""

    size: int
    batch_size: int
    train_images: tf.data.Dataset  # single images, no augmentation
    test_images: tf.data.Dataset
    train: tf.data.Dataset  # infinite, augmented (x, x) batches
    test: tf.data.Dataset  # finite (x, x) batches

    def test_batch(self):
        """The first test batch as a NumPy array ``(batch_size, size, size, 1)``."""
        return next(iter(self.test))[0].numpy()

    def __str__(self) -> str:
        n_train, n_test = count_files()
        return (
            f"flight tracks {self.size}×{self.size}: {n_train} training images (an augmented, "
            f"repeating stream of batches of {self.batch_size}), {n_test} test images "
            f"({n_test // self.batch_size} full batches)"
        )


def load(
    size: int = FULL_SIZE, batch_size: int = 128, shift: int | None = None, flip: bool = True, seed: int = 0
) -> FlightTracks:
    """The whole pipeline of the article, at ``size`` (64, or a central crop)."""
    images = image_files(shuffle=False).map(lambda p: load_image(p, size))
    train_images, test_images = split(images)
    return FlightTracks(
        size=size,
        batch_size=batch_size,
        train_images=train_images,
        test_images=test_images,
        train=prepare_for_training(train_images, batch_size, size, shift, flip, seed),
        test=prepare_for_evaluation(test_images, batch_size, n_images=count_files()[1]),
    )


def recorded(data: FlightTracks, steps: int, max_megabytes: float = 100) -> FlightTracks:
    """``data`` whose training stream is its first ``steps`` batches, drawn once and replayed.

    Why: producing an augmented batch (a ``RandomTranslation`` and a ``RandomFlip`` per image, in
    ``tf.data``) costs about as much as a training step of the lessons' Dense(32·32) models, and
    every ``fit`` starts a new pass. Lesson 5 trains several models on the same stream; drawing
    it once and replaying it halves its training time, and every model then sees the very same
    batches in the same order (a fairer comparison). The batches are stored as ``uint8`` (the
    pixels are exactly 0 or 1; 300 batches of 128 images of 32×32 take 39 MB) and the replayed
    stream repeats them forever, like the live one. A recording larger than ``max_megabytes``
    (the article profile's 2000 batches of 64×64 would take 1 GB) is not made: ``data`` is
    returned unchanged, with its live stream.
    """
    import numpy as np

    if steps * data.batch_size * data.size**2 > max_megabytes * 1e6:
        return data

    batches = np.stack([x for x, _ in data.train.take(steps).as_numpy_iterator()])
    if not np.isin(batches, (0.0, 1.0)).all():
        raise ValueError("the training stream has pixels other than 0 and 1: cannot store it as uint8")
    stored = tf.data.Dataset.from_tensor_slices(batches.astype(np.uint8))
    train = stored.repeat().map(lambda x: tf.cast(x, tf.float32)).map(lambda x: (x, x))
    return replace(data, train=train.prefetch(tf.data.AUTOTUNE))


def as_array(images: tf.data.Dataset):
    """A finite dataset of single images as one NumPy array."""
    import numpy as np

    return np.stack(list(images.as_numpy_iterator()))


def leaky_test_split_overlap(passes: int = 2, seed: int | None = None) -> float:
    """The article's split on ``list_files``' default ``shuffle=True``: the fraction of the second
    pass' test files that were *training* files in the first pass."""
    files = tf.data.Dataset.list_files(image_pattern(), seed=seed)  # shuffle=True, the default
    indexed = files.enumerate()
    test_sets = [set(indexed.filter(is_test).map(_drop_index).as_numpy_iterator()) for _ in range(passes)]
    first, last = test_sets[0], test_sets[-1]
    return len(last - first) / len(last)
