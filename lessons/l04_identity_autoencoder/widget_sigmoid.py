"""Sigmoid explorer: what σ(w·x + b) does to a black (0) and a lit (1) pixel, and the MSE it costs.

Why: lesson 4's identity-sigmoid autoencoder computes σ(x·I) = σ(x) per pixel, so it answers
σ(0) = 0.5 for every black pixel and σ(1) = 0.7311 for every lit one — a loss near 0.25 for a
model that copies its input. Dragging the weight and the bias shows why no finite kernel or bias
reaches 0 and 1 at once (the sigmoid only approaches them), and the lit-fraction slider shows why
the MSE is dominated by the black pixels: MSE = (1 − p)·σ(b)² + p·(1 − σ(w + b))².

The compute functions (``sigmoid``, ``pixel_outputs``, ``sigmoid_curve``) are pure NumPy and unit
tested; :class:`SigmoidExplorer` only draws them.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from pitfalls.widgets._core import Explorer, new_figure

#: σ(0) and σ(1): what the identity-sigmoid model outputs for black and lit pixels.
SIGMOID_0 = 0.5
SIGMOID_1 = float(1.0 / (1.0 + np.exp(-1.0)))  # 0.7310585786300049
#: Mean lit fraction of the shipped flight tracks (data/flighttracks/README.md: 1.553 %);
#: tests/test_widgets.py recomputes it from the PNGs.
FLIGHTTRACK_LIT_FRACTION = 0.01553


def sigmoid(z):
    """The logistic function, without overflow warnings for large |z| (0.5·(1 + tanh(z/2)))."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype="float64")))


def sigmoid_curve(weight: float, bias: float, lo: float, hi: float, n: int = 241):
    """``(x, σ(weight·x + bias))`` on ``n`` points of [lo, hi]."""
    x = np.linspace(lo, hi, n)
    return x, sigmoid(weight * x + bias)


@dataclass(frozen=True)
class PixelOutputs:
    """What a Dense(kernel = weight·I, bias) + sigmoid autoencoder gives 0/1 pixels, and its MSE."""

    black: float  # σ(bias): output for an input of 0
    lit: float  # σ(weight + bias): output for an input of 1
    lit_fraction: float
    mse_black: float  # (1 − p)·black²: the black pixels' share of the MSE
    mse_lit: float  # p·(1 − lit)²
    binary_accuracy: float  # Keras' "accuracy" here: BinaryAccuracy at threshold 0.5

    @property
    def mse(self) -> float:
        return self.mse_black + self.mse_lit


def pixel_outputs(
    weight: float = 1.0, bias: float = 0.0, lit_fraction: float = FLIGHTTRACK_LIT_FRACTION
) -> PixelOutputs:
    """Outputs and MSE of σ(weight·x + bias) on images with a fraction ``lit_fraction`` of 1s.

    ``weight = 1, bias = 0`` is lesson 4's identity-sigmoid model: 0.5, 0.7311 and
    MSE = 0.25·(1 − p) + (1 − σ(1))²·p. BinaryAccuracy counts an output as 1 when it is strictly
    above 0.5, so it is 1.0 whenever σ(b) ≤ 0.5 < σ(w + b), however far from 0 and 1 they are.
    """
    p = float(lit_fraction)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"lit_fraction must be in [0, 1], got {p}")
    black, lit = float(sigmoid(bias)), float(sigmoid(weight + bias))
    accuracy = (1 - p) * float(black <= 0.5) + p * float(lit > 0.5)
    return PixelOutputs(black, lit, p, (1 - p) * black**2, p * (1 - lit) ** 2, accuracy)


