"""Answers learners write for lab 2, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""


def _loss(body: str) -> str:
    """Exercise 2: a ``keras.losses.Loss`` subclass whose ``call`` has ``body``."""
    return "class PairedSquaredError(keras.losses.Loss):\n    def call(self, y_true, y_pred):\n" + "".join(
        f"        {line}\n" for line in body.splitlines()
    )


VARIANTS = {
    # Exercise 2: the colleague's loss and the fixes learners write for it.
    "docs-example-pasted": {
        "why": "the example of keras.losses.Loss's docstring: no rank alignment, (N,) − (N, 1) broadcasts",
        "cells": {"ex2": _loss("return ops.mean(ops.square(y_pred - y_true), axis=-1)")},
        "fails": {"ex2-check": "broadcast into a 9 × 9 table"},
    },
    "keras-function-inside": {
        "why": "calls keras.losses.mean_squared_error, which aligns ranks: (N,) against (N,) gives one number",
        "cells": {"ex2": _loss("return keras.losses.mean_squared_error(y_true, y_pred)")},
        "fails": {"ex2-check": "targets of shape (9,), predictions of shape (9,)) returned one number"},
    },
    "flattens-everything": {
        "why": "ravels both and averages: the right mean, but one number for the batch",
        "cells": {
            "ex2": _loss(
                "return ops.mean(ops.square(ops.reshape(y_true, (-1,)) - ops.reshape(y_pred, (-1,))))"
            )
        },
        "fails": {"ex2-check": "returned one number for the whole batch"},
    },
    "expands-the-targets-only": {
        "why": "adds the unit axis to rank-1 targets, forgets rank-1 predictions",
        "cells": {
            "ex2": _loss(
                "if len(y_true.shape) == 1:\n"
                "    y_true = ops.expand_dims(y_true, -1)\n"
                "return ops.mean(ops.square(y_pred - y_true), axis=-1)"
            )
        },
        "fails": {
            "ex2-check": "call(targets of shape (9, 1), predictions of shape (9,)): each of its 9 values"
        },
    },
    "squeezes-both": {
        "why": "ops.squeeze on both: a batch of one loses its batch axis, k values stay k values",
        "cells": {"ex2": _loss("return ops.square(ops.squeeze(y_true) - ops.squeeze(y_pred))")},
        "fails": {"ex2-check": "targets of shape (1, 1), predictions of shape (1,)) returned one number"},
    },
    "predictions-reshaped-like-targets": {
        "why": "reshapes the predictions to the targets' shape: (N,) targets then average over the batch",
        "cells": {
            "ex2": _loss(
                "y_pred = ops.reshape(y_pred, ops.shape(y_true))\n"
                "return ops.mean(ops.square(y_true - y_pred), axis=-1)"
            )
        },
        "fails": {"ex2-check": "returned one number for the whole batch"},
    },
    "sums-the-values": {
        "why": "pairs the rows right, but sums each sample's squared errors",
        "cells": {
            "ex2": _loss(
                "t = ops.reshape(y_true, (ops.shape(y_true)[0], -1))\n"
                "p = ops.reshape(y_pred, (ops.shape(y_pred)[0], -1))\n"
                "return ops.sum(ops.square(t - p), axis=1)"
            )
        },
        "fails": {"ex2-check": "the sum of the sample's 3 squared errors"},
    },
    "numpy-inside-the-loss": {
        "why": "NumPy on the tensors: right on eager tensors, fails on the symbolic ones of evaluate",
        "cells": {
            "ex2": _loss(
                "t = np.reshape(y_true, (len(y_true), -1))\n"
                "p = np.reshape(y_pred, (len(y_pred), -1))\n"
                "return np.mean((t - p) ** 2, axis=1)"
            )
        },
        "fails": {"ex2-check": "model.evaluate(...) of a model compiled with loss=PairedSquaredError()"},
    },
    "right-expands-rank-1": {
        "why": "right, written differently: a unit axis for each rank-1 array, then the mean over the last axis",
        "cells": {
            "ex2": _loss(
                "if len(y_true.shape) == 1:\n"
                "    y_true = ops.expand_dims(y_true, -1)\n"
                "if len(y_pred.shape) == 1:\n"
                "    y_pred = ops.expand_dims(y_pred, -1)\n"
                "return ops.mean(ops.square(y_true - y_pred), axis=-1)"
            )
        },
        "fails": {},
    },
    # Issue 15: a hole that too regular inputs let through.
    "mse-without-size-check": {
        "why": "flattens both and lets numpy refuse different sizes: numpy broadcasts a single value silently",
        "cells": {
            "ex4": (
                "def mse(y_true, y_pred):\n"
                "    return float(np.mean((np.ravel(y_true) - np.ravel(y_pred)) ** 2))\n"
            )
        },
        "fails": {"ex4-check": "numpy broadcasts a single value against any length"},
    },
    "adam": {
        "why": "Adam instead of the article's RMSprop: a different model, trains slower here",
        "cells": {
            "ex1": (
                "def build_mean_net():\n"
                "    inputs = keras.Input(shape=(2,))\n"
                "    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))\n"
                "    model.compile(loss='mse', optimizer='adam')\n"
                "    return model\n"
            )
        },
        "fails": {"ex1-architecture": "the optimizer should be RMSprop"},
        "may_fail": ["ex1-training"],
    },
    "relu": {
        "why": "a relu on the output: the mean of non-negative numbers survives it, the model is wrong",
        "cells": {
            "ex1": (
                "def build_mean_net():\n"
                "    inputs = keras.Input(shape=(2,))\n"
                "    model = keras.Model(inputs, keras.layers.Dense(1, activation='relu')(inputs))\n"
                "    model.compile(loss='mse', optimizer=keras.optimizers.RMSprop(0.001))\n"
                "    return model\n"
            )
        },
        "fails": {"ex1-architecture": "activation should be linear"},
        "may_fail": ["ex1-training"],
    },
    # A different model that trains to about the reference: must not get the architecture points.
    "near-miss-no-bias": {
        "why": "use_bias=False: the mean needs no bias, so it trains as well, but it is not the model asked for",
        "cells": {
            "ex1": (
                "def build_mean_net():\n"
                "    inputs = keras.Input(shape=(2,))\n"
                "    model = keras.Model(inputs, keras.layers.Dense(1, use_bias=False)(inputs))\n"
                "    model.compile(loss='mse', optimizer=keras.optimizers.RMSprop(learning_rate=0.001))\n"
                "    return model\n"
            )
        },
        "fails": {"ex1-architecture": "expected 3 parameters (2 weights + 1 bias), got 2"},
        "may_fail": ["ex1-training"],
    },
    # Right, written differently, and provoking Keras 3's input_shape UserWarning.
    "right-with-warning": {
        "why": "Sequential with input_shape on the layer (Keras 2 style): a UserWarning on stderr, still right",
        "cells": {
            "ex1": (
                "def build_mean_net():\n"
                "    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])\n"
                "    model.compile(loss=keras.losses.MeanSquaredError(), optimizer='rmsprop')\n"
                "    return model\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["build_mean_net"](),
    },
    "variance-of-one-mean": {
        "why": "returns Var((a+b)/2), the plateau, instead of 2·Var",
        "cells": {"ex3": "def broadcast_loss(low, high):\n    n = high - low\n    return (n * n - 1) / 24\n"},
        "fails": {"ex3-check": "Broadcasting compares every target with every prediction"},
    },
    "continuous-uniform": {
        "why": "n²/12, the variance of a continuous uniform",
        "cells": {"ex3": "def broadcast_loss(low, high):\n    return (high - low) ** 2 / 12\n"},
        "fails": {"ex3-check": "the variance of a *continuous* uniform"},
    },
    "naive-mse": {
        "why": "the textbook formula on arrays of different ranks: it broadcasts",
        "cells": {"ex4": "def mse(y_true, y_pred):\n    return float(np.mean((y_true - y_pred) ** 2))\n"},
        "fails": {"ex4-check": "into a (7, 7) matrix"},
    },
    "mse-truncates": {
        "why": "flattens, then pairs only as many rows as the shorter array has",
        "cells": {
            "ex4": (
                "def mse(y_true, y_pred):\n"
                "    t, p = np.ravel(y_true), np.ravel(y_pred)\n"
                "    n = min(len(t), len(p))\n"
                "    return float(np.mean((t[:n] - p[:n]) ** 2))\n"
            )
        },
        "fails": {"ex4-check": "mse should raise ValueError"},
    },
    # Issue 15: the article's compile(loss=['mse'], ...), a one-item list for the one output, is right.
    "article-loss-list": {
        "why": "loss=['mse'] as the article writes it: one loss for the one output, right",
        "cells": {
            "ex1": (
                "def build_mean_net():\n"
                "    inputs = keras.Input(shape=(2,))\n"
                "    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))\n"
                "    model.compile(loss=['mse'], optimizer=keras.optimizers.RMSprop(learning_rate=0.001))\n"
                "    return model\n"
            )
        },
        "fails": {},
    },
    "mae-loss": {
        "why": "the mean absolute error instead of the squared one",
        "cells": {
            "ex1": (
                "def build_mean_net():\n"
                "    inputs = keras.Input(shape=(2,))\n"
                "    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))\n"
                "    model.compile(loss=keras.losses.mean_absolute_error, optimizer=keras.optimizers.RMSprop(0.001))\n"
                "    return model\n"
            )
        },
        "fails": {
            "ex1-architecture": "the loss should be the mean squared error ('mse'), it is mean_absolute_error"
        },
        "may_fail": ["ex1-training"],
    },
    # Exercise 5, the diagnosis.
    "diagnosis-matched-rows": {
        "why": "returns the row-by-row MSE, Keras' number, not the line's",
        "cells": {
            "ex5": (
                "def numpy_line(y_test, y_pred):\n"
                "    return float(np.mean((np.ravel(y_test) - np.ravel(y_pred)) ** 2))\n\n\n"
                "def perfect_model_line(y_test):\n"
                "    return 2 * float(np.var(y_test))\n"
            )
        },
        "fails": {"ex5-check": "the mean squared error of matching rows"},
    },
    "diagnosis-builds-table": {
        "why": "reproduces the line by broadcasting: a million × million table",
        "cells": {
            "ex5": (
                "def numpy_line(y_test, y_pred):\n"
                "    return float(np.mean((y_test - y_pred) ** 2))\n\n\n"
                "def perfect_model_line(y_test):\n"
                "    return 2 * float(np.var(y_test))\n"
            )
        },
        "fails": {"ex5-check": "builds the million × million table"},
    },
    "diagnosis-forgets-the-offset": {
        "why": "Var(t) + Var(p), missing the squared difference of the means",
        "cells": {
            "ex5": (
                "def numpy_line(y_test, y_pred):\n"
                "    return float(np.var(y_test) + np.var(y_pred))\n\n\n"
                "def perfect_model_line(y_test):\n"
                "    return float(np.var(y_test))\n"
            )
        },
        "fails": {"ex5-check": "right only when the two have the same mean"},
    },
    "diagnosis-right-differently": {
        "why": "mean of squares minus twice the product of means: the same number, right",
        "cells": {
            "ex5": (
                "def numpy_line(y_test, y_pred):\n"
                "    t, p = np.ravel(y_test), np.ravel(y_pred)\n"
                "    return np.mean(t**2) + np.mean(p**2) - 2 * t.mean() * p.mean()\n\n\n"
                "def perfect_model_line(y_test):\n"
                "    return numpy_line(y_test, np.reshape(y_test, (-1, 1)))\n"
            )
        },
        "fails": {},
    },
}
