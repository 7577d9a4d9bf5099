"""A lab's wrong-answer variants: what learners write, and what the grader must make of it.

``lessons/<lesson>/wrong_answers.py`` defines ``VARIANTS``: ``cells`` replaces solution cells (by
grade_id) of the full solution; ``fails`` maps each test cell that must score 0 to the message it
must give; ``may_fail`` lists cells whose score is not asserted; ``warns`` (a function of the
answer's namespace) provokes the warning a right answer must survive.
"""

from __future__ import annotations

import importlib.util

from pitfalls.course import Lab


def load_variants(lab: Lab) -> dict:
    """``VARIANTS`` of the lab's ``wrong_answers.py`` (``{}`` when it has none)."""
    if not lab.wrong_answers.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"wrong_answers_{lab.name}", lab.wrong_answers)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VARIANTS
