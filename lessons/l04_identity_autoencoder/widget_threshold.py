"""Threshold explorer: Keras' ``"accuracy"`` (BinaryAccuracy) as a function of its threshold.

Why: ``metrics=["accuracy"]`` on a ``(64, 64, 1)`` sigmoid output resolves to ``BinaryAccuracy``,
which counts a prediction as 1 when it is strictly above 0.5. The identity-sigmoid model predicts
0.5 for black pixels and σ(1) = 0.7311 for lit ones, so it scores a perfect 1.0 for every
threshold t with 0.5 ≤ t < 0.7311 and collapses outside: below 0.5 every pixel counts as lit
(accuracy = the lit fraction p), from 0.7311 on every pixel counts as black (accuracy = 1 − p,
the score of an all-black picture). Plain ``Accuracy`` (exact equality) stays at 0.0 throughout:
not one output equals its 0/1 target.

The predictions are the real Keras model's on 128 real flight-track test images
(:mod:`pitfalls.widgets.tracks`). The counting functions are pure NumPy, compare in float32 like
Keras does, and are unit-tested against ``keras.metrics.BinaryAccuracy``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from pitfalls.widgets._core import Explorer, new_figure


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> float:
    """Keras' ``BinaryAccuracy``: the fraction of ``(y_pred > threshold) == y_true``.

    The threshold is cast to the predictions' dtype first (as Keras does), so a float32 output of
    exactly σ(1) = 0.7310586 is *not* above a threshold of 0.7310586.
    """
    y_pred = np.asarray(y_pred)
    above = y_pred > np.asarray(threshold, dtype=y_pred.dtype)
    return float(np.mean(above.astype(y_pred.dtype) == np.asarray(y_true, dtype=y_pred.dtype)))


def exact_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Keras' plain ``Accuracy``: the fraction of predictions exactly equal to their targets."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def accuracy_curve(y_true: np.ndarray, y_pred: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """``binary_accuracy`` at each threshold, in one sort instead of one pass per threshold."""
    y_pred = np.asarray(y_pred).ravel()
    lit = np.asarray(y_true).ravel().astype(bool)
    t = np.asarray(thresholds, dtype=y_pred.dtype)
    lit_sorted, black_sorted = np.sort(y_pred[lit]), np.sort(y_pred[~lit])
    lit_above = lit_sorted.size - np.searchsorted(lit_sorted, t, side="right")  # lit and > t: right
    black_not_above = np.searchsorted(black_sorted, t, side="right")  # black and ≤ t: right
    return (lit_above + black_not_above) / y_pred.size


def perfect_interval(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float] | None:
    """The thresholds [lo, hi) where BinaryAccuracy is 1.0: from the largest black prediction
    (included) to the smallest lit one (excluded); None when the two overlap."""
    y_pred = np.asarray(y_pred).ravel()
    lit = np.asarray(y_true).ravel().astype(bool)
    lo, hi = float(y_pred[~lit].max()), float(y_pred[lit].min())
    return (lo, hi) if lo < hi else None


class ThresholdExplorer(Explorer):
    """A threshold slider over the identity-sigmoid model's predictions on real flight tracks."""

    def __init__(
        self, threshold: float = 0.5, image: int = 0, n_images: int = 128, *, images=None, predictions=None
    ):
        from pitfalls.widgets.tracks import explorer_batch

        batch = explorer_batch(n_images, images, predictions)
        self.y_true, self.y_pred = batch.images, batch.predictions
        self.p = batch.lit_fraction
        self.exact = exact_accuracy(self.y_true, self.y_pred)
        self.interval = perfect_interval(self.y_true, self.y_pred)
        self.grid = np.linspace(0.0, 1.0, 1001)
        self.curve = accuracy_curve(self.y_true, self.y_pred, self.grid)

        self.threshold = widgets.FloatSlider(
            value=threshold,
            min=0.0,
            max=1.0,
            step=0.005,
            description="threshold t",
            readout_format=".3f",
            style={"description_width": "initial"},
        )
        self.image_index = widgets.IntSlider(
            value=image,
            min=0,
            max=len(self.y_true) - 1,
            description="image",
            style={"description_width": "initial"},
        )
        fig = new_figure(8.0, 3.1)
        ax_hist, ax_acc, ax_img = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1.3, 0.8]})
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.86, wspace=0.45)
        values, counts = np.unique(self.y_pred, return_counts=True)
        ax_hist.bar(values, counts, width=0.012, color="C0")
        for v, c in zip(values, counts):
            ax_hist.annotate(
                f"{v:.4f}\n{c / self.y_pred.size:.2%}",
                (v, c),
                xytext=(-3, 2),
                textcoords="offset points",
                ha="right",
                fontsize=7,
            )
        ax_hist.set_yscale("log")
        ax_hist.set_ylim(1, self.y_pred.size * 8)
        ax_hist.set_xlim(0, 1)
        ax_hist.set_xlabel("predicted value")
        ax_hist.set_ylabel("pixels")
        ax_hist.set_title(f"predictions on {len(self.y_true)} images", fontsize=9)
        self.t_hist = ax_hist.axvline(threshold, color="C3", lw=1.5)

        ax_acc.plot(self.grid, self.curve, color="C0", lw=2, label="BinaryAccuracy(t)")
        ax_acc.axhline(self.exact, color="C1", lw=2, ls="--", label=f"Accuracy (exact) = {self.exact:.1f}")
        if self.interval:
            ax_acc.axvspan(*self.interval, color="C2", alpha=0.15, lw=0, label="accuracy 1.0")
        ax_acc.set_xlim(0, 1)
        ax_acc.set_ylim(-0.04, 1.08)
        ax_acc.set_xlabel("threshold t")
        ax_acc.legend(loc="lower right", bbox_to_anchor=(1.0, 0.12), fontsize=7)
        ax_acc.grid(alpha=0.3)
        self.t_acc = ax_acc.axvline(threshold, color="C3", lw=1.5)
        (self.dot,) = ax_acc.plot([threshold], [0], "o", color="C3", ms=7)
        self.acc_title = ax_acc.set_title("", fontsize=9)

        self.ax_img = ax_img
        self.img = ax_img.imshow(
            np.zeros(self.y_pred.shape[1:3]), cmap="gray", vmin=0, vmax=1, interpolation="nearest"
        )
        ax_img.set_xticks([])
        ax_img.set_yticks([])
        self.img_title = ax_img.set_title("", fontsize=9)
        self.animate(self.t_hist, self.t_acc, self.dot, self.acc_title, self.img, self.img_title)
        super().__init__(
            "Threshold explorer",
            [self.threshold, self.image_index],
            fig,
            about="the identity-sigmoid model's real predictions on real flight tracks",
        )

    def update(self) -> str:
        t = self.threshold.value
        k = self.image_index.value
        acc = binary_accuracy(self.y_true, self.y_pred, t)
        self.t_hist.set_xdata([t, t])
        self.t_acc.set_xdata([t, t])
        self.dot.set_data([t], [acc])
        self.acc_title.set_text(f"t = {t:.3f}: BinaryAccuracy {acc:.4f}")
        pred_k = self.y_pred[k, :, :, 0]
        self.img.set_data((pred_k > np.float32(t)).astype("float32"))
        self.img_title.set_text(f"image {k}: output > t")
        lo, hi = self.interval or (float("nan"), float("nan"))
        return (
            f"t = {t:.3f}: BinaryAccuracy = <b>{acc:.4f}</b> · Accuracy (exact equality) = "
            f"<b>{self.exact:.4f}</b> · 1.0 for {lo:.4f} ≤ t < {hi:.4f}; below: p = {self.p:.4f}, "
            f"above: 1 − p = {1 - self.p:.4f} (lit fraction p of these {len(self.y_true)} images)"
        )


def threshold_explorer(
    threshold: float = 0.5, image: int = 0, n_images: int = 128, *, images=None, predictions=None
) -> ThresholdExplorer:
    """The threshold explorer widget; make it the last expression of a cell to show it.

    ``images`` and ``predictions``: the lesson's own test images and its identity-sigmoid model's
    output for them (default: the first ``n_images`` shipped test images, 64×64)."""
    return ThresholdExplorer(threshold, image, n_images, images=images, predictions=predictions)
