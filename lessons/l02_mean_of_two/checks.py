"""Checks for lab 2 (the mean-of-two net at any scale, and (N,) vs (N, 1)). Each calls the learner's
code on inputs it makes itself and says in words what is wrong.

Exercise 1's graded training builds the learner's model for two scales drawn (seeded) far from the
lesson's 100, sets every trainable weight to 0, trains it with a plain ``model.fit`` for a fixed
small budget on pairs this module draws, and asks for a held-out error that is small *relative to
the scale*, inside and outside the training range. The limits (:data:`LIMITS`) sit orders of
magnitude above the reference solution's spread (``python -m pitfalls.authoring.spread
lab02_mean_net``, checked by ``tests/test_spread.py``) and far below the wrong answers' errors.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from pitfalls.checks.core import (
    CheckFailed,
    call_learner,
    expect,
    expect_close,
    expect_shape,
    fail,
    shape_of,
)

LAB = "lab02_mean_net"
#: The graded training: steps of ``batch_size`` pairs, one epoch, no shuffling; seeds of the
#: model's initialisation (Keras) and of the pairs (NumPy).
TRAINING = {"seed": 0, "steps": 300, "batch_size": 64, "held_out": 2048}
#: The two graded scales: one drawn log-uniformly from each band (seeded), never near the lesson's 100.
SCALE_BANDS = ((0.25, 1.0), (1_000.0, 10_000.0))
SCALE_SEED = 2026
#: The largest held-out RMSE the check accepts, as a share of the scale: on pairs drawn like the
#: training pairs (``inside``), and on pairs from [−2·scale, 3·scale) (``outside``, whose numbers
#: reach three times as far, so an affine map's error there is up to about 2.6 times its error inside).
LIMITS = {"inside": 0.01, "outside": 0.03}
#: The scale the architecture check builds the model for (any scale the learner's function takes).
ARCHITECTURE_SCALE = 37.5


def graded_scales() -> tuple[float, ...]:
    """The scales the training check uses: one per band of :data:`SCALE_BANDS`, log-uniform, seeded."""
    rng = np.random.default_rng(SCALE_SEED)
    return tuple(
        float(f"{10 ** rng.uniform(math.log10(low), math.log10(high)):.4g}") for low, high in SCALE_BANDS
    )


# --- exercise 1: the mean net, at any scale --------------------------------------------------------
def _build(build_mean_net: Callable, scale: float, seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    model = call_learner(build_mean_net, scale, what=f"build_mean_net({scale:g})")
    expect(
        isinstance(model, keras.Model),
        f"build_mean_net({scale:g}) should return a Keras model, got {type(model).__name__}",
    )
    return model


def _outputs(model, x: np.ndarray, what: str) -> np.ndarray:
    """The model's outputs for pairs ``x``, one number per pair (float64)."""
    import keras

    got = call_learner(model, keras.ops.convert_to_tensor(x.astype("float32")), training=False, what=what)
    out = np.asarray(keras.ops.convert_to_numpy(got), dtype=np.float64)
    expect(out.size == len(x), f"{what} returned {out.size} numbers for {len(x)} pairs")
    return out.reshape(-1)


def _set_trainable(model, draw: Callable[[tuple], np.ndarray]) -> None:
    for weight in model.trainable_weights:
        weight.assign(draw(tuple(weight.shape)).astype(weight.dtype))


