"""What a learner sees when a check fails: the message and their own code, never the checks' source.

Why: IPython prints a traceback with five lines of source around every frame, and the frames of a
failed check are the check's own — whose code and docstrings hold the answers (``images[:100]``,
``images.reshape(n, -1).T``). nbgrader stores that traceback in the graded notebook and prints it
in the feedback page, with the instructor's file paths, and the one useful line comes last.

Two pieces, installed in one place:

* :class:`~pitfalls.checks.core.CheckFailed` renders itself (IPython asks an exception for
  ``_render_traceback_`` before it formats one; the kernel sends what it returns as the error
  message's ``traceback``, which is what nbgrader stores): its message, preceded by the learner's
  frames when the learner's code raised it (``call_learner``), with the check's frames left out.
* :func:`install`, called by :func:`pitfalls.session.start`, makes IPython route every other error
  through :func:`structured_traceback` when it passed through a check: a learner's function that
  raised inside a check, or TensorFlow's own error. The learner sees the cell, their own frames and
  the error, in words (:func:`describe` drops TensorFlow's graph noise and explains the common
  shape errors); the frames of the checks, and whatever the checks called, are left out.

``%tb`` still prints the whole traceback of a non-check error, for whoever debugs a check.
"""

from __future__ import annotations

import re
import traceback
import types
from typing import Any

#: Modules whose frames are "the checks": the shared vocabulary and every lab's ``checks`` module.
CHECK_PACKAGE = "pitfalls.checks"
RED, RESET = "\x1b[31m", "\x1b[39m"
_MARK = "_pitfalls_check_tracebacks"  # set on a shell whose handler is ours


def _module(frame: types.FrameType) -> str:
    return str(frame.f_globals.get("__name__") or "")


def is_check_frame(frame: types.FrameType) -> bool:
    """A frame of ``pitfalls.checks`` or of a lesson's ``checks`` module."""
    name = _module(frame)
    if name == CHECK_PACKAGE or name.startswith(CHECK_PACKAGE + "."):
        return True
    return name.startswith("lessons.") and name.rsplit(".", 1)[-1] == "checks"


def is_learner_frame(frame: types.FrameType) -> bool:
    """A frame of code typed in the notebook (cells run in ``__main__``)."""
    return _module(frame) == "__main__"


def visible(tb: types.TracebackType | None) -> types.TracebackType | None:
    """``tb`` without the checks' frames and without what the checks called, except the learner's
    code (and what *it* called): the frames a learner may read."""
    kept, inside = [], False
    while tb is not None:
        frame = tb.tb_frame
        if is_check_frame(frame):
            inside = True
        elif is_learner_frame(frame):
            inside = False
            kept.append(tb)
        elif not inside:
            kept.append(tb)
        tb = tb.tb_next
    out = None
    for t in reversed(kept):
        out = types.TracebackType(out, t.tb_frame, t.tb_lasti, t.tb_lineno)
    return out


def _chain(exc: BaseException | None):
    """``exc`` and the exceptions Python would print with it (causes and contexts)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = (
            exc.__cause__
            if exc.__cause__ is not None
            else (None if exc.__suppress_context__ else exc.__context__)
        )


def passes_through_checks(exc: BaseException, tb: types.TracebackType | None = None) -> bool:
    """Whether any traceback of ``exc``'s chain has a frame of the checks."""
    for i, e in enumerate(_chain(exc)):
        t = tb if (i == 0 and tb is not None) else e.__traceback__
        while t is not None:
            if is_check_frame(t.tb_frame):
                return True
            t = t.tb_next
    return False


def _has_learner_frame(tb: types.TracebackType | None) -> bool:
    while tb is not None:
        if is_learner_frame(tb.tb_frame):
            return True
        tb = tb.tb_next
    return False


