"""Checks for lab 3 (generators that alias their batches). Each calls the learner's code on inputs
it makes itself and says in words what is wrong.

The generator check keeps the first batch it draws, draws a second, and then asks the two
questions that matter: do the batches share memory (``np.shares_memory``), and did batch 1
change when batch 2 was drawn? The graded training reads the learner's generator through a
prefetching queue (``lessons.l03_generator_aliasing.generators.prefetched``, the design of Keras 2's ``fit_generator``
and of Keras 3's ``PyDataset`` with workers), because Keras 3's ``fit`` on a plain generator
uses each batch before drawing the next and would not show the bug (lesson 3, measured).
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable
from contextlib import closing
from typing import Any

import numpy as np

from lessons.l03_generator_aliasing.generators import arrays_in, delivered, prefetched, share_memory
from pitfalls.checks.core import call_learner, expect, expect_shape, fail, load_spread
from pitfalls.meannet import pairs

LAB = "lab03_generators"
TRAINING = {"seed": 0, "steps": 300, "batch_size": 64, "queue": 10, "learning_rate": 1e-5}
PLATEAU = (100**2 - 1) / 24  # 416.625: the loss of the best constant, on unpaired data


# --- exercise 1: the plateau, analytically --------------------------------------------------------
def plateau(plateau_loss: Callable, stalled_prediction: Callable) -> None:
    """Var((a+b)/2) = (n² − 1)/24 and the best constant (low + high − 1)/2 for integers in [low, high)."""
    for low, high in ((0, 100), (0, 10), (5, 25), (-3, 4)):
        n = high - low
        where = f"plateau_loss({low}, {high})"
        value = _number(call_learner(plateau_loss, low, high), where)
        if math.isclose(value, PLATEAU) and n != 100:
            fail(f"{where} = 416.625: the [0, 100) answer for every range? It must depend on low and high")
        if math.isclose(value, n * n / 24, rel_tol=1e-9) or math.isclose(value, n * n / 12, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} uses n²/12, the variance of a *continuous* uniform; the numbers here "
                "are integers, drawn from [low, high)"
            )
        if math.isclose(value, (n * n - 1) / 12, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} is Var(a), the variance of one number; the target is the mean "
                "(a + b)/2 of two independent numbers"
            )
        m = n + 1
        if math.isclose(value, (m * m - 1) / 24, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} counts {m} integers; [low, high) excludes high: there are high − low of them"
            )
        want = (n * n - 1) / 24
        expect(
            math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-9),
            f"{where}: expected {want:g} (= Var((a+b)/2) for integers in [{low}, {high})), got {value:g}",
        )

        where = f"stalled_prediction({low}, {high})"
        value = _number(call_learner(stalled_prediction, low, high), where)
        want = (low + high - 1) / 2
        if math.isclose(value, (low + high) / 2):
            fail(
                f"{where} = {value:g}, expected {want:g}: high is excluded, so the largest integer drawn is "
                "high − 1"
            )
        expect(
            math.isclose(value, want, rel_tol=1e-9, abs_tol=1e-9),
            f"{where}: expected {want:g}, the average target (the constant that minimises the MSE), got {value:g}",
        )


def _number(value: Any, where: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        fail(f"{where} should return a number, got {type(value).__name__}")


# --- exercise 2: a generator whose batches are independent and paired ---------------------------------
def _unwrap(part: Any) -> Any:
    """``[x]`` → ``x`` (the article's one-element lists), without copying."""
    if isinstance(part, (list, tuple)) and len(part) == 1:
        return part[0]
    return part


def _pair(batch: Any, where: str) -> tuple[Any, Any]:
    expect(
        isinstance(batch, (tuple, list)) and len(batch) == 2,
        f"{where} should be a pair (x, y), got {type(batch).__name__}"
        + (f" of length {len(batch)}" if isinstance(batch, (tuple, list)) else ""),
    )
    return _unwrap(batch[0]), _unwrap(batch[1])


def _aliasing_message(
    first: tuple, second: tuple, kept: list[np.ndarray], names: tuple[str, str, str]
) -> str | None:
    """Why two batches are not independent, in words; ``None`` if they are."""
    (x1, y1), (x2, y2) = first, second
    shared = []
    if any(np.shares_memory(a, b) for a in arrays_in(x1) for b in arrays_in(x2)):
        shared.append("inputs x")
    if any(np.shares_memory(a, b) for a in arrays_in(y1) for b in arrays_in(y2)):
        shared.append("targets y")
    if not shared and share_memory(first, second):
        shared.append("arrays")
    both, one, two = names
    if shared:
        effect = {
            ("inputs x",): f"{one}'s inputs, which no longer match its targets",
            ("targets y",): f"{one}'s targets, which no longer match its inputs",
            ("inputs x", "targets y"): f"{one}: they are now the same batch twice",
        }.get(tuple(shared), one)
        return (
            f"{both} share memory ({' and '.join(shared)}): the same array is handed out again and refilled "
            f"in place, so making {two} overwrote {effect}. Whoever keeps a batch (a prefetching queue, a "
            f"list) gets broken or repeated pairs."
        )
    now = arrays_in(first)
    if len(now) != len(kept) or any(not np.array_equal(a, b) for a, b in zip(now, kept)):
        return f"{one} changed when {two} was made: something refills it in place."
    return None


def _snapshot(batch: Any) -> list[np.ndarray]:
    return [np.array(a, copy=True) for a in arrays_in(batch)]


def batches(train_batches: Callable) -> None:
    """Two kept batches of ``train_batches(16)``: independent, (16, 2) and (16, 1), targets = means."""
    np.random.seed(3)
    gen = call_learner(train_batches, 16, what="train_batches(16)")
    expect(
        isinstance(gen, types.GeneratorType) or hasattr(gen, "__next__"),
        f"train_batches(16) should return a generator (a function with `yield`), got {type(gen).__name__}",
    )
    raw1 = call_learner(next, gen, what="next(train_batches(16))")
    kept = _snapshot(raw1)
    raw2 = call_learner(next, gen, what="next(train_batches(16)), the second time")
    first, second = _pair(raw1, "a batch"), _pair(raw2, "a batch")
    message = _aliasing_message(
        first,
        second,
        kept,
        ("batches 1 and 2", "batch 1", "batch 2"),
    )
    if message:
        fail(message)
    x, y = first
    expect(
        isinstance(x, np.ndarray) and isinstance(y, np.ndarray),
        f"x and y should be NumPy arrays, got {type(x).__name__} and {type(y).__name__}",
    )
    expect_shape(
        x,
        (16, 2),
        "x of train_batches(16)",
        hints={
            (64, 2): "batch_size is ignored: the check asked for batches of 16",
            (2, 16): "one column per pair; the model wants one row per pair, (batch, 2)",
        },
    )
    expect_shape(
        y,
        (16, 1),
        "y of train_batches(16)",
        hints={
            (16,): "the targets are a vector (batch,); the lab asks for (batch, 1), the model's output shape",
        },
    )
    expect(
        isinstance(raw1[0], np.ndarray) and isinstance(raw1[1], np.ndarray),
        "the batch is ([x], [y]), each array inside a one-element list: Keras 3's fit rejects those in a "
        "generator's output, it takes (x, y)",
    )
    expect(
        np.allclose(y[:, 0], (x[:, 0] + x[:, 1]) / 2),
        "the targets are not the means of their inputs: y[i] should be the mean of the pair x[i]",
    )
    x2, _ = second
    expect(
        not np.array_equal(x, x2),
        "batches 1 and 2 hold the same pairs: every batch draws the same random numbers",
    )
    drawn = [x] + [
        _pair(call_learner(next, gen, what="next(train_batches(16))"), "a batch")[0] for _ in range(DRAWS - 1)
    ]
    _expect_uniform_integers(np.concatenate([np.asarray(v, dtype=np.float64).reshape(-1) for v in drawn]))
    odd = call_learner(
        next, call_learner(train_batches, 7, what="train_batches(7)"), what="next(train_batches(7))"
    )
    x7, y7 = _pair(odd, "a batch of train_batches(7)")
    expect_shape(x7, (7, 2), "x of train_batches(7)")
    expect_shape(y7, (7, 1), "y of train_batches(7)")


DRAWS = 100  # batches of 16 pairs: 3,200 integers, so each of 0…99 shows up (misses one: p ≈ 1e-14)


def _expect_uniform_integers(values: np.ndarray) -> None:
    """Integers from 0 to 99, each of them drawn, averaging about 49.5."""
    integers = bool(np.all(values == np.round(values)))
    expect(
        integers and values.min() >= 0 and values.max() < 100,
        f"the inputs should be integers in [0, 100); got values from {values.min():g} to {values.max():g}"
        + ("" if integers else ", not all integers"),
    )
    missing = sorted({0, 99} - set(values.astype(int).tolist()))
    expect(
        not missing,
        f"in {values.size} inputs, {' and '.join(map(str, missing))} never came up: the integers in [0, 100) run "
        "from 0 to 99, and NumPy's random integers exclude their upper bound",
    )
    expect(
        abs(values.mean() - 49.5) < 3,
        f"the inputs average {values.mean():.1f}; uniform integers in [0, 100) average 49.5",
    )


def _reference_net(seed: int):
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(TRAINING["learning_rate"]))
    return model


