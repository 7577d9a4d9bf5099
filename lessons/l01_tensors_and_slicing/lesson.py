# %% [markdown]
# # Lesson 1 — Tensors, slicing, and a first Keras model
#
# Most Keras bugs in this course are *shape* bugs that raise no error. Before we hunt them we need
# a precise vocabulary: what a tensor is, what slicing and reshaping do to one, and what
# `compile`, `fit`, `predict` and `evaluate` each do with tensors.
#
# Each section asks you to **predict** before a cell answers. Write your prediction in the cell
# below the question, then run the experiment: it prints your guess beside what it measured.

# %%
# Takes a while: importing TensorFlow and Keras took 13–45 s on 2 CPU cores.
# Quiet TensorFlow's logs, seed everything, print versions. Always the first cell.
from pitfalls.predictions import versus
from pitfalls.session import start

start(seed=0)

import keras
import matplotlib.pyplot as plt
import numpy as np

# %% [markdown]
# ## 1. Three attributes of a tensor: rank, shape, dtype
#
# A tensor is an n-dimensional array: a scalar has rank 0, a vector rank 1, a matrix rank 2, a
# batch of grey images rank 3, a batch of colour images rank 4.
#
# **Predict:** what are the rank, shape and dtype of each object below? Write them in the cell
# below.

# %%
my_ranks = ...  # your guess: the four ranks in order, e.g. [1, 1, 2, 2]
my_shapes = ...  # your guess: the four shapes in order, e.g. [(), (3,), (3, 4), (28, 28)]
my_dtypes = ...  # your guess: the four dtypes in order, e.g. ["int64", "float32", "int64", "int8"]

# %%
examples = {
    "scalar": np.array(7),
    "vector": np.array([1.0, 2.0, 3.0]),
    "matrix": np.arange(12).reshape(4, 3),
    "3D tensor": np.zeros((2, 28, 28), dtype=np.uint8),
}
for name, t in examples.items():
    print(f"{name:10s} rank (ndim) = {t.ndim}   shape = {str(t.shape):12s} dtype = {t.dtype}")
versus(my_ranks, [t.ndim for t in examples.values()], "ranks")
versus(my_shapes, [t.shape for t in examples.values()], "shapes")
versus(my_dtypes, [str(t.dtype) for t in examples.values()], "dtypes")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert [t.ndim for t in examples.values()] == [0, 1, 2, 3]

# %% [markdown]
# ## 2. Slicing a batch of images
#
# We load handwritten digits. On Binder or Colab this is MNIST (downloaded by Keras); with no
# network (this course's CI, a laptop offline) it is a real but smaller set of handwritten digits
# shipped with the course and laid out like MNIST. The next cell says which one you got.

# %%
from pitfalls.data.digits import load_digits

digits = load_digits()
print(digits)
train_images, train_labels = digits.x_train, digits.y_train
test_images, test_labels = digits.x_test, digits.y_test

# %% [markdown]
# The first axis indexes images, the next two index pixel rows and columns.
#
# **Predict:** the shapes of `train_images[:100]`, `train_images[:100, :, :]` and
# `train_images[:100, :28, :28]`. Are they the same *values* too?

# %%
my_shapes = ...  # your guess: the three shapes, e.g. [(100,), (100, 1), (28, 28)]
my_same_values = ...  # your guess: True or False

# %%
a = train_images[:100]
b = train_images[:100, :, :]
c = train_images[:100, :28, :28]
print("whole batch  ", train_images.shape)
print("[:100]       ", a.shape)
print("[:100, :, :] ", b.shape)
print("[:100,:28,:28]", c.shape)
versus(my_shapes, [a.shape, b.shape, c.shape], "the three shapes")
versus(my_same_values, np.array_equal(a, b) and np.array_equal(b, c), "the same values")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert a.shape == b.shape == c.shape == (100, 28, 28)
assert np.array_equal(a, b) and np.array_equal(b, c)  # three spellings of one slice

# %% [markdown]
# A slice along axes 1 and 2 keeps every image but crops each one. The lower-right quadrant of a
# 28×28 image starts at row 14 and column 14.
#
# **Predict:** the shape of `train_images[:, 14:, 14:]`.

