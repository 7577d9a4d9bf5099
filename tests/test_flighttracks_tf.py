"""The tf.data pipeline of lessons 4–5: order, split, crop, augmentation, evaluation length."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from pitfalls.session import start

IMAGES = ROOT / "data" / "flighttracks" / "images"


@pytest.fixture(autouse=True, scope="module")
def _tensorflow():
    """TensorFlow is imported when these tests run, not when the suite is collected."""
    global tf, ftf
    start(seed=0, verbose=False)
    import tensorflow as tf

    from pitfalls.data import flighttracks_tf as ftf


def png(i: int) -> np.ndarray:
    return np.asarray(Image.open(IMAGES / f"track_{i:05d}.png"), dtype=np.float32)[..., None] / 255


def test_unshuffled_file_list_is_sorted():
    names = [p.decode() for p in ftf.image_files().take(5).as_numpy_iterator()]
    assert [n.rsplit("/", 1)[1] for n in names] == [f"track_{i:05d}.png" for i in range(5)]


def test_load_image_is_float_binary_with_a_static_shape():
    path = tf.constant(str(IMAGES / "track_00003.png"))
    img = ftf.load_image(path)
    assert img.shape == (64, 64, 1) and img.dtype == tf.float32
    assert np.array_equal(img.numpy(), png(3))
    crop = ftf.load_image(path, 32).numpy()
    assert crop.shape == (32, 32, 1) and np.array_equal(crop, png(3)[16:48, 16:48])
    with pytest.raises(ValueError):
        ftf.load_image(path, 65)


def test_every_fourth_image_is_a_test_image():
    images = tf.data.Dataset.range(12)
    train, test = ftf.split(images)
    assert list(test.as_numpy_iterator()) == [0, 4, 8]
    assert list(train.as_numpy_iterator()) == [1, 2, 3, 5, 6, 7, 9, 10, 11]
    assert ftf.count_files() == (3000, 1000)


def test_augmentation_keeps_pixels_binary_and_moves_them():
    x = tf.constant(png(1)[None].repeat(16, axis=0))
    out = x
    for layer in ftf.augmentation(64, seed=0):
        out = layer(out)
    out = out.numpy()
    assert set(np.unique(out)) <= {0.0, 1.0}
    assert not np.array_equal(out, x.numpy())
    assert out.sum() <= x.numpy().sum()  # shifted out of the square, never invented


def test_training_stream_batches_pairs_forever():
    data = ftf.load(size=16, batch_size=8, seed=0)
    batches = list(data.train.take(3).as_numpy_iterator())
    assert len(batches) == 3
    for x, y in batches:
        assert x.shape == (8, 16, 16, 1) and np.array_equal(x, y)
    assert data.train.cardinality() == tf.data.INFINITE_CARDINALITY


def test_recorded_stream_replays_its_batches_forever():
    data = ftf.load(size=16, batch_size=8, seed=0)
    replay = ftf.recorded(data, steps=3)
    first, again = (list(replay.train.take(n).as_numpy_iterator()) for n in (3, 7))
    assert len({x.tobytes() for x, _ in first}) == 3  # three different batches ...
    for i, (x, y) in enumerate(again):  # ... replayed in order, by every new pass
        assert x.dtype == np.float32 and x.shape == (8, 16, 16, 1) and np.array_equal(x, y), i
        assert np.array_equal(x, first[i % 3][0]), i
    assert set(np.unique(first[0][0])) == {0.0, 1.0}
    assert replay.train.cardinality() == tf.data.INFINITE_CARDINALITY
    assert replay.test is data.test  # only the training stream is recorded
    assert ftf.recorded(data, steps=3, max_megabytes=1e-3) is data  # too big: the live stream


def test_evaluation_batches_have_a_known_length():
    """Keras 3.15 miscounts fixed-size batches of unknown length (keras-team/keras#23084)."""
    data = ftf.load(size=16, batch_size=128, seed=0)
    assert int(data.test.cardinality()) == 1000 // 128
    article = ftf.prepare_for_evaluation(data.test_images, 128)
    assert int(article.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert data.test_batch().shape == (128, 16, 16, 1)
    assert "1000 test images" in str(data)


def test_shuffled_listing_leaks_test_files_into_training():
    assert 0.6 < ftf.leaky_test_split_overlap(passes=2) < 0.9
