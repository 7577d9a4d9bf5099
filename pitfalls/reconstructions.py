"""Pictures of what an autoencoder gives back: original/reconstruction rows and learning curves.

Why a module: lessons 4 and 5 draw the same figures a dozen times, and the drawing code is not
the lesson. The one drawing detail that *is* the lesson — ``imshow`` stretches the colour scale
to the data's own min and max unless told otherwise — is an explicit argument here
(``fixed_scale``), so a lesson can show both views; every function returns the figure and the
``AxesImage`` objects it made, so a notebook can check the colour scale it claims.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

#: The colour map of every track picture: black background, white track.
CMAP = "gray"


def _as_2d(image: np.ndarray) -> np.ndarray:
    """``(h, w, 1)`` → ``(h, w)``: ``imshow`` refuses a trailing channel axis of size 1."""
    image = np.asarray(image)
    return image[..., 0] if image.ndim == 3 and image.shape[-1] == 1 else image


def show(ax, image: np.ndarray, fixed_scale: bool = True):
    """One image on ``ax``. ``fixed_scale``: 0 is black and 1 is white whatever the data holds;
    otherwise ``imshow``'s default, which maps the image's own min to black and max to white."""
    kwargs = {"vmin": 0.0, "vmax": 1.0} if fixed_scale else {}
    im = ax.imshow(_as_2d(image), cmap=CMAP, interpolation="nearest", **kwargs)
    ax.set_xticks([])
    ax.set_yticks([])
    return im


def rows(
    named_rows: Mapping[str, Sequence[np.ndarray]],
    n: int = 8,
    fixed_scale: bool = True,
    title: str | None = None,
):
    """A grid: one row per entry of ``named_rows`` (e.g. original, reconstruction), ``n``
    images each. Returns ``(figure, [[AxesImage, ...] per row])``."""
    import matplotlib.pyplot as plt

    names = list(named_rows)
    n = min(n, min(len(v) for v in named_rows.values()))
    fig, axes = plt.subplots(len(names), n, figsize=(1.3 * n, 1.4 * len(names) + 0.4), squeeze=False)
    images = []
    for r, name in enumerate(names):
        row = [show(axes[r, c], named_rows[name][c], fixed_scale) for c in range(n)]
        axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
        images.append(row)
    scale = "fixed scale 0…1" if fixed_scale else "imshow's automatic scale"
    fig.suptitle(f"{title} ({scale})" if title else scale, fontsize=10)
    fig.tight_layout()
    return fig, images


def learning_curves(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    keys: Sequence[str] = ("loss", "accuracy"),
    log_loss: bool = True,
):
    """Every run's per-epoch ``keys`` on shared axes (one panel per key). Returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(keys), figsize=(5.5 * len(keys), 3.6), squeeze=False)
    for ax, key in zip(axes[0], keys):
        for name, history in histories.items():
            values = history[key]
            ax.plot(range(1, len(values) + 1), values, marker=".", label=name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        if key == "loss" and log_loss:
            ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
    axes[0][0].legend()
    fig.tight_layout()
    return fig


def lit_fraction(images: np.ndarray) -> float:
    """The fraction of pixels that are lit (> 0.5) in a batch of 0/1 images."""
    return float(np.mean(np.asarray(images) > 0.5))


def reproduced_fraction(originals: np.ndarray, reconstructions: np.ndarray) -> float:
    """Of the lit pixels of ``originals``, the fraction the reconstruction shows above 0.5."""
    lit = np.asarray(originals) > 0.5
    if not lit.any():
        return float("nan")
    return float(np.mean(np.asarray(reconstructions)[lit] > 0.5))
