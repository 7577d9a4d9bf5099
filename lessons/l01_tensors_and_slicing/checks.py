"""Checks for lab 1 (tensors and slicing). Each one calls the learner's function on fresh inputs.

Every check builds its own inputs (of sizes other than the lesson's, so hard-coded numbers show)
and its own expected answer; a wrong answer that we have seen learners write gets its own message.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

from pitfalls.checks.core import (
    CheckFailed,
    call_learner,
    compiled_loss,
    expect,
    expect_close,
    expect_shape,
    fail,
    forbidden_uses,
    load_spread,
    loss_label,
    shape_of,
)


def _images(n: int, h: int, w: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, size=(n, h, w), dtype=np.uint8)


def _same_as(actual: np.ndarray, candidates: dict[str, np.ndarray]) -> str | None:
    """The name of the known wrong answer ``actual`` equals, if any."""
    for name, value in candidates.items():
        if shape_of(actual) == value.shape and np.array_equal(actual, value):
            return name
    return None


# --- exercise 1: slicing -------------------------------------------------------------------
def _shapes(seed: int, count: int, low: int, high: int) -> list[tuple[int, int]]:
    """``count`` (height, width) pairs drawn from [low, high): odd and even, almost never square."""
    rng = np.random.default_rng(seed)
    return [tuple(int(v) for v in rng.integers(low, high, size=2)) for _ in range(count)]


def slicing(first_hundred: Callable, lower_right_quadrant: Callable) -> None:
    """``first_hundred(images)`` is ``images[:100]``; the quadrant is the lower-right quarter.

    Both run on a seeded family of batches: 28×28 (the lesson's size) and non-square shapes of odd
    and even sides, so a swapped height and width, or a hard-coded 14, shows."""
    for n, (h, w) in zip((150, 101, 237), [(28, 28), *_shapes(11, 2, 5, 40)]):
        images = _images(n, h, w, seed=n)
        got = np.asarray(call_learner(first_hundred, images))
        expect_shape(
            got,
            (100, h, w),
            f"first_hundred(images) for {n} images of {h}×{w}",
            hints={
                (h, w): "that is a single image, without the batch axis; the first 100 images are a "
                "batch of 100",
                (99, h, w): "one image short: 99 images where the first 100 were asked for (a slice stops "
                "before its end index)",
            },
        )
        wrong = _same_as(got, {"[1:101]": images[1:101]})
        expect(
            wrong is None,
            "first_hundred returns images 1 to 100 and leaves out image 0: Python counts from 0",
        )
        expect(
            np.array_equal(got, images[:100]),
            "first_hundred(images) has the right shape but not the first 100 images in their order",
        )

    for n, (h, w) in zip((5, 4, 3, 6, 7, 2), [(28, 28), (32, 32), *_shapes(12, 4, 3, 41)]):
        images = _images(n, h, w, seed=h * 100 + w)
        got = np.asarray(call_learner(lower_right_quadrant, images))
        top, left = h // 2, w // 2
        expect_shape(
            got,
            (n, h - top, w - left),
            f"lower_right_quadrant(images) for {n} images of {h}×{w}",
            hints={
                (n, h - 14, w - 14): f"works for 28×28 only? The cut is hard-coded at row and column 14; "
                f"{h}×{w} images are cut in the middle, at row {top} and column {left}",
                (n, max(h - left, 0), max(w - top, 0)): "height and width are swapped: images.shape is "
                "(N, height, width), rows first",
                (h - top, w - left): "that is one image's quarter: the batch axis is gone, and the "
                "quarter of every image was asked for",
            },
        )
        wrong = _same_as(
            got,
            {
                "the upper-left": images[:, :top, :left],
                "the upper-right": images[:, :top, left:],
                "the lower-left": images[:, top:, :left],
            },
        )
        expect(
            wrong is None,
            f"lower_right_quadrant returns {wrong} quadrant, not the lower-right one: rows are axis 1 "
            "(counted downwards), columns axis 2 (counted rightwards)",
        )
        expect(
            np.array_equal(got, images[:, top:, left:]),
            f"lower_right_quadrant has the right shape but not the lower-right pixels ({h}×{w} images)",
        )


# --- exercise 2: (pixels, samples) -----------------------------------------------------------
def unroll_and_roll(unroll: Callable, roll_up: Callable) -> None:
    """``unroll`` makes one column per image; ``roll_up`` undoes it. Checked on a seeded family of
    batches: RGB and grey, square and not, odd sizes, a single image."""
    rng = np.random.default_rng(2)
    shapes = [(6, 8, 8, 3), (1, 5, 7, 3), (9, 6, 11, 1)] + [
        (
            int(rng.integers(2, 12)),
            int(rng.integers(3, 15)),
            int(rng.integers(3, 15)),
            int(rng.choice([1, 3])),
        )
        for _ in range(2)
    ]
    for n, h, w, c in shapes:
        images = rng.random((n, h, w, c)).astype(np.float32)
        got = np.asarray(call_learner(unroll, images))
        expect_shape(
            got,
            (h * w * c, n),
            f"unroll(images) for images of shape {images.shape}",
            hints={
                (n, h * w * c): f"that is (samples, pixels), one row per image; the lesson's layout is "
                f"(pixels, samples), one column per image: expected ({h * w * c}, {n}), got ({n}, {h * w * c})",
            },
        )
        expected = images.reshape(n, -1).T
        if not np.array_equal(got, expected):
            if np.array_equal(got, images.reshape(-1, n)):
                fail(
                    "unroll: right shape, wrong pixels: each column mixes pixels of several images (the "
                    f"flat buffer was cut into rows of {n} values); column j should hold image j's pixels"
                )
            fail("unroll: right shape, but column j is not image j's pixels in row-major order")
        back = np.asarray(call_learner(roll_up, expected.copy(), (h, w, c)))
        expect_shape(back, images.shape, f"roll_up(matrix, {(h, w, c)})")
        if not np.array_equal(back, images) and np.array_equal(back, expected.reshape(images.shape)):
            fail(
                "roll_up: right shape, but the images do not come back: it reads the matrix row by row, "
                "while each image is a column"
            )
        expect(
            np.array_equal(back, images),
            "roll_up: right shape, but roll_up(unroll(images)) does not give the images back",
        )


# --- exercise 3: broadcasting ----------------------------------------------------------------
def centering(center_columns: Callable) -> None:
    """``center_columns(X)`` subtracts each column's mean by broadcasting a row vector. Checked on
    tall, wide and square matrices (a square one broadcasts a wrong axis silently, without the
    error numpy raises for the others)."""
    rng = np.random.default_rng(3)
    for m, n in ((7, 4), (5, 5), (3, 8), (1, 6), (int(rng.integers(2, 12)), int(rng.integers(2, 12)))):
        X = rng.normal(5.0, 2.0, size=(m, n))
        got = np.asarray(call_learner(center_columns, X.copy()), dtype=np.float64)
        expect_shape(got, X.shape, f"center_columns(X) for X of shape {X.shape}")
        rows = X.mean(axis=1, keepdims=True)
        if m > 1 and (np.allclose(got, X - rows) or (m == n and np.allclose(got, X - rows.T))):
            fail(
                "center_columns subtracts each *row's* mean from the row; each *column's* own mean should "
                f"come off that column ({n} means, one per column)"
            )
        if m > 1 and np.allclose(got, X - X.mean()):
            fail(
                "center_columns subtracts the mean of the whole matrix; each column's own mean should come "
                "off that column"
            )
        expect_close(got, X - X.mean(axis=0), f"center_columns(X) for X of shape {X.shape}")


# --- exercise 4: dot product by hand ---------------------------------------------------------
LIBRARY_PRODUCTS = {"dot", "matmul", "einsum", "tensordot", "inner", "vdot", "multi_dot"}


def matvec(matvec_by_hand: Callable) -> None:
    """``matvec_by_hand(A, b)`` equals ``A @ b`` (each entry a sum of products), without calling
    the product it rebuilds. Checked on tall, wide and square matrices of integers and floats."""
    used = forbidden_uses(matvec_by_hand, names=LIBRARY_PRODUCTS, operators={"@"})
    expect(
        not used,
        f"matvec_by_hand uses {', '.join(used)}: that is the library's product, which this exercise "
        "asks you to build yourself from products and sums",
    )
    rng = np.random.default_rng(4)
    for m, n in ((5, 3), (2, 7), (4, 4), (1, 1), (int(rng.integers(2, 9)), int(rng.integers(2, 9)))):
        A, b = rng.integers(-5, 6, size=(m, n)), rng.integers(-5, 6, size=n)
        if n == 4:
            A, b = rng.normal(size=(m, n)), rng.normal(size=n)
        got = np.asarray(call_learner(matvec_by_hand, A.copy(), b.copy()))
        expect_shape(
            got,
            (m,),
            f"matvec_by_hand(A, b) for A {A.shape} and b {b.shape}",
            hints={
                (m, n): "one number per entry of A: the products are there, but each row's products "
                "are not added up into one number per row",
                (n,): "one number per column of A: the products were added up down the columns, not "
                "along each row",
            },
        )
        expect_close(
            got,
            A @ b,
            f"matvec_by_hand(A, b) for A {A.shape}",
            hint="entry i should be the dot product of row i of A with b",
        )


# --- exercise 5: epochs and batches ----------------------------------------------------------
def _batch_counts(seed: int = 5) -> list[tuple[int, int]]:
    """(samples, batch size) pairs: the lesson's, exact multiples with odd and even quotients (where
    ``round`` and ``int`` agree with the answer by luck or not), one sample fewer or more than a
    multiple, fewer samples than a batch, batches of 1."""
    rng = np.random.default_rng(seed)
    pairs = [(60000, 512), (1000, 100), (1438, 128), (5, 32), (1100, 100), (64, 64), (7, 1), (1, 1)]
    for _ in range(40):
        batch = int(rng.integers(1, 600))
        k = int(rng.integers(1, 200))
        pairs.append((k * batch + int(rng.integers(-1, 2)) if batch > 1 else k, batch))
        pairs.append((int(rng.integers(1, 100_000)), batch))
    return [(n, b) for n, b in pairs if n >= 1]


def updates(updates_per_epoch: Callable, total_updates: Callable) -> None:
    """An epoch makes ceil(N / batch) updates: the last, smaller batch makes one too."""
    for n, batch in _batch_counts():
        got = call_learner(updates_per_epoch, n, batch)
        want = math.ceil(n / batch)
        if got == n // batch and got != want:
            fail(
                f"updates_per_epoch({n}, {batch}) = {got}: the last batch of {n - got * batch} samples "
                f"is smaller but still makes an update, so the answer is {want}"
            )
        if got == round(n / batch + 0.5) and got != want:
            fail(
                f"updates_per_epoch({n}, {batch}) = {got}: round() rounds halves to the even number "
                f"(round({n / batch + 0.5:g}) is {got}), so adding 0.5 and rounding is not a ceiling; "
                f"the answer is {want}"
            )
        expect(got == want, f"updates_per_epoch({n}, {batch}): expected {want}, got {got!r}")
    got = call_learner(total_updates, 60000, 512, 20)
    expect(
        got == 118 * 20,
        f"total_updates(60000, 512, 20): expected {118 * 20} (118 per epoch × 20 epochs), got {got!r}",
    )
    rng = np.random.default_rng(55)
    for n, batch in _batch_counts(6)[::7]:
        epochs = int(rng.integers(1, 30))
        want = math.ceil(n / batch) * epochs
        got = call_learner(total_updates, n, batch, epochs)
        expect(
            got == want,
            f"total_updates({n}, {batch}, {epochs}): expected {want} ({math.ceil(n / batch)} per epoch × "
            f"{epochs} epochs), got {got!r}",
        )


# --- exercise 6: a classifier of images as they are stored ---------------------------------------
CLASSES = 10
#: The graded training run: the shipped digits cropped to 22×19 (rows 3–24, columns 5–23 of the
#: 28×28 images, so the model is built for a size other than the lesson's), raw uint8 pixels and
#: integer labels, trained as ``build_model`` compiles it.
TRAIN_ROWS, TRAIN_COLUMNS = slice(3, 25), slice(5, 24)
TRAINING = {"seed": 0, "epochs": 5, "batch_size": 32}
#: What the trained model must reach on the held-out digits. Both sit well clear of the measured
#: spread of the reference solution (spread.json; tests/test_checks.py keeps them so) and of the
#: wrong answers in wrong_answers.py: a model fed unscaled pixels can reach the accuracy, but its
#: probabilities stay confidently wrong (held-out cross-entropy above 1 in every run measured).
REQUIRED = {"accuracy": 0.75, "cross_entropy": 0.80}


def _shapes_not_square(seed: int, count: int, low: int, high: int) -> list[tuple[int, int]]:
    """``count`` (height, width) pairs from [low, high), never square and never 28×28."""
    rng = np.random.default_rng(seed)
    out: list[tuple[int, int]] = []
    while len(out) < count:
        h, w = (int(v) for v in rng.integers(low, high, size=2))
        if h != w:
            out.append((h, w))
    return out


def _crops(images: np.ndarray, h: int, w: int) -> np.ndarray:
    """Every image cut to its central ``h``×``w`` window (``h``, ``w`` ≤ 28): raw uint8, as stored."""
    top, left = (images.shape[1] - h) // 2, (images.shape[2] - w) // 2
    return images[:, top : top + h, left : left + w]


def _built_for(build_model: Callable, h: int, w: int):
    """``build_model(h, w)``, checked to be a Keras model whose input (when it declares one) is a
    batch of ``h``×``w`` images."""
    import keras

    what = f"build_model({h}, {w})"
    model = call_learner(build_model, h, w, what=what)
    expect(isinstance(model, keras.Model), f"{what} should return a Keras model, got {type(model).__name__}")
    try:
        declared = shape_of(model.inputs[0]) if model.inputs else None
    except (AttributeError, ValueError, IndexError):  # a model built on its first call: no input yet
        declared = None
    if declared is not None and declared[1:] != (h, w):
        hints = {
            (28, 28): "the model is for 28×28 images, whatever height and width it is given",
            (w, h): "height and width are swapped: images are (N, height, width), rows first",
            (h * w,): f"the model takes flat vectors of {h * w} numbers; the images come as stored, "
            f"{h}×{w}, one 2-D array per image",
        }
        hint = hints.get(declared[1:], f"the images come as stored, shape (N, {h}, {w})")
        fail(f"{what} makes a model whose input has shape {declared}: {hint}")
    return model


def _class_probabilities(model, images: np.ndarray, what: str) -> np.ndarray:
    """The model's outputs for raw ``images``, checked to be one row of 10 class probabilities per
    image (what a softmax gives: numbers ≥ 0 that sum to 1)."""
    import keras

    n, h, w = images.shape
    out = call_learner(model, images, training=False, what=what)  # eager: no graph to trace
    out = np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)
    expect_shape(
        out,
        (n, CLASSES),
        f"{what}, for {n} raw images of {h}×{w}",
        hints={
            (n, h, CLASSES): f"that is 10 numbers for each of the {h} pixel rows of an image, not 10 per "
            "image: a Dense layer acts on the last axis of what it is given, here each row of pixels",
            (n, 1): "one output per image cannot give 10 class probabilities",
        },
    )
    expect(
        bool(np.all(np.isfinite(out))), f"{what}: the outputs hold NaN or infinite values, not probabilities"
    )
    sums = out.sum(axis=1)
    if np.any(out < -1e-6) or not np.allclose(sums, 1.0, atol=1e-3):
        negative = " and some outputs are negative" if np.any(out < -1e-6) else ""
        fail(
            f"{what}: the outputs are not class probabilities: each row should be 10 numbers ≥ 0 that "
            f"sum to 1, and these rows sum to {sums.min():.3g} … {sums.max():.3g}{negative}"
        )
    return out


def _expect_compiled(model) -> None:
    expect(
        getattr(model, "compiled", False) and model.optimizer is not None,
        "the model is not compiled: it has no optimizer, loss or metrics yet",
    )


def _loss_on_integer_labels(model, seed: int = 6) -> tuple[float | None, float]:
    """The compiled loss, and sparse categorical cross-entropy computed here, on integer labels and
    softmax-like outputs of the check's own (the loss judged on data, however it was spelled)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, CLASSES, size=9)
    probs = rng.dirichlet(np.ones(CLASSES), size=9).astype("float32")
    want = float(-np.mean(np.log(probs[np.arange(len(labels)), labels].astype(np.float64))))
    return compiled_loss(model, labels, probs), want


