"""Checks for lab 6 (functional API, shared weights, slicing, custom losses, BEGAN's γ from k).

Every check builds its own inputs (other sizes than the lesson's, so hard-coded numbers show) and
its own expected answer; the mistakes lesson 6 measured get their own messages: ``x[:5]`` slicing
the batch axis, heads whose body is rebuilt per model (or only half shared), a loss collapsed to
one number or averaged over the axes of one rank only, a penalty counted once where a shared
layer adds it twice or weighted by ``sample_weight``; and for BEGAN's k, a γ read back from a
trace through steps the clip acted on, with a sign or λ_k or a step out of place, or as BEGAN's
equilibrium guess mean(L_gen) / mean(L_real).
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
    dense_layers,
    expect,
    expect_close,
    expect_shape,
    fail,
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


# --- exercise 2: heads that were meant to share a body --------------------------------------------
BODY_UNITS = (16, 8)
HEAD_ACTIVATIONS = (None, "softmax", "sigmoid", "tanh")


def _heads_cases(seed: int = 62) -> list[tuple[int, list[tuple[int, str | None]]]]:
    """(n_features, heads) drawn from a seeded family: 2 to 4 heads of 1 to 6 units, odd inputs."""
    rng = np.random.default_rng(seed)
    cases = []
    for n_heads in (2, 4):
        n_features = int(rng.integers(5, 30))
        heads = [
            (int(rng.integers(1, 7)), HEAD_ACTIVATIONS[int(rng.integers(len(HEAD_ACTIVATIONS)))])
            for _ in range(n_heads)
        ]
        heads[0] = (heads[0][0], "softmax" if heads[0][1] is None else heads[0][1])  # never all linear
        heads[-1] = (heads[-1][0], None)  # the head the check trains: linear, any target
        heads = [
            (max(units, 2) if act == "softmax" else units, act) for units, act in heads
        ]  # 1-unit softmax: constant
        cases.append((n_features, heads))
    return cases


def _body_params(n_features: int) -> int:
    sizes = (n_features, *BODY_UNITS)
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def _ids(model) -> dict[int, object]:
    return {id(w): w for w in model.weights}


def _heads_built(build_heads: Callable, n_features: int, heads: list) -> list:
    """The learner's models for ``heads``, with their inputs and outputs checked."""
    import keras

    name = f"build_heads({n_features}, {heads})"
    models = call_learner(build_heads, n_features, list(heads), what=name)
    expect(
        isinstance(models, (list, tuple)) and len(models) == len(heads),
        f"{name} should return a list of {len(heads)} models, one per head; got {type(models).__name__}"
        + (f" of {len(models)}" if isinstance(models, (list, tuple)) else ""),
    )
    expect(len({id(m) for m in models}) == len(models), f"{name} returned the same model more than once")
    for i, (model, (units, _)) in enumerate(zip(models, heads)):
        which = f"model {i} of {name}"
        expect(isinstance(model, keras.Model), f"{which} should be a keras.Model, got {type(model).__name__}")
        expect(
            len(model.inputs) == 1, f"{which} has {len(model.inputs)} inputs; each head has its own one input"
        )
        expect_shape(model.inputs[0], (None, n_features), f"the input of {which}")
        expect_shape(model.outputs[0], (None, units), f"the output of {which}")
    return models


