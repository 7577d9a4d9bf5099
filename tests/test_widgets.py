"""The explorers' pure compute functions (checked against Keras and matplotlib themselves), the
precomputed mean-net runs, and each widget headless: it builds, a slider move redraws its one
picture, and its display bundle carries the static fallback. The real browser is
tests/test_browser_widgets.py."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402

from lessons.l02_mean_of_two import widget_input_scale as meannet  # noqa: E402
from lessons.l04_identity_autoencoder import widget_imshow_scale as imshow_scale  # noqa: E402
from lessons.l04_identity_autoencoder import widget_sigmoid as sigmoid  # noqa: E402
from lessons.l04_identity_autoencoder import widget_threshold as threshold  # noqa: E402
from lessons.l05_activation_experiments import widget_batchnorm as batchnorm  # noqa: E402
from pitfalls.widgets import FACTORIES, _core, factory, meannet_runs, measure_latency, tracks  # noqa: E402

SIG1 = np.float32(1 / (1 + math.exp(-1)))  # σ(1) rounded to float32: 0.7310586


def lit_output(batch) -> np.float32:
    """What the model really outputs for a lit pixel: TensorFlow's float32 sigmoid gives
    0.73105854, one float32 step below σ(1) rounded to float32 (0.7310586)."""
    return batch.predictions.max()


@pytest.fixture(scope="module")
def batch() -> tracks.Batch:
    return tracks.identity_sigmoid_batch(128)


# ------------------------------------------------------------------------------------------
# Data and model
# ------------------------------------------------------------------------------------------


def test_real_images_and_real_predictions(batch):
    assert batch.images.shape == batch.predictions.shape == (128, 64, 64, 1)
    assert set(np.unique(batch.images)) == {0.0, 1.0}
    values = np.unique(batch.predictions)
    assert len(values) == 2 and values[0] == 0.5 and abs(values[1] - SIG1) < 2e-7, values
    # the model is the identity followed by a sigmoid, pixel by pixel
    assert np.array_equal(batch.predictions == lit_output(batch), batch.images == 1.0)
    assert 0.01 < batch.lit_fraction < 0.02
    paths = tracks.image_paths(3)
    assert [p.name for p in paths] == ["track_00000.png", "track_00004.png", "track_00008.png"]


def test_lit_fraction_constant_matches_the_shipped_images():
    images = tracks.load_images(4000, split="all")
    assert abs(images.mean() - sigmoid.FLIGHTTRACK_LIT_FRACTION) < 5e-6, images.mean()


# ------------------------------------------------------------------------------------------
# Sigmoid explorer
# ------------------------------------------------------------------------------------------


def test_sigmoid_values():
    assert sigmoid.SIGMOID_1 == pytest.approx(0.7310585786300049, abs=1e-15)
    assert sigmoid.sigmoid(0.0) == 0.5
    assert np.all(np.isfinite(sigmoid.sigmoid(np.array([-1e4, 1e4]))))  # no overflow
    x, y = sigmoid.sigmoid_curve(2.0, -1.0, -3, 3, 7)
    assert np.allclose(y, 1 / (1 + np.exp(-(2 * x - 1))))


def test_identity_pixel_outputs_and_mse_formula():
    p = 0.0155
    out = sigmoid.pixel_outputs(1.0, 0.0, p)
    assert (out.black, out.lit) == (0.5, pytest.approx(0.7310586, abs=1e-7))
    assert out.mse == pytest.approx(0.25 * (1 - p) + (1 - sigmoid.SIGMOID_1) ** 2 * p)
    assert out.binary_accuracy == 1.0
    # a bias that pushes black pixels above 0.5 costs them their "accuracy"
    shifted = sigmoid.pixel_outputs(1.0, 0.2, p)
    assert shifted.binary_accuracy == pytest.approx(p)
    with pytest.raises(ValueError):
        sigmoid.pixel_outputs(1, 0, 1.5)


def test_the_sigmoid_reference_follows_the_input_range():
    """At w = 1, b = 0 the curve is σ(x) itself: over any input range the grey reference must lie
    under it. It was cached with the first range's x scale and drifted apart when the range moved."""
    moved = sigmoid.sigmoid_explorer(x_range=(-4.0, 4.0))
    moved.x_range.value = (-10.0, 10.0)
    assert np.array_equal(moved.reference.get_xdata(), moved.curve.get_xdata())
    assert np.array_equal(moved.reference.get_ydata(), moved.curve.get_ydata())
    assert moved.reference.get_xdata()[[0, -1]].tolist() == [-10.0, 10.0]
    fresh = sigmoid.sigmoid_explorer(x_range=(-10.0, 10.0))
    assert moved.png == fresh.png  # the same picture as an explorer drawn at that range from the start
    moved.weight.value = 2.0  # another w: the reference stays σ(x) over the range
    assert np.allclose(moved.reference.get_ydata(), sigmoid.sigmoid(moved.reference.get_xdata()))
    moved.close()
    fresh.close()


