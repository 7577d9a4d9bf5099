"""Lesson 4's version-specific claims, each measured in the running Keras (see pitfalls/versions.py).

Why: the lesson says what Keras does with a dataset of unknown length, with the string
"accuracy", with a sigmoid's output in binary cross-entropy and with a probability of exactly 1.
Those are facts about Keras versions, not about the model; each is measured here on a tiny model
(no data set), recorded in ``versions.json`` for the oldest and newest Keras the project allows,
and the lesson prints the record beside what the learner's Keras does.
"""

from __future__ import annotations

import inspect
import math
from pathlib import Path

from pitfalls.versions import Claim

HERE = Path(__file__).resolve().parent


def _unknown_length_steps() -> dict:
    """Evaluate a model whose loss is exactly 1 on every batch, over 8 batches of unknown count."""
    import keras
    import numpy as np
    import tensorflow as tf

    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 0)(inputs))  # predicts 0
    model.compile(loss="mse", metrics=["mae"])
    ones = tf.data.Dataset.from_tensor_slices((np.ones((64, 1), "float32"), np.ones((64, 1), "float32")))
    unknown = ones.filter(lambda x, y: True).batch(8, drop_remainder=True)  # 8 batches, count unknown
    known = ones.batch(8, drop_remainder=True)
    assert int(unknown.cardinality()) == int(tf.data.UNKNOWN_CARDINALITY)
    loss = model.evaluate(unknown, verbose=0, return_dict=True)["loss"]
    return {
        "batches": 8,
        "steps_counted": round(8 / loss),  # the mean of 8 ones divided by the steps Keras counted
        "known_length_loss": round(model.evaluate(known, verbose=0, return_dict=True)["loss"], 6),
    }


def _describe_unknown_length(o: dict) -> str:
    extra = o["steps_counted"] - o["batches"]
    if extra == 0:
        return f"{o['batches']} batches counted as {o['steps_counted']}: no extra step (no keras-team/keras#23084)"
    return (
        f"{o['batches']} batches counted as {o['steps_counted']}: loss and metrics "
        f"× {o['batches']}/{o['steps_counted']} (keras-team/keras#23084)"
    )


UNKNOWN_LENGTH_EVALUATE = Claim(
    "unknown_length_evaluate",
    "evaluate() on a dataset whose number of batches TensorFlow does not know (filter, then batch):",
    _unknown_length_steps,
    _describe_unknown_length,
    HERE,
)


def accuracy_metric_class(model) -> str:
    """The class ``metrics=["accuracy"]`` became in a compiled, evaluated model (``"?"`` if none)."""
    for metric in model.metrics:  # the loss tracker, then the compiled metrics' container
        for inner in getattr(metric, "metrics", None) or []:
            if type(inner).__name__.endswith("Accuracy"):
                return type(inner).__name__
    return "?"


def _accuracy_resolution() -> dict:
    import keras
    import numpy as np

    out = {}
    for label, shape in (("(side, side, 1)", (4, 4, 1)), ("flat (pixels,)", (16,))):
        model = keras.Sequential([keras.Input(shape=shape), keras.layers.Activation("sigmoid")])
        model.compile(loss="mse", metrics=["accuracy"])
        x = np.zeros((2, *shape), "float32")
        model.evaluate(x, x, verbose=0)
        out[label] = accuracy_metric_class(model)
    return out


ACCURACY_STRING = Claim(
    "accuracy_string",
    'compile(metrics=["accuracy"]) on a sigmoid output of shape (side, side, 1) and of shape (pixels,):',
    _accuracy_resolution,
    lambda o: ", ".join(f"{shape} → {name}" for shape, name in o.items()),
    HERE,
)


def metric_rule() -> tuple | None:
    """Keras' two functions behind the string "accuracy" (private API: ``None`` where they moved)."""
    try:
        from keras.src.trainers import compile_utils

        return compile_utils.is_binary_or_sparse_categorical, compile_utils.get_metric
    except (ImportError, AttributeError):
        return None


def metric_rule_source(lines: int = 31) -> str:
    """The source of Keras' rule for the string "accuracy" (private API: it may move between versions)."""
    rule = metric_rule()
    try:
        if rule is None:
            raise ImportError("keras.src.trainers.compile_utils")
        source = inspect.getsource(rule[0]) + inspect.getsource(rule[1])
    except (ImportError, OSError) as exc:
        return f"(keras.src.trainers.compile_utils has no such rule in this Keras: {type(exc).__name__})"
    return "\n".join(source.splitlines()[:lines])


METRIC_RULE_SOURCE = Claim(
    "metric_rule_source",
    "Keras' rule for the string 'accuracy' (keras.src.trainers.compile_utils, a private module):",
    lambda: not metric_rule_source().startswith("(keras.src"),
    lambda found: "its source is where the lesson reads it" if found else "not found there",
    HERE,
)


def _bce_at_logit_20() -> dict:
    import keras
    import numpy as np
    import tensorflow as tf

    t = np.array([[0.0]], "float32")
    z = np.array([[20.0]], "float32")
    q = keras.activations.sigmoid(keras.ops.convert_to_tensor(z))
    q_np = np.asarray(q)
    q_var = tf.Variable(q_np)
    with tf.GradientTape() as tape:
        clipped = keras.losses.BinaryCrossentropy()(t, q_var)
    return {
        "array": round(float(keras.losses.BinaryCrossentropy()(t, q_np)), 3),
        "sigmoid_tensor": round(float(keras.losses.BinaryCrossentropy()(t, q)), 3),
        "array_gradient": float(tape.gradient(clipped, q_var)[0, 0]),
    }


def _describe_bce(o: dict) -> str:
    logits = "uses its logits" if abs(o["sigmoid_tensor"] - math.log1p(math.exp(20))) < 1e-3 else "is clipped"
    return (
        f"on the array σ(20) = 1.0 it gives {o['array']} with gradient {o['array_gradient']:g}; "
        f"on the sigmoid's own tensor {o['sigmoid_tensor']} (it {logits})"
    )


BCE_AT_LOGIT_20 = Claim(
    "bce_at_logit_20",
    "BinaryCrossentropy for target 0 and σ(20), which is 1.0 in float32 (true loss 20.0):",
    _bce_at_logit_20,
    _describe_bce,
    HERE,
)
