# %% [markdown] nbgrader={"grade": false, "grade_id": "intro", "locked": true, "schema_version": 3, "solution": false, "task": false}
# # Lab 5 — Activations, and what BatchNormalization really computes
#
# Five exercises on what lesson 5 measured, each asking for something the lesson did not compute:
# which activations can copy an image exactly (and which can copy *anything*), a
# BatchNormalization layer folded into the Dense layer before it, the moving statistics a layer
# holds after k training steps, the identity without BatchNormalization, and — last — a diagnosis:
# a model that trained well and evaluates badly.
#
# **Work in your own copy**, `work/lab05_activations/lab05_activations.ipynb`: `make lab` makes it,
# and so does `make fetch-lab LAB=lab05_activations`, which never overwrites a copy you have. Not in
# `release/`: that folder belongs to the course, and edits there break `git pull`. (On Colab or
# Binder this notebook is your own copy already.)
#
# **How this lab is checked.** Each exercise asks for a *function*. The check cell under it calls
# your function on fresh inputs of its own — activations you have not seen, layers with odd
# feature counts and unusual ε, batches of odd sizes, flight tracks of sizes the lessons never
# used — compares what your function returns with what Keras itself does, and, when something is
# wrong, says what in words. Run a check cell as often as you like: the autograder runs the same
# checks. Points are shown on each check cell (10 in all).
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
import numpy as np

from lessons.l05_activation_experiments import checks as check

tracks = check.tracks(16, 20, seed=2025)  # 16 flight tracks of 20×20, values 0.0 and 1.0, to try things on
print(f"tracks: {tracks.shape}, {tracks.dtype}, lit fraction {tracks.mean():.4f}")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex1-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 1 — Which activations can copy exactly? (2 points)
#
# Lesson 5 found that `Dense(N, use_bias=False, kernel_initializer=Identity())` copies an image
# exactly with no activation and with relu, and not with the sigmoid. Keras has some thirty
# activations. Instead of learning a list by heart, write two tests that tell, for **any**
# element-wise activation `f` (a function that takes an array and returns a tensor or an array):
#
# * `copies_images(f)`: `True` when the identity-kernel layer with activation `f` reproduces
#   **every image of 0.0s and 1.0s** exactly, bit for bit;
# * `copies_everything(f)`: `True` when `f(x) == x` exactly for **every** float32 input `x`, so
#   that the layer would copy any input at all.
#
# Work out what inputs decide each question. The checks call your tests on Keras' activations and on
# functions of their own that equal `x` everywhere but on one part of the real line (negative
# inputs, small ones, large ones in the thousands), or differ from it by one rounding step, or are
# `x` written another way. Your answer for `relu` should differ between the two.


# %% nbgrader={"grade": false, "grade_id": "ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
def copies_images(f):
    """Whether Dense(identity kernel, no bias, activation f) reproduces every 0/1 image bit for bit."""
    ### BEGIN SOLUTION
    x = np.array([[0.0, 1.0]], dtype="float32")
    return bool(np.array_equal(keras.ops.convert_to_numpy(f(x)), x))
    ### END SOLUTION


