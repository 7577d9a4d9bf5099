"""Lesson NN: see lesson.py, and lab.py for its lab (if any).

TEMPLATE: not a lesson. Copy this folder to ``lessons/lNN_name/`` (folders starting with ``_`` are
not lessons and are never in the catalogue), replace its placeholders (see lesson.py) and follow
docs/CONTRIBUTING.md, "Adding a lesson and its lab".
"""
