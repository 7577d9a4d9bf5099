"""The exact identity model of lessons 4 and 5: a Dense layer whose kernel is the identity matrix.

Why this exists: the same model is taught and used. Lesson 4 builds it to show what the
article's "perfect" autoencoder really outputs (0.5 for black, σ(1) = 0.731 for lit pixels) and
shows this source; lab 4's checks evaluate it to test a learner's MSE formula; the threshold,
imshow-scale and BatchNormalization explorers draw its real predictions. One definition keeps
those three from drifting apart (a kernel of ones, a forgotten ``use_bias=False`` or another
name would silently change what one of them measures).

Importing this module imports Keras: in a widget-only kernel call
``pitfalls.session.quiet_env()`` first.
"""

from __future__ import annotations

import keras


def identity_model(
    side: int, activation: str | None = "sigmoid", learning_rate: float = 1e-3, loss: str = "mse"
) -> keras.Model:
    """Flatten → Dense(side², no bias, identity kernel) → Reshape: activation(x), pixel by pixel.

    Compiled as the article compiled its autoencoders (Adam, MSE, ``metrics=["accuracy"]``), so
    that ``evaluate`` reports the numbers lesson 4 takes apart; ``learning_rate`` is the lesson
    profile's (Adam's default 0.001 otherwise).
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(side, side, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(
                side * side,
                activation=activation,
                use_bias=False,
                kernel_initializer=keras.initializers.Identity(),
            ),  # I, not a matrix of ones
            keras.layers.Reshape((side, side, 1)),
        ],
        name=f"identity_{activation}",
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=loss, metrics=["accuracy"])
    return model