def copies_everything(f):
    """Whether f(x) == x, bit for bit, for every float32 x."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(0)
    magnitudes = 10.0 ** rng.uniform(-8, 6, size=5000)  # from 1e-8 to 1e6, both signs
    x = np.concatenate([magnitudes, -magnitudes, rng.uniform(-1, 1, 1000), [0.0, 1.0, -1.0]])
    x = x.astype("float32").reshape(1, -1)
    return bool(np.array_equal(keras.ops.convert_to_numpy(f(x)), x))
    ### END SOLUTION


# %%
# Try it (not graded): your two tests on a few of Keras' activations.
try:
    for name in ("linear", "relu", "elu", "sigmoid", "hard_tanh"):
        f = getattr(keras.activations, name, None)
        if f is not None:
            print(
                f"{name:>10}: copies images {copies_images(f)!s:>5}, copies everything {copies_everything(f)}"
            )
except NotImplementedError:
    print("copies_images or copies_everything is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex1-images", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.copies_images_check(copies_images)
print("Exercise 1, images: passed.")

# %% nbgrader={"grade": true, "grade_id": "ex1-everything", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
check.copies_everything_check(copies_everything)
print("Exercise 1, everything: passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex2-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 2 — Fold BatchNormalization into the Dense layer before it (2 points)
#
# Lesson 5 read a trained BatchNormalization layer as a per-feature gain and offset. When nothing
# sits between a `Dense` layer and the BatchNormalization after it, the two together are one Dense
# layer at inference — the usual trick to make a trained model cheaper.
#
# `fold_batchnorm(kernel, bias, bn)` takes a Dense layer's `kernel` (inputs × features) and
# `bias` (features,) as NumPy arrays, and a built `keras.layers.BatchNormalization` layer `bn`, and
# returns `(new_kernel, new_bias)` such that `x @ new_kernel + new_bias` equals
# `bn(x @ kernel + bias, training=False)` for every `x`.
#
# Read what you need from the layer (`bn.moving_mean`, `bn.moving_variance`, `bn.gamma`, `bn.beta`,
# `bn.epsilon`; `np.asarray` turns a variable into an array). The check's layers have odd numbers
# of features, ε other than the default, moving variances from 1e-6 to 100, and some were built
# with `scale=False` or `center=False` — read Keras' docstring of the layer to see what those mean.


# %% nbgrader={"grade": false, "grade_id": "ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
def fold_batchnorm(kernel, bias, bn):
    """The kernel and bias of one Dense layer equal to Dense(kernel, bias) → bn at inference."""
    ### BEGIN SOLUTION
    variance = np.asarray(bn.moving_variance, dtype=np.float64)
    mean = np.asarray(bn.moving_mean, dtype=np.float64)
    gamma = np.asarray(bn.gamma, dtype=np.float64) if bn.scale else 1.0
    beta = np.asarray(bn.beta, dtype=np.float64) if bn.center else 0.0
    gain = gamma / np.sqrt(variance + bn.epsilon)
    return kernel * gain, gain * (bias - mean) + beta
    ### END SOLUTION


# %%
# Try it (not graded): a layer with made-up statistics, yours beside Keras'.
try:
    bn = keras.layers.BatchNormalization(epsilon=1e-4)
    bn.build((None, 3))
    bn.moving_mean.assign([0.5, -1.0, 2.0])
    bn.moving_variance.assign([1e-5, 4.0, 0.25])
    kernel, bias = np.ones((2, 3), "float32"), np.zeros(3, "float32")
    x = np.array([[0.5, 0.1], [1.0, -2.0]], "float32")
    new_kernel, new_bias = fold_batchnorm(kernel, bias, bn)
    print("folded:", x @ new_kernel + new_bias)
    print("Keras: ", np.asarray(bn(x @ kernel + bias, training=False)))
except NotImplementedError:
    print("fold_batchnorm is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex2-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.fold_batchnorm_check(fold_batchnorm)
print("Exercise 2 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex3-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 3 — The moving statistics after k steps (2 points)
#
# At inference, BatchNormalization normalises with its *moving* mean and variance, which it updates
# once per training step. Lesson 5 warned that Keras' default momentum 0.99 leaves a short run with
# statistics that have not caught up. How far behind are they, exactly?
#
# `moving_stats_after(batches, momentum)` returns `(moving_mean, moving_variance)`, one value per
# feature: what a **fresh** `keras.layers.BatchNormalization(momentum=momentum)` holds after one
# training step on each batch of `batches` in order (a list of arrays of shape (batch size,
# features)). No Keras in this function: work out the update from the layer's source
# (`keras/src/layers/normalization/batch_normalization.py`, its `call` and `build`) and write it in
# NumPy. The check compares your numbers with the layer's, for momenta from 0 to 0.999, batch sizes
# from 1 to 11, and the lesson's case: 300 steps at momentum 0.99 on batches whose variance is tiny.


# %% nbgrader={"grade": false, "grade_id": "ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
def moving_stats_after(batches, momentum):
    """A fresh BatchNormalization layer's moving mean and variance after training on batches."""
    ### BEGIN SOLUTION
    mean, variance = 0.0, 1.0  # moving_mean starts at zeros, moving_variance at ones
    for batch in batches:
        batch = np.asarray(batch, dtype=np.float64)
        mean = mean * momentum + batch.mean(axis=0) * (1 - momentum)
        variance = variance * momentum + batch.var(axis=0) * (1 - momentum)
    return mean, variance
    ### END SOLUTION


# %%
# Try it (not graded): 300 steps on batches of mean 0.5 and variance 1e-5, as in lesson 5.
try:
    rng = np.random.default_rng(0)
    batches = [0.5 + np.sqrt(1e-5) * rng.normal(size=(128, 1)) for _ in range(300)]
    for momentum in (0.9, 0.99):
        mean, variance = moving_stats_after(batches, momentum)
        print(f"momentum {momentum}: moving mean {mean[0]:.4f}, moving variance {variance[0]:.3g}")
