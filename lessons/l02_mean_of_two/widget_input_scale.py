"""Input-scale explorer: the mean-of-two-numbers net's measured loss curve for each input scale.

Why: lesson 2 trains ``Input(2) → Dense(1)`` on pairs of integers in [0, 100) and asks whether
scaling the inputs to [0, 1) ("normalising") changes training. The answer depends on what else is
scaled and on the optimizer, which a slider shows better than a paragraph:

* RMSprop (the article's) divides each gradient by its own running size, so scaling inputs *and*
  targets together changes almost nothing but the units: every scale reaches a loss of 10 (raw
  units²) in about the same number of steps (1000–1150 measured). Only the tail differs at the
  smallest scales, where the gradients get as small as RMSprop's ε = 1e-7;
* plain SGD's steps grow with the square of the input scale: at one learning rate (0.1, as in
  the lesson), small inputs crawl, [0, 1) converges, and anything much larger diverges;
* normalising only the inputs (targets still the raw mean) asks for a kernel of 0.5/s, and
  RMSprop's steps of ≈ 0.001 per step take a long time to get to 50.

The curves are **precomputed** (one training run takes seconds; a slider must answer at once):
``python -m pitfalls.widgets.meannet_runs`` trained every setting once, seeded, and wrote
``data/widgets/meannet_scale_runs.json``; the widget reads it and says so. The functions below
(units, steps to reach a loss) are pure and unit-tested.
"""

from __future__ import annotations

import math
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from pitfalls.widgets._core import Explorer, new_figure
from pitfalls.widgets.meannet_runs import load, run_key

PRECOMPUTED_NOTE = (
    "Precomputed: these are measured training runs, stored by "
    "<code>python -m pitfalls.widgets.meannet_runs</code> (seeded); moving a control "
    "picks a stored run, it does not train."
)


def raw_units(loss: list, scale: float, targets: str) -> np.ndarray:
    """Losses in the raw numbers' units² (NaN where the run had diverged).

    Scaling the targets by s scales an MSE by s²; with raw targets the loss is already raw.
    """
    values = np.array([np.nan if v is None else v for v in loss], dtype="float64")
    return values / scale**2 if targets == "scaled" else values


def steps_to_reach(losses: np.ndarray, level: float, block: int) -> int | None:
    """The first step (end of a block) whose block loss is at or below ``level``; None if never."""
    hit = np.flatnonzero(np.asarray(losses) <= level)
    return int((hit[0] + 1) * block) if hit.size else None


def diverged_at(losses: np.ndarray, block: int) -> int | None:
    """The first step whose block loss was not finite (inf/NaN: the run blew up); None if never."""
    bad = np.flatnonzero(~np.isfinite(np.asarray(losses)))
    return int((bad[0] + 1) * block) if bad.size else None


def expected_kernel(scale: float, targets: str) -> float:
    """The kernel entries the net must learn: 0.5 for scaled targets, 0.5/s for raw ones."""
    return 0.5 if targets == "scaled" else 0.5 / scale


def scale_label(scale: float) -> str:
    extra = {0.01: " → [0, 1)", 1.0: " → raw [0, 100)"}.get(scale, "")
    return f"×{scale:g}{extra}"


