"""Session fixtures that do not depend on the submission, computed once per batch and given to every child.

A hidden suite's session-scoped fixture qualifies when its value is a plain scalar (float, int, str, bool or
None) and its fixture closure holds neither `student`, `submission_dir`, `request` nor `pytestconfig` (the
plugin's own `assignment` and `reference` are the same for every submission of a batch): say, the reference
loop's timing for a speed property. `Recorder` notes their values in the batch's reference run (a throwaway
fork, grader.grading.reference_run), so nothing of that run stays in this process but the values; `install`
hands them to the children forked afterwards, which take them (grader.pytest_plugin's pytest_fixture_setup)
instead of computing them again. Nothing that depends on a submission, and nothing mutable, qualifies, so no
value can carry one submission's data into another's.
"""

from __future__ import annotations

import pytest

#: Fixtures a shared value may not depend on: the submission, and pytest's per-run state.
PER_SUBMISSION = frozenset({"student", "submission_dir", "request", "pytestconfig"})
#: The plugin's fixtures that are the same for every submission of a batch (same options, same reference).
SAME_FOR_THE_BATCH = frozenset({"assignment", "reference"})
#: Types a shared value may have (immutable, and JSON-exact through the pipe).
SCALARS = (float, int, str, bool, type(None))

#: The values the children of this process take: {"<fixture's baseid>::<name>": value}.
_SHARED: dict[str, object] = {}


def install(values: dict[str, object]) -> None:
    """The shared values the children forked from now on take ({"<fixture's baseid>::<name>": value}, as
    Recorder found them in the batch's reference run, grader.grading.reference_run)."""
    _SHARED.clear()
    _SHARED.update({k: v for k, v in values.items() if isinstance(k, str) and type(v) in SCALARS})


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


class Recorder:
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
