"""What a test cell reads, as a key that two namespaces can be compared by.

Why: a wrong-answer variant changes one or two solution cells; most test cells of the lab read
none of what changed, and re-running them (some train a model) would only repeat the reference
solution's result. A cell may reuse that result when it is *provably* the same computation:

* every process state a cell starts from is reset before it (``pitfalls.authoring.inprocess_grading.reset_state``);
* the variant's cells, and every later cell of the build that reads what they bind, only *define*
  things (functions, classes, constants, imports of modules already loaded) — :func:`pure_definitions`;
  otherwise the build may have changed process state the reset does not cover, and every cell runs;
* the cell binds no name (a later cell could read it);
* :func:`cell_key` — the values of the names the cell's code reads, followed transitively through
  functions' code (``co_names``, conservatively: attribute names count too), defaults, closures and
  class bodies — is equal in both namespaces. Objects the notebook did not make (modules, library
  functions) are compared by identity; numbers, strings, code and NumPy arrays by value; anything
  else the notebook made (a model, a list) by identity, which never matches across two builds, so
  such a cell always runs. Code that reads namespaces indirectly (``globals``, ``eval``, ...) counts
  as reading everything: the cell runs.
"""

from __future__ import annotations

import ast
import hashlib
import sys
import types
from typing import Any

INTROSPECTION = {"globals", "locals", "vars", "eval", "exec", "__import__", "__builtins__", "__dict__"}
OPAQUE = ("opaque",)


def code_names(code: types.CodeType) -> set[str]:
    """Every global or attribute name a code object (and the code nested in it) mentions."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const)
    return names


def _code_key(code: types.CodeType) -> tuple:
    consts = tuple(
        _code_key(c) if isinstance(c, types.CodeType) else (type(c).__name__, repr(c)) for c in code.co_consts
    )
    return (
        code.co_name,
        code.co_code,
        consts,
        code.co_names,
        code.co_varnames,
        code.co_freevars,
        code.co_cellvars,
        code.co_argcount,
        code.co_kwonlyargcount,
        code.co_flags,
    )


class _Keyer:
    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.module = namespace.get("__name__")
        self.memo: dict[int, Any] = {}
        self.held: list = []  # objects keyed by identity stay alive, so no id is reused by another

    def name(self, name: str) -> Any:
        if name in INTROSPECTION:
            return OPAQUE
        if name not in self.namespace:
            return ("missing",)
        return self.value(self.namespace[name])

    def value(self, v: Any) -> Any:
        if v is None or isinstance(v, (bool, int, float, complex, str, bytes)):
            return (type(v).__name__, repr(v))
        if isinstance(v, (tuple, frozenset)):
            items = sorted(v, key=repr) if isinstance(v, frozenset) else v
            return (type(v).__name__, tuple(self.value(x) for x in items))
        if type(v).__module__ == "numpy" and type(v).__name__ == "ndarray" and v.dtype != object:
            return ("ndarray", str(v.dtype), v.shape, hashlib.sha256(v.tobytes()).hexdigest())
        if id(v) in self.memo:  # recursion (a function that calls itself, a class naming itself)
            return ("again", self.memo[id(v)])
        self.memo[id(v)] = len(self.memo)
        if isinstance(v, types.FunctionType) and v.__globals__ is self.namespace:
            return self.function(v)
        if isinstance(v, (staticmethod, classmethod, property)):
            parts = (v.fget, v.fset, v.fdel) if isinstance(v, property) else (v.__func__,)
            return (type(v).__name__, tuple(self.value(p) for p in parts))
        if isinstance(v, type) and v.__module__ == self.module:
            return self.cls(v)
        self.held.append(v)
        return ("id", id(v))  # not made by the notebook's code, or not comparable by value

    def function(self, f: types.FunctionType) -> tuple:
        names = code_names(f.__code__)
        closure = tuple(
            self.value(c.cell_contents) if _filled(c) else ("empty",) for c in f.__closure__ or ()
        )
        return (
            "function",
            _code_key(f.__code__),
            self.value(f.__defaults__),
            self.value(tuple(sorted((f.__kwdefaults__ or {}).items()))),
            closure,
            tuple((k, self.value(v)) for k, v in sorted(vars(f).items())),
            tuple((n, self.name(n)) for n in sorted(names)),
        )

    def cls(self, c: type) -> tuple:
        skip = {"__dict__", "__weakref__", "__module__", "__doc__", "__qualname__"}
        body = tuple((k, self.value(v)) for k, v in sorted(vars(c).items()) if k not in skip)
        return ("class", c.__qualname__, tuple(self.value(b) for b in c.__bases__), body)


def _filled(cell) -> bool:
    try:
        _ = cell.cell_contents  # an empty cell raises ValueError
    except ValueError:
        return False
    return True


def _contains(key: Any, marker: tuple) -> bool:
    if key == marker:
        return True
    return isinstance(key, tuple) and any(_contains(k, marker) for k in key)


def cell_key(code: str, namespace: dict) -> tuple[Any, list] | tuple[None, list]:
    """The comparable key of everything ``code`` reads in ``namespace`` (``None`` if it cannot be
    had: the code reads namespaces indirectly), and the objects it names by identity (keep them
    alive as long as the key is kept)."""
    names = code_names(compile(code, "<cell>", "exec"))
    keyer = _Keyer(namespace)
    key = tuple((n, keyer.name(n)) for n in sorted(names))
    return (None if _contains(key, OPAQUE) else key), keyer.held


def binds_names(code: str) -> bool:
    """Whether a cell assigns, defines, imports or deletes a name at its top level."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, (ast.Name, ast.Starred)) and isinstance(
            getattr(node, "ctx", None), (ast.Store, ast.Del)
        ):
            return True
        if isinstance(
            node,
            (
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.ClassDef,
                ast.Import,
                ast.ImportFrom,
                ast.Global,
                ast.Nonlocal,
            ),
        ):
            return True
    return False