def test_mse_formula_matches_the_real_model_and_keras(batch):
    import keras

    p = batch.lit_fraction
    predicted = sigmoid.pixel_outputs(1.0, 0.0, p).mse
    by_keras = float(keras.losses.MeanSquaredError()(batch.images, batch.predictions))
    assert abs(predicted - by_keras) < 1e-6, (predicted, by_keras)


# ------------------------------------------------------------------------------------------
# Threshold explorer
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("t", [0.0, 0.3, 0.4999, 0.5, 0.6, "below lit", "lit", float(SIG1), 0.75, 1.0])
def test_binary_accuracy_is_keras_binary_accuracy(batch, t):
    import keras

    lit = lit_output(batch)
    t = {"below lit": float(np.nextafter(lit, np.float32(0))), "lit": float(lit)}.get(t, t)
    metric = keras.metrics.BinaryAccuracy(threshold=t)
    metric.update_state(batch.images, batch.predictions)
    assert threshold.binary_accuracy(batch.images, batch.predictions, t) == pytest.approx(
        float(metric.result()), abs=1e-6
    )


def test_plateau_and_collapse(batch):
    y, q, p = batch.images, batch.predictions, batch.lit_fraction
    lit = float(lit_output(batch))
    assert threshold.perfect_interval(y, q) == (0.5, lit)
    for t in (0.5, 0.6, 0.73, float(np.nextafter(np.float32(lit), np.float32(0)))):
        assert threshold.binary_accuracy(y, q, t) == 1.0
    assert threshold.binary_accuracy(y, q, lit) == pytest.approx(1 - p)  # not strictly above
    assert threshold.binary_accuracy(y, q, 0.49) == pytest.approx(p)  # everything "lit"
    grid = np.linspace(0, 1, 201)
    curve = threshold.accuracy_curve(y, q, grid)
    assert np.allclose(curve, [threshold.binary_accuracy(y, q, t) for t in grid])


def test_exact_accuracy_is_keras_accuracy(batch):
    import keras

    metric = keras.metrics.Accuracy()
    metric.update_state(batch.images, batch.predictions)
    assert threshold.exact_accuracy(batch.images, batch.predictions) == float(metric.result()) == 0.0


# ------------------------------------------------------------------------------------------
# imshow-scale explorer
# ------------------------------------------------------------------------------------------


def test_auto_limits_and_grey_levels_are_matplotlibs(batch):
    from matplotlib.figure import Figure

    out = batch.predictions[0, :, :, 0]
    ax = Figure().subplots()
    auto = ax.imshow(out, cmap="gray")
    assert imshow_scale.auto_limits(out) == pytest.approx((auto.norm.vmin, auto.norm.vmax))
    assert imshow_scale.auto_limits(out) == (0.5, float(lit_output(batch)))
    assert np.allclose(imshow_scale.grey_levels(out, *imshow_scale.auto_limits(out)), auto.norm(out))
    fixed = ax.imshow(out, cmap="gray", vmin=0.2, vmax=0.6)
    assert np.allclose(imshow_scale.grey_levels(out, 0.2, 0.6), np.clip(fixed.norm(out), 0, 1))
    # under imshow's default the output is a perfect black-and-white copy of the input
    assert np.array_equal(
        imshow_scale.grey_levels(out, *imshow_scale.auto_limits(out)), batch.images[0, :, :, 0]
    )


