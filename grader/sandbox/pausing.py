"""Stopping a worker between calls: its process group gets SIGSTOP (which no code can catch) a moment after
a call ends, unless the next call starts first, and SIGCONT before the next call.

The moment (DELAY_S) is what a thread or child the submission left running can compute or write while the
grader does its own work; the calls of one test, which follow each other at once, pay no stop and no
continue (two signals and three wake-ups of the worker per call otherwise). The delay runs on the
process's real-time interval timer (SIGALRM), in the main thread only; elsewhere, or where SIGALRM
already has another handler, the worker is stopped at once as before.
"""

from __future__ import annotations

import os
import signal
import threading

#: Seconds after a call ends before the worker's process group is stopped.
DELAY_S = 0.005

#: Workers to stop when the timer fires: id(worker) -> worker (anything with .proc.pid and .paused).
_PENDING: dict[int, object] = {}


def stop(worker) -> None:
    """SIGSTOP the worker's process group now (worker.paused records it)."""
    cancel(worker)
    try:
        os.killpg(worker.proc.pid, signal.SIGSTOP)
        worker.paused = True
    except (ProcessLookupError, PermissionError):
        pass


def stop_soon(worker) -> None:
    """Stop the worker at most DELAY_S from now unless resume() or cancel() comes first (one timer serves
    every pending stop: it is not pushed back by a later one)."""
    if not _timer_available():
        stop(worker)
        return
    _PENDING[id(worker)] = worker
    if signal.getitimer(signal.ITIMER_REAL)[0] == 0:  # armed already: a pending stop fires no later
        signal.setitimer(signal.ITIMER_REAL, DELAY_S)


def resume(worker) -> None:
    """Before a call: cancel a pending stop, and SIGCONT the group if it was stopped."""
    cancel(worker)  # a timer firing before this line has stopped it: then paused is set and it continues
    if worker.paused:
        worker.paused = False
        try:
            os.killpg(worker.proc.pid, signal.SIGCONT)
        except (ProcessLookupError, PermissionError):
            pass


def cancel(worker) -> None:
    """Forget a pending stop (before the worker is killed: its pid must never be signalled once reaped)."""
    _PENDING.pop(id(worker), None)
    if not _PENDING and _owns_alarm():
        signal.setitimer(signal.ITIMER_REAL, 0)


def _on_alarm(signum, frame) -> None:
    """Runs between two bytecodes of the main thread: no pending entry changes while it runs."""
    for worker in list(_PENDING.values()):
        stop(worker)


def _owns_alarm() -> bool:
    return signal.getsignal(signal.SIGALRM) is _on_alarm


def _timer_available() -> bool:
    """Whether this thread may use SIGALRM for the delay (installing the handler the first time)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    if _owns_alarm():
        return True
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None):
        return False
    signal.signal(signal.SIGALRM, _on_alarm)
    return True
