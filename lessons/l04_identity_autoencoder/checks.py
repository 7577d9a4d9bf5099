"""Checks for lab 4 (the identity autoencoder). Each one calls the learner's function on fresh inputs.

The inputs are flight tracks drawn by ``pitfalls.flighttracks`` at sizes the lessons never use
(24×24, 20×20, 18×26), so a hard-coded 32 or 64 shows. Every expected answer is computed here,
from the definitions; a mistake we expect learners to make gets its own message.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from pitfalls.checks.core import (
    call_learner,
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

LAB = "lab04_autoencoder"
SIGMOID_1 = 1.0 / (1.0 + math.exp(-1.0))
#: The graded training run of exercise 1: fixed data, seeded order, Adam's default learning rate,
#: from the model that outputs 0.1 for black and 0.9 for lit pixels.
TRAINING = {
    "side": 24,
    "n_train": 512,
    "n_test": 128,
    "data_seed": 404,
    "dark": 0.1,
    "lit": 0.9,
    "epochs": 2,
    "batch_size": 32,
    "seed": 0,
}


def tracks(n: int, side: int, seed: int) -> np.ndarray:
    """``n`` flight-track images ``(n, side, side, 1)`` of 0.0/1.0 (float32), freshly drawn."""
    from pitfalls.flighttracks import make_dataset

    images, _ = make_dataset(n=n, seed=seed, size=side)
    return (images[..., None] > 0).astype("float32")


def sample_tracks() -> np.ndarray:
    """A batch to try things on in the notebook (not what the checks use)."""
    return tracks(16, 28, seed=2024)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


# --- exercise 1: an identity model that outputs what you ask ------------------------------------
#: The sizes and (dark, lit) pairs of the outputs check: non-square both ways, the lesson's own
#: pair (kernel 1, bias 0), one with dark above lit (a negative diagonal), one with both above 0.5.
OUTPUT_CASES = ((9, 14, 0.02, 0.98), (20, 20, 0.5, SIGMOID_1), (17, 11, 0.85, 0.1), (12, 19, 0.6, 0.9))
#: The grey-pixels check: sizes and pairs of its own.
GREY_CASES = ((13, 10, 0.1, 0.7), (8, 15, 0.9, 0.35))


def _logit(q: float) -> float:
    return math.log(q / (1 - q))


def _kernel_and_bias(dark: float, lit: float) -> tuple[float, float]:
    """The diagonal and the bias of the Dense layer that sends 0 to ``dark`` and 1 to ``lit``."""
    return _logit(lit) - _logit(dark), _logit(dark)


def cropped_tracks(n: int, height: int, width: int, seed: int) -> np.ndarray:
    """``n`` flight tracks ``(n, height, width, 1)``: square tracks cropped to a non-square size."""
    return tracks(n, max(height, width), seed=seed)[:, :height, :width]


def _built(build_identity_model: Callable, height: int, width: int, dark: float, lit: float):
    """The learner's model for these arguments, with input and output shapes checked."""
    import keras

    what = f"build_identity_model({height}, {width}, dark={dark:.4g}, lit={lit:.4g})"
    keras.utils.set_random_seed(0)
    model = call_learner(build_identity_model, height, width, dark, lit, what=what)
    expect(isinstance(model, keras.Model), f"{what} should return a Keras model, got {type(model).__name__}")
    expect(
        model.built and model.inputs is not None,
        f"{what} has no input shape yet: start it with keras.Input(shape=(height, width, 1))",
    )
    n = height * width
    square = {
        (None, height, height, 1): "the image is taken as square (height × height): use the width too",
        (None, width, width, 1): "the image is taken as square (width × width): use the height too",
        (None, width, height, 1): "height and width are swapped: images are (height, width, 1)",
    }
    expect_shape(
        model.inputs[0],
        (None, height, width, 1),
        f"the input of {what}",
        hints={(None, n): "take images (height, width, 1) and flatten them in the model", **square},
    )
    expect_shape(
        model.outputs[0],
        (None, height, width, 1),
        f"the output of {what}",
        hints={(None, n): "reshape the output back to images (height, width, 1)", **square},
    )
    return model, what


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    """The model's outputs, called eagerly (``predict`` would trace a graph for every model)."""
    import keras

    out = call_learner(model, x, training=False, what="model(images)")
    return np.asarray(keras.ops.convert_to_numpy(out), dtype=np.float64)


