"""Checks for lab 6 (functional API, shared weights, slicing, custom losses, BEGAN's k).

Every check builds its own inputs (other sizes than the lesson's, so hard-coded numbers show) and
its own expected answer; the mistakes lesson 6 measured get their own messages: ``x[:5]`` slicing
the batch axis, a loss collapsed to one number, two copies of a body meant to be shared, a
per-sample ``add_loss``, a k that is rebound instead of assigned or never clipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from pitfalls.checks.core import (
    CheckFailed,
    call_learner,
    dense_layers,
    expect,
    expect_close,
    expect_shape,
    fail,
    load_spread,
)

LAB = "lab06_functional"


def _numpy(value) -> np.ndarray:
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64)


# --- exercise 1: splitting an input ---------------------------------------------------------------
BATCH_AXIS = (
    "slices the batch axis: t[:{half}] keeps the first {half} *samples*. The features are "
    "axis 1, so the halves are t[:, :{half}] and t[:, {half}:]"
)


def split(split_in_halves: Callable) -> None:
    """``split_in_halves(width)`` is a model: (batch, width) → [first half, second half]."""
    import keras

    for width, batch in ((12, 7), (8, 9)):
        half = width // 2
        name = f"split_in_halves({width})"
        try:
            model = call_learner(split_in_halves, width, what=name)
        except CheckFailed as exc:
            if "Unsupported key type" in str(exc):
                fail(
                    f"{exc}\nKeras refuses inputs[:{half}] on a symbolic input because it "
                    + BATCH_AXIS.format(half=half)
                    + "."
                )
            raise
        expect(
            isinstance(model, keras.Model), f"{name} should return a keras.Model, got {type(model).__name__}"
        )
        expect_shape(model.inputs[0], (None, width), f"the input of {name}")
        expect(
            len(model.outputs) == 2,
            f"{name} should have two outputs (the two halves), it has {len(model.outputs)}",
        )
        for out, which in zip(model.outputs, ("first", "second")):
            expect_shape(
                out,
                (None, half),
                f"the {which} output of {name}",
                hints={
                    (None, width): f"the output kept all {width} features: a slice like t[:{half}] "
                    + BATCH_AXIS.format(half=half),
                    (None, 5): "the 5 is hard-coded: use half the width, width // 2",
                },
            )
        x = np.random.default_rng(width).normal(size=(batch, width)).astype("float32")
        got = call_learner(model, x, what=f"{name} on a batch of {batch}")
        expect(
            isinstance(got, (list, tuple)) and len(got) == 2,
            f"{name} on a batch should give two arrays, got {type(got).__name__}",
        )
        for value, expected, which in zip(got, (x[:, :half], x[:, half:]), ("first", "second")):
            expect_shape(
                _numpy(value),
                expected.shape,
                f"the {which} half of a batch of {batch} rows of {width}",
                hints={
                    (half, width): "the output holds samples, not features: " + BATCH_AXIS.format(half=half)
                },
            )
        first, second = (_numpy(v) for v in got)
        if np.allclose(first, x[:, half:]) and np.allclose(second, x[:, :half]):
            fail(
                f"{name} returns the halves in the wrong order: first the features 0 to {half - 1}, "
                f"then {half} to {width - 1}"
            )
        expect_close(first, x[:, :half], f"the first half of {name}'s output")
        expect_close(second, x[:, half:], f"the second half of {name}'s output")


# --- exercise 2: two heads over one shared body ---------------------------------------------------
N_FEATURES, HIDDEN, CODE, CLASSES = 20, 16, 8, 3
BODY_PARAMS = N_FEATURES * HIDDEN + HIDDEN + HIDDEN * CODE + CODE
HEAD_PARAMS = {"classifier": CODE * CLASSES + CLASSES, "regressor": CODE + 1}


def _distinct(models) -> dict[int, object]:
    return {id(w): w for m in models for w in m.weights}


def two_heads(build_two_heads: Callable) -> None:
    """Shapes, the number of distinct weight variables, and sharing shown by training."""
    import keras

    keras.utils.set_random_seed(0)
    name = f"build_two_heads({N_FEATURES})"
    result = call_learner(build_two_heads, N_FEATURES, what=name)
    expect(
        isinstance(result, (tuple, list)) and len(result) == 2,
        f"{name} should return two models, (classifier, regressor); got {type(result).__name__}",
    )
    classifier, regressor = result
    for model, which, out in ((classifier, "classifier", CLASSES), (regressor, "regressor", 1)):
        expect(
            isinstance(model, keras.Model), f"the {which} should be a keras.Model, got {type(model).__name__}"
        )
        expect_shape(model.inputs[0], (None, N_FEATURES), f"the {which}'s input")
        expect_shape(model.outputs[0], (None, out), f"the {which}'s output")
    expect(classifier is not regressor, f"{name} returned the same model twice")

    distinct = _distinct([classifier, regressor])
    n_vars = len(distinct)
    if n_vars == 12:
        fail(
            "the two models hold 12 distinct weight variables, expected 8: each model has its own copy "
            "of the body (separate Dense instances), so training one head would not change the other's "
            "features. Build the body once — one keras.Model, or one Dense(16) and one Dense(8) "
            "instance — and call it on both inputs."
        )
    expect(
        n_vars == 8,
        f"the two models hold {n_vars} distinct weight variables, expected 8: the body's "
        "two kernels and two biases (shared), and a kernel and a bias for each head",
    )
    params = sum(int(np.prod(w.shape)) for w in distinct.values())
    expected = BODY_PARAMS + sum(HEAD_PARAMS.values())
    expect(
        params == expected,
        f"the distinct variables hold {params} parameters, expected {expected} "
        f"(body {N_FEATURES}→{HIDDEN}→{CODE}: {BODY_PARAMS}; heads {HEAD_PARAMS['classifier']} "
        f"and {HEAD_PARAMS['regressor']}): check the layer sizes",
    )
    activations = sorted(getattr(l.activation, "__name__", "") for l in dense_layers(classifier))
    expect(
        activations.count("relu") == 2 and "softmax" in activations,
        f"the classifier's Dense activations are {activations}; the body uses relu twice and the "
        "classifier head softmax",
    )
    activations = sorted(getattr(l.activation, "__name__", "") for l in dense_layers(regressor))
    expect(
        activations.count("relu") == 2 and "linear" in activations,
        f"the regressor's Dense activations are {activations}; the body uses relu twice and the "
        "regressor head none (linear): a regression target can be any number",
    )

    x = np.random.default_rng(1).normal(size=(64, N_FEATURES)).astype("float32")
    y = np.random.default_rng(2).integers(0, CLASSES, size=64)
    before = _numpy(call_learner(regressor, x[:8], what="the regressor on a batch"))
    reg_head = [w for w in regressor.weights if not any(w is v for v in classifier.weights)]
    head_before = [_numpy(w) for w in reg_head]
    classifier.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    call_learner(classifier.fit, x, y, epochs=1, batch_size=64, verbose=0, what="training the classifier")
    after = _numpy(call_learner(regressor, x[:8], what="the regressor on a batch"))
    expect(
        float(np.abs(after - before).max()) > 1e-6,
        "after training the classifier, the regressor's outputs did not change: the body is not shared",
    )
    expect(
        all(np.array_equal(_numpy(w), b) for w, b in zip(reg_head, head_before)),
        "training the classifier changed the regressor's own head: only the body should be shared",
    )


# --- exercise 3: a per-sample loss ----------------------------------------------------------------
def _symbolic_errors_as_type_errors(loss: Callable) -> Callable:
    """``loss``, but TensorFlow's "Cannot convert a symbolic tf.Tensor to a numpy array" — raised as
    a ``NotImplementedError`` — becomes a ``TypeError``, so that ``call_learner`` does not mistake
    NumPy code in a loss for an exercise not written yet."""

    def wrapped(y_true, y_pred):
        try:
            return loss(y_true, y_pred)
        except NotImplementedError as exc:
            if str(exc):
                raise TypeError(str(exc)) from None
            raise

    wrapped.__name__ = getattr(loss, "__name__", "loss")
    return wrapped


def per_sample_loss(per_sample_mae: Callable) -> None:
    """One value per image, the mean |y_pred − y_true| over rows, columns and channels; works in fit."""
    import keras
    from keras import ops

    rng = np.random.default_rng(3)
    for shape in ((5, 6, 6, 2), (3, 4, 4, 1)):
        y_true = rng.random(shape).astype("float32")
        y_pred = rng.random(shape).astype("float32")
        n = shape[0]
        name = f"per_sample_mae on a batch of {n} images of {shape[1]}×{shape[2]}×{shape[3]}"
        got = _numpy(
            call_learner(
                per_sample_mae, ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred), what=name
            )
        )
        expect_shape(
            got,
            (n,),
            name,
            hints={
                (): f"one number for the whole batch: a Keras loss returns one value per sample, shape ({n},), so "
                "that sample_weight and masks can act on each sample. Average over axes [1, 2, 3] only",
                shape[:3]: "that averaged over the last axis only: average over rows, columns and channels, "
                "axes [1, 2, 3]",
                shape: "that is the error of every pixel: average over axes [1, 2, 3]",
            },
        )
        error = np.abs(y_pred.astype(np.float64) - y_true)
        if np.allclose(got, (error**2).mean(axis=(1, 2, 3)), atol=1e-5):
            fail(f"{name}: these are mean *squared* errors; the exercise asks for the mean absolute error")
        expect_close(got, error.mean(axis=(1, 2, 3)), name, atol=1e-5, rtol=1e-5)

    # Inside fit/evaluate the loss sees symbolic tensors; sample_weight must act per sample.
    y_true = rng.random((8, 5, 5, 3)).astype("float32")
    y_pred = rng.random((8, 5, 5, 3)).astype("float32")
    weights = np.r_[np.ones(4), np.zeros(4)].astype("float32")
    image_in = keras.Input(shape=(5, 5, 3))
    identity = keras.Model(image_in, keras.layers.Identity()(image_in))
    identity.compile(loss=_symbolic_errors_as_type_errors(per_sample_mae))
    try:
        reported = call_learner(
            identity.evaluate,
            y_pred,
            y_true,
            sample_weight=weights,
            batch_size=8,
            verbose=0,
            what="model.evaluate(...) with your loss",
        )
    except CheckFailed as exc:
        if "numpy" in str(exc).lower() or "symbolic" in str(exc).lower():
            fail(
                f"{exc}\nper_sample_mae works on arrays but not inside fit or evaluate, where it receives "
                "symbolic tensors: write it with keras.ops (ops.mean, ops.abs), not NumPy."
            )
        raise
    expected = (np.abs(y_pred.astype(np.float64) - y_true).mean(axis=(1, 2, 3)) * weights).sum() / 8
    expect_close(
        reported,
        expected,
        "model.evaluate(...) with your loss and sample_weight = [1]*4 + [0]*4",
        atol=1e-5,
        rtol=1e-5,
    )


# --- exercise 4: an activity penalty with add_loss -------------------------------------------------
def activity_penalty(ActivityL1) -> None:
    """``ActivityL1(rate)`` passes x through and adds rate × mean over the batch of Σ|x| (one number)."""
    import keras
    from keras import ops

    for rate, shape in ((0.3, (7, 5)), (0.05, (4, 9))):
        layer = call_learner(ActivityL1, rate, what=f"ActivityL1({rate})")
        expect(isinstance(layer, keras.layers.Layer), f"ActivityL1({rate}) should be a keras Layer")
        x = np.random.default_rng(shape[1]).normal(size=shape).astype("float32")
        name = f"ActivityL1({rate}) on a batch of shape {shape}"
        out = call_learner(layer, ops.convert_to_tensor(x), what=name)
        expect_shape(
            _numpy(out),
            shape,
            f"the output of {name}",
            hints={
                (): "the layer returns the penalty; it should return its input unchanged and *add* the penalty "
                "with self.add_loss(...)",
                (shape[0],): "the layer returns the per-sample penalty; it should return its input unchanged",
            },
        )
        expect_close(
            _numpy(out), x, f"the output of {name}", hint="the layer must pass its input through unchanged"
        )
        losses = layer.losses
        expect(
            len(losses) == 1,
            f"after one call, {name} holds {len(losses)} losses, expected 1: call "
            "self.add_loss(...) once in call()",
        )
        value = _numpy(losses[0])
        per_sample = rate * np.abs(x.astype(np.float64)).sum(axis=1)
        if value.shape == (shape[0],):
            fail(
                f"{name} adds a penalty of shape {value.shape}, one value per sample. add_loss wants one "
                f"number, and Keras 3 adds up what it gets: the penalty would be {shape[0]}× too big. "
                "Average over the batch (ops.mean) before add_loss."
            )
        expect_shape(value, (), f"the penalty {name} adds")
        if math.isclose(float(value), per_sample.sum(), rel_tol=1e-5):
            fail(
                f"{name} adds the penalty summed over the batch; average it over the samples (mean over "
                "axis 0) so that it does not grow with the batch size"
            )
        if math.isclose(float(value), rate * np.abs(x).mean(), rel_tol=1e-5):
            fail(
                f"{name} averages |x| over the features too; the penalty *sums* |x| over each sample's "
                "features, then averages over the batch"
            )
        for other in (0.3, 0.05, 0.1, 0.01):
            if other != rate and math.isclose(float(value), per_sample.mean() / rate * other, rel_tol=1e-5):
                fail(
                    f"{name} adds the penalty for a rate of {other}: is the rate hard-coded? Use the rate "
                    "given to __init__ (self.rate)"
                )
        expect_close(value, per_sample.mean(), f"the penalty {name} adds", atol=1e-5, rtol=1e-5)

    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.Dense(4, activation="relu")(inputs)
    penalised = call_learner(ActivityL1, 0.2, what="ActivityL1(0.2)")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(1)(penalised))
    features = keras.Model(inputs, hidden)
    x = np.random.default_rng(6).normal(size=(16, 6)).astype("float32")
    y = _numpy(model(x)).astype("float32")  # targets = predictions: the compiled MSE is 0
    model.compile(optimizer="sgd", loss="mse")
    reported = call_learner(model.evaluate, x, y, batch_size=16, verbose=0, what="model.evaluate(...)")
    expected = 0.2 * np.abs(_numpy(features(x))).sum(axis=1).mean()
    expect_close(
        reported,
        expected,
        "the loss model.evaluate reports for a model with ActivityL1(0.2) and a zero MSE",
        atol=1e-5,
        rtol=1e-4,
        hint="Keras adds what add_loss receives during call() to the compiled loss",
    )


# --- exercise 5: BEGAN's k ------------------------------------------------------------------------
K_CASES = (  # k, loss_real, loss_gen, lambda_k, gamma
    (0.3, 0.4, 0.1, 0.1, 0.5),
    (0.3, 0.2, 0.3, 0.2, 0.7),
    (0.01, 0.1, 0.9, 0.5, 0.5),  # pushed below 0: clipped to 0
    (0.98, 0.9, 0.0, 0.5, 0.5),  # pushed above 1: clipped to 1
)
GRADED_STEPS = 16


def _k_rule(k, loss_real, loss_gen, lambda_k, gamma, clip=True):
    new = k + lambda_k * (gamma * loss_real - loss_gen)
    return min(max(new, 0.0), 1.0) if clip else new


def k_rule(update_k: Callable) -> None:
    """``update_k`` assigns clip(k + λ_k·(γ·L_real − L_gen), 0, 1) to the variable k and returns it."""
    import keras
    from keras import ops

    for k0, lr, lg, lam, gam in K_CASES:
        k = keras.Variable(k0, trainable=False, name="k")
        name = f"update_k(k={k0}, loss_real={lr}, loss_gen={lg}, lambda_k={lam}, gamma={gam})"
        returned = call_learner(
            update_k,
            k,
            ops.convert_to_tensor(lr, "float32"),
            ops.convert_to_tensor(lg, "float32"),
            lam,
            gam,
            what=name,
        )
        held = float(_numpy(k))
        want = _k_rule(k0, lr, lg, lam, gam)
        if math.isclose(held, k0, abs_tol=1e-7) and not math.isclose(want, k0, abs_tol=1e-7):
            if returned is not None and math.isclose(float(_numpy(returned)), want, abs_tol=1e-6):
                fail(
                    f"{name} returns the right value {want:.4g}, but the variable k still holds {k0}: "
                    "`k = ...` only rebinds the name inside your function. Update the variable itself: "
                    "k.assign(new_k)"
                )
            fail(f"{name} left the variable k at {k0}; expected k.assign(...) to set it to {want:.4g}")
        unclipped = _k_rule(k0, lr, lg, lam, gam, clip=False)
        if not math.isclose(want, unclipped) and math.isclose(held, unclipped, abs_tol=1e-6):
            fail(
                f"{name} set k to {held:.4g}: the update pushed k out of [0, 1] and it was not clipped; "
                f"expected {want:.4g}. Clip with ops.clip(new_k, 0.0, 1.0)"
            )
        flipped = _k_rule(k0, -lr, -lg, lam, gam)
        if not math.isclose(flipped, want) and math.isclose(held, flipped, abs_tol=1e-6):
            fail(
                f"{name} set k to {held:.4g}, expected {want:.4g}: the update moves the wrong way; k grows "
                "when γ·L_real > L_gen"
            )
        for hard in (0.001, 0.05):
            other = _k_rule(k0, lr, lg, hard, gam)
            if hard != lam and not math.isclose(other, want) and math.isclose(held, other, abs_tol=1e-6):
                fail(
                    f"{name} set k to {held:.4g}, expected {want:.4g}: it is what λ_k = {hard} gives. Is "
                    "λ_k hard-coded? Use the lambda_k argument"
                )
        expect_close(held, want, f"the variable k after {name}", atol=1e-6, rtol=1e-6)
        expect(returned is not None, f"{name} should return the new value of k (it returned None)")
        expect_close(_numpy(returned), want, f"the value {name} returns", atol=1e-6, rtol=1e-6)


def train_graded(update_k: Callable, seed: int = 0):
    """The toy BEGAN trained ``GRADED_STEPS`` steps with the learner's ``update_k``; its trace."""
    from lessons.l06_functional_api_and_losses import began

    try:
        return call_learner(
            began.train,
            update_k,
            steps=GRADED_STEPS,
            seed=seed,
            what="training the toy BEGAN with your update_k",
        )
    except CheckFailed as exc:
        text = str(exc)
        if "not written yet" in text:
            raise
        if "Python bool" in text or "symbolic" in text or "OperatorNotAllowed" in text:
            fail(
                f"{exc}\nupdate_k works on numbers but not inside the compiled train_step, where the losses "
                "are symbolic tensors without values: Python's min/max/if cannot compare them. Use "
                "keras.ops.clip (and keras.ops for any other arithmetic)."
            )
        raise


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded number of the reference solution, for ``pitfalls.authoring.spread``."""
    return {"k_after_16_steps": float(train_graded(namespace["update_k"], seed=seed).k[-1])}


def k_training(update_k: Callable) -> None:
    """In a real train_step, k follows λ_k·balance every step and ends where the reference run does."""
    from lessons.l06_functional_api_and_losses import began

    trace = train_graded(update_k)
    expect(len(trace) == GRADED_STEPS, f"the toy training ran {len(trace)} steps, expected {GRADED_STEPS}")
    expect(bool(np.all(np.isfinite(trace.k))), "k became NaN or infinite during training")
    expect(
        bool(np.any(trace.k != 0)),
        f"k stayed 0 for all {GRADED_STEPS} training steps, although "
        f"γ·L_real − L_gen was {trace.balance[0]:.3f} > 0 at the first step: "
        "update_k does not change the model's variable k (use k.assign)",
    )
    expect(
        bool(trace.k.min() >= 0 and trace.k.max() <= 1),
        f"k left [0, 1] during training (min {trace.k.min():.4g}, max {trace.k.max():.4g})",
    )
    ok = began.follows_balance(trace)
    if not ok.all():
        i = int(np.argmin(ok))
        before = trace.k_before()[i]
        fail(
            f"at training step {i + 1}, k went from {before:.5f} to {trace.k[i]:.5f}, but "
            f"k + λ_k·(γ·L_real − L_gen) = {before:.5f} + {began.LAMBDA_K}·{trace.balance[i]:.5f} = "
            f"{before + began.LAMBDA_K * trace.balance[i]:.5f}"
        )
    spread = load_spread(LAB)["k_after_16_steps"]
    ref, tol = spread["reference"], spread["tolerance"]
    got = float(trace.k[-1])
    if abs(got - ref) > tol:
        fail(
            f"after {GRADED_STEPS} steps k is {got:.4f}, the reference run gives {ref:.4f} ± {tol:.4f} (the "
            "spread measured over seeds and CPUs). Check the update rule against the exercise."
        )


# --- exercise 6: diagnosis, sample weights that change nothing but the scale ----------------------------
def _forecast_mse(y_true, y_pred):
    """The colleague's loss: one number for the whole batch."""
    from keras import ops

    return ops.mean(ops.square(y_pred - y_true))


