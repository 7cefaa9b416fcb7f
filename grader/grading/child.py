"""One pytest child: started forked from this process (or as `python -m pytest`), in its own
process group, interrupted or killed as a whole; and the preloading that makes forks cheap."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from grader.assignment import Assignment, Limits
from grader.grading.options import SandboxError, limits_json

#: Modules the parent imports once so every forked child starts with them loaded.
PRELOAD = ("numpy", "pytest", "hypothesis", "hypothesis.extra.numpy", "grader.pytest_plugin",
           "grader.sandbox.client")
#: Signals that interrupt a batch (Ctrl-C, a cancelled job).
INTERRUPTS = {signal.SIGINT, signal.SIGTERM}


def import_preloaded() -> None:
    """Import PRELOAD here. Before pytest first configures in this process: the libraries' modules are then
    already loaded when pytest marks its plugins' distributions for assertion rewriting (Hypothesis's 73
    modules would otherwise be parsed and rewritten, and with bytecode writing off, on every run)."""
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def preload(sandbox: str = "auto") -> str:
    """Import what every child needs and probe the confinement, once, in this process.

    Forked children inherit both (the probe is cached per process), and the worker fork server
    (grader.sandbox.zygote) their workers start from, started here. Returns the confinement's
    name ("" where the sandbox package is absent); raises SandboxError when `sandbox` (a level
    '1'..'4') is not available here.
    """
    import_preloaded()
    try:
        from grader.sandbox import confine
    except ImportError:
        return ""
    try:
        confinement = confine.probe(sandbox)
    except ValueError as exc:  # confine.ConfinementError
        raise SandboxError(str(exc)) from None
    if confinement.bwrap is None:  # workers fork from a preloaded server (bubblewrap starts its own)
        from grader.sandbox import zygote
        from grader.sandbox.limits import clean_env

        zygote.ensure(clean_env(home=tempfile.gettempdir()))
    return confinement.name


@dataclass
class Child:
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


def start_child(args: list[str], log: Path, cwd: Path) -> Child:
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
        child = Child(process.pid, process, process.sentinel)
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        except KeyboardInterrupt:  # the Ctrl-C held during the fork: no job owns this child yet
            child.kill()
            raise
        return child
    with open(log, "wb") as out:
        popen = subprocess.Popen([sys.executable, "-m", "pytest", *args], stdin=subprocess.DEVNULL,
                                 stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
    return Child(popen.pid, popen, None)


def pytest_args(assignment: Assignment, submission: Path, results: Path, limits: Limits,
                sandbox: str = "auto") -> list[str]:
    """The contract's command line for one submission (plus quiet output, no cache, the limits to
    grade under, a sandbox level). `--tb=line`: the results file carries each failure's message and
    falsifying example; pytest's own source-quoting tracebacks in the log (which only a crashed child's
    instructor reads) cost a quarter of a failing submission's child."""
    return [
        str(assignment.hidden_tests_dir), "-p", "grader.pytest_plugin",
        "--submission", str(submission), "--grader-results", str(results),
        "--assignment", assignment.name, "--grader-root", str(assignment.root),
        "--grader-limits", limits_json(limits),
        "-q", "--tb=line", "--no-header", "-p", "no:cacheprovider",
        "-W", "ignore::pytest.PytestAssertRewriteWarning",  # the plugin is pre-imported on purpose
    ] + ([] if sandbox == "auto" else ["--sandbox", sandbox])