# ------------------------------------------------------------------------------------------
# BatchNormalization explorer
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_formula_is_keras_layer(batch, training):
    import keras

    y = batch.predictions.reshape(128, -1)[:32]
    layer = keras.layers.BatchNormalization()
    layer.build(y.shape)
    layer.gamma.assign(np.full(y.shape[1], 0.7, "float32"))
    layer.beta.assign(np.full(y.shape[1], 0.1, "float32"))
    ours = batchnorm.batchnorm(y, training, gamma=0.7, beta=0.1)
    theirs = np.asarray(layer(y, training=training))
    assert np.allclose(ours, theirs, atol=2e-4), np.abs(ours - theirs).max()


def test_batchnorm_removes_the_sigmoids_half(batch):
    y_true = batch.images.reshape(128, -1)
    y_sig = batch.predictions.reshape(128, -1)
    out = batchnorm.batchnorm(y_sig, training=True)
    stats = batchnorm.output_stats(y_true, out, beta=0.0)
    never_lit = ~y_true.any(axis=0)
    assert np.all(out[:, never_lit] == 0.0)  # (0.5 − mean 0.5) / √(0 + ε) = 0
    assert stats.black_at_beta == pytest.approx(never_lit.sum() * 128 / (~y_true.astype(bool)).sum())
    assert stats.binary_accuracy == 1.0 and stats.mean_lit > 1.0 and abs(stats.mean_black) < 0.1
    plain = batchnorm.output_stats(y_true, y_sig)
    assert plain.mean_black == pytest.approx(0.5) and plain.mean_lit == pytest.approx(float(SIG1), abs=1e-6)
    edges = np.linspace(-2, 8, 11)
    black, lit = batchnorm.class_histograms(y_true, out, edges)
    assert black.sum() + lit.sum() == out.size and lit.sum() == y_true.sum()


# ------------------------------------------------------------------------------------------
# Input-scale explorer and its precomputed runs
# ------------------------------------------------------------------------------------------


def test_meannet_helpers():
    losses = meannet.raw_units([4e-4, 1e-6, None], 0.01, "scaled")
    assert np.allclose(losses[:2], [4.0, 0.01]) and np.isnan(losses[2])
    assert meannet.steps_to_reach(losses, 0.5, 50) == 100
    assert meannet.steps_to_reach(losses, 1e-9, 50) is None
    assert meannet.diverged_at(losses, 50) == 150
    assert meannet.expected_kernel(0.01, "raw") == pytest.approx(50.0)


def test_meannet_runs_file_is_consistent():
    path = ROOT / "data" / "widgets" / "meannet_scale_runs.json"
    doc = json.loads(path.read_text())
    s = doc["settings"]
    assert s["scales"] == list(meannet_runs.SCALES) and s["steps"] == meannet_runs.STEPS
    assert (s["block"], s["batch"], s["seed"]) == (meannet_runs.BLOCK, meannet_runs.BATCH, meannet_runs.SEED)
    assert sorted(doc["runs"]) == sorted(meannet_runs.all_keys())
    assert doc["made_by"] == "python -m pitfalls.widgets.meannet_runs"
    blocks = meannet_runs.STEPS // meannet_runs.BLOCK
    final = {}
    for key, run in doc["runs"].items():
        optimizer, targets, scale = meannet_runs.parse_key(key)
        assert len(run["loss"]) == blocks and len(run["kernel"]) == 2
        raw = meannet.raw_units(run["loss"], scale, targets)
        if not np.isnan(raw[-1]):  # every run that did not blow up ends lower than it started
            assert raw[-1] < raw[0], (key, raw[0], raw[-1])
        final[key] = raw[-1]
    # RMSprop with inputs and targets scaled together: lesson 2's loss of 10 (raw units²) is
    # reached in the same number of steps at every scale (1000-1150 measured)
    steps = [
        meannet.steps_to_reach(
            meannet.raw_units(doc["runs"][meannet_runs.run_key("rmsprop", "scaled", s)]["loss"], s, "scaled"),
            10.0,
            meannet_runs.BLOCK,
        )
        for s in meannet_runs.SCALES
    ]
    assert None not in steps and max(steps) <= 1.25 * min(steps), steps
    # plain SGD at one learning rate (0.1): raw inputs blow up, [0, 1) converges
    assert np.isnan(final[meannet_runs.run_key("sgd", "scaled", 1.0)])
    assert final[meannet_runs.run_key("sgd", "scaled", 0.01)] < 1e-2
    # normalised inputs with raw targets need a kernel of 50: RMSprop is far from it after 3000 steps
    assert final[meannet_runs.run_key("rmsprop", "raw", 0.01)] > 100
    assert "data/widgets/meannet_scale_runs.json" in (ROOT / "data" / "widgets" / "README.md").read_text()


