"""Checks for lab 5 (activations and BatchNormalization). Each one calls the learner's function on
fresh inputs and judges what it *does*.

The inputs are drawn here: activations of the check's own making that differ from ``x`` on one
part of the real line only, BatchNormalization layers with odd feature counts, unusual ε and
moving statistics spread over eight decades, batches of odd sizes, flight tracks of sizes the
lessons never use. Every expected answer is computed here, most of them by the Keras layer
itself; a mistake we expect learners to make gets its own message.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from pitfalls.checks.core import (
    call_learner,
    expect,
    expect_close,
    expect_shape,
    fail,
    shape_of,
)

LAB = "lab05_activations"
#: The diagnosis's short run: sigmoid + BatchNormalization(momentum=0.99), too few steps.
SHORT_RUN = {"n_train": 1024, "epochs": 8, "batch_size": 64, "learning_rate": 3e-3, "momentum": 0.99}


def tracks(n: int, side: int, seed: int) -> np.ndarray:
    """``n`` flight-track images ``(n, side, side, 1)`` of 0.0/1.0 (float32), freshly drawn."""
    from pitfalls.flighttracks import make_dataset

    images, _ = make_dataset(n=n, seed=seed, size=side)
    return (images[..., None] > 0).astype("float32")


def _as_bool(value: Any, what: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    fail(f"{what} should return True or False, got {type(value).__name__}: {value!r:.60}")


def _numpy(value: Any) -> np.ndarray:
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value))


# --- exercise 1: which activations copy exactly --------------------------------------------------
def _named(fn: Callable, name: str) -> Callable:
    fn.__name__ = name
    return fn


def candidate_activations() -> list[tuple[Callable, str]]:
    """The activations exercise 1 is judged on, each with what it does to x in words: Keras' own
    element-wise ones (those this Keras has) and some of the check's making, each differing from x
    on one region only (negative, small, large inputs) or by one rounding step — or not at all."""
    import keras

    ops = keras.ops
    found = []
    for name in (
        "linear relu relu6 elu celu selu leaky_relu hard_tanh hard_shrink soft_shrink sigmoid tanh "
        "softplus softsign silu gelu mish hard_sigmoid hard_silu sparse_plus tanh_shrink exponential"
    ).split():
        fn = getattr(keras.activations, name, None)
        if fn is not None:
            found.append((fn, f"keras.activations.{name}"))
    found += [
        (_named(lambda x: ops.relu(x) - ops.relu(-x), "relu(x) - relu(-x)"), "x, exactly, for every x"),
        (
            _named(
                lambda x: keras.activations.leaky_relu(x, negative_slope=1.0),
                "leaky_relu(x, negative_slope=1)",
            ),
            "x",
        ),
        (_named(lambda x: ops.clip(x, -1000.0, 1000.0), "clip(x, -1000, 1000)"), "x only between ±1000"),
        (_named(lambda x: ops.maximum(x, -50.0), "maximum(x, -50)"), "x only above -50"),
        (
            _named(lambda x: x * np.float32(1 + 2**-20), "x · (1 + 2⁻²⁰)"),
            "x times 1.000001: close, not equal",
        ),
        (_named(lambda x: ops.where(ops.abs(x) < 0.25, 0.0, x), "x, but 0 where |x| < 0.25"), "not small x"),
        (_named(lambda x: ops.round(x), "round(x)"), "x only at whole numbers"),
    ]
    return found


def probe_values() -> np.ndarray:
    """The check's own wide family of float32 inputs: seeded randoms over many scales, and the edges."""
    rng = np.random.default_rng(505)
    scales = 10.0 ** rng.uniform(-6, 4, size=4000)
    values = np.concatenate(
        [
            rng.choice([-1, 1], size=4000) * scales,
            rng.uniform(-1, 1, size=1000),
            [0.0, 1.0, -1.0, 0.5, -0.5, 0.25, -0.25, 6.0, -6.0, 1e-30, -1e-30, 3e4, -3e4],
        ]
    )
    return values.astype("float32").reshape(1, -1)


