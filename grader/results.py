"""The result of grading one submission: the data every report is built from (contract).

`SubmissionResult.to_json()` is what `OUT/results/<student>.json` holds: the Gradescope
results.json schema (score, max_score, tests[], output, visibility) plus `student`,
`functions`, `sandbox`, `seed` and a few grader fields. `from_json` reads it back, so
merging shards and resuming a batch work from the files alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

#: Gradescope visibility values.
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


@dataclass
class TestResult:
    """One hidden test of one submission.

    name: what the student reads (the property in words); nodeid: pytest id;
    function: the graded function it belongs to; score/max_score in points;
    status: "passed" or "failed"; output: the teaching message (property, smallest
    failing input, expected vs got, hint); empty when passed. root_cause: the diagnosed mistake in
    words ("" when none), cause_id: what groups tests broken by the same mistake (see
    grader.diagnosis); reproduction: a Python snippet that calls the function on the failing input.
    """

    __test__ = False  # a result, not a pytest test class

    name: str
    nodeid: str
    function: str
    score: float
    max_score: float
    status: str
    output: str = ""
    hint: str = ""
    falsifying_example: str = ""
    root_cause: str = ""
    cause_id: str = ""
    reproduction: str = ""
    visibility: str = "visible"
    duration_s: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class FunctionScore:
    """Points earned on one graded function."""

    score: float
    max_score: float


@dataclass
class SubmissionResult:
    """Everything known about one graded submission.

    error: a submission-level problem (unreadable zip, no functions found, grading
    crashed) in plain words, or "" when grading ran; stdout: the worker's captured
    output (capped); sandbox: the confinement level reached; content_hash: hash of
    the submission's files and the suite, for resuming; aliases: {graded function: the other name
    the manifest accepts that the submission defined it under} (the feedback says so in one line).
    """

    student: str
    assignment: str
    score: float
    max_score: float
    tests: list[TestResult] = field(default_factory=list)
    functions: dict[str, FunctionScore] = field(default_factory=dict)
    sandbox: str = ""
    seed: int = 0
    error: str = ""
    stdout: str = ""
    duration_s: float = 0.0
    content_hash: str = ""
    grader_version: str = ""
    aliases: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """The results.json dict: Gradescope's schema plus our fields."""
        data = asdict(self)
        data["output"] = self.error or f"{self.score:g} / {self.max_score:g} points."
        # Optional Gradescope keys (their spec): plain-text outputs, whole seconds, results shown to
        # the student, the autograder's own stdout for staff only, tests numbered "function.k" and
        # tagged with their function. from_json ignores them, so the round trip is unchanged.
        data.update(
            output_format="text",
            test_output_format="text",
            visibility="visible",
            stdout_visibility="hidden",
            execution_time=max(0, round(self.duration_s)),
        )
        functions = list(dict.fromkeys([*self.functions, *(t.function for t in self.tests)]))
        counts: dict[str, int] = {}
        for test in data["tests"]:
            fn = test["function"]
            counts[fn] = counts.get(fn, 0) + 1
            test.update(number=f"{functions.index(fn) + 1}.{counts[fn]}", tags=[fn])
        return data

    @classmethod
    def from_json(cls, data: dict) -> SubmissionResult:
        """Rebuild from `to_json()` output (ignores unknown keys such as `output`)."""
        known = {f for f in cls.__dataclass_fields__}
        kwargs = {k: v for k, v in data.items() if k in known}
        kwargs["tests"] = [
            TestResult(**{k: v for k, v in t.items() if k in TestResult.__dataclass_fields__})
            for t in data.get("tests", [])
        ]
        kwargs["functions"] = {k: FunctionScore(**v) for k, v in data.get("functions", {}).items()}
        return cls(**kwargs)
