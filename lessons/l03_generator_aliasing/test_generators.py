"""Prefetching queue, draw counter, memory test, timer and pairing probe of lesson 3 and lab 3."""

from __future__ import annotations

import threading
import time
import types
from contextlib import closing

import numpy as np
import pytest

from lessons.l03_generator_aliasing.generators import (
    arrays_in,
    counted,
    microseconds_per_call,
    pairing_error,
    prefetched,
    share_memory,
)


def one_buffer(n=None):
    x = np.zeros((4, 2))
    i = 0
    while n is None or i < n:
        x[:] = i
        i += 1
        yield x, x.mean(axis=1, keepdims=True)


def fresh(n=None):
    i = 0
    while n is None or i < n:
        x = np.full((4, 2), float(i))
        i += 1
        yield x, x.mean(axis=1, keepdims=True)


def test_prefetched_is_a_generator_that_keeps_order():
    gen = prefetched(fresh(25), size=3)
    assert isinstance(gen, types.GeneratorType)  # Keras 3's fit accepts only real generators
    assert [int(x[0, 0]) for x, _ in gen] == list(range(25))


def test_prefetched_reads_ahead_and_breaks_a_one_buffer_generator():
    with closing(prefetched(one_buffer(), size=10)) as queued:
        x, y = next(queued)
        time.sleep(0.2)  # the thread fills the queue meanwhile
        assert x[0, 0] > 5  # batch 0's inputs were overwritten by later batches
        assert y[0, 0] == 0  # its (fresh) targets were not
    with closing(prefetched(fresh(), size=10)) as queued:
        x, y = next(queued)
        time.sleep(0.2)
        assert x[0, 0] == 0 and y[0, 0] == 0


def test_prefetched_forwards_errors_and_stops_its_thread():
    def broken():
        yield np.zeros(1)
        raise RuntimeError("boom")

    gen = prefetched(broken(), size=2)
    next(gen)
    with pytest.raises(RuntimeError, match="boom"):
        next(gen)
    before = threading.active_count()
    gen = prefetched(fresh(), size=2)
    next(gen)
    gen.close()
    assert threading.active_count() <= before
    with pytest.raises(ValueError):
        prefetched(fresh(), size=0)


def test_counted_counts_draws():
    gen, draws = counted(fresh(5))
    assert isinstance(gen, types.GeneratorType) and draws.count == 0
    next(gen), next(gen)
    assert draws.count == 2
    assert len(list(gen)) == 3 and draws.count == 5


def test_share_memory_is_exact():
    big = np.arange(40.0).reshape(20, 2)
    assert share_memory((big[:4], None), (big[2:6], None))
    assert not share_memory((big[0::2],), (big[1::2],))  # interleaved rows: disjoint
    assert np.may_share_memory(big[0::2], big[1::2])  # ... which may_share_memory calls "maybe"
    x = np.zeros((3, 2))
    assert share_memory(([x], [np.ones(1)]), ([x[:]], [np.ones(1)]))  # nested lists, a new view
    assert not share_memory((x, x.mean(axis=1)), (x.copy(), x.mean(axis=1)))


def test_arrays_in_walks_batches():
    x, y = np.zeros(2), np.ones(2)
    assert len(arrays_in(x)) == 1
    assert len(arrays_in(([x], {"y": y}, 3))) == 2
    assert arrays_in("text") == []


def test_microseconds_per_call():
    us = microseconds_per_call(lambda: time.sleep(0.001), n=5, repeat=2)
    assert 900 < us < 50_000
    with pytest.raises(ValueError):
        microseconds_per_call(lambda: None, n=0)


def integer_pairs(paired: bool, seed: int = 0, batch_size: int = 64):
    """Batches of integer pairs in [0, 100) with their means, or with the means of other pairs."""
    rng = np.random.default_rng(seed)
    while True:
        x = rng.integers(0, 100, size=(batch_size, 2)).astype("float64")
        other = x if paired else rng.integers(0, 100, size=(batch_size, 2)).astype("float64")
        yield x, other.mean(axis=1, keepdims=True)


def test_pairing_error_is_zero_for_pairs_and_2_var_for_strangers():
    from pitfalls.session import start

    start(seed=0, verbose=False)
    intact = pairing_error(integer_pairs(paired=True), steps=20)
    strangers = pairing_error(integer_pairs(paired=False), steps=50)
    assert isinstance(intact, float) and intact < 1e-9
    unpaired = 2 * (100**2 - 1) / 24  # 833.25: Var of a difference of two independent means
    assert abs(strangers - unpaired) < 0.1 * unpaired, strangers


def test_op_determinism_off_switches_back():
    from tensorflow.python.framework import config

    from lessons.l03_generator_aliasing.generators import op_determinism_off

    was_on = config.is_op_determinism_enabled()
    config.enable_op_determinism()
    try:
        with op_determinism_off():
            assert not config.is_op_determinism_enabled()
        assert config.is_op_determinism_enabled()
    finally:
        if not was_on:
            config.disable_op_determinism()


def test_buffer_at_places_the_buffer():
    from lessons.l03_generator_aliasing.generators import buffer_at

    for offset in (0, 8, 56):
        x = buffer_at((64, 2), offset)
        assert x.shape == (64, 2) and x.dtype == np.float64 and not x.any()
        assert x.ctypes.data % 64 == offset
    with pytest.raises(ValueError):
        buffer_at((2,), 4)


def test_delivered_records_each_epoch_as_fit_hands_it_over():
    import keras

    from lessons.l03_generator_aliasing.generators import delivered

    class Numbered(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, index):
            x = np.full((2, 2), float(index))
            return x, x[:, :1] * 10

    epochs = delivered(Numbered(), epochs=2)
    assert len(epochs) == 2 and all(len(epoch) == 3 for epoch in epochs)
    for epoch in epochs:
        assert sorted(int(x[0, 0]) for x, _ in epoch) == [0, 1, 2]  # every item once, in fit's order
        assert all(np.array_equal(y, x[:, :1] * 10) for x, y in epoch)
