"""Copy what an LMS exported into a private folder, file by file, taking nothing on trust.

An export is a folder or a ``.zip``; an instructor may pass several (a late batch beside the first).
Every file in them becomes one :class:`InputFile`, kept or not, so the report can give each its row
and its reason. What is taken on trust nowhere:

* **names**: a zip member whose path climbs out of the archive (``..``) is not read; an absolute
  one (``/alice/lab.ipynb``) is read at its path inside the archive; names stored without zip's
  UTF-8 flag are decoded as the tool that wrote them most likely meant (UTF-8, else cp437). Stored
  copies are named by number, so no name (too long, odd characters, a clash) can break the copy;
* **links and devices**: a symbolic link (in a folder or as a zip member) is never followed, a
  FIFO or device never opened;
* **sizes**: a file or member is read up to ``file_bytes`` and no further (its header's size may
  lie), the whole export up to ``total_bytes``; what is over is not kept, and says so;
* **damage**: an unreadable archive or member (corrupt, encrypted) costs only its own row.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

JUNK = ("__MACOSX", ".ipynb_checkpoints")
MIB = 2**20


@dataclass(frozen=True)
class Quota:
    """How many bytes one file, and one whole export, may bring in."""

    file_bytes: int = 64 * MIB
    total_bytes: int = 4096 * MIB


@dataclass
class InputFile:
    """One file of an export: where it came from, its path inside the export, and what became of it.

    ``parts`` is the path the rest of the grader sees (cleaned, never empty); ``stored`` the private
    copy (``None`` when the file was not kept, ``skipped`` says why); ``fate`` is set later, when the
    grader knows whether it was graded.
    """

    source: str
    parts: tuple[str, ...]
    stored: Path | None = None
    size: int = 0
    mtime: float = 0.0
    skipped: str | None = None
    fate: str = ""
    folder: bool = False  # a link that stands where a folder would

    @property
    def name(self) -> str:
        return self.parts[-1]

    @property
    def junk(self) -> bool:
        """Files that tools add and no student wrote (macOS metadata, Jupyter checkpoints, dot-files)."""
        return any(p in JUNK or p.startswith(".") for p in self.parts)


def _mib(n: int) -> str:
    return f"{n / MIB:.1f} MiB"


class _Store:
    """The private folder the copies go to, and the bytes it has taken so far."""

    def __init__(self, into: Path, quota: Quota):
        self.into, self.quota, self.used, self.count = into, quota, 0, 0
        into.mkdir(parents=True, exist_ok=True)

    def keep(self, item: InputFile, stream) -> None:
        """Copy ``stream`` into the store for ``item``, or say in ``item.skipped`` why not."""
        left = self.quota.total_bytes - self.used
        if left <= 0:
            item.skipped = f"not read: the export's size limit ({_mib(self.quota.total_bytes)}) was reached"
            return
        cap = min(self.quota.file_bytes, left)
        self.count += 1
        target = self.into / f"{self.count:06d}{PurePosixPath(item.name).suffix[:16]}"
        size = 0
        with open(target, "wb") as out:
            while size <= cap and (chunk := stream.read(min(MIB, cap + 1 - size))):
                out.write(chunk)
                size += len(chunk)
        if size > cap:
            target.unlink()
            limit = "per file" if cap == self.quota.file_bytes else "left for the export"
            item.skipped = f"not read: larger than the {_mib(cap)} {limit}"
            return
        self.used += size
        item.stored, item.size = target, size


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author typed it: zip stores names as cp437 unless flagged UTF-8,
    and many tools write UTF-8 without the flag."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _clean(name: str) -> tuple[tuple[str, ...], str | None]:
    """The member's path inside the archive, and why it cannot be read (``None`` when it can)."""
    raw = name.replace("\\", "/")
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":":  # a Windows drive, "C:"
        parts = parts[1:]
    if ".." in parts:
        return tuple(parts) or ("?",), "not read: its path climbs out of the archive ('..')"
    return tuple(parts) or ("?",), None


