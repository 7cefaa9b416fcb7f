"""Gradescope's results.json from a SubmissionResult, under a visibility policy: the hidden tests'
names and outputs (and the student's captured output, which can echo their inputs) are shown as the
policy allows (by default at once, so a student sees why points were lost before grades are
published), while the total and per-function scores are always visible. Outputs are Markdown
(`output_format: md`), every test has a `number`, the submitters and a late penalty (when the
manifest declares a policy) come from submission_metadata.json, and an optional leaderboard ranks
values the trusted side holds (the total, a function's points, the grading time).
"""

from __future__ import annotations

from dataclasses import dataclass

from grader.assignment import Assignment
from grader.gradescope.metadata import SubmissionMetadata
from grader.i18n import ENGLISH, Messages
from grader.late_policy import Lateness, lateness
from grader.reports.feedback import fenced
from grader.reports.numbers import number
from grader.reports.results_json import sanitized
from grader.results import VISIBILITIES, SubmissionResult, TestResult

#: Leaderboard sources besides a function's name: the total (higher first), grading seconds (lower first).
LEADERBOARD_SOURCES = ("score", "time")


@dataclass(frozen=True)
class VisibilityPolicy:
    """What students see, in Gradescope's terms (see grader.results.VISIBILITIES).

    hidden_tests: visibility of each hidden test (its name, score and output) and of the student's
    captured output; function_totals: add one always-visible entry per graded function with its
    score, so a student knows which function lost points even before the tests are shown.
    """

    hidden_tests: str = "visible"
    function_totals: bool = True
    leaderboard: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if self.hidden_tests not in VISIBILITIES:
            raise ValueError(f"visibility {self.hidden_tests!r} is not one of {', '.join(VISIBILITIES)}")

    def check(self, assignment: Assignment) -> None:
        """ValueError when a leaderboard column reads from something the assignment does not have."""
        known = (*LEADERBOARD_SOURCES, *(f.name for f in assignment.functions))
        for column, source in self.leaderboard:
            if source not in known:
                raise ValueError(f"leaderboard column {column!r}: {source!r} is not one of {', '.join(known)}")

    def to_json(self) -> dict:
        return {"hidden_tests": self.hidden_tests, "function_totals": self.function_totals,
                "leaderboard": [{"name": name, "source": source} for name, source in self.leaderboard]}

    @classmethod
    def from_json(cls, data: dict) -> VisibilityPolicy:
        board = tuple((str(c["name"]), str(c["source"])) for c in data.get("leaderboard", []))
        return cls(hidden_tests=str(data.get("hidden_tests", cls.hidden_tests)),
                   function_totals=bool(data.get("function_totals", cls.function_totals)), leaderboard=board)


def hidden_test_output(test: TestResult, m: Messages = ENGLISH) -> str:
    """What a student reads for one hidden test, as Markdown (in m's language): the message and the
    smallest failing input in code blocks (so nothing in them is markup), then the hint (written as
    Markdown by the suite)."""
    hint = m.suite_text(test.hint)
    parts = [fenced(m.message(test.output)) if test.output.strip() else "",
             m._("Smallest failing input:") + "\n\n" + fenced(test.falsifying_example, "python")
             if test.falsifying_example.strip() else "",
             m._("**Hint:** {hint}").format(hint=" ".join(hint.split())) if hint.strip() else ""]
    return "\n\n".join(p for p in parts if p)


def late_penalty(result: SubmissionResult, assignment: Assignment,
                 metadata: SubmissionMetadata | None) -> Lateness | None:
    """The manifest's late policy applied to the submission time, or None (no policy or no metadata).
    The due date is the manifest's when it sets one, else Gradescope's."""
    policy = assignment.late
    if policy is None or metadata is None:
        return None
    due = policy.due or metadata.due
    if due is None:
        return None
    return lateness(policy, metadata.created_at, due, result.score)


