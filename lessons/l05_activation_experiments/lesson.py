# %% [markdown]
# # Lesson 5 — Which activation can learn the identity? And what BatchNormalization did
#
# Lesson 4 ended with an identity model whose sigmoid turns 0 into 0.5 and 1 into 0.731. The
# article's author continued with two experiments, which this lesson repeats in Keras 3:
#
# 1. the *exact* identity without an activation and with relu;
# 2. the same one-layer model trained from Keras' default initializer, with relu, tanh, sigmoid,
#    and sigmoid followed by `BatchNormalization` — which suddenly reached accuracy 1.0. The
#    article stopped there, on a cliffhanger ("some magic happens"); we open the trained
#    BatchNormalization layer and read off what it learnt.
#
# As before: predict (write your guess in the cell below each question), then run the cell that
# measures it; it prints your guess beside the measurement. The `fast` profile (default) uses
# 32×32 crops and 300 training steps per model; the `article` profile is the article's 64×64,
# 20 epochs × 100 steps, batch 128 (for a GPU).

# %% tags=["parameters"]
profile = "fast"

# %%
# Takes a while: importing TensorFlow and Keras took 13–45 s on 2 CPU cores.
from pitfalls.predictions import versus
from pitfalls.session import start

session = start(seed=0, gpu=profile == "article")  # the article profile is meant for a GPU: use one if any

# %%

import keras
import numpy as np

from pitfalls.autoencoder import get_profile, train
from pitfalls.data import flighttracks_tf
from pitfalls.reconstructions import learning_curves, lit_fraction, reproduced_fraction, rows

P = get_profile(profile)
print("Running the", P)
SIDE, N = P.size, P.size * P.size
data = flighttracks_tf.load(size=SIDE, batch_size=P.batch_size, seed=0)
# Every model below trains on the same augmented batches, drawn once and replayed: making an
# augmented batch costs about as much as a training step (the article profile's 2000 batches
# would take 1 GB, so it keeps the live stream).
data = flighttracks_tf.recorded(data, steps=P.steps)
print(data)
x = data.test_batch()
p = lit_fraction(np.concatenate([b for b, _ in data.test.as_numpy_iterator()]))
print(f"lit fraction of the test images p = {p:.4%}")
measured = {}

# %% [markdown]
# ## 1. The exact identity, without an activation and with relu
#
# *Predict:* loss and accuracy of `Dense(N, use_bias=False, kernel_initializer=Identity())` with
# no activation, and with relu (`relu(0) = 0`, `relu(1) = 1`)?

# %%
my_losses = ...  # your guess: two numbers, no activation then relu
my_accuracies = ...  # your guess: two numbers between 0 and 1

# %%
# Lesson 4's exact identity (pitfalls.identity.identity_model, whose source lesson 4 shows), with
# another activation: Flatten → Dense(N, no bias, identity kernel, activation) → Reshape.
from pitfalls.identity import identity_model

exact = {}
for activation in (None, "relu"):
    scores = exact[activation] = identity_model(SIDE, activation).evaluate(
        data.test, verbose=0, return_dict=True
    )
    print(f"activation {activation!s:>5}: MSE {scores['loss']}, accuracy {scores['accuracy']}")
    measured[f"exact identity, {activation}: loss"] = scores["loss"]
versus(my_losses, [s["loss"] for s in exact.values()], "MSE, no activation and relu")
versus(my_accuracies, [s["accuracy"] for s in exact.values()], "accuracy, no activation and relu")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert all(s["loss"] == 0.0 and s["accuracy"] == 1.0 for s in exact.values()), exact

# %% [markdown]
# A perfect copy: loss 0, accuracy 1, as in the article. Training cannot improve it — the
# gradient of a zero loss is zero. The article compiled the relu model with
# `loss="binary_crossentropy"` and printed a loss of 0.0.
#
# *Predict:* binary cross-entropy of a perfect 0/1 prediction in Keras 3? And in the article's
# tf.keras 2?

