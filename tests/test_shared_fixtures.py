"""Session fixtures the grader sets up once per batch (grader.grading.shared_fixtures): every child takes the
value set up once, and a fixture that uses the student, pytest's per-run state or holds a mutable value is
always set up again in each child (the batch-wide values come from the batch's one run on the reference)."""

from __future__ import annotations

import os

import test_grading as grading

from grader.assignment import load_assignment
from grader.grading.batch import grade_batch
from grader.submissions import discover

PIDS = '''
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def batch_pid(reference):
    return os.getpid()


@pytest.fixture(scope="session")
def student_pid(student):
    return os.getpid()


@pytest.fixture(scope="session")
def listed_pid(reference):
    return [os.getpid()]


@pytest.fixture(scope="session")
def option_pid(pytestconfig):
    return os.getpid()


@pytest.fixture(scope="session")
def derived_pid(student_pid):
    return student_pid


@pytest.mark.grade(function="sgd_step", points=0)
def test_zz_pids(batch_pid, student_pid, listed_pid, option_pid, derived_pid):
    """pids"""
    seen = (os.getpid(), batch_pid, student_pid, listed_pid[0], option_pid, derived_pid)
    Path(os.environ["GRADER_TEST_PIDS"], str(os.getpid())).write_text(" ".join(map(str, seen)))
'''


def test_batch_wide_fixtures_are_set_up_once_and_the_rest_per_child(tmp_path, monkeypatch):
    assignment = load_assignment("loss_optimization", grading.mini_root(tmp_path, PIDS))
    for name in ("ann", "ben", "cat"):
        grading.reference_copy(tmp_path / "subs" / name)
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv("GRADER_TEST_PIDS", str(pids))
    results = grade_batch(discover(tmp_path / "subs").entries, assignment, tmp_path / "out", jobs=2, force=True)
    assert all(t.passed for r in results for t in r.tests if t.name == "pids")
    seen = [tuple(map(int, p.read_text().split())) for p in pids.iterdir()]
    batch = {s[1] for s in seen}
    assert len(batch) == 1, "the batch-wide fixture was set up again in a child"
    # The batch's reference run (grader.grading.reference_run) set it up, in a process of its own.
    assert [s[0] for s in seen].count(next(iter(batch))) == 1 and os.getpid() not in batch
    seen = [s for s in seen if s[0] not in batch]
    children = {s[0] for s in seen}
    assert len(seen) == 3 and len(children) == 3, "a child did not run, or two submissions shared one"
    for child, _, *per_child in seen:
        assert per_child == [child] * 4, "a fixture using the student, pytestconfig or a list was shared"
