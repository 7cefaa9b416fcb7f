"""Grade prepared submissions: run the hidden suite for each in a trusted child process, score, resume.

One submission = one child running `pytest hidden_tests/<name> -p grader.pytest_plugin --submission DIR
--grader-results R.json ...` (forked from this process, which has pytest, Hypothesis and numpy imported
already, or a fresh `python -m pytest` where fork does not exist). The child's plugin talks to the
sandboxed worker; this module only reads R.json, so nothing the student wrote runs here.
"""

from __future__ import annotations

import contextlib
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from grader import __version__
from grader.assignment import Assignment, Limits, ManifestError
from grader.reports import write_class_reports, write_student_reports
from grader.results import FunctionScore, SubmissionResult, TestResult
from grader.sharding import select_shard
from grader.submissions import Entry, Prepared, content_hash, prepare, suite_fingerprint

#: Modules the parent imports once so every forked child starts with them loaded.
PRELOAD = ("numpy", "pytest", "hypothesis", "hypothesis.extra.numpy", "grader.pytest_plugin",
           "grader.sandbox.client")
#: Seconds a child gets to write its partial results after being interrupted, before it is killed.
GRACE_S = 5.0
#: Signals that interrupt a batch (Ctrl-C, a cancelled job).
INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


class SelectionError(ValueError):
    """--only or --shard do not match the submissions; the message says which."""


class SandboxError(RuntimeError):
    """The requested confinement level is not available on this machine; the message says why."""


@dataclass(frozen=True)
class GradeOptions:
    """Instructor overrides of the manifest's limits (None: keep the manifest's) and the sandbox level.

    timeout_s: wall seconds for one submission; memory_mb: the worker's address space;
    sandbox: 'auto' or a confinement level '1'..'4'.
    """

    timeout_s: float | None = None
    memory_mb: int | None = None
    sandbox: str = "auto"


@dataclass
class BatchProgress:
    """Where a batch is: students done of total, how many failed to run, the last one finished."""

    done: int
    total: int
    failures: int
    result: SubmissionResult | None = None
    resumed: bool = False


def effective_limits(assignment: Assignment, options: GradeOptions) -> Limits:
    """The manifest's limits with the options applied.

    A shorter submission time also shortens the per-call timeout to at most a quarter of it, so one
    hanging call cannot use up the time the other tests need.
    """
    limits = assignment.limits
    if options.timeout_s is not None:
        limits = replace(limits, submission_timeout_s=float(options.timeout_s),
                         call_timeout_s=min(limits.call_timeout_s, float(options.timeout_s) / 4))
    if options.memory_mb is not None:
        limits = replace(limits, memory_mb=int(options.memory_mb))
    return limits


def batch_fingerprint(assignment: Assignment, options: GradeOptions) -> str:
    """suite_fingerprint plus what the options change: equal values mean equal grading conditions."""
    extra = json.dumps({"limits": asdict(effective_limits(assignment, options)), "sandbox": options.sandbox},
                       sort_keys=True)
    return suite_fingerprint(assignment, extra)


def preload(sandbox: str = "auto") -> str:
    """Import what every child needs and probe the confinement, once, in this process.

    Forked children inherit both (the probe is cached per process). Returns the confinement's
    name ("" where the sandbox package is absent); raises SandboxError when `sandbox` (a level
    '1'..'4') is not available here.
    """
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:
        from grader.sandbox import confine
    except ImportError:
        return ""
    try:
        return confine.probe(sandbox).name
    except ValueError as exc:  # confine.ConfinementError
        raise SandboxError(str(exc)) from None


# ---------------------------------------------------------------- scoring


def score_functions(assignment: Assignment, tests: list[TestResult], complete: bool) -> dict[str, FunctionScore]:
    """Points per graded function from the tests that ran.

    complete: the whole suite ran, so a function's earned share of its tests' points is scaled to the
    manifest's points; otherwise (time limit, crash) points earned are capped at the manifest's, and
    tests that never ran earn nothing. A function with no test run scores 0.
    """
    scores = {}
    for spec in assignment.functions:
        mine = [t for t in tests if t.function == spec.name]
        earned = sum(t.score for t in mine)
        possible = sum(t.max_score for t in mine)
        if not mine or possible <= 0:
            score = 0.0
        elif complete:
            score = spec.points * earned / possible
        else:
            score = min(earned, spec.points)
        scores[spec.name] = FunctionScore(score=round(score, 6), max_score=spec.points)
    return scores