def _expect_dark_and_lit(out: np.ndarray, x: np.ndarray, dark: float, lit: float, what: str) -> None:
    """Every black pixel's output is ``dark``, every lit one's ``lit``; a wrong value gets its cause."""
    lit_pixels = x > 0.5
    black, bright = out[~lit_pixels], out[lit_pixels]
    alike = abs(float(black.mean()) - float(bright.mean())) < 1e-4 < abs(dark - lit)  # e.g. all saturated
    if np.ptp(black) > 1e-4 or np.ptp(bright) > 1e-4 or alike:
        fail(
            f"{what}: black pixels come out as values from {black.min():.4f} to {black.max():.4f}, lit ones "
            f"from {bright.min():.4f} to {bright.max():.4f}: each output must depend on its own pixel alone, "
            "the same for every pixel — a kernel that is a number times the identity matrix, one bias"
        )
    got_dark, got_lit = float(black.mean()), float(bright.mean())
    a, b = _kernel_and_bias(dark, lit)
    if abs(got_dark - lit) < 1e-4 and abs(got_lit - dark) < 1e-4:
        fail(
            f"{what}: black pixels come out as {got_dark:.4f} (lit) and lit ones as {got_lit:.4f} (dark): swapped"
        )
    if abs(got_dark - dark) > 1e-5:
        cause = "the output of a black pixel is σ(bias) alone (0 · kernel adds nothing)"
        if abs(got_dark - float(_sigmoid(dark))) < 1e-5:
            cause = f"that is σ({dark:.4g}): the bias is what goes *into* the sigmoid, not what comes out"
        fail(f"{what}: black pixels come out as {got_dark:.5f}, not dark = {dark:.5f}: {cause}")
    if abs(got_lit - lit) > 1e-5:
        cause = "a lit pixel comes out as σ(diagonal + bias)"
        if abs(got_lit - float(_sigmoid(_logit(lit) + b))) < 1e-5:
            cause = "the bias is added to the lit pixels too: σ(diagonal + bias)"
        elif abs(got_lit - float(_sigmoid(1 + b))) < 1e-5 and abs(a - 1) > 1e-3:
            cause = "the kernel is still the plain identity matrix (diagonal 1)"
        fail(f"{what}: lit pixels come out as {got_lit:.5f}, not lit = {lit:.5f}: {cause}")


def dark_and_lit(build_identity_model: Callable) -> None:
    """On flight tracks of several sizes (square or not) and pairs (dark, lit), black pixels come
    out as ``dark`` and lit ones as ``lit``, at every position."""
    for height, width, dark, lit in OUTPUT_CASES:
        model, what = _built(build_identity_model, height, width, dark, lit)
        x = cropped_tracks(6, height, width, seed=height * 31 + width)
        out = _predict(model, x)
        expect_shape(out, x.shape, f"{what}(images)")
        _expect_dark_and_lit(out, x, dark, lit, what)


def grey_pixels(build_identity_model: Callable) -> None:
    """On grey pixels (uniform in 0…1) the model computes σ(a·x + b) pixel by pixel: the sigmoid
    Dense layer asked for, not any model that maps 0 and 1 right; compiled with Adam, MSE, accuracy."""
    import keras

    rng = np.random.default_rng(101)
    for height, width, dark, lit in GREY_CASES:
        model, what = _built(build_identity_model, height, width, dark, lit)
        x = rng.random((5, height, width, 1)).astype("float32")
        x[0] = np.round(x[0])  # one image of black and lit pixels only
        out = _predict(model, x)
        expect_shape(out, x.shape, f"{what}(images)")
        a, b = _kernel_and_bias(dark, lit)
        want = _sigmoid(a * x.astype(np.float64) + b)
        if np.allclose(out, dark + (lit - dark) * x, atol=1e-5):
            fail(
                f"{what} is a straight line through (0, dark) and (1, lit), dark + (lit − dark)·x: right on "
                "black and lit pixels, but the exercise asks for the sigmoid layer of the lesson's model"
            )
        expect_close(
            out,
            want,
            f"{what} on grey pixels (values between 0 and 1)",
            atol=1e-5,
            rtol=0,
            hint="a sigmoid Dense layer outputs σ(diagonal · pixel + bias), each pixel on its own",
        )
        dense = dense_layers(model)
        expect(
            len(dense) == 1 and dense[0].units == height * width,
            f"{what} should have one Dense layer of height·width = {height * width} units; it has "
            + (", ".join(f"{layer.units} units" for layer in dense) or "none"),
        )
    # the compile settings, on the last model (one evaluate: each traces a graph)
    expect(
        model.compiled and model.optimizer is not None,
        f"{what} is not compiled: compile it with Adam, loss='mse' and metrics=['accuracy']",
    )
    expect(
        isinstance(model.optimizer, keras.optimizers.Adam),
        f"the optimizer should be Adam, it is {type(model.optimizer).__name__}",
    )
    lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    expect(abs(lr - 1e-3) < 1e-9, f"keep Adam's default learning rate 0.001, got {lr:g}")
    scores = call_learner(model.evaluate, x, x, verbose=0, return_dict=True, what="model.evaluate(...)")
    mse = float(np.mean((want - x) ** 2))
    if abs(scores["loss"] - mse) > 1e-5:
        fail(
            f"the compiled loss gives {scores['loss']:.4f} on images where the mean squared error is "
            f"{mse:.4f} (loss {loss_label(model.loss)}): compile with loss='mse'"
        )
    expect(
        "accuracy" in scores,
        f"compile with metrics=['accuracy'] (the metric whose meaning lesson 4 takes apart); the model "
        f"reports {sorted(scores)}",
    )


