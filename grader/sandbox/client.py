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
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import Limits
from grader.sandbox import confine
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
)

#: Longest text taken from the worker for one message (characters).
MAX_MESSAGE = 4000
#: The size caps when no manifest says otherwise (the same defaults preparation uses).
DEFAULT_LIMITS = Limits()
#: Wall seconds a worker may take to start (Python + numpy) before its first student import.
START_TIMEOUT_S = 60.0
#: Processes the worker's own user may have (only set when workers run as a dedicated user: the
#: limit counts every process of that user, so it stops fork bombs without touching anyone else).
WORKER_USER_NPROC = 256
#: Room for C-level writes past the output cap before RLIMIT_FSIZE stops them (bytes).
OUTPUT_SLACK = 4096


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


class _Timeout(Exception):
    pass


class _Eof(Exception):
    pass


@dataclass
class _Worker:
    """A running worker: its process and the grader's ends of the two pipes (non-blocking)."""

    proc: subprocess.Popen
    read_fd: int
    write_fd: int


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


#: Started as `python -s -B -c BOOTSTRAP GRADER_PACKAGE_DIR READ_FD WRITE_FD CONFIG`: the grader package
#: is reached through stub package modules, so neither the repository nor the working directory
#: (the submission) is ever on the worker's sys.path, and grader/__init__.py never runs there.
BOOTSTRAP = """\
import sys, types
sys.path[:] = [p for p in sys.path if p not in ("", ".")]
for name, path in (("grader", sys.argv[1]), ("grader.sandbox", sys.argv[1] + "/sandbox")):
    module = types.ModuleType(name)
    module.__path__ = [path]
    sys.modules[name] = module
from grader.sandbox.worker import run
run(sys.argv[2:])
"""


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
    loss, dW = client.call("svm_loss_naive", W, X, y, 0.1)   # or StudentError
    client.last_call_mutated   # positions (and keyword names) of arguments the call modified
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
        self.root = Path(tempfile.mkdtemp(prefix="grader-worker-"))
        self.root.chmod(0o711)
        self.copy_dir = self.root / "submission"
        self.output_path = self.root / "output.txt"
        self.problems: dict[str, str] = copy_submission(Path(submission_dir), self.copy_dir, assignment.files,
                                                        self.limits)
        self.functions_found: tuple[str, ...] = ()
        self.last_call_mutated: tuple = ()
        self._worker: _Worker | None = None
        self._fatal = ""  # set when no call can run any more: the message every call raises
        self._fatal_kind = "crash"
        self._broken: dict[str, tuple[str, str]] = {}  # circuit breaker: function -> (message, kind)
        self._crashes: Counter = Counter()
        self._spent = 0.0
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
        began = time.monotonic()
        try:
            self._ensure_worker()
        finally:
            self._spent += time.monotonic() - began

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
        self.last_call_mutated = ()
        if function in self._broken:
            message, kind = self._broken[function]
            raise StudentError(message, function, kind)
        began = time.monotonic()
        try:
            self._ensure_worker()
            if self._fatal:
                raise StudentError(self._fatal, function, self._fatal_kind)
            frame = self._exchange(function, args, kwargs)
        finally:
            self._spent += time.monotonic() - began
        return self._interpret(function, frame, len(args), kwargs)

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
        """One line per manifest file that could not be used: 'linear_svm.py: SyntaxError line 3: ...'."""
        return "\n".join(f"{file}: {problem}" for file, problem in self.problems.items())

    def close(self) -> None:
        """Kill the worker's process group and remove the private copy (output() still works)."""
        if self._worker is not None:
            self._kill(self._worker)
            self._worker = None
        if self._closed_output is None:
            self._closed_output = self.output()
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---------------------------------------------------------------------------- the worker

    def _remaining_budget(self) -> float:
        return float(self.limits.submission_timeout_s) - self._spent

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
            proc = subprocess.Popen(
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
                    fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1024 * 1024)
                except OSError:
                    pass
        return _Worker(proc, grader_read, grader_write)

    def _ensure_worker(self) -> None:
        """Start a worker unless one runs; a file whose import hangs or kills the worker is recorded
        in problems and left out of the next start, so the other files still load."""
        while self._worker is None and not self._fatal:
            if self._remaining_budget() <= 0:
                self._fatal, self._fatal_kind = self._budget_message(), "budget"
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
                        self._accept_ready(frame.items)
                        self._worker = worker
                        break
                    else:
                        raise ProtocolError(f"unexpected {frame.type.name} frame while loading")
            except (_Timeout, _Eof, ProtocolError) as exc:
                ending = self._stop(worker, exc)
                if loading in self.assignment.files and loading not in self.problems:
                    self.problems[loading] = (
                        f"importing it did not finish within {self.limits.call_timeout_s:g} s"
                        if isinstance(exc, _Timeout) else f"importing it {ending}")
                elif self._remaining_budget() <= 0:
                    self._fatal, self._fatal_kind = self._budget_message(), "budget"
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

    def _budget_message(self) -> str:
        return f"the submission used up its {self.limits.submission_timeout_s:g} s time budget"

    def _exchange(self, function: str, args: tuple, kwargs: dict) -> Frame:
        """Send one CALL and read its reply; on timeout/EOF/garbage stop the worker and raise."""
        # strict: arguments the worker could not rebuild are the hidden test's bug (ProtocolError)
        parts = frame_parts(MsgType.CALL, (function, tuple(args), tuple(kwargs.items())), self.caps, strict=True)
        worker = self._worker
        by_budget = self._remaining_budget() < self.limits.call_timeout_s
        deadline = self._deadline(self.limits.call_timeout_s)
        try:
            self._write(worker, parts, deadline)
            return self._read_frame(worker, deadline)
        except (_Timeout, _Eof, ProtocolError) as exc:
            ending = self._stop(worker, exc)
            raise self._call_failure(function, exc, ending, by_budget) from None

    def _call_failure(self, function: str, exc: Exception, ending: str, by_budget: bool = False) -> StudentError:
        if isinstance(exc, _Timeout):
            if by_budget:
                self._fatal, self._fatal_kind = self._budget_message(), "budget"
                return StudentError(f"{self._fatal} (during {function})", function, "budget")
            message = f"{function} did not return within {self.limits.call_timeout_s:g} s"
            self._broken[function] = (message, "timeout")
            return StudentError(message, function, "timeout")
        if isinstance(exc, ProtocolError):
            message = f"the worker sent an unreadable reply during {function}: {exc}"
        else:
            message = f"the worker {ending} during {function}"
        self._crashes[function] += 1
        if self._crashes[function] >= self.max_crashes:
            self._broken[function] = (message, "crash")
        return StudentError(message, function, "crash")

    def _interpret(self, function: str, frame: Frame, nargs: int, kwargs: dict):
        items = frame.items
        if frame.type == MsgType.RESULT and len(items) == 2 and _valid_mutated(items[1], nargs, kwargs):
            self.last_call_mutated = items[1]
            unsupported = _find_unsupported(items[0])
            if unsupported is not None:
                raise StudentError(f"{function} returned a {unsupported.type_name}, which the grader cannot "
                                   "read (return floats, ints and numpy arrays)", function, "unreadable")
            return items[0]
        if (frame.type == MsgType.ERROR and len(items) == 4 and _is_text_tuple(items[:3], 3)
                and _valid_mutated(items[3], nargs, kwargs)):
            self.last_call_mutated = items[3]
            kind, message, trace = (text[:MAX_MESSAGE] for text in items[:3])
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
        for part in parts:
            view = memoryview(part).cast("B")
            while view:
                try:
                    view = view[os.write(worker.write_fd, view):]
                except BlockingIOError:
                    self._wait(worker.write_fd, select.POLLOUT, deadline)
                except (BrokenPipeError, ConnectionResetError):
                    raise _Eof() from None

    def _read_frame(self, worker: _Worker, deadline: float) -> Frame:
        def read_exact(n: int) -> memoryview:
            if len(self._buffer) < n:
                self._buffer = bytearray(n)
            view = memoryview(self._buffer)[:n]
            got = 0
            while got < n:
                try:
                    count = os.readv(worker.read_fd, [view[got:]])
                except BlockingIOError:
                    self._wait(worker.read_fd, select.POLLIN, deadline)
                    continue
                if count == 0:
                    raise _Eof()
                got += count
            return view

        return read_frame(read_exact, self.caps)

    @staticmethod
    def _wait(fd: int, event: int, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Timeout()
        poller = select.poll()
        poller.register(fd, event)
        poller.poll(remaining * 1000)

    def _stop(self, worker: _Worker, exc: Exception) -> str:
        """Kill the worker after a failure; how it ended, in words."""
        returncode = None
        if isinstance(exc, _Eof):
            returncode = _exit_status(worker.proc, timeout=2.0)
        self._kill(worker)
        if self._worker is worker:
            self._worker = None
        return describe_exit(returncode, self.limits.cpu_s)

    @staticmethod
    def _kill(worker: _Worker) -> None:
        """SIGKILL the worker's whole process group, reap it, close the pipes."""
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


def _exit_status(proc: subprocess.Popen, timeout: float) -> int | None:
    """The worker's exit status once it has exited (waiting up to timeout), without reaping it, so
    its process group id cannot be reused before the group is killed; None if it is still running."""
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


def _valid_mutated(mutated, nargs: int, kwargs: dict) -> bool:
    return isinstance(mutated, tuple) and all(
        (type(m) is int and 0 <= m < nargs) or (type(m) is str and m in kwargs) for m in mutated)


def _find_unsupported(value) -> Unsupported | None:
    if isinstance(value, Unsupported):
        return value
    if isinstance(value, (tuple, list)):
        for item in value:
            found = _find_unsupported(item)
            if found is not None:
                return found
    return None


def _tail(output: str, lines: int = 5) -> str:
    tail = "\n".join(output.strip().splitlines()[-lines:])
    return f"; its last output:\n{tail}" if tail else ""
