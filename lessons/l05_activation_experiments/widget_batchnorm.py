"""BatchNormalization explorer: what a BatchNormalization after the sigmoid does to its outputs.

Why: the article ends on a cliff-hanger — Dense(sigmoid) followed by ``BatchNormalization``
suddenly reaches accuracy 1.0. Switch the layer on over the identity-sigmoid model's real outputs
(0.5 for black pixels, 0.7311 for lit ones) and the histogram shows the trick. In training mode
(what ``fit`` computes) the layer subtracts each pixel's mean *over the batch*: a pixel that is
black in every image of the batch becomes exactly β — the sigmoid's 0.5 is gone — and the few lit
values are divided by a tiny standard deviation, so they land far above 1. γ (scale) and β (offset),
which training learns (one per pixel; one shared value on the sliders here), then bring the lit
pixels down towards 1: that is how the model's output reaches 0 and 1, which a sigmoid alone never
does. In inference mode a *fresh* layer uses its moving statistics (mean 0, variance 1) and changes
almost nothing: what ``fit`` learns only shows in ``predict`` once the moving statistics caught up.

The batch-size slider shows why the effect depends on the batch: fewer images per batch, fewer
pixels black in all of them, larger standard deviations.

:func:`batchnorm` is the layer's formula in NumPy (unit-tested against
``keras.layers.BatchNormalization``), so a slider move does not call TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from pitfalls.widgets._core import Explorer, new_figure

#: Keras' BatchNormalization default epsilon.
EPSILON = 1e-3


def batchnorm(
    y: np.ndarray,
    training: bool,
    gamma: float = 1.0,
    beta: float = 0.0,
    epsilon: float = EPSILON,
    moving_mean: float = 0.0,
    moving_variance: float = 1.0,
) -> np.ndarray:
    """Keras' BatchNormalization over the last axis of ``y`` (features), in float64.

    ``training=True``: each feature is standardised with its mean and (biased) variance over all
    other axes — the batch; ``training=False``: with the moving statistics (a fresh layer's are
    0 and 1). Then ``gamma · normalised + beta``.
    """
    y = np.asarray(y, dtype="float64")
    if training:
        axes = tuple(range(y.ndim - 1))
        mean, variance = y.mean(axis=axes), y.var(axis=axes)
    else:
        mean, variance = moving_mean, moving_variance
    return gamma * (y - mean) / np.sqrt(variance + epsilon) + beta


@dataclass(frozen=True)
class OutputStats:
    """How far a model's outputs are from 0/1 targets."""

    mse: float
    binary_accuracy: float  # threshold 0.5, as Keras' "accuracy" here
    mean_black: float  # mean output where the target is 0
    mean_lit: float  # mean output where the target is 1
    black_at_beta: float  # share of black-target outputs equal to β (pixels black in the whole batch)


def output_stats(y_true: np.ndarray, y_out: np.ndarray, beta: float | None = None) -> OutputStats:
    """MSE, BinaryAccuracy(0.5) and the mean output per target class."""
    y_true = np.asarray(y_true).astype(bool)
    y_out = np.asarray(y_out, dtype="float64")
    target = y_true.astype("float64")
    black = y_out[~y_true]
    at_beta = float(np.mean(np.isclose(black, beta, rtol=0, atol=1e-9))) if beta is not None else float("nan")
    return OutputStats(
        mse=float(np.mean((y_out - target) ** 2)),
        binary_accuracy=float(np.mean((y_out > 0.5) == y_true)),
        mean_black=float(black.mean()) if black.size else float("nan"),
        mean_lit=float(y_out[y_true].mean()) if y_true.any() else float("nan"),
        black_at_beta=at_beta,
    )


