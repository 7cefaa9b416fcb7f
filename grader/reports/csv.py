"""`grades.csv`: one row per student (id, total, max, one column per function, status) for an LMS import.

UTF-8, a header row, no index column, numbers rounded to 3 decimals without trailing zeros, and
cells that a spreadsheet would run as a formula (=, +, -, @ first) prefixed with a quote.
"""

from __future__ import annotations

import csv
import io

from grader.assignment import Assignment
from grader.reports.sanitize import first_line
from grader.results import SubmissionResult

#: Characters that make Excel/LibreOffice treat a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def number(x: float | None) -> str:
    """A score as an LMS reads it: 25, 12.5, 8.333 (never 8.333333333 or -0); "-" for no value."""
    if x is None:
        return "-"
    value = round(float(x), 3)
    return f"{value:.15g}" if value != 0 else "0"


def text_cell(text: str) -> str:
    """A free-text cell that no spreadsheet will evaluate."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def status(result: SubmissionResult) -> str:
    """ "graded", or the submission-level error's first line (short)."""
    return text_cell(first_line(result.error, 100)) if result.error else "graded"


def grades_csv(results: list[SubmissionResult], assignment: Assignment) -> str:
    """The CSV text: header `student,total,max,<functions in manifest order>,status`, rows by student id."""
    functions = [spec.name for spec in assignment.functions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "total", "max", *functions, "status"])
    for result in sorted(results, key=lambda r: r.student):
        scores = [number(result.functions[fn].score) if fn in result.functions else "0" for fn in functions]
        writer.writerow(
            [
                text_cell(result.student),
                number(result.score),
                number(result.max_score),
                *scores,
                status(result),
            ]
        )
    return buffer.getvalue()
