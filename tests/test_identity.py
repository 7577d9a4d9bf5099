"""The exact identity model that lesson 4 teaches, lab 4's checks evaluate and the explorers draw:
activation(x) pixel by pixel, compiled with Adam at the given rate, MSE and "accuracy"."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pitfalls.session import start

SIGMOID_1 = 1 / (1 + math.exp(-1))


@pytest.fixture(autouse=True, scope="module")
def _keras():
    """Keras is imported when these tests run, not when the suite is collected."""
    global keras, identity_model
    start(seed=0, verbose=False)
    import keras

    from pitfalls.identity import identity_model


def images(side: int, n: int = 3) -> np.ndarray:
    return (np.random.default_rng(side).random((n, side, side, 1)) < 0.2).astype("float32")


def test_the_sigmoid_model_outputs_half_and_sigmoid_one():
    x = images(6)
    model = identity_model(6)
    y = np.asarray(model.predict(x, verbose=0))
    assert y.shape == x.shape
    assert np.allclose(y[x == 0], 0.5, atol=1e-7) and np.allclose(y[x == 1], SIGMOID_1, atol=1e-6)


def test_one_dense_layer_with_the_identity_kernel_and_no_bias():
    model = identity_model(5)
    (dense,) = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert dense.bias is None and np.array_equal(np.asarray(dense.kernel), np.eye(25))
    assert model.count_params() == 25 * 25
    assert model.name == "identity_sigmoid"


@pytest.mark.parametrize("activation", [None, "relu"])
def test_without_a_squashing_activation_it_copies_exactly(activation):
    x = images(4)
    model = identity_model(4, activation=activation)
    scores = model.evaluate(x, x, verbose=0, return_dict=True)
    assert scores == {"loss": 0.0, "accuracy": 1.0}


def test_compiled_like_the_article_with_the_given_learning_rate():
    model = identity_model(4, learning_rate=3e-3)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(model.optimizer.learning_rate) == pytest.approx(3e-3)
    assert float(identity_model(4).optimizer.learning_rate) == pytest.approx(1e-3)  # Adam's default
    assert model.loss == "mse"
    assert identity_model(4, activation="relu", loss="binary_crossentropy").loss == "binary_crossentropy"
    # lit fraction p: MSE = 0.25·(1 − p) + (1 − σ(1))²·p, as lesson 4 derives
    x = images(8, n=4)
    p = float(x.mean())
    scores = identity_model(8).evaluate(x, x, verbose=0, return_dict=True)
    assert scores["loss"] == pytest.approx(0.25 * (1 - p) + (1 - SIGMOID_1) ** 2 * p, abs=1e-6)
    assert scores["accuracy"] == 1.0  # "accuracy" resolves to BinaryAccuracy at threshold 0.5
