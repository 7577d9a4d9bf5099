"""The "predicted vs measured" line lessons print after each experiment."""

from __future__ import annotations

import pytest

from pitfalls.predictions import versus


def test_a_prediction_left_unwritten_shows_the_measurement_and_asks_for_a_guess(capsys):
    line = versus(..., 3, "trainable parameters")
    assert "measured 3" in line and "my_prediction" in line
    assert capsys.readouterr().out.strip() == line


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