# --- TensorFlow's errors in words ------------------------------------------------------------
_GRAPH_HEAD = re.compile(r"^Graph execution error:\s*", re.S)
_DETECTED = re.compile(
    r"Detected at node .*? defined at \(most recent call last\):\n(?:[ \t]*(?:File .*)?\n)*", re.M
)
_NODE_TAIL = re.compile(r"\s*\[\[\{\{node [^}]*\}\}\]\].*$", re.S)
_OP_TAIL = re.compile(r"\s*\[Op:[^\]]*\](?: name: \S*)?\s*$")
_NODE_DEF = re.compile(r" for '\{\{node ([^}]*)\}\} = [^']*'")

_ONE_PER_SAMPLE = (
    "the targets hold one number per sample (shape [{0}]) and the model outputs {1} per sample "
    "([{0},{1}]){grad}: an element-wise loss such as 'mse' needs targets of the output's shape. "
    "Integer class labels, one per sample, go with 'sparse_categorical_crossentropy'."
)

_EXPLAINED: list[tuple[re.Pattern, str]] = [
    (re.compile(r"Incompatible shapes: \[(\d+)\] vs\. \[\1,(\d+)\]"), _ONE_PER_SAMPLE),
    (re.compile(r"Incompatible shapes: \[(\d+),(\d+)\] vs\. \[\1\]"), _ONE_PER_SAMPLE),
    (
        re.compile(r"Incompatible shapes: \[([\d,]*)\] vs\. \[([\d,]*)\]"),
        "two tensors of shapes [{0}] and [{1}] were combined element by element{grad}, and these "
        "shapes do not broadcast (each axis must be equal, or 1 in one of them). Compare the shape "
        "your model outputs with the shape of the targets.",
    ),
    (
        re.compile(r"Dimensions must be equal, but are (\d+) and (\d+)"),
        "an element-wise operation got axes of sizes {0} and {1}, which do not broadcast. Compare the "
        "shape your model outputs with the shape of the targets.",
    ),
    (
        re.compile(r"Received a label value of (-?\d+) which is outside the valid range of \[0, (\d+)\)"),
        "a label is {0}, but the model's output has {1} unit(s): integer labels 0…K−1 need an output "
        "layer of K units, one per class.",
    ),
    (
        re.compile(r"segment_ids\[\d+\] = \d+ is out of range|SparseSoftmaxCrossEntropyWithLogits"),
        "sparse categorical cross-entropy got labels that do not fit the model's output: it wants one "
        "integer label per sample and one output unit per class.",
    ),
    (
        re.compile(r"Matrix size-incompatible: In\[0\]: \[([\d,]*)\], In\[1\]: \[([\d,]*)\]"),
        "a matrix product of a [{0}] by a [{1}] matrix: the first one's last size must equal the "
        "second one's first size. Is the model's input shape the shape of the data?",
    ),
]


def describe(exc: BaseException) -> str:
    """``exc``'s message, and for a TensorFlow error a sentence saying what it means.

    TensorFlow's graph errors carry the stack that defined the failing node (file paths of the
    checks and of Keras), node names and op names; what is left is its one-line reason.
    """
    text = str(exc)
    raw = text
    if type(exc).__module__.startswith("tensorflow") or text.startswith("Graph execution error"):
        text = _GRAPH_HEAD.sub("", text)
        text = _DETECTED.sub("", text)
        text = _NODE_TAIL.sub("", text)
        text = _OP_TAIL.sub("", text)
    text = _NODE_DEF.sub("", text).strip()
    for pattern, words in _EXPLAINED:
        found = pattern.search(raw)
        if found:
            grad = " (found while computing the gradients)" if "BroadcastGradientArgs" in raw else ""
            return f"{text} — {words.format(*found.groups(), grad=grad)}"
    return text


