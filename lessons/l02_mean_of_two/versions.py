"""Lesson 2's version-specific claims, each measured in the running Keras (see pitfalls/versions.py).

Why: the lesson's point is that a ``(N,)`` prediction against ``(N, 1)`` targets broadcasts to
``(N, N)`` — and that today's Keras hides it in some places (compiled losses, loss objects) and
not in others (a metric function), and believes a ``Lambda``'s declared ``output_shape``. Which
places hide it is a property of the Keras version, so each is measured here on five exact means.
"""

from __future__ import annotations

from pathlib import Path

from pitfalls.versions import Claim

HERE = Path(__file__).resolve().parent


def _pairs():
    import numpy as np

    x = np.random.default_rng(2).integers(0, 100, size=(64, 2)).astype("float32")
    return x, x.mean(axis=1, keepdims=True)  # targets (64, 1)


def _flat_model(**kwargs):
    import keras

    inputs = keras.Input(shape=(2,))
    return keras.Model(inputs, keras.layers.Lambda(lambda t: (t[:, 0] + t[:, 1]) / 2, **kwargs)(inputs))


def _where_ranks_align() -> dict:
    """Exact means of shape (64,) against targets (64, 1): which Keras paths align the ranks."""
    import keras
    import numpy as np
    from keras import ops

    def mse_by_hand(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred))

    x, y = _pairs()
    model = _flat_model()
    model.compile(loss="mse", optimizer="rmsprop", metrics=[mse_by_hand])
    logs = model.fit(x, y, batch_size=64, epochs=1, verbose=0).history
    flat = model.predict(x, verbose=0)  # (64,)
    return {
        "compiled loss": bool(logs["loss"][-1] < 1e-6),
        "metric function": bool(logs["mse_by_hand"][-1] < 1e-6),
        "loss object": bool(float(keras.losses.MeanSquaredError()(y[:, 0], flat[:, None])) < 1e-6),
        "numpy": bool(float(np.mean((y - flat) ** 2)) < 1e-6),
    }


def _describe_alignment(o: dict) -> str:
    aligned = [k for k, v in o.items() if v]
    broadcast = [k for k, v in o.items() if not v]
    return f"aligned (loss 0): {', '.join(aligned) or 'none'}; broadcast to (N, N): {', '.join(broadcast) or 'none'}"


RANK_ALIGNMENT = Claim(
    "rank_alignment",
    "exact means of shape (N,) against targets of shape (N, 1), MSE in each place:",
    _where_ranks_align,
    _describe_alignment,
    HERE,
)


def _declared_output_shape() -> dict:
    import numpy as np

    model = _flat_model(output_shape=(1,))
    return {
        "symbolic": str(tuple(model.output.shape)),
        "predict": str(model.predict(np.zeros((5, 2), "float32"), verbose=0).shape),
    }


LAMBDA_OUTPUT_SHAPE = Claim(
    "lambda_output_shape",
    "Lambda(no expand_dims, output_shape=(1,)): the declared and the real output shape:",
    _declared_output_shape,
    lambda o: f"symbolic {o['symbolic']}, predict on 5 pairs → {o['predict']}",
    HERE,
)
