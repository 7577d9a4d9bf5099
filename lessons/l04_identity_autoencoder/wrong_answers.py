"""Answers learners write for lab 4, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""

TUNED = (
    "def build_identity_model(height, width, dark, lit):\n"
    "    bias = {bias}\n"
    "    gain = {gain}\n"
    "    model = keras.Sequential([\n"
    "        keras.Input(shape=({shape})),\n"
    "        keras.layers.Flatten(),\n"
    "        keras.layers.Dense({units}, activation={activation},\n"
    "                           kernel_initializer={kernel},\n"
    "                           bias_initializer=keras.initializers.Constant(bias)),\n"
    "        keras.layers.Reshape(({shape})),\n"
    "    ])\n"
    "    model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n"
    "    return model\n"
)
LOGIT_DARK = "np.log(dark / (1 - dark))"
LOGIT_LIT = "np.log(lit / (1 - lit))"


def tuned(**changes: str) -> str:
    """The exercise-1 answer with some of its parts changed."""
    parts = {
        "bias": LOGIT_DARK,
        "gain": f"{LOGIT_LIT} - bias",
        "shape": "height, width, 1",
        "units": "height * width",
        "activation": "'sigmoid'",
        "kernel": "keras.initializers.Identity(gain=gain)",
    }
    return TUNED.format(**{**parts, **changes})


ONE_UNIT_RIGHT = "    if q.shape[-1] == 1:\n        return float(np.mean(t.reshape(q.shape) == (q > 0.5)))\n"
SEVERAL_UNITS_RIGHT = (
    "    if t.ndim < q.ndim or t.shape[-1] == 1:\n"
    "        return float(np.mean(t.reshape(q.shape[:-1]) == q.argmax(axis=-1)))\n"
    "    return float(np.mean(t.argmax(axis=-1) == q.argmax(axis=-1)))\n"
)


def reads(one_unit: str = ONE_UNIT_RIGHT, several_units: str = SEVERAL_UNITS_RIGHT) -> str:
    """An exercise-4 answer made of a one-unit part and a several-units part."""
    return (
        "def what_accuracy_reads(y_true, y_pred):\n"
        "    t, q = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)\n"
        + one_unit
        + several_units
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
    # its own layer, the weights set after building, the figure returned with an explicit
    # Normalize(0, 1), 'accuracy' read with np.squeeze and np.expand_dims.
    "right-with-warning": {
        "why": "input_shape on the first layer (a Keras 3 UserWarning), separate Activation layer, "
        "set_weights, Normalize(0, 1), returns the Figure, another spelling of the metric rule",
        "cells": {
            "ex1": (
                "def build_identity_model(height, width, dark, lit):\n"
                "    n = height * width\n"
                "    model = keras.Sequential()\n"
                "    model.add(keras.layers.Flatten(input_shape=(height, width, 1)))\n"
                "    dense = keras.layers.Dense(n)\n"
                "    model.add(dense)\n"
                "    model.add(keras.layers.Activation('sigmoid'))\n"
                "    model.add(keras.layers.Reshape((height, width, 1)))\n"
                "    b = np.log(dark) - np.log1p(-dark)\n"
                "    a = np.log(lit) - np.log1p(-lit) - b\n"
                "    dense.set_weights([a * np.eye(n), np.full(n, b)])\n"
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
                "def what_accuracy_reads(y_true, y_pred):\n"
                "    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)\n"
                "    if y_pred.shape[-1] == 1:  # BinaryAccuracy\n"
                "        hits = np.squeeze(y_pred, -1) > 0.5\n"
                "        return np.mean(hits.astype(y_true.dtype) == y_true.reshape(hits.shape))\n"
                "    if y_true.ndim == y_pred.ndim and y_true.shape[-1] > 1:  # CategoricalAccuracy\n"
                "        return np.mean(np.argmax(y_true, -1) == np.argmax(y_pred, -1))\n"
                "    labels = y_true if y_true.ndim < y_pred.ndim else np.squeeze(y_true, -1)\n"
                "    return np.mean(labels.astype(int) == np.argmax(y_pred, -1))  # SparseCategoricalAccuracy\n"
            ),
        },
        "fails": {},
        "warns": lambda ns: ns["build_identity_model"](12, 10, 0.2, 0.8),
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
    # Exercise 1: the identity model that outputs dark and lit.
    "bias-is-dark": {
        "why": "takes the wanted outputs for what goes into the sigmoid: bias dark, diagonal lit − dark",
        "cells": {"ex1": tuned(bias="dark", gain="lit - dark")},
        "fails": {
            "ex1-outputs": "the bias is what goes *into* the sigmoid",
            "ex1-sigmoid": "on grey pixels",
        },
        "may_fail": ["ex1-training"],
    },
    "gain-forgets-the-bias": {
        "why": "the diagonal is the lit pixels' log-odds, forgetting that the bias is added to them too",
        "cells": {"ex1": tuned(gain=LOGIT_LIT)},
        "fails": {"ex1-outputs": "the bias is added to the lit pixels too", "ex1-sigmoid": "on grey pixels"},
        "may_fail": ["ex1-training"],
    },
    "plain-identity-kernel": {
        "why": "sets the bias but keeps the lesson's identity kernel (diagonal 1)",
        "cells": {"ex1": tuned(kernel="keras.initializers.Identity()")},
        "fails": {"ex1-outputs": "still the plain identity matrix", "ex1-sigmoid": "on grey pixels"},
        "may_fail": ["ex1-training"],
    },
    "dark-and-lit-swapped": {
        "why": "the bias from lit, the diagonal from dark",
        "cells": {"ex1": tuned(bias=LOGIT_LIT, gain=f"{LOGIT_DARK} - bias")},
        "fails": {"ex1-outputs": "swapped", "ex1-sigmoid": "on grey pixels"},
        "may_fail": ["ex1-training"],
    },
    "matrix-of-gains": {
        "why": "the article's warning again: a matrix filled with the gain sums every pixel",
        "cells": {"ex1": tuned(kernel="keras.initializers.Constant(gain)")},
        "fails": {
            "ex1-outputs": "each output must depend on its own pixel alone",
            "ex1-sigmoid": "on grey pixels",
            "ex1-training": "higher than the reference",
        },
    },
    "square-images-only": {
        "why": "height × height: right on square images, wrong on the check's non-square ones",
        "cells": {"ex1": tuned(shape="height, height, 1", units="height * height")},
        "fails": {
            "ex1-outputs": "the image is taken as square",
            "ex1-sigmoid": "the image is taken as square",
        },
    },
    # Passes a check that looks at black and lit pixels only: a straight line through (0, dark) and
    # (1, lit) is no sigmoid layer. Grey pixels tell.
    "straight-line": {
        "why": "no sigmoid: dark + (lit − dark)·x, right on 0 and 1, not the lesson's sigmoid layer",
        "cells": {"ex1": tuned(activation="None", bias="dark", gain="lit - dark")},
        "fails": {"ex1-sigmoid": "is a straight line through (0, dark) and (1, lit)"},
        "may_fail": ["ex1-training"],
    },
    # The near miss of the training check: the numbers of the graded run (dark 0.1, lit 0.9)
    # hard-coded. It trains exactly as the reference does and keeps the training point; the
    # outputs and grey-pixel checks, with pairs of their own, must take theirs.
    "graded-pair-hard-coded": {
        "why": "ignores dark and lit: the diagonal and bias of the pair 0.1, 0.9",
        "cells": {"ex1": tuned(bias="np.log(0.1 / 0.9)", gain="-2 * bias")},
        "fails": {"ex1-outputs": "black pixels come out as", "ex1-sigmoid": "on grey pixels"},
    },
    "rescaling-not-dense": {
        "why": "computes σ(a·x + b) with Rescaling and an Activation: right outputs, no Dense layer",
        "cells": {
            "ex1": (
                "def build_identity_model(height, width, dark, lit):\n"
                "    b = np.log(dark / (1 - dark))\n"
                "    a = np.log(lit / (1 - lit)) - b\n"
                "    model = keras.Sequential([\n"
                "        keras.Input(shape=(height, width, 1)),\n"
                "        keras.layers.Rescaling(scale=a, offset=b),\n"
                "        keras.layers.Activation('sigmoid'),\n"
                "    ])\n"
                "    model.compile(optimizer='adam', loss='mse', metrics=['accuracy'])\n"
                "    return model\n"
            )
        },
        "fails": {"ex1-sigmoid": "should have one Dense layer"},
        "may_fail": ["ex1-training"],
    },
    # Exercise 4: what the string 'accuracy' reads for any output.
    "accuracy-targets-thresholded": {
        "why": "thresholds the targets at 0.5 too: right for 0/1 targets, not for grey ones",
        "cells": {
            "ex4": reads(
                one_unit="    if q.shape[-1] == 1:\n"
                "        return float(np.mean((t.reshape(q.shape) > 0.5) == (q > 0.5)))\n"
            )
        },
        "fails": {"ex4-one-unit": "it reads a grey target (between 0 and 1) as 0 or 1"},
    },
    "accuracy-threshold-inclusive": {
        "why": "thresholds with >= 0.5: the identity-sigmoid model's dark pixels would count as lit",
        "cells": {
            "ex4": reads(
                one_unit="    if q.shape[-1] == 1:\n"
                "        return float(np.mean(t.reshape(q.shape) == (q >= 0.5)))\n"
            )
        },
        "fails": {"ex4-one-unit": "counts an output of exactly 0.5 as lit"},
    },
    "accuracy-read-as-exact": {
        "why": "believes 'accuracy' counts exact equality, whatever the output",
        "cells": {
            "ex4": "def what_accuracy_reads(y_true, y_pred):\n    return float(np.mean(y_pred == y_true))\n"
        },
        "fails": {
            "ex4-one-unit": "exactly equal to their targets",
            "ex4-several-units": "what evaluate reports",
        },
    },
    "accuracy-one-unit-broadcast": {
        "why": "compares (n, 1) outputs with (n,) targets as NumPy broadcasts them, (n, n)",
        "cells": {
            "ex4": reads(one_unit="    if q.shape[-1] == 1:\n        return float(np.mean(t == (q > 0.5)))\n")
        },
        "fails": {"ex4-one-unit": "as NumPy broadcasts them"},
    },
    "accuracy-binary-everywhere": {
        "why": "BinaryAccuracy for every output, as for the images",
        "cells": {"ex4": reads(several_units="    return float(np.mean(t == (q > 0.5)))\n")},
        "fails": {"ex4-several-units": "it thresholds each unit at 0.5"},
    },
    "accuracy-categorical-for-labels": {
        "why": "CategoricalAccuracy for every output of several units, class labels too",
        "cells": {
            "ex4": reads(several_units="    return float(np.mean(t.argmax(axis=-1) == q.argmax(axis=-1)))\n")
        },
        "fails": {"ex4-several-units": "these targets are class labels"},
    },
    "accuracy-labels-broadcast": {
        "why": "compares the outputs' classes with (n, 1) labels as NumPy broadcasts them",
        "cells": {
            "ex4": reads(
                several_units="    if t.ndim < q.ndim or t.shape[-1] == 1:\n"
                "        return float(np.mean(q.argmax(axis=-1) == t))\n"
                "    return float(np.mean(t.argmax(axis=-1) == q.argmax(axis=-1)))\n"
            )
        },
        "fails": {"ex4-several-units": "as NumPy broadcasts them"},
    },
    "accuracy-asks-keras": {
        "why": "lets Keras' metric compute the number instead of working it out",
        "cells": {
            "ex4": (
                "def what_accuracy_reads(y_true, y_pred):\n"
                "    return float(keras.metrics.BinaryAccuracy()(y_true, y_pred))\n"
            )
        },
        "fails": {"ex4-one-unit": "what_accuracy_reads uses keras", "ex4-several-units": "uses keras"},
    },
}
