"""A fork server for workers: a clean interpreter that has imported numpy and the worker's own modules, never
runs student code, and forks one worker per request, so a worker starts without paying for Python and numpy.

The server (`serve`, started by `Zygote.start` as `python -s -B -c BOOTSTRAP GRADER_PACKAGE_DIR SOCKET`, with
the workers' clean environment and the same stub packages as a worker) does only this: accept a connection from
the grader's user, fork, tell the grader the new pid, report its exit status, and reap it once the grader has
closed the connection. It never reads a request: the fork reads its own (the submission's private copy, its
environment, the worker's three file descriptors and configuration), closes every descriptor it inherited, and
runs grader.sandbox.worker exactly as a worker started from scratch does (rlimits, confinement, then the
student's first import). So no submission's data ever enters the server's memory, and each worker starts from
the same pristine copy-on-write image: one student's worker shares nothing with another's.

The grader side (`Zygote.spawn`) returns a `ForkedWorker`: pid (also its process group), poll, wait, kill like
a subprocess.Popen, plus `peek_status` (the exit status while the pid is still held, unreaped).
Linux only (pidfd_open); anywhere else, or with bubblewrap, the client starts workers with subprocess.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
from pathlib import Path

from grader.sandbox.bootstrap import program
from grader.sandbox.scratch import Scratch

#: Started as `python -s -B -c BOOTSTRAP GRADER_PACKAGE_DIR SOCKET_PATH` (grader.sandbox.bootstrap).
BOOTSTRAP = program("from grader.sandbox.zygote import serve\nserve(sys.argv[2])\n")
#: One pid or exit status on the connection: a signed 64-bit integer.
NUMBER = struct.Struct("!q")
#: The request header: its JSON's length (the three descriptors ride on it).
HEADER = struct.Struct("!I")
#: Largest request (bytes): the worker's configuration holds at most a few load problems.
MAX_REQUEST = 1 << 20
#: Seconds the grader waits for the server to start, or to answer a request with a pid.
START_TIMEOUT_S = 30.0
#: prctl options (linux/prctl.h).
PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 1, 4


# ---------------------------------------------------------------------------------------------------- server


def serve(path: str) -> None:
    """The server's loop: die with the grader, preload, listen on path (0600), fork on each connection."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # no same-user process may ptrace or read this image
    _preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o177)
    listener.bind(path)
    os.umask(old)
    listener.listen(64)
    os.write(1, b"ready\n")
    poller = select.poll()
    poller.register(listener, select.POLLIN)
    conns: dict[int, tuple[socket.socket, int, int]] = {}  # conn fd -> (conn, worker pid, pidfd)
    pidfds: dict[int, int] = {}  # pidfd -> conn fd
    _reported: set[int] = set()  # pidfds whose worker's exit was reported (no longer polled)
    while True:
        for fd, _event in poller.poll():
            if fd == listener.fileno():
                _accept(listener, poller, conns, pidfds)
            elif fd in pidfds:  # the worker exited: say how, keep the pid until the grader lets go
                conn, pid, _ = conns[pidfds[fd]]
                poller.unregister(fd)
                _reported.add(fd)
                try:
                    conn.sendall(NUMBER.pack(_peek(pid)))
                except OSError:
                    pass
            elif fd in conns:  # the grader closed the connection: kill what is left, reap
                conn, pid, pidfd = conns.pop(fd)
                poller.unregister(fd)
                if pidfds.pop(pidfd, None) is not None and pidfd not in _reported:
                    poller.unregister(pidfd)
                _reported.discard(pidfd)
                _release(conn, pid, pidfd)


def _release(conn: socket.socket, pid: int, pidfd: int) -> None:
    """The grader let go of worker pid: kill its process group, reap it, close its connection and pidfd."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os.waitpid(pid, 0)
    conn.close()
    os.close(pidfd)


def _preload() -> None:
    """Import what every worker imports before the student's code: numpy and the worker's modules."""
    import numpy  # noqa: F401

    import grader.sandbox.worker  # noqa: F401


def _accept(listener, poller, conns, pidfds) -> None:
    conn, _ = listener.accept()
    uid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[1]
    if uid != os.getuid():
        conn.close()
        return
    pid = os.fork()
    if pid == 0:
        try:
            _become_worker(conn)
        finally:
            os._exit(70)
    pidfd = os.pidfd_open(pid)
    try:
        conn.sendall(NUMBER.pack(pid))
    except OSError:
        pass
    conns[conn.fileno()] = (conn, pid, pidfd)
    pidfds[pidfd] = conn.fileno()
    poller.register(conn, select.POLLRDHUP | select.POLLHUP)
    poller.register(pidfd, select.POLLIN)


def _peek(pid: int) -> int:
    """pid's exit status (negative: the signal that ended it), leaving it unreaped."""
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
    return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


def _become_worker(conn: socket.socket) -> None:
    """In the fork: read this worker's request, close everything inherited, become the worker (never returns)."""
    os.setsid()
    data, fds, _flags, _addr = socket.recv_fds(conn, HEADER.size, 3)
    if len(data) != HEADER.size or len(fds) != 3:
        os._exit(70)
    (length,) = HEADER.unpack(data)
    if length > MAX_REQUEST:
        os._exit(70)
    body = bytearray()
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            os._exit(70)
        body += chunk
    request = json.loads(bytes(body))
    read_fd, write_fd, output = fds
    os.dup2(output, 1)
    os.dup2(output, 2)
    keep = sorted({0, 1, 2, read_fd, write_fd})
    for low, high in zip(keep, keep[1:] + [os.sysconf("SC_OPEN_MAX")]):
        os.closerange(low + 1, high)  # the server's socket, the other graders' connections and pidfds
    if request.get("user"):
        from grader.sandbox.confine import drop_to_user

        drop_to_user(*request["user"])
    import ctypes

    # Dumpable again, as a freshly started worker is (the grader reads its /proc/PID/io for the quota).
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["-c"]
    if "numpy.random" in sys.modules:  # the forks must not share the server's legacy global random state
        sys.modules["numpy.random"].seed()
    from grader.sandbox.worker import run

    run([str(read_fd), str(write_fd), request["config"]])


