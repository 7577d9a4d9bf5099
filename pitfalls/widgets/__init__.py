"""Interactive figures for the lessons: one call per cell, e.g.
``from pitfalls.widgets import sigmoid_explorer; sigmoid_explorer()``.

Each explorer lives in its lesson's folder (``lessons/l04_identity_autoencoder/widget_sigmoid.py``);
this package keeps what they share (``_core``: the persistent picture; ``tracks``: the flight tracks
the lesson-4 and -5 explorers draw; ``bench``: slider latency; ``meannet_runs``: the builder of the
shipped runs the input-scale explorer reads) and finds the explorers through the catalogue.

Each explorer is an ipywidgets box whose one picture (a matplotlib figure rendered to PNG) is
redrawn in place when a control moves; see :mod:`pitfalls.widgets._core` for why, and
``docs/widgets.md`` for what each one shows and where the lessons use it. Every explorer keeps
its computation in pure functions of its module (unit-tested without a UI).

The factories are imported lazily: ``from pitfalls.widgets import sigmoid_explorer`` does not
import Keras (only the threshold, imshow-scale and BatchNormalization explorers need it, to run
the identity-sigmoid model on real flight tracks).
"""

from __future__ import annotations

import importlib
from typing import Any

WIDGET_PREFIX = "widget_"


def _discover() -> dict[str, str]:
    """``{factory name: module}`` for every lesson folder's ``widget_<name>.py``, which defines
    ``<name>_explorer``: a lesson's widget lives in its folder and needs no entry here."""
    from pitfalls.course import lessons

    found = {}
    for lesson in lessons():
        for path in sorted(lesson.dir.glob(f"{WIDGET_PREFIX}*.py")):
            name = path.stem.removeprefix(WIDGET_PREFIX)
            found[f"{name}_explorer"] = f"{lesson.package}.{path.stem}"
    return found


#: factory name → module that defines it (``make bench`` and the unit tests iterate over it; the
#: browser test reads its targets from tests/browser/targets.json).
FACTORIES: dict[str, str] = _discover()

__all__ = [*FACTORIES, "FACTORIES", "factory", "measure_latency"]


def factory(name: str):
    """The widget factory called ``name`` (a key of :data:`FACTORIES`)."""
    try:
        module = FACTORIES[name]
    except KeyError:
        raise ValueError(f"unknown widget {name!r}; choose one of {sorted(FACTORIES)}") from None
    return getattr(importlib.import_module(module), name)


def __getattr__(name: str) -> Any:
    if name in FACTORIES:
        return factory(name)
    if name == "measure_latency":
        from pitfalls.widgets._core import measure_latency

        return measure_latency
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
