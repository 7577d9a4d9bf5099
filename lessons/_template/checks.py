"""Checks for lab NN (pixel arithmetic). Each one calls the learner's function on inputs it makes.

TEMPLATE: the lab imports this module as ``from lessons.lNN_name import checks as check`` and each
graded test cell is one call, ``check.<function>(<learner functions>)``. The pattern:

* call the learner's code only through :func:`call_learner`: it keeps warnings and stray stderr
  out of the graded cell (nbgrader zeroes a test cell with *any* stderr output) and turns an
  exception, or the untouched ``raise NotImplementedError()`` stub, into a sentence;
* build **fresh inputs** here, of other sizes than the lesson's, and compute the expected answer
  here: a hard-coded number fails, and no expected value ever sits in a notebook;
* fail with messages **in words** (``expect``, ``expect_shape``, ``expect_close``, ``fail``), and
  give each wrong answer learners really write its own message (``wrong_answers.py`` proves each);
* a check on a *trained* number reads its reference and tolerance with
  ``load_spread("labNN_name")[quantity]`` (recorded by ``python -m pitfalls.authoring.spread
  labNN_name``, which needs a ``measure(namespace, seed)`` function here). This lab trains nothing,
  so it has neither.

Keep checks fast (well under a second here; every test cell must finish far inside the
autograder's 120 s) and learner-side: import numpy and ``pitfalls.checks`` only.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pitfalls.checks.core import call_learner, expect, expect_close, expect_shape


def _images(n: int, h: int, w: int, seed: int) -> np.ndarray:
    """A seeded uint8 batch: the same inputs on every run, so a message never depends on luck."""
    return np.random.default_rng(seed).integers(0, 256, size=(n, h, w), dtype=np.uint8)


# --- exercise 1: the mean of two images ------------------------------------------------------
def mean_image(mean_image: Callable) -> None:
    """``mean_image(a, b)`` is ``(a + b) / 2`` computed in floats."""
    a, b = _images(7, 5, 6, seed=11), _images(7, 5, 6, seed=12)
    assert np.any(a.astype(int) + b > 255), "the inputs must hold sums above 255, or wrapping passes"
    got = np.asarray(call_learner(mean_image, a, b))
    expect_shape(got, a.shape, "mean_image(a, b) for two batches of shape (7, 5, 6)")
    wide = a.astype(np.float64) + b
    expect(
        not np.allclose(got, (a + b) / 2),
        "mean_image(a, b) wraps around: a + b of two uint8 arrays is computed in uint8, so "
        "200 + 100 becomes 44. Convert to float before adding: a.astype(np.float32) + b",
    )
    expect(
        not np.array_equal(got, wide // 2),
        "mean_image(a, b) drops the halves: // is floor division, so the mean of 3 and 4 "
        "becomes 3 instead of 3.5. Divide with /",
    )
    expect_close(got, wide / 2, "mean_image(a, b)", atol=1e-4, rtol=0)


# --- exercise 2: stretch each image to [0, 1] -------------------------------------------------
def stretch(stretch: Callable) -> None:
    """Per image ``(x - min) / (max - min)``; a flat image becomes zeros."""
    images = _images(4, 6, 9, seed=21) // 2 + 20  # no image reaches 0 or 255: a fixed /255 shows
    images[2] = 77  # a flat image: no contrast to stretch
    got = np.asarray(call_learner(stretch, images))
    expect_shape(got, images.shape, "stretch(images) for a batch of shape (4, 6, 9)")
    expect(
        not np.isnan(got).any(),
        "stretch(images) returns NaN for an image whose pixels are all equal (max - min is 0, "
        "and 0 / 0 is NaN); make such an image all zeros",
    )
    x = images.astype(np.float64)
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    expected = (x - low) / np.where(high > low, high - low, 1)
    overall = (x - x.min()) / (x.max() - x.min())
    expect(
        not np.allclose(got[[0, 1, 3]], overall[[0, 1, 3]]),
        "stretch(images) uses the minimum and maximum of the whole batch; each image needs its "
        "own: x.min(axis=(1, 2), keepdims=True)",
    )
    expect(
        not np.allclose(got, x / 255),
        "stretch(images) divides by 255, which maps 0–255 to 0–1 but stretches nothing: in each "
        "image the darkest pixel must become 0 and the brightest 1, (x - min) / (max - min)",
    )
    expect_close(got, expected, "stretch(images)", atol=1e-5, rtol=0)
