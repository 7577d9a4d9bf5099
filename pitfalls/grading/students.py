"""Student ids as given, and the folder-safe ids nbgrader uses for them: one explicit, reversible map.

nbgrader uses a student id as a directory name and a command-line value, so it needs a plain one.
Cleaning names in place loses learners: two Chinese names both clean to nothing, and ``-bob``
cleans to ``bob``, the id of another student. Here an id is kept exactly when it is already plain
(letters, digits, ``._-``, not starting with ``-`` or ``.``) and no other id equals it but for case
(a Mac's disk would merge them); any other id becomes its plain part plus a hash of the whole name
(``bob-3f9a1c2e``, ``student-8c1d…``), which is the same for the same name in every run. The map
is written beside the grades (``students.csv``), so every row can be traced to the name given.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NOT_PLAIN = re.compile(r"[^A-Za-z0-9._-]+")


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return NOT_PLAIN.sub("-", ascii_name).strip("-._")[:40] or "student"


def _hashed(name: str, length: int) -> str:
    return f"{_slug(name)}-{hashlib.sha256(name.encode('utf-8', 'surrogatepass')).hexdigest()[:length]}"


def grader_ids(names: Iterable[str]) -> dict[str, str]:
    """``{name as given: grader id}`` for every name, the ids unique (also ignoring case) and plain."""
    names = sorted(set(names))
    folded = Counter(n.casefold() for n in names)
    ids: dict[str, str] = {}
    for name in names:
        if PLAIN.fullmatch(name) and folded[name.casefold()] == 1:
            ids[name] = name
    taken = {i.casefold() for i in ids.values()}
    for name in names:
        if name in ids:
            continue
        length = 8
        while (candidate := _hashed(name, length)).casefold() in taken:
            length += 4
        ids[name] = candidate
        taken.add(candidate.casefold())
    return ids