def test_meannet_runs_file_is_what_the_script_makes():
    """Recompute the article's setting (RMSprop, raw numbers) and a converging SGD run in a fresh
    interpreter and compare with the file (the whole file takes 2–3 minutes to remake)."""
    keys = [meannet_runs.run_key("rmsprop", "scaled", 1.0), meannet_runs.run_key("sgd", "scaled", 0.003)]
    result = subprocess.run(
        [sys.executable, "-m", "pitfalls.widgets.meannet_runs", "--verify", *keys],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------------------------------
# The lesson's own data
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lesson_batch() -> tuple[np.ndarray, np.ndarray]:
    """Stand-ins for a lesson's 32×32 test crops and its identity-sigmoid model's output (σ(x))."""
    images = (np.random.default_rng(0).random((12, 32, 32, 1)) < 0.03).astype("float32")
    return images, sigmoid.sigmoid(images).astype("float32")


def test_explorers_show_the_lessons_own_images_at_the_lessons_index(lesson_batch):
    images, predictions = lesson_batch
    shown = imshow_scale.imshow_scale_explorer(3, images=images, predictions=predictions)
    assert np.array_equal(shown.im_orig.get_array(), images[3, :, :, 0])
    assert np.array_equal(shown.im_auto.get_array(), predictions[3, :, :, 0])
    assert shown.image_index.max == len(images) - 1 and "original 3" in shown.titles[0].get_text()
    chosen = threshold.threshold_explorer(image=3, images=images, predictions=predictions)
    assert chosen.image_index.value == 3 and chosen.p == pytest.approx(
        float(images.mean())
    )  # the lesson's lit fraction
    assert f"of these {len(images)} images" in chosen.readout.value
    normalised = batchnorm.batchnorm_explorer(batch_size=8, images=images, predictions=predictions, image=3)
    assert normalised.side == (32, 32) and np.array_equal(normalised.y_true, images.reshape(12, -1))
    assert np.array_equal(normalised.img.get_array(), predictions[3, :, :, 0])
    assert normalised.img_title.get_text() == "image 3, fixed scale 0…1"
    for widget in (shown, chosen, normalised):
        widget.close()


def test_explorers_need_both_the_images_and_the_predictions(lesson_batch):
    images, predictions = lesson_batch
    with pytest.raises(ValueError, match="give both"):
        imshow_scale.imshow_scale_explorer(images=images)
    with pytest.raises(ValueError, match="same shape"):
        threshold.threshold_explorer(images=images, predictions=predictions[:, :16])


# ------------------------------------------------------------------------------------------
# The widgets, headless
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FACTORIES))
def test_widget_builds_and_a_slider_move_redraws(name):
    widget = factory(name)()
    assert _core.png_size(widget.png)[0] == int(widget.figure.get_size_inches()[0] * widget.figure.dpi)
    sliders = widget.sliders()
    assert sliders, "every explorer has at least one slider"
    for k, slider in enumerate(sliders):
        if slider.disabled:
            continue
        before_png, before_text, before_value = widget.png, widget.readout.value, slider.value
        redraws = widget.redraws
        slider.value = _core.moved_value(slider, k)
        assert slider.value != before_value
        assert widget.redraws == redraws + 1, f"{slider.description}: no redraw"
        assert widget.png != before_png, f"moving {slider.description!r} did not change the picture"
        if k == 0:
            assert widget.readout.value != before_text, (
                f"moving {slider.description!r} did not change the text"
            )
    widget.close()


@pytest.mark.parametrize("name", list(FACTORIES))
def test_blitted_frame_matches_a_full_redraw(name):
    """The fast path (cached background + animated artists) shows what a full draw would: only
    the stacking order differs (animated artists end up on top of spines and grid lines)."""
    import io

    from PIL import Image

    widget = factory(name)()
    for k, slider in enumerate(widget.sliders()):
        if not slider.disabled:
            slider.value = _core.moved_value(slider, k + 3)
    blitted = np.asarray(Image.open(io.BytesIO(widget.png)).convert("RGB")).astype(int)
    for artist in widget.blitter.artists:
        artist.set_animated(False)
    full = np.asarray(Image.open(io.BytesIO(_core.figure_png(widget.figure))).convert("RGB")).astype(int)
    differing = (np.abs(blitted - full).max(axis=2) > 40).mean()
    assert differing < 0.01, f"{differing:.2%} of the pixels differ from a full redraw"
    widget.close()


