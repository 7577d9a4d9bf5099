"""Every wrong answer of every lab, graded in-process by the lab's real test cells.

For each lab: the reference solution scores full marks; every variant of its ``wrong_answers.py``
scores what it should — each ``fails`` cell 0 with its message in the failure text, every other
cell (bar ``may_fail``) full marks, partial marks overall. The cells run are the master's graded
test cells (hidden tests included), scored as nbgrader scores them (``inprocess_grading``);
``test_autograde.py`` proves the same machinery end to end through nbgrader for a few cases.

A test cell whose inputs are provably those of the reference solution's run reuses its result
(``cell_inputs`` says when, and why that is sound); ``REUSE=0`` in the environment runs every cell.
"""

from __future__ import annotations

import logging
import os
import random
import sys
import warnings
from dataclasses import dataclass, replace

import pytest
from cell_inputs import binds_names, bound_names, cell_key, pure_definitions, reads_any

from pitfalls.authoring.inprocess_grading import Built, CellResult, build, run_cell
from pitfalls.authoring.labs import setup_and_solution_cells
from pitfalls.authoring.labs import test_cells as lab_test_cells
from pitfalls.authoring.variants import load_variants
from pitfalls.course import Lab, lab_named, labs

SOLUTION = "solution"
REUSE = os.environ.get("REUSE", "1") != "0"
CASES = [(lab.name, name) for lab in labs() for name in [SOLUTION, *load_variants(lab)]]


def _grouped(lab: str, name: str):
    """A case kept on the worker that grades its lab's reference solution (``make check`` runs
    ``--dist loadgroup``): each reference is built once, not once per worker."""
    return pytest.param(lab, name, marks=pytest.mark.xdist_group(f"wrong-answers-{lab}"), id=f"{lab}-{name}")


@dataclass
class Reference:
    """The reference solution's namespace, its graded cells, and what each cell read."""

    built: Built
    results: dict[str, CellResult]
    keys: dict[str, object]
    held: list


_REFERENCES: dict[str, Reference] = {}


def reference(lab: Lab) -> Reference:
    """The solution of ``lab`` graded once per worker (keys taken just before each cell ran)."""
    if lab.name not in _REFERENCES:
        built = build(lab)
        results, keys, held = {}, {}, []
        for gid, code, points in lab_test_cells(lab):
            keys[gid], objects = cell_key(code, built.namespace)
            held.extend(objects)
            results[gid] = run_cell(built, gid, code, points)
        _REFERENCES[lab.name] = Reference(built, results, keys, held)
    return _REFERENCES[lab.name]


def may_reuse(lab: Lab, swapped: dict[str, str], modules_before: set[str]) -> bool:
    """Whether the variant's build changed nothing but names (see ``cell_inputs``)."""
    changed: set[str] = set()
    after_swap = False
    for gid, code in setup_and_solution_cells(lab):
        if gid in swapped:
            if not pure_definitions(swapped[gid], modules_before):
                return False
            changed |= bound_names(swapped[gid])
            after_swap = True
        elif after_swap and not pure_definitions(code, modules_before) and reads_any(code, changed):
            return False
    return True


def grade_variant(lab: Lab, cells: dict[str, str]) -> dict[str, CellResult]:
    """Every test cell of ``lab`` for the solution with ``cells`` swapped in."""
    ref = reference(lab)
    modules_before = set(sys.modules)
    built = build(lab, cells)
    reuse = REUSE and may_reuse(lab, cells, modules_before)
    results: dict[str, CellResult] = {}
    for gid, code, points in lab_test_cells(lab):
        if reuse and not binds_names(code):
            key, _ = cell_key(code, built.namespace)
            if key is not None and key == ref.keys[gid]:
                results[gid] = replace(ref.results[gid], reused=True)
                continue
        results[gid] = run_cell(built, gid, code, points)
    return results


