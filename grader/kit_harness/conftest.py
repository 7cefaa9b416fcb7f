"""Pytest setup for the public tests: the `student` fixture (your functions), deterministic Hypothesis
settings, and failures printed in plain words.

The tests run against the files in the folder above tests/. To test another folder:
`pytest tests --solution-dir DIR`, or the environment variable <NAME>_SOLUTION_DIR=DIR where <NAME> is
the `name` of assignment.toml in capitals (`pytest tests --help` shows it under --solution-dir).
The functions and their files come from assignment.toml too.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from kit_binding import bind_solution
from kit_manifest import KIT_DIR, function_files, read, solution_dir_variable
from kit_report import plain_failure

MANIFEST = read()
SOLUTION_DIR_VARIABLE = solution_dir_variable(MANIFEST)
#: The functions you write (and the finished ones the kit hands out) and their files.
FUNCTION_FILES = function_files(MANIFEST)

settings.register_profile(
    "kit",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=20,
    report_multiple_bugs=False,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("kit")


def pytest_configure(config):
    config.addinivalue_line("markers", "grade(function): the function a public test checks")


def pytest_itemcollected(item):
    """Put the function a test declares (its grade marker) into the JUnit report, for the CI's score summary."""
    marker = item.get_closest_marker("grade")
    if marker is not None:
        item.user_properties.append(("function", marker.kwargs["function"]))


def listed(names):
    """"a", "a and b", "a, b and c"."""
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def pytest_addoption(parser):
    graded = dict.fromkeys(spec["file"] for spec in MANIFEST.get("functions", {}).values())
    parser.addoption(
        "--solution-dir",
        default=None,
        help=f"folder holding {listed(graded)} to test (default: ${SOLUTION_DIR_VARIABLE} or the kit folder)",
    )


def solution_dir(config):
    """The folder to test: --solution-dir, else $<NAME>_SOLUTION_DIR, else the kit folder."""
    chosen = config.getoption("--solution-dir") or os.environ.get(SOLUTION_DIR_VARIABLE)
    return Path(chosen).resolve() if chosen else KIT_DIR


def pytest_report_header(config):
    return f"testing the files in {solution_dir(config)}"


@pytest.fixture(scope="session")
def student(pytestconfig):
    """Your functions, called as student.<function>(...) with the arguments of its docstring."""
    return bind_solution(solution_dir(pytestconfig), FUNCTION_FILES)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Replace the traceback of a failure the kit understands with its plain-words message."""
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        location = (str(item.path), item.location[1] or 0)
        plain = plain_failure(call.excinfo, solution_dir(item.config), location)
        if plain is not None:
            report.longrepr = plain
