"""The course roster: a CSV mapping the ids submissions arrive under (folder names, GitHub logins,
Gradescope ids) to the identities an LMS knows (Canvas ID and SIS ids, a Moodle email or username).

Headers are matched ignoring case, spaces and underscores, so an LMS's own export (Canvas's gradebook
CSV with an added `github` column, say) works as a roster. Submission ids are matched ignoring case
(GitHub logins are case-insensitive).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

#: Roster columns that hold an id a submission may arrive under (normalized header names).
ALIAS_COLUMNS = ("submission", "submissionid", "folder", "github", "githublogin", "githubusername",
                 "gradescopeid", "gradescopeuserid")


class RosterError(ValueError):
    """The roster cannot be used; the message names the file and the problem."""


def normalize(header: str) -> str:
    """A header as matched: lower case without spaces, underscores, dashes or a BOM ("SIS User ID" -> "sisuserid")."""
    return re.sub(r"[\s_\-\ufeff]+", "", header).lower()


@dataclass(frozen=True)
class Student:
    """One roster row: its cells by normalized header, and the submission ids it claims (casefolded)."""

    line: int
    cells: dict[str, str]
    aliases: frozenset[str]

    def get(self, *columns: str) -> str:
        """The first non-empty cell among `columns` (normalized names), or ""."""
        return next((self.cells[c] for c in columns if self.cells.get(c, "").strip()), "").strip()

    @property
    def label(self) -> str:
        """How the instructor recognises this student in a listing."""
        return self.get("student", "name", "fullname") or self.get(*ALIAS_COLUMNS) or f"roster line {self.line}"


@dataclass(frozen=True)
class Roster:
    """The students of a roster file, in file order, and the submission id -> student index."""

    path: Path
    students: tuple[Student, ...]
    headers: tuple[str, ...]

    def find(self, submission_id: str) -> Student | None:
        """The student a submission id belongs to, or None."""
        key = submission_id.strip().casefold()
        return next((s for s in self.students if key in s.aliases), None)

    def has(self, column: str) -> bool:
        return normalize(column) in self.headers


def read_roster(path: Path) -> Roster:
    """Read a roster CSV (UTF-8, BOM allowed; comma, semicolon or tab separated).

    RosterError when it cannot be read, has no submission-id column, or gives one submission id to
    two students.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path}: cannot read the roster ({exc})") from None
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(text.splitlines(), dialect))
    if not rows:
        raise RosterError(f"{path}: the roster is empty")
    headers = tuple(normalize(h) for h in rows[0])
    if not set(ALIAS_COLUMNS) & set(headers):
        raise RosterError(f"{path}: no column of submission ids; add one named submission, github or "
                          f"gradescope_id (found: {', '.join(rows[0])})")
    students, owner, problems = [], {}, []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(headers) if h}
        aliases = frozenset(cells[c].casefold() for c in ALIAS_COLUMNS if cells.get(c, "").strip())
        if cells.get("student", "").strip().lower() == "points possible":
            continue  # the second row of a Canvas gradebook export
        for alias in aliases:
            if alias in owner:
                problems.append(f"line {line}: submission id {alias!r} is also on line {owner[alias]}")
            owner[alias] = line
        students.append(Student(line=line, cells=cells, aliases=aliases))
    if problems:
        raise RosterError(f"{path}: " + "; ".join(problems))
    return Roster(path=path, students=tuple(students), headers=headers)
