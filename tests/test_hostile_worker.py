"""The hostile cases that attack the machine, each run in a bare worker at every level 2-4 this machine gives.

tests/test_hostile.py grades them end to end at the strongest level; here each attack meets a
`WorkerClient` directly at each level, so a layer that fails is named by the level it fails at.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from test_hostile import (
    CASES,
    LEFTOVER_ACTED,
    LEFTOVER_FILES,
    LIMITS,
    MARKS,
    NETWORK_PORT,
    assemble,
    hostile_processes,
    tree_digest,
)

from grader.assignment import load_assignment
from grader.sandbox import StudentError, WorkerClient, confine

#: The attacks on the machine (kill_parent only runs end to end: it aims at every pytest in sight).
ATTACKS = ("read_reference", "forge_results", "rewrite_others", "network", "env_secrets", "detached_process")


def level_or_skip(level: int) -> confine.Confinement:
    try:
        return confine.probe(str(level))
    except confine.ConfinementError as exc:
        pytest.skip(f"this machine cannot give level {level}: {exc}")


def attack(case: str, confinement: confine.Confinement, tmp_path: Path, tag: str, port: int) -> tuple[str, str]:
    """Run the case's hostile svm_loss_naive once in a worker; (the call's error message, the worker's output).

    port: where this test listens; the case's files aim at it instead of NETWORK_PORT, which the end-to-end
    batch (tests/test_hostile.py, maybe running beside this test) holds."""
    assignment = load_assignment("loss_optimization")
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    assemble(case, CASES[case], assignment, submissions, tag, tmp_path)
    for source in (submissions / case).glob("*.py"):
        text = source.read_text(encoding="utf-8")
        if str(NETWORK_PORT) in text:
            source.write_text(text.replace(str(NETWORK_PORT), str(port)), encoding="utf-8")
    rng = np.random.default_rng(0)
    W, X, y = rng.normal(size=(4, 3)), rng.normal(size=(5, 4)), rng.integers(0, 3, size=5)
    with WorkerClient(submissions / case, assignment, confinement=confinement, limits=LIMITS) as client:
        with pytest.raises(StudentError) as failure:
            client.call("svm_loss_naive", W, X, y, 0.1)
        return str(failure.value), client.output()


@pytest.mark.parametrize("level", [2, 3, 4])
@pytest.mark.parametrize("case", ATTACKS)
def test_attack_fails_in_the_worker(case, level, tmp_path, monkeypatch):
    confinement = level_or_skip(level)
    tag = "hw" + secrets.token_hex(3)
    other = tmp_path / "other_student"  # a classmate's files, where a grader would keep them
    shutil.copytree(load_assignment("loss_optimization").reference_dir, other, ignore=shutil.ignore_patterns("__pycache__"))
    before = tree_digest(other)
    secret = "worker-secret-" + secrets.token_hex(8)
    monkeypatch.setenv("GRADER_HOSTILE_SECRET", secret)
    for leftover in LEFTOVER_FILES:
        Path(leftover).unlink(missing_ok=True)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # a port of its own: the end-to-end batch holds NETWORK_PORT
    listener.listen(4)
    listener.setblocking(False)

    try:
        message, output = attack(case, confinement, tmp_path, tag, listener.getsockname()[1])
        if case == "detached_process":
            time.sleep(1.5)  # the leftover acts every 0.2 s if it is alive
        left = hostile_processes(tag)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        reached = []
        try:
            reached.append(listener.accept())
        except BlockingIOError:
            pass
    finally:
        listener.close()

    assert "ATTEMPTED" in output, f"the attack never ran ({message})"
    assert "LEAKED" not in output, "the worker read the reference or the hidden tests"
    assert secret not in output, "the worker read the grader's secret"
    assert left == [], "a process outlived its worker"
    assert not (tmp_path / LEFTOVER_ACTED).exists(), "a leftover process acted after the worker ended"
    assert reached == [], "the worker reached the test's listener"
    assert tree_digest(other) == before, "the worker rewrote another student's files"
    for path in [*tmp_path.rglob("*"), *(Path(f) for f in LEFTOVER_FILES)]:
        if path.is_file() and not path.is_symlink():
            assert not any(mark.encode() in path.read_bytes() for mark in MARKS), f"forged {path}"
