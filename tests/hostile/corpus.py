"""Broken and hostile submissions of lab 1, and what `make grade` must make of each.

Built from the lab's release and solution at test time (so the corpus follows the lab), written
as two LMS exports graded together: a folder per student, and a late batch as a zip (``zip: True``).
Every case is graded in one run with an honest class; each must get a grade and feedback naming
its problem, and nobody else may be affected. Student ids are the case names, as given (Unicode and
a leading ``-`` included).

``expect``: ``graded`` (False: the file could not be graded, 0 points), ``score`` (exact total) or
``max_score`` (an upper bound), ``zero`` (cells that must score 0), ``full`` (cells that must keep
their points), ``says`` (text the student's feedback must contain). ``UNCLAIMED``: members of the zip
that belong to no student, and what ``files.csv`` must say of them.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import nbformat

from pitfalls.course import lab_named
from pitfalls.grading.submissions import solution_cells, variant
from pitfalls.notebook_cells import is_test_cell, nbgrader_meta, points

LAB = "lab01_tensors"
OTHER_LAB = "lab02_mean_net"
#: The lab's full marks, read from its release (the cases below lose known cells' points from it).
MAX = sum(points(c) for c in nbformat.read(lab_named(LAB).release, as_version=4).cells if is_test_cell(c))
WRONG_EX1 = (
    "def first_hundred(images):\n    return images[100]\n\n\n"
    "def lower_right_quadrant(images):\n    return images[:, 14:, 14:]\n"
)
WRONG_EX3 = "def center_columns(X):\n    return X - X.mean(axis=1, keepdims=True)\n"
EX1_CHECKS_ANYWAY = "\ncheck.slicing = lambda *args, **kwargs: None\n"
FILE_LIMIT = 4 * 2**20  # the test's per-file limit: an honest lab-1 notebook is ~20 KB
# Prints 30 MiB and draws 30 figures: more than a feedback page may hold.
FLOOD = (
    "\nimport matplotlib.pyplot as plt\nfor _ in range(30):\n    print('flood ' * 170_000)\n"
    "    plt.plot(range(10))\n    plt.show()\n"
)
# Writes the grader's files wherever `..` from its kernel's folder leads (np.savetxt writes any
# text, and no screen refuses it): a config that raises when nbgrader loads it, a broken gradebook.
SABOTAGE = (
    "\nimport numpy as np\nfor depth in range(1, 7):\n"
    "    for name in ['nbgrader_config.py', 'gradebook.db']:\n"
    "        for where in (['', 'course/'] if depth < 4 else ['course/']):\n"
    "            try:\n"
    "                np.savetxt('../' * depth + where + name, ['raise RuntimeError(\"sabotaged\")'], fmt='%s')\n"
    "            except OSError:\n"
    "                pass\n"
)

CASES: dict[str, dict] = {
    "张伟": {"cells": {}, "zip": True, "expect": {"graded": True, "score": MAX}},  # UTF-8, no zip flag
    "李娜": {  # honest answers and a flood of output: graded in full, the output cut
        "cells": {},
        "append": {"ex2": FLOOD},
        "expect": {"graded": True, "score": MAX, "says": "were cut"},
    },
    "bob": {"cells": {}, "expect": {"graded": True, "score": MAX}},
    "-bob": {"cells": {}, "corrupt": "empty", "expect": {"graded": False, "says": "is empty"}},  # not bob's
    "sabotage": {  # may lose its own points; must cost nobody else anything
        "cells": {},
        "append": {"ex1": SABOTAGE},
        "expect": {"graded": None, "max_score": MAX},
    },
    "deep-nesting": {
        "cells": {},
        "corrupt": "deep",
        "expect": {"graded": False, "says": "nested too deeply"},
    },
    "oversized": {
        "cells": {},
        "corrupt": "big",
        "expect": {"graded": False, "says": "larger than the 4.0 MiB per file"},
    },
    "symlink-to-master": {
        "cells": {},
        "corrupt": "symlink",
        "expect": {"graded": False, "says": "symbolic link"},
    },
    "zip-bomb": {  # a 512 MiB member: read no further than the limit
        "cells": {},
        "zip": True,
        "corrupt": "bomb",
        "expect": {"graded": False, "says": "larger than the 4.0 MiB per file"},
    },
    "zip-symlink": {
        "cells": {},
        "zip": True,
        "corrupt": "symlink",
        "expect": {"graded": False, "says": "symbolic link"},
    },
    "absolute-path": {  # stored as /late/absolute-path/...: read at its path inside the archive
        "cells": {},
        "zip": True,
        "corrupt": "empty",
        "expect": {"graded": False, "says": "is empty"},
    },
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
                "    hog.append(np.empty(2**27))  # address space: the limit bites without touching a page\n"
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


UNCLAIMED = {f"late.zip:late/../escaped/{LAB}.ipynb": "climbs out of the archive"}


def _notebook(case: dict, release: Path, other_solution: nbformat.NotebookNode):
    if case.get("other_lab"):
        return other_solution
    appended = {gid: solution_cells(LAB)[gid] + code for gid, code in case.get("append", {}).items()}
    nb = variant(LAB, release, {**case["cells"], **appended})
    for gid, source in case.get("edit", {}).items():
        next(c for c in nb.cells if nbgrader_meta(c).get("grade_id") == gid).source = source
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") not in case.get("drop", ())]
    return nb


def _text(case: dict, release: Path, other_solution: nbformat.NotebookNode) -> str:
    text = json.dumps(_notebook(case, release, other_solution), indent=1)
    corrupt = case.get("corrupt")
    if corrupt == "truncate":
        return text[: len(text) // 2]
    if corrupt == "empty":
        return ""
    if corrupt == "deep":  # json.loads meets RecursionError long before the end
        return '{"cells": [], "metadata": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    if corrupt == "big":  # an honest notebook with a 5 MiB attachment
        nb = json.loads(text)
        nb["metadata"]["padding"] = "x" * (5 * 2**20)
        return json.dumps(nb)
    return text


class _Utf8WithoutFlag(zipfile.ZipInfo):
    """A member named in UTF-8 without zip's UTF-8 flag, as many zip tools write them."""

    __slots__ = ()

    def _encodeFilenameFlags(self):
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def _zip_member(zf: zipfile.ZipFile, name: str, case: dict, text: str) -> None:
    member = f"late/{name}/{case.get('filename', f'{LAB}.ipynb')}"
    if name == "absolute-path":
        member = "/" + member
    if case.get("corrupt") == "bomb":
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED  # ~0.5 MiB on disk
        with zf.open(info, "w", force_zip64=True) as f:
            chunk = b"0" * 2**20
            for _ in range(512):
                f.write(chunk)
    elif case.get("corrupt") == "symlink":
        link = zipfile.ZipInfo(member)
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "../../source/lab01_tensors/lab01_tensors.ipynb")
    else:
        zf.writestr(_Utf8WithoutFlag(member), text)


def write_corpus(out: Path, release: Path, other_release: Path, master: Path) -> list[Path]:
    """The corpus as two LMS exports: ``out/export/<student>/<file>.ipynb`` and
    ``out/late.zip`` (``late/<student>/…``); returns both."""
    other_solution = variant(OTHER_LAB, other_release, {})
    folder, archive = out / "export", out / "late.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, case in CASES.items():
            text = (
                _text(case, release, other_solution) if case.get("corrupt") not in ("bomb", "symlink") else ""
            )
            if case.get("zip"):
                _zip_member(zf, name, case, text)
                continue
            path = folder / name / case.get("filename", f"{LAB}.ipynb")
            path.parent.mkdir(parents=True, exist_ok=True)
            if case.get("corrupt") == "symlink":
                path.symlink_to(master)
            else:
                path.write_text(text, encoding="utf-8")
        zf.writestr(next(iter(UNCLAIMED)).split(":", 1)[1], "{}")
    return [folder, archive]
