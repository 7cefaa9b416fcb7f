"""The graded half of `grader check`: the reference earns full marks and the kit's stubs earn nothing,
both graded through the normal engine (grade_batch: prepared copies, sandboxed worker, the same scoring).
Each problem is one line naming the file of the function it is about.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.assignment import Assignment
from grader.grading.batch import grade_batch
from grader.grading.consistency import shown
from grader.grading.options import GradeOptions
from grader.results import SubmissionResult
from grader.submissions import Entry

#: The two trial submissions: student id, and which folder of the assignment it is.
REFERENCE, STUBS = "reference", "stubs"


@dataclass
class Trial:
    """The reference's and the stubs' results, and the problems they show (one line each)."""

    reference: SubmissionResult
    stubs: SubmissionResult
    problems: list[str] = field(default_factory=list)


def run_trial(assignment: Assignment, options: GradeOptions = GradeOptions(), jobs: int = 2) -> Trial:
    """Grade the reference folder and the kit's stubs (jobs at once) and compare with the manifest.

    Raises what grade_batch raises when the grader cannot run (SuiteError for an inconsistent suite:
    check marker_problems first)."""
    entries = [Entry(REFERENCE, assignment.reference_dir, "folder"), Entry(STUBS, assignment.kit_dir, "folder")]
    with tempfile.TemporaryDirectory(prefix="grader-check-") as out:
        results = {r.student: r for r in grade_batch(entries, assignment, Path(out), jobs=jobs, force=True,
                                                     options=options)}
    trial = Trial(results[REFERENCE], results[STUBS])
    trial.problems = reference_problems(assignment, trial.reference) + stub_problems(assignment, trial.stubs)
    return trial


def reference_problems(assignment: Assignment, result: SubmissionResult) -> list[str]:
    """A line per function on which the reference falls short of the manifest's points (with the first
    failing test and its message), and one for a grading error."""
    problems = []
    if result.error:
        problems.append(f"{shown(assignment.reference_dir)}: grading the reference reported: {result.error}")
    for spec in assignment.functions:
        score = result.functions[spec.name].score
        if score < spec.points:
            failing = [t for t in result.tests if t.function == spec.name and not t.passed]
            why = ""
            if failing:
                first = failing[0]
                message = (first.output.strip().splitlines() or [""])[0]
                why = f"; failing: {first.name}" + (f" ({message})" if message else "")
                if len(failing) > 1:
                    why += f" and {len(failing) - 1} more"
            problems.append(f"{shown(assignment.reference_dir / spec.file)}: the reference earns "
                            f"{score:g}/{spec.points:g} on {spec.name}{why}")
    return problems


def stub_problems(assignment: Assignment, result: SubmissionResult) -> list[str]:
    """A line per function on which the unwritten stubs earn points, naming the tests they pass."""
    problems = []
    for spec in assignment.functions:
        score = result.functions[spec.name].score
        if score > 0:
            passing = [t.name for t in result.tests if t.function == spec.name and t.passed]
            problems.append(f"{shown(assignment.kit_dir / spec.file)}: the stubs earn {score:g}/{spec.points:g} "
                            f"on {spec.name} (should be 0); passing: {'; '.join(passing)}")
    return problems