def training_data() -> tuple[np.ndarray, np.ndarray]:
    """The graded run's fixed training and test tracks."""
    t = TRAINING
    images = tracks(t["n_train"] + t["n_test"], t["side"], seed=t["data_seed"])
    return images[: t["n_train"]], images[t["n_train"] :]


def train_graded(build_identity_model: Callable, seed: int = TRAINING["seed"]) -> float:
    """Seed, build the learner's model for the graded pair, train it briefly from there; return the
    MSE on the test tracks afterwards."""
    import keras

    t = TRAINING
    keras.utils.set_random_seed(seed)
    args = (t["side"], t["side"], t["dark"], t["lit"])
    model = call_learner(build_identity_model, *args, what=f"build_identity_model{args}")
    x_train, x_test = training_data()
    call_learner(
        model.fit,
        x_train,
        x_train,
        epochs=t["epochs"],
        batch_size=t["batch_size"],
        shuffle=True,
        verbose=0,
        what="model.fit(...)",
    )
    pred = np.asarray(model.predict(x_test, verbose=0), dtype=np.float64)
    return float(np.mean((pred - x_test) ** 2))


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded numbers of the reference solution, for ``pitfalls.authoring.spread``."""
    return {"test_mse_after_training": train_graded(namespace["build_identity_model"], seed=seed)}


def training(build_identity_model: Callable) -> None:
    """Trained like the reference (2 epochs from dark 0.1, lit 0.9), it ends at the reference MSE."""
    spread = load_spread(LAB)["test_mse_after_training"]
    t = TRAINING
    mse = train_graded(build_identity_model)
    expect(math.isfinite(mse), f"training diverged: the test MSE is {mse}")
    ref, tol = spread["reference"], spread["tolerance"]
    if abs(mse - ref) > tol:
        direction = "higher" if mse > ref else "lower"
        fail(
            f"after {t['epochs']} epochs on {t['n_train']} tracks of {t['side']}×{t['side']} (batch "
            f"{t['batch_size']}, seed {t['seed']}), starting from dark = {t['dark']}, lit = {t['lit']}, the test "
            f"MSE is {mse:.4f}, {direction} than the reference {ref:.4f} ± {tol:.4f} (the spread measured over "
            "seeds and CPUs). Check that the kernel and the bias are trainable weights of the Dense layer, and "
            "the loss and the learning rate."
        )


# --- exercise 2: predict the MSE from the lit fraction ---------------------------------------------
def predicted_mse_formula(p: float) -> float:
    return 0.25 * (1 - p) + (1 - SIGMOID_1) ** 2 * p


def mse_prediction(lit_fraction: Callable, predicted_mse: Callable) -> None:
    """``lit_fraction(images)`` is the fraction of lit pixels; ``predicted_mse(p)`` the identity-sigmoid
    model's MSE; together they match ``evaluate`` on fresh tracks."""
    images = tracks(64, 20, seed=7)
    p = float(images.mean())
    lit = float(images.sum())
    got = call_learner(lit_fraction, images.copy())
    expect(
        np.size(got) == 1,
        f"lit_fraction(images) should return one number, got an array of shape "
        f"{shape_of(got)}: the fraction over all images and pixels",
    )
    got = float(np.asarray(got).reshape(()))
    if abs(got - lit) < 0.5:
        fail(
            f"lit_fraction returned {got:g}, the *number* of lit pixels; the fraction divides it by the "
            f"number of pixels ({images.size}): expected {p:.5f}"
        )
    if abs(got - lit / len(images)) < 1e-6:
        fail(
            f"lit_fraction returned {got:g}, the lit pixels per image; divide by the pixels too: expected {p:.5f}"
        )
    if abs(got - (1 - p)) < 1e-6:
        fail(
            f"lit_fraction returned {got:.5f}, the fraction of *black* pixels; lit pixels are the ones equal to 1"
        )
    expect_close(got, p, "lit_fraction(images) for 64 tracks of 20×20", atol=1e-6, rtol=0)

    black, white = 0.25, (1 - SIGMOID_1) ** 2
    for q in (0.0, 0.5, 0.02, 1.0):
        got = call_learner(predicted_mse, q, what=f"predicted_mse({q})")
        expect(np.size(got) == 1, f"predicted_mse({q}) should return one number, got shape {shape_of(got)}")
        got = float(np.asarray(got).reshape(()))
        mistakes = {
            f"0.25·(1 − p): the lit pixels count too — the model outputs σ(1) = {SIGMOID_1:.4f} there, and "
            f"each costs (1 − σ(1))² = {white:.4f}": black * (1 - q),
            "0.25 whatever p is: only black pixels cost (0 − 0.5)² = 0.25; a lit one costs (1 − σ(1))²": black,
            f"0.25·(1 − p) + σ(1)²·p: a lit pixel's target is 1, so its squared error is (1 − σ(1))² = "
            f"{white:.4f}, not σ(1)²": black * (1 - q) + SIGMOID_1**2 * q,
            f"0.25·(1 − p) + (1 − σ(1))·p: square the lit pixels' difference too, (1 − σ(1))² = {white:.4f}": black
            * (1 - q)
            + (1 - SIGMOID_1) * q,
        }
        want = predicted_mse_formula(q)
        for message, value in mistakes.items():
            if abs(value - want) > 1e-6 and abs(got - value) < 1e-6:
                fail(f"predicted_mse({q}) = {got:.5f} = {message}")
        expect_close(
            got,
            want,
            f"predicted_mse({q})",
            atol=1e-6,
            rtol=0,
            hint="a black pixel costs (0 − 0.5)², a lit one (1 − σ(1))², weighted by 1 − p and p",
        )

    from pitfalls.identity import identity_model  # the model exercise 1 asks for, not the learner's

    model = identity_model(20)
    evaluated = float(model.evaluate(images, images, verbose=0, return_dict=True)["loss"])
    mine = float(
        np.asarray(
            call_learner(predicted_mse, float(np.asarray(call_learner(lit_fraction, images)).reshape(())))
        ).reshape(())
    )
    expect(
        abs(mine - evaluated) < 1e-5,
        f"predicted_mse(lit_fraction(images)) = {mine:.6f}, but evaluate() of "
        f"the identity-sigmoid model gives {evaluated:.6f}",
    )


