"""Answers learners write for lab 5, and what the autograder must make of them.

``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive.
"""

COPIES = (
    "def copies_images(f):\n"
    "    x = np.array([[0.0, 1.0]], dtype='float32')\n"
    "    return bool({compare}(np.asarray(f(x)), x))\n\n\n"
    "def copies_everything(f):\n"
    "    x = {probe}.astype('float32').reshape(1, -1)\n"
    "    return bool({compare}(np.asarray(f(x)), x))\n"
)

FOLD = (
    "def fold_batchnorm(kernel, bias, bn):\n"
    "    var, mean = np.asarray(bn.moving_variance), np.asarray(bn.moving_mean)\n"
    "    gamma = {gamma}\n"
    "    beta = np.asarray(bn.beta) if bn.center else 0.0\n"
    "    gain = {gain}\n"
    "    return kernel * gain, {bias}\n"
)
RIGHT_GAMMA = "np.asarray(bn.gamma) if bn.scale else 1.0"

STATS = (
    "def moving_stats_after(batches, momentum):\n"
    "    mean, var = 0.0, {var0}\n"
    "    for b in batches:\n"
    "        mean = {mean_update}\n"
    "        var = var * momentum + b.var(axis=0{ddof}) * (1 - momentum)\n"
    "    return mean, var\n"
)
KERAS_MEAN = "mean * momentum + b.mean(axis=0) * (1 - momentum)"

IDENTITY = (
    "def identity_without_bn(side, mse):\n"
    "    g = 2 * math.log((1 - math.sqrt(mse)) / math.sqrt(mse))\n"
    "    return keras.Sequential([\n"
    "        keras.Input(shape=(side, side, 1)),\n"
    "        keras.layers.Flatten(),\n"
    "        keras.layers.Dense(side * side, {dense}),\n"
    "        keras.layers.Reshape((side, side, 1)),\n"
    "    ])\n"
)

REPAIR = (
    "def repair(model, images):\n"
    "    bn = [l for l in model.layers if isinstance(l, keras.layers.BatchNormalization)][0]\n"
    "{body}"
    "    return model\n"
)

