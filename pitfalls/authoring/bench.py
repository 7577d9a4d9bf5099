"""``make bench``: how long the course takes to run, and what it costs beyond importing Keras.

Per lesson notebook: wall time and the kernel's peak memory of executing it top to bottom in a
fresh kernel, beside the floor (a fresh kernel that only imports TensorFlow and Keras) and their
ratio; then the time of one nbgrader autograde of lab 1; then the sections other parts of the
course register (widget latency, serial vs parallel grading). Prints a Markdown table and writes
it with the raw numbers to ``docs/bench.md`` and ``docs/bench.json`` (committed: the README's run
times are rendered from them by ``pitfalls.authoring.readme``), and saves the figure of every cell
tagged ``readme-figure`` to ``docs/img/<notebook>.png`` for the README.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from pitfalls.authoring.notebooks import execute
from pitfalls.course import lessons
from pitfalls.paths import repo_root

FLOOR_CODE = "import tensorflow\nimport keras"


def machine() -> str:
    """One line naming the machine the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def floor_run() -> tuple[float, float | None]:
    """A fresh kernel that only imports TensorFlow and Keras: the cost every lesson pays."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_CODE)])
    run = execute(nb, cwd=repo_root())
    return run.seconds, run.peak_mib


FIGURE_TAG = "readme-figure"


def save_tagged_figures(nb, name: str, out: Path) -> list[Path]:
    """The PNG output of each cell tagged ``readme-figure``, saved as ``out/<name>[-k].png``."""
    saved = []
    for cell in nb.cells:
        if FIGURE_TAG in cell.get("metadata", {}).get("tags", []):
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    path = out / (f"{name}.png" if not saved else f"{name}-{len(saved)}.png")
                    out.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(base64.b64decode(png))
                    saved.append(path)
    return saved


def notebook_rows(paths: list[Path]) -> list[dict]:
    """Execute each notebook once; its wall time, peak memory and ratios to the floor."""
    floor_s, floor_mib = floor_run()
    rows = [{"notebook": "floor: import tensorflow, keras", "seconds": floor_s, "peak_mib": floor_mib}]
    for path in paths:
        run = execute(path, cwd=path.parent, offline=True)
        save_tagged_figures(run.notebook, path.stem, repo_root() / "docs" / "img")
        rows.append(
            {
                "notebook": str(path.relative_to(repo_root())),
                "seconds": run.seconds,
                "peak_mib": run.peak_mib,
                "x_floor_time": run.seconds / floor_s,
                "x_floor_mem": (run.peak_mib / floor_mib) if run.peak_mib and floor_mib else None,
            }
        )
        print(f"  {rows[-1]['notebook']}: {run.seconds:.1f} s", flush=True)
    return rows


def autograde_once(lab: str = "lab01_tensors") -> float:
    """Seconds of one ``nbgrader autograde`` of the full solution of ``lab`` (CLI start included)."""
    from pitfalls.grading import Course
    from pitfalls.grading.submissions import variant

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        course = Course(Path(tmp))
        course.generate(lab)
        release = course.notebook("release", lab)
        made = Path(tmp) / "solution.ipynb"
        nbformat.write(variant(lab, release, {}), made)
        course.submit(lab, "bench", {release.name: made})
        started = time.perf_counter()
        course.autograde(lab, "bench")
        seconds = time.perf_counter() - started
        score, maximum = course.total(lab, "bench", lab)
        if score != maximum:
            raise RuntimeError(f"the benchmark's solution scored {score}/{maximum}")
        return seconds


#: Further sections: name → function returning Markdown lines (registered by other modules).
SECTIONS: dict[str, Callable[[], list[str]]] = {}


def fmt(value, spec: str) -> str:
    return "–" if value is None else format(value, spec)


def render(rows: list[dict], autograde_s: float, extra: dict[str, list[str]]) -> str:
    lines = [
        f"Measured on {machine()}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| notebook | wall time (s) | peak memory (MiB) | time ÷ floor | memory ÷ floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['notebook']} | {r['seconds']:.1f} | {fmt(r['peak_mib'], '.0f')} | "
            f"{fmt(r.get('x_floor_time'), '.1f')} | {fmt(r.get('x_floor_mem'), '.1f')} |"
        )
    lines += [
        "",
        f"One `nbgrader autograde` of lab 1 (full solution, CLI start included): {autograde_s:.1f} s",
    ]
    for title, body in extra.items():
        lines += ["", f"### {title}", "", *body]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="lesson notebooks (default: notebooks/*.ipynb)")
    parser.add_argument(
        "--sections-only",
        action="store_true",
        help="keep the notebook rows of docs/bench.json, re-measure only the sections",
    )
    args = parser.parse_args(argv)
    root = repo_root()
    if args.sections_only:
        old = json.loads((root / "docs" / "bench.json").read_text())
        write(root, old["notebooks"], old["autograde_lab01_s"], measure_sections())
        return
    paths = [Path(p).resolve() for p in args.notebooks] or [lesson.notebook for lesson in lessons(root)]
    print(f"Benchmark on {machine()}", flush=True)
    rows = notebook_rows(paths)
    autograde_s = autograde_once()
    write(root, rows, autograde_s, measure_sections())


def measure_sections() -> dict[str, list[str]]:
    """Run every registered section. Registration goes to the importable module's SECTIONS, which
    under ``python -m`` is not this ``__main__`` module's: read it from there."""
    from pitfalls.authoring import bench as registry
    from pitfalls.grading.bench import register as register_grading
    from pitfalls.widgets import bench as widgets

    registry.SECTIONS[widgets.TITLE] = widgets.latency_section  # learner-side code never imports this module
    register_grading()
    return {title: section() for title, section in registry.SECTIONS.items()}


def write(root: Path, rows: list[dict], autograde_s: float, extra: dict[str, list[str]]) -> None:
    """Write docs/bench.md and docs/bench.json, print the table, re-render the README table."""
    table = render(rows, autograde_s, extra)
    out = root / "docs"
    out.mkdir(exist_ok=True)
    (out / "bench.md").write_text(table)
    (out / "bench.json").write_text(
        json.dumps(
            {"machine": machine(), "notebooks": rows, "autograde_lab01_s": autograde_s, "sections": extra},
            indent=1,
        )
    )
    print(table)
    from pitfalls.authoring.readme import main as update_readme

    update_readme()


if __name__ == "__main__":
    main()
