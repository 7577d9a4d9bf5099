"""Precompute the mean-of-two-numbers net's loss curves for the input-scale explorer.

Why precomputed: the explorer's slider must answer in well under 100 ms, and one training run
takes seconds. So this script trains the lesson-2 net once per setting — seeded, in a fresh
interpreter — and writes the measured curves to ``data/widgets/meannet_scale_runs.json``; the
widget only reads them (and says so).

The experiment: the article's net ``Input(2) → Dense(1)``, MSE, batch 64, trained for 3000 steps
on fresh pairs of integers a, b in [0, 100) every step (the *fixed* generator of the article,
as arrays: Keras 3 continues through arrays across epochs when ``steps_per_epoch`` is given).
The inputs are multiplied by a scale s (s = 0.01 gives [0, 1), s = 1 the raw numbers); the target
is either the mean of the *scaled* inputs (the same task in other units) or the mean of the raw
numbers (inputs normalised, targets not). Two optimizers, as in lesson 2: the article's RMSprop
(learning rate 0.001) and plain SGD (learning rate 0.1). The loss is recorded as the mean training
loss of each block of 25 steps, as Keras reports it; the widget converts it to raw units (÷ s²
when the targets are scaled). Lesson 2 measures a held-out loss after every step at s = 0.01
and 1; these curves add the scales in between, at the cost of being training-loss averages.

Usage::

    python -m pitfalls.widgets.meannet_runs                      # (re)write the JSON (~2-3 min)
    python -m pitfalls.widgets.meannet_runs --verify rmsprop/scaled/1   # recompute runs, compare

``--verify`` exits 1 when a recomputed run differs from the file (relative tolerance 1e-4 on
every finite loss, and the same steps where the loss became non-finite).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

#: Input scales s: the inputs are s·a, s·b with a, b integers in [0, 100).
SCALES: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
#: Optimizer name → (Keras class, learning rate).
#: The same two as lesson 2's experiment: the article's RMSprop and plain SGD at 0.1.
OPTIMIZERS: dict[str, tuple[str, float]] = {"rmsprop": ("RMSprop", 1e-3), "sgd": ("SGD", 1e-1)}
#: "scaled": target = mean of the scaled inputs; "raw": target = mean of the raw integers.
TARGETS: tuple[str, ...] = ("scaled", "raw")
STEPS = 3000
BLOCK = 25
BATCH = 64
SEED = 0
RTOL = 1e-4


def default_path() -> Path:
    from pitfalls.paths import data_dir

    return data_dir() / "widgets" / "meannet_scale_runs.json"


def run_key(optimizer: str, targets: str, scale: float) -> str:
    """``"rmsprop/scaled/0.01"``: how a run is named in the file."""
    return f"{optimizer}/{targets}/{scale:g}"


def parse_key(key: str) -> tuple[str, str, float]:
    optimizer, targets, scale = key.split("/")
    if optimizer not in OPTIMIZERS or targets not in TARGETS:
        raise ValueError(f"bad run key {key!r}: expected optimizer/targets/scale, e.g. rmsprop/scaled/1")
    return optimizer, targets, float(scale)


def all_keys() -> list[str]:
    return [run_key(o, t, s) for o in OPTIMIZERS for t in TARGETS for s in SCALES]


def pairs(steps: int = STEPS, batch: int = BATCH, seed: int = SEED) -> np.ndarray:
    """The integer pairs of every step, float32 ``(steps·batch, 2)``: the same for every run."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 100, size=(steps * batch, 2)).astype("float32")


def _finite(value: float) -> float | None:
    return float(f"{value:.7g}") if math.isfinite(value) else None


def train_run(
    optimizer: str,
    targets: str,
    scale: float,
    steps: int = STEPS,
    block: int = BLOCK,
    batch: int = BATCH,
    seed: int = SEED,
) -> dict:
    """Train the mean net once: its per-block losses (Keras' units), final weights, and seconds."""
    from pitfalls.session import quiet_env, silence_warnings

    quiet_env()
    silence_warnings()
    import keras

    if steps % block:
        raise ValueError("steps must be a multiple of block")
    keras.utils.set_random_seed(seed)
    raw = pairs(steps, batch, seed)
    x = raw * np.float32(scale)
    y = raw.mean(axis=1, keepdims=True) * (np.float32(scale) if targets == "scaled" else np.float32(1))
    inputs = keras.Input(shape=(2,), name="x")
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    cls, lr = OPTIMIZERS[optimizer]
    model.compile(loss="mse", optimizer=getattr(keras.optimizers, cls)(learning_rate=lr))
    started = time.perf_counter()
    history = model.fit(
        x, y, batch_size=batch, epochs=steps // block, steps_per_epoch=block, shuffle=False, verbose=0
    )
    seconds = time.perf_counter() - started
    kernel, bias = (np.asarray(w, dtype="float64") for w in model.layers[-1].get_weights())
    losses = [_finite(float(v)) for v in history.history["loss"]]
    if len(losses) != steps // block:
        raise RuntimeError(f"expected {steps // block} epochs of {block} steps, got {len(losses)}")
    return {
        "loss": losses,
        "kernel": [_finite(v) for v in kernel.ravel()],
        "bias": _finite(float(bias.ravel()[0])),
        "seconds": round(seconds, 2),  # printed by build(), not written: the file stays reproducible
    }


