"""Checks for lab 4 (the identity autoencoder). Each one calls the learner's function on fresh inputs.

The inputs are flight tracks drawn by ``pitfalls.flighttracks`` at sizes the lessons never use
(24×24, 20×20, 18×26), so a hard-coded 32 or 64 shows. Every expected answer is computed here,
from the definitions; a mistake we expect learners to make gets its own message.
"""

from __future__ import annotations

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
#: The graded training run of exercise 1: fixed data, seeded order, Adam's default learning rate.
TRAINING = {
    "side": 24,
    "n_train": 512,
    "n_test": 128,
    "data_seed": 404,
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


# --- exercise 1: the identity model ------------------------------------------------------------
def architecture(build_identity_model: Callable) -> None:
    """Shapes, parameters, kernel, activation, loss, metric and optimizer of the identity model."""
    import keras

    for side in (12, 20):
        n = side * side
        keras.utils.set_random_seed(0)
        model = call_learner(build_identity_model, side, what=f"build_identity_model({side})")
        expect(
            isinstance(model, keras.Model),
            f"build_identity_model({side}) should return a Keras model, got {type(model).__name__}",
        )
        expect(
            model.built and model.inputs is not None,
            "the model has no input shape yet: start it with keras.Input(shape=(side, side, 1))",
        )
        expect_shape(
            model.inputs[0],
            (None, side, side, 1),
            f"the input of build_identity_model({side})",
            hints={
                (None, n): "the model should take images of shape (side, side, 1) and flatten them itself "
                "(keras.layers.Flatten())",
                (None, 12, 12, 1): "the 12 is hard-coded: use the side argument",
                (None, 20, 20, 1): "the 20 is hard-coded: use the side argument",
            },
        )
        expect_shape(
            model.outputs[0],
            (None, side, side, 1),
            f"the output of build_identity_model({side})",
            hints={
                (
                    None,
                    n,
                ): "reshape the output back to images with keras.layers.Reshape((side, side, 1)); with "
                "a flat output, compile(metrics=['accuracy']) even picks CategoricalAccuracy",
            },
        )
        dense = dense_layers(model)
        expect(
            len(dense) == 1,
            f"the identity model has exactly one Dense layer (no bottleneck), found {len(dense)}",
        )
        layer = dense[0]
        expect(layer.units == n, f"the Dense layer should have side·side = {n} units, it has {layer.units}")
        params = model.count_params()
        if params == n * n + n or layer.use_bias:
            fail(
                f"the Dense layer has a bias ({n} extra parameters, {params:,} in all instead of "
                f"{n * n:,}): pass use_bias=False, so that the layer computes activation(x @ kernel) "
                "and nothing else"
            )
        expect(params == n * n, f"expected {n * n:,} parameters (side⁴), got {params:,}")
        kernel = np.asarray(layer.kernel)
        if np.allclose(kernel, 1.0):
            fail(
                "the kernel is a matrix of ones, not the identity matrix: every output would be the sum of "
                "all pixels. Use kernel_initializer=keras.initializers.Identity()"
            )
        expect(
            np.allclose(kernel, np.eye(n)),
            "the kernel is not the identity matrix (ones on the diagonal, "
            "zeros elsewhere): use kernel_initializer=keras.initializers.Identity()",
        )

        x = tracks(8, side, seed=side)
        out = np.asarray(call_learner(model.predict, x, verbose=0, what="model.predict(...)"))
        if np.allclose(out, x):
            fail(
                "the model returns its input exactly: it has no activation (or relu). This exercise's "
                "model keeps the article's sigmoid, which turns 0 into 0.5 and 1 into 0.731"
            )
        if np.allclose(out, np.tanh(x), atol=1e-5):
            fail("the model's output is tanh(x): use the sigmoid activation")
        expect_close(
            out,
            _sigmoid(x),
            f"build_identity_model({side}).predict(images)",
            atol=1e-5,
            rtol=0,
            hint="the identity-sigmoid model outputs sigmoid(x): 0.5 for black pixels, 0.731 for lit ones",
        )

        expect(
            model.compiled and model.optimizer is not None,
            "the model is not compiled: call model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])",
        )
        expect(
            isinstance(model.optimizer, keras.optimizers.Adam),
            f"the optimizer should be Adam, it is {type(model.optimizer).__name__}",
        )
        lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        expect(abs(lr - 1e-3) < 1e-9, f"keep Adam's default learning rate 0.001, got {lr:g}")
        scores = call_learner(model.evaluate, x, x, verbose=0, return_dict=True, what="model.evaluate(...)")
        mse = float(np.mean((_sigmoid(x) - x) ** 2))
        if abs(scores["loss"] - mse) > 1e-5:
            fail(
                f"the compiled loss gives {scores['loss']:.4f} on images where the mean squared error is "
                f"{mse:.4f} (loss {loss_label(model.loss)}): compile with loss='mse'"
            )
        expect(
            "accuracy" in scores,
            f"compile with metrics=['accuracy'] (the metric whose meaning lesson 4 "
            f"takes apart); the model reports {sorted(scores)}",
        )


def training_data() -> tuple[np.ndarray, np.ndarray]:
    """The graded run's fixed training and test tracks."""
    t = TRAINING
    images = tracks(t["n_train"] + t["n_test"], t["side"], seed=t["data_seed"])
    return images[: t["n_train"]], images[t["n_train"] :]


def train_graded(build_identity_model: Callable, seed: int = TRAINING["seed"]) -> float:
    """Seed, build the learner's model, train it briefly from its perfect start; return the MSE on
    the test tracks afterwards."""
    import keras

    t = TRAINING
    keras.utils.set_random_seed(seed)
    model = call_learner(build_identity_model, t["side"], what=f"build_identity_model({t['side']})")
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
    """Trained like the reference (2 epochs from the identity start), it ends at the reference MSE."""
    spread = load_spread(LAB)["test_mse_after_training"]
    t = TRAINING
    mse = train_graded(build_identity_model)
    expect(math.isfinite(mse), f"training diverged: the test MSE is {mse}")
    ref, tol = spread["reference"], spread["tolerance"]
    if mse < 1e-6:
        fail(
            f"after training, the test MSE is {mse:.2g}: the model copies its input exactly, so it has no "
            "sigmoid (or a relu). The exercise asks for the identity-sigmoid model"
        )
    if abs(mse - ref) > tol:
        direction = "higher" if mse > ref else "lower"
        fail(
            f"after {t['epochs']} epochs on {t['n_train']} tracks of {t['side']}×{t['side']} (batch "
            f"{t['batch_size']}, seed {t['seed']}) the test MSE is {mse:.4f}, {direction} than the reference "
            f"{ref:.4f} ± {tol:.4f} (the spread measured over seeds and CPUs). Check the kernel "
            "initializer, the bias, the activation, the loss and the learning rate."
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


# --- exercise 4: the metric that reports the true agreement -----------------------------------------
def agreement_metric(exact_agreement_metric: Callable) -> None:
    """``exact_agreement_metric()`` returns a fresh Keras metric object that counts exact equality."""
    import keras

    metric = call_learner(exact_agreement_metric)
    if isinstance(metric, str):
        fail(
            f"exact_agreement_metric() returned the string {metric!r}: compile() resolves a string by the "
            "output's shape (lesson 4). Return a metric object, e.g. keras.metrics.SomeMetric()"
        )
    if isinstance(metric, type):
        fail(
            f"exact_agreement_metric() returned the class {metric.__name__}: return an instance, "
            f"{metric.__name__}()"
        )
    expect(
        isinstance(metric, keras.metrics.Metric),
        f"exact_agreement_metric() should return a keras.metrics.Metric object, got {type(metric).__name__}",
    )
    rng = np.random.default_rng(44)
    y_true = (rng.random((6, 10, 10, 1)) < 0.3).astype("float32")
    y_pred = y_true.copy()
    y_pred[3:] = _sigmoid(y_true[3:]).astype("float32")  # half the images: the identity-sigmoid output
    expected = float(np.mean(y_true == y_pred))  # 0.5
    call_learner(metric.update_state, y_true, y_pred, what="metric.update_state(y_true, y_pred)")
    got = float(np.asarray(metric.result()))
    if abs(got - 1.0) < 1e-6:
        fail(
            f"{type(metric).__name__} reports 1.0 on predictions of which only half equal their targets: it "
            "thresholds predictions at 0.5 (0.731 counts as 1, 0.5 as 0). Pick the metric that compares "
            "values exactly"
        )
    expect(
        abs(got - expected) < 1e-6,
        f"{type(metric).__name__} reports {got:.4f} where exactly {expected:.2f} "
        f"of the values agree: it does not count exact agreement",
    )
    again = call_learner(exact_agreement_metric)
    expect(
        again is not metric,
        "exact_agreement_metric() returned the same object twice: create a new metric "
        "on every call (a metric keeps a running count)",
    )


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


# --- exercise 4, reworked: what 'accuracy' reads, then the metric that tells the truth ------------
def _accuracy_as_compiled(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """What ``metrics=['accuracy']`` reports for outputs ``y_pred``: a model that passes its input
    through, evaluated on ``y_pred`` against ``y_true`` (Keras resolves the string by the output)."""
    import keras

    inputs = keras.Input(shape=y_pred.shape[1:])
    model = keras.Model(inputs, keras.layers.Activation("linear")(inputs))
    model.compile(loss="mse", metrics=["accuracy"])
    return float(
        model.evaluate(y_pred, y_true, verbose=0, return_dict=True, batch_size=len(y_pred))["accuracy"]
    )


def accuracy_reads(what_accuracy_reads: Callable) -> None:
    """``what_accuracy_reads`` is binary accuracy: ``mean((y_pred > 0.5) == y_true)``, strict at 0.5."""
    rng = np.random.default_rng(45)
    for n, side in ((6, 9), (4, 13)):
        y_true = tracks(n, side, seed=45 + side)
        noise = rng.random(y_true.shape)
        y_pred = np.where(noise < 0.3, 0.5, rng.random(y_true.shape)).astype("float32")  # many exact 0.5s
        y_pred[: n // 2] = _sigmoid(y_true[: n // 2]).astype("float32")  # the identity-sigmoid's outputs
        want = _accuracy_as_compiled(y_true, y_pred)
        what = f"what_accuracy_reads(y_true, y_pred) for {n} images of {side}×{side}"
        got = call_learner(what_accuracy_reads, y_true.copy(), y_pred.copy(), what=what)
        try:
            got = float(np.asarray(got, dtype=np.float64))
        except (TypeError, ValueError):
            fail(f"{what} should return one number, got {got!r:.80}")
        if math.isclose(got, float(np.mean(y_pred == y_true)), abs_tol=1e-9) and not math.isclose(got, want):
            fail(
                f"{what} is {got:.4f}, the share of outputs exactly equal to their targets; 'accuracy' reports "
                f"{want:.4f}: which metric does the string become for an output with one unit on its last axis?"
            )
        if math.isclose(
            got, float(np.mean((y_pred >= 0.5) == (y_true > 0.5))), abs_tol=1e-9
        ) and not math.isclose(got, want):
            fail(
                f"{what} counts an output of exactly 0.5 as lit; Keras' threshold is strict (output > 0.5), so "
                "0.5 counts as dark"
            )
        expect_close(got, want, what, atol=1e-6, rtol=1e-6)


def accuracy_and_agreement(what_accuracy_reads: Callable, exact_agreement_metric: Callable) -> None:
    """Exercise 4: what the string 'accuracy' reads, and a metric object that counts exact agreement."""
    accuracy_reads(what_accuracy_reads)
    agreement_metric(exact_agreement_metric)