def _heads_share(models: list, name: str, n_features: int, heads: list) -> None:
    """Every pair of models has exactly the body's variables in common; the rest are the heads'."""
    n_body = 2 * len(BODY_UNITS)
    distinct = {k: w for m in models for k, w in _ids(m).items()}
    own_bodies = n_body * len(models) + 2 * len(models)
    if len(distinct) == own_bodies:
        fail(
            f"the {len(models)} models of {name} hold {len(distinct)} distinct weight variables, "
            f"{n_body} for a body and 2 for a head in *each* model: every model has a body of its own, "
            "so training one head leaves the other models' features exactly as they were. Where are "
            "the body's layers created, and how many times?"
        )
    common = set(_ids(models[0]))
    for i, model in enumerate(models[1:], 1):
        shared = set(_ids(models[0])) & set(_ids(model))
        if len(shared) < n_body:
            fail(
                f"models 0 and {i} of {name} have {len(shared)} weight variables in common, expected the "
                f"body's {n_body} (two kernels, two biases): part of the body is still built per model"
            )
        common &= shared
    expect(
        len(common) == n_body,
        f"the models of {name} have {len(common)} weight variables in common, expected the body's "
        f"{n_body}: each head's Dense layer should be its own",
    )
    expected = n_body + 2 * len(models)
    expect(
        len(distinct) == expected,
        f"the models of {name} hold {len(distinct)} distinct weight variables, expected {expected}: "
        f"the body's {n_body}, and a kernel and a bias for each head",
    )
    params = sum(int(np.prod(w.shape)) for w in distinct.values())
    want = _body_params(n_features) + sum(BODY_UNITS[-1] * u + u for u, _ in heads)
    expect(
        params == want,
        f"the distinct variables of {name} hold {params} parameters, expected {want} (the body "
        f"{n_features}→16→8: {_body_params(n_features)}, and each head 8→units): check the layer sizes",
    )
    for i, (model, (units, activation)) in enumerate(zip(models, heads)):
        layers = dense_layers(model)
        in_body = [l for l in layers if id(l.kernel) in common]
        own = [l for l in layers if id(l.kernel) not in common]
        names = [activation_name(l) for l in in_body]
        expect(
            names == ["relu", "relu"],
            f"the body's Dense activations in model {i} are {names}, expected relu twice",
        )
        expect(
            len(own) == 1, f"model {i} of {name} has {len(own)} Dense layers of its own, expected one head"
        )
        got, wanted = activation_name(own[0]), activation or "linear"
        expect(
            got == wanted,
            f"the head of model {i} of {name}, ({units}, {activation!r}), has the activation {got!r}, "
            f"expected {wanted!r}",
        )


def _heads_train(models: list, name: str) -> None:
    """A training step on the last model, as an optimizer makes it (every trainable variable moved),
    moves every other model's outputs and none of their heads."""
    trained = models[-1]
    n_features = trained.inputs[0].shape[1]
    probe = np.random.default_rng(61).normal(size=(6, n_features)).astype("float32")
    before = [_numpy(call_learner(m, probe, what="a model on a batch")) for m in models[:-1]]
    trainable = {id(w) for w in trained.trainable_weights}
    heads_before = [
        [(w, _numpy(w)) for w in m.weights if id(w) not in set(_ids(trained))] for m in models[:-1]
    ]
    rng = np.random.default_rng(62)
    for w in trained.trainable_weights:  # the step: fit would move these, and only these
        w.assign(_numpy(w) + rng.normal(0, 0.3, size=w.shape))
    for i, (model, old) in enumerate(zip(models[:-1], before)):
        shared = [w for w in model.weights if id(w) in set(_ids(trained))]
        expect(
            all(id(w) in trainable for w in shared),
            f"the body's variables are not trainable in the last model of {name}: training a head would "
            "leave the shared features as they are",
        )
        after = _numpy(call_learner(model, probe, what="a model on a batch"))
        expect(
            float(np.abs(after - old).max()) > 1e-6,
            f"after a training step of the last model of {name}, model {i}'s outputs did not change: its "
            "body is not the one that was trained",
        )
    for i, held in enumerate(heads_before):
        expect(
            all(np.array_equal(_numpy(w), b) for w, b in held),
            f"a training step of the last model of {name} changed model {i}'s own head: only the body is shared",
        )


def shared_heads(build_heads: Callable) -> None:
    """Models over one body: their inputs and outputs, the variables they share, what training moves."""
    import keras

    for n_features, heads in _heads_cases():
        keras.utils.set_random_seed(0)
        name = f"build_heads({n_features}, {heads})"
        models = _heads_built(build_heads, n_features, heads)
        _heads_share(models, name, n_features, heads)
    _heads_train(models, name)


# --- exercise 3: a per-sample loss for targets of any rank ----------------------------------------
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


def _target_shapes(seed: int = 30) -> list[tuple[int, ...]]:
    """One batch shape per rank 2 to 5, odd sizes, no two axes alike (so a wrong axis shows)."""
    rng = np.random.default_rng(seed)
    shapes = []
    for rank in (2, 3, 4, 5):
        sizes = rng.permutation(np.arange(2, 10))[:rank]
        shapes.append(tuple(int(s) for s in sizes))
    return shapes