def _expect_structure(model, scale: float) -> None:
    """Pairs in, one number out, and exactly the three trainable numbers of w₁·a + w₂·b + c."""
    expect(
        model.built and model.inputs is not None,
        f"the model of build_mean_net({scale:g}) has no input shape yet (nothing told it that it takes "
        "pairs of numbers), so it has no weights to check",
    )
    expect_shape(
        model.inputs[0],
        (None, 2),
        "the model's input",
        hints={
            (None, 1): "the model takes one number per sample; the mean net takes both numbers of a pair",
            (2,): "the batch axis is missing: a batch of pairs has shape (batch, 2)",
        },
    )
    expect_shape(
        model.outputs[0],
        (None, 1),
        "the model's output",
        hints={
            (None,): "the output is a vector (batch,); the targets are (batch, 1)",
            (None, 2): "two outputs per pair: the mean is one number per pair",
        },
    )
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    if trainable == 0:
        fail(
            "the model has no trainable weights: nothing in it can learn. The exercise asks for a net "
            "that learns the mean (w₁·a + w₂·b + c), not one that has it written in"
        )
    expect(
        trainable == 3,
        f"the model has {trainable} trainable numbers; the map from a pair to its mean, w₁·a + w₂·b + c, "
        "has 3 (two weights and a bias), and those 3 are what it should learn"
        + (": part of the map is fixed, not learned" if trainable < 3 else ""),
    )
    expect(
        getattr(model, "optimizer", None) is not None and getattr(model, "compiled", False),
        "the model is not compiled: it has no loss and no optimizer yet",
    )


def _expect_constant_at_zero(model, scale: float) -> None:
    """The model's trainable weights are all 0: its output must not depend on the inputs."""
    probe = np.random.default_rng(12).uniform(-scale, scale, size=(33, 2))
    at_zero = _outputs(model, probe, f"the model of build_mean_net({scale:g})")
    spread = float(np.max(at_zero) - np.min(at_zero))
    expect(
        spread <= 1e-6 * max(1.0, float(np.max(np.abs(at_zero)))),
        f"with every trainable weight set to 0, the model's output still depends on the inputs (it "
        f"varies by {spread:.4g} over pairs from [−{scale:g}, {scale:g})): part of what it computes is "
        "fixed code, not learned weights",
    )


def _expect_learned_map(model, scale: float) -> None:
    """With every trainable weight at 0 the output is constant (nothing fixed reads the inputs), and
    with random weights it is affine in the inputs: the map is the three trainable numbers'."""
    rng = np.random.default_rng(11)
    saved = [np.array(w.numpy()) for w in model.trainable_weights]
    try:
        _set_trainable(model, np.zeros)
        _expect_constant_at_zero(model, scale)
        u, v = rng.uniform(-scale, scale, size=(2, 33, 2))
        for _ in range(3):
            _set_trainable(model, lambda shape: rng.normal(0.0, 1.0, size=shape))
            f_u, f_v, f_uv, f_0 = (
                _outputs(model, x, f"the model of build_mean_net({scale:g})")
                for x in (u, v, u + v, np.zeros_like(u))
            )
            size = max(1e-12, float(np.max(np.abs(np.concatenate([f_u, f_v, f_uv, f_0])))))
            expect(
                float(np.max(np.abs(f_u + f_v - f_uv - f_0))) <= 1e-4 * size,
                "with random trainable weights, the model's output is not an affine function of the "
                "inputs (w₁·a + w₂·b + c): f(u) + f(v) differs from f(u + v) + f(0). Something in the "
                "model bends its output, and a mean can be any number",
            )
    finally:
        for weight, value in zip(model.trainable_weights, saved):
            weight.assign(value)


def architecture(build_mean_net: Callable) -> None:
    """A compiled Keras model: input (None, 2), output (None, 1), exactly 3 trainable numbers, and
    the map from the inputs to the output is theirs (constant at 0, affine in the inputs)."""
    model = _build(build_mean_net, ARCHITECTURE_SCALE, TRAINING["seed"])
    _expect_structure(model, ARCHITECTURE_SCALE)
    _expect_learned_map(model, ARCHITECTURE_SCALE)


def _affine_readout(model, scale: float) -> tuple[float, float, float]:
    """(w₁, w₂, c) of the map the model computes, read from its outputs at (0, 0), (s, 0), (0, s)."""
    f = _outputs(model, np.array([[0.0, 0.0], [scale, 0.0], [0.0, scale]]), "the trained model")
    return (f[1] - f[0]) / scale, (f[2] - f[0]) / scale, f[0]


