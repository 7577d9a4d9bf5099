"""Lesson 3's version-specific claims, each measured in the running Keras (see pitfalls/versions.py).

Why: whether the article's aliasing generator hurts depends on *when* Keras reads each batch —
how many batches ``fit`` draws before the first step, and whether a ``PyDataset`` with workers
reads ahead — and on what a generator may yield. Those are properties of the Keras version; each
is measured here with the lesson's own instruments (``generators.py``), on a few dozen batches.
"""

from __future__ import annotations

from pathlib import Path

from pitfalls.versions import Claim, error_of

HERE = Path(__file__).resolve().parent


def _mean_model():
    import keras

    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    model.compile(loss="mse", optimizer="rmsprop")
    return model


def _list_outputs() -> dict:
    """``yield [x], [y]`` — the article's generator output — given to ``fit``."""
    import numpy as np

    def list_batches():
        x = np.random.default_rng(0).integers(0, 100, size=(64, 2)).astype("float64")
        while True:
            yield [x], [x.mean(axis=1, keepdims=True)]

    name, message = error_of(
        lambda: _mean_model().fit(list_batches(), steps_per_epoch=1, epochs=1, verbose=0)
    )
    return {"error": name, "mentions output_signature": "output_signature" in message}


LIST_OUTPUTS = Claim(
    "generator_list_outputs",
    "fit() on a generator that yields one-element lists, [x], [y] (the article's):",
    _list_outputs,
    lambda o: (
        "accepted"
        if o["error"] is None
        else f"{o['error']}" + (" about output_signature" if o["mentions output_signature"] else "")
    ),
    HERE,
)


def _draws_ahead() -> dict:
    """How many batches plain ``fit`` has drawn from a generator beyond the steps it has run."""
    import numpy as np

    from lessons.l03_generator_aliasing.generators import counted, watch_draws

    def fresh(batch_size=64):
        rng = np.random.default_rng(0)
        while True:
            x = rng.integers(0, 100, size=(batch_size, 2)).astype("float64")
            yield x, x.mean(axis=1, keepdims=True)

    batches, draws = counted(fresh())
    watch = watch_draws(draws)
    _mean_model().fit(batches, steps_per_epoch=20, epochs=1, verbose=0, callbacks=[watch])
    return {"drawn by the end of step 1": watch.ahead[0] + 1, "ahead after later steps": max(watch.ahead[1:])}


def _describe_draws(o: dict) -> str:
    return (
        f"{o['drawn by the end of step 1']} batches drawn for the first step, then at most "
        f"{o['ahead after later steps']} ahead of the steps run"
    )


FIT_DRAWS_AHEAD = Claim(
    "fit_draws_ahead",
    "plain fit() on a Python generator, op determinism on (as start() sets it): how far ahead it draws:",
    _draws_ahead,
    _describe_draws,
    HERE,
)


def _pydataset_workers() -> dict:
    """Pairing error of a PyDataset that refills one buffer, read by 1 and by 2 workers."""
    import keras
    import numpy as np

    from lessons.l03_generator_aliasing.generators import pairing_error

    class BufferBatches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.x = np.zeros((64, 2))

        def __len__(self):
            return 100

        def __getitem__(self, index):
            self.x[:] = np.random.default_rng(index).integers(0, 100, size=self.x.shape)
            return self.x, self.x.mean(axis=1, keepdims=True)

    unpaired = 2 * (100**2 - 1) / 24  # 833.25: inputs and targets from unrelated batches
    return {
        f"workers={w}": "paired" if pairing_error(BufferBatches(workers=w)) < 0.05 * unpaired else "unpaired"
        for w in (1, 2)
    }


PYDATASET_WORKERS = Claim(
    "pydataset_workers",
    "a PyDataset that refills one buffer in __getitem__, read by fit with 1 and with 2 workers:",
    _pydataset_workers,
    lambda o: ", ".join(f"{k}: {v} batches" for k, v in o.items()),
    HERE,
)


def _fit_generator() -> dict:
    """The article's training call, ``model.fit_generator(generator, steps_per_epoch=…, epochs=…)``."""
    import numpy as np

    def batches():
        while True:
            x = np.random.default_rng(0).integers(0, 100, size=(64, 2)).astype("float64")
            yield x, x.mean(axis=1, keepdims=True)

    name, message = error_of(
        lambda: _mean_model().fit_generator(batches(), steps_per_epoch=1, epochs=1, verbose=0)
    )
    return {"error": name, "no attribute": "has no attribute 'fit_generator'" in message}


FIT_GENERATOR = Claim(
    "fit_generator",
    "model.fit_generator(generator, steps_per_epoch=1, epochs=1) (the article's call):",
    _fit_generator,
    lambda o: (
        "accepted"
        if o["error"] is None
        else o["error"] + (": the model has no attribute 'fit_generator'" if o["no attribute"] else "")
    ),
    HERE,
)


def _epoch_end_calls() -> dict:
    """When ``fit`` calls a ``PyDataset``'s ``on_epoch_end``: before the first training step (after
    the item it reads to learn the shapes), and in all."""
    import keras
    import numpy as np

    events: list[str] = []

    class Logged(keras.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, index):
            events.append("item")
            x = np.full((4, 2), float(index))
            return x, x.mean(axis=1, keepdims=True)

        def on_epoch_end(self):
            events.append("epoch_end")

    class Steps(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            events.append("step")

    _mean_model().fit(Logged(), epochs=2, verbose=0, callbacks=[Steps()])
    first = events.index("step")
    return {
        "before the first step": events[:first].count("epoch_end"),
        "items read before it": events[:first].count("item"),
        "in 2 epochs": events.count("epoch_end"),
    }


PYDATASET_EPOCH_END = Claim(
    "pydataset_epoch_end",
    "fit(epochs=2) on a PyDataset of 3 batches: when on_epoch_end is called",
    _epoch_end_calls,
    lambda o: (
        f"{o['before the first step']} time(s) before the first step ({o['items read before it']} item(s) "
        f"read before it), {o['in 2 epochs']} in 2 epochs"
    ),
    HERE,
)
