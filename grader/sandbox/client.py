"""The trusted side of the sandbox: run one submission in a worker process and call its functions.

`WorkerClient` copies the submission's regular .py files into a private temporary folder, starts
the worker there (confined as grader.sandbox.confine decides, limited as grader.sandbox.limits says),
and turns every call into a CALL frame. Whatever the worker does (raise, hang, crash, flood its
output, send garbage) the grader gets a value or a `StudentError` with a clear message; the worker
is killed with its whole process group and restarted for the next call, so partial credit survives.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import Limits
from grader.sandbox import call_times, confine, pausing, zygote
from grader.sandbox.bootstrap import program
from grader.sandbox.changes import call_changes, top_level
from grader.sandbox.limits import clean_env, rlimits
from grader.sandbox.protocol import (
    DEFAULT_CAPS,
    Caps,
    Frame,
    MsgType,
    ProtocolError,
    Unsupported,
    frame_parts,
    read_frame,
    value_parts,
)
from grader.sandbox.quota import QUOTA_TICK_S, DiskQuota, QuotaExceeded
from grader.sandbox.scratch import Scratch, remove_tree

#: The most buffers one writev(2) takes.
IOV_MAX = os.sysconf("SC_IOV_MAX") if "SC_IOV_MAX" in os.sysconf_names else 16

#: Longest text taken from the worker for one message (characters).
MAX_MESSAGE = 4000
#: The size caps when no manifest says otherwise (the same defaults preparation uses).
DEFAULT_LIMITS = Limits()
#: Wall seconds a worker may take to start (Python + numpy) before its first student import.
START_TIMEOUT_S = 60.0
#: Processes the worker's own user may have (only set when workers run as a dedicated user: the
#: limit counts every process of that user, so it stops fork bombs without touching anyone else).
WORKER_USER_NPROC = 256
#: Share of the submission's time split evenly between its graded functions (the rest is the trusted
#: side's own work): each function gets submission_timeout_s * FUNCTION_SHARE / number of functions.
FUNCTION_SHARE = 0.8
#: Room for C-level writes past the output cap before RLIMIT_FSIZE stops them (bytes).
OUTPUT_SLACK = 4096
#: Size the grader asks for its pipes (bytes): a reply this big may sit written but not yet read.
PIPE_BYTES = 1024 * 1024


class StudentError(Exception):
    """A call into student code failed. str() is the message a student reads.

    function: the graded function called; kind: "exception" (it raised), "timeout", "budget"
    (the submission's time is spent), "crash" (the worker died), "missing" (file or function
    absent), "unreadable" (a reply the grader cannot use); traceback: the student's own frames.
    """

    def __init__(self, message: str, function: str = "", kind: str = "exception", traceback: str = ""):
        super().__init__(message)
        self.function = function
        self.kind = kind
        self.traceback = traceback


class GraderFault(RuntimeError):
    """The grader itself failed, not the student: a hidden test passed a value the protocol cannot
    carry (say, a dict with int keys). The message is for the instructor; a student reads that the
    check could not run, never that it is their mistake."""


class _Timeout(Exception):
    pass


class _Eof(Exception):
    pass


@dataclass
class _Worker:
    """A running worker: its process and the grader's ends of the two pipes (non-blocking)."""

    proc: subprocess.Popen | zygote.ForkedWorker
    read_fd: int
    write_fd: int
    measured_pid: int | None = None  # the worker's own pid when the grader started it directly
    received: int = 0  # bytes the grader read from it
    paused: bool = False  # stopped (SIGSTOP) between calls (grader.sandbox.pausing)
    checked: float = 0.0  # when its quota was last checked (monotonic seconds)


