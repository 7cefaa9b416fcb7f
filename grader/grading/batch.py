"""Grade one prepared submission, or a whole class: selection (--only, --shard), resume from stored
results, parallel children, interrupts, and the reports written as each student finishes."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader import i18n
from grader.assignment import Assignment, ManifestError
from grader.grading import reference_run
from grader.grading.child import INTERRUPTS, preload, pytest_args
from grader.grading.consistency import ensure_consistent
from grader.grading.jobs import Job, collect, launch, next_deadline, police, wait
from grader.grading.options import GradeOptions, batch_fingerprint, effective_limits
from grader.grading.scoring import failed_result
from grader.grading.suite import load_suite, suite_state
from grader.i18n import Messages
from grader.reports import write_class_reports, write_student_reports
from grader.results import SubmissionResult
from grader.sandbox.scratch import Scratch, clean_stale
from grader.sharding import select_shard
from grader.submissions import Entry, Prepared, content_hash, prepare


class SelectionError(ValueError):
    """--only or --shard do not match the submissions; the message says which."""


@dataclass
class BatchProgress:
    """Where a batch is: students done of total, how many failed to run, the last one finished."""

    done: int
    total: int
    failures: int
    result: SubmissionResult | None = None
    resumed: bool = False
    cleaned: tuple[Path, ...] = ()  # temporary folders of dead grader runs removed at the start


# ---------------------------------------------------------------- one submission


def grade_submission(prepared: Prepared, assignment: Assignment, options: GradeOptions = GradeOptions(),
                     digest: str = "", entry: Entry | None = None, logs_dir: Path | None = None
                     ) -> SubmissionResult:
    """Grade one prepared submission with the hidden suite; never raises for a bad submission.

    digest: the content hash stored in the result (for resuming); entry: where it came from.
    """
    if prepared.error or prepared.folder is None:
        return failed_result(prepared.student, assignment, "; ".join([*prepared.notes, prepared.error]),
                             content_hash=digest)
    entry = entry or Entry(prepared.student, prepared.folder, "folder")
    ensure_consistent(assignment)
    load_once(assignment, options)
    scratch = Scratch(f"{_safe(prepared.student)}-")
    workdir = scratch.path
    try:
        job = launch(entry, prepared, workdir, digest, assignment, effective_limits(assignment, options),
                     options.sandbox)
        while job.child.poll() is None:
            wait([job], next_deadline([job]))
            police([job])
        return collect(job, assignment, logs_dir)
    finally:
        scratch.remove()


def load_once(assignment: Assignment, options: GradeOptions) -> None:
    """What every child of a batch starts with: the imports and the workers' fork server (preload), the
    collected suite and its replayed examples (load_suite), and what the suite's run on the reference
    found (grader.grading.reference_run): the session fixtures shared by the whole batch, the reference's
    time on each call (the calls' calibrated deadlines)."""
    preload(options.sandbox)
    load_suite(assignment, options.replay)
    limits = effective_limits(assignment, options)
    args = reference_run.reference_args(assignment, limits, options.sandbox, pytest_args)
    reference_run.prepare(args, suite_state(assignment), limits.submission_timeout_s)


def _safe(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", student)[:40]


# ---------------------------------------------------------------- a batch


@contextlib.contextmanager
def _interruptible():
    """While a batch runs, SIGINT and SIGTERM raise KeyboardInterrupt; yields a function telling
    whether one arrived, so the batch loop can raise again if Python swallowed the first raise
    (a signal landing in a finalizer). Outside the main thread, signals are left alone."""
    seen = []

    def handler(signum, frame):
        seen.append(signum)
        raise KeyboardInterrupt

    previous = {}
    try:
        for sig in INTERRUPTS:
            previous[sig] = signal.signal(sig, handler)
    except ValueError:  # not the main thread
        pass
    try:
        yield lambda: bool(seen)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def select_entries(entries: list[Entry], only=(), shard: str | None = None) -> list[Entry]:
    """The entries to grade: the shard's share (see grader.sharding), then those named by only."""
    chosen = entries
    if shard:
        ids = set(select_shard([e.student for e in entries], shard))
        chosen = [e for e in chosen if e.student in ids]
    if only:
        known = {e.student for e in entries}
        unknown = [s for s in only if s not in known]
        if unknown:
            raise SelectionError(f"no submission for {', '.join(map(repr, unknown))} "
                                 f"(students: {', '.join(sorted(known)) or 'none'})")
        chosen = [e for e in chosen if e.student in set(only)]
    return chosen


def stored_result(out: Path, student: str) -> SubmissionResult | None:
    """The result already in OUT/results/<student>.json, or None when absent or unreadable."""
    try:
        return SubmissionResult.from_json(json.loads((out / "results" / f"{student}.json").read_text("utf-8")))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def feedback_messages(assignment: Assignment, lang: str | None) -> Messages:
    """The catalogues of the feedback's language: `lang`, else the manifest's [feedback] lang."""
    return i18n.messages(lang or assignment.lang, assignment.hidden_tests_dir / "locale")


def grade_batch(entries: list[Entry], assignment: Assignment, out: Path, jobs: int = 1, force: bool = False,
                only=(), shard: str | None = None, progress_callback=None,
                options: GradeOptions = GradeOptions()) -> list[SubmissionResult]:
    """Grade entries into out; return their results (resumed ones included), in student order.

    jobs: submissions graded at once; force: regrade even when OUT/results/<student>.json has the
    same content hash; only/shard: see select_entries; progress_callback(BatchProgress) after each
    student (and once at the start). Each student's reports are written as soon as it finishes, so
    an interrupted batch keeps everything finished. A broken submission never stops the batch.
    SIGINT/SIGTERM stop it with KeyboardInterrupt (children killed, finished results kept).
    Raises, when the grader cannot run: ManifestError (no hidden tests; SuiteError, a subclass: the
    suite's markers disagree with the manifest), SelectionError (only, shard), SandboxError (an
    unavailable sandbox level).
    """
    out = Path(out)
    if not any(assignment.hidden_tests_dir.rglob("test*.py")):
        raise ManifestError(f"{assignment.hidden_tests_dir}: no hidden tests (test*.py) to grade with")
    ensure_consistent(assignment)
    entries = [e for e in entries if e.path.resolve() != out.resolve()]  # OUT inside SUBMISSIONS
    selected = select_entries(entries, only, shard)
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = batch_fingerprint(assignment, options)
    limits = effective_limits(assignment, options)
    messages = feedback_messages(assignment, options.lang)
    results: dict[str, SubmissionResult] = {}
    # What a grader killed earlier (SIGKILL: no cleanup ran) left in the temporary folder.
    progress = BatchProgress(done=0, total=len(selected), failures=0, cleaned=tuple(clean_stale()))
    notify = progress_callback or (lambda _progress: None)
    notify(progress)

    def finished(result: SubmissionResult, resumed: bool) -> None:
        results[result.student] = result
        write_student_reports(result, out, messages, feedback_only=resumed)
        progress.done += 1
        progress.failures += bool(result.error)
        progress.result, progress.resumed = result, resumed
        notify(progress)

    batch_scratch = Scratch("batch-")
    scratch = batch_scratch.path
    running: list[Job] = []
    pending = list(selected)
    preloaded = False
    with _interruptible() as interrupted:
        try:
            while pending or running:
                if interrupted():  # a Ctrl-C that Python swallowed (e.g. in a finalizer)
                    raise KeyboardInterrupt
                while pending and len(running) < max(1, jobs):
                    entry = pending.pop(0)
                    digest = content_hash(entry, fingerprint, assignment)
                    stored = None if force else stored_result(out, entry.student)
                    if stored is not None and stored.content_hash == digest:
                        finished(stored, resumed=True)
                        continue
                    if not preloaded:  # only when something needs grading: a resumed batch skips the cost
                        load_once(assignment, options)
                        preloaded = True
                    workdir = Path(tempfile.mkdtemp(prefix=f"{_safe(entry.student)}-", dir=scratch))
                    prepared = prepare(entry, workdir, assignment)
                    if prepared.error:
                        finished(grade_submission(prepared, assignment, options, digest, entry), resumed=False)
                        shutil.rmtree(workdir, ignore_errors=True)
                        continue
                    running.append(launch(entry, prepared, workdir, digest, assignment, limits, options.sandbox))
                if not running:
                    continue
                wait(running, next_deadline(running))
                police(running)
                for job in [j for j in running if j.child.poll() is not None]:
                    running.remove(job)
                    job.child.kill()  # reap it and anything left in its process group
                    finished(collect(job, assignment, out / "logs"), resumed=False)
                    shutil.rmtree(job.workdir, ignore_errors=True)
        finally:
            for job in running:
                job.child.kill()
            batch_scratch.remove()
    write_class_reports(class_results(entries, results, out, shard), assignment, out)
    return [results[e.student] for e in selected]


def class_results(entries: list[Entry], fresh: dict[str, SubmissionResult], out: Path,
                  shard: str | None = None) -> list[SubmissionResult]:
    """The results the class reports cover: every entry of the shard (--only does not shrink it),
    freshly graded or stored in OUT/results from an earlier run; entries never graded are left out."""
    chosen = select_entries(entries, (), shard)
    found = [fresh.get(e.student) or stored_result(out, e.student) for e in chosen]
    return [r for r in found if r is not None]
