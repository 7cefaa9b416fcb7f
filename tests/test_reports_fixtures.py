"""SubmissionResult fixtures for the report tests: a small class built directly, no grading run."""

from __future__ import annotations

from grader.assignment import load_assignment
from grader.results import FunctionScore, SubmissionResult, TestResult

ASSIGNMENT = load_assignment("loss_optimization")

#: Strings a hostile submission can put into messages, ids of properties or its output.
HOSTILE = (
    "<script>alert(1)</script> & \"quotes\" 'single'",
    '</testcase></testsuite><testsuite name="forged">',
    "```\n# Forged heading\n```",
    "ctrl:\x00\x01\x07\x0b\x0c\x1b[31mred\x1b[0m\x7f\x85\ud800 end",
    '=HYPERLINK("http://evil")',
)


def make_result(
    student: str,
    failed: dict[str, list[tuple[str, str]]] | None = None,
    error: str = "",
    stdout: str = "",
    duration_s: float = 1.0,
) -> SubmissionResult:
    """A result for `student` with 2 tests per function (points split evenly); `failed` maps a function
    to (test name, message) pairs that fail; an `error` means nothing ran (no tests, all zero)."""
    failed = failed or {}
    tests, functions = [], {}
    for spec in ASSIGNMENT.functions:
        if error:
            functions[spec.name] = FunctionScore(0.0, spec.points)
            continue
        names = [name for name, _ in failed.get(spec.name, [])]
        messages = dict(failed.get(spec.name, []))
        names += [f"{spec.name} property {k}" for k in range(2 - len(names))]
        points = spec.points / len(names)
        for k, name in enumerate(names):
            bad = name in messages
            tests.append(
                TestResult(
                    name=name,
                    nodeid=f"hidden_tests/loss_optimization/test_{spec.name}.py::test_{k}",
                    function=spec.name,
                    score=0.0 if bad else points,
                    max_score=points,
                    status="failed" if bad else "passed",
                    output=messages.get(name, ""),
                    hint=f"look at {spec.name}" if bad else "",
                    falsifying_example=f"Falsifying example: test_{k}(N=1, C=2)" if bad else "",
                    duration_s=0.01,
                )
            )
        functions[spec.name] = FunctionScore(
            sum(t.score for t in tests if t.function == spec.name), spec.points
        )
    return SubmissionResult(
        student=student,
        assignment=ASSIGNMENT.name,
        score=sum(f.score for f in functions.values()),
        max_score=ASSIGNMENT.max_score,
        tests=tests,
        functions=functions,
        sandbox="level 1 (rlimits)",
        seed=ASSIGNMENT.seed,
        error=error,
        stdout=stdout,
        duration_s=duration_s,
        content_hash="abc123",
        grader_version="0.1.0",
    )


def make_class() -> list[SubmissionResult]:
    """correct, partial (two failures incl. the same property as `partial2`), broken, hostile."""
    same = ("the loss is the mean over examples", "expected 1.5 (reference), got 3.0: did you divide by N?")
    return [
        make_result("correct", duration_s=2.0),
        make_result("partial", {"svm_loss_naive": [same]}, stdout="debug print\n", duration_s=3.5),
        make_result(
            "partial2", {"svm_loss_naive": [same], "sgd_step": [("returns a new array", "got None")]}
        ),
        make_result("broken", error="no functions found: linear_svm.py has a SyntaxError on line 3"),
        make_result(
            "hostile",
            {"softmax_loss": [(HOSTILE[0], "\n".join(HOSTILE)), (HOSTILE[1], "x" * 1_000_000)]},
            stdout="\n".join(HOSTILE) * 3 + "y" * 1_000_000,
            duration_s=40.0,
        ),
    ]
