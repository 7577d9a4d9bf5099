"""Answers learners write for lab 1, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""

#: The reference answer of exercise 6 with its loss left open, for the variants that change one thing.
_SCALING = "                              keras.layers.Rescaling(1 / 255),\n"
_EX6 = (
    "def build_model(height, width):\n"
    "    model = keras.Sequential([keras.Input((height, width)), keras.layers.Flatten(),\n"
    + _SCALING
    + "                              keras.layers.Dense(32, activation='relu'),\n"
    "                              keras.layers.Dense(10, activation='softmax')])\n"
    "    model.compile(optimizer='rmsprop', loss={loss}, metrics=['accuracy'])\n"
    "    return model\n"
)


VARIANTS = {
    # Issue 15: holes that inputs too few or too regular, or a value-only check, let through.
    "quadrant-height-width-swapped": {
        "why": "unpacks (width, height): right on square images only",
        "cells": {
            "ex1": (
                "def first_hundred(images):\n    return images[:100]\n\n\n"
                "def lower_right_quadrant(images):\n"
                "    w, h = images.shape[1:3]\n"
                "    return images[:, h // 2:, w // 2:]\n"
            )
        },
        "fails": {"ex1-check": "height and width are swapped"},
    },
    "matvec-with-np-dot": {
        "why": "the 'by hand' product calls np.dot",
        "cells": {"ex4": "def matvec_by_hand(A, b):\n    return np.dot(A, b)\n"},
        "fails": {"ex4-check": "matvec_by_hand uses dot"},
    },
    "round-half-to-even": {
        "why": "round(n / batch + 0.5): right unless n / batch is a whole odd number",
        "cells": {
            "ex5": (
                "def updates_per_epoch(n_samples, batch_size):\n    return round(n_samples / batch_size + 0.5)\n\n\n"
                "def total_updates(n_samples, batch_size, epochs):\n"
                "    return updates_per_epoch(n_samples, batch_size) * epochs\n"
            )
        },
        "fails": {"ex5-check": "round() rounds halves to the even number"},
    },
    "single-image": {
        "why": "indexes instead of slicing",
        "cells": {
            "ex1": (
                "def first_hundred(images):\n    return images[100]\n\n\n"
                "def lower_right_quadrant(images):\n    return images[:, 14:, 14:]\n"
            )
        },
        "fails": {"ex1-check": "that is a single image, without the batch axis"},
    },
    "forgot-transpose": {
        "why": "(samples, pixels) instead of (pixels, samples)",
        "cells": {
            "ex2": (
                "def unroll(images):\n    return images.reshape(len(images), -1)\n\n\n"
                "def roll_up(matrix, image_shape):\n    return matrix.reshape((len(matrix), *image_shape))\n"
            )
        },
        "fails": {"ex2-check": "that is (samples, pixels), one row per image"},
    },
    "reshape-scrambles": {
        "why": "reshape(-1, N): right shape, pixels of different images mixed",
        "cells": {
            "ex2": (
                "def unroll(images):\n    return images.reshape(-1, len(images))\n\n\n"
                "def roll_up(matrix, image_shape):\n    return matrix.reshape((matrix.shape[1], *image_shape))\n"
            )
        },
        "fails": {"ex2-check": "each column mixes pixels of several images"},
    },
    "row-means": {
        "why": "subtracts row means",
        "cells": {"ex3": "def center_columns(X):\n    return X - X.mean(axis=1, keepdims=True)\n"},
        "fails": {"ex3-check": "subtracts each *row's* mean"},
    },
    "elementwise-not-dot": {
        "why": "A * b instead of a dot product",
        "cells": {"ex4": "def matvec_by_hand(A, b):\n    return A * b\n"},
        "fails": {"ex4-check": "each row's products are not added up"},
    },
    "floor-division": {
        "why": "forgets the last, partial batch",
        "cells": {
            "ex5": (
                "def updates_per_epoch(n_samples, batch_size):\n    return n_samples // batch_size\n\n\n"
                "def total_updates(n_samples, batch_size, epochs):\n"
                "    return updates_per_epoch(n_samples, batch_size) * epochs\n"
            )
        },
        "fails": {"ex5-check": "is smaller but still makes an update"},
    },
    "exception-in-answer": {
        "why": "a typo: X.means instead of X.mean",
        "cells": {"ex3": "def center_columns(X):\n    return X - X.means(axis=0)\n"},
        "fails": {"ex3-check": "center_columns(...) raised AttributeError"},
    },
    # Exercise 6: a model for images as they are stored. Right answers, written differently (the
    # hidden layers are the learner's to choose), then the wrong ones.
    "flatten-rescale-dense64-adam": {
        "why": "Flatten, then Rescaling, 64 hidden units, Adam: right",
        "cells": {
            "ex6": (
                "def build_model(height, width):\n"
                "    model = keras.Sequential([keras.Input(shape=(height, width)), keras.layers.Flatten(),\n"
                "                              keras.layers.Rescaling(1 / 255), keras.layers.Dense(64, activation='relu'),\n"
                "                              keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {},
    },
    "functional-rescale-reshape": {
        "why": "the functional API: Rescaling to [-1, 1] before a Reshape to height·width, a loss object: right",
        "cells": {
            "ex6": (
                "def build_model(height, width):\n"
                "    images = keras.Input(shape=(height, width), dtype='uint8')\n"
                "    x = keras.layers.Rescaling(1 / 127.5, offset=-1)(images)\n"
                "    x = keras.layers.Reshape((height * width,))(x)\n"
                "    x = keras.layers.Dense(32, activation='relu')(x)\n"
                "    model = keras.Model(images, keras.layers.Dense(10, activation='softmax')(x))\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.001),\n"
                "                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {},
    },
    "lambda-divide-no-input": {
        "why": "no Input (built on its first batch), a Lambda dividing by 255.0, two hidden layers: right",
        "cells": {
            "ex6": (
                "def build_model(height, width):\n"
                "    model = keras.Sequential([keras.layers.Lambda(lambda x: keras.ops.cast(x, 'float32') / 255.0),\n"
                "                              keras.layers.Flatten(), keras.layers.Dense(128, activation='relu'),\n"
                "                              keras.layers.Dense(64, activation='relu'),\n"
                "                              keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {},
    },
    # Issue 9 (a): right, and provoking Keras 3's input_shape UserWarning.
    "right-with-warning": {
        "why": "input_shape on the first layer (Keras 2 style): a UserWarning on stderr, still right",
        "cells": {
            "ex6": (
                "def build_model(height, width):\n"
                "    model = keras.Sequential()\n"
                "    model.add(keras.layers.Flatten(input_shape=(height, width)))\n"
                "    model.add(keras.layers.Rescaling(1.0 / 255))\n"
                "    model.add(keras.layers.Dense(32, activation='relu'))\n"
                "    model.add(keras.layers.Dense(10, activation='softmax'))\n"
                "    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),\n"
                "                  loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["build_model"](5, 7),
    },
    # Issue 9 (a), harder: the learner's cell re-enables every warning, undoing the setup cell's
    # filter, so only the checks' own defences (call_learner, IgnorePattern) stand between the
    # UserWarning on stderr and a zeroed test cell.
    "right-with-warning-unfiltered": {
        "why": "resets the warning filters, then passes input_shape",
        "cells": {
            "ex6": (
                "import warnings\n"
                "warnings.resetwarnings()\n"
                "warnings.simplefilter('always')\n\n\n"
                "def build_model(height, width):\n"
                "    model = keras.Sequential([keras.layers.Rescaling(1 / 255, input_shape=(height, width)),\n"
                "                              keras.layers.Flatten(), keras.layers.Dense(32, activation='relu'),\n"
                "                              keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["build_model"](5, 7),
    },
    # Issue 15: a right loss written as a function object, or as the article's one-item list, is
    # judged by the loss it computes, not by its spelling.
    "loss-as-function": {
        "why": "loss=keras.losses.sparse_categorical_crossentropy, a plain function: right",
        "cells": {"ex6": _EX6.format(loss="keras.losses.sparse_categorical_crossentropy")},
        "fails": {},
    },
    "loss-as-list": {
        "why": "loss=['sparse_categorical_crossentropy'], one loss for the one output: right",
        "cells": {"ex6": _EX6.format(loss="['sparse_categorical_crossentropy']")},
        "fails": {},
    },
    "no-scaling": {
        "why": "the pixels reach the Dense layers as stored, 0–255",
        "cells": {"ex6": _EX6.format(loss="'sparse_categorical_crossentropy'").replace(_SCALING, "")},
        "fails": {"ex6-training": "its probabilities are often confidently wrong"},
    },
    "no-scaling-wide-adam": {
        "why": "unscaled pixels into 128 units with Adam: the accuracy is reached, the probabilities are not",
        "cells": {
            "ex6": (
                "def build_model(height, width):\n"
                "    model = keras.Sequential([keras.Input(shape=(height, width)), keras.layers.Flatten(),\n"
                "                              keras.layers.Dense(128, activation='relu'),\n"
                "                              keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {"ex6-training": "its probabilities are often confidently wrong"},
    },
    "article-mse": {
        "why": "the article's compile, loss='mse' with metrics=['accuracy'], on integer labels",
        "cells": {"ex6": _EX6.format(loss="'mse'")},
        "fails": {
            "ex6-architecture": "the loss is 'mse'",
            "ex6-training": "cannot be computed on the digits' labels as they are stored",
        },
    },
    "categorical-loss": {
        "why": "the one-hot loss on integer labels",
        "cells": {"ex6": _EX6.format(loss="'categorical_crossentropy'")},
        "fails": {
            "ex6-architecture": "the labels are integers 0–9, one number per sample, not one-hot vectors",
            "ex6-training": "cannot be computed on the digits' labels as they are stored",
        },
    },
    "fixed-28x28": {
        "why": "the lesson's 28×28 input, whatever size is asked for",
        "cells": {
            "ex6": _EX6.format(loss="'sparse_categorical_crossentropy'").replace(
                "keras.Input((height, width))", "keras.Input((28, 28))"
            )
        },
        "fails": {
            "ex6-architecture": "the model is for 28×28 images, whatever height and width it is given",
            "ex6-training": "the model is for 28×28 images",
        },
    },
    "height-width-swapped": {
        "why": "keras.Input((width, height)): right on square images only",
        "cells": {
            "ex6": _EX6.format(loss="'sparse_categorical_crossentropy'").replace(
                "keras.Input((height, width))", "keras.Input((width, height))"
            )
        },
        "fails": {
            "ex6-architecture": "height and width are swapped",
            "ex6-training": "height and width are swapped",
        },
    },
    "flat-input": {
        "why": "the lesson's flat input, height·width numbers: the images must be flattened beforehand",
        "cells": {
            "ex6": _EX6.format(loss="'sparse_categorical_crossentropy'")
            .replace("keras.Input((height, width))", "keras.Input((height * width,))")
            .replace(" keras.layers.Flatten(),", "")
        },
        "fails": {
            "ex6-architecture": "the model takes flat vectors of",
            "ex6-training": "takes flat vectors",
        },
    },
    "no-flatten": {
        "why": "no Flatten: each Dense layer acts on the rows of pixels, one output row per pixel row",
        "cells": {
            "ex6": _EX6.format(loss="'sparse_categorical_crossentropy'").replace(
                " keras.layers.Flatten(),", ""
            )
        },
        "fails": {
            "ex6-architecture": "not 10 per image: a Dense layer acts on the last axis",
            "ex6-training": "not 10 per image",
        },
    },
    "logits-no-softmax": {
        "why": "a linear output layer and a loss from logits: trains, but outputs are not probabilities",
        "cells": {
            "ex6": _EX6.format(loss="keras.losses.SparseCategoricalCrossentropy(from_logits=True)").replace(
                "keras.layers.Dense(10, activation='softmax')", "keras.layers.Dense(10)"
            )
        },
        "fails": {
            "ex6-architecture": "the outputs are not class probabilities",
            "ex6-training": "the outputs are not class probabilities",
        },
    },
    "not-compiled": {
        "why": "returns the model without compiling it",
        "cells": {
            "ex6": _EX6.format(loss="'sparse_categorical_crossentropy'").split("    model.compile")[0]
            + "    return model\n"
        },
        "fails": {
            "ex6-architecture": "the model is not compiled",
            "ex6-training": "the model is not compiled",
        },
    },
    "no-accuracy-metric": {
        "why": "compiles without metrics=['accuracy']: trains the same, reports no accuracy",
        "cells": {
            "ex6": _EX6.format(loss="'sparse_categorical_crossentropy'").replace(", metrics=['accuracy']", "")
        },
        "fails": {"ex6-architecture": "but no accuracy, the share of digits it gets right"},
    },
    "old-signature": {
        "why": "the lesson's model, build_model() without a height and width",
        "cells": {
            "ex6": (
                "def build_model():\n"
                "    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(32, activation='relu'),\n"
                "                              keras.layers.Dense(10, activation='softmax')])\n"
                "    model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {
            "ex6-architecture": "takes 0 positional arguments but 2 were given",
            "ex6-training": "takes 0 positional arguments but 2 were given",
        },
    },
    # Exercise 7, the diagnosis.
    "diagnosis-line-kept": {
        "why": "accuracy keeps the colleague's broadcast",
        "cells": {
            "ex7": (
                "def colleague_accuracy(y_test, probs):\n"
                "    k = probs.shape[1]\n"
                "    return float(np.sum(np.bincount(y_test.ravel(), minlength=k) / y_test.size\n"
                "                        * np.bincount(probs.argmax(axis=1), minlength=k) / len(probs)))\n\n\n"
                "def accuracy(y_test, probs):\n"
                "    return float(np.mean(np.argmax(probs, axis=1) == y_test))\n"
            )
        },
        "fails": {"ex7-check": "the colleague's number"},
    },
    "diagnosis-builds-table": {
        "why": "reproduces the colleague's number by building the N × N table",
        "cells": {
            "ex7": (
                "def colleague_accuracy(y_test, probs):\n"
                "    return float(np.mean(np.argmax(probs, axis=1) == y_test))\n\n\n"
                "def accuracy(y_test, probs):\n"
                "    return float(np.mean(np.argmax(probs, axis=1) == y_test.ravel()))\n"
            )
        },
        "fails": {"ex7-check": "builds the million × million table"},
    },
    "diagnosis-one-in-ten": {
        "why": "guesses 1/K, right only for equally common classes",
        "cells": {
            "ex7": (
                "def colleague_accuracy(y_test, probs):\n"
                "    return 1 / probs.shape[1]\n\n\n"
                "def accuracy(y_test, probs):\n"
                "    return float(np.mean(np.argmax(probs, axis=1) == y_test.ravel()))\n"
            )
        },
        "fails": {"ex7-check": "right only when every class is equally common"},
    },
    "diagnosis-right-differently": {
        "why": "a loop over classes and np.squeeze: right",
        "cells": {
            "ex7": (
                "def colleague_accuracy(y_test, probs):\n"
                "    y, p = np.squeeze(y_test, axis=-1), probs.argmax(axis=1)\n"
                "    return sum(np.mean(y == k) * np.mean(p == k) for k in range(probs.shape[1]))\n\n\n"
                "def accuracy(y_test, probs):\n"
                "    return np.mean(probs.argmax(axis=-1) == np.reshape(y_test, -1))\n"
            )
        },
        "fails": {},
    },
}
