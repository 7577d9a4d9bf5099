"""The course's lessons, one folder each (see ``catalogue.toml`` and docs/CONTRIBUTING.md).

A folder holds everything of its lesson: ``lesson.py`` (the lesson, jupytext py:percent),
``lab.py`` (its nbgrader master lab), ``checks.py`` (the lab's graded checks), ``spread.json``
(measured references and tolerances), ``wrong_answers.py`` (what learners write, and what the grader
must make of it), the lesson's own helpers and their tests. ``make generate`` turns the text sources
into ``notebooks/``, ``source/``, ``release/`` and ``solutions/``.
"""