def train_at(build_mean_net: Callable, scale: float, seed: int = TRAINING["seed"]) -> dict:
    """Build the learner's model for ``scale``, set its trainable weights to 0, train it with a plain
    ``fit`` on pairs from [0, scale); its held-out RMSE as a share of the scale, inside [0, scale) and
    outside it ([−2·scale, 3·scale)), and the map it learned."""
    model = _build(build_mean_net, scale, seed)
    _expect_structure(model, scale)
    _set_trainable(model, np.zeros)
    _expect_constant_at_zero(model, scale)
    rng = np.random.default_rng(1000 + seed)
    n, batch = TRAINING["steps"] * TRAINING["batch_size"], TRAINING["batch_size"]
    x = rng.uniform(0.0, scale, size=(n, 2))
    inside = rng.uniform(0.0, scale, size=(TRAINING["held_out"], 2))
    outside = rng.uniform(-2.0 * scale, 3.0 * scale, size=(TRAINING["held_out"], 2))
    # All the steps in one call of the compiled train function: the same updates, in the same order,
    # without a Python round trip per step (most of the cost of 300 steps of a 3-weight model).
    model.steps_per_execution = TRAINING["steps"]
    call_learner(
        model.fit,
        x.astype("float32"),
        x.mean(axis=1, keepdims=True).astype("float32"),
        batch_size=batch,
        epochs=1,
        shuffle=False,
        verbose=0,
        what=f"model.fit(...) at scale {scale:g}",
    )
    weights = [np.asarray(w.numpy(), dtype=np.float64) for w in model.trainable_weights]
    finite = all(np.all(np.isfinite(w)) for w in weights)
    errors = {}
    for name, pairs_ in (("inside", inside), ("outside", outside)):
        pred = _outputs(model, pairs_, "the trained model") if finite else np.full(len(pairs_), np.nan)
        errors[name] = float(np.sqrt(np.mean((pred - pairs_.mean(axis=1)) ** 2))) / scale
    readout = _affine_readout(model, scale) if finite else (math.nan,) * 3
    return {**errors, "finite": finite, "map": readout}


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded numbers of the reference solution, for ``pitfalls.authoring.spread``: at each graded
    scale, the held-out error inside and outside the training range, as a share of the scale."""
    out = {}
    for which, scale in zip(("low", "high"), graded_scales()):
        got = train_at(namespace["build_mean_net"], scale, seed=seed)
        out[f"inside_{which}"], out[f"outside_{which}"] = got["inside"], got["outside"]
    return out


def _what_went_wrong(scale: float, got: dict) -> str | None:
    steps = TRAINING["steps"]
    if not got["finite"] or not all(math.isfinite(got[k]) for k in LIMITS):
        return (
            f"at scale {scale:g} training diverged: after {steps} steps the weights are not finite numbers "
            "(NaN or infinity): each update overshot further than the last"
        )
    w1, w2, c = got["map"]
    learned = f"it learned ≈ {w1:.3f}·a + {w2:.3f}·b + {c:.4g} (the mean is 0.5·a + 0.5·b + 0)"
    if got["inside"] > LIMITS["inside"]:
        return (
            f"at scale {scale:g} (pairs from [0, {scale:g})), after {steps} steps of "
            f"{TRAINING['batch_size']} pairs from all-zero weights, the held-out error (RMSE) is "
            f"{100 * got['inside']:.3g} % of the scale, more than the {100 * LIMITS['inside']:g} % "
            f"allowed: {learned}"
        )
    if got["outside"] > LIMITS["outside"]:
        return (
            f"at scale {scale:g}, the trained model is close to the mean on pairs from [0, {scale:g}) but "
            f"not outside that range: on pairs from [{-2 * scale:g}, {3 * scale:g}) its error is "
            f"{100 * got['outside']:.3g} % of the scale (allowed: {100 * LIMITS['outside']:g} %). The mean "
            "is the same formula for every pair"
        )
    return None


def training(build_mean_net: Callable) -> None:
    """Built for two scales far apart, set to 0 and trained for the fixed budget, the model is within
    :data:`LIMITS` of the mean at both, inside and outside the training range."""
    problems = []
    for scale in graded_scales():
        problem = _what_went_wrong(scale, train_at(build_mean_net, scale))
        if problem:
            problems.append(problem)
    if problems:
        fail("; and ".join(problems) + ".")


# --- exercise 2: a Loss subclass that pairs rows whatever their rank --------------------------------
# (samples, values per sample, the targets' shape, the predictions' shape): every pairing of (N,)
# and (N, 1), a batch of one, and k values per sample.
LOSS_CASES = (
    (9, 1, "flat", "column"),
    (9, 1, "column", "flat"),
    (9, 1, "flat", "flat"),
    (9, 1, "column", "column"),
    (1, 1, "column", "flat"),
    (1, 1, "column", "column"),
    (6, 3, "wide", "wide"),
    (11, 4, "wide", "wide"),
)


def _shaped(values: np.ndarray, layout: str) -> np.ndarray:
    """``values`` (n, k) as (n,), (n, 1) or (n, k)."""
    return values[:, 0].copy() if layout == "flat" else values.copy()


def _loss_values(loss, y_true: np.ndarray, y_pred: np.ndarray, what: str) -> np.ndarray:
    import keras

    got = call_learner(
        loss.call, keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(y_pred), what=what
    )
    try:
        return np.asarray(keras.ops.convert_to_numpy(got), dtype=np.float64)
    except Exception:
        fail(f"{what} should return a tensor of losses, got {type(got).__name__}")


def paired_loss(PairedSquaredError: Callable) -> None:
    """``call`` gives each sample the mean of its squared errors, rows paired whatever their rank;
    Keras weights those per-sample values; it runs in ``evaluate`` (symbolic tensors)."""
    import keras

    expect(
        isinstance(PairedSquaredError, type) and issubclass(PairedSquaredError, keras.losses.Loss),
        "PairedSquaredError should be a class that subclasses keras.losses.Loss",
    )
    loss = call_learner(PairedSquaredError, what="PairedSquaredError()")
    rng = np.random.default_rng(22)
    for n, k, t_layout, p_layout in LOSS_CASES:
        t = rng.normal(50, 20, size=(n, k)).astype("float32")
        p = (t + rng.normal(0, 3, size=(n, k))).astype("float32")
        y_true, y_pred = _shaped(t, t_layout), _shaped(p, p_layout)
        what = f"call(targets of shape {y_true.shape}, predictions of shape {y_pred.shape})"
        got = _loss_values(loss, y_true, y_pred, what)
        want = np.mean((t.astype(np.float64) - p) ** 2, axis=1)
        _expect_per_sample(got, want, t, p, what)
        weights = rng.uniform(0, 2, size=n).astype("float32")
        weighted = call_learner(
            loss,
            keras.ops.convert_to_tensor(y_true),
            keras.ops.convert_to_tensor(y_pred),
            sample_weight=keras.ops.convert_to_tensor(weights),
            what=f"PairedSquaredError()({what[5:-1]}, sample_weight=…)",
        )
        expect_close(
            float(keras.ops.convert_to_numpy(weighted)),
            float(np.sum(weights * want) / n),
            f"PairedSquaredError() with sample weights, for targets {y_true.shape} and predictions "
            f"{y_pred.shape} (the weighted mean of the per-sample errors)",
            rtol=1e-4,
        )
    # The colleague's case in Keras' own graph: outputs (N, 1), targets (N,). (Outputs (N,) against
    # targets (N, 1) are the same code path; the eager calls above pair every shape.)
    _expect_evaluated(PairedSquaredError, np.random.default_rng(23))


def _expect_per_sample(got: np.ndarray, want: np.ndarray, t: np.ndarray, p: np.ndarray, what: str) -> None:
    n, k = t.shape
    if got.shape == ():
        fail(
            f"{what} returned one number for the whole batch, not one per sample: Keras can then only scale "
            "it by the average sample weight"
        )
    if got.shape == (n * k,) and k > 1:
        fail(f"{what} returned {n * k} values, one per value, not one per sample ({n})")
    expect(
        got.shape == (n,),
        f"{what} returned shape {got.shape}; one value per sample is shape ({n},)",
    )
    if n > 1 and k == 1:
        table = (t[:, 0][:, None].astype(np.float64) - p[:, 0][None, :]) ** 2  # table[i, j] = (t_i − p_j)²
        if np.allclose(got, table.mean(axis=0), rtol=1e-4) or np.allclose(got, table.mean(axis=1), rtol=1e-4):
            fail(
                f"{what}: each of its {n} values averages one sample against all {n} samples of the other "
                f"array: the two were broadcast into a {n} × {n} table, not paired row by row"
            )
    if k > 1 and np.allclose(got, k * want, rtol=1e-4):
        fail(f"{what}: each value is the sum of the sample's {k} squared errors, not their mean")
    expect_close(got, want, f"{what}, the per-sample mean squared errors", rtol=1e-4, atol=1e-4)


def _expect_evaluated(PairedSquaredError: Callable, rng: np.random.Generator) -> None:
    """A frozen Dense(1) (kernel 0.4, 0.7), outputs (N, 1), against targets (N,), evaluated in one
    weighted batch: symbolic tensors, Keras' own reduction."""
    import keras

    n = 37
    x = rng.integers(0, 100, size=(n, 2)).astype("float32")
    weights = rng.uniform(0, 2, size=n).astype("float32")
    inputs = keras.Input(shape=(2,))
    layer = keras.layers.Dense(1, trainable=False)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.array([[0.4], [0.7]]), np.zeros(1)])
    loss = call_learner(PairedSquaredError, what="PairedSquaredError()")
    call_learner(model.compile, loss=loss, what="model.compile(loss=PairedSquaredError())")
    means = x.mean(axis=1)
    shapes = "outputs of shape (N, 1) and targets of shape (N,)"
    got = call_learner(
        model.evaluate,
        x,
        means,
        sample_weight=weights,
        batch_size=n,
        verbose=0,
        what=f"model.evaluate(...) of a model compiled with loss=PairedSquaredError(), {shapes}",
    )
    errors = (x.astype(np.float64) @ np.array([0.4, 0.7]) - means) ** 2
    expect_close(
        float(got),
        float(np.sum(weights * errors) / n),
        f"model.evaluate(..., sample_weight=…) with loss=PairedSquaredError(), {shapes} (the weighted mean "
        "squared error of matching rows)",
        rtol=1e-4,
    )


