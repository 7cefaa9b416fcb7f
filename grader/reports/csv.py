"""`grades.csv`: one row per student (id, total, max, one column per function, status) for a spreadsheet.

UTF-8, a header row, no index column, numbers rounded to 3 decimals without trailing zeros, and
cells that a spreadsheet would run as a formula (=, +, -, @ first) prefixed with a quote.
"""

from __future__ import annotations

import csv
import io

from grader.assignment import Assignment
from grader.reports.class_stats import GRADED, problems
from grader.reports.class_stats import status as grading_status
from grader.reports.numbers import number
from grader.results import SubmissionResult

#: Characters that make Excel/LibreOffice treat a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """A free-text cell that no spreadsheet will evaluate."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def status(result: SubmissionResult) -> str:
    """The submission's status as every report names it ("graded", "partly graded", "not graded"),
    with its first problem (short) when there is one."""
    state, found = grading_status(result), problems(result)
    if state == GRADED or not found:
        return state
    return text_cell(f"{state}: {found[0][:100]}")


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
