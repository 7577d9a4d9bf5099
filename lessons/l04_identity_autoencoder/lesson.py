# %% [markdown]
# # Lesson 4 — The identity autoencoder: "accuracy" 1.0, loss 0.25
#
# This lesson rebuilds, in Keras 3, a blog article (in Russian) that debugs an autoencoder for
# spotting unusual aircraft tracks logged by an ADS-B receiver. The author copies a tutorial
# autoencoder, gets accuracy 0.993 and useless reconstructions, and takes the model apart until
# only an *identity* is left — a model that should copy its input exactly. Even that one reports
# a loss near 0.25. Why, and why "accuracy" said 1.0 all along, is this lesson.
#
# You will predict before every experiment. Write your guess in the cell below each question; the
# experiment after it measures the answer and prints it beside your guess, and an `assert` (in a
# cell JupyterLab shows collapsed) checks every number the text claims.
#
# **Profiles.** The article trains each model for 20 epochs × 100 steps at batch 128 on 64×64
# images: minutes per model on a CPU. The `fast` profile (default) uses 32×32 central crops and
# fewer, larger steps; the `article` profile is the article's setting (for a GPU). Run it with
# papermill: `papermill 04_identity_autoencoder.ipynb out.ipynb -p profile article`.

# %% tags=["parameters"]
profile = "fast"

# %%
# Takes a while: importing TensorFlow and Keras took 13–45 s on 2 CPU cores.
from pitfalls.predictions import versus
from pitfalls.session import start

session = start(seed=0, gpu=profile == "article")  # the article profile is meant for a GPU: use one if any

# %%
import math

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

from lessons.l04_identity_autoencoder import versions  # the version-specific claims, measured
from pitfalls.autoencoder import get_profile, train
from pitfalls.data import flighttracks_tf
from pitfalls.identity import identity_model
from pitfalls.reconstructions import lit_fraction, reproduced_fraction, rows
from pitfalls.show import show_source

P = get_profile(profile)
print("Running the", P)
SIDE, N = P.size, P.size * P.size  # image side, pixels per image
SIGMOID_1 = 1 / (1 + math.exp(-1))  # σ(1), the sigmoid of a lit pixel (1.0)
measured = {}  # our numbers, for the table at the end

# %% [markdown]
# ## The data: 4000 flight tracks
#
# `data/flighttracks/` holds 4000 black 64×64 PNGs with one thin white track each — mostly along
# a few shared airways, some turning, a few circling or off the airways (see its README: the
# images are generated, since no real ADS-B recording can be downloaded here). The pipeline in
# `pitfalls/data/flighttracks_tf.py` loads them as the article did: `list_files` → `read_file`
# → `decode_png` → `convert_image_dtype` (0…255 → 0.0…1.0), every 4th image is a test image,
# and the training images go through cache → shuffle → random shift and flip (Keras
# `RandomTranslation`/`RandomFlip`; the article used the retired `tensorflow_addons`) → repeat →
# batch → prefetch. Each element is a pair `(x, x)`: an autoencoder's target is its input.

# %%
data = flighttracks_tf.load(size=SIDE, batch_size=P.batch_size, seed=0)
# The models below train on the same augmented batches, drawn once and replayed: making an augmented
# batch costs about as much as a training step (the article profile keeps the live stream).
data = flighttracks_tf.recorded(data, steps=P.short_epochs * P.steps_per_epoch)
print(data)
x_eval = np.concatenate([x for x, _ in data.test.as_numpy_iterator()])  # what evaluate() sees
x = x_eval[: P.batch_size]  # one test batch, used throughout
p = lit_fraction(x_eval)
measured["lit fraction p"] = p
print(f"test images evaluated: {len(x_eval)}, shape {x_eval.shape[1:]}, values {np.unique(x_eval)}")
print(f"lit fraction p = {p:.4%} ({p * N:.1f} of {N} pixels per image)")
fig, _ = rows({"tracks": x}, n=8, title="test images")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert set(np.unique(x_eval)) <= {0.0, 1.0}
assert 0.01 < p < 0.04, p

# %% [markdown]
# **An aside on the split.** The article called `list_files(pattern)` with its default
# `shuffle=True`, then kept "every 4th file" as test data.
#
# *Predict:* `list_files` reshuffles the file list on every pass over the dataset. Of the test
# files of the second pass, what fraction were *training* files in the first pass?

# %%
my_fraction = ...  # your guess: a fraction between 0 and 1

# %%
leak = flighttracks_tf.leaky_test_split_overlap(passes=2, seed=None)
measured["test files that were training files (shuffled list_files)"] = leak
print(f"{leak:.1%} of the second pass' test files were training files in the first pass")
versus(my_fraction, leak, "second-pass test files that were training files")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(leak - 0.75) < 0.05, leak

# %% [markdown]
# About 3 in 4 — what a fresh random quarter gives. The article cached the *training* images on
# the first pass, but its validation set was re-drawn on every pass, so three quarters of it were
# images the model had trained on. Our pipeline lists the files with `shuffle=False` (sorted) and
# shuffles only the training images.

# %% [markdown]
# ## 1. The tutorial autoencoder
#
# The Keras tutorial's flat autoencoder, as the article adapted it: flatten, a Dense bottleneck of
# one tenth of the pixels (relu), a Dense layer of all pixels (sigmoid), reshape back; MSE loss,
# Adam, `metrics=["accuracy"]`.
#
# *Predict:* after training, what will "accuracy" say, and what will the reconstructions look like?

# %%
my_accuracy = ...  # your guess: a number between 0 and 1
my_lit_shown = ...  # your guess: the share of lit pixels the reconstructions show, 0 to 1

