# %% [markdown]
# # Lesson 6 — The functional API, shared weights, symbolic tensors and custom losses
#
# A blog post of tips for Keras 2 — we read the French version of it, *Conseils pour mettre en
# œuvre un modèle ou un entraînement légèrement difficile avec Keras*, which reads as a
# translation of a Japanese post — collects what you meet as soon as
# a model or a training loop leaves the standard path: the functional API, sharing weights, the
# difference between a layer's output and a "raw" tensor, slicing inside a model, custom losses,
# losses that do not come from `compile`, and a loss whose state changes every step (BEGAN's
# equilibrium term). This lesson takes each tip, runs it in **Keras 3**, and shows — measured, in
# this notebook — what still holds and what changed.
#
# Each section asks a question, asks you to **predict** the answer — written in the cell below the
# question — then runs the experiment, which prints your guess beside what it measured.

# %%
# Takes a while: importing TensorFlow and Keras took 13–45 s on 2 CPU cores.
# Quiet TensorFlow's logs, seed everything, print versions. Always the first cell.
from pitfalls.predictions import versus
from pitfalls.session import start

start(seed=0)

import re
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers, ops

from lessons.l06_functional_api_and_losses import (
    began,
    versions,  # the version-specific claims, measured
)
from pitfalls.show import show_source

LESSON_STARTED = time.perf_counter()


def message(exc: BaseException) -> str:
    """An exception's message without Keras' terminal colour codes, for printing and asserting."""
    return re.sub(r"\x1b\[[0-9;]*m", "", str(exc))


# %% [markdown]
# ## 1. Sequential or functional: `layer(tensor) → tensor`
#
# The article's first tip: write models with the functional API. A `Sequential` model is a list of
# layers; a functional model is built by *calling* layer instances on tensors, `LayerInstance(tensor)
# → tensor`, and handing the input and output tensors to `keras.Model`. The article's
# `Model(input=inputs, output=predictions)` needs the plural keywords now (measured below).
#
# **Predict:** the same three layers written both ways — same number of parameters?

# %%
my_same = ...  # your guess: True or False
my_parameters = ...  # your guess: the number of parameters of the functional model

# %%
keras.utils.set_random_seed(0)
sequential = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        layers.Dense(64, activation="relu"),
        layers.Dense(64, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ]
)

inputs = keras.Input(shape=(784,))
x = layers.Dense(64, activation="relu")(inputs)
hidden = layers.Dense(64, activation="relu")  # an instance ...
x = hidden(x)  # ... called on a tensor: the same as the line above
predictions = layers.Dense(10, activation="softmax")(x)
functional = keras.Model(inputs=inputs, outputs=predictions)

print("Sequential:", sequential.count_params(), "parameters; functional:", functional.count_params())

keyword_error = None
try:
    keras.Model(input=inputs, output=predictions)  # the article's Keras 2 keywords
except ValueError as exc:
    keyword_error = message(exc)
    print("Model(input=..., output=...) → ValueError:", keyword_error[:60], "...")
keywords = versions.MODEL_INPUT_OUTPUT_KEYWORDS.check()  # what Keras versions do, measured
print(keywords)
versus(my_same, sequential.count_params() == functional.count_params(), "the same number of parameters")
versus(my_parameters, functional.count_params(), "parameters of the functional model")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if keywords.as_recorded:
    assert keyword_error.startswith(versions.MODEL_KEYWORDS)
assert sequential.count_params() == functional.count_params() == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10

# %% [markdown]
# The point the article stresses: **a layer instance owns its weights.** Calling the same instance on
# two tensors does not make a second layer; it uses the same kernel twice.
#
# **Predict:** one `Dense(4)` instance called on two different inputs `a` and `b` of 3 features. How
# many weight variables does the two-output model have — 2 (one kernel, one bias) or 4?

# %%
my_variables = ...  # your guess: a number of weight variables

# %%
a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(3,), name="b")
shared = layers.Dense(4, name="shared")
both = keras.Model([a, b], [shared(a), shared(b)])

both.summary()
print("weight variables:", [w.path for w in both.weights])
versus(my_variables, len(both.weights), "weight variables of the two-output model")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert len(both.weights) == 2 and both.count_params() == 3 * 4 + 4
assert both.weights[0] is shared.kernel  # identity, not a copy

# %% [markdown]
# Two weight variables, 16 parameters: the summary lists `shared` once, "connected to" both inputs.
# Identity is the proof: `both.weights[0] is shared.kernel`. Now by training: fit a model that sees
# only input `a`, then look at what the `b` path computes.
#
# **Predict:** after training on `a` only, does `Model(b, shared(b))` give the same outputs as the
# trained `Model(a, shared(a))`?

# %%
my_same_outputs = ...  # your guess: True or False

# %%
keras.utils.set_random_seed(0)
path_a, path_b = keras.Model(a, shared(a)), keras.Model(b, shared(b))
probe = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
b_before = path_b.predict(probe, verbose=0)

x_train = np.random.default_rng(2).normal(size=(1024, 3)).astype("float32")
y_train = x_train @ np.array([[1, 0, 0, 2], [0, 1, 0, -1], [0, 0, 1, 0.5]], dtype="float32")
path_a.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
path_a.fit(x_train, y_train, epochs=2, batch_size=32, verbose=0)

b_after, a_after = path_b.predict(probe, verbose=0), path_a.predict(probe, verbose=0)
print("largest change of the b path's outputs:", np.abs(b_after - b_before).max())
print("largest difference between the a and b paths after training:", np.abs(b_after - a_after).max())
versus(my_same_outputs, bool(np.array_equal(a_after, b_after)), "the b path gives the a path's outputs")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.abs(b_after - b_before).max() > 0.5 and np.array_equal(a_after, b_after)

