# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 2 — The mean-of-two net, and (N,) vs (N, 1)
#
# Five exercises on what lesson 2 showed: the one-unit net that learns the mean of two numbers,
# now for numbers of any size in a short training, a loss of your own that pairs `(N,)` with
# `(N, 1)`, the "incomprehensible" loss of the shape bug computed by hand, a mean squared error
# that cannot broadcast — and, last, a diagnosis: a symptom you have not met yet, whose cause you
# work out and return in code.
#
# **Work in your own copy**, `work/lab02_mean_net/lab02_mean_net.ipynb`: `make lab` makes it, and so
# does `make fetch-lab LAB=lab02_mean_net`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function*. The check cell under it calls
# your function on fresh inputs of its own (other sizes and ranges than the lesson's, so a
# hard-coded number shows) and, when something is wrong, says what in words. Run a check cell as
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

from lessons.l02_mean_of_two import checks as check

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — The mean net, at any scale (4 points)
#
# Lesson 2 trained the mean net on numbers up to 100 for thousands of steps. Here the numbers can be
# of any size, and the training is short. `build_mean_net(scale)` returns a **compiled** model that
# learns the mean of two numbers drawn uniformly from `[0, scale)`:
#
# * input: pairs of numbers, shape `(batch, 2)`; output: one number per pair, shape `(batch, 1)`;
# * exactly **3 trainable numbers**, the `w₁`, `w₂` and `c` of `w₁·a + w₂·b + c`: the model must
#   *learn* the mean. Layers without trainable weights are allowed; a mean written into the model
#   (a `Lambda`, a frozen kernel) is not;
# * any loss and any optimizer you choose, set in `compile`.
#
# The first check (2 points) builds your model and inspects it: the shapes, the 3 trainable numbers,
# and that the output is an affine function of the inputs given by them. The second (2 points) does
# what a colleague would do with your function, for two scales it draws (seeded) far apart between
# 0.25 and 10 000: it builds the model for that scale, sets every trainable weight to 0, and trains
# it with a plain `model.fit` — **300 steps of 64 pairs** from `[0, scale)`, one epoch, nothing
# else. It then asks for a held-out error (RMSE) of at most **1 % of the scale** on fresh pairs from
# `[0, scale)`, and at most 3 % on pairs from `[−2·scale, 3·scale)`, outside the training range.
#
# Lesson 2's `create_model()` does not get there. Work out what makes 300 steps enough at every
# scale (section 5 of the lesson measured what the scale does to RMSprop and to SGD). The cell
# below the exercise trains your model as the check does, at scales you choose.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def build_mean_net(scale):
    """A compiled model with 3 trainable numbers that learns the mean of pairs from [0, scale)
    in 300 steps of 64 pairs, whatever the scale."""
    ### BEGIN SOLUTION
    inputs = keras.Input(shape=(2,))
    # Inside the model the numbers are in [0, 1), whatever the scale: the weights to learn are
    # 0.5, 0.5 and 0 at every scale, and Adam moves each by about its learning rate per step.
    unit = keras.layers.Rescaling(1 / scale)(inputs)
    mean = keras.layers.Dense(1)(unit)
    outputs = keras.layers.Rescaling(scale)(mean)  # back to the pairs' units
    model = keras.Model(inputs, outputs)
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.05))
    return model
    ### END SOLUTION


# %%
# Try it (not graded): train as the check does — all-zero weights, 300 steps of 64 pairs — at a few
# scales (change them), and look at the error as a share of the scale and at the learned map.
try:
    for scale in (0.5, 100.0, 3000.0):
        rng = np.random.default_rng(0)
        x_try = rng.uniform(0, scale, size=(300 * 64, 2)).astype("float32")
        net = build_mean_net(scale)
        for weight in net.trainable_weights:
            weight.assign(np.zeros(weight.shape, dtype=weight.dtype))
        net.fit(x_try, x_try.mean(axis=1, keepdims=True), batch_size=64, epochs=1, verbose=0)
        x_new = rng.uniform(0, scale, size=(2048, 2)).astype("float32")
        error = np.sqrt(np.mean((net.predict(x_new, verbose=0)[:, 0] - x_new.mean(axis=1)) ** 2))
        c, a_plus_c, b_plus_c = net.predict(np.array([[0, 0], [scale, 0], [0, scale]]), verbose=0)[:, 0]
        print(
            f"scale {scale:g}: error {100 * error / scale:.3g} % of the scale; learned "
            f"{(a_plus_c - c) / scale:.3f}·a + {(b_plus_c - c) / scale:.3f}·b + {c:.4g}"
        )
