# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 4 — The identity autoencoder
#
# Six exercises on what lesson 4 measured: the identity-sigmoid model, the loss it must report,
# pictures that do not lie about their scale, the metric that tells the truth, binary
# cross-entropy by hand — and, last, a diagnosis: a symptom you have not met yet, whose cause you
# work out and return in code.
#
# **Work in your own copy**, `work/lab04_autoencoder/lab04_autoencoder.ipynb`: `make lab` makes it,
# and so does `make fetch-lab LAB=lab04_autoencoder`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function*. The check cell under it calls
# your function on fresh inputs of its own — flight tracks of 12×12, 20×20, 24×24 or 18×26 pixels,
# sizes the lessons never used, so a hard-coded 32 or 64 shows — and, when something is wrong, says
# what in words. Run a check cell as often as you like: the autograder runs the same checks. Points
# are shown on each check cell (10 in all).
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

import math

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from lessons.l04_identity_autoencoder import checks as check

tracks = check.sample_tracks()  # 16 flight tracks of 28×28, values 0.0 and 1.0, to try things on
print(f"tracks: {tracks.shape}, {tracks.dtype}, lit fraction {tracks.mean():.4f}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — The identity model (4 points)
#
# `build_identity_model(side)` returns a **compiled** model that computes `sigmoid(x)` pixel by
# pixel, as the article's identity model did:
#
# * input: images of shape `(side, side, 1)`, flattened inside the model;
# * one `Dense` layer of `side·side` units with the `sigmoid` activation, **no bias**, and the
#   identity matrix as its kernel (`keras.initializers.Identity()`);
# * reshaped back to `(side, side, 1)`;
# * compiled with `Adam` at its default learning rate, the mean squared error loss and
#   `metrics=["accuracy"]`.
#
# The first check inspects the model (2 points): its shapes, its single Dense layer, its parameter
# count (side⁴), its kernel, its outputs, its loss and optimizer. The second (2 points) trains it the
# same way every time — 2 epochs on 512 tracks of 24×24, batch 32, seed 0 — starting from its
# perfect weights, and compares the test MSE afterwards with the reference run.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_identity_model(side):
    """Flatten → Dense(side², sigmoid, no bias, identity kernel) → Reshape, compiled."""
    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=(side, side, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(
                side * side,
                activation="sigmoid",
                use_bias=False,
                kernel_initializer=keras.initializers.Identity(),
            ),
            keras.layers.Reshape((side, side, 1)),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %%
# Try it (not graded): what does the untrained model output, and what do evaluate() and fit() say?
try:
    model = build_identity_model(28)
    print("output values:", np.unique(model.predict(tracks, verbose=0)))
    print("evaluate:", model.evaluate(tracks, tracks, verbose=0, return_dict=True))
    history = model.fit(tracks, tracks, epochs=3, batch_size=8, verbose=0)
    print({name: [round(v, 4) for v in values] for name, values in history.history.items()})
except NotImplementedError:
    print("build_identity_model is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex1-architecture", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.architecture(build_identity_model)
print("Exercise 1, architecture: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex1-training", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.training(build_identity_model)
print("Exercise 1, training: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — Predict the loss before you evaluate (2 points)
#
# The identity-sigmoid model outputs 0.5 for a black pixel and σ(1) for a lit one.
#
# * `lit_fraction(images)` returns the fraction `p` of lit pixels (value 1.0) among all pixels of
#   all images — one number.
# * `predicted_mse(p)` returns the model's mean squared error on images with a lit fraction `p`,
#   from that reasoning alone (no model, no data).
#
# The check compares both with their definitions on fresh tracks, then with what `evaluate`
# reports for the identity-sigmoid model on those tracks.


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def lit_fraction(images):
    """The fraction of pixels equal to 1 over the whole batch."""
    ### BEGIN SOLUTION
    return float(np.mean(images > 0.5))
    ### END SOLUTION


def predicted_mse(p):
    """MSE of the identity-sigmoid model on images with a lit fraction p."""
    ### BEGIN SOLUTION
    sigmoid_1 = 1 / (1 + math.exp(-1))
    return 0.25 * (1 - p) + (1 - sigmoid_1) ** 2 * p
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.mse_prediction(lit_fraction, predicted_mse)
print("Exercise 2 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — A picture that does not lie about its scale (1 point)
#
# `show_image(image)` draws one image of shape `(height, width, 1)` with values in [0, 1] so that
# 0 is black and 1 is white **whatever the image holds** — an image of 0.5s and 0.731s must look
# grey, not black and white. Return what `plt.imshow` returns (an `AxesImage`), or the figure.
#
# The check draws the identity-sigmoid model's output of an 18×26 track and inspects the colour
# scale (`norm.vmin`, `norm.vmax`) of what you drew.


# %% nbgrader={"grade": false, "grade_id": "ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
def show_image(image):
    """Draw image[:, :, 0] on a fixed 0…1 grey scale; return the AxesImage."""
    ### BEGIN SOLUTION
    fig, ax = plt.subplots(figsize=(3, 3))
    return ax.imshow(image[:, :, 0], cmap="gray", vmin=0, vmax=1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.fixed_scale(show_image)
print("Exercise 3 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — The metric that tells the truth (2 points)
#
# The identity-sigmoid model scores "accuracy" 1.0 while none of its outputs equals its target.
#
# * `what_accuracy_reads(y_true, y_pred)` returns, computed with NumPy, the number that
#   `compile(..., metrics=["accuracy"])` reports for a model of this lab whose outputs are `y_pred`
#   (shape `(n, side, side, 1)`, values in [0, 1]) and whose targets are `y_true` (0.0 and 1.0).
#   Work out which metric the string becomes for such outputs, and what it does with an output of
#   exactly 0.5 — the identity-sigmoid model's output for every dark pixel.
# * `exact_agreement_metric()` returns a **new** Keras metric object (from `keras.metrics`) that
#   reports the fraction of predictions *exactly equal* to their targets — 0.0 for the
#   identity-sigmoid model.
#
# The check compares `what_accuracy_reads` with what `evaluate` reports on outputs of its own.


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
def what_accuracy_reads(y_true, y_pred):
    """The 'accuracy' compile reports for these outputs and targets, in NumPy."""
    ### BEGIN SOLUTION
    # one output unit on the last axis: 'accuracy' is binary accuracy, a strict threshold at 0.5
    return float(np.mean((y_pred > 0.5) == (y_true > 0.5)))
    ### END SOLUTION


def exact_agreement_metric():
    """A fresh metric object counting exact agreement between predictions and targets."""
    ### BEGIN SOLUTION
    return keras.metrics.Accuracy()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.accuracy_and_agreement(what_accuracy_reads, exact_agreement_metric)
print("Exercise 4 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex5-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 5 — Binary cross-entropy by hand (2 points)
#
# With NumPy only (no Keras in these two functions):
#
# * `bce_by_hand(y_true, y_prob)`: binary cross-entropy of predicted probabilities `y_prob` of
#   "lit" against targets `y_true` (0 or 1), `−(t·ln q + (1 − t)·ln(1 − q))` averaged over every
#   pixel of every image — the number `keras.losses.BinaryCrossentropy()` returns.
# * `bce_from_logits(y_true, logits)`: the same loss from logits `z` (the values *before* the
#   sigmoid), as `BinaryCrossentropy(from_logits=True)` computes it. It must stay finite and exact
#   for logits like ±100, where σ(z) rounds to exactly 0 or 1; rewrite the loss in terms of `z`.


# %% nbgrader={"grade": false, "grade_id": "ex5", "locked": false, "schema_version": 3, "solution": true, "task": false}
def bce_by_hand(y_true, y_prob):
    """Mean binary cross-entropy of probabilities."""
    ### BEGIN SOLUTION
    t = np.asarray(y_true, dtype=np.float64)
    q = np.asarray(y_prob, dtype=np.float64)
    return float(np.mean(-(t * np.log(q) + (1 - t) * np.log(1 - q))))
    ### END SOLUTION


def bce_from_logits(y_true, logits):
    """Mean binary cross-entropy from logits, stable for large |z|."""
    ### BEGIN SOLUTION
    t = np.asarray(y_true, dtype=np.float64)
    z = np.asarray(logits, dtype=np.float64)
    return float(np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))))
    ### END SOLUTION


# %%
# Try it (not graded): your functions beside Keras on the identity model's output and on logits of ±20.
try:
    q = 1 / (1 + np.exp(-tracks))  # the identity-sigmoid model's output
    print("by hand", bce_by_hand(tracks, q), "Keras", float(keras.losses.BinaryCrossentropy()(tracks, q)))
    t, z = np.array([[0.0, 1.0]]), np.array([[20.0, -20.0]])
    print(
        "from logits",
        bce_from_logits(t, z),
        "Keras",
        float(keras.losses.BinaryCrossentropy(from_logits=True)(t, z)),
    )
except NotImplementedError:
    print("not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex5-probabilities", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.bce_probabilities(bce_by_hand)
print("Exercise 5, probabilities: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex5-logits", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.bce_logits(bce_from_logits)
print("Exercise 5, logits: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex6-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 6 — Diagnosis: 96 % accuracy, black pictures (2 points)
#
# A colleague's autoencoder of flight tracks ends in `Dense(side * side, activation="relu")`,
# reshaped to `(side, side, 1)`, compiled with `loss="mse"` and `metrics=["accuracy"]`. From the
# first epoch on, its log on 28×28 tracks repeats the same two numbers, `loss: 0.0350 - accuracy:
# 0.9650`, and every reconstruction, drawn on a fixed 0…1 scale, is black: each of its ReLUs
# outputs 0.
#
# * `stuck_scores(images)` returns the pair `(loss, accuracy)` such a model reports on `images`
#   (shape `(n, side, side, 1)`, values 0.0 and 1.0) — from the images alone, no model.
# * `lit_pixels_found()` returns a **new** Keras metric object that would have shown the problem
#   from the first epoch: the fraction of the *lit* target pixels that the model predicts lit
#   (output above 0.5) — 0.0 for the colleague's model, 1.0 for one that lights every lit pixel.
#
# The check compares `stuck_scores` with what `evaluate` reports for a model that outputs 0 on
# fresh tracks, and feeds your metric predictions of its own.


# %% nbgrader={"grade": false, "grade_id": "ex6", "locked": false, "schema_version": 3, "solution": true, "task": false}
def stuck_scores(images):
    """(mse, accuracy) of a model that outputs 0 for every pixel, on these images."""
    ### BEGIN SOLUTION
    p = float(np.mean(images))  # lit pixels are 1, dark ones 0: the mean is the lit fraction
    return p, 1 - p  # each lit pixel costs (1 − 0)² and is the only pixel counted wrong
    ### END SOLUTION


def lit_pixels_found():
    """A fresh metric: the share of lit target pixels predicted lit (> 0.5)."""
    ### BEGIN SOLUTION
    return keras.metrics.Recall()
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex6-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.diagnosis(stuck_scores, lit_pixels_found)
print("Exercise 6 passed.")

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

check_all("lab04_autoencoder")
