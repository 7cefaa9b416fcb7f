"""The pytest plugin's `student` fixture as a worker proxy: a tiny assignment graded end to end,
with the results file's sandbox, output and load-error fields, and the --in-process option."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.pytest_plugin import failure_message
from grader.sandbox import StudentError

MANIFEST = """\
name = "mini"
seed = 1
[functions.double]
file = "mini.py"
points = 2
[functions.halve]
file = "other.py"
points = 1
[limits]
call_timeout_s = 5.0
"""

HIDDEN = '''\
import numpy as np
import pytest


@pytest.mark.grade(function="double", points=1)
def test_double(student, reference):
    """double doubles an array."""
    x = np.arange(3.0)
    got = student.double(x)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, reference.double(x))


@pytest.mark.grade(function="double", points=1, hint="work on a copy")
def test_double_leaves_its_input_alone(student):
    """double leaves its input alone."""
    student.double(np.arange(3.0))
    assert student.last_call_mutated == (), "double modified its argument"


@pytest.mark.grade(function="halve", points=1)
def test_halve(student):
    """halve halves."""
    assert student.halve(4.0) == 2.0
'''

GOOD = {"mini.py": "print('hi from import')\ndef double(x):\n    return 2 * x\n",
        "other.py": "def halve(x):\n    return x / 2\n"}
BAD = {"mini.py": "def double(x):\n    x *= 2\n    return x\n",
       "other.py": "def halve(x)\n    return x / 2\n"}


def make_root(root: Path, hidden: str) -> Path:
    for folder, name, text in [("assignments/mini", "assignment.toml", MANIFEST),
                               ("reference/mini", "mini.py", GOOD["mini.py"]),
                               ("reference/mini", "other.py", GOOD["other.py"]),
                               ("hidden_tests/mini", "test_mini.py", hidden)]:
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(text)
    (root / "pytest.ini").write_text("[pytest]\n")
    return root


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return make_root(tmp_path_factory.mktemp("root"), HIDDEN)


def grade(root: Path, tmp_path: Path, files: dict, *extra: str) -> dict:
    """Run the mini hidden suite on files through the plugin; the results file's data."""
    submission = tmp_path / "submission"
    submission.mkdir()
    for name, text in files.items():
        (submission / name).write_text(textwrap.dedent(text))
    results = tmp_path / "results.json"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    subprocess.run(
        [sys.executable, "-m", "pytest", str(root / "hidden_tests" / "mini"), "-p", "grader.pytest_plugin",
         "-c", str(root / "pytest.ini"), "--rootdir", str(root), "-q", "-p", "no:cacheprovider",
         "--submission", str(submission), "--grader-results", str(results), "--grader-root", str(root),
         "--assignment", "mini", *extra],
        check=False, capture_output=True, text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "TMPDIR": str(scratch)},
    )
    data = json.loads(results.read_text())
    data["leftovers"] = sorted(p.name for p in scratch.iterdir())
    data["outputs"] = {t["name"]: t["output"] for t in data["tests"]}
    return data


def test_a_good_submission_passes_through_the_worker(root, tmp_path):
    data = grade(root, tmp_path, GOOD)
    assert [t["status"] for t in data["tests"]] == ["passed"] * 3
    assert data["sandbox"].startswith("level ") and "process group" in data["sandbox"]
    assert data["stdout"] == "hi from import\n"
    assert data["error"] == ""
    assert data["leftovers"] == []  # the worker's private copy was removed at session end


def test_a_broken_submission_fails_with_clear_messages(root, tmp_path):
    data = grade(root, tmp_path, BAD)
    outputs = data["outputs"]
    assert outputs["double doubles an array."] == ""
    assert outputs["double leaves its input alone."].startswith("double modified its argument")
    assert outputs["halve halves."].startswith("halve is not available: other.py: SyntaxError line 1: ")
    assert data["error"].startswith("other.py: SyntaxError line 1: ")
    assert data["leftovers"] == []


def test_in_process_mode_imports_the_submission_here_and_still_reports_mutation(root, tmp_path):
    data = grade(root, tmp_path, {"mini.py": BAD["mini.py"], "other.py": GOOD["other.py"]}, "--in-process")
    assert data["sandbox"] == "in-process (no isolation)"
    assert data["outputs"]["double leaves its input alone."].startswith("double modified its argument")
    assert data["outputs"]["halve halves."] == ""


def excinfo(exc: Exception):
    with pytest.raises(type(exc)) as info:
        raise exc
    return info


def test_student_errors_read_without_a_type_prefix_other_errors_keep_it():
    assert failure_message(excinfo(StudentError("sgd_step did not return within 20 s"))) == (
        "sgd_step did not return within 20 s", "")
    assert failure_message(excinfo(KeyError("W"))) == ("KeyError: 'W'", "")


def test_an_unknown_sandbox_level_is_a_clear_submission_error(root, tmp_path):
    data = grade(root, tmp_path, GOOD, "--sandbox", "9")
    assert data["error"].startswith("unknown sandbox level '9'")
    assert all(t["status"] == "failed" for t in data["tests"])


#: A hidden test with a bug of its own: it passes a dict with an int key, which no worker can receive.
FAULTY_HIDDEN = HIDDEN + '''

@pytest.mark.grade(function="halve", points=1, hint="a hint about halving")
def test_halve_a_table(student):
    """halve halves a table."""
    assert student.halve({1: 4.0}) == {1: 2.0}
'''


def test_a_value_the_grader_cannot_send_is_a_grader_fault_for_the_instructor(tmp_path):
    root = make_root(tmp_path / "root", FAULTY_HIDDEN)
    data = grade(root, tmp_path, GOOD)
    faulty = next(t for t in data["tests"] if t["name"] == "halve halves a table.")
    assert faulty["status"] == "failed" and faulty["hint"] == ""
    assert faulty["output"].startswith("This check could not run because of a fault in the grader, not in your code")
    assert "dict with a int key" not in faulty["output"]
    assert data["error"].startswith("grader fault in ") and "test_halve_a_table" in data["error"]
    assert "cannot send the arguments of halve" in data["error"] and "dict with a int key" in data["error"]
    assert [t["status"] for t in data["tests"] if t is not faulty] == ["passed"] * 3


PROFILE = '''\
import pytest
from hypothesis import given, settings, strategies as st


@pytest.mark.grade(function="double", points=2)
@given(x=st.floats(0, 1))
def test_the_grader_profile_and_fixtures(student, reference, base_seed, x):
    """a suite without conftest.py runs under the grading profile."""
    d = settings.default
    assert (d.derandomize, d.database, d.deadline, d.max_examples) == (True, None, None, 8), d
    assert (base_seed, repr(student), repr(reference)) == (1, "student", "reference")
    assert student.double(x) == reference.double(x)
'''


def test_a_suite_without_conftest_gets_the_profile_the_seed_and_short_fixture_names(tmp_path):
    root = make_root(tmp_path / "root", PROFILE)
    data = grade(root, tmp_path, GOOD, "--in-process")
    assert [(t["status"], t["output"]) for t in data["tests"]] == [("passed", "")]
