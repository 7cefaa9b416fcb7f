"""Reports: pure functions from SubmissionResult objects to the files `grader grade` writes (README "Reports").

`write_student_reports` writes one student's `results/<id>.json` and `feedback/<id>.md`;
`write_class_reports` writes `grades.csv`, `junit.xml` and `summary.html`; `load_results` reads the
results back (for merge and resume). Every file is written atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from grader.assignment import Assignment
from grader.i18n import ENGLISH, Messages
from grader.reports.atomic import write_atomic
from grader.reports.csv import grades_csv
from grader.reports.feedback import feedback_markdown
from grader.reports.junit import junit_xml
from grader.reports.results_json import results_json
from grader.reports.summary import summary_html
from grader.results import SubmissionResult

__all__ = ["LoadedResults", "load_results", "write_atomic", "write_class_reports", "write_student_reports"]


def report_stem(student: str) -> str:
    """`student` as a file name stem; ValueError if it is empty, `.`/`..`, or holds a path separator or NUL."""
    separators = {"/", "\x00", os.sep, os.altsep} - {None}
    if student in {"", ".", ".."} or any(sep in student for sep in separators):
        raise ValueError(f"student id {student!r} cannot be used as a report file name")
    return student


def write_student_reports(result: SubmissionResult, out_dir: Path, messages: Messages = ENGLISH,
                          feedback_only: bool = False) -> None:
    """Write `out_dir/results/<student>.json` and `out_dir/feedback/<student>.md` (in messages'
    language) for one submission; feedback_only: the results file is already there (a resumed result)."""
    out_dir = Path(out_dir)
    stem = report_stem(result.student)
    if not feedback_only:
        write_atomic(out_dir / "results" / f"{stem}.json", results_json(result))
    write_atomic(out_dir / "feedback" / f"{stem}.md", feedback_markdown(result, messages))


def write_class_reports(results: list[SubmissionResult], assignment: Assignment, out_dir: Path) -> None:
    """Write the class-wide files: `out_dir/grades.csv`, `out_dir/junit.xml`, `out_dir/summary.html`."""
    out_dir = Path(out_dir)
    write_atomic(out_dir / "grades.csv", grades_csv(results, assignment))
    write_atomic(out_dir / "junit.xml", junit_xml(results, assignment))
    write_atomic(out_dir / "summary.html", summary_html(results, assignment))


class LoadedResults(list):
    """The results read from `results/*.json` (sorted by file name), plus `.unreadable`:
    (path, reason) for each file that could not be read back; those are skipped, never fatal."""

    def __init__(self, results=(), unreadable=()):
        super().__init__(results)
        self.unreadable: list[tuple[Path, str]] = list(unreadable)


def load_results(out_dir: Path) -> LoadedResults:
    """Read every `out_dir/results/*.json` back into SubmissionResult objects (see LoadedResults)."""
    results, unreadable = [], []
    for path in sorted((Path(out_dir) / "results").glob("*.json")):
        try:
            results.append(SubmissionResult.from_json(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
            unreadable.append((path, f"{type(exc).__name__}: {exc}"))
    return LoadedResults(results, unreadable)