def _expect_sparse_ce(model) -> None:
    """The compiled loss is the cross-entropy of integer labels against 10 probabilities."""
    got, want = _loss_on_integer_labels(model)
    expect(
        got is not None and math.isclose(got, want, rel_tol=1e-4),
        f"the loss is {loss_label(model.loss)}: "
        + (
            "it cannot be computed"
            if got is None
            else f"it gives {got:.4f}, not the cross-entropy {want:.4f},"
        )
        + " on a batch of integer labels and 10 probabilities per sample: the labels are integers 0–9, "
        "one number per sample, not one-hot vectors",
    )


def _reports_accuracy(model, images: np.ndarray, labels: np.ndarray) -> None:
    """The compiled metrics report one equal to the share of digits the model classifies right:
    what ``metrics=["accuracy"]`` gives (judged by its value, not by how it was spelled; the loss
    is left to its own check)."""
    probabilities = _class_probabilities(model, images, "model(images)").astype(np.float32)
    got = call_learner(model.compute_metrics, images, labels, probabilities, what="the compiled metrics")
    right = float(np.mean(np.argmax(probabilities, axis=-1) == labels))
    expect(
        any(name != "loss" and abs(float(value) - right) < 1e-6 for name, value in got.items()),
        f"the model reports {sorted(got)} but no accuracy, the share of digits it gets right (the lab "
        "asks for it, so that fit's history shows it)",
    )


