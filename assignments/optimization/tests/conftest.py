"""Pytest setup for the public tests: the `student` fixture (your functions), deterministic Hypothesis
settings, and failures printed in plain words.

The tests run against the files in the folder above tests/. To test another folder:
`pytest tests --solution-dir DIR` or the environment variable OPTIMIZATION_SOLUTION_DIR=DIR.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from kit_binding import bind_solution
from kit_report import plain_failure

KIT_DIR = Path(__file__).resolve().parent.parent
SOLUTION_DIR_VARIABLE = "OPTIMIZATION_SOLUTION_DIR"
#: The functions you write and their files (the same as in assignment.toml).
FUNCTION_FILES = {
    "sgd": "optim.py",
    "sgd_momentum": "optim.py",
    "rmsprop": "optim.py",
    "adam": "optim.py",
    "elastic_net": "regularization.py",
    "train": "train.py",
}

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


def pytest_addoption(parser):
    parser.addoption(
        "--solution-dir",
        default=None,
        help=f"folder holding optim.py, regularization.py and train.py to test "
        f"(default: ${SOLUTION_DIR_VARIABLE} "
        "or the kit folder)",
    )


def solution_dir(config):
    """The folder to test: --solution-dir, else $OPTIMIZATION_SOLUTION_DIR, else the kit folder."""
    chosen = config.getoption("--solution-dir") or os.environ.get(SOLUTION_DIR_VARIABLE)
    return Path(chosen).resolve() if chosen else KIT_DIR


def pytest_report_header(config):
    return f"testing the files in {solution_dir(config)}"


@pytest.fixture(scope="session")
def student(pytestconfig):
    """Your functions, called as student.adam(w, dw, config) etc."""
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
