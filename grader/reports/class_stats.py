"""Class statistics, defined once: what `summary.html`, the terminal table of `grader grade` and
`grader merge --markdown` all show, so the three can never disagree.

A submission is *graded* (tests ran, no problem), *partly graded* (tests ran but a problem was
reported: a file missing, an import that exited, the time limit) or *not graded* (no test ran at
all: an unreadable zip, a crash before the first test). Means and medians are over every
submission, as in grades.csv (a submission that was not graded counts 0 there too). "Of graded"
shares divide by the submissions whose tests ran (graded + partly graded), counting only those.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass

from grader.assignment import Assignment
from grader.reports.numbers import number
from grader.reports.sanitize import safe_text
from grader.results import SubmissionResult, TestResult

GRADED, PARTLY, NOT_GRADED = "graded", "partly graded", "not graded"
#: Characters of a submission's error text read for its problems.
ERROR_LIMIT = 20_000

#: How the hidden suite names a diagnosis in a failed test's message ("likely mistake: A; or B").
_LIKELY = re.compile(r"^\s*likely mistake:\s*(?P<causes>.+?)\s*$", re.MULTILINE | re.IGNORECASE)
#: A root cause a result carries in its own field (written by the feedback grouping), when present.
CAUSE_FIELD = "root_cause"


def status(result: SubmissionResult) -> str:
    """GRADED, PARTLY or NOT_GRADED (see the module docstring)."""
    if not result.tests:
        return NOT_GRADED
    return PARTLY if result.error.strip() else GRADED


def problems(result: SubmissionResult) -> list[str]:
    """Every problem the grader reported for the submission, one per item (lines and "; " parts),
    sanitized like all student-visible text (no trusted frames, no control characters)."""
    text = safe_text(result.error, ERROR_LIMIT)
    items = [part.strip() for line in text.splitlines() for part in line.split("; ")]
    return [item for item in items if item]


def unavailable(test: TestResult) -> bool:
    """True when the test could not call its function at all (file missing, import failed): the
    worker's message then starts with "<function> is not available"."""
    return test.output.lstrip().startswith(f"{test.function} is not available")


def not_implemented(test: TestResult) -> bool:
    """True when the function still raises the stub's NotImplementedError."""
    return f"{test.function} raised NotImplementedError" in test.output


def root_causes(test: TestResult) -> tuple[str, ...]:
    """The diagnosed mistakes behind one failed test, as text a teacher reads ("" entries never).

    The test's own `root_cause` field when the results carry one, else the hidden suite's
    "likely mistake: A; or B" line(s) in its message; () when nothing was diagnosed.
    """
    field = getattr(test, CAUSE_FIELD, "") or ""
    if isinstance(field, str) and field.strip():
        return (field.strip(),)
    causes = []
    for match in _LIKELY.finditer(test.output):
        causes += [c.strip().rstrip(".") for c in match.group("causes").split("; or ")]
    return tuple(dict.fromkeys(c for c in causes if c))


def cause_key(reason: str) -> str:
    """What makes two reasons the same group: their words, ignoring case and punctuation (so "the
    learning rate is ignored (W - dW)" and "the learning rate is ignored: W - dW" are one mistake)."""
    return " ".join(re.findall(r"\w+", reason.casefold()))


@dataclass(frozen=True)
class StudentRow:
    """One submission: its status, points (total and per function, manifest order) and problems."""

    student: str
    status: str
    score: float
    max_score: float
    functions: tuple[float | None, ...]
    problems: tuple[str, ...]
    duration_s: float


@dataclass(frozen=True)
class FunctionStats:
    """One graded function over all submissions: points, mean, median, full marks, unavailable count."""

    name: str
    points: float
    mean: float | None
    median: float | None
    full_marks: int
    unavailable: int


@dataclass(frozen=True)
class Group:
    """A reason students lost points: its text, the functions concerned and the students (sorted)."""

    reason: str
    functions: tuple[str, ...]
    students: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class ClassStats:
    """Every figure of the class overview (see the module docstring for the definitions).

    rows: by student id; mistakes: diagnosed root causes; undiagnosed: failed properties with no
    diagnosis (by property name); unavailable: functions that could not be called (by function);
    not_implemented: functions still raising the stub's NotImplementedError. Groups most students first.
    """

    title: str
    max_score: float
    function_names: tuple[str, ...]
    rows: tuple[StudentRow, ...]
    functions: tuple[FunctionStats, ...]
    mistakes: tuple[Group, ...]
    undiagnosed: tuple[Group, ...]
    unavailable: tuple[Group, ...]
    not_implemented: tuple[Group, ...]

    @property
    def submissions(self) -> int:
        return len(self.rows)

    def count(self, state: str) -> int:
        return sum(row.status == state for row in self.rows)

    @property
    def assessed(self) -> int:
        """Submissions whose tests ran (graded + partly graded): the "of graded" denominator."""
        return self.submissions - self.count(NOT_GRADED)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(r.score for r in self.rows) if self.rows else None

    @property
    def median(self) -> float | None:
        return statistics.median(r.score for r in self.rows) if self.rows else None

    def share(self, group: Group) -> float:
        """group's students as a fraction of the assessed submissions (0..1)."""
        return group.count / self.assessed if self.assessed else 0.0


