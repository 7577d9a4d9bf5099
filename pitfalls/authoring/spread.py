"""Measure the spread of a lab's graded numbers over seeds and CPUs, and record tolerances.

Why: a reference-loss check with a tolerance tuned on one run fails a correct answer on another
CPU, or passes a wrong one. ``python -m pitfalls.authoring.spread lab01_tensors`` runs the reference
solution's graded training for several seeds with oneDNN on and off (``TF_ENABLE_ONEDNN_OPTS``,
which changes float summation order), each in a fresh interpreter, and writes the values, the
reference and the tolerance derived from them to the lesson folder's ``spread.json``, which the
lab's check reads. ``tests/test_spread.py`` re-measures a sample and checks it against the record.

A lab's checks module provides ``measure(namespace, seed) -> dict[str, float]``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import subprocess
import sys

from pitfalls.course import lab_named
from pitfalls.grading.course import tool_env

SEEDS = (0, 1, 2, 3, 4)
ONEDNN = ("0", "1")
MARGIN = 1.5  # tolerance = MARGIN × the largest distance of any measured run from the reference


def checks_module(lab: str):
    """The lab's checks module (``lessons/<lesson>/checks.py``)."""
    return importlib.import_module(lab_named(lab).checks_module)


def measure_once(lab: str, seed: int) -> dict[str, float]:
    """In this process: the reference solution's graded numbers for one seed."""
    from pitfalls.authoring.labs import solution_namespace
    from pitfalls.session import start

    start(seed=seed, verbose=False)
    namespace = solution_namespace(lab_named(lab))
    return checks_module(lab).measure(namespace, seed)


def measure_in_subprocess(lab: str, seed: int, onednn: str) -> dict[str, float]:
    """One run in a fresh interpreter (oneDNN is fixed at TensorFlow's import)."""
    return measure_labs_in_subprocess([lab], seed, onednn)[lab]


def measure_labs_in_subprocess(lab_names: list[str], seed: int, onednn: str) -> dict[str, dict[str, float]]:
    """Each lab's run, one after the other in one fresh interpreter, as a learner's kernel runs
    one check after another: {lab: values}. (One TensorFlow import for all, not one per lab.)"""
    proc = subprocess.run(
        [sys.executable, "-m", "pitfalls.authoring.spread", *lab_names, "--one", str(seed)],
        env=tool_env({"TF_ENABLE_ONEDNN_OPTS": onednn}),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"measuring {', '.join(lab_names)} seed {seed} oneDNN={onednn} failed:\n{proc.stderr[-3000:]}"
        )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    """Per quantity: the values, the reference (seed 0, oneDNN off: what a grader sees) and the
    tolerance (MARGIN × the largest distance of any run from it)."""
    out = {}
    for key in runs[0]["values"]:
        values = [r["values"][key] for r in runs]
        ref = next(r["values"][key] for r in runs if r["seed"] == 0 and r["onednn"] == "0")
        out[key] = {
            "reference": ref,
            "tolerance": MARGIN * max(abs(v - ref) for v in values),
            "min": min(values),
            "max": max(values),
            "stdev": statistics.pstdev(values),
        }
    return out


def record(lab: str, seeds=SEEDS, onednn=ONEDNN) -> dict:
    """Measure every (seed, oneDNN) pair and write the record the lab's checks read."""
    from tqdm import tqdm

    runs = []
    pairs = [(s, o) for s in seeds for o in onednn]
    for seed, flag in tqdm(pairs, desc=f"spread of {lab}", unit="run"):
        runs.append({"seed": seed, "onednn": flag, "values": measure_in_subprocess(lab, seed, flag)})
    result = {
        "lab": lab,
        "margin": MARGIN,
        "runs": runs,
        "quantities": summarise(runs),
        "how": "python -m pitfalls.authoring.spread " + lab,
    }
    lab_named(lab).spread.write_text(json.dumps(result, indent=1) + "\n")
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="+")
    parser.add_argument("--one", type=int, help="measure one seed of each lab in this process, print JSON")
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps({lab: measure_once(lab, args.one) for lab in args.labs}))
        return
    for lab in args.labs:
        for key, q in record(lab)["quantities"].items():
            print(
                f"{lab} {key}: reference {q['reference']:.6g} ± {q['tolerance']:.3g} "
                f"(runs {q['min']:.6g} … {q['max']:.6g})"
            )


if __name__ == "__main__":
    main()
