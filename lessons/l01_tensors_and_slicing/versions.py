"""Lesson 1's version-specific claims, each measured in the running Keras (see pitfalls/versions.py).

Why: the article the lesson follows, and the articles of lessons 4 and 6, wrote Keras 2 code that a
learner pastes into Keras 3: a layer width computed with ``/`` (a float), ``input_dim=`` /
``input_shape=`` on a layer, and ``compile(loss="mse", metrics=["accuracy"])`` for a classifier.
What Keras does with each is a property of its version, so each is measured here on a tiny model.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from pitfalls.versions import Claim, error_of

HERE = Path(__file__).resolve().parent


def _float_units() -> dict:
    """``Dense(64 * 64 / 10)``: units 409.6, a float. Refused, or kept, and then can it be built?"""
    import keras

    made = []
    name, message = error_of(lambda: made.append(keras.layers.Dense(64 * 64 / 10, activation="relu")))
    if not made:
        return {"error": name, "says positive integer": "positive integer" in message, "units": None}
    built_error, _ = error_of(lambda: made[0](keras.Input(shape=(784,))))
    return {"error": None, "units": made[0].units, "building on 784 inputs": built_error or "builds"}


def _describe_float_units(o: dict) -> str:
    if o["error"]:
        return o["error"] + (" (expected a positive integer)" if o["says positive integer"] else "")
    return f"accepted, units = {o['units']}; building it on 784 inputs: {o['building on 784 inputs']}"


FLOAT_UNITS = Claim(
    "dense_float_units",
    "Dense(64 * 64 / 10), a width of 409.6 units:",
    _float_units,
    _describe_float_units,
    HERE,
)


def _input_arguments() -> dict:
    """A first layer given ``input_dim=784`` or ``input_shape=(784,)``: warned about? built?"""
    import keras

    out = {}
    for spelling, kwargs in {
        "input_dim=784": {"input_dim": 784},
        "input_shape=(784,)": {"input_shape": (784,)},
    }.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = keras.Sequential()
            model.add(keras.layers.Dense(32, **kwargs))
        out[spelling] = {
            "warning": caught[0].category.__name__ if caught else None,
            "parameters": model.count_params() if model.built else None,
        }
    return out


INPUT_ARGUMENTS = Claim(
    "layer_input_arguments",
    "Sequential().add(Dense(32, input_dim=784)) and Dense(32, input_shape=(784,)):",
    _input_arguments,
    lambda o: "; ".join(
        f"{k}: {v['warning'] or 'no warning'}, "
        + (f"built with {v['parameters']} parameters" if v["parameters"] else "not built")
        for k, v in o.items()
    ),
    HERE,
)


def _accuracy_with_mse() -> dict:
    """``compile(loss="mse", metrics=["accuracy"])`` on 10 class probabilities: which accuracy?"""
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(10), size=100).astype("float32")
    labels = rng.integers(0, 10, size=100)
    one_hot = np.eye(10, dtype="float32")[labels]

    def model():
        inputs = keras.Input(shape=(10,))
        net = keras.Model(inputs, keras.layers.Activation("linear")(inputs))  # predicts its input
        net.compile(
            loss="mse", metrics=["accuracy"], run_eagerly=True
        )  # eager: no tracing, a tenth of the time
        return net

    reported = model().evaluate(probabilities, one_hot, batch_size=64, verbose=0, return_dict=True)[
        "accuracy"
    ]
    by_hand = {
        "categorical": float(np.mean(probabilities.argmax(axis=1) == labels)),
        "binary": float(np.mean((probabilities > 0.5) == one_hot)),
    }
    which = next((k for k, v in by_hand.items() if abs(v - reported) < 1e-6), "neither")
    # integer labels, as lesson 1 trains on: 100 samples in batches of 64, so the batch size is not fixed
    name, message = error_of(lambda: model().fit(probabilities, labels, batch_size=64, verbose=0))
    return {
        "one-hot targets": which,
        "integer targets": name,
        "incompatible shapes": "Incompatible shapes" in message,
    }


def _describe_accuracy(o: dict) -> str:
    integer = o["integer targets"] or "accepted"
    if o["incompatible shapes"]:
        integer += " (incompatible shapes)"
    return f"one-hot targets: 'accuracy' is {o['one-hot targets']} accuracy; integer targets: {integer}"


ACCURACY_WITH_MSE = Claim(
    "accuracy_with_mse",
    "compile(loss='mse', metrics=['accuracy']) on a 10-class softmax output:",
    _accuracy_with_mse,
    _describe_accuracy,
    HERE,
)
