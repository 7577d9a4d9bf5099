"""Lab 6's exercise-5 checks beyond its wrong_answers.py: the precision the tolerance rests on,
the synthetic traces being what the check says they are, and the graded training run. (Every
variant of wrong_answers.py, and the solution, are graded by the lab's real test cells in
tests/test_wrong_answers.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lessons.l06_functional_api_and_losses import checks as lab06
from pitfalls.authoring.labs import solution_namespace
from pitfalls.course import lab_named

# One worker builds the module fixture (make check runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("l06-checks")


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab06_functional"))


def least_squares(k, loss_real, loss_gen, lambda_k):
    free = lab06.unclipped(k)
    y = np.diff(k)[free] / lambda_k + loss_gen[free]
    return float(np.linalg.lstsq(loss_real[free][:, None], y, rcond=None)[0][0])


def test_careful_estimates_stay_within_one_rounding_scale(solution):
    """The claim of ``rounding_scale``: 200 traces of each family, reference and least squares."""
    rng = np.random.default_rng(2026)
    makers = [lambda: lab06._inside_trace(rng), lambda: lab06._inside_trace(rng, decay=True)]
    makers += [lambda b=b: lab06._clipped_trace(rng, b) for b in ("0", "1", "start 0", "start 1")]
    worst = {"reference": 0.0, "least squares": 0.0}
    for make in makers:
        for _ in range(200):
            t = make()
            unit = (
                lab06.gamma_tolerance(t["k"], t["loss_real"], t["lambda_k"], t["gamma"])
                / lab06.TOLERANCE_SIGMAS
            )
            for name, fn in (("reference", solution["gamma_from_trace"]), ("least squares", least_squares)):
                error = abs(fn(t["k"], t["loss_real"], t["loss_gen"], t["lambda_k"]) - t["gamma"]) / unit
                worst[name] = max(worst[name], error)
    assert worst["reference"] < 1 and worst["least squares"] < 1, worst


def test_the_rule_traces_are_what_the_check_says():
    traces = lab06.rule_traces()
    inside, clipped = traces["inside"], traces["clipped"]
    assert all(lab06.unclipped(t["k"]).all() for t in inside + traces["precision"])
    assert {len(t["loss_real"]) for t in inside} >= {5, 500} and any(t["gamma"] == 1.0 for t in inside)
    lambdas = [t["lambda_k"] for phase in traces.values() for t in phase]
    assert min(lambdas) < 1e-3 and max(lambdas) > 1  # λ_k over decades
    assert not any(math.isclose(t["gamma"], 0.5, abs_tol=1e-3) for phase in traces.values() for t in phase)
    for t in clipped:
        assert 3 <= lab06.unclipped(t["k"]).sum() <= len(t["loss_real"]) - 3
    after, before = [t["k"][1:] for t in clipped], [t["k"][:-1] for t in clipped]
    assert any(np.any((a == 0) & (b > 0)) for a, b in zip(after, before))  # runs into 0 from inside
    assert any(np.any((a == 1) & (b < 1)) for a, b in zip(after, before))  # and into 1
    assert any(t["k"][0] == 0 and t["k"][1] == 0 for t in clipped)  # starts pinned at 0
    assert any(t["k"][0] == 1 and t["k"][1] == 1 for t in clipped)  # and at 1
    for t in traces["precision"]:
        assert t["loss_real"].max() / t["loss_real"].min() > 1e3
    assert all(not lab06.unclipped(t["k"]).any() for t in traces["all clipped"])
    thrown = traces["all clipped"][-1]["k"]
    assert np.all(np.diff(thrown) != 0)  # every step moved k, and every step ended at a bound
    for t in [*inside, *clipped, *traces["precision"], *traces["all clipped"]]:  # the rule made them
        replayed = lab06.replay_rule(t["k"][0], t["loss_real"], t["loss_gen"], t["lambda_k"], t["gamma"])
        assert np.array_equal(replayed, t["k"])
        assert np.all(t["loss_real"] > 0) and np.all(t["loss_gen"] >= 0)


def test_every_wrong_reading_is_far_from_the_answer_on_the_first_trace():
    """So that each mistake's own message can fire on the first trace the check hands out."""
    first = lab06.rule_traces()["inside"][0]
    tol = lab06.gamma_tolerance(first["k"], first["loss_real"], first["lambda_k"], first["gamma"])
    for value, why in lab06._wrong_readings(first):
        assert abs(value - first["gamma"]) > 100 * tol, why