def _as_arrays(batches_: Any):
    """The learner's batches with ``[x]`` unwrapped (no copy: aliasing must survive)."""
    for batch in batches_:
        x, y = _pair(batch, "a batch")
        yield x, y


def train_queued(train_batches: Callable, seed: int = TRAINING["seed"]) -> float:
    """Train a fresh Dense(1) on the learner's batches read through a queue; its held-out MSE."""
    model = _reference_net(seed)
    gen = call_learner(train_batches, TRAINING["batch_size"], what=f"train_batches({TRAINING['batch_size']})")
    x_test, y_test = pairs(2048, np.random.default_rng(2000 + seed))
    with closing(prefetched(_as_arrays(gen), size=TRAINING["queue"])) as queued:
        call_learner(
            model.fit,
            queued,
            steps_per_epoch=TRAINING["steps"],
            epochs=1,
            verbose=0,
            what="model.fit(your batches, read through a queue)",
        )
    pred = np.asarray(model.predict(x_test, verbose=0), dtype=np.float64).reshape(-1)
    return float(np.mean((pred - y_test[:, 0]) ** 2))


def measure(namespace: dict, seed: int) -> dict[str, float]:
    """The graded number of the reference solution, for ``pitfalls.authoring.spread``."""
    return {"queued_loss": train_queued(namespace["train_batches"], seed=seed)}


