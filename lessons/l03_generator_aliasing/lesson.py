# %% [markdown]
# # Lesson 3 — The generator that hands out the same array twice
#
# Lesson 2's net learns the mean of two numbers in three epochs. The article it follows first
# failed: 100 epochs, and the loss sat at about 416 while the net predicted 49.65 for (73, 57),
# whose mean is 65. The model was right; the **data generator** was wrong, in a way no error
# message reports: it refilled one NumPy array in place and yielded that same array every time.
#
# We rebuild the failure in Keras 3 and measure: what the generator really yields, what the
# loss stalls at and why (computed, not guessed), which consumers are hurt — and the surprise
# that Keras 3's own `fit` is, as this notebook runs it, not one of them (and when it is). Predict before each cell, writing your guess in the cell below the question; the numbers
# the text claims are computed and checked by `assert`s with tolerances, in the cells JupyterLab shows collapsed.

# %%
# Takes a while: importing TensorFlow and Keras took 13–45 s on 2 CPU cores.
from pitfalls.predictions import versus
from pitfalls.session import start

session = start(seed=0)  # prints the versions and seed, to quote in a question

# %%
import time
from contextlib import closing

import keras
import matplotlib.pyplot as plt
import numpy as np

from lessons.l03_generator_aliasing import versions  # the version-specific claims, measured
from lessons.l03_generator_aliasing.generators import (
    buffer_at,
    counted,
    microseconds_per_call,
    op_determinism_off,
    pairing_error,
    prefetched,
    share_memory,
    watch_draws,
)
from pitfalls.meannet import running_loss, train_iterator_1
from pitfalls.show import show_source

measured = {}  # our numbers, for the table at the end: {what: (ours, the article's)}


# %% [markdown]
# ## 1. The article's generator
#
# Data: pairs of random integers in [0, 100) drawn with NumPy's global generator (seeded by
# `start(seed=0)`) and their mean — generated here, nothing is downloaded. The generator below is
# the article's, with one change: it yields the tuple `(x, y)` instead of `[x], [y]`. Keras 3's
# `fit` hands a generator to `tf.data.Dataset.from_generator` with an `output_signature` shaped
# like the first batches, and tf.data refuses a Python *list* in an `output_signature` (tuples and
# dicts only) — a list of any length, not only of one element. Measured at the end of this section,
# on your Keras and on the oldest and newest this course allows.


# %%
def train_iterator(batch_size=64):
    x = np.zeros((batch_size, 2))  # one buffer, allocated once
    while True:
        for i in range(batch_size):
            x[i][0] = np.random.randint(0, 100)
            x[i][1] = np.random.randint(0, 100)
        x_mean = (x[::, 0] + x[::, 1]) / 2  # a new array every time
        x_mean_ex = np.expand_dims(x_mean, -1)  # (batch,) → (batch, 1)
        yield x, x_mean_ex


# %% [markdown]
# **Predict:** the article's test — draw two batches of one pair each and print them together.
# What do you expect to see?

# %%
my_same_inputs = ...  # your guess: True or False (are the two printed inputs the same?)
my_same_means = ...  # your guess: True or False (are the two printed means the same?)

# %%
it = train_iterator(batch_size=1)
first, second = next(it), next(it)
print(first, second)
versus(my_same_inputs, np.array_equal(first[0], second[0]), "the same inputs twice")
versus(my_same_means, np.array_equal(first[1], second[1]), "the same means twice")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.array_equal(first[0], second[0])  # the same inputs twice...
assert not np.array_equal(first[1], second[1])  # ...with two different "means"
assert first[0] is second[0] and share_memory(first, second)


# %% [markdown]
# Two identical pairs of inputs with two different means. Nothing printed the first batch
# *before* the second was drawn: `first[0]` and `second[0]` are the same object, the generator's
# one buffer, and drawing batch 2 overwrote the numbers batch 1 was computed from. The mean of
# batch 1 was computed correctly, from numbers that are gone. (The article saw
# `[[44., 2.]] [10.]` and `[[44., 2.]] [23.]`: the same thing.)
#
# `np.shares_memory(a, b)` says whether two arrays overlap in memory; `share_memory` from
# this lesson's `generators.py` applies it to every array of two batches.
#
# The article's own `yield [x], [x_mean_ex]`, for the record:


# %%
def list_batches(batch_size=64, items=1):
    x = np.random.randint(0, 100, size=(batch_size, 2)).astype("float64")
    while True:
        yield [x] * items, [x.mean(axis=1, keepdims=True)] * items


inputs = keras.Input(shape=(2,))
model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
model.compile(loss="mse")
list_errors = {}
for items in (1, 2):  # the article's one-element lists, and two-element ones
    try:
        model.fit(list_batches(items=items), steps_per_epoch=1, epochs=1, verbose=0)
        list_errors[items] = None
    except Exception as exc:
        list_errors[items] = f"{type(exc).__name__}: {str(exc)[:110]}…"
    print(f"lists of {items}: {list_errors[items]}")