VARIANTS = {
    "probes-only-images": {
        "why": "tests 'everything' on 0 and 1 only: relu, relu6, hard_tanh look like the identity",
        "cells": {"ex1": COPIES.format(compare="np.array_equal", probe="np.array([0.0, 1.0])")},
        "fails": {"ex1-everything": "Try inputs from every part of the real line"},
    },
    "allclose": {
        "why": "np.allclose instead of ==: x·(1 + 2⁻²⁰) passes as the identity",
        "cells": {
            "ex1": COPIES.format(
                compare="np.allclose", probe="np.concatenate([np.linspace(-1e4, 1e4, 20001), [0.1, 0.3]])"
            )
        },
        "fails": {"ex1-images": "close is not exact", "ex1-everything": "np.allclose forgives"},
    },
    "narrow-probe": {
        "why": "probes 'everything' on [-1, 1] only: hard_tanh and clip(±1000) look like the identity",
        "cells": {"ex1": COPIES.format(compare="np.array_equal", probe="np.linspace(-1, 1, 2001)")},
        "fails": {"ex1-everything": "hard_tanh"},
    },
    "fold-without-epsilon": {
        "why": "gain γ/√σ²: forgets ε, which dominates where the moving variance is tiny",
        "cells": {
            "ex2": FOLD.format(
                gamma=RIGHT_GAMMA, gain="gamma / np.sqrt(var)", bias="gain * (bias - mean) + beta"
            )
        },
        "fails": {"ex2-check": "without ε"},
    },
    "fold-bias-unscaled": {
        "why": "adds BN's offset to the Dense bias without passing the bias through the gain",
        "cells": {
            "ex2": FOLD.format(
                gamma=RIGHT_GAMMA, gain="gamma / np.sqrt(var + bn.epsilon)", bias="bias + beta - gain * mean"
            )
        },
        "fails": {"ex2-check": "passes through the gain too"},
    },
    "fold-gamma-always": {
        "why": "reads bn.gamma unconditionally: a layer built with scale=False has none",
        "cells": {
            "ex2": FOLD.format(
                gamma="np.asarray(bn.gamma)",
                gain="gamma / np.sqrt(var + bn.epsilon)",
                bias="gain * (bias - mean) + beta",
            )
        },
        "fails": {"ex2-check": "built with scale=False has no gamma"},
    },
    "momentum-swapped": {
        "why": "PyTorch's convention: the new batch gets the weight momentum",
        "cells": {
            "ex3": STATS.format(
                var0="1.0", mean_update="mean * (1 - momentum) + b.mean(axis=0) * momentum", ddof=""
            )
        },
        "fails": {"ex3-check": "the other way round"},
    },
    "variance-starts-at-zero": {
        "why": "starts the moving variance at 0 like the mean; Keras starts it at 1",
        "cells": {"ex3": STATS.format(var0="0.0", mean_update=KERAS_MEAN, ddof="")},
        "fails": {"ex3-check": "starts at 0; the layer's starts at 1"},
    },
    "unbiased-variance": {
        "why": "np.var(ddof=1), the unbiased estimate; the layer uses ddof=0",
        "cells": {"ex3": STATS.format(var0="1.0", mean_update=KERAS_MEAN, ddof=", ddof=1")},
        "fails": {"ex3-check": "unbiased batch variance"},
    },
    "stats-by-the-layer": {
        "why": "the by-hand exercise answered with the layer it asks to explain",
        "cells": {
            "ex3": (
                "def moving_stats_after(batches, momentum):\n"
                "    bn = keras.layers.BatchNormalization(momentum=momentum)\n"
                "    for b in batches:\n"
                "        bn(b, training=True)\n"
                "    return np.asarray(bn.moving_mean), np.asarray(bn.moving_variance)\n"
            )
        },
        "fails": {"ex3-check": "written out in NumPy"},
    },
    "identity-without-bias": {
        "why": "a large identity kernel but no bias: black pixels stay at σ(0) = 0.5",
        "cells": {
            "ex4": IDENTITY.format(
                dense="activation='sigmoid', use_bias=False, kernel_initializer=keras.initializers.Identity(g)"
            )
        },
        "fails": {"ex4-check": "with no bias, the sigmoid turns the logit 0 into 0.5"},
    },
    "offset-off-centre": {
        "why": "bias −g instead of −g/2: lit pixels land on σ(0) = 0.5",
        "cells": {
            "ex4": IDENTITY.format(
                dense="activation='sigmoid', kernel_initializer=keras.initializers.Identity(g), "
                "bias_initializer=keras.initializers.Constant(-g)"
            )
        },
        "fails": {"ex4-check": "bias = −gain/2"},
    },
    "relu-identity": {
        "why": "lesson 5's exact relu identity: no sigmoid, outputs beyond 1",
        "cells": {
            "ex4": IDENTITY.format(dense="activation='relu', use_bias=False, kernel_initializer='identity'")
        },
        "fails": {"ex4-check": "keep the sigmoid at the end"},
    },
    "momentum-changed": {
        "why": "sets the right momentum after the fact: the moving statistics stay where they were",
        "cells": {"ex5": REPAIR.format(body="    bn.momentum = 0.9\n")},
        "fails": {"ex5-check": "still has the short run's moving statistics"},
    },
    "pixel-statistics": {
        "why": "normalises with the images' statistics, not those of BN's input (the sigmoid's output)",
        "cells": {
            "ex5": REPAIR.format(
                body="    flat = images.reshape(len(images), -1)\n"
                "    bn.moving_mean.assign(flat.mean(axis=0))\n"
                "    bn.moving_variance.assign(flat.var(axis=0))\n"
            )
        },
        "fails": {"ex5-check": "the images' pixel mean"},
    },
    "trains-further": {
        "why": "two more epochs: the kernel moves, and 0.99^160 of the starting variance is still there",
        "cells": {
            "ex5": REPAIR.format(body="    model.fit(images, images, epochs=2, batch_size=64, verbose=0)\n")
        },
        "fails": {"ex5-check": "you trained it further"},
    },
    "batch-statistics-at-inference": {
        "why": "predicts in training mode: each batch normalised with its own statistics",
        "cells": {
            "ex5": (
                "class AlwaysTraining(keras.Model):\n"
                "    def __init__(self, inner):\n"
                "        super().__init__()\n"
                "        self.inner = inner\n\n"
                "    def call(self, x):\n"
                "        return self.inner(x, training=True)\n\n\n"
                "def repair(model, images):\n"
                "    return AlwaysTraining(model)\n"
            )
        },
        "fails": {"ex5-check": "changes with the other images in its batch"},
    },
    # Right, written differently: probes as a grid of magnitudes; the fold through get_weights-free
    # names; the closed form of ex. 4 through the logit; input_shape= on Flatten (a Keras 3
    # UserWarning on stderr); the repair by one training-mode pass with momentum 0.
    "right-with-warning": {
        "why": "Flatten(input_shape=…) (a Keras 3 UserWarning), g from the logit, the repair by one "
        "training-mode pass at momentum 0",
        "cells": {
            "ex1": (
                "def copies_images(f):\n"
                "    return all(float(np.asarray(f(np.array([[v]], 'float32')))[0, 0]) == v for v in (0.0, 1.0))\n\n\n"
                "def copies_everything(f):\n"
                "    m = np.float32(10.0) ** np.arange(-7, 7, 0.01, dtype='float32')\n"
                "    x = np.concatenate([m, -m, np.linspace(-1, 1, 101, dtype='float32')])[None]\n"
                "    return bool((np.asarray(f(x)) == x).all())\n"
            ),
            "ex4": (
                "def identity_without_bn(side, mse):\n"
                "    e = mse ** 0.5\n"
                "    g = -2 * np.log(e / (1 - e))  # σ(−g/2) = e\n"
                "    model = keras.Sequential()\n"
                "    model.add(keras.layers.Flatten(input_shape=(side, side, 1)))\n"
                "    model.add(keras.layers.Dense(side * side, kernel_initializer=keras.initializers.Identity(g),\n"
                "                                 bias_initializer=keras.initializers.Constant(-g / 2)))\n"
                "    model.add(keras.layers.Activation('sigmoid'))\n"
                "    model.add(keras.layers.Reshape((side, side, 1)))\n"
                "    return model\n"
            ),
            "ex5": REPAIR.format(body="    bn.momentum = 0.0\n    model(images, training=True)\n"),
        },
        "fails": {},
        "warns": lambda ns: ns["identity_without_bn"](9, 0.01),
    },
}
