"""The README's lesson table and run times come from the catalogue and `make bench`, not by hand;
its "Start here" leads a learner to lesson 1 and their own copy of lab 1, and the measured results,
which answer the lessons' Predict questions, come last, under a spoiler heading."""

from __future__ import annotations

import json
import re

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


def section(text: str, anchor: str) -> str:
    """The README from ``<a id="anchor">`` to the next second-level heading after its own."""
    start = text.index(f'<a id="{anchor}"></a>')
    heading = text.index("\n## ", start)
    end = text.find("\n## ", heading + 1)
    return text[start : end if end != -1 else len(text)]


def test_start_here_leads_to_lesson_one_then_the_learners_copy_of_its_lab():
    text = section((ROOT / "README.md").read_text(), "start-here")
    links = re.findall(r"\]\(([^)#]+)\)", text)
    assert "notebooks/01_tensors_and_slicing.ipynb" in links and (ROOT / links[0]).is_file(), links
    copies = [link for link in links if link.startswith("work/")]
    assert copies, "Start here links no learner's copy of a lab"
    for link in copies:  # work/<lab>/<lab>.ipynb: a copy of release/<lab>/<lab>.ipynb (make lab makes it)
        assert (ROOT / "release" / link.removeprefix("work/")).is_file(), link
    assert "make fetch-lab" in text and "Check everything" in text
    assert not any(link.startswith("source/") for link in links), (
        "Start here links the masters with solutions"
    )


def test_the_measured_results_come_last_under_a_spoiler_heading():
    text = (ROOT / "README.md").read_text()
    headings = re.findall(r"^## (.*)$", text, re.M)
    assert headings[-1].startswith("Results (spoilers)"), headings
    first_result_table = text.index("| article figure |")
    assert first_result_table > text.index("## Results (spoilers)") > text.index(END)


def test_every_link_within_the_readme_has_an_explicit_anchor():
    """JupyterLab's Markdown preview ids its headings its own way (``Start-here``), GitHub another
    (``start-here``): only an explicit ``<a id>`` works in both."""
    text = (ROOT / "README.md").read_text()
    for anchor in set(re.findall(r"\]\(#([^)]+)\)", text)):
        assert f'<a id="{anchor}"></a>' in text, anchor