def _per_sample_values(per_sample_mae: Callable, shape: tuple[int, ...], rng) -> None:
    from keras import ops

    y_true = rng.random(shape).astype("float32")
    y_pred = rng.random(shape).astype("float32")
    n, rank = shape[0], len(shape)
    name = f"per_sample_mae on a batch of rank {rank}, shape {shape}"
    try:
        got = _numpy(
            call_learner(
                per_sample_mae, ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred), what=name
            )
        )
    except CheckFailed as exc:
        if "dimension" in str(exc).lower() or "axis" in str(exc).lower():
            fail(f"{exc}\nThe loss names axes that a batch of rank {rank} does not have.")
        raise
    hints = {
        (): f"one number for the whole batch: a Keras loss returns one value per sample, shape ({n},), so "
        "that sample_weight and masks can act on each sample"
    }
    if got.ndim > 1:
        hints[got.shape] = (
            f"{int(np.prod(got.shape[1:]))} values per sample instead of one: some of each sample's axes "
            "were not averaged"
        )
    expect_shape(got, (n,), name, hints=hints)
    error = np.abs(y_pred.astype(np.float64) - y_true).reshape(n, -1)
    if np.allclose(got, error.sum(axis=1), rtol=1e-5):
        fail(f"{name}: these are sums of |error| over each sample; the exercise asks for the mean")
    if np.allclose(got, (error**2).mean(axis=1), atol=1e-6):
        fail(f"{name}: these are mean *squared* errors; the exercise asks for the mean absolute error")
    expect_close(got, error.mean(axis=1), name, atol=1e-5, rtol=1e-5)


def _per_sample_weighted(per_sample_mae: Callable, shape: tuple[int, ...], rng) -> None:
    """Inside evaluate the loss sees symbolic tensors; sample_weight must act on each sample."""
    import keras

    y_true = rng.random(shape).astype("float32")
    y_pred = rng.random(shape).astype("float32")
    n = shape[0]
    weights = (rng.random(n) < 0.5).astype("float32")
    weights[0], weights[-1] = 1.0, 0.0
    target_in = keras.Input(shape=shape[1:])
    identity = keras.Model(target_in, keras.layers.Identity()(target_in))
    identity.compile(loss=_symbolic_errors_as_type_errors(per_sample_mae))
    what = f"model.evaluate(...) with your loss, targets of shape {shape} and sample weights of 0 and 1"
    try:
        reported = call_learner(
            identity.evaluate, y_pred, y_true, sample_weight=weights, batch_size=n, verbose=0, what=what
        )
    except CheckFailed as exc:
        if "numpy" in str(exc).lower() or "symbolic" in str(exc).lower():
            fail(
                f"{exc}\nper_sample_mae works on arrays but not inside fit or evaluate, where it receives "
                "symbolic tensors: write it with keras.ops (ops.mean, ops.abs), not NumPy."
            )
        raise
    expected = (np.abs(y_pred.astype(np.float64) - y_true).reshape(n, -1).mean(axis=1) * weights).sum() / n
    expect_close(reported, expected, what, atol=1e-5, rtol=1e-5)


def per_sample_loss(per_sample_mae: Callable) -> None:
    """One value per sample, the mean |y_pred − y_true| over all of its values, for ranks 2 to 5; in evaluate too."""
    rng = np.random.default_rng(3)
    shapes = _target_shapes()
    for shape in shapes:
        _per_sample_values(per_sample_mae, shape, rng)
    _per_sample_weighted(per_sample_mae, (8, *shapes[-1][1:]), rng)  # rank 5, symbolic


# --- exercise 4: what a shared penalty adds to the reported loss ----------------------------------
PENALTY_CASES = (  # n_features, units, batch, rate, seed
    (6, 5, 9, 0.2, 40),
    (11, 7, 4, 0.03, 41),
    (3, 2, 13, 0.7, 42),
)


