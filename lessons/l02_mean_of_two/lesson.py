# %% [markdown]
# # Lesson 2 — A net that learns the mean of two numbers, and a shape that breaks it
#
# A blog article on Habr, *Making a neural network: how not to break the brain* (written in
# Russian; the title is its English translation's), trains the smallest network there is: two numbers in, their arithmetic mean out. It runs into
# two pitfalls. The first, a data generator that hands out the same array twice, is lesson 3.
# The second is here: one missing `expand_dims` turns a loss of 0 into a loss of about 830 that
# the author calls "incomprehensible".
#
# We rebuild the article in Keras 3 and measure everything, including where today's Keras
# behaves differently from the article's Keras 2. Each section asks you to **predict** before a
# cell answers; write your guess in the cell below the question, and the experiment prints it
# beside what it measured. Every number the text claims is computed below and checked by an
# `assert` with a tolerance, in a cell after each experiment that JupyterLab shows collapsed.

# %%
# Takes a while: importing TensorFlow and Keras took 13–45 s on 2 CPU cores.
from pitfalls.predictions import versus
from pitfalls.session import start

session = start(seed=0)  # prints the versions and seed, to quote in a question

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import ops

from lessons.l02_mean_of_two import versions  # the version-specific claims, measured
from pitfalls.meannet import held_out_loss, pairs, steps_to_reach, train_iterator_1
from pitfalls.show import show_source

measured = {}  # our numbers, for the table at the end: {what: (ours, the article's)}


# %% [markdown]
# ## 1. The data: pairs of integers and their mean
#
# No data set is downloaded: every pair is drawn here by NumPy's random generator, seeded, so a
# rerun gives the same numbers. Inputs are two integers in [0, 100) (as floats), the target is
# their mean. Like the article we feed Keras from an endless Python generator of batches of 64.
# This one makes a **new array for every batch** — lesson 3 is about what goes wrong otherwise —
# in float32, the precision Keras computes in.


# %%
def mean_batches(batch_size=64, seed=0):
    """Endless batches: inputs (batch, 2) of random integers in [0, 100), targets their mean (batch, 1)."""
    rng = np.random.default_rng(seed)
    while True:
        x = rng.integers(0, 100, size=(batch_size, 2)).astype("float32")  # a fresh array every batch
        yield x, x.mean(axis=1, keepdims=True)


x, y = next(mean_batches(batch_size=4))
print("inputs\n", x, "\ntargets\n", y)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert x.shape == (4, 2) and y.shape == (4, 1)
assert np.array_equal(y[:, 0], (x[:, 0] + x[:, 1]) / 2)

# %% [markdown]
# ## 2. The model: one Dense unit
#
# The article's model: an `Input` of two numbers and a `Dense(1)` with no activation, so the
# output is `w₁·a + w₂·b + c`. The mean is exactly such a function, with `w₁ = w₂ = 0.5`, `c = 0`.
#
# **Predict:** how many trainable parameters does the model have?

# %%
my_parameters = ...  # your guess: a number of parameters


# %%
def create_model():
    inputs = keras.Input(shape=(2,), name="x")
    mean = keras.layers.Dense(1)(inputs)
    model = keras.Model(inputs=inputs, outputs=mean)
    model.compile(loss="mse", optimizer="rmsprop")  # RMSprop's default learning rate is 0.001
    return model


model = create_model()
model.summary()
versus(my_parameters, sum(int(np.prod(w.shape)) for w in model.trainable_weights), "trainable parameters")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert model.count_params() == 3  # two weights and a bias
assert tuple(model.output.shape) == (None, 1)

# %% [markdown]
# ## 3. Training: 3 epochs of 1000 steps
#
# The article trained 100 epochs of 1000 steps and reported a loss of 648.9, 0.0177 and 0.0030
# after epochs 1, 2 and 3: "the network is already converging in the third epoch". Those numbers
# came from its *working* generator, which is not ours: it refills one `x` buffer **and** one
# buffer of means in place for every batch (lesson 3 takes it apart). To compare like with like we
# train both from the same starting weights: ours, and the article's own generator.
#
# **Predict:** will our loss after epoch 3 be below 0.01? What will the first epoch's loss look
# like — remember that it is the *average* over the epoch's 1000 batches. Will the article's
# generator give another curve than ours?