# --- rendering -----------------------------------------------------------------------------
def _proxy(exc: BaseException, tb: types.TracebackType | None) -> BaseException:
    """A stand-in for ``exc`` (same class name, message in words, learner-visible frames) and for
    its chain, so that IPython's formatter can print them without touching the real exceptions."""
    cls = type(exc)
    stand_in = type(
        cls.__name__, (Exception,), {"__module__": cls.__module__, "__qualname__": cls.__qualname__}
    )
    proxy = stand_in(describe(exc)).with_traceback(visible(tb))
    notes = getattr(exc, "__notes__", None)
    if isinstance(notes, list):
        proxy.__notes__ = list(notes)
    if exc.__cause__ is not None:
        proxy.__cause__ = _proxy(exc.__cause__, exc.__cause__.__traceback__)
    elif exc.__context__ is not None and not exc.__suppress_context__:
        proxy.__context__ = _proxy(exc.__context__, exc.__context__.__traceback__)
    proxy.__suppress_context__ = exc.__suppress_context__
    return proxy


def _format(shell: Any, proxy: BaseException, tb_offset: int | None = None) -> list[str]:
    if shell is not None and hasattr(shell, "InteractiveTB"):
        return shell.InteractiveTB.structured_traceback(
            type(proxy), proxy, proxy.__traceback__, tb_offset=tb_offset
        )
    return "".join(traceback.format_exception(proxy)).rstrip("\n").split("\n")


def check_failed_lines(exc: BaseException, shell: Any = None) -> list[str]:
    """A failed check as the learner reads it: ``CheckFailed: <message>``, preceded only by the
    frames of the learner's code when that code raised (``call_learner``).

    The message stays on one line, not wrapped: graders and tests search the feedback page for it.
    """
    lines: list[str] = []
    cause = exc.__cause__
    if cause is not None and _has_learner_frame(cause.__traceback__):
        lines += _format(shell, _proxy(cause, cause.__traceback__), tb_offset=0)
        lines += ["", "The check called your code, which raised the error above:"]
    lines.append(f"{RED}{type(exc).__name__}{RESET}: {exc}")
    return lines


def structured_traceback(shell: Any, etype: type, value: BaseException, tb, tb_offset=None) -> list[str]:
    """What IPython shows for ``value``: :func:`check_failed_lines` for a failed check, otherwise
    IPython's own traceback of the frames a learner may read, with the message in words."""
    from pitfalls.checks.core import CheckFailed

    if isinstance(value, CheckFailed):
        return check_failed_lines(value, shell)
    return _format(shell, _proxy(value, tb), tb_offset=tb_offset)


def _ran_code(tb: types.TracebackType | None) -> bool:
    while tb is not None:
        if _module(tb.tb_frame).split(".")[0] != "IPython":
            return True
        tb = tb.tb_next
    return False


def _handler(shell: Any, etype: type, value: BaseException, tb, tb_offset=None) -> None:
    """IPython's custom exception handler (see ``InteractiveShell.set_custom_exc``): errors that did
    not pass through a check are shown exactly as IPython would have shown them."""
    from pitfalls.checks.core import CheckFailed

    if issubclass(etype, SyntaxError):
        if _ran_code(tb):
            shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        else:  # the cell itself does not parse
            shell.showsyntaxerror()
        return None
    if isinstance(value, CheckFailed) or not passes_through_checks(value, tb):
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return None
    try:
        stb = structured_traceback(shell, etype, value, tb, tb_offset)
        shown = _proxy(value, None)  # the error message's evalue: the words, not TensorFlow's stack
    except Exception:  # never lose an error because it could not be shortened
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset, running_compiled_code=True)
        return None
    shell._get_exc_info((etype, value, tb))  # sys.last_traceback, for %debug and %tb
    shell._showtraceback(etype, shown, stb)
    return None


def install(shell: Any = None) -> bool:
    """Route the errors of ``shell`` (the running IPython, by default) through :func:`_handler`.

    Returns whether it was installed: not outside IPython, and not over another custom handler.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with every kernel
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    if getattr(shell, "custom_exceptions", ()) and not getattr(shell, _MARK, False):
        return False  # someone else's handler: keep it (CheckFailed still renders itself)
    shell.set_custom_exc((Exception,), _handler)
    setattr(shell, _MARK, True)
    return True