# %%
my_shape = ...  # your guess: a shape, e.g. (14, 14)

# %%
lower_right = train_images[:, 14:, 14:]
print("lower-right quadrant:", lower_right.shape)
versus(my_shape, lower_right.shape, "shape of the lower-right quadrants")

fig, axes = plt.subplots(1, 2, figsize=(5, 2.6))
axes[0].imshow(train_images[10], cmap="binary")
axes[0].set_title(f"image 10 (label {train_labels[10]})")
axes[1].imshow(lower_right[10], cmap="binary", extent=(14, 28, 28, 14))
axes[1].set_title("its lower-right quadrant")
for ax in axes:
    ax.set_xlim(0, 28), ax.set_ylim(28, 0)
plt.tight_layout()
plt.show()

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert lower_right.shape == (len(train_images), 14, 14)

# %% [markdown]
# ### `start:end`: the start is in, the end is out
#
# The article this lesson follows gives the rule: `tensor[start_idx : end_idx]` takes the element
# at `start_idx` "up to, but not including" the one at `end_idx`, as Python lists and NumPy arrays
# do; its printout labels `train_images[:100]` as "Tensor Slice [0:100]", so an omitted start is 0
# and an omitted end is the end of the axis. A negative index counts from the end: `-1` is the last.
#
# **Predict:** how many images does `train_images[10:20]` hold, and which image (its index in
# `train_images`) is its last one?

# %%
my_prediction = ...  # your guess: (number of images, index of the last one)

