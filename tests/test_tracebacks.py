"""A failed check shows its message and the learner's own code, never a line of the checks.

Run in an in-process IPython (``InteractiveShell``): what ``_showtraceback`` receives is what
ipykernel sends as the error message's ``traceback`` and nbgrader stores in the graded notebook.
A stand-in checks module, written to a file so that IPython *could* show its source, carries a
marker in every function: the marker must never reach the learner.
"""

from __future__ import annotations

import re
import sys
import types
import warnings

import pytest
from IPython.core.interactiveshell import InteractiveShell

from pitfalls.checks import tracebacks
from pitfalls.checks.core import CheckFailed, call_learner

SECRET = "THE_ANSWER_IS_images[:100]"
CHECKS = f'''
"""Checks of a made-up lab. {SECRET}"""
from pitfalls.checks.core import call_learner, fail


def plain():
    """{SECRET}"""
    fail("the message, in words")


def calls(fn):
    """{SECRET}"""
    return call_learner(fn, 3)


def direct(fn):
    """{SECRET}"""
    return fn(3) + 1


def own_bug():
    """{SECRET}"""
    return {{}}["{SECRET}"[:0]]
'''
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def checks(tmp_path):
    path = tmp_path / "checks.py"
    path.write_text(CHECKS)
    module = types.ModuleType("lessons.l99_made_up.checks")
    module.__file__ = str(path)
    exec(compile(CHECKS, str(path), "exec"), module.__dict__)
    sys.modules[module.__name__] = module
    yield module
    sys.modules.pop(module.__name__, None)


@pytest.fixture
def shell(checks, monkeypatch):
    """An IPython shell with the handler installed and the stand-in checks imported as ``check``;
    ``shell.errors`` lists what each error message would carry: (ename, evalue, traceback text)."""
    ip = InteractiveShell.instance()
    errors: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        ip,
        "_showtraceback",
        lambda etype, evalue, stb: errors.append((etype.__name__, str(evalue), plain(stb))),
    )
    ip.errors = errors
    assert tracebacks.install(ip)
    ip.user_ns["check"] = checks
    yield ip
    ip.set_custom_exc((), None)
    setattr(ip, tracebacks._MARK, False)


def plain(stb: list[str]) -> str:
    return ANSI.sub("", "\n".join(stb))


def run(shell, code: str) -> tuple[str, str, str]:
    before = len(shell.errors)
    shell.run_cell(code)
    assert len(shell.errors) == before + 1, f"{code!r} should fail once"
    return shell.errors[-1]


def test_a_failed_check_is_its_message_alone(shell, checks):
    ename, evalue, text = run(shell, "check.plain()")
    assert (ename, evalue, text) == (
        "CheckFailed",
        "the message, in words",
        "CheckFailed: the message, in words",
    )


def test_the_learners_error_inside_a_check_shows_their_code_not_the_checks(shell):
    shell.run_cell("def mine(x):\n    return x.no_such_thing  # my line\n")
    ename, evalue, text = run(shell, "check.calls(mine)")
    assert ename == "CheckFailed" and "mine(...) raised AttributeError" in evalue
    assert "return x.no_such_thing" in text, text
    assert text.rstrip().endswith(
        "mine(...) raised AttributeError: 'int' object has no attribute 'no_such_thing'"
    )
    assert SECRET not in text and "checks.py" not in text and "call_learner" not in text, text


def test_an_error_raised_through_a_check_without_call_learner(shell):
    shell.run_cell("def mine(x):\n    return x / 0  # my line\n")
    ename, evalue, text = run(shell, "check.direct(mine)")
    assert ename == "ZeroDivisionError"
    assert "check.direct(mine)" in text and "return x / 0" in text, text
    assert SECRET not in text and "checks.py" not in text, text


