"""imshow-scale explorer: one reconstruction drawn with imshow's automatic scale and a fixed one.

Why: the article's identity-sigmoid reconstructions looked perfect because ``plt.imshow`` maps an
image's own minimum to black and its maximum to white unless told otherwise (its ``norm`` defaults
to ``Normalize()``, which takes the data's min and max). The model's output holds only 0.5 and
0.7311, so 0.5 became black and 0.7311 white. Fixing the scale (``vmin=0, vmax=1``) shows the grey
the numbers really are; the vmin/vmax sliders show that any fixed scale tells the truth only when
it is the scale of the *targets*.

``auto_limits`` and ``grey_levels`` are pure NumPy and unit-tested against matplotlib's own
``AxesImage.norm``.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from pitfalls.widgets._core import Explorer, new_figure


def auto_limits(image: np.ndarray) -> tuple[float, float]:
    """The (vmin, vmax) imshow picks when not told: the data's own min and max."""
    image = np.asarray(image)
    return float(image.min()), float(image.max())


def grey_levels(image: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """What fraction of white each pixel is drawn with under ``Normalize(vmin, vmax)`` (clipped).

    With vmin == vmax matplotlib draws everything at the bottom of the colour map; so do we.
    """
    image = np.asarray(image, dtype="float64")
    if vmax == vmin:
        return np.zeros_like(image)
    return np.clip((image - vmin) / (vmax - vmin), 0.0, 1.0)


class ImshowScaleExplorer(Explorer):
    """The same identity-sigmoid reconstruction under imshow's auto scale and under vmin/vmax."""

    def __init__(
        self,
        image: int = 0,
        vmin: float = 0.0,
        vmax: float = 1.0,
        n_images: int = 128,
        *,
        images=None,
        predictions=None,
    ):
        from pitfalls.widgets.tracks import explorer_batch

        batch = explorer_batch(n_images, images, predictions)
        self.originals, self.outputs = batch.images[..., 0], batch.predictions[..., 0]
        style = {"description_width": "initial"}
        self.image_index = widgets.IntSlider(
            value=image, min=0, max=len(self.outputs) - 1, description="image", style=style
        )
        self.vmin = widgets.FloatSlider(
            value=vmin, min=0.0, max=1.0, step=0.01, description="vmin", readout_format=".2f", style=style
        )
        self.vmax = widgets.FloatSlider(
            value=vmax, min=0.0, max=1.0, step=0.01, description="vmax", readout_format=".2f", style=style
        )
        fig = new_figure(8.0, 3.3)
        axes = fig.subplots(1, 3)
        fig.subplots_adjust(left=0.02, right=0.93, bottom=0.05, top=0.8, wspace=0.35)
        shape = self.outputs.shape[1:]
        self.im_orig = axes[0].imshow(np.zeros(shape), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        self.im_auto = axes[1].imshow(np.zeros(shape), cmap="gray", interpolation="nearest")
        self.im_fixed = axes[2].imshow(
            np.zeros(shape), cmap="gray", vmin=vmin, vmax=vmax, interpolation="nearest"
        )
        for ax, im in zip(axes, (self.im_orig, self.im_auto, self.im_fixed)):
            ax.set_xticks([])
            ax.set_yticks([])
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
        self.colorbars = [im.colorbar for im in (self.im_orig, self.im_auto, self.im_fixed)]
        for cb in self.colorbars:
            cb.ax.tick_params(labelsize=7)
        self.titles = [ax.set_title("", fontsize=9) for ax in axes]
        self.axes = axes
        self.suptitle = fig.suptitle("", fontsize=9)
        self._auto = None
        # The fixed scale's colour bar follows the vmin/vmax sliders: drawn every frame (cheap), so
        # those sliders never need a full redraw.
        self.animate(self.im_orig, self.im_auto, self.im_fixed, self.colorbars[2].ax, *self.titles)
        super().__init__(
            "imshow-scale explorer",
            [self.image_index, self.vmin, self.vmax],
            fig,
            about="the same reconstruction, automatic vs fixed colour scale",
            rows=[[self.image_index], [self.vmin, self.vmax]],
        )

    def update(self) -> str:
        k = self.image_index.value
        out, orig = self.outputs[k], self.originals[k]
        lo, hi = self.vmin.value, self.vmax.value
        note = ""
        if hi <= lo:
            hi = min(lo + 0.01, 1.0) if lo < 1.0 else lo
            lo = hi - 0.01
            note = " (vmax ≤ vmin: drawn with vmax = vmin + 0.01)"
        auto = auto_limits(out)
        self.im_orig.set_data(orig)
        self.im_auto.set_data(out)
        if self._auto != auto:  # the automatic colour bar's ticks change: full redraw
            self._auto = auto
            self.im_auto.set_clim(*auto)
            self.blitter.invalidate()
        self.im_fixed.set_data(out)
        if tuple(self.im_fixed.get_clim()) != (lo, hi) or self.redraws == 0:
            self.im_fixed.set_clim(lo, hi)
            self.colorbars[2].set_ticks([lo, (lo + hi) / 2, hi])  # few labels: drawn every frame
        self.titles[0].set_text(f"original {k}")
        self.titles[1].set_text(f"output, imshow default\nblack = {auto[0]:.4f}, white = {auto[1]:.4f}")
        self.titles[2].set_text(f"output, vmin = {lo:.2f}, vmax = {hi:.2f}")
        black_grey = grey_levels(np.float32(0.5), lo, hi)
        lit_grey = grey_levels(np.float32(0.7310586), lo, hi)
        return (
            f"image {k}: the output holds {np.unique(out).size} values, {auto[0]:.4f} and "
            f"{auto[1]:.4f}. Automatic scale: they are drawn black and white — a perfect copy to "
            f"the eye. Fixed scale {lo:.2f}…{hi:.2f}{note}: black pixels drawn at "
            f"<b>{float(black_grey):.0%}</b> white, lit pixels at <b>{float(lit_grey):.0%}</b>."
        )


def imshow_scale_explorer(
    image: int = 0,
    vmin: float = 0.0,
    vmax: float = 1.0,
    n_images: int = 128,
    *,
    images=None,
    predictions=None,
) -> ImshowScaleExplorer:
    """The imshow-scale explorer widget; make it the last expression of a cell to show it.

    ``images`` and ``predictions``: the lesson's own test images and its identity-sigmoid model's
    output for them (default: the first ``n_images`` shipped test images, 64×64)."""
    return ImshowScaleExplorer(image, vmin, vmax, n_images, images=images, predictions=predictions)