# %%
# Takes a while: trains the tutorial autoencoder, 7–16 s on 2 busy CPU cores.
keras.utils.set_random_seed(0)
tutorial = keras.Sequential(
    [
        keras.Input(shape=(SIDE, SIDE, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(N // 10, activation="relu"),
        keras.layers.Dense(N, activation="sigmoid"),
        keras.layers.Reshape((SIDE, SIDE, 1)),
    ],
    name="tutorial",
)
tutorial.compile(optimizer=keras.optimizers.Adam(P.learning_rate), loss="mse", metrics=["accuracy"])
run = train(tutorial, data, P, epochs=P.short_epochs, name="tutorial autoencoder")
for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
    print(f"{key:>13}: " + "  ".join(f"{v:.4f}" for v in run.history[key]))
recon = tutorial.predict(x, verbose=0)
shown = reproduced_fraction(x, recon)
measured["tutorial: accuracy"] = run.last("val_accuracy")
measured["tutorial: loss"] = run.last("val_loss")
measured["tutorial: lit pixels reproduced"] = shown
print(
    f"test accuracy {run.last('val_accuracy'):.4f}; test loss {run.last('val_loss'):.4f}; an all-black "
    f"answer would score loss p = {p:.4f} and accuracy 1 - p = {1 - p:.4f}"
)
print(f"lit pixels the reconstruction shows (> 0.5): {shown:.1%}")
fig, _ = rows({"original": x, "reconstruction": recon}, title="tutorial autoencoder")
versus(my_accuracy, run.last("val_accuracy"), "test accuracy")
versus(my_lit_shown, shown, "lit pixels the reconstructions show")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert run.last("val_accuracy") > 0.95
assert run.last("val_loss") > 0.5 * p and shown < 0.5, (run.last("val_loss"), shown)

# %% [markdown]
# "Accuracy" above 0.95 (the article: 0.993), while the reconstructions miss most of each track.
# The loss settles near `p`, the loss of an all-black picture: the model has learnt that almost
# every pixel is black. Before we ask what "accuracy" counts, we split the model into pieces and
# test each on its own.
#
# ## 2. Split the problem
#
# **A no-op model.** Flatten then reshape, nothing in between. If its output is not the input,
# the bug is in the reshaping or in the plotting.

# %%
noop = keras.Sequential(
    [keras.Input(shape=(SIDE, SIDE, 1)), keras.layers.Flatten(), keras.layers.Reshape((SIDE, SIDE, 1))],
    name="noop",
)
out = noop.predict(x, verbose=0)
print("the no-op model returns its input exactly; the plotting works:")
fig, _ = rows({"original": x, "no-op": out}, title="Flatten → Reshape")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.array_equal(out, x)

# %% [markdown]
# **One Dense layer of input size.** No bottleneck: nothing forces it to compress, so it could
# learn to pass the picture through.
#
# *Predict:* will it learn the identity in the same number of steps?

# %%
my_lit_shown = ...  # your guess: the share of lit pixels it reproduces, 0 to 1 (1: it learnt the identity)

# %%
# Takes a while: trains the one-Dense model, 12 s on 2 busy CPU cores.
keras.utils.set_random_seed(0)
single = keras.Sequential(
    [
        keras.Input(shape=(SIDE, SIDE, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(N, activation="sigmoid"),
        keras.layers.Reshape((SIDE, SIDE, 1)),
    ],
    name="single_dense",
)
single.compile(optimizer=keras.optimizers.Adam(P.learning_rate), loss="mse", metrics=["accuracy"])
run_single = train(single, data, P, epochs=P.short_epochs, name="one Dense layer")
recon_single = single.predict(x, verbose=0)
shown_single = reproduced_fraction(x, recon_single)
measured["one Dense: accuracy"] = run_single.last("val_accuracy")
measured["one Dense: loss"] = run_single.last("val_loss")
print(
    f"test accuracy {run_single.last('val_accuracy'):.4f}, test loss {run_single.last('val_loss'):.4f}, "
    f"lit pixels shown {shown_single:.1%}"
)
fig, _ = rows({"original": x, "one Dense": recon_single}, title="one Dense layer, trained")
versus(my_lit_shown, shown_single, "lit pixels the one-Dense model reproduces")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert run_single.last("val_accuracy") > 0.95
assert run_single.last("val_loss") > 0.1 * p, run_single.last("val_loss")

# %% [markdown]
# High "accuracy" again (the article: 0.995) and a loss far from 0 — for a model that only has
# to copy. So let us *give* it the answer.
#
# **The exact identity.** A Dense layer computes `activation(x @ kernel + bias)`. With no bias
# and the identity matrix as kernel (`Identity()` — not a matrix of ones!), it computes
# `activation(x)`. No training needed. The explorers below draw this very model's predictions and
# lab 4 evaluates it, so it is written once, in `pitfalls/identity.py`; here is its source:

# %%
show_source(identity_model)

# %% [markdown]
# *Predict:* what does this model output for a black pixel (0.0) and for a lit one (1.0)?

# %%
my_black = ...  # your guess: a number
my_lit = ...  # your guess: a number

# %%
identity = identity_model(SIDE, learning_rate=P.learning_rate)
y = identity.predict(x, verbose=0)
image = int(np.argmax(x.sum(axis=(1, 2, 3))))  # the test image with the longest track
row = int(np.argmax(x[image, :, :, 0].sum(axis=1)))  # its row with the most lit pixels
np.set_printoptions(precision=7, linewidth=100)
print(f"row {row} of test image {image}, input:\n{x[image, row, :, 0]}\noutput:\n{y[image, row, :, 0]}")
values = np.unique(y)
print("every value the model outputs on the batch:", values)
measured["identity: black pixel"], measured["identity: lit pixel"] = float(values[0]), float(values[1])
versus(my_black, float(values[0]), "output for a black pixel")
versus(my_lit, float(values[-1]), "output for a lit pixel")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.allclose(values, [0.5, SIGMOID_1], atol=1e-6), values
assert x[image, row].sum() >= 2, (image, row)

# %% [markdown]
# 0.5 for black, σ(1) = 0.7310586 for lit — exactly the article's row. The sigmoid squashes
# `x @ I = x` into (0, 1): σ(0) = 0.5 and σ(1) = 0.731. Then why did the article's pictures
# of this model look perfect? Here is the same output drawn twice:

# %%
fig, _ = rows({"original": x, "identity (auto)": y}, title="identity-sigmoid model", fixed_scale=False)
fig, _ = rows({"original": x, "identity (0…1)": y}, title="identity-sigmoid model", fixed_scale=True)

# %% [markdown]
# `plt.imshow` maps an image's lowest value to black and its highest to white unless told
# otherwise (its `norm` defaults to a `Normalize()` that takes the data's min and max). On the
# top row, 0.5 became black and 0.731 white: a perfect-looking copy. The fix is one argument,
# `vmin=0, vmax=1` (or `norm=matplotlib.colors.Normalize(0, 1)`). Side by side, and checked on the
# `AxesImage` objects themselves:

# %%
fig, (left, right) = plt.subplots(1, 2, figsize=(6, 3.2))
auto = left.imshow(y[image, :, :, 0], cmap="gray")
fixed = right.imshow(y[image, :, :, 0], cmap="gray", vmin=0, vmax=1)
left.set_title(f"imshow default\nblack={auto.norm.vmin:.3f}, white={auto.norm.vmax:.3f}", fontsize=9)
right.set_title(f"vmin=0, vmax=1\nblack={fixed.norm.vmin:.0f}, white={fixed.norm.vmax:.0f}", fontsize=9)
fig.tight_layout()
print("default norm:", auto.norm.vmin, auto.norm.vmax, "| fixed norm:", fixed.norm.vmin, fixed.norm.vmax)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(auto.norm.vmin - 0.5) < 1e-6 and abs(auto.norm.vmax - SIGMOID_1) < 1e-6
assert (fixed.norm.vmin, fixed.norm.vmax) == (0, 1)

# %% [markdown]
# **Try it.** Move the vmin/vmax sliders: the same reconstruction of test image `image`, with imshow's automatic scale and with a fixed one (the image slider walks through this test batch).

# %%
from pitfalls.widgets import imshow_scale_explorer

imshow_scale_explorer(image, images=x, predictions=y)  # this lesson's test batch and the model's output

# %% [markdown]
# ## 3. The loss it reports
#
# *Predict:* this model outputs 0.5 for every black pixel and σ(1) = 0.731 for every lit one. With a
# fraction `p` of lit pixels, what MSE does `evaluate` report? Work it out as a function of `p`
# and write it in the cell below (an expression in `p`, computed above, is fine) before the
# experiment writes it down.

# %%
my_mse = ...  # your guess: a number, or an expression in p

# %%
predicted = 0.25 * (1 - p) + (1 - SIGMOID_1) ** 2 * p
evaluated = identity.evaluate(data.test, verbose=0, return_dict=True)
measured["identity: predicted MSE"], measured["identity: evaluate MSE"] = predicted, evaluated["loss"]
measured["identity: evaluate accuracy"] = evaluated["accuracy"]
print(f"predicted from p = {p:.5f}: {predicted:.5f}")
print(f"model.evaluate:            {evaluated['loss']:.5f}   accuracy {evaluated['accuracy']}")
article_p = (0.25 - 0.2488) / (0.25 - (1 - SIGMOID_1) ** 2)
mse_at_2_percent = 0.25 * (1 - 0.02) + (1 - SIGMOID_1) ** 2 * 0.02
print(f"the article's 0.2488 corresponds to p = {article_p:.2%} in its own data")
print(f'the article\'s own "about 2 % lit" would give an MSE of {mse_at_2_percent:.4f}, not 0.2488')
versus(my_mse, evaluated["loss"], "the MSE evaluate reports")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(predicted - evaluated["loss"]) < 2e-5, (predicted, evaluated)
assert evaluated["accuracy"] == 1.0
assert abs(article_p - 0.0068) < 0.0005
assert abs(mse_at_2_percent - 0.2464) < 0.0001

# %% [markdown]
# A black pixel costs `(0 − 0.5)² = 0.25`, a lit one `(1 − σ(1))² = 0.0723`, so
#
# $$\text{MSE} = 0.25\,(1-p) + (1-\sigma(1))^2\,p ,$$
#
# which is what `evaluate` reports, to five decimals. The loss is near 0.25 because almost every
# pixel is black and the model answers 0.5 there.
#
# The article measured 0.2488. Back-solved through the same formula, its images had p ≈ 0.68 % lit
# pixels — which contradicts its own description of the data, "about 2 % of the points of a 64×64
# picture are filled": at 2 % the formula gives 0.2464 (computed above). Either the 2 % was a rough
# guess, or the images it evaluated on were sparser than the ones it described; the loss says
# 0.68 %.

# %% [markdown]
# **Try it.** σ(w·x + b) for the identity model's weight and bias: what a black and a lit pixel come out as, and the MSE that follows for a lit fraction (it starts at this lesson's `p`).

# %%
from pitfalls.widgets import sigmoid_explorer

sigmoid_explorer(lit_fraction=p)  # the lit fraction of this lesson's test images

# %% [markdown]
# **A Keras 3 trap on the way.** The article evaluated on
# `val.map(...).batch(128, drop_remainder=True)`. After `filter` (the every-4th split) the number
# of batches is unknown to TensorFlow. Keras then counts one step too many in `evaluate` (and in
# `fit`'s validation), reported as keras-team/keras#23084: measured on Keras 3.8.0 and 3.15.1, the
# oldest and newest this course allows. Whether *your* Keras does is measured first below, on a
# tiny model, so this cell holds wherever Keras fixes it. Our pipeline states the number of
# batches with `assert_cardinality`.
#
# *Predict:* with 7 full batches, what does the article's pipeline report for the same model?

# %%
my_loss = ...  # your guess: the loss it reports, a number
my_accuracy = ...  # your guess: the accuracy it reports, a number

# %%
extra_step = versions.UNKNOWN_LENGTH_EVALUATE.check()  # measured now, in your Keras
print(extra_step, end="\n\n")
article_val = flighttracks_tf.prepare_for_evaluation(data.test_images, P.batch_size)  # no length
diluted = identity.evaluate(article_val, verbose=0, return_dict=True)
batches = len(x_eval) // P.batch_size
counted = batches + extra_step.observed["steps_counted"] - extra_step.observed["batches"]  # your Keras
print(
    f"article's pipeline: loss {diluted['loss']:.5f}, accuracy {diluted['accuracy']:.4f}; "
    f"ours: {evaluated['loss']:.5f}, {evaluated['accuracy']:.4f}"
)
print(f"ratio {diluted['loss'] / evaluated['loss']:.4f} = {batches}/{counted} = {batches / counted:.4f}")
measured["evaluate on a dataset of unknown length / true"] = diluted["loss"] / evaluated["loss"]
versus(my_loss, diluted["loss"], "loss on the article's pipeline")
versus(my_accuracy, diluted["accuracy"], "accuracy on the article's pipeline")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(diluted["loss"] / evaluated["loss"] - batches / counted) < 1e-3, (diluted, evaluated, extra_step)
assert abs(diluted["accuracy"] - batches / counted) < 1e-6

# %% [markdown]
# With the extra step both numbers are 7/8 of the truth: an accuracy of 7/8 = 0.875 on a model
# that gets every thresholded pixel right. (The article's Keras 2 printed `8/Unknown` steps and the
# right values.)
#
# **Training from the perfect start.** The article then trained the identity model.
#
# *Predict:* it starts at "accuracy" 1.0. Where does accuracy go while the loss falls?

# %%
my_accuracy = ...  # your guess: the training "accuracy" of the last epoch, a number

# %%
keras.utils.set_random_seed(0)
identity_trained = identity_model(SIDE, learning_rate=P.learning_rate)
run_id = train(identity_trained, data, P, epochs=P.identity_epochs, name="identity, trained")
for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
    print(f"{key:>13}: " + "  ".join(f"{v:.4f}" for v in run_id.history[key]))
measured["identity trained: loss after 1 epoch"] = run_id.history["loss"][0]
measured["identity trained: accuracy after 1 epoch"] = run_id.history["accuracy"][0]
versus(my_accuracy, run_id.history["accuracy"][-1], 'training "accuracy", last epoch')

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert run_id.history["loss"][-1] < 0.5 * predicted
assert (
    run_id.last("val_accuracy") < 1.0
    and run_id.history["accuracy"][-1] < run_id.history["accuracy"][0] + 1e-9
)

# %% [markdown]
# The loss falls fast — the weights learn to push black pixels below 0.5 — while "accuracy"
# *drops* below 1.0 (the article: loss 0.159 → 0.046 and accuracy 0.999 → 0.996 in 5 epochs). A
# perfect model got worse by the metric and better by the loss.
#
# **What training moved.** The article also says that training the identity *without* an
# activation "leads nowhere, since the loss is 0.0". Measured first: ten training steps of that
# model.
#
# *Predict:* how many of its 1024² weights do ten steps of Adam change?

# %%
my_prediction = ...  # your guess: a number of weights

# %%
linear = identity_model(SIDE, activation=None, learning_rate=P.learning_rate)
kernel_before = np.array(linear.layers[1].kernel)
linear_run = linear.fit(data.train, epochs=1, steps_per_epoch=10, verbose=0).history
changed = int(np.sum(np.array(linear.layers[1].kernel) != kernel_before))
versus(my_prediction, changed, f"weights changed by 10 steps (loss {linear_run['loss'][0]})")
measured["linear identity: weights changed by training"] = changed

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert changed == 0 and linear_run["loss"][0] == 0.0

# %% [markdown]
# Not one, bit for bit. `x @ I` is exactly `x` in floating point, so the MSE and its gradient
# `2(ŷ − y)/n` are exactly 0, and Adam's step (`keras/src/optimizers/adam.py`, `update_step`:
# `lr · m / (√v + ε)`, with `m` and `v` running averages of the gradient and its square) is
# exactly `0 / ε = 0`. The sigmoid model above did move. Its kernel was the identity too; the
# diagonal holds the 1024 weights from a pixel to itself, the rest the weights from every pixel
# to every other.
#
# *Predict:* what share of the off-diagonal weights went *down*?

# %%
my_prediction = ...  # your guess: a share, 0…1

# %%
moved = np.array(identity_trained.layers[1].kernel) - np.eye(N, dtype="float32")
diagonal, off_diagonal = np.diag(moved), moved[~np.eye(N, dtype=bool)]
trained_steps = P.identity_epochs * P.steps_per_epoch
versus(my_prediction, float(np.mean(off_diagonal < 0)), "share of the off-diagonal weights that went down")
print(
    f"diagonal: median change {np.median(diagonal):+.3f}; off-diagonal: median {np.median(off_diagonal):+.3f}; "
    f"largest change {np.abs(moved).max():.3f} (steps × learning rate = {trained_steps * P.learning_rate:.3f})"
)
y_trained = identity_trained.predict(x, verbose=0).reshape(len(x), -1)
z_trained = x.reshape(len(x), -1) @ np.array(identity_trained.layers[1].kernel)  # the logits
lit_px = x.reshape(len(x), -1) > 0.5
print(
    f"median logit: black pixels {np.median(z_trained[~lit_px]):+.2f}, lit pixels {np.median(z_trained[lit_px]):+.2f}; "
    f"{np.mean(y_trained[lit_px] <= 0.5):.0%} of the lit pixels now come out ≤ 0.5, "
    f"{np.mean(y_trained[~lit_px] > 0.5):.3%} of the black ones > 0.5"
)
blank = identity_trained.predict(np.zeros((1, SIDE, SIDE, 1), "float32"), verbose=0)
print("an all-black image still comes out as", np.unique(blank))
before, after = identity.predict(x, verbose=0).reshape(len(x), -1), y_trained
for name, q in (("before", before), ("after", after)):
    black_part, lit_part = np.sum((q * ~lit_px) ** 2) / q.size, np.sum(((1 - q) * lit_px) ** 2) / q.size
    print(f"MSE {name} training = black pixels {black_part:.4f} + lit pixels {lit_part:.4f}")
    measured[f"identity trained: MSE from black pixels, {name}"] = black_part
measured["identity trained: share of off-diagonal weights that went down"] = float(np.mean(off_diagonal < 0))

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.mean(off_diagonal < 0) > 0.9 and np.median(diagonal) > 0
assert np.median(z_trained[~lit_px]) < -1 and np.mean(y_trained[lit_px] <= 0.5) > 0.2
assert np.all(blank == 0.5)
assert 0.5 * trained_steps * P.learning_rate < np.abs(moved).max() <= 1.05 * trained_steps * P.learning_rate
assert (
    measured["identity trained: MSE from black pixels, after"]
    < 0.5 * measured["identity trained: MSE from black pixels, before"]
)

# %% [markdown]
# Almost every weight from one pixel to another went down, while the diagonal went up. Why: without
# a bias, a pixel's logit is the sum of the weights coming from the image's *lit* pixels (`x @
# kernel`, and `x` is 0 elsewhere). The gradient reaches only those weights, and on a black pixel it
# says "lower". Each weight moves by about one learning rate per step at most (Adam's `m / √v` is at
# most about 1 while the gradient keeps its sign), which is why the largest change is close to steps
# × learning rate. A black pixel receives a negative weight from every lit pixel of its image, its
# logit goes well below 0 and its error shrinks; a lit pixel receives the same negative weights from
# the *other* lit pixels of its track, which outweigh its own diagonal weight, and it sinks below
# 0.5 too — so the thresholded "accuracy" falls. The MSE weighs a share 1 − p of black pixels
# against p lit ones: the black pixels' part of the loss fell far more than the lit pixels' part
# rose. An all-black image gets σ(0) = 0.5 everywhere, whatever the weights.
#
# So what does "accuracy" count?
#
# ## 4. What `"accuracy"` means
#
# `compile(metrics=["accuracy"])` is a string; Keras picks a metric object for it when it first
# sees targets and predictions. Here is the rule, from Keras 3's own source (a private module,
# `keras.src.trainers.compile_utils`, so `versions.metric_rule_source` says so if your Keras moved it):

# %%
rule = versions.metric_rule()  # Keras' own functions, or None if this Keras moved them
if rule:
    show_source(rule[0])
    show_source(rule[1], max_lines=22)  # up to the choice of the accuracy metric
else:
    print(versions.metric_rule_source())

# %% [markdown]
# The last axis of our output is 1 (`(side, side, 1)`), so the string becomes `BinaryAccuracy`,
# which thresholds predictions at 0.5. Asked from the compiled models themselves:

# %%
resolution = versions.ACCURACY_STRING.check()  # measured now, in your Keras, on tiny models
print(resolution, end="\n\n")
resolved = versions.accuracy_metric_class(identity)
flat = keras.Sequential(
    [
        keras.Input(shape=(N,)),
        keras.layers.Dense(
            N, activation="sigmoid", use_bias=False, kernel_initializer=keras.initializers.Identity()
        ),
    ]
)
flat.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
flat_scores = flat.evaluate(x.reshape(len(x), -1), x.reshape(len(x), -1), verbose=0, return_dict=True)
flat_resolved = versions.accuracy_metric_class(flat)
print(f"output (None, {SIDE}, {SIDE}, 1): 'accuracy' → {resolved}")
print(
    f"output (None, {N}) without the Reshape: 'accuracy' → {flat_resolved}, value {flat_scores['accuracy']}"
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert [resolved, flat_resolved] == list(resolution.observed.values())  # as your Keras resolves it

# %% [markdown]
# The same identity model with a flat output gets `CategoricalAccuracy` — "is the largest output
# at the same place as the largest target?" — a different question altogether. The rule is not
# new in Keras 3: the lines the article quotes from tf.keras 2's `compile_utils.py` pick
# `binary_accuracy` when the last axis is 1, `sparse_categorical_accuracy` when the targets have
# one axis fewer or a last axis of 1 against a wider output, `categorical_accuracy` otherwise —
# the same choice. Now both metric objects on one batch:
#
# *Predict:* `BinaryAccuracy` and `Accuracy` (exact equality) on the identity model's output?

# %%
my_binary = ...  # your guess: BinaryAccuracy, a number between 0 and 1
my_exact = ...  # your guess: Accuracy, a number between 0 and 1

# %%
binary = keras.metrics.BinaryAccuracy()
binary.update_state(x, y)
exact = keras.metrics.Accuracy()
exact.update_state(x, y)
strict = keras.metrics.BinaryAccuracy(threshold=0.75)
strict.update_state(x, y)
p_batch = lit_fraction(x)
measured["BinaryAccuracy on the identity output"] = float(binary.result())
measured["Accuracy on the identity output"] = float(exact.result())
print(f"BinaryAccuracy (threshold 0.5): {float(binary.result())}")
print(f"Accuracy (exact equality):      {float(exact.result())}")
print(
    f"BinaryAccuracy(threshold=0.75): {float(strict.result()):.4f} = 1 - p of this batch ({1 - p_batch:.4f})"
)
versus(my_binary, float(binary.result()), "BinaryAccuracy")
versus(my_exact, float(exact.result()), "Accuracy")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert float(binary.result()) == 1.0 and float(exact.result()) == 0.0
assert abs(float(strict.result()) - (1 - p_batch)) < 1e-5

# %% [markdown]
# 1.0 and 0.0 on the same numbers, as in the article. `BinaryAccuracy` counts 0.731 as "1" and 0.5
# as "0" (strictly above the threshold is 1), so the identity-sigmoid model scores a perfect 1.0
# while not one output equals its target. Raise the threshold above 0.731 and every output
# becomes "0": the score is then the fraction of black pixels. A metric is an opinion; the loss is
# what training minimises.
#
# **Try it.** Move the binary-accuracy threshold over the identity-sigmoid model's predictions `y` on this test batch: 1.0 while 0.5 ≤ t < σ(1), collapsing outside; plain `Accuracy` beside it.

# %%
from pitfalls.widgets import threshold_explorer

threshold_explorer(image=image, images=x, predictions=y)

# %% [markdown]
# ## 5. Losses by hand: MSE, binary cross-entropy, logits
#
# **MSE** is the mean of squared differences:

# %%
mse_hand = np.mean((x - y) ** 2)
mse_keras = float(keras.losses.MeanSquaredError()(x, y))
print(f"by hand {mse_hand:.6f}, Keras {mse_keras:.6f}")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(mse_hand - mse_keras) < 1e-6

# %% [markdown]
# **Binary cross-entropy** scores a predicted probability `q` of "lit" against the truth `t`:
# `-(t·ln q + (1 − t)·ln(1 − q))`, averaged over pixels. It is the negative log-likelihood of the
# true picture under the model's per-pixel coin flips, in nats (natural logarithms).
#
# *Predict:* what is it for the identity-sigmoid model, with black pixels at 0.5 and lit at σ(1)?
# (`-ln 0.5 = 0.693`, `-ln σ(1) = 0.313`.)

# %%
my_bce = ...  # your guess: a number (or an expression in p)


# %%
def bce_by_hand(t, q):
    return float(np.mean(-(t * np.log(q) + (1 - t) * np.log(1 - q))))


predicted_bce = (1 - p_batch) * math.log(2) + p_batch * -math.log(SIGMOID_1)
bce_hand = bce_by_hand(x, y)
bce_keras = float(keras.losses.BinaryCrossentropy()(x, y))
print(f"predicted {predicted_bce:.5f}, by hand {bce_hand:.5f}, Keras {bce_keras:.5f}")
measured["identity: binary cross-entropy"] = bce_keras
versus(my_bce, bce_keras, "binary cross-entropy of the identity-sigmoid model")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(bce_hand - predicted_bce) < 1e-5 and abs(bce_keras - bce_hand) < 1e-5

# %% [markdown]
# **The article's "extra bits".** Its simpler reading of cross-entropy (in our translation): it
# "shows how many extra bits are needed to express the sample in terms of the original model" (nats
# with natural logarithms, bits with log₂). The *extra* bits have a name, the Kullback–Leibler
# divergence: per observation (here: per pixel, a two-outcome distribution `(t, 1 − t)` against
# `(q, 1 − q)`),
#
# $$H(t, q) = H(t) + \mathrm{KL}(t\,\|\,q),$$
#
# the cost of the data itself (its entropy `H(t)`) plus the extra cost of coding it with the model's
# `q` instead of the truth. With targets that are exactly 0 or 1, `H(t) = 0`, and cross-entropy *is*
# the extra cost. With soft targets it is not.
#
# *Predict:* binary cross-entropy of a *perfect* prediction of soft targets, `q = t = 0.3`?

# %%
my_prediction = ...  # your guess: a number of nats (0 if cross-entropy only counts the extra cost)

# %%
soft = np.full((1, 1), 0.3, "float32")
perfect_soft = float(keras.losses.BinaryCrossentropy()(soft, soft))
versus(my_prediction, perfect_soft, "binary cross-entropy of q = t = 0.3, in nats")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(perfect_soft - (-(0.3 * math.log(0.3) + 0.7 * math.log(0.7)))) < 1e-5

# %% [markdown]
# 0.611 nats — the entropy of a 0.3 coin — for a prediction that cannot be improved. Now the identity
# in numbers, per observation: soft targets `t` drawn at random, the identity model's outputs `y`
# as `q`, each pixel one observation. Keras' two losses normalise differently
# (`keras/src/losses/losses.py`): `binary_crossentropy` takes the **mean** over the last axis, and
# `kl_divergence` the **sum** over it. So the pixel gets a last axis of size 1 for the first, and
# its two outcomes `(t, 1 − t)` as the last axis for the second: both then give one number per pixel.

# %%
t_soft = np.random.default_rng(0).uniform(0.05, 0.95, size=y.shape).astype("float32")
ce = np.asarray(keras.losses.binary_crossentropy(t_soft, y))  # mean over a last axis of size 1
two_outcomes = lambda v: np.concatenate([v, 1 - v], axis=-1)  # noqa: E731  (t, 1 − t) per pixel
kl = np.asarray(keras.losses.kl_divergence(two_outcomes(t_soft), two_outcomes(y)))  # sum over them
entropy = -(t_soft * np.log(t_soft) + (1 - t_soft) * np.log(1 - t_soft))[..., 0]
print(f"per pixel: cross-entropy {ce.shape}, KL {kl.shape}, entropy {entropy.shape}")
print(
    f"largest |cross-entropy − entropy − KL| over {ce.size} pixels: {np.abs(ce - entropy - kl).max():.1e} nats"
)
print(
    f"means: cross-entropy {ce.mean():.4f} = entropy {entropy.mean():.4f} + KL {kl.mean():.4f} nats per pixel"
)
kl_binary = float(np.mean(keras.losses.kl_divergence(two_outcomes(x), two_outcomes(y))))
print(
    f"with the 0/1 images as targets: KL {kl_binary:.4f} = cross-entropy {bce_keras:.4f} nats per pixel "
    f"= {bce_keras / math.log(2):.3f} bits"
)
measured["identity: KL from the 0/1 images (nats per pixel)"] = kl_binary
one_sided = float(np.mean(keras.losses.kl_divergence(t_soft, y)))  # no (t, 1 − t) axis
print(f"kl_divergence(t, q) without the two-outcome axis: {one_sided:.4f}, not {kl.mean():.4f}")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert ce.shape == kl.shape == entropy.shape == y.shape[:-1]
assert np.allclose(ce - entropy, kl, atol=1e-5)
assert abs(kl_binary - bce_keras) < 1e-4 and 0.9 < bce_keras / math.log(2) < 1
assert abs(one_sided - kl.mean()) > 0.01

# %% [markdown]
# Cross-entropy minus entropy equals KL pixel by pixel, to float32 rounding, and so do their means
# over the pixels (what the loss objects report). With the 0/1 images as targets the entropy is 0
# and the article's "extra bits" is the whole cross-entropy: the identity-sigmoid model spends
# almost one extra bit per pixel. Without the two-outcome axis, `kl_divergence` sums only
# `t·ln(t/q)` over a last axis of size 1 — half of the formula, not the divergence of the pixel's
# two outcomes.

# %% [markdown]
# **Logits and log-odds.** The raw output of a layer before the sigmoid is called a *logit*: the
# log of the odds `q / (1 − q)`. Odds are lopsided — a 1-to-2 team has odds 0.5, a 2-to-1 team 2,
# 1-to-100 is 0.01 and 100-to-1 is 100 — and the logarithm makes them symmetric around 0. The
# sigmoid turns log-odds back into a probability.

# %%
probabilities = {}
for odds in (1 / 2, 2, 1 / 100, 100):
    log_odds = math.log(odds)
    prob = probabilities[odds] = float(keras.activations.sigmoid(np.float32(log_odds)))
    print(f"odds {odds:>7.2f}: log-odds {log_odds:+.2f}, sigmoid → probability {prob:.4f} = odds/(1+odds)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert all(abs(prob - odds / (1 + odds)) < 1e-6 for odds, prob in probabilities.items())
assert abs(math.log(1 / 2) + 0.69) < 0.01 and abs(math.log(100) - 4.6) < 0.01

# %% [markdown]
# Our identity model's logits are its inputs (kernel I, no bias), so cross-entropy from logits
# must give the same number:

# %%
bce_logits = float(keras.losses.BinaryCrossentropy(from_logits=True)(x, x))
print(f"from probabilities {bce_keras:.6f}, from logits {bce_logits:.6f}")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(bce_logits - bce_keras) < 1e-5

# %% [markdown]
# **Why losses prefer logits.** In float32, σ(20) is *exactly* 1.0. Take a black pixel (target 0)
# whose logit is 20: the true loss is `ln(1 + e^20) ≈ 20.0`.
#
# *Predict:* what do the probability form by hand, Keras' probability form, and Keras from
# logits give?

# %%
my_by_hand = ...  # your guess: a number (math.inf is allowed)
my_keras_probability = ...  # your guess: a number
my_keras_logits = ...  # your guess: a number

# %%
t = np.array([[0.0]], dtype="float32")
z = np.array([[20.0]], dtype="float32")
q = keras.activations.sigmoid(keras.ops.convert_to_tensor(z))  # a Keras tensor, σ(20)
q_np = np.asarray(q)  # the same number, as a plain array
with np.errstate(divide="ignore"):
    by_hand = float(-(t * np.log(q_np) + (1 - t) * np.log(1 - q_np))[0, 0])
keras_prob = float(keras.losses.BinaryCrossentropy()(t, q_np))
keras_logits = float(keras.losses.BinaryCrossentropy(from_logits=True)(t, z))
keras_remembered = float(keras.losses.BinaryCrossentropy()(t, q))
true_loss = math.log1p(math.exp(20.0))
print(f"σ(20) in float32 = {q_np[0, 0]!r}; the true loss is {true_loss:.6f}")
print(f"probability form by hand:      {by_hand}")
print(f"Keras, probabilities (array):  {keras_prob:.4f}   (q clipped to 1 - 1e-7)")
print(f"Keras, from_logits=True:       {keras_logits:.4f}")
print(f"Keras, the sigmoid's tensor:   {keras_remembered:.4f}   (it remembers its logits)")
clip_and_logits = versions.BCE_AT_LOGIT_20.check()  # what Keras versions do here, measured
print(clip_and_logits)
measured["BCE at logit 20, probability form (Keras clip)"] = keras_prob
measured["BCE at logit 20, from logits"] = keras_logits
versus(my_by_hand, by_hand, "probability form by hand")
versus(my_keras_probability, keras_prob, "Keras, probabilities")
versus(my_keras_logits, keras_logits, "Keras, from_logits=True")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert q_np[0, 0] == 1.0 and by_hand == math.inf and abs(keras_logits - true_loss) < 1e-4
assert abs(keras_prob - clip_and_logits.observed["array"]) < 0.01
assert abs(keras_remembered - clip_and_logits.observed["sigmoid_tensor"]) < 1e-3

# %% [markdown]
# By hand the probability form returns infinity (`ln 0`); Keras clips `q` to `1 − 10⁻⁷` and
# returns 15.94 — and the clip also cuts the gradient:

# %%
import tensorflow as tf

q_var = tf.Variable(q_np)
z_var = tf.Variable(z)
with tf.GradientTape(persistent=True) as tape:
    loss_prob = keras.losses.BinaryCrossentropy()(t, q_var)
    loss_logit = keras.losses.BinaryCrossentropy(from_logits=True)(t, z_var)
grad_prob = float(tape.gradient(loss_prob, q_var)[0, 0])
grad_logit = float(tape.gradient(loss_logit, z_var)[0, 0])
print(f"gradient of the clipped probability loss w.r.t. q: {grad_prob}")
print(f"gradient of the logit loss w.r.t. z: {grad_logit:.6f} (= σ(z) − t)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert grad_prob == clip_and_logits.observed["array_gradient"] and abs(grad_logit - 1.0) < 1e-6

# %% [markdown]
# A pixel that is confidently wrong gets no push at all through the clipped form, and the
# strongest push possible (σ(z) − t = 1) through the logit form. From logits Keras computes
# `max(z, 0) − z·t + ln(1 + e^{−|z|})`, which never takes the log of 0, and gets 20.0. This is
# why Keras recommends `from_logits=True` with a linear last layer. Keras 3 also does it
# silently: a tensor made by Keras' sigmoid keeps its logits (`_keras_logits`), and the loss uses
# them — which is why the same σ(20) as a Keras tensor gave 20.0 and as a NumPy array 15.94. (The
# article read the same trick in Keras 2's source: it looked for a `Sigmoid` op before the loss.)
#
# **Does it matter in training?** Autoencoder tutorials use either loss. Section 1 trained the
# tutorial autoencoder with a sigmoid and MSE; here it is again, on the same batches for the same
# steps, with a linear last layer and `BinaryCrossentropy(from_logits=True)`.
#
# *Predict:* which of the two reaches the lower *MSE* on the test images?

# %%
my_prediction = ...  # your guess: "MSE" or "BCE from logits"

# %%
# Takes a while: trains the tutorial autoencoder once more, 5–10 s on 2 CPU cores.
keras.utils.set_random_seed(0)
tutorial_bce = keras.Sequential(
    [
        keras.Input(shape=(SIDE, SIDE, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(N // 10, activation="relu"),
        keras.layers.Dense(N),  # logits: no activation
        keras.layers.Reshape((SIDE, SIDE, 1)),
    ],
    name="tutorial_bce",
)
tutorial_bce.compile(
    optimizer=keras.optimizers.Adam(P.learning_rate), loss=keras.losses.BinaryCrossentropy(from_logits=True)
)
train(tutorial_bce, data, P, epochs=P.short_epochs, name="tutorial, BCE from logits", validation=False)
outputs = {
    "MSE": tutorial.predict(x_eval, verbose=0),
    "BCE from logits": np.asarray(keras.activations.sigmoid(tutorial_bce.predict(x_eval, verbose=0))),
}
lit_eval = x_eval > 0.5
scores = {
    name: {
        "test MSE": float(np.mean((q - x_eval) ** 2)),
        "test BCE": float(keras.losses.BinaryCrossentropy()(x_eval, q)),
        "mean output on lit pixels": float(q[lit_eval].mean()),
        "lit pixels shown": reproduced_fraction(x_eval, q),
    }
    for name, q in outputs.items()
}
versus(my_prediction, min(scores, key=lambda n: scores[n]["test MSE"]), "lower test MSE")
print(f"{'trained with':<16}" + "".join(f"{key:>27}" for key in scores["MSE"]))
for name, row in scores.items():
    print(f"{name:<16}" + "".join(f"{v:>27.4g}" for v in row.values()))
q_lit = outputs["MSE"][lit_eval]
damping = np.median(2 * q_lit * (1 - q_lit))
print(f"MSE's pull on a lit pixel's logit, as a share of BCE's: 2q(1 − q), median {damping:.1e}")
for name, row in scores.items():
    measured[f"tutorial, {name}: test MSE"] = row["test MSE"]
    measured[f"tutorial, {name}: mean output on lit pixels"] = row["mean output on lit pixels"]

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert scores["BCE from logits"]["test MSE"] < scores["MSE"]["test MSE"]
assert scores["BCE from logits"]["test BCE"] < 0.5 * scores["MSE"]["test BCE"]
assert scores["BCE from logits"]["mean output on lit pixels"] > scores["MSE"]["mean output on lit pixels"]
assert damping < 0.5

# %% [markdown]
# Cross-entropy from logits wins even by MSE's own measure. The gradient says why. For one pixel
# with logit `z`, `q = σ(z)` and `σ'(z) = q(1 − q)`: MSE's gradient is `2(q − t)·q(1 − q)`,
# cross-entropy from logits' is `q − t`. On a lit pixel (`t = 1`) that the model draws dark (`q`
# small), MSE's pull is damped by the factor `2q(1 − q)` (its median on the lit pixels is printed
# above), and the tracks are learnt slowly; cross-entropy pulls at full strength. In this few steps
# neither model draws the tracks yet (the last column), but the BCE model has moved its lit
# pixels further up.
#
# **Softmax or sigmoid?** Both turn logits into probabilities. Softmax makes the vector sum to 1
# (one class out of several: apples *or* oranges); sigmoid treats every entry on its own (several
# labels at once: apples *and* oranges). The article's example: logits `[1 + ln 0.5, 1, 1 + ln 0.5]`.
#
# *Predict:* both outputs?

# %%
my_softmax = ...  # your guess: three numbers, e.g. [0.2, 0.6, 0.2]
my_sigmoid = ...  # your guess: three numbers

# %%
logits = np.array([1 + math.log(0.5), 1.0, 1 + math.log(0.5)], dtype="float32")
soft = np.asarray(keras.activations.softmax(logits[None, :]))[0]
sig = np.asarray(keras.activations.sigmoid(logits))
print(f"logits  {logits}\nsoftmax {soft}  sum {soft.sum():.4f}\nsigmoid {sig}  sum {sig.sum():.4f}")
versus(my_softmax, soft.round(4).tolist(), "softmax")
versus(my_sigmoid, sig.round(4).tolist(), "sigmoid")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.allclose(soft, [0.25, 0.5, 0.25], atol=1e-6)
assert np.allclose(sig, [0.5761, 0.7311, 0.5761], atol=1e-4)

# %% [markdown]
# `e^{1 + ln 0.5} = e/2`, so softmax shares 1 as ¼, ½, ¼; sigmoid gives each entry its own
# probability (0.576, 0.731, 0.576; the sum 1.88 means nothing). A reconstructed image is
# *multi-label*: every pixel is its own yes/no question, so each one gets a sigmoid. A softmax over
# the pixels would force the whole picture to share one unit of probability:

# %%
pixel_softmax = np.asarray(keras.activations.softmax(x[image].reshape(1, -1)))[0]
print(f"softmax over the {N} pixels of image {image}: largest value {pixel_softmax.max():.5f}")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert pixel_softmax.max() < 0.05

# %% [markdown]
# ## What we measured, beside the article
#
# Where the article's number is given, it was measured on its 64×64 data with Keras 2; ours
# come from the profile named at the top. The lit fraction differs (its ≈ 0.7 % back-solved from
# 0.2488, ours above), so compare the *formula*'s agreement, not the digits.

# %%
article = {
    "tutorial: accuracy": "0.993",
    "one Dense: accuracy": "0.995",
    "identity: black pixel": "0.5",
    "identity: lit pixel": "0.7310586",
    "identity: evaluate MSE": "0.2488",
    "identity: evaluate accuracy": "1.0",
    "identity trained: loss after 1 epoch": "0.1589",
    "identity trained: accuracy after 1 epoch": "0.9990",
    "BinaryAccuracy on the identity output": "1.0",
    "Accuracy on the identity output": "0.0",
}
print(f"{'quantity':<55} {'article':>10} {'ours (' + P.name + ')':>16}")
for key, value in measured.items():
    print(f"{key:<55} {article.get(key, '—'):>10} {value:>16.6g}")
