"""The picture helpers: fixed vs automatic colour scale, grids, learning curves, pixel counts."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from pitfalls.reconstructions import learning_curves, lit_fraction, reproduced_fraction, rows, show  # noqa: E402

GREY = np.where(np.eye(6)[..., None] > 0, 0.7310586, 0.5).astype("float32")  # identity-sigmoid output


def test_show_fixed_and_automatic_scale():
    fig, (a, b) = plt.subplots(1, 2)
    fixed, auto = show(a, GREY, fixed_scale=True), show(b, GREY, fixed_scale=False)
    assert (fixed.norm.vmin, fixed.norm.vmax) == (0, 1)
    assert np.isclose(auto.norm.vmin, 0.5) and np.isclose(auto.norm.vmax, 0.7310586)
    assert fixed.get_array().shape == (6, 6)  # the channel axis is dropped
    plt.close(fig)


def test_rows_grid():
    fig, images = rows({"a": [GREY] * 5, "b": [GREY] * 3}, n=4)
    assert len(images) == 2 and len(images[0]) == 3  # limited by the shortest row
    assert "fixed scale" in fig._suptitle.get_text()
    plt.close(fig)


def test_learning_curves_one_line_per_run():
    fig = learning_curves(
        {"relu": {"loss": [1, 0.1], "accuracy": [0.5, 1]}, "tanh": {"loss": [1, 0.2], "accuracy": [0.4, 1]}}
    )
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert fig.axes[0].get_yscale() == "log"
    plt.close(fig)


def test_pixel_counts():
    x = np.eye(4)[None, ..., None]
    assert lit_fraction(x) == 0.25
    assert reproduced_fraction(x, 0.7 * x) == 1.0
    assert reproduced_fraction(x, 0.4 * x + 0.05) == 0.0
    assert np.isnan(reproduced_fraction(np.zeros((1, 2, 2, 1)), np.zeros((1, 2, 2, 1))))