def training(train_batches: Callable) -> None:
    """Read through a queue of 10, the batches still train a fresh net to the reference loss."""
    spread = load_spread(LAB)["queued_loss"]
    loss = train_queued(train_batches)
    expect(math.isfinite(loss), f"training diverged: the held-out loss is {loss}")
    ref, tol = spread["reference"], spread["tolerance"]
    if loss > ref + tol:
        unpaired = (
            " — about the loss of a model that learned only the average, 416.6:"
            if loss > 0.5 * PLATEAU
            else ":"
        )
        fail(
            f"read through a queue of {TRAINING['queue']} batches (as Keras 2's fit_generator and a PyDataset with "
            f"workers read them), your batches train a fresh Dense(1) to a held-out loss of {loss:.4g}, far above "
            f"the reference {ref:.3g} + {tol:.3g}{unpaired} the inputs and targets are not paired any more when "
            "the model reads them. Does your generator refill an array in place?"
        )


# --- exercise 3: a detector of aliasing generators -----------------------------------------------------
def _buffer_x(batch_size: int = 8):
    x = np.zeros((batch_size, 2))
    while True:
        x[:] = np.random.randint(0, 100, size=x.shape)
        yield x, x.mean(axis=1, keepdims=True)


def _buffer_both(batch_size: int = 8):
    x, m = np.zeros((batch_size, 2)), np.zeros((batch_size, 1))
    while True:
        x[:] = np.random.randint(0, 100, size=x.shape)
        m[:] = x.mean(axis=1, keepdims=True)
        yield x, m


