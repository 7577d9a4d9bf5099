"""Lesson 6's version-specific claims, each measured in the running Keras (see pitfalls/versions.py).

Why: the lesson compares each Keras 2 tip of its article with what Keras 3 does: which names are
gone, which error a raw TensorFlow op or a batch-axis slice of a symbolic tensor raises, what a
``Lambda`` infers or believes, how ``sample_weight`` meets a scalar loss and what ``add_loss``
does with a vector. Error messages and reductions change between Keras versions, so each is
measured here on a tiny model; the lesson asserts its own cells against these observations.
"""

from __future__ import annotations

from pathlib import Path

from pitfalls.versions import Claim, error_of

HERE = Path(__file__).resolve().parent

#: The message fragments the lesson quotes, and what each is searched in.
MODEL_KEYWORDS = "Unrecognized keyword arguments passed to Model"
RAW_OP = "A KerasTensor cannot be used as input to a TensorFlow function"
BATCH_SLICE = "Unsupported key type for array slice"
FIT_MISMATCH = "Dimensions must be equal, but are 8 and 5"
NO_INFERENCE = "could not automatically infer the shape of the Lambda's output"


def _error(fn, fragment: str) -> dict:
    name, message = error_of(fn)
    return {"error": name, "quoted message": fragment in message}


def _describe_error(o: dict, fragment: str) -> str:
    if o["error"] is None:
        return "no error"
    return f"{o['error']}" + (
        f': "{fragment}…"' if o["quoted message"] else " (another message than the lesson's)"
    )


def _keras2_names() -> dict:
    import keras

    return {
        "keras.layers.Container": hasattr(keras.layers, "Container"),
        "keras.engine": error_of(lambda: __import__("keras.engine.topology"))[0] is None,
        "keras.backend.relu": hasattr(keras.backend, "relu"),
        "keras.backend.update": hasattr(keras.backend, "update"),
        "Model.updates": hasattr(keras.Model, "updates"),
    }


KERAS2_NAMES = Claim(
    "keras2_names",
    "Keras 2 names the article uses (Container, keras.engine, K.relu, K.update, Model.updates):",
    _keras2_names,
    lambda o: (
        "all gone"
        if not any(o.values())
        else "present: "
        + ", ".join(k for k, v in o.items() if v)
        + "; gone: "
        + ", ".join(k for k, v in o.items() if not v)
    ),
    HERE,
)


def _model_keywords() -> dict:
    import keras

    inputs = keras.Input(shape=(3,))
    out = keras.layers.Dense(1)(inputs)
    return _error(lambda: keras.Model(input=inputs, output=out), MODEL_KEYWORDS)


MODEL_INPUT_OUTPUT_KEYWORDS = Claim(
    "model_keywords",
    "keras.Model(input=..., output=...), the article's Keras 2 keywords:",
    _model_keywords,
    lambda o: _describe_error(o, MODEL_KEYWORDS),
    HERE,
)


def _raw_op() -> dict:
    import keras
    import tensorflow as tf

    return _error(lambda: tf.nn.relu(keras.Input(shape=(10,)) * 2 + 1), RAW_OP)


RAW_TF_OP = Claim(
    "raw_tf_op",
    "tf.nn.relu on a keras.Input (a symbolic KerasTensor):",
    _raw_op,
    lambda o: _describe_error(o, RAW_OP),
    HERE,
)


def _batch_slice() -> dict:
    import keras

    inputs = keras.Input(shape=(10,))
    out = _error(lambda: inputs[:5], BATCH_SLICE)
    out["features slice"] = str(tuple(inputs[:, :5].shape))
    return out


BATCH_AXIS_SLICE = Claim(
    "batch_axis_slice",
    "inputs[:5] (the batch axis) and inputs[:, :5] (the features) on keras.Input(shape=(10,)):",
    _batch_slice,
    lambda o: f"inputs[:5] → {_describe_error(o, BATCH_SLICE)}; inputs[:, :5] → {o['features slice']}",
    HERE,
)


def _lambda_batch_slice() -> dict:
    import keras
    import numpy as np

    inputs = keras.Input(shape=(10,))
    quiet = keras.layers.Lambda(lambda t: t[:5])(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1)(quiet))
    predicted = model.predict(np.ones((8, 10), "float32"), verbose=0).shape
    model.compile(optimizer="sgd", loss="mse")
    fit = _error(
        lambda: model.fit(np.ones((8, 10), "float32"), np.zeros((8, 1), "float32"), batch_size=8, verbose=0),
        FIT_MISMATCH,
    )
    return {"symbolic": str(tuple(quiet.shape)), "predict 8 rows": str(predicted), "fit": fit}