@functools.cache
def _siamese_batch(n_features: int, units: int, batch: int, rate: float, seed: int):
    """The siamese model's evaluate on one batch, and the arrays the learner's function receives
    (kept: they do not depend on the learner's answer, and each costs a model and an evaluate)."""
    import keras

    from lessons.l06_functional_api_and_losses import penalty

    keras.utils.set_random_seed(seed)
    model, encoder = penalty.siamese(n_features, units, rate)
    rng = np.random.default_rng(seed)
    a, b = (rng.normal(size=(batch, n_features)).astype("float32") for _ in range(2))
    y = rng.normal(size=(batch, 1)).astype("float32")
    w = rng.random(batch).astype("float32")
    w[rng.permutation(batch)[: batch // 3]] = 0.0
    features_a, features_b = _numpy(encoder(a)), _numpy(encoder(b))
    squared = ((_numpy(model([a, b])) - y) ** 2)[:, 0]
    printed = float(model.evaluate([a, b], y, sample_weight=w, batch_size=batch, verbose=0))
    return printed, (features_a, features_b, squared, w)


def _near(got: float, value: float) -> bool:
    return math.isclose(got, value, rel_tol=1e-5, abs_tol=1e-7)


def shared_penalty(evaluate_prints: Callable) -> None:
    """The data term is Σ w·e² / N; the penalty layer, called twice, adds both branches' terms, unweighted."""
    for n_features, units, batch, rate, seed in PENALTY_CASES:
        printed, (fa, fb, squared, w) = _siamese_batch(n_features, units, batch, rate, seed)
        what = f"evaluate_prints({rate}, ...) for a batch of {batch} pairs encoded in {units} features"
        got = call_learner(evaluate_prints, rate, fa.copy(), fb.copy(), squared.copy(), w.copy(), what=what)
        expect(
            isinstance(got, (int, float, np.number)) or np.shape(got) == (),
            f"{what} should return one number, got {got!r:.80}",
        )
        got = float(got)
        data = float(np.sum(w * squared)) / batch
        pa, pb = (rate * float(np.abs(f).sum(axis=1).mean()) for f in (fa, fb))
        if _near(got, data + pa) or _near(got, data + pb):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your number holds the penalty of one "
                "branch only. How many times is the penalty layer called in one forward pass?"
            )
        if _near(got, data + (pa + pb) / 2):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: Keras does not average the add_loss terms"
            )
        per_sample = rate * (np.abs(fa).sum(axis=1) + np.abs(fb).sum(axis=1))
        if _near(got, data + float(np.mean(w)) * (pa + pb)) or _near(
            got, data + float(np.mean(w * per_sample))
        ):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your number weights the penalty with "
                "the sample weights; do they reach what a layer adds with add_loss?"
            )
        if w.sum() > 0 and _near(got, float(np.sum(w * squared)) / float(np.sum(w)) + pa + pb):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your data term divides by the sum of "
                "the weights; what does Keras' default reduction divide by?"
            )
        if _near(got, float(np.mean(squared)) + pa + pb):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your data term ignores the sample "
                "weights"
            )
        if _near(got, data + rate * float(np.abs(fa).mean() + np.abs(fb).mean())):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your number averages |x| over each "
                "sample's features; read what ActivityL1 does with them"
            )
        if _near(got, data + rate * float(np.abs(fa).sum() + np.abs(fb).sum())):
            fail(
                f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your number sums the penalty over the "
                "batch; read what ActivityL1 does with the samples"
            )
        if _near(got, data):
            fail(f"{what} is {got:.5f}, evaluate prints {printed:.5f}: your number leaves the penalty out")
        expect_close(
            got, printed, what, atol=1e-6, rtol=1e-5, hint="what does each add_loss term contribute?"
        )


# --- exercise 5: reading γ back from BEGAN's k trace ----------------------------------------------
F32 = np.float32
TOLERANCE_SIGMAS = 5.0  # the tolerance, in units of a trace's rounding scale (rounding_scale)
TRAINING_STEPS = 24
TRAINING_DRAW = 65  # the seed of the (γ, λ_k) the graded training run uses
NOT_DETERMINED = "no γ is determined"


def replay_rule(k_start: float, loss_real, loss_gen, lambda_k: float, gamma: float) -> np.ndarray:
    """k before the first step and after each, as BEGAN's ``train_step`` computes it: in float32,
    k ← clip(k + λ_k·(γ·L_real − L_gen), 0, 1). The toy BEGAN's traces replay bit for bit
    (``test_began.py``), so the synthetic traces below are what a real run would record."""
    lam, gam, zero, one = F32(lambda_k), F32(gamma), F32(0.0), F32(1.0)
    k = [F32(k_start)]
    for real, gen in zip(np.asarray(loss_real, F32), np.asarray(loss_gen, F32)):
        k.append(min(max(F32(k[-1] + lam * (gam * real - gen)), zero), one))
    return np.array(k, dtype=np.float64)


def unclipped(k: np.ndarray) -> np.ndarray:
    """Per step: did it end strictly inside (0, 1)? Only there does k + λ_k·balance equal the new k."""
    return (k[1:] > 0) & (k[1:] < 1)


