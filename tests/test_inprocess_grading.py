"""The in-process grader and its reuse rule can tell apart what they claim to tell apart.

``test_wrong_answers.py`` trusts ``inprocess_grading`` to score a cell as nbgrader does and
``cell_inputs`` to say when a cell's result may be reused; these cases show both can fail.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import pytest
from cell_inputs import binds_names, cell_key, pure_definitions

from pitfalls.authoring.inprocess_grading import Built, run_cell


def built(namespace: dict | None = None, filters: list | None = None) -> Built:
    ns = {"__name__": "notebook_probe", **(namespace or {})}
    return Built(SimpleNamespace(name="probe"), ns, list(warnings.filters) if filters is None else filters)


@pytest.mark.parametrize(
    "code, passes",
    [
        ("x = 1", True),
        ("assert False, 'the message'", False),
        ("import sys\nprint('not forgiven', file=sys.stderr)", False),
        ("import os\nos.write(2, b'a C-level line\\n')", False),
        ("import logging\nlogging.getLogger('probe').error('a log line')", False),
        ("import sys\nprint('UserWarning: forgiven by the IgnorePattern', file=sys.stderr)", True),
    ],
)
def test_a_cell_scores_as_nbgrader_would(code, passes):
    with warnings.catch_warnings():
        result = run_cell(built(), "probe", code, 2.0)
    assert result.passed is passes, result
    if not passes:
        assert result.score == 0 and result.failure


def test_an_error_gives_its_message():
    result = run_cell(built(), "probe", "raise ValueError('said in words')", 1.0)
    assert result.score == 0 and "ValueError: said in words" in result.failure


def test_last_expression_is_partial_credit():
    assert run_cell(built(), "probe", "x = 0.5\nx", 2.0).score == 0.5


def test_shown_warnings_follow_the_filters_the_build_left():
    code = "import warnings\nwarnings.warn('a plain message', RuntimeWarning)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ignored = run_cell(built(filters=list(warnings.filters)), "probe", code, 1.0)
        warnings.simplefilter("always")
        shown = run_cell(built(filters=list(warnings.filters)), "probe", code, 1.0)
    assert ignored.passed and shown.passed  # a warning's text matches the IgnorePattern ("Warning")
    code_unforgiven = "import sys\nsys.stderr.write('plain text')"
    assert not run_cell(built(), "probe", code_unforgiven, 1.0).passed


def test_cell_key_follows_functions_transitively():
    def make(body: str) -> dict:
        ns = {"__name__": "notebook_probe"}
        exec(f"def helper(x):\n    return {body}\n\ndef answer(x):\n    return helper(x)\n", ns)
        return ns

    same_a, same_b, other = make("x + 1"), make("x + 1"), make("x + 2")
    key = lambda ns: cell_key("check(answer)", ns)[0]  # noqa: E731
    assert key(same_a) == key(same_b)
    assert key(same_a) != key(other), "a change in a function the answer calls must change the key"


def test_values_the_notebook_made_never_match_across_builds():
    a, b = {"__name__": "n", "model": object()}, {"__name__": "n", "model": object()}
    assert cell_key("check(model)", a)[0] != cell_key("check(model)", b)[0]
    assert cell_key("check(globals())", a)[0] is None


@pytest.mark.parametrize(
    "code, pure",
    [
        ("def f(x=1):\n    return x\n", True),
        ("import numpy as np\n\nclass A:\n    k = 2\n    def f(self):\n        return 1\n", True),
        ("import warnings\nwarnings.simplefilter('always')\n", False),
        ("def f(x=[]):\n    return x\n", False),
        ("@decorate\ndef f():\n    pass\n", False),
        ("x = compute()\n", False),
    ],
)
def test_pure_definitions(code, pure):
    assert pure_definitions(code, {"numpy", "warnings"}) is pure


def test_binds_names():
    assert not binds_names("check.split(split_in_halves)\nprint('passed')")
    assert binds_names("model = build()\ncheck.x(model)")