def architecture(build_model: Callable) -> None:
    """``build_model(h, w)`` for two sizes of the check's own (never square): a compiled model that
    takes raw uint8 images of that size and gives 10 class probabilities per image, with a loss for
    integer labels and an accuracy metric."""
    import keras

    from pitfalls.data.digits import load_uci

    digits = load_uci()
    for (h, w), n, seed in zip(_shapes_not_square(61, 2, 7, 28), (7, 12), (62, 63)):
        keras.utils.set_random_seed(TRAINING["seed"])
        model = _built_for(build_model, h, w)
        noise = np.random.default_rng(seed).integers(0, 256, size=(n, h, w), dtype=np.uint8)
        noise[0], noise[1] = 0, 255  # the edge values: a black and a white image
        _class_probabilities(model, noise, "model(images)")
        _expect_compiled(model)
        _expect_sparse_ce(model)
        _reports_accuracy(model, _crops(digits.x_train[:64], h, w), digits.y_train[:64])


def graded_digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The graded training and held-out sets: the shipped UCI digits cropped to 22×19, raw uint8
    pixels 0–255 and integer labels, as stored."""
    from pitfalls.data.digits import load_uci

    digits = load_uci()
    crop = (slice(None), TRAIN_ROWS, TRAIN_COLUMNS)
    return digits.x_train[crop], digits.y_train, digits.x_test[crop], digits.y_test


def train_graded(build_model: Callable, seed: int = TRAINING["seed"]) -> dict[str, float]:
    """Seed, build the learner's model for the graded crops, train it as it was compiled; return
    its held-out accuracy and cross-entropy."""
    import keras

    x, y, x_test, y_test = graded_digits()
    _, h, w = x.shape
    keras.utils.set_random_seed(seed)
    model = _built_for(build_model, h, w)
    _class_probabilities(model, x[:8], "model(images)")
    _expect_compiled(model)
    got, _ = _loss_on_integer_labels(model)
    expect(
        got is not None,
        f"the loss {loss_label(model.loss)} cannot be computed on the digits' labels as they are stored "
        "(one integer 0–9 per image) against the model's 10 probabilities per image, so fit cannot "
        "train the model on them",
    )
    call_learner(
        model.fit,
        x,
        y,
        epochs=TRAINING["epochs"],
        batch_size=TRAINING["batch_size"],
        verbose=0,
        shuffle=True,
        what="model.fit(...)",
    )
    probs = call_learner(model, x_test, training=False, what="the trained model(images)")
    probs = np.asarray(keras.ops.convert_to_numpy(probs), dtype=np.float64)
    if not np.all(np.isfinite(probs)):
        return {"accuracy": float("nan"), "cross_entropy": float("nan")}
    right = np.clip(probs[np.arange(len(y_test)), y_test], 1e-7, 1.0)
    return {
        "accuracy": float(np.mean(np.argmax(probs, axis=1) == y_test)),
        "cross_entropy": float(-np.mean(np.log(right))),
    }


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded numbers of the reference solution, for ``pitfalls.authoring.spread``."""
    return train_graded(namespace["build_model"], seed=seed)


