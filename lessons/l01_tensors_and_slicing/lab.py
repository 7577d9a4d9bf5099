# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 1 — Tensors, slicing and a first Keras model
#
# Seven exercises on what lesson 1 showed: slicing image batches, the (pixels, samples) layout,
# broadcasting, the dot product, epochs and batches, a Keras model for images as they are stored —
# and, last, a diagnosis: a symptom you have not met yet, whose cause you find and return in code.
#
# **Work in your own copy**, `work/lab01_tensors/lab01_tensors.ipynb`: `make lab` makes it, and so
# does `make fetch-lab LAB=lab01_tensors`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
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

import keras
import numpy as np

from lessons.l01_tensors_and_slicing import checks as check
from pitfalls.data.digits import load_uci

digits = load_uci()
print(digits)


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — Slicing an image batch (2 points)
#
# `images` has shape `(N, height, width)`.
#
# * `first_hundred(images)` returns the first 100 images.
# * `lower_right_quadrant(images)` returns, for every image, its lower-right quarter: rows and
#   columns from the middle (`height // 2`, `width // 2`) to the end. For 28×28 images that is
#   `(N, 14, 14)`.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def first_hundred(images):
    """The first 100 images of the batch."""
    ### BEGIN SOLUTION
    return images[:100]
    ### END SOLUTION


