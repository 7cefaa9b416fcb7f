"""The untrusted side: a process that imports one submission's files and answers calls over a pipe.

Started by grader.sandbox.client (see its BOOTSTRAP) in the submission's private copy (cwd), with
neither the repository nor the copy on sys.path until the copy is added for the student's imports.
`run([READ_FD, WRITE_FD, CONFIG_JSON])` applies limits and confinement, loads the files, serves. Frames:

    LOADING (file,)                              before importing each file
    READY (((file, problem), ...), (function, ...))  load problems and the functions found
    CALL (function, args, ((kw, value), ...))    from the client
    RESULT (value,)                              then ARGUMENTS
    ERROR (type name, message, traceback)        then ARGUMENTS; the traceback holds only the student's frames
    ARGUMENTS (args, ((kw, value), ...))         the call's arguments as they are after it
    NOT_FOUND (message,)                         names the file that should define the function

The worker judges nothing: whether a call modified its arguments is decided by the grader from the
ARGUMENTS frame (grader.sandbox.changes), so student code that rewrites this module's functions can
only send different bytes, never a different verdict on the bytes it sends.
"""

from __future__ import annotations

import fcntl
import importlib.util
import io
import json
import os
import resource
import signal
import sys
import traceback

from grader.sandbox import confine, limits
from grader.sandbox.protocol import (
    Caps,
    Frame,
    MsgType,
    ProtocolError,
    Unsupported,
    frame_parts,
    read_frame,
)

#: Longest message or traceback text sent back for one failure (characters).
MAX_TEXT = 4000
#: prctl option: signal sent to this process when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1


class Pipe:
    """Blocking frame I/O on the worker's two protocol fds."""

    def __init__(self, read_fd: int, write_fd: int, caps: Caps):
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.caps = caps
        self.buffer = bytearray()

    def read_exact(self, n: int) -> memoryview:
        """The next n bytes, in a buffer reused by the next read (decoding copies what it keeps)."""
        if len(self.buffer) < n:
            self.buffer = bytearray(n)
        view = memoryview(self.buffer)[:n]
        got = 0
        while got < n:
            count = os.readv(self.read_fd, [view[got:]])
            if count == 0:
                raise EOFError("the grader closed the pipe")
            got += count
        return view

    def read(self) -> Frame:
        return read_frame(self.read_exact, self.caps)

    def send(self, msg_type: MsgType, items) -> None:
        self.write_parts(frame_parts(msg_type, items, self.caps))

    def write_parts(self, parts) -> None:
        for part in parts:
            view = memoryview(part).cast("B")
            while view:
                view = view[os.write(self.write_fd, view):]


class CappedOutput(io.TextIOBase):
    """sys.stdout / sys.stderr of student code: writes to fd until a shared byte budget is spent,
    then drops the rest (one byte past the budget marks the capture as truncated)."""

    def __init__(self, fd: int, budget: list[int], name: str):
        super().__init__()
        self.fd = fd
        self.budget = budget  # [bytes left], shared by stdout and stderr
        self.name = name

    @property
    def encoding(self):
        return "utf-8"

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        data = text.encode("utf-8", "backslashreplace")
        if self.budget[0] > 0:
            chunk = data[: self.budget[0]] if len(data) <= self.budget[0] else data[: self.budget[0]] + b"\n"
            self.budget[0] -= len(chunk)
            try:
                os.write(self.fd, chunk)
            except OSError:
                self.budget[0] = 0
        return len(text)


