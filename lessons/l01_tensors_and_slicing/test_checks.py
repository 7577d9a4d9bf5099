"""Lab 1's checks beyond its wrong_answers.py: a hard-coded size is caught, and the training check's
thresholds sit clear of the measured spread. (Every variant of wrong_answers.py, and
the solution, are graded by the lab's real test cells in tests/test_wrong_answers.py.)"""

from __future__ import annotations

import pytest

from lessons.l01_tensors_and_slicing import checks as lab01
from pitfalls.authoring.labs import solution_namespace
from pitfalls.checks.core import CheckFailed, load_spread
from pitfalls.course import lab_named


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab01_tensors"))


def test_hard_coded_quadrant_is_caught(solution):
    def quadrant_28_only(images):
        return images[:, 14:, 14:]

    with pytest.raises(CheckFailed, match="hard-coded"):
        lab01.slicing(solution["first_hundred"], quadrant_28_only)


def test_training_thresholds_sit_clear_of_the_measured_spread():
    """Every measured run of the reference solution (seeds × oneDNN, spread.json) passes the
    training check with room to spare, so a right answer on another CPU does too."""
    spread = load_spread("lab01_tensors")
    assert spread["accuracy"]["min"] - lab01.REQUIRED["accuracy"] >= 0.05, spread["accuracy"]
    assert lab01.REQUIRED["cross_entropy"] - spread["cross_entropy"]["max"] >= 0.2, spread["cross_entropy"]


def test_the_model_check_uses_sizes_of_its_own():
    """Never square (a swapped height and width shows) and never the lesson's 28×28."""
    shapes = lab01._shapes_not_square(61, 2, 7, 28)
    assert all(h != w and (h, w) != (28, 28) for h, w in shapes), shapes
