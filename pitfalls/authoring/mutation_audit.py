"""Audit the recorded mutation scores: re-run a seeded sample of each lab's mutants, compare.

Why a sample: ``mutants --record`` runs every mutant of a lab and writes ``mutation.json``; the fast
tier trusts that record while its digest matches the sources. What the digest cannot show is that
the record says what a run *gives* (a record made on another machine, a check whose outcome
depends on something the digest does not cover). Re-running every mutant of every lab costs ~150
worker-seconds of the suite's 15-minute budget; re-running every recorded survivor and a seeded
share of the other mutants, all labs in one interpreter, checks the same claim for a fraction of it:
each re-run mutant must come out as the record says (a survivor survives, an equivalent survives,
every other mutant is killed). The sample is drawn from the record's digest, so it is the same
on every machine for a given record and moves whenever the lab changes.

Run: ``python -m pitfalls.authoring.mutation_audit [lab ...] [--share 0.2]`` (the slow test).
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time

from pitfalls.authoring.mutants import (
    LabRun,
    Mutant,
    lab_mutants,
    load_equivalents,
    read_record,
    stale_reason,
)
from pitfalls.course import Lab, lab_named, labs

SHARE = 0.2  # of the mutants the record says are killed, drawn without replacement; every survivor is re-run


def sample(lab: Lab, share: float = SHARE) -> list[tuple[Mutant, bool]]:
    """The mutants to re-run, each with whether the record says a check kills it: every recorded
    survivor, and ``share`` of the others (rounded up), drawn with the record's digest as seed."""
    record = read_record(lab)
    survivors = set(record.survivors)
    equivalents = set(load_equivalents(lab))
    mutants = lab_mutants(lab)
    rest = [m.key for m in mutants if m.key not in survivors]
    drawn = set(random.Random(record.digest).sample(rest, math.ceil(share * len(rest))))
    return [
        (m, m.key not in survivors and m.key not in equivalents)
        for m in mutants
        if m.key in survivors or m.key in drawn
    ]


def audit(lab: Lab, share: float = SHARE) -> tuple[int, list[str]]:
    """How many mutants of ``lab`` were re-run, and every way the re-run disagrees with its record
    (empty: it agrees; a stale record is one disagreement, and nothing is re-run)."""
    reason = stale_reason(lab)
    if reason:
        return 0, [reason]
    chosen = sample(lab, share)
    run = LabRun.prepare(lab)
    problems = []
    for mutant, expected_killed in chosen:
        outcome = run.run(mutant)
        if bool(outcome.killed_by) != expected_killed:
            said = "killed" if expected_killed else "surviving"
            got = f"killed by {outcome.killed_by}" if outcome.killed_by else "survived"
            problems.append(f"{lab.name}: recorded {said}, re-run {got}: {mutant.key}")
    return len(chosen), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab names (default: every lab of the catalogue)")
    parser.add_argument("--share", type=float, default=SHARE, help="share of the killed mutants re-run")
    args = parser.parse_args(argv)
    from pitfalls.session import start

    start(seed=0, verbose=False)
    problems: list[str] = []
    for lab in [lab_named(n) for n in args.labs] if args.labs else labs():
        t0 = time.perf_counter()
        n, found = audit(lab, args.share)
        problems += found
        verdict = "agrees with its record" if not found else f"{len(found)} disagreements"
        print(f"{lab.name}: {n} mutants re-run, {verdict} ({time.perf_counter() - t0:.0f} s)", flush=True)
    for problem in problems:
        print(problem, flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