def _view_of_buffer(batch_size: int = 8):
    x = np.zeros((batch_size, 2))
    while True:
        x[:] = np.random.randint(0, 100, size=x.shape)
        yield x[:], x.mean(axis=1, keepdims=True)  # a new view object each time, the same memory


def _buffer_y(batch_size: int = 8):
    y = np.zeros((batch_size, 1))
    while True:
        x = np.random.randint(0, 100, size=(batch_size, 2)).astype(np.float64)
        y[:] = x.mean(axis=1, keepdims=True)
        yield x, y


def _fresh(batch_size: int = 8):
    while True:
        x = np.random.randint(0, 100, size=(batch_size, 2)).astype(np.float64)
        yield x, x.mean(axis=1, keepdims=True)


def _copied(batch_size: int = 8):
    x = np.zeros((batch_size, 2))
    while True:
        x[:] = np.random.randint(0, 100, size=x.shape)
        yield np.copy(x), x.mean(axis=1, keepdims=True)


def _interleaved(batch_size: int = 8, batches: int = 50):
    data = np.random.randint(0, 100, size=(batch_size * batches, 2)).astype(np.float64)
    means = data.mean(axis=1, keepdims=True)
    for i in range(batches):  # batch i: rows i, i + 50, i + 100, …: disjoint rows of one big array
        yield data[i::batches], means[i::batches]


def _window(batch_size: int = 8):
    data = np.random.randint(0, 100, size=(batch_size * 20, 2)).astype(np.float64)
    means = data.mean(axis=1, keepdims=True)
    for i in range(len(data) - batch_size):  # batch i: rows i … i + 7, overlapping the next batch
        yield data[i : i + batch_size], means[i : i + batch_size]


def _rescales_previous(batch_size: int = 8):
    previous = None
    while True:
        x = np.random.randint(0, 100, size=(batch_size, 2)).astype(np.float64)
        if previous is not None:
            previous /= 100  # scales the batch it handed out last time, in place
        previous = x
        yield x, x.mean(axis=1, keepdims=True)


DETECTOR_CASES = [  # (generator, aliasing?, message when the detector gets it wrong)
    (
        _fresh,
        False,
        "is_aliasing flagged a generator that makes fresh arrays for every batch; it should return "
        "True only when batch 1 shares memory with batch 2 or changed when batch 2 was drawn",
    ),
    (
        _buffer_x,
        True,
        "is_aliasing missed the article's generator, which refills one x buffer: batch 1 is the same "
        "memory as batch 2, and it changed when batch 2 was drawn",
    ),
    (_copied, False, "is_aliasing flagged a generator that yields np.copy(x): a copy does not share memory"),
    (
        _interleaved,
        False,
        "is_aliasing flagged a correct generator whose batches are disjoint, interleaved rows "
        "of one big array (batch i = rows i, i + 50, i + 100, …): np.may_share_memory compares "
        "address ranges only and says 'maybe' for those, though no element is shared",
    ),
    (
        _view_of_buffer,
        True,
        "is_aliasing missed a generator that yields a new *view* of one buffer every time "
        "(x[:]): `x1 is x2` is False, yet they share memory",
    ),
    (
        _buffer_y,
        True,
        "is_aliasing missed a generator that refills only its *targets* buffer y in place (its inputs "
        "are new arrays every batch)",
    ),
    (
        _window,
        True,
        "is_aliasing missed a generator whose batches overlap (a window sliding by one row over one "
        "array): nothing is refilled, batch 1 does not change, yet batches 1 and 2 share memory — "
        "sharing alone makes the batches dependent",
    ),
    (
        _rescales_previous,
        True,
        "is_aliasing missed a generator that hands out new arrays but, when drawing batch 2, rescales "
        "batch 1's inputs in place (its targets stay as they were): batch 1 changed when batch 2 "
        "was drawn",
    ),
    (
        _buffer_both,
        True,
        "is_aliasing missed the article's second generator, which refills both x and the mean "
        "in place (its pairs stay consistent, but every batch is the same memory)",
    ),
]


