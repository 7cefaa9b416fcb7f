"""Prepare one submission as a private, flat folder of plain .py files: the graded files wherever the
submission kept them (grader.submissions.layout), notebooks reduced to their definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from grader.assignment import Assignment
from grader.submissions.entries import Entry
from grader.submissions.layout import assemble, nothing_found
from grader.submissions.tree import CodeFile, CodeTree, kib, scan
from grader.submissions.unzip import PrepareError, extract_zip


@dataclass
class Prepared:
    """A submission ready to grade: folder holds plain .py files (None when error is set).

    notes: remarks a student should read that grading cannot see (a file refused for its size, a
    symbolic link ignored, two candidates for one graded file, a notebook cell that does not parse);
    they go into the result's error. A graded file simply absent is reported by the worker, which
    scores its functions 0. aliases: {graded function: the manifest alias the submission defines it
    under} (e.g. the course's own name), for the feedback's note; not a problem.
    """

    student: str
    folder: Path | None
    error: str = ""
    notes: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)


def prepare(entry: Entry, workdir: Path, assignment: Assignment) -> Prepared:
    """Make workdir/submission: a private folder with the entry's graded files and helpers.

    Never raises for a bad submission: the problem comes back as Prepared.error.
    """
    dest = Path(workdir) / "submission"
    dest.mkdir(parents=True, exist_ok=True)
    notes: list[str] = []
    aliases: dict[str, str] = {}
    label = entry.path.name
    limits = assignment.limits
    try:
        if entry.error:
            raise PrepareError(entry.error)
        if entry.kind == "notebook":
            size = entry.path.stat().st_size
            if size > limits.submission_bytes:
                raise PrepareError(f"{label}: notebook is {kib(size)}, over the {kib(limits.submission_bytes)} "
                                   "a submission may hold; not graded")
            tree = CodeTree(entry.path.parent, [CodeFile(label, entry.path, size)])
        else:
            root = entry.path
            if entry.kind == "zip":
                root = Path(workdir) / "unpacked"
                notes += extract_zip(entry.path, root, limits)
            tree = scan(root, limits, assignment.search)
        notes += tree.refused
        if tree.too_large:
            raise PrepareError(f"{label}: {tree.too_large}; submission refused (too large to grade)")
        if not assemble(tree, dest, assignment, notes, aliases):
            raise nothing_found(label, assignment)
    except PrepareError as exc:
        return Prepared(entry.student, None, str(exc), list(dict.fromkeys(notes)))
    except OSError as exc:
        return Prepared(entry.student, None, f"{label}: cannot read: {exc.strerror or exc}",
                        list(dict.fromkeys(notes)))
    return Prepared(entry.student, dest, "", list(dict.fromkeys(notes)), aliases)