# --- exercise 3: the broadcast loss, analytically ------------------------------------------------------
def _ranges(rng: np.random.Generator) -> list[tuple[int, int]]:
    """[low, high) ranges: the lesson's, small and odd widths, negative lows, one integer only."""
    drawn = [
        (int(low), int(low + width)) for low, width in zip(rng.integers(-60, 60, 6), rng.integers(2, 150, 6))
    ]
    return [(0, 100), (0, 10), (5, 25), (-3, 4), (7, 9), *drawn]


def broadcast(broadcast_loss: Callable) -> None:
    """(n² − 1)/12 = 2·Var((a+b)/2) for a, b uniform integers in [low, high), n = high − low."""
    for low, high in _ranges(np.random.default_rng(31)):
        n = high - low
        want = (n * n - 1) / 12
        got = call_learner(broadcast_loss, low, high)
        try:
            value = float(got)
        except (TypeError, ValueError):
            fail(f"broadcast_loss({low}, {high}) should return a number, got {type(got).__name__}")
        where = f"broadcast_loss({low}, {high})"
        if math.isclose(value, 833.25) and n != 100:
            fail(f"{where} = 833.25: the [0, 100) answer for every range? It must depend on low and high")
        if math.isclose(value, (n * n - 1) / 24, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} is Var((a+b)/2), the variance of *one* mean (lesson 3's plateau). "
                "Broadcasting compares every target with every prediction: each term is the difference of two "
                "independent means"
            )
        if math.isclose(value, n * n / 12, rel_tol=1e-9) or math.isclose(value, n * n / 24, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} uses n²/12, the variance of a *continuous* uniform; the numbers here "
                "are integers, drawn from [low, high)"
            )
        m = n + 1
        if math.isclose(value, (m * m - 1) / 12, rel_tol=1e-9) or math.isclose(
            value, (m * m - 1) / 24, rel_tol=1e-9
        ):
            fail(
                f"{where} = {value:g} counts {m} integers; [low, high) excludes high: there are high − low of them"
            )
        expect(
            math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-9),
            f"{where}: expected {want:g} for integers in [{low}, {high}), got {value:g}",
        )