lists = versions.LIST_OUTPUTS.check()  # what Keras versions do with it, measured
print("\n", lists, sep="")
list_error = list_errors[1]

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if list_error is not None:  # the complaint is about lists in output_signature, whatever their length
    assert list_errors[2] == list_error and "output_signature" in list_error, list_errors
assert (list_error is None) == (lists.observed["error"] is None)

# %% [markdown]
# The article trains with `model.fit_generator(train_iterator(), steps_per_epoch = 1000, epochs =
# 100, verbose = 1)`: Keras 2's method for generators. Its last versions already warned
# "`Model.fit_generator` is deprecated and will be removed in a future version. Please use
# `Model.fit`, which supports generators." and passed the call on to `fit` (tf.keras 2's
# `tensorflow/python/keras/engine/training.py`).
#
# **Predict:** what does Keras 3 do with the article's line?

# %%
my_prediction = ...  # your guess: "trains", "a warning", or the error you expect

# %%
try:  # the article's call, with 10 steps of 1 epoch instead of 1000 of 100
    model.fit_generator(train_iterator(), steps_per_epoch=10, epochs=1, verbose=0)
    fit_generator_error = None
except Exception as exc:  # an error here would stop the notebook: catch it and show it
    fit_generator_error = f"{type(exc).__name__}: {exc}"