def summary_output(result: SubmissionResult, assignment: Assignment, metadata: SubmissionMetadata | None = None,
                   late: Lateness | None = None, m: Messages = ENGLISH) -> str:
    """The always-visible top-level output (Markdown, in m's language): who, the total, each function's
    points, the late penalty and any problem."""
    lines = []
    if metadata is not None:
        lines += [m._("Graded for {names}, submitted {time}.").format(names=" ".join(metadata.names.split()),
                                                                      time=metadata.created_at.isoformat()), ""]
    final = result.score - (late.points if late else 0.0)
    lines.append(m._("**Score: {score} / {max_score}**").format(score=number(final),
                                                                 max_score=number(result.max_score)))
    lines.append("")
    for spec in assignment.functions:
        got = result.functions.get(spec.name)
        lines.append(f"- `{spec.name}`: {number(got.score if got else 0)} / {number(spec.points)}")
    if late is not None:
        lines += ["", late.describe()]
    if result.error:
        lines += ["", m._("Problems found:"), "", fenced(m.message(result.error))]
    return "\n".join(lines)


def _leaderboard(result: SubmissionResult, policy: VisibilityPolicy, final: float) -> list[dict]:
    board = []
    for column, source in policy.leaderboard:
        if source == "score":
            board.append({"name": column, "value": final, "order": "desc"})
        elif source == "time":
            board.append({"name": column, "value": round(result.duration_s, 3), "order": "asc"})
        else:
            got = result.functions.get(source)
            board.append({"name": column, "value": got.score if got else 0.0, "order": "desc"})
    return board


def gradescope_results(result: SubmissionResult, assignment: Assignment, policy: VisibilityPolicy,
                       metadata: SubmissionMetadata | None = None, m: Messages = ENGLISH) -> dict:
    """The results.json dict Gradescope reads (only its own keys; our details under extra_data); what
    students read is in m's language."""
    result = sanitized(result)
    late = late_penalty(result, assignment, metadata)
    final = round(result.score - (late.points if late else 0.0), 6)
    tests = []
    functions = [spec.name for spec in assignment.functions]
    if policy.function_totals:
        for k, spec in enumerate(assignment.functions, start=1):
            got = result.functions.get(spec.name)
            tests.append({"name": m._("{function} (total)").format(function=spec.name), "number": f"{k}", "score": got.score if got else 0.0,
                          "max_score": spec.points, "visibility": "visible"})
    counts: dict[str, int] = {}
    for test in result.tests:
        k = functions.index(test.function) + 1 if test.function in functions else len(functions) + 1
        counts[test.function] = counts.get(test.function, 0) + 1
        title = m.suite_text(test.name)
        name = title if test.function in title else f"{test.function}: {title}"
        tests.append({"name": name, "number": f"{k}.{counts[test.function]}", "score": test.score,
                      "max_score": test.max_score, "status": "passed" if test.passed else "failed",
                      "output": hidden_test_output(test, m), "output_format": "md",
                      "tags": [test.function], "visibility": policy.hidden_tests})
    if late is not None and late.days:
        tests.append({"name": m._("Late submission penalty"), "number": f"{len(functions) + 1}", "score": -late.points,
                      "max_score": 0, "output": late.describe(), "visibility": "visible"})
    if result.stdout.strip():
        tests.append({"name": m._("Output printed by your code"), "number": f"{len(functions) + 2}",
                      "output": fenced(result.stdout), "output_format": "md", "visibility": policy.hidden_tests})
    extra = {"assignment": result.assignment, "sandbox": result.sandbox, "seed": result.seed,
             "grader_version": result.grader_version, "content_hash": result.content_hash,
             "earned_before_late_penalty": result.score}
    if metadata is not None:
        extra["submission"] = metadata.to_json()
    if late is not None:
        extra["late"] = {"days": late.days, "fraction": late.fraction, "points": late.points}
    data = {
        "score": final,
        "output": summary_output(result, assignment, metadata, late, m),
        "output_format": "md",
        "test_output_format": "md",
        "test_name_format": "text",
        "visibility": "visible",
        "execution_time": round(result.duration_s, 3),
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": extra,
    }
    if policy.leaderboard:
        data["leaderboard"] = _leaderboard(result, policy, final)
    return data