def detector(is_aliasing: Callable) -> None:
    """``is_aliasing(batches)`` is True exactly for the generators whose batches share memory or change."""
    for make, aliasing, message in DETECTOR_CASES:
        np.random.seed(7)
        got = call_learner(is_aliasing, make(), what=f"is_aliasing({make.__name__.strip('_')} generator)")
        expect(isinstance(got, (bool, np.bool_)), f"is_aliasing should return True or False, got {got!r}")
        if bool(got) != aliasing:
            fail(message)


# --- exercise 4: a PyDataset that reshuffles, found from its symptom --------------------------------
EPOCHS = 3
# (samples, batch size, the targets' layout, workers): odd and even splits, three target shapes
SHUFFLED_CASES = ((37, 8, "column", 1), (30, 6, "vector", 2), (23, 5, "two", 2))


def _numbered(n: int, seed: int, targets: str) -> tuple[np.ndarray, np.ndarray]:
    """``x`` (n, 2): column 0 a sample number (0 … n − 1, in a random order), column 1 an integer;
    ``y`` a function of the row, shaped (n, 1), (n,) or (n, 2): each batch says which samples it
    holds and whether every target travels with its own inputs."""
    rng = np.random.default_rng(seed)
    x = np.stack([rng.permutation(n), rng.integers(0, 100, n)], axis=1).astype(np.float64)
    value = 3 * x[:, 0] + x[:, 1] + 0.5
    y = {"column": value[:, None], "vector": value, "two": np.stack([value, -x[:, 1]], axis=1)}[targets]
    return x, y


def _moved_rows(now: np.ndarray, before: np.ndarray) -> int:
    if now.shape != before.shape:
        return len(before)
    return int(np.sum(np.any((now != before).reshape(len(before), -1), axis=1)))


def _epoch_problem(epoch: list, x: np.ndarray, y: np.ndarray, where: str, paired_by_hand: bool) -> str | None:
    """What is wrong with one epoch as fit delivered it, in words; ``None`` if nothing."""
    n = len(x)
    row_of = np.argsort(x[:, 0])  # sample number → its row in the arrays given
    if any(yb is None for _, yb in epoch):
        return f"{where}, the items carry no targets: each item should be (inputs, targets)"
    for xb, yb in epoch:
        if xb.ndim != 2 or xb.shape[1:] != x.shape[1:]:
            return f"{where}, a batch of inputs has shape {xb.shape}; the x given has rows of shape {x.shape[1:]}"
        if yb.shape != (len(xb), *y.shape[1:]):
            rows = "one number per sample" if y.ndim == 1 else f"rows of shape {y.shape[1:]}"
            return (
                f"{where}, a batch of {len(xb)} inputs came with targets of shape {yb.shape}; the y given "
                f"has {rows}, so {len(xb)} targets have shape {(len(xb), *y.shape[1:])}"
            )
    ids = np.concatenate([xb[:, 0] for xb, _ in epoch]).astype(int)
    if not np.all(np.isin(ids, np.arange(n))):
        return f"{where}, some inputs are not rows of the x given"
    targets = np.concatenate([yb for _, yb in epoch])
    broken = int(np.sum(np.any((targets != y[row_of[ids]]).reshape(len(ids), -1), axis=1)))
    if broken:
        seen = (
            " (read by hand before fit, item 0 was paired: what does fit call before it reads?)"
            if paired_by_hand
            else ""
        )
        return (
            f"{where}, {broken} of the {len(ids)} targets arrived beside another sample's inputs: inputs "
            f"and targets were not kept together{seen}"
        )
    counts = np.bincount(ids, minlength=n)
    if np.any(counts != 1):
        twice, never = int(np.sum(counts > 1)), int(np.sum(counts == 0))
        return (
            f"{where}, {len(ids)} samples arrived for the {n} given: {twice} of them more than once and "
            f"{never} not at all. An epoch should deliver every sample exactly once"
        )
    return None


