# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# <!-- TEMPLATE (an HTML comment: invisible in the rendered notebook; delete it in your lab).
#   This file is the nbgrader *master* lab: `make generate` turns it into source/labNN_name/
#   (the master), release/labNN_name/ (nbgrader's student version) and solutions/labNN_name/
#   (executed). Placeholders, replaced in this order: labNN_name (the lab), lNN_name (the folder),
#   NN (the number); see lesson.py.
#   Cell conventions (copied from lessons/l01_tensors_and_slicing/lab.py):
#   * every cell's `# %%` marker carries nbgrader={...} with a unique grade_id and
#     "schema_version": 3; text and setup cells are locked and not graded;
#   * a solution cell ("solution": true, "locked": false) defines *functions*; the answer sits
#     between the two marker comments you see in the exercise cells below, inside the function
#     body (nbgrader replaces it by `raise NotImplementedError()` in the student version). Never
#     write those markers anywhere else, not even in a text cell: nbgrader scans every cell for
#     them and refuses a cell that has one without the other;
#   * a graded test cell ("grade": true, "locked": true, "points": n) is one call
#     check.<fn>(<learner functions>) plus a print; its grade_id is "<exercise>-check";
#   * the last two cells are the self-check (grade ids selfcheck-text and selfcheck). -->
# # Lab NN — Pixel arithmetic without wrap-around
#
# Two exercises on what lesson NN showed: `uint8` images wrap around when you add them.
#
# **Work in your own copy**, `work/labNN_name/labNN_name.ipynb`: `make lab` makes it, and so does
# `make fetch-lab LAB=labNN_name`, which never overwrites a copy you have. Not in `release/`: that
# folder belongs to the course, and edits there break `git pull`. (On Colab or Binder this notebook
# is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function*. The check cell under it calls
# your function on fresh inputs of its own (other sizes than the lesson's, so a hard-coded number
# shows) and, when something is wrong, says what in words. Run a check cell as often as you like:
# the autograder runs the same checks. Points are shown on each check cell.
#
# **Run All stops at the first check that fails**: in a fresh lab that is exercise 1's, and every
# cell below it stays `[ ]`. That is expected. To see every exercise at once, run the setup cell and
# your exercise cells, then the **Check everything** cell at the bottom (click it, Shift+Enter): it
# runs every check, says for each what the grader will say, and does not stop at a failure.
#
# Replace every `raise NotImplementedError()` with your code. Do not rename the functions.

# %% nbgrader={"grade": false, "grade_id": "setup", "locked": true, "schema_version": 3, "solution": false, "task": false}
# Setup: quiet TensorFlow's logs, seed everything, load the checks. Run this cell first.
from pitfalls.session import start

start(seed=0)

import numpy as np

from lessons.lNN_name import checks as check

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — The mean of two images (1 point)
#
# `mean_image(a, b)` returns the pixel-wise mean of two `uint8` image batches of the same shape,
# as floats: for pixels 200 and 100 it gives 150.0, not 22.0.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mean_image(a, b):
    """The pixel-wise mean of a and b, computed in floats (no uint8 wrap-around)."""
    ### BEGIN SOLUTION
    return (a.astype(np.float32) + b) / 2
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.mean_image(mean_image)
print("Exercise 1 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — Stretch each image to [0, 1] (1 point)
#
# `stretch(images)` takes a `uint8` batch of shape `(N, height, width)` and returns floats where,
# **in each image separately**, the darkest pixel becomes 0 and the brightest 1:
# `(x - min) / (max - min)`. An image whose pixels are all equal has no contrast to stretch: it
# becomes all zeros (not NaN).


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def stretch(images):
    """Per image: (x - min) / (max - min), and zeros for a flat image."""
    ### BEGIN SOLUTION
    x = images.astype(np.float32)
    low = x.min(axis=(1, 2), keepdims=True)
    span = x.max(axis=(1, 2), keepdims=True) - low
    return (x - low) / np.where(span > 0, span, 1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.stretch(stretch)
print("Exercise 2 passed.")

# %% [markdown] nbgrader={"grade": false, "grade_id": "selfcheck-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Check everything
#
# The cell below runs every **public** check of this lab at once, on the functions you have defined
# in this notebook, and shows for each the message the grader would give (it runs the same check
# code as the check cells above). It is a self-check, **not a grade**: the grader runs your notebook
# afresh from the top. Before you submit, restart the kernel and run all cells.
#
# It also reads the code you wrote, as the grader does before running it, and names any line
# the grader would refuse (a notebook with such a line scores 0): answers may import only numpy,
# keras, tensorflow, matplotlib, the standard library's maths and collections modules and the
# course's data modules; no files, no shell commands, no changes to the checks.

# %% nbgrader={"grade": false, "grade_id": "selfcheck", "locked": true, "schema_version": 3, "solution": false, "task": false}
from pitfalls.checks.selfcheck import check_all

check_all("labNN_name")
