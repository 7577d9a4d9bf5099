"""The output allowance: bounded output, and never a different grade for a test cell.

nbgrader grades a test cell from its outputs after ``IgnorePattern`` (``determine_grade``); the
property below draws wide random output sequences (floods of prints, warnings on stderr, images,
results, an error) and checks that capping keeps the grade and the size bounded.
"""

from __future__ import annotations

import re

import nbformat
from hypothesis import example, given, settings
from hypothesis import strategies as st
from nbgrader.preprocessors import IgnorePattern
from nbgrader.utils import determine_grade

from pitfalls.grading.outputs import KEEP_SHORT, Budget, OutputQuota, cap_cell_outputs, cap_notebook, cost

PATTERN = r"(Warning|WARNING|tensorflow)"
QUOTA = OutputQuota(cell_bytes=1024, notebook_bytes=2500)

texts = st.one_of(
    st.text(max_size=50),
    st.builds(lambda n, c: c * n, st.integers(0, 9000), st.sampled_from(["x", "<", "é", "\n"])),
    st.builds(lambda a, b: a + "Warning" + b, st.text(max_size=20), st.text(max_size=20)),
)
stream = st.builds(
    lambda name, text: nbformat.v4.new_output("stream", name=name, text=text),
    st.sampled_from(["stdout", "stderr"]),
    texts,
)
display = st.builds(
    lambda n, plain: nbformat.v4.new_output(
        "display_data", data={"image/png": "A" * n, "text/plain": plain}, metadata={}
    ),
    st.integers(0, 6000),
    texts,
)
result = st.builds(
    lambda plain: nbformat.v4.new_output("execute_result", data={"text/plain": plain}, execution_count=1),
    st.one_of(texts, st.sampled_from(["0.5", "1", "0", "2.0"])),
)
error = st.builds(
    lambda evalue, lines: nbformat.v4.new_output(
        "error", ename="AssertionError", evalue=evalue, traceback=lines
    ),
    texts,
    st.lists(texts, max_size=5),
)
outputs = st.builds(
    lambda body, end: body + end,
    st.lists(st.one_of(stream, display), max_size=30),
    st.one_of(st.just([]), st.builds(lambda r: [r], result), st.builds(lambda e: [e], error)),
)


def grade(outs: list) -> tuple:
    cell = nbformat.v4.new_code_cell("pass", outputs=[nbformat.from_dict(o) for o in outs])
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 2, "grade_id": "t"}
    ignore = IgnorePattern(pattern=PATTERN, enabled=True)
    cell, _ = ignore.preprocess_cell(cell, {}, 0)
    try:
        return determine_grade(cell)
    except Exception as err:  # nbgrader raises on an empty result: that too must not change
        return type(err).__name__


FILL = nbformat.v4.new_output("stream", name="stdout", text="x" * 1000)  # nearly a cell's allowance
WARNING = nbformat.v4.new_output("stream", name="stderr", text="a tensorflow Warning\n")
REAL_STDERR = nbformat.v4.new_output("stream", name="stderr", text="the check failed " * 10)
HALF = nbformat.v4.new_output("execute_result", data={"text/plain": "0.5" + " " * 200}, execution_count=1)


@settings(max_examples=100, deadline=None)
@given(outputs)
@example([FILL, REAL_STDERR])  # prints must not push the failing stderr line out
@example([WARNING, FILL, REAL_STDERR])  # nor may an ignored warning stand in for it
@example([FILL, HALF])  # nor a partial-credit result
def test_capping_keeps_the_grade_and_bounds_the_size(outs):
    before = grade([dict(o) for o in outs])
    budget = Budget(QUOTA, ignored=PATTERN)
    kept = cap_cell_outputs(budget, [nbformat.from_dict(dict(o)) for o in outs], 0)
    assert grade(kept) == before
    # At most the allowance, plus a shortened error, result and stderr line, plus the note.
    assert sum(cost(o) for o in kept) <= QUOTA.cell_bytes + 3 * (KEEP_SHORT + 200) + 400
    cell = nbformat.v4.new_code_cell("pass", outputs=kept)
    nbformat.validate(nbformat.v4.new_notebook(cells=[cell]))
    if 0 in budget.cells and budget.cells[0].dropped:
        assert "cut" in "".join(o.get("text", "") for o in kept if o.get("output_type") == "stream")
        assert re.search(r"cell t printed or displayed", budget.notes({0: "t"})[0])


def test_the_notebook_allowance_spans_cells():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "print('x' * 3000)",
                outputs=[nbformat.v4.new_output("stream", name="stdout", text="x" * 3000)],
            )
            for _ in range(8)
        ]
    )
    budget = cap_notebook(nb, Budget(QUOTA))
    assert budget.spent <= QUOTA.notebook_bytes
    assert sum(t.dropped for t in budget.cells.values()) == 8  # 3000 bytes are over a cell's 1024