def rounding_scale(k: np.ndarray, loss_real: np.ndarray, lambda_k: float) -> float:
    """How precisely a trace determines γ. Each unclipped step's k was rounded to float32, by up to
    half its spacing; a step's change of k, divided by λ_k, is γ·L_real − L_gen up to that rounding.
    The root of the squared spacings over those steps, over λ_k·ΣL_real, is the scale of what is
    left undetermined. Measured over 1,200 seeded traces of every family (``test_checks.py``): the
    reference solution's error, and least squares', stay below one such scale plus 1e-6·γ/5."""
    free = unclipped(k)
    spacing = np.spacing(k[1:][free].astype(F32)).astype(np.float64)
    return float(np.sqrt(np.sum(spacing**2)) / (lambda_k * np.sum(loss_real[free])))


def gamma_tolerance(k: np.ndarray, loss_real: np.ndarray, lambda_k: float, gamma: float) -> float:
    """``TOLERANCE_SIGMAS`` rounding scales, plus 1e-6·γ for γ and λ_k themselves held in float32."""
    return TOLERANCE_SIGMAS * rounding_scale(k, loss_real, lambda_k) + 1e-6 * gamma


def _f32(values) -> np.ndarray:
    """float32 values (what the training step computes with), held in float64 arrays."""
    return np.asarray(values, F32).astype(np.float64)


def _loss_gen(gamma: float, loss_real: np.ndarray, balance: np.ndarray) -> np.ndarray:
    """The L_gen that gives each step the balance γ·L_real − L_gen wanted (never below 0)."""
    return _f32(np.maximum(gamma * loss_real - balance, 0.0))


def _length(rng, low: int = 5, high: int = 500) -> int:
    return int(np.exp(rng.uniform(np.log(low), np.log(high))))


def _trace(k, loss_real, loss_gen, lambda_k: float, gamma: float) -> dict:
    """A trace as the checks hand it out: the learner's arguments, and the γ that made it."""
    return {"k": k, "loss_real": loss_real, "loss_gen": loss_gen, "lambda_k": lambda_k, "gamma": gamma}


def _inside_trace(rng, steps: int | None = None, gamma: float | None = None, decay: bool = False) -> dict:
    """k wanders and never reaches 0 or 1. ``decay``: L_real falls over decades (D learns to
    reconstruct the real data), down to about 1e-4."""
    steps = steps or _length(rng)
    gamma = float(rng.uniform(0.02, 1.0)) if gamma is None else gamma
    if decay:
        end = 10 ** rng.uniform(-4.3, -3.3)
        loss_real = _f32(0.6 * np.exp(np.linspace(0.0, np.log(end / 0.6), steps)))
        lambda_k = float(10 ** rng.uniform(-3, -1))
    else:
        loss_real = _f32(rng.uniform(0.05, 0.8, steps))
        lambda_k = float(10 ** rng.uniform(-4, 0.3))
    k_start = float(rng.uniform(0.05, 0.95))
    amplitude, t = rng.uniform(0.05, 0.5), np.arange(steps)
    while True:
        wave = np.sin(2 * np.pi * t / rng.uniform(4, 60) + rng.uniform(0, 2 * np.pi))
        loss_gen = _loss_gen(
            gamma, loss_real, amplitude * gamma * loss_real * (wave + 0.3 * rng.normal(size=steps))
        )
        k = replay_rule(k_start, loss_real, loss_gen, lambda_k, gamma)
        if unclipped(k).all():
            return _trace(k, loss_real, loss_gen, lambda_k, gamma)
        amplitude /= 2