def lower_right_quadrant(images):
    """The lower-right quarter of every image."""
    ### BEGIN SOLUTION
    h, w = images.shape[1:3]
    return images[:, h // 2 :, w // 2 :]
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.slicing(first_hundred, lower_right_quadrant)
print("Exercise 1 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — One column per image (2 points)
#
# A batch of RGB images of shape `(N, 64, 64, 3)` becomes a matrix of shape `(64·64·3, N)`: one
# column per image, the pixels of each image in row-major order.
#
# * `unroll(images)` returns that `(pixels, samples)` matrix.
# * `roll_up(matrix, image_shape)` undoes it: `roll_up(unroll(images), images.shape[1:])` gives the
#   batch back.


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def unroll(images):
    """(N, ...) → (pixels, N): image j becomes column j."""
    ### BEGIN SOLUTION
    return images.reshape(len(images), -1).T
    ### END SOLUTION


def roll_up(matrix, image_shape):
    """(pixels, N) → (N, *image_shape), the inverse of unroll."""
    ### BEGIN SOLUTION
    return matrix.T.reshape((matrix.shape[1], *image_shape))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.unroll_and_roll(unroll, roll_up)
print("Exercise 2 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — Broadcasting (1 point)
#
# `center_columns(X)` returns `X` with each column's mean subtracted from that column, so that every
# column of the result has mean 0. Use broadcasting, no loop.


# %% nbgrader={"grade": false, "grade_id": "ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
def center_columns(X):
    """Subtract each column's mean (a row vector, broadcast over the rows)."""
    ### BEGIN SOLUTION
    return X - X.mean(axis=0)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.centering(center_columns)
print("Exercise 3 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — A matrix-vector product by hand (1 point)
#
# `matvec_by_hand(A, b)` returns the same as `np.dot(A, b)` for a matrix `A` of shape `(m, n)` and a
# vector `b` of shape `(n,)` — but write the sums of products yourself (loops are fine here; no
# `np.dot`, `@` or `np.matmul`).


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
def matvec_by_hand(A, b):
    """Entry i is the sum over j of A[i, j] * b[j]."""
    ### BEGIN SOLUTION
    m, n = A.shape
    out = np.zeros(m, dtype=np.result_type(A, b))
    for i in range(m):
        for j in range(n):
            out[i] += A[i, j] * b[j]
    return out
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.matvec(matvec_by_hand)
print("Exercise 4 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex5-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 5 — Epochs and batches (2 points)
#
# * `updates_per_epoch(n_samples, batch_size)`: how many weight updates one epoch of `fit` makes.
# * `total_updates(n_samples, batch_size, epochs)`: how many in the whole training run.


# %% nbgrader={"grade": false, "grade_id": "ex5", "locked": false, "schema_version": 3, "solution": true, "task": false}
def updates_per_epoch(n_samples, batch_size):
    """One update per batch, the last (smaller) batch included."""
    ### BEGIN SOLUTION
    return -(-n_samples // batch_size)
    ### END SOLUTION


def total_updates(n_samples, batch_size, epochs):
    """Updates over the whole run."""
    ### BEGIN SOLUTION
    return updates_per_epoch(n_samples, batch_size) * epochs
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.updates(updates_per_epoch, total_updates)
print("Exercise 5 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex6-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 6 — A classifier for images as they are stored (4 points)
#
# Lesson 1 got its digits ready *before* its model saw them. Here nobody does: whoever uses your
# model hands it the images exactly as they are stored — `digits.x_train` is an example — and the
# labels as stored, `digits.y_train`.
#
# `build_model(height, width)` returns a **compiled** Keras model that
#
# * takes a batch of images as stored: shape `(N, height, width)`, dtype `uint8`, pixel values
#   0–255 (or the same values as floats), with nothing done to them beforehand;
# * returns 10 class probabilities per image: shape `(N, 10)`, each row ≥ 0 and summing to 1;
# * trains with `model.fit(images, labels)` on labels as stored: integers 0–9, shape `(N,)`;
# * reports accuracy in what `fit` and `evaluate` return.
#
# The layers in between are yours to choose. The first check (2 points) builds your model for two
# image sizes of its own, neither square nor 28×28, and feeds it raw images. The second (2 points)
# builds it for 22×19 crops of the shipped digits and trains it exactly as `build_model` compiled
# it — seed 0, 5 epochs, batch size 32, raw pixels, integer labels — then measures it on the
# held-out digits: it needs an accuracy of at least 0.75 and a cross-entropy (the mean of −log of
# the probability it gives the right digit) of at most 0.80. Try it yourself below before you run
# the checks.


# %% nbgrader={"grade": false, "grade_id": "ex6", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_model(height, width):
    """Raw (N, height, width) pixels 0–255 in, 10 class probabilities out; compiled."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input((height, width)),
            keras.layers.Flatten(),  # a Dense layer acts on the last axis: one vector per image
            keras.layers.Rescaling(1 / 255),  # 0–255 → 0–1, as lesson 1 scaled before fit
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %%
# Try it (not graded): the digits as stored, trained as the second check trains, measured on the
# held-out digits as it measures (on the whole 28×28 images here, not its crops).
try:
    keras.utils.set_random_seed(0)
    model = build_model(28, 28)
    history = model.fit(digits.x_train, digits.y_train, epochs=5, batch_size=32, verbose=0)
    print("training:", {name: round(values[-1], 4) for name, values in history.history.items()})
    probs = model.predict(digits.x_test, verbose=0)
    right_digit = np.clip(probs[np.arange(len(probs)), digits.y_test], 1e-7, 1)
    print(
        f"held out: accuracy {np.mean(probs.argmax(axis=1) == digits.y_test):.3f}, "
        f"cross-entropy {-np.mean(np.log(right_digit)):.3f}"
    )
except NotImplementedError:
    print("build_model() is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex6-architecture", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.architecture(build_model)
print("Exercise 6, the model: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex6-training", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.held_out(build_model)
print("Exercise 6, training: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex7-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 7 — Diagnosis: 97 % in Keras, 10 % in NumPy (2 points)
#
# A colleague trained a digit classifier like exercise 6's; `model.evaluate` reports an accuracy of
# 0.97 on the test set. To double-check, they read the test labels from a CSV file, as a column
# `y_test` of shape `(N, 1)`, and type
#
# ```python
# probs = model.predict(x_test)                      # shape (N, 10)
# print(np.mean(np.argmax(probs, axis=1) == y_test))  # prints 0.1006
# ```
#
# Nothing is wrong with the model. Work out what that line compared, then write:
#
# * `colleague_accuracy(y_test, probs)`: the number the colleague's line prints, computed from how
#   often each class occurs among the labels and among the predictions — **without** building the
#   table the line builds (the check passes a million labels);
# * `accuracy(y_test, probs)`: the real fraction of correct predictions, for labels of shape `(N,)`
#   or `(N, 1)`.


# %% nbgrader={"grade": false, "grade_id": "ex7", "locked": false, "schema_version": 3, "solution": true, "task": false}
def colleague_accuracy(y_test, probs):
    """What np.mean(np.argmax(probs, axis=1) == y_test) prints for labels of shape (N, 1)."""
    ### BEGIN SOLUTION
    classes = probs.shape[1]
    label_share = np.bincount(np.ravel(y_test), minlength=classes) / np.size(y_test)
    predicted_share = np.bincount(np.argmax(probs, axis=1), minlength=classes) / len(probs)
    # the line compares every prediction j with every label i: the share of pairs in the same class
    return float(np.sum(label_share * predicted_share))
    ### END SOLUTION


def accuracy(y_test, probs):
    """The fraction of samples whose most probable class is their label."""
    ### BEGIN SOLUTION
    return float(np.mean(np.argmax(probs, axis=1) == np.ravel(y_test)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex7-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.diagnosis(colleague_accuracy, accuracy)
print("Exercise 7 passed.")

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

check_all("lab01_tensors")
