"""Profiles and the training helper of lessons 4–5."""

from __future__ import annotations

import numpy as np
import pytest

from pitfalls.autoencoder import PROFILES, Run, get_profile, train


def test_profiles_say_what_they_are():
    fast, article = get_profile("fast"), get_profile("article")
    assert (article.size, article.epochs, article.steps_per_epoch, article.batch_size) == (64, 20, 100, 128)
    assert article.learning_rate == 1e-3 and article.bn_momentum == 0.99  # the article's / Keras' defaults
    assert fast.size < article.size and fast.steps < article.steps
    # BatchNormalization's moving statistics must forget their start within the run
    assert all(p.bn_momentum**p.steps < 0.01 for p in PROFILES.values())
    assert "fast" in str(fast) and "32×32" in str(fast)
    with pytest.raises(ValueError, match="unknown profile"):
        get_profile("slow")


def test_run_helpers():
    run = Run("x", {"loss": [0.3, 0.2, 0.1], "accuracy": [0.9, 0.99995, 1.0]}, 1.0)
    assert run.last() == 0.1
    assert run.first_epoch_reaching("accuracy", 0.99995) == 2
    assert run.first_epoch_reaching("accuracy", 2) is None


def test_train_runs_the_profile_on_the_pipeline():
    from pitfalls.session import start

    start(seed=0, verbose=False)
    import keras

    from pitfalls.data.flighttracks_tf import load

    profile = PROFILES["fast"].__class__(
        "tiny",
        size=8,
        batch_size=4,
        epochs=2,
        steps_per_epoch=3,
        learning_rate=1e-3,
        short_epochs=1,
        identity_epochs=1,
        bn_momentum=0.9,
    )
    data = load(size=8, batch_size=4)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(64),
            keras.layers.Reshape((8, 8, 1)),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=["accuracy"])
    run = train(model, data, profile, name="tiny")
    assert len(run.history["loss"]) == 2 and "val_loss" in run.history
    assert np.isfinite(run.last("val_loss")) and run.seconds > 0
