"""`results/<student>.json`: SubmissionResult.to_json() (Gradescope results.json + our fields), made safe.

Gradescope shows these outputs to the student, so free text goes through the same sanitizer as the
feedback (no control characters, no frames from hidden_tests/ or reference/, capped length).
"""

from __future__ import annotations

import dataclasses
import json

from grader.reports.sanitize import safe_text
from grader.results import SubmissionResult

#: Caps in characters: per test message / falsifying example, and for the worker's captured output.
TEST_TEXT_LIMIT = 20_000
STDOUT_LIMIT = 256_000


def sanitized(result: SubmissionResult) -> SubmissionResult:
    """A copy of `result` whose student-visible free text is cleaned and capped (idempotent)."""
    tests = [
        dataclasses.replace(
            t,
            output=safe_text(t.output, TEST_TEXT_LIMIT),
            falsifying_example=safe_text(t.falsifying_example, TEST_TEXT_LIMIT),
            hint=safe_text(t.hint, TEST_TEXT_LIMIT),
        )
        for t in result.tests
    ]
    return dataclasses.replace(
        result,
        tests=tests,
        error=safe_text(result.error, TEST_TEXT_LIMIT),
        stdout=safe_text(result.stdout, STDOUT_LIMIT),
    )


def results_json(result: SubmissionResult) -> str:
    """The text of `results/<student>.json` (UTF-8 JSON, indented, newline-terminated)."""
    return json.dumps(sanitized(result).to_json(), indent=1, ensure_ascii=False) + "\n"
