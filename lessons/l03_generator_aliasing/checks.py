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

from lessons.l03_generator_aliasing.generators import arrays_in, pairing_error, prefetched, share_memory
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
                f"{where} = {value:g} uses n²/12, the variance of a *continuous* uniform; for integers "
                "drawn from [low, high) it is (n² − 1)/12 with n = high − low"
            )
        if math.isclose(value, (n * n - 1) / 12, rel_tol=1e-9):
            fail(
                f"{where} = {value:g} is Var(a), the variance of one number; the target is the mean "
                "(a + b)/2, whose variance is (Var(a) + Var(b))/4 = Var(a)/2"
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
                f"{where} = {value:g}: high is excluded, so the largest integer is high − 1 and the average "
                f"of (a + b)/2 is (low + high − 1)/2 = {want:g}"
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
    first: tuple, second: tuple, kept: list[np.ndarray], names: tuple[str, str, str], remedy: str
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
            f"list) gets broken or repeated pairs. {remedy}"
        )
    now = arrays_in(first)
    if len(now) != len(kept) or any(not np.array_equal(a, b) for a, b in zip(now, kept)):
        return f"{one} changed when {two} was made: something refills it in place. {remedy}"
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
        "Make a new array for every batch: allocate it inside the loop, or yield np.copy(x).",
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
            (
                16,
            ): "the targets are a vector (batch,); the lab asks for (batch, 1), the model's output shape: "
            "np.expand_dims(mean, -1) or keepdims=True",
        },
    )
    expect(
        isinstance(raw1[0], np.ndarray) and isinstance(raw1[1], np.ndarray),
        "yield (x, y), not ([x], [y]): Keras 3's fit rejects one-element lists in a generator's output",
    )
    expect(
        np.allclose(y[:, 0], (x[:, 0] + x[:, 1]) / 2),
        "the targets are not the means of their inputs: y[i] should be (x[i, 0] + x[i, 1]) / 2",
    )
    x2, _ = second
    expect(
        not np.array_equal(x, x2),
        "batches 1 and 2 hold the same pairs: create the random generator once, "
        "before the loop, not inside it with a fixed seed",
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
        "from 0 to 99. randint(low, high) and rng.integers(low, high) exclude high: randint(0, 100)",
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
        "is_aliasing missed the article's generator, which refills one x buffer: keep batch 1, "
        "draw batch 2, then test np.shares_memory on their arrays (or compare batch 1 with a copy "
        "taken before batch 2 was drawn)",
    ),
    (_copied, False, "is_aliasing flagged a generator that yields np.copy(x): a copy does not share memory"),
    (
        _interleaved,
        False,
        "is_aliasing flagged a correct generator whose batches are disjoint, interleaved rows "
        "of one big array (batch i = rows i, i + 50, i + 100, …): np.may_share_memory compares "
        "address ranges only and says 'maybe' for those; np.shares_memory is exact",
    ),
    (
        _view_of_buffer,
        True,
        "is_aliasing missed a generator that yields a new *view* of one buffer every time "
        "(x[:]): `x1 is x2` is False, yet they share memory; use np.shares_memory",
    ),
    (
        _buffer_y,
        True,
        "is_aliasing missed a generator that refills its *targets* buffer y in place: check the "
        "targets as well as the inputs",
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
        "batch 1's inputs in place (its targets stay as they were): batch 1 changed, so compare "
        "its inputs and its targets with copies taken before batch 2 was drawn",
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


# --- exercise 4: the PyDataset pattern -----------------------------------------------------------------
def py_dataset(MeanBatches: Any) -> None:
    """``MeanBatches(batches, batch_size)``: a PyDataset of independent, paired batches of fresh arrays."""
    import keras

    expect(
        isinstance(MeanBatches, type) and issubclass(MeanBatches, keras.utils.PyDataset),
        "MeanBatches should be a class that subclasses keras.utils.PyDataset",
    )
    ds = call_learner(MeanBatches, 5, 16, what="MeanBatches(5, 16)")
    length = call_learner(len, ds, what="len(MeanBatches(5, 16))")
    expect(length == 5, f"len(MeanBatches(5, 16)) should be 5 (the number of batches), got {length}")
    raw0 = call_learner(ds.__getitem__, 0, what="MeanBatches(5, 16)[0]")
    kept = _snapshot(raw0)
    raw1 = call_learner(ds.__getitem__, 1, what="MeanBatches(5, 16)[1]")
    first, second = _pair(raw0, "an item"), _pair(raw1, "an item")
    message = _aliasing_message(
        first,
        second,
        kept,
        ("items 0 and 1", "item 0", "item 1"),
        "Build new arrays in __getitem__ (for example from a generator seeded with index).",
    )
    if message:
        fail(message)
    x, y = first
    expect_shape(x, (16, 2), "x of MeanBatches(5, 16)[0]", hints={(64, 2): "batch_size is ignored"})
    expect_shape(
        y,
        (16, 1),
        "y of MeanBatches(5, 16)[0]",
        hints={(16,): "the targets are a vector (batch,); the lab asks for (batch, 1)"},
    )
    expect(np.allclose(y[:, 0], (x[:, 0] + x[:, 1]) / 2), "the targets are not the means of their inputs")
    many = call_learner(MeanBatches, 200, 16, what="MeanBatches(200, 16)")
    _expect_uniform_integers(
        np.concatenate(
            [
                np.asarray(
                    _pair(call_learner(many.__getitem__, i, what=f"MeanBatches(200, 16)[{i}]"), "an item")[0]
                )
                .astype(np.float64)
                .reshape(-1)
                for i in range(200)
            ]
        )
    )
    odd = _pair(
        call_learner(call_learner(MeanBatches, 3, 7, what="MeanBatches(3, 7)").__getitem__, 2), "an item"
    )
    expect_shape(odd[0], (7, 2), "x of MeanBatches(3, 7)[2]")
    # Keras itself must be able to read it, with one worker or two (warnings, if any, stay quiet),
    # given as PyDataset's own keyword argument: MeanBatches must hand **kwargs on to it.
    for workers in (1, 2):
        ds = call_learner(
            MeanBatches, 20, 16, workers=workers, what=f"MeanBatches(20, 16, workers={workers})"
        )
        got = call_learner(
            getattr, ds, "workers", None, what=f"MeanBatches(20, 16, workers={workers}).workers"
        )
        expect(
            got == workers,
            f"MeanBatches(20, 16, workers={workers}).workers is {got!r}: pass the "
            "keyword arguments on, super().__init__(**kwargs), so that Keras' own options (workers, "
            "use_multiprocessing, max_queue_size) reach the PyDataset",
        )
        error = call_learner(pairing_error, ds, 20, what="model.fit(MeanBatches(20, 16))")
        expect(
            error < 1e-6,
            f"read by Keras with workers={workers}, {error:.3g} is the mean squared gap between "
            "the targets and the means of the inputs they arrived with: items are not paired "
            "when Keras reads them",
        )


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
            f"{what} drew another number of batches than {n} from the generator: draw exactly n, with "
            "next(batches)",
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
                        "the array after take kept it, so the list holds the same arrays several times. Copy each "
                        "array as you draw it (np.copy)"
                    )
                fail(
                    f"{what}: the {part} of batch {i} are not what the loader yielded: the loader refills "
                    f"that array later; copy the {part} too, as you draw them"
                )