class SigmoidExplorer(Explorer):
    """Sliders for weight, bias, input range and lit fraction over σ(w·x + b)."""

    def __init__(
        self,
        weight: float = 1.0,
        bias: float = 0.0,
        x_range=(-4.0, 4.0),
        lit_fraction: float = FLIGHTTRACK_LIT_FRACTION,
    ):
        style = {"description_width": "initial"}
        self.weight = widgets.FloatSlider(
            value=weight, min=-6, max=6, step=0.1, description="weight w", readout_format=".2f", style=style
        )
        self.bias = widgets.FloatSlider(
            value=bias, min=-6, max=6, step=0.1, description="bias b", readout_format=".2f", style=style
        )
        self.x_range = widgets.FloatRangeSlider(
            value=x_range,
            min=-10,
            max=10,
            step=0.5,
            description="input range x",
            readout_format=".1f",
            style=style,
        )
        self.lit = widgets.FloatSlider(
            value=lit_fraction,
            min=0.0,
            max=0.5,
            step=0.0005,
            description="lit fraction p",
            readout_format=".2%",
            style=style,
        )
        fig = new_figure(8.0, 3.3)
        self.ax_curve, self.ax_mse = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.5, 1]})
        fig.subplots_adjust(left=0.07, right=0.97, bottom=0.16, top=0.88, wspace=0.55)
        ax = self.ax_curve
        # The reference σ(x) is redrawn over the current input range like the curve (it is animated):
        # in the cached background it kept the first range's x scale, so at w = 1, b = 0 the two
        # curves, which are the same function, were drawn apart once the range moved.
        (self.reference,) = ax.plot([], [], color="0.8", lw=1, label="σ(x)")
        (self.curve,) = ax.plot([], [], color="C0", lw=2, label="σ(w·x + b)")
        for y, text in ((SIGMOID_0, "σ(0) = 0.5"), (SIGMOID_1, "σ(1) = 0.7311")):
            ax.axhline(y, color="0.45", ls="--", lw=0.8)
            ax.annotate(
                text,
                (0.01, y),
                xycoords=("axes fraction", "data"),
                xytext=(0, 3),
                textcoords="offset points",
                fontsize=8,
                color="0.3",
            )
        (self.dot_black,) = ax.plot([0], [0.5], "o", color="k", ms=7, label="black pixel, x = 0")
        (self.dot_lit,) = ax.plot([1], [0.73], "o", mfc="w", mec="C3", mew=2, ms=7, label="lit pixel, x = 1")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("input x")
        ax.set_ylabel("output")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=7)
        self.curve_title = ax.set_title("", fontsize=9)
        bars = self.ax_mse.barh([2, 1, 0], [0, 0, 0], color=["0.25", "C3", "C0"])
        self.bar_black, self.bar_lit, self.bar_total = bars
        self.ax_mse.set_yticks(
            [2, 1, 0], ["black pixels\n(1−p)·σ(b)²", "lit pixels\np·(1−σ(w+b))²", "MSE"], fontsize=8
        )
        self.ax_mse.set_xlim(0, 1)
        self.ax_mse.set_xlabel("contribution to the MSE")
        self.bar_labels = [self.ax_mse.text(0, y, "", va="center", fontsize=8) for y in (2, 1, 0)]
        self.mse_title = self.ax_mse.set_title("", fontsize=9)
        # The x axis (ticks, labels, grid) follows the input-range slider: drawn every frame, so a
        # range move needs no full redraw either.
        self.animate(
            ax.xaxis,
            self.reference,
            self.curve,
            self.dot_black,
            self.dot_lit,
            self.curve_title,
            self.mse_title,
            *bars,
            *self.bar_labels,
        )
        super().__init__(
            "Sigmoid explorer",
            [self.weight, self.bias, self.x_range, self.lit],
            fig,
            about="an identity-sigmoid autoencoder is σ(w·x + b) with w = 1, b = 0",
        )

    def update(self) -> str:
        w, b = self.weight.value, self.bias.value
        lo, hi = self.x_range.value
        if hi <= lo:
            hi = lo + 0.5
        out = pixel_outputs(w, b, self.lit.value)
        self.reference.set_data(*sigmoid_curve(1.0, 0.0, lo, hi))
        self.curve.set_data(*sigmoid_curve(w, b, lo, hi))
        self.ax_curve.set_xlim(lo, hi)
        self.dot_black.set_data([0.0], [out.black])
        self.dot_lit.set_data([1.0], [out.lit])
        self.curve_title.set_text(f"black → σ(b) = {out.black:.4f}, lit → σ(w+b) = {out.lit:.4f}")
        for bar, label, value in zip(
            (self.bar_black, self.bar_lit, self.bar_total),
            self.bar_labels,
            (out.mse_black, out.mse_lit, out.mse),
        ):
            bar.set_width(value)
            label.set_position((min(value, 0.62) + 0.02, label.get_position()[1]))
            label.set_text(f"{value:.4f}")
        self.mse_title.set_text(f"p = {out.lit_fraction:.2%} lit pixels")
        return (
            f"w = {w:.2f}, b = {b:.2f}: black pixel → <b>{out.black:.4f}</b>, lit pixel → "
            f"<b>{out.lit:.4f}</b>; with p = {out.lit_fraction:.2%} lit: MSE = <b>{out.mse:.4f}</b> "
            f"(black {out.mse_black:.4f} + lit {out.mse_lit:.4f}); "
            f"BinaryAccuracy(0.5) = {out.binary_accuracy:.4f}"
        )


def sigmoid_explorer(
    weight: float = 1.0,
    bias: float = 0.0,
    x_range=(-4.0, 4.0),
    lit_fraction: float = FLIGHTTRACK_LIT_FRACTION,
):
    """The sigmoid explorer widget; make it the last expression of a cell to show it."""
    return SigmoidExplorer(weight, bias, x_range, lit_fraction)
