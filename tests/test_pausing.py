"""Stopping a worker between calls (grader.sandbox.pausing): its process group is stopped a moment after a
call unless the next call comes first, continued before the next call, and never signalled once cancelled."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from grader.sandbox import pausing

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process states in /proc")


@dataclass
class Worker:
    proc: subprocess.Popen
    paused: bool = False


@pytest.fixture
def worker():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    yield Worker(proc)
    pausing.cancel(Worker(proc))
    proc.kill()
    proc.wait()


def state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def settle(seconds: float = 0.3) -> None:
    """Wait well past DELAY_S (signals are handled between bytecodes, so sleep in short steps)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.01)


def test_an_idle_worker_is_stopped_after_the_delay_and_continued_before_the_next_call(worker):
    pausing.stop_soon(worker)
    settle()
    assert worker.paused and state(worker.proc.pid) == "T"
    pausing.resume(worker)
    settle(0.1)
    assert not worker.paused and state(worker.proc.pid) in "SR"


def test_a_call_that_follows_at_once_cancels_the_stop(worker):
    pausing.stop_soon(worker)
    pausing.resume(worker)  # the next call, before the delay is over
    settle()
    assert not worker.paused and state(worker.proc.pid) in "SR"


def test_a_cancelled_worker_is_never_signalled(worker):
    pausing.stop_soon(worker)
    pausing.cancel(worker)  # as before the worker is killed: its pid may be reused
    settle()
    assert not worker.paused and state(worker.proc.pid) in "SR"


def test_outside_the_main_thread_the_worker_is_stopped_at_once(worker):
    thread = threading.Thread(target=pausing.stop_soon, args=(worker,))
    thread.start()
    thread.join()
    assert worker.paused  # at once: no timer was armed
    settle(0.1)  # the kernel delivers SIGSTOP
    assert state(worker.proc.pid) == "T"
    pausing.resume(worker)


def test_a_later_pending_stop_does_not_push_back_an_earlier_one(worker):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    second = Worker(other)
    try:
        pausing.stop_soon(worker)
        for _ in range(50):  # for ~100 ms another worker's calls keep ending, one every 2 ms
            pausing.stop_soon(second)
            pausing.resume(second)
            time.sleep(0.002)
        assert worker.paused  # stopped during those 100 ms, not only once they were over
        settle(0.1)
        assert state(worker.proc.pid) == "T"
    finally:
        pausing.cancel(second)
        other.kill()
        other.wait()
