# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 3 — Generators that hand out the same array
#
# Five exercises on what lesson 3 showed: the loss a model stalls at when its inputs and targets
# are no longer paired, a training generator whose batches are independent and correctly paired,
# a detector of aliasing generators, the `keras.utils.PyDataset` pattern — and, last, a diagnosis:
# a symptom you have not met yet, whose cause you find and fix in code.
#
# **Work in your own copy**, `work/lab03_generators/lab03_generators.ipynb`: `make lab` makes it,
# and so does `make fetch-lab LAB=lab03_generators`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function* (or a class). The check cell
# under it calls your code on fresh inputs of its own and, when something is wrong, says what in
# words. Generators are checked the way lesson 3 measured them: the check *keeps* the first batch,
# draws a second, and looks at whether the two share memory (`np.shares_memory`) and whether the
# first changed. Run a check cell as often as you like: the autograder runs the same checks.
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

import keras
import numpy as np

from lessons.l03_generator_aliasing import checks as check

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — Where the stalled loss sits (1 point)
#
# When the inputs a model sees are unrelated to its targets, the best it can do is predict one
# constant, the average target, and its MSE is then the variance of the targets. The targets are
# means `(a + b)/2` of two independent integers drawn uniformly from `[low, high)` (high
# excluded).
#
# * `plateau_loss(low, high)` returns Var((a + b)/2) (lesson 3: 416.625 for `[0, 100)`);
# * `stalled_prediction(low, high)` returns the constant the stalled model predicts for every
#   input (lesson 3: 49.5).
#
# Hint: the variance of one integer drawn uniformly from `n` consecutive integers is
# `(n² − 1)/12`.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def plateau_loss(low, high):
    """Var((a + b)/2) for a, b independent uniform integers in [low, high)."""
    ### BEGIN SOLUTION
    n = high - low
    return (n * n - 1) / 12 / 2  # Var(a)/2: (Var(a) + Var(b)) / 4
    ### END SOLUTION