# --- exercise 4: an MSE that does not broadcast ------------------------------------------------------
def safe_mse(mse: Callable) -> None:
    """``mse(y_true, y_pred)`` pairs row i with row i whatever the shapes; refuses different sizes."""
    rng = np.random.default_rng(41)
    y_true = rng.integers(0, 100, size=(7, 1)).astype(np.float64)
    y_pred = y_true[:, 0] + rng.normal(0, 3, size=7)
    want = float(np.mean((y_true[:, 0] - y_pred) ** 2))
    broadcast_value = float(np.mean((y_true - y_pred) ** 2))
    for a, b in (
        (y_true, y_pred),
        (y_pred, y_true),
        (y_true, y_pred[:, None]),
        (y_pred, y_pred * 0 + y_true[:, 0]),
    ):
        got = call_learner(
            mse, a.copy(), b.copy(), what=f"mse(array of shape {a.shape}, array of shape {b.shape})"
        )
        try:
            value = float(got)
        except (TypeError, ValueError):
            fail(f"mse(...) should return one number, got {type(got).__name__} of shape {shape_of(got)}")
        expected = float(np.mean((a.reshape(-1) - b.reshape(-1)) ** 2))
        if (
            shape_of(a) != shape_of(b)
            and math.isclose(value, broadcast_value, rel_tol=1e-9)
            and not math.isclose(value, want, rel_tol=1e-9)
        ):
            fail(
                f"your mse broadcast {a.shape} against {b.shape} into a (7, 7) matrix and averaged every "
                f"target against every prediction ({value:.4g} instead of {want:.4g})"
            )
        expect(
            math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12),
            f"mse(array of shape {a.shape}, array of shape {b.shape}): expected {expected:.6g}, got {value:.6g}",
        )
    # Different sizes: 7 against 6 (numpy itself refuses to broadcast those) and 7 against 1 (numpy
    # broadcasts those silently: only the learner's own size check refuses them).
    one = y_pred[:1]
    for a, b in (
        (y_true, y_pred[:6]),
        (y_true, one),
        (one, y_true),
        (y_pred, one[:, None]),
        (y_true[:3], y_pred),
    ):
        what = f"mse({a.size} targets of shape {a.shape}, {b.size} predictions of shape {b.shape})"
        try:
            import contextlib
            import io
            import warnings

            with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
                warnings.simplefilter("ignore")
                result = mse(a.copy(), b.copy())
        except ValueError:
            continue
        except Exception as exc:
            fail(f"{what} raised {type(exc).__name__}: {exc}; it should raise ValueError")
        fail(
            f"{what} returned {result!r}: arrays of different sizes cannot be paired row by "
            "row, so mse should raise ValueError instead of broadcasting or truncating"
            + (
                " (numpy broadcasts a single value against any length without an error)"
                if 1 in (a.size, b.size)
                else ""
            )
        )