def held_out(build_model: Callable) -> None:
    """Trained on raw crops of the digits as it comes from ``build_model``, the model classifies
    held-out digits well and gives the right digit a fair probability."""
    got = train_graded(build_model)
    acc, ce = got["accuracy"], got["cross_entropy"]
    epochs, batch = TRAINING["epochs"], TRAINING["batch_size"]
    expect(
        math.isfinite(acc) and math.isfinite(ce),
        f"training diverged: after {epochs} epochs the model's outputs on held-out digits are NaN or infinite",
    )
    need_acc, need_ce = REQUIRED["accuracy"], REQUIRED["cross_entropy"]
    if acc >= need_acc and ce <= need_ce:
        return
    x, _, x_test, _ = graded_digits()
    spread = load_spread("lab01_tensors")
    ref = f"accuracy {spread['accuracy']['min']:.2f}–{spread['accuracy']['max']:.2f}, cross-entropy " + (
        f"{spread['cross_entropy']['min']:.2f}–{spread['cross_entropy']['max']:.2f}"
    )
    said = (
        f"trained {epochs} epochs (batch size {batch}) on {len(x)} raw {x.shape[1]}×{x.shape[2]} digit "
        f"images, the model gets on {len(x_test)} held-out ones accuracy {acc:.3f} (at least {need_acc} "
        f"needed) and cross-entropy {ce:.3f} (at most {need_ce})"
    )
    if ce > need_ce:
        said += (
            f": its probabilities are often confidently wrong (the right digit gets {math.exp(-ce):.2f} "
            "on geometric average)"
        )
    fail(f"{said}. The reference solution reaches {ref} here (its spread over seeds and CPUs).")


