"""What every interactive figure of the course shares: one PNG, redrawn in place, with a fallback.

Why it is built this way:

* **One persistent picture, no flicker.** Each explorer owns one ``matplotlib.figure.Figure``
  (the Agg canvas, never ``pyplot``, so no global state and no inline-backend redraws) whose
  artists are made once. A control move updates the artists (``set_data``, ``set_height``…),
  draws the canvas and puts the PNG bytes into an ``ipywidgets.Image``. The cell is never
  redrawn: the browser swaps one image.
* **No extra extension.** ``ipywidgets.Image`` ships with ipywidgets itself, which JupyterLab,
  Notebook 7, Binder (``environment.yml``), VS Code and Colab (after
  ``enable_custom_widget_manager()``) all render. ipympl would give a live canvas too, but needs
  its own front-end extension in each of those places.
* **Fast enough to follow a slider.** A redraw is one Agg draw of a small figure plus a PNG encode
  at zlib level 1 (Pillow); :func:`measure_latency` times it, ``make bench`` reports it.
* **Still a figure without a widget front end.** The explorer's display bundle carries, beside the
  widget view, a static PNG of its state and one line saying the interactive version needs
  Jupyter (``text/html``, ``image/png``, ``text/plain``). A front end with widgets shows only the
  widget (it ranks the widget view first), so Jupyter shows the figure once; nbconvert's HTML
  (which skips widget views without saved widget state, and we strip that state; nbviewer uses
  nbconvert) and a terminal IPython show the picture and the line, and so should GitHub's
  renderer, which cannot render widget views (not tried: no network here). One output instead
  of "a static PNG, then the widget" avoids a second copy of the figure in Jupyter.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

#: The line shown where no widget front end runs (HTML export, GitHub, a terminal).
NEEDS_JUPYTER = (
    "Static picture of the first state. The interactive version (sliders) needs "
    "Jupyter: run this cell in JupyterLab, Notebook, Binder or Colab."
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: Pixels per inch of every explorer figure: 8 inches wide → 720 px, which fits a notebook column.
DPI = 90


# --------------------------------------------------------------------------------------------
# Colab
# --------------------------------------------------------------------------------------------


def on_colab() -> bool:
    """True when ``google.colab`` is importable (a Colab kernel); False locally, on Binder, in CI."""
    try:
        return importlib.util.find_spec("google.colab") is not None
    except (ImportError, ValueError):  # a half-initialised or mocked module
        return False


_COLAB_ENABLED = False


def enable_colab_widgets() -> bool:
    """Turn on Colab's custom widget manager once (Colab renders only its own widgets otherwise).

    A no-op returning False outside Colab. Returns True when it was (or had been) enabled.
    """
    global _COLAB_ENABLED
    if not on_colab():
        return False
    if not _COLAB_ENABLED:
        from google.colab import output  # type: ignore[import-not-found]

        output.enable_custom_widget_manager()
        _COLAB_ENABLED = True
    return True


def colab_display_metadata() -> dict:
    """Display metadata Colab wants beside a widget view: the custom manager's URL.

    Colab adds it from a display hook for widgets it displays itself; a widget whose
    ``_repr_mimebundle_`` is overridden must add it (the approach of anywidget, issue 63).
    """
    module = sys.modules.get("google.colab.output")
    url = getattr(getattr(module, "_widgets", None), "_installed_url", None) if module else None
    return {WIDGET_VIEW: {"colab": {"custom_widget_manager": {"url": url}}}} if url else {}


# --------------------------------------------------------------------------------------------
# Figures → PNG
# --------------------------------------------------------------------------------------------


def new_figure(width: float, height: float, dpi: int = DPI):
    """A pyplot-free figure on an Agg canvas (no global figure list, no inline-backend output)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def encode_png(rgba: np.ndarray, compress_level: int = 1) -> bytes:
    """An RGBA canvas buffer as PNG bytes (alpha dropped; zlib level 1: fast, ~same size)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(rgba)[..., :3]).save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def figure_png(fig, compress_level: int = 1) -> bytes:
    """Draw ``fig`` completely and encode it as PNG bytes.

    ``savefig`` would re-run the layout and compress at zlib level 6; drawing the canvas and
    letting Pillow encode the RGB buffer at level 1 is faster for the same pixels.
    """
    fig.canvas.draw()
    return encode_png(fig.canvas.buffer_rgba(), compress_level)


class Blitter:
    """Redraw only what moves: a cached background plus the *animated* artists on top.

    A full Agg draw of a two-panel figure costs 30–60 ms on a loaded 2-core CPU, nearly all of it
    in tick labels and other text that never change while a slider moves. The blitter draws the
    figure once without its animated artists, keeps those pixels, and per frame restores them and
    draws only the animated artists (matplotlib's own blitting recipe, applied to an Agg buffer
    instead of a GUI window). :meth:`invalidate` forces the next frame to redraw everything — call
    it when a control changes something static (an axis' limits, a tick label).
    """

    def __init__(self, fig):
        self.fig = fig
        self.artists: list = []
        self._background = None

    def animate(self, *artists) -> None:
        """Mark artists as changing every frame (they are left out of the cached background)."""
        for artist in artists:
            artist.set_animated(True)
            self.artists.append(artist)

    def invalidate(self) -> None:
        self._background = None

    def png(self, compress_level: int = 1) -> bytes:
        canvas = self.fig.canvas
        if self._background is None:
            canvas.draw()  # animated artists are skipped by a full draw
            self._background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in self.artists:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        return encode_png(canvas.buffer_rgba(), compress_level)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, read from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def fallback_html(png: bytes, title: str) -> str:
    """The static stand-in: the picture and the one line saying where the sliders work."""
    b64 = base64.b64encode(png).decode("ascii")
    return (
        f'<div class="pitfalls-static-figure"><img alt="{html.escape(title)}" '
        f'src="data:image/png;base64,{b64}"/><p><em>{html.escape(NEEDS_JUPYTER)}</em></p></div>'
    )


# --------------------------------------------------------------------------------------------
# The explorer widget
# --------------------------------------------------------------------------------------------

SLIDER_TYPES = (
    "FloatSlider",
    "IntSlider",
    "FloatLogSlider",
    "SelectionSlider",
    "FloatRangeSlider",
    "IntRangeSlider",
)


def is_slider(control: Any) -> bool:
    """True for ipywidgets' slider classes (what :func:`measure_latency` and the browser test move)."""
    return type(control).__name__ in SLIDER_TYPES


class Explorer(widgets.VBox):
    """A column: title, controls, a readout line, and one image redrawn on every change.

    Subclasses make their figure and controls, mark the artists that move with
    ``self.animate(...)``, then call ``super().__init__`` and implement :meth:`update`, which moves
    those artists to the controls' values and returns the readout (HTML); it calls
    ``self.blitter.invalidate()`` when something static changed (axis limits).
    """

    def __init__(
        self,
        title: str,
        controls: Sequence[Any],
        figure,
        *,
        about: str = "",
        rows: Sequence[Sequence[Any]] | None = None,
    ):
        enable_colab_widgets()
        self.title = title
        self.figure = figure
        self.controls = list(controls)
        if "blitter" not in self.__dict__:
            self.blitter = Blitter(figure)
        width = int(figure.get_size_inches()[0] * figure.dpi)
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width=f"{width}px", max_width="100%", height="auto")
        )
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="2.6em"))
        self.readout.add_class("pitfalls-readout")
        self.image.add_class("pitfalls-figure")
        self.last_ms = float("nan")
        self.redraws = 0
        header = widgets.HTML(f"<b>{html.escape(title)}</b>" + (f" — {about}" if about else ""))
        boxes = (
            [widgets.HBox(list(row)) for row in rows]
            if rows
            else [widgets.HBox(self.controls[i : i + 2]) for i in range(0, len(self.controls), 2)]
        )
        super().__init__([header, *boxes, self.readout, self.image])
        self.add_class("pitfalls-explorer")
        for control in self.controls:
            control.observe(self._changed, names="value")
        self.refresh()

    # -- subclass API ----------------------------------------------------------------------
    def update(self) -> str:  # pragma: no cover - abstract
        """Move the figure's artists to the controls' values; return the readout (HTML)."""
        raise NotImplementedError

    def animate(self, *artists) -> None:
        """Mark artists that change with the controls (see :class:`Blitter`)."""
        if "blitter" not in self.__dict__:
            self.blitter = Blitter(artists[0].figure)
        self.blitter.animate(*artists)

    # -- machinery -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute, redraw the figure and replace the image's bytes (the one output)."""
        started = time.perf_counter()
        readout = self.update()
        png = self.blitter.png()
        self.image.value = png
        self.readout.value = readout
        self.last_ms = (time.perf_counter() - started) * 1000
        self.redraws += 1

    def _changed(self, _change) -> None:
        self.refresh()

    @property
    def png(self) -> bytes:
        """The PNG currently shown."""
        return bytes(self.image.value)

    def sliders(self) -> list:
        """The slider controls, in display order."""
        return [c for c in self.controls if is_slider(c)]

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:  # a closed widget
            return None
        if on_colab():  # Colab always has the widget front end; keep its bundle as Colab expects
            return data, colab_display_metadata()
        data["text/plain"] = f"{self.title}. {NEEDS_JUPYTER}"
        data["image/png"] = base64.b64encode(self.png).decode("ascii")
        data["text/html"] = fallback_html(self.png, self.title)
        return data