# %%
my_keras3 = ...  # your guess: a number, the loss Keras 3 reports
my_tf_keras2 = ...  # your guess: a number, tf.keras 2's loss per pixel

# %%
bce = identity_model(SIDE, "relu", loss="binary_crossentropy").evaluate(
    data.test, verbose=0, return_dict=True
)
eps = np.float32(keras.config.epsilon())  # 1e-7, in float32 like the model's outputs


def bce_keras3(y, q):
    """Keras 3's formula (keras/src/backend/tensorflow/nn.py): clip to [ε, 1 − ε], then log(q)."""
    q = np.clip(q, eps, np.float32(1) - eps)
    return -(y * np.log(q) + (1 - y) * np.log(1 - q))


def bce_tf_keras2(y, q):
    """tf.keras 2's formula (keras/backend.py, the lines the article quotes): clip, then log(q + ε)."""
    q = np.clip(q, eps, np.float32(1) - eps)
    return -(y * np.log(q + eps) + (1 - y) * np.log(1 - q + eps))


perfect = np.array([0, 1], "float32")  # a black and a lit pixel, predicted exactly
bce_new, bce_old = bce_keras3(perfect, perfect), bce_tf_keras2(perfect, perfect)
print(f"Keras 3 evaluate: binary cross-entropy {bce['loss']:.4g}")
print(f"per pixel, in float32: Keras 3's formula {bce_new}, tf.keras 2's formula {bce_old}")
measured["exact identity, relu: binary cross-entropy"] = bce["loss"]
versus(my_keras3, bce["loss"], "Keras 3: binary cross-entropy of a perfect prediction")
versus(my_tf_keras2, float(bce_old[0]), "tf.keras 2's formula, per pixel")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert bce_new.dtype == bce_old.dtype == np.float32
assert np.allclose(bce_new, 1.1920929e-07, rtol=1e-6) and abs(bce["loss"] - bce_new[0]) < 1e-8
assert np.all(bce_old == 0) and np.all(np.signbit(bce_old))  # exactly −0.0

# %% [markdown]
# Not quite 0 in Keras 3: it clips a probability to `[1e-7, 1 − 1e-7]` and takes the log of the
# clipped value, so a perfect answer costs `−ln(1 − 1e-7)` per pixel, 1.19e-7 in float32.
# tf.keras 2 clipped too, but then took `log(q + ε)` (the two lines the article quotes from
# TensorFlow's source): `1 − 1e-7 + 1e-7` rounds to exactly 1 in float32, whose log is 0, so its
# loss was exactly 0 (−0.0): the article's `0.0000e+00` was the true value, not a rounded one.
# What changed is the formula: Keras 3 dropped the `+ ε`.
#
# ## 2. Learning the identity: relu, tanh, sigmoid, sigmoid + BatchNormalization
#
# Now the same single layer, but starting from Keras' default initializer (`glorot_uniform`,
# small random weights) instead of the identity, and trained with MSE and Adam. Still no bias.
#
# *Predict:* rank the four by their final loss. Which reaches accuracy 1.0 first?

# %%
my_ranking = ...  # your guess: the four names, lowest final loss first, e.g. ["tanh", "sigmoid", ...]
my_first = ...  # your guess: the name of the one that first shows accuracy 1.0000