# ---------------------------------------------------------------------------------------------------- grader


class ForkedWorker:
    """A worker forked by the server, driven like a subprocess.Popen: pid (its process group too), poll(),
    wait(), kill(), returncode; peek_status(timeout) waits for the exit status without letting the pid go.

    The server holds the pid (unreaped) until wait() has seen the status and closed the connection, so
    killing the process group by pid never hits another process.
    """

    def __init__(self, conn: socket.socket, pid: int):
        self._conn: socket.socket | None = conn
        self.pid = pid
        self.returncode: int | None = None

    def peek_status(self, timeout: float | None) -> int | None:
        """The exit status once the worker has exited (waiting up to timeout seconds), else None."""
        if self.returncode is not None or self._conn is None:
            return self.returncode
        poller = select.poll()
        poller.register(self._conn, select.POLLIN)
        if not poller.poll(None if timeout is None else max(0.0, timeout) * 1000):
            return None
        data = self._conn.recv(NUMBER.size, socket.MSG_WAITALL)
        self.returncode = NUMBER.unpack(data)[0] if len(data) == NUMBER.size else -signal.SIGKILL
        return self.returncode

    def poll(self) -> int | None:
        return self.peek_status(0)

    def kill(self) -> None:
        if self._conn is not None and self.returncode is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float | None = None) -> int:
        """The exit status, then the pid is let go (the server reaps it); TimeoutExpired if still running."""
        status = self.peek_status(timeout)
        if status is None:
            raise subprocess.TimeoutExpired("worker", timeout)
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        return status


class Zygote:
    """The grader's handle on one running server (`start`), and `spawn` to fork a worker from it."""

    def __init__(self, python: str, folder: Scratch, process: subprocess.Popen, owner: int):
        self.python = python
        self.folder = folder
        self.path = folder.path / "socket"
        self.process = process
        self.owner = owner  # the pid that started it: only that process stops it

    @classmethod
    def start(cls, env: dict[str, str], python: str = sys.executable) -> Zygote:
        """Start a server with env (the workers' clean environment) in a private folder; OSError if it fails."""
        folder = Scratch("zygote-")  # removed by clean_stale() if the grader is killed
        path = folder.path / "socket"
        package = str(Path(__file__).resolve().parent.parent)
        process = subprocess.Popen([python, "-s", "-B", "-c", BOOTSTRAP, package, str(path)], cwd=folder.path,
                                   env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
        ready = select.select([process.stdout], [], [], START_TIMEOUT_S)[0]
        line = process.stdout.readline() if ready else b""
        process.stdout.close()
        zygote = cls(python, folder, process, os.getpid())
        if line != b"ready\n":
            zygote.stop()
            raise OSError("the worker fork server did not start")
        return zygote

    def alive(self) -> bool:
        return self.process.poll() is None if os.getpid() == self.owner else self.path.exists()

    def spawn(self, cwd: Path, env: dict[str, str], fds: tuple[int, int, int], config: str,
              user: tuple[int, int] | None = None) -> ForkedWorker:
        """Fork a worker in cwd with env; fds: its protocol read and write ends and its output file;
        config: the worker's JSON configuration; user: (uid, gid) to become first. OSError if the server
        cannot be reached."""
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.settimeout(START_TIMEOUT_S)
            conn.connect(str(self.path))
            body = json.dumps({"cwd": str(cwd), "env": env, "config": config,
                               "user": list(user) if user else None}).encode()
            socket.send_fds(conn, [HEADER.pack(len(body))], list(fds))
            conn.sendall(body)
            data = conn.recv(NUMBER.size, socket.MSG_WAITALL)
            if len(data) != NUMBER.size:
                raise OSError("the worker fork server closed the connection")
            conn.settimeout(None)
        except BaseException:
            conn.close()
            raise
        return ForkedWorker(conn, NUMBER.unpack(data)[0])

    def stop(self) -> None:
        """Kill the server (its workers die with it) and remove its folder; only in the process that started it."""
        if os.getpid() != self.owner:
            return
        try:
            self.process.kill()
            self.process.wait()
        except OSError:
            pass
        self.folder.remove()


#: The server this process (or the grader it was forked from) started; None until `ensure` starts one.
_CURRENT: list[Zygote] = []


def available() -> bool:
    """Whether this system can run the server (Linux pidfds, Unix sockets passing descriptors)."""
    return hasattr(os, "pidfd_open") and hasattr(socket, "send_fds") and sys.platform.startswith("linux")


def ensure(env: dict[str, str]) -> Zygote | None:
    """The running server (started now, with env, if there is none alive); None where unavailable or it fails."""
    if _CURRENT and _CURRENT[0].alive():
        return _CURRENT[0]
    if not available():
        return None
    try:
        zygote = Zygote.start(env)
    except OSError:
        return None
    _CURRENT[:] = [zygote]
    atexit.register(zygote.stop)
    return zygote


def current() -> Zygote | None:
    """The server started by this process or inherited from the grader by fork, if it still runs."""
    return _CURRENT[0] if _CURRENT and _CURRENT[0].alive() else None
