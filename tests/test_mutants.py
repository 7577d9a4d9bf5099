"""Mutation testing of every lab (``pitfalls.authoring.mutants``): the score, its record, the tool.

Fast tier: every lab has a ``mutation.json`` made by a real run from its sources as they are now
(the digest says so), at least :data:`TARGET` of its non-equivalent mutants killed; the scores are
printed at the end of the run (``conftest.py``). A full run takes minutes (a few of the mutants
reach a training check); the slow tier re-runs every recorded survivor and a seeded fifth of the
other mutants (``pitfalls.authoring.mutation_audit``) in one fresh interpreter, and fails unless
each comes out as the record says. After changing a lab's
solution, checks or equivalents: ``python -m pitfalls.authoring.mutants --record <lab>``.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
import time

import pytest
from conftest import MUTATION_DIR

from pitfalls.authoring.mutants import (
    TARGET,
    MutantTimeout,
    lab_mutants,
    learner_lines,
    load_equivalents,
    mutants_of,
    read_record,
    stale_reason,
    time_limit,
)
from pitfalls.authoring.mutation_audit import SHARE, sample
from pitfalls.course import lab_named, labs
from pitfalls.grading.course import tool_env

LABS = [lab.name for lab in labs()]


@pytest.mark.parametrize("lab_name", LABS)
def test_recorded_mutation_score(lab_name):
    lab = lab_named(lab_name)
    reason = stale_reason(lab)
    assert reason is None, f"{reason}: run `python -m pitfalls.authoring.mutants --record {lab_name}`"
    score = read_record(lab)
    MUTATION_DIR.mkdir(parents=True, exist_ok=True)
    (MUTATION_DIR / f"{lab_name}.txt").write_text(score.line() + "\n")
    assert score.share >= TARGET, (
        f"{score.line()}, below {TARGET:.0%}; surviving mutants (holes in the checks):\n  "
        + "\n  ".join(score.survivors)
    )


@pytest.mark.parametrize("lab_name", LABS)
def test_every_listed_equivalent_is_a_mutant_the_tool_makes(lab_name):
    lab = lab_named(lab_name)
    made = {m.key for m in lab_mutants(lab)}
    listed = load_equivalents(lab)
    assert not set(listed) - made, f"{lab_name}: equivalents the tool no longer makes: {set(listed) - made}"
    assert all(why.strip() for why in listed.values()), f"{lab_name}: every equivalent says why"


def test_a_fresh_run_of_a_sample_agrees_with_every_record():
    """Slow: every recorded survivor and a seeded fifth of the other mutants of every lab, through
    the checks again in one fresh interpreter (``pitfalls.authoring.mutation_audit``)."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pitfalls.authoring.mutation_audit"],
        env=tool_env({}),
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert proc.returncode == 0, f"{proc.stdout[-4000:]}\n{proc.stderr[-3000:]}"
    print(f"{proc.stdout.strip()} (wall {time.perf_counter() - t0:.0f} s)")


@pytest.mark.parametrize("lab_name", LABS)
def test_the_audit_sample_holds_every_survivor_and_a_share_of_the_rest(lab_name):
    lab = lab_named(lab_name)
    record = read_record(lab)
    chosen = sample(lab)
    assert chosen == sample(lab), "the sample is drawn from the record's digest: the same every run"
    keys = {m.key for m, _ in chosen}
    assert set(record.survivors) <= keys
    assert all(
        killed == (m.key not in record.survivors and m.key not in load_equivalents(lab))
        for m, killed in chosen
    )
    rest = len(lab_mutants(lab)) - len(record.survivors)
    assert len(chosen) - len(record.survivors) == math.ceil(SHARE * rest), (len(chosen), rest)


# --- the mutator itself --------------------------------------------------------------------------
CELL = '''def f(images, n):
    """A docstring is never mutated."""
    ### BEGIN SOLUTION
    h, w = images.shape[1:3]
    out = images[:, h // 2 :, : w - 1].mean(axis=0)
    return out + 1, n < 3
    ### END SOLUTION
'''


def test_mutants_cover_each_kind_and_only_the_learners_lines():
    mutants = mutants_of("ex1", CELL)
    kinds = {m.kind for m in mutants}
    assert kinds == {"operator", "constant", "axis", "keyword", "slice", "swap"}, kinds
    afters = {m.after for m in mutants}
    assert "w, h = images.shape[1:3]" in afters  # swapped names
    assert "out = images[:, h / 2:, :w - 1].mean(axis=0)" in afters  # // → /
    assert "out = images[:, h // 2:, :w - 1].mean(axis=1)" in afters  # an axis ± 1
    assert "out = images[:, h // 2:, :w - 1].mean()" in afters  # a dropped keyword
    assert "return (n < 3, out + 1)" in afters  # swapped outputs
    assert "return (out + 1, n <= 3)" in afters  # a comparison
    assert all(m.where == "f" and m.cell == "ex1" for m in mutants)
    assert all("docstring" not in m.before for m in mutants)
    for m in mutants:
        ast.parse(m.code)  # every mutant is valid Python
    assert len({m.code for m in mutants}) == len(mutants), "duplicates are dropped"


def test_the_lines_outside_the_markers_are_the_labs():
    assert learner_lines(CELL) == {4, 5, 6}
    given = "def g(x=64):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    assert {m.after for m in mutants_of("ex", given)} == set(), (
        "the default 64 is the lab's, not the learner's"
    )


def test_time_limit_stops_a_runaway_mutant():
    t0 = time.perf_counter()
    with pytest.raises(MutantTimeout), time_limit(0.2):
        while True:
            pass
    assert time.perf_counter() - t0 < 2


def test_the_audit_reports_a_record_that_says_a_killed_mutant_survives(monkeypatch):
    """A record can be wrong without being stale (its digest does not cover it): the audit must say so."""
    from dataclasses import replace

    from pitfalls.authoring import mutation_audit

    lab = lab_named("lab03_generators")  # the quickest lab to prepare (~3 s)
    record = read_record(lab)
    killed = next(m.key for m in lab_mutants(lab) if m.key not in record.survivors)
    forged = replace(record, survivors=[*record.survivors, killed])
    monkeypatch.setattr(mutation_audit, "read_record", lambda _lab: forged)
    rerun, problems = mutation_audit.audit(lab, share=0.0)
    assert rerun == len(forged.survivors), rerun  # share 0: the survivors only
    assert len(problems) == 1, problems
    assert problems[0].startswith("lab03_generators: recorded surviving, re-run killed by "), problems
    assert problems[0].endswith(killed), problems