except NotImplementedError:
    print("build_mean_net(scale) is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex1-architecture", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.architecture(build_mean_net)
print("Exercise 1, architecture: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex1-training", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.training(build_mean_net)
print("Exercise 1, training: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — A loss of your own meets a missing axis (2 points)
#
# Lesson 2 measured that Keras 3 forgives predictions of shape `(N,)` against targets of shape
# `(N, 1)` in a compiled loss. A colleague needs a loss Keras does not ship, and starts from the
# example in the docstring of `keras.losses.Loss` itself (the cell below). Their targets come
# straight from a table, `y = x.mean(axis=1)`, shape `(N,)`. The exact formula, a mean net frozen
# at kernel (0.5, 0.5), scores 0 with `loss="mse"` — and hundreds with `DocsSquaredError()`. Run
# it, and work out why the alignment lesson 2 measured does not reach this loss.
#
# Then write `PairedSquaredError`, a subclass of `keras.losses.Loss`, whose `call(y_true, y_pred)`
# returns **one value per sample**, shape `(N,)`: the mean of that sample's squared errors, row i
# of the targets paired with row i of the predictions, whether each is `(N,)` or `(N, 1)` — and
# `(N, k)` against `(N, k)` for k values per sample. One value per sample is what Keras multiplies
# by `sample_weight`. It runs inside `fit` and `evaluate` on symbolic tensors: use `keras.ops`.
#
# The check calls it on tensors of its own (every pairing of those shapes, batches from 1 sample
# up, with and without sample weights) and evaluates frozen models compiled with it.


# %% nbgrader={"grade": false, "grade_id": "ex2-colleague", "locked": true, "schema_version": 3, "solution": false, "task": false}
class DocsSquaredError(keras.losses.Loss):
    """The colleague's loss: the example of keras.losses.Loss's docstring."""

    def call(self, y_true, y_pred):
        return ops.mean(ops.square(y_pred - y_true), axis=-1)


def exact_mean_net():
    """The mean net with the answer's weights, frozen: its loss measures the loss function."""
    inputs = keras.Input(shape=(2,))
    layer = keras.layers.Dense(1, trainable=False)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.array([[0.5], [0.5]]), np.zeros(1)])
    return model


# %%
# Try it (not graded): targets of shape (N,), the exact formula, two losses.
x_table = np.random.default_rng(0).integers(0, 100, size=(640, 2)).astype("float32")
y_table = x_table.mean(axis=1)
for name, loss in (("'mse'", "mse"), ("DocsSquaredError()", DocsSquaredError())):
    net = exact_mean_net()
    net.compile(loss=loss)
    print(f"the exact formula, loss={name}: {net.evaluate(x_table, y_table, verbose=0):.3f}")


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
class PairedSquaredError(keras.losses.Loss):
    """Per sample, the mean squared error of its values; targets and predictions paired row by row."""

    def call(self, y_true, y_pred):
        ### BEGIN SOLUTION
        # One row per sample, its values along axis 1: (N,) and (N, 1) both become (N, 1), (N, k) stays.
        t = ops.reshape(y_true, (ops.shape(y_true)[0], -1))
        p = ops.reshape(y_pred, (ops.shape(y_pred)[0], -1))
        return ops.mean(ops.square(t - p), axis=1)
        ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.paired_loss(PairedSquaredError)
print("Exercise 2 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — The "incomprehensible" loss, computed (1 point)
#
# Without `expand_dims`, predictions of shape `(N,)` met targets of shape `(N, 1)` and the loss
# averaged `(y_true[i] − y_pred[j])²` over **all** pairs `(i, j)`. Even for perfect predictions
# that is not 0.
#
# `broadcast_loss(low, high)` returns its value for large N, when a and b are independent integers
# drawn uniformly from `[low, high)` (high excluded) and the predictions are the exact means
# `(a + b)/2`. For `[0, 100)` the lesson found 833.25. Hint: the variance of one uniform integer
# from `n` consecutive integers is `(n² − 1)/12`.


# %% nbgrader={"grade": false, "grade_id": "ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
def broadcast_loss(low, high):
    """Mean of (m_i − m_j)² over all pairs of exact means m = (a + b)/2, a, b uniform in [low, high)."""
    ### BEGIN SOLUTION
    n = high - low
    var_one = (n * n - 1) / 12  # Var(a) = Var(b)
    var_mean = var_one / 2  # Var((a + b)/2) = (Var(a) + Var(b)) / 4
    return 2 * var_mean  # m_i − m_j: two independent means
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex3-check", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.broadcast(broadcast_loss)
print("Exercise 3 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — A mean squared error that cannot broadcast (2 points)
#
# Keras 3's compiled losses align the ranks of `y_true` and `y_pred`; your own code does not.
# Write `mse(y_true, y_pred)` for NumPy arrays that pairs row i of the targets with row i of the
# predictions whether each has shape `(N,)` or `(N, 1)`, returns one number, and raises
# `ValueError` when the two hold different numbers of values (instead of broadcasting them).


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
def mse(y_true, y_pred):
    """Mean squared error of matching rows; ValueError if the sizes differ."""
    ### BEGIN SOLUTION
    t = np.asarray(y_true, dtype=np.float64).reshape(-1)
    p = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    if t.size != p.size:
        raise ValueError(f"{t.size} targets but {p.size} predictions")
    return float(np.mean((t - p) ** 2))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex4-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.safe_mse(mse)
print("Exercise 4 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex5-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 5 — Diagnosis: a loss of 0 in Keras, 1 600 in NumPy (2 points)
#
# A colleague trains a regression model on a table of houses and `model.evaluate(x_test, y_test)`
# prints `loss: 0.0000` — yet their own check,
#
# ```python
# y_test = table["price"].to_numpy()                   # shape (N,)
# print(np.mean((y_test - model.predict(x_test)) ** 2))  # prints 1602.7
# ```
#
# says the model is far off. Work out what that NumPy line averaged, and write
# `numpy_line(y_test, y_pred)`: the number the line prints for targets of shape `(N,)` and
# predictions of shape `(N, 1)`, **from the means and variances** of the two — without building
# what the line builds (the check passes a million samples). Then
# `perfect_model_line(y_test)`: what it prints for a model whose predictions are exactly the targets.


# %% nbgrader={"grade": false, "grade_id": "ex5", "locked": false, "schema_version": 3, "solution": true, "task": false}
def numpy_line(y_test, y_pred):
    """np.mean((y_test - y_pred) ** 2) for y_test (N,) and y_pred (N, 1), from means and variances."""
    ### BEGIN SOLUTION
    t = np.asarray(y_test, dtype=np.float64).ravel()
    p = np.asarray(y_pred, dtype=np.float64).ravel()
    # the mean over all pairs (i, j) of (t_i − p_j)²: t and p vary independently across the pairs
    return float(np.var(t) + np.var(p) + (t.mean() - p.mean()) ** 2)
    ### END SOLUTION


def perfect_model_line(y_test):
    """What the line prints when the predictions equal the targets."""
    ### BEGIN SOLUTION
    return 2 * float(np.var(np.asarray(y_test, dtype=np.float64)))
    ### END SOLUTION


# %% nbgrader={"grade": true, "grade_id": "ex5-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.diagnosis(numpy_line, perfect_model_line)
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

check_all("lab02_mean_net")