# --------------------------------------------------------------------------------------------
# Latency
# --------------------------------------------------------------------------------------------


def moved_value(slider: Any, k: int) -> Any:
    """A value for ``slider`` different from its current one: the k-th of a walk over its range.

    The walk visits the range in golden-ratio steps, so successive moves are of varied size (small
    nudges and long jumps), like a learner dragging a handle.
    """
    name = type(slider).__name__
    frac = (0.5 + 0.6180339887 * (k + 1)) % 1.0
    if name == "SelectionSlider":
        values = slider._options_values  # the values behind (label, value) options
        n = len(values)
        index = int(frac * n) % n
        if slider.index == index:
            index = (index + 1) % n
        return values[index]
    if name in ("FloatRangeSlider", "IntRangeSlider"):
        lo, hi = slider.min, slider.max
        width = slider.value[1] - slider.value[0]
        start = lo + frac * max(hi - lo - width, 0)
        if name == "IntRangeSlider":
            start = int(round(start))
        new = (start, start + width)
        if tuple(new) == tuple(slider.value):
            new = (lo, lo + width) if new[0] != lo else (hi - width, hi)
        return new
    if name == "FloatLogSlider":
        exponent = slider.min + frac * (slider.max - slider.min)
        exponent = round(exponent / slider.step) * slider.step
        value = slider.base**exponent
        return value if not np.isclose(value, slider.value) else slider.base**slider.min
    lo, hi, step = slider.min, slider.max, slider.step
    value = lo + round(frac * (hi - lo) / step) * step
    value = min(max(value, lo), hi)
    if name == "IntSlider":
        value = int(value)
    if np.isclose(value, slider.value):
        value = hi if not np.isclose(slider.value, hi) else lo
    return value