def _constant(node: ast.AST | None) -> bool:
    if node is None or isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp):
        return _constant(node.operand)
    if isinstance(node, ast.Tuple):
        return all(_constant(e) for e in node.elts)
    return False


def _plain_reference(node: ast.AST) -> bool:
    """``name`` or ``module.attr.attr``: looking it up runs no code of the notebook's."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _definition(node: ast.stmt, loaded: set[str], in_class: bool = False) -> bool:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        allowed = {"property", "staticmethod", "classmethod"} if in_class else set()
        decorators_ok = all(isinstance(d, ast.Name) and d.id in allowed for d in node.decorator_list)
        args = node.args
        return decorators_ok and all(_constant(d) for d in [*args.defaults, *args.kw_defaults])
    if isinstance(node, ast.ClassDef):
        return (
            not node.decorator_list
            and not node.keywords
            and all(_plain_reference(b) for b in node.bases)
            and all(_definition(s, loaded, in_class=True) for s in node.body)
        )
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        if isinstance(node, ast.ImportFrom):
            return node.level == 0 and node.module in loaded
        return all(alias.name in loaded for alias in node.names)
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Constant)  # a docstring
    if isinstance(node, ast.Assign):
        return all(isinstance(t, ast.Name) for t in node.targets) and _constant(node.value)
    return isinstance(node, ast.Pass)


def pure_definitions(code: str, loaded_modules: set[str] | None = None) -> bool:
    """Whether executing ``code`` at top level only binds names (no call, no loop, no mutation)."""
    loaded = set(sys.modules) if loaded_modules is None else loaded_modules
    return all(_definition(node, loaded) for node in ast.parse(code).body)


def reads_any(code: str, names: set[str]) -> bool:
    """Whether ``code`` mentions any of ``names`` (or reads namespaces indirectly)."""
    mentioned = code_names(compile(code, "<cell>", "exec"))
    return bool(mentioned & (names | INTROSPECTION))


def bound_names(code: str) -> set[str]:
    """The names a definitions-only cell binds at its top level."""
    out: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return out