def _copies(fn: Callable, x: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        return bool(np.array_equal(_numpy(fn(x)), x))


def _learner_verdict(learner: Callable, fn: Callable, name: str, label: str) -> bool:
    return _as_bool(call_learner(learner, fn, what=f"{label}({name})"), f"{label}({name})")


def copies_images_check(copies_images: Callable) -> None:
    """``copies_images(activation)``: whether Dense(identity kernel, no bias, activation) copies every
    0/1 image exactly, judged against what the activation does to fresh 0/1 tracks."""
    images = tracks(6, 15, seed=515).reshape(6, -1)
    wrong = []
    for fn, _ in candidate_activations():
        name = fn.__name__
        truth = _copies(fn, images)
        said = _learner_verdict(copies_images, fn, name, "copies_images")
        if said != truth:
            at0, at1 = (float(_numpy(fn(np.array([[v]], "float32")))[0, 0]) for v in (0.0, 1.0))
            wrong.append(
                f"{name}: you said {said}, but it turns 0 into {at0:.7g} and 1 into {at1:.7g}"
                + (" (close is not exact)" if not truth and abs(at0) < 1e-3 and abs(at1 - 1) < 1e-3 else "")
            )
    if wrong:
        fail(
            f"copies_images is wrong for {len(wrong)} activation(s): "
            + "; ".join(wrong[:4])
            + ". An image holds only 0.0 and 1.0: an activation copies it exactly when f(0) == 0 and "
            "f(1) == 1, bit for bit (==, not np.allclose)."
        )


def copies_everything_check(copies_everything: Callable) -> None:
    """``copies_everything(activation)``: whether activation(x) == x for every float32 x, judged on
    the check's own wide family of inputs."""
    x = probe_values()
    wrong, too_trusting = [], []
    for fn, _ in candidate_activations():
        name = fn.__name__
        truth = _copies(fn, x)
        said = _learner_verdict(copies_everything, fn, name, "copies_everything")
        if said != truth:
            if said:
                with np.errstate(all="ignore"):
                    y = _numpy(fn(x))[0]
                bad = np.flatnonzero(y != x[0])
                v = float(x[0, bad[np.argmin(np.abs(x[0, bad] - 0.3))]])
                too_trusting.append(
                    f"{name} turns {v:.9g} into {float(y[bad[np.argmin(np.abs(x[0, bad] - 0.3))]]):.9g}"
                )
            else:
                wrong.append(name)
    if too_trusting:
        hint = ""
        if any("1 + 2" in t for t in too_trusting):
            hint = " Compare with == (np.array_equal): np.allclose forgives a relative error of 1e-5."
        fail(
            "copies_everything says True for activations that change some inputs: "
            + "; ".join(too_trusting[:4])
            + ". Try inputs from every part of the real line: negative ones, small ones between 0 and 1, "
            "large ones (thousands), not only 0 and 1." + hint
        )
    if wrong:
        fail(
            f"copies_everything says False for {', '.join(wrong[:4])}, which return every input unchanged "
            "(checked bit for bit on 9000 values from 1e-30 to 3e4 of both signs)."
        )


# --- exercise 2: BatchNormalization folded into the Dense layer before it -----------------------------
def batchnorm_layers() -> list[tuple[Any, str]]:
    """Fresh BatchNormalization layers with odd feature counts, their moving statistics set over eight
    decades of variance, various ε, with and without gain (``scale``) and shift (``center``)."""
    import keras

    rng = np.random.default_rng(525)
    cases = [(7, 1e-3, True, True), (13, 1e-5, True, True), (1, 0.1, True, True), (5, 1e-3, False, True)]
    cases += [(9, 1e-4, True, False), (3, 1e-3, False, False)]
    layers = []
    for features, epsilon, scale, center in cases:
        bn = keras.layers.BatchNormalization(epsilon=epsilon, scale=scale, center=center)
        bn.build((None, features))
        bn.moving_mean.assign(rng.normal(0, 2, features).astype("float32"))
        bn.moving_variance.assign((10.0 ** rng.uniform(-6, 2, features)).astype("float32"))
        if scale:
            bn.gamma.assign(rng.normal(1, 2, features).astype("float32"))
        if center:
            bn.beta.assign(rng.normal(0, 1, features).astype("float32"))
        what = f"BatchNormalization(epsilon={epsilon:g}" + ("" if scale else ", scale=False")
        what += ("" if center else ", center=False") + f") on {features} features"
        layers.append((bn, what))
    return layers


def fold_batchnorm_check(fold_batchnorm: Callable) -> None:
    """``fold_batchnorm(kernel, bias, bn)`` returns the kernel and bias of one Dense layer that computes
    what Dense(kernel, bias) followed by ``bn`` at inference computes, checked against the layer itself
    on fresh inputs."""
    rng = np.random.default_rng(526)
    for bn, what in batchnorm_layers():
        features = bn.moving_mean.shape[0]
        inputs = 11
        kernel = rng.normal(0, 1, (inputs, features)).astype("float32")
        bias = rng.normal(0, 1, features).astype("float32")
        try:
            got = call_learner(
                fold_batchnorm, kernel.copy(), bias.copy(), bn, what=f"fold_batchnorm(kernel, bias, {what})"
            )
        except Exception as exc:
            if not (bn.scale and bn.center):
                raise type(exc)(
                    f"{exc} — a layer built with scale=False has no gamma (bn.gamma is None: its gain is "
                    "1/√(σ² + ε)), and one with center=False no beta (its shift is 0)"
                ) from None
            raise
        expect(
            isinstance(got, (tuple, list)) and len(got) == 2,
            f"fold_batchnorm should return (kernel, bias), got {type(got).__name__}",
        )
        new_kernel, new_bias = (np.asarray(_numpy(v), dtype=np.float64) for v in got)
        expect_shape(new_kernel, (inputs, features), f"the folded kernel for {what} (11 inputs)")
        expect_shape(new_bias, (features,), f"the folded bias for {what}")
        x = rng.normal(0, 3, (17, inputs)).astype("float32")
        want = _numpy(bn(x @ kernel + bias, training=False)).astype(np.float64)
        mine = x.astype(np.float64) @ new_kernel + new_bias
        if np.allclose(mine, want, rtol=1e-4, atol=1e-4 * np.abs(want).max()):
            continue
        var, mean, eps = (
            np.asarray(_numpy(v), np.float64) for v in (bn.moving_variance, bn.moving_mean, bn.epsilon)
        )
        gamma = _numpy(bn.gamma).astype(np.float64) if bn.scale else 1.0
        beta = _numpy(bn.beta).astype(np.float64) if bn.center else 0.0
        mistakes = {
            "without ε: the gain is γ/√(σ² + ε), and ε matters where the moving variance is small": gamma
            / np.sqrt(var),
            "dividing by σ² + ε instead of its square root: the gain is γ/√(σ² + ε)": gamma / (var + eps),
            "with ε = 0.001 where this layer has ε = " + f"{float(eps):g}: read bn.epsilon": gamma
            / np.sqrt(var + 1e-3),
        }
        gain = gamma / np.sqrt(var + eps)
        for message, wrong_gain in mistakes.items():
            if not np.allclose(wrong_gain, gain, rtol=1e-4) and np.allclose(
                new_kernel, kernel * wrong_gain, rtol=1e-4, atol=1e-9
            ):
                fail(f"fold_batchnorm for {what}: the kernel is scaled by the gain computed {message}.")
        if np.allclose(new_kernel, kernel * gain, rtol=1e-4, atol=1e-9):
            if np.allclose(new_bias, bias + beta - gain * mean, rtol=1e-4, atol=1e-4):
                fail(
                    f"fold_batchnorm for {what}: the kernel is right, but the Dense bias c passes through the "
                    "gain too — BN sees x·W + c, so the folded bias is a·c + b = a·(c − μ) + β"
                )
            fail(
                f"fold_batchnorm for {what}: the kernel is right, the bias is not (the layer computes "
                "γ·(x·W + c − μ)/√(σ² + ε) + β)"
            )
        expect_close(
            mine,
            want,
            f"x @ kernel + bias of your folded layer against Dense then {what}, on 17 fresh inputs",
            rtol=1e-4,
            atol=1e-4 * float(np.abs(want).max()),
            hint="at inference BN uses its moving statistics: γ·(s − μ)/√(σ² + ε) + β per feature",
        )


# --- exercise 3: the moving statistics after k steps ---------------------------------------------
def _keras_moving_stats(batches: list[np.ndarray], momentum: float) -> tuple[np.ndarray, np.ndarray]:
    """What a fresh BatchNormalization layer holds after one training call per batch."""
    import keras

    bn = keras.layers.BatchNormalization(momentum=momentum)
    for batch in batches:
        bn(batch, training=True)
    return _numpy(bn.moving_mean).astype(np.float64), _numpy(bn.moving_variance).astype(np.float64)


def stats_cases() -> list[tuple[list[np.ndarray], float, str]]:
    """Batches of odd sizes and feature counts (one of a single sample), momenta from 0 to 0.999, and the
    lesson's question: 300 batches of one mean under the default momentum."""
    rng = np.random.default_rng(535)
    cases = []
    for features, steps, momentum, size in (
        (7, 13, 0.9, 9),
        (3, 40, 0.99, 5),
        (5, 4, 0.5, 1),
        (1, 7, 0.0, 6),
        (4, 25, 0.999, 11),
    ):
        center = rng.normal(0, 5, features)
        spread = 10.0 ** rng.uniform(-3, 1, features)
        batches = [
            (center + spread * rng.normal(size=(size, features))).astype("float32") for _ in range(steps)
        ]
        cases.append((batches, momentum, f"{steps} batches of {size}×{features}, momentum {momentum}"))
    one = (0.5 + 0.002 * rng.normal(size=(300, 8, 2))).astype("float32")
    cases.append((list(one), 0.99, "300 batches of 8×2 around 0.5 with a variance of 4e-6, momentum 0.99"))
    return cases


@contextlib.contextmanager
def _no_batchnorm_layer():
    """While the learner's by-hand function runs, building a BatchNormalization layer fails in words."""
    import keras

    cls = keras.layers.BatchNormalization
    original = cls.__init__

    def refuse(self, *args, **kwargs):
        fail(
            "moving_stats_after builds a keras.layers.BatchNormalization layer: the exercise asks for the "
            "update written out in NumPy, the layer's rule in your own code"
        )

    cls.__init__ = refuse
    try:
        yield
    finally:
        cls.__init__ = original


def moving_stats_check(moving_stats_after: Callable) -> None:
    """``moving_stats_after(batches, momentum)`` returns the moving mean and variance of a fresh
    BatchNormalization layer trained on ``batches`` in order, as the layer itself computes them."""
    for batches, momentum, what in stats_cases():
        want_mean, want_var = _keras_moving_stats(batches, momentum)
        with _no_batchnorm_layer():
            got = call_learner(
                moving_stats_after,
                [b.copy() for b in batches],
                momentum,
                what=f"moving_stats_after(<{what}>)",
            )
        expect(
            isinstance(got, (tuple, list)) and len(got) == 2,
            f"moving_stats_after should return (moving_mean, moving_variance), got {type(got).__name__}",
        )
        mean, var = (np.asarray(_numpy(v), dtype=np.float64) for v in got)
        features = batches[0].shape[1]
        hints = {(): "one number per feature: average over the batch axis (axis 0) only"}
        expect_shape(mean, (features,), f"the moving mean for {what}", hints=hints)
        expect_shape(var, (features,), f"the moving variance for {what}", hints=hints)
        data = np.stack(batches).astype(np.float64)
        k = len(batches)
        tol = dict(rtol=1e-4, atol=1e-7)
        if not np.allclose(mean, want_mean, **tol):
            swapped = np.zeros(features)
            for b in data:
                swapped = swapped * (1 - momentum) + b.mean(0) * momentum
            if momentum not in (0.5,) and np.allclose(mean, swapped, **tol):
                fail(
                    f"the moving mean for {what} gives each new batch the weight momentum and the old "
                    "average 1 − momentum; Keras does it the other way round: moving = moving·momentum + "
                    "batch_mean·(1 − momentum)"
                )
            if np.allclose(mean, data.reshape(-1, features).mean(0), **tol):
                fail(
                    f"the moving mean for {what} is the mean of all the data; the layer only has a moving "
                    f"average that starts at 0 and keeps momentum^k = {momentum**k:.3g} of that start"
                )
            if np.allclose(mean, data[-1].mean(0), **tol):
                fail(f"the moving mean for {what} is the last batch's mean; the layer averages every batch")
            expect_close(
                mean,
                want_mean,
                f"the moving mean for {what}",
                **tol,
                hint="it starts at 0; each step: moving·momentum + batch_mean·(1 − momentum)",
            )
        if not np.allclose(var, want_var, **tol):
            unbiased = np.ones(features)
            from_zero = np.zeros(features)
            for b in data:
                if len(b) > 1:
                    unbiased = unbiased * momentum + b.var(0, ddof=1) * (1 - momentum)
                from_zero = from_zero * momentum + b.var(0) * (1 - momentum)
            if len(data[0]) > 1 and np.allclose(var, unbiased, **tol):
                fail(
                    f"the moving variance for {what} uses the unbiased batch variance (ddof=1); Keras' "
                    "layer uses the batch's plain variance, mean((x − mean)²) (ddof=0)"
                )
            if np.allclose(var, from_zero, **tol):
                fail(
                    f"the moving variance for {what} starts at 0; the layer's starts at 1 "
                    "(moving_variance_initializer='ones'), and after k steps momentum^k of that 1 is left"
                )
            if np.isnan(var).any():
                fail(
                    f"the moving variance for {what} holds NaN: a batch of one sample has variance 0 "
                    "(ddof=0), not NaN"
                )
            expect_close(
                var,
                want_var,
                f"the moving variance for {what}",
                **tol,
                hint="it starts at 1; each step: moving·momentum + batch_variance·(1 − momentum)",
            )


# --- exercise 4: the identity without BatchNormalization ---------------------------------------------
def _normalisation_layers(model: Any) -> list[str]:
    found = []
    for layer in getattr(model, "layers", []):
        if "Normalization" in type(layer).__name__:
            found.append(type(layer).__name__)
        found.extend(_normalisation_layers(layer))
    return found


def _mse(model: Any, images: np.ndarray) -> float:
    out = np.asarray(call_learner(model.predict, images, verbose=0, what="model.predict(images)"), np.float64)
    expect_shape(out, images.shape, "the model's output for images of that shape")
    return float(np.mean((out - images) ** 2))


def identity_without_bn_check(identity_without_bn: Callable) -> None:
    """``identity_without_bn(side, mse)``: a model without any normalisation layer, outputs within
    [0, 1], whose MSE on 0/1 images is ``mse`` whatever share of the pixels is lit."""
    rng = np.random.default_rng(545)
    for side, target in ((9, 1e-2), (15, 1e-4), (12, 1e-6), (7, 0.2)):
        model = call_learner(
            identity_without_bn, side, target, what=f"identity_without_bn({side}, {target:g})"
        )
        shapes = {shape_of(model.inputs[0]) if getattr(model, "inputs", None) else None}
        expect(
            shapes == {(None, side, side, 1)},
            f"identity_without_bn({side}, …) should take images of shape (side, side, 1), got {shapes.pop()}",
        )
        norms = _normalisation_layers(model)
        expect(not norms, f"the model has a normalisation layer ({', '.join(norms)}): do without it")
        wide = rng.normal(0, 30, (4, side, side, 1)).astype("float32")
        out = np.asarray(call_learner(model.predict, wide, verbose=0, what="model.predict(wide inputs)"))
        if out.min() < 0 or out.max() > 1:
            fail(
                f"for inputs far outside [0, 1] the model outputs values from {out.min():.3g} to {out.max():.3g}: "
                "keep the sigmoid at the end, so that every output is a probability in [0, 1]"
            )
        sparse = tracks(16, side, seed=side)
        half = (rng.random((16, side, side, 1)) < 0.5).astype("float32")
        black = np.zeros((2, side, side, 1), "float32")
        got = {
            "tracks": _mse(model, sparse),
            "half-lit images": _mse(model, half),
            "black images": _mse(model, black),
        }
        if got["black images"] > 0.24:
            fail(
                f"on all-black images the MSE is {got['black images']:.4f}: with no bias, the sigmoid turns "
                "the logit 0 into 0.5 whatever the kernel. The offset BN supplied must come from a bias"
            )
        for images, mse in got.items():
            if abs(mse - target) > 0.02 * target:
                others = ", ".join(f"{k} {v:.4g}" for k, v in got.items())
                advice = (
                    "black and lit pixels must cost the same: put the sigmoid's midpoint halfway, "
                    "bias = −gain/2"
                    if max(got.values()) > 1.5 * min(got.values()) + 1e-12
                    else "work out the gain g for which σ(−g/2)² is the MSE asked for"
                )
                fail(
                    f"identity_without_bn({side}, {target:g}) has MSE {mse:.4g} on {images} "
                    f"(asked: {target:g} ± 2 %; {others}): {advice}"
                )


# --- exercise 5: diagnosis — a model that evaluates badly after a short run ------------------------------
def _short_run_model(side: int):
    import keras

    t = SHORT_RUN
    model = keras.Sequential(
        [
            keras.Input(shape=(side, side, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(side * side, activation="sigmoid", use_bias=False),
            keras.layers.BatchNormalization(momentum=t["momentum"]),
            keras.layers.Reshape((side, side, 1)),
        ],
        name=f"sigmoid_bn_{side}",
    )
    model.compile(optimizer=keras.optimizers.Adam(t["learning_rate"]), loss="mse", metrics=["accuracy"])
    return model


@functools.lru_cache(maxsize=4)
def _trained_weights(side: int, seed: int) -> tuple[list[np.ndarray], tuple[float, ...]]:
    import keras

    t = SHORT_RUN
    keras.utils.set_random_seed(0)
    model = _short_run_model(side)
    images = tracks(t["n_train"], side, seed=seed)
    history = model.fit(images, images, epochs=t["epochs"], batch_size=t["batch_size"], verbose=0)
    return [np.array(w) for w in model.get_weights()], tuple(history.history["accuracy"])


def short_run(side: int = 16, seed: int = 5050) -> tuple[Any, np.ndarray, list[float]]:
    """A fresh copy of the short run's trained model, its training images and fit's accuracy per epoch
    (trained once per size, in a few seconds)."""
    weights, accuracy = _trained_weights(side, seed)
    model = _short_run_model(side)
    model.set_weights(weights)
    return model, tracks(SHORT_RUN["n_train"], side, seed=seed), list(accuracy)


def _bn_input(model: Any, images: np.ndarray) -> np.ndarray:
    """What the BatchNormalization layer of the short-run model sees: sigmoid(flat @ kernel)."""
    kernel = _numpy(model.layers[1].kernel).astype(np.float64)
    return 1 / (1 + np.exp(-(images.reshape(len(images), -1) @ kernel)))


def _find_bn(model: Any):
    for layer in getattr(model, "layers", []):
        if "BatchNormalization" in type(layer).__name__:
            return layer
        inner = _find_bn(layer)
        if inner is not None:
            return inner
    return None


def repair_check(repair: Callable) -> None:
    """``repair(model, images)`` returns a model that predicts on fresh tracks what the short run's model
    predicts with its true statistics, each image independently of the rest of its batch."""
    side = 18
    model, images, _ = short_run(side, seed=5151)
    kernel = _numpy(model.layers[1].kernel)
    bn = model.layers[2]
    gamma, beta, eps = (
        _numpy(bn.gamma).astype(np.float64),
        _numpy(bn.beta).astype(np.float64),
        float(bn.epsilon),
    )
    short_mean, short_var = (
        _numpy(bn.moving_mean).copy(),
        _numpy(bn.moving_variance).copy(),
    )  # before any repair
    s = _bn_input(model, images)
    mu, var = s.mean(0), s.var(0)
    fresh = tracks(64, side, seed=5252)
    s_fresh = _bn_input(model, fresh)
    want = (gamma * (s_fresh - mu) / np.sqrt(var + eps) + beta).reshape(fresh.shape)
    lit = fresh > 0.5

    repaired = call_learner(repair, model, images.copy(), what="repair(model, images)")
    expect(
        hasattr(repaired, "predict"),
        f"repair should return a Keras model (the repaired one), got {type(repaired).__name__}",
    )
    out = np.asarray(
        call_learner(repaired.predict, fresh, verbose=0, what="repaired.predict(fresh)"), np.float64
    )
    expect_shape(out, fresh.shape, "the repaired model's output for 64 fresh 18×18 tracks")
    alone = np.asarray(
        call_learner(repaired.predict, fresh[:1], verbose=0, what="repaired.predict(one image)")
    )
    if not np.allclose(alone[0], out[0], atol=1e-3):
        fail(
            "the repaired model's output for an image changes with the other images in its batch: it "
            "normalises with each batch's own statistics (training mode). At inference BN must use fixed "
            "statistics, the moving ones"
        )
    agree = float(np.mean((out > 0.5) == (want > 0.5)))
    reproduced = float(np.mean(out[lit] > 0.5))
    wanted = float(np.mean(want[lit] > 0.5))
    if agree >= 0.98 and reproduced >= wanted - 0.03:  # right: ≥ 0.993 (16 images); wrong: ≤ 0.93
        return
    detail = (
        f"on 64 fresh tracks it reproduces {reproduced:.1%} of the lit pixels (the model with the statistics "
        f"of its training images: {wanted:.1%}) and agrees with that model on {agree:.2%} of the pixels"
    )
    new_bn = _find_bn(repaired)
    if new_bn is not None and getattr(new_bn, "moving_variance", None) is not None:
        new_kernel = next((_numpy(l.kernel) for l in repaired.layers if hasattr(l, "kernel")), None)
        if (
            new_kernel is not None
            and new_kernel.shape == kernel.shape
            and not np.allclose(new_kernel, kernel)
        ):
            fail(
                f"the repaired model's Dense kernel has changed, so you trained it further; {detail}. Repair it "
                "without another gradient step: the learnt weights are fine, BN's statistics are not"
            )
        m, v = (_numpy(w).astype(np.float64) for w in (new_bn.moving_mean, new_bn.moving_variance))
        if np.allclose(v, short_var) and np.allclose(m, short_mean):
            fail(
                f"the repaired model still has the short run's moving statistics (median variance {np.median(v):.3g} "
                f"where its input varies by {np.median(var):.3g}); {detail}. Changing bn.momentum only "
                "changes future training steps"
            )
        x_flat = images.reshape(len(images), -1)
        if np.allclose(m, x_flat.mean(0), atol=1e-4):
            fail(
                f"the moving mean you set is the images' pixel mean; BN normalises its own input, the sigmoid's "
                f"output (median {np.median(mu):.4f}); {detail}"
            )
        if not np.allclose(m, mu, rtol=0, atol=0.01 * np.median(np.sqrt(var)) + 1e-6):
            fail(f"the moving mean differs from the mean of BN's input on the training images; {detail}")
        fail(
            f"the moving variance (median {np.median(v):.3g}) is not the variance of BN's input on the "
            f"training images (median {np.median(var):.3g}); {detail}"
        )
    fail(f"the repaired model does not predict like the short run's model with its true statistics: {detail}")
