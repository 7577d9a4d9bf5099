"""The README's lesson table and run times come from the catalogue and `make bench`, not by hand."""

from __future__ import annotations

import json

from conftest import ROOT

from pitfalls.authoring.readme import BEGIN, END, render_table


def test_lesson_table_is_generated():
    text = (ROOT / "README.md").read_text()
    assert BEGIN in text and END in text
    current = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert current == render_table(ROOT), (
        "run `python -m pitfalls.authoring.readme` (or `make bench`) and commit"
    )


def test_every_lesson_has_a_measured_run_time():
    data = json.loads((ROOT / "docs" / "bench.json").read_text())
    measured = {r["notebook"] for r in data["notebooks"]}
    lessons = {str(p.relative_to(ROOT)) for p in ROOT.glob("notebooks/*.ipynb")}
    assert lessons <= measured, f"not benchmarked yet: {sorted(lessons - measured)} (run `make bench`)"


def test_readme_images_exist():
    text = (ROOT / "README.md").read_text()
    for chunk in text.split("](docs/img/")[1:]:
        assert (ROOT / "docs" / "img" / chunk.split(")")[0]).is_file()
