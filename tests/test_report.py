"""What the instructor and the students read from ``make grade``: the score plot and the pages the
grader writes itself (a submission that could not be graded, a page too large to send)."""

from __future__ import annotations

from page_refs import remote_references

from pitfalls.grading.report import Report, StudentResult, failure_page, scores_page

POINTS = {"ex1-check": 2.0, "ex2-check": 2.0, "ex3-check": 1.0}


def report(results, tmp_path) -> Report:
    return Report("lab01_tensors", POINTS, results, tmp_path)


def test_not_graded_students_are_a_bar_of_their_own_and_counts_are_integers(tmp_path):
    results = [
        StudentResult("ann", graded=True, cells={"ex1-check": 2.0, "ex2-check": 2.0, "ex3-check": 1.0}),
        StudentResult("bob", graded=True, cells={"ex1-check": 0.0, "ex2-check": 0.0, "ex3-check": 0.0}),
        StudentResult("eve", graded=False, problem="the file eve.ipynb is empty"),
    ]
    fig = report(results, tmp_path).figure()
    left, right = fig.axes
    hatched = [p for p in left.patches if p.get_hatch()]
    assert [p.get_height() for p in hatched] == [1], "the not-graded student is not a bar of their own"
    bins = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in left.patches if not p.get_hatch()}
    assert bins[0] == 1 and bins[5] == 1, f"only bob scored 0 and ann 5, got {bins}"
    assert hatched[0].get_x() > 5, "the not-graded bar sits among the scores"
    assert "not\ngraded" in [t.get_text() for t in left.get_xticklabels()]
    assert all(float(y).is_integer() for y in left.get_yticks()), left.get_yticks()
    # The per-cell shares are those of the graded students: ann and bob, half each.
    assert [round(p.get_width(), 2) for p in right.patches] == [0.5, 0.5, 0.5]


def test_one_student_still_has_integer_ticks_and_no_empty_legend(tmp_path):
    fig = report([StudentResult("ann", graded=True, cells={"ex1-check": 1.0})], tmp_path).figure()
    left = fig.axes[0]
    assert all(float(y).is_integer() for y in left.get_yticks()), left.get_yticks()
    assert not [p for p in left.patches if p.get_hatch()] and left.get_legend() is None
    report([], tmp_path).plot(tmp_path / "scores.png")  # an empty class still plots
    assert (tmp_path / "scores.png").stat().st_size > 0


def test_the_grader_s_own_pages_are_styled_escaped_and_offline():
    failed = failure_page("lab01_tensors", "<b>eve</b>", "the file is empty", ["a note & more"], 5.0)
    graded = scores_page(
        "lab01_tensors", StudentResult("ann", graded=True, cells={"ex1-check": 2.0}, notes=["cut"]), 5.0
    )
    for page in (failed, graded):
        assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "panel-heading" in page
        assert not remote_references(page), remote_references(page)
        assert "<script" not in page
    assert "Score: 0 / 5" in failed and "&lt;b&gt;eve&lt;/b&gt;" in failed and "a note &amp; more" in failed
    assert "class='alert pitfalls-problem'" in failed
    assert "Score: 2 / 5" in graded and "pitfalls-notes" in graded