# %%
window = train_images[10:20]
positions = np.arange(len(train_images))[10:20]  # the same slice of the images' indices
print("train_images[10:20]:", window.shape, "| the indices it takes:", positions)
versus(my_prediction, (len(window), int(positions[-1])), "train_images[10:20]: (images, index of the last)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.array_equal(window, train_images[positions]) and positions.tolist() == list(range(10, 20))
assert np.array_equal(train_images[0:100], train_images[:100])  # the article's [0:100] is our [:100]

# %% [markdown]
# Negative indices and ends beyond the axis: `train_images[-5:]` is the last five images, and
# `train_images[:, -14:, -14:]` the lower-right quadrant again, counted from the bottom right.
#
# **Predict:** `train_images[n - 2 : n + 100]`, with `n = len(train_images)`, asks for images
# that do not exist. An `IndexError`, or how many images?

# %%
my_prediction = ...  # your guess: "IndexError", or the number of images you expect

# %%
n = len(train_images)
past_the_end = train_images[n - 2 : n + 100]
try:
    train_images[n]  # one index, not a slice
    one_past = "no error"
except IndexError as exc:
    one_past = f"IndexError: {exc}"
print("train_images[-5:]:", train_images[-5:].shape, "| train_images[n - 2 : n + 100]:", past_the_end.shape)
print("train_images[n]:", one_past)
versus(my_prediction, len(past_the_end), "images in train_images[n - 2 : n + 100]")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.array_equal(train_images[-5:], train_images[n - 5 : n])
assert np.array_equal(train_images[:, -14:, -14:], lower_right)
assert len(past_the_end) == 2 and one_past.startswith("IndexError")

# %% [markdown]
# A slice never complains: an end beyond the axis is cut back to its length, so a slice can
# silently hold fewer elements than you asked for. Only a single index out of range raises.

# %% [markdown]
# ## 3. Reshaping a batch to (pixels, samples)
#
# Some texts (and the article this lesson follows) put one *column* per image: a batch of 790
# colour images of 64×64 becomes a matrix of shape (64·64·3, 790). Random pixels stand in for the
# article's photos here — only the shapes matter.
#
# **Predict:** the shape of `img.reshape(790, -1)` and of `img.reshape(790, -1).T`.

# %%
my_rows_shape = ...  # your guess: the shape of img.reshape(790, -1), e.g. (790, 64)
my_columns_shape = ...  # your guess: the shape after .T

# %%
rng = np.random.default_rng(0)
img = rng.integers(0, 256, size=(790, 64, 64, 3), dtype=np.uint8)
flat = img.reshape(790, -1)  # one row per image
img_unrow = flat.T  # one column per image
print("batch:", img.shape, "→ rows:", flat.shape, "→ columns:", img_unrow.shape)
versus(my_rows_shape, flat.shape, "img.reshape(790, -1).shape")
versus(my_columns_shape, img_unrow.shape, "img.reshape(790, -1).T.shape")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert img_unrow.shape == (64 * 64 * 3, 790) == (12288, 790)
assert np.array_equal(img_unrow[:, 5], img[5].ravel())  # column 5 is image 5, row-major

# %% [markdown]
# Going back is the reverse: transpose, then reshape. Reshaping *without* the transpose gives the
# right shape and the wrong pictures — no error is raised, which is why this is a pitfall.

# %%
back = img_unrow.T.reshape(790, 64, 64, 3)
wrong = img_unrow.reshape(790, 64, 64, 3)  # right shape, scrambled pixels
print("round trip equal:", np.array_equal(back, img), "| without .T equal:", np.array_equal(wrong, img))

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.array_equal(back, img) and not np.array_equal(wrong, img)

# %% [markdown]
# A vector of shape `(790,)` has one axis. `(1, 790)` is a matrix with one row: same numbers,
# different rank — and, as lesson 2 shows, different arithmetic.

# %%
vector = np.arange(790)
row = np.reshape(vector, (1, 790))
print(vector.shape, vector.ndim, "|", row.shape, row.ndim)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert vector.ndim == 1 and row.ndim == 2

# %% [markdown]
# ## 4. Tensor operations: element-wise, broadcasting, dot
#
# **Predict:** `np.array([1, 2, 3, 4]) + np.array([5, 6, 7, 8])`.

# %%
my_sum = ...  # your guess: a list of numbers, e.g. [1, 2, 3, 4, 5, 6, 7, 8]

# %%
elementwise = np.array([1, 2, 3, 4]) + np.array([5, 6, 7, 8])
print(elementwise)
versus(my_sum, elementwise.tolist(), "the element-wise sum")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert elementwise.tolist() == [6, 8, 10, 12]

# %% [markdown]
# Broadcasting: adding a vector of shape (3,) to a 4×3 matrix adds it to *every row*.
#
# **Predict:** the first and last rows of `A + B`.

# %%
my_first_row = ...  # your guess: a list of three numbers
my_last_row = ...  # your guess: a list of three numbers

# %%
A = np.arange(12).reshape(4, 3)
B = np.array([1, 2, 3])
print("A:\n", A, "\nB:", B, "\nA + B:\n", A + B)
versus(my_first_row, (A + B)[0].tolist(), "first row of A + B")
versus(my_last_row, (A + B)[-1].tolist(), "last row of A + B")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert (A + B).tolist() == [[1, 3, 5], [4, 6, 8], [7, 9, 11], [10, 12, 14]]

# %% [markdown]
# A dot product sums element-wise products: `B·B = 1·1 + 2·2 + 3·3 = 14`. A matrix times a
# vector does that once per row: row 0 is `0·1 + 1·2 + 2·3 = 8`, row 1 is `3·1 + 4·2 + 5·3 = 26`.
#
# **Predict:** `np.dot(A, B)`.

# %%
my_dot = ...  # your guess: a list of numbers, one per row of A

# %%
print("B·B =", np.dot(B, B))
print("A·B =", np.dot(A, B))
by_hand = [int(sum(A[i, j] * B[j] for j in range(3))) for i in range(4)]
print("by hand:", by_hand)
versus(my_dot, np.dot(A, B).tolist(), "np.dot(A, B)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.dot(B, B) == 14 and np.dot(A, B).tolist() == by_hand == [8, 26, 44, 62]

# %% [markdown]
# ## 5. A first Keras model: Sequential → compile → fit
#
# Inputs: each 28×28 image flattened to 784 numbers in [0, 1]. Labels: integers 0–9.

# %%
x_train = train_images.reshape(len(train_images), -1).astype("float32") / 255
x_test = test_images.reshape(len(test_images), -1).astype("float32") / 255
if len(x_train) > 10_000:  # full MNIST: 10 000 images are plenty for this lesson and keep it fast
    x_train, train_labels = x_train[:10_000], train_labels[:10_000]
print("x_train", x_train.shape, x_train.dtype, "| x_test", x_test.shape)

model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
model.compile(
    optimizer=keras.optimizers.RMSprop(learning_rate=0.001),
    loss="sparse_categorical_crossentropy",  # integer labels; one-hot would need categorical_
    metrics=["accuracy"],
)
model.summary()

# %% [markdown]
# A **batch** is the set of samples behind one weight update; an **epoch** is one pass over the
# training set. With N samples and batch size b, an epoch makes ⌈N / b⌉ updates — the last batch
# is smaller but still makes one.
#
# **Predict:** how many updates will `fit` make with `batch_size=128` for 8 epochs?

# %%
my_updates = ...  # your guess: a number of weight updates

# %%
import math


class CountUpdates(keras.callbacks.Callback):
    """Counts the training batches fit() really runs."""

    def on_train_begin(self, logs=None):
        self.updates = 0

    def on_train_batch_end(self, batch, logs=None):
        self.updates += 1


epochs, batch_size = 8, 128
predicted = math.ceil(len(x_train) / batch_size) * epochs
counter = CountUpdates()
history = model.fit(
    x_train,
    train_labels,
    epochs=epochs,
    batch_size=batch_size,
    validation_data=(x_test, test_labels),
    callbacks=[counter],
    verbose=0,
)
print(f"⌈N / b⌉ · epochs = {predicted} updates, fit ran {counter.updates}")
versus(my_updates, counter.updates, "weight updates fit made")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert counter.updates == predicted

# %% [markdown]
# `fit` returns a `History`; its `.history` dictionary holds one list per metric, one value per
# epoch — the loss always, plus each metric, plus their `val_` twins when there is validation data.

# %% tags=["readme-figure"]
print(sorted(history.history))
fig, axes = plt.subplots(1, 2, figsize=(9, 3))
for ax, metric in zip(axes, ["loss", "accuracy"]):
    ax.plot(range(1, epochs + 1), history.history[metric], "o-", label="training")
    ax.plot(range(1, epochs + 1), history.history["val_" + metric], "s--", label="validation")
    ax.set_xlabel("epoch"), ax.set_ylabel(metric), ax.legend()
plt.suptitle("Learning curves")
plt.tight_layout()
plt.show()

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert history.history["loss"][-1] < history.history["loss"][0]

# %% [markdown]
# ## 6. predict and evaluate
#
# `predict` returns the model's outputs: here 10 class probabilities per image.
# `evaluate` returns the loss and the metrics on the data you give it.
#
# **Predict:** the shape of `model.predict(x_test[:5])`, and what each row sums to.

# %%
my_shape = ...  # your guess: a shape, e.g. (5,)
my_row_sum = ...  # your guess: a number

# %%
probabilities = model.predict(x_test[:5], verbose=0)
print(probabilities.shape, "row sums:", probabilities.sum(axis=1).round(4))
print("predicted digits:", probabilities.argmax(axis=1), "| true:", test_labels[:5])
versus(my_shape, probabilities.shape, "shape of model.predict(x_test[:5])")
versus(my_row_sum, float(probabilities.sum(axis=1).mean()), "what a row sums to (mean of the five)")

train_loss, train_acc = model.evaluate(x_train, train_labels, verbose=0)
test_loss, test_acc = model.evaluate(x_test, test_labels, verbose=0)
print(f"train: loss {train_loss:.3f}, accuracy {train_acc:.3f}")
print(f"test:  loss {test_loss:.3f}, accuracy {test_acc:.3f}")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert probabilities.shape == (5, 10) and np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)
assert test_acc > 0.8, "a small dense net should classify most held-out digits"

# %% [markdown]
# ## 7. The articles' Keras 2 code, pasted into Keras 3
#
# Three habits of Keras 2 code meet today's Keras when you paste an article's lines. Each cell
# below catches what Keras says (an error would stop Run All), prints it, and sets beside it what
# the oldest and newest Keras this course allows were measured to do (`versions.py` in this
# lesson's folder); the assertions check only that this notebook agrees with your Keras.
#
# ### A layer width computed with `/`
#
# The article of lesson 4 (in Russian: debugging an autoencoder, part 1) sizes a bottleneck as
# `tf.keras.layers.Dense(64*64/10, activation='relu')`. In Python 3, `/` always gives a float:
# 409.6 units.
#
# **Predict:** what does Keras 3 do with 409.6 units: round it, truncate it, or refuse?

# %%
my_prediction = ...  # your guess: "round", "truncate" or "refuse"

# %%
from lessons.l01_tensors_and_slicing import versions  # the version-specific claims, measured

try:
    bottleneck = keras.layers.Dense(64 * 64 / 10, activation="relu")  # the article's layer
    keras.Sequential([keras.Input(shape=(784,)), bottleneck])  # building it makes its weights
    float_width = f"accepted, {bottleneck.units} units"
except Exception as exc:  # an error here would stop the notebook: catch it and show it
    float_width = f"{type(exc).__name__}: {exc}"
print(float_width)
units = versions.FLOAT_UNITS.check()
print(units)
versus(my_prediction, "accepted" if float_width.startswith("accepted") else "refuse", "Dense(64 * 64 / 10)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert float_width.startswith(units.observed["error"] or units.observed["building on 784 inputs"]), (
    float_width
)
assert keras.layers.Dense(64 * 64 // 10).units == 409  # floor division: an int

# %% [markdown]
# Keras 3 refuses it: 3.15.1 as soon as the layer is made ("expected a positive integer"), 3.8.0
# only when it is built, since a kernel of shape (784, 409.6) cannot exist (measured above). The
# article's Keras 2 took it silently: its `Dense` began with
# `self.units = int(units) if not isinstance(units, int) else units` (`keras/layers/core/dense.py`
# of Keras 2), so the layer had 409 units. Write `64 * 64 // 10` and get the same 409 on purpose.
#
# ### `input_shape=` and `input_dim=` on a layer
#
# The article builds its model as `model.add(layers.Dense(units, activation, input_shape))`: the
# first layer is told the shape of its input. The French post of lesson 6 writes
# `model.add(Dense(32, input_dim=784))`. Keras 2 listed both among every layer's allowed keyword
# arguments (`keras/engine/base_layer.py`) and said nothing.
#
# **Predict:** Keras 3: an error, a warning, or silence? Is the model built (its weights made)?

# %%
my_prediction = ...  # your guess: "error", "warning" or "silence"

# %%
import warnings

with warnings.catch_warnings(record=True) as caught:  # keep the warning out of stderr, to print it
    warnings.simplefilter("always")
    pasted = keras.models.Sequential()
    pasted.add(keras.layers.Dense(64, activation="relu", input_shape=(784,)))
for w in caught:
    print(f"{w.category.__name__}: {w.message}")
print("built:", pasted.built, "| parameters:", pasted.count_params())
first_layer = versions.INPUT_ARGUMENTS.check()
print(first_layer)
heard = [w.category.__name__ for w in caught]
versus(my_prediction, "warning" if heard else "silence", "Dense(64, activation='relu', input_shape=(784,))")
expected = first_layer.observed["input_shape=(784,)"]["warning"]

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert heard == ([expected] if expected else []), heard
assert pasted.count_params() == 784 * 64 + 64

# %% [markdown]
# Keras 3 still builds the model, and warns (a `UserWarning`, on stderr, where a notebook shows it
# in red and nbgrader counts it against a graded cell): start the model with `keras.Input(shape=…)`,
# as section 5 does.
#
# ### `loss='mse'` with `metrics=['accuracy']` for a classifier
#
# The article compiles its network with
# `model.compile(optimizer=optimizers.RMSprop(learning_rate=0.001), loss='mse', metrics=['accuracy'])`.
# Which accuracy is `'accuracy'`? Keras 3 decides in `get_metric`
# (`keras/src/trainers/compile_utils.py`), from the *shapes* of the targets and of the
# predictions, never from the loss:

# %%
from keras.src.trainers import compile_utils  # Keras' own code, to read

from pitfalls.show import show_source

show_source(compile_utils.is_binary_or_sparse_categorical)

# %% [markdown]
# One output unit: binary accuracy (threshold 0.5). Targets with one axis fewer than the
# predictions (integer labels), or a last axis of 1: sparse categorical accuracy. Otherwise
# categorical accuracy (the arg-max of the targets against the arg-max of the predictions). The
# article's Keras 2 chose from the output shape *and the loss* (`keras/engine/training.py`):
# binary for one unit or a binary cross-entropy, sparse categorical for a sparse categorical
# cross-entropy, categorical otherwise — for `'mse'` and 10 units, categorical.
#
# **Predict:** our trained model of section 5, recompiled as the article compiles it: (a) `fit` on
# our integer labels; (b) `evaluate` on one-hot labels, `keras.utils.to_categorical(test_labels,
# 10)`. What happens in (a)? Which accuracy does (b) report?

# %%
my_prediction = ...  # your guess: ("trains" or the error, "binary"/"sparse categorical"/"categorical")

# %%
import re


def article_compiled():
    """Section 5's trained model (a copy), compiled as the article compiles it."""
    net = keras.models.clone_model(model)
    net.set_weights(model.get_weights())
    net.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001), loss="mse", metrics=["accuracy"])
    return net