# --- exercise 3: an image without auto-normalisation ------------------------------------------------
def _axes_image(result: Any):
    """The AxesImage inside what ``show_image`` returned (an AxesImage, an Axes or a Figure)."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

    if isinstance(result, AxesImage):
        return result
    axes = []
    if isinstance(result, Figure):
        axes = result.axes
    elif isinstance(result, Axes):
        axes = [result]
    images = [im for ax in axes for im in ax.images]
    if not images:
        if result is None:
            fail("show_image returned None: return what plt.imshow returns (an AxesImage), or the figure")
        fail(
            f"show_image should return the AxesImage (what imshow returns) or the Figure; got "
            f"{type(result).__name__} with no image in it"
        )
    return images[-1]


def fixed_scale(show_image: Callable) -> None:
    """``show_image(image)`` draws an (h, w, 1) image with 0 as black and 1 as white, whatever it holds."""
    import matplotlib.pyplot as plt

    image = _sigmoid(tracks(1, 26, seed=3)[0, :18]).astype("float32")  # (18, 26, 1): 0.5 and 0.731
    plt.close("all")
    try:
        result = call_learner(show_image, image.copy(), what="show_image(image)")
        im = _axes_image(result)
        shown = np.ma.getdata(im.get_array())
        if shape_of(shown) == (26, 18):
            fail("the picture is transposed: show image[:, :, 0] (rows down, columns across), not its .T")
        expect_shape(
            shown,
            (18, 26),
            "the array shown for an (18, 26, 1) image",
            hints={(18, 26, 1): "imshow cannot show a trailing axis of 1: show image[:, :, 0]"},
        )
        expect(
            np.allclose(shown, image[:, :, 0]),
            "the picture shows other values than the image's: show image[:, :, 0] as it is",
        )
        vmin, vmax = im.norm.vmin, im.norm.vmax
        lo, hi = float(image.min()), float(image.max())
        if vmin is not None and vmax is not None and abs(vmin - lo) < 1e-6 and abs(vmax - hi) < 1e-6:
            fail(
                f"the colour scale runs from {vmin:.3f} (black) to {vmax:.3f} (white), the image's own min and "
                "max: imshow normalises automatically, so 0.5 looks black and 0.731 white. Pass vmin=0, "
                "vmax=1 (or norm=matplotlib.colors.Normalize(0, 1))"
            )
        expect(
            vmin == 0 and vmax == 1,
            f"the colour scale should run from 0 (black) to 1 (white); it runs from {vmin} to {vmax}",
        )
        _expect_grey(im.get_cmap())
    finally:
        plt.close("all")


def _expect_grey(cmap) -> None:
    """The colour map shows 0 as black, 1 as white and every value between as a grey (judged by
    the colours it gives, so ``"gray"``, ``"Greys_r"`` and ``"binary_r"`` all pass)."""
    levels = np.linspace(0, 1, 11)
    rgb = np.asarray(cmap(levels))[:, :3]
    grey = np.allclose(rgb, rgb[:, :1], atol=0.02)
    expect(
        grey and np.allclose(rgb[0], 0, atol=0.02) and np.allclose(rgb[-1], 1, atol=0.02),
        f"the colour map is {cmap.name!r}: it shows 0 as {_colour(rgb[0])} and 1 as {_colour(rgb[-1])}"
        + ("" if grey else ", with colours between")
        + ". A picture of pixel intensities is read in grey, 0 black and 1 white: pass cmap='gray'",
    )


def _colour(rgb: np.ndarray) -> str:
    return "RGB(" + ", ".join(f"{v:.2f}" for v in rgb) + ")"


# --- exercise 4: what the string 'accuracy' reads, whatever the output --------------------------
def _zero_loss(y_true: Any, y_pred: Any) -> Any:
    """A loss that fits every pair of shapes: the check's models only report their metrics."""
    import keras

    return keras.ops.mean(y_pred) * 0.0


