"""Once per batch, before any submission: the hidden suite run on the reference, in a throwaway fork, with
the reference folder as the submission, bound in-process (trusted code only: no worker to start). Only data
comes back: the session fixtures' values the whole batch shares (grader.grading.shared_fixtures) and the
reference's wall time on every call the suite made (grader.sandbox.call_times), both installed for the
children forked after. Nothing of a submission runs here.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.assignment import Assignment, Limits
from grader.grading import shared_fixtures
from grader.sandbox import call_times


@dataclass(frozen=True)
class Measured:
    """What the reference run found: shareable fixture values by key, the reference's seconds by call digest."""

    fixtures: dict[str, object] = field(default_factory=dict)
    times: dict[bytes, float] = field(default_factory=dict)


#: Per suite state and pytest arguments (a later batch with the same ones reuses the run).
_MEASURED: dict[tuple, Measured] = {}


def prepare(args: list[str], state: tuple, timeout_s: float) -> None:
    """Run the reference (once per suite state and args) and install what it found for the coming children.

    args: the children's pytest arguments with the reference as the submission (reference_args); state:
    what identifies the suite's files; timeout_s: how long the run may take (past it, nothing is kept and
    every child computes its fixtures itself, every call gets the full call timeout)."""
    key = (state, tuple(args))
    if key not in _MEASURED:
        _MEASURED[key] = _run(args, timeout_s)
    measured = _MEASURED[key]
    shared_fixtures.install(measured.fixtures)
    call_times.install(measured.times)


def reference_args(assignment: Assignment, limits: Limits, sandbox: str, pytest_args) -> list[str]:
    """The children's pytest arguments with the reference folder as the submission (results to nowhere)."""
    args = pytest_args(assignment, Path(assignment.reference_dir), Path(os.devnull), limits, sandbox)
    at = args.index("--grader-results")
    return args[:at] + args[at + 2:]


def _body(args: list[str], write: int) -> None:
    """In the fork: run the suite with the fixture recorder and the call-time table, send both as JSON."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    shared_fixtures.install({})
    call_times.install({})
    times = call_times.recording()
    recorder = shared_fixtures.Recorder()
    with tempfile.TemporaryDirectory(prefix="grader-reference-") as tmp:
        os.chdir(tmp)
        pytest.main([*args, "--in-process"], plugins=[recorder])
    data = json.dumps({"fixtures": recorder.values, "times": {k.hex(): v for k, v in times.items()}}).encode()
    while data:
        data = data[os.write(write, data):]


def _run(args: list[str], timeout_s: float) -> Measured:
    """The reference run in a fork; an empty Measured where fork is missing, or the run fails or overruns."""
    if not hasattr(os, "fork"):
        return Measured()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the throwaway run: nothing it does stays in the grader
        try:
            os.close(read)
            _body(args, write)
        finally:
            os._exit(0)
    os.close(write)
    chunks, deadline = [], time.monotonic() + timeout_s
    try:
        while (left := deadline - time.monotonic()) > 0 and select.select([read], [], [], left)[0]:
            chunk = os.read(read, 65536)
            if not chunk:
                break
            chunks.append(chunk)
        else:
            chunks = []  # timed out
    finally:
        os.close(read)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
        os.waitpid(pid, 0)
    return _parse(b"".join(chunks))


def _parse(data: bytes) -> Measured:
    """The run's JSON as a Measured, keeping only well-formed times (shared_fixtures.install checks the
    fixture values)."""
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        return Measured()
    if not isinstance(found, dict):
        return Measured()
    fixtures, times = found.get("fixtures"), found.get("times")
    fixtures = fixtures if isinstance(fixtures, dict) else {}
    parsed = {}
    for key, seconds in (times if isinstance(times, dict) else {}).items():
        with contextlib.suppress(ValueError, TypeError):
            if isinstance(seconds, (int, float)) and seconds >= 0:
                parsed[bytes.fromhex(key)] = float(seconds)
    return Measured(fixtures, parsed)