try:  # (a) integer labels, shape (N,)
    article_compiled().fit(x_train, train_labels, epochs=1, batch_size=128, verbose=0)
    integer_labels = "trains"
except Exception as exc:  # an error here would stop the notebook: catch it and show it
    integer_labels = type(exc).__name__
    print(
        f"(a) integer labels: {integer_labels}:", *re.findall(r"Incompatible shapes: \S+ vs\. \S+", str(exc))
    )

one_hot_test = keras.utils.to_categorical(test_labels, 10)  # (b) one-hot labels, shape (N, 10)
mse_loss, reported = article_compiled().evaluate(x_test, one_hot_test, verbose=0)
p = model.predict(x_test, verbose=0)  # the same weights
by_hand = {
    "categorical": float(np.mean(p.argmax(axis=1) == test_labels)),
    "binary": float(np.mean((p > 0.5) == one_hot_test)),
}
which = next((name for name, value in by_hand.items() if abs(value - reported) < 1e-6), "neither")
print(f"(b) one-hot labels: evaluate says accuracy {reported:.4f}; by hand: {by_hand}")
accuracy = versions.ACCURACY_WITH_MSE.check()
print(accuracy)
versus(my_prediction, (integer_labels, which), "(a) integer labels, (b) the accuracy reported")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert integer_labels == (accuracy.observed["integer targets"] or "trains"), integer_labels
assert which == accuracy.observed["one-hot targets"], (reported, by_hand)
assert abs(by_hand["categorical"] - test_acc) < 1e-6  # section 6's test accuracy, the same weights

