# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 6 — Functional API, shared weights, slicing and custom losses
#
# Six exercises on what lesson 6 measured: slicing an input inside a model, heads meant to share a
# body that do not, a loss that returns one value per sample whatever the rank of its targets,
# the number `evaluate` prints when a layer adds a penalty, the γ a BEGAN run used, read back from
# the trace of its equilibrium variable k — and, last, a diagnosis: a symptom you have not met yet, whose cause you work
# out and fix in code.
#
# **Work in your own copy**, `work/lab06_functional/lab06_functional.ipynb`: `make lab` makes it,
# and so does `make fetch-lab LAB=lab06_functional`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function*. The check cell under it calls
# your code on fresh inputs of its own (other sizes than the lesson's, so a hard-coded number
# shows) and, when something is wrong, says what in words. Run a check cell as
# often as you like: the autograder runs the same checks. Points are shown on each check cell.
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
from keras import ops

from lessons.l06_functional_api_and_losses import began, penalty
from lessons.l06_functional_api_and_losses import checks as check
from pitfalls.show import show_source

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — Split an input into two halves (2 points)
#
# `split_in_halves(width)` returns a `keras.Model` that takes vectors of `width` features
# (`keras.Input(shape=(width,))`, `width` even) and has **two outputs**: the first `width // 2`
# features and the last `width // 2` features. Remember which axis of a batch is which.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def split_in_halves(width):
    """A model: (batch, width) → [(batch, width // 2), (batch, width // 2)]."""
    ### BEGIN SOLUTION
    half = width // 2
    inputs = keras.Input(shape=(width,))
    return keras.Model(inputs, [inputs[:, :half], inputs[:, half:]])
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex1-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.split(split_in_halves)
print("Exercise 1 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — Heads that were meant to share a body (3 points)
#
# A colleague needs several prediction heads over **one** body, `Dense(16, relu) → Dense(8, relu)`:
# a model per head, each with its own input, so that training any head improves the features every
# head uses. Their builder, in the cell below, takes `heads`, a list of `(units, activation)` pairs
# (`activation` may be `None`), and returns one model per head, in that order. It runs and every
# summary shows the body's two Dense layers — and yet after training the first model for a while,
# the second one predicts exactly what it predicted before. Run it, find out why, then write
# `build_heads(n_features, heads)`: the same models, with the same layer sizes and activations,
# over a body that is really shared (each head stays its own).
#
# The check builds models for heads of its own (two to four heads, of other sizes), looks at which
# weight variables the models have in common, and makes a training step on one head to see what
# moves.


# %% nbgrader={"grade": false, "grade_id": "ex2-given", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The colleague's builder (given; not graded). Try it: build two heads, train one, compare.
def body(x):
    """The body every head should share: Dense(16, relu) → Dense(8, relu)."""
    x = keras.layers.Dense(16, activation="relu")(x)
    return keras.layers.Dense(8, activation="relu")(x)


def colleagues_heads(n_features, heads):
    models = []
    for units, activation in heads:
        inputs = keras.Input(shape=(n_features,))
        outputs = keras.layers.Dense(units, activation=activation)(body(inputs))
        models.append(keras.Model(inputs, outputs))
    return models


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_heads(n_features, heads):
    """One model per (units, activation) in heads, all over one shared Dense(16) → Dense(8) body."""
    ### BEGIN SOLUTION
    body = keras.Sequential(
        [keras.layers.Dense(16, activation="relu"), keras.layers.Dense(8, activation="relu")]
    )
    models = []
    for units, activation in heads:
        inputs = keras.Input(shape=(n_features,))
        models.append(keras.Model(inputs, keras.layers.Dense(units, activation=activation)(body(inputs))))
    return models
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 3, "schema_version": 3, "solution": false, "task": false}
check.shared_heads(build_heads)
print("Exercise 2 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — A per-sample loss for targets of any shape (2 points)
#
# The lesson's `per_sample_mae` averages over axes `[1, 2, 3]`: it fits batches of images,
# `(batch, rows, cols, channels)`, and nothing else. Write `per_sample_mae(y_true, y_pred)` for
# batches of **any rank from 2 up** — tabular targets `(batch, features)`, sequences `(batch, time,
# features)`, images, volumes: it returns the mean absolute error of each sample over all of that
# sample's values, shape `(batch,)`. Write it with `keras.ops`: Keras also calls it inside `fit` and
# `evaluate`, on symbolic tensors.
#
# The check calls it on batches of several ranks and sizes, then uses it as a model's loss in
# `evaluate` with `sample_weight`.


# %% nbgrader={"grade": false, "grade_id": "ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
def per_sample_mae(y_true, y_pred):
    """Mean |y_pred − y_true| over every axis but the batch axis: one value per sample, any rank ≥ 2."""
    ### BEGIN SOLUTION
    error = ops.abs(y_pred - y_true)
    return ops.mean(error, axis=tuple(range(1, len(error.shape))))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.per_sample_loss(per_sample_mae)
print("Exercise 3 passed.")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — What a shared penalty adds to the reported loss (2 points)
#
# The siamese model below (its source is shown when you run the cell) encodes two inputs `a` and
# `b` with one encoder, passes both encodings through **one** instance of the lesson's
# `ActivityL1(rate)` layer, and predicts one number from the pair; it is compiled with
# `loss="mse"`. A colleague evaluates it on one batch of `N` pairs, `model.evaluate([a, b], y,
# sample_weight=w, batch_size=N)`, with some weights 0 to leave noisy pairs out.
#
# Work out — by experiment in this notebook — how Keras puts the printed number together, then write
# `evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight)`: the number that
# `evaluate` prints, from NumPy arrays — the encodings of the batch's `a` and `b` (each `(N,
# units)`), each pair's squared error `(y_pred − y)²` (shape `(N,)`) and the weights `(N,)`.
#
# The check builds the model on sizes and rates of its own and compares your number with what
# `evaluate` prints.

# %% nbgrader={"grade": false, "grade_id": "ex4-given", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The model (given; not graded): read it, then experiment with it.
show_source(penalty.siamese)
show_source(penalty.ActivityL1)
model, encoder = penalty.siamese(n_features=6, units=4, rate=0.1)


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):
    """The loss model.evaluate([a, b], y, sample_weight=w, batch_size=N) prints for the siamese model."""
    ### BEGIN SOLUTION
    # the compiled MSE: weighted per-sample errors summed, divided by the batch size
    data = np.sum(sample_weight * squared_errors) / len(squared_errors)
    # one layer called twice adds two terms, and sample weights never reach add_loss terms
    penalties = rate * (np.abs(features_a).sum(axis=1).mean() + np.abs(features_b).sum(axis=1).mean())
    return float(data + penalties)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.shared_penalty(evaluate_prints)