# %%
# Takes a while: trains four models, 68 s on 2 busy CPU cores (a progress bar per model).
def candidate(activation, batch_norm=False):
    """The one-layer autoencoder to train: Dense(N, no bias, default initializer) [+ BN]."""
    layers = [
        keras.Input(shape=(SIDE, SIDE, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(N, activation=activation, use_bias=False),
    ]
    if batch_norm:
        layers.append(keras.layers.BatchNormalization(momentum=P.bn_momentum))
    layers.append(keras.layers.Reshape((SIDE, SIDE, 1)))
    model = keras.Sequential(layers, name=activation + ("_bn" if batch_norm else ""))
    model.compile(optimizer=keras.optimizers.Adam(P.learning_rate), loss="mse", metrics=["accuracy"])
    return model


runs, models = {}, {}
for name, activation, batch_norm in (
    ("relu", "relu", False),
    ("tanh", "tanh", False),
    ("sigmoid", "sigmoid", False),
    ("sigmoid + BN", "sigmoid", True),
):
    keras.utils.set_random_seed(0)
    models[name] = candidate(activation, batch_norm)
    runs[name] = train(models[name], data, P, name=name)
    r = runs[name]
    print(
        f"{name:>13}: loss {r.last('loss'):.2e}, accuracy {r.last('accuracy'):.4f} | test: loss "
        f"{r.last('val_loss'):.2e}, accuracy {r.last('val_accuracy'):.5f} ({r.seconds:.1f} s)"
    )
fig = learning_curves({name: r.history for name, r in runs.items()})

# %%
recons = {name: model.predict(x, verbose=0) for name, model in models.items()}
fig, _ = rows({"original": x, **recons}, n=8, title=f"after {P.steps} steps")
shown = {name: reproduced_fraction(x, r) for name, r in recons.items()}
print("lit pixels reproduced (> 0.5):", {k: f"{v:.1%}" for k, v in shown.items()})

# %%
final = {name: r.last("loss") for name, r in runs.items()}
bn_epoch = runs["sigmoid + BN"].first_epoch_reaching("accuracy", 0.99995)  # prints as 1.0000
for name, r in runs.items():
    measured[f"{name}: training loss"] = r.last("loss")
    measured[f"{name}: training accuracy"] = r.last("accuracy")
measured["sigmoid + BN: first epoch at accuracy 1.0000"] = bn_epoch or float("nan")
measured["sigmoid + BN: test accuracy"] = runs["sigmoid + BN"].last("val_accuracy")
print("final training losses:", {k: f"{v:.2e}" for k, v in final.items()})
print(f"sigmoid + BN first shows accuracy 1.0000 at epoch {bn_epoch} of {P.epochs}")
versus(my_ranking, sorted(final, key=final.get), "lowest final training loss first")
reaching = {name: r.first_epoch_reaching("accuracy", 0.99995) or P.epochs + 1 for name, r in runs.items()}
versus(my_first, min(reaching, key=reaching.get), "first to show accuracy 1.0000")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
for name in ("relu", "tanh"):  # still improving at the end: lower than three epochs before
    assert runs[name].history["loss"][-1] < runs[name].history["loss"][-4], runs[name].history["loss"]
assert max(final, key=final.get) == "sigmoid", final  # the plain sigmoid learns slowest
assert final["relu"] < final["sigmoid"] / 3 and final["tanh"] < final["sigmoid"] / 3, final
assert bn_epoch is not None and runs["sigmoid + BN"].last("val_accuracy") > 0.999
assert shown["sigmoid + BN"] > 0.99 and shown["sigmoid"] < shown["tanh"], shown

# %% [markdown]
# relu and tanh learn the identity and are still improving when we stop (the article: losses
# 2e-4 and 6e-4 after 20 epochs, "and one can train further"). The plain sigmoid is the slowest by
# far (the article: a plateau around epoch 50 at loss 0.01). Sigmoid followed by
# `BatchNormalization` reaches accuracy 1.0 within a few epochs (the article: epoch 13), and its
# reconstructions show every lit pixel. Our numbers for both profiles are in the table at the
# end. Why does a normalisation layer rescue the sigmoid?
#
# ## 3. Inside the trained BatchNormalization layer
#
# At inference a BatchNormalization layer computes, per feature `j` (here: per pixel),
#
# $$y_j = \gamma_j\,\frac{s_j - \mu_j}{\sqrt{\sigma_j^2 + \varepsilon}} + \beta_j
#      = a_j\,s_j + b_j, \qquad a_j = \frac{\gamma_j}{\sqrt{\sigma^2_j+\varepsilon}},\quad
#      b_j = \beta_j - a_j\,\mu_j,$$
#
# with `s_j` the sigmoid's output, `μ, σ²` the moving mean and variance it tracked during training,
# and `γ, β` the scale and shift it learnt. So it is a per-pixel *gain* `a` and *offset* `b`: the
# bias the Dense layer was denied, plus an amplifier.
#
# *Predict:* after training, what does the sigmoid output for a black pixel and for a lit one —
# near 0 and 1, or somewhere else?

# %%
my_black = ...  # your guess: the sigmoid's output for a black pixel, a number
my_lit = ...  # your guess: its output for a lit pixel

# %%
bn_model = models["sigmoid + BN"]
dense = next(l for l in bn_model.layers if isinstance(l, keras.layers.Dense))
bn = next(l for l in bn_model.layers if isinstance(l, keras.layers.BatchNormalization))
gamma, beta, mu, var = (np.asarray(w) for w in (bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance))
gain = gamma / np.sqrt(var + bn.epsilon)
offset = beta - gain * mu

flat = x.reshape(len(x), -1)
s = np.asarray(keras.activations.sigmoid(flat @ np.asarray(dense.kernel)))  # the sigmoid's output
lit = flat > 0.5
folded = gain * s + offset  # BN as the affine map a·s + b
predicted = bn_model.predict(x, verbose=0).reshape(len(x), -1)
print(f"γ median {np.median(gamma):.3f}, β median {np.median(beta):+.4f}")
print(
    f"moving mean μ median {np.median(mu):.4f}; moving variance σ² median {np.median(var):.2e} "
    f"(ε = {bn.epsilon:g})"
)
print(
    f"sigmoid output: black pixels median {np.median(s[~lit]):.4f} (1–99 %: "
    f"{np.percentile(s[~lit], 1):.4f}…{np.percentile(s[~lit], 99):.4f}), lit pixels median "
    f"{np.median(s[lit]):.4f}"
)
print(
    f"gain a median {np.median(gain):.1f}; the offset puts s = 0.5 at a·0.5 + b = "
    f"{np.median(gain * 0.5 + offset):+.4f}; output 1 needs s = (1 - b)/a = {np.median((1 - offset) / gain):.4f}"
)
print(f"BN as a·s + b reproduces the model's output to {np.abs(folded - predicted).max():.1e}")
measured["BN: median gain a"] = float(np.median(gain))
measured["BN: sigmoid output of a lit pixel (median)"] = float(np.median(s[lit]))
measured["BN: output for s = 0.5 (median)"] = float(np.median(gain * 0.5 + offset))
versus(my_black, float(np.median(s[~lit])), "sigmoid output, black pixels (median)")
versus(my_lit, float(np.median(s[lit])), "sigmoid output, lit pixels (median)")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.abs(folded - predicted).max() < 1e-3
assert abs(np.median(s[~lit]) - 0.5) < 0.01 and np.median(s[lit]) < 0.65
assert abs(np.median(mu) - 0.5) < 0.05 and np.median(gain) > 5
assert abs(np.median(gain * 0.5 + offset)) < 0.05
assert np.median(var) < bn.epsilon and np.median(s[lit]) - 0.5 < 0.15

# %% [markdown]
# The sigmoid never learnt to output 0 and 1. Black pixels still come out at 0.5 and lit ones
# only a little higher. The BatchNormalization layer does the rest: its moving mean μ ≈ 0.5 and
# its offset put 0.5 at 0, and its gain `a = γ/√(σ² + ε)` (σ² is so small that ε dominates)
# stretches the small step up to 1.
#
# Why the plain sigmoid crawls: without a bias, the logit of an output pixel is the sum of the
# weights coming from the image's few lit pixels. To output 0 on the black pixels (a share 1 − p),
# every lit input pixel must send large negative weights to every other pixel, while its own pixel
# needs a large positive one — and an all-black image gets σ(0) = 0.5 everywhere, whatever the weights.
# With BN behind it, the sigmoid only has to take the small step measured above, away from 0.5.
#
# **One detail for short runs.** BN's moving mean and variance start at 0 and 1 and move toward
# the batch statistics by a factor `1 − momentum` per step. With Keras' default momentum 0.99, a
# share `0.99^steps` of the starting variance is left after training.
#
# *Predict:* after the fast profile's 300 steps with momentum 0.99, would `evaluate` still see
# accuracy 1.0?

# %%
my_accuracy = ...  # your guess: the test-batch accuracy with momentum 0.99, a number (1.0: yes)


# %%
def moving_stats_after(steps, momentum):
    """BN's moving mean and variance after `steps` updates from (0, 1) toward this layer's (μ, σ²)."""
    left = momentum**steps
    return (1 - left) * mu, left * 1.0 + (1 - left) * var


accuracy = {}
for momentum in dict.fromkeys((0.99, P.bn_momentum)):  # Keras' default, and this profile's
    mu_m, var_m = moving_stats_after(P.steps, momentum)
    y_m = gamma * (s - mu_m) / np.sqrt(var_m + bn.epsilon) + beta
    accuracy[momentum] = float(np.mean((y_m > 0.5) == lit))
    print(
        f"momentum {momentum}: {momentum**P.steps:.1e} of the initial variance left after {P.steps} "
        f"steps; gain divided by {np.median(np.sqrt((var_m + bn.epsilon) / (var + bn.epsilon))):.1f}; "
        f"accuracy on the test batch {accuracy[momentum]:.4f}"
    )
print(f"this profile uses momentum {P.bn_momentum}")
measured["BN: share of the initial moving variance left"] = P.bn_momentum**P.steps
measured["BN: test-batch accuracy had momentum been 0.99"] = accuracy[0.99]
versus(my_accuracy, accuracy[0.99], "test-batch accuracy, had momentum been 0.99")

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
if 0.99**P.steps > 0.01:  # a short run: the default momentum would not have caught up
    assert accuracy[0.99] < 0.99 < accuracy[P.bn_momentum], accuracy
assert P.bn_momentum**P.steps < 0.01

# %% [markdown]
# After the article's 2000 steps, 0.99²⁰⁰⁰ ≈ 2e-9 of the start is left: nothing. After the fast
# profile's 300 steps, 0.99³⁰⁰ ≈ 5 % of the starting variance 1.0 would still sit on a variance of
# a few times 1e-5: the gain at inference would shrink several-fold, and the training accuracy
# would say 1.0 while `evaluate` and the pictures would not (the cell above computes it from this
# layer's own γ, β, μ, σ² with the lagging statistics). That is why the fast profile uses
# momentum 0.9.

# %% [markdown]
# **Try it.** Switch BatchNormalization on and off after the sigmoid and watch the output histogram
# (on this lesson's test batch `x`, through lesson 4's identity-sigmoid model).

# %%
from pitfalls.widgets import batchnorm_explorer

image = int(np.argmax(x.sum(axis=(1, 2, 3))))  # the test image with the longest track, as in lesson 4
batchnorm_explorer(images=x, predictions=identity_model(SIDE).predict(x, verbose=0), image=image)

# %% [markdown]
# ## 4. Offset or gain: which part of BatchNormalization rescues the sigmoid?
#
# The fold above says BN is a per-pixel offset `b` and gain `a`. Which one matters? Keras lets us
# switch its *learnt* parts off: `center=False` drops β, `scale=False` drops γ. And the plain
# sigmoid was denied a bias: give it one (`use_bias=True`), an offset without BN. Five variants,
# trained on the same replayed batches for half the run; `sigmoid` and `sigmoid + BN` are the
# runs of section 2, read at that epoch (same seed, same batches: their first half *is* a shorter
# run).
#
# *Predict:* rank the five by training loss after half the run, best first.

# %%
my_prediction = ...  # your guess: a list of the five names below, best (lowest loss) first

# %%
# Takes a while: trains three models for half the run each, 10–30 s on 2 CPU cores.
ablation_epochs = P.epochs // 2


def variant(use_bias=False, **batch_norm):
    """Dense(N, sigmoid) [with a bias] [+ BatchNormalization(**batch_norm)], as in section 2."""
    layers = [
        keras.Input(shape=(SIDE, SIDE, 1)),
        keras.layers.Flatten(),
        keras.layers.Dense(N, activation="sigmoid", use_bias=use_bias),
    ]
    if batch_norm:
        layers.append(keras.layers.BatchNormalization(momentum=P.bn_momentum, **batch_norm))
    layers.append(keras.layers.Reshape((SIDE, SIDE, 1)))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(P.learning_rate), loss="mse", metrics=["accuracy"])
    return model


ablation = {name: models[name] for name in ("sigmoid", "sigmoid + BN")}  # layers, for the table
half = {name: {k: v[:ablation_epochs] for k, v in runs[name].history.items()} for name in ablation}
for name, kwargs in (
    ("sigmoid + bias", {"use_bias": True}),
    ("BN, center=False", {"center": False}),
    ("BN, scale=False", {"scale": False}),
):
    keras.utils.set_random_seed(0)
    ablation[name] = variant(**kwargs)
    half[name] = train(ablation[name], data, P, epochs=ablation_epochs, name=name).history
fig = learning_curves(half)

# %%
ranking = sorted(half, key=lambda name: half[name]["loss"][-1])
versus(my_prediction, ranking, f"ranked by training loss after {ablation_epochs * P.steps_per_epoch} steps")
print(f"{'variant':<17} {'learnt offset':>13} {'learnt gain':>11} {'loss':>9} {'test accuracy':>13}")
for name, model in ablation.items():
    bn_layer = next((l for l in model.layers if isinstance(l, keras.layers.BatchNormalization)), None)
    learnt_offset = "Dense bias" if name == "sigmoid + bias" else "β" if bn_layer and bn_layer.center else "—"
    learnt_gain = "γ" if bn_layer and bn_layer.scale else "—"
    loss, test_accuracy = half[name]["loss"][-1], half[name]["val_accuracy"][-1]
    print(f"{name:<17} {learnt_offset:>13} {learnt_gain:>11} {loss:>9.2e} {test_accuracy:>13.5f}")
    measured[f"{name}: loss after {ablation_epochs} epochs"] = loss
loss_of = {name: h["loss"][-1] for name, h in half.items()}
accuracy_of = {name: h["val_accuracy"][-1] for name, h in half.items()}

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert 0.67 < loss_of["BN, center=False"] / loss_of["sigmoid + BN"] < 1.5, loss_of  # β: no difference
assert loss_of["sigmoid + bias"] > 2 * loss_of["sigmoid + BN"], loss_of  # a bias alone: no rescue
assert loss_of["BN, scale=False"] > 1.3 * loss_of["sigmoid + BN"], loss_of  # γ: the last stretch
assert max(accuracy_of["sigmoid"], accuracy_of["sigmoid + bias"]) < min(
    accuracy_of[name] for name in ablation if "BN" in name
), accuracy_of

# %% [markdown]
# Dropping the learnt offset β changes almost nothing; giving the sigmoid a bias instead barely
# helps; dropping the learnt gain γ costs more. Why, from Keras' code: `BatchNormalization.call`
# (`keras/src/layers/normalization/batch_normalization.py`) sets `gamma = None` when `scale=False`
# and `beta = None` when `center=False`, then calls `ops.batch_normalization(x, mean, variance,
# offset=beta, scale=gamma, epsilon)`, which computes `(x − mean) / √(variance + ε)`, times γ, plus
# β, skipping what is `None`. So even with both off the layer still subtracts the batch mean — an
# offset that puts the sigmoid's 0.5 at 0 from the first step — and divides by the batch's standard
# deviation — a gain of up to 1/√ε ≈ 32, large from the first step too (measured below on a fresh
# layer). Neither has to be learnt. The bias, by contrast, is a weight that Adam moves by at most
# about one learning rate per step (`keras/src/optimizers/adam.py`, `update_step`: the step is
# `lr·m̂/(√v̂ + ε)`, and `|m̂| ≲ √v̂`):

# %%
bias = np.asarray(
    next(l for l in ablation["sigmoid + bias"].layers if isinstance(l, keras.layers.Dense)).bias
)
no_gamma = next(
    l for l in ablation["BN, scale=False"].layers if isinstance(l, keras.layers.BatchNormalization)
)
free_gain = 1 / np.sqrt(np.asarray(no_gamma.moving_variance) + no_gamma.epsilon)
budget = ablation_epochs * P.steps_per_epoch * P.learning_rate
print(
    f"sigmoid + bias: bias median {np.median(bias):+.3f} after {ablation_epochs * P.steps_per_epoch} steps "
    f"(Adam's budget ≈ steps × lr = {budget:.2f}): a black pixel's output σ(bias) ≈ {1 / (1 + np.exp(-np.median(bias))):.3f}, not 0"
)
print(
    f"BN, scale=False: the gain 1/√(σ² + ε) it computes, median {np.median(free_gain):.1f} (γ = 1 throughout)"
)
keras.utils.set_random_seed(0)
fresh = variant(scale=False)  # untrained: what the normalisation does at the first step
s_fresh = np.asarray(keras.activations.sigmoid(x.reshape(len(x), -1) @ np.asarray(fresh.layers[1].kernel)))
first_gain = 1 / np.sqrt(s_fresh.var(axis=0) + no_gamma.epsilon)
print(
    f"at the first step, on one batch: sigmoid outputs {s_fresh.min():.3f}…{s_fresh.max():.3f}, gain median {np.median(first_gain):.1f}"
)
measured["ablation, sigmoid + bias: median bias"] = float(np.median(bias))

# %% jupyter={"source_hidden": true}
# checks that the text above is true (collapsed)
assert np.abs(bias).max() <= 1.1 * budget and np.median(bias) > -budget
assert np.median(free_gain) > 5 and np.median(first_gain) > 5

# %% [markdown]
# The bias moved by a fraction of a unit — Adam's step bounds it — and σ of it is still far from 0:
# an offset that has to be *learnt* inside the sigmoid arrives too slowly. BN's offset and gain come
# from the batch statistics and need no learning; the learnt γ then refines the gain (without it the
# loss stays higher), and β has nothing left to do. The failure section 2 showed is a missing
# *gain*: the sigmoid's outputs differ by little, and something must amplify that difference.

# %% [markdown]
# ## What we measured, beside the article

# %%
article = {
    "exact identity, None: loss": "0.0",
    "exact identity, relu: loss": "0.0",
    "exact identity, relu: binary cross-entropy": "0.0",
    "relu: training loss": "2e-4",
    "relu: training accuracy": "0.9999",
    "tanh: training loss": "6e-4",
    "tanh: training accuracy": "0.9999",
    "sigmoid: training loss": "0.01 (60 ep.)",
    "sigmoid: training accuracy": "0.9970 (60 ep.)",
    "sigmoid + BN: first epoch at accuracy 1.0000": "13",
}
print(f"{'quantity':<52} {'article':>16} {'ours (' + P.name + ')':>16}")
for key, value in measured.items():
    print(f"{key:<52} {article.get(key, '—'):>16} {value:>16.4g}")

# %% [markdown]
# **Next: lab 5**, in your own copy:
# [`work/lab05_activations/lab05_activations.ipynb`](../work/lab05_activations/lab05_activations.ipynb)
# (`make lab` or `make fetch-lab LAB=lab05_activations` makes it; never work in `release/`). It asks
# what this lesson did not compute: which activations copy an image, or any input, exactly; a
# BatchNormalization layer folded into the Dense layer before it; the moving statistics after k
# steps; the identity without BatchNormalization; and the diagnosis of a model that trained well
# and evaluates badly.
