"""Broken and hostile submissions of lab 1, and what `make grade` must make of each.

Built from the lab's release and solution at test time (so the corpus follows the lab), written
as an LMS export: a folder per student. Every case is graded in one run with an honest class; each
must get a grade and feedback naming its problem, and nobody else may be affected.

``expect``: ``graded`` (False: the file could not be graded, 0 points), ``score`` (exact total) or
``max_score`` (an upper bound), ``zero`` (cells that must score 0), ``full`` (cells that must keep
their points), ``says`` (text the student's feedback must contain).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from pitfalls.grading.submissions import variant
from pitfalls.notebook_cells import nbgrader_meta

LAB = "lab01_tensors"
OTHER_LAB = "lab02_mean_net"
MAX = 12.0
WRONG_EX1 = (
    "def first_hundred(images):\n    return images[100]\n\n\n"
    "def lower_right_quadrant(images):\n    return images[:, 14:, 14:]\n"
)
WRONG_EX3 = "def center_columns(X):\n    return X - X.mean(axis=1, keepdims=True)\n"
EX1_CHECKS_ANYWAY = "\ncheck.slicing = lambda *args, **kwargs: None\n"

CASES: dict[str, dict] = {
    "honest-1": {"cells": {}, "expect": {"graded": True, "score": MAX}},
    "honest-2": {"cells": {}, "expect": {"graded": True, "score": MAX}},
    "syntax-error": {
        "cells": {"ex3": "def center_columns(X)\n    return X - X.mean(axis=0)\n"},
        "expect": {"graded": True, "score": MAX - 1, "zero": ["ex3-check"], "says": "SyntaxError"},
    },
    "exception": {
        "cells": {"ex4": "raise RuntimeError('I give up on exercise 4')\n"},
        "expect": {
            "graded": True,
            "score": MAX - 1,
            "zero": ["ex4-check"],
            "says": "I give up on exercise 4",
        },
    },
    "infinite-loop": {
        "cells": {"ex5": "while True:\n    pass\n"},
        "expect": {"graded": True, "score": MAX - 2, "zero": ["ex5-check"], "says": "per-cell time limit"},
    },
    "interrupt-swallower": {  # the per-cell interrupt is ignored: the submission limit stops it
        "cells": {
            "ex5": (
                "import time\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                "    except KeyboardInterrupt:\n        pass\n"
            )
        },
        "expect": {"graded": False, "says": "ex5"},
    },
    "kernel-exit": {  # refused before it runs
        "cells": {"ex2": "import os\nos._exit(1)\n"},
        "expect": {"graded": False, "says": "kills the grader's Python kernel"},
    },
    "kernel-crash": {  # a native crash no screening can foresee: numpy reads memory it does not own
        "cells": {
            "ex2": "import numpy as np\nnp.lib.stride_tricks.as_strided(np.zeros(1), shape=(2,), strides=(2**40,)).sum()\n"
        },
        "expect": {"graded": False, "says": "kernel died while running cell ex2"},
    },
    "memory-bomb": {
        "cells": {
            "ex3": (
                "import numpy as np\nhog = []\nfor _ in range(12):  # 1 GiB a step, 12 GiB at most\n"
                "    hog.append(np.ones(2**27))\n"
            )
        },
        # The bomb meets MemoryError in its own cell; what it holds may starve a later cell, which
        # then kills the kernel: either way, the memory is named and nobody else is affected.
        "expect": {"graded": None, "max_score": MAX - 1, "zero": ["ex3-check"], "says": "MemoryError"},
    },
    "deleted-test-cell": {
        "cells": {"ex1": WRONG_EX1},
        "drop": ["ex1-check"],
        "expect": {
            "graded": True,
            "score": MAX - 2,
            "zero": ["ex1-check"],
            "says": "'ex1-check' was missing",
        },
    },
    "deleted-setup-cell": {
        "cells": {},
        "drop": ["setup"],
        "expect": {"graded": True, "score": MAX, "says": "'setup' was missing"},
    },
    "edited-test-cell": {
        "cells": {"ex3": WRONG_EX3},
        "edit": {"ex3-check": "print('Exercise 3 passed.')\n"},
        "expect": {
            "graded": True,
            "score": MAX - 1,
            "zero": ["ex3-check"],
            "says": "'ex3-check' had been edited",
        },
    },
    "renamed-notebook": {
        "cells": {},
        "filename": f"Copy of {LAB}.ipynb",
        "expect": {"graded": True, "score": MAX, "says": "was named 'Copy of"},
    },
    "corrupt-json": {"cells": {}, "corrupt": "truncate", "expect": {"graded": False, "says": "broken JSON"}},
    "empty-file": {"cells": {}, "corrupt": "empty", "expect": {"graded": False, "says": "is empty"}},
    "other-lab": {
        "cells": {},
        "other_lab": True,
        "expect": {"graded": False, "says": f"notebook of {OTHER_LAB}"},
    },
    "patches-check": {
        "cells": {"ex1": WRONG_EX1 + EX1_CHECKS_ANYWAY},
        "expect": {"graded": False, "says": "changes `check.slicing`"},
    },
    "rebinds-check": {
        "cells": {
            "ex1": WRONG_EX1 + "\n\nclass check:\n    def __getattr__(self, name):\n        return print\n"
        },
        "expect": {"graded": False, "says": "rebinds `check`"},
    },
    "patches-numpy-testing": {
        "cells": {
            "ex3": WRONG_EX3
            + "\nimport numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
        },
        "expect": {"graded": False, "says": "numpy.testing"},
    },
    "patches-core": {
        "cells": {
            "ex3": WRONG_EX3
            + "\nfrom pitfalls.checks import core\ncore.expect_close = lambda *a, **k: None\n"
        },
        "expect": {"graded": False, "says": "pitfalls.checks"},
    },
    "reads-expected-values": {
        "cells": {
            "ex6": (
                "import json, pitfalls\nREF = json.load(open(pitfalls.__file__.replace('__init__.py', "
                "'../lessons/l01_tensors_and_slicing/spread.json')))\n"
            )
        },
        "expect": {"graded": False, "says": "opens files"},
    },
    "reads-master-obfuscated": {
        "cells": {
            "ex6": (
                "reader = getattr(__builtins__, 'op' + 'en')\n"
                "MASTER = reader('../../source/lab01_tensors/lab01_tensors.ipynb').read()\n"
            )
        },
        "expect": {"graded": False, "says": "__builtins__"},
    },
}


def _notebook(case: dict, release: Path, other_solution: nbformat.NotebookNode):
    if case.get("other_lab"):
        return other_solution
    nb = variant(LAB, release, case["cells"])
    for gid, source in case.get("edit", {}).items():
        next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid).source = source
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") not in case.get("drop", ())]
    return nb


def write_corpus(out: Path, release: Path, other_release: Path) -> Path:
    """The corpus as an LMS export: ``out/<student>/<file>.ipynb``; returns ``out``."""
    other_solution = variant(OTHER_LAB, other_release, {})
    for name, case in CASES.items():
        path = out / name / case.get("filename", f"{LAB}.ipynb")
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(_notebook(case, release, other_solution), indent=1)
        if case.get("corrupt") == "truncate":
            text = text[: len(text) // 2]
        elif case.get("corrupt") == "empty":
            text = ""
        path.write_text(text, encoding="utf-8")
    return out
