"""The code of one submission folder: its .py and .ipynb files at any depth, with the size caps applied.

Preparation and the content hash both read a submission through `scan`, so the hash covers exactly
what grading reads (every byte of it) and nothing that grading ignores (data files, images, caches).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from grader.assignment import Limits
from grader.submissions.entries import hidden

#: The files a submission's code is read from; everything else in it is ignored.
CODE_SUFFIXES = (".py", ".ipynb")
#: Wrapper folders followed down from the top (alice.zip holding alice/assignment1/...).
MAX_WRAPPERS = 4


@dataclass(frozen=True)
class CodeFile:
    """One code file: its path relative to the submission's base (POSIX), where it is, its size in bytes."""

    rel: str
    path: Path
    size: int

    @property
    def folder(self) -> str:
        """Its folder relative to the base ("" at the top)."""
        parent = PurePosixPath(self.rel).parent.as_posix()
        return "" if parent == "." else parent

    @property
    def name(self) -> str:
        return PurePosixPath(self.rel).name


@dataclass
class CodeTree:
    """What `scan` found. base: where relative paths start (wrapper folders followed); files: the code
    files graded, in walk order; refused: one note per code file left out, naming it and why;
    too_large: why the whole submission is over the caps ("" when it is not)."""

    base: Path
    files: list[CodeFile] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    too_large: str = ""


def kib(size: int) -> str:
    """A size as a student reads it: '1536 KiB', '2 MiB'."""
    return f"{size / (1 << 20):.3g} MiB" if size >= 1 << 20 else f"{max(1, round(size / 1024))} KiB"


def over_file_cap(rel: str, size: int, limits: Limits) -> str:
    """The note for a source file over the per-file cap, or "" when it fits (notebooks count in the total only)."""
    if rel.endswith(".py") and size > limits.file_bytes:
        return (f"{rel} was not graded: it is {kib(size)}, over the {kib(limits.file_bytes)} limit "
                "for one file")
    return ""


def base_of(root: Path, layout_folders: tuple[str, ...] = ()) -> Path:
    """root, or the folder a chain of single wrapper folders leads to (nothing else beside them).

    A folder that starts a layout search path (`cs231n` for "cs231n/classifiers") is never a wrapper.
    """
    keep = {folder.split("/")[0] for folder in layout_folders if folder}
    base = Path(root)
    for _ in range(MAX_WRAPPERS):
        try:
            names = [n for n in os.listdir(base) if not hidden(n)]
        except OSError:
            return base
        if len(names) != 1 or names[0] in keep or not (base / names[0]).is_dir() or (base / names[0]).is_symlink():
            return base
        base = base / names[0]
    return base


def scan(root: Path, limits: Limits, layout_folders: tuple[str, ...] = ()) -> CodeTree:
    """The code files under root's base (see base_of; hidden names, symbolic links and non-code files left out).

    A symbolic link or a .py file over limits.file_bytes is refused with a note; more than
    limits.max_files code files or more than limits.submission_bytes of them make the whole
    submission too large (too_large set, scanning stopped). Raises OSError when root is unreadable.
    """
    tree = CodeTree(base_of(root, layout_folders))
    total = 0
    for folder, dirs, names in os.walk(tree.base):
        dirs[:] = sorted(d for d in dirs if not hidden(d) and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(n for n in names if n.endswith(CODE_SUFFIXES) and not hidden(n)):
            path = Path(folder) / name
            rel = path.relative_to(tree.base).as_posix()
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                tree.refused.append(f"{rel} is a symbolic link and was ignored: submit the file itself")
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            if note := over_file_cap(rel, info.st_size, limits):
                tree.refused.append(note)
                continue
            total += info.st_size
            if len(tree.files) >= limits.max_files:
                tree.too_large = f"more than {limits.max_files} .py and .ipynb files"
                return tree
            if total > limits.submission_bytes:
                tree.too_large = f"more than {kib(limits.submission_bytes)} of .py and .ipynb files"
                return tree
            tree.files.append(CodeFile(rel, path, info.st_size))
    return tree
