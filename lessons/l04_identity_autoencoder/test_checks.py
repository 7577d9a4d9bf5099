"""Lab 4's checks beyond its wrong_answers.py: hard-coded sizes, flat outputs, the wrong loss, other
mistakes' own messages, the training tolerance, the check's fresh inputs. (Every variant of
wrong_answers.py, and the solution, are graded by the lab's real test cells in
tests/test_wrong_answers.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from lessons.l04_identity_autoencoder import checks as lab04
from pitfalls.authoring.labs import solution_namespace
from pitfalls.checks.core import CheckFailed
from pitfalls.course import lab_named


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab04_autoencoder"))


def test_hard_coded_side_is_caught(solution):
    def built_for_12(side):
        return solution["build_identity_model"](12)

    with pytest.raises(CheckFailed, match="hard-coded"):
        lab04.architecture(built_for_12)


def test_flat_output_is_caught(solution):
    import keras

    def flat(side):
        model = keras.Sequential(
            [
                keras.Input(shape=(side, side, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(
                    side * side, activation="sigmoid", use_bias=False, kernel_initializer="identity"
                ),
            ]
        )
        model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
        return model

    with pytest.raises(CheckFailed, match="Reshape"):
        lab04.architecture(flat)


@pytest.mark.parametrize("loss, message", [("binary_crossentropy", "compile with loss='mse'")])
def test_wrong_loss_is_caught(solution, loss, message):
    def bce_model(side):
        model = solution["build_identity_model"](side)
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
        return model

    with pytest.raises(CheckFailed, match=message):
        lab04.architecture(bce_model)


def test_squared_sigmoid_mistake_has_its_message(solution):
    def sigmoid_squared(p):
        s = 1 / (1 + np.exp(-1))
        return 0.25 * (1 - p) + s**2 * p

    with pytest.raises(CheckFailed, match="not σ"):
        lab04.mse_prediction(solution["lit_fraction"], sigmoid_squared)


def test_transposed_picture_is_caught():
    import matplotlib.pyplot as plt

    def transposed(image):
        return plt.imshow(image[:, :, 0].T, vmin=0, vmax=1)

    with pytest.raises(CheckFailed, match="transposed"):
        lab04.fixed_scale(transposed)


def test_string_metric_is_caught():
    with pytest.raises(CheckFailed, match="compile\\(\\) resolves a string"):
        lab04.agreement_metric(lambda: "accuracy")


def test_training_check_rejects_a_bias(solution):
    """The measured tolerance is tight enough to tell the bias-less model from one with a bias."""
    import keras

    def with_bias(side):
        model = keras.Sequential(
            [
                keras.Input(shape=(side, side, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(side * side, activation="sigmoid", kernel_initializer="identity"),
                keras.layers.Reshape((side, side, 1)),
            ]
        )
        model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
        return model

    with pytest.raises(CheckFailed, match="lower than the reference"):
        lab04.training(with_bias)


def test_check_inputs_are_fresh_tracks():
    images = lab04.tracks(8, 20, seed=7)
    assert images.shape == (8, 20, 20, 1) and set(np.unique(images)) == {0.0, 1.0}
    assert 0.01 < images.mean() < 0.1