def _tests_from(data) -> list[TestResult]:
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


# ---------------------------------------------------------------- one child


@dataclass
class _Child:
    """A running pytest child: a forked process or a subprocess, in its own process group."""

    pid: int
    process: object
    sentinel: int | None

    def poll(self) -> int | None:
        if isinstance(self.process, subprocess.Popen):
            return self.process.poll()
        return self.process.exitcode

    def interrupt(self) -> None:
        """Ask pytest to stop: SIGINT raises KeyboardInterrupt, and the plugin still writes R.json."""
        _signal(self.pid, signal.SIGINT, group=False)

    def kill(self) -> None:
        """Kill the child and everything left in its process group."""
        _signal(self.pid, signal.SIGKILL, group=True)
        if self.poll() is None:
            _signal(self.pid, signal.SIGKILL, group=False)
        if isinstance(self.process, subprocess.Popen):
            self.process.wait()
        else:
            self.process.join()


def _signal(pid: int, sig, group: bool) -> None:
    try:
        if group and hasattr(os, "killpg"):
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _run_pytest_in_child(args: list[str], log: int, cwd: str, parent: int) -> None:
    """Body of a forked child: own session, output to the log (a file descriptor the parent opened, so
    nothing here can fail before output is redirected), pytest.main, exit with its code."""
    import pytest

    if hasattr(os, "setsid"):
        os.setsid()
    _die_with_parent()
    if os.getppid() != parent:  # the grader died before the line above took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)  # blocked by the parent around fork
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    os.chdir(cwd)
    code = pytest.main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(int(code))


def _die_with_parent() -> None:
    """Linux: have the kernel kill this child if the grader dies (a crash must not leave it running)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _start_child(args: list[str], log: Path, cwd: Path) -> _Child:
    """Start pytest with args: forked from this process where possible, else `python -m pytest`."""
    if "fork" in multiprocessing.get_all_start_methods():
        sys.stdout.flush()
        sys.stderr.flush()
        out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        process = multiprocessing.get_context("fork").Process(
            target=_run_pytest_in_child, args=(args, out, str(cwd), os.getpid()), daemon=False
        )
        # A Ctrl-C landing inside fork's at-fork hooks would be swallowed ("Exception ignored"):
        # hold it until the fork is done, then it interrupts the batch as usual.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
        try:
            process.start()
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            raise
        finally:
            os.close(out)  # the child has its own copy
        child = _Child(process.pid, process, process.sentinel)
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        except KeyboardInterrupt:  # the Ctrl-C held during the fork: no job owns this child yet
            child.kill()
            raise
        return child
    with open(log, "wb") as out:
        popen = subprocess.Popen([sys.executable, "-m", "pytest", *args], stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
    return _Child(popen.pid, popen, None)


def _pytest_args(assignment: Assignment, grader_root: Path, submission: Path, results: Path,
                 sandbox: str = "auto") -> list[str]:
    """The contract's command line for one submission (plus quiet output, no cache, a sandbox level)."""
    return [
        str(assignment.hidden_tests_dir), "-p", "grader.pytest_plugin",
        "--submission", str(submission), "--grader-results", str(results),
        "--assignment", assignment.name, "--grader-root", str(grader_root),
        "-q", "--tb=short", "--no-header", "-p", "no:cacheprovider",
        "-W", "ignore::pytest.PytestAssertRewriteWarning",  # the plugin is pre-imported on purpose
    ] + ([] if sandbox == "auto" else ["--sandbox", sandbox])


def overlay_root(assignment: Assignment, limits: Limits, folder: Path) -> Path:
    """A root whose manifest carries `limits`, everything else linked to the real one.

    The plugin and the sandbox read limits from the manifest, so instructor overrides reach them
    this way without any other channel. Returns the new root (inside folder).
    """
    root = Path(folder) / "root"
    kit = root / "assignments" / assignment.name
    kit.mkdir(parents=True)
    for item in assignment.kit_dir.iterdir():
        if item.name != "assignment.toml":
            (kit / item.name).symlink_to(item.resolve())
    for name in ("reference", "hidden_tests"):
        (root / name).symlink_to((assignment.root / name).resolve())
    original = (assignment.kit_dir / "assignment.toml").read_text(encoding="utf-8")
    (kit / "assignment.toml").write_text(_with_limits(original, limits), encoding="utf-8")
    return root