def _groups(keyed: dict[str, dict[str, set]]) -> tuple[Group, ...]:
    groups = [Group(reason, tuple(sorted(v["functions"])), tuple(sorted(v["students"])))
              for reason, v in keyed.items()]
    return tuple(sorted(groups, key=lambda g: (-g.count, g.functions, g.reason)))


def class_stats(results: list[SubmissionResult], assignment: Assignment) -> ClassStats:
    """The class statistics of `results` (any order) for `assignment`."""
    names = tuple(spec.name for spec in assignment.functions)
    ordered = sorted(results, key=lambda r: r.student)
    rows = tuple(
        StudentRow(
            student=r.student, status=status(r), score=float(r.score), max_score=float(r.max_score),
            functions=tuple(float(r.functions[n].score) if n in r.functions else None for n in names),
            problems=tuple(problems(r)), duration_s=float(r.duration_s),
        )
        for r in ordered
    )
    buckets: dict[str, dict[str, dict[str, set]]] = {
        k: defaultdict(lambda: {"functions": set(), "students": set()})
        for k in ("mistakes", "undiagnosed", "unavailable", "not_implemented")
    }

    shown: dict[str, str] = {}

    def add(kind: str, reason: str, function: str, student: str, cause_id: str = "") -> None:
        # one group per mistake: the suite's cause id when it gives one (a loss test and a gradient test
        # of one slip word it differently), else the words; the first wording seen names the group
        key = shown.setdefault(cause_id or cause_key(reason), reason)
        buckets[kind][key]["functions"].add(function)
        buckets[kind][key]["students"].add(student)

    for r in ordered:
        if status(r) == NOT_GRADED:
            continue
        for test in r.tests:
            if test.passed:
                continue
            if unavailable(test):
                add("unavailable", test.function, test.function, r.student)
            elif not_implemented(test):
                add("not_implemented", test.function, test.function, r.student)
            elif causes := root_causes(test):
                cause_id = getattr(test, "cause_id", "") if len(causes) == 1 else ""
                for cause in causes:
                    add("mistakes", cause, test.function, r.student, cause_id)
            else:
                add("undiagnosed", test.name, test.function, r.student)
    functions = []
    for k, spec in enumerate(assignment.functions):
        scores = [row.functions[k] or 0.0 for row in rows]
        functions.append(FunctionStats(
            name=spec.name, points=spec.points,
            mean=statistics.fmean(scores) if scores else None,
            median=statistics.median(scores) if scores else None,
            full_marks=sum(s >= spec.points for s in scores),
            unavailable=len(buckets["unavailable"].get(spec.name, {"students": ()})["students"]),
        ))
    return ClassStats(
        title=assignment.title, max_score=assignment.max_score, function_names=names, rows=rows,
        functions=tuple(functions), mistakes=_groups(buckets["mistakes"]),
        undiagnosed=_groups(buckets["undiagnosed"]), unavailable=_groups(buckets["unavailable"]),
        not_implemented=_groups(buckets["not_implemented"]),
    )


def percent(fraction: float) -> str:
    """A share as every report writes it: 45%."""
    return f"{100 * fraction:.0f}%"


def headline(stats: ClassStats) -> str:
    """The one-sentence class summary shared by every report."""
    if not stats.rows:
        return "No submissions."
    return (f"{stats.submissions} submissions: {stats.count(GRADED)} graded, {stats.count(PARTLY)} partly graded, "
            f"{stats.count(NOT_GRADED)} not graded. Mean {number(stats.mean)}, median {number(stats.median)} "
            f"of {number(stats.max_score)} points (over all submissions, as in grades.csv).")


def group_line(stats: ClassStats, group: Group) -> str:
    """"11 students (45% of graded): <reason> [functions]" for one group."""
    word = "student" if group.count == 1 else "students"
    return (f"{group.count} {word} ({percent(stats.share(group))} of graded): {group.reason} "
            f"[{', '.join(group.functions)}]")
