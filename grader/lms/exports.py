"""Gradebook CSVs in the formats LMSs import.

Canvas (Grades > Import): the columns Student, ID, SIS User ID, SIS Login ID, Section, then one column
per assignment; the second row is Canvas's "Points Possible" row, as in its own gradebook export. A
header "Name (1234)" updates Canvas assignment 1234; any other header creates an assignment.
Moodle (Grade administration > Import > CSV file): one identifier column (email address, username
or ID number, chosen under "Map from") and one column per assignment (grade item).

Roster students without a submission get an empty cell (Canvas and Moodle then leave the grade as
it was) unless `missing_as_zero`; either way they are listed, as are submissions the roster does not
know (those cannot be imported: they have no LMS identity).
"""

from __future__ import annotations

import csv
import io

from grader.lms.gradebook import Gradebook
from grader.lms.roster import Roster, RosterError
from grader.reports.csv import text_cell
from grader.reports.numbers import number

#: Canvas's identity columns, in its order, and the roster columns (normalized) each is read from.
CANVAS_IDENTITY = {
    "Student": ("student", "name", "fullname"),
    "ID": ("id", "canvasid", "canvasuserid", "userid"),
    "SIS User ID": ("sisuserid",),
    "SIS Login ID": ("sisloginid", "login"),
    "Section": ("section",),
}
#: Moodle identifiers: the header written, and the roster columns (normalized) read for it.
MOODLE_IDENTIFIERS = {
    "email": ("Email address", ("emailaddress", "email")),
    "username": ("Username", ("username",)),
    "idnumber": ("ID number", ("idnumber",)),
}


def _score(value: float | None, missing_as_zero: bool) -> str:
    if value is None:
        return "0" if missing_as_zero else ""
    return number(value)


def canvas_csv(book: Gradebook, roster: Roster, missing_as_zero: bool = False) -> str:
    """The Canvas gradebook import CSV text; RosterError when the roster gives Canvas no ID to match."""
    if not any(roster.has(c) for c in CANVAS_IDENTITY["ID"] + CANVAS_IDENTITY["SIS User ID"]
               + CANVAS_IDENTITY["SIS Login ID"]):
        raise RosterError(f"{roster.path}: Canvas matches students by ID, SIS User ID or SIS Login ID; the roster "
                          "has none of these columns (export the Canvas gradebook and add a submission column)")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*CANVAS_IDENTITY, *(c.header for c in book.columns)])
    writer.writerow(["Points Possible", "", "", "", "", *(number(c.points) for c in book.columns)])
    for student, scores in book.rows:
        identity = [text_cell(student.get(*columns)) for columns in CANVAS_IDENTITY.values()]
        writer.writerow([*identity, *(_score(s, missing_as_zero) for s in scores)])
    return buffer.getvalue()


def moodle_csv(book: Gradebook, roster: Roster, identifier: str = "email", missing_as_zero: bool = False) -> str:
    """The Moodle grade import CSV text; RosterError when a student has no value for the identifier."""
    header, columns = MOODLE_IDENTIFIERS[identifier]
    without = [s.label for s, _ in book.rows if not s.get(*columns)]
    if without:
        raise RosterError(f"{roster.path}: no {header.lower()} for {', '.join(without)} "
                          f"(Moodle matches students by it; add a column {columns[-1]!r})")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([header, *(c.header for c in book.columns)])
    for student, scores in book.rows:
        writer.writerow([text_cell(student.get(*columns)), *(_score(s, missing_as_zero) for s in scores)])
    return buffer.getvalue()


def unmatched_listing(book: Gradebook) -> list[str]:
    """Plain-words lines: each submission not in the roster and each roster student without a submission."""
    lines = [f"{assignment}: submission {sid!r} ({number(score)} points) matches no roster student: not exported"
             for assignment, sid, score in book.unmatched]
    lines += [f"{assignment}: {label} has no submission" for assignment, label in book.missing]
    return lines
