"""Content hashes for resuming a batch: equal hashes mean grading would give the same result."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from grader import __version__
from grader.assignment import Assignment, Limits
from grader.submissions.entries import Entry
from grader.submissions.tree import scan


def suite_fingerprint(assignment: Assignment, extra: str = "") -> str:
    """Hash of what decides a grade besides the submission: hidden suite, reference, manifest, grader.

    extra: anything else that changes results (e.g. overridden limits).
    """
    digest = hashlib.sha256(f"grader {__version__}\n{extra}\n".encode())
    manifest = assignment.kit_dir / "assignment.toml"
    for base in (assignment.hidden_tests_dir, assignment.reference_dir):
        for path in sorted(base.rglob("*")) if base.is_dir() else ():
            if path.is_file() and "__pycache__" not in path.parts and not path.name.endswith(".pyc"):
                _hash_file(digest, path.relative_to(assignment.root).as_posix(), path)
    if manifest.is_file():
        _hash_file(digest, "assignment.toml", manifest)
    for file in assignment.provided_files:
        if (assignment.kit_dir / file).is_file():
            _hash_file(digest, f"provided/{file}", assignment.kit_dir / file)
    return digest.hexdigest()


def _hash_file(digest, label: str, path: Path) -> None:
    """Feed label and every byte of the file into digest."""
    digest.update(f"\0{label}\0".encode())
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)


def content_hash(entry: Entry, fingerprint: str, assignment: Assignment | None = None) -> str:
    """Hash of everything grading reads from the entry, and the suite fingerprint.

    A folder is read as preparation reads it (grader.submissions.tree.scan): every byte of every
    .py and .ipynb file graded, plus the names of files refused and why; a zip or notebook entry
    whole. What is too large to grade is hashed by its size only: it is refused whatever it holds.
    """
    limits = assignment.limits if assignment else Limits()
    search = assignment.search if assignment else ("",)
    digest = hashlib.sha256(f"{fingerprint}\0{entry.kind}\0{entry.error}".encode())
    try:
        if entry.kind != "folder":
            size = os.stat(entry.path).st_size
            if size > limits.submission_bytes:
                digest.update(f"\0too large: {size}".encode())
            else:
                _hash_file(digest, entry.path.name, entry.path)
            return digest.hexdigest()
        tree = scan(entry.path, limits, search)
        digest.update(f"\0base {tree.base.relative_to(entry.path).as_posix()}".encode())
        for file in tree.files:
            _hash_file(digest, file.rel, file.path)
        for note in tree.refused:
            digest.update(f"\0refused {note}".encode())
        digest.update(f"\0too large {tree.too_large}".encode())
    except OSError as exc:
        digest.update(f"\0unreadable: {exc}".encode())
    return digest.hexdigest()