def _with_limits(manifest: str, limits: Limits) -> str:
    """The manifest text with its [limits] table replaced by limits."""
    kept, skipping = [], False
    for line in manifest.splitlines():
        if re.match(r"\s*\[", line):
            skipping = line.strip() == "[limits]"
        if not skipping:
            kept.append(line)
    table = [f"{key} = {value!r}" for key, value in asdict(limits).items()]
    return "\n".join(kept + ["", "[limits]", *table]) + "\n"


@dataclass
class _Job:
    """One submission being graded."""

    entry: Entry
    prepared: Prepared
    workdir: Path
    digest: str
    child: _Child
    started: float
    deadline: float
    timeout_s: float
    interrupted_at: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def results_path(self) -> Path:
        return self.workdir / "results.json"

    @property
    def log_path(self) -> Path:
        return self.workdir / "pytest.log"


def _launch(entry: Entry, prepared: Prepared, workdir: Path, digest: str, assignment: Assignment,
            grader_root: Path, timeout_s: float, sandbox: str = "auto") -> _Job:
    args = _pytest_args(assignment, grader_root, prepared.folder, workdir / "results.json", sandbox)
    started = time.monotonic()
    child = _start_child(args, workdir / "pytest.log", workdir)
    return _Job(entry, prepared, workdir, digest, child, started, started + timeout_s, timeout_s)