def class_histograms(
    y_true: np.ndarray, y_out: np.ndarray, edges: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Counts of outputs per bin, for black-target and lit-target pixels; values outside the
    edges are counted in the first/last bin (so nothing silently disappears)."""
    y_true = np.asarray(y_true).astype(bool).ravel()
    y_out = np.asarray(y_out).ravel()
    index = np.clip(np.searchsorted(edges, y_out, side="right") - 1, 0, len(edges) - 2)
    n = len(edges) - 1
    return (np.bincount(index[~y_true], minlength=n), np.bincount(index[y_true], minlength=n))


class BatchNormExplorer(Explorer):
    """BatchNormalization on/off after the identity-sigmoid layer: histogram of the outputs."""

    X_RANGE = (-2.0, 8.0)

    def __init__(
        self,
        enabled: bool = False,
        training: bool = True,
        batch_size: int = 128,
        gamma: float = 1.0,
        beta: float = 0.0,
        n_images: int = 128,
        *,
        images=None,
        predictions=None,
        image: int = 0,
    ):
        from pitfalls.widgets.tracks import explorer_batch

        batch = explorer_batch(n_images, images, predictions)
        n, h, w, _ = batch.images.shape
        self.side = (h, w)
        if not 0 <= image < n:
            raise ValueError(f"image must be an index of the {n} images, got {image}")
        self.shown_image = image
        self.y_true = batch.images.reshape(n, h * w)
        self.y_sig = batch.predictions.reshape(n, h * w).astype("float64")
        style = {"description_width": "initial"}
        self.enabled = widgets.ToggleButtons(
            options=[("off", False), ("on", True)],
            value=enabled,
            description="BatchNormalization",
            style={"button_width": "auto", "description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.training = widgets.ToggleButtons(
            options=[("training=True (fit)", True), ("training=False (predict)", False)],
            value=training,
            description="mode",
            style={"button_width": "auto", "description_width": "initial"},
            layout=widgets.Layout(width="auto"),
        )
        self.batch_size = widgets.IntSlider(
            value=min(batch_size, n), min=4, max=n, step=4, description="images per batch", style=style
        )
        self.gamma = widgets.FloatSlider(
            value=gamma,
            min=0.0,
            max=2.0,
            step=0.01,
            description="γ (scale)",
            readout_format=".2f",
            style=style,
        )
        self.beta = widgets.FloatSlider(
            value=beta,
            min=-1.0,
            max=1.0,
            step=0.01,
            description="β (offset)",
            readout_format=".2f",
            style=style,
        )
        self.edges = np.linspace(*self.X_RANGE, 201)
        fig = new_figure(8.0, 3.2)
        ax_hist, ax_img = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.3, 1]})
        fig.subplots_adjust(left=0.08, right=0.98, bottom=0.16, top=0.86, wspace=0.2)
        zeros = np.ones(len(self.edges) - 1)  # placeholder counts (a log axis needs > 0)
        self.stairs_black = ax_hist.stairs(zeros, self.edges, color="0.2", lw=1.5, label="target 0 (black)")
        self.stairs_lit = ax_hist.stairs(zeros, self.edges, color="C3", lw=1.5, label="target 1 (lit)")
        for x in (0.0, 1.0):
            ax_hist.axvline(x, color="C2", ls=":", lw=1)
        ax_hist.set_yscale("log")
        ax_hist.set_ylim(0.8, self.y_sig.size * 2)
        ax_hist.set_xlim(*self.X_RANGE)
        ax_hist.set_xlabel(f"output (values beyond {self.X_RANGE[1]:g} counted at the edge)")
        ax_hist.set_ylabel("pixels")
        ax_hist.legend(loc="upper right", fontsize=7)
        self.hist_title = ax_hist.set_title("", fontsize=9)
        self.img = ax_img.imshow(np.zeros(self.side), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        self.img_title = ax_img.set_title("", fontsize=9)
        self.animate(self.stairs_black, self.stairs_lit, self.hist_title, self.img, self.img_title)
        controls = [self.enabled, self.training, self.batch_size, self.gamma, self.beta]
        super().__init__(
            "BatchNormalization explorer",
            controls,
            fig,
            about="Dense(identity, sigmoid) → BatchNormalization on real flight tracks",
            rows=[[self.enabled], [self.training], [self.batch_size], [self.gamma, self.beta]],
        )

    def outputs(self) -> np.ndarray:
        """The model's outputs for the current batch, BatchNormalization applied or not."""
        y = self.y_sig[: self.batch_size.value]
        if not self.enabled.value:
            return y
        return batchnorm(y, self.training.value, self.gamma.value, self.beta.value)

    def update(self) -> str:
        on = self.enabled.value
        for control in (self.training, self.gamma, self.beta):
            control.disabled = not on
        b = self.batch_size.value
        y_out = self.outputs()
        y_true = self.y_true[:b]
        stats = output_stats(y_true, y_out, beta=self.beta.value if on else None)
        black, lit = class_histograms(y_true, y_out, self.edges)
        self.stairs_black.set_data(np.maximum(black, 1e-3))
        self.stairs_lit.set_data(np.maximum(lit, 1e-3))
        k = min(self.shown_image, b - 1)  # the image shown is in the batch
        self.img.set_data(y_out[k].reshape(self.side))
        self.img_title.set_text(f"image {k}, fixed scale 0…1")
        if not on:
            what = "sigmoid outputs, no BatchNormalization"
        elif self.training.value:
            what = "BatchNormalization, training=True (statistics of this batch)"
        else:
            what = "BatchNormalization, training=False (moving mean 0, variance 1)"
        self.hist_title.set_text(what)
        extra = ""
        if on and self.training.value:
            extra = (
                f" · {stats.black_at_beta:.1%} of black pixels are exactly β = {self.beta.value:.2f} "
                f"(pixels black in all {b} images: x − mean = 0)"
            )
        return (
            f"{what}, {b} images: MSE <b>{stats.mse:.4f}</b> · BinaryAccuracy(0.5) <b>{stats.binary_accuracy:.4f}</b> · "
            f"mean output on black pixels {stats.mean_black:.4f}, on lit pixels {stats.mean_lit:.4f}{extra}"
        )


def batchnorm_explorer(
    enabled: bool = False,
    training: bool = True,
    batch_size: int = 128,
    gamma: float = 1.0,
    beta: float = 0.0,
    n_images: int = 128,
    *,
    images=None,
    predictions=None,
    image: int = 0,
) -> BatchNormExplorer:
    """The BatchNormalization explorer widget; make it the last expression of a cell to show it.

    ``images`` and ``predictions``: the lesson's own test images and its identity-sigmoid model's
    output for them (default: the first ``n_images`` shipped test images, 64×64); ``image``: the
    one drawn beside the histogram."""
    return BatchNormExplorer(
        enabled,
        training,
        batch_size,
        gamma,
        beta,
        n_images,
        images=images,
        predictions=predictions,
        image=image,
    )