def _groups(epoch: list) -> frozenset:
    return frozenset(frozenset(xb[:, 0].astype(int).tolist()) for xb, _ in epoch)


def shuffled_pairs(ShuffledPairs: Any) -> None:
    """``ShuffledPairs(x, y, batch_size, **kwargs)``, read by ``fit`` over three epochs with one or two
    workers: every sample once per epoch, each with its own target, in new batches every epoch,
    and the caller's arrays left as they were."""
    import keras

    expect(
        isinstance(ShuffledPairs, type) and issubclass(ShuffledPairs, keras.utils.PyDataset),
        "ShuffledPairs should be a class that subclasses keras.utils.PyDataset",
    )
    for case, (n, batch_size, targets, workers) in enumerate(SHUFFLED_CASES):
        x, y = _numbered(n, 60 + case, targets)
        x_given, y_given = x.copy(), y.copy()
        about = f"ShuffledPairs(x of {n} samples, y of shape {y.shape}, {batch_size}, workers={workers})"
        ds = call_learner(ShuffledPairs, x_given, y_given, batch_size, workers=workers, what=about)
        length = call_learner(len, ds, what=f"len({about})")
        want = math.ceil(n / batch_size)
        expect(
            length == want,
            f"len({about}) is {length}: {n} samples in batches of {batch_size} make {want} batches "
            f"(the last one of {n - (want - 1) * batch_size})",
        )
        got = call_learner(getattr, ds, "workers", None, what=f"{about}.workers")
        expect(
            got == workers,
            f"{about}.workers is {got!r}: the keyword arguments did not reach keras.utils.PyDataset, "
            "so Keras would not read it the way it was asked to",
        )
        first = call_learner(ds.__getitem__, 0, what=f"{about}[0]")
        paired_by_hand = _item_paired(first, x, y)
        keras.utils.set_random_seed(case)
        epochs = call_learner(delivered, ds, EPOCHS, what=f"model.fit({about}, epochs={EPOCHS})")
        for e, epoch in enumerate(epochs):
            where = f"in epoch {e + 1} of fit on {about}"
            problem = _epoch_problem(epoch, x, y, where, paired_by_hand)
            if problem:
                fail(problem)
        moved = max(_moved_rows(x_given, x), _moved_rows(y_given, y))
        expect(
            moved == 0,
            f"after fit, {moved} of the {n} rows of the arrays given to ShuffledPairs have changed "
            "place: the dataset reorders its caller's x and y. The caller's arrays should stay as given",
        )
        if len({_groups(epoch) for epoch in epochs}) == 1:
            fail(
                f"in all {EPOCHS} epochs of fit on {about}, the batches held the same groups of samples: "
                "only the order of the batches changed (fit's shuffle=True does that much itself); the "
                "samples were not reshuffled into new batches"
            )


def _item_paired(item: Any, x: np.ndarray, y: np.ndarray) -> bool:
    """Whether an item read by hand holds rows of x with their own targets."""
    try:
        xb, yb = (np.asarray(part, dtype=np.float64) for part in item[:2])
        rows = np.argsort(x[:, 0])[xb[:, 0].astype(int)]
        return bool(np.array_equal(yb.reshape(len(rows), -1), y[rows].reshape(len(rows), -1)))
    except Exception:  # any shape or type: then it says nothing
        return False