def _collect(job: _Job, assignment: Assignment, logs_dir: Path | None) -> SubmissionResult:
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
    complete = data is not None and not timed_out and code in (0, 1)
    problems = []
    if timed_out:
        problems.append(f"grading stopped after {job.timeout_s:g} s (the submission time limit); "
                        "tests that did not run score 0")
    elif data is None or code not in (0, 1):
        where = _keep_log(job, logs_dir)
        problems.append(f"grading crashed ({_describe_exit(code)}){where}; tests that did not run score 0")
    if data and isinstance(data.get("error"), str) and data["error"]:
        problems.append(data["error"])
    tests = _tests_from(data.get("tests")) if data else []
    functions = score_functions(assignment, tests, complete)
    stdout = data["stdout"] if data and isinstance(data.get("stdout"), str) else ""
    return SubmissionResult(
        student=job.entry.student, assignment=assignment.name,
        score=round(sum(f.score for f in functions.values()), 6), max_score=assignment.max_score,
        tests=tests, functions=functions,
        sandbox=str(data.get("sandbox", "")) if data else "", seed=assignment.seed,
        error="; ".join(job.prepared.notes + problems), stdout=stdout, duration_s=round(duration, 3),
        content_hash=job.digest, grader_version=__version__,
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


def _keep_log(job: _Job, logs_dir: Path | None) -> str:
    """Copy the child's pytest log to logs_dir for the instructor; return ' (see logs/<id>.log)'."""
    if logs_dir is None or not job.log_path.is_file():
        return ""
    logs_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(job.log_path, logs_dir / f"{job.entry.student}.log")
    return f" (see {logs_dir.name}/{job.entry.student}.log)"


def _wait(jobs: list[_Job], until: float) -> None:
    """Sleep until a child exits or `until` (monotonic seconds) passes."""
    timeout = max(0.0, until - time.monotonic())
    sentinels = [j.child.sentinel for j in jobs if j.child.sentinel is not None]
    if sentinels and len(sentinels) == len(jobs):
        multiprocessing.connection.wait(sentinels, timeout=timeout)
    else:
        time.sleep(min(timeout, 0.05))


def _police(jobs: list[_Job]) -> None:
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


def _next_deadline(jobs: list[_Job]) -> float:
    return min(j.deadline if j.interrupted_at is None else j.interrupted_at + GRACE_S for j in jobs)


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
    preload(options.sandbox)
    limits = effective_limits(assignment, options)
    workdir = Path(tempfile.mkdtemp(prefix=f"grader-{_safe(prepared.student)}-"))
    try:
        grader_root = _grader_root(assignment, options, workdir)
        job = _launch(entry, prepared, workdir, digest, assignment, grader_root, limits.submission_timeout_s,
                      options.sandbox)
        while job.child.poll() is None:
            _wait([job], _next_deadline([job]))
            _police([job])
        return _collect(job, assignment, logs_dir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _grader_root(assignment: Assignment, options: GradeOptions, folder: Path) -> Path:
    """The --grader-root for children: the real root, or an overlay when limits are overridden."""
    limits = effective_limits(assignment, options)
    if limits == assignment.limits:
        return assignment.root
    return overlay_root(assignment, limits, folder)


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


def grade_batch(entries: list[Entry], assignment: Assignment, out: Path, jobs: int = 1, force: bool = False,
                only=(), shard: str | None = None, progress_callback=None,
                options: GradeOptions = GradeOptions()) -> list[SubmissionResult]:
    """Grade entries into out; return their results (resumed ones included), in student order.

    jobs: submissions graded at once; force: regrade even when OUT/results/<student>.json has the
    same content hash; only/shard: see select_entries; progress_callback(BatchProgress) after each
    student (and once at the start). Each student's reports are written as soon as it finishes, so
    an interrupted batch keeps everything finished. A broken submission never stops the batch.
    SIGINT/SIGTERM stop it with KeyboardInterrupt (children killed, finished results kept).
    Raises, when the grader cannot run: ManifestError (no hidden tests), SelectionError (only,
    shard), SandboxError (an unavailable sandbox level).
    """
    out = Path(out)
    if not any(assignment.hidden_tests_dir.rglob("test*.py")):
        raise ManifestError(f"{assignment.hidden_tests_dir}: no hidden tests (test*.py) to grade with")
    entries = [e for e in entries if e.path.resolve() != out.resolve()]  # OUT inside SUBMISSIONS
    selected = select_entries(entries, only, shard)
    out.mkdir(parents=True, exist_ok=True)
    fingerprint = batch_fingerprint(assignment, options)
    limits = effective_limits(assignment, options)
    results: dict[str, SubmissionResult] = {}
    progress = BatchProgress(done=0, total=len(selected), failures=0)
    notify = progress_callback or (lambda _progress: None)
    notify(progress)

    def finished(result: SubmissionResult, resumed: bool) -> None:
        results[result.student] = result
        if not resumed:
            write_student_reports(result, out)
        progress.done += 1
        progress.failures += bool(result.error)
        progress.result, progress.resumed = result, resumed
        notify(progress)

    scratch = Path(tempfile.mkdtemp(prefix="grader-batch-"))
    running: list[_Job] = []
    pending = list(selected)
    preloaded = False
    with _interruptible() as interrupted:
        try:
            grader_root = _grader_root(assignment, options, scratch)
            while pending or running:
                if interrupted():  # a Ctrl-C that Python swallowed (e.g. in a finalizer)
                    raise KeyboardInterrupt
                while pending and len(running) < max(1, jobs):
                    entry = pending.pop(0)
                    digest = content_hash(entry, fingerprint)
                    stored = None if force else stored_result(out, entry.student)
                    if stored is not None and stored.content_hash == digest:
                        finished(stored, resumed=True)
                        continue
                    if not preloaded:  # only when something needs grading: a resumed batch skips the cost
                        preload(options.sandbox)
                        preloaded = True
                    workdir = Path(tempfile.mkdtemp(prefix=f"{_safe(entry.student)}-", dir=scratch))
                    prepared = prepare(entry, workdir, assignment)
                    if prepared.error:
                        finished(grade_submission(prepared, assignment, options, digest, entry), resumed=False)
                        shutil.rmtree(workdir, ignore_errors=True)
                        continue
                    running.append(_launch(entry, prepared, workdir, digest, assignment, grader_root,
                                           limits.submission_timeout_s, options.sandbox))
                if not running:
                    continue
                _wait(running, _next_deadline(running))
                _police(running)
                for job in [j for j in running if j.child.poll() is not None]:
                    running.remove(job)
                    job.child.kill()  # reap it and anything left in its process group
                    finished(_collect(job, assignment, out / "logs"), resumed=False)
                    shutil.rmtree(job.workdir, ignore_errors=True)
        finally:
            for job in running:
                job.child.kill()
            shutil.rmtree(scratch, ignore_errors=True)
    write_class_reports(class_results(entries, results, out, shard), assignment, out)
    return [results[e.student] for e in selected]


def class_results(entries: list[Entry], fresh: dict[str, SubmissionResult], out: Path,
                  shard: str | None = None) -> list[SubmissionResult]:
    """The results the class reports cover: every entry of the shard (--only does not shrink it),
    freshly graded or stored in OUT/results from an earlier run; entries never graded are left out."""
    chosen = select_entries(entries, (), shard)
    found = [fresh.get(e.student) or stored_result(out, e.student) for e in chosen]
    return [r for r in found if r is not None]