# --- exercise 5: diagnosis, a loss of 0 in Keras and 1 600 in NumPy -----------------------------
def _targets_and_predictions(n: int, seed: int, bias: float) -> tuple[np.ndarray, np.ndarray]:
    """Skewed targets ``(n,)`` (prices) and a good model's predictions ``(n, 1)``, off by ``bias``."""
    rng = np.random.default_rng(seed)
    y = rng.lognormal(4.0, 0.5, size=n)
    return y, (y + bias + rng.normal(0.0, 2.0, size=n)).reshape(n, 1)


def _pairwise(y: np.ndarray, p: np.ndarray) -> float:
    t, q = y.astype(np.float64).ravel(), p.astype(np.float64).ravel()
    return float(np.var(t) + np.var(q) + (t.mean() - q.mean()) ** 2)


def _number(value, what: str) -> float:
    expect(
        isinstance(value, (int, float, np.number)) or shape_of(value) in ((), (1,)),
        f"{what} should return one number, got {value!r:.80}",
    )
    return float(np.asarray(value, dtype=np.float64).reshape(-1)[0])


def diagnosis(numpy_line: Callable, perfect_model_line: Callable) -> None:
    """(N,) − (N, 1) broadcasts to an N × N table of (t_i − p_j)²: its mean is
    Var(t) + Var(p) + (mean t − mean p)², and 2·Var(t) for a perfect model."""
    for n, seed, bias in ((9, 51, 0.0), (40, 52, 3.0), (333, 53, -1.5)):
        y, p = _targets_and_predictions(n, seed, bias)
        what = f"numpy_line(y_test, y_pred) for {n} targets of shape ({n},) and predictions ({n}, 1)"
        got = _number(call_learner(numpy_line, y.copy(), p.copy(), what=what), what)
        want = _pairwise(y, p)
        matched = float(np.mean((y - p.ravel()) ** 2))
        if math.isclose(got, matched, rel_tol=1e-6):
            fail(
                f"{what} is {got:.4f}, the mean squared error of matching rows — what Keras computes. The "
                f"colleague's line prints {want:.4f}: what shape does y_test - y_pred have?"
            )
        t, q = y.ravel(), p.ravel()
        if math.isclose(got, float(np.var(t) + np.var(q)), rel_tol=1e-6) and not math.isclose(
            got, want, rel_tol=1e-6
        ):
            fail(
                f"{what} is {got:.4f}, Var(y_test) + Var(y_pred): right only when the two have the same mean. "
                "Their means differ here; what does that add to every pair?"
            )
        if math.isclose(
            got, float(np.var(t, ddof=1) + np.var(q, ddof=1) + (t.mean() - q.mean()) ** 2), rel_tol=1e-9
        ):
            fail(
                f"{what} uses the sample variances (ddof=1), which divide by N − 1; the line's mean divides "
                "by N·N"
            )
        expect_close(got, want, what, rtol=1e-6)

    y, p = _targets_and_predictions(1_000_000, 54, 0.5)
    what = "numpy_line(y_test, y_pred) for a million samples"
    try:
        got = _number(call_learner(numpy_line, y, p, what=what), what)
    except CheckFailed as exc:
        if "MemoryError" in str(exc):
            fail(
                f"{what} builds the million × million table the colleague's line builds ({exc}); the lab "
                "asks for its mean without building it"
            )
        raise
    expect_close(got, _pairwise(y, p), what, rtol=1e-6)

    for n, seed in ((12, 55), (500, 56)):
        y, _ = _targets_and_predictions(n, seed, 0.0)
        what = f"perfect_model_line(y_test) for {n} targets"
        got = _number(call_learner(perfect_model_line, y.copy(), what=what), what)
        if math.isclose(got, 0.0, abs_tol=1e-12):
            fail(
                f"{what} is 0: that is Keras' number, on matching rows. The NumPy line pairs every target with every prediction"
            )
        if math.isclose(got, float(np.var(y)), rel_tol=1e-6):
            fail(f"{what} is Var(y_test): each pair (i, j) has two independent values, t_i and t_j")
        if math.isclose(got, 2 * float(np.var(y, ddof=1)), rel_tol=1e-9):
            fail(f"{what} uses the sample variance (ddof=1), which divides by N − 1; the line divides by N·N")
        expect_close(got, 2 * float(np.var(y)), what, rtol=1e-6)