# %% [markdown]
# (a) fails: a compiled loss lines up the ranks of targets and predictions only when they differ by
# a last axis of 1 (lesson 2 shows where), and `(128,)` against `(128, 10)` is not that, so the
# subtraction inside the MSE cannot broadcast. In (b) `'accuracy'` is the categorical accuracy
# computed by hand above (section 6's test accuracy), as in the article's Keras 2. Had Keras
# chosen binary accuracy, it would have reported the second number, and exactly 0.9 for a model
# whose ten outputs all stay below 0.5 (nine right zeros in every ten targets): lesson 4's
# "accuracy" above 0.95, for reconstructions that miss most of each track, is a binary accuracy
# of that kind.

# %% [markdown]
# **What to remember.** A slice can drop an axis (`images[100]`) or keep it (`images[:100]`);
# `reshape` never checks that your pixels still belong together; `(N,)` and `(1, N)` are different
# tensors. A slice leaves out its end and never raises. Keras 3 refuses a float layer
# width that Keras 2 truncated, and picks `'accuracy'` from the shapes alone (section 7).
#
# **Next: lab 1**, which practises each of these, in your own copy:
# [`work/lab01_tensors/lab01_tensors.ipynb`](../work/lab01_tensors/lab01_tensors.ipynb). `make lab`
# made it from the student version in `release/`; `make fetch-lab LAB=lab01_tensors` makes it too,
# and never overwrites a copy you have. Work there, not in `release/`. On Colab or Binder, open
# the lab from its badge in the README's "Start here".