@pytest.fixture(autouse=True)
def isolated_session():
    """The lab's setup cell calls ``pitfalls.session.start()``: keep its effects in this test.

    pytest restores warning filters itself; this restores the environment, Python's and NumPy's
    global random states, TensorFlow's op determinism and the log levels ``start`` sets, and
    closes the figures the checks drew.
    """
    import numpy as np

    environ, py_state, np_state = dict(os.environ), random.getstate(), np.random.get_state()
    tf_logger = logging.getLogger("tensorflow")
    tf_level = tf_logger.level
    determinism = _op_determinism()
    with warnings.catch_warnings():
        yield
    os.environ.clear()
    os.environ.update(environ)
    random.setstate(py_state)
    np.random.set_state(np_state)
    tf_logger.setLevel(tf_level)
    if determinism is False and "tensorflow" in sys.modules:
        from tensorflow.python.framework import config

        config.disable_op_determinism()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def _op_determinism() -> bool | None:
    if "tensorflow" not in sys.modules:
        return False
    from tensorflow.python.framework import config

    return config.is_op_determinism_enabled()


def _report(results: dict[str, CellResult]) -> str:
    return "\n".join(
        f"  {gid}: {r.score:g}/{r.max_score:g}{' (reused)' if r.reused else ''}"
        + (f"\n    {r.failure[-1500:]}" if r.failure else "")
        for gid, r in results.items()
    )


@pytest.mark.parametrize("lab_name,name", [_grouped(*case) for case in CASES])
def test_variant_scores_what_it_should(lab_name, name):
    lab = lab_named(lab_name)
    if name == SOLUTION:
        results = reference(lab).results
        lost = {gid: r for gid, r in results.items() if not r.passed}
        assert results and not lost, f"the reference solution lost points:\n{_report(results)}"
        return
    spec = load_variants(lab)[name]
    results = grade_variant(lab, spec["cells"])
    fails, may_fail = spec.get("fails", {}), set(spec.get("may_fail", ()))
    assert set(fails) | may_fail <= set(results), f"{name} names cells the lab does not have"
    for cell, message in fails.items():
        assert results[cell].score == 0, f"{name}: {cell} should score 0:\n{_report(results)}"
        assert message in results[cell].failure, (
            f"{name}: {cell}'s failure lacks the message {message!r}:\n{_report(results)}"
        )
    for cell, r in results.items():
        if cell not in fails and cell not in may_fail:
            assert r.passed, f"{name}: {cell} should keep its points:\n{_report(results)}"
    total = sum(r.score for r in results.values())
    maximum = sum(r.max_score for r in results.values())
    if fails:
        assert 0 < total < maximum, f"{name}: expected partial marks, got {total}/{maximum}"


@pytest.mark.parametrize("lab", [lab.name for lab in labs()])
def test_every_lab_has_wrong_answers(lab):
    variants = load_variants(lab_named(lab))
    assert sum(1 for v in variants.values() if v.get("fails")) >= 3, (
        f"{lab}'s wrong_answers.py needs at least three realistic wrong answers"
    )
    assert any(v.get("warns") and not v.get("fails") for v in variants.values()), (
        f"{lab}: add a right answer that provokes a Keras warning (it must keep full marks)"
    )


WARNING_CASES = [
    (lab, name)
    for lab, name in CASES
    if name != SOLUTION and load_variants(lab_named(lab))[name].get("warns")
]


@pytest.mark.parametrize("lab,name", WARNING_CASES, ids=[f"{lab}-{name}" for lab, name in WARNING_CASES])
def test_warning_variants_really_warn(lab, name):
    """A 'right answer that provokes a warning' case must really provoke one, or it proves nothing."""
    from pitfalls.session import quiet_env

    quiet_env()
    spec = load_variants(lab_named(lab))[name]
    namespace: dict = {}
    import keras
    import numpy as np

    namespace.update(np=np, keras=keras)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for code in spec["cells"].values():
            exec(code, namespace)
        spec["warns"](namespace)
    assert caught, f"{name} was meant to provoke a warning, and none was raised"