def copy_submission(source: Path, target: Path, files: tuple[str, ...], limits: Limits = DEFAULT_LIMITS) -> dict[str, str]:
    """Copy source's top-level regular .py files (no symlinks; the manifest's size caps, the same ones
    preparation applies: limits.file_bytes per file, limits.submission_bytes in all) into target.

    Returns {manifest file: problem} for the files in `files` that were not copied."""
    target.mkdir(mode=0o755)
    problems = {file: "missing from the submission" for file in files}
    total = 0
    try:
        entries = sorted(os.scandir(source), key=lambda e: e.name)
    except OSError as exc:
        return {file: f"the submission folder cannot be read ({exc.strerror})" for file in files}
    for entry in entries:
        if not entry.name.endswith(".py") or entry.name.startswith("."):
            continue
        problem = _copy_one(Path(entry.path), target / entry.name, limits.file_bytes)
        if isinstance(problem, int) and total + problem > limits.submission_bytes:
            (target / entry.name).unlink()
            problem = f"over the {limits.submission_kb} KiB limit for a whole submission (not graded)"
        if isinstance(problem, int):
            total += problem
            problems.pop(entry.name, None)
        elif entry.name in problems:
            problems[entry.name] = problem
    return problems


def supply_provided(assignment, target: Path) -> None:
    """Copy the assignment's provided files (finished kit code) into target, replacing the student's copies."""
    for file in getattr(assignment, "provided_files", ()):
        source = assignment.kit_dir / file
        if source.is_file():
            shutil.copyfile(source, target / file)
            (target / file).chmod(0o644)


def _copy_one(source: Path, target: Path, cap: int) -> int | str:
    """Copy one regular file of at most cap bytes without following symlinks: its size, or why it was
    not copied (the message a student reads after the file's name)."""
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        return "a symbolic link (not copied)" if os.path.islink(source) else f"unreadable ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return "not a regular file (not copied)"
        data = handle.read(cap + 1) if info.st_size <= cap else b""
    if info.st_size > cap or len(data) > cap:
        return f"{max(info.st_size, len(data)) // 1024} KiB, over the {cap // 1024} KiB limit for one file (not graded)"
    target.write_bytes(data)
    target.chmod(0o644)
    return len(data)


#: Started as `python -s -B -c BOOTSTRAP GRADER_PACKAGE_DIR READ_FD WRITE_FD CONFIG` (grader.sandbox.bootstrap).
BOOTSTRAP = program("from grader.sandbox.worker import run\nrun(sys.argv[2:])\n")


def describe_exit(returncode: int | None, cpu_s: float) -> str:
    """How a worker ended, in words ('crashed (signal 11, SIGSEGV)')."""
    if returncode is None:
        return "stopped answering"
    if returncode < 0 or 128 < returncode < 128 + signal.NSIG:  # a wrapper (bubblewrap) reports 128 + signal
        number = -returncode if returncode < 0 else returncode - 128
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown signal"
        if name == "SIGXCPU":
            return f"ran out of CPU time ({cpu_s:g} s)"
        if name == "SIGKILL":
            return "was killed (SIGKILL: out of memory or CPU time)"
        return f"crashed (signal {number}, {name})"
    return f"exited with status {returncode}"


