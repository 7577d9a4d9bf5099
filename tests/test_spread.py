"""The measured spreads behind the graded tolerances stay honest.

Each lab's ``spread.json`` must be what ``pitfalls.authoring.spread`` derives from its
own runs (several seeds, oneDNN off and on), and a fresh run of the reference solutions (seed 0,
every lab in one interpreter) must land where the record says, within the tolerance the checks use.
The fresh run uses the one oneDNN setting every graded kernel runs with (off:
``pitfalls.session.QUIET_ENV`` and ``pitfalls.grading.course.tool_env`` both set it); the "on" runs
stay in the record, where they widen the tolerance for a kernel started some other way.
"""

from __future__ import annotations

import json

import pytest

from pitfalls.authoring.spread import MARGIN, ONEDNN, measure_labs_in_subprocess, summarise
from pitfalls.course import labs

RECORDS = [lab.spread for lab in labs() if lab.spread.is_file()]


def test_every_lab_with_a_training_check_has_a_record():
    for lab in labs():
        checks = lab.text.with_name("checks.py")
        if "def measure(" in checks.read_text():
            assert lab.spread.is_file(), f"{lab.name} measures a training run but has no spread.json"


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.parent.name)
def test_record_is_derived_from_its_runs(record):
    data = json.loads(record.read_text())
    assert data["margin"] == MARGIN
    assert {(r["seed"], r["onednn"]) for r in data["runs"]} >= {(s, o) for s in range(3) for o in ONEDNN}, (
        "a record needs several seeds, each with oneDNN off and on"
    )
    assert data["quantities"] == summarise(data["runs"]), (
        "the record was edited by hand: re-run pitfalls.authoring.spread"
    )


def test_fresh_run_lands_inside_the_record():
    """Every lab's reference run, seed 0, one after the other in one fresh interpreter with oneDNN
    off (as a learner's kernel runs one check after another), inside every recorded tolerance."""
    from pitfalls.session import QUIET_ENV

    records = {data["lab"]: data for data in (json.loads(r.read_text()) for r in RECORDS)}
    fresh = measure_labs_in_subprocess(list(records), seed=0, onednn=QUIET_ENV["TF_ENABLE_ONEDNN_OPTS"])
    outside = [
        f"{lab} {key}: fresh run {fresh[lab][key]:.6g} is outside {q['reference']:.6g} ± {q['tolerance']:.3g}"
        for lab, data in records.items()
        for key, q in data["quantities"].items()
        if not abs(fresh[lab][key] - q["reference"]) <= q["tolerance"]
    ]
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.parent.name)
def test_fixed_limits_sit_far_above_the_spread(record):
    """A check that grades against fixed limits (its module's ``LIMITS``: the largest value it accepts
    for each kind of quantity, the record's quantities named ``<kind>_<case>``) must leave the reference
    solution's whole measured spread far below them: a hundredth of the limit at most."""
    from pitfalls.authoring.spread import checks_module

    data = json.loads(record.read_text())
    limits = getattr(checks_module(data["lab"]), "LIMITS", None)
    if limits is None:
        pytest.skip("this lab's check compares with the recorded reference, not with fixed limits")
    for key, q in data["quantities"].items():
        limit = limits[key.split("_")[0]]
        assert q["max"] + q["tolerance"] <= limit / 100, (
            f"{key}: the reference runs reach {q['max']:.3g} (+ {q['tolerance']:.3g}), too close to "
            f"the check's limit {limit:g}"
        )