def measure_latency(widget_factory: Callable[[], Any], n: int = 20) -> dict:
    """Median and 95th percentile of the time a slider move takes to redraw, in milliseconds.

    Builds one widget with ``widget_factory()`` (construction is not timed), then moves each of
    its sliders ``n`` times programmatically. Setting ``slider.value`` runs the widget's observer
    synchronously — compute, Agg draw, PNG encode, ``Image.value`` assignment — so the wall time of
    the assignment is the redraw latency. Headless: the comm message to a browser and the
    browser's image decode are not included (a few ms for a ~50 kB PNG on a local kernel).
    """
    widget = widget_factory()
    sliders = widget.sliders()
    if not sliders:
        raise ValueError(f"{type(widget).__name__} has no slider to move")
    times: list[float] = []
    per_slider: dict[str, list[float]] = {}
    for k in range(n):
        for slider in sliders:
            before = widget.redraws
            value = moved_value(slider, k)
            started = time.perf_counter()
            slider.value = value
            elapsed = (time.perf_counter() - started) * 1000
            if widget.redraws != before + 1:
                raise AssertionError(f"moving {slider.description!r} to {value!r} did not redraw once")
            times.append(elapsed)
            per_slider.setdefault(slider.description or type(slider).__name__, []).append(elapsed)
    times.sort()
    p95 = times[min(len(times) - 1, int(np.ceil(0.95 * len(times))) - 1)]
    widget.close()
    return {
        "widget": getattr(widget, "title", type(widget).__name__),
        "moves": len(times),
        "median_ms": statistics.median(times),
        "p95_ms": p95,
        "max_ms": times[-1],
        "per_slider_median_ms": {k: statistics.median(v) for k, v in per_slider.items()},
    }
