"""The measured spreads behind the graded tolerances stay honest.

Each lab's ``spread.json`` must be what ``pitfalls.authoring.spread`` derives from its
own runs, and a fresh run of the reference solution (seed 0, oneDNN off and on) must land where the
record says, within the tolerance the checks use.
"""

from __future__ import annotations

import json

import pytest

from pitfalls.authoring.spread import MARGIN, ONEDNN, measure_in_subprocess, summarise
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


@pytest.mark.parametrize("onednn", ONEDNN)
@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.parent.name)
def test_fresh_run_lands_inside_the_record(record, onednn):
    data = json.loads(record.read_text())
    fresh = measure_in_subprocess(data["lab"], seed=0, onednn=onednn)
    for key, q in data["quantities"].items():
        assert abs(fresh[key] - q["reference"]) <= q["tolerance"], (
            f"{data['lab']} {key}: fresh run {fresh[key]:.6g} is outside {q['reference']:.6g} ± {q['tolerance']:.3g}"
        )