# %%
my_below_001 = ...  # your guess: True or False (our loss after epoch 3 below 0.01?)
my_first_epoch_loss = ...  # your guess: a number, the loss Keras prints for epoch 1
my_other_curve = ...  # your guess: True or False (does the article's generator give another curve?)

# %%
show_source(train_iterator_1)  # the article's working generator (lesson 3, section 6, takes it apart)

# %%
# Takes a while: two runs of 3000 training steps, 25 s on 2 busy CPU cores.
article_model = create_model()
article_model.set_weights(model.get_weights())  # the same starting weights for both runs
t0 = time.perf_counter()
history = model.fit(mean_batches(), steps_per_epoch=1000, epochs=3, verbose=2)
seconds = time.perf_counter() - t0
article_history = article_model.fit(train_iterator_1(), steps_per_epoch=1000, epochs=3, verbose=2)
losses, article_gen_losses = history.history["loss"], article_history.history["loss"]
ARTICLE_LOSSES = [648.9184, 0.0177, 0.0030]
ms_per_step = seconds / 3000 * 1000
print(f"\n{ms_per_step:.2f} ms per step (the article: 2–3 ms)")
print("epoch   ours (fresh arrays)   ours (article's generator)   article   ours / article")
for epoch, (ours, theirs, article) in enumerate(zip(losses, article_gen_losses, ARTICLE_LOSSES), start=1):
    print(f"{epoch}     {ours:16.4f}   {theirs:22.4f}   {article:11}   {theirs / article:8.3g}")
