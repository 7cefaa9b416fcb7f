"""Grades of one or several assignments (each a `grader grade -o` folder) matched to a roster: the
table every LMS export writes, with what could not be matched kept and listed, never dropped.

The columns are the assignments in the order their folders were given; a cell is a total in points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.lms.roster import Roster, Student
from grader.reports import load_results


class GradebookError(ValueError):
    """The grading folders cannot be read; the message names the folder and the problem."""


@dataclass(frozen=True)
class Column:
    """One assignment: its name, the header written for it, its points possible, and scores by submission id."""

    assignment: str
    header: str
    points: float
    scores: dict[str, float]


@dataclass(frozen=True)
class Gradebook:
    """Roster rows with a score per column (None: no submission), and what did not match.

    unmatched: (assignment, submission id, score) for submissions no roster student claims;
    missing: (assignment, student label) for roster students without a submission.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[Student, tuple[float | None, ...]], ...]
    unmatched: tuple[tuple[str, str, float], ...]
    missing: tuple[tuple[str, str], ...]


def read_columns(folders: list[Path], headers: dict[str, str] | None = None) -> list[Column]:
    """One Column per assignment found in the folders (a folder may hold one assignment's results).

    headers maps an assignment name to the header to write (e.g. Canvas's "Homework 2 (4567)");
    default the assignment name.
    """
    headers = headers or {}
    columns: dict[str, Column] = {}
    problems = []
    for folder in map(Path, folders):
        if not (folder / "results").is_dir():
            problems.append(f"{folder}: no results/ folder (is it the -o folder of a `grader grade` run?)")
            continue
        loaded = load_results(folder)
        problems += [f"{path}: unreadable result ({reason})" for path, reason in loaded.unreadable]
        for result in loaded:
            column = columns.setdefault(result.assignment, Column(
                result.assignment, headers.get(result.assignment, result.assignment), result.max_score, {}))
            if result.student in column.scores and column.scores[result.student] != result.score:
                problems.append(f"{folder}: {result.student} has two different {result.assignment} results")
            column.scores[result.student] = result.score
    unknown = sorted(set(headers) - set(columns))
    if unknown:
        problems.append(f"no results for {', '.join(unknown)} (named by --column)")
    if problems:
        raise GradebookError("cannot export:\n  " + "\n  ".join(problems))
    return list(columns.values())


def match(columns: list[Column], roster: Roster) -> Gradebook:
    """The gradebook of `columns` over `roster`'s students (roster order)."""
    rows = []
    claimed: dict[str, set[str]] = {c.assignment: set() for c in columns}
    missing = []
    for student in roster.students:
        cells = []
        for column in columns:
            ids = [sid for sid in column.scores if sid.casefold() in student.aliases]
            claimed[column.assignment].update(ids)
            if ids:
                cells.append(max(column.scores[sid] for sid in ids))
            else:
                cells.append(None)
                missing.append((column.assignment, student.label))
        rows.append((student, tuple(cells)))
    unmatched = [(c.assignment, sid, score) for c in columns for sid, score in sorted(c.scores.items())
                 if sid not in claimed[c.assignment]]
    return Gradebook(columns=tuple(columns), rows=tuple(rows), unmatched=tuple(unmatched), missing=tuple(missing))
