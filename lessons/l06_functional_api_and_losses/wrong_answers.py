"""Answers learners write for lab 6, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive. Code here may use only ``np`` and ``keras`` from the lab's setup cell
(``tests/test_autograde.py`` re-runs warning variants in a namespace holding just those two).
"""

VARIANTS = {
    # Issue 15: only one of the two heads was checked.
    "regressor-relu-head": {
        "why": "a relu on the regression head: the classifier is right, the regressor cannot output negatives",
        "cells": {
            "ex2": (
                "def build_two_heads(n_features):\n"
                "    body_in = keras.Input(shape=(n_features,))\n"
                "    hidden = keras.layers.Dense(16, activation='relu')(body_in)\n"
                "    body = keras.Model(body_in, keras.layers.Dense(8, activation='relu')(hidden))\n"
                "    clf_in = keras.Input(shape=(n_features,))\n"
                "    classifier = keras.Model(clf_in, keras.layers.Dense(3, activation='softmax')(body(clf_in)))\n"
                "    reg_in = keras.Input(shape=(n_features,))\n"
                "    regressor = keras.Model(reg_in, keras.layers.Dense(1, activation='relu')(body(reg_in)))\n"
                "    return classifier, regressor\n"
            )
        },
        "fails": {"ex2-check": "the regressor's Dense activations are"},
    },
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
    "separate-bodies": {
        "why": "two separate Dense instances per model where one shared body was asked",
        "cells": {
            "ex2": (
                "def build_two_heads(n_features):\n"
                "    def head(units, activation):\n"
                "        inputs = keras.Input(shape=(n_features,))\n"
                "        x = keras.layers.Dense(16, activation='relu')(inputs)\n"
                "        x = keras.layers.Dense(8, activation='relu')(x)\n"
                "        return keras.Model(inputs, keras.layers.Dense(units, activation=activation)(x))\n"
                "    return head(3, 'softmax'), head(1, None)\n"
            )
        },
        "fails": {"ex2-check": "12 distinct weight variables, expected 8"},
    },
    "scalar-loss": {
        "why": "a loss collapsed to one number for the batch",
        "cells": {
            "ex3": ("def per_sample_mae(y_true, y_pred):\n    return ops.mean(ops.abs(y_pred - y_true))\n")
        },
        "fails": {"ex3-check": "one number for the whole batch"},
    },
    "numpy-loss": {
        "why": "right numbers on arrays, but NumPy cannot run on the symbolic tensors of fit/evaluate",
        "cells": {
            "ex3": (
                "def per_sample_mae(y_true, y_pred):\n"
                "    return np.mean(np.abs(np.asarray(y_pred) - np.asarray(y_true)), axis=(1, 2, 3))\n"
            )
        },
        "fails": {"ex3-check": "write it with keras.ops"},
    },
    "per-sample-penalty": {
        "why": "add_loss given one value per sample (Keras 3 adds them up)",
        "cells": {
            "ex4": (
                "class ActivityL1(keras.layers.Layer):\n"
                "    def __init__(self, rate, **kwargs):\n"
                "        super().__init__(**kwargs)\n"
                "        self.rate = rate\n\n"
                "    def call(self, x):\n"
                "        self.add_loss(self.rate * ops.sum(ops.abs(x), axis=-1))\n"
                "        return x\n"
            )
        },
        "fails": {"ex4-check": "Keras 3 adds up what it gets"},
    },
    "k-rebound": {
        "why": "`k = ...` rebinds the name; the model's variable never changes",
        "cells": {
            "ex5": (
                "def update_k(k, loss_real, loss_gen, lambda_k, gamma):\n"
                "    k = ops.clip(k + lambda_k * (gamma * loss_real - loss_gen), 0.0, 1.0)\n"
                "    return k\n"
            )
        },
        "fails": {"ex5-rule": "only rebinds the name", "ex5-training": "k stayed 0"},
    },
    "k-python-minmax": {
        "why": "Python min/max: right on numbers, fails in the compiled train_step",
        "cells": {
            "ex5": (
                "def update_k(k, loss_real, loss_gen, lambda_k, gamma):\n"
                "    new_k = min(max(k + lambda_k * (gamma * loss_real - loss_gen), 0.0), 1.0)\n"
                "    k.assign(new_k)\n"
                "    return new_k\n"
            )
        },
        "fails": {"ex5-training": "Use keras.ops.clip"},
    },
    # Right, written differently: a Sequential body with Keras 2's input_shape (the article's own
    # `Dense(32, input_dim=784)` habit) provokes Keras 3's UserWarning on stderr; still full marks.
    "right-with-warning": {
        "why": "Sequential body with input_shape=: a UserWarning, still a correct shared body",
        "cells": {
            "ex2": (
                "def build_two_heads(n_features):\n"
                "    body = keras.Sequential([\n"
                "        keras.layers.Dense(16, activation='relu', input_shape=(n_features,)),\n"
                "        keras.layers.Dense(8, activation='relu'),\n"
                "    ])\n"
                "    a, b = keras.Input(shape=(n_features,)), keras.Input(shape=(n_features,))\n"
                "    classifier = keras.Model(a, keras.layers.Dense(3, activation='softmax')(body(a)))\n"
                "    regressor = keras.Model(b, keras.layers.Dense(1)(body(b)))\n"
                "    return classifier, regressor\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["build_two_heads"](20),
    },
    # Near miss: no clip. In the graded 16 steps k never leaves [0, 1], so training lands exactly on
    # the reference; the rule check (which pushes k past both bounds) must still take its points.
    "k-not-clipped": {
        "why": "forgets the clip to [0, 1]: trains like the reference, wrong rule",
        "cells": {
            "ex5": (
                "def update_k(k, loss_real, loss_gen, lambda_k, gamma):\n"
                "    k.assign(k + lambda_k * (gamma * loss_real - loss_gen))\n"
                "    return k.value\n"
            )
        },
        "fails": {"ex5-rule": "it was not clipped"},
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
