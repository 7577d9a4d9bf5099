"""The measured spreads behind the graded tolerances stay honest.

Each record in ``pitfalls/checks/spread/`` must be what ``pitfalls.build.spread`` derives from its
own runs, and a fresh run of the reference solution (seed 0, oneDNN off and on) must land where the
record says, within the tolerance the checks use.
"""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from pitfalls.build.spread import MARGIN, ONEDNN, SPREAD_DIR, measure_in_subprocess, summarise

RECORDS = sorted(SPREAD_DIR.glob("*.json"))


def test_every_lab_with_a_training_check_has_a_record():
    for module in sorted((ROOT / "pitfalls" / "checks").glob("lab*.py")):
        if "def measure(" in module.read_text():
            prefix = module.stem + "_"
            assert any(r.stem.startswith(prefix) for r in RECORDS), f"{module.name} has no spread record"


@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_record_is_derived_from_its_runs(record):
    data = json.loads(record.read_text())
    assert data["margin"] == MARGIN
    assert {(r["seed"], r["onednn"]) for r in data["runs"]} >= {(s, o) for s in range(3) for o in ONEDNN}, \
        "a record needs several seeds, each with oneDNN off and on"
    assert data["quantities"] == summarise(data["runs"]), "the record was edited by hand: re-run pitfalls.build.spread"


@pytest.mark.parametrize("onednn", ONEDNN)
@pytest.mark.parametrize("record", RECORDS, ids=lambda p: p.stem)
def test_fresh_run_lands_inside_the_record(record, onednn):
    data = json.loads(record.read_text())
    fresh = measure_in_subprocess(data["lab"], seed=0, onednn=onednn)
    for key, q in data["quantities"].items():
        assert abs(fresh[key] - q["reference"]) <= q["tolerance"], \
            f"{data['lab']} {key}: fresh run {fresh[key]:.6g} is outside {q['reference']:.6g} ± {q['tolerance']:.3g}"
