"""The vocabulary of every graded check: fail in words, call learner code quietly.

A failed check raises :class:`CheckFailed`, an ``AssertionError`` whose message is the whole
explanation ("expected shape (12288, 790), got (790, 12288): did you forget the transpose?").
nbgrader shows it in the feedback; a learner without nbgrader sees it under the cell.
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn

import numpy as np

from pitfalls.checks.tracebacks import check_failed_lines, describe


class CheckFailed(AssertionError):
    """A check that failed, with a message meant for the learner.

    IPython shows it as its message alone (and the learner's frames when their code raised it),
    never the check's source: see :mod:`pitfalls.checks.tracebacks`.
    """

    def _render_traceback_(self) -> list[str]:
        from IPython import get_ipython

        return check_failed_lines(self, get_ipython())


def fail(message: str) -> NoReturn:
    """Raise :class:`CheckFailed` (shown as ``message`` alone, without the check's code)."""
    raise CheckFailed(message)


def expect(condition: bool, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        fail(message)


def shape_of(value: Any) -> tuple | None:
    """The shape of an array-like, a Keras tensor or a scalar; ``None`` when it has none."""
    shape = getattr(value, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)


def expect_shape(
    value: Any, expected: Sequence[int | None], what: str, hints: Mapping[tuple, str] | None = None
) -> None:
    """Fail unless ``value`` has shape ``expected``; ``hints`` maps a wrong shape to advice."""
    expected = tuple(expected)
    actual = shape_of(value)
    if actual is None:
        fail(f"{what} should be an array of shape {expected}, got {type(value).__name__}: {value!r:.80}")
    if actual != expected:
        hint = (hints or {}).get(actual)
        if hint is None and sorted(actual, key=str) == sorted(expected, key=str) and len(actual) == 2:
            hint = "the axes are swapped: did you forget the transpose (.T)?"
        fail(f"{what}: expected shape {expected}, got {actual}" + (f": {hint}" if hint else "."))


def expect_close(
    actual: Any, expected: Any, what: str, *, atol: float = 1e-6, rtol: float = 1e-6, hint: str = ""
) -> None:
    """Fail unless ``actual`` equals ``expected`` within tolerances, saying by how much it is off."""
    actual_arr = np.asarray(actual, dtype=np.float64)
    expected_arr = np.asarray(expected, dtype=np.float64)
    if actual_arr.shape != expected_arr.shape:
        expect_shape(actual_arr, expected_arr.shape, what)
    if not np.allclose(actual_arr, expected_arr, atol=atol, rtol=rtol, equal_nan=False):
        worst = np.max(np.abs(actual_arr - expected_arr)) if actual_arr.size else 0.0
        if expected_arr.size == 1:
            detail = f"expected {expected_arr.item():.6g}, got {actual_arr.item():.6g}"
        else:
            bad = int(np.sum(~np.isclose(actual_arr, expected_arr, atol=atol, rtol=rtol)))
            detail = f"{bad} of {expected_arr.size} values differ, by up to {worst:.3g}"
        fail(f"{what}: {detail} (tolerance {atol:g} + {rtol:g}·|expected|)" + (f". {hint}" if hint else "."))


def dense_layers(model: Any) -> list:
    """Every ``Dense`` layer of a Keras model, also inside models nested in it (a learner may wrap
    a body in a sub-model; the checks look at the layers, not at how they were grouped)."""
    import keras

    found = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            found.append(layer)
        elif hasattr(layer, "layers"):  # a model nested inside the model
            found.extend(dense_layers(layer))
    return found


def activation_name(layer: Any) -> str:
    """A layer's activation as a name (``"relu"``), whether it was given as a string or a function."""
    return getattr(layer.activation, "__name__", str(layer.activation))


def loss_label(loss: Any) -> str:
    """How a compiled loss was written, for a message: ``'mse'``, ``sparse_categorical_crossentropy``,
    ``['mse']`` — a list, a function or a loss object read as the learner wrote it."""
    if isinstance(loss, str):
        return repr(loss)
    if isinstance(loss, (list, tuple)) or type(loss).__name__ == "ListWrapper":
        return "[" + ", ".join(loss_label(item) for item in loss) + "]"
    if isinstance(loss, dict) or type(loss).__name__ == "_DictWrapper":
        return "{" + ", ".join(f"{k!r}: {loss_label(v)}" for k, v in dict(loss).items()) + "}"
    return str(getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__)


def compiled_loss(model: Any, y_true: Any, y_pred: Any) -> float | None:
    """The loss ``model`` was compiled with, computed on these targets and predictions; ``None``
    when it cannot compute one (the loss does not fit such targets, or the model is not compiled).

    Why: a check judges what the loss *does*, not how it was spelled — ``'mse'``, ``['mse']`` (one
    output), ``keras.losses.mean_squared_error`` and ``keras.losses.MeanSquaredError()`` are one loss.
    """
    import keras

    if not getattr(model, "compiled", False):
        return None
    stderr = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(stderr):
            warnings.simplefilter("ignore")
            value = model.compute_loss(
                y=keras.ops.convert_to_tensor(y_true),
                y_pred=keras.ops.convert_to_tensor(y_pred),
                training=False,
            )
        value = float(np.asarray(keras.ops.convert_to_numpy(value), dtype=np.float64))
    except Exception:  # the loss does not fit these targets: a wrong loss, said by the caller
        return None
    return value if np.isfinite(value) else None


def _untouched_stub(exc: BaseException) -> bool:
    """Whether ``exc`` is, or wraps, a bare ``raise NotImplementedError()`` (nbgrader's stub).

    Keras re-raises an error from a layer's ``call`` as a new exception of the same type with its own
    message ("Exception encountered when calling …"), the stub's own exception as its cause."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, NotImplementedError) and not str(exc):
            return True
        exc = exc.__cause__ if exc.__cause__ is not None else exc.__context__
    return False


def call_learner(fn: Callable, *args: Any, what: str | None = None, **kwargs: Any) -> Any:
    """Call the learner's ``fn`` with warnings and stray stderr kept out of the graded cell.

    A correct answer that happens to provoke a Keras ``UserWarning`` must not score 0 (nbgrader
    zeroes a test cell with stderr output); an exception in the learner's code still fails the
    check, with its type and message and the call that raised it.
    """
    name = what or f"{getattr(fn, '__name__', 'your function')}(...)"
    if not callable(fn):
        fail(f"{name} should be a function, but it is a {type(fn).__name__}. Did you overwrite it?")
    stderr = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(stderr):
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except CheckFailed:
        raise
    except NotImplementedError as exc:
        if str(exc) and not _untouched_stub(
            exc
        ):  # e.g. TensorFlow's "Cannot convert a symbolic tf.Tensor to a numpy array"
            raise CheckFailed(f"{name} raised NotImplementedError: {describe(exc)}") from exc
        raise CheckFailed(
            f"{name} is not written yet: replace `raise NotImplementedError()` with your code."
        ) from None
    except Exception as exc:
        if _untouched_stub(exc):  # the stub, re-raised by the library as another error
            raise CheckFailed(
                f"{name} is not written yet: replace `raise NotImplementedError()` with your code."
            ) from None
        raise CheckFailed(f"{name} raised {type(exc).__name__}: {describe(exc)}") from exc


def load_spread(lab: str) -> dict:
    """A lab's measured references and tolerances, per quantity (its lesson folder's
    ``spread.json``, written by ``python -m pitfalls.authoring.spread <lab>``)."""
    from pitfalls.course import lab_named

    return json.loads(lab_named(lab).spread.read_text())["quantities"]


def forbidden_uses(
    fn: Callable, names: set[str] = frozenset(), operators: set[str] = frozenset(), packages: tuple = ()
) -> list[str]:
    """What of a forbidden kind the learner's ``fn`` refers to: attribute or global ``names``
    (``"dot"`` for ``np.dot`` or ``A.dot``), binary ``operators`` (``"@"``) and objects from
    ``packages`` (``("keras", "tensorflow")``), in its own code, the code nested in it and the
    notebook functions it calls.

    Why read the code: a "by hand" exercise computes what a library call computes, so its value
    alone cannot show that the learner wrote the sums themselves.
    """
    import dis
    import types

    found: list[str] = []
    seen: set[int] = set()

    def add(item: str) -> None:
        if item not in found:
            found.append(item)

    def visit_code(code: types.CodeType, scope: dict) -> None:
        for instr in dis.get_instructions(code):
            if instr.opname == "BINARY_OP" and instr.argrepr.rstrip("=") in operators:
                add(instr.argrepr.rstrip("="))
        for name in code.co_names:
            if name in names:
                add(name)
            if name in scope:
                visit_object(scope[name], name)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                visit_code(const, scope)

    def visit_object(obj: Any, name: str) -> None:
        module = obj.__name__ if isinstance(obj, types.ModuleType) else getattr(obj, "__module__", None)
        package = module.split(".")[0] if isinstance(module, str) else None
        if package in packages:
            add(name if name == package else f"{name} (from {package})")
        if isinstance(obj, types.FunctionType) and obj.__module__ == getattr(fn, "__module__", None):
            visit_function(obj)

    def visit_function(f: types.FunctionType) -> None:
        if id(f) in seen:
            return
        seen.add(id(f))
        for cell in f.__closure__ or ():
            with contextlib.suppress(ValueError):  # an empty cell
                visit_object(cell.cell_contents, "a closure variable")
        visit_code(f.__code__, f.__globals__)

    target = getattr(fn, "__func__", fn)
    if isinstance(target, types.FunctionType):
        visit_function(target)
    return found