ratio = [theirs / article for theirs, article in zip(article_gen_losses, ARTICLE_LOSSES)]
measured["loss after epoch 3 (working generator)"] = (losses[-1], 0.0030)
measured["loss after epoch 3 (the article's generator)"] = (article_gen_losses[-1], 0.0030)
measured["loss after epoch 2 (the article's generator)"] = (article_gen_losses[1], 0.0177)
versus(my_below_001, losses[-1] < 0.01, "our loss after epoch 3 below 0.01")
versus(my_first_epoch_loss, losses[0], "our loss of epoch 1")
other = not all(0.5 < a / b < 2 for a, b in zip(losses, article_gen_losses))
versus(my_other_curve, other, "another curve (a factor 2 apart at some epoch)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert losses[-1] < 0.01 and article_gen_losses[-1] < 0.01, (losses, article_gen_losses)
assert losses[0] > 100 * losses[-1]  # epoch 1 averages in the first, untrained steps
assert all(0.5 < a / b < 2 for a, b in zip(losses, article_gen_losses)), (losses, article_gen_losses)
assert 5 < ratio[1] < 50 and 0.5 < ratio[2] < 3, ratio

# %% [markdown]
# The article's generator and ours give the same curve, epoch by epoch (within a factor 2,
# asserted): in Keras 3's `fit` its reused buffers do no harm (lesson 3 measures why). Both differ
# from the article's numbers in the same way. The first epoch averages to a higher loss than
# the article's: the runs start from other random weights (Keras draws the kernel from a Glorot
# distribution), and the average over 1000 steps is dominated by the first few hundred. Epoch 2
# is still far from the article's — about 16 times its 0.0177 (the ratio is printed above) — since
# it carries the end of that slow start; by epoch 3 both runs are at a few thousandths, within a
# factor 2 of the article's 0.0030.
#
# ## 4. What did it learn?
#
# **Predict:** the kernel, the bias, and `model.predict` for the pair (73, 57), whose mean is 65.

# %%
my_kernel = ...  # your guess: two numbers, e.g. [1.0, 0.0]
my_bias = ...  # your guess: a number
my_prediction = ...  # your guess: a number

# %%
kernel, bias = model.layers[-1].get_weights()
prediction = float(model.predict(np.array([[73.0, 57.0]]), verbose=0)[0, 0])
print("kernel:", kernel.ravel(), " bias:", bias, " prediction for (73, 57):", round(prediction, 3))
measured["prediction for (73, 57)"] = (prediction, "65 (the true mean)")
versus(my_kernel, kernel.ravel().round(3).tolist(), "kernel")
versus(my_bias, float(bias[0]), "bias")
versus(my_prediction, prediction, "prediction for (73, 57)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.allclose(kernel.ravel(), [0.5, 0.5], atol=0.005), kernel
assert abs(bias[0]) < 0.1, bias
assert abs(prediction - 65) < 0.2, prediction

# %% [markdown]
# The net found the formula itself: `0.5·a + 0.5·b + 0`.
#
# ## 5. Does the input scale matter?
#
# A common rule says: scale the inputs to about [0, 1) before training. Our inputs run to 100.
#
# **Predict:** the same net on inputs (and targets) divided by 100 — will it reach a given loss
# in fewer steps? Does your answer depend on the optimizer?
#
# The experiment: 1000 batches of 64 pairs (64 000 pairs, seeded), the same model, and every 10
# steps the loss on 2048 held-out pairs, always in the *original* units (a scaled run's loss
# is multiplied by 100²). Four runs: RMSprop (the article's optimizer, learning rate 0.001) and
# plain SGD (learning rate 0.1), each on raw and on scaled numbers. A fifth run scales only the
# inputs and keeps the targets raw.

# %%
my_rmsprop_faster = ...  # your guess: True or False (RMSprop reaches the loss in fewer steps when scaled?)
my_sgd_faster = ...  # your guess: True or False (and SGD?)

# %%
# Takes a while: five training runs, 12 s on 2 busy CPU cores.
rng = np.random.default_rng(1)
x_train, y_train = pairs(64_000, rng)
x_test, y_test = pairs(2048, rng)


STRIDE = 10  # record the held-out loss every 10 steps (a Python round trip per record costs time)


def run(optimizer, x_scale, y_scale, steps):
    """Train a fresh mean net for `steps` batches; its held-out loss every STRIDE steps (original units)."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(2,))
    net = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    net.compile(loss="mse", optimizer=optimizer, steps_per_execution=STRIDE)
    curve = held_out_loss(x_test / x_scale * y_scale, y_test, scale=y_scale)  # see pitfalls/meannet.py
    n = steps * 64
    net.fit(
        x_train[:n] / x_scale,
        y_train[:n] / y_scale,
        batch_size=64,
        epochs=1,
        shuffle=False,
        verbose=0,
        callbacks=[curve],
    )
    return np.array(curve.steps), np.array(curve.losses)


runs = {
    "RMSprop, raw [0, 100)": run(keras.optimizers.RMSprop(0.001), 1, 1, 1000),
    "RMSprop, scaled [0, 1)": run(keras.optimizers.RMSprop(0.001), 100, 100, 1000),
    "RMSprop, inputs scaled, targets raw": run(keras.optimizers.RMSprop(0.001), 100, 1, 1000),
    "SGD(0.1), raw [0, 100)": run(keras.optimizers.SGD(0.1), 1, 1, 300),
    "SGD(0.1), scaled [0, 1)": run(keras.optimizers.SGD(0.1), 100, 100, 300),
}
THRESHOLD = 20.0  # a held-out MSE of 20: predictions off by about 4.5 on a scale of 100
reached = {name: steps_to_reach(curve, THRESHOLD, steps) for name, (steps, curve) in runs.items()}
for name, (steps, curve) in runs.items():
    print(
        f"{name:38s} steps to loss < {THRESHOLD:g}: {str(reached[name]):>5s}   "
        f"loss after {steps[-1]} steps: {curve[-1]:.3g}"
    )

# %% tags=["readme-figure"]
fig, ax = plt.subplots(figsize=(8, 4))
for name, (steps, curve) in runs.items():
    finite = np.where(np.isfinite(curve) & (curve < 1e7), curve, np.nan)
    ax.plot(steps, finite, label=name, lw=1.5, ls="--" if "SGD" in name else "-")
ax.axhline(THRESHOLD, color="grey", lw=0.8, ls=":")
ax.set_yscale("log"), ax.set_xlabel("training step"), ax.set_ylabel("held-out MSE (original units)")
ax.set_title("The same net, raw vs scaled numbers (SGD on raw numbers leaves the plot: it diverges)")
ax.legend(fontsize=8)
plt.tight_layout()
plt.show()

rms_raw, rms_scaled = reached["RMSprop, raw [0, 100)"], reached["RMSprop, scaled [0, 1)"]
sgd_raw = runs["SGD(0.1), raw [0, 100)"][1]
at_400 = {name: curve[list(steps).index(400)] for name, (steps, curve) in runs.items() if 400 in steps}
measured["steps to MSE < 20, RMSprop raw / scaled"] = (f"{rms_raw} / {rms_scaled}", "—")
measured["steps to MSE < 20, SGD(0.1) raw / scaled"] = (
    f"diverges / {reached['SGD(0.1), scaled [0, 1)']}",
    "—",
)
rms_faster = rms_raw - rms_scaled > max(0.05 * rms_raw, STRIDE)
versus(my_rmsprop_faster, rms_faster, "RMSprop: clearly fewer steps (5 %) to a loss of 20 on scaled numbers")
sgd_faster = reached["SGD(0.1), scaled [0, 1)"] is not None and reached["SGD(0.1), raw [0, 100)"] is None
versus(my_sgd_faster, sgd_faster, "SGD(0.1): scaled reaches a loss of 20, raw does not")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert [steps[-1] for steps, _ in runs.values()] == [1000, 1000, 1000, 300, 300]  # every run ran in full
assert rms_raw is not None and rms_scaled is not None
assert abs(rms_raw - rms_scaled) <= max(0.05 * rms_raw, STRIDE), (rms_raw, rms_scaled)  # same end
assert at_400["RMSprop, scaled [0, 1)"] < 0.5 * at_400["RMSprop, raw [0, 100)"], at_400  # ahead midway
assert not np.isfinite(sgd_raw[-1]) or sgd_raw[-1] > 1e6, sgd_raw[-1]  # diverged
assert reached["SGD(0.1), scaled [0, 1)"] is not None and reached["SGD(0.1), scaled [0, 1)"] < 300
assert reached["RMSprop, inputs scaled, targets raw"] is None  # far behind
assert runs["RMSprop, inputs scaled, targets raw"][1][-1] > 100

# %% [markdown]
# What the measurement says:
#
# * **RMSprop hardly cares.** It divides each gradient by a running average of its own size, so
#   it moves every weight by about its learning rate per step, whatever the scale. The kernel it
#   must find is the same, 0.5 and 0.5, and both runs reach a loss of 20 at the same step. The
#   curves differ in the middle because of the bias: 0.001 per step is 100 times more, in the
#   original units, for the scaled run — a head start that does not change where it ends.
# * **SGD cares a lot.** Its step is the learning rate times the gradient, and the gradient of a
#   squared error grows with the square of the inputs: a learning rate that converges in a couple
#   of hundred steps on [0, 1) makes the raw run explode. (SGD on raw numbers works with a 10⁴
#   times smaller learning rate.) "Normalise your inputs" is advice about the learning rate.
# * **Scaling only the inputs is slower**, for RMSprop: the weights must now grow to 50 and 50,
#   and RMSprop moves each weight by about its learning rate, 0.001, per step.

# %% [markdown]
# **Try it.** The same net at other input scales: the loss curves are *precomputed* runs (seeded, made by `python -m pitfalls.widgets.meannet_runs`), so the slider answers at once.

# %%
from pitfalls.widgets import input_scale_explorer

input_scale_explorer()

# %% [markdown]
# ## 6. The shape pitfall: `(N,)` is not `(N, 1)`
#
# The article next replaces the trainable layer by the exact formula, in a `Lambda` layer, and
# expects a loss of 0. With `expand_dims` the mean of each row keeps its own axis: shape
# `(batch, 1)`, like the targets. Without it, the result is a vector, shape `(batch,)`.
#
# **Predict:** the symbolic output shape and the shape `predict` returns, for each version.
# (The article also passed `output_shape=(1,)` to the `Lambda`; we try that too.)

# %%
my_shapes = ...  # your guess: per version a pair (symbolic, predict's), e.g. [((None, 2), (5, 2)), ...]


# %%
def calc_mean(x):
    res = (x[:, 0] + x[:, 1]) / 2
    return ops.expand_dims(res, -1)  # (batch,) → (batch, 1)


def calc_mean_flat(x):
    return (x[:, 0] + x[:, 1]) / 2  # (batch,)


def lambda_model(fn, **kwargs):
    inputs = keras.Input(shape=(2,), name="x")
    return keras.Model(inputs, keras.layers.Lambda(fn, **kwargs)(inputs))


x5, y5 = next(mean_batches(batch_size=5, seed=2))
shapes = {}
for name, m in {
    "expand_dims": lambda_model(calc_mean),
    "no expand_dims": lambda_model(calc_mean_flat),
    "no expand_dims, output_shape=(1,)": lambda_model(calc_mean_flat, output_shape=(1,)),
}.items():
    shapes[name] = (tuple(m.output.shape), m.predict(x5, verbose=0).shape)
    print(f"{name:36s} symbolic output {str(shapes[name][0]):10s} predict → {shapes[name][1]}")
declared = versions.LAMBDA_OUTPUT_SHAPE.check()  # what Keras versions do with the declaration, measured
print(declared)
versus(my_shapes, list(shapes.values()), "(symbolic, predict) shapes of the three versions")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert shapes["expand_dims"] == ((None, 1), (5, 1))
assert shapes["no expand_dims"] == ((None,), (5,))
assert tuple(map(str, shapes["no expand_dims, output_shape=(1,)"])) == tuple(declared.observed.values())

# %% [markdown]
# `output_shape=(1,)` is only a *declaration*: Keras 3 (3.8.0 to 3.15.1, measured above) believes it
# for the symbolic output and never checks it against what the function really returns. The article saw the same: `predict`
# gave `[46.]` where it expected `[[46.]]`.
#
# ### What numpy does with `(N, 1) − (N,)`
#
# Subtracting a `(N,)` vector from a `(N, 1)` column does not fail: broadcasting stretches both
# to `(N, N)`, and entry `(i, j)` is `y_true[i] − y_pred[j]` — every target against every
# prediction. Only the diagonal pairs a target with its own prediction.
#
# **Predict:** the shape of `y_true - y_pred` below, and which entries are 0.

# %%
my_shape = ...  # your guess: a shape, e.g. (5, 1)
my_zeros = ...  # your guess: the (i, j) of the zero entries, e.g. [(0, 0), (1, 0)]

# %%
y_true = y5  # (5, 1), the targets
y_pred = lambda_model(calc_mean_flat).predict(x5, verbose=0)  # (5,), exact means, flat
diff = y_true - y_pred
print("y_true", y_true.shape, "- y_pred", y_pred.shape, "→", diff.shape)
versus(my_shape, diff.shape, "shape of y_true - y_pred")
versus(my_zeros, [(int(i), int(j)) for i, j in np.argwhere(np.isclose(diff, 0))], "entries that are 0")
fig, ax = plt.subplots(figsize=(3.6, 3))
im = ax.imshow(diff, cmap="coolwarm", vmin=-60, vmax=60)
ax.set_xlabel("j (prediction)"), ax.set_ylabel("i (target)"), ax.set_title("y_true[i] − y_pred[j]")
fig.colorbar(im)
plt.tight_layout()
plt.show()

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert diff.shape == (5, 5)
assert np.allclose(np.diag(diff), 0) and not np.allclose(diff, 0)

# %% [markdown]
# So the "mean squared error" of perfect predictions is the mean of `(mᵢ − mⱼ)²` over all pairs
# of rows — for N rows exactly `2·Var(m)` (expand the square). For a and b uniform integers in
# [0, 100), the mean m = (a + b)/2 has variance Var(a)/2 = (100² − 1)/24 = 416.625, so the
# broadcast loss is **2 · 416.625 = 833.25** for large N. On a batch of 64 the sample variance is
# on average 63/64 of that: 820.2. The article's "incomprehensible" losses were 871.6, 830.3 and
# 830.8.
#
# We compute Var(m) exactly by enumerating all 100 × 100 pairs, then measure.

# %%
a, b = np.meshgrid(np.arange(100), np.arange(100))
var_mean = float(np.var((a + b) / 2))  # exact: every pair once
broadcast_analytic = 2 * var_mean
print(f"Var((a+b)/2) = {var_mean}   2·Var = {broadcast_analytic}")

x_big, y_big = pairs(4000, np.random.default_rng(3))
m_big = lambda_model(calc_mean_flat).predict(x_big, batch_size=1000, verbose=0)  # (4000,), exact means
print("y_big", y_big.shape, "- m_big", m_big.shape, "→", (y_big - m_big).shape)
broadcast_big = float(np.mean((y_big - m_big) ** 2))
print(
    f"numpy MSE of perfect predictions over 4000 pairs: {broadcast_big:.1f} (analytic {broadcast_analytic})"
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(var_mean - (100**2 - 1) / 24) < 1e-9 and abs(broadcast_analytic - 833.25) < 1e-9

# %% [markdown]
# That one number cost a 4000 × 4000 matrix (128 MB). With the 60 000 rows of a typical data set
# it would be 29 GB, and the evaluation would die of memory — sometimes that is how this bug
# announces itself. Now per batch of 64, averaged over 100 steps as a training log averages them:

# %%
batches = mean_batches(batch_size=64, seed=4)
per_batch = []
for _ in range(100):
    xb, yb = next(batches)
    per_batch.append(np.mean((yb - xb.mean(axis=1)) ** 2))  # (64, 1) − (64,) → (64, 64)
broadcast_64 = float(np.mean(per_batch))
expected_64 = broadcast_analytic * 63 / 64
batch_sd = float(np.std(per_batch))
print(
    f"broadcast loss over 100 batches of 64: {broadcast_64:.1f} (expected {expected_64:.1f}; "
    "the article: 871.6, 830.3, 830.8)"
)
print(
    f"one batch's value varies by ±{batch_sd:.0f}, so an average of 100 batches by about ±{batch_sd / 10:.0f}"
)
measured["broadcast loss, 4000 pairs (analytic 833.25)"] = (broadcast_big, "—")
measured["broadcast loss, 100 batches of 64 (analytic 820.2)"] = (broadcast_64, "830.3–871.6")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(broadcast_big - broadcast_analytic) < 0.05 * broadcast_analytic, broadcast_big
assert abs(broadcast_64 - expected_64) < 40, broadcast_64
assert 80 < batch_sd < 170, batch_sd

# %% [markdown]
# ### What Keras 3 does with the same model
#
# **Predict:** compile the `Lambda` model without `expand_dims` with MSE and train it for 100
# steps, as the article did. Which loss does Keras 3 report?
#
# To see both views in one run we add a metric written by hand, the textbook formula
# `mean((y_true − y_pred)²)`.

# %%
my_loss = ...  # your guess: a number, the loss Keras 3 prints


# %%
def mse_by_hand(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred))


flat = lambda_model(calc_mean_flat)
flat.compile(loss="mse", optimizer="rmsprop", metrics=[mse_by_hand])
logs = flat.fit(mean_batches(seed=5), steps_per_epoch=100, epochs=3, verbose=2).history
print(
    "\nKeras' loss:", logs["loss"], "\nthe hand-written metric:", [round(v, 1) for v in logs["mse_by_hand"]]
)
measured["Keras 3 compiled loss, Lambda without expand_dims"] = (logs["loss"][-1], "830.8")
measured["hand-written metric, same run"] = (logs["mse_by_hand"][-1], "830.8")
aligned = versions.RANK_ALIGNMENT.check()  # where your Keras aligns the ranks, measured on 64 pairs
print(aligned)
versus(my_loss, logs["loss"][-1], "Keras 3's compiled loss, last epoch")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
for values, place in ((logs["loss"], "compiled loss"), (logs["mse_by_hand"], "metric function")):
    if aligned.observed[place]:
        assert max(values) < 1e-6, (place, values)
    else:
        assert all(abs(v - expected_64) < 60 for v in values), (place, values)

# %% [markdown]
# Keras 3 reports 0 (3.8.0 to 3.15.1, measured above): before it calls a *compiled* loss (built-in, or a function you pass as
# `loss=`), it aligns the ranks of `y_true` and `y_pred` — here it expands the `(N,)` predictions
# to `(N, 1)`. The article's Keras 2 did not, and printed 830. The hand-written metric is not
# aligned and still computes the `(64, 64)` average in the same run: 820 in expectation, and an
# epoch of 100 batches scatters around it by about a tenth of one batch's spread (measured above).
#
# So the bug has not gone; Keras 3 hides it in one place. It still bites wherever your own code
# meets the two shapes:
#
# * **a metric written by hand** (above);
# * **an evaluation in NumPy**, e.g. `np.mean((y - model.predict(x)) ** 2)` (section above:
#   ≈ 833 for perfect predictions);
# * **a custom training loop** with a hand-written loss. Here it does more than report a wrong
#   number: the gradient follows the broadcast loss. Its minimum is reached when every prediction
#   equals the *batch average* of the targets, so the net learns a constant.
#
# **Predict:** the article's next experiment yields targets without `expand_dims`, shape `(64,)`,
# and says training is fine because "inside Keras this is reduced to the right dimension". Train
# our trainable mean net on such targets in a hand-written loop, once with `ops.mean(ops.square(…))`
# and once with Keras' `MeanSquaredError` object. What does each learn?

# %%
my_hand_written = ...  # your guess: what the hand-written loop predicts for (73, 57), a number
my_keras_mse = ...  # your guess: what the MeanSquaredError loop predicts for (73, 57)


# %%
def custom_loop(loss_fn, steps=400, seed=6):
    """Train a fresh mean net by hand on targets of shape (64,); return it and its last 50 losses."""
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(2,))
    net = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    optimizer = keras.optimizers.Adam(0.5)  # a large step, so that 400 steps show where each loss leads

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, net(x))
        optimizer.apply_gradients(zip(tape.gradient(loss, net.trainable_weights), net.trainable_weights))
        return loss

    batches, losses = mean_batches(seed=seed), []
    for _ in range(steps):
        xb, yb = next(batches)
        losses.append(float(step(tf.constant(xb, "float32"), tf.constant(yb[:, 0], "float32"))))  # y: (64,)
    return net, losses[-50:]


by_hand, hand_losses = custom_loop(lambda y, p: ops.mean(ops.square(y - p)))
keras_mse, keras_losses = custom_loop(keras.losses.MeanSquaredError())
probe = np.array([[73.0, 57.0], [10.0, 20.0], [90.0, 95.0]])
for name, net, last in [
    ("hand-written loss", by_hand, hand_losses),
    ("keras.losses.MeanSquaredError", keras_mse, keras_losses),
]:
    k, c = net.layers[-1].get_weights()
    print(
        f"{name:30s} kernel {k.ravel().round(3)}  bias {c.round(2)}  loss (last 50 steps) "
        f"{np.mean(last):7.2f}\n{'':30s} predictions for (73, 57), (10, 20), (90, 95): "
        f"{net.predict(probe, verbose=0).ravel().round(1)}"
    )
p_hand = by_hand.predict(probe, verbose=0).ravel()
p_keras = keras_mse.predict(probe, verbose=0).ravel()
measured["custom loop, hand-written loss: prediction for (73, 57)"] = (float(p_hand[0]), "—")
versus(my_hand_written, float(p_hand[0]), "hand-written loss: prediction for (73, 57)")
versus(my_keras_mse, float(p_keras[0]), "MeanSquaredError: prediction for (73, 57)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if aligned.observed["loss object"]:  # measured in your Keras above
    assert np.allclose(p_keras, probe.mean(axis=1), atol=2), p_keras  # learns the mean
assert np.ptp(p_hand) < 0.25 * np.ptp(probe.mean(axis=1)), p_hand  # about the same answer for all
assert np.mean(hand_losses) < 0.75 * expected_64  # below the right answer's 820

# %% [markdown]
# The hand-written loop learned a near-constant: about 47 for every pair. Look at its loss: far
# *below* the 820 that the exact mean would score. Under the broadcast loss, a constant equal to
# the batch average costs Var(m) ≈ 410 per batch of 64, half of what the right answer costs, so
# gradient descent walks away from the right answer. Keras' `MeanSquaredError` object aligns the
# ranks (like a compiled loss) and learns the mean.
#
# ### The article's own experiment: `fit` on targets without `expand_dims`
#
# The article's last generator drops `expand_dims` from the *targets* (it yields `[x], [x_mean]`;
# Keras 3 refuses lists there, lesson 3 measures it, so we yield a tuple) and reports that
# "everything is great at learning … inside Keras, this seems to be correctly reduced to the
# desired dimension". We give `fit` the same seeded batches twice, from the same starting weights:
# once with targets `(64, 1)`, once flattened to `(64,)`.
#
# **Predict:** the `(64,)` run's loss after 100 steps, beside the `(64, 1)` run's (printed below):
# the same, about 820 (broadcast), or something else?

# %%
my_prediction = ...  # your guess: the (64,) run's loss after 100 steps (a number)


# %%
def without_expand_dims(batches):
    """The same batches with the targets' last axis dropped: (64, 1) → (64,), as the article yields them."""
    for x, y in batches:
        yield x, y[:, 0]


start_weights = create_model().get_weights()
target_runs = {}
for name, batches in {
    "targets (64, 1)": mean_batches(seed=7),
    "targets (64,)": without_expand_dims(mean_batches(seed=7)),
}.items():
    net = create_model()
    net.set_weights(start_weights)
    target_runs[name] = net.fit(batches, steps_per_epoch=50, epochs=2, verbose=0).history["loss"]
    print(f"{name:16s} loss after epochs 1, 2: {target_runs[name]}")
versus(my_prediction, target_runs["targets (64,)"][-1], "loss after 100 steps, targets (64,)")
measured["fit on targets (64,), loss after 100 steps (the (64, 1) run: the same)"] = (
    target_runs["targets (64,)"][-1],
    '"everything is great"',
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if aligned.observed["compiled loss"]:  # your Keras aligns a compiled loss's ranks (measured above)
    assert target_runs["targets (64,)"] == target_runs["targets (64, 1)"], target_runs

# %% [markdown]
# The same losses, to the last digit (on every Keras the rank-alignment finding above was
# measured on): `fit` computed the same numbers from both. Where does the
# compiled loss reduce the targets "to the desired dimension"? `compile(loss="mse")` wraps Keras'
# `mean_squared_error` in a `LossFunctionWrapper` (`get_loss` in
# `keras/src/trainers/compile_utils.py`), whose `call` — and `mean_squared_error` itself — first
# passes both tensors through this function of `keras/src/losses/loss.py`:

# %%
from keras.src.losses import loss as keras_loss  # Keras' own code, to read

show_source(keras_loss.squeeze_or_expand_to_same_rank)

# %% [markdown]
# Ranks that differ by one, with a last axis of 1 on the longer: the rank-1 tensor gets that axis
# (`expand_dims`), so `(64,)` targets meet `(64, 1)` predictions as `(64, 1)`. The article's
# Keras 2 trained on such targets too (its words above); its "incomprehensible" 830 came from the
# *predictions* losing their axis, in the `Lambda` of section 6. Keras 3 realigns that case as
# well, but only in its losses: the hand-written metric and loop above are where a missing axis
# still costs you.

# %% [markdown]
# **What to remember.** A prediction of shape `(N,)` against targets of shape `(N, 1)` raises no
# error anywhere. Keras 3's compiled losses forgive it; your metrics, your NumPy evaluations and
# your training loops do not. Check `model.output.shape` (and what `predict` really returns: an
# `output_shape=` declaration is not checked), keep targets and predictions the same shape, and in
# your own code use Keras' loss objects or `keepdims=True`. Lab 2 practises each step, in your own
# copy: [`work/lab02_mean_net/lab02_mean_net.ipynb`](../work/lab02_mean_net/lab02_mean_net.ipynb)
# (`make lab` or `make fetch-lab LAB=lab02_mean_net` makes it; never work in `release/`).
#
# ## Our numbers and the article's

# %%
for what, (ours, article) in measured.items():
    ours_text = f"{ours:.4g}" if isinstance(ours, float) else str(ours)
    print(f"{what:60s} ours {ours_text:>14s}   article {article}")
