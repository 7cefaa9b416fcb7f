"""Load the hidden suite once in the grader process, so every forked child starts with it imported.

`load_suite` runs pytest's collection of the suite here (conftest, test modules, their helpers: imported
and assertion-rewritten once); a child's own pytest run then finds those modules in sys.modules and
reuses them. With replay on, each property's examples are drawn once too (grader.grading.replay).
Nothing of a submission runs here: collection imports only the trusted suite.
"""

from __future__ import annotations

import contextlib
import gc
import io
from pathlib import Path

import pytest

from grader.assignment import Assignment
from grader.grading import replay

#: Per hidden-suite folder: the collected test functions, and the examples drawn for those replayable.
_LOADED: dict[Path, dict[str, object]] = {}
_DRAWN: dict[Path, dict[str, list]] = {}


class _Collector:
    """A pytest plugin keeping the collected items' test functions, by node id."""

    def __init__(self):
        self.functions: dict[str, object] = {}

    def pytest_collection_modifyitems(self, items):
        for item in items:
            if isinstance(item, pytest.Function):
                self.functions[item.nodeid] = item.obj


def load_suite(assignment: Assignment, replayed: bool = True) -> dict[str, object]:
    """Collect assignment's hidden suite in this process (once per suite folder) and arm or disarm
    replay for the forks that follow; returns {node id: test function}.

    replayed: draw each property's examples now (once) and let children replay them; False: every
    child runs each property the plain way. Then freezes the garbage collector's view of everything
    loaded so far, so children neither copy nor rescan it.
    """
    folder = Path(assignment.hidden_tests_dir).resolve()
    if folder not in _LOADED:
        collector = _Collector()
        args = [str(folder), "-p", "grader.pytest_plugin", "--collect-only", "-q", "-p", "no:cacheprovider",
                "--assignment", assignment.name, "--grader-root", str(assignment.root),
                "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            pytest.main(args, plugins=[collector])
        _LOADED[folder] = collector.functions
    functions = _LOADED[folder]
    if replayed and folder not in _DRAWN:
        drawn = {}
        for nodeid, test in functions.items():
            if replay.record(test):
                drawn[nodeid] = getattr(test, replay.EXAMPLES_ATTR)
        _DRAWN[folder] = drawn
    for nodeid, test in functions.items():
        if replayed and nodeid in _DRAWN[folder]:
            setattr(test, replay.EXAMPLES_ATTR, _DRAWN[folder][nodeid])
        else:
            replay.forget(test)
    gc.collect()
    gc.freeze()
    return functions
