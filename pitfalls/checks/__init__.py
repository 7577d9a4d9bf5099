"""Graded checks: each test cell of a lab calls one function here.

Why the checks live in the package and not in the notebook: a check computes its reference from
fresh inputs of its own (never from globals the learner's cells left behind), explains a failure
in words, and keeps reference values out of the student's copy of the notebook.
"""

from pitfalls.checks.core import CheckFailed, call_learner, expect, expect_close, expect_shape

__all__ = ["CheckFailed", "call_learner", "expect", "expect_close", "expect_shape"]
