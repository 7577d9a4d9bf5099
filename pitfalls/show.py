"""Show the source of a function or class where a lesson teaches it.

Why this exists: some code is both taught and used — lesson 6's BEGAN ``train_step`` also makes
the training trace that lab 6's checks hand to the learner's ``gamma_from_trace``; lesson 4's
identity-sigmoid model is also what the explorers run and what lab 4's checks evaluate. Written
twice (once in the notebook, once in the package) the copies drift apart; written once in the
package it would vanish from the lesson.
So it is written once, in the package, and the lesson calls ``show_source(thing)`` right where
it teaches it: the learner reads the very code that runs, highlighted, in the notebook.

``inspect.getsource`` reads the file the object was defined in, so what is shown is always what
runs: there is no second copy to keep in step.

A long function (Keras' own ``get_metric``, say) can be shown in part with ``max_lines``: the cut
falls after the last *whole statement* that fits, never inside one (a slice of the source's lines,
as lesson 4 once printed, ended in the middle of a call), and a last line says how much is left.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any


def statement_ends(code: str) -> list[int]:
    """The line numbers (1-based) after which ``code`` can be cut without cutting a statement: the
    last line of every statement, at any depth, that no other simple statement runs past."""
    nodes = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.stmt)]
    compound = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)
    compound += (
        ast.FunctionDef,
        ast.AsyncFunctionDef,
        ast.ClassDef,
        ast.Match,
        getattr(ast, "TryStar", ast.Try),
    )
    simple = [n for n in nodes if not isinstance(n, compound)]
    inside = {
        line for n in simple for line in range(n.lineno, n.end_lineno)
    }  # lines a statement continues past
    return sorted({n.end_lineno for n in nodes} - inside)


def cut_at_statement(code: str, max_lines: int) -> str:
    """``code`` up to the last whole statement within ``max_lines`` lines, then a line saying how
    many are left (indented like the first line left out). Whole when it fits."""
    lines = code.splitlines()
    if len(lines) <= max_lines:
        return code
    ends = [k for k in statement_ends(code) if k <= max_lines]
    keep = ends[-1] if ends else min(max_lines, len(lines))
    rest = lines[keep:]
    next_line = next((line for line in rest if line.strip()), "")
    indent = next_line[: len(next_line) - len(next_line.lstrip())]
    return "\n".join(lines[:keep] + [f"{indent}# … {len(rest)} more lines"])


def source_of(obj: Any, max_lines: int | None = None) -> str:
    """The source of ``obj`` (function, class, method), dedented, headed by where it lives.

    The header is a comment naming the module and qualified name (``# from pitfalls.identity:
    identity_model``), so a learner who wants to edit or reuse it knows which file to open.
    ``max_lines``: show at most that many lines of code, cut after a whole statement.
    """
    target = inspect.unwrap(obj)
    code = textwrap.dedent(inspect.getsource(target)).rstrip("\n")
    if max_lines is not None:
        code = cut_at_statement(code, max_lines)
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


def show_source(obj: Any, max_lines: int | None = None) -> None:
    """Display the source of ``obj``: highlighted code under IPython/Jupyter, plain text elsewhere.

    Under IPython the display bundle is ``IPython.display.Code``: ``text/html`` (Pygments
    highlighting) for Jupyter, Colab and rendered notebooks, ``text/plain`` — the source itself —
    for terminals and text-only viewers. Outside IPython (a script, ``python -c``) it prints.
    Returns ``None`` so that a cell ending in ``show_source(...)`` does not echo a value too.
    ``max_lines`` shows the first statements only (see :func:`source_of`).
    """
    text = source_of(obj, max_lines)
    if _ipython_shell() is None:
        print(text, end="")
        return
    from IPython.display import Code, display

    display(Code(text, language="python"))