class InputScaleExplorer(Explorer):
    """Pick an input scale (and optimizer, target units): see that setting's measured loss curve."""

    def __init__(
        self,
        scale: float = 1.0,
        optimizer: str = "rmsprop",
        targets: str = "scaled",
        level: float = 10.0,
        path: Path | None = None,
    ):
        self.doc = load(path)
        settings = self.doc["settings"]
        self.scales = [float(s) for s in settings["scales"]]
        self.block, self.steps_total = int(settings["block"]), int(settings["steps"])
        self.x = np.arange(1, self.steps_total // self.block + 1) * self.block
        style = {"description_width": "initial"}
        self.scale = widgets.SelectionSlider(
            options=[(scale_label(s), s) for s in self.scales],
            value=scale,
            description="input scale s",
            style=style,
            layout=widgets.Layout(width="30em"),
        )
        opt = settings["optimizers"]
        self.optimizer = widgets.ToggleButtons(
            options=[(f"{v['class']}, learning rate {v['learning_rate']:g}", k) for k, v in opt.items()],
            value=optimizer,
            description="optimizer",
            style={"button_width": "auto", "description_width": "5em"},
            layout=widgets.Layout(width="auto"),
        )
        self.targets = widgets.ToggleButtons(
            options=[("mean of the scaled inputs", "scaled"), ("mean of the raw numbers", "raw")],
            value=targets,
            description="target",
            style={"button_width": "auto", "description_width": "5em"},
            layout=widgets.Layout(width="auto"),
        )
        self.level = widgets.FloatLogSlider(
            value=level,
            base=10,
            min=-4,
            max=4,
            step=0.25,
            description="given loss",
            readout_format=".2g",
            style=style,
        )
        fig = new_figure(8.0, 3.3)
        ax = fig.subplots()
        fig.subplots_adjust(left=0.09, right=0.74, bottom=0.15, top=0.9)
        finite = [
            v
            for key, run in self.doc["runs"].items()
            for v in raw_units(run["loss"], float(key.split("/")[2]), key.split("/")[1])
            if np.isfinite(v)
        ]
        lo, hi = max(min(finite), 1e-10), max(finite)
        ax.set_ylim(10 ** math.floor(math.log10(lo)), 10 ** math.ceil(math.log10(hi)))
        ax.set_yscale("log")
        ax.set_xlim(0, self.steps_total)
        ax.set_xlabel(f"training step (batch of 64; each point: mean loss of {self.block} steps)")
        ax.set_ylabel("training MSE in raw units²")
        ax.grid(alpha=0.3, which="both")
        self.others = {
            s: ax.plot([], [], lw=1, color=f"C{i}", alpha=0.45, label=scale_label(s))[0]
            for i, s in enumerate(self.scales)
        }
        (self.main,) = ax.plot([], [], lw=2.8, color="k")
        self.level_line = ax.axhline(level, color="C3", ls="--", lw=1)
        (self.hit,) = ax.plot([], [], "o", color="C3", ms=7)
        (self.boom,) = ax.plot([], [], "X", color="C3", ms=9)
        ax.legend(
            handles=list(self.others.values()),
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=7,
            title="input scale",
            title_fontsize=7,
        )
        self.ax_title = ax.set_title("", fontsize=9)
        self.animate(*self.others.values(), self.main, self.level_line, self.hit, self.boom, self.ax_title)
        super().__init__(
            "Input-scale explorer",
            [self.scale, self.optimizer, self.targets, self.level],
            fig,
            about="the mean-of-two-numbers net; " + PRECOMPUTED_NOTE,
            rows=[[self.optimizer], [self.targets], [self.scale], [self.level]],
        )

    def curve(self, scale: float) -> np.ndarray:
        run = self.doc["runs"][run_key(self.optimizer.value, self.targets.value, scale)]
        return raw_units(run["loss"], scale, self.targets.value)

    def update(self) -> str:
        s, level = self.scale.value, self.level.value
        for scale, line in self.others.items():
            line.set_data(self.x, self.curve(scale))
        losses = self.curve(s)
        self.main.set_data(self.x, losses)
        self.main.set_color(self.others[s].get_color())
        self.level_line.set_ydata([level, level])
        reached = steps_to_reach(losses, level, self.block)
        self.hit.set_data(([reached], [losses[reached // self.block - 1]]) if reached else ([], []))
        boom = diverged_at(losses, self.block)
        finite = np.flatnonzero(np.isfinite(losses))
        last = finite[-1] if finite.size else None
        self.boom.set_data(([self.x[last]], [losses[last]]) if boom and last is not None else ([], []))
        run = self.doc["runs"][run_key(self.optimizer.value, self.targets.value, s)]
        kernel = ", ".join("–" if k is None else f"{k:.4g}" for k in run["kernel"])
        bias = "–" if run["bias"] is None else f"{run['bias']:.4g}"
        want = expected_kernel(s, self.targets.value)
        if boom:
            outcome = f"<b>diverged</b> at step {boom} (loss became inf/NaN)"
        elif reached:
            outcome = f"reaches {level:.2g} at step <b>{reached}</b>"
        else:
            outcome = f"does <b>not</b> reach {level:.2g} within {self.steps_total} steps"
        final = losses[finite[-1]] if finite.size else float("nan")
        last_text = f"last block loss {final:.4g} (raw units²)" if finite.size else "no finite loss at all"
        self.ax_title.set_text(f"{scale_label(s)}: {'diverged' if boom else f'last loss {final:.3g}'}")
        opt = self.doc["settings"]["optimizers"][self.optimizer.value]
        target = "mean of the scaled inputs" if self.targets.value == "scaled" else "mean of the raw numbers"
        return (
            f"s = {s:g}, {opt['class']}, target = {target}: {outcome}; {last_text}; learned kernel ({kernel}), "
            f"bias {bias} — the answer is kernel ({want:g}, {want:g}), bias 0. "
            f"<i>Precomputed runs (seeded), not trained live.</i>"
        )


def input_scale_explorer(
    scale: float = 1.0,
    optimizer: str = "rmsprop",
    targets: str = "scaled",
    level: float = 10.0,
    path: Path | None = None,
) -> InputScaleExplorer:
    """The input-scale explorer widget; make it the last expression of a cell to show it."""
    return InputScaleExplorer(scale, optimizer, targets, level, path)
