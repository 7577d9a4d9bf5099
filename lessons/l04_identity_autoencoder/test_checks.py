"""Lab 4's checks beyond its wrong_answers.py: swapped sizes, flat outputs, compile mistakes, other
mistakes' own messages, the check's fresh inputs and the truth exercise 4 is compared with. (Every variant of
wrong_answers.py, and the solution, are graded by the lab's real test cells in
tests/test_wrong_answers.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from lessons.l04_identity_autoencoder import checks as lab04
from pitfalls.authoring.labs import solution_namespace
from pitfalls.checks.core import CheckFailed
from pitfalls.course import lab_named

# One worker builds the module fixture (make check runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("l04-checks")


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab04_autoencoder"))


def test_swapped_height_and_width_is_caught(solution):
    def swapped(height, width, dark, lit):
        return solution["build_identity_model"](width, height, dark, lit)

    with pytest.raises(CheckFailed, match="height and width are swapped"):
        lab04.dark_and_lit(swapped)


def test_flat_output_is_caught(solution):
    import keras

    def flat(height, width, dark, lit):
        model = solution["build_identity_model"](height, width, dark, lit)
        return keras.Model(model.inputs, keras.layers.Flatten()(model.outputs[0]))

    with pytest.raises(CheckFailed, match="reshape the output back"):
        lab04.dark_and_lit(flat)


@pytest.mark.parametrize(
    "compile_args, message",
    [
        (
            {"optimizer": "adam", "loss": "binary_crossentropy", "metrics": ["accuracy"]},
            "compile with loss='mse'",
        ),
        ({"optimizer": "sgd", "loss": "mse", "metrics": ["accuracy"]}, "should be Adam"),
        ({"optimizer": "adam", "loss": "mse"}, "compile with metrics=\\['accuracy'\\]"),
    ],
)
def test_compile_mistakes_are_caught(compile_args, message):
    import keras

    def compiled(height, width, dark, lit):  # a fresh model: a re-compiled one keeps its old metrics
        bias = np.log(dark / (1 - dark))
        gain = np.log(lit / (1 - lit)) - bias
        model = keras.Sequential(
            [
                keras.Input(shape=(height, width, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(
                    height * width,
                    activation="sigmoid",
                    kernel_initializer=keras.initializers.Identity(gain=gain),
                    bias_initializer=keras.initializers.Constant(bias),
                ),
                keras.layers.Reshape((height, width, 1)),
            ]
        )
        model.compile(**compile_args)
        return model

    with pytest.raises(CheckFailed, match=message):
        lab04.grey_pixels(compiled)


def test_sigmoid_of_the_wanted_values_has_its_message(solution):
    """Bias and diagonal right, but the wanted outputs passed through the sigmoid once more."""

    def sigmoid_again(height, width, dark, lit):
        return solution["build_identity_model"](height, width, float(lab04._sigmoid(dark)), lit)

    with pytest.raises(CheckFailed, match="black pixels come out as"):
        lab04.dark_and_lit(sigmoid_again)


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


def test_check_inputs_are_fresh_tracks():
    images = lab04.tracks(8, 20, seed=7)
    assert images.shape == (8, 20, 20, 1) and set(np.unique(images)) == {0.0, 1.0}
    assert 0.01 < images.mean() < 0.1
    for height, width, _, _ in lab04.OUTPUT_CASES:  # every case has black and lit pixels
        crop = lab04.cropped_tracks(6, height, width, seed=height * 31 + width)
        assert crop.shape == (6, height, width, 1) and 0 < crop.mean() < 0.5


def test_accuracy_cases_hold_what_the_exercise_promises():
    """Grey targets and outputs of exactly 0.5 among the one-unit cases, no ties among the others."""
    (_, images, outputs), _ = lab04._one_unit_cases()
    assert np.any((images > 0) & (images < 1)) and np.any(outputs == 0.5)
    for _, _, y_pred in lab04._several_unit_cases():
        top = np.sort(y_pred, axis=-1)
        assert np.all(top[..., -1] > top[..., -2])


def test_the_string_resolves_as_lesson_4_says():
    """The check's truth (a compiled model's 'accuracy') is the metric Keras' rule names, per case."""
    import keras

    families = (lab04._one_unit_cases(), lab04._several_unit_cases())  # one batch size each
    cases = [case for family in families for case in family]
    truth = [value for family in families for value in lab04.accuracies_as_compiled([c[1:] for c in family])]
    named = [keras.metrics.BinaryAccuracy()] * 2 + [
        keras.metrics.CategoricalAccuracy(),
        keras.metrics.CategoricalAccuracy(),
        keras.metrics.SparseCategoricalAccuracy(),
        keras.metrics.SparseCategoricalAccuracy(),
        keras.metrics.SparseCategoricalAccuracy(),
        keras.metrics.CategoricalAccuracy(),
    ]
    for (label, t, q), want, metric in zip(cases, truth, named):
        metric.reset_state()
        metric.update_state(t, q)
        assert abs(float(metric.result()) - want) < 1e-6, label
