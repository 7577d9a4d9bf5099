"""show_source shows the code that runs: its text is inspect.getsource's (dedented, with a header
naming where it lives), highlighted HTML plus the plain source under IPython, printed elsewhere."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pitfalls import show


def doubled(x: int) -> int:
    """A module-level function to show."""
    return 2 * x  # a comment survives


class Holder:
    def method(self):
        return "indented in its class"


def test_source_of_a_function_is_its_file_text_with_a_header():
    text = show.source_of(doubled)
    lines = text.splitlines()
    assert lines[0] == f"# from {__name__}: doubled"
    assert lines[1] == "def doubled(x: int) -> int:"
    assert "    return 2 * x  # a comment survives" in lines
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_a_method_is_dedented_so_it_reads_as_code():
    text = show.source_of(Holder.method)
    assert text.splitlines()[:2] == [f"# from {__name__}: Holder.method", "def method(self):"]


def test_a_class_is_shown_whole():
    text = show.source_of(Holder)
    assert "class Holder:" in text and "def method(self):" in text


def test_source_of_something_without_source_raises():
    with pytest.raises(TypeError):
        show.source_of(len)  # a builtin: there is no Python source to show


def test_outside_ipython_it_prints_plain_text(capsys, monkeypatch):
    monkeypatch.setattr(show, "_ipython_shell", lambda: None)
    assert show.show_source(doubled) is None
    assert capsys.readouterr().out == show.source_of(doubled)


def test_under_ipython_it_displays_highlighted_code_with_a_plain_text_fallback(monkeypatch):
    import IPython.display
    from IPython.core.formatters import DisplayFormatter

    shown = []
    monkeypatch.setattr(show, "_ipython_shell", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    assert show.show_source(doubled) is None
    assert len(shown) == 1
    bundle, _ = DisplayFormatter().format(shown[0])
    assert bundle["text/plain"] == show.source_of(doubled).rstrip("\n")
    assert '<span class="k">def</span>' in bundle["text/html"]  # Pygments' keyword class


def test_in_a_real_ipython_shell_it_publishes_html_and_the_source():
    code = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from IPython.utils.capture import capture_output\n"
        "shell = InteractiveShell.instance()\n"
        "with capture_output() as captured:\n"
        "    shell.run_cell('from pitfalls.show import show_source\\n"
        "from pitfalls.session import quiet_env\\n"
        "show_source(quiet_env)')\n"
        "assert captured.stdout == '', captured.stdout  # displayed, not printed\n"
        "(output,) = captured.outputs\n"
        "print(sorted(output.data))\n"
        "print(output.data['text/plain'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    first, *source = result.stdout.splitlines()
    assert "'text/html'" in first and "'text/plain'" in first
    assert source[:2] == ["# from pitfalls.session: quiet_env", "def quiet_env() -> None:"]


def long_function(identifier, flag):
    """A function whose statements span several lines, like Keras' own ``get_metric``."""
    if identifier is None:
        raise ValueError("Expected a value")
    if flag:
        value = dict(
            name=str(identifier),
            flag=flag,
        )
    else:
        value = dict(
            name=str(identifier),
        )
    value["seen"] = True
    return value


def test_a_cut_falls_after_a_whole_statement_never_inside_one():
    code = show.source_of(long_function).split("\n", 1)[1].rstrip("\n")
    total = len(code.splitlines())
    for max_lines in range(3, total + 1):
        cut = show.cut_at_statement(code, max_lines)
        kept = cut.splitlines()
        if max_lines >= total:
            assert cut == code
            continue
        *shown, marker = kept
        assert len(shown) <= max_lines and marker.strip() == f"# … {total - len(shown)} more lines"
        compile("\n".join(shown), "<cut>", "exec")  # this function's prefixes parse when whole statements
        assert not shown[-1].rstrip().endswith(("(", ",")), (max_lines, shown[-1])
    # Line 6 opens dict(...) and line 5 is the `if` it belongs to: the cut backs up to the raise.
    mid_call = show.cut_at_statement(code, 6)
    assert mid_call.splitlines()[:-1] == code.splitlines()[:4]


def test_show_source_can_show_the_first_statements(capsys, monkeypatch):
    monkeypatch.setattr(show, "_ipython_shell", lambda: None)
    show.show_source(long_function, max_lines=11)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"# from {__name__}: long_function"
    assert out[-2] == "        )" and out[-1] == "    # … 6 more lines"  # the `else` and what follows
