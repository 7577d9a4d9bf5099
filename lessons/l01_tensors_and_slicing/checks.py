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
    activation_name,
    call_learner,
    compiled_loss,
    dense_layers,
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


# --- exercise 6: a small Keras model -----------------------------------------------------------
INPUT_DIM, HIDDEN, CLASSES = 784, 32, 10
EXPECTED_PARAMS = INPUT_DIM * HIDDEN + HIDDEN + HIDDEN * CLASSES + CLASSES  # 25,450
TRAINING = {"seed": 0, "epochs": 20, "batch_size": 64}


def architecture(build_model: Callable) -> None:
    """Shapes, parameter count, activations, loss and optimizer of ``build_model()``."""
    import keras

    keras.utils.set_random_seed(TRAINING["seed"])
    model = call_learner(build_model)
    expect(
        isinstance(model, keras.Model),
        f"build_model() should return a Keras model, got {type(model).__name__}",
    )
    expect(
        model.built and model.inputs is not None,
        "the model has no input shape yet (nothing told it that it takes 784 numbers), so it has no "
        "layers' weights to check",
    )
    expect_shape(
        model.inputs[0],
        (None, INPUT_DIM),
        "the model's input",
        hints={(None, 28, 28): "the model takes 28×28 images; this lab feeds flat vectors of 784 pixels"},
    )
    expect_shape(
        model.outputs[0],
        (None, CLASSES),
        "the model's output",
        hints={(None, 1): "one output unit cannot give 10 class probabilities"},
    )
    dense = dense_layers(model)
    expect(len(dense) == 2, f"expected 2 Dense layers (hidden, output), found {len(dense)}")
    expect(dense[0].units == HIDDEN, f"the hidden layer should have {HIDDEN} units, it has {dense[0].units}")
    expect(
        activation_name(dense[0]) == "relu",
        f"the hidden layer's activation should be relu, it is {activation_name(dense[0])}",
    )
    expect(
        activation_name(dense[1]) == "softmax",
        f"the output activation should be softmax (10 class probabilities), it is {activation_name(dense[1])}",
    )
    params = model.count_params()
    expect(
        params == EXPECTED_PARAMS,
        f"expected {EXPECTED_PARAMS:,} parameters (784·32 + 32 + 32·10 + 10), got {params:,}",
    )
    expect(
        model.optimizer is not None and model.compiled,
        "the model is not compiled: it has no optimizer, loss or metrics yet",
    )
    _reports_accuracy(model)
    expect(
        isinstance(model.optimizer, keras.optimizers.RMSprop),
        f"the optimizer should be RMSprop, it is {type(model.optimizer).__name__}",
    )
    lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    expect(abs(lr - 1e-3) < 1e-9, f"the learning rate should be 0.001, it is {lr:g}")
    _expect_sparse_ce(model)


def _expect_sparse_ce(model) -> None:
    """The compiled loss, judged on data: integer labels and softmax outputs of the check's own, its
    value compared with sparse categorical cross-entropy computed here (however it was spelled)."""
    rng = np.random.default_rng(6)
    labels = rng.integers(0, CLASSES, size=9)
    probs = rng.dirichlet(np.ones(CLASSES), size=9).astype("float32")
    want = float(-np.mean(np.log(probs[np.arange(len(labels)), labels].astype(np.float64))))
    got = compiled_loss(model, labels, probs)
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


def _reports_accuracy(model) -> None:
    """The compiled metrics report one equal to the share of digits the model classifies right:
    what ``metrics=["accuracy"]`` gives (judged by its value, not by how it was spelled; the loss
    is left to its own check)."""
    x, y = training_data()
    x, y = x[:64], y[:64]
    probabilities = np.asarray(call_learner(model.predict, x, verbose=0, what="model.predict(...)"))
    got = call_learner(model.compute_metrics, x, y, probabilities, what="the compiled metrics")
    right = float(np.mean(np.argmax(probabilities, axis=-1) == y))
    expect(
        any(name != "loss" and abs(float(value) - right) < 1e-6 for name, value in got.items()),
        f"the model reports {sorted(got)} but no accuracy, the share of digits it gets right (the lab "
        "asks for it, so that fit's history shows it)",
    )


def training_data() -> tuple[np.ndarray, np.ndarray]:
    """The graded training set: the shipped UCI digits, flattened to 784 floats in [0, 1]."""
    from pitfalls.data.digits import load_uci

    digits = load_uci()
    return digits.x_train.reshape(len(digits.x_train), -1).astype("float32") / 255.0, digits.y_train


def train_graded(build_model: Callable, seed: int = TRAINING["seed"]) -> float:
    """Seed, build the learner's model, train it as the lab says; return the final training loss."""
    import keras

    keras.utils.set_random_seed(seed)
    model = call_learner(build_model)
    x, y = training_data()
    history = call_learner(
        model.fit,
        x,
        y,
        epochs=TRAINING["epochs"],
        batch_size=TRAINING["batch_size"],
        verbose=0,
        shuffle=True,
        what="model.fit(...)",
    )
    return float(history.history["loss"][-1])


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded numbers of the reference solution, for ``pitfalls.authoring.spread``."""
    return {"final_loss": train_graded(namespace["build_model"], seed=seed)}


def final_loss(build_model: Callable) -> None:
    """The model trains like the reference: its final loss is within the measured spread."""
    spread = load_spread("lab01_tensors")["final_loss"]
    loss = train_graded(build_model)
    expect(math.isfinite(loss), f"training diverged: the final loss is {loss}")
    ref, tol = spread["reference"], spread["tolerance"]
    if abs(loss - ref) > tol:
        direction = "higher" if loss > ref else "lower"
        fail(
            f"after {TRAINING['epochs']} epochs the training loss is {loss:.4f}, {direction} than the "
            f"reference {ref:.4f} ± {tol:.4f} (the spread measured over seeds and CPUs). Check the "
            "layer sizes, activations, optimizer and learning rate against the instructions."
        )


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
