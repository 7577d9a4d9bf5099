"""Answers learners write for lab 2, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""

VARIANTS = {
    # Issue 15: holes that too regular inputs let through.
    "floor-division-mean": {
        "why": "// 2: right whenever the two numbers sum to an even integer",
        "cells": {"ex2": ("def calc_mean(x):\n    return ops.expand_dims((x[:, 0] + x[:, 1]) // 2, -1)\n")},
        "fails": {"ex2-check": "// is floor division"},
    },
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
    "no-expand-dims": {
        "why": "the article's second Lambda: the mean of each row, shape (batch,)",
        "cells": {"ex2": ("def calc_mean(x):\n    res = (x[:, 0] + x[:, 1]) / 2\n    return res\n")},
        "fails": {"ex2-check": "add ops.expand_dims(..., -1)"},
    },
    "mean-without-keepdims": {
        "why": "ops.mean over axis 1 drops the axis",
        "cells": {"ex2": "def calc_mean(x):\n    return ops.mean(x, axis=1)\n"},
        "fails": {"ex2-check": "the mean of each row has shape (batch,)"},
    },
    "numpy-method-on-a-keras-tensor": {
        "why": "x.mean(...) as on a NumPy array: a KerasTensor has no such method",
        "cells": {"ex2": "def calc_mean(x):\n    return x.mean(axis=1, keepdims=True)\n"},
        "fails": {"ex2-check": "raised AttributeError"},
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
    "right-keepdims": {
        "why": "right, written differently: ops.mean with keepdims",
        "cells": {"ex2": "def calc_mean(x):\n    return ops.mean(x, axis=-1, keepdims=True)\n"},
        "fails": {},
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