def _forecasts(batch: int, steps: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, 3)).astype("float32")
    y = rng.normal(size=(batch, steps)).astype("float32")
    return x, y


def _evaluated(loss: Callable, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None, seed: int) -> float:
    """``evaluate`` of one fixed linear model with ``loss``, on one batch (the learner's loss may raise)."""
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(y.shape[1])])
    model.compile(loss=loss)
    return float(
        call_learner(
            model.evaluate,
            x,
            y,
            sample_weight=weights,
            batch_size=len(x),
            verbose=0,
            what="model.evaluate(x, y, sample_weight=w) with your loss",
        )
    )


def _weights(batch: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    w = rng.random(batch).astype("float32")
    w[rng.permutation(batch)[: batch // 3]] = 0.0  # a third of the samples dropped
    return w


def diagnosis(reported_loss: Callable, forecast_mse_fixed: Callable) -> None:
    """A loss that returns one number gets each sample weight applied to that same number, so the
    weighted loss is loss × mean(w); one value per sample is what the weights need."""
    for batch, steps, seed in ((12, 5, 81), (7, 4, 82)):
        x, y = _forecasts(batch, steps, seed)
        w = _weights(batch, seed)
        plain = _evaluated(_forecast_mse, x, y, None, seed)
        printed = _evaluated(_forecast_mse, x, y, w, seed)
        what = f"reported_loss({plain:.4f}, sample_weight) for {batch} weights"
        got = call_learner(reported_loss, plain, w.copy(), what=what)
        expect(isinstance(got, (int, float, np.number)), f"{what} should return one number, got {got!r:.80}")
        got = float(got)
        if math.isclose(got, plain, rel_tol=1e-5):
            fail(
                f"{what} is the unweighted loss; evaluate prints {printed:.4f}: the weights do change the "
                "number, but not as the colleague meant. What does Keras multiply each weight by?"
            )
        if math.isclose(got, plain * float(w.sum()), rel_tol=1e-5):
            fail(f"{what} is loss × sum(w); Keras averages over the batch's samples, not adds them up")
        expect_close(
            got, printed, what, atol=1e-6, rtol=1e-4, hint="how many samples does Keras average over?"
        )

    for batch, steps, seed in ((9, 5, 83), (16, 3, 84)):
        x, y = _forecasts(batch, steps, seed)
        rng = np.random.default_rng(seed + 1)
        y_pred = rng.normal(size=y.shape).astype("float32")
        name = f"forecast_mse_fixed(y_true, y_pred) for targets of shape {y.shape}"
        per_sample = np.mean((y_pred.astype(np.float64) - y) ** 2, axis=-1)
        value = _numpy(call_learner(forecast_mse_fixed, y, y_pred, what=name))
        if value.shape == ():
            fail(
                f"{name} returns one number for the batch, as the colleague's loss does: Keras then applies "
                "every weight to that one number. Average over the steps only (axis=-1): one value per sample"
            )
        expect_shape(
            np.squeeze(value, axis=-1) if value.shape == (batch, 1) else value,
            (batch,),
            f"the output of {name}",
        )
        if np.allclose(value.reshape(-1), np.sum((y_pred.astype(np.float64) - y) ** 2, axis=-1), rtol=1e-5):
            fail(
                f"{name} sums the squares over the steps; the loss without weights must stay the mean, so average them"
            )
        expect_close(value.reshape(-1), per_sample, f"the output of {name}", atol=1e-5, rtol=1e-5)
        w = _weights(batch, seed)
        got = _evaluated(forecast_mse_fixed, x, y, w, seed)
        want = _evaluated("mse", x, y, w, seed)
        expect_close(
            got,
            want,
            f"evaluate with forecast_mse_fixed and sample weights ({batch} samples, a third of weight 0)",
            atol=1e-6,
            rtol=1e-4,
        )
        flipped = _evaluated(forecast_mse_fixed, x, y, np.where(w > 0, 0.0, 1.0).astype("float32"), seed)
        expect(
            not math.isclose(flipped, got, rel_tol=1e-6),
            f"{name}: zeroing the other samples' weights gives the same loss, {got:.4f}; the weights still "
            "do not pick samples",
        )
