"""`grader check` and the refusal of `grader grade`: a hidden suite must agree with its manifest.

The real assignments pass; copies of the optimization assignment broken in tmp_path (an unmarked test,
points that do not add up, a marker naming no graded function, a function missing from the stubs, a
reference that fails) are each reported with the line naming the file; `grader grade` refuses a broken
suite with one line and grades nothing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.assignment import DEFAULT_ROOT, assignment_names
from grader.cli import main

ASSIGNMENT = "optimization"


def copy_root(tmp_path: Path, *names: str) -> Path:
    """A root holding only the assignments `names` (default: this file's one), copied from the project."""
    root = tmp_path / "root"
    for name in names or (ASSIGNMENT,):
        for part in ("assignments", "reference", "hidden_tests"):
            shutil.copytree(DEFAULT_ROOT / part / name, root / part / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of old in path's text."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path} does not hold {old!r} exactly once: update this test's edit"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(path: Path, code: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n\n" + code, encoding="utf-8")


def check(root: Path | None = None, name: str | None = ASSIGNMENT):
    args = ["check"] + (["--assignment", name] if name else []) + (["--root", str(root)] if root else [])
    return CliRunner().invoke(main, args)


def lines(run) -> list[str]:
    return [line for line in run.output.splitlines() if line.strip()]


def test_without_assignment_every_real_assignment_is_checked_and_consistent():
    names = assignment_names()
    assert len(names) >= 2  # the point of checking them all
    run = check(name=None)
    assert run.exit_code == 0, run.output
    # one block per assignment, no problem line: only each assignment's summary, in name order
    assert [line.split(":")[0] for line in lines(run)] == list(names), run.output
    assert all("consistent" in line and "stubs 0" in line for line in lines(run)), run.output


UNMARKED = "def test_unmarked():\n    assert True\n"
EXTRA_POINT = '@grade(1, "an extra point")\ndef test_extra():\n    assert True\n'
UNKNOWN = ('@pytest.mark.grade(function="no_such_function", points=2)\ndef test_unknown():\n'
           '    assert True\n')


@pytest.mark.parametrize("file, code, expected", [
    ("test_adam.py", UNMARKED, "test_adam.py::test_unmarked: no grade marker"),
    ("test_elastic_net.py", EXTRA_POINT,
     "assignment.toml: elastic_net is worth 10 points, its hidden tests (test_elastic_net.py) add up to 11"),
    ("test_adam.py", UNKNOWN, "test_adam.py::test_unknown: grade marker names function 'no_such_function'"),
], ids=["unmarked", "points", "unknown-function"])
def test_a_broken_suite_is_reported_with_the_file_and_refused_by_grade(tmp_path, file, code, expected):
    root = copy_root(tmp_path)
    append(root / "hidden_tests" / ASSIGNMENT / file, code)
    run = check(root)
    assert run.exit_code == 1
    found = [line for line in lines(run) if expected in line]
    assert len(found) == 1, run.output
    assert str(root / "hidden_tests" / ASSIGNMENT) in found[0] or "assignment.toml" in found[0]
    assert "reference" not in run.output  # grading is refused, so neither the reference nor the stubs ran

    submissions = tmp_path / "submissions"
    shutil.copytree(root / "reference" / ASSIGNMENT, submissions / "alice")
    out = tmp_path / "out"
    graded = CliRunner().invoke(main, ["grade", str(submissions), "-o", str(out), "--root", str(root)])
    assert graded.exit_code != 0
    assert len(lines(graded)) == 1, graded.output
    assert expected in graded.output and "nothing graded" in graded.output
    assert not (out / "results").exists()


def test_without_assignment_each_broken_assignment_has_its_block(tmp_path):
    other = next(name for name in assignment_names() if name != ASSIGNMENT)
    root = copy_root(tmp_path, ASSIGNMENT, other)
    append(root / "hidden_tests" / ASSIGNMENT / "test_adam.py", UNMARKED)
    other_test = min((root / "hidden_tests" / other).glob("test_*.py"))
    append(other_test, UNMARKED)

    run = check(root, name=None)
    assert run.exit_code == 1
    blocks = [(f"{ASSIGNMENT}/test_adam.py::test_unmarked: no grade marker", f"{ASSIGNMENT}: 1 problem"),
              (f"{other}/{other_test.name}::test_unmarked: no grade marker", f"{other}: 1 problem")]
    found = lines(run)
    assert len(found) == 4, run.output
    for problem, summary in blocks:  # each assignment's problem line comes right before its summary
        at = next(i for i, line in enumerate(found) if problem in line)
        assert found[at + 1].startswith(summary), run.output

    only = check(root, name=other)  # --assignment NAME: just that one
    assert only.exit_code == 1
    assert len(lines(only)) == 2 and "test_adam.py" not in only.output, only.output


def test_a_failing_reference_and_a_missing_stub_are_each_named(tmp_path):
    root = copy_root(tmp_path)
    edit(root / "reference" / ASSIGNMENT / "optim.py", "\n    m_hat = m / (1 - beta1**t)\n", "\n    m_hat = m\n")
    edit(root / "assignments" / ASSIGNMENT / "optim.py", "def rmsprop(", "def rmsprop_unwritten(")
    run = check(root)
    assert run.exit_code == 1
    reference = [line for line in lines(run) if "the reference earns" in line]
    assert len(reference) == 1, run.output
    assert reference[0].startswith(str(root / "reference" / ASSIGNMENT / "optim.py"))
    assert "on adam" in reference[0] and "/25" in reference[0] and "failing:" in reference[0]
    stub = [line for line in lines(run) if "no function rmsprop" in line]
    assert len(stub) == 1 and stub[0].startswith(str(root / "assignments" / ASSIGNMENT / "optim.py")), run.output
    assert "stubs" in stub[0]
    assert not [line for line in lines(run) if "the stubs earn" in line]  # a missing function still earns 0
