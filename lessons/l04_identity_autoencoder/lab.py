# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 4 — The identity autoencoder
#
# Six exercises on what lesson 4 measured: an identity model tuned to output what you ask, the loss
# the lesson's model must report, pictures that do not lie about their scale, what the string
# "accuracy" reads for any output, binary cross-entropy by hand — and, last, a diagnosis: a symptom you have not met yet, whose cause you
# work out and return in code.
#
# **Work in your own copy**, `work/lab04_autoencoder/lab04_autoencoder.ipynb`: `make lab` makes it,
# and so does `make fetch-lab LAB=lab04_autoencoder`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function*. The check cell under it calls
# your function on fresh inputs of its own — flight tracks of 9×14, 20×20, 17×11, 24×24 or 18×26
# pixels, sizes the lessons never used, so a hard-coded 32 or 64 shows — and, when something is wrong, says
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
# ## Exercise 1 — An identity model that outputs what you ask (4 points)
#
# The lesson's identity-sigmoid model outputs 0.5 for a black pixel and σ(1) = 0.731 for a lit one:
# its Dense layer computes `sigmoid(x @ kernel + bias)` with the identity matrix as kernel and no
# bias. The same layer, with another number on the kernel's diagonal and a bias, can output any two
# values you like between 0 and 1.
#
# `build_identity_model(height, width, dark, lit)` returns a **compiled** model for images of shape
# `(height, width, 1)` — square or not:
#
# * Flatten → **one** `Dense` layer of `height·width` units with the `sigmoid` activation → Reshape
#   back to `(height, width, 1)`, compiled with `Adam` at its default learning rate,
#   `loss="mse"` and `metrics=["accuracy"]`;
# * its kernel a number times the identity matrix and its bias one number repeated, so that each
#   output depends on its own pixel only — chosen so that **every black pixel (0.0) comes out as
#   `dark` and every lit pixel (1.0) as `lit`**, for any `dark` and `lit` strictly between 0 and 1,
#   in either order.
#
# Work the two numbers out from `dark` and `lit` (the log-odds of lesson 4, section 5, undo the
# sigmoid). Set them with initializers (`keras.initializers.Identity(gain=...)`,
# `keras.initializers.Constant(...)`) or afterwards with `layer.set_weights(...)`.
#
# The first check (2 points) builds your model for images of 9×14, 20×20 and 17×11 pixels and
# several pairs `(dark, lit)` and compares its outputs on flight tracks with `dark` and `lit`. The
# second (1 point) feeds it *grey* pixels (random values between 0 and 1), where a sigmoid layer and
# other models that get 0 and 1 right part ways, and looks at its layer and compile settings. The
# third (1 point) trains it the same way every time — 2 epochs on 512 tracks of 24×24, batch 32,
# seed 0, from `dark = 0.1`, `lit = 0.9` — and compares the test MSE afterwards with the reference
# run.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_identity_model(height, width, dark, lit):
    """Flatten → Dense(height·width, sigmoid) with a scaled identity kernel and a bias → Reshape,
    compiled: black pixels come out as dark, lit ones as lit."""
    ### BEGIN SOLUTION
    bias = math.log(dark / (1 - dark))  # a black pixel adds nothing: σ(bias) = dark
    gain = math.log(lit / (1 - lit)) - bias  # a lit pixel adds the diagonal: σ(gain + bias) = lit
    model = keras.Sequential(
        [
            keras.Input(shape=(height, width, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(
                height * width,
                activation="sigmoid",
                kernel_initializer=keras.initializers.Identity(gain=gain),
                bias_initializer=keras.initializers.Constant(bias),
            ),
            keras.layers.Reshape((height, width, 1)),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(), loss="mse", metrics=["accuracy"])
    return model
    ### END SOLUTION


# %%
# Try it (not graded): what does the model output, and what do evaluate() and fit() say?
try:
    model = build_identity_model(28, 28, dark=0.02, lit=0.98)
    print("output values:", np.unique(model.predict(tracks, verbose=0)))
    print("evaluate:", model.evaluate(tracks, tracks, verbose=0, return_dict=True))
    lesson_model = build_identity_model(28, 28, dark=0.5, lit=1 / (1 + math.exp(-1)))
    print("the lesson's pair, (0.5, σ(1)):", np.unique(lesson_model.predict(tracks, verbose=0)))
except NotImplementedError:
    print("build_identity_model is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex1-outputs", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.dark_and_lit(build_identity_model)
print("Exercise 1, dark and lit outputs: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex1-sigmoid", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.grey_pixels(build_identity_model)
print("Exercise 1, grey pixels and the compiled model: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex1-training", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
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
# ## Exercise 4 — What "accuracy" reads, whatever the output (2 points)
#
# The identity-sigmoid model scores "accuracy" 1.0 while none of its outputs equals its target:
# the string became a metric chosen from the shapes of the targets and outputs (lesson 4,
# section 4, shows Keras' rule). The same string, in other models, becomes other metrics.
#
# `what_accuracy_reads(y_true, y_pred)` returns, computed with **NumPy only** (no Keras in this
# function), the number `evaluate` reports as `accuracy` for a model compiled with
# `metrics=["accuracy"]` whose outputs on a batch are `y_pred` and whose targets are `y_true`, for
# the outputs and targets of these models:
#
# * outputs with **one unit** on the last axis: images `(n, height, width, 1)` against targets of
#   the same shape — which may hold **grey** pixels, as an anti-aliased track does (values
#   between 0 and 1, not only 0 and 1) — and outputs that may be **exactly 0.5**; and a one-unit
#   classifier, outputs `(n, 1)`, against targets `(n,)`;
# * outputs with **several units**, `(n, k)` or `(n, height, width, k)`: against targets of the
#   same shape (one-hot rows, or scores), and against class labels (integers stored as floats) with
#   the last axis left out, `(n,)` or `(n, height, width)`, or of shape `(n, 1)`. The outputs have
#   no ties for their largest value.
#
# Read the rule, then find out what each metric it picks does with these inputs: its source, or a
# few small arrays of your own fed to it, will tell you.
#
# The first check (1 point) compares your function with what `evaluate` reports on one-unit outputs
# of its own, the second (1 point) on outputs of several units.


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
def what_accuracy_reads(y_true, y_pred):
    """The 'accuracy' compile reports for these outputs and targets, in NumPy."""
    ### BEGIN SOLUTION
    t = np.asarray(y_true, dtype=np.float64)
    q = np.asarray(y_pred, dtype=np.float64)
    if q.shape[-1] == 1:  # one unit: BinaryAccuracy, output strictly above 0.5 against the target as it is
        t = t.reshape(q.shape)  # Keras lines (n,) targets up with (n, 1) outputs; NumPy would broadcast
        return float(np.mean(t == (q > 0.5)))
    if t.ndim < q.ndim or t.shape[-1] == 1:  # class labels: SparseCategoricalAccuracy
        return float(np.mean(t.reshape(q.shape[:-1]) == q.argmax(axis=-1)))
    return float(np.mean(t.argmax(axis=-1) == q.argmax(axis=-1)))  # CategoricalAccuracy
    ### END SOLUTION


# %%
# Try it (not graded): your function beside Keras' metrics on small arrays of your own
# (an output of exactly 0.5, and grey targets on both sides of it).
try:
    y_true = np.array([[0.0], [1.0], [0.5], [1.0], [0.3]])
    y_pred = np.array([[0.5], [0.7], [0.9], [0.2], [0.2]])
    print("yours:", what_accuracy_reads(y_true, y_pred))
    print("BinaryAccuracy:", float(keras.metrics.BinaryAccuracy()(y_true, y_pred)))
except NotImplementedError:
    print("what_accuracy_reads is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex4-one-unit", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.accuracy_one_unit(what_accuracy_reads)
print("Exercise 4, one-unit outputs: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex4-several-units", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.accuracy_several_units(what_accuracy_reads)
print("Exercise 4, outputs of several units: passed.")


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