print("Exercise 4 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex5-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 5 — Which γ did this run use? (4 points)
#
# A colleague's BEGAN run left a trace — what the lesson's `KTrace` records — but its settings were
# lost: λ_k is known, γ is not. After every step the lesson's `train_step` set
#
# > k ← clip(k + λ_k·(γ·L_real − L_gen), 0, 1)
#
# with the two losses that step computed. Write `gamma_from_trace(k, loss_real, loss_gen,
# lambda_k)`, which returns the γ the run used. Its arguments are NumPy arrays and a number:
#
# * `k`: T + 1 values, k before the first step and then k after each step (`trace.k_path()`);
# * `loss_real`, `loss_gen`: T values, the losses each step saw (`trace.loss_real`,
#   `trace.loss_gen`);
# * `lambda_k`: the λ_k of the run.
#
# Work out which steps tell you about γ, and how much. k is a float32 variable (the arrays, float64,
# hold its float32 values), so every step's k is rounded to about 7 significant digits: your γ must be as
# precise as the trace allows — the check's tolerance is 5 times what that rounding leaves
# undetermined, under 1e-6 on some traces. When no step of a trace determines γ, return
# `nan` (`float("nan")`).
#
# The first check (2 points) hands your function traces made with the rule from many seeded γ, λ_k,
# lengths and starting k (some with k at 0 or 1 for a while, some with L_real falling over decades).
# The second (2 points) trains the lesson's toy BEGAN for 24 steps with a γ and a λ_k of its own and
# hands your function the trace `KTrace` recorded.


# %% nbgrader={"grade": false, "grade_id": "ex5", "locked": false, "schema_version": 3, "solution": true, "task": false}
def gamma_from_trace(k, loss_real, loss_gen, lambda_k):
    """The γ of the run that left this trace: k (T + 1 values), the losses (T values), λ_k."""
    ### BEGIN SOLUTION
    # Only a step that ended strictly inside (0, 1) was left alone by the clip: there
    # k_after − k_before = λ_k·(γ·L_real − L_gen) holds. A step that ended at 0 or 1 says only
    # that the unclipped k went past the bound, which no single γ fits.
    moved = (k[1:] > 0) & (k[1:] < 1)
    if not moved.any():
        return float("nan")
    # Sum those equations: γ·ΣL_real = Σ(Δk/λ_k + L_gen). Each step counts by its L_real, so steps
    # with a tiny L_real, where k's rounding (up to 6e-8, over λ_k) dwarfs γ·L_real, hardly count.
    balance = np.diff(k)[moved] / lambda_k
    return float((balance.sum() + loss_gen[moved].sum()) / loss_real[moved].sum())
    ### END SOLUTION


# %%
# Try it (not graded): 64 steps of the toy BEGAN with a γ and λ_k you choose; read γ back.
my_gamma, my_lambda_k = 0.62, 0.2
trace = began.train(steps=64, seed=0, lambda_k=my_lambda_k, gamma=my_gamma)
began.plot_trajectory(trace, title=f"the toy BEGAN with γ = {my_gamma}, λ_k = {my_lambda_k}")
try:
    found = gamma_from_trace(trace.k_path(), trace.loss_real, trace.loss_gen, my_lambda_k)
    print(f"trained with γ = {my_gamma}; gamma_from_trace reads γ = {found!r}")
except NotImplementedError:
    print("gamma_from_trace() is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex5-rule", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.gamma_traces(gamma_from_trace)
print("Exercise 5, traces made with the rule: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex5-training", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.gamma_training(gamma_from_trace)
print("Exercise 5, the trace of a training run: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex6-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 6 — Diagnosis: sample weights that change nothing but the scale (2 points)
#
# A colleague forecasts the next 5 values of a series (targets of shape `(batch, 5)`) with a loss
# of their own,
#
# ```python
# def forecast_mse(y_true, y_pred):
#     return ops.mean(ops.square(y_pred - y_true))
# ```
#
# Half of their samples are noisy, so they give those `sample_weight=0` and the others 1. On one
# batch, `model.evaluate(x, y, sample_weight=w)` prints exactly half the unweighted loss — and the
# very same number when they zero the *clean* half instead. Work out what Keras did with the
# weights, then write:
#
# * `reported_loss(unweighted_loss, sample_weight)`: the number `evaluate` prints for this loss on
#   one batch, given the loss without weights and the batch's weights (a NumPy vector);
# * `forecast_mse_fixed(y_true, y_pred)`: the colleague's loss rewritten (with `keras.ops`) so that
#   a sample of weight 0 no longer counts, and the loss without weights stays what it was.


# %% nbgrader={"grade": false, "grade_id": "ex6", "locked": false, "schema_version": 3, "solution": true, "task": false}
def reported_loss(unweighted_loss, sample_weight):
    """What evaluate prints for the scalar loss forecast_mse with these sample weights (one batch)."""
    ### BEGIN SOLUTION
    # the loss is already one number: Keras multiplies it by each weight and averages over the batch
    return float(unweighted_loss) * float(np.mean(sample_weight))
    ### END SOLUTION


def forecast_mse_fixed(y_true, y_pred):
    """The squared error averaged over the 5 steps only: one value per sample, for the weights."""
    ### BEGIN SOLUTION
    return ops.mean(ops.square(y_pred - y_true), axis=-1)
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex6-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.diagnosis(reported_loss, forecast_mse_fixed)
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

check_all("lab06_functional")
