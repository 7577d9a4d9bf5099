"""What nbgrader's feedback page leaves out and adds for a student reading it offline.

Registered after nbgrader's own steps (``GenerateFeedback.preprocessors`` in
``autograder/nbgrader_config.py``), so ``make grade``, ``nbgrader generate_feedback`` and
formgrader's "generate feedback" button all make the same page:

* A failed check's message is one long line (graders and tests search pages for it), and the
  page's CSS does not wrap outputs, so its useful end was cut off on the right: outputs wrap.
* The launch cells (tags ``launch-badges``: the Colab/Binder badges, images loaded from the
  network and broken offline; ``colab-setup``: Colab's set-up code) mean nothing in a feedback
  file and are left out. They are not graded, so no score moves.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor

LAUNCH_TAGS = frozenset({"launch-badges", "colab-setup"})
WRAP_OUTPUTS_CSS = """
div.output_area pre, div.output_subarea pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
"""


class FeedbackPage(Preprocessor):
    """Drops the launch cells and makes every output wrap (see the module's docstring)."""

    enabled = True

    def preprocess(self, nb, resources):
        nb.cells = [c for c in nb.cells if not LAUNCH_TAGS & set(c.get("metadata", {}).get("tags", []))]
        inlining = resources.setdefault("inlining", {})
        inlining["css"] = [*inlining.get("css", []), WRAP_OUTPUTS_CSS]
        return nb, resources
