"""Slider latency of every explorer, for ``make bench`` (and on its own: ``python -m pitfalls.widgets.bench``).

Why: the issue asks that a slider move redraws in under 100 ms; this measures it headless with
:func:`pitfalls.widgets.measure_latency` (compute + draw + PNG encode + ``Image.value``; the comm
message and the browser's decode are not included) and renders a Markdown table.
``pitfalls.authoring.bench`` adds :func:`latency_section` to ``make bench`` (the import goes that
way: learner-side code never imports the course's tooling).
"""

from __future__ import annotations

import argparse
import os

from pitfalls.widgets import FACTORIES, factory
from pitfalls.widgets._core import measure_latency

TITLE = "Widget slider latency"


def latency_rows(n: int = 20) -> list[dict]:
    """One :func:`measure_latency` result per explorer, with its factory name."""
    rows = []
    for name in FACTORIES:
        result = measure_latency(factory(name), n=n)
        rows.append({"factory": name, **result})
    return rows


def latency_section(n: int = 20) -> list[str]:
    """The Markdown lines of the bench section."""
    lines = [
        f"Per slider move, headless, {n} moves per slider ({os.cpu_count()} cores; the target is < 100 ms):",
        "",
        "| widget | moves | median (ms) | p95 (ms) | max (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in latency_rows(n):
        lines.append(
            f"| `{r['factory']}()` | {r['moves']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['max_ms']:.1f} |"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="moves per slider (default 20)")
    args = parser.parse_args(argv)
    print("\n".join(latency_section(args.n)))


if __name__ == "__main__":
    main()