def stalled_prediction(low, high):
    """The average of (a + b)/2: the constant with the lowest MSE."""
    ### BEGIN SOLUTION
    return (low + (high - 1)) / 2
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.plateau(plateau_loss, stalled_prediction)
print("Exercise 1 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — A training generator you can trust (4 points)
#
# `train_batches(batch_size=64)` is an endless generator of batches `(x, y)`:
#
# * `x`: a NumPy array of shape `(batch_size, 2)`, random integers in `[0, 100)` (as floats);
# * `y`: their means, shape `(batch_size, 1)`;
# * every batch **independent**: a batch you keep must not change when the next one is drawn.
#
# Yield the tuple `(x, y)` (Keras 3 rejects the article's `[x], [y]`). Use NumPy's random
# functions (`np.random.randint`, or a `np.random.default_rng()` made once).
#
# The first check draws two batches of 16 and keeps them (2 points). The second trains a fresh
# `Dense(1)` for 300 steps on your batches read through a queue of 10 batches — the way Keras 2's
# `fit_generator` and a `PyDataset` with workers read them — and compares the held-out loss with
# the reference run (2 points).


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def train_batches(batch_size=64):
    """Endless independent batches: x (batch_size, 2) integers in [0, 100), y = their means (batch_size, 1)."""
    ### BEGIN SOLUTION
    while True:
        x = np.random.randint(0, 100, size=(batch_size, 2)).astype("float64")  # a new array every batch
        yield x, x.mean(axis=1, keepdims=True)
    ### END SOLUTION


# %%
# Try it (not graded): keep two batches of 3 and print them together, as the article did.
try:
    it = train_batches(3)
    first, second = next(it), next(it)
    print(first, second, "\nshare memory:", np.shares_memory(first[0], second[0]))
except NotImplementedError:
    print("train_batches() is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.batches(train_batches)
print("Exercise 2, batches: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex2-training", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.training(train_batches)
print("Exercise 2, training through a queue: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — A detector of aliasing generators (2 points)
#
# `is_aliasing(batches)` receives a generator of `(x, y)` batches (already started, endless or
# long), draws two batches from it, and returns `True` when the generator aliases — batch 1
# shares memory with batch 2, in its inputs or its targets, or batch 1 changed when batch 2 was
# drawn — and `False` otherwise.
#
# The check runs it on seven generators: the article's two, fixed ones, and some that fool a
# hasty detector (a new *view* of the same buffer each time; disjoint, interleaved rows of one big
# array).
# Remember from lesson 3 which NumPy function says exactly whether two arrays overlap.


# %% nbgrader={"grade": false, "grade_id": "ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
def is_aliasing(batches):
    """True if two consecutive batches share memory or the first changed when the second was drawn."""
    ### BEGIN SOLUTION
    x1, y1 = next(batches)
    before = (np.copy(x1), np.copy(y1))
    x2, y2 = next(batches)
    shared = any(np.shares_memory(a, b) for a in (x1, y1) for b in (x2, y2))
    changed = not (np.array_equal(x1, before[0]) and np.array_equal(y1, before[1]))
    return bool(shared or changed)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.detector(is_aliasing)
print("Exercise 3 passed.")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — A `PyDataset` that reshuffles, and a loss that will not fall (2 points)
#
# A colleague trains on a fixed table of pairs and wants a new order of the samples every epoch.
# Their `keras.utils.PyDataset` (the cell below) cuts the arrays into batches and reshuffles
# them in `on_epoch_end`, with a generator seeded by the epoch "so that x and y get the same
# order". Read by hand, `ds[0]` holds pairs and their means. Yet the frozen exact model of
# lesson 3 (`pairing_error`) scores it near 833 — the score of unrelated inputs and targets — from
# the very first epoch. Run the cell, then find out what happens, and when (printing from the
# dataset's methods tells you in which order Keras calls them).
#
# Then write `ShuffledPairs(x, y, batch_size, **kwargs)`, a `keras.utils.PyDataset` over arrays
# `x` and `y` (one sample per row; `y` may be `(N,)`, `(N, 1)` or `(N, k)`) that:
#
# * keeps handing `**kwargs` (such as `workers=2`) on to `keras.utils.PyDataset`;
# * has `len(ds)` batches of `batch_size` samples per epoch, the last one smaller if `N` is not a
#   multiple of `batch_size`: every sample exactly once per epoch;
# * gives each batch's targets with their own inputs;
# * puts the samples in a **new random order every epoch**, so that the batches hold other
#   groups of samples (`fit` already shuffles the order of the batches: that is not enough);
# * leaves the arrays it was given as they were (the caller may still use them).
#
# The check trains on `ShuffledPairs` of its own (odd sizes, targets of three shapes) with one and
# with two workers, records every batch `fit` hands the model over 3 epochs, and checks each of
# those points.

# %% nbgrader={"grade": false, "grade_id": "ex4-colleague", "locked": true, "schema_version": 3, "solution": false, "task": false}
import math

from lessons.l03_generator_aliasing.generators import pairing_error


class ColleaguePairs(keras.utils.PyDataset):
    """The colleague's: batches of rows of x and y, reshuffled every epoch."""

    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size, self.epoch = x, y, batch_size, 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epoch += 1
        rng = np.random.default_rng(self.epoch)  # one seed per epoch, for x and y alike
        rng.shuffle(self.x)
        rng.shuffle(self.y)


# %%
# Try it (not graded): 640 pairs and their means, in batches of 64.
x_table = np.random.default_rng(0).integers(0, 100, size=(640, 2)).astype("float64")
y_table = x_table.mean(axis=1, keepdims=True)
ds = ColleaguePairs(x_table.copy(), y_table.copy(), 64)
x0, y0 = ds[0]
print("read by hand, item 0 paired:", np.allclose(y0[:, 0], x0.mean(axis=1)))
print("pairing_error, as fit reads it:", round(pairing_error(ds, steps=len(ds)), 1))


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
class ShuffledPairs(keras.utils.PyDataset):
    """Batches of rows of x with their rows of y; a new order of the samples every epoch."""

    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        ### BEGIN SOLUTION
        self.x, self.y, self.batch_size = x, y, batch_size
        self.order = np.arange(len(x))  # the samples' order: one permutation for x and y alike
        self.rng = np.random.default_rng()
        ### END SOLUTION

    def __len__(self):
        ### BEGIN SOLUTION
        return math.ceil(len(self.x) / self.batch_size)
        ### END SOLUTION

    def __getitem__(self, index):
        ### BEGIN SOLUTION
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        return self.x[rows], self.y[rows]  # indexing with an array copies: the caller's arrays stay
        ### END SOLUTION

    def on_epoch_end(self):
        ### BEGIN SOLUTION
        self.order = self.rng.permutation(len(self.x))  # Keras calls this before the first epoch too
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.shuffled_pairs(ShuffledPairs)
print("Exercise 4 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex5-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 5 — Diagnosis: twenty validation losses, two values (2 points)
#
# A colleague's data loader is fast because it fills two arrays in turn (while the model reads one,
# the loader fills the other). They keep 20 of its batches aside as a fixed validation set,
#
# ```python
# val = list(itertools.islice(loader, 20))
# print([round(model.evaluate(x, y, verbose=0), 3) for x, y in val])
# ```
#
# and the 20 losses take only two values, alternating: `[0.412, 0.397, 0.412, 0.397, …]`. Work out
# what `val` holds, then write `take(batches, n)`: the next `n` batches of the generator `batches`, as
# a list of `(x, y)` pairs that stay exactly as they were when drawn, whatever the generator does
# with its arrays afterwards — and that works on a generator of fresh arrays too.
#
# The check runs it on loaders of its own: one buffer refilled, two or three buffers in turn, only
# the targets reused, new views of one buffer, and fresh arrays; then it draws more batches and
# compares what `take` returned with what the loader yielded.


# %% nbgrader={"grade": false, "grade_id": "ex5", "locked": false, "schema_version": 3, "solution": true, "task": false}
def take(batches, n):
    """The next n batches of the generator, as (x, y) pairs that no later refill can change."""
    ### BEGIN SOLUTION
    kept = []
    for _ in range(n):
        x, y = next(batches)
        kept.append((np.copy(x), np.copy(y)))  # copy as drawn: the loader refills its arrays later
    return kept
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.diagnosis(take)
print("Exercise 5 passed.")

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

check_all("lab03_generators")