def guard_fds(read_fd: int, write_fd: int) -> tuple[int, int]:
    """Move the protocol fds out of the low numbers student code reaches first (close-on-exec),
    and point stdin at /dev/null."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    high = max(limits.MAX_OPEN_FILES + 8, min(soft if soft > 0 else 1024, 1024) - 8)
    moved = []
    for fd in (read_fd, write_fd):
        moved.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, high))
        os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    return moved[0], moved[1]


def capture_output(output_bytes: int) -> None:
    """Route sys.stdout and sys.stderr (fds 1 and 2: the client's capture file) through one budget."""
    try:
        used = os.fstat(1).st_size
    except OSError:
        used = 0
    budget = [max(0, output_bytes - used)]
    sys.stdout = CappedOutput(1, budget, "<stdout>")
    sys.stderr = CappedOutput(2, budget, "<stderr>")


def die_with_parent() -> None:
    """On Linux, have the kernel SIGKILL this worker when the process that started it dies, so a
    grader killed mid-call leaves no worker sleeping or looping behind (no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def isolate_imports(copy_dir: str) -> None:
    """Leave the submission copy and the Python installation as the only import sources: close the
    stub `grader` package to further imports and drop any editable-install finder mapping the repository."""
    for package in ("grader", "grader.sandbox"):
        sys.modules[package].__path__ = []

    def editable(obj) -> bool:
        return str(getattr(obj, "__module__", "")).startswith("__editable__")

    sys.meta_path[:] = [f for f in sys.meta_path if not editable(f)]
    sys.path_hooks[:] = [h for h in sys.path_hooks if not editable(h)]
    sys.path[:] = [copy_dir] + [p for p in sys.path if p and p != copy_dir]
    sys.path_importer_cache.clear()


def text_of(exc: BaseException) -> str:
    """str(exc), whatever the exception's __str__ does, capped."""
    try:
        return str(exc)[:MAX_TEXT]
    except BaseException:  # noqa: BLE001 - a hostile __str__ may raise anything
        return f"<unprintable {type(exc).__name__}>"


def student_traceback(exc: BaseException, copy_dir: str) -> str:
    """The traceback of exc keeping only frames from files in the submission copy (relative names),
    without the final exception line (the ERROR frame carries it)."""
    prefix = os.path.join(copy_dir, "")
    frames = [
        traceback.FrameSummary(f.filename[len(prefix):], f.lineno, f.name, line=f.line)
        for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(prefix)
    ]
    if not frames:
        return ""
    lines = traceback.StackSummary.from_list(frames).format()
    text = "Traceback (most recent call last):\n" + "".join(lines).rstrip("\n")
    return text if len(text) <= MAX_TEXT else "...\n" + text[-MAX_TEXT:]


def describe_load_error(exc: BaseException, copy_dir: str) -> str:
    """One line saying why a file could not be imported, e.g. 'SyntaxError line 3: invalid syntax'."""
    if isinstance(exc, SyntaxError):
        return f"{type(exc).__name__} line {exc.lineno}: {exc.msg}".replace(os.path.join(copy_dir, ""), "")
    if isinstance(exc, SystemExit):
        return f"called sys.exit({exc.code!r}) while being imported"
    prefix = os.path.join(copy_dir, "")
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(prefix)]
    where = f" line {lines[-1]}" if lines else ""
    return f"{type(exc).__name__}{where} at import: {text_of(exc)}".replace(prefix, "")


def load_file(path: str, name: str):
    """Import the file at path as module `name` (registered in sys.modules so siblings can import it)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def load_submission(pipe: Pipe, files: list[str], problems: dict[str, str], copy_dir: str) -> dict:
    """Import each file not already in problems (announcing it with LOADING first); record every
    failure in problems. Returns {file: module}."""
    modules = {}
    for file in files:
        if file in problems:
            continue
        path = os.path.join(copy_dir, file)
        if not os.path.isfile(path):
            problems[file] = "missing from the submission"
            continue
        pipe.send(MsgType.LOADING, (file,))
        try:
            modules[file] = load_file(path, os.path.splitext(file)[0])
        except BaseException as exc:  # noqa: BLE001 - anything a student file does at import
            problems[file] = describe_load_error(exc, copy_dir)
    return modules


def missing_message(name: str, file: str, problems: dict[str, str], module) -> str:
    """Why function `name` cannot be called, naming the file that should define it."""
    if file in problems:
        return f"{name} is not available: {file}: {problems[file]}"
    if hasattr(module, name):
        return f"{file} defines {name}, but it is not a function"
    return f"{file} does not define {name}"


def call_once(fn, args: tuple, kwargs: dict, copy_dir: str) -> tuple[MsgType, tuple]:
    """Run fn(*args, **kwargs) and build the reply frame's type and items (RESULT or ERROR) for it."""
    try:
        value = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
        message = f"called sys.exit({exc.code!r})" if isinstance(exc, SystemExit) else text_of(exc)
        return MsgType.ERROR, (type(exc).__name__, message, student_traceback(exc, copy_dir))
    return MsgType.RESULT, (value,)