# %% [markdown]
# The `b` path was never trained, yet its outputs moved and are *identical* to the `a` path's: one
# kernel. That is what you want for a siamese network, and a bug when it happens by accident.
#
# ### Sharing by accident
#
# A common slip: a layer built once, before a loop or a helper, and meant to be one per branch.
#
# **Predict:** two "towers", each meant to have its own `Dense(8)`; the code below builds the layer
# outside the helper. How many parameters should two independent towers of 6 → 8 have, and how many
# does the model have?

# %%
my_intended = ...  # your guess: parameters of two independent towers, a number
my_actual = ...  # your guess: parameters the model has

# %%
left_in, right_in = keras.Input(shape=(6,), name="left"), keras.Input(shape=(6,), name="right")
tower_layer = layers.Dense(8, activation="relu", name="tower")  # built once ...


def tower(x):
    return tower_layer(x)  # ... so every tower is the same layer


towers = keras.Model([left_in, right_in], layers.Concatenate()([tower(left_in), tower(right_in)]))
intended = 2 * (6 * 8 + 8)
print(
    f"intended {intended} parameters, the model has {towers.count_params()}; "
    f"Dense layers in the model: {[l.name for l in towers.layers if isinstance(l, layers.Dense)]}"
)
versus(my_intended, intended, "parameters of two independent towers")
versus(my_actual, towers.count_params(), "parameters the model has")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert towers.count_params() == intended // 2

# %% [markdown]
# Half the parameters, and `model.layers` (and `model.summary()`) show one Dense layer where you
# meant two. Two checks catch it: compare `count_params()` with the number you expect, and count the
# *distinct* weight variables, `len({id(w) for w in model.weights})`.
#
# ## 2. Sharing a whole sub-network: a `Model` is a layer
#
# The article shares a block of several layers by wrapping it in Keras 2's `Container`. That class is
# gone in Keras 3: measured below. A functional `Model` does the same job — it is a layer, and
# calling one instance on several inputs shares all its weights.

# %%
print("keras.layers.Container exists:", hasattr(keras.layers, "Container"))
container_error = ""
try:
    from keras.engine.topology import Container  # noqa: F401  (the Keras 2 import path)
except ImportError as exc:
    print(f"{type(exc).__name__}: {exc}")
    container_error = str(exc)
keras2_names = versions.KERAS2_NAMES.check()  # the Keras 2 names of this lesson, measured
print(keras2_names)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if keras2_names.as_recorded:
    assert not hasattr(keras.layers, "Container") and "keras.engine" in container_error

# %% [markdown]
# **Predict:** a body `Model` (12 → 16 → 8) shared by a classifier head (3 classes) and a regression
# head (1 output), each head with *its own* input. How many distinct weight variables do the two
# models hold together: 4 + 2 + 2 = 8, or 2 × 4 + 2 + 2 = 12?

# %%
my_variables = ...  # your guess: a number of distinct weight variables

# %%
keras.utils.set_random_seed(0)
body_in = keras.Input(shape=(12,))
h = layers.Dense(16, activation="relu")(body_in)
body = keras.Model(body_in, layers.Dense(8, activation="relu")(h), name="body")

clf_in, reg_in = keras.Input(shape=(12,), name="clf_in"), keras.Input(shape=(12,), name="reg_in")
classifier = keras.Model(clf_in, layers.Dense(3, activation="softmax")(body(clf_in)), name="classifier")
regressor = keras.Model(reg_in, layers.Dense(1)(body(reg_in)), name="regressor")

distinct = {id(w): w for w in classifier.weights + regressor.weights}
distinct_params = sum(int(np.prod(w.shape)) for w in distinct.values())
print(
    f"classifier {classifier.count_params()} + regressor {regressor.count_params()} parameters, "
    f"but {len(distinct)} distinct variables holding {distinct_params}"
)
versus(my_variables, len(distinct), "distinct weight variables of the two models")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert len(distinct) == 8 and distinct_params == body.count_params() + (8 * 3 + 3) + (8 + 1)
assert classifier.layers[1] is regressor.layers[1] is body

# %% [markdown]
# Eight distinct variables: the body's four (two kernels, two biases) appear in both models. Each
# model's `count_params()` counts the body once *per model*, so adding them double-counts it.
# Training the classifier moves the regressor's features:

# %%
features_before = body.predict(probe.repeat(4, axis=1), verbose=0)
x_clf = np.random.default_rng(3).normal(size=(128, 12)).astype("float32")
classifier.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
classifier.fit(x_clf, (x_clf[:, 0] > 0).astype("int32") + (x_clf[:, 1] > 0), epochs=1, verbose=0)
moved = np.abs(body.predict(probe.repeat(4, axis=1), verbose=0) - features_before).max()
print(f"the shared body's features moved by up to {moved:.3f} after training the classifier only")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert moved > 1e-3

# %% [markdown]
# ## 3. Symbolic tensors and raw operations
#
# The article's next trap, in Keras 2 on Theano: computing on a layer's output with a backend
# function and feeding the result to a layer raised
# `TypeError: ('Not a Keras tensor:', Elemwise{add,no_inplace}.0)` (the article's message, quoted).
# In Keras 3, `keras.Input` returns a `KerasTensor`: a symbolic placeholder that has a shape and a
# dtype but no values.
#
# **Predict:** `tf.nn.relu(inputs * 2 + 1)` on a `keras.Input` — does Keras 3 accept it?