def accuracies_as_compiled(cases: list[tuple[np.ndarray, np.ndarray]]) -> list[float]:
    """What ``metrics=["accuracy"]`` reports for each pair ``(y_true, y_pred)``: one model with an
    output per pair that passes its input through, evaluated once on the ``y_pred``s against the
    ``y_true``s (Keras resolves the string for each output from its shapes)."""
    import keras

    inputs = [keras.Input(shape=y_pred.shape[1:], name=f"in{i}") for i, (_, y_pred) in enumerate(cases)]
    outputs = [keras.layers.Activation("linear", name=f"out{i}")(x) for i, x in enumerate(inputs)]
    model = keras.Model(inputs, outputs)
    model.compile(loss=[_zero_loss] * len(cases), metrics=[["accuracy"]] * len(cases), run_eagerly=True)
    scores = model.evaluate(
        [y_pred for _, y_pred in cases],
        [y_true for y_true, _ in cases],
        verbose=0,
        return_dict=True,
        batch_size=len(cases[0][1]),
    )
    return [float(scores[f"out{i}_accuracy"]) for i in range(len(cases))]


def grey_tracks(n: int, height: int, width: int, seed: int) -> np.ndarray:
    """Anti-aliased tracks ``(n, height, width, 1)``: drawn at twice the size, 2×2 blocks averaged,
    so that pixels on a track's edge are grey (0.25, 0.5, 0.75)."""
    fine = cropped_tracks(n, 2 * height, 2 * width, seed=seed)
    return fine.reshape(n, height, 2, width, 2, 1).mean(axis=(2, 4)).astype("float32")


def _one_unit_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(45)
    n = 6
    images = grey_tracks(n, 11, 7, seed=46)
    outputs = rng.random(images.shape)
    outputs[:2] = _sigmoid(images[:2])  # the identity-sigmoid model's outputs
    outputs[2:4][rng.random(outputs[2:4].shape) < 0.3] = 0.5  # outputs exactly at the threshold
    outputs[4:] = images[4:]  # outputs equal to their targets, grey ones included
    labels = np.array([0, 1, 1, 0, 1, 1], dtype="float32")
    scores = np.array([[0.2], [0.9], [0.5], [0.7], [0.4], [0.1]], dtype="float32")
    return [
        (
            f"{n} grey-edged track images of 11×7 (targets and outputs (6, 11, 7, 1))",
            images,
            outputs.astype("float32"),
        ),
        ("a one-unit classifier: outputs (6, 1), targets (6,)", labels, scores),
    ]


