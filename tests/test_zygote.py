"""Workers forked from the preloaded server (grader.sandbox.zygote) are confined, limited and isolated exactly
as workers started from scratch: the machine attacks fail, every inherited descriptor is closed, no student's
state reaches another's, timeouts and crashes are reported the same way."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import test_hostile_worker as hostile_worker

from grader.assignment import load_assignment
from grader.sandbox import StudentError, WorkerClient, confine, zygote
from grader.sandbox.limits import clean_env

pytestmark = pytest.mark.skipif(not zygote.available(), reason="the fork server needs Linux pidfds")


@pytest.fixture
def server(tmp_path):
    """A running fork server for this test, stopped afterwards (workers fork from it while it runs)."""
    started = zygote.ensure(clean_env(home=str(tmp_path)))
    assert started is not None, "the fork server did not start"
    yield started
    started.stop()
    zygote._CURRENT.clear()


def submission(folder: Path, body: str) -> Path:
    """A submission whose optim.py defines sgd_step(W, dW, learning_rate) with `body`."""
    folder.mkdir(parents=True)
    (folder / "optim.py").write_text("import os, resource, signal\nimport numpy as np\n\n\n"
                                     "def sgd_step(W, dW, learning_rate):\n" + textwrap.indent(body, "    "))
    return folder


#: Workers fork from the server only where they run without bubblewrap: level 2 (seccomp, Landlock), which
#: these tests ask for even where bubblewrap would give more, so the forked path is tested wherever it exists.
FORKED_LEVEL = 2


def forked_confinement() -> confine.Confinement:
    """Level FORKED_LEVEL (no bubblewrap in between, so the client forks the worker), or skip saying why."""
    confinement = hostile_worker.level_or_skip(FORKED_LEVEL)
    assert confinement.bwrap is None
    return confinement


def call(folder: Path, **limits):
    assignment = load_assignment("loss_optimization")
    limited = replace(assignment.limits, **limits) if limits else None
    with WorkerClient(folder, assignment, limits=limited, confinement=forked_confinement()) as client:
        return client.call("sgd_step", np.zeros(2), np.zeros(2), 0.1), client


@pytest.mark.parametrize("case", hostile_worker.ATTACKS)
def test_attack_fails_in_a_forked_worker(case, server, tmp_path, monkeypatch):
    forked_confinement()
    hostile_worker.test_attack_fails_in_the_worker(case, FORKED_LEVEL, tmp_path, monkeypatch)


def test_worker_is_forked_with_only_its_own_descriptors(server, tmp_path):
    body = """\
fds = []
for fd in os.listdir("/proc/self/fd"):
    try:
        fds.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # the listing's own descriptor, closed by now
        pass
foreign = [f for f in fds if f.startswith(("socket:", "anon_inode:[pidfd]"))]
return np.array([os.getppid(), len(foreign), resource.getrlimit(resource.RLIMIT_CPU)[0]])
"""
    (parent, foreign, cpu), _ = call(submission(tmp_path / "fds", body), cpu_s=37)
    assert parent == server.process.pid, "the worker did not fork from the server"
    assert foreign == 0, "the worker kept the server's socket or another worker's pidfd"
    assert cpu == 37, "the worker's rlimits were not applied"


def test_no_state_reaches_another_students_worker(server, tmp_path):
    meddle = "np.leak = 7.0\nnp.random.seed(1)\nreturn W\n"
    look = "return np.array([getattr(np, 'leak', -1.0), np.random.random()])\n"
    call(submission(tmp_path / "meddler", meddle))
    (leak_one, draw_one), _ = call(submission(tmp_path / "one", look))
    (leak_two, draw_two), _ = call(submission(tmp_path / "two", look))
    assert leak_one == leak_two == -1.0, "a worker saw what another student's worker did"
    assert draw_one != draw_two, "two workers share numpy's global random state"
    assert server.alive()


def test_timeouts_and_crashes_are_reported(server, tmp_path):
    with pytest.raises(StudentError) as hung:
        call(submission(tmp_path / "hung", "while True:\n    pass\n"), call_timeout_s=1.0)
    assert hung.value.kind == "timeout"
    with pytest.raises(StudentError) as crashed:
        call(submission(tmp_path / "crash", "os.kill(os.getpid(), signal.SIGSEGV)\n"))
    assert crashed.value.kind == "crash" and "SIGSEGV" in str(crashed.value)
    with pytest.raises(StudentError) as exited:
        call(submission(tmp_path / "exit", "os._exit(3)\n"))
    assert "exited with status 3" in str(exited.value)