# %%
my_accepted = ...  # your guess: True or False

# %%
inputs = keras.Input(shape=(10,))
print(type(inputs).__name__, inputs.shape)
raw_op_error = ""
try:
    tf.nn.relu(inputs * 2 + 1)
except ValueError as exc:
    raw_op_error = message(exc)
    print("ValueError:", raw_op_error[:400], "...")
print("keras.backend.relu exists:", hasattr(keras.backend, "relu"))  # Keras 2's `K.relu`
raw_op = versions.RAW_TF_OP.check()  # what Keras versions do, measured
print(raw_op)
versus(my_accepted, not raw_op_error, "Keras 3 accepts tf.nn.relu on a keras.Input")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if raw_op.as_recorded:
    assert versions.RAW_OP in raw_op_error
assert hasattr(keras.backend, "relu") == keras2_names.observed["keras.backend.relu"]


# %% [markdown]
# Keras 3 refuses the operation itself; in the article the op went through and the error came one
# line later, when its result reached a `Dense` layer. The message says what to do. Three fixes,
# all measured to give the same numbers on a concrete batch:
#
# 1. `keras.ops`, which accepts symbolic tensors;
# 2. a `Lambda` layer wrapping the raw op (the article's fix);
# 3. a small custom layer whose `call` does it (what the error message proposes).


# %%
class AffineRelu(layers.Layer):
    def call(self, x):
        return tf.nn.relu(x * 2 + 1)


fixes = {
    "keras.ops": ops.relu(inputs * 2 + 1),
    "Lambda": layers.Lambda(lambda t: tf.nn.relu(t * 2 + 1))(inputs),
    "custom layer": AffineRelu()(inputs),
}
batch = np.random.default_rng(4).normal(size=(4, 10)).astype("float32")
expected = np.maximum(batch * 2 + 1, 0)
computed = {}
for name, out in fixes.items():
    got = computed[name] = keras.Model(inputs, out).predict(batch, verbose=0)
    print(
        f"{name:13s} symbolic shape {out.shape}, largest error on a batch {np.abs(got - expected).max():.1e}"
    )

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert all(np.allclose(got, expected, atol=1e-6) for got in computed.values())

# %% [markdown]
# ## 4. Splitting a 10-vector into two halves
#
# The article splits an input of 10 features into the first 5 and the last 5. Its first attempt,
# `inputs[:5]`, "raises an error" (the article gives no message).
#
# **Predict:** in Keras 3, what does `inputs[:5]` do on a `keras.Input(shape=(10,))`, and what does
# `inputs[:, :5]` do?

# %%
my_first_five = ...  # your guess: "an error", or the shape of inputs[:5], e.g. (5,)
my_first_features = ...  # your guess: the shape of inputs[:, :5]

# %%
slice_error = ""
try:
    inputs[:5]
except ValueError as exc:
    slice_error = message(exc)
    print("inputs[:5] → ValueError:", slice_error)

first, second = inputs[:, :5], inputs[:, 5:]
print("inputs[:, :5] →", first.shape, "  inputs[:, 5:] →", second.shape)
batch_slice = versions.BATCH_AXIS_SLICE.check()  # what Keras versions do, measured
print(batch_slice)
versus(my_first_five, "an error" if slice_error else "no error", "inputs[:5]")
versus(my_first_features, first.shape, "inputs[:, :5].shape")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if batch_slice.as_recorded:
    assert versions.BATCH_SLICE in slice_error
assert first.shape == (None, 5) and second.shape == (None, 5)

# %% [markdown]
# Axis 0 is the **batch** axis: `inputs[:5]` would mean "the first five *samples*", and Keras 3
# refuses a slice of the batch axis of a symbolic tensor. The features are axis 1: `inputs[:, :5]`,
# which Keras 3 accepts directly — no `Lambda` needed.
#
# The mistake is quieter inside a `Lambda`, whose function Keras only traces.
#
# **Predict:** `Lambda(lambda t: t[:5])` — an error, or a model? If a model, what comes out of a batch
# of 8?

# %%
my_shape = ...  # your guess: the shape of what a batch of 8 gives, or "an error"
my_fit_fails = ...  # your guess: True or False (does fit on that model fail?)

# %%
quiet = layers.Lambda(lambda t: t[:5])(inputs)
wrong_split = keras.Model(inputs, layers.Dense(1)(quiet))
out = wrong_split.predict(np.ones((8, 10), "float32"), verbose=0)
print("symbolic shape", quiet.shape, "; a batch of 8 gives", out.shape)
wrong_split.compile(optimizer="sgd", loss="mse")
fit_error = ""
try:
    wrong_split.fit(np.ones((8, 10), "float32"), np.zeros((8, 1), "float32"), batch_size=8, verbose=0)
except Exception as exc:
    fit_error = message(exc)
    print(f"fit → {type(exc).__name__}:", fit_error[:120], "...")
quiet_slice = versions.LAMBDA_BATCH_SLICE.check()  # what Keras versions do, measured
print(quiet_slice)
versus(my_shape, out.shape, "what a batch of 8 gives")
versus(my_fit_fails, bool(fit_error), "fit fails")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if quiet_slice.as_recorded:
    assert versions.FIT_MISMATCH in fit_error
assert str(tuple(quiet.shape)) == quiet_slice.observed["symbolic"]
assert str(out.shape) == quiet_slice.observed["predict 8 rows"]

