"""Show the source of a function or class where a lesson teaches it.

Why this exists: some code is both taught and used — lesson 6's BEGAN ``train_step`` also trains
the learner's ``update_k`` in lab 6's checks; lesson 4's identity-sigmoid model is also what the
explorers run and what lab 4's checks evaluate. Written twice (once in the notebook, once in the
package) the copies drift apart; written once in the package it would vanish from the lesson.
So it is written once, in the package, and the lesson calls ``show_source(thing)`` right where
it teaches it: the learner reads the very code that runs, highlighted, in the notebook.

``inspect.getsource`` reads the file the object was defined in, so what is shown is always what
runs: there is no second copy to keep in step.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any


def source_of(obj: Any) -> str:
    """The source of ``obj`` (function, class, method), dedented, headed by where it lives.

    The header is a comment naming the module and qualified name (``# from pitfalls.identity:
    identity_model``), so a learner who wants to edit or reuse it knows which file to open.
    """
    target = inspect.unwrap(obj)
    code = textwrap.dedent(inspect.getsource(target)).rstrip("\n")
    module = getattr(target, "__module__", None) or "?"
    name = getattr(target, "__qualname__", None) or getattr(target, "__name__", "?")
    return f"# from {module}: {name}\n{code}\n"


def _ipython_shell():
    """The running IPython shell (a Jupyter kernel, terminal IPython), or ``None`` in plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter, which the course needs
        return None
    return get_ipython()


def show_source(obj: Any) -> None:
    """Display the source of ``obj``: highlighted code under IPython/Jupyter, plain text elsewhere.

    Under IPython the display bundle is ``IPython.display.Code``: ``text/html`` (Pygments
    highlighting) for Jupyter, Colab and rendered notebooks, ``text/plain`` — the source itself —
    for terminals and text-only viewers. Outside IPython (a script, ``python -c``) it prints.
    Returns ``None`` so that a cell ending in ``show_source(...)`` does not echo a value too.
    """
    text = source_of(obj)
    if _ipython_shell() is None:
        print(text, end="")
        return
    from IPython.display import Code, display

    display(Code(text, language="python"))
