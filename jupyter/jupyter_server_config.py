"""`make lab`'s JupyterLab, the learner's: read through ``JUPYTER_CONFIG_PATH``, which the Makefile
points at this folder for `make lab` only (instructors' tools read the ordinary Jupyter config).

* No instructor interface: nbgrader's server extensions are off here, and its lab extension
  (Create Assignment, Formgrader, Validate, the Nbgrader menu) is disabled by
  ``labconfig/page_config.json`` beside this file.
* ``lab-settings/overrides.json`` (JupyterLab's documented defaults file, in the folder named by
  ``LabApp.app_settings_dir``): Markdown opens rendered, so the README is a page with links rather
  than its source; no news pop-up, no update check. A learner's own settings still win.
* The file browser hides ``*.egg-info`` (the editable install's metadata).
* Opening a notebook does not mark it modified. The committed notebooks carry the stub
  ``language_info: {"name": "python"}``; JupyterLab replaces it with the running kernel's full
  ``language_info`` (Python's patch version included) as soon as the kernel connects, and that
  change alone made every notebook "modified" on open. A file cannot carry every learner's patch
  version, so the server fills the stub in with its own kernel's values when it hands a notebook
  out: the kernel's update is then no change.
"""

from functools import cache
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

HERE = Path(__file__).resolve().parent
c = get_config()  # noqa: F821

# nbgrader's package enables these four in the environment's jupyter_server_config.d; "nbgrader"
# itself would load all of them.
c.ServerApp.jpserver_extensions = {
    "nbgrader": False,
    **{
        f"nbgrader.server_extensions.{name}": False
        for name in ("formgrader", "validate_assignment", "assignment_list", "course_list")
    },
}
c.LabApp.app_settings_dir = str(HERE / "lab-settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.ContentsManager.hide_globs = ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "*.egg-info"]


@cache
def kernel_language_info() -> dict:
    """What this environment's Python kernel reports (the kernel runs this very interpreter)."""
    from ipykernel.ipkernel import IPythonKernel

    return dict(IPythonKernel.language_info)


class LearnerContentsManager(AsyncLargeFileManager):
    """Hands out notebooks whose stub ``language_info`` is completed with the kernel's own."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            metadata = model["content"].setdefault("metadata", {})
            stub, full = metadata.get("language_info") or {}, kernel_language_info()
            if stub.items() <= full.items() and metadata.get("kernelspec", {}).get("name") == "python3":
                metadata["language_info"] = dict(full)
        return model


c.ServerApp.contents_manager_class = LearnerContentsManager
