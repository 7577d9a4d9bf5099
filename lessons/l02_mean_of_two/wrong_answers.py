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


def _net(
    body: str, compile_: str = "model.compile(loss='mse', optimizer=keras.optimizers.Adam(0.05))"
) -> str:
    """Exercise 1: ``build_mean_net(scale)`` whose model is built by ``body`` (``inputs`` to
    ``outputs``), then compiled by ``compile_``."""
    return (
        "def build_mean_net(scale):\n    inputs = keras.Input(shape=(2,))\n"
        + "".join(f"    {line}\n" for line in body.splitlines())
        + f"    model = keras.Model(inputs, outputs)\n    {compile_}\n    return model\n"
    )


RESCALED = "x = keras.layers.Rescaling(1 / scale)(inputs)\nx = keras.layers.Dense(1)(x)\noutputs = keras.layers.Rescaling(scale)(x)"


VARIANTS = {
    # Exercise 1: the mean net at any scale. Wrong: what ignores the scale, or does not learn.
    "lesson-create-model": {
        "why": "lesson 2's create_model, the scale ignored: RMSprop(0.001) on raw numbers, too slow or too coarse",
        "cells": {
            "ex1": _net(
                "outputs = keras.layers.Dense(1)(inputs)", "model.compile(loss='mse', optimizer='rmsprop')"
            )
        },
        "fails": {"ex1-training": "% of the scale, more than the 1 % allowed"},
    },
    "inputs-only-rescaled": {
        "why": "the common rule, inputs divided by the scale, targets raw: the weights must grow to 0.5·scale",
        "cells": {
            "ex1": _net(
                "x = keras.layers.Rescaling(1 / scale)(inputs)\noutputs = keras.layers.Dense(1)(x)",
                "model.compile(loss='mse', optimizer=keras.optimizers.RMSprop(0.001))",
            )
        },
        "fails": {"ex1-training": "at scale 4364 (pairs from [0, 4364))"},
    },
    "sgd-fixed-rate": {
        "why": "SGD(0.1), the lesson's rate for [0, 1), on raw numbers: the gradient grows with the scale², it diverges",
        "cells": {
            "ex1": _net(
                "outputs = keras.layers.Dense(1)(inputs)",
                "model.compile(loss='mse', optimizer=keras.optimizers.SGD(0.1))",
            )
        },
        "fails": {"ex1-training": "at scale 4364 training diverged"},
    },
    "rescaled-sgd-fixed-rate": {
        "why": "rescaled inside, but SGD at a fixed rate: the raw-unit loss still scales its gradient by scale²",
        "cells": {"ex1": _net(RESCALED, "model.compile(loss='mse', optimizer=keras.optimizers.SGD(0.5))")},
        "fails": {"ex1-training": "training diverged"},
    },
    "rescaled-default-rate": {
        "why": "rescaled inside, RMSprop at 0.001 kept: from 0 the weights cannot reach 0.5 in 300 steps",
        "cells": {"ex1": _net(RESCALED, "model.compile(loss='mse', optimizer='rmsprop')")},
        "fails": {"ex1-training": "% of the scale, more than the 1 % allowed"},
    },
    "lambda-mean": {
        "why": "the mean written in, nothing to learn",
        "cells": {
            "ex1": _net(
                "outputs = keras.layers.Lambda(lambda t: keras.ops.mean(t, axis=1, keepdims=True))(inputs)"
            )
        },
        "fails": {
            "ex1-architecture": "the model has no trainable weights",
            "ex1-training": "the model has no trainable weights",
        },
    },
    "frozen-half-kernel": {
        "why": "a frozen Dense with kernel 0.5, then a trainable Dense(1): 2 trainable numbers, the mean fixed",
        "cells": {
            "ex1": _net(
                "x = keras.layers.Dense(1, use_bias=False, trainable=False, kernel_initializer=keras.initializers.Constant(0.5))(inputs)\n"
                "outputs = keras.layers.Dense(1)(x)"
            )
        },
        "fails": {
            "ex1-architecture": "the model has 2 trainable numbers",
            "ex1-training": "has 2 trainable numbers",
        },
    },
    "mean-plus-zero-dense": {
        "why": "the mean written in, plus a Dense(1) that starts at 0: 3 trainable numbers that need learn nothing",
        "cells": {
            "ex1": _net(
                "mean = keras.layers.Lambda(lambda t: keras.ops.mean(t, axis=1, keepdims=True))(inputs)\n"
                "outputs = keras.layers.Add()([mean, keras.layers.Dense(1, kernel_initializer='zeros')(inputs)])"
            )
        },
        "fails": {
            "ex1-architecture": "still depends on the inputs",
            "ex1-training": "still depends on the inputs",
        },
    },
    "starts-at-the-answer": {
        "why": "the kernel initialised at 0.5 with the lesson's optimizer: the check trains from 0, and it cannot learn",
        "cells": {
            "ex1": _net(
                "outputs = keras.layers.Dense(1, kernel_initializer=keras.initializers.Constant(0.5))(inputs)",
                "model.compile(loss='mse', optimizer='rmsprop')",
            )
        },
        "fails": {"ex1-training": "from all-zero weights"},
    },
    "not-compiled": {
        "why": "the model returned before compile",
        "cells": {"ex1": _net(RESCALED, "pass")},
        "fails": {
            "ex1-architecture": "the model is not compiled",
            "ex1-training": "the model is not compiled",
        },
    },
    "one-number-in": {
        "why": "Input(shape=(1,)): one number per sample",
        "cells": {
            "ex1": _net(RESCALED).replace("shape=(2,)", "shape=(1,)"),
        },
        "fails": {"ex1-architecture": "takes one number per sample", "ex1-training": "the model's input"},
    },
    "two-units": {
        "why": "Dense(2): two outputs per pair",
        "cells": {"ex1": _net(RESCALED.replace("Dense(1)", "Dense(2)"))},
        "fails": {"ex1-architecture": "two outputs per pair", "ex1-training": "two outputs per pair"},
    },
    "two-dense-layers": {
        "why": "Dense(1) then Dense(1): affine too, but 5 trainable numbers",
        "cells": {
            "ex1": _net(
                RESCALED.replace(
                    "x = keras.layers.Dense(1)(x)", "x = keras.layers.Dense(1)(keras.layers.Dense(1)(x))"
                )
            )
        },
        "fails": {
            "ex1-architecture": "the model has 5 trainable numbers",
            "ex1-training": "5 trainable numbers",
        },
    },
    "relu": {
        "why": "a relu on the Dense: not affine, and from all-zero weights its gradient is 0 (relu'(0) = 0 in TensorFlow)",
        "cells": {"ex1": _net(RESCALED.replace("Dense(1)", "Dense(1, activation='relu')"))},
        "fails": {
            "ex1-architecture": "not an affine function",
            "ex1-training": "it learned ≈ 0.000·a + 0.000·b + 0 ",
        },
    },
    "no-bias": {
        "why": "use_bias=False: the mean needs no bias, but the exercise asks for the 3 numbers of w₁·a + w₂·b + c",
        "cells": {"ex1": _net(RESCALED.replace("Dense(1)", "Dense(1, use_bias=False)"))},
        "fails": {
            "ex1-architecture": "the model has 2 trainable numbers",
            "ex1-training": "the model has 2 trainable numbers",
        },
    },
    "no-argument": {
        "why": "build_mean_net() without the scale",
        "cells": {
            "ex1": _net(RESCALED)
            .replace("build_mean_net(scale)", "build_mean_net()")
            .replace("scale)", "100)")
        },
        "fails": {
            "ex1-architecture": "takes 0 positional arguments",
            "ex1-training": "takes 0 positional arguments",
        },
    },
    # Exercise 1, right in other ways: each must score full marks.
    "right-rate-scales-with-the-weights": {
        "why": "inputs rescaled only, so the weights must reach 0.5·scale, and RMSprop's rate scaled to match",
        "cells": {
            "ex1": _net(
                "x = keras.layers.Rescaling(1 / scale)(inputs)\noutputs = keras.layers.Dense(1)(x)",
                "model.compile(loss='mse', optimizer=keras.optimizers.RMSprop(0.004 * scale))",
            )
        },
        "fails": {},
    },
    "right-sgd-rate-over-scale-squared": {
        "why": "rescaled inside, SGD with its rate divided by scale², as the gradient of the raw-unit loss grows",
        "cells": {
            "ex1": _net(RESCALED, "model.compile(loss='mse', optimizer=keras.optimizers.SGD(0.4 / scale**2))")
        },
        "fails": {},
    },
    "right-normalization-rmsprop": {
        "why": "a fixed Normalization (mean scale/2, variance scale²/12), RMSprop(0.003), back by Rescaling with an offset",
        "cells": {
            "ex1": _net(
                "x = keras.layers.Normalization(mean=[scale / 2, scale / 2], variance=[scale**2 / 12] * 2)(inputs)\n"
                "x = keras.layers.Dense(1)(x)\n"
                "outputs = keras.layers.Rescaling(scale / 12**0.5, offset=scale / 2)(x)",
                "model.compile(loss=['mse'], optimizer=keras.optimizers.RMSprop(0.003))",
            )
        },
        "fails": {},
    },
    "right-with-warning": {
        "why": "Sequential with input_shape on the first layer (Keras 2 style): a UserWarning on stderr, still right",
        "cells": {
            "ex1": (
                "def build_mean_net(scale):\n"
                "    model = keras.Sequential([\n"
                "        keras.layers.Rescaling(1 / scale, input_shape=(2,)),\n"
                "        keras.layers.Dense(1),\n"
                "        keras.layers.Rescaling(scale),\n"
                "    ])\n"
                "    model.compile(loss=keras.losses.MeanSquaredError(), optimizer=keras.optimizers.Adam(0.1))\n"
                "    return model\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["build_mean_net"](7.0),
    },
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
