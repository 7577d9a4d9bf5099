"""One grading worker: a long-lived process that autogrades one submission at a time.

Run by :mod:`pitfalls.grading.pool`, never by hand: ``python -m pitfalls.grading.worker <course>``.
It imports nbgrader once (its start-up is ~3 s, a quarter of grading one lab-1 notebook) and
then reads jobs, one JSON line each, from stdin. Each worker owns a course folder and gradebook
copy, so workers never write the same SQLite file; the pool merges their results.

While a notebook runs, the worker writes the cell being executed to ``<course>/progress.json``:
when the pool has to kill a stuck or crashed submission, that file names the cell to blame. Every
output the kernel sends is charged against :mod:`pitfalls.grading.outputs`' allowance as it arrives
(nbclient's ``output`` is wrapped), so a flood of prints never fills the worker's memory or a page.
Unless told ``no-sandbox``, every kernel starts inside bubblewrap (:mod:`pitfalls.grading.sandbox`).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from types import SimpleNamespace

RESULT_PREFIX = "@@pitfalls-result "


def _api(root: Path, quota, sandbox: bool = True):
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    from pitfalls.grading.course import CONFIG_FILE
    from pitfalls.notebook_cells import grade_id

    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    progress = root / "progress.json"
    state: dict = {}
    names: dict[int, str] = {}  # cell index -> the name notes use

    def name(cell, cell_index) -> str:
        gid = grade_id(cell)
        if gid:
            return gid
        first = next((line for line in cell.get("source", "").splitlines() if line.strip()), "")
        return f"#{cell_index + 1} (`{first.strip()[:60]}`)"

    def on_cell_start(cell, cell_index, **_):
        state["cell"] = names[cell_index] = name(cell, cell_index)
        progress.write_text(json.dumps(state))

    def on_cell_error(cell, cell_index, execute_reply=None, **_):
        ename = (execute_reply or {}).get("content", {}).get("ename", "an error")
        state.setdefault("errors", []).append(f"cell {name(cell, cell_index)} raised {ename}")
        progress.write_text(json.dumps(state))

    def reset() -> None:
        state.clear()
        names.clear()
        api.budget.budget = api.budget.new()
        progress.unlink(missing_ok=True)

    if sandbox:
        from pitfalls.grading.sandbox import use_in_nbgrader

        use_in_nbgrader()
    config.Execute.on_cell_start = on_cell_start
    config.Execute.on_cell_error = on_cell_error
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    api.reset_progress = reset
    api.budget = _capped_outputs(config, quota)
    api.cell_names = names
    return api, progress


def _capped_outputs(config, quota):
    """Wrap nbgrader's ``Execute.output`` so each output meets the allowance as it arrives; returns
    a holder whose ``budget`` the worker renews for each submission."""
    from nbgrader.preprocessors import Execute

    from pitfalls.grading.outputs import Budget

    pattern = config.IgnorePattern.get("pattern") if config.IgnorePattern.get("enabled") else None
    holder = SimpleNamespace(new=lambda: Budget(quota, ignored=pattern or None))
    holder.budget = holder.new()
    original = Execute.output

    def output(self, outs, msg, display_id, cell_index):
        out = original(self, outs, msg, display_id, cell_index)
        if out is not None and not holder.budget.admit(out, cell_index):
            if display_id:  # nbclient keeps this output's index for later updates: keep a stub there
                out["data"], out["metadata"] = {"text/plain": "[cut by the grader]"}, {}
                return out
            if outs and outs[-1] is out:
                outs.pop()
            note, new = holder.budget.note(cell_index)
            if new:
                outs.append(note)
        return out

    Execute.output = output
    return holder


def grade(api, progress: Path, root: Path, job: dict) -> dict:
    """Autograde one submission placed at ``job['notebook']``; report where things ended."""
    from pitfalls.grading.course import step_notebook

    lab, student = job["lab"], job["student"]
    submitted = step_notebook(root, "submitted", lab, student)
    shutil.rmtree(submitted.parent, ignore_errors=True)
    submitted.parent.mkdir(parents=True)
    shutil.copyfile(job["notebook"], submitted)
    api.reset_progress()
    started = time.time()
    result = api.autograde(lab, student, force=True, create=True)
    autograded = step_notebook(root, "autograded", lab, student)
    last = json.loads(progress.read_text()) if progress.exists() else {}
    cut = api.budget.budget.notes(api.cell_names)
    if autograded.exists():
        cut += _cap_file(autograded, api.budget.new(), api.cell_names)
    return {
        "student": student,
        "success": bool(result.get("success")) and autograded.exists(),
        "autograded": str(autograded) if autograded.exists() else None,
        "error": (result.get("error") or "")[-3000:],
        "log": (result.get("log") or "")[-3000:],
        "last_cell": last.get("cell"),
        "errors": last.get("errors", []),
        "cut": cut,
        "seconds": time.time() - started,
    }


def _cap_file(notebook: Path, budget, names: dict) -> list[str]:
    """The allowance again on the saved notebook (a display update can have grown an output)."""
    import nbformat

    from pitfalls.grading.outputs import cap_notebook

    nb = nbformat.read(notebook, as_version=4)
    cap_notebook(nb, budget)
    if budget.cells and any(t.dropped for t in budget.cells.values()):
        nbformat.write(nb, notebook)
    return budget.notes(names)


def main(argv: list[str] | None = None) -> None:
    from pitfalls.grading.outputs import OutputQuota

    args = argv or sys.argv[1:]
    root = Path(args[0]).resolve()
    quota = OutputQuota(*map(int, args[1:3])) if len(args) >= 3 else OutputQuota()
    api, progress = _api(root, quota, sandbox=(args[3:4] or ["sandbox"])[0] != "no-sandbox")
    print(RESULT_PREFIX + json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        reply = grade(api, progress, root, json.loads(line))
        print(RESULT_PREFIX + json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
