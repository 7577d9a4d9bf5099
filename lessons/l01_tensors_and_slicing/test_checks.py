"""Lab 1's checks, run in-process: the reference solution passes each, each wrong answer fails it
with its own message. (test_autograde.py proves the same through nbgrader, end to end.)"""
from __future__ import annotations


import pytest

from pitfalls.authoring.labs import solution_namespace
from lessons.l01_tensors_and_slicing import checks as lab01
from pitfalls.authoring.variants import load_variants
from pitfalls.course import lab_named
from pitfalls.checks.core import CheckFailed

CHECKS = {  # test cell → (check, names of the learner functions it takes)
    "ex1-check": (lab01.slicing, ["first_hundred", "lower_right_quadrant"]),
    "ex2-check": (lab01.unroll_and_roll, ["unroll", "roll_up"]),
    "ex3-check": (lab01.centering, ["center_columns"]),
    "ex4-check": (lab01.matvec, ["matvec_by_hand"]),
    "ex5-check": (lab01.updates, ["updates_per_epoch", "total_updates"]),
    "ex6-architecture": (lab01.architecture, ["build_model"]),
}


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab01_tensors"))


def wrong_answers():
    return load_variants(lab_named("lab01_tensors"))


@pytest.mark.parametrize("cell", sorted(CHECKS))
def test_solution_passes(cell, solution):
    check, names = CHECKS[cell]
    check(*(solution[n] for n in names))


@pytest.mark.parametrize("name", [n for n, v in wrong_answers().items() if v["fails"]])
def test_wrong_answer_fails_with_its_message(name, solution):
    spec = wrong_answers()[name]
    namespace = dict(solution)
    for code in spec["cells"].values():
        exec(code, namespace)
    for cell, message in spec["fails"].items():
        check, names = CHECKS[cell]
        with pytest.raises(CheckFailed) as failure:
            check(*(namespace[n] for n in names))
        assert message in str(failure.value)


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
        model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    with pytest.raises(CheckFailed, match="reference"):
        lab01.final_loss(too_fast)


def test_training_check_accepts_the_solution(solution):
    lab01.final_loss(solution["build_model"])
