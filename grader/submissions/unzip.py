"""Unpack a submission's zip safely: only its code (.py, .ipynb), nothing that escapes, nothing twice."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from grader.assignment import Limits
from grader.submissions.entries import hidden
from grader.submissions.tree import CODE_SUFFIXES, kib, over_file_cap

#: The size caps when no manifest says otherwise.
DEFAULT_LIMITS = Limits()


class PrepareError(Exception):
    """One entry cannot be prepared; the message names the file and the problem."""


def member_parts(name: str) -> tuple[str, ...]:
    """An entry's path as parts, backslashes read as separators and `.` parts dropped."""
    return tuple(p for p in PurePosixPath(name.replace("\\", "/")).parts if p != ".")


def extract_zip(path: Path, dest: Path, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """Unpack the code files of the zip at path into dest; return notes on code files left out.

    Refused whole (PrepareError naming the entry): a zip file over limits.submission_bytes, paths
    escaping dest ('../', absolute, drive letters), symbolic links, two entries with the same path
    (which one would be graded?), more than limits.max_files code files or more than
    limits.submission_bytes of them unpacked (counted while reading, not trusted from the header).
    A .py entry over limits.file_bytes is left out with a note. Hidden entries, __MACOSX/ and
    files that are not code (data, images, PDFs) are not unpacked.
    """
    label = Path(path).name
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    size = Path(path).stat().st_size
    if size > limits.submission_bytes:
        raise PrepareError(f"{label} is {kib(size)}, over the {kib(limits.submission_bytes)} a submission "
                           "may hold; zip refused (submit only your .py files and notebooks)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise PrepareError(f"{label}: not a valid zip file ({exc})") from None
    notes: list[str] = []
    with archive:
        seen: dict[tuple[str, ...], str] = {}
        wanted = []
        for info in archive.infolist():
            name = info.filename
            parts = member_parts(name)
            if name.startswith(("/", "\\")) or (parts and ":" in parts[0]) or ".." in parts:
                raise PrepareError(f"{label}: entry {name!r} escapes the submission folder; zip refused")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise PrepareError(f"{label}: entry {name!r} is a symbolic link; zip refused")
            if not parts or any(hidden(p) for p in parts):
                continue
            if parts in seen and not info.is_dir():
                raise PrepareError(f"{label}: entry {name!r} is in the zip twice (also {seen[parts]!r}); "
                                   "zip refused: which one to grade? Zip the files again")
            seen[parts] = name
            if info.is_dir() or not parts[-1].endswith(CODE_SUFFIXES):
                continue
            rel = "/".join(parts)
            if note := over_file_cap(rel, info.file_size, limits):
                notes.append(note)
                continue
            wanted.append((info, parts))
        if len(wanted) > limits.max_files:
            raise PrepareError(f"{label}: more than {limits.max_files} .py and .ipynb files; zip refused")
        total = 0
        for info, parts in wanted:
            target = dest.joinpath(*parts)
            if dest.resolve() not in target.resolve().parents:
                raise PrepareError(f"{label}: entry {info.filename!r} escapes the submission folder; zip refused")
            target.parent.mkdir(parents=True, exist_ok=True)
            cap = limits.file_bytes if parts[-1].endswith(".py") else limits.submission_bytes
            try:
                with archive.open(info) as src, open(target, "wb") as out:
                    written = 0
                    while chunk := src.read(1 << 16):
                        written += len(chunk)
                        total += len(chunk)
                        if written > cap:  # the header understated the size: a bomb, not a mistake
                            raise PrepareError(f"{label}: entry {info.filename!r} unpacks to more than "
                                               f"{kib(cap)}; zip refused")
                        if total > limits.submission_bytes:
                            raise PrepareError(f"{label}: more than {kib(limits.submission_bytes)} of .py and "
                                               ".ipynb files unpacked; zip refused")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
                raise PrepareError(f"{label}: entry {info.filename!r} cannot be read ({exc})") from None
    return notes
