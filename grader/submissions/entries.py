"""Find the students in a SUBMISSIONS folder: one entry per sub-folder, notebook or zip."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("folder", "notebook", "zip")


class SubmissionsError(Exception):
    """SUBMISSIONS itself cannot be read (missing, not a folder, no permission)."""


@dataclass(frozen=True)
class Entry:
    """One student's submission as found in SUBMISSIONS. error: why it cannot be graded, or ""."""

    student: str
    path: Path
    kind: str
    error: str = ""


@dataclass
class Discovery:
    """The entries of SUBMISSIONS (sorted by student id) and the names skipped, with why."""

    entries: list[Entry]
    skipped: list[str] = field(default_factory=list)


def hidden(name: str) -> bool:
    """Names every part of the grader ignores: dot files, __MACOSX/__pycache__-style names, editor backups."""
    return name.startswith((".", "__", "~"))


def discover(folder: Path) -> Discovery:
    """The entries of folder: sub-folders, *.ipynb and *.zip; hidden and dot files are ignored.

    Two entries with the same id (alice/ and alice.zip) are both kept, the second under its full
    name with an error, so nothing is graded twice or silently dropped.
    """
    folder = Path(folder)
    if not folder.exists():
        raise SubmissionsError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise SubmissionsError(f"{folder}: not a folder (expected a folder of submissions)")
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        raise SubmissionsError(f"{folder}: cannot read: {exc.strerror or exc}") from None
    entries: dict[str, Entry] = {}
    skipped = []
    for name in names:
        if hidden(name):
            continue
        path = folder / name
        suffix = Path(name).suffix.lower()
        if path.is_symlink():
            skipped.append(f"{name}: a symbolic link (submissions must be real files or folders)")
            continue
        if path.is_dir():
            kind, student = "folder", name
        elif suffix == ".ipynb":
            kind, student = "notebook", Path(name).stem
        elif suffix == ".zip":
            kind, student = "zip", Path(name).stem
        else:
            skipped.append(f"{name}: not a folder, .ipynb or .zip")
            continue
        if student in entries:
            entries[name] = Entry(name, path, kind, f"{name}: duplicate student id {student!r} "
                                  f"(also {entries[student].path.name}); rename one and grade again")
        else:
            entries[student] = Entry(student, path, kind)
    return Discovery(sorted(entries.values(), key=lambda e: e.student), skipped)