# --- exercise 5: diagnosis, twenty validation losses with two values -----------------------------------
def _loader(kind: str, seed: int, batch_size: int):
    """A loader of ``(x, y)`` batches: ``x`` integer pairs (float64), ``y`` their means. ``kind`` says
    how it treats its arrays: ``ring1``/``ring2``/``ring3`` refill one, two or three buffer pairs in
    turn; ``targets`` reuses only the targets' buffer; ``views`` yields a new view of one buffer;
    ``fresh`` makes new arrays for every batch. Every kind yields the same values for one seed."""
    rng = np.random.default_rng(seed)
    rings = {"ring1": 1, "ring2": 2, "ring3": 3}.get(kind, 1)
    xs = [np.zeros((batch_size, 2)) for _ in range(rings)]
    ys = [np.zeros((batch_size, 1)) for _ in range(rings)]
    i = 0
    while True:
        values = rng.integers(0, 100, size=(batch_size, 2)).astype(np.float64)
        if kind == "fresh":
            yield values, values.mean(axis=1, keepdims=True)
        elif kind == "targets":
            ys[0][:] = values.mean(axis=1, keepdims=True)
            yield values, ys[0]
        elif kind == "views":
            xs[0][:] = values
            yield xs[0][:], xs[0].mean(axis=1, keepdims=True)
        else:
            x, y = xs[i % rings], ys[i % rings]
            x[:] = values
            y[:] = values.mean(axis=1, keepdims=True)
            yield x, y
        i += 1


def _drawn(seed: int, batch_size: int, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    loader = _loader("fresh", seed, batch_size)
    return [next(loader) for _ in range(n)]


LOADER_KINDS = {
    "ring2": "a loader that fills two arrays in turn (the colleague's)",
    "ring1": "a loader that refills one array (the article's)",
    "ring3": "a loader that fills three arrays in turn",
    "targets": "a loader that reuses only its targets' array",
    "views": "a loader that yields a new view of one array every time",
    "fresh": "a loader that makes new arrays for every batch",
}


def diagnosis(take: Callable) -> None:
    """``take(batches, n)`` keeps the next n batches as drawn: a copy of every array as it comes,
    since a loader with k buffers makes ``list(islice(loader, n))`` hold only k distinct batches."""
    for (kind, about), (n, batch_size) in zip(
        LOADER_KINDS.items(), ((20, 8), (7, 5), (10, 3), (9, 4), (6, 6), (5, 7))
    ):
        seed = 300 + n
        loader = _loader(kind, seed, batch_size)
        what = f"take(batches, {n}) on {about}"
        got = call_learner(take, loader, n, what=what)
        expect(
            isinstance(got, (list, tuple)),
            f"{what} should return a list of (x, y) pairs, got {type(got).__name__}",
        )
        expect(len(got) == n, f"{what} returned {len(got)} batches, expected {n}")
        want = _drawn(seed, batch_size, n + 4)
        following = np.copy(next(loader)[0])
        expect(
            np.array_equal(following, want[n][0]),
            f"{what} drew another number of batches than {n} from the generator",
        )
        for _ in range(3):  # the loader goes on refilling its arrays
            next(loader)
        for i, batch in enumerate(got):
            expect(
                isinstance(batch, (tuple, list)) and len(batch) == 2,
                f"{what}: item {i} should be an (x, y) pair, got {type(batch).__name__}",
            )
            x, y = np.asarray(batch[0]), np.asarray(batch[1])
            wx, wy = want[i]
            expect_shape(x, wx.shape, f"the inputs of batch {i} of {what}")
            expect_shape(y, wy.shape, f"the targets of batch {i} of {what}")
            if not np.array_equal(x, wx) or not np.array_equal(y, wy):
                part = "inputs" if not np.array_equal(x, wx) else "targets"
                later = [
                    j
                    for j in range(i + 1, n + 4)
                    if np.array_equal(x, want[j][0]) and np.array_equal(y, want[j][1])
                ]
                if later:
                    fail(
                        f"{what}: batch {i} holds the values of a batch drawn later (batch {later[-1]}): the loader refilled "
                        "the array after take kept it, so the list holds the same arrays several times"
                    )
                fail(
                    f"{what}: the {part} of batch {i} are not what the loader yielded: the loader refills "
                    f"that array after take kept it"
                )
