"""The "predicted vs measured" line lessons print after each experiment."""

from __future__ import annotations

import contextlib
import io

import pytest

from pitfalls import predictions


def versus(prediction, measured, what: str) -> str:
    """The line ``predictions.versus`` prints (it returns nothing: a cell would echo it twice)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert predictions.versus(prediction, measured, what) is None
    return out.getvalue().rstrip("\n")


def test_a_prediction_left_unwritten_shows_the_measurement_and_asks_for_a_guess(capsys):
    predictions.versus(..., 3, "trainable parameters")
    line = capsys.readouterr().out
    assert "measured 3" in line and "still `...`" in line and line.count("\n") == 1


@pytest.mark.parametrize(
    ("prediction", "measured", "shown"),
    [
        (3, 3, "you predicted 3, measured 3 (exactly)"),
        (0.5, 0.52, "within 4%"),
        (10, 1000, "a factor 100 apart"),
        (True, False, "you predicted yes, measured no"),
        ("(64, 1)", "(64,)", "you predicted (64, 1), measured (64,)"),
        (-1, 2, "you predicted -1, measured 2"),
    ],
)
def test_a_written_prediction_is_shown_beside_the_measurement(prediction, measured, shown):
    assert shown in versus(prediction, measured, "x")


def test_never_raises_on_odd_values():
    for p, m in [(float("nan"), 1.0), (0, 0.0), (None, [1, 2]), (1, float("inf"))]:
        assert "measured" in versus(p, m, "x")


@pytest.mark.parametrize(
    ("prediction", "measured", "same"),
    [
        ((100, 28, 28), (100, 28, 28), True),
        ([6, 8], [6, 8], True),
        ((1, 2), [1, 2], False),
        ("a", "b", False),
    ],
)
def test_a_right_guess_that_is_not_a_number_is_called_the_same(prediction, measured, same):
    assert ("(the same)" in versus(prediction, measured, "x")) is same
