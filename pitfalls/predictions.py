"""A learner's written prediction, shown beside what the experiment measured.

Why this exists: a lesson that says "Predict" and then prints the answer lets the eye slide past
the question. Writing the guess into a cell (``my_prediction = ...``) commits it; after the
experiment, ``versus(my_prediction, measured, "what")`` prints one line with both, so the lesson's
visible answer is "predicted vs measured" and its asserts can sit in a collapsed cell.

It never raises and never grades: a lesson runs top to bottom with every prediction left as
``...`` (as the tests run it), and a guess of another type than the answer (a word for a number)
is shown as written.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

NOT_WRITTEN = Ellipsis  # what a lesson's prediction cell holds until the learner writes a guess


def _shown(value: Any) -> str:
    """A number to 4 significant digits, a bool as yes/no, anything else as its repr/str."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Real):
        return f"{float(value):.4g}"
    if isinstance(value, str):
        return value
    return repr(value)


def _same(prediction: Any, measured: Any) -> bool:
    """Equal as written (a list guessed for an array's ``tolist()``, a tuple for a shape); never
    raises (an array's ``==`` is element-wise, and some objects refuse to compare)."""
    try:
        return type(prediction) is type(measured) and bool(prediction == measured)
    except Exception:  # noqa: BLE001 - any refusal to compare means "not shown as the same"
        return False


def _how_far(prediction: Any, measured: Any) -> str:
    """For two numbers, how far apart: the ratio when both are non-zero and of one sign."""
    numbers = all(isinstance(v, Real) and not isinstance(v, bool) for v in (prediction, measured))
    if not numbers:
        return " (the same)" if _same(prediction, measured) else ""
    if not all(math.isfinite(float(v)) for v in (prediction, measured)):
        return ""
    p, m = float(prediction), float(measured)
    if p == m:
        return " (exactly)"
    if p * m > 0:
        ratio = max(p / m, m / p)
        return f" (within {abs(p - m) / abs(m):.0%})" if ratio < 1.1 else f" (a factor {ratio:.3g} apart)"
    return ""


def versus(prediction: Any, measured: Any, what: str) -> None:
    """Print one line: what was predicted and what was measured, for ``what``.

    ``prediction`` is the learner's ``my_prediction``; left as ``...`` the line says so instead.
    Returns nothing, so a ``versus(...)`` ending a cell is not echoed a second time as its value.
    """
    if prediction is NOT_WRITTEN:
        line = f"{what}: measured {_shown(measured)} — no guess written (still `...` in the guess cell above)"
    else:
        line = f"{what}: you predicted {_shown(prediction)}, measured {_shown(measured)}"
        line += _how_far(prediction, measured)
    print(line)