class WorkerClient:
    """One submission's worker, seen from the grader.

    client = WorkerClient(Path("submissions/alice"), assignment)
    loss, dW = client.call("my_loss", W, X, y, 0.1)   # or StudentError
    client.last_call_mutated   # positions (and keyword names) of arguments the call modified
    client.last_call_changes   # where: paths such as (2, "velocity") for config["velocity"]
    client.last_call_arguments # (args, kwargs) as the call left them, rebuilt from the worker's reply
    client.problems            # {file: why it could not be used}, e.g. a SyntaxError at import
    client.output()            # the worker's captured stdout + stderr, capped
    client.close()             # kill the process group, remove the private copy
    """

    def __init__(self, submission_dir: Path, assignment, *, confinement=None, limits=None,
                 caps: Caps = DEFAULT_CAPS, python: str = sys.executable, max_crashes: int = 3):
        self.assignment = assignment
        self.limits = limits or assignment.limits
        self.confinement = confinement or confine.probe()
        self.caps = caps
        self.python = python
        self.max_crashes = max_crashes
        self._scratch = Scratch("worker-", mode=0o711)
        self.root = self._scratch.path
        self.source = Path(submission_dir)
        self.copy_dir = self.root / "submission"
        self.output_path = self.root / "output.txt"
        self.problems: dict[str, str] = copy_submission(self.source, self.copy_dir, assignment.files, self.limits)
        supply_provided(assignment, self.copy_dir)
        self.quota = DiskQuota(self.copy_dir, int(self.limits.disk_kb) * 1024,
                               allowance=self.output_bytes + OUTPUT_SLACK + PIPE_BYTES)
        self.quota.reset()
        self.functions_found: tuple[str, ...] = ()
        self.last_call_mutated: tuple = ()
        self.last_call_changes: tuple = ()
        self.last_call_arguments: tuple[tuple, dict] = ((), {})
        self._worker: _Worker | None = None
        self._fatal = ""  # set when no call can run any more: the message every call raises
        self._fatal_kind = "crash"
        self._broken: dict[str, tuple[str, str]] = {}  # circuit breaker: function -> (message, kind)
        self._crashes: Counter = Counter()
        self._spent: Counter = Counter()  # seconds per account: a function's name, or "" for the first start
        self._account = ""  # whose time is being spent now
        self._restart_owner = ""  # the function whose failure stopped the last worker: it pays the restart
        self._closed_output: str | None = None
        self._buffer = bytearray()  # reused for every reply: decoding copies what it keeps

    # ------------------------------------------------------------------------------- public API

    @property
    def output_bytes(self) -> int:
        return int(self.limits.output_kb) * 1024

    @property
    def pid(self) -> int | None:
        """The running worker's pid, which is also its process group id; None when none runs."""
        return self._worker.proc.pid if self._worker is not None else None

    def start(self) -> None:
        """Start the worker now (calls start it when needed): load problems are known afterwards."""
        self._account = ""
        self._timed(self._ensure_worker)

    def call(self, function: str, *args, **kwargs):
        """function(*args, **kwargs) run by the worker: its plain value, or StudentError.

        Every StudentError is raised from this one line with no chained context, so Hypothesis sees
        one failure whether a call timed out or the circuit breaker refused it."""
        try:
            return self._call(function, args, kwargs)
        except StudentError as exc:
            error = exc
        error.__context__ = error.__cause__ = None
        raise error.with_traceback(None)

    def _call(self, function: str, args: tuple, kwargs: dict):
        if self._closed_output is not None:
            raise RuntimeError(f"call({function!r}) after close(): this WorkerClient is closed")
        self.last_call_mutated, self.last_call_changes, self.last_call_arguments = (), (), ((), {})
        if function in self._broken:
            message, kind = self._broken[function]
            raise StudentError(message, function, kind)
        if self._worker is None and self._restart_owner not in ("", function):
            self._account = self._restart_owner  # the function that stopped the last worker pays its restart
            self._timed(self._ensure_worker)
        self._restart_owner = ""
        if self._worker is None and not self._fatal:
            self._account = function
            self._timed(self._ensure_worker)
        if self._fatal:
            raise StudentError(self._fatal, function, self._fatal_kind)
        if self._remaining_budget(function) <= 0:
            self._broken.setdefault(function, (self._budget_message(function), "budget"))
        if function in self._broken:
            message, kind = self._broken[function]
            raise StudentError(message, function, kind)
        if self._worker is None:  # its own time ran out while the worker was starting
            raise StudentError(self._budget_message(function), function, "budget")
        self._account = function
        frame, after, unchanged = self._timed(lambda: self._exchange(function, args, kwargs))
        if after is not None:
            self._record_changes(function, args, kwargs, after, unchanged)
        return self._interpret(function, frame)

    def output(self) -> str:
        """The worker's stdout and stderr so far (all restarts), capped at the manifest's output_kb."""
        if self._closed_output is not None:
            return self._closed_output
        try:
            with open(self.output_path, "rb") as handle:
                data = handle.read(self.output_bytes + 1)
        except OSError:
            return ""
        text = data[: self.output_bytes].decode("utf-8", "replace")
        if len(data) > self.output_bytes:
            text += f"\n[output truncated at {self.limits.output_kb} KiB]"
        return text

    def load_summary(self) -> str:
        """One line per manifest file that could not be used: 'my_loss.py: SyntaxError line 3: ...'."""
        return "\n".join(f"{file}: {problem}" for file, problem in self.problems.items())

    def close(self) -> None:
        """Kill the worker's process group and remove the private copy (output() still works)."""
        if self._worker is not None:
            self._kill(self._worker)
            self._worker = None
        if self._closed_output is None:
            self._closed_output = self.output()
            self._scratch.remove()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------------------- the worker

    def _timed(self, step):
        """step(), its wall time charged to the current account."""
        account, began = self._account, time.monotonic()
        try:
            return step()
        finally:
            self._spent[account] += time.monotonic() - began

    def _share(self, account: str) -> float:
        """Seconds an account may spend: an even share of the submission's time per graded function,
        so one slow function never takes another's time, whatever the order of the calls; the first
        start (before any call) is bounded by START_TIMEOUT_S and the per-file import timeout."""
        total = float(self.limits.submission_timeout_s)
        if not account:
            return total
        return total * FUNCTION_SHARE / max(1, len(self.assignment.functions))

    def _remaining_budget(self, account: str | None = None) -> float:
        account = self._account if account is None else account
        return self._share(account) - self._spent[account]

    def _out_of_budget(self) -> None:
        """The current account has no time left: its function stops being called (or, before any call,
        nothing can run)."""
        if self._account:
            self._broken.setdefault(self._account, (self._budget_message(self._account), "budget"))
        else:
            self._fatal, self._fatal_kind = self._budget_message(""), "budget"

    def _spawn(self) -> _Worker | None:
        worker_read, grader_write = os.pipe()
        grader_read, worker_write = os.pipe()
        config = {
            "files": list(self.assignment.files),
            "functions": {spec.name: spec.file for spec in self.assignment.functions},
            "problems": self.problems,
            "rlimits": rlimits(self.limits, self.output_bytes + OUTPUT_SLACK,
                               nproc=WORKER_USER_NPROC if getattr(self.confinement, "user", None) else None),
            "output_bytes": self.output_bytes,
            "caps": vars(self.caps),
            "confine": self.confinement.worker_config(),
        }
        package = str(Path(__file__).resolve().parent.parent)
        argv = [self.python, "-s", "-B", "-c", BOOTSTRAP, package,
                str(worker_read), str(worker_write), json.dumps(config)]
        output = os.open(self.output_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            proc = self._fork(worker_read, worker_write, output, config)
            proc = proc or subprocess.Popen(
                self.confinement.command(argv, self.copy_dir),
                cwd=self.copy_dir,
                env=clean_env(home=str(self.copy_dir)),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                pass_fds=(worker_read, worker_write),
                start_new_session=True,
                **self.confinement.popen_kwargs(),
            )
        except OSError as exc:
            os.close(grader_read)
            os.close(grader_write)
            self._fatal = f"the worker could not be started: {exc}"
            return None
        finally:
            for fd in (output, worker_read, worker_write):
                os.close(fd)
        for fd in (grader_read, grader_write):
            os.set_blocking(fd, False)
            if hasattr(fcntl, "F_SETPIPE_SZ"):
                try:
                    fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
                except OSError:
                    pass
        measured = proc.pid if self.confinement.bwrap is None else None
        return _Worker(proc, grader_read, grader_write, measured, checked=time.monotonic())

    def _fork(self, worker_read: int, worker_write: int, output: int, config: dict):
        """The worker forked from the grader's zygote (grader.sandbox.zygote) when one runs and fits (this
        Python, no bubblewrap), else None: it then starts as a fresh process."""
        server = zygote.current()
        if server is None or server.python != self.python or self.confinement.bwrap is not None:
            return None
        self.confinement.hand_over(self.copy_dir)
        try:
            return server.spawn(self.copy_dir, clean_env(home=str(self.copy_dir)), (worker_read, worker_write, output),
                                json.dumps(config), self.confinement.user)
        except OSError:
            return None

    def _ensure_worker(self) -> None:
        """Start a worker unless one runs; a file whose import hangs or kills the worker is recorded
        in problems and left out of the next start, so the other files still load."""
        while self._worker is None and not self._fatal:
            if self._remaining_budget() <= 0:
                self._out_of_budget()
                return
            worker = self._spawn()
            if worker is None:
                return
            loading = ""
            try:
                deadline = self._deadline(START_TIMEOUT_S)
                while True:
                    frame = self._read_frame(worker, deadline)
                    if frame.type == MsgType.LOADING and _is_text_tuple(frame.items, 1):
                        loading = frame.items[0]
                        deadline = self._deadline(self.limits.call_timeout_s)
                    elif frame.type == MsgType.READY and len(frame.items) == 2:
                        pausing.stop_soon(worker)
                        self._check_quota(worker, force=True)
                        self._accept_ready(frame.items)
                        self._worker = worker
                        break
                    else:
                        raise ProtocolError(f"unexpected {frame.type.name} frame while loading")
            except (_Timeout, _Eof, ProtocolError, QuotaExceeded) as exc:
                ending = self._stop(worker, exc)
                if loading in self.assignment.files and loading not in self.problems:
                    self.problems[loading] = (
                        f"importing it did not finish within {self.limits.call_timeout_s:g} s"
                        if isinstance(exc, _Timeout) else f"importing it {ending}")
                elif self._remaining_budget() <= 0:
                    self._out_of_budget()
                    return
                else:
                    self._fatal = f"the worker could not start: it {ending}" + _tail(self.output())

    def _accept_ready(self, items: tuple) -> None:
        problems, found = items
        if not (isinstance(problems, tuple) and all(_is_text_tuple(p, 2) for p in problems)
                and _is_text_tuple(found, len(found))):
            raise ProtocolError("malformed READY frame")
        files = set(self.assignment.files)
        self.problems.update({f: p[:MAX_MESSAGE] for f, p in problems if f in files})
        self.functions_found = tuple(found)

    def _deadline(self, seconds: float) -> float:
        return time.monotonic() + max(0.0, min(float(seconds), self._remaining_budget()))

    def _budget_message(self, account: str) -> str:
        if not account:
            return f"the submission used up its {self.limits.submission_timeout_s:g} s time budget"
        return f"{account} used up its {self._share(account):g} s share of the submission's time"

    def _exchange(self, function: str, args: tuple, kwargs: dict) -> tuple[Frame, Frame | None]:
        """Send one CALL and read its reply and, after a RESULT or ERROR, the ARGUMENTS frame; on
        timeout/EOF/garbage stop the worker and raise StudentError. Arguments the protocol cannot
        carry are the hidden test's bug: GraderFault, raised before anything is sent."""
        try:
            parts = frame_parts(MsgType.CALL, (function, tuple(args), tuple(kwargs.items())), self.caps, strict=True)
        except ProtocolError as exc:
            raise GraderFault(f"the grader cannot send the arguments of {function} to the worker: {exc}") from None
        worker = self._worker
        frame_key = call_times.frame_key(parts)
        seconds = self._allowed_s(frame_key)
        by_budget = self._remaining_budget() < seconds
        deadline = self._deadline(seconds)
        try:
            pausing.resume(worker)
            self._write(worker, parts, deadline)
            reply = self._read_frame(worker, deadline)
            after, raw = None, [] if frame_key is not None else None  # a large call's bytes are never copied
            if reply.type in (MsgType.RESULT, MsgType.ERROR):
                after = self._read_frame(worker, deadline, raw)
                if after.type != MsgType.ARGUMENTS:
                    raise ProtocolError(f"a {after.type.name} frame where the call's arguments belong")
                if not _matches_call(after.items, len(args), kwargs):
                    raise ProtocolError("the arguments sent back do not match the call")
            pausing.stop_soon(worker)
            self._check_quota(worker, force=True)
            return reply, after, after is not None and _same_arguments(parts, function, raw, self.caps)
        except (_Timeout, _Eof, ProtocolError, QuotaExceeded) as exc:
            ending = self._stop(worker, exc)
            raise self._call_failure(function, exc, ending, by_budget, seconds) from None

    def _allowed_s(self, frame_key: bytes | None) -> float:
        """Wall seconds this call may take: the call timeout, or less where the reference made the same
        call in this batch's reference run (grader.sandbox.call_times; frame_key None: a large call,
        never keyed)."""
        reference_s = None if frame_key is None else call_times.reference_seconds(frame_key)
        if reference_s is None:
            return float(self.limits.call_timeout_s)
        return call_times.allowed_s(reference_s, float(self.limits.reference_time_factor),
                                    float(self.limits.reference_time_floor_s), float(self.limits.call_timeout_s))

    def _record_changes(self, function: str, args: tuple, kwargs: dict, after: Frame, unchanged: bool) -> None:
        """Compare the arguments as the call left them with what was sent (both held here); unchanged: the
        ARGUMENTS frame holds exactly the bytes the CALL frame sent them as, so nothing changed."""
        args_after, kwargs_after = after.items[0], dict(after.items[1])
        self.last_call_arguments = (args_after, kwargs_after)
        self.last_call_changes = () if unchanged else call_changes(args, kwargs, args_after, kwargs_after, self.caps)
        self.last_call_mutated = top_level(self.last_call_changes)

    def _call_failure(self, function: str, exc: Exception, ending: str, by_budget: bool = False,
                      seconds: float | None = None) -> StudentError:
        self._restart_owner = function
        if isinstance(exc, _Timeout):
            if by_budget:
                message = self._budget_message(function)
                self._broken[function] = (message, "budget")
                return StudentError(message, function, "budget")
            if seconds is not None and seconds < self.limits.call_timeout_s:
                message = (f"{function} did not return within {seconds:g} s (a call may take "
                           f"{self.limits.reference_time_factor:g}x the reference's time on the same input, "
                           f"at least {self.limits.reference_time_floor_s:g} s)")
            else:
                message = f"{function} did not return within {self.limits.call_timeout_s:g} s"
            self._broken[function] = (message, "timeout")
            return StudentError(message, function, "timeout")
        if isinstance(exc, QuotaExceeded):
            message = f"{function} {exc}; the submission's folder was reset and {function} is not called again"
            self._broken[function] = (message, "quota")
            return StudentError(message, function, "quota")
        if isinstance(exc, ProtocolError):
            message = f"the worker sent an unreadable reply during {function}: {exc}"
        else:
            message = f"the worker {ending} during {function}"
        self._crashes[function] += 1
        if self._crashes[function] >= self.max_crashes:
            self._broken[function] = (message, "crash")
        return StudentError(message, function, "crash")

    def _interpret(self, function: str, frame: Frame):
        items = frame.items
        if frame.type == MsgType.RESULT and len(items) == 1:
            unsupported = _find_unsupported(items[0])
            if unsupported is not None:
                raise StudentError(f"{function} returned a {unsupported.type_name}, which the grader cannot "
                                   "read (return floats, ints, numpy arrays, and tuples, lists or str-keyed "
                                   "dicts of them)", function, "unreadable")
            return items[0]
        if frame.type == MsgType.ERROR and _is_text_tuple(items, 3):
            kind, message, trace = (text[:MAX_MESSAGE] for text in items)
            if kind == "UnreadableResult":
                raise StudentError(f"{function} {message}", function, "unreadable")
            text = f"{function} raised {kind}: {message}" if message else f"{function} raised {kind}"
            raise StudentError(text + (f"\n{trace}" if trace else ""), function, "exception", trace)
        if frame.type == MsgType.NOT_FOUND and _is_text_tuple(items, 1):
            raise StudentError(items[0][:MAX_MESSAGE], function, "missing")
        ending = self._stop(self._worker, ProtocolError("bad reply"))
        raise self._call_failure(function, ProtocolError(f"a malformed {frame.type.name} frame"), ending)

    # ------------------------------------------------------------------------------ plumbing

    def _write(self, worker: _Worker, parts: list, deadline: float) -> None:
        """Write a frame's buffers in order with as few system calls as the pipe allows (one writev per
        IOV_MAX buffers while the pipe has room), waiting for room until the deadline."""
        views = [view for view in (memoryview(part).cast("B") for part in parts) if view.nbytes]
        first = 0
        while first < len(views):
            try:
                written = os.writev(worker.write_fd, views[first:first + IOV_MAX])
            except BlockingIOError:
                self._wait(worker, worker.write_fd, select.POLLOUT, deadline)
                continue
            except (BrokenPipeError, ConnectionResetError):
                raise _Eof() from None
            while written and written >= views[first].nbytes:
                written -= views[first].nbytes
                first += 1
            if written:
                views[first] = views[first][written:]

    def _read_frame(self, worker: _Worker, deadline: float, raw: list | None = None) -> Frame:
        """The next frame from the worker; raw (if given) receives a copy of each chunk read: header, payload."""
        def read_exact(n: int) -> memoryview:
            if len(self._buffer) < n:
                self._buffer = bytearray(n)
            view = memoryview(self._buffer)[:n]
            got = 0
            while got < n:
                try:
                    count = os.readv(worker.read_fd, [view[got:]])
                except BlockingIOError:
                    self._wait(worker, worker.read_fd, select.POLLIN, deadline)
                    continue
                if count == 0:
                    raise _Eof()
                got += count
                worker.received += count
            if raw is not None:
                raw.append(bytes(view))
            return view

        return read_frame(read_exact, self.caps)

    def _wait(self, worker: _Worker, fd: int, event: int, deadline: float) -> None:
        """Wait until fd is ready, checking the disk quota every QUOTA_TICK_S; _Timeout after deadline."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout()
        poller = select.poll()
        poller.register(fd, event)
        poller.poll(min(remaining, QUOTA_TICK_S) * 1000)
        self._check_quota(worker)

    def _check_quota(self, worker: _Worker, force: bool = False) -> None:
        """QuotaExceeded when the submission wrote more than its disk quota (checked at most every tick)."""
        now = time.monotonic()
        if force or now - worker.checked >= QUOTA_TICK_S:
            worker.checked = now
            self.quota.check(worker.measured_pid, worker.received)

    def _stop(self, worker: _Worker, exc: Exception) -> str:
        """Kill the worker after a failure; how it ended, in words. After a quota breach the private
        copy is reset to the submission's files, so the next worker starts with a clean folder."""
        returncode = None
        if isinstance(exc, _Eof):
            returncode = _exit_status(worker.proc, timeout=2.0)
        self._kill(worker)
        if self._worker is worker:
            self._worker = None
        if isinstance(exc, QuotaExceeded):
            remove_tree(self.copy_dir)
            copy_submission(self.source, self.copy_dir, self.assignment.files, self.limits)
            supply_provided(self.assignment, self.copy_dir)
            self.quota.reset()
            return str(exc)
        return describe_exit(returncode, self.limits.cpu_s)

    @staticmethod
    def _kill(worker: _Worker) -> None:
        """SIGKILL the worker's whole process group, reap it, close the pipes."""
        pausing.cancel(worker)
        for kill in (lambda: os.killpg(worker.proc.pid, signal.SIGKILL), worker.proc.kill):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        worker.proc.wait()
        for fd in (worker.read_fd, worker.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def _same_arguments(call_parts: list, function: str, raw: list[bytes] | None, caps: Caps) -> bool:
    """Whether the ARGUMENTS frame read as raw (header, payload; None: not kept) carries the arguments in
    exactly the bytes the CALL frame (call_parts: header, the function's name, args, kwargs) sent them as:
    then every value decodes as sent and no argument changed. The comparison is of bytes the grader holds,
    never a claim."""
    if raw is None or len(raw) != 2:
        return False
    name = len(b"".join(value_parts(function, caps)))
    sent = b"".join(call_parts[1:])
    return len(sent) - name == len(raw[1]) and sent[name:] == raw[1]


def _exit_status(proc, timeout: float) -> int | None:
    """The worker's exit status once it has exited (waiting up to timeout), without reaping it, so
    its process group id cannot be reused before the group is killed; None if it is still running."""
    if isinstance(proc, zygote.ForkedWorker):
        return proc.peek_status(timeout)
    if not hasattr(os, "waitid"):
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            info = os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG)
        except ChildProcessError:
            return proc.returncode
        if info is not None:
            return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status
        time.sleep(0.005)
    return None


def _is_text_tuple(items, n: int) -> bool:
    return isinstance(items, tuple) and len(items) == n and all(isinstance(i, str) for i in items)


def _matches_call(items: tuple, nargs: int, kwargs: dict) -> bool:
    """Whether an ARGUMENTS frame's items are (nargs values, the call's keywords each once)."""
    if not (len(items) == 2 and isinstance(items[0], tuple) and len(items[0]) == nargs
            and isinstance(items[1], tuple)):
        return False
    pairs = items[1]
    if not all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str) for p in pairs):
        return False
    names = [p[0] for p in pairs]
    return len(names) == len(set(names)) and set(names) == set(kwargs)


def _find_unsupported(value) -> Unsupported | None:
    if isinstance(value, Unsupported):
        return value
    if isinstance(value, dict):
        value = tuple(value.values())
    if isinstance(value, (tuple, list)):
        for item in value:
            found = _find_unsupported(item)
            if found is not None:
                return found
    return None


def _tail(output: str, lines: int = 5) -> str:
    tail = "\n".join(output.strip().splitlines()[-lines:])
    return f"; its last output:\n{tail}" if tail else ""