# %% [markdown]
# No error at build time: the model silently keeps 5 *samples* of every batch, and only `fit` fails,
# when 5 predictions meet 8 targets. Slicing code inside a layer must keep the batch axis:
# `t[:, :5]`.
#
# ### `Lambda`'s `output_shape`: tuple or function, and when Keras 3 needs it
#
# The article: give `output_shape` when the shape changes; a **tuple** leaves the batch dimension
# out, a **function** receives and returns shapes *with* it. Both still mean that in Keras 3:

# %%
as_tuple = layers.Lambda(lambda t: t[:, :5], output_shape=(5,))(inputs)
as_function = layers.Lambda(lambda t: t[:, 5:], output_shape=lambda shape: (shape[0], shape[1] // 2))(inputs)
inferred = layers.Lambda(lambda t: t[:, 5:])(inputs)
print("tuple:", as_tuple.shape, " function:", as_function.shape, " no output_shape:", inferred.shape)
lambda_shapes = versions.LAMBDA_OUTPUT_SHAPE.check()  # what Keras versions do, measured
print(lambda_shapes)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert [str(tuple(t.shape)) for t in (as_tuple, as_function, inferred)] == [
    lambda_shapes.observed[k] for k in ("tuple", "function", "inferred")
]

# %% [markdown]
# Keras 3 infers the shape by tracing the function on a symbolic tensor, so for TensorFlow or
# `keras.ops` code `output_shape` is optional. It becomes necessary when tracing fails — a function
# that leaves TensorFlow, such as NumPy code. And when you do give it, Keras **believes** it.
#
# **Predict:** `Lambda(lambda t: t[:5], output_shape=(5,))` — the wrong slice with the right-looking
# shape. What does the model say its output shape is, and what does a batch of 8 give?

# %%
my_declared = ...  # your guess: the output shape the model says, e.g. (None, 10)
my_real = ...  # your guess: the shape a batch of 8 gives

# %%
infer_error = ""
try:
    layers.Lambda(lambda t: np.asarray(t)[:, :5])(inputs)
except NotImplementedError as exc:
    infer_error = message(exc)
    print("NumPy inside a Lambda →", next(line for line in infer_error.splitlines() if "infer" in line))

lying = layers.Lambda(lambda t: t[:5], output_shape=(5,))(inputs)
real = keras.Model(inputs, lying).predict(np.ones((8, 10), "float32"), verbose=0).shape
print("declared", lying.shape, "; real output of a batch of 8:", real)
versus(my_declared, lying.shape, "the output shape the model says")
versus(my_real, real, "the shape a batch of 8 gives")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if lambda_shapes.as_recorded:  # measured in the cell above
    assert versions.NO_INFERENCE in infer_error
assert f"{tuple(lying.shape)} declared, {real} real" == lambda_shapes.observed["declared (5,) for t[:5]"]

# %% [markdown]
# Declared `(None, 5)`, real `(5, 10)`: `output_shape` is a promise, not a check. Prefer `keras.ops`
# or plain slicing (`inputs[:, :5]`), which Keras traces, and test a new layer on a concrete batch.
#
# ## 5. A custom loss returns one value per sample
#
# The article's rule: a loss function takes `(y_true, y_pred)` and returns one value **per sample**,
# e.g. the mean absolute error of each image, over axes 1, 2 and 3 of a `(batch, rows, cols,
# channels)` batch. (Its 2017 addendum: if you never use `sample_weight` or masks, a single value
# works too.)
#
# **Predict:** the shapes of the two losses below on a batch of 6 images of 4 × 4 × 1.

# %%
my_per_sample_shape = ...  # your guess: a shape, e.g. (6, 4)
my_scalar_shape = ...  # your guess: a shape


# %%
def per_sample_mae(y_true, y_pred):
    return ops.mean(ops.abs(y_pred - y_true), axis=[1, 2, 3])


def scalar_mae(y_true, y_pred):
    return ops.mean(ops.abs(y_pred - y_true))


rng = np.random.default_rng(5)
y_true, y_pred = rng.random((6, 4, 4, 1)).astype("float32"), rng.random((6, 4, 4, 1)).astype("float32")
print(
    "per sample:",
    tuple(per_sample_mae(y_true, y_pred).shape),
    " scalar:",
    tuple(scalar_mae(y_true, y_pred).shape),
)
versus(my_per_sample_shape, tuple(per_sample_mae(y_true, y_pred).shape), "shape of per_sample_mae")
versus(my_scalar_shape, tuple(scalar_mae(y_true, y_pred).shape), "shape of scalar_mae")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert tuple(per_sample_mae(y_true, y_pred).shape) == (6,) and tuple(scalar_mae(y_true, y_pred).shape) == ()

# %% [markdown]
# Why it matters: Keras applies `sample_weight` (and masks) to the per-sample values *before*
# averaging. Given one number, it can only scale it. The experiment: 64 images; in the first 32 the
# target is the image itself, in the last 32 it is the inverted image `1 − image`, a contradictory target
# we exclude with `sample_weight = 0`. The model is a single 1 × 1 convolution, `y = w·x + b`, so the
# answer is readable: learning the first half means `w = 1, b = 0`.
#
# **Predict:** trained with each loss and those weights, which one learns `w ≈ 1, b ≈ 0`?

# %%
my_learner = ...  # your guess: "per_sample_mae", "scalar_mae", "both" or "neither"

# %%
images = np.random.default_rng(0).random((64, 4, 4, 1)).astype("float32")
targets = images.copy()
targets[32:] = 1 - images[32:]
weights = np.r_[np.ones(32), np.zeros(32)].astype("float32")

learned = {}
for loss in (per_sample_mae, scalar_mae):
    keras.utils.set_random_seed(0)
    image_in = keras.Input(shape=(4, 4, 1))
    conv = layers.Conv2D(1, 1)
    model = keras.Model(image_in, conv(image_in))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
    model.fit(
        np.tile(images, (6, 1, 1, 1)),
        np.tile(targets, (6, 1, 1, 1)),
        sample_weight=np.tile(weights, 6),
        epochs=5,
        batch_size=16,
        verbose=0,
    )  # 120 steps
    learned[loss.__name__] = (float(conv.kernel.numpy().ravel()[0]), float(conv.bias.numpy()[0]))
    print(f"{loss.__name__:15s} w = {learned[loss.__name__][0]:.3f}, b = {learned[loss.__name__][1]:.3f}")
weighting = versions.SAMPLE_WEIGHT.check()  # how Keras versions weight each loss, measured
print(weighting)
identity_learners = [name for name, (w, c) in learned.items() if abs(w - 1) < 0.02 and abs(c) < 0.02]
shown = {0: "neither", 2: "both"}.get(len(identity_learners)) or identity_learners[0]
versus(my_learner, shown, "learns w ≈ 1, b ≈ 0 (within 0.02)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if weighting.as_recorded:
    assert abs(learned["per_sample_mae"][0] - 1) < 0.02 and abs(learned["per_sample_mae"][1]) < 0.02
    assert abs(learned["scalar_mae"][0] - 1) > 0.2

# %% [markdown]
# The per-sample loss ignores the zero-weighted half and learns the identity; the scalar loss learns
# a compromise between the two contradictory halves, because `sample_weight` only rescaled it.
# Measured on one batch, what the weights did to each loss:

# %%
pair_in = keras.Input(shape=(4, 4, 1))
half = np.r_[np.ones(3), np.zeros(3)].astype("float32")  # weight the first 3 of the 6 images
per_image = per_sample_mae(y_true, y_pred).numpy()
weighted = {}
for fn in (per_sample_mae, scalar_mae):
    identity = keras.Model(pair_in, layers.Identity()(pair_in))  # evaluates the loss on y_pred itself
    identity.compile(loss=fn)
    weighted[fn.__name__] = identity.evaluate(y_pred, y_true, sample_weight=half, batch_size=6, verbose=0)
print("per-image errors:", per_image.round(4))
print(
    f"per_sample_mae with weights: {weighted['per_sample_mae']:.4f} = sum of the first three / 6 "
    f"= {per_image[:3].sum() / 6:.4f}"
)
print(
    f"scalar_mae with weights:     {weighted['scalar_mae']:.4f} = mean error × mean weight "
    f"= {per_image.mean() * half.mean():.4f}"
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if weighting.as_recorded:  # measured in the cell above
    assert abs(weighted["per_sample_mae"] - per_image[:3].sum() / 6) < 1e-5
    assert abs(weighted["scalar_mae"] - per_image.mean() * half.mean()) < 1e-5

# %% [markdown]
# (Keras' default reduction divides by the batch size, 6, not by the sum of the weights.) With a
# per-sample loss the zero-weighted images drop out; with a scalar loss every image still counts and
# the weights only shrink the number.
#
# ## 6. Losses that are not `compile(loss=...)`
#
# ### From inside a layer: `add_loss`
#
# A layer can add a term to the model's loss from its `call`: `self.add_loss(value)`. Keras
# collects those terms in `model.losses` and adds them to the compiled loss in `fit` and `evaluate`.
# An activity penalty, `rate × (mean over the batch of Σ|activation|)`:

# %%
from lessons.l06_functional_api_and_losses.penalty import ActivityL1

show_source(ActivityL1)  # kept in the lesson folder: lab 6 builds its penalty model from this very layer

# %%
keras.utils.set_random_seed(0)
act_in = keras.Input(shape=(5,))
act_hidden = layers.Dense(4, activation="relu")(act_in)
penalised = keras.Model(act_in, layers.Dense(1)(ActivityL1(0.1)(act_hidden)))
features = keras.Model(act_in, act_hidden)

x5 = np.random.default_rng(6).normal(size=(32, 5)).astype("float32")
y5 = penalised.predict(x5, verbose=0)  # targets = predictions: the compiled MSE is 0
penalised.compile(optimizer="sgd", loss="mse")
reported = penalised.evaluate(x5, y5, batch_size=32, verbose=0)
by_hand = 0.1 * np.abs(features.predict(x5, verbose=0)).sum(axis=1).mean()
print(f"evaluate's loss with a zero MSE: {reported:.5f}; the penalty by hand: {by_hand:.5f}")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(reported - by_hand) < 1e-5

# %% [markdown]
# The loss `evaluate` reports is exactly the penalty. A detail that changed since Keras 2: what
# `add_loss` does with a per-sample **vector** instead of one number.
#
# **Predict:** the same penalty added per sample (`axis=-1` sum, no batch mean) on a batch of 32 —
# what does `evaluate` report?

# %%
my_loss = ...  # your guess: a number (the penalty as one number was printed above)


# %%
class ActivityL1PerSample(ActivityL1):
    def call(self, x):
        self.add_loss(self.rate * ops.sum(ops.abs(x), axis=-1))  # shape (batch,)
        return x


vector_model = keras.Model(act_in, penalised.layers[-1](ActivityL1PerSample(0.1)(act_hidden)))
vector_model.compile(optimizer="sgd", loss="mse")
vector_reported = vector_model.evaluate(x5, y5, batch_size=32, verbose=0)
print(f"per-sample add_loss: {vector_reported:.4f} = {vector_reported / by_hand:.1f} × the penalty")
vector_loss = versions.ADD_LOSS_VECTOR.check()  # what Keras versions do with a vector, measured
print(vector_loss)
versus(my_loss, vector_reported, "evaluate's loss with a per-sample add_loss")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if vector_loss.as_recorded:
    assert abs(vector_reported / by_hand - 32) < 1e-3


# %% [markdown]
# 32 times the penalty: the batch size. Keras 3 sums the vector: its trainer passes each term of
# `model.losses` through `_aggregate_additional_loss`, which returns `ops.sum(loss)`
# (`keras/src/trainers/trainer.py`). Average over the batch yourself before `add_loss`.
#
# tf.keras 2 refused it, according to its source (`tf_keras/src/engine/compile_utils.py`,
# `LossesContainer.__call__`, in tf_keras 2.21, the last Keras 2): it added the compiled loss and
# the `add_loss` terms with `tf.add_n`, which wants tensors of one shape, so a scalar loss plus a
# `(batch,)` vector failed at the first `fit` or `evaluate`. That TensorFlow op is here, so we can
# run the step that failed:


# %%
@tf.function  # fit and evaluate run in a graph, as tf.keras 2's did
def add_n_like_tf_keras_2(compiled_loss, added_loss):
    return tf.add_n([compiled_loss, added_loss])


try:
    add_n_like_tf_keras_2(tf.constant(0.0), tf.ones(32))  # a scalar MSE + a per-sample vector
    add_n_error = None
except ValueError as exc:
    add_n_error = str(exc)
shape_error = re.search(r"Shapes must be equal rank, but are \d+ and \d+", add_n_error or "")
print("tf.add_n of a scalar loss and a (32,) vector:", shape_error.group(0) if shape_error else add_n_error)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert shape_error and shape_error.group(0).endswith("0 and 1"), add_n_error

# %% [markdown]
# tf.keras 2 stopped there with that `ValueError`; Keras 3 runs on and reports 32 times the
# penalty.
#
# ### From outside any layer: override `compute_loss` (or `train_step`)
#
# The article needed a loss term that no layer sees (virtual adversarial training compares the
# model's predictions on an input and on a perturbed copy) and, in Keras 2, overrode the `Model`'s
# `losses` property. Keras 3 has a documented hook: `Model.compute_loss(x, y, y_pred, sample_weight,
# training)`. Here it adds a consistency term, the squared change of the predictions when the input
# is nudged by noise.
#
# **Predict:** trained on the same noisy data, does the model with the consistency term react less
# to a small change of its input than the plain one?

# %%
my_reacts_less = ...  # your guess: True or False


# %%
class Consistent(keras.Model):
    """A functional model whose loss also penalises ‖f(x + noise) − f(x)‖²."""

    def __init__(self, *args, weight=1.0, noise=0.3, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight, self.noise, self.seeds = weight, noise, keras.random.SeedGenerator(0)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x, y, y_pred, sample_weight, training)
        nudged = self(x + self.noise * keras.random.normal(ops.shape(x), seed=self.seeds), training=training)
        return loss + self.weight * ops.mean(ops.square(nudged - y_pred))


def smoothness_run(model_class, **kwargs):
    keras.utils.set_random_seed(0)
    data_in = keras.Input(shape=(2,))
    hidden_out = layers.Dense(64, activation="tanh")(layers.Dense(64, activation="tanh")(data_in))
    model = model_class(data_in, layers.Dense(1)(hidden_out), **kwargs)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    xs = np.random.default_rng(7).uniform(-1, 1, size=(1024, 2)).astype("float32")
    ys = (xs[:, :1] > 0).astype("float32") + np.random.default_rng(8).normal(0, 0.3, size=(1024, 1)).astype(
        "float32"
    )
    model.fit(xs, ys, epochs=4, batch_size=32, verbose=0)  # 128 steps
    grid = np.random.default_rng(9).uniform(-1, 1, size=(512, 2)).astype("float32")
    shifted = grid + np.float32(0.05)
    return float(np.abs(model.predict(shifted, verbose=0) - model.predict(grid, verbose=0)).mean())


plain_change = smoothness_run(keras.Model)
consistent_change = smoothness_run(Consistent, weight=5.0)
print(
    f"mean change of the prediction for an input shift of 0.05: plain {plain_change:.4f}, "
    f"with the consistency term {consistent_change:.4f}"
)
versus(my_reacts_less, consistent_change < plain_change, "the consistency term makes it react less")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert consistent_change < 0.7 * plain_change

# %% [markdown]
# The extra term, computed from two forward passes and no layer, shaped the training. When a loss
# needs more than `(x, y, y_pred)` — several optimizers, several models, state — override
# `train_step` instead, as in the next section.
#
# ## 7. A loss with state: BEGAN's equilibrium term
#
# BEGAN trains an autoencoder D as discriminator: L(v) is D's reconstruction error of v. D minimises
# `L_real − k·L_gen`, the generator G minimises `L_gen`, and after every step
#
# > k ← clip(k + λ_k·(γ·L_real − L_gen), 0, 1)
#
# so that D pushes on the generated samples only as much as keeps `L_gen ≈ γ·L_real`. The article's
# Keras 2 version kept k in a `K.variable`, built `K.update(k, new_k)` ops inside the *loss
# function* and had a `Model` subclass collect them through `Model.updates`. Measured: none of that
# machinery exists in Keras 3.

# %%
print(
    "keras.backend.update:",
    hasattr(keras.backend, "update"),
    "; Model.updates:",
    hasattr(keras.Model, "updates"),
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert hasattr(keras.backend, "update") == keras2_names.observed["keras.backend.update"]  # section 2
assert hasattr(keras.Model, "updates") == keras2_names.observed["Model.updates"]

# %% [markdown]
# Keras 3's way: k is a `keras.Variable` owned by the model (not trainable), and `train_step`
# assigns it after the gradient steps. `lessons.l06_functional_api_and_losses.began` provides a
# small problem — "real" points on a curved 2-D sheet in 8-D, a generator G (2 → 16 → 8) and an
# autoencoder D (8 → 16 → 2 → 16 → 8) — and the model. Its training step is shown here from its
# source file: it is the code this lesson trains below, and the one whose training traces lab 6
# asks you to read γ back from. γ = 0.5 as in the article; λ_k = 0.05 instead of the paper's
# 0.001, so that k moves within a few hundred steps of this tiny problem.

# %%
show_source(began.BEGAN)
show_source(began.reference_update_k)  # the update_k the model calls unless given another

# %% [markdown]
# **Predict:** k starts at 0 and D's reconstruction of everything starts at 0 (its last layer is
# zero), while G's first samples are almost 0. Does k first go up or down? Does it ever leave
# [0, 1]?

# %%
my_first_move = ...  # your guess: "up" or "down"
my_leaves = ...  # your guess: True or False (does k ever leave [0, 1]?)

# %%
keras.utils.set_random_seed(0)
gan = began.BEGAN()
gan.compile()
recorder = began.KTrace()
t0 = time.perf_counter()
gan.fit(began.real_samples(2048), batch_size=64, epochs=10, shuffle=True, verbose=0, callbacks=[recorder])
trace = recorder.trace()
print(
    f"{len(trace)} steps in {time.perf_counter() - t0:.1f} s; k: first {trace.k[0]:.4f}, "
    f"max {trace.k.max():.3f} at step {trace.k.argmax() + 1}, min after it {trace.k[trace.k.argmax() :].min():.4f}, "
    f"last {trace.k[-1]:.3f}"
)
began.plot_trajectory(trace)
plt.show()
versus(my_first_move, "up" if trace.balance[0] > 0 else "down", "k's first move")
versus(my_leaves, bool(trace.k.min() < 0 or trace.k.max() > 1), "k leaves [0, 1]")

# %% [markdown]
# The checks of what the plot shows: k stays in [0, 1]; at every step it moved by exactly λ_k times
# the balance term (or stopped at a bound); it rose while `γ·L_real > L_gen` at the start, turned
# when D had made `L_gen` exceed `γ·L_real`, and by the end the balance term is small — the
# equilibrium BEGAN aims for.

# %%
peak = int(trace.k.argmax())
late = np.abs(trace.balance[-50:]).mean()
print(
    f"rose for {peak + 1} steps to {trace.k[peak]:.3f}; mean |γ·L_real − L_gen| over the last 50 steps: "
    f"{late:.4f} (first step {trace.balance[0]:.4f})"
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert len(trace) == 320 and trace.k.min() >= 0 and trace.k.max() <= 1
assert began.follows_balance(trace).all()
assert np.all(trace.balance[:peak] > 0) and trace.k[peak] > 0.4, (peak, trace.k[peak])
assert trace.balance[peak + 1] < 0 and trace.k[peak:].min() < 0.1
assert late < 0.2 * trace.balance[0]
assert gan.k in gan.non_trainable_weights  # the state is part of the model (saved with it)

# %% [markdown]
# k is a weight of the model like any other, only not trained: it shows up in
# `gan.non_trainable_weights` (so `save_weights` carries it), and the training step — not the loss
# function — updates it, where it can see both losses.
#
# ### The article's trick: two tensors through one loss
#
# A loss function sees only `(y_true, y_pred)`, yet BEGAN's discriminator loss needs two
# reconstruction errors: of the real images and of the generated ones. The article's
# `DiscriminatorLoss` gets both by **stacking them on the channel axis**: its discriminator model
# takes the real and the generated images stacked as `(batch, rows, cols, 2 × channels)`,
# reconstructs each, and outputs the two reconstructions stacked the same way; the loss splits
# `y_true[:, :, :, 0:3]` from `y_true[:, :, :, 3:6]` (and `y_pred` likewise) and returns
# `L_real − k·L_gen`, one value per sample. Our toy's samples are 8-vectors, whose channel axis is
# the last one, so a stacked pair is a 16-vector. The D inside is the trained `gan`'s own
# (a model is a layer: section 2), and k is `gan.k`, read by the loss at every call.
#
# **Predict:** for a batch of real points and G's samples, with k as training left it, is the loss
# `evaluate` reports for the stacked model `L_real − k·L_gen`, computed directly from D?

# %%
my_prediction = ...  # your guess: yes or no (a bool)


# %%
def discriminator_loss_with(k):
    """The article's loss in Keras 3: split the stacked pair, L_real − k·L_gen per sample."""

    def discriminator_loss(y_true, y_pred):
        real_true, gen_true = y_true[:, : began.DIM], y_true[:, began.DIM :]
        real_pred, gen_pred = y_pred[:, : began.DIM], y_pred[:, began.DIM :]
        loss_real = ops.mean(ops.abs(real_true - real_pred), axis=-1)
        loss_gen = ops.mean(ops.abs(gen_true - gen_pred), axis=-1)
        return loss_real - k * loss_gen

    return discriminator_loss


pair = keras.Input(shape=(2 * began.DIM,))
d = gan.discriminator
stacked_d = keras.Model(pair, layers.Concatenate()([d(pair[:, : began.DIM]), d(pair[:, began.DIM :])]))
stacked_d.compile(optimizer=keras.optimizers.Adam(1e-3), loss=discriminator_loss_with(gan.k))

real_points = began.real_samples(256)
fake_points = np.asarray(
    gan.generator(np.random.default_rng(10).normal(size=(256, began.LATENT)).astype("float32"))
)
pairs = np.concatenate([real_points, fake_points], axis=-1)  # stacked on the channel (last) axis
stacked_loss = stacked_d.evaluate(pairs, pairs, batch_size=256, verbose=0)
loss_real = float(ops.mean(began.reconstruction_error(d, real_points)))
loss_gen = float(ops.mean(began.reconstruction_error(d, fake_points)))
k_now = float(gan.k.numpy())
direct = loss_real - k_now * loss_gen
versus(my_prediction, abs(stacked_loss - direct) < 1e-5, "evaluate's loss is L_real − k·L_gen")
print(
    f"evaluate: {stacked_loss:.6f}; L_real {loss_real:.6f} − k {k_now:.4f} × L_gen {loss_gen:.6f} = {direct:.6f}"
)
gan.k.assign(0.0)  # the loss reads the variable, not a copy
with_k_zero = stacked_d.evaluate(pairs, pairs, batch_size=256, verbose=0)
gan.k.assign(k_now)
print(f"with k set to 0 the same model reports {with_k_zero:.6f} = L_real")

kernel_before = np.array(d.weights[0])
stacked_d.fit(pairs, pairs, batch_size=64, epochs=1, verbose=0)  # and it trains D
print("D's first kernel moved by up to", float(np.abs(np.array(d.weights[0]) - kernel_before).max()))

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert abs(stacked_loss - direct) < 1e-5 and abs(with_k_zero - loss_real) < 1e-5
assert not np.array_equal(np.array(d.weights[0]), kernel_before)

# %% [markdown]
# It still works in Keras 3, unchanged: one stacked tensor carries two, and the loss splits them
# again. Keras 3 aligns the ranks of `y_true` and `y_pred` before calling a loss; here both are
# `(batch, 16)`, so the alignment changes nothing. What the article needed `K.update` and
# `Model.updates` for — changing k and recording values *from inside the loss* — is what our
# `train_step` does instead.
#
# ### M_global: is the training converging?
#
# The article's loss also records BEGAN's convergence measure, `M_global = L_real + |γ·L_real −
# L_gen|`: how well D reconstructs real data, plus how far the pair is from the equilibrium. The
# BEGAN paper uses it to tell when training has converged, since neither loss alone says it (D's
# loss moves with k). Our toy run recorded both terms after every step, in `trace`.
#
# **Predict:** M_global over the last 50 steps, as a share of its value at the first step?

# %%
my_prediction = ...  # your guess: a share, 0…1

# %%
m_global = trace.loss_real + np.abs(trace.balance)  # balance = γ·L_real − L_gen
late_m = float(m_global[-50:].mean())
versus(my_prediction, late_m / m_global[0], "M_global over the last 50 steps / at the first step")
fig, ax = plt.subplots(figsize=(8, 3))
ax.plot(np.arange(1, len(trace) + 1), m_global, color="tab:green", label="M_global")
ax.plot(np.arange(1, len(trace) + 1), trace.k, color="black", lw=1, label="k")
ax.set_xlabel("training step")
ax.legend()
plt.show()
print(
    f"M_global: first step {m_global[0]:.3f}, at k's peak (step {peak + 1}) {m_global[peak]:.3f}, "
    f"mean of the last 50 steps {late_m:.3f}"
)

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert late_m < 0.25 * m_global[0] and late_m < m_global[peak]

# %% [markdown]
# M_global falls for most of the run and then levels off, while k rises and falls: the measure
# says "converging" where k alone cannot. In the article's Keras 2 code it was one more `K.update`
# out of the loss function; in Keras 3 `train_step` can return it beside the values it already
# returns (which `KTrace` records; M_global is computed here from two of them).
#
# ## What changed since the article
#
# | Tip (Keras 2) | Keras 3 (3.8.0 to 3.15.1), measured above |
# |---|---|
# | functional API, shared layer instances | unchanged; `Model(inputs=, outputs=)` |
# | `Container` to share a block | gone; a functional `Model` is a layer |
# | "Not a Keras tensor" after a raw op | the raw op itself raises "A KerasTensor cannot be used as input to a TensorFlow function"; use `keras.ops`, `Lambda` or a layer |
# | `inputs[:5]` "raises an error" | "Unsupported key type for array slice"; `inputs[:, :5]` works without `Lambda`; `t[:5]` inside a `Lambda` is silent |
# | `Lambda(output_shape=...)` needed when the shape changes | inferred; needed only when tracing fails, and trusted when given |
# | per-sample losses | unchanged; `sample_weight` only rescales a scalar loss |
# | `add_loss`; overriding `Model.losses` | `add_loss` (one number: vectors are summed); override `compute_loss` or `train_step` |
# | `K.update` collected through `Model.updates` | a `keras.Variable` assigned in `train_step` |
# | two tensors through one loss, stacked on the channel axis | unchanged |

# %%
elapsed = time.perf_counter() - LESSON_STARTED
print(f"lesson body executed in {elapsed:.1f} s (plus the imports above)")
