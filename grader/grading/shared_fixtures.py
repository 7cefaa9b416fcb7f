"""Session fixtures that do not depend on the submission, computed once per batch and given to every child.

A hidden suite's session-scoped fixture qualifies when its value is a plain scalar (float, int, str, bool or
None) and its fixture closure holds neither `student`, `submission_dir`, `request` nor `pytestconfig` (the
plugin's own `assignment` and `reference` are the same for every submission of a batch): say, the reference
loop's timing for a speed property. `share` sets the suite's fixtures up once (`pytest --setup-only`, the
reference bound in-process: trusted code only) in a throwaway fork, so nothing of that run stays in this
process but the values, which children forked afterwards take (grader.pytest_plugin's pytest_fixture_setup)
instead of computing them again. Nothing that depends on a submission, and nothing mutable, qualifies, so no
value can carry one submission's data into another's.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import tempfile
import time
from pathlib import Path

import pytest

from grader.assignment import Assignment, Limits

#: Fixtures a shared value may not depend on: the submission, and pytest's per-run state.
PER_SUBMISSION = frozenset({"student", "submission_dir", "request", "pytestconfig"})
#: The plugin's fixtures that are the same for every submission of a batch (same options, same reference).
SAME_FOR_THE_BATCH = frozenset({"assignment", "reference"})
#: Types a shared value may have (immutable, and JSON-exact through the pipe).
SCALARS = (float, int, str, bool, type(None))

#: The values the children of this process take: {"<fixture's baseid>::<name>": value}.
_SHARED: dict[str, object] = {}
#: Values measured per suite state and pytest arguments (a later batch with the same ones reuses them).
_MEASURED: dict[tuple, dict[str, object]] = {}


def share(assignment: Assignment, args: list[str], state: tuple, timeout_s: float) -> dict[str, object]:
    """Measure (once per suite state and args) and install the shareable session fixtures' values.

    args: the children's pytest arguments for the reference folder as their submission; state: what
    identifies the suite's files; timeout_s: how long the setup run may take (past it, nothing is shared).
    """
    key = (state, tuple(args))
    if key not in _MEASURED:
        _MEASURED[key] = _measure(args, timeout_s)
    _SHARED.clear()
    _SHARED.update(_MEASURED[key])
    return dict(_SHARED)


def provide(fixturedef, request):
    """In a child: the shared value of a session fixture (cached as pytest would), or None to compute it."""
    key = _key(fixturedef)
    if fixturedef.scope != "session" or key not in _SHARED:
        return None
    value = _SHARED[key]
    fixturedef.cached_result = (value, fixturedef.cache_key(request), None)
    return value


def _key(fixturedef) -> str:
    return f"{fixturedef.baseid}::{fixturedef.argname}"


class _Recorder:
    """A pytest plugin noting the values of the session fixtures that qualify (see the module's docstring)."""

    def __init__(self):
        self.values: dict[str, object] = {}

    @pytest.hookimpl(wrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        value = yield
        if fixturedef.scope == "session" and type(value) in SCALARS and _batch_wide(request, fixturedef.argnames):
            self.values[_key(fixturedef)] = value
        return value


def _batch_wide(request, names, seen=None) -> bool:
    """Whether fixtures `names` (and what they use, recursively) are the same for every submission;
    anything that cannot be resolved counts as per-submission."""
    seen = set() if seen is None else seen
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        if name in PER_SUBMISSION:
            return False
        try:
            fixturedef = request._get_active_fixturedef(name)
        except Exception:  # noqa: BLE001 - unknown to this pytest: not shared
            return False
        plugin_own = getattr(fixturedef.func, "__module__", "") == "grader.pytest_plugin"
        if plugin_own and name in SAME_FOR_THE_BATCH:
            continue
        if not _batch_wide(request, getattr(fixturedef, "argnames", ("request",)), seen):
            return False
    return True


def _measure(args: list[str], timeout_s: float) -> dict[str, object]:
    """Run `pytest --setup-only` with args in a fork; the qualifying values it found ({} where fork is missing,
    or the run fails or takes longer than timeout_s)."""
    if not hasattr(os, "fork"):
        return {}
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the throwaway run: nothing it does stays in the grader
        try:
            os.close(read)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            _SHARED.clear()
            recorder = _Recorder()
            with tempfile.TemporaryDirectory(prefix="grader-shared-") as tmp:
                os.chdir(tmp)
                pytest.main([*args, "--setup-only", "--in-process"], plugins=[recorder])
            data = json.dumps(recorder.values).encode()
            while data:
                data = data[os.write(write, data):]
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
    try:
        found = json.loads(b"".join(chunks) or b"{}")
    except ValueError:
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and type(v) in SCALARS} if isinstance(found, dict) else {}


def reference_args(assignment: Assignment, limits: Limits, sandbox: str, pytest_args) -> list[str]:
    """The children's pytest arguments with the reference folder as the submission (results to nowhere)."""
    args = pytest_args(assignment, Path(assignment.reference_dir), Path(os.devnull), limits, sandbox)
    at = args.index("--grader-results")
    return args[:at] + args[at + 2:]
