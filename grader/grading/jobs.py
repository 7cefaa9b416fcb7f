"""One submission being graded: its pytest child with a deadline (interrupted when it passes, killed
GRACE_S later), and the SubmissionResult read from the child's R.json once it exits."""

from __future__ import annotations

import json
import multiprocessing.connection
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from grader import __version__
from grader.assignment import Assignment, Limits
from grader.grading.child import Child, pytest_args, start_child
from grader.grading.scoring import cap_causes, parse_tests, score_functions
from grader.results import SubmissionResult
from grader.submissions import Entry, Prepared

#: Seconds a child gets to write its partial results after being interrupted, before it is killed.
GRACE_S = 5.0


@dataclass
class Job:
    """One submission being graded."""

    entry: Entry
    prepared: Prepared
    workdir: Path
    digest: str
    child: Child
    started: float
    deadline: float
    timeout_s: float
    interrupted_at: float | None = None

    @property
    def results_path(self) -> Path:
        return self.workdir / "results.json"

    @property
    def log_path(self) -> Path:
        return self.workdir / "pytest.log"


def launch(entry: Entry, prepared: Prepared, workdir: Path, digest: str, assignment: Assignment,
           limits: Limits, sandbox: str = "auto") -> Job:
    """Start grading prepared (files in prepared.folder) under limits; workdir holds R.json and the log."""
    args = pytest_args(assignment, prepared.folder, workdir / "results.json", limits, sandbox)
    started = time.monotonic()
    child = start_child(args, workdir / "pytest.log", workdir)
    timeout_s = limits.submission_timeout_s
    return Job(entry, prepared, workdir, digest, child, started, started + timeout_s, timeout_s)


def collect(job: Job, assignment: Assignment, logs_dir: Path | None) -> SubmissionResult:
    """The SubmissionResult of a finished child, from its R.json (or why there is none)."""
    code = job.child.poll()
    duration = time.monotonic() - job.started
    data = None
    try:
        data = json.loads(job.results_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    if not isinstance(data, dict):
        data = None
    timed_out = job.interrupted_at is not None
    problems = []
    if timed_out:
        problems.append(f"grading stopped after {job.timeout_s:g} s (the submission time limit); "
                        "tests that did not run score 0")
    elif data is None or code not in (0, 1):
        where = _keep_log(job, logs_dir)
        problems.append(f"grading crashed ({_describe_exit(code)}){where}; tests that did not run score 0")
    if data and isinstance(data.get("error"), str) and data["error"]:
        problems.append(data["error"])
    tests = cap_causes(parse_tests(data.get("tests")) if data else [], assignment.max_points_per_cause)
    functions = score_functions(assignment, tests)
    stdout = data["stdout"] if data and isinstance(data.get("stdout"), str) else ""
    return SubmissionResult(
        student=job.entry.student, assignment=assignment.name,
        score=round(sum(f.score for f in functions.values()), 6), max_score=assignment.max_score,
        tests=tests, functions=functions,
        sandbox=str(data.get("sandbox", "")) if data else "", seed=assignment.seed,
        error="; ".join(job.prepared.notes + problems), stdout=stdout, duration_s=round(duration, 3),
        content_hash=job.digest, grader_version=__version__, aliases=dict(job.prepared.aliases),
    )


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    meaning = {2: "interrupted", 3: "pytest internal error", 4: "pytest usage error", 5: "no tests collected"}
    return f"exit code {code}" + (f": {meaning[code]}" if code in meaning else "")


def _keep_log(job: Job, logs_dir: Path | None) -> str:
    """Copy the child's pytest log to logs_dir for the instructor; return ' (see logs/<id>.log)'."""
    if logs_dir is None or not job.log_path.is_file():
        return ""
    logs_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(job.log_path, logs_dir / f"{job.entry.student}.log")
    return f" (see {logs_dir.name}/{job.entry.student}.log)"


def wait(jobs: list[Job], until: float) -> None:
    """Sleep until a child exits or `until` (monotonic seconds) passes."""
    timeout = max(0.0, until - time.monotonic())
    sentinels = [j.child.sentinel for j in jobs if j.child.sentinel is not None]
    if sentinels and len(sentinels) == len(jobs):
        multiprocessing.connection.wait(sentinels, timeout=timeout)
    else:
        time.sleep(min(timeout, 0.05))


def police(jobs: list[Job]) -> None:
    """Interrupt children past their deadline; kill those still running GRACE_S later."""
    now = time.monotonic()
    for job in jobs:
        if job.child.poll() is not None:
            continue
        if job.interrupted_at is None and now >= job.deadline:
            job.interrupted_at = now
            job.child.interrupt()
        elif job.interrupted_at is not None and now >= job.interrupted_at + GRACE_S:
            job.child.kill()


def next_deadline(jobs: list[Job]) -> float:
    """The earliest moment police() has something to do for one of jobs."""
    return min(j.deadline if j.interrupted_at is None else j.interrupted_at + GRACE_S for j in jobs)
