"""nbgrader configuration of Keras Pitfalls Lab, shared by the tests, `make grade` and instructors.

The course keeps only *configuration* here. Submissions, autograded copies, feedback and the
gradebook are per-class working data: the scripted steps (``pitfalls.grading``) run nbgrader in a
scratch course directory that links ``source/`` from the repository, so nothing of a class ever
lands in the repository.
"""

import os

import nbgrader

from pitfalls.paths import repo_root

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "keras-pitfalls-lab"
# Release and student copies must be reproducible: every lab lists its own notebook(s) only.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".DS_Store"]

# Cells train small Keras models; measured times are a few seconds, a timeout catches an
# infinite loop without killing honest work (nbgrader's default is 30 s).
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True
c.Execute.startup_timeout = 120
# A student who deletes a graded cell is graded with the instructor's cell put back, not left at
# "needs manual grading" (nbgrader issue 1682). `make grade` also restores deleted locked cells.
c.OverwriteCells.add_missing_cells = True

# The stderr trap: nbgrader scores a test cell 0 if it printed *anything* to stderr, even when
# every assert passed. The labs' setup cell silences TensorFlow and Keras; this drops any
# remaining backend log line or Python warning from test cells before grading. Real errors are
# `error` outputs, not stderr streams, so they still fail their cell.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = (
    r"(Warning|WARNING|absl::|oneDNN|tensorflow|TF_ENABLE_ONEDNN_OPTS|cuda|I0000|W0000|E0000"
    r"|warnings\.warn)"
)

# The feedback page: nbgrader's steps, then pitfalls.grading.feedback_page (outputs wrap, so a
# check's message is read to its end; the launch cells are left out of a file read offline).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "pitfalls.grading.feedback_page.FeedbackPage",
]

# Clear outputs in the student version; keep hidden tests out of it.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Feedback pages render offline: nbgrader's feedback template loads MathJax from a CDN by calling
# nbconvert's mathjax() macro with no URL (so HTMLExporter.mathjax_url is ignored);
# autograder/templates/base/mathjax.html.j2 replaces that macro with one that loads nothing
# (no lab has mathematics). Setting extra_template_basedirs replaces nbgrader's default, so its
# own template folder is listed after ours. This file is copied into scratch course folders, so
# the repository is found through the course package, not next to this file.
c.HTMLExporter.extra_template_basedirs = [
    str(repo_root() / "autograder" / "templates"),
    os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates"),
]
