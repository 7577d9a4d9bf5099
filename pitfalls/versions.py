"""Version-specific claims of the lessons, measured in the Keras that runs them.

Why this exists: the course runs on more than one Keras. Locally and on Binder it is the locked
version; on Colab the set-up cell installs the course with ``pip install --no-deps``, so the
lessons run on whatever Keras and TensorFlow Colab ships; ``pyproject.toml`` allows
``keras>=3.8,<4``. A sentence such as "evaluate() counts one step too many here" is true of the
versions it was measured on, and an ``assert`` of it fails the day Keras changes.

So each such sentence is a :class:`Claim`: a small function that *measures* the behaviour in the
running Keras (a tiny model, no data set, a second or less) and a function that puts an
observation into words. ``lessons/<folder>/versions.py`` defines a lesson's claims;
``lessons/<folder>/versions.json`` records what they measured on the oldest and the newest Keras
the project allows (written by ``python -m pitfalls.authoring.versions``, checked by
``tests/test_versions.py``). A lesson cell calls :meth:`Claim.check` and prints the
:class:`Finding`: what was measured on the recorded versions, and what *your* Keras does. It
asserts only what holds on every version — usually "the lesson's own numbers agree with what this
Keras was just measured to do".

Learner-side: imports nothing of the instructor's tooling.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RECORD = "versions.json"


def running_versions() -> str:
    """``"Keras 3.15.1 / TensorFlow 2.21.0"``: the label observations are recorded under."""
    import keras
    import tensorflow as tf

    return f"Keras {keras.__version__} / TensorFlow {tf.__version__}"


def plain(value: Any) -> Any:
    """``value`` as JSON gives it back (tuples become lists), so that fresh and recorded compare equal."""
    return json.loads(json.dumps(value))


def clean(message: str) -> str:
    """An exception's message without terminal colour codes (Keras colours some of its errors)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", message)


def raised(fn: Callable[[], Any]) -> str | None:
    """The name of the exception ``fn()`` raises, or ``None`` when it returns."""
    try:
        fn()
    except Exception as exc:  # the claim is about which error, if any
        return type(exc).__name__
    return None


def error_of(fn: Callable[[], Any]) -> tuple[str | None, str]:
    """``(exception name, cleaned message)`` of what ``fn()`` raises; ``(None, "")`` when it returns."""
    try:
        fn()
    except Exception as exc:
        return type(exc).__name__, clean(str(exc))
    return None, ""


@dataclass(frozen=True)
class Claim:
    """One version-specific statement of a lesson, and how to measure it.

    ``measure()`` returns a JSON-able observation of the running Keras (equal observations mean
    the same behaviour); ``describe(observation)`` says it in words, for the lesson's output.
    """

    key: str
    title: str
    measure: Callable[[], Any]
    describe: Callable[[Any], str]
    folder: Path | None = None  # the lesson folder whose versions.json records this claim

    def recorded(self) -> dict[str, Any]:
        """``{versions label: observation}`` from the lesson folder's record ({} when none)."""
        path = None if self.folder is None else self.folder / RECORD
        if path is None or not path.is_file():
            return {}
        return json.loads(path.read_text())["claims"].get(self.key, {})

    def check(self) -> Finding:
        """Measure the claim in the running Keras and set it beside the record."""
        return Finding(self, plain(self.measure()), running_versions(), self.recorded())


@dataclass(frozen=True)
class Finding:
    """What a claim measured here, beside what it measured on the recorded versions."""

    claim: Claim
    observed: Any
    versions: str
    record: dict[str, Any]

    @property
    def reference(self) -> str | None:
        """The newest recorded versions (the lock's Keras): what the lesson's text was written on."""
        return max(self.record, key=_version_key) if self.record else None

    @property
    def as_recorded(self) -> bool:
        """True when this Keras behaves as on the lesson's reference versions."""
        return self.reference is not None and self.observed == self.record[self.reference]

    def __str__(self) -> str:
        lines = [self.claim.title]
        groups: list[tuple[Any, list[str]]] = []  # recorded versions that measured the same, newest first
        for label in sorted(self.record, key=_version_key, reverse=True):
            same = next((g for g in groups if g[0] == self.record[label]), None)
            if same:
                same[1].append(label)
            else:
                groups.append((self.record[label], [label]))
        for observation, labels in groups:
            lines.append(f"  measured on {_joined(labels)}: {self.claim.describe(observation)}")
        match = next((labels for observation, labels in groups if observation == self.observed), None)
        if not groups:
            lines.append(f"  your {self.versions}: {self.claim.describe(self.observed)} (nothing recorded)")
        elif match is groups[0][1]:
            lines.append(f"  your {self.versions}: the same")
        elif match:
            lines.append(f"  your {self.versions}: as on {_joined(match)}")
        else:
            lines.append(
                f"  your {self.versions} behaves differently from {_keras(self.reference)}: "
                f"{self.claim.describe(self.observed)}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:  # the plain view of a notebook output is str(), not the dataclass repr
        return str(self)


def _keras(label: str) -> str:
    return label.split(" / ")[0]


def _joined(labels: list[str]) -> str:
    """``Keras 3.15.1 and 3.8.0 / TensorFlow 2.21.0`` when the TensorFlow is the same, else each label."""
    tf = {label.split(" / ")[1] for label in labels}
    if len(tf) == 1 and all(" / " in label for label in labels):
        versions = [_keras(label).removeprefix("Keras ") for label in sorted(labels, key=_version_key)]
        return f"Keras {' and '.join(versions)} / {tf.pop()}"
    return "; ".join(labels)


def _version_key(label: str) -> tuple[int, ...]:
    """``"Keras 3.8.0 / TensorFlow 2.21.0"`` → ``(3, 8, 0, 2, 21, 0)``, for ordering records."""
    return tuple(int(n) for n in re.findall(r"\d+", label))


def claims_of(module) -> dict[str, Claim]:
    """``{key: claim}`` of a lesson's versions module (its module-level :class:`Claim` objects)."""
    return {c.key: c for c in vars(module).values() if isinstance(c, Claim)}


def measure_all(modules: list[str]) -> dict[str, dict[str, Any]]:
    """``{module: {key: observation}}`` for every claim of the named modules, in this process."""
    import importlib

    out: dict[str, dict[str, Any]] = {}
    for name in modules:
        out[name] = {
            key: plain(claim.measure()) for key, claim in claims_of(importlib.import_module(name)).items()
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m pitfalls.versions MODULE…``: print the versions and every observation as JSON."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument(
        "modules", nargs="+", help="lesson versions modules, e.g. lessons.l04_identity_autoencoder.versions"
    )
    args = parser.parse_args(argv)
    from pitfalls.session import start

    start(seed=0, verbose=False)
    from pitfalls import versions  # not this __main__ copy: the lessons' Claim objects are that module's

    observations = versions.measure_all(args.modules)
    print(json.dumps({"versions": running_versions(), "claims": observations}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