def test_toggles_redraw_too():
    widget = factory("batchnorm_explorer")()
    assert widget.gamma.disabled  # off: γ and β do nothing
    before = widget.png
    widget.enabled.value = True
    assert widget.png != before and not widget.gamma.disabled
    assert "exactly β" in widget.readout.value
    explorer = factory("input_scale_explorer")(scale=1.0, optimizer="sgd")  # SGD(0.1) on raw numbers
    assert "diverged" in explorer.readout.value
    explorer.optimizer.value = "rmsprop"
    assert "reaches" in explorer.readout.value and "Precomputed" in explorer.readout.value


def test_display_bundle_has_the_static_fallback():
    widget = factory("sigmoid_explorer")()
    bundle = widget._repr_mimebundle_()
    assert bundle[_core.WIDGET_VIEW]["model_id"] == widget.model_id
    assert _core.NEEDS_JUPYTER in bundle["text/plain"] and _core.NEEDS_JUPYTER in bundle["text/html"]
    assert 'src="data:image/png;base64,' in bundle["text/html"]
    import base64

    assert base64.b64decode(bundle["image/png"]) == widget.png


def test_colab_custom_widget_manager(monkeypatch):
    import importlib.machinery
    import types

    calls = []
    google = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    output = types.ModuleType("google.colab.output")
    output.enable_custom_widget_manager = lambda: calls.append(1)
    output._widgets = types.SimpleNamespace(_installed_url="https://example.invalid/manager.min.js")
    colab.output = output
    google.colab = colab
    for mod in (google, colab, output):
        mod.__spec__ = importlib.machinery.ModuleSpec(mod.__name__, None)
        monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setattr(_core, "_COLAB_ENABLED", False)
    assert _core.on_colab()
    widget = factory("sigmoid_explorer")()
    widget2 = factory("sigmoid_explorer")()
    assert calls == [1]  # once per kernel
    data, metadata = widget._repr_mimebundle_()
    assert "text/html" not in data and _core.WIDGET_VIEW in data
    assert metadata[_core.WIDGET_VIEW]["colab"]["custom_widget_manager"]["url"].endswith("manager.min.js")
    widget.close()
    widget2.close()


def test_not_on_colab_here():
    assert not _core.on_colab() and not _core.enable_colab_widgets()


def test_measure_latency_reports_milliseconds():
    result = measure_latency(factory("sigmoid_explorer"), n=3)
    assert result["moves"] == 3 * 4
    assert 0 < result["median_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert set(result["per_slider_median_ms"]) == {"weight w", "bias b", "input range x", "lit fraction p"}


@pytest.mark.parametrize("name", list(FACTORIES))
def test_slider_redraw_is_under_100_ms(name):
    result = measure_latency(factory(name), n=5)
    print(f"{name}: median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms")
    assert result["median_ms"] < 100, result


def test_importing_a_widget_does_not_import_keras():
    code = (
        "import sys\nfrom pitfalls.widgets import sigmoid_explorer, input_scale_explorer\n"
        "sigmoid_explorer(); input_scale_explorer()\nassert 'keras' not in sys.modules, 'keras imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_html_export_without_widget_state_shows_the_static_figure(tmp_path):
    """nbconvert (and nbviewer, GitHub) with stripped widget state: the picture and the line."""
    import nbformat
    from nbconvert import HTMLExporter

    from pitfalls.authoring.notebooks import (
        execute,  # the project's executor: drops widget state, as make generate does
    )

    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("from pitfalls.widgets import sigmoid_explorer; sigmoid_explorer()")]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    run = execute(nb, cwd=ROOT, timeout=120)
    outputs = run.notebook.cells[0].outputs
    assert len(outputs) == 1 and outputs[0].output_type == "execute_result"
    assert _core.WIDGET_VIEW in outputs[0].data and "image/png" in outputs[0].data
    body, _ = HTMLExporter().from_notebook_node(run.notebook)
    assert "data:image/png;base64," in body
    assert "interactive version (sliders) needs Jupyter" in body
    assert 'type="application/vnd.jupyter.widget-view+json"' not in body
