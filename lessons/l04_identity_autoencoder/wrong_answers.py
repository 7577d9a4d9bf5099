"""Answers learners write for lab 4, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""

IDENTITY = (
    "def build_identity_model(side):\n"
    "    model = keras.Sequential([\n"
    "        keras.Input(shape=(side, side, 1)),\n"
    "        keras.layers.Flatten(),\n"
    "        keras.layers.Dense(side * side, {dense}),\n"
    "        keras.layers.Reshape((side, side, 1)),\n"
    "    ])\n"
    "    model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n"
    "    return model\n"
)

VARIANTS = {
    # Issue 15: a colour map never checked; a "by hand" loss that calls the library's.
    "default-colour-map": {
        "why": "imshow with the fixed scale but matplotlib's default map (viridis)",
        "cells": {
            "ex3": (
                "def show_image(image):\n"
                "    fig, ax = plt.subplots()\n"
                "    return ax.imshow(image[:, :, 0], vmin=0, vmax=1)\n"
            )
        },
        "fails": {"ex3-check": "pass cmap='gray'"},
    },
    "bce-calls-keras": {
        "why": "the 'NumPy only' loss returns Keras' own binary cross-entropy",
        "cells": {
            "ex5": (
                "def bce_by_hand(y_true, y_prob):\n"
                "    return float(keras.losses.BinaryCrossentropy()(y_true, y_prob))\n\n\n"
                "def bce_from_logits(y_true, logits):\n"
                "    t = np.asarray(y_true, dtype=np.float64)\n"
                "    z = np.asarray(logits, dtype=np.float64)\n"
                "    return float(np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z)))))\n"
            )
        },
        "fails": {"ex5-probabilities": "bce_by_hand uses keras"},
    },
    "matrix-of-ones": {
        "why": "the article's warning: a matrix filled with ones is not the identity matrix",
        "cells": {
            "ex1": IDENTITY.format(dense="activation='sigmoid', use_bias=False, kernel_initializer='ones'")
        },
        "fails": {
            "ex1-architecture": "the kernel is a matrix of ones, not the identity matrix",
            "ex1-training": "higher than the reference",
        },
    },
    "relu-identity": {
        "why": "lesson 5's perfect relu identity instead of the sigmoid model this lab studies",
        "cells": {
            "ex1": IDENTITY.format(
                dense="activation='relu', use_bias=False, kernel_initializer=keras.initializers.Identity()"
            )
        },
        "fails": {
            "ex1-architecture": "the model returns its input exactly",
            "ex1-training": "the model copies its input exactly",
        },
    },
    # A near miss: with Dense's default bias (initialised to zeros) the model outputs exactly the
    # same numbers before training — evaluate() and the pictures agree with the right model — so
    # only the architecture check can tell; it must lose those points. Training then moves the
    # bias too: measured test MSE 0.1304 against the reference 0.1349 ± 0.0005, so today the
    # training check catches it as well (asserted in test_checks.py, not here).
    "forgot-use-bias-false": {
        "why": "Dense's default bias (zeros): same outputs before training, but not the model asked for",
        "cells": {
            "ex1": IDENTITY.format(
                dense="activation='sigmoid', kernel_initializer=keras.initializers.Identity()"
            )
        },
        "fails": {"ex1-architecture": "the Dense layer has a bias"},
        "may_fail": ["ex1-training"],
    },
    "black-pixels-only": {
        "why": "predicts 0.25·(1 − p): forgets what the lit pixels cost",
        "cells": {
            "ex2": (
                "def lit_fraction(images):\n    return float(images.mean())\n\n\n"
                "def predicted_mse(p):\n    return 0.25 * (1 - p)\n"
            )
        },
        "fails": {"ex2-check": "the lit pixels count too"},
    },
    "lit-count": {
        "why": "counts lit pixels instead of taking their fraction",
        "cells": {
            "ex2": (
                "def lit_fraction(images):\n    return float((images == 1).sum())\n\n\n"
                "def predicted_mse(p):\n"
                "    s = 1 / (1 + math.exp(-1))\n"
                "    return 0.25 * (1 - p) + (1 - s) ** 2 * p\n"
            )
        },
        "fails": {"ex2-check": "the *number* of lit pixels"},
    },
    "auto-normalised": {
        "why": "plain imshow: the colour scale stretches 0.5…0.731 to black…white",
        "cells": {
            "ex3": (
                "def show_image(image):\n"
                "    plt.figure()\n"
                "    return plt.imshow(image[:, :, 0], cmap='gray')\n"
            )
        },
        "fails": {"ex3-check": "imshow normalises automatically"},
    },
    "binary-accuracy": {
        "why": "BinaryAccuracy, what the string 'accuracy' became: thresholds at 0.5",
        "cells": {
            "ex4": (
                "def what_accuracy_reads(y_true, y_pred):\n    return float(np.mean((y_pred > 0.5) == y_true))\n\n\n"
                "def exact_agreement_metric():\n    return keras.metrics.BinaryAccuracy()\n"
            )
        },
        "fails": {"ex4-check": "it thresholds predictions at 0.5"},
    },
    "bce-sign-and-naive-logits": {
        "why": "forgets the minus sign; computes the logit form through the sigmoid (inf at z = 100)",
        "cells": {
            "ex5": (
                "def bce_by_hand(y_true, y_prob):\n"
                "    return float(np.mean(y_true * np.log(y_prob) + (1 - y_true) * np.log(1 - y_prob)))\n\n\n"
                "def bce_from_logits(y_true, logits):\n"
                "    q = 1 / (1 + np.exp(-logits))\n"
                "    return float(np.mean(-(y_true * np.log(q) + (1 - y_true) * np.log(1 - q))))\n"
            )
        },
        "fails": {"ex5-probabilities": "with the wrong sign", "ex5-logits": "σ(100) rounds to exactly 1.0"},
    },
    "clipped-logits": {
        "why": "copies Keras' probability clipping into the logit form: caps each pixel near 16",
        "cells": {
            "ex5": (
                "def bce_by_hand(y_true, y_prob):\n"
                "    t, q = np.asarray(y_true, 'float64'), np.asarray(y_prob, 'float64')\n"
                "    return float(-np.mean(t * np.log(q) + (1 - t) * np.log(1 - q)))\n\n\n"
                "def bce_from_logits(y_true, logits):\n"
                "    q = np.clip(1 / (1 + np.exp(-np.asarray(logits, 'float64'))), 1e-7, 1 - 1e-7)\n"
                "    return bce_by_hand(y_true, q)\n"
            )
        },
        "fails": {"ex5-logits": "clipping the probability"},
    },
    # Right, written differently: Keras 2 style input_shape (a UserWarning on stderr), the sigmoid as
    # its own layer, the figure returned with an explicit Normalize(0, 1), the metric imported by name.
    "right-with-warning": {
        "why": "input_shape on the first layer (a Keras 3 UserWarning), separate Activation layer, "
        "Normalize(0, 1), returns the Figure",
        "cells": {
            "ex1": (
                "def build_identity_model(side):\n"
                "    model = keras.Sequential()\n"
                "    model.add(keras.layers.Flatten(input_shape=(side, side, 1)))\n"
                "    model.add(keras.layers.Dense(side * side, use_bias=False, kernel_initializer='identity'))\n"
                "    model.add(keras.layers.Activation('sigmoid'))\n"
                "    model.add(keras.layers.Reshape((side, side, 1)))\n"
                "    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),\n"
                "                  loss=keras.losses.MeanSquaredError(), metrics=['accuracy'])\n"
                "    return model\n"
            ),
            "ex3": (
                "def show_image(image):\n"
                "    fig, ax = plt.subplots()\n"
                "    ax.imshow(np.squeeze(image, axis=-1), cmap='gray', norm=matplotlib.colors.Normalize(0, 1))\n"
                "    return fig\n"
            ),
            "ex4": (
                "from keras.metrics import Accuracy\n\n\n"
                "def what_accuracy_reads(y_true, y_pred):\n"
                "    return keras.metrics.BinaryAccuracy()(y_true, y_pred).numpy()\n\n\n"
                "def exact_agreement_metric():\n    return Accuracy(name='exact')\n"
            ),
        },
        "fails": {},
        "warns": lambda ns: ns["build_identity_model"](12),
    },
    # Exercise 6, the diagnosis.
    "diagnosis-accuracy-metric": {
        "why": "BinaryAccuracy as the metric that shows the black pictures: it is the one that hid them",
        "cells": {
            "ex6": (
                "def stuck_scores(images):\n"
                "    p = float(np.mean(images))\n"
                "    return p, 1 - p\n\n\n"
                "def lit_pixels_found():\n"
                "    return keras.metrics.BinaryAccuracy()\n"
            )
        },
        "fails": {"ex6-check": "that is the accuracy the log showed"},
    },
    "diagnosis-precision": {
        "why": "Precision: the share of predicted-lit pixels that are lit, not of lit pixels found",
        "cells": {
            "ex6": (
                "def stuck_scores(images):\n"
                "    p = float(np.mean(images))\n"
                "    return p, 1 - p\n\n\n"
                "def lit_pixels_found():\n"
                "    return keras.metrics.Precision()\n"
            )
        },
        "fails": {"ex6-check": "(precision)"},
    },
    "diagnosis-perfect-accuracy": {
        "why": "believes the black model scores accuracy 1 (as the identity-sigmoid one did)",
        "cells": {
            "ex6": (
                "def stuck_scores(images):\n"
                "    return float(np.mean(images)), 1.0\n\n\n"
                "def lit_pixels_found():\n"
                "    return keras.metrics.Recall()\n"
            )
        },
        "fails": {"ex6-check": "an output of 0 counts as a dark pixel"},
    },
    "diagnosis-right-differently": {
        "why": "counts the lit pixels, and Recall with its threshold spelled out: right",
        "cells": {
            "ex6": (
                "def stuck_scores(images):\n"
                "    lit = np.count_nonzero(images == 1.0) / images.size\n"
                "    return (lit, 1.0 - lit)\n\n\n"
                "def lit_pixels_found():\n"
                "    return keras.metrics.Recall(thresholds=0.5, name='lit_found')\n"
            )
        },
        "fails": {},
    },
    # Exercise 4, reworked: what the string 'accuracy' reads.
    "accuracy-read-as-exact": {
        "why": "believes 'accuracy' counts exact equality",
        "cells": {
            "ex4": (
                "def what_accuracy_reads(y_true, y_pred):\n    return float(np.mean(y_pred == y_true))\n\n\n"
                "def exact_agreement_metric():\n    return keras.metrics.Accuracy()\n"
            )
        },
        "fails": {"ex4-check": "which metric does the string become"},
    },
    "accuracy-threshold-inclusive": {
        "why": "thresholds with >= 0.5: the identity-sigmoid's dark pixels would count as lit",
        "cells": {
            "ex4": (
                "def what_accuracy_reads(y_true, y_pred):\n    return float(np.mean((y_pred >= 0.5) == y_true))\n\n\n"
                "def exact_agreement_metric():\n    return keras.metrics.Accuracy()\n"
            )
        },
        "fails": {"ex4-check": "counts an output of exactly 0.5 as lit"},
    },
}