print(fit_generator_error or "trains")
gone = versions.FIT_GENERATOR.check()  # what Keras versions do with it, measured
print(gone)
versus(my_prediction, fit_generator_error or "trains", "model.fit_generator(train_iterator(), …)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert (fit_generator_error is None) == (gone.observed["error"] is None), fit_generator_error
if fit_generator_error is not None:
    assert fit_generator_error.startswith(gone.observed["error"]), fit_generator_error

# %% [markdown]
# Gone: Keras 3's models have no `fit_generator` (3.8.0 and 3.15.1, measured above), so the
# article's line stops at an `AttributeError` before a single batch is drawn. `model.fit(generator, steps_per_epoch=…,
# epochs=…)` takes the same arguments, and the rest of this lesson uses it.

# %% [markdown]
# ## 2. What a model can learn from unpaired data
#
# If the inputs a model sees are not the inputs its targets were computed from, the inputs tell
# it nothing about the targets. The best a model can do then is to predict one constant for
# everything; the constant with the lowest MSE is the average target, and that MSE is the
# variance of the targets.
#
# **Predict:** for a and b uniform integers in [0, 100), the average of (a + b)/2 and its
# variance. (Var of one uniform integer in [0, n) is (n² − 1)/12.)

# %%
my_average = ...  # your guess: a number
my_variance = ...  # your guess: a number

# %%
a, b = np.meshgrid(np.arange(100), np.arange(100))  # all 10 000 pairs, each once: exact
means = (a + b) / 2
plateau = float(means.var())
best_constant = float(means.mean())
print(f"best constant {best_constant}, its MSE = Var((a+b)/2) = {plateau}  (= (100² − 1)/24)")
versus(my_average, best_constant, "average of (a + b)/2")
versus(my_variance, plateau, "its variance")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert best_constant == 49.5 and abs(plateau - 416.625) < 1e-9
assert abs(plateau - (100**2 - 1) / 24) < 1e-9

# %% [markdown]
# 416.625: the article's loss at epochs 98–100 was 415.0, 416.7 and 417.2, and its prediction
# 49.65. The article's net had learned the constant. Training on *these* batches would do the same
# — if whoever reads them reads `x` after the generator has moved on.
#
# ## 3. Does Keras 3's `fit` read them too late?
#
# A cheap instrument answers this without training: a `Dense(1)` layer set to the exact answer
# (kernel 0.5, 0.5, bias 0) and frozen. Its loss in `fit` is then the mean squared difference
# between each target `fit` received and the mean of the inputs it received *with* it: 0 when
# every pair is intact, 2·Var((a+b)/2) = 833.25 when inputs and targets come from unrelated
# batches. The probe lives in `generators.py` beside the queue below (lab 3 reads your batches
# with it too); here is its source:

# %%
show_source(pairing_error)

# %% [markdown]
# **Predict:** the pairing error of `fit` over 100 batches of the article's generator.

# %%
my_pairing_error = ...  # your guess: a number, from 0 (every pair intact) to 833.25 (none)


# %%
def fresh_iterator(batch_size=64):  # fix 1 of the article: allocate x inside the loop
    while True:
        x = np.zeros((batch_size, 2))
        for i in range(batch_size):
            x[i][0] = np.random.randint(0, 100)
            x[i][1] = np.random.randint(0, 100)
        x_mean = (x[::, 0] + x[::, 1]) / 2
        yield x, np.expand_dims(x_mean, -1)


UNPAIRED = 2 * plateau  # 833.25
keras3 = {
    "article's generator": pairing_error(train_iterator()),
    "fresh array per batch": pairing_error(fresh_iterator()),
}
for name, err in keras3.items():
    print(f"Keras 3 fit, {name:24s} pairing error {err:7.2f}  (≈ {err / UNPAIRED:.1%} of batches unpaired)")
drawn = versions.FIT_DRAWS_AHEAD.check()  # how far ahead your Keras' fit draws, measured (next cells)
versus(my_pairing_error, keras3["article's generator"], "pairing error, Keras 3 fit, article's generator")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if drawn.observed["drawn by the end of step 1"] == 2:  # Keras peeks at two, as on every recorded version
    assert keras3["article's generator"] < 0.05 * UNPAIRED  # at most a few batches of 100
assert keras3["fresh array per batch"] < 1e-6

# %% [markdown]
# Almost nothing: the article's generator is harmless in Keras 3's `fit`, as this notebook runs it. Where does the small
# error come from, and why not more? First count what `fit` draws from the generator, step by
# step:

# %%
show_source(watch_draws)  # a callback: after each step, the batches drawn minus the steps done

# %%
batches, draws = counted(train_iterator())
watch = watch_draws(draws)
inputs = keras.Input(shape=(2,))
model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
model.compile(loss="mse", optimizer="rmsprop")
model.fit(batches, steps_per_epoch=50, epochs=1, verbose=0, callbacks=[watch])
print("batches drawn ahead of the training, after steps 1–8:", watch.ahead[:8], "… max", max(watch.ahead))
print(drawn)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert [watch.ahead[0] + 1, max(watch.ahead[1:])] == list(drawn.observed.values())  # as measured

# %% [markdown]
# Keras 3 (on TensorFlow; 3.8.0 to 3.15.1, measured above) draws **two** batches before the first
# step: it peeks at them to learn the shapes and dtypes. Drawing batch 2 overwrote the buffer batch
# 1's `x` lives in — the test of section 1 — so batch 1 reaches the model unpaired: one batch in
# 100, the error above. After that, here, one batch per step.
#
# Why only that one? The rest of the way is in Keras' generator adapter,
# `keras/src/trainers/data_adapters/generator_data_adapter.py`. Its peek keeps the two batches in
# a Python list — the very objects the generator yielded:

# %%
from keras.src.trainers.data_adapters import generator_data_adapter  # Keras' own code, to read

show_source(generator_data_adapter.peek_and_restore)

# %% [markdown]
# and its `get_tf_dataset` hands the peeked batches, chained with the rest of the generator, to
# TensorFlow:
#
# ```python
# ds = tf.data.Dataset.from_generator(get_tf_iterator, output_signature=self._output_signature)
# ds = ds.prefetch(tf.data.AUTOTUNE)
# ```
#
# `tf.data.Dataset.from_generator` turns each yielded array into a tensor when it draws it. Is
# that tensor a copy, safe from later refills?
#
# **Predict:** feed the article's generator to `from_generator` ourselves, take the first batch,
# hold on to it and draw ten more (the buffer is refilled ten times). We try two buffers: one whose
# memory starts on a multiple of 64 bytes, one 8 bytes further (`buffer_at` in `generators.py`).
# Is the first batch still a true pair?

# %%
my_aligned_paired = ...  # your guess: True or False (still a true pair, buffer on a 64-byte boundary?)
my_unaligned_paired = ...  # your guess: True or False (and 8 bytes further?)

# %%
import tensorflow as tf


def one_buffer_iterator(x):  # the article's generator, refilling a buffer we placed
    while True:
        x[:] = np.random.randint(0, 100, size=x.shape)
        yield x, x.mean(axis=1, keepdims=True)


signature = (tf.TensorSpec((64, 2), tf.float64), tf.TensorSpec((64, 1), tf.float64))
held = {}
for offset in (0, 8):
    batches = one_buffer_iterator(buffer_at((64, 2), offset))
    pipeline = iter(
        tf.data.Dataset.from_generator(lambda batches=batches: batches, output_signature=signature)
    )
    first_tensors = next(pipeline)
    later = [next(pipeline) for _ in range(10)]  # the generator refills its buffer each time
    x_first, y_first = (tensor.numpy() for tensor in first_tensors)
    held[offset] = float(np.mean((x_first.mean(axis=1, keepdims=True) - y_first) ** 2))
    print(
        f"buffer {offset} bytes past a 64-byte boundary: the first batch's pairing error {held[offset]:.1f}"
    )
measured["first batch held while 10 more are drawn: aligned / unaligned buffer"] = (
    f"{held[0]:.0f} / {held[8]:.0f}",
    "—",
)
versus(my_aligned_paired, held[0] == 0.0, "first batch still a true pair, aligned buffer")
versus(my_unaligned_paired, held[8] == 0.0, "first batch still a true pair, unaligned buffer")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert held[8] == 0.0 and held[0] > 0.2 * UNPAIRED, held

# %% [markdown]
# It depends on the address. TensorFlow turns a NumPy array into a tensor *without copying* when
# its memory is aligned to 64 bytes, and copies it otherwise: the aligned buffer's tensor **is**
# the buffer, and each refill rewrote the batch we held. Where `np.zeros((64, 2))` puts the
# article's buffer is chance.
#
# So what keeps `fit` safe *in this notebook* is that it uses each batch before drawing the next.
# That too is a setting: `start(seed=0)` turns on TensorFlow's op determinism, for reproducible
# numbers, and with it tf.data does not prefetch a pipeline whose function has stateful ops —
# `from_generator`'s has (point 4 of "Determinism and tf.data" in the docstring of
# `tf.config.experimental.enable_op_determinism`). By default `fit` prefetches.
#
# **Predict:** with op determinism off, how far ahead does `fit` draw, and what is the pairing
# error of the article's generator on each of the two buffers?

# %%
my_ahead = ...  # your guess: how many batches fit draws ahead of the training, at most
my_aligned_error = ...  # your guess: the pairing error on the aligned buffer, 0 to 833.25
my_unaligned_error = ...  # your guess: the pairing error on the unaligned buffer

# %%
with op_determinism_off():  # generators.py: TensorFlow's default, for this cell only
    batches, draws = counted(train_iterator())
    watch_default = watch_draws(draws)
    model.fit(batches, steps_per_epoch=50, epochs=1, verbose=0, callbacks=[watch_default])
    by_default = {offset: pairing_error(one_buffer_iterator(buffer_at((64, 2), offset))) for offset in (0, 8)}
print("batches drawn ahead of the training, after steps 1–8:", watch_default.ahead[:8])
for offset, err in by_default.items():
    print(f"buffer {offset} bytes past a 64-byte boundary: pairing error {err:6.1f}  (unpaired: {UNPAIRED})")
measured["fit without op determinism: pairing error, aligned / unaligned buffer"] = (
    f"{by_default[0]:.0f} / {by_default[8]:.0f}",
    "—",
)
versus(my_ahead, max(watch_default.ahead), "batches drawn ahead of the training, at most")
versus(my_aligned_error, by_default[0], "pairing error, aligned buffer")
versus(my_unaligned_error, by_default[8], "pairing error, unaligned buffer")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if drawn.observed["drawn by the end of step 1"] == 2:  # copied: only the peeked batch is broken
    assert by_default[8] < 0.05 * UNPAIRED, by_default

# %% [markdown]
# By default `fit` reads ahead, and then the unaligned buffer (copied) still loses only the peeked
# pair, while the aligned one (shared) loses every pair that was refilled before its step ran —
# how many depends on timing, so it is shown, not asserted (rerun the cell). The article's bug is
# not gone from Keras 3: it hides behind a memory address and a determinism setting.
#
# The article's Keras 2 was different. Its `fit_generator` ran the generator in a background
# thread that filled a queue of up to `max_queue_size=10` batches — the arrays themselves, not
# copies — while the model trained on the oldest one. `prefetched` in the same `generators.py`
# rebuilds that queue in a few lines (Keras 3's `PyDataset` with `workers > 1` does the same; see
# section 7).
#
# **Predict:** the pairing error of `fit` when the batches come through such a queue.

# %%
my_pairing_error = ...  # your guess: a number, from 0 (every pair intact) to 833.25 (none)

# %%
with closing(prefetched(train_iterator(), size=10)) as queued:
    keras2_like = pairing_error(queued)
with closing(prefetched(fresh_iterator(), size=10)) as queued:
    keras2_like_fresh = pairing_error(queued)
print(
    f"through a queue of 10: article's generator {keras2_like:.1f}, fresh arrays {keras2_like_fresh:.2g}"
    f"   (unpaired: {UNPAIRED})"
)
measured["pairing error, plain Keras 3 fit"] = (keras3["article's generator"], "—")
measured["pairing error, through a queue of 10"] = (keras2_like, "—")
versus(my_pairing_error, keras2_like, "pairing error through a queue of 10, article's generator")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(keras2_like - UNPAIRED) < 0.1 * UNPAIRED, keras2_like
assert keras2_like_fresh < 1e-6

# %% [markdown]
# Through the queue, (almost) every pair is broken: by the time the model reads a batch's `x`,
# the generator has refilled the buffer about ten more times.
#
# ## 4. Training through the queue: the article's failure, measured
#
# Now the real thing, as in the article: the model of lesson 2, RMSprop, 3 epochs of 1000 steps,
# fed through the queue — once by the article's generator, once by the fixed one. The article:
# buggy 1044.1, 713.5, 708.1 (then 415–417 at epochs 98–100); working 648.9, 0.0177, 0.0030. Its
# working run used the generator of section 6, which reuses *both* buffers; ours is fix 1 (a fresh
# `x` per batch), because through a queue the reuse-both generator depends on timing (section 6).
# Lesson 2 trains the article's own working generator in plain `fit`, beside a fresh one from the
# same starting weights: the same curve.
#
# **Predict:** both loss curves.

# %%
my_fixed_loss = ...  # your guess: the loss after epoch 3 with the fixed generator, a number
my_buggy_loss = ...  # your guess: the loss after epoch 3 with the article's generator


# %%
# Takes a while: two runs of 3000 steps through the queue, 27 s on 2 busy CPU cores.
def create_model():
    inputs = keras.Input(shape=(2,), name="x")
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse", optimizer="rmsprop")
    return model


def train(generator, epochs=3, steps=1000):
    keras.utils.set_random_seed(0)
    model, recorder = create_model(), running_loss()
    t0 = time.perf_counter()
    with closing(prefetched(generator, size=10)) as queued:
        history = model.fit(queued, steps_per_epoch=steps, epochs=epochs, verbose=2, callbacks=[recorder])
    return model, history.history["loss"], recorder.per_batch(), (time.perf_counter() - t0) / (epochs * steps)


fixed_model, fixed_loss, fixed_curve, fixed_step = train(fresh_iterator())
buggy_model, buggy_loss, buggy_curve, buggy_step = train(train_iterator())


# %% tags=["readme-figure"]
def smooth(values, width=50):
    return np.convolve(values, np.ones(width) / width, mode="valid")


fig, ax = plt.subplots(figsize=(8, 3.6))
ax.plot(smooth(fixed_curve), label="fixed generator (a fresh x per batch)")
ax.plot(smooth(buggy_curve), label="article's generator (one x buffer)")
ax.axhline(plateau, color="grey", ls=":", lw=1)
ax.text(3000, plateau * 0.8, "Var((a+b)/2) = 416.6", ha="right", va="top", fontsize=8, color="grey")
for epoch in (1000, 2000):
    ax.axvline(epoch, color="lightgrey", lw=0.8)
ax.set_yscale("log"), ax.set_xlabel("training step (through a queue of 10 batches)")
ax.set_ylabel("batch loss (MSE), 50-step average"), ax.legend()
ax.set_title("The same model and optimizer, two generators")
plt.tight_layout()
plt.show()

print("epoch   fixed (article)        buggy (article)")
for e, (f, bl, fa, ba) in enumerate(
    zip(fixed_loss, buggy_loss, [648.9184, 0.0177, 0.0030], [1044.0806, 713.5198, 708.1110]), start=1
):
    print(f"{e}     {f:9.4f} ({fa})   {bl:9.2f} ({ba})")
measured["loss after epoch 3, fixed generator"] = (fixed_loss[-1], "0.0030")
measured["loss after epoch 3, article's generator"] = (buggy_loss[-1], "708.1")
versus(my_fixed_loss, fixed_loss[-1], "loss after epoch 3, fixed generator")
versus(my_buggy_loss, buggy_loss[-1], "loss after epoch 3, article's generator")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert fixed_loss[-1] < 0.01, fixed_loss
assert buggy_loss[-1] > 300, buggy_loss

# %% [markdown]
# The fixed generator converges by epoch 3, like the article's; the article's generator stalls
# far above it. Why at ≈ 740 and not yet at 416.6? The constant 49.5 needs the *bias* to grow to
# 49.5, and RMSprop moves it by about its learning rate, 0.001, per step: after 3000 steps it has
# barely started. Meanwhile the kernel does what it can alone: with the bias at 0, the best
# kernel on unpaired data is w·(a + b) with w = E[a+b]·E[m] / E[(a+b)²], which costs 772.7 — the
# article's 708–713 and our ≈ 740 sit just below it, where a bias of a few units gets you.

# %%
s = (a + b).ravel().astype(float)  # all pairs again, exact expectations
w_alone = s.mean() * means.mean() / np.mean(s**2)
loss_alone = np.mean((w_alone * s - means.ravel().mean()) ** 2) + plateau  # E[(w·s − m)²], m independent of s
kernel, bias = buggy_model.layers[-1].get_weights()
print(
    f"kernel alone: w = {w_alone:.4f}, loss {loss_alone:.1f}; "
    f"our stalled model: kernel {kernel.ravel().round(3)}, bias {bias.round(2)}, epoch-3 loss {buggy_loss[-1]:.1f}"
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(loss_alone - 772.7) < 0.1
assert plateau < buggy_loss[-1] < loss_alone + 20

# %% [markdown]
# ## 5. Where the stall ends
#
# The article needed 97 more epochs to get there; we can compute it. Gradient descent on an MSE
# heads for the least-squares solution of the pairs it is fed. We read 300 batches from the same
# queue, exactly as `fit` would, and solve that least-squares problem.
#
# **Predict:** the kernel, the bias, the loss, and the prediction for (73, 57).

# %%
my_kernel = ...  # your guess: two numbers, e.g. [1.0, 0.0]
my_bias = ...  # your guess: a number
my_loss = ...  # your guess: a number
my_prediction = ...  # your guess: a number

# %%
with closing(prefetched(train_iterator(), size=10)) as queued:
    seen = [tuple(np.array(part) for part in next(queued)) for _ in range(300)]  # copy on receipt
xs = np.concatenate([x for x, _ in seen])
ys = np.concatenate([y for _, y in seen])
design = np.hstack([xs, np.ones((len(xs), 1))])
(w1, w2, c), *_ = np.linalg.lstsq(design, ys[:, 0], rcond=None)
stalled_loss = float(np.mean((design @ [w1, w2, c] - ys[:, 0]) ** 2))
stalled_prediction = 73 * w1 + 57 * w2 + c
print(
    f"least squares on the queue's pairs: kernel ({w1:.4f}, {w2:.4f}), bias {c:.2f}, "
    f"loss {stalled_loss:.1f} (analytic {plateau}), prediction for (73, 57): {stalled_prediction:.2f}"
)
measured["stalled loss (least squares on the pairs fit sees; analytic 416.625)"] = (
    stalled_loss,
    "415.0–417.2",
)
measured["stalled prediction for (73, 57)"] = (stalled_prediction, "49.65")
versus(my_kernel, [round(float(w1), 4), round(float(w2), 4)], "kernel")
versus(my_bias, float(c), "bias")
versus(my_loss, stalled_loss, "loss")
versus(my_prediction, float(stalled_prediction), "prediction for (73, 57)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(w1) < 0.05 and abs(w2) < 0.05
assert abs(stalled_loss - plateau) < 0.04 * plateau, stalled_loss
assert abs(stalled_prediction - best_constant) < 2, stalled_prediction

# %% [markdown]
# A kernel of about 0, a bias of about 49.5: the constant. Its loss is the variance, 416.6
# (the article: 415–417), and it answers ≈ 49.5 for (73, 57) (the article: 49.65). The model
# could not do better: the pairs it was shown had no relation left to learn.
#
# ## 6. The article's variant that "works": reuse *both* buffers
#
# The article's second generator keeps `x` *and* the mean in buffers allocated once, and it
# trained. **Predict:** what do two batches of it look like, printed together?

# %%
my_same_batch = ...  # your guess: True or False (the same batch twice?)
my_true_pair = ...  # your guess: True or False (is each printed mean the mean of its printed x?)

# %%
show_source(train_iterator_1)  # the article's code, kept in pitfalls/meannet.py (lesson 2 trains it)

# %%
it = train_iterator_1(batch_size=1)
first, second = next(it), next(it)
print(first, second)
same_batch = np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
versus(my_same_batch, same_batch, "the same batch twice")
versus(my_true_pair, bool(np.array_equal(first[1][:, 0], first[0].mean(axis=1))), "a true pair")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.array_equal(first[0], second[0]) and np.array_equal(first[1], second[1])
assert np.array_equal(first[1][:, 0], first[0].mean(axis=1))  # consistent: a real pair
assert share_memory(first, second)

# %% [markdown]
# The same batch twice, but a *true* pair: whoever reads `x` and the mean at the same moment reads
# numbers that belong together, however late. That is why it trained. It still aliases: each
# batch is a view of the same two buffers, so nothing that holds on to batches gets what it
# thinks. Measured with the probe:

# %%
both_keras3 = pairing_error(train_iterator_1())
both_queued = []
for _ in range(3):
    with closing(prefetched(train_iterator_1(), size=10)) as queued:
        both_queued.append(pairing_error(queued))
keep = train_iterator_1(batch_size=4)
listed = [next(keep) for _ in range(5)]
distinct = len({batch[0].tobytes() for batch in listed})
print(f"pairing error, plain Keras 3 fit: {both_keras3:.3g}")
print("pairing error through the queue, three runs:", [round(e, 1) for e in both_queued])
print(f"a list of 5 batches holds {distinct} distinct batch(es)")
measured["reuse-both: pairing error, plain Keras 3 / queue (3 runs)"] = (
    f"{both_keras3:.2g} / {', '.join(f'{e:.0f}' for e in both_queued)}",
    "—",
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert both_keras3 < 1e-6
assert distinct == 1

# %% [markdown]
# In Keras 3's `fit` every pair is intact — even the peeked first batch, since `x` and its mean
# were overwritten together. A list of its batches is five times the same batch. Through the queue
# the result depends on timing, so it is shown, not asserted (three runs above; rerun the cell
# and they change): a pair breaks whenever the model reads the buffers while the producer thread
# is half-way through refilling them — a new `x` meets the old mean. (Keras 2's thread slept 50 ms whenever its queue was full, so
# it seldom refilled while the model read: the article's luck.)
#
# ## 7. Who keeps a reference?
#
# The generator's bug needs an accomplice: something that holds a yielded batch while the
# generator runs on. We have met a prefetching queue and Keras' own peek at two batches. Two more:
# a list, and a `PyDataset` with workers.
#
# **A list of batches** — say, to build a fixed validation set. **Predict:** how many distinct
# input rows does it hold?

# %%
my_rows = ...  # your guess: a number of distinct input rows (of 640)

# %%
keep = train_iterator(batch_size=64)
validation = [next(keep) for _ in range(10)]
x_val = np.concatenate([x for x, _ in validation])
y_val = np.concatenate([y for _, y in validation])
rows = len(np.unique(x_val, axis=0))
mismatch = float(np.mean((x_val.mean(axis=1, keepdims=True) - y_val) ** 2))
print(f"{len(x_val)} rows, {rows} distinct input rows; MSE of the exact mean on it: {mismatch:.0f}")
versus(my_rows, rows, "distinct input rows in the list")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert rows <= 64 and mismatch > 0.5 * UNPAIRED

# %% [markdown]
# 640 rows, at most 64 distinct: every `x` in the list is the last batch's. The targets are the
# ten different batches' means, so even the exact formula scores hundreds on this "validation
# set" (on average 833 × 9/10: only the last batch is paired).
#
# ### `keras.utils.PyDataset`: the modern pattern
#
# Keras 3's replacement for generators is a `PyDataset`: `__len__` says how many batches an epoch
# has, `__getitem__(index)` returns batch `index`. With `workers=2` Keras reads it ahead in
# threads — a queue again. **Predict:** the pairing error of a `PyDataset` that refills one
# buffer in `__getitem__`, with one and with two workers; and of one that builds each batch from
# its index.

# %%
my_one_buffer_1 = ...  # your guess: pairing error, one buffer, workers=1 (0 to 833.25)
my_one_buffer_2 = ...  # your guess: pairing error, one buffer, workers=2
my_fresh = ...  # your guess: pairing error, a batch from its index (either number of workers)


# %%
class BufferBatches(keras.utils.PyDataset):
    """Refills one buffer per batch: the article's bug, in a PyDataset."""

    def __init__(self, batches=100, batch_size=64, **kwargs):
        super().__init__(**kwargs)
        self.batches, self.x = batches, np.zeros((batch_size, 2))

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        rng = np.random.default_rng(index)
        self.x[:] = rng.integers(0, 100, size=self.x.shape)
        return self.x, self.x.mean(axis=1, keepdims=True)


class MeanBatches(keras.utils.PyDataset):
    """Batch `index` is made from a generator seeded with `index`: fresh arrays, reproducible, thread-safe."""

    def __init__(self, batches=100, batch_size=64, **kwargs):
        super().__init__(**kwargs)
        self.batches, self.batch_size = batches, batch_size

    def __len__(self):
        return self.batches

    def __getitem__(self, index):
        x = np.random.default_rng(index).integers(0, 100, size=(self.batch_size, 2)).astype("float64")
        return x, x.mean(axis=1, keepdims=True)


py_datasets = {}
for name, cls in [("one buffer", BufferBatches), ("fresh arrays", MeanBatches)]:
    for workers in (1, 2):
        py_datasets[name, workers] = pairing_error(cls(workers=workers))
        print(f"PyDataset, {name:12s} workers={workers}: pairing error {py_datasets[name, workers]:7.2f}")
measured["PyDataset with one buffer, workers=1 / 2: pairing error"] = (
    f"{py_datasets['one buffer', 1]:.2g} / {py_datasets['one buffer', 2]:.0f}",
    "—",
)
workers = versions.PYDATASET_WORKERS.check()  # what Keras versions' workers do, measured
print(workers)
versus(my_one_buffer_1, py_datasets["one buffer", 1], "pairing error, one buffer, workers=1")
versus(my_one_buffer_2, py_datasets["one buffer", 2], "pairing error, one buffer, workers=2")
versus(my_fresh, max(py_datasets["fresh arrays", w] for w in (1, 2)), "pairing error, batch from its index")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
for w in (1, 2):  # the one-buffer dataset, as your Keras was just measured to read it
    paired = workers.observed[f"workers={w}"] == "paired"
    assert (py_datasets["one buffer", w] < 0.05 * UNPAIRED) == paired, (w, py_datasets["one buffer", w])
assert py_datasets["fresh arrays", 1] < 1e-6 and py_datasets["fresh arrays", 2] < 1e-6

# %% [markdown]
# The same rule: one worker reads each batch in time; two workers fill a queue and the buffer
# is overwritten under it. A `PyDataset` that builds a fresh batch from its index is right with
# any number of workers — and, being a function of the index, it can be shuffled and resumed.
#
# ## 8. The two fixes, and what they cost
#
# The article calls both fixes "costly, but correct": (1) allocate `x` inside the loop, (2)
# yield `np.copy(x)`. A third: draw the whole batch with one vectorised call.
#
# **Predict:** each generator's cost per batch, next to the cost of one training step.

# %%
my_article_us = ...  # your guess: µs per batch of the article's generator
my_vectorised_us = ...  # your guess: µs per batch of the vectorised one
my_step_us = ...  # your guess: µs per training step


# %%
def copy_iterator(batch_size=64):  # fix 2 of the article: yield a copy
    x = np.zeros((batch_size, 2))
    while True:
        for i in range(batch_size):
            x[i][0] = np.random.randint(0, 100)
            x[i][1] = np.random.randint(0, 100)
        x_mean = (x[::, 0] + x[::, 1]) / 2
        yield np.copy(x), np.expand_dims(x_mean, -1)


def vectorised_iterator(batch_size=64):  # the better fix: one call per batch, fresh by construction
    while True:
        x = np.random.randint(0, 100, size=(batch_size, 2)).astype("float64")
        yield x, x.mean(axis=1, keepdims=True)


costs = {}
for name, make in [
    ("article's (one buffer)", train_iterator),
    ("fix 1: allocate in the loop", fresh_iterator),
    ("fix 2: np.copy", copy_iterator),
    ("vectorised", vectorised_iterator),
]:
    gen = make()
    costs[name] = microseconds_per_call(lambda gen=gen: next(gen), n=300)
step_us = fixed_step * 1e6
alloc_us = microseconds_per_call(lambda: np.zeros((64, 2)), n=3000)
copy_us = microseconds_per_call(lambda: np.copy(np.empty((64, 2))), n=3000) - microseconds_per_call(
    lambda: np.empty((64, 2)), n=3000
)
for name, us in costs.items():
    print(f"{name:30s} {us:7.1f} µs per batch")
print(
    f"{'one training step':30s} {step_us:7.1f} µs   (allocating x: {alloc_us:.2f} µs, copying it: {max(copy_us, 0):.2f} µs)"
)
article_us = costs["article's (one buffer)"]
measured["µs per batch: article's / vectorised; µs per training step"] = (
    f"{article_us:.0f} / {costs['vectorised']:.0f}; {step_us:.0f}",
    "2–3 ms per step",
)
versus(my_article_us, article_us, "µs per batch, article's generator")
versus(my_vectorised_us, costs["vectorised"], "µs per batch, vectorised")
versus(my_step_us, step_us, "µs per training step")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert alloc_us < 0.01 * step_us and max(copy_us, 0) < 0.01 * step_us  # the fixes cost < 1 % of a step
assert costs["vectorised"] < costs["article's (one buffer)"] / 5

# %% [markdown]
# Neither fix is costly: allocating or copying 64 × 2 floats takes about a microsecond; one
# training step takes a thousand times longer. (Keras 3 itself copies each batch when it casts
# the float64 inputs to float32.) The loop of 128 `randint` calls is what costs, and it is also
# what the vectorised generator removes, making fresh arrays for free.
#
# **What to remember.**
#
# * A generator that yields a buffer it will refill hands out *references*, not batches. It is
#   harmless only while each batch is used before the next is drawn.
# * Keras 3's `fit` on a plain generator loses one pair here (a batch it peeks at), because with op
#   determinism on it uses each batch before drawing the next. By default tf.data prefetches, and
#   its tensor is a copy only when the buffer is not 64-byte aligned: the bug then comes back by
#   chance. A queue or a list that keeps the yielded *objects* — Keras 2's `fit_generator`, a
#   `PyDataset` with `workers > 1`, your own background thread — copies nothing at all. The failure then looks like a model that cannot learn: the loss stalls at
#   the targets' variance and the model predicts their mean.
# * Yield fresh arrays: allocate in the loop, or better, vectorise; in a `PyDataset`, build batch
#   `index` from `index`. Check with `np.shares_memory` on two batches you keep (lab 3 asks you to
#   write that check).
#
# ## Our numbers and the article's

# %%
for what, (ours, article) in measured.items():
    ours_text = f"{ours:.4g}" if isinstance(ours, float) else str(ours)
    print(f"{what:68s} ours {ours_text:>18s}   article {article}")
