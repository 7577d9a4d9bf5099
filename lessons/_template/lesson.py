# %% [markdown]
# <!-- TEMPLATE (an HTML comment: invisible in the rendered notebook; delete it in your lesson).
#   Copy this folder to lessons/lNN_name/ and replace, in every file of the copy:
#     labNN_name -> the lab's name, e.g. lab07_masks (source/<lab>/, check_all("<lab>"))
#     lNN_name   -> the folder's name, e.g. l07_masks (the import `lessons.<folder>`)
#     NN         -> the two-digit number, e.g. 07 (titles)
#   in that order, e.g.  sed -i 's/labNN_name/lab07_masks/g; s/lNN_name/l07_masks/g; s/NN/07/g' *.py
#   Then add a [[lesson]] entry to lessons/catalogue.toml and run `make generate`.
#   This file becomes notebooks/NN_name.ipynb: jupytext py:percent, one `# %%` marker per cell,
#   markdown cells are comment lines under `# %% [markdown]`. The shape every lesson follows: a
#   question; a "Predict:" prompt; a cell of guesses left as `...` (`my_prediction = ...  # your
#   guess: <what form>`); the experiment, visible, ending in `versus(my_prediction, measured,
#   "what")` (one "you predicted X, measured Y" line); then the asserts that prove the text, in a
#   cell collapsed in JupyterLab: the one marker metadata a lesson needs,
#   `# %% jupyter={"source_hidden": true}`. tests/test_lesson_structure.py checks this shape. -->
# # Lesson NN — Two uint8 pixels and their mean
#
# Images arrive as `uint8`: whole numbers from 0 to 255, one byte each. Averaging two images looks
# like the most harmless line of code there is. This lesson measures what it really computes.
#
# Each section asks you to **predict** before a cell answers; write your guess in the cell below
# the question, and the experiment prints it beside what it measured. Every number the text
# claims is computed below and checked by an `assert`, in a cell after each experiment that
# JupyterLab shows collapsed (click it to read the asserts).

# %%
# Always the first code cell, before anything imports keras: quiet logs, seeds, versions.
from pitfalls.predictions import versus
from pitfalls.session import start

session = start(seed=0)  # prints the versions and seed, to quote in a question

# %%
import numpy as np

# %% [markdown]
# ## 1. The mean of 200 and 100
#
# Two one-pixel "images", stored the way image files are decoded: `uint8`.
#
# **Predict:** what does `(a + b) / 2` print for `a = 200` and `b = 100`?

# %%
my_prediction = ...  # your guess: a number

# %%
a = np.array([200], dtype=np.uint8)
b = np.array([100], dtype=np.uint8)
naive = (a + b) / 2
print("(a + b) / 2 =", naive, "  a + b has dtype", (a + b).dtype)
versus(my_prediction, float(naive[0]), "(a + b) / 2")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert naive[0] == 22.0  # not 150: 200 + 100 = 300 wraps around to 300 - 256 = 44
assert (a + b).dtype == np.uint8

# %% [markdown]
# The sum is computed in `uint8` and **wraps around** without a warning: 300 is stored as
# 300 − 256 = 44, and its half is 22. Only then does the division turn it into a float.
#
# ## 2. The fix, measured on a whole batch
#
# **Predict:** on 1000 random pairs of 8×8 images, what share of the pixels does the naive mean
# get wrong? (Hint: when does a + b exceed 255?)

# %%
my_prediction = ...  # your guess: a share between 0 and 1, e.g. 0.1

# %%
rng = np.random.default_rng(0)
images_a = rng.integers(0, 256, size=(1000, 8, 8), dtype=np.uint8)
images_b = rng.integers(0, 256, size=(1000, 8, 8), dtype=np.uint8)
right = (images_a.astype(np.float32) + images_b) / 2  # convert first, then add
wrong_share = float(np.mean((images_a + images_b) / 2 != right))
print(f"the naive mean is wrong for {wrong_share:.1%} of the pixels")
versus(my_prediction, wrong_share, "share of pixels the naive mean gets wrong")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
# a + b > 255 for 32 640 of the 65 536 equally likely pairs of values: 49.8 %
assert abs(wrong_share - 32640 / 65536) < 0.01, wrong_share

# %% [markdown]
# Half of the pixels. **What to remember:** convert images to float (`astype(np.float32)`) before
# any arithmetic; keep `uint8` for storage only. Lab NN practises it, in the learner's copy
# `work/labNN_name/` (never `source/`: that is the master).
