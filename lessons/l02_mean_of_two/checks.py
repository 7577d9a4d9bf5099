"""Checks for lab 2 (the mean-of-two net, and (N,) vs (N, 1)). Each calls the learner's code on
inputs it makes itself and says in words what is wrong.

The graded training runs the learner's compiled model on pairs this module draws (seeded), for a
fixed number of steps, and compares the held-out loss and the learned kernel with the reference
run recorded by ``python -m pitfalls.authoring.spread lab02_mean_net``.
"""

from __future__ import annotations

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
    load_spread,
    loss_label,
    shape_of,
)
from pitfalls.meannet import pairs

LAB = "lab02_mean_net"
TRAINING = {"seed": 0, "steps": 2000, "batch_size": 64}


# --- exercise 1: the mean net ------------------------------------------------------------------
def _build(build_mean_net: Callable, seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    model = call_learner(build_mean_net)
    expect(
        isinstance(model, keras.Model),
        f"build_mean_net() should return a Keras model, got {type(model).__name__}",
    )
    return model


def architecture(build_mean_net: Callable) -> None:
    """Input (None, 2) → one Dense(1), linear, with a bias; compiled with MSE and RMSprop(0.001)."""
    import keras

    model = _build(build_mean_net, TRAINING["seed"])
    expect(
        model.built and model.inputs is not None,
        "the model has no input shape yet (nothing told it that it takes pairs of numbers), so it has "
        "no weights to check",
    )
    expect_shape(
        model.inputs[0],
        (None, 2),
        "the model's input",
        hints={
            (
                None,
                1,
            ): "the model takes one number per sample; the mean net takes both numbers of a pair",
            (2,): "the batch axis is missing: a batch of pairs has shape (batch, 2)",
        },
    )
    expect_shape(
        model.outputs[0],
        (None, 1),
        "the model's output",
        hints={
            (None,): "the output is a vector (batch,); the targets are (batch, 1)",
            (None, 2): "two output units: the mean is one number per pair",
        },
    )
    dense = dense_layers(model)
    expect(
        len(dense) == 1, f"expected exactly one Dense layer (the mean is w₁·a + w₂·b + c), found {len(dense)}"
    )
    layer = dense[0]
    expect(layer.units == 1, f"the Dense layer should have 1 unit, it has {layer.units}")
    act = activation_name(layer)
    expect(
        act == "linear",
        f"the Dense layer's activation should be linear (none), it is {act}: a mean can be "
        "any number, and the activation would bend the output",
    )
    params = model.count_params()
    if params == 2 and not layer.use_bias:
        fail(
            "expected 3 parameters (2 weights + 1 bias), got 2: the layer has no bias. The mean "
            "needs a bias of 0, but the lab's model has one (Keras' default) and learns that 0 itself"
        )
    expect(params == 3, f"expected 3 parameters (2 weights + 1 bias), got {params:,}")
    expect(
        model.optimizer is not None and model.compiled,
        "the model is not compiled: it has no loss and no optimizer yet",
    )
    expect(
        isinstance(model.optimizer, keras.optimizers.RMSprop),
        f"the optimizer should be RMSprop (the article's), it is {type(model.optimizer).__name__}",
    )
    lr = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
    expect(abs(lr - 1e-3) < 1e-9, f"the learning rate should be 0.001 (RMSprop's default), it is {lr:g}")
    _expect_mse(model)


def _expect_mse(model) -> None:
    """The compiled loss, judged on data: targets (N, 1) and predictions of the check's own, its value
    compared with the mean squared error computed here (however the loss was spelled)."""
    rng = np.random.default_rng(7)
    y_true = rng.normal(50.0, 20.0, size=(9, 1)).astype("float32")
    y_pred = (y_true + rng.normal(0.0, 3.0, size=(9, 1))).astype("float32")
    want = float(np.mean((y_true.astype(np.float64) - y_pred) ** 2))
    got = compiled_loss(model, y_true, y_pred)
    expect(
        got is not None and math.isclose(got, want, rel_tol=1e-4),
        f"the loss should be the mean squared error ('mse'), it is {loss_label(model.loss)}: on targets "
        "and predictions where the mean squared error is "
        f"{want:.4f}, it " + ("cannot be computed" if got is None else f"gives {got:.4f}"),
    )


def train_graded(build_mean_net: Callable, seed: int = TRAINING["seed"]) -> dict[str, float]:
    """Seed, build the learner's model, train it on this module's pairs; held-out loss and kernel error."""
    model = _build(build_mean_net, seed)
    rng = np.random.default_rng(1000 + seed)
    x, y = pairs(TRAINING["steps"] * TRAINING["batch_size"], rng)
    x_test, y_test = pairs(2048, rng)
    call_learner(
        model.fit,
        x.astype("float32"),
        y.astype("float32"),
        batch_size=TRAINING["batch_size"],
        epochs=1,
        shuffle=False,
        verbose=0,
        what="model.fit(...)",
    )
    pred = np.asarray(
        call_learner(model.predict, x_test.astype("float32"), verbose=0, what="model.predict(...)"),
        dtype=np.float64,
    )
    expect(pred.size == len(x_test), f"model.predict returned {pred.size} numbers for {len(x_test)} pairs")
    test_loss = float(np.mean((pred.reshape(-1) - y_test[:, 0]) ** 2))
    kernels = [layer.get_weights()[0] for layer in dense_layers(model)]
    kernel = kernels[0].reshape(-1) if len(kernels) == 1 and kernels[0].size == 2 else np.full(2, np.nan)
    return {"test_loss": test_loss, "kernel_error": float(np.max(np.abs(kernel - 0.5)))}


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded numbers of the reference solution, for ``pitfalls.authoring.spread``."""
    return train_graded(namespace["build_mean_net"], seed=seed)


def training(build_mean_net: Callable) -> None:
    """Trained as the lab says, the held-out loss and the kernel are within the measured spread."""
    spread = load_spread(LAB)
    got = train_graded(build_mean_net)
    loss, kernel_error = got["test_loss"], got["kernel_error"]
    expect(math.isfinite(loss), f"training diverged: the held-out loss is {loss}")
    ref, tol = spread["test_loss"]["reference"], spread["test_loss"]["tolerance"]
    steps = TRAINING["steps"]
    if loss > ref + tol:
        fail(
            f"after {steps} steps of batch 64 the held-out loss is {loss:.4g}, higher than the reference "
            f"{ref:.4g} + {tol:.3g} (the spread measured over seeds and CPUs). Check the optimizer, its "
            "learning rate and the activation against the instructions."
        )
    kref, ktol = spread["kernel_error"]["reference"], spread["kernel_error"]["tolerance"]
    expect(
        math.isfinite(kernel_error), "the trained model has no single Dense kernel of 2 weights to inspect"
    )
    if kernel_error > kref + ktol:
        fail(
            f"after {steps} steps the kernel is {kernel_error:.3g} away from (0.5, 0.5), more than the "
            f"reference {kref:.3g} + {ktol:.3g}"
        )


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