def reply_parts(kind: MsgType, items: tuple, caps: Caps) -> list:
    """The reply frame's buffers; a value that cannot be encoded becomes an UnreadableResult ERROR."""
    try:
        return frame_parts(kind, items, caps)
    except BaseException as exc:  # noqa: BLE001 - encoding a student object may run its code
        detail = f"returned a value the grader cannot read: {text_of(exc)}"
        return frame_parts(MsgType.ERROR, ("UnreadableResult", detail, ""), caps)


def arguments_parts(args: tuple, kwargs: dict, caps: Caps) -> list:
    """The ARGUMENTS frame: every argument as it is now. An argument the call grew past a cap (or made
    unencodable) is sent as Unsupported, which never matches what the grader sent; if they are still
    too big together, every argument is."""
    def encodable(value):
        try:
            frame_parts(MsgType.ARGUMENTS, (value,), caps)
            return value
        except BaseException as exc:  # noqa: BLE001 - whatever the student put in it
            return Unsupported(f"argument changed past the protocol's caps ({text_of(exc)[:100]})")

    gone = Unsupported("arguments changed past the protocol's caps")
    attempts = (
        lambda: (tuple(args), tuple(kwargs.items())),
        lambda: (tuple(encodable(a) for a in args), tuple((k, encodable(v)) for k, v in kwargs.items())),
    )
    for items in attempts:
        try:
            return frame_parts(MsgType.ARGUMENTS, items(), caps)
        except BaseException:  # noqa: BLE001, S112 - over a cap: try the smaller form
            continue
    return frame_parts(MsgType.ARGUMENTS, ((gone,) * len(args), tuple((k, gone) for k in kwargs)), caps)


def serve(pipe: Pipe, functions: dict, missing: dict[str, str], copy_dir: str) -> None:
    """Answer CALL frames until the grader closes the pipe."""
    while True:
        try:
            frame = pipe.read()
        except (EOFError, ProtocolError):
            return
        if frame.type != MsgType.CALL or len(frame.items) != 3:
            return
        name, args, kwargs = frame.items
        fn = functions.get(name)
        if fn is None:
            pipe.send(MsgType.NOT_FOUND, (missing.get(name, f"{name} is not a graded function"),))
            continue
        args, kwargs = tuple(args), dict(kwargs)
        kind, items = call_once(fn, args, kwargs, copy_dir)
        pipe.write_parts(reply_parts(kind, items, pipe.caps))
        pipe.write_parts(arguments_parts(args, kwargs, pipe.caps))


def main(argv: list[str]) -> int:
    read_fd, write_fd = guard_fds(int(argv[0]), int(argv[1]))
    config = json.loads(argv[2])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a full capture file fails writes, never kills
    limits.apply_rlimits(config["rlimits"])
    capture_output(int(config["output_bytes"]))
    copy_dir = os.getcwd()
    confine.apply_in_worker(config.get("confine", {}))
    die_with_parent()  # after apply_in_worker: changing user clears the setting
    isolate_imports(copy_dir)
    pipe = Pipe(read_fd, write_fd, Caps(**config.get("caps", {})))
    problems = dict(config.get("problems", {}))
    modules = load_submission(pipe, list(config["files"]), problems, copy_dir)
    functions, missing = {}, {}
    for name, file in config["functions"].items():
        fn = getattr(modules.get(file), name, None)
        if callable(fn):
            functions[name] = fn
        else:
            missing[name] = missing_message(name, file, problems, modules.get(file))
    pipe.send(MsgType.READY, (tuple(problems.items()), tuple(functions)))
    serve(pipe, functions, missing, copy_dir)
    return 0


def run(argv: list[str]) -> None:
    """main(argv), then exit at once: the student's atexit hooks and leftover threads never run.

    A failure of the worker itself (say, student code closed the pipe) is one line on the captured
    stderr and exit status 70; the grader sees the call fail."""
    try:
        status = main(argv)
    except BaseException as exc:  # noqa: BLE001 - whatever happened, never run the student's exit hooks
        try:
            os.write(2, f"grader worker stopped: {type(exc).__name__}: {text_of(exc)}\n".encode())
        except OSError:
            pass
        status = 70
    os._exit(status)
