"""Answers learners write for lab NN, and what the autograder must make of them.

TEMPLATE: same shape as every lab's ``wrong_answers.py`` (see lessons/l01_tensors_and_slicing/).
``cells`` replaces solution cells (by grade_id) of the full solution; ``fails`` maps each test
cell that must score 0 to the message its feedback must contain; ``may_fail`` lists cells whose
score is not asserted; ``warns`` (a function of the answer's namespace) provokes the warning a
right answer must survive. ``tests/test_autograde.py`` autogrades every variant through real
nbgrader once the lab is in the catalogue; it asks for at least three wrong answers and one right
answer that warns. Write the wrong answers you have seen learners write, each with the words its
check's message must contain.
"""

VARIANTS = {
    "uint8-wraps": {
        "why": "adds in uint8: 200 + 100 wraps around to 44",
        "cells": {"ex1": "def mean_image(a, b):\n    return (a + b) / 2\n"},
        "fails": {"ex1-check": "wraps around"},
    },
    "floor-division": {
        "why": "converts, then floor-divides: 3.5 becomes 3",
        "cells": {"ex1": "def mean_image(a, b):\n    return (a.astype(int) + b) // 2\n"},
        "fails": {"ex1-check": "// is floor division"},
    },
    "whole-batch-range": {
        "why": "one minimum and maximum for the whole batch, not per image",
        "cells": {
            "ex2": (
                "def stretch(images):\n"
                "    x = images.astype(np.float32)\n"
                "    return (x - x.min()) / (x.max() - x.min())\n"
            )
        },
        "fails": {"ex2-check": "each image needs its own"},
    },
    "nan-for-flat-image": {
        "why": "forgets the image without contrast: 0 / 0",
        "cells": {
            "ex2": (
                "def stretch(images):\n"
                "    x = images.astype(np.float32)\n"
                "    low = x.min(axis=(1, 2), keepdims=True)\n"
                "    return (x - low) / (x.max(axis=(1, 2), keepdims=True) - low)\n"
            )
        },
        "fails": {"ex2-check": "returns NaN for an image whose pixels are all equal"},
    },
    "divides-by-255": {
        "why": "scales 0–255 to 0–1, but stretches nothing",
        "cells": {"ex2": "def stretch(images):\n    return images / 255\n"},
        "fails": {"ex2-check": "divides by 255"},
    },
    # Right, written differently: np.where evaluates the division everywhere, so the flat image
    # still computes 0 / 0 and numpy prints a RuntimeWarning to stderr. It must keep its points
    # (call_learner keeps the warning out of the graded cell).
    "right-with-warning": {
        "why": "np.where picks zeros for the flat image, but divides by zero first: a RuntimeWarning",
        "cells": {
            "ex2": (
                "def stretch(images):\n"
                "    x = images.astype(np.float32)\n"
                "    low = x.min(axis=(1, 2), keepdims=True)\n"
                "    span = x.max(axis=(1, 2), keepdims=True) - low\n"
                "    return np.where(span > 0, (x - low) / span, 0.0)\n"
            )
        },
        "fails": {},
        "warns": lambda ns: ns["stretch"](ns["np"].full((2, 3, 3), 7, dtype=ns["np"].uint8)),
    },
}
