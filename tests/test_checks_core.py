"""The check vocabulary fails in words and keeps warnings out of graded cells."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

from pitfalls.checks.core import CheckFailed, call_learner, expect, expect_close, expect_shape


def test_expect_shape_suggests_the_transpose():
    with pytest.raises(CheckFailed, match=r"expected shape \(12288, 790\), got \(790, 12288\).*transpose"):
        expect_shape(np.zeros((790, 12288)), (12288, 790), "unroll(img)")


def test_expect_shape_uses_a_specific_hint():
    with pytest.raises(CheckFailed, match="a single image"):
        expect_shape(np.zeros((28, 28)), (100, 28, 28), "x", hints={(28, 28): "a single image"})


def test_expect_shape_on_a_non_array():
    with pytest.raises(CheckFailed, match="should be an array"):
        expect_shape([1, 2], (2,), "x")


def test_expect_close_reports_how_far():
    with pytest.raises(CheckFailed, match=r"expected 1, got 1.5"):
        expect_close(1.5, 1.0, "loss", atol=0.1, rtol=0)
    expect_close([1.0, 2.0], [1.0, 2.0 + 1e-9], "v")


def test_expect_passes_and_fails():
    expect(True, "never shown")
    with pytest.raises(CheckFailed, match="shown"):
        expect(False, "shown")


def test_call_learner_swallows_warnings_and_stderr(capsys):
    def noisy():
        warnings.warn("do not pass input_shape", UserWarning, stacklevel=2)
        print("log line", file=sys.stderr)
        return 42

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert call_learner(noisy) == 42
    assert not caught
    assert capsys.readouterr().err == ""


def test_call_learner_names_the_learners_exception():
    def broken(x):
        return x["missing"]

    with pytest.raises(CheckFailed, match=r"broken\(\.\.\.\) raised KeyError: 'missing'"):
        call_learner(broken, {})


def test_call_learner_on_an_unwritten_exercise():
    def todo():
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        call_learner(todo)


def test_call_learner_on_a_non_function():
    with pytest.raises(CheckFailed, match="should be a function"):
        call_learner(3)


def test_a_real_not_implemented_error_is_not_called_unwritten():
    def numpy_in_graph():
        raise NotImplementedError("Cannot convert a symbolic tf.Tensor to a numpy array")

    with pytest.raises(CheckFailed, match="raised NotImplementedError: Cannot convert"):
        call_learner(numpy_in_graph)


def test_a_stub_rewrapped_by_keras_reads_not_written_yet():
    """Keras re-raises a layer's ``raise NotImplementedError()`` with its own message; the stub is
    still the learner's untouched stub (issue 15)."""
    import keras

    class Stub(keras.layers.Layer):
        def call(self, x):
            raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        call_learner(Stub(), np.zeros((2, 3), "float32"), what="Stub()(x)")


@pytest.mark.parametrize(
    "spelling",
    ["mse", ["mse"], "mean_squared_error", "function", "object"],
)
def test_compiled_loss_judges_the_loss_not_its_spelling(spelling):
    """'mse', ['mse'] (one output), the function and the object compute one loss (issue 15)."""
    import keras

    from pitfalls.checks.core import compiled_loss, loss_label

    loss = {"function": keras.losses.mean_squared_error, "object": keras.losses.MeanSquaredError()}.get(
        spelling if isinstance(spelling, str) else "", spelling
    )
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", loss=loss)
    y, p = np.array([[1.0], [2.0], [4.0]], "float32"), np.array([[1.5], [2.0], [3.0]], "float32")
    assert compiled_loss(model, y, p) == pytest.approx(np.mean((y - p) ** 2), rel=1e-6)
    assert "listwrapper" not in loss_label(model.loss).lower()
    model.compile("sgd", loss="sparse_categorical_crossentropy")
    assert compiled_loss(model, y[:, 0].astype(int) + 5, p) is None  # a label past the one output unit
