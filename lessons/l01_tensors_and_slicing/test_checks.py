"""Lab 1's checks beyond its wrong_answers.py: a hard-coded size is caught, and the training check's
tolerance tells the asked-for learning rate from another. (Every variant of wrong_answers.py, and
the solution, are graded by the lab's real test cells in tests/test_wrong_answers.py.)"""

from __future__ import annotations

import pytest

from lessons.l01_tensors_and_slicing import checks as lab01
from pitfalls.authoring.labs import solution_namespace
from pitfalls.checks.core import CheckFailed
from pitfalls.course import lab_named


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab01_tensors"))


def test_hard_coded_quadrant_is_caught(solution):
    def quadrant_28_only(images):
        return images[:, 14:, 14:]

    with pytest.raises(CheckFailed, match="hard-coded"):
        lab01.slicing(solution["first_hundred"], quadrant_28_only)


def test_training_check_rejects_a_different_learning_rate(solution):
    """The loss tolerance is tight enough to tell lr=0.01 from the asked-for lr=0.001."""
    import keras

    def too_fast():
        model = solution["build_model"]()
        model.compile(
            optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    with pytest.raises(CheckFailed, match="reference"):
        lab01.final_loss(too_fast)