def _from_zip(archive: Path, label: str, store: _Store) -> Iterator[InputFile]:
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        yield InputFile(label, (archive.name,), skipped=f"not read: not a readable zip archive ({err})")
        return
    with zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            name = _zip_name(info)
            parts, problem = _clean(name)
            item = InputFile(f"{label}:{name}", parts, mtime=_zip_time(info))
            mode = info.external_attr >> 16
            if problem:
                item.skipped = problem
            elif stat.S_ISLNK(mode):
                item.skipped = "not read: a symbolic link (links are never followed)"
            elif not item.junk:
                try:
                    with zf.open(info) as stream:
                        store.keep(item, stream)
                except (zipfile.BadZipFile, RuntimeError, OSError, ValueError, EOFError) as err:
                    item.stored = None
                    item.skipped = f"not read: the archive's copy is damaged or encrypted ({err})"
            yield item


def _zip_time(info: zipfile.ZipInfo) -> float:
    try:
        return time.mktime((*info.date_time, 0, 0, -1))
    except (OverflowError, ValueError):
        return 0.0


def _text(parts: tuple[str, ...]) -> tuple[str, ...]:
    """Path parts as printable text: bytes that are not UTF-8 (os.walk keeps them as surrogates)
    become ``\\xNN``, so every name stays distinct and can be written to the CSV files."""
    return tuple(p.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") for p in parts)


def _from_folder(folder: Path, store: _Store) -> Iterator[InputFile]:
    for top, dirs, files in os.walk(folder, followlinks=False):
        here = Path(top)
        for d in sorted(dirs):
            if (here / d).is_symlink():
                rel = _text((here / d).relative_to(folder).parts)
                yield InputFile(
                    "/".join(rel),
                    rel,
                    skipped="not read: a symbolic link (links are never followed)",
                    folder=True,
                )
        dirs[:] = sorted(d for d in dirs if not (here / d).is_symlink())
        for f in sorted(files):
            path = here / f
            rel = _text(path.relative_to(folder).parts)
            item = InputFile("/".join(rel), rel)
            try:
                st = path.lstat()
            except OSError as err:
                item.skipped = f"not read: {err.strerror}"
                yield item
                continue
            item.mtime = st.st_mtime
            if stat.S_ISLNK(st.st_mode):
                item.skipped = "not read: a symbolic link (links are never followed)"
            elif not stat.S_ISREG(st.st_mode):
                item.skipped = "not read: not a regular file"
            elif not item.junk:
                try:
                    with open(path, "rb", opener=_no_follow) as stream:
                        store.keep(item, stream)
                except OSError as err:
                    item.skipped = f"not read: {err.strerror}"
            yield item


def _no_follow(path: str, flags: int) -> int:
    """Open without following a link swapped in after the check (O_NOFOLLOW), never blocking on a FIFO."""
    return os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))


def ingest(sources: Iterable[Path], into: Path, quota: Quota = Quota()) -> list[InputFile]:  # noqa: B008
    """Every file of every export in ``sources``, its copy in ``into`` when it was kept.

    With several sources, each one's paths are its own: a student's folder in two exports is the
    same student. A zip holding a single folder (a zipped export) is read from inside that folder.
    """
    if into.exists():
        shutil.rmtree(into)
    store = _Store(into, quota)
    found: list[InputFile] = []
    for source in sources:
        source = Path(source)
        if source.is_dir() and not source.is_symlink():
            found += list(_from_folder(source, store))
        elif source.is_file():
            found += _strip_top_folder(list(_from_zip(source, source.name, store)))
        else:
            found.append(
                InputFile(str(source), (source.name,), skipped="not read: no such folder or zip file")
            )
    return found


def _strip_top_folder(items: list[InputFile]) -> list[InputFile]:
    """``export/alice/lab.ipynb`` → ``alice/lab.ipynb`` when every file sits in one top folder and
    some lie two levels below it (a zipped export); ``alice/lab.ipynb`` alone stays as it is."""
    real = [i for i in items if not i.junk and len(i.parts) > 1]
    tops = {i.parts[0] for i in real}
    if len(tops) == 1 and any(len(i.parts) > 2 for i in real) and all(len(i.parts) > 1 for i in items):
        for i in items:
            if i.parts[0] in tops and len(i.parts) > 1:
                i.parts = i.parts[1:]
    return items
