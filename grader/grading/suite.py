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
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.assignment import Assignment
from grader.grading import replay
from grader.grading.child import import_preloaded


@dataclass(frozen=True)
class CollectedTest:
    """One collected hidden test: where it is, and its `grade` marker's arguments (marker None: unmarked)."""

    nodeid: str
    path: Path
    name: str
    marker: dict | None


@dataclass
class Collection:
    """A hidden suite as collection found it: test functions by node id, each test's marker, and the
    files that could not be collected (path, pytest's message)."""

    functions: dict[str, object] = field(default_factory=dict)
    tests: list[CollectedTest] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


#: Per hidden suite (its folder and the state of its files): what collection found, the modules
#: collection imported, and the examples drawn for the replayable tests.
_LOADED: dict[tuple, Collection] = {}
_MODULES: dict[tuple, dict[str, object]] = {}
_DRAWN: dict[tuple, dict[str, list]] = {}


class _Collector:
    """A pytest plugin filling a Collection: test functions and grade markers by node id, collection errors."""

    def __init__(self):
        self.found = Collection()

    def pytest_collectreport(self, report):
        if report.failed:
            text = str(report.longrepr).strip().splitlines()
            self.found.errors.append((str(report.fspath), text[-1] if text else "cannot be collected"))

    def pytest_collection_modifyitems(self, items):
        for item in items:
            if isinstance(item, pytest.Function):
                self.found.functions[item.nodeid] = item.obj
                marker = item.get_closest_marker("grade")
                self.found.tests.append(CollectedTest(item.nodeid, Path(item.path), item.name,
                                                      dict(marker.kwargs) if marker is not None else None))


def collect_suite(assignment: Assignment) -> Collection:
    """Collect assignment's hidden suite in this process, once per state of its files (trusted code only:
    the suite's own modules are imported); the same collection serves load_suite."""
    key = suite_state(assignment)
    folder = key[0]
    _switch_modules(key)
    if key not in _LOADED:
        import_preloaded()
        before = set(sys.modules)
        collector = _Collector()
        args = [str(folder), "-p", "grader.pytest_plugin", "--collect-only", "-q", "-p", "no:cacheprovider",
                "--assignment", assignment.name, "--grader-root", str(assignment.root),
                "-W", "ignore::pytest.PytestAssertRewriteWarning"]
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            pytest.main(args, plugins=[collector])
        _LOADED[key] = collector.found
        _MODULES[key] = {name: sys.modules[name] for name in set(sys.modules) - before
                         if _inside(sys.modules[name], folder)}
    return _LOADED[key]


def load_suite(assignment: Assignment, replayed: bool = True) -> dict[str, object]:
    """Collect assignment's hidden suite in this process (once per suite folder) and arm or disarm
    replay for the forks that follow; returns {node id: test function}.

    replayed: draw each property's examples now (once) and let children replay them; False: every
    child runs each property the plain way. Then freezes the garbage collector's view of everything
    loaded so far, so children neither copy nor rescan it.
    """
    key = suite_state(assignment)
    functions = collect_suite(assignment).functions
    if replayed and key not in _DRAWN:
        drawn = {}
        for nodeid, test in functions.items():
            if replay.record(test):
                drawn[nodeid] = getattr(test, replay.EXAMPLES_ATTR)
        _DRAWN[key] = drawn
    for nodeid, test in functions.items():
        if replayed and nodeid in _DRAWN[key]:
            setattr(test, replay.EXAMPLES_ATTR, _DRAWN[key][nodeid])
        else:
            replay.forget(test)
    gc.collect()
    gc.freeze()
    return functions


def suite_state(assignment: Assignment) -> tuple:
    """What identifies assignment's hidden suite as its files are now (see _state)."""
    folder = Path(assignment.hidden_tests_dir).resolve()
    return (folder, _state(folder))


def _state(folder: Path) -> tuple:
    """What identifies the suite's files as they are now: (path, size, mtime) of each."""
    return tuple(sorted((str(p), st.st_size, st.st_mtime_ns) for p in folder.rglob("*.py")
                        if "__pycache__" not in p.parts for st in [p.stat()]))


def _inside(module, folder: Path) -> bool:
    file = getattr(module, "__file__", None)
    return bool(file) and Path(file).resolve().is_relative_to(folder)


def _switch_modules(key: tuple) -> None:
    """Leave in sys.modules only the suite modules of `key` (another suite, or an older state of this
    one, may use the same module names: test_loss, conftest helpers)."""
    for other, modules in _MODULES.items():
        if other != key:
            for name, module in modules.items():
                if sys.modules.get(name) is module:
                    del sys.modules[name]
    sys.modules.update(_MODULES.get(key, {}))