def _several_unit_cases() -> list[tuple[str, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(47)
    n, k = 8, 5
    scores = rng.random((n, k)).astype("float32")
    labels = rng.integers(0, k, size=n)
    labels[: n // 2] = scores[: n // 2].argmax(axis=1)  # half of them right
    one_hot = np.eye(k, dtype="float32")[labels]
    soft = rng.random((n, k)).astype("float32")
    pixels = rng.random((n, 4, 3, 3)).astype("float32")
    pixel_labels = rng.integers(0, 3, size=(n, 4, 3)).astype("float32")
    strips = rng.random((n, 1, 4, 3)).astype("float32")
    strip_labels = rng.integers(0, 3, size=(n, 1, 4))
    return [
        ("outputs (8, 5), one-hot targets (8, 5)", one_hot, scores),
        ("outputs (8, 5), targets of scores (8, 5)", soft, scores),
        ("outputs (8, 5), class labels (8,)", labels.astype("float32"), scores),
        ("outputs (8, 5), class labels (8, 1)", labels[:, None].astype("float32"), scores),
        ("outputs (8, 4, 3, 3), class labels per pixel (8, 4, 3)", pixel_labels, pixels),
        (
            "outputs (8, 1, 4, 3), one-hot targets per pixel (8, 1, 4, 3): strips one pixel high",
            np.eye(3, dtype="float32")[strip_labels],
            strips,
        ),
    ]


def _learner_reads(what_accuracy_reads: Callable, y_true: np.ndarray, y_pred: np.ndarray, what: str) -> float:
    got = call_learner(what_accuracy_reads, y_true.copy(), y_pred.copy(), what=what)
    expect(np.size(got) == 1, f"{what} should return one number, got an array of shape {shape_of(got)}")
    try:
        return float(np.asarray(got, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        fail(f"{what} should return one number, got {got!r:.80}")


def _mean(values: Any) -> float | None:
    """``np.mean`` of what a wrong answer would compute, or ``None`` where it raises."""
    try:
        with np.errstate(all="ignore"):
            return float(np.mean(values()))
    except (ValueError, IndexError):
        return None


@functools.cache
def _truth(cases_of: Callable) -> tuple[float, ...]:
    """What 'accuracy' reports on a family of the check's (seeded, fixed) cases, measured once per
    process: a compiled model's evaluate costs a second, the learner's NumPy a millisecond."""
    return tuple(accuracies_as_compiled([(y_true, y_pred) for _, y_true, y_pred in cases_of()]))


def _accuracy_cases(what_accuracy_reads: Callable, cases_of: Callable, mistakes: Callable) -> None:
    """The learner's number beside Keras' for each case; a known mistake gets its own message."""
    _expect_numpy_only(what_accuracy_reads, "what_accuracy_reads")
    truth = _truth(cases_of)
    cases = cases_of()
    for (label, y_true, y_pred), want in zip(cases, truth):
        what = f"what_accuracy_reads(y_true, y_pred) for {label}"
        got = _learner_reads(what_accuracy_reads, y_true, y_pred, what)
        for message, value in mistakes(y_true.astype(np.float64), y_pred.astype(np.float64)):
            if value is not None and abs(value - want) > 1e-6 and abs(got - value) < 1e-6:
                fail(f"{what} is {got:.4f} where 'accuracy' reports {want:.4f}: {message}")
        expect_close(got, want, f"{what} (what evaluate reports as 'accuracy')", atol=1e-6, rtol=0)


def _one_unit_mistakes(t: np.ndarray, q: np.ndarray) -> list[tuple[str, float | None]]:
    return [
        (
            "that is the share of outputs exactly equal to their targets; which metric does the string "
            "become for an output with one unit on its last axis?",
            _mean(lambda: q == t),
        ),
        (
            "it counts an output of exactly 0.5 as lit; Keras' threshold is strict (output > 0.5), so 0.5 "
            "counts as dark",
            _mean(lambda: (q >= 0.5) == (t.reshape(q.shape) > 0.5)),
        ),
        (
            "it counts an output of exactly 0.5 as lit (Keras' threshold is strict: output > 0.5)",
            _mean(lambda: (q >= 0.5) == t.reshape(q.shape)),
        ),
        (
            "it reads a grey target (between 0 and 1) as 0 or 1; find out what this metric does with a "
            "target that is neither",
            _mean(lambda: (q > 0.5) == (t.reshape(q.shape) > 0.5)),
        ),
        (
            f"it compares outputs {q.shape} with targets {t.shape} as NumPy broadcasts them, every output "
            "with every target; Keras lines the two up first",
            _mean(lambda: (q > 0.5) == t) if q.ndim != t.ndim else None,
        ),
    ]


def _several_unit_mistakes(t: np.ndarray, q: np.ndarray) -> list[tuple[str, float | None]]:
    labels = t.ndim < q.ndim or t.shape[-1] == 1
    return [
        (
            "it thresholds each unit at 0.5; for outputs with several units the string becomes another "
            "metric (lesson 4's rule)",
            _mean(lambda: (q > 0.5) == t),
        ),
        (
            "these targets are class labels, one number per sample: the rule picks another metric for "
            "them than for one-hot targets",
            _mean(lambda: t.argmax(axis=-1) == q.argmax(axis=-1)) if labels else None,
        ),
        (
            f"it compares the outputs' classes {q.shape[:-1]} with labels {t.shape} as NumPy broadcasts "
            "them, every sample with every label; Keras lines the two up first",
            _mean(lambda: q.argmax(axis=-1) == t) if labels and t.ndim == q.ndim else None,
        ),
        (
            "it asks whether the target is 1 at the largest output; this metric compares the positions of "
            "the largest target and the largest output",
            _mean(lambda: np.take_along_axis(t, q.argmax(axis=-1)[..., None], axis=-1) == 1)
            if not labels
            else None,
        ),
    ]


def accuracy_one_unit(what_accuracy_reads: Callable) -> None:
    """For one-unit outputs 'accuracy' is binary accuracy: output strictly above 0.5, compared with
    the target as it is (a grey target never matches), targets lined up with the outputs."""
    _accuracy_cases(what_accuracy_reads, _one_unit_cases, _one_unit_mistakes)


def accuracy_several_units(what_accuracy_reads: Callable) -> None:
    """For outputs of several units 'accuracy' compares the largest output's position with the
    largest target's (categorical) or with the class label (sparse categorical)."""
    _accuracy_cases(what_accuracy_reads, _several_unit_cases, _several_unit_mistakes)


# --- exercise 5: binary cross-entropy by hand ------------------------------------------------------
def _expect_numpy_only(fn: Callable, name: str) -> None:
    """Exercise 5 rebuilds Keras' loss: an answer that calls Keras (or TensorFlow) computes the right
    number without showing the formula."""
    used = forbidden_uses(fn, packages=("keras", "tensorflow"))
    expect(
        not used,
        f"{name} uses {', '.join(used)}: this exercise asks for the formula in NumPy (np.log, np.mean, …), "
        "not Keras' own loss",
    )


def bce_probabilities(bce_by_hand: Callable) -> None:
    """``bce_by_hand(y_true, y_prob)`` equals Keras' binary cross-entropy on probabilities."""
    import keras

    _expect_numpy_only(bce_by_hand, "bce_by_hand")
    rng = np.random.default_rng(55)
    y_true = (rng.random((5, 12, 12, 1)) < 0.2).astype("float32")
    y_prob = rng.uniform(0.02, 0.98, size=y_true.shape).astype("float32")
    want = float(keras.losses.BinaryCrossentropy()(y_true, y_prob))
    got = call_learner(bce_by_hand, y_true.copy(), y_prob.copy())
    expect(
        np.size(got) == 1,
        f"bce_by_hand should return one number (the mean over every pixel of every image), "
        f"got an array of shape {shape_of(got)}",
    )
    got = float(np.asarray(got).reshape(()))
    t, q = y_true.astype(np.float64), y_prob.astype(np.float64)
    terms = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    if abs(got + want) < 1e-4 * max(1.0, abs(want)):
        fail(
            f"bce_by_hand returned {got:.5f}, the expected value with the wrong sign: cross-entropy is "
            "−(t·ln q + (1 − t)·ln(1 − q)); the logs of probabilities are negative"
        )
    if abs(got - float(np.mean(-t * np.log(q)))) < 1e-5:
        fail(
            "bce_by_hand only counts the t·ln q term: black pixels (t = 0) cost −ln(1 − q), add (1 − t)·ln(1 − q)"
        )
    if abs(got - float(np.sum(terms))) < 1e-3 * float(np.sum(terms)):
        fail(f"bce_by_hand returned the sum {got:.2f}; Keras averages over the pixels: expected {want:.5f}")
    for base in (2, 10):
        if abs(got - want / math.log(base)) < 1e-4:
            fail(
                f"bce_by_hand uses log base {base}: cross-entropy in Keras is in nats, natural logs (np.log)"
            )
    expect_close(
        got,
        want,
        "bce_by_hand(y_true, y_prob)",
        atol=1e-5,
        rtol=1e-5,
        hint="−mean(t·ln q + (1 − t)·ln(1 − q)) over every pixel",
    )


def _softplus_bce(t: np.ndarray, z: np.ndarray) -> np.ndarray:
    t, z = t.astype(np.float64), z.astype(np.float64)
    return np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))


def bce_logits(bce_from_logits: Callable) -> None:
    """``bce_from_logits(y_true, logits)`` matches Keras' ``from_logits=True`` and stays finite for
    logits of ±100, where σ(z) rounds to exactly 0 or 1."""
    import keras

    _expect_numpy_only(bce_from_logits, "bce_from_logits")
    rng = np.random.default_rng(66)
    y_true = (rng.random((4, 10, 10, 1)) < 0.3).astype("float32")
    logits = rng.normal(0, 3, size=y_true.shape).astype("float32")
    want = float(keras.losses.BinaryCrossentropy(from_logits=True)(y_true, logits))
    got = call_learner(bce_from_logits, y_true.copy(), logits.copy())
    expect(
        np.size(got) == 1, f"bce_from_logits should return one number, got an array of shape {shape_of(got)}"
    )
    got = float(np.asarray(got).reshape(()))
    if (
        abs(got - float(keras.losses.BinaryCrossentropy()(y_true, _sigmoid(logits)))) > 1e-4
        and abs(got - float(keras.losses.BinaryCrossentropy()(y_true, logits))) < 1e-5
    ):
        fail(
            "bce_from_logits treats the logits as probabilities: turn a logit z into a probability with the "
            "sigmoid first, or better, use the form written in z"
        )
    expect_close(got, want, "bce_from_logits(y_true, logits) for moderate logits", atol=1e-5, rtol=1e-5)

    t = np.array([[0, 1, 0, 1, 0, 1]], dtype="float32")
    z = np.array([[100, -100, 30, -30, -100, 100]], dtype="float32")
    want = float(np.mean(_softplus_bce(t, z)))  # (100 + 100 + 30 + 30 + ~0 + ~0) / 6
    with np.errstate(all="ignore"):
        got = call_learner(bce_from_logits, t.copy(), z.copy(), what="bce_from_logits(t, z) with logits ±100")
    got = float(np.asarray(got).reshape(()))
    if not math.isfinite(got):
        fail(
            f"bce_from_logits returns {got} for a logit of 100 with target 0: σ(100) rounds to exactly 1.0, so "
            "ln(1 − σ) = ln 0. Write the loss in z, without the sigmoid: max(z, 0) − z·t + ln(1 + e^(−|z|))"
        )
    if abs(got - want) > 1e-3 * want and got < want:
        fail(
            f"bce_from_logits gives {got:.3f} for logits ±100 and ±30 where the loss is {want:.3f}: clipping "
            "the probability (as Keras does for probabilities) caps each pixel near −ln(1e-7) ≈ 16. Write the "
            "loss in z: max(z, 0) − z·t + ln(1 + e^(−|z|))"
        )
    expect_close(got, want, "bce_from_logits for logits of ±30 and ±100", atol=1e-4, rtol=1e-5)


# --- exercise 6: diagnosis, 98 % accuracy and black pictures ------------------------------------
def _black_model_scores(images: np.ndarray) -> dict[str, float]:
    """What ``evaluate`` reports for a model whose every output is 0 (a dead ReLU layer), compiled as
    the colleague's: ``loss='mse'``, ``metrics=['accuracy']``."""
    import keras

    side = images.shape[1]
    inputs = keras.Input(shape=images.shape[1:])
    flat = keras.layers.Flatten()(inputs)
    dead = keras.layers.Dense(
        side * side,
        activation="relu",
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(-1.0),
    )(flat)
    model = keras.Model(inputs, keras.layers.Reshape(images.shape[1:])(dead))
    model.compile(loss="mse", metrics=["accuracy"])
    return model.evaluate(images, images, verbose=0, return_dict=True, batch_size=len(images))


def _pair_of_numbers(value: Any, what: str) -> tuple[float, float]:
    expect(
        isinstance(value, (tuple, list)) and len(value) == 2,
        f"{what} should return a pair (loss, accuracy), got {value!r:.80}",
    )
    try:
        return float(np.asarray(value[0])), float(np.asarray(value[1]))
    except (TypeError, ValueError):
        fail(f"{what} should return two numbers, got {value!r:.80}")


def _metric_result(metric: Any, y_true: np.ndarray, y_pred: np.ndarray) -> float:
    metric.reset_state()
    call_learner(metric.update_state, y_true, y_pred, what="metric.update_state(y_true, y_pred)")
    return float(np.asarray(metric.result()))


def diagnosis(stuck_scores: Callable, lit_pixels_found: Callable) -> None:
    """A model that outputs 0 has MSE p and accuracy 1 − p on images with a lit fraction p; recall
    (lit pixels predicted lit) is what shows it."""
    import keras

    for n, side, seed in ((24, 14, 61), (10, 22, 62)):
        images = tracks(n, side, seed=seed)
        scores = _black_model_scores(images)
        what = f"stuck_scores(images) for {n} tracks of {side}×{side}"
        loss, acc = _pair_of_numbers(call_learner(stuck_scores, images.copy(), what=what), what)
        p = float(images.mean())
        if math.isclose(loss, 1 - p, rel_tol=1e-4) and math.isclose(acc, p, rel_tol=1e-4):
            fail(f"{what} returns (accuracy, loss): the pair is (loss, accuracy)")
        if math.isclose(loss, math.sqrt(p), rel_tol=1e-4):
            fail(
                f"{what}: the loss is {loss:.4f}, the square root of the MSE; the loss is the mean of the squares"
            )
        expect_close(
            loss,
            scores["loss"],
            f"the loss of {what}",
            atol=1e-5,
            rtol=1e-4,
            hint="each pixel costs (target − 0)²: what share of the pixels cost 1?",
        )
        expect_close(
            acc,
            scores["accuracy"],
            f"the accuracy of {what}",
            atol=1e-5,
            rtol=1e-4,
            hint="'accuracy' thresholds the outputs at 0.5: an output of 0 counts as a dark pixel, right on every "
            "dark pixel",
        )

    metric = call_learner(lit_pixels_found)
    if isinstance(metric, (str, type)):
        fail(
            f"lit_pixels_found() returned {metric!r}: return a metric *object*, e.g. keras.metrics.SomeMetric()"
        )
    expect(
        isinstance(metric, keras.metrics.Metric),
        f"lit_pixels_found() should return a keras.metrics.Metric object, got {type(metric).__name__}",
    )
    name = type(metric).__name__
    y_true = tracks(12, 16, seed=63)
    lit = y_true > 0.5
    black = np.zeros_like(y_true)
    everything = np.ones_like(y_true)
    rng = np.random.default_rng(64)
    half = np.where(lit & (rng.random(y_true.shape) < 0.5), 0.7, 0.3).astype(
        "float32"
    )  # about half the lit ones
    half_share = float(np.sum((half > 0.5) & lit) / np.sum(lit))
    got_black = _metric_result(metric, y_true, black)
    if math.isclose(got_black, 1 - float(y_true.mean()), rel_tol=1e-4):
        fail(
            f"{name} gives {got_black:.4f} for the black model: that is the accuracy the log showed, not the lit pixels found"
        )
    expect(
        abs(got_black) < 1e-6,
        f"{name} gives {got_black:.4f} for a model that outputs 0 everywhere; it finds no lit pixel: 0.0",
    )
    got_all = _metric_result(metric, y_true, everything)
    if math.isclose(got_all, float(y_true.mean()), rel_tol=1e-4):
        fail(
            f"{name} gives {got_all:.4f} for a model that lights every pixel: the share of *predicted* lit pixels "
            "that are lit (precision). The question is the share of *lit* pixels predicted lit"
        )
    expect(
        abs(got_all - 1.0) < 1e-6,
        f"{name} gives {got_all:.4f} for a model that lights every pixel; it finds all the lit pixels: 1.0",
    )
    got_half = _metric_result(metric, y_true, half)
    expect(
        abs(got_half - half_share) < 1e-4,
        f"{name} gives {got_half:.4f} for a model that lights {half_share:.1%} of the lit pixels (output 0.7) and "
        "none of the dark ones (output 0.3)",
    )
    again = call_learner(lit_pixels_found)
    expect(
        again is not metric,
        "lit_pixels_found() returned the same object twice: create a new metric in the function",
    )