def versions() -> dict:
    import keras
    import tensorflow as tf

    return {"keras": keras.__version__, "tensorflow": tf.__version__, "numpy": np.__version__}


def build(keys: Sequence[str] | None = None, progress: bool = True) -> dict:
    """Every run (or the given ones) as the JSON document the widget reads."""
    keys = list(keys or all_keys())
    runs = {}
    for i, key in enumerate(keys, 1):
        runs[key] = train_run(*parse_key(key))
        if progress:
            last = runs[key]["loss"][-1]
            print(
                f"[{i}/{len(keys)}] {key}: {runs[key]['seconds']:.1f} s, last block loss {last}",
                file=sys.stderr,
                flush=True,
            )
        del runs[key]["seconds"]
    return {
        "about": (
            "Measured loss curves of the mean-of-two-numbers net (Input(2) → Dense(1), MSE, batch "
            f"{BATCH}) for input scales s: inputs s·a, s·b with a, b integers in [0, 100); targets "
            "the mean of the scaled inputs ('scaled') or of the raw integers ('raw'). 'loss' is "
            f"Keras' mean training loss of each block of {BLOCK} steps, in the targets' units."
        ),
        "made_by": "python -m pitfalls.widgets.meannet_runs",
        "settings": {
            "scales": list(SCALES),
            "optimizers": {k: {"class": c, "learning_rate": lr} for k, (c, lr) in OPTIMIZERS.items()},
            "targets": list(TARGETS),
            "steps": STEPS,
            "block": BLOCK,
            "batch": BATCH,
            "seed": SEED,
        },
        "versions": versions(),
        "runs": runs,
    }


def compare(expected: dict, actual: dict, rtol: float = RTOL) -> list[str]:
    """Differences between two runs, in words (empty when they agree)."""
    problems = []
    a, b = expected["loss"], actual["loss"]
    if len(a) != len(b):
        return [f"{len(a)} loss blocks in the file, {len(b)} recomputed"]
    for i, (u, v) in enumerate(zip(a, b)):
        if (u is None) != (v is None):
            problems.append(f"block {i}: file {u}, recomputed {v} (non-finite in only one)")
        elif u is not None and not math.isclose(u, v, rel_tol=rtol, abs_tol=1e-12):
            problems.append(f"block {i}: file {u}, recomputed {v}")
        if len(problems) >= 5:
            break
    for name in ("kernel", "bias"):
        u, v = np.atleast_1d(expected[name]).astype(float), np.atleast_1d(actual[name]).astype(float)
        finite = np.isfinite(u) & np.isfinite(v)
        if not np.allclose(u[finite], v[finite], rtol=rtol * 10, atol=1e-6):
            problems.append(f"{name}: file {expected[name]}, recomputed {actual[name]}")
    return problems


def load(path: Path | None = None) -> dict:
    return json.loads(Path(path or default_path()).read_text())


def write(doc: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pitfalls.widgets.meannet_runs", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="JSON file (default data/widgets/meannet_scale_runs.json)"
    )
    parser.add_argument(
        "--verify",
        nargs="*",
        metavar="KEY",
        help="recompute these runs (default: all) and compare with the file",
    )
    args = parser.parse_args(argv)
    path = args.out or default_path()
    if args.verify is not None:
        doc = load(path)
        keys = args.verify or list(doc["runs"])
        problems = []
        for key in keys:
            if key not in doc["runs"]:
                problems.append(f"{key}: not in {path}")
                continue
            for p in compare(doc["runs"][key], train_run(*parse_key(key))):
                problems.append(f"{key}: {p}")
        for p in problems:
            print("DIFFERS:", p)
        print("OK: the file matches the script" if not problems else f"{len(problems)} difference(s)")
        return 1 if problems else 0
    started = time.perf_counter()
    doc = build()
    write(doc, path)
    print(f"wrote {len(doc['runs'])} runs to {path} in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
