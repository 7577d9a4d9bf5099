"""Who holds on to a generator's batches: a prefetching queue, a draw counter, a memory test,
and the probe that measures how many pairs a reader saw broken.

Why this exists: a generator that refills one buffer in place (lesson 3) is only harmful when
somebody keeps a yielded batch while the generator runs on. Keras 3's ``model.fit`` on a plain
Python generator (TensorFlow backend) peeks at two batches (kept as the yielded objects, so the
first is overwritten by the second) and hands the rest to ``tf.data.Dataset.from_generator`` and
``prefetch`` (``keras/src/trainers/data_adapters/generator_data_adapter.py``). With op determinism
on, as ``pitfalls.session.start`` sets it, tf.data does not prefetch such a pipeline and each batch
is used before the next is drawn: one broken pair per run. By default it prefetches, and
``from_generator``'s tensor is a copy only when the buffer is not 64-byte aligned (TensorFlow
shares aligned NumPy memory): then the article's bug comes back, by chance of an address
(measured in lesson 3; :func:`buffer_at` places a buffer on purpose). Keras 2's ``fit_generator``
kept the objects in a queue of ``max_queue_size=10`` batches filled by a thread (its
``GeneratorEnqueuer``), and Keras 3's ``PyDataset`` with ``workers > 1`` still does.
``prefetched`` rebuilds that queue in a few lines, so the lessons can show the article's failure on
purpose and the labs can grade a learner's generator under the conditions that break a bad one.

:func:`pairing_error` is the instrument lesson 3 teaches (it shows its source) and lab 3's
``PyDataset`` check reads a learner's batches with; :func:`watch_draws` is the callback lesson 3
and its version claim count ``fit``'s draws with. They are the module's only functions that need
Keras, imported when they are called, so the queue and the memory test stay plain NumPy.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")

_END = object()


def prefetched(batches: Iterable[T], size: int = 10) -> Generator[T, None, None]:
    """Yield ``batches``, read ``size`` batches ahead by a background thread (Keras 2's design).

    The thread puts each yielded batch *object* in a queue (no copy, as Keras 2 did) and runs on
    while the queue has room; this generator yields the oldest one. An exception raised by
    ``batches`` is raised here. It is a real generator (Keras 3's ``fit`` accepts only
    ``types.GeneratorType``), started at its first ``next``; close it (``.close()`` or
    ``contextlib.closing``) to stop the thread.
    """
    if size < 1:
        raise ValueError(f"size must be at least 1, got {size}")
    return _prefetch(batches, size)


def _prefetch(batches: Iterable[T], size: int) -> Generator[T, None, None]:
    items: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in batches:
                if not put(item):
                    return
        except BaseException as exc:  # forwarded to the consumer
            put((_END, exc))
            return
        put((_END, None))

    thread = threading.Thread(target=produce, daemon=True, name="prefetch")
    thread.start()
    try:
        while True:
            item = items.get()
            if isinstance(item, tuple) and len(item) == 2 and item[0] is _END:
                if item[1] is not None:
                    raise item[1]
                return
            yield item
    finally:
        stop.set()
        thread.join(timeout=2)


@dataclass
class Draws:
    """How many batches were drawn from a :func:`counted` generator so far."""

    count: int = 0


def counted(batches: Iterable[T]) -> tuple[Generator[T, None, None], Draws]:
    """``batches`` as a generator that counts its draws, and the counter.

    Lesson 3 compares the count with the training step to see how far ahead a pipeline reads.
    """
    draws = Draws()

    def generate() -> Generator[T, None, None]:
        for item in batches:
            draws.count += 1
            yield item

    return generate(), draws


def watch_draws(draws: Draws) -> Any:
    """A Keras callback whose ``ahead`` lists, after each training step, how many batches had been
    drawn from a :func:`counted` generator beyond the steps run: how far ahead ``fit`` reads."""
    import keras

    class DrawnAhead(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.ahead: list[int] = []

        def on_train_batch_end(self, batch, logs=None):
            self.ahead.append(draws.count - (batch + 1))

    return DrawnAhead()


def buffer_at(shape: tuple[int, ...], offset: int = 0) -> np.ndarray:
    """A float64 zeros array whose first byte sits ``offset`` bytes past a 64-byte boundary.

    Why: TensorFlow turns a NumPy array into a tensor *without copying* when its memory is
    aligned to 64 bytes, and copies it otherwise; where ``np.zeros`` puts a small buffer is
    chance. Lesson 3 shows both cases on purpose with a buffer placed here.
    """
    if offset % 8 or not 0 <= offset < 64:
        raise ValueError(f"offset must be a multiple of 8 in [0, 64), got {offset}")
    size = int(np.prod(shape)) * 8
    raw = np.zeros(size + 128, np.uint8)
    start = (-raw.ctypes.data) % 64 + offset
    return raw[start : start + size].view(np.float64).reshape(shape)


@contextmanager
def op_determinism_off() -> Iterator[None]:
    """Run the block with TensorFlow's op determinism off, then switch it back on if it was on.

    Why: ``pitfalls.session.start`` turns op determinism on (reproducible numbers), and with it
    tf.data stops prefetching a pipeline whose function has stateful ops — ``from_generator``'s
    does (point 4 of "Determinism and tf.data" in the docstring of
    ``tf.config.experimental.enable_op_determinism``). So in the lessons ``fit`` draws one batch
    per step, while by default it reads ahead; lesson 3 measures ``fit`` both ways. TensorFlow's
    only switch back is private (``tensorflow.python.framework.config``).
    """
    from tensorflow.python.framework import config

    was_on = config.is_op_determinism_enabled()
    config.disable_op_determinism()
    try:
        yield
    finally:
        if was_on:
            config.enable_op_determinism()


def arrays_in(batch: Any) -> list[np.ndarray]:
    """The NumPy arrays inside a batch: ``x``, ``(x, y)``, ``([x], [y])``, dicts, nested."""
    if isinstance(batch, np.ndarray):
        return [batch]
    if isinstance(batch, dict):
        return [a for v in batch.values() for a in arrays_in(v)]
    if isinstance(batch, (list, tuple)):
        return [a for v in batch for a in arrays_in(v)]
    return []


def share_memory(batch_a: Any, batch_b: Any) -> bool:
    """Whether any array of ``batch_a`` shares memory with any array of ``batch_b``.

    Uses ``np.shares_memory`` (exact), not ``np.may_share_memory``, which compares address ranges
    only and calls disjoint slices of one big array "shared".
    """
    return any(np.shares_memory(a, b) for a in arrays_in(batch_a) for b in arrays_in(batch_b))


def microseconds_per_call(fn: Callable[[], Any], n: int = 2000, repeat: int = 3) -> float:
    """The best of ``repeat`` timings of ``n`` calls of ``fn``, in µs per call.

    The minimum is the usual estimate of a cost on a shared machine: other processes only ever
    make a run slower.
    """
    if n < 1 or repeat < 1:
        raise ValueError("n and repeat must be at least 1")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - start) / n)
    return best * 1e6


def pairing_error(batches: Any, steps: int = 100) -> float:
    """The MSE a frozen, exact mean net reports in ``fit``: 0 if every (x, y) pair fit saw is intact.

    The net is ``Dense(1)`` set to the answer (kernel 0.5, 0.5, bias 0) and not trainable, so its
    loss measures the data, not the training: each target against the mean of the inputs ``fit``
    received with it. Unrelated inputs and targets (integers in [0, 100)) give
    2·Var((a + b)/2) = 833.25.
    """
    import keras

    inputs = keras.Input(shape=(2,))
    exact = keras.layers.Dense(1, trainable=False)
    probe = keras.Model(inputs, exact(inputs))
    exact.set_weights([np.array([[0.5], [0.5]]), np.zeros(1)])
    probe.compile(loss="mse")
    return float(probe.fit(batches, steps_per_epoch=steps, epochs=1, verbose=0).history["loss"][0])


def delivered(dataset: Any, epochs: int = 3) -> list[list[tuple[np.ndarray, Any]]]:
    """What ``fit`` hands the model from ``dataset``, epoch by epoch: a copy of every batch's ``(x, y)``.

    Why: a ``PyDataset`` read by hand (``ds[0]``, ``ds[1]``, …) is not read the way ``fit`` reads
    it. ``fit`` calls ``on_epoch_end`` once *before* the first epoch (``epoch_iterator.reset()``
    after the symbolic build, ``keras/src/backend/tensorflow/trainer.py``), reads the items in a
    shuffled order (``shuffle=True`` by default, ``PyDatasetAdapter._finite_generator``), with
    ``workers > 1`` in threads, and calls ``on_epoch_end`` after every epoch (measured in Keras
    3.8.0 and 3.15.1: ``versions.PYDATASET_EPOCH_END`` and ``versions.PYDATASET_WORKERS``). Lab 3 judges a dataset by what arrives. The model records each batch in an
    eager ``train_step`` and trains nothing, so the cost is the data pipeline's. ``y`` is ``None``
    for items without targets.
    """
    import keras

    class Recorder(keras.Model):
        def __init__(self):
            super().__init__()
            self.epochs: list[list[tuple[np.ndarray, Any]]] = []
            self.unit = keras.layers.Dense(1)

        def call(self, x):
            return self.unit(x)

        def train_step(self, data):
            x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
            self.epochs[-1].append((np.array(x), None if y is None else np.array(y)))
            return {"batches": keras.ops.convert_to_tensor(float(len(self.epochs[-1])))}

    class NewEpoch(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            recorder.epochs.append([])

    recorder = Recorder()
    recorder.compile(run_eagerly=True)
    recorder.fit(dataset, epochs=epochs, verbose=0, callbacks=[NewEpoch()])
    return recorder.epochs
