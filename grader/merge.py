"""Combine the outputs of `grader grade --shard I/N` runs into one set of reports (`grader merge`):
every student once, the class files rebuilt from all of them, conflicting duplicates refused."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import Assignment
from grader.grading.batch import feedback_messages
from grader.i18n import Messages
from grader.reports import load_results, write_class_reports, write_student_reports
from grader.reports.numbers import number
from grader.results import SubmissionResult


class MergeError(ValueError):
    """The shard outputs cannot be merged; the message lists every problem in plain words."""


@dataclass(frozen=True)
class Merged:
    """A merge: the results written (sorted by student) and the shard folders they came from."""

    results: tuple[SubmissionResult, ...]
    shards: tuple[Path, ...]


def grading_signature(result: SubmissionResult) -> tuple:
    """What two gradings of the same student must agree on (timings and captured output excluded)."""
    tests = tuple(sorted((t.nodeid, t.status, float(t.score), float(t.max_score)) for t in result.tests))
    functions = tuple(sorted((fn, float(s.score), float(s.max_score)) for fn, s in result.functions.items()))
    return (result.assignment, result.content_hash, float(result.score), float(result.max_score),
            functions, tests, result.error)


def collect(shards: list[Path], assignment: Assignment) -> list[SubmissionResult]:
    """Every student's result across the shard folders, sorted by student; MergeError on any problem.

    Problems: a folder without results/, an unreadable result file, a result of another assignment,
    and one student graded differently in two places (identical duplicates are kept once).
    """
    problems: list[str] = []
    chosen: dict[str, tuple[SubmissionResult, Path]] = {}
    for shard in shards:
        if not (shard / "results").is_dir():
            problems.append(f"{shard}: no results/ folder (is it the -o folder of a `grader grade` run?)")
            continue
        loaded = load_results(shard)
        problems += [f"{path}: unreadable result ({reason})" for path, reason in loaded.unreadable]
        for result in loaded:
            if result.assignment != assignment.name:
                problems.append(f"{shard}: {result.student} was graded for {result.assignment!r}, "
                                f"not {assignment.name!r}")
            elif result.student not in chosen:
                chosen[result.student] = (result, shard)
            elif grading_signature(result) != grading_signature(chosen[result.student][0]):
                first = chosen[result.student]
                problems.append(f"{result.student} is in {first[1]} ({number(first[0].score)} points) and in "
                                f"{shard} ({number(result.score)} points) with different results: "
                                "grade each student in one shard only")
    if problems:
        raise MergeError("cannot merge:\n  " + "\n  ".join(problems))
    return [chosen[student][0] for student in sorted(chosen)]


def merge_outputs(shards: list[Path], out_dir: Path, assignment: Assignment,
                  messages: Messages | None = None) -> Merged:
    """Write out_dir's reports (results/, feedback/, class files, logs/) from the shard folders.

    The feedback is rewritten from the results in messages' language (None: the manifest's
    [feedback] lang, as `grader grade` does), whatever language the shards wrote theirs in.
    out_dir may be new, one of the shards, or a previous merge of the same students; results of
    other students already in out_dir are a MergeError (they would be missing from grades.csv).
    """
    messages = messages or feedback_messages(assignment, None)
    shards = [Path(s) for s in shards]
    out_dir = Path(out_dir)
    if not shards:
        raise MergeError("cannot merge: no shard folders given")
    results = collect(shards, assignment)
    students = {r.student for r in results}
    stale = sorted(p.stem for p in (out_dir / "results").glob("*.json") if p.stem not in students)
    if stale:
        raise MergeError(f"cannot merge: {out_dir} already holds results of students not in these shards "
                         f"({', '.join(stale)}): choose an empty output folder")
    for result in results:
        write_student_reports(result, out_dir, messages)
    write_class_reports(results, assignment, out_dir)
    for shard in shards:
        copy_logs(shard / "logs", out_dir / "logs")
    return Merged(results=tuple(results), shards=tuple(shards))


def copy_logs(source: Path, target: Path) -> None:
    """Copy the per-student log files of a shard (when it kept any) into the merged output."""
    if source.is_dir() and source.resolve() != target.resolve():
        shutil.copytree(source, target, dirs_exist_ok=True)