def _clipped_trace(rng, bound: str) -> dict:
    """Runs that push k up and down hard enough to pin it at a bound. ``bound``: "0" or "1" (k
    reaches that bound from inside), "start 0" / "start 1" (k starts there, pushed outwards)."""
    while True:
        steps, gamma, lambda_k = (
            _length(rng, 12),
            float(rng.uniform(0.2, 1.0)),
            float(10 ** rng.uniform(-1, 0.3)),
        )
        k_start = {"start 0": 0.0, "start 1": 1.0}.get(bound, float(rng.uniform(0.2, 0.8)))
        loss_real = _f32(rng.uniform(0.05, 0.8, steps))
        balance, i = np.empty(steps), 0
        up = {"start 0": False, "start 1": True}.get(bound, bool(rng.integers(2)))
        while i < steps:
            n = int(rng.integers(2, max(3, steps // 3)))
            part = loss_real[i : i + n]
            if up:  # as far up as L_gen ≥ 0 allows
                balance[i : i + n] = gamma * part * rng.uniform(0.3, 1.0, len(part))
            else:
                balance[i : i + n] = -part * rng.uniform(0.04, 0.4, len(part)) / max(lambda_k, 0.05)
            up, i = not up, i + n
        loss_gen = _loss_gen(gamma, loss_real, balance)
        k = replay_rule(k_start, loss_real, loss_gen, lambda_k, gamma)
        free, after, before = unclipped(k), k[1:], k[:-1]
        wanted = {
            "0": np.any((after == 0) & (before > 0)),
            "1": np.any((after == 1) & (before < 1)),
            "start 0": after[0] == 0,
            "start 1": after[0] == 1,
        }[bound]
        if wanted and free.sum() >= 3 and (~free).sum() >= 3:
            return _trace(k, loss_real, loss_gen, lambda_k, gamma)


def _all_clipped_traces(rng) -> list[dict]:
    """Traces where the clip acted at every step: pinned at 0; pinned at 1 from the first step on;
    thrown between 0 and 1 (k changes at every step, and every step ends at a bound)."""
    traces = []
    steps = int(rng.integers(6, 40))
    loss_real = _f32(rng.uniform(0.1, 0.8, steps))
    gamma, lambda_k = float(rng.uniform(0.2, 0.9)), float(10 ** rng.uniform(-2, -0.5))
    loss_gen = _loss_gen(gamma, loss_real, -loss_real * rng.uniform(0.1, 1.0, steps))
    traces.append((0.0, loss_real, loss_gen, lambda_k, gamma))
    steps = int(rng.integers(6, 40))
    loss_real = _f32(rng.uniform(0.3, 0.8, steps))
    gamma, lambda_k = float(rng.uniform(0.6, 1.0)), float(rng.uniform(4.0, 8.0))
    loss_gen = _loss_gen(gamma, loss_real, gamma * loss_real * rng.uniform(0.7, 1.0, steps))
    traces.append((float(rng.uniform(0.3, 0.7)), loss_real, loss_gen, lambda_k, gamma))
    steps = int(rng.integers(6, 40))
    loss_real = _f32(rng.uniform(0.5, 0.8, steps))
    gamma, lambda_k = float(rng.uniform(0.8, 1.0)), float(rng.uniform(4.0, 8.0))
    up = np.arange(steps) % 2 == 1  # from 1 down to 0, from 0 back up to 1, ...
    balance = np.where(up, gamma * loss_real, -loss_real)
    traces.append((1.0, loss_real, _loss_gen(gamma, loss_real, balance), lambda_k, gamma))
    out = []
    for k_start, loss_real, loss_gen, lambda_k, gamma in traces:
        k = replay_rule(k_start, loss_real, loss_gen, lambda_k, gamma)
        assert not unclipped(k).any(), "an all-clipped trace with an unclipped step"
        out.append(_trace(k, loss_real, loss_gen, lambda_k, gamma))
    return out


@functools.cache
def rule_traces(seed: int = 56) -> dict[str, list[dict]]:
    """The seeded families the rule check uses, by phase (``inside``: k never at a bound, 5 and 500
    steps, γ = 1 among them; ``clipped``: k pinned at 0 and at 1, from inside and from the start;
    ``precision``: L_real falling over decades; ``all clipped``)."""
    rng = np.random.default_rng(seed)
    inside = [_inside_trace(rng, steps=5), _inside_trace(rng, steps=500), _inside_trace(rng, gamma=1.0)]
    inside += [_inside_trace(rng) for _ in range(5)]
    clipped = [_clipped_trace(rng, bound) for bound in ("1", "0", "start 0", "start 1", "1", "0")]
    precision = [_inside_trace(rng, decay=True) for _ in range(3)]
    return {
        "inside": inside,
        "clipped": clipped,
        "precision": precision,
        "all clipped": _all_clipped_traces(rng),
    }


def _sum_reading(k, loss_real, loss_gen, lambda_k, steps) -> float:
    """γ from the chosen steps: (Σ Δk/λ_k + Σ L_gen) / Σ L_real (nan when no step is chosen)."""
    if not np.any(steps):
        return math.nan
    change = np.diff(k)[steps]
    return float((change.sum() / lambda_k + loss_gen[steps].sum()) / loss_real[steps].sum())


def _wrong_readings(trace: dict) -> list[tuple[float, str]]:
    """What the usual mistakes return for this trace, each with what to say about it."""
    k, real, gen, lam = trace["k"], trace["loss_real"], trace["loss_gen"], trace["lambda_k"]
    free, n = unclipped(k), len(real)
    neighbour = (
        f"your γ is what pairing each step's change of k with the losses of the step before or after it "
        f"gives. k holds {n + 1} values (k before the first step, then k after each step), the losses "
        f"{n}, the ones each step saw"
    )
    return [
        (
            float(np.mean(gen) / np.mean(real)),
            f"your γ is mean(L_gen) / mean(L_real), BEGAN's equilibrium L_gen ≈ γ·L_real: it is the γ "
            f"used only when k ends where it started (the balance terms then add up to zero). In this "
            f"trace k went from {k[0]:.4g} to {k[-1]:.4g}: what does each step's change of k tell you?",
        ),
        (
            _sum_reading(k, real, gen, 1.0, free),
            f"your γ is what this trace gives if λ_k were 1, and λ_k is {lam:.3g}: where does λ_k enter "
            "the change of k at each step?",
        ),
        (
            _sum_reading(-k, real, gen, lam, free),
            "your γ is what the rule gives if k had fallen where it rose: a step's change is k after the "
            "step minus k before it, and k grows when γ·L_real > L_gen",
        ),
        (
            _sum_reading(k, real, -gen, lam, free),
            "your γ has L_gen with the wrong sign: the rule moves k by λ_k·(γ·L_real − L_gen)",
        ),
        (
            float(
                (np.diff(k)[1:][free[1:]].sum() / lam + gen[:-1][free[1:]].sum()) / real[:-1][free[1:]].sum()
            ),
            neighbour,
        ),
        (
            float(
                (np.diff(k)[:-1][free[:-1]].sum() / lam + gen[1:][free[:-1]].sum())
                / real[1:][free[:-1]].sum()
            ),
            neighbour,
        ),
    ]


def _story(trace: dict) -> str:
    """The trace in words, for a message: its length, λ_k, where k went, how often it sat at a bound."""
    k, lam = trace["k"], trace["lambda_k"]
    steps = len(k) - 1
    at = [f"at {bound} after {n}" for bound in (0, 1) if (n := int(np.sum(k[1:] == bound)))]
    where = f"k was {' and '.join(at)} of its {steps} steps" if at else "k never reached 0 or 1"
    return f"a trace of {steps} steps, λ_k = {lam:.3g}, k from {k[0]:.4g} to {k[-1]:.4g} ({where})"


def _read_gamma(gamma_from_trace: Callable, trace: dict, what: str) -> float:
    """The learner's γ for ``trace`` (given copies of its arrays), as a float."""
    got = call_learner(
        gamma_from_trace,
        trace["k"].copy(),
        trace["loss_real"].copy(),
        trace["loss_gen"].copy(),
        trace["lambda_k"],
        what=what,
    )
    expect(
        isinstance(got, (int, float, np.number)) or np.shape(got) == (),
        f"{what} should return one number (γ), got {got!r:.80}",
    )
    try:
        return float(got)
    except (TypeError, ValueError):
        fail(f"{what} should return one number (γ), got {got!r:.80}")


def _judge(got: float, trace: dict, what: str, phase: str) -> None:
    """Fail, in words, unless ``got`` is the γ that made ``trace`` (to the precision it allows)."""
    k, real, gamma, lam = trace["k"], trace["loss_real"], trace["gamma"], trace["lambda_k"]
    free = unclipped(k)
    tol = gamma_tolerance(k, real, lam, gamma)
    if math.isnan(got):
        fail(
            f"{what} returned nan, though k ended strictly between 0 and 1 at {int(free.sum())} of the "
            f"{len(real)} steps: at those steps the rule holds without its clip, and they determine γ"
        )
    if abs(got - gamma) <= tol:
        return
    said = f"{what} is {got:.7g}; the trace was made with γ = {gamma:.7g}"
    if math.isclose(got, 0.5, abs_tol=1e-9):
        fail(f"{said}: 0.5 is the lesson's γ, not this trace's; read γ from the trace")
    for value, why in _wrong_readings(trace):
        if np.isfinite(value) and abs(value - gamma) > tol and abs(got - value) <= tol:
            fail(f"{said}: {why}" + ("" if why.endswith("?") else "."))
    if phase == "clipped":
        fail(
            f"{said}. Your function reads γ right from every trace where k stayed strictly between 0 "
            "and 1, and this one has steps that ended at 0 or 1: what does such a step tell you about γ?"
        )
    if phase == "precision":
        scale = rounding_scale(k, real, lam)
        fail(
            f"{said}: off by {abs(got - gamma):.2g}, {abs(got - gamma) / scale:.0f} times what the float32 "
            f"rounding of k leaves undetermined in this trace (about {scale:.1g}; tolerance {tol:.2g}). "
            f"Here L_real falls from {real.max():.2g} to {real.min():.1g}: how much does a step with a tiny "
            "L_real tell you about γ, and how much does it count in your estimate?"
        )
    if phase == "training":
        first = int(np.argmax(~free)) + 1
        fail(
            f"{said} (tolerance {tol:.2g}). In this run k ended {int((~free).sum())} of its {len(real)} "
            f"steps at 0 or 1, the first time at step {first}: what does such a step tell you about γ?"
        )
    fail(
        f"{said} (tolerance {tol:.2g}: {TOLERANCE_SIGMAS:g} times what the float32 rounding of k leaves "
        "undetermined). Invert the update rule of the exercise for γ."
    )


def gamma_traces(gamma_from_trace: Callable) -> None:
    """γ read back from seeded synthetic traces the rule made: k inside (0, 1), k pinned at 0 and at
    1, L_real over decades (precision), and traces the clip acted on at every step (nan)."""
    traces = rule_traces()
    seen: dict[float, float] = {}
    for phase in ("inside", "clipped", "precision"):
        for trace in traces[phase]:
            what = f"gamma_from_trace on {_story(trace)}"
            got = _read_gamma(gamma_from_trace, trace, what)
            for gamma, earlier in seen.items():
                if got == earlier and abs(gamma - trace["gamma"]) > 1e-3:
                    fail(
                        f"gamma_from_trace returns {got!r} both for a trace made with γ = {gamma:.4g} and "
                        f"for one made with γ = {trace['gamma']:.4g}: read γ from the trace"
                    )
            seen[trace["gamma"]] = got
            _judge(got, trace, what, phase)
    for trace in traces["all clipped"]:
        what = f"gamma_from_trace on {_story(trace)}"
        rule = (
            "Every step of this trace ended at 0 or 1, so the clip may have acted at each: "
            f"{NOT_DETERMINED}, and the function must return nan"
        )
        try:
            got = _read_gamma(gamma_from_trace, trace, what)
        except CheckFailed as exc:
            if "not written yet" in str(exc):
                raise
            fail(f"{exc}\n{rule} (not raise an error).")
        expect(math.isnan(got), f"{what} is {got!r}. {rule}.")


def training_draw(seed: int = TRAINING_DRAW) -> tuple[float, float]:
    """The γ and λ_k of the graded training run: not the lesson's, and large enough that k reaches
    1 within ``TRAINING_STEPS`` steps and stays (so the real trace has clipped steps too)."""
    rng = np.random.default_rng(seed)
    return round(float(rng.uniform(0.6, 0.95)), 4), round(float(10 ** rng.uniform(-0.6, -0.25)), 4)


@functools.cache
def training_trace(seed: int = 0) -> dict:
    """The toy BEGAN trained ``TRAINING_STEPS`` steps with the drawn γ and λ_k, as a trace dict
    (trained once per process: the learner's code plays no part in it)."""
    from lessons.l06_functional_api_and_losses import began

    gamma, lambda_k = training_draw()
    run = began.train(steps=TRAINING_STEPS, seed=seed, lambda_k=lambda_k, gamma=gamma)
    return _trace(run.k_path(), run.loss_real.copy(), run.loss_gen.copy(), lambda_k, gamma)


def gamma_training(gamma_from_trace: Callable) -> None:
    """γ read back from the trace of a real run of the lesson's toy BEGAN (KTrace's record)."""
    trace = training_trace()
    what = (
        f"gamma_from_trace on the trace of {TRAINING_STEPS} training steps of the lesson's toy BEGAN "
        f"(λ_k = {trace['lambda_k']:g}; {_story(trace).split('(', 1)[1][:-1]})"
    )
    _judge(_read_gamma(gamma_from_trace, trace, what), trace, what, "training")


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
