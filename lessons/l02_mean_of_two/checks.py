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
        "the model has no input shape yet: start it with keras.Input(shape=(2,))",
    )
    expect_shape(
        model.inputs[0],
        (None, 2),
        "the model's input",
        hints={
            (
                None,
                1,
            ): "the model takes one number per sample; it needs the two numbers: keras.Input(shape=(2,))",
            (2,): "the batch axis is missing: keras.Input(shape=(2,)) makes inputs of shape (None, 2)",
        },
    )
    expect_shape(
        model.outputs[0],
        (None, 1),
        "the model's output",
        hints={
            (None,): "the output is a vector (batch,); the targets are (batch, 1): keep the unit axis",
            (None, 2): "two output units: the mean is one number per pair, Dense(1)",
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
            "expected 3 parameters (2 weights + 1 bias), got 2: the layer has use_bias=False. The mean "
            "needs a bias of 0, but the lab's model has one (Keras' default) and learns that 0 itself"
        )
    expect(params == 3, f"expected 3 parameters (2 weights + 1 bias), got {params:,}")
    expect(
        model.optimizer is not None and model.compiled,
        "the model is not compiled: call model.compile(loss=..., optimizer=...)",
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


# --- exercise 2: a Lambda that keeps (batch, 1) ----------------------------------------------------
def lambda_mean(calc_mean: Callable) -> None:
    """``Lambda(calc_mean)`` on ``Input(shape=(2,))`` outputs (batch, 1): each row's mean."""
    import keras

    x = _pairs_to_average(np.random.default_rng(21))
    # On a real tensor first: an error in calc_mean shows as itself, not as Keras' shape-inference error.
    call_learner(calc_mean, keras.ops.convert_to_tensor(x), what=f"calc_mean(a tensor of {len(x)} pairs)")
    inputs = keras.Input(shape=(2,))
    out = call_learner(
        keras.layers.Lambda(calc_mean), inputs, what="Lambda(calc_mean) on keras.Input(shape=(2,))"
    )
    expect_shape(
        out,
        (None, 1),
        "the Lambda's output for inputs of shape (None, 2)",
        hints={
            (None,): "the mean of each row has shape (batch,): add ops.expand_dims(..., -1) (or use "
            "keepdims=True) so that it keeps its own axis, (batch, 1), like the targets",
            (None, 2): "that keeps both columns; the mean is one number per row",
            (1, 2): "that averaged over the batch (axis 0); average each row, over axis 1",
        },
    )
    model = keras.Model(inputs, out)
    got = np.asarray(call_learner(model.predict, x, verbose=0, what="model.predict(...)"))
    expect_shape(
        got,
        (len(x), 1),
        f"predict on {len(x)} pairs",
        hints={
            (
                len(x),
            ): "the symbolic shape says (batch, 1) but predict returns (batch,): an output_shape= declaration "
            "is not checked; keep the axis in the function itself (ops.expand_dims)"
        },
    )
    want = x.mean(axis=1, keepdims=True)
    if np.allclose(got, x.sum(axis=1, keepdims=True)):
        fail("calc_mean returns the sum of the two numbers; the mean divides it by 2")
    if np.allclose(got, np.floor(x.sum(axis=1, keepdims=True) / 2)):
        fail(
            "calc_mean rounds the mean down (// is floor division): the mean of 3 and 4 is 3.5, not 3. "
            "Divide with /"
        )
    expect_close(got, want, f"calc_mean's values on {len(x)} fresh pairs", atol=1e-5, rtol=1e-6)


def _pairs_to_average(rng: np.random.Generator) -> np.ndarray:
    """Pairs whose means are not whole numbers: integers with odd and even sums (an integer
    division rounds the odd ones), negatives, fractions, zeros; an odd number of rows."""
    whole = rng.integers(-50, 50, size=(9, 2))
    whole[::2, 1] = whole[::2, 0] + 2 * rng.integers(-20, 20, size=5) + 1  # odd sums
    fractions = rng.uniform(-10, 10, size=(5, 2)).round(3)
    return np.concatenate([whole, fractions, [[0, 0], [-1, 0], [1, 2]]]).astype("float32")


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
                "Broadcasting compares every target with every prediction: the difference of two independent "
                "means, whose variance is 2·Var((a+b)/2)"
            )
        if math.isclose(value, n * n / 12, rel_tol=1e-9) or math.isclose(value, n * n / 24, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} uses n²/12, the variance of a *continuous* uniform; for integers "
                "drawn from [low, high) it is (n² − 1)/12 with n = high − low"
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
            f"{where}: expected {want:g} (= 2·Var((a+b)/2) for integers in [{low}, {high})), got {value:g}",
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
                f"target against every prediction ({value:.4g} instead of {want:.4g}). Flatten both "
                "(np.ravel or reshape(-1)) before subtracting"
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
                f"{what} uses the sample variances (ddof=1); the line's mean divides by N·N, so use the "
                "population variances, np.var(..., ddof=0)"
            )
        expect_close(got, want, what, rtol=1e-6, hint="the line averages (t_i − p_j)² over every pair (i, j)")

    y, p = _targets_and_predictions(1_000_000, 54, 0.5)
    what = "numpy_line(y_test, y_pred) for a million samples"
    try:
        got = _number(call_learner(numpy_line, y, p, what=what), what)
    except CheckFailed as exc:
        if "MemoryError" in str(exc):
            fail(
                f"{what} builds the million × million table the colleague's line builds ({exc}); compute "
                "its mean from the means and variances of the targets and the predictions"
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
            fail(f"{what} uses the sample variance (ddof=1); the line divides by N·N: use np.var(y_test)")
        expect_close(got, 2 * float(np.var(y)), what, rtol=1e-6)