except NotImplementedError:
    print("moving_stats_after is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex3-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.moving_stats_check(moving_stats_after)
print("Exercise 3 passed.")


# %% [markdown] nbgrader={"grade": false, "grade_id": "ex4-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 4 — The identity without BatchNormalization (2 points)
#
# The sigmoid + BatchNormalization model of lesson 5 works because BN gives every pixel a gain and
# an offset that the bias-less Dense layer lacked. A model can have both without BN.
#
# `identity_without_bn(side, mse)` returns a Keras model (compiled or not) that takes images of
# shape `(side, side, 1)` and returns images of that shape, with **no normalisation layer** and a
# **sigmoid** at the end (every output in [0, 1], whatever the input), whose mean squared error on
# images of 0.0s and 1.0s is **`mse`** (within 2 %) — on sparse tracks, on half-lit images and on
# black ones alike. No training: set its weights yourself, from a calculation. Which gain and which
# offset make a black pixel and a lit one cost the same, and how big must the gain be for that cost
# to be `mse`? The check asks for MSEs from 0.2 down to 1e-6 and sides from 7 to 15.


# %% nbgrader={"grade": false, "grade_id": "ex4", "locked": false, "schema_version": 3, "solution": true, "task": false}
def identity_without_bn(side, mse):
    """A model without normalisation, ending in a sigmoid, whose MSE on 0/1 images is mse."""
    ### BEGIN SOLUTION
    # A black pixel outputs σ(−g/2), a lit one σ(g/2) = 1 − σ(−g/2): both cost σ(−g/2)² = mse.
    error = math.sqrt(mse)
    gain = 2 * math.log((1 - error) / error)
    return keras.Sequential(
        [
            keras.Input(shape=(side, side, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(
                side * side,
                activation="sigmoid",
                kernel_initializer=keras.initializers.Identity(gain),
                bias_initializer=keras.initializers.Constant(-gain / 2),
            ),
            keras.layers.Reshape((side, side, 1)),
        ]
    )
    ### END SOLUTION


# %%
# Try it (not graded): the MSE of your model on the sample tracks and on all-black images.
try:
    model = identity_without_bn(20, 1e-4)
    black = np.zeros_like(tracks)
    for what, images in (("tracks", tracks), ("black", black)):
        print(what, float(np.mean((model.predict(images, verbose=0) - images) ** 2)))
except NotImplementedError:
    print("identity_without_bn is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex4-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.identity_without_bn_check(identity_without_bn)
print("Exercise 4 passed.")

# %% [markdown] nbgrader={"grade": false, "grade_id": "ex5-text", "locked": true, "schema_version": 3, "solution": false, "task": false}
# ## Exercise 5 — Diagnosis: it trained well, and it evaluates badly (2 points)
#
# A colleague trained lesson 5's sigmoid + BatchNormalization autoencoder on 1024 tracks of 16×16,
# in a hurry: 8 epochs of 16 steps, Adam at 0.003, the layers' default settings. The next cell
# trains the same model and shows what they saw: `fit` reports an accuracy near 1.0, and
# `evaluate` — **on the very images it trained on** — reports less, and the model reproduces hardly
# any lit pixel.
#
# Find the cause (inspect `model.layers`, compare what each layer holds with what it sees), then
# write `repair(model, images)`: it takes such a trained model and its training images and returns a
# model (the same one, mended, or a new one) whose predictions at inference are as good as `fit`
# said — **without another gradient step**: the weights the optimizer learnt are fine. The check
# repairs another run of this model (18×18, other tracks) and compares its predictions on fresh
# tracks, one image at a time and in batches, with the predictions those learnt weights should give.

# %% nbgrader={"grade": false, "grade_id": "ex5-symptom", "locked": true, "schema_version": 3, "solution": false, "task": false}
# The symptom (trains for a few seconds).
model, images, fit_accuracy = check.short_run(16)
scores = model.evaluate(images, images, verbose=0, return_dict=True)
predicted = model.predict(images, verbose=0)
print(f"fit, last epoch: accuracy {fit_accuracy[-1]:.4f}")
print(f"evaluate on the same images: accuracy {scores['accuracy']:.4f}, loss {scores['loss']:.4f}")
print(f"lit pixels reproduced (> 0.5): {np.mean(predicted[images > 0.5] > 0.5):.1%}")


# %% nbgrader={"grade": false, "grade_id": "ex5", "locked": false, "schema_version": 3, "solution": true, "task": false}
def repair(model, images):
    """The model, mended so that it predicts well at inference, without training it further."""
    ### BEGIN SOLUTION
    # 0.99**128 ≈ 28 % of the moving variance's starting 1.0 is left, where the sigmoid's output
    # varies by ~1e-4: at inference BN divides by √0.28 instead of √(1e-4 + ε), a gain ~50 times
    # too small. Give the layer the statistics of what it sees on the training images.
    bn = next(layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization))
    seen = keras.Model(model.inputs, bn.input).predict(images, verbose=0)
    bn.moving_mean.assign(seen.mean(axis=0))
    bn.moving_variance.assign(seen.var(axis=0))
    return model
    ### END SOLUTION


# %%
# Try it (not graded): the repaired model on the symptom's images and on fresh ones.
try:
    fresh = check.tracks(64, 16, seed=77)
    mended = repair(check.short_run(16)[0], images)
    for what, x in (("training images", images), ("fresh tracks", fresh)):
        p = mended.predict(x, verbose=0)
        print(
            f"{what}: accuracy {np.mean((p > 0.5) == (x > 0.5)):.4f}, lit reproduced {np.mean(p[x > 0.5] > 0.5):.1%}"
        )
except NotImplementedError:
    print("repair is not written yet.")

# %% nbgrader={"grade": true, "grade_id": "ex5-check", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
check.repair_check(repair)
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

check_all("lab05_activations")
