"""Gradescope's results.json from a SubmissionResult, under a visibility policy: the hidden tests'
names and outputs (and the student's captured output, which can echo their inputs) are shown only
as the policy allows, while the total and per-function scores stay visible."""

from __future__ import annotations

from dataclasses import dataclass

from grader.assignment import Assignment
from grader.reports.csv import number
from grader.reports.results_json import sanitized
from grader.results import VISIBILITIES, SubmissionResult, TestResult


@dataclass(frozen=True)
class VisibilityPolicy:
    """What students see, in Gradescope's terms (see grader.results.VISIBILITIES).

    hidden_tests: visibility of each hidden test (its name, score and output) and of the student's
    captured output; function_totals: add one always-visible entry per graded function with its
    score, so a student knows which function lost points even before the tests are shown.
    """

    hidden_tests: str = "after_published"
    function_totals: bool = True

    def __post_init__(self):
        if self.hidden_tests not in VISIBILITIES:
            raise ValueError(f"visibility {self.hidden_tests!r} is not one of {', '.join(VISIBILITIES)}")

    def to_json(self) -> dict:
        return {"hidden_tests": self.hidden_tests, "function_totals": self.function_totals}

    @classmethod
    def from_json(cls, data: dict) -> VisibilityPolicy:
        return cls(hidden_tests=str(data.get("hidden_tests", cls.hidden_tests)),
                   function_totals=bool(data.get("function_totals", cls.function_totals)))


def hidden_test_output(test: TestResult) -> str:
    """What a student reads for one hidden test: the message, the smallest failing input, the hint."""
    parts = [test.output, test.falsifying_example, f"Hint: {test.hint}" if test.hint else ""]
    return "\n\n".join(p for p in parts if p)


def summary_output(result: SubmissionResult, assignment: Assignment) -> str:
    """The always-visible top-level output: the total, each function's points, and any problem."""
    lines = [f"Score: {number(result.score)} / {number(result.max_score)}"]
    for spec in assignment.functions:
        got = result.functions.get(spec.name)
        lines.append(f"- {spec.name}: {number(got.score if got else 0)} / {number(spec.points)}")
    if result.error:
        lines += ["", result.error]
    return "\n".join(lines)


def gradescope_results(result: SubmissionResult, assignment: Assignment, policy: VisibilityPolicy) -> dict:
    """The results.json dict Gradescope reads (only its own keys; our details under extra_data)."""
    result = sanitized(result)
    tests = []
    if policy.function_totals:
        for spec in assignment.functions:
            got = result.functions.get(spec.name)
            tests.append({"name": f"{spec.name} (total)", "score": got.score if got else 0.0,
                          "max_score": spec.points, "visibility": "visible"})
    for test in result.tests:
        name = test.name if test.function in test.name else f"{test.function}: {test.name}"
        tests.append({"name": name, "score": test.score, "max_score": test.max_score,
                      "status": "passed" if test.passed else "failed", "output": hidden_test_output(test),
                      "tags": [test.function], "visibility": policy.hidden_tests})
    if result.stdout.strip():
        tests.append({"name": "Output printed by your code", "output": result.stdout,
                      "visibility": policy.hidden_tests})
    return {
        "score": result.score,
        "output": summary_output(result, assignment),
        "execution_time": round(result.duration_s, 3),
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"assignment": result.assignment, "sandbox": result.sandbox, "seed": result.seed,
                       "grader_version": result.grader_version, "content_hash": result.content_hash},
    }
