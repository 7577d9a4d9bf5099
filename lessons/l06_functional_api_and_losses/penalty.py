"""Lab 6's penalty model: one ``ActivityL1`` layer shared by the two branches of a siamese model.

Exercise 4 asks what ``evaluate`` prints for this model; the check builds it on sizes of its own,
and the lab shows its source (``show_source``), so the code the learner reasons about is the code
that is graded. ``ActivityL1`` is the penalty layer of lesson 6, section 6.
"""

from __future__ import annotations

import keras
from keras import layers, ops


class ActivityL1(layers.Layer):
    """Passes its input through unchanged and adds rate × mean_batch(Σ|x|) to the model's loss."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x):
        self.add_loss(self.rate * ops.mean(ops.sum(ops.abs(x), axis=-1)))
        return x


def siamese(n_features: int, units: int, rate: float) -> tuple[keras.Model, keras.Model]:
    """Two inputs, one encoder and one penalty layer applied to both; a Dense(1) on the pair.

    Returns ``(model, encoder)``: ``encoder`` maps one input to the features the penalty sees.
    """
    encoder_in = keras.Input(shape=(n_features,))
    encoder = keras.Model(encoder_in, layers.Dense(units, activation="relu")(encoder_in), name="encoder")
    penalty = ActivityL1(rate, name="penalty")  # one instance, used by both branches

    a, b = keras.Input(shape=(n_features,), name="a"), keras.Input(shape=(n_features,), name="b")
    pair = layers.Concatenate()([penalty(encoder(a)), penalty(encoder(b))])
    model = keras.Model([a, b], layers.Dense(1)(pair), name="siamese")
    model.compile(loss="mse")
    return model, encoder