LAMBDA_BATCH_SLICE = Claim(
    "lambda_batch_slice",
    "Lambda(lambda t: t[:5]) before a Dense(1), on a batch of 8:",
    _lambda_batch_slice,
    lambda o: (
        f"symbolic shape {o['symbolic']}, predict → {o['predict 8 rows']}, fit → "
        f"{_describe_error(o['fit'], FIT_MISMATCH)}"
    ),
    HERE,
)


def _lambda_output_shape() -> dict:
    import keras
    import numpy as np

    inputs = keras.Input(shape=(10,))
    layers = keras.layers
    shapes = {
        "tuple": layers.Lambda(lambda t: t[:, :5], output_shape=(5,))(inputs).shape,
        "function": layers.Lambda(lambda t: t[:, 5:], output_shape=lambda s: (s[0], s[1] // 2))(inputs).shape,
        "inferred": layers.Lambda(lambda t: t[:, 5:])(inputs).shape,
    }
    lying = layers.Lambda(lambda t: t[:5], output_shape=(5,))(inputs)
    real = keras.Model(inputs, lying).predict(np.ones((8, 10), "float32"), verbose=0).shape
    return {
        **{k: str(tuple(v)) for k, v in shapes.items()},
        "numpy inside": _error(lambda: layers.Lambda(lambda t: np.asarray(t)[:, :5])(inputs), NO_INFERENCE),
        "declared (5,) for t[:5]": f"{tuple(lying.shape)} declared, {real} real",
    }


LAMBDA_OUTPUT_SHAPE = Claim(
    "lambda_output_shape",
    "Lambda's output_shape: a tuple, a function, none; NumPy inside; a wrong declaration:",
    _lambda_output_shape,
    lambda o: (
        f"tuple {o['tuple']}, function {o['function']}, inferred {o['inferred']}; NumPy inside → "
        f"{_describe_error(o['numpy inside'], NO_INFERENCE)}; t[:5] with output_shape=(5,): "
        f"{o['declared (5,) for t[:5]']}"
    ),
    HERE,
)


def _sample_weight() -> dict:
    """evaluate() with weights (1, 1, 1, 0, 0, 0) of a per-sample and of a scalar loss."""
    import keras
    import numpy as np
    from keras import ops

    rng = np.random.default_rng(5)
    y_true, y_pred = rng.random((6, 4)).astype("float32"), rng.random((6, 4)).astype("float32")
    half = np.r_[np.ones(3), np.zeros(3)].astype("float32")
    per_image = np.abs(y_pred - y_true).mean(axis=1)
    out = {}
    for name, fn in (
        ("per-sample", lambda t, p: ops.mean(ops.abs(p - t), axis=-1)),
        ("scalar", lambda t, p: ops.mean(ops.abs(p - t))),
    ):
        inputs = keras.Input(shape=(4,))
        model = keras.Model(inputs, keras.layers.Identity()(inputs))
        model.compile(loss=fn)
        value = model.evaluate(y_pred, y_true, sample_weight=half, batch_size=6, verbose=0)
        out[name] = (
            "sum of weighted / batch size"
            if abs(value - per_image[:3].sum() / 6) < 1e-5
            else "mean × mean weight"
            if abs(value - per_image.mean() * half.mean()) < 1e-5
            else "sum of weighted / sum of weights"
            if abs(value - per_image[:3].mean()) < 1e-5
            else f"other ({value:.5f})"
        )
    return out


SAMPLE_WEIGHT = Claim(
    "sample_weight",
    "evaluate() with sample_weight (1, 1, 1, 0, 0, 0) on 6 samples, a per-sample and a scalar loss:",
    _sample_weight,
    lambda o: f"per-sample loss → {o['per-sample']}; scalar loss → {o['scalar']}",
    HERE,
)


def _add_loss_vector() -> dict:
    import keras
    import numpy as np
    from keras import ops

    class Vector(keras.layers.Layer):
        def call(self, x):
            self.add_loss(ops.sum(ops.abs(x), axis=-1))  # shape (batch,)
            return x

    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, Vector()(inputs))
    model.compile(loss="mse")
    x = np.ones((32, 3), "float32")
    reported = model.evaluate(x, x, batch_size=32, verbose=0)  # the MSE is 0; each sample adds 3
    return {"batch of 32, each sample's term 3": round(float(reported), 4)}


def _describe_add_loss(o: dict) -> str:
    value = o["batch of 32, each sample's term 3"]
    how = "summed" if abs(value - 96) < 1e-3 else "averaged" if abs(value - 3) < 1e-3 else "other"
    return f"evaluate reports {value:g}: the vector is {how}"


ADD_LOSS_VECTOR = Claim(
    "add_loss_vector",
    "add_loss given a per-sample vector (shape (batch,)) instead of one number:",
    _add_loss_vector,
    _describe_add_loss,
    HERE,
)
