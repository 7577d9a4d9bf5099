"""Answers learners write for lab 6, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive. Code here may use only ``np`` and ``keras`` from the lab's setup cell
(``tests/test_autograde.py`` re-runs warning variants in a namespace holding just those two).
"""

VARIANTS = {
    "batch-axis-in-lambda": {
        "why": "the article's x[:5], inside a Lambda: Keras 3 builds the model, the slice takes samples",
        "cells": {
            "ex1": (
                "def split_in_halves(width):\n"
                "    half = width // 2\n"
                "    inputs = keras.Input(shape=(width,))\n"
                "    first = keras.layers.Lambda(lambda t: t[:half])(inputs)\n"
                "    second = keras.layers.Lambda(lambda t: t[half:])(inputs)\n"
                "    return keras.Model(inputs, [first, second])\n"
            )
        },
        "fails": {"ex1-check": "slices the batch axis"},
    },
    "batch-axis-on-input": {
        "why": "x[:5] straight on the symbolic input: Keras 3 refuses it",
        "cells": {
            "ex1": (
                "def split_in_halves(width):\n"
                "    inputs = keras.Input(shape=(width,))\n"
                "    return keras.Model(inputs, [inputs[:width // 2], inputs[width // 2:]])\n"
            )
        },
        "fails": {"ex1-check": "Unsupported key type for array slice"},
    },
    # Exercise 2: heads meant to share a body.
    "colleague-as-is": {
        "why": "the colleague's builder handed in: body(x) makes new Dense layers at every call",
        "cells": {
            "ex2": ("def build_heads(n_features, heads):\n    return colleagues_heads(n_features, heads)\n")
        },
        "fails": {"ex2-check": "every model has a body of its own"},
    },
    "clone-per-head": {
        "why": "one body model, but clone_model'd per head: copies with weights of their own",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    body_in = keras.Input(shape=(n_features,))\n"
                "    h = keras.layers.Dense(16, activation='relu')(body_in)\n"
                "    body = keras.Model(body_in, keras.layers.Dense(8, activation='relu')(h))\n"
                "    models = []\n"
                "    for units, activation in heads:\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        features = keras.models.clone_model(body)(inputs)\n"
                "        models.append(keras.Model(inputs, keras.layers.Dense(units, activation=activation)(features)))\n"
                "    return models\n"
            )
        },
        "fails": {"ex2-check": "every model has a body of its own"},
    },
    "half-shared-body": {
        "why": "the first Dense moved out of the helper, the second still built per call",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    first = keras.layers.Dense(16, activation='relu')\n"
                "    def body(x):\n"
                "        return keras.layers.Dense(8, activation='relu')(first(x))\n"
                "    models = []\n"
                "    for units, activation in heads:\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        models.append(keras.Model(inputs, keras.layers.Dense(units, activation=activation)(body(inputs))))\n"
                "    return models\n"
            )
        },
        "fails": {"ex2-check": "weight variables in common, expected the body's 4"},
    },
    "head-activation-dropped": {
        "why": "a shared body, but every head built as Dense(units): the activations are lost",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    body = keras.Sequential([keras.layers.Dense(16, activation='relu'), keras.layers.Dense(8, activation='relu')])\n"
                "    models = []\n"
                "    for units, activation in heads:\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        models.append(keras.Model(inputs, keras.layers.Dense(units)(body(inputs))))\n"
                "    return models\n"
            )
        },
        "fails": {"ex2-check": "has the activation 'linear', expected"},
    },
    "one-model-many-outputs": {
        "why": "one model with an output per head, where a model per head was asked",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    inputs = keras.Input(shape=(n_features,))\n"
                "    x = keras.layers.Dense(8, activation='relu')(keras.layers.Dense(16, activation='relu')(inputs))\n"
                "    return keras.Model(inputs, [keras.layers.Dense(u, activation=a)(x) for u, a in heads])\n"
            )
        },
        "fails": {"ex2-check": "should return a list of"},
    },
    "frozen-shared-body": {
        "why": "the body shared, then frozen 'to keep it shared': no head can train it",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    body = keras.Sequential([keras.layers.Dense(16, activation='relu'), keras.layers.Dense(8, activation='relu')])\n"
                "    body.trainable = False\n"
                "    models = []\n"
                "    for units, activation in heads:\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        models.append(keras.Model(inputs, keras.layers.Dense(units, activation=activation)(body(inputs))))\n"
                "    return models\n"
            )
        },
        "fails": {"ex2-check": "are not trainable"},
    },
    "body-widths-swapped": {
        "why": "a shared body of Dense(8) → Dense(16): the right sharing, the wrong sizes",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    body = keras.Sequential([keras.layers.Dense(8, activation='relu'), keras.layers.Dense(16, activation='relu')])\n"
                "    models = []\n"
                "    for units, activation in heads:\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        models.append(keras.Model(inputs, keras.layers.Dense(units, activation=activation)(body(inputs))))\n"
                "    return models\n"
            )
        },
        "fails": {"ex2-check": "check the layer sizes"},
    },
    "shared-layers-one-input": {
        "why": "right, written differently: two layer instances made once, one Input tensor for every model",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    first, second = keras.layers.Dense(16, activation='relu'), keras.layers.Dense(8, activation='relu')\n"
                "    inputs = keras.Input(shape=(n_features,))\n"
                "    features = second(first(inputs))\n"
                "    return [keras.Model(inputs, keras.layers.Dense(u, activation=a)(features)) for u, a in heads]\n"
            )
        },
        "fails": {},
    },
    # Right, written differently: a Sequential body with Keras 2's input_shape (the article's own
    # `Dense(32, input_dim=784)` habit) provokes Keras 3's UserWarning on stderr; still full marks.
    "right-with-warning": {
        "why": "Sequential body with input_shape=: a UserWarning, still a correct shared body",
        "cells": {
            "ex2": (
                "def build_heads(n_features, heads):\n"
                "    body = keras.Sequential([\n"
                "        keras.layers.Dense(16, activation='relu', input_shape=(n_features,)),\n"
                "        keras.layers.Dense(8, activation='relu'),\n"
                "    ])\n"
                "    models = []\n"
                "    for units, activation in heads:\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        models.append(keras.Model(inputs, keras.layers.Dense(units, activation=activation)(body(inputs))))\n"
                "    return models\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["build_heads"](20, [(3, "softmax"), (1, None)]),
    },
    # Exercise 3: a per-sample loss for any rank.
    "lesson-axes": {
        "why": "the lesson's axis=[1, 2, 3]: right for images only",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n    return ops.mean(ops.abs(y_pred - y_true), axis=[1, 2, 3])\n"
            )
        },
        "fails": {"ex3-check": "names axes that a batch of rank 2 does not have"},
    },
    "last-axis-only": {
        "why": "axis=-1, Keras' own per-sample reduction: right for (batch, features) only",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n    return ops.mean(ops.abs(y_pred - y_true), axis=-1)\n"
            )
        },
        "fails": {"ex3-check": "8 values per sample instead of one"},
    },
    "axes-off-by-one": {
        "why": "range(1, rank - 1): leaves the last axis of every sample",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n"
                "    error = ops.abs(y_pred - y_true)\n"
                "    return ops.mean(error, axis=tuple(range(1, len(error.shape) - 1)))\n"
            )
        },
        "fails": {"ex3-check": "values per sample instead of one"},
    },
    "scalar-loss": {
        "why": "a loss collapsed to one number for the batch",
        "cells": {
            "ex3": ("def per_sample_mae(y_true, y_pred):\n    return ops.mean(ops.abs(y_pred - y_true))\n")
        },
        "fails": {"ex3-check": "one number for the whole batch"},
    },
    "sum-not-mean": {
        "why": "one value per sample, but the sum of |error|",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n"
                "    error = ops.abs(y_pred - y_true)\n"
                "    return ops.sum(error, axis=tuple(range(1, len(error.shape))))\n"
            )
        },
        "fails": {"ex3-check": "these are sums of |error|"},
    },
    "numpy-loss": {
        "why": "right numbers on arrays, but NumPy cannot run on the symbolic tensors of fit/evaluate",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n"
                "    error = np.abs(np.asarray(y_pred) - np.asarray(y_true))\n"
                "    return error.reshape(len(error), -1).mean(axis=1)\n"
            )
        },
        "fails": {"ex3-check": "write it with keras.ops"},
    },
    "loss-flattened": {
        "why": "right, written differently: flattened to (batch, values), then the mean of each row",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n"
                "    error = ops.abs(y_pred - y_true)\n"
                "    return ops.mean(ops.reshape(error, (ops.shape(error)[0], -1)), axis=1)\n"
            )
        },
        "fails": {},
    },
    "loss-means-of-means": {
        "why": "right, written differently: the last axis averaged away until one value per sample is left",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n"
                "    error = ops.abs(y_pred - y_true)\n"
                "    while len(error.shape) > 1:\n"
                "        error = ops.mean(error, axis=-1)\n"
                "    return error\n"
            )
        },
        "fails": {},
    },
    # Exercise 4: what evaluate prints with a penalty layer shared by two branches.
    "penalty-once": {
        "why": "one layer, so one penalty: the second call's term forgotten",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    data = np.sum(sample_weight * squared_errors) / len(squared_errors)\n"
                "    return float(data + rate * np.abs(features_a).sum(axis=1).mean())\n"
            )
        },
        "fails": {"ex4-check": "the penalty of one branch only"},
    },
    "penalty-as-one-batch": {
        "why": "both branches' features stacked as one batch of 2N: the two terms averaged",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    data = np.sum(sample_weight * squared_errors) / len(squared_errors)\n"
                "    both = np.concatenate([features_a, features_b])\n"
                "    return float(data + rate * np.abs(both).sum(axis=1).mean())\n"
            )
        },
        "fails": {"ex4-check": "does not average the add_loss terms"},
    },
    "penalty-weighted": {
        "why": "the sample weights applied to the penalty too",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    per_sample = squared_errors + rate * (np.abs(features_a).sum(axis=1) + np.abs(features_b).sum(axis=1))\n"
                "    return float(np.mean(sample_weight * per_sample))\n"
            )
        },
        "fails": {"ex4-check": "weights the penalty with the sample weights"},
    },
    "weighted-mean-data": {
        "why": "the data term as a weighted average (divided by the weights' sum)",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    data = np.sum(sample_weight * squared_errors) / np.sum(sample_weight)\n"
                "    return float(data + rate * (np.abs(features_a).sum(axis=1).mean() + np.abs(features_b).sum(axis=1).mean()))\n"
            )
        },
        "fails": {"ex4-check": "divides by the sum of the weights"},
    },
    "weights-ignored": {
        "why": "the data term without the weights",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    data = np.mean(squared_errors)\n"
                "    return float(data + rate * (np.abs(features_a).sum(axis=1).mean() + np.abs(features_b).sum(axis=1).mean()))\n"
            )
        },
        "fails": {"ex4-check": "ignores the sample weights"},
    },
    "penalty-left-out": {
        "why": "only the compiled loss: add_loss terms forgotten",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    return float(np.sum(sample_weight * squared_errors) / len(squared_errors))\n"
            )
        },
        "fails": {"ex4-check": "leaves the penalty out"},
    },
    "penalty-mean-over-features": {
        "why": "rate × the mean of |x| over every value: the layer sums each sample's features",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    data = np.sum(sample_weight * squared_errors) / len(squared_errors)\n"
                "    return float(data + rate * (np.abs(features_a).mean() + np.abs(features_b).mean()))\n"
            )
        },
        "fails": {"ex4-check": "averages |x| over each sample's features"},
    },
    "penalty-summed-over-batch": {
        "why": "rate × Σ|x| over the whole batch: as if the layer added a per-sample vector",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    data = np.sum(sample_weight * squared_errors) / len(squared_errors)\n"
                "    return float(data + rate * (np.abs(features_a).sum() + np.abs(features_b).sum()))\n"
            )
        },
        "fails": {"ex4-check": "sums the penalty over the batch"},
    },
    "penalty-right-differently": {
        "why": "right, written differently: the pair's features side by side, np.mean of the weighted errors",
        "cells": {
            "ex4": (
                "def evaluate_prints(rate, features_a, features_b, squared_errors, sample_weight):\n"
                "    pair = np.concatenate([features_a, features_b], axis=1)\n"
                "    return float(np.mean(sample_weight * squared_errors) + rate * np.abs(pair).sum(axis=1).mean())\n"
            )
        },
        "fails": {},
    },
    # Exercise 5: γ read back from a k trace.
    "gamma-ratio-mean-all-steps": {
        "why": "each step's γ = (Δk/λ_k + L_gen)/L_real, averaged over every step: the clipped ones too",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    return float(np.mean((np.diff(k) / lambda_k + loss_gen) / loss_real))\n"
            )
        },
        "fails": {
            "ex5-rule": "what does such a step tell you about γ?",
            "ex5-training": "what does such a step tell you about γ?",
        },
    },
    "gamma-sum-all-steps": {
        "why": "the right sum, over every step: the clipped ones too",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    return float((np.sum(np.diff(k)) / lambda_k + loss_gen.sum()) / loss_real.sum())\n"
            )
        },
        "fails": {
            "ex5-rule": "what does such a step tell you about γ?",
            "ex5-training": "what does such a step tell you about γ?",
        },
    },
    "gamma-moved-steps": {
        "why": "leaves out the steps where k did not change, taking them for the clipped ones: a step that ran into a bound still moved k",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    moved = np.diff(k) != 0\n"
                "    if not moved.any():\n"
                "        return float('nan')\n"
                "    return float((np.diff(k)[moved].sum() / lambda_k + loss_gen[moved].sum()) / loss_real[moved].sum())\n"
            )
        },
        "fails": {
            "ex5-rule": "what does such a step tell you about γ?",
            "ex5-training": "what does such a step tell you about γ?",
        },
    },
    "gamma-mask-before": {
        "why": "off by one: picks the steps by k before them (k[:-1]) instead of k after them",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[:-1] > 0) & (k[:-1] < 1)\n"
                "    if not free.any():\n"
                "        return float('nan')\n"
                "    return float((np.diff(k)[free].sum() / lambda_k + loss_gen[free].sum()) / loss_real[free].sum())\n"
            )
        },
        "fails": {
            "ex5-rule": "what does such a step tell you about γ?",
            "ex5-training": "what does such a step tell you about γ?",
        },
    },
    "gamma-shifted-losses": {
        "why": "off by one: k[1:] taken for the trace's k, so each change of k meets the losses of the step before",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    after = k[1:]\n"
                "    free = (after[1:] > 0) & (after[1:] < 1)\n"
                "    if not free.any():\n"
                "        return float('nan')\n"
                "    return float((np.diff(after)[free].sum() / lambda_k + loss_gen[:-1][free].sum()) / loss_real[:-1][free].sum())\n"
            )
        },
        "fails": {
            "ex5-rule": "the losses of the step before or after it",
            "ex5-training": "the losses of the step before or after it",
        },
    },
    "gamma-sign-k": {
        "why": "the change of k taken as k before minus k after",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        return float('nan')\n"
                "    return float((-np.diff(k)[free].sum() / lambda_k + loss_gen[free].sum()) / loss_real[free].sum())\n"
            )
        },
        "fails": {
            "ex5-rule": "if k had fallen where it rose",
            "ex5-training": "if k had fallen where it rose",
        },
    },
    "gamma-sign-gen": {
        "why": "L_gen moved to the wrong side of the equation",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        return float('nan')\n"
                "    return float((np.diff(k)[free].sum() / lambda_k - loss_gen[free].sum()) / loss_real[free].sum())\n"
            )
        },
        "fails": {"ex5-rule": "L_gen with the wrong sign", "ex5-training": "L_gen with the wrong sign"},
    },
    "gamma-ignores-lambda": {
        "why": "forgets to divide the change of k by λ_k",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        return float('nan')\n"
                "    return float((np.diff(k)[free].sum() + loss_gen[free].sum()) / loss_real[free].sum())\n"
            )
        },
        "fails": {"ex5-rule": "if λ_k were 1", "ex5-training": "if λ_k were 1"},
    },
    "gamma-equilibrium-guess": {
        "why": "BEGAN's equilibrium L_gen ≈ γ·L_real: mean(L_gen) / mean(L_real)",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    return float(np.mean(loss_gen) / np.mean(loss_real))\n"
            )
        },
        "fails": {
            "ex5-rule": "only when k ends where it started",
            "ex5-training": "only when k ends where it started",
        },
    },
    "gamma-lesson-default": {
        "why": "returns the lesson's γ, 0.5",
        "cells": {"ex5": ("def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n    return 0.5\n")},
        "fails": {"ex5-rule": "0.5 is the lesson's γ", "ex5-training": "0.5 is the lesson's γ"},
    },
    "gamma-ratio-mean-unclipped": {
        "why": "per-step γ averaged over the unclipped steps: right steps, but a step with a tiny L_real counts as much as any, and k's rounding swamps it",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        return float('nan')\n"
                "    return float(np.mean(((np.diff(k) / lambda_k + loss_gen) / loss_real)[free]))\n"
            )
        },
        "fails": {"ex5-rule": "how much does a step with a tiny L_real tell you about γ"},
    },
    "gamma-raises-when-undetermined": {
        "why": "raises an error when every step was clipped, instead of returning nan",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        raise ValueError('every step was clipped')\n"
                "    return float((np.diff(k)[free].sum() / lambda_k + loss_gen[free].sum()) / loss_real[free].sum())\n"
            )
        },
        "fails": {"ex5-rule": "must return nan (not raise an error)"},
    },
    "gamma-zero-when-undetermined": {
        "why": "returns 0 when every step was clipped",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        return 0.0\n"
                "    return float((np.diff(k)[free].sum() / lambda_k + loss_gen[free].sum()) / loss_real[free].sum())\n"
            )
        },
        "fails": {"ex5-rule": "the function must return nan"},
    },
    "gamma-loop": {
        "why": "right, as a loop over the steps",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    top = bottom = 0.0\n"
                "    for t in range(len(loss_real)):\n"
                "        if 0 < k[t + 1] < 1:\n"
                "            top += (k[t + 1] - k[t]) / lambda_k + loss_gen[t]\n"
                "            bottom += loss_real[t]\n"
                "    return top / bottom if bottom else float('nan')\n"
            )
        },
        "fails": {},
    },
    "gamma-least-squares": {
        "why": "right, differently: least squares of Δk/λ_k + L_gen on L_real over the unclipped steps",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    free = (k[1:] > 0) & (k[1:] < 1)\n"
                "    if not free.any():\n"
                "        return np.nan\n"
                "    y = np.diff(k)[free] / lambda_k + loss_gen[free]\n"
                "    return np.linalg.lstsq(loss_real[free][:, None], y, rcond=None)[0][0]\n"
            )
        },
        "fails": {},
    },
    "gamma-masked-arrays": {
        "why": "right, differently: the clipped steps masked out with np.where, nan from nansum/0",
        "cells": {
            "ex5": (
                "def gamma_from_trace(k, loss_real, loss_gen, lambda_k):\n"
                "    keep = np.where((k[1:] > 0) & (k[1:] < 1), 1.0, 0.0)\n"
                "    top = np.sum(keep * (np.diff(k) / lambda_k + loss_gen))\n"
                "    bottom = np.sum(keep * loss_real)\n"
                "    return top / bottom if bottom > 0 else np.nan\n"
            )
        },
        "fails": {},
    },
    # Exercise 6, the diagnosis.
    "diagnosis-weights-ignored": {
        "why": "believes the weights are ignored: returns the unweighted loss",
        "cells": {
            "ex6": (
                "def reported_loss(unweighted_loss, sample_weight):\n"
                "    return float(unweighted_loss)\n\n\n"
                "def forecast_mse_fixed(y_true, y_pred):\n"
                "    return ops.mean(ops.square(y_pred - y_true), axis=-1)\n"
            )
        },
        "fails": {"ex6-check": "is the unweighted loss"},
    },
    "diagnosis-still-scalar": {
        "why": "the 'fixed' loss still reduces the batch to one number",
        "cells": {
            "ex6": (
                "def reported_loss(unweighted_loss, sample_weight):\n"
                "    return float(unweighted_loss) * float(np.mean(sample_weight))\n\n\n"
                "def forecast_mse_fixed(y_true, y_pred):\n"
                "    return ops.mean(ops.mean(ops.square(y_pred - y_true), axis=-1))\n"
            )
        },
        "fails": {"ex6-check": "returns one number for the batch"},
    },
    "diagnosis-sums-steps": {
        "why": "one value per sample, but the sum over the steps: the unweighted loss changes",
        "cells": {
            "ex6": (
                "def reported_loss(unweighted_loss, sample_weight):\n"
                "    return float(unweighted_loss) * float(np.mean(sample_weight))\n\n\n"
                "def forecast_mse_fixed(y_true, y_pred):\n"
                "    return ops.sum(ops.square(y_pred - y_true), axis=-1)\n"
            )
        },
        "fails": {"ex6-check": "sums the squares over the steps"},
    },
    "diagnosis-right-differently": {
        "why": "the weights' sum over the batch size, and Keras' own per-sample MSE: right",
        "cells": {
            "ex6": (
                "def reported_loss(unweighted_loss, sample_weight):\n"
                "    return unweighted_loss * np.sum(sample_weight) / len(sample_weight)\n\n\n"
                "def forecast_mse_fixed(y_true, y_pred):\n"
                "    return keras.losses.mean_squared_error(y_true, y_pred)\n"
            )
        },
        "fails": {},
    },
}
