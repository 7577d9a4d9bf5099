"""The mean-of-two plumbing: seeded pairs, the NumPy loss of a Dense net, per-batch losses."""

from __future__ import annotations

import numpy as np
import pytest

from pitfalls.meannet import batch_losses, held_out_loss, linear_mse, pairs, running_loss, steps_to_reach


def test_pairs_are_seeded_integers_and_their_means():
    x, y = pairs(500, np.random.default_rng(0))
    again, _ = pairs(500, np.random.default_rng(0))
    assert x.shape == (500, 2) and y.shape == (500, 1) and x.dtype == np.float64
    assert np.array_equal(x, again)
    assert np.all(x == np.round(x)) and x.min() >= 0 and x.max() <= 99
    assert np.allclose(y[:, 0], (x[:, 0] + x[:, 1]) / 2)
    lo, _ = pairs(200, np.random.default_rng(1), low=-3, high=4)
    assert lo.min() >= -3 and lo.max() <= 3


def test_batch_losses_undo_keras_running_means():
    losses = np.array([5.0, 3.0, 1.0, 0.5])
    running = np.cumsum(losses) / np.arange(1, 5)
    assert np.allclose(batch_losses(running), losses)
    assert batch_losses([]).size == 0


def test_steps_to_reach():
    assert steps_to_reach([9.0, 5.0, 0.5, 0.1], 1.0) == 3
    assert steps_to_reach([float("nan"), 0.5], 1.0) == 2  # NaN never counts as reached
    assert steps_to_reach([9.0, 8.0], 1.0) is None
    assert steps_to_reach([9.0, 0.5], 1.0, steps=[10, 20]) == 20


class FakeLayer:
    def __init__(self, kernel, bias):
        self._w = [np.asarray(kernel, dtype=np.float32), np.asarray(bias, dtype=np.float32)]

    def get_weights(self):
        return self._w


class FakeModel:
    def __init__(self, kernel, bias):
        self.layers = [FakeLayer(kernel, bias)]


def test_linear_mse_in_original_units():
    x, y = pairs(1000, np.random.default_rng(2))
    assert linear_mse(FakeModel([[0.5], [0.5]], [0.0]), x, y) == pytest.approx(0.0, abs=1e-9)
    assert linear_mse(FakeModel([[0.5], [0.5]], [2.0]), x, y) == pytest.approx(4.0)
    # a net trained on numbers divided by 100: same weights, bias in scaled units, loss reported ×100²
    assert linear_mse(FakeModel([[0.5], [0.5]], [0.02]), x, y, scale=100) == pytest.approx(4.0)


def test_callbacks_record_during_fit():
    from pitfalls.session import start

    start(seed=0, verbose=False)
    import keras

    x, y = pairs(640, np.random.default_rng(3))
    x_test, y_test = pairs(100, np.random.default_rng(4))
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse", optimizer="rmsprop", steps_per_execution=2)
    curve, running = held_out_loss(x_test, y_test), running_loss()
    model.fit(x, y, batch_size=64, epochs=2, verbose=0, shuffle=False, callbacks=[curve, running])
    assert curve.steps == list(range(2, 21, 2))  # one record per execution of 2 steps
    assert curve.losses[-1] == pytest.approx(linear_mse(model, x_test, y_test))
    assert [len(e) for e in running.epochs] == [5, 5]
    assert running.per_batch().shape == (10,) and np.all(running.per_batch() > 0)
