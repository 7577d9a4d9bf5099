"""Scripted nbgrader steps: generate, submit, autograde, feedback, scores, in a scratch course."""

from pitfalls.grading.course import Course, NbgraderError

__all__ = ["Course", "NbgraderError"]
