"""Lab 5's checks beyond its wrong_answers.py: the premises the checks stand on (the short run really
shows the symptom, the activation family holds every kind of verdict), the untouched stubs, other
mistakes' own messages, and right answers written in ways the solution does not use. (Every variant
of wrong_answers.py, and the solution, are graded by the lab's real test cells in
tests/test_wrong_answers.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from lessons.l05_activation_experiments import checks as lab05
from pitfalls.authoring.labs import solution_namespace
from pitfalls.checks.core import CheckFailed
from pitfalls.course import lab_named

# One worker builds the module fixture (make check runs --dist loadgroup).
pytestmark = pytest.mark.xdist_group("l05-checks")


@pytest.fixture(scope="module")
def solution():
    return solution_namespace(lab_named("lab05_activations"))


def test_short_run_shows_the_symptom_and_the_repair_cures_it(solution):
    """The diagnosis stands on a model whose fit says ~1.0 while evaluate on its own training images
    does not, and which its moving statistics alone repair."""
    model, images, accuracy = lab05.short_run(18, seed=5151)
    scores = model.evaluate(images, images, verbose=0, return_dict=True)
    lit = images > 0.5
    assert accuracy[-1] > 0.99 and scores["accuracy"] < 0.96, (accuracy[-1], scores)
    assert np.mean(model.predict(images, verbose=0)[lit] > 0.5) < 0.1
    mended = solution["repair"](model, images)
    assert np.mean(mended.predict(images, verbose=0)[lit] > 0.5) > 0.99


def test_activation_family_holds_every_verdict():
    """Some copy everything, some only images, some neither: a test that answers one way always fails."""
    images = np.array([[0.0, 1.0]], "float32")
    x = lab05.probe_values()
    verdicts = {(lab05._copies(fn, images), lab05._copies(fn, x)) for fn, _ in lab05.candidate_activations()}
    assert verdicts == {(True, True), (True, False), (False, False)}, verdicts


def _stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize(
    "check",
    [
        lab05.copies_images_check,
        lab05.copies_everything_check,
        lab05.fold_batchnorm_check,
        lab05.moving_stats_check,
        lab05.identity_without_bn_check,
        lab05.repair_check,
    ],
)
def test_untouched_stub_reads_not_written_yet(check):
    with pytest.raises(CheckFailed, match="not written yet"):
        check(_stub)


def test_a_string_verdict_is_refused():
    with pytest.raises(CheckFailed, match="should return True or False"):
        lab05.copies_images_check(lambda f: "True")


def test_variance_instead_of_its_root_has_its_message(solution):
    def no_sqrt(kernel, bias, bn):
        var, mean = np.asarray(bn.moving_variance), np.asarray(bn.moving_mean)
        gamma = np.asarray(bn.gamma) if bn.scale else 1.0
        beta = np.asarray(bn.beta) if bn.center else 0.0
        gain = gamma / (var + bn.epsilon)
        return kernel * gain, gain * (bias - mean) + beta

    with pytest.raises(CheckFailed, match="instead of its square root"):
        lab05.fold_batchnorm_check(no_sqrt)


def test_stats_over_every_axis_are_caught():
    def scalar(batches, momentum):
        mean, var = 0.0, 1.0
        for b in batches:
            mean = mean * momentum + b.mean() * (1 - momentum)
            var = var * momentum + b.var() * (1 - momentum)
        return mean, var

    with pytest.raises(CheckFailed, match="one value per feature|axis 0"):
        lab05.moving_stats_check(scalar)


def test_stats_of_all_the_data_are_caught():
    def population(batches, momentum):
        data = np.concatenate(batches)
        return data.mean(axis=0), data.var(axis=0)

    with pytest.raises(CheckFailed, match="mean of all the data"):
        lab05.moving_stats_check(population)


def test_identity_with_batchnorm_is_refused(solution):
    import keras

    def with_bn(side, mse):
        model = solution["identity_without_bn"](side, mse)
        return keras.Sequential([model, keras.layers.BatchNormalization()])

    with pytest.raises(CheckFailed, match="normalisation layer"):
        lab05.identity_without_bn_check(with_bn)


def test_repair_folded_into_a_new_model_passes():
    """Judged by what the repaired model predicts: BN replaced by the affine map it should compute."""
    import keras

    def fold(model, images):
        dense, bn = model.layers[1], model.layers[2]
        seen = keras.Model(model.inputs, dense.output).predict(images, verbose=0)
        gain = np.asarray(bn.gamma) / np.sqrt(seen.var(axis=0) + bn.epsilon)
        offset = np.asarray(bn.beta) - gain * seen.mean(axis=0)
        side = model.inputs[0].shape[1]
        return keras.Sequential(
            [
                keras.Input(shape=(side, side, 1)),
                keras.layers.Flatten(),
                dense,
                keras.layers.Lambda(lambda s: s * gain + offset),
                keras.layers.Reshape((side, side, 1)),
            ]
        )

    lab05.repair_check(fold)


def test_repair_from_a_subset_passes(solution):
    """Statistics from a quarter of the training images are as good: the check does not demand one recipe."""
    lab05.repair_check(lambda model, images: solution["repair"](model, images[:256]))
