"""Points per graded function from the per-test results the child's plugin wrote (R.json)."""

from __future__ import annotations

import math

from grader import __version__
from grader.assignment import Assignment
from grader.diagnosis import unavailable
from grader.results import FunctionScore, SubmissionResult, TestResult


def score_functions(assignment: Assignment, tests: list[TestResult]) -> dict[str, FunctionScore]:
    """Points per graded function: the points its tests earned, at most the manifest's.

    The suite was checked against the manifest before grading (grader.grading.consistency), so a
    function's tests add up to its points and nothing is rescaled; tests that never ran (time limit,
    crash) earn nothing. A function with no test run scores 0.
    """
    scores = {}
    for spec in assignment.functions:
        earned = sum(t.score for t in tests if t.function == spec.name)
        scores[spec.name] = FunctionScore(score=round(min(earned, spec.points), 6), max_score=spec.points)
    return scores


def cap_causes(tests: list[TestResult], cap: float | None) -> list[TestResult]:
    """Tests with what each diagnosed root cause costs limited to `cap` points (None: unchanged).

    The points a cause lost beyond the cap are given back to its tests in proportion to what each
    lost. Only diagnosed mistakes (a cause id) are capped; a function that could not be called and
    undiagnosed failures keep their cost.
    """
    if cap is None:
        return tests
    groups: dict[str, list[TestResult]] = {}
    for test in tests:
        if not test.passed and test.cause_id and not unavailable(test):
            groups.setdefault(test.cause_id, []).append(test)
    for group in groups.values():
        lost = sum(t.max_score - t.score for t in group)
        if lost > cap:
            keep = cap / lost
            for test in group:
                test.score = test.max_score - (test.max_score - test.score) * keep
    return tests


def parse_tests(data) -> list[TestResult]:
    """TestResults from the plugin's JSON, keeping only well-formed entries with scores in range."""
    tests = []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        known = {k: v for k, v in item.items() if k in TestResult.__dataclass_fields__}
        try:
            test = TestResult(**known)
            test.max_score = float(test.max_score)
            test.score = min(max(float(test.score), 0.0), test.max_score)
        except (TypeError, ValueError):
            continue
        if test.status != "passed":
            test.status, test.score = "failed", 0.0
        if math.isfinite(test.score) and math.isfinite(test.max_score):
            tests.append(test)
    return tests


def failed_result(student: str, assignment: Assignment, error: str, **fields) -> SubmissionResult:
    """A submission that could not be graded: 0 on every function, error in plain words."""
    return SubmissionResult(
        student=student, assignment=assignment.name, score=0.0, max_score=assignment.max_score,
        functions={f.name: FunctionScore(0.0, f.points) for f in assignment.functions},
        seed=assignment.seed, error=error, grader_version=__version__, **fields,
    )