# --- exercise 7: diagnosis, 97 % in Keras and 10 % in NumPy -----------------------------------
@functools.cache
def _classifier_outputs(n: int, classes: int, right: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels ``(n, 1)`` with uneven class shares, and probabilities whose argmax is the label for
    about a share ``right`` of the samples (a good model: the colleague's). Cached (the million
    case takes a second to draw) and read-only: the learner's functions get copies."""
    labels, probs = _draw_classifier_outputs(n, classes, right, seed)
    labels.setflags(write=False)
    probs.setflags(write=False)
    return labels, probs


def _draw_classifier_outputs(n: int, classes: int, right: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    share = rng.dirichlet(np.full(classes, 2.0))
    labels = rng.choice(classes, size=n, p=share)
    predicted = np.where(rng.random(n) < right, labels, rng.integers(0, classes, size=n))
    logits = rng.normal(size=(n, classes)).astype("float32")
    logits[np.arange(n), predicted] += 6.0
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return labels.reshape(n, 1), probs.astype("float32")


def _pairs_in_same_class(labels: np.ndarray, probs: np.ndarray) -> float:
    classes = probs.shape[1]
    label_share = np.bincount(labels.ravel(), minlength=classes) / labels.size
    predicted_share = np.bincount(probs.argmax(axis=1), minlength=classes) / len(probs)
    return float(np.sum(label_share * predicted_share))


def diagnosis(colleague_accuracy: Callable, accuracy: Callable) -> None:
    """The colleague's line compares (N,) predictions with (N, 1) labels: broadcasting makes an
    N × N table, whose mean is the share of (label, prediction) pairs in the same class."""
    for n, classes, seed in ((37, 10, 71), (250, 7, 72)):
        labels, probs = _classifier_outputs(n, classes, right=0.95, seed=seed)
        true_acc = float(np.mean(probs.argmax(axis=1) == labels.ravel()))
        what = f"colleague_accuracy(y_test, probs) for {n} labels of shape ({n}, 1) and {classes} classes"
        got = call_learner(colleague_accuracy, labels.copy(), probs.copy(), what=what)
        want = _pairs_in_same_class(labels, probs)
        expect(isinstance(got, (int, float, np.number)), f"{what} should return one number, got {got!r:.80}")
        if math.isclose(float(got), true_acc, abs_tol=1e-9) and not math.isclose(true_acc, want):
            fail(
                f"{what} returns the model's real accuracy, {true_acc:.4f}; the colleague's line prints "
                f"{want:.4f}. Which shape does `np.argmax(probs, axis=1) == y_test` have?"
            )
        if math.isclose(float(got), 1 / classes, abs_tol=1e-9):
            fail(
                f"{what} returns 1/{classes}: right only when every class is equally common, and here the "
                "classes are not"
            )
        expect_close(
            got,
            want,
            what,
            hint="the line compares every prediction with every label: which share of those pairs agree?",
        )

    labels, probs = _classifier_outputs(1_000_000, 10, right=0.97, seed=73)
    what = "colleague_accuracy(y_test, probs) for a million labels"
    try:
        got = call_learner(colleague_accuracy, labels.copy(), probs.copy(), what=what)
    except CheckFailed as exc:
        if "MemoryError" in str(exc):
            fail(
                f"{what} builds the million × million table the colleague's line builds ({exc}); its "
                "mean can be had without building it"
            )
        raise
    expect_close(got, _pairs_in_same_class(labels, probs), what)

    for n, classes, seed, column in (
        (41, 10, 74, True),
        (41, 10, 74, False),
        (1, 3, 75, True),
        (60, 4, 76, False),
    ):
        labels, probs = _classifier_outputs(n, classes, right=0.8, seed=seed)
        y = labels if column else labels.ravel()
        want = float(np.mean(probs.argmax(axis=1) == labels.ravel()))
        what = (
            f"accuracy(y_test, probs) for labels of shape {y.shape} and probabilities of shape {probs.shape}"
        )
        got = call_learner(accuracy, y.copy(), probs.copy(), what=what)
        expect(isinstance(got, (int, float, np.number)), f"{what} should return one number, got {got!r:.80}")
        if column and n > 1 and math.isclose(float(got), _pairs_in_same_class(labels, probs), abs_tol=1e-9):
            fail(
                f"{what} is {float(got):.4f}, the colleague's number: the labels of shape ({n}, 1) broadcast "
                f"against the ({n},) predictions"
            )
        expect_close(
            got,
            want,
            what,
            hint="the accuracy is the share of samples whose most probable class is their label",
        )