def test_the_checks_own_error_shows_the_cell_and_the_error_only(shell):
    ename, _, text = run(shell, "check.own_bug()")
    assert ename == "KeyError" and "check.own_bug()" in text and "KeyError" in text
    assert SECRET not in text and "checks.py" not in text, text


def test_other_errors_look_exactly_as_ipython_shows_them(shell):
    ours = run(shell, "def f():\n    return 1 / 0\nf()")
    shell.set_custom_exc((), None)
    setattr(shell, tracebacks._MARK, False)
    theirs = run(shell, "def f():\n    return 1 / 0\nf()")
    assert ours == theirs and "return 1 / 0" in ours[2]


def test_a_cell_that_does_not_parse_is_still_a_syntax_error(shell, capsys):
    shell.run_cell("def (:")
    assert "SyntaxError" in capsys.readouterr().out + "".join(e[2] for e in shell.errors)


def test_start_installs_it_in_the_running_shell(shell, monkeypatch):
    """What every lab's setup cell does (its environment and warning filters kept to this test)."""
    from pitfalls.session import CPU_ONLY_ENV, QUIET_ENV

    for key in {**QUIET_ENV, **CPU_ONLY_ENV}:
        monkeypatch.delenv(key, raising=False)
    shell.set_custom_exc((), None)
    setattr(shell, tracebacks._MARK, False)
    with warnings.catch_warnings():
        assert shell.run_cell("from pitfalls.session import start\nstart(verbose=False)").success
    assert shell.custom_exceptions == (Exception,) and getattr(shell, tracebacks._MARK)
    assert run(shell, "check.plain()")[2] == "CheckFailed: the message, in words"


def test_without_ipython_a_failed_check_still_reads_as_its_message():
    try:
        call_learner(lambda: [].pop(), what="pop()")
    except CheckFailed as exc:
        lines = tracebacks.check_failed_lines(exc, None)
    assert (
        lines[-1]
        == f"{tracebacks.RED}CheckFailed{tracebacks.RESET}: pop() raised IndexError: pop from empty list"
    )
    assert "call_learner" not in "\n".join(lines)


def test_a_tensorflow_shape_error_reads_in_words():
    """A real graph-execution error from fit: no defining stack, no node names, a sentence."""
    import keras
    import numpy as np
    import tensorflow as tf

    x, y = np.zeros((8, 4), "float32"), np.zeros((8, 2), "float32")
    spec = tf.TensorSpec((None, None), tf.float32)  # shapes known only when it runs
    data = tf.data.Dataset.from_generator(lambda: iter([(x, y)]), output_signature=(spec, spec))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.compile("sgd", "mse")
    with pytest.raises(CheckFailed) as info:
        call_learner(model.fit, data, verbose=0, what="model.fit(...)")
    message = str(info.value)
    assert message.startswith(
        "model.fit(...) raised InvalidArgumentError: Incompatible shapes: [8,2] vs. [8,3]"
    )
    assert "do not broadcast" in message and "shape your model outputs" in message
    for noise in ("File ", "Detected at node", "{{node", "[Op:", "Graph execution error"):
        assert noise not in message, message


@pytest.mark.parametrize(
    "raw,words",
    [
        (
            "Received a label value of 9 which is outside the valid range of [0, 1).  Label values: 9 3",
            "1 unit(s)",
        ),
        (
            "Matrix size-incompatible: In[0]: [64,784], In[1]: [10,32] [Op:MatMul] name: ",
            "[64,784] by a [10,32]",
        ),
        (
            "Incompatible shapes: [64] vs. [64,10] [Op:BroadcastGradientArgs] name: ",
            "the targets hold one number per sample (shape [64]) and the model outputs 10",
        ),
        ("Something else entirely", None),
    ],
)
def test_describe_explains_the_common_tensorflow_errors(raw, words):
    text = tracebacks.describe(ValueError(raw))
    assert text.startswith(raw.split(" [Op:")[0].split("  Label")[0][:30])
    assert (words in text) if words else text == raw
