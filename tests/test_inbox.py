"""Reading an export: every file accounted for, nothing followed out of it, nothing over its size,
and every student kept as given under an id nbgrader can use."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pitfalls.grading.collect import collect
from pitfalls.grading.inbox import Quota
from pitfalls.grading.students import PLAIN, grader_ids

LAB = "lab01_tensors"
NB = f"{LAB}.ipynb"


class _Utf8WithoutFlag(zipfile.ZipInfo):
    """A member named in UTF-8 without zip's UTF-8 flag, as many zip tools write them."""

    __slots__ = ()

    def _encodeFilenameFlags(self):
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


@pytest.fixture
def export(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "export"
    for name in ["张伟", "李娜", "-bob", "bob", "Ann", "ann"]:
        (folder / name).mkdir(parents=True)
        (folder / name / NB).write_text("{}")
    (folder / "mallory").mkdir()
    secret = tmp_path / "master.ipynb"
    secret.write_text('{"the": "master"}')
    (folder / "mallory" / NB).symlink_to(secret)
    (folder / "eve").symlink_to(tmp_path, target_is_directory=True)
    (folder / "carol_lab01_tensors.ipynb").write_text("{}")
    (folder / "README.txt").write_text("hello")
    os.mkfifo(folder / "bob" / "pipe")
    archive = tmp_path / "late.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"late/dave/{NB}", "{}")
        zf.writestr(f"late/../../evil/{NB}", "{}")
        zf.writestr(f"/late/erin/{NB}", "{}")
        zf.writestr(f"late/frank/{NB}", "0" * (3 * 2**20), compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("__MACOSX/late/._dave", "x")
        link = zipfile.ZipInfo(f"late/gina/{NB}")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, str(secret))
        zf.writestr(_Utf8WithoutFlag(f"late/王芳/{NB}"), "{}")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    return [folder, archive, broken, tmp_path / "missing"]


def test_every_file_has_one_fate_and_every_student_a_row(export, tmp_path):
    found = collect(export, LAB, tmp_path / "unpacked", Quota(file_bytes=2**20))
    students = {s.student: s for s in found.students}
    assert set(students) == {
        "张伟", "李娜", "王芳", "-bob", "bob", "Ann", "ann", "mallory", "eve", "carol", "dave", "erin",
        "frank", "gina",
    }  # fmt: skip
    ids = [s.grader_id for s in found.students]
    assert len({i.casefold() for i in ids}) == len(ids) and all(PLAIN.fullmatch(i) for i in ids)
    assert students["bob"].grader_id == "bob" and students["-bob"].grader_id != "bob"
    sources = [f.source for f in found.files]
    assert len(sources) == len(set(sources)) == 20  # 19 files, the unreadable zip, the missing path
    for s in ("mallory", "gina", "frank", "eve"):
        assert students[s].path is None and students[s].problem, s
    assert "symbolic link" in students["mallory"].problem and "larger than" in students["frank"].problem
    for s in ("张伟", "王芳", "dave", "erin", "carol"):
        assert students[s].path is not None and students[s].path.read_text() == "{}", s
    unclaimed = {f.source: f.fate for f in found.unclaimed}
    assert "climbs out" in unclaimed[f"late.zip:late/../../evil/{NB}"]
    assert "not a readable zip" in unclaimed["broken.zip"]
    assert "no such" in unclaimed[str(export[3])]
    # Nothing was written outside the private folder, and no copy is a link.
    stored = [p for p in (tmp_path / "unpacked").rglob("*")]
    assert stored and not any(p.is_symlink() for p in stored)
    assert not (tmp_path / "evil").exists()


def test_the_export_total_is_a_limit_too(tmp_path):
    folder = tmp_path / "export"
    for i in range(5):
        (folder / f"s{i}").mkdir(parents=True)
        (folder / f"s{i}" / NB).write_bytes(b" " * 1000)
    found = collect(folder, LAB, tmp_path / "unpacked", Quota(file_bytes=1000, total_bytes=3000))
    assert [s.path is not None for s in found.students] == [True, True, True, False, False]
    assert "size limit" in found.students[-1].problem


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=12), max_size=12))
def test_grader_ids_are_plain_unique_and_stable(names):
    ids = grader_ids(names)
    assert set(ids) == set(names)
    assert len({i.casefold() for i in ids.values()}) == len(ids)
    assert all(PLAIN.fullmatch(i) for i in ids.values())
    assert grader_ids(reversed(names)) == ids
    for name, i in ids.items():
        if PLAIN.fullmatch(name) and sum(n.casefold() == name.casefold() for n in set(names)) == 1:
            assert i == name
