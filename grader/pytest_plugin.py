"""Pytest plugin for hidden suites: `student`, `reference`, `assignment` fixtures, the `grade` marker,
and a per-test results file.

Run as: pytest hidden_tests/<name> -p grader.pytest_plugin --submission DIR [--grader-results OUT.json]

A test declares what it is worth with
    @pytest.mark.grade(function="svm_loss_naive", points=2, hint="what to look at when it fails")
and its first docstring line is the name a student reads.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from grader.assignment import load_assignment
from grader.binding import bind_in_process
from grader.results import TestResult


def pytest_addoption(parser):
    group = parser.getgroup("grader")
    group.addoption("--submission", help="folder holding the student's files to grade")
    group.addoption("--assignment", default="loss_optimization", help="assignment name (default: %(default)s)")
    group.addoption("--grader-root", default=None, help="folder holding assignments/, reference/, hidden_tests/")
    group.addoption("--grader-results", default=None, help="write per-test results as JSON to this file")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "grade(function, points, hint=''): the graded function this test belongs to and its points"
    )
    if config.getoption("--grader-results"):
        config.pluginmanager.register(ResultsRecorder(Path(config.getoption("--grader-results"))), "grader-results")


@pytest.fixture(scope="session")
def assignment(pytestconfig):
    """The Assignment under test (manifest data and folders)."""
    root = pytestconfig.getoption("--grader-root")
    name = pytestconfig.getoption("--assignment")
    return load_assignment(name, root) if root else load_assignment(name)


@pytest.fixture(scope="session")
def reference(assignment):
    """The reference functions, imported in this (trusted) process."""
    return bind_in_process(assignment.reference_dir, assignment, prefix="reference")


@pytest.fixture(scope="session")
def student(pytestconfig, assignment):
    """The submission's functions, called as student.<function>(...)."""
    folder = pytestconfig.getoption("--submission")
    if not folder:
        pytest.fail("no submission given: run pytest with --submission DIR", pytrace=False)
    return bind_in_process(Path(folder), assignment, prefix="student")


@pytest.fixture(scope="session")
def submission_dir(pytestconfig) -> Path:
    """The submission's folder (--submission), for tests that read source text; never import from it."""
    folder = pytestconfig.getoption("--submission")
    if not folder:
        pytest.fail("no submission given: run pytest with --submission DIR", pytrace=False)
    return Path(folder)


def failure_message(excinfo) -> tuple[str, str]:
    """The teaching message of a failed test and Hypothesis's falsifying example (without test source)."""
    exc = excinfo.value
    notes = [str(n) for n in getattr(exc, "__notes__", ())]
    example = "\n".join(n for n in notes if n.startswith("Falsifying example"))
    message = str(exc) or type(exc).__name__
    if not isinstance(exc, AssertionError):
        message = f"{type(exc).__name__}: {message}"
    return message, example


class ResultsRecorder:
    """Collects one TestResult per test (from its `grade` marker) and writes them as JSON at the end.

    The file holds {"tests": [TestResult dicts], "sandbox": level reached, "stdout": the worker's
    captured output, "error": a submission-level problem or ""}.
    """

    def __init__(self, path: Path):
        self.path = path
        self.results: dict[str, TestResult] = {}
        self.started = time.monotonic()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("grade")
        if marker is None:
            return
        failed = report.failed
        if report.when == "call" or (failed and item.nodeid not in self.results):
            points = float(marker.kwargs["points"])
            doc = (getattr(item.obj, "__doc__", None) or item.name).strip().splitlines()[0]
            message, example = ("", "")
            if failed and call.excinfo is not None:
                message, example = failure_message(call.excinfo)
            self.results[item.nodeid] = TestResult(
                name=doc,
                nodeid=item.nodeid,
                function=marker.kwargs["function"],
                score=0.0 if failed else points,
                max_score=points,
                status="failed" if failed else "passed",
                output=message,
                hint=marker.kwargs.get("hint", "") if failed else "",
                falsifying_example=example,
                duration_s=report.duration,
            )

    def pytest_sessionfinish(self, session):
        data = {
            "tests": [vars(r) for r in self.results.values()],
            "sandbox": "in-process (no isolation)",
            "stdout": "",
            "error": "",
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(data, indent=1), encoding="utf-8")


